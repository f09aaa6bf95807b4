/*
 * --json FILE: the Trace Event Format of Chrome's about:tracing, which
 * Perfetto (ui.perfetto.dev) also opens ("Trace Event Format", Google,
 * the JSON Object Format with a traceEvents array).
 *
 * Tracks: one process per hart (pid = hart, named "hart N") and in it one
 * thread per vCPU (named "vmV-vcpuC"; tid = hart * 65536 + vm * 256 +
 * vcpu + 1, unique across harts and never 0, which Perfetto's importer
 * has treated specially). On each vCPU's thread:
 *
 * - complete events ("ph":"X", ts and dur in microseconds) for the time
 *   the guest ran (entry -> exit, named "guest") and the time the
 *   hypervisor spent handling an exit (exit -> the next entry of the same
 *   hart and vCPU, named by the exit reason's short name, "ECALL_VS",
 *   with sepc, scause, stval, gpa, the instruction and the SBI call or
 *   MMIO access handled as args);
 * - instant events ("ph":"i") for interrupt and exception injections,
 *   markers, tracing control, the guest's stop, exits whose entry never
 *   came, and lost records (process-wide on the hart, "s":"p");
 * - metadata events ("ph":"M") naming and ordering the tracks.
 *
 * A loss, a tracing start/stop or a guest stop on a hart ends the pairing
 * there, as in --summary: no slice spans records that may be missing (a
 * stop only for its VM's vCPUs: others may share the hart).
 *
 * Time-shared harts (SWITCH records) get one more thread in the hart's
 * process, "vCPU on hart N" (tid OCC_TID + hart), with a slice per turn
 * of a vCPU on the hart, named after the vCPU, like the CPU tracks of a
 * Linux scheduler trace: each SWITCH ends the outgoing vCPU's turn, which
 * began `ran` ticks earlier (arg[3]; not before the hart's previous
 * switch), and the last turn lasts to the hart's last record. On the
 * vCPU's own thread, the time it was switched out is a slice too ("ready
 * (switched out)" after a slice switch: steal time; "waiting (switched
 * out)" after a wait switch), nested in the exit it happened in.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "riscv_names.h"

/* The pairing state of one vCPU on one hart (a thread track). */
struct track {
	uint16_t hart;
	uint8_t vm, vcpu;
	const struct tt_rec *entry; /* the open entry: guest running */
	const struct tt_rec *exit;  /* the open exit: hypervisor handling */
	const struct tt_rec *sbi, *mmio; /* handled during the open exit */
	const struct tt_rec *away;  /* the SWITCH that left it, not back */
};

/* The turns of a time-shared hart. */
struct hart_turns {
	uint16_t hart;
	const struct tt_rec *last;  /* its latest SWITCH */
	uint64_t end;		    /* time of its latest record */
};

struct tracks {
	struct track *t;
	size_t n, cap;
	struct hart_turns *h;	    /* harts with SWITCH records */
	size_t nh, caph;
};

/* tid of a hart's "vCPU on hart N" thread: above every vCPU thread's
 * (tid_of) for harts below 32767. */
#define OCC_TID 0x7fff0000u

/* Output state: where, how many, the dump's timebase and the
 * nanoseconds added to its times (a later boot's, tt_json_dump_at). */
struct jout {
	FILE *f;
	int *first;
	uint64_t hz;
	size_t dump;
	struct tt_json_counts *c;
	uint64_t shift_ns;
};

/* RFC 8259 section 7: '"', '\\' and the control characters U+0000 to
 * U+001F must be escaped; everything else may appear as it is. Section
 * 8.1: the text is UTF-8, so a byte that starts no well-formed UTF-8
 * sequence (a file name in Latin-1) is written U+FFFD. */
void tt_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = tt_exp_utf8_len(s);

		if (n == 0) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD in UTF-8 */
			n = 1;
		} else if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fwrite(s, 1, n, out);
		s += n;
	}
	fputc('"', out);
}

static uint32_t tid_of(uint16_t hart, uint8_t vm, uint8_t vcpu)
{
	return (uint32_t)hart * 65536u + (uint32_t)vm * 256u + vcpu + 1u;
}

