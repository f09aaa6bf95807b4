/*
 * SBI System Suspend extension (EID "SUSP", SBI v2.0): the guest's last
 * running vCPU puts the whole VM to sleep ("System Suspend Extension").
 *
 * SUSPEND_TO_RAM (sleep type 0) is the one sleep type: entry requires
 * every other vCPU to be STOPPED (else SBI_ERR_DENIED). The VM's RAM
 * stays as it is; the calling vCPU's hart waits until a wake-up event and
 * the vCPU resumes at resume_addr as a hart start would: satp = 0,
 * sstatus.SIE = 0, a0 = hart id, a1 = opaque ("SUSP System Resume
 * Register State"). The wake-up events of this platform are the guest's
 * own interrupts that it left enabled in sie: its timer (SBI set_timer or
 * Sstc's stimecmp), an IPI, an external interrupt; and, with
 * tv.suspend_alarm=MS, an alarm MS milliseconds after the suspend began
 * (the guest machine has no RTC to set one, so the hypervisor option plays
 * that part). The suspend is recorded in the trace as a SUSP.system_suspend
 * call that succeeded, and on the console with what woke it.
 */
#include <tracevisor/sbi_ids.h>

#include "../core/options.h"
#include "../core/platform.h"
#include "../core/sched.h"
#include "../core/smp.h"
#include "../core/timer.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "sbi.h"
#include "sbi_hooks.h"

#define NEVER (~0ULL)

/* Every other vCPU STOPPED: the VM's count of vCPUs up (sbi_hsm.c) is
 * this one alone. Only a vCPU that is up can start another, so the answer
 * stays true while this one suspends. */
static bool others_stopped(const struct vcpu *v)
{
	return __atomic_load_n(&v->vm->vcpus_up, __ATOMIC_ACQUIRE) == 1;
}

/* What woke the VM: the guest's pending and enabled interrupts (hip & hie:
 * hie's VS bits are the guest's sie), or the alarm. */
static const char *wake_reason(uint64_t pending)
{
	if (pending & MIP_VSTIP)
		return "its timer";
	if (pending & MIP_VSSIP)
		return "an IPI";
	if (pending & MIP_VSEIP)
		return "an external interrupt";
	return "the tv.suspend_alarm alarm";
}

/* Sleep until a wake-up event. The hypervisor's wfi wakes on any pending
 * interrupt that is enabled in sie or hie, whatever sstatus.SIE says. */
static const char *sleep_until_wakeup(struct vcpu *v)
{
	uint64_t alarm = opt.suspend_alarm_ms
				 ? csr_read(CSR_TIME) + opt.suspend_alarm_ms * (platform.timebase_hz / 1000)
				 : NEVER;
	const char *why;
	timer_arm_alarm(v, alarm);
	for (;;) {
		smp_handle_mailbox(v);
		/* The HS timer: the guest's SBI deadline (raised as VSTIP), the
		 * watchdog, or the alarm; timer_interrupt re-arms for the first
		 * two, so arm the alarm again after it. */
		if (csr_read(CSR_SIP) & MIP_STIP) {
			timer_interrupt(v);
			timer_arm_alarm(v, alarm);
		}
		uint64_t pending = csr_read(CSR_HIP) & csr_read(CSR_HIE);
		if (pending || csr_read(CSR_TIME) >= alarm) {
			why = wake_reason(pending);
			break;
		}
		sched_wait(v, SCHED_WAKE_IRQ); /* a shared hart runs others */
	}
	timer_arm_alarm(v, NEVER);
	return why;
}

static __attribute__((noreturn)) void suspend_to_ram(struct vcpu *v, unsigned long fid,
						     unsigned long addr, unsigned long opaque)
{
	/* The call does not return: record it now, as succeeded. */
	trace_sbi(v, SBI_EXT_SUSP, fid, SBI_SUCCESS, 0);
	uint64_t t0 = csr_read(CSR_TIME);
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_SUSPENDED, __ATOMIC_RELEASE);
	timer_watchdog_pause(v); /* asleep on purpose: not a stall */
	sbi_sta_hold(v, true); /* (a time-shared hart may wake it to no end) */
	const char *why = sleep_until_wakeup(v);
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	sbi_sta_hold(v, false);
	uint64_t us = (csr_read(CSR_TIME) - t0) / (platform.timebase_hz / 1000000 ? platform.timebase_hz / 1000000 : 1);
	hyp_log("%svCPU %u: system suspend to RAM; woken by %s after %llu us, resuming at %#llx\n",
		v->vm->prefix, v->id, why, (unsigned long long)us, (unsigned long long)addr);
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE);
	timer_watchdog_resume(v); /* a whole period from the guest's resumption */
	vcpu_enter_at(v, addr, opaque);
}

static void susp_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	ret->value = 0;
	if (fid != SBI_SUSP_SYSTEM_SUSPEND) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* sleep_type is 32-bit: only a0's low 32 bits count ("Binary
	 * Encoding"). 1-0x7fffffff are reserved and 0x80000000 up are
	 * platform-specific, none implemented: SBI_ERR_INVALID_PARAM. */
	uint32_t type = (uint32_t)sbi_arg(v, 0);
	unsigned long addr = sbi_arg(v, 1);
	if (type != SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM) {
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* As HSM's: even (sepc bit 0 is always zero), its first halfword in
	 * guest RAM (the first instruction may be a 16-bit one). */
	if (!sbi_entry_addr_valid(v, addr)) {
		ret->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	if (!others_stopped(v)) {
		ret->error = SBI_ERR_DENIED; /* "unsatisfied entry criteria" */
		return;
	}
	suspend_to_ram(v, fid, addr, sbi_arg(v, 2));
}

const struct sbi_ext sbi_ext_susp = {
	.name = "SUSP", .handler = susp_handler,
};
