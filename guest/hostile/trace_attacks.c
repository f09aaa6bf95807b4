/*
 * Attacks on the trace itself (issue 13, "Trust the trace"). The guest
 * cannot see the log, so it cannot judge these: each attempt reports what
 * it did, and tests/system/trace_trust.py (run by test_hostile.sh and
 * test_trace_trust.sh) decodes the log with tvtrace and judges what the
 * guest did to the trace (forged records accepted, frames corrupted,
 * records lost that the ring did not count).
 *
 *  - Forgery: a well-formed trace dump (BEGIN, RECORDS with an exit, a
 *    mark and a "guest stopped: shutdown", HART, END), built here from the
 *    wire format of lib/trace_wire.h, printed through every console path
 *    the guest has (DBCN console_write and write_byte, legacy putchar, the
 *    emulated UART's THR) and in every position (line start, after text,
 *    after '\r', pre-escaped, after a partial line cut by a dump, after
 *    256 bytes that fill the hypervisor's line buffer). Every forged dump
 *    carries FORGE_TAG as its id, the exit's sepc, the mark and the stop's
 *    detail, a value nothing else uses: tvtrace must show none of them.
 *  - Concurrent dumps: both vCPUs ask for a dump DUMP_REQUESTS times each,
 *    at once, each request after a numbered mark, while both print lines
 *    (vCPU 1's longer than the hypervisor's line buffer, each written in
 *    two calls). Every dump must decode intact, every mark must be in
 *    exactly one dump, every dump id must differ.
 *  - The cycle column: the guest stops and rewinds its cycle and instret
 *    through SBI PMU while exits are recorded (trace_cycles.c).
 *  - A flood of trace-control calls with tracing off (control_flood):
 *    each writes a CONTROL record, which nothing keeps out
 *    (TV_FILTER_ALWAYS), so a ring with a watermark (tv.watermark) must
 *    still be dumped before they overwrite what the guest did before it
 *    switched tracing off.
 *  - Filter 0 before shutdown (attack_trace_filter_last): the filter change
 *    and the guest's stop must still be recorded.
 */
#include <string.h>

#include "hostile.h"
#include "trace_wire.h"

/* In every forged dump (+ the variant's number), nowhere else. */
#define FORGE_TAG 0xF0F6EDF0F6ED0000UL
/* vCPU v's i-th dump request follows mark MARK_DUMPS + (v << 16) + i. */
#define MARK_DUMPS 0xD0D00000UL
#define DUMP_REQUESTS 200u
/* Trace-control calls the control flood makes with tracing off. */
#define CONTROL_FLOOD 1000u
/* vCPU 1's lines: longer than the hypervisor's 256-byte line buffer. */
#define LONG_LINE 300

static unsigned forged_dumps, forged_lines;

/* ------------------------------------------------------ the forger's wire */

struct forged {
	char text[1024]; /* the dump's lines */
	size_t len;
	unsigned lines;
};

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static size_t base64(const uint8_t *in, size_t n, char *out)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	return o;
}

static void le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	for (; v >= 0x80; v >>= 7)
		p[n++] = (uint8_t)(v | 0x80);
	p[n++] = (uint8_t)v;
	return n;
}

/* zigzag(v - 0): every forged argument is a difference from zero. */
static size_t zz(uint8_t *p, uint64_t v)
{
	return varint(p, (v << 1) ^ (0 - (v >> 63)));
}

/* Frame header: type, flags 0, hart 0, frame_seq. */
static void header(uint8_t *f, unsigned type, uint32_t seq)
{
	memset(f, 0, TV_WIRE_HEADER_SIZE);
	f[0] = (uint8_t)type;
	le(f + 4, seq, 4);
}

