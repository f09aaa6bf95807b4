/*
 * An emulated NS16550A UART, register-compatible enough for Linux's 8250
 * driver and for simple polled guests. Transmitted bytes go to the
 * hypervisor console; received bytes come from it.
 *
 * Register map (byte registers, reg-shift 0; DLAB = LCR bit 7):
 *   0 RBR (read) / THR (write) / DLL (DLAB)   4 MCR
 *   1 IER / DLM (DLAB)                          5 LSR (read only)
 *   2 IIR (read) / FCR (write)                  6 MSR (read only)
 *   3 LCR                                       7 SCR
 */
#include "mmio.h"

#include <tracevisor/guest_map.h>
#include <tracevisor/trace_record.h>

#include "../core/console.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "../core/spinlock.h"
#include "../core/timer.h"
#include "../core/vcpu.h"
#include "../core/vm.h"

/* Its eight byte registers are all it decodes: on QEMU virt the rest of
 * the device tree's 0x100-byte window is unassigned, and a load or store
 * there is an access fault (QEMU 7.2 and 10.0, measured with a native
 * guest); here such an access is refused, which is the same fault. */
#define UART_NREGS 8
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_OE 0x02	/* overrun error: a received byte had no room */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IER_RDI 0x01	/* received data available interrupt */
#define IER_THRI 0x02	/* transmitter holding register empty interrupt */
#define IER_RLSI 0x04	/* receiver line status interrupt */
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_FIFO 0xc0
#define FCR_FIFO_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TX_RESET 0x04
#define MCR_LOOP 0x10
#define UART_BAUD 115200 /* the firmware's console speed */
#define RX_FIFO_SIZE 16	 /* the 16550A's receive FIFO */
/* The registers whose access can change what IIR names, and so the
 * interrupt line (uart_update_irq): reading RBR (a byte taken, or polled
 * in), IIR (THRE acknowledged) and LSR (OE cleared, a byte polled in);
 * writing THR (THRE again, a byte looped back), IER and FCR (FIFOs
 * emptied). LCR, MCR, MSR and the scratch register leave it as it is
 * (the divisor latches share offsets 0 and 1: recomputed, unchanged). */
#define UART_READ_MOVES_IRQ ((1u << 0) | (1u << 2) | (1u << 5))
#define UART_WRITE_MOVES_IRQ ((1u << 0) | (1u << 1) | (1u << 2))

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending;	/* THR empty interrupt not yet acknowledged */
	uint8_t rx_fifo[RX_FIFO_SIZE]; /* received, not yet read */
	uint8_t rx_head, rx_count; /* the oldest byte's slot, bytes held */
	bool overrun;		/* LSR.OE, until LSR is read */
	uint64_t last_poll;	/* `time` of the last console poll */
	unsigned irq;		/* PLIC source, 0 = not wired */
	bool line;		/* interrupt line level last driven */
	bool input;		/* the console's input comes here (VM 0's UART) */
	struct console_stream out; /* what the guest sent, in THR order */
	uint64_t partial_since;	/* `time` the unfinished line in `out` began */
};

static struct uart uarts[MAX_VMS]; /* one per VM */

/* Show the unfinished line the guest sent so far (a prompt, before the
 * guest waits or reads input). With one VM at once; with several, only
 * once it has waited 100 ms: another VM's text would otherwise land
 * between the pieces of a line still being written (two Linux consoles
 * split their lines so), and a line usually ends long before. */
static void flush_partial(struct uart *u)
{
	if (!u->out.len)
		return;
	if (vm_count() > 1 && csr_read(CSR_TIME) - u->partial_since < platform.timebase_hz / 10)
		return;
	console_stream_show(&u->out);
}

/*
 * The receiver (16550A data sheet, "FIFO Control Register" and "Line
 * Status Register"): with FIFOs on it holds 16 bytes, and a byte that
 * finds them full is lost; with FIFOs off (16450 mode) it holds one, the
 * RBR, and a new byte overwrites an unread one. Either way the lost byte
 * sets LSR.OE, which stays until LSR is read. Bytes come from the
 * console or, in loopback, from THR, where a driver's self-test or a
 * program sending a block may outrun its reads.
 */
static unsigned rx_capacity(const struct uart *u)
{
	return (u->fcr & FCR_FIFO_ENABLE) ? RX_FIFO_SIZE : 1;
}

static void rx_put(struct uart *u, uint8_t b)
{
	if (u->rx_count == rx_capacity(u)) {
		u->overrun = true;
		if (!(u->fcr & FCR_FIFO_ENABLE))
			u->rx_fifo[u->rx_head] = b; /* RBR overwritten */
		return;
	}
	u->rx_fifo[(u->rx_head + u->rx_count++) % RX_FIFO_SIZE] = b;
}

