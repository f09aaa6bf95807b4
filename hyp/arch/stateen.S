/*
 * uint64_t hart_set_hstateen0(uint64_t bits)
 *
 * Sets `bits` in hstateen0 (CSR 0x60c, Smstateen) and returns what it
 * then reads: a bit that did not stick (one whose mstateen0 bit M-mode
 * left clear is read-only zero) reads 0. A hart without Smstateen, or
 * whose firmware left mstateen0.SE0 clear, traps on the access as an
 * illegal instruction; as in hart_read_seed (seed.S) the trap lands on a
 * temporary vector (the firmware redirects it to us), sstatus, which the
 * trap changes, is restored, and the function returns 0. Interrupts are
 * off meanwhile, so that only this access can land on that vector.
 */
	.text
	.globl hart_set_hstateen0
hart_set_hstateen0:
	csrr	t1, stvec
	csrr	t3, sstatus
	csrci	sstatus, 2	/* SIE */
	la	t2, 1f
	csrw	stvec, t2
	csrs	0x60c, a0
	csrr	a0, 0x60c
	j	2f
	.balign 4
1:	li	a0, 0
2:	csrw	stvec, t1
	csrw	sstatus, t3
	ret
