/*
 * SBI Performance Monitoring Unit extension (EID "PMU"; v0.3, fw_read_hi
 * and snapshot v2.0): the guest's counters ("Performance Monitoring Unit
 * Extension").
 *
 * Logical counters:
 *   0, 2    the guest's own `cycle` and `instret` (CSRs 0xC00, 0xC02),
 *           virtual per vCPU (sbi_pmu_hw.c): starting, stopping or setting
 *           them never reaches the hart's real counters, which the
 *           hypervisor's trace reads.
 *   1       none (`time` is not a PMU counter): SBI_ERR_INVALID_PARAM.
 *   3..18   firmware counters, counted by the hypervisor for this vCPU:
 *           the firmware events (type 15) of what it does for the guest
 *           (sbi_hooks.h): misaligned and access faults and illegal
 *           instructions given to the guest, SBI set_timer, IPIs and
 *           remote fences sent, and IPIs and fences requested by other
 *           vCPUs. The HFENCE events never happen (the guest has no H).
 * The other hardware counters (hpmcounter3..31) and Sscofpmf overflow
 * interrupts are not offered. Snapshot shared memory is not supported,
 * nor event_get_info (SBI v3.0; tracevisor implements v2.0).
 *
 * Every counter starts stopped. counter_start and counter_stop act on each
 * counter of the set: "Start or enable a set of counters", "Stop or
 * disable a set of counters", and SBI_ERR_ALREADY_STARTED (_STOPPED) says
 * that the "set of counters includes at least one counter which is
 * already started (stopped)". So a set with some counters already in the
 * state asked for still puts the others in it, and says so with that
 * error: Linux's perf driver stops every counter at boot and on each CPU
 * it brings up ("we are disabling all the counters which may include
 * counters that are not enabled yet") and relies on the started ones
 * being stopped. The errors about the call itself (an invalid counter or
 * flag, no snapshot memory, a firmware counter with no event to start)
 * leave every counter as it was.
 */
#include <tracevisor/sbi_ids.h>

#include "../core/smp.h"
#include "sbi.h"
#include "sbi_hooks.h"
#include "sbi_pmu.h"

#define FW_BASE 3
#define NUM_COUNTERS (FW_BASE + SBI_PMU_FW_COUNTERS)
#define FW_MASK (((1UL << SBI_PMU_FW_COUNTERS) - 1) << FW_BASE)

static uint64_t valid_counters(void)
{
	return pmu_hw_offered() | FW_MASK;
}

/* The set of counters a call names: bit i of mask is counter base + i.
 * Any counter that does not exist makes the set invalid. */
static bool counter_set(unsigned long base, unsigned long mask, uint64_t *set)
{
	*set = 0;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask & (1UL << i)))
			continue;
		if (base >= NUM_COUNTERS || i >= NUM_COUNTERS - base)
			return false;
		*set |= 1UL << (base + i);
	}
	return (*set & ~valid_counters()) == 0;
}

/* The requests from other harts, by mailbox bit, and the firmware event
 * that counts them. A remote sfence.vma with an ASID is the same full
 * VS-stage flush as one without, but a request of its own, "Received
 * SFENCE.VMA with ASID request from other hart event"
 * (SFENCE_VMA_ASID_RECEIVED), not SFENCE_VMA_RECEIVED. */
static const struct {
	uint8_t index; /* the bit's number: 1 << index in the mailbox, and
			* the index in vcpu->mb_posted and mb_taken */
	uint8_t event;
} received[] = {
	{ MB_INDEX(MB_VSSIP), SBI_PMU_FW_IPI_RECEIVED },
	{ MB_INDEX(MB_FENCE_I), SBI_PMU_FW_FENCE_I_RECEIVED },
	{ MB_INDEX(MB_HFENCE_VVMA), SBI_PMU_FW_SFENCE_VMA_RECEIVED },
	{ MB_INDEX(MB_HFENCE_VVMA_ASID), SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED },
};

/* Bit per firmware event that some started counter watches. A *_RECEIVED
 * event watched from now on counts the requests posted from now on: what
 * was posted before is taken as counted. */
static void recompute_active(struct vcpu *v)
{
	uint32_t active = 0;
	for (unsigned c = 0; c < SBI_PMU_FW_COUNTERS; c++)
		if (v->sbi.pmu_fw_started & (1U << c))
			active |= 1U << v->sbi.pmu_fw_event[c];
	uint32_t begun = active & ~v->sbi.pmu_fw_active;
	for (unsigned i = 0; i < ARRAY_SIZE(received); i++) {
		unsigned b = received[i].index;
		if (begun & (1U << received[i].event))
			v->mb_taken[b] = __atomic_load_n(&v->mb_posted[b], __ATOMIC_RELAXED);
	}
	v->sbi.pmu_fw_active = active;
}

