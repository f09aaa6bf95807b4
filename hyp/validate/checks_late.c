/*
 * HS-side checks added after the guest-external-interrupt checks (97-99).
 * They run in the same late exit, right after checks_geint.c's table
 * (validate_hs_late_checks), and are numbered after them, so every older
 * check keeps its number:
 *
 *   100 htinst, htval, stval for a G-stage fault on the VS-stage walk's
 *       read of a PTE, at every level of the walk
 *   101 the same for the walk's write of a PTE (a hardware A/D update):
 *       the write pseudoinstruction
 *   102 an access that straddles two pages, the second one faulting
 *   103 vector instructions in VS-mode: sstatus.VS and vsstatus.VS both
 *       in effect
 *   104 vsstatus.SD with vsstatus.FS Dirty (from HS-mode and in the guest)
 *   105 an access that straddles two pages, the first one faulting
 *   106 vstopei and eithreshold of the IMSIC guest file hstatus.VGEIN
 *       selects (checks_geint.c's code, with its helpers; AIA only)
 *   107 HLVX without execute permission faults as a load, not a fetch
 *       (checks_xlate.c's code, with the other HLV checks)
 */
#include "../core/isa.h"
#include "vcheck.h"

#define SEC_TINST "Transformed Instruction or Pseudoinstruction for mtinst or htinst"
#define SEC_GPF "Guest-Page Faults"
#define SEC_HLV "Hypervisor Virtual-Machine Load and Store Instructions"
#define SEC_VSSTATUS "Virtual Supervisor Status (vsstatus) Register"
/* The AIA's section (riscv-aia, IMSIC chapter): the rule is not in
 * hypervisor.adoc. */
#define SEC_TOPEI "Top external interrupt CSRs (mtopei, stopei, vstopei)"

/* henvcfg.ADUE ("Hypervisor Environment Configuration Register
 * (henvcfg)"): hardware A/D updating for VS-stage translation (Svadu). */
#define HENVCFG_ADUE (1UL << 61)
#define SSTATUS_SD (1UL << 63)
#define SSTATUS_VS_CLEAN (2UL << 9)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_XS (3UL << 15)

/* The GVAs of these checks lie in the GiB at 0x40000000 (VS-stage root
 * index 1), whose lower tables no code page shares: the code page is
 * identity mapped at GPA_ARENA + OFF_CODE (root index 4). */
#define GVA_WALK 0x40600000UL	/* checks 100, 101 */
#define GVA_STR 0x40700000UL	/* checks 102, 105: this page, then the next */
/* Their data pages (vcheck.h); no other check uses these. */
#define PG_WALK 100
#define PG_STR 101

/* vs_table() as a GPA: the PTE that the walk for gva reads at `level`
 * (2 = the root of Sv39). */
static uint64_t pte_gpa(uint64_t gva, unsigned level)
{
	uint64_t *table = vs_table(gva, level);
	return gpa_of((uint64_t)(uintptr_t)table) + ((gva >> (12 + 9 * level)) & 511) * 8;
}

/* Unmap, in the G-stage, the VS-stage table page the walk for gva reads at
 * `level`. */
static void g_unmap_table(uint64_t gva, unsigned level)
{
	uint64_t *table = vs_table(gva, level);
	*g_pte(&W.g, gpa_of((uint64_t)(uintptr_t)table), NULL) = 0;
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
}

/*
 * A guest-page fault of the VS-stage walk for gva on its implicit access
 * to the PTE at GPA `pte` ("Transformed Instruction or Pseudoinstruction
 * for mtinst or htinst"): htinst is written with the pseudoinstruction
 * `pseudo` "if: (a) the fault is caused by an implicit memory access for
 * VS-stage address translation, and (b) a nonzero value (the faulting
 * guest physical address) is written to mtval2 or htval ... zero is not
 * allowed"; with htval 0 it may be 0 or the pseudoinstruction (the table
 * of allowed values: zero or a pseudoinstruction for guest-page faults;
 * no transformation, the access not being explicit). htval: zero or the
 * PTE's GPA >> 2 ("Hypervisor Trap Value (htval) Register": "the address
 * of a VS-level page table entry that could not be read"); stval the
 * original GVA and hstatus.GVA 1 ("Guest-Page Faults"). The cause is the
 * original access's ("Guest Physical Address Translation"): a load
 * reported for a store or fetch is DEV-2's signature. `hs`: the access was
 * an HLV from HS-mode, so SPV is 0.
 */
