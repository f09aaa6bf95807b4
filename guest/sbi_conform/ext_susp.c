/*
 * System Suspend Extension (EID 0x53555350 "SUSP"), SBI specification
 * "System Suspend Extension" (src/ext-sys-suspend.adoc):
 * system_suspend(uint32_t sleep_type, unsigned long resume_addr,
 * unsigned long opaque). sleep_type is 32 bits wide ("Binary Encoding":
 * only a0's low 32 bits count): 0 SUSPEND_TO_RAM, 0x00000001-0x7fffffff
 * reserved, 0x80000000-0xffffffff platform-specific (tracevisor
 * implements none). SUSPEND_TO_RAM's entry criteria: "all but the calling
 * hart be in the HSM STOPPED state". "A return ... implies an error":
 * INVALID_PARAM (reserved or unimplemented platform type), INVALID_ADDRESS
 * (resume_addr "not a valid physical address", or not executable),
 * DENIED ("unsatisfied entry criteria"). A successful suspend resumes at
 * resume_addr with satp = 0, sstatus.SIE = 0, a0 = hartid, a1 = opaque
 * ("SUSP System Resume Register State").
 *
 * The suite runs last: it stops the other hart (the entry criteria) and
 * leaves it stopped. The calls that must fail pass susp_escape as
 * resume_addr with a wake-up armed, so a hypervisor that suspends anyway
 * ends the run with a FAIL line instead of hanging.
 */
#include "conform.h"

extern char susp_escape[];

/* harness.S susp_escape: the hart resumed where no suspend should have
 * happened. */
void conform_wrong_resume(unsigned long a0, unsigned long a1) __attribute__((noreturn));
void conform_wrong_resume(unsigned long a0, unsigned long a1)
{
	printf("sbi-conform: FAIL SUSP.system_suspend: a call that had to fail suspended the "
	       "system and resumed at resume_addr (a0=%#lx a1=%#lx)\n", a0, a1);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, SBI_SRST_REASON_SYSTEM_FAILURE, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* A wake-up for a suspend that should not happen (and for the one that
 * should): this hart's timer in 1 ms, enabled in sie, sstatus.SIE = 0. */
static void arm_wakeup(struct conform_ctx *x)
{
	(void)x;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, now() + timebase_hz / 1000, 0, 0);
}

static bool disarm(struct conform_ctx *x)
{
	(void)x;
	clear_timer();
	csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
	return true;
}

static bool other_stopped(void)
{
	return hsm_status(other_hart) == SBI_HSM_STATE_STOPPED;
}

/* The entry criteria: the other hart stops itself (HSM hart_stop). The
 * row wants the error it names only if that worked. */
static void stop_other_and_arm(struct conform_ctx *x)
{
	if (!other_stopped()) {
		secondary_command(SEC_STOP);
		if (!wait_for(other_stopped, timebase_hz * 5))
			setup_failed(x, "the other hart did not stop");
	}
	arm_wakeup(x);
}

/* ---- the suspend that happens ---------------------------------------- */

static uint64_t deadline;

/* Woken by this hart's timer, armed 2 ms ahead. */
static void suspend(struct conform_ctx *x)
{
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	deadline = now() + timebase_hz / 500;
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0);
	nonret_seen[0] = nonret_seen[1] = ~0UL;
	struct sbiret r = conform_system_suspend(x->a[0]);
	if (r.error == CONFORM_RESUMED) {
		x->got.error = SBI_SUCCESS;
		x->got.value = r.value;
	} else {
		x->got = r;
	}
}

/* "SUSP System Resume Register State", after the wake-up event. */
static bool resumed_right(struct conform_ctx *x)
{
	uint64_t t = now();
	disarm(x);
	if (nonret_seen[0] != self_hart || nonret_seen[1] != (uintptr_t)nonret_ctx ||
	    nonret_seen[2] != 0 || (nonret_seen[3] & SSTATUS_SIE)) {
		snprintf(x->why, sizeof(x->why), "resumed with a0=%#lx a1=%#lx satp=%#lx "
			 "sstatus=%#lx", nonret_seen[0], nonret_seen[1], nonret_seen[2],
			 nonret_seen[3]);
		return false;
	}
	if (t < deadline) {
		snprintf(x->why, sizeof(x->why), "resumed %lu ticks before the timer's wake-up",
			 (unsigned long)(deadline - t));
		return false;
	}
	long st = hsm_status(self_hart);
	if (st != SBI_HSM_STATE_STARTED || !other_stopped()) {
		snprintf(x->why, sizeof(x->why), "after the resume: this hart %ld (want STARTED), "
			 "the other %ld (want STOPPED)", st, hsm_status(other_hart));
		return false;
	}
	return true;
}

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define ESCAPE LIT(0) /* the prepare hook puts susp_escape here */
#define SUSP(n, type, addr, err, prep)                                         \
	{ .func = "system_suspend", .name = n, .fid = SBI_SUSP_SYSTEM_SUSPEND,  \
	  .a = { LIT(type), addr, LIT(0x0DDBA11UL) }, .want_error = (err),      \
	  .prepare = prep, .verify = disarm }
