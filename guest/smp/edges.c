/*
 * Edge cases the hypervisor must get right that only show with several
 * vCPUs: a hart started at the last halfword of guest RAM, and a PLIC
 * claim made by one vCPU for another's context.
 */
#include <string.h>

#include "smp_guest.h"
#include <tracevisor/guest_map.h>

uint64_t ram_base, ram_size; /* the device tree's /memory (main.c) */

extern char edge_stub[], edge_stub_end[]; /* entry.S */

/* SBI HSM hart_start needs only the start address to be "valid" for the
 * hart ("Function: Hart start"): a 16-bit first instruction in the last
 * halfword of RAM is one. vCPU k (STOPPED) starts there, runs the c.j
 * back into the stub and stops itself again. */
bool start_at_last_halfword(unsigned k)
{
	size_t n = (uintptr_t)edge_stub_end - (uintptr_t)edge_stub;
	uintptr_t end = (uintptr_t)(ram_base + ram_size);
	if (!ram_size || hsm_status(k) != SBI_HSM_STATE_STOPPED) {
		fail(boot_hart, "last-halfword start: no RAM size or vCPU %u not STOPPED", k);
		return false;
	}
	/* The top of RAM holds the device tree, read long ago. */
	memcpy((void *)(end - n), edge_stub, n);
	__asm__ volatile("fence.i" ::: "memory");
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, k, end - 2, 0);
	if (r.error) {
		fail(boot_hart, "hart_start(%u, last halfword %#lx): error %ld", k,
		     (unsigned long)(end - 2), r.error);
		return false;
	}
	uint64_t until = csr_read(CSR_TIME) + seconds(5);
	while (hsm_status(k) != SBI_HSM_STATE_STOPPED)
		if (csr_read(CSR_TIME) > until) {
			fail(boot_hart, "vCPU %u started at the last halfword did not stop", k);
			return false;
		}
	say("smp: hsm: vCPU %u started at the last halfword of RAM (%#lx), ran its c.j "
	    "and stopped", k, (unsigned long)(end - 2));
	return true;
}

/* The PLIC ("RISC-V Platform-Level Interrupt Controller Specification"):
 * priority of source s at 4*s, enables of context c at 0x2000 + 0x80*c,
 * threshold at 0x200000 + 0x1000*c, claim/complete 4 bytes above. Any
 * hart may read any context's claim register. */
#define PLIC_GPA TV_GPA_PLIC
#define UART_GPA TV_GPA_UART
#define UART_IRQ ((uint32_t)TV_UART_IRQ)
#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

bool plic_claim_other_context(void)
{
	unsigned other = boot_hart == 1 ? 2 : 1; /* a STOPPED vCPU's context */
	uintptr_t ctx = PLIC_GPA + 0x200000 + 0x1000UL * other;
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 1;
	REG32(ctx) = 0;
	REG32(PLIC_GPA + 0x2000 + 0x80UL * other) = 1U << UART_IRQ;
	/* The UART raises its line: THR empty, and IER.THRI enabled. */
	*(volatile uint8_t *)(UART_GPA + 1) = 0x02;
	uint32_t id = REG32(ctx + 4);
	if (id)
		REG32(ctx + 4) = id; /* complete */
	*(volatile uint8_t *)(UART_GPA + 1) = 0;
	REG32(PLIC_GPA + 0x2000 + 0x80UL * other) = 0;
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 0;
	if (id != UART_IRQ) {
		fail(boot_hart, "claim of context %u read by vCPU %u: %u, want %u (the UART)",
		     other, boot_hart, id, UART_IRQ);
		return false;
	}
	say("smp: plic: vCPU %u claimed source %u for context %u (another vCPU's)",
	    boot_hart, id, other);
	return true;
}