/* CRC trailer, prefix, base64, newline. */
static void add_frame(struct forged *d, uint8_t *f, size_t len)
{
	le(f + len, crc32(f, len), 4);
	len += TV_WIRE_CRC_SIZE;
	memcpy(d->text + d->len, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
	d->len += TV_WIRE_PREFIX_LEN;
	d->len += base64(f, len, d->text + d->len);
	d->text[d->len++] = '\n';
	d->lines++;
}

/* A complete dump that says: one hart, an ECALL exit at sepc `id`, a mark
 * `id`, the guest stopped (shutdown, detail `id`). */
static void forge_dump(struct forged *d, uint64_t id)
{
	uint8_t f[128], *p;

	d->len = 0;
	d->lines = 0;
	header(f, TV_WIRE_BEGIN, 0);
	memset(f + 8, 0, TV_WIRE_BEGIN_PAYLOAD);
	le(f + 8, TV_FORMAT_VERSION, 4);
	le(f + 12, mach.timebase_hz, 8);
	le(f + 20, 1, 2);
	le(f + 22, TV_DUMP_SHUTDOWN, 2);
	le(f + 24, 4096, 4);
	le(f + 32, id, 8);
	add_frame(d, f, TV_WIRE_HEADER_SIZE + TV_WIRE_BEGIN_PAYLOAD);

	header(f, TV_WIRE_RECORDS, 1);
	le(f + 8, 0, 8);  /* first_index */
	le(f + 16, 3, 2); /* count */
	p = f + 18;
	*p++ = TV_KIND_EXIT; /* time 1000, cycle 0, scause 10 (rotl1: 20) */
	p += zz(p, 1000);
	p += zz(p, 0);
	p += varint(p, 20);
	p += zz(p, id); /* sepc; stval, htval, htinst, insn 0 */
	for (int i = 0; i < 4; i++)
		p += zz(p, 0);
	*p++ = TV_KIND_MARK;
	p += zz(p, 1);
	p += zz(p, 0);
	p += zz(p, id);
	*p++ = TV_KIND_STOP;
	p += zz(p, 1);
	p += zz(p, 0);
	p += zz(p, TV_STOP_SHUTDOWN);
	p += zz(p, id);
	add_frame(d, f, (size_t)(p - f));

	header(f, TV_WIRE_HART, 2);
	le(f + 8, 3, 8);
	le(f + 16, 3, 8);
	le(f + 24, 0, 8);
	add_frame(d, f, TV_WIRE_HEADER_SIZE + TV_WIRE_HART_PAYLOAD);

	header(f, TV_WIRE_END, 3);
	le(f + 8, 4, 4);
	add_frame(d, f, TV_WIRE_HEADER_SIZE + TV_WIRE_END_PAYLOAD);
}

/* ----------------------------------------------------- console paths */

static void dbcn_write(const char *s, size_t n)
{
	/* Guest RAM is identity-mapped: the address is the GPA. */
	sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, n, (uintptr_t)s, 0);
}

static void dbcn_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)s[i], 0, 0);
}

void legacy_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbi_legacy(SBI_EXT_0_1_CONSOLE_PUTCHAR, (uint8_t)s[i], NULL);
}

/* The THR, with DLAB and loopback off (an earlier attack may have left
 * either set). */
static void uart_bytes(const char *s, size_t n)
{
	volatile uint8_t *uart = (volatile uint8_t *)GPA_UART;
	uart[3] = 0x03; /* LCR: 8N1, DLAB 0 */
	uart[4] = 0;	/* MCR: no loopback */
	for (size_t i = 0; i < n; i++)
		uart[0] = (uint8_t)s[i];
}

/* Each line of the dump with `before` in front of it, through DBCN. */
static void dbcn_each_line(const struct forged *d, const char *before)
{
	static char buf[sizeof(d->text) + 256];
	size_t n = 0, blen = strlen(before);
	for (size_t i = 0; i < d->len; i++) {
		if (i == 0 || d->text[i - 1] == '\n') {
			memcpy(buf + n, before, blen);
			n += blen;
		}
		buf[n++] = d->text[i];
	}
	dbcn_write(buf, n);
}

/* ------------------------------------------------------------- forgery */

enum forge_way {
	LINE_START_DBCN, LINE_START_LEGACY, LINE_START_BYTE, LINE_START_UART,
	AFTER_TEXT, AFTER_CR, PRE_ESCAPED, AFTER_DUMP, AFTER_FULL_BUFFER,
	FORGE_WAYS
};

