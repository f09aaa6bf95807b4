/*
 * Privileged state from VS-mode: reads and writes of the hypervisor's and
 * the VS-level CSRs, machine-mode CSRs, the hypervisor's load/store and
 * fence instructions, mret and dret.
 *
 * Hypervisor and VS CSRs, HLV/HLVX/HSV and HFENCE in VS-mode raise a
 * virtual-instruction exception (hypervisor specification, "Virtual
 * Instruction Exceptions"), which the hypervisor must turn into the
 * illegal-instruction exception the guest would see on a machine without
 * H; machine-level CSRs, mret and dret are illegal instructions outright.
 * Either way: scause 2 and stval = the instruction's bits ("stval": on an
 * illegal-instruction trap it may hold the faulting instruction; tracevisor
 * and QEMU provide it), with no effect and no value read.
 */
#include <string.h>

#include "hostile.h"

#define SENTINEL 0x5a5aa5a5deadbeefULL

/* A runner executes its instruction once, reports where it is in *pc and
 * returns its destination register (SENTINEL when untouched). */
typedef uint64_t (*runner)(uint64_t *pc);

#define CSR_READ(name, csr)                                                    \
	static uint64_t name(uint64_t *pc)                                     \
	{                                                                      \
		uint64_t r = SENTINEL, p;                                      \
		__asm__ volatile("lla %1, 1f\n1: csrr %0, " #csr               \
				 : "+r"(r), "=&r"(p)::"memory");               \
		*pc = p;                                                       \
		return r;                                                      \
	}
#define CSR_WRITE(name, csr, val)                                              \
	static uint64_t name(uint64_t *pc)                                     \
	{                                                                      \
		uint64_t p;                                                    \
		__asm__ volatile("lla %0, 1f\n1: csrw " #csr ", %1"            \
				 : "=&r"(p) : "r"(val) : "memory");            \
		*pc = p;                                                       \
		return SENTINEL;                                               \
	}
/* Any other instruction, with a0 = a harmless address in our RAM. */
#define INSN(name, text)                                                       \
	static uint64_t name(uint64_t *pc)                                     \
	{                                                                      \
		register uint64_t r __asm__("t0") = SENTINEL;                  \
		register uint64_t a __asm__("a0") = (uint64_t)(uintptr_t)&scratch_word; \
		uint64_t p;                                                    \
		__asm__ volatile("lla %1, 1f\n"                                \
				 ".option push\n.option arch, +h\n"            \
				 "1: " text "\n.option pop"                    \
				 : "+r"(r), "=&r"(p) : "r"(a), "r"(0x77UL) : "memory"); \
		*pc = p;                                                       \
		return r;                                                      \
	}

static volatile uint64_t scratch_word = 0x1122334455667788ULL;

