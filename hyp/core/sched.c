/*
 * The round-robin scheduler of time-shared harts (what and why: sched.h).
 *
 * Everything here runs on the hart that owns the run queue: a vCPU's
 * scheduling state, its saved CSRs and its thread are touched by that
 * hart only. Other harts reach a vCPU only through its mailbox (smp.c),
 * whose IPI makes this hart look at the switched-out vCPUs (sched_poll).
 */
#include "sched.h"

#include <tracevisor/trace_record.h>

#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "console.h"
#include "platform.h"
#include "smp.h"
#include "timer.h"
#include "vm.h"

#define NEVER (~0ULL)

static struct hart_rq rqs[MAX_HARTS];

/* hyp/arch/switch.S */
void ctx_switch(struct sched_ctx *from, struct sched_ctx *to, struct vcpu *to_vcpu);
extern char sched_thread_entry[];

void sched_place(struct vcpu *v, unsigned slot, uint64_t stack_top, uint64_t fault_top)
{
	struct hart_rq *rq = &rqs[slot];
	rq->v[rq->n++] = v;
	v->rq = rq;
	v->slot = slot;
	v->hart = platform.hart_id[slot];
	v->hyp_sp = stack_top;
	v->fault_sp = fault_top;
	v->sched = SCHED_READY;
	timer_clear(v); /* no deadline until its thread sets them up */
	/* A thread that never ran starts at sched_thread_entry on its own
	 * stack (the first vCPU of a slot is started by the hart itself). */
	v->ctx.ra = (uint64_t)(uintptr_t)sched_thread_entry;
	v->ctx.sp = stack_top;
	if (rq->n > 1) {
		vcpu_state_alloc(v);
		v->shared = 1;
	}
	if (rq->n == 2) {
		vcpu_state_alloc(rq->v[0]);
		rq->v[0]->shared = 1;
	}
}

unsigned sched_slot_count(unsigned slot)
{
	return slot < MAX_HARTS ? rqs[slot].n : 0;
}

struct hart_rq *sched_rq(unsigned slot)
{
	return &rqs[slot];
}

static uint64_t slice_ticks(void)
{
	return opt.slice_ms * (platform.timebase_hz / 1000);
}

/* Another vCPU than v that may run. */
static bool others_ready(const struct hart_rq *rq, const struct vcpu *v)
{
	for (unsigned i = 0; i < rq->n; i++)
		if (rq->v[i] != v && rq->v[i]->sched == SCHED_READY)
			return true;
	return false;
}

/* The next ready vCPU after v, round robin; NULL if none but v. */
static struct vcpu *pick_next(const struct hart_rq *rq, const struct vcpu *v)
{
	unsigned at = 0;
	while (at < rq->n && rq->v[at] != v)
		at++;
	for (unsigned k = 1; k <= rq->n; k++) {
		struct vcpu *w = rq->v[(at + k) % rq->n];
		if (w != v && w->sched == SCHED_READY)
			return w;
	}
	return NULL;
}

/* A turn starts: the slice runs only while someone waits for the hart
 * (a lone ready vCPU is not interrupted for nothing). */
static void turn_begin(struct hart_rq *rq, struct vcpu *v, uint64_t now)
{
	rq->cur = v;
	rq->turn_start = now;
	rq->slice_end = others_ready(rq, v) ? now + slice_ticks() : NEVER;
}

/* vm's guest runs on the hart from now on, under its VMID: true when the
 * TLB may hold another VM's translations under that VMID, which must be
 * flushed first. Not only the VM switched from counts: with VM A on VMID
 * 0, B on VMID 1 and C on VMID 0 (too few VMID bits for a VMID each,
 * vm.c), the switch B -> C finds A's entries tagged VMID 0, which nothing
 * flushed at A -> B. hgatp's VMID is what tells translations apart, and
 * "if a VMID is reused, it may be necessary to execute an HFENCE.GVMA
 * instruction" ("Hypervisor Guest Address Translation and Protection
 * Register"); the VS-stage entries are the VMID's too ("An HFENCE.VVMA
 * instruction applies only to a single virtual machine, identified by the
 * setting of hgatp.VMID"). */
static bool vmid_enter(struct hart_rq *rq, const struct vm *vm)
{
	if (vm->vmid >= ARRAY_SIZE(rq->vmid_last))
		return true; /* (not a VMID vm.c gives: flush, to be safe) */
	const struct vm *last = rq->vmid_last[vm->vmid];
	rq->vmid_last[vm->vmid] = vm;
	return last && last != vm;
}

