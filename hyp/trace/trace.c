/*
 * The trace: one lock-free ring per hart (lib/trace_ring.c), the run-time
 * switches, and the writers behind the hooks in trace.h.
 */
#include "trace.h"

#include "../core/mem.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "trace_ring.h"

uint8_t trace_on[TV_KIND_COUNT];
uint8_t trace_active;
uint64_t trace_watermark_fill;

struct tv_ring trace_rings[MAX_HARTS];
static bool enabled;
static uint32_t filter;
/* Whether the `cycle` CSR is readable here (mcounteren.CY); probed once. */
static bool cycle_readable;

int hart_can_read_cycle(void); /* hyp/arch/trap.S */

/* Every vcpu keeps its own copy of trace_active, so the exit path tests
 * it with one load from the structure it already has in a register. */
static struct vcpu *vcpus[MAX_HARTS];
static unsigned nvcpus;

/* What the guest may not turn off (TV_FILTER_ALWAYS: trace-control
 * changes, the guest's stop, losses) is recorded whatever the filter says
 * and whether tracing is on or off; every other kind needs both. */
static void recompute(void)
{
	for (unsigned k = 0; k < TV_KIND_COUNT; k++)
		trace_on[k] = (TV_FILTER_ALWAYS & TV_KIND_BIT(k)) ||
			      (enabled && (filter & TV_KIND_BIT(k)));
	trace_active = enabled;
	for (unsigned i = 0; i < nvcpus; i++)
		vcpus[i]->trace_active = trace_active;
}

void trace_init(void)
{
	cycle_readable = hart_can_read_cycle();
	for (int i = 0; i < platform.nharts; i++) {
		size_t bytes = sizeof(struct tv_ring_slot) * opt.ring_slots;
		struct tv_ring_slot *slots = mem_alloc_hyp(bytes, 64, "trace ring");
		tv_ring_init(&trace_rings[i], slots, opt.ring_slots,
			     opt.ring_mode ? TV_RING_STOP : TV_RING_OVERWRITE);
	}
	enabled = opt.trace;
	filter = opt.filter;
	if (opt.watermark_pct)
		trace_watermark_fill = (uint64_t)opt.ring_slots * opt.watermark_pct / 100;
	if (opt.watermark_pct && !trace_watermark_fill)
		trace_watermark_fill = 1;
	recompute();
}

void trace_attach(struct vcpu *v)
{
	if (nvcpus < MAX_HARTS)
		vcpus[nvcpus++] = v;
	v->trace_active = trace_active;
	for (int i = 0; i < platform.nharts; i++)
		if (platform.hart_id[i] == v->hart)
			v->ring = &trace_rings[i];
	/* The record header word (kind, vm, vcpu, flags, hart; see
	 * trace_record.h) with kind and flags zero, built once. */
	v->trace_hdr = ((uint64_t)(v->vm_id & 0xff) << 8) |
		       ((uint64_t)(v->id & 0xff) << 16) |
		       ((uint64_t)(v->hart & 0xffff) << 32);
}

static inline uint64_t read_cycle(void)
{
	return cycle_readable ? csr_read(CSR_CYCLE) : 0;
}

/* Stop-when-full mode may drop the record or insert a loss marker first:
 * kept out of line so the overwrite-mode path below needs no stack frame. */
static __attribute__((noinline)) struct tv_record *reserve_stop_mode(struct tv_ring *ring)
{
	return tv_ring_reserve(ring);
}

static inline struct tv_record *reserve(struct tv_ring *ring)
{
	if (__builtin_expect(ring->mode == TV_RING_OVERWRITE, 1))
		return tv_ring_begin_pos(ring, tv_ring_ld_relaxed(&ring->head));
	return reserve_stop_mode(ring);
}

/* Reserve a record, fill the common header; NULL when the ring dropped it. */
static inline struct tv_record *begin(struct vcpu *v, unsigned kind, unsigned flags)
{
	struct tv_record *r = reserve(v->ring);
	if (!r)
		return NULL;
	tv_ring_set_u64(&r->time, csr_read(CSR_TIME));
	tv_ring_set_u64(&r->cycle, read_cycle());
	tv_ring_set_u64((uint64_t *)(void *)&r->kind,
			v->trace_hdr | kind | ((uint64_t)flags << 24));
	return r;
}

void trace_write(struct vcpu *v, unsigned kind, unsigned flags, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct tv_record *r = begin(v, kind, flags);
	if (!r)
		return;
	tv_ring_set_u64(&r->arg[0], a0);
	tv_ring_set_u64(&r->arg[1], a1);
	tv_ring_set_u64(&r->arg[2], a2);
	tv_ring_set_u64(&r->arg[3], a3);
	tv_ring_set_u64(&r->arg[4], a4);
	tv_ring_set_u64(&r->arg[5], a5);
	tv_ring_commit_rec(v->ring, r);
}

void trace_write_exit(struct vcpu *v)
{
	struct tv_record *r = begin(v, TV_KIND_EXIT, v->insn_valid ? TV_F_INSN : 0);
	if (!r)
		return;
	tv_ring_set_u64(&r->arg[0], v->sepc);
	tv_ring_set_u64(&r->arg[1], v->scause);
	tv_ring_set_u64(&r->arg[2], v->stval);
	tv_ring_set_u64(&r->arg[3], v->htval);
	tv_ring_set_u64(&r->arg[4], v->htinst);
	tv_ring_set_u64(&r->arg[5], v->insn_valid ? v->insn : 0);
	tv_ring_commit_rec(v->ring, r);
}

void trace_write_entry(struct vcpu *v)
{
	struct tv_record *r = begin(v, TV_KIND_ENTRY, 0);
	if (!r)
		return;
	tv_ring_set_u64(&r->arg[0], v->sepc);
	tv_ring_set_u64(&r->arg[1], csr_read(CSR_HVIP));
	/* Unused arguments must read as zero (trace_record.h). */
	for (int i = 2; i < TV_NARGS; i++)
		tv_ring_set_u64(&r->arg[i], 0);
	tv_ring_commit_rec(v->ring, r);
}

/* A trace-control change, recorded whatever the filter and the switch
 * say (TV_FILTER_ALWAYS): the guest cannot hide what it turned off. */
static void trace_control(struct vcpu *v, unsigned what, uint64_t value)
{
	trace_write(v, TV_KIND_CONTROL, 0, what, value, 0, 0, 0, 0);
}

/* Switching on records START after the switch, switching off records STOP
 * before it, so the reader sees where the gap is. */
void trace_set_enabled(struct vcpu *v, bool on)
{
	if (!on)
		trace_control(v, TV_CTL_STOP, 0);
	enabled = on;
	recompute();
	if (on)
		trace_control(v, TV_CTL_START, 0);
}

/* The FILTER record carries the mask as set; the kinds of
 * TV_FILTER_ALWAYS are recorded whatever it says. */
void trace_set_filter(struct vcpu *v, uint32_t mask)
{
	filter = mask & TV_FILTER_ALL;
	recompute();
	trace_control(v, TV_CTL_FILTER, filter);
}
