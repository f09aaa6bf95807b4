/*
 * The one HS-mode trap vector and the world switch.
 *
 * Register convention: while the hypervisor runs, tp holds this hart's
 * struct vcpu and sscratch is 0; while a guest runs, sscratch holds the
 * vcpu and tp belongs to the guest. A trap therefore starts with
 * `csrrw tp, sscratch, tp`: a nonzero tp is the vcpu of the guest that
 * trapped (a VM exit), zero is a trap of the hypervisor itself, always
 * fatal. Each return to a guest puts the vcpu back in sscratch just
 * before sret; each exit takes it out (`csrrw tmp, sscratch, zero`).
 *
 * hstatus.SPV does not tell the two apart: a trap into HS-mode writes it
 * with the virtualization mode at the trap ("Hypervisor Status Register
 * (hstatus)"), but a trap the firmware takes in M-mode and redirects to
 * HS-mode (OpenSBI 1.1 does so for access faults and illegal
 * instructions) gets SPV written only when it came from a guest: from
 * HS-mode the SPV=1 of the last exit stays. Told by sscratch, an exit
 * leaves hstatus alone: the guest's, as its trap wrote it (SPV=1, SPVP
 * its privilege, for HLVX), is still in the CSR when the fast paths
 * sret. What the hypervisor runs in between must leave it so: its own
 * expected traps (an HLVX fetch, a CSR probe) put back the hstatus they
 * found (their trap wrote SPV=0). vcpu_enter, the way into a guest after
 * the hart ran another (a time-shared hart) or none yet, writes the
 * vcpu's copy (vcpu.c: SPV, SPVP, VTW; every vcpu the same but for what
 * the trap sets, which sret does not read).
 *
 * The hypervisor runs with sstatus.SIE=0. It still receives its own
 * interrupts while a guest runs, because the spec ("Hypervisor Interrupt
 * Registers") makes HS-level interrupts always enabled when V=1.
 */
#include <tracevisor/csr.h>

#include "../core/vcpu_layout.h"

	.macro SAVE_GPRS base, offset
	sd	x1, \offset+1*8(\base)
	sd	x2, \offset+2*8(\base)
	sd	x3, \offset+3*8(\base)
	/* x4 (tp), x5 (t0) and x6 (t1) are saved by the caller */
	sd	x7, \offset+7*8(\base)
	sd	x8, \offset+8*8(\base)
	sd	x9, \offset+9*8(\base)
	sd	x10, \offset+10*8(\base)
	sd	x11, \offset+11*8(\base)
	sd	x12, \offset+12*8(\base)
	sd	x13, \offset+13*8(\base)
	sd	x14, \offset+14*8(\base)
	sd	x15, \offset+15*8(\base)
	sd	x16, \offset+16*8(\base)
	sd	x17, \offset+17*8(\base)
	sd	x18, \offset+18*8(\base)
	sd	x19, \offset+19*8(\base)
	sd	x20, \offset+20*8(\base)
	sd	x21, \offset+21*8(\base)
	sd	x22, \offset+22*8(\base)
	sd	x23, \offset+23*8(\base)
	sd	x24, \offset+24*8(\base)
	sd	x25, \offset+25*8(\base)
	sd	x26, \offset+26*8(\base)
	sd	x27, \offset+27*8(\base)
	sd	x28, \offset+28*8(\base)
	sd	x29, \offset+29*8(\base)
	sd	x30, \offset+30*8(\base)
	sd	x31, \offset+31*8(\base)
	.endm

	/* The registers the C code preserves (gp, s0-s11). */
	.macro SAVE_CALLEE base
	sd	x3, 3*8(\base)
	sd	x8, 8*8(\base)
	sd	x9, 9*8(\base)
	.irp n, 18,19,20,21,22,23,24,25,26,27
	sd	x\n, \n*8(\base)
	.endr
	.endm

	/* The registers C code may change (the calling convention's
	 * caller-saved ones: ra, t0-t6, a0-a7) and sp, saved and restored
	 * by the fast path; t0 and t1 are saved by the trap vector itself. */
	.macro SAVE_CALLER base
	sd	x1, 1*8(\base)
	sd	x2, 2*8(\base)
	sd	x7, 7*8(\base)
	sd	x10, 10*8(\base)
	sd	x11, 11*8(\base)
	sd	x12, 12*8(\base)
	sd	x13, 13*8(\base)
	sd	x14, 14*8(\base)
	sd	x15, 15*8(\base)
	sd	x16, 16*8(\base)
	sd	x17, 17*8(\base)
	sd	x28, 28*8(\base)
	sd	x29, 29*8(\base)
	sd	x30, 30*8(\base)
	sd	x31, 31*8(\base)
	.endm

	/* Load back from the vcpu in tp what SAVE_CALLER and the trap vector
	 * saved (t0 and t1 included); tp itself comes last. */
	.macro RESTORE_CALLER
	ld	x1, 1*8(tp)
	ld	x2, 2*8(tp)
	ld	x5, 5*8(tp)
	ld	x6, 6*8(tp)
	ld	x7, 7*8(tp)
	ld	x10, 10*8(tp)
	ld	x11, 11*8(tp)
	ld	x12, 12*8(tp)
	ld	x13, 13*8(tp)
	ld	x14, 14*8(tp)
	ld	x15, 15*8(tp)
	ld	x16, 16*8(tp)
	ld	x17, 17*8(tp)
	ld	x28, 28*8(tp)
	ld	x29, 29*8(tp)
	ld	x30, 30*8(tp)
	ld	x31, 31*8(tp)
	.endm

	/*
	 * What every VM exit captures first: the guest's tp (in sscratch,
	 * which becomes 0: the hypervisor runs) and sepc. Clobbers \tmp and
	 * \pc, which holds sepc after it.
	 */
	.macro CAPTURE_EXIT tmp, pc=t0
	csrrw	\tmp, sscratch, zero
	sd	\tmp, VCPU_GPR(4)(tp)
	csrr	\pc, sepc
	sd	\pc, VCPU_SEPC(tp)
	.endm

	/*
	 * Save the trap CSRs into the vcpu in tp before anything can
	 * overwrite them, switch to the hypervisor's stack and set a0 = the
	 * vcpu for vcpu_exit. The guest's tp is in sscratch.
	 */
	.macro CAPTURE_TRAP
	CAPTURE_EXIT t1
	csrr	t0, sstatus
	sd	t0, VCPU_SSTATUS(tp)
	csrr	t0, scause
	sd	t0, VCPU_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, VCPU_STVAL(tp)
	csrr	t0, 0x643		/* htval */
	sd	t0, VCPU_HTVAL(tp)
	csrr	t0, 0x64a		/* htinst */
	sd	t0, VCPU_HTINST(tp)
	ld	sp, VCPU_HYP_SP(tp)
	mv	a0, tp
	.endm

