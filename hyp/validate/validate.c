/*
 * The platform validation suite, HS side: runs every check of
 * checks_csr.c, checks_xlate.c and checks_trap.c in order, prints the
 * table and the TAP lines, and hands the totals to the validation guest.
 * When the guest has run its own checks it asks for the HS-side checks
 * numbered after them (checks_geint.c, then checks_late.c), which run
 * inside that request's exit (validate_hs_late_checks), print the run's
 * one list of known deviations (boot and late checks together) and hand
 * their totals over the same way.
 *
 * Each check starts from the same state (a fresh validation VM, default
 * hypervisor CSRs) and is bracketed in the trace by two markers,
 * VALIDATE_MARK_BEGIN/END(n), recorded for a private vCPU "vm1-vcpu0";
 * every guest run of a check is recorded as an entry/exit pair of that
 * vCPU with the trap CSRs the hardware reported, so the dump at shutdown
 * shows the raw values each verdict rests on.
 */
#include <stdarg.h>

#include "../core/mem.h"
#include "../core/options.h"
#include "../core/platform.h"
#include "../core/vcpu.h"
#include "../core/vm.h"
#include "../mmio/mmio.h"
#include "../trace/trace.h"
#include "riscv_names.h"
#include "validate.h"
#include "vcheck.h"

struct vw_ctx C;
uint64_t hstatus_base;
bool have_sstc;
uint16_t vmid_default;
unsigned long gmode_default;
unsigned vmid_bits;
bool have_sv39x4, have_sv48x4, have_sv57x4, hgatp_any_mode;

/* The validation VM's one vCPU, for the trace only (VM id 1: the real
 * guest is VM 0). */
static struct vcpu vv;

#define MAX_CHECKS 128
static struct result results[MAX_CHECKS];
static const struct check *ran[MAX_CHECKS];
static unsigned nchecks;
/* How many checks the boot half ran (0: it has not). */
static unsigned hs_checks;

static const char *const verdict_names[] = {
	[V_PASS] = "PASS", [V_FAIL] = "FAIL", [V_DEVIATION] = "DEVIATION", [V_SKIP] = "SKIP",
};

/* The four verdicts (vcheck.h): each sets the verdict and what was seen. */
static void set(struct result *r, enum verdict v, const char *fmt, va_list ap)
{
	r->verdict = v;
	vsnprintf(r->seen, sizeof(r->seen), fmt, ap);
}

void pass(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set(r, V_PASS, fmt, ap);
	va_end(ap);
}

void fail(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set(r, V_FAIL, fmt, ap);
	va_end(ap);
}

void deviation(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set(r, V_DEVIATION, fmt, ap);
	va_end(ap);
}

void skip(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set(r, V_SKIP, fmt, ap);
	va_end(ap);
}

/* vcheck.h: append " word", bounded. */
void add_word(char *buf, size_t size, const char *word)
{
	size_t n = strlen(buf);
	if (n < size)
		snprintf(buf + n, size - n, " %s", word);
}

/* vcheck.h: "LOAD_GPF" style cause names (lib/riscv_names.c). */
const char *cn(uint64_t cause)
{
	if (cause == 0)
		return "none";
	const char *s = tv_cause_short(cause);
	return s ? s : "?";
}

/* vcheck.h: snippets live in the code page, identity mapped at GPA_ARENA. */
uint64_t snip(const char *sym)
{
	return GPA_ARENA + OFF_CODE + snip_off(sym);
}

uint32_t snip_insn(const char *sym, unsigned off)
{
	uint32_t w;
	memcpy(&w, sym + off, sizeof(w));
	return w;
}

/* vcheck.h: one guest run through the private world switch, traced as an
 * entry/exit pair of vm1-vcpu0 with the trap CSRs the hardware wrote. */
uint64_t vrun(uint64_t pc, unsigned long flags, uint64_t hs, uint64_t a0,
	      uint64_t a1, uint64_t a2, uint64_t a3)
{
	bool vu = flags & RUN_VU, u = flags & RUN_U;
	memset(&C, 0, sizeof(C));
	C.gpr[R_A0] = a0;
	C.gpr[R_A1] = a1;
	C.gpr[R_A2] = a2;
	C.gpr[R_A0 + 3] = a3;
	C.sepc = pc;
	/* "Trap Return": sret with V=0 goes to the mode in hstatus.SPV and
	 * sstatus.SPP; SPVP is what VS-mode traps would set (1 for VS; for
	 * U-mode, V=0, the privilege of its HLV/HSV: VS). */
	csr_write(CSR_HSTATUS, hstatus_base | (u ? 0 : HSTATUS_SPV) | (vu ? 0 : HSTATUS_SPVP) | hs);
	uint64_t ss = csr_read(CSR_SSTATUS) & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	csr_write(CSR_SSTATUS, ss | (vu || u ? 0 : SSTATUS_SPP));
	vv.sepc = pc;
	trace_entry(&vv);
	vw_enter(&C);
	csr_write(CSR_HSTATUS, hstatus_base);
	vv.sepc = C.sepc;
	vv.scause = C.scause;
	vv.stval = C.stval;
	vv.htval = C.htval;
	vv.htinst = C.htinst;
	vv.insn_valid = false;
	/* Recorded now as an EXIT of its own: the next entry is the next
	 * probe's, not this exit's end. */
	trace_exit(&vv);
	trace_flush(&vv);
	return C.scause;
}

/* vcheck.h: one HS-mode probe (vw_probe). */
uint64_t probe(enum probe_op op, uint64_t a0, uint64_t a1, uint64_t *val)
{
	memset(&C, 0, sizeof(C));
	uint64_t trapped = vw_probe(&C, op, a0, a1);
	/* A trap from HS-mode leaves hstatus.SPV as it was ("Hypervisor
	 * Status Register"): 0 here. Put back SPVP and the rest. */
	uint64_t keep = csr_read(CSR_HSTATUS) & HSTATUS_SPVP;
	csr_write(CSR_HSTATUS, (hstatus_base & ~HSTATUS_SPVP) | keep);
	if (!trapped) {
		if (val)
			*val = C.ret;
		return 0;
	}
	return C.scause ? C.scause : ~0ULL;
}

/* The state every check starts from. */
static struct {
	uint64_t sstatus, sie, hstatus, hedeleg, hideleg, hvip, hie, hgatp;
	uint64_t hcounteren, henvcfg, htimedelta, scounteren, hgeie, vstimecmp;
	uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
} saved;

/* What the hypervisor had in the CSRs the suite changes, put back at the
 * end: at boot, before any guest (vcpu_init sets most of them again
 * anyway); for the late checks, the validation guest's own, VS CSRs
 * included, which must be as they were when its exit returns. */
static void save_state(void)
{
	saved.sstatus = csr_read(CSR_SSTATUS);
	saved.sie = csr_read(CSR_SIE);
	saved.hstatus = csr_read(CSR_HSTATUS);
	saved.hedeleg = csr_read(CSR_HEDELEG);
	saved.hideleg = csr_read(CSR_HIDELEG);
	saved.hvip = csr_read(CSR_HVIP);
	saved.hie = csr_read(CSR_HIE);
	saved.hgatp = csr_read(CSR_HGATP);
	saved.hcounteren = csr_read(CSR_HCOUNTEREN);
	saved.henvcfg = csr_read(CSR_HENVCFG);
	saved.htimedelta = csr_read(CSR_HTIMEDELTA);
	saved.scounteren = csr_read(CSR_SCOUNTEREN);
	saved.hgeie = csr_read(CSR_HGEIE);
	saved.vsstatus = csr_read(CSR_VSSTATUS);
	saved.vsie = csr_read(CSR_VSIE);
	saved.vstvec = csr_read(CSR_VSTVEC);
	saved.vsscratch = csr_read(CSR_VSSCRATCH);
	saved.vsepc = csr_read(CSR_VSEPC);
	saved.vscause = csr_read(CSR_VSCAUSE);
	saved.vstval = csr_read(CSR_VSTVAL);
	saved.vsatp = csr_read(CSR_VSATP);
	if (have_sstc)
		probe(P_RD_VSTIMECMP, 0, 0, &saved.vstimecmp);
}

/* Back to the saved state; no translation of the validation VM may
 * survive in any cache. */
