/*
 * --summary: exit statistics in the manner of `perf kvm stat report`:
 * one row per exit reason with samples, samples %, time % (share of the
 * hypervisor's handling time), min / max / average handling time and the
 * average guest run time before the exit; for all harts, then per hart,
 * then per vCPU; then totals and where records were lost.
 *
 * Unlike perf's RISC-V port, the exit reason keeps scause's interrupt bit,
 * so interrupt 5 (supervisor timer) and exception 5 (load access fault)
 * are different rows.
 *
 * Handling time = exit -> the next entry of the same hart and vCPU; guest
 * run time = the entry before -> exit. A loss, a tracing start/stop or a
 * guest stop on a hart breaks the pairing there (an exit without its
 * entry still counts as a sample, without a time).
 *
 * With a filter (filter.c) only the exits it passes count (an exit is in
 * a --from/--to window when its exit record is); pairing still sees every
 * record, so times stay those of the whole trace.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "riscv_names.h"
#include "tvtrace.h"

/* Statistics of one exit reason. */
struct row {
	uint64_t scause;
	uint64_t samples;
	uint64_t timed, total, min, max; /* handling time, ticks */
	uint64_t runs, run_total;	 /* guest run time, ticks */
};

/* One table: all, one hart, or one vCPU. */
struct section {
	int type;	 /* 0 all, 1 hart, 2 vCPU */
	unsigned a, b;	 /* hart, or vm and vcpu */
	struct row *rows;
	size_t n, cap;
};

struct sections {
	struct section *s;
	size_t n, cap;
};

/* Causes whose rows a hart + vCPU remembers (a power of two). */
/* The sections an exit counts in, in print order. */
enum { SEC_ALL, SEC_HART, SEC_VM, SEC_VCPU, NSEC };
#define ROW_CACHE 16

/* Pairing state of one hart + vCPU. */
struct pairing {
	uint16_t hart;
	uint8_t vm, vcpu;
	int have_exit, have_entry;
	int exit_kept; /* the open exit passes the filter (counts) */
	uint64_t exit_time, exit_cause, entry_time;
	/* Where rows_for() found this hart + vCPU's sections (indices in
	 * s[]) and the rows of recent causes (indices in their rows[]): no
	 * row or section moves before the summary is printed. */
	int have_secs;
	size_t sec[NSEC];
	struct row_cache {
		int valid;
		uint64_t scause;
		size_t row[NSEC];
	} cache[ROW_CACHE];
};

struct pairings {
	struct pairing *p;
	size_t n, cap;
	size_t last; /* index of the pairing found last */
};

/* The statistics of one dump, gathered a record at a time in dump order
 * (tt_summary_add), so a dump need not be kept to be summarised. */
struct tt_summary {
	struct sections ss;
	struct pairings ps;
	size_t records;		 /* records from frames the filter passes */
	struct tt_rec *lost;	 /* LOST records and gap markers it passes */
	size_t nlost, lost_cap;
	int filtered; /* tt_filter has criteria (else every record passes) */
};

/* Does the filter pass record t? */
static int passes(const struct tt_summary *sum, const struct tt_rec *t)
{
	return !sum->filtered || tv_filter_record(&tt_filter, t->hart, &t->r);
}

/* The section with this identity, created when new. */
static struct section *section(struct sections *ss, int type, unsigned a,
			       unsigned b)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->s[i].type == type && ss->s[i].a == a &&
		    ss->s[i].b == b)
			return &ss->s[i];
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 8;
		ss->s = tt_xrealloc(ss->s, ss->cap, sizeof(*ss->s));
	}
	memset(&ss->s[ss->n], 0, sizeof(ss->s[0]));
	ss->s[ss->n].type = type;
	ss->s[ss->n].a = a;
	ss->s[ss->n].b = b;
	return &ss->s[ss->n++];
}

/* The row of an exit reason, created when new. */
static struct row *row(struct section *s, uint64_t scause)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].scause == scause)
			return &s->rows[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->rows = tt_xrealloc(s->rows, s->cap, sizeof(*s->rows));
	}
	memset(&s->rows[s->n], 0, sizeof(s->rows[0]));
	s->rows[s->n].scause = scause;
	return &s->rows[s->n++];
}

/* The rows an exit of p's hart and vCPU counts in: all, its hart, its
 * VM, its vCPU. */
static void rows_for(struct sections *ss, struct pairing *p, uint64_t scause,
		     struct row *out[NSEC])
{
	struct row_cache *c =
		&p->cache[(scause ^ (scause >> 63)) & (ROW_CACHE - 1)];

