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
	.vmid_bits = 14, /* VMIDMAX for Sv39x4 and Sv48x4: all there are */
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

/* A VM description from the device tree names its node ("/chosen/vm1"),
 * one from bootargs its word ("tv.vm1"). */
static bool from_dt(const struct vm_desc *d)
{
	return d->origin[0] == '/';
}

struct vm_desc *vm_desc_begin(unsigned n, const char *origin)
{
	if (n == 0 || n >= MAX_VMS)
		hyp_panic("%s: VMs are numbered 1 to %d here (VM 0 is described by tv.guest, "
			  "tv.vcpus, tv.guest_mem)", origin, MAX_VMS - 1);
	struct vm_desc *d = &opt.vm[n];
	if (d->given && !strcmp(d->origin, origin))
		hyp_panic("%s is described twice", origin);
	if (d->given)
		hyp_panic("VM %u is described twice: by %s and by %s (bootargs or the device "
			  "tree, not both)", n, d->origin, origin);
	*d = (struct vm_desc){ .given = true, .guest = GUEST_TEST, .vcpus = 1, .mem = MiB(64) };
	snprintf(d->origin, sizeof(d->origin), "%s", origin);
	snprintf(d->name, sizeof(d->name), "vm%u", n);
	return d;
}

/* One field of a VM description. A bad one refuses the run before any
 * guest starts: a VM half described would run something else than asked. */
void vm_desc_set(struct vm_desc *d, const char *key, const char *spelled, const char *val)
{
	static const char *const guests[] = { "test", "bench", "image", "hostile",
					      "validate", "smp", "sbi_conform" };
	const char *o = d->origin;
	uint64_t v;
	int i;
	if (!strcmp(key, "guest")) {
		if (!pick(val, guests, 7, &i) || i == GUEST_VALIDATE)
			hyp_panic("%s: %s%s is not a guest a second VM can run (test, hostile, "
				  "smp, bench, sbi_conform, or image: VM 0's tv.image with its "
				  "initramfs)", o, spelled, val);
		d->guest = (enum guest_choice)i;
	} else if (!strcmp(key, "vcpus")) {
		if (!parse_size(val, &v) || v < 1 || v > MAX_HARTS)
			hyp_panic("%s: %s%s is not a number from 1 to %d", o, spelled, val,
				  MAX_HARTS);
		d->vcpus = (unsigned)v;
	} else if (!strcmp(key, "mem")) {
		if (!parse_size(val, &v) || v < MiB(4) || v > GiB(64))
			hyp_panic("%s: %s%s is not a size from 4M to 64G", o, spelled, val);
		d->mem = ALIGN_UP(v, MiB(2));
	} else if (!strcmp(key, "name")) {
		size_t len = strlen(val);
		bool ok = len >= 1 && len < sizeof(d->name);
		for (size_t k = 0; ok && k < len; k++)
			ok = (val[k] >= 'a' && val[k] <= 'z') || (val[k] >= '0' && val[k] <= '9') ||
			     val[k] == '-' || val[k] == '_';
		if (!ok)
			hyp_panic("%s: %s%s must be 1 to %zu characters of a-z, 0-9, - and _", o,
				  spelled, val, sizeof(d->name) - 1);
		memcpy(d->name, val, len + 1);
	} else if (!strcmp(key, "harts")) {
		if (!parse_size(val, &v) || v >= MAX_HARTS)
			hyp_panic("%s: %s%s is not a hart slot from 0 to %d (the VM's vCPU i "
				  "time-shares slot harts + i)", o, spelled, val, MAX_HARTS - 1);
		d->shared = true;
		d->first_slot = (unsigned)v;
	} else {
		hyp_panic("%s: unknown key '%s' (guest, vcpus, mem, name, harts%s)", o, key,
			  from_dt(d) ? "" : ", and last cmdline");
	}
}

/* One of a VM's boot modules (`kind` in messages): a VM runs one image
 * with at most one initramfs, so a second of a kind is refused, and so is
 * a range that is empty or wraps. */
