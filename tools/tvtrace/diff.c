/*
 * --diff LOG_A LOG_B: compare two runs exit reason by exit reason, as
 * their --summary tables would: per reason the number of exits and the
 * average and total handling time (exit to the next entry, paired as
 * --summary pairs them) in A and in B, with the absolute and relative
 * change, and which reasons are new in B or vanished from it.
 *
 * Each log contributes its default dump (the last complete one, else the
 * last), or the N-th with --dump N. The filters (--hart, --vcpu,
 * --from/--to, --reason) apply to both. Exit status: 0 when both logs
 * decoded intact (whatever the differences), 1 when frames were damaged
 * or missing, 2 when a log could not be read or held no dump.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "riscv_names.h"
#include "tvtrace.h"

/* Statistics of one reason on one side. */
struct side {
	int seen;
	uint64_t count, timed, total; /* total handling time, ticks */
};

struct diff_row {
	uint64_t cause;
	struct side s[2];
};

struct diff_rows {
	struct diff_row *r;
	size_t n, cap;
};

/* One side's log and chosen dump. */
struct run {
	const char *name;
	struct tt_log log;
	struct tt_dump *d;
	size_t number;
	uint64_t hz;
};

static struct diff_row *diff_row(struct diff_rows *rows, uint64_t cause)
{
	for (size_t i = 0; i < rows->n; i++)
		if (rows->r[i].cause == cause)
			return &rows->r[i];
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? 2 * rows->cap : 8;
		rows->r = tt_xrealloc(rows->r, rows->cap, sizeof(*rows->r));
	}
	memset(&rows->r[rows->n], 0, sizeof(rows->r[0]));
	rows->r[rows->n].cause = cause;
	return &rows->r[rows->n++];
}

/* Read a log and pick its dump. Returns 0, 1 (damaged) or 2 (failed). */
static int load(struct run *run, unsigned long dump, int quiet)
{
	FILE *in;
	size_t pick;
	int err;

	memset(&run->log, 0, sizeof(run->log));
	run->log.name = run->name;
	run->log.quiet = quiet;
	in = tt_open_log(run->name);
	if (!in)
		return 2;
	err = tt_scan(in, &run->log);
	if (err) {
		fprintf(stderr, "tvtrace: %s: cannot read: %s\n", run->name, strerror(err));
		run->log.errors++;
	}
	if (in != stdin)
		fclose(in);
	if (run->log.frames_ok == 0 || run->log.ndumps == 0) {
		if (!err) /* (else that error says why) */
			tt_report_no_frames(&run->log);
		return 2;
	}
	if (dump > run->log.ndumps) {
		fprintf(stderr, "tvtrace: --dump %lu: %s holds %zu dump%s\n",
			dump, run->name, run->log.ndumps,
			run->log.ndumps == 1 ? "" : "s");
		return 2;
	}
	pick = run->log.ndumps - 1;
	if (dump) {
		pick = dump - 1;
	} else {
		for (size_t i = run->log.ndumps; i > 0; i--)
			if (tt_complete(&run->log.dumps[i - 1])) {
				pick = i - 1;
				break;
			}
	}
	run->d = &run->log.dumps[pick];
	run->number = pick + 1;
	run->hz = tt_timebase(run->d);
	return run->log.errors ? 1 : 0;
}

/* Add one side's exits (those the filter passes) to the rows. */
static void count_side(struct diff_rows *rows, struct run *run, int side)
{
	struct tt_exit *ex;
	size_t n;

	tv_filter_bind(&tt_filter, run->d);
	n = tt_collect_exits(run->d, &ex);
	for (size_t i = 0; i < n; i++) {
		const struct tt_rec *t = &run->d->recs[ex[i].rec];
		struct side *s;

		if (!tv_filter_record(&tt_filter, t->hart, &t->r))
			continue;
		s = &diff_row(rows, ex[i].cause)->s[side];
		s->seen = 1;
		s->count++;
		if (ex[i].timed) {
			s->timed++;
			s->total += tt_exit_handling(&ex[i]);
		}
	}
	free(ex);
}

/* Most exits (in either run) first, then by cause. */
static int cmp_diff_row(const void *a, const void *b)
{
	const struct diff_row *x = a, *y = b;
	uint64_t mx = x->s[0].count > x->s[1].count ? x->s[0].count
						     : x->s[1].count;
	uint64_t my = y->s[0].count > y->s[1].count ? y->s[0].count
						     : y->s[1].count;

	if (mx != my)
		return mx > my ? -1 : 1;
	return x->cause < y->cause ? -1 : x->cause > y->cause;
}

/* "+4 (+2.6%)", "-1 (-50.0%)", "+3" (no base), into buf. */
static const char *count_change(char buf[40], const struct side *a,
				const struct side *b)
{
	int64_t d = (int64_t)(b->count - a->count);

	if (a->count)
		snprintf(buf, 40, "%+" PRId64 " (%+.1f%%)", d,
			 100.0 * (double)d / (double)a->count);
	else
		snprintf(buf, 40, "%+" PRId64, d);
	return buf;
}

/* "12.34us" or "-" */
static const char *us(char buf[32], int have, double v)
{
	if (have)
		snprintf(buf, 32, "%.2fus", v);
	else
		snprintf(buf, 32, "-");
	return buf;
}

