/*
 * Synthetic console logs for the tvtrace tests, written with the real
 * encoder (lib/trace_wire.c) and mixed with the kind of output a console
 * carries besides the dump (firmware banner, guest printk lines, a guest
 * line interleaved with a frame).
 *
 * Usage: gen_log basic        the small hand-made dump the golden
 *                             outputs in test_tvtrace.sh describe
 *        gen_log synth N      2 harts x N synthetic exits (the model of
 *                             tests/tools/synth_stream.h), dump id 7
 *        gen_log synth2 N     the same 2 x N exits as the hypervisor's
 *                             rings hold them (format version 3: visits,
 *                             tests/tools/synth_stream.h synth_visit()),
 *                             dump id 8
 *        gen_log multi        three dumps: basic (id 1), synth 50 (id 2),
 *                             basic again with id 3 but cut before END
 *        gen_log longline     the basic dump with every newline of the
 *                             log replaced by spaces (one 2 MiB line)
 *        gen_log shared N     a time-shared hart: vm0-vcpu0 and vm1-vcpu0
 *                             take N turns on hart 0 (SWITCH records at
 *                             the end of each slice, every fourth turn
 *                             ending in a WFI: a wait switch), while
 *                             vm0-vcpu1 has hart 1 to itself; dump id 9
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_stream.h"
#include "trace_wire.h"

/* How many dump lines to write before stopping (-1: all). */
static long lines_left = -1;
/* Replace line ends by this character (0: keep '\n'). */
static char newline_as;

static void emit(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (lines_left == 0)
		return;
	if (lines_left > 0)
		lines_left--;
	if (newline_as && len && line[len - 1] == '\n') {
		fwrite(line, 1, len - 1, stdout);
		putchar(newline_as);
	} else {
		fwrite(line, 1, len, stdout);
	}
}

/* Console text that is not part of the dump. */
static void junk(const char *text)
{
	if (newline_as) {
		for (const char *c = text; *c; c++)
			putchar(*c == '\n' ? newline_as : *c);
	} else {
		fputs(text, stdout);
	}
}

static struct tv_record rec(unsigned kind, uint64_t time, uint8_t vcpu,
			    uint16_t hart)
{
	struct tv_record r;

	memset(&r, 0, sizeof(r));
	r.kind = (uint8_t)kind;
	r.time = time;
	r.cycle = time * 100;
	r.vcpu = vcpu;
	r.hart = hart;
	return r;
}

static struct tv_record with(struct tv_record r, uint64_t a0, uint64_t a1,
			     uint64_t a2, uint64_t a3, uint64_t a4,
			     uint64_t a5)
{
	r.arg[0] = a0;
	r.arg[1] = a1;
	r.arg[2] = a2;
	r.arg[3] = a3;
	r.arg[4] = a4;
	r.arg[5] = a5;
	return r;
}

/* The ring counts a HART frame carries are the ring's since boot
 * (hyp/trace/dump.c): each dump of the log adds its own to them, so a
 * log of several dumps reads as one boot's (the decoder checks that a
 * dump's records number its count less the dump before's). */
static uint64_t since_boot[2][3];

static void hart_end(struct tv_wire_enc *e, uint16_t hart, uint64_t offered,
		     uint64_t consumed, uint64_t lost)
{
	uint64_t *c = since_boot[hart];

	c[0] += offered;
	c[1] += consumed;
	c[2] += lost;
	tv_wire_hart_end(e, c[0], c[1], c[2]);
}