void sched_turn_start(struct vcpu *v)
{
	if (!sched_shared(v))
		return;
	/* Only the hart's first vCPU starts a turn here: a switch began the
	 * turn of any other (sched_switch), and a vCPU that enters its guest
	 * anew (HSM start, a non-retentive resume) without a switch goes on
	 * with the turn it had, which its next SWITCH record counts whole. */
	if (v->rq->cur != v)
		turn_begin(v->rq, v, csr_read(CSR_TIME));
	vmid_enter(v->rq, v->vm); /* the hart's first vCPU: no switch brought it */
	timer_rearm(v);
}

/* Interrupts a switched-out vCPU has pending and enabled, from its saved
 * state: hip's VS bits are hvip's, and VSTIP also when vstimecmp has
 * passed ("Sstc"); vsie's SSIE/STIE/SEIE sit one bit below hie's
 * VSSIE/VSTIE/VSEIE ("Virtual Supervisor Interrupt Registers"). */
static uint64_t saved_pending(const struct vcpu *w, uint64_t now)
{
	uint64_t hip = w->state.hvip;
	if (platform.has_sstc && w->state.vstimecmp <= now + opt.htimedelta)
		hip |= MIP_VSTIP;
	return hip & (w->state.vsie << 1) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
}

/* Would the wfi of switched-out vCPU w have returned by now? */
static bool wake_due(const struct vcpu *w, uint64_t now)
{
	if (__atomic_load_n(&w->mailbox, __ATOMIC_ACQUIRE))
		return true;
	if (w->wait_for != SCHED_WAKE_IRQ)
		return false;
	return w->timer_host <= now || w->alarm_next <= now || saved_pending(w, now);
}

/* Fences asked of a switched-out vCPU are done at once, so the asking
 * hart need not wait for its turn: fence.i acts on the whole hart, and
 * its VS-stage flush (HFENCE.VVMA for the VMID in hgatp, which is
 * another VM's now) is done when it is switched in, before it runs. */
void sched_take_fences(struct vcpu *v)
{
	struct hart_rq *rq = v->rq;
	if (!sched_shared(v))
		return;
	for (unsigned i = 0; i < rq->n; i++)
		if (rq->v[i] != v && rq->v[i]->sched != SCHED_GONE)
			smp_take_fences(rq->v[i], false);
}

void sched_poll(struct vcpu *v)
{
	struct hart_rq *rq = v->rq;
	if (!sched_shared(v))
		return;
	uint64_t now = csr_read(CSR_TIME);
	for (unsigned i = 0; i < rq->n; i++) {
		struct vcpu *w = rq->v[i];
		if (w == v || w->sched == SCHED_GONE)
			continue;
		smp_take_fences(w, false); /* (sched_take_fences says why) */
		/* Its VM stops: it stops here and now, as fences are taken.
		 * Waiting until it is switched in would leave the stop to
		 * whatever this hart does next, and a vCPU that holds the
		 * hart in a loop that never switches (stop_begin, waiting
		 * for the stop in progress to finish) would keep the vCPU
		 * that stop waits for from ever parking. */
		if (__atomic_load_n(&w->mailbox, __ATOMIC_ACQUIRE) & MB_STOP_VM) {
			sched_drop(w, v);
			continue;
		}
		if (w->sched == SCHED_WAITING && wake_due(w, now)) {
			w->sched = SCHED_READY;
			w->ready_since = now;
		}
	}
	/* Someone waits for the hart now: the running vCPU's slice counts
	 * from its turn's start, so one that ran alone for long yields at
	 * once. */
	if (rq->slice_end == NEVER && others_ready(rq, v)) {
		uint64_t end = rq->turn_start + slice_ticks();
		rq->slice_end = end > now ? end : now;
	}
}

uint64_t sched_deadline(const struct vcpu *v)
{
	const struct hart_rq *rq = v->rq;
	/* The slice matters only while v runs and another vCPU is ready: a
	 * passed slice end with no one to switch to would keep the timer
	 * pending (a wait would spin on it). */
	uint64_t d = v->sched == SCHED_READY && others_ready(rq, v) ? rq->slice_end : NEVER;
	for (unsigned i = 0; i < rq->n; i++) {
		const struct vcpu *w = rq->v[i];
		if (w->sched == SCHED_GONE)
			continue;
		uint64_t t = timer_vcpu_deadline(w, w == v);
		if (t < d)
			d = t;
	}
	return d;
}

