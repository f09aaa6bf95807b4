/*
 * Filtering (--hart, --vcpu, --from/--to, --reason) and the exit list the
 * analyses share.
 *
 * One filter, tt_filter, holds the command line's choice; every view asks
 * tv_filter_record() whether to show a record. Criteria of different
 * options must all match; repeated options of one kind (two --hart, two
 * --reason) match any of their values.
 *
 * --reason selects exits by their cause (scause, interrupt bit kept), and
 * with each exit the records of its handling: the SBI, MMIO, IRQ, EXC,
 * SWITCH and STOP records of its vCPU that follow it on its hart and the
 * ENTRY that resumes the guest (on a time-shared hart, after the other
 * vCPUs' turns). Which exit a record belongs to needs context a single record
 * does not carry, so tv_filter_bind() works it out once per dump and
 * tv_filter_record() looks it up for records of that dump. Records lost
 * (LOST records, frames missing from the log) always pass --reason, so a
 * filtered view still says where the picture is incomplete. --hart and
 * --vcpu pass a SWITCH record for the vCPU it leaves and for the one it
 * gives the hart to.
 *
 * Times are seconds, as the views print them ("0.320470"), or with an
 * exponent or a unit ("3.2047e-1", "320.47ms"), converted to timebase
 * ticks exactly (decimal parsing, no binary floating point).
 * Both ends are inclusive: --from rounds up to a tick; --to given with at
 * most six decimals covers its whole microsecond (the views cut times off
 * at microseconds, so "--to 0.584196" keeps every record printed as
 * 0.584196), with more decimals it rounds down to a tick.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "riscv_names.h"
#include "tvtrace.h"

/* The filter of the command line, bound to the dump being shown. */
struct tv_filter tt_filter;

/* owner[] value of a record that belongs to no exit. */
#define NO_OWNER UINT64_MAX

/* Case-insensitive string equality. */
static int same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* An unsigned number in decimal or 0x hex that fills the whole string
 * (a leading 0 is decimal's: "010" is ten, not C's octal eight). */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	int hex;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return 0;
	hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (hex && (!s[2] || strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2)))
		return 0; /* (strtoull would take a second "0x") */
	errno = 0;
	*out = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	return !errno && *end == '\0';
}

/* The units a time may carry, the ones the pictures and histograms print
 * ("8.18 ms", "3.10 us"): decimal places to move the point by. */
static const struct {
	const char *name;
	int shift;
} time_units[] = {
	{"s", 0}, {"ms", 3}, {"us", 6}, {"\xc2\xb5s", 6}, {"ns", 9},
};

#define TIME_DIGITS 40 /* significant digits a time may have */
#define TIME_EXP 99    /* the largest exponent, either way */

/*
 * A time as a user types it to nanoseconds, exactly (decimal digits, no
 * binary floating point): seconds as the views print them ("0.320470"),
 * with or without an exponent ("3.2e-1", "1E-3"), and one of the units
 * above after it ("320.47ms", "320470 us"). Digits below a nanosecond are
 * dropped. *decimals is how many decimals the time has written as plain
 * seconds ("0.000200", "1e-3" and "1ms": 6, 3 and 3). Returns NULL, or
 * what is wrong with s.
 */
