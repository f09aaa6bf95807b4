/*
 * Building a VM: guest RAM, the G-stage map, emulated devices, the guest's
 * device tree, and the guest image.
 */
#include "vm.h"

#include "../mmio/mmio.h"
#include "fdt.h"
#include "mem.h"
#include "options.h"
#include "isa.h"
#include "platform.h"
#include "timer.h"

extern char test_guest_start[], test_guest_end[];
extern char bench_guest_start[], bench_guest_end[];
/* Optional guests: weak, so an image built without them still links. */
extern char hostile_guest_start[] __attribute__((weak));
extern char hostile_guest_end[] __attribute__((weak));
extern char validate_guest_start[] __attribute__((weak));
extern char validate_guest_end[] __attribute__((weak));
extern char smp_guest_start[] __attribute__((weak));
extern char smp_guest_end[] __attribute__((weak));

static const struct builtin_guest {
	const char *name;
	const char *start, *end;
} builtin_guests[] = {
	[GUEST_TEST] = { "test", test_guest_start, test_guest_end },
	[GUEST_BENCH] = { "benchmark", bench_guest_start, bench_guest_end },
	[GUEST_HOSTILE] = { "hostile", hostile_guest_start, hostile_guest_end },
	[GUEST_VALIDATE] = { "validation", validate_guest_start, validate_guest_end },
	[GUEST_SMP] = { "smp", smp_guest_start, smp_guest_end },
};

/* Page allocator for lower-level G-stage tables: hypervisor memory, which
 * the guest can never reach. */
static void *gstage_page(void *ctx)
{
	(void)ctx;
	return mem_alloc_hyp(PAGE_SIZE, PAGE_SIZE, "G-stage table");
}

/* hgatp.MODE is WARL: a mode the hart lacks does not stick ("Hypervisor
 * Guest Address Translation and Protection Register"). Write and read back. */
