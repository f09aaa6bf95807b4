/*
 * A test-and-set spin lock for the few places harts share hypervisor state
 * (console output, trace dumps, emulated device state). Acquire with
 * amoswap.w.aq and release with amoswap.w.rl: the A extension's
 * acquire/release bits order the critical section's accesses inside the
 * lock ("Atomic Memory Operations" in the unprivileged specification).
 * Never held on the trace write path, which is lock-free.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	volatile uint32_t held;
} spinlock_t;

/* One attempt: true when the lock was free and is now held. */
static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t old;
	__asm__ volatile("amoswap.w.aq %0, %2, %1"
			 : "=r"(old), "+A"(l->held)
			 : "r"(1u)
			 : "memory");
	return !old;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l))
		;
}

static inline void spin_unlock(spinlock_t *l)
{
	uint32_t old;
	__asm__ volatile("amoswap.w.rl %0, zero, %1" : "=r"(old), "+A"(l->held)::"memory");
	(void)old;
}

#endif
