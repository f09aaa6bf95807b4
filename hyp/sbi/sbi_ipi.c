/*
 * SBI IPI extension (EID "sPI"): send_ipi raises the supervisor software
 * interrupt of each target vCPU, which the guest sees as its SSIP: the
 * hypervisor sets hvip.VSSIP ("Hypervisor Interrupt Registers"), and the
 * guest clears it by writing its own sip.SSIP.
 */
#include <tracevisor/sbi_ids.h>

#include "../core/smp.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "sbi.h"
#include "sbi_hooks.h"

/* Raise VSSIP on vCPU `target`: directly in this hart's hvip for itself,
 * else through the target hart's mailbox and a physical IPI (smp.c). */
void sbi_ipi_raise(struct vcpu *v, struct vcpu *target)
{
	if (target != v) {
		smp_request(target, MB_VSSIP);
		return;
	}
	csr_set(CSR_HVIP, MIP_VSSIP);
	trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_SOFT, csr_read(CSR_HVIP), true);
}

static void ipi_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			struct sbiret *ret)
{
	(void)eid;
	uint64_t targets;
	if (fid != SBI_IPI_SEND_IPI) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	ret->error = sbi_hart_mask(v, sbi_arg(v, 0), sbi_arg(v, 1), &targets);
	if (ret->error)
		return;
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		if (!(targets & (1ULL << i)))
			continue;
		if (v->vm->vcpus[i] != v) /* PMU: "Sent IPI to other hart" */
			sbi_hook_sent(v, SBI_PMU_FW_IPI_SENT);
		sbi_ipi_raise(v, v->vm->vcpus[i]);
	}
}

const struct sbi_ext sbi_ext_ipi = {
	.name = "IPI", .handler = ipi_handler,
};
