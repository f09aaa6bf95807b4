/*
 * --ctf DIR: the dump as a Common Trace Format 1.8 trace (diamon.org/ctf,
 * "Common Trace Format (CTF) Specification v1.8.3"), which babeltrace2,
 * Trace Compass and other CTF readers open:
 *
 *   DIR/metadata       TSDL text: trace, env, clock, stream and one event
 *                      class per record kind
 *   DIR/stream_hart0   binary packets of hart 0's records, and so on
 *
 * Layout (all little-endian, every field byte-aligned):
 *   packet header   u32 magic 0xC1FC1FC1, u8 uuid[16], u32 stream_id 0,
 *                   u64 stream_instance_id = hart
 *   packet context  u64 timestamp_begin, timestamp_end (clock ticks),
 *                   u64 content_size, packet_size (bits), u64
 *                   packet_seq_num, u64 events_discarded, u32 cpu_id
 *   event header    u16 id (= the record kind), u64 timestamp
 *   event context   u8 vm, u8 vcpu, u64 cycle
 *   event payload   the fields of the kind's event class (classes[])
 *
 * Losses: CTF 1.8 section 5 makes events_discarded a per-stream count
 * that "can be used to determine the number of events discarded" between
 * packets (a snapshot, cumulative from the stream's start): a reader
 * places a packet's growth of the count between the end of the packet
 * before and its own end (babeltrace2: "Tracer discarded N events
 * between [A] and [B]"). So each LOST record ends the open packet and
 * gets an empty packet of its own, at its time, with the count grown by
 * its records: the loss then lies between the last event before it and
 * its own time, not anywhere in the next packet's events. A stream whose
 * first record is a loss gets one more empty packet before that, as a
 * count in the first packet says nothing about where the loss was.
 * Frames missing from the log whose record count is unknown skip
 * packet_seq_num by the number of missing frames ("Tracer discarded N
 * packets"), in the same place. LOST records themselves are not events.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "insn.h"
#include "riscv_names.h"

#define CTF_MAGIC 0xC1FC1FC1u	/* CTF 1.8 section 5, "magic number" */
#define HEADER_BYTES 32		/* packet header */
#define CONTEXT_BYTES 52	/* packet context */

/* Field types of the event classes. */
enum ftype {
	F_U8,	/* unsigned, decimal */
	F_U32,	/* unsigned, decimal */
	F_U64,	/* unsigned, decimal */
	F_X32,	/* unsigned, hexadecimal */
	F_X64,	/* unsigned, hexadecimal */
	F_I64,	/* signed, decimal */
	F_STR,	/* NUL-terminated UTF-8 */
	F_DIR,	/* enum of u8: read 0, write 1 */
	F_CTL,	/* enum of u64: TV_CTL_* */
	F_STOP, /* enum of u64: TV_STOP_* */
	F_SWITCH, /* enum of u64: TV_SWITCH_* */
};

struct field {
	const char *name;
	uint8_t type;
};

#define MAX_FIELDS 10

/* One event class per record kind that is an event (not LOST). Its id is
 * the kind number. */
struct ev_class {
	unsigned kind;
	const char *name;
	struct field f[MAX_FIELDS];
	unsigned n;
};