static void restore_state(void)
{
	/* The validation VM's VS-stage entries go while its VMID is in
	 * hgatp; the all-VMID HFENCE.GVMA below takes every G-stage and
	 * combined one ("Hypervisor Memory-Management Fence Instructions"). */
	vw_hfence_vvma_all();
	csr_write(CSR_SIE, saved.sie);
	csr_write(CSR_HEDELEG, saved.hedeleg);
	csr_write(CSR_HIDELEG, saved.hideleg);
	csr_write(CSR_HVIP, saved.hvip);
	csr_write(CSR_HIE, saved.hie);
	csr_write(CSR_HGATP, saved.hgatp);
	csr_write(CSR_HCOUNTEREN, saved.hcounteren);
	csr_write(CSR_HENVCFG, saved.henvcfg);
	csr_write(CSR_HTIMEDELTA, saved.htimedelta);
	csr_write(CSR_SCOUNTEREN, saved.scounteren);
	csr_write(CSR_HGEIE, saved.hgeie);
	if (have_sstc)
		probe(P_WR_VSTIMECMP, saved.vstimecmp, 0, NULL);
	csr_write(CSR_VSSTATUS, saved.vsstatus);
	csr_write(CSR_VSIE, saved.vsie);
	csr_write(CSR_VSTVEC, saved.vstvec);
	csr_write(CSR_VSSCRATCH, saved.vsscratch);
	csr_write(CSR_VSEPC, saved.vsepc);
	csr_write(CSR_VSCAUSE, saved.vscause);
	csr_write(CSR_VSTVAL, saved.vstval);
	csr_write(CSR_VSATP, saved.vsatp);
	csr_write(CSR_SSTATUS, saved.sstatus);
	/* Last: a probe that traps (vstimecmp's, above) writes hstatus.SPV
	 * with 0, and the guest's exit returns with hstatus as it is
	 * (hyp/arch/trap.S): SPV=1 from its own trap. */
	csr_write(CSR_HSTATUS, saved.hstatus);
	vw_hfence_gvma_all();
	vw_hfence_vvma_all();
}

/* Defaults before each check: a fresh VM, counters open to the guest,
 * no Sstc for it, no time offset, no HS interrupts. */
static void check_prologue(void)
{
	csr_write(CSR_SSTATUS, saved.sstatus & ~(SSTATUS_SUM | SSTATUS_MXR | SSTATUS_SIE));
	csr_write(CSR_SIE, 0);
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_SCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_HENVCFG, 0);
	csr_write(CSR_HTIMEDELTA, 0);
	csr_write(CSR_HGEIE, 0);
	if (have_sstc)
		probe(P_WR_VSTIMECMP, ~0ULL, 0, NULL);
	csr_write(CSR_HSTATUS, hstatus_base);
	world_reset(gmode_default, vmid_default);
}

/* Mode and VMID of the validation VM, probed the way the hgatp section
 * describes (write, read back). The checks report the same findings. */
