/*
 * Checks of two-stage address translation ("Two-Stage Address
 * Translation"): G-stage modes, leaf sizes and permissions, guest-page
 * faults and what they report, faults during the implicit VS-stage walk,
 * MXR and SUM, the virtual-machine load/store instructions from HS-mode,
 * and the memory-management fences.
 *
 * Data pages are numbered (vcheck.h); each check uses its own, and every
 * word of a data page holds TAG ^ its host address, so a value read tells
 * which host word a translation reached.
 */
#include <stdarg.h>

#include "vcheck.h"

#define SEC_GPAT "Guest Physical Address Translation"
#define SEC_2ST "Two-Stage Address Translation"
#define SEC_GPF "Guest-Page Faults"
/* machine.adoc: "store, store-conditional, and AMO instructions generate
 * store/AMO exceptions" */
#define SEC_MCAUSE "Machine Cause (mcause) Register"
#define SEC_HTVAL "Hypervisor Trap Value (htval) Register"
#define SEC_TINST "Transformed Instruction or Pseudoinstruction for mtinst or htinst"
#define SEC_HSTATUS "Hypervisor Status (hstatus) Register"
#define SEC_HLV "Hypervisor Virtual-Machine Load and Store Instructions"
#define SEC_HFENCE "Hypervisor Memory-Management Fence Instructions"
#define SEC_MMF "Memory-Management Fences"
#define SEC_DELEG "Hypervisor Trap Delegation (hedeleg and hideleg) Registers"
#define SEC_ENTRY "Trap Entry"
#define SEC_VSATP "Virtual Supervisor Address Translation and Protection (vsatp) Register"

#define GVA_T(i) (0x40000000UL + (uint64_t)(i)*PAGE_SIZE)
#define A1 (C.gpr[R_A1])

static uint64_t ecall_cause(unsigned long flags)
{
	return (flags & RUN_VU) ? EXC_ECALL_U : EXC_ECALL_VS;
}

/* A guest `ld` from gva must complete with the tag of hpa. */
static void expect_load(struct tally *t, const char *what, uint64_t gva, uint64_t hpa,
			unsigned long flags)
{
	uint64_t c = vrun(snip(vs_ld), flags, 0, gva, 0, 0, 0);
	if (c != ecall_cause(flags))
		note(t, "%s: %s (stval %#llx)", what, cn(c), (unsigned long long)C.stval);
	else if (A1 != tag_of(hpa))
		note(t, "%s: read %#llx, want %#llx", what, (unsigned long long)A1,
		     (unsigned long long)tag_of(hpa));
}

/* A guest access must trap with `cause`. */
static void expect_trap(struct tally *t, const char *what, const char *snippet,
			uint64_t gva, uint64_t cause, unsigned long flags)
{
	uint64_t c = vrun(snip(snippet), flags, 0, gva, 0x1234, 0, 0);
	if (c != cause)
		note(t, "%s: %s, want %s", what, cn(c), cn(cause));
}

/* A load (vsatp Bare, so GVA = GPA) from a GPA whose top GPA bit (bit
 * `top`) is set: it must translate; DEV-4 when it faults instead. */
static void expect_load_top(struct tally *t, const char *what, uint64_t gpa, uint64_t hpa,
			    unsigned top)
{
	uint64_t c = vrun(snip(vs_ld), 0, 0, gpa, 0, 0, 0);
	if (c == EXC_LOAD_GUEST_PAGE_FAULT && ((gpa >> top) & 1))
		noted(t, DEV_GPA_SIGN, "%s: %s although mapped", what, cn(c));
	else if (c != EXC_ECALL_VS)
		note(t, "%s: %s (stval %#llx)", what, cn(c), (unsigned long long)C.stval);
	else if (C.gpr[R_A1] != tag_of(hpa))
		note(t, "%s: read %#llx, want %#llx", what, (unsigned long long)C.gpr[R_A1],
		     (unsigned long long)tag_of(hpa));
}

/* On a platform whose hgatp reads back any MODE (DEV-3), a mode is
 * supported only if a plain 4 KiB mapping translates in it: SKIP when
 * not (the caller's check then says so). */
static bool mode_translates(void)
{
	if (!hgatp_any_mode)
		return true;
	uint64_t c = vrun(snip(vs_ld), 0, 0, data_gpa(1) + 8, 0, 0, 0);
	return c == EXC_ECALL_VS && C.gpr[R_A1] == tag_of(data_hpa(1) + 8);
}

static void world_mode(unsigned long mode)
{
	if (mode != gmode_default)
		world_reset(mode, vmid_default);
}

/* ---- G-stage modes and leaves ---- */

/* Sv39x4: 4 KiB, 2 MiB and 1 GiB leaves; root indexes above 511 (the
 * two extra GPA bits) up to the 41-bit limit. */
static void sv39x4_leaves(struct result *r)
{
	if (!have_sv39x4) {
		skip(r, "hgatp does not accept Sv39x4");
		return;
	}
	world_mode(HGATP_MODE_SV39X4);
	struct tally t = { 0 };
	uint64_t base1g = ALIGN_DOWN(arena, GiB(1));
	g_map(0x40000000UL, arena, MiB(2), GSTAGE_RWX);			/* 2 MiB leaf */
	g_map(0xC0000000UL, base1g, GiB(1), GSTAGE_RWX);		/* 1 GiB leaf */
	g_map((1UL << 40) - PAGE_SIZE, data_hpa(2), PAGE_SIZE, GSTAGE_RWX); /* index 1023 */
	g_map((1UL << 41) - PAGE_SIZE, data_hpa(3), PAGE_SIZE, GSTAGE_RWX); /* 2047 */
	vw_hfence_gvma_all();
	expect_load(&t, "4K", data_gpa(1) + 8, data_hpa(1) + 8, 0);
	expect_load(&t, "2M", 0x40000000UL + OFF_DATA + 0x18, arena + OFF_DATA + 0x18, 0);
	expect_load(&t, "1G", 0xC0000000UL + (data_hpa(4) - base1g), data_hpa(4), 0);
	expect_load(&t, "GPA 2^40-4K", (1UL << 40) - PAGE_SIZE + 0x20, data_hpa(2) + 0x20, 0);
	expect_load_top(&t, "GPA 2^41-4K", (1UL << 41) - PAGE_SIZE + 0x28, data_hpa(3) + 0x28, 40);
	finish(r, &t, "4K, 2M, 1G leaves and GPAs 0xfffffff000 (root index 1023), "
	       "0x1fffffff000 (2047) translate");
}

/* A leaf at the root of Sv48x4 (512 GiB): PPN 0 maps GPA 512G.. to host 0.. */
static void sv48x4_leaves(struct result *r)
{
	if (!have_sv48x4) {
		skip(r, "hgatp does not accept Sv48x4");
		return;
	}
	world_mode(HGATP_MODE_SV48X4);
	if (!mode_translates()) {
		skip(r, "hgatp reads back any MODE (DEV-3) and Sv48x4 does not translate: absent");
		return;
	}
	struct tally t = { 0 };
	uint64_t base1g = ALIGN_DOWN(arena, GiB(1));
	g_map(0x40000000UL, arena, MiB(2), GSTAGE_RWX);
	g_map(0xC0000000UL, base1g, GiB(1), GSTAGE_RWX);
	g_map((1UL << 49) - PAGE_SIZE, data_hpa(2), PAGE_SIZE, GSTAGE_RWX); /* index 1023 */
	g_map((1UL << 50) - PAGE_SIZE, data_hpa(3), PAGE_SIZE, GSTAGE_RWX); /* 2047 */
	W.g.root[1] = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D; /* 512G */
	vw_hfence_gvma_all();
	expect_load(&t, "4K", data_gpa(1) + 8, data_hpa(1) + 8, 0);
	expect_load(&t, "2M", 0x40000000UL + OFF_DATA + 0x18, arena + OFF_DATA + 0x18, 0);
	expect_load(&t, "1G", 0xC0000000UL + (data_hpa(4) - base1g), data_hpa(4), 0);
	expect_load(&t, "512G", (1UL << 39) + data_hpa(5), data_hpa(5), 0);
	expect_load(&t, "GPA 2^49-4K", (1UL << 49) - PAGE_SIZE + 0x20, data_hpa(2) + 0x20, 0);
	expect_load_top(&t, "GPA 2^50-4K", (1UL << 50) - PAGE_SIZE + 0x28, data_hpa(3) + 0x28, 49);
	finish(r, &t, "4K, 2M, 1G, 512G leaves and GPAs 2^49-4K (root index 1023), 2^50-4K "
	       "(2047) translate");
}

/* Sv57x4, when accepted: the first 4 KiB of an Sv48x4 root serve as the
 * level-3 table for GPAs below 2^48; a root-level leaf maps the top. */
