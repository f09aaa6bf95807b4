/*
 * The guest-physical address of a guest-page fault, the address every
 * guest-page fault is handled by (an MMIO access, the first touch of a
 * block of guest RAM, a hole): "htval is written with either zero or the
 * guest physical address that faulted, shifted right by 2 bits"
 * ("Hypervisor Trap Value Register (htval)"), whose low two bits are
 * stval's ("the faulting portion of the access as indicated by the
 * virtual address in stval"). A hart may write zero: then the address is
 * found by walking the guest's own page tables (fault_gpa.c).
 */
#ifndef HYP_FAULT_GPA_H
#define HYP_FAULT_GPA_H

#include <stdbool.h>
#include <stdint.h>

#include <tracevisor/csr.h>

#include "vcpu.h"

/* The walk, for an exit whose htval is zero: the GPA when ok (returned
 * in two registers, so the caller's gpa need not live in memory). */
struct fault_gpa_walked {
	uint64_t gpa;
	bool ok;
};
struct fault_gpa_walked fault_gpa_walk(struct vcpu *v);

/* The GPA of vCPU v's guest-page fault in *gpa, or false when the walk
 * gave the guest the exception its access takes instead: an access
 * fault when the walk itself read where no memory is, a page fault when
 * the guest's tables, walked now, refuse the access (they changed since
 * the hart translated it). */
static inline bool fault_gpa(struct vcpu *v, uint64_t *gpa)
{
	if (__builtin_expect(v->htval != 0, 1)) {
		*gpa = (v->htval << 2) | (v->stval & 3);
		return true;
	}
	struct fault_gpa_walked w = fault_gpa_walk(v);
	*gpa = w.gpa;
	return w.ok;
}

/*
 * Whether the guest-page fault at gpa, where a device is, was the
 * access's own, and not that of the guest's own page-table walk reading
 * a table entry there. A hart says which in htinst: a pseudoinstruction
 * for the walk's implicit access, a transformed instruction (or zero)
 * for the access ("Transformed Instruction or Pseudoinstruction for
 * mtinst or htinst") - but it "may always" write zero instead, and then
 * nothing tells the two apart but the guest's tables: an access with
 * the guest's translation off (vsatp's MODE Bare, bit 63 clear) makes no
 * implicit access; with it on, fault_gpa_check_walk() decides. When it
 * was the walk's, the guest has had its access fault and the answer is
 * false.
 */
bool fault_gpa_check_walk(struct vcpu *v, uint64_t gpa);

static inline bool fault_gpa_is_access(struct vcpu *v, uint64_t gpa)
{
	if (__builtin_expect(v->htinst != 0 || (int64_t)csr_read(CSR_VSATP) >= 0, 1))
		return true;
	return fault_gpa_check_walk(v, gpa);
}

#endif
