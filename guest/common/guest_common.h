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

/* A 32-bit word no hart may execute, for the guests' illegal-instruction
 * steps: major opcode 1101011, which the base opcode map marks reserved
 * ("should be avoided for custom instruction-set extensions"), unlike
 * custom-0..3, which a conforming hart with vendor extensions may run
 * (with XTheadMemIdx, custom-0's 0x1234500b is a store). The validation
 * suite's check 59 executes the same word (hyp/validate/vworld.S). */
#define ILLEGAL_WORD 0x1234506bU
#define ILLEGAL_WORD_ASM ".option push\n.option norvc\n.word 0x1234506b\n.option pop"

void console_init(void);

/* start.S */
void go_high(uint64_t offset);

#endif
