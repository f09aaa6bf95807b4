/*
 * The test steps, in the documented order (README.md, "The test guest").
 * Each checks what the hypervisor gave back and prints what it found.
 */
#include <string.h>

#include <tracevisor/trace_record.h>

#include "guest.h"

#define MMIO64(a) (*(volatile uint64_t *)(a))

uint64_t td_read(unsigned reg)
{
	return MMIO64(GVA_TESTDEV + reg);
}

/* VM exits this vCPU has taken, including the one this read causes. On
 * a time-shared hart only those the guest caused: the scheduler's slice
 * and the other vCPUs' deadlines also interrupt it, at times of their
 * own. */
uint64_t exits_now(void)
{
	return td_read(hart_shared ? TD_GUEST_EXITS : TD_EXITS);
}

/* Interrupt exits this vCPU has taken so far, less one: EXITS less
 * GUEST_EXITS, each read an exit of its own (the same offset at every
 * call, so differences are exact). */
uint64_t irq_exits_now(void)
{
	uint64_t all = td_read(TD_EXITS);
	return all - td_read(TD_GUEST_EXITS);
}

static uint64_t gpa_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return a >= GVA_HIGH_OFFSET ? a - GVA_HIGH_OFFSET : a;
}

bool step_sbi_base(void)
{
	bool ok = true;
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK(r.error == 0 && r.value == ((2L << 24) | 0), "spec version %#lx", r.value);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMP_ID, 0, 0, 0);
	CHECK(r.error == 0 && r.value == SBI_TRACEVISOR_IMP_ID, "impl id %#lx", r.value);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMP_VERSION, 0, 0, 0);
	CHECK(r.error == 0 && r.value > 0, "impl version %#lx", r.value);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID, 0, 0, 0);
	CHECK(r.error == 0, "mvendorid error %ld", r.error);

	static const struct { unsigned long eid; long want; } probes[] = {
		{ SBI_EXT_BASE, 1 }, { SBI_EXT_TIME, 1 }, { SBI_EXT_SRST, 1 },
		{ SBI_EXT_DBCN, 1 }, { SBI_EXT_0_1_CONSOLE_PUTCHAR, 1 },
		{ SBI_EXT_0_1_CONSOLE_GETCHAR, 1 }, { SBI_EXT_0_1_SET_TIMER, 1 },
		{ SBI_EXT_0_1_SHUTDOWN, 1 }, { SBI_EXT_TRACEVISOR, 1 },
		{ SBI_EXT_HSM, 1 }, { SBI_EXT_IPI, 1 }, { SBI_EXT_RFENCE, 1 },
		{ SBI_EXT_PMU, 1 }, { SBI_EXT_SUSP, 1 }, { SBI_EXT_STA, 1 }, { SBI_EXT_FWFT, 1 },
		{ SBI_EXT_0_1_SEND_IPI, 0 }, { 0x12345678, 0 }, { 0x535345 /* SSE */, 0 },
	};
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, probes[i].eid, 0, 0);
		CHECK(r.error == 0 && r.value == probes[i].want,
		      "probe %#lx = %ld (error %ld), want %ld", probes[i].eid,
		      r.value, r.error, probes[i].want);
	}
	r = sbi_call(0x12345678, 0, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown EID error %ld", r.error);
	/* EIDs and FIDs are 32-bit data ("Binary Encoding"), of which the
	 * callee uses only the low 32 bits: a7 = 0x1_00000010 is BASE, and
	 * FID 0x1_00000000 is get_spec_version. The trace shows them whole
	 * (tests/system/test_trace.sh). */
	r = sbi_call(0x100000010UL, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK(r.error == 0 && r.value == (2L << 24), "EID 0x100000010: error %ld value %#lx",
	      r.error, r.value);
	r = sbi_call(SBI_EXT_BASE, 0x100000000UL | SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK(r.error == 0 && r.value == (2L << 24), "BASE FID 0x100000000: error %ld value %#lx",
	      r.error, r.value);
	r = sbi_call(SBI_EXT_BASE, 99, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown BASE FID error %ld", r.error);
	r = sbi_call(SBI_EXT_TIME, 7, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown TIME FID error %ld", r.error);
	r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0x1000, 0, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "SRST reserved type error %ld", r.error);
	r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, 0x1000, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "SRST reserved reason error %ld", r.error);

	/* A constant call entered with an interrupt pending: the guest's
	 * own IPI, interrupts off. The BASE record describes an entry with
	 * nothing pending, so this one is the events, a0 as passed
	 * (0x1d1d) and the entry's hvip (tests/system/test_trace.sh). The
	 * IPI is then withdrawn: vsip.SSIP is hvip.VSSIP ("Hypervisor
	 * Interrupt Registers"). */
	unsigned long sie = csr_read(CSR_SSTATUS) & SSTATUS_SIE;

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, guest_hart, 0);
	CHECK(r.error == 0, "IPI to itself: error %ld", r.error);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMP_ID, 0x1d1d, 0, 0);
	CHECK(r.error == 0 && r.value == SBI_TRACEVISOR_IMP_ID,
	      "impl id with an IPI pending: error %ld value %#lx", r.error, r.value);
	CHECK(csr_read(CSR_SIP) & MIP_SSIP, "the IPI to itself is not pending");
	csr_clear(CSR_SIP, MIP_SSIP);
	csr_set(CSR_SSTATUS, sie);
	return ok;
}

