/*
 * Bounded exhaustive model check of the trace ring's publish / consume
 * protocol (lib/trace_ring.h: "Positions and slots", "Modes", "Accounting
 * rule").
 *
 * What is checked is the REAL ring code: lib/trace_ring.c and the inline
 * writer path of trace_ring.h, built with -DTV_RING_MODEL_CHECK (see
 * test_ring_model.mk), which turns the TV_RING_STEP() hook in front of
 * every shared-memory access into a call of tv_ring_model_step() below.
 * Each thread of the model -- one writer writing W records, one or two
 * consumers, possibly a peeker -- is a coroutine with its own stack; the
 * hook switches back to the scheduler, which picks the thread whose next
 * shared access happens next. A step is one shared access of one thread
 * plus that thread's local work up to its next shared access; the
 * interleavings explored are all orders of these steps.
 *
 * Memory model: the coroutines run on one OS thread, so every explored
 * execution is sequentially consistent. The model checks the algorithm's
 * logic under SC (the head checks around a copy, claiming by CAS on tail,
 * loss counting, stop-mode markers); that the RISC-V fences make the weak
 * (RVWMO) executions behave like SC ones for this protocol is the
 * "Memory-ordering argument" in trace_ring.h, not checked here. Fences are
 * no-ops under SC and are not steps.
 *
 * Steps (the model's granularity; the writer's W1, W2 and the reader's
 * R1..R3 of trace_ring.h):
 *   writer    load of tail (stop mode), payload stores (W1, see below),
 *             store of head (W2, the publish)
 *   consumer  load of tail, of head (R1), payload loads (R2), head
 *             re-load (R3), compare-and-swap on tail
 *   peeker    load of tail (cursor), then as a consumer without the CAS
 * A record's 8 payload words are stored and loaded as two groups (words
 * 0-3 and 4-7), one step each: "records of 2 payload words". A torn copy
 * mixing the groups is caught; a tear inside a group is not modelled (the
 * protocol does not depend on the number of words).
 * Accesses that commute with every other thread's access are not steps
 * (this loses no behaviour): the writer's loads of head and of its own
 * payload (only it stores them), the writer-only counters (pending,
 * dropped, markers) and the consumers' fetch_add on consumed / overrun
 * (nobody reads those while the threads run; the final check does).
 * A reader call that returns nothing and changes nothing (an empty poll)
 * blocks that reader until head, tail or a slot changes: polling again
 * before could only repeat the same no-op. So every schedule is finite.
 *
 * Search: depth first over the schedules. Before trying the next thread
 * at a branch point the scheduler restores the state it branched from:
 * ring and slots, the model's bookkeeping and every coroutine's stack
 * (restored at the same address, its saved registers are on it). States
 * are memoised by a 128-bit hash of all of that (a coroutine's live stack
 * from its saved stack pointer up): a state reached again by another
 * schedule has the same futures, so they are not explored twice, and the
 * number of complete interleavings covered is counted exactly as the
 * number of paths through the state graph. Each stack region a call is
 * about to use is zeroed first (scrub_stack()) so that leftovers of
 * earlier calls do not make equal states look different.
 *
 * Checked in every interleaving:
 *   - no reader accepts a torn or stale record: every word of every
 *     record received equals what the writer wrote for that record;
 *   - no record is delivered twice (over all consumers) and each reader
 *     receives records in increasing order;
 *   - *lost_before: with a single consumer it is exactly the number of
 *     records between the previous record received and this one; with two
 *     consumers, at most that. The same for a peeker, exact in overwrite
 *     mode or with no consumer; in stop mode with a consumer it may fall
 *     short (a claimed marker whose slot was reused counts as one, see
 *     tv_ring_peek() in trace_ring.h; the run reports when that happened);
 *   - at the end (writer done, every reader's last poll empty), after
 *     draining what is left: offered == consumed + lost exactly, consumed
 *     is what the consumers received, and the sum of the lost_before
 *     values received == lost minus the stop-mode drops whose marker was
 *     never written (the documented rule);
 *   - the state graph has no cycle (no livelock under the empty-poll rule).
 * test_model_finds_bugs runs the same search on deliberately broken
 * writers and requires the checker to find the torn record;
 * test_model_memo_agrees checks the memo against a search without it.
 *
 * Each configuration prints the interleavings covered, the states and
 * steps explored and the time taken. TV_RING_MODEL_EXTRA=n in the
 * environment adds n records to every configuration (longer runs by hand).
 *
 * Host requirement: the coroutine switch is a few lines of x86-64
 * assembly; on other hosts the tests are skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* The hooks; test_ring_model.mk defines this for trace_ring.c as well
 * (run_model() fails if the ring code was built without them). */
#ifndef TV_RING_MODEL_CHECK
#define TV_RING_MODEL_CHECK 1
#endif

#include "trace_ring.h"

#if defined(__x86_64__)
#define MODEL_SUPPORTED 1
#else
#define MODEL_SUPPORTED 0
#endif

#define MAX_SLOTS 4
#define MAX_THREADS 4
#define MAX_RECORDS 16		/* ids fit the delivered bitmask */
#define STACK_BYTES ((size_t)16 * 1024) /* one coroutine stack */
#define SNAP_BYTES 2048		/* top of a stack saved / restored */
#define SCRUB_BYTES 1024	/* zeroed below the caller before a call */
#define MAX_DEPTH 4096		/* longest schedule accepted */
#define PAYLOAD_SPLIT 4		/* payload groups: words 0-3 and 4-7 */
#define LB_UNSET 0xdeadbeefdeadbeefull

