/*
 * The conformance guest's calling harness.
 *
 * conform_ecall(in, out): load every GPR but x0 from in->x[] (sp is first
 * written into in->x[2], so it keeps its value), ecall, store every GPR
 * into out->x[]. The out pointer waits in sscratch meanwhile (VS-mode's
 * own CSR, which the call must not touch either). out->x[0] holds our sp
 * during the call. ra, gp, tp and s0-s11 are ours again on return, and
 * sscratch is 0 (the boot vCPU's mark; the secondary's is 1).
 */
#include "callee_frame.h"

	.section .text
	.balign 4
	.globl conform_ecall
conform_ecall:
	CALLEE_FRAME_PUSH
	csrw	sscratch, a1
	sd	sp, 0(a1)
	sd	sp, 16(a0)
	ld	x1, 8(a0)
	ld	x3, 24(a0)
	ld	x4, 32(a0)
	ld	x5, 40(a0)
	ld	x6, 48(a0)
	ld	x7, 56(a0)
	ld	x8, 64(a0)
	ld	x9, 72(a0)
	ld	x11, 88(a0)
	ld	x12, 96(a0)
	ld	x13, 104(a0)
	ld	x14, 112(a0)
	ld	x15, 120(a0)
	ld	x16, 128(a0)
	ld	x17, 136(a0)
	ld	x18, 144(a0)
	ld	x19, 152(a0)
	ld	x20, 160(a0)
	ld	x21, 168(a0)
	ld	x22, 176(a0)
	ld	x23, 184(a0)
	ld	x24, 192(a0)
	ld	x25, 200(a0)
	ld	x26, 208(a0)
	ld	x27, 216(a0)
	ld	x28, 224(a0)
	ld	x29, 232(a0)
	ld	x30, 240(a0)
	ld	x31, 248(a0)
	ld	x10, 80(x10)
	ecall
	csrrw	t0, sscratch, t0
	sd	x1, 8(t0)
	sd	x2, 16(t0)
	sd	x3, 24(t0)
	sd	x4, 32(t0)
	sd	x6, 48(t0)
	sd	x7, 56(t0)
	sd	x8, 64(t0)
	sd	x9, 72(t0)
	sd	x10, 80(t0)
	sd	x11, 88(t0)
	sd	x12, 96(t0)
	sd	x13, 104(t0)
	sd	x14, 112(t0)
	sd	x15, 120(t0)
	sd	x16, 128(t0)
	sd	x17, 136(t0)
	sd	x18, 144(t0)
	sd	x19, 152(t0)
	sd	x20, 160(t0)
	sd	x21, 168(t0)
	sd	x22, 176(t0)
	sd	x23, 184(t0)
	sd	x24, 192(t0)
	sd	x25, 200(t0)
	sd	x26, 208(t0)
	sd	x27, 216(t0)
	sd	x28, 224(t0)
	sd	x29, 232(t0)
	sd	x30, 240(t0)
	sd	x31, 248(t0)
	csrr	t1, sscratch
	sd	t1, 40(t0)
	csrw	sscratch, zero	/* 0 = the calling hart (main.c guest_trap) */
	ld	sp, 0(t0)
	CALLEE_FRAME_POP
	ret

/*
 * conform_suspend_nonret(type): HSM hart_suspend(type, nonret_resume,
 * opaque = nonret_ctx). A non-retentive suspend resumes at resume_addr
 * with a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0 and every
 * other register undefined ("Function: Hart suspend", "HSM Hart Resume
 * Register State"): nonret_resume records what it found, restores what C
 * needs from nonret_ctx and returns {CONFORM_RESUMED, hart id}. If the
 * call returns instead: {error, -1}.
 */
	.globl conform_suspend_nonret
conform_suspend_nonret:
	li	t2, 3		/* hart_suspend */
	li	t3, 0x48534D	/* "HSM" */
	j	suspend_common

/*
 * conform_system_suspend(type): SUSP system_suspend(type, nonret_resume,
 * opaque = nonret_ctx), the same way: a resumed hart has a0 = hart id,
 * a1 = opaque, satp = 0, sstatus.SIE = 0 ("SUSP System Resume Register
 * State").
 */
	.globl conform_system_suspend
conform_system_suspend:
	li	t2, 0		/* system_suspend */
	li	t3, 0x53555350	/* "SUSP" */

suspend_common:
	la	t0, nonret_ctx
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	sd	gp, 16(t0)
	sd	tp, 24(t0)
	sd	s0, 32(t0)
	sd	s1, 40(t0)
	sd	s2, 48(t0)
	sd	s3, 56(t0)
	sd	s4, 64(t0)
	sd	s5, 72(t0)
	sd	s6, 80(t0)
	sd	s7, 88(t0)
	sd	s8, 96(t0)
	sd	s9, 104(t0)
	sd	s10, 112(t0)
	sd	s11, 120(t0)
	csrr	t1, stvec
	sd	t1, 128(t0)
	mv	a2, t0
	la	a1, nonret_resume
	mv	a6, t2
	mv	a7, t3
	ecall
	li	a1, -1
	ret

	.balign 4
	.globl nonret_resume
nonret_resume:
	la	t0, nonret_seen
	sd	a0, 0(t0)
	sd	a1, 8(t0)
	csrr	t1, satp
	sd	t1, 16(t0)
	csrr	t1, sstatus
	sd	t1, 24(t0)
	la	t0, nonret_ctx
	ld	t1, 128(t0)
	csrw	stvec, t1
	ld	ra, 0(t0)
	ld	sp, 8(t0)
	ld	gp, 16(t0)
	ld	tp, 24(t0)
	ld	s0, 32(t0)
	ld	s1, 40(t0)
	ld	s2, 48(t0)
	ld	s3, 56(t0)
	ld	s4, 64(t0)
	ld	s5, 72(t0)
	ld	s6, 80(t0)
	ld	s7, 88(t0)
	ld	s8, 96(t0)
	ld	s9, 104(t0)
	ld	s10, 112(t0)
	ld	s11, 120(t0)
	mv	a1, a0
	li	a0, 0x7e5	/* CONFORM_RESUMED */
	ret

/*
 * The secondary vCPU's entry for HSM hart_start(hart, secondary_entry,
 * opaque = its stack top): S-mode (VS under the hypervisor), MMU off,
 * a0 = hart id, a1 = opaque ("HSM Hart Start Register State").
 */
	.balign 4
	.globl secondary_entry
secondary_entry:
	beqz	a1, 1f
	mv	sp, a1
	la	tp, secondary_tls
	la	t0, trap_entry
	csrw	stvec, t0
	call	secondary_main
1:	wfi
	j	1b

/*
 * susp_escape: the resume_addr of the SUSP calls that must fail. Reached
 * only if the hypervisor suspended anyway and resumed there: a stack of
 * its own, then conform_wrong_resume (ext_susp.c) reports and ends the run.
 */
	.balign 4
	.globl susp_escape
susp_escape:
	la	sp, escape_stack + 4096
	la	tp, escape_tls
	la	t0, trap_entry
	csrw	stvec, t0
	call	conform_wrong_resume
2:	wfi
	j	2b

	.section .bss
	.balign 64
escape_stack:
	.skip	4096
escape_tls:
	.skip	256
	.globl nonret_ctx, nonret_seen
nonret_ctx:
	.skip	256
nonret_seen:
	.skip	32
secondary_tls:
	.skip	256
