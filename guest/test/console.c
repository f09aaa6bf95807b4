/*
 * The guest's stdout: lines go out through SBI DBCN console_write (one exit
 * per line). The UART step exercises the emulated UART separately.
 */
#include <string.h>

#include "guest.h"

static char line[256];
static unsigned line_len;

static void flush(void)
{
	uintptr_t gva = (uintptr_t)line;
	/* DBCN wants a guest-physical address: our code and data run at the
	 * high alias, GPA = GVA - GVA_HIGH_OFFSET. */
	uint64_t gpa = gva >= GVA_HIGH_OFFSET ? gva - GVA_HIGH_OFFSET : gva;
	if (line_len)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, line_len, gpa, 0);
	line_len = 0;
}

static int out_putc(char c, FILE *f)
{
	(void)f;
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		flush();
	return (unsigned char)c;
}

static int out_flush(FILE *f)
{
	(void)f;
	flush();
	return 0;
}

static FILE out = FDEV_SETUP_STREAM(out_putc, NULL, out_flush, _FDEV_SETUP_WRITE);
FILE *const stdout = &out;
FILE *const stderr = &out;
FILE *const stdin = &out;

void console_init(void)
{
	line_len = 0;
}
