/*
 * Unit tests for lib/trace_wire.c (dump wire format, encoder, decoder,
 * text form) and lib/riscv_names.c (name tables).
 *
 * Expected values come from outside the code under test: the CRC-32 check
 * value and the base64 vectors are the published ones (CRC catalogue
 * "CRC-32/ISO-HDLC" check 0xCBF43926; RFC 4648 section 10); hand-built
 * frames are assembled byte by byte here from the format description in
 * trace_wire.h; expected text lines are written out in full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "riscv_names.h"
#include "trace_wire.h"
#include "tracevisor/csr.h"
#include "tracevisor/sbi_ids.h"

#include "../tools/synth_stream.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ helpers */

/* The lines an encoder emitted. */
struct log {
	char **line;
	size_t *len;
	size_t n, cap;
};

static void log_emit(void *ctx, const char *line, size_t len)
{
	struct log *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->line = realloc(l->line, l->cap * sizeof(*l->line));
		l->len = realloc(l->len, l->cap * sizeof(*l->len));
		assert_non_null(l->line);
		assert_non_null(l->len);
	}
	l->line[l->n] = malloc(len + 1);
	assert_non_null(l->line[l->n]);
	memcpy(l->line[l->n], line, len);
	l->line[l->n][len] = '\0';
	l->len[l->n] = len;
	l->n++;
}

/* Append a line given as a string. */
static void log_add(struct log *l, const char *s)
{
	log_emit(l, s, strlen(s));
}

static void log_free(struct log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

/* Remove line i. */
static void log_drop(struct log *l, size_t i)
{
	free(l->line[i]);
	memmove(&l->line[i], &l->line[i + 1], (l->n - i - 1) * sizeof(char *));
	memmove(&l->len[i], &l->len[i + 1], (l->n - i - 1) * sizeof(size_t));
	l->n--;
}

#define MAX_EV 256

/* Everything a decoder reported. */
struct got {
	struct tv_record *rec;
	uint16_t *hart;
	uint64_t *index;
	size_t nrec, cap;
	int nbegin, nbegin_null;
	struct tv_wire_begin begin;
	struct tv_wire_hart_totals totals[MAX_EV];
	int ntotals;
	struct tv_wire_end_info end[MAX_EV];
	int nend;
	struct tv_wire_gap gap[MAX_EV];
	int ngap;
	struct {
		uint64_t line, off;
		char msg[200];
	} err[MAX_EV];
	int nerr;
	struct {
		uint64_t line, off;
		char why[200];
	} rej[MAX_EV];
	int nrej;
};

static void got_begin(void *ctx, const struct tv_wire_begin *b)
{
	struct got *g = ctx;

	if (b)
		g->begin = *b;
	else
		g->nbegin_null++;
	g->nbegin++;
}

static void got_record(void *ctx, const struct tv_record *r, uint16_t hart,
		       uint64_t index)
{
	struct got *g = ctx;

	if (g->nrec == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 256;
		g->rec = realloc(g->rec, g->cap * sizeof(*g->rec));
		g->hart = realloc(g->hart, g->cap * sizeof(*g->hart));
		g->index = realloc(g->index, g->cap * sizeof(*g->index));
		assert_non_null(g->rec);
		assert_non_null(g->hart);
		assert_non_null(g->index);
	}
	g->rec[g->nrec] = *r;
	g->hart[g->nrec] = hart;
	g->index[g->nrec] = index;
	g->nrec++;
}

static void got_totals(void *ctx, const struct tv_wire_hart_totals *t)
{
	struct got *g = ctx;

	assert_true(g->ntotals < MAX_EV);
	g->totals[g->ntotals++] = *t;
}

static void got_end(void *ctx, const struct tv_wire_end_info *e)
{
	struct got *g = ctx;

	assert_true(g->nend < MAX_EV);
	g->end[g->nend++] = *e;
}

static void got_gap(void *ctx, const struct tv_wire_gap *gap)
{
	struct got *g = ctx;

	assert_true(g->ngap < MAX_EV);
	g->gap[g->ngap++] = *gap;
}

static void got_error(void *ctx, uint64_t line, uint64_t off, const char *msg)
{
	struct got *g = ctx;

	if (g->nerr < MAX_EV) {
		g->err[g->nerr].line = line;
		g->err[g->nerr].off = off;
		snprintf(g->err[g->nerr].msg, sizeof(g->err[0].msg), "%s", msg);
	}
	g->nerr++;
}

static void got_rejected(void *ctx, uint64_t line, uint64_t off,
			 const char *why)
{
	struct got *g = ctx;

	if (g->nrej < MAX_EV) {
		g->rej[g->nrej].line = line;
		g->rej[g->nrej].off = off;
		snprintf(g->rej[g->nrej].why, sizeof(g->rej[0].why), "%s", why);
	}
	g->nrej++;
}

/* got_record() of each record of a frame handed over at once. */
static void got_records(void *ctx, const struct tv_record *r, size_t n,
			uint16_t hart, uint64_t first)
{
	for (size_t i = 0; i < n; i++)
		got_record(ctx, &r[i], hart, first + i);
}

/* got_record() of each event handed over in a batch. */
static void got_events(void *ctx, const struct tv_record *ev, const uint64_t *index,
		       size_t n, uint16_t hart)
{
	assert_true(n >= 1 && n <= TV_WIRE_EVENT_BATCH);
	for (size_t i = 0; i < n; i++)
		got_record(ctx, &ev[i], hart, index[i]);
}

static const struct tv_wire_dec_ops got_ops_batch = {
	.begin = got_begin,
	.record = got_record,
	.records = got_records,
	.events = got_events,
	.hart_totals = got_totals,
	.end = got_end,
	.gap = got_gap,
	.error = got_error,
	.rejected = got_rejected,
};

static const struct tv_wire_dec_ops got_ops = {
	.begin = got_begin,
	.record = got_record,
	.hart_totals = got_totals,
	.end = got_end,
	.gap = got_gap,
	.error = got_error,
	.rejected = got_rejected,
};

static struct got *got_new(void)
{
	struct got *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	return g;
}

static void got_free(struct got *g)
{
	free(g->rec);
	free(g->hart);
	free(g->index);
	free(g);
}

/* Decode all lines of a log (line numbers from 1, offsets cumulative)
 * and finish; returns what the decoder reported. */
/* Decode a log through ops; portable: without the decoder's CPU-specific
 * fast paths (base64 sixteen characters a step, CRC by carry-less
 * multiplication), as on a CPU without them. */
static struct got *decode_log_with(const struct log *l,
				   const struct tv_wire_dec_ops *ops,
				   int portable)
{
	struct got *g = got_new();
	struct tv_wire_dec d;
	uint64_t off = 0;

	tv_wire_dec_init(&d, ops, g);
	if (portable) {
		d.b64_blocks = 0;
		d.clmul = 0;
	}
	for (size_t i = 0; i < l->n; i++) {
		tv_wire_dec_line(&d, l->line[i], l->len[i], i + 1, off);
		off += l->len[i];
	}
	tv_wire_dec_finish(&d, l->n + 1, off);
	return g;
}

static struct got *decode_log(const struct log *l)
{
	return decode_log_with(l, &got_ops, 0);
}

/* Does any error message contain text? */
static int has_error(const struct got *g, const char *text)
{
	for (int i = 0; i < g->nerr && i < MAX_EV; i++)
		if (strstr(g->err[i].msg, text))
			return 1;
	return 0;
}

static void assert_record_eq(const struct tv_record *a,
			     const struct tv_record *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->vm, b->vm);
	assert_int_equal(a->vcpu, b->vcpu);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->hart, b->hart);
	assert_int_equal(a->reserved, b->reserved);
	assert_true(a->time == b->time);
	assert_true(a->cycle == b->cycle);
	for (int i = 0; i < TV_NARGS; i++)
		assert_true(a->arg[i] == b->arg[i]);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*, deterministic across runs. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* A 64-bit value from a mix of distributions: extremes, small, small
 * negative deltas from prev, random. */
static uint64_t rnd_value(uint64_t prev)
{
	static const uint64_t extremes[] = {
		0, 1, UINT64_MAX, UINT64_MAX - 1, 0x8000000000000000ULL,
		0x7fffffffffffffffULL, 0x80000000ULL, 0xffffffffULL,
	};

	switch (rnd() % 6) {
	case 0:
		return extremes[rnd() % ARRAY_SIZE(extremes)];
	case 1:
		return rnd() % 200;
	case 2:
		return prev - rnd() % 1000;
	case 3:
		return prev + rnd() % 100000;
	case 4:
		return prev;
	default:
		return rnd() >> (rnd() % 64);
	}
}

/* A random record of a valid kind; unused arguments stay zero. */
static void rnd_record(struct tv_record *r, const struct tv_record *prev)
{
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)(1 + rnd() % (TV_KIND_COUNT - 1));
	r->time = rnd_value(prev->time);
	r->cycle = rnd_value(prev->cycle);
	r->vm = rnd() % 4 ? prev->vm : (uint8_t)rnd();
	r->vcpu = rnd() % 4 ? prev->vcpu : (uint8_t)rnd();
	r->hart = rnd() % 8 ? prev->hart : (uint16_t)rnd();
	r->flags = rnd() % 3 ? 0 : (uint8_t)rnd();
	for (unsigned i = 0; i < tv_kind_nargs(r->kind); i++)
		r->arg[i] = rnd_value(prev->arg[i]);
}

/* A record with given kind/time and arguments zero. */
static struct tv_record mkrec(unsigned kind, uint64_t time)
{
	struct tv_record r;

	memset(&r, 0, sizeof(r));
	r.kind = (uint8_t)kind;
	r.time = time;
	r.cycle = time * 10;
	return r;
}

static const struct tv_wire_begin begin_info = {
	.format_version = TV_FORMAT_VERSION,
	.timebase_hz = 10000000,
	.nharts = 2,
	.dump_reason = TV_DUMP_REQUEST,
	.ring_slots = 1024,
	.ring_mode = TV_WIRE_RING_OVERWRITE,
	.dump_id = 0x1122334455667788ULL,
};

/* The same for a dump of one hart (the frame order: as many HART frames
 * as BEGIN says). */
static const struct tv_wire_begin begin_info1 = {
	.format_version = TV_FORMAT_VERSION,
	.timebase_hz = 10000000,
	.nharts = 1,
	.dump_reason = TV_DUMP_REQUEST,
	.ring_slots = 1024,
	.ring_mode = TV_WIRE_RING_OVERWRITE,
	.dump_id = 0x1122334455667788ULL,
};

