/*
 * --svg FILE: a timeline picture of a dump; --histogram FILE: exits by
 * reason as a bar chart. Both are standalone SVG 1.1 documents (W3C "Scalable
 * Vector Graphics (SVG) 1.1": an <svg> root in the SVG namespace with
 * version="1.1", only basic shapes, text and <title>), so any browser or
 * rsvg-convert renders them.
 *
 * Timeline: one lane per hart. Pale green bars are the guest running
 * (VS/VU-mode, from an entry to the next exit); full-height slices are
 * the hypervisor handling an exit (HS-mode, from the exit to the entry that
 * resumes the guest), coloured by exit reason, with a <title> giving
 * reason, sepc and handling time. A time axis with ticks and units runs
 * underneath, a legend below it. --from/--to (and every other filter)
 * pick what is drawn: the window is the zoom.
 *
 * A time-shared hart (SWITCH records) has a band along the top of its
 * lane with a bar per turn of a vCPU on it, coloured and labelled by
 * vCPU, and a dashed line at each switch (hover: from which vCPU to
 * which, why, how long it ran, the incoming hgatp and VMID). An exit
 * whose vCPU was switched out during its handling is drawn in two
 * pieces, before the switch and after the switch back, so it does not
 * cover the other vCPUs' turns.
 *
 * Histogram: one row per exit reason, sorted by count; the left panel is
 * the number of exits, the right one the total handling time.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "riscv_names.h"
#include "export.h"
#include "tvtrace.h"

#include <tracevisor/csr.h>

#define FONT "DejaVu Sans, Verdana, Arial, sans-serif"
#define GUEST_FILL "#cde9c8"
/* A span of a lane whose records were lost: pale red. */
#define LOST_FILL "#f4c7c3"
#define GUEST_STROKE "#8fc487"

/* ------------------------------------------------------------- helpers */

/* Text with XML's special characters escaped (XML 1.0, "Character Data
 * and Markup": & and < must be escaped, > and " too inside attributes). */
static void put_esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out); break;
		}
	}
}

/* Small numeric helpers (the tool links no maths library). */
static double dabs(double x)
{
	return x < 0 ? -x : x;
}

/* Largest integer <= x, for |x| < 2^62. */
static double dfloor(double x)
{
	double t = (double)(long long)x;

	return t > x ? t - 1 : t;
}

/* Smallest integer >= x. */
static double dceil(double x)
{
	return -dfloor(-x);
}

/* 10^e for small integer e. */
static double pow10i(int e)
{
	double p = 1;

	for (; e > 0; e--)
		p *= 10;
	for (; e < 0; e++)
		p /= 10;
	return p;
}

/* floor(log10(x)) for x > 0. */
static int log10i(double x)
{
	int e = 0;

	while (x >= 10 && e < 300) {
		x /= 10;
		e++;
	}
	while (x < 1 && e > -300) {
		x *= 10;
		e--;
	}
	return e;
}

/* A duration in the most readable unit: "850 ns", "3.10 us", "8.18 ms". */
static const char *fmt_dur(char buf[32], double seconds)
{
	double a = dabs(seconds);

	if (a < 1e-6)
		snprintf(buf, 32, "%.0f ns", seconds * 1e9);
	else if (a < 1e-3)
		snprintf(buf, 32, "%.2f us", seconds * 1e6);
	else if (a < 1)
		snprintf(buf, 32, "%.2f ms", seconds * 1e3);
	else
		snprintf(buf, 32, "%.3f s", seconds);
	return buf;
}

/* Seconds of a tick count. */
static double secs(uint64_t ticks, uint64_t hz)
{
	return hz ? (double)ticks / (double)hz : (double)ticks;
}

/* Fixed colours for the common reasons, so pictures of different runs
 * agree; a palette for the rest. */
static const char *reason_color(uint64_t cause)
{
	static const char *const extra[] = {
		"#bcbd22", "#393b79", "#843c39", "#637939", "#7b4173",
		"#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
	};

	switch (cause) {
	case EXC_ECALL_VS: return "#1f77b4";
	case EXC_LOAD_GUEST_PAGE_FAULT: return "#ff7f0e";
	case EXC_STORE_GUEST_PAGE_FAULT: return "#d62728";
	case EXC_INST_GUEST_PAGE_FAULT: return "#8c564b";
	case EXC_VIRTUAL_INST: return "#9467bd";
	case EXC_ILLEGAL_INST: return "#e377c2";
	case EXC_BREAKPOINT: return "#7f7f7f";
	case CAUSE_INTERRUPT | IRQ_S_TIMER: return "#17becf";
	case CAUSE_INTERRUPT | IRQ_S_EXT: return "#bcbd22";
	case CAUSE_INTERRUPT | IRQ_S_SOFT: return "#393b79";
	default: break;
	}
	return extra[(cause ^ (cause >> 59)) % (sizeof(extra) / sizeof(extra[0]))];
}

/* A "nice" axis step (1, 2 or 5 times a power of ten) giving about
 * `want` ticks over span. */
static double nice_step(double span, int want)
{
	double raw = span / want, p, m;

	if (raw <= 0)
		return 1;
	p = pow10i(log10i(raw));
	m = raw / p;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* Decimals needed to print multiples of step (in the axis unit). */
static int step_decimals(double step)
{
	int d = -log10i(step * (1 + 1e-9));

	return d < 0 ? 0 : d > 9 ? 9 : d;
}

/* The unit for an axis spanning `span` seconds: its name and scale. */
static void time_unit(double span, const char **name, double *scale)
{
	if (span >= 2) {
		*name = "s";
		*scale = 1;
	} else if (span >= 2e-3) {
		*name = "ms";
		*scale = 1e3;
	} else if (span >= 2e-6) {
		*name = "us";
		*scale = 1e6;
	} else {
		*name = "ns";
		*scale = 1e9;
	}
}

/* Per-reason totals of the exits shown. */
struct reason_stat {
	uint64_t cause;
	uint64_t count, timed, total; /* handling time in ticks */
};

struct reason_stats {
	struct reason_stat *r;
	size_t n, cap;
};

static struct reason_stat *reason_stat(struct reason_stats *rs, uint64_t cause)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].cause == cause)
			return &rs->r[i];
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 8;
		rs->r = tt_xrealloc(rs->r, rs->cap, sizeof(*rs->r));
	}
	memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
	rs->r[rs->n].cause = cause;
	return &rs->r[rs->n++];
}

