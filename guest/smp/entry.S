/*
 * Entry of a secondary vCPU started with SBI HSM hart_start(hartid,
 * secondary_entry, opaque). The SBI specification ("Function: Hart
 * start") enters here in S-mode (VS-mode under the hypervisor) with the
 * MMU off, interrupts off, a0 = hartid and a1 = opaque. vCPU 0 passes the
 * top of that vCPU's own stack as opaque; thread-local storage (picolibc's
 * errno) is one TLS_SIZE block per hart id. The image is already in
 * memory and its .bss cleared by vCPU 0's _start, so nothing is copied.
 */
#define MAX_VCPUS 8
#define TLS_SHIFT 8	/* TLS_SIZE = 256 */

	.section .text
	.balign 4
	.globl secondary_entry
secondary_entry:
	li	t0, MAX_VCPUS
	bgeu	a0, t0, 2f	/* a hart id we have no stack for */
	beqz	a1, 2f		/* no stack given */
	mv	sp, a1
	la	t0, smp_tls
	slli	t1, a0, TLS_SHIFT
	add	tp, t0, t1
	la	t0, trap_entry
	csrw	stvec, t0
	call	secondary_main	/* (hartid, opaque); does not return */
2:	wfi
	j	2b

	.section .bss
	.balign 64
	.globl smp_tls
smp_tls:
	.skip	MAX_VCPUS << TLS_SHIFT

/*
 * Copied by edges.c to the very end of guest RAM, so that its last
 * instruction, a 16-bit c.j, fills the last halfword: hart_start is given
 * that halfword as start_addr. The c.j jumps back to the stub, which stops
 * the hart again with SBI HSM hart_stop. Position independent (c.j and j
 * are pc-relative, li builds constants).
 */
	.section .text
	.balign 4
	.globl edge_stub, edge_stub_end
edge_stub:
	li	a7, 0x48534D	/* EID "HSM" */
	li	a6, 1		/* hart_stop */
	ecall
1:	wfi
	j	1b
	.option push
	.option rvc
	c.j	edge_stub
	.option pop
edge_stub_end:
