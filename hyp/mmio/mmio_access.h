/*
 * The emulated MMIO access of a load or store guest-page fault, the path
 * of every device access: inline in its only caller, the MMIO exit
 * (hyp/core/exit.c, mmio_exit), so that the exit, the access and its
 * trace record share one stack frame. The rare paths (an access fault,
 * a VM of several vCPUs taking its device lock) stay out of line in
 * mmio.c.
 */
#ifndef HYP_MMIO_ACCESS_H
#define HYP_MMIO_ACCESS_H

#include "../core/fault_gpa.h"
#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "mmio.h"
#include "mmio_op.h"

/* mmio.c: an access nothing answers becomes the guest's access fault;
 * the access of a VM of several vCPUs, under its device lock. */
void mmio_access_fault(struct vcpu *v);
bool mmio_emulate_locked(struct vcpu *v, struct mmio_device *d, uint64_t gpa);

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
static inline bool mmio_starts_at_stval(const struct vcpu *v, const struct mmio_op *op)
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
static inline __attribute__((always_inline)) bool mmio_emulate(struct vcpu *v,
								struct mmio_device *d, uint64_t gpa)
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
		mmio_read_t r = d->read(d, v, off, op->width);
		if (!mmio_read_ok(r))
			return false;
		val = insn_extend_unused(mmio_read_value(r), op->shift, op->sign);
		if (op->reg)
			v->gpr[op->reg] = val;
	}
	trace_mmio(v, &v->mmio_op, gpa, val, d->id);
	return true;
}

/* The device at gpa: the one this vCPU used last when gpa is in it (a
 * driver polls one device at a time), else the VM's table. */
static inline struct mmio_device *find_device(struct vcpu *v, uint64_t gpa)
{
	struct mmio_device *d = v->last_dev;

	if (d && gpa >= d->base && gpa - d->base < d->size)
		return d;
	d = vm_find_device(v->vm, gpa);
	if (d)
		v->last_dev = d;
	return d;
}

/* Emulate the access of a load or store guest-page fault; decoded: its
 * instruction is a load or store the emulator handles, whose decode is
 * v->mmio_op (mmio_decode). */
static inline __attribute__((always_inline)) void
mmio_handle_guest_page_fault(struct vcpu *v, bool decoded)
{
	uint64_t gpa;

	if (__builtin_expect(!fault_gpa(v, &gpa), 0))
		return; /* no GPA: the walk gave the guest its exception */
	struct mmio_device *d = find_device(v, gpa);
	bool ok = false;

	if (d && decoded) {
		if (__builtin_expect(!fault_gpa_is_access(v, gpa), 0))
			return; /* the guest's own page-table walk read there */
		ok = __builtin_expect(v->devices_shared, 0) ? mmio_emulate_locked(v, d, gpa)
							     : mmio_emulate(v, d, gpa);
	}
	if (!ok) {
		/* no device there: the first touch of a block of guest RAM
		 * (the guest retries the access), else nothing is there */
		if (d || !vm_ram_fault(v, gpa))
			mmio_access_fault(v);
		return;
	}
	v->sepc += v->insn_len;
	if (__builtin_expect(v->mmio_after, 0)) {
		v->mmio_after = 0;
		if (d->after)
			d->after(d, v);
	}
}

#endif
