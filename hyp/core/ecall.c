/*
 * The VS-mode ecall exit ("Environment call from VS-mode", scause 10),
 * the most frequent exit: hyp/arch/trap.S tests scause for it first and
 * calls the vCPU's handler (one of the three below) with only the
 * registers C code may change saved (an SBI call reads a0-a7 and
 * changes at most a0/a1 and sepc, "Binary Encoding"), and those it
 * reads still in registers. With tracing on, its exit, SBI call and
 * entry are one record (hyp/trace/trace.h).
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

/* The ecall handler's parameters: the registers trap.S leaves as the
 * guest had them, or sepc it read (vcpu.h, vcpu_ecall_fn); each handler
 * reads what it needs of them. */
#define ECALL_REG(name) uint64_t name __attribute__((unused))
#define ECALL_REGS                                                             \
	ECALL_REG(a0), ECALL_REG(a1), ECALL_REG(a2), ECALL_REG(a3), ECALL_REG(a4), \
		ECALL_REG(sepc), ECALL_REG(fid), ECALL_REG(eid)

/*
 * The vCPU is tp's (hyp/arch/trap.S's convention, kept by a time-shared
 * hart's switch: hyp/arch/switch.S). After the SBI call it is read there
 * again (this_vcpu()), so the C code keeps no copy of it across the call
 * in a callee-saved register it would have to save and restore. No STA
 * hook: an ecall is an exit the guest caused, whose time is never steal
 * time (hyp/sbi/sbi_sta.c).
 *
 * Which of the three handlers an ecall takes is the vCPU's v->ecall,
 * set with the trace's switches (hyp/trace/trace.c, set_vcpu_switches),
 * so that none of them tests a switch: tracing off (and the build with
 * TV_TRACE=0, whose trap.S calls vcpu_ecall directly), the SBI visit
 * recorded, or the exit recorded as events.
 */
void vcpu_ecall(ECALL_REGS)
{
	struct vcpu *v = this_vcpu();

	v->exits++;
	maybe_fault(v);
	if (!sbi_ecall_direct(v, eid, fid, sepc))
		sbi_ecall_table(v);
}

/* The SBI visit recorded: the exit's time read now, its record written
 * at the entry, inline for BASE's constant calls (trace.h,
 * trace_sbi_base_put()). */
void vcpu_ecall_traced(ECALL_REGS)
{
	struct vcpu *v = this_vcpu();
	uint64_t t_exit;

	v->exits++;
	maybe_fault(v);
	t_exit = csr_read_relaxed(CSR_TIME);
	if (!sbi_ecall_direct(v, eid, fid, sepc)) {
		trace_ecall_note(v, t_exit, sepc, a0, a1);
		ecall_traced_table();
		return;
	}
	if (__builtin_expect(!trace_sbi_base_put(v, t_exit, sepc, fid), 0))
		ecall_traced_unfit(t_exit, sepc, a0, a1);
}

/* The filter keeps SBI records out, the ring stops when full or a
 * watermark is set: the exit noted and written the general way. */
void vcpu_ecall_events(ECALL_REGS)
{
	struct vcpu *v = this_vcpu();

	v->exits++;
	maybe_fault(v);
	exit_traced(v);
}
