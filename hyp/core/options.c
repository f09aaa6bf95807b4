#include "options.h"

#include <tracevisor/trace_record.h>

#ifndef TV_RING_SLOTS_DEFAULT
#define TV_RING_SLOTS_DEFAULT 4096
#endif

struct options opt = {
	.guest_mem = MiB(64),
	.gstage = GSTAGE_AUTO,
	.trace = true,
	.ring_slots = TV_RING_SLOTS_DEFAULT,
	.ring_mode = 0,
	.filter = TV_FILTER_ALL,
	.dump = DUMP_COMPACT,
	.watermark_pct = 0,
	.timer = TIMER_AUTO,
	.vcpus = 1,
	.nvms = 1,
	.control_vm = -1,
	.slice_ms = 10,
	.vmids = true,
};

/* Decimal or 0x-hex digits; false on no digits or overflow. (Not strtoull:
 * picolibc's sets errno, a thread-local variable reached through tp, and
 * in the hypervisor tp holds the vcpu pointer.) */
static bool parse_u64(const char *s, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	*end = p;
	return p != digits;
}

/* "64M", "1G", "0x1000", "4096" -> bytes; false when malformed. */
static bool parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	if (!parse_u64(s, &v, &end))
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: break;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	v <<= shift;
	if (*end != 0)
		return false;
	*out = v;
	return true;
}

/* "ADDR,SIZE" with SIZE > 0 and no wrap past 2^64. */
static bool parse_range(const char *val, uint64_t *addr, uint64_t *size)
{
	const char *comma = strchr(val, ',');
	char a[24];
	if (!comma || (size_t)(comma - val) >= sizeof(a))
		return false;
	memcpy(a, val, (size_t)(comma - val));
	a[comma - val] = 0;
	if (!parse_size(a, addr) || !parse_size(comma + 1, size) || !*size ||
	    *addr + *size < *addr)
		return false;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

static bool pick(const char *s, const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return true;
		}
	return false;
}

/* One KEY:VALUE of a VM description. A bad one refuses the run before any
 * guest starts: a VM half described would run something else than asked. */
static void vm_desc_key(unsigned n, struct vm_desc *d, const char *key, const char *val)
{
	static const char *const guests[] = { "test", "bench", "image", "hostile",
					      "validate", "smp", "sbi_conform" };
	uint64_t v;
	int i;
	if (!strcmp(key, "guest")) {
		if (!pick(val, guests, 7, &i) || i == GUEST_VALIDATE)
			hyp_panic("tv.vm%u: guest:%s is not a guest a second VM can run "
				  "(test, hostile, smp, bench, sbi_conform, or image: VM 0's "
				  "tv.image with its initramfs)", n, val);
		d->guest = (enum guest_choice)i;
	} else if (!strcmp(key, "vcpus")) {
		if (!parse_size(val, &v) || v < 1 || v > MAX_HARTS)
			hyp_panic("tv.vm%u: vcpus:%s is not a number from 1 to %d", n, val,
				  MAX_HARTS);
		d->vcpus = (unsigned)v;
	} else if (!strcmp(key, "mem")) {
		if (!parse_size(val, &v) || v < MiB(4) || v > GiB(64))
			hyp_panic("tv.vm%u: mem:%s is not a size from 4M to 64G", n, val);
		d->mem = ALIGN_UP(v, MiB(2));
	} else if (!strcmp(key, "name")) {
		size_t len = strlen(val);
		bool ok = len >= 1 && len < sizeof(d->name);
		for (size_t k = 0; ok && k < len; k++)
			ok = (val[k] >= 'a' && val[k] <= 'z') || (val[k] >= '0' && val[k] <= '9') ||
			     val[k] == '-' || val[k] == '_';
		if (!ok)
			hyp_panic("tv.vm%u: name:%s must be 1 to %zu characters of a-z, 0-9, - "
				  "and _", n, val, sizeof(d->name) - 1);
		memcpy(d->name, val, len + 1);
	} else if (!strcmp(key, "harts")) {
		if (!parse_size(val, &v) || v >= MAX_HARTS)
			hyp_panic("tv.vm%u: harts:%s is not a hart slot from 0 to %d (the VM's "
				  "vCPU i time-shares slot harts + i)", n, val, MAX_HARTS - 1);
		d->shared = true;
		d->first_slot = (unsigned)v;
	} else {
		hyp_panic("tv.vm%u: unknown key '%s' (guest, vcpus, mem, name, harts)", n, key);
	}
}

