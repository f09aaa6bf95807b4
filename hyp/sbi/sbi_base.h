/*
 * SBI Base extension (EID 0x10), the part sbi.c inlines into the ecall
 * path: BASE is the extension every guest calls first, and its version
 * and id calls (FIDs 0-2) are answered from a constant table, with no
 * call and no stack frame. The rest of BASE is in sbi_base.c.
 */
#ifndef HYP_SBI_BASE_H
#define HYP_SBI_BASE_H

#include <tracevisor/sbi_ids.h>

#include "sbi.h"

/* tracevisor 0.1 */
#define TRACEVISOR_IMP_VERSION 0x000100

/* FIDs 0-2: get_spec_version (bits 30:24 major, 23:0 minor),
 * get_impl_id, get_impl_version: constants. */
static inline bool sbi_base_is_constant(unsigned long fid)
{
	_Static_assert(SBI_BASE_GET_SPEC_VERSION == 0 && SBI_BASE_GET_IMP_ID == 1 &&
			       SBI_BASE_GET_IMP_VERSION == 2,
		       "Base FIDs as the SBI spec numbers them");
	return fid <= SBI_BASE_GET_IMP_VERSION;
}

static inline struct sbiret sbi_base_constant(unsigned long fid)
{
	static const long ids[] = {
		[SBI_BASE_GET_SPEC_VERSION] = (SBI_SPEC_VERSION_MAJOR << 24) | SBI_SPEC_VERSION_MINOR,
		[SBI_BASE_GET_IMP_ID] = SBI_TRACEVISOR_IMP_ID,
		[SBI_BASE_GET_IMP_VERSION] = TRACEVISOR_IMP_VERSION,
	};
	return (struct sbiret){ SBI_SUCCESS, ids[fid] };
}

#endif
