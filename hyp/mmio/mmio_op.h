/*
 * The decode of an MMIO instruction as the exit path uses it
 * (hyp/mmio/mmio.c); a vCPU keeps its last one (vcpu.h).
 */
#ifndef HYP_MMIO_OP_H
#define HYP_MMIO_OP_H

#include <stdint.h>

/* No decode kept: a key no instruction (32 bits) and no failed fetch
 * (all ones) has. */
#define MMIO_OP_NONE (1ULL << 32)

/*
 * What the exit path needs of an MMIO instruction, worked out once from
 * its bits (a driver polling a register faults on the same instruction
 * again and again): the vCPU keeps the last one (vcpu.h, mmio_op).
 */
struct mmio_op {
	uint64_t key;	  /* the instruction's bits, zero-extended;
			   * MMIO_OP_NONE: none */
	uint8_t cause;	  /* the guest-page fault it raises: 21 for a load,
			   * 23 for a store, 0 for an FP access (never) */
	uint8_t width;	  /* 1, 2, 4 or 8 bytes */
	uint8_t reg;	  /* rd of a load, rs2 of a store */
	uint8_t callee;	  /* MMIO_CALLEE_*: a register the exit path must
			   * have saved is gp or one of s0-s11 (trap.S saves
			   * those only when asked) */
	uint8_t rs1;	  /* the base register (fetched instructions) */
	int32_t imm;	  /* and the offset: the access starts at rs1 + imm */
	uint8_t shift;	  /* the bits above a load's value (64 - 8 * width,
			   * 0 for 8 bytes): extended by a shift left and
			   * back (lib/insn.h, insn_extend_unused()) */
	uint8_t sign;	  /* LB/LH/LW/LD: arithmetic shift back */
	uint8_t len;	  /* its length, 2 or 4 bytes, by its bits */
	uint8_t vflags;	  /* TV_V_STORE for the trace's MMIO visit */
	uint64_t store_mask; /* a store writes the low 8 * width bits of reg */
	uint64_t trace;	  /* insn | TV_MMIO_INFO << 32, as the trace records */
};

/* mmio_op.callee: reg is callee-saved; rs1 is, and the access is wider
 * than a byte (so it may have begun on the page before: exit.c). */
#define MMIO_CALLEE_REG 1
#define MMIO_CALLEE_BASE 2

#endif
