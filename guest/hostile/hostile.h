/*
 * The hostile guest: a VS-mode program that attacks the hypervisor it runs
 * on, one attempt at a time, and reports for each what it got back, what
 * the specifications say it should get, and whether the attempt was
 * contained. See README.md ("Hostile guests") and
 * tests/system/test_hostile.sh.
 */
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracevisor/csr.h>
#include <tracevisor/guest_map.h>

#include "guest_common.h"
#include "sbi_call.h"

/* The guest's machine (hyp/core/vm.h; the device tree says the same). */
#define GPA_PLIC 0x0c000000UL
#define GPA_UART 0x10000000UL
#define GPA_TESTDEV TV_GPA_TESTDEV
#define TESTDEV_SIZE 0x1000UL

/* Test device registers (hyp/mmio/testdev.c). */
#define TD_ID 0x00
#define TD_SCRATCH 0x08
#define TD_EXITS 0x10
#define TD_RANGES 0x20
#define TD_MAX_RANGES 16

#define GIB (1UL << 30)

/* Every attempt starts with a trace mark of this value + its number, so
 * the test script can find the attempt's records in the trace. */
#define MARK_ATTEMPT 0xA7700000UL
#define MARK_END 0xA77FFFFFUL

/* start.S: x1..x31 at 8*n, epc at 8*32. */
struct trap_frame {
	uint64_t x[32];
	uint64_t epc;
	uint64_t pad;
};

/* What the machine is (read from the device tree and the test device). */
struct machine {
	uint64_t ram_base, ram_size;
	uint64_t timebase_hz;
	unsigned nharts;
	unsigned nranges;
	uint64_t range_base[TD_MAX_RANGES], range_size[TD_MAX_RANGES];
	unsigned long storm;	/* exits for the trap storm (hostile.storm=N) */
};
extern struct machine mach;

/*
 * A trap the next instruction is meant to raise. The handler records it
 * and resumes after the faulting instruction, or, for a fetch probe, at
 * the return address the jump left in ra.
 */
struct probe {
	volatile bool armed, seen, fetch;
	volatile uint64_t cause, tval, epc;
};
extern struct probe probe;

/* Arm the probe: the next trap is expected and recorded. */
void probe_arm(bool fetch);

/* How an attempt ended, judged against its expectation. */
enum verdict {
	CONTAINED,	/* the outcome is the expected one */
	DIFFERS,	/* contained, but not the outcome the spec asks for */
	ESCAPE,		/* the guest reached something it must not */
};

/* Console text through legacy putchar, one exit per byte. */
void legacy_bytes(const char *s, size_t n);
/* Start attempt N+1: counts it and records a trace mark. */
void attempt_begin(void);
/* End it: one line "attempt N: WHAT: OUTCOME (expected EXPECTED) - ...". */
void attempt_end(const char *what, const char *outcome, const char *expected,
		 enum verdict v);

/* Text for a trap: "load access fault (cause 5), stval 0x80000000". */
void trap_text(char *buf, unsigned size, uint64_t cause, uint64_t tval);
/* Text for an SBI error: "SBI_ERR_INVALID_PARAM (-3)". */
const char *sbi_err_text(long err);

uint64_t td_read(unsigned reg);
void td_write(unsigned reg, uint64_t val);

/* paging.c: Sv39 VS-stage tables. gva_for_gpa maps the gigapage holding
 * gpa (identity below 256 GiB, else through a window) and returns the
 * guest-virtual address that reaches gpa. */
void paging_init(void);
uint64_t gva_for_gpa(uint64_t gpa);
/* Make the window's first-level entry a pointer to a page table at
 * guest-physical `table` (a hostile walk); returns a GVA it translates. */
uint64_t window_via_table(uint64_t table, uint64_t offset);
/* Map the 4 KiB page holding gpa at the window; returns the GVA of gpa. */
uint64_t window_page(uint64_t gpa);
/* Map the topmost page (GVA 2^64 - 4096) to gpa, fenced or not; returns
 * its GVA. top_page_unmap() removes it. */
uint64_t top_page_map(uint64_t gpa, bool fence);
void top_page_unmap(void);
/* Unmap the window. */
void window_reset(void);

void guest_shutdown(bool failure) __attribute__((noreturn));

/* The attacks, in the order they run. */
void attack_memory(void);
void attack_mmio(void);
void attack_sbi(void);
void attack_csrs(void);
void attack_storm(void);
/* trace_attacks.c: forged trace dumps, concurrent dumps from two vCPUs;
 * then, as the very last attempt, trace filter 0 before shutdown. */
void attack_trace(void);
void attack_trace_filter_last(void);
/* trace_cycles.c: stop and rewind cycle/instret through SBI PMU. */
void attack_trace_cycles(void);

/* shared.c: a time-shared hart's registers (only when it is shared). */
void attack_shared_hart(void);
/* user.c: WFI from our own VU-mode code; user_trap() is guest_trap's
 * part for that trip (true when the trap was the trip's). */
void attack_vu_wfi(void);
bool user_trap(uint64_t cause);
/* shared.c: what the hart held at our first entry; called first of all. */
void first_entry_look(void);

/* Variants chosen by hostile=NAME in /chosen/bootargs. */
void variant_doublefault(void) __attribute__((noreturn));
void variant_spin(void) __attribute__((noreturn));
void variant_fencewrap(void) __attribute__((noreturn));
void variant_textforge(void) __attribute__((noreturn)); /* trace_attacks.c */
void variant_switchflood(void) __attribute__((noreturn)); /* trace_attacks.c */
void variant_tickstop(void) __attribute__((noreturn));	/* tickstop.c */
void variant_tickdrop(void) __attribute__((noreturn));	/* tickstop.c */
void variant_tickmarks(void) __attribute__((noreturn)); /* tickstop.c */
void variant_stoplate(void) __attribute__((noreturn));	/* tickstop.c */
void variant_farcmp(void) __attribute__((noreturn));	/* farcmp.c */
void variant_tickwake(void) __attribute__((noreturn));	/* tickwake.c */

/* vCPU 1's entry (second.S) and what it runs there instead of the
 * concurrent dump requests, when set (trace_attacks.c). */
extern const char hostile_second_entry[];
extern void (*volatile hostile_second_job)(void);

#endif
