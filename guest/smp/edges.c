/*
 * Edge cases the hypervisor must get right that only show with several
 * vCPUs: a hart started at the last halfword of guest RAM, a PLIC claim
 * made by one vCPU for another's context, a vCPU claiming its own
 * interrupt while another vCPU raises it, and every vCPU's first touch of
 * the same block of guest RAM at once.
 */
#include <string.h>

#include "smp_guest.h"
#include <tracevisor/guest_map.h>

uint64_t ram_base, ram_size; /* the device tree's /memory (main.c) */

extern char edge_stub[], edge_stub_end[]; /* entry.S */

/* SBI HSM hart_start needs only the start address to be "valid" for the
 * hart ("Function: Hart start"): a 16-bit first instruction in the last
 * halfword of RAM is one. vCPU k (STOPPED) starts there, runs the c.j
 * back into the stub and stops itself again. */
bool start_at_last_halfword(unsigned k)
{
	size_t n = (uintptr_t)edge_stub_end - (uintptr_t)edge_stub;
	uintptr_t end = (uintptr_t)(ram_base + ram_size);
	if (!ram_size || hsm_status(k) != SBI_HSM_STATE_STOPPED) {
		fail(boot_hart, "last-halfword start: no RAM size or vCPU %u not STOPPED", k);
		return false;
	}
	/* The top of RAM holds the device tree, read long ago. */
	memcpy((void *)(end - n), edge_stub, n);
	__asm__ volatile("fence.i" ::: "memory");
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, k, end - 2, 0);
	if (r.error) {
		fail(boot_hart, "hart_start(%u, last halfword %#lx): error %ld", k,
		     (unsigned long)(end - 2), r.error);
		return false;
	}
	uint64_t until = csr_read(CSR_TIME) + seconds(5);
	while (hsm_status(k) != SBI_HSM_STATE_STOPPED)
		if (csr_read(CSR_TIME) > until) {
			fail(boot_hart, "vCPU %u started at the last halfword did not stop", k);
			return false;
		}
	say("smp: hsm: vCPU %u started at the last halfword of RAM (%#lx), ran its c.j "
	    "and stopped", k, (unsigned long)(end - 2));
	return true;
}

/* The PLIC ("RISC-V Platform-Level Interrupt Controller Specification"):
 * priority of source s at 4*s, enables of context c at 0x2000 + 0x80*c,
 * threshold at 0x200000 + 0x1000*c, claim/complete 4 bytes above. Any
 * hart may read any context's claim register. Hart h's S-mode context is
 * 2h+1, after its M-mode one, as on QEMU virt: this guest takes it so
 * without reading the device tree, as guests written for virt do. */
#define PLIC_GPA TV_GPA_PLIC
#define UART_GPA TV_GPA_UART
#define UART_IRQ ((uint32_t)TV_UART_IRQ)
#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

static unsigned s_context(unsigned hart)
{
	return 2 * hart + 1;
}

static uintptr_t plic_ctx(unsigned c)
{
	return PLIC_GPA + 0x200000 + 0x1000UL * c;
}

static uintptr_t plic_enable(unsigned c)
{
	return PLIC_GPA + 0x2000 + 0x80UL * c;
}

bool plic_claim_other_context(void)
{
	unsigned other = s_context(boot_hart == 1 ? 2 : 1); /* a STOPPED vCPU's */
	uintptr_t ctx = plic_ctx(other);
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 1;
	REG32(ctx) = 0;
	REG32(plic_enable(other)) = 1U << UART_IRQ;
	/* The UART raises its line: THR empty, and IER.THRI enabled. */
	*(volatile uint8_t *)(UART_GPA + 1) = 0x02;
	uint32_t id = REG32(ctx + 4);
	if (id)
		REG32(ctx + 4) = id; /* complete */
	*(volatile uint8_t *)(UART_GPA + 1) = 0;
	REG32(plic_enable(other)) = 0;
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 0;
	if (id != UART_IRQ) {
		fail(boot_hart, "claim of context %u read by vCPU %u: %u, want %u (the UART)",
		     other, boot_hart, id, UART_IRQ);
		return false;
	}
	say("smp: plic: vCPU %u claimed source %u for context %u (another vCPU's)",
	    boot_hart, id, other);
	return true;
}

/*
 * Another vCPU raises our context's interrupt (the UART line, through its
 * IER) while we spin on our claim register, rounds over. Its raise asks
 * our hart, through a request and an IPI, to set our VSEIP; our claim
 * lowers the PLIC's output and with it our VSEIP, often before that
 * request lands. After each round (line low again, the claim completed,
 * time for any request in flight) no external interrupt may be pending:
 * a request that raised SEIP again after our claim left an interrupt with
 * nothing to claim, which a guest takes over and over (Linux, stuck in
 * handle_softirqs once). SEIE is on only for that look, after the round.
 */
#define RACE_ROUNDS 200
static volatile uint64_t race_armed, race_claimed, race_lowered;
static volatile unsigned race_empty; /* external interrupts with nothing to claim */
static volatile unsigned ext_irqs[MAX_VCPUS]; /* external interrupts taken */