bool step_dbcn(void)
{
	bool ok = true;
	static char msg[] = "    hello through DBCN console_write\n";
	struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE,
				   strlen(msg), gpa_of(msg), 0);
	CHECK(r.error == 0 && r.value == (long)strlen(msg), "write: %ld/%ld", r.error, r.value);
	const char *s = "    hello through DBCN write_byte\n";
	for (; *s; s++) {
		r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)*s, 0, 0);
		CHECK(r.error == 0, "write_byte error %ld", r.error);
	}
	/* Buffers outside guest RAM: below it, straddling its end, above. */
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, 0x1000, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "GPA 0x1000: error %ld", r.error);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 64,
		     guest_ram_base + guest_ram_size - 8, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "straddling the end: error %ld", r.error);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, gpa_of(msg), 1);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "base_addr_hi != 0: error %ld", r.error);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, ~0UL, gpa_of(msg), 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "huge length: error %ld", r.error);
	static char in[8];
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, sizeof(in), gpa_of(in), 0);
	CHECK(r.error == 0 && r.value >= 0 && r.value <= 8, "read: %ld/%ld", r.error, r.value);
	r = sbi_call(SBI_EXT_DBCN, 9, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown DBCN FID error %ld", r.error);
	return ok;
}

bool step_legacy_console(void)
{
	bool ok = true;
	unsigned long a1;
	const char *s = "    hello through legacy putchar\n";
	for (; *s; s++) {
		long e = sbi_legacy(SBI_EXT_0_1_CONSOLE_PUTCHAR, (uint8_t)*s, &a1);
		CHECK(e == 0, "putchar returned %ld", e);
		CHECK(a1 == 0x5a5a5a5a, "legacy call changed a1 to %#lx", a1);
	}
	long c = sbi_legacy(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, NULL);
	CHECK(c >= -1 && c < 256, "getchar returned %ld", c);
	/* A legacy call the hypervisor does not offer returns only a0 as
	 * well ("Legacy Extensions"): a1 stays the guest's. */
	long e = sbi_legacy(SBI_EXT_0_1_CLEAR_IPI, 0, &a1);
	CHECK(e == SBI_ERR_NOT_SUPPORTED, "unsupported legacy clear_ipi returned %ld", e);
	CHECK(a1 == 0x5a5a5a5a, "unsupported legacy call changed a1 to %#lx", a1);
	return ok;
}

static bool probe_forbidden(uint64_t gpa, const char *what, bool fetch);

bool step_uart(void)
{
	bool ok = true;
	MMIO8(GVA_UART + 3) = 0x03; /* LCR: 8N1 */
	CHECK(MMIO8(GVA_UART + 3) == 0x03, "LCR read back %#x", MMIO8(GVA_UART + 3));
	MMIO8(GVA_UART + 7) = 0x5a; /* SCR */
	CHECK(MMIO8(GVA_UART + 7) == 0x5a, "SCR read back %#x", MMIO8(GVA_UART + 7));
	uint8_t lsr = MMIO8(GVA_UART + 5);
	CHECK((lsr & 0x60) == 0x60, "LSR %#x lacks THRE|TEMT", lsr);
	/* FIFOs on, as the firmware leaves a real one on virt */
	CHECK(MMIO8(GVA_UART + 2) == 0xc1, "IIR %#x, want 0xc1 (none pending, FIFOs on)",
	      MMIO8(GVA_UART + 2));
	const char *s = "    hello through the emulated NS16550A\n";
	for (; *s; s++) {
		while (!(MMIO8(GVA_UART + 5) & 0x20))
			;
		MMIO8(GVA_UART + 0) = (uint8_t)*s;
	}
	/* FCR: resetting the receive FIFO drops what it holds, and a change
	 * of the FIFO enable resets both FIFOs (the 16550A; QEMU's serial
	 * does the same). In loopback what is sent is received. */
	MMIO8(GVA_UART + 4) = 0x10; /* MCR: loopback */
	MMIO8(GVA_UART + 0) = 'Z';
	lsr = MMIO8(GVA_UART + 5);
	CHECK(lsr & 0x01, "loopback: LSR %#x lacks DR after sending 'Z'", lsr);
	MMIO8(GVA_UART + 2) = 0x03; /* FIFOs on, receive FIFO reset */
	lsr = MMIO8(GVA_UART + 5);
	CHECK(!(lsr & 0x01), "FCR 0x03 (receive FIFO reset): LSR %#x still has DR", lsr);
	MMIO8(GVA_UART + 0) = 'Y';
	MMIO8(GVA_UART + 2) = 0x00; /* FIFOs off: both reset */
	lsr = MMIO8(GVA_UART + 5);
	CHECK(!(lsr & 0x01), "FCR 0x00 (FIFOs switched off): LSR %#x still has DR", lsr);
	MMIO8(GVA_UART + 4) = 0x00;
	/* Past its eight registers, inside the device tree's 0x100-byte
	 * window: an access fault, as on QEMU virt. */
	ok &= probe_forbidden(TV_GPA_UART + 8, "UART past its registers", false);
	ok &= probe_forbidden(TV_GPA_UART + TV_UART_SIZE - 8, "UART window's last word", false);
	return ok;
}

/* One load or store of each kind, written out so the assembler emits
 * exactly it (norvc: no silent compression to the c.* forms, which are
 * tested on their own below). */
#define LOAD(op, addr)                                                         \
	({                                                                     \
		uint64_t __v;                                                  \
		__asm__ volatile(".option push\n.option norvc\n" op " %0, 0(%1)\n" \
				 ".option pop" : "=r"(__v) : "r"(addr) : "memory"); \
		__v;                                                           \
	})
#define STORE(op, addr, val)                                                   \
	__asm__ volatile(".option push\n.option norvc\n" op " %0, 0(%1)\n"    \
			 ".option pop" ::"r"(val), "r"(addr) : "memory")

