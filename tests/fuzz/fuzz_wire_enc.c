/*
 * libFuzzer harness: the trace wire encoder, which runs in the hypervisor
 * (lib/trace_wire.c: tv_wire_begin, tv_wire_hart_begin, tv_wire_record,
 * tv_wire_rec, tv_wire_lost, tv_wire_flush, tv_wire_hart_end,
 * tv_wire_end), checked by decoding what it wrote.
 *
 * The model runs before the encoder at each step, because the encoder's
 * frames are decoded (and checked) as soon as it emits them.
 *
 * The input is a program: each operation byte picks begin-a-new-dump,
 * record (a version-1 record, or with the kind byte's top bit a ring
 * record: an event or a visit, as the hypervisor's dump writes them),
 * lost, hart_begin, hart_end or flush, and the bytes after it give
 * the operation's values (see next_u64: each 64-bit field is a small step
 * from the field's previous value, the previous value, zero, or 8 raw
 * bytes, so both the common small deltas and extreme values occur).
 * The program keeps the calling order the hypervisor's dump keeps and
 * trace_wire.h's frame order asks for: each hart once per dump, its
 * records then its HART frame, as many harts as BEGIN says. A hart_begin
 * ends the hart before it (with its HART frame) and takes a hart id the
 * dump has not used; a record after the hart's end starts a new hart;
 * hart_end of an ended hart does nothing; and BEGIN's nharts is the
 * number of harts the dump will use, counted by a first pass over the
 * program that only tracks the harts. Each HART frame's consumed count
 * is what the hart's ring would say (its records of the dumps so far),
 * which the decoder checks.
 * A model of the encoder's documented behaviour (trace_wire.h) predicts
 * the records the decoder must deliver: every record with a valid kind,
 * in order, with its hart, vm, vcpu, flags, time, cycle and arguments up
 * to tv_kind_nargs(); every ring record as the events tv_rec_split()
 * makes of it, all with the ring record's index (trace_wire.h), whatever
 * remembered visit or difference the encoder's RECORDS3 frame chose;
 * before the next record of the hart (or at the hart's end) one LOST
 * record carrying the sum of the tv_wire_lost() counts, in the format of
 * the frame it goes into (a RECORDS3 frame has no cycle); the index of
 * each record counting on from the hart's first_index; records of
 * invalid kinds counted in `dropped`. The decoder
 * must report no error and no gap, and every dump must end complete.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_wire.h"

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_wire_enc: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* Most operations one input may run (bounds the work per input). */
#define MAX_OPS 4096

/* A record the decoder must deliver, with where. */
struct want {
	struct tv_record r;
	uint16_t hart;
	uint64_t index;
	int from_lost; /* made by tv_wire_lost(): compare kind, ids, arg 0 */
	int exact;     /* an event of a ring record: compare every argument */
};

struct run {
	struct want want[5 * MAX_OPS + 8];
	size_t nwant, ngot;
	unsigned dumps_begun, dumps_ended;
	uint64_t dropped;
	/* the model of the encoder */
	uint16_t hart;
	uint64_t index, pending;
	struct tv_record last; /* the last record appended, in wire form */
	struct want hold[TV_WIRE_HOLD]; /* events the decoder holds */
	unsigned nhold;
	int fmt; /* the encoder's record format: 0 RECORDS, 2 RECORDS3 (kept
		  * from hart to hart and from dump to dump, as the encoder's) */
	/* each hart ring's consumed count (what the HART frames say) and
	 * the current hart's records in this dump */
	struct {
		uint16_t hart;
		uint64_t consumed;
	} ring[TV_WIRE_RING_HARTS]; /* as many as the decoder follows */
	unsigned nring;
	uint64_t hart_recs;
	/* the frame order: the dump's harts, the current one's end */
	uint8_t used[65536 / 8];
	int ended;
	unsigned nharts;	  /* harts of the dump so far */
	/* harts of each dump, from the first pass (dump d: nharts_of[d]) */
	uint16_t nharts_of[MAX_OPS + 2];
	/* the encoder's output, decoded line by line as it comes */
	struct tv_wire_dec dec;
	uint64_t line_no, offset;
};

static struct run run;

/* ------------------------------------------------------------ decoding */

