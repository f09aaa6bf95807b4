/*
 * Reading the machine description from the flattened device tree
 * (Devicetree Specification, "Device node requirements": /memory, /cpus,
 * /chosen, /reserved-memory).
 */
#include "platform.h"

#include "fdt.h"
#include "isa.h"

struct platform platform;

/* The firmware's FDT may sit in RAM the hypervisor later gives to a guest
 * (fw_jump puts it at a fixed address), so keep a private copy. */
#define FDT_COPY_MAX ((size_t)128 * 1024)
static uint8_t fdt_copy[FDT_COPY_MAX] __attribute__((aligned(8)));

const void *platform_fdt(void)
{
	return fdt_copy;
}

static void add_range(struct mem_range *r, int *n, uint64_t base, uint64_t size)
{
	if (*n < MAX_MEM_RANGES && size) {
		r[*n].base = base;
		r[*n].size = size;
		(*n)++;
	}
}

/* Reserved ranges the list had no room for (probe_reserved). */
static int reserved_dropped;

/*
 * A reserved range, kept whole or counted as dropped: "the operating
 * system shall exclude reserved memory from normal usage" (Devicetree
 * Specification, "/reserved-memory Node"), and a range missing from the
 * list would be free RAM to the allocator (mem.c), handed out as the
 * hypervisor's own memory or as a guest's RAM behind its G-stage. A range
 * whose end lies past 2^64 reserves everything from its base up: its end
 * would wrap, and every overlap test would miss it.
 */
static void add_reserved(uint64_t base, uint64_t size)
{
	if (!size)
		return;
	if (platform.nreserved >= MAX_MEM_RANGES) {
		reserved_dropped++;
		return;
	}
	if (base + size < base)
		size = ~base; /* up to the top of the address space */
	add_range(platform.reserved, &platform.nreserved, base, size);
}

/* A node without status, or "okay" ("ok" in older trees): operational
 * (Devicetree Specification, "status"). */
static bool node_enabled(const void *fdt, int node)
{
	int len;
	const char *status = fdt_getprop(fdt, node, "status", &len);
	return !status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* Every enabled /memory node's reg entries (device_type = "memory"). A
 * node whose status is "disabled" describes memory that is not there to
 * use (not operational, the spec's "status"), and Linux leaves it out
 * (early_init_dt_scan_memory): handed out, it would be the hypervisor's
 * memory or a guest's RAM where nothing answers. */
static void probe_memory(const void *fdt)
{
	int dropped = 0;
	uint64_t first_dropped = 0;
	for (int node = fdt_first_child(fdt, 0); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || strcmp(type, "memory") != 0 || !node_enabled(fdt, node))
			continue;
		uint64_t base, size;
		for (int i = 0; fdt_read_reg(fdt, node, i, &base, &size) == 0; i++) {
			if (size && platform.nram == MAX_MEM_RANGES && !dropped++)
				first_dropped = base;
			add_range(platform.ram, &platform.nram, base, size);
		}
	}
	/* RAM left out is only RAM unused: said, and the boot goes on */
	if (dropped)
		hyp_log("device tree lists %d ranges of RAM, more than the %d the hypervisor "
			"keeps (MAX_MEM_RANGES): the last %d, from %#llx on, go unused\n",
			MAX_MEM_RANGES + dropped, MAX_MEM_RANGES, dropped,
			(unsigned long long)first_dropped);
}

/* Memory the firmware keeps for itself: the /memreserve/ block and the
 * children of /reserved-memory (OpenSBI lists its own region there). */
static void probe_reserved(const void *fdt)
{
	int n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t base, size;
		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0)
			add_reserved(base, size);
	}
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm < 0)
		return;
	for (int node = fdt_first_child(fdt, rm); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		uint64_t base, size;
		for (int i = 0; fdt_read_reg(fdt, node, i, &base, &size) == 0; i++)
			add_reserved(base, size);
	}
}

/* /cpus: the enabled harts, the boot hart's ISA string and the timebase. */
static int probe_cpus(const void *fdt, unsigned long boot_hart)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0) {
		hyp_log("device tree has no /cpus node\n");
		return -1;
	}
	int len;
	const void *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (tb && (len == 4 || len == 8))
		platform.timebase_hz = fdt_read_cells(tb, len / 4);
	for (int node = fdt_first_child(fdt, cpus); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || strcmp(type, "cpu") != 0)
			continue;
		uint64_t hart, size;
		if (fdt_read_reg(fdt, node, 0, &hart, &size) != 0)
			continue;
		if (!tb) {
			tb = fdt_getprop(fdt, node, "timebase-frequency", &len);
			if (tb && (len == 4 || len == 8))
				platform.timebase_hz = fdt_read_cells(tb, len / 4);
		}
		if (hart == boot_hart) {
			isa_probe(fdt, node);
			platform.cpu_node = node;
		}
		if (!node_enabled(fdt, node))
			continue;
		if (platform.nharts < MAX_HARTS)
			platform.hart_id[platform.nharts++] = (uint32_t)hart;
		else
			platform.harts_ignored++;
	}
	/* Slot 0 is the boot hart: it runs vCPU 0. */
	for (int i = 1; i < platform.nharts; i++)
		if (platform.hart_id[i] == boot_hart) {
			platform.hart_id[i] = platform.hart_id[0];
			platform.hart_id[0] = (uint32_t)boot_hart;
		}
	if (!platform.timebase_hz) {
		hyp_log("device tree gives no timebase-frequency in /cpus\n");
		return -1;
	}
	platform.has_sstc = isa_host_has("sstc");
	return 0;
}

