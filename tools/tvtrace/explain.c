/*
 * --explain: every record annotated in plain language, for people learning
 * how a hypervisor works. An exit is explained together with what the
 * records after it say the hypervisor did (the MMIO record: emulated; the
 * EXC record: injected an exception; the IRQ record: raised a virtual
 * interrupt; the ENTRY: where the guest resumed), and names the sections
 * of the RISC-V privileged specification's hypervisor chapter (and of the
 * SBI specification) that govern it. Section titles are those of the
 * privileged specification's "H Extension for Hypervisor Support" chapter
 * (src/priv/hypervisor.adoc) and of the SBI specification's chapters.
 * A SWITCH record of a time-shared hart is explained as the world switch
 * between two VMs' vCPUs it is.
 *
 * It knows the guest machine tracevisor builds (include/tracevisor/
 * guest_map.h, QEMU virt's layout): the NS16550A UART, the PLIC, the test
 * finisher and the tracevisor test device, so device accesses are
 * explained by register name. The UART's divisor-latch bit (LCR.DLAB) is
 * followed through the trace, since it changes what offsets 0 and 1 mean.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "insn.h"
#include "riscv_names.h"
#include "tvtrace.h"

#include <tracevisor/csr.h>
#include <tracevisor/guest_map.h>
#include <tracevisor/sbi_ids.h>

/* The guest machine's devices (the one definition: guest_map.h). */
#define UART_GPA TV_GPA_UART
#define UART_SIZE TV_UART_SIZE
#define TESTDEV_GPA TV_GPA_TESTDEV
#define TESTDEV_SIZE TV_TESTDEV_SIZE

/* Section titles of the privileged specification, hypervisor chapter. */
#define S_TWO_STAGE "Two-Stage Address Translation"
#define S_GPF "Guest-Page Faults"
#define S_HTVAL "Hypervisor Trap Value (htval) Register"
#define S_HTINST "Transformed Instruction or Pseudoinstruction for mtinst or htinst"
#define S_HLVX "Hypervisor Virtual-Machine Load and Store Instructions"
#define S_CAUSES "Trap Cause Codes"
#define S_TRAP_ENTRY "Trap Entry"
#define S_HSTATUS "Hypervisor Status (hstatus) Register"
#define S_DELEG "Hypervisor Trap Delegation (hedeleg and hideleg) Registers"
#define S_HVIP "Hypervisor Interrupt (hvip, hip, and hie) Registers"
#define S_VSTIMECMP "Virtual Supervisor Timer (vstimecmp) Register"
#define S_HV_CSRS "Hypervisor and Virtual Supervisor CSRs"
#define S_VSSTATUS "Virtual Supervisor Status (vsstatus) Register"
#define S_HGATP "Hypervisor Guest Address Translation and Protection (hgatp) Register"
#define S_HFENCE "Hypervisor Memory-Management Fence Instructions"
#define S_FENCES "Memory-Management Fences"
#define S_VSTIMECMP "Virtual Supervisor Timer (vstimecmp) Register"
#define S_HENVCFG "Hypervisor Environment Configuration Register (henvcfg)"
#define S_HCOUNTEREN "Hypervisor Counter-Enable (hcounteren) Register"

/* A growing line of text. */
struct line {
	char buf[2048];
	size_t len;
};

/* printf onto the end of a line (silently truncated when full). */
static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

/* The records an exit's handling produced, found after it on its hart;
 * on a time-shared hart the SWITCH that left its vCPU meanwhile and the
 * one that gave the hart back. */
struct handling {
	const struct tt_rec *sbi, *mmio, *exc, *irq, *stop, *entry;
	const struct tt_rec *sw_out, *sw_back;
	uint64_t hz; /* the dump's timebase */
};

/* Explanation state carried along the trace. */
struct explain {
	const struct tt_dump *d;
	uint64_t hz;
	uint8_t uart_lcr; /* the UART's line control register, as written */
};

/* Per vCPU of a hart: the exit being handled, for the records after it. */
struct hart_state {
	uint16_t hart;
	uint8_t vm, vcpu;
	const struct tt_rec *exit, *exc;
};

/* ------------------------------------------------------------ devices */

/* NS16550A register at offset off: short and long name. Offsets 0 and 1
 * are the divisor latch while LCR.DLAB (bit 7) is set; offset 2 is IIR to
 * read and FCR to write. */
static void uart_reg(unsigned off, int write, int dlab, const char **shrt,
		     const char **name)
{
	static const char *const regs[8][2] = {
		{"RBR", "receiver buffer register"},
		{"IER", "interrupt-enable register"},
		{"IIR", "interrupt-identification register"},
		{"LCR", "line-control register"},
		{"MCR", "modem-control register"},
		{"LSR", "line-status register"},
		{"MSR", "modem-status register"},
		{"SCR", "scratch register"},
	};

	*shrt = off < 8 ? regs[off][0] : "?";
	*name = off < 8 ? regs[off][1] : "unknown register";
	if (off == 0 && dlab) {
		*shrt = "DLL";
		*name = "divisor-latch low byte";
	} else if (off == 1 && dlab) {
		*shrt = "DLM";
		*name = "divisor-latch high byte";
	} else if (off == 0 && write) {
		*shrt = "THR";
		*name = "transmitter holding register";
	} else if (off == 2 && write) {
		*shrt = "FCR";
		*name = "FIFO-control register";
	}
}

/* Test device register (hyp/mmio/testdev.c) at offset off. */
static void testdev_reg(unsigned off, char *buf, size_t size)
{
	unsigned reg = off & ~7u;

	switch (reg) {
	case 0x00: snprintf(buf, size, "ID register"); break;
	case 0x08: snprintf(buf, size, "SCRATCH register"); break;
	case 0x10: snprintf(buf, size, "EXITS register (this vCPU's exit count)"); break;
	case 0x18: snprintf(buf, size, "MAGIC register (\"tracevis\")"); break;
	default:
		if (reg >= 0x20 && reg < 0x20 + 16 * 16)
			snprintf(buf, size,
				 "protected-range register (%s of host range %u)",
				 (reg & 8) ? "size" : "base", (reg - 0x20) / 16);
		else
			snprintf(buf, size, "register at offset 0x%x", off);
	}
	if (off & 7) {
		size_t n = strlen(buf);

		snprintf(buf + n, size - n, ", byte %u", off & 7);
	}
}

/* PLIC register at offset off ("RISC-V Platform-Level Interrupt
 * Controller Specification", memory map): priorities from 0, pending bits
 * at 0x1000, enables per context from 0x2000 (0x80 each), threshold and
 * claim/complete per context from 0x200000 (0x1000 each). */
static void plic_reg(unsigned off, int write, char *buf, size_t size)
{
	if (off < 0x1000)
		snprintf(buf, size, "priority register of source %u", off / 4);
	else if (off < 0x2000)
		snprintf(buf, size, "pending bits of sources %u-%u", (off - 0x1000) / 4 * 32,
			 (off - 0x1000) / 4 * 32 + 31);
	else if (off < 0x200000)
		snprintf(buf, size, "enable bits of sources %u-%u for context %u",
			 (off - 0x2000) % 0x80 / 4 * 32, (off - 0x2000) % 0x80 / 4 * 32 + 31,
			 (off - 0x2000) / 0x80);
	else if ((off - 0x200000) % 0x1000 == 0)
		snprintf(buf, size, "priority threshold of context %u", (off - 0x200000) / 0x1000);
	else if ((off - 0x200000) % 0x1000 == 4)
		snprintf(buf, size, "%s register of context %u", write ? "complete" : "claim",
			 (off - 0x200000) / 0x1000);
	else
		snprintf(buf, size, "register at offset 0x%x", off);
}

