/*
 * The guest's physical address map: the one definition used by the
 * hypervisor (hyp/core/vm.c builds the G-stage map and the guest's device
 * tree from it) and by the built-in guests.
 *
 * It follows QEMU's `virt` machine (hw/riscv/virt.c, virt_memmap[]), so a
 * program built for virt finds its RAM and devices where it expects them:
 *
 *   0x00100000  SiFive test finisher ("sifive,test0", "syscon"), 4 KiB
 *   0x0c000000  PLIC, 0x600000 (what QEMU's device tree gives)
 *   0x10000000  NS16550A UART, 0x100, PLIC source 10
 *   0x10010000  tracevisor test device, 4 KiB: not part of virt; in the
 *               hole between virt's last virtio-mmio slot (0x10008000)
 *               and fw_cfg (0x10100000)
 *   0x80000000  RAM (tv.guest_ram_base moves it)
 *
 * Everything else is a hole: an access there is an access fault.
 */
#ifndef TRACEVISOR_GUEST_MAP_H
#define TRACEVISOR_GUEST_MAP_H

#define TV_GPA_RAM_DEFAULT 0x80000000UL

#define TV_GPA_FINISHER 0x00100000UL
#define TV_FINISHER_SIZE 0x1000UL

#define TV_GPA_PLIC 0x0c000000UL
#define TV_PLIC_SIZE 0x600000UL

#define TV_GPA_UART 0x10000000UL
#define TV_UART_SIZE 0x100UL
#define TV_UART_IRQ 10
/* Its input clock, the device tree's clock-frequency (as on QEMU virt). */
#define TV_UART_CLOCK_HZ 3686400

#define TV_GPA_TESTDEV 0x10010000UL
#define TV_TESTDEV_SIZE 0x1000UL

/* Test device registers the isolation check uses (hyp/mmio/testdev.c):
 * a read of HOSTSCAN makes the hypervisor read all of its own memory and
 * count the 8-byte words w for which w ^ TV_TESTDEV_FILL_PATTERN is an
 * 8-byte aligned address of guest RAM - what a guest that wrote
 * (pattern ^ address) at every address of its RAM would have left in
 * host memory, were any of its RAM host memory the hypervisor owns.
 * HOSTSCAN_WORDS: how many words that scan read. FILL_PATTERN: the
 * pattern of the reading VM, TV_TESTDEV_FILL_PATTERN with the VM's id in
 * bits 32-39: with several VMs at the same guest-physical addresses, a
 * word another VM wrote (or holds in a register the hypervisor saved
 * while a time-shared hart runs someone else) is not taken for ours. */
#define TV_TESTDEV_HOSTSCAN 0x120
#define TV_TESTDEV_HOSTSCAN_WORDS 0x128
#define TV_TESTDEV_FILL_PATTERN_REG 0x130
/* GUEST_EXITS: the reading vCPU's exits that were not interrupts (what
 * the guest itself caused: on a time-shared hart the hypervisor's slice
 * and the other vCPUs' timers interrupt it as well). HART_VCPUS: how
 * many vCPUs take turns on its hart (1: a hart of its own). */
#define TV_TESTDEV_GUEST_EXITS 0x138
#define TV_TESTDEV_HART_VCPUS 0x140
/* SWITCHES, SWITCH_INSTR_MIN, SWITCH_INSTR_LAST: how often the reading
 * vCPU's hart switched between vCPUs, and what a switch cost in
 * instructions (hyp/core/sched.h; 0 where instret cannot be read). */
#define TV_TESTDEV_SWITCHES 0x148
#define TV_TESTDEV_SWITCH_INSTR_MIN 0x150
#define TV_TESTDEV_SWITCH_INSTR_LAST 0x158
/* VALIDATE_LATE (write only, 8 bytes): the validation guest
 * (tv.guest=validate) writes the number of its last check; the hypervisor
 * then runs its HS-side checks numbered after it and puts their hand-off
 * word in SCRATCH (hyp/validate/validate.h), 0 when they did not run.
 * Ignored for any other guest. */
#define TV_TESTDEV_VALIDATE_LATE 0x160
#define TV_TESTDEV_FILL_PATTERN 0xa5c396e1f00d0000UL
#define TV_TESTDEV_VM_PATTERN(vm) (TV_TESTDEV_FILL_PATTERN ^ ((uint64_t)(vm) << 32))

/* The SiFive test finisher's commands (the low 16 bits of a write to
 * offset 0; FAIL carries an exit code in the high 16 bits). */
#define TV_FINISHER_FAIL 0x3333
#define TV_FINISHER_PASS 0x5555
#define TV_FINISHER_RESET 0x7777

#endif
