/*
 * Console output through the SBI firmware. The hypervisor owns every byte
 * that reaches the console - its own messages, the guests' console output
 * (SBI DBCN, legacy putchar, the emulated UART's THR) and the trace dumps -
 * and keeps three rules (docs/trace-format.md, "Who may write a frame"):
 *
 * 1. Text lines stay whole. Each writer (a hart's own text, a vCPU's SBI
 *    console, a UART) collects text in its own line buffer and writes it
 *    under console_lock when the line ends (or the buffer is full), so
 *    DBCN (one SBI call per buffer) and legacy putchar (one call per byte)
 *    both see whole lines. picolibc's stdio (printf) writes here through
 *    `stdout`.
 * 2. A trace dump line (console_write_frame: a frame, or a record of the
 *    text dump, "~" and its ftrace-style line) is written whole in one
 *    locked section and starts a console line: when the current line is
 *    not empty, a newline goes first. Nothing lands inside a frame line and
 *    no text precedes a frame on its line.
 * 3. Only dump lines (and progress lines, "~TVP:", which are written the
 *    same way but only at a line start) begin a console line with '~'. When any other text
 *    would put '~' first on a line (after nothing but '\r'), one more '~'
 *    is written in front of it, the way mbox quotes "From " lines. tvtrace
 *    accepts a frame only at the start of a line, so no guest output, by
 *    whatever path, can be read as a frame, nor as a text-dump record.
 * 4. Only the hypervisor begins a console line with its tag, HYP_TAG
 *    ("tracevisor:"): a guest's line that would (after nothing but '\r')
 *    gets the same '~' in front, so a guest cannot pass its text for the
 *    hypervisor's messages ("guest stopped", "shutting down: success").
 *    A partial flush (a prompt shown before the line ends) keeps back a
 *    start of the tag at its end until the rest tells. With several VMs a guest's lines begin with its
 *    VM's prefix anyway.
 * Rules 3 and 4 take a line to begin where a log begins one and also
 * where a terminal may show the next byte first on its row: after
 * "abc\r", backspaces, a NUL, or an escape sequence that may move the
 * cursor or hide text (term_byte), so the '~' is what a person sees first.
 *
 * The escapes cost a few tests per byte on the console path only; the exit
 * and trace paths never come here.
 */
#include "console.h"

#include "../sbi/firmware.h"
#include "smp.h"
#include "spinlock.h"
#include "vcpu.h"

/* The hypervisor's own text is buffered per hart. A guest's text has a
 * struct console_stream (console.h) per vCPU (SBI DBCN, legacy putchar)
 * or per device (the UART: what the guest sent through it comes out in
 * the device's order whichever vCPU sent each byte), never the hart's:
 * vCPUs of different VMs take turns on a time-shared hart, and a line one
 * began must not be finished by another's text under the first's prefix. */

static struct console_stream lines[MAX_HARTS];
static spinlock_t console_lock;

/* Where the console stands, as written so far (guarded by console_lock):
 * col0 - the last byte was '\n' (or nothing was written yet);
 * blank - nothing but '\r' since the last '\n', so a '~' now would be the
 * first visible character of its line (a log whose '\r' were deleted
 * would show it first);
 * term - where a terminal that shows the console stands (term_byte). */
static bool col0 = true, blank = true;

/* What a terminal makes of the bytes so far, as far as it matters for
 * where a line begins on it: col - the cursor's column, or less (0: what
 * comes next may be the first character it shows on its line); mode -
 * where its escape sequence parser stands (ECMA-48: in text, after ESC and
 * its intermediate bytes, in a control sequence, or in a control string -
 * OSC, DCS, SOS, PM, APC - which it does not show); after_c2 - the last
 * byte was 0xc2, which in UTF-8 begins the C1 controls U+0080-U+009F,
 * which xterm obeys. */
struct term_state {
	unsigned col;
	bool after_c2;
	enum { TERM_TEXT, TERM_ESC, TERM_CSI, TERM_STRING } mode;
};
static struct term_state term;

/*
 * Follow one byte as a terminal would. The column is never overestimated
 * (it may be too low, which only escapes more): '\r' returns it to 0 and
 * a backspace moves it back; NUL and the other controls show nothing; a
 * multibyte UTF-8 character may take no room (U+200B) and counts none;
 * a tab moves at least one column on. An escape sequence may move the
 * cursor anywhere (ESC[1G, ESC 8): after one the column is taken as 0,
 * but after those that only colour or erase (SGR 'm', EL 'K', ED 'J')
 * and after a window title (OSC), which are common inside a line. A line
 * editor's echo after a backspace thus stays unescaped; text a guest puts
 * where a terminal shows it first on its line is escaped.
 */
