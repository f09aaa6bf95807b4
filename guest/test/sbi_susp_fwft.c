/*
 * Test steps for the SBI System Suspend (SUSP) and Firmware Features
 * (FWFT) extensions.
 */
#include <setjmp.h>
#include <string.h>

#include "guest.h"

#define HOLE_GPA 0x20000000UL

static uint64_t gpa_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return a >= GVA_HIGH_OFFSET ? a - GVA_HIGH_OFFSET : a;
}

/* ---- SUSP ---- */

/* What susp_resume (below) needs and what it saw; the stub reads it by
 * its guest-physical address, with the MMU off. */
struct susp_ctx {
	uint64_t satp;		/* 0: to restore */
	uint64_t sp;		/* 8: a stack (high alias) */
	uint64_t cont;		/* 16: where to go then (high alias) */
	// cppcheck-suppress unusedStructMember ; read by susp_resume (assembly)
	uint64_t tp;		/* 24 */
	uint64_t seen_satp;	/* 32: at resume */
	uint64_t seen_sstatus;	/* 40 */
	uint64_t seen_a0;	/* 48 */
	uint64_t seen_a1;	/* 56 */
	uint64_t sta_gpa;	/* 64: the steal-time area (susp_sta) */
	uint64_t seen_seq;	/* 72: its sequence at the first instruction */
};
static struct susp_ctx susp;
static jmp_buf susp_jb;
static uint64_t susp_stack[256] __attribute__((aligned(16)));

/* Resume point: MMU off (satp = 0), a0 = hart id, a1 = opaque = the
 * guest-physical address of `susp` ("SUSP System Resume Register State").
 * Record what it got (first the steal-time sequence, so that no later
 * exit's write can count), turn paging back on, and go on in C. */
__asm__(".section .text\n"
	".balign 4\n"
	".globl susp_resume\n"
	"susp_resume:\n"
	"	ld	t0, 64(a1)\n"
	"	lwu	t0, 0(t0)\n"
	"	sd	t0, 72(a1)\n"
	"	csrr	t0, satp\n"
	"	sd	t0, 32(a1)\n"
	"	csrr	t0, sstatus\n"
	"	sd	t0, 40(a1)\n"
	"	sd	a0, 48(a1)\n"
	"	sd	a1, 56(a1)\n"
	"	ld	t0, 0(a1)\n"
	"	csrw	satp, t0\n"
	"	sfence.vma\n"
	"	ld	sp, 8(a1)\n"
	"	ld	tp, 24(a1)\n"
	"	ld	t0, 16(a1)\n"
	"	jr	t0\n");
extern char susp_resume[];

static void __attribute__((noreturn)) susp_continue(void)
{
	longjmp(susp_jb, 1);
}

static bool susp_errors(void)
{
	bool ok = true;
	uint64_t stub = gpa_of(susp_resume);
	struct sbiret r;
	r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND, 1, stub, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "reserved sleep type 1: %ld", r.error);
	r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND, 0x80000000UL, stub, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "platform sleep type 0x80000000: %ld", r.error);
	r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND, 0, HOLE_GPA, 0);
	CHECK(r.error == SBI_ERR_INVALID_ADDRESS, "resume_addr in a hole: %ld", r.error);
	/* sleep_type is 32-bit: a0 = 1 << 32 is SUSPEND_TO_RAM ("Binary
	 * Encoding"), here refused for its address, not its type. */
	r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND, 1UL << 32, HOLE_GPA, 0);
	CHECK(r.error == SBI_ERR_INVALID_ADDRESS, "sleep type 1 << 32 (= 0): %ld", r.error);
	r = sbi_call(SBI_EXT_SUSP, 1, 0, stub, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "FID 1: %ld", r.error);
	return ok;
}

static volatile long susp_error;

/* Steal-time area registered across the suspend: "The SBI implementation
 * MUST stop writing to the shared memory when the supervisor-mode
 * software is not runnable, such as upon system reset or system suspend"
 * (STA extension). Each write adds 2 to its sequence. */
static struct {
	volatile uint32_t sequence;
	// cppcheck-suppress unusedStructMember ; the rest of the area STA writes
	uint8_t rest[60];
} susp_sta __attribute__((aligned(64)));

static uint32_t susp_seq0; /* the sequence just before the call */

/* The call itself; returns only if the hypervisor refused it. */
static void __attribute__((noinline)) do_suspend(uint64_t opaque)
{
	uint64_t resume = gpa_of(susp_resume);
	susp_seq0 = susp_sta.sequence;
	struct sbiret r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND,
				   SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM, resume, opaque);
	susp_error = r.error;
}

