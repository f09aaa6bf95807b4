/*
 * Setting a vCPU's hypervisor CSRs before its first entry.
 */
#include "vcpu.h"

#include "../arch/hfence.h"
#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "isa.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"

/* Exceptions the guest handles itself with no exit at all ("Trap
 * Delegation": hedeleg): misaligned fetch, ecall from VU-mode and the
 * guest's own (VS-stage) page faults. Illegal instructions, breakpoints,
 * access faults and misaligned loads/stores still come to HS-mode, so they
 * appear in the trace before being passed on. */
#define HEDELEG_GUEST ((1UL << EXC_INST_MISALIGNED) | (1UL << EXC_ECALL_U) | \
		       (1UL << EXC_INST_PAGE_FAULT) | (1UL << EXC_LOAD_PAGE_FAULT) | \
		       (1UL << EXC_STORE_PAGE_FAULT))

/* The VS-level interrupts go to the guest ("Hypervisor Interrupt
 * Registers": hideleg); the hypervisor raises them through hvip. */
#define HIDELEG_GUEST (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)

/* hyp/arch/csr_try.S: set bits in hstateen0, what then reads back (0 on a
 * hart whose hstateen0 traps). */
uint64_t hart_set_hstateen0(uint64_t bits);

#define HSTATEEN0_ENVCFG (1UL << 62)

/*
 * Smstateen: "when a stateen CSR prevents access to state by
 * less-privileged levels", VS-mode's access "raises a virtual-instruction
 * exception" ("State Enable Extension"), and hstateen0.ENVCFG guards
 * senvcfg. Left clear, the guest's senvcfg - an S-mode CSR of every
 * hart, which it is not told is gated (Smstateen is not in its ISA) - is
 * an illegal instruction to it: Linux writes senvcfg at each context
 * switch once Zicboz or Zicbom is in its ISA, and panics. So the bit is
 * set on each hart (senvcfg itself is swapped per vCPU, vcpu_state.c). A
 * hart without Smstateen traps on hstateen0 and has no such gate.
 */
static void let_guest_use_senvcfg(unsigned hart)
{
	uint64_t stuck = hart_set_hstateen0(HSTATEEN0_ENVCFG);
	if (!(stuck & HSTATEEN0_ENVCFG) && isa_host_has("smstateen"))
		hyp_log("hart %u: hstateen0.ENVCFG cannot be set (mstateen0); the guest's "
			"senvcfg accesses will be illegal instructions\n", hart);
}

/* The guest's own supervisor CSRs (their VS copies) as after a reset,
 * and the hart state kept per vCPU (vcpu_state_reset(): FP, vector,
 * senvcfg, scounteren). vsie is also hie's VS bits. */
static void reset_guest_csrs(void)
{
	csr_write(CSR_VSSTATUS, 0);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSTVEC, 0);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_VSATP, 0);
	vcpu_state_reset();
}

