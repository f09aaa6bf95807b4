/*
 * Dumping the rings over the console, in the compact framed encoding that
 * tools/tvtrace decodes (lib/trace_wire.c) and/or as ftrace-style text
 * lines (tv.dump=compact|text|both|none).
 *
 * Any hart may ask for a dump at any time (the guest's trace-control DUMP,
 * a ring crossing its watermark, the watchdog, tv.dump_every's tick,
 * shutdown), several at once.
 * Rules:
 * - One dump at a time: dump_lock is held for a whole dump, so the
 *   encoder and the rings' consumer side have one user; a second request
 *   waits, then dumps what has come since.
 * - A dump id is taken once, with an atomic add: no two dumps share one.
 * - Each frame goes to the console as one whole line (console_write_frame),
 *   so frames of two dumps, or a guest's line in progress on another hart,
 *   never mix inside a frame.
 * - A dump can take seconds (the console is slow): the dumping hart, and
 *   a hart waiting for dump_lock, answer the remote fences asked of their
 *   vCPUs meanwhile (smp_serve_fences), between two records, so a guest's
 *   SBI RFENCE on another hart, which waits for them, is not held up by
 *   the dump (or failed after 5 s).
 * - The dump after a hypervisor fault may not wait for dump_lock for ever
 *   (the faulting hart may hold it): it waits at most a second, so its
 *   frames do not interleave with those of a dump in progress elsewhere,
 *   then goes ahead with its own encoder; it only reads the rings, and
 *   runs once.
 * - The periodic dump (tv.dump_every) never waits: while another dump
 *   holds dump_lock, that dump takes what this one would have, and the
 *   next tick takes the rest. With nothing offered to any ring since the
 *   last dump it prints nothing and takes no dump id, so an idle guest
 *   costs one look at each ring's counters per tick. What it skips is
 *   nothing at all: a record, or a loss (a loss is an offered record too),
 *   makes the next tick dump, and each dump's HART frames carry the
 *   rings' counts since boot, so the losses the decoder reports per dump
 *   stay exact whatever was skipped between.
 */
#include "../core/console.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "../core/smp.h"
#include "../core/spinlock.h"
#include "trace.h"
#include "trace_ring.h"
#include "trace_wire.h"

extern struct tv_ring trace_rings[MAX_HARTS];

static spinlock_t dump_lock;	    /* held for a whole dump */
static struct tv_wire_enc enc;	    /* dumps under dump_lock */
static struct tv_wire_enc fault_enc; /* the fault dump's own */
static uint32_t fault_dumped;	    /* the fault dump ran */
static uint64_t next_dump_id;	    /* taken with an atomic add */
/* Each ring's tv_ring_offered() when the last consuming dump reached it
 * (under dump_lock): the periodic dump's "anything new?". */
static uint64_t offered_seen[MAX_HARTS];

static void emit_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	console_write_frame(line, len);
}

/*
 * One record of the text dump: "~" and tv_format_text()'s line. The '~'
 * is what tells it from a guest's text: only the hypervisor begins a
 * console line with a single '~' (hyp/core/console.c escapes any other to
 * "~~"), so a guest that prints a line of this form, carrying any values
 * it likes, cannot make it pass for one of these (docs/trace-format.md,
 * "Text form"). Written whole, unescaped, at a line start, like a frame.
 */
static void text_line(const struct tv_record *r)
{
	char buf[TV_FORMAT_TEXT_MAX + 2];
	int n = tv_format_text(r, platform.timebase_hz, buf + 1, TV_FORMAT_TEXT_MAX);
	if (n > 0 && n < TV_FORMAT_TEXT_MAX) {
		buf[0] = '~';
		buf[n + 1] = '\n';
		console_write_frame(buf, (size_t)n + 2);
	}
}

/* A ring record as text: its events (a visit is an exit, its SBI call or
 * MMIO access, and its entry), in ring order. */
static void text_rec(const struct tv_rec *r, uint16_t hart)
{
	struct tv_record ev[TV_REC_EVENTS_MAX];
	unsigned n = tv_rec_split(r, hart, ev);

	for (unsigned i = 0; i < n; i++)
		text_line(&ev[i]);
}

static void text_lost(uint16_t hart, uint64_t lost)
{
	struct tv_record r = { .kind = TV_KIND_LOST, .hart = hart };
	r.arg[0] = lost;
	text_line(&r);
}

/* Read one hart's ring: consuming (normal dumps) or peeking (after a fault,
 * where nothing may change and nothing may wait). A dump takes the records
 * that were in the ring when it reached it, no more: a vCPU still running
 * on another hart writes faster than the console prints, and a dump that
 * chased it would never end (and hold dump_lock). What comes later waits
 * for the next dump. */