/* Most exits first, then by cause (as --summary sorts). */
static int cmp_stat(const void *a, const void *b)
{
	const struct reason_stat *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->cause < y->cause ? -1 : x->cause > y->cause;
}

/* Does the filter pass exit e (its EXIT record)? */
static bool exit_shown(const struct tt_dump *d, const struct tt_exit *e)
{
	const struct tt_rec *t = &d->recs[e->rec];

	return tv_filter_record(&tt_filter, t->hart, &t->r);
}

/* Totals per reason of the exits the filter passes. */
static void collect_stats(const struct tt_dump *d, const struct tt_exit *ex,
			  size_t n, struct reason_stats *rs)
{
	for (size_t i = 0; i < n; i++) {
		struct reason_stat *s;

		if (!exit_shown(d, &ex[i]))
			continue;
		s = reason_stat(rs, ex[i].cause);
		s->count++;
		if (ex[i].timed) {
			s->timed++;
			s->total += tt_exit_handling(&ex[i]);
		}
	}
	if (rs->n > 1)
		qsort(rs->r, rs->n, sizeof(*rs->r), cmp_stat);
}

/* Set while an SVG is written into an HTML page (tt_svg_write). */
static int svg_embedded;

/* The document's start: SVG 1.1 root with its size, white background.
 * Inside HTML the XML declaration and DOCTYPE are left out: HTML's
 * parser takes an inline <svg> element as is (HTML Living Standard,
 * "SVG"), where a declaration would be a bogus comment. */
static void svg_begin(FILE *out, double w, double h, const char *title)
{
	if (!svg_embedded)
		fprintf(out,
			"<?xml version=\"1.0\" encoding=\"UTF-8\" "
			"standalone=\"no\"?>\n"
			"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
			"\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"%s\">\n<title>",
		w, h, w, h, FONT);
	put_esc(out, title);
	fprintf(out, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" "
		     "height=\"%.0f\" fill=\"#ffffff\"/>\n",
		w, h);
}

/* A line of text; anchor is start, middle or end. */
static void svg_text(FILE *out, double x, double y, double size,
		     const char *anchor, const char *style, const char *text)
{
	fprintf(out,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" "
		"text-anchor=\"%s\"%s%s>",
		x, y, size, anchor, style ? " " : "", style ? style : "");
	put_esc(out, text);
	fprintf(out, "</text>\n");
}

/* ------------------------------------------------------------ timeline */

#define TL_W 1200.0
#define TL_LEFT 118.0
#define TL_RIGHT 36.0
#define TL_TOP 78.0
#define TL_LANE 54.0
#define TL_GAP 16.0
#define TL_MIN_PX 1.0

/* The drawing context of a timeline. */
struct timeline {
	FILE *out;
	const struct tt_dump *d;
	uint64_t hz;
	uint64_t t0, t1;     /* window, ticks */
	double plot_w;	     /* pixels for t1 - t0 */
	uint16_t *lanes;     /* hart of each lane, ascending */
	size_t nlanes;
	/* vCPUs with turns on time-shared harts, for the legend */
	unsigned nsw;
	uint8_t sw_vcpus[16][2];
	size_t nswitches;    /* SWITCH records in the window */
	size_t nlost_spans;  /* spans of lanes whose records were lost */
};

/* x pixel of a tick time (clamped to the window). */
static double tl_x(const struct timeline *tl, uint64_t t)
{
	if (t <= tl->t0)
		return TL_LEFT;
	if (t >= tl->t1)
		return TL_LEFT + tl->plot_w;
	return TL_LEFT + (double)(t - tl->t0) / (double)(tl->t1 - tl->t0) *
				 tl->plot_w;
}

/* y pixel of the top of lane i. */
static double tl_lane_y(size_t i)
{
	return TL_TOP + (double)i * (TL_LANE + TL_GAP);
}

/* Lane index of a hart, or -1. */
static long tl_lane(const struct timeline *tl, uint16_t hart)
{
	for (size_t i = 0; i < tl->nlanes; i++)
		if (tl->lanes[i] == hart)
			return (long)i;
	return -1;
}

/* Add a hart to the lane set (kept sorted, no duplicates). */
static void add_lane(uint16_t **lanes, size_t *n, size_t *cap, uint16_t hart)
{
	size_t i = 0;

	while (i < *n && (*lanes)[i] < hart)
		i++;
	if (i < *n && (*lanes)[i] == hart)
		return;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*lanes = tt_xrealloc(*lanes, *cap, sizeof(**lanes));
	}
	memmove(*lanes + i + 1, *lanes + i, (*n - i) * sizeof(**lanes));
	(*lanes)[i] = hart;
	(*n)++;
}

/*
 * Lanes: the harts --hart names; else every hart of the dump: those of
 * its HART frames (the hypervisor writes one for every hart it dumps,
 * idle ones too) and of its records (not BEGIN's count, which a damaged
 * dump may make 65535). The window:
 * --from/--to, else the time span of the records on those lanes.
 */
static void tl_layout(struct timeline *tl)
{
	const struct tt_dump *d = tl->d;
	size_t cap = 0;
	int have = 0;
	uint64_t lo = 0, hi = 0;

	if (tt_filter.nharts) {
		for (unsigned i = 0; i < tt_filter.nharts; i++)
			add_lane(&tl->lanes, &tl->nlanes, &cap,
				 tt_filter.harts[i]);
	} else {
		for (size_t i = 0; i < d->ntotals; i++)
			add_lane(&tl->lanes, &tl->nlanes, &cap, d->totals[i].hart);
		for (size_t i = 0; i < d->nrecs; i++)
			add_lane(&tl->lanes, &tl->nlanes, &cap, d->recs[i].hart);
	}
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];

		if (!tv_filter_place(&tt_filter, t->hart, t->r.vm, t->r.vcpu))
			continue;
		if (!have || t->r.time < lo)
			lo = t->r.time;
		if (!have || t->r.time > hi)
			hi = t->r.time;
		have = 1;
	}
	tl->t0 = tt_filter.has_from ? tt_filter.from_tick : lo;
	tl->t1 = tt_filter.has_to ? tt_filter.to_tick : hi;
	if (tl->t1 <= tl->t0)
		tl->t1 = tl->t0 + 1;
	tl->plot_w = TL_W - TL_LEFT - TL_RIGHT;
}

/* The vCPUs seen on a hart, one per line ("vm0-vcpu0\nvm1-vcpu0"; a
 * time-shared hart has several), at most two lines: "...\nand more". */
