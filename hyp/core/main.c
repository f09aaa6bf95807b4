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

uint8_t hyp_stacks[MAX_HARTS][HYP_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t fault_stacks[MAX_HARTS][FAULT_STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu vcpus[MAX_HARTS];
static struct vm vms[1];

struct vcpu *vcpu_of_slot(unsigned slot)
{
	return &vcpus[slot];
}

struct vm *the_vm(void)
{
	return &vms[0];
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
	vms[0].nvcpus = opt.vcpus;
	for (unsigned i = 0; i < opt.vcpus; i++) {
		vms[0].vcpus[i] = &vcpus[i];
		vcpus[i].id = i;
		vcpus[i].hsm_state = i ? SBI_HSM_STATE_STOPPED : SBI_HSM_STATE_STARTED;
	}
	vm_create(&vms[0], 0, guest_ram_size());
	mem_print();
	vcpu_init(&vcpus[0], &vms[0], 0, (unsigned)hart);
	smp_release_secondaries();
	hyp_log("%u of %d hart(s) running the hypervisor; the guest has %u vCPU(s)\n",
		smp_harts_up(), platform.nharts, opt.vcpus);

	hyp_log("entering the guest at %#llx (trace %s, ring %u slots, %s)\n",
		(unsigned long long)vcpus[0].sepc, opt.trace ? "on" : "off",
		opt.ring_slots, opt.ring_mode ? "stop when full" : "overwrite");
	console_flush();
	vcpu_run(&vcpus[0]);
}
