/*
 * Attacks on a time-shared hart (tv.vmN=...,harts:S): what one VM leaves
 * in the hart's registers must not reach another, and what it keeps there
 * must survive the other VM's turns. The hypervisor saves and loads the
 * floating-point registers, fcsr and the supervisor CSRs that have no VS
 * copy (hyp/core/vcpu_state.h) at every switch; run two hostile guests on
 * one hart (each fills with a pattern of its own VM) and a missing save
 * shows as the other VM's values here.
 */
#include <string.h>

#include "hostile.h"

/* How many vCPUs take turns on our hart, and how often it switched. */
static uint64_t hart_vcpus(void)
{
	return td_read(TV_TESTDEV_HART_VCPUS);
}

static uint64_t switches(void)
{
	return td_read(TV_TESTDEV_SWITCHES);
}

static uint64_t time_now(void)
{
	return csr_read(CSR_TIME);
}

/* Spin (no exit of our own but the test device reads) until the hart gave
 * itself away at least twice, at most 2 s. */
static uint64_t sit_out_turns(void)
{
	uint64_t s0 = switches();
	uint64_t until = time_now() + 2 * mach.timebase_hz;
	while (switches() < s0 + 2 && time_now() < until) {
		uint64_t t = time_now() + mach.timebase_hz / 1000;
		while (time_now() < t)
			;
	}
	return switches() - s0;
}

/* f0..f31 := base ^ i, fcsr's rounding mode := frm; then read back. */
static void fp_fill(uint64_t base, uint64_t frm)
{
#define FILL(n) __asm__ volatile(".option push\n.option arch, +d\n fmv.d.x f" #n ", %0\n.option pop" ::"r"((base) ^ (n)))
	FILL(0); FILL(1); FILL(2); FILL(3); FILL(4); FILL(5); FILL(6); FILL(7);
	FILL(8); FILL(9); FILL(10); FILL(11); FILL(12); FILL(13); FILL(14); FILL(15);
	FILL(16); FILL(17); FILL(18); FILL(19); FILL(20); FILL(21); FILL(22); FILL(23);
	FILL(24); FILL(25); FILL(26); FILL(27); FILL(28); FILL(29); FILL(30); FILL(31);
#undef FILL
	__asm__ volatile(".option push\n.option arch, +d\n fsrm zero, %0\n.option pop" ::"r"(frm));
}

/* How many of f0..f31 still hold base ^ i, and fcsr's rounding mode. */
static unsigned fp_intact(uint64_t base, uint64_t *frm)
{
	unsigned ok = 0;
	uint64_t got;
#define READ(n)                                                                                  \
	__asm__ volatile(".option push\n.option arch, +d\n fmv.x.d %0, f" #n "\n.option pop"       \
			 : "=r"(got));                                                           \
	ok += got == ((base) ^ (n))
	READ(0); READ(1); READ(2); READ(3); READ(4); READ(5); READ(6); READ(7);
	READ(8); READ(9); READ(10); READ(11); READ(12); READ(13); READ(14); READ(15);
	READ(16); READ(17); READ(18); READ(19); READ(20); READ(21); READ(22); READ(23);
	READ(24); READ(25); READ(26); READ(27); READ(28); READ(29); READ(30); READ(31);
#undef READ
	__asm__ volatile(".option push\n.option arch, +d\n frrm %0\n.option pop" : "=r"(*frm));
	return ok;
}

/* What the hart held for our vCPU at its first entry, before anything of
 * ours ran (first_entry_look(), called first by main.c): f0-f31 and fcsr,
 * which vcpu_init() zeroes, scounteren and senvcfg, which it sets as the
 * firmware gave them. On a time-shared hart the vCPU before us may be
 * another VM's, which left values of its own there at its own first
 * entry (the same function, below): f0-f31 its pattern, fcsr's flags,
 * scounteren CY|IR without TM and senvcfg.FIOM, none of which a firmware
 * gives. */
#define LEFT_SCOUNTEREN 0x5
#define LEFT_SENVCFG 0x1
#define FIRST_REGS 35u
static uint64_t first_seen[FIRST_REGS];

void first_entry_look(void)
{
	uint64_t got, pattern;

	csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL); /* FP on (our vsstatus) */
