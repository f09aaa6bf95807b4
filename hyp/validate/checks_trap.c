/*
 * Checks of traps and interrupts between VS/VU and HS: what a trap into
 * HS-mode writes ("Trap Entry"), virtual-instruction exceptions ("Trap
 * Cause Codes"), the VS CSRs standing in for the supervisor CSRs, counter
 * access, Sstc and htimedelta, and virtual interrupts through hvip and
 * hideleg.
 */
#include <stdarg.h>

#include "../core/platform.h"
#include "../core/isa.h"
#include "vcheck.h"

#define SEC_ENTRY "Trap Entry"
#define SEC_CAUSE "Trap Cause Codes"
#define SEC_HSTATUS "Hypervisor Status (hstatus) Register"
#define SEC_CSRS "Hypervisor and Virtual Supervisor CSRs"
#define SEC_HLV "Hypervisor Virtual-Machine Load and Store Instructions"
#define SEC_HFENCE "Hypervisor Memory-Management Fence Instructions"
#define SEC_HCOUNTEREN "Hypervisor Counter-Enable (hcounteren) Register"
#define SEC_HENVCFG "Hypervisor Environment Configuration Register (henvcfg)"
#define SEC_VSTIMECMP "Virtual Supervisor Timer (vstimecmp) Register"
#define SEC_HINT "Hypervisor Interrupt (hvip, hip, and hie) Registers"
#define SEC_DELEG "Hypervisor Trap Delegation (hedeleg and hideleg) Registers"
#define SEC_VSIP "Virtual Supervisor Interrupt (vsip and vsie) Registers"
#define SEC_TINST "Transformed Instruction or Pseudoinstruction for mtinst or htinst"
#define SEC_PRIV "Privilege Modes"
#define SEC_VSATP "Virtual Supervisor Address Translation and Protection (vsatp) Register"
#define SEC_RET "Trap Return"
#define SEC_VSSTATUS "Virtual Supervisor Status (vsstatus) Register"

#define A(n) (C.gpr[R_A0 + (n)])
#define HANDLER_MAGIC 0x7ec
/* Loop iterations a guest waits for an interrupt that should come at once. */
#define SPIN 20000

/* PASS text when nothing was noted. */
static void verdict(struct result *r, struct tally *t, const char *ok_text)
{
	finish(r, t, "%s", ok_text);
}

/* Is w the encoding of one of the snippets' instructions? */
static bool is_snippet_insn(uint64_t w)
{
	for (uint64_t off = 0; off + 4 <= snip_off(vs_blob_end); off += 4)
		if (snip_insn(vs_blob_start, (unsigned)off) == w)
			return true;
	return false;
}

/* DEV-9 is QEMU's illegal instruction in VU-mode for SRET, SFENCE.VMA,
 * HFENCE and supervisor CSRs (deviations.c): those snippets only. An
 * illegal instruction for anything else VU-mode must take as a virtual
 * instruction (WFI, a hypervisor CSR, HLV/HSV, a counter: "Trap Cause
 * Codes") is not that deviation, and fails. */
static bool dev9_covers(const char *snippet)
{
	return snippet == vs_sret || snippet == vs_sfence || snippet == vs_hfence_gvma ||
	       snippet == vs_hfence_vvma || snippet == vs_csrr_sstatus;
}

/* A virtual-instruction exception, with stval the instruction bits or 0
 * ("on a virtual-instruction trap, stval is written the same as for an
 * illegal-instruction trap") and htinst 0 (no transformation defined).
 * Known deviations: an illegal-instruction exception from VU-mode where
 * DEV-9 covers it, stval holding another instruction's bits (DEV-11). */
static void judge_virt(struct tally *t, const char *what, const char *snippet,
		       unsigned long flags, uint64_t c)
{
	uint32_t insn = snip_insn(snippet, 0);
	if (c == EXC_ILLEGAL_INST && (flags & RUN_VU) && dev9_covers(snippet)) {
		noted(t, DEV_VU_ILLEGAL, "%s: %s", what, cn(c));
		return;
	}
	if (c != EXC_VIRTUAL_INST) {
		note(t, "%s: %s, want VIRT_INSN", what, cn(c));
		return;
	}
	if (C.htinst != 0 || C.sepc != snip(snippet))
		note(t, "%s: htinst %#llx sepc %#llx", what, (unsigned long long)C.htinst,
		     (unsigned long long)C.sepc);
	else if (C.stval != insn && C.stval != 0 && is_snippet_insn(C.stval))
		noted(t, DEV_VI_STVAL, "%s: stval %#llx, the instruction is %#x", what,
		      (unsigned long long)C.stval, insn);
	else if (C.stval != insn && C.stval != 0)
		note(t, "%s: stval %#llx, want %#x or 0", what, (unsigned long long)C.stval, insn);
}

/* Run `snippet` and judge the trap as above. */
static void expect_virt(struct tally *t, const char *what, const char *snippet,
			unsigned long flags, uint64_t hs)
{
	judge_virt(t, what, snippet, flags, vrun(snip(snippet), flags, hs, 0, 0, 0, 0));
}

/* ---- Trap entry ---- */

static void ecall_fields(struct result *r, bool vu)
{
	uint64_t c = vrun(snip(vs_ecall), vu ? RUN_VU : 0, 0, 0, 0, 0, 0);
	uint64_t want = vu ? EXC_ECALL_U : EXC_ECALL_VS;
	struct tally t = { 0 };
	if (c != want)
		note(&t, "cause %s, want %s", cn(c), cn(want));
	if (C.sepc != snip(vs_ecall) || C.stval || C.htval || C.htinst)
		note(&t, "sepc %#llx stval %#llx htval %#llx htinst %#llx",
		     (unsigned long long)C.sepc, (unsigned long long)C.stval,
		     (unsigned long long)C.htval, (unsigned long long)C.htinst);
	bool spv = C.hstatus & HSTATUS_SPV, spvp = C.hstatus & HSTATUS_SPVP;
	bool spp = C.sstatus & SSTATUS_SPP;
	if (!spv || spvp == vu || spp == vu || gva_bit())
		note(&t, "SPV %d SPVP %d SPP %d GVA %d", spv, spvp, spp, gva_bit());
	char ok[120];
	snprintf(ok, sizeof(ok), "%s, sepc = the ecall, stval/htval/htinst 0, SPV 1, SPVP %d, "
		 "SPP %d, GVA 0", cn(c), !vu, !vu);
	verdict(r, &t, ok);
}

