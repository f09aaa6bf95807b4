/*
 * SBI dispatch: look the EID up, call the extension, return a0 = error and
 * a1 = value ("Binary Encoding"), and resume after the 4-byte ecall.
 */
#include "sbi.h"

#include <tracevisor/sbi_ids.h>

#include "../trace/trace.h"

static const struct sbi_ext *const extensions[] = {
	&sbi_ext_legacy, &sbi_ext_legacy_shutdown, &sbi_ext_base, &sbi_ext_time, &sbi_ext_srst,
	&sbi_ext_dbcn, &sbi_ext_tracevisor,
};

const struct sbi_ext *sbi_find_ext(unsigned long eid)
{
	for (size_t i = 0; i < ARRAY_SIZE(extensions); i++) {
		const struct sbi_ext *e = extensions[i];
		if (eid >= e->eid_min && eid <= e->eid_max &&
		    (!e->available || e->available()))
			return e;
	}
	return NULL;
}

void sbi_handle_ecall(struct vcpu *v)
{
	unsigned long eid = v->gpr[REG_A7], fid = v->gpr[REG_A6];
	const struct sbi_ext *e = sbi_find_ext(eid);
	struct sbiret ret = { .error = SBI_ERR_NOT_SUPPORTED, .value = 0 };

	if (e)
		e->handler(v, eid, fid, &ret);
	trace_sbi(v, eid, fid, ret.error, ret.value);
	v->gpr[REG_A0] = (uint64_t)ret.error;
	if (!e || !e->legacy)
		v->gpr[REG_A1] = (uint64_t)ret.value;
	v->sepc += 4;
}
