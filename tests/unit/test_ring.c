/*
 * Unit test of the per-hart trace ring (lib/trace_ring.c).
 *
 * Deterministic single-threaded tests check the exact loss accounting and
 * marker placement rules documented in trace_ring.h; the stress tests run
 * one writer, three consumers and one peeker concurrently on a 256-slot
 * ring in each mode (built with ThreadSanitizer by test_ring.mk and with
 * ASan/UBSan by test_ring_asan.mk).
 *
 * Stress size: TV_RING_STRESS_RECORDS records per mode (default
 * 10,000,000), from the environment variable of that name if set, else the
 * macro of that name (the ASan build sets a smaller one).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace_ring.h"

#ifndef TV_RING_STRESS_RECORDS
#define TV_RING_STRESS_RECORDS 10000000ull
#endif

/* Sanitizer defaults: stop at the first report and exit non-zero. */
#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#ifdef TEST_TSAN
const char *__tsan_default_options(void);
/* ThreadSanitizer: halt on the first report with exit code 66. */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66";
}
#endif
#ifdef TEST_ASAN
const char *__asan_default_options(void);
/* AddressSanitizer: halt on the first report (the default exit code 1). */
const char *__asan_default_options(void)
{
	return "halt_on_error=1";
}
#endif

/* ---- Deterministic record contents ------------------------------------ */

/* splitmix64 finaliser: a cheap bijective 64-bit mix. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Checksum of every word but arg[5] (which holds it). */
static uint64_t rec_checksum(const struct tv_rec *r)
{
	uint64_t w[TV_RING_WORDS];
	uint64_t sum = 0;

	memcpy(w, r, sizeof(w));
	for (size_t i = 0; i + 1 < TV_RING_WORDS; i++)
		sum = mix(sum ^ w[i]);
	return sum;
}

/*
 * Record number n: every byte is a function of n (time == n). The kinds
 * cycle through 1..10, so data records of kind TV_KIND_LOST go through the
 * ring too (they must not be taken for markers: flags never has 0x80).
 */
static void make_rec(uint64_t n, struct tv_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->time = n;
	r->dt = (uint32_t)mix(n);
	r->kind = (uint8_t)(1 + n % 10);
	r->vm = (uint8_t)(n >> 3);
	r->vcpu = (uint8_t)(n >> 11);
	r->flags = (uint8_t)((n >> 5) & 0x7f);
	for (int i = 0; i < 5; i++)
		r->arg[i] = mix(n * 8 + (uint64_t)i + 1);
	r->arg[5] = rec_checksum(r);
}

/* 1 if r is exactly record number r->time (< limit), else 0. */
static int rec_intact(const struct tv_rec *r, uint64_t limit)
{
	struct tv_rec want;

	if (r->time >= limit || r->arg[5] != rec_checksum(r))
		return 0;
	make_rec(r->time, &want);
	return memcmp(&want, r, sizeof(want)) == 0;
}

/* Writer: fill a reserved record in place through the ring's helpers. */
static void fill_in_place(struct tv_rec *d, uint64_t n)
{
	struct tv_rec s;

	make_rec(n, &s);
	tv_ring_set_u64(&d->time, s.time);
	tv_ring_set_u64(tv_ring_hdr_word(d),
			TV_REC_HDR(s.kind, s.flags, s.vm, s.vcpu, s.dt));
	for (int i = 0; i < TV_NARGS; i++)
		tv_ring_set_u64(&d->arg[i], s.arg[i]);
}

/* Write record n with tv_ring_write(); returns its result. */
static int put(struct tv_ring *r, uint64_t n)
{
	struct tv_rec rec;

	make_rec(n, &rec);
	return tv_ring_write(r, &rec);
}

/* Consume one record, expecting number n with lost_before == lost. */
static void expect_rec(struct tv_ring *r, uint64_t n, uint64_t lost)
{
	struct tv_rec out;
	uint64_t lb = 12345;

	assert_int_equal(tv_ring_consume(r, &out, &lb), 1);
	assert_true(rec_intact(&out, UINT64_MAX));
	assert_int_equal(out.time, n);
	assert_int_equal(lb, lost);
}

/* Consume, expecting nothing ready and lost_before == lost. */
static void expect_empty(struct tv_ring *r, uint64_t lost)
{
	struct tv_rec out;
	uint64_t lb = 12345;

	assert_int_equal(tv_ring_consume(r, &out, &lb), 0);
	assert_int_equal(lb, lost);
}