static void ecall_vs(struct result *r)
{
	ecall_fields(r, false);
}

static void ecall_vu(struct result *r)
{
	ecall_fields(r, true);
}

/* An illegal instruction in VS-mode reaches HS (on QEMU through the
 * firmware, which does not delegate it) with the instruction bits. The
 * word is in a reserved major opcode, not a custom one: a hart with a
 * vendor extension (e.g. T-Head's XTheadMemIdx, a store in custom-0)
 * may execute any custom-opcode word. */
static void illegal_vs(struct result *r)
{
	uint64_t c = vrun(snip(vs_reserved), 0, 0, 0, 0, 0, 0);
	struct tally t = { 0 };
	if (c != EXC_ILLEGAL_INST)
		note(&t, "cause %s", cn(c));
	if ((C.stval != 0x1234506b && C.stval != 0) || C.htval || C.htinst || gva_bit() ||
	    !(C.hstatus & HSTATUS_SPV))
		note(&t, "stval %#llx htval %#llx htinst %#llx hstatus %#llx",
		     (unsigned long long)C.stval, (unsigned long long)C.htval,
		     (unsigned long long)C.htinst, (unsigned long long)C.hstatus);
	verdict(r, &t, "reserved-opcode word 0x1234506b: ILLEGAL_INSN, stval = its bits (or 0), "
		"htval/htinst 0, GVA 0, SPV 1");
}

/*
 * "When V=1, both vsstatus.FS and the HS-level sstatus.FS are in effect.
 * Attempts to execute a floating-point instruction when either field is 0
 * (Off) raise an illegal-instruction exception. Modifying the
 * floating-point state when V=1 causes both fields to be set to 3
 * (Dirty)." ("Virtual Supervisor Status (vsstatus) Register"). A
 * hypervisor that saves a guest's FP registers only when its own
 * sstatus.FS says Dirty relies on the last sentence.
 */
static uint64_t fmv_with(uint64_t hs_fs, uint64_t vs_fs)
{
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, hs_fs);
	csr_write(CSR_VSSTATUS, vs_fs);
	return vrun(snip(vs_fmv), 0, 0, 0, 0, 0, 0);
}

static void fp_fs(struct result *r)
{
	if (!isa_host_has("f")) {
		skip(r, "no F in the ISA string");
		return;
	}
	struct tally t = { 0 };
	uint64_t keep = csr_read(CSR_SSTATUS) & SSTATUS_FS;
	uint64_t c = fmv_with(SSTATUS_FS_INITIAL, 0);
	if (c != EXC_ILLEGAL_INST || C.sepc != snip(vs_fmv))
		note(&t, "vsstatus.FS Off: %s at %#llx", cn(c), (unsigned long long)C.sepc);
	c = fmv_with(0, SSTATUS_FS_INITIAL);
	if (c != EXC_ILLEGAL_INST || C.sepc != snip(vs_fmv))
		note(&t, "sstatus.FS Off: %s at %#llx", cn(c), (unsigned long long)C.sepc);
	c = fmv_with(SSTATUS_FS_INITIAL, SSTATUS_FS_INITIAL);
	uint64_t vs_fs = csr_read(CSR_VSSTATUS) & SSTATUS_FS;
	if (c != EXC_ECALL_VS)
		note(&t, "both Initial: %s, the instruction did not complete", cn(c));
	else if ((C.sstatus & SSTATUS_FS) != SSTATUS_FS || vs_fs != SSTATUS_FS)
		note(&t, "both Initial, after fmv.w.x: sstatus.FS %llu, vsstatus.FS %llu",
		     (unsigned long long)((C.sstatus & SSTATUS_FS) >> 13),
		     (unsigned long long)(vs_fs >> 13));
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, keep);
	verdict(r, &t, "either FS Off: ILLEGAL_INSN (not VIRT_INSN); both Initial: fmv.w.x "
		       "completes and both FS read 3 (Dirty)");
}

/* GVA is 1 exactly when stval holds a guest virtual address. */
static void ebreak_gva(struct result *r)
{
	uint64_t c = vrun(snip(vs_ebreak), 0, 0, 0, 0, 0, 0);
	if (c != EXC_BREAKPOINT)
		fail(r, "cause %s, want BREAKPOINT", cn(c));
	else if (C.stval == snip(vs_ebreak) && gva_bit())
		pass(r, "stval = the ebreak's GVA and GVA 1");
	else if (C.stval == 0 && !gva_bit())
		pass(r, "stval 0 and GVA 0");
	else if (C.stval == snip(vs_ebreak) && !gva_bit() && (C.hstatus & HSTATUS_SPV)) {
		struct tally t = { 0 };
		noted(&t, DEV_EBREAK_GVA, "stval = the ebreak's GVA %#llx, GVA 0, SPV 1",
		      (unsigned long long)C.stval);
		finish(r, &t, "unreached");
	} else
		fail(r, "stval %#llx with GVA %d", (unsigned long long)C.stval, gva_bit());
}

/* ---- Virtual-instruction exceptions ---- */

/*
 * "When VTW=1 (and assuming mstatus.TW=0), an attempt in VS-mode to
 * execute WFI raises a virtual-instruction exception if the WFI does not
 * complete within an implementation-specific, bounded time limit"
 * ("Hypervisor Status (hstatus) Register"), and "a legal implementation is
 * to simply implement the WFI instruction as a NOP" (machine.adoc, "Wait
 * for Interrupt"). A WFI that completes (the run reaches the ecall after
 * it) is allowed: then the trap cannot be observed, a SKIP.
 */
static void wfi_vtw(struct result *r)
{
	uint64_t c = vrun(snip(vs_wfi), 0, HSTATUS_VTW, 0, 0, 0, 0);
	if (c == EXC_ECALL_VS && C.sepc == snip(vs_wfi) + 4) {
		skip(r, "VS wfi with VTW=1 completed within the implementation's bounded time "
		     "(allowed): the trap cannot be observed");
		return;
	}
	struct tally t = { 0 };
	judge_virt(&t, "wfi, VTW=1", vs_wfi, 0, c);
	verdict(r, &t, "VS wfi with hstatus.VTW=1: VIRT_INSN, stval = 0x10500073, htinst 0");
}