static void judge_walk(struct tally *t, const char *what, uint64_t c, uint64_t want,
		       uint64_t gva, uint64_t pte, uint64_t pseudo, bool hs)
{
	if (c != want) {
		if (c != EXC_LOAD_GUEST_PAGE_FAULT || want == EXC_LOAD_GUEST_PAGE_FAULT) {
			note(t, "%s: %s, want %s", what, cn(c), cn(want));
			return;
		}
		noted(t, DEV_WALK_CAUSE, "%s: %s, not %s", what, cn(c), cn(want));
	}
	if (C.stval != gva)
		note(t, "%s: stval %#llx, want the GVA %#llx", what, (unsigned long long)C.stval,
		     (unsigned long long)gva);
	if (C.htval != 0 && C.htval << 2 != pte)
		note(t, "%s: htval<<2 %#llx, want the PTE's GPA %#llx", what,
		     (unsigned long long)C.htval << 2, (unsigned long long)pte);
	if (C.htval != 0 ? C.htinst != pseudo : C.htinst != 0 && C.htinst != pseudo)
		note(t, "%s: htinst %#llx with htval %#llx, want %#llx", what,
		     (unsigned long long)C.htinst, (unsigned long long)C.htval,
		     (unsigned long long)pseudo);
	if (!gva_bit())
		note(t, "%s: hstatus.GVA 0", what);
	if (!!(C.hstatus & HSTATUS_SPV) == hs)
		note(t, "%s: hstatus.SPV %d", what, !!(C.hstatus & HSTATUS_SPV));
}

/* ---- 100: the read pseudoinstruction at every level of the walk ---- */

/*
 * The table page of each level of a three-level (Sv39) walk, in turn,
 * unmapped in the G-stage: the walk cannot read that level's PTE. The leaf
 * and middle levels with a guest ld; the root with HLV.D from HS-mode,
 * since a guest cannot run at all without its root table (every fetch
 * walks through it), and HLV "performs the same address translation and
 * protection checks as VS-mode" ("Hypervisor Virtual-Machine Load and
 * Store Instructions"). Each: LOAD_GPF, stval = GVA, htval = the PTE's
 * GPA >> 2 (or 0), htinst = 0x3000 ("64-bit read for VS-stage address
 * translation (RV64)"), GVA 1.
 */
static void walk_read_levels(struct result *r)
{
	struct tally t = { 0 };
	uint64_t gva = GVA_WALK + 0x28, seen[3] = { 0 }, hv[3] = { 0 };
	for (unsigned level = 0; level < 3; level++) {
		world_reset(gmode_default, vmid_default);
		world_vs_paging(3, 1, false);
		vs_map(GVA_WALK, data_gpa(PG_WALK), 0, PTE_R | PTE_W);
		uint64_t pte = pte_gpa(gva, level);
		g_unmap_table(gva, level);
		static const char *const what[] = { "leaf PTE (ld)", "level-1 PTE (ld)",
						    "root PTE (hlv.d from HS)" };
		uint64_t c;
		if (level < 2) {
			c = vrun(snip(vs_ld), 0, 0, gva, 0, 0, 0);
		} else {
			csr_set(CSR_HSTATUS, HSTATUS_SPVP);
			c = probe(P_HLV_D, gva, 0, NULL);
			csr_clear(CSR_HSTATUS, HSTATUS_SPVP);
		}
		judge_walk(&t, what[level], c, EXC_LOAD_GUEST_PAGE_FAULT, gva, pte,
			   HTINST_PSEUDO_LOAD64, level == 2);
		seen[level] = C.htinst;
		hv[level] = C.htval << 2;
	}
	finish(r, &t,
	       "LOAD_GPF, stval = GVA, GVA 1 at each level: leaf htval<<2 %#llx htinst %#llx, "
	       "level 1 %#llx %#llx, root (HLV) %#llx %#llx (the PTEs' GPAs, 0x3000)",
	       (unsigned long long)hv[0], (unsigned long long)seen[0], (unsigned long long)hv[1],
	       (unsigned long long)seen[1], (unsigned long long)hv[2], (unsigned long long)seen[2]);
}

/* ---- 101: the write pseudoinstruction (hardware A/D update) ---- */

/* A fresh VS-stage with GVA_WALK -> data page PG_WALK, R/W, its leaf PTE's
 * A and D as `ad` says (vs_map sets both); returns the PTE. */
static uint64_t *ad_world(uint64_t ad)
{
	world_reset(gmode_default, vmid_default);
	world_vs_paging(3, 1, false);
	uint64_t *pte = vs_map(GVA_WALK, data_gpa(PG_WALK), 0, PTE_R | PTE_W);
	*pte = (*pte & ~(PTE_A | PTE_D)) | ad;
	vw_hfence_vvma_all();
	return pte;
}

/*
 * The leaf PTE needs its A (a load) or D (a store) bit set while the page
 * holding it is G-stage read-only. "For a memory access made to support
 * VS-stage address translation (such as to read/write a VS-level page
 * table), permissions and the need to set A and/or D bits at the G-stage
 * level are checked as though for an implicit load or store, not for the
 * original access type. However, any exception is always reported for
 * the original access type" ("Guest Physical Address Translation"); "A
 * write pseudoinstruction (0x00002020 or 0x00003020) is used for the case
 * that the machine is attempting automatically to update bits A and/or D
 * in VS-level page tables" ("Transformed Instruction or Pseudoinstruction
 * for mtinst or htinst"). So: a guest-page fault of the original type,
 * htinst 0x3020 (bit 5, the store bit of the corresponding sd x0,0(x0),
 * marks the write), the PTE unchanged. DEV-18: the access completes and
 * the PTE is written through the read-only G-stage mapping.
 */