bool step_mmio_widths(void)
{
	bool ok = true;
	uintptr_t id = GVA_TESTDEV + TD_ID, sc = GVA_TESTDEV + TD_SCRATCH;
	static const struct { const char *op; unsigned off; uint64_t want; } loads[] = {
		{ "ld", 0, 0xF1E2D3C4B5A69788ULL },
		{ "lw", 0, 0xFFFFFFFFB5A69788ULL }, { "lwu", 0, 0xB5A69788ULL },
		{ "lw", 4, 0xFFFFFFFFF1E2D3C4ULL }, { "lwu", 4, 0xF1E2D3C4ULL },
		{ "lh", 0, 0xFFFFFFFFFFFF9788ULL }, { "lhu", 0, 0x9788ULL },
		{ "lh", 6, 0xFFFFFFFFFFFFF1E2ULL }, { "lhu", 6, 0xF1E2ULL },
		{ "lb", 0, 0xFFFFFFFFFFFFFF88ULL }, { "lbu", 0, 0x88ULL },
		{ "lb", 7, 0xFFFFFFFFFFFFFFF1ULL }, { "lbu", 7, 0xF1ULL },
	};
	for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		uintptr_t a = id + loads[i].off;
		uint64_t v = 0;
		switch (i) {
		case 0: v = LOAD("ld", a); break;
		case 1: case 3: v = LOAD("lw", a); break;
		case 2: case 4: v = LOAD("lwu", a); break;
		case 5: case 7: v = LOAD("lh", a); break;
		case 6: case 8: v = LOAD("lhu", a); break;
		case 9: case 11: v = LOAD("lb", a); break;
		case 10: case 12: v = LOAD("lbu", a); break;
		}
		CHECK(v == loads[i].want, "%s at +%u = %#llx, want %#llx", loads[i].op,
		      loads[i].off, (unsigned long long)v, (unsigned long long)loads[i].want);
	}
	/* Compressed loads need x8-x15 registers: a0/a1 are x10/x11. */
	{
		register uint64_t r __asm__("a0");
		register uintptr_t p __asm__("a1") = id;
		__asm__ volatile("c.lw a0, 0(a1)" : "=r"(r) : "r"(p) : "memory");
		CHECK(r == 0xFFFFFFFFB5A69788ULL, "c.lw = %#llx", (unsigned long long)r);
		__asm__ volatile("c.ld a0, 0(a1)" : "=r"(r) : "r"(p) : "memory");
		CHECK(r == TD_ID_VALUE, "c.ld = %#llx", (unsigned long long)r);
	}
	/* Stores of every width, read back whole. */
	STORE("sd", sc, 0x0123456789abcdefULL);
	CHECK(LOAD("ld", sc) == 0x0123456789abcdefULL, "sd/ld");
	STORE("sb", sc + 1, 0xffUL);
	CHECK(LOAD("ld", sc) == 0x0123456789abffefULL,
	      "sb: %#llx", (unsigned long long)LOAD("ld", sc));
	STORE("sh", sc + 2, 0x1122UL);
	CHECK(LOAD("ld", sc) == 0x012345671122ffefULL, "sh: %#llx",
	      (unsigned long long)LOAD("ld", sc));
	STORE("sw", sc + 4, 0xdeadbeefUL);
	CHECK(LOAD("ld", sc) == 0xdeadbeef1122ffefULL, "sw: %#llx",
	      (unsigned long long)LOAD("ld", sc));
	{
		register uint64_t r __asm__("a0") = 0x55667788UL;
		register uintptr_t p __asm__("a1") = sc;
		__asm__ volatile("c.sw a0, 0(a1)" ::"r"(r), "r"(p) : "memory");
		CHECK(LOAD("ld", sc) == 0xdeadbeef55667788ULL, "c.sw: %#llx",
		      (unsigned long long)LOAD("ld", sc));
		r = 0x8877665544332211ULL;
		__asm__ volatile("c.sd a0, 0(a1)" ::"r"(r), "r"(p) : "memory");
		CHECK(LOAD("ld", sc) == 0x8877665544332211ULL, "c.sd: %#llx",
		      (unsigned long long)LOAD("ld", sc));
	}
	/* Zcb's loads and stores, where the hart has Zcb (QEMU 10 with
	 * zcb=true; QEMU's htinst is 0 for them, so the hypervisor decodes
	 * the fetched bits). Encoded by hand (GNU as 2.40 has no Zcb), all
	 * on a0 (x10) with base a1 (x11). */
	if (guest_has_zcb) {
		register uint64_t r __asm__("a0");
		register uintptr_t p __asm__("a1") = id;
		__asm__ volatile(".2byte 0x81e8" : "=r"(r) : "r"(p) : "memory"); /* c.lbu a0, 3(a1) */
		CHECK(r == 0xB5, "c.lbu +3 = %#llx", (unsigned long long)r);
		__asm__ volatile(".2byte 0x85a8" : "=r"(r) : "r"(p) : "memory"); /* c.lhu a0, 2(a1) */
		CHECK(r == 0xB5A6, "c.lhu +2 = %#llx", (unsigned long long)r);
		__asm__ volatile(".2byte 0x85e8" : "=r"(r) : "r"(p) : "memory"); /* c.lh a0, 2(a1) */
		CHECK(r == 0xFFFFFFFFFFFFB5A6ULL, "c.lh +2 = %#llx", (unsigned long long)r);
		p = sc;
		STORE("sd", sc, 0);
		r = 0x1234;
		__asm__ volatile(".2byte 0x89c8" ::"r"(r), "r"(p) : "memory"); /* c.sb a0, 1(a1) */
		__asm__ volatile(".2byte 0x8da8" ::"r"(r), "r"(p) : "memory"); /* c.sh a0, 2(a1) */
		CHECK(LOAD("ld", sc) == 0x0000000012343400ULL, "c.sb +1, c.sh +2: %#llx",
		      (unsigned long long)LOAD("ld", sc));
		printf("    Zcb: c.lbu, c.lhu, c.lh, c.sb, c.sh emulated\n");
	}
	/* An access that begins on a RAM page and runs into the test
	 * device's page faults at the device page's start (stval is "the
	 * portion of the access that caused the fault"): not an aligned
	 * device access at offset 0, but a misaligned one, which gets an
	 * access fault. Base registers a5 and s1 (a callee-saved one, which
	 * the hypervisor's fast exit does not save). */
	{
		static uint8_t page[4096] __attribute__((aligned(4096)));
		for (unsigned i = 0; i < sizeof(page); i++)
			page[i] = 0xaa;
		paging_map_pair(GVA_PAIR, paging_gpa_of(page), TV_GPA_TESTDEV);
		uintptr_t a = GVA_PAIR + 0x1000 - 4;
		register uintptr_t s1 __asm__("s1") = a;
		uint64_t v = 0;
		expect_trap(0);
		v = LOAD("ld", a);
		CHECK(expect.seen && expect.cause == EXC_LOAD_ACCESS,
		      "ld across a RAM page into the device: trap %d cause %lu, value %#llx",
		      expect.seen, (unsigned long)expect.cause, (unsigned long long)v);
		expect_trap(0);
		__asm__ volatile(".option push\n.option norvc\nlw %0, 2(%1)\n.option pop"
				 : "=r"(v) : "r"(s1) : "memory");
		CHECK(expect.seen && expect.cause == EXC_LOAD_ACCESS,
		      "lw 2(s1) across into the device: trap %d cause %lu, value %#llx",
		      expect.seen, (unsigned long)expect.cause, (unsigned long long)v);
		expect_trap(0);
		STORE("sd", a, 0x1122334455667788ULL);
		CHECK(expect.seen && expect.cause == EXC_STORE_ACCESS,
		      "sd across into the device: trap %d cause %lu", expect.seen,
		      (unsigned long)expect.cause);
		expect.armed = false;
		if (ok)
			printf("    an access from a RAM page into the device's: access fault\n");
	}
	/* A load into x0 is performed and its value dropped. */
	__asm__ volatile("lw zero, 0(%0)" ::"r"(id) : "memory");
	CHECK(td_read(TD_MAGIC) == 0x7472616365766973ULL, "magic");
	return ok;
}

