/*
 * Per-hart lock-free trace ring: implementation. The protocol, the
 * accounting rule and the memory-ordering argument (RVWMO) are in
 * trace_ring.h; comments here refer to its steps W1, W2 and R1..R3.
 */
#include "trace_ring.h"

#include <stddef.h>
#include <string.h>

_Static_assert(sizeof(struct tv_rec) == 8 * sizeof(uint64_t),
	       "the word copies assume this layout");

/* Zero every slot (a reader never accepts a position not below head, so
 * this is tidiness, not correctness: stale memory cannot be read). */
static void clear_slots(struct tv_ring *r)
{
	for (uint32_t i = 0; i < r->nslots; i++) {
		tv_ring_word_t *w = (tv_ring_word_t *)&r->slots[i];

		for (size_t k = 0; k < TV_RING_WORDS; k++)
			tv_ring_st_word(&w[k], 0);
	}
}

/* Zero the writer's and the consumers' words. */
static void clear_state(struct tv_ring *r)
{
	tv_ring_st_word(&r->head, 0);
	tv_ring_st_word(&r->dropped, 0);
	tv_ring_st_word(&r->markers, 0);
	tv_ring_st_word(&r->pending, 0);
	tv_ring_st_word(&r->tail, 0);
	tv_ring_st_word(&r->consumed, 0);
	tv_ring_st_word(&r->overrun, 0);
}

/* Check the arguments, then set up the configuration and empty the ring. */
int tv_ring_init(struct tv_ring *r, struct tv_rec *slots,
		 uint32_t nslots, enum tv_ring_mode mode)
{
	if (r == NULL || slots == NULL)
		return -1;
	if (nslots < 2 || (nslots & (nslots - 1)) != 0)
		return -1;
	if (mode != TV_RING_OVERWRITE && mode != TV_RING_STOP)
		return -1;
	r->slots = slots;
	r->nslots = nslots;
	r->mask = nslots - 1;
	r->mode = (uint32_t)mode;
	clear_slots(r);
	clear_state(r);
	return 0;
}

/* Empty the ring and zero the counters (not concurrent, see header). */
void tv_ring_reset(struct tv_ring *r)
{
	clear_slots(r);
	clear_state(r);
}

/*
 * Copy a record into a slot as relaxed 64-bit stores (W1), unrolled: this
 * is on the writer's hot path (tv_ring_write()).
 */
static inline void copy_in(struct tv_rec *slot, const struct tv_rec *src)
{
	tv_ring_word_t *dst = (tv_ring_word_t *)slot;
	const tv_ring_word_t *from = (const tv_ring_word_t *)src;

	_Static_assert(TV_RING_WORDS == 8, "unrolled for 8 words");
	tv_ring_st_relaxed(&dst[0], from[0]);
	tv_ring_st_relaxed(&dst[1], from[1]);
	tv_ring_st_relaxed(&dst[2], from[2]);
	tv_ring_st_relaxed(&dst[3], from[3]);
	tv_ring_st_relaxed(&dst[4], from[4]);
	tv_ring_st_relaxed(&dst[5], from[5]);
	tv_ring_st_relaxed(&dst[6], from[6]);
	tv_ring_st_relaxed(&dst[7], from[7]);
}

/* Copy a whole record into a reserved slot (see header). */
void tv_ring_store_record(struct tv_rec *slot, const struct tv_rec *src)
{
	copy_in(slot, src);
}

/*
 * Writer, stop mode: write the TV_KIND_LOST marker for `count` dropped
 * records at position h. It borrows time, vm and vcpu from the record at
 * h - 1 (the writer's own last record, still in its slot because the
 * writer has not wrapped onto it) so the decoder can place it in time; a
 * visit's entry (time + dt) is when that record ended.
 */
static void write_marker(struct tv_ring *r, uint64_t h, uint64_t count)
{
	struct tv_rec m;

	/* memset rather than "= { 0 }": copy_in() reads the record as
	 * words, and clang's analyser does not carry "= { 0 }" through
	 * those reads (it then reports a read of garbage). */
	memset(&m, 0, sizeof(m));
	if (h > 0) {
		const struct tv_rec *prev = tv_ring_slot_of(r, h - 1);
		const tv_ring_word_t *w = (const tv_ring_word_t *)prev;
		struct tv_rec last = { 0 }; /* filled below, as words;
					       cppcheck cannot see it */
		tv_ring_word_t *lw = (tv_ring_word_t *)&last;

		for (size_t i = 0; i < TV_RING_WORDS; i++)
			lw[i] = tv_ring_ld_relaxed(&w[i]);
		m.time = last.time + last.dt;
		m.vm = last.vm;
		m.vcpu = last.vcpu;
	}
	m.kind = TV_KIND_LOST;
	m.flags = TV_F_RING_MARKER;
	m.arg[0] = count;
	copy_in(tv_ring_begin_pos(r, h), &m);
	tv_ring_end_pos(r, h);
}

