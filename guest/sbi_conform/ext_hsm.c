/*
 * Hart State Management Extension (EID 0x48534D "HSM"), SBI specification
 * "Hart State Management Extension". hartid, start_addr, resume_addr and
 * opaque are unsigned long (all 64 bits count); suspend_type is "32 bits
 * wide" (only a0's low 32 bits count, "Binary Encoding"). States: STARTED
 * 0, STOPPED 1, START_PENDING 2, SUSPENDED 4. Errors: hart_start
 * INVALID_PARAM (hartid), INVALID_ADDRESS (start_addr not a valid address
 * to execute from), ALREADY_AVAILABLE (not stopped); hart_get_status
 * INVALID_PARAM; hart_suspend INVALID_PARAM (reserved or unimplemented
 * platform-specific type), INVALID_ADDRESS (resume_addr, non-retentive).
 */
#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define STATUS(n, hart, err, state)                                            \
	{ .func = "hart_get_status", .name = n, .fid = SBI_HSM_HART_GET_STATUS,  \
	  .a = { hart }, .want_error = (err), .vmode = (err) ? V_ANY : V_EQ,   \
	  .want = LIT(state) }
#define START(n, hart, addr, err)                                              \
	{ .func = "hart_start", .name = n, .fid = SBI_HSM_HART_START,            \
	  .a = { hart, addr, OPAQUE }, .want_error = (err) }
#define SUSPEND(n, type, addr, err)                                            \
	{ .func = "hart_suspend", .name = n, .fid = SBI_HSM_HART_SUSPEND,        \
	  .a = { LIT(type), addr }, .want_error = (err) }
/* NOLINTEND(bugprone-macro-parentheses) */

/* ---- hart_stop, made by the other hart on itself --------------------- */

static bool other_stopped(void)
{
	return hsm_status(other_hart) == SBI_HSM_STATE_STOPPED;
}

static void stop_other(struct conform_ctx *x)
{
	secondary_command(SEC_STOP);
	bool ok = wait_for(other_stopped, timebase_hz * 5);
	x->got.error = ok ? SBI_SUCCESS : SBI_ERR_FAILED;
	x->got.value = 0;
	if (!ok)
		snprintf(x->why, sizeof(x->why), "the other hart is not STOPPED 5 s after its "
			 "hart_stop (status %ld)", hsm_status(other_hart));
}

/* ---- hart_start of the stopped other hart ----------------------------- */

static unsigned long checkins_before;

static void note_checkins(struct conform_ctx *x)
{
	(void)x;
	checkins_before = __atomic_load_n(&sec_checkins, __ATOMIC_ACQUIRE);
}

static bool checked_in(void)
{
	return __atomic_load_n(&sec_checkins, __ATOMIC_ACQUIRE) > checkins_before;
}

/* "HSM Hart Start Register State": a0 = hartid, a1 = opaque. */
static bool started_right(struct conform_ctx *x)
{
	if (!wait_for(checked_in, timebase_hz * 5)) {
		snprintf(x->why, sizeof(x->why), "the hart never reached start_addr");
		return false;
	}
	long st = hsm_status(other_hart);
	if (sec_a0 != other_hart || sec_a1 != secondary_stack_top() || st != 0) {
		snprintf(x->why, sizeof(x->why), "entered with a0=%#lx a1=%#lx, status %ld; "
			 "want a0=%u a1=%#lx, STARTED", sec_a0, sec_a1, st, other_hart,
			 (unsigned long)secondary_stack_top());
		return false;
	}
	return true;
}

/* ---- hart_suspend -------------------------------------------------- */

/* Wake-up: this hart's timer, 1 ms ahead, enabled in sie (sstatus.SIE
 * stays 0: the interrupt wakes the hart and stays pending). */
static void arm_wakeup(struct conform_ctx *x)
{
	(void)x;
	csr_set(CSR_SIE, (1UL << IRQ_S_TIMER));
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, now() + timebase_hz / 1000, 0, 0);
}