static void disable_irqs(void);

/* guest/test/mmio_regs.S */
struct mmio_regs {
	uint64_t in[32], out[32], addr;
};
void mmio_regs_run(struct mmio_regs *c, unsigned long which);

/* One access through register n (a store when store): every register
 * but n (and the base, x31 or x30) must come back as it went in; n must
 * hold the loaded value, or the device the stored one. */
static bool mmio_through(unsigned n, bool store)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
		"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
		"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	struct mmio_regs c;
	unsigned base = n == 31 ? 30 : 31;
	bool ok = true;

	for (unsigned k = 0; k < 32; k++)
		c.in[k] = 0x5EED000000000000ULL | ((uint64_t)n << 16) | (store << 8) | k;
	c.addr = GVA_TESTDEV + (store ? TD_SCRATCH : TD_ID);
	c.in[base] = c.addr;
	if (store)
		STORE("sd", c.addr, 0UL);
	mmio_regs_run(&c, 2 * n + store);
	for (unsigned k = 1; k < 32; k++) {
		uint64_t want = k == n && !store ? TD_ID_VALUE : c.in[k];
		CHECK(c.out[k] == want, "%s %s: %s = %#llx, want %#llx", store ? "sd" : "ld",
		      names[n], names[k], (unsigned long long)c.out[k], (unsigned long long)want);
	}
	if (store)
		CHECK(td_read(TD_SCRATCH) == c.in[n], "sd %s stored %#llx, want %#llx", names[n],
		      (unsigned long long)td_read(TD_SCRATCH), (unsigned long long)c.in[n]);
	return ok;
}

/* An emulated load into each of x1..x31 (but sp) and a store from each:
 * the hypervisor writes rd and nothing else, and stores the register the
 * instruction names, whichever group it is in (the exit path saves the
 * callee-saved ones only when the instruction names one). Interrupts are
 * off: gp and tp hold test values meanwhile. */
bool step_mmio_registers(void)
{
	bool ok = true;
	uint64_t sstatus = csr_read(CSR_SSTATUS);

	disable_irqs();
	for (unsigned n = 1; n < 32; n++) {
		if (n != 2)
			ok &= mmio_through(n, false);
		ok &= mmio_through(n, true);
	}
	csr_write(CSR_SSTATUS, sstatus);
	return ok;
}

/* A jump to `target` that is expected to trap there: the trap handler
 * resumes right after the jump (expect.resume). */
static void fetch_expecting_trap(uintptr_t target)
{
	uintptr_t back;
	__asm__ volatile("la %0, 1f" : "=r"(back));
	expect_trap(back);
	__asm__ volatile("jalr ra, 0(%0)\n1:" ::"r"(target) : "ra", "memory");
}

/* The VS-stage's own page fault: the guest's handler maps GVA_DEMAND to
 * the middle of its RAM, a block already touched, so it takes no exit. */
static bool step_vs_demand_fault(void)
{
	bool ok = true;
	volatile uint64_t *p = (volatile uint64_t *)(GVA_DEMAND + 0x10);
	uint64_t e0 = exits_now();
	expect_trap(0);
	*p = 0xfeedface;		/* store page fault: handler maps the page */
	uint64_t v = *p;
	uint64_t e1 = exits_now();
	CHECK(expect.seen, "no page fault was taken");
	CHECK(expect.cause == EXC_STORE_PAGE_FAULT, "scause %lu, want 15",
	      (unsigned long)expect.cause);
	CHECK(expect.tval == (uint64_t)(uintptr_t)p, "stval %#lx", (unsigned long)expect.tval);
	CHECK(v == 0xfeedface, "value after mapping %#lx", (unsigned long)v);
	CHECK(e1 - e0 == 1, "the fault caused %lu exits, want none",
	      (unsigned long)(e1 - e0 - 1));
	return ok;
}

