/*
 * Performance Monitoring Unit Extension (EID 0x504D55 "PMU"), SBI
 * specification "Performance Monitoring Unit Extension"
 * (src/ext-pmu.adoc). counter_idx, counter_idx_base, counter_idx_mask,
 * the flags and event_idx are unsigned long (every bit counts); the set
 * of counters of a call is base + i for each bit i of mask. event_idx is
 * "a 20 bits wide number": type in 19:16 (0 hardware general, 1 cache, 2
 * and 3 raw, 15 firmware), code in 15:0; firmware codes 0-21 are defined,
 * 22-255 reserved, 256-65534 implementation-specific, 65535 platform.
 * Errors: get_info INVALID_PARAM ("points to an invalid counter");
 * config_matching INVALID_PARAM ("at least one invalid counter" or a
 * reserved flag bit, 8 and up), NOT_SUPPORTED ("none of the counters can
 * monitor the specified event"); start INVALID_PARAM (invalid counter,
 * flag bit 2 and up), ALREADY_STARTED, NO_SHMEM (INIT_SNAPSHOT without
 * snapshot memory); stop the same with ALREADY_STOPPED and TAKE_SNAPSHOT;
 * fw_read and fw_read_hi INVALID_PARAM ("a hardware counter or an invalid
 * counter"); fw_read_hi "always returns zero ... for RV64".
 * num_counters "always returns SBI_SUCCESS". config_matching finds a
 * counter "which is not started"; with SKIP_MATCH it takes "the first
 * counter from the set" unconditionally.
 *
 * The counters are discovered with num_counters and get_info (type bit
 * XLEN-1: firmware), so the rows hold for any numbering. The firmware
 * counters are checked by counting events this vCPU provokes: illegal
 * instructions it executes, set_timer calls, IPIs and remote fence.i it
 * sends to the other hart (and none for calls that send to no other hart).
 */
#include "conform.h"

#define FW_EVENT(code) ((SBI_PMU_EVENT_TYPE_FW << 16) | (code))

static unsigned long ncounters, fw_mask, hw_mask, fw0, hw0;
static bool discovered;

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	return sbi_call_full(SBI_EXT_PMU, fid, a0, a1, a2, a3, 0, 0);
}

/* The counters (plain calls, not checks): firmware ones have get_info's
 * type bit set. */
