/*
 * Test-only build (make's hyp-faulttest, TV_FAULT_TEST=1). Every exit
 * path (exit.c, ecall.c) calls maybe_fault() before it records or
 * handles the exit:
 * - tv.fault_test=1: the hypervisor loads from the firmware's
 *   PMP-protected memory on the 40th exit, which faults in HS-mode and
 *   must produce the flight-recorder dump;
 * - tv.fault_test=htval0: the exit's htval reads as zero, as on a hart
 *   that writes "either zero or the guest physical address" and chose
 *   zero ("Hypervisor Trap Value Register (htval)"): every guest-page
 *   fault's GPA then comes from the software walk (fault_gpa.c), and the
 *   trace records the zero the hart gave.
 * vcpu_mmio_exit() (exit.c) calls maybe_htinst0() before it reads htinst:
 * - tv.fault_test=htinst0: the exit's htinst reads as zero, as on a hart
 *   that writes zero where it could write a transformed instruction or
 *   the pseudoinstruction of the guest's own page-table walk ("may always
 *   ... write zero"): every MMIO instruction is then fetched, and a walk's
 *   fault at a device is told apart by the walk (fault_gpa.c).
 * - tv.fault_test=fetch: the same, and each such fetch (guest_fetch_insn,
 *   hyp/arch/trap.S) reads at guest virtual address 0, which the test
 *   guest's tables and every G-stage leave unmapped, so its read faults
 *   in HS-mode as the read of an instruction the guest changed or
 *   unmapped after it trapped would: the hypervisor must survive it and
 *   give the guest the access fault of an access it cannot emulate.
 * vm.c calls maybe_stray_leaf() when it has mapped a VM's RAM, before it
 * checks the VM's G-stage leaves:
 * - tv.fault_test=leaf: VM 0 (created last) also gets a page mapped
 *   just above its RAM onto VM 1's RAM, the mistake that check is
 *   there to stop before any guest runs.
 */
#ifndef HYP_FAULT_TEST_H
#define HYP_FAULT_TEST_H

#include "options.h"
#include "platform.h"
#include "vcpu.h"
#include "vm.h"

#ifdef TV_FAULT_TEST
static inline void maybe_fault(struct vcpu *v)
{
	if (opt.fault_test == FAULT_TEST_HS_FAULT && v->exits == 40 && platform.nreserved)
		(void)*(volatile uint64_t *)(uintptr_t)platform.reserved[0].base;
	if (opt.fault_test == FAULT_TEST_HTVAL0)
		v->htval = 0;
}

static inline void maybe_htinst0(struct vcpu *v)
{
	if (opt.fault_test == FAULT_TEST_HTINST0 || opt.fault_test == FAULT_TEST_FETCH ||
	    opt.fault_test == FAULT_TEST_FETCH_SECOND)
		v->htinst = 0;
}

/* hyp/arch/trap.S, guest_fetch_insn: nonzero, the second halfword of a
 * 32-bit instruction is read at GVA 0 (exit.c defines it). */
extern uint8_t fault_fetch_second;

/* tv.fault_test=fetch: the instruction read at GVA 0, where the test
 * guest and the G-stage map nothing; fetch_second: its first halfword
 * where it is, its second at GVA 0 (the read that faults is then
 * guest_fetch_insn's second, .Lfetch_second). */
static inline uint64_t maybe_unfetchable(uint64_t gva)
{
	fault_fetch_second = opt.fault_test == FAULT_TEST_FETCH_SECOND;
	return opt.fault_test == FAULT_TEST_FETCH ? 0 : gva;
}

static inline void maybe_stray_leaf(struct vm *vm)
{
	struct vm *other = vm_by_id(1);

	if (opt.fault_test == FAULT_TEST_LEAF && vm->id == 0 && other)
		(void)gstage_map(&vm->gstage, vm->ram_gpa + vm->ram_size, other->ram_hpa,
				 PAGE_SIZE, GSTAGE_RWX);
}
#else
static inline void maybe_fault(struct vcpu *v) { (void)v; }
static inline void maybe_htinst0(struct vcpu *v) { (void)v; }
static inline uint64_t maybe_unfetchable(uint64_t gva) { return gva; }
static inline void maybe_stray_leaf(struct vm *vm) { (void)vm; }
#endif

#endif
