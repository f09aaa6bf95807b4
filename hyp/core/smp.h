/*
 * Several harts: bringing up the secondary harts through the firmware's
 * SBI HSM, and the requests harts send each other (a mailbox per vCPU,
 * rung with a physical IPI: the firmware's SBI IPI raises the target
 * hart's supervisor software interrupt).
 */
#ifndef HYP_SMP_H
#define HYP_SMP_H

#include "vcpu.h"

/* Mailbox requests (bits of vcpu->mailbox). */
#define MB_VSSIP (1u << 0)	 /* raise the guest's software interrupt */
#define MB_FENCE_I (1u << 1)	 /* fence.i on that hart */
#define MB_HFENCE_VVMA (1u << 2) /* flush the guest's VS-stage TLB */
#define MB_VSEIP (1u << 3)	 /* apply vcpu->vseip_level to hvip.VSEIP */
#define MB_START (1u << 4)	 /* HSM hart_start: look at hsm_state */
#define MB_STOP_VM (1u << 5)	 /* the VM is stopping: park */
/* The same flush as MB_HFENCE_VVMA, asked by a remote sfence.vma with an
 * ASID: a bit of its own only so that the SBI PMU can count it as
 * SFENCE_VMA_ASID_RECEIVED, not SFENCE_VMA_RECEIVED. */
#define MB_HFENCE_VVMA_ASID (1u << 6)
#define MB_VVMA_ANY (MB_HFENCE_VVMA | MB_HFENCE_VVMA_ASID)
_Static_assert(MB_HFENCE_VVMA_ASID < (1u << VCPU_MB_BITS), "vcpu.h: VCPU_MB_BITS");
/* Requests counted one by one as they are posted (vcpu->mb_posted), for
 * the SBI PMU's *_RECEIVED events. */
#define MB_COUNTED (MB_VSSIP | MB_FENCE_I | MB_VVMA_ANY)
/* A mailbox bit's index in vcpu->mb_posted: for a constant bit, folded
 * at compile time (at run time it would be a libgcc call: no Zbb). */
#define MB_INDEX(bit) ((unsigned)__builtin_ctz(bit))

/* Start every other hart listed in the FDT. Returns how many slots, from
 * slot 0 on without a gap, have a hart in the hypervisor: the most vCPUs
 * the guest can have. The harts wait until smp_release_secondaries. */
unsigned smp_start_secondaries(void);

/* The VM exists: let the secondary harts take their vCPUs. */
void smp_release_secondaries(void);

/* How many harts reached the hypervisor (the boot hart included). */
unsigned smp_harts_up(void);

/* Post `bits` to vCPU t's mailbox and ring its hart. */
void smp_request(struct vcpu *t, uint32_t bits);

/* Post a fence request to t and wait until t has done it; false when t
 * did not answer within 5 s. */
bool smp_request_fence(struct vcpu *self, struct vcpu *t, uint32_t bits);
/* Only the fence requests in v's mailbox, drained and done, each counted
 * done after it (lib/fence_count.h): v running on this hart now, or
 * switched out on it (its HFENCE.VVMA then waits for its hgatp, at its
 * switch-in). The other requests stay. */
void smp_take_fences(struct vcpu *v, bool running);

/* Only the fences in v's mailbox, and those of the vCPUs switched out on
 * its hart: what a hart busy for long (a trace dump, waiting for one)
 * still does, so that a remote fence asked of it meanwhile (the guest's
 * SBI RFENCE on another hart, which waits for it) is answered at once.
 * The other requests stay in the mailbox for its next exit. */
void smp_serve_fences(struct vcpu *v);

/* Handle this vCPU's mailbox (its hart got an IPI or is polling); on a
 * time-shared hart also look at its switched-out vCPUs' (sched_poll). */
void smp_handle_mailbox(struct vcpu *v);

/* Stop every other vCPU of the VM and wait (bounded) until they park. */
void smp_stop_others(struct vcpu *v, bool all_vms);

/* Park this hart for good (its vCPU stopped and the VM is stopping). */
void smp_park(struct vcpu *v) __attribute__((noreturn));

/* A stopped vCPU waits here until HSM hart_start, then enters the guest. */
void vcpu_wait_for_start(struct vcpu *v) __attribute__((noreturn));

/* The first vCPU of hart slot i (slot 0 is the boot hart), whose
 * structure the hart uses from its first instruction on. */
struct vcpu *vcpu_of_slot(unsigned slot);

/* The hart slot vCPU v runs on; 0 for anything that is not a vCPU yet
 * (tp before the hypervisor set it). */
unsigned vcpu_slot_of(const struct vcpu *v);

#endif
