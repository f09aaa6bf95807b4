/*
 * Variants for the hypervisor's last lines of defence, each chosen by a
 * word in the bootargs and run instead of the attacks:
 *   hostile=doublefault  the guest's trap vector points at a GPA nothing
 *                        backs, then it faults: delivering the fault would
 *                        fault again at the vector, forever, so the
 *                        hypervisor must stop the guest (hyp/core/inject.c);
 *   hostile=spin         interrupts off and a loop with no exits at all:
 *                        only a hypervisor watchdog (tv.watchdog) sees it;
 *   hostile=fencewrap    a remote sfence.vma whose range ends within the
 *                        last page of the address space (start + size does
 *                        not wrap, but the page-by-page walk does).
 */
#include "hostile.h"

#define UNBACKED_GPA 0x20000000UL /* identity-mapped in our VS stage, no G-stage */

void variant_doublefault(void)
{
	printf("hostile: variant doublefault: stvec = %#lx (no memory there), then ebreak\n",
	       UNBACKED_GPA);
	fflush(stdout);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, 0xDF, 0, 0);
	csr_write(CSR_STVEC, UNBACKED_GPA);
	__asm__ volatile("ebreak" ::: "memory");
	/* Not reached when the hypervisor stops the guest. */
	printf("hostile: the guest still runs after a fault at its own trap vector\n");
	guest_shutdown(true);
}

/* The spin loop's one instruction (defined in the asm below). */
extern const char hostile_spin_loop[];

void variant_spin(void)
{
	printf("hostile: variant spin: interrupts off, no exits, looping at %#lx\n",
	       (unsigned long)(uintptr_t)hostile_spin_loop);
	fflush(stdout);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	__asm__ volatile(".globl hostile_spin_loop\n"
			 "hostile_spin_loop: j hostile_spin_loop");
	__builtin_unreachable();
}

void variant_fencewrap(void)
{
	unsigned long start = ~0UL - 0x1fff, size = 0x1fff;
	printf("hostile: variant fencewrap: remote_sfence_vma(hart 0, start %#lx, size %#lx)\n",
	       start, size);
	fflush(stdout);
	register unsigned long a0 __asm__("a0") = 1, a1 __asm__("a1") = 0;
	register unsigned long a2 __asm__("a2") = start, a3 __asm__("a3") = size;
	register unsigned long a6 __asm__("a6") = SBI_RFENCE_REMOTE_SFENCE_VMA;
	register unsigned long a7 __asm__("a7") = SBI_EXT_RFENCE;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a6), "r"(a7)
			 : "memory");
	printf("hostile: fencewrap: the call returned %s\n", sbi_err_text((long)a0));
	guest_shutdown((long)a0 != SBI_SUCCESS);
}
