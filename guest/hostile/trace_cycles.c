/*
 * An attack on the trace's cycle column: the hypervisor's records read the
 * hart's `cycle`, the same counter the SBI PMU offers the guest as its
 * counter 0 (and `instret` as counter 2). Through SBI PMU the guest stops
 * both, starts them from 0 (a rewind) and stops them again, making exits
 * all along. If any of that reached the real counters (mcountinhibit,
 * mcycle), the hypervisor's records would show a cycle count that stands
 * still or goes back. The guest cannot see the trace: it reports what it
 * saw of its own counters (virtual: they run from 0 and stand still when
 * stopped), and tests/system/trace_trust.py judges the cycle column of the
 * records between MARK_CYCLES_BEGIN and MARK_CYCLES_END.
 */
#include "hostile.h"

/* tests/system/trace_trust.py knows these. */
#define MARK_CYCLES_BEGIN 0xC7C10000UL
#define MARK_CYCLES_END 0xC7C1FFFFUL
#define NULL_CALLS 20

static struct sbiret pmu(unsigned long fid, unsigned long base, unsigned long mask,
			 unsigned long flags, unsigned long init)
{
	return sbi_call_full(SBI_EXT_PMU, fid, base, mask, flags, init, 0, 0);
}

static void null_calls(void)
{
	for (int i = 0; i < NULL_CALLS; i++)
		sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
}

void attack_trace_cycles(void)
{
	const char *want = "the calls answered as the SBI says; the guest's cycle and instret "
			   "ran from 0 and stood still when stopped";
	char got[256];
	attempt_begin();
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_CYCLES_BEGIN, 0, 0);
	null_calls();
	/* Stop both (never started: ALREADY_STOPPED, and stopped). */
	long e_stop0 = pmu(SBI_PMU_COUNTER_STOP, 0, 5, 0, 0).error;
	null_calls();
	/* Rewind: both from 0. */
	long e_cy = pmu(SBI_PMU_COUNTER_START, 0, 1, SBI_PMU_START_SET_INIT_VALUE, 0).error;
	long e_ir = pmu(SBI_PMU_COUNTER_START, 2, 1, SBI_PMU_START_SET_INIT_VALUE, 0).error;
	uint64_t c0 = csr_read(CSR_CYCLE), i0 = csr_read(CSR_INSTRET);
	null_calls();
	uint64_t c1 = csr_read(CSR_CYCLE), i1 = csr_read(CSR_INSTRET);
	/* Freeze them, with exits while frozen. */
	long e_stop = pmu(SBI_PMU_COUNTER_STOP, 0, 5, 0, 0).error;
	uint64_t c2 = csr_read(CSR_CYCLE), i2 = csr_read(CSR_INSTRET);
	null_calls();
	uint64_t c3 = csr_read(CSR_CYCLE), i3 = csr_read(CSR_INSTRET);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_CYCLES_END, 0, 0);

	bool calls = e_stop0 == SBI_ERR_ALREADY_STOPPED && e_cy == 0 && e_ir == 0 && e_stop == 0;
	bool ran = c0 < (1UL << 32) && c1 > c0 && i0 < (1UL << 32) && i1 > i0;
	bool still = c3 == c2 && i3 == i2 && c2 >= c1 && i2 >= i1;
	if (calls && ran && still)
		snprintf(got, sizeof(got), "%s", want);
	else
		snprintf(got, sizeof(got),
			 "stop %ld, start %ld %ld, stop %ld; cycle %#lx %#lx, stopped %#lx %#lx; "
			 "instret %#lx %#lx, stopped %#lx %#lx",
			 e_stop0, e_cy, e_ir, e_stop, (unsigned long)c0, (unsigned long)c1,
			 (unsigned long)c2, (unsigned long)c3, (unsigned long)i0, (unsigned long)i1,
			 (unsigned long)i2, (unsigned long)i3);
	printf("hostile: trace cycles: the guest stopped cycle and instret, started them "
	       "from 0 and stopped them, with %d null SBI calls between each\n", NULL_CALLS);
	attempt_end("PMU: stop cycle and instret, restart them from 0, stop them, while the "
		    "hypervisor records exits",
		    got, want, calls && ran && still ? CONTAINED : DIFFERS);
}
