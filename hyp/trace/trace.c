/*
 * The trace: one lock-free ring per hart (lib/trace_ring.c), the run-time
 * switches, and the writers behind the hooks in trace.h. One record per
 * exit (format version 3, trace_record.h): a visit when the exit, what the
 * handler did and the entry fit one record, else the events of version 1.
 */
#include "trace.h"

#include "../core/mem.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "../core/spinlock.h"
#include "trace_ring.h"

uint8_t trace_on[TV_KIND_COUNT];
uint8_t trace_active;
uint8_t trace_fold_exit, trace_fold_sbi, trace_fold_mmio;
uint64_t trace_watermark_fill;

struct tv_ring trace_rings[MAX_HARTS];
static bool enabled;
static uint32_t filter;
/* Held across a trace-control change (the switch or filter, the
 * switches recomputed from both, its CONTROL record): two vCPUs changing
 * them at once would otherwise leave the switches computed from a mix of
 * the two, and the records in an order that does not say which won. */
static spinlock_t control_lock;

/* Every vcpu keeps its own copy of trace_active, so the exit path tests
 * it with one load from the structure it already has in a register. */
static struct vcpu *vcpus[MAX_VCPUS];
static unsigned nvcpus;

/* The vcpu's copies of the switches. An ecall takes the fastest path
 * (its handler vcpu_ecall_traced) when its visit is recorded into an
 * overwriting ring with no watermark to check; else exit_traced(). The
 * same for the MMIO visit (trace_mmio_entry()) and the exit visit
 * (trace_exit_entry()). */
static void set_vcpu_switches(struct vcpu *v)
{
	bool fast = v->ring && v->ring->mode == TV_RING_OVERWRITE && !trace_watermark_fill;

	v->trace_active = trace_active;
	v->ecall = !trace_active			? vcpu_ecall
		   : trace_fold_sbi && fast ? vcpu_ecall_traced
					    : vcpu_ecall_events;
	v->trace_mmio = trace_fold_mmio;
	v->trace_mmio_fast = trace_active && trace_fold_mmio && fast; /* implies trace_mmio */
	v->trace_exit_fast = trace_active && trace_fold_exit && fast;
	v->trace_exit_on = trace_on[TV_KIND_EXIT];
}

/* What the guest may not turn off (TV_FILTER_ALWAYS: trace-control
 * changes, the guest's stop, losses) is recorded whatever the filter says
 * and whether tracing is on or off; every other kind needs both. */
static void recompute(void)
{
	for (unsigned k = 0; k < TV_KIND_COUNT; k++)
		trace_on[k] = (TV_FILTER_ALWAYS & TV_KIND_BIT(k)) ||
			      (enabled && (filter & TV_KIND_BIT(k)));
	trace_active = enabled;
	trace_fold_exit = trace_on[TV_KIND_EXIT] && trace_on[TV_KIND_ENTRY];
	trace_fold_sbi = trace_fold_exit && trace_on[TV_KIND_SBI];
	trace_fold_mmio = trace_fold_exit && trace_on[TV_KIND_MMIO];
	for (unsigned i = 0; i < nvcpus; i++)
		set_vcpu_switches(vcpus[i]);
}

/* Every hart's ring must fit in host RAM: a tv.ring too large for it is
 * refused, naming the largest that would leave the guests' RAM room too
 * (the rings are allocated first; a block each, from what is free). */
static void check_ring_fits(void)
{
	uint64_t bytes = sizeof(struct tv_rec) * (uint64_t)opt.ring_slots;
	uint64_t free = mem_largest_free(PAGE_SIZE), guests = opt.guest_mem;
	uint32_t fits = 0;

	if (bytes * (uint64_t)platform.nharts <= free)
		return;
	for (unsigned i = 1; i < opt.nvms; i++)
		guests += opt.vm[i].mem;
	free = free > guests ? (free - guests) / (uint64_t)platform.nharts : 0;
	while (fits < (1u << 24) && (uint64_t)(fits ? fits * 2 : 2) * sizeof(struct tv_rec) <= free)
		fits = fits ? fits * 2 : 2;
	if (!fits)
		hyp_panic("tv.ring=%u: no ring fits in the host RAM beside the guests' RAM",
			  opt.ring_slots);
	hyp_panic("tv.ring=%u: %d ring(s) of %llu MiB (64 bytes a slot) do not fit in the "
		  "host RAM left; with the guests' RAM, the largest that fits is tv.ring=%u",
		  opt.ring_slots, platform.nharts, (unsigned long long)(bytes >> 20), fits);
}

