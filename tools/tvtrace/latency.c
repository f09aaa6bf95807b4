/*
 * The exit-latency distribution of the HTML report: for every exit paired
 * with the entry that resumed its vCPU (tt_collect_exits, the pairing of
 * --summary), the handling time entry - exit (less the time a time-shared
 * hart gave other vCPUs meanwhile: tt_exit_handling) converted from
 * timebase ticks to nanoseconds, counted in log2 buckets. Drawn as an SVG 1.1 bar chart;
 * each bar carries its range and count in data- attributes and a <title>
 * (SVG 1.1, "The 'title' element": shown as a tooltip).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tvtrace.h"

/* Chart geometry (SVG user units). */
#define LAT_W 900
#define LAT_H 260
#define LAT_LEFT 60
#define LAT_BOTTOM 40
#define LAT_TOP 20

/* Ticks of a hz timebase as nanoseconds, without overflowing for any
 * realistic run (ticks / hz whole seconds, then the remainder). */
static uint64_t ticks_ns(uint64_t ticks, uint64_t hz)
{
	if (hz == 0)
		return 0;
	return ticks / hz * UINT64_C(1000000000) +
	       ticks % hz * UINT64_C(1000000000) / hz;
}

/* log2 bucket of a duration in ns: floor(log2(ns)), 0 for 0 and 1. */
static unsigned bucket_of(uint64_t ns)
{
	unsigned k = 0;

	while (ns > 1 && k < TT_LAT_BUCKETS - 1) {
		ns >>= 1;
		k++;
	}
	return k;
}

void tt_latency_collect(const struct tt_dump *d, struct tt_latency *l)
{
	struct tt_exit *ex = NULL;
	size_t n = tt_collect_exits(d, &ex);
	uint64_t hz = tt_timebase(d);

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		const struct tt_rec *t = &d->recs[ex[i].rec];

		if (!ex[i].timed ||
		    !tv_filter_record(&tt_filter, t->hart, &t->r))
			continue;
		l->bucket[bucket_of(ticks_ns(tt_exit_handling(&ex[i]), hz))]++;
		l->pairs++;
	}
	free(ex);
}

/* "512 ns", "1.02 us", "2.1 ms": 2^k ns, three significant digits. */
static void put_pow2(FILE *out, unsigned k)
{
	static const char *const unit[] = {"ns", "us", "ms", "s"};
	double v = (double)(UINT64_C(1) << k);
	unsigned u = 0;

	while (u < 3 && v >= 1000.0) {
		v /= 1000.0;
		u++;
	}
	fprintf(out, "%.3g %s", v, unit[u]);
}

void tt_latency_svg(FILE *out, const struct tt_latency *l)
{
	unsigned lo = TT_LAT_BUCKETS, hi = 0;
	uint64_t top = 0;
	double bw;

	for (unsigned k = 0; k < TT_LAT_BUCKETS; k++)
		if (l->bucket[k]) {
			lo = lo < k ? lo : k;
			hi = k;
			top = top > l->bucket[k] ? top : l->bucket[k];
		}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		     "height=\"%d\" viewBox=\"0 0 %d %d\" data-pairs=\"%" PRIu64
		     "\">\n<style>.lat{fill:#3f7fbf}.lat:hover{fill:#f08030}"
		     "text{font:11px sans-serif}</style>\n",
		LAT_W, LAT_H, LAT_W, LAT_H, l->pairs);
	if (lo == TT_LAT_BUCKETS) {
		fprintf(out, "<text x=\"%d\" y=\"%d\">No exit was paired with "
			     "its entry.</text>\n</svg>\n", LAT_LEFT, LAT_H / 2);
		return;
	}
	bw = (double)(LAT_W - LAT_LEFT - 10) / (double)(hi - lo + 1);
	fprintf(out, "<text x=\"4\" y=\"14\">exits</text>\n"
		     "<text x=\"4\" y=\"%d\">%" PRIu64 "</text>\n"
		     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		     "stroke=\"#888\"/>\n",
		LAT_TOP + 10, top, LAT_LEFT, LAT_H - LAT_BOTTOM, LAT_W - 10,
		LAT_H - LAT_BOTTOM);
	for (unsigned k = lo; k <= hi; k++) {
		double h = (double)(LAT_H - LAT_BOTTOM - LAT_TOP) *
			   (double)l->bucket[k] / (double)top;
		double x = LAT_LEFT + bw * (double)(k - lo);

		fprintf(out, "<rect class=\"lat\" data-lo-ns=\"%" PRIu64
			     "\" data-hi-ns=\"%" PRIu64 "\" data-count=\"%"
			     PRIu64 "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			     "height=\"%.1f\"><title>",
			k ? UINT64_C(1) << k : 0, UINT64_C(1) << (k + 1),
			l->bucket[k], x + 1, LAT_H - LAT_BOTTOM - h, bw - 2, h);
		put_pow2(out, k);
		fputs(" to ", out);
		put_pow2(out, k + 1);
		fprintf(out, ": %" PRIu64 " exits</title></rect>\n",
			l->bucket[k]);
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			x + bw / 2, LAT_H - LAT_BOTTOM + 14);
		put_pow2(out, k);
		fprintf(out, "</text>\n<text x=\"%.1f\" y=\"%.1f\" "
			     "text-anchor=\"middle\">%" PRIu64 "</text>\n",
			x + bw / 2, LAT_H - LAT_BOTTOM - h - 3, l->bucket[k]);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\">handling time, exit to entry "
		     "(log2 buckets; a bar covers its label to twice "
		     "it)</text>\n</svg>\n",
		LAT_LEFT, LAT_H - 6);
}