CSR_READ(rd_hstatus, 0x600)
CSR_READ(rd_hedeleg, 0x602)
CSR_READ(rd_hideleg, 0x603)
CSR_READ(rd_hie, 0x604)
CSR_READ(rd_htimedelta, 0x605)
CSR_READ(rd_hcounteren, 0x606)
CSR_READ(rd_hgeie, 0x607)
CSR_READ(rd_henvcfg, 0x60a)
CSR_READ(rd_htval, 0x643)
CSR_READ(rd_hip, 0x644)
CSR_READ(rd_hvip, 0x645)
CSR_READ(rd_htinst, 0x64a)
CSR_READ(rd_hgatp, 0x680)
CSR_READ(rd_hgeip, 0xe12)
CSR_READ(rd_vsstatus, 0x200)
CSR_READ(rd_vsie, 0x204)
CSR_READ(rd_vstvec, 0x205)
CSR_READ(rd_vsscratch, 0x240)
CSR_READ(rd_vsepc, 0x241)
CSR_READ(rd_vscause, 0x242)
CSR_READ(rd_vstval, 0x243)
CSR_READ(rd_vsip, 0x244)
CSR_READ(rd_vsatp, 0x280)
CSR_WRITE(wr_hgatp, 0x680, 0UL)
CSR_WRITE(wr_hstatus, 0x600, ~0UL)
CSR_WRITE(wr_hvip, 0x645, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
CSR_WRITE(wr_hedeleg, 0x602, ~0UL)
CSR_WRITE(wr_hideleg, 0x603, ~0UL)
CSR_WRITE(wr_hie, 0x604, ~0UL)
CSR_WRITE(wr_htimedelta, 0x605, 1UL << 62)
CSR_WRITE(wr_hcounteren, 0x606, 0UL)
CSR_WRITE(wr_henvcfg, 0x60a, ~0UL)
CSR_WRITE(wr_hgeie, 0x607, ~0UL)
CSR_WRITE(wr_htval, 0x643, ~0UL)
CSR_WRITE(wr_vsatp, 0x280, 0UL)
CSR_WRITE(wr_vstvec, 0x205, 0UL)
CSR_WRITE(wr_vsstatus, 0x200, ~0UL)
CSR_READ(rd_mstatus, 0x300)
CSR_READ(rd_medeleg, 0x302)
CSR_READ(rd_mhartid, 0xf14)
CSR_READ(rd_dcsr, 0x7b0)
CSR_WRITE(wr_mtvec, 0x305, 0UL)
CSR_WRITE(wr_mepc, 0x341, 0UL)
CSR_WRITE(wr_pmpcfg0, 0x3a0, 0x1fUL)
CSR_WRITE(wr_pmpaddr0, 0x3b0, ~0UL)
INSN(set_hvip, "csrrs t0, 0x645, %3")
INSN(clear_hstatus, "csrrci t0, 0x600, 0x1f")
INSN(hlv_w, "hlv.w t0, (%2)")
INSN(hlv_d, "hlv.d t0, (%2)")
INSN(hlvx_hu, "hlvx.hu t0, (%2)")
INSN(hsv_w, "hsv.w %3, (%2)")
INSN(hsv_d, "hsv.d %3, (%2)")
INSN(hfence_vvma, "hfence.vvma")
INSN(hfence_gvma, "hfence.gvma")
INSN(hfence_gvma_addr, "hfence.gvma %2, zero")
INSN(mret, "mret")
INSN(dret, ".word 0x7b200073")

static const struct {
	const char *what;
	runner run;
} insns[] = {
	{ "csrr hstatus", rd_hstatus }, { "csrr hedeleg", rd_hedeleg },
	{ "csrr hideleg", rd_hideleg }, { "csrr hie", rd_hie },
	{ "csrr htimedelta", rd_htimedelta }, { "csrr hcounteren", rd_hcounteren },
	{ "csrr hgeie", rd_hgeie }, { "csrr henvcfg", rd_henvcfg },
	{ "csrr htval", rd_htval }, { "csrr hip", rd_hip }, { "csrr hvip", rd_hvip },
	{ "csrr htinst", rd_htinst }, { "csrr hgatp", rd_hgatp }, { "csrr hgeip", rd_hgeip },
	{ "csrr vsstatus", rd_vsstatus }, { "csrr vsie", rd_vsie },
	{ "csrr vstvec", rd_vstvec }, { "csrr vsscratch", rd_vsscratch },
	{ "csrr vsepc", rd_vsepc }, { "csrr vscause", rd_vscause },
	{ "csrr vstval", rd_vstval }, { "csrr vsip", rd_vsip }, { "csrr vsatp", rd_vsatp },
	{ "csrw hgatp, 0 (G-stage off)", wr_hgatp },
	{ "csrw hstatus, ~0", wr_hstatus },
	{ "csrw hvip, VSSIP|VSTIP|VSEIP", wr_hvip },
	{ "csrw hedeleg, ~0", wr_hedeleg }, { "csrw hideleg, ~0", wr_hideleg },
	{ "csrw hie, ~0", wr_hie }, { "csrw htimedelta, 2^62", wr_htimedelta },
	{ "csrw hcounteren, 0", wr_hcounteren }, { "csrw henvcfg, ~0", wr_henvcfg },
	{ "csrw hgeie, ~0", wr_hgeie }, { "csrw htval, ~0", wr_htval },
	{ "csrw vsatp, 0", wr_vsatp }, { "csrw vstvec, 0", wr_vstvec },
	{ "csrw vsstatus, ~0", wr_vsstatus },
	{ "csrrs hvip, VSEIP-style bits", set_hvip },
	{ "csrrci hstatus, 0x1f", clear_hstatus },
	{ "csrr mstatus", rd_mstatus }, { "csrr medeleg", rd_medeleg },
	{ "csrr mhartid", rd_mhartid }, { "csrr dcsr", rd_dcsr },
	{ "csrw mtvec, 0", wr_mtvec }, { "csrw mepc, 0", wr_mepc },
	{ "csrw pmpcfg0, 0x1f (open PMP entry 0)", wr_pmpcfg0 },
	{ "csrw pmpaddr0, ~0", wr_pmpaddr0 },
	{ "hlv.w", hlv_w }, { "hlv.d", hlv_d }, { "hlvx.hu", hlvx_hu },
	{ "hsv.w", hsv_w }, { "hsv.d", hsv_d },
	{ "hfence.vvma", hfence_vvma }, { "hfence.gvma", hfence_gvma },
	{ "hfence.gvma with an address", hfence_gvma_addr },
	{ "mret", mret }, { "dret", dret },
};

/* Each instruction once, with the probe armed: it must trap as an illegal
 * instruction at its own address with its own bits as stval, and neither
 * return a value nor store one. */
void attack_csrs(void)
{
	char got[128], want[96], what[96];
	for (unsigned i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		uint64_t pc = 0;
		uint64_t before = scratch_word;
		attempt_begin();
		probe_arm(false);
		uint64_t val = insns[i].run(&pc);
		bool seen = probe.seen;
		uint64_t cause = probe.cause, tval = probe.tval, epc = probe.epc;
		probe.armed = false;
		uint32_t bits = *(volatile uint32_t *)(uintptr_t)pc;

		snprintf(what, sizeof(what), "%s from VS-mode (%#010x)", insns[i].what, bits);
		trap_text(want, sizeof(want), EXC_ILLEGAL_INST, bits);
		enum verdict v = CONTAINED;
		if (!seen) {
			snprintf(got, sizeof(got), "no trap");
			v = ESCAPE;
		} else {
			trap_text(got, sizeof(got), cause, tval);
			if (cause != EXC_ILLEGAL_INST || tval != bits || epc != pc)
				v = DIFFERS;
		}
		if (val != SENTINEL || scratch_word != before) {
			size_t n = strlen(got);
			snprintf(got + n, sizeof(got) - n, ", value %#lx",
				 (unsigned long)(val != SENTINEL ? val : scratch_word));
			v = ESCAPE;
		}
		attempt_end(what, got, want, v);
	}
}
