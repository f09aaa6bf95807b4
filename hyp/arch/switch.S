/*
 * Switching a time-shared hart from one vCPU's hypervisor thread to
 * another's (hyp/core/sched.c), and saving the guest's floating-point
 * and vector registers, which the hypervisor itself never touches.
 */
	.section .text
	.balign 4

/*
 * void ctx_switch(struct sched_ctx *from, struct sched_ctx *to,
 *                 struct vcpu *to_vcpu)
 *
 * Keep in *from what the calling convention says survives a call (ra,
 * sp, s0-s11) and gp, which holds the guest's value on the fast exit
 * path; then make to_vcpu this hart's vCPU (tp: trap.S's convention;
 * sscratch stays 0 while the hypervisor runs) and continue where its
 * thread stopped. A thread that never
 * ran starts at sched_thread_entry (sched.c sets its ctx).
 */
	.globl ctx_switch
ctx_switch:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	gp, 16(a0)
	sd	s0, 24(a0)
	sd	s1, 32(a0)
	sd	s2, 40(a0)
	sd	s3, 48(a0)
	sd	s4, 56(a0)
	sd	s5, 64(a0)
	sd	s6, 72(a0)
	sd	s7, 80(a0)
	sd	s8, 88(a0)
	sd	s9, 96(a0)
	sd	s10, 104(a0)
	sd	s11, 112(a0)
	mv	tp, a2
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	gp, 16(a1)
	ld	s0, 24(a1)
	ld	s1, 32(a1)
	ld	s2, 40(a1)
	ld	s3, 48(a1)
	ld	s4, 56(a1)
	ld	s5, 64(a1)
	ld	s6, 72(a1)
	ld	s7, 80(a1)
	ld	s8, 88(a1)
	ld	s9, 96(a1)
	ld	s10, 104(a1)
	ld	s11, 112(a1)
	ret

/* A thread's first instructions: its vCPU is in tp. */
	.globl sched_thread_entry
sched_thread_entry:
	mv	a0, tp
	call	sched_thread_main	/* sched.c; does not return */
1:	wfi
	j	1b

/* void fp_save(uint64_t f[32], uint64_t *fcsr) and fp_load: the F/D
 * registers as 64-bit doubles (fsd/fld move the raw bits, NaN-boxed
 * singles included). */
	.option push
	.option arch, +d
	.globl fp_save
fp_save:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, \n*8(a0)
	.endr
	frcsr	t0
	sd	t0, 0(a1)
	ret

	.globl fp_load
fp_load:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, \n*8(a0)
	.endr
	ld	t0, 0(a1)
	fscsr	t0
	ret
	.option pop

/* void vec_save(void *vregs, uint64_t vcsr[4]) and vec_load: v0-v31 as
 * four groups of eight whole registers, and vstart, vl, vtype, vcsr.
 * vstart is zero while they move the registers: "All vector instructions
 * are defined to begin execution with the element number given in the
 * vstart CSR, leaving earlier elements in the destination vector
 * undisturbed", whole-register loads and stores too ("no elements are
 * written if vstart >= evl"). With the guest's nonzero vstart in place,
 * vs8r.v would keep only v0's bytes from vstart on and vl8re8.v load only
 * those: the rest would come back stale. */
	.option push
	.option arch, +v
	.globl vec_save
vec_save:
	csrrw	t0, vstart, zero	/* the guest's, then 0 for the stores */
	sd	t0, 0(a1)
	csrr	t0, vl
	sd	t0, 8(a1)
	csrr	t0, vtype
	sd	t0, 16(a1)
	csrr	t0, vcsr
	sd	t0, 24(a1)
	csrr	t1, vlenb
	slli	t1, t1, 3		/* bytes in a group of eight */
	vs8r.v	v0, (a0)
	add	a0, a0, t1
	vs8r.v	v8, (a0)
	add	a0, a0, t1
	vs8r.v	v16, (a0)
	add	a0, a0, t1
	vs8r.v	v24, (a0)
	ret

	.globl vec_load
vec_load:
	csrw	vstart, zero		/* the loads write every element */
	csrr	t1, vlenb
	slli	t1, t1, 3
	vl8re8.v v0, (a0)
	add	a0, a0, t1
	vl8re8.v v8, (a0)
	add	a0, a0, t1
	vl8re8.v v16, (a0)
	add	a0, a0, t1
	vl8re8.v v24, (a0)
	ld	t0, 8(a1)		/* vl and vtype back through vsetvl */
	ld	t1, 16(a1)
	vsetvl	x0, t0, t1
	ld	t0, 0(a1)
	csrw	vstart, t0
	ld	t0, 24(a1)
	csrw	vcsr, t0
	ret

/* void vec_zero(void): v0-v31 and vstart, vl, vtype, vcsr zero, as a hart
 * with or without a save buffer starts (vcpu_state_reset). The vsetvli
 * first: "All vector instructions, including vset{i}vl{i}, reset the
 * vstart CSR to zero", so the moves start at element 0. Eight registers
 * at a time: LMUL=8 at VLMAX writes every byte of a group of eight, the
 * tail-agnostic tail being empty. Then vl 0 and vtype 0 through vsetvl
 * (AVL 0 from x0's value in t0, vtype from x0). */
	.globl vec_zero
vec_zero:
	vsetvli	t0, x0, e8, m8, ta, ma
	vmv.v.i	v0, 0
	vmv.v.i	v8, 0
	vmv.v.i	v16, 0
	vmv.v.i	v24, 0
	li	t0, 0
	vsetvl	x0, t0, x0
	csrw	vcsr, x0
	ret

	.globl vec_vlenb
vec_vlenb:
	csrr	a0, vlenb
	ret
	.option pop