/* true: suspended and resumed (through susp_resume and longjmp). */
static bool __attribute__((noinline)) suspend_and_resume(uint64_t opaque)
{
	if (setjmp(susp_jb) == 0) {
		do_suspend(opaque);
		return false;
	}
	return true;
}

bool step_sbi_susp(void)
{
	bool ok = susp_errors();
	memset(&susp, 0, sizeof(susp));
	susp.satp = csr_read(CSR_SATP);
	susp.sp = (uint64_t)(uintptr_t)&susp_stack[256];
	susp.cont = (uint64_t)(uintptr_t)susp_continue;
	__asm__ volatile("mv %0, tp" : "=r"(susp.tp));
	uint64_t opaque = gpa_of(&susp);

	/* Wake-up: our timer 20 ms ahead, enabled in sie, with sstatus.SIE
	 * off: it stays pending until we take it after the resume. (20 ms:
	 * several periods of the watchdog that tests/system/test_guest.sh
	 * runs this step under, which must not take the sleep for a stall.) */
	uint64_t before = timer_irqs;
	uint64_t deadline = csr_read(CSR_TIME) + timebase_hz / 50;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0);
	struct sbiret r = sbi_call(SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM, gpa_of(&susp_sta), 0, 0);
	CHECK(r.error == 0, "STA set_shmem before the suspend: %ld", r.error);
	susp.sta_gpa = gpa_of(&susp_sta);
	uint64_t irq0 = irq_exits_now();
	if (!suspend_and_resume(opaque)) {
		printf("    FAIL: system_suspend returned: error %ld\n", susp_error);
		return false;
	}
	uint64_t now = csr_read(CSR_TIME);
	uint64_t irqs = irq_exits_now() - irq0;
	uint32_t sta_writes = ((uint32_t)susp.seen_seq - susp_seq0) / 2;
	sbi_call(SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM, ~0UL, ~0UL, 0);
	/* Counted from the last instructions before the call to the first
	 * after the resumption: the resumption's write (the steal counted
	 * while asleep), and up to two for each interrupt exit in those
	 * few instructions (the hypervisor's timer, or a time-shared hart's
	 * other vCPUs, may interrupt them: the slice's end writes
	 * "preempted", the entry after it the steal). None while asleep: a
	 * write at each wake-up that did not end the suspend would add one
	 * per wake-up (3 in a two-VM run without the hold) and no exit of
	 * ours. The interrupt exits counted here are those from just before
	 * the call to just after the resumption, a few more instructions. */
	CHECK(sta_writes <= 1 + 2 * irqs, "%u steal-time writes while suspended, %lu interrupt exit(s) "
	      "around the suspend", sta_writes, (unsigned long)irqs);
	CHECK(susp.seen_satp == 0, "satp %#lx at resume", (unsigned long)susp.seen_satp);
	CHECK(!(susp.seen_sstatus & SSTATUS_SIE), "sstatus.SIE set at resume");
	CHECK(susp.seen_a0 == 0, "a0 (hart id) %lu at resume", (unsigned long)susp.seen_a0);
	CHECK(susp.seen_a1 == opaque, "a1 %#lx at resume, opaque was %#lx",
	      (unsigned long)susp.seen_a1, (unsigned long)opaque);
	CHECK(now >= deadline, "resumed %lu ticks before the timer", (unsigned long)(deadline - now));
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	/* The timer that woke us is still pending: taken now, once. */
	CHECK(timer_irqs == before + 1, "%lu timer interrupts after the resume",
	      (unsigned long)(timer_irqs - before));
	printf("    suspended to RAM, woken by the timer %lu us after the deadline; resumed "
	       "with satp 0, SIE 0, a0 = %lu, a1 = opaque; %u steal-time writes, %lu interrupt "
	       "exit(s) around it\n",
	       (unsigned long)((now - deadline) * 1000000 / timebase_hz),
	       (unsigned long)susp.seen_a0, sta_writes, (unsigned long)irqs);
	return ok;
}

/* ---- FWFT ---- */

static const char *const fwft_names[SBI_FWFT_FEATURES] = {
	"MISALIGNED_EXC_DELEG", "LANDING_PAD", "SHADOW_STACK",
	"DOUBLE_TRAP", "PTE_AD_HW_UPDATING", "POINTER_MASKING_PMLEN",
};

static struct sbiret fwft_get(unsigned long f)
{
	return sbi_call(SBI_EXT_FWFT, SBI_FWFT_GET, f, 0, 0);
}

static struct sbiret fwft_set(unsigned long f, unsigned long value, unsigned long flags)
{
	return sbi_call(SBI_EXT_FWFT, SBI_FWFT_SET, f, value, flags);
}

