/*
 * hostile=tickstop (with tv.vcpus=2, tv.dump_every=MS and a small ring):
 * the guest stops its vCPU 0 (SBI HSM hart_stop) and runs on with vCPU 1
 * alone. The machine-wide ticks - the live periodic dump (tv.dump_every)
 * and the progress line (tv.progress) - must go on: a guest that could
 * stop them would have its records overwritten in the ring instead of
 * dumped, its trace cut short by what it chose to run where.
 *
 * vCPU 1 makes TICK_BATCHES batches of TICK_MARKS marks, MARK_TICK + n,
 * each batch followed by TICK_WAIT_MS with no exit at all. Two batches
 * fit the ring the test gives (tv.ring=512), so with the periodic dump
 * going on no record is lost: tests/system/test_trace_trust.sh wants every mark
 * in the trace once, no record lost and the periodic dumps there.
 *
 * hostile=tickdrop (VM 0, two vCPUs, vCPU 0 time-shared with another
 * VM's vCPU) and hostile=tickmarks (that other VM): VM 0's vCPU 0, which
 * carries the ticks, stops and is switched out; its vCPU 1 then shuts VM 0
 * down, so vCPU 0's hart drops it while it is switched out (sched_drop),
 * never to run again. The other VM makes the same batches of marks on
 * its vCPU 0 and wants them dumped as above; or, with a third VM making
 * them, the other VM shuts down before the drop (hostile=stoplate).
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

/* The marks, TICK_BATCHES batches of TICK_MARKS, TICK_WAIT_MS apart. */
static void tick_batches(void)
{
	for (unsigned b = 0; b < TICK_BATCHES; b++) {
		for (unsigned i = 0; i < TICK_MARKS; i++)
			sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK,
				 MARK_TICK + (unsigned long)b * TICK_MARKS + i, 0, 0);
		quiet_wait(TICK_WAIT_MS);
	}
}

static __attribute__((noreturn)) void tick_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 SBI_SRST_REASON_NONE, 0);
	for (;;)
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
	tick_batches();
	dbcn_text("hostile: tickstop: vCPU 1 made all its marks\n");
	tick_shutdown();
}

/* Start vCPU 1 on `job`, then stop vCPU 0 (hostile=tickstop, tickdrop). */
static __attribute__((noreturn)) void stop_vcpu0(void (*job)(void))
{
	hostile_second_job = job;
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1,
				   (uintptr_t)hostile_second_entry,
				   (uintptr_t)(tick_stack + sizeof(tick_stack) / sizeof(tick_stack[0])));
	if (r.error != SBI_SUCCESS) {
		printf("hostile: hart_start(1) failed: %s\n", sbi_err_text(r.error));
		guest_shutdown(true);
	}
	vcpu0_stopping = true;
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	printf("hostile: vCPU 0 did not stop\n");
	guest_shutdown(true);
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
	stop_vcpu0(tick_second);
}

/* vCPU 1 of hostile=tickdrop: once vCPU 0 has stopped and its hart has
 * had time to switch it out (the other VM's vCPU is ready there), and the
 * other VM time to stop if it does (hostile=stoplate), VM 0's shutdown. */
static void drop_second(void)
{
	while (!vcpu0_stopping)
		;
	while (sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, 0).value !=
	       SBI_HSM_STATE_STOPPED)
		;
	quiet_wait(1000);
	dbcn_text("hostile: tickdrop: vCPU 0 stopped, vCPU 1 shuts the VM down\n");
	tick_shutdown();
}

void variant_tickdrop(void)
{
	if (mach.nharts < 2) {
		printf("hostile: variant tickdrop needs two vCPUs\n");
		guest_shutdown(true);
	}
	printf("hostile: variant tickdrop: vCPU 0 stops, vCPU 1 then shuts the VM down\n");
	fflush(stdout);
	stop_vcpu0(drop_second);
}

void variant_tickmarks(void)
{
	printf("hostile: variant tickmarks: %u marks %#lx.. in %u batches, %u ms apart\n",
	       TICK_BATCHES * TICK_MARKS, MARK_TICK, TICK_BATCHES, TICK_WAIT_MS);
	fflush(stdout);
	quiet_wait(2ul * TICK_WAIT_MS); /* the boots' records dumped first */
	tick_batches();
	printf("hostile: tickmarks: made all its marks\n");
	fflush(stdout);
	tick_shutdown();
}

/* hostile=stoplate: shut down after STOPLATE_MS with no exit (the other
 * VM on the hart of hostile=tickdrop's vCPU 0 is gone before the drop). */
#define STOPLATE_MS 300u

void variant_stoplate(void)
{
	printf("hostile: variant stoplate: the guest shuts down in %u ms\n", STOPLATE_MS);
	fflush(stdout);
	quiet_wait(STOPLATE_MS);
	tick_shutdown();
}