/* Decode the binary frame of a line ("~TV1:...\n") into out. */
static long line_frame(const char *line, size_t len, uint8_t *out)
{
	assert_true(len > TV_WIRE_PREFIX_LEN + 1);
	assert_memory_equal(line, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
	assert_int_equal(line[len - 1], '\n');
	return tv_base64_decode(line + TV_WIRE_PREFIX_LEN,
				len - TV_WIRE_PREFIX_LEN - 1, out,
				TV_WIRE_MAX_FRAME);
}

/* Build a line from a frame body (header + payload, no CRC): appends a
 * CRC computed here, or the given wrong one when bad_crc. */
static void frame_line(struct log *l, const uint8_t *body, size_t len,
		       int bad_crc)
{
	uint8_t f[2048];
	char text[4096];
	uint32_t crc = tv_crc32(body, len) ^ (bad_crc ? 1u : 0u);
	size_t n;

	memcpy(f, body, len);
	f[len + 0] = (uint8_t)crc;
	f[len + 1] = (uint8_t)(crc >> 8);
	f[len + 2] = (uint8_t)(crc >> 16);
	f[len + 3] = (uint8_t)(crc >> 24);
	memcpy(text, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
	n = TV_WIRE_PREFIX_LEN +
	    tv_base64_encode(f, len + 4, text + TV_WIRE_PREFIX_LEN);
	text[n++] = '\n';
	log_emit(l, text, n);
}

/* Write a little-endian value into p. */
static void le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Frame header bytes. */
static size_t hdr(uint8_t *p, unsigned type, unsigned hart, uint32_t seq)
{
	p[0] = (uint8_t)type;
	p[1] = 0;
	le(p + 2, hart, 2);
	le(p + 4, seq, 4);
	return 8;
}

/* A hand-built BEGIN frame body (44 bytes with CRC). */
static size_t begin_body(uint8_t *p, uint32_t seq)
{
	size_t n = hdr(p, TV_WIRE_BEGIN, 0, seq);

	memset(p + n, 0, 32);
	le(p + n, TV_FORMAT_VERSION, 4);
	le(p + n + 4, 10000000, 8);
	le(p + n + 12, 1, 2);
	le(p + n + 14, 2, 2);
	le(p + n + 16, 64, 4);
	le(p + n + 24, 7, 8);
	return n + 32;
}

/* ------------------------------------------------------- building blocks */

static void test_crc32_check_value(void **state)
{
	(void)state;
	/* The catalogue check value of CRC-32/ISO-HDLC over "123456789". */
	assert_int_equal(tv_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(tv_crc32("", 0), 0);
	assert_int_equal(tv_crc32("a", 1), 0xe8b7be43u);
}

/* The byte-at-a-time table agrees with the bitwise definition (shift
 * each bit through 0xEDB88320) for every byte value and for buffers of
 * every length up to 64 bytes. */
static void test_crc32_table_matches_bitwise(void **state)
{
	uint8_t buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (unsigned b = 0; b < 256; b++) {
		uint8_t one = (uint8_t)b;
		uint32_t crc = 0xffffffffu ^ b;

		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
		assert_int_equal(tv_crc32(&one, 1), crc ^ 0xffffffffu);
	}
	for (size_t len = 0; len <= sizeof(buf); len++) {
		uint32_t crc = 0xffffffffu;

		for (size_t i = 0; i < len; i++) {
			crc ^= buf[i];
			for (int k = 0; k < 8; k++)
				crc = (crc >> 1) ^
				      (0xedb88320u & (0u - (crc & 1)));
		}
		assert_int_equal(tv_crc32(buf, len), crc ^ 0xffffffffu);
	}
}

/* The decoder checks a frame's CRC 16 bytes at a time, or (on an x86
 * CPU with PCLMULQDQ, as the machines the tests run on) 64 bytes at a time
 * by carry-less multiplication from 64 bytes on: for frames of every
 * length from the smallest to the largest (every remainder mod 16 and 64,
 * both ways), the right CRC passes the check (the frame then fails for
 * its unknown type) and any one flipped bit of the frame or of its CRC
 * fails it. */
static void test_crc_check_every_frame_length(void **state)
{
	(void)state;
	for (size_t len = 8; len <= TV_WIRE_MAX_FRAME - 4; len++) {
		uint8_t body[TV_WIRE_MAX_FRAME];
		struct log l = {0};
		struct got *g;
		size_t bit = rnd() % ((len + 4) * 8);

		for (size_t i = 0; i < len; i++)
			body[i] = (uint8_t)rnd();
		body[0] = 9; /* no such frame type */
		body[1] = 0;
		frame_line(&l, body, len, 0);
		g = decode_log(&l);
		assert_int_equal(g->nerr, 1);
		assert_true(has_error(g, "unknown frame type"));
		got_free(g);
		/* Flip one bit of the binary frame, CRC included. */
		{
			uint8_t f[TV_WIRE_MAX_FRAME];
			char text[TV_WIRE_MAX_LINE];
			long n = line_frame(l.line[0], l.len[0], f);
			size_t t;

			assert_int_equal(n, (long)len + 4);
			f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			memcpy(text, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
			t = TV_WIRE_PREFIX_LEN +
			    tv_base64_encode(f, (size_t)n,
					     text + TV_WIRE_PREFIX_LEN);
			text[t++] = '\n';
			log_free(&l);
			log_emit(&l, text, t);
		}
		g = decode_log(&l);
		assert_int_equal(g->nerr, 1);
		assert_true(has_error(g, "CRC mismatch"));
		got_free(g);
		log_free(&l);
	}
}

/* Every byte value in every place of a group: accepted exactly when it is
 * in the alphabet (or '=' where padding may be), with its value. */
static void test_base64_every_character(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";

	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		const char *at = c ? memchr(alphabet, (int)c, 64) : NULL;

		for (int place = 0; place < 4; place++) {
			char text[8] = "AAAAAAAA";
			uint8_t out[6];
			long n;

			text[4 + place] = (char)c;
			n = tv_base64_decode(text, 8, out, sizeof(out));
			if (at) {
				uint32_t v = (uint32_t)(at - alphabet)
					     << (6 * (3 - place));

				assert_int_equal(n, 6);
				assert_int_equal(out[3] << 16 | out[4] << 8 |
							 out[5],
						 v);
			} else if (c == '=' && place == 3) {
				/* "AAA=" is canonical: two zero bytes. */
				assert_int_equal(n, 5);
			} else {
				assert_int_equal(n, -1);
			}
		}
	}
}

static void test_base64_rfc4648_vectors(void **state)
{
	/* RFC 4648 section 10 test vectors. */
	static const char *const plain[] = {"",	    "f",     "fo",    "foo",
					    "foob", "fooba", "foobar"};
	static const char *const coded[] = {"",		"Zg==",	    "Zm8=",
					    "Zm9v",	"Zm9vYg==", "Zm9vYmE=",
					    "Zm9vYmFy"};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		char out[16];
		uint8_t back[16];
		size_t n = tv_base64_encode((const uint8_t *)plain[i],
					    strlen(plain[i]), out);

		assert_int_equal(n, strlen(coded[i]));
		assert_memory_equal(out, coded[i], n);
		assert_int_equal(tv_base64_decode(coded[i], n, back,
						  sizeof(back)),
				 strlen(plain[i]));
		assert_memory_equal(back, plain[i], strlen(plain[i]));
	}
}

static void test_base64_rejects_malformed(void **state)
{
	static const char *const bad[] = {
		"Zg=",	    /* not a multiple of 4 */
		"Z===",	    /* three pad characters */
		"====",	    /* only padding */
		"Zg==Zm8=", /* padding before the end */
		"Z=g=",	    /* padding in the middle of a group */
		"Zh==",	    /* nonzero bits under the padding */
		"Zm9=",	    /* nonzero bits under the padding */
		"Zm9v!A==", /* character outside the alphabet */
		"Zm\n9v",   /* line break inside */
	};
	uint8_t out[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(tv_base64_decode(bad[i], strlen(bad[i]), out,
						  sizeof(out)),
				 -1);
	/* Does not write past the capacity. */
	assert_int_equal(tv_base64_decode("Zm9vYmFy", 8, out, 5), -1);
	assert_int_equal(tv_base64_decode("Zm9vYmFy", 8, out, 6), 6);
	/* All 64 alphabet characters decode and re-encode identically. */
	{
		const char *all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
				  "stuvwxyz0123456789+/";
		uint8_t bin[48];
		char again[64];

		assert_int_equal(tv_base64_decode(all, 64, bin, sizeof(bin)),
				 48);
		assert_int_equal(tv_base64_encode(bin, 48, again), 64);
		assert_memory_equal(again, all, 64);
	}
}

/* ------------------------------------------------------------ encoder */

/* Encode a BEGIN / hart / END dump of the given records on one hart. */
static void encode_dump(struct log *l, const struct tv_record *recs, size_t n,
			uint16_t hart, uint64_t first_index)
{
	static struct tv_wire_enc e;

	tv_wire_enc_init(&e, log_emit, l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, hart, first_index);
	for (size_t i = 0; i < n; i++)
		tv_wire_record(&e, &recs[i]);
	tv_wire_hart_end(&e, n + 5, n, 5);
	tv_wire_end(&e);
}

static void test_begin_hart_end_frames_exact_bytes(void **state)
{
	struct log l = {0};
	uint8_t f[TV_WIRE_MAX_FRAME], want[64];
	size_t n;

	(void)state;
	encode_dump(&l, NULL, 0, 3, 0);
	assert_int_equal(l.n, 3); /* BEGIN, HART, END */

	/* BEGIN, byte by byte from the format description. */
	n = hdr(want, TV_WIRE_BEGIN, 0, 0);
	memset(want + n, 0, 32);
	le(want + n, TV_FORMAT_VERSION, 4);
	le(want + n + 4, 10000000, 8);
	le(want + n + 12, 1, 2);
	le(want + n + 14, TV_DUMP_REQUEST, 2);
	le(want + n + 16, 1024, 4);
	want[n + 20] = TV_WIRE_RING_OVERWRITE;
	le(want + n + 24, 0x1122334455667788ULL, 8);
	n += 32;
	le(want + n, tv_crc32(want, n), 4);
	assert_int_equal(line_frame(l.line[0], l.len[0], f), 44);
	assert_memory_equal(f, want, 44);

	/* HART: offered 5, consumed 0, lost 5, frame_seq 1, hart 3. */
	n = hdr(want, TV_WIRE_HART, 3, 1);
	le(want + n, 5, 8);
	le(want + n + 8, 0, 8);
	le(want + n + 16, 5, 8);
	n += 24;
	le(want + n, tv_crc32(want, n), 4);
	assert_int_equal(line_frame(l.line[1], l.len[1], f), 36);
	assert_memory_equal(f, want, 36);

	/* END: frames_in_dump 3, frame_seq 2. */
	n = hdr(want, TV_WIRE_END, 0, 2);
	le(want + n, 3, 4);
	n += 4;
	le(want + n, tv_crc32(want, n), 4);
	assert_int_equal(line_frame(l.line[2], l.len[2], f), 16);
	assert_memory_equal(f, want, 16);

	/* And the whole line is prefix + base64 + '\n'. */
	{
		char text[64];
		size_t t = tv_base64_encode(want, 16, text);

		assert_int_equal(l.len[2], TV_WIRE_PREFIX_LEN + t + 1);
		assert_memory_equal(l.line[2] + TV_WIRE_PREFIX_LEN, text, t);
	}
	log_free(&l);
}

static void test_records_frame_exact_bytes(void **state)
{
	struct log l = {0};
	struct tv_record r[3];
	uint8_t f[TV_WIRE_MAX_FRAME];
	/* Expected RECORDS frame, from the encoding rules:
	 * exit at t=100 cycle 1000 on hart 1 vm 0 vcpu 0: head 0x81 (EXIT,
	 * flags), flags 1, time zz(100)=200 -> c8 01, cycle zz(1000)=2000 ->
	 * d0 0f, scause rotl1(21)=42 -> 2a, sepc zz(0x80)=0x100 -> 80 02,
	 * stval zz(0)=0, htval zz(4)=8, htinst 0, insn zz(0x23)=0x46;
	 * entry at t=103 cycle 1030: head 0x02, time zz(3)=6, cycle
	 * zz(30)=60 -> 3c, pc zz(0x84-0x80)=8, hvip 0;
	 * exit with the same scause, vm 1: head 0xc1 (ids, flags), vm 1
	 * vcpu 0 hart 1, flags 1, time zz(-3)=5, cycle zz(-30)=59 -> 3b,
	 * scause 2a, sepc zz(0)=0, stval 0, htval 0, htinst 0, insn 0. */
	static const uint8_t recs[] = {
		0x81, 0x01, 0xc8, 0x01, 0xd0, 0x0f, 0x2a, 0x80, 0x02, 0x00,
		0x08, 0x00, 0x46, 0x02, 0x06, 0x3c, 0x08, 0x00, 0xc1, 0x01,
		0x00, 0x01, 0x01, 0x05, 0x3b, 0x2a, 0x00, 0x00, 0x00, 0x00,
		0x00,
	};
	uint8_t want[128];
	size_t n;

	(void)state;
	r[0] = mkrec(TV_KIND_EXIT, 100);
	r[0].hart = 1;
	r[0].flags = TV_F_INSN;
	r[0].arg[0] = 0x80;
	r[0].arg[1] = EXC_LOAD_GUEST_PAGE_FAULT;
	r[0].arg[3] = 4;
	r[0].arg[5] = 0x23;
	r[1] = mkrec(TV_KIND_ENTRY, 103);
	r[1].hart = 1;
	r[1].arg[0] = 0x84;
	r[2] = r[0];
	r[2].vm = 1;
	encode_dump(&l, r, 3, 1, 40);
	assert_int_equal(l.n, 4);
	n = hdr(want, TV_WIRE_RECORDS, 1, 1);
	le(want + n, 40, 8);
	le(want + n + 8, 3, 2);
	n += 10;
	memcpy(want + n, recs, sizeof(recs));
	n += sizeof(recs);
	le(want + n, tv_crc32(want, n), 4);
	n += 4;
	assert_int_equal(line_frame(l.line[1], l.len[1], f), n);
	assert_memory_equal(f, want, n);
	log_free(&l);
}

/* Round trip of a record stream: what comes out equals what went in,
 * with the right harts and indices; every line well-formed. */
static void roundtrip(const struct tv_record *recs, size_t n, int nharts)
{
	struct log l = {0};
	static struct tv_wire_enc e;
	struct got *g;
	size_t per = (n + (size_t)nharts - 1) / (size_t)nharts, k = 0;
	struct tv_wire_begin b = begin_info;

	b.nharts = (uint16_t)nharts;
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &b);
	for (int h = 0; h < nharts; h++) {
		tv_wire_hart_begin(&e, (uint16_t)(h * 7), 1000ull * (unsigned)h);
		for (size_t i = 0; i < per && k < n; i++)
			tv_wire_record(&e, &recs[k++]);
		tv_wire_hart_end(&e, 1, 2, 3);
	}
	tv_wire_end(&e);
	for (size_t i = 0; i < l.n; i++) {
		uint8_t f[TV_WIRE_MAX_FRAME];

		assert_true(l.len[i] <= TV_WIRE_MAX_LINE);
		assert_true(line_frame(l.line[i], l.len[i], f) > 0);
		assert_null(memchr(l.line[i], '\n', l.len[i] - 1));
	}
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, n);
	assert_int_equal(g->ntotals, nharts);
	assert_int_equal(g->nend, 1);
	assert_true(g->end[0].complete);
	assert_int_equal(g->end[0].frames_in_dump, l.n);
	assert_int_equal(g->end[0].frames_received, l.n);
	k = 0;
	for (int h = 0; h < nharts; h++)
		for (size_t i = 0; i < per && k < n; i++, k++) {
			assert_record_eq(&g->rec[k], &recs[k]);
			assert_int_equal(g->hart[k], h * 7);
			assert_true(g->index[k] == 1000ull * (unsigned)h + i);
		}
	got_free(g);
	log_free(&l);
}

static void test_roundtrip_random_streams(void **state)
{
	static struct tv_record recs[20000];

	(void)state;
	for (int round = 0; round < 20; round++) {
		size_t n = 1 + rnd() % ARRAY_SIZE(recs);
		struct tv_record prev;

		memset(&prev, 0, sizeof(prev));
		for (size_t i = 0; i < n; i++) {
			rnd_record(&recs[i], &prev);
			prev = recs[i];
		}
		roundtrip(recs, n, 1 + (int)(rnd() % 4));
	}
}

/* The decoder's fast paths (CPU-specific, a frame's records in one
 * call) and its portable ones agree: on a log of random records, as it
 * is and with one character of a frame replaced by any byte at any place
 * (the frame's first sixteen characters, its last, one in between), the
 * same records at the same harts and indices and the same errors, in the
 * same order. */
static void test_fast_paths_match_portable(void **state)
{
	static struct tv_record recs[600];
	struct tv_record prev;
	struct log l = {0};
	struct got *a, *b;

	(void)state;
	memset(&prev, 0, sizeof(prev));
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		rnd_record(&recs[i], &prev);
		prev = recs[i];
	}
	encode_dump(&l, recs, ARRAY_SIZE(recs), 1, 0);
	assert_true(l.n > 4);
	for (unsigned round = 0; round < 1000; round++) {
		size_t li = round ? 1 + rnd() % (l.n - 1) : 0;
		char *line = l.line[li];
		size_t text = l.len[li] - 1 - TV_WIRE_PREFIX_LEN; /* no '\n' */
		size_t at = round % 3 == 0   ? rnd() % 16
			    : round % 3 == 1 ? text - 1 - rnd() % 16
					     : rnd() % text;
		char was = line[TV_WIRE_PREFIX_LEN + at];

		if (round)
			line[TV_WIRE_PREFIX_LEN + at] = (char)(rnd() % 256);
		a = decode_log_with(&l, &got_ops_batch, 0);
		b = decode_log_with(&l, &got_ops, 1);
		line[TV_WIRE_PREFIX_LEN + at] = was;
		assert_int_equal(a->nrec, b->nrec);
		for (size_t i = 0; i < a->nrec; i++) {
			assert_record_eq(&a->rec[i], &b->rec[i]);
			assert_int_equal(a->hart[i], b->hart[i]);
			assert_int_equal(a->index[i], b->index[i]);
		}
		assert_int_equal(a->nerr, b->nerr);
		assert_int_equal(a->ngap, b->ngap);
		for (int i = 0; i < a->nerr && i < MAX_EV; i++)
			assert_string_equal(a->err[i].msg, b->err[i].msg);
		if (!round)
			assert_int_equal(a->nrec, ARRAY_SIZE(recs));
		got_free(a);
		got_free(b);
	}
	log_free(&l);
}

static void test_roundtrip_extreme_values(void **state)
{
	static const uint64_t v[] = {0, UINT64_MAX, 0, 1, UINT64_MAX,
				     0x8000000000000000ULL,
				     0x7fffffffffffffffULL, 0};
	struct tv_record recs[ARRAY_SIZE(v) * (TV_KIND_COUNT - 1)];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		for (unsigned kind = 1; kind < TV_KIND_COUNT; kind++) {
			struct tv_record *r = &recs[n++];

			memset(r, 0, sizeof(*r));
			r->kind = (uint8_t)kind;
			r->time = v[i];
			r->cycle = ~v[i];
			r->vm = (uint8_t)v[i];
			r->vcpu = (uint8_t)~v[i];
			r->hart = (uint16_t)v[i];
			r->flags = (uint8_t)v[i];
			for (unsigned a = 0; a < tv_kind_nargs(kind); a++)
				r->arg[a] = a & 1 ? ~v[i] : v[i];
		}
	roundtrip(recs, n, 1);
	/* The largest possible record is within TV_WIRE_MAX_RECORD. */
	{
		struct tv_wire_state st;
		struct tv_record r;
		uint8_t out[TV_WIRE_MAX_RECORD];

		tv_wire_state_reset(&st, 0);
		memset(&r, 0xff, sizeof(r));
		r.kind = TV_KIND_EXIT;
		r.arg[1] = 0x7fffffffffffffffULL; /* rotl1 -> 10 bytes */
		r.time = r.cycle = 0x8000000000000000ULL;
		for (int a = 0; a < TV_NARGS; a++)
			if (a != 1)
				r.arg[a] = 0x8000000000000000ULL;
		assert_int_equal(tv_wire_encode_record(&st, &r, out),
				 TV_WIRE_MAX_RECORD);
	}
}

/* Exits of several causes interleaved: the per-cause bases and the
 * eviction of the least recently seen cause round-trip. */
static void test_roundtrip_many_exit_causes(void **state)
{
	static struct tv_record recs[4000];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		uint64_t cause = rnd() % 13;

		recs[i] = mkrec(i % 2 ? TV_KIND_ENTRY : TV_KIND_EXIT, i * 3);
		if (recs[i].kind == TV_KIND_EXIT) {
			recs[i].arg[1] = cause | (rnd() % 2 ? CAUSE_INTERRUPT
							    : 0);
			recs[i].arg[0] = 0x80000000 + cause * 0x100;
			recs[i].arg[2] = cause * 8;
			recs[i].arg[3] = rnd();
		} else {
			recs[i].arg[0] = recs[i - 1].arg[0] + 4;
		}
	}
	roundtrip(recs, ARRAY_SIZE(recs), 2);
}