static void term_byte(struct term_state *t, unsigned char c)
{
	bool c1 = t->after_c2 && c >= 0x80 && c <= 0x9f;
	t->after_c2 = t->mode == TERM_TEXT && c == 0xc2;
	if (c == 0x18 || c == 0x1a) { /* CAN, SUB: cancel a sequence */
		t->mode = TERM_TEXT;
	} else if (c == 0x1b) {
		t->mode = TERM_ESC;
	} else if (t->mode == TERM_STRING) {
		if (c == 0x07) /* BEL ends an OSC (ESC \ any string) */
			t->mode = TERM_TEXT;
	} else if (c == '\r' || c == '\n') {
		t->col = 0; /* obeyed inside a sequence too */
	} else if (c == '\b') {
		t->col -= t->col > 0;
	} else if (c < 0x20 || c == 0x7f) {
		t->col += c == '\t'; /* the others show nothing */
	} else if (t->mode == TERM_ESC) {
		if (c == '[') {
			t->mode = TERM_CSI;
		} else if (c == ']') {
			t->mode = TERM_STRING;
		} else if (c > 0x2f) { /* not an intermediate byte: it ends */
			t->mode = c == 'P' || c == 'X' || c == '^' || c == '_' ? TERM_STRING
										: TERM_TEXT;
			t->col = 0;
		}
	} else if (t->mode == TERM_CSI) {
		if (c >= 0x40 && c <= 0x7e) { /* the final byte */
			t->mode = TERM_TEXT;
			if (c != 'm' && c != 'K' && c != 'J')
				t->col = 0;
		}
	} else if (c1) {
		t->mode = c == 0x9b ? TERM_CSI
			  : c == 0x90 || c == 0x98 || c == 0x9d || c == 0x9e || c == 0x9f
			  ? TERM_STRING
			  : TERM_TEXT;
		if (c != 0x9b && c != 0x9d)
			t->col = 0;
	} else if (c < 0x80) {
		t->col++; /* wraps to 0 only after 4 GiB: an escape more */
	}
}

/* Whether the next byte would begin a line, in a log (only '\r' since
 * the last '\n') or on a terminal (it may be the first shown there). */
static bool line_start(bool blank_now, const struct term_state *t)
{
	return blank_now || (t->col == 0 && t->mode == TERM_TEXT);
}

/* The stream whose text the current console line holds when that line is
 * unfinished (NULL at a line start): another stream's text starts a new
 * line rather than land inside it. */
static const struct console_stream *line_owner;

/* This hart's buffer: tp holds the vcpu it runs once the hypervisor has
 * set it up (before that only the boot hart runs, with slot 0). */
static struct console_stream *my_line(void)
{
	unsigned slot = vcpu_slot_of(this_vcpu());
	return &lines[slot < MAX_HARTS ? slot : 0];
}

/* A newline written inside an escape sequence or control string a guest
 * left open would leave it open on the next line, whose first byte (a
 * frame's '~', the 't' of the hypervisor's tag) a terminal would then
 * swallow: CAN ends it first ("cancel", ECMA-48). */
static bool cancel_before(const struct term_state *t, char c)
{
	return c == '\n' && t->mode != TERM_TEXT;
}

/* Hand bytes to the firmware and follow the line state; lock held. */
static void put_raw(const char *s, size_t len)
{
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		if (cancel_before(&term, s[i])) {
			fw_console_write(s + from, i - from);
			fw_console_write("\x18", 1);
			term_byte(&term, 0x18);
			from = i;
		}
		blank = s[i] == '\n' || (blank && s[i] == '\r');
		col0 = s[i] == '\n';
		term_byte(&term, (unsigned char)s[i]);
	}
	if (len > from)
		fw_console_write(s + from, len - from);
}

/* HYP_TAG's word, "tracevisor:" (the tag less its space). */
#define TAG_WORD (sizeof(HYP_TAG) - 2)

/* Whether guest text at a line start, s[i..len), begins with the tag's
 * word and so would read as one of the hypervisor's own lines (rule 4). */
static bool looks_like_hyp_line(const char *s, size_t i, size_t len)
{
	return len - i >= TAG_WORD && memcmp(s + i, HYP_TAG, TAG_WORD) == 0;
}

/* Whether it is a start of the word cut by the end of the text: what
 * follows, in a later flush, tells whether it is the tag. */
static bool may_be_hyp_line(const char *s, size_t i, size_t len)
{
	return len - i < TAG_WORD && memcmp(s + i, HYP_TAG, len - i) == 0;
}

/* Write text that is not a frame: a '~' that would begin a line gets
 * another '~' in front (rule 3), and so does a guest's line that would
 * begin with HYP_TAG (rule 4); lock held. A line begins where a log shows
 * one and where a terminal may show s[i] first on its line (line_start):
 * after "abc\r", a NUL or "ESC[1G" too. With `hold` (more of the line
 * may follow) a guest's text that ends in a start of the tag at a line
 * start is not written: returns how much was. */
static size_t put_text(const char *s, size_t len, bool guest, bool hold)
{
	bool at_blank = blank; /* blank and term as they stand before s[i] */
	struct term_state at = term;
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		if (guest && hold && line_start(at_blank, &at) && may_be_hyp_line(s, i, len)) {
			put_raw(s + from, i - from);
			return i;
		}
		if (line_start(at_blank, &at) &&
		    (s[i] == '~' || (guest && looks_like_hyp_line(s, i, len)))) {
			put_raw(s + from, i - from);
			put_raw("~", 1);
			from = i;
			at_blank = blank;
			at = term;
		}
		at_blank = s[i] == '\n' || (at_blank && s[i] == '\r');
		if (cancel_before(&at, s[i]))
			term_byte(&at, 0x18); /* as put_raw will write it */
		term_byte(&at, (unsigned char)s[i]);
	}
	put_raw(s + from, len - from);
	return len;
}

