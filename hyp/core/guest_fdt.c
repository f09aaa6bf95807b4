/*
 * The guest's device tree: what it may know of its machine, described the
 * way QEMU's virt machine describes the same things (hw/riscv/virt.c), so
 * that software written for virt finds what it looks for:
 *
 *   /                      #address-cells, #size-cells = 2; compatible
 *                          "tracevisor,virt", "riscv-virtio"
 *   /chosen                bootargs (the VM's own, else the host's words
 *                          that are not tv.*; none when empty),
 *                          stdout-path, rng-seed, linux,initrd-start/-end
 *   /aliases               serial0
 *   /poweroff, /reboot     syscon-poweroff / syscon-reboot on the finisher
 *   /memory@BASE           guest RAM
 *   /cpus                  timebase-frequency; one cpu@N per vCPU with the
 *                          whole riscv,isa string, riscv,isa-base,
 *                          riscv,isa-extensions, mmu-type, cache-block
 *                          sizes and its interrupt controller; cpu-map
 *   /soc                   simple-bus: test finisher, PLIC, UART, and the test
 *                          device for a built-in guest
 *
 * It goes in the top GUEST_FDT_MAX bytes of guest RAM; a1 points at it when
 * vCPU 0 starts. tv.dump_guest_dt=1 prints it in hex on the console
 * (tests/system/test_guest_dt.sh turns that back into a blob for dtc).
 */
#include "../core/entropy.h"
#include "fdt.h"
#include "isa.h"
#include "options.h"
#include "platform.h"
#include "timer.h"
#include "vm.h"

#define PLIC_PHANDLE 1
#define FINISHER_PHANDLE 2
#define CPU_PHANDLE(cpu) (0x10 + 2 * (cpu))
#define INTC_PHANDLE(cpu) (0x11 + 2 * (cpu))
#define GUEST_RNG_SEED_BYTES 32

/* The guest's command line: the VM's own (its kernel module's bootargs,
 * docs/vms-device-tree.md, or tv.vmN's cmdline:), as it is; else the words of the host's
 * bootargs that are not hypervisor options. */
static void guest_bootargs(const struct vm *vm, char *out, size_t size)
{
	const char *own = vm->id ? opt.vm[vm->id].bootargs : NULL;
	if (own) {
		snprintf(out, size, "%s", own);
		hyp_log("VM %u: bootargs: its own, %zu bytes (%s)\n", vm->id, strlen(own),
			opt.vm[vm->id].bootargs_from);
		return;
	}
	const char *p = platform.bootargs, *word;
	size_t n = 0;
	for (size_t len; (len = bootargs_word(&p, &word)) != 0;) {
		if (!bootargs_word_is_option(word, len) && n + len + 2 < size) {
			if (n)
				out[n++] = ' ';
			memcpy(out + n, word, len);
			n += len;
		}
	}
	out[n] = 0;
}

#define CHECK(x) do { if ((x) < 0) goto fail; } while (0)

/* Properties of the host's cpu node that describe what VS-mode sees the
 * same way: the MMU modes vsatp accepts and the cache-block sizes of the
 * Zicbo* instructions (Linux disables Zicbom/Zicboz without them). The
 * guest gets Sv39 when the host names no mmu-type. */
static int copy_cpu_props(struct fdt_writer *w)
{
	static const char *const props[] = {
		"mmu-type", "riscv,cbom-block-size", "riscv,cboz-block-size",
		"riscv,cbop-block-size",
	};
	const void *fdt = platform_fdt();
	int err = 0;
	for (size_t i = 0; i < ARRAY_SIZE(props) && err >= 0; i++) {
		int len;
		const void *val = fdt_getprop(fdt, platform.cpu_node, props[i], &len);
		if (val && len > 0)
			err = fdtw_prop(w, props[i], val, len);
		else if (i == 0)
			err = fdtw_prop_string(w, "mmu-type", "riscv,sv39");
	}
	return err;
}