static void judge_ad(struct tally *t, const char *what, uint64_t c, uint64_t want,
		     uint64_t gva, uint64_t pte_gpa, const uint64_t *pte, uint64_t before)
{
	uint64_t now = *pte;
	if (c == EXC_ECALL_VS && now != before) {
		noted(t, DEV_AD_GSTAGE_RO, "%s: completed, read-only PTE %#llx -> %#llx", what,
		      (unsigned long long)before, (unsigned long long)now);
		return;
	}
	if (now != before)
		note(t, "%s: the PTE in a G-stage read-only page went %#llx -> %#llx", what,
		     (unsigned long long)before, (unsigned long long)now);
	judge_walk(t, what, c, want, gva, pte_gpa, HTINST_PSEUDO_STORE64, false);
}

static void walk_write(struct result *r)
{
	struct tally t = { 0 };
	uint64_t gva = GVA_WALK + 0x30, c;
	/* Svadu: henvcfg.ADUE sticks; "When ADUE=0, the implementation
	 * behaves as though Svade were implemented for VS-stage address
	 * translation": A=0 is a load page fault, nothing written. */
	csr_write(CSR_HENVCFG, HENVCFG_ADUE);
	bool adue = (csr_read(CSR_HENVCFG) & HENVCFG_ADUE) != 0;
	csr_write(CSR_HENVCFG, 0);
	uint64_t *pte;
	if (adue) {
		pte = ad_world(0);
		c = vrun(snip(vs_ld), 0, 0, gva, 0, 0, 0);
		if (c != EXC_LOAD_PAGE_FAULT || (*pte & PTE_A))
			note(&t, "henvcfg.ADUE=0, A=0: %s, PTE A %d (want LOAD_PF, A kept 0)", cn(c),
			     !!(*pte & PTE_A));
		csr_write(CSR_HENVCFG, HENVCFG_ADUE);
	}
	/* Does the hart set A itself (page tables G-stage writable)? */
	pte = ad_world(0);
	c = vrun(snip(vs_ld), 0, 0, gva, 0, 0, 0);
	bool hw = c == EXC_ECALL_VS && (*pte & PTE_A);
	if (!hw) {
		if (!adue && c == EXC_LOAD_PAGE_FAULT && !(*pte & PTE_A)) {
			skip(r, "the hart does not update VS-stage A/D bits (A=0: LOAD_PF, and "
			     "henvcfg.ADUE is read-only 0): the write case never arises");
			return;
		}
		note(&t, "A=0%s, page tables G-stage writable: %s, A %d (want the A bit set)",
		     adue ? ", ADUE=1" : "", cn(c), !!(*pte & PTE_A));
		csr_write(CSR_HENVCFG, 0);
		finish(r, &t, "unreached");
		return;
	}
	/* A load through a PTE with A=0, a store through one with D=0; the
	 * page tables G-stage read-only. */
	static const struct {
		const char *what;
		uint64_t ad, cause, off;
		bool store;
	} ac[] = {
		{ "ld, A=0", 0, EXC_LOAD_GUEST_PAGE_FAULT, 0x30, false },
		{ "sd, A=1 D=0", PTE_A, EXC_STORE_GUEST_PAGE_FAULT, 0x38, true },
	};
	uint64_t ht[2] = { 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(ac); i++) {
		pte = ad_world(ac[i].ad);
		vs_tables_gperm(GSTAGE_R);
		uint64_t before = *pte;
		c = vrun(snip(ac[i].store ? vs_sd : vs_ld), 0, 0, GVA_WALK + ac[i].off, 0x5a, 0, 0);
		char what[48];
		snprintf(what, sizeof(what), "%s%s", ac[i].what,
			 i ? "" : adue ? " (ADUE=1)" : " (ADUE r/o 0)");
		judge_ad(&t, what, c, ac[i].cause, GVA_WALK + ac[i].off,
			 pte_gpa(GVA_WALK, 0), pte, before);
		ht[i] = C.htinst;
	}
	retag(PG_WALK);
	csr_write(CSR_HENVCFG, 0);
	finish(r, &t, "%sA/D set by hardware; with the page tables G-stage read-only: ld (A=0) "
	       "LOAD_GPF htinst %#llx, sd (D=0) STORE_GPF htinst %#llx, htval = the leaf PTE's "
	       "GPA, PTE unchanged", adue ? "ADUE=0: A=0 LOAD_PF; ADUE=1: " : "",
	       (unsigned long long)ht[0], (unsigned long long)ht[1]);
}

/* ---- 102: an access straddling two pages, the second faulting ---- */

enum kind { K_LOAD, K_STORE, K_FETCH };

