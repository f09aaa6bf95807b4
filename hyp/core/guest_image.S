/*
 * The built-in guests' flat binaries, embedded in the hypervisor image;
 * guest_load.c copies the one tv.guest= names into guest RAM. Each comes
 * with NAME_guest_base: the guest-physical address it is linked for
 * (the Makefile's GUEST_BASE_NAME), where its RAM must start.
 */
#define STR2(x) #x
#define STR(x) STR2(x)
#define GUEST_BASE(name, addr) \
	.pushsection .rodata; .balign 8; .globl name; name: .quad addr; .popsection
	.section .guest_image, "a"
	.balign 4096
	.globl test_guest_start, test_guest_end
test_guest_start:
	.incbin STR(GUEST_BIN)
test_guest_end:
	.balign 4096
	.globl bench_guest_start, bench_guest_end
bench_guest_start:
	.incbin STR(BENCH_GUEST_BIN)
bench_guest_end:
	GUEST_BASE(test_guest_base, TEST_GUEST_BASE)
	GUEST_BASE(bench_guest_base, BENCH_GUEST_BASE)

/* Optional built-in guests (guest/hostile, guest/validate, guest/smp,
 * guest/sbi_conform),
 * when built. */
#ifdef HOSTILE_GUEST_BIN
	.balign 4096
	.globl hostile_guest_start, hostile_guest_end
hostile_guest_start:
	.incbin STR(HOSTILE_GUEST_BIN)
hostile_guest_end:
	GUEST_BASE(hostile_guest_base, HOSTILE_GUEST_BASE)
#endif
#ifdef VALIDATE_GUEST_BIN
	.balign 4096
	.globl validate_guest_start, validate_guest_end
validate_guest_start:
	.incbin STR(VALIDATE_GUEST_BIN)
validate_guest_end:
	GUEST_BASE(validate_guest_base, VALIDATE_GUEST_BASE)
#endif
#ifdef SMP_GUEST_BIN
	.balign 4096
	.globl smp_guest_start, smp_guest_end
smp_guest_start:
	.incbin STR(SMP_GUEST_BIN)
smp_guest_end:
	GUEST_BASE(smp_guest_base, SMP_GUEST_BASE)
#endif
#ifdef SBI_CONFORM_GUEST_BIN
	.balign 4096
	.globl sbi_conform_guest_start, sbi_conform_guest_end
sbi_conform_guest_start:
	.incbin STR(SBI_CONFORM_GUEST_BIN)
sbi_conform_guest_end:
	GUEST_BASE(sbi_conform_guest_base, SBI_CONFORM_GUEST_BASE)
#endif
