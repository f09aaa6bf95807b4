/*
 * Debug Console Extension (EID 0x4442434E "DBCN"), SBI specification
 * "Debug Console Extension": console_write and console_read take
 * num_bytes and a physical address in two XLEN registers (base_addr_lo,
 * base_addr_hi: on RV64 any hi != 0 is an address beyond 2^64). A range
 * that does not meet "Shared memory physical address range parameter"
 * (every byte accessible guest memory) is SBI_ERR_INVALID_PARAM; partial
 * writes and reads are allowed, and the count comes back in value.
 * console_write_byte(uint8_t byte) uses a0's low 8 bits; value 0.
 */
#include <string.h>

#include "conform.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define DBCN(fn, f, n, len, lo, hi, err, vm, w)                                 \
	{ .func = fn, .name = n, .fid = (f), .a = { len, lo, hi }, .want_error = (err), \
	  .vmode = (vm), .want = w }
/* NOLINTEND(bugprone-macro-parentheses) */
/* (Not through DBCN(): an argument's braces would split there.) */
/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define WRITE(n, len, lo, hi, err, vm, w)                                      \
	{ .func = "debug_console_write", .name = n, .fid = 0, .a = { len, lo, hi }, \
	  .want_error = (err), .vmode = (vm), .want = w }
#define READ(n, len, lo, hi, err, vm, w)                                       \
	{ .func = "debug_console_read", .name = n, .fid = 1, .a = { len, lo, hi }, \
	  .want_error = (err), .vmode = (vm), .want = w }
/* NOLINTEND(bugprone-macro-parentheses) */

static const char text[] = "sbi-conform: (text written through DBCN console_write)\n";

/* The buffer holds a line of text; the last byte of RAM a newline. */
static void fill(struct conform_ctx *x)
{
	(void)x;
	memcpy(conform_buf, text, sizeof(text) - 1);
	*(volatile char *)(uintptr_t)(ram_base + ram_size - 1) = '\n';
}

/*
 * A range that is all guest RAM but longer than one call moves: the
 * buffer below to the end of RAM. The call may move fewer bytes than
 * asked (the count is its value); the hypervisor must check the whole
 * range, but only the bytes it moves may cost it anything. Guest RAM is
 * made ready (zeroed) block by block at its first touch, and these calls
 * touch 4 KiB at most, so the run must end with most blocks never
 * touched: tests/system/test_sbi_conform.sh counts them.
 */
static char rest_text[4096] __attribute__((aligned(4096)));

static void to_ram_end(struct conform_ctx *x)
{
	static const char line[] = "dbcn-rest: the first bytes of a write to the end of RAM\n";
	for (size_t i = 0; i < sizeof(rest_text); i++)
		rest_text[i] = line[i % (sizeof(line) - 1)];
	rest_text[sizeof(rest_text) - 1] = '\n';
	x->a[0] = ram_base + ram_size - (uintptr_t)rest_text;
	x->a[1] = (uintptr_t)rest_text;
	x->want = x->a[0];
}

static const struct conform_case dbcn_cases[] = {
	{ .func = "debug_console_write", .name = "a line from RAM", .fid = 0,
	  .a = { LIT(sizeof(text) - 1), BUF(0), LIT(0) }, .vmode = V_EQ,
	  .want = LIT(sizeof(text) - 1), .prepare = fill },
	{ .func = "debug_console_write", .name = "the last byte of RAM", .fid = 0,
	  .a = { LIT(1), RAM_END(-1UL), LIT(0) }, .vmode = V_EQ, .want = LIT(1),
	  .prepare = fill },
	{ .func = "debug_console_write", .name = "from a buffer to the end of RAM (partial)",
	  .fid = 0, .vmode = V_LE, .prepare = to_ram_end },
	WRITE("0 bytes at 0 (an empty range)", LIT(0), LIT(0), LIT(0), 0, V_EQ, LIT(0)),
	WRITE("0 bytes at the end of RAM", LIT(0), RAM_END(0), LIT(0), 0, V_EQ, LIT(0)),
	WRITE("16 bytes at 0x1000 (below RAM)", LIT(16), LIT(0x1000), LIT(0),
	      SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	WRITE("64 bytes straddling the end of RAM", LIT(64), RAM_END(-8UL), LIT(0),
	      SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	WRITE("1 byte just past RAM", LIT(1), RAM_END(0), LIT(0), SBI_ERR_INVALID_PARAM, V_ANY,
	      LIT(0)),
	WRITE("base_addr_hi 1 (an address >= 2^64)", LIT(16), BUF(0), LIT(1),
	      SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	WRITE("base_addr_hi -1", LIT(16), BUF(0), LIT(~0UL), SBI_ERR_INVALID_PARAM, V_ANY,
	      LIT(0)),
	WRITE("num_bytes -1", LIT(~0UL), BUF(0), LIT(0), SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	WRITE("num_bytes RAM size + 1 from RAM base", RAM_SIZE(1), RAM_BASE(0), LIT(0),
	      SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	WRITE("16 bytes at 2^64-8 (wraps)", LIT(16), LIT(~7UL), LIT(0), SBI_ERR_INVALID_PARAM,
	      V_ANY, LIT(0)),
	WRITE("8 bytes from the UART (MMIO)", LIT(8), LIT(0x10000000UL), LIT(0),
	      SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	READ("up to 8 bytes into RAM", LIT(8), BUF(0), LIT(0), 0, V_LE, LIT(8)),
	{ .func = "debug_console_read", .name = "into a buffer to the end of RAM (partial)",
	  .fid = 1, .vmode = V_LE, .prepare = to_ram_end },
	READ("0 bytes at 0", LIT(0), LIT(0), LIT(0), 0, V_EQ, LIT(0)),
	READ("16 bytes at 0x1000 (below RAM)", LIT(16), LIT(0x1000), LIT(0),
	     SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	READ("8 bytes straddling the end of RAM", LIT(8), RAM_END(-4UL), LIT(0),
	     SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	READ("base_addr_hi 1", LIT(8), BUF(0), LIT(1), SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	READ("num_bytes -1", LIT(~0UL), BUF(0), LIT(0), SBI_ERR_INVALID_PARAM, V_ANY, LIT(0)),
	READ("into the UART (MMIO)", LIT(8), LIT(0x10000000UL), LIT(0), SBI_ERR_INVALID_PARAM,
	     V_ANY, LIT(0)),
	DBCN("debug_console_write_byte", 2, "newline", LIT('\n'), LIT(0), LIT(0), 0, V_EQ,
	     LIT(0)),
	DBCN("debug_console_write_byte", 2, "uint8_t: 0xFFFFFFFFFFFFFF0A is a newline",
	     LIT(0xFFFFFFFFFFFFFF0AUL), LIT(0), LIT(0), 0, V_EQ, LIT(0)),
	DBCN("debug_console_write_byte", 0x100000002UL, "FID 0x1_00000002 (low 32 bits: 2)",
	     LIT('\n'), LIT(0), LIT(0), 0, V_EQ, LIT(0)),
	DBCN("FID_3", 3, "past the last function", LIT(0), LIT(0), LIT(0),
	     SBI_ERR_NOT_SUPPORTED, V_ANY, LIT(0)),
};

static const struct conform_suite dbcn_suite = {
	.ext = "DBCN", .eid = SBI_EXT_DBCN, .order = 80,
	.cases = dbcn_cases, .ncases = ARRAY_LEN(dbcn_cases),
};
CONFORM_SUITE(dbcn_suite);
