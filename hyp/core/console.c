/*
 * Console output through the SBI firmware. Each hart collects a line in its
 * own buffer and writes it whole under a lock, so lines from different
 * harts (the hypervisor's, the guests' UART output, trace frames) never
 * mix, and DBCN (one SBI call per buffer) and legacy putchar (one call per
 * byte) both see whole lines. picolibc's stdio (printf) writes here through
 * `stdout`.
 */
#include "console.h"

#include "../sbi/firmware.h"
#include "spinlock.h"
#include "vcpu.h"

struct line_buf {
	char text[256];
	size_t len;
};

static struct line_buf lines[MAX_HARTS];
static spinlock_t console_lock;

/* This hart's buffer: tp holds its vcpu once the hypervisor has set it up
 * (before that only the boot hart runs, with slot 0). */
static struct line_buf *my_line(void)
{
	extern struct vcpu *vcpu_of_slot(unsigned slot);
	struct vcpu *v = this_vcpu();
	for (unsigned i = 0; i < MAX_HARTS; i++)
		if (v == vcpu_of_slot(i))
			return &lines[i];
	return &lines[0];
}

void console_flush(void)
{
	struct line_buf *l = my_line();
	if (l->len) {
		spin_lock(&console_lock);
		fw_console_write(l->text, l->len);
		spin_unlock(&console_lock);
		l->len = 0;
	}
}

void console_putc(char c)
{
	struct line_buf *l = my_line();
	l->text[l->len++] = c;
	if (c == '\n' || l->len == sizeof(l->text))
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