static void set_module(const struct vm_desc *d, struct vm_module *m, const char *kind,
		       uint64_t addr, uint64_t size, const char *from)
{
	if (m->size)
		hyp_panic("%s: a second %s (%s besides %s): a VM has one", d->origin, kind, from,
			  m->from);
	if (!size || addr + size < addr)
		hyp_panic("%s: host range %#llx size %#llx is empty or wraps past 2^64", from,
			  (unsigned long long)addr, (unsigned long long)size);
	m->addr = addr;
	m->size = size;
	snprintf(m->from, sizeof(m->from), "%s", from);
}

void vm_desc_set_image(struct vm_desc *d, uint64_t addr, uint64_t size, const char *from)
{
	set_module(d, &d->image, "image", addr, size, from);
	d->guest = GUEST_IMAGE;
}

void vm_desc_set_ramdisk(struct vm_desc *d, uint64_t addr, uint64_t size, const char *from)
{
	set_module(d, &d->ramdisk, "initramfs", addr, size, from);
}

/* A VM's own command line goes to its guest as it is, tv.* words too: on
 * the host's bootargs, which the hypervisor and the guests share, a tv.*
 * word is the hypervisor's; here every word is the guest's, and the
 * hypervisor reads none of them. Such a word is named, for whoever meant
 * it for the hypervisor. At most as long as the host's bootargs may be. */
void vm_desc_set_bootargs(struct vm_desc *d, const char *args, const char *from)
{
	size_t len = strlen(args);
	if (len >= BOOTARGS_MAX)
		hyp_panic("%s: bootargs are %zu bytes, more than the %d a VM's command line may "
			  "have (the bound of /chosen bootargs)", from, len, BOOTARGS_MAX - 1);
	d->bootargs = args;
	snprintf(d->bootargs_from, sizeof(d->bootargs_from), "%s", from);
	const char *p = args, *word;
	for (size_t n; (n = bootargs_word(&p, &word)) != 0;)
		if (bootargs_word_is_option(word, n))
			hyp_log("%s: bootargs word '%.*s' goes to VM %u's guest as it is (the "
				"hypervisor reads no option in a VM's own command line)\n", from,
				(int)n, word, (unsigned)(d - opt.vm));
}

void vm_desc_end(const struct vm_desc *d)
{
	unsigned n = (unsigned)(d - opt.vm);
	if (n + 1 > opt.nvms)
		opt.nvms = n + 1;
}

void vm_descs_check(void)
{
	for (unsigned i = 1; i < opt.nvms; i++) {
		const struct vm_desc *last = &opt.vm[opt.nvms - 1];
		if (!opt.vm[i].given)
			hyp_panic("%s is described but %s%u is not: number VMs from 1 without "
				  "gaps", last->origin, from_dt(last) ? "/chosen/vm" : "tv.vm", i);
	}
	for (unsigned i = 1; i < opt.nvms; i++) {
		const struct vm_desc *d = &opt.vm[i];
		if (d->guest == GUEST_IMAGE && !d->image.size && opt.guest != GUEST_IMAGE)
			hyp_panic("%s: %s runs VM 0's image (tv.image), and VM 0 has none",
				  d->origin, from_dt(d) ? "tracevisor,guest = \"image\"" :
				  "guest:image");
	}
}

/*
 * tv.vmN=KEY:VALUE,KEY:VALUE,... describes VM N (1 <= N < MAX_VMS). The
 * last item may be cmdline:WORDS, the VM's own command line: the rest of
 * the value, commas included (a Linux command line has them:
 * console=ttyS0,115200), with blanks when the value is quoted
 * (tv.vm1="guest:image,cmdline:console=ttyS0 quiet"; bootargs_word).
 */