void vcpu_init(struct vcpu *v, struct vm *vm, unsigned id, unsigned hart)
{
	v->vm = vm;
	v->vm_id = vm->id;
	v->id = id;
	v->hart = hart;
	vm->vcpus[id] = v;
	v->console.prefix = vm_prefix(vm);
	v->mmio_op.key = MMIO_OP_NONE; /* no MMIO instruction decoded yet */

	/* Requests from other harts arrive as supervisor software interrupts. */
	csr_set(CSR_SIE, MIP_SSIP);
	csr_write(CSR_HEDELEG, HEDELEG_GUEST);
	csr_write(CSR_HIDELEG, HIDELEG_GUEST);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	let_guest_use_senvcfg(hart);
	/* henvcfg enables what the guest's ISA string promises (isa.c). */
	isa_guest_setup(timer_guest_has_sstc());
	timer_init(v);
	sbi_vcpu_init(v); /* FWFT, STA and PMU state (hyp/sbi) */
	reset_guest_csrs();

	/* hgatp is WARL: a hart that does not accept the VM's mode or VMID
	 * keeps another value, and would run the guest with no G-stage or
	 * another VM's VMID. The harts' probes (vm.c) prevent it; this says
	 * so should a hart still differ. */
	csr_write(CSR_HGATP, vm->hgatp);
	if (csr_read(CSR_HGATP) != vm->hgatp)
		hyp_panic("hart %u does not accept VM %u's hgatp %#llx (it reads %#llx); "
			  "try tv.gstage=sv39x4 or tv.vmid_bits=0", hart, vm->id,
			  (unsigned long long)vm->hgatp,
			  (unsigned long long)csr_read(CSR_HGATP));
	/* New G-stage translations: flush any cached for this VMID
	 * (hfence.gvma x0, x0 covers all). */
	hfence_gvma_all();

	/* sret enters VS-mode: hstatus.SPV=1, sstatus.SPP=1. VTW=1 makes the
	 * guest's WFI a virtual-instruction exit. SPVP=1 so HLV/HLVX act
	 * as from VS. VSXL stays at its reset value (64-bit). */
	v->hstatus = (csr_read(CSR_HSTATUS) & HSTATUS_VSXL) | HSTATUS_SPV |
		     HSTATUS_SPVP | HSTATUS_VTW;
	/* FS must be non-Off in both sstatus and vsstatus for the guest to
	 * use floating point; the hypervisor itself never touches FP. */
	v->sstatus = (csr_read(CSR_SSTATUS) & ~(SSTATUS_SIE | SSTATUS_SPIE)) |
		     SSTATUS_SPP | SSTATUS_FS_INITIAL |
		     (isa_guest_has_v() ? SSTATUS_VS_INITIAL : 0);
	v->sepc = vm->entry_gpa;
	v->gpr[REG_A0] = id;	      /* the guest's hart id */
	v->gpr[REG_A1] = vm->fdt_gpa; /* its device tree */
	v->thread_started = 1; /* its hart holds its state from now on */
	trace_attach(v);
}

void vcpu_run(struct vcpu *v)
{
	sched_turn_start(v); /* a time-shared hart: its slice starts */
	trace_entry(v);
	vcpu_first_entry(v);
}

/*
 * HSM hart_start of a STOPPED vCPU: a hart started anew, as its first
 * start found it, not as its last incarnation left it. A STOPPED hart "is
 * not executing in supervisor-mode or any lower privilege mode", probably
 * "powered-down" ("Hart State Management Extension", HSM states), so what
 * the previous run left pending does not survive: an IPI sent while it
 * was stopped (or pending when it stopped) raises no software interrupt
 * in the new run, and no VS timer interrupt is left over either (its
 * timers are re-armed by timer_init). Its CSRs, FP/vector registers and
 * GPRs start as at its first start (vcpu_init); the specification leaves
 * all but satp, sstatus.SIE, a0 and a1 "undefined", which a leftover of
 * the last run would satisfy, but a guest could then read what a
 * previous run of "the same" hart held. VSEIP stays: it is the PLIC's
 * output for the hart's context, a level the PLIC still drives.
 */
void vcpu_hart_reset(struct vcpu *v)
{
	const uint64_t stale = csr_read(CSR_HVIP) & (MIP_VSSIP | MIP_VSTIP);

	reset_guest_csrs();
	for (unsigned r = 1; r < 32; r++)
		v->gpr[r] = 0;
	if (!stale)
		return;
	csr_clear(CSR_HVIP, stale);
	/* the trace said it was raised: it says it is gone */
	if (stale & MIP_VSSIP)
		trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_SOFT, csr_read(CSR_HVIP), false);
	if (stale & MIP_VSTIP)
		trace_irq(v, CAUSE_INTERRUPT | IRQ_VS_TIMER, csr_read(CSR_HVIP), false);
}

/* Enter the guest at addr in VS-mode, a0 = its hart id, a1 = opaque, the
 * way SBI HSM hart_start and the non-retentive suspends resume a hart
 * ("Function: Hart start", "Function: Hart Suspend", "Function: System
 * Suspend"): its MMU off; the caller sets its interrupt enable. sret
 * takes the privilege from hstatus.SPV, 1 in the vcpu's copy that
 * vcpu_run's entry writes (since vcpu_init), and sstatus.SPP, which must
 * not be that of an older exit: an ecall's return does not save sstatus,
 * and the last exit that did may have come from VU-mode. */
void vcpu_enter_at(struct vcpu *v, uint64_t addr, uint64_t opaque)
{
	csr_write(CSR_VSATP, 0);
	v->sepc = addr;
	v->gpr[REG_A0] = v->id;
	v->gpr[REG_A1] = opaque;
	v->sstatus |= SSTATUS_SPP;
	v->sstatus &= ~SSTATUS_SPIE;
	vcpu_run(v);
}