/* "the UART's line-status register (LSR)" or "the test device's ID
 * register" for an access to gpa; NULL when no device decodes gpa. */
static const char *device_reg(struct explain *x, uint64_t gpa, int write,
			      char *buf, size_t size)
{
	if (gpa >= UART_GPA && gpa < UART_GPA + UART_SIZE) {
		const char *shrt, *name;

		uart_reg((unsigned)(gpa - UART_GPA), write,
			 (x->uart_lcr & 0x80) != 0, &shrt, &name);
		snprintf(buf, size, "the UART's %s (%s)", name, shrt);
		return buf;
	}
	if (gpa >= TESTDEV_GPA && gpa < TESTDEV_GPA + TESTDEV_SIZE) {
		char reg[96];

		testdev_reg((unsigned)(gpa - TESTDEV_GPA), reg, sizeof(reg));
		snprintf(buf, size, "the test device's %s", reg);
		return buf;
	}
	if (gpa >= TV_GPA_PLIC && gpa < TV_GPA_PLIC + TV_PLIC_SIZE) {
		char reg[96];

		plic_reg((unsigned)(gpa - TV_GPA_PLIC), write, reg, sizeof(reg));
		snprintf(buf, size, "the PLIC's %s", reg);
		return buf;
	}
	if (gpa >= TV_GPA_FINISHER && gpa < TV_GPA_FINISHER + TV_FINISHER_SIZE) {
		snprintf(buf, size, "the test finisher (a write of 0x%x passes, "
			 "0x%x fails, 0x%x resets)", TV_FINISHER_PASS, TV_FINISHER_FAIL,
			 TV_FINISHER_RESET);
		return buf;
	}
	return NULL;
}

/* What a UART register value means, for the common ones. */
static void uart_value(struct line *l, uint64_t gpa, int write, uint64_t v,
		       int dlab)
{
	unsigned off = (unsigned)(gpa - UART_GPA);

	if (off == 5 && !write) {
		add(l, " (");
		add(l, "%s", v & 0x20 ? "THRE: ready to take a byte" : "busy");
		if (v & 0x01)
			add(l, ", DR: a received byte is waiting");
		else
			add(l, ", no received byte");
		add(l, ")");
	} else if (off == 0 && !dlab && write && v >= 0x20 && v < 0x7f) {
		add(l, " ('%c', printed on the console)", (char)v);
	} else if (off == 0 && !dlab && write && (v == '\n' || v == '\r')) {
		add(l, " (%s, printed on the console)",
		    v == '\n' ? "newline" : "carriage return");
	} else if (off == 3 && write) {
		add(l, " (%u data bits%s)", (unsigned)(v & 3) + 5,
		    v & 0x80 ? ", DLAB set: offsets 0 and 1 now reach the "
			       "divisor latch"
			     : "");
	}
}

/* -------------------------------------------------------------- helpers */

/* "lbu a5, 5(a5)" */
static const char *disasm(uint64_t insn, char *buf, size_t size)
{
	insn_disasm((uint32_t)insn, buf, size);
	return buf;
}

/* "GPA 0x80201000" for a guest-page fault: htval holds the address
 * shifted right by two, the low two bits are stval's, or zeros for an
 * implicit access of the VS-stage walk ("Hypervisor Trap Value (htval)
 * Register"). htval 0 is that address (GPA 0-3) or none: htval is
 * "written with either zero or the guest physical address". */
static const char *fault_gpa(const struct tv_record *exit, const struct tt_rec *mmio,
			     char *buf, size_t size)
{
	uint64_t gpa = 0;

	if (tt_exp_gpa(exit, &gpa))
		snprintf(buf, size, "GPA 0x%" PRIx64, gpa);
	else if (mmio)
		snprintf(buf, size, "no GPA given: htval 0, which the spec allows; the "
				    "hypervisor's walk of the guest's page tables found GPA 0x%" PRIx64,
			 mmio->r.arg[0]);
	else
		snprintf(buf, size, "no GPA given: htval 0, which the spec allows; "
				    "the hypervisor walked the guest's page tables for it");
	return buf;
}

/* The start of a guest-page fault's explanation when htinst holds a
 * pseudoinstruction: the fault was not on the address the instruction
 * accessed (stval) but on a VS-level page-table entry the hart's
 * VS-stage walk for it read, or wrote to update A/D ("Transformed
 * Instruction or Pseudoinstruction for mtinst or htinst"). Returns 0
 * when htinst is no pseudoinstruction. */
static int add_vs_walk(struct line *l, const struct tv_record *r,
		       const char *access)
{
	const char *what = tt_htinst_pseudo(r->arg[4]);
	char gpa[128];

	if (!what)
		return 0;
	add(l, ": the guest's %s VA 0x%" PRIx64 " needed a VS-stage page-table "
	       "walk, and the hart's %s the guest's page-table entry at %s hit "
	       "no G-stage mapping (htinst 0x%" PRIx64 ", a pseudoinstruction: "
	       "%s; the GPA is the PTE's, its low two bits zeros; the fault is "
	       "reported with the original access's type); ",
	    access, r->arg[2],
	    (r->arg[4] & 0x20) ? "update of the A/D bits in" : "read of",
	    fault_gpa(r, NULL, gpa, sizeof(gpa)), r->arg[4], what);
	return 1;
}

/* Find the records of the exit at d->recs[i]: those after it on its hart
 * up to the ENTRY that resumes the guest (or a break in the trace). When
 * a SWITCH leaves the exit's vCPU, the hart runs other vCPUs until a
 * SWITCH gives it back: their records are not this exit's. */
static void find_handling(const struct tt_dump *d, size_t i,
			  struct handling *h)
{
	const struct tt_rec *x = &d->recs[i];

	memset(h, 0, sizeof(*h));
	h->hz = tt_timebase(d);
	for (size_t j = i + 1; j < d->nrecs; j++) {
		const struct tt_rec *t = &d->recs[j];

		if (t->hart != x->hart)
			continue;
		if (t->origin != TT_FROM_DUMP)
			return;
		if (t->r.kind == TV_KIND_SWITCH && !h->sw_out &&
		    t->r.vm == x->r.vm && t->r.vcpu == x->r.vcpu) {
			h->sw_out = t;
			continue;
		}
		if (t->r.kind == TV_KIND_SWITCH && h->sw_out &&
		    t->r.arg[0] == x->r.vm && t->r.arg[1] == x->r.vcpu) {
			h->sw_back = t;
			continue;
		}
		if (h->sw_out && (t->r.kind == TV_KIND_SWITCH ||
				  t->r.vm != x->r.vm || t->r.vcpu != x->r.vcpu))
			continue;
		switch (t->r.kind) {
		case TV_KIND_SBI: if (!h->sbi) h->sbi = t; break;
		case TV_KIND_MMIO: if (!h->mmio) h->mmio = t; break;
		case TV_KIND_EXC: if (!h->exc) h->exc = t; break;
		case TV_KIND_IRQ: if (!h->irq) h->irq = t; break;
		case TV_KIND_MARK: break;
		case TV_KIND_STOP: h->stop = t; return;
		case TV_KIND_ENTRY: h->entry = t; return;
		default: return; /* EXIT, LOST, CONTROL: handling not seen */
		}
	}
}

