/*
 * What the hypervisor knows about the machine, all of it read from the
 * flattened device tree the firmware passed in a1 (no QEMU constants), so
 * the same image boots on a board.
 */
#ifndef HYP_PLATFORM_H
#define HYP_PLATFORM_H

#include "hyp.h"

#define MAX_MEM_RANGES 16

struct mem_range {
	uint64_t base;
	uint64_t size;
};

struct platform {
	struct mem_range ram[MAX_MEM_RANGES];	   /* /memory reg */
	int nram;
	struct mem_range reserved[MAX_MEM_RANGES]; /* /reserved-memory, /memreserve/ */
	int nreserved;
	uint32_t hart_id[MAX_HARTS];		   /* enabled /cpus/cpu@N */
	int nharts;
	int harts_ignored;			   /* harts beyond MAX_HARTS */
	int cpu_node;				   /* the boot hart's node in platform_fdt() */
	bool has_sstc;
	uint64_t timebase_hz;			   /* /cpus timebase-frequency */
	uint64_t uart_base;			   /* console UART from /chosen stdout-path */
	char uart_compat[32];
	uint64_t finisher;			   /* sifive,test0 device, 0 = none */
	uint64_t initrd_start, initrd_end;	   /* /chosen linux,initrd-* (QEMU -initrd) */
	char bootargs[BOOTARGS_MAX];		   /* /chosen bootargs */
	unsigned bootargs_len;			   /* their length in the tree */
	uint8_t rng_seed[64];			   /* /chosen rng-seed (its first 64 bytes) */
	unsigned rng_seed_len;
	uint64_t fdt_addr;			   /* where the firmware put the FDT */
	uint64_t fdt_size;
};

extern struct platform platform;

/* Parse the FDT at `fdt` into `platform`; 0 or a negative error with a
 * message already printed. boot_hart names the hart whose ISA string counts. */
int platform_probe(const void *fdt, unsigned long boot_hart);
void platform_print(void);

/* The device tree copied into hypervisor memory (valid after platform_probe). */
const void *platform_fdt(void);

#endif
