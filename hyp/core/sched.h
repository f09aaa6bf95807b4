/*
 * Time-shared harts: a round-robin scheduler for the vCPUs of several
 * VMs placed on one hart (tv.vmN=...,harts:S; README "Several VMs").
 *
 * Each vCPU is a hypervisor thread with a stack of its own. A hart that
 * serves one vCPU (a dedicated hart, static partitioning) never enters
 * the scheduler: every call below then costs a load and a branch, and a
 * wait is the hart's own wfi. A hart that serves several switches between
 * them at three kinds of points, all in the hypervisor and never with a
 * lock held:
 *  - the time slice (tv.slice, ms) ended while another vCPU is ready:
 *    after an interrupt exit (sched_preempt), driven by the HS timer;
 *  - the running vCPU waits (WFI, HSM stopped or suspended, SBI system
 *    suspend): sched_wait runs another ready vCPU, or idles the hart;
 *  - the running vCPU's VM stopped: sched_leave.
 * A switch writes a TV_KIND_SWITCH record, saves and loads what
 * vcpu_state.h lists, and continues the other vCPU's thread where it
 * stopped (hyp/arch/switch.S).
 */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include "options.h"
#include "vcpu.h"

/* vcpu->sched */
enum { SCHED_READY = 0, SCHED_WAITING = 1, SCHED_GONE = 2 };

/* What ends a wait (sched_wait): a request from another hart (mailbox),
 * or that and an interrupt the guest enabled or one of its deadlines. */
#define SCHED_WAKE_REQ 1u
#define SCHED_WAKE_IRQ 3u

/* The vCPUs of one hart slot. */
struct hart_rq {
	struct vcpu *v[MAX_VMS];
	unsigned n;
	struct vcpu *cur;	/* the vCPU whose state the hart holds */
	uint64_t turn_start;	/* when cur was switched in */
	uint64_t slice_end;	/* switch at this time, ~0 = no one waits for the hart */
	/* The VM whose guest last ran on this hart under each VMID (VMIDs
	 * are 0 or a VM's id + 1, vm.c): the TLB may hold its translations
	 * under that VMID, which a switch to another VM with the same VMID
	 * must flush, whatever VM ran in between (sched_switch). */
	const struct vm *vmid_last[MAX_VMS + 1];
	/* What a switch costs (make bench reads it through the test device):
	 * instructions the hart retired from the decision to switch to the
	 * incoming vCPU's thread running again, the last and the fewest. */
	uint64_t switch_t0, switch_last, switch_min, switches;
};

/* At boot: can the switch cost be counted (instret readable)? */
void sched_probe(void);

/* Placement (boot hart, before any guest runs): v's thread will run on
 * hart slot `slot` with its own stacks. */
void sched_place(struct vcpu *v, unsigned slot, uint64_t stack_top, uint64_t fault_top);
unsigned sched_slot_count(unsigned slot); /* vCPUs placed on it so far */
struct hart_rq *sched_rq(unsigned slot);

static inline bool sched_shared(const struct vcpu *v)
{
	return v->shared; /* one byte: a dedicated hart's exits test only this */
}

/* v is entered for the first time on its hart (vcpu_run). */
void sched_turn_start(struct vcpu *v);

/* Instead of wfi: wait until `wake` (SCHED_WAKE_*) may have happened,
 * running the hart's other vCPUs meanwhile. May return early; callers
 * check their own condition again, as after wfi. */
void sched_wait(struct vcpu *v, unsigned wake);

/* v stops for good: the hart serves its other vCPUs, or idles. */
void sched_leave(struct vcpu *v) __attribute__((noreturn));

/* After an interrupt exit was handled on a time-shared hart: another
 * vCPU's turn if the slice is over and one is ready. */
void sched_preempt(struct vcpu *v);

/* A vCPU switched out on this hart (t->rq == by->rq, t != by) is stopped
 * by the hart itself, running `by`: it never runs again. */
void sched_drop(struct vcpu *t, struct vcpu *by);

/* The vCPUs on v's hart that are switched out: their deadlines and
 * wake-ups (timer.c, sched.c). */
void sched_poll(struct vcpu *v);
/* Only the fences asked of the vCPUs switched out on v's hart (a hart
 * busy with something long, a trace dump, still answers them). */
void sched_take_fences(struct vcpu *v);

/* The HS timer's deadline for v's whole hart: the slice end and the
 * deadlines of every vCPU on it (timer_vcpu_deadline). */
uint64_t sched_deadline(const struct vcpu *v);

#endif