/* "; meanwhile the hart ran vm1-vcpu0 (the slice ended) for 50.00 us":
 * the exit's vCPU was switched out during its handling. */
static void add_away(struct line *l, const struct handling *h, uint64_t hz)
{
	const struct tv_record *o = &h->sw_out->r;
	const char *why = tv_switch_name(o->arg[2]);

	add(l, "; meanwhile the hart went to vm%" PRIu64 "-vcpu%" PRIu64
	       " (switch: %s)",
	    o->arg[0], o->arg[1], why ? why : "unknown reason");
	if (h->sw_back && h->sw_back->r.time >= o->time)
		add(l, " and came back to this vCPU %.2f us later,",
		    tt_us(h->sw_back->r.time - o->time, hz));
}

/* How the guest resumed: "resumed at sepc+4", "resumed the guest at its
 * trap vector (vstvec 0x...)", "stopped the guest". */
static void add_resume(struct line *l, const struct tv_record *exit,
		       const struct handling *h)
{
	if (h->sw_out)
		add_away(l, h, h->hz);
	if (h->stop) {
		const char *why = tv_stop_name(h->stop->r.arg[0]);

		add(l, " and stopped the guest (%s)", why ? why : "stop");
		return;
	}
	if (!h->entry) {
		add(l, " (the trace does not show the guest resuming)");
		return;
	}
	uint64_t pc = h->entry->r.arg[0], sepc = exit->arg[0];

	if (h->exc && pc == h->exc->r.arg[3])
		add(l, " and resumed the guest at its trap vector (vstvec "
		       "0x%" PRIx64 ")", pc);
	else if (pc == sepc)
		add(l, " and resumed at sepc (the interrupted instruction)");
	else if (pc > sepc && pc - sepc <= 4)
		add(l, " and resumed at sepc+%" PRIu64, pc - sepc);
	else
		add(l, " and resumed at 0x%" PRIx64, pc);
}

/* The "(spec: ...)" continuation line of an exit. */
static void add_specs(struct line *l, const char *priv, const char *sbi)
{
	add(l, "RISC-V privileged spec, hypervisor chapter: %s", priv);
	if (sbi)
		add(l, "; SBI spec: %s", sbi);
}

/* SBI specification chapter of an extension. */
static const char *sbi_chapter(uint64_t eid)
{
	if (eid <= 0x0f)
		return "\"Legacy Extensions (EIDs #0x00 - #0x0F)\"";
	switch (eid) {
	case SBI_EXT_BASE: return "\"Base Extension (EID #0x10)\"";
	case SBI_EXT_TIME:
		return "\"Timer Extension (EID #0x54494D45 \"TIME\")\"";
	case SBI_EXT_IPI:
		return "\"IPI Extension (EID #0x735049 \"sPI: s-mode IPI\")\"";
	case SBI_EXT_RFENCE:
		return "\"RFENCE Extension (EID #0x52464E43 \"RFNC\")\"";
	case SBI_EXT_HSM:
		return "\"Hart State Management Extension (EID #0x48534D "
		       "\"HSM\")\"";
	case SBI_EXT_SRST:
		return "\"System Reset Extension (EID #0x53525354 \"SRST\")\"";
	case SBI_EXT_PMU:
		return "\"Performance Monitoring Unit Extension (EID #0x504D55 "
		       "\"PMU\")\"";
	case SBI_EXT_DBCN:
		return "\"Debug Console Extension (EID #0x4442434E \"DBCN\")\"";
	case SBI_EXT_SUSP:
		return "\"System Suspend Extension (EID #0x53555350 \"SUSP\")\"";
	case SBI_EXT_STA:
		return "\"Steal-time Accounting Extension (EID #0x535441 \"STA\")\"";
	case SBI_EXT_FWFT:
		return "\"SBI Firmware Features Extension (EID #0x46574654 "
		       "\"FWFT\")\"";
	default: break;
	}
	/* tracevisor's trace extension, 0x0A007476, is in the firmware
	 * space: its low 24 bits are tracevisor's implementation ID 0x7476 */
	if (eid == SBI_EXT_TRACEVISOR)
		return "\"Firmware Specific Extension Space (EIDs #0x0A000000 - "
		       "#0x0AFFFFFF)\" (tracevisor's trace extension: the low 24 "
		       "bits are tracevisor's SBI implementation ID 0x7476)";
	if (eid >= 0x0a000000 && eid <= 0x0affffff)
		return "\"Firmware Specific Extension Space (EIDs #0x0A000000 - "
		       "#0x0AFFFFFF)\"";
	if (eid >= 0x09000000 && eid <= 0x09ffffff)
		return "\"Vendor Specific Extension Space (EIDs #0x09000000 - "
		       "#0x09FFFFFF)\"";
	return "\"Binary Encoding\"";
}

/* "BASE.probe_extension" */
static void add_sbi_name(struct line *l, uint64_t eid, uint64_t fid)
{
	const char *ext = tv_sbi_ext_name(eid), *fn = tv_sbi_func_name(eid, fid);

	if (ext)
		add(l, "%s.", ext);
	else
		add(l, "EID_0x%" PRIx64 ".", eid);
	if (fn)
		add(l, "%s", fn);
	else
		add(l, "FID_%" PRIu64, fid);
}

/* ---------------------------------------------------------------- exits */

/* Environment call from VS-mode: an SBI call. */
static void exit_ecall(struct line *l, struct line *spec,
		       const struct tv_record *r, const struct handling *h)
{
	if (!h->sbi) {
		add(l, ": the guest executed ecall to ask the hypervisor for "
		       "an SBI service (the trace has no SBI record for it)");
		add_resume(l, r, h);
		add(l, ".");
		add_specs(spec, "\"" S_CAUSES "\"", "\"Binary Encoding\"");
		return;
	}
	const struct tv_record *s = &h->sbi->r;
	uint64_t eid = tv_sbi_eid(s), fid = tv_sbi_fid(s);
	char note[96];
	const char *err = tv_sbi_error_name((int64_t)s->arg[4]);

	add(l, ": the guest executed ecall to ask the hypervisor for SBI "
	       "service ");
	add_sbi_name(l, eid, fid);
	if (eid <= SBI_EXT_0_1_LAST) {
		/* "Legacy Extensions": a6 is ignored, a0 alone is returned */
		add(l, " (a7 = EID 0x%" PRIx64 ", a legacy v0.1 extension: the "
		       "EID is the function, a6 is ignored%s%s); the hypervisor ",
		    eid, *tt_sbi_note(note, s) ? "; " : "", note);
		if (h->stop)
			add(l, "carried it out");
		else
			add(l, "returned %" PRId64 " in a0 (a legacy call returns "
			       "nothing in a1)",
			    (int64_t)s->arg[4]);
		add_resume(l, r, h);
		add(l, ".");
		add_specs(spec, "\"" S_CAUSES "\" (cause 10)", sbi_chapter(eid));
		return;
	}
	add(l, " (a7 = EID 0x%" PRIx64 ", a6 = FID %" PRIu64 "%s%s); the "
	       "hypervisor ",
	    eid, fid, *tt_sbi_note(note, s) ? "; " : "", note);
	if (h->stop)
		add(l, "carried it out");
	else if (s->flags & TV_F_SBI_WIDE)
		add(l, "answered error %" PRId64 "%s%s%s in a0", (int64_t)s->arg[4],
		    err ? " (" : "", err ? err : "", err ? ")" : "");
	else if (err)
		add(l, "answered %s, value 0x%" PRIx64 " in a0/a1", err,
		    tv_sbi_value(s));
	else
		add(l, "answered error %" PRId64 ", value 0x%" PRIx64,
		    (int64_t)s->arg[4], tv_sbi_value(s));
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec, "\"" S_CAUSES "\" (cause 10)", sbi_chapter(eid));
}