/* The record of a switch, written by the hart as it leaves `from`. */
static void trace_switch(struct vcpu *from, struct vcpu *to, unsigned why, uint64_t ran,
			 bool flush)
{
	trace_flush(from); /* an exit still open is written before */
	if (TRACE_ON(TV_KIND_SWITCH))
		trace_write(from, TV_KIND_SWITCH, 0, to->vm_id, to->id, why, ran, to->vm->hgatp,
			    flush);
}

/* instret, where the firmware lets HS-mode read it (mcounteren.IR,
 * probed at boot by sched_probe), else 0. */
int hart_can_read_instret(void); /* hyp/arch/csr_try.S */
static bool instret_readable;

void sched_probe(void)
{
	instret_readable = hart_can_read_instret();
}

static uint64_t instret_now(void)
{
	return instret_readable ? csr_read(CSR_INSTRET) : 0;
}

/* Back on the hart: what came for it meanwhile. */
static void switched_in(struct vcpu *v)
{
	struct hart_rq *rq = v->rq;
	rq->switch_last = instret_now() - rq->switch_t0;
	if (!rq->switch_min || rq->switch_last < rq->switch_min)
		rq->switch_min = rq->switch_last;
	rq->switches++;
	timer_watchdog_refresh(v); /* it made no exit while out: not a stall */
	/* (and the others' mailboxes: a request for another vCPU of this
	 * hart, posted after the switching one last polled, must not wait
	 * for the next interrupt exit, which a guest spinning on MMIO may
	 * not make for seconds) */
	smp_handle_mailbox(v);
	timer_rearm(v);
	trace_watermark(v); /* also with tracing off (trace.h) */
}

/* Leave `from` (the running vCPU) for `to` (a ready one); returns when
 * some later switch picks `from` again. */
static void sched_switch(struct vcpu *from, struct vcpu *to, unsigned why)
{
	struct hart_rq *rq = from->rq;
	rq->switch_t0 = instret_now();
	uint64_t now = csr_read(CSR_TIME);
	/* Two VMs with one VMID (too few VMID bits, or tv.vmids=off) cannot
	 * keep their translations apart in the TLB: the one switched in
	 * flushes what the other left under it, also when a VM with another
	 * VMID ran in between (vmid_enter). */
	bool flush = vmid_enter(rq, to->vm);
	trace_switch(from, to, why, now - rq->turn_start, flush);
	from->switches++;
	if (why == TV_SWITCH_SLICE)
		sbi_sta_preempted(from);
	vcpu_state_save(from);
	sbi_fwft_switch(from, to);
	sbi_pmu_switch(from, to);
	if (to->thread_started) {
		vcpu_state_load(to, flush);
	} else {
		/* its first run loads its own state (vcpu_init); vsatp goes
		 * first, as in vcpu_state_load, and its hgatp before the
		 * flush: HFENCE.VVMA acts on the VMID in hgatp, which must be
		 * the one it shares (from's may be another) */
		csr_write(CSR_VSATP, 0);
		if (flush) {
			csr_write(CSR_HGATP, to->vm->hgatp);
			vcpu_state_flush_tlb();
		}
	}
	if (to->ready_since && to->wait_for == SCHED_WAKE_IRQ) {
		/* ready since it woke, kept from the hart by others: stolen
		 * (not for a hart being started: it was not runnable) */
		sbi_sta_stolen(to, now - to->ready_since);
	}
	to->ready_since = 0;
	turn_begin(rq, to, now);
	/* sstatus is this thread's: the ecall's return does not restore it
	 * (hyp/arch/trap.S), and the other thread's sret changes it. */
	uint64_t sstatus = csr_read(CSR_SSTATUS);
	ctx_switch(&from->ctx, &to->ctx, to);
	csr_write(CSR_SSTATUS, sstatus);
	switched_in(from);
}

/* A thread's first run on its hart (hyp/arch/switch.S). */
void sched_thread_main(struct vcpu *v) __attribute__((noreturn));
void sched_thread_main(struct vcpu *v)
{
	vcpu_init(v, v->vm, v->id, v->hart);
	smp_handle_mailbox(v);
	if (__atomic_load_n(&v->hsm_state, __ATOMIC_ACQUIRE) == SBI_HSM_STATE_STARTED)
		vcpu_run(v);
	vcpu_wait_for_start(v);
}

void sched_preempt(struct vcpu *v)
{
	struct hart_rq *rq = v->rq;
	sched_poll(v);
	if (csr_read(CSR_TIME) >= rq->slice_end) {
		struct vcpu *next = pick_next(rq, v);
		if (next)
			sched_switch(v, next, TV_SWITCH_SLICE);
		else
			rq->slice_end = NEVER;
	}
	timer_rearm(v);
}

