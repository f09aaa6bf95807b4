/*
 * The validation guest (tv.guest=validate; docs/validation.md).
 *
 * The hypervisor has already run the HS-side checks (hyp/validate/) and
 * printed their table and TAP lines. This guest checks the same rules from
 * the VS side, as a guest sees them, continues the numbering, then asks
 * the hypervisor for its HS-side checks that come after the guest's
 * (guest external interrupts and the checks added after them: numbered
 * last, every older check keeps its number), prints the TAP plan and the
 * totals, and shuts down with a failure reason when any check (HS side or
 * its own) failed, so QEMU's exit status says it too.
 *
 * The HS side's totals come through the test device's SCRATCH register
 * (hyp/validate/validate.h), both times: at boot, and after a write of
 * this guest's last check number to VALIDATE_LATE has run the later ones
 * (include/tracevisor/guest_map.h). Each check here is bracketed by two trace
 * markers (SBI tracevisor extension, mark), so the system test can hold
 * the verdict to the exit records the hypervisor made meanwhile.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <tracevisor/csr.h>
#include <tracevisor/guest_map.h>

#include "../../hyp/validate/validate.h"
#include "fdt.h"
#include "guest_common.h"
#include "sbi_call.h"

#define TESTDEV TV_GPA_TESTDEV
#define TD_SCRATCH 0x08
#define HOLE 0x20000000UL	/* guest-physical: neither RAM nor a device */

/* guest/common/start.S's frame: x1..x31 at 8*n, epc at 8*32. */
struct trap_frame {
	uint64_t x[32];
	uint64_t epc;
};

enum verdict { V_PASS, V_FAIL, V_SKIP };

/* The trap the next instruction is expected to raise. */
static volatile struct {
	bool armed, seen;
	uint64_t cause, tval, epc;
} expect;
static volatile uint64_t timer_cause;
static bool has_sstc;
static bool force_fail;	/* "validate.force_fail" in the bootargs: self-test */
static unsigned number, counts[3];
static char seen[160];

/* What each guest-side check found, for the TAP lines after the table. */
#define MAX_GUEST_CHECKS 16
static struct {
	const char *name;
	enum verdict v;
	char seen[160];
} done[MAX_GUEST_CHECKS];
static unsigned ndone;

/* SRST shutdown: reason "system failure" when failure (the hypervisor makes
 * it QEMU's exit status). */
void guest_shutdown(bool failure) __attribute__((noreturn));
void guest_shutdown(bool failure)
{
	fflush(stdout);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		;
}

/* Every trap of the guest (guest/common/start.S). */
void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
	uint64_t cause = csr_read(CSR_SCAUSE);
	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
		csr_write(CSR_STIMECMP, ~0UL);
		csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
		timer_cause = cause;
		return;
	}
	if (expect.armed) {
		expect.armed = false;
		expect.seen = true;
		expect.cause = cause;
		expect.tval = csr_read(CSR_STVAL);
		expect.epc = f->epc;
		f->epc += (*(volatile uint16_t *)f->epc & 3) == 3 ? 4 : 2;
		return;
	}
	printf("validate guest: unexpected trap: scause %#lx stval %#lx sepc %#lx ra %#lx\n",
	       (unsigned long)cause, (unsigned long)csr_read(CSR_STVAL), (unsigned long)f->epc,
	       (unsigned long)f->x[1]);
	guest_shutdown(true);
}

static void arm(void)
{
	expect.seen = false;
	expect.cause = expect.tval = expect.epc = 0;
	expect.armed = true;
}

static void mark(uint64_t v)
{
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, v, 0, 0);
}

/* One check: run it between its two markers and print its table row
 * (same format as the HS side); the TAP lines come after the table. */
static void check(const char *name, const char *section, const char *rule,
		  enum verdict (*run)(void))
{
	unsigned n = ++number;
	static const char *const names[] = { "PASS", "FAIL", "SKIP" };
	seen[0] = 0;
	mark(VALIDATE_MARK_BEGIN(n));
	enum verdict v = run();
	mark(VALIDATE_MARK_END(n));
	counts[v]++;
	printf("%3u | %-9s | %#010llx-%#010llx | %s (guest side)\n", n, names[v],
	       (unsigned long long)VALIDATE_MARK_BEGIN(n), (unsigned long long)VALIDATE_MARK_END(n),
	       name);
	printf("    |           |                       |   spec \"%s\": %s\n", section, rule);
	printf("    |           |                       |   seen: %s\n", seen);
	if (ndone < MAX_GUEST_CHECKS) {
		done[ndone].name = name;
		done[ndone].v = v;
		memcpy(done[ndone].seen, seen, sizeof(seen));
		ndone++;
	}
}

