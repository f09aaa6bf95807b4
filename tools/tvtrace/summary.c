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
 *
 * Time-shared harts (SWITCH records, sched.c): an exit whose vCPU was
 * switched out during its handling (the exit that ends a slice, a WFI)
 * counts only the handling done for it, not the other vCPUs' turns in
 * between. A table then says per VM and per vCPU how often it was
 * switched out and why, how long its turns were, and how long it was
 * away from its hart ready to run (steal time: switched out at the end
 * of a slice until switched in again) and waiting (switched out to wait
 * until switched in again); a line per hart counts its switches. A trace
 * without SWITCH records prints what it always printed.
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

/* The sections an exit counts in, in print order. */
enum { SEC_ALL, SEC_HART, SEC_VM, SEC_VCPU, NSEC };
/* Causes whose row a hart + vCPU finds without a search (a power of
 * two). */
#define ROW_CACHE 16

/* Pairing state of one hart + vCPU. */
struct pairing {
	uint16_t hart;
	uint8_t vm, vcpu;
	int have_exit, have_entry;
	int exit_kept; /* the open exit passes the filter (counts) */
	uint64_t exit_time, exit_cause, entry_time;
	uint64_t away; /* ticks the open exit's vCPU was switched out */
	/* The exits of this hart + vCPU by cause, counted as they come;
	 * the sections (all, hart, VM, vCPU) are their sums, made when
	 * the summary is read (gather()), so an exit updates one row, not
	 * four. cache[] holds 1 + the index of a recent cause's row. */
	struct row *rows;
	size_t nrows, rows_cap;
	size_t cache[ROW_CACHE];
};

struct pairings {
	struct pairing *p;
	size_t n, cap;
	size_t last; /* index of the pairing found last */
};

/* Switches of one vCPU (type SW_VCPU: a = vm, b = vcpu) or one hart
 * (SW_HART: a = hart). out[] by reason: [0] unknown, then TV_SWITCH_*. */
enum { SW_VCPU, SW_HART };
#define SW_REASONS 4
#define SW_HART_VCPUS 6
struct sw_stat {
	int type;
	unsigned a, b;
	uint64_t out[SW_REASONS];
	uint64_t ran_total;	      /* the turns the switches ended */
	uint64_t steal, nsteal, max_steal; /* away after a slice switch */
	uint64_t wait, nwait;	      /* away after a wait switch */
	uint64_t flushed;	      /* SW_HART: switches with hfence.gvma */
	unsigned nvcpus;	      /* SW_HART: vCPUs seen, the first few: */
	uint8_t vcpus[SW_HART_VCPUS][2];
};

struct sw_stats {
	struct sw_stat *s;
	size_t n, cap;
};

/* The statistics of one dump, gathered a record at a time in dump order
 * (tt_summary_add), so a dump need not be kept to be summarised. */
struct tt_summary {
	struct sections ss;
	struct pairings ps;
	struct tt_swtrack track;  /* vCPUs away from their harts */
	struct sw_stats sw;
	size_t records;		 /* events from frames the filter passes */
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
	struct section *s = tt_append(&ss->s, &ss->n, &ss->cap);
	s->type = type;
	s->a = a;
	s->b = b;
	return s;
}

/* The row of an exit reason in a section, created when new. */
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

/* cause_row() when cache slot c does not hold scause's row: find it or
 * create it, remember its index. Rare: kept out of line so that
 * cause_row() stays small. */
static __attribute__((noinline)) struct row *
find_cause_row(struct pairing *p, size_t *c, uint64_t scause)
{
	size_t i;

	for (i = 0; i < p->nrows; i++)
		if (p->rows[i].scause == scause)
			break;
	if (i == p->nrows) {
		if (p->nrows == p->rows_cap) {
			p->rows_cap = p->rows_cap ? 2 * p->rows_cap : 8;
			p->rows = tt_xrealloc(p->rows, p->rows_cap,
					      sizeof(*p->rows));
		}
		memset(&p->rows[i], 0, sizeof(p->rows[0]));
		p->rows[i].scause = scause;
		p->nrows++;
	}
	*c = i + 1;
	return &p->rows[i];
}

