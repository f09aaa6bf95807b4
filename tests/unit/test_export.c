/*
 * Unit tests of tvtrace's exports (tools/tvtrace/export.c, csv.c,
 * json.c, ctf.c) on synthetic dumps: CSV quoting and rows, exact time
 * text, JSON escaping and slice pairing, the CTF packet plan (where
 * events_discarded grows, packet_seq_num jumps) and the CTF event bytes,
 * checked against the field list of the TSDL metadata itself.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/tvtrace/export.h"

#include <tracevisor/csr.h>

/* ------------------------------------------------------------- helpers */

/* Text written to a memory stream by fn. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

static char *csv_field(const char *s)
{
	struct mem m;

	mem_open(&m);
	tt_csv_field(m.f, s);
	return mem_close(&m);
}

static char *json_string(const char *s)
{
	struct mem m;

	mem_open(&m);
	tt_json_string(m.f, s);
	return mem_close(&m);
}

/* A dump built record by record. */
static struct tt_dump *new_dump(void)
{
	struct tt_dump *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->has_begin = 1;
	d->info.timebase_hz = 10000000;
	d->info.nharts = 1;
	d->ended = 1;
	d->end.complete = 1;
	return d;
}

static struct tt_rec *add(struct tt_dump *d, unsigned kind, uint64_t time,
			  uint16_t hart, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3)
{
	struct tt_rec *t;

	if (d->nrecs == d->recs_cap) {
		d->recs_cap = d->recs_cap ? 2 * d->recs_cap : 16;
		d->recs = realloc(d->recs, d->recs_cap * sizeof(*d->recs));
		assert_non_null(d->recs);
	}
	t = &d->recs[d->nrecs];
	memset(t, 0, sizeof(*t));
	t->r.kind = (uint8_t)kind;
	t->r.time = time;
	t->r.cycle = time * 100;
	t->r.hart = hart;
	t->r.arg[0] = a0;
	t->r.arg[1] = a1;
	t->r.arg[2] = a2;
	t->r.arg[3] = a3;
	t->hart = hart;
	t->dump = 1; /* the log's first dump */
	t->index = d->nrecs;
	t->seq = d->nrecs;
	d->nrecs++;
	return t;
}

static void free_dump(struct tt_dump *d)
{
	free(d->recs);
	free(d->totals);
	free(d->order);
	free(d);
}

/* ----------------------------------------------------------------- CSV */

static void test_csv_field_quoting(void **state)
{
	char *s;

	(void)state;
	s = csv_field("ECALL_VS");
	assert_string_equal(s, "ECALL_VS");
	free(s);
	s = csv_field("c.lw a0, 0(a1)");
	assert_string_equal(s, "\"c.lw a0, 0(a1)\"");
	free(s);
	s = csv_field("say \"hi\"");
	assert_string_equal(s, "\"say \"\"hi\"\"\"");
	free(s);
	s = csv_field("two\r\nlines");
	assert_string_equal(s, "\"two\r\nlines\"");
	free(s);
	s = csv_field("");
	assert_string_equal(s, "");
	free(s);
}

static void test_csv_rows(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_rec *x;
	struct mem m;
	char *text, *line2, *line3;

	(void)state;
	/* Load guest-page fault at GPA 0x10010003: htval = gpa >> 2. */
	x = add(d, TV_KIND_EXIT, 12345678, 0, 0xffffffffc0001012,
		EXC_LOAD_GUEST_PAGE_FAULT, 0x40000003, 0x10010000 >> 2);
	x->r.flags = TV_F_INSN;
	x->r.arg[5] = 0x0005b503; /* ld a0, 0(a1) */
	add(d, TV_KIND_MARK, 12345679, 0, 0x7476, 0, 0, 0);
	for (size_t i = 0; i < d->nrecs; i++)
		d->recs[i].dump = 3; /* the dump column: the record's dump */
	mem_open(&m);
	tt_csv_header(m.f);
	tt_csv_dump(m.f, d);
	text = mem_close(&m);
	line2 = strstr(text, "\r\n");
	assert_non_null(line2);
	line2 += 2;
	line3 = strstr(line2, "\r\n");
	assert_non_null(line3);
	*line3 = '\0';
	line3 += 2;
	assert_string_equal(
		line2,
		"1.234567800,0,0,0,exit,0x15,LOAD_GPF,0xffffffffc0001012,,"
		"0x40000003,0x4004000,0x10010003,0x0,0x0005b503,"
		"\"ld a0, 0(a1)\",,,,,,,,,0xffffffffc0001012,0x15,"
		"0x40000003,0x4004000,0x0,0x5b503,,12345678,1234567800,3,0,"
		",,,,,");
	assert_string_equal(line3,
			    "1.234567900,0,0,0,mark,,,,,,,,,,,,,,,,,,,0x7476,"
			    "0x0,0x0,0x0,0x0,0x0,,12345679,1234567900,3,1,,,,,,"
			    "\r\n");
	free(text);
	free_dump(d);
}