static const char *parse_seconds(const char *s, uint64_t *ns,
				 unsigned *decimals)
{
	char digit[TIME_DIGITS];
	int ndigits = 0, whole_digits = 0, any = 0, point, exp = 0, shift = -1;
	uint64_t whole = 0, frac = 0;
	const char *p = s;

	if (*p == '-')
		return "a time is not negative";
	for (int in_frac = 0;; p++) {
		if (*p == '.' && !in_frac) {
			in_frac = 1;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		any = 1;
		if (ndigits == 0 && *p == '0') { /* leading zeros */
			if (in_frac)
				whole_digits--;
			continue;
		}
		if (ndigits == TIME_DIGITS)
			return "too many digits";
		digit[ndigits++] = *p;
		whole_digits += !in_frac;
	}
	if (!any)
		goto not_a_time; /* "", ".", "e3", "ms" */
	if (*p == 'e' || *p == 'E') {
		int neg = p[1] == '-';

		p += 1 + (p[1] == '-' || p[1] == '+');
		if (!isdigit((unsigned char)*p))
			goto not_a_time;
		for (; isdigit((unsigned char)*p); p++) {
			exp = exp * 10 + (*p - '0');
			if (exp > TIME_EXP)
				return "exponent out of range";
		}
		if (neg)
			exp = -exp;
	}
	while (*p == ' ' && p[1])
		p++;
	for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
		if (strcmp(p, time_units[i].name) == 0)
			shift = time_units[i].shift;
	if (*p && shift < 0)
		goto not_a_time;
	if (shift < 0)
		shift = 0;
	/* The point sits before digit[point] (digits past the end are 0). */
	point = whole_digits + exp - shift;
	*decimals = ndigits > point ? (unsigned)(ndigits - point) : 0;
	for (int i = 0; i < point; i++) {
		if (whole > UINT64_MAX / 10 / 1000000000u)
			goto too_large;
		whole = whole * 10 + (uint64_t)(i < ndigits ? digit[i] - '0' : 0);
	}
	for (int i = point; i < point + 9; i++)
		frac = frac * 10 +
		       (uint64_t)(i >= 0 && i < ndigits ? digit[i] - '0' : 0);
	if (whole > (UINT64_MAX - frac) / 1000000000u)
		goto too_large;
	*ns = whole * 1000000000u + frac;
	return NULL;
too_large:
	return "too large (at most 18446744073 s)";
not_a_time:
	return "not a time: seconds like 0.3205 or 3.2e-1, or with a unit "
	       "(s, ms, us, ns) like 320.5ms";
}

/* A cause by short name (LOAD_GPF, IRQ_S_TIMER, EXC_24, IRQ_13) or by
 * number (with the interrupt bit for interrupts, e.g.
 * 0x8000000000000005). */
static int parse_reason(const char *s, uint64_t *cause)
{
	char name[32];

	if (parse_u64(s, cause))
		return 1;
	for (int irq = 0; irq < 2; irq++)
		for (uint64_t code = 0; code < 64; code++) {
			uint64_t c = code | (irq ? TV_SCAUSE_INTERRUPT : 0);

			tv_cause_short_describe(c, name, sizeof(name));
			if (same_word(name, s)) {
				*cause = c;
				return 1;
			}
		}
	return 0;
}

/* "VM.VCPU" or "VCPU" (any VM). */
static int parse_vcpu(const char *s, struct tv_filter_vcpu *v)
{
	const char *dot = strchr(s, '.');
	uint64_t a, b;
	char vm[24];

	if (!dot) {
		if (!parse_u64(s, &b) || b > 255)
			return 0;
		v->any_vm = 1;
		v->vm = 0;
		v->vcpu = (uint8_t)b;
		return 1;
	}
	if ((size_t)(dot - s) >= sizeof(vm))
		return 0;
	memcpy(vm, s, (size_t)(dot - s));
	vm[dot - s] = '\0';
	if (!parse_u64(vm, &a) || !parse_u64(dot + 1, &b) || a > 255 || b > 255)
		return 0;
	v->any_vm = 0;
	v->vm = (uint8_t)a;
	v->vcpu = (uint8_t)b;
	return 1;
}

const char *tv_filter_add(struct tv_filter *f, const char *option,
			  const char *value)
{
	static char err[200];
	const char *why;
	uint64_t n;

	if (strcmp(option, "--hart") == 0) {
		if (!parse_u64(value, &n) || n > UINT16_MAX)
			goto bad;
		if (f->nharts == TV_FILTER_MAX)
			goto many;
		f->harts[f->nharts++] = (uint16_t)n;
	} else if (strcmp(option, "--vcpu") == 0) {
		if (f->nvcpus == TV_FILTER_MAX)
			goto many;
		if (!parse_vcpu(value, &f->vcpus[f->nvcpus]))
			goto bad;
		f->nvcpus++;
	} else if (strcmp(option, "--reason") == 0) {
		if (f->nreasons == TV_FILTER_MAX)
			goto many;
		if (!parse_reason(value, &f->reasons[f->nreasons]))
			goto bad;
		f->nreasons++;
	} else if (strcmp(option, "--from") == 0) {
		unsigned decimals;

		if (f->has_from)
			goto once;
		why = parse_seconds(value, &f->from_ns, &decimals);
		if (why)
			goto bad_time;
		f->has_from = 1;
	} else if (strcmp(option, "--to") == 0) {
		if (f->has_to)
			goto once;
		why = parse_seconds(value, &f->to_ns, &f->to_decimals);
		if (why)
			goto bad_time;
		f->has_to = 1;
	} else {
		snprintf(err, sizeof(err), "unknown filter option '%s'", option);
		return err;
	}
	if (f->has_from && f->has_to && f->from_ns > f->to_ns) {
		snprintf(err, sizeof(err), "--from is after --to");
		return err;
	}
	return NULL;
bad:
	snprintf(err, sizeof(err), "%s: bad value '%.60s' (%s)", option, value,
		 strcmp(option, "--vcpu") == 0 ? "VM.VCPU or VCPU"
		 : strcmp(option, "--reason") == 0
			 ? "a short name like LOAD_GPF, or a cause number"
		 : "a hart number");
	return err;
bad_time:
	snprintf(err, sizeof(err), "%s: bad value '%.40s': %s", option, value,
		 why);
	return err;
many:
	snprintf(err, sizeof(err), "%s: at most %d values", option,
		 TV_FILTER_MAX);
	return err;
once:
	snprintf(err, sizeof(err), "%s given twice: a time window has one "
		 "start and one end", option);
	return err;
}

int tv_filter_active(const struct tv_filter *f)
{
	return f->nharts || f->nvcpus || f->nreasons || f->has_from ||
	       f->has_to;
}

uint64_t tv_filter_ring_lost(const struct tv_filter *f, const struct tv_wire_hart_totals *t)
{
	int whole_harts = !(f->nvcpus || f->nreasons || f->has_from || f->has_to);

	return whole_harts && t->dump_known ? t->dump_lost : 0;
}

/* Nanoseconds to ticks at hz, rounded up or down. */
static uint64_t ns_to_ticks(uint64_t ns, uint64_t hz, int round_up)
{
	uint64_t sec = ns / 1000000000u, frac = ns % 1000000000u;
	uint64_t t, rem;

	if (hz == 0)
		return ns; /* raw ticks: the views print them as "seconds" */
	if (sec && hz > UINT64_MAX / sec)
		return UINT64_MAX;
	t = sec * hz;
	if (hz <= UINT64_MAX / 1000000000u) {
		rem = frac * hz % 1000000000u;
		t += frac * hz / 1000000000u;
	} else {
		long double x = (long double)frac * (long double)hz / 1e9L;

		t += (uint64_t)x;
		rem = x > (long double)(uint64_t)x;
	}
	if (round_up && rem && t != UINT64_MAX)
		t++;
	return t;
}

/* Per-vCPU state of a hart while assigning records to exits. */
struct owner_state {
	uint16_t hart;
	uint8_t vm, vcpu;
	int open;
	uint64_t cause;
};

struct owner_states {
	struct owner_state *s;
	size_t n, cap;
};

/* The state of a vCPU on a hart, created when new. */
static struct owner_state *owner_state(struct owner_states *st, uint16_t hart,
				       uint8_t vm, uint8_t vcpu)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->s[i].hart == hart && st->s[i].vm == vm &&
		    st->s[i].vcpu == vcpu)
			return &st->s[i];
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 8;
		st->s = tt_xrealloc(st->s, st->cap, sizeof(*st->s));
	}
	memset(&st->s[st->n], 0, sizeof(st->s[0]));
	st->s[st->n].hart = hart;
	st->s[st->n].vm = vm;
	st->s[st->n].vcpu = vcpu;
	return &st->s[st->n++];
}

