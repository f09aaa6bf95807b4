/*
 * Test steps for the SBI Steal-time Accounting (STA) and PMU extensions:
 * each function with the results the SBI specification gives, and what
 * the hypervisor counts (steal time, firmware events) checked against
 * what this guest did.
 */
#include <string.h>

#include "guest.h"

#define HOLE_GPA 0x20000000UL	/* identity-mapped, neither RAM nor a device */

static uint64_t gpa_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return a >= GVA_HIGH_OFFSET ? a - GVA_HIGH_OFFSET : a;
}

/* ---- STA ---- */

struct sta_shmem {
	volatile uint32_t sequence;
	volatile uint32_t flags;
	volatile uint64_t steal;
	volatile uint8_t preempted;
	uint8_t pad[47];
};
static struct sta_shmem sta __attribute__((aligned(64)));

/* Read steal with the sequence protocol ("STA Shared Memory Structure"). */
/* A consistent copy of the whole area, read as the SBI STA sequence
 * protocol asks (an even sequence, the same before and after the copy:
 * the hypervisor may publish at any exit, a time-shared hart's switch
 * among them); returns that sequence. */
static uint32_t sta_snapshot(uint8_t out[sizeof(struct sta_shmem)])
{
	const volatile uint8_t *src = (const volatile uint8_t *)&sta;
	for (;;) {
		uint32_t s0 = sta.sequence;
		__asm__ volatile("fence r, r" ::: "memory");
		for (unsigned i = 0; i < sizeof(struct sta_shmem); i++)
			out[i] = src[i];
		__asm__ volatile("fence r, r" ::: "memory");
		// cppcheck-suppress knownConditionTrueFalse ; volatile: the hypervisor writes it
		if (!(s0 & 1) && sta.sequence == s0)
			return s0;
	}
}

static uint64_t sta_read(uint32_t *seq_out)
{
	uint8_t b[sizeof(struct sta_shmem)];
	uint64_t steal;
	*seq_out = sta_snapshot(b);
	memcpy(&steal, b + 8, sizeof(steal));
	return steal;
}

/* Let `n` timer interrupts through: each SBI set_timer deadline is met by
 * the hypervisor's HS timer, an exit this guest did not cause. */
static unsigned timer_exits(unsigned n)
{
	unsigned got = 0;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	for (unsigned i = 0; i < n; i++) {
		uint64_t before = timer_irqs;
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + timebase_hz / 2000, 0, 0);
		uint64_t limit = csr_read(CSR_TIME) + timebase_hz;
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		while (timer_irqs == before && csr_read(CSR_TIME) < limit)
			;
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		got += timer_irqs != before;
	}
	return got;
}

/* On a time-shared hart: spin 100 ms without a single exit of our own;
 * whatever time the hart gave another VM meanwhile is steal ("not idle
 * and scheduled out"), never more than the spin took. The clock is read
 * before the first steal and after the last: a turn of another VM that
 * ends between a clock read and a steal read (its steal is written as we
 * are switched in again) then lies within the time measured. */
static bool steal_while_shared(void)
{
	bool ok = true;
	uint32_t s0, s1;
	uint64_t t0 = csr_read(CSR_TIME), st0 = sta_read(&s0);
	while (csr_read(CSR_TIME) - t0 < timebase_hz / 10)
		;
	uint64_t st1 = sta_read(&s1);
	uint64_t spin_ns = (csr_read(CSR_TIME) - t0) * (1000000000UL / timebase_hz);
	CHECK(st1 >= st0 && st1 - st0 <= spin_ns && !(s1 & 1),
	      "spin of %lu ns: steal %lu -> %lu, sequence %u", (unsigned long)spin_ns,
	      (unsigned long)st0, (unsigned long)st1, s1);
	printf("    time-shared hart: steal %lu ns of a %lu ns spin\n", (unsigned long)(st1 - st0),
	       (unsigned long)spin_ns);
	return ok;
}

