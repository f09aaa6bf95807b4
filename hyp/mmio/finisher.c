/*
 * The guest's SiFive test finisher, at QEMU virt's address, doing what
 * QEMU's does (hw/misc/sifive_test.c): a write to offset 0 whose low 16
 * bits are
 *   0x5555  PASS: power off, QEMU exits 0
 *   0x3333  FAIL: power off, QEMU exits with the write's high 16 bits
 *   0x7777  RESET: reset the machine
 * ends the run the way SBI SRST does (vcpu_stop: the trace is dumped, then
 * the machine is shut down), with the same status: a FAIL's code becomes
 * QEMU's exit status through the host's own finisher. A reset request ends
 * the run too, as a success (tracevisor does not reboot its guest, which
 * SRST's reboot does not either). Other values are ignored; reads give 0.
 * 16- and 32-bit accesses, as QEMU's; wider ones are refused (an access
 * fault for the guest).
 */
#include <tracevisor/guest_map.h>
#include <tracevisor/trace_record.h>

#include "../core/vcpu.h"
#include "../core/vm.h"
#include "mmio.h"

static mmio_read_t finisher_read(struct mmio_device *d, struct vcpu *v, uint64_t off,
				      unsigned width)
{
	(void)d;
	(void)v;
	(void)off;
	return width == 2 || width == 4 ? mmio_value(0) : MMIO_REFUSED;
}

/* A command written by each vCPU, acted on once the write is complete. */
static uint64_t pending[MAX_HARTS];

static bool finisher_write(struct mmio_device *d, struct vcpu *v, uint64_t off,
			   unsigned width, uint64_t val)
{
	(void)d;
	if (width != 2 && width != 4)
		return false;
	unsigned cmd = (unsigned)(val & 0xffff);
	if (off == 0 && (cmd == TV_FINISHER_PASS || cmd == TV_FINISHER_FAIL ||
			 cmd == TV_FINISHER_RESET)) {
		pending[v->slot] = val;
		mmio_ask_after(v);
	}
	return true;
}

static void finisher_after(struct mmio_device *d, struct vcpu *v)
{
	(void)d;
	uint64_t val = pending[v->slot];
	unsigned cmd = (unsigned)(val & 0xffff), code = (unsigned)((val >> 16) & 0xffff);
	pending[v->slot] = 0;
	switch (cmd) {
	case TV_FINISHER_PASS:
		hyp_log("%sthe guest wrote PASS (%#llx) to its test finisher\n",
			v->vm->prefix, (unsigned long long)val);
		vcpu_stop(v, TV_STOP_SHUTDOWN, val, false);
	case TV_FINISHER_FAIL:
		hyp_log("%sthe guest wrote FAIL with code %u (%#llx) to its test finisher\n",
			v->vm->prefix, code, (unsigned long long)val);
		vcpu_stop_code(v, TV_STOP_SHUTDOWN, val, true, code);
	case TV_FINISHER_RESET:
		hyp_log("%sthe guest wrote RESET (%#llx) to its test finisher: its VM stops\n",
			v->vm->prefix, (unsigned long long)val);
		vcpu_stop(v, TV_STOP_REBOOT, val, false);
	default:
		break;
	}
}

struct mmio_device *finisher_create(struct vm *vm, uint64_t base)
{
	static struct mmio_device devs[MAX_VMS];
	struct mmio_device *dev = &devs[vm->id];
	*dev = (struct mmio_device){
		.name = "test-finisher", .base = base, .size = TV_FINISHER_SIZE, .id = 4,
		.read = finisher_read, .write = finisher_write, .after = finisher_after,
	};
	return dev;
}
