/*
 * Hostile guest main: learn the machine from the device tree and the test
 * device, turn on paging, pick the variant the bootargs name, run every
 * attack and shut down through SRST, with failure if anything escaped.
 *
 * Bootargs words (the guest's part of /chosen/bootargs):
 *   hostile=doublefault   stvec at an unmapped address, then a fault
 *   hostile=spin          loop forever with interrupts off and no exits
 *   hostile=fencewrap     a remote fence whose range wraps past 2^64
 *   hostile=trace         only the attacks on the trace (trace_attacks.c)
 *   hostile=textforge     forged text-dump lines, then shutdown (trace_attacks.c)
 *   hostile=tickstop      vCPU 0 stops, vCPU 1 runs on (tickstop.c)
 *   hostile=tickdrop      vCPU 0 stops, vCPU 1 shuts the VM down (tickstop.c)
 *   hostile=tickmarks     marks in batches, then shutdown (tickstop.c)
 *   hostile=stoplate      shutdown after 300 ms (tickstop.c)
 *   hostile=farcmp        stimecmp 2^64 - 2, then wfi for ever (farcmp.c)
 *   hostile=tickwake      a retentive suspend until its timer (tickwake.c)
 *   hostile.storm=N       exits for the trap storm (default 1000000)
 */
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "hostile.h"

struct machine mach;
struct probe probe;

static unsigned attempts, escapes, differing;

/* SRST shutdown, reason "system failure" when asked. */
void guest_shutdown(bool failure)
{
	fflush(stdout);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		;
}

void probe_arm(bool fetch)
{
	probe.seen = false;
	probe.cause = probe.tval = probe.epc = 0;
	probe.fetch = fetch;
	probe.armed = true;
}

/* Instruction length from its first halfword ("Expanded Instruction-Length
 * Encoding": bits [1:0] == 11 is a 32-bit instruction here). */
static unsigned insn_len_at(uint64_t pc)
{
	return (*(volatile uint16_t *)(uintptr_t)pc & 3) == 3 ? 4 : 2;
}

/* Every trap of the guest arrives here (guest/common/start.S). An armed
 * probe records it and resumes after the instruction, or for a fetch
 * probe at the return address its jump left in ra. Anything else is a
 * trap nobody asked for: report it and stop with failure. */
void guest_trap(struct trap_frame *f)
{
	uint64_t cause = csr_read(CSR_SCAUSE), tval = csr_read(CSR_STVAL);

	if (cause != EXC_ILLEGAL_INST && user_trap(cause))
		return;
	if (probe.armed && !(cause & CAUSE_INTERRUPT)) {
		probe.armed = false;
		probe.seen = true;
		probe.cause = cause;
		probe.tval = tval;
		probe.epc = f->epc;
		f->epc = probe.fetch ? f->x[1] : f->epc + insn_len_at(f->epc);
		return;
	}
	printf("hostile: unexpected trap: scause %#lx stval %#lx sepc %#lx\n",
	       (unsigned long)cause, (unsigned long)tval, (unsigned long)f->epc);
	printf("hostile: %u attempts, %u escapes (stopped early)\n", attempts,
	       escapes + 1);
	guest_shutdown(true);
}

/* Count the attempt and mark its start in the trace. */
void attempt_begin(void)
{
	attempts++;
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_ATTEMPT + attempts, 0, 0);
}

/* The attempt's line, and the tallies. */
void attempt_end(const char *what, const char *outcome, const char *expected,
		 enum verdict v)
{
	static const char *const words[] = {
		[CONTAINED] = "contained",
		[DIFFERS] = "contained, but not as the specification says",
		[ESCAPE] = "ESCAPE",
	};
	printf("attempt %u: %s: %s (expected %s) - %s\n", attempts, what, outcome,
	       expected, words[v]);
	escapes += v == ESCAPE;
	differing += v == DIFFERS;
}

/* Exception names as the privileged specification's cause table has them. */
static const char *cause_name(uint64_t cause)
{
	switch (cause) {
	case EXC_INST_MISALIGNED: return "instruction address misaligned";
	case EXC_INST_ACCESS: return "instruction access fault";
	case EXC_ILLEGAL_INST: return "illegal instruction";
	case EXC_BREAKPOINT: return "breakpoint";
	case EXC_LOAD_MISALIGNED: return "load address misaligned";
	case EXC_LOAD_ACCESS: return "load access fault";
	case EXC_STORE_MISALIGNED: return "store/AMO address misaligned";
	case EXC_STORE_ACCESS: return "store/AMO access fault";
	case EXC_INST_PAGE_FAULT: return "instruction page fault";
	case EXC_LOAD_PAGE_FAULT: return "load page fault";
	case EXC_STORE_PAGE_FAULT: return "store/AMO page fault";
	default: return "exception";
	}
}

void trap_text(char *buf, unsigned size, uint64_t cause, uint64_t tval)
{
	snprintf(buf, size, "%s (cause %lu), stval %#lx", cause_name(cause),
		 (unsigned long)cause, (unsigned long)tval);
}

const char *sbi_err_text(long err)
{
	switch (err) {
	case SBI_SUCCESS: return "SBI_SUCCESS (0)";
	case SBI_ERR_FAILED: return "SBI_ERR_FAILED (-1)";
	case SBI_ERR_NOT_SUPPORTED: return "SBI_ERR_NOT_SUPPORTED (-2)";
	case SBI_ERR_INVALID_PARAM: return "SBI_ERR_INVALID_PARAM (-3)";
	case SBI_ERR_DENIED: return "SBI_ERR_DENIED (-4)";
	case SBI_ERR_INVALID_ADDRESS: return "SBI_ERR_INVALID_ADDRESS (-5)";
	case SBI_ERR_ALREADY_AVAILABLE: return "SBI_ERR_ALREADY_AVAILABLE (-6)";
	case SBI_ERR_ALREADY_STARTED: return "SBI_ERR_ALREADY_STARTED (-7)";
	case SBI_ERR_ALREADY_STOPPED: return "SBI_ERR_ALREADY_STOPPED (-8)";
	default: return "an unknown SBI error";
	}
}

