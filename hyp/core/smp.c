/*
 * Secondary harts and inter-hart requests.
 *
 * A hart serves the vCPUs main.c placed on its slot: one (a dedicated
 * hart), or several of different VMs in turn (sched.c); the boot hart is
 * slot 0. A hart asks another to do something on its behalf (raise the
 * guest's software interrupt, fence its TLB, start its vCPU, stop) by
 * setting bits in the target vCPU's mailbox with an atomic OR and then
 * sending a physical IPI through the firmware (SBI IPI). The target takes
 * it as a supervisor software interrupt: as a VM exit when its guest runs,
 * or by waking from wfi when it waits in the hypervisor; a vCPU switched
 * out on a time-shared hart finds its mailbox when it is switched in
 * (sched_poll wakes it). It clears sip.SSIP BEFORE swapping the mailbox to
 * zero, so a request posted between the two raises SSIP again and is
 * never lost.
 */
#include "smp.h"

#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../arch/hfence.h"
#include "../sbi/firmware.h"
#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "console.h"
#include "options.h"
#include "platform.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"

extern char secondary_entry[]; /* hyp/arch/entry.S */

/* Hart id of each slot, for a secondary hart that enters through the
 * cold-boot entry (hyp/arch/entry.S, late_secondary). Slot 0 never
 * matches (its entry is the boot hart's). */
uint32_t hart_slot_ids[MAX_HARTS] = { ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u };
void hart_context_init(struct vcpu *v, unsigned slot); /* main.c */

/* Ring hart `hartid`: an SBI IPI from the firmware beneath. */
static void send_ipi(unsigned hartid)
{
	fw_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0);
}

/* One more request of kind `bit` (a constant MB_* bit) posted to t. */
static inline void count_posted(struct vcpu *t, uint32_t bits, uint32_t bit)
{
	if (bits & bit)
		__atomic_fetch_add(&t->mb_posted[MB_INDEX(bit)], 1, __ATOMIC_RELAXED);
}

void smp_request(struct vcpu *t, uint32_t bits)
{
	/* each counted before its bit is set: the release orders the
	 * counts before the bit, so the drain that takes it (acquire)
	 * sees them */
	count_posted(t, bits, MB_VSSIP);
	count_posted(t, bits, MB_FENCE_I);
	count_posted(t, bits, MB_HFENCE_VVMA);
	count_posted(t, bits, MB_HFENCE_VVMA_ASID);
	_Static_assert(MB_COUNTED == (MB_VSSIP | MB_FENCE_I | MB_HFENCE_VVMA | MB_HFENCE_VVMA_ASID),
		       "smp_request counts each bit of MB_COUNTED");
	__atomic_fetch_or(&t->mailbox, bits, __ATOMIC_RELEASE);
	send_ipi(t->hart);
}

/* Wait at most this many timebase ticks (5 s) before declaring another
 * hart unresponsive. Not less: under QEMU on a busy host a request can
 * take over a second to reach a hart (an IPI is delivered under QEMU's
 * global lock, which console output to a slow pipe can hold); a remote
 * fence on QEMU 10 failed so once, its target's next exit 1.04 s late. */
static uint64_t patience(void)
{
	return 5 * platform.timebase_hz;
}

/* Let time pass for about 1 ms with wfi on our own timer, rather than spin:
 * under QEMU's -icount the harts share one thread, and a spinning hart
 * would keep the one it waits for from ever running. */
static void nap(void)
{
	uint64_t when = csr_read(CSR_TIME) + platform.timebase_hz / 1000;
	csr_set(CSR_SIE, MIP_STIP);
	if (platform.has_sstc)
		csr_write(CSR_STIMECMP, when);
	else
		fw_set_timer(when);
	__asm__ volatile("wfi");
	if (platform.has_sstc)
		csr_write(CSR_STIMECMP, ~0ULL);
	else
		fw_set_timer(~0ULL);
}

/* The fence kind (lib/fence_count.h) of mailbox bit MB_FENCE_I or
 * MB_HFENCE_VVMA(_ASID): both VS-stage bits are one kind, one flush. */
static unsigned fence_kind(uint32_t bit)
{
	return bit == MB_FENCE_I ? FENCE_KIND_I : FENCE_KIND_VVMA;
}

