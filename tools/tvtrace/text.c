/*
 * --text: the ftrace-style lines of tv_format_text(), the same text the
 * hypervisor prints in its text dump mode, in time order across harts.
 * Lost records show as tv_lost events; frames missing from the log with
 * an unknown record count as a comment line.
 */
#include <inttypes.h>

#include "tvtrace.h"

void tt_print_text(FILE *out, struct tt_dump *d)
{
	uint64_t hz = tt_timebase(d);
	char line[512];
	int n;

	tt_sort(d);
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[d->order[i]];

		if (!tv_filter_record(&tt_filter, t->hart, &t->r))
			continue;
		if (t->origin == TT_GAP_UNKNOWN) {
			fprintf(out,
				"# frames %" PRIu32 "..%" PRIu32
				" missing: records lost, count unknown\n",
				t->gap_first, t->gap_last);
			continue;
		}
		/* The line and its newline (in place of the NUL) in one
		 * write, with no format to parse; a line cut short (never:
		 * TV_FORMAT_TEXT_MAX) as it was. */
		n = tv_format_text(&t->r, hz, line, sizeof(line));
		if (n < 0 || (size_t)n >= sizeof(line)) {
			fprintf(out, "%s\n", line);
			continue;
		}
		line[n] = '\n';
		fwrite(line, 1, (size_t)n + 1, out);
	}
}