bool step_sbi_sta(void)
{
	bool ok = true;
	uint64_t shmem = gpa_of(&sta);
	struct sbiret r;
	const unsigned long SHMEM = SBI_STA_STEAL_TIME_SET_SHMEM;

	r = sbi_call(SBI_EXT_STA, SHMEM, shmem, 0, 1);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "flags 1: error %ld", r.error);
	r = sbi_call(SBI_EXT_STA, SHMEM, shmem + 32, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "32-byte aligned: error %ld", r.error);
	r = sbi_call(SBI_EXT_STA, SHMEM, HOLE_GPA, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_ADDRESS, "hole: error %ld", r.error);
	r = sbi_call(SBI_EXT_STA, SHMEM, shmem, 1, 0);
	CHECK(r.error == SBI_ERR_INVALID_ADDRESS, "address bits above 64 (hi = 1): error %ld", r.error);
	r = sbi_call(SBI_EXT_STA, SHMEM, guest_ram_base + guest_ram_size - 32, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM || r.error == SBI_ERR_INVALID_ADDRESS,
	      "straddling the end of RAM: error %ld", r.error);
	r = sbi_call(SBI_EXT_STA, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "FID 1: error %ld", r.error);

	memset((void *)&sta, 0xa5, sizeof(sta));
	r = sbi_call(SBI_EXT_STA, SHMEM, shmem, 0, 0);
	CHECK(r.error == 0 && r.value == 0, "set_shmem: error %ld value %ld", r.error, r.value);
	/* On a time-shared hart another VM may have run since the call, and
	 * the hypervisor then published its steal time: an even, non-zero
	 * sequence, and only sequence, steal and preempted moved. The rest
	 * (the flags word and the padding) must be zero in any case. */
	uint8_t b[sizeof(struct sta_shmem)];
	uint32_t seq = sta_snapshot(b); /* even */
	bool published = seq != 0;
	unsigned nonzero = 0;
	for (unsigned i = 0; i < sizeof(sta); i++)
		nonzero += b[i] != 0 && !(published && (i < 4 || (i >= 8 && i < 17)));
	CHECK(nonzero == 0, "%u of 64 bytes not zeroed by set_shmem (sequence %u)", nonzero, seq);

	/* Exits this guest asks for (ecalls) steal nothing; on a time-shared
	 * hart another VM may take the hart meanwhile, which does. */
	uint32_t s0, s1, s2;
	uint64_t st0 = sta_read(&s0);
	for (int i = 0; i < 100; i++)
		sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	/* The clock is read before st1: a turn of another VM that ends
	 * after st1's read (it is added when we are switched in again) then
	 * falls within the elapsed time measured below. */
	uint64_t t0 = csr_read(CSR_TIME);
	uint64_t st1 = sta_read(&s1);
	if (hart_shared)
		CHECK(st1 >= st0 && !(s1 & 1), "100 SBI calls: steal %lu -> %lu, sequence %u",
		      (unsigned long)st0, (unsigned long)st1, s1);
	else
		CHECK(st1 == st0 && s1 == s0,
		      "100 SBI calls changed steal %lu -> %lu, sequence %u -> %u",
		      (unsigned long)st0, (unsigned long)st1, s0, s1);

	/* The hypervisor's timer exits do. (st2 before the clock, as st1
	 * after it: see steal_while_shared.) */
	unsigned n = timer_exits(8);
	uint64_t st2 = sta_read(&s2);
	uint64_t elapsed_ns = (csr_read(CSR_TIME) - t0) * (1000000000UL / timebase_hz);
	CHECK(n == 8, "%u of 8 timer interrupts arrived", n);
	CHECK(s2 >= s1 + 2 * n && !(s2 & 1), "sequence %u -> %u for %u timer exits", s1, s2, n);
	CHECK(st2 > st1, "steal did not grow over %u timer exits", n);
	CHECK(st2 - st1 < elapsed_ns, "steal grew %lu ns in %lu ns", (unsigned long)(st2 - st1),
	      (unsigned long)elapsed_ns);
	CHECK(sta.flags == 0 && sta.preempted == 0, "flags %u preempted %u", sta.flags, sta.preempted);
	printf("    steal time: %lu ns over %u timer exits (%lu ns elapsed), sequence %u; "
	       "100 SBI calls added %lu ns\n",
	       (unsigned long)(st2 - st1), n, (unsigned long)elapsed_ns, s2,
	       (unsigned long)(st1 - st0));
	if (hart_shared)
		ok &= steal_while_shared();

	/* Off: the memory is left alone. */
	r = sbi_call(SBI_EXT_STA, SHMEM, ~0UL, ~0UL, 0);
	CHECK(r.error == 0, "set_shmem(-1, -1): error %ld", r.error);
	memset((void *)&sta, 0x5a, sizeof(sta));
	timer_exits(2);
	nonzero = 0;
	const volatile uint8_t *now = (const volatile uint8_t *)&sta;
	for (unsigned i = 0; i < sizeof(sta); i++)
		nonzero += now[i] != 0x5a;
	CHECK(nonzero == 0, "%u bytes written after reporting was turned off", nonzero);
	return ok;
}