bool smp_request_fence(struct vcpu *self, struct vcpu *t, uint32_t bits)
{
	unsigned kind = fence_kind(bits);
	uint64_t ticket = fence_count_request(&t->fences, kind);
	smp_request(t, bits);
	uint64_t until = csr_read(CSR_TIME) + patience();
	/* While waiting, keep serving our own mailbox: the target may be
	 * waiting for us at the same time. */
	while (!fence_count_is_done(&t->fences, kind, ticket)) {
		/* (on a time-shared hart also the fences asked of its
		 * switched-out vCPUs: two SMP VMs on two shared harts may each
		 * wait here for a vCPU switched out on the other's hart) */
		smp_handle_mailbox(self);
		if (csr_read(CSR_TIME) > until) {
			hyp_log("%shart %u did not complete a remote fence for vCPU %u\n",
				t->vm->prefix, t->hart, t->id);
			return false;
		}
	}
	return true;
}

/* The fences of mailbox bits drained for v, each counted done after it
 * (lib/fence_count.h): v running on this hart now, or switched out on it
 * (its HFENCE.VVMA then waits for its hgatp, at its switch-in). */
static void smp_do_fences(struct vcpu *v, uint32_t bits, bool running)
{
	/* Each kind's count read after the drain, before its fence
	 * (lib/fence_count.h says why). */
	if (bits & MB_FENCE_I) {
		uint64_t req = fence_count_snapshot(&v->fences, FENCE_KIND_I);
		__asm__ volatile("fence.i" ::: "memory");
		fence_count_done(&v->fences, FENCE_KIND_I, req);
	}
	if (bits & MB_VVMA_ANY) {
		uint64_t req = fence_count_snapshot(&v->fences, FENCE_KIND_VVMA);
		if (running)
			hfence_vvma_all();
		else
			v->pending_vvma = 1; /* its hgatp is not loaded: at its switch-in */
		fence_count_done(&v->fences, FENCE_KIND_VVMA, req);
	}
}

void smp_take_fences(struct vcpu *v, bool running)
{
	const uint32_t fences = MB_FENCE_I | MB_VVMA_ANY;
	uint32_t bits = __atomic_fetch_and(&v->mailbox, ~fences, __ATOMIC_ACQUIRE) & fences;
	if (!bits)
		return;
	/* A request taken here (during a trace dump, or for a vCPU switched
	 * out on this hart) was still "received from other hart" (SBI PMU
	 * firmware events FENCE_I_RECEIVED, SFENCE_VMA_RECEIVED): counted as
	 * smp_handle_mailbox() counts the ones it drains. */
	sbi_hook_mailbox(v, bits);
	smp_do_fences(v, bits, running);
}

void smp_serve_fences(struct vcpu *v)
{
	smp_take_fences(v, true);
	sched_take_fences(v);
}

void smp_handle_mailbox(struct vcpu *v)
{
	/* SSIP is the hart's, and may have announced a request for a vCPU
	 * switched out on it: those mailboxes are read too (sched_poll), or
	 * such a vCPU would wait for the hart's next interrupt. */
	csr_clear(CSR_SIP, MIP_SSIP);
	if (sched_shared(v))
		sched_poll(v);
	uint32_t bits = __atomic_exchange_n(&v->mailbox, 0, __ATOMIC_ACQUIRE);
	if (!bits)
		return;
	if (bits & MB_STOP_VM)
		smp_park(v);
	sbi_hook_mailbox(v, bits); /* PMU firmware events */
	if (bits & MB_VSSIP) {
		csr_set(CSR_HVIP, MIP_VSSIP);
		trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_SOFT, csr_read(CSR_HVIP), true);
	}
	if (bits & MB_VSEIP) {
		bool on = __atomic_load_n(&v->vseip_level, __ATOMIC_ACQUIRE);
		if (on)
			csr_set(CSR_HVIP, MIP_VSEIP);
		else
			csr_clear(CSR_HVIP, MIP_VSEIP);
		trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_EXT, csr_read(CSR_HVIP), on);
	}
	smp_do_fences(v, bits, true);
}