/* A switch row: the incoming vCPU, the reason, how long the outgoing one
 * ran (12345 ticks at 10 MHz), the incoming hgatp, its VMID (bits 57:44)
 * and whether the G-stage TLB was flushed; the rest as any record. */
static void test_csv_switch_row(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_rec *x;
	struct mem m;
	char *text, *row;

	(void)state;
	x = add(d, TV_KIND_SWITCH, 20000, 0, 1, 0, TV_SWITCH_SLICE, 12345);
	x->r.vm = 0;
	x->r.vcpu = 2;
	x->r.arg[4] = 0x8000500000080400ULL;
	x->r.arg[5] = 1;
	mem_open(&m);
	tt_csv_header(m.f);
	tt_csv_dump(m.f, d);
	text = mem_close(&m);
	assert_non_null(strstr(text, ",index,switch_to,switch_reason,"
				     "switch_ran_s,switch_hgatp,switch_vmid,"
				     "switch_flushed\r\n"));
	row = strstr(text, "\r\n") + 2;
	assert_string_equal(
		row, "0.002000000,0,0,2,switch,,,,,,,,,,,,,,,,,,,0x1,0x0,0x1,"
		     "0x3039,0x8000500000080400,0x1,,20000,2000000,1,0,"
		     "vm1-vcpu0,slice,0.001234500,0x8000500000080400,5,yes\r\n");
	free(text);
	free_dump(d);
}

/*
 * A time-shared hart in JSON: vm0-vcpu0's slice ends in a timer exit, the
 * hart goes to vm1-vcpu0 (which waits in a WFI), then back. The turns are
 * slices of the hart's "vCPU on hart 0" thread; the time each vCPU was
 * away is a slice of its own thread, nested in the exit it happened in.
 */