/* The row an exit of p's hart and vCPU with this scause counts in. */
static inline struct row *cause_row(struct pairing *p, uint64_t scause)
{
	size_t *c = &p->cache[(scause ^ (scause >> 63)) & (ROW_CACHE - 1)];

	if (*c && p->rows[*c - 1].scause == scause)
		return &p->rows[*c - 1];
	return find_cause_row(p, c, scause);
}

/* Add row r's counts to row to (handling times: their minimum, maximum
 * and sums). */
static void merge_row(struct row *to, const struct row *r)
{
	if (r->timed && (!to->timed || r->min < to->min))
		to->min = r->min;
	if (r->max > to->max)
		to->max = r->max;
	to->samples += r->samples;
	to->timed += r->timed;
	to->total += r->total;
	to->runs += r->runs;
	to->run_total += r->run_total;
}

/* Make the sections from the hart + vCPU rows: "all" always, and the
 * hart, VM and vCPU of every pairing that counted an exit. Done again
 * each time the summary is read (--follow reads it every interval). */
static void gather(struct tt_summary *sum)
{
	struct sections *ss = &sum->ss;

	for (size_t i = 0; i < ss->n; i++)
		ss->s[i].n = 0;
	section(ss, SEC_ALL, 0, 0);
	for (size_t i = 0; i < sum->ps.n; i++) {
		const struct pairing *p = &sum->ps.p[i];
		size_t sec[NSEC];

		if (!p->nrows)
			continue;
		/* Indices: a section() may move the ones found before it. */
		sec[SEC_ALL] = (size_t)(section(ss, SEC_ALL, 0, 0) - ss->s);
		sec[SEC_HART] = (size_t)(section(ss, SEC_HART, p->hart, 0) - ss->s);
		sec[SEC_VM] = (size_t)(section(ss, SEC_VM, p->vm, 0) - ss->s);
		sec[SEC_VCPU] = (size_t)(section(ss, SEC_VCPU, p->vm, p->vcpu) - ss->s);
		for (size_t k = 0; k < p->nrows; k++)
			for (int j = 0; j < NSEC; j++)
				merge_row(row(&ss->s[sec[j]], p->rows[k].scause),
					  &p->rows[k]);
	}
}

/* pairing() of a hart + vCPU other than the one found last (out of
 * line, as find_rows()). */
static __attribute__((noinline)) struct pairing *
find_pairing(struct pairings *ps, uint16_t hart, uint8_t vm, uint8_t vcpu)
{
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

/* The pairing state of a hart + vCPU, created when new. Mostly the one
 * found last (an exit, then its entry). */
static struct pairing *pairing(struct pairings *ps, uint16_t hart, uint8_t vm,
			       uint8_t vcpu)
{
	if (ps->last < ps->n) {
		struct pairing *p = &ps->p[ps->last];

		if (p->hart == hart && p->vm == vm && p->vcpu == vcpu)
			return p;
	}
	return find_pairing(ps, hart, vm, vcpu);
}

/* Forget the open exits and entries of a hart (pairing broken: all), or
 * of one VM's vCPUs on it (the VM stopped). */
static void break_pairing(struct pairings *ps, uint16_t hart, int all,
			  uint8_t vm)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].hart == hart && (all || ps->p[i].vm == vm))
			ps->p[i].have_exit = ps->p[i].have_entry = 0;
}