static void on_record(void *ctx, const struct tv_record *r, uint16_t hart,
		      uint64_t index)
{
	struct run *x = ctx;
	const struct want *w;

	CHECK(x->ngot < x->nwant);
	w = &x->want[x->ngot++];
	CHECK(hart == w->hart);
	CHECK(index == w->index);
	CHECK(r->kind == w->r.kind);
	CHECK(r->hart == w->r.hart && r->vm == w->r.vm &&
	      r->vcpu == w->r.vcpu);
	CHECK(r->time == w->r.time && r->cycle == w->r.cycle);
	if (w->from_lost) {
		CHECK(r->arg[0] == w->r.arg[0]);
		return;
	}
	CHECK(r->flags == w->r.flags);
	for (unsigned i = 0; i < TV_NARGS; i++)
		CHECK(r->arg[i] ==
		      (w->exact || i < tv_kind_nargs(r->kind) ? w->r.arg[i] : 0));
}

static void on_begin(void *ctx, const struct tv_wire_begin *info)
{
	struct run *x = ctx;

	CHECK(info != NULL); /* the BEGIN frame is never missing */
	CHECK(info->format_version == TV_FORMAT_VERSION);
	x->dumps_begun++;
}

static void on_end(void *ctx, const struct tv_wire_end_info *info)
{
	struct run *x = ctx;

	CHECK(info->complete);
	CHECK(info->frames_in_dump == info->frames_received);
	x->dumps_ended++;
}

static void on_error(void *ctx, uint64_t line_no, uint64_t byte_offset,
		     const char *msg)
{
	(void)ctx;
	fprintf(stderr, "fuzz_wire_enc: decoder error at line %llu byte %llu: %s\n",
		(unsigned long long)line_no, (unsigned long long)byte_offset,
		msg);
	CHECK(!"the decoder reports no error on the encoder's output");
}

static void on_gap(void *ctx, const struct tv_wire_gap *g)
{
	(void)ctx;
	(void)g;
	CHECK(!"the decoder finds no gap in the encoder's output");
}

static const struct tv_wire_dec_ops ops = {
	.begin = on_begin,
	.record = on_record,
	.end = on_end,
	.gap = on_gap,
	.error = on_error,
};

/* The encoder's emit(): one whole line, straight into the decoder. */
static void emit(void *ctx, const char *line, size_t len)
{
	struct run *x = ctx;

	CHECK(len > TV_WIRE_PREFIX_LEN && len <= TV_WIRE_MAX_LINE);
	CHECK(memcmp(line, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN) == 0);
	CHECK(line[len - 1] == '\n');
	tv_wire_dec_line(&x->dec, line, len, ++x->line_no, x->offset);
	x->offset += len;
}

/* ---------------------------------------------------------------- input */

struct input {
	const uint8_t *p, *end;
};

static uint8_t next_u8(struct input *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

/* A 64-bit field given its previous value (see the header comment). */
static uint64_t next_u64(struct input *in, uint64_t prev)
{
	uint8_t how = next_u8(in);
	uint64_t v = 0;

	switch (how & 3) {
	case 0:
		return prev + (uint64_t)(int64_t)(int8_t)next_u8(in);
	case 1:
		return prev;
	case 2:
		return 0;
	default:
		for (unsigned i = 0; i < 8; i++)
			v |= (uint64_t)next_u8(in) << (8 * i);
		return v;
	}
}

/* ---------------------------------------------------------------- model */

/* A record the decoder delivers next. */
static void want_next(struct run *x, const struct want *w)
{
	x->want[x->nwant++] = *w;
}

/* The held events (all, or those older than `before` when only_before
 * is set) are delivered in the order they came; the others stay. */
static void release_held(struct run *x, int only_before, uint64_t before)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < x->nhold; i++) {
		if (only_before && x->hold[i].r.time >= before)
			x->hold[keep++] = x->hold[i];
		else
			want_next(x, &x->hold[i]);
	}
	x->nhold = keep;
}

/* A version-1 record (or a LOST record): delivered after whatever is
 * held. */
static void expect(struct run *x, const struct tv_record *r, int from_lost)
{
	struct want w = {.r = *r, .hart = x->hart, .index = x->index++,
			 .from_lost = from_lost};

	release_held(x, 0, 0);
	want_next(x, &w);
}