/* Every frame size boundary: MARK records whose sizes are controlled
 * exactly fill a frame to 766..770 bytes. */
static void test_frame_size_boundaries(void **state)
{
	/* Records payload room: 768 - 8 header - 10 - 4 CRC = 746 bytes.
	 * A MARK record at the same time/cycle as the previous one costs
	 * head + 1 + 1 + size of zigzag(delta). */
	(void)state;
	for (int extra = -3; extra <= 3; extra++) {
		struct tv_record recs[200];
		size_t n = 0, bytes = 0;
		int target = 746 + extra;
		uint64_t val = 0;
		struct log l = {0};
		struct got *g;

		/* 70 records of 10 bytes (7-byte delta), then fill up with
		 * 4-byte records (1-byte delta) and one adjusting record. */
		while (bytes + 10 <= 700) {
			recs[n] = mkrec(TV_KIND_MARK, 0);
			val += 1ULL << 41; /* zigzag 2^42: 7 bytes */
			recs[n++].arg[0] = val;
			bytes += 10;
		}
		while ((int)bytes + 4 <= target - 5) {
			recs[n] = mkrec(TV_KIND_MARK, 0);
			recs[n++].arg[0] = val; /* delta 0: 1 byte */
			bytes += 4;
		}
		/* Close the gap with a record of target - bytes bytes
		 * (5..8 bytes: a delta of 2..5 bytes). */
		{
			int left = target - (int)bytes;
			int dbytes = left - 3;

			/* zigzag(2^(7(k-1)-1)) = 2^(7(k-1)): k bytes */
			recs[n] = mkrec(TV_KIND_MARK, 0);
			val += 1ULL << (7 * (dbytes - 1) - 1);
			recs[n++].arg[0] = val;
		}
		encode_dump(&l, recs, n, 0, 0);
		{
			uint8_t f[TV_WIRE_MAX_FRAME];
			long len = line_frame(l.line[1], l.len[1], f);

			if (target <= 746) {
				/* One RECORDS frame of exactly 22 + target
				 * bytes, the largest being 768. */
				assert_int_equal(l.n, 4);
				assert_int_equal(len, 22 + target);
			} else {
				/* The last record moved to a second frame. */
				assert_int_equal(l.n, 5);
				assert_true(len <= TV_WIRE_MAX_FRAME);
				assert_int_equal(f[16] | f[17] << 8, n - 1);
			}
		}
		g = decode_log(&l);
		assert_int_equal(g->nerr, 0);
		assert_int_equal(g->nrec, n);
		for (size_t i = 0; i < n; i++) {
			assert_record_eq(&g->rec[i], &recs[i]);
			assert_true(g->index[i] == i);
		}
		got_free(g);
		log_free(&l);
	}
}

/* A hand-built frame of exactly 768 bytes decodes; 769 is refused. */
static void test_decoder_max_frame_size(void **state)
{
	uint8_t body[800];
	struct log l = {0};
	struct got *g;
	size_t n;

	(void)state;
	n = begin_body(body, 0);
	frame_line(&l, body, n, 0);
	for (int size = 768; size <= 769; size++) {
		/* RECORDS with MARK records of 4 bytes and a 5-byte one,
		 * as many as make the frame `size` bytes long. */
		size_t room = (size_t)size - 8 - 10 - 4, k = 0, count = 0;
		size_t fives = room % 4; /* room = 4a + 5b with b = room % 4 */

		n = hdr(body, TV_WIRE_RECORDS, 0, (uint32_t)(size - 767));
		le(body + n, 0, 8);
		while (k < room - 5 * fives) {
			memcpy(body + n + 10 + k, "\x07\x00\x00\x02", 4);
			k += 4;
			count++;
		}
		while (k < room) {
			memcpy(body + n + 10 + k, "\x07\x00\x00\x82\x01", 5);
			k += 5;
			count++;
		}
		assert_int_equal(k, room);
		le(body + n + 8, count, 2);
		frame_line(&l, body, n + 10 + k, 0);
	}
	g = decode_log(&l);
	assert_true(has_error(g, "longer than"));
	assert_int_equal(g->err[0].line, 3);
	assert_true(g->nrec > 180);
	assert_true(g->rec[0].arg[0] == 1);
	got_free(g);
	log_free(&l);
}

static void test_unencodable_kinds_dropped(void **state)
{
	struct tv_record r[3];
	struct log l = {0};
	static struct tv_wire_enc e;
	struct got *g;

	(void)state;
	r[0] = mkrec(TV_KIND_NONE, 1);
	r[1] = mkrec(TV_KIND_COUNT, 2);
	r[2] = mkrec(TV_KIND_MARK, 3);
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 0, 0);
	for (int i = 0; i < 3; i++)
		tv_wire_record(&e, &r[i]);
	tv_wire_hart_end(&e, 0, 0, 0);
	tv_wire_end(&e);
	assert_int_equal(e.dropped, 2);
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, 1);
	assert_int_equal(g->rec[0].kind, TV_KIND_MARK);
	got_free(g);
	log_free(&l);
}

/* tv_wire_lost(): the LOST record goes before the next record with its
 * time and ids, adds up, and at hart end takes the previous record's. */
static void test_lost_record_placement(void **state)
{
	struct log l = {0};
	static struct tv_wire_enc e;
	struct tv_record a = mkrec(TV_KIND_MARK, 50), b = mkrec(TV_KIND_MARK, 90);
	struct got *g;

	(void)state;
	a.vm = 2;
	b.vcpu = 3;
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info);
	tv_wire_hart_begin(&e, 1, 10);
	tv_wire_lost(&e, 4); /* before any record: takes a's time */
	tv_wire_record(&e, &a);
	tv_wire_lost(&e, 0); /* nothing */
	tv_wire_lost(&e, 2);
	tv_wire_lost(&e, 3); /* one record of 5, before b */
	tv_wire_record(&e, &b);
	tv_wire_lost(&e, 7); /* at the end: b's time */
	tv_wire_hart_end(&e, 100, 80, 16);
	tv_wire_hart_begin(&e, 2, 0);
	tv_wire_lost(&e, 9); /* a hart with nothing but a loss */
	tv_wire_hart_end(&e, 9, 0, 9);
	tv_wire_end(&e);
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, 6);
	assert_int_equal(g->rec[0].kind, TV_KIND_LOST);
	assert_true(g->rec[0].arg[0] == 4);
	assert_true(g->rec[0].time == 50);
	assert_int_equal(g->rec[0].vm, 2);
	assert_int_equal(g->rec[1].kind, TV_KIND_MARK);
	assert_int_equal(g->rec[2].kind, TV_KIND_LOST);
	assert_true(g->rec[2].arg[0] == 5);
	assert_true(g->rec[2].time == 90);
	assert_int_equal(g->rec[2].vcpu, 3);
	assert_int_equal(g->rec[4].kind, TV_KIND_LOST);
	assert_true(g->rec[4].arg[0] == 7);
	assert_true(g->rec[4].time == 90);
	for (int i = 0; i < 5; i++)
		assert_true(g->index[i] == 10u + (unsigned)i);
	assert_int_equal(g->rec[5].kind, TV_KIND_LOST);
	assert_true(g->rec[5].arg[0] == 9);
	assert_int_equal(g->rec[5].hart, 2);
	assert_int_equal(g->hart[5], 2);
	assert_int_equal(g->ntotals, 2);
	assert_true(g->totals[0].offered == 100);
	assert_true(g->totals[0].consumed == 80);
	assert_true(g->totals[0].lost == 16);
	assert_int_equal(g->totals[0].hart, 1);
	got_free(g);
	log_free(&l);
}

/* ------------------------------------------------------------ decoder */

/* A dump of n synthetic exit/entry records over two harts. */
static void synth_dump(struct log *l, int pairs, uint64_t dump_id)
{
	static struct tv_wire_enc e;
	struct tv_wire_begin b = begin_info;

	b.dump_id = dump_id;
	tv_wire_enc_init(&e, log_emit, l);
	tv_wire_begin(&e, &b);
	for (uint16_t h = 0; h < 2; h++) {
		struct synth s;

		synth_init(&s, 99 + h, h, 0, (uint8_t)h, 1);
		tv_wire_hart_begin(&e, h, 500);
		for (int i = 0; i < pairs; i++) {
			struct tv_record r[4];
			int n = synth_exit(&s, r);

			for (int k = 0; k < n; k++)
				tv_wire_record(&e, &r[k]);
		}
		tv_wire_hart_end(&e, 10, 10, 0);
	}
	tv_wire_end(&e);
}

/* Count the records in the RECORDS frame of a line. */
static unsigned frame_count(const struct log *l, size_t i)
{
	uint8_t f[TV_WIRE_MAX_FRAME];

	assert_true(line_frame(l->line[i], l->len[i], f) > 18);
	assert_int_equal(f[0], TV_WIRE_RECORDS);
	return f[16] | (unsigned)f[17] << 8;
}

static void test_crc_damage_detected(void **state)
{
	struct log l = {0};
	uint8_t f[TV_WIRE_MAX_FRAME];
	long len;

	(void)state;
	synth_dump(&l, 40, 1);
	len = line_frame(l.line[1], l.len[1], f);
	assert_true(len > 100);
	/* Every single-bit error anywhere in the frame (CRC included) is
	 * caught: the CRC detects all 1-bit errors. */
	for (long byte = 0; byte < len; byte++)
		for (int bit = 0; bit < 8; bit++) {
			struct log one = {0};
			struct got *g;

			f[byte] ^= (uint8_t)(1 << bit);
			{
				char text[TV_WIRE_MAX_LINE];
				size_t n = TV_WIRE_PREFIX_LEN;

				memcpy(text, TV_WIRE_PREFIX, n);
				n += tv_base64_encode(f, (size_t)len, text + n);
				log_emit(&one, text, n);
			}
			f[byte] ^= (uint8_t)(1 << bit);
			g = decode_log(&one);
			assert_int_equal(g->nrec, 0);
			assert_true(has_error(g, "CRC mismatch"));
			got_free(g);
			log_free(&one);
		}
	/* Any character of the text replaced by another alphabet character
	 * is caught as well. */
	for (size_t i = TV_WIRE_PREFIX_LEN; i + 1 < l.len[1]; i++) {
		struct log one = {0};
		struct got *g;

		log_add(&one, l.line[1]);
		one.line[0][i] = one.line[0][i] == 'A' ? 'B' : 'A';
		g = decode_log(&one);
		assert_int_equal(g->nrec, 0);
		assert_true(g->nerr >= 1);
		assert_int_equal(g->err[0].line, 1);
		assert_int_equal(g->err[0].off, 0);
		got_free(g);
		log_free(&one);
	}
	log_free(&l);
}

static void test_truncated_lines(void **state)
{
	struct log l = {0};

	(void)state;
	synth_dump(&l, 30, 1);
	/* Cut the first RECORDS frame at every length: never accepted, one
	 * error for it, nothing delivered from it. */
	for (size_t cut = 0; cut + 1 < l.len[1]; cut++) {
		struct log one = {0};
		struct got *g;

		log_emit(&one, l.line[1], cut);
		g = decode_log(&one);
		assert_int_equal(g->nrec, 0);
		if (cut < TV_WIRE_PREFIX_LEN) {
			assert_int_equal(g->nerr, 0); /* no prefix: no frame */
		} else {
			assert_int_equal(g->nerr, 1);
			assert_int_equal(g->err[0].line, 1);
		}
		got_free(g);
		log_free(&one);
	}
	log_free(&l);
}

static void test_interleaved_junk_and_positions(void **state)
{
	struct log clean = {0}, l = {0};
	struct got *ref, *g;
	char buf[4096];
	uint64_t want_off[2];

	(void)state;
	synth_dump(&clean, 50, 1);
	ref = decode_log(&clean);
	assert_int_equal(ref->nerr, 0);

	/* Line 1: junk; line 2: BEGIN ending "\r\n"; then the rest, a junk
	 * line between each two frames, some of it almost a prefix. */
	log_add(&l, "OpenSBI v1.2 ~TV1 not a frame ~TV2:AAAA\n");
	snprintf(buf, sizeof(buf), "%.*s\r\n", (int)(clean.len[0] - 1),
		 clean.line[0]);
	log_add(&l, buf);
	for (size_t i = 1; i < clean.n; i++) {
		log_add(&l, "random guest output: ~ ~T ~TV ~TV1\n");
		log_add(&l, clean.line[i]);
	}
	/* A damaged frame with known position: "~TV1:" then one char, with
	 * text after it. */
	log_add(&l, "~TV1:Q xyz\n");
	/* An empty frame. */
	log_add(&l, "~TV1:\n");
	g = decode_log(&l);
	assert_int_equal(g->nrec, ref->nrec);
	for (size_t i = 0; i < ref->nrec; i++)
		assert_record_eq(&g->rec[i], &ref->rec[i]);
	assert_int_equal(g->nend, 1);
	assert_true(g->end[0].complete);
	assert_int_equal(g->nerr, 2);
	assert_int_equal(g->nrej, 0);
	/* Positions: line number and byte offset of the "~TV1:". */
	want_off[0] = 0;
	for (size_t i = 0; i + 2 < l.n; i++)
		want_off[0] += l.len[i];
	want_off[1] = want_off[0] + l.len[l.n - 2];
	assert_int_equal(g->err[0].line, l.n - 1);
	assert_int_equal(g->err[0].off, want_off[0]);
	assert_true(has_error(g, "bad base64 length"));
	assert_int_equal(g->err[1].line, l.n);
	assert_int_equal(g->err[1].off, want_off[1]);
	assert_true(has_error(g, "empty frame"));
	got_free(g);
	got_free(ref);
	log_free(&clean);
	log_free(&l);
}

/* Offset of line i in a log (lines before it, all bytes counted). */
static uint64_t line_offset(const struct log *l, size_t i)
{
	uint64_t off = 0;

	for (size_t k = 0; k < i; k++)
		off += l->len[k];
	return off;
}

/*
 * Only a "~TV1:" at the very start of a line is a frame (trace_wire.h,
 * LINES): the hypervisor starts every frame on a line of its own and
 * escapes guest text that would begin a line with '~'. Anything else that
 * looks like a frame - escaped guest lines, frames after text, a second
 * frame on a line, a frame in a piece that does not start its line - is
 * rejected with its position and never decoded, even when it is a
 * well-formed frame.
 */
