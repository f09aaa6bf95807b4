/*
 * Entry of the hostile guest's vCPU 1, started with SBI HSM
 * hart_start(1, hostile_second_entry, opaque) by the concurrent-dump
 * attack (trace_attacks.c). The SBI specification ("Function: Hart start")
 * enters in VS-mode with the MMU off, interrupts off, a0 = hart id and
 * a1 = opaque: here the top of vCPU 1's own stack. The guest runs at its
 * guest-physical addresses, so the image works with the MMU off.
 */
	.section .text
	.balign 4
	.globl hostile_second_entry
hostile_second_entry:
	beqz	a1, 2f		/* no stack given */
	mv	sp, a1
	la	tp, second_tls	/* picolibc keeps errno in thread-local storage */
	la	t0, trap_entry
	csrw	stvec, t0
	call	hostile_second_main	/* (hartid, opaque); does not return */
2:	wfi
	j	2b

	.section .bss
	.balign 64
second_tls:
	.skip	256