static void sv57x4_leaves(struct result *r)
{
	if (!have_sv57x4) {
		skip(r, "hgatp does not accept Sv57x4 (optional)");
		return;
	}
	struct gstage g48;
	world_gstage(&g48, 1, HGATP_MODE_SV48X4, vmid_default);
	uint64_t *root57 = (uint64_t *)(uintptr_t)(arena + OFF_GROOT + 2UL * GSTAGE_ROOT_SIZE);
	memset(root57, 0, GSTAGE_ROOT_SIZE);
	root57[0] = (((uint64_t)(uintptr_t)g48.root >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
	root57[1023] = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
	root57[2047] = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
	csr_write(CSR_HGATP, (10UL << HGATP_MODE_SHIFT) |
				     ((uint64_t)vmid_default << HGATP_VMID_SHIFT) |
				     ((uint64_t)(uintptr_t)root57 >> PAGE_SHIFT));
	vw_hfence_gvma_all();
	if (!mode_translates()) {
		csr_write(CSR_HGATP, W.hgatp);
		vw_hfence_gvma_all();
		skip(r, "hgatp reads back any MODE (DEV-3) and Sv57x4 does not translate: absent");
		return;
	}
	struct tally t = { 0 };
	expect_load(&t, "4K", data_gpa(1) + 8, data_hpa(1) + 8, 0);
	expect_load(&t, "root leaf 1023", (1023UL << 48) + data_hpa(6), data_hpa(6), 0);
	expect_load_top(&t, "root leaf 2047", (2047UL << 48) + data_hpa(6), data_hpa(6), 58);
	csr_write(CSR_HGATP, W.hgatp);
	vw_hfence_gvma_all();
	finish(r, &t, "4K leaf below 2^48 and root leaves at GPA 1023<<48, 2047<<48 translate");
}

/* Bits 63:41 of an Sv39x4 GPA must be zero, else a guest-page fault: also
 * when they are all ones and bit 40 is set, which a sign-extension check
 * would let through (DEV-4). */
static void sv39x4_width(struct result *r)
{
	if (!have_sv39x4) {
		skip(r, "hgatp does not accept Sv39x4");
		return;
	}
	world_mode(HGATP_MODE_SV39X4);
	g_map((1UL << 40) | data_gpa(7), data_hpa(7), PAGE_SIZE, GSTAGE_RWX);
	vw_hfence_gvma_all();
	struct tally t = { 0 };
	expect_trap(&t, "GPA 2^41+x", vs_ld, (1UL << 41) + data_gpa(7), EXC_LOAD_GUEST_PAGE_FAULT, 0);
	expect_trap(&t, "GPA ~0<<41|x", vs_ld, (~0UL << 41) | data_gpa(7),
		    EXC_LOAD_GUEST_PAGE_FAULT, 0);
	uint64_t alias = (~0UL << 40) | data_gpa(7);
	uint64_t c = vrun(snip(vs_ld), 0, 0, alias, 0, 0, 0);
	if (c == EXC_ECALL_VS && C.gpr[R_A1] == tag_of(data_hpa(7)))
		noted(&t, DEV_GPA_SIGN, "GPA %#llx translated to the page of GPA %#llx",
		      (unsigned long long)alias, (unsigned long long)((1UL << 40) | data_gpa(7)));
	else if (c != EXC_LOAD_GUEST_PAGE_FAULT)
		note(&t, "GPA %#llx: %s", (unsigned long long)alias, cn(c));
	finish(r, &t, "GPAs 2^41+x, (~0<<41)|x and (~0<<40)|x: load guest-page faults");
}

/* G-stage permission bits, checked as for a U-mode access. */
static void gperm(struct result *r, unsigned page, unsigned long perm, const char *snippet,
		  uint64_t want, const char *what)
{
	uint64_t *pte = g_pte(&W.g, data_gpa(page), NULL);
	*pte = (*pte & ~(uint64_t)GSTAGE_RWX) | perm;
	vw_hfence_gvma_all();
	uint64_t c = vrun(snip(snippet), 0, 0, data_gpa(page) + 0x10, 0x55, 0, 0);
	if (c == want && C.stval == data_gpa(page) + 0x10)
		pass(r, "%s: %s, stval %#llx", what, cn(c), (unsigned long long)C.stval);
	else
		fail(r, "%s: %s stval %#llx, want %s", what, cn(c), (unsigned long long)C.stval,
		     cn(want));
	retag(page);
}

static void gperm_r(struct result *r)
{
	gperm(r, 8, GSTAGE_X, vs_ld, EXC_LOAD_GUEST_PAGE_FAULT, "load from an X-only G-stage page");
}

static void gperm_w(struct result *r)
{
	gperm(r, 9, GSTAGE_R | GSTAGE_X, vs_sd, EXC_STORE_GUEST_PAGE_FAULT,
	      "store to an R+X G-stage page");
}

static void gperm_x(struct result *r)
{
	gperm(r, 10, GSTAGE_R | GSTAGE_W, vs_jr, EXC_INST_GUEST_PAGE_FAULT,
	      "fetch from an R+W G-stage page");
}

/* A G-stage leaf with U=0 faults even for VS-mode. */
static void gperm_u(struct result *r)
{
	uint64_t *pte = g_pte(&W.g, data_gpa(11), NULL);
	*pte &= ~PTE_U;
	vw_hfence_gvma_all();
	uint64_t c = vrun(snip(vs_ld), 0, 0, data_gpa(11), 0, 0, 0);
	if (c == EXC_LOAD_GUEST_PAGE_FAULT)
		pass(r, "VS-mode load through a U=0 G-stage leaf: %s", cn(c));
	else
		fail(r, "VS-mode load through a U=0 G-stage leaf: %s, want LOAD_GPF", cn(c));
}

/* hgatp Bare: guest-physical = supervisor-physical. */
static void gstage_bare(struct result *r)
{
	csr_write(CSR_HGATP, 0);
	vw_hfence_gvma_all();
	uint64_t pc = arena + OFF_CODE + snip_off(vs_ld);
	uint64_t c = vrun(pc, 0, 0, data_hpa(12) + 0x30, 0, 0, 0);
	csr_write(CSR_HGATP, W.hgatp);
	vw_hfence_gvma_all();
	if (c == EXC_ECALL_VS && A1 == tag_of(data_hpa(12) + 0x30))
		pass(r, "code and data at their host addresses: load returned the right word");
	else
		fail(r, "%s, read %#llx", cn(c), (unsigned long long)A1);
}

/* VS-stage leaves of every size over 4 KiB G-stage pages. */
static void two_stage_sizes(struct result *r)
{
	struct tally t = { 0 };
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(0), data_gpa(13), 0, PTE_R | PTE_W);
	vs_map(0x80000000UL, GPA_ARENA, 1, PTE_R | PTE_W);	/* 2 MiB */
	vs_map(0xC0000000UL, GPA_ARENA, 2, PTE_R | PTE_W);	/* 1 GiB */
	vw_hfence_vvma_all();
	expect_load(&t, "VS 4K", GVA_T(0) + 0x38, data_hpa(13) + 0x38, 0);
	expect_load(&t, "VS 2M", 0x80000000UL + OFF_DATA + PAGE_SIZE * 14 + 0x40,
		    data_hpa(14) + 0x40, 0);
	expect_load(&t, "VS 1G", 0xC0000000UL + OFF_DATA + PAGE_SIZE * 15 + 0x48,
		    data_hpa(15) + 0x48, 0);
	finish(r, &t, "VS 4K, 2M, 1G leaves over G-stage 4K pages reach the right words");
}

/* VS-stage Sv48 when vsatp accepts it. */
static void vs_sv48(struct result *r)
{
	uint64_t old = csr_read(CSR_VSATP);
	csr_write(CSR_VSATP, 9UL << 60);
	bool ok = (csr_read(CSR_VSATP) >> 60) == 9;
	csr_write(CSR_VSATP, old);
	if (!ok) {
		skip(r, "vsatp does not accept Sv48 (optional)");
		return;
	}
	struct tally t = { 0 };
	world_vs_paging(4, 1, false);
	vs_map(0x800000000000UL - PAGE_SIZE, data_gpa(16), 0, PTE_R); /* top of lower half */
	vw_hfence_vvma_all();
	expect_load(&t, "VS Sv48 GVA 0x7ffffffff000", 0x800000000000UL - PAGE_SIZE + 8,
		    data_hpa(16) + 8, 0);
	finish(r, &t, "Sv48 VS-stage: GVA 0x7ffffffff000 reaches its page");
}

/* ---- Guest-page faults and what they report ---- */

/* The expected htinst for an explicit access: zero, or the trapping
 * instruction transformed (rs1 field = address offset 0, immediate 0). */
static bool htinst_ok(uint64_t htinst, uint32_t insn, bool store)
{
	uint32_t imm = store ? 0xfe000f80u : 0xfff00000u;
	return htinst == 0 || htinst == (insn & ~imm & ~0xf8000u);
}

/* One explicit guest-page fault, VS-stage on (GVA != GPA). */
static void gpf_fields(struct result *r, const char *snippet, uint64_t cause, bool store,
		       unsigned off)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(1), GPA_HOLE, 0, PTE_R | PTE_W | PTE_X);
	vw_hfence_vvma_all();
	uint64_t gva = GVA_T(1) + off, gpa = GPA_HOLE + off;
	uint64_t c = vrun(snip(snippet), 0, 0, gva, 0x77, 0, 0);
	bool fetch = cause == EXC_INST_GUEST_PAGE_FAULT;
	struct tally t = { 0 };
	if (c != cause)
		note(&t, "cause %s, want %s", cn(c), cn(cause));
	if (C.stval != gva)
		note(&t, "stval %#llx, want GVA %#llx", (unsigned long long)C.stval,
		     (unsigned long long)gva);
	if (C.htval != 0 && gpa_from_trap() != gpa)
		note(&t, "htval<<2|stval&3 = %#llx, want GPA %#llx",
		     (unsigned long long)gpa_from_trap(), (unsigned long long)gpa);
	if (!gva_bit())
		note(&t, "hstatus.GVA 0");
	if (!(C.hstatus & HSTATUS_SPV) || !(C.hstatus & HSTATUS_SPVP) || !(C.sstatus & SSTATUS_SPP))
		note(&t, "SPV/SPVP/SPP not all 1 (hstatus %#llx)", (unsigned long long)C.hstatus);
	if (fetch ? C.htinst != 0 : !htinst_ok(C.htinst, snip_insn(snippet, 0), store))
		note(&t, "htinst %#llx not allowed", (unsigned long long)C.htinst);
	finish(r, &t, "%s stval %#llx htval %#llx (GPA %#llx) htinst %#llx GVA 1 SPV 1 SPVP 1",
		     cn(c), (unsigned long long)C.stval, (unsigned long long)C.htval,
		     (unsigned long long)gpa_from_trap(), (unsigned long long)C.htinst);
}