static void lane_vcpus(const struct timeline *tl, uint16_t hart, char *buf,
		       size_t size)
{
	unsigned seen[2][2];
	size_t n = 0, len = 0;
	int more = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < tl->d->nrecs; i++) {
		const struct tt_rec *t = &tl->d->recs[i];
		size_t k;

		if (t->hart != hart || t->origin != TT_FROM_DUMP ||
		    !tv_filter_place(&tt_filter, hart, t->r.vm, t->r.vcpu))
			continue;
		for (k = 0; k < n; k++)
			if (seen[k][0] == t->r.vm && seen[k][1] == t->r.vcpu)
				break;
		if (k < n)
			continue;
		if (n == 2) {
			more = 1;
			break;
		}
		seen[n][0] = t->r.vm;
		seen[n][1] = t->r.vcpu;
		n++;
	}
	for (size_t k = 0; k < n && len < size; k++) {
		int w = snprintf(buf + len, size - len, "%svm%u-vcpu%u",
				 k ? "\n" : "", seen[k][0], seen[k][1]);

		if (more && k == 1)
			w = snprintf(buf + len, size - len, "\nand more vCPUs");
		if (w > 0)
			len += (size_t)w;
	}
	if (n == 0)
		snprintf(buf, size, "no records");
}

/* Lane frames and labels. */
static void tl_lanes(struct timeline *tl)
{
	FILE *out = tl->out;

	for (size_t i = 0; i < tl->nlanes; i++) {
		double y = tl_lane_y(i);
		char label[32], sub[96];

		snprintf(label, sizeof(label), "hart %u", tl->lanes[i]);
		lane_vcpus(tl, tl->lanes[i], sub, sizeof(sub));
		fprintf(out, "<g class=\"lane\" id=\"lane-hart%u\">\n",
			tl->lanes[i]);
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#f6f6f6\" stroke=\"#bbbbbb\" "
			"stroke-width=\"0.5\"/>\n",
			TL_LEFT, y, tl->plot_w, TL_LANE);
		svg_text(out, TL_LEFT - 10, y + 20, 13, "end",
			 "font-weight=\"bold\"", label);
		char *line = sub;

		for (int k = 0; line; k++) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl++ = '\0';
			svg_text(out, TL_LEFT - 10, y + 36 + 12 * k, 10, "end",
				 "fill=\"#555555\"", line);
			line = nl;
		}
		fprintf(out, "</g>\n");
	}
}

/* A span of a lane whose records were lost, a to b (ticks), with the
 * count for its hover title; counted only, not drawn, unless draw. */
static void tl_lost_span(struct timeline *tl, long lane, uint64_t a,
			 uint64_t b, uint64_t count, int unknown, int draw)
{
	double x0, x1, y = tl_lane_y((size_t)lane);
	char ta[32], tb[32];

	if (b < tl->t0 || a > tl->t1 || b < a)
		return;
	if (!draw) {
		tl->nlost_spans++;
		return;
	}
	x0 = tl_x(tl, a);
	x1 = tl_x(tl, b);
	if (x1 - x0 < TL_MIN_PX)
		x1 = x0 + TL_MIN_PX;
	fprintf(tl->out,
		"<rect class=\"lost-span\" x=\"%.2f\" y=\"%.1f\" "
		"width=\"%.2f\" height=\"%.1f\" fill=\"" LOST_FILL "\">"
		"<title>not recorded, %s to %s s: ",
		x0, y, x1 - x0, TL_LANE, tt_time(ta, a, tl->hz),
		tt_time(tb, b, tl->hz));
	if (unknown)
		fputs("records lost (frames missing, count unknown)", tl->out);
	else
		fprintf(tl->out, "%" PRIu64 " record%s lost", count,
			count == 1 ? "" : "s");
	fputs("; the hart ran, what it did is not in the trace</title>"
	      "</rect>\n", tl->out);
}

/* Per-lane state while finding the spans whose records were lost. */
struct lost_run {
	int have_prev;	 /* a record of the hart came before */
	uint64_t prev;	 /* its time */
	int pending;	 /* a loss waits for the hart's next record */
	uint64_t since;	 /* where that loss's span begins */
	uint64_t count;	 /* records lost in it (summed) */
	int unknown;	 /* a count in it is unknown */
};

/*
 * Where a hart's records were lost, the lane shows a span "not recorded"
 * rather than the empty background, which reads as a hart doing nothing.
 * A LOST record (or gap marker) stands just before the hart's next record
 * and carries its time; the lost records were written after the hart's
 * record before it (docs/trace-format.md, "Index, loss and gaps"). So the
 * span runs from the record before the loss (the window's start when
 * there is none: an overwritten ring lost everything older) to the one
 * after (the window's end when there is none: a stopped ring, or frames
 * lost at the end). Losses are the hart's, whichever vCPU ran: every
 * record of the hart counts, the vCPU filter aside.
 */
static void tl_lost(struct timeline *tl, int draw)
{
	const struct tt_dump *d = tl->d;
	size_t nl = tl->nlanes ? tl->nlanes : 1;
	struct lost_run *g = tt_xrealloc(NULL, nl, sizeof(*g));

	memset(g, 0, nl * sizeof(*g));
	if (draw)
		fprintf(tl->out, "<g class=\"lost-spans\">\n");
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];
		long lane = tl_lane(tl, t->hart);
		struct lost_run *s;

		if (lane < 0)
			continue;
		s = &g[lane];
		if (t->r.kind == TV_KIND_LOST) {
			if (!s->pending) {
				s->pending = 1;
				s->since = s->have_prev ? s->prev : tl->t0;
				s->count = 0;
				s->unknown = 0;
			}
			if (t->origin == TT_GAP_UNKNOWN)
				s->unknown = 1;
			else
				s->count += t->r.arg[0];
			continue;
		}
		if (s->pending)
			tl_lost_span(tl, lane, s->since, t->r.time, s->count,
				     s->unknown, draw);
		s->pending = 0;
		s->have_prev = 1;
		s->prev = t->r.time;
	}
	for (size_t k = 0; k < tl->nlanes; k++)
		if (g[k].pending)
			tl_lost_span(tl, (long)k, g[k].since, tl->t1,
				     g[k].count, g[k].unknown, draw);
	if (draw)
		fprintf(tl->out, "</g>\n");
	free(g);
}