/* Check the three totals at once. */
static void expect_totals(const struct tv_ring *r, uint64_t offered,
			  uint64_t consumed, uint64_t lost)
{
	assert_int_equal(tv_ring_offered(r), offered);
	assert_int_equal(tv_ring_consumed(r), consumed);
	assert_int_equal(tv_ring_lost(r), lost);
}

/* ---- Deterministic tests ---------------------------------------------- */

static struct tv_rec small_slots[16];

/* Bad arguments are refused and leave the ring untouched. */
static void test_init_errors(void **state)
{
	static const uint32_t bad[] = { 0, 1, 3, 6, 12, 1000, 0x80000001u,
					0xffffffffu };
	struct tv_ring r, before;

	(void)state;
	memset(&r, 0xa5, sizeof(r));
	before = r;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tv_ring_init(&r, small_slots, bad[i],
					      TV_RING_OVERWRITE),
				 -1);
	assert_int_equal(tv_ring_init(NULL, small_slots, 8, TV_RING_STOP), -1);
	assert_int_equal(tv_ring_init(&r, NULL, 8, TV_RING_STOP), -1);
	assert_int_equal(tv_ring_init(&r, small_slots, 8, (enum tv_ring_mode)2),
			 -1);
	assert_memory_equal(&r, &before, sizeof(r));

	assert_int_equal(tv_ring_init(&r, small_slots, 2, TV_RING_STOP), 0);
	assert_int_equal(tv_ring_init(&r, small_slots, 16, TV_RING_OVERWRITE),
			 0);
	expect_totals(&r, 0, 0, 0);
	assert_int_equal(tv_ring_fill(&r), 0);
}

/* Layout: writer and consumer words on separate 64-byte cache lines. */
static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(_Alignof(struct tv_ring), 64);
	assert_int_equal(offsetof(struct tv_ring, head) % 64, 0);
	assert_int_equal(offsetof(struct tv_ring, tail) % 64, 0);
	assert_true(offsetof(struct tv_ring, tail) -
			    offsetof(struct tv_ring, head) >=
		    64);
	assert_int_equal(sizeof(struct tv_rec), 64);
}

/* A word stored in halves (the fast writers' header and ids) is the
 * word TV_REC_HDR() builds: lo's low 32 bits below hi's, whatever lo
 * and hi hold above them. */
static void test_set_halves(void **state)
{
	struct tv_rec rec = { 0 };

	(void)state;
	tv_ring_set_halves(tv_ring_hdr_word(&rec), 0xdead000004030211ULL, 0xbeef0000cafef00dULL);
	assert_int_equal(rec.kind, 0x11);
	assert_int_equal(rec.flags, 0x02);
	assert_int_equal(rec.vm, 0x03);
	assert_int_equal(rec.vcpu, 0x04);
	assert_int_equal(rec.dt, 0xcafef00d);
	assert_int_equal(*tv_ring_hdr_word(&rec), TV_REC_HDR(0x11, 2, 3, 4, 0xcafef00d));
	tv_ring_set_halves(&rec.arg[1], 2, 0x10);
	assert_int_equal(rec.arg[1], (0x10ULL << 32) | 2);
}

/* Stale records in the memory handed in are never read: init clears them
 * and nothing is published. */
static void test_init_clears_slots(void **state)
{
	struct tv_ring r;

	(void)state;
	for (int i = 0; i < 8; i++)
		make_rec(99, &small_slots[i]);
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_OVERWRITE),
			 0);
	expect_empty(&r, 0);
}

/* Overwrite: a ring of 8 slots holds the last 7 records (the eighth slot
 * is the one the writer fills next); 20 written -> 13 lost before
 * record 13. */
static void test_overwrite_exact(void **state)
{
	struct tv_ring r;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_OVERWRITE),
			 0);
	for (uint64_t n = 0; n < 20; n++)
		assert_int_equal(put(&r, n), 0);
	/* The 13 overwritten count as lost before any consumer looks. */
	expect_totals(&r, 20, 0, 13);
	assert_int_equal(tv_ring_fill(&r), 7);

	expect_rec(&r, 13, 13);
	for (uint64_t n = 14; n < 20; n++)
		expect_rec(&r, n, 0);
	expect_empty(&r, 0);
	expect_totals(&r, 20, 7, 13);
	assert_int_equal(tv_ring_fill(&r), 0);

	/* Wrap again with a partial lap: 7 + 3 written, 3 lost. */
	for (uint64_t n = 20; n < 30; n++)
		assert_int_equal(put(&r, n), 0);
	expect_rec(&r, 23, 3);
	for (uint64_t n = 24; n < 30; n++)
		expect_rec(&r, n, 0);
	expect_empty(&r, 0);
	expect_totals(&r, 30, 14, 16);
}