/* The basic dump; see test_tvtrace.sh for what it must decode to. */
static void basic(struct tv_wire_enc *e, uint64_t id)
{
	struct tv_wire_begin b = {
		.timebase_hz = 10000000,
		.nharts = 2,
		.dump_reason = TV_DUMP_SHUTDOWN,
		.ring_slots = 256,
		.ring_mode = TV_WIRE_RING_OVERWRITE,
		.dump_id = id,
	};
	struct tv_record r;

	junk("OpenSBI v1.2\n   ____                    _____ ____ _____\n");
	tv_wire_begin(e, &b);
	tv_wire_hart_begin(e, 0, 100);
	r = with(rec(TV_KIND_CONTROL, 10000, 0, 0), TV_CTL_START, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_EXIT, 10010, 0, 0), 0x80200100, EXC_ECALL_VS, 0, 0,
		 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_SBI, 10020, 0, 0),
		 (uint64_t)SBI_EXT_DBCN << 32 | SBI_DBCN_CONSOLE_WRITE_BYTE,
		 'H', 0, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_ENTRY, 10030, 0, 0), 0x80200104, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_EXIT, 10530, 0, 0), 0x80200200,
		 EXC_STORE_GUEST_PAGE_FAULT, 0x10000000, 0x10000000 >> 2, 0,
		 0x00a78023);
	r.flags = TV_F_INSN;
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_MMIO, 10540, 0, 0), 0x10000000, 'H',
		 TV_MMIO_INFO(1, 1, 0, 10), 0x00a78023, 1, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_ENTRY, 10560, 0, 0), 0x80200204, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	/* guest output that lands in the middle of the dump */
	junk("[    0.123456] guest: hello from the console\n");
	r = with(rec(TV_KIND_EXIT, 20560, 0, 0), 0x80200300,
		 CAUSE_INTERRUPT | IRQ_S_TIMER, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_IRQ, 20570, 0, 0), CAUSE_INTERRUPT | IRQ_VS_TIMER,
		 MIP_VSTIP, 1, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_ENTRY, 20600, 0, 0), 0x80200300, MIP_VSTIP, 0, 0,
		 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_MARK, 30000, 0, 0), 0x1234, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	tv_wire_lost(e, 5);
	r = with(rec(TV_KIND_EXIT, 40000, 0, 0), 0x80200400, EXC_VIRTUAL_INST,
		 0x10500073, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_ENTRY, 40100, 0, 0), 0x80200404, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	hart_end(e, 0, 18, 13, 5);

	tv_wire_hart_begin(e, 1, 0);
	r = with(rec(TV_KIND_EXIT, 15000, 1, 1), 0x80200500,
		 EXC_LOAD_GUEST_PAGE_FAULT, 0x0c200005, 0x0c200004 >> 2, 0,
		 0x0007c783);
	r.flags = TV_F_INSN;
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_MMIO, 15010, 1, 1), 0x0c200005, 7,
		 TV_MMIO_INFO(1, 0, 0, 15), 0x0007c783, 2, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_ENTRY, 15050, 1, 1), 0x80200504, 0, 0, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_EXIT, 16000, 1, 1), 0x80200600, EXC_ECALL_VS, 0,
		 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_SBI, 16010, 1, 1),
		 (uint64_t)SBI_EXT_SRST << 32 | SBI_SRST_SYSTEM_RESET,
		 SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE, 0, 0, 0);
	tv_wire_record(e, &r);
	r = with(rec(TV_KIND_STOP, 16020, 1, 1), TV_STOP_SHUTDOWN, 0, 0, 0, 0,
		 0);
	tv_wire_record(e, &r);
	hart_end(e, 1, 6, 6, 0);
	tv_wire_end(e);
	junk("QEMU: Terminated\n");
}

/* 2 harts x n synthetic exits: as events (format version 1, RECORDS
 * frames) or as the hypervisor's rings hold them (ring, RECORDS3). */
static void synth(struct tv_wire_enc *e, int n, uint64_t id, int ring)
{
	struct tv_wire_begin b = {
		.timebase_hz = 10000000,
		.nharts = 2,
		.dump_reason = TV_DUMP_REQUEST,
		.ring_slots = 4096,
		.ring_mode = TV_WIRE_RING_STOP,
		.dump_id = id,
	};
	uint64_t total = 0;

	junk("guest: requesting a trace dump\n");
	tv_wire_begin(e, &b);
	for (uint16_t h = 0; h < 2; h++) {
		struct synth s;
		uint64_t count = 0;

		synth_init(&s, 1000 + h, h, 0, (uint8_t)h, 1);
		tv_wire_hart_begin(e, h, 0);
		for (int i = 0; i < n; i++) {
			struct tv_record r[4];
			struct tv_rec v[4];
			int k = ring ? synth_visit(&s, v) : synth_exit(&s, r);

			for (int j = 0; j < k; j++) {
				if (ring)
					tv_wire_rec(e, &v[j]);
				else
					tv_wire_record(e, &r[j]);
			}
			count += (uint64_t)k;
		}
		hart_end(e, h, count, count, 0);
		total += count;
	}
	tv_wire_end(e);
	if (ring) /* for scripts/bench-tvtrace.sh: tvtrace --list counts events */
		fprintf(stderr, "gen_log: %llu ring records\n", (unsigned long long)total);
}

/* The hgatp of a VM in the shared dump: Sv39x4 (MODE 8), VMID vm + 1,
 * a root table of its own (privileged spec, hgatp, HSXLEN=64). */
static uint64_t shared_hgatp(unsigned vm)
{
	return (8ULL << 60) | ((uint64_t)(vm + 1) << 44) | (0x80200 + vm * 0x10);
}

/* The exit that ends a turn: the HS timer at the end of the slice, or
 * every fourth turn a WFI (the vCPU waits). Returns the switch reason. */
static unsigned turn_end(struct synth *s, unsigned turn, struct tv_record *r)
{
	int wait = turn % 4 == 3;

	synth_tick(s, synth_range(s, 20, 200));
	synth_rec(s, r, TV_KIND_EXIT);
	r->arg[0] = 0xffffffff80a0b000ULL + (uint64_t)turn * 4;
	r->arg[1] = wait ? EXC_VIRTUAL_INST : CAUSE_INTERRUPT | IRQ_S_TIMER;
	r->arg[2] = wait ? 0x10500073 : 0;
	return wait ? TV_SWITCH_WAIT : TV_SWITCH_SLICE;
}

