/*
 * SMP test guest: inter-processor interrupts through SBI IPI send_ipi.
 *
 * A message from vCPU s to vCPU t is a counter, sent[s][t], raised before
 * the IPI; t's software-interrupt handler clears sip.SSIP first and only
 * then compares each sent[s][t] with got[s][t], the messages it already
 * handled. So an IPI arriving while the handler runs raises SSIP again and
 * nothing is lost, and IPIs that merged into one interrupt (allowed: a
 * pending bit is a level, not a queue) still deliver every message. The
 * counts are exact: handled messages must equal sent ones, and while only
 * one IPI is outstanding per target (ping-pong) interrupts must equal
 * messages too.
 */
#include "smp_guest.h"

/* Beyond this many timebase ticks a reply is declared lost. */
#define REPLY_PATIENCE_S 2

long send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0).error;
}

/* Post one message from `me` to `t` (the caller sends the IPI). */
static void post(unsigned me, unsigned t)
{
	__atomic_store_n(&sent[me][t], sent[me][t] + 1, __ATOMIC_RELEASE);
}

/* Ping-pong reply: vCPU `me` answers each ping of the boot vCPU. */
static void reply(unsigned me, uint64_t n)
{
	for (; n; n--) {
		post(me, boot_hart);
		stats[me].replies++;
		long e = send_ipi(1UL << boot_hart, 0);
		if (e)
			fail(me, "reply send_ipi error %ld", e);
	}
}

/* Commands vCPU 0 posts in ctl[me].seq; the handler passes each on to
 * the command loop (main.c) once an interrupt has come after it. */
volatile uint64_t cmd_seen[MAX_VCPUS];

/* The software-interrupt handler of every vCPU (guest_trap). */
void ipi_handler(void)
{
	unsigned me = my_hart();
	struct vcpu_stats *st = &stats[me];
	/* Clear first: a message posted after this re-raises SSIP. */
	csr_clear(CSR_SIP, 1UL << IRQ_S_SOFT);
	st->irqs++;
	uint64_t fresh = 0;
	for (unsigned s = 0; s < nvcpus; s++) {
		uint64_t n = __atomic_load_n(&sent[s][me], __ATOMIC_ACQUIRE);
		uint64_t d = n - got[s][me];
		if (!d)
			continue;
		fresh += d;
		__atomic_store_n(&got[s][me], n, __ATOMIC_RELEASE);
		if (pingpong_mode && s == boot_hart && me != boot_hart)
			reply(me, d);
	}
	st->received += fresh;
	uint64_t q = __atomic_load_n(&ctl[me].seq, __ATOMIC_ACQUIRE);
	if (me != boot_hart && q != cmd_seen[me]) {
		__atomic_store_n(&cmd_seen[me], q, __ATOMIC_RELEASE);
		fresh++;
	}
	if (!fresh)
		st->empty++;
}

/* vCPU 0 pings vCPU k `rounds` times, each time waiting for the reply
 * before the next, so exactly one IPI is in flight at a time. */
bool ping_pong(unsigned k, unsigned rounds)
{
	unsigned me = boot_hart;
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t want = got[k][me] + 1;
		post(me, k);
		long e = send_ipi(1UL << k, 0);
		if (e) {
			fail(me, "ping %u to vCPU %u: send_ipi error %ld", i + 1, k, e);
			return false;
		}
		if (!wait_until(&got[k][me], want, seconds(REPLY_PATIENCE_S))) {
			fail(me, "ping %u to vCPU %u: no reply within %u s (IPI lost)", i + 1,
			     k, REPLY_PATIENCE_S);
			return false;
		}
	}
	return true;
}

/* A secondary's side of the ping-pong: mark the trace, say it is ready,
 * sleep until `rounds` pings have been handled (the handler replies),
 * count, mark again. */