static const struct ev_class classes[] = {
	{TV_KIND_EXIT, "kvm_exit",
	 {{"sepc", F_X64}, {"scause", F_X64}, {"stval", F_X64},
	  {"htval", F_X64}, {"htinst", F_X64}, {"insn", F_X64},
	  {"gpa", F_X64}, {"insn_valid", F_U8}, {"reason", F_STR},
	  {"mnemonic", F_STR}},
	 10},
	{TV_KIND_ENTRY, "kvm_entry", {{"pc", F_X64}, {"hvip", F_X64}}, 2},
	{TV_KIND_SBI, "tv_sbi",
	 {{"eid", F_X64}, {"fid", F_U64}, {"a0", F_X64}, {"a1", F_X64},
	  {"a2", F_X64}, {"error", F_I64}, {"value", F_X64},
	  {"extension", F_STR}, {"function", F_STR}, {"error_name", F_STR}},
	 10},
	{TV_KIND_MMIO, "tv_mmio",
	 {{"gpa", F_X64}, {"value", F_X64}, {"width", F_U8}, {"dir", F_DIR},
	  {"sign_extend", F_U8}, {"reg", F_U8}, {"insn", F_X32},
	  {"mnemonic", F_STR}, {"device", F_U64}},
	 9},
	{TV_KIND_IRQ, "tv_irq",
	 {{"cause", F_X64}, {"hvip", F_X64}, {"raised", F_U8},
	  {"name", F_STR}},
	 4},
	{TV_KIND_EXC, "tv_exc",
	 {{"cause", F_X64}, {"tval", F_X64}, {"epc", F_X64},
	  {"vstvec", F_X64}, {"name", F_STR}},
	 5},
	{TV_KIND_MARK, "tv_mark", {{"value", F_X64}}, 1},
	{TV_KIND_CONTROL, "tv_control", {{"what", F_CTL}, {"value", F_X64}},
	 2},
	{TV_KIND_STOP, "tv_stop", {{"reason", F_STOP}, {"detail", F_X64}},
	 2},
	/* The hart leaves the event's vCPU (its context: vm, vcpu) for
	 * next_vm/next_vcpu, as Linux's sched_switch names prev and next. */
	{TV_KIND_SWITCH, "tv_switch",
	 {{"next_vm", F_U8}, {"next_vcpu", F_U8}, {"reason", F_SWITCH},
	  {"ran", F_U64}, {"hgatp", F_X64}, {"vmid", F_U32},
	  {"flushed", F_U8}, {"prev", F_STR}, {"next", F_STR}},
	 9},
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

/* The event class of a kind, or NULL (LOST, unknown kinds). */
static const struct ev_class *class_of(unsigned kind)
{
	for (size_t i = 0; i < NCLASSES; i++)
		if (classes[i].kind == kind)
			return &classes[i];
	return NULL;
}

/* ---------------------------------------------------------------- bytes */

static void buf_put(struct tt_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = tt_xrealloc(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* An unsigned integer of `bytes` bytes, little-endian (the trace's
 * byte_order = le). */
static void buf_uint(struct tt_buf *b, uint64_t v, unsigned bytes)
{
	uint8_t le[8];

	for (unsigned i = 0; i < bytes; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	buf_put(b, le, bytes);
}

/* A CTF string: UTF-8 bytes and a terminating NUL (CTF 1.8 section
 * 4.2.5). */
static void buf_str(struct tt_buf *b, const char *s)
{
	buf_put(b, s, strlen(s) + 1);
}

/* -------------------------------------------------------------- payload */

/* The values of one event's fields, in the class's order. */
struct values {
	uint64_t u[MAX_FIELDS];
	char s[MAX_FIELDS][96];
};

static void name_of_cause(char *buf, uint64_t cause)
{
	tv_cause_short_describe(cause, buf, 96);
}

static void exit_values(struct values *v, const struct tv_record *r)
{
	uint32_t insn;

	for (int i = 0; i < 5; i++)
		v->u[i] = r->arg[i];
	if (tt_exp_insn(r, &insn)) {
		v->u[5] = insn;
		v->u[7] = 1;
		tt_exp_mnemonic(insn, v->s[9], sizeof(v->s[9]));
	}
	tt_exp_gpa(r, &v->u[6]);
	name_of_cause(v->s[8], r->arg[1]);
}

static void sbi_values(struct values *v, const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	const char *ext = tv_sbi_ext_name(eid), *fn = tv_sbi_func_name(eid, fid);
	const char *err = tv_sbi_error_name((int64_t)r->arg[4]);

	v->u[0] = eid;
	v->u[1] = fid;
	for (int i = 1; i < 6; i++)
		v->u[i + 1] = r->arg[i];
	v->u[6] = tv_sbi_value(r);
	snprintf(v->s[7], sizeof(v->s[7]), "%s", ext ? ext : "");
	snprintf(v->s[8], sizeof(v->s[8]), "%s", fn ? fn : "");
	snprintf(v->s[9], sizeof(v->s[9]), "%s", err ? err : "");
}

static void mmio_values(struct values *v, const struct tv_record *r)
{
	uint64_t info = r->arg[2];
	uint32_t insn;

	v->u[0] = r->arg[0];
	v->u[1] = r->arg[1];
	v->u[2] = TV_MMIO_WIDTH(info);
	v->u[3] = TV_MMIO_WRITE(info);
	v->u[4] = TV_MMIO_SIGN(info);
	v->u[5] = TV_MMIO_REG(info);
	if (tt_exp_insn(r, &insn)) {
		v->u[6] = insn;
		tt_exp_mnemonic(insn, v->s[7], sizeof(v->s[7]));
	}
	v->u[8] = r->arg[4];
}

/* A switch: next vCPU, reason, ticks the previous one ran (the clock's
 * ticks), the next vCPU's hgatp and its VMID (hgatp bits 57:44), whether
 * the G-stage TLB was flushed, and both vCPUs by name. */
static void switch_values(struct values *v, const struct tv_record *r)
{
	v->u[0] = r->arg[0];
	v->u[1] = r->arg[1];
	v->u[2] = r->arg[2];
	v->u[3] = r->arg[3];
	v->u[4] = r->arg[4];
	v->u[5] = tt_hgatp_vmid(r->arg[4]);
	v->u[6] = r->arg[5] != 0;
	snprintf(v->s[7], sizeof(v->s[7]), "vm%u-vcpu%u", r->vm, r->vcpu);
	snprintf(v->s[8], sizeof(v->s[8]), "vm%" PRIu64 "-vcpu%" PRIu64,
		 r->arg[0], r->arg[1]);
}

/* Fill the values of a record's event. */
static void fill_values(struct values *v, const struct tv_record *r)
{
	memset(v, 0, sizeof(*v));
	switch (r->kind) {
	case TV_KIND_EXIT:
		exit_values(v, r);
		break;
	case TV_KIND_SBI:
		sbi_values(v, r);
		break;
	case TV_KIND_MMIO:
		mmio_values(v, r);
		break;
	case TV_KIND_IRQ:
		v->u[0] = r->arg[0];
		v->u[1] = r->arg[1];
		/* raised: how, as recorded (TV_IRQ_*: 0 lowered, 1 through
		 * hvip, 2 through vstimecmp); a value no hypervisor writes is
		 * "raised" as for the views, which take nonzero as raised. */
		v->u[2] = r->arg[2] <= TV_IRQ_RAISED_VSTIMECMP ? r->arg[2]
							      : TV_IRQ_RAISED;
		name_of_cause(v->s[3], r->arg[0]);
		break;
	case TV_KIND_EXC:
		for (int i = 0; i < 4; i++)
			v->u[i] = r->arg[i];
		name_of_cause(v->s[4], r->arg[0]);
		break;
	case TV_KIND_SWITCH:
		switch_values(v, r);
		break;
	default: /* ENTRY, MARK, CONTROL, STOP: the arguments as they are */
		for (int i = 0; i < TV_NARGS && i < MAX_FIELDS; i++)
			v->u[i] = r->arg[i];
	}
}

/* The size in bytes of an integer field type. */
static unsigned type_bytes(unsigned type)
{
	switch (type) {
	case F_U8:
	case F_DIR:
		return 1;
	case F_U32:
	case F_X32:
		return 4;
	default:
		return 8;
	}
}

int tt_ctf_event(struct tt_buf *b, const struct tt_rec *t)
{
	const struct ev_class *c = class_of(t->r.kind);
	struct values v;

	if (!c || t->origin != TT_FROM_DUMP)
		return -1;
	fill_values(&v, &t->r);
	buf_uint(b, c->kind, 2);	/* event header: id */
	buf_uint(b, t->r.time, 8);	/* event header: timestamp */
	buf_uint(b, t->r.vm, 1);	/* event context */
	buf_uint(b, t->r.vcpu, 1);
	buf_uint(b, t->r.cycle, 8);
	for (unsigned i = 0; i < c->n; i++) {
		if (c->f[i].type == F_STR)
			buf_str(b, v.s[i]);
		else
			buf_uint(b, v.u[i], type_bytes(c->f[i].type));
	}
	return 0;
}

/* --------------------------------------------------------------- packets */

static void add_event(struct tt_ctf_plan *p, size_t rec)
{
	if (p->nevents == p->cap_events) {
		p->cap_events = p->cap_events ? 2 * p->cap_events : 256;
		p->events = tt_xrealloc(p->events, p->cap_events,
					sizeof(*p->events));
	}
	p->events[p->nevents++] = rec;
}

/* Append a packet of the events [first, nevents) with the stream's
 * current loss count. */
static struct tt_ctf_packet *add_packet(struct tt_ctf_plan *p, size_t first,
					uint64_t ts, uint64_t *seq)
{
	struct tt_ctf_packet *k;

	if (p->npackets == p->cap_packets) {
		p->cap_packets = p->cap_packets ? 2 * p->cap_packets : 16;
		p->packets = tt_xrealloc(p->packets, p->cap_packets,
					 sizeof(*p->packets));
	}
	k = &p->packets[p->npackets++];
	k->first = first;
	k->count = 0;
	k->ts_begin = k->ts_end = ts;
	k->seq_num = (*seq)++;
	k->discarded = p->lost;
	return k;
}

/* The ring's own count of a hart's losses in this dump beyond its LOST
 * records (the same rule as --summary: the larger of the two counts). */
static uint64_t ring_shortfall(const struct tt_dump *d, uint16_t hart,
			       uint64_t in_records)
{
	for (size_t i = 0; i < d->ntotals; i++) {
		uint64_t ring = tv_filter_ring_lost(&tt_filter, &d->totals[i]);

		if (d->totals[i].hart == hart && ring > in_records)
			return ring - in_records;
	}
	return 0;
}

void tt_ctf_plan(struct tt_ctf_plan *p, struct tt_dump *d, uint16_t hart)
{
	struct tt_ctf_packet *open = NULL;
	uint64_t seq = 0, in_records = 0, last_time = 0, extra;

	memset(p, 0, sizeof(*p));
	p->recs = d->recs;
	tt_sort(d);
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[d->order[i]];
		int unknown;
		uint64_t n;

		if (t->hart != hart || !tt_exp_keep(t))
			continue;
		last_time = t->r.time;
		if (t->r.kind == TV_KIND_LOST || t->origin != TT_FROM_DUMP) {
			n = tt_exp_lost(t, &unknown);
			/* The packet before the loss, empty when none. */
			if (p->npackets == 0)
				add_packet(p, p->nevents, t->r.time, &seq);
			open = NULL;
			if (unknown) {
				uint64_t frames = (uint64_t)t->gap_last -
						  t->gap_first + 1;

				seq += frames;
				p->lost_packets += frames;
			} else {
				p->lost += n;
			}
			if (t->origin == TT_FROM_DUMP)
				in_records += n;
			/* the loss's own packet, at its time */
			add_packet(p, p->nevents, t->r.time, &seq);
			continue;
		}
		if (!class_of(t->r.kind))
			continue;
		if (!open)
			open = add_packet(p, p->nevents, t->r.time, &seq);
		add_event(p, d->order[i]);
		open->count++;
		open->ts_end = t->r.time;
		if (open->count == TT_CTF_PACKET_EVENTS)
			open = NULL;
	}
	extra = ring_shortfall(d, hart, in_records);
	if (extra) {
		if (p->npackets == 0)
			add_packet(p, p->nevents, last_time, &seq);
		p->lost += extra;
	}
	/* A loss (or skipped packets) after the last packet, or a stream
	 * with no packet at all: an empty packet at the end carries it. */
	if (p->npackets == 0 ||
	    p->packets[p->npackets - 1].discarded != p->lost ||
	    p->packets[p->npackets - 1].seq_num + 1 != seq)
		add_packet(p, p->nevents, last_time, &seq);
}

void tt_ctf_plan_free(struct tt_ctf_plan *p)
{
	free(p->events);
	free(p->packets);
	memset(p, 0, sizeof(*p));
}

void tt_ctf_packet(struct tt_buf *b, const struct tt_ctf_plan *p, size_t k,
		   const uint8_t uuid[16], uint16_t hart)
{
	const struct tt_ctf_packet *pk = &p->packets[k];
	struct tt_buf ev = {0};
	uint64_t bits;

	for (size_t i = 0; i < pk->count; i++)
		tt_ctf_event(&ev, &p->recs[p->events[pk->first + i]]);
	bits = (uint64_t)(HEADER_BYTES + CONTEXT_BYTES + ev.len) * 8;
	buf_uint(b, CTF_MAGIC, 4);	/* packet header */
	buf_put(b, uuid, 16);
	buf_uint(b, 0, 4);		/* stream_id */
	buf_uint(b, hart, 8);		/* stream_instance_id */
	buf_uint(b, pk->ts_begin, 8);	/* packet context */
	buf_uint(b, pk->ts_end, 8);
	buf_uint(b, bits, 8);		/* content_size */
	buf_uint(b, bits, 8);		/* packet_size: no padding */
	buf_uint(b, pk->seq_num, 8);
	buf_uint(b, pk->discarded, 8);
	buf_uint(b, hart, 4);		/* cpu_id */
	if (ev.len)
		buf_put(b, ev.p, ev.len);
	free(ev.p);
}

/* -------------------------------------------------------------- metadata */

/* A TSDL string literal's contents: '"' and '\\' escaped, control
 * characters replaced (TSDL strings follow C's escape rules). Readers
 * decode the metadata as UTF-8 text, so a byte that starts no
 * well-formed UTF-8 sequence (a log named in Latin-1) is written
 * U+FFFD. */
static void tsdl_string(FILE *out, const char *s)
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
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else
			fwrite(s, 1, n, out);
		s += n;
	}
	fputc('"', out);
}

static void put_uuid(FILE *out, const uint8_t u[16])
{
	for (int i = 0; i < 16; i++)
		fprintf(out, "%02x%s", u[i],
			i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
}

/* The TSDL type of a field type (typealiases of the metadata's head). */
static const char *tsdl_type(unsigned type)
{
	static const char *const names[] = {
		[F_U8] = "uint8_t",   [F_U32] = "uint32_t", [F_U64] = "uint64_t",
		[F_X32] = "x32_t",    [F_X64] = "x64_t",    [F_I64] = "int64_t",
		[F_STR] = "string",   [F_DIR] = "enum : uint8_t { read = 0, write = 1 }",
		[F_CTL] = "enum : uint64_t { start = 1, stop = 2, filter = 3 }",
		[F_STOP] = ("enum : uint64_t { shutdown = 1, reboot = 2, "
			    "guest_fault = 3, hypervisor_fault = 4, console = 5 }"),
		[F_SWITCH] = "enum : uint64_t { slice = 1, wait = 2, stop = 3 }",
	};
	return names[type];
}

/* Integer types: CTF 1.8 section 4.1.5; base 16 makes readers show the
 * addresses and CSR values in hexadecimal. */
static const char tsdl_head[] =
	"/* CTF 1.8 */\n"
	"\n"
	"/* tracevisor trace dump, written by tvtrace --ctf "
	"(docs/exports.md) */\n"
	"\n"
	"typealias integer { size = 8; align = 8; signed = false; } := "
	"uint8_t;\n"
	"typealias integer { size = 16; align = 8; signed = false; } := "
	"uint16_t;\n"
	"typealias integer { size = 32; align = 8; signed = false; } := "
	"uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := "
	"uint64_t;\n"
	"typealias integer { size = 64; align = 8; signed = true; } := "
	"int64_t;\n"
	"typealias integer { size = 32; align = 8; signed = false; base = 16; "
	"} := x32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; base = 16; "
	"} := x64_t;\n"
	"\n";

static void tsdl_trace(FILE *out, const uint8_t uuid[16])
{
	fprintf(out, "trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = \"");
	put_uuid(out, uuid);
	fprintf(out, "\";\n\tbyte_order = le;\n"
		     "\tpacket.header := struct {\n"
		     "\t\tuint32_t magic;\n"
		     "\t\tuint8_t uuid[16];\n"
		     "\t\tuint32_t stream_id;\n"
		     "\t\tuint64_t stream_instance_id;\n"
		     "\t};\n};\n\n");
}

static void tsdl_env(FILE *out, const struct tt_dump *d, size_t number,
		     const char *log_name)
{
	char name[48];

	/* "dump-3", or for a joined trace "dumps-1-7" */
	*strchr(tt_dump_name(name, d, number), ' ') = '-';
	fprintf(out, "env {\n\tdomain = \"tracevisor\";\n"
		     "\ttracer_name = \"tracevisor\";\n"
		     "\ttracer_major = 1;\n\ttracer_minor = 0;\n"
		     "\ttrace_name = ");
	tsdl_string(out, name);
	fprintf(out, ";\n\tlog = ");
	tsdl_string(out, log_name ? log_name : "");
	fprintf(out, ";\n\tdump = %zu;\n\tcomplete = %d;\n", number,
		tt_complete(d));
	if (d->nparts > 1)
		fprintf(out, "\tjoined_dumps = %zu;\n", d->nparts);
	fprintf(out, "\ttimebase_hz = %" PRIu64 ";\n", tt_timebase(d));
	if (d->has_begin) {
		const char *why = tv_dump_reason_name(d->info.dump_reason);

		fprintf(out, "\tdump_id = \"0x%016" PRIx64 "\";\n",
			d->info.dump_id);
		fprintf(out, "\tdump_reason = ");
		tsdl_string(out, why ? why : "unknown");
		fprintf(out, ";\n\tnharts = %u;\n\tring_slots = %" PRIu32
			     ";\n\tring_mode = \"%s\";\n",
			d->info.nharts, d->info.ring_slots,
			d->info.ring_mode == TV_WIRE_RING_STOP ? "stop"
							       : "overwrite");
	}
	fprintf(out, "};\n\n");
}

/* The clock: the `time` CSR, counting at the dump's timebase from an
 * unknown origin (reset), so not absolute; offset (cycles) moves a later
 * boot's dump after the boot before on the clock all dumps share. */
static void tsdl_clock(FILE *out, const struct tt_dump *d,
		       const uint8_t clock_uuid[16], uint64_t offset)
{
	fprintf(out, "clock {\n\tname = tv_time;\n\tuuid = \"");
	put_uuid(out, clock_uuid);
	fprintf(out, "\";\n\tdescription = \"RISC-V time CSR\";\n"
		     "\tfreq = %" PRIu64 ";\n\tprecision = 1;\n"
		     "\toffset_s = 0;\n\toffset = %" PRIu64 ";\n\tabsolute = false;\n"
		     "};\n\n",
		tt_timebase(d), offset);
	fprintf(out, "typealias integer {\n\tsize = 64; align = 8; "
		     "signed = false;\n\tmap = clock.tv_time.value;\n"
		     "} := tv_clock_t;\n\n");
}

/* CTF 1.8 section 5: timestamp_begin/end, content_size, packet_size,
 * packet_seq_num and events_discarded are the packet context fields
 * readers know by name. */
static void tsdl_stream(FILE *out)
{
	fprintf(out, "stream {\n\tid = 0;\n"
		     "\tpacket.context := struct {\n"
		     "\t\ttv_clock_t timestamp_begin;\n"
		     "\t\ttv_clock_t timestamp_end;\n"
		     "\t\tuint64_t content_size;\n"
		     "\t\tuint64_t packet_size;\n"
		     "\t\tuint64_t packet_seq_num;\n"
		     "\t\tuint64_t events_discarded;\n"
		     "\t\tuint32_t cpu_id;\n"
		     "\t};\n"
		     "\tevent.header := struct {\n"
		     "\t\tuint16_t id;\n"
		     "\t\ttv_clock_t timestamp;\n"
		     "\t};\n"
		     "\tevent.context := struct {\n"
		     "\t\tuint8_t vm;\n"
		     "\t\tuint8_t vcpu;\n"
		     "\t\tuint64_t cycle;\n"
		     "\t};\n};\n\n");
}

static void tsdl_events(FILE *out)
{
	for (size_t i = 0; i < NCLASSES; i++) {
		const struct ev_class *c = &classes[i];

		fprintf(out, "event {\n\tname = \"%s\";\n\tid = %u;\n"
			     "\tstream_id = 0;\n\tfields := struct {\n",
			c->name, c->kind);
		for (unsigned k = 0; k < c->n; k++)
			fprintf(out, "\t\t%s %s;\n", tsdl_type(c->f[k].type),
				c->f[k].name);
		fprintf(out, "\t};\n};\n\n");
	}
}

void tt_ctf_metadata(FILE *out, const struct tt_dump *d, size_t number,
		     const char *log_name, const uint8_t uuid[16],
		     const uint8_t clock_uuid[16], uint64_t clock_offset)
{
	fputs(tsdl_head, out);
	tsdl_trace(out, uuid);
	tsdl_env(out, d, number, log_name);
	tsdl_clock(out, d, clock_uuid, clock_offset);
	tsdl_stream(out);
	tsdl_events(out);
}

/* ----------------------------------------------------------------- UUIDs */

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* A UUID from two hashes, marked as RFC 9562 version 8 (custom) with the
 * RFC 4122 variant bits (10). */
static void make_uuid(uint8_t u[16], uint64_t a, uint64_t b)
{
	for (int i = 0; i < 8; i++) {
		u[i] = (uint8_t)(a >> (56 - 8 * i));
		u[8 + i] = (uint8_t)(b >> (56 - 8 * i));
	}
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x80);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

/* The trace's UUID: a hash of the dump's contents and number, so the same
 * dump always gives the same trace. */
static void trace_uuid(uint8_t u[16], const struct tt_dump *d, size_t number)
{
	uint64_t a = 0xcbf29ce484222325u, b = 0x84222325cbf29ce4u;

	a = fnv(a, &number, sizeof(number));
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tv_record *r = &d->recs[i].r;

		a = fnv(a, &r->time, sizeof(r->time));
		a = fnv(a, r->arg, sizeof(r->arg));
		b = fnv(b, &r->kind, 1);
		b = fnv(b, &d->recs[i].hart, sizeof(d->recs[i].hart));
		b = fnv(b, &r->cycle, sizeof(r->cycle));
	}
	if (d->has_begin)
		b = fnv(b, &d->info.dump_id, sizeof(d->info.dump_id));
	make_uuid(u, a, b);
}

/* The clock's UUID: one per timebase, the same for every dump, so
 * babeltrace2 may merge the dumps of one log (--all) on one time line
 * (a later boot's placed after the boot before by its clock offset). */
static void clock_uuid(uint8_t u[16], uint64_t hz)
{
	static const char tag[] = "tracevisor RISC-V time CSR";

	make_uuid(u, fnv(0xcbf29ce484222325u, tag, sizeof(tag)),
		  fnv(0x84222325cbf29ce4u, &hz, sizeof(hz)));
}

/* ------------------------------------------------------------------ files */

/* Does name go on from prefix with one or more decimal digits only? */
static int digits_after(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) != 0 || !name[n])
		return 0;
	for (name += n; *name; name++)
		if (*name < '0' || *name > '9')
			return 0;
	return 1;
}

