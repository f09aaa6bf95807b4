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

/*
 * Did the access begin where it faulted? One that begins on the page
 * before and runs into a device's page faults at that page's start:
 * stval is "the portion of the access that caused the fault", not the
 * address the instruction used, and the aligned GPA would have the
 * device read or write bytes the guest never addressed. A transformed
 * instruction in htinst says so in its Addr. Offset field, refused
 * before (exit.c); a fetched one by its base and offset. Only a page
 * start is checked (the caller's test): nothing else can be such a
 * portion. rs1's value is saved: exit.c takes the path that saves every
 * register when rs1 is callee-saved and stval a page start.
 */
static bool mmio_starts_at_stval(const struct vcpu *v, const struct mmio_op *op)
{
	if (op->width == 1 || v->htinst)
		return true;
	return (op->rs1 ? v->gpr[op->rs1] : 0) + (uint64_t)(int64_t)op->imm == v->stval;
}

/* The access, done by the device: a store writes the low bytes of rs2,
 * a load's value is sign- or zero-extended into rd; x0 reads as zero and
 * its writes are discarded. A load into gp or s0-s11 came through the
 * exit that saved them all (exit.c, vcpu_mmio_exit_all), whose return
 * loads every register. op is the vCPU's own decode (v->mmio_op): read
 * through v after the device's call, it needs no register of its own. */
static inline __attribute__((always_inline)) bool emulate(struct vcpu *v, struct mmio_device *d,
							   uint64_t gpa)
{
	const struct mmio_op *op = &v->mmio_op;
	uint64_t off = gpa - d->base;
	uint64_t val;

	if (op->cause != v->scause)
		return false; /* an FP access, or a load that faulted as a store */
	if (gpa & ((uint64_t)op->width - 1))
		return false; /* misaligned device access: access fault */
	if (__builtin_expect(!(v->stval & 0xfff), 0) && !mmio_starts_at_stval(v, op))
		return false; /* begun on the page before: misaligned too */
	if (off + op->width > d->size)
		return false;
	if (op->cause == EXC_STORE_GUEST_PAGE_FAULT) {
		val = op->reg ? v->gpr[op->reg] & op->store_mask : 0;
		if (!d->write(d, v, off, op->width, val))
			return false;
	} else {
		struct mmio_read r = d->read(d, v, off, op->width);
		if (!r.ok)
			return false;
		val = insn_extend_unused(r.value, op->shift, op->sign);
		if (op->reg)
			v->gpr[op->reg] = val;
	}
	trace_mmio(v, &v->mmio_op, gpa, val, d->id);
	return true;
}

/* Devices are shared by every vCPU of the VM: with one vCPU nothing else
 * touches them (its hart alone runs the guest and polls the console for
 * it), so no lock; with several, the VM's device lock. */
static __attribute__((noinline)) bool emulate_locked(struct vcpu *v, struct mmio_device *d,
						     uint64_t gpa)
{
	spin_lock(&v->vm->device_lock);
	bool ok = emulate(v, d, gpa);
	spin_unlock(&v->vm->device_lock);
	return ok;
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

void mmio_handle_guest_page_fault(struct vcpu *v, bool decoded)
{
	uint64_t gpa = fault_gpa(v);
	struct mmio_device *d = find_device(v, gpa);
	bool ok = false;

	if (d && decoded)
		ok = __builtin_expect(v->vm->nvcpus > 1, 0) ? emulate_locked(v, d, gpa)
							    : emulate(v, d, gpa);
	if (!ok) {
		/* no device there: the first touch of a block of guest RAM
		 * (the guest retries the access), else nothing is there */
		if (d || !vm_ram_fault(v->vm, gpa))
			access_fault(v);
		return;
	}
	v->sepc += v->insn_len;
	if (d->after)
		d->after(d, v);
}