/* VTW=0: WFI completes. An interrupt is pending and locally enabled
 * (vsie.SSIE, hvip.VSSIP delegated) but vsstatus.SIE=0, so it wakes WFI
 * at once and is not taken. */
static void wfi_vtw0(struct result *r)
{
	csr_write(CSR_HIDELEG, MIP_VSSIP);
	csr_write(CSR_HVIP, MIP_VSSIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_SOFT);
	uint64_t c = vrun(snip(vs_wfi), 0, 0, 0, 0, 0, 0);
	csr_write(CSR_HVIP, 0);
	if (c == EXC_ECALL_VS && C.sepc == snip(vs_wfi) + 4)
		pass(r, "VS wfi with VTW=0 completed (pending, disabled VS interrupt)");
	else
		fail(r, "%s at %#llx", cn(c), (unsigned long long)C.sepc);
}

static void wfi_vu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VU wfi", vs_wfi, RUN_VU, 0);
	verdict(r, &t, "VU wfi (mstatus.TW=0): VIRT_INSN");
}

static void sret_vtsr(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "sret, VTSR=1", vs_sret, 0, HSTATUS_VTSR);
	csr_write(CSR_VSEPC, snip(vs_after_sret));
	csr_write(CSR_VSSTATUS, SSTATUS_SPP);
	uint64_t c = vrun(snip(vs_sret), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS || C.sepc != snip(vs_after_sret) + 4 || A(1) != 0x5e7 ||
	    !(C.sstatus & SSTATUS_SPP))
		note(&t, "VTSR=0: %s at %#llx", cn(c), (unsigned long long)C.sepc);
	verdict(r, &t, "VTSR=1: VIRT_INSN; VTSR=0: sret returns to vsepc in VS-mode");
}

static void sret_vu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VU sret", vs_sret, RUN_VU, 0);
	expect_virt(&t, "VU sfence.vma", vs_sfence, RUN_VU, 0);
	verdict(r, &t, "VU sret and sfence.vma: VIRT_INSN");
}

static void vtvm(struct result *r)
{
	struct tally t = { 0 };
	uint64_t keep = (8UL << 60) | (gpa_of(arena + OFF_VSPOOL) >> PAGE_SHIFT);
	csr_write(CSR_VSATP, keep);
	/* satp under VTVM=1: read, then write (of a value the guest may hold). */
	static const struct { const char *snippet; const char *what; } sat[] = {
		{ vs_csrr_satp, "csrr satp" }, { vs_wr_satp, "csrw satp" },
	};
	for (unsigned i = 0; i < 2; i++) {
		uint64_t c = vrun(snip(sat[i].snippet), 0, HSTATUS_VTVM, keep, 0, 0, 0);
		if (c == EXC_ECALL_VS)
			noted(&t, DEV_VTVM_SATP, "%s with VTVM=1 did not trap", sat[i].what);
		else if (c != EXC_VIRTUAL_INST)
			note(&t, "%s, VTVM=1: %s", sat[i].what, cn(c));
	}
	expect_virt(&t, "sfence.vma, VTVM=1", vs_sfence, 0, HSTATUS_VTVM);
	csr_write(CSR_VSATP, keep);
	uint64_t c = vrun(snip(vs_csrr_satp), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS || A(1) != keep)
		note(&t, "VTVM=0 csrr satp: %s %#llx", cn(c), (unsigned long long)A(1));
	csr_write(CSR_VSATP, 0);
	c = vrun(snip(vs_sfence), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS)
		note(&t, "VTVM=0 sfence.vma: %s", cn(c));
	verdict(r, &t, "VTVM=1: satp read/write and sfence.vma VIRT_INSN; VTVM=0: satp reads "
		"vsatp, sfence.vma runs");
}

static void hcsr_vs(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VS csrr hstatus", vs_csrr_hstatus, 0, 0);
	verdict(r, &t, "VS csrr hstatus: VIRT_INSN, stval = 0x600025f3");
}

static void hcsr_vu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VU csrr hstatus", vs_csrr_hstatus, RUN_VU, 0);
	verdict(r, &t, "VU csrr hstatus: VIRT_INSN");
}

static void vscsr_direct(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VS csrr vsstatus", vs_csrr_vsstatus, 0, 0);
	verdict(r, &t, "VS csrr vsstatus (0x200): VIRT_INSN");
}

static void scsr_vu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VU csrr sstatus", vs_csrr_sstatus, RUN_VU, 0);
	verdict(r, &t, "VU csrr sstatus: VIRT_INSN");
}

static void hlv_vsvu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VS hlv.d", vs_hlv, 0, 0);
	expect_virt(&t, "VU hlv.d", vs_hlv, RUN_VU, 0);
	expect_virt(&t, "VS hsv.d", vs_hsv, 0, 0);
	expect_virt(&t, "VU hsv.d", vs_hsv, RUN_VU, 0);
	verdict(r, &t, "hlv.d and hsv.d in VS and in VU: VIRT_INSN");
}

static void hfence_vsvu(struct result *r)
{
	struct tally t = { 0 };
	expect_virt(&t, "VS hfence.gvma", vs_hfence_gvma, 0, 0);
	expect_virt(&t, "VS hfence.vvma", vs_hfence_vvma, 0, 0);
	expect_virt(&t, "VU hfence.gvma", vs_hfence_gvma, RUN_VU, 0);
	expect_virt(&t, "VU hfence.vvma", vs_hfence_vvma, RUN_VU, 0);
	verdict(r, &t, "hfence.gvma and hfence.vvma in VS and in VU: VIRT_INSN");
}

/* ---- Counters, Sstc, htimedelta ---- */


/*
 * "hcounteren must be implemented. However, any of the bits may be
 * read-only zero, indicating reads to the corresponding counter will cause
 * an exception when V=1" ("Hypervisor Counter-Enable (hcounteren)
 * Register"); the same holds for scounteren and U-mode (supervisor.adoc,
 * "Counter-Enable (scounteren) Register"). Which of `bits` stick in
 * hcounteren (scounteren): written, read back, old value put back.
 */