static void gpf_load(struct result *r)
{
	gpf_fields(r, vs_lh, EXC_LOAD_GUEST_PAGE_FAULT, false, 6);
}

static void gpf_store(struct result *r)
{
	gpf_fields(r, vs_sw, EXC_STORE_GUEST_PAGE_FAULT, true, 4);
}

static void gpf_fetch(struct result *r)
{
	gpf_fields(r, vs_jr, EXC_INST_GUEST_PAGE_FAULT, false, 0x10);
}

/* An AMO is a store/AMO access: its guest-page fault is 23 and its
 * VS-stage page fault 15 (LR, a load: 21). DEV-13: the load cause. */
static void gpf_amo(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(1), GPA_HOLE, 0, PTE_R | PTE_W);
	vw_hfence_vvma_all();
	struct tally t = { 0 };
	static const struct { uint64_t gva, want, as_load; const char *what; } amo[] = {
		{ GVA_T(1) + 0x18, EXC_STORE_GUEST_PAGE_FAULT, EXC_LOAD_GUEST_PAGE_FAULT,
		  "amoadd.d, unmapped GPA" },
		{ GVA_T(15) + 0x18, EXC_STORE_PAGE_FAULT, EXC_LOAD_PAGE_FAULT,
		  "amoadd.d, unmapped GVA" },
	};
	for (unsigned i = 0; i < 2; i++) {
		uint64_t c = vrun(snip(vs_amo), 0, 0, amo[i].gva, 1, 0, 0);
		if (c == amo[i].as_load)
			noted(&t, DEV_AMO_LOAD, "%s: %s", amo[i].what, cn(c));
		else if (c != amo[i].want)
			note(&t, "%s: %s, want %s", amo[i].what, cn(c), cn(amo[i].want));
		if (C.stval != amo[i].gva ||
		    (i == 0 && C.htval && gpa_from_trap() != GPA_HOLE + 0x18))
			note(&t, "%s: stval %#llx htval %#llx", amo[i].what,
			     (unsigned long long)C.stval, (unsigned long long)C.htval);
	}
	expect_trap(&t, "lr.d, unmapped GPA", vs_lr, GVA_T(1) + 0x20, EXC_LOAD_GUEST_PAGE_FAULT, 0);
	finish(r, &t, "amoadd.d: STORE_GPF / STORE_PF, lr.d: LOAD_GPF; stval = GVA, htval = GPA>>2");
}

/* htinst for explicit accesses: 0 or the transformed instruction, never
 * anything else (a pseudoinstruction is only for implicit accesses). */
static void htinst_explicit(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(1), GPA_HOLE, 0, PTE_R | PTE_W);
	vw_hfence_vvma_all();
	vrun(snip(vs_lw), 0, 0, GVA_T(1), 0, 0, 0);
	uint64_t hl = C.htinst, cl = C.scause;
	vrun(snip(vs_sd), 0, 0, GVA_T(1) + 8, 0, 0, 0);
	uint64_t hs = C.htinst, cs = C.scause;
	bool ok = cl == EXC_LOAD_GUEST_PAGE_FAULT && cs == EXC_STORE_GUEST_PAGE_FAULT &&
		  htinst_ok(hl, snip_insn(vs_lw, 0), false) && htinst_ok(hs, snip_insn(vs_sd, 0), true);
	if (ok)
		pass(r, "lw: htinst %#llx, sd: htinst %#llx (%s)", (unsigned long long)hl,
		     (unsigned long long)hs,
		     hl || hs ? "transformed" : "zero: no instruction information");
	else
		fail(r, "lw: %s htinst %#llx; sd: %s htinst %#llx", cn(cl), (unsigned long long)hl,
		     cn(cs), (unsigned long long)hs);
}

/*
 * A G-stage fault on the guest's own VS-stage page-table walk: the leaf
 * table page is unmapped in the G-stage. htval = the PTE's GPA >> 2 (or
 * 0), htinst = the 64-bit read pseudoinstruction 0x3000 when htval != 0,
 * GVA = 1, stval = the GVA; the cause is that of the original access.
 * Known deviation DEV-2: always a load guest-page fault.
 */
static void walk_fault(struct result *r, const char *snippet, uint64_t cause)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(2), data_gpa(17), 0, PTE_R | PTE_W | PTE_X);
	uint64_t *leaf_table = vs_table(GVA_T(2), 0);
	uint64_t pte_gpa = gpa_of((uint64_t)(uintptr_t)leaf_table) + ((GVA_T(2) >> 12) & 511) * 8;
	*g_pte(&W.g, gpa_of((uint64_t)(uintptr_t)leaf_table), NULL) = 0;
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
	uint64_t c = vrun(snip(snippet), 0, 0, GVA_T(2) + 0x20, 0x99, 0, 0);
	struct tally t = { 0 };
	if (c != cause) {
		if (c == EXC_LOAD_GUEST_PAGE_FAULT)
			noted(&t, DEV_WALK_CAUSE, "cause %s, not %s", cn(c), cn(cause));
		else
			note(&t, "cause %s, want %s", cn(c), cn(cause));
	}
	if (C.stval != GVA_T(2) + 0x20)
		note(&t, "stval %#llx, want GVA", (unsigned long long)C.stval);
	if (C.htval != 0 && (C.htval << 2) != pte_gpa)
		note(&t, "htval<<2 %#llx, want PTE GPA %#llx", (unsigned long long)C.htval << 2,
		     (unsigned long long)pte_gpa);
	/* With htval nonzero the pseudoinstruction, "zero is not allowed";
	 * else zero or the pseudoinstruction: a standard transformation is
	 * written "only for exceptions that arise from explicit memory
	 * accesses", and the walk's access is implicit ("Transformed
	 * Instruction or Pseudoinstruction for mtinst or htinst"). */
	if (C.htval != 0 ? C.htinst != HTINST_PSEUDO_LOAD64
			 : C.htinst != 0 && C.htinst != HTINST_PSEUDO_LOAD64)
		note(&t, "htinst %#llx with htval %#llx, want 0x3000 (or 0 with htval 0)",
		     (unsigned long long)C.htinst, (unsigned long long)C.htval);
	if (!gva_bit())
		note(&t, "hstatus.GVA 0");
	if (t.devs && !t.bad)
		noted(&t, DEV_WALK_CAUSE, "htval<<2 %#llx (PTE GPA), htinst %#llx, GVA 1 as specified",
		      (unsigned long long)C.htval << 2, (unsigned long long)C.htinst);
	finish(r, &t, "%s, htval<<2 %#llx (PTE GPA) htinst %#llx GVA 1", cn(c),
	       (unsigned long long)C.htval << 2, (unsigned long long)C.htinst);
}

static void walk_fault_load(struct result *r)
{
	walk_fault(r, vs_ld, EXC_LOAD_GUEST_PAGE_FAULT);
}

static void walk_fault_store(struct result *r)
{
	walk_fault(r, vs_sd, EXC_STORE_GUEST_PAGE_FAULT);
}

static void walk_fault_fetch(struct result *r)
{
	walk_fault(r, vs_jr, EXC_INST_GUEST_PAGE_FAULT);
}

/* The walk's implicit accesses need only G-stage read permission, whatever
 * the original access (A and D are preset, so nothing is written). */
static void walk_implicit_read(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(3), data_gpa(18), 0, PTE_R | PTE_W);
	vs_map(GVA_T(4), GPA_ARENA + OFF_CODE, 0, PTE_R | PTE_X);
	vs_tables_gperm(GSTAGE_R);
	vw_hfence_vvma_all();
	struct tally t = { 0 };
	expect_load(&t, "load", GVA_T(3) + 0x50, data_hpa(18) + 0x50, 0);
	uint64_t c = vrun(snip(vs_sd), 0, 0, GVA_T(3) + 0x58, 0xabc, 0, 0);
	if (c != EXC_ECALL_VS || *(uint64_t *)(uintptr_t)(data_hpa(18) + 0x58) != 0xabc)
		note(&t, "store: %s", cn(c));
	uint64_t target = GVA_T(4) + snip_off(vs_ecall);
	c = vrun(snip(vs_jr), 0, 0, target, 0, 0, 0);
	if (c != EXC_ECALL_VS || C.sepc != target)
		note(&t, "fetch: %s at %#llx", cn(c), (unsigned long long)C.sepc);
	retag(18);
	finish(r, &t, "page tables G-stage read-only: load, store and fetch all complete");
}