/*
 * Writer, stop mode, slow path: the ring is full, or drops are pending.
 * Full means h - t == nslots - 1 (what the ring holds, header); with drops
 * pending the record needs two free positions (marker + record),
 * otherwise it is dropped too. t was loaded with
 * acquire (header, point c). Returns the record to fill (after writing the
 * marker, if drops were pending), or NULL if the record is dropped
 * (counted here). Kept out of line and reached by a tail call, so the fast
 * path needs no stack frame.
 */
__attribute__((__noinline__)) struct tv_rec *
tv_ring_stop_slow(struct tv_ring *r, uint64_t h, uint64_t t)
{
	uint64_t pend = tv_ring_ld_relaxed(&r->pending);
	uint64_t need = pend != 0 ? 2 : 1;

	if (h + need - t > r->nslots - 1) {
		tv_ring_st_word(&r->pending, pend + 1);
		tv_ring_st_word(&r->dropped, tv_ring_ld_relaxed(&r->dropped) + 1);
		return NULL;
	}
	write_marker(r, h, pend);
	tv_ring_st_word(&r->markers, tv_ring_ld_relaxed(&r->markers) + 1);
	tv_ring_st_word(&r->pending, 0);
	return tv_ring_begin_pos(r, h + 1);
}

/* Writer: reserve, copy, commit. */
int tv_ring_write(struct tv_ring *r, const struct tv_rec *rec)
{
	struct tv_rec *dst = tv_ring_reserve(r);

	if (dst == NULL)
		return -1;
	copy_in(dst, rec);
	tv_ring_commit(r);
	return 0;
}

/* What a reader found in the slot of one position. */
enum slot_state {
	SLOT_OK,	/* intact copy of the position */
	SLOT_GONE,	/* position overwritten (or being overwritten) */
};

/*
 * Reader: copy position p out of its slot between two loads of head
 * (R1..R3, header point a). h1 was loaded with acquire and p < h1.
 * Accepts only if the second load still has the writer less than nslots
 * positions ahead of p.
 */
static enum slot_state read_pos(const struct tv_ring *r, uint64_t p,
				struct tv_rec *out)
{
	const tv_ring_word_t *src = (const tv_ring_word_t *)tv_ring_slot_of(r, p);
	uint64_t w[TV_RING_WORDS];
	uint64_t h2;

	for (size_t i = 0; i < TV_RING_WORDS; i++) /* R2 */
		w[i] = tv_ring_ld_relaxed(&src[i]);
	tv_ring_fence_acquire();
	h2 = tv_ring_ld_relaxed(&r->head); /* R3 */
	if (h2 - p >= r->nslots)
		return SLOT_GONE;
	__builtin_memcpy(out, w, sizeof(*out));
	return SLOT_OK;
}

/* Result of a scan: see scan(). */
struct scan_result {
	uint64_t pos;	  /* found record's position, or first not ready */
	uint64_t overrun; /* positions skipped as overwritten */
	uint64_t dropped; /* records dropped per the markers skipped */
	int found;	  /* 1: a data record at pos was copied */
};

/* A writer-inserted stop-mode marker (not a data record). */
static inline int is_marker(const struct tv_rec *rec)
{
	return rec->kind == TV_KIND_LOST && (rec->flags & TV_F_RING_MARKER);
}

/*
 * Reader: starting at position `from`, find the first data record that can
 * be read intact. Positions before it that are overwritten count in
 * overrun, markers add their count to dropped. When head - p >= nslots the
 * writer has published p + nslots - 1 and may be writing p + nslots into
 * p's slot, so [p, head - nslots + 1) are lost without looking (header,
 * point d). Stops at the first position not published. Changes nothing in
 * the ring.
 */
static void scan(const struct tv_ring *r, uint64_t from, struct tv_rec *out,
		 struct scan_result *res)
{
	uint64_t p = from;
	struct tv_rec rec;

	res->overrun = 0;
	res->dropped = 0;
	res->found = 0;
	for (;;) {
		uint64_t h = tv_ring_ld_acquire(&r->head); /* R1 */
		enum slot_state st;

		if ((int64_t)(h - p) <= 0)
			break;
		if (h - p >= r->nslots) {
			res->overrun += h - (r->nslots - 1) - p;
			p = h - (r->nslots - 1);
		}
		st = read_pos(r, p, &rec);
		if (st == SLOT_GONE) {
			res->overrun++;
			p++;
			continue;
		}
		if (is_marker(&rec)) {
			res->dropped += rec.arg[0];
			p++;
			continue;
		}
		*out = rec;
		res->found = 1;
		break;
	}
	res->pos = p;
}