/*
 * Page faults of both stages. First the G-stage's own: guest RAM the
 * guest never touched reads zero, whatever the host memory behind it held
 * before (tests/system/test_guest.sh loads a pattern there, into this
 * block and the next), and its first
 * touch is one exit, in which the hypervisor zeroes that 2 MiB block
 * (hyp/core/vm.c); the next access to the block is none. The block is
 * the one the VS-stage fault below maps, which then takes no exit.
 */
bool step_vs_page_fault(void)
{
	bool ok = true;
	volatile uint64_t *fresh = (volatile uint64_t *)(guest_ram_base + guest_ram_size / 2);

	/* Two untouched blocks: between this image and its page tables (the
	 * first half of RAM) and the device tree's block, which the
	 * hypervisor wrote. A small tv.guest_mem has none to spare. */
	if ((uintptr_t)fresh + (4UL << 20) > (guest_fdt_gpa & ~((2UL << 20) - 1))) {
		printf("    guest RAM of %lu MiB has no two untouched 2 MiB blocks below its "
		       "device tree: the first-touch checks need tv.guest_mem=16M or more\n",
		       (unsigned long)(guest_ram_size >> 20));
		(void)fresh[0]; /* touched, as the checks below would have */
		return step_vs_demand_fault();
	}
	uint64_t t0 = exits_now();
	uint64_t w0 = fresh[0x10 / 8];
	uint64_t t1 = exits_now();
	uint64_t w1 = fresh[((2UL << 20) - 8) / 8]; /* the block's last word */
	uint64_t t2 = exits_now();
	CHECK(w0 == 0 && w1 == 0, "untouched guest RAM reads %#lx and %#lx, want 0",
	      (unsigned long)w0, (unsigned long)w1);
	CHECK(t1 - t0 == 2, "its first touch caused %lu exits, want 1",
	      (unsigned long)(t1 - t0 - 1));
	CHECK(t2 - t1 == 1, "the second access caused %lu exits, want none",
	      (unsigned long)(t2 - t1 - 1));
	printf("    untouched guest RAM at %#lx reads %#lx and %#lx: first touch %lu exit(s), "
	       "then %lu\n", (unsigned long)(uintptr_t)fresh, (unsigned long)w0, (unsigned long)w1,
	       (unsigned long)(t1 - t0 - 1), (unsigned long)(t2 - t1 - 1));

	/* A fetch from the next untouched block: its first touch is an
	 * instruction guest-page fault, then the guest runs what is there,
	 * zeros, which are an illegal instruction ("instructions with all
	 * bits zero are ... illegal", unprivileged spec) trapping at the
	 * block's first byte with tval 0. */
	uintptr_t code = (uintptr_t)fresh + (2UL << 20);
	fetch_expecting_trap(code);
	CHECK(expect.seen && expect.cause == EXC_ILLEGAL_INST && expect.epc == code &&
	      expect.tval == 0, "fetch from untouched guest RAM at %#lx: cause %lu epc %#lx "
	      "tval %#lx, want an illegal instruction 0 there", (unsigned long)code,
	      (unsigned long)expect.cause, (unsigned long)expect.epc, (unsigned long)expect.tval);
	printf("    untouched guest RAM at %#lx fetched: illegal instruction %#lx there\n",
	       (unsigned long)code, (unsigned long)expect.tval);
	return step_vs_demand_fault() && ok;
}

bool step_guest_exceptions(void)
{
	bool ok = true;
	uint32_t insn;

	/* An instruction no extension may define (a reserved opcode). */
	expect_trap(0);
	__asm__ volatile(ILLEGAL_WORD_ASM ::: "memory");
	CHECK(expect.seen && expect.cause == EXC_ILLEGAL_INST,
	      "reserved opcode: cause %lu", (unsigned long)expect.cause);
	CHECK(expect.tval == ILLEGAL_WORD, "reserved opcode: stval %#lx", (unsigned long)expect.tval);

	/* A hypervisor CSR from VS-mode: a virtual-instruction exception in
	 * HS-mode, which the guest must see as an illegal instruction. */
	expect_trap(0);
	__asm__ volatile("csrr t0, 0x600" ::: "t0", "memory");
	insn = expect.epc ? *(volatile uint32_t *)expect.epc : 0;
	CHECK(expect.seen && expect.cause == EXC_ILLEGAL_INST,
	      "csrr hstatus: cause %lu", (unsigned long)expect.cause);
	CHECK(expect.tval == insn, "csrr hstatus: stval %#lx, instruction %#x",
	      (unsigned long)expect.tval, insn);

	/* ebreak: a breakpoint, tval = its address or 0. */
	expect_trap(0);
	__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop" ::: "memory");
	CHECK(expect.seen && expect.cause == EXC_BREAKPOINT, "ebreak: cause %lu",
	      (unsigned long)expect.cause);
	CHECK(expect.tval == expect.epc || expect.tval == 0, "ebreak: stval %#lx epc %#lx",
	      (unsigned long)expect.tval, (unsigned long)expect.epc);
	/* In the handler, sstatus.SPP said the trap came from S-mode (the
	 * guest's VS-mode) and SPIE kept the SIE it had (0 here). */
	CHECK(expect.sstatus & SSTATUS_SPP, "sstatus.SPP not set in the handler");
	CHECK(!(expect.sstatus & SSTATUS_SIE), "sstatus.SIE set in the handler");
	return ok;
}