static bool hgatp_mode_supported(unsigned long mode)
{
	csr_write(CSR_HGATP, mode << HGATP_MODE_SHIFT);
	bool ok = (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == mode;
	csr_write(CSR_HGATP, 0);
	return ok;
}

/* VMID width: write all ones to hgatp.VMID and count the bits that stick. */
static unsigned vmid_bits(void)
{
	csr_write(CSR_HGATP, (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
				     (HGATP_VMID_MASK << HGATP_VMID_SHIFT));
	uint64_t vmid = (csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	csr_write(CSR_HGATP, 0);
	return (unsigned)__builtin_popcountll(vmid);
}

static unsigned long choose_gstage_mode(void)
{
	bool sv39 = hgatp_mode_supported(HGATP_MODE_SV39X4);
	bool sv48 = hgatp_mode_supported(HGATP_MODE_SV48X4);
	hyp_log("G-stage modes: Sv39x4 %s, Sv48x4 %s\n", sv39 ? "yes" : "no",
		sv48 ? "yes" : "no");
	if (opt.gstage == GSTAGE_SV48X4 && !sv48)
		hyp_panic("tv.gstage=sv48x4 asked for, but hgatp does not accept Sv48x4");
	if (opt.gstage == GSTAGE_SV39X4 && !sv39)
		hyp_panic("tv.gstage=sv39x4 asked for, but hgatp does not accept Sv39x4");
	if (opt.gstage == GSTAGE_SV39X4 || (opt.gstage == GSTAGE_AUTO && !sv48))
		return HGATP_MODE_SV39X4;
	if (!sv48 && !sv39)
		hyp_panic("hgatp accepts neither Sv39x4 nor Sv48x4: no two-stage translation");
	return HGATP_MODE_SV48X4;
}

/* Check every G-stage leaf: none may reach firmware or hypervisor memory. */
static void check_leaf(void *arg, uint64_t gpa, uint64_t hpa, uint64_t size,
		       unsigned long perm)
{
	(void)arg;
	(void)perm;
	if (mem_is_protected(hpa, size))
		hyp_panic("G-stage maps GPA %#llx to protected host memory %#llx",
			  (unsigned long long)gpa, (unsigned long long)hpa);
}

static void setup_gstage(struct vm *vm)
{
	unsigned long mode = choose_gstage_mode();
	unsigned bits = vmid_bits();
	uint16_t vmid = bits ? (uint16_t)(vm->id + 1) : 0;
	uint64_t *root = mem_alloc_hyp(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE, "G-stage root");
	if (gstage_init(&vm->gstage, mode, vmid, root, gstage_page, NULL) != GSTAGE_OK)
		hyp_panic("cannot initialise the G-stage tables");
	int err = gstage_map(&vm->gstage, vm->ram_gpa, vm->ram_hpa, vm->ram_size,
			     GSTAGE_RWX);
	if (err != GSTAGE_OK)
		hyp_panic("cannot map guest RAM in the G-stage (error %d)", err);
	gstage_for_each_leaf(&vm->gstage, check_leaf, NULL);
	vm->hgatp = gstage_hgatp(&vm->gstage);
	hyp_log("VM %u: G-stage %s, VMID %u (%u VMID bits), root %p, %u tables\n",
		vm->id, mode == HGATP_MODE_SV39X4 ? "Sv39x4" : "Sv48x4", vmid, bits,
		(void *)root, vm->gstage.tables);
}

/* The bootargs words that are not hypervisor options go to the guest. */
static void guest_bootargs(char *out, size_t size)
{
	const char *p = platform.bootargs;
	size_t n = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len && strncmp(p, "tv.", 3) != 0 && n + len + 2 < size) {
			if (n)
				out[n++] = ' ';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = 0;
}

#define CHECK(x) do { if ((x) < 0) goto fail; } while (0)

static bool has_testdev(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->ndevices; i++)
		if (vm->devices[i]->base == GUEST_TESTDEV_GPA)
			return true;
	return false;
}

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
#define PLIC_PHANDLE 1
#define INTC_PHANDLE(cpu) (2 + (cpu))

/* The guest's device tree: what it may know of its machine, nothing more. */
static void build_guest_fdt(struct vm *vm)
{
	struct fdt_writer w;
	char args[256];
	void *buf = vm_gpa_to_hva(vm, vm->fdt_gpa, GUEST_FDT_MAX);
	uint32_t reg[4];
	size_t isa_list_len;

	isa_guest_setup(timer_guest_has_sstc());
	const char *isa = isa_guest_string();
	const char *isa_list = isa_guest_extensions(&isa_list_len);
	guest_bootargs(args, sizeof(args));
	CHECK(fdtw_init(&w, buf, GUEST_FDT_MAX, 0));
	CHECK(fdtw_begin_node(&w, ""));
	CHECK(fdtw_prop_u32(&w, "#address-cells", 2));
	CHECK(fdtw_prop_u32(&w, "#size-cells", 2));
	CHECK(fdtw_prop_string(&w, "compatible", "tracevisor,virt"));
	CHECK(fdtw_prop_string(&w, "model", "tracevisor virtual machine"));

	CHECK(fdtw_begin_node(&w, "chosen"));
	CHECK(fdtw_prop_string(&w, "bootargs", args));
	CHECK(fdtw_prop_string(&w, "stdout-path", "/soc/serial@10000000"));
	if (vm->initrd_size) {
		CHECK(fdtw_prop_u64(&w, "linux,initrd-start", vm->initrd_gpa));
		CHECK(fdtw_prop_u64(&w, "linux,initrd-end", vm->initrd_gpa + vm->initrd_size));
	}
	CHECK(fdtw_end_node(&w));

	CHECK(fdtw_begin_node(&w, "cpus"));
	CHECK(fdtw_prop_u32(&w, "#address-cells", 1));
	CHECK(fdtw_prop_u32(&w, "#size-cells", 0));
	CHECK(fdtw_prop_u32(&w, "timebase-frequency", (uint32_t)platform.timebase_hz));
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK(fdtw_begin_node(&w, name));
		CHECK(fdtw_prop_string(&w, "device_type", "cpu"));
		CHECK(fdtw_prop_u32(&w, "reg", i));
		CHECK(fdtw_prop_string(&w, "compatible", "riscv"));
		CHECK(fdtw_prop_string(&w, "riscv,isa", isa));
		CHECK(fdtw_prop_string(&w, "riscv,isa-base", "rv64i"));
		CHECK(fdtw_prop(&w, "riscv,isa-extensions", isa_list, (int)isa_list_len));
		CHECK(copy_cpu_props(&w));
		CHECK(fdtw_prop_string(&w, "status", "okay"));
		CHECK(fdtw_begin_node(&w, "interrupt-controller"));
		CHECK(fdtw_prop_u32(&w, "#interrupt-cells", 1));
		CHECK(fdtw_prop_empty(&w, "interrupt-controller"));
		CHECK(fdtw_prop_string(&w, "compatible", "riscv,cpu-intc"));
		CHECK(fdtw_prop_u32(&w, "phandle", INTC_PHANDLE(i)));
		CHECK(fdtw_end_node(&w));
		CHECK(fdtw_end_node(&w));
	}
	CHECK(fdtw_end_node(&w));

	CHECK(fdtw_begin_node(&w, "memory@c0000000"));
	CHECK(fdtw_prop_string(&w, "device_type", "memory"));
	reg[0] = (uint32_t)(vm->ram_gpa >> 32); reg[1] = (uint32_t)vm->ram_gpa;
	reg[2] = (uint32_t)(vm->ram_size >> 32); reg[3] = (uint32_t)vm->ram_size;
	CHECK(fdtw_prop_cells(&w, "reg", reg, 4));
	CHECK(fdtw_end_node(&w));

	CHECK(fdtw_begin_node(&w, "soc"));
	CHECK(fdtw_prop_u32(&w, "#address-cells", 2));
	CHECK(fdtw_prop_u32(&w, "#size-cells", 2));
	CHECK(fdtw_prop_string(&w, "compatible", "simple-bus"));
	CHECK(fdtw_prop_empty(&w, "ranges"));
	/* The PLIC's one context per hart is the hart's supervisor external
	 * interrupt (9): the guest's view of VSEIP. */
	CHECK(fdtw_begin_node(&w, "interrupt-controller@c000000"));
	static const char *const plic_compat[] = { "sifive,plic-1.0.0", "riscv,plic0" };
	CHECK(fdtw_prop_strings(&w, "compatible", plic_compat, 2));
	reg[0] = 0; reg[1] = GUEST_PLIC_GPA; reg[2] = 0; reg[3] = GUEST_PLIC_SIZE;
	CHECK(fdtw_prop_cells(&w, "reg", reg, 4));
	CHECK(fdtw_prop_u32(&w, "#address-cells", 0));
	CHECK(fdtw_prop_u32(&w, "#interrupt-cells", 1));
	CHECK(fdtw_prop_empty(&w, "interrupt-controller"));
	uint32_t ext[2 * MAX_HARTS];
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		ext[2 * (size_t)i] = INTC_PHANDLE(i);
		ext[2 * (size_t)i + 1] = IRQ_S_EXT;
	}
	CHECK(fdtw_prop_cells(&w, "interrupts-extended", ext, (int)(2 * vm->nvcpus)));
	CHECK(fdtw_prop_u32(&w, "riscv,ndev", 31));
	CHECK(fdtw_prop_u32(&w, "phandle", PLIC_PHANDLE));
	CHECK(fdtw_end_node(&w));
	CHECK(fdtw_begin_node(&w, "serial@10000000"));
	CHECK(fdtw_prop_string(&w, "compatible", "ns16550a"));
	reg[0] = 0; reg[1] = GUEST_UART_GPA; reg[2] = 0; reg[3] = GUEST_UART_SIZE;
	CHECK(fdtw_prop_cells(&w, "reg", reg, 4));
	CHECK(fdtw_prop_u32(&w, "clock-frequency", 3686400));
	CHECK(fdtw_prop_u32(&w, "interrupt-parent", PLIC_PHANDLE));
	CHECK(fdtw_prop_u32(&w, "interrupts", GUEST_UART_IRQ));
	CHECK(fdtw_end_node(&w));
	if (has_testdev(vm)) {
		CHECK(fdtw_begin_node(&w, "testdev@10010000"));
		CHECK(fdtw_prop_string(&w, "compatible", "tracevisor,testdev"));
		reg[0] = 0; reg[1] = GUEST_TESTDEV_GPA; reg[2] = 0; reg[3] = GUEST_TESTDEV_SIZE;
		CHECK(fdtw_prop_cells(&w, "reg", reg, 4));
		CHECK(fdtw_end_node(&w));
	}
	CHECK(fdtw_end_node(&w));

	CHECK(fdtw_end_node(&w));
	CHECK(fdtw_finish(&w));
	return;
fail:
	hyp_panic("the guest device tree does not fit in %lu bytes", GUEST_FDT_MAX);
}