/* ---- Coroutine switch ------------------------------------------------- */

/*
 * Switch stacks: push the callee-saved registers of the System V x86-64
 * ABI (rbp, rbx, r12-r15; the caller-saved ones are dead across a call),
 * store the stack pointer in *save_sp, load to_sp and pop the registers
 * saved there, returning into whatever called the switch on that stack.
 * A suspended coroutine's whole state is thus its stack and its stack
 * pointer. (The MXCSR and x87 control words are callee-saved too, but
 * nothing here changes them.)
 */
void tv_model_switch(void **save_sp, void *to_sp);
#if MODEL_SUPPORTED
__asm__(".text\n"
	".p2align 4\n"
	".globl tv_model_switch\n"
	".type tv_model_switch, @function\n"
	"tv_model_switch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size tv_model_switch, .-tv_model_switch\n");
#endif

/* ---- The model's state ------------------------------------------------ */

enum role { ROLE_WRITER, ROLE_CONSUMER, ROLE_PEEKER };

/* Deliberately broken writers, to show that the checker finds bugs. */
enum mutant {
	MUT_NONE,
	MUT_STORE_AFTER_COMMIT, /* record 1: a payload word changes after W2 */
	MUT_COMMIT_FIRST,	/* record 1: W2 before the payload stores */
};

struct model_cfg {
	uint32_t nslots;
	enum tv_ring_mode mode;
	uint32_t nrecs;
	uint32_t nconsumers;
	uint32_t npeekers;
	enum mutant mutant;
};

/* What a reader reads from the ring: if it is unchanged, so is a poll. */
struct view {
	uint64_t head, tail;
	struct tv_rec slots[MAX_SLOTS];
};

/*
 * One thread of the model. Part of the state (saved, restored, hashed):
 * keep it free of padding (all 64-bit fields).
 */
struct mthread {
	void *sp;	     /* saved stack pointer while suspended */
	uint64_t role;	     /* enum role */
	uint64_t done;	     /* writer: all records offered */
	uint64_t blocked;    /* reader: last call was an empty poll */
	uint64_t exact;	     /* reader: lost_before must match the gap */
	uint64_t pend_addr;  /* the shared access it makes when resumed */
	uint64_t pend_acc;   /* enum tv_ring_access */
	uint64_t offered;    /* writer: records offered so far */
	uint64_t next;	     /* reader: lowest id it may receive next */
	uint64_t base;	     /* reader: first id it could ever receive */
	uint64_t delivered;  /* reader: records received */
	uint64_t lost_sum;   /* reader: sum of *lost_before */
	uint64_t lost_since; /* reader: lost_before since its last record */
	struct view blockv;  /* reader, while blocked: what it last read */
};

/* Bookkeeping shared by the threads (part of the state). */
struct model_glob {
	uint64_t delivered_mask; /* ids delivered by consumers */
};

static struct tv_ring ring;
static struct tv_rec slots[MAX_SLOTS];
static struct model_glob glob;
static struct mthread mt[MAX_THREADS];
static _Alignas(16) unsigned char stacks[MAX_THREADS][STACK_BYTES];

static const struct model_cfg *cfg;
static uint32_t nthreads;
static struct mthread *cur; /* thread running now, NULL: the scheduler */
static void *sched_sp;	    /* the scheduler's stack pointer */

/* The first failure found, and where. */
static int model_failed;
static char model_msg[512];

/* Diagnostics that are not part of the state. */
static uint64_t peek_short; /* peeker records with lost_before < gap */

/* Record the first failure (later ones are consequences). */
__attribute__((format(printf, 1, 2))) static void model_fail(const char *fmt,
							      ...)
{
	va_list ap;

	if (model_failed)
		return;
	model_failed = 1;
	va_start(ap, fmt);
	vsnprintf(model_msg, sizeof(model_msg), fmt, ap);
	va_end(ap);
}

/* Name of a thread for messages: W, C1, C2, P. */
static const char *thread_name(const struct mthread *t)
{
	static const char *const names[MAX_THREADS][3] = {
		{ "W", "?", "?" },
		{ "?", "C1", "P" },
		{ "?", "C2", "P" },
		{ "?", "C3", "P" },
	};
	size_t i = (size_t)(t - mt);

	return names[i][t->role];
}

/* ---- Records ---------------------------------------------------------- */

/* The record the writer offers as data record number k (every word
 * depends on k, none is zero). */
static void make_record(uint64_t k, struct tv_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->time = 1000 + k;
	rec->dt = (uint32_t)(2000 + k);
	rec->kind = TV_KIND_MARK;
	rec->vm = (uint8_t)(10 + k);
	rec->vcpu = (uint8_t)(20 + k);
	rec->flags = 0;
	for (size_t i = 0; i < TV_NARGS; i++)
		rec->arg[i] = ((k + 1) << 8) | i;
}

/* Which record rec is: its id, or -1 if it is no record the writer
 * offered (torn, stale, a marker, garbage). */
static int64_t record_id(const struct tv_rec *rec)
{
	struct tv_rec want;
	uint64_t k = rec->time - 1000;

	if (k >= cfg->nrecs)
		return -1;
	make_record(k, &want);
	return memcmp(rec, &want, sizeof(want)) == 0 ? (int64_t)k : -1;
}

/* ---- Scheduling ------------------------------------------------------- */

/* Suspend the running thread t and return to the scheduler. */
static void yield_thread(struct mthread *t)
{
	tv_model_switch(&t->sp, sched_sp);
}

