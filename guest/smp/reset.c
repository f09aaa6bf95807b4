/*
 * SMP test guest: what a hart reset clears. A vCPU started again through
 * HSM hart_start is a hart that was reset:
 *  - FWFT: "Upon hart reset, local feature values are not retained and
 *    reset to their default reset values", and LOCK holds only "until hart
 *    reset" for a local feature (every defined feature is local);
 *  - STA: a stopped vCPU is not runnable, and "the SBI implementation MUST
 *    stop writing to the shared memory when the supervisor-mode software
 *    is not runnable"; the hart that starts again has named no memory.
 * Before its stop the vCPU names steal-time memory (and sees it written
 * over timer exits) and sets every FWFT feature the platform supports to a
 * value other than the one it found, locked. After its restart, over more
 * timer exits, that memory (which vCPU 0 filled with POISON meanwhile)
 * must stay as it is, and every feature must read its first value again
 * and take a new one.
 *
 * Nothing else of the run before the stop reaches the new one: a STOPPED
 * hart "is not executing in supervisor-mode or any lower privilege mode"
 * (HSM states), so the IPI vCPU 0 sends it while it is stopped raises no
 * software interrupt in the new run, and the hart starts as at its first
 * start ("Function: Hart start": sstatus.SIE 0; the rest as the first
 * start had it, zero): no interrupt pending or enabled, stvec, sscratch,
 * f0-f31 and fcsr zero, and with V v0-v31, vl, vtype and vcsr zero,
 * though the run before set them all.
 */
#include <string.h>

#include "smp_guest.h"

#define POISON 0x5a

struct sta_shmem {
	volatile uint32_t sequence;
	uint8_t rest[60];
};
static struct sta_shmem sta_mem[MAX_VCPUS] __attribute__((aligned(64)));

static struct {
	uint32_t features;	/* FWFT features set and locked (bit per id) */
	long found[SBI_FWFT_FEATURES]; /* their value at the first start */
	uint32_t sequence;	/* STA sequence after the timer exits */
} before[MAX_VCPUS];

/* What the hart held as it entered secondary_entry (entry.S). */
struct entry_state {
	uint64_t sstatus, sip, sie, stvec, sscratch;
	uint64_t fregs;	/* f0 | f1 | ... | f31 */
	uint64_t fcsr;
	uint64_t pad;
};
_Static_assert(sizeof(struct entry_state) == 64, "entry.S: ENTRY_STATE_SHIFT");
extern volatile struct entry_state entry_state[MAX_VCPUS];

/* f0..f31 and fcsr nonzero, with FS on: what a restart must not keep. */
static void fp_dirty(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL);
#define FILL(n) __asm__ volatile(".option push\n.option arch, +d\n" \
				 "fmv.d.x f" #n ", %0\n.option pop" ::"r"(0xf0f0UL + (n)))
	FILL(0); FILL(1); FILL(2); FILL(3); FILL(4); FILL(5); FILL(6); FILL(7);
	FILL(8); FILL(9); FILL(10); FILL(11); FILL(12); FILL(13); FILL(14); FILL(15);
	FILL(16); FILL(17); FILL(18); FILL(19); FILL(20); FILL(21); FILL(22); FILL(23);
	FILL(24); FILL(25); FILL(26); FILL(27); FILL(28); FILL(29); FILL(30); FILL(31);
#undef FILL
	__asm__ volatile(".option push\n.option arch, +d\nfscsr zero, %0\n.option pop"
			 ::"r"(0x81UL)); /* frm 4, NX */
}

/* The V extension, when the device tree offers it (QEMU: -cpu
 * rv64,v=true), switched on (sstatus.VS; QEMU 7.2 lets VS be set without
 * V, so the bit itself does not tell). */
static bool vector_on(void)
{
	if (has_vector)
		csr_set(CSR_SSTATUS, SSTATUS_VS_INITIAL);
	return has_vector;
}

