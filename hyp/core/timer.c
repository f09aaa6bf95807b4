#include "timer.h"

#include "../mmio/mmio.h"
#include "sched.h"
#include "smp.h"
#include "../sbi/firmware.h"
#include "../trace/trace.h"
#include "options.h"
#include "progress.h"
#include "platform.h"
#include "trace_wire.h"
#include "vm.h"

#define NEVER (~0ULL)

bool timer_guest_has_sstc(void)
{
	return platform.has_sstc && opt.timer != TIMER_SBI;
}

/* Program the hypervisor's own supervisor timer (host time base). */
static void hs_timer_arm(uint64_t when)
{
	if (platform.has_sstc)
		csr_write(CSR_STIMECMP, when);
	else
		fw_set_timer(when);
}

/*
 * What SBI set_timer leaves in vstimecmp under tv.timer=auto while its
 * deadline is the HS timer's: a time that never comes, one below all
 * ones. On a hart with Sstc the firmware's set_timer writes stimecmp,
 * so a later stimecmp write of the guest's replaces the SBI deadline
 * ("Supervisor Timer Register"), and all ones, the cancel Linux's
 * clockevent shutdown writes, must replace it too: any other value
 * found there when the deadline passes is such a write (raise_vstip).
 * A guest that writes exactly this value is taken for one that did not
 * write; it never fires either way.
 */
#define VSTIMECMP_SBI_DEADLINE (NEVER - 1)

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The HS timer serves a vCPU's deadlines: the guest's (SBI set_timer),
 * the hypervisor's own watchdog tick, the console input poll, the
 * progress line and the periodic dump (boot hart only) and a system
 * suspend's alarm. On a
 * time-shared hart a switched-out vCPU also needs its hart back when its
 * own VS timer (vstimecmp, in guest time) passes, if it waits for it:
 * only the running vCPU's vstimecmp raises anything in hardware. */
/* Guest time `when` (time + htimedelta, modulo 2^64: "Hypervisor Time
 * Delta Register") as host time: 0 when it has passed. A guest clock
 * behind the host's (htimedelta "negative") is as valid as one ahead,
 * but then its last deadlines before 2^64 lie beyond the host's: never
 * (the sum would wrap to a time passed, and fire at once, forever). */
static uint64_t guest_to_host(uint64_t when)
{
	uint64_t now = csr_read(CSR_TIME), guest_now = now + opt.htimedelta;
	if (when <= guest_now)
		return 0;
	uint64_t ahead = when - guest_now;
	return ahead > NEVER - now ? NEVER : now + ahead;
}

/* Of a switched-out vCPU, only what would end its wait counts: the
 * system suspend's alarm while it sleeps (it clears the alarm once it
 * runs), and its own stimecmp only while it waits with STIE set, which
 * alone wakes its wfi ("Wait for Interrupt"): a passed deadline that
 * wakes no one would keep the HS timer firing at whoever runs. */
static inline uint64_t vcpu_deadline(const struct vcpu *v, bool loaded)
{
	uint64_t d = earliest(earliest(v->timer_host, v->input_poll_next), v->machine_next);
	if (loaded)
		return earliest(earliest(d, v->alarm_next), v->watchdog_next);
	if (v->sched != SCHED_WAITING)
		return d;
	d = earliest(d, v->alarm_next);
	if (platform.has_sstc && v->state.vstimecmp < VSTIMECMP_SBI_DEADLINE &&
	    (v->state.vsie & MIP_STIP) /* vsie.STIE */)
		d = earliest(d, guest_to_host(v->state.vstimecmp));
	return d;
}

uint64_t timer_vcpu_deadline(const struct vcpu *v, bool loaded)
{
	return vcpu_deadline(v, loaded);
}

/* Arm the HS timer for the earliest deadline of the hart. */
static inline void rearm(struct vcpu *v)
{
	hs_timer_arm(__builtin_expect(sched_shared(v), 0) ? sched_deadline(v)
							   : vcpu_deadline(v, true));
}