static void enable_timer_irq(void)
{
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static void disable_irqs(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* A deadline at the far end of the 64-bit time, one tick short of the
 * "never" (uint64_t)-1: time will not reach it, so no interrupt comes
 * ("Timer Extension": it fires once time >= stime_value), whatever the
 * offset between the guest's clock and the host's. */
static bool far_deadline_silent(void)
{
	bool ok = true;
	uint64_t before = timer_irqs;
	enable_timer_irq();
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL - 1, 0, 0);
	uint64_t limit = csr_read(CSR_TIME) + timebase_hz / 50; /* 20 ms */
	while (timer_irqs == before && csr_read(CSR_TIME) < limit)
		;
	disable_irqs();
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
	CHECK(timer_irqs == before, "a deadline of 2^64 - 2 fired %lu timer interrupt(s) within 20 ms",
	      (unsigned long)(timer_irqs - before));
	printf("    a deadline of 2^64 - 2: %lu timer interrupt(s) in 20 ms\n",
	       (unsigned long)(timer_irqs - before));
	return ok;
}

bool step_sbi_timer(void)
{
	bool ok = true;
	uint64_t before = timer_irqs;
	uint64_t deadline = csr_read(CSR_TIME) + timebase_hz / 1000; /* 1 ms */
	enable_timer_irq();
	struct sbiret r = sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0);
	CHECK(r.error == 0, "set_timer error %ld", r.error);
	uint64_t limit = csr_read(CSR_TIME) + timebase_hz; /* give up after 1 s */
	while (timer_irqs == before && csr_read(CSR_TIME) < limit)
		;
	disable_irqs();
	CHECK(timer_irqs == before + 1, "%lu timer interrupts, want 1",
	      (unsigned long)(timer_irqs - before));
	CHECK(csr_read(CSR_TIME) >= deadline, "interrupt before the deadline");
	ok &= far_deadline_silent();
	return ok;
}

bool step_wfi(void)
{
	bool ok = true;
	uint64_t before = timer_irqs;
	uint64_t deadline = csr_read(CSR_TIME) + timebase_hz / 500; /* 2 ms */
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0);
	unsigned waits = 0;
	/* wfi with interrupts globally off: it still wakes on a pending,
	 * enabled interrupt; we then take it with SIE on. */
	while (timer_irqs == before && waits < 1000) {
		__asm__ volatile("wfi");
		waits++;
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
	CHECK(timer_irqs == before + 1, "woke %u times without the interrupt", waits);
	CHECK(csr_read(CSR_TIME) >= deadline, "woke before the deadline");
	printf("    wfi returned %u time(s) before the timer interrupt\n", waits);
	return ok;
}

bool step_sstc_timer(void)
{
	bool ok = true;
	if (!guest_has_sstc) {
		printf("    skipped: the guest's ISA string has no sstc\n");
		return true;
	}
	uint64_t before = timer_irqs;
	uint64_t e0 = exits_now();
	enable_timer_irq();
	csr_write(CSR_STIMECMP, csr_read(CSR_TIME) + timebase_hz / 1000);
	uint64_t limit = csr_read(CSR_TIME) + timebase_hz;
	while (timer_irqs == before && csr_read(CSR_TIME) < limit)
		;
	disable_irqs();
	uint64_t e1 = exits_now();
	CHECK(timer_irqs == before + 1, "%lu timer interrupts, want 1",
	      (unsigned long)(timer_irqs - before));
	/* The handler's SBI set_timer(-1) is one exit; the interrupt none. */
	CHECK(e1 - e0 == 2, "%lu exits, want 2 (handler's set_timer + this read)",
	      (unsigned long)(e1 - e0));

	/* An SBI deadline, then a stimecmp write: on a hart with Sstc the
	 * firmware's set_timer writes stimecmp, so the later write replaces
	 * the deadline ("Supervisor Timer Register"), and the handler's
	 * stimecmp = -1 alone lowers the interrupt. One interrupt, at the
	 * stimecmp time: not at the SBI deadline, not a storm. */
	timer_stimecmp_only = true;
	before = timer_irqs;
	uint64_t t0 = csr_read(CSR_TIME);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, t0 + timebase_hz / 1000, 0, 0);
	csr_write(CSR_STIMECMP, t0 + timebase_hz / 50);
	enable_timer_irq();
	limit = t0 + timebase_hz / 10;
	/* csr_read is an asm volatile read of time, which the check cannot see */
	while (csr_read(CSR_TIME) < limit) /* NOLINT(bugprone-infinite-loop) */
		;
	disable_irqs();
	timer_stimecmp_only = false;
	CHECK(timer_irqs == before + 1, "SBI deadline at +1 ms, stimecmp at +20 ms: %lu timer "
	      "interrupts in 100 ms, want 1", (unsigned long)(timer_irqs - before));
	CHECK(timer_irqs == before || timer_irq_time >= t0 + timebase_hz / 50,
	      "the interrupt came %lu us after the call, before the stimecmp time (20000 us)",
	      (unsigned long)((timer_irq_time - t0) * 1000000 / timebase_hz));
	printf("    SBI deadline replaced by a later stimecmp write: %lu interrupt(s), at +%lu us\n",
	       (unsigned long)(timer_irqs - before),
	       (unsigned long)((timer_irq_time - t0) * 1000000 / timebase_hz));

	/* The same with stimecmp = -1, the cancel Linux's clockevent
	 * shutdown writes: the SBI deadline is replaced by "never", so no
	 * interrupt comes at all. */
	timer_stimecmp_only = true;
	before = timer_irqs;
	t0 = csr_read(CSR_TIME);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, t0 + timebase_hz / 1000, 0, 0);
	csr_write(CSR_STIMECMP, ~0UL);
	enable_timer_irq();
	limit = t0 + timebase_hz / 20;
	while (csr_read(CSR_TIME) < limit) /* NOLINT(bugprone-infinite-loop) */
		;
	disable_irqs();
	timer_stimecmp_only = false;
	CHECK(timer_irqs == before, "SBI deadline at +1 ms, then stimecmp = -1: %lu timer "
	      "interrupts in 50 ms, want none", (unsigned long)(timer_irqs - before));
	printf("    SBI deadline cancelled by stimecmp = -1: %lu interrupt(s)\n",
	       (unsigned long)(timer_irqs - before));
	return ok;
}

