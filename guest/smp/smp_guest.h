/*
 * The SMP test guest: vCPU 0 starts every other vCPU with SBI HSM, then
 * drives them through IPI ping-pong, an all-to-all IPI storm, remote
 * fences, hart stop and restart, and shuts the machine down with the
 * verdict. Every vCPU runs the same image; all share one Sv39 root.
 *
 * Coordination: vCPU 0 sends each other vCPU a command (a word in shared
 * memory plus an SBI IPI to wake it) and waits for the acknowledgement
 * (a store). A secondary sleeps in wfi between commands. At most one IPI
 * is ever outstanding from one vCPU to another while counts are checked
 * exactly, so none can merge with another (SBI IPIs, like any pending
 * interrupt bit, may coalesce).
 */
#ifndef GUEST_SMP_GUEST_H
#define GUEST_SMP_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <tracevisor/csr.h>

#include "guest_common.h"
#include "sbi_call.h"

#define MAX_VCPUS 8		  /* the hypervisor's MAX_HARTS */
#define SECONDARY_STACK 16384	  /* bytes of stack per secondary vCPU */
#define TLS_SIZE 256		  /* picolibc's thread-local block per vCPU */
#define PP_ROUNDS 100u		  /* ping-pong round trips per secondary */
#define PP_RESTART_ROUNDS 10u	  /* ... with the restarted vCPU */
#define STORM_ROUNDS 20u		  /* all-to-all rounds per vCPU */
#define STORM_BROADCAST_EVERY 10u  /* every Nth round also to all (base -1) */
#define SFENCE_ROUNDS 12u	  /* PTE flips checked through RFENCE */
#define SFENCE_HOT 2u		  /* vCPUs reading without pause per round */
#define FENCE_I_ROUNDS 8u	  /* code rewrites checked through fence.i */

/* Trace markers (SBI trace extension "mark") around the ping-pong phase,
 * on each vCPU's own hart: tests count the VSSIP injections between. */
#define MARK_PP_BEGIN 0x50500001UL
#define MARK_PP_END 0x50500002UL

/* The GVA whose 4 KiB PTE vCPU 0 rewrites (VS-stage, shared root). */
#define GVA_FLIP 0x40000000UL
#define MAGIC_A 0xAAAA0000AAAA0001UL
#define MAGIC_B 0xBBBB0000BBBB0002UL

/* Commands vCPU 0 gives the others (struct vcpu_ctl.cmd). */
enum smp_cmd {
	CMD_NONE,
	CMD_PINGPONG,	/* mark, answer arg pings, mark */
	CMD_STORM,	/* all-to-all IPIs for arg rounds */
	CMD_SPIN_FLIP,	/* read GVA_FLIP in a loop until the fence is done */
	CMD_READ_FLIP,	/* read GVA_FLIP once, check it is arg */
	CMD_CALL_CODE,	/* call the shared code buffer, report the value */
	CMD_STOP,	/* print what we did, SBI HSM hart_stop */
	CMD_SUSPEND_NONRET, /* non-retentive suspend until a timer 1 ms ahead */
	CMD_RESET_PREP,	/* STA memory and FWFT features set before a stop */
	CMD_RESET_CHECK, /* after hart_start: all of that reset */
	CMD_PLIC_RAISE,	/* arg rounds of raising vCPU 0's UART line (edges.c) */
	CMD_TOUCH,	/* store into untouched guest RAM with the others, round arg (edges.c) */
	CMD_FENCES,	/* arg remote sfence.vma to the boot vCPU (smp.fences) */
	CMD_FENCE_LOOP,	/* remote sfence.vma to the vCPUs of mask arg until dump_done (smp.dump_fences) */
	CMD_DUMP_LATE,	/* ask for a trace dump while vCPU 0's is under way (smp.dump_fences) */
	CMD_SHUTDOWN,	/* SBI SRST shutdown once the time CSR reaches arg (smp.shutdown_race, smp.shutdown_at) */
};

/* One secondary's command slot: vCPU 0 writes cmd/arg then bumps seq;
 * the vCPU answers by setting done = seq (and result). */
struct vcpu_ctl {
	volatile uint32_t cmd;
	volatile uint64_t arg;
	volatile uint64_t seq;
	volatile uint64_t ready;  /* CMD_PINGPONG: marked, pings welcome */
	volatile uint64_t done;
	volatile uint64_t result;
};