static bool woke_by_timer(struct conform_ctx *x)
{
	bool pending = timer_irq_within(timebase_hz / 100);
	clear_timer();
	csr_clear(CSR_SIE, (1UL << IRQ_S_TIMER));
	if (!pending)
		snprintf(x->why, sizeof(x->why), "returned without the timer interrupt pending");
	return pending;
}

/* A non-retentive suspend resumes at resume_addr with a0 = hartid, a1 =
 * opaque, satp = 0, sstatus.SIE = 0 ("HSM Hart Resume Register State"). */
static void nonret(struct conform_ctx *x)
{
	arm_wakeup(x);
	nonret_seen[0] = nonret_seen[1] = ~0UL;
	struct sbiret r = conform_suspend_nonret(x->a[0]);
	if (r.error == CONFORM_RESUMED) {
		x->got.error = SBI_SUCCESS;
		x->got.value = r.value;
	} else {
		x->got = r;
	}
}

static bool resumed_right(struct conform_ctx *x)
{
	clear_timer();
	csr_clear(CSR_SIE, (1UL << IRQ_S_TIMER));
	if (nonret_seen[0] == self_hart && nonret_seen[1] == (uintptr_t)nonret_ctx &&
	    nonret_seen[2] == 0 && !(nonret_seen[3] & SSTATUS_SIE))
		return true;
	snprintf(x->why, sizeof(x->why), "resumed with a0=%#lx a1=%#lx satp=%#lx sstatus=%#lx",
		 nonret_seen[0], nonret_seen[1], nonret_seen[2], nonret_seen[3]);
	return false;
}

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define NONRET(n, type)                                                        \
	{ .func = "hart_suspend", .name = n, .fid = SBI_HSM_HART_SUSPEND,        \
	  .a = { LIT(type) }, .vmode = V_EQ, .want = SELF, .run = nonret,       \
	  .verify = resumed_right, .flags = C_NO_REGCHECK }