/* A guest-page fault handled without a device access or an exception,
 * the guest resumed at the faulting instruction: the first touch of a
 * block of guest RAM, which tracevisor maps only then (hyp/core/vm.c). */
static int first_touch(const struct tv_record *exit, const struct handling *h)
{
	return !h->mmio && !h->exc && !h->stop && h->entry && h->entry->r.arg[0] == exit->arg[0];
}

static void add_first_touch(struct line *l)
{
	add(l, "it is guest RAM the guest had not touched yet: the hypervisor zeroed "
	       "its 2 MiB block, made the block's G-stage leaf valid");
}

/* Load or store guest-page fault: MMIO emulation, an access fault, or
 * the first touch of guest RAM. */
static void exit_gpf(struct explain *x, struct line *l, struct line *spec,
		     const struct tv_record *r, const struct handling *h)
{
	int store = r->arg[1] == EXC_STORE_GUEST_PAGE_FAULT;
	uint64_t gpa = 0;
	char dev[160], gtext[160];
	int walk = add_vs_walk(l, r, store ? "store to" : "load from");

	tt_exp_gpa(r, &gpa);
	if (!walk)
		add(l, ": the guest's %s VA 0x%" PRIx64 " (%s) hit no G-stage "
		       "mapping; ",
		    store ? "store to" : "load from", r->arg[2],
		    fault_gpa(r, h->mmio, gtext, sizeof(gtext)));
	if (h->mmio) {
		const char *what = device_reg(x, h->mmio->r.arg[0], store, dev,
					      sizeof(dev));

		add(l, "the hypervisor emulated a %s %s",
		    store ? "write to" : "read of", what ? what : "device");
	} else if (h->exc) {
		char name[64];

		tv_cause_describe(h->exc->r.arg[0], name, sizeof(name));
		if (device_reg(x, gpa, store, dev, sizeof(dev)))
			add(l, "the hypervisor could not emulate the access to "
			       "%s (misaligned, too wide, or not a plain "
			       "integer load/store), so ",
			    dev);
		else
			add(l, "no emulated device is there (the address is "
			       "outside guest RAM and the device map), so ");
		add(l, "the hypervisor injected a%s %s into the guest",
		    name[0] == 'i' ? "n" : "", name);
	} else if (first_touch(r, h)) {
		add_first_touch(l);
	} else {
		add(l, "the trace does not say how the hypervisor handled it");
	}
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec, walk ? "\"" S_TWO_STAGE "\", \"" S_GPF "\", \"" S_HTVAL
			       "\" (GPA = htval << 2: the low bits of an implicit "
			       "VS-stage access are zeros)"
			     : "\"" S_TWO_STAGE "\", \"" S_GPF "\", \"" S_HTVAL
			       "\" (GPA = htval << 2 | stval & 3)",
		  NULL);
	if (walk)
		add(spec, ", \"" S_HTINST "\" (the pseudoinstruction)");
	else if ((r->flags & TV_F_INSN) && r->arg[4])
		add(spec, ", \"" S_HTINST "\" (htinst = 0x%" PRIx64 ": the hardware's "
			  "transformed instruction: immediate offset zeroed, rs1 replaced "
			  "by the address offset %" PRIu64 "%s; nothing was read from the "
			  "guest)", r->arg[4], (r->arg[4] >> 15) & 0x1f,
		    (r->arg[4] & 2) ? "" : ", bit 1 clear: the original was 16 bits");
	else if (r->flags & TV_F_INSN)
		add(spec, ", \"" S_HLVX "\" (htinst was 0: the instruction was read "
			  "from the guest with HLVX.HU)");
	if (h->exc)
		add(spec, ", \"" S_TRAP_ENTRY "\"");
}

/* Instruction guest-page fault: the first touch of guest RAM, or nothing
 * to execute there. */
static void exit_fetch_gpf(struct line *l, struct line *spec,
			   const struct tv_record *r, const struct handling *h)
{
	char gtext[128];
	int walk = add_vs_walk(l, r, "instruction fetch from");

	if (!walk)
		add(l, ": the guest tried to fetch an instruction from VA "
		       "0x%" PRIx64 " (%s), which has no G-stage mapping; ",
		    r->arg[2], fault_gpa(r, NULL, gtext, sizeof(gtext)));
	if (h->exc) {
		char name[64];

		tv_cause_describe(h->exc->r.arg[0], name, sizeof(name));
		add(l, "the hypervisor injected a%s %s into the guest",
		    name[0] == 'i' ? "n" : "", name);
	} else if (first_touch(r, h))
		add_first_touch(l);
	else
		add(l, "the trace does not say how the hypervisor handled it");
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec,
		  "\"" S_TWO_STAGE "\", \"" S_GPF "\", \"" S_HTVAL "\", \"" S_TRAP_ENTRY "\"",
		  NULL);
	if (walk)
		add(spec, ", \"" S_HTINST "\" (the pseudoinstruction)");
}

/* What the guest resumes after, for an entry at sepc + 2 or + 4: the
 * ecall, or the instruction the exit recorded (`wfi`, a counter read). */
static const char *resumed_past(const struct tv_record *exit, char *buf, size_t size)
{
	/* the instruction fetched, or the one an illegal- or virtual-
	 * instruction exit's stval holds (tt_exp_insn) */
	uint32_t insn;

	if (exit->arg[1] == EXC_ECALL_VS)
		return "ecall";
	if (tt_exp_insn(exit, &insn)) {
		size_t n;

		buf[0] = '`';
		insn_disasm(insn, buf + 1, size - 2);
		n = strlen(buf);
		buf[n] = '`';
		buf[n + 1] = '\0';
		return buf;
	}
	return "emulated instruction";
}

/* Virtual instruction: WFI under hstatus.VTW, or an instruction VS-mode
 * may not execute. */