/* ---- VS-stage faults, delegation, MXR, SUM ---- */

static void vs_pf_to_hs(struct result *r)
{
	world_vs_paging(3, 1, false);
	uint64_t c = vrun(snip(vs_ld), 0, 0, GVA_T(5) + 8, 0, 0, 0);
	if (c == EXC_LOAD_PAGE_FAULT && C.stval == GVA_T(5) + 8 && C.htval == 0 && gva_bit() &&
	    htinst_ok(C.htinst, snip_insn(vs_ld, 0), false))
		pass(r, "%s stval %#llx htval 0 GVA 1 htinst %#llx", cn(c),
		     (unsigned long long)C.stval, (unsigned long long)C.htinst);
	else
		fail(r, "%s stval %#llx htval %#llx GVA %d htinst %#llx", cn(c),
		     (unsigned long long)C.stval, (unsigned long long)C.htval, gva_bit(),
		     (unsigned long long)C.htinst);
}

/* With hedeleg bit 13 the VS-stage page fault goes to the guest's handler
 * (vs_handler reports vscause, vstval, vsepc, vsstatus in a0-a3). */
static void vs_pf_delegated(struct result *r)
{
	world_vs_paging(3, 1, false);
	csr_write(CSR_HEDELEG, 1UL << EXC_LOAD_PAGE_FAULT);
	uint64_t c = vrun(snip(vs_ld), 0, 0, GVA_T(5) + 8, 0, 0, 0);
	uint64_t a0 = C.gpr[R_A0], a1 = C.gpr[R_A1], a2 = C.gpr[R_A2], a3 = C.gpr[R_A0 + 3];
	bool handled = c == EXC_ECALL_VS && C.gpr[R_A7] == 0x7ec;
	if (handled && a0 == EXC_LOAD_PAGE_FAULT && a1 == GVA_T(5) + 8 && a2 == snip(vs_ld) &&
	    (a3 & SSTATUS_SPP))
		pass(r, "guest handler got vscause 13, vstval %#llx, vsepc = the ld, SPP 1; HS "
		     "saw only its ecall", (unsigned long long)a1);
	else
		fail(r, "HS saw %s (a7 %#llx); vscause %#llx vstval %#llx vsepc %#llx vsstatus %#llx",
		     cn(c), (unsigned long long)C.gpr[R_A7], (unsigned long long)a0,
		     (unsigned long long)a1, (unsigned long long)a2, (unsigned long long)a3);
}

/* VS-stage R/W/X: a store to a read-only page, a fetch from a
 * non-executable page and a load from an execute-only page are the
 * guest's own page faults (15/12/13), not guest-page faults. */
static void vs_perms(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(12), data_gpa(26), 0, PTE_R);		/* read-only */
	vs_map(GVA_T(13), data_gpa(27), 0, PTE_R | PTE_W);	/* no X */
	vs_map(GVA_T(14), data_gpa(28), 0, PTE_X);		/* execute-only */
	vw_hfence_vvma_all();
	struct tally t = { 0 };
	expect_load(&t, "load, R page", GVA_T(12) + 8, data_hpa(26) + 8, 0);
	expect_trap(&t, "store, R page", vs_sd, GVA_T(12), EXC_STORE_PAGE_FAULT, 0);
	expect_trap(&t, "fetch, RW page", vs_jr, GVA_T(13), EXC_INST_PAGE_FAULT, 0);
	expect_trap(&t, "load, X page", vs_ld, GVA_T(14), EXC_LOAD_PAGE_FAULT, 0);
	retag(26);
	finish(r, &t, "R page: load ok, store STORE_PF; RW page: fetch INSN_PF; X page: load "
	       "LOAD_PF");
}

/* vsstatus.MXR makes VS-stage execute-only pages readable, not G-stage ones. */
static void vs_mxr(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(6), data_gpa(19), 0, PTE_X);		/* VS X-only */
	vs_map(GVA_T(7), data_gpa(20), 0, PTE_R | PTE_X);	/* G X-only */
	uint64_t *g = g_pte(&W.g, data_gpa(20), NULL);
	*g = (*g & ~(uint64_t)GSTAGE_RWX) | GSTAGE_X;
	vw_hfence_gvma_all();
	struct tally t = { 0 };
	expect_trap(&t, "VS X-only, MXR=0", vs_ld, GVA_T(6), EXC_LOAD_PAGE_FAULT, 0);
	csr_write(CSR_VSSTATUS, SSTATUS_MXR);
	expect_load(&t, "VS X-only, vsstatus.MXR=1", GVA_T(6) + 8, data_hpa(19) + 8, 0);
	uint64_t c = vrun(snip(vs_ld), 0, 0, GVA_T(7), 0, 0, 0);
	if (c == EXC_ECALL_VS)
		noted(&t, DEV_MXR, "G-stage X-only page read with vsstatus.MXR=1");
	else if (c != EXC_LOAD_GUEST_PAGE_FAULT)
		note(&t, "G X-only, vsstatus.MXR=1: %s, want LOAD_GPF", cn(c));
	finish(r, &t, "VS X-only: fault, readable with vsstatus.MXR; G-stage X-only still LOAD_GPF");
}

/* HS-level sstatus.MXR reaches both stages for VS-mode loads. */
static void hs_mxr(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(6), data_gpa(21), 0, PTE_X);		/* VS X-only */
	vs_map(GVA_T(7), data_gpa(25), 0, PTE_R | PTE_X);	/* G X-only */
	uint64_t *g = g_pte(&W.g, data_gpa(25), NULL);
	*g = (*g & ~(uint64_t)GSTAGE_RWX) | GSTAGE_X;
	vw_hfence_gvma_all();
	struct tally t = { 0 };
	expect_trap(&t, "MXR=0", vs_ld, GVA_T(6), EXC_LOAD_PAGE_FAULT, 0);
	csr_set(CSR_SSTATUS, SSTATUS_MXR);
	static const struct { unsigned gpage, page; uint64_t miss; const char *what; } c2[] = {
		{ 6, 21, EXC_LOAD_PAGE_FAULT, "VS-stage X-only" },
		{ 7, 25, EXC_LOAD_GUEST_PAGE_FAULT, "G-stage X-only" },
	};
	for (unsigned i = 0; i < 2; i++) {
		uint64_t c = vrun(snip(vs_ld), 0, 0, GVA_T(c2[i].gpage) + 8, 0, 0, 0);
		if (c == c2[i].miss)
			noted(&t, DEV_MXR, "%s page not readable with sstatus.MXR=1: %s", c2[i].what,
			      cn(c));
		else if (c != EXC_ECALL_VS || C.gpr[R_A1] != tag_of(data_hpa(c2[i].page) + 8))
			note(&t, "%s, sstatus.MXR=1: %s", c2[i].what, cn(c));
	}
	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	finish(r, &t, "with HS sstatus.MXR=1 VS-mode reads VS-stage and G-stage X-only pages");
}

/* vsstatus.SUM governs VS-mode access to U pages; HS sstatus.SUM does not. */
static void vs_sum(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(8), data_gpa(22), 0, PTE_R | PTE_U);
	vw_hfence_vvma_all();
	struct tally t = { 0 };
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	expect_trap(&t, "vsstatus.SUM=0 (sstatus.SUM=1)", vs_ld, GVA_T(8), EXC_LOAD_PAGE_FAULT, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	csr_write(CSR_VSSTATUS, SSTATUS_SUM);
	expect_load(&t, "vsstatus.SUM=1", GVA_T(8) + 8, data_hpa(22) + 8, 0);
	finish(r, &t, "U page: fault with vsstatus.SUM=0 even with sstatus.SUM=1; read with SUM=1");
}

/* VU-mode: U=0 pages fault, U=1 pages are reachable. */
static void vu_user_bit(struct result *r)
{
	world_vs_paging(3, 1, true);
	vs_map(GVA_T(9), data_gpa(23), 0, PTE_R);
	vs_map(GVA_T(10), data_gpa(24), 0, PTE_R | PTE_U);
	vw_hfence_vvma_all();
	struct tally t = { 0 };
	expect_trap(&t, "VU load, U=0", vs_ld, GVA_T(9), EXC_LOAD_PAGE_FAULT, RUN_VU);
	expect_load(&t, "VU load, U=1", GVA_T(10) + 8, data_hpa(24) + 8, RUN_VU);
	finish(r, &t, "VU: U=0 page LOAD_PF, U=1 page read, ecall cause 8");
}

/* ---- HLV / HLVX / HSV from HS-mode ---- */

/* VS-stage for the HLV checks: 0 = RW (U=0), 1 = RW U, 2 = X-only,
 * 3 = R+X over a G-stage X-only page, 4 = X-only over G X-only,
 * 5 = a GPA hole (U=0), 6 = a GPA hole (U=1). */
static void hlv_world(void)
{
	world_vs_paging(3, 1, false);
	vs_map(GVA_T(20), data_gpa(30), 0, PTE_R | PTE_W);
	vs_map(GVA_T(21), data_gpa(31), 0, PTE_R | PTE_W | PTE_U);
	vs_map(GVA_T(22), data_gpa(32), 0, PTE_X);
	vs_map(GVA_T(23), data_gpa(33), 0, PTE_R | PTE_X);
	vs_map(GVA_T(24), data_gpa(34), 0, PTE_X);
	vs_map(GVA_T(25), GPA_HOLE, 0, PTE_R | PTE_W);
	vs_map(GVA_T(26), GPA_HOLE + PAGE_SIZE, 0, PTE_R | PTE_W | PTE_U);
	for (unsigned p = 33; p <= 34; p++) {
		uint64_t *g = g_pte(&W.g, data_gpa(p), NULL);
		*g = (*g & ~(uint64_t)GSTAGE_RWX) | GSTAGE_X;
	}
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
}

