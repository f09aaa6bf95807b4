/*
 * uint64_t hart_read_seed(void)
 *
 * One read of the Zkr entropy source, the `seed` CSR (0x015). It must be
 * read with a read-write instruction (csrrw with rs1 = x0, "Entropy Source"
 * in the scalar cryptography specification); from S-mode it traps as an
 * illegal instruction unless M-mode set mseccfg.SSEED. A trap lands on a
 * temporary vector (the firmware redirects it to us) and the function
 * returns all ones, which no successful read gives (bits 29:16 are 0).
 * sstatus, which the trap changes, is restored.
 */
	.text
	.globl hart_read_seed
hart_read_seed:
	csrr	t1, stvec
	csrr	t3, sstatus
	la	t2, 1f
	csrw	stvec, t2
	csrrw	a0, 0x015, zero
	j	2f
	.balign 4
1:	li	a0, -1
2:	csrw	stvec, t1
	csrw	sstatus, t3
	ret
