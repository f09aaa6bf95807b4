/*
 * --trace-dat FILE: the dumps as a trace-cmd "trace.dat", version 6
 * (trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v6.5.txt), read by
 * `trace-cmd report` and KernelShark.
 *
 * The file is, in order: the initial format (magic, "tracing", "6",
 * endianness, long size, page size), the ring buffer's header_page and
 * header_event descriptions, no ftrace formats, three event systems
 * (DAT_KVM with kvm_exit / kvm_entry shaped like Linux's
 * arch/riscv/kvm/trace.h, "tracevisor" with the other record kinds,
 * "sched" with sched_switch for the switches), empty kallsyms and printk
 * formats, the saved_cmdlines naming each vCPU's pid, the CPU count (one
 * CPU per hart), "flyrecord" with each CPU's data offset and size, and
 * the CPU data: ring-buffer pages, page aligned in the file.
 *
 * Ring-buffer page (the header_page text below): u64 timestamp of the
 * page, a commit word of long size holding the bytes of event data used,
 * then the data. Each event starts with a 32-bit header: type_len in the
 * low 5 bits, time_delta (from the previous event, or from the page
 * timestamp for the first) in the high 27 (header_event text). type_len
 * 1..28 means a data event of type_len * 4 bytes following the header;
 * 30 is a time extend whose 32-bit array[0] holds the delta's bits above
 * the 27 of time_delta. All events here are small enough for type_len.
 *
 * An event's data is the common fields of every format file
 * (Documentation/trace/events.rst: common_type = the event ID,
 * common_flags, common_preempt_count, common_pid) and the event's own
 * fields, all 64-bit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define DAT_PAGE 4096u		     /* page size the file declares */
#define DAT_PAGE_HDR 16u	     /* u64 timestamp + 8-byte commit */
#define DAT_PAGE_DATA (DAT_PAGE - DAT_PAGE_HDR)
#define DAT_COMMON 8u		     /* common fields of every event */
#define DAT_DELTA_BITS 27u	     /* time_delta width */
#define DAT_TYPE_EXTEND 30u	     /* time extend event */
#define DAT_TYPE_DATA_MAX 28u	     /* largest type_len of a data event */
#define DAT_ID_BASE 1000u	     /* event ID = DAT_ID_BASE + kind */
#define DAT_MAX_FIELDS 8

/*
 * The system of kvm_exit / kvm_entry. Not "kvm": libtraceevent's kvm
 * plugin (loaded by `trace-cmd report` by default) takes over events
 * named kvm/kvm_exit and kvm/kvm_entry and looks for x86's fields
 * (exit_reason, vcpu_id, rip), printing "CAN'T FIND FIELD" before the
 * format. Under their own system name the events print exactly as
 * their print fmt says.
 */
#define DAT_KVM "kvm_riscv"

/* An event format: its system, name, fields (unsigned long unless
 * listed in `signed_mask`) and print fmt. */
struct dat_event {
	unsigned kind;
	const char *system, *name;
	const char *fields[DAT_MAX_FIELDS];
	unsigned nfields;
	unsigned signed_mask;
	const char *print;
};

/* kvm_exit / kvm_entry print as Linux's RISC-V KVM tracepoints
 * (arch/riscv/kvm/trace.h); the tracevisor events as tvtrace --text. */
