/*
 * Boot: from OpenSBI's jump into the payload to the first guest entry.
 */
#include <tracevisor/sbi_ids.h>

#include "../sbi/firmware.h"
#include "../trace/trace.h"
#include "../validate/validate.h"
#include "console.h"
#include "mem.h"
#include "options.h"
#include "platform.h"
#include "sched.h"
#include "smp.h"
#include "timer.h"
#include "vcpu.h"
#include "vm.h"
#include "vm_dt.h"

/* A stack per vCPU: vCPU structure i uses stack i. The first vCPU of hart
 * slot s is structure s (hyp/arch/entry.S starts the hart on stack s);
 * a second VM's vCPU on the same hart takes one from MAX_HARTS on. */
uint8_t hyp_stacks[MAX_VCPUS][HYP_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t fault_stacks[MAX_VCPUS][FAULT_STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu vcpus[MAX_VCPUS];
static unsigned next_extra = MAX_HARTS;
static struct vm vms[MAX_VMS];
static unsigned nvms = 1;

struct vcpu *vcpu_of_slot(unsigned slot)
{
	return &vcpus[slot];
}

unsigned vcpu_slot_of(const struct vcpu *v)
{
	bool ours = v >= &vcpus[0] && v < &vcpus[MAX_VCPUS];
	return ours ? v->slot : 0;
}

static uint64_t stack_top(const struct vcpu *v)
{
	return (uint64_t)(uintptr_t)&hyp_stacks[v - vcpus][HYP_STACK_SIZE];
}

static uint64_t fault_stack_top(const struct vcpu *v)
{
	return (uint64_t)(uintptr_t)&fault_stacks[v - vcpus][FAULT_STACK_SIZE];
}

unsigned vm_count(void)
{
	return nvms;
}

struct vm *vm_by_id(unsigned id)
{
	return id < nvms ? &vms[id] : NULL;
}

int vcpu_console_getc(struct vcpu *v)
{
	console_stream_show(&v->console);
	return v->vm->id == 0 ? console_getc() : -1;
}

/* VMs still running, and the first that failed (id + 1). */
static int vms_running;
static unsigned first_failure;

bool vm_stopped(struct vm *vm, bool failed)
{
	if (!__atomic_exchange_n(&vm->running, 0, __ATOMIC_ACQ_REL))
		return false; /* already stopped (cannot happen twice, but be sure) */
	if (failed) {
		unsigned none = 0;
		__atomic_compare_exchange_n(&first_failure, &none, vm->id + 1, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	return __atomic_sub_fetch(&vms_running, 1, __ATOMIC_ACQ_REL) == 0;
}

unsigned vm_first_failure(void)
{
	return __atomic_load_n(&first_failure, __ATOMIC_ACQUIRE);
}

/* Per-hart context: tp points at the hart's vcpu from now on, and
 * sscratch is 0 while the hypervisor runs (hyp/arch/trap.S), so a trap
 * anywhere in the hypervisor is told from a VM exit and finds its fault
 * stack. */
void hart_context_init(struct vcpu *v, unsigned slot)
{
	/* No deadline before its vCPU's timer_init: a hart that never gets
	 * one parks (smp_park) and must find none to serve there, not the
	 * zeros of a structure never set up (0 would be due at once, and
	 * forever). */
	timer_clear(v);
	v->slot = slot;
	v->hyp_sp = stack_top(v);
	v->fault_sp = fault_stack_top(v);
	__asm__ volatile("mv tp, %0" ::"r"(v));
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_STVEC, hyp_trap_vector);
	/* (the boot hart's H is required before; another hart's, which a
	 * board with unlike harts may lack, is tested first: its hgatp
	 * would trap) */
	v->no_h = !hart_has_h();
	if (!v->no_h)
		vm_probe_hart(slot);
}

/* Without the H extension there is nothing to do: say which flag fixes it
 * and shut down with a failure reason. */
/* Guest RAM: tv.guest_mem, or with tv.guest_mem=max the largest free
 * block of host RAM, less room for the G-stage tables and the hypervisor's
 * other late allocations, so a guest fits whatever -m the machine has. */
#define LATE_ALLOCATIONS MiB(4)

static uint64_t guest_ram_size(void)
{
	if (opt.guest_mem)
		return opt.guest_mem;
	uint64_t free = mem_largest_free(MiB(2));
	uint64_t size = free > LATE_ALLOCATIONS + MiB(2) ?
		ALIGN_DOWN(free - LATE_ALLOCATIONS, MiB(2)) : 0;
	if (!size)
		hyp_panic("tv.guest_mem=max: no free block of host RAM large enough "
			  "(largest %llu KiB)", (unsigned long long)(free >> 10));
	hyp_log("guest RAM: %llu MiB, sized from the largest free block of host RAM "
		"(%llu MiB; tv.guest_mem=max)\n", (unsigned long long)(size >> 20),
		(unsigned long long)(free >> 20));
	return size;
}

/* Put vCPU `id` of `vm` on hart slot `slot`: the slot's own structure if
 * it is the first there, else a spare one, which the hart's scheduler
 * runs in turn with the others (sched.c). vCPU 0 starts with the VM, the
 * others when the guest asks (SBI HSM hart_start). */
static void place_vcpu(struct vm *vm, unsigned id, unsigned slot)
{
	struct vcpu *v = sched_slot_count(slot) ? &vcpus[next_extra++] : &vcpus[slot];
	vm->vcpus[id] = v;
	v->vm = vm;
	v->vm_id = vm->id;
	v->id = id;
	v->devices_shared = vm->nvcpus > 1;
	v->hsm_state = id ? SBI_HSM_STATE_STOPPED : SBI_HSM_STATE_STARTED;
	sched_place(v, slot, stack_top(v), fault_stack_top(v));
}

/* VM `vm`'s n vCPUs on the slots from `first` on. */
static void assign_vcpus(struct vm *vm, unsigned first, unsigned n)
{
	vm->id = (unsigned)(vm - vms);
	vm->nvcpus = n;
	vm->vcpus_up = 1; /* vCPU 0 starts with the VM (place_vcpu) */
	for (unsigned i = 0; i < n; i++)
		place_vcpu(vm, i, first + i);
}

/* The first of n hart slots in a row where no vCPU is placed yet. */
static unsigned free_slots(unsigned n, unsigned usable)
{
	for (unsigned s = 0; s + n <= usable; s++) {
		unsigned k = 0;
		while (k < n && !sched_slot_count(s + k))
			k++;
		if (k == n)
			return s;
	}
	return ~0u;
}

/* One VM (no tv.vmN): as many vCPUs as asked that have a hart. */
static void place_one_vm(unsigned usable)
{
	if (opt.vcpus > (unsigned)platform.nharts) {
		hyp_log("tv.vcpus=%u but only %d hart(s): using %d\n", opt.vcpus,
			platform.nharts, platform.nharts);
		opt.vcpus = (unsigned)platform.nharts;
	}
	if (opt.vcpus > usable) {
		hyp_log("tv.vcpus=%u but only %u hart(s) reached the hypervisor in slot "
			"order: the guest gets %u vCPU(s)\n", opt.vcpus, usable, usable);
		opt.vcpus = usable;
	}
	vms[0].guest = opt.guest;
	snprintf(vms[0].name, sizeof(vms[0].name), "vm0");
	assign_vcpus(&vms[0], 0, opt.vcpus);
}

/* Where VM i's vCPUs go. harts:S (time-shared placement): slots S, S+1,
 * ..., with whatever else is placed there, in turn (sched.c). Without
 * it: the first slots no vCPU uses yet, harts of its own (static
 * partitioning: no scheduler runs there). VM 0 takes the first slots. */
static unsigned vm_first_slot(unsigned i, unsigned n, unsigned usable, bool *shared)
{
	*shared = i && opt.vm[i].shared;
	if (*shared) {
		unsigned s = opt.vm[i].first_slot;
		if (s + n > usable)
			hyp_panic("%s: %u vCPU(s) time-shared from hart slot %u need hart slots "
				  "%u-%u, but only %u hart(s) reached the hypervisor",
				  opt.vm[i].origin, n, s, s, s + n - 1, usable);
		return s;
	}
	unsigned s = free_slots(n, usable);
	if (s == ~0u)
		hyp_panic("%s asks for %u hart(s) of its own, but no %u hart slot(s) in a "
			  "row are free of other vCPUs among the %u that reached the hypervisor "
			  "(run QEMU with more -smp, or share harts: %s)", opt.vm[i].origin,
			  n, n, usable,
			  opt.vm[i].origin[0] == '/' ? "tracevisor,harts = <S>" : "harts:S");
	return s;
}

/* Say who takes turns on a time-shared hart. */
static void log_shared_slot(unsigned s)
{
	const struct hart_rq *rq = sched_rq(s);
	char line[160];
	size_t n = 0;
	for (unsigned k = 0; k < rq->n && n < sizeof(line); k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s-vcpu%u", k ? ", " : "",
				      rq->v[k]->vm->name, rq->v[k]->id);
	hyp_log("hart slot %u is time-shared, round robin with a %llu ms slice: %s\n", s,
		(unsigned long long)opt.slice_ms, line);
}

/* Several VMs, partitioned or time-shared (vm_first_slot). A description
 * that cannot be met is refused before any guest runs. */
static void place_vms(unsigned usable)
{
	/* (gaps in the numbering were refused with the descriptions:
	 * vm_descs_check, options.c) */
	if (opt.guest == GUEST_VALIDATE)
		hyp_panic("tv.guest=validate checks the hart itself and runs alone: no tv.vmN");
	if (opt.vcpus > usable)
		hyp_panic("VM 0 asks for %u vCPUs but %u hart(s) reached the hypervisor", opt.vcpus,
			  usable);
	nvms = opt.nvms;
	for (unsigned i = 0; i < nvms; i++) {
		struct vm *vm = &vms[i];
		vm->guest = i ? opt.vm[i].guest : opt.guest;
		if (i)
			memcpy(vm->name, opt.vm[i].name, sizeof(vm->name));
		else
			snprintf(vm->name, sizeof(vm->name), "vm0");
		snprintf(vm->prefix, sizeof(vm->prefix), "[%s] ", vm->name);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(vms[j].name, vm->name))
				hyp_panic("VMs %u and %u are both named '%s'", j, i, vm->name);
		unsigned n = i ? opt.vm[i].vcpus : opt.vcpus;
		bool shared;
		unsigned slot = vm_first_slot(i, n, usable, &shared);
		assign_vcpus(vm, slot, n);
		hyp_log("VM %u '%s': %u vCPU(s) on hart slot(s) %u-%u (%s)\n", i, vm->name, n, slot,
			slot + n - 1, shared ? "harts:, time-shared" : "harts of its own");
	}
	for (unsigned s = 0; s < usable; s++)
		if (sched_slot_count(s) > 1)
			log_shared_slot(s);
}

static void require_h(void)
{
	if (hart_has_h())
		return;
	printf(HYP_TAG "this hart has no H (hypervisor) extension: hstatus is "
	       "not implemented. On QEMU run with -cpu rv64 (H is on by default) "
	       "or -cpu rv64,h=true.\n");
	console_flush();
	fw_shutdown(true);
}

void hyp_main(unsigned long hart, const void *fdt)
{
	console_init();
	printf("\n" HYP_TAG "tracevisor hypervisor, boot hart %lu, FDT at %p\n",
	       hart, fdt);
	int fdt_ok = platform_probe(fdt, hart);
	fw_set_finisher(platform.finisher);
	require_h();
	hart_context_init(&vcpus[0], 0);
	if (fdt_ok != 0)
		hyp_panic("cannot use the device tree passed in a1");
	/* Cut, bootargs would lose what comes last, a guest's root= or a
	 * tv.* option, without a word. */
	if (platform.bootargs_len >= sizeof(platform.bootargs))
		hyp_panic("/chosen bootargs are %u bytes, more than the %u the hypervisor "
			  "reads (the guest's and its own together); the run is refused, as "
			  "some would be lost", platform.bootargs_len,
			  (unsigned)sizeof(platform.bootargs) - 1);
	options_parse(platform.bootargs);
	vm_dt_parse(platform_fdt());
	vm_descs_check();
	if (opt.initrd_end) { /* tv.initrd overrides /chosen's */
		platform.initrd_start = opt.initrd_start;
		platform.initrd_end = opt.initrd_end;
	}
	platform_print();
	hyp_log("SBI firmware: spec %ld.%ld, DBCN %s\n", fw_spec_version() >> 24,
		fw_spec_version() & 0xffffff, fw_has_dbcn() ? "yes" : "no (legacy console)");

	mem_init();
	vm_reserve_boot_images();
	trace_init();
	if (opt.guest == GUEST_VALIDATE)
		validate_hs_checks();
	/* The other harts first: the guest gets no vCPU the firmware could
	 * not give us a hart for. They wait for the VM (smp.c). */
	unsigned usable = smp_start_secondaries();
	vcpu_state_probe(); /* what a time-shared hart must switch */
	sched_probe();
	if (opt.control_vm >= (int)opt.nvms)
		hyp_panic("tv.control_vm=%d: there is no VM %d (this run has %u)", opt.control_vm,
			  opt.control_vm, opt.nvms);
	if (opt.nvms > 1)
		place_vms(usable);
	else
		place_one_vm(usable);
	/* VM 0 last: with tv.guest_mem=max it takes what the others left. */
	for (unsigned i = nvms; i-- > 0;)
		vm_create(&vms[i], i, i ? opt.vm[i].mem : guest_ram_size());
	mem_print();
	vcpu_init(&vcpus[0], &vms[0], 0, (unsigned)hart);
	vms_running = (int)nvms;
	smp_release_secondaries();
	hyp_log("%u of %d hart(s) running the hypervisor; the guest has %u vCPU(s)\n",
		smp_harts_up(), platform.nharts, opt.vcpus);

	hyp_log("entering the guest at %#llx (trace %s, ring %u slots, %s)\n",
		(unsigned long long)vcpus[0].sepc, opt.trace ? "on" : "off",
		opt.ring_slots, opt.ring_mode ? "stop when full" : "overwrite");
	console_flush();
	vcpu_run(&vcpus[0]);
}