/* Start an event: the separator, then the fields every event has. */
static void begin_event(struct jout *o, const char *ph, const char *name,
			const char *cat, uint16_t hart, uint32_t tid,
			uint64_t time)
{
	char ts[48];

	tt_exp_micros_ns(ts, sizeof(ts), tt_exp_ns(time, o->hz) + o->shift_ns);
	fprintf(o->f, "%s{\"ph\":\"%s\",\"name\":", *o->first ? "" : ",\n", ph);
	tt_json_string(o->f, name);
	if (cat)
		fprintf(o->f, ",\"cat\":\"%s\"", cat);
	fprintf(o->f, ",\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":%s", hart, tid,
		ts);
	*o->first = 0;
	o->c->events++;
}

/* Argument helpers: each writes ,"key":value inside "args". */
static void arg_hex(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
}

static void arg_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	tt_json_string(f, s);
}

static void arg_num(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, ",\"%s\":%" PRIu64, key, v);
}

/* The "vCPU on hart N" thread of a time-shared hart, first in its
 * process (sort index 0; the vCPU threads' are their tids). */
static void occupancy_name(struct jout *o, const struct tracks *ts,
			   uint16_t hart)
{
	size_t i = 0;

	while (i < ts->nh && ts->h[i].hart != hart)
		i++;
	if (i == ts->nh)
		return;
	fprintf(o->f, "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,"
		      "\"tid\":%u,\"ts\":0,\"args\":{\"name\":\"vCPU on hart "
		      "%u\"}},\n{\"ph\":\"M\",\"name\":\"thread_sort_index\","
		      "\"pid\":%u,\"tid\":%u,\"ts\":0,\"args\":{\"sort_index\":0}}",
		*o->first ? "" : ",\n", hart, OCC_TID + hart, hart, hart,
		OCC_TID + hart);
	*o->first = 0;
	o->c->events += 2;
}

/* The metadata events of one dump: a process per hart, a thread per vCPU,
 * ordered by number. Zero ts: metadata has no time, but every event
 * carries the common fields. */
static void metadata(struct jout *o, const struct tracks *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		const struct track *t = &ts->t[i];
		uint32_t tid = tid_of(t->hart, t->vm, t->vcpu);
		char name[48];
		int new_hart = 1;

		for (size_t k = 0; k < i; k++)
			if (ts->t[k].hart == t->hart)
				new_hart = 0;
		if (new_hart) {
			occupancy_name(o, ts, t->hart);
			snprintf(name, sizeof(name), "hart %u", t->hart);
			fprintf(o->f, "%s{\"ph\":\"M\",\"name\":\"process_name\","
				      "\"pid\":%u,\"tid\":0,\"ts\":0,\"args\":"
				      "{\"name\":\"%s\"}}",
				*o->first ? "" : ",\n", t->hart, name);
			fprintf(o->f, ",\n{\"ph\":\"M\",\"name\":"
				      "\"process_sort_index\",\"pid\":%u,"
				      "\"tid\":0,\"ts\":0,\"args\":"
				      "{\"sort_index\":%u}}",
				t->hart, t->hart);
			*o->first = 0;
			o->c->events += 2;
		}
		snprintf(name, sizeof(name), "vm%u-vcpu%u", t->vm, t->vcpu);
		fprintf(o->f, "%s{\"ph\":\"M\",\"name\":\"thread_name\","
			      "\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":0,"
			      "\"args\":{\"name\":\"%s\"}}",
			*o->first ? "" : ",\n", t->hart, tid, name);
		fprintf(o->f, ",\n{\"ph\":\"M\",\"name\":\"thread_sort_index\","
			      "\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":0,\"args\":"
			      "{\"sort_index\":%" PRIu32 "}}",
			t->hart, tid, tid);
		*o->first = 0;
		o->c->events += 2;
	}
}

/* The turns of a hart, created when new. */
static struct hart_turns *hart_turns(struct tracks *ts, uint16_t hart)
{
	for (size_t i = 0; i < ts->nh; i++)
		if (ts->h[i].hart == hart)
			return &ts->h[i];
	if (ts->nh == ts->caph) {
		ts->caph = ts->caph ? 2 * ts->caph : 4;
		ts->h = tt_xrealloc(ts->h, ts->caph, sizeof(*ts->h));
	}
	memset(&ts->h[ts->nh], 0, sizeof(ts->h[0]));
	ts->h[ts->nh].hart = hart;
	return &ts->h[ts->nh++];
}

