/*
 * Definitions shared by the built-in guests.
 */
#ifndef GUEST_COMMON_H
#define GUEST_COMMON_H

#include <stdint.h>

/* The test guest runs its code from a second, high mapping of its RAM:
 * guest-virtual = guest-physical + GVA_HIGH_OFFSET, which puts the start
 * of its RAM (QEMU virt's 0x80000000, where it is linked) at the base of
 * the top gigabyte of Sv39, 0xffffffffc0000000. */
#define GVA_HIGH_OFFSET (0xffffffffc0000000UL - 0x80000000UL)

void console_init(void);

/* start.S */
void go_high(uint64_t offset);

#endif