static void probe_hgatp(void)
{
	csr_write(CSR_HGATP, HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT);
	have_sv39x4 = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == HGATP_MODE_SV39X4;
	csr_write(CSR_HGATP, HGATP_MODE_SV48X4 << HGATP_MODE_SHIFT);
	have_sv48x4 = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == HGATP_MODE_SV48X4;
	csr_write(CSR_HGATP, 10UL << HGATP_MODE_SHIFT);
	have_sv57x4 = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == 10;
	csr_write(CSR_HGATP, 1UL << HGATP_MODE_SHIFT);
	hgatp_any_mode = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == 1;
	csr_write(CSR_HGATP, (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
				     (HGATP_VMID_MASK << HGATP_VMID_SHIFT));
	uint64_t vmid = (csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	vmid_bits = (unsigned)__builtin_popcountll(vmid);
	csr_write(CSR_HGATP, 0);
	gmode_default = have_sv39x4 ? HGATP_MODE_SV39X4 : HGATP_MODE_SV48X4;
	vmid_default = (uint16_t)(0x2a & ((1u << vmid_bits) - 1));
}

/* The table's title and column heads. */
static void print_header(void)
{
	printf("\n==== tracevisor platform validation: this hart's H extension against the\n"
	       "==== RISC-V privileged specification, \"Hypervisor Extension\" chapter\n"
	       "==== (riscv-isa-manual, src/priv/hypervisor.adoc). Verdicts: PASS, FAIL,\n"
	       "==== DEVIATION (known platform deviation: spec vs. platform), SKIP.\n\n");
	printf("  # | verdict   | trace marks           | check\n");
	printf("----+-----------+-----------------------+---------------------------------------------\n");
}

/* One table row: number, verdict, markers, name; then the rule and what
 * was seen, indented under the check column. */
static void print_row(unsigned n, const struct check *c, const struct result *r)
{
	printf("%3u | %-9s | %#010llx-%#010llx | %s\n", n, verdict_names[r->verdict],
	       (unsigned long long)VALIDATE_MARK_BEGIN(n),
	       (unsigned long long)VALIDATE_MARK_END(n), c->name);
	printf("    |           |                       |   spec \"%s\": %s\n", c->section, c->rule);
	printf("    |           |                       |   seen: %s\n", r->seen);
}

/* TAP 13 lines: "ok N - name # SKIP why", "# DEVIATION spec vs platform". */
static void print_tap(unsigned n, const struct check *c, const struct result *r)
{
	switch (r->verdict) {
	case V_PASS: printf("ok %u - %s\n", n, c->name); break;
	case V_FAIL: printf("not ok %u - %s # %s\n", n, c->name, r->seen); break;
	case V_DEVIATION: printf("ok %u - %s # DEVIATION %s\n", n, c->name, r->seen); break;
	case V_SKIP: printf("ok %u - %s # SKIP %s\n", n, c->name, r->seen); break;
	}
}

/* Run one table of checks, each from the same starting state and between
 * its two trace markers, and print its row. */
static void run_table(const struct check *table)
{
	for (const struct check *c = table; c->name && nchecks < MAX_CHECKS; c++) {
		unsigned n = ++nchecks;
		struct result *r = &results[n - 1];
		ran[n - 1] = c;
		check_prologue();
		trace_mark(&vv, VALIDATE_MARK_BEGIN(n));
		r->verdict = V_FAIL;
		r->devs = 0;
		strcpy(r->seen, "the check reported nothing");
		c->run(r);
		trace_mark(&vv, VALIDATE_MARK_END(n));
		print_row(n, c, r);
	}
}

/*
 * The known deviations of the whole run, each described once: what the
 * specification says, what the platform does, where that was established,
 * and every check that saw it, from the boot checks and the late ones
 * alike (results[] keeps both; the guest's checks in between report no
 * deviations). Printed after the last HS-side check, so it is the run's
 * one complete list.
 */
static void print_deviations(uint32_t which)
{
	unsigned kinds = (unsigned)__builtin_popcount(which), in = 0;
	for (unsigned i = 0; i < nchecks; i++)
		in += results[i].verdict == V_DEVIATION;
	if (!which) {
		printf("\n# Known deviations recognised on this platform: none\n");
		return;
	}
	printf("\n# Known deviations recognised on this platform: %u, in %u checks "
	       "(docs/validation.md):\n", kinds, in);
	for (unsigned d = 1; d < DEV_COUNT; d++) {
		if (!(which & (1u << d)))
			continue;
		const struct known_dev *k = &known_devs[d];
		printf("#   %s %s (checks", k->tag, k->title);
		for (unsigned i = 0; i < nchecks; i++)
			if (results[i].devs & (1u << d))
				printf(" %u", i + 1);
		printf(")\n#     spec:     %s\n#     platform: %s\n#     evidence: %s\n", k->spec,
		       k->platform, k->evidence);
	}
}

/* At boot, the deviations so far by tag alone: print_deviations describes
 * each after the last HS-side check, with the late checks' numbers too,
 * so no deviation is described twice or without all its checks. */
static void print_deviation_tags(uint32_t which)
{
	if (!which)
		return;
	printf("\n# Deviations recognised by checks 1-%u:", nchecks);
	for (unsigned d = 1; d < DEV_COUNT; d++)
		if (which & (1u << d))
			printf(" %s", known_devs[d].tag);
	printf(" (each described after the last HS-side check, with every check that reports "
	       "it)\n");
}

/* TAP lines of checks first..nchecks, and their verdicts counted. */
static void tap_and_count(unsigned first, unsigned counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (unsigned n = first; n <= nchecks; n++) {
		counts[results[n - 1].verdict]++;
		print_tap(n, ran[n - 1], &results[n - 1]);
	}
}

static uint64_t ms_since(uint64_t t0)
{
	uint64_t hz = platform.timebase_hz ? platform.timebase_hz : 1;
	return (csr_read(CSR_TIME) - t0) * 1000 / hz;
}

/* The totals go to the validation guest through the test device's
 * SCRATCH register, written the way a guest store would write it. */
static void hand_off(unsigned fails, unsigned devs, unsigned skips)
{
	/* VM 0's test device (its state outlives this handle: vm_create
	 * makes the device again over the same state). */
	struct mmio_device *td = testdev_create(vm_by_id(0), TV_GPA_TESTDEV);
	td->write(td, NULL, 0x08, 8, VALIDATE_HANDOFF(nchecks, fails, devs, skips));
}

void validate_hs_checks(void)
{
	uint64_t t0 = csr_read(CSR_TIME);
	uint64_t v;
	have_sstc = probe(P_RD_VSTIMECMP, 0, 0, &v) == 0;
	save_state();
	hstatus_base = saved.hstatus & ~(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA |
					 HSTATUS_VTW | HSTATUS_VTSR | HSTATUS_VTVM |
					 HSTATUS_HU);
	probe_hgatp();
	arena = (uint64_t)(uintptr_t)mem_alloc_hyp(ARENA_SIZE, ARENA_SIZE, "validation VM");
	size_t blob = (size_t)snip_off(vs_blob_end);
	if (blob > OFF_DATA - OFF_CODE)
		hyp_panic("validate: the snippets do not fit their page");
	memcpy((void *)(uintptr_t)(arena + OFF_CODE), vs_blob_start, blob);
	__asm__ volatile("fence.i" ::: "memory");
	for (unsigned p = 0; p < DATA_PAGES; p++)
		retag(p);

	vv.vm_id = 1;
	vv.id = 0;
	vv.hart = platform.hart_id[0];
	trace_attach(&vv);

	hyp_log("validation suite: validation VM arena at %#llx, G-stage %s, VMID %u\n",
		(unsigned long long)arena,
		gmode_default == HGATP_MODE_SV39X4 ? "Sv39x4" : "Sv48x4", vmid_default);
	print_header();
	run_table(checks_csr);
	run_table(checks_xlate);
	run_table(checks_trap);
	restore_state();

	unsigned counts[4];
	printf("\n# TAP: HS-side checks (the validation guest continues the numbering)\n");
	tap_and_count(1, counts);
	print_deviation_tags(devs_seen);
	printf("\n");
	hyp_log("validation suite, HS side: %u checks: %u PASS, %u FAIL, %u DEVIATION, "
		"%u SKIP in %llu ms\n",
		nchecks, counts[V_PASS], counts[V_FAIL], counts[V_DEVIATION], counts[V_SKIP],
		(unsigned long long)ms_since(t0));
	hand_off(counts[V_FAIL], counts[V_DEVIATION], counts[V_SKIP]);
	hs_checks = nchecks;
}

/*
 * The HS-side checks numbered after the guest's (checks_geint.c, then
 * checks_late.c: tables added later come last, so no number moves), run
 * when the validation guest asks (hyp/mmio/testdev.c): inside that
 * guest's exit, on its hart, with its CSRs saved around them and put back
 * (save_state/restore_state: the VS CSRs too), so the guest resumes as
 * it left. The world switch is the suite's own as before (vworld.S puts
 * back stvec and sscratch after every run); the guest's GPRs are in its
 * vcpu, and the callee-saved ones survive the calls as always.
 */
uint64_t validate_hs_late_checks(const struct vcpu *v, unsigned last)
{
	static bool done;
	unsigned table = 0;
	for (const struct check *c = checks_geint; c->name; c++)
		table++;
	for (const struct check *c = checks_late; c->name; c++)
		table++;
	/* Once, after the boot checks, numbered after the guest's. */
	if (done || !hs_checks || last < hs_checks || last + table > MAX_CHECKS ||
	    v->hart != vv.hart)
		return 0;
	done = true;
	uint64_t t0 = csr_read(CSR_TIME);
	save_state();
	printf("\n# HS-side checks after the guest's (guest external interrupts, then the "
	       "checks added after them)\n\n");
	printf("  # | verdict   | trace marks           | check\n");
	printf("----+-----------+-----------------------+---------------------------------------------\n");
	nchecks = last;
	run_table(checks_geint);
	run_table(checks_late);
	restore_state();

	unsigned counts[4];
	printf("\n# TAP: HS-side checks after the guest's\n");
	tap_and_count(last + 1, counts);
	print_deviations(devs_seen);
	hyp_log("validation suite, HS side after the guest's: %u checks: %u PASS, %u FAIL, "
		"%u DEVIATION, %u SKIP in %llu ms\n", nchecks - last, counts[V_PASS],
		counts[V_FAIL], counts[V_DEVIATION], counts[V_SKIP],
		(unsigned long long)ms_since(t0));
	return VALIDATE_HANDOFF(nchecks - last, counts[V_FAIL], counts[V_DEVIATION], counts[V_SKIP]);
}
