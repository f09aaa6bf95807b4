/*
 * Per-hart lock-free trace ring.
 *
 * One ring per physical hart. The ring's memory (the slot array and the
 * struct tv_ring itself) is given by the caller: the hypervisor allocates it
 * at boot and picks the number of slots at init (a power of two, from the
 * build-time default or from bootargs: hyp/core/options.c). Nothing here
 * allocates, locks or calls an OS service; the code builds for the host and
 * for RISC-V bare metal.
 *
 * Roles
 *   - Exactly one WRITER per ring: the hart that owns it. tv_ring_reserve(),
 *     tv_ring_commit() and tv_ring_write() may only be called by that writer
 *     (they are not reentrant: a trap taken inside the writer path must not
 *     write to the same ring). The write path never blocks, never spins,
 *     never takes a lock and never allocates.
 *   - Any number of CONSUMERS on any hart, at any time, also while the
 *     writer writes: tv_ring_consume() delivers every record to exactly one
 *     consumer (consumers claim records by compare-and-swap on `tail`).
 *   - Any number of PEEKERS (tv_ring_peek() with a private cursor): they read
 *     without changing any ring state; used for the flight-recorder dump
 *     after a fault.
 *
 * Positions and slots
 *   Every record the writer puts into the ring gets a position p = 0, 1, 2...
 *   (a 64-bit count that never wraps in practice: 2^62 records). Position p
 *   lives in slot p & mask; a slot is one struct tv_rec (64 bytes, format
 *   version 2, trace_record.h) and nothing else: no sequence number.
 *   `head` is the number of positions the writer has published: positions
 *   below head are complete, position head may be being filled. `tail` is
 *   the first position no consumer has claimed yet.
 *
 *   The writer fills the slot with plain stores and publishes it with one
 *   release store of head; a release fence after that store orders it
 *   before the next record's stores. A reader wanting position p copies the
 *   slot between two loads of head, h1 (acquire) and h2 (after an acquire
 *   fence), and accepts the copy only if p < h1 and h2 - p < nslots: the
 *   writer reuses p's slot for position p + nslots only after publishing
 *   head = p + nslots, so a copy taken while h2 - p < nslots saw none of
 *   the reuse. The ring thus holds the last nslots - 1 records intact
 *   (one slot is the one the writer fills next).
 *
 * Modes
 *   TV_RING_OVERWRITE (default, flight recorder): the writer always writes,
 *     overwriting the oldest slot. It never looks at `tail`. A consumer that
 *     finds positions it had not claimed overwritten claims them as lost
 *     (together with the next intact record, in the same CAS) and reports
 *     how many were lost immediately before that record.
 *   TV_RING_STOP (stop when full): the writer drops the NEW record when the
 *     ring is full (head - tail == nslots - 1) and counts it ("pending").
 *     The next write that finds room for two records first writes a
 *     TV_KIND_LOST record with arg[0] = the number dropped since the last
 *     marker, then the record, so the loss sits in the stream exactly where
 *     it happened. The marker has flags = TV_F_RING_MARKER (so a data
 *     record of kind TV_KIND_LOST is not mistaken for one) and copies
 *     time/vm/vcpu from the record before it (the last record written;
 *     zero if none): the loss happened after it. With a pending loss and
 *     room for only one record the record is dropped too (the marker and
 *     the record always go in together).
 *
 * Accounting rule (exact, in both modes)
 *   "Data records" are the records offered to the writer (tv_ring_reserve()
 *   or tv_ring_write() calls). TV_KIND_LOST markers the writer inserts are
 *   NOT data records: they are not offered, not consumed and not lost; a
 *   consumer never receives one as a record, it receives its count in
 *   *lost_before. Then, at any moment when no writer or consumer call is in
 *   progress:
 *       offered == consumed + lost + waiting
 *   where waiting is the number of data records still in the ring
 *   (tv_ring_fill() minus the markers among them); once the ring is
 *   drained (tv_ring_consume() returned 0), offered == consumed + lost
 *   exactly. lost = records dropped by the writer (stop mode; counted when
 *   dropped, even if their marker has not been written yet) + records
 *   overwritten before any consumer claimed them (overwrite mode; those a
 *   consumer has claimed as lost, plus the positions below
 *   head - (nslots - 1) no consumer has claimed yet: their slot is being
 *   or has been reused). Counters are read with separate loads, so while
 *   calls are in flight the identity can be off by the in-flight calls; it
 *   is exact whenever the ring is quiescent.
 *   The sum of *lost_before values consumers receive equals tv_ring_lost()
 *   minus the stop-mode drops whose marker has not been written yet.
 *
 * Memory-ordering argument (RVWMO, RISC-V unprivileged spec chapter
 * "RVWMO Memory Consistency Model"). The ring's primitives are the
 * spec's mapping from C11 atomics to RISC-V ("Mappings from C/C++
 * primitives to RISC-V primitives"), which is what GCC >= 13 and clang
 * emit for the __atomic builtins; with GCC 12 (whose RISC-V backend turns
 * every atomic store into amoswap and every fence into a full fence) the
 * same instructions are written as inline asm, see TV_RING_RVWMO_ASM below:
 *     relaxed load / store      ld / sd
 *     acquire load              ld; fence r,rw
 *     release fence             fence rw,w
 *     acquire fence             fence r,rw
 *     claim CAS on tail         fence rw,w; lr.d / sc.d loop (a release
 *                               fence + relaxed CAS: GCC 12 silently drops
 *                               the .rl of a release CAS)
 *     counters                  amoadd.d (relaxed fetch_add)
 * Every access to shared ring data, payload words included, is an atomic
 * access (payload words relaxed, as 64-bit words), so in C11 terms there
 * is no data race and ThreadSanitizer has nothing to report.
 *
 *   Writer, position p in slot s (its previous content: position p - n):
 *         (stop mode: ld tail; fence r,rw -- acquire, point c)
 *     W1  sd   payload words of s          plain stores
 *         fence rw,w                       release fence
 *     W2  sd   head = p + 1                the publish
 *         fence rw,w                       release fence: W2 before the
 *                                          next record's W1
 *   On RISC-V the three lines of the publish are one instruction,
 *   amoswap.d.aqrl zero, p + 1, (head): an AMO with both aq and rl set is
 *   ordered after every earlier memory access of its hart and before
 *   every later one (RVWMO's preserved program order, rules 5 to 7:
 *   "a has an acquire annotation", "b has a release annotation", "a and
 *   b both have RCsc annotations"), which is all the two fences give
 *   below. The host (and the model check) keep the fences, C11's form.
 *   Reader of position q in slot s:
 *     R1  ld   head -> h1; fence r,rw      acquire load; needs q < h1
 *     R2  ld   payload words of s          relaxed
 *         fence r,rw                       acquire fence
 *     R3  ld   head -> h2                  relaxed
 *   accepted iff q < h1 and h2 - q < n.
 *
 *   (a) No torn record is ever accepted. Suppose R2 returned some word
 *   written by a W1 of a later position p > q in the same slot, so
 *   p >= q + n. By the load value axiom that W1 precedes R2 in global
 *   memory order; the writer's release fence after W2(p - 1) (the store
 *   head = p) puts that W2 before W1(p); the reader's fence r,rw puts R2
 *   before R3. So head = p precedes R3 in global memory order and, by
 *   coherence of head (its stores are in program order on one hart), R3
 *   returns p or a later value: h2 - q >= n, rejected. Conversely R1 read
 *   a head > q, stored after W1(q) and the fence rw,w, and R1's fence
 *   r,rw orders R2 after R1: R2 cannot return a value older than q's
 *   payload. So an accepted copy holds exactly q's words. In C11 terms:
 *   the release fence after W2(p - 1) synchronises with the acquire fence
 *   before R3 whenever R2 reads a W1 of p (C11 7.17.4 fences); the
 *   release fence before W2(q) with R1's acquire.
 *   (b) Consumed exactly once, counts exact. `tail` changes only by a
 *   successful CAS from t to t' > t, made by a consumer that read tail == t
 *   and then scanned [t, t'): either it copied a data record at t'-1 intact
 *   and judged [t, t'-1) lost (overwritten) or dropped (markers), or it hit
 *   an unpublished position at t' and judged all of [t, t') so. A
 *   successful CAS is atomic with respect to every other CAS on tail (the
 *   LR/SC reservation), so the ranges claimed are disjoint and cover
 *   [0, tail): each position is delivered or counted lost by exactly one
 *   consumer. A consumer whose scan is stale (another consumer claimed
 *   first; in stop mode the slot may even have been reused) fails its CAS
 *   and rescans from the new tail; nothing it computed is counted. The
 *   consumer adds to `consumed` / `overrun` only after its CAS succeeded,
 *   with amoadd.d, so no increment is lost.
 *   (c) Stop mode never overwrites an unclaimed record. The consumer's CAS
 *   follows a fence rw,w, so its loads of every slot in the range precede
 *   its tail update (the sc.d) in global memory order. The writer loads
 *   tail with acquire (ld; fence r,rw) before its W1 stores, and writes
 *   position p only when p + 1 - tail <= n - 1, so head never gets n or
 *   more ahead of tail: for every unclaimed q, h2 - q < n, and the slot of
 *   q is reused (for q + n) only after the claim of q, hence after the
 *   claimer's loads of it. A stale tail only makes the writer drop more,
 *   never overwrite. In stop mode lost == dropped, all counted by the
 *   writer (a single thread: plain ld/sd suffices for its own counters).
 *   (d) Overwrite mode: a position q is counted lost only when a reader's
 *   copy was rejected (h2 - q >= n: the writer has published q + n - 1
 *   and may be writing q + n into q's slot) or when head - q >= n before
 *   looking. Either way q can no longer be read intact, and the claiming
 *   CAS makes that decision once.
 *
 * Under GCC's ThreadSanitizer, stand-alone fences are not modelled (GCC
 * warns -Wtsan); the ring still emits them and the warning is silenced for
 * them only. TSan checks that every shared access is atomic; the fence
 * argument above is what makes the seqlock correct on weak hardware.
 * tests/unit/test_ring_model.c runs this code (through the TV_RING_STEP()
 * hooks below) under every interleaving of one writer and up to two
 * readers on 2- and 4-slot rings: it checks the protocol and the
 * accounting rule under sequential consistency; the fence argument covers
 * the weak-memory part.
 *
 * Filling a reserved record in place: store its eight words through
 * tv_ring_set_u64() (a relaxed atomic store, a plain sd on RISC-V) or copy
 * a whole record with tv_ring_store_record(). Plain C stores also work on
 * the hardware (a reader racing with them rejects the copy by the argument
 * above) but they are a C11 data race that ThreadSanitizer reports.
 */