/* The track of (hart, vm, vcpu), created when new. */
static struct track *track(struct tracks *ts, uint16_t hart, uint8_t vm,
			   uint8_t vcpu)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->t[i].hart == hart && ts->t[i].vm == vm &&
		    ts->t[i].vcpu == vcpu)
			return &ts->t[i];
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? 2 * ts->cap : 8;
		ts->t = tt_xrealloc(ts->t, ts->cap, sizeof(*ts->t));
	}
	memset(&ts->t[ts->n], 0, sizeof(ts->t[0]));
	ts->t[ts->n].hart = hart;
	ts->t[ts->n].vm = vm;
	ts->t[ts->n].vcpu = vcpu;
	return &ts->t[ts->n++];
}

/* "BASE.probe_extension(0x10, 0x0, 0x0) -> SBI_SUCCESS, 0x1". */
static void sbi_text(char *buf, size_t size, const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	const char *ext = tv_sbi_ext_name(eid), *fn = tv_sbi_func_name(eid, fid);
	const char *err = tv_sbi_error_name((int64_t)r->arg[4]);
	char e[24], f[24], x[24], note[96], args[64];

	tt_sbi_note(note, r);
	tt_sbi_args(args, r);
	snprintf(e, sizeof(e), "EID_0x%" PRIx64, eid);
	snprintf(f, sizeof(f), "FID_%" PRIu64, fid);
	snprintf(x, sizeof(x), "error %" PRId64, (int64_t)r->arg[4]);
	snprintf(buf, size,
		 "%s.%s(%s) -> %s, 0x%" PRIx64 "%s%s%s", ext ? ext : e, fn ? fn : f, args,
		 err ? err : x, tv_sbi_value(r), *note ? " [" : "", note, *note ? "]" : "");
}

/* "read 8 bytes gpa=0x10010000 -> 0x..." */
static void mmio_text(char *buf, size_t size, const struct tv_record *r)
{
	unsigned width = TV_MMIO_WIDTH(r->arg[2]);
	int write = TV_MMIO_WRITE(r->arg[2]);

	snprintf(buf, size, "%s %u byte%s gpa=0x%" PRIx64 " %s 0x%" PRIx64,
		 write ? "write" : "read", width, width == 1 ? "" : "s",
		 r->arg[0], write ? "<-" : "->", r->arg[1]);
}

/* The args of an exit: what the handling slice (or the instant of an
 * unpaired exit) shows. "dump" is the exit's own dump (in a --join
 * trace, the one of the log that carried it). */
static void exit_args(FILE *f, const struct track *t)
{
	const struct tv_record *r = &t->exit->r;
	char text[272];
	uint64_t gpa;
	uint32_t insn;

	fprintf(f, ",\"args\":{\"dump\":%" PRIu32, t->exit->dump);
	arg_hex(f, "sepc", r->arg[0]);
	arg_hex(f, "scause", r->arg[1]);
	arg_hex(f, "stval", r->arg[2]);
	if (tt_exp_gpa(r, &gpa))
		arg_hex(f, "gpa", gpa);
	if (r->arg[4])
		arg_hex(f, "htinst", r->arg[4]);
	if (tt_exp_insn(r, &insn)) {
		tt_exp_mnemonic(insn, text, sizeof(text));
		arg_str(f, "insn", text);
	}
	tv_cause_describe(r->arg[1], text, sizeof(text));
	arg_str(f, "cause", text);
	if (t->sbi) {
		sbi_text(text, sizeof(text), &t->sbi->r);
		arg_str(f, "sbi", text);
	}
	if (t->mmio) {
		mmio_text(text, sizeof(text), &t->mmio->r);
		arg_str(f, "mmio", text);
	}
	fprintf(f, "}}");
}

/* The name of an exit's slice: its reason's short name. */
static void exit_name(char *buf, size_t size, const struct tv_record *r)
{
	tv_cause_short_describe(r->arg[1], buf, size);
}

