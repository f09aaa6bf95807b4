/*
 * The hypervisor's console: everything it prints, the guests' console
 * output and the trace dumps go through the SBI console of the firmware.
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#include "hyp.h"

void console_init(void);
void console_write(const char *s, size_t len);
void console_putc(char c);
void console_flush(void);
int console_getc(void); /* -1 when no input is waiting */

#endif
