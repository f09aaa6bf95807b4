/*
 * Building a VM: guest RAM where the guest-physical map puts it, the
 * G-stage map, the emulated devices; then the guest (guest_load.c) and its
 * device tree (guest_fdt.c).
 */
#include "vm.h"

#include <tracevisor/trace_record.h>

#include "../arch/hfence.h"
#include "../mmio/mmio.h"
#include "fault_test.h"
#include "mem.h"
#include "options.h"
#include "vcpu.h"

/* Page allocator for lower-level G-stage tables: hypervisor memory, which
 * the guest can never reach. */
static void *gstage_page(void *ctx)
{
	(void)ctx;
	return mem_alloc_hyp(PAGE_SIZE, PAGE_SIZE, "G-stage table");
}

/* hgatp.MODE is WARL: a mode the hart lacks does not stick ("Hypervisor
 * Guest Address Translation and Protection Register"). Write and read back. */
static bool hgatp_mode_supported(unsigned long mode)
{
	csr_write(CSR_HGATP, mode << HGATP_MODE_SHIFT);
	bool ok = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == mode;
	csr_write(CSR_HGATP, 0);
	return ok;
}

/* VMID width: write all ones to hgatp.VMID (in a mode the hart accepts,
 * or the write may be ignored whole: hgatp is WARL) and count the bits
 * that stick. */