#define READ(n)                                                                                  \
	__asm__ volatile(".option push\n.option arch, +d\n fmv.x.d %0, f" #n "\n.option pop"       \
			 : "=r"(got));                                                           \
	first_seen[n] = got
	READ(0); READ(1); READ(2); READ(3); READ(4); READ(5); READ(6); READ(7);
	READ(8); READ(9); READ(10); READ(11); READ(12); READ(13); READ(14); READ(15);
	READ(16); READ(17); READ(18); READ(19); READ(20); READ(21); READ(22); READ(23);
	READ(24); READ(25); READ(26); READ(27); READ(28); READ(29); READ(30); READ(31);
#undef READ
	__asm__ volatile(".option push\n.option arch, +d\n frcsr %0\n.option pop" : "=r"(got));
	first_seen[32] = got;
	first_seen[33] = csr_read(CSR_SCOUNTEREN);
	first_seen[34] = csr_read(CSR_SENVCFG);
	/* Leave values of our own VM for whoever comes next. */
	pattern = td_read(TV_TESTDEV_FILL_PATTERN_REG);
	fp_fill(pattern, 2);
	__asm__ volatile(".option push\n.option arch, +d\n fsflags %0\n.option pop" ::"r"(0x1fUL));
	csr_write(CSR_SCOUNTEREN, LEFT_SCOUNTEREN);
	csr_write(CSR_SENVCFG, LEFT_SENVCFG);
}

static void report_first_entry(void)
{
	unsigned dirty = 0;
	char out[96];

	for (unsigned i = 0; i <= 32; i++)
		dirty += first_seen[i] != 0;
	dirty += first_seen[33] == LEFT_SCOUNTEREN;
	dirty += first_seen[34] == LEFT_SENVCFG;
	attempt_begin();
	snprintf(out, sizeof(out), "%u of %u left by another (f0 %#lx, fcsr %#lx, scounteren %#lx)",
		 dirty, FIRST_REGS, (unsigned long)first_seen[0], (unsigned long)first_seen[32],
		 (unsigned long)first_seen[33]);
	attempt_end("f0-f31, fcsr, scounteren and senvcfg at our vCPU's first entry", out,
		    "0 of 35: FP zero, the CSRs the firmware's", dirty ? ESCAPE : CONTAINED);
}

/* Rounds of: fill the registers with values of our own VM, let the other
 * vCPUs have the hart (two switches: out and back), check; for 1 s and at
 * least 8 rounds. Two hostile VMs on one hart run this loop at about the
 * same time (they run the same attacks before it, a fraction of a second
 * apart), so each fills its registers during the other's rounds: a
 * register the hypervisor does not switch shows the other VM's value. sscratch is
 * vsscratch (a VS CSR); scounteren has no VS copy, so the hypervisor must
 * swap it ("Hypervisor and Virtual Supervisor CSRs"). */
#define ROUNDS 8
#define ROUNDS_FOR_S 1

static void attack_turns(uint64_t pattern)
{
	/* rounding mode and scounteren (CY, IR bits) differ by VM too */
	uint64_t frm_mine = (pattern >> 32) & 1 ? 2 : 3;
	uint64_t counteren_mine = (pattern >> 32) & 1 ? 0x1 : 0x5;
	uint64_t scratch0 = csr_read(CSR_SSCRATCH), counteren0 = csr_read(CSR_SCOUNTEREN);
	unsigned worst = 32, frm_lost = 0, csr_lost = 0;
	uint64_t turns = 0;
	char out[112];
	csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL); /* FP on (our vsstatus) */
	uint64_t until = time_now() + ROUNDS_FOR_S * mach.timebase_hz;
	unsigned r;
	for (r = 0; r < ROUNDS || time_now() < until; r++) {
		uint64_t mine = pattern ^ ((uint64_t)r << 40), frm;
		fp_fill(mine, frm_mine);
		csr_write(CSR_SSCRATCH, mine);
		csr_write(CSR_SCOUNTEREN, counteren_mine);
		turns += sit_out_turns();
		unsigned ok = fp_intact(mine, &frm);
		worst = ok < worst ? ok : worst;
		frm_lost += frm != frm_mine;
		csr_lost += csr_read(CSR_SSCRATCH) != mine ||
			    csr_read(CSR_SCOUNTEREN) != counteren_mine;
	}
	csr_write(CSR_SSCRATCH, scratch0);
	csr_write(CSR_SCOUNTEREN, counteren0);
	enum verdict enough = turns >= 2 * (uint64_t)r ? CONTAINED : DIFFERS;

	attempt_begin();
	snprintf(out, sizeof(out), "%u of 32 registers ours at worst, frm lost %u times, in %u rounds",
		 worst, frm_lost, r);
	attempt_end("f0-f31 and fcsr across other VMs' turns on our hart", out,
		    "32 of 32 ours, frm never lost, two switches a round",
		    worst == 32 && !frm_lost ? enough : ESCAPE);
	attempt_begin();
	snprintf(out, sizeof(out), "lost in %u of %u rounds, %lu switches", csr_lost, r,
		 (unsigned long)turns);
	attempt_end("sscratch and scounteren across other VMs' turns", out,
		    "never lost, two switches a round", !csr_lost ? enough : ESCAPE);
}

