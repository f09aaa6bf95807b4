/*
 * The validation VM's memory: the arena, its G-stage tables (built with
 * hyp/gstage) and VS-stage tables (built here, in the same PTE format:
 * "Sv39: Page-Based 39-bit Virtual-Memory System" of the privileged
 * specification, which the hypervisor specification's "Two-Stage Address
 * Translation" adopts for both stages).
 */
#include "../core/mem.h"
#include "vcheck.h"

uint64_t arena;
struct vmworld W;
static unsigned gpool_next, vspool_next;

/* Lower-level G-stage tables come from the arena's G pool. */
static void *gpool_page(void *ctx)
{
	(void)ctx;
	if (gpool_next >= (OFF_VSPOOL - OFF_GPOOL) / PAGE_SIZE)
		hyp_panic("validate: G-stage table pool exhausted");
	void *p = (void *)(uintptr_t)(arena + OFF_GPOOL + gpool_next++ * PAGE_SIZE);
	memset(p, 0, PAGE_SIZE);
	return p;
}

static uint64_t *vspool_page(void)
{
	if (vspool_next >= (OFF_CODE - OFF_VSPOOL) / PAGE_SIZE)
		hyp_panic("validate: VS-stage table pool exhausted");
	uint64_t *p = (uint64_t *)(uintptr_t)(arena + OFF_VSPOOL + vspool_next++ * PAGE_SIZE);
	memset(p, 0, PAGE_SIZE);
	return p;
}

void retag(unsigned page)
{
	uint64_t *w = (uint64_t *)(uintptr_t)data_hpa(page);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = tag_of(data_hpa(page) + (uint64_t)i * 8);
}

void g_map(uint64_t gpa, uint64_t hpa, uint64_t size, unsigned long perm)
{
	int err = gstage_map(&W.g, gpa, hpa, size, perm);
	if (err != GSTAGE_OK)
		hyp_panic("validate: gstage_map(%#llx -> %#llx, %#llx) failed: %d",
			  (unsigned long long)gpa, (unsigned long long)hpa,
			  (unsigned long long)size, err);
}

void world_gstage(struct gstage *g, unsigned root, unsigned long gmode, uint16_t vmid)
{
	uint64_t *r = (uint64_t *)(uintptr_t)(arena + OFF_GROOT + (uint64_t)root * GSTAGE_ROOT_SIZE);
	if (gstage_init(g, gmode, vmid, r, gpool_page, NULL) != GSTAGE_OK)
		hyp_panic("validate: gstage_init failed");
	/* 4 KiB leaves one by one, so a check can change any page alone. */
	for (uint64_t off = 0; off < ARENA_SIZE; off += PAGE_SIZE)
		if (gstage_map(g, GPA_ARENA + off, arena + off, PAGE_SIZE, GSTAGE_RWX) != GSTAGE_OK)
			hyp_panic("validate: cannot map the arena");
}

/* The VS CSRs start as after reset for every check; vstvec points at the
 * reporting handler. */
static void vs_csrs_reset(void)
{
	csr_write(CSR_VSSTATUS, 0);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSIP, 0);
	csr_write(CSR_VSTVEC, snip(vs_handler));
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_VSATP, 0);
}

void world_reset(unsigned long gmode, uint16_t vmid)
{
	gpool_next = 0;
	vspool_next = 0;
	memset(&W, 0, sizeof(W));
	world_gstage(&W.g, 0, gmode, vmid);
	W.hgatp = gstage_hgatp(&W.g);
	csr_write(CSR_HGATP, W.hgatp);
	csr_write(CSR_HEDELEG, 0);
	csr_write(CSR_HIDELEG, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	vs_csrs_reset();
	/* New G-stage tables and VS state: "Hypervisor Memory-Management
	 * Fence Instructions" (hfence.gvma after changing hgatp's tables). */
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
}

/* Bytes covered by one PTE at `level` (0 = 4 KiB). */
static uint64_t level_bytes(unsigned level)
{
	return 1ULL << (12 + 9 * level);
}

uint64_t *g_pte(const struct gstage *g, uint64_t gpa, unsigned *level)
{
	uint64_t *table = g->root;
	for (int l = (int)g->levels - 1; l >= 0; l--) {
		unsigned bits = (l == (int)g->levels - 1) ? 11 : 9; /* x4 root */
		unsigned idx = (unsigned)((gpa >> (12 + 9 * l)) & ((1u << bits) - 1));
		uint64_t *pte = &table[idx];
		if (!(*pte & PTE_V))
			return NULL;
		if (*pte & (PTE_R | PTE_W | PTE_X)) {
			if (level)
				*level = (unsigned)l;
			return pte;
		}
		table = (uint64_t *)(uintptr_t)((*pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
	}
	return NULL;
}

void world_vs_paging(unsigned levels, uint16_t asid, bool user)
{
	W.vs_levels = levels;
	W.vs_root = vspool_page();
	uint64_t code = GPA_ARENA + OFF_CODE;
	vs_map(code, code, 0, PTE_R | PTE_X | (user ? PTE_U : 0));
	W.vsatp = ((uint64_t)(levels == 3 ? 8 : 9) << 60) | ((uint64_t)asid << 44) |
		  (gpa_of((uint64_t)(uintptr_t)W.vs_root) >> PAGE_SHIFT);
	csr_write(CSR_VSATP, W.vsatp);
	vw_hfence_vvma_all();
}

uint64_t *vs_map(uint64_t gva, uint64_t gpa, unsigned level, uint64_t flags)
{
	uint64_t *table = W.vs_root;
	for (unsigned l = W.vs_levels - 1; l > level; l--) {
		uint64_t *pte = &table[(gva >> (12 + 9 * l)) & 511];
		if (!(*pte & PTE_V)) {
			uint64_t *next = vspool_page();
			/* Non-leaf PTEs hold guest-physical addresses. */
			*pte = ((gpa_of((uint64_t)(uintptr_t)next) >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
		}
		table = (uint64_t *)(uintptr_t)hpa_of_gpa((*pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
	}
	uint64_t *pte = &table[(gva >> (12 + 9 * level)) & 511];
	*pte = ((ALIGN_DOWN(gpa, level_bytes(level)) >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
	       flags | PTE_V | PTE_A | PTE_D;
	return pte;
}

uint64_t *vs_table(uint64_t gva, unsigned level)
{
	uint64_t *table = W.vs_root;
	for (unsigned l = W.vs_levels - 1; l > level; l--) {
		uint64_t pte = table[(gva >> (12 + 9 * l)) & 511];
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X)))
			return NULL;
		table = (uint64_t *)(uintptr_t)hpa_of_gpa((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
	}
	return table;
}

void vs_tables_gperm(unsigned long perm)
{
	for (unsigned i = 0; i < vspool_next; i++) {
		uint64_t hpa = arena + OFF_VSPOOL + i * PAGE_SIZE;
		uint64_t *pte = g_pte(&W.g, gpa_of(hpa), NULL);
		if (pte)
			*pte = (*pte & ~(uint64_t)GSTAGE_RWX) | perm;
	}
	vw_hfence_gvma_all();
}