#define STICKING_BITS(csr, bits)                                               \
	({                                                                     \
		uint64_t old_ = csr_read(csr);                                 \
		csr_write(csr, bits);                                          \
		uint64_t got_ = csr_read(csr) & (bits);                        \
		csr_write(csr, old_);                                          \
		got_;                                                          \
	})

static uint64_t hcounteren_writable(uint64_t bits)
{
	return STICKING_BITS(CSR_HCOUNTEREN, bits);
}

static uint64_t scounteren_writable(uint64_t bits)
{
	return STICKING_BITS(CSR_SCOUNTEREN, bits);
}

/* hcounteren bit clear: VS read is a virtual-instruction exception (when
 * HS may read it, i.e. the mcounteren bit is set); set: readable, and
 * time reads time + htimedelta. */
static void counters_vs(struct result *r)
{
	static const struct {
		const char *snippet;
		enum probe_op hs;
		uint64_t bit;
		const char *name;
	} ctr[] = {
		{ vs_rdcycle, P_RD_CYCLE, COUNTEREN_CY, "cycle" },
		{ vs_rdtime, P_RD_TIME, COUNTEREN_TM, "time" },
		{ vs_rdinstret, P_RD_INSTRET, COUNTEREN_IR, "instret" },
	};
	struct tally t = { 0 };
	char skipped[48] = "", ro0[48] = "";
	unsigned nskipped = 0;
	const uint64_t delta = 1ULL << 40;
	uint64_t writable = hcounteren_writable(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	for (unsigned i = 0; i < ARRAY_SIZE(ctr); i++) {
		if (probe(ctr[i].hs, 0, 0, NULL) != 0) {
			add_word(skipped, sizeof(skipped), ctr[i].name); /* mcounteren: not ours */
			nskipped++;
			continue;
		}
		csr_write(CSR_HCOUNTEREN, (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR) & ~ctr[i].bit);
		expect_virt(&t, ctr[i].name, ctr[i].snippet, 0, 0);
		if (!(writable & ctr[i].bit)) {
			/* Read-only zero (allowed): the read must trap, as just
			 * checked; there is no "set" case to try. */
			add_word(ro0, sizeof(ro0), ctr[i].name);
			continue;
		}
		csr_write(CSR_HCOUNTEREN, ctr[i].bit);
		csr_write(CSR_HTIMEDELTA, delta);
		uint64_t before = csr_read(CSR_TIME);
		uint64_t c = vrun(snip(ctr[i].snippet), 0, 0, 0, 0, 0, 0);
		uint64_t after = csr_read(CSR_TIME);
		if (c != EXC_ECALL_VS)
			note(&t, "%s with hcounteren set: %s", ctr[i].name, cn(c));
		else if (ctr[i].bit == COUNTEREN_TM && (A(1) < before + delta || A(1) > after + delta))
			note(&t, "time %#llx not within [%#llx, %#llx] + htimedelta",
			     (unsigned long long)A(1), (unsigned long long)before,
			     (unsigned long long)after);
		csr_write(CSR_HTIMEDELTA, 0);
	}
	if (t.bad)
		fail(r, "%s", t.txt);
	else if (nskipped == ARRAY_SIZE(ctr))
		skip(r, "HS itself cannot read%s (mcounteren)", skipped);
	else
		pass(r, "hcounteren bit 0: VIRT_INSN; bit 1: readable; time = time + htimedelta%s%s"
		     "%s%s", skipped[0] ? "; not testable (mcounteren):" : "", skipped,
		     ro0[0] ? "; hcounteren bit read-only 0 (allowed), only VIRT_INSN seen:" : "",
		     ro0);
}

/* VU-mode needs the bit in both hcounteren and scounteren. */
static void counters_vu(struct result *r)
{
	if (probe(P_RD_TIME, 0, 0, NULL) != 0) {
		skip(r, "HS itself cannot read time (mcounteren.TM=0)");
		return;
	}
	struct tally t = { 0 };
	csr_write(CSR_HCOUNTEREN, COUNTEREN_TM);
	csr_write(CSR_SCOUNTEREN, 0);
	expect_virt(&t, "VU time, scounteren.TM=0", vs_rdtime, RUN_VU, 0);
	csr_write(CSR_HCOUNTEREN, 0);
	csr_write(CSR_SCOUNTEREN, COUNTEREN_TM);
	expect_virt(&t, "VU time, hcounteren.TM=0", vs_rdtime, RUN_VU, 0);
	if (!hcounteren_writable(COUNTEREN_TM) || !scounteren_writable(COUNTEREN_TM)) {
		/* A read-only zero TM bit (allowed) leaves no "both set" case. */
		verdict(r, &t, "VU time: VIRT_INSN with either TM bit 0; hcounteren.TM or "
			"scounteren.TM read-only 0 (allowed), so never readable in VU");
		return;
	}
	csr_write(CSR_HCOUNTEREN, COUNTEREN_TM);
	uint64_t c = vrun(snip(vs_rdtime), RUN_VU, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_U)
		note(&t, "VU time, both set: %s", cn(c));
	verdict(r, &t, "VU time: VIRT_INSN unless both hcounteren.TM and scounteren.TM are set");
}

/* VS access to stimecmp (vstimecmp) needs hcounteren.TM and henvcfg.STCE. */
static void stimecmp_access(struct result *r)
{
	if (!have_sstc) {
		skip(r, "no Sstc");
		return;
	}
	struct tally t = { 0 };
	bool tm = hcounteren_writable(COUNTEREN_TM) != 0;
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	if (tm) {
		uint64_t c = vrun(snip(vs_wr_stimecmp), 0, 0, 0x123456789ULL, 0, 0, 0);
		uint64_t v = 0;
		probe(P_RD_VSTIMECMP, 0, 0, &v);
		if (c != EXC_ECALL_VS || v != 0x123456789ULL)
			note(&t, "STCE=1 TM=1: %s, vstimecmp %#llx", cn(c), (unsigned long long)v);
	}
	/* hcounteren.TM read-only zero is allowed: then only the TM=0 case
	 * below exists. */
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_IR);
	expect_virt(&t, "TM=0", vs_rd_stimecmp, 0, 0);
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_HENVCFG, 0);
	expect_virt(&t, "STCE=0", vs_rd_stimecmp, 0, 0);
	verdict(r, &t, tm ? "STCE=1, TM=1: VS write of stimecmp lands in vstimecmp; TM=0 or "
		"STCE=0: VIRT_INSN" : "hcounteren.TM read-only 0 (allowed); TM=0 or STCE=0: "
		"VIRT_INSN");
}

