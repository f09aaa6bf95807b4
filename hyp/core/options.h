/*
 * Hypervisor options, from the device tree's /chosen bootargs (QEMU
 * -append). Each option is a `tv.NAME=VALUE` word; other words are left
 * for the guest. README.md lists them.
 */
#ifndef HYP_OPTIONS_H
#define HYP_OPTIONS_H

#include "hyp.h"

enum gstage_choice { GSTAGE_AUTO, GSTAGE_SV39X4, GSTAGE_SV48X4 };
enum dump_encoding { DUMP_COMPACT, DUMP_TEXT, DUMP_BOTH, DUMP_NONE };
/* tv.fault_test, which only build/hyp-faulttest.bin acts on
 * (fault_test.h): an HS-mode fault on the 40th exit, a hart that writes
 * zero to htval on every guest-page fault or to htinst on every MMIO
 * exit, or a G-stage leaf of VM 0 into VM 1's RAM. */
enum fault_test { /* each named in options.c's fault_tests[] */
	FAULT_TEST_OFF,
	FAULT_TEST_HS_FAULT,
	FAULT_TEST_HTVAL0,
	FAULT_TEST_HTINST0,
	FAULT_TEST_FETCH,
	FAULT_TEST_LEAF,
	FAULT_TEST_FETCH_SECOND
};

enum timer_choice { TIMER_AUTO, TIMER_SSTC, TIMER_SBI };
/* GUEST_IMAGE: an image QEMU loaded into host memory (tv.image=, or a
 * Linux Image named by tv.kernel=); the others are built in. */
enum guest_choice { GUEST_TEST, GUEST_BENCH, GUEST_IMAGE, GUEST_HOSTILE, GUEST_VALIDATE,
		   GUEST_SMP, GUEST_SBI_CONFORM };

/* Up to MAX_VMS VMs. VM 0 is described by the options below (tv.guest,
 * tv.vcpus, tv.guest_mem, tv.image...); VM N >= 1 by one word
 * tv.vmN=KEY:VALUE,... in bootargs, or by a node /chosen/vmN of the
 * host's device tree (vm_dt.c); README.md, "Several VMs". Both sources
 * fill a vm_desc through the same functions (vm_desc_begin, vm_desc_set,
 * vm_desc_set_image, vm_desc_end), which hold every check; a VM's own
 * initramfs comes only from the device tree (vm_desc_set_ramdisk), its
 * own command line from either (vm_desc_set_bootargs: a kernel module's
 * bootargs, or tv.vmN's last item cmdline:). */
#define MAX_VMS 4
_Static_assert(MAX_VCPUS >= MAX_HARTS * MAX_VMS, "a vCPU of each VM on each hart");
/* A boot module: a host range a boot loader filled, named by a device
 * tree node (vm_dt.c). */
struct vm_module {
	uint64_t addr, size;	 /* size 0: none */
	char from[48];		 /* its node, "/chosen/vm1/module@8e000000" */
};
struct vm_desc {
	bool given;
	char origin[24];	 /* who described it: "tv.vm1", "/chosen/vm1" */
	enum guest_choice guest; /* guest:test|hostile|smp|bench|sbi_conform */
	unsigned vcpus;		 /* vcpus:N */
	uint64_t mem;		 /* mem:SIZE */
	char name[16];		 /* name:NAME, shown in front of its console lines */
	bool shared;		 /* harts:S given: time-shared placement */
	unsigned first_slot;	 /* harts:S: its vCPU i runs on hart slot S + i,
				  * time-shared with the other VMs placed there
				  * (hyp/core/sched.c); without it, harts of its own */
	struct vm_module image;	 /* its own image (a multiboot,kernel module);
				  * none: guest:image runs VM 0's */
	struct vm_module ramdisk; /* its own initramfs (multiboot,ramdisk), only
				   * with its own image */
	const char *bootargs;	 /* its own command line (its kernel module's
				  * bootargs, in the host's device tree copy, or
				  * tv.vmN's cmdline:); NULL: the host's
				  * bootargs words not tv.* */
	char bootargs_from[48];	 /* who gave it: its node, or "tv.vm1" */
};