/* v0-v31 nonzero (every byte 0x5a), vl VLMAX of e8/m8, vxrm 2, vstart 8
 * (which a reset that moves elements must clear first): what a restart
 * must not keep. */
static void vec_dirty(void)
{
	if (!vector_on())
		return;
	__asm__ volatile(".option push\n.option arch, +v\n"
			 "vsetvli t0, x0, e8, m8, ta, ma\n"
			 "vmv.v.x v0, %0\nvmv.v.x v8, %0\nvmv.v.x v16, %0\nvmv.v.x v24, %0\n"
			 "csrwi vxrm, 2\ncsrwi vstart, 8\n.option pop" ::"r"(0x5aUL) : "t0", "memory");
}

/* What the vector unit holds: vstart | vl | vtype | vcsr, then v0 | ... | v31
 * folded to one byte-wise OR (0 where V is missing). Read before
 * anything else touches vl or vtype. */
static uint64_t vec_state(uint64_t *regs)
{
	uint64_t csrs = 0, acc = 0;
	*regs = 0;
	if (!vector_on())
		return 0;
	__asm__ volatile(".option push\n.option arch, +v\n"
			 "csrr %0, vstart\ncsrr t0, vl\nor %0, %0, t0\n"
			 "csrr t0, vtype\nor %0, %0, t0\n"
			 "csrr t0, vcsr\nor %0, %0, t0\n"
			 "vsetvli t0, x0, e8, m8, ta, ma\n"
			 "vor.vv v0, v0, v8\nvor.vv v0, v0, v16\nvor.vv v0, v0, v24\n"
			 "vmv.s.x v8, x0\nvredor.vs v8, v0, v8\nvmv.x.s %1, v8\n.option pop"
			 : "=&r"(csrs), "=&r"(acc) : : "t0", "memory");
	*regs = acc & 0xff;
	return csrs;
}

/* The entry state of vCPU me's last start, as its first start had it:
 * the number of differences, each named. */