/* TAP lines for the guest-side checks done[from..ndone-1], the first
 * of them numbered `first`. */
static void print_tap(unsigned from, unsigned first)
{
	printf("\n# TAP: guest-side checks\n");
	for (unsigned i = from; i < ndone; i++) {
		unsigned n = first + i - from;
		if (done[i].v == V_PASS)
			printf("ok %u - %s (guest side)\n", n, done[i].name);
		else if (done[i].v == V_SKIP)
			printf("ok %u - %s (guest side) # SKIP %s\n", n, done[i].name, done[i].seen);
		else
			printf("not ok %u - %s (guest side) # %s\n", n, done[i].name, done[i].seen);
	}
}

#define SEEN(...) snprintf(seen, sizeof(seen), __VA_ARGS__)

static enum verdict g_ecall(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	SEEN("SBI get_spec_version answered: error %ld value %#lx (trace: exit ECALL_VS)",
	     r.error, (unsigned long)r.value);
	return r.error == 0 && r.value > 0 ? V_PASS : V_FAIL;
}

/* The hypervisor turns a guest-page fault on a hole into an access fault
 * for the guest, at the same address. */
static enum verdict g_unmapped_load(void)
{
	arm();
	(void)*(volatile uint16_t *)(HOLE + 6);
	SEEN("guest got scause %lu stval %#lx (trace: exit LOAD_GPF gpa 0x20000006)",
	     (unsigned long)expect.cause, (unsigned long)expect.tval);
	return expect.seen && expect.cause == EXC_LOAD_ACCESS && expect.tval == HOLE + 6 ? V_PASS
											   : V_FAIL;
}

static enum verdict g_unmapped_store(void)
{
	arm();
	*(volatile uint32_t *)(HOLE + 0x104) = 1;
	SEEN("guest got scause %lu stval %#lx (trace: exit STORE_GPF gpa 0x20000104)",
	     (unsigned long)expect.cause, (unsigned long)expect.tval);
	return expect.seen && expect.cause == EXC_STORE_ACCESS && expect.tval == HOLE + 0x104
		       ? V_PASS
		       : V_FAIL;
}

static enum verdict g_hstatus(void)
{
	uint64_t v;
	arm();
	__asm__ volatile(".option push\n.option arch, +h\ncsrr %0, hstatus\n.option pop"
			 : "=r"(v));
	(void)v;
	SEEN("guest got scause %lu stval %#lx (trace: exit VIRT_INSN, then illegal "
	     "instruction injected)", (unsigned long)expect.cause, (unsigned long)expect.tval);
	return expect.seen && expect.cause == EXC_ILLEGAL_INST &&
			       (expect.tval & 0xfffff07f) == 0x60002073
		       ? V_PASS
		       : V_FAIL;
}

static enum verdict g_time(void)
{
	uint64_t t0 = csr_read(CSR_TIME);
	uint64_t t1 = csr_read(CSR_TIME);
	SEEN("time %#lx then %#lx (trace: no exit between the markers)", (unsigned long)t0,
	     (unsigned long)t1);
	return t1 >= t0 && t0 != 0 ? V_PASS : V_FAIL;
}

static enum verdict g_sstc(void)
{
	if (!has_sstc) {
		SEEN("the guest's ISA string has no Sstc");
		return V_SKIP;
	}
	timer_cause = 0;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	csr_write(CSR_STIMECMP, csr_read(CSR_TIME));
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned i = 0; i < 1000000 && !timer_cause; i++)
		__asm__ volatile("nop");
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	SEEN("scause %#lx, taken in the guest (trace: no exit between the markers)",
	     (unsigned long)timer_cause);
	return timer_cause == (CAUSE_INTERRUPT | IRQ_S_TIMER) ? V_PASS : V_FAIL;
}

/* The suite's own exit path: a check that always fails, run only when
 * the bootargs ask for it (tests/system/test_validate.sh). */
static enum verdict g_forced(void)
{
	SEEN("forced by validate.force_fail in the bootargs");
	return V_FAIL;
}