struct options {
	uint64_t guest_mem;	   /* tv.guest_mem=64M; 0 = max (all that is free) */
	enum gstage_choice gstage; /* tv.gstage=auto|sv39x4|sv48x4 */
	bool trace;		   /* tv.trace=on|off */
	uint32_t ring_slots;	   /* tv.ring=4096 (power of two) */
	int ring_mode;		   /* tv.ring_mode=overwrite|stop */
	uint32_t filter;	   /* tv.filter=0x3fe (bit per record kind) */
	enum dump_encoding dump;   /* tv.dump=compact|text|both|none */
	uint32_t watermark_pct;	   /* tv.watermark=0 (off) .. 100 */
	enum timer_choice timer;   /* tv.timer=auto|sstc|sbi */
	uint64_t htimedelta;	   /* tv.htimedelta=0 */
	enum fault_test fault_test; /* tv.fault_test=on|htval0|htinst0|leaf (hyp-faulttest.bin) */
	enum guest_choice guest;   /* tv.guest=test|bench|hostile|validate|smp|sbi_conform */
	uint64_t guest_ram_base;   /* tv.guest_ram_base=ADDR; 0 = the default */
	bool guest_ram_base_set;
	uint64_t image;		   /* tv.image=ADDR,SIZE: host range of a guest image */
	uint64_t image_size;	   /* (0 with tv.kernel=ADDR: the Image header says) */
	uint64_t initrd_start;	   /* tv.initrd=ADDR,SIZE: host range of an initramfs */
	uint64_t initrd_end;	   /* (0 = the one /chosen names, if any) */
	unsigned vcpus;		   /* tv.vcpus=N: vCPUs of the guest, one per hart */
	uint64_t watchdog_ms;	   /* tv.watchdog=MS: hypervisor tick, 0 = off */
	uint64_t progress_ms;	   /* tv.progress=MS: "~TVP:<exits>" lines, 0 = off */
	uint64_t dump_every_ms;	   /* tv.dump_every=MS: periodic trace dump, 0 = off */
	uint64_t input_poll_ms;	   /* tv.input_poll=MS: console input poll while
				    * the guest idles waiting for it, 0 = off */
	bool dump_guest_dt;	   /* tv.dump_guest_dt=1: print the guest's FDT in hex */
	uint64_t suspend_alarm_ms; /* tv.suspend_alarm=MS: SBI SUSP wake-up alarm, 0 = none */
	struct vm_desc vm[MAX_VMS]; /* [0] unused: VM 0 is the options above */
	unsigned nvms;		   /* 1 + the highest N of a tv.vmN */
	int control_vm;		   /* tv.control_vm=N: its stop ends the run; -1 = none */
	uint64_t slice_ms;	   /* tv.slice=MS: time slice on a time-shared hart */
	bool vmids;		   /* tv.vmids=off: every VM uses VMID 0 (switches flush) */
	unsigned vmid_bits;	   /* tv.vmid_bits=N: at most N of hgatp's VMID bits used */
};

extern struct options opt;

/* Bootargs are words between blanks: spaces, tabs or newlines, as Linux
 * reads its command line (next_arg), where a double quote also starts a
 * stretch, up to the next one, whose blanks do not split the word
 * (`tv.vm1="guest:image,cmdline:console=ttyS0 quiet"`). The hypervisor's
 * tv.* words and the guest's are split the same way, by bootargs_word
 * (options_parse, guest_bootargs); a guest sees a word as written, its
 * quotes too, and a Linux guest reads them as the hypervisor did. */
#define BOOTARGS_BLANKS " \t\n"

/* The next word of bootargs at *p: its start in *word, its length returned
 * (0: no word left); *p moves past it. An unclosed quote runs to the end. */
static inline size_t bootargs_word(const char **p, const char **word)
{
	const char *s = *p + strspn(*p, BOOTARGS_BLANKS), *e = s;
	bool quoted = false;

	for (; *e && (quoted || !strchr(BOOTARGS_BLANKS, *e)); e++)
		quoted ^= *e == '"';
	*word = s;
	*p = e;
	return (size_t)(e - s);
}

/* Whether a word of the host's bootargs is the hypervisor's: tv.NAME=VALUE. */
static inline bool bootargs_word_is_option(const char *word, size_t n)
{
	return n >= 3 && !strncmp(word, "tv.", 3);
}

/* Parse bootargs; prints one line per word it cannot understand. */
void options_parse(const char *bootargs);

/* Describing VM n (1 <= n < MAX_VMS), from bootargs or the device tree.
 * Every function refuses bad input with hyp_panic, naming `origin` and
 * the key as its source spells it, before any guest runs.
 * vm_desc_begin: a VM number out of range, or a VM described twice (by
 * one source or by both), is refused; the defaults are set.
 * vm_desc_set: one field; `key` is guest, vcpus, mem, name or harts,
 * `spelled` how the source names it in messages ("vcpus:", "cpus="),
 * `val` its value as text ("2", "65536K", "hostile").
 * vm_desc_set_image, vm_desc_set_ramdisk: its own image, its own
 * initramfs, at host [addr, addr + size), named by node `from` (checked
 * against host RAM and the other boot images in vm_reserve_boot_images).
 * vm_desc_set_bootargs: its own command line, `args` as the guest will see
 * it (kept, not copied), named by `from`.
 * vm_desc_end: the description is whole. */
struct vm_desc *vm_desc_begin(unsigned n, const char *origin);
void vm_desc_set(struct vm_desc *d, const char *key, const char *spelled, const char *val);
void vm_desc_set_image(struct vm_desc *d, uint64_t addr, uint64_t size, const char *from);
void vm_desc_set_ramdisk(struct vm_desc *d, uint64_t addr, uint64_t size, const char *from);
void vm_desc_set_bootargs(struct vm_desc *d, const char *args, const char *from);
void vm_desc_end(const struct vm_desc *d);

/* After bootargs and the device tree: the VMs are numbered from 1 without
 * gaps, and a guest:image VM has VM 0's image to run. */
void vm_descs_check(void);

#endif
