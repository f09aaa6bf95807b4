/*
 * Memory attacks: loads, stores and fetches at every host range the
 * hypervisor protects (firmware, its image with code, data and stacks, its
 * allocations: rings, G-stage tables), at guest-physical addresses nothing
 * backs (below and above guest RAM, MMIO holes, QEMU virt's host devices,
 * high GPAs up to the top of Sv39x4, Sv48x4 and what a Sv39 PTE can name),
 * and VS-stage page-table walks through hypervisor memory and a device.
 *
 * Expected every time: an access fault of the access's kind (load 5,
 * store/AMO 7, fetch 1) with stval = the guest-virtual address used - what
 * a hart sees where no memory responds ("Exception Codes" in the
 * privileged specification) - and a load's destination register untouched.
 */
#include <string.h>

#include "hostile.h"

#define SENTINEL 0x5a5aa5a5deadbeefULL

enum access { LOAD, STORE, FETCH };

static const char *const access_word[] = { "load from", "store to", "fetch from" };
static const uint64_t access_cause[] = { EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INST_ACCESS };

/* One 8-byte load with its destination preset; returns what the register
 * holds afterwards (SENTINEL unless something was read). */
static uint64_t probe_load(uint64_t gva)
{
	uint64_t r = SENTINEL;
	probe_arm(false);
	__asm__ volatile(".option push\n.option norvc\n"
			 "ld %0, 0(%1)\n"
			 ".option pop" : "+r"(r) : "r"(gva) : "memory");
	return r;
}

/* One 8-byte store: 0x5555 is what the SiFive test finisher takes as
 * "pass, power off", so a store that reached it would end the run. */
static void probe_store(uint64_t gva)
{
	probe_arm(false);
	__asm__ volatile(".option push\n.option norvc\n"
			 "sd %0, 0(%1)\n"
			 ".option pop" ::"r"(0x5555UL), "r"(gva) : "memory");
}

/* A jump to gva: the fault is taken at the target, and the trap handler
 * resumes at the return address the jump left in ra. */
static void probe_fetch(uint64_t gva)
{
	probe_arm(true);
	__asm__ volatile("jalr ra, 0(%0)" ::"r"(gva)
			 : "ra", "t0", "t1", "t2", "a0", "a1", "a2", "a3", "a4", "a5",
			   "a6", "a7", "t3", "t4", "t5", "t6", "memory");
}

/* One attempt: access `gpa` (named `name`) in the given way and judge. */
static void try_access(enum access a, const char *name, uint64_t gpa)
{
	char what[160], got[96], want[96];
	uint64_t gva, val = SENTINEL;

	attempt_begin();
	gva = gva_for_gpa(gpa);
	switch (a) {
	case LOAD: val = probe_load(gva); break;
	case STORE: probe_store(gva); break;
	case FETCH: probe_fetch(gva); break;
	}

	if (gva == gpa)
		snprintf(what, sizeof(what), "%s %s, GPA %#lx", access_word[a], name,
			 (unsigned long)gpa);
	else
		snprintf(what, sizeof(what), "%s %s, GPA %#lx through GVA %#lx",
			 access_word[a], name, (unsigned long)gpa, (unsigned long)gva);
	trap_text(want, sizeof(want), access_cause[a], gva);

	enum verdict v = CONTAINED;
	if (!probe.seen) {
		snprintf(got, sizeof(got), "no trap");
		v = ESCAPE;
	} else {
		trap_text(got, sizeof(got), probe.cause, probe.tval);
		if (probe.cause != access_cause[a] || probe.tval != gva)
			v = DIFFERS;
		/* A fetch that trapped anywhere but at the target executed
		 * something there. */
		if (a == FETCH && probe.epc != gva)
			v = ESCAPE;
	}
	if (val != SENTINEL) {
		size_t n = strlen(got);
		snprintf(got + n, sizeof(got) - n, ", read %#lx", (unsigned long)val);
		v = ESCAPE;
	}
	attempt_end(what, got, want, v);
}

/* Load, store and fetch at the first, a middle and the last word of each
 * protected host range. */
static void attack_protected_ranges(void)
{
	char name[96];
	for (unsigned i = 0; i < mach.nranges; i++) {
		uint64_t b = mach.range_base[i], s = mach.range_size[i];
		uint64_t words[3] = { b, b + ((s / 2) & ~7UL), b + s - 8 };
		static const char *const where[3] = { "first", "middle", "last" };
		for (unsigned w = 0; w < 3; w++) {
			snprintf(name, sizeof(name), "protected range %u (%#lx-%#lx) %s word",
				 i, (unsigned long)b, (unsigned long)(b + s - 1), where[w]);
			try_access(LOAD, name, words[w]);
			try_access(STORE, name, words[w]);
			/* The last instruction slot of the range. */
			try_access(FETCH, name, w == 2 ? b + s - 4 : words[w]);
		}
	}
}