/* Is name one tvtrace --ctf writes ("metadata", "stream_hartN")? */
static int our_file(const char *name)
{
	return strcmp(name, "metadata") == 0 || digits_after(name, "stream_hart");
}

int tt_ctf_would_remove(const char *dir, const char *path)
{
	char *where = tt_canonical_path(path), *top = tt_canonical_path(dir);
	size_t n = strlen(top);
	int hit = 0;

	if (strncmp(where, top, n) == 0 && where[n] == '/') {
		const char *rest = where + n + 1, *slash = strchr(rest, '/');

		if (!slash) {
			hit = our_file(rest);
		} else if (!strchr(slash + 1, '/')) {
			char sub[64];
			size_t len = (size_t)(slash - rest);

			if (len < sizeof(sub)) {
				memcpy(sub, rest, len);
				sub[len] = 0;
				hit = digits_after(sub, "dump-") && our_file(slash + 1);
			}
		}
	}
	free(where);
	free(top);
	return hit;
}

/* Remove what an earlier export left in dir: its files, and with --all
 * its dump-N directories (sub), each removed too when nothing else is in
 * it. Nothing else is touched: not a file named dump-..., not a file
 * whose name only starts like ours. */
static int clean_dir(const char *dir, int sub)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!dh) {
		fprintf(stderr, "tvtrace: cannot read directory '%s': %s\n",
			dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(dh)) != NULL) {
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		char *path;
		struct stat st;

		int dump_dir = !sub && digits_after(e->d_name, "dump-");

		if (!our_file(e->d_name) && !dump_dir)
			continue;
		path = tt_xrealloc(NULL, n, 1);
		snprintf(path, n, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0 || S_ISDIR(st.st_mode) != dump_dir) {
			/* gone, or not what we wrote (a directory named
			 * metadata, a file named dump-1): left alone */
		} else if (dump_dir) {
			if (clean_dir(path, 1) != 0)
				rc = -1;
		} else if (unlink(path) != 0) {
			fprintf(stderr, "tvtrace: cannot remove '%s': %s\n",
				path, strerror(errno));
			rc = -1;
		}
		free(path);
	}
	closedir(dh);
	if (sub && rc == 0)
		rmdir(dir); /* fails, harmlessly, when other files remain */
	return rc;
}