/* An HLV/HSV at `gva` that must fault at the VS stage with `want` (13 or
 * 15), as any trap writing a GVA to stval: stval = gva, hstatus.GVA 1
 * ("For any trap (breakpoint, address misaligned, access fault, page
 * fault, or guest-page fault) that writes a guest virtual address to
 * stval, GVA is set to 1"), SPV 0 (V was 0), htval 0 ("For other traps,
 * htval is set to zero", "Hypervisor Trap Value (htval) Register"),
 * htinst 0 or the transformed HLV/HSV (Addr. Offset 0). An access fault
 * instead is DEV-6 (whose GVA 0 with it is QEMU 7.2's: see deviations.c). */
static void hlv_fault_want(struct tally *t, const char *what, uint64_t c, uint64_t want,
			   uint64_t gva)
{
	uint64_t af = want == EXC_LOAD_PAGE_FAULT ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS;
	if (c == af) {
		noted(t, DEV_HLV_AF, "%s: %s", what, cn(c));
		return;
	}
	if (c != want) {
		note(t, "%s: %s, want %s", what, cn(c), cn(want));
		return;
	}
	uint32_t insn = *(const uint32_t *)(uintptr_t)C.sepc & ~0xf8000u;
	if (C.stval != gva || !gva_bit() || (C.hstatus & HSTATUS_SPV) || C.htval != 0 ||
	    (C.htinst != 0 && C.htinst != insn))
		note(t, "%s: %s stval %#llx hstatus %#llx htval %#llx htinst %#llx, want stval "
		     "%#llx, GVA 1, SPV 0, htval 0, htinst 0 or %#x", what, cn(c),
		     (unsigned long long)C.stval, (unsigned long long)C.hstatus,
		     (unsigned long long)C.htval, (unsigned long long)C.htinst,
		     (unsigned long long)gva, insn);
}

/* An HLV that must read `want` but faulted: deviation `d` (with DEV-6
 * as well when the fault came as an access fault). */
static void hlv_read_want(struct tally *t, const char *what, uint64_t c, uint64_t v,
			  uint64_t want, enum dev_id d)
{
	if (c == 0 && v == want)
		return;
	if (c == EXC_LOAD_PAGE_FAULT || c == EXC_LOAD_ACCESS || c == EXC_LOAD_GUEST_PAGE_FAULT) {
		noted(t, d, "%s: %s", what, cn(c));
		if (c == EXC_LOAD_ACCESS)
			noted(t, DEV_HLV_AF, "%s: the fault came as %s", what, cn(c));
	} else {
		note(t, "%s: %s %#llx, want %#llx", what, cn(c), (unsigned long long)v,
		     (unsigned long long)want);
	}
}

static void set_spvp(bool vs)
{
	if (vs)
		csr_set(CSR_HSTATUS, HSTATUS_SPVP);
	else
		csr_clear(CSR_HSTATUS, HSTATUS_SPVP);
}

/* Every width, with sign and zero extension, and every store width. */
static void hlv_widths(struct result *r)
{
	hlv_world();
	set_spvp(true);
	uint64_t h = data_hpa(30), g = GVA_T(20), v, tg = tag_of(h);
	struct tally t = { 0 };
	static const struct {
		enum probe_op fn;
		unsigned off;
		const char *name;
	} loads[] = {
		{ P_HLV_D, 0, "hlv.d" }, { P_HLV_W, 4, "hlv.w" }, { P_HLV_WU, 4, "hlv.wu" },
		{ P_HLV_H, 6, "hlv.h" }, { P_HLV_HU, 6, "hlv.hu" }, { P_HLV_B, 7, "hlv.b" },
		{ P_HLV_BU, 7, "hlv.bu" },
	};
	const uint64_t want[] = {
		tg, (uint64_t)(int64_t)(int32_t)(tg >> 32), (uint32_t)(tg >> 32),
		(uint64_t)(int64_t)(int16_t)(tg >> 48), (uint16_t)(tg >> 48),
		(uint64_t)(int64_t)(int8_t)(tg >> 56), (uint8_t)(tg >> 56),
	};
	for (unsigned i = 0; i < ARRAY_SIZE(loads); i++) {
		uint64_t c = probe(loads[i].fn, g + loads[i].off, 0, &v);
		if (c)
			note(&t, "%s: %s", loads[i].name, cn(c));
		else if (v != want[i])
			note(&t, "%s: %#llx, want %#llx", loads[i].name, (unsigned long long)v,
			     (unsigned long long)want[i]);
	}
	uint64_t c1 = probe(P_HSV_D, g + 8, 0x1122334455667788ULL, NULL);
	uint64_t c2 = probe(P_HSV_W, g + 16, 0xaabbccdd, NULL);
	uint64_t c3 = probe(P_HSV_H, g + 24, 0xeeff, NULL);
	uint64_t c4 = probe(P_HSV_B, g + 32, 0x5a, NULL);
	const uint64_t *m = (const uint64_t *)(uintptr_t)h;
	if (c1 || c2 || c3 || c4)
		note(&t, "hsv: %s %s %s %s", cn(c1), cn(c2), cn(c3), cn(c4));
	else if (m[1] != 0x1122334455667788ULL ||
		 m[2] != ((tag_of(h + 16) & ~0xffffffffULL) | 0xaabbccdd) ||
		 m[3] != ((tag_of(h + 24) & ~0xffffULL) | 0xeeff) ||
		 m[4] != ((tag_of(h + 32) & ~0xffULL) | 0x5a))
		note(&t, "hsv wrote %#llx %#llx %#llx %#llx", (unsigned long long)m[1],
		     (unsigned long long)m[2], (unsigned long long)m[3], (unsigned long long)m[4]);
	retag(30);
	finish(r, &t, "hlv.{b,bu,h,hu,w,wu,d} and hsv.{b,h,w,d} through both stages, extended right");
}

/* hstatus.SPVP: 1 = access as VS, 0 = as VU. */
static void hlv_spvp(struct result *r)
{
	hlv_world();
	struct tally t = { 0 };
	uint64_t v = 0;
	set_spvp(false);
	hlv_fault_want(&t, "SPVP=0, U=0 page", probe(P_HLV_D, GVA_T(20), 0, &v),
		       EXC_LOAD_PAGE_FAULT, GVA_T(20));
	uint64_t c = probe(P_HLV_D, GVA_T(21), 0, &v);
	if (c || v != tag_of(data_hpa(31)))
		note(&t, "SPVP=0, U=1 page: %s", cn(c));
	set_spvp(true);
	c = probe(P_HLV_D, GVA_T(20), 0, &v);
	if (c || v != tag_of(data_hpa(30)))
		note(&t, "SPVP=1, U=0 page: %s", cn(c));
	finish(r, &t, "SPVP=0: U=0 page LOAD_PF (stval = GVA, GVA 1, SPV 0, htval 0), U=1 page "
	       "read; SPVP=1: U=0 page read");
}

/* "When HU=1, these instructions can be executed in U-mode the same as
 * in HS-mode. When HU=0, all hypervisor instructions cause an
 * illegal-instruction exception in U-mode." (hstatus). The snippet runs
 * in U-mode (V=0) at its host address: satp is Bare. Listed last in
 * checks_trap (vcheck.h), so the older checks keep their numbers. */
void hlv_u_mode(struct result *r)
{
	hlv_world();
	struct tally t = { 0 };
	uint64_t pc = arena + OFF_CODE + snip_off(vs_hlv), want = tag_of(data_hpa(30));
	uint64_t c = vrun(pc, RUN_U, 0, GVA_T(20), 0, 0, 0);
	if (c != EXC_ILLEGAL_INST || C.sepc != pc || (C.hstatus & HSTATUS_SPV) ||
	    (C.sstatus & SSTATUS_SPP))
		note(&t, "HU=0: %s at %#llx (hstatus %#llx)", cn(c), (unsigned long long)C.sepc,
		     (unsigned long long)C.hstatus);
	c = vrun(pc, RUN_U, HSTATUS_HU, GVA_T(20), 0, 0, 0);
	if (c != EXC_ECALL_U || C.sepc != pc + 4 || A1 != want)
		note(&t, "HU=1, SPVP=1: %s at %#llx, read %#llx, want %#llx", cn(c),
		     (unsigned long long)C.sepc, (unsigned long long)A1, (unsigned long long)want);
	finish(r, &t, "HU=0: ILLEGAL_INSN from U; HU=1: hlv.d reads a VS page through both "
	       "stages, then the ecall from U");
}