static void test_json_switches(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_json_counts c;
	struct tt_rec *x;
	struct mem m;
	int first = 1;
	char *text;

	(void)state;
	memset(&c, 0, sizeof(c));
	add(d, TV_KIND_ENTRY, 100, 0, 0x80000000, 0, 0, 0);
	add(d, TV_KIND_EXIT, 200, 0, 0x80000100, CAUSE_INTERRUPT | IRQ_S_TIMER,
	    0, 0);
	/* the hart leaves vm0-vcpu0 (it ran 120 ticks) for vm1-vcpu0 */
	add(d, TV_KIND_SWITCH, 210, 0, 1, 0, TV_SWITCH_SLICE, 120);
	x = add(d, TV_KIND_ENTRY, 220, 0, 0xc0000000, 0, 0, 0);
	x->r.vm = 1;
	x = add(d, TV_KIND_EXIT, 300, 0, 0xc0000100, EXC_VIRTUAL_INST, 0, 0);
	x->r.vm = 1;
	x = add(d, TV_KIND_SWITCH, 310, 0, 0, 0, TV_SWITCH_WAIT, 100);
	x->r.vm = 1;
	add(d, TV_KIND_ENTRY, 320, 0, 0x80000100, 0, 0, 0);
	add(d, TV_KIND_EXIT, 400, 0, 0x80000200, EXC_ECALL_VS, 0, 0);
	add(d, TV_KIND_ENTRY, 410, 0, 0x80000204, 0, 0, 0);
	mem_open(&m);
	tt_json_dump(m.f, d, 1, &first, &c);
	tt_json_counts_free(&c);
	text = mem_close(&m);
	/* turns: vm0-vcpu0 90..210 (ran 120), vm1-vcpu0 210..310, and
	 * vm0-vcpu0 from 310 to the hart's last record, 410 */
	assert_int_equal(c.turns, 3);
	assert_non_null(strstr(text, "\"name\":\"vCPU on hart 0\""));
	assert_non_null(strstr(text,
			       "{\"ph\":\"X\",\"name\":\"vm0-vcpu0\",\"cat\":"
			       "\"sched\",\"pid\":0,\"tid\":2147418112,"
			       "\"ts\":9.000,\"dur\":12.000,\"args\":{\"dump\":1,"
			       "\"ended\":\"slice\",\"next\":\"vm1-vcpu0\","
			       "\"ran_ticks\":120}}"));
	assert_non_null(strstr(text, "\"name\":\"vm1-vcpu0\",\"cat\":"
				     "\"sched\",\"pid\":0,\"tid\":2147418112,"
				     "\"ts\":21.000,\"dur\":10.000,"));
	assert_non_null(strstr(text, "\"ts\":31.000,\"dur\":10.000,\"args\":"
				     "{\"dump\":1,\"ended\":\"not before the "
				     "end of the dump\"}"));
	/* away: vm0-vcpu0 ready 210..310; vm1-vcpu0 waits from 310, never
	 * back in this dump */
	assert_int_equal(c.away_slices, 1);
	assert_non_null(strstr(text, "{\"ph\":\"X\",\"name\":\"ready "
				     "(switched out)\",\"cat\":\"sched\",\"pid\":0,"
				     "\"tid\":1,\"ts\":21.000,\"dur\":10.000,"));
	/* the timer exit's slice spans its away slice (200..320) */
	assert_non_null(strstr(text, "\"name\":\"IRQ_S_TIMER\",\"cat\":"
				     "\"hypervisor\",\"pid\":0,\"tid\":1,"
				     "\"ts\":20.000,\"dur\":12.000,"));
	assert_int_equal(c.handling_slices, 2);
	assert_int_equal(c.unpaired_exits, 1); /* vm1's WFI */
	free(text);
	free_dump(d);
}

/* ---------------------------------------------------------------- time */

static void test_exact_times(void **state)
{
	char b[64];

	(void)state;
	tt_exp_seconds(b, sizeof(b), 3887036, 10000000);
	assert_string_equal(b, "0.388703600");
	tt_exp_micros(b, sizeof(b), 3887036, 10000000);
	assert_string_equal(b, "388703.600");
	/* 1 tick at 3 Hz = 333333333.33 ns, truncated. */
	tt_exp_seconds(b, sizeof(b), 1, 3);
	assert_string_equal(b, "0.333333333");
	tt_exp_seconds(b, sizeof(b), 0, 10000000);
	assert_string_equal(b, "0.000000000");
	/* hz 0: ticks are nanoseconds. */
	tt_exp_seconds(b, sizeof(b), 1500000001, 0);
	assert_string_equal(b, "1.500000001");
	/* A large time at 10 MHz: exact, no floating point rounding. */
	tt_exp_seconds(b, sizeof(b), 123456789012345678ull, 10000000);
	assert_string_equal(b, "12345678901.234567800");
	/* A timebase too large for exact integer arithmetic still works. */
	tt_exp_seconds(b, sizeof(b), 40000000000ull, 20000000000ull);
	assert_string_equal(b, "2.000000000");
}

