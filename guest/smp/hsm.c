/*
 * SMP test guest: SBI HSM ("Hart State Management Extension"). vCPU 0
 * starts the others with hart_start and follows their status (STOPPED,
 * then START_PENDING or STARTED, then STARTED once they run); later each
 * stops itself with hart_stop, and one is started again (and what the
 * restart resets is checked, reset.c).
 */
#include "smp_guest.h"

extern char secondary_entry[]; /* entry.S */

static uint8_t stacks[MAX_VCPUS][SECONDARY_STACK] __attribute__((aligned(16)));
unsigned start_pending_seen, stop_pending_seen;

/* The top of vCPU k's stack: the opaque hart_start passes it (entry.S). */
uintptr_t stack_top(unsigned k)
{
	return (uintptr_t)&stacks[k][SECONDARY_STACK];
}

/* hart_get_status: the state, or the SBI error times 1000 (so an error
 * can never pass for a state). */
long hsm_status(unsigned k)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, k, 0, 0);
	return r.error ? r.error * 1000 : r.value;
}

/* The SBI specification's name of an HSM state. */
static const char *state_name(long s)
{
	switch (s) {
	case SBI_HSM_STATE_STARTED: return "STARTED";
	case SBI_HSM_STATE_STOPPED: return "STOPPED";
	case SBI_HSM_STATE_START_PENDING: return "START_PENDING";
	case SBI_HSM_STATE_STOP_PENDING: return "STOP_PENDING";
	case SBI_HSM_STATE_SUSPENDED: return "SUSPENDED";
	default: return "error";
	}
}

/* hart_start vCPU k and wait until it checks in: STOPPED before,
 * START_PENDING or STARTED right after, STARTED once it runs. */
static bool start_one(unsigned k)
{
	long st = hsm_status(k);
	if (st != SBI_HSM_STATE_STOPPED) {
		fail(boot_hart, "vCPU %u: status %s (%ld) before hart_start, want STOPPED",
		     k, state_name(st), st);
		return false;
	}
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, k,
				   (uintptr_t)secondary_entry,
				   stack_top(k));
	if (r.error) {
		fail(boot_hart, "hart_start(%u): error %ld", k, r.error);
		return false;
	}
	st = hsm_status(k);
	if (st == SBI_HSM_STATE_START_PENDING)
		start_pending_seen++;
	else if (st != SBI_HSM_STATE_STARTED)
		fail(boot_hart, "vCPU %u: status %s (%ld) just after hart_start", k,
		     state_name(st), st);
	return true;
}

/* After start_one: the vCPU reached C with a0 = its hart id, a1 = our
 * opaque, and reports STARTED. */
static bool confirm_started(unsigned k, uint64_t run, uint64_t patience)
{
	if (!wait_until(&stats[k].checkin, run, patience)) {
		fail(boot_hart, "vCPU %u did not check in after hart_start", k);
		return false;
	}
	bool ok = true;
	if (stats[k].boot_a0 != k || stats[k].boot_a1 != stack_top(k)) {
		fail(boot_hart, "vCPU %u entered with a0 = %lu, a1 = %#lx", k,
		     (unsigned long)stats[k].boot_a0, (unsigned long)stats[k].boot_a1);
		ok = false;
	}
	long st = hsm_status(k);
	if (st != SBI_HSM_STATE_STARTED) {
		fail(boot_hart, "vCPU %u runs but its status is %s (%ld)", k, state_name(st), st);
		ok = false;
	}
	return ok;
}

/* Benchmark mode runs under -icount, where the hypervisor may give up on
 * a secondary hart that is merely slow to come up (its wait is shorter
 * than QEMU's 100 ms round-robin slice) and that hart, arriving later,
 * resets its vCPU to STOPPED, dropping a hart_start made in between. So
 * here a start that fell back to STOPPED is made again (and said). */
bool start_for_bench(unsigned k)
{
	for (unsigned try = 1; try <= 3; try++) {
		if (!start_one(k))
			return false;
		for (unsigned i = 0; i < 100; i++) { /* 1 s in 10 ms naps */
			nap(timebase_hz / 100);
			if (__atomic_load_n(&stats[k].checkin, __ATOMIC_ACQUIRE))
				return confirm_started(k, 1, seconds(1));
			if (hsm_status(k) == SBI_HSM_STATE_STOPPED)
				break;
		}
		say("smp: note: vCPU %u fell back to STOPPED after hart_start; starting "
		    "it again", k);
	}
	fail(boot_hart, "vCPU %u did not start", k);
	return false;
}

/* Start every other vCPU at once (more chance to see START_PENDING),
 * then wait for each to check in. */
bool start_secondaries(void)
{
	bool ok = true;
	uint64_t run[MAX_VCPUS] = { 0 };
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k)) {
			run[k] = stats[k].runs + 1;
			ok &= start_one(k);
		}
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k))
			ok &= confirm_started(k, run[k], seconds(5));
	return ok;
}