/* Restore the trap CSRs sret consumes that the handler may change (sepc,
 * sstatus.SPP/SPIE) from the vcpu in tp, and make the vcpu sscratch's
 * again (the guest runs from the sret on); clobbers t0. hstatus is the
 * guest's trap's still (see above). */
	.macro RESTORE_TRAP_CSRS
	ld	t0, VCPU_SEPC(tp)
	csrw	sepc, t0
	ld	t0, VCPU_SSTATUS(tp)
	csrw	sstatus, t0
	csrw	sscratch, tp
	.endm

/*
 * The fast exit: save the caller-saved registers, capture the trap CSRs,
 * call the C handler \fn (it preserves s0-s11 and gp by the calling
 * convention), restore what was saved and return to the guest.
 */
	.macro FAST_EXIT fn
	SAVE_CALLER tp
	CAPTURE_TRAP
	jal	\fn
	FAST_RETURN
	.endm

/* Back to the guest with the registers C code may have changed loaded
 * from the vcpu; gp and s0-s11 are still the guest's. */
	.macro FAST_RETURN
	RESTORE_TRAP_CSRS
	RESTORE_CALLER
	ld	x4, 4*8(tp)
	sret
	.endm

/*
 * An exit whose handler may read any guest register (the source of an
 * emulated store): save them all, call \fn. It returns nonzero when it
 * wrote a callee-saved one (an emulated load into s0, say: vcpu_set_reg);
 * only then are gp and s0-s11 loaded back, else the C code kept them.
 */
	.macro FULL_EXIT fn
	SAVE_GPRS tp, 0
	CAPTURE_TRAP
	jal	\fn
	bnez	a0, vcpu_enter
	FAST_RETURN
	.endm

	.section .text
	.balign 4
	.globl hyp_trap_vector
