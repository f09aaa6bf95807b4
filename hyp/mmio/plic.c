/*
 * An emulated PLIC (RISC-V Platform-Level Interrupt Controller
 * Specification, v1.0.0) for the guest: level-triggered sources, per-source
 * priority, contexts with enable bits and a threshold, and claim/complete.
 *
 * Its contexts are laid out as QEMU virt's are, two per hart: context 2h
 * is hart h's M-mode external interrupt, 2h+1 its S-mode one (the device
 * tree's interrupts-extended names them, in that order). A guest written
 * for virt that takes its hart's S-mode context as 2h+1 without reading
 * the device tree finds it there. Context 2h+1's output is vCPU h's
 * supervisor external interrupt, raised and lowered through hvip.VSEIP
 * ("Hypervisor Interrupt Registers"); the M-mode contexts keep their
 * registers and claims but drive nothing, the guest having no M-mode.
 *
 * Register map (offsets from the base):
 *   0x000000 + 4*s         priority of source s (1..31), 0 = never
 *   0x001000               pending bits of sources 0..31 (read only)
 *   0x002000 + 0x80*c      enable bits of context c
 *   0x200000 + 0x1000*c    priority threshold of context c
 *   0x200004 + 0x1000*c    claim (read) / complete (write) of context c
 */
#include "mmio.h"

#include "../core/smp.h"
#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../trace/trace.h"

#define PLIC_SOURCES 32 /* source 0 does not exist */
#define PLIC_CONTEXTS (2 * MAX_HARTS)
#define S_CONTEXT(vcpu) (2 * (vcpu) + 1) /* QEMU virt's layout */
/* Priorities and thresholds are WARL ("RISC-V Platform-Level Interrupt
 * Controller Specification"); three bits of each are implemented, as on
 * QEMU virt, and a write keeps those bits and drops the rest, as a 3-bit
 * register does (QEMU 7.2 and 10.0 read 9 back as 1). */
#define PRIORITY_MASK 7u

struct plic {
	uint32_t priority[PLIC_SOURCES];
	uint32_t level;		/* interrupt lines as the devices drive them */
	uint32_t pending;	/* gateway: latched, not yet claimed */
	uint32_t in_service;	/* claimed, not yet completed */
	uint32_t enable[PLIC_CONTEXTS];
	uint32_t threshold[PLIC_CONTEXTS];
	bool output[PLIC_CONTEXTS]; /* last VSEIP level driven */
};

static struct plic plics[MAX_VMS]; /* one per VM: its own sources and contexts */
static struct mmio_device plic_devs[MAX_VMS];

/* Gateway rule ("Interrupt Gateways"): a level-triggered source becomes
 * pending when its line is high and it is neither pending nor in service. */
static void gateway(struct plic *p)
{
	p->pending |= p->level & ~p->in_service;
	p->pending &= ~1u;
}

/* The highest-priority pending source enabled for context ctx whose
 * priority is above `floor` (ties: the lowest id), or 0. Priority 0 is
 * never above a floor: it "effectively disables the interrupt"
 * ("Interrupt Priorities"). */
static unsigned best_above(const struct plic *p, unsigned ctx, unsigned floor)
{
	unsigned id = 0, prio = floor;
	uint32_t cand = p->pending & p->enable[ctx];
	for (unsigned s = 1; s < PLIC_SOURCES; s++)
		if ((cand & (1u << s)) && p->priority[s] > prio) {
			prio = p->priority[s];
			id = s;
		}
	return id;
}

/* The context's interrupt notification (EIP): "the PLIC will mask all
 * PLIC interrupts of a priority less than or equal to threshold"
 * ("Priority Thresholds"). */
static unsigned best(const struct plic *p, unsigned ctx)
{
	return best_above(p, ctx, p->threshold[ctx]);
}

/* Drive each vCPU's external interrupt from its S-mode context's output:
 * in this hart's hvip for the running vCPU, through the mailbox of
 * another hart for the others (hyp/core/smp.c). */