/* Stop vCPU k through its own hart_stop; poll its status until STOPPED. */
static bool stop_one(unsigned k)
{
	command(k, CMD_STOP, 0);
	if (!command_wait(k, "stop"))
		return false;
	uint64_t until = csr_read(CSR_TIME) + seconds(5);
	long st;
	while ((st = hsm_status(k)) != SBI_HSM_STATE_STOPPED) {
		if (st == SBI_HSM_STATE_STOP_PENDING)
			stop_pending_seen++;
		else if (st != SBI_HSM_STATE_STARTED) {
			fail(boot_hart, "vCPU %u: status %s (%ld) while stopping", k,
			     state_name(st), st);
			return false;
		}
		if (csr_read(CSR_TIME) > until) {
			fail(boot_hart, "vCPU %u still %s 5 s after hart_stop", k,
			     state_name(st));
			return false;
		}
		/* Do not flood the trace with status calls: wait 20 us. */
		uint64_t t = csr_read(CSR_TIME) + timebase_hz / 50000, now;
		do
			now = csr_read(CSR_TIME);
		while (now < t);
	}
	return true;
}

/* Non-retentive suspend ("Function: Hart suspend"): the hart resumes at
 * resume_addr with the MMU off, a0 = its hart id and a1 = opaque, as if
 * started; here that is secondary_entry with its own stack top, so it
 * runs secondary_main again. It wakes on its own timer, 1 ms ahead. */
void suspend_nonret(unsigned me)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + timebase_hz / 1000,
		 0, 0);
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
				   SBI_HSM_SUSPEND_NON_RET_DEFAULT,
				   (uintptr_t)secondary_entry, stack_top(me));
	fail(me, "non-retentive suspend returned: error %ld", r.error);
	for (;;)
		__asm__ volatile("wfi");
}

/* vCPU k suspends non-retentively and comes back through secondary_entry
 * with a0 = k and a1 = its stack top, STARTED (one more run). */
static bool suspend_and_resume(unsigned k)
{
	uint64_t run = stats[k].runs + 1;
	command(k, CMD_SUSPEND_NONRET, 0);
	if (!confirm_started(k, run, seconds(5)))
		return false;
	say("smp: hsm: vCPU %u resumed from non-retentive suspend (run %lu) with a0 = %lu, "
	    "a1 = its stack top, status STARTED", k, (unsigned long)stats[k].runs,
	    (unsigned long)stats[k].boot_a0);
	return true;
}

/* Stop every secondary, check all STOPPED, restart one, see it answer
 * pings, suspend it non-retentively, stop it again. */
bool hsm_stop_restart(unsigned *stops, unsigned *restarts)
{
	bool ok = true;
	unsigned k = boot_hart == 1 ? 2 : 1; /* the one restarted */
	command(k, CMD_RESET_PREP, 0);
	ok &= command_wait(k, "reset prep");
	for (unsigned j = 0; j < nvcpus; j++)
		if (is_secondary(j)) {
			bool s = stop_one(j);
			ok &= s;
			*stops += s;
		}
	for (unsigned j = 0; j < nvcpus; j++)
		if (is_secondary(j) && hsm_status(j) != SBI_HSM_STATE_STOPPED) {
			fail(boot_hart, "vCPU %u is not STOPPED after the stop phase", j);
			ok = false;
		}
	long st = hsm_status(boot_hart);
	if (st != SBI_HSM_STATE_STARTED) {
		fail(boot_hart, "own status %s (%ld), want STARTED", state_name(st), st);
		ok = false;
	}
	if (!ok)
		return false;

	reset_poison(k);
	uint64_t run = stats[k].runs + 1;
	if (!start_one(k) || !confirm_started(k, run, seconds(5)))
		return false;
	if (stats[k].runs != 2) {
		fail(boot_hart, "vCPU %u: run %lu after the restart, want 2", k,
		     (unsigned long)stats[k].runs);
		ok = false;
	}
	/* Running again: it answers pings. */
	pingpong_mode = true;
	uint64_t replies0 = stats[k].replies;
	ok &= ping_pong(k, PP_RESTART_ROUNDS);
	pingpong_mode = false;
	if (stats[k].replies - replies0 != PP_RESTART_ROUNDS) {
		fail(boot_hart, "restarted vCPU %u replied %lu times, want %u", k,
		     (unsigned long)(stats[k].replies - replies0), PP_RESTART_ROUNDS);
		ok = false;
	}
	say("smp: hsm: vCPU %u restarted (run %lu), answered %u pings, status STARTED", k,
	    (unsigned long)stats[k].runs, PP_RESTART_ROUNDS);
	command(k, CMD_RESET_CHECK, 0);
	ok &= command_wait(k, "reset check");
	ok &= suspend_and_resume(k);
	ok &= stop_one(k);
	*restarts += ok;
	return ok;
}