/* A guest-running bar on a lane from a to b (ticks). */
static void tl_guest_bar(struct timeline *tl, long lane, uint64_t a,
			 uint64_t b)
{
	double x0, x1, y = tl_lane_y((size_t)lane) + TL_LANE * 0.3;

	if (b < tl->t0 || a > tl->t1 || b <= a)
		return;
	x0 = tl_x(tl, a);
	x1 = tl_x(tl, b);
	fprintf(tl->out,
		"<rect class=\"guest\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
		"height=\"%.1f\" fill=\"" GUEST_FILL "\"/>\n",
		x0, y, x1 - x0, TL_LANE * 0.4);
}

/* Per-hart state while drawing guest bars. */
struct guest_run {
	int running;
	uint64_t since;
	uint64_t last; /* time of the hart's latest record */
};

/* Guest time: from each entry to the next exit (or break) of the hart. */
static void tl_guest(struct timeline *tl)
{
	const struct tt_dump *d = tl->d;
	struct guest_run *g = tt_xrealloc(NULL, tl->nlanes ? tl->nlanes : 1,
					  sizeof(*g));

	memset(g, 0, (tl->nlanes ? tl->nlanes : 1) * sizeof(*g));
	fprintf(tl->out, "<g class=\"guest-time\">\n");
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];
		long lane = tl_lane(tl, t->hart);
		struct guest_run *s;

		if (lane < 0 ||
		    !tv_filter_place(&tt_filter, t->hart, t->r.vm, t->r.vcpu))
			continue;
		s = &g[lane];
		s->last = t->r.time;
		if (t->origin == TT_FROM_DUMP && t->r.kind == TV_KIND_ENTRY) {
			if (!s->running)
				s->since = t->r.time;
			s->running = 1;
		} else if (t->origin != TT_FROM_DUMP ||
			   t->r.kind == TV_KIND_EXIT ||
			   t->r.kind == TV_KIND_LOST ||
			   t->r.kind == TV_KIND_CONTROL ||
			   t->r.kind == TV_KIND_STOP) {
			if (s->running)
				tl_guest_bar(tl, lane, s->since, t->r.time);
			s->running = 0;
		}
	}
	/* Still running at the end of the trace: up to its last record. */
	for (size_t k = 0; k < tl->nlanes; k++)
		if (g[k].running)
			tl_guest_bar(tl, (long)k, g[k].since, g[k].last);
	fprintf(tl->out, "</g>\n");
	free(g);
}

/* One piece of an exit's slice, from a to b (ticks), with its title. */
static void tl_slice_piece(struct timeline *tl, const struct tt_exit *e,
			   long lane, uint64_t a, uint64_t b)
{
	double x0 = tl_x(tl, a), x1 = tl_x(tl, b);
	double y = tl_lane_y((size_t)lane);
	char shrt[32], name[64], dur[32], ta[32], tb[32];

	if (x1 - x0 < TL_MIN_PX) {
		x1 = x0 + TL_MIN_PX;
		if (x1 > TL_LEFT + tl->plot_w) {
			x1 = TL_LEFT + tl->plot_w;
			x0 = x1 - TL_MIN_PX;
		}
	}
	tv_cause_short_describe(e->cause, shrt, sizeof(shrt));
	tv_cause_describe(e->cause, name, sizeof(name));
	fprintf(tl->out,
		"<rect class=\"slice\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
		"height=\"%.1f\" fill=\"%s\"><title>",
		x0, y, x1 - x0, TL_LANE, reason_color(e->cause));
	put_esc(tl->out, shrt);
	fputs(": ", tl->out);
	put_esc(tl->out, name);
	fprintf(tl->out, "&#10;sepc 0x%016" PRIx64 "&#10;", e->sepc);
	if (e->timed)
		fprintf(tl->out, "handling %s (%s to %s s)",
			fmt_dur(dur, secs(tt_exit_handling(e), tl->hz)),
			tt_time(ta, e->exit_time, tl->hz),
			tt_time(tb, e->entry_time, tl->hz));
	else
		fprintf(tl->out, "exit at %s s, handling time unknown (no "
				 "entry followed: guest stopped or records lost)",
			tt_time(ta, e->exit_time, tl->hz));
	if (e->switched)
		fprintf(tl->out, "&#10;switched out %s to %s s (%s away)",
			tt_time(ta, e->out_time, tl->hz),
			tt_time(tb, e->in_time, tl->hz),
			fmt_dur(dur, secs(e->away, tl->hz)));
	fprintf(tl->out, "&#10;hart %u, vm%u-vcpu%u</title></rect>\n", e->hart,
		e->vm, e->vcpu);
}

/* One exit's slice with its hover title: two pieces when its vCPU was
 * switched out meanwhile (the hart ran others in between). */
static void tl_slice(struct timeline *tl, const struct tt_exit *e)
{
	long lane = tl_lane(tl, e->hart);
	uint64_t end = e->timed ? e->entry_time : e->exit_time;

	if (lane < 0)
		return;
	if (!e->switched) {
		tl_slice_piece(tl, e, lane, e->exit_time, end);
		return;
	}
	tl_slice_piece(tl, e, lane, e->exit_time, e->out_time);
	if (e->timed)
		tl_slice_piece(tl, e, lane, e->in_time, end);
}

/* ------------------------------------------------------ time-shared harts */

/* A colour per vCPU for its turns, the same in every picture. */
static const char *vcpu_color(unsigned vm, unsigned vcpu)
{
	static const char *const pal[] = {
		"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
		"#e15759", "#76b7b2", "#edc948", "#9c755f",
	};

	return pal[(vm * 3 + vcpu) % (sizeof(pal) / sizeof(pal[0]))];
}

#define TL_TURN_H 9.0

/* One turn of a vCPU on a lane's hart, from a to b, in the band along
 * the top of the lane. sw: the SWITCH that ended it, NULL for the last. */
