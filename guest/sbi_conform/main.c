/*
 * SBI conformance guest, the runner: reads the machine from the device
 * tree, starts the second vCPU, runs every suite (ext_*.c) row by row
 * through the register-checking harness, prints a line per check and a
 * summary, and ends the run with SRST: a shutdown whose reset_type and
 * reset_reason carry garbage in their upper 32 bits, which must be
 * ignored ("Binary Encoding"; both are uint32_t in "Function: System
 * reset"), with reason "system failure" in the low bits if a check failed.
 */
#include <stdio.h>
#include <string.h>

#include "conform.h"
#include "fdt.h"

/* Each row's call is preceded by a trace mark MARK_BASE + row number, so
 * the test can find the call's SBI record in the trace. */
#define MARK_BASE 0x5C000000UL

uint64_t ram_base, ram_size, timebase_hz = 10000000;
unsigned nharts, self_hart, other_hart;
char conform_buf[256];

extern const struct conform_suite *const conform_suites_start[];
extern const struct conform_suite *const conform_suites_end[];

static unsigned checks, failed, skipped, cases_skipped;

uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

bool wait_for(bool (*cond)(void), uint64_t ticks)
{
	uint64_t until = now() + ticks;
	while (!cond())
		if (now() > until)
			return cond();
	return true;
}

bool sip_has(unsigned long bit)
{
	return (csr_read(CSR_SIP) & bit) != 0;
}

/* No timer interrupt wanted: "(uint64_t)-1" ("Timer Extension"). */
void clear_timer(void)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
}

volatile unsigned long timer_irqs;
volatile unsigned long trap_expect, traps_taken;
volatile bool own_stimecmp;

/* n illegal instructions (ILLEGAL_WORD, 4 bytes), each taken by
 * guest_trap and skipped. */
void illegal_insns(unsigned n)
{
	trap_expect = EXC_ILLEGAL_INST + 1;
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile(ILLEGAL_WORD_ASM
				 ::: "memory");
	trap_expect = 0;
}

/* Is a supervisor timer interrupt pending? Seen by taking it: sie.STIE and
 * sstatus.SIE on for `ticks` (guest_trap counts it and turns the timer
 * off). Reading sip.STIP would do on QEMU 10, but QEMU 7.2 reads it as 0
 * while hvip.VSTIP is set, although it delivers the interrupt. */
bool timer_irq_within(uint64_t ticks)
{
	unsigned long before = timer_irqs;
	uint64_t until = now() + ticks;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	while (timer_irqs == before && now() <= until)
		;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
	return timer_irqs != before;
}

/* Base get_spec_version, as reported. */
unsigned long spec_version(void)
{
	static unsigned long v;
	if (!v)
		v = (unsigned long)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).value;
	return v;
}

/* The secondary takes IPIs; the boot vCPU keeps interrupts off (sstatus.SIE
 * = 0) and only looks at sip, so a trap here on vCPU 0 is a failure. */
struct trap_frame;
void secondary_ipi(void);
void guest_trap(struct trap_frame *f)
{
	uint64_t cause = csr_read(CSR_SCAUSE);
	if (csr_read(CSR_SSCRATCH) == 1 && cause == (CAUSE_INTERRUPT | IRQ_S_SOFT)) {
		secondary_ipi();
		return;
	}
	if (csr_read(CSR_SSCRATCH) == 0 && trap_expect && cause == trap_expect - 1) {
		traps_taken++;
		((unsigned long *)f)[32] += 4; /* the frame's epc (start.S), restored to sepc */
		return;
	}
	if (csr_read(CSR_SSCRATCH) == 0 && cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
		timer_irqs++;
		if (own_stimecmp)
			csr_write(CSR_STIMECMP, ~0UL);
		clear_timer();
		return;
	}
	printf("sbi-conform: FAIL unexpected trap scause %#lx stval %#lx sepc %#lx\n",
	       (unsigned long)cause, (unsigned long)csr_read(CSR_STVAL),
	       (unsigned long)csr_read(CSR_SEPC));
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, SBI_SRST_REASON_SYSTEM_FAILURE, 0);
	for (;;)
		__asm__ volatile("wfi");
}

static bool read_fdt(const void *fdt)
{
	if (fdt_check(fdt, 1 << 16) < 0)
		return false;
	int len, cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return false;
	const void *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (tb && (len == 4 || len == 8))
		timebase_hz = fdt_read_cells(tb, len / 4);
	nharts = 0;
	for (int node = fdt_first_child(fdt, cpus); node >= 0; node = fdt_next_sibling(fdt, node)) {
		const char *name = fdt_node_name(fdt, node);
		if (name && strncmp(name, "cpu@", 4) == 0)
			nharts++;
	}
	for (int node = fdt_first_child(fdt, 0); node >= 0; node = fdt_next_sibling(fdt, node)) {
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (type && strcmp(type, "memory") == 0 &&
		    fdt_read_reg(fdt, node, 0, &ram_base, &ram_size) == 0)
			break;
	}
	return nharts >= 1 && ram_size != 0;
}