/*
 * A change of the vstimecmp comparison "is guaranteed to be reflected in
 * vstip eventually, but not necessarily immediately" ("Virtual Supervisor
 * Timer (vstimecmp) Register"). Wait up to 10 ms of `time` for hip.VSTIP
 * to read `want`; returns what it read last. (The callers' vstimecmp
 * values are already passed, or 1e9 ticks ahead, so the comparison itself
 * does not change within the wait.)
 */
#define VSTIP_WAIT_MS 10
static bool vstip_settles(bool want)
{
	uint64_t hz = platform.timebase_hz ? platform.timebase_hz : 10000000;
	uint64_t t0 = csr_read(CSR_TIME);
	bool now;
	do {
		now = (csr_read(CSR_HIP) & MIP_VSTIP) != 0;
		if (now == want)
			break;
	} while (csr_read(CSR_TIME) - t0 < hz / 1000 * VSTIP_WAIT_MS);
	return now;
}

/* hip.VSTIP from vstimecmp compares against time + htimedelta. */
static void vstimecmp_delta(struct result *r)
{
	if (!have_sstc) {
		skip(r, "no Sstc");
		return;
	}
	const uint64_t delta = 1ULL << 50;
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	csr_write(CSR_HTIMEDELTA, delta);
	probe(P_WR_VSTIMECMP, csr_read(CSR_TIME) + delta - 1000, 0, NULL);
	bool past = vstip_settles(true);
	probe(P_WR_VSTIMECMP, csr_read(CSR_TIME) + delta + 1000000000ULL, 0, NULL);
	bool future = vstip_settles(false);
	probe(P_WR_VSTIMECMP, ~0ULL, 0, NULL);
	csr_write(CSR_HTIMEDELTA, 0);
	if (past && !future)
		pass(r, "vstimecmp = time+htimedelta-1000: VSTIP 1; +1e9: VSTIP 0");
	else
		fail(r, "vstimecmp in the past (guest time): VSTIP %d; in the future: VSTIP %d",
		     past, future);
}

/* STCE=0: vstimecmp no longer drives hip.VSTIP. */
static void stce0_vstip(struct result *r)
{
	if (!have_sstc) {
		skip(r, "no Sstc");
		return;
	}
	csr_write(CSR_HENVCFG, 0);
	probe(P_WR_VSTIMECMP, 0, 0, NULL);
	/* Reading at once could miss a VSTIP that is set "eventually": look
	 * for the whole wait. */
	bool pending = vstip_settles(true);
	probe(P_WR_VSTIMECMP, ~0ULL, 0, NULL);
	struct tally t = { 0 };
	if (pending)
		noted(&t, DEV_STCE_VSTIP, "STCE=0, vstimecmp=0, hvip=0: hip.VSTIP is 1");
	finish(r, &t, "STCE=0, vstimecmp=0: hip.VSTIP stays 0");
}

/* The Sstc timer interrupt reaches the guest with no HS involvement. */
static void sstc_interrupt(struct result *r)
{
	if (!have_sstc) {
		skip(r, "no Sstc");
		return;
	}
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	csr_write(CSR_HIDELEG, MIP_VSTIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_TIMER);
	probe(P_WR_VSTIMECMP, 0, 0, NULL);
	/* Let the pending timer show in hip before the guest's bounded wait. */
	vstip_settles(true);
	uint64_t c = vrun(snip(vs_irq_wait), 0, 0, 0, SPIN, 0, 0);
	uint64_t a0 = A(0), a7 = A(7);
	probe(P_WR_VSTIMECMP, ~0ULL, 0, NULL); /* (probe clears C) */
	if (c == EXC_ECALL_VS && a7 == HANDLER_MAGIC && a0 == (CAUSE_INTERRUPT | IRQ_S_TIMER))
		pass(r, "guest handler got vscause %#llx; HS saw only its ecall", (unsigned long long)a0);
	else
		fail(r, "HS saw %s; guest a0 %#llx a7 %#llx", cn(c), (unsigned long long)a0,
		     (unsigned long long)a7);
}

/* ---- Virtual interrupts ---- */

/* hvip bit `irq`, delegated: the guest takes it as the S-level cause. */
static void vs_irq(struct result *r, unsigned irq, unsigned sirq)
{
	csr_write(CSR_HIDELEG, 1UL << irq);
	csr_write(CSR_VSIE, 1UL << sirq);
	csr_write(CSR_HVIP, 1UL << irq);
	uint64_t c = vrun(snip(vs_irq_wait), 0, 0, 0, SPIN, 0, 0);
	csr_write(CSR_HVIP, 0);
	if (c == EXC_ECALL_VS && A(7) == HANDLER_MAGIC && A(0) == (CAUSE_INTERRUPT | sirq) &&
	    (A(3) & SSTATUS_SPP))
		pass(r, "guest handler got vscause %#llx (interrupt %u), SPP 1",
		     (unsigned long long)A(0), sirq);
	else
		fail(r, "HS saw %s; guest vscause %#llx a7 %#llx", cn(c), (unsigned long long)A(0),
		     (unsigned long long)A(7));
}

static void irq_vssi(struct result *r)
{
	vs_irq(r, IRQ_VS_SOFT, IRQ_S_SOFT);
}

static void irq_vsti(struct result *r)
{
	vs_irq(r, IRQ_VS_TIMER, IRQ_S_TIMER);
}

static void irq_vsei(struct result *r)
{
	vs_irq(r, IRQ_VS_EXT, IRQ_S_EXT);
}

/* vsip.SSIP/vsie.SSIE alias hip.VSSIP/hie.VSSIE when hideleg bit 2 is
 * set, and read zero when it is clear. */