static void test_frames_only_at_line_start(void **state)
{
	static const char *const before[] = {
		"~",	   /* escaped by the hypervisor */
		"~~",	   /* a guest line that began "~~" */
		"\r~",	   /* escaped after a carriage return */
		"[guest] ", /* text in front */
		"\r",	   /* a carriage return in front */
	};
	struct log clean = {0};
	struct got *g;
	char buf[4096];

	(void)state;
	synth_dump(&clean, 20, 1);
	for (size_t k = 0; k < ARRAY_SIZE(before); k++) {
		struct log l = {0};

		for (size_t i = 0; i < clean.n; i++) {
			snprintf(buf, sizeof(buf), "%s%s", before[k],
				 clean.line[i]);
			log_add(&l, buf);
		}
		g = decode_log(&l);
		assert_int_equal(g->nrec, 0);
		assert_int_equal(g->nbegin, 0);
		assert_int_equal(g->nerr, 0);
		assert_int_equal(g->nrej, (int)clean.n);
		for (size_t i = 0; i < clean.n; i++) {
			assert_int_equal(g->rej[i].line, i + 1);
			assert_int_equal(g->rej[i].off,
					 line_offset(&l, i) + strlen(before[k]));
			assert_non_null(strstr(g->rej[i].why,
					       k < 3 ? "escaped" : "middle"));
		}
		got_free(g);
		log_free(&l);
	}

	/* Two frames on one line (a lost newline): the first decodes, the
	 * second is rejected, and the dump has a gap where it was. */
	{
		struct log l = {0};

		log_add(&l, clean.line[0]);
		snprintf(buf, sizeof(buf), "%.*s%s", (int)(clean.len[1] - 1),
			 clean.line[1], clean.line[2]);
		log_add(&l, buf);
		for (size_t i = 3; i < clean.n; i++)
			log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nrej, 1);
		assert_int_equal(g->rej[0].line, 2);
		assert_int_equal(g->rej[0].off, clean.len[0] + clean.len[1] - 1);
		assert_int_equal(g->ngap, 1);
		assert_int_equal(g->nend, 1);
		assert_false(g->end[0].complete);
		got_free(g);
		log_free(&l);
	}

	/* A piece of a long line that does not start the line. */
	{
		struct tv_wire_dec d;

		g = got_new();
		tv_wire_dec_init(&d, &got_ops, g);
		tv_wire_dec_piece(&d, clean.line[0], clean.len[0], 0, 1, 100);
		assert_int_equal(g->nbegin, 0);
		assert_int_equal(g->nrej, 1);
		assert_int_equal(g->rej[0].off, 100);
		assert_non_null(strstr(g->rej[0].why, "middle"));
		assert_int_equal(d.frames_rejected, 1);
		tv_wire_dec_piece(&d, clean.line[0], clean.len[0], 1, 2, 200);
		assert_int_equal(g->nbegin, 1);
		assert_int_equal(g->nrej, 1);
		got_free(g);
	}
	log_free(&clean);
}

static void test_lost_frames_exact_counts(void **state)
{
	struct log clean = {0};
	struct got *ref;
	size_t nframes;

	(void)state;
	synth_dump(&clean, 200, 1);
	ref = decode_log(&clean);
	assert_int_equal(ref->nerr, 0);
	nframes = clean.n;
	assert_true(nframes > 12);
	/* Frames: 0 BEGIN, 1..a RECORDS of hart 0, a+1 HART 0, ...
	 * Drop one, then two consecutive, RECORDS frames in the middle of
	 * hart 0: exact counts. */
	for (int width = 1; width <= 2; width++) {
		struct log l = {0};
		struct got *g;
		unsigned lost = 0;

		for (size_t i = 0; i < clean.n; i++)
			log_add(&l, clean.line[i]);
		for (int k = 0; k < width; k++) {
			lost += frame_count(&l, 3);
			log_drop(&l, 3);
		}
		g = decode_log(&l);
		assert_int_equal(g->nrec, ref->nrec - lost);
		assert_int_equal(g->ngap, 1);
		assert_int_equal(g->gap[0].first_seq, 3);
		assert_int_equal(g->gap[0].last_seq, 2 + width);
		assert_true(g->gap[0].records_known);
		assert_true(g->gap[0].records_lost == lost);
		assert_int_equal(g->gap[0].hart, 0);
		{
			char want[96];

			if (width == 1)
				snprintf(want, sizeof(want),
					 "frame 3 missing: %u records lost "
					 "(hart 0)",
					 lost);
			else
				snprintf(want, sizeof(want),
					 "frames 3..4 missing: %u records "
					 "lost (hart 0)",
					 lost);
			assert_int_equal(g->nerr, 1);
			assert_string_equal(g->err[0].msg, want);
			/* Reported at the frame after the gap (line 4). */
			assert_int_equal(g->err[0].line, 4);
		}
		/* index before the gap + lost = index after it */
		assert_true(g->gap[0].first_index + lost ==
			    g->index[g->gap[0].first_index - 500]);
		assert_int_equal(g->nend, 1);
		assert_false(g->end[0].complete);
		assert_int_equal(g->end[0].frames_received,
				 nframes - (size_t)width);
		got_free(g);
		log_free(&l);
	}
	got_free(ref);
	log_free(&clean);
}

/* Find the line of the first frame of a type. */
static size_t find_type(const struct log *l, unsigned type, size_t from)
{
	for (size_t i = from; i < l->n; i++) {
		uint8_t f[TV_WIRE_MAX_FRAME];

		if (line_frame(l->line[i], l->len[i], f) > 0 && f[0] == type)
			return i;
	}
	fail();
	return 0;
}

static void test_lost_frames_unknown_counts_and_dump_edges(void **state)
{
	struct log clean = {0};
	size_t hart0_end;

	(void)state;
	synth_dump(&clean, 60, 1);
	hart0_end = find_type(&clean, TV_WIRE_HART, 0);

	/* The last RECORDS frame of hart 0 lost: the count is unknown. */
	{
		struct log l = {0};
		struct got *g;

		for (size_t i = 0; i < clean.n; i++)
			if (i != hart0_end - 1)
				log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->ngap, 1);
		assert_false(g->gap[0].records_known);
		assert_true(has_error(g, "unknown"));
		got_free(g);
		log_free(&l);
	}
	/* BEGIN lost: the decoder starts a dump without BEGIN info. */
	{
		struct log l = {0};
		struct got *g;

		for (size_t i = 1; i < clean.n; i++)
			log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nbegin, 1);
		assert_int_equal(g->nbegin_null, 1);
		assert_true(has_error(g, "outside a dump"));
		assert_true(has_error(g, "frame 0 missing"));
		assert_int_equal(g->nend, 1);
		assert_false(g->end[0].complete);
		got_free(g);
		log_free(&l);
	}
	/* END lost: reported at end of input; a second dump after a lost
	 * END is still decoded; two clean dumps are both complete. */
	{
		struct log l = {0};
		struct got *g;

		for (size_t i = 0; i + 1 < clean.n; i++)
			log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nend, 0);
		assert_int_equal(g->nerr, 1);
		assert_true(has_error(g, "input ends inside a dump"));
		assert_int_equal(g->err[0].line, l.n + 1);
		got_free(g);
		for (size_t i = 0; i < clean.n; i++)
			log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nbegin, 2);
		assert_int_equal(g->nend, 1);
		assert_true(g->end[0].complete);
		assert_true(has_error(g, "new dump begins"));
		got_free(g);
		log_free(&l);

		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < clean.n; i++)
				log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nerr, 0);
		assert_int_equal(g->nend, 2);
		assert_true(g->end[0].complete && g->end[1].complete);
		got_free(g);
		log_free(&l);
	}
	/* END and the next BEGIN lost: the frame_seq going back starts a
	 * new dump. */
	{
		struct log l = {0};
		struct got *g;

		for (size_t i = 0; i + 1 < clean.n; i++)
			log_add(&l, clean.line[i]);
		for (size_t i = 1; i < clean.n; i++)
			log_add(&l, clean.line[i]);
		g = decode_log(&l);
		assert_int_equal(g->nbegin, 2);
		assert_int_equal(g->nbegin_null, 1);
		assert_true(has_error(g, "frame_seq must go up"));
		got_free(g);
		log_free(&l);
	}
	/* A line twice in a row (a RECORDS frame): the copy is reported and
	 * skipped; one dump, complete, every record once. */
	{
		struct log l = {0};
		struct got *g, *ref;
		size_t rec = 1; /* the first RECORDS frame, after BEGIN */

		ref = decode_log(&clean);
		for (size_t i = 0; i < clean.n; i++) {
			log_add(&l, clean.line[i]);
			if (i == rec)
				log_add(&l, clean.line[i]);
		}
		g = decode_log(&l);
		assert_int_equal(g->nerr, 1);
		assert_true(has_error(g, "repeated"));
		assert_int_equal(g->nbegin, 1);
		assert_int_equal(g->nend, 1);
		assert_true(g->end[0].complete);
		assert_int_equal(g->nrec, ref->nrec);
		got_free(g);
		got_free(ref);
		log_free(&l);
	}
	/* Two RECORDS lines swapped: the first to come makes a gap, the
	 * late one is reported and skipped; still one dump (not a second
	 * dump from the frame_seq going back), incomplete. */
	{
		struct log l = {0};
		struct got *g;
		size_t a = 1; /* hart 0's first two RECORDS frames */

		assert_true(hart0_end >= 3);

		for (size_t i = 0; i < clean.n; i++)
			log_add(&l, clean.line[i == a ? a + 1 : i == a + 1 ? a : i]);
		g = decode_log(&l);
		assert_true(has_error(g, "missing"));
		assert_true(has_error(g, "arrives after"));
		assert_false(has_error(g, "frame_seq must go up"));
		assert_int_equal(g->nbegin, 1);
		assert_int_equal(g->nend, 1);
		assert_false(g->end[0].complete);
		got_free(g);
		log_free(&l);
	}
	log_free(&clean);
}

/* Hand-built frames that verify their CRC but break a format rule. */
/* The first kind the wire does not know is TV_KIND_COUNT, written as
 * "\x0c" in the cases below. */
_Static_assert(TV_KIND_COUNT == 12, "update the unknown-kind case");