/* A loss or a tracing start/stop: no exit of the hart is open after it. */
static void owner_break(struct owner_states *st, uint16_t hart)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->s[i].hart == hart)
			st->s[i].open = 0;
}

/*
 * The exit a record belongs to: its own cause for an EXIT, the open exit
 * of its vCPU on its hart for the records of the handling, NO_OWNER
 * otherwise. The exit stays open across SWITCH records (a time-shared
 * hart runs other vCPUs while this one's exit waits for its entry), and
 * the SWITCH that leaves a vCPU belongs to that vCPU's open exit (the
 * slice's timer interrupt, the WFI it waits in).
 */
static uint64_t owner_of(struct owner_states *st, const struct tt_rec *t)
{
	struct owner_state *s;
	uint64_t owner;

	if (t->origin != TT_FROM_DUMP) {
		owner_break(st, t->hart);
		return NO_OWNER;
	}
	s = owner_state(st, t->hart, t->r.vm, t->r.vcpu);
	owner = s->open ? s->cause : NO_OWNER;
	switch (t->r.kind) {
	case TV_KIND_EXIT:
		s->open = 1;
		s->cause = t->r.arg[1];
		return s->cause;
	case TV_KIND_ENTRY:
	case TV_KIND_STOP:
		s->open = 0;
		return owner;
	case TV_KIND_SBI:
	case TV_KIND_MMIO:
	case TV_KIND_IRQ:
	case TV_KIND_EXC:
	case TV_KIND_SWITCH:
		return owner;
	case TV_KIND_MARK:
		return NO_OWNER;
	default: /* LOST, CONTROL: the pairing breaks here */
		owner_break(st, t->hart);
		return NO_OWNER;
	}
}

