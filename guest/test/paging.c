/*
 * The guest's own VS-stage page tables (Sv39). After paging_init the guest
 * runs at guest-virtual addresses that differ from its guest-physical ones,
 * so every access goes through both translation stages.
 */
#include "guest.h"

#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define GIB (1UL << 30)
#define MIB2 (1UL << 21)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t mid_low[512] __attribute__((aligned(4096))); /* GVA 0x40000000-0x7fffffff */

/* Page-table addresses are needed as guest-physical (PPN) values. */
static uint64_t gpa_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return a >= GVA_HIGH_OFFSET ? a - GVA_HIGH_OFFSET : a;
}

static uint64_t leaf(uint64_t gpa)
{
	return ((gpa >> 12) << PTE_PPN_SHIFT) | PTE_LEAF;
}

void paging_init(void)
{
	uint64_t ram_gib = guest_ram_base & ~(GIB - 1);
	root[0] = leaf(0);			  /* identity 0-1 GiB */
	root[1] = ((gpa_of(mid_low) >> 12) << PTE_PPN_SHIFT) | PTE_V;
	mid_low[0] = leaf(GPA_MMIO);		  /* GVA 0x40000000 -> MMIO */
	mid_low[511] = leaf(0x7fe00000UL);	  /* identity: 2 MiB below RAM */
	root[2] = leaf(2 * GIB);		  /* identity 2-3 GiB (RAM) */
	root[3] = leaf(3 * GIB);		  /* identity 3-4 GiB */
	root[4] = leaf(4 * GIB);		  /* identity 4-5 GiB */
	root[511] = leaf(ram_gib);		  /* high alias of RAM */

	__asm__ volatile("sfence.vma" ::: "memory");
	csr_write(CSR_SATP, SATP_MODE_SV39 | (gpa_of(root) >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
	/* guest_main then calls go_high() (start.S) to move to the alias. */
}

/* Map the 2 MiB page at `gva` (inside 0x40000000-0x7fffffff) to a spare
 * part of guest RAM: the page-fault step's handler calls this. */
void paging_map_demand(uint64_t gva)
{
	uint64_t spare = guest_ram_base + guest_ram_size / 2;
	mid_low[(gva >> 21) & 511] = leaf(spare & ~(MIB2 - 1));
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Map the 2 MiB slot at `gva` (inside 0x40000000-0x7fffffff) through a
 * 4 KiB-level table whose first two pages are guest-physical `first` and
 * `second`: two neighbouring pages of different kinds, for an access
 * across their boundary (the MMIO step). */
void paging_map_pair(uint64_t gva, uint64_t first, uint64_t second)
{
	static uint64_t pt[512] __attribute__((aligned(4096)));
	pt[0] = leaf(first);
	pt[1] = leaf(second);
	mid_low[(gva >> 21) & 511] = ((gpa_of(pt) >> 12) << PTE_PPN_SHIFT) | PTE_V;
	__asm__ volatile("sfence.vma" ::: "memory");
}

uint64_t paging_gpa_of(const void *p)
{
	return gpa_of(p);
}
