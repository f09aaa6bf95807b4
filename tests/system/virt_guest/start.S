/* Start-up for QEMU virt, entered in S-mode with a0 = hart id, a1 = FDT. */
#define FINISHER 0x100000
#define FAIL(code) ((code) << 16 | 0x3333)

	.section .text.start, "ax"
	.globl _start
_start:
	/* Running where linked? auipc gives the PC of _start itself; the word
	 * below holds the link-time address of _start, written by the linker. */
	auipc	t0, 0
	mv	s0, a0
	mv	s1, a1
	ld	t1, link_address
	li	a0, 3
	bne	t0, t1, fail
	la	sp, __stack_top
	li	t2, 0x80000000
	bltu	sp, t2, fail
	/* Boot protocol: hart 0, a device tree (big-endian 0xd00dfeed). */
	li	a0, 4
	bnez	s0, fail
	bltu	s1, t2, fail
	lwu	t0, 0(s1)
	li	t1, 0xedfe0dd0
	bne	t0, t1, fail
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	mv	a0, s0
	mv	a1, s1
	call	hello_main
	/* hello_main returns the finisher value to write. */
	j	finish
fail:	/* a0 = the failure code */
	slli	a0, a0, 16
	li	t0, 0x3333
	or	a0, a0, t0
finish:
	li	t0, FINISHER
	sw	a0, 0(t0)
3:	wfi
	j	3b

	.balign 8
link_address:
	.dword	_start
