/*
 * The test guest: a bare-metal VS-mode program that exercises every kind
 * of exit in a fixed order and checks what it gets back.
 */
#ifndef GUEST_TEST_GUEST_H
#define GUEST_TEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracevisor/csr.h>
#include <tracevisor/guest_map.h>

#include "guest_common.h"
#include "sbi_call.h"

/* Guest virtual layout (Sv39), set up by paging.c:
 *   0x0000_0000-0x3fff_ffff  identity (GVA = GPA): devices, holes
 *   0x4000_0000              2 MiB window onto GPA 0x1000_0000 (UART, test device)
 *   0x6000_0000              demand-mapped by the page-fault step
 *   0x7fe0_0000-0x7fff_ffff  identity: the hole just below RAM
 *   0x8000_0000-0x1_3fff_ffff identity: RAM (GPA 0x80000000 up), then holes
 *   0xffff_ffff_c000_0000    guest RAM again: where the code runs */
#define GVA_MMIO 0x40000000UL
#define GPA_MMIO 0x10000000UL
#define GVA_UART (GVA_MMIO + 0x0)
#define GVA_TESTDEV (GVA_MMIO + (TV_GPA_TESTDEV - GPA_MMIO))
#define GVA_DEMAND 0x60000000UL
#define GVA_PAIR 0x70000000UL /* a RAM page, then the test device's */

/* Test device registers (hyp/mmio/testdev.c). */
#define TD_ID 0x00
#define TD_SCRATCH 0x08
#define TD_EXITS 0x10
#define TD_MAGIC 0x18
#define TD_RANGES 0x20
#define TD_ID_VALUE 0xF1E2D3C4B5A69788ULL
#define TD_HOSTSCAN TV_TESTDEV_HOSTSCAN
#define TD_HOSTSCAN_WORDS TV_TESTDEV_HOSTSCAN_WORDS
#define TD_FILL_PATTERN TV_TESTDEV_FILL_PATTERN_REG
#define TD_GUEST_EXITS TV_TESTDEV_GUEST_EXITS
#define TD_HART_VCPUS TV_TESTDEV_HART_VCPUS

struct trap_frame {
	uint64_t x[32];
	uint64_t epc;
	uint64_t pad;
};

/* A trap the next instruction is expected to raise. */
struct expected_trap {
	volatile bool armed;
	volatile bool seen;
	volatile uint64_t cause, tval, epc, sstatus;
	uintptr_t resume; /* 0 = skip the faulting instruction */
};
extern struct expected_trap expect;

extern uint64_t guest_ram_base, guest_ram_size, timebase_hz, guest_fdt_gpa;
extern bool guest_has_sstc;
extern bool guest_has_zcb;
/* Our hart takes turns with other VMs' vCPUs (tv.vmN=...,harts:S). */
extern bool hart_shared;
extern unsigned long guest_hart; /* a0 at entry: the hart id SBI gave us */

void paging_init(void);
void paging_map_demand(uint64_t gva);
void paging_map_pair(uint64_t gva, uint64_t first, uint64_t second);
uint64_t paging_gpa_of(const void *p);
uint64_t td_read(unsigned reg);
uint64_t exits_now(void);
uint64_t irq_exits_now(void);
void expect_trap(uintptr_t resume);
void guest_shutdown(bool failure) __attribute__((noreturn));

/* Steps (steps.c). Each returns true on success and prints its findings. */
bool step_sbi_base(void);
bool step_dbcn(void);
bool step_legacy_console(void);
bool step_uart(void);
bool step_mmio_widths(void);
bool step_mmio_registers(void);
bool step_vs_page_fault(void);
bool step_guest_exceptions(void);
bool step_sbi_timer(void);
bool step_wfi(void);
bool step_sstc_timer(void);
bool step_counters(void);
bool step_isolation(void);
bool step_trace_control(void);
bool step_sbi_sta(void);	/* sbi_sta_pmu.c */
bool step_sbi_pmu(void);
bool step_sbi_susp(void);	/* sbi_susp_fwft.c */
bool step_sbi_fwft(void);
bool step_plic(void);		/* plic.c */

extern volatile uint64_t timer_irqs;
extern volatile uint64_t timer_irq_time;
extern volatile bool timer_stimecmp_only;
extern volatile uint64_t ext_irqs; /* external interrupts taken (plic.c) */

#define MMIO8(a) (*(volatile uint8_t *)(a))

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("    FAIL %s:%d: ", __FILE__, __LINE__);        \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			ok = false;                                            \
		}                                                              \
	} while (0)

#endif
