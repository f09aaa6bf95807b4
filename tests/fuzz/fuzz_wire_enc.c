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

/* Most records one input may produce (bounds the work per input). */
#define MAX_RECS 4096

/* A record the decoder must deliver, with where. */
struct want {
	struct tv_record r;
	uint16_t hart;
	uint64_t index;
	int from_lost; /* made by tv_wire_lost(): compare kind, ids, arg 0 */
};

struct run {
	struct want want[2 * MAX_RECS + 8];
	size_t nwant, ngot;
	unsigned dumps_begun, dumps_ended;
	uint64_t dropped;
	/* the model of the encoder */
	uint16_t hart;
	uint64_t index, pending;
	struct tv_record last;
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

static void model_hart_begin(struct run *x, uint16_t hart, uint64_t first)
{
	expect_pending_lost(x, &x->last);
	x->hart = hart;
	x->index = first;
	memset(&x->last, 0, sizeof(x->last));
	x->last.hart = hart;
}

static void model_begin(struct run *x)
{
	x->hart = 0;
	x->index = 0;
	x->pending = 0;
	memset(&x->last, 0, sizeof(x->last));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tv_wire_enc enc;
	struct run *x = &run;
	struct input in = {data, data + size};
	struct tv_wire_begin info;
	struct tv_record r;
	size_t records = 0;

	memset(x, 0, sizeof(*x));
	tv_wire_dec_init(&x->dec, &ops, x);
	tv_wire_enc_init(&enc, emit, x);
	memset(&info, 0, sizeof(info));
	memset(&r, 0, sizeof(r));
	info.timebase_hz = 10000000;
	info.nharts = 1;
	tv_wire_begin(&enc, &info);
	model_begin(x);
	/* An operation adds at most 2 records to want[], the final end 1. */
	while (in.p < in.end && records < MAX_RECS &&
	       x->nwant + 3 < sizeof(x->want) / sizeof(x->want[0])) {
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
			records++;
			if (r.kind == TV_KIND_NONE || r.kind >= TV_KIND_COUNT) {
				x->dropped++;
			} else {
				expect_pending_lost(x, &r);
				expect(x, &r, 0);
				x->last = r;
			}
			tv_wire_record(&enc, &r);
			break;
		case 3: {
			uint64_t n = next_u8(&in) & 1 ? next_u8(&in)
						       : next_u64(&in, 0);

			tv_wire_lost(&enc, n);
			x->pending += n;
			break;
		}
		case 4: {
			uint16_t h = (uint16_t)next_u64(&in, x->hart);
			uint64_t first = next_u64(&in, x->index);

			model_hart_begin(x, h, first);
			tv_wire_hart_begin(&enc, h, first);
			break;
		}
		case 5: {
			uint64_t offered = next_u64(&in, 0);
			uint64_t consumed = next_u64(&in, 0);

			expect_pending_lost(x, &x->last);
			tv_wire_hart_end(&enc, offered, consumed,
					 next_u64(&in, 0));
			break;
		}
		case 6:
			tv_wire_flush(&enc);
			break;
		case 7: /* end this dump, begin the next */
			expect_pending_lost(x, &x->last);
			tv_wire_end(&enc);
			info.dump_id++;
			tv_wire_begin(&enc, &info);
			model_begin(x);
			break;
		}
	}
	expect_pending_lost(x, &x->last);
	tv_wire_end(&enc);
	tv_wire_dec_finish(&x->dec, x->line_no + 1, x->offset);
	CHECK(x->ngot == x->nwant);
	CHECK(enc.dropped == x->dropped);
	CHECK(x->dumps_begun == x->dumps_ended);
	return 0;
}
