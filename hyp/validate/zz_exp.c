#include "vcheck.h"
#define A(n) (C.gpr[R_A0 + (n)])
static void e1(struct result *r)
{
	/* Sstc: HS writes vstimecmp in the future */
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	csr_write(CSR_HIDELEG, MIP_VSTIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_TIMER);
	probe(vp_write_vstimecmp, csr_read(CSR_TIME) + 50, 0, NULL);
	uint64_t c = vrun(snip(vs_irq_wait), 0, 0, 0, 20000, 0, 0);
	uint64_t a0 = A(0), a7 = A(7);
	probe(vp_write_vstimecmp, 0, 0, NULL);
	uint64_t hip = csr_read(CSR_HIP);
	uint64_t c2 = vrun(snip(vs_irq_wait), 0, 0, 0, 20000, 0, 0);
	uint64_t b0 = A(0), b7 = A(7);
	/* guest writes stimecmp=0 itself then waits */
	probe(vp_write_vstimecmp, ~0UL, 0, NULL);
	uint64_t c3 = vrun(snip(vs_wr_stimecmp), 0, 0, 0, 0, 0, 0);
	uint64_t c4 = vrun(snip(vs_irq_wait), 0, 0, 0, 20000, 0, 0);
	pass(r, "future: %s a0 %#lx a7 %#lx; past: hip %#lx %s a0 %#lx a7 %#lx; guest-write %s then %s a0 %#lx", cn(c), a0, a7, hip, cn(c2), b0, b7, cn(c3), cn(c4), A(0));
	probe(vp_write_vstimecmp, ~0UL, 0, NULL);
}
static void e4(struct result *r)
{
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	csr_write(CSR_HIDELEG, MIP_VSTIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_TIMER);
	probe(vp_write_vstimecmp, 0, 0, NULL);
	uint64_t t0 = csr_read(CSR_TIME);
	uint64_t c = vrun(snip(vs_irq_wait), 0, 0, 0, 5000000, 0, 0);
	uint64_t t1 = csr_read(CSR_TIME);
	pass(r, "past from HS, long spin: %s a0 %#lx a7 %#lx, %lu ticks, t0 left %#lx", cn(c), A(0), A(7), t1 - t0, C.gpr[5]);
	probe(vp_write_vstimecmp, ~0UL, 0, NULL);
}
static void e5(struct result *r)
{
	/* as check 75 then 76 */
	csr_write(CSR_HENVCFG, 0);
	probe(vp_write_vstimecmp, 0, 0, NULL);
	uint64_t hip1 = csr_read(CSR_HIP);
	probe(vp_write_vstimecmp, ~0ULL, 0, NULL);
	uint64_t hip2 = csr_read(CSR_HIP);
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	csr_write(CSR_HIDELEG, MIP_VSTIP);
	csr_write(CSR_VSIE, 1UL << IRQ_S_TIMER);
	probe(vp_write_vstimecmp, 0, 0, NULL);
	uint64_t hip3 = csr_read(CSR_HIP);
	uint64_t c = vrun(snip(vs_irq_wait), 0, 0, 0, 20000, 0, 0);
	pass(r, "hip %#lx %#lx %#lx; %s a0 %#lx a7 %#lx t0 %#lx", hip1, hip2, hip3, cn(c), A(0), A(7), C.gpr[5]);
	probe(vp_write_vstimecmp, ~0UL, 0, NULL);
}
static void e2(struct result *r)
{
	uint64_t gpa = 1UL << 40;
	g_map(gpa, data_hpa(60), PAGE_SIZE, GSTAGE_RWX);
	g_map(0x8000000000UL, data_hpa(61), PAGE_SIZE, GSTAGE_RWX);
	vw_hfence_gvma_all();
	uint64_t c1 = vrun(snip(vs_ld), 0, 0, gpa, 0, 0, 0);
	uint64_t v1 = A(1);
	uint64_t c2 = vrun(snip(vs_ld), 0, 0, 0x8000000000UL, 0, 0, 0);
	uint64_t c3 = vrun(snip(vs_ld), 0, 0, (~0UL << 40) | gpa, 0, 0, 0);
	uint64_t v3 = A(1);
	pass(r, "2^40: %s %#lx (want %#lx); 2^39: %s; ~0<<40: %s %#lx", cn(c1), v1, tag_of(data_hpa(60)), cn(c2), cn(c3), v3);
}
static void e3(struct result *r)
{
	world_vs_paging(3, 1, false);
	vs_map(0x40000000UL, data_gpa(62), 0, PTE_R | PTE_X);
	vw_hfence_vvma_all();
	csr_set(CSR_HSTATUS, HSTATUS_SPVP);
	uint64_t v = 0;
	uint64_t c1 = probe(vp_hlv_d, 0x40001000UL, 0, &v); /* unmapped VS */
	uint64_t c2 = probe(vp_hlvx_hu, 0x40000000UL, 0, &v); /* R|X */
	uint64_t v2 = v;
	uint64_t c3 = probe(vp_hsv_d, 0x40000000UL, 5, NULL); /* no W */
	pass(r, "hlv unmapped VS: %s; hlvx R|X: %s %#lx; hsv on RX: %s; satp %#lx", cn(c1), cn(c2), v2, cn(c3), csr_read(CSR_SATP));
}
const struct check checks_exp[] = {
	{ "exp sstc 75-76", "x", "x", e5 },
	{ "exp sstc long", "x", "x", e4 },
	{ "exp sstc", "x", "x", e1 },
	{ "exp gpa40", "x", "x", e2 },
	{ "exp hlv", "x", "x", e3 },
	{ NULL, NULL, NULL, NULL },
};