void timer_rearm(struct vcpu *v)
{
	rearm(v);
}

/* A system suspend's wake-up alarm (sbi_susp.c): the HS timer also fires
 * at `when` (NEVER: back to the other deadlines). */
void timer_arm_alarm(struct vcpu *v, uint64_t when)
{
	v->alarm_next = when;
	rearm(v);
}

/* The console input poll (tv.input_poll): the guest waits in WFI for
 * input with the UART's receive interrupt enabled, and nothing but a poll
 * can tell the hypervisor a key was typed (the firmware's console has no
 * interrupt). Fire the HS timer at `when` to poll. */
void timer_arm_input_poll(struct vcpu *v, uint64_t when)
{
	v->input_poll_next = when;
	rearm(v);
}

/* A period of ms milliseconds in host time-base ticks. */
static uint64_t ms_period(uint64_t ms)
{
	return ms * (platform.timebase_hz / 1000);
}

static uint64_t watchdog_period(void)
{
	return ms_period(opt.watchdog_ms);
}

/* tv.progress and tv.dump_every speak for the whole machine: one vCPU
 * ticks them, once every ms (0: never), the carrier: the boot hart's
 * first vCPU, until it leaves its time-shared hart for good and hands
 * them to a vCPU that stays there (timer_hand_over). */
static struct vcpu *tick_carrier; /* NULL: vcpu_of_slot(0) */

static bool carries_ticks(const struct vcpu *v)
{
	const struct vcpu *c = __atomic_load_n(&tick_carrier, __ATOMIC_ACQUIRE);
	return v == (c ? c : vcpu_of_slot(0));
}

/* A machine tick's deadline as the carrier's timer is set up: the one it
 * has, kept (a carrier started again through HSM, or handed the ticks
 * before its thread first ran, goes on with them), else a period from
 * now; never for any other vCPU, or with the option off. */
static uint64_t machine_first(const struct vcpu *v, uint64_t kept, uint64_t ms)
{
	if (!ms || !carries_ticks(v))
		return NEVER;
	return kept != NEVER ? kept : csr_read(CSR_TIME) + ms_period(ms);
}

/* v's own deadlines "never" (no CSR): all but the machine-wide ticks it
 * may carry, which outlive its runs (timer_park, timer_init). */
static void clear_own(struct vcpu *v)
{
	v->timer_host = NEVER;
	v->watchdog_next = NEVER;
	v->input_poll_next = NEVER;
	v->alarm_next = NEVER;
}

void timer_clear(struct vcpu *v)
{
	clear_own(v);
	v->progress_next = NEVER;
	v->dump_next = NEVER;
	v->machine_next = NEVER;
}

void timer_init(struct vcpu *v)
{
	clear_own(v);
	v->watchdog_next = opt.watchdog_ms ? csr_read(CSR_TIME) + watchdog_period() : NEVER;
	v->watchdog_exits = v->exits;
	v->progress_next = machine_first(v, v->progress_next, opt.progress_ms);
	v->dump_next = machine_first(v, v->dump_next, opt.dump_every_ms);
	v->machine_next = earliest(v->progress_next, v->dump_next);
	csr_write(CSR_HTIMEDELTA, opt.htimedelta);
	if (platform.has_sstc) {
		/* vstimecmp compares against the guest's time (time +
		 * htimedelta); all ones never fires. */
		csr_write(CSR_VSTIMECMP, NEVER);
	}
	rearm(v);
	csr_set(CSR_SIE, MIP_STIP);
}

/* The guest's VS timer interrupt, pending before, was lowered by the
 * hypervisor: the trace says so, as it said it was raised (raise_vstip),
 * whichever of hip.VSTIP's two sources held it, hvip.VSTIP or a passed
 * vstimecmp ("Hypervisor Interrupt Registers": hip.VSTIP is their OR). */
static void trace_vstip_lowered(struct vcpu *v)
{
	trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, csr_read(CSR_HVIP), false);
}

