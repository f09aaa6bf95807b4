/*
 * A virtual machine: its guest-physical memory map, G-stage tables and
 * emulated devices.
 *
 * Guest-physical map (the guest's device tree, built by vm.c, says the same):
 *   0x10000000  NS16550A UART (emulated)
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

#define GUEST_RAM_GPA 0xC0000000UL
#define GUEST_UART_GPA 0x10000000UL
#define GUEST_UART_SIZE 0x100UL
#define GUEST_TESTDEV_GPA 0x10010000UL
#define GUEST_TESTDEV_SIZE 0x1000UL
#define GUEST_FDT_MAX 0x4000UL

struct vm {
	unsigned id;
	struct gstage gstage;
	uint64_t hgatp;
	uint64_t ram_gpa, ram_hpa, ram_size;
	uint64_t entry_gpa;	/* where vCPU 0 starts */
	uint64_t fdt_gpa;	/* the guest's device tree */
	struct mmio_device *devices[4];
	unsigned ndevices;
};

/* Create VM `id` with `ram_size` bytes of RAM and load the test guest. */
void vm_create(struct vm *vm, unsigned id, uint64_t ram_size);

/* Host address of [gpa, gpa+len) when it lies wholly in guest RAM, else 0. */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/* Which emulated device (if any) decodes this guest-physical address. */
struct mmio_device *vm_find_device(const struct vm *vm, uint64_t gpa);

#endif
