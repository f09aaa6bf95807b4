/* SBI Base extension (EID 0x10): versions, ids and extension probing. */
#include <tracevisor/sbi_ids.h>

#include "sbi.h"

/* tracevisor 0.1 */
#define TRACEVISOR_IMP_VERSION 0x000100

/* "Returns 0 if the given SBI extension ID (EID) is not available, or 1
 * if it is available" - answered from the same table the dispatcher
 * uses, so it cannot lie. EIDs are 32-bit ("Binary Encoding"): the low
 * 32 bits of the argument, as the dispatcher takes them from a7. A call
 * of its own, so sbi_base_call() needs no stack frame. */
static __attribute__((noinline)) struct sbiret probe_extension(struct vcpu *v)
{
	return (struct sbiret){ SBI_SUCCESS, sbi_find_ext((uint32_t)sbi_arg(v, 0)) != NULL };
}

/*
 * Returned by value: the RISC-V psABI returns a struct of two XLEN
 * integers in a0 and a1 ("Integer Calling Convention"), so the answer
 * never goes through memory. sbi.c calls this directly (BASE is the
 * extension every guest calls first and a benchmark's null call).
 */
struct sbiret sbi_base_call(struct vcpu *v, unsigned long fid)
{
	long value;

	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		/* bits 30:24 major, 23:0 minor */
		value = (SBI_SPEC_VERSION_MAJOR << 24) | SBI_SPEC_VERSION_MINOR;
		break;
	case SBI_BASE_GET_IMP_ID:
		value = SBI_TRACEVISOR_IMP_ID;
		break;
	case SBI_BASE_GET_IMP_VERSION:
		value = TRACEVISOR_IMP_VERSION;
		break;
	case SBI_BASE_PROBE_EXT:
		return probe_extension(v);
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		/* The machine's own identity, as the firmware reports it. */
		return fw_call(SBI_EXT_BASE, fid, 0, 0, 0);
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
	return (struct sbiret){ SBI_SUCCESS, value };
}

/* The table's entry (sbi_find_ext() answers probes with it). */
static void base_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	*ret = sbi_base_call(v, fid);
}

const struct sbi_ext sbi_ext_base = {
	.name = "BASE", .handler = base_handler,
};