/* SBI set_timer(when): `when` is in the guest's time base. Per the SBI
 * specification the call also clears the pending timer interrupt. What
 * was pending is read from hip, not hvip: with Sstc offered the interrupt
 * the HS timer's exit raised is a vstimecmp of 0 (raise_vstip), and the
 * call lowers it as much as an hvip.VSTIP. */
void timer_set_guest(struct vcpu *v, uint64_t when)
{
	bool pending = csr_read(CSR_HIP) & MIP_VSTIP;
	if (pending)
		csr_clear(CSR_HVIP, MIP_VSTIP);
	if (platform.has_sstc) {
		if (opt.timer == TIMER_SSTC) {
			csr_write(CSR_VSTIMECMP, when);
			/* still pending if `when` has passed as well
			 * (guest_to_host() says 0 then) */
			if (pending && guest_to_host(when))
				trace_vstip_lowered(v);
			return;
		}
		/* tv.timer=auto offers the guest Sstc too: a stimecmp it set
		 * in the past raises VSTIP through vstimecmp, which the call
		 * must clear as well; the deadline is the HS timer's from now
		 * on, whose exit raises the interrupt and records it
		 * (raise_vstip). VSTIMECMP_SBI_DEADLINE, never as well,
		 * until then tells that exit whether the guest wrote its
		 * stimecmp since. (Under tv.timer=sbi, henvcfg.STCE=0:
		 * vstimecmp raises nothing, and the write does no harm.) */
		csr_write(CSR_VSTIMECMP, VSTIMECMP_SBI_DEADLINE);
	}
	if (pending)
		trace_vstip_lowered(v);
	v->timer_host = when == NEVER ? NEVER : guest_to_host(when);
	rearm(v);
}

/*
 * The watchdog tick: the hypervisor gets control on its own timer even
 * from a guest that never exits. A vCPU that made no exit since the last
 * tick (this tick's own exit aside) is reported once per stall, with its
 * PC, and the trace is dumped so far.
 */
static void watchdog_tick(struct vcpu *v, uint64_t now)
{
	bool stalled = v->exits - v->watchdog_exits <= 1;
	v->watchdog_exits = v->exits;
	v->watchdog_next = now + watchdog_period();
	if (!stalled) {
		v->watchdog_reported = false;
		return;
	}
	if (v->watchdog_reported)
		return;
	v->watchdog_reported = true;
	hyp_log("%swatchdog: vCPU %u made no exit in %llu ms; it runs at pc %#llx\n",
		v->vm->prefix, v->id, (unsigned long long)opt.watchdog_ms, (unsigned long long)v->sepc);
	trace_dump(TV_DUMP_WATCHDOG);
}

/* The guest's SBI deadline passed: raise its timer interrupt, in the
 * hart's CSRs for the running vCPU, in the saved ones for a switched-out
 * vCPU (loaded with it, sched.c). Through hvip.VSTIP when the guest has
 * no Sstc. With Sstc offered (tv.timer=auto) through vstimecmp = 0: on a
 * hart with Sstc the firmware's set_timer writes stimecmp, so the call
 * and the guest's stimecmp writes are one register, and the guest's next
 * write lowers the interrupt ("Supervisor Timer Register"), which it
 * could not do to hvip.VSTIP. A stimecmp the guest wrote after the call
 * (vstimecmp no longer the VSTIMECMP_SBI_DEADLINE set_timer left, all
 * ones included) replaced the deadline: nothing is raised. */