static void exit_virtual(struct explain *x, struct line *l,
			 struct line *spec, const struct tv_record *r,
			 const struct handling *h)
{
	char text[96];
	uint64_t insn = (r->flags & TV_F_INSN) ? r->arg[5] : r->arg[2];

	if ((uint32_t)insn == 0x10500073) {
		add(l, ": the guest executed wfi while hstatus.VTW=1, so the "
		       "hart raised a virtual-instruction exception instead of "
		       "waiting; ");
		if (h->sw_out)
			add(l, "the hypervisor let the vCPU wait and gave the "
			       "hart to another one");
		else
			add(l, "the hypervisor waited for an interrupt on the "
			       "guest's behalf");
		if (!h->sw_out && h->entry && h->entry->r.time >= r->time)
			add(l, " (%.2f us)",
			    tt_us(h->entry->r.time - r->time, x->hz));
		add_resume(l, r, h);
		add(l, ".");
		add_specs(spec,
			  "\"" S_HSTATUS "\" (VTW), \"" S_CAUSES "\" "
			  "(virtual instruction, cause 22)",
			  NULL);
		return;
	}
	add(l, ": the guest executed ");
	if (insn)
		add(l, "`%s`", disasm(insn, text, sizeof(text)));
	else
		add(l, "an instruction");
	add(l, ", which VS-mode may not execute although HS-mode could, so "
	       "the hart raised a virtual-instruction exception");
	if (h->exc)
		add(l, "; the hypervisor does not emulate it and, as the "
		       "specification advises, injected an illegal-instruction "
		       "exception into the guest");
	else
		add(l, "; the hypervisor emulated it for the guest");
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec, "\"" S_CAUSES "\" (virtual instruction, cause 22), "
			"\"" S_TRAP_ENTRY "\"",
		  NULL);
}

/* An exception of the guest's own that is not delegated to it. */
static void exit_guest_exception(struct line *l, struct line *spec,
				 const struct tv_record *r,
				 const struct handling *h)
{
	char text[96];
	uint64_t cause = r->arg[1];

	if (cause == EXC_ILLEGAL_INST && r->arg[2] &&
	    strncmp(disasm(r->arg[2], text, sizeof(text)), "unknown", 7) == 0)
		add(l, ": the guest executed instruction 0x%08" PRIx64 ", which "
		       "the hart does not implement",
		    r->arg[2]);
	else if (cause == EXC_ILLEGAL_INST && r->arg[2])
		add(l, ": the guest executed `%s`, which it may not execute "
		       "there",
		    text);
	else if (cause == EXC_BREAKPOINT)
		add(l, ": the guest executed ebreak at 0x%" PRIx64, r->arg[0]);
	else if (cause == EXC_ILLEGAL_INST)
		add(l, ": the guest executed an illegal instruction at 0x%" PRIx64
		       " (stval 0: the hart did not give its bits, or they "
		       "are all zeros)",
		    r->arg[0]);
	else if (cause == EXC_ECALL_U)
		add(l, ": a program in the guest's user mode (VU-mode) executed "
		       "ecall at 0x%" PRIx64 ", a system call for the guest's kernel",
		    r->arg[0]);
	else if (cause == EXC_INST_MISALIGNED || cause == EXC_LOAD_MISALIGNED ||
		 cause == EXC_STORE_MISALIGNED)
		add(l, ": the guest's %s address 0x%" PRIx64 " is misaligned (stval)",
		    cause == EXC_INST_MISALIGNED ? "instruction" :
		    cause == EXC_LOAD_MISALIGNED ? "load" : "store/AMO",
		    r->arg[2]);
	else if (cause == EXC_INST_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT ||
		 cause == EXC_STORE_PAGE_FAULT)
		add(l, ": the guest's %s VA 0x%" PRIx64 " faulted in its own "
		       "(VS-stage) page tables, not in the G-stage (stval)",
		    cause == EXC_INST_PAGE_FAULT ? "instruction fetch from" :
		    cause == EXC_LOAD_PAGE_FAULT ? "load from" : "store to",
		    r->arg[2]);
	else
		add(l, ": the guest's access faulted (stval 0x%" PRIx64 ")",
		    r->arg[2]);
	add(l, "; this exception is not delegated to the guest (its hedeleg "
	       "bit %" PRIu64 " is clear), so it came to the hypervisor first",
	    cause);
	if (h->exc)
		add(l, ", which injected it into the guest unchanged");
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec, "\"" S_DELEG "\", \"" S_TRAP_ENTRY "\"", NULL);
}

/* An interrupt while the guest ran. */
static void exit_interrupt(struct line *l, struct line *spec,
			   const struct tv_record *r, const struct handling *h)
{
	uint64_t code = r->arg[1] & ~CAUSE_INTERRUPT;

	if (code == IRQ_S_TIMER) {
		if (h->sw_out && h->sw_out->r.arg[2] == TV_SWITCH_SLICE)
			add(l, ": the hypervisor's own timer fired while the "
			       "guest ran (HS-level interrupts are always "
			       "enabled when V=1): the end of the vCPU's time "
			       "slice, or the guest's deadline");
		else
			add(l, ": the hypervisor's own timer, armed for the "
			       "guest's deadline, fired while the guest ran "
			       "(HS-level interrupts are always enabled when "
			       "V=1)");
		if (h->irq && h->irq->r.arg[2] == TV_IRQ_RAISED_VSTIMECMP)
			add(l, "; the hypervisor raised a virtual supervisor "
			       "timer interrupt through the guest's vstimecmp (set "
			       "to 0), which the guest's next stimecmp write "
			       "lowers,");
		else if (h->irq && h->irq->r.arg[2])
			add(l, "; the hypervisor injected a virtual supervisor "
			       "timer interrupt by setting hvip.VSTIP (hvip = "
			       "0x%" PRIx64 ")",
			    h->irq->r.arg[1]);
		add_resume(l, r, h);
		add(l, "; the guest takes the interrupt as soon as it has "
		       "timer interrupts enabled.");
		add_specs(spec,
			  "\"" S_HVIP "\", \"" S_DELEG "\" (hideleg gives VS "
			  "timer interrupts to the guest as supervisor timer "
			  "interrupts)",
			  sbi_chapter(SBI_EXT_TIME));
		return;
	}
	add(l, ": an interrupt for the hypervisor arrived while the guest "
	       "ran");
	add_resume(l, r, h);
	add(l, ".");
	add_specs(spec, "\"" S_HVIP "\"", NULL);
}

/* An EXIT record with its handling. */
static void explain_exit(struct explain *x, struct line *l, struct line *spec,
			 size_t i)
{
	const struct tv_record *r = &x->d->recs[i].r;
	struct handling h;
	char name[64];

	find_handling(x->d, i, &h);
	tv_cause_describe(r->arg[1], name, sizeof(name));
	add(l, "%s", name);
	switch (r->arg[1]) {
	case EXC_ECALL_VS:
		exit_ecall(l, spec, r, &h);
		break;
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		exit_gpf(x, l, spec, r, &h);
		break;
	case EXC_INST_GUEST_PAGE_FAULT:
		exit_fetch_gpf(l, spec, r, &h);
		break;
	case EXC_VIRTUAL_INST:
		exit_virtual(x, l, spec, r, &h);
		break;
	default:
		if (r->arg[1] & CAUSE_INTERRUPT)
			exit_interrupt(l, spec, r, &h);
		else
			exit_guest_exception(l, spec, r, &h);
		break;
	}
}

/* ----------------------------------------------------- other records */

