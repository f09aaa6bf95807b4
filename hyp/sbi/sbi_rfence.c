/*
 * SBI RFENCE extension (EID "RFNC"): fences on behalf of the guest. The
 * guest's sfence.vma flushes its own VS-stage translations; a remote one
 * becomes hfence.vvma on the target harts, which flushes VS-stage entries
 * of the VMID in hgatp ("Hypervisor Memory-Management Fence
 * Instructions"). The HFENCE functions are for guests that are
 * hypervisors themselves; a guest without H gets SBI_ERR_NOT_SUPPORTED.
 */
#include <tracevisor/sbi_ids.h>

#include "../arch/hfence.h"
#include "../core/smp.h"
#include "../core/vm.h"
#include "sbi.h"
#include "sbi_hooks.h"

/* The guest's ASID as an SFENCE.VMA (and so HFENCE.VVMA) takes it in
 * rs2: "bits SXLEN-1:ASIDMAX of the value held in rs2 are reserved for
 * future standard use ... they should be zeroed by software", ASIDMAX
 * being 16 for Sv39, Sv48 and Sv57 ("Supervisor Memory-Management Fence
 * Instruction", "Supervisor Address Translation and Protection (satp)
 * Register"). The hypervisor is that software: whatever the guest
 * passes above them does not reach the fence. */
#define ASID_BITS 0xffffUL

/* Beyond this many pages a ranged flush becomes a full one. */
#define RANGE_FLUSH_MAX_PAGES 64

static void hfence_vvma_page(unsigned long va, unsigned long asid, bool by_asid)
{
	if (by_asid)
		hfence_vvma_va_asid(va, asid);
	else
		hfence_vvma_va(va);
}

/* The fence itself, on this hart. The SBI specification: start and size
 * both 0, or size all ones, mean the whole address space. */
static void local_sfence(unsigned long start, unsigned long size,
			 unsigned long asid, bool by_asid)
{
	/* Count pages rather than compare addresses: a range that ends at or
	 * wraps past the top of the address space must neither loop forever
	 * nor flush nothing. */
	unsigned long first = start & ~(PAGE_SIZE - 1);
	unsigned long pages = size / PAGE_SIZE + 2; /* a bound, refined below */
	if (size <= ~0UL - (start - first) - (PAGE_SIZE - 1))
		pages = (size + (start - first) + PAGE_SIZE - 1) / PAGE_SIZE;
	if ((start == 0 && size == 0) || size == ~0UL || pages > RANGE_FLUSH_MAX_PAGES ||
	    start + size < start) {
		if (by_asid)
			hfence_vvma_asid(asid);
		else
			hfence_vvma_all();
		return;
	}
	for (unsigned long i = 0; i < pages; i++)
		hfence_vvma_page(first + i * PAGE_SIZE, asid, by_asid);
}

/* The SBI PMU firmware event of one request of `fid` (FENCE_I, SFENCE_VMA
 * or SFENCE_VMA_ASID) sent to another hart. */
static unsigned sent_event(unsigned long fid)
{
	if (fid == SBI_RFENCE_REMOTE_FENCE_I)
		return SBI_PMU_FW_FENCE_I_SENT;
	return fid == SBI_RFENCE_REMOTE_SFENCE_VMA ? SBI_PMU_FW_SFENCE_VMA_SENT
						   : SBI_PMU_FW_SFENCE_VMA_ASID_SENT;
}

/* The mailbox request of `fid` (smp.h): a remote sfence.vma with or
 * without an ASID is the same full flush there, under two bits so that
 * the target counts SFENCE_VMA_ASID_RECEIVED or SFENCE_VMA_RECEIVED. */
static uint32_t request_bit(unsigned long fid)
{
	if (fid == SBI_RFENCE_REMOTE_FENCE_I)
		return MB_FENCE_I;
	return fid == SBI_RFENCE_REMOTE_SFENCE_VMA ? MB_HFENCE_VVMA : MB_HFENCE_VVMA_ASID;
}

static void rfence_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			   struct sbiret *ret)
{
	(void)eid;
	uint64_t targets;
	if (fid > SBI_RFENCE_REMOTE_HFENCE_VVMA) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	if (fid >= SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID) {
		ret->error = SBI_ERR_NOT_SUPPORTED; /* the guest has no H */
		return;
	}
	ret->error = sbi_hart_mask(v, sbi_arg(v, 0), sbi_arg(v, 1), &targets);
	if (ret->error)
		return;
	/* Other harts: a request through their mailbox, waited for, so the
	 * fence is done everywhere when the call returns. A remote VS-stage
	 * flush is always a full one (hfence.vvma x0, x0). */
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		if (!(targets & (1ULL << i)) || v->vm->vcpus[i] == v)
			continue;
		sbi_hook_sent(v, sent_event(fid)); /* PMU: a request to another hart */
		if (!smp_request_fence(v, v->vm->vcpus[i], request_bit(fid)))
			ret->error = SBI_ERR_FAILED; /* not done everywhere */
	}
	if (!(targets & (1ULL << v->id)))
		return;
	switch (fid) {
	case SBI_RFENCE_REMOTE_FENCE_I:
		__asm__ volatile("fence.i" ::: "memory");
		break;
	case SBI_RFENCE_REMOTE_SFENCE_VMA:
		local_sfence(sbi_arg(v, 2), sbi_arg(v, 3), 0, false);
		break;
	case SBI_RFENCE_REMOTE_SFENCE_VMA_ASID:
		local_sfence(sbi_arg(v, 2), sbi_arg(v, 3), sbi_arg(v, 4) & ASID_BITS, true);
		break;
	}
}

const struct sbi_ext sbi_ext_rfence = {
	.name = "RFENCE", .handler = rfence_handler,
};
