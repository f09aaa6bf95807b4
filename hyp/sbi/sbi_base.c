/* SBI Base extension (EID 0x10): versions, ids and extension probing. */
#include <tracevisor/sbi_ids.h>

#include "sbi.h"

/* tracevisor 0.1 */
#define TRACEVISOR_IMP_VERSION 0x000100

static void base_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	ret->error = SBI_SUCCESS;
	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		/* bits 30:24 major, 23:0 minor */
		ret->value = (SBI_SPEC_VERSION_MAJOR << 24) | SBI_SPEC_VERSION_MINOR;
		break;
	case SBI_BASE_GET_IMP_ID:
		ret->value = SBI_TRACEVISOR_IMP_ID;
		break;
	case SBI_BASE_GET_IMP_VERSION:
		ret->value = TRACEVISOR_IMP_VERSION;
		break;
	case SBI_BASE_PROBE_EXT:
		/* "Returns 0 if the given SBI extension ID (EID) is not
		 * available, or 1 if it is available" - answered from the same
		 * table the dispatcher uses, so it cannot lie. EIDs are
		 * 32-bit ("Binary Encoding"): the low 32 bits of the argument,
		 * as the dispatcher takes them from a7. */
		ret->value = sbi_find_ext((uint32_t)sbi_arg(v, 0)) != NULL;
		break;
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		/* The machine's own identity, as the firmware reports it. */
		*ret = fw_call(SBI_EXT_BASE, fid, 0, 0, 0);
		break;
	default:
		ret->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_ext sbi_ext_base = {
	.name = "BASE", .handler = base_handler,
};
