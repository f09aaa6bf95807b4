/*
 * SBI Hart State Management extension (EID "HSM"): start, stop, status
 * and suspend of the guest's vCPUs, with the states of the SBI
 * specification ("Hart State Management Extension"). Each vCPU has its own
 * hart; a stopped vCPU's hart waits in the hypervisor (smp.c).
 */
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../core/sched.h"
#include "../core/smp.h"
#include "../core/timer.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "sbi.h"

/* Internal: hart_start has claimed the vCPU but not yet published where
 * it starts (reported to the guest as START_PENDING). */
#define HSM_STATE_STARTING 0x100

static struct vcpu *vcpu_by_id(struct vcpu *v, unsigned long id)
{
	return id < v->vm->nvcpus ? v->vm->vcpus[id] : NULL;
}

/* Wait until the vCPU has an interrupt pending that it has enabled: a
 * retentive suspend ends for an interrupt ("Function: Hart suspend").
 * The hypervisor's own wfi wakes on any of them, whatever sstatus.SIE
 * says, and also for the hypervisor's own work, done here: requests from
 * other harts (which may raise the guest's IPI or external interrupt)
 * and the HS timer (which may raise its timer interrupt, or be only the
 * machine-wide ticks this vCPU carries, or its console input poll, none
 * a cause for the guest to resume). */
static void wait_for_interrupt(struct vcpu *v)
{
	for (;;) {
		smp_handle_mailbox(v);
		if (csr_read(CSR_SIP) & MIP_STIP)
			timer_interrupt(v);
		if (csr_read(CSR_HIP) & csr_read(CSR_HIE))
			return;
		sched_wait(v, SCHED_WAKE_IRQ); /* a shared hart runs others */
	}
}

static bool suspend_type_valid(uint32_t type)
{
	return type == SBI_HSM_SUSPEND_RET_DEFAULT ||
	       type == SBI_HSM_SUSPEND_NON_RET_DEFAULT;
}

/* Where a hart may start or resume ("Function: Hart start", "Function:
 * Hart suspend", "Function: System Suspend": SBI_ERR_INVALID_ADDRESS when
 * the address "is not a valid physical address" or execution there is
 * prohibited): an even address (sepc bit 0 is always zero, so an odd one
 * cannot be entered as given) whose first halfword - a 16-bit instruction
 * may be all there is - lies in guest RAM. */
bool sbi_entry_addr_valid(struct vcpu *v, unsigned long addr)
{
	return !(addr & 1) && vm_gpa_in_ram(v->vm, addr, 2);
}

/* hart_suspend's suspend_type is "32 bits wide" ("Function: Hart
 * suspend"), so only a0's low 32 bits are the type ("Binary Encoding":
 * 32-bit data uses only 32 bits). Reserved types and the platform-specific
 * ones (tracevisor implements none) are SBI_ERR_INVALID_PARAM. */
static long hart_suspend_check(struct vcpu *v, uint32_t type, unsigned long resume_addr)
{
	if (!suspend_type_valid(type))
		return SBI_ERR_INVALID_PARAM;
	if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT && !sbi_entry_addr_valid(v, resume_addr))
		return SBI_ERR_INVALID_ADDRESS;
	return SBI_SUCCESS;
}

/* Non-retentive suspend resumes like a hart start: at resume_addr in
 * VS-mode, a0 = hart id, a1 = opaque, with the guest's MMU off and its
 * interrupts disabled ("Function: Hart Suspend"). The call does not
 * return, so it is recorded now, as succeeded (a0 at resume holds the
 * hart id, not an error code), and the guest is entered directly. */
static __attribute__((noreturn)) void resume_at(struct vcpu *v, unsigned long fid,
						unsigned long addr, unsigned long opaque)
{
	trace_sbi(v, SBI_EXT_HSM, fid, SBI_SUCCESS, 0);
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE);
	vcpu_enter_at(v, addr, opaque);
}

/* hart_start: a STOPPED vCPU becomes START_PENDING and its hart, waiting
 * in vcpu_wait_for_start, enters the guest at start_addr. */
