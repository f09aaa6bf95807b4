/*
 * Console output through the SBI firmware, with a small line buffer so that
 * DBCN (one SBI call per buffer) and legacy putchar (one call per byte) both
 * see whole lines. picolibc's stdio (printf) writes here through `stdout`.
 */
#include "console.h"

#include "../sbi/firmware.h"

static char line[256];
static size_t line_len;

void console_flush(void)
{
	if (line_len) {
		fw_console_write(line, line_len);
		line_len = 0;
	}
}

void console_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		console_flush();
}

void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		console_putc(s[i]);
}

int console_getc(void)
{
	console_flush();
	return fw_console_getchar();
}

static int stdout_putc(char c, FILE *f)
{
	(void)f;
	console_putc(c);
	return (unsigned char)c;
}

static int stdout_flush(FILE *f)
{
	(void)f;
	console_flush();
	return 0;
}

static FILE console_file = FDEV_SETUP_STREAM(stdout_putc, NULL, stdout_flush,
					     _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;
FILE *const stdin = &console_file;

void console_init(void)
{
	fw_probe_all();
}