/* HS-level sstatus.SUM is ignored; vsstatus.SUM applies. */
static void hlv_sum(struct result *r)
{
	hlv_world();
	set_spvp(true);
	struct tally t = { 0 };
	for (int hs_sum = 0; hs_sum <= 1; hs_sum++) {
		uint64_t v = 0;
		if (hs_sum)
			csr_set(CSR_SSTATUS, SSTATUS_SUM);
		uint64_t c = probe(P_HLV_D, GVA_T(21), 0, &v);
		csr_clear(CSR_SSTATUS, SSTATUS_SUM);
		if (c == 0)
			noted(&t, DEV_HLV_SUM, "U page read with vsstatus.SUM=0 (sstatus.SUM=%d)",
			      hs_sum);
		else
			hlv_fault_want(&t, hs_sum ? "vsstatus.SUM=0, sstatus.SUM=1"
						  : "vsstatus.SUM=0, sstatus.SUM=0",
				       c, EXC_LOAD_PAGE_FAULT, GVA_T(21));
	}
	csr_write(CSR_VSSTATUS, SSTATUS_SUM);
	uint64_t v = 0;
	uint64_t c = probe(P_HLV_D, GVA_T(21), 0, &v);
	if (c || v != tag_of(data_hpa(31)))
		note(&t, "vsstatus.SUM=1: %s", cn(c));
	finish(r, &t, "SPVP=1 on a U page: LOAD_PF with vsstatus.SUM=0 (sstatus.SUM 0 or 1); "
	       "read with vsstatus.SUM=1");
}

/* HLVX needs execute, not read, permission in both stages. */
static void hlvx_exec(struct result *r)
{
	hlv_world();
	set_spvp(true);
	struct tally t = { 0 };
	uint64_t v = 0;
	uint64_t c = probe(P_HLVX_HU, GVA_T(22) + 2, 0, &v);
	hlv_read_want(&t, "hlvx.hu, VS X-only", c, v, (uint16_t)(tag_of(data_hpa(32)) >> 16),
		      DEV_HLVX_R);
	hlv_fault_want(&t, "hlv.hu, VS X-only", probe(P_HLV_HU, GVA_T(22) + 2, 0, &v),
		       EXC_LOAD_PAGE_FAULT, GVA_T(22) + 2);
	v = 0;
	c = probe(P_HLVX_WU, GVA_T(24) + 4, 0, &v);
	hlv_read_want(&t, "hlvx.wu, X-only in both stages", c, v,
		      (uint32_t)(tag_of(data_hpa(34)) >> 32), DEV_HLVX_R);
	c = probe(P_HLV_WU, GVA_T(23) + 4, 0, &v);
	if (c != EXC_LOAD_GUEST_PAGE_FAULT)
		note(&t, "hlv.wu, G X-only: %s, want LOAD_GPF", cn(c));
	finish(r, &t, "hlvx reads execute-only pages (both stages); hlv faults on them");
}

/* sstatus.MXR: both stages for HLV; vsstatus.MXR: VS-stage only. */
static void hlv_mxr(struct result *r)
{
	hlv_world();
	set_spvp(true);
	struct tally t = { 0 };
	uint64_t v = 0;
	csr_write(CSR_VSSTATUS, SSTATUS_MXR);
	uint64_t c = probe(P_HLV_D, GVA_T(22), 0, &v);
	hlv_read_want(&t, "vsstatus.MXR=1, VS X-only", c, v, tag_of(data_hpa(32)), DEV_MXR);
	c = probe(P_HLV_D, GVA_T(23), 0, &v);
	if (c == 0)
		noted(&t, DEV_MXR, "vsstatus.MXR=1 made a G-stage X-only page readable");
	else if (c != EXC_LOAD_GUEST_PAGE_FAULT)
		note(&t, "vsstatus.MXR=1, G X-only: %s, want LOAD_GPF", cn(c));
	csr_write(CSR_VSSTATUS, 0);
	csr_set(CSR_SSTATUS, SSTATUS_MXR);
	v = 0;
	c = probe(P_HLV_D, GVA_T(24), 0, &v);
	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	hlv_read_want(&t, "sstatus.MXR=1, X-only in both stages", c, v, tag_of(data_hpa(34)),
		      DEV_MXR);
	finish(r, &t, "vsstatus.MXR: VS-stage X-only read, G-stage X-only LOAD_GPF; "
	       "sstatus.MXR: both read");
}

/*
 * "Although HLVX instructions' explicit memory accesses require execute
 * permissions, they still raise the same exceptions as other load
 * instructions, rather than raising fetch exceptions instead"
 * ("Hypervisor Virtual-Machine Load and Store Instructions"). HLVX from
 * HS-mode (SPVP=1) where the page lacks X: in the VS stage (an R+W leaf)
 * a load page fault (13) with htval 0 ("For other traps, htval is set to
 * zero", "Hypervisor Trap Value (htval) Register"), in the G stage (a VS
 * R+X leaf over an R+W G-stage page) a load guest-page fault (21) with
 * htval 0 or the GPA >> 2 - never a fetch cause (12, 20). Both: stval =
 * the GVA, hstatus.GVA 1 and SPV 0 (as for any HLV fault), htinst 0 or
 * the transformed HLVX ("All fields are the same as the trapping
 * instruction except bits 19:15, Addr. Offset", here 0). Known
 * deviations: the read completes (DEV-8: read permission checked in
 * place of execute); an access fault for the VS stage's page fault
 * (DEV-6); an instruction page fault (12) for either stage, with htval
 * as a load's fault would have it (DEV-20). Listed in checks_late
 * (vcheck.h), so no check's number moves.
 */
struct hlvx_case {
	enum probe_op op;
	uint64_t gva, gpa;	/* gpa: the G-stage fault's GPA, 0 for VS */
	const char *what;
};

/* Judge one HLVX access to a page without X; `how` collects what the
 * platform reported. */
static void judge_hlvx(struct tally *t, char *how, size_t hsize, const struct hlvx_case *a)
{
	bool g = a->gpa != 0;
	uint64_t want = g ? EXC_LOAD_GUEST_PAGE_FAULT : EXC_LOAD_PAGE_FAULT;
	uint64_t v = 0;
	uint64_t c = probe(a->op, a->gva, 0, &v);
	/* htval as the load's fault must have it: 0, or for the G stage the
	 * GPA of stval ("Guest-Page Faults"). */
	bool htval_ok = C.htval == 0 || (g && gpa_from_trap() == a->gpa);
	if (c == 0) {
		noted(t, DEV_HLVX_R, "%s: read completed (%#llx)", a->what, (unsigned long long)v);
		return;
	}
	if (c == EXC_INST_PAGE_FAULT && C.stval == a->gva && htval_ok && C.htinst == 0) {
		noted(t, DEV_HLVX_FETCH, "%s: INSN_PF stval %#llx htval %#llx, want %s", a->what,
		      (unsigned long long)C.stval, (unsigned long long)C.htval, cn(want));
		return;
	}
	if (!g && c == EXC_LOAD_ACCESS)
		noted(t, DEV_HLV_AF, "%s: %s", a->what, cn(c));
	else if (c != want) {
		note(t, "%s: %s (stval %#llx htval %#llx), want %s%s", a->what, cn(c),
		     (unsigned long long)C.stval, (unsigned long long)C.htval, cn(want),
		     c == EXC_INST_PAGE_FAULT || c == EXC_INST_GUEST_PAGE_FAULT
			     ? ": HLVX faults as a load, not as a fetch" : "");
		return;
	}
	/* The probe's own instruction, transformed: rs1 -> Addr. Offset 0. */
	uint32_t insn = *(const uint32_t *)(uintptr_t)C.sepc & ~0xf8000u;
	if (C.stval != a->gva)
		note(t, "%s: stval %#llx, want the GVA %#llx", a->what,
		     (unsigned long long)C.stval, (unsigned long long)a->gva);
	if (!htval_ok)
		note(t, "%s: htval<<2|stval&3 %#llx, want %s", a->what,
		     (unsigned long long)gpa_from_trap(), g ? "0 or the GPA" : "0");
	if (C.htinst != 0 && C.htinst != insn)
		note(t, "%s: htinst %#llx, want 0 or %#x", a->what, (unsigned long long)C.htinst,
		     insn);
	if (!gva_bit() || (C.hstatus & HSTATUS_SPV))
		note(t, "%s: hstatus %#llx, want GVA 1, SPV 0", a->what,
		     (unsigned long long)C.hstatus);
	size_t n = strlen(how);
	snprintf(how + n, hsize - n, "%s%s %s%s htinst %#llx", n ? "; " : "", a->what, cn(c),
		 C.htval ? " htval=GPA" : "", (unsigned long long)C.htinst);
}

void hlvx_fault_cause(struct result *r)
{
	hlv_world();
	vs_map(GVA_T(27), data_gpa(35), 0, PTE_R | PTE_X);
	uint64_t *g = g_pte(&W.g, data_gpa(35), NULL);
	*g = (*g & ~(uint64_t)GSTAGE_RWX) | GSTAGE_R | GSTAGE_W;
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
	set_spvp(true);
	const struct hlvx_case acc[] = {
		{ P_HLVX_HU, GVA_T(20) + 6, 0, "hlvx.hu, VS-stage page R+W" },
		{ P_HLVX_WU, GVA_T(27) + 4, data_gpa(35) + 4, "hlvx.wu, G-stage page R+W" },
	};
	struct tally t = { 0 };
	char how[200] = "";
	for (unsigned i = 0; i < ARRAY_SIZE(acc); i++)
		judge_hlvx(&t, how, sizeof(how), &acc[i]);
	set_spvp(false);
	finish(r, &t, "no X: %s; stval = GVA, GVA 1, SPV 0", how);
}

