/*
 * The GPA of a guest-page fault whose htval the hart left zero
 * (fault_gpa.h): the guest's VS-stage tables walked in software
 * (hyp/gstage/vs_walk.c), each table entry read where the VM's G-stage
 * maps it, as the hart's own walk reads it. The walk either completes
 * (the fault was the access's own, at the GPA it gives) or stops at an
 * entry the G-stage does not map (the fault was that implicit read:
 * "the address of a VS-level page table entry that could not be read").
 */
#include "fault_gpa.h"

#include <tracevisor/csr.h>

#include "../gstage/vs_walk.h"
#include "../trace/trace.h"
#include "hyp.h"
#include "vm.h"

/* A VS-level table entry, read as the hart would: through a valid,
 * readable G-stage leaf onto guest RAM (the only memory the G-stage
 * maps), else the hart's own read takes the guest-page fault. */
static bool read_guest_pte(void *ctx, uint64_t gpa, uint64_t *pte)
{
	struct vm *vm = ctx;
	uint64_t hpa;
	unsigned long perm;

	if (!vm_gpa_in_ram(vm, gpa, 8) || !gstage_translate(&vm->gstage, gpa, &hpa, &perm) ||
	    !(perm & GSTAGE_R))
		return false;
	/* another vCPU of the VM may be writing it: one aligned load */
	*pte = __atomic_load_n((const uint64_t *)(uintptr_t)hpa, __ATOMIC_RELAXED);
	return true;
}

/* The exception of a guest-page fault's access type (fetch, load, store
 * or AMO) among `fetch`, `load` and `store` ("Exception Codes"). */
static uint64_t of_access_type(uint64_t guest_page_fault, uint64_t fetch, uint64_t load,
			       uint64_t store)
{
	return guest_page_fault == EXC_INST_GUEST_PAGE_FAULT	? fetch
	       : guest_page_fault == EXC_LOAD_GUEST_PAGE_FAULT ? load
								: store;
}

struct fault_gpa_walked fault_gpa_walk(struct vcpu *v)
{
	struct vm *vm = v->vm;
	/* this hart runs v: vsatp is v's, as the hart translated with it */
	uint64_t vsatp = csr_read(CSR_VSATP), gpa = 0;
	enum vs_walk_result r = vs_walk(vsatp, v->stval, read_guest_pte, vm, &gpa);

	/* (a GPA of 0-3 is what htval 0 names too: nothing to say then) */
	if ((r == VS_WALK_NONE || gpa >= 4) &&
	    !__atomic_exchange_n(&vm->htval_zero_said, 1, __ATOMIC_RELAXED))
		hyp_log("%shart %u wrote 0 to htval for a guest-page fault (cause %llu, GVA "
			"%#llx): the spec allows it (\"either zero or the guest physical "
			"address\"); each such fault's GPA comes from walking the guest's "
			"page tables (vsatp %#llx: %s %#llx)\n",
			vm->prefix, v->hart, (unsigned long long)v->scause,
			(unsigned long long)v->stval, (unsigned long long)vsatp,
			r == VS_WALK_DONE ? "the access's GPA" : r == VS_WALK_IMPLICIT ?
			"a page-table entry's GPA" : "no GPA, a page fault",
			(unsigned long long)gpa);
	trace_gpa_walked(v); /* the trace keeps htval 0 */
	if (r == VS_WALK_DONE)
		return (struct fault_gpa_walked){ gpa, true };
	if (r == VS_WALK_IMPLICIT) {
		/* a table in RAM not made ready yet: its first touch */
		if (vm_gpa_in_ram(vm, gpa, 8))
			return (struct fault_gpa_walked){ gpa, true };
		/* A table entry where no memory is (a hole, or a device: no
		 * device is read by a page-table walk): "an access-fault
		 * exception corresponding to the original access type" when
		 * the PTE access violates a PMA ("Virtual Address Translation
		 * Process"), what the guest sees on a machine without us. */
		inject_exception(v, of_access_type(v->scause, EXC_INST_ACCESS, EXC_LOAD_ACCESS,
						   EXC_STORE_ACCESS), v->stval);
		return (struct fault_gpa_walked){ 0, false };
	}
	/* The tables read now refuse the access: the guest changed them
	 * after the hart's translation (on another hart, or without the
	 * SFENCE.VMA that orders its own), and what the access does is the
	 * page fault they give now. */
	inject_exception(v, of_access_type(v->scause, EXC_INST_PAGE_FAULT, EXC_LOAD_PAGE_FAULT,
					   EXC_STORE_PAGE_FAULT), v->stval);
	return (struct fault_gpa_walked){ 0, false };
}

/*
 * fault_gpa.h, fault_gpa_is_access(): the fault of a hart that wrote
 * htinst 0, at gpa (a device's), with the guest's translation on. The
 * access's own fault has the page offset of its virtual address (a
 * translation keeps bits 11:0); one at another offset, or at a table
 * entry the guest's tables walked now cannot read (walked only when the
 * offset could be an entry's), was the walk's: no device is read by a
 * page-table walk, and the guest gets the access fault of its access
 * type ("Virtual Address Translation Process": a PTE access that
 * violates a PMA), as fault_gpa_walk() gives it. Anything
 * else is the access's: the hart translated it, and tables the guest
 * changed since (without the fence that orders the change: a retry
 * could fault the same way for ever) do not undo that.
 */
bool fault_gpa_check_walk(struct vcpu *v, uint64_t gpa)
{
	uint64_t walked = gpa; /* an offset that differs: not the access's */

	if (!((gpa ^ v->stval) & 0xfff) &&
	    (!vs_walk_offset_may_be_entry(v->stval) ||
	     vs_walk(csr_read(CSR_VSATP), v->stval, read_guest_pte, v->vm, &walked) !=
		     VS_WALK_IMPLICIT))
		return true;
	if (walked >> 2 != gpa >> 2)
		return true; /* another entry: the tables changed since */
	inject_exception(v, of_access_type(v->scause, EXC_INST_ACCESS, EXC_LOAD_ACCESS,
					   EXC_STORE_ACCESS), v->stval);
	return false;
}
