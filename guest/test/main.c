/*
 * Test guest main: learn the machine from the device tree, turn on paging,
 * run every step in order, and shut down with the verdict.
 */
#include <string.h>

#include "fdt.h"
#include "guest.h"

struct expected_trap expect;
uint64_t guest_ram_base, guest_ram_size, timebase_hz, guest_fdt_gpa;
bool guest_has_sstc;
bool guest_has_zcb;
bool hart_shared;
unsigned long guest_hart;
volatile uint64_t timer_irqs;
volatile uint64_t timer_irq_time; /* the time CSR at the last one */
volatile bool timer_stimecmp_only; /* the handler writes only stimecmp */
volatile uint64_t ext_irqs;

static const struct {
	const char *name;
	bool (*run)(void);
} steps[] = {
	{ "SBI base and probe", step_sbi_base },
	{ "SBI debug console (DBCN)", step_dbcn },
	{ "SBI legacy console", step_legacy_console },
	{ "UART registers and output", step_uart },
	{ "MMIO loads/stores of every width", step_mmio_widths },
	{ "page faults: guest RAM first touched, VS-stage handled by the guest", step_vs_page_fault },
	{ "illegal instruction, ebreak, virtual instruction", step_guest_exceptions },
	{ "timer through SBI set_timer", step_sbi_timer },
	{ "WFI", step_wfi },
	{ "timer through stimecmp (Sstc)", step_sstc_timer },
	{ "time, cycle and instret", step_counters },
	{ "isolation: holes fault, host memory unreachable", step_isolation },
	{ "trace control extension", step_trace_control },
	{ "SBI steal-time accounting (STA)", step_sbi_sta },
	{ "SBI PMU: firmware and hardware counters", step_sbi_pmu },
	{ "SBI system suspend (SUSP)", step_sbi_susp },
	{ "SBI firmware features (FWFT)", step_sbi_fwft },
	{ "MMIO through every register", step_mmio_registers },
	{ "PLIC: threshold, claim and complete", step_plic },
};

void guest_shutdown(bool failure)
{
	fflush(stdout);
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		;
}

/* Arm a trap the next instruction should raise. */
void expect_trap(uintptr_t resume)
{
	expect.seen = false;
	expect.cause = expect.tval = expect.epc = 0;
	expect.resume = resume;
	expect.armed = true;
}

static unsigned insn_len_at(uintptr_t pc)
{
	return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* Every trap of the guest comes here (start.S). */
void guest_trap(struct trap_frame *f)
{
	uint64_t cause = csr_read(CSR_SCAUSE), tval = csr_read(CSR_STVAL);

	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
		/* Silence the source: SBI set_timer(-1) clears it either way,
		 * and stimecmp = -1 when the Sstc step armed it. */
		if (guest_has_sstc)
			csr_write(CSR_STIMECMP, ~0UL);
		if (!timer_stimecmp_only)
			sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
		timer_irq_time = csr_read(CSR_TIME);
		if (++timer_irqs % 1000 == 0) /* a storm: let the step see it */
			csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
		return;
	}
	if (cause == (CAUSE_INTERRUPT | IRQ_S_EXT)) {
		/* plic.c's look: counted, and SEIE off, so the level it saw
		 * is not taken again on return */
		ext_irqs++;
		csr_clear(CSR_SIE, MIP_SEIP);
		return;
	}
	if ((cause == EXC_LOAD_PAGE_FAULT || cause == EXC_STORE_PAGE_FAULT) &&
	    (tval >> 21) == (GVA_DEMAND >> 21) && expect.armed) {
		/* The page-fault step: map the page and retry the access. */
		paging_map_demand(tval);
		expect.seen = true;
		expect.cause = cause;
		expect.tval = tval;
		expect.epc = f->epc;
		expect.armed = false;
		return;
	}
	if (expect.armed) {
		expect.seen = true;
		expect.sstatus = csr_read(CSR_SSTATUS);
		expect.cause = cause;
		expect.tval = tval;
		expect.epc = f->epc;
		expect.armed = false;
		f->epc = expect.resume ? expect.resume : f->epc + insn_len_at(f->epc);
		return;
	}
	printf("unexpected trap: scause %#lx stval %#lx sepc %#lx\n",
	       (unsigned long)cause, (unsigned long)tval, (unsigned long)f->epc);
	guest_shutdown(true);
}

static void read_fdt(const void *fdt)
{
	int node = fdt_find_device_type(fdt, -1, "memory");
	if (node < 0 || fdt_read_reg(fdt, node, 0, &guest_ram_base, &guest_ram_size) != 0) {
		printf("no memory node in the device tree\n");
		guest_shutdown(true);
	}
	int cpus = fdt_path_offset(fdt, "/cpus");
	int len;
	const void *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	timebase_hz = tb ? fdt_read_cells(tb, len / 4) : 10000000;
	int cpu = fdt_path_offset(fdt, "/cpus/cpu@0");
	const char *isa = fdt_getprop(fdt, cpu, "riscv,isa", &len);
	guest_has_sstc = isa && strstr(isa, "_sstc") != NULL;
	guest_has_zcb = isa && strstr(isa, "_zcb") != NULL;
	printf("guest: RAM %#lx+%#lx, timebase %lu Hz, ISA %s\n",
	       (unsigned long)guest_ram_base, (unsigned long)guest_ram_size,
	       (unsigned long)timebase_hz, isa ? isa : "?");
}

void guest_main(unsigned long hart, const void *fdt)
{
	console_init();
	guest_hart = hart;
	printf("guest: tracevisor test guest on hart %lu\n", hart);
	if (fdt_check(fdt, 0x4000) != 0) {
		printf("guest: bad device tree at %p\n", fdt);
		guest_shutdown(true);
	}
	read_fdt(fdt);
	guest_fdt_gpa = (uint64_t)(uintptr_t)fdt;
	paging_init();
	go_high(GVA_HIGH_OFFSET);
	printf("guest: paging on (Sv39), running at %p\n", (void *)&guest_main);
	uint64_t turns = td_read(TD_HART_VCPUS);
	hart_shared = turns > 1;
	if (hart_shared)
		printf("guest: our hart is time-shared by %lu vCPUs: exit counts are of "
		       "the exits we cause, steal time is expected\n", (unsigned long)turns);

	unsigned failed = 0, n = sizeof(steps) / sizeof(steps[0]);
	for (unsigned i = 0; i < n; i++) {
		printf("step %u: %s\n", i + 1, steps[i].name);
		/* The table holds link-time (guest-physical) addresses; call the
		 * step through the high alias so it runs with GVA != GPA. */
		bool (*run)(void) = (bool (*)(void))((uintptr_t)steps[i].run + GVA_HIGH_OFFSET);
		bool ok = run();
		printf("step %u: %s: %s\n", i + 1, steps[i].name, ok ? "PASS" : "FAIL");
		failed += !ok;
	}
	printf("guest: %u of %u steps passed\n", n - failed, n);
	guest_shutdown(failed != 0);
}