#ifndef TRACEVISOR_TRACE_RING_H
#define TRACEVISOR_TRACE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "tracevisor/trace_record.h"

/* Cache line size the ring lays its shared words out for. */
#define TV_RING_CACHE_LINE 64

/*
 * Flag set on the TV_KIND_LOST markers the writer itself inserts in stop
 * mode, so readers tell them from a data record that happens to have kind
 * TV_KIND_LOST. Readers fold markers into *lost_before; they never reach a
 * caller as records.
 */
#define TV_F_RING_MARKER 0x80

/* Number of 64-bit words in a struct tv_rec (the payload copy unit). */
#define TV_RING_WORDS (sizeof(struct tv_rec) / sizeof(uint64_t))

enum tv_ring_mode {
	TV_RING_OVERWRITE = 0, /* flight recorder: overwrite the oldest */
	TV_RING_STOP = 1,      /* stop when full: drop the newest */
};

/*
 * The ring. Fields are private to trace_ring.c; use the functions below.
 * Three cache lines: configuration (read-only after init), writer-owned
 * words (written by the writer only), consumer-owned words (written by
 * consumers' atomic RMWs only), so the writer and the consumers do not
 * false-share.
 */
struct tv_ring {
	/* Configuration, set by tv_ring_init(), read-only afterwards. */
	_Alignas(TV_RING_CACHE_LINE) struct tv_rec *slots;
	uint64_t mask;	 /* nslots - 1 */
	uint32_t nslots; /* power of two >= 2 */
	uint32_t mode;	 /* enum tv_ring_mode */

