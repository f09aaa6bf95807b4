/*
 * Console logs from a text description, written with the real encoder
 * (lib/trace_wire.c), for tests that need exact, hand-checkable numbers.
 *
 * Usage: mklog < DESCRIPTION > LOG
 *
 * One command per line; '#' starts a comment; numbers are decimal or 0x
 * hex (strtoull base 0):
 *
 *   begin HZ NHARTS [ID [REASON]]  BEGIN frame (256-slot overwrite
 *                               rings; REASON a TV_DUMP_* number, default
 *                               1, guest shutdown; 7 periodic, 4 the
 *                               hypervisor fault's)
 *   hart H                      start hart H's records (first index 0)
 *   KIND TIME VM VCPU [ARG...]  one record of the current hart; KIND is
 *                               exit, entry, sbi, mmio, irq, exc, mark,
 *                               control, stop, switch; up to six
 *                               arguments in the
 *                               order of include/tracevisor/trace_record.h;
 *                               "exit+insn" sets TV_F_INSN, "sbi+high"
 *                               TV_F_SBI_HIGH, "sbi+wide" TV_F_SBI_WIDE
 *                               (what format versions 1-3 wrote)
 *   lost N                      N records lost before the next record
 *   ringlost N                  N records the ring counts lost (in this
 *                               dump's HART frame) whose LOST record
 *                               comes later (lostmark)
 *   lostmark N                  a LOST record of N records the ring
 *                               counted lost already (ringlost)
 *   unsent N                    N records the hart's HART frame counts as
 *                               consumed that the dump never sent (what a
 *                               broken dump would do)
 *   endhart                     the hart's HART frame: offered (records +
 *                               lost), consumed (records) and lost, each
 *                               a total since boot as the ring's are: a
 *                               dump whose ID goes up adds to the
 *                               counts of the dumps before it, one whose
 *                               ID does not (a new boot) starts them at 0
 *   end                         END frame
 *   text STRING                 a console line that is not part of a dump
 *
 * Exits 2 with a message naming the line on anything it does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_wire.h"

static void emit(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	fwrite(line, 1, len, stdout);
}

/* Stop with a message about input line n. */
static void fail(unsigned long n, const char *what)
{
	fprintf(stderr, "mklog: line %lu: %s\n", n, what);
	exit(2);
}

/* The next whitespace-separated number, or fail. */
static uint64_t num(unsigned long n)
{
	char *tok = strtok(NULL, " \t\r\n"), *end;
	uint64_t v;

	if (!tok)
		fail(n, "missing number");
	v = strtoull(tok, &end, 0);
	if (*end)
		fail(n, "bad number");
	return v;
}

/* The next number if the line has one, else dflt. */
static uint64_t num_or(unsigned long n, uint64_t dflt)
{
	char *tok = strtok(NULL, " \t\r\n"), *end;
	uint64_t v;

	if (!tok)
		return dflt;
	v = strtoull(tok, &end, 0);
	if (*end)
		fail(n, "bad number");
	return v;
}

/* Record kind by name. */
static int kind_of(const char *name)
{
	static const char *const kinds[] = {
		[TV_KIND_EXIT] = "exit",   [TV_KIND_ENTRY] = "entry",
		[TV_KIND_SBI] = "sbi",	   [TV_KIND_MMIO] = "mmio",
		[TV_KIND_IRQ] = "irq",	   [TV_KIND_EXC] = "exc",
		[TV_KIND_MARK] = "mark",   [TV_KIND_CONTROL] = "control",
		[TV_KIND_STOP] = "stop",   [TV_KIND_SWITCH] = "switch",
	};

	for (int k = 1; k < TV_KIND_COUNT; k++)
		if (kinds[k] && strcmp(kinds[k], name) == 0)
			return k;
	return -1;
}