static bool fwft_reserved(void)
{
	bool ok = true;
	static const unsigned long ids[] = { 6, 0x3fffffff, 0x40000000, 0x7fffffff,
					     0x80000000, 0xc0000000, 0xffffffff };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct sbiret g = fwft_get(ids[i]), s = fwft_set(ids[i], 0, 0);
		CHECK(g.error == SBI_ERR_DENIED && g.value == 0 && s.error == SBI_ERR_DENIED,
		      "feature %#lx: get %ld, set %ld (want DENIED)", ids[i], g.error, s.error);
	}
	struct sbiret r = sbi_call(SBI_EXT_FWFT, 2, 0, 0, 0);
	CHECK(r.error == SBI_ERR_NOT_SUPPORTED, "FID 2: %ld", r.error);
	return ok;
}

/* A supported feature: bad values and flags refused, set and get agree,
 * and once locked it stays as it is. Left as it was found, locked. */
static bool fwft_exercise(unsigned f, long orig)
{
	bool ok = true;
	unsigned long on = f == SBI_FWFT_POINTER_MASKING_PMLEN ? 7 : 1;
	struct sbiret r = fwft_set(f, 2, 0);
	if (f == SBI_FWFT_POINTER_MASKING_PMLEN)
		r = fwft_set(f, 3, 0);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "%s = bad value: %ld", fwft_names[f], r.error);
	r = fwft_set(f, (unsigned long)orig, 2);
	CHECK(r.error == SBI_ERR_INVALID_PARAM, "%s flags bit 1: %ld", fwft_names[f], r.error);
	for (unsigned long v = 0; v <= on; v += on) {
		r = fwft_set(f, v, 0);
		struct sbiret g = fwft_get(f);
		/* A PMLEN the hart lacks is refused; the other must stick. */
		if (r.error == SBI_ERR_INVALID_PARAM && f == SBI_FWFT_POINTER_MASKING_PMLEN && v)
			continue;
		CHECK(r.error == 0 && g.error == 0 && (unsigned long)g.value == v,
		      "%s = %lu: set %ld, get %ld value %ld", fwft_names[f], v, r.error, g.error,
		      g.value);
	}
	r = fwft_set(f, (unsigned long)orig, SBI_FWFT_SET_FLAG_LOCK);
	CHECK(r.error == 0, "%s lock: %ld", fwft_names[f], r.error);
	r = fwft_set(f, (unsigned long)orig, 0);
	struct sbiret g = fwft_get(f);
	CHECK(r.error == SBI_ERR_DENIED_LOCKED && g.error == 0 && g.value == orig,
	      "%s locked: set %ld, get %ld value %ld", fwft_names[f], r.error, g.error, g.value);
	printf("    %-22s supported: value %ld; set, read back, bad values refused, locked\n",
	       fwft_names[f], orig);
	return ok;
}

bool step_sbi_fwft(void)
{
	bool ok = fwft_reserved();
	unsigned supported = 0;
	for (unsigned f = 0; f < SBI_FWFT_FEATURES; f++) {
		struct sbiret g = fwft_get(f);
		/* feature is 32-bit: the upper half of a0 is not looked at. */
		struct sbiret g_hi = fwft_get(f | (1UL << 32));
		CHECK(g_hi.error == g.error && g_hi.value == g.value,
		      "%s with a0 bit 32 set: %ld/%ld, without %ld/%ld", fwft_names[f], g_hi.error,
		      g_hi.value, g.error, g.value);
		if (g.error == SBI_ERR_NOT_SUPPORTED) {
			struct sbiret s = fwft_set(f, 0, 0);
			CHECK(g.value == 0 && s.error == SBI_ERR_NOT_SUPPORTED,
			      "%s: get value %ld, set %ld", fwft_names[f], g.value, s.error);
			printf("    %-22s not supported\n", fwft_names[f]);
			continue;
		}
		CHECK(g.error == 0, "%s: get %ld", fwft_names[f], g.error);
		/* Untouched so far, so at its reset value ("FWFT Feature
		 * Attribute Values"): 0 for all but MISALIGNED_EXC_DELEG, whose
		 * reset value is implementation-defined. */
		CHECK(f == SBI_FWFT_MISALIGNED_EXC_DELEG || g.value == 0,
		      "%s: %ld before any set; its reset value is 0", fwft_names[f], g.value);
		if (g.error == 0) {
			supported++;
			ok &= fwft_exercise(f, g.value);
		}
	}
	printf("    %u of %u features supported\n", supported, (unsigned)SBI_FWFT_FEATURES);
	return ok;
}
