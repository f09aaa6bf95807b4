/*
 * tracevisor's own extension (EID 0x0A007476 "TVT", in the SBI
 * specification's "Firmware Specific Extension Space", whose low 24 bits
 * are the implementation id 0x7476): trace start, stop, mark, dump and
 * filter (include/tracevisor/sbi_ids.h, hyp/sbi/sbi_tracevisor.c). Its
 * rules are tracevisor's; the "Binary Encoding" ones apply as to any
 * extension.
 */
#include <tracevisor/trace_record.h>

#include "conform.h"

/* trace_stop, then at once trace_start: the stop's own SBI record is not
 * written (tracing is off when the call ends), so this row is checked by
 * its return values and the CONTROL records, not by an SBI record. */
static void stop_then_start(struct conform_ctx *x)
{
	x->got = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_STOP, 0, 0, 0);
	struct sbiret r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_START, 0, 0, 0);
	if (r.error)
		snprintf(x->why, sizeof(x->why), "trace_start after it: error %ld", r.error);
}

static bool start_ok(struct conform_ctx *x)
{
	return x->why[0] == 0;
}

static const struct conform_case tvt_cases[] = {
	{ .func = "trace_stop", .name = "then trace_start", .fid = SBI_TV_TRACE_STOP,
	  .vmode = V_EQ, .want = LIT(0), .run = stop_then_start, .verify = start_ok,
	  .flags = C_NO_REGCHECK },
	{ .func = "trace_mark", .name = "a 64-bit value", .fid = SBI_TV_TRACE_MARK,
	  .a = { LIT(0xFEDCBA9876543210UL) }, .vmode = V_EQ, .want = LIT(0) },
	{ .func = "trace_filter", .name = "every kind", .fid = SBI_TV_TRACE_FILTER,
	  .a = { LIT(TV_FILTER_ALL) }, .vmode = V_EQ, .want = LIT(0) },
	{ .func = "trace_filter", .name = "bit 31 (no such kind)", .fid = SBI_TV_TRACE_FILTER,
	  .a = { LIT(1UL << 31) }, .want_error = SBI_ERR_INVALID_PARAM },
	{ .func = "trace_filter", .name = "bit 32 (no such kind)", .fid = SBI_TV_TRACE_FILTER,
	  .a = { LIT(TV_FILTER_ALL | (1UL << 32)) }, .want_error = SBI_ERR_INVALID_PARAM },
	{ .func = "trace_start", .name = "already on", .fid = SBI_TV_TRACE_START,
	  .vmode = V_EQ, .want = LIT(0) },
	{ .func = "trace_dump", .name = "every ring now", .fid = SBI_TV_TRACE_DUMP,
	  .vmode = V_EQ, .want = LIT(0) },
	{ .func = "FID_5", .name = "past the last function", .fid = 5,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "trace_mark", .name = "FID 0x1_00000002 (low 32 bits: mark)",
	  .fid = 0x100000002UL, .a = { LIT(0x7476) }, .vmode = V_EQ, .want = LIT(0) },
};

static const struct conform_suite tvt_suite = {
	.ext = "TVT", .eid = SBI_EXT_TRACEVISOR, .order = 90,
	.cases = tvt_cases, .ncases = ARRAY_LEN(tvt_cases),
};
CONFORM_SUITE(tvt_suite);
