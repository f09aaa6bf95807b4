/*
 * --records: one readable line per record, in time order across harts:
 *
 *   TIME [HART] vmV-vcpuC KIND  details
 *
 * Exits show the cause in the privileged spec's words, the guest physical
 * address of guest-page faults and the trapping instruction; SBI calls
 * show extension and function names; MMIO shows direction, width and
 * value; losses show as "N records lost here"; a switch between vCPUs of
 * a time-shared hart shows where the hart went, why, and the incoming
 * vCPU's hgatp.
 */
#include <inttypes.h>
#include <string.h>

#include "export.h"
#include "insn.h"
#include "riscv_names.h"
#include "tvtrace.h"

#include <tracevisor/csr.h>

/* "long name (SHORT)" of a trap cause; unknown ones by number. */
static void put_cause(FILE *out, uint64_t cause)
{
	char name[64], shrt[32];

	tv_cause_describe(cause, name, sizeof(name));
	tv_cause_short_describe(cause, shrt, sizeof(shrt));
	fprintf(out, "%s (%s)", name, shrt);
}

/* insn="mnemonic operands" (0x...), 16-bit form for compressed ones. */
static void put_insn(FILE *out, uint64_t insn)
{
	char text[96];
	uint32_t bits = (uint32_t)insn;

	insn_disasm(bits, text, sizeof(text));
	if ((bits & 3) != 3)
		fprintf(out, " insn=\"%s\" (0x%04x)", text, bits & 0xffff);
	else
		fprintf(out, " insn=\"%s\" (0x%08x)", text, bits);
}

/* Guest-page faults: the faulting guest physical address is htval << 2
 * plus the low two bits of stval, or zeros for an implicit VS-stage
 * access (tt_exp_gpa; privileged spec, "Hypervisor Trap Value (htval)
 * Register"). */
static int is_guest_page_fault(uint64_t cause)
{
	return cause == EXC_INST_GUEST_PAGE_FAULT ||
	       cause == EXC_LOAD_GUEST_PAGE_FAULT ||
	       cause == EXC_STORE_GUEST_PAGE_FAULT;
}

static void rec_exit(FILE *out, const struct tv_record *r)
{
	uint64_t cause = r->arg[1], stval = r->arg[2];

	put_cause(out, cause);
	fprintf(out, " sepc=0x%016" PRIx64, r->arg[0]);
	if (is_guest_page_fault(cause)) {
		uint64_t gpa;

		if (tt_exp_gpa(r, &gpa))
			fprintf(out, " gpa=0x%" PRIx64, gpa);
		else
			fputs(" htval=0 (no gpa given)", out);
		fprintf(out, " stval=0x%" PRIx64, stval);
	} else if (stval) {
		uint32_t bits;

		fprintf(out, " stval=0x%" PRIx64, stval);
		if (!(r->flags & TV_F_INSN) && tt_exp_stval_insn(r, &bits))
			put_insn(out, bits);
	}
	if (r->arg[4])
		fprintf(out, " htinst=0x%" PRIx64, r->arg[4]);
	if (r->flags & TV_F_INSN)
		put_insn(out, r->arg[5]);
}

static void rec_entry(FILE *out, const struct tv_record *r)
{
	fprintf(out, "pc=0x%016" PRIx64, r->arg[0]);
	if (r->arg[1])
		fprintf(out, " hvip=0x%" PRIx64, r->arg[1]);
}

static void rec_sbi(FILE *out, const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	const char *ext = tv_sbi_ext_name(eid);
	const char *fn = tv_sbi_func_name(eid, fid);
	const char *err = tv_sbi_error_name((int64_t)r->arg[4]);
	char args[64];

	if (ext)
		fprintf(out, "%s.", ext);
	else
		fprintf(out, "EID_0x%" PRIx64 ".", eid);
	if (fn)
		fprintf(out, "%s", fn);
	else
		fprintf(out, "FID_%" PRIu64, fid);
	fprintf(out, "(%s) -> ", tt_sbi_args(args, r));
	if (err)
		fprintf(out, "%s", err);
	else
		fprintf(out, "error %" PRId64, (int64_t)r->arg[4]);
	fprintf(out, ", value 0x%" PRIx64, tv_sbi_value(r));
	char note[96];
	if (*tt_sbi_note(note, r))
		fprintf(out, " [%s]", note);
}

