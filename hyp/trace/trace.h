/*
 * Trace hooks: where the hypervisor records events into this hart's ring
 * (lib/trace_ring.c). Each hook costs a byte load and a branch when its
 * record kind is switched off at run time, and nothing at all when the
 * build sets TV_TRACE=0.
 */
#ifndef HYP_TRACE_H
#define HYP_TRACE_H

#include <tracevisor/trace_record.h>

#include <tracevisor/sbi_ids.h>

#include "../core/vcpu.h"

#ifndef TV_TRACE
#define TV_TRACE 1
#endif

/* trace_on[kind] != 0: record that kind (tracing on and kind not filtered,
 * or a kind of TV_FILTER_ALWAYS, recorded whatever the guest says). */
extern uint8_t trace_on[TV_KIND_COUNT];
/* Tracing is switched on (each vcpu keeps a copy the exit path tests). */
extern uint8_t trace_active;

void trace_init(void);
void trace_attach(struct vcpu *v);   /* give the vcpu its hart's ring */
void trace_set_enabled(struct vcpu *v, bool on);
void trace_set_filter(struct vcpu *v, uint32_t mask);

/* Dump every ring to the console (consuming what it prints). One dump at
 * a time: a hart that asks while another dumps waits for it (dump.c). */
void trace_dump(unsigned reason);
/* Flight-recorder dump after a hypervisor fault: reads without consuming,
 * waits at most a second for a dump in progress (then goes ahead with its
 * own encoder), runs once. */
void trace_dump_fault(void);
/* Dump when the watermark is crossed (checked once per exit). */
void trace_check_watermark(struct vcpu *v);
extern uint64_t trace_watermark_fill;

/* Out-of-line writers behind the hooks. */
void trace_write_exit(struct vcpu *v);
void trace_write_entry(struct vcpu *v);
void trace_write(struct vcpu *v, unsigned kind, unsigned flags, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#if TV_TRACE
#define TRACE_ON(kind) __builtin_expect(trace_on[kind], 1)
#define TRACE_ACTIVE_VCPU(v) __builtin_expect((v)->trace_active, 1)
#else
#define TRACE_ON(kind) 0
#define TRACE_ACTIVE_VCPU(v) 0
#endif

/* The exit is complete: every trap CSR is in v (exit.c calls this once). */
static inline void trace_exit(struct vcpu *v)
{
	if (TRACE_ON(TV_KIND_EXIT))
		trace_write_exit(v);
}

/* The guest is about to be entered at v->sepc (exit.c calls this once). */
static inline void trace_entry(struct vcpu *v)
{
	if (TRACE_ON(TV_KIND_ENTRY))
		trace_write_entry(v);
#if TV_TRACE
	if (__builtin_expect(trace_watermark_fill != 0, 0))
		trace_check_watermark(v);
#endif
}

/* An SBI call that does not return (SRST): recorded before it acts. */
static inline void trace_sbi(struct vcpu *v, unsigned long eid,
			     unsigned long fid, long error, long value)
{
	if (TRACE_ON(TV_KIND_SBI))
		trace_write(v, TV_KIND_SBI, 0, ((uint64_t)eid << 32) | (uint32_t)fid,
			    v->gpr[REG_A0], v->gpr[REG_A0 + 1], v->gpr[REG_A0 + 2],
			    (uint64_t)error, (uint64_t)value);
	/* (only SRST and HSM stop use this: their ids are known, 32-bit) */
}

/* An SBI call that returned: a0..a2 are the arguments saved before the
 * handler ran; the guest's a0/a1 now hold error and value (a legacy call
 * sets only a0). */
static inline void trace_sbi_result(struct vcpu *v, const uint64_t args[3])
{
	uint64_t eid = v->gpr[REG_A7], fid = v->gpr[REG_A6];
	if (!TRACE_ON(TV_KIND_SBI))
		return;
	/* Ids that do not fit 32 bits are kept whole (TV_F_SBI_WIDE); a legacy
	 * call's a6 is not part of it and is cut to 32 bits like any other. */
	if (__builtin_expect(((eid | fid) >> 32) != 0, 0) &&
	    ((eid >> 32) || eid > SBI_EXT_0_1_LAST))
		trace_write(v, TV_KIND_SBI, TV_F_SBI_WIDE, eid, args[0], args[1], args[2],
			    v->gpr[REG_A0], fid);
	else
		trace_write(v, TV_KIND_SBI, 0, (eid << 32) | (uint32_t)fid, args[0], args[1], args[2],
			    v->gpr[REG_A0], eid <= SBI_EXT_0_1_LAST ? 0 : v->gpr[REG_A0 + 1]);
}

static inline void trace_mmio(struct vcpu *v, uint64_t gpa, uint64_t value,
			      uint64_t info, uint32_t insn, unsigned dev)
{
	if (TRACE_ON(TV_KIND_MMIO))
		trace_write(v, TV_KIND_MMIO, 0, gpa, value, info, insn, dev, 0);
}

static inline void trace_irq(struct vcpu *v, uint64_t cause, uint64_t hvip,
			     bool raised)
{
	if (TRACE_ON(TV_KIND_IRQ))
		trace_write(v, TV_KIND_IRQ, 0, cause, hvip, raised, 0, 0, 0);
}

static inline void trace_exc(struct vcpu *v, uint64_t cause, uint64_t tval,
			     uint64_t epc, uint64_t target)
{
	if (TRACE_ON(TV_KIND_EXC))
		trace_write(v, TV_KIND_EXC, 0, cause, tval, epc, target, 0, 0);
}

static inline void trace_mark(struct vcpu *v, uint64_t value)
{
	if (TRACE_ON(TV_KIND_MARK))
		trace_write(v, TV_KIND_MARK, 0, value, 0, 0, 0, 0, 0);
}

/* Recorded whatever the filter says and whether tracing is on or off: the
 * guest cannot hide that it stopped (TV_FILTER_ALWAYS, trace_record.h). */
static inline void trace_stop(struct vcpu *v, unsigned why, uint64_t detail)
{
	if (TRACE_ON(TV_KIND_STOP))
		trace_write(v, TV_KIND_STOP, 0, why, detail, 0, 0, 0, 0);
}

#endif
