/*
 * The few places outside hyp/sbi where the SBI extensions learn what the
 * hypervisor did for a vCPU: PMU firmware events and STA steal time.
 * Each hook costs one load and one branch when its extension is off.
 */
#ifndef HYP_SBI_HOOKS_H
#define HYP_SBI_HOOKS_H

#include "../core/vcpu.h"

/* sbi_pmu.c: count firmware events of a successful SBI call, an
 * exception given to the guest, requests from other harts (MB_* bits). */
void sbi_pmu_count_call(struct vcpu *v, unsigned long eid);
void sbi_pmu_count_exception(struct vcpu *v, uint64_t cause);
void sbi_pmu_count_mailbox(struct vcpu *v, uint32_t bits);
/* ... and a request (an IPI, a remote fence) sent to another vCPU: the
 * *_SENT firmware event `event`. */
void sbi_pmu_count_sent(struct vcpu *v, unsigned event);
/* sbi_pmu_hw.c: a virtual-instruction exit at `insn` that reads the
 * guest's virtual cycle or instret: emulated (true), or not such a read. */
bool sbi_pmu_counter_read(struct vcpu *v, uint32_t insn);

/* sbi_sta.c: an exit begins / the guest is about to be entered again. */
void sbi_sta_exit(struct vcpu *v);
void sbi_sta_entry(struct vcpu *v);
/* A time-shared hart (hyp/core/sched.c) switched v out at the end of its
 * slice (the `preempted` flag), or switches in v, which was ready for
 * `ticks` while another vCPU had the hart (steal time). */
void sbi_sta_preempted(struct vcpu *v);
/* ... and its firmware FWFT setting follows the vCPU that runs. */
void sbi_fwft_switch(const struct vcpu *from, const struct vcpu *to);
/* ... and the virtual cycle and instret started through SBI PMU count
 * only the turns of their own vCPU (sbi_pmu_hw.c). */
void sbi_pmu_switch(struct vcpu *from, struct vcpu *to);
void sbi_sta_stolen(struct vcpu *v, uint64_t ticks);
/* SUSP system_suspend: the STA area is not written while the guest
 * sleeps (hold), and gets the steal counted meanwhile as it resumes. */
void sbi_sta_hold(struct vcpu *v, bool hold);

/* sbi_vcpu.c: the extensions' per-vCPU state at vCPU setup, and at a
 * hart reset (HSM hart_start), each on the vCPU's own hart. */
void sbi_vcpu_init(struct vcpu *v);
void sbi_vcpu_reset(struct vcpu *v);
void sbi_fwft_init(struct vcpu *v);
void sbi_fwft_reset(struct vcpu *v);
void sbi_sta_reset(struct vcpu *v);

static inline void sbi_hook_call(struct vcpu *v, unsigned long eid)
{
	if (__builtin_expect(v->sbi.pmu_fw_active != 0, 0))
		sbi_pmu_count_call(v, eid);
}

static inline void sbi_hook_exception(struct vcpu *v, uint64_t cause)
{
	if (__builtin_expect(v->sbi.pmu_fw_active != 0, 0))
		sbi_pmu_count_exception(v, cause);
}

static inline void sbi_hook_mailbox(struct vcpu *v, uint32_t bits)
{
	if (__builtin_expect(v->sbi.pmu_fw_active != 0, 0))
		sbi_pmu_count_mailbox(v, bits);
}

static inline void sbi_hook_sent(struct vcpu *v, unsigned event)
{
	if (__builtin_expect(v->sbi.pmu_fw_active != 0, 0))
		sbi_pmu_count_sent(v, event);
}

static inline void sbi_hook_exit(struct vcpu *v)
{
	if (__builtin_expect(v->sbi.sta != 0, 0))
		sbi_sta_exit(v);
}

static inline void sbi_hook_entry(struct vcpu *v)
{
	if (__builtin_expect(v->sbi.sta != 0, 0))
		sbi_sta_entry(v);
}

#endif
