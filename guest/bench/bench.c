/*
 * The benchmark guest: measures the cost of each kind of exit in retired
 * instructions. Run it under QEMU's -icount shift=0,sleep=off, where the
 * instret counter counts every instruction of every privilege mode (guest,
 * hypervisor and firmware alike), so each figure is exact and repeatable.
 * The same source also runs natively as an S-mode payload of OpenSBI, for
 * the baseline. Results are printed as "bench: key=value" lines that
 * scripts/bench.sh collects.
 */
#include <stdbool.h>
#include <stdio.h>
#include <tracevisor/csr.h>
#include <tracevisor/guest_map.h>

#include "fdt.h"
#include "guest_common.h"
#include "sbi_call.h"

#define ITERS 1024
#define UART 0x10000000UL

static bool under_hyp;
static volatile uint64_t irq_instret, irq_time;
static volatile unsigned irqs;

struct trap_frame;

void guest_trap(struct trap_frame *f)
{
	(void)f;
	irq_instret = csr_read(CSR_INSTRET);
	irq_time = csr_read(CSR_TIME);
	uint64_t cause = csr_read(CSR_SCAUSE);
	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER))
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	else if (cause == (CAUSE_INTERRUPT | IRQ_S_SOFT))
		csr_clear(CSR_SIP, 1UL << IRQ_S_SOFT);
	else {
		printf("bench: unexpected trap %#lx at %#lx\n", (unsigned long)cause,
		       (unsigned long)csr_read(CSR_SEPC));
		sbi_call(SBI_EXT_SRST, 0, 0, 1, 0);
	}
	irqs++;
}

static void op_none(void) {}
static void op_null_sbi(void) { sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0); }
static void op_uart_read(void) { (void)*(volatile uint8_t *)(UART + 7); }
/* LSR: what a polling driver reads; the hypervisor polls the console for
 * input at most every 1/1024 s there, not on every read. */
static void op_uart_lsr_read(void) { (void)*(volatile uint8_t *)(UART + 5); }
static void op_uart_write(void) { *(volatile uint8_t *)(UART + 7) = 0x5a; }
static void op_wfi(void) { __asm__ volatile("wfi"); }

/* Counter to measure with: instret (exact under icount) or time ticks. */
static uint64_t (*counter)(void);
static uint64_t read_instret(void) { return csr_read(CSR_INSTRET); }
static uint64_t read_time(void) { return csr_read(CSR_TIME); }

static uint64_t timebase_hz = 10000000;

static uint64_t run(void (*op)(void), unsigned n)
{
	op(); /* warm up: first-touch costs are not what we measure */
	uint64_t t0 = counter();
	for (unsigned i = 0; i < n; i++)
		op();
	return counter() - t0;
}

/* Per-operation cost with the loop and call overhead subtracted: in
 * instructions, or in nanoseconds when counting time ticks. The fewest
 * of three runs: on a time-shared hart one of them may include another
 * VM's turn (under -icount the runs are otherwise identical). */
static uint64_t measure(void (*op)(void), unsigned n)
{
	uint64_t base = run(op_none, n);
	uint64_t total = ~0ULL;
	for (int k = 0; k < 3; k++) {
		uint64_t t = run(op, n);
		total = t < total ? t : total;
	}
	uint64_t d = total > base ? total - base : 0;
	if (counter == read_time)
		return d * (1000000000 / timebase_hz) / n;
	return (d + n / 2) / n;
}

static void report(const char *key, uint64_t v)
{
	printf("bench: %s=%lu\n", key, (unsigned long)v);
}

/* SBI set_timer for "now" -> timer interrupt -> first C line of the
 * handler: the latency of timer injection, averaged over n shots. */
static uint64_t timer_latency(unsigned n)
{
	uint64_t sum = 0;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	for (unsigned i = 0; i < n; i++) {
		unsigned before = irqs;
		uint64_t t0 = counter();
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0, 0, 0);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		while (irqs == before)
			;
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		sum += (counter == read_instret ? irq_instret : irq_time) - t0;
	}
	csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
	if (counter == read_time)
		return sum * (1000000000 / timebase_hz) / n;
	return (sum + n / 2) / n;
}