/* Console lines begun before other VMs' turns on our hart and ended after
 * them, each half naming our VM. The other VM prints in its turns (when it
 * runs this too, its halves land in ours), and the console must still show
 * each of our lines whole under our VM's name: a line buffer of the hart's,
 * not the vCPU's, once gave the other VM's half our prefix and joined our
 * second half to its line. tests/system/test_timeshare.sh reads the lines;
 * here the verdict is only whether the turns came mid-line. */
#define CONSOLE_ROUNDS 8U

static void attack_console_lines(unsigned vm)
{
	char half[96];
	uint64_t turns = 0;
	for (unsigned r = 0; r < CONSOLE_ROUNDS; r++) {
		snprintf(half, sizeof(half), "hostile: VM %u's console line %u, begun before other VMs' turns", vm, r);
		legacy_bytes(half, strlen(half));
		turns += sit_out_turns();
		snprintf(half, sizeof(half), " and ended after them (VM %u, line %u)\n", vm, r);
		legacy_bytes(half, strlen(half));
	}
	char out[64];
	attempt_begin();
	snprintf(out, sizeof(out), "%lu switches in %u lines", (unsigned long)turns, CONSOLE_ROUNDS);
	attempt_end("console lines across other VMs' turns (the test reads them whole, ours)", out,
		    "two switches a line", turns >= 2ULL * CONSOLE_ROUNDS ? CONTAINED : DIFFERS);
}

/*
 * The SBI PMU's cycle counter (counter 0: virtual once the guest starts
 * it through SBI, hyp/sbi/sbi_pmu_hw.c) across other VMs' turns: it must
 * count our vCPU's turns on the hart, not the others', or one VM would
 * read in it how long another ran. The hart's cycle rate is measured
 * first on the raw counter, read directly (a turn of another VM in that
 * interval counts in both `time` and `cycle`: the rate is the hart's).
 * Then, with the counter started from 0, we spin for COUNTER_SPAN_MS.
 * How long the others held the hart meanwhile is our steal time (SBI
 * STA: "the amount of time in which this virtual hart was not idle and
 * scheduled out"), which the scheduler measures: gaps in `time` would
 * also count the host preempting QEMU, which stops no counter (under
 * load that made the counter look as if it ran through others' turns).
 * The counter must show (within a margin) the span less the steal.
 */
#define COUNTER_SPAN_MS 120U

static struct {
	volatile uint32_t sequence;
	volatile uint32_t flags;
	volatile uint64_t steal; /* ns */
	uint8_t rest[48];
} counter_sta __attribute__((aligned(64)));

/* Steal time so far, as ticks of `time`. The hypervisor writes the area
 * only while we are switched out or in an exit (before it enters us),
 * never while we read it: no sequence retry is needed. */
static uint64_t steal_ticks(void)
{
	return counter_sta.steal / 1000 * (mach.timebase_hz / 1000) / 1000;
}

static void spin(uint64_t ticks)
{
	uint64_t end = time_now() + ticks;
	while (time_now() < end)
		;
}