/* The oldest byte received, or -1. */
static int rx_get(struct uart *u)
{
	if (!u->rx_count)
		return -1;
	uint8_t b = u->rx_fifo[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % RX_FIFO_SIZE);
	u->rx_count--;
	return b;
}

static void rx_reset(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
}

/* Poll the console at most every 1/1024 s of timebase, so a guest spinning
 * on LSR does not turn every read into a firmware call. */
static void uart_poll_rx(struct uart *u)
{
	if (u->rx_count)
		return;
	uint64_t now = csr_read(CSR_TIME);
	if (now - u->last_poll < platform.timebase_hz / 1024 && u->last_poll)
		return;
	u->last_poll = now;
	flush_partial(u); /* a prompt shows before input is read */
	int c = u->input ? console_getc() : -1;
	if (c >= 0)
		rx_put(u, (uint8_t)c);
}

static uint8_t uart_iir(struct uart *u)
{
	uint8_t fifo = (u->fcr & FCR_FIFO_ENABLE) ? IIR_FIFO : 0;
	if ((u->ier & IER_RLSI) && u->overrun) /* the highest priority */
		return fifo | IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thri_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NONE;
}

/* Modem status in loopback mode mirrors MCR (DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD), which driver self-tests check. */
static uint8_t uart_msr(struct uart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return 0xb0; /* DCD, DSR, CTS asserted: a connected line */
	uint8_t m = u->mcr;
	return (uint8_t)(((m & 0x01) << 5) | ((m & 0x02) << 3) |
			 ((m & 0x04) << 4) | ((m & 0x08) << 4));
}

/* The interrupt line: high while IIR names an interrupt (an overrun with
 * RLSI enabled, data received with RDI enabled, or the transmitter empty
 * with THRI enabled: 16550 "Interrupt Identification"). */
static void uart_update_irq(struct uart *u, struct vcpu *v)
{
	if (!u->irq)
		return;
	bool line = !(uart_iir(u) & IIR_NONE);
	if (line == u->line)
		return; /* the PLIC only cares about changes of level */
	u->line = line;
	plic_set_level(v, u->irq, line);
}

/* Poll for input on the guest's behalf (the HS timer's input poll): a
 * byte waiting raises the receive interrupt, if the guest enabled it. */
void uart_poll_input(struct vcpu *v)
{
	struct uart *u = &uarts[v->vm_id];
	if (!u->irq || !(u->ier & IER_RDI))
		return;
	spin_lock(&v->vm->device_lock);
	uart_poll_rx(u);
	uart_update_irq(u, v);
	spin_unlock(&v->vm->device_lock);
	if (console_stop_asked())
		vcpu_stop(v, TV_STOP_CONSOLE, 0, false);
}

void uart_idle_wait(struct vcpu *v)
{
	struct uart *u = &uarts[v->vm_id];
	if (u->out.len) { /* the guest waits: show what it sent so far */
		spin_lock(&v->vm->device_lock);
		flush_partial(u);
		spin_unlock(&v->vm->device_lock);
	}
	if (!opt.input_poll_ms || !u->irq || !(u->ier & IER_RDI))
		return;
	uart_poll_input(v);
	timer_arm_input_poll(v, csr_read(CSR_TIME) +
				       opt.input_poll_ms * (platform.timebase_hz / 1000));
}

/* After a read that polled the console for input: when Ctrl-A x was
 * typed (console_getc() saw it), stop the guest once the read is
 * complete (uart_after). */
static inline void uart_ask_stop_check(struct vcpu *v)
{
	if (__builtin_expect(console_stop_asked(), 0))
		mmio_ask_after(v);
}

/* A read with something to do: the receive buffer (or DLL), IIR, LSR,
 * MSR (and one past the registers, refused). Out of line: its calls
 * need a stack frame, which the plain reads below are spared. */
static __attribute__((noinline)) mmio_read_t uart_read_effect(struct uart *u,
								   struct vcpu *v,
								   uint64_t off)
{
	uint64_t val;

	if (off >= UART_NREGS)
		return MMIO_REFUSED;
	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			val = u->dll;
		} else {
			uart_poll_rx(u);
			uart_ask_stop_check(v);
			int c = rx_get(u);
			val = c >= 0 ? (uint8_t)c : 0;
		}
		break;
	case 2: {
		uint8_t iir = uart_iir(u);
		if ((iir & 0x0f) == IIR_THRI)
			u->thri_pending = false; /* reading IIR acknowledges THRE */
		val = iir;
		break;
	}
	case 5:
		uart_poll_rx(u);
		uart_ask_stop_check(v);
		val = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) |
		      (u->overrun ? LSR_OE : 0);
		u->overrun = false; /* reading LSR clears OE */
		break;
	case 6: val = uart_msr(u); break;
	default: val = 0; break; /* (unreachable: uart_read() answers the rest) */
	}
	if (UART_READ_MOVES_IRQ & (1u << off))
		uart_update_irq(u, v);
	return mmio_value(val);
}