static unsigned entry_state_check(unsigned me)
{
	const volatile struct entry_state *e = &entry_state[me];
	const struct {
		const char *what;
		uint64_t got, mask;
	} items[] = {
		{ "sstatus.SIE", e->sstatus, SSTATUS_SIE },
		{ "sip.SSIP/STIP (an IPI sent while stopped?)", e->sip,
		  (1UL << IRQ_S_SOFT) | (1UL << IRQ_S_TIMER) },
		{ "sie", e->sie, ~0UL },
		{ "stvec", e->stvec, ~0UL },
		{ "sscratch", e->sscratch, ~0UL },
		{ "f0 | ... | f31", e->fregs, ~0UL },
		{ "fcsr", e->fcsr, ~0UL },
	};
	uint64_t vregs, vcsrs = vec_state(&vregs);
	unsigned bad = 0;
	if (vcsrs || vregs) {
		fail(me, "entered after hart_start with vstart|vl|vtype|vcsr %#lx, v0-v31's bytes ORed "
		     "%#lx, want 0 (left by the run before)", (unsigned long)vcsrs,
		     (unsigned long)vregs);
		bad++;
	}
	for (unsigned i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		if (items[i].got & items[i].mask) {
			fail(me, "entered after hart_start with %s = %#lx, want 0 (left by the run "
			     "before the stop)", items[i].what,
			     (unsigned long)(items[i].got & items[i].mask));
			bad++;
		}
	return bad;
}

static struct sbiret fwft(unsigned long fid, unsigned long f, unsigned long value,
			  unsigned long flags)
{
	return sbi_call(SBI_EXT_FWFT, fid, f, value, flags);
}

/* A value of feature f other than `now`. */
static unsigned long other_value(unsigned f, long now)
{
	if (f == SBI_FWFT_POINTER_MASKING_PMLEN)
		return now == 0 ? 7 : 0;
	return now == 0 ? 1 : 0;
}

/* Timer exits: naps end in the hypervisor's timer, an exit the guest did
 * not ask for, which is what STA counts as steal time. */
static void timer_exits(void)
{
	for (int i = 0; i < 4; i++)
		nap(timebase_hz / 2000);
}

/* On vCPU `me`, before its stop. */
void reset_prep(unsigned me)
{
	struct sbiret r = sbi_call(SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM,
				   (uintptr_t)&sta_mem[me], 0, 0);
	if (r.error)
		fail(me, "STA set_shmem: error %ld", r.error);
	timer_exits();
	before[me].sequence = sta_mem[me].sequence;
	if (before[me].sequence == 0)
		fail(me, "STA: sequence still 0 after 4 timer exits");
	fp_dirty();
	vec_dirty();
	before[me].features = 0;
	for (unsigned f = 0; f < SBI_FWFT_FEATURES; f++) {
		struct sbiret g = fwft(SBI_FWFT_GET, f, 0, 0);
		if (g.error)
			continue; /* not supported here */
		unsigned long v = other_value(f, g.value);
		r = fwft(SBI_FWFT_SET, f, v, SBI_FWFT_SET_FLAG_LOCK);
		if (r.error && f == SBI_FWFT_POINTER_MASKING_PMLEN && g.value == 0)
			r = fwft(SBI_FWFT_SET, f, v = 16, SBI_FWFT_SET_FLAG_LOCK);
		struct sbiret g2 = fwft(SBI_FWFT_GET, f, 0, 0);
		if (r.error || g2.error || (unsigned long)g2.value != v) {
			fail(me, "FWFT feature %u = %lu, locked: set %ld, get %ld value %ld", f, v,
			     r.error, g2.error, g2.value);
			continue;
		}
		before[me].features |= 1U << f;
		before[me].found[f] = g.value;
	}
}

/* On vCPU 0, while vCPU k is stopped: its STA memory poisoned, an IPI
 * sent to it (a valid hart: SBI_SUCCESS, "Hart Mask Errors"), and 2 ms
 * for its hart to take the request before the restart. */
void reset_poison(unsigned k)
{
	memset((void *)&sta_mem[k], POISON, sizeof(sta_mem[k]));
	long e = send_ipi(1UL << k, 0);
	if (e)
		fail(boot_hart, "send_ipi to STOPPED vCPU %u: error %ld, want SBI_SUCCESS", k, e);
	nap(timebase_hz / 500);
}

/* On vCPU `me`, after hart_start started it again. */
void reset_check(unsigned me)
{
	timer_exits();
	const uint8_t *b = (const uint8_t *)&sta_mem[me];
	unsigned written = 0;
	for (unsigned i = 0; i < sizeof(sta_mem[me]); i++)
		written += b[i] != POISON;
	if (written)
		fail(me, "STA: %u bytes of the memory named before the stop written after "
		     "hart_start", written);
	unsigned reset = 0;
	for (unsigned f = 0; f < SBI_FWFT_FEATURES; f++) {
		if (!(before[me].features & (1U << f)))
			continue;
		struct sbiret g = fwft(SBI_FWFT_GET, f, 0, 0);
		struct sbiret s = fwft(SBI_FWFT_SET, f, (unsigned long)before[me].found[f], 0);
		if (g.error || g.value != before[me].found[f] || s.error)
			fail(me, "FWFT feature %u after hart_start: get %ld value %ld (reset value "
			     "%ld), set %ld (the lock must be gone)", f, g.error, g.value,
			     before[me].found[f], s.error);
		else
			reset++;
	}
	unsigned leftovers = entry_state_check(me);
	say("smp: reset: vCPU %u after hart_start: STA memory named before (sequence %u "
	    "then) not written over 4 timer exits (%u bytes changed); %u FWFT features "
	    "back at their reset values and unlocked", me, before[me].sequence, written,
	    reset);
	say("smp: reset: vCPU %u entered after hart_start with no interrupt pending or "
	    "enabled (an IPI was sent to it while stopped), stvec, sscratch, FP registers "
	    "and fcsr zero%s: %u leftover(s) of the run before", me,
	    vector_on() ? ", vector registers and CSRs zero" : "", leftovers);
}