/* entry -> exit: the guest ran. */
static void guest_slice(struct jout *o, const struct track *t,
			const struct tt_rec *exit)
{
	char dur[48];

	if (!tt_exp_keep(t->entry))
		return;
	begin_event(o, "X", "guest", "guest", t->hart,
		    tid_of(t->hart, t->vm, t->vcpu), t->entry->r.time);
	tt_exp_micros(dur, sizeof(dur), exit->r.time - t->entry->r.time, o->hz);
	fprintf(o->f, ",\"dur\":%s,\"args\":{\"pc\":\"0x%" PRIx64 "\"", dur,
		t->entry->r.arg[0]);
	if (t->entry->r.arg[1])
		arg_hex(o->f, "hvip", t->entry->r.arg[1]);
	fprintf(o->f, "}}");
	o->c->guest_slices++;
}

/* exit -> entry: the hypervisor handled the exit. */
static void handling_slice(struct jout *o, const struct track *t,
			   const struct tt_rec *entry)
{
	char name[40], dur[48];

	if (!tt_exp_keep(t->exit))
		return;
	exit_name(name, sizeof(name), &t->exit->r);
	begin_event(o, "X", name, "hypervisor", t->hart,
		    tid_of(t->hart, t->vm, t->vcpu), t->exit->r.time);
	tt_exp_micros(dur, sizeof(dur), entry->r.time - t->exit->r.time, o->hz);
	fprintf(o->f, ",\"dur\":%s", dur);
	exit_args(o->f, t);
	o->c->handling_slices++;
}

/* Start an instant event; the caller writes the args and closes it. */
static void instant(struct jout *o, const char *name, const char *cat,
		    const struct tt_rec *r, int process_wide)
{
	begin_event(o, "i", name, cat, r->hart,
		    tid_of(r->hart, r->r.vm, r->r.vcpu), r->r.time);
	fprintf(o->f, ",\"s\":\"%s\",\"args\":{\"dump\":%" PRIu32, process_wide ? "p" : "t",
		r->dump);
	o->c->instants++;
}

/* An exit whose entry never came (the guest stopped, or the pairing
 * broke): an instant with the exit's args. */
static void unpaired_exit(struct jout *o, struct track *t)
{
	char name[40];

	if (!tt_exp_keep(t->exit)) {
		t->exit = t->sbi = t->mmio = NULL;
		return;
	}
	exit_name(name, sizeof(name), &t->exit->r);
	begin_event(o, "i", name, "exit", t->hart,
		    tid_of(t->hart, t->vm, t->vcpu), t->exit->r.time);
	fprintf(o->f, ",\"s\":\"t\"");
	exit_args(o->f, t);
	o->c->instants++;
	o->c->unpaired_exits++;
	t->exit = t->sbi = t->mmio = NULL;
}

/* Forget the open entries and exits of a hart (a loss, tracing control:
 * all; a guest stop: its VM's): no slice may span it. */
static void break_hart(struct jout *o, struct tracks *ts, uint16_t hart,
		       int all, uint8_t vm)
{
	for (size_t i = 0; i < ts->n; i++) {
		struct track *t = &ts->t[i];

		if (t->hart != hart || (!all && t->vm != vm))
			continue;
		if (t->exit)
			unpaired_exit(o, t);
		t->entry = NULL;
	}
}

/* "vm1-vcpu0" of a SWITCH's incoming vCPU. */
static void next_name(char *buf, size_t size, const struct tv_record *r)
{
	snprintf(buf, size, "vm%" PRIu64 "-vcpu%" PRIu64, r->arg[0], r->arg[1]);
}

void tt_json_counts_free(struct tt_json_counts *c)
{
	free(c->turn_ends);
	c->turn_ends = NULL;
	c->nturn_ends = 0;
}

/* Where the last turn written on a hart ended, created (0) when new. */
static uint64_t *turn_end(struct tt_json_counts *c, uint16_t hart)
{
	for (size_t i = 0; i < c->nturn_ends; i++)
		if (c->turn_ends[i].hart == hart)
			return &c->turn_ends[i].end;
	c->turn_ends = tt_xrealloc(c->turn_ends, c->nturn_ends + 1,
				   sizeof(*c->turn_ends));
	c->turn_ends[c->nturn_ends].hart = hart;
	c->turn_ends[c->nturn_ends].end = 0;
	return &c->turn_ends[c->nturn_ends++].end;
}