/* vm0-vcpu0 and vm1-vcpu0 time-share hart 0 for `turns` turns, as the
 * hypervisor records it: a vCPU switched out in the middle of an exit
 * has that exit recorded before the SWITCH, and its ENTRY when it gets
 * the hart back. */
static void shared_hart(struct tv_wire_enc *e, int turns, uint64_t *count)
{
	struct synth v[2];
	uint64_t t = 20000000, resume[2] = {0x80000000, 0xc0000000};

	synth_init(&v[0], 2024, 0, 0, 0, 1);
	synth_init(&v[1], 2025, 0, 1, 0, 1);
	for (int k = 0; k < turns; k++) {
		struct synth *s = &v[k % 2];
		struct tv_record r[4], sw;
		uint64_t start = t;
		unsigned why;

		s->time = t;
		synth_tick(s, 3);
		synth_rec(s, &r[0], TV_KIND_ENTRY);
		r[0].arg[0] = resume[k % 2];
		tv_wire_record(e, &r[0]);
		(*count)++;
		for (int i = 0; i < 2 + k % 5; i++) {
			int n = synth_exit(s, r);

			for (int j = 0; j < n; j++)
				tv_wire_record(e, &r[j]);
			*count += (uint64_t)n;
		}
		why = turn_end(s, (unsigned)k, &r[0]);
		resume[k % 2] = r[0].arg[0] + (why == TV_SWITCH_WAIT ? 4 : 0);
		tv_wire_record(e, &r[0]);
		synth_tick(s, 2);
		synth_rec(s, &sw, TV_KIND_SWITCH);
		sw.arg[0] = (k + 1) % 2; /* the other VM, its vCPU 0 */
		sw.arg[1] = 0;
		sw.arg[2] = why;
		sw.arg[3] = s->time - start;
		sw.arg[4] = shared_hgatp((unsigned)(k + 1) % 2);
		tv_wire_record(e, &sw);
		*count += 2;
		t = s->time;
	}
}

/* The shared dump: hart 0 time-shared, hart 1 dedicated. */
static void shared(struct tv_wire_enc *e, int turns, uint64_t id)
{
	struct tv_wire_begin b = {
		.timebase_hz = 10000000,
		.nharts = 2,
		.dump_reason = TV_DUMP_SHUTDOWN,
		.ring_slots = 8192,
		.ring_mode = TV_WIRE_RING_OVERWRITE,
		.dump_id = id,
	};
	struct synth s;
	uint64_t count = 0;

	junk("tracevisor: vm1 shares hart 0 with vm0 (tv.slice)\n");
	tv_wire_begin(e, &b);
	tv_wire_hart_begin(e, 0, 0);
	shared_hart(e, turns, &count);
	tv_wire_hart_end(e, count, count, 0);
	count = 0;
	synth_init(&s, 2026, 1, 0, 1, 1);
	s.time = 20000000;
	tv_wire_hart_begin(e, 1, 0);
	for (int i = 0; i < 4 * turns; i++) {
		struct tv_record r[4];
		int n = synth_exit(&s, r);

		for (int j = 0; j < n; j++)
			tv_wire_record(e, &r[j]);
		count += (uint64_t)n;
	}
	tv_wire_hart_end(e, count, count, 0);
	tv_wire_end(e);
}

int main(int argc, char **argv)
{
	static struct tv_wire_enc e;
	const char *what = argc > 1 ? argv[1] : "";

	tv_wire_enc_init(&e, emit, NULL);
	if (strcmp(what, "basic") == 0) {
		basic(&e, 1);
	} else if (strcmp(what, "synth") == 0 && argc > 2) {
		synth(&e, (int)strtol(argv[2], NULL, 10), 7, 0);
	} else if (strcmp(what, "synth2") == 0 && argc > 2) {
		synth(&e, (int)strtol(argv[2], NULL, 10), 8, 1);
	} else if (strcmp(what, "multi") == 0) {
		basic(&e, 1);
		synth(&e, 50, 2, 0);
		lines_left = 5;
		basic(&e, 3);
		lines_left = -1;
		junk("\n");
	} else if (strcmp(what, "shared") == 0 && argc > 2) {
		shared(&e, (int)strtol(argv[2], NULL, 10), 9);
	} else if (strcmp(what, "longline") == 0) {
		newline_as = ' ';
		for (int i = 0; i < 2 * 1024 * 1024 / 64; i++)
			junk("padding padding padding padding padding padding "
			     "padding pad.\n");
		basic(&e, 1);
		putchar('\n');
	} else {
		fprintf(stderr,
			"usage: gen_log basic|synth N|synth2 N|multi|longline|shared N\n");
		return 2;
	}
	return 0;
}
