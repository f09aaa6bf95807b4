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

/* Bits 31:0 of a guest register, zero-extended: one 32-bit load of the
 * register's low word (RISC-V is little-endian; may_alias makes the
 * 32-bit view of the 64-bit slot defined C). */
static inline unsigned long reg_low32(const struct vcpu *v, unsigned reg)
{
	typedef uint32_t __attribute__((may_alias)) u32_alias;
	uint32_t low = *(const u32_alias *)&v->gpr[reg];
	return (unsigned long)low;
}

/*
 * The call is done: a0 = error and a1 = value ("Binary Encoding"), and
 * the guest resumes after the 4-byte ecall. Legacy calls return only a0
 * ("Legacy Extensions"), supported or not: a1 stays the guest's.
 */
static inline void complete(struct vcpu *v, unsigned long eid, unsigned long fid,
			    struct sbiret ret)
{
	v->gpr[REG_A0] = (uint64_t)ret.error;
	if (eid > SBI_EXT_0_1_LAST)
		v->gpr[REG_A1] = (uint64_t)ret.value;
	v->sepc += 4;
	if (ret.error == SBI_SUCCESS)
		sbi_hook_call(v, eid, fid); /* PMU firmware events */
}

/* Any call but BASE's constants: the extension found in the table,
 * called with a result struct to fill. Out of line, so the direct path
 * needs no stack frame. */
static __attribute__((noinline)) void handle_table(struct vcpu *v, unsigned long eid,
						   unsigned long fid)
{
	const struct sbi_ext *e = sbi_find_ext(eid);
	struct sbiret ret = { .error = SBI_ERR_NOT_SUPPORTED, .value = 0 };

	if (e)
		e->handler(v, eid, fid, &ret);
	complete(v, eid, fid, ret);
}

/*
 * The guest's ecall. EIDs and FIDs "are encoded as signed 32-bit
 * integers", and for data "defined as 32bit wide, higher privilege
 * software must ensure that it only uses 32 bit data" ("Binary
 * Encoding"): bits 63:32 of a7 and a6 are not part of the call. (The
 * trace record keeps them whole.) BASE's version and id calls, the
 * first calls of every guest, are answered directly (sbi_base.h); the
 * call's record is written by the exit path (hyp/core/ecall.c), so with
 * tracing off this path has no trace check at all.
 */
void sbi_handle_ecall(struct vcpu *v)
{
	unsigned long eid = reg_low32(v, REG_A7), fid = reg_low32(v, REG_A6);

	if (eid == SBI_EXT_BASE && sbi_base_is_constant(fid)) {
		complete(v, eid, fid, sbi_base_constant(fid));
		return;
	}
	handle_table(v, eid, fid);
}