static void test_malformed_frames_rejected(void **state)
{
	static const struct {
		const char *why;
		uint8_t type, flags;
		uint16_t payload_len; /* 0xffff: records below */
		const char *records;
		uint16_t rec_len, count;
	} cases[] = {
		{"unknown frame type", 9, 0, 4, NULL, 0, 0},
		{"flags not 0", TV_WIRE_END, 1, 4, NULL, 0, 0},
		{"END frame has the wrong length", TV_WIRE_END, 0, 5, NULL, 0,
		 0},
		{"HART frame has the wrong length", TV_WIRE_HART, 0, 23, NULL,
		 0, 0},
		{"BEGIN frame has the wrong length", TV_WIRE_BEGIN, 0, 31,
		 NULL, 0, 0},
		{"RECORDS frame too short", TV_WIRE_RECORDS, 0, 9, NULL, 0, 0},
		{"unknown record kind", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x0c\x00\x00", 3, 1}, /* TV_KIND_COUNT: asserted below */
		{"unknown record kind", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x00\x00\x00", 3, 1},
		{"record truncated", TV_WIRE_RECORDS, 0, 0xffff, "\x07\x00\x00",
		 3, 1},
		{"record truncated", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x07\x00\x00\x00", 4, 2},
		{"bytes left over", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x07\x00\x00\x00\x00", 5, 1},
		{"varint overflows", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x07\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 13, 1},
		{"record id out of range", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x47\x80\x02\x00\x00\x00\x00\x00", 8, 1},
		{"record flags out of range", TV_WIRE_RECORDS, 0, 0xffff,
		 "\x87\x80\x02\x00\x00\x00", 6, 1},
	};

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		uint8_t body[128];
		struct log l = {0};
		struct got *g;
		size_t n = hdr(body, cases[c].type, 0, 0);

		body[1] = cases[c].flags;
		if (cases[c].payload_len != 0xffff) {
			memset(body + n, 0, cases[c].payload_len);
			n += cases[c].payload_len;
		} else {
			le(body + n, 0, 8);
			le(body + n + 8, cases[c].count, 2);
			memcpy(body + n + 10, cases[c].records,
			       cases[c].rec_len);
			n += 10 + cases[c].rec_len;
		}
		frame_line(&l, body, n, 0);
		g = decode_log(&l);
		assert_int_equal(g->nrec, 0);
		assert_int_equal(g->nerr, 1);
		if (!strstr(g->err[0].msg, cases[c].why))
			fail_msg("case %zu: got '%s', want '%s'", c,
				 g->err[0].msg, cases[c].why);
		got_free(g);
		log_free(&l);
	}
	/* A BEGIN with another format version. */
	{
		uint8_t body[64];
		struct log l = {0};
		struct got *g;
		size_t n = begin_body(body, 0);

		le(body + 8, TV_FORMAT_VERSION + 1, 4);
		frame_line(&l, body, n, 0);
		g = decode_log(&l);
		assert_true(has_error(g, "BEGIN frame has format_version"));
		assert_int_equal(g->nbegin, 0);
		got_free(g);
		log_free(&l);
	}
	/* A BEGIN with no harts, and one with a ring mode that does not
	 * exist: damaged, named. */
	for (int k = 0; k < 2; k++) {
		uint8_t body[64];
		struct log l = {0};
		struct got *g;
		size_t n = begin_body(body, 0);

		if (k == 0)
			le(body + 8 + 12, 0, 2);
		else
			body[8 + 20] = 7;
		frame_line(&l, body, n, 0);
		g = decode_log(&l);
		assert_true(has_error(g, k == 0 ? "BEGIN frame has nharts 0"
						: "BEGIN frame has ring_mode 7"));
		assert_int_equal(g->nbegin, 0);
		got_free(g);
		log_free(&l);
	}
	/* The maximum valid varint (10 bytes, last byte 1) is accepted. */
	{
		uint8_t body[64];
		struct log l = {0};
		struct got *g;
		size_t n = hdr(body, TV_WIRE_RECORDS, 0, 1);

		le(body + n, 0, 8);
		le(body + n + 8, 1, 2);
		memcpy(body + n + 10,
		       "\x07\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
		       13);
		frame_line(&l, body, n + 23, 0);
		g = decode_log(&l);
		assert_int_equal(g->nrec, 1);
		/* zigzag 2^64-1 decodes to -2^63: 0x8000000000000000 */
		assert_true(g->rec[0].arg[0] == 0x8000000000000000ULL);
		got_free(g);
		log_free(&l);
	}
}

/* The value of an unsigned LEB128 varint, byte by byte (the definition in
 * trace_wire.h), for checking the decoder's wider reads. */
static uint64_t ref_varint(const uint8_t *p, size_t len)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
	return v;
}

/*
 * Varints of 1 to 10 bytes as a MARK record's argument, with 0 to 3
 * four-byte records after them: the decoder reads a varint 8 bytes at a
 * time when 10 bytes are left in the frame and byte by byte nearer the
 * end; both give the definition's value, and both reject a 10th byte
 * above 1 with the same message.
 */
static void test_varints_near_frame_end(void **state)
{
	(void)state;
	for (size_t len = 1; len <= 11; len++)
		for (unsigned after = 0; after <= 3; after++) {
			uint8_t body[128], v[11];
			struct log l = {0};
			struct got *g;
			size_t n = hdr(body, TV_WIRE_RECORDS, 0, 1), r;
			int overflow = len == 11;
			size_t vlen = overflow ? 10 : len;

			/* 0xff... then a last byte 0x7f (0x01 for the 10th,
			 * 0x02 = 65 bits for the overflowing case). */
			memset(v, 0xff, sizeof(v));
			v[vlen - 1] = vlen == 10 ? (overflow ? 0x02 : 0x01)
						 : 0x7f;
			le(body + n, 0, 8);
			le(body + n + 8, 1 + after, 2);
			r = n + 10;
			memcpy(body + r, "\x07\x00\x00", 3);
			memcpy(body + r + 3, v, vlen);
			r += 3 + vlen;
			for (unsigned k = 0; k < after; k++, r += 4)
				memcpy(body + r, "\x07\x00\x00\x00", 4);
			frame_line(&l, body, r, 0);
			g = decode_log(&l);
			if (overflow) {
				assert_int_equal(g->nrec, 0);
				assert_true(has_error(g, "varint overflows"));
			} else {
				uint64_t z = ref_varint(v, vlen);

				/* (A lone frame: the other errors say its BEGIN
				 * and END are missing.) */
				assert_false(has_error(g, "varint") ||
					     has_error(g, "truncated") ||
					     has_error(g, "left over"));
				assert_int_equal(g->nrec, 1 + after);
				/* zigzag(arg - 0) */
				assert_true(g->rec[0].arg[0] ==
					    ((z >> 1) ^ (0 - (z & 1))));
			}
			got_free(g);
			log_free(&l);
		}
}

/* Random garbage and random mutations of real frames: never a crash (the
 * sanitizers watch), and every frame that passes is a verified one. */
static void test_fuzz_no_crash(void **state)
{
	struct log clean = {0};

	(void)state;
	synth_dump(&clean, 40, 1);
	for (int round = 0; round < 3000; round++) {
		struct log l = {0};
		struct got *g;
		char buf[3000];
		size_t n;

		if (round % 3 == 0) {
			n = rnd() % sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)rnd();
			if (n > 10)
				memcpy(buf + rnd() % (n - 5), "~TV1:", 5);
		} else {
			size_t i = rnd() % clean.n;

			n = clean.len[i];
			memcpy(buf, clean.line[i], n);
			for (int k = 0; k < 1 + (int)(rnd() % 4); k++)
				buf[rnd() % n] = "AZaz09+/=~\n"[rnd() % 11];
		}
		log_emit(&l, buf, n);
		g = decode_log(&l);
		got_free(g);
		log_free(&l);
	}
	log_free(&clean);
}

/* -------------------------------------------------------- compactness */

static size_t wire_bytes;

static void count_emit(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	(void)line;
	wire_bytes += len;
}

/* Wire bytes per exit+entry pair of the realistic synthetic stream, all
 * framing (prefix, base64, newline, headers, CRC, BEGIN/HART/END)
 * included. Target: <= 32. */
static double bytes_per_pair(int with_side)
{
	static struct tv_wire_enc e;
	struct synth s;
	const int pairs = 50000;

	wire_bytes = 0;
	tv_wire_enc_init(&e, count_emit, NULL);
	tv_wire_begin(&e, &begin_info);
	tv_wire_hart_begin(&e, 0, 0);
	synth_init(&s, 2024, 0, 0, 0, with_side);
	for (int i = 0; i < pairs; i++) {
		struct tv_record r[4];
		int n = synth_exit(&s, r);

		for (int k = 0; k < n; k++)
			tv_wire_record(&e, &r[k]);
	}
	tv_wire_hart_end(&e, 0, 0, 0);
	tv_wire_end(&e);
	return (double)wire_bytes / pairs;
}

static void test_bytes_per_exit_entry_pair(void **state)
{
	double pure = bytes_per_pair(0), mixed = bytes_per_pair(1);

	(void)state;
	printf("wire bytes per exit+entry pair: %.2f (exit+entry only), "
	       "%.2f (with the SBI/MMIO/IRQ records around them)\n",
	       pure, mixed);
	assert_true(pure <= 32.0);
}

/* --------------------------------------------------------------- text */

static void test_format_text_exact(void **state)
{
	static const struct {
		struct tv_record r;
		const char *want;
	} cases[] = {
		{{.kind = TV_KIND_EXIT,
		  .time = 12345,
		  .hart = 2,
		  .vcpu = 1,
		  .arg = {0x80001234, 0xa, 0, 0, 0}},
		 "vm0-vcpu1 [002] 0.001234: kvm_exit: "
		 "SEPC:0x80001234, SCAUSE:0xa, STVAL:0x0, HTVAL:0x0, "
		 "HTINST:0x0"},
		{{.kind = TV_KIND_EXIT,
		  .time = 10000000,
		  .arg = {0xffffffff80000000ULL, 0x8000000000000005ULL, 1, 2,
			  3}},
		 "vm0-vcpu0 [000] 1.000000: kvm_exit: "
		 "SEPC:0xffffffff80000000, SCAUSE:0x8000000000000005, "
		 "STVAL:0x1, HTVAL:0x2, HTINST:0x3"},
		{{.kind = TV_KIND_ENTRY,
		  .time = 25,
		  .vm = 3,
		  .hart = 1234,
		  .arg = {0x80001238, 0x40}},
		 "vm3-vcpu0 [1234] 0.000002: kvm_entry: PC: "
		 "0x0000000080001238"},
		{{.kind = TV_KIND_SBI,
		  .arg = {(uint64_t)SBI_EXT_BASE << 32 | SBI_BASE_PROBE_EXT,
			  SBI_EXT_HSM, 0, 0, 0, 1}},
		 "vm0-vcpu0 [000] 0.000000: tv_sbi: EID:0x10 (BASE), FID:0x3 "
		 "(probe_extension), A0:0x48534d, A1:0x0, A2:0x0, ERROR:0 "
		 "(SBI_SUCCESS), VALUE:0x1"},
		{{.kind = TV_KIND_SBI,
		  .arg = {0x1234ULL << 32 | 7, 1, 2, 3, (uint64_t)-2, 0}},
		 "vm0-vcpu0 [000] 0.000000: tv_sbi: EID:0x1234, FID:0x7, "
		 "A0:0x1, A1:0x2, A2:0x3, ERROR:-2 (SBI_ERR_NOT_SUPPORTED), "
		 "VALUE:0x0"},
		{{.kind = TV_KIND_SBI,
		  .arg = {(uint64_t)SBI_EXT_0_1_CONSOLE_PUTCHAR << 32, 'A'}},
		 "vm0-vcpu0 [000] 0.000000: tv_sbi: EID:0x1 "
		 "(LEGACY_CONSOLE_PUTCHAR), FID:0x0 (console_putchar), "
		 "A0:0x41, A1:0x0, A2:0x0, ERROR:0 (SBI_SUCCESS), VALUE:0x0"},
		{{.kind = TV_KIND_MMIO,
		  .arg = {0x10000000, 0x41, TV_MMIO_INFO(1, 1, 0, 15),
			  0x00f70023, 1}},
		 "vm0-vcpu0 [000] 0.000000: tv_mmio: write "
		 "GPA:0x0000000010000000, WIDTH:1, VALUE:0x41, REG:x15, "
		 "INSN:0xf70023, DEVICE:1"},
		{{.kind = TV_KIND_MMIO,
		  .arg = {0x0c200004, 0xffffffffffffff80ULL,
			  TV_MMIO_INFO(4, 0, 1, 10), 0x0047a503, 2}},
		 "vm0-vcpu0 [000] 0.000000: tv_mmio: read signed "
		 "GPA:0x000000000c200004, WIDTH:4, "
		 "VALUE:0xffffffffffffff80, REG:x10, INSN:0x47a503, "
		 "DEVICE:2"},
		{{.kind = TV_KIND_IRQ,
		  .arg = {0x8000000000000006ULL, 0x40, 1}},
		 "vm0-vcpu0 [000] 0.000000: tv_irq: raise "
		 "CAUSE:0x8000000000000006 (virtual supervisor timer "
		 "interrupt), HVIP:0x40"},
		{{.kind = TV_KIND_IRQ, .arg = {0x800000000000000aULL, 0, 0}},
		 "vm0-vcpu0 [000] 0.000000: tv_irq: lower "
		 "CAUSE:0x800000000000000a (virtual supervisor external "
		 "interrupt), HVIP:0x0"},
		{{.kind = TV_KIND_EXC,
		  .arg = {2, 0x30200073, 0x80001000, 0x80000100}},
		 "vm0-vcpu0 [000] 0.000000: tv_exc: CAUSE:0x2 (illegal "
		 "instruction), TVAL:0x30200073, EPC:0x0000000080001000, "
		 "VSTVEC:0x0000000080000100"},
		{{.kind = TV_KIND_MARK, .arg = {0xdeadbeef}},
		 "vm0-vcpu0 [000] 0.000000: tv_mark: VALUE:0xdeadbeef"},
		{{.kind = TV_KIND_LOST, .arg = {17}},
		 "vm0-vcpu0 [000] 0.000000: tv_lost: 17 records lost here"},
		{{.kind = TV_KIND_CONTROL, .arg = {TV_CTL_START}},
		 "vm0-vcpu0 [000] 0.000000: tv_control: start"},
		{{.kind = TV_KIND_CONTROL, .arg = {TV_CTL_FILTER, 0x6}},
		 "vm0-vcpu0 [000] 0.000000: tv_control: filter MASK:0x6"},
		{{.kind = TV_KIND_CONTROL, .arg = {99, 5}},
		 "vm0-vcpu0 [000] 0.000000: tv_control: WHAT:99, VALUE:0x5"},
		{{.kind = TV_KIND_STOP, .arg = {TV_STOP_SHUTDOWN, 0}},
		 "vm0-vcpu0 [000] 0.000000: tv_stop: REASON:shutdown, "
		 "DETAIL:0x0"},
		{{.kind = TV_KIND_STOP, .arg = {42, 7}},
		 "vm0-vcpu0 [000] 0.000000: tv_stop: REASON:42, DETAIL:0x7"},
		/* The hart leaves vm0-vcpu1 at the end of its slice (it ran
		 * 1 ms at 10 MHz) for vm1-vcpu0: Sv39x4, VMID 3. */
		{{.kind = TV_KIND_SWITCH,
		  .time = 20000,
		  .vcpu = 1,
		  .arg = {1, 0, TV_SWITCH_SLICE, 10000,
			  0x8000300000080400ULL, 0}},
		 "vm0-vcpu1 [000] 0.002000: tv_switch: to vm1-vcpu0 "
		 "reason=slice ran=0.001000s hgatp=0x8000300000080400 "
		 "(VMID 3) flushed=no"},
		/* No VMID bits: VMID 0 and a flush; an unknown reason. */
		{{.kind = TV_KIND_SWITCH,
		  .vm = 2,
		  .arg = {3, 4, 9, 25, 0x9000000000081000ULL, 1}},
		 "vm2-vcpu0 [000] 0.000000: tv_switch: to vm3-vcpu4 "
		 "reason=9 ran=0.000002s hgatp=0x9000000000081000 (VMID 0) "
		 "flushed=yes"},
		{{.kind = TV_KIND_SWITCH,
		  .arg = {0, 1, TV_SWITCH_WAIT, 7, 0x8000000000080000ULL |
			  (0x3fffULL << 44), 0}},
		 "vm0-vcpu0 [000] 0.000000: tv_switch: to vm0-vcpu1 "
		 "reason=wait ran=0.000000s hgatp=0x83fff00000080000 (VMID "
		 "16383) flushed=no"},
		{{.kind = 60},
		 "vm0-vcpu0 [000] 0.000000: tv_unknown: KIND:60"},
		{{.kind = TV_KIND_MARK,
		  .time = UINT64_MAX,
		  .vm = 255,
		  .vcpu = 255,
		  .hart = 65535,
		  .arg = {UINT64_MAX}},
		 "vm255-vcpu255 [65535] 1844674407370.955161: tv_mark: "
		 "VALUE:0xffffffffffffffff"},
	};
	char buf[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = tv_format_text(&cases[i].r, 10000000, buf, sizeof(buf));

		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
}

static void test_format_text_bounded(void **state)
{
	struct tv_record r;
	char buf[300];
	const char *full = "vm0-vcpu0 [000] 0.000001: tv_mark: VALUE:0x1";
	int len = (int)strlen(full);

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = TV_KIND_MARK;
	r.time = 10;
	r.arg[0] = 1;
	for (size_t size = 0; size < (size_t)len + 3; size++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(tv_format_text(&r, 10000000, buf, size), len);
		if (size) {
			size_t keep = size - 1 < (size_t)len ? size - 1
							     : (size_t)len;

			assert_memory_equal(buf, full, keep);
			assert_int_equal(buf[keep], '\0');
		}
		assert_int_equal(buf[size], 'X'); /* nothing past size */
	}
}

/*
 * Numbers in the text form, checked against printf for values of every
 * width (each power of 2 and of 10, one either side, random ones): the
 * whole line, and the line cut at every buffer size, which must be its
 * first size - 1 characters (numbers cut anywhere included).
 */
static void check_format_numbers(uint64_t v)
{
	struct tv_record r;
	char want[TV_FORMAT_TEXT_MAX], got[TV_FORMAT_TEXT_MAX + 8];
	int len;

	memset(&r, 0, sizeof(r));
	r.kind = TV_KIND_EXIT;
	r.time = v;
	r.vm = (uint8_t)v;
	r.vcpu = (uint8_t)(v >> 8);
	r.hart = (uint16_t)(v >> 3);
	r.arg[0] = v;
	r.arg[1] = v >> 17;
	r.arg[2] = ~v;
	r.arg[3] = v << 9;
	r.arg[4] = v >> 60;
	len = snprintf(want, sizeof(want),
		       "vm%u-vcpu%u [%03u] %llu.%06llu: kvm_exit: "
		       "SEPC:0x%llx, SCAUSE:0x%llx, STVAL:0x%llx, "
		       "HTVAL:0x%llx, HTINST:0x%llx",
		       r.vm, r.vcpu, r.hart,
		       (unsigned long long)(v / 10000000),
		       (unsigned long long)(v % 10000000 / 10),
		       (unsigned long long)r.arg[0],
		       (unsigned long long)r.arg[1],
		       (unsigned long long)r.arg[2],
		       (unsigned long long)r.arg[3],
		       (unsigned long long)r.arg[4]);
	for (int kind = 0; kind < 2; kind++) {
		if (kind == 1) {
			r.kind = TV_KIND_MARK;
			r.time = 0;
			len = snprintf(want, sizeof(want),
				       "vm%u-vcpu%u [%03u] 0.000000: tv_mark: "
				       "VALUE:0x%llx",
				       r.vm, r.vcpu, r.hart,
				       (unsigned long long)v);
		}
		assert_int_equal(tv_format_text(&r, 10000000, got, sizeof(got)),
				 len);
		assert_string_equal(got, want);
		for (size_t size = 0; size <= (size_t)len + 1; size++) {
			memset(got, 'X', sizeof(got));
			assert_int_equal(tv_format_text(&r, 10000000, got, size),
					 len);
			if (size) {
				assert_memory_equal(got, want, size - 1);
				assert_int_equal(got[size - 1], '\0');
			}
			assert_int_equal(got[size], 'X'); /* nothing past size */
		}
	}
}

static void test_format_numbers(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, p10 = 1;

	(void)state;
	check_format_numbers(0);
	check_format_numbers(UINT64_MAX);
	for (int i = 0; i < 64; i++) {
		check_format_numbers((1ULL << i) - 1);
		check_format_numbers(1ULL << i);
		check_format_numbers((1ULL << i) + 1);
	}
	for (int i = 0; i < 20; i++, p10 *= 10) {
		check_format_numbers(p10 - 1);
		check_format_numbers(p10);
		check_format_numbers(p10 + 1);
	}
	for (int i = 0; i < 200; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_format_numbers(x >> (i % 64));
	}
}

/* No record, however extreme, needs more than TV_FORMAT_TEXT_MAX. */
static void test_format_text_max_length(void **state)
{
	static const uint64_t eids[] = {
		SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, SBI_EXT_BASE, SBI_EXT_DBCN,
		SBI_EXT_RFENCE, SBI_EXT_TRACEVISOR, 0xffffffff};
	char buf[TV_FORMAT_TEXT_MAX + 64];
	int longest = 0;

	(void)state;
	for (unsigned kind = 0; kind < 64; kind++)
		for (size_t e = 0; e < ARRAY_SIZE(eids); e++)
			for (uint64_t fid = 0; fid < 8; fid++) {
				struct tv_record r;
				int n;

				memset(&r, 0xff, sizeof(r));
				r.kind = (uint8_t)kind;
				r.arg[0] = eids[e] << 32 | fid;
				r.arg[4] = (uint64_t)INT64_MIN;
				n = tv_format_text(&r, 1, buf, sizeof(buf));
				assert_int_equal((size_t)n, strlen(buf));
				if (n > longest)
					longest = n;
				r.arg[0] = CAUSE_INTERRUPT | 10;
				r.arg[4] = (uint64_t)SBI_ERR_ALREADY_AVAILABLE;
				n = tv_format_text(&r, 1, buf, sizeof(buf));
				if (n > longest)
					longest = n;
			}
	assert_true(longest < TV_FORMAT_TEXT_MAX);
}

static void test_format_time(void **state)
{
	char buf[64];

	(void)state;
	tv_format_time(0, 10000000, buf, sizeof(buf));
	assert_string_equal(buf, "0.000000");
	tv_format_time(12345678, 10000000, buf, sizeof(buf));
	assert_string_equal(buf, "1.234567");
	tv_format_time(3000000000ULL, 1000000000, buf, sizeof(buf));
	assert_string_equal(buf, "3.000000");
	tv_format_time(999, 1000, buf, sizeof(buf));
	assert_string_equal(buf, "0.999000");
	tv_format_time(12345, 0, buf, sizeof(buf));
	assert_string_equal(buf, "12345");
	/* A timebase beyond UINT64_MAX / 10^6 still gives microseconds. */
	tv_format_time(UINT64_MAX, UINT64_MAX / 2, buf, sizeof(buf));
	assert_string_equal(buf, "2.000000");
}

/* -------------------------------------------------------------- names */

static void test_cause_names(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(tv_cause_name(21), "load guest-page fault");
	assert_string_equal(tv_cause_name(23), "store/AMO guest-page fault");
	assert_string_equal(tv_cause_name(20), "instruction guest-page fault");
	assert_string_equal(tv_cause_name(22), "virtual instruction");
	assert_string_equal(tv_cause_name(10), "environment call from VS-mode");
	assert_string_equal(tv_cause_name(2), "illegal instruction");
	assert_string_equal(tv_cause_name(CAUSE_INTERRUPT | 5),
			    "supervisor timer interrupt");
	assert_string_equal(tv_cause_name(CAUSE_INTERRUPT | 6),
			    "virtual supervisor timer interrupt");
	assert_string_equal(tv_cause_name(5), "load access fault");
	assert_string_equal(tv_cause_short(21), "LOAD_GPF");
	assert_string_equal(tv_cause_short(22), "VIRT_INSN");
	assert_string_equal(tv_cause_short(10), "ECALL_VS");
	assert_string_equal(tv_cause_short(CAUSE_INTERRUPT | 5),
			    "IRQ_S_TIMER");
	assert_string_equal(tv_cause_short(5), "LOAD_ACCESS");
	/* Every standard cause has both names, all distinct. */
	{
		static const unsigned exc[] = {0,  1,  2,  3,  4,  5,  6,
					       7,  8,  9,  10, 11, 12, 13,
					       15, 16, 18, 19, 20, 21, 22,
					       23};
		static const unsigned irq[] = {1, 2, 3, 5, 6, 7, 9, 10, 11, 12,
					       13};
		const char *seen[64];
		int n = 0;

		for (size_t i = 0; i < ARRAY_SIZE(exc) + ARRAY_SIZE(irq); i++) {
			uint64_t c = i < ARRAY_SIZE(exc)
					     ? exc[i]
					     : CAUSE_INTERRUPT |
						       irq[i - ARRAY_SIZE(exc)];

			assert_non_null(tv_cause_name(c));
			assert_non_null(tv_cause_short(c));
			for (int k = 0; k < n; k++)
				assert_string_not_equal(seen[k],
							tv_cause_short(c));
			seen[n++] = tv_cause_short(c);
		}
	}
	assert_null(tv_cause_name(14));
	assert_null(tv_cause_name(24));
	assert_null(tv_cause_name(CAUSE_INTERRUPT | 0));
	assert_null(tv_cause_short(CAUSE_INTERRUPT | 14));
	assert_null(tv_cause_name(UINT64_MAX));
	assert_int_equal(tv_cause_describe(24, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "exception 24");
	tv_cause_describe(CAUSE_INTERRUPT | 99, buf, sizeof(buf));
	assert_string_equal(buf, "interrupt 99");
	tv_cause_describe(21, buf, sizeof(buf));
	assert_string_equal(buf, "load guest-page fault");
	tv_cause_short_describe(CAUSE_INTERRUPT | 14, buf, sizeof(buf));
	assert_string_equal(buf, "IRQ_14");
	tv_cause_short_describe(63, buf, sizeof(buf));
	assert_string_equal(buf, "EXC_63");
	assert_int_equal(tv_cause_describe(21, buf, 5), 21);
	assert_string_equal(buf, "load");
}

static void test_sbi_and_kind_names(void **state)
{
	(void)state;
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_BASE), "BASE");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_TIME), "TIME");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_IPI), "IPI");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_RFENCE), "RFENCE");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_HSM), "HSM");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_SRST), "SRST");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_PMU), "PMU");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_DBCN), "DBCN");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_TRACEVISOR), "TVT");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_0_1_SHUTDOWN),
			    "LEGACY_SHUTDOWN");
	assert_string_equal(tv_sbi_ext_name(SBI_EXT_0_1_SET_TIMER),
			    "LEGACY_SET_TIMER");
	assert_null(tv_sbi_ext_name(9));
	assert_null(tv_sbi_ext_name(0x12345678));
	assert_string_equal(tv_sbi_func_name(SBI_EXT_BASE, SBI_BASE_PROBE_EXT),
			    "probe_extension");
	assert_string_equal(
		tv_sbi_func_name(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION),
		"get_spec_version");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_TIME, 0), "set_timer");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_HSM, SBI_HSM_HART_START),
			    "hart_start");
	assert_string_equal(
		tv_sbi_func_name(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND),
		"hart_suspend");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_SRST, 0), "system_reset");
	assert_string_equal(
		tv_sbi_func_name(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE),
		"debug_console_write_byte");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_IPI, 0), "send_ipi");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_RFENCE, 6),
			    "remote_hfence_vvma");
	assert_string_equal(
		tv_sbi_func_name(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK),
		"trace_mark");
	assert_string_equal(
		tv_sbi_func_name(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_FILTER),
		"trace_filter");
	assert_string_equal(tv_sbi_func_name(SBI_EXT_0_1_CONSOLE_PUTCHAR, 99),
			    "console_putchar");
	assert_null(tv_sbi_func_name(SBI_EXT_BASE, 7));
	assert_string_equal(tv_sbi_func_name(SBI_EXT_PMU, 0), "num_counters");
	assert_null(tv_sbi_func_name(SBI_EXT_PMU, 99));
	assert_null(tv_sbi_func_name(SBI_EXT_RFENCE, 7));
	assert_null(tv_sbi_func_name(0x12345678, 0));
	assert_string_equal(tv_sbi_error_name(SBI_ERR_INVALID_ADDRESS),
			    "SBI_ERR_INVALID_ADDRESS");
	assert_null(tv_sbi_error_name(1));
	/* the SBI specification's "Standard SBI Errors" go to -14 */
	assert_string_equal(tv_sbi_error_name(SBI_ERR_NO_SHMEM), "SBI_ERR_NO_SHMEM");
	assert_string_equal(tv_sbi_error_name(SBI_ERR_INVALID_STATE),
			    "SBI_ERR_INVALID_STATE");
	assert_string_equal(tv_sbi_error_name(SBI_ERR_BAD_RANGE), "SBI_ERR_BAD_RANGE");
	assert_string_equal(tv_sbi_error_name(SBI_ERR_TIMEOUT), "SBI_ERR_TIMEOUT");
	assert_string_equal(tv_sbi_error_name(SBI_ERR_IO), "SBI_ERR_IO");
	assert_string_equal(tv_sbi_error_name(SBI_ERR_DENIED_LOCKED),
			    "SBI_ERR_DENIED_LOCKED");
	assert_null(tv_sbi_error_name(-15));
	assert_string_equal(tv_kind_name(TV_KIND_EXIT), "exit");
	assert_string_equal(tv_kind_name(TV_KIND_STOP), "stop");
	assert_string_equal(tv_kind_name(TV_KIND_SWITCH), "switch");
	assert_null(tv_kind_name(TV_KIND_COUNT));
	assert_string_equal(tv_switch_name(TV_SWITCH_SLICE), "slice");
	assert_string_equal(tv_switch_name(TV_SWITCH_WAIT), "wait");
	assert_string_equal(tv_switch_name(TV_SWITCH_STOP), "stop");
	assert_null(tv_switch_name(0));
	assert_null(tv_switch_name(4));
	assert_string_equal(tv_control_name(TV_CTL_FILTER), "filter");
	assert_string_equal(tv_stop_name(TV_STOP_HYP_FAULT),
			    "hypervisor fault");
	assert_string_equal(tv_dump_reason_name(TV_DUMP_WATERMARK),
			    "watermark");
	assert_string_equal(tv_dump_reason_name(TV_DUMP_PERIODIC), "periodic");
	assert_null(tv_dump_reason_name(0));
	assert_null(tv_dump_reason_name(TV_DUMP_PERIODIC + 1));
}