/* A turn of a vCPU on a time-shared hart: a slice on the hart's "vCPU on
 * hart N" thread from `from` to `to`, named after the vCPU. Slices on one
 * track must nest or follow each other: a turn the dump before (--all)
 * drew up to its end starts here where that one ended, when that end is
 * inside this turn (a later boot's dump, whose time starts again, is left
 * as it is). */
static void turn_slice(struct jout *o, uint16_t hart, uint8_t vm, uint8_t vcpu,
		       uint64_t from, uint64_t to, const struct tt_rec *sw)
{
	char name[32], dur[48];
	uint64_t *end = turn_end(o->c, hart);

	if (*end > from && *end <= to)
		from = *end;
	*end = to;
	snprintf(name, sizeof(name), "vm%u-vcpu%u", vm, vcpu);
	begin_event(o, "X", name, "sched", hart, OCC_TID + hart, from);
	tt_exp_micros(dur, sizeof(dur), to - from, o->hz);
	fprintf(o->f, ",\"dur\":%s,\"args\":{\"dump\":%zu", dur,
		sw ? (size_t)sw->dump : o->dump); /* the dump of the switch that ended it */
	if (sw) {
		const char *why = tv_switch_name(sw->r.arg[2]);

		next_name(name, sizeof(name), &sw->r);
		arg_str(o->f, "ended", why ? why : "unknown reason");
		arg_str(o->f, "next", name);
		arg_num(o->f, "ran_ticks", sw->r.arg[3]);
	} else {
		arg_str(o->f, "ended", "not before the end of the dump");
	}
	fprintf(o->f, "}}");
	o->c->turns++;
}

/* The time a vCPU was switched out, on its own thread: from the SWITCH
 * that left it (t->away) to the one that gave the hart back (back). */
static void away_slice(struct jout *o, struct track *t, const struct tt_rec *back)
{
	const struct tv_record *out = &t->away->r;
	const char *why = tv_switch_name(out->arg[2]);
	char dur[48], next[32];

	begin_event(o, "X",
		    out->arg[2] == TV_SWITCH_SLICE  ? "ready (switched out)"
		    : out->arg[2] == TV_SWITCH_WAIT ? "waiting (switched out)"
						    : "switched out",
		    "sched", t->hart, tid_of(t->hart, t->vm, t->vcpu), out->time);
	tt_exp_micros(dur, sizeof(dur), back->r.time - out->time, o->hz);
	next_name(next, sizeof(next), out);
	fprintf(o->f, ",\"dur\":%s,\"args\":{\"dump\":%" PRIu32, dur, back->dump);
	arg_str(o->f, "reason", why ? why : "unknown");
	arg_str(o->f, "hart_went_to", next);
	fprintf(o->f, "}}");
	o->c->away_slices++;
}

/* A SWITCH: the outgoing vCPU's turn ends, it is away from now on; the
 * incoming one, if away, is back. */
static void on_switch(struct jout *o, struct tracks *ts, struct track *t,
		      const struct tt_rec *r)
{
	struct hart_turns *h = hart_turns(ts, r->hart);
	uint64_t from = r->r.arg[3] <= r->r.time ? r->r.time - r->r.arg[3] : 0;

	for (size_t i = 0; i < ts->n; i++) {
		struct track *in = &ts->t[i];

		if (in->hart == r->hart && in->vm == r->r.arg[0] &&
		    in->vcpu == r->r.arg[1] && in->away) {
			if (tt_exp_keep(in->away) &&
			    r->r.time >= in->away->r.time)
				away_slice(o, in, r);
			in->away = NULL;
		}
	}
	if (h->last && from < h->last->r.time)
		from = h->last->r.time;
	if (tt_exp_keep(r))
		turn_slice(o, r->hart, r->r.vm, r->r.vcpu, from, r->r.time, r);
	h->last = r;
	t->away = r;
}

/* The turn still going at the end of the dump, on each time-shared
 * hart: the last incoming vCPU's, up to the hart's last record. */
