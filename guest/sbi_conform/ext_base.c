/*
 * Base Extension (EID 0x10), SBI specification "Base Extension": every
 * function "must always succeed" (no error returns are defined), plus the
 * dispatch rules of "Binary Encoding": EIDs and FIDs are signed 32-bit
 * integers, of which the callee uses only the 32 bits; an unsupported EID
 * or FID "must return the error code SBI_ERR_NOT_SUPPORTED".
 */
#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define PROBE(n, eid, v)                                                       \
	{ .func = "probe_extension", .name = n, .fid = SBI_BASE_PROBE_EXT,     \
	  .a = { LIT(eid) }, .vmode = V_EQ, .want = LIT(v) }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case base_cases[] = {
	/* "Get SBI specification version": minor in bits 23:0, major in
	 * 30:24, bit 31 zero (and, v3.0, bits 32 and up zero). */
	{ .func = "get_spec_version", .name = "the version reported", .fid = 0,
	  .vmode = V_EQ, .want = LIT((SBI_SPEC_VERSION_MAJOR << 24) | SBI_SPEC_VERSION_MINOR) },
	{ .func = "get_spec_version", .name = "argument registers all ones (no arguments)",
	  .fid = 0, .a = { LIT(~0UL), LIT(~0UL), LIT(~0UL), LIT(~0UL), LIT(~0UL), LIT(~0UL) },
	  .vmode = V_EQ, .want = SPEC_VERSION },
	{ .func = "get_impl_id", .name = "tracevisor's id", .fid = 1, .vmode = V_EQ,
	  .want = LIT(SBI_TRACEVISOR_IMP_ID) },
	{ .func = "get_impl_version", .name = "any value", .fid = 2, .vmode = V_ANY },
	/* "Probe SBI extension": 1 if available, else 0. */
	PROBE("BASE", SBI_EXT_BASE, 1),
	PROBE("TIME", SBI_EXT_TIME, 1),
	PROBE("IPI", SBI_EXT_IPI, 1),
	PROBE("RFENCE", SBI_EXT_RFENCE, 1),
	PROBE("HSM", SBI_EXT_HSM, 1),
	PROBE("SRST", SBI_EXT_SRST, 1),
	PROBE("DBCN", SBI_EXT_DBCN, 1),
	PROBE("legacy set_timer 0x00", SBI_EXT_0_1_SET_TIMER, 1),
	PROBE("legacy console_putchar 0x01", SBI_EXT_0_1_CONSOLE_PUTCHAR, 1),
	PROBE("legacy console_getchar 0x02", SBI_EXT_0_1_CONSOLE_GETCHAR, 1),
	PROBE("legacy clear_ipi 0x03 (not offered)", SBI_EXT_0_1_CLEAR_IPI, 0),
	PROBE("legacy send_ipi 0x04 (not offered)", SBI_EXT_0_1_SEND_IPI, 0),
	PROBE("legacy remote_sfence_vma_asid 0x07 (not offered)",
	      SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, 0),
	PROBE("legacy shutdown 0x08", SBI_EXT_0_1_SHUTDOWN, 1),
	PROBE("reserved legacy EID 0x09", 0x09, 0),
	PROBE("reserved legacy EID 0x0F", 0x0F, 0),
	PROBE("experimental EID 0x08000000", 0x08000000, 0),
	PROBE("vendor EID 0x09000000", 0x09000000, 0),
	/* "Firmware Specific Extension Space": low 24 bits = impl id. */
	PROBE("tracevisor's firmware EID 0x0A007476", SBI_EXT_TRACEVISOR, 1),
	PROBE("firmware EID 0x0A000000", 0x0A000000, 0),
	PROBE("unassigned EID 0x12345678", 0x12345678, 0),
	PROBE("EID 0x7FFFFFFF", 0x7FFFFFFF, 0),
	PROBE("EID 0xFFFFFFFF", 0xFFFFFFFFUL, 0),
	PROBE("EID -1 (all 64 bits)", ~0UL, 0),
	/* An EID is 32-bit data: the low 32 bits of the argument count. */
	PROBE("BASE with upper 32 bits set (0xFFFFFFFF00000010)", 0xFFFFFFFF00000010UL, 1),
	PROBE("EID 0x1_00000000 (low 32 bits: legacy set_timer)", 0x100000000UL, 1),
	/* mvendorid is a 32-bit CSR; 0 is always legal. */
	{ .func = "get_mvendorid", .name = "a 32-bit value", .fid = 4, .vmode = V_LE,
	  .want = LIT(0xFFFFFFFFUL) },
	{ .func = "get_marchid", .name = "any legal value", .fid = 5, .vmode = V_ANY },
	{ .func = "get_mimpid", .name = "any legal value", .fid = 6, .vmode = V_ANY },
	/* Unsupported FIDs and EIDs ("Binary Encoding"). */
	{ .func = "FID_7", .name = "past the last function", .fid = 7,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_0x7FFFFFFF", .name = "largest positive FID", .fid = 0x7FFFFFFF,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "get_spec_version", .name = "FID 0x1_00000000 (low 32 bits: 0)",
	  .fid = 0x100000000UL, .vmode = V_EQ, .want = SPEC_VERSION },
	{ .func = "probe_extension", .name = "FID 0xFFFFFFFF_00000003 (low 32 bits: 3)",
	  .fid = 0xFFFFFFFF00000003UL, .a = { LIT(SBI_EXT_HSM) }, .vmode = V_EQ,
	  .want = LIT(1) },
	{ .func = "get_spec_version", .name = "EID 0x1_00000010 (low 32 bits: BASE)",
	  .fid = 0, .flags = C_EID, .eid = 0x100000010UL, .vmode = V_EQ, .want = SPEC_VERSION },
	{ .func = "any", .name = "unassigned EID 0x12345678", .fid = 0, .flags = C_EID,
	  .eid = 0x12345678, .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "any", .name = "vendor EID 0x09000000", .fid = 0, .flags = C_EID,
	  .eid = 0x09000000, .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "any", .name = "EID 0x80000000 (negative as a signed 32-bit)", .fid = 0,
	  .flags = C_EID, .eid = 0xFFFFFFFF80000000UL, .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite base_suite = {
	.ext = "BASE", .eid = SBI_EXT_BASE, .order = 10,
	.cases = base_cases, .ncases = ARRAY_LEN(base_cases),
};
CONFORM_SUITE(base_suite);
