/*
 * libFuzzer harness: the trace wire encoder, which runs in the hypervisor
 * (lib/trace_wire.c: tv_wire_begin, tv_wire_hart_begin, tv_wire_record,
 * tv_wire_lost, tv_wire_flush, tv_wire_hart_end, tv_wire_end), checked by
 * decoding what it wrote.
 *
 * The model runs before the encoder at each step, because the encoder's
 * frames are decoded (and checked) as soon as it emits them.
 *
 * The input is a program: each operation byte picks begin-a-new-dump,
 * record, lost, hart_begin, hart_end or flush, and the bytes after it give
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
 * to tv_kind_nargs(); before the next record of the hart (or at the
 * hart's end) one LOST record carrying the sum of the tv_wire_lost()
 * counts; the index of each record counting on from the hart's
 * first_index; records of invalid kinds counted in `dropped`. The decoder
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
};

struct run {
	struct want want[3 * MAX_OPS + 8];
	size_t nwant, ngot;
	unsigned dumps_begun, dumps_ended;
	uint64_t dropped;
	/* the model of the encoder */
	uint16_t hart;
	uint64_t index, pending;
	struct tv_record last;
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
		      (i < tv_kind_nargs(r->kind) ? w->r.arg[i] : 0));
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

static void expect(struct run *x, const struct tv_record *r, int from_lost)
{
	struct want *w = &x->want[x->nwant++];

	w->r = *r;
	w->hart = x->hart;
	w->index = x->index++;
	w->from_lost = from_lost;
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
	lost.cycle = at->cycle;
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
 * One pass over the program. The first (enc NULL) only follows the
 * harts, to count each dump's (x->nharts_of); the second also drives
 * the encoder and fills the model's want[].
 */
static void play(struct run *x, struct input in, struct tv_wire_enc *enc)
{
	struct tv_wire_begin info;
	struct tv_record r;
	unsigned nops = 0, dump = 0;

	memset(&info, 0, sizeof(info));
	memset(&r, 0, sizeof(r));
	info.timebase_hz = 10000000;
	model_begin(x);
	if (enc) {
		info.nharts = x->nharts_of[0];
		tv_wire_begin(enc, &info);
	}
	/* An operation adds at most 3 records to want[] (a LOST record at
	 * the hart's end, one before the record, the record), the final
	 * end 1. The same operations run in both passes. */
	while (in.p < in.end && nops++ < MAX_OPS) {
		uint8_t op = next_u8(&in);

		switch (op % 8) {
		default: /* 0..2: a record */
			r.kind = (uint8_t)(next_u8(&in) % (TV_KIND_COUNT + 2));
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