static int reg_prop(struct fdt_writer *w, uint64_t base, uint64_t size)
{
	uint32_t reg[4] = { (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
			    (uint32_t)size };
	return fdtw_prop_cells(w, "reg", reg, 4);
}

/* A syscon-poweroff / syscon-reboot node: write `value` to the finisher. */
static int syscon_node(struct fdt_writer *w, const char *name, const char *compat,
		       uint32_t value)
{
	int err = fdtw_begin_node(w, name);
	if (err >= 0) err = fdtw_prop_string(w, "compatible", compat);
	if (err >= 0) err = fdtw_prop_u32(w, "regmap", FINISHER_PHANDLE);
	if (err >= 0) err = fdtw_prop_u32(w, "offset", 0);
	if (err >= 0) err = fdtw_prop_u32(w, "value", value);
	if (err >= 0) err = fdtw_end_node(w);
	return err;
}

static int cpus_node(struct fdt_writer *w, const struct vm *vm)
{
	size_t isa_list_len;
	const char *isa = isa_guest_string();
	const char *isa_list = isa_guest_extensions(&isa_list_len);
	char name[24];

	CHECK(fdtw_begin_node(w, "cpus"));
	CHECK(fdtw_prop_u32(w, "#address-cells", 1));
	CHECK(fdtw_prop_u32(w, "#size-cells", 0));
	CHECK(fdtw_prop_u32(w, "timebase-frequency", (uint32_t)platform.timebase_hz));
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK(fdtw_begin_node(w, name));
		CHECK(fdtw_prop_u32(w, "phandle", CPU_PHANDLE(i)));
		CHECK(fdtw_prop_string(w, "device_type", "cpu"));
		CHECK(fdtw_prop_u32(w, "reg", i));
		CHECK(fdtw_prop_string(w, "status", "okay"));
		CHECK(fdtw_prop_string(w, "compatible", "riscv"));
		CHECK(fdtw_prop_string(w, "riscv,isa", isa));
		CHECK(fdtw_prop_string(w, "riscv,isa-base", "rv64i"));
		CHECK(fdtw_prop(w, "riscv,isa-extensions", isa_list, (int)isa_list_len));
		CHECK(copy_cpu_props(w));
		CHECK(fdtw_begin_node(w, "interrupt-controller"));
		CHECK(fdtw_prop_u32(w, "#address-cells", 0));
		CHECK(fdtw_prop_u32(w, "#interrupt-cells", 1));
		CHECK(fdtw_prop_empty(w, "interrupt-controller"));
		CHECK(fdtw_prop_string(w, "compatible", "riscv,cpu-intc"));
		CHECK(fdtw_prop_u32(w, "phandle", INTC_PHANDLE(i)));
		CHECK(fdtw_end_node(w));
		CHECK(fdtw_end_node(w));
	}
	/* One cluster, one core per vCPU (no SMT), as virt describes it. */
	CHECK(fdtw_begin_node(w, "cpu-map"));
	CHECK(fdtw_begin_node(w, "cluster0"));
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		CHECK(fdtw_begin_node(w, name));
		CHECK(fdtw_prop_u32(w, "cpu", CPU_PHANDLE(i)));
		CHECK(fdtw_end_node(w));
	}
	CHECK(fdtw_end_node(w));
	CHECK(fdtw_end_node(w));
	CHECK(fdtw_end_node(w));
	return 0;
fail:
	return -1;
}

