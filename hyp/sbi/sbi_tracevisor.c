/*
 * tracevisor's own SBI extension (EID 0x0A007476, in the firmware-specific
 * range 0x0A000000-0x0AFFFFFF, low 24 bits = its implementation id): lets
 * a guest bracket the region it wants traced. Functions (include/tracevisor/sbi_ids.h):
 *   0 start   tracing on
 *   1 stop    tracing off
 *   2 mark    a0 = 64-bit value, recorded as a TV_KIND_MARK record
 *   3 dump    dump every ring now
 *   4 filter  a0 = mask of record kinds to keep (bit 1 << kind)
 * Start, stop and filter are recorded as CONTROL records whatever the
 * filter and the switch say, and the guest's stop is always recorded: a
 * guest can filter only the kinds outside TV_FILTER_ALWAYS
 * (include/tracevisor/trace_record.h). With several VMs the others may
 * only mark (SBI_ERR_DENIED for the rest): no VM steers another's trace.
 */
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../trace/trace.h"
#include "sbi.h"
#include "trace_wire.h"

static void tracevisor_handler(struct vcpu *v, unsigned long eid,
			       unsigned long fid, struct sbiret *ret)
{
	(void)eid;
	ret->error = SBI_SUCCESS;
	ret->value = 0;
	/* The trace is every VM's: with several VMs only VM 0 may switch,
	 * filter or dump it; the others may only mark their own records. */
	if (v->vm_id != 0 && fid <= SBI_TV_TRACE_FILTER && fid != SBI_TV_TRACE_MARK) {
		ret->error = SBI_ERR_DENIED;
		return;
	}
	switch (fid) {
	case SBI_TV_TRACE_START: trace_set_enabled(v, true); break;
	case SBI_TV_TRACE_STOP: trace_set_enabled(v, false); break;
	case SBI_TV_TRACE_MARK: trace_mark(v, sbi_arg(v, 0)); break;
	case SBI_TV_TRACE_DUMP: trace_dump(TV_DUMP_REQUEST); break;
	case SBI_TV_TRACE_FILTER:
		if (sbi_arg(v, 0) & ~(unsigned long)TV_FILTER_ALL) {
			ret->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		trace_set_filter(v, (uint32_t)sbi_arg(v, 0));
		break;
	default: ret->error = SBI_ERR_NOT_SUPPORTED; break;
	}
}

const struct sbi_ext sbi_ext_tracevisor = {
	.name = "tracevisor", .handler = tracevisor_handler,
};