void trace_init(void)
{
	check_ring_fits();
	for (int i = 0; i < platform.nharts; i++) {
		size_t bytes = sizeof(struct tv_rec) * opt.ring_slots;
		struct tv_rec *slots = mem_alloc_hyp(bytes, 64, "trace ring");
		tv_ring_init(&trace_rings[i], slots, opt.ring_slots,
			     opt.ring_mode ? TV_RING_STOP : TV_RING_OVERWRITE);
	}
	enabled = opt.trace;
	filter = opt.filter;
	if (opt.watermark_pct)
		trace_watermark_fill = (uint64_t)opt.ring_slots * opt.watermark_pct / 100;
	if (opt.watermark_pct && !trace_watermark_fill)
		trace_watermark_fill = 1;
	/* A ring holds at most nslots - 1 records (lib/trace_ring.h; its
	 * fill never says more): that is 100% full, or tv.watermark=100
	 * would never dump. */
	if (trace_watermark_fill > opt.ring_slots - 1)
		trace_watermark_fill = opt.ring_slots - 1;
	recompute();
}

void trace_attach(struct vcpu *v)
{
	for (int i = 0; i < platform.nharts; i++)
		if (platform.hart_id[i] == v->hart)
			v->ring = &trace_rings[i];
	v->ring_head = v->ring ? &v->ring->head : NULL;
	/* The record header word with kind, flags and dt zero, built once. */
	v->trace_hdr = TV_REC_HDR(0, 0, v->vm_id, v->id, 0);
	v->trace_hdr_sbi = v->trace_hdr | TV_REC_HDR(TV_VISIT_SBI, 0, 0, 0, 0);
	/* (an access is noted only with its instruction: TV_F_INSN) */
	v->trace_hdr_mmio = v->trace_hdr | TV_REC_HDR(TV_VISIT_MMIO, TV_F_INSN, 0, 0, 0);
	for (unsigned fid = 0; fid < ARRAY_SIZE(v->base_answer); fid++)
		v->base_answer[fid].trace_hdr =
			v->trace_hdr | TV_REC_HDR(TV_VISIT_SBI_BASE, fid, 0, 0, 0);
	/* Every hart attaches its vCPUs at once (hyp_secondary_main), and
	 * a guest's trace-control call may be recomputing every vCPU's
	 * switches meanwhile: the list grows, and v's switches are set,
	 * under the lock that call holds, so no index is taken twice and
	 * no vCPU misses a change (or is read before it is stored). */
	spin_lock(&control_lock);
	if (nvcpus < MAX_VCPUS)
		vcpus[nvcpus++] = v;
	set_vcpu_switches(v);
	spin_unlock(&control_lock);
}

/* Stop-when-full mode may drop the record or insert a loss marker first
 * (tv_ring_reserve()): kept out of line, off the overwrite-mode path. */
static __attribute__((noinline)) void put_stop_mode(struct tv_ring *ring,
	uint64_t time, uint64_t hdr, uint64_t a0, uint64_t a1, uint64_t a2,
	uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct tv_rec *s = tv_ring_reserve(ring);

	if (!s)
		return; /* dropped, and counted */
	trace_fill(s, time, hdr, a0, a1, a2, a3, a4, a5);
	tv_ring_commit(ring);
}

/* One record into this hart's ring: in overwrite mode eight plain stores
 * and one publish of head (lib/trace_ring.h). */
static inline void put(struct vcpu *v, uint64_t time, uint64_t hdr,
		       uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		       uint64_t a4, uint64_t a5)
{
	struct tv_ring *ring = v->ring;
	uint64_t h;

	if (__builtin_expect(ring->mode != TV_RING_OVERWRITE, 0)) {
		put_stop_mode(ring, time, hdr, a0, a1, a2, a3, a4, a5);
		return;
	}
	h = tv_ring_ld_relaxed(&ring->head);
	trace_fill(tv_ring_begin_pos(ring, h), time, hdr, a0, a1, a2, a3, a4, a5);
	tv_ring_end_pos(ring, h);
}