/* What an SBI call did, by function. */
static void explain_sbi(struct explain *x, struct line *l,
			const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	const char *err = tv_sbi_error_name((int64_t)r->arg[4]);
	int ok = (int64_t)r->arg[4] == 0;
	uint64_t value = tv_sbi_value(r);
	char note[96], args[64];

	add(l, "SBI call ");
	add_sbi_name(l, eid, fid);
	if (eid <= SBI_EXT_0_1_LAST) {
		/* "Legacy Extensions": a0 alone is returned, its meaning the
		 * extension's own (getchar: the byte, or -1) */
		int64_t a0 = (int64_t)r->arg[4];

		add(l, "(0x%" PRIx64 ") -> a0 = %" PRId64 " (a legacy v0.1 call: "
		       "a0 is its only result, no SBI error code)",
		    r->arg[1], a0);
		if (eid == SBI_EXT_0_1_CONSOLE_GETCHAR && a0 == -1)
			add(l, ": no byte was waiting on the console");
		else if (eid == SBI_EXT_0_1_CONSOLE_GETCHAR && a0 >= 0x20 && a0 < 0x7f)
			add(l, ": read '%c' from the console", (char)a0);
		else if (eid == SBI_EXT_0_1_CONSOLE_GETCHAR && a0 >= 0)
			add(l, ": read byte 0x%02" PRIx64 " from the console", (uint64_t)a0);
		else if (eid == SBI_EXT_0_1_CONSOLE_PUTCHAR && a0 == 0 &&
			 (r->arg[1] & 0xff) >= 0x20 && (r->arg[1] & 0xff) < 0x7f)
			add(l, ": printed '%c' on the console", (char)(r->arg[1] & 0xff));
		else if (eid == SBI_EXT_0_1_SET_TIMER && a0 == 0)
			add(l, ": the guest set its timer deadline to time 0x%" PRIx64
			       "; the legacy set_timer \"also clears the pending "
			       "timer interrupt bit\"",
			    r->arg[1]);
		else if (a0 == SBI_ERR_NOT_SUPPORTED)
			add(l, ": not offered here (SBI_ERR_NOT_SUPPORTED)");
		return;
	}
	add(l, "(%s) -> %s", tt_sbi_args(args, r), err ? err : "error");
	if (r->flags & TV_F_SBI_WIDE) {
		/* (a version 1-3 record: the value was not recorded) */
	} else if (eid == SBI_EXT_BASE && fid == SBI_BASE_PROBE_EXT) {
		const char *ext = tv_sbi_ext_name(r->arg[1]);

		add(l, ": the guest asked whether extension 0x%" PRIx64 "%s%s%s "
		       "is available: %s",
		    r->arg[1], ext ? " (" : "", ext ? ext : "", ext ? ")" : "",
		    value ? "yes" : "no");
	} else if (eid == SBI_EXT_BASE && fid == SBI_BASE_GET_SPEC_VERSION) {
		add(l, ": SBI specification version %" PRIu64 ".%" PRIu64,
		    (value >> 24) & 0x7f, value & 0xffffff);
	} else if (eid == SBI_EXT_BASE && ok) {
		add(l, ": value 0x%" PRIx64, value);
	} else if (eid == SBI_EXT_DBCN && fid == SBI_DBCN_CONSOLE_WRITE && ok) {
		add(l, ": printed %" PRIu64 " bytes the guest placed at GPA "
		       "0x%" PRIx64 " on the console (the hypervisor found them "
		       "through the G-stage map)",
		    value, r->arg[2]);
	} else if (eid == SBI_EXT_DBCN && fid == SBI_DBCN_CONSOLE_WRITE_BYTE &&
		   ok) {
		uint64_t c = r->arg[1] & 0xff;

		if (c >= 0x20 && c < 0x7f)
			add(l, ": printed '%c' on the console", (char)c);
		else
			add(l, ": printed byte 0x%02" PRIx64 " on the console",
			    c);
	} else if (eid == SBI_EXT_TIME && fid == SBI_TIME_SET_TIMER && ok &&
		   r->arg[1] == UINT64_MAX) {
		add(l, ": the guest cancelled its timer (deadline all ones: "
		       "never); the hypervisor disarms its own timer and clears "
		       "any pending virtual timer interrupt, as set_timer must");
	} else if (eid == SBI_EXT_TIME && fid == SBI_TIME_SET_TIMER && ok) {
		char when[32];

		add(l, ": the guest set its timer deadline to time 0x%" PRIx64
		       " (%s s); the hypervisor arms its own timer for it and, "
		       "as set_timer must for a deadline in the future, clears "
		       "any pending virtual timer interrupt",
		    r->arg[1], tt_time(when, r->arg[1], x->hz));
	} else if (eid == SBI_EXT_SRST && fid == SBI_SRST_SYSTEM_RESET && ok) {
		/* reset_type: 0 shutdown, 1 cold reboot, 2 warm reboot
		 * ("System Reset Extension", function system_reset) */
		if (r->arg[1] <= SBI_SRST_TYPE_WARM_REBOOT)
			add(l, ": the guest asked for a %s",
			    r->arg[1] == SBI_SRST_TYPE_SHUTDOWN ? "shutdown"
			    : r->arg[1] == SBI_SRST_TYPE_COLD_REBOOT ? "cold reboot"
								  : "warm reboot");
		else
			add(l, ": the guest asked for a reset of type 0x%" PRIx64
			       " (not shutdown 0, cold reboot 1 or warm reboot 2)",
			    r->arg[1]);
	} else if (eid == SBI_EXT_TRACEVISOR && ok) {
		add(l, ": the guest controls tracevisor's tracing");
	} else if ((int64_t)r->arg[4] == -2) {
		add(l, ": no such extension or function here");
	} else if ((int64_t)r->arg[4] == -3) {
		add(l, ": the hypervisor refused the parameters");
	} else {
		add(l, ", value 0x%" PRIx64, value);
	}
	if (*tt_sbi_note(note, r))
		add(l, " (%s)", note);
}

/* An emulated device access. */
static void explain_mmio(struct explain *x, struct line *l,
			 const struct tt_rec *t)
{
	const struct tv_record *r = &t->r;
	uint64_t info = r->arg[2], gpa = r->arg[0];
	unsigned width = TV_MMIO_WIDTH(info);
	int write = TV_MMIO_WRITE(info);
	int dlab = (x->uart_lcr & 0x80) != 0;
	char dev[160], text[96];
	const char *what = device_reg(x, gpa, write, dev, sizeof(dev));

	if (r->arg[3])
		add(l, "emulated `%s`: ", disasm(r->arg[3], text, sizeof(text)));
	else
		add(l, "emulated the access: ");
	if (write)
		add(l, "wrote %u byte%s, 0x%" PRIx64 " from %s, at GPA "
		       "0x%" PRIx64 ", %s",
		    width, width == 1 ? "" : "s", r->arg[1],
		    insn_reg_name(TV_MMIO_REG(info)), gpa,
		    what ? what : "a device");
	else
		add(l, "read %u byte%s at GPA 0x%" PRIx64 ", %s: 0x%" PRIx64
		       "%s into %s",
		    width, width == 1 ? "" : "s", gpa, what ? what : "a device",
		    r->arg[1], TV_MMIO_SIGN(info) ? " sign-extended" : "",
		    insn_reg_name(TV_MMIO_REG(info)));
	if (gpa >= UART_GPA && gpa < UART_GPA + UART_SIZE)
		uart_value(l, gpa, write, r->arg[1], dlab);
	/* Follow LCR for DLAB. */
	if (write && gpa == UART_GPA + 3)
		x->uart_lcr = (uint8_t)r->arg[1];
}

