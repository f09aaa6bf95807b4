/*
 * What the guest runs, put into its RAM: a built-in guest (a flat binary
 * embedded in the hypervisor, linked for its own RAM base), or an image
 * QEMU placed in host memory with -device loader and named by tv.image=
 * (tv.kernel= is the older spelling for a Linux Image). An image is an
 * ELF file, a RISC-V Linux Image or a flat binary, told apart by its bytes
 * (lib/boot_image.c); an initramfs (tv.initrd= or /chosen) goes with it.
 * Nothing that run.sh says about the image is trusted: its host range is
 * checked against host RAM and protected memory, its format is read here,
 * and everything it puts into guest RAM is checked to fit without overlaps.
 */
#include "boot_image.h"
#include "mem.h"
#include "options.h"
#include "platform.h"
#include "vm.h"

extern char test_guest_start[], test_guest_end[];
extern char bench_guest_start[], bench_guest_end[];
extern const uint64_t test_guest_base, bench_guest_base;
/* Optional guests: weak, so an image built without them still links. */
extern char hostile_guest_start[] __attribute__((weak));
extern char hostile_guest_end[] __attribute__((weak));
extern const uint64_t hostile_guest_base __attribute__((weak));
extern char validate_guest_start[] __attribute__((weak));
extern char validate_guest_end[] __attribute__((weak));
extern const uint64_t validate_guest_base __attribute__((weak));
extern char smp_guest_start[] __attribute__((weak));
extern char smp_guest_end[] __attribute__((weak));
extern const uint64_t smp_guest_base __attribute__((weak));
extern char sbi_conform_guest_start[] __attribute__((weak));
extern char sbi_conform_guest_end[] __attribute__((weak));
extern const uint64_t sbi_conform_guest_base __attribute__((weak));

static const struct builtin_guest {
	const char *name;
	const char *start, *end;
	const uint64_t *base; /* guest-physical address it is linked for */
} builtin_guests[] = {
	[GUEST_TEST] = { "test", test_guest_start, test_guest_end, &test_guest_base },
	[GUEST_BENCH] = { "benchmark", bench_guest_start, bench_guest_end, &bench_guest_base },
	[GUEST_IMAGE] = { "image", NULL, NULL, NULL },
	[GUEST_HOSTILE] = { "hostile", hostile_guest_start, hostile_guest_end,
			    &hostile_guest_base },
	[GUEST_VALIDATE] = { "validation", validate_guest_start, validate_guest_end,
			     &validate_guest_base },
	[GUEST_SMP] = { "smp", smp_guest_start, smp_guest_end, &smp_guest_base },
	[GUEST_SBI_CONFORM] = { "SBI conformance", sbi_conform_guest_start,
				sbi_conform_guest_end, &sbi_conform_guest_base },
};

static const char *initrd_source(void)
{
	return opt.initrd_end ? "tv.initrd" : "the initramfs in /chosen";
}

/* Where VM `vm`'s image waits in host memory: its own (a module of its
 * device tree node) with its own initramfs, if any; else VM 0's tv.image
 * with VM 0's initramfs. */
struct image_src {
	uint64_t addr, size;
	const char *what;	    /* in messages: "tv.image", the module's path */
	uint64_t istart, iend;	    /* its initramfs, if any */
	const char *iwhat;	    /* in messages: "tv.initrd", the module's path */
};

static struct image_src image_of(const struct vm *vm)
{
	const struct vm_desc *d = &opt.vm[vm->id];
	if (vm->id && d->image.size)
		return (struct image_src){ d->image.addr, d->image.size, d->image.from,
					   d->ramdisk.addr, d->ramdisk.addr + d->ramdisk.size,
					   d->ramdisk.from };
	return (struct image_src){ opt.image, opt.image_size, "tv.image", platform.initrd_start,
				   platform.initrd_end, initrd_source() };
}