void secondary_pingpong(unsigned me, uint64_t rounds)
{
	struct vcpu_stats *s = &stats[me];
	trace_mark(MARK_PP_BEGIN);
	uint64_t irq0 = s->irqs, recv0 = s->received, from0 = got[boot_hart][me];
	__atomic_store_n(&ctl[me].ready, ctl[me].seq, __ATOMIC_RELEASE);
	uint64_t until = csr_read(CSR_TIME) + seconds(10);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	while (__atomic_load_n(&got[boot_hart][me], __ATOMIC_ACQUIRE) - from0 < rounds &&
	       csr_read(CSR_TIME) < until) {
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	s->pp_irqs = s->irqs - irq0;
	s->pp_msgs = s->received - recv0;
	trace_mark(MARK_PP_END);
}

/* Wait until t has handled every message `me` posted for it. */
static bool wait_acked(unsigned me, unsigned t)
{
	if (wait_until(&got[me][t], sent[me][t], seconds(REPLY_PATIENCE_S)))
		return true;
	fail(me, "storm: vCPU %u handled %lu of %lu messages (IPI lost)", t,
	     (unsigned long)got[me][t], (unsigned long)sent[me][t]);
	return false;
}

/* Every vCPU at once: each round one message to every other vCPU, the
 * previous one to that vCPU handled first (so IPIs from one sender never
 * merge); every STORM_BROADCAST_EVERY rounds one more to every vCPU,
 * itself included, in a single send_ipi with hart_mask_base = -1 ("all
 * harts" in the SBI specification's hart list rules). */
void storm(unsigned me, unsigned rounds)
{
	struct vcpu_stats *s = &stats[me];
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned j = 1; j < nvcpus; j++) {
			unsigned t = (me + j) % nvcpus;
			if (!wait_acked(me, t))
				return;
			post(me, t);
			s->storm_sent++;
			long e = send_ipi(1UL << t, 0);
			if (e)
				fail(me, "storm: send_ipi to vCPU %u error %ld", t, e);
		}
		if ((r + 1) % STORM_BROADCAST_EVERY)
			continue;
		for (unsigned t = 0; t < nvcpus; t++) {
			if (!wait_acked(me, t))
				return;
			post(me, t);
			s->storm_sent++;
		}
		long e = send_ipi(0, ~0UL);
		if (e)
			fail(me, "storm: send_ipi to all (hart_mask_base -1) error %ld", e);
	}
	for (unsigned t = 0; t < nvcpus; t++)
		if (!wait_acked(me, t))
			return;
}

/* One round trip for the benchmark: like ping_pong, but vCPU 0 sleeps in
 * wfi until the reply. Under -icount QEMU runs all harts on one thread
 * and only moves on to the next hart when the current one halts or its
 * time slice ends (100 ms of virtual time), so a spinning vCPU 0 would
 * keep vCPU k from running at all. No time-out: a lost reply hangs the
 * benchmark, which bench.sh's time limit then reports. */
static void round_trip_wfi(unsigned k)
{
	unsigned me = boot_hart;
	uint64_t want = got[k][me] + 1;
	post(me, k);
	long e = send_ipi(1UL << k, 0);
	if (e) {
		fail(me, "bench: send_ipi to vCPU %u: error %ld", k, e);
		return;
	}
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	while (__atomic_load_n(&got[k][me], __ATOMIC_ACQUIRE) < want) {
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/*
 * Benchmark: IPI round trips between vCPU 0 and vCPU k, in instructions,
 * for QEMU -icount shift=0,sleep=off. There QEMU runs the harts one at a
 * time on one thread, and instret (like cycle) reads QEMU's instruction
 * counter, which every hart's instructions advance: so instret on vCPU 0
 * counts both sides of a round trip - vCPU 0's send, vCPU k's wake-up,
 * handler and reply, vCPU 0's wake-up and handler - and nothing else, as
 * both vCPUs sleep in wfi while they wait (a halted hart retires
 * nothing). The time CSR measures the same virtual time (shift=0: one
 * instruction per nanosecond) as a cross-check, to the 100 ns tick.
 */
void bench_ipi_with(unsigned k)
{
	const unsigned warm = 16, n = 256;
	pingpong_mode = true;
	for (unsigned i = 0; i < warm; i++)
		round_trip_wfi(k);
	uint64_t r0 = got[k][boot_hart];
	uint64_t i0 = csr_read(CSR_INSTRET), t0 = csr_read(CSR_TIME);
	for (unsigned i = 0; i < n; i++)
		round_trip_wfi(k);
	uint64_t i1 = csr_read(CSR_INSTRET), t1 = csr_read(CSR_TIME);
	pingpong_mode = false;
	uint64_t replies = got[k][boot_hart] - r0;
	if (replies != n)
		fail(boot_hart, "bench: %lu replies to %u pings", (unsigned long)replies, n);
	uint64_t ns = (t1 - t0) * (1000000000 / timebase_hz);
	say("bench: ipi_round_trips=%u", n);
	say("bench: ipi_round_trip_instr=%lu", (unsigned long)((i1 - i0 + n / 2) / n));
	say("bench: ipi_round_trip_time_ns=%lu", (unsigned long)((ns + n / 2) / n));
}