static unsigned vmid_bits(unsigned long mode)
{
	csr_write(CSR_HGATP, (mode << HGATP_MODE_SHIFT) | (HGATP_VMID_MASK << HGATP_VMID_SHIFT));
	uint64_t vmid = (csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	csr_write(CSR_HGATP, 0);
	return (unsigned)__builtin_popcountll(vmid);
}

/*
 * What each hart's hgatp accepts, probed by the hart itself when it
 * arrives (hart_context_init): hgatp is each hart's own CSR, and nothing
 * makes harts alike ("The number of VMID bits is UNSPECIFIED and may be
 * zero", the modes are each implementation's). A VM's vCPUs may run on
 * any hart, so every VM uses what all the harts that arrived accept.
 */
struct hart_gstage {
	uint8_t probed;
	uint8_t sv39, sv48;
	uint8_t vmid_bits;
};
static struct hart_gstage hart_gstage[MAX_HARTS];

void vm_probe_hart(unsigned slot)
{
	struct hart_gstage *h = &hart_gstage[slot];
	h->sv39 = hgatp_mode_supported(HGATP_MODE_SV39X4);
	h->sv48 = hgatp_mode_supported(HGATP_MODE_SV48X4);
	h->vmid_bits = (uint8_t)vmid_bits(h->sv39 ? HGATP_MODE_SV39X4 : HGATP_MODE_SV48X4);
	__atomic_store_n(&h->probed, 1, __ATOMIC_RELEASE);
}

/* What every hart that arrived accepts; harts that differ from the boot
 * hart's are named once. */
static struct hart_gstage gstage_common(void)
{
	static bool told;
	const struct hart_gstage *boot = &hart_gstage[0];
	struct hart_gstage all = *boot;
	for (int i = 1; i < platform.nharts; i++) {
		const struct hart_gstage *h = &hart_gstage[i];
		if (!__atomic_load_n(&h->probed, __ATOMIC_ACQUIRE))
			continue; /* not arrived, or without H: it runs nothing */
		/* (held to the boot hart's, not to what the harts before it
		 * left: a second hart that lacks what the first lacked differs
		 * from the boot hart too, and is named) */
		if (!told && (h->sv39 != boot->sv39 || h->sv48 != boot->sv48 ||
			      h->vmid_bits != boot->vmid_bits))
			hyp_log("hart %u's hgatp differs from the boot hart's: Sv39x4 %s, Sv48x4 "
				"%s, %u VMID bits (boot hart: Sv39x4 %s, Sv48x4 %s, %u VMID bits); "
				"every VM uses what all harts accept\n", platform.hart_id[i],
				h->sv39 ? "yes" : "no", h->sv48 ? "yes" : "no", h->vmid_bits,
				boot->sv39 ? "yes" : "no", boot->sv48 ? "yes" : "no",
				boot->vmid_bits);
		all.sv39 &= h->sv39;
		all.sv48 &= h->sv48;
		if (h->vmid_bits < all.vmid_bits)
			all.vmid_bits = h->vmid_bits;
	}
	told = true;
	return all;
}

static unsigned long choose_gstage_mode(const struct hart_gstage *all)
{
	bool sv39 = all->sv39, sv48 = all->sv48;
	hyp_log("G-stage modes: Sv39x4 %s, Sv48x4 %s\n", sv39 ? "yes" : "no",
		sv48 ? "yes" : "no");
	if (opt.gstage == GSTAGE_SV48X4 && !sv48)
		hyp_panic("tv.gstage=sv48x4 asked for, but hgatp does not accept Sv48x4");
	if (opt.gstage == GSTAGE_SV39X4 && !sv39)
		hyp_panic("tv.gstage=sv39x4 asked for, but hgatp does not accept Sv39x4");
	if (opt.gstage == GSTAGE_SV39X4 || (opt.gstage == GSTAGE_AUTO && !sv48))
		return HGATP_MODE_SV39X4;
	if (!sv48 && !sv39)
		hyp_panic("hgatp accepts neither Sv39x4 nor Sv48x4: no two-stage translation");
	return HGATP_MODE_SV48X4;
}

/*
 * Check every G-stage leaf of a VM before any guest runs: none may reach
 * firmware or hypervisor memory, and each maps the VM's own RAM block
 * (guest devices are emulated: no leaf maps one), which no other VM's
 * overlaps (check_ram_own()). So no VM reaches another's RAM.
 */
static void check_leaf(void *arg, uint64_t gpa, uint64_t hpa, uint64_t size,
		       unsigned long perm)
{
	const struct vm *vm = arg;

	(void)perm;
	if (mem_is_protected(hpa, size))
		hyp_panic("G-stage maps GPA %#llx to protected host memory %#llx",
			  (unsigned long long)gpa, (unsigned long long)hpa);
	if (hpa < vm->ram_hpa || size > vm->ram_size || hpa - vm->ram_hpa > vm->ram_size - size)
		hyp_panic("VM %u: G-stage maps GPA %#llx to host memory %#llx-%#llx, outside "
			  "its RAM %#llx-%#llx", vm->id, (unsigned long long)gpa,
			  (unsigned long long)hpa, (unsigned long long)(hpa + size - 1),
			  (unsigned long long)vm->ram_hpa,
			  (unsigned long long)(vm->ram_hpa + vm->ram_size - 1));
}

/* A VM's RAM block overlaps no other VM's made so far (mem_alloc_guest()
 * hands out each block once; this checks that it did). */
static void check_ram_own(const struct vm *vm)
{
	for (unsigned i = 0; i < vm_count(); i++) {
		const struct vm *o = vm_by_id(i);

		if (o == vm || !o->ram_size || o->ram_hpa >= vm->ram_hpa + vm->ram_size ||
		    vm->ram_hpa >= o->ram_hpa + o->ram_size)
			continue;
		hyp_panic("VM %u's RAM at host %#llx-%#llx overlaps VM %u's", vm->id,
			  (unsigned long long)vm->ram_hpa,
			  (unsigned long long)(vm->ram_hpa + vm->ram_size - 1), o->id);
	}
}

static void setup_gstage(struct vm *vm)
{
	struct hart_gstage all = gstage_common();
	unsigned long mode = choose_gstage_mode(&all);
	/* A VMID per VM (id + 1) when hgatp has room for it ("The number of
	 * VMID bits is UNSPECIFIED and may be zero"); otherwise, or with
	 * tv.vmids=off, VMID 0 for all, and a time-shared hart flushes its
	 * guest translations at each switch between VMs (sched.c).
	 * tv.vmid_bits=N uses no more than N bits, as on a hart whose
	 * VMIDLEN is N (some VMs get a VMID of their own, the rest share 0). */
	unsigned hw_bits = all.vmid_bits;
	unsigned bits = hw_bits < opt.vmid_bits ? hw_bits : opt.vmid_bits;
	bool fits = bits < 16 && vm->id + 1 < (1u << bits);
	uint16_t vmid = fits && opt.vmids ? (uint16_t)(vm->id + 1) : 0;
	vm->vmid = vmid;
	uint64_t *root = mem_alloc_hyp(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE, "G-stage root");
	if (gstage_init(&vm->gstage, mode, vmid, root, gstage_page, NULL) != GSTAGE_OK)
		hyp_panic("cannot initialise the G-stage tables");
	uint64_t limit = gstage_gpa_limit(&vm->gstage);
	if (vm->ram_gpa >= limit || vm->ram_size > limit - vm->ram_gpa)
		hyp_panic("guest RAM %#llx-%#llx (tv.guest_ram_base, tv.guest_mem) ends above "
			  "the %s G-stage's guest-physical limit %#llx",
			  (unsigned long long)vm->ram_gpa,
			  (unsigned long long)(vm->ram_gpa + vm->ram_size - 1),
			  mode == HGATP_MODE_SV39X4 ? "Sv39x4" : "Sv48x4",
			  (unsigned long long)limit);
	/* zeroed on first touch (ram_make_ready()) */
	int err = gstage_map_deferred(&vm->gstage, vm->ram_gpa, vm->ram_hpa, vm->ram_size,
				      GSTAGE_RWX);
	if (err != GSTAGE_OK)
		hyp_panic("cannot map guest RAM in the G-stage (error %d)", err);
	maybe_stray_leaf(vm);
	check_ram_own(vm);
	gstage_for_each_leaf(&vm->gstage, check_leaf, vm);
	vm->hgatp = gstage_hgatp(&vm->gstage);
	hyp_log("VM %u: G-stage %s, VMID %u (%u VMID bits%s%s), root %p, %u tables\n",
		vm->id, mode == HGATP_MODE_SV39X4 ? "Sv39x4" : "Sv48x4", vmid, bits,
		opt.vmids ? "" : ", tv.vmids=off", bits < hw_bits ? ", tv.vmid_bits" : "",
		(void *)root, vm->gstage.tables);
}

static void add_device(struct vm *vm, struct mmio_device *d)
{
	/* the trace's MMIO visit has four bits for the device id */
	if (d->id > TV_V_DEV_MAX)
		hyp_panic("device %s: id %u does not fit the trace's MMIO visit\n", d->name, d->id);
	if (vm->ndevices < ARRAY_SIZE(vm->devices))
		vm->devices[vm->ndevices++] = d;
}

/* The emulated devices' windows: guest RAM may not overlap any. */
static const struct device_window {
	const char *name;
	uint64_t base, size;
} device_windows[] = {
	{ "test finisher", TV_GPA_FINISHER, TV_FINISHER_SIZE },
	{ "PLIC", TV_GPA_PLIC, TV_PLIC_SIZE },
	{ "UART", TV_GPA_UART, TV_UART_SIZE },
	{ "test device", TV_GPA_TESTDEV, TV_TESTDEV_SIZE },
};

/* Guest RAM where the map allows it: 2 MiB aligned (the G-stage leaves
 * and the host RAM behind them), not wrapping, clear of every device. */
static void check_ram_placement(uint64_t base, uint64_t size)
{
	if (!IS_ALIGNED(base, GUEST_RAM_ALIGN))
		hyp_panic("tv.guest_ram_base=%#llx is not a multiple of 2 MiB: guest RAM is "
			  "backed by 2 MiB aligned host RAM and mapped with 2 MiB G-stage "
			  "leaves", (unsigned long long)base);
	if (base + size < base)
		hyp_panic("guest RAM at %#llx (tv.guest_ram_base) with %llu MiB "
			  "(tv.guest_mem) wraps past 2^64", (unsigned long long)base,
			  (unsigned long long)(size >> 20));
	for (size_t i = 0; i < ARRAY_SIZE(device_windows); i++) {
		const struct device_window *d = &device_windows[i];
		if (base < d->base + d->size && d->base < base + size)
			hyp_panic("guest RAM %#llx-%#llx (tv.guest_ram_base, tv.guest_mem) "
				  "overlaps the emulated %s at %#llx-%#llx",
				  (unsigned long long)base, (unsigned long long)(base + size - 1),
				  d->name, (unsigned long long)d->base,
				  (unsigned long long)(d->base + d->size - 1));
	}
}

void vm_create(struct vm *vm, unsigned id, uint64_t ram_size)
{
	vm->id = id;
	vm->running = 1;
	vm->ram_gpa = vm_guest_ram_base(vm);
	vm->ram_size = ram_size;
	check_ram_placement(vm->ram_gpa, ram_size);
	vm->ram_hpa = mem_alloc_guest(ram_size, GUEST_RAM_ALIGN);
	if (!vm->ram_hpa)
		hyp_panic("VM %u: no free RAM for %llu MiB of guest RAM: the largest free "
			  "block is %llu MiB; give the machine more RAM (scripts/run.sh --mem, "
			  "QEMU's -m) or the VM less (tv.guest_mem, tv.vmN's mem:)", id,
			  (unsigned long long)(ram_size >> 20),
			  (unsigned long long)(mem_largest_free(GUEST_RAM_ALIGN) >> 20));
	hyp_log("VM %u: guest RAM GPA %#llx-%#llx at host %#llx\n", id,
		(unsigned long long)vm->ram_gpa,
		(unsigned long long)(vm->ram_gpa + ram_size - 1),
		(unsigned long long)vm->ram_hpa);
	setup_gstage(vm);

	add_device(vm, finisher_create(vm, TV_GPA_FINISHER));
	add_device(vm, plic_create(vm, TV_GPA_PLIC, TV_PLIC_SIZE));
	add_device(vm, uart_ns16550a_create(vm, TV_GPA_UART, TV_UART_IRQ));
	/* The test device tells its guest the host's protected ranges (for
	 * the isolation attacks): only the built-in test guests get it, not
	 * an image from elsewhere. */
	if (vm->guest != GUEST_IMAGE)
		add_device(vm, testdev_create(vm, TV_GPA_TESTDEV));
	hyp_log("VM %u: devices:", id);
	for (unsigned i = 0; i < vm->ndevices; i++)
		printf(" %s at %#llx", vm->devices[i]->name,
		       (unsigned long long)vm->devices[i]->base);
	printf("\n");

	vm->fdt_gpa = vm->ram_gpa + ram_size - GUEST_FDT_MAX;
	vm_load_guest(vm);
	vm_build_fdt(vm);
}

/*
 * Guest RAM is zeroed on first touch, 2 MiB at a time: its G-stage leaves
 * start deferred (gstage.h), and the first access to one, by the guest (a
 * guest-page fault, vm_ram_fault()) or by the hypervisor (vm_gpa_to_hva()),
 * zeroes its block and makes it valid. The guest sees zeroed RAM as
 * before, but a boot pays only for the RAM it uses (a Linux guest touches
 * a fraction of its 256 MiB before userspace). Under the VM's lock: two
 * vCPUs touching one block at once zero it once, before either writes.
 */
static void ram_make_ready(struct vm *vm, uint64_t *pte, uint64_t size, bool zero)
{
	spin_lock(&vm->ram_lock);
	if (!(*pte & PTE_V)) {
		if (zero)
			mem_zero_fast((void *)(uintptr_t)gstage_leaf_hpa(*pte), size);
		gstage_leaf_commit(pte);
		vm->ram_blocks_ready++;
	}
	spin_unlock(&vm->ram_lock);
}

/*
 * A guest-page fault on a leaf that is valid already: this hart had the
 * invalid entry cached (the leaf was made valid by another hart, or by
 * this one before its fence), and the HFENCE.GVMA that follows removes
 * it. Once the hart is fenced for a page, no fault there can be of that
 * kind: the leaf stays valid, and a hart caches only what it reads. A
 * second one means the hart does not translate what its G-stage maps,
 * and the guest would retry the access for ever, a hang with nothing
 * said: QEMU 7.2 does so for every GPA whose top bit (40 in Sv39x4, 49
 * in Sv48x4) is set, which "Guest Physical Address Translation" makes
 * an ordinary GPA (docs/validation.md, DEV-4). Stop the VM, naming it.
 */
static void ram_fault_again(struct vcpu *v, uint64_t gpa)
{
	uint64_t page = (gpa >> PAGE_SHIFT) + 1; /* (0: none yet) */

	if (v->gpf_fenced != page) {
		v->gpf_fenced = page;
		return;
	}
	hyp_log("%shart %u takes guest-page faults at GPA %#llx although its G-stage leaf "
		"is valid and fenced (HFENCE.GVMA): the hart does not translate it, and "
		"the guest would retry for ever (QEMU 7.2 faults a GPA whose top bit, 40 in "
		"Sv39x4 or 49 in Sv48x4, is set: docs/validation.md DEV-4; a lower "
		"tv.guest_ram_base avoids it, or below 2^41 tv.gstage=sv48x4); stopping "
		"the VM\n",
		v->vm->prefix, v->hart, (unsigned long long)gpa);
	vcpu_stop(v, TV_STOP_FAULT, v->scause, true);
}

bool vm_ram_fault(struct vcpu *v, uint64_t gpa)
{
	struct vm *vm = v->vm;
	uint64_t size;
	uint64_t *pte = vm_gpa_in_ram(vm, gpa, 1) ? gstage_leaf(&vm->gstage, gpa, &size) : NULL;

	if (!pte)
		return false;
	if (gstage_leaf_valid(pte))
		ram_fault_again(v, gpa);
	else
		ram_make_ready(vm, pte, size, true);
	/* HFENCE.GVMA for this address in this VMID: this hart may hold the
	 * invalid entry ("Hypervisor Memory-Management Fence Instructions";
	 * without Svvptc, a valid PTE need not be seen until a fence) */
	hfence_gvma_gpa(gpa, vm->vmid);
	return true;
}

bool vm_gpa_in_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	return gpa >= vm->ram_gpa && len <= vm->ram_size &&
	       gpa - vm->ram_gpa <= vm->ram_size - len;
}

