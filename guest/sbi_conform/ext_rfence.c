/*
 * RFENCE Extension (EID 0x52464E43 "RFNC"), SBI specification "RFENCE
 * Extension": the same hart lists as IPI ("Hart list parameter"); the
 * whole address space when start_addr and size are both 0 or size is
 * 2^XLEN-1; SBI_ERR_INVALID_ADDRESS only for a start_addr or size that
 * is "not valid", which no virtual range is (tracevisor flushes a range
 * that wraps past the top as a whole). The HFENCE functions "are only
 * valid for harts implementing hypervisor extension": the guest has no H,
 * so SBI_ERR_NOT_SUPPORTED. v2.0 defines no error for the asid value.
 */
#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define FENCE(fn, f, n, mask, base, start, size, asid, err)                    \
	{ .func = fn, .name = n, .fid = (f),                                   \
	  .a = { mask, base, LIT(start), LIT(size), LIT(asid) }, .want_error = (err) }
/* NOLINTEND(bugprone-macro-parentheses) */
/* (Each its own initializer: an argument's braces would split in FENCE().) */
/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define FENCE_I(n, mask, base, err)                                            \
	{ .func = "remote_fence_i", .name = n, .fid = 0, .a = { mask, base },    \
	  .want_error = (err) }
#define SFENCE(n, mask, base, start, size, err)                                \
	{ .func = "remote_sfence_vma", .name = n, .fid = 1,                    \
	  .a = { mask, base, LIT(start), LIT(size) }, .want_error = (err) }
#define SFENCE_ASID(n, mask, base, start, size, asid, err)                     \
	{ .func = "remote_sfence_vma_asid", .name = n, .fid = 2,               \
	  .a = { mask, base, LIT(start), LIT(size), LIT(asid) }, .want_error = (err) }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case rfence_cases[] = {
	FENCE_I("this hart", MASK_SELF, LIT(0), 0),
	FENCE_I("the other hart", MASK_OTHER, LIT(0), 0),
	FENCE_I("every hart (base -1, garbage mask)", LIT(0xDEADBEEF), LIT(~0UL), 0),
	FENCE_I("empty mask", LIT(0), LIT(0), 0),
	FENCE_I("mask bit one past the last hart", MASK_BEYOND, LIT(0), SBI_ERR_INVALID_PARAM),
	FENCE_I("mask bit 63", LIT(1UL << 63), LIT(0), SBI_ERR_INVALID_PARAM),
	FENCE_I("base = the hart count, mask 1", LIT(1), NHARTS(0), SBI_ERR_INVALID_PARAM),
	FENCE_I("base = the hart count, mask 0", LIT(0), NHARTS(0), E_HART_BASE_ONLY),
	SFENCE("start 0, size 0: everything", MASK_SELF, LIT(0), 0, 0, 0),
	SFENCE("size 2^64-1: everything", MASK_SELF, LIT(0), 0x1000, ~0UL, 0),
	SFENCE("one page", MASK_SELF, LIT(0), 0x80000000UL, 0x1000, 0),
	SFENCE("unaligned start and size", MASK_SELF, LIT(0), 0x80000123UL, 0x10, 0),
	SFENCE("size 0 at a non-zero start (nothing)", MASK_SELF, LIT(0), 0x80000000UL, 0, 0),
	SFENCE("the last page of the address space", MASK_SELF, LIT(0), ~0xFFFUL, 0x1000, 0),
	SFENCE("a range wrapping past 2^64", MASK_SELF, LIT(0), ~0xFFFUL, 0x2000, 0),
	SFENCE("size 2^63", MASK_SELF, LIT(0), 0, 1UL << 63, 0),
	SFENCE("every hart, everything", LIT(0), LIT(~0UL), 0, 0, 0),
	SFENCE("both harts, one page", LIT(3), LIT(0), 0x80000000UL, 0x1000, 0),
	SFENCE("mask bit one past the last hart", MASK_BEYOND, LIT(0), 0, 0,
	       SBI_ERR_INVALID_PARAM),
	SFENCE("base -2, mask 0b11 (wraps)", LIT(3), LIT(~1UL), 0, 0, SBI_ERR_INVALID_PARAM),
	SFENCE_ASID("asid 0, everything", MASK_SELF, LIT(0), 0, 0, 0, 0),
	SFENCE_ASID("asid 0xFFFF, one page", MASK_SELF, LIT(0), 0x80000000UL, 0x1000, 0xFFFF, 0),
	SFENCE_ASID("asid -1, size 2^64-1", MASK_SELF, LIT(0), 0, ~0UL, ~0UL, 0),
	SFENCE_ASID("asid 2^40", LIT(0), LIT(~0UL), 0, 0, 1UL << 40, 0),
	SFENCE_ASID("mask bit 63", LIT(1UL << 63), LIT(0), 0, 0, 0, SBI_ERR_INVALID_PARAM),
	FENCE("remote_hfence_gvma_vmid", 3, "no H in the guest", MASK_SELF, LIT(0), 0, 0, 0,
	      SBI_ERR_NOT_SUPPORTED),
	FENCE("remote_hfence_gvma", 4, "no H in the guest", MASK_SELF, LIT(0), 0, 0, 0,
	      SBI_ERR_NOT_SUPPORTED),
	FENCE("remote_hfence_vvma_asid", 5, "no H in the guest", MASK_SELF, LIT(0), 0, 0, 0,
	      SBI_ERR_NOT_SUPPORTED),
	FENCE("remote_hfence_vvma", 6, "no H in the guest", MASK_SELF, LIT(0), 0, 0, 0,
	      SBI_ERR_NOT_SUPPORTED),
	FENCE("FID_7", 7, "past the last function", MASK_SELF, LIT(0), 0, 0, 0,
	      SBI_ERR_NOT_SUPPORTED),
	FENCE("remote_fence_i", 0x100000000UL, "FID 0x1_00000000 (low 32 bits: fence_i)",
	      MASK_SELF, LIT(0), 0, 0, 0, 0),
};

static const struct conform_suite rfence_suite = {
	.ext = "RFENCE", .eid = SBI_EXT_RFENCE, .order = 50,
	.cases = rfence_cases, .ncases = ARRAY_LEN(rfence_cases),
};
CONFORM_SUITE(rfence_suite);
