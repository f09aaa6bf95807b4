/*
 * The emulated PLIC against the "RISC-V Platform-Level Interrupt
 * Controller Specification" (v1.0.0), driven by the UART's line (source
 * 10: THR empty with IER.THRI set holds it high). Whether the PLIC's
 * output for our S-mode context (hvip.VSEIP) is raised is seen by
 * taking the interrupt: QEMU 7.2's sip reads SEIP as 0 in VS-mode
 * (docs/validation.md, DEV-17). The trap handler only counts it, so
 * nothing is claimed but by the checks themselves.
 */
#include "guest.h"

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define UART_IER (GVA_UART + 1)
#define SRC ((uint32_t)TV_UART_IRQ)
#define PRIO_MAX 7u /* three bits, as on QEMU virt (plic.c) */

static uintptr_t priority_reg(uint32_t s)
{
	return TV_GPA_PLIC + 4UL * s;
}

static uintptr_t enable_reg(unsigned ctx)
{
	return TV_GPA_PLIC + 0x2000 + 0x80UL * ctx;
}

static uintptr_t threshold_reg(unsigned ctx)
{
	return TV_GPA_PLIC + 0x200000 + 0x1000UL * ctx;
}

static uintptr_t claim_reg(unsigned ctx)
{
	return threshold_reg(ctx) + 4;
}

static bool source_pending(void)
{
	return REG32(TV_GPA_PLIC + 0x1000) & (1U << SRC);
}

/* Is an external interrupt pending? Let it in for a few instructions
 * (main.c's handler counts it and clears SEIE). */
static bool seip(void)
{
	uint64_t before = ext_irqs;
	csr_set(CSR_SIE, MIP_SEIP);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	for (volatile unsigned i = 0; i < 16; i++)
		;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_clear(CSR_SIE, MIP_SEIP);
	// cppcheck-suppress knownConditionTrueFalse ; volatile: guest_trap counts the interrupt
	return ext_irqs != before;
}

bool step_plic(void)
{
	bool ok = true;
	/* Hart h's S-mode context is 2h+1 (QEMU virt's layout). */
	unsigned ctx = 2 * (unsigned)guest_hart + 1;
	uint32_t id;

	REG32(priority_reg(SRC)) = 1;
	REG32(threshold_reg(ctx)) = 0;
	REG32(enable_reg(ctx)) = 1U << SRC;
	MMIO8(UART_IER) = 0x02; /* THRI: the line goes high */
	CHECK(source_pending(), "UART line high: source %u not pending", SRC);
	CHECK(seip(), "priority 1 over threshold 0: no SEIP");

	/* "The PLIC will mask all PLIC interrupts of a priority less than or
	 * equal to threshold" ("Priority Thresholds"); lowering it again
	 * lets the interrupt through that was pending all along. */
	REG32(threshold_reg(ctx)) = 1;
	CHECK(!seip(), "priority 1, threshold 1: SEIP raised");
	REG32(threshold_reg(ctx)) = 0;
	CHECK(seip(), "threshold lowered to 0 under a pending source: no SEIP");

	/* "a hart could set the threshold value to maximum to disable
	 * interrupt notifications and instead poll for active interrupts
	 * using periodic claim requests"; "the claim operation is not
	 * affected by the setting of the priority threshold register"
	 * ("Interrupt Claim Process"). */
	REG32(threshold_reg(ctx)) = PRIO_MAX;
	CHECK(!seip(), "threshold %u (maximum): SEIP raised", PRIO_MAX);
	id = REG32(claim_reg(ctx));
	CHECK(id == SRC, "claim with the threshold at its maximum: %u, want %u (polling)",
	      id, SRC);
	CHECK(!source_pending(), "claimed: pending bit still set");
	/* completed with the line still high: the gateway forwards it again */
	REG32(claim_reg(ctx)) = id;
	CHECK(source_pending(), "completed with the line high: not pending again");
	REG32(threshold_reg(ctx)) = 0;

	/* "If the completion ID does not match an interrupt source that is
	 * currently enabled for the target, the completion is silently
	 * ignored" ("Interrupt Completion"): the source stays in service and
	 * the gateway forwards nothing. */
	id = REG32(claim_reg(ctx));
	CHECK(id == SRC, "claim: %u, want %u", id, SRC);
	CHECK(!seip(), "claimed the only source: SEIP still raised");
	REG32(enable_reg(ctx)) = 0;
	REG32(claim_reg(ctx)) = SRC;
	REG32(enable_reg(ctx)) = 1U << SRC;
	CHECK(!source_pending() && !seip(),
	      "completion while the source was disabled was not ignored (pending %d, SEIP %d)",
	      source_pending(), seip());
	REG32(claim_reg(ctx)) = SRC;
	CHECK(source_pending() && seip(), "completion once enabled: pending %d, SEIP %d",
	      source_pending(), seip());

	/* Priority 0 "is reserved to mean 'never interrupt' and effectively
	 * disables the interrupt" ("Interrupt Priorities"). */
	REG32(priority_reg(SRC)) = 0;
	CHECK(!seip(), "priority 0: SEIP raised");
	id = REG32(claim_reg(ctx));
	CHECK(id == 0, "priority 0: claim %u, want 0", id);

	/* Leave it quiet: line low, what the gateway latched claimed and
	 * completed, the context disabled. */
	MMIO8(UART_IER) = 0;
	REG32(priority_reg(SRC)) = 1;
	id = REG32(claim_reg(ctx));
	if (id)
		REG32(claim_reg(ctx)) = id;
	REG32(enable_reg(ctx)) = 0;
	REG32(priority_reg(SRC)) = 0;
	CHECK(!source_pending() && !seip(), "left with pending %d, SEIP %d", source_pending(),
	      seip());
	printf("    threshold masks and unmasks; claim polls at the maximum threshold; "
	       "completion of a disabled source ignored; priority 0 never interrupts\n");
	return ok;
}