/* Run thread t until it yields again. */
static void run_thread(struct mthread *t)
{
	uintptr_t top = (uintptr_t)stacks[t - mt] + STACK_BYTES;

	cur = t;
	tv_model_switch(&sched_sp, t->sp);
	cur = NULL;
	if (top - (uintptr_t)t->sp > SNAP_BYTES - SCRUB_BYTES / 2)
		model_fail("%s: stack deeper than the snapshot (%zu bytes)",
			   thread_name(t), (size_t)(top - (uintptr_t)t->sp));
}

/* Is an access at a by thread t a step (may another thread's access come
 * between it and t's previous one)? See the header comment. */
static int is_step(const struct mthread *t, uintptr_t a,
		   enum tv_ring_access acc)
{
	uintptr_t s0 = (uintptr_t)slots;
	uintptr_t s1 = (uintptr_t)&slots[cfg->nslots];

	if (a >= s0 && a < s1) {
		size_t word = (a - s0) % sizeof(struct tv_rec) / sizeof(uint64_t);

		if (t->role == ROLE_WRITER && acc == TV_RING_LOAD)
			return 0;
		return word == 0 || word == PAYLOAD_SPLIT;
	}
	if (a == (uintptr_t)&ring.head)
		return !(t->role == ROLE_WRITER && acc == TV_RING_LOAD);
	if (a == (uintptr_t)&ring.tail)
		return 1;
	if (a == (uintptr_t)&ring.pending || a == (uintptr_t)&ring.dropped ||
	    a == (uintptr_t)&ring.markers)
		return t->role == ROLE_WRITER ? 0 : 1;
	if (a == (uintptr_t)&ring.consumed || a == (uintptr_t)&ring.overrun)
		return acc == TV_RING_RMW ? 0 : 1;
	model_fail("%s: access to %p, not a shared word of the ring",
		   thread_name(t), (const void *)a);
	return 1;
}

/* The hook in front of every shared access of the ring code
 * (TV_RING_STEP() in trace_ring.h). Outside the threads: no-op. */
void tv_ring_model_step(const volatile void *addr, enum tv_ring_access access)
{
	struct mthread *t = cur;

	if (t == NULL || !is_step(t, (uintptr_t)addr, access))
		return;
	t->pend_addr = (uintptr_t)addr;
	t->pend_acc = access;
	yield_thread(t);
}

/* Zero the stack a call made next from the caller will use (see the
 * header comment); the pad array lies where that call's frames go. */
static __attribute__((noinline)) void scrub_stack(void)
{
	volatile unsigned char pad[SCRUB_BYTES];
	uintptr_t top = (uintptr_t)stacks[cur - mt] + STACK_BYTES;

	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = 0;
	if (top - (uintptr_t)pad > SNAP_BYTES)
		model_fail("%s: scrubbed stack outside the snapshot",
			   thread_name(cur));
}

/* What a reader reads, now. */
static void view_now(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->head = ring.head;
	v->tail = ring.tail;
	memcpy(v->slots, slots, sizeof(slots[0]) * cfg->nslots);
}

/* A reader's last call was an empty poll: sleep until the ring changes. */
static void block_thread(struct mthread *t)
{
	t->blocked = 1;
	view_now(&t->blockv);
	t->pend_addr = 0;
	yield_thread(t);
	t->blocked = 0;
	memset(&t->blockv, 0, sizeof(t->blockv));
}

/* May thread t take a step? */
static int thread_enabled(const struct mthread *t)
{
	struct view v;

	if (t->done)
		return 0;
	if (!t->blocked)
		return 1;
	view_now(&v);
	return memcmp(&v, &t->blockv, sizeof(v)) != 0;
}

/* ---- The threads -------------------------------------------------------- */

/* Fill a reserved record field by field, as the hypervisor does. */
static void fill_fields(struct tv_rec *r, uint64_t k)
{
	struct tv_rec src;

	make_record(k, &src);
	tv_ring_set_u64(&r->time, src.time);
	tv_ring_set_u64(tv_ring_hdr_word(r),
			TV_REC_HDR(src.kind, src.flags, src.vm, src.vcpu, src.dt));
	for (size_t i = 0; i < TV_NARGS; i++)
		tv_ring_set_u64(&r->arg[i], src.arg[i]);
}

/* Writer: offer record k, through each writer entry point in turn. */
static void write_record(uint64_t k)
{
	struct tv_rec src;
	struct tv_rec *r;
	int mutated = k == 1 && cfg->mutant != MUT_NONE;

	make_record(k, &src);
	switch (mutated ? 1 : k % 3) {
	case 0:
		(void)tv_ring_write(&ring, &src);
		break;
	case 1:
		r = tv_ring_reserve(&ring);
		if (r == NULL)
			break;
		if (cfg->mutant == MUT_COMMIT_FIRST && mutated) {
			tv_ring_commit(&ring);
			fill_fields(r, k);
			break;
		}
		fill_fields(r, k);
		tv_ring_commit(&ring);
		if (cfg->mutant == MUT_STORE_AFTER_COMMIT && mutated)
			tv_ring_set_u64(&r->arg[2], 0xbad);
		break;
	default:
		r = tv_ring_reserve(&ring);
		if (r == NULL)
			break;
		tv_ring_store_record(r, &src);
		tv_ring_commit(&ring);
		break;
	}
}