uint64_t vm_guest_ram_base(const struct vm *vm)
{
	/* tv.guest_ram_base moves the RAM of VM 0's image (and of the VMs
	 * that run it too); a VM's own image gets QEMU virt's RAM base. */
	if (vm->guest == GUEST_IMAGE && vm->id && opt.vm[vm->id].image.size)
		return TV_GPA_RAM_DEFAULT;
	if (vm->guest == GUEST_IMAGE)
		return opt.guest_ram_base_set ? opt.guest_ram_base : TV_GPA_RAM_DEFAULT;
	const struct builtin_guest *g = &builtin_guests[vm->guest];
	uint64_t linked = g->base ? *g->base : TV_GPA_RAM_DEFAULT;
	/* tv.guest_ram_base is VM 0's. */
	if (vm->id == 0 && opt.guest_ram_base_set && opt.guest_ram_base != linked)
		hyp_panic("tv.guest_ram_base=%#llx: the built-in %s guest is linked for guest "
			  "RAM at %#llx and runs only there (tv.guest_ram_base moves the RAM of "
			  "a guest image, tv.image=)", (unsigned long long)opt.guest_ram_base,
			  g->name, (unsigned long long)linked);
	return linked;
}

/* The host range of a boot image must be host RAM, and none of the
 * firmware's or the hypervisor's: a wrong tv.image= must not make the
 * hypervisor copy its own memory into the guest. An initramfs a boot
 * loader named in /chosen may lie in memory it reserved for it
 * (/memreserve/, as U-Boot's booti does), so for that one only the
 * hypervisor's own memory is off limits. */
static void check_host_range(const char *what, uint64_t base, uint64_t size,
			     bool boot_loader_reserved)
{
	bool in_ram = false;
	for (int i = 0; i < platform.nram; i++) {
		const struct mem_range *r = &platform.ram[i];
		if (base >= r->base && base - r->base <= r->size && size <= r->size - (base - r->base))
			in_ram = true;
	}
	if (!in_ram)
		hyp_panic("%s: host range %#llx-%#llx is not host RAM (the host's device "
			  "tree names its RAM)", what, (unsigned long long)base,
			  (unsigned long long)(base + size - 1));
	if (boot_loader_reserved ? mem_is_hyp_owned(base, size) : mem_is_protected(base, size))
		hyp_panic("%s: host range %#llx-%#llx overlaps firmware or hypervisor memory",
			  what, (unsigned long long)base, (unsigned long long)(base + size - 1));
}

/* Two boot images in one host range: copying one would copy part of the
 * other, a guest nobody asked for. */
static void check_apart(const char *a, uint64_t abase, uint64_t asize, const char *b,
			uint64_t bbase, uint64_t bsize)
{
	if (abase < bbase + bsize && bbase < abase + asize)
		hyp_panic("%s (host %#llx-%#llx) overlaps %s (host %#llx-%#llx)", a,
			  (unsigned long long)abase, (unsigned long long)(abase + asize - 1), b,
			  (unsigned long long)bbase, (unsigned long long)(bbase + bsize - 1));
}

/* A VM's own boot module (a device tree node: its image or its
 * initramfs): host RAM, none of the firmware's or the hypervisor's, clear
 * of tv.image, of VM 0's initramfs [istart, iend) and of the modules
 * `before` it; then kept from the allocator until its VM holds its copy. */
static void reserve_vm_module(const struct vm_module *m, uint64_t istart, uint64_t iend,
			      const struct vm_module *const *before, unsigned nbefore)
{
	char what[64];
	snprintf(what, sizeof(what), "%s reg", m->from);
	check_host_range(what, m->addr, m->size, false);
	if (opt.guest == GUEST_IMAGE)
		check_apart(what, m->addr, m->size, "tv.image", opt.image, opt.image_size);
	if (iend > istart)
		check_apart(what, m->addr, m->size, initrd_source(), istart, iend - istart);
	for (unsigned j = 0; j < nbefore; j++)
		check_apart(what, m->addr, m->size, before[j]->from, before[j]->addr,
			    before[j]->size);
	mem_reserve(m->addr, m->size);
}

/* Every VM's own modules, each checked against those before it: VM 1's
 * image and initramfs, then VM 2's... */
static void reserve_vm_modules(uint64_t istart, uint64_t iend)
{
	const struct vm_module *done[2 * MAX_VMS];
	unsigned ndone = 0;
	for (unsigned i = 1; i < opt.nvms; i++) {
		const struct vm_module *mods[] = { &opt.vm[i].image, &opt.vm[i].ramdisk };
		for (unsigned k = 0; k < ARRAY_SIZE(mods); k++) {
			if (!mods[k]->size)
				continue;
			reserve_vm_module(mods[k], istart, iend, done, ndone);
			done[ndone++] = mods[k];
		}
	}
}

