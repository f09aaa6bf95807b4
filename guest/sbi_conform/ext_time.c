/*
 * Timer Extension (EID 0x54494D45 "TIME"), SBI specification "Timer
 * Extension": set_timer(uint64_t stime_value) programs the next event at
 * an absolute time and "must clear the pending timer interrupt bit as
 * well"; (uint64_t)-1 means no event. No error is defined (v3.0: "always
 * returns SBI_SUCCESS"). The guest keeps sstatus.SIE = 0 except to see
 * whether a timer interrupt is pending by taking it.
 */
#include "conform.h"

/* A time in the past: the timer interrupt becomes pending (and is taken
 * once enabled; the handler turns the timer off with (uint64_t)-1). */
bool timer_fired_then_clear(struct conform_ctx *x)
{
	if (timer_irq_within(timebase_hz / 10))
		return true;
	snprintf(x->why, sizeof(x->why), "no timer interrupt within 100 ms of a past time");
	clear_timer();
	return false;
}

/* Make the timer interrupt pending first, so the call has one to clear. */
static void make_pending(struct conform_ctx *x)
{
	(void)x;
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0, 0, 0);
	/* wait until it is surely pending (the HS timer may be an SBI
	 * call of its own away): 1 ms */
	uint64_t until = now() + timebase_hz / 1000;
	while (now() < until)
		;
}

/* The call named a future time: no timer interrupt may be pending. */
static bool cleared(struct conform_ctx *x)
{
	bool taken = timer_irq_within(timebase_hz / 100);
	clear_timer();
	if (taken)
		snprintf(x->why, sizeof(x->why), "a timer interrupt was still pending after "
			 "set_timer to a future time");
	return !taken;
}

/* The guest's own stimecmp (Sstc, which the hypervisor offers) in the
 * past: its timer interrupt is pending through the hardware comparator,
 * not the SBI timer, and set_timer must clear it all the same. Without
 * Sstc (the write traps) there is nothing to clear. */
static bool no_sstc;

static void own_stimecmp_past(struct conform_ctx *x)
{
	unsigned long before = traps_taken;

	(void)x;
	trap_expect = EXC_ILLEGAL_INST + 1;
	csr_write(CSR_STIMECMP, 0UL);
	trap_expect = 0;
	// cppcheck-suppress knownConditionTrueFalse ; volatile: guest_trap counts the trap
	no_sstc = traps_taken != before;
	own_stimecmp = !no_sstc;
	uint64_t until = now() + timebase_hz / 1000; /* surely pending: 1 ms */
	while (now() < until)
		;
}

static bool own_stimecmp_cleared(struct conform_ctx *x)
{
	if (no_sstc)
		return true;
	bool taken = timer_irq_within(timebase_hz / 100);
	csr_write(CSR_STIMECMP, ~0UL);
	own_stimecmp = false;
	clear_timer();
	if (taken)
		snprintf(x->why, sizeof(x->why), "a timer interrupt was still pending from the "
			 "guest's own stimecmp after set_timer((uint64_t)-1)");
	return !taken;
}

static const struct conform_case time_cases[] = {
	{ .func = "set_timer", .name = "past time 0: fires", .fid = SBI_TIME_SET_TIMER,
	  .a = { LIT(0) }, .vmode = V_EQ, .want = LIT(0), .verify = timer_fired_then_clear },
	{ .func = "set_timer", .name = "pending, then (uint64_t)-1 clears it",
	  .fid = SBI_TIME_SET_TIMER, .a = { LIT(~0UL) }, .prepare = make_pending,
	  .verify = cleared },
	{ .func = "set_timer", .name = "pending through the guest's own stimecmp, then -1 clears it",
	  .fid = SBI_TIME_SET_TIMER, .a = { LIT(~0UL) }, .prepare = own_stimecmp_past,
	  .verify = own_stimecmp_cleared },
	{ .func = "set_timer", .name = "pending, then a time 2^62 clears it",
	  .fid = SBI_TIME_SET_TIMER, .a = { LIT(1UL << 62) }, .prepare = make_pending,
	  .verify = cleared },
	{ .func = "set_timer", .name = "bit 63 set (a time far ahead, not negative)",
	  .fid = SBI_TIME_SET_TIMER, .a = { LIT(0x8000000000000000UL) },
	  .prepare = make_pending, .verify = cleared },
	{ .func = "set_timer", .name = "FID 0x1_00000000 (low 32 bits: set_timer)",
	  .fid = 0x100000000UL, .a = { LIT(~0UL) } },
	{ .func = "FID_1", .name = "past the last function", .fid = 1,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite time_suite = {
	.ext = "TIME", .eid = SBI_EXT_TIME, .order = 30,
	.cases = time_cases, .ncases = ARRAY_LEN(time_cases),
};
CONFORM_SUITE(time_suite);
