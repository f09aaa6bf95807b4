/*
 * libFuzzer harness: the trace wire decoder and its frame scanning
 * (lib/trace_wire.c: tv_wire_dec_line, tv_wire_dec_finish) on arbitrary
 * console text, plus tv_format_text on every record it delivers.
 *
 * The input is turned into a console log by fuzz_build_log() (see
 * fuzz_input.h: pieces may be binary frames that get a valid CRC), then
 * fed line by line the way tvtrace's scanner does. Besides the sanitizers,
 * the callbacks check what the decoder promises:
 *  - every record has a kind the format defines (1 .. TV_KIND_COUNT-1),
 *    with the arguments past tv_kind_nargs() zero;
 *  - an error is reported at a position inside the line being fed (the
 *    "~TV1:" of the frame), or at the end of input from dec_finish;
 *  - a gap's frame range is not empty;
 *  - tv_format_text fits TV_FORMAT_TEXT_MAX, returns the length it wrote,
 *    and a truncated call writes a NUL-terminated prefix of the full line;
 *  - a second decoder fed the same lines, which takes records of version 1
 *    frames a frame at a time (records()) and events in batches
 *    (events()), delivers the same records with the same harts and
 *    indices in the same order (a running hash of them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "trace_wire.h"

/* Stop with a message: libFuzzer reports the abort as a crash and saves
 * the input. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_wire: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* What the callbacks know about the position being decoded. */
struct ctx {
	uint64_t line_no;
	uint64_t line_start, line_end; /* input offsets of the line */
	int at_finish;
	uint64_t timebase;
	uint64_t records, errors;
	uint64_t hash; /* of every record, hart and index in order */
};

/* FNV-1a of n bytes, on from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void on_begin(void *c, const struct tv_wire_begin *info)
{
	struct ctx *x = c;

	x->timebase = info ? info->timebase_hz : 10000000;
}

/* Format r into a full buffer and into a short one; compare. */
static void check_text(const struct tv_record *r, uint64_t timebase)
{
	char full[TV_FORMAT_TEXT_MAX], cut[24];
	int n = tv_format_text(r, timebase, full, sizeof(full));
	size_t want = (size_t)(r->time % sizeof(cut));
	int m;

	CHECK(n >= 0 && (size_t)n < sizeof(full));
	CHECK(strlen(full) == (size_t)n);
	m = tv_format_text(r, timebase, cut, want);
	CHECK(m == n);
	if (want) {
		size_t got = strlen(cut);

		CHECK(got == ((size_t)n < want ? (size_t)n : want - 1));
		CHECK(memcmp(cut, full, got) == 0);
	}
}

static void on_record(void *c, const struct tv_record *r, uint16_t hart,
		      uint64_t index)
{
	struct ctx *x = c;

	x->hash = fnv(x->hash, r, sizeof(*r));
	x->hash = fnv(x->hash, &hart, sizeof(hart));
	x->hash = fnv(x->hash, &index, sizeof(index));
	CHECK(r->kind > TV_KIND_NONE && r->kind < TV_KIND_COUNT);
	for (unsigned i = tv_kind_nargs(r->kind); i < TV_NARGS; i++)
		CHECK(r->arg[i] == 0);
	x->records++;
	check_text(r, x->timebase);
}

static void on_gap(void *c, const struct tv_wire_gap *g)
{
	(void)c;
	CHECK(g->first_seq <= g->last_seq);
}

static void on_error(void *c, uint64_t line_no, uint64_t byte_offset,
		     const char *msg)
{
	struct ctx *x = c;

	CHECK(msg && strlen(msg) > 0 && strlen(msg) < 256);
	CHECK(line_no == x->line_no);
	if (x->at_finish)
		CHECK(byte_offset == x->line_start);
	else
		CHECK(byte_offset >= x->line_start &&
		      byte_offset + TV_WIRE_PREFIX_LEN <= x->line_end);
	x->errors++;
}

static void on_records(void *c, const struct tv_record *r, size_t n, uint16_t hart,
		       uint64_t first)
{
	for (size_t i = 0; i < n; i++)
		on_record(c, &r[i], hart, first + i);
}

static void on_events(void *c, const struct tv_record *ev, const uint64_t *index,
		      size_t n, uint16_t hart)
{
	CHECK(n >= 1 && n <= TV_WIRE_EVENT_BATCH);
	for (size_t i = 0; i < n; i++)
		on_record(c, &ev[i], hart, index[i]);
}

static const struct tv_wire_dec_ops ops = {
	.begin = on_begin,
	.record = on_record,
	.gap = on_gap,
	.error = on_error,
};

static const struct tv_wire_dec_ops batch_ops = {
	.begin = on_begin,
	.record = on_record,
	.records = on_records,
	.events = on_events,
	.gap = on_gap,
	.error = on_error,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tv_wire_dec dec, batch;
	struct ctx x, y;
	struct fuzz_buf log;
	size_t pos = 0;

	memset(&x, 0, sizeof(x));
	x.timebase = 10000000;
	fuzz_build_log(data, size, &log);
	tv_wire_dec_init(&dec, &ops, &x);
	x.line_no = 1;
	y = x;
	tv_wire_dec_init(&batch, &batch_ops, &y);
	while (pos < log.len) {
		const char *nl = memchr(log.p + pos, '\n', log.len - pos);
		size_t len = nl ? (size_t)(nl - (log.p + pos)) + 1
				: log.len - pos;
		/* An exact copy, so ASan sees a read past the line. */
		char *line = malloc(len ? len : 1);

		if (!line)
			abort();
		memcpy(line, log.p + pos, len);
		/* The callbacks read x through the decoder's ctx pointer,
		 * which cppcheck does not follow. */
		// cppcheck-suppress redundantAssignment
		x.line_start = y.line_start = pos;
		x.line_end = y.line_end = pos + len;
		tv_wire_dec_line(&dec, line, len, x.line_no, pos);
		tv_wire_dec_line(&batch, line, len, y.line_no, pos);
		free(line);
		pos += len;
		x.line_no++;
		y.line_no++;
	}
	x.at_finish = y.at_finish = 1;
	// cppcheck-suppress redundantAssignment
	x.line_start = y.line_start = pos;
	tv_wire_dec_finish(&dec, x.line_no, pos);
	tv_wire_dec_finish(&batch, y.line_no, pos);
	CHECK(y.records == x.records && y.hash == x.hash && y.errors == x.errors);
	CHECK(dec.frames_ok + dec.frames_bad <= log.len / TV_WIRE_PREFIX_LEN);
	free(log.p);
	return 0;
}