/* ---- format version 2: ring records ----------------------------------- */

/* A ring record of vm 1, vcpu 2 at time t. */
static struct tv_rec rec2(unsigned kind, unsigned flags, uint64_t t,
			  uint32_t dt)
{
	struct tv_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = (uint8_t)kind;
	r.flags = (uint8_t)flags;
	r.vm = 1;
	r.vcpu = 2;
	r.time = t;
	r.dt = dt;
	return r;
}

/* An expected event of vm 1, vcpu 2, hart 3. */
static struct tv_record ev2(unsigned kind, unsigned flags, uint64_t t,
			    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			    uint64_t a4, uint64_t a5)
{
	struct tv_record e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.flags = (uint8_t)flags;
	e.vm = 1;
	e.vcpu = 2;
	e.hart = 3;
	e.time = t;
	e.arg[0] = a0;
	e.arg[1] = a1;
	e.arg[2] = a2;
	e.arg[3] = a3;
	e.arg[4] = a4;
	e.arg[5] = a5;
	return e;
}

static void assert_events(const struct tv_record *got, unsigned n,
			  const struct tv_record *want, unsigned nwant)
{
	assert_int_equal(n, nwant);
	for (unsigned i = 0; i < n; i++) {
		assert_record_eq(&got[i], &want[i]);
		assert_int_equal(got[i].hart, want[i].hart);
		assert_int_equal(got[i].cycle, 0);
	}
}

/* Each visit kind splits into the events version 1 recorded for the
 * same exit (trace_record.h, enum tv_visit). */
static void test_v2_split(void **state)
{
	struct tv_record ev[TV_REC_EVENTS_MAX];
	struct tv_rec r;

	(void)state;
	/* An SBI call: BASE get_spec_version, error -2 (as int8 in flags). */
	r = rec2(TV_VISIT_SBI, 0xfe, 1000, 70);
	r.arg[0] = 0x80001000;
	r.arg[1] = (0x10ull << 32) | 0;
	r.arg[2] = 11, r.arg[3] = 12, r.arg[4] = 13, r.arg[5] = 0x2000000;
	{
		struct tv_record want[] = {
			ev2(TV_KIND_EXIT, 0, 1000, 0x80001000, 10, 0, 0, 0, 0),
			ev2(TV_KIND_SBI, 0, 1070, 0x10ull << 32, 11, 12, 13,
			    (uint64_t)-2, 0x2000000),
			ev2(TV_KIND_ENTRY, 0, 1070, 0x80001004, 0, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r, 3, ev), want, 3);
	}
	/* A compressed MMIO store to device 5, the instruction fetched. */
	r = rec2(TV_VISIT_MMIO, TV_F_INSN | TV_V_STORE | TV_V_C | (5 << 4), 2000, 9);
	r.arg[0] = 0x80002000;		/* sepc */
	r.arg[1] = 0x10000007;		/* stval */
	r.arg[2] = 0x10000007 >> 2;	/* htval */
	r.arg[3] = 0;			/* htinst */
	r.arg[4] = (TV_MMIO_INFO(1, 1, 0, 15) << 32) | 0xa39cu;
	r.arg[5] = 0x5a;
	{
		struct tv_record want[] = {
			ev2(TV_KIND_EXIT, TV_F_INSN, 2000, 0x80002000, 23,
			    0x10000007, 0x10000007 >> 2, 0, 0xa39c),
			ev2(TV_KIND_MMIO, 0, 2009, 0x10000007, 0x5a,
			    TV_MMIO_INFO(1, 1, 0, 15), 0xa39c, 5, 0),
			ev2(TV_KIND_ENTRY, 0, 2009, 0x80002002, 0, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r, 3, ev), want, 3);
	}
	/* Any exit: a WFI (virtual instruction), resumed 4 bytes on. */
	r = rec2(TV_VISIT_EXIT, TV_V_PC_FLAGS(4), 3000, 500);
	r.arg[0] = 0x80003000, r.arg[1] = 22, r.arg[2] = 0x10500073;
	{
		struct tv_record want[] = {
			ev2(TV_KIND_EXIT, 0, 3000, 0x80003000, 22, 0x10500073, 0, 0, 0),
			ev2(TV_KIND_ENTRY, 0, 3500, 0x80003004, 0, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r, 3, ev), want, 2);
	}
	/* Format version 3: a supervisor timer interrupt exit that injected
	 * VSTIP, whose entry had it pending: hvip in arg[5], the entry's;
	 * the EXIT has no instruction. */
	r = rec2(TV_VISIT_EXIT, TV_V_HVIP | TV_V_PC_FLAGS(0), 6000, 80);
	r.arg[0] = 0x80006000, r.arg[1] = (1ull << 63) | 5, r.arg[5] = 1u << 6;
	{
		struct tv_record want[] = {
			ev2(TV_KIND_EXIT, 0, 6000, 0x80006000, (1ull << 63) | 5, 0, 0, 0, 0),
			ev2(TV_KIND_ENTRY, 0, 6080, 0x80006000, 1u << 6, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r, 3, ev), want, 2);
	}
	/* An event record is itself; an unknown kind is nothing. */
	r = rec2(TV_KIND_MARK, 0, 4000, 0);
	r.arg[0] = 0x7476;
	{
		struct tv_record want[] = {
			ev2(TV_KIND_MARK, 0, 4000, 0x7476, 0, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r, 3, ev), want, 1);
	}
	r = rec2(TV_KIND_COUNT, 0, 5000, 0);
	assert_int_equal(tv_rec_split(&r, 3, ev), 0);
	r = rec2(TV_VISIT_END, 0, 5000, 0);
	assert_int_equal(tv_rec_split(&r, 3, ev), 0);
}

/*
 * Ring records through the encoder and the decoder: RECORDS3 frames, the
 * events of each record with its index, and the events written during an
 * exit (before its record) delivered after its EXIT; an older event and a
 * LOST record keep their place.
 */
static void test_v2_roundtrip_order(void **state)
{
	struct log l = {0};
	static struct tv_wire_enc e;
	struct tv_rec in[5];
	struct got *g;
	static const struct {
		unsigned kind;
		uint64_t time, index;
	} want[] = {
		{ TV_KIND_MARK, 90, 10 },   /* before the exit: stays first */
		{ TV_KIND_EXIT, 100, 12 },  /* the visit's exit ... */
		{ TV_KIND_IRQ, 105, 11 },   /* ... what happened during it */
		{ TV_KIND_SBI, 110, 12 },
		{ TV_KIND_ENTRY, 110, 12 },
		{ TV_KIND_LOST, 120, 13 },  /* encoder's LOST: at the next */
		{ TV_KIND_IRQ, 120, 14 },   /* nothing after it: delivered
					       at the hart's end */
	};

	(void)state;
	in[0] = rec2(TV_KIND_MARK, 0, 90, 0);
	in[0].arg[0] = 1;
	in[1] = rec2(TV_KIND_IRQ, 0, 105, 0);
	in[1].arg[0] = CAUSE_INTERRUPT | 6;
	in[2] = rec2(TV_VISIT_SBI, 0, 100, 10);
	in[2].arg[0] = 0x80000000;
	in[3] = rec2(TV_KIND_IRQ, 0, 120, 0);
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 10);
	tv_wire_rec(&e, &in[0]);
	tv_wire_rec(&e, &in[1]);
	tv_wire_rec(&e, &in[2]);
	tv_wire_lost(&e, 4);
	tv_wire_rec(&e, &in[3]);
	in[4] = rec2(TV_VISIT_END, 0, 130, 0); /* not encodable */
	tv_wire_rec(&e, &in[4]);
	assert_int_equal(e.dropped, 1);
	tv_wire_hart_end(&e, 9, 4, 4);
	tv_wire_end(&e);
	{
		uint8_t f[TV_WIRE_MAX_FRAME];

		assert_true(line_frame(l.line[1], l.len[1], f) > 0);
		assert_int_equal(f[0], TV_WIRE_RECORDS3);
	}
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(g->rec[i].kind, want[i].kind);
		assert_int_equal(g->rec[i].time, want[i].time);
		assert_int_equal(g->index[i], want[i].index);
		assert_int_equal(g->hart[i], 3);
		assert_int_equal(g->rec[i].vm, 1);
		assert_int_equal(g->rec[i].vcpu, 2);
	}
	assert_int_equal(g->rec[1].arg[0], 0x80000000);
	assert_int_equal(g->rec[4].arg[0], 0x80000004);
	assert_int_equal(g->rec[5].arg[0], 4);
	assert_true(g->end[0].complete);
	got_free(g);
	log_free(&l);
}

