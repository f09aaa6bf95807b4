/*
 * VMs described in the host's device tree, in the manner of Xen's
 * dom0less boot: one node per VM under /chosen, its image a child node
 * whose reg names where a boot loader (QEMU's -device loader, U-Boot's
 * load) put it. The binding is docs/vms-device-tree.md:
 *
 *   chosen {
 *       vm1 {
 *           compatible = "tracevisor,vm";
 *           cpus = <1>;                   (vCPUs; required)
 *           memory = <0x0 0x10000>;       (KiB, 64 bits; required)
 *           tracevisor,guest = "hostile"; (or a kernel module below)
 *           tracevisor,name = "attacker"; (optional)
 *           tracevisor,harts = <0>;       (optional: time-shared from slot 0)
 *           #address-cells = <2>;         (with a module: its reg's cells)
 *           #size-cells = <2>;
 *           module@8e000000 {
 *               compatible = "multiboot,kernel", "multiboot,module";
 *               reg = <0x0 0x8e000000 0x0 0x3000>;
 *               bootargs = "console=ttyS0";   (optional: its command line)
 *           };
 *           module@8f000000 {                 (optional: its initramfs)
 *               compatible = "multiboot,ramdisk", "multiboot,module";
 *               reg = <0x0 0x8f000000 0x0 0x1000>;
 *           };
 *       };
 *   };
 *
 * Each property becomes the text of the tv.vmN key it stands for and goes
 * through vm_desc_set (options.c), so a value is checked by the same code
 * whichever source gave it; a module becomes vm_desc_set_image or
 * vm_desc_set_ramdisk, a kernel module's bootargs vm_desc_set_bootargs.
 */
#include "vm_dt.h"

#include "fdt.h"
#include "options.h"

#define VM_COMPATIBLE "tracevisor,vm"

/* How a property's value is read (Devicetree Specification 2.2.4,
 * "Property Values": <u32> is one big-endian cell, a <string> ends with
 * its only NUL). */
enum dt_type { DT_STRING, DT_U32, DT_KIB64, DT_OWN };

static const struct vm_prop {
	const char *name;	/* the property */
	const char *key;	/* the vm_desc_set key it sets; NULL: read here */
	enum dt_type type;
} vm_props[] = {
	{ "tracevisor,guest", "guest", DT_STRING },
	{ "cpus", "vcpus", DT_U32 },
	/* dom0less's unit: a 64-bit count of KiB. */
	{ "memory", "mem", DT_KIB64 },
	{ "tracevisor,name", "name", DT_STRING },
	{ "tracevisor,harts", "harts", DT_U32 },
	{ "compatible", NULL, DT_OWN },
	{ "#address-cells", NULL, DT_U32 },
	{ "#size-cells", NULL, DT_U32 },
	{ "phandle", NULL, DT_U32 },
};

static const struct vm_prop *find_prop(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vm_props); i++)
		if (!strcmp(vm_props[i].name, name))
			return &vm_props[i];
	return NULL;
}

/* A property's value as one string (its only NUL at its end), else NULL. */
static const char *dt_string(const void *val, int len)
{
	if (!val || len < 1 || ((const char *)val)[len - 1] || strlen(val) != (size_t)len - 1)
		return NULL;
	return val;
}

/* The value of property `p` as the text vm_desc_set reads. */
static void prop_text(const char *path, const struct vm_prop *p, const void *val, int len,
		      char *out, size_t size)
{
	switch (p->type) {
	case DT_STRING:
		if (!dt_string(val, len) || len < 2)
			hyp_panic("%s: %s must be one non-empty string (%s = \"...\")", path,
				  p->name, p->name);
		snprintf(out, size, "%s", (const char *)val);
		break;
	case DT_U32:
		if (len != 4)
			hyp_panic("%s: %s must be one 32-bit cell (%s = <N>), not %d bytes", path,
				  p->name, p->name, len);
		snprintf(out, size, "%u", fdt32_ld(val));
		break;
	case DT_KIB64:
		if (len != 8)
			hyp_panic("%s: %s must be a 64-bit count of KiB in two cells (%s = <0x0 "
				  "0x10000> is 64 MiB), not %d bytes", path, p->name, p->name, len);
		snprintf(out, size, "%lluK", (unsigned long long)fdt64_ld(val));
		break;
	case DT_OWN:
		out[0] = 0;
		break;
	}
}