static bool discover(struct conform_ctx *x)
{
	if (discovered)
		return true;
	struct sbiret r = pmu(SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	ncounters = (unsigned long)r.value;
	for (unsigned long i = 0; i < ncounters && i < 64; i++) {
		r = pmu(SBI_PMU_COUNTER_GET_INFO, i, 0, 0, 0);
		if (r.error == 0)
			*((unsigned long)r.value >> 63 ? &fw_mask : &hw_mask) |= 1UL << i;
	}
	if (!fw_mask || ncounters > 64) {
		setup_failed(x, "no firmware counter among num_counters (or more than 64)");
		return false;
	}
	fw0 = (unsigned long)__builtin_ctzl(fw_mask);
	hw0 = hw_mask ? (unsigned long)__builtin_ctzl(hw_mask) : ncounters;
	discovered = true;
	printf("sbi-conform: PMU: %lu counters, firmware %#lx, hardware %#lx\n", ncounters,
	       fw_mask, hw_mask);
	return true;
}

static void want(struct conform_ctx *x, long err, enum want_value vmode, unsigned long value)
{
	x->want_error = x->want_alt = err;
	x->vmode = vmode;
	x->want = value;
}

/* ---- num_counters and get_info --------------------------------------- */

static bool counted(struct conform_ctx *x)
{
	ncounters = (unsigned long)x->got.value;
	if (ncounters >= 1)
		return true;
	snprintf(x->why, sizeof(x->why), "no counters");
	return false;
}

static void same_count(struct conform_ctx *x)
{
	if (discover(x))
		want(x, SBI_SUCCESS, V_EQ, ncounters);
}

/* a0 = (what the row says) + the counter count, the first firmware
 * counter, the first hardware counter. */
static void idx_count(struct conform_ctx *x) { if (discover(x)) x->a[0] += ncounters; }
static void idx_fw0(struct conform_ctx *x) { if (discover(x)) x->a[0] += fw0; }
static void idx_hw(struct conform_ctx *x)
{
	if (discover(x) && !hw_mask)
		setup_failed(x, "no hardware counter");
	x->a[0] += hw0;
}

/* ---- config_matching --------------------------------------------------- */

/* The set: every firmware counter (base fw0, mask fw_mask >> fw0). */
static void fw_set(struct conform_ctx *x)
{
	if (discover(x)) {
		x->a[0] = fw0;
		x->a[1] = fw_mask >> fw0;
	}
}

static void beyond_set(struct conform_ctx *x)
{
	if (discover(x))
		x->a[1] = 1UL << ncounters;
}

static unsigned long ill, tmr, ipi, fence_i;

static bool is_fw(struct conform_ctx *x, unsigned long *idx)
{
	unsigned long v = (unsigned long)x->got.value;
	if (v < 64 && (fw_mask & (1UL << v))) {
		*idx = v;
		return true;
	}
	snprintf(x->why, sizeof(x->why), "counter %lu is not a firmware counter", v);
	return false;
}

static bool got_ill(struct conform_ctx *x) { return is_fw(x, &ill); }
static bool got_tmr(struct conform_ctx *x) { return is_fw(x, &tmr) && tmr != ill; }
static bool got_ipi(struct conform_ctx *x) { return is_fw(x, &ipi) && ipi != tmr; }
static bool got_fence(struct conform_ctx *x) { return is_fw(x, &fence_i) && fence_i != ipi; }

/* Only the ILLEGAL_INSN counter, started: no counter of the set can be
 * configured (NOT_SUPPORTED), unless SKIP_MATCH takes it anyway. */
static void ill_only(struct conform_ctx *x)
{
	x->a[0] = ill;
	x->a[1] = 1;
}

static void ill_only_skip(struct conform_ctx *x)
{
	ill_only(x);
	x->want = ill;
}

/* ---- counting ---------------------------------------------------------- */

static void provoke_ill(struct conform_ctx *x, unsigned n)
{
	unsigned long before = traps_taken;
	illegal_insns(n);
	if (traps_taken - before != n)
		setup_failed(x, "the illegal instructions did not all trap");
}

static void read_ill_after_3(struct conform_ctx *x)
{
	ill_only(x);
	provoke_ill(x, 3);
}

static bool reads(struct conform_ctx *x, unsigned long idx, unsigned long value)
{
	struct sbiret r = pmu(SBI_PMU_COUNTER_FW_READ, idx, 0, 0, 0);
	if (r.error == 0 && (unsigned long)r.value == value)
		return true;
	snprintf(x->why, sizeof(x->why), "fw_read(%lu): error %ld value %lu, want %lu", idx,
		 r.error, (unsigned long)r.value, value);
	return false;
}

/* Stopped: 2 more illegal instructions leave it at 3. */
static bool stopped_at_3(struct conform_ctx *x)
{
	provoke_ill(x, 2);
	return reads(x, ill, 3);
}

/* Started from 100: 2 illegal instructions make 102. */
static bool from_100(struct conform_ctx *x)
{
	provoke_ill(x, 2);
	return reads(x, ill, 102);
}

static void read_tmr_after_4(struct conform_ctx *x)
{
	x->a[0] = tmr;
	for (int i = 0; i < 3; i++)
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	sbi_legacy(SBI_EXT_0_1_SET_TIMER, ~0UL, NULL);
}

static void read_ipi_after_2(struct conform_ctx *x)
{
	x->a[0] = ipi;
	for (int i = 0; i < 2; i++)
		sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1UL << other_hart, 0, 0);
}

static void read_fence_after_2(struct conform_ctx *x)
{
	x->a[0] = fence_i;
	for (int i = 0; i < 2; i++)
		sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1UL << other_hart, 0, 0);
}

/* IPI_SENT is "Sent IPI to other hart event": a send_ipi with an empty
 * mask (base 0) succeeds and sends nothing, so it counts nothing. */
static void read_ipi_after_none(struct conform_ctx *x)
{
	x->a[0] = ipi;
	for (int i = 0; i < 2; i++)
		sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, 0, 0);
}

/* FENCE_I_SENT is "Sent FENCE.I request to other hart event": a
 * remote_fence_i to the caller alone sends no request to another hart. */
static void read_fence_after_self(struct conform_ctx *x)
{
	x->a[0] = fence_i;
	for (int i = 0; i < 2; i++)
		sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1UL << self_hart, 0, 0);
}

/* ---- what the other hart received ------------------------------------ */