/*
 * The events of ring record r (tv_rec_split()), with one index, in the
 * order trace_wire.h ("FORMAT VERSION 2") gives them: an event other
 * than EXIT, ENTRY and LOST is held (at most TV_WIRE_HOLD, the oldest
 * passed on) until an EXIT comes; held events older than that EXIT go
 * before it, the others after it, before the rest of its visit; an
 * ENTRY or a LOST event, a hart's end and a version-1 record deliver
 * all that is held first. An event record's arguments past
 * tv_kind_nargs() are not sent (zero).
 */
static void expect_rec(struct run *x, const struct tv_rec *r)
{
	struct tv_record ev[TV_REC_EVENTS_MAX];
	unsigned n = tv_rec_split(r, x->hart, ev);
	struct want w = {.hart = x->hart, .index = x->index++, .exact = 1};

	CHECK(n > 0);
	if (r->kind < TV_KIND_COUNT)
		for (unsigned i = tv_kind_nargs(r->kind); i < TV_NARGS; i++)
			ev[0].arg[i] = 0;
	w.r = ev[0];
	if (ev[0].kind == TV_KIND_EXIT) {
		release_held(x, 1, ev[0].time);
		want_next(x, &w);
		release_held(x, 0, 0);
		for (unsigned k = 1; k < n; k++) {
			w.r = ev[k];
			want_next(x, &w);
		}
	} else if (ev[0].kind == TV_KIND_ENTRY || ev[0].kind == TV_KIND_LOST) {
		release_held(x, 0, 0);
		want_next(x, &w);
	} else {
		if (x->nhold == TV_WIRE_HOLD) {
			want_next(x, &x->hold[0]);
			x->nhold--;
			memmove(x->hold, x->hold + 1, sizeof(x->hold[0]) * x->nhold);
		}
		x->hold[x->nhold++] = w;
	}
}

/* The pending LOST record, with the time and ids of `at`. */
static void expect_pending_lost(struct run *x, const struct tv_record *at)
{
	struct tv_record lost;

	if (!x->pending)
		return;
	memset(&lost, 0, sizeof(lost));
	lost.kind = TV_KIND_LOST;
	lost.time = at->time;
	lost.cycle = x->fmt ? 0 : at->cycle; /* RECORDS3: an event's */
	lost.vm = at->vm;
	lost.vcpu = at->vcpu;
	lost.hart = at->hart;
	lost.arg[0] = x->pending;
	x->pending = 0;
	expect(x, &lost, 1);
}

static int hart_used(const struct run *x, uint16_t h)
{
	return x->used[h >> 3] >> (h & 7) & 1;
}

static void use_hart(struct run *x, uint16_t h)
{
	x->used[h >> 3] |= (uint8_t)(1u << (h & 7));
	x->nharts++;
	x->ended = 0;
}

/* The first hart id from h on that the dump has not used (a dump has at
 * most one hart per operation, far fewer than 65536). */
static uint16_t unused_hart(const struct run *x, uint16_t h)
{
	while (hart_used(x, h))
		h++;
	return h;
}

/* The current hart's ring count after this dump; 0 for harts past those
 * the decoder follows (it does not check them). */
static uint64_t ring_consumed(struct run *x)
{
	unsigned i = 0;

	while (i < x->nring && x->ring[i].hart != x->hart)
		i++;
	if (i == x->nring) {
		if (i == TV_WIRE_RING_HARTS)
			return 0;
		x->nring++;
		x->ring[i].hart = x->hart;
		x->ring[i].consumed = 0;
	}
	x->ring[i].consumed += x->hart_recs;
	return x->ring[i].consumed;
}

/* The current hart ends: its pending LOST record, its HART frame. The
 * consumed count is the one a ring would give (its records of this dump
 * on top of the earlier dumps'), which the decoder checks. */
static void hart_end(struct run *x, struct tv_wire_enc *enc, uint64_t offered,
		     uint64_t lost)
{
	x->ended = 1;
	if (!enc)
		return;
	expect_pending_lost(x, &x->last);
	release_held(x, 0, 0); /* the HART frame */
	tv_wire_hart_end(enc, offered, ring_consumed(x), lost);
}

/* Hart h (unused in this dump) starts at first, after the current
 * hart's end. */