/* A built-in guest: copied to the start of guest RAM, entered there. */
static void load_builtin(struct vm *vm)
{
	const struct builtin_guest *g = &builtin_guests[opt.guest];
	if (!g->start)
		hyp_panic("this image was built without the %s guest (guest/%s)",
			  g->name, g->name);
	size_t image = (size_t)(g->end - g->start);
	if (image + GUEST_FDT_MAX > vm->ram_size)
		hyp_panic("guest image (%zu bytes) does not fit in guest RAM", image);
	memcpy(vm_gpa_to_hva(vm, vm->ram_gpa, image), g->start, image);
	hyp_log("VM %u: %s guest, %zu bytes\n", vm->id, g->name, image);
	vm->entry_gpa = vm->ram_gpa;
}

/*
 * The RISC-V Linux Image header (Linux Documentation/arch/riscv/
 * boot-image-header.rst): the kernel wants to be loaded text_offset bytes
 * past a 2 MiB aligned RAM base and needs image_size bytes there.
 */
struct linux_image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags;
	uint32_t version, res1;
	uint64_t res2, magic;
	uint32_t magic2, res3;
};
#define LINUX_IMAGE_MAGIC2 0x05435352 /* "RSC\x05" */

static const struct linux_image_header *linux_header(void)
{
	const struct linux_image_header *h = (const void *)(uintptr_t)opt.kernel;
	if (h->magic2 != LINUX_IMAGE_MAGIC2)
		hyp_panic("tv.kernel=%#llx: no RISC-V Linux Image there (magic2 %#x, "
			  "want %#x); load one with -device loader,file=Image,addr=...",
			  (unsigned long long)opt.kernel, h->magic2, LINUX_IMAGE_MAGIC2);
	return h;
}

