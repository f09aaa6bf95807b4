/*
 * The SBI conformance guest (tv.guest=sbi_conform): every function of
 * every SBI extension the hypervisor offers, called with edge values and
 * compared with what the SBI specification (riscv-non-isa/riscv-sbi-doc,
 * the version Base reports) says the answer must be. docs/sbi-conformance.md
 * is the table these checks come from.
 *
 * One table file per extension (ext_*.c): a `struct conform_suite` with its
 * EID and an array of `struct conform_case` rows, registered with
 * CONFORM_SUITE() into a linker section, so adding an extension's checks is
 * adding one file. Each row is one check and prints one line:
 *   sbi-conform: ok|FAIL <EXT>.<function> <case>: got error=E value=V, want ...
 * Every call goes through conform_ecall (harness.S), which loads every GPR
 * with a known pattern first and checks afterwards that all but a0 and a1
 * (a0 only, for a legacy call) came back unchanged ("Binary Encoding": "All
 * registers except a0 & a1 must be preserved across an SBI call by the
 * callee"; "Legacy Extensions": "All registers except a0 must be
 * preserved").
 */
#ifndef GUEST_SBI_CONFORM_H
#define GUEST_SBI_CONFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracevisor/csr.h>

#include "guest_common.h"
#include "sbi_call.h"

#define MAX_HARTS 8

/* An argument (or an expected value) that may depend on the machine the
 * guest runs on: a literal, or an address/hart id computed at run time
 * plus an offset. */
enum arg_kind {
	A_LIT,	       /* v */
	A_RAM_BASE,    /* guest RAM base + v */
	A_RAM_END,     /* guest RAM end (one past) + v */
	A_RAM_SIZE,    /* guest RAM size + v */
	A_BUF,	       /* a scratch buffer in guest RAM + v */
	A_SELF,	       /* this hart's id + v */
	A_OTHER,       /* the secondary hart's id + v */
	A_NHARTS,      /* the number of harts + v */
	A_ENTRY,       /* secondary_entry (harness.S) + v */
	A_OPAQUE,      /* the secondary's stack top (its hart_start opaque) */
	A_SPEC_VERSION,/* the spec version this guest was built against */
	A_MASK_SELF,   /* 1 << this hart's id */
	A_MASK_OTHER,  /* 1 << the secondary hart's id */
	A_MASK_BEYOND, /* 1 << the number of harts: one past the last */
};

struct arg {
	enum arg_kind kind;
	unsigned long v;
};

#define LIT(x) { A_LIT, (unsigned long)(x) }
#define RAM_BASE(off) { A_RAM_BASE, (unsigned long)(off) }
#define RAM_END(off) { A_RAM_END, (unsigned long)(off) }
#define BUF(off) { A_BUF, (unsigned long)(off) }
#define SELF { A_SELF, 0 }
#define OTHER { A_OTHER, 0 }
#define OTHER_PLUS(off) { A_OTHER, (unsigned long)(off) }
#define RAM_SIZE(off) { A_RAM_SIZE, (unsigned long)(off) }
#define NHARTS(off) { A_NHARTS, (unsigned long)(off) }
#define ENTRY(off) { A_ENTRY, (unsigned long)(off) }
#define OPAQUE { A_OPAQUE, 0 }
#define SPEC_VERSION { A_SPEC_VERSION, 0 }
#define MASK_SELF { A_MASK_SELF, 0 }
#define MASK_OTHER { A_MASK_OTHER, 0 }
#define MASK_BEYOND { A_MASK_BEYOND, 0 }

/* How the returned value (a1) is judged. */
enum want_value {
	V_ANY,	/* unspecified (e.g. after an error: "Binary Encoding") */
	V_EQ,	/* == want */
	V_LE,	/* <= want (unsigned): counts, partial writes */
	V_RANGE_CHAR, /* legacy getchar: a0 is -1 or a byte */
};

/* Expected errors that depend on the specification version reported by
 * Base (a token, never a real SBI error). */
#define E_HART_BASE_ONLY 1000 /* hart_mask 0 with hart_mask_base not a hart:
				 v2.0 INVALID_PARAM, v3.0 SUCCESS */

#define E_SETUP_FAILED 1001 /* a hook could not set the stage: no answer
				 can match, the row fails with the reason */

/* Row flags. */
#define C_LEGACY 1u	  /* v0.1 call: a0 only, a1 preserved */
#define C_EID 2u	  /* use the row's eid, not the suite's */
#define C_NO_REGCHECK 4u  /* the call does not return through the harness */