/*
 * A guest-page fault of HLV.D and of HSV.D in HS-mode: load (21) and
 * store/AMO (23) guest-page faults, stval = the GVA, htval 0 or the
 * GPA >> 2; SPV=0 but GVA=1 ("In that case, SPV=0 but GVA=1", the note to
 * "Hypervisor Status (hstatus) Register"); SPVP unchanged ("if V=0 before
 * a trap, SPVP is left unchanged on trap entry"); htinst 0 or the
 * transformed HLV/HSV ("All fields are the same as the trapping
 * instruction except bits 19:15, Addr. Offset", "Transformed Instruction
 * or Pseudoinstruction for mtinst or htinst"), here offset 0.
 */
static void hlv_fault(struct result *r)
{
	hlv_world();
	struct tally t = { 0 };
	static const struct {
		enum probe_op op;
		int spvp;
		unsigned page;		/* GVA_T(25): U=0, GVA_T(26): U=1 */
		uint64_t cause;
		const char *what;
	} acc[] = {
		{ P_HLV_D, 1, 25, EXC_LOAD_GUEST_PAGE_FAULT, "hlv.d SPVP=1" },
		{ P_HLV_D, 0, 26, EXC_LOAD_GUEST_PAGE_FAULT, "hlv.d SPVP=0" },
		{ P_HSV_D, 1, 25, EXC_STORE_GUEST_PAGE_FAULT, "hsv.d SPVP=1" },
	};
	uint64_t ht[ARRAY_SIZE(acc)] = { 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(acc); i++) {
		const char *what = acc[i].what;
		int spvp = acc[i].spvp;
		set_spvp(spvp);
		uint64_t gva = GVA_T(acc[i].page) + 0x10;
		uint64_t gpa = GPA_HOLE + (acc[i].page == 26 ? PAGE_SIZE : 0) + 0x10;
		uint64_t c = probe(acc[i].op, gva, 0x5a, NULL);
		ht[i] = C.htinst;
		if (c != acc[i].cause) {
			note(&t, "%s: %s, want %s", what, cn(c), cn(acc[i].cause));
			continue;
		}
		/* The probe's own instruction, rs1 replaced by offset 0. */
		uint32_t insn = *(const uint32_t *)(uintptr_t)C.sepc & ~0xf8000u;
		if (C.stval != gva || (C.htval && gpa_from_trap() != gpa))
			note(&t, "%s: stval %#llx htval %#llx, want %#llx and 0 or %#llx >> 2", what,
			     (unsigned long long)C.stval, (unsigned long long)C.htval,
			     (unsigned long long)gva, (unsigned long long)gpa);
		if (!gva_bit() || (C.hstatus & HSTATUS_SPV))
			note(&t, "%s: hstatus %#llx (want GVA 1, SPV 0)", what,
			     (unsigned long long)C.hstatus);
		if (!!(C.hstatus & HSTATUS_SPVP) != spvp)
			note(&t, "%s: SPVP changed by the trap from HS", what);
		if (C.htinst != 0 && C.htinst != insn)
			note(&t, "%s: htinst %#llx, want 0 or %#x", what,
			     (unsigned long long)C.htinst, insn);
	}
	set_spvp(false);
	finish(r, &t, "hlv.d LOAD_GPF, hsv.d STORE_GPF; stval = GVA, htval = GPA>>2, GVA 1, SPV 0, "
	       "SPVP kept (0 and 1); htinst %#llx, %#llx, %#llx", (unsigned long long)ht[0],
	       (unsigned long long)ht[1], (unsigned long long)ht[2]);
}

/* ---- Fences ---- */

/*
 * The guest reads GPA X, rewrites the G-stage PTE for X itself (the
 * validation VM's tables are in its own arena, mapped at GPA_ARENA) to
 * point at another page, and reads X again with no fence in between.
 * Returns whether the second read was stale (translation cached).
 */
