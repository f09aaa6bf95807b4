/*
 * What a time-shared hart saves of the vCPU it leaves and loads for the
 * vCPU it enters (hyp/core/sched.c), beyond the GPRs and trap CSRs every
 * exit saves anyway (struct vcpu, trap.S):
 *
 * - the VS CSRs, which "substitute for the normal supervisor CSRs" while
 *   V=1 ("Hypervisor and Virtual Supervisor CSRs"): vsstatus, vsie (which
 *   hie's VS bits alias), vstvec, vsscratch, vsepc, vscause, vstval,
 *   vsatp, vstimecmp with Sstc ("Virtual Supervisor Timer"), and
 *   vsiselect with the AIA's Ssaia, which VS-mode reaches as siselect
 *   whether or not the guest's ISA names Ssaia (no hstateen hides it);
 * - the hypervisor CSRs that hold per-vCPU choices: hvip (the interrupts
 *   injected), hgatp (the VM's G-stage root and VMID), hedeleg (FWFT
 *   moves misaligned traps), henvcfg (FWFT's PTE A/D updates),
 *   hcounteren (the SBI PMU takes cycle/instret away);
 * - the supervisor CSRs that have no VS copy, which "hypervisor software
 *   is expected to manually swap": senvcfg and scounteren;
 * - the floating-point registers and fcsr, and the vector registers with
 *   vstart, vl, vtype and vcsr when the guest is offered V: the
 *   hypervisor itself never uses either, so on a dedicated hart they
 *   simply stay the guest's.
 */
#ifndef HYP_VCPU_STATE_H
#define HYP_VCPU_STATE_H

#include "hyp.h"

struct vcpu_state {
	uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	uint64_t vstimecmp;
	uint64_t vsiselect;
	uint64_t hvip, hgatp, hedeleg, henvcfg, hcounteren;
	uint64_t senvcfg, scounteren;
	uint64_t f[32];
	uint64_t fcsr;
	uint64_t vcsr[4];	/* vstart, vl, vtype, vcsr */
	void *vregs;		/* 32 * vlenb bytes, allocated at placement */
};

struct vcpu;

/* Decide once, before any vCPU runs, what a switch must save: FP when the
 * hart has F or D, the vector unit when the guest is offered V. */
void vcpu_state_probe(void);

/* Give a vCPU of a time-shared hart room for its vector registers. */
void vcpu_state_alloc(struct vcpu *v);

/* Save the hart's state into v->state (v was running on this hart). */
void vcpu_state_save(struct vcpu *v);

/* Load v->state into the hart; hgatp is v's VM's. `flush_gstage`: the
 * VMs cannot be told apart by VMID, so cached translations of the one
 * that ran before must go (HFENCE.GVMA and HFENCE.VVMA, all). */
void vcpu_state_load(struct vcpu *v, bool flush_gstage);

/* Flush every guest translation the hart caches for the VMID in hgatp
 * and all G-stage ones. */
void vcpu_state_flush_tlb(void);

/* A vCPU's first run on its hart: its FP and vector registers and their
 * CSRs start at zero, vsiselect too, scounteren and senvcfg as the
 * firmware gave them (vcpu_init()). */
void vcpu_state_reset(void);

/* hyp/arch/switch.S */
void fp_save(uint64_t f[32], uint64_t *fcsr);
void fp_load(const uint64_t f[32], const uint64_t *fcsr);
void vec_save(void *vregs, uint64_t vcsr[4]);
void vec_load(const void *vregs, const uint64_t vcsr[4]);
void vec_zero(void);
uint64_t vec_vlenb(void);

#endif