static void tl_turn(struct timeline *tl, long lane, unsigned vm, unsigned vcpu,
		    uint64_t a, uint64_t b, const struct tv_record *sw)
{
	double x0, x1, y = tl_lane_y((size_t)lane);
	char ta[32], tb[32], dur[32];

	if (b < tl->t0 || a > tl->t1 || b <= a)
		return;
	x0 = tl_x(tl, a);
	x1 = tl_x(tl, b);
	fprintf(tl->out,
		"<rect class=\"turn\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
		"height=\"%.1f\" fill=\"%s\"><title>vm%u-vcpu%u holds hart %u: "
		"%s to %s s (%s)",
		x0, y, x1 - x0 > 0.5 ? x1 - x0 : 0.5, TL_TURN_H,
		vcpu_color(vm, vcpu), vm, vcpu, tl->lanes[lane],
		tt_time(ta, a, tl->hz), tt_time(tb, b, tl->hz),
		fmt_dur(dur, secs(b - a, tl->hz)));
	if (sw) {
		const char *why = tv_switch_name(sw->arg[2]);

		fprintf(tl->out, "&#10;ended: %s, the hart went to vm%" PRIu64
				 "-vcpu%" PRIu64,
			why ? why : "unknown reason", sw->arg[0], sw->arg[1]);
	} else {
		fprintf(tl->out, "&#10;still running at the end of the dump");
	}
	fprintf(tl->out, "</title></rect>\n");
	if (x1 - x0 >= 64) {
		char label[32];

		snprintf(label, sizeof(label), "vm%u-vcpu%u", vm, vcpu);
		svg_text(tl->out, x0 + 3, y + TL_TURN_H - 1.5, 8, "start",
			 "fill=\"#ffffff\"", label);
	}
}

/* A switch: a dashed line across the lane with what happened. */
static void tl_switch(struct timeline *tl, long lane, const struct tv_record *r)
{
	double x = tl_x(tl, r->time), y = tl_lane_y((size_t)lane);
	const char *why = tv_switch_name(r->arg[2]);
	uint64_t hgatp = r->arg[4];
	char t[32], dur[32];

	if (r->time < tl->t0 || r->time > tl->t1)
		return;
	fprintf(tl->out,
		"<g class=\"switch\"><title>switch at %s s: vm%u-vcpu%u -&gt; "
		"vm%" PRIu64 "-vcpu%" PRIu64 " (%s), it ran %s&#10;hgatp 0x%016" PRIx64
		" (%s, VMID %u), G-stage TLB %s</title>\n",
		tt_time(t, r->time, tl->hz), r->vm, r->vcpu, r->arg[0],
		r->arg[1], why ? why : "unknown reason",
		fmt_dur(dur, secs(r->arg[3], tl->hz)), hgatp,
		tt_hgatp_mode(hgatp), tt_hgatp_vmid(hgatp),
		r->arg[5] ? "flushed" : "not flushed");
	fprintf(tl->out,
		"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
		"stroke=\"#222222\" stroke-width=\"1\" "
		"stroke-dasharray=\"3,2\"/>\n"
		"<path d=\"M %.2f %.1f l 4 4 l -4 4 l -4 -4 z\" "
		"fill=\"%s\"/></g>\n",
		x, y, x, y + TL_LANE, x, y + TL_LANE - 4,
		r->arg[2] == TV_SWITCH_SLICE ? "#222222" : "#ffffff");
}

/* Per lane: the last SWITCH drawn and the time of the last record. */
struct lane_turns {
	const struct tv_record *last;
	uint64_t end;
};

/* The turns and switches of the time-shared harts. */
static void tl_turns(struct timeline *tl)
{
	const struct tt_dump *d = tl->d;
	struct lane_turns *lt = tt_xrealloc(NULL, tl->nlanes ? tl->nlanes : 1,
					    sizeof(*lt));
	memset(lt, 0, (tl->nlanes ? tl->nlanes : 1) * sizeof(*lt));
	fprintf(tl->out, "<g class=\"turns\">\n");
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];
		long lane = tl_lane(tl, t->hart);
		const struct tv_record *r = &t->r;
		uint64_t from;

		if (lane < 0)
			continue;
		if (r->time > lt[lane].end)
			lt[lane].end = r->time;
		if (t->origin != TT_FROM_DUMP || r->kind != TV_KIND_SWITCH ||
		    !tv_filter_record(&tt_filter, t->hart, r))
			continue;
		from = r->arg[3] <= r->time ? r->time - r->arg[3] : 0;
		if (lt[lane].last && from < lt[lane].last->time)
			from = lt[lane].last->time;
		tl_turn(tl, lane, r->vm, r->vcpu, from, r->time, r);
		tl_switch(tl, lane, r);
		lt[lane].last = r;
	}
	for (size_t k = 0; k < tl->nlanes; k++) {
		const struct tv_record *r = lt[k].last;

		if (r && r->arg[0] <= UINT8_MAX && r->arg[1] <= UINT8_MAX)
			tl_turn(tl, (long)k, (unsigned)r->arg[0],
				(unsigned)r->arg[1], r->time, lt[k].end, NULL);
	}
	fprintf(tl->out, "</g>\n");
	free(lt);
}

/* Markers on top of a lane: records lost (red) and user marks (black). */
static void tl_markers(struct timeline *tl)
{
	const struct tt_dump *d = tl->d;

	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];
		long lane = tl_lane(tl, t->hart);
		int lost = t->r.kind == TV_KIND_LOST;
		double x, y;

		if (lane < 0 || (!lost && t->r.kind != TV_KIND_MARK) ||
		    !tv_filter_record(&tt_filter, t->hart, &t->r))
			continue;
		x = tl_x(tl, t->r.time);
		y = tl_lane_y((size_t)lane);
		fprintf(tl->out,
			"<path class=\"%s\" d=\"M %.2f %.1f l -5 -8 l 10 0 z\" "
			"fill=\"%s\"><title>",
			lost ? "lost" : "mark", x, y, lost ? "#cc0000" : "#000000");
		if (lost && t->origin == TT_GAP_UNKNOWN)
			fprintf(tl->out, "records lost here (frames missing, "
					 "count unknown)");
		else if (lost)
			fprintf(tl->out, "%" PRIu64 " records lost here",
				t->r.arg[0]);
		else
			fprintf(tl->out, "mark 0x%" PRIx64, t->r.arg[0]);
		fprintf(tl->out, "</title></path>\n");
	}
}

/* The time axis under the lanes: ticks, labels, grid lines. Returns the
 * y below it. */