/* The transformed load/store ("Transformed Instruction or
 * Pseudoinstruction for mtinst or htinst"): immediate fields zero, rs1
 * (bits 19:15) replaced by the Addr. Offset, "the positive difference
 * between the faulting virtual address (written to mtval or stval) and the
 * original virtual address". */
static uint32_t transformed(uint32_t insn, bool store, uint64_t offset)
{
	uint32_t imm = store ? 0xfe000f80u : 0xfff00000u;
	return (insn & ~imm & ~0xf8000u) | (uint32_t)((offset & 0x1f) << 15);
}

/* One access that crosses a page boundary, and where its fault belongs. */
struct straddle {
	const char *what;	/* for the report: "ld/G" */
	const char *snippet;	/* the load or store; for a fetch the jump to va */
	enum kind k;
	bool g;			/* the faulting page is a G-stage hole (else the
				 * VS-stage leaves it unmapped) */
	uint64_t va;		/* the access's (the instruction's) own address */
	uint64_t fault_va;	/* the address of its portion that faults */
	uint64_t fault_gpa;	/* that portion's GPA (g only) */
};

/*
 * One straddling access, a faulting in one of its two pages. What the
 * specification permits:
 *  - a (guest-)page fault for the portion in the faulting page: "the
 *    faulting virtual address written to mtval/stval is the same as would
 *    be required for a regular page fault. Thus, the faulting virtual
 *    address may be a page-boundary address that is higher than the
 *    instruction's original virtual address" ("Guest-Page Faults"); for
 *    a regular fault "stval will contain the virtual address of the
 *    portion of the access that caused the fault" (supervisor.adoc,
 *    "Supervisor Trap Value (stval) Register"), i.e. a->fault_va: the
 *    page boundary when the second page faults, the access's own address
 *    when the first one does. htval: 0, or for a guest-page fault the GPA
 *    that "shall correspond to the exact virtual address written to
 *    mtval/stval" ("Guest-Page Faults"; "Hypervisor Trap Value (htval)
 *    Register": it "corresponds to the faulting portion of the access as
 *    indicated by the virtual address in stval"); 0 for a VS-stage page
 *    fault ("For other traps, htval is set to zero"). htinst: 0 or the
 *    transformed instruction with Addr. Offset fault_va - va; for a fetch
 *    0 ("For exceptions that prevent the fetching of an instruction, only
 *    zero or a pseudoinstruction value may be written", and this fault is
 *    not the walk's), with sepc the instruction's start ("sepc will point
 *    to the beginning of the instruction");
 *  - for a load or store, not doing the misaligned access: "loads and
 *    stores that are not naturally aligned may either complete execution
 *    successfully or raise an exception. The exception raised can be
 *    either an address-misaligned exception or an access-fault exception"
 *    (unpriv "Load and Store Instructions"), with stval 0 or the faulting
 *    virtual address, va (supervisor.adoc), htval 0, htinst 0 or the
 *    transformed instruction with Addr. Offset 0.
 * Completing is not possible: part of it has nowhere to go. Which one the
 * platform chose goes into `how`.
 */
static void judge_straddle(struct tally *t, char *how, size_t hsize, const struct straddle *a,
			   uint64_t c)
{
	static const uint64_t pfs[2][3] = {
		{ EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT, EXC_INST_PAGE_FAULT },
		{ EXC_LOAD_GUEST_PAGE_FAULT, EXC_STORE_GUEST_PAGE_FAULT, EXC_INST_GUEST_PAGE_FAULT },
	};
	enum kind k = a->k;
	uint64_t pf = pfs[a->g][k];
	uint64_t mis = k == K_LOAD ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED;
	uint64_t af = k == K_LOAD ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS;
	uint64_t start = k == K_FETCH ? a->va : snip(a->snippet);
	uint32_t insn = k == K_FETCH ? 0 : snip_insn(a->snippet, 0);
	const char *what = a->what;
	char w[96];
	if (c == pf) {
		if (C.stval != a->fault_va)
			note(t, "%s: %s stval %#llx, want the faulting portion's %#llx", what, cn(c),
			     (unsigned long long)C.stval, (unsigned long long)a->fault_va);
		if (C.htval != 0 && (!a->g || gpa_from_trap() != a->fault_gpa))
			note(t, "%s: htval<<2|stval&3 %#llx, want %s", what,
			     (unsigned long long)gpa_from_trap(), a->g ? "0 or stval's GPA" : "0");
		if (k == K_FETCH ? C.htinst != 0
				 : C.htinst != 0 && C.htinst != transformed(insn, k == K_STORE,
									  a->fault_va - a->va))
			note(t, "%s: htinst %#llx", what, (unsigned long long)C.htinst);
		snprintf(w, sizeof(w), "%s %s%s htinst %#llx", what, cn(c),
			 C.htval ? " htval=GPA" : "", (unsigned long long)C.htinst);
	} else if (k != K_FETCH && (c == mis || c == af)) {
		if (C.stval != a->va && C.stval != 0)
			note(t, "%s: %s stval %#llx, want %#llx or 0", what, cn(c),
			     (unsigned long long)C.stval, (unsigned long long)a->va);
		if (C.htval != 0 ||
		    (C.htinst != 0 && C.htinst != transformed(insn, k == K_STORE, 0)))
			note(t, "%s: %s htval %#llx htinst %#llx", what, cn(c),
			     (unsigned long long)C.htval, (unsigned long long)C.htinst);
		snprintf(w, sizeof(w), "%s %s stval %s htinst %#llx", what, cn(c),
			 C.stval ? "va" : "0", (unsigned long long)C.htinst);
	} else {
		note(t, "%s: %s (stval %#llx), want %s at %#llx%s", what, cn(c),
		     (unsigned long long)C.stval, cn(pf), (unsigned long long)a->fault_va,
		     k == K_FETCH ? "" : " or an address-misaligned or access fault");
		return;
	}
	if (C.sepc != start)
		note(t, "%s: sepc %#llx, want the instruction's start %#llx", what,
		     (unsigned long long)C.sepc, (unsigned long long)start);
	/* GVA: 1 exactly when stval holds a guest virtual address
	 * ("Hypervisor Status (hstatus) Register"). */
	if (gva_bit() != (C.stval != 0))
		note(t, "%s: stval %#llx with hstatus.GVA %d", what, (unsigned long long)C.stval,
		     gva_bit());
	size_t n = strlen(how);
	snprintf(how + n, hsize - n, "%s%s", n ? ", " : "", w);
}

