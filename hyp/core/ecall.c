/*
 * The VS-mode ecall exit ("Environment call from VS-mode", scause 10),
 * the most frequent exit: hyp/arch/trap.S tests scause for it first and
 * calls vcpu_ecall() with only the registers C code may change saved
 * (an SBI call reads a0-a7 and changes at most a0/a1 and sepc, "Binary
 * Encoding"). With tracing on, its exit, SBI call and entry are one
 * record (hyp/trace/trace.h).
 */
#include "../sbi/sbi_ecall.h"
#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "fault_test.h"

void vcpu_ecall(struct vcpu *v)
{
	v->exits++;
	sbi_hook_exit(v); /* STA: when this exit started */
	maybe_fault(v);
	if (!TRACE_ACTIVE_VCPU(v)) {
		sbi_ecall(v); /* tracing off: one byte load and a branch */
	} else if (TRACE_ECALL_VCPU(v)) {
		/* the SBI visit is recorded: noted now, written at the entry */
		trace_ecall_exit(v);
		sbi_ecall(v);
		trace_ecall_entry(v);
	} else {
		exit_traced(v); /* the filter keeps SBI records out: events */
	}
	sbi_hook_entry(v); /* STA: publish the steal time, traced or not */
}