/* tv.vmN=KEY:VALUE,KEY:VALUE,... describes VM N (1 <= N < MAX_VMS). */
static bool apply_vm_desc(const char *name, const char *val)
{
	if (strncmp(name, "vm", 2) != 0 || name[2] < '0' || name[2] > '9' || name[3])
		return false;
	unsigned n = (unsigned)(name[2] - '0');
	if (n == 0 || n >= MAX_VMS)
		hyp_panic("tv.%s: VMs are numbered 1 to %d here (VM 0 is described by tv.guest, "
			  "tv.vcpus, tv.guest_mem)", name, MAX_VMS - 1);
	struct vm_desc *d = &opt.vm[n];
	if (d->given)
		hyp_panic("tv.vm%u is described twice", n);
	*d = (struct vm_desc){ .given = true, .guest = GUEST_TEST, .vcpus = 1, .mem = MiB(64) };
	snprintf(d->name, sizeof(d->name), "vm%u", n);
	char item[64];
	while (*val) {
		size_t len = strcspn(val, ",");
		if (len == 0 || len >= sizeof(item))
			hyp_panic("tv.vm%u: empty or over-long item in '%s'", n, val);
		memcpy(item, val, len);
		item[len] = 0;
		char *colon = strchr(item, ':');
		if (!colon)
			hyp_panic("tv.vm%u: '%s' is not KEY:VALUE", n, item);
		*colon = 0;
		vm_desc_key(n, d, item, colon + 1);
		val += len + (val[len] == ',');
	}
	if (n + 1 > opt.nvms)
		opt.nvms = n + 1;
	return true;
}