static void on_exit_rec(struct tt_summary *sum, const struct tt_rec *t)
{
	struct pairing *p = pairing(&sum->ps, t->hart, t->r.vm, t->r.vcpu);
	struct row *r;

	/* Filtered-out exits still pair (their entry is not someone else's
	 * end of handling); they are just not counted. */
	p->exit_kept = passes(sum, t);
	if (p->exit_kept) {
		r = cause_row(p, t->r.arg[1]);
		r->samples++;
		if (p->have_entry && t->r.time >= p->entry_time) {
			r->runs++;
			r->run_total += t->r.time - p->entry_time;
		}
	}
	p->have_entry = 0;
	p->have_exit = 1;
	p->exit_time = t->r.time;
	p->exit_cause = t->r.arg[1];
	p->away = 0;
}

static void on_entry_rec(struct tt_summary *sum, const struct tt_rec *t)
{
	struct pairing *p = pairing(&sum->ps, t->hart, t->r.vm, t->r.vcpu);

	if (p->have_exit && p->exit_kept && t->r.time >= p->exit_time) {
		uint64_t h = t->r.time - p->exit_time;
		struct row *r = cause_row(p, p->exit_cause);

		/* The other vCPUs' turns are not this exit's handling. */
		if (p->away <= h)
			h -= p->away;

		if (!r->timed || h < r->min)
			r->min = h;
		if (h > r->max)
			r->max = h;
		r->timed++;
		r->total += h;
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
	return sum; /* its sections are made when read (gather()) */
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

/* The switch statistics of a vCPU or hart, created when new. */
static struct sw_stat *sw_stat(struct sw_stats *ss, int type, unsigned a,
			       unsigned b)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->s[i].type == type && ss->s[i].a == a &&
		    ss->s[i].b == b)
			return &ss->s[i];
	struct sw_stat *s = tt_append(&ss->s, &ss->n, &ss->cap);
	s->type = type;
	s->a = a;
	s->b = b;
	return s;
}

/* Does the filter pass vm/vcpu on hart at time? (A SWITCH record passes
 * for its incoming vCPU too; its outgoing one's counts need this.) */
static int vcpu_passes(const struct tt_summary *sum, unsigned hart,
		       unsigned vm, unsigned vcpu, uint64_t time)
{
	return !sum->filtered ||
	       (tv_filter_place(&tt_filter, hart, vm, vcpu) &&
		tv_filter_time(&tt_filter, time));
}

/* A hart's line: its switches, and the vCPUs it ran. */
static void hart_switch(struct tt_summary *sum, const struct tt_rec *t,
			unsigned reason)
{
	struct sw_stat *h = sw_stat(&sum->sw, SW_HART, t->hart, 0);
	uint8_t ids[2][2] = {{t->r.vm, t->r.vcpu},
			     {(uint8_t)t->r.arg[0], (uint8_t)t->r.arg[1]}};

	h->out[reason]++;
	h->flushed += t->r.arg[5] != 0;
	for (int k = 0; k < 2; k++) {
		unsigned i;

		if (k == 1 && (t->r.arg[0] > UINT8_MAX || t->r.arg[1] > UINT8_MAX))
			break;
		for (i = 0; i < h->nvcpus && i < SW_HART_VCPUS; i++)
			if (h->vcpus[i][0] == ids[k][0] &&
			    h->vcpus[i][1] == ids[k][1])
				break;
		if (i < h->nvcpus && i < SW_HART_VCPUS)
			continue;
		if (h->nvcpus < SW_HART_VCPUS) {
			h->vcpus[h->nvcpus][0] = ids[k][0];
			h->vcpus[h->nvcpus][1] = ids[k][1];
		}
		h->nvcpus++;
	}
}

/* A SWITCH record: the hart leaves its vCPU. */
static void on_switch_rec(struct tt_summary *sum, const struct tt_rec *t)
{
	unsigned reason = t->r.arg[2] < SW_REASONS ? (unsigned)t->r.arg[2] : 0;
	struct sw_stat *v;

	if (passes(sum, t))
		hart_switch(sum, t, reason);
	if (!vcpu_passes(sum, t->hart, t->r.vm, t->r.vcpu, t->r.time) ||
	    (sum->filtered && !passes(sum, t)))
		return;
	v = sw_stat(&sum->sw, SW_VCPU, t->r.vm, t->r.vcpu);
	v->out[reason]++;
	v->ran_total += t->r.arg[3];
}

