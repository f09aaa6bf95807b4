/*
 * The VS-stage walk in software (vs_walk.h). It follows the privileged
 * spec's "Virtual Address Translation Process" for Sv39, Sv48 and Sv57
 * ("Supervisor-Level ISA"), which VS-stage translation uses unchanged
 * with guest-physical addresses for its tables and results ("Two-Stage
 * Address Translation"). Permissions and the A/D bits are not checked:
 * a guest-page fault says the hardware's own walk got past them, and a
 * GPA is all the caller asks for.
 */
#include "vs_walk.h"

#define NAPOT_64K_PPN 0x8UL /* Svnapot: ppn[3:0] = 1000, 64 KiB */

/* Levels of a mode: Sv39 3, Sv48 4, Sv57 5 (9 VPN bits each). */
static unsigned mode_levels(uint64_t mode)
{
	switch (mode) {
	case SATP_MODE_SV39: return 3;
	case SATP_MODE_SV48: return 4;
	case SATP_MODE_SV57: return 5;
	default: return 0;
	}
}

/* Sv39's addresses "must have bits 63-39 all equal to bit 38, or else a
 * page-fault exception will occur" (Sv48: 63-48 and 47, Sv57: 63-57 and
 * 56): va_bits is 39, 48 or 57. */
static bool canonical(uint64_t gva, unsigned va_bits)
{
	int64_t top = (int64_t)(gva << (64 - va_bits)) >> (64 - va_bits);
	return (uint64_t)top == gva;
}

/* The leaf at level i maps gva: the GPA, or false for what the spec
 * makes a page fault (a misaligned superpage, a reserved N encoding). */
static bool leaf_gpa(uint64_t pte, unsigned i, uint64_t gva, uint64_t *gpa)
{
	uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
	uint64_t low = (1UL << (9 * i)) - 1; /* ppn[i-1:0] */
	uint64_t vpn = gva >> 12;

	if (ppn & low)
		return false; /* "a misaligned superpage" */
	if (pte & PTE_N) {
		/* Svnapot: only a level-0 leaf with ppn[3:0] = 1000 (64 KiB);
		 * the address takes vpn[0][3:0] in their place */
		if (i != 0 || (ppn & 0xf) != NAPOT_64K_PPN)
			return false;
		low = 0xf;
		ppn &= ~low;
	}
	*gpa = ((ppn | (vpn & low)) << 12) | (gva & 0xfff);
	return true;
}

enum vs_walk_result vs_walk(uint64_t vsatp, uint64_t gva, vs_read_pte_fn read_pte,
			    void *ctx, uint64_t *gpa)
{
	uint64_t mode = vsatp & ~(~0UL >> (64 - SATP_MODE_SHIFT));
	unsigned levels = mode_levels(mode);

	if (mode == SATP_MODE_BARE) {
		/* no VS-stage: "either stage of translation can be
		 * effectively disabled by zeroing the corresponding vsatp or
		 * hgatp register" ("Two-Stage Address Translation") */
		*gpa = gva;
		return VS_WALK_DONE;
	}
	if (!levels || !canonical(gva, 12 + 9 * levels))
		return VS_WALK_NONE;
	uint64_t a = (vsatp & SATP_PPN_MASK) << 12;
	for (int i = (int)levels - 1; i >= 0; i--) {
		uint64_t at = a + ((gva >> (12 + 9 * i)) & 511) * 8, pte;

		if (!read_pte(ctx, at, &pte)) {
			*gpa = at; /* the implicit access that faulted */
			return VS_WALK_IMPLICIT;
		}
		/* "If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any
		 * bits or encodings that are reserved ... are set" */
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W)) == PTE_W || (pte & PTE_RESERVED))
			return VS_WALK_NONE;
		if (pte & (PTE_R | PTE_X))
			return leaf_gpa(pte, (unsigned)i, gva, gpa) ? VS_WALK_DONE
								   : VS_WALK_NONE;
		/* a pointer: N and PBMT are reserved in one */
		if (pte & (PTE_N | PTE_PBMT))
			return VS_WALK_NONE;
		a = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
	}
	return VS_WALK_NONE; /* a pointer at level 0 */
}

/* vs_walk.h. Sv57's five VPNs whatever the mode: a mode of fewer levels
 * makes some of them copies of the sign bit, checked all the same. */
bool vs_walk_offset_may_be_entry(uint64_t gva)
{
	uint64_t index = (gva >> 3) & 511;

	if (gva & 4)
		return false; /* an entry is 8-byte aligned */
	for (unsigned i = 0; i < 5; i++)
		if (((gva >> (12 + 9 * i)) & 511) == index)
			return true;
	return false;
}