void smp_park(struct vcpu *v)
{
	/* The exit it parks in (the stop IPI's, or an SBI call's that waited)
	 * is recorded: no entry will end it. This is v's own hart, whose
	 * ring it is. */
	trace_flush(v);
	console_stream_flush(&v->console); /* its guest's unfinished line */
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
	__atomic_store_n(&v->parked, 1, __ATOMIC_RELEASE);
	if (sched_shared(v))
		sched_leave(v); /* the hart's other vCPUs run on */
	timer_serve_parked(v); /* the machine ticks it carries, if any */
}

void smp_stop_others(struct vcpu *v, bool all_vms)
{
	unsigned first = all_vms ? 0 : v->vm->id;
	unsigned end = all_vms ? vm_count() : v->vm->id + 1;
	for (unsigned k = first; k < end; k++) {
		struct vm *vm = vm_by_id(k);
		for (unsigned i = 0; i < vm->nvcpus; i++) {
			struct vcpu *t = vm->vcpus[i];
			if (t == v)
				continue;
			if (t->rq == v->rq) /* switched out on this very hart */
				sched_drop(t, v);
			else
				smp_request(t, MB_STOP_VM);
		}
	}
	uint64_t until = csr_read(CSR_TIME) + patience();
	for (unsigned k = first; k < end; k++) {
		struct vm *vm = vm_by_id(k);
		for (unsigned i = 0; i < vm->nvcpus; i++) {
			struct vcpu *t = vm->vcpus[i];
			while (t != v && !__atomic_load_n(&t->parked, __ATOMIC_ACQUIRE)) {
				if (csr_read(CSR_TIME) > until) {
					hyp_log("%svCPU %u (hart %u) did not stop in 5 s; "
						"stopping without it\n", vm->prefix, t->id, t->hart);
					break;
				}
				if (sched_shared(v)) /* (as in smp_request_fence()) */
					sched_poll(v);
			}
		}
	}
}

/* Enter the guest on this hart as HSM hart_start asked: at start_addr in
 * VS-mode with a0 = hart id, a1 = opaque, the guest's MMU off
 * ("Function: Hart start"), as a hart reset (vcpu_hart_reset). Every
 * request posted before the start was published (its release store,
 * which the caller's acquire load saw) is drained first, so an IPI sent
 * to the STOPPED hart cannot slip past the reset into the new run. */
static void enter_started(struct vcpu *v) __attribute__((noreturn));
static void enter_started(struct vcpu *v)
{
	smp_handle_mailbox(v);
	vcpu_hart_reset(v); /* sstatus.SIE (vsstatus) 0, satp 0 (vcpu_enter_at) */
	timer_init(v); /* the watchdog again; no guest deadline yet */
	sbi_vcpu_reset(v); /* a hart reset for FWFT and STA */
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	vcpu_enter_at(v, v->start_addr, v->start_opaque);
}

void vcpu_wait_for_start(struct vcpu *v)
{
	/* Sleep, not spin: only SSIP (another hart's request) and the
	 * machine-wide ticks the vCPU may carry (timer_park) are left to
	 * wake this hart; its own timers are disarmed until the vCPU starts
	 * (enter_started arms them afresh with timer_init). */
	timer_park(v);
	csr_set(CSR_SIE, MIP_SSIP);
	for (;;) {
		smp_handle_mailbox(v);
		if (__atomic_load_n(&v->hsm_state, __ATOMIC_ACQUIRE) ==
		    SBI_HSM_STATE_START_PENDING)
			enter_started(v);
		sched_wait(v, SCHED_WAKE_REQ); /* a shared hart runs others */
		if (!timer_waiting_tick(v)) /* a tick is work, not idle */
			v->idle_wakeups++;
	}
}

/* Set by the boot hart once the VM exists and its vCPU count is final
 * (smp_release_secondaries); a secondary hart waits for it before it
 * takes its vCPU. */
static int vm_ready;

/* A secondary hart's first C code (hyp/arch/entry.S, a1 = its slot). */
void hyp_secondary_main(unsigned long hart, unsigned long slot)
{
	struct vcpu *v = vcpu_of_slot((unsigned)slot);
	hart_context_init(v, (unsigned)slot);
	if (v->no_h)
		hyp_log("hart %lu has no H extension: no vCPU runs on it\n", hart);
	__atomic_store_n(&v->alive, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&vm_ready, __ATOMIC_ACQUIRE))
		nap();
	if (!v->vm) /* no vCPU for this hart: it idles */
		smp_park(v);
	vcpu_init(v, v->vm, v->id, (unsigned)hart);
	if (v->id == 0) /* a VM's first vCPU starts with it (VMs after VM 0) */
		vcpu_run(v);
	/* hsm_state was set to STOPPED by the boot hart before it released
	 * us; the guest may already have moved it to START_PENDING. */
	vcpu_wait_for_start(v);
}