/*
 * A time-shared hart as the hypervisor writes it (trace_record.h,
 * TV_KIND_SWITCH): vm1-vcpu2's slice ends in an exit written on its own
 * (an EXIT event record), the SWITCH follows, vm0-vcpu0 resumes with an
 * ENTRY event record, makes an SBI call (a visit), its own slice ends the
 * same way, and vm1-vcpu2's ENTRY comes when it gets the hart back. The
 * decoder delivers them in the order they happened, every SWITCH argument
 * intact.
 */
static void test_v2_switch_order(void **state)
{
	struct log l = {0};
	static struct tv_wire_enc e;
	struct tv_rec in[7];
	struct got *g;
	static const struct {
		unsigned kind, vm, vcpu;
		uint64_t time, index;
	} want[] = {
		{TV_KIND_EXIT, 1, 2, 100, 20},	 {TV_KIND_SWITCH, 1, 2, 110, 21},
		{TV_KIND_ENTRY, 0, 0, 120, 22},	 {TV_KIND_EXIT, 0, 0, 200, 23},
		{TV_KIND_SBI, 0, 0, 210, 23},	 {TV_KIND_ENTRY, 0, 0, 210, 23},
		{TV_KIND_EXIT, 0, 0, 290, 24},	 {TV_KIND_SWITCH, 0, 0, 300, 25},
		{TV_KIND_ENTRY, 1, 2, 310, 26},
	};

	(void)state;
	in[0] = rec2(TV_KIND_EXIT, 0, 100, 0);
	in[0].arg[0] = 0x80000100, in[0].arg[1] = CAUSE_INTERRUPT | 5;
	in[1] = rec2(TV_KIND_SWITCH, 0, 110, 0);
	in[1].arg[0] = 0, in[1].arg[1] = 0, in[1].arg[2] = TV_SWITCH_SLICE;
	in[1].arg[3] = 4321, in[1].arg[4] = 0x8000100000080400ULL;
	in[1].arg[5] = 1;
	in[2] = rec2(TV_KIND_ENTRY, 0, 120, 0);
	in[2].arg[0] = 0xc0000000;
	in[3] = rec2(TV_VISIT_SBI, 0, 200, 10);
	in[3].arg[0] = 0xc0000100;
	in[4] = rec2(TV_KIND_EXIT, 0, 290, 0);
	in[4].arg[0] = 0xc0000200, in[4].arg[1] = CAUSE_INTERRUPT | 5;
	in[5] = rec2(TV_KIND_SWITCH, 0, 300, 0);
	in[5].arg[0] = 1, in[5].arg[1] = 2, in[5].arg[2] = TV_SWITCH_SLICE;
	in[5].arg[3] = 180, in[5].arg[4] = 0x8000200000080800ULL;
	in[6] = rec2(TV_KIND_ENTRY, 0, 310, 0);
	in[6].arg[0] = 0x80000100;
	for (int i = 2; i <= 5; i++)
		in[i].vm = 0, in[i].vcpu = 0;
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 20);
	for (int i = 0; i < 7; i++)
		tv_wire_rec(&e, &in[i]);
	tv_wire_hart_end(&e, 7, 7, 0);
	tv_wire_end(&e);
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(g->rec[i].kind, want[i].kind);
		assert_int_equal(g->rec[i].vm, want[i].vm);
		assert_int_equal(g->rec[i].vcpu, want[i].vcpu);
		assert_int_equal(g->rec[i].time, want[i].time);
		assert_int_equal(g->index[i], want[i].index);
	}
	for (int k = 0; k < TV_NARGS; k++) {
		assert_int_equal(g->rec[1].arg[k], in[1].arg[k]);
		assert_int_equal(g->rec[7].arg[k], in[5].arg[k]);
	}
	got_free(g);
	log_free(&l);
}

/* A RECORDS2 record with a dt of 2^32 or more is malformed, and a
 * visit kind is not one of version 1's RECORDS frames. */
static void test_v2_dt_range(void **state)
{
	struct log l = {0};
	static struct tv_wire_enc e;
	struct got *g;
	struct tv_rec r = rec2(TV_VISIT_EXIT, 0, 100, 0xffffffffu);
	/* A RECORDS2 frame by hand: hart 3, frame_seq 0, first_index 0,
	 * one record: head TV_VISIT_EXIT, time +100 (zigzag 200), dt
	 * 2^32 (zigzag 2^33: 0x80 0x80 0x80 0x80 0x20), six zero args. */
	uint8_t f[64] = { TV_WIRE_RECORDS2, 0, 3, 0, 0, 0, 0, 0 };
	static const uint8_t rec[] = { TV_VISIT_EXIT, 0xc8, 0x01,
				       0x80, 0x80, 0x80, 0x80, 0x20,
				       0, 0, 0, 0, 0, 0 };
	size_t n = 8 + 10;

	(void)state;
	/* The largest dt round-trips. */
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 0);
	tv_wire_rec(&e, &r);
	tv_wire_hart_end(&e, 1, 1, 0);
	tv_wire_end(&e);
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, 2);
	assert_int_equal(g->rec[1].time, 100 + 0xffffffffull);
	got_free(g);
	log_free(&l);

	le(f + 16, 1, 2); /* count */
	memcpy(f + n, rec, sizeof(rec));
	n += sizeof(rec);
	frame_line(&l, f, n, 0);
	f[0] = TV_WIRE_RECORDS; /* the same bytes as a version-1 frame */
	frame_line(&l, f, n, 0);
	g = decode_log(&l);
	assert_int_equal(g->nrec, 0);
	assert_true(g->nerr >= 2);
	assert_non_null(strstr(g->err[0].msg, "record dt out of range"));
	assert_non_null(strstr(g->err[g->nerr - 1].msg, "unknown record kind"));
	got_free(g);
	log_free(&l);
}

/* A visit of BASE's constant calls (format version 4): the entry's time
 * stored whole, no arguments, the fid in flags; the slot's words the
 * hypervisor did not write are not the record's. */
static void test_v4_base_visit(void **state)
{
	struct tv_record ev[TV_REC_EVENTS_MAX];
	struct log l = {0};
	static struct tv_wire_enc e;
	struct got *g;
	struct tv_rec r[2];

	(void)state;
	r[0] = rec2(TV_VISIT_SBI_BASE, SBI_BASE_GET_IMP_ID, 4000, 0);
	r[0].arg[0] = 0x80004000;
	r[0].arg[1] = 4055;		/* the entry's time */
	r[0].arg[2] = 0x1234;		/* the value */
	r[0].arg[3] = 0xdead, r[0].arg[4] = 0xbeef, r[0].arg[5] = 0xf00d; /* stale */
	{
		struct tv_record want[] = {
			ev2(TV_KIND_EXIT, 0, 4000, 0x80004000, 10, 0, 0, 0, 0),
			ev2(TV_KIND_SBI, TV_F_SBI_NOARGS, 4055,
			    (0x10ull << 32) | SBI_BASE_GET_IMP_ID, 0, 0, 0, 0, 0x1234),
			ev2(TV_KIND_ENTRY, 0, 4055, 0x80004004, 0, 0, 0, 0, 0),
		};
		assert_events(ev, tv_rec_split(&r[0], 3, ev), want, 3);
	}
	/* Through the wire, with a second visit whose exit lasted 2^32
	 * ticks and more, which no other visit can carry. */
	r[1] = r[0];
	r[1].time = 5000;
	r[1].arg[1] = 5000 + (1ull << 32) + 7;
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 0);
	tv_wire_rec(&e, &r[0]);
	tv_wire_rec(&e, &r[1]);
	tv_wire_hart_end(&e, 2, 2, 0);
	tv_wire_end(&e);
	g = decode_log(&l);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(g->nrec, 6);
	for (int i = 0; i < 2; i++) {
		unsigned n = tv_rec_split(&r[i], 3, ev);

		assert_int_equal(n, 3);
		for (unsigned k = 0; k < n; k++)
			assert_record_eq(&g->rec[3 * i + k], &ev[k]);
	}
	assert_int_equal(g->rec[4].time, 5000 + (1ull << 32) + 7);
	assert_int_equal(g->rec[4].flags, TV_F_SBI_NOARGS);
	assert_int_equal(g->rec[4].arg[1], 0);
	got_free(g);
	log_free(&l);
}

/* xorshift64: test_v3_keyed()'s values. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * RECORDS3 (trace_wire.h): visits of the three kinds, each of twelve
 * keys (more than the TV_WIRE_VISIT_KEYS a frame remembers, so keys are
 * forgotten and come back), mixed with events; arguments repeated per
 * key or random, the largest values included. Every record comes back
 * as the events tv_rec_split() makes of it, through record() and through
 * events(); and a repeated visit of a remembered key costs a byte per
 * argument.
 */
static void test_v3_keyed(void **state)
{
	enum { N = 3000, KEYS = 12 };
	static struct tv_rec in[N];
	static struct tv_wire_enc e;
	struct log l = {0};
	uint64_t x = 0x9e3779b97f4a7c15ull, t = 1000, index = 0;
	struct got *g, *gb;
	size_t want = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		uint64_t r = next_rand(&x);
		unsigned kind = TV_VISIT_EXIT + (unsigned)(r % (TV_WIRE_VISIT_KINDS + 1));
		unsigned key = (unsigned)((r >> 8) % KEYS);
		int wild = (r >> 16) % 8 == 0; /* arguments not the key's */

		t += 1 + (r >> 20) % 300; /* an event is before the next exit */
		if (kind == TV_VISIT_END) { /* an event between visits */
			in[i] = rec2(TV_KIND_IRQ, 0, t, 0);
			in[i].arg[0] = CAUSE_INTERRUPT | 6;
			in[i].arg[1] = key;
			continue;
		}
		in[i] = rec2(kind, (unsigned)(r >> 24) & (kind == TV_VISIT_MMIO ? 0xf7 : 0x0f), t,
			     wild ? (uint32_t)(r >> 32) : 20 + key);
		for (int a = 0; a < TV_NARGS; a++)
			in[i].arg[a] = wild ? next_rand(&x) >> (next_rand(&x) % 64)
					    : 0xffffffff80001000ull + 0x100ull * key + (uint64_t)a;
		if (wild && key == 0)
			for (int a = 0; a < TV_NARGS; a++)
				in[i].arg[a] = a & 1 ? ~0ull : 1ull << 63;
		in[i].arg[tv_wire_visit_key(kind)] = 0x8000000000000000ull * (key & 1) + key;
	}
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 0);
	for (int i = 0; i < N; i++)
		tv_wire_rec(&e, &in[i]);
	tv_wire_hart_end(&e, N, N, 0);
	tv_wire_end(&e);
	{
		uint8_t f[TV_WIRE_MAX_FRAME];

		assert_true(line_frame(l.line[1], l.len[1], f) > 0);
		assert_int_equal(f[0], TV_WIRE_RECORDS3);
	}
	g = decode_log(&l);
	gb = decode_log_with(&l, &got_ops_batch, 0);
	assert_int_equal(g->nerr, 0);
	assert_int_equal(gb->nerr, 0);
	for (int i = 0; i < N; i++) {
		struct tv_record ev[TV_REC_EVENTS_MAX];
		unsigned n = tv_rec_split(&in[i], 3, ev);

		for (unsigned k = 0; k < n; k++, want++) {
			assert_true(want < g->nrec);
			assert_record_eq(&g->rec[want], &ev[k]);
		}
		index++;
	}
	assert_int_equal(g->nrec, want);
	assert_int_equal(gb->nrec, want);
	for (size_t i = 0; i < want; i++) {
		assert_record_eq(&gb->rec[i], &g->rec[i]);
		assert_int_equal(gb->index[i], g->index[i]);
		assert_int_equal(gb->hart[i], g->hart[i]);
	}
	assert_int_equal(g->index[want - 1], index - 1);
	got_free(g);
	got_free(gb);
	log_free(&l);

	/* Two keys of each kind in turn, each visit as its key's before,
	 * 10 ticks apart with the same dt: head, flags, time, dt, reference
	 * and five arguments of a byte each. */
	memset(&l, 0, sizeof(l));
	tv_wire_enc_init(&e, log_emit, &l);
	tv_wire_begin(&e, &begin_info1);
	tv_wire_hart_begin(&e, 3, 0);
	for (int i = 0; i < 240; i++) {
		unsigned kind = TV_VISIT_EXIT + (unsigned)(i % 3), key = (unsigned)(i / 3) % 2;
		struct tv_rec r = rec2(kind, 4, 100000 + 10 * (uint64_t)i, 7);

		for (int a = 0; a < TV_NARGS; a++)
			r.arg[a] = 0xffffffff80001000ull + 0x123456ull * key * (uint64_t)(a + 1);
		r.arg[tv_wire_visit_key(kind)] = key ? CAUSE_INTERRUPT | 5 : 22;
		tv_wire_rec(&e, &r);
	}
	tv_wire_hart_end(&e, 240, 240, 0);
	tv_wire_end(&e);
	{
		uint8_t f[TV_WIRE_MAX_FRAME];
		long len = line_frame(l.line[1], l.len[1], f);
		unsigned count = f[16] | f[17] << 8;

		assert_true(len > 0);
		assert_true(count >= 60);
		/* frame header, first_index, count, CRC; the first visit of
		 * each key and kind (six) are longer */
		assert_true((size_t)len - 8 - 10 - 4 <= 10 * count + 6 * 60);
		print_message("RECORDS3: %u visits of remembered keys in %ld bytes\n", count, len);
	}
	log_free(&l);
}

/* A RECORDS3 visit whose reference names a slot the frame has not
 * filled, or one past TV_WIRE_VISIT_KEYS, is malformed. */
static void test_v3_bad_reference(void **state)
{
	struct log l = {0};
	struct got *g;
	uint8_t f[64] = {TV_WIRE_RECORDS3, 0, 3, 0, 0, 0, 0, 0};
	/* head TV_VISIT_SBI, time +100 (zigzag 200), dt 0, reference 3
	 * (slot 2: empty), five zero arguments */
	uint8_t rec[] = {TV_VISIT_SBI, 0xc8, 0x01, 0, 3, 0, 0, 0, 0, 0};
	size_t n = 8 + 10;

	(void)state;
	le(f + 16, 1, 2); /* count */
	memcpy(f + n, rec, sizeof(rec));
	frame_line(&l, f, n + sizeof(rec), 0);
	rec[4] = TV_WIRE_VISIT_KEYS + 1;
	memcpy(f + n, rec, sizeof(rec));
	f[4] = 1; /* frame_seq */
	frame_line(&l, f, n + sizeof(rec), 0);
	rec[4] = 0; /* no reference: the key follows, then five more */
	memcpy(f + n, rec, sizeof(rec));
	f[n + sizeof(rec)] = 0;
	f[4] = 2;
	frame_line(&l, f, n + sizeof(rec) + 1, 0);
	g = decode_log(&l);
	/* then the third frame's: a dump without its BEGIN, frames 0..1
	 * missing, and after it its END */
	assert_int_equal(g->nerr, 5);
	assert_non_null(strstr(g->err[0].msg, "visit based on no remembered visit"));
	assert_non_null(strstr(g->err[1].msg, "visit based on no remembered visit"));
	assert_non_null(strstr(g->err[3].msg, "frames 0..1 missing"));
	assert_int_equal(g->nrec, 3); /* the third frame's visit */
	assert_int_equal(g->rec[1].kind, TV_KIND_SBI);
	got_free(g);
	log_free(&l);
}

