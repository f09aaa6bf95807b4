/*
 * hostile=tickstop (with tv.vcpus=2, tv.dump_every=MS and a small ring):
 * the guest stops its vCPU 0 (SBI HSM hart_stop) and runs on with vCPU 1
 * alone. The machine-wide ticks - the live periodic dump (tv.dump_every)
 * and the progress line (tv.progress) - must go on: a guest that could
 * stop them would have its records overwritten in the ring instead of
 * dumped, its trace cut short by what it chose to run where.
 *
 * vCPU 1 makes TICK_BATCHES batches of TICK_MARKS marks, MARK_TICK + n,
 * each batch followed by TICK_WAIT_MS with no exit at all. A batch fits
 * the ring the test gives (tv.ring=256), so with the periodic dump going
 * on no record is lost: tests/system/test_trace_trust.sh wants every mark
 * in the trace once, no record lost and the periodic dumps there.
 */
#include "hostile.h"

#define MARK_TICK 0x71C50000UL
#define TICK_BATCHES 20u
#define TICK_MARKS 100u
#define TICK_WAIT_MS 150u

static volatile bool vcpu0_stopping;
static unsigned long tick_stack[1024] __attribute__((aligned(16)));

static void dbcn_text(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, n, (uintptr_t)s, 0);
}

/* A wait with no exit: the time CSR reads in VS-mode without one. */
static void quiet_wait(uint64_t ms)
{
	uint64_t t0 = csr_read(CSR_TIME);
	while (csr_read(CSR_TIME) - t0 < ms * (mach.timebase_hz / 1000))
		;
}

/* vCPU 1 (MMU off, no stdio): once vCPU 0 has stopped, the batches, then
 * the shutdown. */
static void tick_second(void)
{
	while (!vcpu0_stopping)
		;
	while (sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, 0).value !=
	       SBI_HSM_STATE_STOPPED)
		;
	dbcn_text("hostile: tickstop: vCPU 0 stopped, vCPU 1 marks on\n");
	for (unsigned b = 0; b < TICK_BATCHES; b++) {
		for (unsigned i = 0; i < TICK_MARKS; i++)
			sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK,
				 MARK_TICK + (unsigned long)b * TICK_MARKS + i, 0, 0);
		quiet_wait(TICK_WAIT_MS);
	}
	dbcn_text("hostile: tickstop: vCPU 1 made all its marks\n");
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 SBI_SRST_REASON_NONE, 0);
	for (;;)
		;
}

void variant_tickstop(void)
{
	if (mach.nharts < 2) {
		printf("hostile: variant tickstop needs two vCPUs (tv.vcpus=2)\n");
		guest_shutdown(true);
	}
	printf("hostile: variant tickstop: vCPU 0 stops; vCPU 1 makes %u marks %#lx.. in %u "
	       "batches, %u ms apart\n",
	       TICK_BATCHES * TICK_MARKS, MARK_TICK, TICK_BATCHES, TICK_WAIT_MS);
	fflush(stdout);
	hostile_second_job = tick_second;
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1,
				   (uintptr_t)hostile_second_entry,
				   (uintptr_t)(tick_stack + sizeof(tick_stack) / sizeof(tick_stack[0])));
	if (r.error != SBI_SUCCESS) {
		printf("hostile: tickstop: hart_start(1) failed: %s\n", sbi_err_text(r.error));
		guest_shutdown(true);
	}
	vcpu0_stopping = true;
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	printf("hostile: tickstop: vCPU 0 did not stop\n");
	guest_shutdown(true);
}