static void raise_vstip(struct vcpu *v, bool loaded)
{
	uint64_t hvip;
	if (timer_guest_has_sstc()) {
		uint64_t cmp = loaded ? csr_read(CSR_VSTIMECMP) : v->state.vstimecmp;
		if (cmp != VSTIMECMP_SBI_DEADLINE)
			return;
		if (loaded)
			csr_write(CSR_VSTIMECMP, 0);
		else
			v->state.vstimecmp = 0;
		hvip = loaded ? csr_read(CSR_HVIP) : v->state.hvip;
		trace_irq_how(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, hvip, TV_IRQ_RAISED_VSTIMECMP);
		return;
	}
	if (loaded) {
		csr_set(CSR_HVIP, MIP_VSTIP);
		hvip = csr_read(CSR_HVIP);
	} else {
		hvip = v->state.hvip |= MIP_VSTIP;
	}
	trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, hvip, true);
}

/* The machine-wide ticks (boot hart's first vCPU only), out of line: the
 * timer path of every other exit pays one compare for both. */
static __attribute__((noinline)) void machine_tick(struct vcpu *v, uint64_t now)
{
	if (v->progress_next <= now) {
		progress_report();
		v->progress_next = now + ms_period(opt.progress_ms);
	}
	if (v->dump_next <= now) {
		trace_dump_periodic();
		/* from the dump's end: a dump longer than the period (a slow
		 * console, a full ring) leaves the guest a period to run */
		v->dump_next = csr_read(CSR_TIME) + ms_period(opt.dump_every_ms);
	}
	v->machine_next = earliest(v->progress_next, v->dump_next);
}

/* The deadlines of vCPU v that have passed. The watchdog watches only a
 * vCPU that runs: one switched out makes no exit and does not stall. */
static inline __attribute__((always_inline)) void timer_due(struct vcpu *v, uint64_t now,
							   bool loaded)
{
	if (v->timer_host <= now) {
		v->timer_host = NEVER;
		raise_vstip(v, loaded);
	}
	if (loaded && v->watchdog_next <= now)
		watchdog_tick(v, now);
	if (v->input_poll_next <= now) {
		v->input_poll_next = NEVER;
		uart_poll_input(v); /* a byte raises the UART's PLIC line */
	}
	if (v->machine_next <= now)
		machine_tick(v, now);
}

/* On a time-shared hart: the deadlines of every vCPU on it, whose
 * wake-ups sched_poll then sees. Out of line: a dedicated hart's timer
 * exit does not pay for it. */
static __attribute__((noinline)) void timer_interrupt_shared(struct vcpu *v, uint64_t now)
{
	struct hart_rq *rq = v->rq;
	for (unsigned i = 0; i < rq->n; i++)
		if (rq->v[i]->sched != SCHED_GONE)
			timer_due(rq->v[i], now, rq->v[i] == v);
	sched_poll(v);
}

/* The HS timer fired: the deadlines of the running vCPU (and on a
 * time-shared hart of the others). */
void timer_interrupt(struct vcpu *v)
{
	uint64_t now = csr_read(CSR_TIME);
	if (__builtin_expect(sched_shared(v), 0))
		timer_interrupt_shared(v, now);
	else
		timer_due(v, now, true);
	rearm(v);
}

/* A suspended vCPU (SBI SUSP system suspend, HSM retentive or
 * non-retentive suspend) makes no exit because its guest asked to sleep,
 * not because it hangs: the watchdog is off until it runs again
 * (timer_watchdog_resume), and then counts a whole period afresh. */
void timer_watchdog_pause(struct vcpu *v)
{
	v->watchdog_next = NEVER;
	rearm(v);
}

/* Switched in again on a time-shared hart: the time it was out is not a
 * stall (a paused watchdog stays paused). */
void timer_watchdog_refresh(struct vcpu *v)
{
	if (v->watchdog_next == NEVER)
		return;
	v->watchdog_next = csr_read(CSR_TIME) + watchdog_period();
	v->watchdog_exits = v->exits;
}

void timer_watchdog_resume(struct vcpu *v)
{
	if (!opt.watchdog_ms)
		return;
	v->watchdog_next = csr_read(CSR_TIME) + watchdog_period();
	v->watchdog_exits = v->exits;
	v->watchdog_reported = false;
	rearm(v);
}