static void vsip_alias(struct result *r)
{
	struct tally t = { 0 };
	csr_write(CSR_HIDELEG, MIP_VSSIP);
	csr_write(CSR_HVIP, MIP_VSSIP);
	csr_write(CSR_HIE, MIP_VSSIP);
	uint64_t c = vrun(snip(vs_rd_sip), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS || !(A(1) & (1UL << IRQ_S_SOFT)) || !(A(2) & (1UL << IRQ_S_SOFT)))
		note(&t, "delegated: %s sip %#llx sie %#llx", cn(c), (unsigned long long)A(1),
		     (unsigned long long)A(2));
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_HIE, 0);
	c = vrun(snip(vs_rd_sip), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS || (A(1) & (1UL << IRQ_S_SOFT)))
		note(&t, "not delegated: %s sip %#llx", cn(c), (unsigned long long)A(1));
	/* "When bit 2 of hideleg is zero, vsip.SSIP and vsie.SSIE are
	 * read-only zeros": sie too, with hie.VSSIE set (and nothing
	 * pending, so the guest runs to its ecall). */
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, MIP_VSSIP);
	c = vrun(snip(vs_rd_sip), 0, 0, 0, 0, 0, 0);
	if (c != EXC_ECALL_VS || (A(2) & (1UL << IRQ_S_SOFT)))
		note(&t, "not delegated, hie.VSSIE set: %s sie %#llx", cn(c),
		     (unsigned long long)A(2));
	csr_write(CSR_HIE, 0);
	/* The alias works both ways: with bit 2 set the guest's write of
	 * sip.SSIP is a write of hip.VSSIP, itself "an alias (writable) of
	 * the same bit in hvip" ("Hypervisor Interrupt (hvip, hip, and hie)
	 * Registers"): clearing it clears hvip.VSSIP (a guest's
	 * acknowledgement of an injected software interrupt), setting it sets
	 * it. With bit 2 clear the bit is read-only zero: hvip stays 0. hie
	 * is 0, so nothing is taken. */
	static const struct { uint64_t hideleg, hvip, write, want; const char *what; } w[] = {
		{ MIP_VSSIP, MIP_VSSIP, 0, 0, "delegated, guest writes sip 0" },
		{ MIP_VSSIP, 0, 1UL << IRQ_S_SOFT, MIP_VSSIP, "delegated, guest writes sip.SSIP 1" },
		{ 0, 0, 1UL << IRQ_S_SOFT, 0, "not delegated, guest writes sip.SSIP 1" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(w); i++) {
		csr_write(CSR_HIDELEG, w[i].hideleg);
		csr_write(CSR_HVIP, w[i].hvip);
		c = vrun(snip(vs_wr_sip), 0, 0, w[i].write, 0, 0, 0);
		uint64_t hvip = csr_read(CSR_HVIP) & MIP_VSSIP;
		bool guest = (A(1) >> IRQ_S_SOFT) & 1;
		if (c != EXC_ECALL_VS || hvip != w[i].want || guest != (w[i].want != 0))
			note(&t, "%s: %s, hvip.VSSIP %d, guest reads sip.SSIP %d, want %d", w[i].what,
			     cn(c), hvip != 0, guest, w[i].want != 0);
	}
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIDELEG, 0);
	verdict(r, &t, "hideleg bit 2 set: guest sip.SSIP/sie.SSIE = hip.VSSIP/hie.VSSIE, and the "
		"guest's writes of sip.SSIP clear and set hvip.VSSIP; clear: sip.SSIP and sie.SSIE "
		"read 0, a write leaves hvip.VSSIP 0");
}

/* hideleg clear: the VS interrupt goes to HS as cause 2 (untranslated),
 * though vsstatus.SIE is 0; htinst, htval and GVA are 0. */
static void irq_to_hs(struct result *r)
{
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_HIE, MIP_VSSIP);
	csr_write(CSR_HVIP, MIP_VSSIP);
	uint64_t c = vrun(snip(vs_spin), 0, 0, 0, SPIN, 0, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	if (c == (CAUSE_INTERRUPT | IRQ_VS_SOFT) && C.htinst == 0 && C.htval == 0 && !gva_bit() &&
	    (C.hstatus & HSTATUS_SPV))
		pass(r, "scause %#llx in HS, htinst 0, htval 0, GVA 0, SPV 1", (unsigned long long)c);
	else
		fail(r, "scause %#llx htinst %#llx htval %#llx hstatus %#llx", (unsigned long long)c,
		     (unsigned long long)C.htinst, (unsigned long long)C.htval,
		     (unsigned long long)C.hstatus);
}

/*
 * "Multiple simultaneous interrupts destined for HS-mode are handled in
 * the following decreasing priority order: SEI, SSI, STI, SGEI, VSEI,
 * VSSI, VSTI, LCOFI" ("Hypervisor Interrupt (hvip, hip, and hie)
 * Registers"). The three VS interrupts, pending through hvip, enabled in
 * hie and not delegated, all wait at once when the guest starts: the trap
 * must be VSEI, then (VSEIP cleared) VSSI, then VSTI. DEV-15: VSSI first.
 */
static void irq_priority(struct result *r)
{
	static const struct { uint64_t pending; uint64_t want; } step[] = {
		{ MIP_VSEIP | MIP_VSSIP | MIP_VSTIP, IRQ_VS_EXT },
		{ MIP_VSSIP | MIP_VSTIP, IRQ_VS_SOFT },
		{ MIP_VSTIP, IRQ_VS_TIMER },
	};
	struct tally t = { 0 };
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_HIE, MIP_VSEIP | MIP_VSSIP | MIP_VSTIP);
	for (unsigned i = 0; i < ARRAY_SIZE(step); i++) {
		csr_write(CSR_HVIP, step[i].pending);
		uint64_t c = vrun(snip(vs_spin), 0, 0, 0, SPIN, 0, 0);
		if (i == 0 && c == (CAUSE_INTERRUPT | IRQ_VS_SOFT))
			noted(&t, DEV_IRQ_PRIO, "VSEI, VSSI, VSTI pending: VSSI (2) taken first");
		else if (c != (CAUSE_INTERRUPT | step[i].want))
			note(&t, "hvip %#llx: scause %#llx, want %#llx",
			     (unsigned long long)step[i].pending, (unsigned long long)c,
			     (unsigned long long)(CAUSE_INTERRUPT | step[i].want));
	}
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	verdict(r, &t, "VSEI, VSSI, VSTI pending together: taken as 10, then 2, then 6");
}