/* Test device registers, reached at their identity-mapped GPA. */
uint64_t td_read(unsigned reg)
{
	return *(volatile uint64_t *)(uintptr_t)(GPA_TESTDEV + reg);
}

void td_write(unsigned reg, uint64_t val)
{
	*(volatile uint64_t *)(uintptr_t)(GPA_TESTDEV + reg) = val;
}

/* The value of word `key` ("key=value") in the bootargs, or NULL. */
static const char *bootarg(const char *args, const char *key, char *val, unsigned size)
{
	size_t klen = strlen(key);
	const char *p = args;
	while (p && *p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = len - klen - 1 < size - 1 ? len - klen - 1 : size - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = 0;
			return val;
		}
		p += len;
	}
	return NULL;
}

/* RAM, timebase and harts from the device tree the hypervisor built. */
static void read_fdt(const void *fdt, char *args, unsigned args_size)
{
	int len;
	int node = fdt_find_device_type(fdt, -1, "memory");
	if (node < 0 || fdt_read_reg(fdt, node, 0, &mach.ram_base, &mach.ram_size) != 0) {
		printf("hostile: no memory node in the device tree\n");
		guest_shutdown(true);
	}
	int cpus = fdt_path_offset(fdt, "/cpus");
	const void *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	mach.timebase_hz = tb ? fdt_read_cells(tb, len / 4) : 10000000;
	mach.nharts = 0;
	for (int c = fdt_first_child(fdt, cpus); c >= 0; c = fdt_next_sibling(fdt, c))
		if (!strncmp(fdt_node_name(fdt, c), "cpu@", 4))
			mach.nharts++;
	args[0] = 0;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *b = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	if (b) {
		strncpy(args, b, args_size - 1);
		args[args_size - 1] = 0;
	}
}

/* The host ranges the test device says the guest must not reach. */
static void read_ranges(void)
{
	mach.nranges = 0;
	for (unsigned i = 0; i < TD_MAX_RANGES; i++) {
		uint64_t base = td_read(TD_RANGES + 16 * i);
		uint64_t size = td_read(TD_RANGES + 16 * i + 8);
		if (!size)
			break;
		mach.range_base[i] = base;
		mach.range_size[i] = size;
		mach.nranges++;
	}
}

/* Entry from guest/common/start.S. */
void guest_main(unsigned long hart, const void *fdt)
{
	static char args[256];
	char val[32];

	first_entry_look(); /* before anything of ours touches the hart */
	console_init();
	printf("hostile: hostile guest on hart %lu\n", hart);
	if (fdt_check(fdt, 0x4000) != 0) {
		printf("hostile: bad device tree at %p\n", fdt);
		guest_shutdown(true);
	}
	read_fdt(fdt, args, sizeof(args));
	read_ranges();
	mach.storm = 1000000;
	if (bootarg(args, "hostile.storm", val, sizeof(val)))
		mach.storm = strtoul(val, NULL, 0);
	printf("hostile: RAM %#lx+%#lx, %u hart(s), %u protected host ranges, bootargs '%s'\n",
	       (unsigned long)mach.ram_base, (unsigned long)mach.ram_size,
	       mach.nharts, mach.nranges, args);
	for (unsigned i = 0; i < mach.nranges; i++)
		printf("hostile: protected range %u: %#lx-%#lx\n", i,
		       (unsigned long)mach.range_base[i],
		       (unsigned long)(mach.range_base[i] + mach.range_size[i] - 1));
	paging_init();

	bool trace_only = false;
	if (bootarg(args, "hostile", val, sizeof(val))) {
		if (!strcmp(val, "doublefault"))
			variant_doublefault();
		if (!strcmp(val, "spin"))
			variant_spin();
		if (!strcmp(val, "fencewrap"))
			variant_fencewrap();
		if (!strcmp(val, "textforge"))
			variant_textforge();
		if (!strcmp(val, "switchflood"))
			variant_switchflood();
		if (!strcmp(val, "tickstop"))
			variant_tickstop();
		if (!strcmp(val, "tickdrop"))
			variant_tickdrop();
		if (!strcmp(val, "tickmarks"))
			variant_tickmarks();
		if (!strcmp(val, "stoplate"))
			variant_stoplate();
		if (!strcmp(val, "farcmp"))
			variant_farcmp();
		if (!strcmp(val, "tickwake"))
			variant_tickwake();
		if (!strcmp(val, "stop")) {
			/* VM 0 of a run whose other VMs attack after it
			 * stopped (test_trace_trust.sh, tickstop) */
			printf("hostile: variant stop: the guest shuts down at once\n");
			guest_shutdown(false);
		}
		trace_only = !strcmp(val, "trace");
		if (!trace_only) {
			printf("hostile: unknown variant '%s'\n", val);
			guest_shutdown(true);
		}
	}

	if (!trace_only) {
		attack_shared_hart(); /* first: see shared.c */
		attack_memory();
		attack_mmio();
		attack_sbi();
		attack_csrs();
		attack_vu_wfi();
		attack_storm();
	}
	attack_trace();

	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, MARK_END, 0, 0);
	/* Last: nothing the guest does after it may be recorded but what it
	 * cannot hide. */
	attack_trace_filter_last();
	printf("hostile: %u attempts, %u escapes\n", attempts, escapes);
	printf("hostile: %u attempts contained other than the specification says\n",
	       differing);
	guest_shutdown(escapes != 0);
}
