/*
 * SMP test guest: one Sv39 page table shared by every vCPU, and the
 * remote fences of SBI RFENCE with their effect on the other vCPUs.
 *
 * Layout (GVA = GPA wherever mapped, so code runs the same with the MMU
 * on or off and DBCN can be given stack addresses):
 *   the gigabyte of guest RAM  1 GiB leaf: code, data, stacks (RAM at
 *                            0x8000_0000: 0x8000_0000-0xbfff_ffff)
 *   0x0000_0000-0x3fff_ffff  1 GiB leaf: the devices (PLIC, UART)
 *   0x4000_0000 (GVA_FLIP)   one 4 KiB page through root -> mid -> leaf,
 *                            pointing at page_a or page_b
 * The PTEs are not global (no G bit) and satp carries an ASID, so
 * remote_sfence_vma_asid has something to select.
 */
#include "smp_guest.h"

#define PTE_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define PTE_RW_AD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffUL
#define ASID_WANTED 0x5aUL

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t mid[512] __attribute__((aligned(4096)));
static uint64_t leaf[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
/* Code written at run time, on a page of its own. */
static uint32_t code_page[1024] __attribute__((aligned(4096)));
static unsigned long asid;

/* Sv39 PTE: PPN in bits 53:10 ("Sv39: Page-Based 39-bit Virtual-Memory
 * System"); V alone makes a pointer to the next level. */
static uint64_t pte(const void *pa, uint64_t flags)
{
	return (((uintptr_t)pa >> 12) << PTE_PPN_SHIFT) | flags;
}

static unsigned long satp_value(unsigned long a)
{
	return SATP_MODE_SV39 | (a << SATP_ASID_SHIFT) | ((uintptr_t)root >> 12);
}

static void sfence_all(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void sfence_page(unsigned long va)
{
	__asm__ volatile("sfence.vma %0" ::"r"(va) : "memory");
}

/* vCPU 0, before any other vCPU starts: the tables, and the ASID width
 * (satp.ASID is WARL: write all ones, read back what sticks). */
void paging_build(void)
{
	page_a[0] = MAGIC_A;
	page_b[0] = MAGIC_B;
	/* The gigabyte of guest RAM: the one these tables are in. */
	uintptr_t ram = (uintptr_t)root & ~((1UL << 30) - 1);
	root[ram >> 30] = pte((void *)ram, PTE_RWX_AD);
	root[0] = pte((void *)0, PTE_RW_AD); /* devices: PLIC, UART (edges.c) */
	root[1] = pte(mid, PTE_V);
	mid[0] = pte(leaf, PTE_V);
	leaf[0] = pte(page_a, PTE_RW_AD);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	csr_write(CSR_SATP, satp_value(SATP_ASID_MASK));
	unsigned long bits = (csr_read(CSR_SATP) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	asid = ASID_WANTED & bits;
	csr_write(CSR_SATP, 0);
	sfence_all();
}

/* Every vCPU: translate through the shared root. */
void paging_on(void)
{
	sfence_all();
	csr_write(CSR_SATP, satp_value(asid));
	sfence_all();
}

uint64_t read_flip(void)
{
	return *(volatile uint64_t *)GVA_FLIP;
}

/* Call the code vCPU 0 wrote into code_page. */
uint64_t call_code(void)
{
	uint64_t (*fn)(void) = (uint64_t (*)(void))(uintptr_t)code_page;
	return fn();
}

/* "li a0, value; ret" as two uncompressed instructions: addi a0, x0, imm
 * (I-type, opcode OP-IMM) and jalr x0, 0(ra). */
static void write_code(unsigned value)
{
	code_page[0] = ((value & 0xfff) << 20) | (10u << 7) | 0x13u;
	code_page[1] = 0x00008067u;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Point GVA_FLIP at `page` (vCPU 0) and flush our own TLB entry. */
static void set_flip(const uint64_t *page)
{
	leaf[0] = pte(page, PTE_RW_AD);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sfence_page(GVA_FLIP);
}

static struct sbiret rfence(unsigned long fid, unsigned long mask, unsigned long base,
			    unsigned long start, unsigned long size, unsigned long a)
{
	return sbi5(SBI_EXT_RFENCE, fid, mask, base, start, size, a);
}

/* Hart mask of every vCPU but the boot one, and the same from base 1. */
static unsigned long others_mask(void)
{
	return ((1UL << nvcpus) - 1) & ~(1UL << boot_hart);
}

/* One of four ways to fence the others after a PTE change. */
static long remote_sfence(unsigned variant, const char **how)
{
	unsigned long all_but_boot = others_mask();
	struct sbiret r;
	switch (variant % 4) {
	case 0:
		*how = "remote_sfence_vma(others, one page)";
		r = rfence(SBI_RFENCE_REMOTE_SFENCE_VMA, all_but_boot, 0, GVA_FLIP, 4096, 0);
		break;
	case 1:
		*how = "remote_sfence_vma(base -1: all, whole space)";
		r = rfence(SBI_RFENCE_REMOTE_SFENCE_VMA, 0, ~0UL, 0, 0, 0);
		break;
	case 2:
		/* The same set from base 1 when the boot hart is 0. */
		*how = "remote_sfence_vma_asid(others from base 1, one page)";
		if (boot_hart == 0)
			r = rfence(SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, all_but_boot >> 1, 1,
				   GVA_FLIP, 4096, asid);
		else
			r = rfence(SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, all_but_boot, 0,
				   GVA_FLIP, 4096, asid);
		break;
	default:
		*how = "remote_sfence_vma_asid(base -1: all, size -1: whole space)";
		r = rfence(SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, ~0UL, 0, ~0UL, asid);
		break;
	}
	return r.error;
}

/* One sfence round, shared with the spinning vCPUs: the values before
 * and after, and two flags that take the round's number: the PTE has
 * changed, and the remote fence has returned. */
static volatile uint64_t flip_old, flip_new, flip_changed, flip_go;
static volatile uint64_t stale_live[MAX_VCPUS];

/*
 * A secondary during a round: read GVA_FLIP over and over, with no exit
 * at all (QEMU flushes a hart's TLB on every switch between V=0 and V=1,
 * so any exit would refresh the translation by itself). Reads after the
 * PTE change but before the fence may see either page ("Supervisor
 * Memory-Management Fence Instruction": another hart's store to a PTE
 * needs an sfence.vma on this hart to be sure to be seen); they are only
 * counted. The first read after the fence returned must see the new page.
 */
void spin_flip(unsigned me, uint64_t round)
{
	uint64_t old = flip_old, new = flip_new, stale = 0;
	uint64_t v = read_flip();
	if (v != old)
		fail(me, "round %lu: read %#lx at GVA %#lx before the change, want %#lx",
		     (unsigned long)round, (unsigned long)v, GVA_FLIP, (unsigned long)old);
	stale_live[me] = 0;
	__atomic_store_n(&ctl[me].ready, ctl[me].seq, __ATOMIC_RELEASE);
	uint64_t until = csr_read(CSR_TIME) + seconds(10);
	for (;;) {
		uint64_t go = __atomic_load_n(&flip_go, __ATOMIC_ACQUIRE);
		uint64_t changed = __atomic_load_n(&flip_changed, __ATOMIC_ACQUIRE);
		v = read_flip();
		if (go == round)
			break;
		if (changed == round && v == old)
			__atomic_store_n(&stale_live[me], ++stale, __ATOMIC_RELAXED);
		if (csr_read(CSR_TIME) > until) {
			fail(me, "round %lu: no fence within 10 s", (unsigned long)round);
			return;
		}
	}
	stats[me].sfence_checks++;
	if (v == new)
		stats[me].sfence_ok++;
	else
		fail(me, "round %lu: read %#lx at GVA %#lx after the remote fence, want %#lx",
		     (unsigned long)round, (unsigned long)v, GVA_FLIP, (unsigned long)new);
	stats[me].sfence_stale_nofence += stale;
	ctl[me].result = stale;
}

/* The vCPUs that spin through round i: SFENCE_HOT of the secondaries,
 * a different set each round. The others sleep and read once the fence
 * is done. (All of them spinning would overcommit the host: QEMU runs
 * each vCPU on a thread of its own.) */
static bool hot(unsigned k, unsigned i)
{
	if (!is_secondary(k))
		return false;
	unsigned n = nvcpus - 1; /* secondaries, numbered 0..n-1 here */
	unsigned idx = k < boot_hart ? k : k - 1;
	unsigned hot_n = n < SFENCE_HOT ? n : SFENCE_HOT;
	unsigned first = (i * hot_n) % n; /* the first hot one this round */
	unsigned after = (idx + n - first) % n;
	/* cppcheck takes nvcpus for its initial 0 (it is read from the device
	 * tree before any round): the result depends on it and on i. */
	// cppcheck-suppress knownConditionTrueFalse
	return after < hot_n;
}

/* Give the spinning vCPUs up to 20 ms to read the old page after the PTE
 * change (they need not: it only shows the fence matters). */
static unsigned wait_for_stale_reads(unsigned i, unsigned *spinning)
{
	uint64_t until = csr_read(CSR_TIME) + timebase_hz / 50;
	unsigned seen, want = 0;
	for (unsigned k = 0; k < nvcpus; k++)
		want += hot(k, i);
	do {
		seen = 0;
		for (unsigned k = 0; k < nvcpus; k++)
			seen += hot(k, i) &&
				__atomic_load_n(&stale_live[k], __ATOMIC_RELAXED) > 0;
	} while (seen < want && csr_read(CSR_TIME) < until);
	*spinning = want;
	return seen;
}

/* A sleeping secondary, woken after the fence: one read, checked. */
void read_flip_check(unsigned me, uint64_t want)
{
	uint64_t v = read_flip();
	stats[me].sfence_checks++;
	if (v == want)
		stats[me].sfence_ok++;
	else
		fail(me, "read %#lx at GVA %#lx after the remote fence, want %#lx",
		     (unsigned long)v, GVA_FLIP, (unsigned long)want);
}

/* Flip GVA_FLIP between two pages while some vCPUs read it without
 * pause; after each remote fence every vCPU must read the new page. */
static bool sfence_tests(void)
{
	bool ok = true;
	struct vcpu_stats *s0 = &stats[boot_hart];
	const uint64_t *cur = page_a;
	unsigned stale_total = 0, spin_total = 0;
	for (unsigned i = 0; i < SFENCE_ROUNDS; i++) {
		uint64_t round = i + 1;
		const uint64_t *next = cur == page_a ? page_b : page_a;
		unsigned failed_before = failures();
		flip_old = cur[0];
		flip_new = next[0];
		for (unsigned k = 0; k < nvcpus; k++)
			if (hot(k, i))
				command(k, CMD_SPIN_FLIP, round);
		for (unsigned k = 0; k < nvcpus; k++)
			if (hot(k, i) && !wait_until(&ctl[k].ready, ctl[k].seq, seconds(5))) {
				fail(boot_hart, "vCPU %u did not start reading for round %lu", k,
				     (unsigned long)round);
				return false;
			}
		set_flip(next);
		__atomic_store_n(&flip_changed, round, __ATOMIC_RELEASE);
		unsigned spinning, stale = wait_for_stale_reads(i, &spinning);
		const char *how = "";
		long e = remote_sfence(i, &how);
		if (e) {
			fail(boot_hart, "%s: error %ld", how, e);
			ok = false;
		}
		__atomic_store_n(&flip_go, round, __ATOMIC_RELEASE);
		s0->sfence_checks++;
		uint64_t v = read_flip();
		if (v == next[0])
			s0->sfence_ok++;
		else {
			fail(boot_hart, "own read after the fence: %#lx, want %#lx",
			     (unsigned long)v, (unsigned long)next[0]);
			ok = false;
		}
		for (unsigned k = 0; k < nvcpus; k++)
			if (is_secondary(k) && !hot(k, i))
				command(k, CMD_READ_FLIP, next[0]);
		ok &= command_wait_all("sfence round");
		stale_total += stale;
		spin_total += spinning;
		bool round_ok = failures() == failed_before;
		ok &= round_ok;
		if (i < 4 || !round_ok)
			say("smp: sfence: round %lu, %s: %u of %u spinning vCPUs read the old "
			    "page until the fence; %s", (unsigned long)round, how, stale,
			    spinning, round_ok ? "all read the new page after it" : "FAILED");
		cur = next;
	}
	say("smp: sfence: %u rounds: stale reads before the remote fence in %u of %u "
	    "spinning vCPU-rounds (allowed); after each remote fence all %u vCPUs read "
	    "the new page%s", SFENCE_ROUNDS, stale_total, spin_total, nvcpus,
	    ok ? "" : " - FAILED");
	return ok;
}

/* Every other vCPU calls code_page; each checks the value. */
static void call_all(unsigned want, bool *ok)
{
	command_all(CMD_CALL_CODE, want);
	*ok &= command_wait_all("call the written code");
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k) && ctl[k].result != want) {
			fail(boot_hart, "vCPU %u: the written code returned %lu, want %u", k,
			     (unsigned long)ctl[k].result, want);
			*ok = false;
		}
}

/* Rewrite a tiny function; after remote_fence_i every vCPU calling it
 * must get the new value. */
static bool fence_i_tests(void)
{
	bool ok = true;
	struct vcpu_stats *s0 = &stats[boot_hart];
	write_code(1000);
	__asm__ volatile("fence.i" ::: "memory");
	long e = rfence(SBI_RFENCE_REMOTE_FENCE_I, 0, ~0UL, 0, 0, 0).error;
	if (e) {
		fail(boot_hart, "remote_fence_i(all): error %ld", e);
		ok = false;
	}
	call_all(1000, &ok);
	for (unsigned i = 1; i <= FENCE_I_ROUNDS; i++) {
		unsigned want = 1000 + i;
		write_code(want);
		if (i & 1) {
			__asm__ volatile("fence.i" ::: "memory");
			e = rfence(SBI_RFENCE_REMOTE_FENCE_I, others_mask(), 0, 0, 0, 0).error;
		} else {
			e = rfence(SBI_RFENCE_REMOTE_FENCE_I, 0, ~0UL, 0, 0, 0).error;
		}
		if (e) {
			fail(boot_hart, "remote_fence_i round %u: error %ld", i, e);
			ok = false;
		}
		s0->fencei_checks++;
		uint64_t v = call_code();
		if (v == want)
			s0->fencei_ok++;
		else {
			fail(boot_hart, "own call of the written code: %lu, want %u",
			     (unsigned long)v, want);
			ok = false;
		}
		call_all(want, &ok);
	}
	say("smp: fence.i: %u rewrites of a function: after each remote_fence_i all %u "
	    "vCPUs ran the new code%s", FENCE_I_ROUNDS, nvcpus, ok ? "" : " - FAILED");
	return ok;
}

bool fence_tests(void)
{
	bool ok = sfence_tests();
	ok &= fence_i_tests();
	return ok;
}

/* Hart masks ("Hart List Parameter"): hart_mask_base = -1 means every
 * hart; a hart the machine does not have is SBI_ERR_INVALID_PARAM. */
bool hart_mask_tests(void)
{
	unsigned long n = nvcpus;
	extern char secondary_entry[];
	unsigned other = boot_hart == 1 ? 2 : 1;
	const struct {
		const char *what;
		unsigned long eid, fid, a0, a1, a2, a3, a4;
		long want;
	} cases[] = {
		{ "send_ipi(mask 1, base N)", SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, n, 0, 0, 0,
		  SBI_ERR_INVALID_PARAM },
		{ "send_ipi(mask 1 << N, base 0)", SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1UL << n, 0,
		  0, 0, 0, SBI_ERR_INVALID_PARAM },
		{ "send_ipi(mask 1, base -2)", SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, ~0UL - 1, 0,
		  0, 0, SBI_ERR_INVALID_PARAM },
		{ "send_ipi(mask 0, base 0)", SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, 0, 0, 0, 0,
		  SBI_SUCCESS },
		{ "remote_fence_i(mask 1, base N)", SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I,
		  1, n, 0, 0, 0, SBI_ERR_INVALID_PARAM },
		{ "remote_fence_i(mask 3, base N-1)", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_FENCE_I, 3, n - 1, 0, 0, 0, SBI_ERR_INVALID_PARAM },
		{ "remote_fence_i(mask 1, base N-1)", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_FENCE_I, 1, n - 1, 0, 0, 0, SBI_SUCCESS },
		{ "remote_fence_i(mask ignored, base -1)", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_FENCE_I, 1UL << 40, ~0UL, 0, 0, 0, SBI_SUCCESS },
		{ "remote_sfence_vma(mask 1 << N, base 0)", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_SFENCE_VMA, 1UL << n, 0, 0, 0, 0, SBI_ERR_INVALID_PARAM },
		{ "remote_sfence_vma_asid(mask 1, base N)", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 1, n, 0, 0, asid, SBI_ERR_INVALID_PARAM },
		{ "remote_hfence_gvma(all) without H", SBI_EXT_RFENCE,
		  SBI_RFENCE_REMOTE_HFENCE_GVMA, 0, ~0UL, 0, 0, 0, SBI_ERR_NOT_SUPPORTED },
		{ "hart_get_status(N)", SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, n, 0, 0, 0, 0,
		  SBI_ERR_INVALID_PARAM },
		{ "hart_start(N)", SBI_EXT_HSM, SBI_HSM_HART_START, n,
		  (uintptr_t)secondary_entry, 0, 0, 0, SBI_ERR_INVALID_PARAM },
		{ "hart_start(own hart)", SBI_EXT_HSM, SBI_HSM_HART_START, boot_hart,
		  (uintptr_t)secondary_entry, 0, 0, 0, SBI_ERR_ALREADY_AVAILABLE },
		{ "hart_start(a running vCPU)", SBI_EXT_HSM, SBI_HSM_HART_START, other,
		  (uintptr_t)secondary_entry, 0, 0, 0, SBI_ERR_ALREADY_AVAILABLE },
	};
	bool ok = true;
	unsigned n_cases = sizeof(cases) / sizeof(cases[0]);
	for (unsigned i = 0; i < n_cases; i++) {
		struct sbiret r = sbi5(cases[i].eid, cases[i].fid, cases[i].a0, cases[i].a1,
				       cases[i].a2, cases[i].a3, cases[i].a4);
		if (r.error != cases[i].want) {
			fail(boot_hart, "%s: error %ld, want %ld", cases[i].what, r.error,
			     cases[i].want);
			ok = false;
		}
	}
	say("smp: hart masks and ids: %u calls, out-of-range ones refused with "
	    "SBI_ERR_INVALID_PARAM, base -1 = all%s", n_cases, ok ? "" : " - FAILED");
	return ok;
}