void vm_reserve_boot_images(void)
{
	uint64_t istart = platform.initrd_start, iend = platform.initrd_end;
	if (opt.guest == GUEST_IMAGE) {
		if (!opt.image_size) {
			/* tv.kernel=ADDR: a Linux Image whose header gives the size. */
			struct bi_linux h;
			check_host_range("tv.kernel", opt.image, BI_LINUX_HEADER_SIZE, false);
			int err = bi_linux_parse((const void *)(uintptr_t)opt.image, 0, &h);
			if (err)
				hyp_panic("tv.kernel=%#llx: no RISC-V Linux Image there (%s); load "
					  "one with -device loader,file=Image,addr=...",
					  (unsigned long long)opt.image, bi_strerror(err));
			opt.image_size = h.image_size;
		}
		check_host_range("tv.image", opt.image, opt.image_size, false);
		if (iend > istart)
			check_apart(initrd_source(), istart, iend - istart, "tv.image", opt.image,
				    opt.image_size);
		mem_reserve(opt.image, opt.image_size);
	}
	if (iend > istart) {
		check_host_range(initrd_source(), istart, iend - istart, !opt.initrd_end);
		mem_reserve(istart, iend - istart);
	}
	reserve_vm_modules(istart, iend);
}

/* A built-in guest: copied to the start of guest RAM, entered there. */
static void load_builtin(struct vm *vm)
{
	const struct builtin_guest *g = &builtin_guests[vm->guest];
	if (!g->start)
		hyp_panic("this image was built without the %s guest (guest/%s)",
			  g->name, g->name);
	size_t image = (size_t)(g->end - g->start);
	if (image + GUEST_FDT_MAX > vm->ram_size)
		hyp_panic("guest image (%zu bytes) does not fit in guest RAM", image);
	vm_copy_in(vm, vm->ram_gpa, g->start, image);
	hyp_log("VM %u: %s guest, %zu bytes\n", vm->id, g->name, image);
	vm->entry_gpa = vm->ram_gpa;
}

static void perm_text(char out[4], uint32_t flags)
{
	out[0] = (flags & 4) ? 'R' : '-';
	out[1] = (flags & 2) ? 'W' : '-';
	out[2] = (flags & 1) ? 'X' : '-';
	out[3] = 0;
}

/* An image from host memory: what goes where, checked as a whole before
 * anything is copied, then copied. Guest RAM reads as zero where nothing
 * is copied (vm.c), which makes each ELF segment's memory beyond its file
 * bytes (its .bss) zero. */