static const struct dat_event events[] = {
	{TV_KIND_EXIT, DAT_KVM, "kvm_exit",
	 {"sepc", "scause", "stval", "htval", "htinst"}, 5, 0,
	 "\"SEPC:0x%lx, SCAUSE:0x%lx, STVAL:0x%lx, HTVAL:0x%lx, "
	 "HTINST:0x%lx\", REC->sepc, REC->scause, REC->stval, REC->htval, "
	 "REC->htinst"},
	{TV_KIND_ENTRY, DAT_KVM, "kvm_entry", {"pc", "hvip"}, 2, 0,
	 "\"PC: 0x%016lx\", REC->pc"},
	{TV_KIND_SBI, "tracevisor", "tv_sbi",
	 {"eid", "fid", "a0", "a1", "a2", "error", "value"}, 7, 1u << 5,
	 "\"EID:0x%lx, FID:0x%lx, A0:0x%lx, A1:0x%lx, A2:0x%lx, ERROR:%ld, "
	 "VALUE:0x%lx\", REC->eid, REC->fid, REC->a0, REC->a1, REC->a2, "
	 "REC->error, REC->value"},
	{TV_KIND_MMIO, "tracevisor", "tv_mmio",
	 {"gpa", "value", "width", "write", "sign", "reg", "insn", "device"},
	 8, 0,
	 "\"%s GPA:0x%016lx, WIDTH:%lu, VALUE:0x%lx, REG:x%lu, INSN:0x%lx, "
	 "DEVICE:%lu\", REC->write ? \"write\" : REC->sign ? \"read signed\" "
	 ": \"read\", REC->gpa, REC->width, REC->value, REC->reg, REC->insn, "
	 "REC->device"},
	{TV_KIND_IRQ, "tracevisor", "tv_irq", {"cause", "hvip", "raised"}, 3,
	 0,
	 "\"%s CAUSE:0x%lx, HVIP:0x%lx\", REC->raised ? \"raise\" : "
	 "\"lower\", REC->cause, REC->hvip"},
	{TV_KIND_EXC, "tracevisor", "tv_exc",
	 {"cause", "tval", "epc", "vstvec"}, 4, 0,
	 "\"CAUSE:0x%lx, TVAL:0x%lx, EPC:0x%016lx, VSTVEC:0x%016lx\", "
	 "REC->cause, REC->tval, REC->epc, REC->vstvec"},
	{TV_KIND_MARK, "tracevisor", "tv_mark", {"value"}, 1, 0,
	 "\"VALUE:0x%lx\", REC->value"},
	{TV_KIND_LOST, "tracevisor", "tv_lost", {"count", "unknown"}, 2, 0,
	 "\"COUNT:%lu%s\", REC->count, REC->unknown ? \" (unknown: frames "
	 "missing)\" : \"\""},
	{TV_KIND_CONTROL, "tracevisor", "tv_control", {"what", "value"}, 2, 0,
	 "\"WHAT:%lu, VALUE:0x%lx\", REC->what, REC->value"},
	{TV_KIND_STOP, "tracevisor", "tv_stop", {"reason", "detail"}, 2, 0,
	 "\"REASON:%lu, DETAIL:0x%lx\", REC->reason, REC->detail"},
	/* The hart leaves the event's task (vCPU) for next_vm/next_vcpu
	 * (task next_pid); ran_ns: how long the task left ran. */
	{TV_KIND_SWITCH, "tracevisor", "tv_switch",
	 {"next_vm", "next_vcpu", "reason", "ran_ns", "hgatp", "vmid",
	  "flushed", "next_pid"},
	 8, 0,
	 "\"to vm%lu-vcpu%lu reason=%s ran=%luns hgatp=0x%lx (VMID %lu) "
	 "flushed=%s\", REC->next_vm, REC->next_vcpu, "
	 "__print_symbolic(REC->reason, { 1, \"slice\" }, { 2, \"wait\" }, "
	 "{ 3, \"stop\" }), REC->ran_ns, REC->hgatp, REC->vmid, REC->flushed "
	 "? \"yes\" : \"no\""},
};

#define NEVENTS (sizeof(events) / sizeof(events[0]))

/*
 * A SWITCH is also written as a sched:sched_switch event, the event a
 * Linux trace has where a CPU goes from one task to another: with it,
 * `trace-cmd report` prints the usual "prev ==> next" line (its
 * sched_switch plugin) and KernelShark's sched_events plugin sees which
 * vCPU (task) holds each hart (CPU). Its fields have the names, types and
 * offsets of Linux's event (its format file, kernel ABI), which those
 * plugins read: prev_comm and next_comm are 16-byte strings ("vm1-vcpu0"),
 * the pids the vCPUs' (vcpu_pid), both priorities 120 (a normal task),
 * prev_state what the vCPU left does: 0 runnable (R, the slice ended),
 * 1 sleeping (S, it waits), 0x10 dead (X, its VM stopped).
 */
#define DAT_SCHED_ID 1100u
#define DAT_SCHED_SIZE 64u /* common fields + 56 bytes */

static const char sched_switch_format[] =
	"name: sched_switch\nID: 1100\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;"
	"\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> "
	"next_comm=%s next_pid=%d next_prio=%d\", REC->prev_comm, "
	"REC->prev_pid, REC->prev_prio, __print_symbolic(REC->prev_state, "
	"{ 0, \"R\" }, { 1, \"S\" }, { 16, \"X\" }), REC->next_comm, "
	"REC->next_pid, REC->next_prio\n";