	/* Writer-owned: only the writer stores; anyone may load. */
	_Alignas(TV_RING_CACHE_LINE) uint64_t head; /* positions published */
	uint64_t dropped; /* data records dropped (stop mode), total */
	uint64_t markers; /* TV_KIND_LOST markers written (positions) */
	uint64_t pending; /* dropped since the last marker (writer only) */

	/* Consumer-owned: changed by CAS / fetch_add from any consumer;
	 * tail is the first position no consumer has claimed. */
	_Alignas(TV_RING_CACHE_LINE) uint64_t tail;
	uint64_t consumed; /* data records delivered by tv_ring_consume() */
	uint64_t overrun;  /* data records overwritten before being claimed */
};

/* A peeker's private read position (see tv_ring_peek()). */
struct tv_ring_cursor {
	uint64_t pos;
};

/*
 * Initialise ring r over the caller's array of nslots slots, in the given
 * mode. nslots must be a power of two >= 2 (and r, slots non-NULL, mode
 * valid). Not concurrent: call before the writer and readers start.
 * Returns 0, or -1 on a bad argument (r is then left untouched).
 */
int tv_ring_init(struct tv_ring *r, struct tv_rec *slots,
		 uint32_t nslots, enum tv_ring_mode mode);

/*
 * Empty the ring and zero every counter, keeping slots, size and mode.
 * Not concurrent: no writer, consumer or peeker may be active.
 */
