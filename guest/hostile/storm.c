/*
 * The trap storm: a million exits as fast as the guest can make them, with
 * tracing switched off around them (the trace extension's stop and start),
 * then proof that the hypervisor is still there and counted every one: the
 * test device's EXITS register must have advanced by at least as many.
 */
#include "hostile.h"

/* Guest time in seconds and microseconds, for the report. */
static void print_rate(const char *what, unsigned long n, uint64_t exits, uint64_t ticks)
{
	uint64_t us = ticks * 1000000 / mach.timebase_hz;
	uint64_t ns_per = n ? ticks * 1000000000 / mach.timebase_hz / n : 0;
	printf("hostile: storm: %lu %s, exit counter +%lu, %lu.%06lu s, %lu ns per exit\n", n,
	       what, (unsigned long)exits, (unsigned long)(us / 1000000),
	       (unsigned long)(us % 1000000), (unsigned long)ns_per);
}

/* One storm: n exits of one kind (null SBI calls, or MMIO reads of the
 * scratch register, which holds 0x5707), each answer checked. */
static void storm(const char *what, unsigned long n, bool mmio)
{
	char got[96], want[96];
	unsigned long bad = 0;

	attempt_begin();
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_STOP, 0, 0, 0);
	uint64_t e0 = td_read(TD_EXITS);
	uint64_t t0 = csr_read(CSR_TIME);
	if (mmio) {
		for (unsigned long i = 0; i < n; i++)
			bad += td_read(TD_SCRATCH) != 0x5707;
	} else {
		for (unsigned long i = 0; i < n; i++)
			bad += sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).error != 0;
	}
	uint64_t t1 = csr_read(CSR_TIME);
	uint64_t e1 = td_read(TD_EXITS);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_START, 0, 0, 0);

	/* Still answering, and every exit counted (the two counter reads
	 * add one). */
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	uint64_t exits = e1 - e0;
	snprintf(want, sizeof(want), "alive, %lu right answers, exit counter +%lu or more", n, n);
	if (r.error == 0 && bad == 0 && exits >= n)
		snprintf(got, sizeof(got), "%s", want);
	else
		snprintf(got, sizeof(got), "%s, %lu wrong answers, exit counter +%lu",
			 r.error == 0 ? "alive" : "no answer", bad, (unsigned long)exits);
	char line[96];
	snprintf(line, sizeof(line), "trap storm: %lu %s with tracing off", n, what);
	attempt_end(line, got, want, got[0] == want[0] && exits >= n && !bad ? CONTAINED : DIFFERS);
	print_rate(what, n, exits, t1 - t0);
}

/* A million SBI exits and a tenth as many MMIO exits (hostile.storm=N). */
void attack_storm(void)
{
	storm("null SBI calls", mach.storm, false);
	td_write(TD_SCRATCH, 0x5707);
	storm("MMIO reads of the test device", mach.storm / 10, true);
	td_write(TD_SCRATCH, 0);
}