void tv_filter_bind(struct tv_filter *f, const struct tt_dump *d)
{
	uint64_t hz = tt_timebase(d);
	struct owner_states st = {0};

	f->from_tick = f->has_from ? ns_to_ticks(f->from_ns, hz, 1) : 0;
	f->to_tick = UINT64_MAX;
	if (f->has_to && hz && f->to_decimals <= 6) {
		/* The views print microseconds, cut off: "--to 0.584196"
		 * includes every record printed as 0.584196. */
		uint64_t t = ns_to_ticks(f->to_ns + 1000, hz, 1);

		f->to_tick = t ? t - 1 : 0;
	} else if (f->has_to) {
		f->to_tick = ns_to_ticks(f->to_ns, hz, 0);
	}
	free(f->owner);
	f->owner = NULL;
	f->recs = d->recs;
	f->nrecs = d->nrecs;
	if (!f->nreasons)
		return;
	/* Records of one hart are in dump order in d->recs. */
	f->owner = tt_xrealloc(NULL, d->nrecs ? d->nrecs : 1,
			       sizeof(*f->owner));
	for (size_t i = 0; i < d->nrecs; i++)
		f->owner[i] = owner_of(&st, &d->recs[i]);
	free(st.s);
}

void tv_filter_free(struct tv_filter *f)
{
	free(f->owner);
	f->owner = NULL;
	f->recs = NULL;
	f->nrecs = 0;
}

bool tv_filter_place(const struct tv_filter *f, unsigned hart, unsigned vm,
		     unsigned vcpu)
{
	bool ok = f->nharts == 0;

	for (unsigned i = 0; i < f->nharts && !ok; i++)
		ok = f->harts[i] == hart;
	if (!ok)
		return false;
	if (f->nvcpus == 0)
		return true;
	for (unsigned i = 0; i < f->nvcpus; i++)
		if (f->vcpus[i].vcpu == vcpu &&
		    (f->vcpus[i].any_vm || f->vcpus[i].vm == vm))
			return true;
	return false;
}

bool tv_filter_hart(const struct tv_filter *f, unsigned hart)
{
	if (f->nharts == 0)
		return true;
	for (unsigned i = 0; i < f->nharts; i++)
		if (f->harts[i] == hart)
			return true;
	return false;
}

bool tv_filter_time(const struct tv_filter *f, uint64_t time)
{
	return (!f->has_from || time >= f->from_tick) &&
	       (!f->has_to || time <= f->to_tick);
}

bool tv_filter_reason(const struct tv_filter *f, uint64_t scause)
{
	if (f->nreasons == 0)
		return true;
	for (unsigned i = 0; i < f->nreasons; i++)
		if (f->reasons[i] == scause)
			return true;
	return false;
}

/* The exit a record belongs to, when r lies in the bound dump's record
 * array; else the record's own cause if it is an EXIT. */