static unsigned long resolve(const struct arg *a)
{
	switch (a->kind) {
	case A_LIT: return a->v;
	case A_RAM_BASE: return ram_base + a->v;
	case A_RAM_END: return ram_base + ram_size + a->v;
	case A_RAM_SIZE: return ram_size + a->v;
	case A_BUF: return (uintptr_t)conform_buf + a->v;
	case A_SELF: return self_hart + a->v;
	case A_OTHER: return other_hart + a->v;
	case A_NHARTS: return nharts + a->v;
	case A_ENTRY: return (uintptr_t)secondary_entry + a->v;
	case A_OPAQUE: return secondary_stack_top();
	case A_SPEC_VERSION: return spec_version();
	case A_MASK_SELF: return 1UL << self_hart;
	case A_MASK_OTHER: return 1UL << other_hart;
	case A_MASK_BEYOND: return nharts >= 64 ? 0 : 1UL << nharts;
	}
	return 0;
}

void setup_failed(struct conform_ctx *x, const char *what)
{
	snprintf(x->why, sizeof(x->why), "setup: %s", what);
	x->want_error = x->want_alt = E_SETUP_FAILED;
}

static long want_error(const struct conform_case *c)
{
	if (c->want_error == E_HART_BASE_ONLY) /* "Hart list parameter" */
		return (spec_version() >> 24) >= 3 ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM;
	return c->want_error;
}

static const char *reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* Call through the harness: every GPR a known value, a0..a7 the call's.
 * Returns false and says which register changed when one that is not an
 * output did. */
static bool harness_call(struct conform_ctx *x, unsigned long eid, bool legacy,
			 unsigned row)
{
	struct gprs in, out;
	for (unsigned i = 0; i < 32; i++)
		in.x[i] = 0xC0FFEE0000000000UL | ((unsigned long)row << 8) | i;
	for (unsigned i = 0; i < 6; i++)
		in.x[10 + i] = x->a[i];
	in.x[16] = x->c->fid;
	in.x[17] = eid;
	conform_ecall(&in, &out);
	x->got.error = (long)out.x[10];
	x->got.value = (long)out.x[11];
	for (unsigned i = 1; i < 32; i++) {
		if (i == 10 || (i == 11 && !legacy))
			continue; /* the outputs */
		if (out.x[i] != in.x[i]) {
			snprintf(x->why, sizeof(x->why), "register %s changed: %#lx -> %#lx",
				 reg_names[i], in.x[i], out.x[i]);
			return false;
		}
	}
	return true;
}

static bool value_ok(enum want_value vmode, long value, unsigned long want)
{
	switch (vmode) {
	case V_ANY: return true;
	case V_EQ: return (unsigned long)value == want;
	case V_LE: return (unsigned long)value <= want;
	case V_RANGE_CHAR: return value >= -1 && value <= 255;
	}
	return false;
}

static void run_case(const struct conform_suite *s, const struct conform_case *c)
{
	unsigned row = checks++;
	struct conform_ctx x = { .c = c };
	unsigned long eid = (c->flags & C_EID) ? c->eid : s->eid;
	bool legacy = s->legacy || (c->flags & C_LEGACY);
	for (unsigned i = 0; i < 6; i++)
		x.a[i] = resolve(&c->a[i]);
	x.want = resolve(&c->want);
	x.want_error = x.want_alt = want_error(c);
	x.vmode = c->vmode;

	if (c->prepare)
		c->prepare(&x);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_BASE + row, 0, 0);
	bool regs_ok = true;
	if (c->run)
		c->run(&x);
	else
		regs_ok = harness_call(&x, eid, legacy, row);
	bool ok = regs_ok;
	/* A legacy call returns only a0, its result ("Legacy Extensions"). */
	long got_err = x.got.error, werr = x.want_error;
	bool err_ok = got_err == werr || got_err == x.want_alt;
	if (legacy)
		ok = ok && (x.vmode == V_RANGE_CHAR ? value_ok(x.vmode, got_err, 0) : err_ok);
	else
		ok = ok && err_ok && value_ok(x.vmode, x.got.value, x.want);
	if (ok && c->verify && !c->verify(&x))
		ok = false;
	bool skip = ok && x.skip;
	if (!ok)
		failed++;
	cases_skipped += skip;
	char wants[80], alt[24] = "";
	if (x.want_alt != werr)
		snprintf(alt, sizeof(alt), " or %ld", x.want_alt);
	if (legacy && x.vmode == V_RANGE_CHAR)
		snprintf(wants, sizeof(wants), "a0 in -1..255");
	else if (x.vmode == V_EQ)
		snprintf(wants, sizeof(wants), "error=%ld%s value=%#lx", werr, alt, x.want);
	else if (x.vmode == V_LE)
		snprintf(wants, sizeof(wants), "error=%ld%s value<=%#lx", werr, alt, x.want);
	else
		snprintf(wants, sizeof(wants), "error=%ld%s", werr, alt);
	/* The trailer names the call for the trace check; a failed line also
	 * says what else was wrong (a register, a side effect). */
	printf("sbi-conform: %s %s.%s %s: got error=%ld value=%#lx, want %s%s%s "
	       "[mark=%#lx a7=%#lx a6=%#lx a0=%#lx record=%s]\n",
	       skip ? "skip" : ok ? "ok" : "FAIL", s->ext, c->func, c->name, got_err,
	       legacy ? 0UL : (unsigned long)x.got.value, wants,
	       (!ok || skip) && x.why[0] ? " -- " : "", !ok || skip ? x.why : "",
	       MARK_BASE + row, eid, c->fid, x.a[0], c->run ? "own" : "next");
}