/* Overwrite: a full ring with no loss loses nothing. */
static void test_overwrite_no_loss(void **state)
{
	struct tv_ring r;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_OVERWRITE),
			 0);
	for (uint64_t n = 0; n < 105; n++) {
		assert_int_equal(put(&r, n), 0);
		if (n % 7 == 6)
			for (uint64_t k = n - 6; k <= n; k++)
				expect_rec(&r, k, 0);
	}
	expect_empty(&r, 0);
	expect_totals(&r, 105, 105, 0);
}

/* Stop: ring of 8 (holds 7), 20 written -> 7 kept, 13 dropped, marker on
 * the next write. */
static void test_stop_exact(void **state)
{
	struct tv_ring r;
	struct tv_rec prev;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_STOP), 0);
	for (uint64_t n = 0; n < 7; n++)
		assert_int_equal(put(&r, n), 0);
	for (uint64_t n = 7; n < 20; n++)
		assert_int_equal(put(&r, n), -1);
	expect_totals(&r, 20, 0, 13);
	assert_int_equal(tv_ring_fill(&r), 7);

	for (uint64_t n = 0; n < 7; n++)
		expect_rec(&r, n, 0);
	/* The drops are counted but no marker is in the ring yet. */
	expect_empty(&r, 0);
	expect_totals(&r, 20, 7, 13);

	/* Next write: marker (13) at position 7, record 20 at position 8. */
	assert_int_equal(put(&r, 20), 0);
	assert_int_equal(tv_ring_fill(&r), 2);
	assert_int_equal(r.head, 9);
	make_rec(6, &prev);
	{
		const struct tv_rec *m = &small_slots[7];

		assert_int_equal(m->kind, TV_KIND_LOST);
		assert_int_equal(m->flags, TV_F_RING_MARKER);
		assert_int_equal(m->arg[0], 13);
		assert_int_equal(m->arg[1], 0);
		/* when the record before the loss ended */
		assert_int_equal(m->time, 6 + (uint64_t)prev.dt);
		assert_int_equal(m->vm, prev.vm);
		assert_int_equal(m->vcpu, prev.vcpu);
	}
	expect_rec(&r, 20, 13);
	expect_empty(&r, 0);
	expect_totals(&r, 21, 8, 13);
}

/* Stop: with drops pending, room for one slot is not enough. */
static void test_stop_needs_two(void **state)
{
	struct tv_ring r;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_STOP), 0);
	for (uint64_t n = 0; n < 7; n++)
		assert_int_equal(put(&r, n), 0);
	assert_int_equal(put(&r, 7), -1);
	assert_int_equal(put(&r, 8), -1);
	expect_rec(&r, 0, 0);			 /* room for one */
	assert_int_equal(put(&r, 9), -1);	 /* needs two: dropped */
	expect_rec(&r, 1, 0);			 /* room for two */
	assert_int_equal(put(&r, 10), 0);	 /* marker(3) + 10 */
	assert_int_equal(put(&r, 11), -1);	 /* full again: 2..6,M,10 */
	for (uint64_t n = 2; n < 7; n++)
		expect_rec(&r, n, 0);
	expect_rec(&r, 10, 3);			 /* 7,8,9 lost before 10 */
	assert_int_equal(put(&r, 12), 0);	 /* marker(1) + 12 */
	expect_rec(&r, 12, 1);			 /* 11 lost before 12 */
	expect_empty(&r, 0);
	expect_totals(&r, 13, 9, 4);
	assert_int_equal(r.markers, 2);
}

