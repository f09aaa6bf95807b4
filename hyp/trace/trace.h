/*
 * Trace hooks: where the hypervisor records events into this hart's ring
 * (lib/trace_ring.c), one record per exit (format version 3). Each hook
 * costs a byte load and a branch when its record kind is switched off at
 * run time (the ecall tests nothing: the switches choose its handler,
 * hyp/core/ecall.c), and nothing at all when the build sets TV_TRACE=0.
 */
#ifndef HYP_TRACE_H
#define HYP_TRACE_H

#include <tracevisor/trace_record.h>

#include <tracevisor/sbi_ids.h>

#include "../core/vcpu.h"
#include "trace_ring.h"

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
/* tv.dump_every's tick: dump every ring if anything was offered to one
 * since the last dump; never waits for a dump in progress (dump.c). */
void trace_dump_periodic(void);
/* Flight-recorder dump after a hypervisor fault: reads without consuming,
 * waits at most a second for a dump in progress (then goes ahead with its
 * own encoder), runs once. */
void trace_dump_fault(void);
/* Dump when the watermark is crossed (checked once per exit). */
void trace_check_watermark(struct vcpu *v);
extern uint64_t trace_watermark_fill;

/* Which visits (trace_record.h, enum tv_visit) the filter lets the
 * hypervisor write: EXIT and ENTRY both recorded, and for an SBI or MMIO
 * visit that kind too. Recomputed with trace_on[]. */
extern uint8_t trace_fold_exit, trace_fold_sbi, trace_fold_mmio;

/*
 * What the trace records as hvip: the VS-level interrupts it asserts,
 * VSSIP, VSTIP and VSEIP, its only writable bits ("Bits of hvip that are
 * not writable are read-only zeros", "Hypervisor Interrupt (hvip, hip,
 * and hie) Registers"). QEMU 10 reads STIP there too while the
 * hypervisor's own timer is pending (docs/platforms.md); the trace keeps
 * it out, so an entry or injection reads the same on every platform and
 * such an entry still fits one record. The SBI and MMIO fast paths test
 * the CSR whole and leave anything nonzero to the general writers,
 * which mask.
 */
#define TRACE_HVIP_BITS (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
static inline uint64_t trace_hvip(void)
{
	return csr_read_relaxed(CSR_HVIP) & TRACE_HVIP_BITS;
}

/*
 * The watermark check (tv.watermark): every entry makes it, and so does
 * whatever writes records with tracing off, which no entry then checks
 * (a trace-control change, hyp/trace/trace.c; a vCPU back on a
 * time-shared hart after others' SWITCH records, hyp/core/sched.c):
 * those records (TV_FILTER_ALWAYS) come in numbers a guest controls and
 * would otherwise overwrite, or in stop mode drop, what the watermark
 * was to dump.
 */
static inline void trace_watermark(struct vcpu *v)
{
#if TV_TRACE
	if (__builtin_expect(trace_watermark_fill != 0, 0))
		trace_check_watermark(v);
#else
	(void)v;
#endif
}

