/*
 * The validation suite's private world switch, its trap vector, HS-mode
 * probes and the VS/VU code snippets (hyp/validate/vworld.h describes the
 * interface).
 *
 * A run is a setjmp/longjmp pair that never moves the stack pointer:
 * vw_enter saves the HS caller's callee-saved registers in the context,
 * installs vw_vector in stvec and the context in sscratch, loads the guest
 * registers except sp and executes sret. The snippets never write sp, so
 * when a trap reaches HS-mode, sp is still vw_enter's caller's; vw_vector
 * saves the guest registers and every trap CSR ("Trap Entry": sepc,
 * scause, stval, htval, htinst, hstatus with SPV/SPVP/GVA, sstatus with
 * SPP), puts back the hypervisor's sscratch and stvec and returns from
 * vw_enter.
 *
 * An HS probe runs one instruction that may trap with stvec pointing at a
 * recovery label inside the probe itself: a trap there records the trap
 * CSRs and returns 1.
 */
#include "vworld.h"

	.option push
	.option arch, +h

	.section .text
	.balign 4
/* void vw_enter(struct vw_ctx *ctx) */
	.globl vw_enter
vw_enter:
	sd	ra, VW_HS+0*8(a0)
	sd	sp, VW_HS+1*8(a0)
	sd	gp, VW_HS+2*8(a0)
	sd	tp, VW_HS+3*8(a0)
	sd	s0, VW_HS+4*8(a0)
	sd	s1, VW_HS+5*8(a0)
	sd	s2, VW_HS+6*8(a0)
	sd	s3, VW_HS+7*8(a0)
	sd	s4, VW_HS+8*8(a0)
	sd	s5, VW_HS+9*8(a0)
	sd	s6, VW_HS+10*8(a0)
	sd	s7, VW_HS+11*8(a0)
	sd	s8, VW_HS+12*8(a0)
	sd	s9, VW_HS+13*8(a0)
	sd	s10, VW_HS+14*8(a0)
	sd	s11, VW_HS+15*8(a0)
	csrr	t0, sscratch
	sd	t0, VW_SAVED_SSCRATCH(a0)
	csrr	t0, stvec
	sd	t0, VW_SAVED_STVEC(a0)
	la	t0, vw_vector
	csrw	stvec, t0
	csrw	sscratch, a0
	ld	t0, VW_SEPC(a0)
	csrw	sepc, t0
	mv	t6, a0
	ld	x1, 1*8(t6)
	ld	x3, 3*8(t6)
	ld	x4, 4*8(t6)
	ld	x5, 5*8(t6)
	ld	x6, 6*8(t6)
	ld	x7, 7*8(t6)
	ld	x8, 8*8(t6)
	ld	x9, 9*8(t6)
	ld	x10, 10*8(t6)
	ld	x11, 11*8(t6)
	ld	x12, 12*8(t6)
	ld	x13, 13*8(t6)
	ld	x14, 14*8(t6)
	ld	x15, 15*8(t6)
	ld	x16, 16*8(t6)
	ld	x17, 17*8(t6)
	ld	x18, 18*8(t6)
	ld	x19, 19*8(t6)
	ld	x20, 20*8(t6)
	ld	x21, 21*8(t6)
	ld	x22, 22*8(t6)
	ld	x23, 23*8(t6)
	ld	x24, 24*8(t6)
	ld	x25, 25*8(t6)
	ld	x26, 26*8(t6)
	ld	x27, 27*8(t6)
	ld	x28, 28*8(t6)
	ld	x29, 29*8(t6)
	ld	x30, 30*8(t6)
	ld	x31, 31*8(t6)
	sret

/*
 * The private trap vector (direct mode, so 4-byte aligned). sscratch holds
 * the context while a run is active; sp is the HS caller's (see above).
 */
	.balign 4
