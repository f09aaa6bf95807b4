/*
 * A realistic synthetic trace stream, shared by tests/unit/test_wire.c (to
 * measure the wire size per exit+entry pair) and tests/tools/gen_log.c (to
 * build console logs for the tvtrace tests). Deterministic: the same seed
 * always gives the same records.
 *
 * Model of one vCPU running a Linux-like guest on QEMU virt: time at
 * 10 MHz, cycle at about 1 GHz; the guest runs 2-60 us between exits and
 * the hypervisor handles an exit in 0.5-5 us. The exits come from a
 * handful of sites, as in a real kernel: SBI calls from one ecall site,
 * UART and PLIC accesses from the console and interrupt drivers (load and
 * store guest-page faults, instruction fetched by the hypervisor), WFI in
 * the idle loop (virtual instruction), and host timer interrupts at any
 * guest PC.
 */
#ifndef TESTS_TOOLS_SYNTH_STREAM_H
#define TESTS_TOOLS_SYNTH_STREAM_H

#include <stdint.h>
#include <string.h>

#include <tracevisor/csr.h>
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

struct synth {
	uint64_t rng;
	uint64_t time, cycle;
	uint8_t vm, vcpu;
	uint16_t hart;
	uint64_t hvip;
	int with_side; /* also emit SBI / MMIO / IRQ records */
	int next;      /* synth_exit()'s next kind of exit (0-99), -1 random */
};

/* xorshift64*: a small deterministic generator. */
static inline uint64_t synth_rand(struct synth *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

/* A value in [lo, hi]. */
static inline uint64_t synth_range(struct synth *s, uint64_t lo, uint64_t hi)
{
	return lo + synth_rand(s) % (hi - lo + 1);
}

static inline void synth_init(struct synth *s, uint64_t seed, uint16_t hart,
			      uint8_t vm, uint8_t vcpu, int with_side)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed ? seed : 1;
	s->hart = hart;
	s->vm = vm;
	s->vcpu = vcpu;
	s->time = 12345678 + hart * 1000;
	s->cycle = s->time * 100;
	s->with_side = with_side;
	s->next = -1;
}

/* Advance the clocks by ticks of 100 ns (cycles follow at ~1 GHz). */
static inline void synth_tick(struct synth *s, uint64_t ticks)
{
	s->time += ticks;
	s->cycle += ticks * 100 + synth_range(s, 0, 60);
}

/* Start a record of the given kind at the current time. */
static inline void synth_rec(struct synth *s, struct tv_record *r,
			     unsigned kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->time = s->time;
	r->cycle = s->cycle;
	r->vm = s->vm;
	r->vcpu = s->vcpu;
	r->hart = s->hart;
}

/*
 * Append the records of one exit: EXIT, then (with_side) what the
 * hypervisor did about it, then ENTRY. Returns the number of records
 * written to out (at most 4).
 */