static uint64_t record_owner(const struct tv_filter *f,
			     const struct tv_record *r)
{
	uintptr_t p = (uintptr_t)r, base = (uintptr_t)f->recs;

	if (f->owner && p >= base &&
	    p < base + f->nrecs * sizeof(struct tt_rec) &&
	    (p - base) % sizeof(struct tt_rec) ==
		    offsetof(struct tt_rec, r))
		return f->owner[(p - base) / sizeof(struct tt_rec)];
	return r->kind == TV_KIND_EXIT ? r->arg[1] : NO_OWNER;
}

bool tv_filter_record(const struct tv_filter *f, unsigned hart,
		      const struct tv_record *r)
{
	uint64_t owner;

	/* A switch concerns the vCPU it leaves and the one it brings in. */
	if (!tv_filter_place(f, hart, r->vm, r->vcpu) &&
	    (r->kind != TV_KIND_SWITCH || r->arg[0] > UINT8_MAX ||
	     r->arg[1] > UINT8_MAX ||
	     !tv_filter_place(f, hart, (unsigned)r->arg[0],
			      (unsigned)r->arg[1])))
		return false;
	if (!tv_filter_time(f, r->time))
		return false;
	if (f->nreasons == 0 || r->kind == TV_KIND_LOST)
		return true;
	owner = record_owner(f, r);
	return owner != NO_OWNER && tv_filter_reason(f, owner);
}

/* Seconds from nanoseconds without trailing zeros: "0.3258", "2". */
static void put_seconds(char *buf, size_t size, uint64_t ns)
{
	char frac[16];
	int n;

	snprintf(frac, sizeof(frac), "%09" PRIu64, ns % 1000000000u);
	for (n = 9; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(buf, size, "%" PRIu64 "%s%s", ns / 1000000000u, n ? "." : "",
		 frac);
}

/* Append "text" to buf at *len, keeping it NUL-terminated. */
static void add_text(char *buf, size_t size, size_t *len, const char *text)
{
	int n;

	if (*len >= size)
		return;
	n = snprintf(buf + *len, size - *len, "%s", text);
	if (n > 0)
		*len += (size_t)n;
}

void tv_filter_describe(const struct tv_filter *f, char *buf, size_t size)
{
	size_t len = 0;
	char part[96];

	if (size)
		buf[0] = '\0';
	for (unsigned i = 0; i < f->nharts; i++) {
		snprintf(part, sizeof(part), "%shart %u", len ? ", " : "",
			 f->harts[i]);
		add_text(buf, size, &len, part);
	}
	for (unsigned i = 0; i < f->nvcpus; i++) {
		if (f->vcpus[i].any_vm)
			snprintf(part, sizeof(part), "%svcpu %u", len ? ", " : "",
				 f->vcpus[i].vcpu);
		else
			snprintf(part, sizeof(part), "%svm%u-vcpu%u",
				 len ? ", " : "", f->vcpus[i].vm,
				 f->vcpus[i].vcpu);
		add_text(buf, size, &len, part);
	}
	for (unsigned i = 0; i < f->nreasons; i++) {
		char name[32];

		tv_cause_short_describe(f->reasons[i], name, sizeof(name));
		snprintf(part, sizeof(part), "%s%s", len ? ", " : "", name);
		add_text(buf, size, &len, part);
	}
	if (f->has_from || f->has_to) {
		snprintf(part, sizeof(part), "%stime ", len ? ", " : "");
		add_text(buf, size, &len, part);
		if (f->has_from) {
			put_seconds(part, sizeof(part), f->from_ns);
			add_text(buf, size, &len, part);
		}
		add_text(buf, size, &len, "..");
		if (f->has_to) {
			put_seconds(part, sizeof(part), f->to_ns);
			add_text(buf, size, &len, part);
		}
		add_text(buf, size, &len, " s");
	}
}

/* ---------------------------------------------------------------- exits */

/* Pairing state of one hart + vCPU (as summary.c pairs them). */
struct exit_pairing {
	uint16_t hart;
	uint8_t vm, vcpu;
	long open_exit;	  /* index into the exit list, or -1 */
	int have_entry;
	uint64_t entry_time;
};

struct exit_pairings {
	struct exit_pairing *p;
	size_t n, cap;
};

/* The pairing of (hart, vm, vcpu), created when new. */
static struct exit_pairing *exit_pairing(struct exit_pairings *ps,
					 uint16_t hart, uint8_t vm,
					 uint8_t vcpu)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].hart == hart && ps->p[i].vm == vm &&
		    ps->p[i].vcpu == vcpu)
			return &ps->p[i];
	struct exit_pairing *p = tt_append(&ps->p, &ps->n, &ps->cap);
	p->hart = hart;
	p->vm = vm;
	p->vcpu = vcpu;
	p->open_exit = -1;
	return p;
}

