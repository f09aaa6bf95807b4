/*
 * Unit test of the remote fence counts (lib/fence_count.h), played one
 * step at a time as hyp/core/smp.c's harts interleave them: a requester
 * counts itself, then posts its mailbox bit; the target drains the
 * mailbox, reads the count of each kind it drained, fences, and stores
 * the count as done.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fence_count.h"

/* The target's mailbox, one bit per kind, and the fences it ran. */
struct target {
	struct fence_count f;
	uint32_t mailbox;
	unsigned fences_run[FENCE_KINDS];
};

static void post(struct target *t, unsigned kind)
{
	t->mailbox |= 1u << kind;
}

/* What smp_handle_mailbox() does: drain, read the counts of the kinds
 * drained, run those fences, publish. */
static void handle_mailbox(struct target *t)
{
	uint32_t bits = t->mailbox;
	uint64_t snap[FENCE_KINDS];
	t->mailbox = 0;
	for (unsigned k = 0; k < FENCE_KINDS; k++)
		if (bits & (1u << k))
			snap[k] = fence_count_snapshot(&t->f, k);
	for (unsigned k = 0; k < FENCE_KINDS; k++)
		if (bits & (1u << k)) {
			t->fences_run[k]++;
			fence_count_done(&t->f, k, snap[k]);
		}
}

/* One request, whole, then the target: done. */
static void test_one_request(void **state)
{
	(void)state;
	struct target t = { 0 };
	uint64_t ticket = fence_count_request(&t.f, FENCE_KIND_VVMA);
	assert_false(fence_count_is_done(&t.f, FENCE_KIND_VVMA, ticket));
	post(&t, FENCE_KIND_VVMA);
	handle_mailbox(&t);
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_VVMA, ticket));
	assert_int_equal(t.fences_run[FENCE_KIND_VVMA], 1);
}

/* A request of the same kind counted after the drain, its bit not yet
 * posted: the fence that runs comes after its writes, so it may count
 * as done (the target runs it again for the bit, harmlessly). */
static void test_same_kind_counted_after_drain(void **state)
{
	(void)state;
	struct target t = { 0 };
	uint64_t y = fence_count_request(&t.f, FENCE_KIND_VVMA);
	post(&t, FENCE_KIND_VVMA);
	uint64_t x = fence_count_request(&t.f, FENCE_KIND_VVMA);
	handle_mailbox(&t);
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_VVMA, y));
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_VVMA, x));
}

/* The bug the per-kind counts fix: Y's HFENCE.VVMA is drained, X's
 * fence.i counted but its bit not yet posted. The target runs only
 * HFENCE.VVMA: X must not be done until a fence.i runs. */
static void test_other_kind_counted_after_drain(void **state)
{
	(void)state;
	struct target t = { 0 };
	uint64_t y = fence_count_request(&t.f, FENCE_KIND_VVMA);
	post(&t, FENCE_KIND_VVMA);
	uint64_t x = fence_count_request(&t.f, FENCE_KIND_I);
	handle_mailbox(&t);
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_VVMA, y));
	assert_int_equal(t.fences_run[FENCE_KIND_I], 0);
	assert_false(fence_count_is_done(&t.f, FENCE_KIND_I, x));
	post(&t, FENCE_KIND_I);
	handle_mailbox(&t);
	assert_int_equal(t.fences_run[FENCE_KIND_I], 1);
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_I, x));
}

/* Both kinds pending and drained together: both done. */
static void test_both_kinds_drained(void **state)
{
	(void)state;
	struct target t = { 0 };
	uint64_t a = fence_count_request(&t.f, FENCE_KIND_I);
	post(&t, FENCE_KIND_I);
	uint64_t b = fence_count_request(&t.f, FENCE_KIND_VVMA);
	post(&t, FENCE_KIND_VVMA);
	assert_false(fence_count_is_done(&t.f, FENCE_KIND_I, a));
	handle_mailbox(&t);
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_I, a));
	assert_true(fence_count_is_done(&t.f, FENCE_KIND_VVMA, b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_request),
		cmocka_unit_test(test_same_kind_counted_after_drain),
		cmocka_unit_test(test_other_kind_counted_after_drain),
		cmocka_unit_test(test_both_kinds_drained),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