static bool gstage_stale_run(uint64_t gpa, unsigned newpage, uint64_t **ptep)
{
	uint64_t *pte = g_pte(&W.g, gpa, NULL);
	uint64_t newpte = ((data_hpa(newpage) >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
			  (*pte & ((1UL << PTE_PPN_SHIFT) - 1));
	vrun(snip(vs_stale), 0, 0, gpa, 0, newpte, gpa_of((uint64_t)(uintptr_t)pte));
	*ptep = pte;
	return C.gpr[R_A0 + 4] == C.gpr[R_A1];
}

static void tlb_caching(struct result *r)
{
	uint64_t *pte;
	bool stale = gstage_stale_run(data_gpa(40), 41, &pte);
	uint64_t first = A1, second = C.gpr[R_A0 + 4];
	vrun(snip(vs_ld), 0, 0, data_gpa(40), 0, 0, 0);
	bool across = A1 == first;
	if (first != tag_of(data_hpa(40)))
		fail(r, "first read %#llx, want %#llx", (unsigned long long)first,
		     (unsigned long long)tag_of(data_hpa(40)));
	else if (stale)
		pass(r, "stale G-stage translation used after the PTE changed (no fence): "
		     "cached; across a world switch: %s", across ? "still cached" : "refilled");
	else
		skip(r, "no caching observed: the second read saw the new PTE (%#llx)",
		     (unsigned long long)second);
}

/* After HFENCE.GVMA the new G-stage translation must be used. */
static void hfence_gvma(struct result *r, bool targeted)
{
	uint64_t *pte;
	bool stale = gstage_stale_run(data_gpa(42), 43, &pte);
	vrun(snip(vs_ld), 0, 0, data_gpa(42), 0, 0, 0);
	bool across = A1 == tag_of(data_hpa(42));
	if (targeted)
		vw_hfence_gvma(data_gpa(42) >> 2, vmid_default);
	else
		vw_hfence_gvma_all();
	uint64_t c = vrun(snip(vs_ld), 0, 0, data_gpa(42), 0, 0, 0);
	if (c == EXC_ECALL_VS && A1 == tag_of(data_hpa(43)))
		pass(r, "new page read after the fence (stale before it: in the run %s, after a "
		     "world switch %s)", stale ? "yes" : "no", across ? "yes" : "no");
	else
		fail(r, "after the fence: %s read %#llx, want %#llx", cn(c), (unsigned long long)A1,
		     (unsigned long long)tag_of(data_hpa(43)));
}

static void hfence_gvma_all(struct result *r)
{
	hfence_gvma(r, false);
}

static void hfence_gvma_addr(struct result *r)
{
	hfence_gvma(r, true);
}

/* The same at the VS stage: the guest rewrites its own leaf PTE. */
static void hfence_vvma(struct result *r, bool targeted, bool guest_sfence)
{
	world_vs_paging(3, 5, false);
	uint64_t *pte = vs_map(GVA_T(11), data_gpa(44), 0, PTE_R | PTE_W);
	vw_hfence_vvma_all();
	uint64_t newpte = ((data_gpa(45) >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
			  (*pte & ((1UL << PTE_PPN_SHIFT) - 1));
	uint64_t pte_gpa = gpa_of((uint64_t)(uintptr_t)pte);
	/* The guest reaches its own page table at GVA = GPA. */
	vs_map(ALIGN_DOWN(pte_gpa, PAGE_SIZE), ALIGN_DOWN(pte_gpa, PAGE_SIZE), 0, PTE_R | PTE_W);
	vw_hfence_vvma_all();
	if (guest_sfence) {
		uint64_t c = vrun(snip(vs_sfence_reload), 0, 0, GVA_T(11), 0, newpte, pte_gpa);
		if (c == EXC_ECALL_VS && C.gpr[R_A0 + 4] == tag_of(data_hpa(45)))
			pass(r, "after the guest's SFENCE.VMA its next read uses the new PTE");
		else
			fail(r, "%s; read after SFENCE.VMA %#llx, want %#llx", cn(c),
			     (unsigned long long)C.gpr[R_A0 + 4],
			     (unsigned long long)tag_of(data_hpa(45)));
		return;
	}
	vrun(snip(vs_stale), 0, 0, GVA_T(11), 0, newpte, pte_gpa);
	bool stale = C.gpr[R_A0 + 4] == C.gpr[R_A1];
	if (targeted)
		vw_hfence_vvma(GVA_T(11), 5);
	else
		vw_hfence_vvma_all();
	uint64_t c = vrun(snip(vs_ld), 0, 0, GVA_T(11), 0, 0, 0);
	if (c == EXC_ECALL_VS && A1 == tag_of(data_hpa(45)))
		pass(r, "new page read after the fence (stale before it in the run: %s)",
		     stale ? "yes" : "no");
	else
		fail(r, "after the fence: %s read %#llx, want %#llx", cn(c), (unsigned long long)A1,
		     (unsigned long long)tag_of(data_hpa(45)));
}

static void hfence_vvma_all(struct result *r)
{
	hfence_vvma(r, false, false);
}

static void hfence_vvma_addr(struct result *r)
{
	hfence_vvma(r, true, false);
}

static void guest_sfence(struct result *r)
{
	hfence_vvma(r, false, true);
}

/* Translations are tagged by VMID: a second VMID's tables, fenced once,
 * are used as soon as hgatp names it, and the first VMID's come back. */
static void vmid_tagging(struct result *r)
{
	if (vmid_bits == 0) {
		skip(r, "VMIDLEN is 0: no VMIDs to tell apart");
		return;
	}
	uint16_t v2 = vmid_default ^ 1;
	struct gstage g2;
	world_gstage(&g2, 1, gmode_default, v2);
	/* Same GPA, different host page: GPA_HOLE -> page 46 (VMID 1) / 47. */
	g_map(GPA_HOLE, data_hpa(46), PAGE_SIZE, GSTAGE_RWX);
	if (gstage_map(&g2, GPA_HOLE, data_hpa(47), PAGE_SIZE, GSTAGE_RWX) != GSTAGE_OK) {
		fail(r, "cannot build the second G-stage");
		return;
	}
	vw_hfence_gvma_all();
	struct tally t = { 0 };
	expect_load(&t, "VMID A", GPA_HOLE, data_hpa(46), 0);
	csr_write(CSR_HGATP, gstage_hgatp(&g2));
	expect_load(&t, "VMID B, no fence", GPA_HOLE, data_hpa(47), 0);
	csr_write(CSR_HGATP, W.hgatp);
	expect_load(&t, "VMID A again, no fence", GPA_HOLE, data_hpa(46), 0);
	finish(r, &t, "VMID %u and %u map one GPA to two pages; switching hgatp alone "
		     "switches translations", vmid_default, v2);
}

const struct check checks_xlate[] = {
	{ "G-stage Sv39x4: 4K/2M/1G leaves, 41-bit GPAs", SEC_GPAT,
	  "Sv39x4 is Sv39 with the GPA widened by 2 bits (41 bits) and a 16 KiB root",
	  sv39x4_leaves },
	{ "G-stage Sv48x4: 4K..512G leaves, 50-bit GPAs", SEC_GPAT,
	  "Sv48x4 is Sv48 with the GPA widened by 2 bits (50 bits) and a 16 KiB root",
	  sv48x4_leaves },
	{ "G-stage Sv57x4 (optional)", SEC_GPAT,
	  "Sv57x4 is Sv57 with the GPA widened by 2 bits (59 bits) and a 16 KiB root",
	  sv57x4_leaves },
	{ "Sv39x4: GPA bits 63:41 must be zero", SEC_GPAT,
	  "for Sv39x4, address bits 63:41 must all be zeros, or else a guest-page-fault occurs",
	  sv39x4_width },
	{ "G-stage R permission", SEC_GPAT,
	  "access permissions are checked in the G-stage as in the VS-stage: loads need R",
	  gperm_r },
	{ "G-stage W permission", SEC_GPAT,
	  "stores need W in the G-stage, else a store/AMO guest-page fault", gperm_w },
	{ "G-stage X permission", SEC_GPAT,
	  "fetches need X in the G-stage, else an instruction guest-page fault", gperm_x },
	{ "G-stage checks U as for U-mode", SEC_GPAT,
	  "all G-stage accesses are user-level: a leaf with U=0 faults even from VS-mode",
	  gperm_u },
	{ "hgatp Bare: GPA = SPA", SEC_GPAT,
	  "with hgatp.MODE=Bare guest physical addresses equal supervisor physical addresses",
	  gstage_bare },
	{ "two stages: VS 4K/2M/1G over G-stage 4K", SEC_2ST,
	  "VS-stage (vsatp) translates GVA to GPA, G-stage (hgatp) GPA to SPA, any page sizes",
	  two_stage_sizes },
	{ "VS-stage Sv48 (optional)", SEC_VSATP,
	  "vsatp controls VS-stage translation with the satp modes the hart supports", vs_sv48 },
	{ "load guest-page fault: cause, stval, htval, GVA", SEC_GPF,
	  "stval = faulting GVA; htval = 0 or GPA>>2 matching stval exactly; hstatus.GVA = 1",
	  gpf_load },
	{ "store guest-page fault: cause, stval, htval, GVA", SEC_GPF,
	  "store/AMO guest-page fault (23); stval = GVA; htval = 0 or GPA>>2; GVA = 1", gpf_store },
	{ "instruction guest-page fault: htinst 0", SEC_GPF,
	  "instruction guest-page fault (20); stval = GVA; htinst zero (no transformation for "
	  "fetches)", gpf_fetch },
	{ "AMO faults are store/AMO faults", SEC_MCAUSE,
	  "an AMO is a store/AMO access: store/AMO guest-page fault (23), store/AMO page fault "
	  "(15); LR is a load", 
	  gpf_amo },
	{ "htinst on explicit guest-page faults", SEC_TINST,
	  "for explicit loads/stores htinst is zero or the transformed instruction (rs1 = "
	  "offset, imm = 0)", htinst_explicit },
	{ "VS-stage walk fault on a load", SEC_GPAT,
	  "G-stage fault on an implicit walk access: reported as the original access type; "
	  "htinst = 0x3000 if htval != 0, else 0 or 0x3000", walk_fault_load },
	{ "VS-stage walk fault on a store", SEC_GPAT,
	  "any exception is always reported for the original access type: store/AMO "
	  "guest-page fault (23)", walk_fault_store },
	{ "VS-stage walk fault on a fetch", SEC_GPAT,
	  "any exception is always reported for the original access type: instruction "
	  "guest-page fault (20)", walk_fault_fetch },
	{ "VS-stage walk checked as implicit loads", SEC_GPAT,
	  "G-stage permissions for VS page-table accesses are checked as for an implicit load, "
	  "not the original access type", walk_implicit_read },
	{ "VS-stage page fault to HS: htval 0, GVA 1", SEC_HTVAL,
	  "htval is zero for traps other than guest-page faults; GVA = 1 when stval is a GVA",
	  vs_pf_to_hs },
	{ "hedeleg delivers VS-stage page faults to VS", SEC_DELEG,
	  "a trap from V=1 delegated by hedeleg goes to VS-mode: vscause, vstval, vsepc, "
	  "vsstatus.SPP", vs_pf_delegated },
	{ "VS-stage R/W/X permissions", SEC_2ST,
	  "VS-stage permissions fail as the guest's own page faults (12, 13, 15), not "
	  "guest-page faults", vs_perms },
	{ "vsstatus.MXR: VS-stage only", SEC_2ST,
	  "vsstatus.MXR overrides VS-stage page protection only, not guest-physical protection",
	  vs_mxr },
	{ "sstatus.MXR (HS): both stages", SEC_2ST,
	  "setting MXR at HS-level overrides both VS-stage and G-stage execute-only permissions",
	  hs_mxr },
	{ "vsstatus.SUM applies in VS-mode", SEC_2ST,
	  "when V=1 vsstatus substitutes for sstatus: vsstatus.SUM, not HS sstatus.SUM, applies",
	  vs_sum },
	{ "VU-mode and the VS-stage U bit", SEC_2ST,
	  "VU-mode accesses are user-level at the VS stage: U=0 pages fault", vu_user_bit },
	{ "HLV/HSV from HS: two stages, all widths", SEC_HLV,
	  "HLV.B/BU/H/HU/W/WU/D and HSV.B/H/W/D access guest memory with two-stage translation",
	  hlv_widths },
	{ "HLV: hstatus.SPVP selects VS or VU", SEC_HLV,
	  "the effective privilege is VU when hstatus.SPVP=0 and VS when SPVP=1", hlv_spvp },
	{ "HLV: sstatus.SUM ignored, vsstatus.SUM applies", SEC_HLV,
	  "two-stage translation applies and the HS-level sstatus.SUM is ignored", hlv_sum },
	{ "HLVX: execute instead of read permission", SEC_HLV,
	  "HLVX.HU/WU need execute permission in both stages in place of read", hlvx_exec },
	{ "HLV: sstatus.MXR both stages, vsstatus.MXR VS-stage", SEC_HLV,
	  "HS-level sstatus.MXR makes X-only readable in both stages; vsstatus.MXR only in the "
	  "VS stage", hlv_mxr },
	{ "HLV fault in HS: GVA 1, SPV 0, SPVP kept", SEC_HSTATUS,
	  "GVA is set for traps writing a GVA to stval, SPV=0 for HLV/HSV faults; SPVP unchanged "
	  "when V was 0; htinst 0 or the transformed HLV/HSV", hlv_fault },
	{ "translation caching (permitted)", SEC_HFENCE,
	  "without a fence an implementation may keep using a cached G-stage translation",
	  tlb_caching },
	{ "HFENCE.GVMA x0, x0", SEC_HFENCE,
	  "HFENCE.GVMA orders earlier G-stage table stores before later G-stage translations",
	  hfence_gvma_all },
	{ "HFENCE.GVMA gpa>>2, vmid", SEC_HFENCE,
	  "with rs1 = GPA>>2 and rs2 = VMID it fences that guest physical address of that VM",
	  hfence_gvma_addr },
	{ "HFENCE.VVMA x0, x0", SEC_HFENCE,
	  "HFENCE.VVMA orders VS-level table stores before later VS-stage translations of the "
	  "current VMID", hfence_vvma_all },
	{ "HFENCE.VVMA gva, asid", SEC_HFENCE,
	  "with rs1 = a guest virtual address and rs2 = a guest ASID it fences that GVA/ASID",
	  hfence_vvma_addr },
	{ "SFENCE.VMA in VS-mode fences the VS stage", SEC_MMF,
	  "when V=1, SFENCE.VMA orders stores to VS-level tables with later VS-stage "
	  "translations of the same VM", guest_sfence },
	{ "translations are tagged by VMID", SEC_MMF,
	  "the current VM is identified by hgatp.VMID; another VMID's fenced tables need no "
	  "new fence", vmid_tagging },
	{ NULL, NULL, NULL, NULL },
};