/* What each vCPU counted (its own slot written only by itself). */
struct vcpu_stats {
	volatile uint64_t irqs;	      /* software interrupts taken */
	volatile uint64_t received;   /* messages handled (sum of deltas) */
	volatile uint64_t empty;      /* interrupts with no new message */
	volatile uint64_t replies;    /* ping-pong replies sent */
	volatile uint64_t storm_sent; /* storm messages posted */
	uint64_t pp_irqs, pp_msgs;    /* during its ping-pong window */
	uint64_t storm_irqs, storm_msgs;
	uint64_t sfence_ok, sfence_checks, sfence_stale_nofence;
	uint64_t fencei_ok, fencei_checks;
	uint64_t failures;
	volatile uint64_t runs;	      /* times started */
	volatile uint64_t checkin;    /* = runs once it reached C */
	volatile uint64_t boot_a0, boot_a1;
	volatile uint64_t loop_fences;  /* CMD_FENCE_LOOP: fences done so far */
	uint64_t loop_fence_max;        /* CMD_FENCE_LOOP: the longest, in ticks */
};

extern unsigned nvcpus;		 /* from the FDT */
extern bool has_vector;		 /* V in the harts' riscv,isa (FDT) */
extern unsigned boot_hart;	 /* vCPU 0's hart id */
extern bool bench_mode;
extern volatile bool pingpong_mode; /* secondaries reply to vCPU 0 */
extern struct vcpu_ctl ctl[MAX_VCPUS];
extern struct vcpu_stats stats[MAX_VCPUS];
/* Messages: sent[s][t] posted by s for t; got[s][t] the ones t handled. */
extern volatile uint64_t sent[MAX_VCPUS][MAX_VCPUS];
extern volatile uint64_t got[MAX_VCPUS][MAX_VCPUS];
extern uint64_t timebase_hz;

/* SBI calls with up to five arguments (RFENCE needs them). */
struct sbiret sbi5(unsigned long eid, unsigned long fid, unsigned long a0,
		   unsigned long a1, unsigned long a2, unsigned long a3,
		   unsigned long a4);

/* main.c */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail(unsigned me, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void smp_shutdown(bool failure) __attribute__((noreturn));
unsigned failures(void);
unsigned my_hart(void);
bool wait_until(volatile uint64_t *p, uint64_t want, uint64_t ticks);
uint64_t seconds(unsigned n);
void trace_mark(unsigned long value);
void irqs_on(void);
void nap(uint64_t ticks);
void report_secondary(unsigned me);

/* hsm.c */
extern unsigned start_pending_seen, stop_pending_seen;
uintptr_t stack_top(unsigned k);
long hsm_status(unsigned k);
bool start_secondaries(void);
bool start_for_bench(unsigned k);
bool hsm_stop_restart(unsigned *stops, unsigned *restarts);
void suspend_nonret(unsigned me) __attribute__((noreturn));

/* reset.c */
void reset_prep(unsigned me);
void reset_poison(unsigned k);
void reset_check(unsigned me);

/* edges.c */
extern uint64_t ram_base, ram_size;
bool start_at_last_halfword(unsigned k);
bool plic_claim_other_context(void);
bool plic_m_context_silent(void);
bool plic_output_race(void);
bool first_touch_race(void);
void first_touch(unsigned me, uint64_t round);
void plic_ext_interrupt(void);
void plic_raise(unsigned me, uint64_t rounds);

/* ipi.c */
void ipi_handler(void);
long send_ipi(unsigned long mask, unsigned long base);
bool ping_pong(unsigned k, unsigned rounds);
void storm(unsigned me, unsigned rounds);
bool storm_check(void);
void secondary_pingpong(unsigned me, uint64_t rounds);
void bench_ipi_with(unsigned k);
extern volatile uint64_t cmd_seen[MAX_VCPUS];

/* fence.c */
void paging_build(void);
void paging_on(void);
uint64_t read_flip(void);
void spin_flip(unsigned me, uint64_t round);
void read_flip_check(unsigned me, uint64_t want);
uint64_t call_code(void);
bool fence_tests(void);
bool hart_mask_tests(void);

/* main.c: commands to the other vCPUs */
void command(unsigned k, enum smp_cmd cmd, uint64_t arg);
bool command_wait(unsigned k, const char *what);
void command_all(enum smp_cmd cmd, uint64_t arg);
bool command_wait_all(const char *what);
bool is_secondary(unsigned k);

#endif