/* Write out this hart's buffered text (at most the buffer's size: the
 * bound is applied here, where the bytes are read). With `hold`, a start
 * of the tag at the end stays in the buffer (put_text): a prompt shown
 * early must not decide too soon whether its line is the tag's. */
static void flush_line(struct console_stream *l, bool hold)
{
	if (!l->len)
		return;
	size_t n = l->len < sizeof(l->text) ? l->len : sizeof(l->text);
	spin_lock(&console_lock);
	if (!col0 && line_owner != l)
		put_raw("\n", 1); /* someone else's unfinished line */
	bool guest = l < lines || l >= lines + MAX_HARTS; /* not a hart's own */
	if (l->mid && line_owner != l && l->prefix) /* our line goes on below it */
		put_text(l->prefix, strlen(l->prefix), guest, false);
	size_t done = put_text(l->text, n, guest, hold);
	line_owner = col0 ? NULL : l;
	spin_unlock(&console_lock);
	if (done)
		l->mid = l->text[done - 1] != '\n';
	memmove(l->text, l->text + done, n - done); /* what was held */
	l->len = n - done;
}

/* A new line of a stream starts with its prefix (it fits: the buffer is
 * empty and a prefix is far shorter than it). */
static void start_line(struct console_stream *l, const char *prefix)
{
	if (!prefix || l->len || l->mid)
		return;
	size_t n = strlen(prefix);
	if (n < sizeof(l->text) / 2) {
		memcpy(l->text, prefix, n);
		l->len = n;
	}
}

void console_flush(void)
{
	flush_line(my_line(), false);
}

void console_stream_putc(struct console_stream *l, char c)
{
	start_line(l, l->prefix);
	if (l->len >= sizeof(l->text))
		flush_line(l, true);
	l->text[l->len++] = c;
	if (c == '\n' || l->len == sizeof(l->text))
		flush_line(l, true);
}

void console_stream_show(struct console_stream *l)
{
	flush_line(l, true);
}

void console_stream_flush(struct console_stream *l)
{
	flush_line(l, false);
}

void console_putc(char c)
{
	console_stream_putc(my_line(), c);
}

void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		console_putc(s[i]);
}

/* A whole dump line in one locked section, on a line of its own, as it
 * is (rule 2). */
void console_write_frame(const char *line, size_t len)
{
	spin_lock(&console_lock);
	if (!col0)
		put_raw("\n", 1);
	put_raw(line, len);
	if (!col0)
		put_raw("\n", 1);
	line_owner = NULL;
	spin_unlock(&console_lock);
}

bool console_write_status(const char *line, size_t len)
{
	bool now;

	spin_lock(&console_lock);
	now = col0;
	if (now)
		put_raw(line, len);
	spin_unlock(&console_lock);
	return now;
}

/*
 * Console input, with one escape of the hypervisor's own, the key QEMU's
 * -nographic console uses to quit: Ctrl-A then x asks the hypervisor to
 * stop the guest, which records it, dumps the trace and powers off - QEMU
 * killed by its own Ctrl-A x could not dump anything. Ctrl-A Ctrl-A gives
 * the guest one Ctrl-A; Ctrl-A and any other key give the guest both.
 * The request is only noted here: the caller stops the vCPU where it is
 * safe to (console_stop_if_asked), with no device lock held. Input comes
 * from the host's terminal, never from a guest, so a guest cannot ask.
 */
#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */
static spinlock_t input_lock;
static bool escape_seen;		/* Ctrl-A read, its key not yet */
static int held = -1;			/* a key to give after the Ctrl-A */
volatile bool console_stop_flag; /* Ctrl-A x was typed */

int console_getc(void)
{
	int c;
	console_flush();
	spin_lock(&input_lock);
	if (held >= 0) {
		c = held;
		held = -1;
	} else if ((c = fw_console_getchar()) >= 0 && (escape_seen || c == CONSOLE_ESCAPE)) {
		if (!escape_seen) {
			escape_seen = true; /* wait for the key that follows */
			c = -1;
		} else {
			escape_seen = false;
			if (c == 'x' || c == 'X') {
				console_stop_flag = true;
				c = -1;
			} else if (c != CONSOLE_ESCAPE) {
				held = c;
				c = CONSOLE_ESCAPE;
			}
		}
	}
	spin_unlock(&input_lock);
	return c;
}

static int stdout_putc(char c, FILE *f)
{
	(void)f;
	console_putc(c);
	return (unsigned char)c;
}

static int stdout_flush(FILE *f)
{
	(void)f;
	console_flush();
	return 0;
}

static FILE console_file = FDEV_SETUP_STREAM(stdout_putc, NULL, stdout_flush,
					     _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;
FILE *const stdin = &console_file;

void console_init(void)
{
	fw_probe_all();
}
