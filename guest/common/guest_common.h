/*
 * Definitions shared by the built-in guests.
 */
#ifndef GUEST_COMMON_H
#define GUEST_COMMON_H

#include <stdint.h>

/* The test guest runs its code from a second, high mapping of its RAM:
 * guest-virtual = guest-physical + GVA_HIGH_OFFSET. */
#define GVA_HIGH_OFFSET 0xffffffff00000000UL

void console_init(void);

/* start.S */
void go_high(uint64_t offset);

#endif