int tt_ctf_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT && mkdir(dir, 0777) == 0)
			return 0;
		fprintf(stderr, "tvtrace: cannot create directory '%s': %s\n",
			dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tvtrace: --ctf: '%s' is not a directory\n",
			dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "tvtrace: cannot write in '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	return clean_dir(dir, 0);
}

/* "DIR/NAME" in a new buffer. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = tt_xrealloc(NULL, n, 1);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Write the metadata file. */
static int write_metadata(const char *dir, const struct tt_dump *d,
			  size_t number, const char *log_name,
			  const uint8_t uuid[16], uint64_t clock_offset)
{
	char *path = join(dir, "metadata");
	uint8_t cu[16];
	FILE *f = tt_exp_open(path);
	int rc = -1;

	if (f) {
		clock_uuid(cu, tt_timebase(d));
		tt_ctf_metadata(f, d, number, log_name, uuid, cu, clock_offset);
		rc = tt_exp_close(f, path);
	}
	free(path);
	return rc;
}

/* Write the stream file of one hart. */
static int write_stream(const char *dir, struct tt_dump *d, uint16_t hart,
			const uint8_t uuid[16])
{
	char name[32], *path;
	struct tt_ctf_plan p;
	struct tt_buf b = {0};
	FILE *f;
	int rc = -1;

	snprintf(name, sizeof(name), "stream_hart%u", hart);
	path = join(dir, name);
	f = tt_exp_open(path);
	if (f) {
		tt_ctf_plan(&p, d, hart);
		for (size_t k = 0; k < p.npackets; k++) {
			b.len = 0;
			tt_ctf_packet(&b, &p, k, uuid, hart);
			fwrite(b.p, 1, b.len, f);
		}
		tt_ctf_plan_free(&p);
		rc = tt_exp_close(f, path);
	}
	free(b.p);
	free(path);
	return rc;
}