/* v stops running: its own deadlines "never", no VS timer interrupt
 * pending (hvip.VSTIP) or to come (vstimecmp all ones never fires); the
 * machine ticks it may carry stay. */
static void park_own(struct vcpu *v)
{
	bool pending = csr_read(CSR_HIP) & MIP_VSTIP;
	clear_own(v);
	csr_clear(CSR_HVIP, MIP_VSTIP);
	if (platform.has_sstc)
		csr_write(CSR_VSTIMECMP, NEVER);
	/* An HSM stop lowers what the trace said was raised; a vCPU parked
	 * for good (its VM stopped: smp_park, sched_drop) adds nothing after
	 * the exit its stop recorded last. */
	if (pending && !__atomic_load_n(&v->parked, __ATOMIC_ACQUIRE))
		trace_vstip_lowered(v);
}

/* A vCPU that is not running (stopped, never started): nothing may wake
 * its hart but a request from another hart, and the machine-wide ticks
 * it carries (tv.progress, tv.dump_every: carries_ticks), which its
 * hart goes on ticking while it waits (timer_waiting_tick): "nothing a guest does may hide what the
 * hypervisor records", and a guest that stops that vCPU (SBI HSM
 * hart_stop) while its others run on would otherwise stop the live dump
 * of what they do, whose records the rings then overwrite (hostile=
 * tickstop, tests/system/test_trace_trust.sh). Its SBI timer and the
 * watchdog are disarmed (with the HS timer at "never", sip.STIP clears:
 * Sstc's stimecmp, or SBI set_timer, which also clears the pending
 * interrupt), and a VS timer it programmed itself is moot until it runs. */
void timer_park(struct vcpu *v)
{
	park_own(v);
	rearm(v);
}

/*
 * v is parked for good (its VM stopped while others run on) and its hart
 * has nothing else to run: the hart serves the machine-wide ticks v may
 * carry (tv.progress, tv.dump_every) and nothing else, forever, so that
 * one VM's stop does not end the live dump of the VMs that run on; else
 * it sleeps with every interrupt masked. v's own deadlines are gone
 * (as timer_park's); the HS timer is armed here, once, for the ticks
 * alone: on a time-shared hart the scheduler no longer counts a vCPU
 * that left (sched_deadline), and no other vCPU of the hart remains.
 */
void timer_serve_parked(struct vcpu *v)
{
	park_own(v);
	hs_timer_arm(v->machine_next);
	csr_write(CSR_SIE, v->machine_next != NEVER ? MIP_STIP /* STIE */ : 0);
	for (;;) {
		__asm__ volatile("wfi");
		if (csr_read(CSR_SIP) & MIP_STIP) {
			machine_tick(v, csr_read(CSR_TIME));
			hs_timer_arm(v->machine_next);
		}
	}
}

/* The machine-wide ticks pass from a vCPU leaving its time-shared hart
 * for good to another of that hart (sched_leave, sched_drop): both are
 * this hart's, so no other hart reads the deadlines meanwhile. Whether
 * from carried them (the caller re-arms the hart's timer). */
bool timer_hand_over(struct vcpu *from, struct vcpu *to)
{
	if (!carries_ticks(from))
		return false;
	__atomic_store_n(&tick_carrier, to, __ATOMIC_RELEASE);
	to->progress_next = earliest(to->progress_next, from->progress_next);
	to->dump_next = earliest(to->dump_next, from->dump_next);
	to->machine_next = earliest(to->progress_next, to->dump_next);
	from->progress_next = from->dump_next = from->machine_next = NEVER;
	return true;
}

/* A hart whose vCPU waits to be started, woken: the machine-wide ticks
 * timer_park kept, when due; whether the HS timer was what woke it. (On
 * a time-shared hart the wait itself serves the timer, sched_wait.) */
bool timer_waiting_tick(struct vcpu *v)
{
	if (!(csr_read(CSR_SIP) & MIP_STIP))
		return false;
	timer_interrupt(v);
	return true;
}