static bool apply_vm_desc(const char *name, const char *val)
{
	static char cmdline[MAX_VMS][BOOTARGS_MAX]; /* kept: d->bootargs points here */
	static const char cmdline_key[] = "cmdline:";

	if (strncmp(name, "vm", 2) != 0 || name[2] < '0' || name[2] > '9' || name[3])
		return false;
	char origin[8];
	snprintf(origin, sizeof(origin), "tv.%s", name);
	struct vm_desc *d = vm_desc_begin((unsigned)(name[2] - '0'), origin);
	char item[64], spelled[64];
	while (*val) {
		if (!strncmp(val, cmdline_key, sizeof(cmdline_key) - 1)) {
			char *own = cmdline[d - opt.vm];
			snprintf(own, BOOTARGS_MAX, "%s", val + sizeof(cmdline_key) - 1);
			vm_desc_set_bootargs(d, own, origin);
			break;
		}
		size_t len = strcspn(val, ",");
		if (len == 0 || len >= sizeof(item))
			hyp_panic("%s: empty or over-long item in '%s'", origin, val);
		memcpy(item, val, len);
		item[len] = 0;
		char *colon = strchr(item, ':');
		if (!colon)
			hyp_panic("%s: '%s' is not KEY:VALUE", origin, item);
		*colon = 0;
		snprintf(spelled, sizeof(spelled), "%s:", item);
		vm_desc_set(d, item, spelled, colon + 1);
		val += len + (val[len] == ',');
	}
	vm_desc_end(d);
	return true;
}

