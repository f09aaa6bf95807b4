#include "timer.h"

#include "../sbi/firmware.h"
#include "../trace/trace.h"
#include "options.h"
#include "platform.h"

#define NEVER (~0ULL)

bool timer_guest_has_sstc(void)
{
	return platform.has_sstc && opt.timer != TIMER_SBI;
}

/* Program the hypervisor's own supervisor timer (host time base). */
static void hs_timer_arm(uint64_t when)
{
	if (platform.has_sstc)
		csr_write(CSR_STIMECMP, when);
	else
		fw_set_timer(when);
}

void timer_init(struct vcpu *v)
{
	v->timer_deadline = NEVER;
	csr_write(CSR_HTIMEDELTA, opt.htimedelta);
	if (platform.has_sstc) {
		/* vstimecmp compares against the guest's time (time +
		 * htimedelta); all ones never fires. */
		csr_write(CSR_VSTIMECMP, NEVER);
		if (timer_guest_has_sstc())
			csr_set(CSR_HENVCFG, HENVCFG_STCE);
		else
			csr_clear(CSR_HENVCFG, HENVCFG_STCE);
	}
	hs_timer_arm(NEVER);
	csr_set(CSR_SIE, MIP_STIP);
}

/* SBI set_timer(when): `when` is in the guest's time base. Per the SBI
 * specification the call also clears the pending timer interrupt. */
void timer_set_guest(struct vcpu *v, uint64_t when)
{
	if (csr_read(CSR_HVIP) & MIP_VSTIP) {
		csr_clear(CSR_HVIP, MIP_VSTIP);
		trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, csr_read(CSR_HVIP), false);
	}
	v->timer_deadline = when;
	if (opt.timer == TIMER_SSTC && platform.has_sstc) {
		csr_write(CSR_VSTIMECMP, when);
		return;
	}
	hs_timer_arm(when == NEVER ? NEVER : when - opt.htimedelta);
}

/* The hypervisor's timer fired for the guest's deadline: silence it and
 * raise the guest's timer interrupt through hvip.VSTIP. */
void timer_interrupt(struct vcpu *v)
{
	hs_timer_arm(NEVER);
	v->timer_deadline = NEVER;
	csr_set(CSR_HVIP, MIP_VSTIP);
	trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, csr_read(CSR_HVIP), true);
}
