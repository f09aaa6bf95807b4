/*
 * The hostile guest's VS-stage page tables: Sv39 with 1 GiB leaves only.
 * Guest-virtual = guest-physical for every gigapage below 256 GiB (the low
 * half of Sv39) that an attack names; guest-physical addresses above that
 * (up to 2^56, all a Sv39 PTE's 44-bit PPN can name) go through a window,
 * the last low-half gigapage. The code itself runs from the identity
 * mapping of its RAM.
 */
#include "hostile.h"

#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define WINDOW_SLOT 255UL
#define WINDOW_GVA (WINDOW_SLOT << 30)
#define IDENTITY_LIMIT (256UL << 30)

static uint64_t root[512] __attribute__((aligned(4096)));

/* A 1 GiB leaf: the PPN of a gigapage has its two low fields zero
 * ("Sv39: Page-Based 39-bit Virtual-Memory System", superpage alignment). */
static uint64_t gigapage(uint64_t gpa)
{
	return (((gpa & ~(GIB - 1)) >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_LEAF;
}

/* The guest changed its own page table: order the change before later
 * translations ("SFENCE.VMA"; in VS-mode it acts on the VS stage). */
static void flush(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Devices and holes below 1 GiB and our RAM, identity; paging on. */
void paging_init(void)
{
	root[0] = gigapage(0);			/* devices, holes below 1 GiB */
	root[mach.ram_base >> 30] = gigapage(mach.ram_base); /* our RAM */
	flush();
	csr_write(CSR_SATP, SATP_MODE_SV39 | ((uint64_t)(uintptr_t)root >> PAGE_SHIFT));
	flush();
}

/* Identity-map the gigapage of gpa, or map it at the window. */
uint64_t gva_for_gpa(uint64_t gpa)
{
	if (gpa < IDENTITY_LIMIT && (gpa >> 30) != WINDOW_SLOT) {
		root[gpa >> 30] = gigapage(gpa);
		flush();
		return gpa;
	}
	root[WINDOW_SLOT] = gigapage(gpa);
	flush();
	return WINDOW_GVA + (gpa & (GIB - 1));
}

/* The window as a pointer to a "page table" at `table`; the address
 * returned has page offset `offset`. */
uint64_t window_via_table(uint64_t table, uint64_t offset)
{
	root[WINDOW_SLOT] = ((table >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
	flush();
	/* VPN[1] = 1: the walk reads the second-level PTE at table + 8. */
	return WINDOW_GVA + (1UL << 21) + (offset & (PAGE_SIZE - 1));
}

/* Nothing at the window. */
void window_reset(void)
{
	root[WINDOW_SLOT] = 0;
	flush();
}

/* 4 KiB mappings for the window, for the one attack that needs two
 * guest-physical pages at the same guest-virtual address. */
static uint64_t mid[512] __attribute__((aligned(4096)));
static uint64_t leaf[512] __attribute__((aligned(4096)));

/* The window's first 4 KiB page mapped to gpa's page. */
uint64_t window_page(uint64_t gpa)
{
	uint64_t ptr = PTE_V;
	root[WINDOW_SLOT] = (((uint64_t)(uintptr_t)mid >> PAGE_SHIFT) << PTE_PPN_SHIFT) | ptr;
	mid[0] = (((uint64_t)(uintptr_t)leaf >> PAGE_SHIFT) << PTE_PPN_SHIFT) | ptr;
	leaf[0] = ((gpa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_LEAF;
	flush();
	return WINDOW_GVA + (gpa & (PAGE_SIZE - 1));
}

/* The topmost 4 KiB page of the Sv39 address space, for the fence attack:
 * mapped to gpa, with or without the fence that makes the change visible
 * (without it the hart may go on using the translation it cached). */
static uint64_t top_mid[512] __attribute__((aligned(4096)));
static uint64_t top_leaf[512] __attribute__((aligned(4096)));

uint64_t top_page_map(uint64_t gpa, bool fence)
{
	root[511] = (((uint64_t)(uintptr_t)top_mid >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
	top_mid[511] = (((uint64_t)(uintptr_t)top_leaf >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
	top_leaf[511] = ((gpa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_LEAF;
	if (fence)
		flush();
	return ~0UL << PAGE_SHIFT;
}

/* Remove the topmost page. */
void top_page_unmap(void)
{
	root[511] = 0;
	flush();
}