/* SFENCE_VMA_RECEIVED (11) and SFENCE_VMA_ASID_RECEIVED (13) are two
 * events: "Received SFENCE.VMA request from other hart event" and
 * "Received SFENCE.VMA with ASID request from other hart event". The
 * secondary counts both on itself (SEC_PMU, secondary.c): the first
 * command starts a counter for each, every later one reads them. */
static volatile unsigned long sec_pmu_runs, sec_vma, sec_asid;
static unsigned long sec_idx_vma, sec_idx_asid;

void secondary_pmu(void)
{
	if (sec_pmu_runs == 0) {
		sec_idx_vma = (unsigned long)pmu(SBI_PMU_COUNTER_CFG_MATCH, fw0, fw_mask >> fw0,
						 SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
						 FW_EVENT(SBI_PMU_FW_SFENCE_VMA_RECEIVED)).value;
		sec_idx_asid = (unsigned long)pmu(SBI_PMU_COUNTER_CFG_MATCH, fw0, fw_mask >> fw0,
						  SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
						  FW_EVENT(SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED)).value;
	}
	sec_vma = (unsigned long)pmu(SBI_PMU_COUNTER_FW_READ, sec_idx_vma, 0, 0, 0).value;
	sec_asid = (unsigned long)pmu(SBI_PMU_COUNTER_FW_READ, sec_idx_asid, 0, 0, 0).value;
	__atomic_fetch_add(&sec_pmu_runs, 1, __ATOMIC_ACQ_REL);
}

static unsigned long sec_pmu_want;

static bool sec_pmu_ran(void)
{
	return __atomic_load_n(&sec_pmu_runs, __ATOMIC_ACQUIRE) >= sec_pmu_want;
}

static void sec_pmu(struct conform_ctx *x)
{
	sec_pmu_want = sec_pmu_runs + 1;
	secondary_command(SEC_PMU);
	if (!wait_for(sec_pmu_ran, timebase_hz * 5))
		setup_failed(x, "the secondary did not answer SEC_PMU");
}

/* The secondary starts its counters; this hart sends it 2 remote
 * sfence.vma with an ASID and 1 without (each waited for, so none
 * coalesce); the secondary reads its counters. */
static void fences_received(struct conform_ctx *x)
{
	if (!discover(x))
		return;
	sec_pmu(x);
	for (int i = 0; i < 2; i++)
		sbi_call_full(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 1UL << other_hart,
			      0, 0, 0, 1, 0);
	sbi_call_full(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1UL << other_hart, 0, 0, 0,
		      0, 0);
	sec_pmu(x);
}

static bool received_2_and_1(struct conform_ctx *x)
{
	if (sec_asid == 2 && sec_vma == 1)
		return true;
	snprintf(x->why, sizeof(x->why), "the other hart counted SFENCE_VMA_ASID_RECEIVED %lu "
		 "(want 2), SFENCE_VMA_RECEIVED %lu (want 1)", sec_asid, sec_vma);
	return false;
}

/* ---- a hardware counter counting cycles ------------------------------ */

static unsigned long cyc;

static void hw_set(struct conform_ctx *x)
{
	if (discover(x)) {
		x->a[0] = 0;
		x->a[1] = hw_mask;
		if (!hw_mask) /* then no counter can count cycles */
			want(x, SBI_ERR_NOT_SUPPORTED, V_ANY, 0);
	}
}

/* The counter's CSR from get_info (bits 11:0), read directly. */
static bool csr_of(unsigned long idx, uint64_t *v)
{
	struct sbiret r = pmu(SBI_PMU_COUNTER_GET_INFO, idx, 0, 0, 0);
	switch ((unsigned long)r.value & 0xfff) {
	case CSR_CYCLE: *v = csr_read(CSR_CYCLE); return r.error == 0;
	case CSR_INSTRET: *v = csr_read(CSR_INSTRET); return r.error == 0;
	default: return false;
	}
}

static bool got_cyc(struct conform_ctx *x)
{
	cyc = (unsigned long)x->got.value;
	uint64_t v = 0;
	if (!hw_mask || (cyc < 64 && (hw_mask & (1UL << cyc)) && csr_of(cyc, &v)))
		return true;
	snprintf(x->why, sizeof(x->why), "counter %lu: not a hardware counter read through "
		 "cycle or instret", cyc);
	return false;
}

static void cyc_only(struct conform_ctx *x)
{
	x->a[0] = cyc;
	x->a[1] = 1;
	if (!hw_mask)
		setup_failed(x, "no hardware counter");
}