/* ---- PMU ---- */

#define PMU_FW_EVENT(code) ((SBI_PMU_EVENT_TYPE_FW << 16) | (code))

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4)
{
	return sbi_call_full(SBI_EXT_PMU, fid, a0, a1, a2, a3, a4, 0);
}

static void illegal_insns(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		expect_trap(0);
		__asm__ volatile(ILLEGAL_WORD_ASM ::: "memory");
	}
}

/* Configure and start a firmware counter for `code`; its index or -1. */
static long fw_counter(unsigned long fw_mask, unsigned code)
{
	struct sbiret r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, fw_mask,
			      SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
			      PMU_FW_EVENT(code), 0);
	return r.error ? -1 : r.value;
}

static uint64_t fw_read(long idx)
{
	return (uint64_t)pmu(SBI_PMU_COUNTER_FW_READ, (unsigned long)idx, 0, 0, 0, 0).value;
}

static bool pmu_firmware_counters(unsigned long fw_mask)
{
	bool ok = true;
	long ill = fw_counter(fw_mask, SBI_PMU_FW_ILLEGAL_INSN);
	long tmr = fw_counter(fw_mask, SBI_PMU_FW_SET_TIMER);
	long acc = fw_counter(fw_mask, SBI_PMU_FW_ACCESS_LOAD);
	long ipi = fw_counter(fw_mask, SBI_PMU_FW_IPI_RECEIVED);
	CHECK(ill >= 0 && tmr >= 0 && acc >= 0 && ipi >= 0 && ill != tmr && tmr != acc,
	      "config_matching: %ld %ld %ld %ld", ill, tmr, acc, ipi);
	if (!ok)
		return false;
	illegal_insns(7);
	for (int i = 0; i < 5; i++)
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	sbi_legacy(SBI_EXT_0_1_SET_TIMER, ~0UL, NULL);
	expect_trap(0);
	(void)*(volatile uint64_t *)HOLE_GPA;
	uint64_t n_ill = fw_read(ill), n_tmr = fw_read(tmr), n_acc = fw_read(acc), n_ipi = fw_read(ipi);
	CHECK(n_ill == 7, "ILLEGAL_INSN counted %lu, want 7", (unsigned long)n_ill);
	CHECK(n_tmr == 6, "SET_TIMER counted %lu, want 6 (5 TIME + 1 legacy)", (unsigned long)n_tmr);
	CHECK(n_acc == 1, "ACCESS_LOAD counted %lu, want 1", (unsigned long)n_acc);
	CHECK(n_ipi == 0, "IPI_RECEIVED counted %lu, want 0 (one vCPU)", (unsigned long)n_ipi);
	struct sbiret r = pmu(SBI_PMU_COUNTER_FW_READ_HI, (unsigned long)ill, 0, 0, 0, 0);
	CHECK(r.error == 0 && r.value == 0, "fw_read_hi: error %ld value %ld (RV64: 0)", r.error, r.value);

	/* Started twice, stopped, stopped twice; a stopped counter keeps
	 * its value and counts no more. */
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)ill, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STARTED, "start of a started counter: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_STOP, (unsigned long)ill, 1, 0, 0, 0);
	CHECK(r.error == 0, "stop: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_STOP, (unsigned long)ill, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "stop of a stopped counter: %ld", r.error);
	illegal_insns(3);
	CHECK(fw_read(ill) == 7, "stopped counter moved to %lu", (unsigned long)fw_read(ill));
	/* Restarted from an initial value. */
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)ill, 1, SBI_PMU_START_SET_INIT_VALUE, 100, 0);
	CHECK(r.error == 0, "start with initial value: %ld", r.error);
	illegal_insns(2);
	CHECK(fw_read(ill) == 102, "counter from 100 after 2: %lu", (unsigned long)fw_read(ill));
	uint64_t from100 = fw_read(ill);
	/* A set with counters never started: "Stop ... a set of counters",
	 * ALREADY_STOPPED because "at least one counter ... is already
	 * stopped"; the started ones of the set are stopped all the same
	 * (Linux's perf driver stops every counter this way). */
	r = pmu(SBI_PMU_COUNTER_STOP, 0, fw_mask, SBI_PMU_STOP_RESET, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "stop of every firmware counter: %ld", r.error);
	illegal_insns(3);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	CHECK(fw_read(ill) == from100 && fw_read(tmr) == n_tmr,
	      "after the stop of every counter (ALREADY_STOPPED): ILLEGAL_INSN %lu (was %lu), "
	      "SET_TIMER %lu (was %lu): the started ones still count",
	      (unsigned long)fw_read(ill), (unsigned long)from100, (unsigned long)fw_read(tmr),
	      (unsigned long)n_tmr);
	r = pmu(SBI_PMU_COUNTER_STOP, (unsigned long)ill, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "stop after the stop of every counter: %ld", r.error);
	/* RESET on every counter of the set, even those that were stopped. */
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)ill, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "start of a reset (unconfigured) counter: %ld", r.error);
	/* Start of a set with one counter started: the others start, and
	 * ALREADY_STARTED says one was. */
	ill = fw_counter(fw_mask, SBI_PMU_FW_ILLEGAL_INSN);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, fw_mask, SBI_PMU_CFG_CLEAR_VALUE,
		PMU_FW_EVENT(SBI_PMU_FW_SET_TIMER), 0);
	tmr = r.error ? -1 : r.value;
	CHECK(ill >= 0 && tmr >= 0 && ill != tmr, "config_matching again: %ld %ld", ill, tmr);
	if (!ok)
		return false;
	r = pmu(SBI_PMU_COUNTER_START, 0, (1UL << ill) | (1UL << tmr), 0, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STARTED, "start of {started, stopped}: %ld", r.error);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	CHECK(fw_read(tmr) == 1, "the stopped counter of the set started: SET_TIMER %lu, want 1",
	      (unsigned long)fw_read(tmr));
	r = pmu(SBI_PMU_COUNTER_STOP, 0, (1UL << ill) | (1UL << tmr), SBI_PMU_STOP_RESET, 0, 0);
	CHECK(r.error == 0, "stop with reset: %ld", r.error);
	printf("    firmware counters: ILLEGAL_INSN %lu, SET_TIMER %lu, ACCESS_LOAD %lu, "
	       "IPI_RECEIVED %lu; stop, restart from 100: %lu; a stop of every counter stops "
	       "the started ones (ALREADY_STOPPED)\n",
	       (unsigned long)n_ill, (unsigned long)n_tmr, (unsigned long)n_acc,
	       (unsigned long)n_ipi, (unsigned long)from100);
	return ok;
}

