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
#include "smp.h"
#include "vcpu.h"
#include "vm.h"
#include "vm_dt.h"

uint8_t hyp_stacks[MAX_HARTS][HYP_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t fault_stacks[MAX_HARTS][FAULT_STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu vcpus[MAX_HARTS];
static struct vm vms[MAX_VMS];
static unsigned nvms = 1;

struct vcpu *vcpu_of_slot(unsigned slot)
{
	return &vcpus[slot];
}

unsigned vm_count(void)
{
	return nvms;
}

struct vm *vm_by_id(unsigned id)
{
	return id < nvms ? &vms[id] : NULL;
}

struct vm *vm_of_slot(unsigned slot)
{
	for (unsigned i = 0; i < nvms; i++)
		if (slot >= vms[i].first_slot && slot - vms[i].first_slot < vms[i].nvcpus)
			return &vms[i];
	return NULL;
}

int vm_console_getc(const struct vm *vm)
{
	return vm->id == 0 ? console_getc() : -1;
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

/* Per-hart context: tp and sscratch point at the hart's vcpu from now on,
 * so a trap anywhere in the hypervisor finds its fault stack. */
void hart_context_init(struct vcpu *v, unsigned slot)
{
	v->slot = slot;
	v->hyp_sp = (uint64_t)(uintptr_t)&hyp_stacks[slot][HYP_STACK_SIZE];
	v->fault_sp = (uint64_t)(uintptr_t)&fault_stacks[slot][FAULT_STACK_SIZE];
	__asm__ volatile("mv tp, %0" ::"r"(v));
	csr_write(CSR_SSCRATCH, v);
	csr_write(CSR_STVEC, hyp_trap_vector);
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

/* Give VM `vm` vCPUs on the hart slots from `first` on: vCPU 0 starts
 * with the VM, the others when the guest asks (SBI HSM hart_start). */
static void assign_vcpus(struct vm *vm, unsigned first, unsigned n)
{
	vm->first_slot = first;
	vm->nvcpus = n;
	for (unsigned i = 0; i < n; i++) {
		struct vcpu *v = &vcpus[first + i];
		vm->vcpus[i] = v;
		v->id = i;
		v->hsm_state = i ? SBI_HSM_STATE_STOPPED : SBI_HSM_STATE_STARTED;
	}
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

/* Several VMs, each on harts of its own (static partitioning: no
 * scheduler, a hart serves one vCPU of one VM). VM 0's vCPUs take the
 * first slots, then VM 1's, and so on. A description that cannot be met
 * is refused before any guest runs. */
static void place_vms(unsigned usable)
{
	unsigned want = opt.vcpus;
	for (unsigned i = 1; i < opt.nvms; i++) {
		if (!opt.vm[i].given)
			hyp_panic("tv.vm%u is described but tv.vm%u is not: number VMs from 1 "
				  "without gaps", opt.nvms - 1, i);
		want += opt.vm[i].vcpus;
	}
	if (opt.guest == GUEST_VALIDATE)
		hyp_panic("tv.guest=validate checks the hart itself and runs alone: no tv.vmN");
	if (want > usable)
		hyp_panic("the VMs ask for %u vCPUs in all but %u hart(s) reached the hypervisor "
			  "(one vCPU per hart; run QEMU with -smp %u or more)", want, usable, want);
	if (opt.control_vm >= (int)opt.nvms)
		hyp_panic("tv.control_vm=%d: there is no VM %d", opt.control_vm, opt.control_vm);
	nvms = opt.nvms;
	unsigned slot = 0;
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
		assign_vcpus(vm, slot, n);
		hyp_log("VM %u '%s': %u vCPU(s) on hart slot(s) %u-%u (harts of its own)\n", i,
			vm->name, n, slot, slot + n - 1);
		slot += n;
	}
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
