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

/* On vCPU 0, while vCPU k is stopped. */
void reset_poison(unsigned k)
{
	memset((void *)&sta_mem[k], POISON, sizeof(sta_mem[k]));
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
	say("smp: reset: vCPU %u after hart_start: STA memory named before (sequence %u "
	    "then) not written over 4 timer exits (%u bytes changed); %u FWFT features "
	    "back at their reset values and unlocked", me, before[me].sequence, written,
	    reset);
}