static const char *const forge_what[FORGE_WAYS] = {
	[LINE_START_DBCN] = "at line starts, one DBCN console_write",
	[LINE_START_LEGACY] = "at line starts, legacy console_putchar byte by byte",
	[LINE_START_BYTE] = "at line starts, DBCN console_write_byte byte by byte",
	[LINE_START_UART] = "at line starts, the emulated UART's THR byte by byte",
	[AFTER_TEXT] = "after guest text on each line",
	[AFTER_CR] = "after a carriage return on each line",
	[PRE_ESCAPED] = "pre-escaped, each line starting '~~'",
	[AFTER_DUMP] = "after a partial line and a trace dump request",
	[AFTER_FULL_BUFFER] = "after 256 bytes that fill the hypervisor's line buffer",
};

static void forge_one(enum forge_way way)
{
	static struct forged d;
	static char filler[256];
	static const char cut[] = "hostile: a line cut by a dump: ";
	uint64_t id = FORGE_TAG + way + 1;
	char what[160], got[64];

	attempt_begin();
	forge_dump(&d, id);
	switch (way) {
	case LINE_START_DBCN: dbcn_write(d.text, d.len); break;
	case LINE_START_LEGACY: legacy_bytes(d.text, d.len); break;
	case LINE_START_BYTE: dbcn_bytes(d.text, d.len); break;
	case LINE_START_UART: uart_bytes(d.text, d.len); break;
	case AFTER_TEXT: dbcn_each_line(&d, "hostile: forged> "); break;
	case AFTER_CR: dbcn_each_line(&d, "\r"); break;
	case PRE_ESCAPED: dbcn_each_line(&d, "~"); break;
	case AFTER_DUMP:
		dbcn_write(cut, strlen(cut));
		sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_DUMP, 0, 0, 0);
		dbcn_write(d.text, d.len);
		break;
	case AFTER_FULL_BUFFER:
		memset(filler, '.', sizeof(filler));
		dbcn_write(filler, sizeof(filler));
		dbcn_write(d.text, d.len);
		break;
	default: break;
	}
	forged_dumps++;
	forged_lines += d.lines;
	snprintf(what, sizeof(what), "forged trace dump %#lx %s (tvtrace must reject it)",
		 (unsigned long)id, forge_what[way]);
	snprintf(got, sizeof(got), "%u frame lines printed", d.lines);
	attempt_end(what, got, got, CONTAINED);
}

/* ------------------------------------------------------- concurrent dumps */

static volatile bool dumps_go, second_done;
static unsigned long second_stack[1024] __attribute__((aligned(16)));

/* One dump request after its mark. */
static void mark_and_dump(unsigned vcpu, unsigned i)
{
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_DUMPS + (vcpu << 16) + i, 0, 0);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_DUMP, 0, 0, 0);
}

/* What vCPU 1 runs instead, when a variant sets it (tickstop.c). */
void (*volatile hostile_second_job)(void);

/* vCPU 1 (MMU off, no stdio): requests, and lines longer than the
 * hypervisor's line buffer written in two DBCN calls, so a line is in
 * progress across exits while vCPU 0's dumps go out. */
void hostile_second_main(unsigned long hart, unsigned long opaque)
{
	static char line[LONG_LINE];
	static const char head[] = "hostile: vCPU 1, a line longer than the hypervisor's buffer, ";
	(void)hart;
	(void)opaque;
	if (hostile_second_job)
		hostile_second_job(); /* does not return */
	while (!dumps_go)
		;
	for (unsigned i = 0; i < DUMP_REQUESTS; i++) {
		mark_and_dump(1, i);
		memset(line, '-', sizeof(line));
		memcpy(line, head, sizeof(head) - 1);
		line[sizeof(head) - 1] = (char)('0' + i % 10);
		line[sizeof(line) - 1] = '\n';
		dbcn_write(line, 200);
		dbcn_write(line + 200, sizeof(line) - 200);
	}
	__atomic_store_n(&second_done, true, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* Start vCPU 1 if the VM has one; true when it runs. */
static bool start_second(void)
{
	if (mach.nharts < 2)
		return false;
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1,
				   (uintptr_t)hostile_second_entry,
				   (uintptr_t)(second_stack + sizeof(second_stack) /
								   sizeof(second_stack[0])));
	return r.error == SBI_SUCCESS;
}

/* Wait (at most 60 s) for vCPU 1 to finish and stop. The wait makes no
 * exits until vCPU 1 says it is done (they would fill the trace). */
static bool second_stopped(void)
{
	uint64_t until = csr_read(CSR_TIME) + 60 * mach.timebase_hz;
	while (!__atomic_load_n(&second_done, __ATOMIC_ACQUIRE))
		if (csr_read(CSR_TIME) >= until)
			return false;
	while (csr_read(CSR_TIME) < until) {
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0);
		if (r.error == 0 && r.value == SBI_HSM_STATE_STOPPED)
			return true;
	}
	return false;
}

