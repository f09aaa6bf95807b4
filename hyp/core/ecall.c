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
 * that the inline one needs no stack frame. A call through the table
 * needs its exit noted (what it calls may write records first); a
 * record that does not fit gets it noted here, for the events. */
static __attribute__((noinline)) void ecall_traced_table(void)
{
	sbi_ecall_table(this_vcpu());
	trace_ecall_entry(this_vcpu()); /* (the vcpu is tp's again after the call) */
}
static __attribute__((noinline)) void ecall_traced_unfit(uint64_t t_exit, uint64_t sepc,
							 uint64_t a0, uint64_t a1)
{
	struct vcpu *v = this_vcpu();

	trace_ecall_note(v, t_exit, sepc, a0, a1);
	trace_ecall_general(v);
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
		/* the SBI visit is recorded: the exit's time, pc, a0 and a1
		 * read now, its record written at the entry */
		uint64_t t_exit = csr_read_relaxed(CSR_TIME), sepc = v->sepc;
		uint64_t a0 = v->gpr[REG_A0], a1 = v->gpr[REG_A1];

		if (!sbi_ecall_direct(v)) {
			trace_ecall_note(v, t_exit, sepc, a0, a1);
			ecall_traced_table();
			return;
		}
		if (__builtin_expect(!trace_sbi_put(v, t_exit, sepc, a0, a1), 0))
			ecall_traced_unfit(t_exit, sepc, a0, a1);
	} else {
		exit_traced(v); /* the filter keeps SBI records out: events */
	}
}
