/*
 * A virtual machine: its guest-physical memory map, G-stage tables and
 * emulated devices.
 *
 * The guest-physical map is QEMU virt's (include/tracevisor/guest_map.h;
 * the guest's device tree, built by vm.c, says the same): the test
 * finisher, the PLIC and the UART at virt's addresses, the tracevisor
 * test device in a hole of virt's map, and guest RAM at 0x80000000 unless
 * tv.guest_ram_base moves it (a built-in guest linked elsewhere brings its
 * own default). Guest RAM is backed by host RAM the hypervisor does not
 * use, through the G-stage: that GPA 0x80000000 is also where the host's
 * firmware sits in host-physical memory means nothing to the guest, whose
 * accesses all go through the G-stage.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include "../gstage/gstage.h"
#include "../mmio/mmio.h"
#include "hyp.h"
#include "options.h"
#include "spinlock.h"

#include <tracevisor/guest_map.h>

#define GUEST_FDT_MAX 0x4000UL
/* Guest RAM's base and size are multiples of this: guest RAM is backed by
 * 2 MiB aligned host RAM and mapped with 2 MiB G-stage leaves (1 GiB where
 * both sides allow), and a Linux kernel wants a 2 MiB aligned RAM base. */
#define GUEST_RAM_ALIGN MiB(2)

struct vm {
	unsigned id;
	enum guest_choice guest;	/* what it runs (options.h) */
	char name[16];			/* "vm0", or tv.vmN's name */
	char prefix[24];		/* in front of its console lines; "" with one VM */
	int running;			/* 0 once it stopped (vm_stopped) */
	struct gstage gstage;
	uint64_t hgatp;
	uint16_t vmid;		/* in hgatp; VMs with one VMID share TLB tags (sched.c) */
	uint64_t ram_gpa, ram_hpa, ram_size;
	spinlock_t ram_lock;		/* makes a block of guest RAM ready (vm.c) */
	unsigned ram_blocks_ready;	/* 2 MiB blocks zeroed on first touch */
	uint64_t entry_gpa;	/* where vCPU 0 starts */
	uint64_t fdt_gpa;	/* the guest's device tree */
	uint64_t initrd_gpa, initrd_size; /* a Linux guest's initramfs */
	struct mmio_device *devices[5];
	unsigned ndevices;
	struct vcpu *vcpus[MAX_HARTS];	/* by vCPU id */
	unsigned nvcpus;
	/* vCPUs not STOPPED in SBI HSM's sense: 1 (vCPU 0) at the start, +1
	 * by each hart_start that wins its vCPU, -1 at each hart_stop; the
	 * hart_stop that takes it to 0 ends the VM (sbi_hsm.c). */
	unsigned vcpus_up;
	spinlock_t device_lock;		/* emulated devices' state */
	int htval_zero_said;	/* fault_gpa.c said once that a hart writes htval 0 */
};

/* Check the host ranges of the boot images QEMU loaded (tv.image,
 * tv.kernel, tv.initrd, -initrd, each VM's own image from a device tree
 * module) and keep them out of the allocator until vm_create has copied
 * them (guest_load.c). */
void vm_reserve_boot_images(void);

/* Probe what this hart's hgatp accepts (G-stage modes, VMID bits); each
 * hart calls it once, as it arrives. */
void vm_probe_hart(unsigned slot);

/* Create VM `id` with `ram_size` bytes of RAM and load its guest (built-in
 * or an image, per tv.guest / tv.image). */
void vm_create(struct vm *vm, unsigned id, uint64_t ram_size);

/* What goes in front of the VM's console lines (NULL with one VM). */
static inline const char *vm_prefix(const struct vm *vm)
{
	return vm->prefix[0] ? vm->prefix : NULL;
}

/* A byte of console input for vCPU v's SBI console read, -1 when none:
 * the input belongs to VM 0, the others read nothing. What v's guest
 * wrote without a newline yet (a prompt) is shown first. */
struct vcpu;
int vcpu_console_getc(struct vcpu *v);

/* The VMs of this run. */
unsigned vm_count(void);
struct vm *vm_by_id(unsigned id);

/* VM `vm` stopped (shutdown, reset, fault): true when it was the last
 * one running, so the run ends; `failed` marks it as a failure. */
bool vm_stopped(struct vm *vm, bool failed);

/* Which VM failed first (its id + 1), 0 if none did. */
unsigned vm_first_failure(void);

/* guest_load.c: where guest RAM starts (tv.guest_ram_base, the built-in
 * guest's link address, else QEMU virt's 0x80000000), and the guest put
 * into RAM with vm->entry_gpa (and the initramfs) set. */
uint64_t vm_guest_ram_base(const struct vm *vm);
void vm_load_guest(struct vm *vm);

/* guest_fdt.c: the guest's device tree at vm->fdt_gpa. */
void vm_build_fdt(struct vm *vm);

/* Host address of [gpa, gpa+len) when it lies wholly in guest RAM, else
 * 0; the RAM is made ready first (zeroed, where the guest has not touched
 * it yet), so the hypervisor reads and writes it as the guest would. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/* Copy len bytes into guest RAM at gpa, at boot, before any vCPU of the
 * VM runs: the blocks it fills whole are not zeroed first. */
void vm_copy_in(struct vm *vm, uint64_t gpa, const void *src, uint64_t len);

/* Whether [gpa, gpa+len) lies wholly in guest RAM (nothing made ready). */
bool vm_gpa_in_ram(const struct vm *vm, uint64_t gpa, uint64_t len);

/* A guest-page fault of vCPU v at `gpa` on its hart: true when it is
 * guest RAM, made ready now (its first touch) or earlier (this hart had
 * the invalid G-stage entry cached), so the guest retries the access. A
 * second fault at a page the hart was fenced for stops the VM (vm.c,
 * ram_fault_again). */
bool vm_ram_fault(struct vcpu *v, uint64_t gpa);

/* Which emulated device (if any) decodes this guest-physical address. */
struct mmio_device *vm_find_device(const struct vm *vm, uint64_t gpa);

#endif