hyp_trap_vector:
	csrrw	tp, sscratch, tp
	beqz	tp, hyp_self_trap	/* sscratch was 0: the hypervisor's */
	sd	t0, VCPU_GPR(5)(tp)
	sd	t1, VCPU_GPR(6)(tp)
	csrr	t1, scause
	/* The most frequent exit, tested first: an ecall from VS-mode. */
	addi	t0, t1, -EXC_ECALL_VS
	beqz	t0, .Lecall_exit

	/*
	 * A VM exit. A load or store guest-page fault (MMIO emulation reads
	 * or writes a register the instruction names) and a
	 * virtual-instruction exception (the emulated counter read writes
	 * any rd: hyp/sbi/sbi_pmu_hw.c) may need any guest register in
	 * memory; every other handler reads at most a0-a7 (SBI) and changes
	 * at most a0/a1, sepc, hstatus and sstatus. For those, the
	 * callee-saved registers s0-s11 (and gp, which the hypervisor never
	 * uses) stay in place: the C code preserves them by the calling
	 * convention.
	 */
	addi	t1, t1, -EXC_LOAD_GUEST_PAGE_FAULT
	beqz	t1, .Lmmio_exit
	addi	t1, t1, EXC_LOAD_GUEST_PAGE_FAULT - EXC_STORE_GUEST_PAGE_FAULT
	beqz	t1, .Lmmio_exit
	addi	t1, t1, EXC_STORE_GUEST_PAGE_FAULT - EXC_VIRTUAL_INST
	beqz	t1, .Lfull_exit
	FAST_EXIT vcpu_exit		/* hyp/core/exit.c */

/*
 * The ecall: the fast exit, with less to capture. The privileged spec
 * has stval and htval zero for it ("For other traps, stval is set to
 * zero", and the same for htval) and htinst zero too (only explicit
 * memory accesses have a transformed instruction: "Transformed
 * Instruction or Pseudoinstruction for mtinst or htinst"); the
 * validation suite (tv.guest=validate) checks that a platform does so
 * ("ecall from VS: cause 10 and trap CSRs"). So they are neither read
 * nor stored: the vcpu's copies keep an older exit's, and the only
 * readers an ecall's exit reaches, the trace's general writers, record
 * zeros for scause 10 (trace_exit_tvals, hyp/trace/trace.h). sstatus is
 * not saved or restored: nothing between this exit and its sret changes it
 * (a nested trap restores it; a time-shared hart's switch keeps it per
 * thread: hyp/core/sched.c), and a call that resumes the guest elsewhere
 * sets the vcpu's copy itself (vcpu_enter_at). t1 holds scause. The
 * handler, the vCPU's own (v->ecall: tracing on or off, hyp/core/ecall.c),
 * gets the SBI call's registers as arguments: the guest's a0-a2, a6 and
 * a7 where the guest left them, and sepc read into a5 (whose guest value
 * is saved), so it loads none of them.
 */
.Lecall_exit:
	SAVE_CALLER tp
	CAPTURE_EXIT t0, a5		/* (t1 holds scause) */
	sd	t1, VCPU_SCAUSE(tp)
	ld	sp, VCPU_HYP_SP(tp)
#if !defined(TV_TRACE) || TV_TRACE
	ld	t0, VCPU_ECALL(tp)	/* hyp/core/ecall.c: the vcpu is tp; */
	jalr	t0			/* a0-a2, a6, a7 the guest's, a5 sepc */
#else
	jal	vcpu_ecall		/* (no trace: one handler) */
#endif
	ld	t0, VCPU_SEPC(tp)
	csrw	sepc, t0
	csrw	sscratch, tp
	RESTORE_CALLER
	ld	x4, 4*8(tp)
	sret

.Lmmio_exit:
	SAVE_CALLER tp
	CAPTURE_TRAP
	jal	vcpu_mmio_exit
	bnez	a0, 1f
	FAST_RETURN
1:	SAVE_CALLEE tp			/* as the guest left them */
	mv	a0, tp
	jal	vcpu_mmio_exit_all
	j	vcpu_enter

.Lfull_exit:
	FULL_EXIT vcpu_exit

/*
 * Enter (or re-enter) the guest of the vcpu in tp: restore the trap CSRs
 * sret consumes (sepc, hstatus.SPV, sstatus.SPP/SPIE: on a hart that ran
 * another vcpu or none since, hstatus too) and every GPR.
 */
vcpu_enter:
	ld	t0, VCPU_HSTATUS(tp)
	csrw	hstatus, t0
	RESTORE_TRAP_CSRS
	RESTORE_CALLER
	ld	x3, 3*8(tp)		/* and the rest: gp, s0-s11 */
	ld	x8, 8*8(tp)
	ld	x9, 9*8(tp)
	ld	x18, 18*8(tp)
	ld	x19, 19*8(tp)
	ld	x20, 20*8(tp)
	ld	x21, 21*8(tp)
	ld	x22, 22*8(tp)
	ld	x23, 23*8(tp)
	ld	x24, 24*8(tp)
	ld	x25, 25*8(tp)
	ld	x26, 26*8(tp)
	ld	x27, 27*8(tp)
	ld	x4, 4*8(tp)
	sret

