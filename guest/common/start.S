/*
 * Guest entry, shared by the built-in guests. The hypervisor enters at
 * the start of guest RAM (guest-physical 0x80000000, where the guest is
 * linked; see linker/guest.ld) in VS-mode with the MMU off, a0 = hart id,
 * a1 = device tree. Each guest provides guest_main(hart, fdt) and
 * guest_trap(frame).
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	la	sp, guest_stack_top
	la	tp, guest_tls	/* picolibc keeps errno in thread-local storage */
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, trap_entry
	csrw	stvec, t0
	call	guest_main
3:	j	3b

/*
 * Trap entry: save every register into a frame on the stack, call
 * guest_trap(frame), restore (the handler may change frame->epc), sret.
 * Frame: x1..x31 at 8*n, epc at 8*32.
 */
	.balign 4
	.globl trap_entry
trap_entry:
	addi	sp, sp, -34*8
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	addi	t0, sp, 34*8
	sd	t0, 2*8(sp)
	csrr	t0, sepc
	sd	t0, 32*8(sp)
	mv	a0, sp
	call	guest_trap
	ld	t0, 32*8(sp)
	csrw	sepc, t0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	addi	sp, sp, 34*8
	sret

/* void go_high(uint64_t offset): return to the caller at its high alias,
 * with the stack and the trap vector moved there too. */
	.globl go_high
go_high:
	add	ra, ra, a0
	add	sp, sp, a0
	csrr	t0, stvec
	add	t0, t0, a0
	csrw	stvec, t0
	ret

	.section .bss
	.balign 16
guest_stack:
	.skip	32768
	.globl guest_stack_top
guest_stack_top:
	.balign 64
guest_tls:
	.skip	256
