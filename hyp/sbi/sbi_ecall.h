/*
 * The SBI ecall path, inline for hyp/core/ecall.c (and sbi.c's
 * sbi_handle_ecall()): read the EID and FID, answer BASE's constant
 * calls directly, any other call through the extension table.
 */
#ifndef HYP_SBI_ECALL_H
#define HYP_SBI_ECALL_H

#include <tracevisor/sbi_ids.h>

#include "sbi.h"
#include "sbi_base.h"
#include "sbi_hooks.h"

/* sbi.c: any call but BASE's constants, through the table. */
void sbi_handle_table(struct vcpu *v, unsigned long eid, unsigned long fid);

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
 * the guest resumes after the 4-byte ecall at sepc. Legacy calls return
 * only a0 ("Legacy Extensions"), supported or not: a1 stays the guest's.
 */
static inline void complete_at(struct vcpu *v, uint64_t sepc, unsigned long eid,
			       struct sbiret ret)
{
	v->gpr[REG_A0] = (uint64_t)ret.error;
	if (eid > SBI_EXT_0_1_LAST)
		v->gpr[REG_A1] = (uint64_t)ret.value;
	v->sepc = sepc + 4;
}
/* ... the same with the exit's sepc read from the vCPU, and counted for
 * the SBI PMU's firmware events (sbi_pmu.c counts the calls of
 * SET_TIMER's: BASE's constant calls, answered with complete_at()
 * alone, are none of them). */
static inline void complete(struct vcpu *v, unsigned long eid, struct sbiret ret)
{
	complete_at(v, v->sepc, eid, ret);
	if (ret.error == SBI_SUCCESS)
		sbi_hook_call(v, eid);
}

/*
 * BASE's version and id calls, the first calls of every guest, answered
 * directly (sbi_base.h; true), else nothing done yet (false:
 * sbi_ecall_table()). eid, fid and sepc are the guest's a7, a6 and the
 * exit's pc, which the ecall exit passes in registers (hyp/core/ecall.c).
 * a7 and a6 are taken whole: a call with bits 63:32 set goes through the
 * table, which answers it the same (its record is the events with
 * TV_F_SBI_HIGH either way), and the traced path's record fit test then
 * knows them.
 */
static inline bool sbi_ecall_direct(struct vcpu *v, uint64_t eid, uint64_t fid, uint64_t sepc)
{
	if (eid != SBI_EXT_BASE || !sbi_base_is_constant(fid))
		return false;
	/* (sbi_base_constant()'s, as sbi_vcpu_init() copied them; no PMU event) */
	complete_at(v, sepc, eid, (struct sbiret){ SBI_SUCCESS, (long)v->base_answer[fid].value });
	return true;
}

/* Any other call, through the extension table. EIDs and FIDs "are
 * encoded as signed 32-bit integers", and for data "defined as 32bit
 * wide, higher privilege software must ensure that it only uses 32 bit
 * data" ("Binary Encoding"): bits 63:32 of a7 and a6 are not part of the
 * call. (The trace record keeps them whole.) */
static inline void sbi_ecall_table(struct vcpu *v)
{
	sbi_handle_table(v, reg_low32(v, REG_A7), reg_low32(v, REG_A6));
}

/* The guest's ecall, untraced: its record, when tracing is on, is
 * written by the exit path (hyp/core/ecall.c), which calls the two
 * steps itself, so this path has no trace check at all. */
static inline void sbi_ecall(struct vcpu *v)
{
	if (!sbi_ecall_direct(v, v->gpr[REG_A7], v->gpr[REG_A6], v->sepc))
		sbi_ecall_table(v);
}

#endif