static void concurrent_dumps(void)
{
	char what[200], got[96], want[96];
	unsigned vcpus = mach.nharts >= 2 ? 2 : 1;

	attempt_begin();
	dumps_go = false;
	second_done = false;
	bool two = start_second();
	__atomic_store_n(&dumps_go, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < DUMP_REQUESTS; i++) {
		mark_and_dump(0, i);
		printf("hostile: vCPU 0, dump request %u\n", i);
	}
	bool stopped = two && second_stopped();
	snprintf(what, sizeof(what),
		 "%u trace dump requests from each of %u vCPU(s) at once, after marks %#lx + "
		 "(vCPU << 16) + n (every dump must decode intact)",
		 DUMP_REQUESTS, vcpus, MARK_DUMPS);
	snprintf(want, sizeof(want), "%u requests made%s", DUMP_REQUESTS * vcpus,
		 vcpus == 2 ? ", vCPU 1 finished and stopped" : "");
	snprintf(got, sizeof(got), "%u requests made%s", DUMP_REQUESTS * (two ? 2u : 1u),
		 !two ? "" : stopped ? ", vCPU 1 finished and stopped" : ", vCPU 1 did not finish");
	attempt_end(what, got, want, strcmp(got, want) ? DIFFERS : CONTAINED);
}

/*
 * Tracing switched off, then CONTROL_FLOOD filter calls (every kind
 * kept: mask TV_FILTER_ALL) as fast as the guest can make them, then
 * tracing on again. Each call writes a CONTROL record whether tracing is
 * on or off (TV_FILTER_ALWAYS), more than a small ring holds. A ring
 * with a watermark must be dumped when it crosses it, also while tracing
 * is off, or these records overwrite the ones before them (overwrite
 * mode) or the ones after them are dropped (stop mode): a guest would
 * erase its own recent past from a trace that was to keep it.
 * tests/system/test_trace_trust.sh: all CONTROL_FLOOD records are in the
 * trace and, under tv.watermark, no record is lost.
 */
static void control_flood(void)
{
	char what[160], got[64], want[64];
	unsigned ok = 0;

	attempt_begin();
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_STOP, 0, 0, 0);
	for (unsigned i = 0; i < CONTROL_FLOOD; i++)
		ok += sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_FILTER, TV_FILTER_ALL, 0, 0).error ==
		      SBI_SUCCESS;
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_START, 0, 0, 0);
	snprintf(what, sizeof(what),
		 "%u trace filter(%#x) calls with tracing off (each a CONTROL record the "
		 "ring's watermark must dump in time)", CONTROL_FLOOD, TV_FILTER_ALL);
	snprintf(want, sizeof(want), "%u filter calls accepted", CONTROL_FLOOD);
	snprintf(got, sizeof(got), "%u filter calls accepted", ok);
	attempt_end(what, got, want, ok == CONTROL_FLOOD ? CONTAINED : DIFFERS);
}

void attack_trace(void)
{
	for (int way = 0; way < FORGE_WAYS; way++)
		forge_one((enum forge_way)way);
	printf("hostile: forged %u trace dumps, %u frame lines, ids %#lx..%#lx\n",
	       forged_dumps, forged_lines, FORGE_TAG + 1, FORGE_TAG + forged_dumps);
	concurrent_dumps();
	attack_trace_cycles();
	control_flood();
}

/* The last attempt: filter every kind out, then shut down. The CONTROL
 * record of the filter change and the STOP record must still be there. */
void attack_trace_filter_last(void)
{
	attempt_begin();
	struct sbiret r = sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_FILTER, 0, 0, 0);
	attempt_end("trace filter 0 just before shutdown (the filter change and the guest's "
		    "stop must still be recorded)",
		    r.error == SBI_SUCCESS ? "filter accepted" : sbi_err_text(r.error),
		    "filter accepted", r.error == SBI_SUCCESS ? CONTAINED : DIFFERS);
}

/* ------------------------------------------------- forged text-dump lines */