/* Stop: a marker published before its record is reported as end loss. */
static void test_stop_marker_at_end(void **state)
{
	struct tv_ring r;
	struct tv_rec *d;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 4, TV_RING_STOP), 0);
	assert_int_equal(put(&r, 0), 0);
	assert_int_equal(put(&r, 1), 0);
	assert_int_equal(put(&r, 2), 0);
	assert_int_equal(put(&r, 3), -1);
	expect_rec(&r, 0, 0);
	expect_rec(&r, 1, 0);
	expect_rec(&r, 2, 0);
	d = tv_ring_reserve(&r); /* marker(1) published, record 4 reserved */
	assert_non_null(d);
	fill_in_place(d, 4);
	expect_empty(&r, 1); /* the loss is claimed, record 4 not ready */
	expect_empty(&r, 0);
	tv_ring_commit(&r);
	expect_rec(&r, 4, 0);
	expect_totals(&r, 5, 4, 1);
}

/* A data record of kind TV_KIND_LOST is a record, not a marker. */
static void test_lost_kind_data_record(void **state)
{
	struct tv_ring r;
	struct tv_rec rec, out;
	uint64_t lb;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 4, TV_RING_STOP), 0);
	memset(&rec, 0, sizeof(rec));
	rec.kind = TV_KIND_LOST;
	rec.arg[0] = 77;
	assert_int_equal(tv_ring_write(&r, &rec), 0);
	assert_int_equal(tv_ring_consume(&r, &out, &lb), 1);
	assert_int_equal(lb, 0);
	assert_memory_equal(&out, &rec, sizeof(rec));
	expect_totals(&r, 1, 1, 0);
}

/* Reserve / fill in place / commit; nothing is visible before commit. */
static void test_reserve_commit(void **state)
{
	struct tv_ring r;
	struct tv_rec *d;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 4, TV_RING_STOP), 0);
	for (uint64_t n = 0; n < 3; n++) {
		d = tv_ring_reserve(&r);
		assert_non_null(d);
		fill_in_place(d, n);
		if (n == 0)
			expect_empty(&r, 0); /* reserved, not published */
		tv_ring_commit(&r);
	}
	assert_null(tv_ring_reserve(&r)); /* full: dropped, no commit */
	expect_totals(&r, 4, 0, 1);
	for (uint64_t n = 0; n < 3; n++)
		expect_rec(&r, n, 0);
	d = tv_ring_reserve(&r); /* marker(1) + record 4 */
	assert_non_null(d);
	fill_in_place(d, 4);
	tv_ring_commit(&r);
	expect_rec(&r, 4, 1);
	expect_totals(&r, 5, 4, 1);

	/* Overwrite mode: 3 published in 4 slots; the 4th record, reserved
	 * and filled, hides nothing already published. */
	assert_int_equal(tv_ring_init(&r, small_slots, 4, TV_RING_OVERWRITE),
			 0);
	for (uint64_t n = 0; n < 3; n++)
		assert_int_equal(put(&r, n), 0);
	d = tv_ring_reserve(&r); /* position 3 fills slot 3 */
	fill_in_place(d, 3);
	expect_rec(&r, 0, 0);
	expect_rec(&r, 1, 0);
	expect_rec(&r, 2, 0);
	expect_empty(&r, 0);
	tv_ring_commit(&r);
	/* Position 4 reuses slot 0: the publish of 3 already makes a copy
	 * of slot 0 unacceptable, and record 3 is still read intact. */
	d = tv_ring_reserve(&r);
	fill_in_place(d, 4);
	expect_rec(&r, 3, 0);
	expect_empty(&r, 0);
	tv_ring_commit(&r);
	expect_rec(&r, 4, 0);
	expect_totals(&r, 5, 5, 0);
}

