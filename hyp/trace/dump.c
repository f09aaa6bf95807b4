/*
 * Dumping the rings over the console, in the compact framed encoding that
 * tools/tvtrace decodes (lib/trace_wire.c) and/or as ftrace-style text
 * lines (tv.dump=compact|text|both|none).
 */
#include "../core/console.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "trace.h"
#include "trace_ring.h"
#include "trace_wire.h"

extern struct tv_ring trace_rings[MAX_HARTS];

static struct tv_wire_enc enc;
static uint64_t dump_id;

static void emit_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	console_write(line, len);
}

static void text_line(const struct tv_record *r)
{
	char buf[TV_FORMAT_TEXT_MAX + 1];
	int n = tv_format_text(r, platform.timebase_hz, buf, sizeof(buf) - 1);
	if (n > 0 && n < (int)sizeof(buf) - 1) {
		buf[n] = '\n';
		console_write(buf, (size_t)n + 1);
	}
}

static void text_lost(uint16_t hart, uint64_t lost)
{
	struct tv_record r = { .kind = TV_KIND_LOST, .hart = hart };
	r.arg[0] = lost;
	text_line(&r);
}

/* Read one hart's ring: consuming (normal dumps) or peeking (after a fault,
 * where nothing may change and nothing may wait). */
static void dump_ring(int i, bool peek, bool compact, bool text)
{
	struct tv_ring *ring = &trace_rings[i];
	uint16_t hart = (uint16_t)platform.hart_id[i];
	struct tv_ring_cursor cur;
	struct tv_record r;
	uint64_t lost;

	if (peek)
		tv_ring_cursor_oldest(ring, &cur);
	if (compact)
		tv_wire_hart_begin(&enc, hart, peek ? cur.pos : 0);
	for (;;) {
		int got = peek ? tv_ring_peek(ring, &cur, &r, &lost)
			       : tv_ring_consume(ring, &r, &lost);
		if (lost) {
			if (compact)
				tv_wire_lost(&enc, lost);
			if (text)
				text_lost(hart, lost);
		}
		if (!got)
			break;
		if (compact)
			tv_wire_record(&enc, &r);
		if (text)
			text_line(&r);
	}
	if (compact)
		tv_wire_hart_end(&enc, tv_ring_offered(ring), tv_ring_consumed(ring),
				 tv_ring_lost(ring));
}

static void dump_all(unsigned reason, bool peek)
{
	bool compact = opt.dump == DUMP_COMPACT || opt.dump == DUMP_BOTH;
	bool text = opt.dump == DUMP_TEXT || opt.dump == DUMP_BOTH;
	if (opt.dump == DUMP_NONE)
		return;
	console_flush();
	hyp_log("trace dump %llu (%s): %d hart(s), %u slots per ring\n",
		(unsigned long long)dump_id, tv_dump_reason_name(reason),
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
			.dump_id = dump_id,
		};
		tv_wire_enc_init(&enc, emit_line, NULL);
		tv_wire_begin(&enc, &info);
	}
	for (int i = 0; i < platform.nharts; i++)
		dump_ring(i, peek, compact, text);
	if (compact)
		tv_wire_end(&enc);
	console_flush();
	hyp_log("trace dump %llu ends\n", (unsigned long long)dump_id);
	dump_id++;
}

void trace_dump(unsigned reason)
{
	dump_all(reason, false);
}

void trace_dump_fault(void)
{
	dump_all(TV_DUMP_HYP_FAULT, true);
}

void trace_check_watermark(struct vcpu *v)
{
	if (v->ring && tv_ring_fill(v->ring) >= trace_watermark_fill)
		trace_dump(TV_DUMP_WATERMARK);
}