static uint64_t time_now(void)
{
	return csr_read(CSR_TIME);
}

/* External interrupts taken so far with nothing to claim. */
static unsigned empty_interrupts(void)
{
	return __atomic_load_n(&race_empty, __ATOMIC_ACQUIRE);
}

/* An external interrupt (main.c guest_trap): claim and complete; with
 * nothing to claim, count it and take no more (SEIE off), or it would
 * come back at once, for as long as SEIP stays raised. */
void plic_ext_interrupt(void)
{
	ext_irqs[my_hart()]++;
	uintptr_t ctx = plic_ctx(s_context(my_hart()));
	uint32_t id = REG32(ctx + 4);
	if (id) {
		REG32(ctx + 4) = id;
		return;
	}
	race_empty++;
	csr_clear(CSR_SIE, MIP_SEIP);
}

/* Our hart's M-mode context (2h): its registers and its claim work as
 * on virt, but it drives nothing a guest in VS-mode sees: with its
 * source pending and SEIE on for 1 ms, no external interrupt comes. */
bool plic_m_context_silent(void)
{
	unsigned m = 2 * boot_hart, before = ext_irqs[boot_hart];
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 1;
	REG32(plic_ctx(m)) = 0;
	REG32(plic_enable(m)) = 1U << UART_IRQ;
	*(volatile uint8_t *)(UART_GPA + 1) = 0x02; /* THR empty: line high */
	csr_set(CSR_SIE, MIP_SEIP);
	uint64_t until = time_now() + timebase_hz / 1000;
	while (time_now() < until)
		;
	csr_clear(CSR_SIE, MIP_SEIP);
	unsigned taken = ext_irqs[boot_hart] - before;
	uint32_t id = REG32(plic_ctx(m) + 4);
	if (id)
		REG32(plic_ctx(m) + 4) = id;
	*(volatile uint8_t *)(UART_GPA + 1) = 0;
	REG32(plic_enable(m)) = 0;
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 0;
	if (taken || id != UART_IRQ) {
		fail(boot_hart, "M-mode context %u: %u external interrupt(s) taken, claim %u "
		     "(want none, %u)", m, taken, id, UART_IRQ);
		return false;
	}
	say("smp: plic: vCPU %u's M-mode context %u claimed source %u and raised no SEIP",
	    boot_hart, m, id);
	return true;
}

/* The other vCPU's side (CMD_PLIC_RAISE). */
void plic_raise(unsigned me, uint64_t rounds)
{
	for (uint64_t r = 1; r <= rounds; r++) {
		if (!wait_until(&race_armed, r, seconds(2))) {
			fail(me, "plic race: round %lu never armed", (unsigned long)r);
			return;
		}
		*(volatile uint8_t *)(UART_GPA + 1) = 0x02; /* IER.THRI: line high */
		if (!wait_until(&race_claimed, r, seconds(2))) {
			fail(me, "plic race: round %lu never claimed", (unsigned long)r);
			return;
		}
		*(volatile uint8_t *)(UART_GPA + 1) = 0; /* line low */
		__atomic_store_n(&race_lowered, r, __ATOMIC_RELEASE);
	}
}

bool plic_output_race(void)
{
	unsigned k = boot_hart == 1 ? 0 : 1, me = boot_hart;
	unsigned stuck = 0, rounds = 0;
	uintptr_t ctx = plic_ctx(s_context(me));
	uint64_t sie = csr_read(CSR_SIE);
	csr_clear(CSR_SIE, MIP_SEIP);
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 1;
	REG32(ctx) = 0;
	REG32(plic_enable(s_context(me))) = 1U << UART_IRQ;
	race_armed = race_claimed = race_lowered = 0;
	race_empty = 0;
	command(k, CMD_PLIC_RAISE, RACE_ROUNDS);
	for (uint64_t r = 1; r <= RACE_ROUNDS; r++) {
		__atomic_store_n(&race_armed, r, __ATOMIC_RELEASE);
		uint32_t id = 0;
		uint64_t until = time_now() + seconds(2);
		/* 10 us between claim reads (time reads take no exit): each
		 * read is an exit and a record, and the raise may take long on
		 * a loaded host running 8 harts on fewer cores; bounded so,
		 * the race's records fit the test's ring */
		while (!(id = REG32(ctx + 4)) && time_now() < until) {
			uint64_t next = time_now() + timebase_hz / 100000;
			while (time_now() < next)
				;
		}
		if (id != UART_IRQ) {
			fail(me, "plic race: round %lu claimed %u, want %u", (unsigned long)r, id,
			     UART_IRQ);
			break;
		}
		__atomic_store_n(&race_claimed, r, __ATOMIC_RELEASE);
		if (!wait_until(&race_lowered, r, seconds(2)))
			break;
		REG32(ctx + 4) = id; /* complete: the line is low, nothing pends */
		/* 2 ms for a request still in flight to reach our hart, then
		 * 0.1 ms with SEIE on: a raised SEIP is taken (interrupts are
		 * on: irqs_on) and, with nothing to claim, counted */
		until = time_now() + timebase_hz / 500;
		while (time_now() < until)
			;
		unsigned before = empty_interrupts();
		csr_set(CSR_SIE, MIP_SEIP);
		until = time_now() + timebase_hz / 10000;
		while (time_now() < until)
			;
		csr_clear(CSR_SIE, MIP_SEIP);
		stuck += empty_interrupts() != before;
		rounds++;
	}
	command_wait(k, "plic race");
	REG32(plic_enable(s_context(me))) = 0;
	REG32(PLIC_GPA + 4UL * UART_IRQ) = 0;
	csr_write(CSR_SIE, sie);
	say("smp: plic: vCPU %u raised vCPU %u's interrupt while it claimed, %u rounds: "
	    "SEIP left raised with nothing to claim after %u", k, me, rounds, stuck);
	if (stuck || rounds != RACE_ROUNDS) {
		fail(me, "plic race: SEIP left raised after %u of %u rounds", stuck, rounds);
		return false;
	}
	return true;
}