/* The writer thread: W records, then done. */
static void writer_main(struct mthread *t)
{
	for (uint64_t k = 0; k < cfg->nrecs; k++) {
		write_record(k);
		t->offered = k + 1;
	}
	t->done = 1;
	t->pend_addr = 0;
	for (;;)
		yield_thread(t);
}

/*
 * A reader's call returned got (record *out) and lost_before lb: check it
 * against the records offered and update the reader's bookkeeping.
 */
static void reader_got(struct mthread *t, const char *who, int got,
		       const struct tv_rec *out, uint64_t lb)
{
	uint64_t offered = mt[0].offered + (mt[0].done ? 0 : 1);
	uint64_t gap;
	int64_t id;

	if (lb == LB_UNSET || (got != 0 && got != 1)) {
		model_fail("%s: returned %d, lost_before not set", who, got);
		return;
	}
	t->lost_sum += lb;
	t->lost_since += lb;
	if (!got)
		return;
	id = record_id(out);
	if (id < 0) {
		model_fail("%s: accepted a torn or stale record: time %#llx "
			   "dt %#llx kind %u arg0 %#llx arg2 %#llx arg5 %#llx",
			   who, (unsigned long long)out->time,
			   (unsigned long long)out->dt, out->kind,
			   (unsigned long long)out->arg[0],
			   (unsigned long long)out->arg[2],
			   (unsigned long long)out->arg[5]);
		return;
	}
	if ((uint64_t)id >= offered) {
		model_fail("%s: got record %lld, not offered yet", who,
			   (long long)id);
		return;
	}
	if ((uint64_t)id < t->next) {
		model_fail("%s: got record %lld after record %llu (twice or "
			   "out of order)",
			   who, (long long)id, (unsigned long long)t->next - 1);
		return;
	}
	if (t->role == ROLE_CONSUMER) {
		if (glob.delivered_mask & (1ull << id)) {
			model_fail("%s: record %lld delivered twice", who,
				   (long long)id);
			return;
		}
		glob.delivered_mask |= 1ull << id;
	}
	gap = (uint64_t)id - t->next;
	if (t->exact && t->lost_since != gap)
		model_fail("%s: got record %lld with %llu lost before it, but "
			   "%llu records were missing",
			   who, (long long)id, (unsigned long long)t->lost_since,
			   (unsigned long long)gap);
	else if (t->lost_since > gap)
		model_fail("%s: got record %lld with %llu lost before it, more "
			   "than the %llu records missing",
			   who, (long long)id, (unsigned long long)t->lost_since,
			   (unsigned long long)gap);
	else if (t->lost_since < gap && t->role == ROLE_PEEKER &&
		 t->delivered != 0)
		peek_short++;
	t->next = (uint64_t)id + 1;
	t->lost_since = 0;
	t->delivered++;
}

/* The consumer thread: consume until the ring stays empty. */
static void consumer_main(struct mthread *t)
{
	for (;;) {
		struct tv_rec out;
		uint64_t lb = LB_UNSET;
		int got;

		memset(&out, 0, sizeof(out));
		scrub_stack();
		got = tv_ring_consume(&ring, &out, &lb);
		reader_got(t, thread_name(t), got, &out, lb);
		if (!got && lb == 0)
			block_thread(t);
	}
}

/* The peeker thread: a cursor at the oldest record, then peek. */
static void peeker_main(struct mthread *t)
{
	struct tv_ring_cursor c;

	scrub_stack();
	tv_ring_cursor_oldest(&ring, &c);
	/* Positions are ids in overwrite mode; in stop mode with no consumer
	 * the cursor starts at 0. Otherwise the first id is not known. */
	if (cfg->mode == TV_RING_OVERWRITE)
		t->next = t->base = c.pos;
	for (;;) {
		struct tv_rec out;
		uint64_t lb = LB_UNSET;
		int got;

		memset(&out, 0, sizeof(out));
		scrub_stack();
		got = tv_ring_peek(&ring, &c, &out, &lb);
		reader_got(t, thread_name(t), got, &out, lb);
		if (!got && lb == 0)
			block_thread(t);
	}
}

/* Where every coroutine starts (see start_thread()). */
static void thread_entry(void)
{
	struct mthread *t = cur;

	switch (t->role) {
	case ROLE_WRITER:
		writer_main(t);
		break;
	case ROLE_CONSUMER:
		consumer_main(t);
		break;
	default:
		peeker_main(t);
		break;
	}
	abort(); /* the mains never return */
}

/*
 * Set up thread i's stack so that the first switch to it "returns" into
 * thread_entry(): six zero callee-saved registers, then thread_entry's
 * address, then a zero return address for thread_entry itself (which
 * never returns). The stack top is 16-byte aligned, so thread_entry starts
 * with rsp = 8 mod 16, as after a call.
 */
static void start_thread(uint32_t i)
{
	uint64_t *sp = (uint64_t *)(void *)&stacks[i][STACK_BYTES];
	void (*entry)(void) = thread_entry;

	memset(stacks[i], 0, STACK_BYTES);
	*--sp = 0;
	--sp;
	memcpy(sp, &entry, sizeof(entry));
	for (int r = 0; r < 6; r++)
		*--sp = 0;
	mt[i].sp = sp;
}

/* ---- Snapshots and the memo ------------------------------------------- */

/* Everything that makes up a state of the model. */
struct snap {
	struct tv_ring ring;
	struct tv_rec slots[MAX_SLOTS];
	struct model_glob glob;
	struct mthread mt[MAX_THREADS];
	unsigned char stack[MAX_THREADS][SNAP_BYTES];
};

