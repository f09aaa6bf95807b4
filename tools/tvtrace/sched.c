/*
 * The SWITCH records of time-shared harts (TV_KIND_SWITCH,
 * include/tracevisor/trace_record.h), as every view reads them.
 *
 * A hart that runs vCPUs of several VMs in turn writes a SWITCH record as
 * it leaves the outgoing vCPU: the record carries the outgoing vCPU (its
 * vm and vcpu) and arg[0] the incoming VM, arg[1] the incoming vCPU,
 * arg[2] why (TV_SWITCH_*), arg[3] how long the outgoing vCPU ran since
 * it was switched in (ticks), arg[4] the incoming vCPU's hgatp, arg[5] 1
 * when the switch flushed the G-stage TLB. Its time is when the incoming
 * vCPU's state starts to be loaded.
 *
 * A vCPU is "away" from its hart from the SWITCH that leaves it to the
 * SWITCH of the same hart that gives the hart back to it. Away after a
 * slice switch it was ready to run: that is its steal time (the term of
 * the SBI STA extension and of Linux's steal accounting); away after a
 * wait switch it was waiting (WFI, HSM stop or suspend).
 */
#include <stdlib.h>
#include <string.h>

#include "tvtrace.h"

#include <tracevisor/csr.h>

/* hgatp for HSXLEN=64 (privileged spec, "Hypervisor Guest Address
 * Translation and Protection (hgatp) Register"): MODE in bits 63:60,
 * VMID in 57:44, the root table's PPN in 43:0. */
unsigned tt_hgatp_vmid(uint64_t hgatp)
{
	return (unsigned)((hgatp >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK);
}

uint64_t tt_hgatp_root(uint64_t hgatp)
{
	return (hgatp & HGATP_PPN_MASK) << 12;
}

/* The MODE encodings of the same section: 0 Bare, 8 Sv39x4, 9 Sv48x4,
 * 10 Sv57x4, the others reserved. */
const char *tt_hgatp_mode(uint64_t hgatp)
{
	switch (hgatp >> HGATP_MODE_SHIFT) {
	case 0: return "Bare";
	case 8: return "Sv39x4";
	case 9: return "Sv48x4";
	case 10: return "Sv57x4";
	default: return "reserved mode";
	}
}

const char *tt_switch_why(uint64_t reason)
{
	switch (reason) {
	case TV_SWITCH_SLICE:
		return "its time slice ended and another vCPU was ready";
	case TV_SWITCH_WAIT:
		return "it waits: WFI, or HSM stopped or suspended";
	case TV_SWITCH_STOP:
		return "its VM stopped";
	default:
		return NULL;
	}
}

bool tt_switch_involves(const struct tv_record *r, unsigned vm, unsigned vcpu)
{
	return (r->vm == vm && r->vcpu == vcpu) ||
	       (r->arg[0] == vm && r->arg[1] == vcpu);
}

/* The switch-out state of (hart, vm, vcpu); created when `create`. */
static struct tt_swpend *pending(struct tt_swtrack *s, uint16_t hart,
				 uint64_t vm, uint64_t vcpu, int create)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].hart == hart && s->p[i].vm == vm &&
		    s->p[i].vcpu == vcpu)
			return &s->p[i];
	if (!create || vm > UINT8_MAX || vcpu > UINT8_MAX)
		return NULL;
	struct tt_swpend *p = tt_append(&s->p, &s->n, &s->cap);
	p->hart = hart;
	p->vm = (uint8_t)vm;
	p->vcpu = (uint8_t)vcpu;
	return p;
}

int tt_swtrack_feed(struct tt_swtrack *s, const struct tt_rec *t, size_t tag,
		    struct tt_away *a)
{
	const struct tv_record *r = &t->r;
	struct tt_swpend *p;
	int back = 0;

	if (t->origin != TT_FROM_DUMP || r->kind == TV_KIND_LOST) {
		/* The SWITCH that gave the hart back may be among the
		 * records lost: no time away is known across a loss. */
		for (size_t i = 0; i < s->n; i++)
			if (s->p[i].hart == t->hart)
				s->p[i].open = 0;
		return 0;
	}
	if (r->kind != TV_KIND_SWITCH)
		return 0;
	p = pending(s, t->hart, r->arg[0], r->arg[1], 0);
	if (p && p->open && r->time >= p->time) {
		memset(a, 0, sizeof(*a));
		a->hart = t->hart;
		a->vm = p->vm;
		a->vcpu = p->vcpu;
		a->reason = p->reason;
		a->out_time = p->time;
		a->in_time = r->time;
		a->out_tag = p->tag;
		a->in_tag = tag;
		back = 1;
	}
	if (p)
		p->open = 0;
	p = pending(s, t->hart, r->vm, r->vcpu, 1);
	p->open = 1;
	p->reason = r->arg[2];
	p->time = r->time;
	p->tag = tag;
	return back;
}

void tt_swtrack_free(struct tt_swtrack *s)
{
	free(s->p);
	memset(s, 0, sizeof(*s));
}

int tt_dump_has_switches(const struct tt_dump *d)
{
	for (size_t i = 0; i < d->nrecs; i++)
		if (d->recs[i].origin == TT_FROM_DUMP &&
		    d->recs[i].r.kind == TV_KIND_SWITCH)
			return 1;
	return 0;
}