static int soc_node(struct fdt_writer *w, const struct vm *vm)
{
	char name[40];
	CHECK(fdtw_begin_node(w, "soc"));
	CHECK(fdtw_prop_u32(w, "#address-cells", 2));
	CHECK(fdtw_prop_u32(w, "#size-cells", 2));
	CHECK(fdtw_prop_string(w, "compatible", "simple-bus"));
	CHECK(fdtw_prop_empty(w, "ranges"));

	/* QEMU's own compatible list for its finisher ("sifive,test1" adds
	 * the reset command to test0's pass and fail). */
	snprintf(name, sizeof(name), "test@%lx", TV_GPA_FINISHER);
	CHECK(fdtw_begin_node(w, name));
	static const char *const test_compat[] = { "sifive,test1", "sifive,test0", "syscon" };
	CHECK(fdtw_prop_strings(w, "compatible", test_compat, 3));
	CHECK(reg_prop(w, TV_GPA_FINISHER, TV_FINISHER_SIZE));
	CHECK(fdtw_prop_u32(w, "phandle", FINISHER_PHANDLE));
	CHECK(fdtw_end_node(w));

	/* The PLIC's two contexts per hart, as on QEMU virt: the hart's
	 * machine external interrupt (11), then its supervisor external
	 * interrupt (9), the guest's view of VSEIP (hyp/mmio/plic.c). An
	 * S-mode kernel takes the contexts whose interrupt is 9. */
	snprintf(name, sizeof(name), "interrupt-controller@%lx", TV_GPA_PLIC);
	CHECK(fdtw_begin_node(w, name));
	static const char *const plic_compat[] = { "sifive,plic-1.0.0", "riscv,plic0" };
	CHECK(fdtw_prop_strings(w, "compatible", plic_compat, 2));
	CHECK(reg_prop(w, TV_GPA_PLIC, TV_PLIC_SIZE));
	CHECK(fdtw_prop_u32(w, "#address-cells", 0));
	CHECK(fdtw_prop_u32(w, "#interrupt-cells", 1));
	CHECK(fdtw_prop_empty(w, "interrupt-controller"));
	uint32_t ext[4 * MAX_HARTS];
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		ext[4 * (size_t)i] = INTC_PHANDLE(i);
		ext[4 * (size_t)i + 1] = IRQ_M_EXT;
		ext[4 * (size_t)i + 2] = INTC_PHANDLE(i);
		ext[4 * (size_t)i + 3] = IRQ_S_EXT;
	}
	CHECK(fdtw_prop_cells(w, "interrupts-extended", ext, (int)(4 * vm->nvcpus)));
	CHECK(fdtw_prop_u32(w, "riscv,ndev", 31));
	CHECK(fdtw_prop_u32(w, "phandle", PLIC_PHANDLE));
	CHECK(fdtw_end_node(w));

	snprintf(name, sizeof(name), "serial@%lx", TV_GPA_UART);
	CHECK(fdtw_begin_node(w, name));
	CHECK(fdtw_prop_string(w, "compatible", "ns16550a"));
	CHECK(reg_prop(w, TV_GPA_UART, TV_UART_SIZE));
	CHECK(fdtw_prop_u32(w, "clock-frequency", TV_UART_CLOCK_HZ));
	CHECK(fdtw_prop_u32(w, "interrupt-parent", PLIC_PHANDLE));
	CHECK(fdtw_prop_u32(w, "interrupts", TV_UART_IRQ));
	CHECK(fdtw_end_node(w));

	if (vm_find_device(vm, TV_GPA_TESTDEV)) { /* the built-in guests' only */
		snprintf(name, sizeof(name), "testdev@%lx", TV_GPA_TESTDEV);
		CHECK(fdtw_begin_node(w, name));
		CHECK(fdtw_prop_string(w, "compatible", "tracevisor,testdev"));
		CHECK(reg_prop(w, TV_GPA_TESTDEV, TV_TESTDEV_SIZE));
		CHECK(fdtw_end_node(w));
	}

	CHECK(fdtw_end_node(w));
	return 0;
fail:
	return -1;
}

/* tv.dump_guest_dt=1: the blob in hex, 32 bytes a line, between a header
 * that gives its size and an end line. */