vw_vector:
	csrrw	t6, sscratch, t6
	sd	x1, 1*8(t6)
	sd	x2, 2*8(t6)
	sd	x3, 3*8(t6)
	sd	x4, 4*8(t6)
	sd	x5, 5*8(t6)
	sd	x6, 6*8(t6)
	sd	x7, 7*8(t6)
	sd	x8, 8*8(t6)
	sd	x9, 9*8(t6)
	sd	x10, 10*8(t6)
	sd	x11, 11*8(t6)
	sd	x12, 12*8(t6)
	sd	x13, 13*8(t6)
	sd	x14, 14*8(t6)
	sd	x15, 15*8(t6)
	sd	x16, 16*8(t6)
	sd	x17, 17*8(t6)
	sd	x18, 18*8(t6)
	sd	x19, 19*8(t6)
	sd	x20, 20*8(t6)
	sd	x21, 21*8(t6)
	sd	x22, 22*8(t6)
	sd	x23, 23*8(t6)
	sd	x24, 24*8(t6)
	sd	x25, 25*8(t6)
	sd	x26, 26*8(t6)
	sd	x27, 27*8(t6)
	sd	x28, 28*8(t6)
	sd	x29, 29*8(t6)
	sd	x30, 30*8(t6)
	csrr	t5, sscratch
	sd	t5, 31*8(t6)
	csrr	t5, sepc
	sd	t5, VW_SEPC(t6)
	csrr	t5, scause
	sd	t5, VW_SCAUSE(t6)
	csrr	t5, stval
	sd	t5, VW_STVAL(t6)
	csrr	t5, htval
	sd	t5, VW_HTVAL(t6)
	csrr	t5, htinst
	sd	t5, VW_HTINST(t6)
	csrr	t5, hstatus
	sd	t5, VW_HSTATUS(t6)
	csrr	t5, sstatus
	sd	t5, VW_SSTATUS(t6)
	ld	t5, VW_SAVED_SSCRATCH(t6)
	csrw	sscratch, t5
	ld	t5, VW_SAVED_STVEC(t6)
	csrw	stvec, t5
	ld	ra, VW_HS+0*8(t6)
	ld	gp, VW_HS+2*8(t6)
	ld	tp, VW_HS+3*8(t6)
	ld	s0, VW_HS+4*8(t6)
	ld	s1, VW_HS+5*8(t6)
	ld	s2, VW_HS+6*8(t6)
	ld	s3, VW_HS+7*8(t6)
	ld	s4, VW_HS+8*8(t6)
	ld	s5, VW_HS+9*8(t6)
	ld	s6, VW_HS+10*8(t6)
	ld	s7, VW_HS+11*8(t6)
	ld	s8, VW_HS+12*8(t6)
	ld	s9, VW_HS+13*8(t6)
	ld	s10, VW_HS+14*8(t6)
	ld	s11, VW_HS+15*8(t6)
	ret

/*
 * uint64_t vw_probe(struct vw_ctx *c, unsigned op, uint64_t a0, uint64_t a1)
 *
 * HS-mode probes: runs instruction `op` (VP_* in vworld.h) on a0/a1,
 * result in a0. Returns 0 with the result in c->ret, or 1 when it trapped,
 * with the trap CSRs in c. A trap from HS-mode (or one the firmware
 * redirects to HS) lands on the local label 9, with sp and every register
 * but the trap CSRs as they were. One function with a branch per probe,
 * so it makes no calls at all.
 */
	.macro PCASE num, op:vararg
	li	t3, \num
	bne	t2, t3, 1f
	\op
	j	7f
1:
	.endm

	.balign 4
	.globl vw_probe
vw_probe:
	csrr	t0, stvec
	sd	t0, VW_SAVED_STVEC(a0)
	la	t0, 9f
	csrw	stvec, t0
	mv	t1, a0
	mv	t2, a1
	mv	a0, a2
	mv	a1, a3
	/* Virtual-machine loads and stores ("Hypervisor Virtual-Machine Load
	 * and Store Instructions"): a0 = address, a1 = value. */
	PCASE VP_HLV_B, hlv.b a0, (a0)
	PCASE VP_HLV_BU, hlv.bu a0, (a0)
	PCASE VP_HLV_H, hlv.h a0, (a0)
	PCASE VP_HLV_HU, hlv.hu a0, (a0)
	PCASE VP_HLV_W, hlv.w a0, (a0)
	PCASE VP_HLV_WU, hlv.wu a0, (a0)
	PCASE VP_HLV_D, hlv.d a0, (a0)
	PCASE VP_HLVX_HU, hlvx.hu a0, (a0)
	PCASE VP_HLVX_WU, hlvx.wu a0, (a0)
	PCASE VP_HSV_B, hsv.b a1, (a0)
	PCASE VP_HSV_H, hsv.h a1, (a0)
	PCASE VP_HSV_W, hsv.w a1, (a0)
	PCASE VP_HSV_D, hsv.d a1, (a0)
	/* CSRs that may be absent (Sstc) or unreadable here (mcounteren). */
	PCASE VP_RD_STIMECMP, csrr a0, stimecmp
	PCASE VP_RD_VSTIMECMP, csrr a0, vstimecmp
	PCASE VP_WR_VSTIMECMP, csrw vstimecmp, a0
	PCASE VP_RD_CYCLE, csrr a0, cycle
	PCASE VP_RD_TIME, csrr a0, time
	PCASE VP_RD_INSTRET, csrr a0, instret
	/* hgeip is read-only (a write must trap); vsiselect/vsireg (0x250,
	 * 0x251, AIA) by number; a plain store to an interrupt file. */
	PCASE VP_WR_HGEIP, csrw hgeip, a0
	li	t3, VP_RD_VSIREG
	bne	t2, t3, 1f
	csrw	0x250, a0
	csrr	a0, 0x251
	j	7f