/* The accesses of checks 102 and 105: a load and a store of 8 bytes, and
 * a 32-bit instruction fetched 2 bytes before the page boundary (32-bit
 * instructions at 2-byte boundaries need IALIGN=16, the C extension). */
static const struct {
	const char *what, *snippet;
	enum kind k;
} str_acc[] = {
	{ "ld", vs_ld, K_LOAD },
	{ "sd", vs_sd, K_STORE },
	{ "fetch", vs_jr, K_FETCH },
};

/* A fresh world with GVA_STR's page and the next one mapped by the
 * VS-stage as `lo` and `hi` say: a GPA, or 0 for no VS-stage leaf. */
static void straddle_world(uint64_t lo, uint64_t hi)
{
	world_reset(gmode_default, vmid_default);
	world_vs_paging(3, 1, false);
	if (lo)
		vs_map(GVA_STR, lo, 0, PTE_R | PTE_W | PTE_X);
	if (hi)
		vs_map(GVA_STR + PAGE_SIZE, hi, 0, PTE_R | PTE_W | PTE_X);
	vw_hfence_vvma_all();
	retag(PG_STR);
}

/*
 * 102: the second page faults. `va` is in the mapped page, its last bytes
 * (from the page boundary on) in the next page, which faults in the
 * G-stage (mapped by the VS-stage to a GPA hole) or in the VS-stage.
 */
static void straddle(struct result *r)
{
	struct tally t = { 0 };
	char how[320] = "";
	bool fetch = isa_host_has("c");
	/* The first half of a 32-bit ecall in the last two bytes of the page:
	 * a fetch there needs the next page for its second half. */
	uint16_t half = 0x0073;
	uint32_t *first = (uint32_t *)(uintptr_t)(data_hpa(PG_STR) + PAGE_SIZE - 4);
	uint64_t b = GVA_STR + PAGE_SIZE;
	for (int g = 1; g >= 0; g--) {
		for (unsigned i = 0; i < ARRAY_SIZE(str_acc); i++) {
			if (str_acc[i].k == K_FETCH && !fetch)
				continue;
			straddle_world(data_gpa(PG_STR), g ? GPA_HOLE : 0);
			memcpy((char *)first + 2, &half, sizeof(half));
			__asm__ volatile("fence.i" ::: "memory");
			uint32_t was = *first;
			uint64_t va = b - (str_acc[i].k == K_FETCH ? 2 : 4);
			uint64_t c = vrun(snip(str_acc[i].snippet), 0, 0, va, 0x5a5a5a5a5a5a5a5aULL, 0, 0);
			/* "a portion of a misaligned store that passes the exception
			 * check may become visible" (supervisor.adoc): either is
			 * allowed, the report says which. */
			char what[32];
			snprintf(what, sizeof(what), "%s/%s%s", str_acc[i].what, g ? "G" : "VS",
				 str_acc[i].k != K_STORE ? "" : *first == was ? " (none stored)"
									   : " (1st page stored)");
			struct straddle a = { what, str_acc[i].snippet, str_acc[i].k, g, va, b,
					      GPA_HOLE };
			judge_straddle(&t, how, sizeof(how), &a, c);
		}
	}
	retag(PG_STR);
	finish(r, &t, "stval = the page boundary %#llx, sepc = the instruction, unless said: "
	       "%s%s", (unsigned long long)b, how,
	       fetch ? "" : "; no C: no 32-bit instruction straddles a page");
}

