/*
 * Boot entry. OpenSBI starts the payload in S-mode (HS-mode when the hart
 * has the H extension) with a0 = hart id and a1 = physical address of the
 * flattened device tree, with the MMU off and interrupts disabled.
 *
 * The image starts with a RISC-V Linux Image header (Linux
 * Documentation/riscv/boot-image-header.rst) so that boot loaders that
 * expect a kernel, such as U-Boot's booti, can start it too.
 */
#include "../core/vcpu_layout.h"

#define MAX_HARTS 8 /* hyp/core/hyp.h */

	.section .text.entry, "ax"
	.globl _start
_start:
	j	boot_start		/* code0: jump over the header */
	.balign	8
	.dword	0x200000		/* text_offset from a 2 MiB aligned RAM base */
	.dword	_hyp_end - _hyp_start	/* image_size: the whole footprint incl. bss */
	.dword	0			/* flags: little endian */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated field) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */

boot_start:
	/* No interrupts and no trap handler of ours until hyp_main installs it. */
	csrw	sie, zero
	/*
	 * Only the first hart here boots the hypervisor. OpenSBI 1.1 marks a
	 * hart START_PENDING in HSM hart_start before it stores the start
	 * address, so a secondary hart can occasionally come in through this
	 * cold-boot entry instead of secondary_entry. It must not zero .bss
	 * or boot again: it looks its slot up and goes where it was sent.
	 */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, late_secondary
	csrw	sip, zero
	/* The boot stack is the first hart slot's stack (hyp/core/main.c). */
	la	sp, hyp_stacks
	li	t0, HYP_STACK_SIZE
	add	sp, sp, t0
	mv	s0, a0
	mv	s1, a1
	/* Zero .bss: C assumes it. */
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	mv	a0, s0
	mv	a1, s1
	call	hyp_main
	/* hyp_main never returns; if it does, park the hart. */
3:	wfi
	j	3b

/*
 * Secondary harts start here through the firmware's SBI HSM hart_start
 * (hyp/core/smp.c): a0 = hart id, a1 = opaque = the hart's slot, MMU off.
 * Each slot has its own stack.
 */
late_secondary:
	la	t0, hart_slot_ids
	li	t1, 1			/* slot 0 is the boot hart */
	li	t2, MAX_HARTS
1:	bgeu	t1, t2, 3b		/* not a hart we manage: park */
	slli	t3, t1, 2
	add	t3, t3, t0
	lwu	t3, 0(t3)
	beq	t3, a0, 2f
	addi	t1, t1, 1
	j	1b
2:	mv	a1, t1
	/* fall through to secondary_entry with a1 = the slot */

	.globl secondary_entry
	.balign 4
secondary_entry:
	csrw	sie, zero
	la	sp, hyp_stacks
	li	t0, HYP_STACK_SIZE
	addi	t1, a1, 1
	mul	t0, t0, t1
	add	sp, sp, t0
	call	hyp_secondary_main
4:	wfi
	j	4b

	.section .data
	.balign 4
boot_claimed:
	.word	0