static void fw_count_n(struct vcpu *v, unsigned event, uint64_t n)
{
	if (!(v->sbi.pmu_fw_active & (1U << event)))
		return;
	for (unsigned c = 0; c < SBI_PMU_FW_COUNTERS; c++)
		if ((v->sbi.pmu_fw_started & (1U << c)) && v->sbi.pmu_fw_event[c] == event)
			v->sbi.pmu_fw_value[c] += n;
}

static void fw_count(struct vcpu *v, unsigned event)
{
	fw_count_n(v, event, 1);
}

/* A successful set_timer (TIME or legacy) is one SET_TIMER event. The
 * "sent" events are not counted per call: see sbi_pmu_count_sent. */
void sbi_pmu_count_call(struct vcpu *v, unsigned long eid)
{
	if (eid == SBI_EXT_TIME || eid == SBI_EXT_0_1_SET_TIMER)
		fw_count(v, SBI_PMU_FW_SET_TIMER);
}

/* IPI_SENT is "Sent IPI to other hart event", FENCE_I_SENT "Sent FENCE.I
 * request to other hart event", and so for the SFENCE.VMA ones: one event
 * per request posted to another vCPU (sbi_ipi.c, sbi_rfence.c), as each
 * target counts its own *_RECEIVED. A call that names no other hart (an
 * empty mask, or only the caller) sends nothing, and a call to three
 * others sends three. */
void sbi_pmu_count_sent(struct vcpu *v, unsigned event)
{
	fw_count(v, event);
}

void sbi_pmu_count_exception(struct vcpu *v, uint64_t cause)
{
	switch (cause) {
	case EXC_LOAD_MISALIGNED: fw_count(v, SBI_PMU_FW_MISALIGNED_LOAD); break;
	case EXC_STORE_MISALIGNED: fw_count(v, SBI_PMU_FW_MISALIGNED_STORE); break;
	case EXC_LOAD_ACCESS: fw_count(v, SBI_PMU_FW_ACCESS_LOAD); break;
	case EXC_STORE_ACCESS: fw_count(v, SBI_PMU_FW_ACCESS_STORE); break;
	case EXC_ILLEGAL_INST: fw_count(v, SBI_PMU_FW_ILLEGAL_INSN); break;
	default: break;
	}
}

/* Requests from other harts, drained from the mailbox as `bits`: each
 * kind counts the requests posted since its last drain (vcpu->mb_posted;
 * the drain's acquire saw the counts of the bits it took), so that two
 * IPIs that merged into one bit before this hart took it are two IPIs
 * received ("Received IPI from other hart event"), as the sender counted
 * two IPI_SENT. */
void sbi_pmu_count_mailbox(struct vcpu *v, uint32_t bits)
{
	for (unsigned i = 0; i < ARRAY_SIZE(received); i++) {
		unsigned b = received[i].index;
		if (!(bits & (1U << b)))
			continue;
		uint32_t posted = __atomic_load_n(&v->mb_posted[b], __ATOMIC_RELAXED);
		fw_count_n(v, received[i].event, posted - v->mb_taken[b]);
		v->mb_taken[b] = posted;
	}
}