/* A vCPU switched in again: its time away, and the open exit's. */
static void on_back(struct tt_summary *sum, const struct tt_away *a)
{
	struct pairing *p = pairing(&sum->ps, a->hart, a->vm, a->vcpu);
	uint64_t away = a->in_time - a->out_time;
	struct sw_stat *v;

	if (p->have_exit && a->out_time >= p->exit_time)
		p->away += away;
	if (!vcpu_passes(sum, a->hart, a->vm, a->vcpu, a->out_time))
		return;
	v = sw_stat(&sum->sw, SW_VCPU, a->vm, a->vcpu);
	if (a->reason == TV_SWITCH_SLICE) {
		v->steal += away;
		v->nsteal++;
		if (away > v->max_steal)
			v->max_steal = away;
	} else if (a->reason == TV_SWITCH_WAIT) {
		v->wait += away;
		v->nwait++;
	}
}

/* The next record of the dump, in dump order (per hart, the order they
 * happened). t must be the record bound to tt_filter when a filter is
 * set (an element of the bound dump's recs[]). */
void tt_summary_add(struct tt_summary *sum, const struct tt_rec *t)
{
	if (t->r.kind == TV_KIND_LOST && passes(sum, t))
		keep_lost(sum, t);
	if (tt_swtrack_wants(t)) {
		struct tt_away a;

		if (tt_swtrack_feed(&sum->track, t, 0, &a))
			on_back(sum, &a);
	}
	if (t->origin != TT_FROM_DUMP) {
		break_pairing(&sum->ps, t->hart, 1, 0);
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
	case TV_KIND_SWITCH:
		on_switch_rec(sum, t);
		break;
	case TV_KIND_LOST:
	case TV_KIND_CONTROL:
		break_pairing(&sum->ps, t->hart, 1, 0);
		break;
	case TV_KIND_STOP: /* the VM stopped; others may share the hart */
		break_pairing(&sum->ps, t->hart, 0, t->r.vm);
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
	for (size_t i = 0; i < sum->ps.n; i++)
		free(sum->ps.p[i].rows);
	free(sum->ps.p);
	free(sum->lost);
	free(sum->sw.s);
	tt_swtrack_free(&sum->track);
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

/* A table; the one of all, when a live summary leaves out the only
 * hart's or vCPU's, names them (only: "hart 0, vm0-vcpu0"). */
static void print_section(FILE *out, struct section *s, uint64_t hz,
			  const char *only)
{
	struct row tot;
	double handling = 0;

	memset(&tot, 0, sizeof(tot));
	if (s->type == SEC_ALL)
		fprintf(out, "Analyze events for all harts, all VMs, all "
			     "vCPUs%s%s%s:\n\n", *only ? " (" : "", only,
			*only ? ")" : "");
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
	/* An exit with no entry after it (an SBI call that does not
	 * return: SRST, HSM hart_stop, a non-retentive suspend that resumes
	 * elsewhere; or the entry's record was lost) counts as a sample
	 * but has no handling time: say so, as the averages leave it out. */
	if (tot.timed < tot.samples)
		fprintf(out, "(Min, Max and Avg time are over the %" PRIu64 " exit%s with "
			     "an entry after; %" PRIu64 " %s none: an SBI "
			     "call that does not return (shutdown, HSM stop, a "
			     "suspend), or a lost record)\n",
			tot.timed, tot.timed == 1 ? "" : "s", tot.samples - tot.timed,
			tot.samples - tot.timed == 1 ? "has" : "have");
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

/* Under a hart's loss line, when the ring's counts (since boot) are not
 * this dump's alone: this dump's share, or that it is unknown. A joined
 * trace's share is its dumps' together (join.c). */
static void print_dump_share(FILE *out, const struct tv_wire_hart_totals *t,
			     int joined)
{
	if (!t->dump_known && joined)
		fprintf(out, "    (the ring counts since boot; the dump before "
			     "the first is not in the log, or a dump lacks this "
			     "hart's HART frame, so these dumps' share is "
			     "unknown)\n");
	else if (!t->dump_known)
		fprintf(out, "    (the ring counts since boot; the dump before "
			     "this one is not in the log, so this dump's share "
			     "is unknown)\n");
	else if (t->dump_consumed != t->consumed || t->dump_lost != t->lost)
		fprintf(out, "    %s: consumed %" PRIu64 ", lost %" PRIu64
			     " (the ring counts since boot)\n",
			joined ? "these dumps" : "this dump", t->dump_consumed,
			t->dump_lost);
}

/*
 * "Lost records: N" and where. Per hart the ring's own count of this
 * dump's losses (its HART frame's, less the dump before's: the counts are
 * since boot) and the LOST records in the stream describe the same
 * losses, so the larger of the two counts (a record the writer dropped
 * may have its LOST marker in the next dump); when the dump before is not
 * in the log, the LOST records alone. Records lost with frames missing
 * from the log come on top.
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
		else if (t->origin == TT_GAP_KNOWN || t->origin == TT_GAP_UNSENT)
			gap_known += t->r.arg[0];
		else
			gap_unknown++;
	}
	for (size_t i = 0; i < nh; i++) {
		uint64_t ring = hl[i].have_totals
					? tv_filter_ring_lost(&tt_filter, &hl[i].totals)
					: 0;

		total += ring > hl[i].in_records ? ring : hl[i].in_records;
	}
	total += gap_known;
	fprintf(out, "Lost records: %" PRIu64, total);
	if (gap_unknown)
		fprintf(out, " (and those of %" PRIu64 " gap%s of missing frames, "
			     "not counted: a frame that tells how many is missing too)",
			gap_unknown, gap_unknown == 1 ? "" : "s");
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
		if (h->have_totals)
			print_dump_share(out, &h->totals, d->nparts > 1);
	}
	for (size_t k = 0; k < sum->nlost; k++) {
		const struct tt_rec *t = &sum->lost[k];

		if (t->origin == TT_FROM_DUMP)
			continue;
		if (t->origin == TT_GAP_UNSENT) {
			fprintf(out, "  frame %" PRIu32 ": %" PRIu64 " records of hart %u "
				"read and never sent (no frame missing), near %s\n",
				t->gap_first, t->r.arg[0], t->hart,
				tt_time(time, t->r.time, hz));
			continue;
		}
		if (t->gap_first == t->gap_last)
			fprintf(out, "  missing frame %" PRIu32 ": ", t->gap_first);
		else
			fprintf(out, "  missing frames %" PRIu32 "..%" PRIu32 ": ",
				t->gap_first, t->gap_last);
		if (t->origin == TT_GAP_KNOWN)
			fprintf(out, "%" PRIu64 " records", t->r.arg[0]);
		else
			fprintf(out, "an unknown number (maybe none) of records");
		fprintf(out, " of hart %u, near %s\n", t->hart,
			tt_time(time, t->r.time, hz));
	}
	free(hl);
}

/* Switch statistics: vCPUs by VM then vCPU, then harts. */
static int cmp_sw(const void *a, const void *b)
{
	const struct sw_stat *x = a, *y = b;

	if (x->type != y->type)
		return x->type - y->type;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

static uint64_t sw_total(const struct sw_stat *v)
{
	uint64_t n = 0;

	for (int i = 0; i < SW_REASONS; i++)
		n += v->out[i];
	return n;
}

/* One row of the switch table: a VM or a vCPU. */
static void print_sw_row(FILE *out, const char *name, const struct sw_stat *v,
			 uint64_t hz)
{
	uint64_t n = sw_total(v);

	fprintf(out, "%16s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64,
		name, n, v->out[TV_SWITCH_SLICE], v->out[TV_SWITCH_WAIT],
		v->out[TV_SWITCH_STOP]);
	put_us(out, n != 0, n ? tt_us(v->ran_total, hz) / (double)n : 0);
	put_us(out, v->nsteal != 0, tt_us(v->steal, hz));
	put_us(out, v->nsteal != 0,
	       v->nsteal ? tt_us(v->steal, hz) / (double)v->nsteal : 0);
	put_us(out, v->nsteal != 0, tt_us(v->max_steal, hz));
	put_us(out, v->nwait != 0, tt_us(v->wait, hz));
	fprintf(out, "\n");
}

/* A VM's row: the sum of its vCPUs' (v[first..end)). */
static void print_sw_vm(FILE *out, const struct sw_stat *v, size_t first,
			size_t end, uint64_t hz)
{
	struct sw_stat vm;
	char name[16];

	memset(&vm, 0, sizeof(vm));
	for (size_t i = first; i < end; i++) {
		for (int k = 0; k < SW_REASONS; k++)
			vm.out[k] += v[i].out[k];
		vm.ran_total += v[i].ran_total;
		vm.steal += v[i].steal;
		vm.nsteal += v[i].nsteal;
		if (v[i].max_steal > vm.max_steal)
			vm.max_steal = v[i].max_steal;
		vm.wait += v[i].wait;
		vm.nwait += v[i].nwait;
	}
	snprintf(name, sizeof(name), "vm%u", v[first].a);
	print_sw_row(out, name, &vm, hz);
}

/* "  hart 0: 12 switches (slice 9, wait 2, stop 1), 0 with ..." */
static void print_sw_hart(FILE *out, const struct sw_stat *h)
{
	fprintf(out,
		"  hart %u: %" PRIu64 " switches (slice %" PRIu64
		", wait %" PRIu64 ", stop %" PRIu64,
		h->a, sw_total(h), h->out[TV_SWITCH_SLICE],
		h->out[TV_SWITCH_WAIT], h->out[TV_SWITCH_STOP]);
	if (h->out[0])
		fprintf(out, ", unknown reason %" PRIu64, h->out[0]);
	fprintf(out, "), %" PRIu64 " flushed the G-stage TLB; vCPUs",
		h->flushed);
	for (unsigned i = 0; i < h->nvcpus && i < SW_HART_VCPUS; i++)
		fprintf(out, "%s vm%u-vcpu%u", i ? "," : "", h->vcpus[i][0],
			h->vcpus[i][1]);
	if (h->nvcpus > SW_HART_VCPUS)
		fprintf(out, ", ...");
	fprintf(out, "\n");
}

/* The switches of time-shared harts; nothing without SWITCH records. */
static void print_switches(FILE *out, struct tt_summary *sum, uint64_t hz)
{
	struct sw_stat *v = sum->sw.s;
	size_t n = sum->sw.n, i = 0;

	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_sw);
	fprintf(out, "Analyze switches between vCPUs of time-shared harts:\n\n");
	fprintf(out, "%16s %8s %8s %8s %8s %12s %12s %12s %12s %12s\n",
		"VM/vCPU", "Out", "Slice", "Wait", "Stop", "Avg turn",
		"Steal time", "Avg steal", "Max steal", "Wait time");
	while (i < n && v[i].type == SW_VCPU) {
		size_t end = i;

		while (end < n && v[end].type == SW_VCPU && v[end].a == v[i].a)
			end++;
		print_sw_vm(out, v, i, end, hz);
		for (; i < end; i++) {
			char name[32];

			snprintf(name, sizeof(name), "vm%u-vcpu%u", v[i].a,
				 v[i].b);
			print_sw_row(out, name, &v[i], hz);
		}
	}
	fprintf(out, "\n");
	for (; i < n; i++)
		print_sw_hart(out, &v[i]);
	fprintf(out, "Out: times the hart left the vCPU, by reason. Avg turn: "
		     "how long it ran before. Steal: away from its hart after "
		     "a slice switch, ready to run, until switched in again; "
		     "wait: away after a wait switch. Handling times above "
		     "leave out other vCPUs' turns.\n\n");
}

void tt_summary_print(FILE *out, struct tt_summary *sum,
		      const struct tt_dump *d, int live)
{
	struct sections *ss = &sum->ss;
	uint64_t hz = tt_timebase(d), handling = 0, run = 0, samples = 0;
	size_t n[NSEC] = {0};
	char only[64] = "";

	gather(sum);
	if (ss->n > 1)
		qsort(ss->s, ss->n, sizeof(*ss->s), cmp_section);
	for (size_t i = 0; i < ss->n; i++)
		n[ss->s[i].type]++;
	/* Every exit counts in all four kinds of table, so a kind with one
	 * table repeats "all": a VM's is printed only when there are
	 * several; live (--follow, a summary every interval), a hart's and
	 * a vCPU's too, and "all" names the one hart or vCPU left out. */
	for (size_t i = 0; i < ss->n; i++) {
		const struct section *x = &ss->s[i];
		size_t len = strlen(only);

		if (live && x->type == SEC_HART && n[SEC_HART] == 1)
			snprintf(only + len, sizeof(only) - len, "%shart %u",
				 len ? ", " : "", x->a);
		else if (live && x->type == SEC_VCPU && n[SEC_VCPU] == 1)
			snprintf(only + len, sizeof(only) - len, "%svm%u-vcpu%u",
				 len ? ", " : "", x->a, x->b);
	}
	for (size_t i = 0; i < ss->n; i++) {
		int type = ss->s[i].type;

		if (n[type] > 1 || type == SEC_ALL ||
		    (type != SEC_VM && !live))
			print_section(out, &ss->s[i], hz, only);
	}
	print_switches(out, sum, hz);
	for (size_t i = 0; i < ss->s[0].n; i++) {
		samples += ss->s[0].rows[i].samples;
		handling += ss->s[0].rows[i].total;
		run += ss->s[0].rows[i].run_total;
	}
	fprintf(out,
		"Total: %zu event%s, %" PRIu64
		" exit%s, handling time %.2fus, guest run time %.2fus\n",
		sum->records, sum->records == 1 ? "" : "s", samples,
		samples == 1 ? "" : "s", tt_us(handling, hz), tt_us(run, hz));
	print_lost(out, d, sum, hz);
}

/* The harts an exit of vm/vcpu was counted on (pairings that found a
 * section; harts 64 and above are not in the mask). */
static uint64_t vcpu_harts(const struct pairings *ps, unsigned vm,
			   unsigned vcpu)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].nrows && ps->p[i].vm == vm &&
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
	for (size_t i = 0; i < sum->sw.n; i++) {
		const struct sw_stat *w = &sum->sw.s[i];

		if (w->type == SW_VCPU && w->a == s->a && w->b == s->b) {
			v->switched_out = sw_total(w);
			v->steal = w->steal;
			v->wait = w->wait;
		}
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

size_t tt_summary_vcpus(struct tt_summary *sum, struct tt_vcpu_stat **out)
{
	struct tt_vcpu_stat *v = NULL;
	size_t n = 0;

	gather(sum);
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

int tt_summary_has_switches(const struct tt_summary *sum)
{
	return sum->sw.n != 0;
}

void tt_print_summary_live(FILE *out, struct tt_dump *d, int live)
{
	struct tt_summary *sum = tt_summary_new();

	for (size_t i = 0; i < d->nrecs; i++)
		tt_summary_add(sum, &d->recs[i]);
	tt_summary_print(out, sum, d, live);
	tt_summary_free(sum);
}

void tt_print_summary(FILE *out, struct tt_dump *d)
{
	tt_print_summary_live(out, d, 0);
}
