/*
 * The SBI extensions' per-vCPU state (sbi_vcpu.h) at vCPU setup and at a
 * hart reset, which for a vCPU is HSM hart_start ("Hart State Management
 * Extension": a hart started anew). Each runs on the vCPU's own hart.
 */
#include "sbi_base.h"
#include "sbi_hooks.h"
#include "sbi_pmu.h"

void sbi_vcpu_init(struct vcpu *v)
{
	(void)pmu_hw_offered(); /* probed at boot, not inside an exit */
	for (unsigned fid = 0; sbi_base_is_constant(fid); fid++)
		v->base_answer[fid].value = (uint64_t)sbi_base_constant(fid).value;
	sbi_fwft_init(v);
	sbi_sta_reset(v);
}

/* FWFT's local features and their locks, and STA's registration. The PMU
 * keeps its counters: its chapter says nothing of a hart reset, and a
 * guest that brings a hart up stops and reconfigures them (Linux does). */
void sbi_vcpu_reset(struct vcpu *v)
{
	sbi_fwft_reset(v);
	sbi_sta_reset(v);
}