static int suite_cmp(const struct conform_suite *a, const struct conform_suite *b)
{
	return (int)a->order - (int)b->order;
}

static void run_suites(void)
{
	const struct conform_suite *list[32];
	unsigned n = 0;
	/* The linker puts the suites between the two symbols (guest.ld). */
	size_t nsuites = (size_t)((uintptr_t)conform_suites_end - (uintptr_t)conform_suites_start) /
			 sizeof(const struct conform_suite *); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
	for (size_t k = 0; k < nsuites && n < ARRAY_LEN(list); k++)
		list[n++] = conform_suites_start[k];
	for (unsigned i = 1; i < n; i++) /* insertion sort by order */
		for (unsigned j = i; j > 0 && suite_cmp(list[j - 1], list[j]) > 0; j--) {
			const struct conform_suite *t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (unsigned i = 0; i < n; i++) {
		const struct conform_suite *s = list[i];
		/* Only what the hypervisor offers ("Probe SBI extension"); the
		 * legacy suite probes its calls itself. */
		if (!s->legacy &&
		    sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, s->eid, 0, 0).value == 0) {
			printf("sbi-conform: skip %s: probe_extension(%#lx) says not available\n",
			       s->ext, s->eid);
			skipped++;
			continue;
		}
		unsigned before = checks, fails = failed;
		for (unsigned k = 0; k < s->ncases; k++)
			run_case(s, &s->cases[k]);
		printf("sbi-conform: suite %s: %u checks, %u failed\n", s->ext, checks - before,
		       failed - fails);
	}
}

/* The last call: SRST shutdown with upper-half garbage in both 32-bit
 * parameters. If it returns, the hypervisor read the whole register. */
static void finish(void)
{
	unsigned long type = 0xFFFFFFFF00000000UL | SBI_SRST_TYPE_SHUTDOWN;
	unsigned long reason = 0xABCD000000000000UL |
			       (failed ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE);
	printf("sbi-conform: SRST.system_reset shutdown type=%#lx reason=%#lx (upper 32 bits "
	       "must be ignored)\n", type, reason);
	struct sbiret r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, reason, 0);
	printf("sbi-conform: FAIL SRST.system_reset shutdown with upper-half garbage: returned "
	       "error=%ld, want no return\n", r.error);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, SBI_SRST_REASON_SYSTEM_FAILURE, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void guest_main(unsigned long hart, const void *fdt)
{
	console_init();
	csr_write(CSR_SSCRATCH, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	self_hart = (unsigned)hart;
	if (!read_fdt(fdt) || nharts < 2 || nharts > MAX_HARTS) {
		printf("sbi-conform: FAIL this guest wants 2..%u harts and RAM in its device tree "
		       "(has %u harts)\n", (unsigned)MAX_HARTS, nharts);
		sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, SBI_SRST_REASON_SYSTEM_FAILURE, 0);
	}
	other_hart = self_hart == 0 ? 1 : 0;
	printf("sbi-conform: %u harts, RAM %#lx+%#lx, SBI spec %lu.%lu, hart %u calls, hart %u "
	       "is the other\n", nharts, (unsigned long)ram_base, (unsigned long)ram_size,
	       (spec_version() >> 24) & 0x7f, spec_version() & 0xffffff, self_hart, other_hart);
	if (!secondary_start()) {
		printf("sbi-conform: FAIL the second vCPU did not start\n");
		failed++;
	}
	run_suites();
	printf("sbi-conform: %u checks, %u passed, %u failed, %u suites skipped", checks,
	       checks - failed - cases_skipped, failed, skipped);
	if (cases_skipped)
		printf(", skipped: %u (what they watch did not happen here)", cases_skipped);
	printf("\n");
	finish();
}
