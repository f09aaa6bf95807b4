/*
 * SBI Hart State Management extension (EID "HSM"): start, stop, status
 * and suspend of the guest's vCPUs, with the states of the SBI
 * specification ("Hart State Management Extension").
 */
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../core/vm.h"
#include "sbi.h"

static struct vcpu *vcpu_by_id(struct vcpu *v, unsigned long id)
{
	return id < v->vm->nvcpus ? v->vm->vcpus[id] : NULL;
}

/* Wait until the vCPU has an interrupt pending that it has enabled (the
 * hypervisor's own wfi wakes on any, whatever sstatus.SIE says). */
static void wait_for_interrupt(void)
{
	while (!(csr_read(CSR_HIP) & csr_read(CSR_HIE)) && !(csr_read(CSR_SIP) & MIP_STIP))
		__asm__ volatile("wfi");
}

static bool suspend_type_valid(unsigned long type)
{
	return type == SBI_HSM_SUSPEND_RET_DEFAULT ||
	       type == SBI_HSM_SUSPEND_NON_RET_DEFAULT;
}

/* Non-retentive suspend resumes like a hart start: at resume_addr in
 * VS-mode, a0 = hart id, a1 = opaque, with the guest's MMU off and its
 * interrupts disabled ("Function: Hart Suspend"); the caller puts the
 * hart id and opaque in a0 and a1. */
static void resume_at(struct vcpu *v, unsigned long addr)
{
	csr_write(CSR_VSATP, 0);
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE);
	v->sepc = addr - 4; /* sbi_handle_ecall steps over the ecall */
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
		t = vcpu_by_id(v, sbi_arg(v, 0));
		if (!t)
			ret->error = SBI_ERR_INVALID_PARAM;
		else if (!vm_gpa_to_hva(v->vm, sbi_arg(v, 1), 4))
			ret->error = SBI_ERR_INVALID_ADDRESS;
		else
			ret->error = SBI_ERR_ALREADY_AVAILABLE; /* every vCPU runs */
		return;
	case SBI_HSM_HART_STOP:
		/* The last running vCPU stopping ends the guest. */
		vcpu_stop(v, TV_STOP_SHUTDOWN, 0, false);
	case SBI_HSM_HART_GET_STATUS:
		t = vcpu_by_id(v, sbi_arg(v, 0));
		if (!t)
			ret->error = SBI_ERR_INVALID_PARAM;
		else
			ret->value = SBI_HSM_STATE_STARTED;
		return;
	case SBI_HSM_HART_SUSPEND: {
		unsigned long type = sbi_arg(v, 0);
		if (type > 0xFFFFFFFFUL || (!suspend_type_valid(type) &&
					    (type & 0x70000000UL) == 0)) {
			ret->error = SBI_ERR_INVALID_PARAM; /* reserved types */
			return;
		}
		if (!suspend_type_valid(type)) {
			ret->error = SBI_ERR_NOT_SUPPORTED; /* platform specific */
			return;
		}
		if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT &&
		    !vm_gpa_to_hva(v->vm, sbi_arg(v, 1), 4)) {
			ret->error = SBI_ERR_INVALID_ADDRESS;
			return;
		}
		wait_for_interrupt();
		if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT) {
			resume_at(v, sbi_arg(v, 1));
			/* sbi_handle_ecall puts these in a0 and a1. */
			ret->error = (long)v->id;
			ret->value = (long)sbi_arg(v, 2);
		}
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