int main(void)
{
	static struct tv_wire_enc e;
	char line[1024];
	unsigned long n = 0;
	int hart = -1;
	uint64_t records = 0, lost = 0, unsent = 0, last_id = 0;
	/* per hart since boot: offered, consumed, lost */
	static uint64_t since_boot[65536][3];

	tv_wire_enc_init(&e, emit, NULL);
	while (fgets(line, sizeof(line), stdin)) {
		char *cmd;

		n++;
		if (strncmp(line, "text ", 5) == 0) {
			fflush(stdout);
			fputs(line + 5, stdout);
			continue;
		}
		if ((cmd = strchr(line, '#')))
			*cmd = '\0';
		cmd = strtok(line, " \t\r\n");
		if (!cmd)
			continue;
		if (strcmp(cmd, "begin") == 0) {
			struct tv_wire_begin b = {0};

			b.timebase_hz = num(n);
			b.nharts = (uint16_t)num(n);
			b.ring_slots = 256;
			b.ring_mode = TV_WIRE_RING_OVERWRITE;
			b.dump_id = num_or(n, 1);
			b.dump_reason = (uint16_t)num_or(n, TV_DUMP_SHUTDOWN);
			if (b.dump_id <= last_id)
				memset(since_boot, 0, sizeof(since_boot));
			last_id = b.dump_id;
			tv_wire_begin(&e, &b);
		} else if (strcmp(cmd, "hart") == 0) {
			uint64_t h = num(n);

			if (h > 0xffff)
				fail(n, "hart id above 65535");
			hart = (int)h;
			records = lost = unsent = 0;
			tv_wire_hart_begin(&e, (uint16_t)hart, 0);
		} else if (strcmp(cmd, "lost") == 0) {
			uint64_t k = num(n);

			tv_wire_lost(&e, k);
			lost += k;
		} else if (strcmp(cmd, "ringlost") == 0) {
			uint64_t k = num(n);

			lost += k; /* the ring's count, no LOST record */
		} else if (strcmp(cmd, "lostmark") == 0) {
			tv_wire_lost(&e, num(n));
		} else if (strcmp(cmd, "unsent") == 0) {
			unsent += num(n);
		} else if (strcmp(cmd, "endhart") == 0) {
			uint64_t *c;

			if (hart < 0)
				fail(n, "endhart outside hart ... endhart");
			c = since_boot[hart];

			c[0] += records + unsent + lost;
			c[1] += records + unsent;
			c[2] += lost;
			tv_wire_hart_end(&e, c[0], c[1], c[2]);
			hart = -1;
		} else if (strcmp(cmd, "end") == 0) {
			tv_wire_end(&e);
		} else {
			struct tv_record r;
			static const struct {
				const char *name, *kind;
				uint8_t flags;
			} flagged[] = {
				{ "exit+insn", "exit", TV_F_INSN },
				{ "sbi+high", "sbi", TV_F_SBI_HIGH },
				{ "sbi+wide", "sbi", TV_F_SBI_WIDE },
			};
			const char *name = cmd;
			uint8_t flags = 0;
			char *tok;

			for (size_t i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++)
				if (strcmp(cmd, flagged[i].name) == 0) {
					name = flagged[i].kind;
					flags = flagged[i].flags;
				}
			int kind = kind_of(name);

			if (kind < 0)
				fail(n, "unknown command");
			if (hart < 0)
				fail(n, "record outside hart ... endhart");
			memset(&r, 0, sizeof(r));
			r.kind = (uint8_t)kind;
			r.hart = (uint16_t)hart;
			r.flags = flags;
			r.time = num(n);
			r.cycle = r.time * 100;
			r.vm = (uint8_t)num(n);
			r.vcpu = (uint8_t)num(n);
			for (int i = 0; i < TV_NARGS &&
					(tok = strtok(NULL, " \t\r\n"));
			     i++) {
				char *end;

				r.arg[i] = strtoull(tok, &end, 0);
				if (*end)
					fail(n, "bad argument");
			}
			tv_wire_record(&e, &r);
			records++;
		}
	}
	fflush(stdout);
	return 0;
}
