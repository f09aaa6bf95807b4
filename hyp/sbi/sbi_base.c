/* SBI Base extension (EID 0x10): versions, ids and extension probing.
 * The version and id calls are inline in sbi_base.h, which sbi.c calls
 * directly; every other call comes through the table. */
#include "sbi_base.h"

static void base_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	if (sbi_base_is_constant(fid)) {
		*ret = sbi_base_constant(fid);
		return;
	}
	ret->error = SBI_SUCCESS;
	switch (fid) {
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