void smp_release_secondaries(void)
{
	__atomic_store_n(&vm_ready, 1, __ATOMIC_RELEASE);
}

unsigned smp_harts_up(void)
{
	unsigned up = 1;
	for (int i = 1; i < platform.nharts; i++)
		up += __atomic_load_n(&vcpu_of_slot((unsigned)i)->alive, __ATOMIC_ACQUIRE) != 0;
	return up;
}

/*
 * Wait for a hart we started to reach the hypervisor. How long that takes
 * depends on the host (a loaded machine, -icount's round-robin), so the
 * wait is not timed by our clock alone: the firmware's own view of the
 * hart decides. SBI HSM hart_get_status ("Function: Get HART Status")
 * says START_PENDING while "the SBI implementation is still working to
 * get the hart in the STARTED state", STARTED once it handed the hart to
 * us, STOPPED if the start failed. A note after 5 s says we are still
 * waiting. A hart the firmware keeps in START_PENDING for
 * PENDING_LIMIT_S never leaves it: the firmware lost it (OpenSBI 1.5's
 * fw_jump can strand a hart in its boot-hart lottery, docs/platforms.md).
 * A hart reported STARTED that stays silent is given ARRIVAL_LIMIT_S.
 */
#define PENDING_LIMIT_S 10
#define ARRIVAL_LIMIT_S 120

static bool wait_for_arrival(struct vcpu *v, unsigned long hart)
{
	uint64_t t0 = csr_read(CSR_TIME);
	bool noted = false;
	while (!__atomic_load_n(&v->alive, __ATOMIC_ACQUIRE)) {
		struct sbiret st = fw_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0);
		if (__atomic_load_n(&v->alive, __ATOMIC_ACQUIRE))
			break;
		long state = st.error ? -1L : (long)st.value;
		if (state == SBI_HSM_STATE_STOPPED) {
			hyp_log("hart %lu was started but the firmware reports it stopped; "
				"carrying on without it\n", hart);
			return false;
		}
		uint64_t waited = csr_read(CSR_TIME) - t0;
		if (!noted && waited > patience()) {
			hyp_log("hart %lu is slow to arrive (firmware: state %ld); still waiting\n",
				hart, state);
			noted = true;
		}
		if (state == SBI_HSM_STATE_START_PENDING &&
		    waited > PENDING_LIMIT_S * platform.timebase_hz) {
			hyp_log("hart %lu: the firmware accepted hart_start but has kept it "
				"START_PENDING for %d s; the firmware lost this hart, "
				"carrying on without it\n", hart, PENDING_LIMIT_S);
			return false;
		}
		if (waited > ARRIVAL_LIMIT_S * platform.timebase_hz) {
			hyp_log("hart %lu did not reach the hypervisor in %d s although the "
				"firmware started it; carrying on without it\n", hart,
				ARRIVAL_LIMIT_S);
			return false;
		}
		nap();
	}
	return true;
}

unsigned smp_start_secondaries(void)
{
	unsigned usable = 1; /* slot 0 and the slots after it that arrived */
	for (int i = 1; i < platform.nharts; i++)
		hart_slot_ids[i] = platform.hart_id[i];
	for (int i = 1; i < platform.nharts; i++) {
		struct vcpu *v = vcpu_of_slot((unsigned)i);
		struct sbiret r = fw_call(SBI_EXT_HSM, SBI_HSM_HART_START,
					  platform.hart_id[i],
					  (unsigned long)secondary_entry, (unsigned long)i);
		if (r.error)
			hyp_log("hart %u did not start: SBI HSM hart_start error %ld\n",
				platform.hart_id[i], r.error);
		else if (wait_for_arrival(v, platform.hart_id[i]) && !v->no_h &&
			 usable == (unsigned)i)
			usable++;
	}
	return usable;
}