static double tl_axis(struct timeline *tl)
{
	FILE *out = tl->out;
	double y = tl_lane_y(tl->nlanes) - TL_GAP + 8;
	double a = secs(tl->t0, tl->hz), b = secs(tl->t1, tl->hz);
	double scale, step, first;
	const char *unit;
	char label[64];
	int dec;

	time_unit(b - a, &unit, &scale);
	/* Keep labels short: 325.8 ms rather than 325800 us. */
	while (b * scale >= 10000 && scale > 1) {
		scale /= 1000;
		unit = scale == 1e6 ? "us" : scale == 1e3 ? "ms" : "s";
	}
	step = nice_step((b - a) * scale, 10);
	dec = step_decimals(step);
	first = dceil(a * scale / step - 1e-9) * step;
	fprintf(out, "<g class=\"axis\">\n");
	fprintf(out,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333333\" stroke-width=\"1\"/>\n",
		TL_LEFT, y, TL_LEFT + tl->plot_w, y);
	for (int k = 0; k < 1000; k++) {
		double v = first + k * step;
		double x = TL_LEFT + (v / scale - a) / (b - a) * tl->plot_w;

		if (x > TL_LEFT + tl->plot_w + 0.01)
			break;
		fprintf(out,
			"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
			"stroke=\"#000000\" stroke-opacity=\"0.12\" "
			"stroke-width=\"1\"/>\n",
			x, TL_TOP, x, y);
		fprintf(out,
			"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
			"stroke=\"#333333\" stroke-width=\"1\"/>\n",
			x, y, x, y + 5);
		snprintf(label, sizeof(label), "%.*f", dec, v);
		svg_text(out, x, y + 18, 11, "middle", NULL, label);
	}
	snprintf(label, sizeof(label), "time (%s)", unit);
	svg_text(out, TL_LEFT + tl->plot_w / 2, y + 36, 12, "middle",
		 "fill=\"#333333\"", label);
	fprintf(out, "</g>\n");
	return y + 52;
}

/* The legend: guest time, then each reason with its count and total
 * handling time. Returns the y below it. */
static double tl_legend(struct timeline *tl, const struct reason_stats *rs,
			double y, int draw)
{
	FILE *out = tl->out;
	const double col_w = (TL_W - 40) / 2, row_h = 20;
	double x0 = 20;
	size_t items = rs->n + 1, rows;

	if (draw) {
		svg_text(out, x0, y, 12, "start", "font-weight=\"bold\"",
			 "Legend");
		fprintf(out, "<g class=\"legend\">\n");
	}
	y += 10;
	for (size_t i = 0; i < items && draw; i++) {
		double x = x0 + (double)(i % 2) * col_w;
		size_t row = i / 2;
		double yy = y + (double)row * row_h;
		char text[192], shrt[32], name[64], dur[32];

		if (i == 0) {
			fprintf(out,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
				"height=\"6\" fill=\"" GUEST_FILL "\"/>\n",
				x, yy + 4);
			svg_text(out, x + 22, yy + 11, 11, "start", NULL,
				 "guest running (VS/VU-mode): entry to the next "
				 "exit");
			continue;
		}
		const struct reason_stat *s = &rs->r[i - 1];

		tv_cause_short_describe(s->cause, shrt, sizeof(shrt));
		tv_cause_describe(s->cause, name, sizeof(name));
		snprintf(text, sizeof(text), "%s: %s (%" PRIu64 " exit%s, %s)",
			 shrt, name, s->count, s->count == 1 ? "" : "s",
			 fmt_dur(dur, secs(s->total, tl->hz)));
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" "
			"fill=\"%s\"/>\n",
			x, yy, reason_color(s->cause));
		svg_text(out, x + 22, yy + 11, 11, "start", NULL, text);
	}
	rows = (items + 1) / 2;
	y += (double)rows * row_h;
	if (draw) {
		fprintf(out, "</g>\n");
		svg_text(out, x0, y + 8, 10, "start", "fill=\"#666666\"",
			 "Coloured slices: the hypervisor (HS-mode) handling an "
			 "exit, from the exit to the entry that resumes the "
			 "guest. Slices narrower than 1 px are drawn 1 px wide; "
			 "hover a slice for its reason, sepc and handling time.");
		svg_text(out, x0, y + 22, 10, "start", "fill=\"#666666\"",
			 "Triangles above a lane: black = a trace marker of the "
			 "guest, red = records lost there.");
		if (tl->nlost_spans) {
			fprintf(out,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
				"height=\"9\" fill=\"" LOST_FILL "\"/>\n",
				x0, y + 29);
			svg_text(out, x0 + 22, y + 37, 10, "start",
				 "fill=\"#666666\"",
				 "Not recorded: the hart ran, but its records "
				 "there were lost (its ring overwritten or "
				 "full, or frames missing from the log).");
		}
	}
	return y + 36 + (tl->nlost_spans ? 14 : 0);
}

/* Note a vCPU that takes turns on a time-shared hart (for the legend). */
static void tl_sw_vcpu(struct timeline *tl, uint64_t vm, uint64_t vcpu)
{
	if (vm > UINT8_MAX || vcpu > UINT8_MAX)
		return;
	for (unsigned i = 0; i < tl->nsw; i++)
		if (tl->sw_vcpus[i][0] == vm && tl->sw_vcpus[i][1] == vcpu)
			return;
	if (tl->nsw < sizeof(tl->sw_vcpus) / sizeof(tl->sw_vcpus[0])) {
		tl->sw_vcpus[tl->nsw][0] = (uint8_t)vm;
		tl->sw_vcpus[tl->nsw][1] = (uint8_t)vcpu;
		tl->nsw++;
	}
}

/* The vCPUs of the SWITCH records drawn. */
static void tl_sw_vcpus(struct timeline *tl)
{
	for (size_t i = 0; i < tl->d->nrecs; i++) {
		const struct tt_rec *t = &tl->d->recs[i];

		if (t->origin != TT_FROM_DUMP || t->r.kind != TV_KIND_SWITCH ||
		    tl_lane(tl, t->hart) < 0 ||
		    !tv_filter_record(&tt_filter, t->hart, &t->r))
			continue;
		tl_sw_vcpu(tl, t->r.vm, t->r.vcpu);
		tl_sw_vcpu(tl, t->r.arg[0], t->r.arg[1]);
		tl->nswitches += t->r.time >= tl->t0 && t->r.time <= tl->t1;
	}
}

/* The legend's line for time-shared harts: a swatch per vCPU, what the
 * dashed lines are. Returns the y below it. */