	if (!p->have_secs) {
		p->sec[SEC_ALL] = (size_t)(section(ss, SEC_ALL, 0, 0) - ss->s);
		p->sec[SEC_HART] = (size_t)(section(ss, SEC_HART, p->hart, 0) - ss->s);
		p->sec[SEC_VM] = (size_t)(section(ss, SEC_VM, p->vm, 0) - ss->s);
		p->sec[SEC_VCPU] = (size_t)(section(ss, SEC_VCPU, p->vm, p->vcpu) - ss->s);
		p->have_secs = 1;
	}
	if (!c->valid || c->scause != scause) {
		for (int i = 0; i < NSEC; i++) {
			struct section *sec = &ss->s[p->sec[i]];

			c->row[i] = (size_t)(row(sec, scause) - sec->rows);
		}
		c->valid = 1;
		c->scause = scause;
	}
	for (int i = 0; i < NSEC; i++)
		out[i] = &ss->s[p->sec[i]].rows[c->row[i]];
}

static struct pairing *pairing(struct pairings *ps, uint16_t hart, uint8_t vm,
			       uint8_t vcpu)
{
	if (ps->last < ps->n) {
		struct pairing *p = &ps->p[ps->last];

		if (p->hart == hart && p->vm == vm && p->vcpu == vcpu)
			return p;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].hart == hart && ps->p[i].vm == vm &&
		    ps->p[i].vcpu == vcpu) {
			ps->last = i;
			return &ps->p[i];
		}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 8;
		ps->p = tt_xrealloc(ps->p, ps->cap, sizeof(*ps->p));
	}
	memset(&ps->p[ps->n], 0, sizeof(ps->p[0]));
	ps->p[ps->n].hart = hart;
	ps->p[ps->n].vm = vm;
	ps->p[ps->n].vcpu = vcpu;
	ps->last = ps->n;
	return &ps->p[ps->n++];
}

/* Forget the open exits and entries of a hart (pairing broken). */
static void break_pairing(struct pairings *ps, uint16_t hart)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].hart == hart)
			ps->p[i].have_exit = ps->p[i].have_entry = 0;
}

static void on_exit_rec(struct tt_summary *sum, const struct tt_rec *t)
{
	struct pairing *p = pairing(&sum->ps, t->hart, t->r.vm, t->r.vcpu);
	struct row *rs[NSEC];

	/* Filtered-out exits still pair (their entry is not someone else's
	 * end of handling); they are just not counted. */
	p->exit_kept = passes(sum, t);
	if (p->exit_kept) {
		rows_for(&sum->ss, p, t->r.arg[1], rs);
		for (int i = 0; i < NSEC; i++)
			rs[i]->samples++;
	}
	if (p->exit_kept && p->have_entry && t->r.time >= p->entry_time)
		for (int i = 0; i < NSEC; i++) {
			rs[i]->runs++;
			rs[i]->run_total += t->r.time - p->entry_time;
		}
	p->have_entry = 0;
	p->have_exit = 1;
	p->exit_time = t->r.time;
	p->exit_cause = t->r.arg[1];
}

static void on_entry_rec(struct tt_summary *sum, const struct tt_rec *t)
{
	struct pairing *p = pairing(&sum->ps, t->hart, t->r.vm, t->r.vcpu);

	if (p->have_exit && p->exit_kept && t->r.time >= p->exit_time) {
		uint64_t h = t->r.time - p->exit_time;
		struct row *rs[NSEC];

		rows_for(&sum->ss, p, p->exit_cause, rs);
		for (int i = 0; i < NSEC; i++) {
			if (!rs[i]->timed || h < rs[i]->min)
				rs[i]->min = h;
			if (h > rs[i]->max)
				rs[i]->max = h;
			rs[i]->timed++;
			rs[i]->total += h;
		}
	}
	p->have_exit = 0;
	p->have_entry = 1;
	p->entry_time = t->r.time;
}

struct tt_summary *tt_summary_new(void)
{
	struct tt_summary *sum = tt_xrealloc(NULL, 1, sizeof(*sum));

	memset(sum, 0, sizeof(*sum));
	sum->filtered = tv_filter_active(&tt_filter);
	section(&sum->ss, SEC_ALL, 0, 0);
	return sum;
}

