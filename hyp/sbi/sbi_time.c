/* SBI Timer extension (EID "TIME"): set_timer programs the guest's timer. */
#include <tracevisor/sbi_ids.h>

#include "../core/timer.h"
#include "sbi.h"

static void time_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	if (fid != SBI_TIME_SET_TIMER) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	timer_set_guest(v, sbi_arg(v, 0));
	ret->error = SBI_SUCCESS;
	ret->value = 0;
}

const struct sbi_ext sbi_ext_time = {
	.name = "TIME", .handler = time_handler,
};