/* Out-of-line writers behind the hooks. */
void trace_write_entry(struct vcpu *v);
void trace_write_visit(struct vcpu *v);
void trace_write_sbi_entry(struct vcpu *v, uint64_t sepc, const uint64_t args[3]);
void trace_ecall_general(struct vcpu *v);
void trace_flush_exit(struct vcpu *v);
void trace_write(struct vcpu *v, unsigned kind, unsigned flags, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#if TV_TRACE
#define TRACE_ON(kind) __builtin_expect(trace_on[kind], 1)
#define TRACE_ACTIVE_VCPU(v) __builtin_expect((v)->trace_active, 1)
#else
#define TRACE_ON(kind) 0
#define TRACE_ACTIVE_VCPU(v) 0
#endif

/*
 * An exit and its entry are one record (format version 3): at the exit
 * the hypervisor only notes the time and the guest PC (the trap CSRs are
 * in v already); what the handler did (an MMIO access) is noted in v too;
 * when the guest is entered again the whole visit is written at once
 * (trace_entry(), trace_sbi_entry()). Events during the exit (IRQ, EXC,
 * MARK, CONTROL) are written when they happen, before the visit's record;
 * the host puts them back in order (lib/trace_wire.h, FORMAT VERSION 2).
 */

/* The exit is complete: every trap CSR is in v (exit.c calls this once).
 * The switch is the vCPU's copy of trace_on[TV_KIND_EXIT], one load from
 * the structure the exit path has in a register. */
static inline void trace_exit(struct vcpu *v)
{
	if (TV_TRACE && __builtin_expect(v->trace_exit_on, 1)) {
		v->t_exit = csr_read_relaxed(CSR_TIME);
		v->t_sepc = v->sepc;
		v->t_open = 1; /* t_mmio is 0: always, while no exit is noted */
	}
}

/* A mask for the noted exit's stval, htval and htinst: all ones, or
 * zero for an ecall, whose trap values the spec has zero and trap.S does
 * not store (the vcpu still holds an older exit's). */
static inline uint64_t trace_exit_tvals(const struct vcpu *v)
{
	return v->scause == EXC_ECALL_VS ? 0 : ~0ULL;
}

/* The exit's record goes into the ring now (as version 1's EXIT event,
 * with the MMIO access noted for it), because the exit ends otherwise
 * than by an entry (a stop, an SBI call that does not return) or the
 * trace is switched meanwhile. */
static inline void trace_flush(struct vcpu *v)
{
	if (v->t_open)
		trace_flush_exit(v);
}

/* The guest is about to be entered at v->sepc (exit.c calls this once). */
static inline void trace_entry(struct vcpu *v)
{
	if (v->t_open)
		trace_write_visit(v);
	else if (TRACE_ON(TV_KIND_ENTRY))
		trace_write_entry(v);
	trace_watermark(v);
}

/*
 * TV_F_SBI_HIGH (trace_record.h) when the guest's a7, or the a6 of a call
 * of SBI v0.2 or later, has bits 63:32 set: the call made was the one
 * their low 32 bits name ("Binary Encoding", hyp/sbi/sbi_ecall.h), and
 * the record says the guest passed more.
 */
static inline unsigned trace_sbi_high(const struct vcpu *v)
{
	uint64_t a7 = v->gpr[REG_A7], a6 = v->gpr[REG_A6];
	uint64_t high = (a7 >> 32) | ((uint32_t)a7 > SBI_EXT_0_1_LAST ? a6 >> 32 : 0);

	return high ? TV_F_SBI_HIGH : 0;
}

/* An SBI call that does not return (SRST, HSM stop and non-retentive
 * suspend), or whose guest is stopped after it (Ctrl-A x on a console
 * read): recorded before it acts, after its exit. eid and fid are the
 * call as dispatched. */
static inline void trace_sbi(struct vcpu *v, unsigned long eid,
			     unsigned long fid, long error, long value)
{
	trace_flush(v);
	if (TRACE_ON(TV_KIND_SBI))
		trace_write(v, TV_KIND_SBI, trace_sbi_high(v),
			    ((uint64_t)eid << 32) | (uint32_t)fid, v->gpr[REG_A0],
			    v->gpr[REG_A0 + 1], v->gpr[REG_A0 + 2], (uint64_t)error,
			    (uint64_t)value);
}

/* An ecall (while trace_fold_sbi): the exit noted with what its SBI
 * visit needs, its time, pc, and a0 and a1 before the handler changes
 * them (t_mmio is always 0 while no exit is noted). */
static inline void trace_ecall_note(struct vcpu *v, uint64_t t_exit, uint64_t sepc,
				    uint64_t a0, uint64_t a1)
{
	v->t_exit = t_exit;
	v->t_sepc = sepc;
	v->t_open = 1; /* (insn_valid is false: only an MMIO exit sets it) */
	v->t_args[0] = a0;
	v->t_args[1] = a1;
}

/* An SBI call that returned, and the entry after it: sepc and a0..a2
 * are the exit's, saved before the handler ran; the guest's a0/a1 now
 * hold error and value (a legacy call sets only a0). */
static inline void trace_sbi_entry(struct vcpu *v, uint64_t sepc,
				   const uint64_t args[3])
{
	trace_write_sbi_entry(v, sepc, args);
	trace_watermark(v);
}

/* A record's six arguments (relaxed atomic stores: plain sd). */
static inline void trace_fill_args(struct tv_rec *s, uint64_t a0, uint64_t a1, uint64_t a2,
				   uint64_t a3, uint64_t a4, uint64_t a5)
{
	tv_ring_set_u64(&s->arg[0], a0);
	tv_ring_set_u64(&s->arg[1], a1);
	tv_ring_set_u64(&s->arg[2], a2);
	tv_ring_set_u64(&s->arg[3], a3);
	tv_ring_set_u64(&s->arg[4], a4);
	tv_ring_set_u64(&s->arg[5], a5);
}

/* The eight words of a record. */
static inline void trace_fill(struct tv_rec *s, uint64_t time, uint64_t hdr,
			      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4, uint64_t a5)
{
	tv_ring_set_u64(&s->time, time);
	tv_ring_set_u64(tv_ring_hdr_word(s), hdr);
	trace_fill_args(s, a0, a1, a2, a3, a4, a5);
}

/* A visit's header word in its two halves: kind, flags, vm and vcpu
 * (TV_REC_HDR(kind, flags, vm, vcpu, 0)) and dt. The fast writers store
 * them as they are (tv_ring_set_halves()), the general ones as a word. */
struct trace_hdr {
	uint64_t lo, dt;
};

static inline uint64_t trace_hdr_word(struct trace_hdr h)
{
	return h.lo | (h.dt << 32);
}

/* A record being written by a fast writer: its slot, the ring's head
 * word and the position to publish. */
struct trace_slot {
	struct tv_rec *rec;
	uint64_t *head;
	uint64_t pos;
};

/* The vCPU's ring overwrites (the fast paths' switches say it does):
 * the slot at head; the caller fills it and publishes
 * (lib/trace_ring.h). */
static inline struct trace_slot trace_fast_slot(struct vcpu *v)
{
	/* from the head word, which the publish's AMO addresses with no
	 * offset, to the ring's other words at fixed offsets below it */
	uint64_t *head = v->ring_head;
	struct tv_ring *ring = (struct tv_ring *)(void *)((char *)head -
							   __builtin_offsetof(struct tv_ring, head));
	uint64_t h = tv_ring_ld_relaxed(head);

	return (struct trace_slot){ tv_ring_begin_pos(ring, h), head, h };
}

/* ... with its time and header stored; the caller stores the six
 * arguments. */
static inline struct trace_slot trace_fast_begin(struct vcpu *v, uint64_t time,
						 struct trace_hdr hdr)
{
	struct trace_slot s = trace_fast_slot(v);

	tv_ring_set_u64(&s.rec->time, time);
	tv_ring_set_halves(tv_ring_hdr_word(s.rec), hdr.lo, hdr.dt);
	return s;
}

static inline void trace_fast_publish(struct trace_slot s)
{
	tv_ring_publish(s.head, s.pos);
}

/* One record the fast way: the slot, eight stores, the publish. */
static inline void trace_put_fast(struct vcpu *v, uint64_t time, struct trace_hdr hdr,
				  uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
				  uint64_t a4, uint64_t a5)
{
	struct trace_slot s = trace_fast_begin(v, time, hdr);

	trace_fill_args(s.rec, a0, a1, a2, a3, a4, a5);
	trace_fast_publish(s);
}

/*
 * Whether the exit visit (TV_VISIT_EXIT) of the noted exit ending now
 * fits one record, and if so its header word and last argument: the
 * exit's instruction, or the entry's hvip (TV_V_HVIP) for an exit
 * without one. It does not fit (the exit lasted 2^32 ticks or more, the guest
 * resumes elsewhere than 0, 2 or 4 bytes on, or an exit with an
 * instruction has an interrupt pending at its entry).
 */
static inline bool trace_exit_visit_fits(struct vcpu *v, struct trace_hdr *hdr, uint64_t *arg5)
{
	uint64_t dt = csr_read_relaxed(CSR_TIME) - v->t_exit;
	uint64_t step = v->sepc - v->t_sepc, hvip = trace_hvip();
	uint64_t insn = v->insn_valid;
	uint64_t flags = insn | (hvip ? TV_V_HVIP : 0) | TV_V_PC_FLAGS(step);

	if ((dt >> 32) | (step & 1) | (step > 4) | (insn & (hvip != 0)))
		return false;
	*arg5 = insn ? v->insn : hvip;
	*hdr = (struct trace_hdr){ v->trace_hdr | TV_REC_HDR(TV_VISIT_EXIT, flags, 0, 0, 0), dt };
	return true;
}

/* The entry after any other exit (hyp/core/exit.c): its exit visit
 * written inline when the ring overwrites with no watermark to check
 * and the filter keeps exits and entries (v->trace_exit_fast), else the
 * general way (trace_entry()). */
static inline void trace_exit_entry(struct vcpu *v)
{
	struct trace_hdr hdr;
	uint64_t arg5;

	if (!(v->t_open & v->trace_exit_fast) || v->t_mmio) {
		trace_entry(v);
		return;
	}
	if (__builtin_expect(!trace_exit_visit_fits(v, &hdr, &arg5), 0)) {
		trace_write_visit(v); /* the events */
		return;
	}
	v->t_open = 0;
	trace_put_fast(v, v->t_exit, hdr, v->t_sepc, v->scause, v->stval, v->htval,
		       v->htinst, arg5);
}

/*
 * An SBI call as its visit (TV_VISIT_SBI) records it: the exit's time
 * and pc, the guest's a7, a6 and a0-a2 at the exit; at the entry its a0
 * (the error) and a1 (the value; a legacy call returns none) and where
 * it resumes. The call leaves a2, a6 and a7 as they were (only a0 and
 * a1 return values, "Binary Encoding"), so they are read at the entry,
 * with the exit's time noted in v; a0 and a1 of the exit are the
 * caller's.
 */
struct trace_sbi_call {
	uint64_t t_exit, sepc, eid, fid, args[3], error, value, resume;
};

static inline struct trace_sbi_call trace_sbi_at_entry(const struct vcpu *v, uint64_t sepc,
							uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t eid = v->gpr[REG_A7];

	return (struct trace_sbi_call){
		.t_exit = v->t_exit, .sepc = sepc, .eid = eid, .fid = v->gpr[REG_A6],
		.args = { a0, a1, a2 }, .error = v->gpr[REG_A0],
		.value = eid <= SBI_EXT_0_1_LAST ? 0 : v->gpr[REG_A1], .resume = v->sepc,
	};
}

/*
 * Whether the SBI visit of call c, entered now, fits one record, and if
 * so its header word: the ids must fit 32 bits (a visit has no room for
 * TV_F_SBI_HIGH: such a call is written as events), the error a byte
 * (every SBI error code does), the guest resume after the ecall with
 * nothing pending in hvip (what the caller read of it) and the call
 * take less than 2^32 ticks; every condition folded into one word
 * tested once. The visit has no room for stval, htval and htinst: an
 * ecall leaves them zero (the privileged spec; hyp/arch/trap.S records
 * them so, the validation suite, tv.guest=validate, checks a platform
 * does).
 */
static inline bool trace_sbi_visit_fits(const struct vcpu *v, const struct trace_sbi_call *c,
					uint64_t hvip, struct trace_hdr *hdr)
{
	uint64_t dt = csr_read_relaxed(CSR_TIME) - c->t_exit;

	if ((dt >> 32) | (c->eid >> 32) | (c->fid >> 32) | ((c->error + 128) >> 8) |
	    (c->resume - c->sepc - 4) | hvip)
		return false;
	/* -128 <= error < 128: its low byte is the int8_t of the flags */
	*hdr = (struct trace_hdr){ v->trace_hdr_sbi | ((c->error << 56) >> 48), dt };
	return true;
}

/* The SBI visit's ids word (the fast writer stores its halves). */
static inline uint64_t trace_sbi_ids(const struct trace_sbi_call *c)
{
	return (c->eid << 32) | c->fid;
}

/*
 * The SBI visit of call c, written now, at the entry after a call
 * through the extension table (trace_ecall_entry()) of a vCPU whose
 * ecall handler is the traced one (v->ecall, hyp/core/ecall.c): the SBI
 * visit is not filtered out, the ring overwrites and no watermark is set
 * (else the ecall takes exit_traced(), which handles those). The fit
 * test and header are trace_sbi_visit_fits()'s, the general writer's too
 * (with hvip whole here). The record is eight stores and the publish;
 * false when it does not fit, and the caller writes the events
 * (trace_ecall_general(), with the exit noted). BASE's constant calls,
 * answered directly, have their own record (trace_sbi_base_put()).
 */
static inline bool trace_sbi_put(struct vcpu *v, const struct trace_sbi_call *c)
{
	struct trace_hdr hdr;
	struct trace_slot s;

	if (__builtin_expect(!trace_sbi_visit_fits(v, c, csr_read_relaxed(CSR_HVIP), &hdr), 0))
		return false;
	s = trace_fast_begin(v, c->t_exit, hdr);
	tv_ring_set_u64(&s.rec->arg[0], c->sepc);
	tv_ring_set_halves(&s.rec->arg[1], c->fid, c->eid); /* trace_sbi_ids() */
	tv_ring_set_u64(&s.rec->arg[2], c->args[0]);
	tv_ring_set_u64(&s.rec->arg[3], c->args[1]);
	tv_ring_set_u64(&s.rec->arg[4], c->args[2]);
	tv_ring_set_u64(&s.rec->arg[5], c->value);
	trace_fast_publish(s);
	return true;
}

/*
 * The visit of one of BASE's constant calls (TV_VISIT_SBI_BASE),
 * answered directly (hyp/sbi/sbi_ecall.h, sbi_ecall_direct()): what the
 * general SBI visit tests is known there (a7 and a6 were compared whole,
 * the error is SBI_SUCCESS, the guest resumes after the ecall), and the
 * functions take no arguments, so the record is the exit's time and pc,
 * the entry's time and the value, under the vCPU's header word for the
 * fid. The entry's time is stored whole: no time needs a fit test. Only
 * an interrupt pending in hvip (the entry would not resume the guest
 * where the record says) leaves the call to the events (false).
 */
static inline bool trace_sbi_base_put(struct vcpu *v, uint64_t t_exit, uint64_t sepc,
				      uint64_t fid)
{
	/* (read before the record's stores, which the compiler cannot
	 * tell from stores to the vCPU) */
	uint64_t value = v->base_answer[fid].value, hdr = v->base_answer[fid].trace_hdr;
	uint64_t hvip = csr_read_relaxed(CSR_HVIP), t_entry = csr_read_relaxed(CSR_TIME);
	struct trace_slot s;

	if (__builtin_expect(hvip != 0, 0))
		return false;
	s = trace_fast_slot(v);
	tv_ring_set_u64(&s.rec->time, t_exit);
	tv_ring_set_u64(tv_ring_hdr_word(s.rec), hdr);
	tv_ring_set_u64(&s.rec->arg[0], sepc);
	tv_ring_set_u64(&s.rec->arg[1], t_entry);
	tv_ring_set_u64(&s.rec->arg[2], value);
	trace_fast_publish(s);
	return true;
}

/* The same for the exit trace_ecall_note() noted, which a call through
 * the extension table needs (what it calls may write records: an
 * exit flushed then has a t_exit that does not fit, trace_flush_exit()). */
static inline void trace_ecall_entry(struct vcpu *v)
{
	struct trace_sbi_call c = trace_sbi_at_entry(v, v->t_sepc, v->t_args[0], v->t_args[1],
						     v->gpr[REG_A2]);

	if (__builtin_expect(trace_sbi_put(v, &c), 1))
		v->t_open = 0;
	else
		trace_ecall_general(v);
}

/* The exit's GPA was not htval's: the hart wrote 0 and the walk found
 * it (hyp/core/fault_gpa.c). An MMIO visit has room for htval alone, so
 * its access must be an event with the GPA: t_open 2 is still a noted
 * exit (nonzero), but no longer one whose access trace_mmio() notes for
 * the visit (2 & trace_mmio, a 0 or 1, is 0). */
static inline void trace_gpa_walked(struct vcpu *v)
{
	v->t_open = (uint8_t)(v->t_open << 1);
}

/* v->t_mmio: the noted exit's MMIO access is noted for its visit
 * (TRACE_MMIO_NOTED), or the visit is already written
 * (TRACE_MMIO_WRITTEN, trace_mmio_put_visit()) and the entry adds
 * nothing. */
#define TRACE_MMIO_NOTED 1
#define TRACE_MMIO_WRITTEN 2

/*
 * Whether the MMIO visit (TV_VISIT_MMIO) of the noted exit and its
 * access ending now fits one record, and if so its header word:
 * nothing pending in hvip (what the caller read of it), the exit lasted
 * less than 2^32 ticks and the guest resumes right after the
 * instruction, tested as one word. An access is noted only with its
 * instruction (TV_F_INSN, in trace_hdr_mmio).
 */
/* The MMIO visit's header word: the access's flags (TV_V_STORE, the
 * device id), TV_V_C for an instruction of length 2, dt. */
static inline struct trace_hdr trace_mmio_hdr(const struct vcpu *v, uint64_t vflags,
					      uint64_t len, uint64_t dt)
{
	return (struct trace_hdr){ v->trace_hdr_mmio | ((vflags | ((len & 2) << 1)) << 8), dt };
}

static inline bool trace_mmio_visit_fits(struct vcpu *v, uint64_t hvip, struct trace_hdr *hdr)
{
	uint64_t dt = csr_read_relaxed(CSR_TIME) - v->t_exit, step = v->sepc - v->t_sepc;

	if ((dt >> 32) | hvip | (step - v->insn_len))
		return false;
	*hdr = trace_mmio_hdr(v, v->t_vflags, step, dt); /* (step is 2 or 4) */
	return true;
}

/*
 * The MMIO visit written as its access completes, on the fast path
 * (v->trace_mmio_fast: the filter keeps MMIO visits, the ring
 * overwrites, no watermark to check): what is left of the exit is the
 * step past the instruction (mmio_access.h: the guest resumes at sepc +
 * insn_len, sepc is still the exit's) and the return, which writes no
 * hvip, so the record is the one the entry would write, its time taken
 * a few instructions before. Not when the device asked for its `after`
 * hook, which may stop the guest instead (the entry then decides), nor
 * when it does not fit (an interrupt pending in hvip, an exit of 2^32
 * ticks or more). The entry then only clears the mark
 * (trace_mmio_entry()).
 */
static inline bool trace_mmio_put_visit(struct vcpu *v, const struct mmio_op *op,
					uint64_t value, uint64_t vflags)
{
	uint64_t t_exit = v->t_exit, dt = csr_read_relaxed(CSR_TIME) - t_exit;

	if ((dt >> 32) | csr_read_relaxed(CSR_HVIP) | v->mmio_after)
		return false;
	v->t_open = 0;
	v->t_mmio = TRACE_MMIO_WRITTEN;
	trace_put_fast(v, t_exit, trace_mmio_hdr(v, vflags, v->insn_len, dt), v->sepc, v->stval,
		       v->htval, v->htinst, op->trace, value);
	return true;
}

/* The emulated MMIO access of the exit being handled (its GPA is the
 * exit's, htval and stval, unless trace_gpa_walked()): its visit written
 * now on the fast path, else noted for the visit when the filter lets
 * MMIO visits be written (the device id fits: hyp/core/vm.c checks every
 * device's), else an event. Inline in each of mmio_emulate()'s callers,
 * which GCC would otherwise leave to a call once the fast writer grew. */
static inline __attribute__((always_inline)) void
trace_mmio(struct vcpu *v, const struct mmio_op *op, uint64_t gpa, uint64_t value, unsigned dev)
{
	uint64_t vflags = op->vflags | ((uint64_t)dev << 4); /* (dev fits TV_V_DEV) */

	/* (trace_mmio_fast implies trace_mmio: trace.c, set_vcpu_switches) */
	if (__builtin_expect(v->t_open & v->trace_mmio_fast, 1) &&
	    __builtin_expect(trace_mmio_put_visit(v, op, value, vflags), 1))
		return;
	if (v->t_open & v->trace_mmio) {
		v->t_mmio = TRACE_MMIO_NOTED;
		v->t_vflags = (uint8_t)vflags;
		v->t_value = value;
		v->t_info = op->trace;
		return;
	}
	if (TRACE_ON(TV_KIND_MMIO))
		trace_write(v, TV_KIND_MMIO, 0, gpa, value, op->trace >> 32,
			    (uint32_t)op->trace, dev, 0);
}

/*
 * The entry after an emulated MMIO access (hyp/core/exit.c): nothing to
 * write when its visit already is (trace_mmio_put_visit()); anything
 * else goes the general way (trace_entry(): a noted access's visit when
 * it fits, trace.c's write_mmio_visit(), else the events).
 */
static inline void trace_mmio_entry(struct vcpu *v)
{
	if (__builtin_expect(v->t_mmio == TRACE_MMIO_WRITTEN, 1)) {
		v->t_mmio = 0;
		return;
	}
	trace_entry(v);
}

/* how: TV_IRQ_LOWERED, _RAISED (through hvip), _RAISED_VSTIMECMP. */
static inline void trace_irq_how(struct vcpu *v, uint64_t cause, uint64_t hvip, unsigned how)
{
	if (TRACE_ON(TV_KIND_IRQ))
		trace_write(v, TV_KIND_IRQ, 0, cause, hvip & TRACE_HVIP_BITS, how, 0, 0, 0);
}

static inline void trace_irq(struct vcpu *v, uint64_t cause, uint64_t hvip,
			     bool raised)
{
	trace_irq_how(v, cause, hvip, raised ? TV_IRQ_RAISED : TV_IRQ_LOWERED);
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
 * guest cannot hide that it stopped (TV_FILTER_ALWAYS, trace_record.h).
 * The exit that stopped it is recorded first. */
static inline void trace_stop(struct vcpu *v, unsigned why, uint64_t detail)
{
	trace_flush(v);
	if (TRACE_ON(TV_KIND_STOP))
		trace_write(v, TV_KIND_STOP, 0, why, detail, 0, 0, 0, 0);
}

#endif