/* Apply one `name=value`; false when the name or the value is not known. */
static bool apply(const char *name, const char *val)
{
	static const char *const gstages[] = { "auto", "sv39x4", "sv48x4" };
	static const char *const dumps[] = { "compact", "text", "both", "none" };
	static const char *const modes[] = { "overwrite", "stop" };
	static const char *const timers[] = { "auto", "sstc", "sbi" };
	static const char *const fault_tests[] = {
		[FAULT_TEST_OFF] = "off",	    [FAULT_TEST_HS_FAULT] = "on",
		[FAULT_TEST_HTVAL0] = "htval0",	    [FAULT_TEST_HTINST0] = "htinst0",
		[FAULT_TEST_FETCH] = "fetch",	    [FAULT_TEST_LEAF] = "leaf",
		[FAULT_TEST_FETCH_SECOND] = "fetch_second",
	};
	uint64_t v;
	int i;

	if (!strcmp(name, "guest_mem")) {
		if (!strcmp(val, "max")) {
			opt.guest_mem = 0; /* sized in main.c from what is free */
			return true;
		}
		if (!parse_size(val, &v) || v < MiB(2) || v > GiB(64))
			return false;
		opt.guest_mem = ALIGN_UP(v, MiB(2));
		if (opt.guest_mem != v)
			hyp_log("tv.guest_mem=%s: rounded up to %llu MiB (guest RAM is mapped in "
				"2 MiB blocks)\n", val, (unsigned long long)(opt.guest_mem >> 20));
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
	if (!strcmp(name, "vmid_bits") && parse_size(val, &v) && v <= 14) {
		opt.vmid_bits = (unsigned)v;
		return true;
	}
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
	if (!strcmp(name, "dump_every") && parse_size(val, &v) && v <= 3600000) {
		opt.dump_every_ms = v;
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
	if (!strcmp(name, "fault_test")) {
		bool on;
		if (pick(val, fault_tests, (int)(sizeof(fault_tests) / sizeof(fault_tests[0])), &i)) {
			opt.fault_test = (enum fault_test)i;
			return true;
		}
		if (!parse_bool(val, &on)) /* on / off's other spellings */
			return false;
		opt.fault_test = on ? FAULT_TEST_HS_FAULT : FAULT_TEST_OFF;
		return true;
	}
	if (!strcmp(name, "control_vm") && parse_size(val, &v) && v < MAX_VMS) {
		opt.control_vm = (int)v;
		return true;
	}
	return apply_vm_desc(name, val);
}

/*
 * What each option's value must be, for the message when it is not, and
 * whether a bad value refuses the run: the options that choose what runs
 * (which guest, its image, its RAM, its vCPUs) do, as running something
 * else than asked would pass for what was asked; the others are ignored
 * with the message, their default kept. (tv.vmN: apply_vm_desc.)
 */
static const struct option_rule {
	const char *name, *want;
	bool refuse;
} option_rules[] = {
	{ "guest", "test, bench, hostile, validate, smp or sbi_conform (an image: "
		   "tv.image, scripts/run.sh --image)", true },
	{ "image", "ADDR,SIZE: a host range of nonzero size", true },
	{ "kernel", "the nonzero host address of a Linux Image", true },
	{ "initrd", "ADDR,SIZE: a host range of nonzero size", true },
	{ "guest_mem", "a size from 2M to 64G (K, M, G suffixes), or max", true },
	{ "guest_ram_base", "an address (a multiple of 2 MiB)", true },
	{ "vcpus", "a number from 1 to 8", true },
	{ "control_vm", "a VM number from 0 to 3", true },
	{ "vm1", "KEY:VALUE,... (guest, vcpus, mem, name, harts; cmdline last)", true },
	{ "vm2", "KEY:VALUE,... (guest, vcpus, mem, name, harts; cmdline last)", true },
	{ "vm3", "KEY:VALUE,... (guest, vcpus, mem, name, harts; cmdline last)", true },
	{ "gstage", "auto, sv39x4 or sv48x4", false },
	{ "trace", "on or off", false },
	{ "ring", "a power of two from 2 to 16777216 (slots per hart)", false },
	{ "ring_mode", "overwrite or stop", false },
	{ "filter", "a number: a mask of record kinds", false },
	{ "dump", "compact, text, both or none", false },
	{ "watermark", "a percentage from 0 to 100", false },
	{ "timer", "auto, sstc or sbi", false },
	{ "htimedelta", "a number of timebase ticks", false },
	{ "vmids", "on or off", false },
	{ "vmid_bits", "a number of VMID bits from 0 to 14", false },
	{ "dump_guest_dt", "on or off", false },
	{ "watchdog", "milliseconds from 0 to 3600000", false },
	{ "progress", "milliseconds from 0 to 3600000", false },
	{ "dump_every", "milliseconds from 0 to 3600000", false },
	{ "slice", "milliseconds from 1 to 1000", false },
	{ "input_poll", "milliseconds from 0 to 1000", false },
	{ "suspend_alarm", "milliseconds from 0 to 3600000", false },
	{ "fault_test", "on, off, htval0, htinst0, fetch, fetch_second or leaf", false },
};

_Static_assert(MAX_HARTS == 8 && MAX_VMS == 4, "option_rules' words for vcpus, control_vm, vmN");

static const struct option_rule *option_rule(const char *name)
{
	for (size_t i = 0; i < sizeof(option_rules) / sizeof(option_rules[0]); i++)
		if (!strcmp(name, option_rules[i].name))
			return &option_rules[i];
	return NULL;
}

/* Edit distance between a and b (insertions, deletions, substitutions,
 * and two neighbours swapped), counted up to 3: enough to tell a typo. */
static unsigned typo_distance(const char *a, const char *b)
{
	enum { MAXN = 24 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAXN || lb >= MAXN)
		return 3;
	uint8_t d[MAXN][MAXN];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (uint8_t)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (uint8_t)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u);
			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (uint8_t)best;
		}
	return d[la][lb] < 3u ? d[la][lb] : 3u;
}

/* The option an unknown name most likely misspells (at most two edits
 * away, and fewer than the name's length), or NULL. */
static const char *nearest_option(const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (size_t i = 0; i < sizeof(option_rules) / sizeof(option_rules[0]); i++) {
		unsigned d = typo_distance(name, option_rules[i].name);
		if (d < best_d && d < strlen(name)) {
			best_d = d;
			best = option_rules[i].name;
		}
	}
	return best;
}