/* ---- 103: vector instructions under sstatus.VS and vsstatus.VS ---- */

/*
 * "Similarly, when V=1, both vsstatus.VS and the HS-level sstatus.VS are
 * in effect. Attempts to execute a vector instruction when either field
 * is 0 (Off) raise an illegal-instruction exception. Modifying the vector
 * state when V=1 causes both fields to be set to 3 (Dirty)" ("Virtual
 * Supervisor Status (vsstatus) Register"); the vector CSRs count ("to
 * access the vector CSRs", unpriv "Vector Context Status in vsstatus"),
 * and "If vsstatus.VS is Dirty, vsstatus.SD is 1". As check 89 for FS.
 */
static uint64_t vec_with(const char *snippet, uint64_t hs_vs, uint64_t vs_vs)
{
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	csr_set(CSR_SSTATUS, hs_vs);
	csr_write(CSR_VSSTATUS, vs_vs);
	return vrun(snip(snippet), 0, 0, 0, 0, 0, 0);
}

static void vector_vs(struct result *r)
{
	if (!isa_host_has("v") && !isa_host_has("zve32x")) {
		skip(r, "no V (or Zve32x) in the ISA string (QEMU: -cpu rv64,v=true)");
		return;
	}
	struct tally t = { 0 };
	uint64_t keep = csr_read(CSR_SSTATUS) & SSTATUS_VS;
	static const struct {
		const char *what;
		uint64_t hs_vs, vs_vs;
	} off[] = {
		{ "vsstatus.VS Off", SSTATUS_VS_INITIAL, 0 },
		{ "sstatus.VS Off", 0, SSTATUS_VS_INITIAL },
	};
	static const struct {
		const char *what, *snippet;
	} ins[] = { { "vsetivli", vs_vec }, { "csrr vl", vs_vcsr } };
	for (unsigned i = 0; i < ARRAY_SIZE(off); i++)
		for (unsigned j = 0; j < ARRAY_SIZE(ins); j++) {
			uint64_t c = vec_with(ins[j].snippet, off[i].hs_vs, off[i].vs_vs);
			if (c != EXC_ILLEGAL_INST || C.sepc != snip(ins[j].snippet))
				note(&t, "%s, %s: %s at %#llx, want ILLEGAL_INSN", off[i].what,
				     ins[j].what, cn(c), (unsigned long long)C.sepc);
		}
	uint64_t c = vec_with(vs_vec, SSTATUS_VS_CLEAN, SSTATUS_VS_INITIAL);
	uint64_t vss = csr_read(CSR_VSSTATUS), guest = C.gpr[R_A1];
	if (c != EXC_ECALL_VS)
		note(&t, "sstatus.VS Clean, vsstatus.VS Initial: %s at %#llx, the instructions did "
		     "not complete", cn(c), (unsigned long long)C.sepc);
	else if ((C.sstatus & SSTATUS_VS) != SSTATUS_VS || (vss & SSTATUS_VS) != SSTATUS_VS ||
		 (guest & (SSTATUS_VS | SSTATUS_SD)) != (SSTATUS_VS | SSTATUS_SD))
		note(&t, "Clean/Initial, after vsetivli and vmv.v.i: sstatus.VS %llu, vsstatus.VS "
		     "%llu; the guest's sstatus %#llx", (unsigned long long)((C.sstatus & SSTATUS_VS) >> 9),
		     (unsigned long long)((vss & SSTATUS_VS) >> 9), (unsigned long long)guest);
	else if (!(vss & SSTATUS_SD))
		noted(&t, DEV_VSSTATUS_SD, "vsstatus read from HS: VS 3 (Dirty) but SD 0; the "
		      "guest's own sstatus read: %#llx (SD 1)", (unsigned long long)guest);
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	csr_set(CSR_SSTATUS, keep);
	finish(r, &t, "either VS Off: vsetivli and csrr vl ILLEGAL_INSN (not VIRT_INSN); "
	       "sstatus.VS Clean, vsstatus.VS Initial: vsetivli, vmv.v.i complete, both VS read 3 "
	       "(Dirty), vsstatus.SD 1 (from HS and in the guest)");
}

/* ---- 104: vsstatus.SD with vsstatus.FS Dirty ---- */

/* SD as a status value's own FS, VS and XS say it must read: "SD=(FS==0b11
 * OR XS==0b11 OR VS==0b11)" (machine.adoc, "Extension Context Status in
 * mstatus Register"). */
static bool sd_due(uint64_t st)
{
	return (st & SSTATUS_FS) == SSTATUS_FS || (st & SSTATUS_VS) == SSTATUS_VS ||
	       (st & SSTATUS_XS) == SSTATUS_XS;
}

/*
 * One case of check 104: sstatus.FS = hs_fs, vsstatus = vs_fs (everything
 * else 0), then the guest runs `snippet`, which reads its own sstatus
 * into a1 (with V=1 that is vsstatus). Returns the cause; *vss is
 * vsstatus as HS-mode reads it afterwards.
 */
