/*
 * SBI System Reset extension (EID "SRST"). A shutdown ends the run: the
 * hypervisor dumps the trace and shuts the machine down, passing on whether
 * the guest reported a failure (QEMU's exit status then says so). A reboot
 * request also ends the run, as a success unless the reason says failure.
 */
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../trace/trace.h"
#include "sbi.h"

/* reset_type: 0 shutdown, 1 cold reboot, 2 warm reboot; 0xF0000000 and up
 * vendor specific; everything else reserved. */
static bool type_valid(unsigned long type)
{
	return type <= SBI_SRST_TYPE_WARM_REBOOT ||
	       (type >= 0xF0000000UL && type <= 0xFFFFFFFFUL);
}

/* reset_reason: 0 none, 1 system failure; 0xE0000000.. SBI implementation
 * specific, 0xF0000000.. vendor specific; everything else reserved. */
static bool reason_valid(unsigned long reason)
{
	return reason <= SBI_SRST_REASON_SYSTEM_FAILURE ||
	       (reason >= 0xE0000000UL && reason <= 0xFFFFFFFFUL);
}

static void srst_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	unsigned long type = sbi_arg(v, 0), reason = sbi_arg(v, 1);
	if (fid != SBI_SRST_SYSTEM_RESET) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	if (!type_valid(type) || !reason_valid(reason)) {
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	if (type >= 0xF0000000UL) {
		/* vendor types: "platform-specific and unimplemented" */
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* The call does not return: record it as answered, then stop. */
	ret->error = SBI_SUCCESS;
	v->gpr[REG_A0] = SBI_SUCCESS;
	trace_sbi(v, SBI_EXT_SRST, fid, SBI_SUCCESS, 0);
	vcpu_stop(v, type == SBI_SRST_TYPE_SHUTDOWN ? TV_STOP_SHUTDOWN : TV_STOP_REBOOT,
		  reason, reason != SBI_SRST_REASON_NONE);
}

const struct sbi_ext sbi_ext_srst = {
	.name = "SRST", .handler = srst_handler,
};
