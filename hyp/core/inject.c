/*
 * Delivering an exception to the guest as the hardware would have, had it
 * been delegated to VS-mode ("Trap Entry" for VS-mode in the hypervisor
 * specification; the guest sees its own vsepc/vscause/vstval/vsstatus as
 * sepc/scause/stval/sstatus):
 *   vsepc  = the faulting guest PC        vscause = cause
 *   vstval = the trap value               vsstatus.SPP = privilege it came from
 *   vsstatus.SPIE = vsstatus.SIE          vsstatus.SIE = 0
 * and execution continues at vstvec's base in VS-mode (exceptions never
 * use the vectored offset).
 */
#include <tracevisor/trace_record.h>

#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "vcpu.h"

void inject_exception(struct vcpu *v, uint64_t cause, uint64_t tval)
{
	uint64_t vsstatus = csr_read(CSR_VSSTATUS);
	uint64_t target = csr_read(CSR_VSTVEC) & ~3ULL;

	/* The guest's own trap handler is what faulted: delivering the trap
	 * again would loop forever (a double fault). Stop the guest. */
	if (v->sepc == target) {
		hyp_log("guest double fault: %s at its own trap vector %#llx "
			"(vstvec); stopping the guest\n",
			cause == EXC_INST_ACCESS ? "instruction access fault"
						 : "exception",
			(unsigned long long)target);
		vcpu_stop(v, TV_STOP_FAULT, cause, true);
	}

	csr_write(CSR_VSEPC, v->sepc);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);

	/* sstatus.SPP at the exit says whether the guest was in VS (1) or VU. */
	bool was_sie = vsstatus & SSTATUS_SIE;
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (v->sstatus & SSTATUS_SPP)
		vsstatus |= SSTATUS_SPP;
	if (was_sie)
		vsstatus |= SSTATUS_SPIE;
	csr_write(CSR_VSSTATUS, vsstatus);

	trace_exc(v, cause, tval, v->sepc, target);
	sbi_hook_exception(v, cause); /* PMU firmware events */

	/* Resume at the handler, in VS-mode (V=1 and SPP=S on sret: the
	 * hstatus.SPV=1 of the exit's own trap is still in the CSR, and in
	 * the copy vcpu_enter writes: hyp/arch/trap.S). */
	v->sepc = target;
	v->sstatus |= SSTATUS_SPP;
}
