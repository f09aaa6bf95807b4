/*
 * SBI v0.1 legacy extensions (EIDs 0x00-0x08), which Linux's earlycon=sbi
 * and many small guests still use: console putchar/getchar, set_timer and
 * shutdown. A legacy call returns its result in a0 only.
 */
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../core/console.h"
#include "../core/timer.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "sbi.h"

static void legacy_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			   struct sbiret *ret)
{
	(void)fid;
	switch (eid) {
	case SBI_EXT_0_1_SET_TIMER:
		timer_set_guest(v, sbi_arg(v, 0));
		ret->error = 0;
		break;
	case SBI_EXT_0_1_CONSOLE_PUTCHAR:
		/* Escaped like all console text (hyp/core/console.c). */
		console_stream_putc(&v->console, (char)sbi_arg(v, 0));
		ret->error = 0;
		break;
	case SBI_EXT_0_1_CONSOLE_GETCHAR:
		ret->error = vcpu_console_getc(v); /* -1 when nothing is waiting */
		sbi_console_stop_if_asked(v, eid, fid, ret);
		break;
	case SBI_EXT_0_1_SHUTDOWN:
		trace_sbi(v, eid, 0, 0, 0);
		vcpu_stop(v, TV_STOP_SHUTDOWN, 0, false);
	default: /* remote fences and IPIs: not offered */
		ret->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

/* Only the calls above exist (sbi.c maps EIDs 0x00-0x02 and 0x08 here);
 * probing 0x03-0x07 says "not available". */
const struct sbi_ext sbi_ext_legacy = {
	.name = "legacy", .handler = legacy_handler, .legacy = true,
};