static inline int synth_exit(struct synth *s, struct tv_record *out)
{
	static const uint64_t uart = 0x10000000, plic = 0x0c200004;
	uint64_t what = s->next >= 0 ? (uint64_t)s->next : synth_range(s, 0, 99);
	struct tv_record *ex = &out[0];
	int n = 1;
	uint64_t resume;

	synth_tick(s, synth_range(s, 20, 600));
	synth_rec(s, ex, TV_KIND_EXIT);
	if (what < 35) {
		/* sbi_ecall() in the guest kernel */
		uint64_t eid = what < 20 ? SBI_EXT_TIME : SBI_EXT_DBCN;

		ex->arg[0] = 0xffffffff80012a3cULL;
		ex->arg[1] = EXC_ECALL_VS;
		resume = ex->arg[0] + 4;
		synth_tick(s, synth_range(s, 5, 30));
		if (s->with_side) {
			struct tv_record *r = &out[n++];

			synth_rec(s, r, TV_KIND_SBI);
			r->arg[0] = eid << 32;
			r->arg[1] = eid == SBI_EXT_TIME ? s->time + 100000
							: 0x80c01000 + what;
			r->arg[2] = eid == SBI_EXT_TIME ? 0 : 1;
			r->arg[5] = eid == SBI_EXT_TIME ? 0 : 1;
		}
	} else if (what < 65) {
		/* console driver: UART THR store or LSR load */
		int store = what < 50;
		uint64_t gpa = uart + (store ? 0 : 5);

		ex->arg[0] = store ? 0xffffffff8043b2d6ULL
				   : 0xffffffff8043b1a8ULL;
		ex->arg[1] = store ? EXC_STORE_GUEST_PAGE_FAULT
				   : EXC_LOAD_GUEST_PAGE_FAULT;
		ex->arg[2] = 0xff20000000000000ULL + gpa;
		ex->arg[3] = gpa >> 2;
		ex->arg[5] = store ? 0x00f70023 : 0x00574783;
		ex->flags = TV_F_INSN;
		resume = ex->arg[0] + 4;
		synth_tick(s, synth_range(s, 10, 40));
		if (s->with_side) {
			struct tv_record *r = &out[n++];

			synth_rec(s, r, TV_KIND_MMIO);
			r->arg[0] = gpa;
			r->arg[1] = store ? synth_range(s, 32, 126) : 0x60;
			/* a5 (x15) is rd of the load and rs2 of the store. */
			r->arg[2] = TV_MMIO_INFO(1, store, 0, 15);
			r->arg[3] = ex->arg[5];
			r->arg[4] = 1;
		}
	} else if (what < 75) {
		/* PLIC claim/complete */
		ex->arg[0] = 0xffffffff80310e54ULL;
		ex->arg[1] = EXC_LOAD_GUEST_PAGE_FAULT;
		ex->arg[2] = 0xff20000000400000ULL + plic;
		ex->arg[3] = plic >> 2;
		ex->arg[5] = 0x0047a503;
		ex->flags = TV_F_INSN;
		resume = ex->arg[0] + 4;
		synth_tick(s, synth_range(s, 10, 40));
	} else if (what < 88) {
		/* idle loop: wfi traps as a virtual instruction */
		ex->arg[0] = 0xffffffff80a0b4c2ULL;
		ex->arg[1] = EXC_VIRTUAL_INST;
		ex->arg[2] = 0x10500073;
		resume = ex->arg[0] + 4;
		synth_tick(s, synth_range(s, 5, 20));
	} else {
		/* host timer interrupt at any guest PC; injected as VS timer */
		ex->arg[0] = 0xffffffff80000000ULL + synth_range(s, 0, 0x7fffff) * 2;
		ex->arg[1] = CAUSE_INTERRUPT | IRQ_S_TIMER;
		resume = ex->arg[0];
		synth_tick(s, synth_range(s, 10, 50));
		s->hvip ^= MIP_VSTIP;
		if (s->with_side) {
			struct tv_record *r = &out[n++];

			synth_rec(s, r, TV_KIND_IRQ);
			r->arg[0] = CAUSE_INTERRUPT | IRQ_VS_TIMER;
			r->arg[1] = s->hvip;
			r->arg[2] = (s->hvip & MIP_VSTIP) != 0;
		}
	}
	synth_tick(s, synth_range(s, 1, 5));
	synth_rec(s, &out[n], TV_KIND_ENTRY);
	out[n].arg[0] = resume;
	out[n].arg[1] = s->hvip;
	return n + 1;
}

/* A ring record (format version 2) of the same stream: an event at time t. */
static inline void synth_ring_event(const struct tv_record *ev, struct tv_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->time = ev->time;
	r->kind = ev->kind;
	r->flags = ev->flags;
	r->vm = ev->vm;
	r->vcpu = ev->vcpu;
	memcpy(r->arg, ev->arg, sizeof(r->arg));
}