#define RETENTIVE(n, type, addr)                                               \
	{ .func = "hart_suspend", .name = n, .fid = SBI_HSM_HART_SUSPEND,        \
	  .a = { LIT(type), addr }, .prepare = arm_wakeup, .verify = woke_by_timer }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case hsm_cases[] = {
	STATUS("this hart: STARTED", SELF, 0, SBI_HSM_STATE_STARTED),
	STATUS("the other hart: STARTED", OTHER, 0, SBI_HSM_STATE_STARTED),
	STATUS("hart = the hart count", NHARTS(0), SBI_ERR_INVALID_PARAM, 0),
	STATUS("hart -1", LIT(~0UL), SBI_ERR_INVALID_PARAM, 0),
	STATUS("hart 2^32 + other (a 64-bit parameter)", OTHER_PLUS(1UL << 32),
	       SBI_ERR_INVALID_PARAM, 0),
	START("this hart, running", SELF, ENTRY(0), SBI_ERR_ALREADY_AVAILABLE),
	START("the other hart, running", OTHER, ENTRY(0), SBI_ERR_ALREADY_AVAILABLE),
	{ .func = "hart_stop", .name = "the other hart stops itself", .fid = SBI_HSM_HART_STOP,
	  .run = stop_other, .flags = C_NO_REGCHECK },
	STATUS("the other hart after hart_stop: STOPPED", OTHER, 0, SBI_HSM_STATE_STOPPED),
	START("start_addr 0 (not RAM)", OTHER, LIT(0), SBI_ERR_INVALID_ADDRESS),
	START("start_addr odd", OTHER, ENTRY(1), SBI_ERR_INVALID_ADDRESS),
	START("start_addr = end of RAM", OTHER, RAM_END(0), SBI_ERR_INVALID_ADDRESS),
	START("start_addr = the UART (MMIO)", OTHER, LIT(0x10000000UL), SBI_ERR_INVALID_ADDRESS),
	START("start_addr -2", OTHER, LIT(~1UL), SBI_ERR_INVALID_ADDRESS),
	START("start_addr 2^32 + entry", OTHER, ENTRY(1UL << 32), SBI_ERR_INVALID_ADDRESS),
	START("hart = the hart count", NHARTS(0), ENTRY(0), SBI_ERR_INVALID_PARAM),
	START("hart -1", LIT(~0UL), ENTRY(0), SBI_ERR_INVALID_PARAM),
	START("hart 2^32 + other (a 64-bit parameter)", OTHER_PLUS(1UL << 32), ENTRY(0),
	      SBI_ERR_INVALID_PARAM),
	STATUS("the other hart after refused starts: STOPPED", OTHER, 0, SBI_HSM_STATE_STOPPED),
	{ .func = "hart_start", .name = "the stopped other hart: a0 = hartid, a1 = opaque",
	  .fid = SBI_HSM_HART_START, .a = { OTHER, ENTRY(0), OPAQUE },
	  .prepare = note_checkins, .verify = started_right },
	START("the other hart again, running", OTHER, ENTRY(0), SBI_ERR_ALREADY_AVAILABLE),
	SUSPEND("reserved type 0x00000001", 0x00000001UL, ENTRY(0), SBI_ERR_INVALID_PARAM),
	SUSPEND("reserved type 0x0FFFFFFF", 0x0FFFFFFFUL, ENTRY(0), SBI_ERR_INVALID_PARAM),
	SUSPEND("reserved type 0x80000001", 0x80000001UL, ENTRY(0), SBI_ERR_INVALID_PARAM),
	SUSPEND("reserved type 0x8FFFFFFF", 0x8FFFFFFFUL, ENTRY(0), SBI_ERR_INVALID_PARAM),
	SUSPEND("platform retentive 0x10000000 (none implemented)", 0x10000000UL, ENTRY(0),
		SBI_ERR_INVALID_PARAM),
	SUSPEND("platform retentive 0x7FFFFFFF", 0x7FFFFFFFUL, ENTRY(0), SBI_ERR_INVALID_PARAM),
	SUSPEND("platform non-retentive 0x90000000", 0x90000000UL, ENTRY(0),
		SBI_ERR_INVALID_PARAM),
	SUSPEND("platform non-retentive 0xFFFFFFFF", 0xFFFFFFFFUL, ENTRY(0),
		SBI_ERR_INVALID_PARAM),
	SUSPEND("type 0x1_00000001 (low 32 bits: reserved 1)", 0x100000001UL, ENTRY(0),
		SBI_ERR_INVALID_PARAM),
	SUSPEND("non-retentive, resume_addr 0", 0x80000000UL, LIT(0), SBI_ERR_INVALID_ADDRESS),
	SUSPEND("non-retentive, resume_addr odd", 0x80000000UL, ENTRY(1),
		SBI_ERR_INVALID_ADDRESS),
	SUSPEND("non-retentive, resume_addr = end of RAM", 0x80000000UL, RAM_END(0),
		SBI_ERR_INVALID_ADDRESS),
	SUSPEND("type 0xFFFFFFFF_80000000, resume_addr 0 (non-retentive: address checked)",
		0xFFFFFFFF80000000UL, LIT(0), SBI_ERR_INVALID_ADDRESS),
	RETENTIVE("default retentive 0, woken by the timer", 0, ENTRY(0)),
	RETENTIVE("bit 63 set (0x8000000000000000: low 32 bits 0, retentive)",
		  0x8000000000000000UL, ENTRY(0)),
	RETENTIVE("retentive, resume_addr 1 is unused", 0xFFFFFFFF00000000UL, LIT(1)),
	NONRET("default non-retentive 0x80000000, resumes at resume_addr", 0x80000000UL),
	NONRET("type 0x1_80000000 (low 32 bits: non-retentive)", 0x180000000UL),
	{ .func = "FID_4", .name = "past the last function", .fid = 4,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "hart_get_status", .name = "FID 0x1_00000002 (low 32 bits: hart_get_status)",
	  .fid = 0x100000002UL, .a = { SELF }, .vmode = V_EQ, .want = LIT(0) },
};

static const struct conform_suite hsm_suite = {
	.ext = "HSM", .eid = SBI_EXT_HSM, .order = 60,
	.cases = hsm_cases, .ncases = ARRAY_LEN(hsm_cases),
};
CONFORM_SUITE(hsm_suite);