static void hart_begin(struct run *x, struct tv_wire_enc *enc, uint16_t h,
		       uint64_t first)
{
	if (!x->ended)
		hart_end(x, enc, 0, 0);
	use_hart(x, h);
	x->hart = h;
	x->hart_recs = 0;
	x->index = first;
	memset(&x->last, 0, sizeof(x->last));
	x->last.hart = h;
	if (enc)
		tv_wire_hart_begin(enc, h, first);
}

/* The dump ends: the current hart's too; the first pass notes the
 * dump's hart count. */
static void dump_end(struct run *x, struct tv_wire_enc *enc, unsigned dump)
{
	if (!x->ended)
		hart_end(x, enc, 0, 0);
	if (enc)
		tv_wire_end(enc);
	else
		x->nharts_of[dump] = (uint16_t)x->nharts;
}

static void model_begin(struct run *x)
{
	x->hart = 0;
	x->index = 0;
	x->pending = 0;
	memset(&x->last, 0, sizeof(x->last));
	memset(x->used, 0, sizeof(x->used));
	x->nharts = 0;
	x->hart_recs = 0;
	use_hart(x, 0); /* records before any hart_begin are hart 0's */
}

/*
 * A ring record (struct tv_rec, tv_wire_rec()) from the input: an event,
 * a visit of any kind with any flags, or an invalid kind (none, between
 * the events and the visits, past the visits), each field as next_u64()
 * makes it from the previous ring record's, a visit's key often one of
 * fourteen. Its wire form (the time and
 * ids a LOST record put before it or after it takes) is rec_to_wire()'s.
 */
static void ring_record(struct run *x, struct tv_wire_enc *enc, struct input *in,
			struct tv_rec *q, uint8_t k)
{
	static const uint64_t key[] = {
		2, 5, 9, 10, 21, 22, 23, 0x8000000000000005ull, 0x8000000000000009ull,
		0x1000000000000ull, 0x4442434e00000002ull, 0xffffffff80001000ull,
		0xffffffff80001004ull, 0xffffffffffffffffull,
	};
	struct tv_record w;
	uint8_t kb;

	if (k & 0x40) /* mostly visits, as in the hypervisor's rings */
		q->kind = (uint8_t)(TV_VISIT_EXIT + k % (TV_VISIT_END - TV_VISIT_EXIT));
	else
		q->kind = (uint8_t)((k & 0x3f) % (TV_VISIT_END + 2));
	q->flags = next_u8(in);
	q->vm = next_u8(in) & 3 ? q->vm : next_u8(in);
	q->vcpu = next_u8(in) & 3 ? q->vcpu : next_u8(in);
	q->dt = (uint32_t)next_u64(in, q->dt);
	q->time = next_u64(in, q->time);
	for (unsigned i = 0; i < TV_NARGS; i++)
		q->arg[i] = next_u64(in, q->arg[i]);
	/* A visit's key (RECORDS3: the scause or SBI ids, arg[1], the MMIO
	 * sepc, arg[0]) often one of a few, more of them than a frame
	 * remembers (TV_WIRE_VISIT_KEYS), so that keys are remembered,
	 * forgotten and seen again */
	kb = next_u8(in);
	if (kb & 0xc0)
		q->arg[tv_wire_visit_key(q->kind)] = key[kb % (sizeof(key) / sizeof(key[0]))];
	if (x->ended) /* a new hart, going on from the index */
		hart_begin(x, enc, unused_hart(x, x->hart), x->index);
	if (!enc)
		return;
	if ((q->kind == TV_KIND_NONE || q->kind >= TV_KIND_COUNT) &&
	    (q->kind < TV_VISIT_EXIT || q->kind >= TV_VISIT_END)) {
		x->dropped++;
	} else {
		memset(&w, 0, sizeof(w));
		w.time = q->time;
		w.cycle = q->dt;
		w.vm = q->vm;
		w.vcpu = q->vcpu;
		w.hart = x->hart;
		x->fmt = 2;
		expect_pending_lost(x, &w);
		expect_rec(x, q);
		x->last = w;
		x->hart_recs += q->kind != TV_KIND_LOST;
	}
	tv_wire_rec(enc, q);
}

/*
 * One pass over the program. The first (enc NULL) only follows the
 * harts, to count each dump's (x->nharts_of); the second also drives
 * the encoder and fills the model's want[].
 */