/* The peek cursor reads without consuming, and reports overwrites. */
static void test_peek(void **state)
{
	struct tv_ring r;
	struct tv_ring_cursor c;
	struct tv_rec out;
	uint64_t lb;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_OVERWRITE),
			 0);
	for (uint64_t n = 0; n < 5; n++)
		assert_int_equal(put(&r, n), 0);
	for (int pass = 0; pass < 2; pass++) {
		tv_ring_cursor_oldest(&r, &c);
		for (uint64_t n = 0; n < 5; n++) {
			assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 1);
			assert_int_equal(out.time, n);
			assert_int_equal(lb, 0);
		}
		assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 0);
		assert_int_equal(lb, 0);
	}
	expect_totals(&r, 5, 0, 0);
	assert_int_equal(tv_ring_fill(&r), 5);
	for (uint64_t n = 0; n < 5; n++)
		expect_rec(&r, n, 0);

	/* 20 more: 5..24, positions 5..17 overwritten (head 25, 8 slots
	 * holding 7). */
	for (uint64_t n = 5; n < 25; n++)
		assert_int_equal(put(&r, n), 0);
	tv_ring_cursor_oldest(&r, &c);
	assert_int_equal(c.pos, 5);
	assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 1);
	assert_int_equal(out.time, 18);
	assert_int_equal(lb, 13);
	/* A cursor left behind sees the later overwrite too. */
	assert_int_equal(put(&r, 25), 0); /* 18 gone */
	assert_int_equal(put(&r, 26), 0); /* 19 gone, the cursor's */
	assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 1);
	assert_int_equal(out.time, 20);
	assert_int_equal(lb, 1);
	expect_totals(&r, 27, 5, 15);
	/* The consumer still gets everything the peeker saw. */
	expect_rec(&r, 20, 15);
	for (uint64_t n = 21; n < 27; n++)
		expect_rec(&r, n, 0);

	/* Stop mode: the peeker folds markers into lost_before too. */
	assert_int_equal(tv_ring_init(&r, small_slots, 8, TV_RING_STOP), 0);
	for (uint64_t n = 0; n < 9; n++)
		(void)put(&r, n); /* 0..6 kept, 7, 8 dropped */
	expect_rec(&r, 0, 0);
	expect_rec(&r, 1, 0);
	assert_int_equal(put(&r, 9), 0); /* 2..6, M(2), 9 */
	tv_ring_cursor_oldest(&r, &c);
	for (uint64_t n = 2; n < 7; n++) {
		assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 1);
		assert_int_equal(out.time, n);
	}
	assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 1);
	assert_int_equal(out.time, 9);
	assert_int_equal(lb, 2);
	assert_int_equal(tv_ring_peek(&r, &c, &out, &lb), 0);
	expect_totals(&r, 10, 2, 2);
	assert_int_equal(tv_ring_fill(&r), 7);
}

/* Reset empties the ring and zeroes the counters. */
static void test_reset(void **state)
{
	struct tv_ring r;

	(void)state;
	assert_int_equal(tv_ring_init(&r, small_slots, 4, TV_RING_STOP), 0);
	for (uint64_t n = 0; n < 9; n++)
		(void)put(&r, n);
	expect_totals(&r, 9, 0, 6);
	tv_ring_reset(&r);
	expect_totals(&r, 0, 0, 0);
	expect_empty(&r, 0);
	assert_int_equal(put(&r, 100), 0);
	expect_rec(&r, 100, 0); /* no stale marker from before the reset */
	expect_totals(&r, 1, 1, 0);
}

/* ---- Concurrent stress ------------------------------------------------ */

#define STRESS_SLOTS 256
#define STRESS_CONSUMERS 3
#define WRITER_YIELD 32

/* Per-consumer results (own cache line). */
struct consumer {
	_Alignas(64) struct stress *st;
	uint64_t got;		/* records delivered */
	uint64_t lost_attached; /* sum of lost_before with a record */
	uint64_t lost_end;	/* sum of lost_before with no record */
	uint64_t errors;	/* torn, out of order, duplicate, misplaced */
};

/* Peeker results. */
struct peeker {
	struct stress *st;
	uint64_t seen; /* records read */
	uint64_t errors;
};

struct stress {
	struct tv_ring ring;
	struct tv_rec slots[STRESS_SLOTS];
	uint64_t nrec;
	int writer_done;
	int hold; /* consumers pause while set */
	uint8_t *mark; /* per record: 0, MARK_GOT or MARK_LOST */
	struct consumer cons[STRESS_CONSUMERS];
	struct peeker peek;
};

#define MARK_GOT 1
#define MARK_LOST 2

/*
 * Writer thread: records 0..nrec-1, even ones copied with tv_ring_write(),
 * odd ones filled in place (reserve / fill / commit). Pacing, so that both
 * the racy cases and the loss paths are exercised whatever the scheduler
 * does: in three 4096-record blocks out of four the writer yields every
 * WRITER_YIELD records (consumers keep up and read slots next to the one
 * being written); in the fourth it writes flat out (the ring overflows).
 * Halfway through, it holds the consumers off while it writes
 * 4 * STRESS_SLOTS records, so records are certainly lost in both modes.
 */