static uint64_t fs_case(const char *snippet, uint64_t hs_fs, uint64_t vs_fs, uint64_t *vss)
{
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, hs_fs);
	csr_write(CSR_VSSTATUS, vs_fs);
	uint64_t c = vrun(snip(snippet), 0, 0, 0, 0, 0, 0);
	*vss = csr_read(CSR_VSSTATUS);
	return c;
}

/*
 * What one case must show. vsstatus.FS is `want_fs` seen from both sides
 * (HS: csrr vsstatus; the guest: csrr sstatus). SD, from both sides, is
 * what FS/VS/XS of that same read say (sd_due). "Read-only fields SD and
 * XS summarize the extension context status as it is visible to VS-mode
 * only. For example, the value of the HS-level sstatus.FS does not affect
 * vsstatus.SD" ("Virtual Supervisor Status (vsstatus) Register"). SD 0
 * read from HS-mode where the guest's own read has SD 1 is DEV-19's
 * signature.
 */
static void judge_sd(struct tally *t, const char *what, uint64_t c, uint64_t vss,
		     uint64_t want_fs)
{
	uint64_t guest = C.gpr[R_A1];
	if (c != EXC_ECALL_VS) {
		note(t, "%s: %s at %#llx, the guest did not reach its ecall", what, cn(c),
		     (unsigned long long)C.sepc);
		return;
	}
	if ((vss & SSTATUS_FS) != want_fs || (guest & SSTATUS_FS) != want_fs)
		note(t, "%s: vsstatus.FS %llu from HS, %llu in the guest, want %llu", what,
		     (unsigned long long)((vss & SSTATUS_FS) >> 13),
		     (unsigned long long)((guest & SSTATUS_FS) >> 13),
		     (unsigned long long)(want_fs >> 13));
	bool gsd = (guest & SSTATUS_SD) != 0, hsd = (vss & SSTATUS_SD) != 0;
	if (gsd != sd_due(guest))
		note(t, "%s: the guest's sstatus %#llx has SD %d", what, (unsigned long long)guest,
		     gsd);
	if (hsd == sd_due(vss))
		return;
	if (!hsd && gsd && (vss & ~SSTATUS_SD) == (guest & ~SSTATUS_SD))
		noted(t, DEV_VSSTATUS_SD, "%s: vsstatus %#llx from HS (SD 0), %#llx in the guest",
		      what, (unsigned long long)vss, (unsigned long long)guest);
	else
		note(t, "%s: vsstatus from HS %#llx has SD %d", what, (unsigned long long)vss, hsd);
}

/*
 * vsstatus.SD summarises vsstatus's own FS ("Virtual Supervisor Status
 * (vsstatus) Register", above), in three cases: the guest makes its FP
 * state Dirty ("Modifying the floating-point state when V=1 causes both
 * fields to be set to 3 (Dirty)"; "Execute instruction that possibly
 * modifies state" -> Dirty, machine.adoc) with both FS Initial: SD 1; the
 * hypervisor writes vsstatus.FS Dirty itself: SD 1; sstatus.FS Dirty with
 * vsstatus.FS Clean: SD 0. Check 89 is FS's Off/Dirty rules, 103 SD with
 * vsstatus.VS.
 */
static void fp_sd(struct result *r)
{
	if (!isa_host_has("f")) {
		skip(r, "no F in the ISA string");
		return;
	}
	/* The guest's f0 keeps its value (its FP registers are live here:
	 * this runs inside the validation guest's exit). */
	const char *touch = isa_host_has("d") ? vs_fp_touch_d : vs_fp_touch_s;
	static const struct {
		const char *what;
		bool guest_fp;	/* run the FP instruction, else only read sstatus */
		uint64_t hs_fs, vs_fs, want_fs;
	} cs[] = {
		{ "guest FP write, both FS Initial", true, SSTATUS_FS_INITIAL, SSTATUS_FS_INITIAL,
		  SSTATUS_FS },
		{ "vsstatus.FS written Dirty by HS", false, SSTATUS_FS_INITIAL, SSTATUS_FS,
		  SSTATUS_FS },
		{ "sstatus.FS Dirty, vsstatus.FS Clean", false, SSTATUS_FS, SSTATUS_FS_CLEAN,
		  SSTATUS_FS_CLEAN },
	};
	struct tally t = { 0 };
	uint64_t keep = csr_read(CSR_SSTATUS) & SSTATUS_FS, vss[ARRAY_SIZE(cs)] = { 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(cs); i++) {
		uint64_t c = fs_case(cs[i].guest_fp ? touch : vs_csrr_sstatus, cs[i].hs_fs,
				     cs[i].vs_fs, &vss[i]);
		judge_sd(&t, cs[i].what, c, vss[i], cs[i].want_fs);
	}
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, keep);
	finish(r, &t, "vsstatus from HS: guest FP write %#llx, FS written Dirty %#llx (SD 1), "
	       "HS FS Dirty with vsstatus.FS Clean %#llx (SD 0); the guest's sstatus the same",
	       (unsigned long long)vss[0], (unsigned long long)vss[1], (unsigned long long)vss[2]);
}