/* Keep a loss (a LOST record or a gap marker) for print_lost(). */
static void keep_lost(struct tt_summary *sum, const struct tt_rec *t)
{
	if (sum->nlost == sum->lost_cap) {
		sum->lost_cap = sum->lost_cap ? 2 * sum->lost_cap : 16;
		sum->lost = tt_xrealloc(sum->lost, sum->lost_cap,
					sizeof(*sum->lost));
	}
	sum->lost[sum->nlost++] = *t;
}

/* The next record of the dump, in dump order (per hart, the order they
 * happened). t must be the record bound to tt_filter when a filter is
 * set (an element of the bound dump's recs[]). */
void tt_summary_add(struct tt_summary *sum, const struct tt_rec *t)
{
	if (t->r.kind == TV_KIND_LOST && passes(sum, t))
		keep_lost(sum, t);
	if (t->origin != TT_FROM_DUMP) {
		break_pairing(&sum->ps, t->hart);
		return;
	}
	sum->records += passes(sum, t);
	switch (t->r.kind) {
	case TV_KIND_EXIT:
		on_exit_rec(sum, t);
		break;
	case TV_KIND_ENTRY:
		on_entry_rec(sum, t);
		break;
	case TV_KIND_LOST:
	case TV_KIND_CONTROL:
	case TV_KIND_STOP:
		break_pairing(&sum->ps, t->hart);
		break;
	}
}

void tt_summary_free(struct tt_summary *sum)
{
	if (!sum)
		return;
	for (size_t i = 0; i < sum->ss.n; i++)
		free(sum->ss.s[i].rows);
	free(sum->ss.s);
	free(sum->ps.p);
	free(sum->lost);
	free(sum);
}

/* Sort rows by samples, most first (perf's default), then by cause. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	if (x->scause != y->scause)
		return x->scause < y->scause ? -1 : 1;
	return 0;
}

/* Sections: all first, then harts, VMs, vCPUs, each by number. */
static int cmp_section(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	if (x->type != y->type)
		return x->type - y->type;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/* "  1.23us" or "-" when there is no time to show. */
static void put_us(FILE *out, int have, double us)
{
	if (have)
		fprintf(out, " %10.2fus", us);
	else
		fprintf(out, " %12s", "-");
}

static void print_section(FILE *out, struct section *s, uint64_t hz)
{
	struct row tot;
	double handling = 0;

	memset(&tot, 0, sizeof(tot));
	if (s->type == SEC_ALL)
		fprintf(out, "Analyze events for all harts, all VMs, all "
			     "vCPUs:\n\n");
	else if (s->type == SEC_HART)
		fprintf(out, "Analyze events for hart %u:\n\n", s->a);
	else if (s->type == SEC_VM)
		fprintf(out, "Analyze events for vm%u:\n\n", s->a);
	else
		fprintf(out, "Analyze events for vm%u-vcpu%u:\n\n", s->a, s->b);
	if (s->n > 1)
		qsort(s->rows, s->n, sizeof(*s->rows), cmp_row);
	for (size_t i = 0; i < s->n; i++) {
		struct row *r = &s->rows[i];

		tot.samples += r->samples;
		if (r->timed && (!tot.timed || r->min < tot.min))
			tot.min = r->min;
		if (r->max > tot.max)
			tot.max = r->max;
		tot.timed += r->timed;
		tot.total += r->total;
		tot.runs += r->runs;
		tot.run_total += r->run_total;
	}
	handling = (double)tot.total;
	fprintf(out, "%16s %10s %9s %9s %12s %12s %12s %12s  %s\n", "VM-EXIT",
		"Samples", "Samples%", "Time%", "Min Time", "Max Time",
		"Avg time", "Avg run", "Description");
	for (size_t i = 0; i <= s->n; i++) {
		const struct row *r = i < s->n ? &s->rows[i] : &tot;
		char shrt[32], name[64];

		if (i < s->n) {
			tv_cause_short_describe(r->scause, shrt, sizeof(shrt));
			tv_cause_describe(r->scause, name, sizeof(name));
		} else {
			strcpy(shrt, "Total");
			name[0] = '\0';
		}
		fprintf(out, "%16s %10" PRIu64 " %8.2f%% %8.2f%%", shrt,
			r->samples,
			tot.samples ? 100.0 * (double)r->samples /
					      (double)tot.samples
				    : 0.0,
			handling > 0 ? 100.0 * (double)r->total / handling
				     : 0.0);
		put_us(out, r->timed != 0, tt_us(r->min, hz));
		put_us(out, r->timed != 0, tt_us(r->max, hz));
		put_us(out, r->timed != 0,
		       r->timed ? tt_us(r->total, hz) / (double)r->timed : 0);
		put_us(out, r->runs != 0,
		       r->runs ? tt_us(r->run_total, hz) / (double)r->runs : 0);
		fprintf(out, "%s%s\n", name[0] ? "  " : "", name);
	}
	fprintf(out, "\n");
}

/* Lost-record accounting of one hart. */
struct hart_loss {
	uint16_t hart;
	int have_totals;
	struct tv_wire_hart_totals totals;
	uint64_t in_records; /* sum of LOST records */
};

/* The loss entry of a hart, created when new. */
static struct hart_loss *hart_loss(struct hart_loss **hl, size_t *n,
				   size_t *cap, uint16_t hart)
{
	for (size_t i = 0; i < *n; i++)
		if ((*hl)[i].hart == hart)
			return &(*hl)[i];
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*hl = tt_xrealloc(*hl, *cap, sizeof(**hl));
	}
	memset(&(*hl)[*n], 0, sizeof(**hl));
	(*hl)[*n].hart = hart;
	return &(*hl)[(*n)++];
}

