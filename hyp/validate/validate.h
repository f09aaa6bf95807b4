/*
 * The platform validation suite (tv.guest=validate; docs/validation.md):
 * checks this hart's H extension against the RISC-V hypervisor
 * specification from HS-mode, prints a table and TAP lines, and hands the
 * totals to the validation guest (guest/validate) through the test
 * device's SCRATCH register, which the guest reads to finish the report
 * and shut down with the verdict.
 */
#ifndef HYP_VALIDATE_VALIDATE_H
#define HYP_VALIDATE_VALIDATE_H

#include <stdint.h>

/* Run every HS-side check. Called once at boot, after trace_init() and
 * before the VM is created; leaves every CSR it touched as it found it. */
void validate_hs_checks(void);

struct vcpu;
/* Run the HS-side checks that come after the guest's (guest external
 * interrupts, hyp/validate/checks_geint.c, then the checks added after
 * them, checks_late.c), numbered from last + 1, last
 * being the guest's last check, then print the run's one list of known
 * deviations (boot and late checks together). Called from the validation
 * guest's exit (hyp/mmio/testdev.c) on v's hart; leaves the CSRs the
 * guest relies on as it found them, its VS CSRs included, but not
 * vsiselect (checks 97-99, 106) nor the vector unit's vl, vtype and v1
 * (check 103), which the validation guest does not use. Returns their hand-off word (below; n = how
 * many ran), 0 when they do not run: the boot checks did not run, they
 * ran already, `last` is below the boot checks' count, or v is on another
 * hart than the boot checks were. */
uint64_t validate_hs_late_checks(const struct vcpu *v, unsigned last);

/*
 * The hand-off word in the test device's SCRATCH register (offset 0x08):
 *   bits 15:0  FAIL count        bits 31:16  DEVIATION count
 *   bits 47:32 SKIP count        bits 63:48  number of HS-side checks
 * Zero means the HS side did not run.
 */
#define VALIDATE_HANDOFF(n, fails, devs, skips)                                \
	(((uint64_t)(n) << 48) | ((uint64_t)(skips) << 32) |                   \
	 ((uint64_t)(devs) << 16) | (uint64_t)(fails))
#define VALIDATE_CHECKS(w) ((unsigned)((w) >> 48))
#define VALIDATE_SKIPS(w) ((unsigned)(((w) >> 32) & 0xffff))
#define VALIDATE_DEVS(w) ((unsigned)(((w) >> 16) & 0xffff))
#define VALIDATE_FAILS(w) ((unsigned)((w)&0xffff))

/* Trace marker values that bracket check number n (1-based). */
#define VALIDATE_MARK_BEGIN(n) (0x56410000ULL + 2 * (uint64_t)(n))
#define VALIDATE_MARK_END(n) (0x56410000ULL + 2 * (uint64_t)(n) + 1)

#endif