/* Apply one `name=value`; false when the name or the value is not known. */
static bool apply(const char *name, const char *val)
{
	static const char *const gstages[] = { "auto", "sv39x4", "sv48x4" };
	static const char *const dumps[] = { "compact", "text", "both", "none" };
	static const char *const modes[] = { "overwrite", "stop" };
	static const char *const timers[] = { "auto", "sstc", "sbi" };
	uint64_t v;
	int i;

	if (!strcmp(name, "guest_mem")) {
		if (!strcmp(val, "max")) {
			opt.guest_mem = 0; /* sized in main.c from what is free */
			return true;
		}
		if (!parse_size(val, &v) || v < MiB(2))
			return false;
		opt.guest_mem = ALIGN_UP(v, MiB(2));
		return true;
	}
	if (!strcmp(name, "gstage") && pick(val, gstages, 3, &i)) {
		opt.gstage = (enum gstage_choice)i;
		return true;
	}
	if (!strcmp(name, "trace"))
		return parse_bool(val, &opt.trace);
	if (!strcmp(name, "ring")) {
		if (!parse_size(val, &v) || v < 2 || v > (1u << 24) || (v & (v - 1)))
			return false;
		opt.ring_slots = (uint32_t)v;
		return true;
	}
	if (!strcmp(name, "ring_mode") && pick(val, modes, 2, &i)) {
		opt.ring_mode = i;
		return true;
	}
	if (!strcmp(name, "filter") && parse_size(val, &v)) {
		opt.filter = (uint32_t)v & TV_FILTER_ALL;
		return true;
	}
	if (!strcmp(name, "dump") && pick(val, dumps, 4, &i)) {
		opt.dump = (enum dump_encoding)i;
		return true;
	}
	if (!strcmp(name, "watermark") && parse_size(val, &v) && v <= 100) {
		opt.watermark_pct = (uint32_t)v;
		return true;
	}
	if (!strcmp(name, "timer") && pick(val, timers, 3, &i)) {
		opt.timer = (enum timer_choice)i;
		return true;
	}
	if (!strcmp(name, "htimedelta") && parse_size(val, &v)) {
		opt.htimedelta = v;
		return true;
	}
	/* An image named by tv.image or tv.kernel wins over tv.guest, in
	 * whatever order they come. */
	static const char *const guests[] = { "test", "bench", "image", "hostile",
					      "validate", "smp", "sbi_conform" };
	if (!strcmp(name, "guest") && pick(val, guests, 7, &i) && i != GUEST_IMAGE) {
		if (opt.guest != GUEST_IMAGE)
			opt.guest = (enum guest_choice)i;
		return true;
	}
	if (!strcmp(name, "guest_ram_base") && parse_size(val, &v)) {
		opt.guest_ram_base = v; /* checked against the map in vm.c */
		opt.guest_ram_base_set = true;
		return true;
	}
	if (!strcmp(name, "kernel") && parse_size(val, &v) && v) {
		/* The older spelling for a Linux Image: its header gives the size. */
		opt.image = v;
		opt.image_size = 0;
		opt.guest = GUEST_IMAGE;
		return true;
	}
	if (!strcmp(name, "image")) {
		/* ADDR,SIZE: a guest image placed with -device loader. */
		uint64_t size;
		if (!parse_range(val, &v, &size))
			return false;
		opt.image = v;
		opt.image_size = size;
		opt.guest = GUEST_IMAGE;
		return true;
	}
	if (!strcmp(name, "initrd")) {
		/* ADDR,SIZE: an initramfs placed with -device loader (QEMU's
		 * -initrd puts it where it likes, splitting small RAMs). */
		uint64_t size;
		if (!parse_range(val, &v, &size))
			return false;
		opt.initrd_start = v;
		opt.initrd_end = v + size;
		return true;
	}
	if (!strcmp(name, "vmids"))
		return parse_bool(val, &opt.vmids);
	if (!strcmp(name, "dump_guest_dt"))
		return parse_bool(val, &opt.dump_guest_dt);
	if (!strcmp(name, "vcpus") && parse_size(val, &v) && v >= 1 && v <= MAX_HARTS) {
		opt.vcpus = (unsigned)v;
		return true;
	}
	if (!strcmp(name, "watchdog") && parse_size(val, &v) && v <= 3600000) {
		opt.watchdog_ms = v;
		return true;
	}
	if (!strcmp(name, "progress") && parse_size(val, &v) && v <= 3600000) {
		opt.progress_ms = v;
		return true;
	}
	if (!strcmp(name, "slice") && parse_size(val, &v) && v >= 1 && v <= 1000) {
		opt.slice_ms = v;
		return true;
	}
	if (!strcmp(name, "input_poll") && parse_size(val, &v) && v <= 1000) {
		opt.input_poll_ms = v;
		return true;
	}
	if (!strcmp(name, "suspend_alarm") && parse_size(val, &v) && v <= 3600000) {
		opt.suspend_alarm_ms = v;
		return true;
	}
	if (!strcmp(name, "fault_test"))
		return parse_bool(val, &opt.fault_test);
	if (!strcmp(name, "control_vm") && parse_size(val, &v) && v < MAX_VMS) {
		opt.control_vm = (int)v;
		return true;
	}
	return apply_vm_desc(name, val);
}

void options_parse(const char *args)
{
	char word[96];
	while (*args) {
		while (*args == ' ' || *args == '\t')
			args++;
		size_t n = strcspn(args, " \t");
		if (n == 0)
			break;
		if (n >= 3 && !strncmp(args, "tv.", 3)) {
			if (n >= sizeof(word)) {
				hyp_log("ignored option: too long: %.*s...\n", 40, args);
			} else {
				memcpy(word, args + 3, n - 3);
				word[n - 3] = 0;
				char *eq = strchr(word, '=');
				if (eq)
					*eq = 0;
				if (!eq || !apply(word, eq + 1))
					hyp_log("ignored option 'tv.%s%s%s': unknown name or bad value "
						"(see README.md, \"Hypervisor options\")\n",
						word, eq ? "=" : "", eq ? eq + 1 : "");
			}
		}
		args += n;
	}
}
