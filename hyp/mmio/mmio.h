/*
 * Emulated memory-mapped devices. A guest load or store to a device's
 * guest-physical range has no G-stage mapping, so it traps as a load or
 * store/AMO guest-page fault; mmio.c decodes the instruction and calls the
 * device's read or write.
 */
#ifndef HYP_MMIO_H
#define HYP_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/vcpu.h"

struct vcpu;
struct vm;

/* A device's answer to a read: the value (bits 63:0), and whether it
 * took the access (bit 64). One 128-bit integer, so it comes back in a0
 * and a1 (the psABI's rule for a 2-XLEN scalar) and the caller keeps it
 * there: GCC 12 stores a struct of two words returned so to a stack
 * temporary it never reads (two dead stores per MMIO read). */
typedef unsigned __int128 mmio_read_t;
#define MMIO_REFUSED ((mmio_read_t)0)
static inline mmio_read_t mmio_value(uint64_t value)
{
	return ((mmio_read_t)1 << 64) | value;
}
static inline bool mmio_read_ok(mmio_read_t r)
{
	return (uint64_t)(r >> 64) != 0;
}
static inline uint64_t mmio_read_value(mmio_read_t r)
{
	return (uint64_t)r;
}

struct mmio_device {
	const char *name;
	uint64_t base, size;	/* guest-physical */
	uint8_t id;		/* recorded in the trace (vm.c: it fits TV_V_DEV) */
	/* width is 1, 2, 4 or 8 and offset is width-aligned. A read answers
	 * mmio_value(value) or MMIO_REFUSED, a write true or false: a
	 * refused access gives the guest an access fault. */
	mmio_read_t (*read)(struct mmio_device *d, struct vcpu *v, uint64_t offset,
				 unsigned width);
	bool (*write)(struct mmio_device *d, struct vcpu *v, uint64_t offset,
		      unsigned width, uint64_t val);
	/* Optional: called after a completed access whose read or write
	 * asked for it (mmio_ask_after), once the access is traced and the
	 * device lock released (the test finisher ends the run from here,
	 * so its write is in the trace). The other accesses pay a byte load
	 * and a branch for it. */
	void (*after)(struct mmio_device *d, struct vcpu *v);
	void *state;
};

/* From a device's read or write: run its `after` hook for this access. */
static inline void mmio_ask_after(struct vcpu *v)
{
	v->mmio_after = 1;
}

/* The access itself: mmio_handle_guest_page_fault (mmio_access.h). */
const struct mmio_op *mmio_decode_miss(struct vcpu *v);

/* The decode of the instruction the exit captured (v->insn, valid) when
 * it is a load or store the emulator handles, else NULL. */
static inline const struct mmio_op *mmio_decode(struct vcpu *v)
{
	if (__builtin_expect(v->insn == v->mmio_op.key, 1))
		return &v->mmio_op;
	return mmio_decode_miss(v);
}

/* hyp/mmio/uart_ns16550a.c, hyp/mmio/testdev.c, hyp/mmio/plic.c,
 * hyp/mmio/finisher.c */
/* Each VM gets devices of its own (state indexed by the VM's id). */
struct mmio_device *uart_ns16550a_create(struct vm *vm, uint64_t base, unsigned irq);
struct mmio_device *finisher_create(struct vm *vm, uint64_t base);
struct mmio_device *testdev_create(struct vm *vm, uint64_t base);
struct mmio_device *plic_create(struct vm *vm, uint64_t base, uint64_t size);

/* A device drives its PLIC interrupt line (level-triggered). */
void plic_set_level(struct vcpu *v, unsigned source, bool high);

/* Look for console input for the UART (called when the vCPU idles). */
void uart_poll_input(struct vcpu *v);
/* The guest is about to wait in WFI: with tv.input_poll and the UART's
 * receive interrupt enabled, poll now and arm the next poll. */
void uart_idle_wait(struct vcpu *v);
/* Write out the UART's partial line (its VM is stopping). */
void uart_flush_output(struct vm *vm);

#endif