static const struct dat_event *event_of(unsigned kind)
{
	for (size_t i = 0; i < NEVENTS; i++)
		if (events[i].kind == kind)
			return &events[i];
	return NULL;
}

/* ------------------------------------------------------------ buffer */

static void put(struct tt_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->p = tt_xrealloc(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Numbers are little endian (the file's endianness byte is 0). */
static void put_le(struct tt_buf *b, uint64_t v, unsigned bytes)
{
	uint8_t x[8];

	for (unsigned i = 0; i < bytes; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, bytes);
}

static void put_str0(struct tt_buf *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

static void put_zeros(struct tt_buf *b, size_t n)
{
	static const uint8_t z[64];

	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);

		put(b, z, k);
		n -= k;
	}
}

/* A text block preceded by its size in `size_bytes` bytes. */
static void put_sized_text(struct tt_buf *b, const char *text,
			   unsigned size_bytes)
{
	put_le(b, strlen(text), size_bytes);
	put(b, text, strlen(text));
}

/* ------------------------------------------------------------ headers */

/* The ring buffer page header, in the form of events/header_page. */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

/* The event header, in the form of events/header_event. */
static const char header_event[] = "# compressed entry header\n"
				   "\ttype_len    :    5 bits\n"
				   "\ttime_delta  :   27 bits\n"
				   "\tarray       :   32 bits\n"
				   "\n"
				   "\tpadding     : type == 29\n"
				   "\ttime_extend : type == 30\n"
				   "\ttime_stamp : type == 31\n"
				   "\tdata max type_len  == 28\n";

/* An event's format file (Documentation/trace/events.rst, "Event
 * formats"). */
static void format_text(struct tt_buf *b, const struct dat_event *e)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "name: %s\nID: %u\nformat:\n",
		     e->name, DAT_ID_BASE + e->kind);
	put(b, line, (size_t)n);
	static const char common[] =
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;"
		"\tsigned:0;\n"
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;"
		"\tsigned:0;\n"
		"\tfield:unsigned char common_preempt_count;\toffset:3;"
		"\tsize:1;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";
	put(b, common, sizeof(common) - 1);
	for (unsigned i = 0; i < e->nfields; i++) {
		unsigned sgn = (e->signed_mask >> i) & 1u;

		n = snprintf(line, sizeof(line),
			     "\tfield:%s %s;\toffset:%u;\tsize:8;\tsigned:%u;\n",
			     sgn ? "long" : "unsigned long", e->fields[i],
			     DAT_COMMON + 8 * i, sgn);
		put(b, line, (size_t)n);
	}
	put(b, "\nprint fmt: ", 12);
	put(b, e->print, strlen(e->print));
	put(b, "\n", 1);
}

/* EVENT FORMATS: the systems, each with its events' format files, and
 * "sched" with sched_switch. */
static void put_event_systems(struct tt_buf *b)
{
	static const char *const systems[] = {DAT_KVM, "tracevisor"};

	put_le(b, 3, 4);
	for (size_t s = 0; s < 2; s++) {
		unsigned n = 0;

		for (size_t i = 0; i < NEVENTS; i++)
			n += strcmp(events[i].system, systems[s]) == 0;
		put_str0(b, systems[s]);
		put_le(b, n, 4);
		for (size_t i = 0; i < NEVENTS; i++) {
			struct tt_buf f = {0};

			if (strcmp(events[i].system, systems[s]) != 0)
				continue;
			format_text(&f, &events[i]);
			put_le(b, f.len, 8);
			put(b, f.p, f.len);
			free(f.p);
		}
	}
	put_str0(b, "sched");
	put_le(b, 1, 4);
	put_le(b, sizeof(sched_switch_format) - 1, 8);
	put(b, sched_switch_format, sizeof(sched_switch_format) - 1);
}

/* ------------------------------------------------------------- tasks */

/* Each vCPU is a task: pid 1 + vm * 256 + vcpu, comm "vmV-vcpuC". */
static uint32_t vcpu_pid(const struct tv_record *r)
{
	return 1u + (uint32_t)r->vm * 256u + r->vcpu;
}