static void attack_counter_turns(void)
{
	const uint64_t ms = mach.timebase_hz / 1000;
	char out[160];
	uint64_t t0 = time_now(), c0 = csr_read(CSR_CYCLE);
	spin(20 * ms);
	uint64_t rate_cycles = csr_read(CSR_CYCLE) - c0, rate_ticks = time_now() - t0;

	long sta = sbi_call_full(SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM,
				 (uint64_t)(uintptr_t)&counter_sta, 0, 0, 0, 0, 0).error;
	long err = sbi_call_full(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 0, 1,
				 SBI_PMU_START_SET_INIT_VALUE, 0, 0, 0).error;
	uint64_t s0 = time_now(), v0 = csr_read(CSR_CYCLE), st0 = steal_ticks();
	spin(COUNTER_SPAN_MS * ms);
	uint64_t v1 = csr_read(CSR_CYCLE), span = time_now() - s0, away = steal_ticks() - st0;
	sbi_call_full(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 0, 1, 0, 0, 0, 0);
	sbi_call_full(SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM, ~0UL, ~0UL, 0, 0, 0, 0);

	/* what the counter counted, as ticks of `time` */
	uint64_t counted = rate_cycles ? (v1 - v0) * rate_ticks / rate_cycles : 0;
	enum verdict v = err || sta || !rate_cycles ? DIFFERS
			 : away < span / 4	      ? DIFFERS /* too few turns to tell */
			 : counted > span - away / 2  ? ESCAPE
						      : CONTAINED;
	attempt_begin();
	snprintf(out, sizeof(out),
		 "start %ld; %lu of %lu ms counted, %lu ms other vCPUs' turns (steal time)", err,
		 (unsigned long)(counted / ms), (unsigned long)(span / ms),
		 (unsigned long)(away / ms));
	attempt_end("the PMU's cycle counter across other VMs' turns on our hart", out,
		    "about the span less the others' turns", v);
}

/*
 * The vector registers across other VMs' turns, with vstart left nonzero
 * (the vector specification lets any code write it: "The vstart CSR is
 * writable by unprivileged code"; a guest kernel also finds it nonzero
 * in the handler of a fault taken mid-instruction). Every vector
 * instruction "begin[s] execution with the element number given in the
 * vstart CSR, leaving earlier elements ... undisturbed", the whole-register
 * loads and stores included (they are reserved only for vstart >= evl),
 * so a switch that stores our registers with our vstart in place keeps
 * only the bytes from vstart on, and brings back stale ones before it.
 * With V (checked by reading vlenb under a probe): v0-v7 hold a pattern
 * of our VM's and round, vstart is VEC_START, the hart goes to the others
 * twice; then vstart must still be VEC_START and v0-v7 ours, byte for
 * byte.
 */
#define VEC_START 16UL
#define VEC_ROUNDS 8U
#define VEC_MAX_BYTES 2048U /* v0-v7 at VLEN 2048 */

static uint8_t vec_in[VEC_MAX_BYTES], vec_out[VEC_MAX_BYTES];

static uint64_t vec_vlenb(void)
{
	uint64_t r;
	probe_arm(false);
	__asm__ volatile(".option push\n.option arch, +v\n csrr %0, vlenb\n.option pop"
			 : "=r"(r)::"memory");
	probe.armed = false;
	if (probe.seen)
		return 0; /* illegal instruction: no V */
	return r;
}

static void attack_vector_turns(uint64_t pattern)
{
	csr_set(CSR_SSTATUS, SSTATUS_VS_INITIAL); /* the vector unit on (our vsstatus) */
	uint64_t vlenb = vec_vlenb();
	if (!vlenb || 8 * vlenb > VEC_MAX_BYTES)
		return; /* no V offered (or registers wider than we test) */
	unsigned bytes = (unsigned)(8 * vlenb), worst = bytes, vstart_lost = 0;
	uint64_t turns = 0, first_bad = ~0UL;
	char out[128];
	for (unsigned r = 0; r < VEC_ROUNDS; r++) {
		for (unsigned i = 0; i < bytes; i++)
			vec_in[i] = (uint8_t)((pattern >> (8 * (i % 8))) ^ (r * 37 + i));
		uint64_t vstart;
		__asm__ volatile(".option push\n.option arch, +v\n"
				 " vl8re8.v v0, (%0)\n csrw vstart, %1\n.option pop"
				 ::"r"(vec_in), "r"(VEC_START) : "memory");
		turns += sit_out_turns();
		__asm__ volatile(".option push\n.option arch, +v\n"
				 " csrr %0, vstart\n csrw vstart, zero\n vs8r.v v0, (%1)\n.option pop"
				 : "=&r"(vstart) : "r"(vec_out) : "memory");
		vstart_lost += vstart != VEC_START;
		unsigned ok = 0;
		for (unsigned i = 0; i < bytes; i++) {
			bool same = vec_in[i] == vec_out[i];
			ok += same;
			if (!same && first_bad == ~0UL)
				first_bad = i;
		}
		worst = ok < worst ? ok : worst;
	}
	/* and vtype.vill set (an unsupported vtype given to vsetvl): the
	 * whole-register moves of the switch work "regardless of current
	 * settings in vtype and vl", and vill and vl = 0 must come back */
	uint64_t vtype, vl;
	__asm__ volatile(".option push\n.option arch, +v\n"
			 " vsetvl %0, %1, %2\n.option pop"
			 : "=r"(vl) : "r"(vlenb), "r"(1UL << 63));
	turns += sit_out_turns();
	__asm__ volatile(".option push\n.option arch, +v\n"
			 " csrr %0, vtype\n csrr %1, vl\n.option pop" : "=r"(vtype), "=r"(vl));
	bool vill_kept = vtype == 1UL << 63 && vl == 0;
	attempt_begin();
	char lost[32] = "";
	if (first_bad != ~0UL)
		snprintf(lost, sizeof(lost), " (from byte %lu)", (unsigned long)first_bad);
	snprintf(out, sizeof(out), "%u of %u bytes ours at worst%s, vstart lost %u times, vill %s, %lu switches",
		 worst, bytes, lost, vstart_lost, vill_kept ? "kept" : "lost", (unsigned long)turns);
	attempt_end("v0-v7 with vstart 16, then vtype.vill, across other VMs' turns on our hart", out,
		    "every byte ours, vstart and vill kept, two switches a round",
		    worst != bytes || vstart_lost || !vill_kept ? ESCAPE
		    : turns >= 2ULL * (VEC_ROUNDS + 1) ? CONTAINED : DIFFERS);
}