static void read_fdt(const void *fdt)
{
	int cpu = fdt_path_offset(fdt, "/cpus/cpu@0");
	int len;
	const char *isa = cpu >= 0 ? fdt_getprop(fdt, cpu, "riscv,isa", &len) : NULL;
	has_sstc = isa && strstr(isa, "_sstc") != NULL;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	force_fail = args && strstr(args, "validate.force_fail") != NULL;
}

void guest_main(unsigned long hart, const void *fdt);
void guest_main(unsigned long hart, const void *fdt)
{
	(void)hart;
	console_init();
	if (fdt_check(fdt, 0x4000) == 0)
		read_fdt(fdt);
	uint64_t hs = *(volatile uint64_t *)(TESTDEV + TD_SCRATCH);
	if (hs == 0) {
		printf("not ok 1 - the HS-side checks did not run (no hand-off in the test "
		       "device's SCRATCH register)\n1..1\n");
		guest_shutdown(true);
	}
	number = VALIDATE_CHECKS(hs);
	printf("\n# validation guest: the HS side ran %u checks (%u FAIL, %u DEVIATION, "
	       "%u SKIP); the guest side follows\n\n",
	       number, VALIDATE_FAILS(hs), VALIDATE_DEVS(hs), VALIDATE_SKIPS(hs));
	printf("  # | verdict   | trace marks           | check\n");
	printf("----+-----------+-----------------------+---------------------------------------------\n");

	check("VS ecall reaches the hypervisor", "Trap Cause Codes",
	      "environment calls from VS-mode are cause 10, apart from HS-mode's 9", g_ecall);
	check("load from an unmapped GPA", "Guest-Page Faults",
	      "a guest-page fault traps to HS with stval = GVA, htval = GPA>>2; the hypervisor "
	      "gives the guest an access fault", g_unmapped_load);
	check("store to an unmapped GPA", "Guest-Page Faults",
	      "a store/AMO guest-page fault traps to HS; the hypervisor gives the guest a "
	      "store access fault", g_unmapped_store);
	check("hypervisor CSR from VS", "Trap Cause Codes",
	      "VS access to hstatus is a virtual-instruction exception, which a hypervisor turns "
	      "into an illegal instruction", g_hstatus);
	check("time readable with no exit", "Hypervisor Counter-Enable (hcounteren) Register",
	      "with hcounteren.TM set, reading time is permitted when V=1", g_time);
	check("stimecmp interrupt with no exit", "Virtual Supervisor Timer (vstimecmp) Register",
	      "with henvcfg.STCE=1 the guest's stimecmp is vstimecmp; its interrupt is taken in VS",
	      g_sstc);

	print_tap(0, VALIDATE_CHECKS(hs) + 1);

	/* The HS side's checks after these: they print their own rows and
	 * TAP lines, numbered from number + 1, and hand over their totals. */
	*(volatile uint64_t *)(TESTDEV + TV_TESTDEV_VALIDATE_LATE) = number;
	uint64_t late = *(volatile uint64_t *)(TESTDEV + TD_SCRATCH);
	unsigned late_fails = VALIDATE_FAILS(late);
	if (late == 0) {
		/* A check of its own, so the plan still counts it. */
		number++;
		printf("not ok %u - the HS-side checks after the guest's did not run (SCRATCH 0 "
		       "after the VALIDATE_LATE write)\n", number);
		late_fails = 1;
	}
	number += VALIDATE_CHECKS(late);

	if (force_fail) {
		unsigned from = ndone;
		check("self-test: a forced failure", "(none)", "the run must end with failure",
		      g_forced);
		print_tap(from, number);
	}

	unsigned total = number;
	unsigned fails = VALIDATE_FAILS(hs) + counts[V_FAIL] + late_fails;
	unsigned devs = VALIDATE_DEVS(hs) + VALIDATE_DEVS(late);
	unsigned skips = VALIDATE_SKIPS(hs) + counts[V_SKIP] + VALIDATE_SKIPS(late);
	printf("1..%u\n", total);
	printf("# validation: %u checks: %u PASS, %u FAIL, %u DEVIATION, %u SKIP -> %s\n", total,
	       total - fails - devs - skips, fails, devs, skips, fails ? "FAILURE" : "SUCCESS");
	guest_shutdown(fails != 0);
}