static void test_gpa_and_insn(void **state)
{
	struct tv_record r;
	uint64_t gpa = 7;
	uint32_t insn;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = TV_KIND_EXIT;
	r.arg[1] = EXC_STORE_GUEST_PAGE_FAULT;
	r.arg[2] = 0xffffffffc0000006; /* stval: only its low 2 bits count */
	r.arg[3] = 0x80000000 >> 2;
	assert_int_equal(tt_exp_gpa(&r, &gpa), 1);
	assert_int_equal(gpa, 0x80000002);
	/* an implicit access of the VS-stage walk (htinst 0x3000, a 64-bit
	 * PTE read): the GPA's low two bits are zeros, not stval's */
	r.arg[4] = 0x00003000;
	assert_int_equal(tt_exp_gpa(&r, &gpa), 1);
	assert_int_equal(gpa, 0x80000000);
	assert_string_equal(tt_htinst_pseudo(0x00003000),
			    "64-bit read for VS-stage address translation");
	assert_string_equal(tt_htinst_pseudo(0x00002020),
			    "32-bit write for VS-stage address translation");
	assert_null(tt_htinst_pseudo(0x00003003)); /* ld x0, 0(x0): transformed */
	/* htval 0: no GPA given (a hart may write 0 instead; the
	 * hypervisor walks the guest's tables, and the MMIO event has it) */
	r.arg[3] = 0;
	r.arg[4] = 0;
	gpa = 7;
	assert_int_equal(tt_exp_gpa(&r, &gpa), 0);
	assert_int_equal(gpa, 7);
	r.arg[4] = 0;
	r.arg[1] = EXC_ILLEGAL_INST;
	gpa = 7;
	assert_int_equal(tt_exp_gpa(&r, &gpa), 0);
	assert_int_equal(gpa, 7);
	assert_int_equal(tt_exp_insn(&r, &insn), 0);
	r.flags = TV_F_INSN;
	r.arg[5] = 0x4188;
	assert_int_equal(tt_exp_insn(&r, &insn), 1);
	assert_int_equal(insn, 0x4188);
	r.kind = TV_KIND_MMIO;
	r.flags = 0;
	r.arg[3] = 0;
	assert_int_equal(tt_exp_insn(&r, &insn), 0);
}

/* ---------------------------------------------------------------- JSON */

