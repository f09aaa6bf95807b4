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
#define ENTRY_STATE_SHIFT 6	/* sizeof(struct entry_state) = 64 */
#define SSTATUS_FS_INITIAL (1 << 13)

	.section .text
	.balign 4
	.globl secondary_entry
secondary_entry:
	li	t0, MAX_VCPUS
	bgeu	a0, t0, 2f	/* a hart id we have no stack for */
	/* The state the hart starts in, before anything here changes it
	 * (struct entry_state, reset.c checks it after a restart): sstatus,
	 * sip, sie, stvec, sscratch, then with FS on the OR of f0..f31, and
	 * fcsr. Only a0 and a1 hold anything at entry: t0-t2 are free. */
	la	t0, entry_state
	slli	t1, a0, ENTRY_STATE_SHIFT
	add	t0, t0, t1
	csrr	t1, sstatus
	sd	t1, 0(t0)
	csrr	t1, sip
	sd	t1, 8(t0)
	csrr	t1, sie
	sd	t1, 16(t0)
	csrr	t1, stvec
	sd	t1, 24(t0)
	csrr	t1, sscratch
	sd	t1, 32(t0)
	li	t1, SSTATUS_FS_INITIAL
	csrs	sstatus, t1
	.option push
	.option arch, +d
	li	t2, 0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.x.d	t1, f\n
	or	t2, t2, t1
	.endr
	sd	t2, 40(t0)
	frcsr	t1
	sd	t1, 48(t0)
	.option pop
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
	.globl entry_state
entry_state:
	.skip	MAX_VCPUS << ENTRY_STATE_SHIFT
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