/*
 * "Lost records: N" and where. Per hart the ring's own count (HART totals)
 * and the LOST records in the stream describe the same losses, so the
 * larger of the two counts; records lost with frames missing from the log
 * come on top.
 */
static void print_lost(FILE *out, const struct tt_dump *d,
		       struct tt_summary *sum, uint64_t hz)
{
	struct hart_loss *hl = NULL;
	size_t nh = 0, caph = 0;
	uint64_t total = 0, gap_known = 0, gap_unknown = 0;
	char time[32];

	/* In time order, as the views show them (tt_sort's order). */
	if (sum->nlost > 1)
		qsort(sum->lost, sum->nlost, sizeof(*sum->lost), tt_cmp_rec);
	for (size_t i = 0; i < d->ntotals; i++) {
		struct hart_loss *h;

		if (!tv_filter_hart(&tt_filter, d->totals[i].hart))
			continue;
		h = hart_loss(&hl, &nh, &caph, d->totals[i].hart);
		h->have_totals = 1;
		h->totals = d->totals[i];
	}
	for (size_t i = 0; i < sum->nlost; i++) {
		const struct tt_rec *t = &sum->lost[i];

		if (t->origin == TT_FROM_DUMP)
			hart_loss(&hl, &nh, &caph, t->hart)->in_records +=
				t->r.arg[0];
		else if (t->origin == TT_GAP_KNOWN)
			gap_known += t->r.arg[0];
		else
			gap_unknown++;
	}
	for (size_t i = 0; i < nh; i++) {
		/* The ring's count covers the whole dump, not a time window. */
		uint64_t ring = hl[i].have_totals && !tt_filter.has_from &&
						!tt_filter.has_to
					? hl[i].totals.lost
					: 0;

		total += ring > hl[i].in_records ? ring : hl[i].in_records;
	}
	total += gap_known;
	fprintf(out, "Lost records: %" PRIu64, total);
	if (gap_unknown)
		fprintf(out, " (and more in %" PRIu64
			     " gaps of missing frames whose count is unknown)",
			gap_unknown);
	fprintf(out, "\n");
	for (size_t i = 0; i < nh; i++) {
		const struct hart_loss *h = &hl[i];
		size_t shown = 0;

		fprintf(out, "  hart %u:", h->hart);
		if (h->have_totals)
			fprintf(out,
				" ring offered %" PRIu64 ", consumed %" PRIu64
				", lost %" PRIu64 ";",
				h->totals.offered, h->totals.consumed,
				h->totals.lost);
		else
			fprintf(out, " (HART totals frame missing);");
		fprintf(out, " LOST records: %" PRIu64, h->in_records);
		for (size_t k = 0; k < sum->nlost; k++) {
			const struct tt_rec *t = &sum->lost[k];

			if (t->origin != TT_FROM_DUMP || t->hart != h->hart)
				continue;
			if (shown == 10) {
				fprintf(out, ", ...");
				break;
			}
			fprintf(out, "%s %s (%" PRIu64 ")", shown ? "," : " at",
				tt_time(time, t->r.time, hz), t->r.arg[0]);
			shown++;
		}
		fprintf(out, "\n");
	}
	for (size_t k = 0; k < sum->nlost; k++) {
		const struct tt_rec *t = &sum->lost[k];

		if (t->origin == TT_FROM_DUMP)
			continue;
		fprintf(out, "  missing frames %" PRIu32 "..%" PRIu32 ": ",
			t->gap_first, t->gap_last);
		if (t->origin == TT_GAP_KNOWN)
			fprintf(out, "%" PRIu64 " records", t->r.arg[0]);
		else
			fprintf(out, "unknown number of records");
		fprintf(out, " of hart %u, near %s\n", t->hart,
			tt_time(time, t->r.time, hz));
	}
	free(hl);
}