static uint64_t frozen;

static void spin(void)
{
	for (volatile int i = 0; i < 2000; i++)
		;
}

#define INIT (1UL << 62)

static bool counts_from_init(struct conform_ctx *x)
{
	uint64_t v = 0;
	csr_of(cyc, &v);
	if (v >= INIT && v - INIT < (1UL << 40))
		return true;
	snprintf(x->why, sizeof(x->why), "counter reads %#lx after a start from 2^62",
		 (unsigned long)v);
	return false;
}

static bool stands_still(struct conform_ctx *x)
{
	uint64_t a = 0, b = 0;
	csr_of(cyc, &a);
	spin();
	csr_of(cyc, &b);
	frozen = b;
	if (a == b && a > INIT)
		return true;
	snprintf(x->why, sizeof(x->why), "stopped counter: %#lx then %#lx", (unsigned long)a,
		 (unsigned long)b);
	return false;
}

static bool goes_on(struct conform_ctx *x)
{
	uint64_t a = 0, b = 0;
	csr_of(cyc, &a);
	spin();
	csr_of(cyc, &b);
	if (a >= frozen && b > a && b - frozen < (1UL << 40))
		return true;
	snprintf(x->why, sizeof(x->why), "restarted counter: %#lx then %#lx (stopped at %#lx)",
		 (unsigned long)a, (unsigned long)b, (unsigned long)frozen);
	return false;
}

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define ROW(fn, f, n, a0, a1, a2, a3, err, prep, ver)                          \
	{ .func = fn, .name = n, .fid = (f), .a = { LIT(a0), LIT(a1), LIT(a2), LIT(a3) }, \
	  .want_error = (err), .prepare = prep, .verify = ver }
#define READ(n, idx, err, vm, w, prep, ver)                                    \
	{ .func = "counter_fw_read", .name = n, .fid = SBI_PMU_COUNTER_FW_READ,  \
	  .a = { LIT(idx) }, .want_error = (err), .vmode = vm, .want = LIT(w),  \
	  .prepare = prep, .verify = ver }
#define MATCH(n, a0, mask, flags, event, err, prep, ver)                       \
	{ .func = "counter_config_matching", .name = n,                          \
	  .fid = SBI_PMU_COUNTER_CFG_MATCH,                                      \
	  .a = { LIT(a0), LIT(mask), LIT(flags), LIT(event) }, .want_error = (err), \
	  .prepare = prep, .verify = ver }
#define START(n, flags, init, err, prep, ver)                                  \
	ROW("counter_start", SBI_PMU_COUNTER_START, n, 0, 0, flags, init, err, prep, ver)
#define STOP(n, flags, err, prep, ver)                                         \
	ROW("counter_stop", SBI_PMU_COUNTER_STOP, n, 0, 0, flags, 0, err, prep, ver)
/* NOLINTEND(bugprone-macro-parentheses) */

#define INVAL SBI_ERR_INVALID_PARAM
#define NOSUP SBI_ERR_NOT_SUPPORTED
#define AUTO (SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START)