/* Guest-physical addresses with nothing behind them. */
static void attack_unmapped(void)
{
	uint64_t ram_end = mach.ram_base + mach.ram_size;
	const struct {
		const char *name;
		uint64_t gpa;
		bool fetch;
	} holes[] = {
		{ "GPA 0 (null)", 0, true },
		{ "QEMU virt's host RTC", 0x101000, false },
		{ "QEMU virt's host CLINT msip", 0x2000000, false },
		{ "QEMU virt's host CLINT mtimecmp", 0x2004000, false },
		{ "the hole below the PLIC", GPA_PLIC - 8, false },
		{ "the MMIO hole past the UART", GPA_UART + 0x100, false },
		{ "QEMU virt's host virtio-mmio", 0x10001000, false },
		{ "the MMIO hole below the test device", GPA_TESTDEV - 8, false },
		{ "the MMIO hole past the test device", GPA_TESTDEV + TESTDEV_SIZE, false },
		{ "QEMU virt's host fw_cfg", 0x10100000, false },
		{ "QEMU virt's host flash", 0x20000000, true },
		{ "QEMU virt's host PCIe ECAM", 0x30000000, false },
		{ "host RAM top (QEMU -m 256M)", 0x8ffffff8, false },
		{ "the last word below guest RAM", mach.ram_base - 8, true },
		{ "the first word past guest RAM", ram_end, true },
		{ "the last word of guest RAM's gigapage", (mach.ram_base | (GIB - 1)) - 7, false },
		{ "4 GiB", 1UL << 32, true },
		{ "256 GiB", 1UL << 38, false },
		{ "the top word of Sv39x4 (2^41 - 8)", (1UL << 41) - 8, false },
		{ "the first GPA past Sv39x4 (2^41)", 1UL << 41, true },
		{ "the top word of Sv48x4 (2^50 - 8)", (1UL << 50) - 8, true },
		{ "the first GPA past Sv48x4 (2^50)", 1UL << 50, false },
		{ "the top word a Sv39 PTE can name (2^56 - 8)", (1UL << 56) - 8, true },
	};
	for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		if (holes[i].gpa + 8 > mach.ram_base && holes[i].gpa < ram_end)
			continue; /* a big tv.guest_mem covers it */
		try_access(LOAD, holes[i].name, holes[i].gpa);
		try_access(STORE, holes[i].name, holes[i].gpa);
		if (holes[i].fetch)
			try_access(FETCH, holes[i].name, holes[i].gpa & ~3UL);
	}
}

/*
 * The guest's own page-table walk reads a PTE from a guest-physical address
 * with no memory behind it. The walk's implicit access fails, and the
 * guest must see an access fault for its load (privileged specification,
 * "Virtual Address Translation Process": an access fault of the original
 * access type when a PTE access violates a PMA or PMP check), and no value.
 */
static void try_walk(const char *name, uint64_t table, uint64_t offset, bool host)
{
	char what[160], got[96], want[96];
	attempt_begin();
	uint64_t gva = window_via_table(table, offset);
	uint64_t val = probe_load(gva);
	window_reset();
	snprintf(what, sizeof(what), "load through a VS-stage page table in %s (GPA %#lx), GVA %#lx",
		 name, (unsigned long)table, (unsigned long)gva);
	trap_text(want, sizeof(want), EXC_LOAD_ACCESS, gva);
	enum verdict v = CONTAINED;
	if (!probe.seen) {
		snprintf(got, sizeof(got), "no trap, read %#lx", (unsigned long)val);
		/* The value came from where the table points, not from what
		 * the guest addressed: from host memory it is an escape. */
		v = host ? ESCAPE : DIFFERS;
	} else {
		trap_text(got, sizeof(got), probe.cause, probe.tval);
		if (probe.cause != EXC_LOAD_ACCESS || probe.tval != gva)
			v = DIFFERS;
		if (val != SENTINEL) {
			size_t n = strlen(got);
			snprintf(got + n, sizeof(got) - n, ", read %#lx", (unsigned long)val);
			v = ESCAPE;
		}
	}
	attempt_end(what, got, want, v);
}

/* Every memory attack, in the order of the file. */
void attack_memory(void)
{
	attack_protected_ranges();
	attack_unmapped();
	/* Emulated devices are data, never code. */
	try_access(FETCH, "the emulated UART", GPA_UART);
	try_access(FETCH, "the emulated test device", GPA_TESTDEV);
	try_access(FETCH, "the emulated PLIC", GPA_PLIC);
	if (mach.nranges > 1)
		try_walk("hypervisor memory", mach.range_base[1] & ~(PAGE_SIZE - 1), 0x10, true);
	td_write(TD_SCRATCH, 0x1234);
	try_walk("the test device", GPA_TESTDEV, 0x10, false);
	/* The walk reads the entry at the test device's SCRATCH (offset 8),
	 * and the load's own address has that page offset too: a hart that
	 * gives no pseudoinstruction in htinst leaves only the guest's
	 * tables to tell the walk's fault from an 8-byte load of SCRATCH. */
	try_walk("the test device, the load at the entry's page offset", GPA_TESTDEV, 0x8, false);
}
