/*
 * Steal-time Accounting Extension (EID 0x535441 "STA"), SBI specification
 * "Steal-time Accounting Extension" (src/ext-steal-time.adoc):
 * steal_time_set_shmem(unsigned long shmem_phys_lo, unsigned long
 * shmem_phys_hi, unsigned long flags). All three are XLEN-wide, every bit
 * counts. lo and hi both all-ones: stop reporting. Else lo "MUST be 64-byte
 * aligned" and flags "MUST be zero" (else SBI_ERR_INVALID_PARAM); memory
 * that is not writable or fails "Shared memory physical address range
 * parameter" (src/binary-encoding.adoc: every address accessible, else
 * SBI_ERR_INVALID_ADDRESS): SBI_ERR_INVALID_ADDRESS; value 0. The
 * implementation "MUST zero the first 64 bytes of the shared memory before
 * returning". The structure ("STA Shared Memory Structure"): sequence
 * (u32, odd while steal is written, even after), flags (u32, always 0),
 * steal (u64 ns), preempted (u8, zero "before the virtual hart starts to
 * run again"), 47 bytes of zero padding.
 *
 * Steal time is provoked with exits this vCPU does not cause: its timer
 * interrupts, delivered through the hypervisor's own timer.
 */
#include <string.h>

#include "conform.h"

struct sta_shmem {
	volatile uint32_t sequence;
	volatile uint32_t flags;
	volatile uint64_t steal;
	volatile uint8_t preempted;
	volatile uint8_t pad[47];
};
_Static_assert(sizeof(struct sta_shmem) == 64, "the STA structure is 64 bytes");

/* 64 bytes for the structure and 64 after it that are not the structure's. */
static union {
	struct sta_shmem s;
	uint8_t b[128];
} sta_mem __attribute__((aligned(64)));

#define FILL 0xA5

/* Read steal with the protocol: sequence before and after, equal and even. */
static uint64_t sta_read(uint32_t *seq)
{
	for (unsigned tries = 0; tries < 1000000; tries++) {
		uint32_t s0 = sta_mem.s.sequence;
		__asm__ volatile("fence r, r" ::: "memory");
		uint64_t steal = sta_mem.s.steal;
		__asm__ volatile("fence r, r" ::: "memory");
		// cppcheck-suppress knownConditionTrueFalse ; volatile: the hypervisor writes it
		if (!(s0 & 1) && sta_mem.s.sequence == s0) {
			*seq = s0;
			return steal;
		}
	}
	*seq = 1; /* odd for a million reads: reported as such */
	return 0;
}

/* n timer interrupts, each 0.5 ms ahead: the hypervisor's timer exits. */
static unsigned timer_exits(unsigned n)
{
	unsigned got = 0;
	for (unsigned i = 0; i < n; i++) {
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, now() + timebase_hz / 2000, 0, 0);
		got += timer_irq_within(timebase_hz / 10);
	}
	clear_timer();
	return got;
}

static void set_addr(struct conform_ctx *x, unsigned long off)
{
	x->a[0] = (uintptr_t)&sta_mem + off;
}

static void at_shmem(struct conform_ctx *x) { set_addr(x, 0); }
static void at_shmem_32(struct conform_ctx *x) { set_addr(x, 32); }
static void at_shmem_1(struct conform_ctx *x) { set_addr(x, 1); }

/* The first 64 bytes as a fresh structure: zero, but for a sequence that
 * may have moved on (even) with a steal time since the call returned; the
 * 64 bytes after it untouched. `prev` > 0: the sequence was that before
 * the call, so it must have been zeroed (be lower now). */
static bool zeroed(struct conform_ctx *x, uint32_t prev)
{
	uint32_t seq;
	uint64_t steal = sta_read(&seq);
	unsigned pad = 0, after = 0;
	for (unsigned i = 0; i < 47; i++)
		pad += sta_mem.s.pad[i] != 0;
	for (unsigned i = 64; i < 128; i++)
		after += sta_mem.b[i] != FILL;
	bool ok = !(seq & 1) && (seq != 0 || steal == 0) && (prev == 0 || seq < prev) &&
		  sta_mem.s.flags == 0 && sta_mem.s.preempted == 0 && pad == 0 && after == 0;
	if (!ok)
		snprintf(x->why, sizeof(x->why), "after set_shmem: sequence %u (was %u) steal %lu "
			 "flags %u preempted %u, %u pad bytes not 0, %u bytes past 64 changed", seq,
			 prev, (unsigned long)steal, sta_mem.s.flags, sta_mem.s.preempted, pad, after);
	return ok;
}

static void fill(struct conform_ctx *x)
{
	memset((void *)sta_mem.b, FILL, sizeof(sta_mem.b));
	at_shmem(x);
}

static bool fresh(struct conform_ctx *x)
{
	return zeroed(x, 0);
}

/* Reporting on: steal time from n timer exits, read with the protocol. */
static uint32_t seq_before, seq_after;
static uint64_t steal_before, steal_after, elapsed_ns;
static unsigned exits;

static void steal_some(struct conform_ctx *x)
{
	steal_before = sta_read(&seq_before);
	uint64_t t0 = now();
	exits = timer_exits(4);
	elapsed_ns = (now() - t0) * (1000000000UL / timebase_hz);
	steal_after = sta_read(&seq_after);
	at_shmem(x);
}

/* The call came after steal time had been written: the structure was
 * zeroed again, and the writes before it followed the protocol. Steal
 * time is what the SBI implementation takes from the hart: with the
 * guest's timer its own (Sstc straight to the guest, tracevisor's
 * tv.timer=sstc) its interrupts take nothing, and if nothing else did,
 * there is no write to check: the check is skipped, the zeroing still
 * checked. */