void tv_ring_reset(struct tv_ring *r);

/*
 * Writer: reserve the next slot and return its record to fill in place
 * (with the tv_ring_set_*() helpers or tv_ring_store_record()), then call
 * tv_ring_commit(). Returns NULL when the record is dropped (stop mode,
 * ring full): the drop is already counted, do not call tv_ring_commit().
 * In stop mode this may first write a TV_KIND_LOST marker.
 * tv_ring_reserve() and tv_ring_commit() are inline, at the end of this
 * header: they run on every VM exit.
 */

/* Writer: reserve + copy *rec + commit. Returns 0, or -1 if dropped. */
int tv_ring_write(struct tv_ring *r, const struct tv_rec *rec);

/*
 * Consumer: take the oldest unclaimed record.
 * Returns 1 with the record in *out and *lost_before = the number of data
 * records lost immediately before it (usually 0). Returns 0 when no record
 * is ready; *lost_before may still be nonzero: that many records were lost
 * at the current end of the stream, i.e. before whatever record is
 * delivered next. lost_before may be NULL if the caller does not care (the
 * loss is counted all the same). Never returns a TV_KIND_LOST marker
 * written by the writer: its count arrives in *lost_before instead.
 */
int tv_ring_consume(struct tv_ring *r, struct tv_rec *out,
		    uint64_t *lost_before);

/*
 * Peeker: set cursor c to the oldest record not yet claimed by a consumer
 * (if it was overwritten meanwhile, the first tv_ring_peek() reports it as
 * lost). Changes nothing in the ring.
 */
void tv_ring_cursor_oldest(const struct tv_ring *r, struct tv_ring_cursor *c);

/*
 * Peeker: read the next record at or after cursor c without claiming it
 * and advance c past it. Same return convention as tv_ring_consume();
 * *lost_before counts the data records between the cursor and the returned
 * record that the cursor could not read (overwritten, dropped per a
 * marker, or, in stop mode, already consumed and their slot reused). One
 * exception, in stop mode with consumers running: a marker that a
 * consumer claimed and whose slot the writer then reused is gone with its
 * count, and counts as one, so *lost_before can fall short of the records
 * missing (never exceed them; tests/unit/test_ring_model.c finds such
 * schedules). A record consumed after the cursor was set is still
 * returned while its slot holds it. Never changes the ring: safe in a
 * fault handler on any hart, even if the writer stopped in the middle of a
 * record (that record is simply not published).
 */
int tv_ring_peek(const struct tv_ring *r, struct tv_ring_cursor *c,
		 struct tv_rec *out, uint64_t *lost_before);

/* Data records offered to the writer (reserved or written, or dropped). */
uint64_t tv_ring_offered(const struct tv_ring *r);

/*
 * Data records lost: dropped by the writer + overwritten before any
 * consumer claimed them (whether or not a consumer has noticed yet).
 */
uint64_t tv_ring_lost(const struct tv_ring *r);

/* Data records delivered by tv_ring_consume(). */
uint64_t tv_ring_consumed(const struct tv_ring *r);

/*
 * Positions currently waiting between tail and head, clamped to
 * nslots - 1, what the ring holds (counts a stop-mode marker; meant for a
 * watermark check, approximate while the writer runs).
 */
uint64_t tv_ring_fill(const struct tv_ring *r);

/* ---- Filling a reserved record in place (writer only) ---------------- */

/* A 64-bit word that may alias the bytes of a struct tv_record. */
typedef uint64_t __attribute__((__may_alias__)) tv_ring_word_t;

