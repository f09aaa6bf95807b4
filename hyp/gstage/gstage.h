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

/* Software walk, as the hardware would do it: the host address and the
 * leaf's permissions for `gpa`, or false when no valid leaf maps it. */
bool gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
		      unsigned long *perm);

/* Highest guest-physical address + 1 the mode can translate. */
uint64_t gstage_gpa_limit(const struct gstage *g);

/* The hgatp value: MODE, VMID and the root's PPN ("Hypervisor Guest Address
 * Translation and Protection Register (hgatp)"). */
uint64_t gstage_hgatp(const struct gstage *g);

/* Call fn for every leaf (for the boot-time isolation check and the tests). */
void gstage_for_each_leaf(const struct gstage *g,
			  void (*fn)(void *arg, uint64_t gpa, uint64_t hpa,
				     uint64_t size, unsigned long perm),
			  void *arg);

#endif
