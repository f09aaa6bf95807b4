/*
 * Assembly harnesses that load every register with test values keep the
 * caller's callee-saved ones (ra, gp, tp, s0-s11) in a 128-byte frame:
 * ra at 0, gp 8, tp 16, s0-s11 at 24..112; 120 is the harness's own.
 */
#ifndef GUEST_CALLEE_FRAME_H
#define GUEST_CALLEE_FRAME_H

#ifdef __ASSEMBLER__
	.macro CALLEE_FRAME_PUSH
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 24(sp)
	sd	s1, 32(sp)
	.irp	n, 2,3,4,5,6,7,8,9,10,11
	sd	s\n, 24+\n*8(sp)
	.endr
	.endm

	.macro CALLEE_FRAME_POP
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 24(sp)
	ld	s1, 32(sp)
	.irp	n, 2,3,4,5,6,7,8,9,10,11
	ld	s\n, 24+\n*8(sp)
	.endr
	addi	sp, sp, 128
	.endm
#endif

#endif