/* Save the current state in s. */
static void snap_save(struct snap *s)
{
	memcpy(&s->ring, &ring, sizeof(ring));
	memcpy(s->slots, slots, sizeof(slots));
	memcpy(&s->glob, &glob, sizeof(glob));
	memcpy(s->mt, mt, sizeof(mt[0]) * nthreads);
	for (uint32_t i = 0; i < nthreads; i++)
		memcpy(s->stack[i], &stacks[i][STACK_BYTES - SNAP_BYTES],
		       SNAP_BYTES);
}

/* Make s the current state again. */
static void snap_restore(const struct snap *s)
{
	memcpy(&ring, &s->ring, sizeof(ring));
	memcpy(slots, s->slots, sizeof(slots));
	memcpy(&glob, &s->glob, sizeof(glob));
	memcpy(mt, s->mt, sizeof(mt[0]) * nthreads);
	for (uint32_t i = 0; i < nthreads; i++)
		memcpy(&stacks[i][STACK_BYTES - SNAP_BYTES], s->stack[i],
		       SNAP_BYTES);
}

/*
 * A 128-bit state hash: NH (the universal hash of UMAC, RFC 4418 section
 * 5.2, here on 64-bit words with 128-bit products), two lanes with
 * different keys: the sum over word pairs of (w[2i] + k[2i]) *
 * (w[2i+1] + k[2i+1]). The products are independent, so this runs at the
 * multiplier's throughput; the length is hashed last.
 */
__extension__ typedef unsigned __int128 u128;

#define HASH_WORDS 2048 /* longest state hashed, in 64-bit words */

struct hasher {
	u128 acc[2];
	uint64_t pend; /* first word of an unfinished pair */
	size_t n;      /* words fed so far */
};

static uint64_t hash_keys[2][HASH_WORDS];

/* splitmix64 finaliser. */
static uint64_t fmix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Fill the key tables (fixed: the same hash in every run). */
static void hash_init_keys(void)
{
	for (size_t i = 0; i < HASH_WORDS; i++) {
		hash_keys[0][i] = fmix(2 * i + 0x243f6a8885a308d3ull);
		hash_keys[1][i] = fmix(2 * i + 1 + 0x13198a2e03707344ull);
	}
}

/* Feed one word. */
static void hash_word(struct hasher *h, uint64_t w)
{
	size_t i = h->n++;

	if ((i & 1) == 0) {
		h->pend = w;
		return;
	}
	h->acc[0] += (u128)(h->pend + hash_keys[0][i - 1]) *
		     (w + hash_keys[0][i]);
	h->acc[1] += (u128)(h->pend + hash_keys[1][i - 1]) *
		     (w + hash_keys[1][i]);
}

/* Feed n bytes at p (n a multiple of 8), a pair of words at a time, in
 * local variables (the bytes could alias *h). */
static void hash_bytes(struct hasher *h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t nw = n / 8;
	u128 a0, a1;
	size_t i;

	if (h->n + nw + 2 > HASH_WORDS) {
		model_fail("state larger than the hash keys");
		return;
	}
	if (nw != 0 && (h->n & 1) != 0) {
		uint64_t w;

		memcpy(&w, c, 8);
		hash_word(h, w);
		c += 8;
		nw--;
	}
	a0 = h->acc[0];
	a1 = h->acc[1];
	i = h->n;
	for (; nw >= 2; nw -= 2, c += 16, i += 2) {
		uint64_t w0, w1;

		memcpy(&w0, c, 8);
		memcpy(&w1, c + 8, 8);
		a0 += (u128)(w0 + hash_keys[0][i]) * (w1 + hash_keys[0][i + 1]);
		a1 += (u128)(w0 + hash_keys[1][i]) * (w1 + hash_keys[1][i + 1]);
	}
	h->acc[0] = a0;
	h->acc[1] = a1;
	h->n = i;
	if (nw != 0) {
		uint64_t w;

		memcpy(&w, c, 8);
		hash_word(h, w);
	}
}

/* The 128-bit result. */
struct hash128 {
	uint64_t a, b;
};

/* Hash of the current state: ring words, slots, bookkeeping, each
 * thread's record and live stack. */
static struct hash128 state_hash(void)
{
	struct hasher h;
	struct hash128 r;
	const uint64_t words[] = { ring.head,	  ring.dropped, ring.markers,
				   ring.pending,  ring.tail,	ring.consumed,
				   ring.overrun };

	memset(&h, 0, sizeof(h));
	hash_bytes(&h, words, sizeof(words));
	hash_bytes(&h, slots, sizeof(slots[0]) * cfg->nslots);
	hash_bytes(&h, &glob, sizeof(glob));
	for (uint32_t i = 0; i < nthreads; i++) {
		uintptr_t top = (uintptr_t)stacks[i] + STACK_BYTES;

		hash_bytes(&h, &mt[i], mt[i].blocked
					       ? sizeof(mt[i])
					       : offsetof(struct mthread, blockv));
		hash_bytes(&h, mt[i].sp, top - (uintptr_t)mt[i].sp);
	}
	hash_word(&h, h.n);
	hash_word(&h, 0);
	r.a = fmix((uint64_t)h.acc[0] ^ fmix((uint64_t)(h.acc[0] >> 64)));
	r.b = fmix((uint64_t)h.acc[1] ^ fmix((uint64_t)(h.acc[1] >> 64))) | 1;
	return r; /* b != 0: 0 marks an empty memo entry */
}

/* Memo entry: a state and the number of complete schedules from it
 * (-1 while it is being explored). */