static uint64_t testdev(uint64_t reg)
{
	return *(volatile uint64_t *)(TV_GPA_TESTDEV + reg);
}

/* On a time-shared hart (tv.vmN=...,harts:S): spin, letting the
 * scheduler give the hart away and back at least 16 times (at most 5 s),
 * then report what a switch cost the hypervisor in instructions
 * (hyp/core/sched.h): the cheapest, and the last one. */
static void bench_switch(void)
{
	uint64_t turns = testdev(TV_TESTDEV_HART_VCPUS);
	if (turns < 2)
		return;
	uint64_t want = testdev(TV_TESTDEV_SWITCHES) + 16;
	uint64_t until = read_time() + 5 * timebase_hz;
	while (testdev(TV_TESTDEV_SWITCHES) < want && read_time() < until) {
		uint64_t t = read_time() + timebase_hz / 1000;
		while (read_time() < t)
			;
	}
	report("hart_vcpus", turns);
	report("vm_switches", testdev(TV_TESTDEV_SWITCHES));
	report("vm_switch_instr_min", testdev(TV_TESTDEV_SWITCH_INSTR_MIN));
	report("vm_switch_instr_last", testdev(TV_TESTDEV_SWITCH_INSTR_LAST));
}

static void trace_ctl(unsigned long fid)
{
	sbi_call(SBI_EXT_TRACEVISOR, fid, 0, 0, 0);
}

static void bench_all(const char *unit)
{
	char key[64];
#define KEY(name) (snprintf(key, sizeof(key), "%s_%s", name, unit), key)
	report(KEY("null_sbi_call"), measure(op_null_sbi, ITERS));
	report(KEY("timer_injection"), timer_latency(32));
	if (!under_hyp)
		return;
	report(KEY("mmio_uart_read"), measure(op_uart_read, ITERS));
	report(KEY("mmio_uart_lsr_read"), measure(op_uart_lsr_read, ITERS));
	report(KEY("mmio_uart_write"), measure(op_uart_write, ITERS));
	/* WFI with an interrupt already pending (VSSIP, set by the guest in
	 * its sip) and SIE off: the exit and the return, nothing else. */
	csr_set(CSR_SIE, 1UL << IRQ_S_SOFT);
	csr_set(CSR_SIP, 1UL << IRQ_S_SOFT);
	report(KEY("wfi_exit"), measure(op_wfi, ITERS));
	csr_clear(CSR_SIP, 1UL << IRQ_S_SOFT);
	csr_clear(CSR_SIE, 1UL << IRQ_S_SOFT);
	/* The same null call with tracing switched off at run time. */
	trace_ctl(SBI_TV_TRACE_STOP);
	report(KEY("null_sbi_call_trace_off"), measure(op_null_sbi, ITERS));
	trace_ctl(SBI_TV_TRACE_START);
}

void guest_main(unsigned long hart, const void *fdt)
{
	(void)hart;
	console_init();
	int cpus = fdt_path_offset(fdt, "/cpus");
	int len;
	const void *tb = cpus >= 0 ? fdt_getprop(fdt, cpus, "timebase-frequency", &len) : NULL;
	if (tb && (len == 4 || len == 8))
		timebase_hz = fdt_read_cells(tb, len / 4);
	extern char trap_entry[];
	csr_write(CSR_STVEC, trap_entry);
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMP_ID, 0, 0, 0);
	under_hyp = r.error == 0 && r.value == SBI_TRACEVISOR_IMP_ID;
	printf("bench: mode=%s\n", under_hyp ? "hypervisor" : "native");
	counter = read_instret;
	bench_all("instr");
	counter = read_time;
	bench_all("ns");
	if (under_hyp)
		bench_switch();
	printf("bench: done\n");
	fflush(stdout);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		;
}