/* ------------------------------------------------ frame order and index */

/* A hand-built dump, frame after frame, numbered from BEGIN's 0. */
struct hand_dump {
	struct log l;
	uint32_t seq;
};

/* BEGIN of dump `id` (begin_body()'s 7 when not said) for `reason`. */
static void hand_begin_id(struct hand_dump *h, uint16_t nharts, uint64_t id,
			  unsigned reason)
{
	uint8_t b[64];
	size_t n = begin_body(b, 0);

	le(b + 8 + 12, nharts, 2);
	le(b + 8 + 14, reason, 2);
	le(b + 8 + 24, id, 8);
	frame_line(&h->l, b, n, 0);
	h->seq = 1;
}

static void hand_begin(struct hand_dump *h, uint16_t nharts)
{
	hand_begin_id(h, nharts, 7, TV_DUMP_REQUEST);
}

/* A RECORDS frame of hart `hart` holding one MARK record. */
static void hand_records(struct hand_dump *h, unsigned hart, uint64_t first)
{
	uint8_t b[128];
	struct tv_wire_state st;
	struct tv_record r = mkrec(TV_KIND_MARK, 100 + h->seq);
	size_t n = hdr(b, TV_WIRE_RECORDS, hart, h->seq++);

	r.hart = (uint16_t)hart;
	tv_wire_state_reset(&st, (uint16_t)hart);
	le(b + n, first, 8);
	le(b + n + 8, 1, 2);
	n += 10;
	n += tv_wire_encode_record(&st, &r, b + n);
	frame_line(&h->l, b, n, 0);
}

/* A HART frame whose ring says `consumed` records were read since boot. */
static void hand_hart_counts(struct hand_dump *h, unsigned hart, uint64_t consumed,
			     uint64_t lost)
{
	uint8_t b[64];
	size_t n = hdr(b, TV_WIRE_HART, hart, h->seq++);

	memset(b + n, 0, 24);
	le(b + n + 8, consumed, 8);
	le(b + n + 16, lost, 8);
	frame_line(&h->l, b, n + 24, 0);
}

static void hand_hart_consumed(struct hand_dump *h, unsigned hart, uint64_t consumed)
{
	hand_hart_counts(h, hart, consumed, 0);
}

static void hand_hart(struct hand_dump *h, unsigned hart)
{
	hand_hart_consumed(h, hart, 0);
}

/* END only, for a log of several dumps decoded at once. */
static void hand_end_only(struct hand_dump *h)
{
	uint8_t b[32];
	size_t n = hdr(b, TV_WIRE_END, 0, h->seq);

	le(b + n, h->seq + 1, 4);
	frame_line(&h->l, b, n + 4, 0);
}

/* END, then decode; the dump must come out with `errors` errors and
 * `gaps` gaps (losses the decoder reports, hand_end: none). */
static struct got *hand_end_gaps(struct hand_dump *h, int errors, int gaps)
{
	uint8_t b[32];
	size_t n = hdr(b, TV_WIRE_END, 0, h->seq);
	struct got *g;

	le(b + n, h->seq + 1, 4);
	frame_line(&h->l, b, n + 4, 0);
	g = decode_log(&h->l);
	for (int i = 0; i < g->nerr && i < MAX_EV; i++)
		print_message("  decoder: %s\n", g->err[i].msg);
	assert_int_equal(g->nerr, errors);
	assert_int_equal(g->ngap, gaps);
	log_free(&h->l);
	return g;
}

static struct got *hand_end(struct hand_dump *h, int errors)
{
	return hand_end_gaps(h, errors, 0);
}

/* A loss the dump's own indexes or counts tell, with no frame missing:
 * one gap of `lost` records of hart 0 after index `after`. */
static void assert_unsent(const struct got *g, int k, uint64_t lost, uint64_t after)
{
	assert_true(g->gap[k].no_frame_missing);
	assert_true(g->gap[k].records_known);
	assert_int_equal(g->gap[k].records_lost, lost);
	assert_int_equal(g->gap[k].first_index, after);
	assert_int_equal(g->gap[k].hart, 0);
}

/* A RECORDS frame whose first_index does not go on from the hart's
 * previous frame, with no frame missing: records the dump never carried
 * (a jump: also a loss, a gap with no_frame_missing) or carried twice (a
 * step back). Both are reported, the records still delivered with the
 * frame's indexes. */
static void test_first_index_jump_reported(void **state)
{
	struct hand_dump h = {0};
	struct got *g;

	(void)state;
	hand_begin(&h, 1);
	hand_records(&h, 0, 0);
	hand_records(&h, 0, 5);
	hand_records(&h, 0, 6); /* goes on from 5: fine */
	hand_hart(&h, 0);
	g = hand_end_gaps(&h, 1, 1);
	assert_unsent(g, 0, 4, 1);
	assert_true(has_error(g, "frame 2 (hart 0) starts at record 5 but the hart's "
				 "previous frame ended at 1: 4 records missing though "
				 "no frame is"));
	assert_int_equal(g->nrec, 3);
	assert_int_equal(g->index[1], 5);
	got_free(g);

	hand_begin(&h, 1);
	hand_records(&h, 0, 7);
	hand_records(&h, 0, 7);
	hand_hart(&h, 0);
	g = hand_end(&h, 1);
	assert_true(has_error(g, "starts at record 7 but the hart's previous frame "
				 "ended at 8: 1 record carried twice"));
	got_free(g);

	/* The same indexes in well-ordered frames: no error. */
	hand_begin(&h, 1);
	hand_records(&h, 0, 7);
	hand_records(&h, 0, 8);
	hand_hart(&h, 0);
	got_free(hand_end(&h, 0));
}

/* The HART frame's consumed count against the records of the dump: the
 * ring's count since boot, so a dump carries what it moved since the
 * dump before (dump id one less) or, for dump 0, since boot. */
static void test_hart_consumed_checked(void **state)
{
	struct hand_dump h = {0};
	struct got *g;

	(void)state;
	hand_begin_id(&h, 1, 0, TV_DUMP_REQUEST);
	hand_records(&h, 0, 0);
	hand_hart_consumed(&h, 0, 1);
	hand_end_only(&h);
	hand_begin_id(&h, 1, 1, TV_DUMP_WATERMARK); /* 2 more: 3 */
	hand_records(&h, 0, 0);
	hand_records(&h, 0, 1);
	hand_hart_consumed(&h, 0, 3);
	hand_end_only(&h);
	hand_begin_id(&h, 1, 2, TV_DUMP_HYP_FAULT); /* a peek: not checked */
	hand_records(&h, 0, 40);
	hand_hart_consumed(&h, 0, 3);
	hand_end_only(&h);
	hand_begin_id(&h, 1, 3, TV_DUMP_SHUTDOWN); /* says 2, carries 1: 1 lost */
	hand_records(&h, 0, 0);
	hand_hart_counts(&h, 0, 5, 7);
	g = hand_end_gaps(&h, 1, 1);
	assert_unsent(g, 0, 1, 1);
	assert_true(has_error(g, "hart 0: its HART frame says this dump read 2 records "
				 "out of the ring, the dump carries 1 (no frame missing)"));
	assert_int_equal(g->nrec, 5);
	/* Each dump's share of the counts since boot goes to the caller. */
	assert_int_equal(g->ntotals, 4);
	for (int i = 0; i < 4; i++)
		assert_true(g->totals[i].dump_known);
	assert_int_equal(g->totals[0].dump_consumed, 1);
	assert_int_equal(g->totals[1].dump_consumed, 2);
	assert_int_equal(g->totals[2].dump_consumed, 0);
	assert_int_equal(g->totals[3].dump_consumed, 2);
	assert_int_equal(g->totals[3].consumed, 5);
	assert_int_equal(g->totals[3].dump_lost, 7);
	got_free(g);

	/* Dump 0 carries fewer records than its ring read. */
	hand_begin_id(&h, 1, 0, TV_DUMP_SHUTDOWN);
	hand_records(&h, 0, 0);
	hand_hart_consumed(&h, 0, 4);
	g = hand_end_gaps(&h, 1, 1);
	assert_true(has_error(g, "this dump read 4 records out of the ring, the dump "
				 "carries 1"));
	assert_unsent(g, 0, 3, 1);
	got_free(g);

	/* A dump whose dump before is not in the log: nothing to check, its
	 * share unknown; the next dump's is known again, and a count that
	 * went down (another boot) makes it unknown. */
	hand_begin_id(&h, 1, 9, TV_DUMP_SHUTDOWN);
	hand_records(&h, 0, 0);
	hand_hart_counts(&h, 0, 4, 3);
	hand_end_only(&h);
	hand_begin_id(&h, 1, 10, TV_DUMP_SHUTDOWN);
	hand_records(&h, 0, 4);
	hand_hart_counts(&h, 0, 5, 6);
	hand_end_only(&h);
	hand_begin_id(&h, 1, 11, TV_DUMP_SHUTDOWN);
	hand_hart_counts(&h, 0, 5, 2);
	g = hand_end(&h, 0);
	assert_int_equal(g->ntotals, 3);
	assert_false(g->totals[0].dump_known);
	assert_true(g->totals[1].dump_known);
	assert_int_equal(g->totals[1].dump_consumed, 1);
	assert_int_equal(g->totals[1].dump_lost, 3);
	assert_false(g->totals[2].dump_known);
	got_free(g);
}

/* The frame order (trace_wire.h): at most BEGIN's nharts harts, each
 * hart's frames together and its HART frame last, a HART frame for every
 * hart. A dump that breaks it is reported, frame by frame, though no
 * frame is missing and every CRC is right. */
static void test_frame_order_reported(void **state)
{
	struct hand_dump h = {0};
	struct got *g;

	(void)state;
	/* Two harts, one of them BEGIN does not count. */
	hand_begin(&h, 1);
	hand_records(&h, 0, 0);
	hand_hart(&h, 0);
	hand_records(&h, 9, 0);
	hand_hart(&h, 9);
	g = hand_end(&h, 2);
	assert_true(has_error(g, "frame 3 (hart 9) is a hart more than the 1 that "
				 "BEGIN says the dump has"));
	assert_true(has_error(g, "END frame: BEGIN says the dump has 1 hart, HART "
				 "frames came for 2"));
	assert_false(g->end[0].complete);
	assert_int_equal(g->nrec, 2);
	got_free(g);

	/* A hart left without its HART frame. */
	hand_begin(&h, 2);
	hand_records(&h, 0, 0);
	hand_records(&h, 1, 0);
	hand_hart(&h, 1);
	g = hand_end(&h, 2);
	assert_true(has_error(g, "hart 0 ends without its HART frame (no frame missing)"));
	assert_true(has_error(g, "HART frames came for 1"));
	got_free(g);

	/* A hart whose frames are split by another's: counted once (no
	 * "hart more than" in a dump of 2), named, its count not checked. */
	hand_begin(&h, 2);
	hand_records(&h, 0, 0);
	hand_records(&h, 1, 0);
	hand_records(&h, 0, 1);
	hand_hart_consumed(&h, 0, 2);
	hand_hart(&h, 1);
	g = hand_end(&h, 4); /* each hart left, each come back */
	assert_true(has_error(g, "hart 0 ends without its HART frame"));
	assert_true(has_error(g, "hart 1 ends without its HART frame"));
	assert_true(has_error(g, "frame 3 (hart 0) comes after another hart's frames"));
	assert_true(has_error(g, "frame 5 (hart 1) comes after another hart's frames"));
	assert_false(has_error(g, "a hart more than"));
	got_free(g);

	/* A hart whose records come back after its HART frame. */
	hand_begin(&h, 2);
	hand_records(&h, 0, 0);
	hand_hart(&h, 0);
	hand_hart(&h, 1);
	hand_records(&h, 0, 1);
	g = hand_end(&h, 1);
	assert_true(has_error(g, "frame 4 (hart 0) comes after that hart's HART frame"));
	got_free(g);

	/* Records after the hart's HART frame, then a second HART frame:
	 * reported once. */
	hand_begin(&h, 1);
	hand_hart(&h, 0);
	hand_records(&h, 0, 0);
	hand_hart(&h, 0);
	g = hand_end(&h, 1);
	assert_true(has_error(g, "frame 2 (hart 0) carries records after that hart's "
				 "HART frame"));
	got_free(g);

	hand_begin(&h, 1);
	hand_hart(&h, 0);
	hand_hart(&h, 0);
	g = hand_end(&h, 1);
	assert_true(has_error(g, "frame 2 (hart 0) is a second HART frame for that hart"));
	got_free(g);

	/* Hart ids need not be 0..nharts-1 (physical ids): two harts 3 and
	 * 8 in a dump of two are fine. */
	hand_begin(&h, 2);
	hand_records(&h, 3, 0);
	hand_hart(&h, 3);
	hand_hart(&h, 8);
	g = hand_end(&h, 0);
	assert_true(g->end[0].complete);
	got_free(g);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_crc32_table_matches_bitwise),
		cmocka_unit_test(test_crc_check_every_frame_length),
		cmocka_unit_test(test_base64_every_character),
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_base64_rejects_malformed),
		cmocka_unit_test(test_begin_hart_end_frames_exact_bytes),
		cmocka_unit_test(test_records_frame_exact_bytes),
		cmocka_unit_test(test_roundtrip_random_streams),
		cmocka_unit_test(test_fast_paths_match_portable),
		cmocka_unit_test(test_roundtrip_extreme_values),
		cmocka_unit_test(test_roundtrip_many_exit_causes),
		cmocka_unit_test(test_frame_size_boundaries),
		cmocka_unit_test(test_decoder_max_frame_size),
		cmocka_unit_test(test_unencodable_kinds_dropped),
		cmocka_unit_test(test_lost_record_placement),
		cmocka_unit_test(test_crc_damage_detected),
		cmocka_unit_test(test_truncated_lines),
		cmocka_unit_test(test_interleaved_junk_and_positions),
		cmocka_unit_test(test_frames_only_at_line_start),
		cmocka_unit_test(test_lost_frames_exact_counts),
		cmocka_unit_test(test_lost_frames_unknown_counts_and_dump_edges),
		cmocka_unit_test(test_malformed_frames_rejected),
		cmocka_unit_test(test_varints_near_frame_end),
		cmocka_unit_test(test_fuzz_no_crash),
		cmocka_unit_test(test_bytes_per_exit_entry_pair),
		cmocka_unit_test(test_format_text_exact),
		cmocka_unit_test(test_format_text_bounded),
		cmocka_unit_test(test_format_numbers),
		cmocka_unit_test(test_format_text_max_length),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_cause_names),
		cmocka_unit_test(test_sbi_and_kind_names),
		cmocka_unit_test(test_v2_split),
		cmocka_unit_test(test_v2_roundtrip_order),
		cmocka_unit_test(test_v2_switch_order),
		cmocka_unit_test(test_v2_dt_range),
		cmocka_unit_test(test_v3_keyed),
		cmocka_unit_test(test_v4_base_visit),
		cmocka_unit_test(test_v3_bad_reference),
		cmocka_unit_test(test_first_index_jump_reported),
		cmocka_unit_test(test_frame_order_reported),
		cmocka_unit_test(test_hart_consumed_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
