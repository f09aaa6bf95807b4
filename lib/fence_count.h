/*
 * Counting remote fence requests to one vCPU, so the hart that asks can
 * wait until the fence it asked for is done (hyp/core/smp.c). Host code
 * too: tests/unit/test_fence_count.c plays the interleavings.
 *
 * A request writes what the fence must make visible (the guest's page
 * tables, its code), counts itself in req[kind], then posts its mailbox
 * bit and rings the target's hart. The target drains the mailbox, reads
 * req[kind] for each kind whose bit it drained (after the drain, before
 * the fence), does that fence, and stores what it read in done[kind].
 * Every request whose bit was drained counted itself before, so it is in
 * the count; every request in the count wrote before the fence (the
 * count's acquire load sees its release add).
 *
 * The count is per kind: a fence.i request counted after the drain is in
 * the count the target reads for an HFENCE.VVMA it drained, and with one
 * counter for both it was declared done though no fence.i had run.
 */
#ifndef TV_FENCE_COUNT_H
#define TV_FENCE_COUNT_H

#include <stdbool.h>
#include <stdint.h>

enum { FENCE_KIND_I, FENCE_KIND_VVMA, FENCE_KINDS };

struct fence_count {
	volatile uint64_t req[FENCE_KINDS];  /* requests counted */
	volatile uint64_t done[FENCE_KINDS]; /* requests whose fence is done */
};

/* The requester, after its writes and before it posts its bit: its
 * ticket, which fence_count_is_done() compares with. */
static inline uint64_t fence_count_request(struct fence_count *f, unsigned kind)
{
	return __atomic_add_fetch(&f->req[kind], 1, __ATOMIC_ACQ_REL);
}

static inline bool fence_count_is_done(const struct fence_count *f, unsigned kind,
				       uint64_t ticket)
{
	return __atomic_load_n(&f->done[kind], __ATOMIC_ACQUIRE) >= ticket;
}

/* The target, after the drain that found this kind's bit and before the
 * fence: the requests the fence will cover. */
static inline uint64_t fence_count_snapshot(const struct fence_count *f, unsigned kind)
{
	return __atomic_load_n(&f->req[kind], __ATOMIC_ACQUIRE);
}

/* The target, after the fence: the requests of the snapshot are done.
 * One hart (the target's) stores it, so it never goes back. */
static inline void fence_count_done(struct fence_count *f, unsigned kind, uint64_t snapshot)
{
	__atomic_store_n(&f->done[kind], snapshot, __ATOMIC_RELEASE);
}

#endif