void tt_summary_print(FILE *out, struct tt_summary *sum,
		      const struct tt_dump *d)
{
	struct sections *ss = &sum->ss;
	uint64_t hz = tt_timebase(d), handling = 0, run = 0, samples = 0;

	if (ss->n > 1)
		qsort(ss->s, ss->n, sizeof(*ss->s), cmp_section);
	size_t vms = 0;
	for (size_t i = 0; i < ss->n; i++)
		vms += ss->s[i].type == SEC_VM;
	/* A VM's own section only when there are several (with one it
	 * would repeat "all"). */
	for (size_t i = 0; i < ss->n; i++)
		if (ss->s[i].type != SEC_VM || vms > 1)
			print_section(out, &ss->s[i], hz);
	for (size_t i = 0; i < ss->s[0].n; i++) {
		samples += ss->s[0].rows[i].samples;
		handling += ss->s[0].rows[i].total;
		run += ss->s[0].rows[i].run_total;
	}
	fprintf(out,
		"Total: %zu records, %" PRIu64
		" exits, handling time %.2fus, guest run time %.2fus\n",
		sum->records, samples, tt_us(handling, hz), tt_us(run, hz));
	print_lost(out, d, sum, hz);
}

/* The harts an exit of vm/vcpu was counted on (pairings that found a
 * section; harts 64 and above are not in the mask). */
static uint64_t vcpu_harts(const struct pairings *ps, unsigned vm,
			   unsigned vcpu)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].have_secs && ps->p[i].vm == vm &&
		    ps->p[i].vcpu == vcpu && ps->p[i].hart < 64)
			mask |= UINT64_C(1) << ps->p[i].hart;
	return mask;
}

/* One vCPU's totals, from its section (the numbers --summary prints in
 * the "Total" line of "Analyze events for vmA-vcpuB"). */
static void vcpu_stat(const struct tt_summary *sum, const struct section *s,
		      struct tt_vcpu_stat *v)
{
	struct row *rows = tt_xrealloc(NULL, s->n ? s->n : 1, sizeof(*rows));

	memset(v, 0, sizeof(*v));
	v->vm = (uint8_t)s->a;
	v->vcpu = (uint8_t)s->b;
	v->harts = vcpu_harts(&sum->ps, s->a, s->b);
	for (size_t i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];

		v->exits += r->samples;
		v->timed += r->timed;
		v->total += r->total;
		v->run_total += r->run_total;
		if (r->max > v->max)
			v->max = r->max;
	}
	if (s->n)
		memcpy(rows, s->rows, s->n * sizeof(*rows));
	if (s->n > 1)
		qsort(rows, s->n, sizeof(*rows), cmp_row);
	for (size_t i = 0; i < s->n && v->ntop < TT_TOP_REASONS; i++) {
		v->top_cause[v->ntop] = rows[i].scause;
		v->top_count[v->ntop++] = rows[i].samples;
	}
	free(rows);
}

static int cmp_vcpu_stat(const void *a, const void *b)
{
	const struct tt_vcpu_stat *x = a, *y = b;

	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return x->vcpu < y->vcpu ? -1 : x->vcpu > y->vcpu;
}

size_t tt_summary_vcpus(const struct tt_summary *sum,
			struct tt_vcpu_stat **out)
{
	struct tt_vcpu_stat *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < sum->ss.n; i++) {
		if (sum->ss.s[i].type != SEC_VCPU)
			continue;
		v = tt_xrealloc(v, n + 1, sizeof(*v));
		vcpu_stat(sum, &sum->ss.s[i], &v[n++]);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_vcpu_stat);
	*out = v;
	return n;
}

void tt_print_summary(FILE *out, struct tt_dump *d)
{
	struct tt_summary *sum = tt_summary_new();

	for (size_t i = 0; i < d->nrecs; i++)
		tt_summary_add(sum, &d->recs[i]);
	tt_summary_print(out, sum, d);
	tt_summary_free(sum);
}