static void last_turns(struct jout *o, struct tracks *ts)
{
	for (size_t i = 0; i < ts->nh; i++) {
		const struct hart_turns *h = &ts->h[i];
		const struct tv_record *r = h->last ? &h->last->r : NULL;

		if (!r || h->end <= r->time || !tt_exp_keep(h->last) ||
		    r->arg[0] > UINT8_MAX || r->arg[1] > UINT8_MAX)
			continue;
		turn_slice(o, h->hart, (uint8_t)r->arg[0], (uint8_t)r->arg[1],
			   r->time, h->end, NULL);
	}
}

static void on_exit(struct jout *o, struct track *t, const struct tt_rec *r)
{
	if (t->exit)
		unpaired_exit(o, t);
	if (t->entry)
		guest_slice(o, t, r);
	t->entry = NULL;
	t->exit = r;
	t->sbi = t->mmio = NULL;
}

static void on_entry(struct jout *o, struct track *t, const struct tt_rec *r)
{
	if (t->exit)
		handling_slice(o, t, r);
	t->exit = t->sbi = t->mmio = NULL;
	t->entry = r;
}

/* SBI or MMIO: part of the open exit's slice, else an instant. */
static void on_handled(struct jout *o, struct track *t, const struct tt_rec *r)
{
	char text[272];

	if (t->exit) {
		if (r->r.kind == TV_KIND_SBI)
			t->sbi = r;
		else
			t->mmio = r;
		return;
	}
	if (!tt_exp_keep(r))
		return;
	if (r->r.kind == TV_KIND_SBI) {
		sbi_text(text, sizeof(text), &r->r);
		instant(o, "sbi", "sbi", r, 0);
	} else {
		mmio_text(text, sizeof(text), &r->r);
		instant(o, "mmio", "mmio", r, 0);
	}
	arg_str(o->f, "call", text);
	fprintf(o->f, "}}");
}

static void on_irq(struct jout *o, const struct tt_rec *r)
{
	char shrt[32], name[48];

	tv_cause_short_describe(r->r.arg[0], shrt, sizeof(shrt));
	snprintf(name, sizeof(name), "%s %s", r->r.arg[2] ? "raise" : "lower",
		 shrt);
	instant(o, name, "irq", r, 0);
	arg_hex(o->f, "cause", r->r.arg[0]);
	arg_hex(o->f, "hvip", r->r.arg[1]);
	fprintf(o->f, "}}");
}

static void on_exc(struct jout *o, const struct tt_rec *r)
{
	char shrt[32], name[48], desc[64];

	tv_cause_short_describe(r->r.arg[0], shrt, sizeof(shrt));
	tv_cause_describe(r->r.arg[0], desc, sizeof(desc));
	snprintf(name, sizeof(name), "inject %s", shrt);
	instant(o, name, "exc", r, 0);
	arg_hex(o->f, "cause", r->r.arg[0]);
	arg_str(o->f, "description", desc);
	arg_hex(o->f, "tval", r->r.arg[1]);
	arg_hex(o->f, "epc", r->r.arg[2]);
	arg_hex(o->f, "vstvec", r->r.arg[3]);
	fprintf(o->f, "}}");
}

static void on_mark(struct jout *o, const struct tt_rec *r)
{
	instant(o, "mark", "mark", r, 0);
	arg_hex(o->f, "value", r->r.arg[0]);
	fprintf(o->f, "}}");
	o->c->marks++;
}

static void on_lost(struct jout *o, const struct tt_rec *r)
{
	int unknown;
	uint64_t n = tt_exp_lost(r, &unknown);

	instant(o, unknown ? "records lost (count unknown)" : "records lost",
		"lost", r, 1);
	if (!unknown)
		arg_num(o->f, "count", n);
	if (r->origin == TT_GAP_UNSENT)
		arg_num(o->f, "unsent_told_by_frame", r->gap_first);
	else if (r->origin != TT_FROM_DUMP) {
		arg_num(o->f, "missing_frames_first", r->gap_first);
		arg_num(o->f, "missing_frames_last", r->gap_last);
	}
	fprintf(o->f, "}}");
}