/* The UART's THR, split: the first part of a line, then a wait and an
 * LSR read, which make the hypervisor show the unfinished line (a prompt
 * shows before input is read), then the rest. */
static void uart_split(const char *s, size_t cut)
{
	volatile uint8_t *uart = (volatile uint8_t *)GPA_UART;
	uart_bytes(s, cut);
	for (uint64_t t = csr_read(CSR_TIME); csr_read(CSR_TIME) - t < mach.timebase_hz / 200;)
		;
	(void)uart[5];
	uart_bytes(s + cut, strlen(s + cut));
}

/* The hypervisor's own messages ("tracevisor: ..."), imitated at the
 * start of a console line by every path: whole, byte by byte, after a
 * '\r', and cut by a partial flush inside the tag and right after it.
 * Each carries the tag; tests/system/test_trace_trust.sh: no line that
 * begins with the hypervisor's tag may carry it. */
static void forge_hyp_lines(uint64_t id)
{
	static char line[160];
	size_t n = (size_t)snprintf(line, sizeof(line),
				    "tracevisor: guest stopped (shutdown, reason %lu) after 1 exits\n"
				    "tracevisor: shutting down: success\n",
				    (unsigned long)id);
	static char cr[sizeof(line) + 2];
	dbcn_write(line, n);
	legacy_bytes(line, n);
	dbcn_bytes(line, n);
	uart_bytes(line, n);
	cr[0] = '\r';
	memcpy(cr + 1, line, n);
	dbcn_write(cr, n + 1);
	uart_split(line, 6);  /* "tracev" | "isor: ..." */
	uart_split(line, 12); /* "tracevisor: " | "guest stopped ..." */
	/* and a line of the guest's own that starts like the tag, shown
	 * early after its "t": held back, not escaped (a Linux console
	 * polls LSR between bytes, so this happens in any line) */
	uart_split("tvguest: not the tag\n", 1);
	printf("hostile: forged 14 hypervisor lines through 7 ways, reason %lu\n",
	       (unsigned long)id);
}

/* The UART's THR, split like uart_split() at `cut` (bytes, NULs too). */
static void uart_split_n(const char *s, size_t cut, size_t n)
{
	volatile uint8_t *uart = (volatile uint8_t *)GPA_UART;
	uart_bytes(s, cut);
	for (uint64_t t = csr_read(CSR_TIME); csr_read(CSR_TIME) - t < mach.timebase_hz / 200;)
		;
	(void)uart[5];
	uart_bytes(s + cut, n - cut);
}

/*
 * The same forged hypervisor line, and a forged text-dump line, after
 * bytes a terminal does not show or acts on: a '\r' after text, a NUL,
 * backspaces, a zero-width space, ANSI escape sequences (erase the line
 * and cursor to column 1; the 8-bit CSI as UTF-8 encodes it; a window
 * title, which ends with a BEL), and a '\r' or an escape sequence cut by
 * a partial flush. In a log they do not begin a line; on a terminal,
 * which returns the cursor or hides the bytes, they are the first a
 * person sees of it. Each must carry the console's escape right before
 * the tag, or before the '~': tests/system/test_trace_trust.sh.
 */