/*
 * siselect across other VMs' turns, on a hart with the AIA's Ssaia: in
 * VS-mode it is vsiselect, one of the VS CSRs that "substitute for" the
 * supervisor ones while V=1 (AIA "Virtual Supervisor Level"), which the
 * guest reaches whether or not its ISA names Ssaia (no hstateen hides
 * it). A hypervisor that does not switch it leaves one VM's value for
 * the other: at our first read (we never wrote it: 0, as at reset) and
 * after the other's turns. siselect must hold "any 8-bit value" with an
 * IMSIC; each VM writes values of its own (0x80 + round, 0xc0 + round).
 */

static bool siselect_read(uint64_t *val)
{
	uint64_t r;
	probe_arm(false);
	__asm__ volatile("csrr %0, 0x150" : "=r"(r)::"memory");
	probe.armed = false;
	if (probe.seen)
		return false; /* no Ssaia: an illegal instruction */
	*val = r;
	return true;
}

static void attack_siselect_turns(uint64_t pattern)
{
	uint64_t first, got = 0;
	if (!siselect_read(&first))
		return;
	uint64_t base = (pattern >> 32) & 1 ? 0xc0 : 0x80, turns = 0;
	unsigned lost = 0;
	char out[112];
	for (unsigned r = 0; r < ROUNDS; r++) {
		__asm__ volatile("csrw 0x150, %0" ::"r"(base + r) : "memory");
		turns += sit_out_turns();
		siselect_read(&got);
		lost += got != base + r;
	}
	__asm__ volatile("csrw 0x150, zero" ::: "memory");
	attempt_begin();
	snprintf(out, sizeof(out), "%#lx before our first write, lost in %u of %u rounds, %lu switches",
		 (unsigned long)first, lost, (unsigned)ROUNDS, (unsigned long)turns);
	attempt_end("siselect (vsiselect) across other VMs' turns on our hart", out,
		    "0 at first, never lost, two switches a round",
		    first || lost ? ESCAPE : turns >= 2ULL * ROUNDS ? CONTAINED : DIFFERS);
}

/* Runs first (main.c): it needs the other vCPUs of our hart running, and
 * they start with us, while the attacks after it take each VM its own
 * time. */
void attack_shared_hart(void)
{
	uint64_t turns = hart_vcpus();
	if (turns < 2)
		return; /* a hart of our own: nothing to share */
	printf("hostile: our hart is time-shared by %lu vCPUs\n", (unsigned long)turns);
	report_first_entry();
	/* Our VM's own pattern (the test device mixes in the VM id), so two
	 * hostile VMs on one hart fill with different values. */
	uint64_t pattern = td_read(TV_TESTDEV_FILL_PATTERN_REG);
	attack_turns(pattern);
	attack_vector_turns(pattern);
	attack_siselect_turns(pattern);
	attack_counter_turns();
	attack_console_lines((unsigned)((pattern ^ TV_TESTDEV_FILL_PATTERN) >> 32));
}
