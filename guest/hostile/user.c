/*
 * A trip to VU-mode: code the guest runs as its own user process, with
 * its MMU off for the trip (its page table has no U pages; in Bare mode
 * U-mode reaches all of its memory). "When S-mode is implemented, then executing WFI in U-mode
 * causes an illegal instruction exception" (privileged spec, "Wait for
 * Interrupt"); under a hypervisor a VU-mode WFI traps to it as a virtual
 * instruction ("in VU-mode, attempts to execute WFI when mstatus.TW=0"),
 * which must give the guest that illegal instruction, not put its vCPU
 * to sleep on behalf of a user process.
 */
#include <setjmp.h>

#include "hostile.h"

static jmp_buf back;
static volatile bool in_user;
static volatile unsigned user_timer_irqs;

/* U-mode code: WFI, then an ecall back to our supervisor. */
__attribute__((naked, aligned(4))) static void user_wfi(void)
{
	__asm__ volatile("wfi\n\tecall\n1:\tj 1b");
}

/* guest_trap's part (main.c): the ecall that ends the trip returns to the
 * setjmp below; a timer interrupt taken in U-mode (a WFI that waited) is
 * counted and turned off. True when the trap was ours. */
bool user_trap(uint64_t cause)
{
	if (!in_user)
		return false;
	if (cause == EXC_ECALL_U) {
		in_user = false;
		longjmp(back, 1);
	}
	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
		user_timer_irqs++;
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
		return true;
	}
	return false;
}

void attack_vu_wfi(void)
{
	char out[112];

	/* A timer 20 ms away wakes a WFI that waits (S-level interrupts are
	 * taken in U-mode whatever sstatus.SIE says). */
	attempt_begin(); /* (its mark before the trip: the trace check reads after it) */
	user_timer_irqs = 0;
	csr_set(CSR_SIE, MIP_STIP);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + mach.timebase_hz / 50, 0, 0);
	uint64_t satp = csr_read(CSR_SATP);
	csr_write(CSR_SATP, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
	probe.fetch = false;
	probe.seen = false;
	probe.armed = true;
	if (setjmp(back) == 0) {
		in_user = true;
		csr_write(CSR_SEPC, (uint64_t)(uintptr_t)user_wfi);
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
		__asm__ volatile("sret" ::: "memory");
	}
	probe.armed = false;
	csr_write(CSR_SATP, satp);
	__asm__ volatile("sfence.vma" ::: "memory");
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	csr_clear(CSR_SIE, MIP_STIP);
	if (probe.seen)
		trap_text(out, sizeof(out), probe.cause, probe.tval);
	else
		snprintf(out, sizeof(out), "no exception; %u timer interrupt(s) taken in U-mode",
			 user_timer_irqs);
	attempt_end("WFI in VU-mode (our own user process)", out,
		    "illegal instruction (cause 2), stval 0x10500073",
		    probe.seen && probe.cause == EXC_ILLEGAL_INST && probe.tval == 0x10500073 ?
			    CONTAINED :
			    DIFFERS);
}
