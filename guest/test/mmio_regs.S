/*
 * MMIO through every register: one emulated load into xN and one
 * emulated store from xN, for each N, with every other register holding
 * a known value, so the test sees that the hypervisor wrote exactly rd
 * and kept every other register (hyp/arch/trap.S saves the callee-saved
 * ones only when the instruction names one of them).
 *
 * void mmio_regs_run(struct mmio_regs *c, unsigned long which)
 *   c->in[32] (offset 0): the values loaded into x1..x31 before the
 *     access (in[2] is set to our sp, which must stay valid);
 *   c->out[32] (offset 256): x1..x31 right after the access;
 *   c->addr (offset 512): the device register accessed.
 *   which = 2 * N + (1 for the store, 0 for the load). The base register
 *   of the access is x31, or x30 when N is 31. A load into sp is not
 *   offered (sp must survive it).
 * c waits in sscratch during the case; the caller's sscratch is kept.
 */
#include "callee_frame.h"

	.section .text
	.balign 4
	.globl mmio_regs_run
mmio_regs_run:
	CALLEE_FRAME_PUSH
	csrr	t0, sscratch
	sd	t0, 120(sp)
	csrw	sscratch, a0
	sd	sp, 16(a0)		/* in[2]: sp keeps its value */
	la	t0, mmio_regs_table
	slli	a1, a1, 3
	add	t0, t0, a1
	ld	t0, 0(t0)
	jr	t0

/* Every register but sp, a0 and the base from c->in, then a0. */
	.macro LOAD_ALL base
	ld	x\base, 512(a0)
	.irp	k, 1,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.if \k != \base
	ld	x\k, \k*8(a0)
	.endif
	.endr
	ld	a0, 10*8(a0)
	.endm

	/* mmio_ld_xN / mmio_sd_xN: the access through xN, base x31 (x30
	 * for x31). */
	.macro CASE_OP op, n
mmio_\op\()_x\n:
	.if \n == 31
	LOAD_ALL 30
	\op	x\n, 0(x30)
	.else
	LOAD_ALL 31
	\op	x\n, 0(x31)
	.endif
	j	mmio_regs_out
	.endm

	.macro CASE n
	CASE_OP ld, \n
	CASE_OP sd, \n
	.endm

	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	CASE	\n
	.endr
mmio_sd_x2:
	LOAD_ALL 31
	sd	x2, 0(x31)
	/* fall through */

/* Every register into c->out, then the caller's registers back. */
mmio_regs_out:
	csrrw	a0, sscratch, a0	/* a0 = c; the case's a0 in sscratch */
	.irp	k, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\k, 256+\k*8(a0)
	.endr
	csrr	t0, sscratch
	sd	t0, 256+10*8(a0)
	ld	t0, 120(sp)
	csrw	sscratch, t0
	CALLEE_FRAME_POP
	ret

	.section .rodata
	.balign 8
mmio_regs_table:
	.dword	0, 0			/* x0: none */
	.dword	mmio_ld_x1, mmio_sd_x1
	.dword	0, mmio_sd_x2		/* sp: the store only */
	.irp	n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.dword	mmio_ld_x\n, mmio_sd_x\n
	.endr