1:	li	t3, VP_WR_VSIREG
	bne	t2, t3, 1f
	csrw	0x250, a0
	csrw	0x251, a1
	j	7f
1:	PCASE VP_SW, sw a1, 0(a0)
	PCASE VP_RD_VSTOPEI, csrr a0, 0x25c
	PCASE VP_CLAIM_VSTOPEI, csrrw a0, 0x25c, zero
	li	a0, -1			/* unknown op: no result */
7:	sd	a0, VW_RET(t1)
	ld	t0, VW_SAVED_STVEC(t1)
	csrw	stvec, t0
	li	a0, 0
	ret
	.balign 4
9:	csrr	t0, sepc
	sd	t0, VW_SEPC(t1)
	csrr	t0, scause
	sd	t0, VW_SCAUSE(t1)
	csrr	t0, stval
	sd	t0, VW_STVAL(t1)
	csrr	t0, htval
	sd	t0, VW_HTVAL(t1)
	csrr	t0, htinst
	sd	t0, VW_HTINST(t1)
	csrr	t0, hstatus
	sd	t0, VW_HSTATUS(t1)
	csrr	t0, sstatus
	sd	t0, VW_SSTATUS(t1)
	ld	t0, VW_SAVED_STVEC(t1)
	csrw	stvec, t0
	li	a0, 1
	ret

	.globl vw_hfence_gvma_all, vw_hfence_gvma, vw_hfence_vvma_all, vw_hfence_vvma
vw_hfence_gvma_all:
	hfence.gvma zero, zero
	ret
vw_hfence_gvma:
	hfence.gvma a0, a1
	ret
vw_hfence_vvma_all:
	hfence.vvma zero, zero
	ret
vw_hfence_vvma:
	hfence.vvma a0, a1
	ret

/*
 * ---- VS/VU snippets ----
 * Copied into the validation VM's code page and run there, so they must be
 * position independent. 4-byte instructions only (norvc), so every
 * instruction word can be read back for the htinst/stval checks.
 */
	.section .rodata.vs_blob, "a"
	.option norvc
	.balign 64
	.globl vs_blob_start, vs_blob_end
vs_blob_start:

	.macro SNIP name
	.balign 4
	.globl \name
\name:
	.endm

SNIP vs_ecall
	ecall
SNIP vs_ld
	ld	a1, 0(a0)
	ecall
SNIP vs_lh
	lh	a1, 0(a0)
	ecall
SNIP vs_lw
	lw	a1, 0(a0)
	ecall
SNIP vs_sd
	sd	a1, 0(a0)
	ecall
SNIP vs_sw
	sw	a1, 0(a0)
	ecall
SNIP vs_amo
	amoadd.d a1, a1, (a0)
	ecall
SNIP vs_lr
	lr.d	a1, (a0)
	ecall
SNIP vs_jr
	jr	a0
SNIP vs_wfi
	wfi
	ecall
SNIP vs_sret
	sret
SNIP vs_after_sret
	li	a1, 0x5e7
	ecall
SNIP vs_csrr_hstatus
	csrr	a1, hstatus
	ecall
SNIP vs_csrr_vsstatus
	csrr	a1, vsstatus
	ecall
SNIP vs_csrr_satp
	csrr	a1, satp
	ecall
SNIP vs_csrr_sstatus
	csrr	a1, sstatus
	ecall
SNIP vs_sfence
	sfence.vma
	ecall
SNIP vs_hlv
	hlv.d	a1, (a0)
	ecall
SNIP vs_hsv
	hsv.d	a1, (a0)
	ecall
SNIP vs_hfence_gvma
	hfence.gvma zero, zero
	ecall
SNIP vs_hfence_vvma
	hfence.vvma zero, zero
	ecall