static const struct conform_case pmu_cases[] = {
	{ .func = "num_counters", .name = "always SBI_SUCCESS", .fid = SBI_PMU_NUM_COUNTERS,
	  .verify = counted },
	{ .func = "num_counters", .name = "garbage in a0-a5: the same count",
	  .fid = SBI_PMU_NUM_COUNTERS, .a = { LIT(~0UL), LIT(~0UL), LIT(~0UL), LIT(~0UL),
	  LIT(~0UL), LIT(~0UL) }, .prepare = same_count },
	{ .func = "num_counters", .name = "FID 0x1_00000000 (low 32 bits: num_counters)",
	  .fid = 0x100000000UL, .prepare = same_count },
	ROW("counter_get_info", SBI_PMU_COUNTER_GET_INFO, "counter = num_counters", 0, 0, 0, 0,
	    INVAL, idx_count, NULL),
	ROW("counter_get_info", SBI_PMU_COUNTER_GET_INFO, "counter -1", ~0UL, 0, 0, 0, INVAL,
	    NULL, NULL),
	ROW("counter_get_info", SBI_PMU_COUNTER_GET_INFO,
	    "2^32 + a firmware counter (unsigned long)", 1UL << 32, 0, 0, 0, INVAL, idx_fw0,
	    NULL),
	MATCH("an empty set (base 0, mask 0): no counter can", 0, 0, 0, FW_EVENT(4), NOSUP, NULL,
	      NULL),
	MATCH("base = num_counters", 0, 1, 0, FW_EVENT(4), INVAL, idx_count, NULL),
	MATCH("mask bit num_counters (one past the last)", 0, 0, 0, FW_EVENT(4), INVAL,
	      beyond_set, NULL),
	MATCH("base -1, mask 0b11 (wraps to counter 0)", ~0UL, 3, 0, FW_EVENT(4), INVAL, NULL,
	      NULL),
	MATCH("flags bit 8 (reserved)", 0, 0, 1UL << 8, FW_EVENT(4), INVAL, fw_set, NULL),
	MATCH("flags bit 63 (reserved)", 0, 0, 1UL << 63, FW_EVENT(4), INVAL, fw_set, NULL),
	MATCH("reserved firmware event 22", 0, 0, 0, FW_EVENT(22), NOSUP, fw_set, NULL),
	MATCH("firmware event 256 (implementation-specific, none)", 0, 0, 0, FW_EVENT(256),
	      NOSUP, fw_set, NULL),
	MATCH("event type 4 (reserved)", 0, 0, 0, (4UL << 16) | 1, NOSUP, fw_set, NULL),
	MATCH("event 0x1_000F0004 (unsigned long: not ILLEGAL_INSN)", 0, 0, 0,
	      (1UL << 32) | FW_EVENT(4), NOSUP, fw_set, NULL),
	MATCH("hardware NO_EVENT (event_idx 0)", 0, 0, 0, 0, NOSUP, fw_set, NULL),
	MATCH("ILLEGAL_INSN, CLEAR_VALUE | AUTO_START: a firmware counter", 0, 0, AUTO,
	      FW_EVENT(SBI_PMU_FW_ILLEGAL_INSN), 0, fw_set, got_ill),
	READ("ILLEGAL_INSN after 3 illegal instructions", 0, 0, V_EQ, 3, read_ill_after_3, NULL),
	{ .func = "counter_fw_read_hi", .name = "ILLEGAL_INSN: 0 on RV64",
	  .fid = SBI_PMU_COUNTER_FW_READ_HI, .vmode = V_EQ, .want = LIT(0), .prepare = ill_only },
	MATCH("ILLEGAL_INSN, the set only its started counter: none free", 0, 0, 0,
	      FW_EVENT(SBI_PMU_FW_ILLEGAL_INSN), NOSUP, ill_only, NULL),
	{ .func = "counter_config_matching", .name = "the same with SKIP_MATCH: that counter",
	  .fid = SBI_PMU_COUNTER_CFG_MATCH, .a = { LIT(0), LIT(0), LIT(SBI_PMU_CFG_SKIP_MATCH),
	  LIT(FW_EVENT(SBI_PMU_FW_ILLEGAL_INSN)) }, .vmode = V_EQ, .prepare = ill_only_skip },
	START("started: ALREADY_STARTED", 0, 0, SBI_ERR_ALREADY_STARTED, ill_only, NULL),
	START("flags bit 2 (reserved)", 1UL << 2, 0, INVAL, ill_only, NULL),
	START("flags bit 63 (reserved)", 1UL << 63, 0, INVAL, ill_only, NULL),
	START("INIT_SNAPSHOT, no snapshot memory", SBI_PMU_START_INIT_SNAPSHOT, 0,
	      SBI_ERR_NO_SHMEM, ill_only, NULL),
	STOP("TAKE_SNAPSHOT, no snapshot memory", SBI_PMU_STOP_TAKE_SNAPSHOT, SBI_ERR_NO_SHMEM,
	     ill_only, NULL),
	STOP("flags bit 2 (reserved)", 1UL << 2, INVAL, ill_only, NULL),
	STOP("ILLEGAL_INSN: stops counting", 0, 0, ill_only, stopped_at_3),
	STOP("stopped: ALREADY_STOPPED", 0, SBI_ERR_ALREADY_STOPPED, ill_only, NULL),
	START("SET_INIT_VALUE 100: counts on from 100", SBI_PMU_START_SET_INIT_VALUE, 100, 0,
	      ill_only, from_100),
	{ .func = "counter_fw_read", .name = "FID 0x1_00000005 (low 32 bits: fw_read)",
	  .fid = 0x100000005UL, .vmode = V_EQ, .want = LIT(102), .prepare = ill_only },
	MATCH("SET_TIMER", 0, 0, AUTO, FW_EVENT(SBI_PMU_FW_SET_TIMER), 0, fw_set, got_tmr),
	READ("SET_TIMER after 3 TIME and 1 legacy set_timer", 0, 0, V_EQ, 4, read_tmr_after_4,
	     NULL),
	MATCH("IPI_SENT", 0, 0, AUTO, FW_EVENT(SBI_PMU_FW_IPI_SENT), 0, fw_set, got_ipi),
	READ("IPI_SENT after 2 send_ipi to the other hart", 0, 0, V_EQ, 2, read_ipi_after_2,
	     NULL),
	READ("IPI_SENT: still 2 after 2 send_ipi with an empty mask", 0, 0, V_EQ, 2,
	     read_ipi_after_none, NULL),
	MATCH("FENCE_I_SENT", 0, 0, AUTO, FW_EVENT(SBI_PMU_FW_FENCE_I_SENT), 0, fw_set,
	      got_fence),
	READ("FENCE_I_SENT after 2 remote_fence_i to the other hart", 0, 0, V_EQ, 2,
	     read_fence_after_2, NULL),
	READ("FENCE_I_SENT: still 2 after 2 remote_fence_i to itself only", 0, 0, V_EQ, 2,
	     read_fence_after_self, NULL),
	{ .func = "num_counters", .name = "(the other hart) SFENCE_VMA_ASID_RECEIVED 2, "
	  "SFENCE_VMA_RECEIVED 1 after 2 remote_sfence_vma_asid and 1 remote_sfence_vma",
	  .fid = SBI_PMU_NUM_COUNTERS, .prepare = fences_received, .verify = received_2_and_1 },
	STOP("every firmware counter, RESET, some never started: ALREADY_STOPPED",
	     SBI_PMU_STOP_RESET, SBI_ERR_ALREADY_STOPPED, fw_set, NULL),
	READ("a hardware counter", 0, INVAL, V_ANY, 0, idx_hw, NULL),
	READ("counter = num_counters", 0, INVAL, V_ANY, 0, idx_count, NULL),
	READ("2^32 + a firmware counter (unsigned long)", 1UL << 32, INVAL, V_ANY, 0, idx_fw0,
	     NULL),
	ROW("counter_fw_read_hi", SBI_PMU_COUNTER_FW_READ_HI, "a hardware counter", 0, 0, 0, 0,
	    INVAL, idx_hw, NULL),
	ROW("counter_fw_read_hi", SBI_PMU_COUNTER_FW_READ_HI, "counter = num_counters", 0, 0, 0,
	    0, INVAL, idx_count, NULL),
	{ .func = "counter_config_matching", .name = "CPU_CYCLES, event_data 1 (reserved): "
	  "no counter can", .fid = SBI_PMU_COUNTER_CFG_MATCH, .a = { LIT(0), LIT(0), LIT(0),
	  LIT(SBI_PMU_HW_CPU_CYCLES), LIT(1) }, .want_error = NOSUP, .prepare = hw_set },
	MATCH("CPU_CYCLES on the hardware counters", 0, 0, 0, SBI_PMU_HW_CPU_CYCLES, 0, hw_set,
	      got_cyc),
	START("that counter from 2^62", SBI_PMU_START_SET_INIT_VALUE, INIT, 0, cyc_only,
	      counts_from_init),
	STOP("that counter: stands still", 0, 0, cyc_only, stands_still),
	START("that counter again: counts on from where it stopped", 0, 0, 0, cyc_only,
	      goes_on),
	ROW("snapshot_set_shmem", SBI_PMU_SNAPSHOT_SET_SHMEM,
	    "optional, not implemented: NOT_SUPPORTED", 0x80000000UL, 0, 0, 0, NOSUP, NULL, NULL),
	ROW("event_get_info", SBI_PMU_EVENT_GET_INFO, "SBI v3.0, Base reports 2.0", 0, 0, 0, 0,
	    NOSUP, NULL, NULL),
	{ .func = "FID_9", .name = "past the last function", .fid = 9, .want_error = NOSUP },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL, .want_error = NOSUP },
};

static const struct conform_suite pmu_suite = {
	.ext = "PMU", .eid = SBI_EXT_PMU, .order = 92,
	.cases = pmu_cases, .ncases = ARRAY_LEN(pmu_cases),
};
CONFORM_SUITE(pmu_suite);