static double tl_legend_turns(struct timeline *tl, double y, int draw)
{
	double x = 20;

	if (tl->nsw == 0)
		return y;
	if (!draw)
		return y + 36;
	svg_text(tl->out, x, y + 11, 11, "start", NULL,
		 "Band along the top of a time-shared hart's lane: which vCPU "
		 "holds it:");
	x += 420;
	for (unsigned i = 0; i < tl->nsw; i++) {
		char label[32];

		snprintf(label, sizeof(label), "vm%u-vcpu%u", tl->sw_vcpus[i][0],
			 tl->sw_vcpus[i][1]);
		fprintf(tl->out,
			"<rect class=\"turn-key\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"14\" height=\"9\" fill=\"%s\"/>\n",
			x, y + 3, vcpu_color(tl->sw_vcpus[i][0], tl->sw_vcpus[i][1]));
		svg_text(tl->out, x + 18, y + 11, 11, "start", NULL, label);
		x += 92;
	}
	svg_text(tl->out, 20, y + 28, 10, "start", "fill=\"#666666\"",
		 "Dashed lines: switches between vCPUs (diamond filled: the "
		 "slice ended; hollow: the vCPU waits or its VM stopped); hover "
		 "for the reason, the turn's length and the incoming hgatp.");
	return y + 36;
}

/* Title and subtitle lines. */
static void tl_header(struct timeline *tl, size_t number, size_t nshown)
{
	char line[512], filt[256], a[32], b[32], span[32], name[48];

	snprintf(line, sizeof(line),
		 "tracevisor timeline: %s, %zu lane%s (one per hart)",
		 tt_dump_name(name, tl->d, number), tl->nlanes,
		 tl->nlanes == 1 ? "" : "s");
	svg_text(tl->out, 20, 30, 18, "start", "font-weight=\"bold\"", line);
	tv_filter_describe(&tt_filter, filt, sizeof(filt));
	snprintf(line, sizeof(line),
		 "window %s to %s s (%s), %zu exit%s shown, timebase %.6g "
		 "MHz%s%s",
		 tt_time(a, tl->t0, tl->hz), tt_time(b, tl->t1, tl->hz),
		 fmt_dur(span, secs(tl->t1 - tl->t0, tl->hz)), nshown,
		 nshown == 1 ? "" : "s", (double)tl->hz / 1e6,
		 filt[0] ? "; filter: " : "", filt);
	if (tl->nswitches) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n,
			 "; %zu switch%s between vCPUs", tl->nswitches,
			 tl->nswitches == 1 ? "" : "es");
	}
	svg_text(tl->out, 20, 52, 12, "start", "fill=\"#444444\"", line);
}

/* Write the timeline of dump d to out. */
static void timeline(FILE *out, struct tt_dump *d, size_t number)
{
	struct timeline tl;
	struct tt_exit *ex;
	struct reason_stats rs = {0};
	size_t n, shown = 0;
	double h;
	char title[96], name[48];

	memset(&tl, 0, sizeof(tl));
	tl.out = out;
	tl.d = d;
	tl.hz = tt_timebase(d);
	tl_layout(&tl);
	n = tt_collect_exits(d, &ex);
	collect_stats(d, ex, n, &rs);
	tl_sw_vcpus(&tl);
	tl_lost(&tl, 0);
	for (size_t i = 0; i < rs.n; i++)
		shown += rs.r[i].count;
	/* Height: lanes, axis, legend. */
	h = tl_lane_y(tl.nlanes) - TL_GAP + 60;
	h = tl_legend_turns(&tl, tl_legend(&tl, &rs, h, 0), 0) + 10;
	snprintf(title, sizeof(title), "tracevisor timeline, %s",
		 tt_dump_name(name, d, number));
	svg_begin(out, TL_W, h, title);
	tl_header(&tl, number, shown);
	tl_lanes(&tl);
	tl_lost(&tl, 1);
	tl_guest(&tl);
	fprintf(out, "<g class=\"slices\">\n");
	for (size_t i = 0; i < n; i++)
		if (exit_shown(d, &ex[i]))
			tl_slice(&tl, &ex[i]);
	fprintf(out, "</g>\n");
	if (tl.nsw)
		tl_turns(&tl);
	tl_markers(&tl);
	tl_legend_turns(&tl, tl_legend(&tl, &rs, tl_axis(&tl), 1), 1);
	fprintf(out, "</svg>\n");
	free(rs.r);
	free(ex);
	free(tl.lanes);
}

/* ----------------------------------------------------------- histogram */

#define HG_W 1100.0
#define HG_LABEL 210.0
#define HG_PANEL 390.0
#define HG_GAP 60.0
#define HG_TOP 96.0
#define HG_ROW 34.0

/* One panel: bars of value[i] with labels, an axis with ticks. */
static void hg_panel(FILE *out, double x, const char *title,
		     const struct reason_stats *rs, const double *value,
		     const char *const *label, double unit_scale,
		     const char *unit)
{
	double max = 0, step, v, y_axis = HG_TOP + (double)rs->n * HG_ROW + 4;
	const double bar_w = HG_PANEL - 120; /* room for the value label */
	int dec;
	char text[64];

	for (size_t i = 0; i < rs->n; i++)
		if (value[i] > max)
			max = value[i];
	if (max <= 0)
		max = 1;
	step = nice_step(max * unit_scale, 4);
	max = dceil(max * unit_scale / step - 1e-9) * step / unit_scale;
	dec = step_decimals(step);
	svg_text(out, x, HG_TOP - 14, 13, "start", "font-weight=\"bold\"", title);
	/* Ticks at 0, step, 2 step... (a while loop: cert-flp30-c objects
	 * to a floating-point for-loop counter). */
	v = 0;
	while (v <= max * unit_scale + step * 1e-6) {
		double gx = x + v / unit_scale / max * bar_w;

		fprintf(out,
			"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
			"stroke=\"#000000\" stroke-opacity=\"0.12\"/>\n",
			gx, HG_TOP - 4, gx, y_axis);
		fprintf(out,
			"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
			"stroke=\"#333333\"/>\n",
			gx, y_axis, gx, y_axis + 5);
		snprintf(text, sizeof(text), "%.*f", dec, v);
		svg_text(out, gx, y_axis + 18, 11, "middle", NULL, text);
		v += step;
	}
	fprintf(out,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333333\"/>\n",
		x, y_axis, x + bar_w, y_axis);
	svg_text(out, x + bar_w / 2, y_axis + 36, 12, "middle",
		 "fill=\"#333333\"", unit);
	for (size_t i = 0; i < rs->n; i++) {
		double y = HG_TOP + (double)i * HG_ROW;
		double w = value[i] / max * bar_w;
		char shrt[32];

		tv_cause_short_describe(rs->r[i].cause, shrt, sizeof(shrt));
		fprintf(out,
			"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" "
			"height=\"%.1f\" fill=\"%s\"><title>",
			x, y + 6, value[i] > 0 && w < 1 ? 1.0 : w, HG_ROW - 12,
			reason_color(rs->r[i].cause));
		put_esc(out, shrt);
		fputs(": ", out);
		put_esc(out, label[i]);
		fputs("</title></rect>\n", out);
		/* A long bar carries its label inside, so it never runs off
		 * the picture: in white when it fits the bar (about 6.6 px a
		 * character of 11 px bold), else from the bar's start in dark
		 * text with a white outline, which reads on the bar and on the
		 * white past its end alike. */
		if (w <= bar_w * 0.55)
			svg_text(out, x + w + 6, y + HG_ROW / 2 + 4, 11, "start",
				 NULL, label[i]);
		else if (6.6 * (double)strlen(label[i]) + 12 <= w)
			svg_text(out, x + w - 6, y + HG_ROW / 2 + 4, 11, "end",
				 "fill=\"#ffffff\" font-weight=\"bold\"",
				 label[i]);
		else
			svg_text(out, x + 6, y + HG_ROW / 2 + 4, 11, "start",
				 "fill=\"#222222\" font-weight=\"bold\" stroke=\"#ffffff\" "
				 "stroke-width=\"3\" paint-order=\"stroke\"",
				 label[i]);
	}
}