static void forge_behind_controls(uint64_t id)
{
	static const struct {
		const char *head;
		size_t len;
	} before[] = {
#define B(s) { s, sizeof(s) - 1 }
		B("abc\r"), B("\0"), B("abc\b\b\b"), B("abc\x1b[2K\x1b[1G"),
		B("abc\xc2\x9b" "1G"), B("\x1b]0;t\x07"), B("\xe2\x80\x8b"),
#undef B
	};
	static char line[96], buf[160];
	size_t n = (size_t)snprintf(line, sizeof(line),
				    "tracevisor: guest stopped (shutdown, reason %lu) after 1 exits\n",
				    (unsigned long)id);
	unsigned forged = 0;

	for (size_t k = 0; k < sizeof(before) / sizeof(before[0]); k++) {
		memcpy(buf, before[k].head, before[k].len);
		memcpy(buf + before[k].len, line, n);
		dbcn_write(buf, before[k].len + n);
		forged++;
	}
	/* Cut by a partial flush: after "abc\r", inside "ESC[1G". */
	memcpy(buf, "abc\r", 4);
	memcpy(buf + 4, line, n);
	uart_split_n(buf, 4, 4 + n);
	memcpy(buf, "abc\x1b[1G", 7);
	memcpy(buf + 7, line, n);
	uart_split_n(buf, 5, 7 + n);
	forged += 2;
	/* Rule 3 behind a '\r' and an escape sequence: a text-dump line. */
	n = (size_t)snprintf(buf, sizeof(buf),
			     "abc\r~vm0-vcpu0 [000] 0.000004: tv_mark: VALUE:0x%lx\n"
			     "abc\x1b[1G~vm0-vcpu0 [000] 0.000004: tv_mark: VALUE:0x%lx\n",
			     (unsigned long)id, (unsigned long)id);
	dbcn_write(buf, n);
	printf("hostile: forged %u hypervisor lines and 2 text-dump lines behind terminal "
	       "controls, reason %lu\n", forged, (unsigned long)id);
	/* An escape sequence left open at the end of a line, which would
	 * take the first byte of the next (a frame's '~', the hypervisor's
	 * 't'): ended by the guest's own newline, and by the one the console
	 * writes when another stream's text follows a partial flush. */
	dbcn_write("open1\x1b[\n", 8);
	uart_split_n("open2\x1b[", 7, 7);
	dbcn_write("then text\n", 10);
	uart_bytes("\n", 1);
	printf("hostile: left 2 escape sequences open at a line end\n");
}

/*
 * hostile=textforge (run with tv.dump=text or both): the trace's text
 * form, the hypervisor's ftrace-style dump lines, imitated. Each forged
 * line says what the guest did not do (an exit at FORGE_TAG, a mark and
 * a stop carrying it) in the exact form of tv_format_text(), at the start
 * of a console line, through every console path, and once pre-escaped
 * with the '~' the hypervisor puts in front of its own text-dump lines.
 * tests/system/test_trace_trust.sh: no line the hypervisor's text dump
 * is made of may carry FORGE_TAG.
 */
void variant_textforge(void)
{
	static char text[1024];
	size_t n = 0;
	unsigned lines = 0;
	uint64_t id = FORGE_TAG + 0x100;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "vm0-vcpu0 [000] 0.000001: kvm_exit: SEPC:0x%lx, "
			      "SCAUSE:0xa, STVAL:0x0, HTVAL:0x0, HTINST:0x0\n",
			      (unsigned long)id);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "vm0-vcpu0 [000] 0.000002: tv_mark: VALUE:0x%lx\n",
			      (unsigned long)id);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "vm0-vcpu0 [000] 0.000003: tv_stop: REASON:shutdown, DETAIL:0x%lx\n",
			      (unsigned long)id);
	lines = 3;
	dbcn_write(text, n);
	legacy_bytes(text, n);
	dbcn_bytes(text, n);
	uart_bytes(text, n);
	{
		static struct forged d;
		memcpy(d.text, text, n);
		d.len = n;
		dbcn_each_line(&d, "~");
	}
	printf("hostile: forged %u text-dump lines through 5 ways, tag %#lx\n", 5 * lines,
	       (unsigned long)id);
	forge_hyp_lines(id);
	forge_behind_controls(id);
	guest_shutdown(false);
}

/*
 * hostile=switchflood, on a hart another VM's vCPU shares (tv.vmN=...,
 * harts:0): tracing switched off for SWITCHFLOOD_MS, the guest spinning
 * without an exit of its own. The scheduler still writes a SWITCH record
 * at every turn (TV_FILTER_ALWAYS: a guest cannot hide that another VM
 * ran), a hundred a second at the default 10 ms slice, more than a small
 * ring holds. A ring with a watermark (tv.watermark) must be dumped when
 * it crosses it, tracing off or not, or they overwrite what came before
 * them. tests/system/test_trace_trust.sh: no record lost.
 */
#define SWITCHFLOOD_MS 4000u
void variant_switchflood(void)
{
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_STOP, 0, 0, 0);
	uint64_t t0 = csr_read(CSR_TIME);
	while (csr_read(CSR_TIME) - t0 < SWITCHFLOOD_MS * (mach.timebase_hz / 1000))
		;
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_START, 0, 0, 0);
	printf("hostile: switchflood: tracing off for %u ms on a shared hart\n", SWITCHFLOOD_MS);
	guest_shutdown(false);
}