/* The harts of a dump: those of its records and HART frames (the
 * hypervisor writes one for every hart it dumps). Not BEGIN's count
 * alone: hart ids need not run from 0, and a damaged BEGIN naming 65535
 * harts would make as many streams. */
static void dump_harts(const struct tt_dump *d, uint8_t *seen)
{
	for (size_t i = 0; i < d->nrecs; i++)
		seen[d->recs[i].hart] = 1;
	for (size_t i = 0; i < d->ntotals; i++)
		seen[d->totals[i].hart] = 1;
}

int tt_ctf_write(const char *dir, struct tt_dump *d, size_t number,
		 const char *log_name, uint64_t clock_offset)
{
	uint8_t uuid[16];
	uint8_t *seen;
	int rc;

	if (tt_ctf_dir(dir) != 0)
		return -1;
	trace_uuid(uuid, d, number);
	rc = write_metadata(dir, d, number, log_name, uuid, clock_offset);
	seen = tt_xrealloc(NULL, 65536, 1);
	memset(seen, 0, 65536);
	dump_harts(d, seen);
	for (unsigned h = 0; h < 65536 && rc == 0; h++)
		if (seen[h] && tv_filter_hart(&tt_filter, h))
			rc = write_stream(dir, d, (uint16_t)h, uuid);
	free(seen);
	if (rc == 0)
		return 0;
	/* a trace with a stream missing or cut short could pass for whole */
	clean_dir(dir, 0);
	return -2;
}

int tt_ctf_discard(const char *dir)
{
	return clean_dir(dir, 0);
}
