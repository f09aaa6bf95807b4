/*
 * A virtual machine: its guest-physical memory map, G-stage tables and
 * emulated devices.
 *
 * Guest-physical map (the guest's device tree, built by vm.c, says the same):
 *   0x0c000000  PLIC (emulated)
 *   0x10000000  NS16550A UART (emulated, PLIC source 10)
 *   0x10010000  tracevisor test device (emulated)
 *   0xC0000000  guest RAM (tv.guest_mem bytes)
 * Guest RAM deliberately does not sit at the host's RAM address, so the
 * host-physical addresses of the firmware and the hypervisor are holes in
 * the guest's address space: touching them is a guest-page fault.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include "../gstage/gstage.h"
#include "../mmio/mmio.h"
#include "hyp.h"
#include "spinlock.h"

#define GUEST_RAM_GPA 0xC0000000UL
#define GUEST_UART_GPA 0x10000000UL
#define GUEST_UART_SIZE 0x100UL
#define GUEST_TESTDEV_GPA 0x10010000UL
#define GUEST_TESTDEV_SIZE 0x1000UL
#define GUEST_FDT_MAX 0x4000UL
#define GUEST_PLIC_GPA 0x0c000000UL
#define GUEST_PLIC_SIZE 0x4000000UL
#define GUEST_UART_IRQ 10

struct vm {
	unsigned id;
	struct gstage gstage;
	uint64_t hgatp;
	uint64_t ram_gpa, ram_hpa, ram_size;
	uint64_t entry_gpa;	/* where vCPU 0 starts */
	uint64_t fdt_gpa;	/* the guest's device tree */
	uint64_t initrd_gpa, initrd_size; /* a Linux guest's initramfs */
	struct mmio_device *devices[4];
	unsigned ndevices;
	struct vcpu *vcpus[MAX_HARTS];	/* by vCPU id */
	unsigned nvcpus;
	spinlock_t device_lock;		/* emulated devices' state */
};

/* Keep the boot images QEMU loaded for a Linux guest (tv.kernel, -initrd)
 * out of the allocator until vm_create has copied them. */
void vm_reserve_boot_images(void);

/* Create VM `id` with `ram_size` bytes of RAM and load its guest (built-in
 * or Linux, per tv.guest / tv.kernel). */
void vm_create(struct vm *vm, unsigned id, uint64_t ram_size);

/* Host address of [gpa, gpa+len) when it lies wholly in guest RAM, else 0. */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/* Which emulated device (if any) decodes this guest-physical address. */
struct mmio_device *vm_find_device(const struct vm *vm, uint64_t gpa);

#endif