/* The registers with no side effect and nothing to compute (IER or a
 * divisor latch, LCR, MCR, the scratch register) are answered here,
 * without a call. */
static mmio_read_t uart_read(struct mmio_device *d, struct vcpu *v, uint64_t off,
				  unsigned width)
{
	struct uart *u = d->state;
	uint64_t val;
	(void)width;
	switch (off) {
	case 1: val = (u->lcr & LCR_DLAB) ? u->dlm : u->ier; break;
	case 3: val = u->lcr; break;
	case 4: val = u->mcr; break;
	case 7: val = u->scr; break;
	default: return uart_read_effect(u, v, off);
	}
	return mmio_value(val);
}

/* A write with something to do: THR (or DLL), IER (or DLM), FCR (and
 * one past the registers, refused). Out of line, as uart_read_effect(). */
static __attribute__((noinline)) bool uart_write_effect(struct uart *u, struct vcpu *v,
							uint64_t off, uint8_t b)
{
	if (off >= UART_NREGS)
		return false;
	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			u->dll = b;
		} else {
			if (!(u->mcr & MCR_LOOP)) { /* escaped: console.c */
				if (!u->out.len)
					u->partial_since = csr_read(CSR_TIME);
				console_stream_putc(&u->out, (char)b);
			} else {
				rx_put(u, b); /* loopback: what is sent is received */
			}
			u->thri_pending = true; /* transmission is instant */
		}
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->dlm = b;
		} else {
			/* Enabling THRI with an empty THR raises it at once. */
			if ((b & IER_THRI) && !(u->ier & IER_THRI))
				u->thri_pending = true;
			u->ier = b & 0x0f;
		}
		break;
	case 2:
		/* Bits 1 and 2 empty the receive and the transmit FIFO, and a
		 * change of the FIFO enable empties both (the 16550A; QEMU's
		 * serial does the same): what was received is gone, and an
		 * empty THR raises THRI again. */
		if ((b ^ u->fcr) & FCR_FIFO_ENABLE)
			b |= FCR_RX_RESET | FCR_TX_RESET;
		if (b & FCR_RX_RESET)
			rx_reset(u);
		if (b & FCR_TX_RESET)
			u->thri_pending = true;
		u->fcr = b & 0xc9;
		break;
	default: break; /* (uart_write() writes the rest) */
	}
	if (UART_WRITE_MOVES_IRQ & (1u << off))
		uart_update_irq(u, v);
	return true;
}

/* The registers whose write only stores (LCR, MCR, the scratch
 * register) and the read-only ones (LSR, MSR: the write is ignored) are
 * written here, without a call. */
static bool uart_write(struct mmio_device *d, struct vcpu *v, uint64_t off,
		       unsigned width, uint64_t val)
{
	struct uart *u = d->state;
	uint8_t b = (uint8_t)val;
	(void)width;
	switch (off) {
	case 3: u->lcr = b; return true;
	case 4: u->mcr = b & 0x1f; return true;
	case 5:
	case 6: return true;
	case 7: u->scr = b; return true;
	default: return uart_write_effect(u, v, off, b);
	}
}

/* After a read that polled the console for input and saw Ctrl-A x (RBR,
 * LSR: uart_ask_stop_check), with the device lock released: the guest
 * stops here. */
static void uart_after(struct mmio_device *d, struct vcpu *v)
{
	(void)d;
	if (console_stop_asked())
		vcpu_stop(v, TV_STOP_CONSOLE, 0, false);
}

/* The guest is stopping (the other harts are stopped): its last partial
 * line goes out before the hypervisor's own lines. */
void uart_flush_output(struct vm *vm)
{
	console_stream_flush(&uarts[vm->id].out);
}

struct mmio_device *uart_ns16550a_create(struct vm *vm, uint64_t base, unsigned irq)
{
	static struct mmio_device devs[MAX_VMS];
	struct uart *u = &uarts[vm->id];
	/* As a guest finds the UART on virt, after the firmware set it up
	 * for its own console: 8 data bits, no parity, one stop bit (LCR
	 * 3), FIFOs on, and the divisor of 115200 baud from the 3.6864 MHz
	 * clock the device tree gives: 2 (what OpenSBI's 8250 driver leaves
	 * on QEMU 7.2 and 10.0, read back by tests/system/virt_guest). */
	*u = (struct uart){ .irq = irq, .input = vm->id == 0, .lcr = 0x03,
			    .fcr = FCR_FIFO_ENABLE, .dll = TV_UART_CLOCK_HZ / (16 * UART_BAUD) };
	u->out.prefix = vm->prefix[0] ? vm->prefix : NULL;
	struct mmio_device *dev = &devs[vm->id];
	*dev = (struct mmio_device){
		.name = "ns16550a", .base = base, .size = 0x100, .id = 1,
		.read = uart_read, .write = uart_write, .after = uart_after, .state = u,
	};
	return dev;
}