/* Each block of guest RAM in [gpa, end) ready; those the caller is about
 * to fill whole (fill: a boot-time copy, before any vCPU of the VM runs)
 * become valid without being zeroed first. */
static void ram_ready_range(struct vm *vm, uint64_t gpa, uint64_t end, bool fill)
{
	uint64_t b = gpa, size;

	while (b < end) {
		uint64_t *pte = gstage_leaf(&vm->gstage, b, &size);
		if (!pte)
			return; /* not guest RAM: the callers check it is */
		uint64_t start = ALIGN_DOWN(b, size);
		bool filled = fill && start >= gpa && end - start >= size;
		if (!gstage_leaf_valid(pte))
			ram_make_ready(vm, pte, size, !filled);
		b = start + size;
	}
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (!vm_gpa_in_ram(vm, gpa, len))
		return NULL;
	ram_ready_range(vm, gpa, gpa + len, false);
	return (void *)(uintptr_t)(vm->ram_hpa + (gpa - vm->ram_gpa));
}

void vm_copy_in(struct vm *vm, uint64_t gpa, const void *src, uint64_t len)
{
	if (!vm_gpa_in_ram(vm, gpa, len))
		hyp_panic("VM %u: copy to GPA %#llx-%#llx, outside guest RAM", vm->id,
			  (unsigned long long)gpa, (unsigned long long)(gpa + len - 1));
	ram_ready_range(vm, gpa, gpa + len, true);
	mem_copy_fast((void *)(uintptr_t)(vm->ram_hpa + (gpa - vm->ram_gpa)), src, len);
}

struct mmio_device *vm_find_device(const struct vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < vm->ndevices; i++) {
		struct mmio_device *d = vm->devices[i];
		if (gpa >= d->base && gpa - d->base < d->size)
			return d;
	}
	return NULL;
}
