/*
 * libFuzzer harness: tvtrace's log processing end to end, without main():
 * the input becomes a console log (fuzz_build_log, see fuzz_input.h), is
 * read through a FILE (fmemopen) by tt_scan(), and every dump found is
 * described and printed in every view (--records, --text, --summary), as
 * `tvtrace --all -r -t -s` would, into /dev/null. The sanitizers judge
 * the run, plus two checks: frames_ok never exceeds the number of "~TV1:"
 * prefixes the input could hold, and tt_log_free() leaves the log empty.
 */
/* fmemopen is POSIX.1-2008. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "tvtrace.h"

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_tvtrace: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* Where the views print: opened once, kept open. */
static FILE *sink(void)
{
	static FILE *f;

	if (!f) {
		f = fopen("/dev/null", "w");
		if (!f)
			abort();
	}
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_buf text;
	struct tt_log log;
	FILE *in, *out = sink();

	fuzz_build_log(data, size, &text);
	in = fmemopen(text.p, text.len, "r"); /* glibc: size 0 is fine */
	if (!in)
		abort();
	memset(&log, 0, sizeof(log));
	log.name = "fuzz";
	log.quiet = 1;
	CHECK(tt_scan(in, &log) == 0);
	fclose(in);
	CHECK(log.frames_ok <= text.len / TV_WIRE_PREFIX_LEN);
	for (size_t i = 0; i < log.ndumps; i++) {
		struct tt_dump *d = &log.dumps[i];

		tt_describe_dump(out, d, i + 1);
		(void)tt_complete(d);
		tt_print_records(out, d);
		tt_print_text(out, d);
		tt_print_summary(out, d);
	}
	tt_log_free(&log);
	CHECK(log.ndumps == 0 && log.dumps == NULL);
	free(text.p);
	return 0;
}