static bool pmu_errors(unsigned long fw_mask, long n)
{
	bool ok = true;
	long first_fw = __builtin_ctzl(fw_mask);
	struct sbiret r = pmu(SBI_PMU_COUNTER_GET_INFO, (unsigned long)n, 0, 0, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "get_info(%ld): %ld", n, r.error);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, 1UL << n, 0, PMU_FW_EVENT(0), 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "config_matching on counter %ld: %ld", n, r.error);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, fw_mask, 1UL << 8, PMU_FW_EVENT(0), 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "config flag bit 8: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, fw_mask, 0, PMU_FW_EVENT(22), 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "reserved firmware event 22: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)first_fw, 1, 1UL << 2, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "start flag bit 2: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_START, (unsigned long)first_fw, 1, SBI_PMU_START_INIT_SNAPSHOT, 0, 0);
	CHECK(r.error == SBI_ERR_NO_SHMEM, "start from a snapshot with none set: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_FW_READ, 1, 0, 0, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "fw_read(1): %ld", r.error);
	r = pmu(SBI_PMU_SNAPSHOT_SET_SHMEM, gpa_of(&sta), 0, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "snapshot_set_shmem: %ld", r.error);
	r = pmu(9, 0, 0, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "FID 9: %ld", r.error);
	return ok;
}

