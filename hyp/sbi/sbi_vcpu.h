/*
 * Per-vCPU state of the SBI extensions that keep some (STA, PMU, FWFT),
 * embedded in struct vcpu as `sbi`. Every field is written only by the
 * vCPU's own hart.
 */
#ifndef HYP_SBI_VCPU_H
#define HYP_SBI_VCPU_H

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
	/* PMU (hyp/sbi/sbi_pmu.c): firmware counters. */
	uint32_t pmu_fw_active;		/* events a started counter watches */
	uint32_t pmu_fw_started;	/* counters started (bit per counter) */
	uint32_t pmu_fw_configured;	/* counters given an event */
	uint8_t pmu_fw_event[SBI_PMU_FW_COUNTERS];
	uint64_t pmu_fw_value[SBI_PMU_FW_COUNTERS];
	uint32_t pmu_hw_started;	/* hardware counters the guest started */
	/* FWFT (hyp/sbi/sbi_fwft.c). */
	uint32_t fwft_locked;		/* bit per feature */
};

#endif