/* What one VM node says, beyond what vm_desc_set takes. */
struct vm_node {
	const void *fdt;
	int node;
	char path[24];		/* "/chosen/vm1" */
	struct vm_desc *d;
	bool cpus, memory, guest;
};

/* A property named bootargs where it does not belong (the VM node, a
 * ramdisk module) is refused as such: dom0less puts a VM's command line on
 * its kernel module, and only there (a VM without one runs a built-in
 * guest or VM 0's image, which see the host's bootargs). */
static void misplaced_bootargs(const char *path, const char *name)
{
	if (!strcmp(name, "bootargs"))
		hyp_panic("%s: bootargs go on the VM's \"multiboot,kernel\" module node, its "
			  "image's, as in Xen's dom0less binding", path);
}

static void read_props(struct vm_node *vn)
{
	for (int prop = fdt_first_prop(vn->fdt, vn->node); prop >= 0;
	     prop = fdt_next_prop(vn->fdt, prop)) {
		const char *name;
		int len;
		const void *val = fdt_prop_by_offset(vn->fdt, prop, &name, &len);
		const struct vm_prop *p = val ? find_prop(name) : NULL;
		if (!p && val)
			misplaced_bootargs(vn->path, name);
		if (!p)
			hyp_panic("%s: unknown property '%s' (tracevisor,guest, cpus, memory, "
				  "tracevisor,name, tracevisor,harts, compatible, #address-cells, "
				  "#size-cells)", vn->path, val ? name : "?");
		char text[40], spelled[40];
		prop_text(vn->path, p, val, len, text, sizeof(text));
		vn->cpus |= !strcmp(name, "cpus");
		vn->memory |= !strcmp(name, "memory");
		vn->guest |= !strcmp(name, "tracevisor,guest");
		if (!p->key)
			continue;
		snprintf(spelled, sizeof(spelled), "%s=", name);
		vm_desc_set(vn->d, p->key, spelled, text);
	}
}

/* Each property of module node `path` is compatible, reg or, on a
 * kernel module, bootargs. */
static void check_module_props(const struct vm_node *vn, int node, const char *path, bool kernel)
{
	for (int prop = fdt_first_prop(vn->fdt, node); prop >= 0;
	     prop = fdt_next_prop(vn->fdt, prop)) {
		const char *name;
		int len;
		if (!fdt_prop_by_offset(vn->fdt, prop, &name, &len) || !strcmp(name, "compatible") ||
		    !strcmp(name, "reg") || (kernel && !strcmp(name, "bootargs")))
			continue;
		if (!kernel)
			misplaced_bootargs(path, name);
		hyp_panic("%s: unknown property '%s' (compatible, reg%s)", path, name,
			  kernel ? ", bootargs" : "");
	}
}

/* A module's host range: its reg, one (address, size) entry in the cells
 * its VM node's #address-cells and #size-cells say. */
static void module_reg(const struct vm_node *vn, int node, const char *path, uint64_t *addr,
		       uint64_t *size)
{
	if (!fdt_getprop(vn->fdt, vn->node, "#address-cells", NULL) ||
	    !fdt_getprop(vn->fdt, vn->node, "#size-cells", NULL))
		hyp_panic("%s: #address-cells and #size-cells are required beside a module "
			  "(its reg is read with them)", vn->path);
	int err = fdt_reg_count(vn->fdt, node) == 1 ?
		fdt_read_reg(vn->fdt, node, 0, addr, size) : FDT_ERR_BADVALUE;
	if (err)
		hyp_panic("%s: reg must be one (address, size) entry in %s's #address-cells "
			  "and #size-cells, each 1 or 2 (%s)", path, vn->path, fdt_strerror(err));
}

/* The VM's image, a dom0less kernel module, with its command line if it
 * has one. */
static void read_kernel(struct vm_node *vn, int node, const char *path)
{
	if (vn->guest)
		hyp_panic("%s: the VM has tracevisor,guest and an image module: it runs "
			  "one of them", path);
	uint64_t addr, size;
	module_reg(vn, node, path, &addr, &size);
	vm_desc_set_image(vn->d, addr, size, path);
	int len;
	const void *val = fdt_getprop(vn->fdt, node, "bootargs", &len);
	if (!val)
		return;
	const char *args = dt_string(val, len);
	if (!args)
		hyp_panic("%s: bootargs must be one string, the VM's command line (bootargs = "
			  "\"console=ttyS0\"), not %d bytes of something else", path, len);
	vm_desc_set_bootargs(vn->d, args, path);
}

