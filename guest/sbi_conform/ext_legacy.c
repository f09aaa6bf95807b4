/*
 * Legacy Extensions (EIDs 0x00-0x0F), SBI specification "Legacy
 * Extensions": a6 is ignored, "Nothing is returned in a1 register", "All
 * registers except a0 must be preserved" (the harness checks a1 too), and
 * a0 is the call's result. tracevisor offers set_timer, console_putchar,
 * console_getchar and shutdown (which ends the run: not called here); the
 * others are SBI_ERR_NOT_SUPPORTED like any unsupported EID ("Binary
 * Encoding").
 */
#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define LEGACY(f, n, e, arg, err)                                              \
	{ .func = f, .name = n, .flags = C_EID, .eid = (e), .a = { LIT(arg) },   \
	  .want_error = (err) }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case legacy_cases[] = {
	/* "Set Timer (EID #0x00)": returns 0 upon success. */
	LEGACY("set_timer", "infinitely far, (uint64_t)-1", 0x00, ~0UL, 0),
	{ .func = "set_timer", .name = "a6 garbage is ignored", .flags = C_EID, .eid = 0x00,
	  .fid = 0xDEADBEEF, .a = { LIT(~0UL) } },
	{ .func = "set_timer", .name = "time 0 (in the past), then off again", .flags = C_EID,
	  .eid = 0x00, .a = { LIT(0) }, .verify = timer_fired_then_clear },
	/* "Console Putchar (EID #0x01)": int ch, returns 0. */
	LEGACY("console_putchar", "newline", 0x01, '\n', 0),
	LEGACY("console_putchar", "int ch with upper 32 bits set (0xFFFFFFFF0000000A)", 0x01,
	       0xFFFFFFFF0000000AUL, 0),
	{ .func = "console_putchar", .name = "a7 with upper 32 bits set (0x1_00000001)",
	  .flags = C_EID, .eid = 0x100000001UL, .a = { LIT('\n') } },
	/* "Console Getchar (EID #0x02)": the byte, or -1. */
	{ .func = "console_getchar", .name = "a byte or -1", .flags = C_EID, .eid = 0x02,
	  .vmode = V_RANGE_CHAR },
	/* Not offered: clear_ipi, send_ipi, remote fences; reserved 0x09-0x0F. */
	LEGACY("clear_ipi", "not offered", 0x03, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("send_ipi", "not offered", 0x04, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("remote_fence_i", "not offered", 0x05, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("remote_sfence_vma", "not offered", 0x06, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("remote_sfence_vma_asid", "not offered", 0x07, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("EID_0x9", "reserved", 0x09, 0, SBI_ERR_NOT_SUPPORTED),
	LEGACY("EID_0xF", "reserved", 0x0F, 0, SBI_ERR_NOT_SUPPORTED),
};

static const struct conform_suite legacy_suite = {
	.ext = "LEGACY", .eid = 0, .order = 20, .legacy = true,
	.cases = legacy_cases, .ncases = ARRAY_LEN(legacy_cases),
};
CONFORM_SUITE(legacy_suite);