bool step_counters(void)
{
	bool ok = true;
	uint64_t e0 = exits_now();
	uint64_t t0 = csr_read(CSR_TIME), c0 = csr_read(CSR_CYCLE), i0 = csr_read(CSR_INSTRET);
	for (volatile int i = 0; i < 1000; i++)
		;
	uint64_t t1 = csr_read(CSR_TIME), c1 = csr_read(CSR_CYCLE), i1 = csr_read(CSR_INSTRET);
	uint64_t e1 = exits_now();
	CHECK(t1 > t0, "time did not advance");
	CHECK(c1 > c0, "cycle did not advance");
	CHECK(i1 > i0 + 1000, "instret advanced only %lu", (unsigned long)(i1 - i0));
	CHECK(e1 - e0 == 1, "reading counters caused %lu exits", (unsigned long)(e1 - e0 - 1));
	printf("    1000 iterations: %lu instructions, %lu time ticks\n",
	       (unsigned long)(i1 - i0), (unsigned long)(t1 - t0));
	return ok;
}

/* Try a load, a store and (optionally) a fetch at guest-physical `gpa`
 * (mapped 1:1 in our VS-stage): each must give the matching access fault. */
static bool probe_forbidden(uint64_t gpa, const char *what, bool fetch)
{
	bool ok = true;
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)gpa;
	expect_trap(0);
	uint64_t v = *p;
	CHECK(expect.seen && expect.cause == EXC_LOAD_ACCESS && expect.tval == gpa,
	      "load from %s %#lx: cause %lu tval %#lx (read %#lx)", what,
	      (unsigned long)gpa, (unsigned long)expect.cause,
	      (unsigned long)expect.tval, (unsigned long)v);
	expect_trap(0);
	*p = 0xbad;
	CHECK(expect.seen && expect.cause == EXC_STORE_ACCESS && expect.tval == gpa,
	      "store to %s %#lx: cause %lu", what, (unsigned long)gpa,
	      (unsigned long)expect.cause);
	if (fetch) {
		fetch_expecting_trap(gpa);
		CHECK(expect.seen && expect.cause == EXC_INST_ACCESS && expect.tval == gpa,
		      "fetch from %s %#lx: cause %lu", what, (unsigned long)gpa,
		      (unsigned long)expect.cause);
	}
	printf("    %-28s %#010lx: %s\n", what, (unsigned long)gpa, ok ? "access faults" : "NOT PROTECTED");
	return ok;
}

/* Identity-mapped in our VS stage (paging.c) and neither RAM nor a device. */
static bool gpa_is_probe_hole(uint64_t gpa)
{
	bool mapped = gpa < 0x40000000UL || (gpa >= 0x7fe00000UL && gpa < 0x140000000UL);
	bool ram = gpa >= guest_ram_base && gpa < guest_ram_base + guest_ram_size;
	bool mmio = (gpa >= TV_GPA_UART && gpa < TV_GPA_UART + TV_UART_SIZE) ||
		    (gpa >= TV_GPA_TESTDEV && gpa < TV_GPA_TESTDEV + TV_TESTDEV_SIZE) ||
		    (gpa >= TV_GPA_FINISHER && gpa < TV_GPA_FINISHER + TV_FINISHER_SIZE) ||
		    (gpa >= TV_GPA_PLIC && gpa < TV_GPA_PLIC + TV_PLIC_SIZE);
	return mapped && !ram && !mmio;
}

extern char _guest_end[]; /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c): linker/guest.ld */

/* Write (pattern ^ address) into every 8-byte word of [start, end), in
 * one loop of our own whose only register holding such a word is cleared
 * at the end: a register saved by the next exit must not look like
 * something we wrote into memory. */
static void fill_ram(uint64_t start, uint64_t end, uint64_t pattern)
{
	__asm__ volatile("1:	xor	t0, %[p], %[a]\n"
			 "	sd	t0, 0(%[a])\n"
			 "	addi	%[a], %[a], 8\n"
			 "	bltu	%[a], %[e], 1b\n"
			 "	li	t0, 0\n"
			 : [a] "+r"(start)
			 : [p] "r"(pattern), [e] "r"(end)
			 : "t0", "memory");
}

/*
 * Can the guest reach host memory? Guest RAM is at guest-physical
 * 0x80000000, like the host's, so the host-physical addresses of the
 * firmware and of the hypervisor are, as guest-physical ones, either our
 * own RAM or holes. Three things are checked:
 *  1. holes: loads, stores and fetches at guest-physical addresses that
 *     are neither our RAM nor a device (below and past RAM, between the
 *     devices, where virt has devices tracevisor does not give us, where
 *     RAM used to be, above 4 GiB, and the host ranges that lie outside
 *     our RAM) all give access faults;
 *  2. the host ranges that lie inside our RAM are ours there: a word we
 *     write at such an address reads back as ours;
 *  3. nothing we write reaches the hypervisor's memory: we write
 *     (pattern ^ address) into every free word of our RAM, then the test
 *     device has the hypervisor read all of its own memory (image, stacks,
 *     rings, G-stage tables) for any such word, and it must find none.
 *     (The firmware's memory is kept from S-mode by its own PMP, from the
 *     hypervisor too; the hypervisor's boot-time walk of every G-stage
 *     leaf refuses any that reaches it.)
 */