/*
 * The same exit as the hypervisor's ring holds it (format version 3,
 * include/tracevisor/trace_record.h): what happened during the exit as
 * event records first, then one visit for the exit and its entry when
 * the hypervisor writes one (SBI, MMIO and exit visits), else the exit's
 * events. A VS timer interrupt raised at an entry is taken by the guest,
 * whose handler's next exit is its set_timer call, which lowers it.
 * Returns the number of ring records written to out (at most 4).
 */
static inline int synth_visit(struct synth *s, struct tv_rec *out)
{
	struct tv_record ev[5];
	int k = 0, n;
	uint64_t hvip_before = s->hvip;

	s->next = hvip_before ? 0 : -1; /* 0: an SBI TIME call */
	n = synth_exit(s, ev);
	const struct tv_record *ex = &ev[0], *en = &ev[n - 1];
	const struct tv_record *side = n == 3 ? &ev[1] : NULL;
	uint64_t dt = en->time - ex->time;
	struct tv_rec *v;

	if (side && side->kind == TV_KIND_SBI && (side->arg[0] >> 32) == SBI_EXT_TIME &&
	    hvip_before) {
		/* set_timer clears the pending timer interrupt */
		struct tv_record irq = *side;

		irq.kind = TV_KIND_IRQ;
		irq.arg[0] = CAUSE_INTERRUPT | IRQ_VS_TIMER;
		irq.arg[1] = 0;
		irq.arg[2] = TV_IRQ_LOWERED;
		irq.arg[3] = irq.arg[4] = irq.arg[5] = 0;
		synth_ring_event(&irq, &out[k++]);
		s->hvip = 0;
	}
	if (side && side->kind == TV_KIND_IRQ)
		synth_ring_event(side, &out[k++]);
	uint64_t hvip = s->hvip;
	int insn = (ex->flags & TV_F_INSN) != 0;

	if ((side && side->kind == TV_KIND_MMIO && hvip) || (insn && hvip) ||
	    (side && side->kind == TV_KIND_SBI && hvip)) {
		/* no visit: the exit's events as they are */
		synth_ring_event(ex, &out[k++]);
		if (side && side->kind != TV_KIND_IRQ)
			synth_ring_event(side, &out[k++]);
		synth_ring_event(en, &out[k]);
		out[k++].arg[1] = hvip;
		return k;
	}
	v = &out[k++];
	memset(v, 0, sizeof(*v));
	v->time = ex->time;
	v->dt = (uint32_t)dt;
	v->vm = ex->vm;
	v->vcpu = ex->vcpu;
	v->arg[0] = ex->arg[0];
	if (side && side->kind == TV_KIND_SBI) {
		v->kind = TV_VISIT_SBI;
		v->arg[1] = side->arg[0];
		v->arg[2] = side->arg[1];
		v->arg[3] = side->arg[2];
		v->arg[4] = side->arg[3];
		v->arg[5] = side->arg[5];
		v->flags = (uint8_t)side->arg[4];
	} else if (side && side->kind == TV_KIND_MMIO) {
		v->kind = TV_VISIT_MMIO;
		v->arg[1] = ex->arg[2];
		v->arg[2] = ex->arg[3];
		v->arg[3] = ex->arg[4];
		v->arg[4] = (uint32_t)side->arg[3] | (side->arg[2] << 32);
		v->arg[5] = side->arg[1];
		v->flags = (uint8_t)(TV_F_INSN | (ex->arg[1] == EXC_STORE_GUEST_PAGE_FAULT ? TV_V_STORE : 0) |
				     (side->arg[4] << 4));
	} else {
		v->kind = TV_VISIT_EXIT;
		memcpy(&v->arg[1], &ex->arg[1], 4 * sizeof(v->arg[0]));
		v->arg[5] = insn ? ex->arg[5] : hvip;
		v->flags = (uint8_t)((insn ? TV_F_INSN : 0) | (hvip ? TV_V_HVIP : 0) |
				     TV_V_PC_FLAGS(en->arg[0] - ex->arg[0]));
	}
	return k;
}

#endif