static void test_json_string_escapes(void **state)
{
	char *s;

	(void)state;
	s = json_string("a \"b\" \\ c\n\t\x01");
	assert_string_equal(s, "\"a \\\"b\\\" \\\\ c\\n\\t\\u0001\"");
	free(s);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void test_json_pairing(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_json_counts c;
	struct mem m;
	int first = 1;
	char *text;

	(void)state;
	memset(&c, 0, sizeof(c));
	add(d, TV_KIND_ENTRY, 100, 0, 0xc0000000, 0, 0, 0);
	add(d, TV_KIND_EXIT, 110, 0, 0xc0000010, EXC_ECALL_VS,
	    0, 0);
	add(d, TV_KIND_SBI, 112, 0, 0x10ull << 32 | 3, 0x10, 0, 0);
	add(d, TV_KIND_ENTRY, 120, 0, 0xc0000014, 0, 0, 0);
	add(d, TV_KIND_EXIT, 150, 0, 0xc0000020, EXC_ECALL_VS,
	    0, 0);
	add(d, TV_KIND_MARK, 151, 0, 0x7476, 0, 0, 0);
	add(d, TV_KIND_LOST, 152, 0, 5, 0, 0, 0); /* breaks the pairing */
	add(d, TV_KIND_ENTRY, 160, 0, 0xc0000024, 0, 0, 0);
	add(d, TV_KIND_EXIT, 170, 0, 0xc0000030, EXC_ECALL_VS,
	    0, 0);
	add(d, TV_KIND_ENTRY, 171, 0, 0xc0000034, 0, 0, 0);
	mem_open(&m);
	tt_json_dump(m.f, d, 1, &first, &c);
	text = mem_close(&m);
	assert_int_equal(first, 0);
	/* entry 100 -> exit 110, entry 120 -> exit 150, entry 160 -> 170 */
	assert_int_equal(c.guest_slices, 3);
	/* exit 110 -> entry 120, exit 170 -> entry 171; exit 150 is cut by
	 * the loss. */
	assert_int_equal(c.handling_slices, 2);
	assert_int_equal(c.unpaired_exits, 1);
	assert_int_equal(c.marks, 1);
	assert_int_equal(c.instants, 3); /* mark, lost, unpaired exit */
	assert_int_equal(count(text, "\"ph\":\"X\""), 5);
	/* 10 ticks at 10 MHz = 1 us; the SBI call is the slice's arg. */
	assert_non_null(strstr(text, "{\"ph\":\"X\",\"name\":\"ECALL_VS\","
				     "\"cat\":\"hypervisor\",\"pid\":0,"
				     "\"tid\":1,\"ts\":11.000,\"dur\":1.000,"));
	assert_non_null(strstr(text, "\"sbi\":\"BASE.probe_extension(0x10, "
				     "0x0, 0x0) -> SBI_SUCCESS, 0x0\""));
	assert_non_null(strstr(text, "\"name\":\"records lost\",\"cat\":"
				     "\"lost\",\"pid\":0,\"tid\":1,\"ts\":15.200,"
				     "\"s\":\"p\",\"args\":{\"dump\":1,"
				     "\"count\":5}"));
	assert_int_equal(count(text, "\"thread_name\""), 1);
	free(text);
	free_dump(d);
}

/* ----------------------------------------------------------------- CTF */

static void test_ctf_plan_losses(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_ctf_plan p;
	struct tt_rec *g;

	(void)state;
	add(d, TV_KIND_LOST, 100, 0, 40, 0, 0, 0); /* before any event */
	add(d, TV_KIND_ENTRY, 100, 0, 0xc0000000, 0, 0, 0);
	add(d, TV_KIND_EXIT, 110, 0, 0, EXC_VIRTUAL_INST, 0, 0);
	add(d, TV_KIND_LOST, 120, 0, 2, 0, 0, 0); /* in the middle */
	add(d, TV_KIND_ENTRY, 120, 0, 0xc0000004, 0, 0, 0);
	g = add(d, TV_KIND_LOST, 130, 0, 0, 0, 0, 0); /* frames 7..9 gone */
	g->origin = TT_GAP_UNKNOWN;
	g->gap_first = 7;
	g->gap_last = 9;
	add(d, TV_KIND_EXIT, 140, 0, 0, EXC_VIRTUAL_INST, 0, 0);
	add(d, TV_KIND_ENTRY, 150, 1, 0, 0, 0, 0); /* another hart */
	/* The ring counted 45 lost in this dump (50 since boot, 5 of them
	 * the dump before's), its LOST records 42: 3 more at the end. */
	d->totals = calloc(1, sizeof(*d->totals));
	d->ntotals = 1;
	d->totals[0].hart = 0;
	d->totals[0].lost = 50;
	d->totals[0].dump_known = 1;
	d->totals[0].dump_lost = 45;

	tt_ctf_plan(&p, d, 0);
	assert_int_equal(p.nevents, 4);
	assert_int_equal(p.lost, 45);
	assert_int_equal(p.lost_packets, 3);
	assert_int_equal(p.npackets, 8);
	/* 0: empty, before the first loss; discarded 0 */
	assert_int_equal(p.packets[0].count, 0);
	assert_int_equal(p.packets[0].discarded, 0);
	assert_int_equal(p.packets[0].seq_num, 0);
	assert_int_equal(p.packets[0].ts_begin, 100);
	/* 1: empty, the loss of 40 at its time */
	assert_int_equal(p.packets[1].count, 0);
	assert_int_equal(p.packets[1].discarded, 40);
	assert_int_equal(p.packets[1].seq_num, 1);
	assert_int_equal(p.packets[1].ts_begin, 100);
	assert_int_equal(p.packets[1].ts_end, 100);
	/* 2: entry, exit */
	assert_int_equal(p.packets[2].count, 2);
	assert_int_equal(p.packets[2].discarded, 40);
	assert_int_equal(p.packets[2].ts_begin, 100);
	assert_int_equal(p.packets[2].ts_end, 110);
	assert_int_equal(p.packets[2].seq_num, 2);
	/* 3: empty, the loss of 2 at its time, after the exit's packet */
	assert_int_equal(p.packets[3].count, 0);
	assert_int_equal(p.packets[3].discarded, 42);
	assert_int_equal(p.packets[3].seq_num, 3);
	assert_int_equal(p.packets[3].ts_begin, 120);
	/* 4: the entry after it */
	assert_int_equal(p.packets[4].count, 1);
	assert_int_equal(p.packets[4].discarded, 42);
	assert_int_equal(p.packets[4].seq_num, 4);
	/* 5: empty, after three missing frames: seq jumps by 3 */
	assert_int_equal(p.packets[5].count, 0);
	assert_int_equal(p.packets[5].seq_num, 8);
	assert_int_equal(p.packets[5].discarded, 42);
	assert_int_equal(p.packets[5].ts_begin, 130);
	/* 6: the exit after them */
	assert_int_equal(p.packets[6].count, 1);
	assert_int_equal(p.packets[6].seq_num, 9);
	assert_int_equal(p.packets[6].discarded, 42);
	/* 7: empty, carries the ring's 3 further losses */
	assert_int_equal(p.packets[7].count, 0);
	assert_int_equal(p.packets[7].discarded, 45);
	assert_int_equal(p.packets[7].seq_num, 10);
	assert_int_equal(p.packets[7].ts_begin, 140);
	tt_ctf_plan_free(&p);

	tt_ctf_plan(&p, d, 1);
	assert_int_equal(p.nevents, 1);
	assert_int_equal(p.npackets, 1);
	assert_int_equal(p.packets[0].discarded, 0);
	tt_ctf_plan_free(&p);

	/* The dump before not in the log: the ring's 50 since boot are not
	 * this dump's; its LOST records alone count, no packet at the end. */
	d->totals[0].dump_known = 0;
	tt_ctf_plan(&p, d, 0);
	assert_int_equal(p.lost, 42);
	assert_int_equal(p.npackets, 7);
	tt_ctf_plan_free(&p);
	free_dump(d);
}

static void test_ctf_plan_splits_long_streams(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_ctf_plan p;

	(void)state;
	for (unsigned i = 0; i < 2 * TT_CTF_PACKET_EVENTS + 1; i++)
		add(d, TV_KIND_MARK, 1000 + i, 0, i, 0, 0, 0);
	tt_ctf_plan(&p, d, 0);
	assert_int_equal(p.npackets, 3);
	assert_int_equal(p.packets[0].count, TT_CTF_PACKET_EVENTS);
	assert_int_equal(p.packets[2].count, 1);
	assert_int_equal(p.packets[2].seq_num, 2);
	assert_int_equal(p.packets[1].ts_begin, 1000 + TT_CTF_PACKET_EVENTS);
	tt_ctf_plan_free(&p);
	free_dump(d);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void test_ctf_entry_event_bytes(void **state)
{
	struct tt_rec t;
	struct tt_buf b = {0};

	(void)state;
	memset(&t, 0, sizeof(t));
	t.r.kind = TV_KIND_ENTRY;
	t.r.time = 0x1122334455667788;
	t.r.cycle = 0x99;
	t.r.vm = 1;
	t.r.vcpu = 2;
	t.r.arg[0] = 0xc0000000;
	t.r.arg[1] = 0x40;
	assert_int_equal(tt_ctf_event(&b, &t), 0);
	/* id 2, timestamp, vm, vcpu, cycle, pc, hvip */
	assert_int_equal(b.len, 2 + 8 + 1 + 1 + 8 + 8 + 8);
	assert_int_equal(le(b.p, 2), 2);
	assert_int_equal(le(b.p + 2, 8), 0x1122334455667788);
	assert_int_equal(b.p[10], 1);
	assert_int_equal(b.p[11], 2);
	assert_int_equal(le(b.p + 12, 8), 0x99);
	assert_int_equal(le(b.p + 20, 8), 0xc0000000);
	assert_int_equal(le(b.p + 28, 8), 0x40);
	/* LOST records are not events. */
	t.r.kind = TV_KIND_LOST;
	assert_int_equal(tt_ctf_event(&b, &t), -1);
	assert_int_equal(b.len, 36);
	free(b.p);
}

/* tv_switch: the next vCPU, the reason, the ticks the previous one ran,
 * the next hgatp with its VMID (bits 57:44), the flush, both names. */
static void test_ctf_switch_event_bytes(void **state)
{
	struct tt_rec t;
	struct tt_buf b = {0};
	static const char names[] = "vm0-vcpu1\0vm2-vcpu0";

	(void)state;
	memset(&t, 0, sizeof(t));
	t.r.kind = TV_KIND_SWITCH;
	t.r.time = 5000;
	t.r.vcpu = 1;
	t.r.arg[0] = 2;
	t.r.arg[1] = 0;
	t.r.arg[2] = TV_SWITCH_WAIT;
	t.r.arg[3] = 777;
	t.r.arg[4] = 0x8000700000080400ULL;
	t.r.arg[5] = 1;
	assert_int_equal(tt_ctf_event(&b, &t), 0);
	/* header, context; next_vm u8, next_vcpu u8, reason u64, ran u64,
	 * hgatp u64, vmid u32, flushed u8, two strings */
	assert_int_equal(b.len, 20 + 1 + 1 + 8 + 8 + 8 + 4 + 1 + sizeof(names));
	assert_int_equal(le(b.p, 2), TV_KIND_SWITCH);
	assert_int_equal(b.p[10], 0);
	assert_int_equal(b.p[11], 1);
	assert_int_equal(b.p[20], 2);
	assert_int_equal(b.p[21], 0);
	assert_int_equal(le(b.p + 22, 8), TV_SWITCH_WAIT);
	assert_int_equal(le(b.p + 30, 8), 777);
	assert_int_equal(le(b.p + 38, 8), 0x8000700000080400ULL);
	assert_int_equal(le(b.p + 46, 4), 7);
	assert_int_equal(b.p[50], 1);
	assert_memory_equal(b.p + 51, names, sizeof(names));
	free(b.p);
}

static void test_ctf_packet_header(void **state)
{
	struct tt_dump *d = new_dump();
	struct tt_ctf_plan p;
	struct tt_buf b = {0};
	uint8_t uuid[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		uuid[i] = (uint8_t)(0xa0 + i);
	add(d, TV_KIND_LOST, 50, 3, 7, 0, 0, 0);
	add(d, TV_KIND_MARK, 60, 3, 1, 0, 0, 0);
	tt_ctf_plan(&p, d, 3);
	assert_int_equal(p.npackets, 3); /* empty; the loss's, empty; the mark's */
	tt_ctf_packet(&b, &p, 2, uuid, 3);
	/* header 32 + context 52 + one tv_mark event (20 + 8) */
	assert_int_equal(b.len, 32 + 52 + 28);
	assert_int_equal(le(b.p, 4), 0xC1FC1FC1);
	assert_memory_equal(b.p + 4, uuid, 16);
	assert_int_equal(le(b.p + 20, 4), 0);	   /* stream_id */
	assert_int_equal(le(b.p + 24, 8), 3);	   /* stream_instance_id */
	assert_int_equal(le(b.p + 32, 8), 60);	   /* timestamp_begin */
	assert_int_equal(le(b.p + 40, 8), 60);	   /* timestamp_end */
	assert_int_equal(le(b.p + 48, 8), 112ull * 8); /* content_size, bits */
	assert_int_equal(le(b.p + 56, 8), 112ull * 8); /* packet_size */
	assert_int_equal(le(b.p + 64, 8), 2);	   /* packet_seq_num */
	assert_int_equal(le(b.p + 72, 8), 7);	   /* events_discarded */
	assert_int_equal(le(b.p + 80, 4), 3);	   /* cpu_id */
	free(b.p);
	tt_ctf_plan_free(&p);
	free_dump(d);
}

/* The byte size of a TSDL field type of the metadata, 0 for a string. */
static unsigned tsdl_size(const char *type)
{
	if (strncmp(type, "enum : uint8_t", 14) == 0 ||
	    strcmp(type, "uint8_t") == 0)
		return 1;
	if (strcmp(type, "uint32_t") == 0 || strcmp(type, "x32_t") == 0)
		return 4;
	if (strcmp(type, "string") == 0)
		return 0;
	return 8;
}

/*
 * Walk an encoded event with the field list the metadata declares for its
 * class: the event must be exactly as long as the metadata says, so a
 * reader decoding with the metadata stays in step.
 */
static void check_event_against_metadata(const char *meta,
					 const char *name, unsigned kind)
{
	struct tt_rec t;
	struct tt_buf b = {0};
	char key[64];
	const char *ev, *end;
	size_t off = 2 + 8 + 1 + 1 + 8; /* header + context */

	memset(&t, 0, sizeof(t));
	t.r.kind = (uint8_t)kind;
	t.r.arg[1] = EXC_LOAD_GUEST_PAGE_FAULT;
	t.r.flags = TV_F_INSN;
	t.r.arg[5] = 0x0005b503;
	t.r.arg[3] = 0x4188; /* MMIO insn */
	assert_int_equal(tt_ctf_event(&b, &t), 0);
	snprintf(key, sizeof(key), "name = \"%s\";\n\tid = %u;", name, kind);
	ev = strstr(meta, key);
	assert_non_null(ev);
	ev = strstr(ev, "fields := struct {\n");
	assert_non_null(ev);
	ev += strlen("fields := struct {\n");
	end = strstr(ev, "\t};");
	assert_non_null(end);
	while (ev < end) {
		const char *nl = strchr(ev, '\n');
		char type[160], *sp;
		size_t n;

		while (*ev == '\t')
			ev++;
		/* "TYPE NAME;" with TYPE possibly "enum : ... { ... }" */
		n = (size_t)(nl - ev);
		assert_true(n < sizeof(type));
		memcpy(type, ev, n);
		type[n] = '\0';
		sp = strrchr(type, ' ');
		assert_non_null(sp);
		*sp = '\0';
		if (tsdl_size(type))
			off += tsdl_size(type);
		else
			off += strlen((const char *)b.p + off) + 1;
		assert_true(off <= b.len);
		ev = nl + 1;
	}
	assert_int_equal(off, b.len);
	free(b.p);
}

static void test_ctf_metadata(void **state)
{
	struct tt_dump *d = new_dump();
	uint8_t uuid[16] = {0x12, 0x34}, cu[16] = {0xab};
	struct mem m;
	char *meta;
	static const struct {
		const char *name;
		unsigned kind;
	} ev[] = {
		{"kvm_exit", TV_KIND_EXIT},	{"kvm_entry", TV_KIND_ENTRY},
		{"tv_sbi", TV_KIND_SBI},	{"tv_mmio", TV_KIND_MMIO},
		{"tv_irq", TV_KIND_IRQ},	{"tv_exc", TV_KIND_EXC},
		{"tv_mark", TV_KIND_MARK},	{"tv_control", TV_KIND_CONTROL},
		{"tv_stop", TV_KIND_STOP},	{"tv_switch", TV_KIND_SWITCH},
	};

	(void)state;
	d->info.timebase_hz = 24000000;
	mem_open(&m);
	tt_ctf_metadata(m.f, d, 2, "a \"quoted\" log", uuid, cu, 0);
	meta = mem_close(&m);
	assert_int_equal(strncmp(meta, "/* CTF 1.8 */\n", 14), 0);
	assert_non_null(strstr(meta, "uuid = \"12340000-0000-0000-0000-"
				     "000000000000\";"));
	assert_non_null(strstr(meta, "uuid = \"ab000000-0000-0000-0000-"));
	assert_non_null(strstr(meta, "freq = 24000000;"));
	assert_non_null(strstr(meta, "log = \"a \\\"quoted\\\" log\";"));
	assert_non_null(strstr(meta, "uint64_t events_discarded;"));
	assert_non_null(strstr(meta, "uint64_t packet_seq_num;"));
	assert_non_null(strstr(meta, "x64_t sepc;"));
	assert_non_null(strstr(meta, "base = 16;"));
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		check_event_against_metadata(meta, ev[i].name, ev[i].kind);
	assert_int_equal(count(meta, "event {"), 10);
	assert_non_null(strstr(meta, "enum : uint64_t { slice = 1, wait = 2, "
				     "stop = 3 } reason;"));
	free(meta);
	free_dump(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test(test_csv_rows),
		cmocka_unit_test(test_csv_switch_row),
		cmocka_unit_test(test_exact_times),
		cmocka_unit_test(test_gpa_and_insn),
		cmocka_unit_test(test_json_string_escapes),
		cmocka_unit_test(test_json_pairing),
		cmocka_unit_test(test_json_switches),
		cmocka_unit_test(test_ctf_plan_losses),
		cmocka_unit_test(test_ctf_plan_splits_long_streams),
		cmocka_unit_test(test_ctf_entry_event_bytes),
		cmocka_unit_test(test_ctf_switch_event_bytes),
		cmocka_unit_test(test_ctf_packet_header),
		cmocka_unit_test(test_ctf_metadata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