static void load_image(struct vm *vm)
{
	const struct image_src is = image_of(vm);
	const uint8_t *src = (const void *)(uintptr_t)is.addr;
	uint64_t len = is.size;
	enum bi_format fmt = bi_detect(src, len);
	static struct bi_elf elf;
	static char names[BI_MAX_SEGMENTS][24];
	struct bi_range r[BI_MAX_SEGMENTS + 2];
	char msg[320];
	unsigned n = 0;
	int err;

	switch (fmt) {
	case BI_ELF:
		err = bi_elf_parse(src, len, &elf, msg, sizeof(msg));
		if (err)
			hyp_panic("%s (host %#llx, %llu bytes): not a loadable ELF file: %s",
				  is.what, (unsigned long long)is.addr, (unsigned long long)len, msg);
		/* Entered at its lowest load address, not at e_entry: QEMU
		 * virt's -kernel loader does so for an ELF, as fw_jump and
		 * fw_payload do for what they jump to (a kernel with separate
		 * SBI and ELF entry points, FreeBSD's, relies on it). */
		vm->entry_gpa = ~0ULL;
		for (unsigned i = 0; i < elf.nseg; i++) {
			snprintf(names[i], sizeof(names[i]), "ELF segment %u", elf.seg[i].index);
			r[n++] = (struct bi_range){ elf.seg[i].paddr, elf.seg[i].memsz, names[i] };
			if (elf.seg[i].paddr < vm->entry_gpa)
				vm->entry_gpa = elf.seg[i].paddr;
		}
		break;
	case BI_LINUX: {
		struct bi_linux h;
		err = bi_linux_parse(src, len, &h);
		if (err)
			hyp_panic("%s (host %#llx, %llu bytes): bad RISC-V Linux Image "
				  "header: %s", is.what, (unsigned long long)is.addr,
				  (unsigned long long)len, bi_strerror(err));
		if (!IS_ALIGNED(h.text_offset, PAGE_SIZE) || h.text_offset >= vm->ram_size)
			hyp_panic("Linux Image: text_offset %#llx is not a page offset inside "
				  "guest RAM", (unsigned long long)h.text_offset);
		/* The kernel takes image_size bytes at RAM base + text_offset
		 * (its .bss included), of which the file is the start. */
		r[n++] = (struct bi_range){ vm->ram_gpa + h.text_offset, h.image_size,
					    "the Linux Image (text_offset + image_size)" };
		vm->entry_gpa = vm->ram_gpa + h.text_offset;
		break;
	}
	default:
		/* A compressed kernel or another architecture's would run as
		 * garbage: refused with what it is. */
		if (bi_foreign(src, len, msg, sizeof(msg)))
			hyp_panic("%s (host %#llx, %llu bytes) is not a guest this hypervisor "
				  "runs: %s", is.what, (unsigned long long)is.addr,
				  (unsigned long long)len, msg);
		/* where virt's loader puts it under OpenSBI (boot_image.h) */
		r[n++] = (struct bi_range){ vm->ram_gpa + BI_FLAT_OFFSET, len, "the flat binary" };
		vm->entry_gpa = vm->ram_gpa + BI_FLAT_OFFSET;
		break;
	}
	r[n++] = (struct bi_range){ vm->fdt_gpa, GUEST_FDT_MAX, "the guest's device tree" };

	uint64_t isize = is.iend > is.istart ? is.iend - is.istart : 0;
	if (isize) {
		/* Just below the device tree, at the top of guest RAM. */
		if (isize > vm->fdt_gpa - vm->ram_gpa)
			hyp_panic("the initramfs (%llu bytes, from %s) does not fit in VM %u's "
				  "RAM %#llx-%#llx; raise %s", (unsigned long long)isize, is.iwhat,
				  vm->id, (unsigned long long)vm->ram_gpa,
				  (unsigned long long)(vm->ram_gpa + vm->ram_size - 1),
				  vm->id ? "its mem: or memory" : "tv.guest_mem");
		vm->initrd_gpa = ALIGN_DOWN(vm->fdt_gpa - isize, PAGE_SIZE);
		vm->initrd_size = isize;
		r[n++] = (struct bi_range){ vm->initrd_gpa, isize, "the initramfs" };
	}
	if (bi_check_ranges(r, n, vm->ram_gpa, vm->ram_size, msg, sizeof(msg)) != 0)
		hyp_panic("cannot load %s (%s, %llu bytes): %s", is.what, bi_format_name(fmt),
			  (unsigned long long)len, msg);

	hyp_log("VM %u: %s: %s, %llu bytes, entry GPA %#llx\n", vm->id, is.what,
		bi_format_name(fmt), (unsigned long long)len, (unsigned long long)vm->entry_gpa);
	if (fmt == BI_ELF) {
		for (unsigned i = 0; i < elf.nseg; i++) {
			const struct bi_segment *s = &elf.seg[i];
			char perm[4];
			perm_text(perm, s->flags);
			vm_copy_in(vm, s->paddr, src + s->offset, s->filesz);
			hyp_log("VM %u:   ELF segment %u: GPA %#llx-%#llx %s, %#llx bytes from "
				"the file\n", vm->id, s->index, (unsigned long long)s->paddr,
				(unsigned long long)(s->paddr + s->memsz - 1), perm,
				(unsigned long long)s->filesz);
		}
		if (elf.entry_paddr != vm->entry_gpa)
			hyp_log("VM %u:   entered at the lowest load address %#llx, as QEMU "
				"virt enters an ELF; e_entry %#llx (physical %#llx) is not used\n",
				vm->id, (unsigned long long)vm->entry_gpa,
				(unsigned long long)elf.entry, (unsigned long long)elf.entry_paddr);
	} else {
		vm_copy_in(vm, r[0].base, src, len);
		hyp_log("VM %u:   %s at GPA %#llx-%#llx\n", vm->id, r[0].what,
			(unsigned long long)r[0].base,
			(unsigned long long)(r[0].base + r[0].size - 1));
	}
	if (isize) {
		vm_copy_in(vm, vm->initrd_gpa, (const void *)(uintptr_t)is.istart, isize);
		hyp_log("VM %u: initramfs %llu bytes at GPA %#llx (from %s)\n", vm->id,
			(unsigned long long)isize, (unsigned long long)vm->initrd_gpa, is.iwhat);
	}
}

void vm_load_guest(struct vm *vm)
{
	if (vm->guest == GUEST_IMAGE)
		load_image(vm);
	else
		load_builtin(vm);
}