/* Spin a while without an exit. */
static void busy(void)
{
	for (volatile int i = 0; i < 2000; i++)
		;
}

/*
 * cycle and instret as the SBI PMU's counters 0 and 2: the guest's own,
 * virtual (hyp/sbi/sbi_pmu_hw.c). Taken over by config_matching, they
 * read still until started (a counter never started is stopped), count
 * from the initial value, freeze when stopped, go on from there; a stop
 * of both with one never started stops the other too.
 */
static bool pmu_virtual_counters(unsigned long hw_mask)
{
	bool ok = true;
	const uint64_t INIT = 1ULL << 62;
	struct sbiret r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, hw_mask, 0, SBI_PMU_HW_CPU_CYCLES, 0);
	CHECK(r.error == 0 && r.value == 0, "config_matching(CPU_CYCLES): error %ld counter %ld",
	      r.error, r.value);
	if (!ok)
		return false;
	uint64_t c0 = csr_read(CSR_CYCLE);
	busy();
	uint64_t c0b = csr_read(CSR_CYCLE);
	CHECK(c0b == c0, "cycle, configured but never started, moved %#lx -> %#lx",
	      (unsigned long)c0, (unsigned long)c0b);
	r = pmu(SBI_PMU_COUNTER_STOP, 0, 1, 0, 0, 0);
	CHECK(r.error == SBI_ERR_ALREADY_STOPPED, "stop of cycle never started: %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_START, 0, 1, SBI_PMU_START_SET_INIT_VALUE, INIT, 0);
	uint64_t c1 = csr_read(CSR_CYCLE);
	CHECK(r.error == 0, "start(cycle, 2^62): %ld", r.error);
	CHECK(c1 >= INIT && c1 - INIT < (1ULL << 32), "cycle %#lx after starting it at 2^62",
	      (unsigned long)c1);
	r = pmu(SBI_PMU_COUNTER_START, 0, 1, SBI_PMU_START_SET_INIT_VALUE, 5, 0);
	uint64_t c1b = csr_read(CSR_CYCLE);
	CHECK(r.error == SBI_ERR_ALREADY_STARTED && c1b > c1,
	      "start of a started cycle: %ld, and it went %#lx -> %#lx (not reset)", r.error,
	      (unsigned long)c1, (unsigned long)c1b);
	r = pmu(SBI_PMU_COUNTER_STOP, 0, 1, 0, 0, 0);
	uint64_t c2 = csr_read(CSR_CYCLE);
	busy();
	uint64_t c3 = csr_read(CSR_CYCLE);
	CHECK(r.error == 0 && c3 == c2 && c2 > c1b, "stopped cycle: error %ld, %#lx then %#lx",
	      r.error, (unsigned long)c2, (unsigned long)c3);
	{
		/* Read into a callee-saved register: the exit's C code cannot
		 * reach it, so the hypervisor must load it back itself. */
		register uint64_t s5 __asm__("s5") = 0;
		__asm__ volatile("csrr %0, cycle" : "+r"(s5));
		CHECK(s5 == c3, "csrr s5, cycle (stopped at %#lx): %#lx", (unsigned long)c3,
		      (unsigned long)s5);
	}
	r = pmu(SBI_PMU_COUNTER_START, 0, 1, 0, 0, 0);
	busy();
	uint64_t c4 = csr_read(CSR_CYCLE);
	CHECK(r.error == 0 && c4 > c3 && c4 - c3 < (1ULL << 32),
	      "restart without a value: error %ld, %#lx after %#lx", r.error, (unsigned long)c4,
	      (unsigned long)c3);
	/* instret: CLEAR_VALUE and AUTO_START in the match. */
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, hw_mask,
		SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START, SBI_PMU_HW_INSTRUCTIONS, 0);
	uint64_t i0 = csr_read(CSR_INSTRET);
	busy();
	uint64_t i1 = csr_read(CSR_INSTRET);
	CHECK(r.error == 0 && r.value == 2, "config_matching(INSTRUCTIONS): error %ld counter %ld",
	      r.error, r.value);
	CHECK(i0 < (1ULL << 32) && i1 > i0 + 2000, "instret from 0: %lu, then %lu",
	      (unsigned long)i0, (unsigned long)i1);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, hw_mask, 0, SBI_PMU_HW_CPU_CYCLES, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "config_matching(CPU_CYCLES) with cycle started: %ld",
	      r.error);
	r = pmu(SBI_PMU_COUNTER_CFG_MATCH, 0, hw_mask, 0, 3 /* CACHE_REFERENCES */, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "config_matching(CACHE_REFERENCES): %ld", r.error);
	/* cycle started, instret stopped: a stop of both stops cycle and says
	 * ALREADY_STOPPED. */
	r = pmu(SBI_PMU_COUNTER_STOP, 2, 1, 0, 0, 0);
	CHECK(r.error == 0, "stop(instret): %ld", r.error);
	r = pmu(SBI_PMU_COUNTER_STOP, 0, 5, 0, 0, 0);
	uint64_t c5 = csr_read(CSR_CYCLE);
	busy();
	uint64_t c6 = csr_read(CSR_CYCLE);
	CHECK(r.error == SBI_ERR_ALREADY_STOPPED && c5 == c6,
	      "stop of {cycle started, instret stopped}: %ld, cycle %#lx then %#lx", r.error,
	      (unsigned long)c5, (unsigned long)c6);
	/* Running again for whoever reads them next. */
	r = pmu(SBI_PMU_COUNTER_START, 0, 5, 0, 0, 0);
	CHECK(r.error == 0, "start(cycle, instret): %ld", r.error);
	printf("    cycle and instret virtual: still until started, from 2^62 (read %#lx), "
	       "stopped at +%lu, restarted; instret from 0 (%lu)\n",
	       (unsigned long)c1, (unsigned long)(c3 - INIT), (unsigned long)i0);
	return ok;
}