static void *writer_main(void *arg)
{
	struct stress *st = arg;
	uint64_t hold_from = st->nrec / 2;
	uint64_t hold_to = hold_from + 4 * (uint64_t)STRESS_SLOTS;

	for (uint64_t n = 0; n < st->nrec; n++) {
		if (n == hold_from)
			__atomic_store_n(&st->hold, 1, __ATOMIC_RELAXED);
		if (n == hold_to)
			__atomic_store_n(&st->hold, 0, __ATOMIC_RELAXED);
		if ((n >> 12) % 4 != 3 && n % WRITER_YIELD == 0)
			sched_yield();
		if (n & 1) {
			struct tv_rec *d = tv_ring_reserve(&st->ring);

			if (d != NULL) {
				fill_in_place(d, n);
				tv_ring_commit(&st->ring);
			}
		} else {
			(void)put(&st->ring, n);
		}
	}
	__atomic_store_n(&st->hold, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->writer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Consumer thread: take records until the writer is done and the ring is
 * empty. Checks each record is intact, numbers increase, no record is
 * delivered twice, and the lost_before records just before it were not
 * delivered to anyone (they are marked lost, exclusively).
 */
static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	struct stress *st = c->st;
	uint64_t last = UINT64_MAX;

	for (;;) {
		int done = __atomic_load_n(&st->writer_done, __ATOMIC_ACQUIRE);
		struct tv_rec rec;
		uint64_t lb;

		if (__atomic_load_n(&st->hold, __ATOMIC_RELAXED)) {
			sched_yield();
			continue;
		}
		if (!tv_ring_consume(&st->ring, &rec, &lb)) {
			c->lost_end += lb;
			if (done)
				break;
			sched_yield();
			continue;
		}
		if (!rec_intact(&rec, st->nrec)) {
			c->errors++;
			continue;
		}
		if (last != UINT64_MAX && rec.time <= last)
			c->errors++;
		last = rec.time;
		c->got++;
		if (__atomic_exchange_n(&st->mark[rec.time], MARK_GOT,
					__ATOMIC_RELAXED) != 0)
			c->errors++;
		c->lost_attached += lb;
		if (lb > rec.time)
			c->errors++;
		else
			for (uint64_t k = rec.time - lb; k < rec.time; k++)
				if (__atomic_exchange_n(&st->mark[k],
							MARK_LOST,
							__ATOMIC_RELAXED) != 0)
					c->errors++;
	}
	return NULL;
}

/*
 * Peeker thread: repeatedly walk the ring from the oldest unclaimed record
 * for up to 2 * nslots records, checking intactness and order; in
 * overwrite mode (positions are record numbers) lost_before must be
 * exactly the gap between consecutive records.
 */
static void *peeker_main(void *arg)
{
	struct peeker *p = arg;
	struct stress *st = p->st;
	int overwrite = st->ring.mode == TV_RING_OVERWRITE;

	while (!__atomic_load_n(&st->writer_done, __ATOMIC_ACQUIRE)) {
		struct tv_ring_cursor c;
		uint64_t last = UINT64_MAX;

		tv_ring_cursor_oldest(&st->ring, &c);
		for (int i = 0; i < 2 * STRESS_SLOTS; i++) {
			struct tv_rec rec;
			uint64_t lb;

			if (!tv_ring_peek(&st->ring, &c, &rec, &lb))
				break;
			p->seen++;
			if (!rec_intact(&rec, st->nrec)) {
				p->errors++;
				break;
			}
			if (last != UINT64_MAX &&
			    (rec.time <= last ||
			     (overwrite && rec.time - last - 1 != lb)))
				p->errors++;
			last = rec.time;
		}
		sched_yield();
	}
	return NULL;
}

/* Records per stress run: environment, else the build-time default. */
static uint64_t stress_records(void)
{
	const char *s = getenv("TV_RING_STRESS_RECORDS");

	if (s != NULL && *s != '\0')
		return strtoull(s, NULL, 0);
	return TV_RING_STRESS_RECORDS;
}

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One writer, three consumers and a peeker on a 256-slot ring. */
static void run_stress(enum tv_ring_mode mode)
{
	struct stress *st = aligned_alloc(_Alignof(struct stress),
					  sizeof(struct stress));
	pthread_t wt, ct[STRESS_CONSUMERS], pt;
	uint64_t got = 0, attached = 0, end = 0, errors = 0;
	uint64_t n_got = 0, n_lost = 0;
	double t0, dt;

	assert_non_null(st);
	memset(st, 0, sizeof(*st));
	st->nrec = stress_records();
	assert_true(st->nrec >= 1000);
	st->mark = calloc(st->nrec, 1);
	assert_non_null(st->mark);
	assert_int_equal(tv_ring_init(&st->ring, st->slots, STRESS_SLOTS, mode),
			 0);
	st->peek.st = st;
	t0 = now_s();
	for (int i = 0; i < STRESS_CONSUMERS; i++) {
		st->cons[i].st = st;
		assert_int_equal(pthread_create(&ct[i], NULL, consumer_main,
						&st->cons[i]),
				 0);
	}
	assert_int_equal(pthread_create(&pt, NULL, peeker_main, &st->peek), 0);
	assert_int_equal(pthread_create(&wt, NULL, writer_main, st), 0);
	assert_int_equal(pthread_join(wt, NULL), 0);
	for (int i = 0; i < STRESS_CONSUMERS; i++)
		assert_int_equal(pthread_join(ct[i], NULL), 0);
	assert_int_equal(pthread_join(pt, NULL), 0);
	dt = now_s() - t0;

	for (int i = 0; i < STRESS_CONSUMERS; i++) {
		got += st->cons[i].got;
		attached += st->cons[i].lost_attached;
		end += st->cons[i].lost_end;
		errors += st->cons[i].errors;
	}
	for (uint64_t n = 0; n < st->nrec; n++) {
		n_got += st->mark[n] == MARK_GOT;
		n_lost += st->mark[n] == MARK_LOST;
	}
	printf("[ stress   ] %s: %llu records in %.2f s: consumed %llu "
	       "(%llu/%llu/%llu), lost %llu (%llu placed before a record, "
	       "%llu at the end, %llu pending), markers %llu, peeked %llu\n",
	       mode == TV_RING_STOP ? "stop" : "overwrite",
	       (unsigned long long)st->nrec, dt,
	       (unsigned long long)tv_ring_consumed(&st->ring),
	       (unsigned long long)st->cons[0].got,
	       (unsigned long long)st->cons[1].got,
	       (unsigned long long)st->cons[2].got,
	       (unsigned long long)tv_ring_lost(&st->ring),
	       (unsigned long long)attached, (unsigned long long)end,
	       (unsigned long long)st->ring.pending,
	       (unsigned long long)st->ring.markers,
	       (unsigned long long)st->peek.seen);

	assert_int_equal(errors, 0);
	assert_int_equal(st->peek.errors, 0);
	/* The exact accounting identity and its parts. */
	assert_int_equal(tv_ring_offered(&st->ring), st->nrec);
	assert_int_equal(tv_ring_consumed(&st->ring), got);
	assert_int_equal(tv_ring_offered(&st->ring),
			 tv_ring_consumed(&st->ring) + tv_ring_lost(&st->ring));
	assert_int_equal(tv_ring_fill(&st->ring), 0);
	/* Every reported loss is a real one; unreported = pending drops. */
	assert_int_equal(attached + end + st->ring.pending,
			 tv_ring_lost(&st->ring));
	assert_int_equal(n_got, got);
	assert_int_equal(n_lost, attached);
	assert_int_equal(st->nrec - n_got - n_lost, end + st->ring.pending);
	/* Both paths were exercised. */
	assert_true(got > 0);
	assert_true(tv_ring_lost(&st->ring) > 0);
	if (mode == TV_RING_STOP) {
		/* Stop mode never overwrites: every loss is a writer drop. */
		assert_true(st->ring.markers > 0);
		assert_int_equal(st->ring.overrun, 0);
		assert_int_equal(st->ring.dropped, tv_ring_lost(&st->ring));
	}
	free(st->mark);
	free(st);
}

static void test_stress_overwrite(void **state)
{
	(void)state;
	run_stress(TV_RING_OVERWRITE);
}

static void test_stress_stop(void **state)
{
	(void)state;
	run_stress(TV_RING_STOP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_set_halves),
		cmocka_unit_test(test_init_clears_slots),
		cmocka_unit_test(test_overwrite_exact),
		cmocka_unit_test(test_overwrite_no_loss),
		cmocka_unit_test(test_stop_exact),
		cmocka_unit_test(test_stop_needs_two),
		cmocka_unit_test(test_stop_marker_at_end),
		cmocka_unit_test(test_lost_kind_data_record),
		cmocka_unit_test(test_reserve_commit),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_stress_overwrite),
		cmocka_unit_test(test_stress_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