/* void vcpu_first_entry(struct vcpu *v): start the guest; never returns. */
	.globl vcpu_first_entry
vcpu_first_entry:
	mv	tp, a0
	j	vcpu_enter

/*
 * A trap taken while the hypervisor itself ran (tp 0, the hypervisor's
 * tp, its vcpu, in sscratch). A fault of one of guest_fetch_insn's reads
 * (its sepc one of the two below) is that function's answer, not a
 * failure: guest_fetch_fault. Anything else: save the registers into
 * vcpu->fault_regs, switch to the fault stack and report
 * (hyp/core/fault.c).
 */
hyp_self_trap:
	csrrw	tp, sscratch, tp	/* the vcpu back; sscratch 0 again */
	SAVE_GPRS tp, VCPU_FAULT_REGS
	sd	t0, VCPU_FAULT_REGS+5*8(tp)
	sd	t1, VCPU_FAULT_REGS+6*8(tp)
	sd	tp, VCPU_FAULT_REGS+4*8(tp)
	csrr	t0, sepc
	la	t1, .Lfetch_first
	beq	t0, t1, guest_fetch_fault
	la	t1, .Lfetch_second
	beq	t0, t1, guest_fetch_fault
	ld	sp, VCPU_FAULT_SP(tp)
	mv	a0, tp
	call	hyp_fault
1:	wfi
	j	1b

/*
 * uint64_t guest_fetch_insn(unsigned long gva)
 *
 * Read the guest instruction at gva with HLVX.HU, as the guest would fetch
 * it: HLVX translates through both stages with execute permission and the
 * privilege in hstatus.SPVP, which the trap set to the guest's ("Hypervisor
 * Virtual-Machine Load and Store Instructions"). A 32-bit instruction needs
 * a second halfword read. Called only while an exit is handled (the
 * guest's trap CSRs in the vcpu, hstatus.SPV 1). If a read faults, the
 * trap comes to hyp_self_trap, which knows the two reads' addresses and
 * returns ~0 (all ones) from here (guest_fetch_fault): the reads need no
 * trap vector of their own, and the fetch touches no CSR.
 */
	.globl guest_fetch_insn
guest_fetch_insn:
	mv	t5, a0
.Lfetch_first:
	.insn r 0x73, 0x4, 0x32, a0, t5, x3	/* hlvx.hu a0, (t5) */
	andi	t2, a0, 3
	li	t0, 3
	bne	t2, t0, 1f			/* 16-bit (compressed) instruction */
	addi	t5, t5, 2
#ifdef TV_FAULT_TEST
	lbu	t0, fault_fetch_second		/* tv.fault_test=fetch_second: */
	beqz	t0, 2f				/* the second read at GVA 0 */
	li	t5, 0
2:
#endif
.Lfetch_second:
	.insn r 0x73, 0x4, 0x32, t2, t5, x3	/* hlvx.hu t2, (t5) */
	slli	t2, t2, 16
	or	a0, a0, t2
1:	ret

/*
 * One of the reads faulted; tp is the vcpu, ra and sp are
 * guest_fetch_insn's caller's (only t0 and t1 changed, which the call
 * may change). The trap, taken from HS-mode, wrote sstatus.SPP, SPIE and
 * SIE and hstatus.SPV (0) and GVA, and left SPVP alone ("When a trap is
 * taken into HS-mode, ... If V was 1 before the trap, field SPVP in
 * hstatus is set the same as sstatus.SPP; otherwise, SPVP is left
 * unchanged. A trap into HS-mode also writes field GVA in hstatus,
 * fields SPIE and SIE in sstatus"). Put back the exit's: sstatus as the
 * exit captured it into the vcpu, SPV 1 (the exit came from V=1); GVA
 * is read by nothing before the guest traps again and writes it anew.
 * sepc, scause, stval, htval and htinst: the exit's are in the vcpu,
 * and its return writes sepc from there.
 */
guest_fetch_fault:
	ld	t0, VCPU_SSTATUS(tp)
	csrw	sstatus, t0
	li	t0, 1 << 7			/* hstatus.SPV */
	csrs	hstatus, t0
	li	a0, -1
	ret

/*
 * int hart_has_h(void): 1 when hstatus is implemented. Reading it on a hart
 * without the H extension raises an illegal-instruction exception, which
 * OpenSBI redirects to our (temporary) trap vector.
 */
	.globl hart_has_h
hart_has_h:
	csrr	t1, stvec
	la	t2, 1f
	csrw	stvec, t2
	li	a0, 1
	csrr	t0, hstatus
	j	2f
	.balign 4
1:	li	a0, 0
2:	csrw	stvec, t1
	ret
