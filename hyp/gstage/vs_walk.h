/*
 * The VS-stage walk in software: the guest-physical address a guest
 * virtual address translates to through the guest's own page tables
 * (vsatp), as the hardware's first stage would find it.
 *
 * The hypervisor needs it where a hart does not say the GPA: when a
 * guest-page fault is taken into HS-mode, "htval is written with either
 * zero or the guest physical address that faulted, shifted right by 2
 * bits" ("Hypervisor Trap Value Register (htval)"), so zero is a
 * conforming answer. The walk then tells the two GPAs the spec's fault
 * can be for apart: the access's own (the walk completes), or "an
 * implicit memory access during first-stage (VS-stage) address
 * translation ... for example, the address of a VS-level page table
 * entry that could not be read" (the walk stops at a PTE whose GPA the
 * G-stage does not map).
 *
 * Like gstage.c, no hypervisor dependencies: the host unit tests
 * (tests/unit/test_vs_walk.c) compile it as is; reading a guest PTE is
 * the caller's (it knows what its G-stage maps).
 */
#ifndef HYP_VS_WALK_H
#define HYP_VS_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include <tracevisor/csr.h>

enum vs_walk_result {
	VS_WALK_DONE,	  /* *gpa: what the guest virtual address maps to */
	VS_WALK_IMPLICIT, /* *gpa: a PTE's address, which read_pte could not read */
	VS_WALK_NONE,	  /* the tables give a page fault (or a mode this walk
			     does not know): no guest-physical address */
};

/* Read the 8-byte PTE at guest-physical address gpa: false when the
 * G-stage does not map it for reading (the hardware's implicit access
 * would take a guest-page fault there). */
typedef bool (*vs_read_pte_fn)(void *ctx, uint64_t gpa, uint64_t *pte);

enum vs_walk_result vs_walk(uint64_t vsatp, uint64_t gva, vs_read_pte_fn read_pte,
			    void *ctx, uint64_t *gpa);

/*
 * Whether a fault whose GPA has gva's own page offset (bits 11:2; the
 * low two are gva's in any GPA a hart reports, "htval") could be the
 * read of a table entry by gva's own walk, in any mode: each level reads
 * the entry at its table, a 4 KiB page, plus VPN[i] * 8 ("Virtual Address
 * Translation Process"). False means the fault was the access's own.
 */
bool vs_walk_offset_may_be_entry(uint64_t gva);

#endif