/* /chosen: bootargs (hypervisor options) and the console UART named by
 * stdout-path ("path[:options]"). */
static void probe_chosen(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;
	int len;
	const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (args && len > 0) {
		platform.bootargs_len = (unsigned)len - 1; /* (hyp_main checks it) */
		strncpy(platform.bootargs, args, sizeof(platform.bootargs) - 1);
	}
	const void *seed = fdt_getprop(fdt, chosen, "rng-seed", &len);
	if (seed && len > 0) {
		platform.rng_seed_len = (unsigned)len < sizeof(platform.rng_seed) ?
			(unsigned)len : (unsigned)sizeof(platform.rng_seed);
		memcpy(platform.rng_seed, seed, platform.rng_seed_len);
	}
	const void *is = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	int len_end;
	const void *ie = fdt_getprop(fdt, chosen, "linux,initrd-end", &len_end);
	if (is && ie && (len == 4 || len == 8) && (len_end == 4 || len_end == 8)) {
		platform.initrd_start = fdt_read_cells(is, len / 4);
		platform.initrd_end = fdt_read_cells(ie, len_end / 4);
	}
	const char *path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path || len <= 0)
		return;
	char buf[128];
	const char *nul = memchr(path, 0, (size_t)len);
	size_t n = nul ? (size_t)(nul - path) : (size_t)len;
	const char *colon = memchr(path, ':', n);
	if (colon)
		n = (size_t)(colon - path);
	if (n >= sizeof(buf))
		return;
	memcpy(buf, path, n);
	buf[n] = 0;
	int uart = fdt_path_offset(fdt, buf);
	uint64_t size;
	if (uart >= 0 && fdt_read_reg(fdt, uart, 0, &platform.uart_base, &size) == 0) {
		const char *compat = fdt_getprop(fdt, uart, "compatible", &len);
		if (compat && len > 0)
			strncpy(platform.uart_compat, compat, sizeof(platform.uart_compat) - 1);
	}
}

int platform_probe(const void *fdt, unsigned long boot_hart)
{
	int err = fdt_check(fdt, FDT_COPY_MAX);
	size_t size = err == 0 ? fdt_totalsize(fdt) : 0;
	if (err != 0 || size > FDT_COPY_MAX) {
		hyp_log("bad device tree at %p: %s\n", fdt,
			err ? fdt_strerror(err) : "larger than 128 KiB");
		return -1;
	}
	memcpy(fdt_copy, fdt, size);
	platform.fdt_addr = (uint64_t)(uintptr_t)fdt;
	platform.fdt_size = size;
	fdt = fdt_copy;

	probe_memory(fdt);
	int test = fdt_find_compatible(fdt, -1, "sifive,test0");
	uint64_t test_size;
	if (test >= 0)
		fdt_read_reg(fdt, test, 0, &platform.finisher, &test_size);
	probe_reserved(fdt);
	if (reserved_dropped) {
		hyp_log("device tree reserves %d ranges of memory, more than the %d the "
			"hypervisor keeps apart (MAX_MEM_RANGES): it will not hand out memory "
			"the firmware or boot loader kept for itself\n",
			platform.nreserved + reserved_dropped, MAX_MEM_RANGES);
		return -1;
	}
	probe_chosen(fdt);
	if (probe_cpus(fdt, boot_hart) != 0)
		return -1;
	if (platform.nram == 0) {
		hyp_log("device tree describes no memory\n");
		return -1;
	}
	return 0;
}

void platform_print(void)
{
	for (int i = 0; i < platform.nram; i++)
		hyp_log("RAM      %#010llx-%#010llx\n",
			(unsigned long long)platform.ram[i].base,
			(unsigned long long)(platform.ram[i].base + platform.ram[i].size - 1));
	for (int i = 0; i < platform.nreserved; i++)
		hyp_log("reserved %#010llx-%#010llx (device tree: firmware, boot loader)\n",
			(unsigned long long)platform.reserved[i].base,
			(unsigned long long)(platform.reserved[i].base +
					     platform.reserved[i].size - 1));
	hyp_log("%d hart(s)%s, timebase %llu Hz, ISA %s\n", platform.nharts,
		platform.harts_ignored ? " (more ignored)" : "",
		(unsigned long long)platform.timebase_hz, isa_host_string());
	if (platform.uart_base)
		hyp_log("console UART %s at %#llx (output goes through SBI)\n",
			platform.uart_compat, (unsigned long long)platform.uart_base);
}
