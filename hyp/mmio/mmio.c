/*
 * MMIO emulation on load and store guest-page faults.
 *
 * The faulting guest-physical address is (htval << 2) | (stval & 3)
 * ("Hypervisor Trap Value Register (htval)": htval holds the GPA shifted
 * right by 2). The instruction comes from htinst when the hardware wrote a
 * transformed instruction there; otherwise (QEMU 7.2 always writes 0) the
 * exit path fetched it from the guest with HLVX.HU before recording the
 * exit (see exit.c). The access itself is inline in the exit path
 * (mmio_access.h); here are the decode of an instruction the vCPU has
 * not seen last, and the rare ends of an access.
 */
#include "mmio.h"

#include <tracevisor/trace_record.h>

#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "insn.h"
#include "mmio_access.h"

/* A load becomes a load access fault, a store or AMO a store/AMO access
 * fault, with the guest virtual address as tval - what the guest would see
 * on a machine where that address is not backed by anything. The decoded
 * instruction decides when there is one: QEMU 7.2 reports AMOs and SC to
 * an unmapped GPA as load guest-page faults; only LR is a load. */
void mmio_access_fault(struct vcpu *v)
{
	bool store = (v->scause == EXC_STORE_GUEST_PAGE_FAULT);
	struct insn_mem m;
	const uint32_t LR_MASK = 0xf800007f, LR = 0x1000002f; /* lr.w / lr.d */
	if (v->insn_valid && insn_decode_mem(v->insn, &m) == INSN_AMO)
		store = (v->insn & LR_MASK) != LR;
	inject_exception(v, store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS, v->stval);
}

/* mmio_decode() (mmio.h) when the vCPU's last decode is another
 * instruction's: decode it and work out what the exit path needs. */
const struct mmio_op *mmio_decode_miss(struct vcpu *v)
{
	uint32_t insn = v->insn;
	struct mmio_op *op = &v->mmio_op;
	struct insn_mem m;

	op->key = MMIO_OP_NONE;
	if (insn_decode_mem(insn, &m) != INSN_OK)
		return NULL;
	*op = (struct mmio_op){
		/* FP registers are the guest's, never touched: no cause matches */
		.cause = m.is_fp      ? 0
			 : m.is_store ? EXC_STORE_GUEST_PAGE_FAULT
				      : EXC_LOAD_GUEST_PAGE_FAULT,
		.width = m.width,
		.reg = m.reg,
		.callee = (uint8_t)((!m.is_fp && ((VCPU_CALLEE_REGS >> m.reg) & 1)
					     ? MMIO_CALLEE_REG : 0) |
				    (m.width > 1 && ((VCPU_CALLEE_REGS >> m.rs1) & 1)
					     ? MMIO_CALLEE_BASE : 0)),
		.rs1 = m.rs1,
		.imm = m.imm,
		.shift = (uint8_t)insn_load_unused_bits(m.width),
		.sign = m.is_signed,
		.len = m.len,
		.vflags = m.is_store ? TV_V_STORE : 0,
		.store_mask = m.width < 8 ? (1ULL << (8 * m.width)) - 1 : ~0ULL,
		.trace = ((uint64_t)TV_MMIO_INFO(m.width, m.is_store, m.is_signed, m.reg) << 32) |
			 insn,
		.key = insn,
	};
	return op;
}

/* Devices are shared by every vCPU of the VM: with one vCPU nothing else
 * touches them (its hart alone runs the guest and polls the console for
 * it), so no lock; with several, the VM's device lock. */
bool mmio_emulate_locked(struct vcpu *v, struct mmio_device *d, uint64_t gpa)
{
	spin_lock(&v->vm->device_lock);
	bool ok = mmio_emulate(v, d, gpa);
	spin_unlock(&v->vm->device_lock);
	return ok;
}