/*
 * GCC before 13 lowers every __atomic store on RISC-V to amoswap (even a
 * relaxed one) and every fence to a full `fence`, which is correct but
 * costs an AMO per payload word. There, on RV64, the ring uses the RVWMO
 * table mapping (unprivileged spec, "Mappings from C/C++ primitives to
 * RISC-V primitives") by hand: relaxed store = sd, release fence =
 * fence rw,w, acquire fence = fence r,rw. GCC >= 13, clang and the host
 * use the builtins. Define TV_RING_USE_BUILTINS to force the builtins.
 */
#if defined(__riscv) && __riscv_xlen == 64 && defined(__GNUC__) &&            \
	!defined(__clang__) && __GNUC__ < 13 && !defined(TV_RING_USE_BUILTINS)
#define TV_RING_RVWMO_ASM 1
#else
#define TV_RING_RVWMO_ASM 0
#endif

/*
 * Model-check hook. TV_RING_STEP(addr, access) stands before every access
 * to shared ring memory (access: TV_RING_LOAD, TV_RING_STORE, TV_RING_RMW).
 * Normally it expands to nothing, so the code generated is unchanged. The
 * model check (tests/unit/test_ring_model.c) builds the ring with
 * -DTV_RING_MODEL_CHECK: each hook then calls tv_ring_model_step(), which
 * may switch to another thread of the model, so the checker can run the
 * real ring code under every interleaving of its shared-memory accesses.
 */
#ifdef TV_RING_MODEL_CHECK
enum tv_ring_access { TV_RING_LOAD, TV_RING_STORE, TV_RING_RMW };
void tv_ring_model_step(const volatile void *addr, enum tv_ring_access access);
#define TV_RING_STEP(addr, access) tv_ring_model_step((addr), (access))
#else
#define TV_RING_STEP(addr, access) ((void)0)
#endif

/* Relaxed 64-bit store to shared ring memory (a plain sd on RV64). */
static inline void tv_ring_st_relaxed(tv_ring_word_t *p, uint64_t v)
{
	TV_RING_STEP(p, TV_RING_STORE);
#if TV_RING_RVWMO_ASM
	__asm__ __volatile__("sd %1, %0" : "=m"(*p) : "r"(v));
#else
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
#endif
}

/* Store one 64-bit word of a reserved record (time, the header word
 * TV_REC_HDR(), arg[i]). */
static inline void tv_ring_set_u64(uint64_t *field, uint64_t value)
{
	tv_ring_st_relaxed(field, value);
}

/*
 * Store one 64-bit word of a reserved record as two halves, the low 32
 * bits of lo and of hi (the header word's kind, flags, vm, vcpu and its
 * dt; an SBI visit's fid and eid): on RV64 two `sw`, which spares the
 * writer building the word in a register. They are payload stores like
 * the others: the publish's release orders stores of any size before it
 * (RVWMO), so the argument above holds byte for byte. Elsewhere (the
 * host, the model check) one relaxed 64-bit store of the same word.
 */
static inline void tv_ring_set_halves(uint64_t *field, uint64_t lo, uint64_t hi)
{
#if defined(__riscv) && __riscv_xlen == 64 && !defined(TV_RING_MODEL_CHECK)
	typedef uint32_t __attribute__((__may_alias__)) half_t;
	half_t *h = (half_t *)(void *)field;

	__asm__ __volatile__("sw %2, %0\n\tsw %3, %1" : "=m"(h[0]), "=m"(h[1]) : "r"(lo), "r"(hi));
#else
	tv_ring_st_relaxed(field, (lo & 0xffffffffu) | (hi << 32));
#endif
}

/* The header word of a reserved record (kind, flags, vm, vcpu, dt). */
static inline uint64_t *tv_ring_hdr_word(struct tv_rec *rec)
{
	return (uint64_t *)(void *)&rec->kind;
}

/* Copy a whole record into a reserved slot, word by word. */
void tv_ring_store_record(struct tv_rec *slot, const struct tv_rec *src);

/* ---- The writer's fast path, inline: it runs on every VM exit ------- */

/* Stop mode's slow path (full ring or drops pending), in trace_ring.c. */
struct tv_rec *tv_ring_stop_slow(struct tv_ring *r, uint64_t h, uint64_t t);
/*
 * Memory-access primitives. With TV_RING_RVWMO_ASM (GCC < 13 on RV64, see
 * trace_ring.h) they are the RVWMO table mapping written out by hand;
 * otherwise the __atomic builtins, which GCC >= 13 and clang lower to the
 * same instructions on RISC-V and which ThreadSanitizer sees on the host.
 *
 * GCC's ThreadSanitizer does not model stand-alone fences and warns
 * (-Wtsan, GCC >= 11); the fences are still emitted and still needed on
 * weak hardware, so the warning is silenced for these two helpers only.
 */
