/*
 * G-stage (guest-physical to host-physical) page tables, the second stage
 * of two-stage address translation ("Two-Stage Address Translation" in the
 * RISC-V hypervisor specification).
 *
 * This file has no hypervisor dependencies so the host unit tests compile
 * it as is; the tables are plain memory addressed by pointer (the
 * hypervisor runs with the MMU off, so a pointer is a physical address).
 */
#ifndef HYP_GSTAGE_H
#define HYP_GSTAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <tracevisor/csr.h>

/* Permissions of a mapping (a subset of the PTE bits). */
#define GSTAGE_R PTE_R
#define GSTAGE_W PTE_W
#define GSTAGE_X PTE_X
#define GSTAGE_RWX (PTE_R | PTE_W | PTE_X)

/* A deferred leaf: guest memory whose contents are made ready on first
 * touch (hyp/core/vm.c zeroes guest RAM so). It is written with V=0, its
 * other bits those of the leaf it becomes, which the hardware ignores
 * (Sv32's PTE, the model of Sv39/Sv48 and their x4 G-stage forms: "if it
 * is 0, all other bits in the PTE are don't-cares and may be used freely
 * by software"), and marked in an RSW bit to tell it from an empty slot. */
#define GSTAGE_PTE_DEFERRED (1UL << 8)

/* The root table of an x4 mode is 16 KiB and 16 KiB aligned. */
#define GSTAGE_ROOT_SIZE 16384

struct gstage {
	uint64_t *root;		/* 2048 entries */
	unsigned levels;	/* 3 = Sv39x4, 4 = Sv48x4 */
	unsigned long mode;	/* HGATP_MODE_SV39X4 or HGATP_MODE_SV48X4 */
	uint16_t vmid;
	/* Returns a zeroed, 4 KiB aligned page for a lower-level table. */
	void *(*alloc_page)(void *ctx);
	void *ctx;
	unsigned tables;	/* lower-level tables allocated so far */
};

enum gstage_err {
	GSTAGE_OK = 0,
	GSTAGE_EINVAL = -1,	/* misaligned, zero size or bad mode */
	GSTAGE_ERANGE = -2,	/* GPA beyond what the mode translates */
	GSTAGE_ENOMEM = -3,	/* no page for a table */
	GSTAGE_EEXIST = -4,	/* part of the range is already mapped */
};

int gstage_init(struct gstage *g, unsigned long mode, uint16_t vmid,
		uint64_t *root, void *(*alloc_page)(void *), void *ctx);

/* Map [gpa, gpa+size) to [hpa, hpa+size) with `perm` (GSTAGE_R|W|X), using
 * 1 GiB and 2 MiB leaves where both addresses and the remaining size allow,
 * 4 KiB leaves elsewhere. All three must be 4 KiB aligned. */
int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned long perm);

/* The same with deferred leaves of at most 2 MiB (the first touch of
 * one makes that much ready at once); gstage_leaf() finds them. */
int gstage_map_deferred(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
			unsigned long perm);

/* The slot of the leaf covering `gpa`, valid or deferred, and the bytes it
 * covers; NULL when nothing maps it. */
uint64_t *gstage_leaf(const struct gstage *g, uint64_t gpa, uint64_t *size);

/* A deferred leaf's host address (its memory, to make ready). */
static inline uint64_t gstage_leaf_hpa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

/* A deferred leaf becomes valid, once its memory is ready: a release
 * store, so another hart whose walk reads the new PTE sees that memory
 * as it was made. A hart that cached the invalid PTE may still fault on
 * it until it fences (that is what the Svvptc extension rules out); the
 * fault handler then finds the leaf valid and fences its own TLB. */
static inline void gstage_leaf_commit(uint64_t *pte)
{
	__atomic_store_n(pte, (*pte & ~GSTAGE_PTE_DEFERRED) | PTE_V, __ATOMIC_RELEASE);
}

/* Whether the leaf in a slot is valid now (an acquire load: what it maps
 * was made ready before, gstage_leaf_commit()). */
static inline bool gstage_leaf_valid(const uint64_t *pte)
{
	return __atomic_load_n(pte, __ATOMIC_ACQUIRE) & PTE_V;
}

/* Software walk, as the hardware would do it: the host address and the
 * leaf's permissions for `gpa`, or false when no valid leaf maps it. */
bool gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
		      unsigned long *perm);

/* Highest guest-physical address + 1 the mode can translate. */
uint64_t gstage_gpa_limit(const struct gstage *g);

/* The hgatp value: MODE, VMID and the root's PPN ("Hypervisor Guest Address
 * Translation and Protection Register (hgatp)"). */
uint64_t gstage_hgatp(const struct gstage *g);

/* Call fn for every leaf, valid or deferred (for the boot-time isolation check and the tests). */
void gstage_for_each_leaf(const struct gstage *g,
			  void (*fn)(void *arg, uint64_t gpa, uint64_t hpa,
				     uint64_t size, unsigned long perm),
			  void *arg);

#endif