/* "+2.30us (+5.1%)" or "-". */
static const char *us_change(char buf[48], int have, double a, double b)
{
	if (!have)
		snprintf(buf, 48, "-");
	else if (a > 0)
		snprintf(buf, 48, "%+.2fus (%+.1f%%)", b - a,
			 100.0 * (b - a) / a);
	else
		snprintf(buf, 48, "%+.2fus", b - a);
	return buf;
}

/* One table row. */
static void print_row(FILE *out, const char *label, const char *desc,
		      const struct side *a, const struct side *b,
		      const struct run *ra, const struct run *rb)
{
	char c[40], s1[32], s2[32], s3[48], t1[32], t2[32], t3[48];
	char na[24], nb[24];
	double avg_a = a->timed ? tt_us(a->total, ra->hz) / (double)a->timed : 0;
	double avg_b = b->timed ? tt_us(b->total, rb->hz) / (double)b->timed : 0;
	double tot_a = tt_us(a->total, ra->hz), tot_b = tt_us(b->total, rb->hz);
	const char *note = "";

	if (!a->seen && b->seen)
		note = "new in B";
	else if (a->seen && !b->seen)
		note = "vanished in B";
	snprintf(na, sizeof(na), a->seen ? "%" PRIu64 : "-", a->count);
	snprintf(nb, sizeof(nb), b->seen ? "%" PRIu64 : "-", b->count);
	fprintf(out, "%16s %9s %9s %14s %11s %11s %18s %12s %12s %20s",
		label, na, nb, count_change(c, a, b),
		us(s1, a->timed != 0, avg_a), us(s2, b->timed != 0, avg_b),
		us_change(s3, a->timed && b->timed, avg_a, avg_b),
		us(t1, a->seen, tot_a), us(t2, b->seen, tot_b),
		us_change(t3, a->seen && b->seen, tot_a, tot_b));
	if (desc[0] || note[0])
		fprintf(out, "  %s%s%s%s", desc, note[0] ? " [" : "", note,
			note[0] ? "]" : "");
	fputc('\n', out);
}

/* The comparison table. */
static void print_diff(FILE *out, struct diff_rows *rows, struct run *ra,
		       struct run *rb)
{
	struct side ta = {1, 0, 0, 0}, tb = {1, 0, 0, 0};
	char filt[256];

	fprintf(out, "# A: %s: ", ra->name);
	tt_describe_dump(out, ra->d, ra->number);
	fprintf(out, "# B: %s: ", rb->name);
	tt_describe_dump(out, rb->d, rb->number);
	tv_filter_describe(&tt_filter, filt, sizeof(filt));
	if (filt[0])
		fprintf(out, "# filter: %s\n", filt);
	fprintf(out, "\nExit reasons, A -> B (handling time: exit to the next "
		     "entry):\n\n");
	fprintf(out, "%16s %9s %9s %14s %11s %11s %18s %12s %12s %20s  %s\n",
		"VM-EXIT", "Samples A", "Samples B", "Change", "Avg A",
		"Avg B", "Avg change", "Total A", "Total B", "Total change",
		"Description");
	if (rows->n > 1)
		qsort(rows->r, rows->n, sizeof(*rows->r), cmp_diff_row);
	for (size_t i = 0; i < rows->n; i++) {
		const struct diff_row *r = &rows->r[i];
		char shrt[32], name[64];

		tv_cause_short_describe(r->cause, shrt, sizeof(shrt));
		tv_cause_describe(r->cause, name, sizeof(name));
		print_row(out, shrt, name, &r->s[0], &r->s[1], ra, rb);
		ta.count += r->s[0].count;
		ta.timed += r->s[0].timed;
		ta.total += r->s[0].total;
		tb.count += r->s[1].count;
		tb.timed += r->s[1].timed;
		tb.total += r->s[1].total;
	}
	/* Totals mix timebases only when the runs differ; both are in us. */
	print_row(out, "Total", "", &ta, &tb, ra, rb);
}

int tt_diff_main(const char *log_a, const char *log_b, unsigned long dump,
		 int quiet)
{
	struct run run[2];
	struct diff_rows rows = {0};
	int st[2];

	memset(run, 0, sizeof(run));
	run[0].name = log_a;
	run[1].name = log_b;
	for (int i = 0; i < 2; i++)
		st[i] = load(&run[i], dump, quiet);
	if (st[0] == 2 || st[1] == 2) {
		tt_log_free(&run[0].log);
		tt_log_free(&run[1].log);
		return 2;
	}
	for (int i = 0; i < 2; i++)
		count_side(&rows, &run[i], i);
	print_diff(stdout, &rows, &run[0], &run[1]);
	free(rows.r);
	tv_filter_free(&tt_filter);
	for (int i = 0; i < 2; i++) {
		if (run[i].log.errors && !quiet)
			fprintf(stderr, "tvtrace: %s: %llu decoding error%s\n",
				run[i].name,
				(unsigned long long)run[i].log.errors,
				run[i].log.errors == 1 ? "" : "s");
		tt_report_rejected(&run[i].log);
		tt_log_free(&run[i].log);
	}
	if (fflush(stdout) != 0)
		return 2;
	return st[0] || st[1] ? 1 : 0;
}
