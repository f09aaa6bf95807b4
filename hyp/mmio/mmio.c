/*
 * MMIO emulation on load and store guest-page faults.
 *
 * The faulting guest-physical address is (htval << 2) | (stval & 3)
 * ("Hypervisor Trap Value Register (htval)": htval holds the GPA shifted
 * right by 2). The instruction comes from htinst when the hardware wrote a
 * transformed instruction there; otherwise (QEMU 7.2 always writes 0) the
 * exit path fetched it from the guest with HLVX.HU before recording the
 * exit (see exit.c).
 */
#include "mmio.h"

#include <tracevisor/trace_record.h>

#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "insn.h"

static uint64_t fault_gpa(const struct vcpu *v)
{
	return (v->htval << 2) | (v->stval & 3);
}

/* A load becomes a load access fault, a store or AMO a store/AMO access
 * fault, with the guest virtual address as tval - what the guest would see
 * on a machine where that address is not backed by anything. The decoded
 * instruction decides when there is one: QEMU 7.2 reports AMOs and SC to
 * an unmapped GPA as load guest-page faults; only LR is a load. */
static void access_fault(struct vcpu *v)
{
	bool store = (v->scause == EXC_STORE_GUEST_PAGE_FAULT);
	struct insn_mem m;
	const uint32_t LR_MASK = 0xf800007f, LR = 0x1000002f; /* lr.w / lr.d */
	if (v->insn_valid && insn_decode_mem(v->insn, &m) == INSN_AMO)
		store = (v->insn & LR_MASK) != LR;
	inject_exception(v, store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS, v->stval);
}

/* mmio_decode() (mmio.h) when the vCPU's last decode is another
 * instruction's. */
const struct insn_mem *mmio_decode_miss(struct vcpu *v)
{
	uint32_t insn = v->insn;

	v->mmio_key = 0;
	if (insn_decode_mem(insn, &v->mmio_dec) != INSN_OK)
		return NULL;
	const struct insn_mem *m = &v->mmio_dec;
	/* FP registers are the guest's, never touched: no cause matches */
	v->mmio_cause = m->is_fp	 ? 0
			: m->is_store ? EXC_STORE_GUEST_PAGE_FAULT
				      : EXC_LOAD_GUEST_PAGE_FAULT;
	v->mmio_callee = !m->is_fp && ((VCPU_CALLEE_REGS >> m->reg) & 1);
	v->mmio_info = TV_MMIO_INFO(m->width, m->is_store, m->is_signed, m->reg);
	v->mmio_key = insn;
	return &v->mmio_dec;
}

static bool emulate(struct vcpu *v, struct mmio_device *d, uint64_t gpa,
		    const struct insn_mem *m)
{
	uint64_t off = gpa - d->base;
	uint64_t val;
	bool store = m->is_store;

	if (v->mmio_cause != v->scause)
		return false; /* an FP access, or a load that faulted as a store */
	if (gpa & (m->width - 1))
		return false; /* misaligned device access: access fault */
	if (off + m->width > d->size)
		return false;
	if (store) {
		val = vcpu_get_reg(v, m->reg);
		if (m->width < 8)
			val &= (1ULL << (m->width * 8)) - 1;
		if (!d->write(d, v, off, m->width, val))
			return false;
	} else {
		if (!d->read(d, v, off, m->width, &val))
			return false;
		val = insn_extend_load(val, m->width, m->is_signed);
		vcpu_set_reg(v, m->reg, val);
	}
	trace_mmio(v, gpa, val, v->mmio_info, v->insn, d->id);
	return true;
}

/* The device at gpa: the one this vCPU used last when gpa is in it (a
 * driver polls one device at a time), else the VM's table. */
static struct mmio_device *find_device(struct vcpu *v, uint64_t gpa)
{
	struct mmio_device *d = v->last_dev;

	if (d && gpa >= d->base && gpa - d->base < d->size)
		return d;
	d = vm_find_device(v->vm, gpa);
	if (d)
		v->last_dev = d;
	return d;
}

void mmio_handle_guest_page_fault(struct vcpu *v, const struct insn_mem *m)
{
	uint64_t gpa = fault_gpa(v);
	struct mmio_device *d = find_device(v, gpa);

	bool ok = false;
	if (d && m) {
		/* Devices are shared by every vCPU of the VM: with one vCPU
		 * nothing else touches them (its hart alone runs the guest
		 * and polls the console for it), so no lock. */
		bool shared = v->vm->nvcpus > 1;

		if (shared)
			spin_lock(&v->vm->device_lock);
		ok = emulate(v, d, gpa, m);
		if (shared)
			spin_unlock(&v->vm->device_lock);
	}
	if (!ok) {
		access_fault(v);
		return;
	}
	v->sepc += v->insn_len;
	if (d->after)
		d->after(d, v);
}
