/*
 * The tracevisor test device: registers a test guest uses to check MMIO
 * emulation of every width and sign, to count its own exits, and to learn
 * the host-physical addresses a hostile guest would try to reach.
 *
 * Register map (64-bit registers, little endian; any aligned access of
 * width 1, 2, 4 or 8 reads or writes the bytes it covers):
 *   0x00 ID       read only: 0xF1E2D3C4B5A69788 (every byte has its top
 *                 bit set, so narrow signed loads must sign-extend)
 *   0x08 SCRATCH  read/write
 *   0x10 EXITS    read only: VM exits of the reading vCPU so far
 *   0x18 MAGIC    read only: 0x7472616365766973 ("tracevis")
 *   0x20 + 16*i   read only: base and size of protected host range i
 *                 (firmware, hypervisor image, hypervisor allocations,
 *                 the other VMs' RAM);
 *                 size 0 ends the list
 *   0x120 HOSTSCAN       read only: scan the hypervisor's own memory for
 *                        words a guest's RAM fill would have left there
 *                        (include/tracevisor/guest_map.h); the count found
 *   0x128 HOSTSCAN_WORDS read only: words the last scan read
 *   0x130 FILL_PATTERN   read only: the reading VM's fill pattern
 *   0x138 GUEST_EXITS    read only: its exits other than interrupts
 *   0x140 HART_VCPUS     read only: vCPUs taking turns on its hart
 *   0x148 SWITCHES       read only: switches between them so far
 *   0x150 SWITCH_INSTR_MIN  read only: the cheapest switch, instructions
 *   0x158 SWITCH_INSTR_LAST read only: the last switch, instructions
 *   0x160 VALIDATE_LATE  write only (8 bytes): the validation guest's last
 *                        check number; runs the HS-side checks after it
 *                        and leaves their hand-off word in SCRATCH
 *                        (hyp/validate/validate.h). Ignored, SCRATCH
 *                        kept, unless the guest is the validation guest
 *                        (tv.guest=validate).
 */
#include <tracevisor/guest_map.h>

#include "mmio.h"

#include "../core/mem.h"
#include "../core/options.h"
#include "../core/sched.h"
#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../validate/validate.h"

#define TESTDEV_ID 0xF1E2D3C4B5A69788ULL
#define TESTDEV_MAGIC 0x7472616365766973ULL
#define TESTDEV_RANGES 0x20
#define TESTDEV_MAX_RANGES 16

struct testdev {
	uint64_t scratch;
	uint64_t scan_words;
};

/* Every word of the hypervisor's image and allocations (not the
 * firmware's memory, which the firmware's PMP keeps from S-mode as well):
 * how many hold (pattern ^ a) for an aligned guest RAM address a. */
static uint64_t host_scan(struct testdev *t, const struct vm *vm)
{
	struct mem_range r[TESTDEV_MAX_RANGES];
	int n = mem_hyp_ranges(r, TESTDEV_MAX_RANGES);
	uint64_t found = 0;
	t->scan_words = 0;
	for (int i = 0; i < n; i++) {
		const volatile uint64_t *p = (const volatile uint64_t *)(uintptr_t)r[i].base;
		for (uint64_t k = 0; k < r[i].size / 8; k++) {
			uint64_t gpa = p[k] ^ TV_TESTDEV_VM_PATTERN(vm->id);
			if (IS_ALIGNED(gpa, 8) && gpa >= vm->ram_gpa && gpa - vm->ram_gpa < vm->ram_size)
				found++;
		}
		t->scan_words += r[i].size / 8;
	}
	return found;
}

static uint64_t reg_value(struct testdev *t, struct vcpu *v, uint64_t reg)
{
	switch (reg) {
	case 0x00: return TESTDEV_ID;
	case 0x08: return t->scratch;
	case 0x10: return v->exits;
	case 0x18: return TESTDEV_MAGIC;
	case TV_TESTDEV_HOSTSCAN: return host_scan(t, v->vm);
	case TV_TESTDEV_HOSTSCAN_WORDS: return t->scan_words;
	case TV_TESTDEV_FILL_PATTERN_REG: return TV_TESTDEV_VM_PATTERN(v->vm->id);
	case TV_TESTDEV_GUEST_EXITS: return v->exits - v->irq_exits;
	case TV_TESTDEV_HART_VCPUS: return v->rq ? v->rq->n : 1;
	case TV_TESTDEV_SWITCHES: return v->rq ? v->rq->switches : 0;
	case TV_TESTDEV_SWITCH_INSTR_MIN: return v->rq ? v->rq->switch_min : 0;
	case TV_TESTDEV_SWITCH_INSTR_LAST: return v->rq ? v->rq->switch_last : 0;
	default: break;
	}
	if (reg >= TESTDEV_RANGES && reg < TESTDEV_RANGES + 16 * TESTDEV_MAX_RANGES) {
		struct mem_range r[TESTDEV_MAX_RANGES];
		int n = mem_protected_ranges(r, TESTDEV_MAX_RANGES);
		/* The other VMs' RAM is as much off limits as the hypervisor's. */
		for (unsigned k = 0; k < vm_count() && n < TESTDEV_MAX_RANGES; k++) {
			const struct vm *o = vm_by_id(k);
			if (o != v->vm)
				r[n++] = (struct mem_range){ o->ram_hpa, o->ram_size };
		}
		unsigned i = (unsigned)((reg - TESTDEV_RANGES) / 16);
		if ((int)i >= n)
			return 0;
		return (reg & 8) ? r[i].size : r[i].base;
	}
	return 0;
}

static mmio_read_t testdev_read(struct mmio_device *d, struct vcpu *v, uint64_t off,
				     unsigned width)
{
	uint64_t reg = off & ~7ULL;
	unsigned shift = (unsigned)(off & 7) * 8;
	uint64_t r = reg_value(d->state, v, reg) >> shift;
	return mmio_value(width == 8 ? r : r & ((1ULL << (width * 8)) - 1));
}

static bool testdev_write(struct mmio_device *d, struct vcpu *v, uint64_t off,
			  unsigned width, uint64_t val)
{
	struct testdev *t = d->state;
	if (off == TV_TESTDEV_VALIDATE_LATE && width == 8 && v) {
		if (opt.guest == GUEST_VALIDATE && val <= 0xffff)
			t->scratch = validate_hs_late_checks(v, (unsigned)val);
		return true;
	}
	if ((off & ~7ULL) != 0x08)
		return true; /* writes to read-only registers are ignored */
	unsigned shift = (unsigned)(off & 7) * 8;
	uint64_t mask = (width == 8 ? ~0ULL : (1ULL << (width * 8)) - 1) << shift;
	t->scratch = (t->scratch & ~mask) | ((val << shift) & mask);
	return true;
}

struct mmio_device *testdev_create(struct vm *vm, uint64_t base)
{
	static struct testdev states[MAX_VMS];
	static struct mmio_device devs[MAX_VMS];
	struct mmio_device *dev = &devs[vm->id];
	*dev = (struct mmio_device){
		.name = "tracevisor-testdev", .base = base, .size = 0x1000, .id = 2,
		.read = testdev_read, .write = testdev_write, .state = &states[vm->id],
	};
	return dev;
}
