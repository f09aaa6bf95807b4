/*
 * A test-and-set spin lock for the few places harts share hypervisor state
 * (console line output, emulated device state). Acquire with amoswap.w.aq
 * and release with amoswap.w.rl: the A extension's acquire/release bits
 * order the critical section's accesses inside the lock ("Atomic Memory
 * Operations" in the unprivileged specification). Never held on the trace
 * write path, which is lock-free.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <stdint.h>

typedef struct {
	volatile uint32_t held;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	for (;;) {
		uint32_t old;
		__asm__ volatile("amoswap.w.aq %0, %2, %1"
				 : "=r"(old), "+A"(l->held)
				 : "r"(1u)
				 : "memory");
		if (!old)
			return;
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	uint32_t old;
	__asm__ volatile("amoswap.w.rl %0, zero, %1" : "=r"(old), "+A"(l->held)::"memory");
	(void)old;
}

#endif
