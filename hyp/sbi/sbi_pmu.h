/*
 * Between the SBI PMU's calls (sbi_pmu.c) and its virtual hardware
 * counters, cycle (0) and instret (2) (sbi_pmu_hw.c). `c` is 0 or 2.
 */
#ifndef HYP_SBI_PMU_H
#define HYP_SBI_PMU_H

#include "../core/vcpu.h"

uint64_t pmu_hw_offered(void);		/* bit per counter offered */
unsigned long pmu_hw_info(unsigned c);	/* counter_info */
bool pmu_hw_counts(unsigned c, unsigned long event_idx);
void pmu_hw_take(struct vcpu *v, unsigned c); /* emulate the guest's reads from now on */
uint64_t pmu_hw_get(const struct vcpu *v, unsigned c);
void pmu_hw_set(struct vcpu *v, unsigned c, uint64_t value);
void pmu_hw_start(struct vcpu *v, unsigned c);
void pmu_hw_stop(struct vcpu *v, unsigned c);

#endif