/* saved_cmdlines: "pid comm" per line, for the vCPUs that recorded. */
static void put_cmdlines(struct tt_buf *b, struct tt_log *log, size_t first,
			 size_t count)
{
	static uint8_t seen[256 * 256 / 8];
	struct tt_buf t = {0};
	char line[64];

	memset(seen, 0, sizeof(seen));
	for (size_t i = first; i < first + count; i++) {
		const struct tt_dump *d = &log->dumps[i];

		for (size_t k = 0; k < d->nrecs; k++) {
			const struct tv_record *r = &d->recs[k].r;
			uint32_t id = vcpu_pid(r) - 1;
			int n;

			if (seen[id / 8] & (1u << (id % 8)))
				continue;
			seen[id / 8] |= (uint8_t)(1u << (id % 8));
			n = snprintf(line, sizeof(line), "%u vm%u-vcpu%u\n",
				     id + 1, r->vm, r->vcpu);
			put(&t, line, (size_t)n);
		}
	}
	put_le(b, t.len, 8);
	if (t.len)
		put(b, t.p, t.len);
	free(t.p);
}

/* ---------------------------------------------------------- CPU data */

/* One CPU's pages being filled. */
struct dat_cpu {
	struct tt_buf pages;
	size_t page;	    /* offset of the current page, or SIZE_MAX */
	uint64_t last_ns;   /* time of the last event written */
	uint64_t backwards; /* events whose time was before the last one */
};

static void page_open(struct dat_cpu *c, uint64_t ns)
{
	c->page = c->pages.len;
	put_le(&c->pages, ns, 8);
	put_le(&c->pages, 0, 8);
	put_zeros(&c->pages, DAT_PAGE_DATA);
	c->last_ns = ns;
}