void vm_reserve_boot_images(void)
{
	if (opt.kernel)
		mem_reserve(opt.kernel, linux_header()->image_size);
	if (platform.initrd_end > platform.initrd_start)
		mem_reserve(platform.initrd_start, platform.initrd_end - platform.initrd_start);
}

/* Copy the Image to RAM base + text_offset and the initramfs just below
 * the device tree at the top of guest RAM. */
static void load_linux(struct vm *vm)
{
	const struct linux_image_header *h = linux_header();
	uint64_t load = vm->ram_gpa + h->text_offset;
	if (!IS_ALIGNED(load, 4096) || h->image_size == 0 ||
	    h->text_offset + h->image_size + GUEST_FDT_MAX > vm->ram_size)
		hyp_panic("Linux Image: text_offset %#llx, image_size %#llx do not fit "
			  "%llu MiB of guest RAM (tv.guest_mem)",
			  (unsigned long long)h->text_offset,
			  (unsigned long long)h->image_size,
			  (unsigned long long)(vm->ram_size >> 20));
	mem_copy_fast(vm_gpa_to_hva(vm, load, h->image_size), h, h->image_size);
	vm->entry_gpa = load;
	hyp_log("VM %u: Linux Image %#llx bytes at GPA %#llx (text_offset %#llx)\n",
		vm->id, (unsigned long long)h->image_size, (unsigned long long)load,
		(unsigned long long)h->text_offset);

	uint64_t size = platform.initrd_end - platform.initrd_start;
	if (platform.initrd_end <= platform.initrd_start)
		return;
	uint64_t at = ALIGN_DOWN(vm->fdt_gpa - size, PAGE_SIZE);
	if (at < load + h->image_size)
		hyp_panic("the initramfs (%llu bytes) does not fit in guest RAM above "
			  "the kernel; raise tv.guest_mem", (unsigned long long)size);
	mem_copy_fast(vm_gpa_to_hva(vm, at, size), (void *)(uintptr_t)platform.initrd_start, size);
	vm->initrd_gpa = at;
	vm->initrd_size = size;
	hyp_log("VM %u: initramfs %llu bytes at GPA %#llx\n", vm->id,
		(unsigned long long)size, (unsigned long long)at);
}

