/*
 * Test-only build (make's hyp-faulttest, TV_FAULT_TEST=1): with
 * tv.fault_test=1 the hypervisor loads from the firmware's PMP-protected
 * memory on the 40th exit, which faults in HS-mode and must produce the
 * flight-recorder dump. Every exit path (exit.c, ecall.c) calls this.
 */
#ifndef HYP_FAULT_TEST_H
#define HYP_FAULT_TEST_H

#include "options.h"
#include "platform.h"
#include "vcpu.h"

#ifdef TV_FAULT_TEST
static inline void maybe_fault(struct vcpu *v)
{
	if (opt.fault_test && v->exits == 40 && platform.nreserved)
		(void)*(volatile uint64_t *)(uintptr_t)platform.reserved[0].base;
}
#else
static inline void maybe_fault(struct vcpu *v) { (void)v; }
#endif

#endif
