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

/* reset_type ("Function: System reset", 32 bits wide): 0 shutdown, 1 cold
 * reboot, 2 warm reboot; 0x00000003-0xEFFFFFFF reserved; 0xF0000000 and up
 * vendor or platform specific, of which tracevisor implements none. */
static bool type_valid(uint32_t type)
{
	return type <= SBI_SRST_TYPE_WARM_REBOOT;
}

/* reset_reason (32 bits wide): 0 none, 1 system failure;
 * 0x00000002-0xDFFFFFFF reserved; 0xE0000000-0xEFFFFFFF SBI implementation
 * specific, which tracevisor takes as a failure (QEMU exits non-zero);
 * 0xF0000000 and up vendor or platform specific, none implemented. */
static bool reason_valid(uint32_t reason)
{
	return reason <= SBI_SRST_REASON_SYSTEM_FAILURE ||
	       (reason >= 0xE0000000U && reason <= 0xEFFFFFFFU);
}

static void srst_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	/* Both parameters are uint32_t: only the low 32 bits of a0 and a1
	 * count ("Binary Encoding"). */
	uint32_t type = (uint32_t)sbi_arg(v, 0), reason = (uint32_t)sbi_arg(v, 1);
	if (fid != SBI_SRST_SYSTEM_RESET) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* "At least one of reset_type or reset_reason is reserved or is
	 * platform-specific and unimplemented": SBI_ERR_INVALID_PARAM. */
	if (!type_valid(type) || !reason_valid(reason)) {
		ret->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	/* The call does not return: record it as answered (with the
	 * arguments as passed: trace_sbi reads a0..a2), then stop. */
	trace_sbi(v, SBI_EXT_SRST, fid, SBI_SUCCESS, 0);
	ret->error = SBI_SUCCESS;
	v->gpr[REG_A0] = SBI_SUCCESS;
	vcpu_stop(v, type == SBI_SRST_TYPE_SHUTDOWN ? TV_STOP_SHUTDOWN : TV_STOP_REBOOT,
		  reason, reason != SBI_SRST_REASON_NONE);
}

const struct sbi_ext sbi_ext_srst = {
	.name = "SRST", .handler = srst_handler,
};
