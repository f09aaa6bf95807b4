/*
 * Per-vCPU state of the SBI extensions that keep some (STA, PMU, FWFT),
 * embedded in struct vcpu as `sbi`. Every field is written only by the
 * vCPU's own hart.
 */
#ifndef HYP_SBI_VCPU_H
#define HYP_SBI_VCPU_H

#include <stdbool.h>
#include <stdint.h>

/* Firmware counters per vCPU (PMU): one per firmware event is enough for
 * a guest to watch every event at once. */
#define SBI_PMU_FW_COUNTERS 16

struct sbi_sta_shmem;

struct sbi_vcpu {
	/* STA (hyp/sbi/sbi_sta.c): NULL while steal-time reporting is off. */
	volatile struct sbi_sta_shmem *sta;
	uint64_t sta_steal_ticks;	/* steal so far, time-CSR ticks */
	uint64_t sta_exit_time;		/* start of this exit if it steals, else 0 */
	bool sta_held;			/* system suspend: no write until it resumes */
	/* PMU (hyp/sbi/sbi_pmu.c): firmware counters. */
	uint32_t pmu_fw_active;		/* events a started counter watches */
	uint32_t pmu_fw_started;	/* counters started (bit per counter) */
	uint32_t pmu_fw_configured;	/* counters given an event */
	uint8_t pmu_fw_event[SBI_PMU_FW_COUNTERS];
	uint64_t pmu_fw_value[SBI_PMU_FW_COUNTERS];
	/* PMU (hyp/sbi/sbi_pmu_hw.c): the virtual cycle (0) and instret (2),
	 * bit per counter index. */
	uint32_t pmu_hw_started;	/* started by the guest */
	uint32_t pmu_hw_virtual;	/* reads emulated (hcounteren bit clear) */
	uint64_t pmu_hw_value[3];	/* started: offset from the hardware's
					 * count; stopped: the value itself */
	/* FWFT (hyp/sbi/sbi_fwft.c). */
	uint32_t fwft_locked;		/* bit per feature */
	int8_t fwft_misaligned_reset;	/* MISALIGNED_EXC_DELEG at reset, -1: unknown */
	bool fwft_misaligned_set;	/* the guest changed it since */
	int8_t fwft_misaligned_now;	/* its value for this vCPU, -1: unknown */
};

#endif