/* The VM's initramfs, a dom0less ramdisk module: it goes with the VM's own
 * image (a built-in guest takes none; tracevisor,guest = "image" runs
 * with VM 0's). */
static void read_ramdisk(struct vm_node *vn, int node, const char *path)
{
	if (vn->guest)
		hyp_panic("%s: the VM has tracevisor,guest, which takes no initramfs module (a "
			  "\"multiboot,ramdisk\" goes with the VM's own \"multiboot,kernel\" "
			  "module; \"image\" runs with VM 0's tv.initrd)", path);
	uint64_t addr, size;
	module_reg(vn, node, path, &addr, &size);
	vm_desc_set_ramdisk(vn->d, addr, size, path);
}

/* A child node: a dom0less module (compatible "multiboot,kernel" or
 * "multiboot,ramdisk", and "multiboot,module"). */
static void read_module(struct vm_node *vn, int node)
{
	char path[48];
	snprintf(path, sizeof(path), "%s/%s", vn->path, fdt_node_name(vn->fdt, node));
	bool kernel = fdt_node_check_compatible(vn->fdt, node, "multiboot,kernel") == 1;
	bool ramdisk = fdt_node_check_compatible(vn->fdt, node, "multiboot,ramdisk") == 1;
	if (kernel == ramdisk || fdt_node_check_compatible(vn->fdt, node, "multiboot,module") != 1)
		hyp_panic("%s: compatible must be \"multiboot,kernel\", \"multiboot,module\" "
			  "(the VM's image) or \"multiboot,ramdisk\", \"multiboot,module\" (its "
			  "initramfs); no other child node is known", path);
	check_module_props(vn, node, path, kernel);
	if (kernel)
		read_kernel(vn, node, path);
	else
		read_ramdisk(vn, node, path);
}

/* VM N from node /chosen/vmN. */
static void read_vm(const void *fdt, int node, const char *name)
{
	struct vm_node vn = { .fdt = fdt, .node = node };
	snprintf(vn.path, sizeof(vn.path), "/chosen/%s", name);
	if (strncmp(name, "vm", 2) != 0 || name[2] < '0' || name[2] > '9' || name[3])
		hyp_panic("%s: a " VM_COMPATIBLE " node is named vmN, N the VM's number", vn.path);
	vn.d = vm_desc_begin((unsigned)(name[2] - '0'), vn.path);
	read_props(&vn);
	if (!vn.cpus)
		hyp_panic("%s: missing property cpus (its vCPU count: cpus = <1>)", vn.path);
	if (!vn.memory)
		hyp_panic("%s: missing property memory (its RAM in KiB: memory = <0x0 0x10000>)",
			  vn.path);
	for (int child = fdt_first_child(fdt, node); child >= 0;
	     child = fdt_next_sibling(fdt, child))
		read_module(&vn, child);
	if (vn.d->ramdisk.size && !vn.d->image.size)
		hyp_panic("%s: an initramfs module (%s) and no \"multiboot,kernel\" module: the "
			  "initramfs goes with the VM's own image", vn.path, vn.d->ramdisk.from);
	if (!vn.guest && !vn.d->image.size)
		hyp_panic("%s: missing property tracevisor,guest (a built-in guest) or a "
			  "\"multiboot,kernel\" module (its own image): what does it run?",
			  vn.path);
	vm_desc_end(vn.d);
}

void vm_dt_parse(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;
	for (int node = fdt_first_child(fdt, chosen); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *name = fdt_node_name(fdt, node);
		if (fdt_node_check_compatible(fdt, node, VM_COMPATIBLE) == 1)
			read_vm(fdt, node, name);
		else if (!strncmp(name, "vm", 2) && name[2] >= '0' && name[2] <= '9')
			/* Other nodes belong to other programs (a boot loader's). */
			hyp_panic("/chosen/%s: a VM node needs compatible = \"" VM_COMPATIBLE
				  "\"", name);
	}
}