static uint32_t page_used(const struct dat_cpu *c)
{
	const uint8_t *p = c->pages.p + c->page + 8;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Append n bytes to the current page's data and raise its commit. */
static void page_put(struct dat_cpu *c, const uint8_t *data, uint32_t n)
{
	uint32_t used = page_used(c);
	uint8_t *commit = c->pages.p + c->page + 8;

	memcpy(c->pages.p + c->page + DAT_PAGE_HDR + used, data, n);
	used += n;
	for (unsigned i = 0; i < 4; i++)
		commit[i] = (uint8_t)(used >> (8 * i));
}

static void le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Write one event of `len` data bytes at time ns: a new page when it
 * does not fit (or for the first event), a time extend before it when
 * the delta needs more than 27 bits. */
static void cpu_event(struct dat_cpu *c, uint64_t ns, const uint8_t *data,
		      uint32_t len)
{
	uint64_t delta;
	uint8_t hdr[8];

	if (ns < c->last_ns) {
		c->backwards++;
		ns = c->last_ns;
	}
	delta = ns - c->last_ns;
	if (c->page == SIZE_MAX ||
	    page_used(c) + 8 + 4 + len > DAT_PAGE_DATA) {
		page_open(c, ns);
		delta = 0;
	}
	if (delta >> DAT_DELTA_BITS) {
		le32(hdr, DAT_TYPE_EXTEND |
			       (uint32_t)(delta << 5)); /* low 27 bits */
		le32(hdr + 4, (uint32_t)(delta >> DAT_DELTA_BITS));
		page_put(c, hdr, 8);
		delta = 0;
	}
	le32(hdr, len / 4 | (uint32_t)(delta << 5));
	page_put(c, hdr, 4);
	page_put(c, data, len);
	c->last_ns = ns;
}

/* The event data of one record: common fields and the kind's fields
 * (hz: the dump's timebase, for durations in nanoseconds). */
static uint32_t event_data(const struct tt_rec *t, const struct dat_event *e,
			   uint64_t hz, uint8_t *out)
{
	const struct tv_record *r = &t->r;
	uint64_t v[DAT_MAX_FIELDS] = {0};
	int unknown;

	switch (r->kind) {
	case TV_KIND_SBI:
		v[0] = tv_sbi_eid(r);
		v[1] = tv_sbi_fid(r);
		memcpy(&v[2], &r->arg[1], 4 * sizeof(v[0])); /* a0 a1 a2 err */
		v[6] = tv_sbi_value(r);
		break;
	case TV_KIND_MMIO:
		v[0] = r->arg[0];
		v[1] = r->arg[1];
		v[2] = TV_MMIO_WIDTH(r->arg[2]);
		v[3] = TV_MMIO_WRITE(r->arg[2]);
		v[4] = TV_MMIO_SIGN(r->arg[2]);
		v[5] = TV_MMIO_REG(r->arg[2]);
		v[6] = r->arg[3];
		v[7] = r->arg[4];
		break;
	case TV_KIND_LOST:
		v[0] = tt_exp_lost(t, &unknown);
		v[1] = (uint64_t)unknown;
		break;
	case TV_KIND_SWITCH:
		memcpy(v, r->arg, 3 * sizeof(v[0])); /* next vm, vcpu, reason */
		v[3] = tt_exp_ns(r->arg[3], hz);
		v[4] = r->arg[4];
		v[5] = tt_hgatp_vmid(r->arg[4]);
		v[6] = r->arg[5] != 0;
		v[7] = 1u + (uint32_t)(uint8_t)r->arg[0] * 256u +
		       (uint8_t)r->arg[1];
		break;
	default:
		memcpy(v, r->arg, TV_NARGS * sizeof(v[0]));
		break;
	}
	out[0] = (uint8_t)(DAT_ID_BASE + r->kind);
	out[1] = (uint8_t)((DAT_ID_BASE + r->kind) >> 8);
	out[2] = 0; /* common_flags */
	out[3] = 0; /* common_preempt_count */
	le32(out + 4, vcpu_pid(r));
	for (unsigned i = 0; i < e->nfields; i++)
		for (unsigned k = 0; k < 8; k++)
			out[DAT_COMMON + 8 * i + k] = (uint8_t)(v[i] >> (8 * k));
	return DAT_COMMON + 8 * e->nfields;
}

/* "vm1-vcpu0" into a 16-byte comm field, NUL-padded. */
static void put_comm(uint8_t *out, uint64_t vm, uint64_t vcpu)
{
	char comm[32];

	snprintf(comm, sizeof(comm), "vm%" PRIu64 "-vcpu%" PRIu64, vm, vcpu);
	memset(out, 0, 16);
	memcpy(out, comm, strlen(comm) < 15 ? strlen(comm) : 15);
}

/* The sched_switch event of a SWITCH record (sched_switch_format). */
static uint32_t sched_switch_data(const struct tv_record *r, uint8_t *out)
{
	static const uint8_t state[] = {
		[TV_SWITCH_SLICE] = 0, [TV_SWITCH_WAIT] = 1,
		[TV_SWITCH_STOP] = 0x10,
	};
	uint32_t next = 1u + (uint32_t)(uint8_t)r->arg[0] * 256u +
			(uint8_t)r->arg[1];

	memset(out, 0, DAT_SCHED_SIZE);
	out[0] = (uint8_t)DAT_SCHED_ID;
	out[1] = (uint8_t)(DAT_SCHED_ID >> 8);
	le32(out + 4, vcpu_pid(r));
	put_comm(out + 8, r->vm, r->vcpu);
	le32(out + 24, vcpu_pid(r));
	le32(out + 28, 120);
	out[32] = r->arg[2] < sizeof(state) ? state[r->arg[2]] : 0;
	put_comm(out + 40, r->arg[0], r->arg[1]);
	le32(out + 56, next);
	le32(out + 60, 120);
	return DAT_SCHED_SIZE;
}

/* The time of a dump's first record written, in nanoseconds (0: none). */
static uint64_t first_ns(const struct tt_dump *d, uint64_t hz)
{
	for (size_t k = 0; k < d->nrecs; k++) {
		const struct tt_rec *t = &d->recs[d->order[k]];

		if (event_of(t->r.kind) && tt_exp_keep(t))
			return tt_exp_ns(t->r.time, hz);
	}
	return 0;
}

/* Fill each hart's pages with the chosen dumps' records in time order.
 * A trace.dat holds one timeline per CPU, and a later boot's time starts
 * again near 0: its records are moved to 1 us after the latest one
 * written so far, and the move is said on stderr (else they would all
 * be written at that latest time, a hart's time never going back). */
static void fill_cpus(struct dat_cpu *cpus, unsigned ncpus, struct tt_log *log,
		      size_t first, size_t count, const char *path)
{
	uint8_t data[DAT_COMMON + 8 * DAT_MAX_FIELDS];
	uint64_t shift = 0;

	for (size_t i = first; i < first + count; i++) {
		struct tt_dump *d = &log->dumps[i];
		uint64_t hz = tt_timebase(d);

		tt_exp_bind(d);
		tt_sort(d);
		if (tt_exp_later_boot(log, first, i)) {
			uint64_t last = 0, start = first_ns(d, hz);

			for (unsigned c = 0; c < ncpus; c++)
				if (cpus[c].last_ns > last)
					last = cpus[c].last_ns;
			shift = last + 1000 > start ? last + 1000 - start : 0;
			tt_exp_say_shift(log, path, i, shift, "records",
					 "trace.dat has one timeline per CPU");
		}
		for (size_t k = 0; k < d->nrecs; k++) {
			const struct tt_rec *t = &d->recs[d->order[k]];
			const struct dat_event *e = event_of(t->r.kind);
			uint64_t ns = tt_exp_ns(t->r.time, hz) + shift;
			uint32_t len;

			if (!e || !tt_exp_keep(t))
				continue;
			len = event_data(t, e, hz, data);
			cpu_event(&cpus[t->hart], ns, data, len);
			if (t->r.kind == TV_KIND_SWITCH) {
				len = sched_switch_data(&t->r, data);
				cpu_event(&cpus[t->hart], ns, data, len);
			}
		}
	}
}

/* One CPU per hart, up to the highest hart that recorded or reported. */
static unsigned count_cpus(const struct tt_log *log, size_t first,
			   size_t count)
{
	unsigned n = 1;

	for (size_t i = first; i < first + count; i++) {
		const struct tt_dump *d = &log->dumps[i];

		if (d->has_begin && d->info.nharts > n)
			n = d->info.nharts;
		for (size_t k = 0; k < d->nrecs; k++)
			if (d->recs[k].hart + 1u > n)
				n = d->recs[k].hart + 1u;
		for (size_t k = 0; k < d->ntotals; k++)
			if (d->totals[k].hart + 1u > n)
				n = d->totals[k].hart + 1u;
	}
	return n;
}

/* Everything before the CPU data, up to and including "flyrecord". */
static void put_header(struct tt_buf *b, struct tt_log *log, size_t first,
		       size_t count, unsigned ncpus)
{
	static const uint8_t magic[] = {0x17, 0x08, 0x44};

	put(b, magic, 3);
	put(b, "tracing", 7);
	put_str0(b, "6");
	put_le(b, 0, 1); /* little endian */
	put_le(b, 8, 1); /* 64-bit long */
	put_le(b, DAT_PAGE, 4);
	put_str0(b, "header_page");
	put_sized_text(b, header_page, 8);
	put_str0(b, "header_event");
	put_sized_text(b, header_event, 8);
	put_le(b, 0, 4); /* no ftrace event formats */
	put_event_systems(b);
	put_le(b, 0, 4); /* kallsyms: none */
	put_le(b, 0, 4); /* printk formats: none */
	put_cmdlines(b, log, first, count);
	put_le(b, ncpus, 4);
	put(b, "flyrecord", 10);
}

int tt_dat_write(const char *path, struct tt_log *log, size_t first,
		 size_t count)
{
	unsigned ncpus = count_cpus(log, first, count);
	struct dat_cpu *cpus = tt_xrealloc(NULL, ncpus, sizeof(*cpus));
	struct tt_buf h = {0};
	uint64_t off, backwards = 0;
	FILE *f;
	int rc;

	memset(cpus, 0, ncpus * sizeof(*cpus));
	for (unsigned c = 0; c < ncpus; c++)
		cpus[c].page = SIZE_MAX;
	fill_cpus(cpus, ncpus, log, first, count, path);
	put_header(&h, log, first, count, ncpus);
	/* CPU data starts page aligned after the offset/size table. */
	off = h.len + (size_t)16 * ncpus;
	off = (off + DAT_PAGE - 1) / DAT_PAGE * DAT_PAGE;
	for (unsigned c = 0; c < ncpus; c++) {
		put_le(&h, off, 8); /* an empty CPU: size 0 here */
		put_le(&h, cpus[c].pages.len, 8);
		off += cpus[c].pages.len;
	}
	put_zeros(&h, (DAT_PAGE - h.len % DAT_PAGE) % DAT_PAGE);
	f = tt_exp_open(path);
	rc = f ? 0 : -1;
	if (f) {
		fwrite(h.p, 1, h.len, f);
		for (unsigned c = 0; c < ncpus; c++)
			if (cpus[c].pages.len)
				fwrite(cpus[c].pages.p, 1, cpus[c].pages.len,
				       f);
		rc = tt_exp_close(f, path);
	}
	for (unsigned c = 0; c < ncpus; c++) {
		backwards += cpus[c].backwards;
		free(cpus[c].pages.p);
	}
	if (backwards && !log->quiet)
		fprintf(stderr,
			"tvtrace: %s: %llu record(s) earlier than the one "
			"before them on their hart; written at that time\n",
			path, (unsigned long long)backwards);
	free(cpus);
	free(h.p);
	return rc;
}