static void rec_mmio(FILE *out, const struct tv_record *r)
{
	uint64_t info = r->arg[2];
	unsigned width = TV_MMIO_WIDTH(info);
	int write = TV_MMIO_WRITE(info);

	fprintf(out, "%s %u byte%s gpa=0x%" PRIx64 " %s 0x%" PRIx64 " (%s%s)",
		write ? "write" : "read", width, width == 1 ? "" : "s",
		r->arg[0], write ? "<-" : "->", r->arg[1],
		insn_reg_name(TV_MMIO_REG(info)),
		TV_MMIO_SIGN(info) ? ", sign-extended" : "");
	if (r->arg[3])
		put_insn(out, r->arg[3]);
	fprintf(out, " device %" PRIu64, r->arg[4]);
}

static void rec_irq(FILE *out, const struct tv_record *r)
{
	fprintf(out, "%s ", r->arg[2] ? "raise" : "lower");
	put_cause(out, r->arg[0]);
	fprintf(out, " hvip=0x%" PRIx64, r->arg[1]);
	if (r->arg[2] == TV_IRQ_RAISED_VSTIMECMP)
		fprintf(out, " (through vstimecmp)");
}

static void rec_exc(FILE *out, const struct tv_record *r)
{
	fprintf(out, "inject ");
	put_cause(out, r->arg[0]);
	fprintf(out, " tval=0x%" PRIx64 " epc=0x%016" PRIx64
		     " vstvec=0x%016" PRIx64,
		r->arg[1], r->arg[2], r->arg[3]);
}

/* The kind names set in a TV_CTL_FILTER mask, and those of
 * TV_FILTER_ALWAYS it leaves out, which are recorded all the same. */
static void put_kind_mask(FILE *out, uint64_t mask)
{
	const char *sep = "";

	fprintf(out, " (");
	for (unsigned k = 1; k < TV_KIND_COUNT; k++)
		if (mask & TV_KIND_BIT(k)) {
			fprintf(out, "%s%s", sep, tv_kind_name(k));
			sep = " ";
		}
	if (!*sep)
		fprintf(out, "none");
	sep = "; recorded all the same:";
	for (unsigned k = 1; k < TV_KIND_COUNT; k++)
		if ((TV_FILTER_ALWAYS & ~mask) & TV_KIND_BIT(k)) {
			fprintf(out, "%s %s", sep, tv_kind_name(k));
			sep = "";
		}
	fprintf(out, ")");
}

static void rec_control(FILE *out, const struct tv_record *r)
{
	switch (r->arg[0]) {
	case TV_CTL_START:
		fprintf(out, "tracing started");
		break;
	case TV_CTL_STOP:
		fprintf(out, "tracing stopped");
		break;
	case TV_CTL_FILTER:
		fprintf(out, "filter mask=0x%" PRIx64, r->arg[1]);
		put_kind_mask(out, r->arg[1]);
		break;
	default:
		fprintf(out, "control %" PRIu64 " value=0x%" PRIx64, r->arg[0],
			r->arg[1]);
	}
}

static void rec_stop(FILE *out, const struct tv_record *r)
{
	const char *why = tv_stop_name(r->arg[0]);

	if (why)
		fprintf(out, "guest stopped: %s", why);
	else
		fprintf(out, "guest stopped: reason %" PRIu64, r->arg[0]);
	fprintf(out, " detail=0x%" PRIx64, r->arg[1]);
}

/* "to vm1-vcpu0: slice (its time slice ended and another vCPU was
 * ready), ran 10000.00us; hgatp=0x... (Sv39x4, VMID 1, root
 * 0x80400000), G-stage TLB not flushed". */
