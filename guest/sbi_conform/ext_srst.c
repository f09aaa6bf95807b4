/*
 * System Reset Extension (EID 0x53525354 "SRST"), SBI specification
 * "System Reset Extension": system_reset(uint32_t reset_type, uint32_t
 * reset_reason), both 32 bits wide (only the low 32 bits of a0 and a1
 * count). Types: 0 shutdown, 1 cold reboot, 2 warm reboot, 0x3-0xEFFFFFFF
 * reserved, 0xF0000000-0xFFFFFFFF vendor/platform specific. Reasons: 0
 * none, 1 system failure, 0x2-0xDFFFFFFF reserved, 0xE0000000-0xEFFFFFFF
 * SBI implementation specific, 0xF0000000-0xFFFFFFFF vendor/platform
 * specific. "At least one of reset_type or reset_reason is reserved or is
 * platform-specific and unimplemented": SBI_ERR_INVALID_PARAM. Only calls
 * that must fail are made here; a successful one does not return, and
 * main.c ends the run with one (type and reason with upper-half garbage).
 */
#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define RESET(n, type, reason, err)                                            \
	{ .func = "system_reset", .name = n, .fid = SBI_SRST_SYSTEM_RESET,       \
	  .a = { LIT(type), LIT(reason) }, .want_error = (err) }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case srst_cases[] = {
	RESET("reserved type 3", 3, 0, SBI_ERR_INVALID_PARAM),
	RESET("reserved type 0xEFFFFFFF", 0xEFFFFFFFUL, 0, SBI_ERR_INVALID_PARAM),
	RESET("vendor type 0xF0000000 (none implemented)", 0xF0000000UL, 0,
	      SBI_ERR_INVALID_PARAM),
	RESET("vendor type 0xFFFFFFFF", 0xFFFFFFFFUL, 0, SBI_ERR_INVALID_PARAM),
	RESET("type 0x1_00000003 (low 32 bits: reserved 3)", 0x100000003UL, 0,
	      SBI_ERR_INVALID_PARAM),
	RESET("shutdown, reserved reason 2", 0, 2, SBI_ERR_INVALID_PARAM),
	RESET("shutdown, reserved reason 0xDFFFFFFF", 0, 0xDFFFFFFFUL, SBI_ERR_INVALID_PARAM),
	RESET("shutdown, vendor reason 0xF0000000 (none implemented)", 0, 0xF0000000UL,
	      SBI_ERR_INVALID_PARAM),
	RESET("shutdown, reason 0xFFFFFFFF_00000002 (low 32 bits: reserved 2)", 0,
	      0xFFFFFFFF00000002UL, SBI_ERR_INVALID_PARAM),
	RESET("cold reboot, reserved reason 0x12345678", 1, 0x12345678UL, SBI_ERR_INVALID_PARAM),
	{ .func = "FID_1", .name = "past the last function", .fid = 1,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite srst_suite = {
	.ext = "SRST", .eid = SBI_EXT_SRST, .order = 70,
	.cases = srst_cases, .ncases = ARRAY_LEN(srst_cases),
};
CONFORM_SUITE(srst_suite);