/* ---- guest RAM's first touch, by every vCPU at once -------------------- */

/* The hypervisor makes a 2 MiB block of guest RAM ready at its first
 * touch: it zeroes the block under the VM's lock and makes its G-stage
 * leaf valid (hyp/core/vm.c). Every vCPU stores its own word into the
 * same untouched block at once, so their guest-page faults race: the
 * block must be zeroed once, before any of the stores lands, and every
 * store must survive. Each vCPU's word is near the block's end, which a
 * zeroing reaches last: a second zeroing, after a store, would be seen.
 * One block a round, from the middle of RAM (the image and its stacks
 * are at the start, the device tree at the top). */
#define TOUCH_ROUNDS 4
#define TOUCH_BLOCK (2UL << 20)
#define TOUCH_STRIDE 8 /* words: each vCPU's own 64-byte line */

static volatile uint64_t touch_go;

static volatile uint64_t *touch_block(uint64_t round)
{
	return (volatile uint64_t *)(uintptr_t)(ram_base + ram_size / 2 + round * TOUCH_BLOCK);
}

/* vCPU me's line: the (me+1)th from the block's end. */
static unsigned touch_index(unsigned me)
{
	return (unsigned)(TOUCH_BLOCK / 8 - (uint64_t)(me + 1) * TOUCH_STRIDE);
}

static uint64_t touch_word(unsigned me, uint64_t round)
{
	return 0x70c4000000000000UL | ((uint64_t)me << 16) | round;
}

/* Each vCPU's side: wait for the go, store. */
void first_touch(unsigned me, uint64_t round)
{
	if (!wait_until(&touch_go, round, seconds(2))) {
		fail(me, "first touch: round %lu never started", (unsigned long)round);
		return;
	}
	touch_block(round)[touch_index(me)] = touch_word(me, round);
}

bool first_touch_race(void)
{
	bool ok = true;

	if (ram_size / 2 + TOUCH_ROUNDS * TOUCH_BLOCK > ram_size - TOUCH_BLOCK) {
		fail(boot_hart, "first touch: guest RAM too small");
		return false;
	}
	touch_go = 0;
	for (uint64_t r = 1; r <= TOUCH_ROUNDS && ok; r++) {
		command_all(CMD_TOUCH, r);
		/* 1 ms for every vCPU to wake and wait for the go */
		uint64_t until = time_now() + timebase_hz / 1000;
		while (time_now() < until)
			;
		__atomic_store_n(&touch_go, r, __ATOMIC_RELEASE);
		first_touch(boot_hart, r);
		ok = command_wait_all("first touch");
		volatile uint64_t *b = touch_block(r);
		for (unsigned k = 0; k < nvcpus && ok; k++) {
			uint64_t want = touch_word(k, r), word = b[touch_index(k)];
			if (word != want) {
				fail(boot_hart, "first touch: round %lu, vCPU %u's word reads %#lx, "
				     "want %#lx (zeroed after its store?)", (unsigned long)r, k,
				     (unsigned long)word, (unsigned long)want);
				ok = false;
			}
			for (unsigned i = 1; i < TOUCH_STRIDE && ok; i++)
				if (b[touch_index(k) + i]) {
					fail(boot_hart, "first touch: round %lu, word %u of vCPU %u's "
					     "line reads %#lx, want 0", (unsigned long)r, i, k,
					     (unsigned long)b[touch_index(k) + i]);
					ok = false;
				}
		}
		if (ok && b[0]) {
			fail(boot_hart, "first touch: round %lu, the block's first word reads %#lx",
			     (unsigned long)r, (unsigned long)b[0]);
			ok = false;
		}
	}
	say("smp: first touch: %u vCPUs stored into %u untouched 2 MiB blocks at once: %s",
	    nvcpus, TOUCH_ROUNDS, ok ? "every store kept, the rest zero" : "FAILED");
	return ok;
}