static void rec_switch(FILE *out, const struct tv_record *r, uint64_t hz)
{
	const char *name = tv_switch_name(r->arg[2]);
	const char *why = tt_switch_why(r->arg[2]);
	uint64_t hgatp = r->arg[4];

	fprintf(out, "to vm%" PRIu64 "-vcpu%" PRIu64 ": ", r->arg[0],
		r->arg[1]);
	if (name)
		fprintf(out, "%s (%s)", name, why);
	else
		fprintf(out, "reason %" PRIu64, r->arg[2]);
	fprintf(out,
		", ran %.2fus; hgatp=0x%016" PRIx64 " (%s, VMID %u, root 0x%" PRIx64
		"), G-stage TLB %s",
		tt_us(r->arg[3], hz), hgatp, tt_hgatp_mode(hgatp),
		tt_hgatp_vmid(hgatp), tt_hgatp_root(hgatp),
		r->arg[5] ? "flushed (hfence.gvma)" : "not flushed");
}

/* The details of a loss, whichever way it was found. */
static void rec_lost(FILE *out, const struct tt_rec *t)
{
	if (t->origin == TT_GAP_UNKNOWN) {
		fprintf(out, "records lost here (frame%s %" PRIu32, 
			t->gap_first == t->gap_last ? "" : "s", t->gap_first);
		if (t->gap_first != t->gap_last)
			fprintf(out, "..%" PRIu32, t->gap_last);
		fprintf(out, " missing from the log, count unknown)");
		return;
	}
	fprintf(out, "%" PRIu64 " records lost here", t->r.arg[0]);
	if (t->origin == TT_GAP_UNSENT)
		fprintf(out, " (frame %" PRIu32 " shows the dump read them and never "
			"sent them; no frame is missing)", t->gap_first);
	if (t->origin == TT_GAP_KNOWN) {
		fprintf(out, " (frame%s %" PRIu32,
			t->gap_first == t->gap_last ? "" : "s", t->gap_first);
		if (t->gap_first != t->gap_last)
			fprintf(out, "..%" PRIu32, t->gap_last);
		fprintf(out, " missing from the log)");
	}
}

/* One record line. */
static void print_record(FILE *out, const struct tt_rec *t, uint64_t hz)
{
	const struct tv_record *r = &t->r;
	const char *kind = tv_kind_name(r->kind);
	char time[32];

	fprintf(out, "%12s [%03u] vm%u-vcpu%u %-7s ", tt_time(time, r->time, hz),
		t->hart, r->vm, r->vcpu, kind ? kind : "?");
	switch (r->kind) {
	case TV_KIND_EXIT:
		rec_exit(out, r);
		break;
	case TV_KIND_ENTRY:
		rec_entry(out, r);
		break;
	case TV_KIND_SBI:
		rec_sbi(out, r);
		break;
	case TV_KIND_MMIO:
		rec_mmio(out, r);
		break;
	case TV_KIND_IRQ:
		rec_irq(out, r);
		break;
	case TV_KIND_EXC:
		rec_exc(out, r);
		break;
	case TV_KIND_MARK:
		fprintf(out, "0x%" PRIx64 " (%" PRIu64 ")", r->arg[0],
			r->arg[0]);
		break;
	case TV_KIND_LOST:
		rec_lost(out, t);
		break;
	case TV_KIND_CONTROL:
		rec_control(out, r);
		break;
	case TV_KIND_STOP:
		rec_stop(out, r);
		break;
	case TV_KIND_SWITCH:
		rec_switch(out, r, hz);
		break;
	}
	fputc('\n', out);
}

void tt_print_records(FILE *out, struct tt_dump *d)
{
	uint64_t hz = tt_timebase(d);

	tt_sort(d);
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[d->order[i]];

		if (tv_filter_record(&tt_filter, t->hart, &t->r))
			print_record(out, t, hz);
	}
}