bool step_isolation(void)
{
	bool ok = true;
	unsigned tried = 0, inside = 0;
	const uint64_t ram_end = guest_ram_base + guest_ram_size;
	const uint64_t fill_start = gpa_of(_guest_end);
	const uint64_t fill_end = guest_fdt_gpa & ~7UL;
	static const struct { const char *what; uint64_t gpa; bool fetch; } holes[] = {
		{ "virt's boot ROM (no device here)", 0x1000, true },
		{ "virt's RTC (no device here)", 0x101000, false },
		{ "virt's CLINT (no device here)", 0x2000000, false },
		{ "MMIO hole past the UART", GPA_MMIO + 0x100, false },
		{ "MMIO hole (virtio on virt)", GPA_MMIO + 0x8000, false },
		{ "unmapped guest-physical", 0x20000000, true },
		{ "where guest RAM used to be", 0xC0000000, true },
		{ "4 GiB", 0x100000000UL, false },
	};
	for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		if (gpa_is_probe_hole(holes[i].gpa)) {
			ok &= probe_forbidden(holes[i].gpa, holes[i].what, holes[i].fetch);
			tried++;
		}
	ok &= probe_forbidden(guest_ram_base - 8, "just below guest RAM", false);
	ok &= probe_forbidden(ram_end, "just past guest RAM", true);
	tried += 2;

	/* The host ranges the test device says are protected: holes when
	 * outside our RAM, our own memory when inside it. */
	for (unsigned i = 0; i < 16; i++) {
		uint64_t base = td_read(TD_RANGES + 16 * i);
		uint64_t size = td_read(TD_RANGES + 16 * i + 8);
		if (!size)
			break;
		const char *what = i == 0 ? "firmware (host)" : "hypervisor memory (host)";
		uint64_t probes[2] = { base, base + size - 8 };
		for (unsigned k = 0; k < 2; k++) {
			uint64_t g = probes[k];
			if (gpa_is_probe_hole(g)) {
				ok &= probe_forbidden(g, what, k == 0 && i == 0);
				tried++;
			} else if (g >= fill_start && g < fill_end) {
				/* Written through the identity mapping, read back
				 * through the high alias of the same RAM. */
				volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)g;
				const volatile uint64_t *alias =
					(const volatile uint64_t *)(uintptr_t)(g + GVA_HIGH_OFFSET);
				*p = 0x600d600d00000000UL | i;
				bool mine = *alias == (0x600d600d00000000UL | i);
				CHECK(mine, "%s %#lx: our write did not read back", what,
				      (unsigned long)g);
				printf("    %-28s %#010lx: guest RAM here, %s\n", what,
				       (unsigned long)g, mine ? "written and read back" : "NOT OURS");
				inside++;
			} else if (g >= guest_ram_base && g < ram_end) {
				printf("    %-28s %#010lx: guest RAM here (our own image)\n", what,
				       (unsigned long)g);
				inside++;
			}
		}
	}
	CHECK(tried >= 8, "only %u addresses tried", tried);

	/* All free RAM: from the end of our image to the device tree. */
	uint64_t pattern = td_read(TD_FILL_PATTERN); /* this VM's */
	uint64_t before = td_read(TD_HOSTSCAN);
	fill_ram(fill_start, fill_end, pattern);
	uint64_t found = td_read(TD_HOSTSCAN), words = td_read(TD_HOSTSCAN_WORDS);
	CHECK(before == 0, "before the fill, %lu words of hypervisor memory already "
	      "matched the pattern", (unsigned long)before);
	CHECK(found == 0, "%lu words we wrote into our RAM are in hypervisor memory",
	      (unsigned long)found);
	CHECK(words > 1000, "the hypervisor scanned only %lu words", (unsigned long)words);
	bool back = true;
	for (uint64_t a = fill_start; a < fill_end; a += 0x100000)
		back &= *(volatile uint64_t *)(uintptr_t)a == (pattern ^ a);
	CHECK(back, "our RAM fill did not read back");
	printf("    guest RAM %#lx-%#lx written with (pattern ^ address); hypervisor "
	       "memory, %lu KiB: %lu such words\n", (unsigned long)fill_start,
	       (unsigned long)(fill_end - 1), (unsigned long)(words * 8 / 1024),
	       (unsigned long)found);
	printf("    %u host-range addresses are guest RAM here, %u addresses fault\n",
	       inside, tried);
	return ok;
}

bool step_trace_control(void)
{
	bool ok = true;
	struct sbiret r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, 0x7476, 0, 0);
	CHECK(r.error == 0, "mark error %ld", r.error);
	r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_STOP, 0, 0, 0);
	/* With several VMs only VM 0 steers the trace; the others get
	 * SBI_ERR_DENIED for stop, start and filter alike (README.md). */
	long want = r.error == SBI_ERR_DENIED ? SBI_ERR_DENIED : 0;
	if (want)
		printf("    trace control denied: another VM owns the trace (marks are kept)\n");
	CHECK(r.error == want, "stop error %ld", r.error);
	sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0); /* not traced */
	r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_START, 0, 0, 0);
	CHECK(r.error == want, "start error %ld", r.error);
	r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_FILTER, 1UL << 31, 0, 0);
	CHECK(r.error == (want ? want : SBI_ERR_INVALID_PARAM), "bad filter error %ld", r.error);
	r = sbi_call(SBI_EXT_TRACEVISOR, 77, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "unknown FID error %ld", r.error);
	r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, 0x656e64, 0, 0);
	CHECK(r.error == 0, "mark error %ld", r.error);
	return ok;
}