/* An event record (one of version 1's kinds), now. */
void trace_write(struct vcpu *v, unsigned kind, unsigned flags, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	put(v, csr_read(CSR_TIME), v->trace_hdr | TV_REC_HDR(kind, flags, 0, 0, 0),
	    a0, a1, a2, a3, a4, a5);
}

void trace_write_entry(struct vcpu *v)
{
	trace_write(v, TV_KIND_ENTRY, 0, v->sepc, trace_hvip(), 0, 0, 0, 0);
}

/* The noted exit as version 1's EXIT event (at its own time), and its
 * MMIO access as an MMIO event. */
void trace_flush_exit(struct vcpu *v)
{
	v->t_open = 0;
	/* ... and its time can no longer make a visit: the exit time the
	 * ecall path's fit test (trace_ecall_entry()) sees is then 2^63
	 * ticks in the future, a dt that does not fit 32 bits. */
	uint64_t t_exit = v->t_exit, tvals = trace_exit_tvals(v);
	v->t_exit = t_exit + (1ULL << 63);
	if (TRACE_ON(TV_KIND_EXIT))
		put(v, t_exit,
		    v->trace_hdr | TV_REC_HDR(TV_KIND_EXIT, v->insn_valid ? TV_F_INSN : 0, 0, 0, 0),
		    v->t_sepc, v->scause, v->stval & tvals, v->htval & tvals, v->htinst & tvals,
		    v->insn_valid ? v->insn : 0);
	if (v->t_mmio && TRACE_ON(TV_KIND_MMIO))
		trace_write(v, TV_KIND_MMIO, 0, (v->htval << 2) | (v->stval & 3),
			    v->t_value, v->t_info >> 32, (uint32_t)v->t_info, TV_V_DEV(v->t_vflags), 0);
	v->t_mmio = 0;
}

/* The exit, its MMIO access and this entry do not fit one record (or the
 * filter keeps some of them out): version 1's events. */
static __attribute__((noinline)) void write_split(struct vcpu *v)
{
	trace_flush_exit(v);
	if (TRACE_ON(TV_KIND_ENTRY))
		trace_write_entry(v);
}

/*
 * The entry after an emulated MMIO access noted for the visit (v->t_mmio,
 * trace_mmio()): one MMIO visit when it fits one record (trace.h,
 * trace_mmio_visit_fits()); else the events. The noting already checked
 * the filter (a change of it flushes the noted exit first); every
 * device id fits (hyp/core/vm.c).
 */
static void write_mmio_visit(struct vcpu *v)
{
	struct trace_hdr hdr;

	if (!trace_mmio_visit_fits(v, trace_hvip(), &hdr)) {
		write_split(v);
		return;
	}
	v->t_open = 0;
	v->t_mmio = 0;
	put(v, v->t_exit, trace_hdr_word(hdr), v->t_sepc, v->stval, v->htval, v->htinst,
	    v->t_info, v->t_value);
}

/*
 * The entry ends the noted exit: one visit record when the exit lasted
 * less than 2^32 ticks and the entry PC is where the visit kind puts it
 * (trace_record.h, enum tv_visit); else the events. An entry with
 * interrupts pending in hvip (an exit that injected one) is an exit
 * visit carrying hvip in the instruction's place (TV_V_HVIP), when the
 * exit has no instruction.
 */
void trace_write_visit(struct vcpu *v)
{
	if (v->t_mmio) {
		write_mmio_visit(v);
		return;
	}
	struct trace_hdr hdr;
	uint64_t arg5;

	if (!trace_exit_visit_fits(v, &hdr, &arg5) || !trace_fold_exit) {
		write_split(v);
		return;
	}
	uint64_t tvals = trace_exit_tvals(v);

	v->t_open = 0;
	put(v, v->t_exit, trace_hdr_word(hdr), v->t_sepc, v->scause, v->stval & tvals,
	    v->htval & tvals, v->htinst & tvals, arg5);
}