/* The hart's own events while it idles or waits with v loaded: its
 * timer (every vCPU's deadlines) and requests (the mailboxes). SSIP is
 * cleared before the mailboxes are read, so a request posted after it
 * raises SSIP again (smp.c). */
static void idle_events(struct vcpu *v)
{
	if (csr_read(CSR_SIP) & MIP_STIP)
		timer_interrupt(v);
	csr_clear(CSR_SIP, MIP_SSIP);
	sched_poll(v);
}

/* Would v's own wfi have returned (v is loaded: read the CSRs)? Its
 * own deadline passed with the HS timer pending counts: the caller goes
 * back to the guest and takes the timer as an exit, as after a wfi on a
 * hart of its own (the exit STA and the trace then see). */
static bool own_wake(const struct vcpu *v, unsigned wake)
{
	if (__atomic_load_n(&v->mailbox, __ATOMIC_ACQUIRE))
		return true;
	if (wake != SCHED_WAKE_IRQ)
		return false;
	uint64_t now = csr_read(CSR_TIME);
	return (csr_read(CSR_HIP) & csr_read(CSR_HIE)) || now >= v->alarm_next ||
	       ((csr_read(CSR_SIP) & MIP_STIP) && timer_vcpu_deadline(v, true) <= now);
}

void sched_wait(struct vcpu *v, unsigned wake)
{
	if (!sched_shared(v)) {
		__asm__ volatile("wfi");
		return;
	}
	v->sched = SCHED_WAITING;
	v->wait_for = (uint8_t)wake;
	for (;;) {
		csr_clear(CSR_SIP, MIP_SSIP); /* before the mailboxes are read */
		sched_poll(v);
		if (own_wake(v, wake))
			break;
		if (csr_read(CSR_SIP) & MIP_STIP) {
			/* another vCPU's deadline: its wake-up, and re-arm */
			timer_interrupt(v);
			continue;
		}
		struct vcpu *next = pick_next(v->rq, v);
		if (next) {
			sched_switch(v, next, TV_SWITCH_WAIT);
			break; /* picked again: something came for it */
		}
		__asm__ volatile("wfi");
	}
	v->sched = SCHED_READY;
	v->ready_since = 0;
	/* The loop cleared SSIP: what it announced is handled here, as the
	 * interrupt exit after a wfi would have. A vCPU that woke here may
	 * have to share the hart from now on: its slice is armed. */
	smp_handle_mailbox(v);
	timer_rearm(v);
}

/* A vCPU of the hart that is not gone (other than v), or NULL. */
static struct vcpu *live_other(const struct hart_rq *rq, const struct vcpu *v)
{
	for (unsigned i = 0; i < rq->n; i++)
		if (rq->v[i] != v && rq->v[i]->sched != SCHED_GONE)
			return rq->v[i];
	return NULL;
}

/* Gone v's hart goes on with the machine ticks v carries (its own, or
 * those of a vCPU it dropped, sched_drop): a vCPU of the hart that is not
 * gone takes them, and the hart's timer counts them from now on; with
 * none left, nothing will run here again and the hart serves them
 * itself. */
static void pass_ticks(struct vcpu *v)
{
	struct vcpu *heir = live_other(v->rq, v);
	if (!heir)
		timer_serve_parked(v);
	if (timer_hand_over(v, heir))
		timer_rearm(v);
}

void sched_leave(struct vcpu *v)
{
	v->sched = SCHED_GONE;
	timer_park(v); /* none of its own deadlines matter any more */
	for (;;) {
		idle_events(v);
		pass_ticks(v); /* (after each poll: a drop may hand them to v) */
		struct vcpu *next = pick_next(v->rq, v);
		if (next)
			sched_switch(v, next, TV_SWITCH_STOP); /* never picked again */
		__asm__ volatile("wfi");
	}
}

void sched_drop(struct vcpu *t, struct vcpu *by)
{
	t->sched = SCHED_GONE;
	/* It never runs again, and a vCPU gone is no longer timed: the
	 * machine ticks it may carry go on with a vCPU of the hart that is
	 * not gone, else with `by`, whose sched_leave serves them (by is
	 * gone: it drops t from there). */
	struct vcpu *heir = live_other(t->rq, t);
	if (timer_hand_over(t, heir ? heir : by))
		timer_rearm(by);
	/* as smp_park: its guest's unfinished line goes out (its open exit
	 * was written when it was switched out, trace_switch) */
	console_stream_flush(&t->console);
	__atomic_store_n(&t->hsm_state, SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
	__atomic_store_n(&t->parked, 1, __ATOMIC_RELEASE);
}
