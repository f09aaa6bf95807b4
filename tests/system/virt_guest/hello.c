/* Hello for QEMU virt: the UART, SBI, and the test finisher. */
#include <stdint.h>

#define UART0 0x10000000UL
#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_FCR 2
#define UART_LSR 5
#define UART_SCR 7
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_LOOP 0x10
#define FCR_ENABLE_RESET 0x07 /* FIFOs on, both emptied */
#define FCR_OFF_RESET 0x06    /* FIFOs off (16450 mode), both emptied */
#define IER_RDI_RLSI 0x05     /* received data, receiver line status */

#ifndef EXIT_CODE
#define EXIT_CODE 0
#endif

static void uart_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART0;
	while (!(uart[UART_LSR] & LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

struct sbiret { long error, value; };

static struct sbiret sbi(long eid, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

/* The debug console (EID "DBCN") when the SBI has it, else legacy putchar. */
static void sbi_puts(const char *s)
{
	static int dbcn = -1;
	if (dbcn < 0)
		dbcn = sbi(0x10, 3, 0x4442434E, 0, 0).value != 0;
	if (dbcn) {
		sbi(0x4442434E, 0, (long)slen(s), (long)(uintptr_t)s, 0);
		return;
	}
	while (*s)
		sbi(1, 0, *s++, 0, 0);
}

static void hex(char *out, unsigned long v)
{
	out[0] = '0';
	out[1] = 'x';
	for (int i = 0; i < 16; i++)
		out[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	out[18] = 0;
}

/* "name 0xNN" for a register byte. */
static void reg(const char *name, uint8_t v)
{
	char b[6] = { ' ', '0', 'x', "0123456789abcdef"[v >> 4], "0123456789abcdef"[v & 15], 0 };
	uart_puts(name);
	uart_puts(b);
}

/* The UART's registers as the firmware left them, read before the first
 * byte is sent (the divisor through DLAB, then LCR as it was). */
static void uart_as_found(void)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART0;
	uint8_t ier = uart[UART_IER], iir = uart[UART_IIR], lcr = uart[UART_LCR];
	uint8_t mcr = uart[UART_MCR], lsr = uart[UART_LSR], scr = uart[UART_SCR];
	uart[UART_LCR] = lcr | LCR_DLAB;
	uint8_t dll = uart[0], dlm = uart[1];
	uart[UART_LCR] = lcr;
	uart_puts("virt-hello: UART as found:");
	reg(" ier", ier);
	reg(" iir", iir);
	reg(" lcr", lcr);
	reg(" mcr", mcr);
	reg(" lsr", lsr);
	reg(" scr", scr);
	reg(" dll", dll);
	reg(" dlm", dlm);
	uart_puts("\n");
}

/* What the UART receives in loopback, where each byte sent is received:
 * with FIFOs three bytes are all kept, twenty fill the 16-byte FIFO and
 * set LSR's overrun error (which raises the line-status interrupt and
 * reads back once); without FIFOs a second byte overruns the first. The
 * UART is left as found (FIFOs on, emptied), a test comparing the line
 * with the native one. */
/* IIR with a character timeout (0x0c: received data waited four
 * character times unread, counted in wall-clock time) read as received
 * data available (0x04): both say a byte waits, and which one a read
 * shows depends on how long the host took, natively too. */
static uint8_t iir_data(uint8_t iir)
{
	return (iir & 0x0f) == 0x0c ? (uint8_t)((iir & 0xf0) | 0x04) : iir;
}

static void uart_loopback(void)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART0;
	uint8_t v[24], mcr = uart[UART_MCR], ier = uart[UART_IER];
	unsigned n = 0;
	while (!(uart[UART_LSR] & LSR_TEMT))
		;
	uart[UART_MCR] = MCR_LOOP;
	uart[UART_FCR] = FCR_ENABLE_RESET;
	uart[UART_IER] = IER_RDI_RLSI;
	for (const char *s = "ABC"; *s; s++)
		uart[UART_THR] = (uint8_t)*s;
	v[n++] = uart[UART_LSR];
	for (int i = 0; i < 3; i++)
		v[n++] = uart[UART_THR];
	v[n++] = uart[UART_LSR];
	for (int i = 0; i < 20; i++)
		uart[UART_THR] = (uint8_t)('a' + i);
	v[n++] = uart[UART_IIR];
	v[n++] = uart[UART_LSR];
	v[n++] = uart[UART_LSR];
	v[n++] = iir_data(uart[UART_IIR]);
	v[n++] = uart[UART_THR];
	uart[UART_FCR] = FCR_OFF_RESET;
	uart[UART_THR] = 'X';
	uart[UART_THR] = 'Y';
	v[n++] = uart[UART_LSR];
	v[n++] = uart[UART_THR];
	v[n++] = uart[UART_LSR];
	uart[UART_FCR] = FCR_ENABLE_RESET;
	uart[UART_IER] = ier;
	uart[UART_MCR] = mcr;
	uart_puts("virt-hello: UART loopback:");
	for (unsigned i = 0; i < n; i++)
		reg("", v[i]);
	uart_puts("\n");
}

/* The PLIC's priority (source 10, the UART's) and hart 0's S-mode
 * threshold (context 1) are WARL: what reads back after writing all ones,
 * then 9, is what the PLIC keeps of a value. Both are left 0. */
#define PLIC_PRIORITY_UART ((volatile uint32_t *)0x0c000028UL)
#define PLIC_THRESHOLD_S0 ((volatile uint32_t *)0x0c201000UL)
static void plic_as_written(void)
{
	static const uint32_t vals[] = { 0xffffffffu, 9 };
	uart_puts("virt-hello: PLIC keeps of all ones, 9:");
	for (unsigned i = 0; i < 2; i++) {
		*PLIC_PRIORITY_UART = vals[i];
		reg(" priority", (uint8_t)*PLIC_PRIORITY_UART);
		*PLIC_THRESHOLD_S0 = vals[i];
		reg(" threshold", (uint8_t)*PLIC_THRESHOLD_S0);
	}
	*PLIC_PRIORITY_UART = 0;
	*PLIC_THRESHOLD_S0 = 0;
	uart_puts("\n");
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* What /chosen says to the program: its command line and its initramfs. */
struct chosen {
	const char *bootargs;			/* NULL: none */
	unsigned long initrd_start, initrd_end; /* 0, or equal: none */
};

/* A property of /chosen: bootargs, or an initramfs bound of one or two
 * cells. */
static void chosen_prop(struct chosen *c, const char *name, const uint8_t *v, uint32_t len)
{
	unsigned long n = len == 8 ? (unsigned long)be32(v) << 32 | be32(v + 4) :
		len == 4 ? be32(v) : 0;
	if (same(name, "bootargs") && len && !v[len - 1])
		c->bootargs = (const char *)v;
	else if (same(name, "linux,initrd-start"))
		c->initrd_start = n;
	else if (same(name, "linux,initrd-end"))
		c->initrd_end = n;
}

/* /chosen from the device tree's structure block (Devicetree
 * Specification, chapter 5): the top-level node named "chosen". */
static struct chosen read_chosen(const uint8_t *fdt)
{
	struct chosen c = { 0, 0, 0 };
	const uint8_t *end = fdt + be32(fdt + 4), *p = fdt + be32(fdt + 8);
	const char *strings = (const char *)fdt + be32(fdt + 12);
	int depth = 0, in_chosen = 0;
	while (p + 4 <= end) {
		uint32_t token = be32(p);
		p += 4;
		if (token == 1) { /* FDT_BEGIN_NODE, its name padded to 4 bytes */
			const char *name = (const char *)p;
			in_chosen = ++depth == 2 && same(name, "chosen");
			p += (slen(name) + 4) & ~3UL;
		} else if (token == 2) { /* FDT_END_NODE */
			depth--;
			in_chosen = 0;
		} else if (token == 3) { /* FDT_PROP: length, name offset, value */
			uint32_t len = be32(p);
			if (in_chosen)
				chosen_prop(&c, strings + be32(p + 4), p + 8, len);
			p += 8 + ((len + 3) & ~3UL);
		} else if (token != 4) { /* FDT_END, or no token: the end */
			break;
		}
	}
	return c;
}

/* Its command line as /chosen gives it, and its initramfs: where, and a
 * 64-bit FNV-1a hash of its bytes, for a test to compare with the file. */
static void show_chosen(const void *fdt)
{
	struct chosen c = read_chosen(fdt);
	char a[19], b[19];
	if (c.bootargs) {
		uart_puts("virt-hello: bootargs \"");
		uart_puts(c.bootargs);
		uart_puts("\"\n");
	} else {
		uart_puts("virt-hello: no bootargs\n");
	}
	if (!c.initrd_start || c.initrd_end <= c.initrd_start) {
		uart_puts("virt-hello: no initramfs\n");
		return;
	}
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const uint8_t *q = (const uint8_t *)c.initrd_start; q < (const uint8_t *)c.initrd_end; q++)
		h = (h ^ *q) * 0x100000001b3ULL;
	hex(a, c.initrd_start);
	hex(b, c.initrd_end);
	uart_puts("virt-hello: initramfs ");
	uart_puts(a);
	uart_puts("-");
	uart_puts(b);
	hex(a, h);
	uart_puts(", FNV-1a ");
	uart_puts(a);
	uart_puts("\n");
}

unsigned hello_main(unsigned long hart, const void *fdt);
unsigned hello_main(unsigned long hart, const void *fdt)
{
	char pc[19], sp[19], dt[19];
	unsigned long here, stack;
	(void)hart;
	__asm__ volatile("auipc %0, 0" : "=r"(here));
	__asm__ volatile("mv %0, sp" : "=r"(stack));
	hex(pc, here);
	hex(sp, stack);
	hex(dt, (unsigned long)(uintptr_t)fdt);
	uart_as_found();
	uart_loopback();
	plic_as_written();
	uart_puts("virt-hello: hello through the UART at 0x10000000\n");
	uart_puts("virt-hello: pc ");
	uart_puts(pc);
	uart_puts(", sp ");
	uart_puts(sp);
	uart_puts(", device tree at ");
	uart_puts(dt);
	uart_puts("\n");
	sbi_puts("virt-hello: hello through SBI\n");
	show_chosen(fdt);
	if (EXIT_CODE) {
		uart_puts("virt-hello: reporting failure to the test finisher\n");
		return 0x3333u | ((unsigned)EXIT_CODE << 16);
	}
	uart_puts("virt-hello: reporting success to the test finisher\n");
	return 0x5555;
}