static void on_control(struct jout *o, const struct tt_rec *r)
{
	const char *what = tv_control_name(r->r.arg[0]);
	char name[48];

	snprintf(name, sizeof(name), "tracing %s", what ? what : "control");
	instant(o, name, "control", r, 1);
	arg_num(o->f, "what", r->r.arg[0]);
	arg_hex(o->f, "value", r->r.arg[1]);
	fprintf(o->f, "}}");
}

static void on_stop(struct jout *o, const struct tt_rec *r)
{
	const char *why = tv_stop_name(r->r.arg[0]);

	instant(o, "guest stopped", "stop", r, 0);
	if (why)
		arg_str(o->f, "reason", why);
	else
		arg_num(o->f, "reason", r->r.arg[0]);
	arg_hex(o->f, "detail", r->r.arg[1]);
	fprintf(o->f, "}}");
}

/* One record, in time order. */
static void on_record(struct jout *o, struct tracks *ts, const struct tt_rec *r)
{
	struct track *t = track(ts, r->hart, r->r.vm, r->r.vcpu);
	int keep = tt_exp_keep(r);

	for (size_t i = 0; i < ts->nh; i++)
		if (ts->h[i].hart == r->hart && r->r.time > ts->h[i].end)
			ts->h[i].end = r->r.time;
	if (r->origin != TT_FROM_DUMP || r->r.kind == TV_KIND_LOST) {
		/* The SWITCH back may be among the records lost. */
		for (size_t i = 0; i < ts->n; i++)
			if (ts->t[i].hart == r->hart)
				ts->t[i].away = NULL;
	}
	if (r->origin != TT_FROM_DUMP) {
		break_hart(o, ts, r->hart, 1, 0);
		if (keep)
			on_lost(o, r);
		return;
	}
	switch (r->r.kind) {
	case TV_KIND_EXIT:
		on_exit(o, t, r);
		break;
	case TV_KIND_ENTRY:
		on_entry(o, t, r);
		break;
	case TV_KIND_SBI:
	case TV_KIND_MMIO:
		on_handled(o, t, r);
		break;
	case TV_KIND_IRQ:
		if (keep)
			on_irq(o, r);
		break;
	case TV_KIND_EXC:
		if (keep)
			on_exc(o, r);
		break;
	case TV_KIND_MARK:
		if (keep)
			on_mark(o, r);
		break;
	case TV_KIND_LOST:
		break_hart(o, ts, r->hart, 1, 0);
		if (keep)
			on_lost(o, r);
		break;
	case TV_KIND_CONTROL:
		break_hart(o, ts, r->hart, 1, 0);
		if (keep)
			on_control(o, r);
		break;
	case TV_KIND_STOP:
		break_hart(o, ts, r->hart, 0, r->r.vm);
		if (keep)
			on_stop(o, r);
		break;
	case TV_KIND_SWITCH:
		on_switch(o, ts, t, r);
		break;
	}
}

void tt_json_dump(FILE *out, struct tt_dump *d, size_t number, int *first,
		  struct tt_json_counts *counts)
{
	tt_json_dump_at(out, d, number, first, counts, 0);
}

void tt_json_dump_at(FILE *out, struct tt_dump *d, size_t number, int *first,
		     struct tt_json_counts *counts, uint64_t shift_ns)
{
	struct tracks ts = {0};
	struct jout o = {out, first, tt_timebase(d), number, counts, shift_ns};

	tt_sort(d);
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *r = &d->recs[d->order[i]];

		if (tt_exp_keep(r))
			track(&ts, r->hart, r->r.vm, r->r.vcpu);
		if (tt_exp_keep(r) && r->origin == TT_FROM_DUMP &&
		    r->r.kind == TV_KIND_SWITCH)
			hart_turns(&ts, r->hart);
	}
	metadata(&o, &ts);
	for (size_t i = 0; i < d->nrecs; i++)
		on_record(&o, &ts, &d->recs[d->order[i]]);
	for (size_t i = 0; i < ts.n; i++)
		if (ts.t[i].exit)
			unpaired_exit(&o, &ts.t[i]);
	last_turns(&o, &ts);
	free(ts.t);
	free(ts.h);
}
