/*
 * hostile=tickwake (VM 0's vCPU 0, which carries the machine-wide ticks,
 * with tv.dump_every or tv.progress): a retentive HSM suspend with only
 * the guest's timer interrupt enabled (sie.STIE, sstatus.SIE off) and its
 * SBI deadline TICKWAKE_MS away. The hart resumes from a retentive
 * suspend for an interrupt ("Function: Hart suspend"): a return before
 * the deadline is one the guest had no cause for, such as the
 * hypervisor's own tick. (The time tells, not sip.STIP: QEMU 7.2 does
 * not show in the guest's sip the VSTIP its vstimecmp raises.) The
 * count is printed for tests/system/test_trace_trust.sh.
 */
#include "hostile.h"

#include <tracevisor/sbi_ids.h>

#define TICKWAKE_MS 500u

void variant_tickwake(void)
{
	uint64_t deadline = csr_read(CSR_TIME) + TICKWAKE_MS * (mach.timebase_hz / 1000);
	unsigned early = 0, resumes = 0;

	printf("hostile: variant tickwake: a retentive suspend until its timer, %u ms away\n",
	       TICKWAKE_MS);
	fflush(stdout);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_set(CSR_SIE, MIP_STIP);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0);
	/* csr_read is an asm volatile read of time, which the check cannot see */
	while (csr_read(CSR_TIME) < deadline) { /* NOLINT(bugprone-infinite-loop) */
		sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0);
		resumes++;
		if (csr_read(CSR_TIME) < deadline)
			early++;
	}
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	csr_clear(CSR_SIE, MIP_STIP);
	printf("hostile: tickwake: %u resume(s), %u before its timer, after %lu ms\n",
	       resumes, early,
	       (unsigned long)((csr_read(CSR_TIME) - deadline) / (mach.timebase_hz / 1000) +
			       TICKWAKE_MS));
	guest_shutdown(false);
}