/*
 * Consumer: scan from tail, then claim [tail, found + 1) -- the losses and
 * the record together -- with one CAS (after a release fence, header
 * point c).
 * A failed CAS means another consumer moved tail: rescan from the new one.
 * Counters are bumped only after the claim succeeded (header point b).
 */
int tv_ring_consume(struct tv_ring *r, struct tv_rec *out,
		    uint64_t *lost_before)
{
	uint64_t t = tv_ring_ld_relaxed(&r->tail);
	struct scan_result res;
	struct tv_rec rec;
	uint64_t nt;

	for (;;) {
		scan(r, t, &rec, &res);
		nt = res.found ? res.pos + 1 : res.pos;
		if (nt == t) {
			if (lost_before != NULL)
				*lost_before = 0;
			return 0;
		}
		/* Release: fence rw,w then a relaxed CAS (lr.d / sc.d). GCC
		 * 12 drops the .rl of a release CAS on RISC-V, so the
		 * ordering is a separate fence; in C11 a release fence before
		 * the CAS's store synchronises with the writer's acquire load
		 * of tail just as well (7.17.4). */
		tv_ring_fence_release();
		TV_RING_STEP(&r->tail, TV_RING_RMW);
		if (__atomic_compare_exchange_n(&r->tail, &t, nt, 0,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			break;
	}
	if (res.overrun != 0) {
		TV_RING_STEP(&r->overrun, TV_RING_RMW);
		__atomic_fetch_add(&r->overrun, res.overrun, __ATOMIC_RELAXED);
	}
	if (res.found) {
		TV_RING_STEP(&r->consumed, TV_RING_RMW);
		__atomic_fetch_add(&r->consumed, 1, __ATOMIC_RELAXED);
		*out = rec;
	}
	if (lost_before != NULL)
		*lost_before = res.overrun + res.dropped;
	return res.found;
}

/* Peeker: cursor at the first position no consumer has claimed. */
void tv_ring_cursor_oldest(const struct tv_ring *r, struct tv_ring_cursor *c)
{
	c->pos = tv_ring_ld_acquire(&r->tail);
}

/* Peeker: like tv_ring_consume() but only the private cursor moves. */
int tv_ring_peek(const struct tv_ring *r, struct tv_ring_cursor *c,
		 struct tv_rec *out, uint64_t *lost_before)
{
	struct scan_result res;
	struct tv_rec rec;

	scan(r, c->pos, &rec, &res);
	c->pos = res.found ? res.pos + 1 : res.pos;
	if (res.found)
		*out = rec;
	if (lost_before != NULL)
		*lost_before = res.overrun + res.dropped;
	return res.found;
}

/* Offered = data positions reserved + records dropped. */
uint64_t tv_ring_offered(const struct tv_ring *r)
{
	uint64_t markers = tv_ring_ld_relaxed(&r->markers);
	uint64_t dropped = tv_ring_ld_relaxed(&r->dropped);

	return tv_ring_ld_relaxed(&r->head) - markers + dropped;
}

/*
 * Lost = dropped by the writer + overwritten and claimed as lost by a
 * consumer + overwritten but not claimed yet: the positions in
 * [tail, head - (nslots - 1)), whose slots the writer has reused or is
 * reusing. Separate loads: exact when no consumer is claiming meanwhile.
 */
uint64_t tv_ring_lost(const struct tv_ring *r)
{
	uint64_t overrun = tv_ring_ld_relaxed(&r->overrun);
	uint64_t t = tv_ring_ld_acquire(&r->tail);
	uint64_t h = tv_ring_ld_acquire(&r->head);
	uint64_t unclaimed = 0;

	if ((int64_t)(h - t) > (int64_t)r->nslots - 1)
		unclaimed = h - t - (r->nslots - 1);
	return tv_ring_ld_relaxed(&r->dropped) + overrun + unclaimed;
}

/* Delivered to consumers. */
uint64_t tv_ring_consumed(const struct tv_ring *r)
{
	return tv_ring_ld_relaxed(&r->consumed);
}

/* Positions between tail and head, clamped to what the ring holds. */
uint64_t tv_ring_fill(const struct tv_ring *r)
{
	uint64_t t = tv_ring_ld_acquire(&r->tail);
	uint64_t h = tv_ring_ld_acquire(&r->head);

	if ((int64_t)(h - t) <= 0)
		return 0;
	return h - t > r->nslots - 1 ? r->nslots - 1 : h - t;
}