/* An exception delivered to the guest. */
static void explain_exc(struct line *l, const struct tv_record *r)
{
	char name[64];

	tv_cause_describe(r->arg[0], name, sizeof(name));
	add(l, "injected %s into the guest as the hardware would deliver it: "
	       "vsepc = 0x%" PRIx64 " (the faulting pc), vscause = %" PRIu64
	       ", vstval = 0x%" PRIx64 ", vsstatus.SPP = the guest's privilege, "
	       "SPIE = SIE, SIE = 0; the guest continues at its trap vector "
	       "vstvec = 0x%" PRIx64 " (\"" S_TRAP_ENTRY "\")",
	    name, r->arg[2], r->arg[0], r->arg[1], r->arg[3]);
}

/* A virtual interrupt raised or withdrawn. */
static void explain_irq(struct line *l, const struct tv_record *r)
{
	char name[64];

	tv_cause_describe(r->arg[0], name, sizeof(name));
	if (r->arg[2] == TV_IRQ_RAISED_VSTIMECMP)
		add(l, "raised a %s for the guest through vstimecmp (set to 0; "
		       "hvip 0x%" PRIx64 " does not show it): the guest has "
		       "Sstc, whose stimecmp the firmware's set_timer writes on "
		       "a native hart, so the guest's next stimecmp write lowers "
		       "it (\"" S_VSTIMECMP "\")",
		    name, r->arg[1]);
	else if (r->arg[2])
		add(l, "raised a %s for the guest through hvip (now 0x%" PRIx64
		       "); the guest sees it as its own supervisor-level "
		       "interrupt (\"" S_HVIP "\")",
		    name, r->arg[1]);
	else if (r->arg[0] == (CAUSE_INTERRUPT | IRQ_VS_TIMER))
		add(l, "withdrew the guest's pending %s: cleared its hvip bit "
		       "(now 0x%" PRIx64 ") and, where the guest has Sstc, moved "
		       "vstimecmp past the present: hip.VSTIP is the OR of the two "
		       "(\"" S_HVIP "\", \"" S_VSTIMECMP "\")",
		    name, r->arg[1]);
	else
		add(l, "withdrew the guest's pending %s: cleared its hvip bit "
		       "(now 0x%" PRIx64 ") (\"" S_HVIP "\")",
		    name, r->arg[1]);
}

/* The guest resumes: where, relative to the exit. */
static void explain_entry(struct line *l, const struct tv_record *r,
			  const struct hart_state *s)
{
	uint64_t pc = r->arg[0];
	char text[96];

	if (!s || !s->exit) {
		add(l, "entered the guest with sret at 0x%" PRIx64 " "
		       "(hstatus.SPV=1, sstatus.SPP=1: VS-mode)",
		    pc);
	} else {
		uint64_t sepc = s->exit->r.arg[0];

		add(l, "back to the guest with sret at 0x%" PRIx64, pc);
		if (s->exc && pc == s->exc->r.arg[3])
			add(l, ", its trap vector, to handle the injected "
			       "exception");
		else if (pc == sepc)
			add(l, " = sepc, the instruction it was interrupted at");
		else if (pc > sepc && pc - sepc <= 4)
			add(l, " = sepc+%" PRIu64 ", past the %s", pc - sepc,
			    resumed_past(&s->exit->r, text, sizeof(text)));
	}
	if (r->arg[1])
		add(l, "; hvip = 0x%" PRIx64 " keeps a virtual interrupt "
		       "pending for it",
		    r->arg[1]);
}

/*
 * A SWITCH record: what a world switch between two VMs' vCPUs does on
 * one hart. The VS CSRs stand in for the supervisor CSRs only while V=1
 * ("Hypervisor and Virtual Supervisor CSRs"), so HS-mode swaps them like
 * memory; the H CSRs a hypervisor keeps per vCPU, the GPRs and the FP
 * state go with them; hgatp's VMID tags the G-stage translations, so a
 * hart with VMID bits needs no flush, one without (VMIDLEN 0) flushes
 * with HFENCE.GVMA.
 */
static void explain_switch(struct explain *x, struct line *l,
			   struct line *spec, const struct tv_record *r)
{
	const char *name = tv_switch_name(r->arg[2]);
	const char *why = tt_switch_why(r->arg[2]);
	uint64_t hgatp = r->arg[4];

	add(l, "world switch: the hart leaves vm%u-vcpu%u for vm%" PRIu64
	       "-vcpu%" PRIu64 " because %s; it ran %.2f us. ",
	    r->vm, r->vcpu, r->arg[0], r->arg[1],
	    why ? why : "of a reason this tvtrace does not know",
	    tt_us(r->arg[3], x->hz));
	add(l, "In HS-mode (V=0) the VS CSRs do not act on the hart, so the "
	       "hypervisor saves the outgoing vCPU's and loads the incoming "
	       "one's: vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, "
	       "vstval and vsatp; hvip (its pending virtual interrupts); its "
	       "timer (vstimecmp with Sstc); henvcfg, hcounteren and hedeleg, "
	       "which tracevisor sets per vCPU (FWFT, SBI PMU); senvcfg and "
	       "scounteren, supervisor CSRs with no VS copy that the guest "
	       "uses directly; the FP registers and fcsr (and the vector "
	       "registers when the guest has V), which the hypervisor never "
	       "uses itself; and the guest's x1-x31, kept in each vCPU's own "
	       "save area. ");
	add(l, "hgatp becomes 0x%016" PRIx64 " (%s, VMID %u, G-stage root "
	       "0x%" PRIx64 "); vsatp is zeroed before hgatp and henvcfg "
	       "change and written after, so no VS-stage translation is "
	       "cached under the wrong VMID. ",
	    hgatp, tt_hgatp_mode(hgatp), tt_hgatp_vmid(hgatp),
	    tt_hgatp_root(hgatp));
	if (r->arg[5])
		add(l, "The G-stage TLB was flushed (HFENCE.GVMA): without VMID "
		       "bits (VMIDLEN 0) the cached translations of both VMs "
		       "look alike. ");
	else
		add(l, "No TLB flush: cached translations are tagged with their "
		       "VM's VMID, so the other VM's stay valid and unused. ");
	if (r->arg[2] == TV_SWITCH_SLICE)
		add(l, "The HS timer is armed for the end of the incoming "
		       "vCPU's slice (tv.slice); until vm%u-vcpu%u gets the hart "
		       "back it is ready but not running: steal time, as the "
		       "SBI STA extension reports it. ",
		    r->vm, r->vcpu);
	else if (r->arg[2] == TV_SWITCH_WAIT)
		add(l, "vm%u-vcpu%u waits for an interrupt or an HSM start; it "
		       "gets the hart back when it can run. ",
		    r->vm, r->vcpu);
	add(l, "Record: vm/vcpu = the vCPU the hart leaves, arg[0] = %" PRIu64
	       " incoming VM, arg[1] = %" PRIu64 " incoming vCPU, arg[2] = %"
	       PRIu64 " reason (%s), arg[3] = %" PRIu64 " ticks it ran, "
	       "arg[4] = the incoming hgatp, arg[5] = %" PRIu64 " (1: TLB "
	       "flushed).",
	    r->arg[0], r->arg[1], r->arg[2], name ? name : "unknown",
	    r->arg[3], r->arg[5]);
	add_specs(spec,
		  "\"" S_HV_CSRS "\" (the VS CSRs substitute for the supervisor "
		  "CSRs only when V=1), \"" S_VSSTATUS "\" (FS), \"" S_HVIP
		  "\", \"" S_VSTIMECMP "\", \"" S_HENVCFG
		  "\", \"" S_HCOUNTEREN "\", \"" S_DELEG "\", \"" S_HGATP "\" "
		  "(VMID), \"" S_HFENCE "\" (HFENCE.GVMA), \"" S_FENCES "\" "
		  "(the world-switch order of vsatp and hgatp)",
		  r->arg[2] == TV_SWITCH_SLICE ? sbi_chapter(SBI_EXT_STA)
					       : NULL);
}