static void dump_fdt(const struct vm *vm, const uint8_t *blob, size_t size)
{
	hyp_log("guest device tree: %zu bytes at GPA %#llx (tv.dump_guest_dt)\n", size,
		(unsigned long long)vm->fdt_gpa);
	for (size_t off = 0; off < size; off += 32) {
		char line[80];
		size_t n = 0;
		for (size_t i = off; i < size && i < off + 32; i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%02x", blob[i]);
		hyp_log("guest-dt %04zx: %s\n", off, line);
	}
	hyp_log("guest-dt end\n");
}

void vm_build_fdt(struct vm *vm)
{
	static char args[BOOTARGS_MAX]; /* fits platform.bootargs, and a VM's own */
	static char path[40];
	uint8_t seed[GUEST_RNG_SEED_BYTES];
	const char *seed_source;
	struct fdt_writer w;
	void *buf = vm_gpa_to_hva(vm, vm->fdt_gpa, GUEST_FDT_MAX);

	isa_guest_setup(timer_guest_has_sstc());
	guest_bootargs(vm, args, sizeof(args));
	snprintf(path, sizeof(path), "/soc/serial@%lx", TV_GPA_UART);
	bool have_seed = entropy_guest_seed(seed, sizeof(seed), vm->id, &seed_source);
	if (have_seed)
		hyp_log("VM %u: rng-seed: %u bytes derived from %s\n", vm->id,
			(unsigned)sizeof(seed), seed_source);
	else
		hyp_log("VM %u: rng-seed: none (%s)\n", vm->id, seed_source);

	CHECK(fdtw_init(&w, buf, GUEST_FDT_MAX, 0));
	CHECK(fdtw_begin_node(&w, ""));
	CHECK(fdtw_prop_u32(&w, "#address-cells", 2));
	CHECK(fdtw_prop_u32(&w, "#size-cells", 2));
	static const char *const compat[] = { "tracevisor,virt", "riscv-virtio" };
	CHECK(fdtw_prop_strings(&w, "compatible", compat, 2));
	CHECK(fdtw_prop_string(&w, "model", "tracevisor virtual machine (riscv-virtio layout)"));

	CHECK(fdtw_begin_node(&w, "chosen"));
	if (args[0])
		CHECK(fdtw_prop_string(&w, "bootargs", args));
	CHECK(fdtw_prop_string(&w, "stdout-path", path));
	if (have_seed)
		CHECK(fdtw_prop(&w, "rng-seed", seed, (int)sizeof(seed)));
	if (vm->initrd_size) {
		CHECK(fdtw_prop_u64(&w, "linux,initrd-start", vm->initrd_gpa));
		CHECK(fdtw_prop_u64(&w, "linux,initrd-end", vm->initrd_gpa + vm->initrd_size));
	}
	CHECK(fdtw_end_node(&w));
	memset(seed, 0, sizeof(seed));

	CHECK(fdtw_begin_node(&w, "aliases"));
	CHECK(fdtw_prop_string(&w, "serial0", path));
	CHECK(fdtw_end_node(&w));

	CHECK(syscon_node(&w, "poweroff", "syscon-poweroff", TV_FINISHER_PASS));
	CHECK(syscon_node(&w, "reboot", "syscon-reboot", TV_FINISHER_RESET));

	char mem[32];
	snprintf(mem, sizeof(mem), "memory@%llx", (unsigned long long)vm->ram_gpa);
	CHECK(fdtw_begin_node(&w, mem));
	CHECK(fdtw_prop_string(&w, "device_type", "memory"));
	CHECK(reg_prop(&w, vm->ram_gpa, vm->ram_size));
	CHECK(fdtw_end_node(&w));

	CHECK(cpus_node(&w, vm));
	CHECK(soc_node(&w, vm));

	CHECK(fdtw_end_node(&w));
	CHECK(fdtw_finish(&w));
	if (opt.dump_guest_dt)
		dump_fdt(vm, buf, fdt_totalsize(buf));
	return;
fail:
	hyp_panic("the guest device tree does not fit in %lu bytes", GUEST_FDT_MAX);
}