static long hart_start(struct vcpu *v, unsigned long id, unsigned long addr,
		       unsigned long opaque)
{
	struct vcpu *t = vcpu_by_id(v, id);
	if (!t)
		return SBI_ERR_INVALID_PARAM;
	if (!sbi_entry_addr_valid(v, addr))
		return SBI_ERR_INVALID_ADDRESS;
	/* Claim the vCPU first (STOPPED -> STARTING), then write where it
	 * starts, then publish START_PENDING: a concurrent failing call can
	 * never overwrite the arguments of a start under way. */
	uint32_t stopped = SBI_HSM_STATE_STOPPED;
	if (!__atomic_compare_exchange_n(&t->hsm_state, &stopped, HSM_STATE_STARTING,
					 false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return SBI_ERR_ALREADY_AVAILABLE;
	/* Counted up before it can run, by a vCPU that is itself up: the
	 * count cannot reach 0 while this start is under way. */
	__atomic_fetch_add(&v->vm->vcpus_up, 1, __ATOMIC_ACQ_REL);
	t->start_addr = addr;
	t->start_opaque = opaque;
	__atomic_store_n(&t->hsm_state, SBI_HSM_STATE_START_PENDING, __ATOMIC_RELEASE);
	smp_request(t, MB_START);
	return SBI_SUCCESS;
}

/* hart_stop: this vCPU stops; its hart waits for the next hart_start. The
 * last vCPU up stopping ends the guest. One count (vm->vcpus_up), taken
 * down by an atomic decrement, decides who is last: reading the other
 * vCPUs' states one by one could see vCPU 1 STOPPED, then miss that vCPU
 * 2 started it and stopped, and end a VM with a vCPU starting. The count
 * goes down before STOPPED is published: a guest that saw this vCPU
 * STOPPED (hart_get_status) and asks for a system suspend finds it gone
 * from the count too (sbi_susp.c). */
static __attribute__((noreturn)) void hart_stop(struct vcpu *v)
{
	unsigned up = __atomic_sub_fetch(&v->vm->vcpus_up, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
	if (up)
		vcpu_wait_for_start(v);
	vcpu_stop(v, TV_STOP_SHUTDOWN, 0, false);
}

static void hsm_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			struct sbiret *ret)
{
	(void)eid;
	struct vcpu *t;
	ret->error = SBI_SUCCESS;
	ret->value = 0;
	switch (fid) {
	case SBI_HSM_HART_START:
		ret->error = hart_start(v, sbi_arg(v, 0), sbi_arg(v, 1), sbi_arg(v, 2));
		return;
	case SBI_HSM_HART_STOP:
		trace_sbi(v, SBI_EXT_HSM, fid, SBI_SUCCESS, 0);
		hart_stop(v);
	case SBI_HSM_HART_GET_STATUS:
		t = vcpu_by_id(v, sbi_arg(v, 0));
		if (!t)
			ret->error = SBI_ERR_INVALID_PARAM;
		else {
			uint32_t st = __atomic_load_n(&t->hsm_state, __ATOMIC_ACQUIRE);
			ret->value = st == HSM_STATE_STARTING ? SBI_HSM_STATE_START_PENDING : st;
		}
		return;
	case SBI_HSM_HART_SUSPEND: {
		uint32_t type = (uint32_t)sbi_arg(v, 0);
		ret->error = hart_suspend_check(v, type, sbi_arg(v, 1));
		if (ret->error)
			return;
		v->hsm_state = SBI_HSM_STATE_SUSPENDED;
		timer_watchdog_pause(v); /* asleep on purpose: not a stall */
		wait_for_interrupt(v);
		timer_watchdog_resume(v);
		v->hsm_state = SBI_HSM_STATE_STARTED;
		if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT)
			resume_at(v, fid, sbi_arg(v, 1), sbi_arg(v, 2));
		return;
	}
	default:
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

const struct sbi_ext sbi_ext_hsm = {
	.name = "HSM", .handler = hsm_handler,
};
