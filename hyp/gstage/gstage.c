/*
 * G-stage page-table construction and walking.
 *
 * Rules from the hypervisor specification ("Guest Physical Address
 * Translation"): Sv39x4 and Sv48x4 are Sv39 and Sv48 with the guest
 * physical address widened by 2 bits (41 and 50 bits), the extra bits
 * indexing a root table four times larger (2048 entries, 16 KiB, 16 KiB
 * aligned). Every G-stage access is checked as a U-mode access, so leaves
 * must have U=1. We set A and D in every leaf so no implementation needs to
 * fault to update them.
 */
#include "gstage.h"

#include <stddef.h>
#include <string.h>

#define PTES_PER_TABLE 512
#define ROOT_PTES 2048
#define LEAF_BITS (PTE_V | PTE_U | PTE_A | PTE_D)
/* A slot in use: a table, a leaf, or a deferred leaf (V=0). */
#define PTE_USED (PTE_V | GSTAGE_PTE_DEFERRED)

int gstage_init(struct gstage *g, unsigned long mode, uint16_t vmid,
		uint64_t *root, void *(*alloc_page)(void *), void *ctx)
{
	if (mode != HGATP_MODE_SV39X4 && mode != HGATP_MODE_SV48X4)
		return GSTAGE_EINVAL;
	if (!root || ((uintptr_t)root & (GSTAGE_ROOT_SIZE - 1)) || !alloc_page)
		return GSTAGE_EINVAL;
	memset(root, 0, GSTAGE_ROOT_SIZE);
	g->root = root;
	g->mode = mode;
	g->levels = mode == HGATP_MODE_SV39X4 ? 3 : 4;
	g->vmid = vmid & HGATP_VMID_MASK;
	g->alloc_page = alloc_page;
	g->ctx = ctx;
	g->tables = 0;
	return GSTAGE_OK;
}

uint64_t gstage_gpa_limit(const struct gstage *g)
{
	/* 12 offset bits + 9 bits per level + 2 extra root bits. */
	return 1ULL << (12 + 9 * g->levels + 2);
}

/* Bytes one PTE at `level` covers (level 0 = leaf level, 4 KiB). */
static uint64_t level_size(unsigned level)
{
	return 1ULL << (12 + 9 * level);
}

static unsigned pte_index(const struct gstage *g, uint64_t gpa, unsigned level)
{
	uint64_t idx = gpa >> (12 + 9 * level);
	return (unsigned)(idx & (level == g->levels - 1 ? ROOT_PTES - 1
							: PTES_PER_TABLE - 1));
}

static uint64_t *pte_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
}

static bool pte_is_leaf(uint64_t pte)
{
	return (pte & (PTE_R | PTE_W | PTE_X)) != 0;
}