#if defined(__SANITIZE_THREAD__) && !defined(__clang__) && __GNUC__ >= 11
#define TV_FENCE_PRAGMA_BEGIN                                                  \
	_Pragma("GCC diagnostic push")                                         \
		_Pragma("GCC diagnostic ignored \"-Wtsan\"")
#define TV_FENCE_PRAGMA_END _Pragma("GCC diagnostic pop")
#else
#define TV_FENCE_PRAGMA_BEGIN
#define TV_FENCE_PRAGMA_END
#endif

TV_FENCE_PRAGMA_BEGIN
/* Release fence `fence rw,w`: earlier loads/stores before later stores. */
static inline void tv_ring_fence_release(void)
{
#if TV_RING_RVWMO_ASM
	__asm__ __volatile__("fence rw,w" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_RELEASE);
#endif
}

/* Acquire fence `fence r,rw`: earlier loads before later loads/stores. */
static inline void tv_ring_fence_acquire(void)
{
#if TV_RING_RVWMO_ASM
	__asm__ __volatile__("fence r,rw" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
#endif
}
TV_FENCE_PRAGMA_END

/* Relaxed 64-bit load of a shared word: `ld`. */
static inline uint64_t tv_ring_ld_relaxed(const uint64_t *p)
{
	TV_RING_STEP(p, TV_RING_LOAD);
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Acquire load: `ld; fence r,rw`. */
static inline uint64_t tv_ring_ld_acquire(const uint64_t *p)
{
#if TV_RING_RVWMO_ASM
	uint64_t v = tv_ring_ld_relaxed(p);

	tv_ring_fence_acquire();
	return v;
#else
	TV_RING_STEP(p, TV_RING_LOAD);
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#endif
}

/* Relaxed 64-bit store of a shared word: `sd`. */
static inline void tv_ring_st_word(uint64_t *p, uint64_t v)
{
	tv_ring_st_relaxed(p, v);
}

/* The slot position p lives in. */
static inline struct tv_rec *tv_ring_slot_of(const struct tv_ring *r, uint64_t p)
{
	return &r->slots[p & r->mask];
}

/* Writer: the slot of position h, to fill with plain stores (W1). */
static inline struct tv_rec *tv_ring_begin_pos(struct tv_ring *r, uint64_t h)
{
	return tv_ring_slot_of(r, h);
}

/*
 * Writer: publish position p, given the ring's head word: release fence,
 * head = p + 1 (W2), release fence (so W2 precedes the next record's
 * payload stores; header, point a). On RISC-V one amoswap.d.aqrl does all
 * three (header); an AMO takes no offset, hence the head word itself.
 */
static inline void tv_ring_publish(uint64_t *head, uint64_t p)
{
#if defined(__riscv) && __riscv_xlen == 64 && !defined(TV_RING_MODEL_CHECK)
	__asm__ __volatile__("amoswap.d.aqrl zero, %1, %0" : "+A"(*head) : "r"(p + 1) : "memory");
#else
	tv_ring_fence_release();
	tv_ring_st_word(head, p + 1);
	tv_ring_fence_release();
#endif
}

/* Writer: publish position p of ring r. */
static inline void tv_ring_end_pos(struct tv_ring *r, uint64_t p)
{
	tv_ring_publish(&r->head, p);
}

/*
 * Writer: reserve the next position (see header). Overwrite mode never
 * looks at tail. Stop mode stays on the fast path while the ring has room
 * (head + 1 - tail <= nslots - 1) and no drop is pending.
 */
static inline struct tv_rec *tv_ring_reserve(struct tv_ring *r)
{
	uint64_t h = tv_ring_ld_relaxed(&r->head);

	if (r->mode == TV_RING_STOP) {
		uint64_t t = tv_ring_ld_acquire(&r->tail);

		if (h + 2 - t > r->nslots || tv_ring_ld_relaxed(&r->pending) != 0)
			return tv_ring_stop_slow(r, h, t);
	}
	return tv_ring_begin_pos(r, h);
}

/* Writer: publish the position reserved last (head). */
static inline void tv_ring_commit(struct tv_ring *r)
{
	tv_ring_end_pos(r, tv_ring_ld_relaxed(&r->head));
}

#endif
