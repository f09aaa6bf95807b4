/*
 * A trap taken while the hypervisor itself ran (sscratch 0: trap.S), or an
 * error it cannot recover from. Either way: say what happened in plain
 * words, print the registers, dump every ring in flight-recorder form (the
 * last records of every hart), and shut down with a failure reason.
 */
#include <stdarg.h>

#include "../sbi/firmware.h"
#include "../trace/trace.h"
#include "console.h"
#include "riscv_names.h"
#include "vcpu.h"

static volatile int in_fault;

static void print_regs(const uint64_t *regs)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
		"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
		"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
		"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	for (int i = 1; i < 32; i++)
		printf("%4s %016llx%s", names[i], (unsigned long long)regs[i],
		       i % 4 == 3 ? "\n" : "  ");
	printf("\n");
}

/* Stop recursion: a fault while reporting a fault shuts down at once. */
static void enter_fault(void)
{
	if (in_fault++) {
		fw_console_write("tracevisor: fault while reporting a fault\n", 42);
		fw_shutdown(true);
	}
}

void hyp_fault(struct vcpu *v)
{
	uint64_t scause = csr_read(CSR_SCAUSE), sepc = csr_read(CSR_SEPC);
	uint64_t stval = csr_read(CSR_STVAL), htval = csr_read(CSR_HTVAL);
	enter_fault();
	console_flush();
	printf("\n");
	hyp_log("FATAL: the hypervisor itself took a trap: %s (scause %#llx)\n",
		tv_cause_name(scause), (unsigned long long)scause);
	hyp_log("  at sepc %#llx, stval %#llx, htval %#llx, hart %u\n",
		(unsigned long long)sepc, (unsigned long long)stval,
		(unsigned long long)htval, v->hart);
	print_regs(v->fault_regs);
	/* The exit the hart was handling (its record is written at the entry
	 * that will not come) and the stop itself go into the ring first. */
	if (v->ring) /* (a hart context before its first vCPU has none) */
		trace_stop(v, TV_STOP_HYP_FAULT, scause);
	hyp_log("flight recorder: the last records of every hart follow\n");
	trace_dump_fault();
	hyp_log("shutting down: failure (hypervisor fault)\n");
	console_flush();
	fw_shutdown(true);
}

void hyp_panic(const char *fmt, ...)
{
	va_list ap;
	enter_fault();
	console_flush();
	printf(HYP_TAG "FATAL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	trace_dump_fault();
	hyp_log("shutting down: failure\n");
	console_flush();
	fw_shutdown(true);
}