static void update_output(struct plic *p, struct vcpu *v)
{
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		struct vcpu *t = v->vm->vcpus[i];
		unsigned ctx = S_CONTEXT(i);
		bool out = best(p, ctx) != 0;
		if (out == p->output[ctx])
			continue;
		p->output[ctx] = out;
		/* The level a pending MB_VSEIP applies, also when this hart
		 * drives it itself: a request another hart posted earlier must
		 * not raise VSEIP again after a claim here lowered it. */
		__atomic_store_n(&t->vseip_level, out, __ATOMIC_RELEASE);
		if (t != this_vcpu()) { /* another hart's, or switched out */
			smp_request(t, MB_VSEIP);
			continue;
		}
		if (out)
			csr_set(CSR_HVIP, MIP_VSEIP);
		else
			csr_clear(CSR_HVIP, MIP_VSEIP);
		trace_irq(t, CAUSE_INTERRUPT | IRQ_VS_EXT, csr_read(CSR_HVIP), out);
	}
}

void plic_set_level(struct vcpu *v, unsigned source, bool high)
{
	if (source == 0 || source >= PLIC_SOURCES)
		return;
	struct plic *p = &plics[v->vm_id];
	if (high)
		p->level |= 1u << source;
	else
		p->level &= ~(1u << source);
	gateway(p);
	update_output(p, v);
}

/* "The claim operation is not affected by the setting of the priority
 * threshold register" ("Interrupt Claim Process"): a context with its
 * threshold at the maximum, which never raises its EIP, may still poll
 * for its interrupts with claims, as the specification suggests. */
static unsigned claim(struct plic *p, unsigned ctx)
{
	unsigned id = best_above(p, ctx, 0);
	if (id) {
		p->pending &= ~(1u << id);
		p->in_service |= 1u << id;
	}
	return id;
}

/* Completion of a source the context may take ("Interrupt Completion"):
 * the gateway may forward the line again. Unknown ids are ignored. */
static void complete(struct plic *p, unsigned ctx, uint32_t id)
{
	if (id == 0 || id >= PLIC_SOURCES || !(p->enable[ctx] & (1u << id)))
		return;
	p->in_service &= ~(1u << id);
	gateway(p);
}

static mmio_read_t plic_read(struct mmio_device *d, struct vcpu *v, uint64_t off,
				  unsigned width)
{
	struct plic *p = d->state;
	uint64_t val = 0;
	if (width != 4)
		return MMIO_REFUSED; /* the PLIC has 32-bit registers only */
	if (off < 4ul * PLIC_SOURCES) {
		val = p->priority[off / 4];
	} else if (off == 0x1000) {
		val = p->pending;
	} else if (off >= 0x2000 && off < 0x2000 + 0x80 * PLIC_CONTEXTS) {
		if ((off & 0x7f) == 0)
			val = p->enable[(off - 0x2000) / 0x80];
	} else if (off >= 0x200000 && off < 0x200000 + 0x1000 * PLIC_CONTEXTS) {
		unsigned ctx = (unsigned)((off - 0x200000) / 0x1000);
		if ((off & 0xfff) == 0)
			val = p->threshold[ctx];
		else if ((off & 0xfff) == 4) {
			/* Any hart may claim for any context: the claim
			 * register is plain memory-mapped I/O ("Interrupt
			 * Claim Process"); the context's own output follows. */
			val = claim(p, ctx);
			update_output(p, v);
		}
	}
	return mmio_value(val);
}

static bool plic_write(struct mmio_device *d, struct vcpu *v, uint64_t off,
		       unsigned width, uint64_t val)
{
	struct plic *p = d->state;
	uint32_t w = (uint32_t)val;
	if (width != 4)
		return false;
	if (off < 4ul * PLIC_SOURCES) {
		if (off >= 4)
			p->priority[off / 4] = w & PRIORITY_MASK;
	} else if (off >= 0x2000 && off < 0x2000 + 0x80 * PLIC_CONTEXTS) {
		if ((off & 0x7f) == 0)
			p->enable[(off - 0x2000) / 0x80] = w & ~1u;
	} else if (off >= 0x200000 && off < 0x200000 + 0x1000 * PLIC_CONTEXTS) {
		unsigned ctx = (unsigned)((off - 0x200000) / 0x1000);
		if ((off & 0xfff) == 0)
			p->threshold[ctx] = w & PRIORITY_MASK;
		else if ((off & 0xfff) == 4)
			complete(p, ctx, w);
	}
	update_output(p, v);
	return true;
}

struct mmio_device *plic_create(struct vm *vm, uint64_t base, uint64_t size)
{
	struct mmio_device *dev = &plic_devs[vm->id];
	*dev = (struct mmio_device){
		.name = "plic", .base = base, .size = size, .id = 3,
		.read = plic_read, .write = plic_write, .state = &plics[vm->id],
	};
	return dev;
}