/* The PTE slot for `gpa` at `level`, creating intermediate tables. */
static uint64_t *walk_create(struct gstage *g, uint64_t gpa, unsigned level)
{
	uint64_t *table = g->root;
	for (unsigned l = g->levels - 1; l > level; l--) {
		uint64_t *pte = &table[pte_index(g, gpa, l)];
		if (*pte & PTE_USED) {
			if (pte_is_leaf(*pte))
				return NULL; /* a larger leaf already covers it */
			table = pte_table(*pte);
			continue;
		}
		uint64_t *next = g->alloc_page(g->ctx);
		if (!next)
			return NULL;
		memset(next, 0, PAGE_SIZE);
		g->tables++;
		/* A non-leaf PTE: V=1 and R=W=X=0; U, A, D must be 0. */
		*pte = (((uint64_t)(uintptr_t)next >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
		table = next;
	}
	return &table[pte_index(g, gpa, level)];
}

/* Largest leaf level usable at this point of the range, up to `top`
 * (2: 1 GiB). */
static unsigned pick_level(uint64_t gpa, uint64_t hpa, uint64_t left, unsigned top)
{
	for (unsigned level = top; level > 0; level--) {
		uint64_t sz = level_size(level);
		if (((gpa | hpa) & (sz - 1)) == 0 && left >= sz)
			return level;
	}
	return 0;
}

/* Map a range with leaves up to level `top`, each with `bits` besides its
 * permissions and host address (LEAF_BITS, or those of a deferred leaf). */
static int map_range(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
		     unsigned long perm, unsigned top, uint64_t bits)
{
	if (!size || ((gpa | hpa | size) & (PAGE_SIZE - 1)))
		return GSTAGE_EINVAL;
	if ((perm & GSTAGE_RWX) == 0 || (perm & ~GSTAGE_RWX) ||
	    (perm & (PTE_W | PTE_R)) == PTE_W) /* W without R is reserved */
		return GSTAGE_EINVAL;
	if (gpa + size < gpa || gpa + size > gstage_gpa_limit(g))
		return GSTAGE_ERANGE;
	while (size) {
		unsigned level = pick_level(gpa, hpa, size, top);
		uint64_t sz = level_size(level);
		uint64_t *pte = walk_create(g, gpa, level);
		if (!pte)
			return GSTAGE_ENOMEM;
		if (*pte & PTE_USED)
			return GSTAGE_EEXIST;
		*pte = ((hpa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | perm | bits;
		gpa += sz;
		hpa += sz;
		size -= sz;
	}
	return GSTAGE_OK;
}

int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned long perm)
{
	return map_range(g, gpa, hpa, size, perm, 2, LEAF_BITS);
}

int gstage_map_deferred(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
			unsigned long perm)
{
	return map_range(g, gpa, hpa, size, perm, 1,
			 (LEAF_BITS & ~PTE_V) | GSTAGE_PTE_DEFERRED);
}

uint64_t *gstage_leaf(const struct gstage *g, uint64_t gpa, uint64_t *size)
{
	if (gpa >= gstage_gpa_limit(g))
		return NULL;
	uint64_t *table = g->root;
	for (int l = (int)g->levels - 1; l >= 0; l--) {
		uint64_t *pte = &table[pte_index(g, gpa, (unsigned)l)];
		if (!(*pte & PTE_USED))
			return NULL;
		if (pte_is_leaf(*pte)) {
			*size = level_size((unsigned)l);
			return pte;
		}
		table = pte_table(*pte);
	}
	return NULL;
}

bool gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
		      unsigned long *perm)
{
	if (gpa >= gstage_gpa_limit(g))
		return false;
	const uint64_t *table = g->root;
	for (int l = (int)g->levels - 1; l >= 0; l--) {
		uint64_t pte = table[pte_index(g, gpa, (unsigned)l)];
		if (!(pte & PTE_V))
			return false;
		if (pte_is_leaf(pte)) {
			uint64_t sz = level_size((unsigned)l);
			uint64_t base = (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
			if (hpa)
				*hpa = base + (gpa & (sz - 1));
			if (perm)
				*perm = pte & GSTAGE_RWX;
			return true;
		}
		table = pte_table(pte);
	}
	return false;
}

uint64_t gstage_hgatp(const struct gstage *g)
{
	return (g->mode << HGATP_MODE_SHIFT) |
	       ((uint64_t)g->vmid << HGATP_VMID_SHIFT) |
	       (((uint64_t)(uintptr_t)g->root >> PAGE_SHIFT) & HGATP_PPN_MASK);
}

/* Recursive, but only as deep as the G-stage has levels (at most 4). */
static void leaves(const struct gstage *g, const uint64_t *table, int level, /* NOLINT(misc-no-recursion) */
		   uint64_t gpa_base,
		   void (*fn)(void *, uint64_t, uint64_t, uint64_t, unsigned long),
		   void *arg)
{
	unsigned n = level == (int)g->levels - 1 ? ROOT_PTES : PTES_PER_TABLE;
	uint64_t sz = level_size((unsigned)level);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pte = table[i];
		if (!(pte & PTE_USED))
			continue;
		uint64_t gpa = gpa_base + i * sz;
		if (pte_is_leaf(pte))
			fn(arg, gpa, (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT, sz,
			   pte & GSTAGE_RWX);
		else if (level > 0)
			leaves(g, pte_table(pte), level - 1, gpa, fn, arg);
	}
}

void gstage_for_each_leaf(const struct gstage *g,
			  void (*fn)(void *, uint64_t, uint64_t, uint64_t, unsigned long),
			  void *arg)
{
	leaves(g, g->root, (int)g->levels - 1, 0, fn, arg);
}