static void dump_ring(struct tv_wire_enc *e, int i, bool peek, bool compact,
		      bool text)
{
	struct tv_ring *ring = &trace_rings[i];
	uint16_t hart = (uint16_t)platform.hart_id[i];
	uint64_t budget = peek ? ring->nslots : tv_ring_fill(ring);
	struct tv_ring_cursor cur;
	struct tv_rec r;
	uint64_t lost;

	if (peek)
		tv_ring_cursor_oldest(ring, &cur);
	else
		offered_seen[i] = tv_ring_offered(ring); /* before the budget */
	if (compact)
		tv_wire_hart_begin(e, hart, peek ? cur.pos : 0);
	while (budget--) {
		int got = peek ? tv_ring_peek(ring, &cur, &r, &lost)
			       : tv_ring_consume(ring, &r, &lost);
		if (lost) {
			if (compact)
				tv_wire_lost(e, lost);
			if (text)
				text_lost(hart, lost);
		}
		if (!got)
			break;
		if (!peek)
			smp_serve_fences(this_vcpu());
		if (compact)
			tv_wire_rec(e, &r);
		if (text)
			text_rec(&r, hart);
	}
	if (compact)
		tv_wire_hart_end(e, tv_ring_offered(ring), tv_ring_consumed(ring),
				 tv_ring_lost(ring));
}

static void dump_all(struct tv_wire_enc *e, unsigned reason, bool peek)
{
	bool compact = opt.dump == DUMP_COMPACT || opt.dump == DUMP_BOTH;
	bool text = opt.dump == DUMP_TEXT || opt.dump == DUMP_BOTH;
	uint64_t id;

	if (opt.dump == DUMP_NONE)
		return;
	id = __atomic_fetch_add(&next_dump_id, 1, __ATOMIC_RELAXED);
	console_flush();
	hyp_log("trace dump %llu (%s): %d hart(s), %u slots per ring\n",
		(unsigned long long)id, tv_dump_reason_name(reason),
		platform.nharts, opt.ring_slots);
	console_flush();
	if (compact) {
		struct tv_wire_begin info = {
			.format_version = TV_FORMAT_VERSION,
			.timebase_hz = platform.timebase_hz,
			.nharts = (uint16_t)platform.nharts,
			.dump_reason = (uint16_t)reason,
			.ring_slots = opt.ring_slots,
			.ring_mode = (uint8_t)opt.ring_mode,
			.dump_id = id,
		};
		tv_wire_enc_init(e, emit_line, NULL);
		tv_wire_begin(e, &info);
	}
	for (int i = 0; i < platform.nharts; i++)
		dump_ring(e, i, peek, compact, text);
	if (compact)
		tv_wire_end(e);
	console_flush();
	hyp_log("trace dump %llu ends\n", (unsigned long long)id);
	console_flush();
}

/* Take dump_lock, answering this hart's remote fences while another
 * hart's dump holds it. */
static void dump_lock_take(void)
{
	while (!spin_trylock(&dump_lock))
		smp_serve_fences(this_vcpu());
}

void trace_dump(unsigned reason)
{
	dump_lock_take();
	dump_all(&enc, reason, false);
	spin_unlock(&dump_lock);
}

void trace_dump_fault(void)
{
	uint64_t until = csr_read(CSR_TIME) + platform.timebase_hz;
	bool locked;

	if (__atomic_exchange_n(&fault_dumped, 1, __ATOMIC_ACQ_REL))
		return;
	if (!trace_rings[platform.nharts - 1].slots)
		return; /* refused before the rings existed: nothing was recorded */
	while (!(locked = spin_trylock(&dump_lock)) && csr_read(CSR_TIME) < until)
		;
	dump_all(&fault_enc, TV_DUMP_HYP_FAULT, true);
	if (locked)
		spin_unlock(&dump_lock);
}

/* Has any ring been offered a record (kept, overwritten or dropped)
 * since the last consuming dump, or does one still hold records (those
 * that came after that dump had reached it)? Under dump_lock. */
static bool rings_have_news(void)
{
	for (int i = 0; i < platform.nharts; i++)
		if (tv_ring_offered(&trace_rings[i]) != offered_seen[i] ||
		    tv_ring_fill(&trace_rings[i]))
			return true;
	return false;
}

void trace_dump_periodic(void)
{
	if (!spin_trylock(&dump_lock))
		return;
	if (rings_have_news())
		dump_all(&enc, TV_DUMP_PERIODIC, false);
	spin_unlock(&dump_lock);
}

/* Several harts may cross the watermark together: the first dumps every
 * ring, the others find theirs drained when their turn comes. */
void trace_check_watermark(struct vcpu *v)
{
	if (!v->ring || tv_ring_fill(v->ring) < trace_watermark_fill)
		return;
	dump_lock_take();
	if (tv_ring_fill(v->ring) >= trace_watermark_fill)
		dump_all(&enc, TV_DUMP_WATERMARK, false);
	spin_unlock(&dump_lock);
}