/* From VU-mode, VS interrupts are taken whatever vsstatus.SIE says. */
static void irq_from_vu(struct result *r)
{
	csr_write(CSR_HIDELEG, MIP_VSSIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_SOFT);
	csr_write(CSR_HVIP, MIP_VSSIP);
	uint64_t c = vrun(snip(vs_spin), RUN_VU, 0, 0, SPIN, 0, 0);
	csr_write(CSR_HVIP, 0);
	if (c == EXC_ECALL_VS && A(7) == HANDLER_MAGIC && A(0) == (CAUSE_INTERRUPT | IRQ_S_SOFT) &&
	    !(A(3) & SSTATUS_SPP))
		pass(r, "VU with vsstatus.SIE=0: guest handler got vscause %#llx, SPP 0",
		     (unsigned long long)A(0));
	else
		fail(r, "HS saw %s; guest vscause %#llx vsstatus %#llx a7 %#llx", cn(c),
		     (unsigned long long)A(0), (unsigned long long)A(3), (unsigned long long)A(7));
}

/* ---- VS CSRs ---- */

/* When V=1 the VS CSRs stand in for the supervisor CSRs. */
static void vs_csr_substitute(struct result *r)
{
	csr_write(CSR_VSSCRATCH, 0x5c5c);
	csr_write(CSR_VSEPC, 0xe0e0);
	csr_write(CSR_VSCAUSE, 0xd);
	csr_write(CSR_VSTVAL, 0x7a7a);
	csr_write(CSR_VSSTATUS, SSTATUS_SUM);
	uint64_t c = vrun(snip(vs_csr_sub), 0, 0, 0xabcd, 0, 0, 0);
	struct tally t = { 0 };
	if (c != EXC_ECALL_VS)
		note(&t, "%s", cn(c));
	if (A(1) != 0x5c5c || A(2) != 0xe0e0 || A(3) != snip(vs_handler) ||
	    !(A(4) & SSTATUS_SUM) || A(5) != 0xd || A(6) != 0x7a7a)
		note(&t, "read sscratch %#llx sepc %#llx stvec %#llx sstatus %#llx scause %#llx "
		     "stval %#llx", (unsigned long long)A(1), (unsigned long long)A(2),
		     (unsigned long long)A(3), (unsigned long long)A(4), (unsigned long long)A(5),
		     (unsigned long long)A(6));
	if (csr_read(CSR_VSSCRATCH) != 0xabcd)
		note(&t, "write of sscratch: vsscratch %#llx", (unsigned long long)csr_read(CSR_VSSCRATCH));
	verdict(r, &t, "guest reads of sscratch/sepc/stvec/sstatus/scause/stval gave the vs* "
		"values; its sscratch write landed in vsscratch");
}

