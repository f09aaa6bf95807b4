/*
 * hostile=farcmp (time-shared with another VM, the guest's clock behind
 * the host's: tv.htimedelta "negative"): the guest's own timer (Sstc's
 * stimecmp, which the hart redirects to vstimecmp) at 2^64 - 2, one tick
 * short of never, its timer interrupt enabled in sie, then wfi for ever
 * with interrupts globally off. Its time never reaches that deadline, so
 * the vCPU waits and its hart runs the other VM. The hypervisor times a
 * waiting vCPU's vstimecmp on its own timer, in host time: the deadline
 * must not come out as one already passed (host time past 2^64, wrapped),
 * or that timer fires at once, over and over, and the other VM never
 * runs another instruction (tests/system/test_timeshare.sh).
 */
#include "hostile.h"

void variant_farcmp(void)
{
	printf("hostile: variant farcmp: stimecmp 2^64 - 2, then wfi for ever\n");
	fflush(stdout);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_STIMECMP, ~0UL - 1);
	csr_set(CSR_SIE, MIP_STIP); /* STIE: a wfi wakes for it */
	for (;;)
		__asm__ volatile("wfi");
}