bool step_sbi_pmu(void)
{
	bool ok = true;
	struct sbiret r = pmu(SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
	long n = r.value;
	CHECK(r.error == 0 && n > 0 && n <= 64, "num_counters: error %ld value %ld", r.error, n);
	if (!ok)
		return false;
	unsigned long fw_mask = 0, hw_mask = 0;
	for (long i = 0; i < n; i++) {
		r = pmu(SBI_PMU_COUNTER_GET_INFO, (unsigned long)i, 0, 0, 0, 0);
		if (r.error) {
			CHECK(r.error == SBI_ERR_INVALID_PARAM, "get_info(%ld): %ld", i, r.error);
			continue;
		}
		unsigned long info = (unsigned long)r.value;
		if (info >> 63) {
			fw_mask |= 1UL << i;
			continue;
		}
		hw_mask |= 1UL << i;
		CHECK((info & 0xfff) == CSR_CYCLE + (unsigned long)i && ((info >> 12) & 0x3f) == 63,
		      "hardware counter %ld: CSR %#lx width %lu", i, info & 0xfff,
		      ((info >> 12) & 0x3f) + 1);
	}
	CHECK(fw_mask != 0, "no firmware counters");
	printf("    %ld counters: firmware %#lx, hardware %#lx\n", n, fw_mask, hw_mask);
	ok &= pmu_errors(fw_mask, n);
	ok &= pmu_firmware_counters(fw_mask);
	CHECK(hw_mask == 5, "hardware counters %#lx, want cycle and instret (0x5)", hw_mask);
	if (hw_mask == 5)
		ok &= pmu_virtual_counters(hw_mask);
	return ok;
}
