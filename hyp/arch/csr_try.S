/*
 * CSR accesses that may trap: a CSR the hart lacks, or one M-mode keeps
 * from S-mode, is an illegal instruction. The firmware redirects that
 * trap to us, and it lands on a temporary vector set for the one access:
 * the function returns a value that tells so instead. Interrupts are off
 * meanwhile, so that only this access can land there; sstatus and
 * hstatus, which the trap changes (a fast exit's return does not write
 * hstatus: hyp/arch/trap.S), and stvec are restored.
 */

/* Before the access: the trap vector is label 1 of TRY_END. */
.macro TRY_BEGIN
	csrr	t1, stvec
	csrr	t3, sstatus
	csrr	t4, hstatus
	csrci	sstatus, 2		/* SIE */
	la	t2, 1f
	csrw	stvec, t2
.endm

/* After it: a0 is what it read, or `failed` if it trapped. */
.macro TRY_END failed
	j	2f
	.balign 4
1:	li	a0, \failed
	csrw	hstatus, t4
2:	csrw	stvec, t1
	csrw	sstatus, t3
	ret
.endm

	.text

/*
 * uint64_t hart_read_seed(void)
 *
 * One read of the Zkr entropy source, the `seed` CSR (0x015). It must be
 * read with a read-write instruction (csrrw with rs1 = x0, "Entropy Source"
 * in the scalar cryptography specification); from S-mode it traps unless
 * M-mode set mseccfg.SSEED. A trap returns all ones, which no successful
 * read gives (bits 29:16 are 0).
 */
	.globl hart_read_seed
hart_read_seed:
	TRY_BEGIN
	csrrw	a0, 0x015, zero
	TRY_END -1

/*
 * uint64_t hart_set_hstateen0(uint64_t bits)
 *
 * Sets `bits` in hstateen0 (CSR 0x60c, Smstateen) and returns what it then
 * reads: a bit that did not stick (one whose mstateen0 bit M-mode left
 * clear is read-only zero) reads 0. A hart without Smstateen, or whose
 * firmware left mstateen0.SE0 clear, traps on the access: 0.
 */
	.globl hart_set_hstateen0
hart_set_hstateen0:
	TRY_BEGIN
	csrs	0x60c, a0
	csrr	a0, 0x60c
	TRY_END 0

/*
 * int hart_can_read_instret(void), int hart_can_read_cycle(void)
 *
 * 1 when HS-mode may read `instret` / `cycle` (the firmware's
 * mcounteren.IR / CY), else 0. They may run during an SBI call (the
 * PMU's first probe), whose return restores neither sstatus nor hstatus:
 * TRY_END puts back what the trap changed.
 */
	.globl hart_can_read_instret
hart_can_read_instret:
	TRY_BEGIN
	csrr	t0, instret
	li	a0, 1
	TRY_END 0

	.globl hart_can_read_cycle
hart_can_read_cycle:
	TRY_BEGIN
	csrr	t0, cycle
	li	a0, 1
	TRY_END 0