static bool restarted(struct conform_ctx *x)
{
	if (exits == 4 && seq_after == seq_before && steal_after == steal_before) {
		x->skip = true;
		snprintf(x->why, sizeof(x->why), "no steal time in 4 timer interrupts (sequence %u): "
			 "none reached the SBI implementation", seq_after);
		return zeroed(x, 0);
	}
	if (exits != 4 || seq_after < seq_before + 2 * exits || (seq_after & 1) ||
	    steal_after <= steal_before || steal_after - steal_before > elapsed_ns) {
		snprintf(x->why, sizeof(x->why), "%u of 4 timer exits: sequence %u -> %u, steal "
			 "%lu -> %lu ns in %lu ns", exits, seq_before, seq_after,
			 (unsigned long)steal_before, (unsigned long)steal_after,
			 (unsigned long)elapsed_ns);
		return false;
	}
	return zeroed(x, seq_after);
}

/* Reporting off: nothing is written any more, whatever is stolen. */
static bool left_alone(struct conform_ctx *x)
{
	memset((void *)sta_mem.b, 0x5A, sizeof(sta_mem.b));
	unsigned n = timer_exits(2), changed = 0;
	for (unsigned i = 0; i < sizeof(sta_mem.b); i++)
		changed += sta_mem.b[i] != 0x5A;
	if (n == 2 && changed == 0)
		return true;
	snprintf(x->why, sizeof(x->why), "%u of 2 timer exits; %u bytes written after reporting "
		 "was turned off", n, changed);
	return false;
}

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define SHMEM(n, lo, hi, flags, err, prep)                                     \
	{ .func = "steal_time_set_shmem", .name = n, .fid = SBI_STA_STEAL_TIME_SET_SHMEM, \
	  .a = { lo, hi, LIT(flags) }, .want_error = (err), .vmode = V_EQ,        \
	  .want = LIT(0), .prepare = prep } /* "sbiret.value is set to zero" */
/* NOLINTEND(bugprone-macro-parentheses) */
#define HERE LIT(0) /* the prepare hook puts the structure's address here */

static const struct conform_case sta_cases[] = {
	SHMEM("flags 1 (reserved, must be zero)", HERE, LIT(0), 1, SBI_ERR_INVALID_PARAM,
	      at_shmem),
	SHMEM("flags bit 63", HERE, LIT(0), 1UL << 63, SBI_ERR_INVALID_PARAM, at_shmem),
	SHMEM("flags 0x1_00000000 (unsigned long: every bit counts)", HERE, LIT(0),
	      1UL << 32, SBI_ERR_INVALID_PARAM, at_shmem),
	SHMEM("lo 32-byte aligned", HERE, LIT(0), 0, SBI_ERR_INVALID_PARAM, at_shmem_32),
	SHMEM("lo odd", HERE, LIT(0), 0, SBI_ERR_INVALID_PARAM, at_shmem_1),
	SHMEM("lo all-ones, hi 0 (not both all-ones: lo unaligned)", LIT(~0UL), LIT(0), 0,
	      SBI_ERR_INVALID_PARAM, NULL),
	SHMEM("lo 0 (aligned, not RAM)", LIT(0), LIT(0), 0, SBI_ERR_INVALID_ADDRESS, NULL),
	SHMEM("lo = end of RAM", RAM_END(0), LIT(0), 0, SBI_ERR_INVALID_ADDRESS, NULL),
	SHMEM("lo 2^64 - 64", LIT(~63UL), LIT(0), 0, SBI_ERR_INVALID_ADDRESS, NULL),
	SHMEM("lo 2^32 + RAM base (unsigned long: not RAM)", RAM_BASE(1UL << 32), LIT(0), 0,
	      SBI_ERR_INVALID_ADDRESS, NULL),
	SHMEM("hi 1 (an address >= 2^64)", HERE, LIT(1), 0, SBI_ERR_INVALID_ADDRESS, at_shmem),
	SHMEM("lo in RAM, hi all-ones (not both all-ones)", HERE, LIT(~0UL), 0,
	      SBI_ERR_INVALID_ADDRESS, at_shmem),
	{ .func = "steal_time_set_shmem", .name = "64 bytes in RAM: zeroed before it returns, "
	  "the next 64 untouched", .fid = SBI_STA_STEAL_TIME_SET_SHMEM, .a = { HERE },
	  .vmode = V_EQ, .want = LIT(0), .prepare = fill, .verify = fresh },
	{ .func = "steal_time_set_shmem", .name = "FID 0x1_00000000 (low 32 bits: set_shmem) "
	  "after 4 timer exits were written with the sequence protocol: zeroed again",
	  .fid = 0x100000000UL, .a = { HERE }, .vmode = V_EQ, .want = LIT(0),
	  .prepare = steal_some, .verify = restarted },
	{ .func = "steal_time_set_shmem", .name = "lo and hi all-ones: reporting stops, "
	  "nothing written after 2 timer exits", .fid = SBI_STA_STEAL_TIME_SET_SHMEM,
	  .a = { LIT(~0UL), LIT(~0UL) }, .vmode = V_EQ, .want = LIT(0), .verify = left_alone },
	SHMEM("lo and hi all-ones again (already off)", LIT(~0UL), LIT(~0UL), 0, 0, NULL),
	{ .func = "FID_1", .name = "past the last function", .fid = 1,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite sta_suite = {
	.ext = "STA", .eid = SBI_EXT_STA, .order = 94,
	.cases = sta_cases, .ncases = ARRAY_LEN(sta_cases),
};
CONFORM_SUITE(sta_suite);