/* A loss or a tracing start/stop on a hart (all = 1), or a VM's stop
 * there: no exit or entry of those vCPUs pairs with anything after it. */
static void exits_break(struct exit_pairings *ps, uint16_t hart, int all,
			uint8_t vm)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].hart == hart && (all || ps->p[i].vm == vm)) {
			ps->p[i].open_exit = -1;
			ps->p[i].have_entry = 0;
		}
}

/* The vCPU of an open exit came back to its hart after time away. */
static void exit_back(struct tt_exit *ex, struct exit_pairings *ps,
		      const struct tt_away *a)
{
	struct exit_pairing *p = exit_pairing(ps, a->hart, a->vm, a->vcpu);
	struct tt_exit *e;

	if (p->open_exit < 0 || ex == NULL)
		return;
	e = &ex[p->open_exit];
	if (a->out_time < e->exit_time)
		return;
	if (!e->switched)
		e->out_time = a->out_time;
	e->switched = 1;
	e->in_time = a->in_time;
	e->away += a->in_time - a->out_time;
}

uint64_t tt_exit_handling(const struct tt_exit *e)
{
	uint64_t h = e->entry_time - e->exit_time;

	return e->switched && e->away <= h ? h - e->away : h;
}

/* An ENTRY: it ends the open exit of its vCPU. */
static void exit_entry(struct tt_exit *ex, struct exit_pairing *p,
		       const struct tt_rec *t, size_t i)
{
	/* (ex != NULL whenever an exit is open; said for the static
	 * analyser) */
	if (p->open_exit >= 0 && ex != NULL &&
	    t->r.time >= ex[p->open_exit].exit_time) {
		ex[p->open_exit].timed = 1;
		ex[p->open_exit].entry_time = t->r.time;
		ex[p->open_exit].entry_rec = i;
		ex[p->open_exit].resume_pc = t->r.arg[0];
	}
	p->open_exit = -1;
	p->have_entry = 1;
	p->entry_time = t->r.time;
}

size_t tt_collect_exits(const struct tt_dump *d, struct tt_exit **out)
{
	struct tt_exit *ex = NULL;
	struct exit_pairings ps = {0};
	struct tt_swtrack sw = {0};
	struct tt_away a;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[i];
		struct exit_pairing *p;

		if (tt_swtrack_feed(&sw, t, i, &a))
			exit_back(ex, &ps, &a);
		if (t->origin != TT_FROM_DUMP || t->r.kind == TV_KIND_LOST ||
		    t->r.kind == TV_KIND_CONTROL || t->r.kind == TV_KIND_STOP) {
			exits_break(&ps, t->hart,
				    t->origin != TT_FROM_DUMP ||
					    t->r.kind != TV_KIND_STOP,
				    t->r.vm);
			continue;
		}
		if (t->r.kind != TV_KIND_EXIT && t->r.kind != TV_KIND_ENTRY)
			continue;
		p = exit_pairing(&ps, t->hart, t->r.vm, t->r.vcpu);
		if (t->r.kind == TV_KIND_ENTRY) {
			exit_entry(ex, p, t, i);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			ex = tt_xrealloc(ex, cap, sizeof(*ex));
		}
		memset(&ex[n], 0, sizeof(ex[n]));
		ex[n].rec = i;
		ex[n].hart = t->hart;
		ex[n].vm = t->r.vm;
		ex[n].vcpu = t->r.vcpu;
		ex[n].cause = t->r.arg[1];
		ex[n].sepc = t->r.arg[0];
		ex[n].exit_time = t->r.time;
		if (p->have_entry && t->r.time >= p->entry_time) {
			ex[n].has_run = 1;
			ex[n].run_start = p->entry_time;
		}
		p->have_entry = 0;
		p->open_exit = (long)n;
		n++;
	}
	free(ps.p);
	tt_swtrack_free(&sw);
	*out = ex;
	return n;
}