/* One record's explanation (not EXIT). */
static void explain_other(struct explain *x, struct line *l,
			  const struct tt_rec *t, const struct hart_state *s)
{
	const struct tv_record *r = &t->r;

	switch (r->kind) {
	case TV_KIND_ENTRY: explain_entry(l, r, s); break;
	case TV_KIND_SBI: explain_sbi(x, l, r); break;
	case TV_KIND_MMIO: explain_mmio(x, l, t); break;
	case TV_KIND_EXC: explain_exc(l, r); break;
	case TV_KIND_IRQ: explain_irq(l, r); break;
	case TV_KIND_MARK:
		add(l, "the guest's marker 0x%" PRIx64 " (tracevisor's SBI trace "
		       "extension, function trace_mark)",
		    r->arg[0]);
		break;
	case TV_KIND_LOST:
		if (t->origin == TT_GAP_UNKNOWN)
			add(l, "records were lost here: frames are missing "
			       "from the console log");
		else if (t->origin == TT_GAP_KNOWN)
			add(l, "%" PRIu64 " records were lost here: their "
			       "frames are missing from the console log",
			    r->arg[0]);
		else if (t->origin == TT_GAP_UNSENT)
			add(l, "%" PRIu64 " records were lost here: the dump "
			       "read them out of the ring and never sent them",
			    r->arg[0]);
		else
			add(l, "%" PRIu64 " records were lost here: the ring "
			       "was full before they could be dumped",
			    r->arg[0]);
		break;
	case TV_KIND_CONTROL:
		add(l, "tracing %s",
		    r->arg[0] == TV_CTL_START ? "switched on"
		    : r->arg[0] == TV_CTL_STOP ? "switched off"
						: "filter changed");
		break;
	case TV_KIND_STOP: {
		const char *why = tv_stop_name(r->arg[0]);

		add(l, "the hypervisor stopped the guest (%s) and dumps the "
		       "trace",
		    why ? why : "unknown reason");
		break;
	}
	default:
		add(l, "record of kind %u", r->kind);
	}
}

/* The state of a vCPU on a hart, created when new (a small list). */
static struct hart_state *hart_state(struct hart_state **hs, size_t *n,
				     size_t *cap, const struct tt_rec *t)
{
	struct hart_state *a = *hs;

	for (size_t i = 0; i < *n; i++)
		if (a[i].hart == t->hart && a[i].vm == t->r.vm &&
		    a[i].vcpu == t->r.vcpu)
			return &a[i];
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*hs = tt_xrealloc(*hs, *cap, sizeof(**hs));
	}
	memset(&(*hs)[*n], 0, sizeof(**hs));
	(*hs)[*n].hart = t->hart;
	(*hs)[*n].vm = t->r.vm;
	(*hs)[*n].vcpu = t->r.vcpu;
	return &(*hs)[(*n)++];
}

void tt_explain_each(struct tt_dump *d, tt_explain_fn fn, void *ctx)
{
	struct explain x = {d, tt_timebase(d), 0};
	struct hart_state *hs = NULL;
	size_t nhs = 0, caphs = 0;

	tt_sort(d);
	for (size_t k = 0; k < d->nrecs; k++) {
		size_t i = d->order[k];
		const struct tt_rec *t = &d->recs[i];
		struct hart_state *s = hart_state(&hs, &nhs, &caphs, t);
		struct line l, spec;

		l.len = spec.len = 0;
		l.buf[0] = spec.buf[0] = '\0';
		if (t->origin == TT_FROM_DUMP && t->r.kind == TV_KIND_EXIT)
			explain_exit(&x, &l, &spec, i);
		else if (t->origin == TT_FROM_DUMP &&
			 t->r.kind == TV_KIND_SWITCH)
			explain_switch(&x, &l, &spec, &t->r);
		else
			explain_other(&x, &l, t, s); /* keeps UART state */
		if (tv_filter_record(&tt_filter, t->hart, &t->r))
			fn(ctx, t, l.buf, spec.buf);
		/* Follow the exit being handled for this vCPU on this hart:
		 * its entry or its VM's stop ends it; a record not from the
		 * dump, a loss or a tracing start/stop ends those of every
		 * vCPU of the hart (a switch ends none: the exit waits for
		 * its vCPU to get the hart back). */
		if (t->origin != TT_FROM_DUMP || t->r.kind == TV_KIND_LOST ||
		    t->r.kind == TV_KIND_CONTROL) {
			for (size_t j = 0; j < nhs; j++)
				if (hs[j].hart == t->hart)
					hs[j].exit = hs[j].exc = NULL;
		} else if (t->r.kind == TV_KIND_ENTRY ||
			   t->r.kind == TV_KIND_STOP) {
			s->exit = s->exc = NULL;
		} else if (t->r.kind == TV_KIND_EXIT) {
			s->exit = t;
			s->exc = NULL;
		} else if (t->r.kind == TV_KIND_EXC) {
			s->exc = t;
		}
	}
	free(hs);
}

/* Where --explain prints, and the dump's timebase for the time column. */
struct print_ctx {
	FILE *out;
	uint64_t hz;
};

/* --explain's line for one record, the spec sections indented below. */
static void print_one(void *ctx, const struct tt_rec *t, const char *text,
		      const char *spec)
{
	const struct print_ctx *p = ctx;
	char time[32];
	const char *kind = tv_kind_name(t->r.kind);
	int plen;

	plen = fprintf(p->out, "%12s [%03u] vm%u-vcpu%u %-7s ",
		       tt_time(time, t->r.time, p->hz), t->hart, t->r.vm,
		       t->r.vcpu, kind ? kind : "?");
	fprintf(p->out, "%s\n", text);
	if (spec[0] && plen > 0)
		fprintf(p->out, "%*s(%s)\n", plen, "", spec);
}

void tt_print_explain(FILE *out, struct tt_dump *d)
{
	struct print_ctx p = {out, tt_timebase(d)};

	tt_explain_each(d, print_one, &p);
}
