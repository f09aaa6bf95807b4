/*
 * A guest's stdout: lines go out through SBI DBCN console_write (one exit
 * per line under the hypervisor). The test guest's UART step exercises the
 * emulated UART separately.
 */
#include <string.h>

#include <stdbool.h>
#include <stdio.h>

#include "guest_common.h"
#include "sbi_call.h"

static char line[256];
static unsigned line_len;
static bool have_dbcn;

static void flush(void)
{
	uintptr_t gva = (uintptr_t)line;
	/* DBCN wants a guest-physical address: our code and data run at the
	 * high alias, GPA = GVA - GVA_HIGH_OFFSET. */
	uint64_t gpa = gva >= GVA_HIGH_OFFSET ? gva - GVA_HIGH_OFFSET : gva;
	if (line_len && have_dbcn)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, line_len, gpa, 0);
	else
		for (unsigned i = 0; i < line_len; i++)
			sbi_legacy(SBI_EXT_0_1_CONSOLE_PUTCHAR, (uint8_t)line[i], NULL);
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

/* DBCN when the SBI beneath offers it (tracevisor does; OpenSBI 1.1, for
 * a guest run natively, does not), else legacy putchar. */
void console_init(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN, 0, 0);
	have_dbcn = r.error == 0 && r.value != 0;
	line_len = 0;
}