static void play(struct run *x, struct input in, struct tv_wire_enc *enc)
{
	struct tv_wire_begin info;
	struct tv_record r;
	struct tv_rec q;
	unsigned nops = 0, dump = 0;

	memset(&info, 0, sizeof(info));
	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	info.timebase_hz = 10000000;
	model_begin(x);
	if (enc) {
		info.nharts = x->nharts_of[0];
		tv_wire_begin(enc, &info);
	}
	/* An operation adds at most 5 records to want[] (a LOST record at
	 * the hart's end, one before the record, the record or the three
	 * events of a visit), the final end 1. The same operations run in
	 * both passes. */
	while (in.p < in.end && nops++ < MAX_OPS) {
		uint8_t op = next_u8(&in);

		switch (op % 8) {
		default: { /* 0..2: a record */
			uint8_t k = next_u8(&in);

			if (k & 0x80) { /* a ring record */
				ring_record(x, enc, &in, &q, k);
				break;
			}
			r.kind = (uint8_t)(k % (TV_KIND_COUNT + 2));
			r.vm = next_u8(&in) & 3 ? r.vm : next_u8(&in);
			r.vcpu = next_u8(&in) & 3 ? r.vcpu : next_u8(&in);
			r.flags = next_u8(&in) & 1 ? 0 : next_u8(&in);
			if (!(next_u8(&in) & 7))
				r.hart = (uint16_t)next_u64(&in, r.hart);
			r.time = next_u64(&in, r.time);
			r.cycle = next_u64(&in, r.cycle);
			for (unsigned i = 0; i < TV_NARGS; i++)
				r.arg[i] = next_u64(&in, r.arg[i]);
			r.reserved = next_u8(&in);
			if (x->ended) /* a new hart, going on from the index */
				hart_begin(x, enc, unused_hart(x, x->hart), x->index);
			if (!enc)
				break;
			if (r.kind == TV_KIND_NONE || r.kind >= TV_KIND_COUNT) {
				x->dropped++;
			} else {
				x->fmt = 0;
				expect_pending_lost(x, &r);
				expect(x, &r, 0);
				x->last = r;
				/* a ring never holds a LOST record the reader
				 * returns (dump.c sends its losses through
				 * tv_wire_lost()): the decoder counts others */
				x->hart_recs += r.kind != TV_KIND_LOST;
			}
			tv_wire_record(enc, &r);
			break;
		}
		case 3: {
			uint64_t n = next_u8(&in) & 1 ? next_u8(&in)
						       : next_u64(&in, 0);

			if (x->ended)
				hart_begin(x, enc, unused_hart(x, x->hart), x->index);
			if (enc) {
				tv_wire_lost(enc, n);
				x->pending += n;
			}
			break;
		}
		case 4: {
			uint16_t h = (uint16_t)next_u64(&in, x->hart);
			uint64_t first = next_u64(&in, x->index);

			hart_begin(x, enc, unused_hart(x, h), first);
			break;
		}
		case 5: {
			uint64_t offered = next_u64(&in, 0);
			uint64_t consumed = next_u64(&in, 0); /* (computed instead) */
			uint64_t lost = next_u64(&in, 0);

			(void)consumed;
			if (!x->ended)
				hart_end(x, enc, offered, lost);
			break;
		}
		case 6:
			if (enc)
				tv_wire_flush(enc);
			break;
		case 7: /* end this dump, begin the next */
			dump_end(x, enc, dump++);
			model_begin(x);
			if (enc) {
				info.dump_id++;
				info.nharts = x->nharts_of[dump];
				tv_wire_begin(enc, &info);
			}
			break;
		}
	}
	dump_end(x, enc, dump);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tv_wire_enc enc;
	struct run *x = &run;
	struct input in = {data, data + size};

	memset(x, 0, sizeof(*x));
	play(x, in, NULL);
	x->nwant = 0;
	tv_wire_dec_init(&x->dec, &ops, x);
	tv_wire_enc_init(&enc, emit, x);
	play(x, in, &enc);
	tv_wire_dec_finish(&x->dec, x->line_no + 1, x->offset);
	CHECK(x->ngot == x->nwant);
	CHECK(enc.dropped == x->dropped);
	CHECK(x->dumps_begun == x->dumps_ended);
	return 0;
}