static void get_info(unsigned long idx, struct sbiret *ret)
{
	if (idx >= NUM_COUNTERS || !(valid_counters() & (1UL << idx))) {
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* Firmware counters: type 1; CSR and width are to be ignored. */
	ret->value = (long)(idx >= FW_BASE ? SBI_PMU_INFO_FW : pmu_hw_info((unsigned)idx));
}

/* config_matching for a firmware event: the first counter of the set that
 * is a firmware counter and not started (SKIP_MATCH: the first of the set,
 * whatever it watched). */
static long match_fw(struct vcpu *v, uint64_t set, unsigned long flags, unsigned code,
		     uint64_t data, long *idx)
{
	if (code >= SBI_PMU_FW_EVENTS || data != 0)
		return SBI_ERR_NOT_SUPPORTED; /* reserved, implementation or
					       * platform events: none here */
	uint64_t cand = set & FW_MASK;
	if (flags & SBI_PMU_CFG_SKIP_MATCH)
		cand = set & -set;
	else
		cand &= ~((uint64_t)v->sbi.pmu_fw_started << FW_BASE);
	if (!(cand & FW_MASK))
		return SBI_ERR_NOT_SUPPORTED;
	unsigned c = (unsigned)__builtin_ctzll(cand) - FW_BASE;
	v->sbi.pmu_fw_event[c] = (uint8_t)code;
	v->sbi.pmu_fw_configured |= 1U << c;
	if (flags & SBI_PMU_CFG_CLEAR_VALUE)
		v->sbi.pmu_fw_value[c] = 0;
	if (flags & SBI_PMU_CFG_AUTO_START)
		v->sbi.pmu_fw_started |= 1U << c;
	recompute_active(v);
	*idx = (long)c + FW_BASE;
	return SBI_SUCCESS;
}

/* config_matching for a hardware event: counter 0 for CPU_CYCLES, 2 for
 * INSTRUCTIONS, if the set has it and it is not started (SKIP_MATCH: the
 * first counter of the set, if it counts the event). */
static long match_hw(struct vcpu *v, uint64_t set, unsigned long flags,
		     unsigned long event, long *idx)
{
	uint64_t cand = set & pmu_hw_offered();
	if (flags & SBI_PMU_CFG_SKIP_MATCH)
		cand &= set & -set;
	else
		cand &= ~(uint64_t)v->sbi.pmu_hw_started;
	for (unsigned c = 0; c < FW_BASE; c++) {
		if (!(cand & (1UL << c)) || !pmu_hw_counts(c, event))
			continue;
		pmu_hw_take(v, c);
		if (flags & SBI_PMU_CFG_CLEAR_VALUE)
			pmu_hw_set(v, c, 0);
		if (flags & SBI_PMU_CFG_AUTO_START)
			pmu_hw_start(v, c);
		*idx = (long)c;
		return SBI_SUCCESS;
	}
	return SBI_ERR_NOT_SUPPORTED;
}

/* For hardware general and cache events (types 0 and 1) "the event_data
 * ... is unused ... and all non-zero values of event_data are reserved
 * for future use": an event with such data is none a counter here can
 * monitor, as for the firmware events (match_fw). The raw types carry
 * their event in event_data. */
static bool hw_data_reserved(unsigned type, uint64_t data)
{
	return (type == SBI_PMU_EVENT_TYPE_HW || type == SBI_PMU_EVENT_TYPE_CACHE) && data != 0;
}

static void cfg_match(struct vcpu *v, struct sbiret *ret)
{
	uint64_t set;
	unsigned long flags = sbi_arg(v, 2), event = sbi_arg(v, 3);
	/* An empty set has no invalid counter, and none of its counters can
	 * monitor the event: NOT_SUPPORTED, from the matchers ("Counter
	 * Config Match Errors"). */
	if (!counter_set(sbi_arg(v, 0), sbi_arg(v, 1), &set) || (flags >> 8) != 0) {
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	unsigned type = (event >> 16) & 0xf;
	/* event_idx "is a 20 bits wide number": one with higher bits set
	 * (it is an unsigned long) is no event a counter can monitor, which
	 * the errors of "Function: Find and configure a matching counter"
	 * name SBI_ERR_NOT_SUPPORTED; INVALID_PARAM is only for the counter
	 * set and the flags. */
	bool valid = (event >> 20) == 0;
	if (valid && type == SBI_PMU_EVENT_TYPE_FW)
		ret->error = match_fw(v, set, flags, event & 0xffff, sbi_arg(v, 4), &ret->value);
	else if (valid && type <= SBI_PMU_EVENT_TYPE_RAW_V2 &&
		 !hw_data_reserved(type, sbi_arg(v, 4)))
		ret->error = match_hw(v, set, flags, event, &ret->value);
	else
		ret->error = SBI_ERR_NOT_SUPPORTED;
}

/* start(base, mask, flags, initial_value): every stopped counter of the
 * set starts, from initial_value with SET_INIT_VALUE. */
static long start(struct vcpu *v, unsigned long base, unsigned long mask,
		  unsigned long flags, uint64_t init)
{
	uint64_t set;
	if (!counter_set(base, mask, &set) || (flags >> 2) != 0)
		return SBI_ERR_INVALID_PARAM;
	if (flags & SBI_PMU_START_INIT_SNAPSHOT)
		return SBI_ERR_NO_SHMEM; /* no snapshot memory can be set */
	uint32_t fw = (uint32_t)((set & FW_MASK) >> FW_BASE);
	if (fw & ~v->sbi.pmu_fw_configured)
		return SBI_ERR_INVALID_PARAM; /* watches no event yet */
	bool set_init = flags & SBI_PMU_START_SET_INIT_VALUE;
	long err = SBI_SUCCESS;
	for (unsigned c = 0; c < FW_BASE; c++) {
		if (!(set & (1UL << c)))
			continue;
		pmu_hw_take(v, c);
		if (v->sbi.pmu_hw_started & (1U << c)) {
			err = SBI_ERR_ALREADY_STARTED;
			continue;
		}
		if (set_init)
			pmu_hw_set(v, c, init);
		pmu_hw_start(v, c);
	}
	for (unsigned c = 0; c < SBI_PMU_FW_COUNTERS; c++) {
		if (!(fw & (1U << c)))
			continue;
		if (v->sbi.pmu_fw_started & (1U << c)) {
			err = SBI_ERR_ALREADY_STARTED;
			continue;
		}
		if (set_init)
			v->sbi.pmu_fw_value[c] = init;
		v->sbi.pmu_fw_started |= 1U << c;
	}
	recompute_active(v);
	return err;
}

/* stop(base, mask, flags): every started counter of the set stops; with
 * RESET every counter of the set also forgets its event. */
static long stop(struct vcpu *v, unsigned long base, unsigned long mask, unsigned long flags)
{
	uint64_t set;
	if (!counter_set(base, mask, &set) || (flags >> 2) != 0)
		return SBI_ERR_INVALID_PARAM;
	if (flags & SBI_PMU_STOP_TAKE_SNAPSHOT)
		return SBI_ERR_NO_SHMEM;
	uint32_t fw = (uint32_t)((set & FW_MASK) >> FW_BASE);
	uint32_t hw = (uint32_t)(set & ~FW_MASK);
	long err = SBI_SUCCESS;
	for (unsigned c = 0; c < FW_BASE; c++) {
		if (!(hw & (1U << c)))
			continue;
		/* A counter never started is stopped, though the guest may
		 * have read it running until now: from here it reads still. */
		pmu_hw_take(v, c);
		if (!(v->sbi.pmu_hw_started & (1U << c)))
			err = SBI_ERR_ALREADY_STOPPED;
		pmu_hw_stop(v, c);
	}
	if (fw & ~v->sbi.pmu_fw_started)
		err = SBI_ERR_ALREADY_STOPPED;
	v->sbi.pmu_fw_started &= ~fw;
	/* RESET: the firmware counters forget their event; counters 0 and
	 * 2 count their one event whatever the mapping says. */
	if (flags & SBI_PMU_STOP_RESET)
		v->sbi.pmu_fw_configured &= ~fw;
	recompute_active(v);
	return err;
}

static bool is_fw_counter(unsigned long idx)
{
	return idx >= FW_BASE && idx < NUM_COUNTERS;
}

static void pmu_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			struct sbiret *ret)
{
	(void)eid;
	unsigned long idx = sbi_arg(v, 0);
	ret->error = SBI_SUCCESS;
	ret->value = 0;
	switch (fid) {
	case SBI_PMU_NUM_COUNTERS:
		ret->value = NUM_COUNTERS;
		return;
	case SBI_PMU_COUNTER_GET_INFO:
		get_info(idx, ret);
		return;
	case SBI_PMU_COUNTER_CFG_MATCH:
		cfg_match(v, ret);
		return;
	case SBI_PMU_COUNTER_START:
		ret->error = start(v, sbi_arg(v, 0), sbi_arg(v, 1), sbi_arg(v, 2), sbi_arg(v, 3));
		return;
	case SBI_PMU_COUNTER_STOP:
		ret->error = stop(v, sbi_arg(v, 0), sbi_arg(v, 1), sbi_arg(v, 2));
		return;
	case SBI_PMU_COUNTER_FW_READ:
	case SBI_PMU_COUNTER_FW_READ_HI:
		if (!is_fw_counter(idx))
			ret->error = SBI_ERR_INVALID_PARAM; /* hardware or none */
		else if (fid == SBI_PMU_COUNTER_FW_READ)
			ret->value = (long)v->sbi.pmu_fw_value[idx - FW_BASE];
		/* fw_read_hi "always returns zero ... for RV64" */
		return;
	default:
		/* snapshot_set_shmem ("not available"), event_get_info (v3.0),
		 * and any other function. */
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

const struct sbi_ext sbi_ext_pmu = {
	.name = "PMU", .handler = pmu_handler,
};