struct conform_case;
struct conform_ctx {
	const struct conform_case *c;
	unsigned long a[6];	/* the arguments as passed */
	/* What the row wants, resolved; a prepare hook may change these when
	 * the specification lets the answer depend on what the machine
	 * reports (a feature's probe, a counter's index). want_alt: a second
	 * error the specification allows as well (else = want_error). */
	long want_error, want_alt;
	enum want_value vmode;
	unsigned long want;
	struct sbiret got;
	char why[160];		/* a failed hook says why here */
	/* A verify hook whose premise the machine did not give (what the
	 * check watches never happened) sets this and says why: the line
	 * is "skip", not "ok", if nothing else failed. */
	bool skip;
};

struct conform_case {
	const char *func;	/* the function's name in the specification */
	const char *name;	/* the edge case */
	unsigned long fid;	/* a6 as passed, garbage included */
	struct arg a[6];	/* a0..a5 */
	long want_error;
	enum want_value vmode;
	struct arg want;	/* the value, for V_EQ / V_LE */
	unsigned flags;
	unsigned long eid;	/* a7 as passed, with C_EID */
	/* Optional: set the stage (timer, interrupts, the secondary). */
	void (*prepare)(struct conform_ctx *x);
	/* Optional: make the call another way (a call that resumes elsewhere). */
	void (*run)(struct conform_ctx *x);
	/* Optional: check what the call did besides its return; false and
	 * x->why on a mismatch. */
	bool (*verify)(struct conform_ctx *x);
};

struct conform_suite {
	const char *ext;	/* the extension's name, as tvtrace prints it */
	unsigned long eid;
	unsigned order;		/* suites run in ascending order */
	bool legacy;		/* EIDs 0x00-0x0F: every row is a v0.1 call */
	const struct conform_case *cases;
	unsigned ncases;
};

#define CONFORM_SUITE(sym)                                                     \
	static const struct conform_suite *const sym##_entry                  \
		__attribute__((section(".conform_suites"), used)) = &sym

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* harness.S: all 32 GPRs in, all 32 out (x0 slot: scratch). */
struct gprs {
	unsigned long x[32];
};
void conform_ecall(struct gprs *in, struct gprs *out);
/* Non-retentive suspend: returns {error, -1} if the call returned, or
 * {CONFORM_RESUMED, a0 at resume} if the hart resumed at the stub. */
#define CONFORM_RESUMED 0x7e5u
struct sbiret conform_suspend_nonret(unsigned long type_reg);
/* The same for SUSP system_suspend(type, nonret_resume, nonret_ctx). */
struct sbiret conform_system_suspend(unsigned long type_reg);
extern volatile unsigned long nonret_seen[4]; /* a0, a1, satp, sstatus at resume */
extern unsigned long nonret_ctx[32];
extern char secondary_entry[];
extern char nonret_resume[];

/* main.c: the machine and helpers for the hooks. */
extern uint64_t ram_base, ram_size, timebase_hz;
extern unsigned nharts, self_hart, other_hart;
extern char conform_buf[256];
unsigned long spec_version(void);
void setup_failed(struct conform_ctx *x, const char *what);
uint64_t now(void);
bool wait_for(bool (*cond)(void), uint64_t ticks);
bool sip_has(unsigned long bit);
void clear_timer(void);
bool timer_irq_within(uint64_t ticks);
/* Exceptions the boot vCPU provokes on purpose: with trap_expect =
 * scause + 1, guest_trap counts one in traps_taken and skips the 4-byte
 * instruction. */
extern volatile unsigned long trap_expect, traps_taken;
void illegal_insns(unsigned n);
/* ext_time.c: the guest's own stimecmp is armed in the past (main.c's
 * timer interrupt turns it off too, so a hypervisor that fails to clear
 * it fails the row instead of trapping for ever). */
extern volatile bool own_stimecmp;
/* ext_time.c: verify hooks shared with the legacy set_timer. */
bool timer_fired_then_clear(struct conform_ctx *x);
/* ext_ipi.c: hooks shared with RFENCE (same hart lists). */
void ipi_before(struct conform_ctx *x);

/* secondary.c: the second vCPU. */
enum sec_cmd { SEC_NONE, SEC_STOP, SEC_PMU };
/* ext_pmu.c: SEC_PMU on the secondary. */
void secondary_pmu(void);
extern volatile unsigned long sec_checkins, sec_ipis, sec_a0, sec_a1;
uintptr_t secondary_stack_top(void);
void secondary_command(enum sec_cmd cmd);
bool secondary_start(void);
long hsm_status(unsigned long hart);

#endif