/* A word tv.NAME[=VALUE] that apply() did not take (value NULL: no
 * "="): say which of the two it got wrong, and refuse the run where the
 * option chooses what runs. */
static void reject(const char *name, const char *value)
{
	const struct option_rule *r = option_rule(name);
	bool eq = value != NULL;
	const char *val = eq ? value : "";

	if (!r) {
		const char *near = nearest_option(name);
		const struct option_rule *nr = near ? option_rule(near) : NULL;
		/* A misspelt option that chooses what runs refuses the run,
		 * as its bad value would: tv.vcpu=4 must not pass for 4 vCPUs. */
		if (nr && nr->refuse)
			hyp_panic("tv.%s%s%s: no such option; did you mean tv.%s? The run is "
				  "refused, as it would run something else than asked", name,
				  eq ? "=" : "", val, near);
		hyp_log("ignored option 'tv.%s%s%s': no such option%s%s%s (README.md, "
			"\"Hypervisor options\", lists them)\n", name, eq ? "=" : "", val,
			near ? "; did you mean tv." : "", near ? near : "", near ? "?" : "");
		return;
	}
	if (r->refuse)
		hyp_panic("tv.%s%s%s: the value must be %s; the run is refused, as it would "
			  "run something else than asked", name, eq ? "=" : " (no =VALUE)", val,
			  r->want);
	hyp_log("ignored option 'tv.%s%s%s'%s: the value must be %s; the option keeps "
		"its value\n",
		name, eq ? "=" : "", val, eq ? "" : " (no =VALUE)", r->want);
}

/* A value in double quotes, as Linux takes `name="a b"` (next_arg): the
 * quotes are not part of it. Only the value's own enclosing pair goes. */
static char *unquote(char *val)
{
	size_t len = strlen(val);
	if (val[0] != '"')
		return val;
	if (len >= 2 && val[len - 1] == '"')
		val[len - 1] = 0;
	return val + 1;
}

/* The length of the option name in a tv.* word of n bytes (up to "="). */
static size_t option_name_len(const char *w, size_t n)
{
	const char *eq = memchr(w, '=', n);
	return (size_t)((eq ? eq : w + n) - w) - 3;
}

/* The last tv.* word of args before `upto` that sets the same option as
 * the word w (n bytes), or NULL; its length in *len. */
static const char *earlier_word(const char *args, const char *upto, const char *w, size_t n,
				size_t *len)
{
	const char *found = NULL, *e;
	size_t name = option_name_len(w, n);
	for (size_t k; (k = bootargs_word(&args, &e)) != 0 && e < upto;)
		if (bootargs_word_is_option(e, k) && option_name_len(e, k) == name &&
		    memcmp(e + 3, w + 3, name) == 0) {
			found = e;
			*len = k;
		}
	return found;
}

void options_parse(const char *args)
{
	static char word[BOOTARGS_MAX]; /* a word of bootargs fits (main.c checks) */
	const char *all = args, *w;
	for (size_t n; (n = bootargs_word(&args, &w)) != 0;) {
		if (!bootargs_word_is_option(w, n))
			continue;
		memcpy(word, w + 3, n - 3);
		word[n - 3] = 0;
		char *eq = strchr(word, '=');
		if (eq)
			*eq = 0;
		char *val = eq ? unquote(eq + 1) : NULL;
		if (!val || !apply(word, val)) {
			reject(word, val);
			continue;
		}
		/* An option given twice takes the last value, as Linux takes
		 * its own parameters (scripts/run.sh puts its defaults first
		 * so that an --append word overrides them); the value it
		 * replaces is named, not dropped in silence. */
		size_t elen;
		const char *e = earlier_word(all, w, w, n, &elen);
		if (e && (elen != n || memcmp(e, w, n) != 0))
			hyp_log("option '%.*s' replaces '%.*s' given before it (the last value "
				"of an option is kept)\n", (int)n, w, (int)elen, e);
	}
}