/* scounteren has no VS copy: the guest's write changes it directly. */
static void scounteren_shared(struct result *r)
{
	/* Any bit of scounteren may be read-only zero (supervisor.adoc): use
	 * the ones that stick. */
	uint64_t bits = scounteren_writable(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	if (!bits) {
		skip(r, "scounteren CY, TM and IR are read-only 0 (allowed): no write to observe");
		return;
	}
	csr_write(CSR_SCOUNTEREN, 0);
	uint64_t c = vrun(snip(vs_wr_scounteren), 0, 0, bits, 0, 0, 0);
	uint64_t now = csr_read(CSR_SCOUNTEREN);
	if (c == EXC_ECALL_VS && (now & bits) == bits)
		pass(r, "guest wrote scounteren %#llx; HS scounteren reads %#llx",
		     (unsigned long long)bits, (unsigned long long)now);
	else
		fail(r, "%s; guest wrote %#llx, HS scounteren %#llx", cn(c),
		     (unsigned long long)bits, (unsigned long long)now);
}

/* V=1: a write of an unsupported satp MODE is ignored (vsatp unchanged). */
static void satp_v1_ignore(struct result *r)
{
	uint64_t keep = (8UL << 60) | (gpa_of(arena + OFF_VSPOOL) >> PAGE_SHIFT);
	csr_write(CSR_VSATP, keep);
	uint64_t c = vrun(snip(vs_wr_satp), 0, 0, (1UL << 60) | 0x123, 0, 0, 0);
	uint64_t now = csr_read(CSR_VSATP);
	csr_write(CSR_VSATP, 0);
	if (c == EXC_ECALL_VS && now == keep && A(1) == keep)
		pass(r, "guest wrote MODE=1 to satp: vsatp kept %#llx", (unsigned long long)keep);
	else
		fail(r, "%s; vsatp %#llx, guest read %#llx", cn(c), (unsigned long long)now,
		     (unsigned long long)A(1));
}

const struct check checks_trap[] = {
	{ "ecall from VS: cause 10 and trap CSRs", SEC_ENTRY,
	  "a trap into HS sets SPV=1, SPP and SPVP = the guest's mode, writes sepc/scause/stval/"
	  "htval/htinst/GVA", ecall_vs },
	{ "ecall from VU: cause 8, SPP 0, SPVP 0", SEC_ENTRY,
	  "from VU-mode: SPV=1, sstatus.SPP=0, hstatus.SPVP=0; ecall from U or VU is cause 8",
	  ecall_vu },
	{ "illegal instruction from VS", SEC_TINST,
	  "illegal instruction: stval = the instruction bits (or 0); htinst zero (no "
	  "transformation); htval 0", illegal_vs },
	{ "GVA tracks whether stval holds a GVA (ebreak)", SEC_HSTATUS,
	  "GVA=1 for any trap that writes a guest virtual address to stval, 0 for any other",
	  ebreak_gva },
	{ "WFI with VTW=1: virtual instruction", SEC_HSTATUS,
	  "when VTW=1 (mstatus.TW=0) a VS-mode WFI that does not complete within a bounded "
	  "time raises a virtual-instruction exception", wfi_vtw },
	{ "WFI with VTW=0 completes", SEC_HSTATUS,
	  "with VTW=0, WFI in VS-mode is not trapped; it resumes on a locally enabled pending "
	  "interrupt", wfi_vtw0 },
	{ "WFI in VU: virtual instruction", SEC_CAUSE,
	  "in VU-mode, WFI (mstatus.TW=0) raises a virtual-instruction exception", wfi_vu },
	{ "SRET and VTSR", SEC_HSTATUS,
	  "when VTSR=1 a VS-mode SRET raises a virtual-instruction exception; else it returns "
	  "to vsepc", sret_vtsr },
	{ "SRET/SFENCE.VMA in VU: virtual instruction", SEC_CAUSE,
	  "in VU-mode, SRET or SFENCE (supervisor instructions) raise a virtual-instruction "
	  "exception", sret_vu },
	{ "satp and SFENCE.VMA under VTVM", SEC_HSTATUS,
	  "when VTVM=1, VS-mode SFENCE.VMA or satp access raises a virtual-instruction exception",
	  vtvm },
	{ "hypervisor CSR from VS: virtual instruction", SEC_CAUSE,
	  "VS/VU access to a hypervisor CSR allowed in HS raises a virtual-instruction exception",
	  hcsr_vs },
	{ "hypervisor CSR from VU: virtual instruction", SEC_CAUSE,
	  "VS/VU access to a hypervisor CSR allowed in HS raises a virtual-instruction exception",
	  hcsr_vu },
	{ "VS CSR by its own number from VS", SEC_CSRS,
	  "when V=1, reading or writing a VS CSR by its own address raises a virtual-instruction "
	  "exception", vscsr_direct },
	{ "supervisor CSR from VU: virtual instruction", SEC_CAUSE,
	  "in VU-mode, access to a supervisor CSR allowed in HS raises a virtual-instruction "
	  "exception", scsr_vu },
	{ "HLV/HSV in VS and VU: virtual instruction", SEC_HLV,
	  "attempts to execute HLV, HLVX or HSV when V=1 cause a virtual-instruction exception",
	  hlv_vsvu },
	{ "HFENCE in VS and VU: virtual instruction", SEC_HFENCE,
	  "HFENCE.VVMA or HFENCE.GVMA when V=1 cause a virtual-instruction exception",
	  hfence_vsvu },
	{ "counters in VS under hcounteren", SEC_HCOUNTEREN,
	  "with the hcounteren bit clear (mcounteren bit set) a VS read is a virtual-instruction "
	  "exception; time = time + htimedelta", counters_vs },
	{ "counters in VU: hcounteren and scounteren", SEC_HCOUNTEREN,
	  "in VU-mode a counter is readable only when its bit is set in both hcounteren and "
	  "scounteren", counters_vu },
	{ "stimecmp from VS: hcounteren.TM and STCE", SEC_HENVCFG,
	  "STCE enables vstimecmp for VS-mode; STCE=0 or hcounteren.TM=0: virtual-instruction "
	  "exception", stimecmp_access },
	{ "vstimecmp compares with time + htimedelta", SEC_VSTIMECMP,
	  "hip.VSTIP is pending while (time + htimedelta) mod 2^64 >= vstimecmp, unsigned",
	  vstimecmp_delta },
	{ "STCE=0: vstimecmp does not drive VSTIP", SEC_HENVCFG,
	  "when STCE=0, VSTIP in hip reverts to its behaviour without Sstc (hvip.VSTIP only)",
	  stce0_vstip },
	{ "Sstc timer interrupt taken in VS", SEC_VSTIMECMP,
	  "the vstimecmp interrupt is taken under the standard enable and delegation rules "
	  "while V=1", sstc_interrupt },
	{ "hvip.VSSIP delegated: guest sees interrupt 1", SEC_DELEG,
	  "a delegated VS software interrupt (2) is translated into a supervisor software "
	  "interrupt (1)", irq_vssi },
	{ "hvip.VSTIP delegated: guest sees interrupt 5", SEC_DELEG,
	  "a delegated VS timer interrupt (6) is translated into a supervisor timer interrupt (5)",
	  irq_vsti },
	{ "hvip.VSEIP delegated: guest sees interrupt 9", SEC_DELEG,
	  "a delegated VS external interrupt (10) is translated into a supervisor external "
	  "interrupt (9)", irq_vsei },
	{ "vsip/vsie alias hip/hie only when delegated", SEC_VSIP,
	  "when hideleg bit 2 is zero vsip.SSIP and vsie.SSIE are read-only zero; else they "
	  "alias hip.VSSIP, hie.VSSIE (reads and writes)", vsip_alias },
	{ "undelegated VS interrupt traps to HS", SEC_HINT,
	  "an interrupt traps to HS when pending and enabled in hip/hie, not in hideleg, and the "
	  "mode is below HS", irq_to_hs },
	{ "VS interrupts always enabled in VU", SEC_PRIV,
	  "HS > VS > VU: interrupts for VS-mode are enabled in the less privileged VU-mode",
	  irq_from_vu },
	{ "VS CSRs substitute for S CSRs when V=1", SEC_CSRS,
	  "when V=1 instructions that access a supervisor CSR access the corresponding VS CSR",
	  vs_csr_substitute },
	{ "scounteren has no VS copy", SEC_CSRS,
	  "scounteren, senvcfg, ... keep their function when V=1, VS/VU taking the place of HS/U",
	  scounteren_shared },
	{ "satp write with unsupported MODE ignored (V=1)", SEC_VSATP,
	  "when V=1 a write to satp with an unsupported MODE is ignored: vsatp is not written",
	  satp_v1_ignore },
	{ "VS interrupts to HS: priority VSEI > VSSI > VSTI", SEC_HINT,
	  "simultaneous interrupts destined for HS-mode: SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI, "
	  "LCOFI, in decreasing priority", irq_priority },
	{ "FP in VS: sstatus.FS and vsstatus.FS both in effect", SEC_VSSTATUS,
	  "either FS Off: illegal instruction; modifying FP state when V=1 sets both FS to 3 "
	  "(Dirty)", fp_fs },
	{ "HLV/HSV in U-mode: hstatus.HU", SEC_HSTATUS,
	  "HU=1: HLV, HLVX and HSV execute in U-mode as in HS-mode; HU=0: illegal instruction "
	  "in U-mode", hlv_u_mode },
	{ NULL, NULL, NULL, NULL },
};
