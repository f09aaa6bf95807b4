/*
 * The hypervisor's console: everything it prints, the guests' console
 * output and the trace dumps go through the SBI console of the firmware.
 * console.c states the rules it keeps; the ones that matter for trust:
 * only console_write_frame() (and the progress line) may begin a console
 * line with '~', and only the hypervisor's own text with its tag
 * "tracevisor:"; guest text that would is escaped, so guest output can
 * never pass for a trace frame or a hypervisor message
 * (docs/trace-format.md, "Who may write a frame").
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#include "hyp.h"

void console_init(void);
/* Guest text, buffered, escaped and written a line at a time like
 * console_write: a vCPU's through the SBI console (struct vcpu's console,
 * touched only on its hart), or a device's shared by the vCPUs (the
 * emulated UART, under the device's own lock, in the device's order). */
struct console_stream {
	char text[256];
	size_t len;
	const char *prefix; /* written in front of each line (a VM's name), or NULL */
	bool mid;	    /* the last flush ended inside a line */
};
void console_stream_putc(struct console_stream *s, char c);
/* Show the unfinished line so far (a prompt), but a start of the
 * hypervisor's tag at its end, kept until the line goes on. */
void console_stream_show(struct console_stream *s);
/* Write out everything, a partial line too (the stream ends or stops). */
void console_stream_flush(struct console_stream *s);
/* The hypervisor's own text, buffered per hart and written a line at a
 * time (escaped). */
void console_write(const char *s, size_t len);
void console_putc(char c);
void console_flush(void);
/* One trace dump line, written whole, at the start of a console line,
 * unescaped: a frame ("~TV1:...\n") or a text-dump record ("~vm0-...\n").
 * Only hyp/trace/dump.c calls it. */
void console_write_frame(const char *line, size_t len);
/* A progress line ("~TVP:...\n", progress.c), unescaped, written only
 * when the console stands at the start of a line: it never splits a line
 * a guest is writing (a shell prompt). Returns whether it was written. */
bool console_write_status(const char *line, size_t len);
/* A byte of input, -1 when none is waiting. Ctrl-A x is not passed on:
 * it asks for the guest to be stopped (console_stop_asked), which the
 * caller does with vcpu_stop(v, TV_STOP_CONSOLE, ...) once it is safe. */
int console_getc(void);
extern volatile bool console_stop_flag;
/* Inline: the UART model asks after every access. */
static inline bool console_stop_asked(void)
{
	return console_stop_flag;
}

#endif
