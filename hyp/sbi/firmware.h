/*
 * Calls from the hypervisor down to the SBI firmware (OpenSBI) beneath it.
 * The calling convention is the SBI specification's "Binary Encoding":
 * a7 = EID, a6 = FID, a0..a5 arguments; a0 = error, a1 = value.
 */
#ifndef HYP_SBI_FIRMWARE_H
#define HYP_SBI_FIRMWARE_H

#include "../core/hyp.h"

struct sbiret {
	long error;
	long value;
};

struct sbiret fw_call(unsigned long eid, unsigned long fid, unsigned long a0,
		      unsigned long a1, unsigned long a2);
void fw_probe_all(void);		 /* fills fw_has_* below */
bool fw_has_dbcn(void);
bool fw_has_srst(void);
void fw_set_timer(uint64_t when);
void fw_console_write(const char *s, size_t len);
int fw_console_getchar(void);		 /* -1 when no input */
void fw_shutdown(bool failure) __attribute__((noreturn));
/* The same, a failure carrying `code` as QEMU's exit status when a test
 * finisher is there to take it (fw_shutdown's failures carry 1). */
void fw_shutdown_code(bool failure, unsigned code) __attribute__((noreturn));
/* A SiFive test finisher ("sifive,test0") to report failures through. */
void fw_set_finisher(uint64_t addr);
long fw_spec_version(void);

#endif