static void add_device(struct vm *vm, struct mmio_device *d)
{
	if (vm->ndevices < ARRAY_SIZE(vm->devices))
		vm->devices[vm->ndevices++] = d;
}

void vm_create(struct vm *vm, unsigned id, uint64_t ram_size)
{
	vm->id = id;
	vm->ram_gpa = GUEST_RAM_GPA;
	vm->ram_size = ram_size;
	vm->ram_hpa = mem_alloc_guest(ram_size, MiB(2));
	if (!vm->ram_hpa)
		hyp_panic("no free RAM for %llu MiB of guest RAM (tv.guest_mem)",
			  (unsigned long long)(ram_size >> 20));
	mem_zero_fast((void *)(uintptr_t)vm->ram_hpa, ram_size);
	hyp_log("VM %u: guest RAM GPA %#llx-%#llx at host %#llx\n", id,
		(unsigned long long)vm->ram_gpa,
		(unsigned long long)(vm->ram_gpa + ram_size - 1),
		(unsigned long long)vm->ram_hpa);
	setup_gstage(vm);

	add_device(vm, plic_create(GUEST_PLIC_GPA, GUEST_PLIC_SIZE));
	add_device(vm, uart_ns16550a_create(GUEST_UART_GPA, GUEST_UART_IRQ));
	/* The test device tells its guest the host's protected ranges (for
	 * the isolation attacks): only the built-in test guests get it. */
	if (opt.guest != GUEST_LINUX)
		add_device(vm, testdev_create(GUEST_TESTDEV_GPA));
	hyp_log("VM %u: devices:", id);
	for (unsigned i = 0; i < vm->ndevices; i++)
		printf(" %s at %#llx", vm->devices[i]->name,
		       (unsigned long long)vm->devices[i]->base);
	printf("\n");

	vm->fdt_gpa = vm->ram_gpa + ram_size - GUEST_FDT_MAX;
	if (opt.guest == GUEST_LINUX)
		load_linux(vm);
	else
		load_builtin(vm);
	build_guest_fdt(vm);
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < vm->ram_gpa || len > vm->ram_size ||
	    gpa - vm->ram_gpa > vm->ram_size - len)
		return NULL;
	return (void *)(uintptr_t)(vm->ram_hpa + (gpa - vm->ram_gpa));
}

struct mmio_device *vm_find_device(const struct vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < vm->ndevices; i++) {
		struct mmio_device *d = vm->devices[i];
		if (gpa >= d->base && gpa - d->base < d->size)
			return d;
	}
	return NULL;
}