struct memo_ent {
	uint64_t a, b;
	double paths;
};

static struct memo_ent *memo;
static size_t memo_cap, memo_used;

/* The entry for key h (an empty one if h is not there). */
static struct memo_ent *memo_slot(struct hash128 h)
{
	size_t i = (size_t)h.a & (memo_cap - 1);

	while (memo[i].b != 0 && (memo[i].a != h.a || memo[i].b != h.b))
		i = (i + 1) & (memo_cap - 1);
	return &memo[i];
}

/* Double the table. */
static void memo_grow(void)
{
	struct memo_ent *old = memo;
	size_t old_cap = memo_cap;

	memo_cap = old_cap ? old_cap * 2 : (size_t)1 << 20;
	memo = calloc(memo_cap, sizeof(*memo));
	if (memo == NULL) {
		fprintf(stderr, "test_ring_model: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].b != 0) {
			struct hash128 k = { old[i].a, old[i].b };

			*memo_slot(k) = old[i];
		}
	free(old);
}

/* ---- The search -------------------------------------------------------- */

/* One step of a schedule, for the counterexample. */
struct step_rec {
	uint32_t tid;
	uint32_t acc;
	uint64_t addr;
};

struct model_stats {
	uint64_t states;    /* distinct states reached */
	uint64_t steps;	    /* steps executed (transitions explored) */
	uint64_t terminals; /* distinct final states */
	uint32_t maxdepth;  /* longest schedule */
	double paths;	    /* complete interleavings covered */
	uint32_t fail_len;  /* length of the failing schedule */
};

static struct snap *levels;
static size_t nlevels;
static int memo_off; /* explore every schedule (test_model_memo_agrees) */
static struct step_rec path[MAX_DEPTH];
static struct model_stats st;

/* The snapshot of depth d, growing the array as needed. */
static struct snap *level(uint32_t d)
{
	if (d >= nlevels) {
		size_t n = nlevels ? nlevels * 2 : 64;
		struct snap *l = realloc(levels, n * sizeof(*l));

		if (l == NULL) {
			fprintf(stderr, "test_ring_model: out of memory\n");
			exit(1);
		}
		levels = l;
		nlevels = n;
	}
	return &levels[d];
}

/*
 * The end of a schedule: the writer is done and every reader's last poll
 * was empty. Drain what is left (no consumer: the peeker never claims) and
 * check the accounting rule of trace_ring.h.
 */
static void final_check(void)
{
	struct mthread drain;
	uint64_t consumed_seen = 0, lb_sum = 0, offered, consumed, lost;

	if (!mt[0].done) {
		model_fail("nothing can run but the writer is not done");
		return;
	}
	memset(&drain, 0, sizeof(drain));
	drain.role = ROLE_CONSUMER;
	drain.exact = 1;
	for (uint32_t i = 1; i < nthreads; i++)
		if (mt[i].role == ROLE_CONSUMER && mt[i].next > drain.next)
			drain.next = mt[i].next;
	for (;;) {
		struct tv_rec out;
		uint64_t lb = LB_UNSET;
		int got = tv_ring_consume(&ring, &out, &lb);

		if (cfg->nconsumers != 0 && (got || lb != 0)) {
			model_fail("consumers stopped before the ring was "
				   "drained");
			return;
		}
		reader_got(&drain, "drain", got, &out, lb);
		if (model_failed || (!got && lb == 0))
			break;
	}
	offered = tv_ring_offered(&ring);
	consumed = tv_ring_consumed(&ring);
	lost = tv_ring_lost(&ring);
	for (uint32_t i = 1; i < nthreads; i++)
		if (mt[i].role == ROLE_CONSUMER) {
			consumed_seen += mt[i].delivered;
			lb_sum += mt[i].lost_sum;
		}
	consumed_seen += drain.delivered;
	lb_sum += drain.lost_sum;
	if (offered != cfg->nrecs)
		model_fail("offered %llu, but %u records were offered",
			   (unsigned long long)offered, cfg->nrecs);
	else if (consumed != consumed_seen ||
		 consumed != (uint64_t)__builtin_popcountll(glob.delivered_mask))
		model_fail("consumed %llu, but %llu records were received",
			   (unsigned long long)consumed,
			   (unsigned long long)consumed_seen);
	else if (offered != consumed + lost)
		model_fail("offered %llu != consumed %llu + lost %llu",
			   (unsigned long long)offered,
			   (unsigned long long)consumed,
			   (unsigned long long)lost);
	else if (lb_sum != lost - ring.pending)
		model_fail("sum of lost_before %llu != lost %llu - drops "
			   "without marker %llu",
			   (unsigned long long)lb_sum, (unsigned long long)lost,
			   (unsigned long long)ring.pending);
	for (uint32_t i = 1; i < nthreads && !model_failed; i++) {
		const struct mthread *t = &mt[i];

		if (t->role == ROLE_PEEKER && t->exact &&
		    t->delivered + t->lost_sum !=
			    cfg->nrecs - t->base - ring.pending)
			model_fail("P: received %llu + lost %llu, but %llu "
				   "records were offered after its cursor",
				   (unsigned long long)t->delivered,
				   (unsigned long long)t->lost_sum,
				   (unsigned long long)(cfg->nrecs - t->base -
							ring.pending));
	}
}

/* Run thread i for one step (a blocked one: wake it and run its first
 * access, waking alone being invisible to the others). */
static void step_thread(uint32_t i)
{
	int woke = mt[i].blocked != 0;

	run_thread(&mt[i]);
	st.steps++;
	if (woke && !model_failed)
		run_thread(&mt[i]);
}

/* Explore every schedule from the current state (depth d); returns the
 * number of complete schedules from it. */
static double dfs(uint32_t d)
{
	uint32_t en[MAX_THREADS], nen = 0;
	double total = 0;
	struct snap *here;

	if (d >= MAX_DEPTH) {
		model_fail("schedule longer than %u steps", MAX_DEPTH);
		st.fail_len = d;
		return 0;
	}
	if (d > st.maxdepth)
		st.maxdepth = d;
	for (uint32_t i = 0; i < nthreads; i++)
		if (thread_enabled(&mt[i]))
			en[nen++] = i;
	if (nen == 0) {
		st.terminals++;
		final_check();
		if (model_failed)
			st.fail_len = d;
		return 1;
	}
	here = level(d);
	snap_save(here);
	for (uint32_t j = 0; j < nen; j++) {
		struct memo_ent *e;
		struct hash128 h;
		double p;

		if (j > 0) {
			here = level(d);
			snap_restore(here);
		}
		path[d].tid = en[j];
		path[d].addr = mt[en[j]].pend_addr;
		path[d].acc = (uint32_t)mt[en[j]].pend_acc;
		step_thread(en[j]);
		if (model_failed) {
			if (st.fail_len == 0)
				st.fail_len = d + 1;
			return total;
		}
		if (memo_off) {
			st.states++;
			total += dfs(d + 1);
			if (model_failed)
				return total;
			continue;
		}
		h = state_hash();
		e = memo_slot(h);
		if (e->b != 0) {
			if (e->paths < 0) {
				model_fail("the state graph has a cycle "
					   "(livelock)");
				st.fail_len = d + 1;
				return total;
			}
			total += e->paths;
			continue;
		}
		e->a = h.a;
		e->b = h.b;
		e->paths = -1;
		st.states++;
		if (++memo_used * 4 > memo_cap * 3)
			memo_grow();
		p = dfs(d + 1);
		if (model_failed)
			return total;
		memo_slot(h)->paths = p;
		total += p;
	}
	return total;
}

/* Describe a shared word for a counterexample. */
static void describe(char *buf, size_t n, uint64_t addr, uint32_t acc)
{
	static const char *const accs[] = { "load", "store", "rmw" };
	uintptr_t a = (uintptr_t)addr;
	uintptr_t s0 = (uintptr_t)slots;

	if (addr == 0) {
		snprintf(buf, n, "(wakes up)");
	} else if (a >= s0 && a < (uintptr_t)&slots[MAX_SLOTS]) {
		size_t off = (a - s0) % sizeof(struct tv_rec);

		snprintf(buf, n, "%s slot%zu.payload[%s]", accs[acc],
			 (size_t)(a - s0) / sizeof(struct tv_rec),
			 off / 8 < PAYLOAD_SPLIT ? "0-3" : "4-7");
	} else {
		snprintf(buf, n, "%s %s", accs[acc],
			 a == (uintptr_t)&ring.head ? "head"
			 : a == (uintptr_t)&ring.tail ? "tail"
						      : "counter");
	}
}

/* Print the failing schedule. */
static void print_counterexample(void)
{
	fprintf(stderr, "ring model: FAILED: %s\nschedule (%u steps):\n",
		model_msg, st.fail_len);
	for (uint32_t d = 0; d < st.fail_len && d < MAX_DEPTH; d++) {
		char what[64];

		describe(what, sizeof(what), path[d].addr, path[d].acc);
		fprintf(stderr, "  %3u %-2s %s\n", d, thread_name(&mt[path[d].tid]),
			what);
	}
}

/* Check one configuration: set up ring and threads, search, report. */
static int run_model(const struct model_cfg *c, int quiet)
{
	static struct model_cfg scaled;
	struct timespec t0, t1;
	const char *extra;
	double secs;

	extra = getenv("TV_RING_MODEL_EXTRA");
	scaled = *c;
	if (extra != NULL)
		scaled.nrecs += (uint32_t)strtoul(extra, NULL, 10);
	if (scaled.nrecs > MAX_RECORDS)
		scaled.nrecs = MAX_RECORDS;
	c = &scaled;
	cfg = c;
	nthreads = 1 + c->nconsumers + c->npeekers;
	memset(&ring, 0, sizeof(ring));
	memset(slots, 0, sizeof(slots));
	memset(&glob, 0, sizeof(glob));
	memset(mt, 0, sizeof(mt));
	memset(&st, 0, sizeof(st));
	model_failed = 0;
	model_msg[0] = '\0';
	peek_short = 0;
	if (tv_ring_init(&ring, slots, c->nslots, c->mode) != 0)
		return -1;
	for (uint32_t i = 0; i < nthreads; i++) {
		mt[i].role = i == 0		  ? ROLE_WRITER
			     : i <= c->nconsumers ? ROLE_CONSUMER
						  : ROLE_PEEKER;
		if (mt[i].role == ROLE_CONSUMER)
			mt[i].exact = c->nconsumers == 1;
		if (mt[i].role == ROLE_PEEKER)
			mt[i].exact = c->mode == TV_RING_OVERWRITE ||
				      c->nconsumers == 0;
		start_thread(i);
	}
	hash_init_keys();
	free(memo);
	memo = NULL;
	memo_cap = memo_used = 0;
	memo_grow();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Up to its first shared access a thread does local work only. */
	for (uint32_t i = 0; i < nthreads; i++)
		run_thread(&mt[i]);
	for (uint32_t i = 0; i < nthreads; i++)
		if (mt[i].pend_addr == 0 && !mt[i].done)
			model_fail("%s ran without a step hook: "
				   "lib/trace_ring.c was built without "
				   "-DTV_RING_MODEL_CHECK",
				   thread_name(&mt[i]));
	if (!model_failed)
		st.paths = dfs(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (model_failed) {
		if (!quiet)
			print_counterexample();
		return 1;
	}
	printf("ring model: %-9s %u slots, W=%u, writer+%uC%s: %10.4g "
	       "interleavings, %8llu states, %9llu steps, %u max, "
	       "%llu final states, %.2fs%s\n",
	       c->mode == TV_RING_STOP ? "stop" : "overwrite", c->nslots,
	       c->nrecs, c->nconsumers, c->npeekers ? "+P" : "", st.paths,
	       (unsigned long long)st.states, (unsigned long long)st.steps,
	       st.maxdepth, (unsigned long long)st.terminals, secs,
	       peek_short ? " (peeker under-counted some losses)" : "");
	fflush(stdout);
	return 0;
}

/* ---- Tests -------------------------------------------------------------- */

/* Run a list of configurations; each must pass. */
static void run_all(const struct model_cfg *cs, size_t n)
{
	if (!MODEL_SUPPORTED)
		skip();
	for (size_t i = 0; i < n; i++)
		assert_int_equal(run_model(&cs[i], 0), 0);
}

static void test_model_overwrite(void **state)
{
	static const struct model_cfg cs[] = {
		{ 2, TV_RING_OVERWRITE, 8, 1, 0, MUT_NONE },
		{ 4, TV_RING_OVERWRITE, 8, 1, 0, MUT_NONE },
		{ 2, TV_RING_OVERWRITE, 5, 2, 0, MUT_NONE },
		{ 4, TV_RING_OVERWRITE, 5, 2, 0, MUT_NONE },
		{ 2, TV_RING_OVERWRITE, 5, 1, 1, MUT_NONE },
		{ 4, TV_RING_OVERWRITE, 5, 1, 1, MUT_NONE },
		{ 2, TV_RING_OVERWRITE, 8, 0, 1, MUT_NONE },
	};

	(void)state;
	run_all(cs, sizeof(cs) / sizeof(cs[0]));
}

static void test_model_stop(void **state)
{
	static const struct model_cfg cs[] = {
		{ 2, TV_RING_STOP, 8, 1, 0, MUT_NONE },
		{ 4, TV_RING_STOP, 8, 1, 0, MUT_NONE },
		{ 2, TV_RING_STOP, 5, 2, 0, MUT_NONE },
		{ 4, TV_RING_STOP, 5, 2, 0, MUT_NONE },
		{ 2, TV_RING_STOP, 6, 1, 1, MUT_NONE },
		{ 4, TV_RING_STOP, 5, 1, 1, MUT_NONE },
		{ 4, TV_RING_STOP, 8, 0, 1, MUT_NONE },
	};

	(void)state;
	run_all(cs, sizeof(cs) / sizeof(cs[0]));
}

/* The checker finds a writer that changes a published record, and one
 * that publishes before filling: a reader gets a torn record. */
static void test_model_finds_bugs(void **state)
{
	static const struct model_cfg cs[] = {
		{ 2, TV_RING_OVERWRITE, 3, 1, 0, MUT_STORE_AFTER_COMMIT },
		{ 4, TV_RING_STOP, 3, 1, 0, MUT_COMMIT_FIRST },
		{ 2, TV_RING_OVERWRITE, 3, 0, 1, MUT_COMMIT_FIRST },
	};

	(void)state;
	if (!MODEL_SUPPORTED)
		skip();
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		assert_int_equal(run_model(&cs[i], 1), 1);
		assert_non_null(strstr(model_msg, "torn or stale"));
		printf("ring model: mutant %d found after %llu steps: %s\n",
		       (int)cs[i].mutant, (unsigned long long)st.steps,
		       model_msg);
	}
}

/*
 * The memo only merges states with equal hashes; the number of complete
 * schedules it computes must equal the number found by walking every
 * schedule without it, where each schedule also gets its own final check
 * (small configurations: without the memo, 1,037,036 schedules for two
 * records and one consumer).
 */
static void test_model_memo_agrees(void **state)
{
	static const struct model_cfg cs[] = {
		{ 2, TV_RING_OVERWRITE, 2, 1, 0, MUT_NONE },
		{ 2, TV_RING_STOP, 1, 1, 0, MUT_NONE },
		{ 2, TV_RING_OVERWRITE, 2, 0, 1, MUT_NONE },
		{ 2, TV_RING_STOP, 0, 2, 0, MUT_NONE },
	};

	(void)state;
	if (!MODEL_SUPPORTED || getenv("TV_RING_MODEL_EXTRA") != NULL)
		skip();
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		double with_memo, without;
		uint64_t schedules;

		assert_int_equal(run_model(&cs[i], 0), 0);
		with_memo = st.paths;
		memo_off = 1;
		assert_int_equal(run_model(&cs[i], 0), 0);
		memo_off = 0;
		without = st.paths;
		schedules = st.terminals;
		assert_true(with_memo == without);
		assert_true((double)schedules == without);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_overwrite),
		cmocka_unit_test(test_model_stop),
		cmocka_unit_test(test_model_finds_bugs),
		cmocka_unit_test(test_model_memo_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