/* NOLINTEND(bugprone-macro-parentheses) */

static void escape_addr(struct conform_ctx *x, unsigned long off)
{
	x->a[1] = (uintptr_t)susp_escape + off;
}

/* resume_addr = susp_escape (+ an offset), set at run time. */
static void running_escape(struct conform_ctx *x)
{
	arm_wakeup(x);
	escape_addr(x, 0);
}

static void stopped_escape(struct conform_ctx *x)
{
	stop_other_and_arm(x);
	escape_addr(x, 0);
}

static void stopped_escape_odd(struct conform_ctx *x)
{
	stop_other_and_arm(x);
	escape_addr(x, 1);
}

static void stopped_escape_4g(struct conform_ctx *x)
{
	stop_other_and_arm(x);
	escape_addr(x, 1UL << 32);
}

static const struct conform_case susp_cases[] = {
	/* Entry criteria of SUSPEND_TO_RAM unmet: the other hart STARTED. */
	SUSP("SUSPEND_TO_RAM, the other hart STARTED: DENIED", 0, ESCAPE, SBI_ERR_DENIED,
	     running_escape),
	SUSP("type 0xFFFFFFFF_00000000 (low 32 bits: SUSPEND_TO_RAM), other STARTED: DENIED",
	     0xFFFFFFFF00000000UL, ESCAPE, SBI_ERR_DENIED, running_escape),
	/* From here the other hart is STOPPED: only the named fault remains. */
	SUSP("reserved type 0x00000001", 1, ESCAPE, SBI_ERR_INVALID_PARAM, stopped_escape),
	SUSP("reserved type 0x7FFFFFFF", 0x7FFFFFFFUL, ESCAPE, SBI_ERR_INVALID_PARAM,
	     stopped_escape),
	SUSP("platform type 0x80000000 (none implemented)", 0x80000000UL, ESCAPE,
	     SBI_ERR_INVALID_PARAM, stopped_escape),
	SUSP("platform type 0xFFFFFFFF", 0xFFFFFFFFUL, ESCAPE, SBI_ERR_INVALID_PARAM,
	     stopped_escape),
	SUSP("type 0x1_00000001 (low 32 bits: reserved 1)", 0x100000001UL, ESCAPE,
	     SBI_ERR_INVALID_PARAM, stopped_escape),
	SUSP("resume_addr 0 (not RAM)", 0, LIT(0), SBI_ERR_INVALID_ADDRESS, stop_other_and_arm),
	SUSP("resume_addr = end of RAM", 0, RAM_END(0), SBI_ERR_INVALID_ADDRESS,
	     stop_other_and_arm),
	SUSP("resume_addr -2", 0, LIT(~1UL), SBI_ERR_INVALID_ADDRESS, stop_other_and_arm),
	SUSP("resume_addr = the UART (MMIO, not executable)", 0, LIT(0x10000000UL),
	     SBI_ERR_INVALID_ADDRESS, stop_other_and_arm),
	SUSP("resume_addr 2^32 + a RAM address (unsigned long: not RAM)", 0, ESCAPE,
	     SBI_ERR_INVALID_ADDRESS, stopped_escape_4g),
	/* sepc bit 0 is always zero: an odd address cannot be resumed at as
	 * given, so it is not a valid address to execute from. */
	SUSP("resume_addr odd", 0, ESCAPE, SBI_ERR_INVALID_ADDRESS, stopped_escape_odd),
	{ .func = "system_suspend",
	  .name = "SUSPEND_TO_RAM as 0xFFFFFFFF_00000000, woken by its timer: resumes at "
		  "resume_addr, a0 = hartid, a1 = opaque, satp 0, SIE 0",
	  .fid = SBI_SUSP_SYSTEM_SUSPEND, .a = { LIT(0xFFFFFFFF00000000UL) }, .vmode = V_EQ,
	  .want = SELF, .prepare = stop_other_and_arm, .run = suspend, .verify = resumed_right,
	  .flags = C_NO_REGCHECK },
	{ .func = "FID_1", .name = "past the last function", .fid = 1,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite susp_suite = {
	.ext = "SUSP", .eid = SBI_EXT_SUSP, .order = 98,
	.cases = susp_cases, .ncases = ARRAY_LEN(susp_cases),
};
CONFORM_SUITE(susp_suite);