/* Version 1's SBI event for a call that returned: the call as dispatched
 * (the low 32 bits of a7 and a6), TV_F_SBI_HIGH if the guest set bits
 * above them (trace_sbi_high()). */
static __attribute__((noinline)) void write_sbi_event(struct vcpu *v, const uint64_t args[3])
{
	uint64_t eid = (uint32_t)v->gpr[REG_A7], fid = (uint32_t)v->gpr[REG_A6];

	if (TRACE_ON(TV_KIND_SBI))
		trace_write(v, TV_KIND_SBI, trace_sbi_high(v), (eid << 32) | fid, args[0], args[1],
			    args[2], v->gpr[REG_A0],
			    eid <= SBI_EXT_0_1_LAST ? 0 : v->gpr[REG_A0 + 1]);
}

/* An SBI call returned but its visit does not fit one record: the
 * events (the exit noted, if it still is, the SBI call, the entry). */
static __attribute__((noinline)) void write_sbi_split(struct vcpu *v, const uint64_t args[3])
{
	trace_flush(v);
	write_sbi_event(v, args);
	if (TRACE_ON(TV_KIND_ENTRY))
		trace_write_entry(v);
}

/*
 * An SBI call returned and the guest is entered after it: an SBI visit
 * when it fits one record (trace.h, trace_sbi_visit_fits()), its exit is
 * still noted and the filter keeps SBI records; else the events.
 */
void trace_write_sbi_entry(struct vcpu *v, uint64_t sepc, const uint64_t args[3])
{
	struct trace_sbi_call c = trace_sbi_at_entry(v, sepc, args[0], args[1], args[2]);
	struct trace_hdr hdr;

	if (!trace_sbi_visit_fits(v, &c, trace_hvip(), &hdr) || !v->t_open || !trace_fold_sbi) {
		write_sbi_split(v, args);
		return;
	}
	v->t_open = 0;
	put(v, c.t_exit, trace_hdr_word(hdr), c.sepc, trace_sbi_ids(&c), c.args[0], c.args[1],
	    c.args[2], c.value);
}

/* trace_ecall_entry() (trace.h) when its one-word test failed: the
 * general writer decides (an hvip with no VS-level bit still fits, see
 * trace_hvip()), a0 and a1 those noted at the exit. */
void trace_ecall_general(struct vcpu *v)
{
	uint64_t args[3] = { v->t_args[0], v->t_args[1], v->gpr[REG_A2] };

	trace_write_sbi_entry(v, v->t_sepc, args);
	trace_watermark(v);
}

/* A trace-control change, recorded whatever the filter and the switch
 * say (TV_FILTER_ALWAYS): the guest cannot hide what it turned off. The
 * exit that asked for it is recorded first, under the switches it was
 * noted with. */
static void trace_control(struct vcpu *v, unsigned what, uint64_t value)
{
	trace_write(v, TV_KIND_CONTROL, 0, what, value, 0, 0, 0, 0);
}

/*
 * Switching on records START after the switch, switching off records STOP
 * before it, so the reader sees where the gap is.
 *
 * A change's CONTROL record goes into the ring whether tracing is on or
 * off, but with tracing off no entry checks the watermark
 * (trace_entry()): a guest that switched tracing off and called filter in
 * a loop would fill the ring with CONTROL records and overwrite
 * (overwrite mode) or drop (stop mode) what tv.watermark was to dump.
 * So each change checks it, out of control_lock (a dump takes long).
 */
void trace_set_enabled(struct vcpu *v, bool on)
{
	trace_flush(v);
	spin_lock(&control_lock);
	if (!on)
		trace_control(v, TV_CTL_STOP, 0);
	enabled = on;
	recompute();
	if (on)
		trace_control(v, TV_CTL_START, 0);
	spin_unlock(&control_lock);
	trace_watermark(v);
}

/* The FILTER record carries the mask as set; the kinds of
 * TV_FILTER_ALWAYS are recorded whatever it says. */
void trace_set_filter(struct vcpu *v, uint32_t mask)
{
	trace_flush(v);
	spin_lock(&control_lock);
	filter = mask & TV_FILTER_ALL;
	recompute();
	trace_control(v, TV_CTL_FILTER, filter);
	spin_unlock(&control_lock);
	trace_watermark(v);
}
