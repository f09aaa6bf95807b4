/*
 * SBI dispatch: look the EID up, call the extension, return a0 = error and
 * a1 = value ("Binary Encoding"), and resume after the 4-byte ecall.
 */
#include "sbi.h"

#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

#include "../core/console.h"
#include "../core/vm.h"
#include "../trace/trace.h"
#include "sbi_base.h"
#include "sbi_ecall.h"
#include "sbi_hooks.h"

/* The extension table: one line per extension (a switch, so the lookup on
 * every ecall is a few compares, not a walk). Adding an extension is a new
 * sbi_*.c file and a line here. */
const struct sbi_ext *sbi_find_ext(unsigned long eid)
{
	switch (eid) {
	case SBI_EXT_BASE: return &sbi_ext_base;
	case SBI_EXT_TIME: return &sbi_ext_time;
	case SBI_EXT_SRST: return &sbi_ext_srst;
	case SBI_EXT_DBCN: return &sbi_ext_dbcn;
	case SBI_EXT_TRACEVISOR: return &sbi_ext_tracevisor;
	case SBI_EXT_HSM: return &sbi_ext_hsm;
	case SBI_EXT_IPI: return &sbi_ext_ipi;
	case SBI_EXT_RFENCE: return &sbi_ext_rfence;
	case SBI_EXT_SUSP: return &sbi_ext_susp;
	case SBI_EXT_STA: return &sbi_ext_sta;
	case SBI_EXT_FWFT: return &sbi_ext_fwft;
	case SBI_EXT_PMU: return &sbi_ext_pmu;
	case SBI_EXT_0_1_SET_TIMER:
	case SBI_EXT_0_1_CONSOLE_PUTCHAR:
	case SBI_EXT_0_1_CONSOLE_GETCHAR:
	case SBI_EXT_0_1_SHUTDOWN: return &sbi_ext_legacy;
	default: return NULL;
	}
}

/*
 * The harts a call names ("Hart list parameter" in "Binary Encoding"):
 * hart_mask_base = -1 means every hart and hart_mask is ignored; otherwise
 * bit i of hart_mask names hart hart_mask_base + i. Both are unsigned long
 * (all XLEN bits count). A named hart the VM does not have is
 * SBI_ERR_INVALID_PARAM. Whether hart_mask_base must itself be a valid
 * hart when bit 0 of hart_mask is clear changed between versions: v2.0's
 * error table says "Either hart_mask_base, or at least one hartid from
 * hart_mask, is not valid"; v3.0 adds "hart_mask_base does not need to be
 * an enabled or supervisor available hartid unless the zeroth bit of
 * hart_mask is set". The rule of the version Base reports applies.
 */
long sbi_hart_mask(struct vcpu *v, unsigned long mask, unsigned long base,
		   uint64_t *targets)
{
	unsigned n = v->vm->nvcpus;
	*targets = 0;
	if (base == ~0UL) {
		*targets = n >= 64 ? ~0ULL : (1ULL << n) - 1;
		return SBI_SUCCESS;
	}
	if (SBI_SPEC_VERSION_MAJOR < 3 && base >= n)
		return SBI_ERR_INVALID_PARAM;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask & (1UL << i)))
			continue;
		if (base >= n || i >= n - base)
			return SBI_ERR_INVALID_PARAM;
		*targets |= 1ULL << (base + i);
	}
	return SBI_SUCCESS;
}

/* A console read found Ctrl-A x (hyp/core/console.c): the call is
 * recorded with its result, then the guest is stopped. */
void sbi_console_stop_if_asked(struct vcpu *v, unsigned long eid, unsigned long fid,
			       const struct sbiret *ret)
{
	if (!console_stop_asked())
		return;
	trace_sbi(v, eid, fid, ret->error, ret->value);
	vcpu_stop(v, TV_STOP_CONSOLE, 0, false);
}

/* Any call but BASE's constants: the extension found in the table,
 * called with a result struct to fill. Out of line, so the direct path
 * needs no stack frame (sbi_ecall.h). */
void sbi_handle_table(struct vcpu *v, unsigned long eid, unsigned long fid)
{
	const struct sbi_ext *e = sbi_find_ext(eid);
	struct sbiret ret = { .error = SBI_ERR_NOT_SUPPORTED, .value = 0 };

	if (e)
		e->handler(v, eid, fid, &ret);
	complete(v, eid, ret);
}

/* The same as a function, for the exit paths that do not inline it. */
void sbi_handle_ecall(struct vcpu *v)
{
	sbi_ecall(v);
}
