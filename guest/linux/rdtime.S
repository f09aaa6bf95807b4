/*
 * rdtime - print the RISC-V `time` CSR as a decimal number and a newline.
 *
 * A static riscv64 Linux program with no libc: it talks to the kernel
 * with raw system calls. The Linux guest's /init runs it right after the
 * "reached userspace" marker, so the host can turn the value into virtual
 * time at the marker (under QEMU -icount shift=0 one instruction is 1 ns,
 * and `time` ticks at the device tree's timebase-frequency).
 *
 * Build (scripts/fetch-linux.sh does this):
 *   riscv64-unknown-elf-gcc -nostdlib -static -march=rv64imac -mabi=lp64 \
 *       -Wl,-e,_start guest/linux/rdtime.S -o rdtime
 */

/* Linux RISC-V system call ABI (asm-generic/unistd.h numbers, which
 * riscv64 uses): number in a7, arguments in a0..a5, `ecall`, result in a0. */
#define SYS_write 64
#define SYS_exit 93

/* `rdtime` is `csrrs rd, time, x0`; csr instructions belong to Zicsr,
 * which binutils 2.40 wants named even though -march=rv64imac is asked for. */
	.option arch, +zicsr

	.text
	.globl _start
	.type _start, @function
/*
 * _start: the ELF entry point (-Wl,-e,_start). The kernel enters with sp
 * at argc; nothing else is needed. Reads `time` first so the value is as
 * close to process start as possible, then formats it into a 24-byte
 * buffer on the stack from the end backwards (a u64 has at most 20 decimal
 * digits), writes it to fd 1 and exits with status 0, or 1 if the write
 * did not write everything.
 */
_start:
	rdtime	t0			/* the value to print */
	addi	sp, sp, -32
	addi	t1, sp, 24		/* t1: one past the last digit */
	li	t2, '\n'
	sb	t2, 0(t1)		/* newline right after the digits */
	li	t3, 10
1:	remu	t4, t0, t3		/* lowest decimal digit */
	divu	t0, t0, t3
	addi	t4, t4, '0'
	addi	t1, t1, -1
	sb	t4, 0(t1)
	bnez	t0, 1b			/* at least one digit, even for 0 */

	/* write(1, t1, end - t1) where end = sp + 25 (digits + newline) */
	addi	a2, sp, 25
	sub	a2, a2, t1
	mv	s1, a2			/* s1: byte count, survives the ecall */
	mv	a1, t1
	li	a0, 1
	li	a7, SYS_write
	ecall

	/* exit(a0 == count ? 0 : 1) */
	sub	a0, a0, s1
	snez	a0, a0
	li	a7, SYS_exit
	ecall
2:	j	2b			/* exit does not return */
	.size _start, . - _start

/* Tell the linker the stack need not be executable. */
	.section .note.GNU-stack, "", @progbits