/* ---- 105: an access straddling two pages, the first faulting ---- */

/*
 * The first page faults, the second is mapped: the faulting portion is
 * the access's own start, so stval must be the access's own address (the
 * instruction's, for a fetch) and a nonzero htval its GPA (judge_straddle
 * has the rules). The load and store start 6 bytes before the boundary,
 * so stval's low two bits (2) are the GPA's ("Hypervisor Trap Value
 * (htval) Register": they "are ordinarily the same as the least-
 * significant two bits of the faulting virtual address in stval"); the
 * fetch is a 32-bit instruction 2 bytes before it. The first page faults
 * in the G-stage (the VS-stage maps it to a GPA hole) or in the VS-stage
 * (no leaf for it).
 */
static void straddle_first(struct result *r)
{
	struct tally t = { 0 };
	char how[320] = "";
	bool fetch = isa_host_has("c");
	uint64_t b = GVA_STR + PAGE_SIZE;
	const uint64_t *second = (const uint64_t *)(uintptr_t)data_hpa(PG_STR);
	for (int g = 1; g >= 0; g--) {
		for (unsigned i = 0; i < ARRAY_SIZE(str_acc); i++) {
			if (str_acc[i].k == K_FETCH && !fetch)
				continue;
			straddle_world(g ? GPA_HOLE : 0, data_gpa(PG_STR));
			uint64_t was = *second;
			uint64_t va = b - (str_acc[i].k == K_FETCH ? 2 : 6);
			uint64_t c = vrun(snip(str_acc[i].snippet), 0, 0, va, 0x5a5a5a5a5a5a5a5aULL, 0, 0);
			/* The store's portion in the second page passes its own
			 * check: it may become visible (supervisor.adoc). */
			char what[32];
			snprintf(what, sizeof(what), "%s/%s%s", str_acc[i].what, g ? "G" : "VS",
				 str_acc[i].k != K_STORE ? "" : *second == was ? " (none stored)"
									    : " (2nd page stored)");
			struct straddle a = { what, str_acc[i].snippet, str_acc[i].k, g, va, va,
					      GPA_HOLE + (va & (PAGE_SIZE - 1)) };
			judge_straddle(&t, how, sizeof(how), &a, c);
		}
	}
	retag(PG_STR);
	finish(r, &t, "stval = the access's own address (ld/sd %#llx, fetch %#llx), sepc = the "
	       "instruction, unless said: %s%s", (unsigned long long)(b - 6),
	       (unsigned long long)(b - 2), how,
	       fetch ? "" : "; no C: no 32-bit instruction straddles a page");
}

const struct check checks_late[] = {
	{ "htinst 0x3000 for walk faults at every level", SEC_TINST,
	  "G-stage fault on an implicit VS-stage read of a PTE: htinst = 0x3000 when htval holds "
	  "the PTE's GPA (zero not allowed), stval = GVA, GVA 1", walk_read_levels },
	{ "htinst 0x3020 for a walk's A/D update", SEC_TINST,
	  "the write pseudoinstruction 0x3020 is for the hardware's A/D update of a VS-level PTE; "
	  "the G-stage checks it as a store", walk_write },
	{ "access straddling a page, second page faults", SEC_GPF,
	  "stval is the faulting portion's address (the page boundary), htval its GPA or 0; or "
	  "a misaligned access raises address-misaligned/access fault", straddle },
	{ "vector in VS: sstatus.VS and vsstatus.VS both in effect", SEC_VSSTATUS,
	  "either VS Off: illegal instruction; modifying vector state when V=1 sets both VS to 3 "
	  "(Dirty)", vector_vs },
	{ "vsstatus.SD with vsstatus.FS Dirty", SEC_VSSTATUS,
	  "SD and XS summarize the extension context status visible to VS-mode: FS Dirty (a "
	  "guest FP write, or written) makes vsstatus.SD 1; HS sstatus.FS does not affect it",
	  fp_sd },
	{ "access straddling a page, first page faults", SEC_GPF,
	  "stval is the faulting portion's address, here the access's own (in the first page), "
	  "htval 0 or exactly its GPA; or a misaligned access raises address-misaligned/access "
	  "fault", straddle_first },
	{ "vstopei and eithreshold of the guest file VGEIN selects", SEC_TOPEI,
	  "vstopei is the guest file's highest-priority pending-and-enabled interrupt below a "
	  "nonzero eithreshold (0 if none); a write claims it; no guest file: HS illegal, VS "
	  "virtual instruction", vstopei_threshold },
	{ "HLVX without execute permission: a load fault", SEC_HLV,
	  "HLVX needs execute permission but raises the exceptions of a load: load page fault "
	  "(13) or load guest-page fault (21), never 12 or 20", hlvx_fault_cause },
	{ NULL, NULL, NULL, NULL },
};
