/*
 * The VS-mode ecall exit ("Environment call from VS-mode", scause 10),
 * the most frequent exit: hyp/arch/trap.S tests scause for it first and
 * calls vcpu_ecall() with only the registers C code may change saved
 * (an SBI call reads a0-a7 and changes at most a0/a1 and sepc, "Binary
 * Encoding"). With tracing on, its exit, SBI call and entry are one
 * record (hyp/trace/trace.h).
 */
#include "../sbi/sbi_ecall.h"
#include "../trace/trace.h"
#include "fault_test.h"

/* The traced ecall's ways other than BASE's constant call with its
 * record written inline: out of line, each the path's last call, so
 * that the inline one needs no stack frame. */
static __attribute__((noinline)) void ecall_traced_table(void)
{
	sbi_ecall_table(this_vcpu());
	trace_ecall_entry(this_vcpu()); /* (the vcpu is tp's again after the call) */
}
static __attribute__((noinline)) void ecall_traced_unfit(void)
{
	trace_ecall_general(this_vcpu());
	sbi_hook_call(this_vcpu(), SBI_EXT_BASE);
}

/* The vCPU is tp's (hyp/arch/trap.S's convention, kept by a
 * time-shared hart's switch: hyp/arch/switch.S). After the SBI call it
 * is read there again (this_vcpu()), so the C code keeps no copy of it
 * across the call in a callee-saved register it would have to save and
 * restore. */
void vcpu_ecall(void)
{
	struct vcpu *v = this_vcpu();

	v->exits++;
	/* No STA hook: an ecall is an exit the guest caused, whose time is
	 * never steal time (hyp/sbi/sbi_sta.c). */
	maybe_fault(v);
	if (!TRACE_ACTIVE_VCPU(v)) {
		sbi_ecall(v); /* tracing off: one byte load and a branch */
	} else if (TRACE_ECALL_VCPU(v)) {
		/* the SBI visit is recorded: noted now, written at the entry */
		trace_ecall_exit(v);
		if (!sbi_ecall_direct(v)) {
			ecall_traced_table();
			return;
		}
		if (__builtin_expect(!trace_ecall_put(v), 0)) {
			ecall_traced_unfit();
			return;
		}
		sbi_hook_call(v, SBI_EXT_BASE); /* PMU firmware events */
	} else {
		exit_traced(v); /* the filter keeps SBI records out: events */
	}
}