SNIP vs_rdtime
	csrr	a1, time
	ecall
SNIP vs_rdcycle
	csrr	a1, cycle
	ecall
SNIP vs_rdinstret
	csrr	a1, instret
	ecall
SNIP vs_rd_stimecmp
	csrr	a1, stimecmp
	ecall
SNIP vs_wr_stimecmp
	csrw	stimecmp, a0
	ecall
/* The supervisor CSRs a VS guest sees: its VS CSRs. a0 goes to sscratch. */
SNIP vs_csr_sub
	csrr	a1, sscratch
	csrw	sscratch, a0
	csrr	a2, sepc
	csrr	a3, stvec
	csrr	a4, sstatus
	csrr	a5, scause
	csrr	a6, stval
	ecall
SNIP vs_wr_satp
	csrw	satp, a0
	csrr	a1, satp
	ecall
SNIP vs_wr_scounteren
	csrw	scounteren, a0
	ecall
SNIP vs_ebreak
	ebreak
	ecall
/* A word in a major opcode the base opcode map marks reserved (inst[6:2]
 * = 11010): "Opcodes marked as reserved should be avoided for custom
 * instruction-set extensions", while custom-0..3 are exactly where a
 * vendor's instructions live (unpriv "RV32/64G Instruction Set
 * Listings"), so no hart runs this one today. */
SNIP vs_reserved
	.word	0x1234506b
	ecall
/* fmv.w.x f0, zero (F; encoded by hand: the hypervisor is built
 * without F), then back. */
SNIP vs_fmv
	.word	0xf0000053
	ecall
/* fmv.d f0, f0 (fsgnj.d; vs_fp_touch_s: fmv.s, for a hart with F but not
 * D, where f0 is 32 bits): an FP instruction that writes f0 with its own
 * value, so it "possibly modifies" the FP state (FS goes Dirty) and the
 * guest's f0 is left as it was; then the guest's own sstatus into a1. */
SNIP vs_fp_touch_d
	.word	0x22000053
	csrr	a1, sstatus
	ecall
SNIP vs_fp_touch_s
	.word	0x20000053
	csrr	a1, sstatus
	ecall
/* Enable VS interrupts (sstatus.SIE) and wait a1 loop iterations; an
 * interrupt goes to vs_handler (vstvec), which reports it. a0 = 0: none
 * came. In VU-mode the csrsi itself would trap, so VU runs enter at
 * vs_spin. */
SNIP vs_irq_wait
	csrsi	sstatus, 2
SNIP vs_spin
	mv	t0, a1
1:	addi	t0, t0, -1
	bgtz	t0, 1b
	li	a0, 0
	li	a7, 0
	ecall
/* vstvec: report the trap the guest took (a7 = 0x7ec says so). */
SNIP vs_handler
	csrr	a0, scause
	csrr	a1, stval
	csrr	a2, sepc
	csrr	a3, sstatus
	li	a7, 0x7ec
	ecall
/* Read, rewrite a page-table entry (a3 = its address, a2 = new value),
 * read again with no fence: a4 is stale where translations are cached. */
SNIP vs_stale
	ld	a1, 0(a0)
	sd	a2, 0(a3)
	ld	a4, 0(a0)
	ecall
/* The same with the guest's own SFENCE.VMA between the two reads. */
SNIP vs_sfence_reload
	ld	a1, 0(a0)
	sd	a2, 0(a3)
	sfence.vma
	ld	a4, 0(a0)
	ecall
SNIP vs_rd_sip
	csrr	a1, sip
	csrr	a2, sie
	ecall
/* The guest writes a0 to its sip (vsip when V=1), then reads it back. */
SNIP vs_wr_sip
	csrw	sip, a0
	csrr	a1, sip
	ecall
/* Vector (V or Zve32x; encoded by hand: the hypervisor is built without
 * V): vsetivli zero, 1, e32, m1, ta, ma (writes vl and vtype), then
 * vmv.v.i v1, 5 (writes v1); then the guest's own sstatus into a1.
 * vs_vcsr reads the vector CSR vl (0xc20). */
SNIP vs_vec
	.word	0xcd00f057
	.word	0x5e02b0d7
	csrr	a1, sstatus
	ecall
SNIP vs_vcsr
	csrr	a1, 0xc20
	ecall
/* The guest's stopei (0x15C, AIA), which is vstopei when V=1. */
SNIP vs_rd_stopei
	csrr	a1, 0x15c
	ecall
	.balign 4
vs_blob_end:
	.option pop