/* Write the histogram of dump d to out. */
static void histogram(FILE *out, struct tt_dump *d, size_t number)
{
	struct reason_stats rs = {0};
	struct tt_exit *ex;
	size_t n = tt_collect_exits(d, &ex);
	uint64_t hz = tt_timebase(d), all = 0, all_time = 0;
	double *count, *total, h, xa = 20 + HG_LABEL, xb;
	char **lc, **lt, line[512], filt[256], title[96], dump[48];

	collect_stats(d, ex, n, &rs);
	count = tt_xrealloc(NULL, rs.n + 1, sizeof(*count));
	total = tt_xrealloc(NULL, rs.n + 1, sizeof(*total));
	lc = tt_xrealloc(NULL, rs.n + 1, sizeof(*lc));
	lt = tt_xrealloc(NULL, rs.n + 1, sizeof(*lt));
	for (size_t i = 0; i < rs.n; i++) {
		all += rs.r[i].count;
		all_time += rs.r[i].total;
	}
	for (size_t i = 0; i < rs.n; i++) {
		const struct reason_stat *s = &rs.r[i];
		char a[32], b[32];

		count[i] = (double)s->count;
		total[i] = secs(s->total, hz);
		lc[i] = tt_xrealloc(NULL, 64, 1);
		lt[i] = tt_xrealloc(NULL, 96, 1);
		snprintf(lc[i], 64, "%" PRIu64 " (%.1f%%)", s->count,
			 all ? 100.0 * (double)s->count / (double)all : 0.0);
		snprintf(lt[i], 96, "%s (%.1f%%), avg %s", fmt_dur(a, total[i]),
			 all_time ? 100.0 * (double)s->total / (double)all_time
				  : 0.0,
			 s->timed ? fmt_dur(b, total[i] / (double)s->timed)
				  : "-");
	}
	h = HG_TOP + (double)rs.n * HG_ROW + 70;
	snprintf(title, sizeof(title), "tracevisor exits by reason, %s",
		 tt_dump_name(dump, d, number));
	svg_begin(out, HG_W, h, title);
	snprintf(line, sizeof(line), "Exits by reason: %s", dump);
	svg_text(out, 20, 30, 18, "start", "font-weight=\"bold\"", line);
	tv_filter_describe(&tt_filter, filt, sizeof(filt));
	snprintf(line, sizeof(line),
		 "%" PRIu64 " exits, total handling time %s%s%s", all,
		 fmt_dur(title, secs(all_time, hz)), filt[0] ? "; filter: " : "",
		 filt);
	svg_text(out, 20, 52, 12, "start", "fill=\"#444444\"", line);
	for (size_t i = 0; i < rs.n; i++) {
		double y = HG_TOP + (double)i * HG_ROW;
		char shrt[32], name[64];

		tv_cause_short_describe(rs.r[i].cause, shrt, sizeof(shrt));
		tv_cause_describe(rs.r[i].cause, name, sizeof(name));
		svg_text(out, xa - 10, y + 15, 12, "end", "font-weight=\"bold\"",
			 shrt);
		svg_text(out, xa - 10, y + 28, 9, "end", "fill=\"#555555\"",
			 name);
	}
	xb = xa + HG_PANEL + HG_GAP;
	if (rs.n == 0)
		svg_text(out, 20, HG_TOP + 10, 13, "start", NULL,
			 "No exits in this selection.");
	else
		hg_panel(out, xa, "Number of exits", &rs, count,
			 (const char *const *)lc, 1, "exits");
	if (rs.n) {
		double maxt = 0, scale;
		const char *unit;
		char uname[32];

		for (size_t i = 0; i < rs.n; i++)
			if (total[i] > maxt)
				maxt = total[i];
		time_unit(maxt, &unit, &scale);
		snprintf(uname, sizeof(uname), "handling time (%s)", unit);
		hg_panel(out, xb, "Total handling time (exit to entry)", &rs,
			 total, (const char *const *)lt, scale, uname);
	}
	fprintf(out, "</svg>\n");
	for (size_t i = 0; i < rs.n; i++) {
		free(lc[i]);
		free(lt[i]);
	}
	free(lc);
	free(lt);
	free(count);
	free(total);
	free(rs.r);
	free(ex);
}

/* ----------------------------------------------------------------- API */

void tt_svg_write(FILE *out, int kind, struct tt_dump *d, size_t number)
{
	svg_embedded = 1;
	if (kind == TT_SVG_HISTOGRAM)
		histogram(out, d, number);
	else
		timeline(out, d, number);
	svg_embedded = 0;
}

int tt_write_svg(int kind, const char *path, struct tt_dump *d, size_t number,
		 int numbered)
{
	char *name = NULL;
	const char *use = path;
	FILE *f;
	int rc;

	if (numbered) {
		name = tt_numbered_name(path, number);
		use = name ? name : path;
	}
	f = tt_exp_open(use);
	if (!f) {
		free(name);
		return -1;
	}
	if (kind == TT_SVG_HISTOGRAM)
		histogram(f, d, number);
	else
		timeline(f, d, number);
	rc = tt_exp_close(f, use);
	free(name);
	return rc;
}
