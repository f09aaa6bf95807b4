/*
 * The host hart's ISA and the guest's.
 *
 * A guest must be told only about extensions that work under the
 * hypervisor (an extension it is told about but cannot use panics or hangs
 * it: Linux spins with WRS.NTO when Zawrs is listed, and uses cbo.zero
 * for every page when Zicboz is). So the guest's ISA is
 * the host's filtered through one table, `virt_exts`, that says for each
 * extension how the hypervisor makes it work:
 *   - PASS: unprivileged or VS-level behaviour the hardware virtualises by
 *     itself (Zba, Svnapot, ...);
 *   - an henvcfg bit that must be set and stick ("Hypervisor Environment
 *     Configuration Register": Zicbom's CBIE/CBCFE, Zicboz's CBZE,
 *     Svpbmt's PBMTE, Svadu's ADUE, Sstc's STCE; each is read-only zero
 *     when the extension is absent, so a bit that does not stick means the
 *     extension is not usable in VS-mode);
 *   - EMULATED: the hypervisor handles the exit it causes (none today:
 *     Zawrs could be, but is cheaper for the guest left out, see below).
 * Anything not in the table (Smaia/Ssaia, Sscofpmf, Zihpm, Smstateen, Zkr
 * and the Zk that includes it, the hypervisor's own H and Sh*,
 * machine-level Sm*, debug Sd*, vendor X*, ...) is left out and named once
 * on the console.
 */
#include "isa.h"

#include "fdt.h"
#include "mem.h"

/* henvcfg fields ("Hypervisor Environment Configuration Register"). */
#define HENVCFG_CBIE_FLUSH (1UL << 4)	/* CBIE = 0b01: cbo.inval flushes */
#define HENVCFG_CBCFE (1UL << 6)
#define HENVCFG_CBZE (1UL << 7)
#define HENVCFG_ADUE (1UL << 61)
#define HENVCFG_PBMTE (1UL << 62)

#define EMULATED (1UL << 0) /* not an henvcfg bit: FIOM, never set here */
#define PASS 0UL

static const struct virt_ext {
	const char *name;
	uint64_t how; /* PASS, EMULATED or the henvcfg bits it needs */
} virt_exts[] = {
	/* Unprivileged: VS-mode runs them as any mode does. */
	{ "zicsr", PASS }, { "zifencei", PASS }, { "zicntr", PASS },
	{ "zihintpause", PASS }, { "zihintntl", PASS }, { "zicond", PASS },
	{ "zimop", PASS }, { "zcmop", PASS }, { "zicbop", PASS }, { "zmmul", PASS },
	{ "zic64b", PASS }, { "ziccamoa", PASS }, { "ziccif", PASS },
	{ "zicclsm", PASS }, { "ziccrse", PASS }, { "za64rs", PASS },
	{ "za128rs", PASS }, { "zaamo", PASS }, { "zalrsc", PASS },
	{ "zacas", PASS }, { "zabha", PASS }, { "zama16b", PASS },
	{ "ztso", PASS }, { "zfa", PASS }, { "zfh", PASS }, { "zfhmin", PASS },
	{ "zfbfmin", PASS }, { "zca", PASS }, { "zcb", PASS }, { "zcd", PASS },
	{ "zcf", PASS }, { "zcmp", PASS }, { "zba", PASS }, { "zbb", PASS },
	{ "zbc", PASS }, { "zbs", PASS }, { "zbkb", PASS }, { "zbkc", PASS },
	{ "zbkx", PASS }, { "zkn", PASS }, { "zknd", PASS },
	{ "zkne", PASS }, { "zknh", PASS }, { "zks", PASS }, { "zksed", PASS },
	{ "zksh", PASS }, { "zkt", PASS },
	/* Not Zk: it is "shorthand for" Zkn, Zkr and Zkt (the ISA manual,
	 * "Zk Standard scalar cryptography extension"), and Zkr's seed CSR
	 * is never the guest's: "access to the seed CSR from an HS-qualified
	 * instruction leads to a virtual-instruction exception in VS and VU
	 * modes" (machine.adoc, mseccfg), which nothing here emulates, so a
	 * guest told of Zk that reads seed (Linux's random_init_early does)
	 * takes an illegal instruction. Zkn and Zkt are offered by their
	 * own names, as hosts list them (QEMU does). */
	/* Vector subsets: usable once V is (sstatus.VS, see vcpu.c). */
	{ "zve32x", PASS }, { "zve32f", PASS }, { "zve64x", PASS },
	{ "zve64f", PASS }, { "zve64d", PASS }, { "zvl32b", PASS },
	{ "zvl64b", PASS }, { "zvl128b", PASS }, { "zvl256b", PASS },
	{ "zvl512b", PASS }, { "zvl1024b", PASS }, { "zvfh", PASS },
	{ "zvfhmin", PASS }, { "zvfbfmin", PASS }, { "zvfbfwma", PASS },
	{ "zvbb", PASS }, { "zvbc", PASS }, { "zvkb", PASS }, { "zvkg", PASS },
	{ "zvkned", PASS }, { "zvknha", PASS }, { "zvknhb", PASS },
	{ "zvksed", PASS }, { "zvksh", PASS }, { "zvkt", PASS }, { "zvkn", PASS },
	{ "zvknc", PASS }, { "zvkng", PASS }, { "zvks", PASS }, { "zvksc", PASS },
	{ "zvksg", PASS },
	/* Supervisor-level, virtualised by the hardware in VS-mode. */
	{ "svinval", PASS }, { "svnapot", PASS }, { "svvptc", PASS },
	{ "sstvecd", PASS }, { "ssu64xl", PASS }, { "ssccptr", PASS },
	/* Needs an henvcfg bit. */
	{ "zicbom", HENVCFG_CBIE_FLUSH | HENVCFG_CBCFE },
	{ "zicboz", HENVCFG_CBZE },
	{ "svpbmt", HENVCFG_PBMTE },
	{ "svadu", HENVCFG_ADUE },
	/* Svade: VS-stage A/D updates raise page faults. That is what the
	 * guest gets while henvcfg.ADUE is 0, its reset value (SBI FWFT's
	 * PTE_AD_HW_UPDATING resets to 0, hyp/sbi/sbi_fwft.c): "when ADUE=0,
	 * the implementation behaves as though Svadu were not implemented for
	 * VS-stage address translation". So a guest told of Svadu is told of
	 * Svade too, host's or not (add_svade below): both listed mean Svade
	 * until the guest turns hardware updating on through FWFT. */
	{ "svade", PASS },
	{ "sstc", HENVCFG_STCE },
	/* Not offered: Zawrs. With hstatus.VTW=1 (which WFI needs) every
	 * WRS.NTO in VS-mode is a virtual-instruction exit, so a guest told
	 * about Zawrs turns each turn of a spin loop into an exit (Linux's
	 * smp_cond_load: 30k+ exits per vCPU while booting). exit.c still
	 * completes a WRS.NTO that a guest runs anyway, as the instruction
	 * may ("may complete for implementation-specific reasons"). */
};

/* Single-letter extensions VS-mode can use; 'h' is the hypervisor's. */
static const char guest_letters[] = "imafdqcbv";

#define MAX_EXTS 256

struct ext_name {
	const char *s; /* points into the device tree copy, not terminated */
	uint8_t len;
};

static struct {
	const char *string;		/* riscv,isa, whole */
	uint32_t letters;		/* bit (c - 'a') */
	struct ext_name ext[MAX_EXTS];	/* multi-letter, host order */
	int next;
	int dropped_names;		/* beyond MAX_EXTS (reported) */
} host = { .string = "" };

static struct {
	bool decided;
	uint64_t henvcfg;
	char *string;
	char *list;
	size_t list_len;
} guest;

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;
	for (i = 0; i < alen && b[i]; i++)
		if (lower(a[i]) != b[i])
			return false;
	return i == alen && b[i] == 0;
}

static bool same_name(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static void add_ext(const char *s, size_t len)
{
	if (len == 0)
		return;
	if (len == 1 && is_lower(lower(s[0]))) {
		host.letters |= 1U << (lower(s[0]) - 'a');
		return;
	}
	for (int i = 0; i < host.next; i++)
		if (host.ext[i].len == len && same_name(host.ext[i].s, s, len))
			return; /* named twice (riscv,isa and riscv,isa-extensions) */
	if (host.next < MAX_EXTS && len < 256)
		host.ext[host.next++] = (struct ext_name){ s, (uint8_t)len };
	else
		host.dropped_names++;
}

/*
 * riscv,isa: "rv" XLEN, then single letters (each optionally followed by
 * a version "2p1"), then multi-letter extensions, each starting with z, s
 * or x and separated by underscores (the ISA manual's "ISA Extension
 * Naming Conventions"; the Devicetree binding requires the underscores).
 */
static void parse_isa_string(const char *s, size_t n, bool imply)
{
	size_t i = 0;
	bool has_i = false;
	if (n >= 2 && lower(s[0]) == 'r' && lower(s[1]) == 'v')
		for (i = 2; i < n && is_digit(s[i]); i++)
			;
	/* single letters */
	while (i < n && s[i] != '_') {
		char c = lower(s[i]);
		if (c == 'z' || c == 's' || c == 'x')
			break; /* a multi-letter name with no underscore before it */
		if (is_lower(c) && !(c == 'p' && i > 0 && is_digit(s[i - 1]))) {
			add_ext(&s[i], 1);
			has_i |= c == 'i';
		}
		i++;
	}
	/* "riscv,isa was defined prior to the creation of the Zicntr, Zicsr,
	 * Zifencei and Zihpm extensions and thus "i" implies
	 * "zicntr_zicsr_zifencei_zihpm"" (the riscv,isa binding): named
	 * here, after the single letters, unless riscv,isa-extensions lists
	 * the extensions (a kernel takes that list as the whole: the guest's
	 * would leave out counters it can read). */
	if (imply && has_i) {
		static const char *const implied[] = { "zicntr", "zicsr", "zifencei", "zihpm" };
		for (unsigned k = 0; k < sizeof(implied) / sizeof(implied[0]); k++)
			add_ext(implied[k], strlen(implied[k]));
	}
	/* multi-letter names */
	while (i < n) {
		while (i < n && s[i] == '_')
			i++;
		size_t start = i;
		while (i < n && s[i] != '_' && s[i] != 0)
			i++;
		add_ext(&s[start], i - start);
		if (i < n && s[i] == 0)
			break;
	}
}

void isa_probe(const void *fdt, int cpu_node)
{
	int len, slen;
	/* riscv,isa-extensions: a string list, one extension per string. */
	const char *list = fdt_getprop(fdt, cpu_node, "riscv,isa-extensions", &len);
	const char *s = fdt_getprop(fdt, cpu_node, "riscv,isa", &slen);
	if (s && slen > 0 && memchr(s, 0, (size_t)slen)) {
		host.string = s;
		parse_isa_string(s, strlen(s), list == NULL);
	}
	for (int off = 0; list && off < len;) {
		const char *e = memchr(list + off, 0, (size_t)(len - off));
		size_t n = e ? (size_t)(e - (list + off)) : (size_t)(len - off);
		add_ext(list + off, n);
		off += (int)n + 1;
	}
	if (host.dropped_names)
		hyp_log("ISA: %d extension names beyond the first %d ignored\n",
			host.dropped_names, MAX_EXTS);
}

const char *isa_host_string(void)
{
	return host.string;
}

bool isa_host_has(const char *ext)
{
	size_t n = strlen(ext);
	if (n == 1)
		return is_lower(ext[0]) && (host.letters & (1U << (ext[0] - 'a')));
	for (int i = 0; i < host.next; i++)
		if (name_eq(host.ext[i].s, host.ext[i].len, ext))
			return true;
	return false;
}

bool isa_guest_has(const char *ext)
{
	for (size_t at = 0; guest.list && at < guest.list_len; at += strlen(guest.list + at) + 1)
		if (!strcmp(guest.list + at, ext))
			return true;
	return false;
}

static const struct virt_ext *virt_rule(const struct ext_name *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(virt_exts); i++)
		if (name_eq(e->s, e->len, virt_exts[i].name))
			return &virt_exts[i];
	return NULL;
}

/* Is the host's multi-letter extension `e` offered to the guest, given
 * the henvcfg bits that stuck? */
static bool offered(const struct ext_name *e, uint64_t stuck, bool sstc, bool has_v)
{
	const struct virt_ext *r = virt_rule(e);
	if (!r)
		return false;
	if (name_eq(e->s, e->len, "sstc") && !sstc)
		return false;
	if (lower(e->s[0]) == 'z' && lower(e->s[1]) == 'v' && !has_v)
		return false;
	uint64_t need = r->how & ~EMULATED;
	return (stuck & need) == need;
}

static void print_left_out(uint64_t stuck, bool sstc, bool has_v)
{
	char line[160];
	size_t n = 0;
	for (int i = 0; i < host.next; i++) {
		const struct ext_name *e = &host.ext[i];
		if (offered(e, stuck, sstc, has_v))
			continue;
		if (n + e->len + 3 >= sizeof(line)) {
			line[n] = 0;
			hyp_log("guest ISA leaves out (not virtualised):%s\n", line);
			n = 0;
		}
		line[n++] = ' ';
		memcpy(line + n, e->s, e->len);
		n += e->len;
	}
	if (n) {
		line[n] = 0;
		hyp_log("guest ISA leaves out (not virtualised):%s\n", line);
	}
}

/* Build the guest's strings once: "rv64" + letters + "_ext" per offered
 * extension, and the same names as a NUL-separated list. Their size is
 * bounded by the host's, so they are allocated to fit. */
static void build_guest_strings(uint64_t stuck, bool sstc)
{
	bool has_v = (host.letters & (1U << ('v' - 'a'))) != 0;
	size_t size = 8 + 2 * 26 + sizeof("_svade");
	for (int i = 0; i < host.next; i++)
		size += host.ext[i].len + 1;
	guest.string = mem_alloc_hyp(size, 8, "guest ISA string");
	guest.list = mem_alloc_hyp(size, 8, "guest ISA list");
	size_t n = 0, l = 0;
	n += (size_t)snprintf(guest.string, size, "rv64");
	for (const char *c = guest_letters; *c; c++) {
		if (!(host.letters & (1U << (*c - 'a'))))
			continue;
		guest.string[n++] = *c;
		guest.list[l++] = *c;
		guest.list[l++] = 0;
	}
	bool host_svade = false;
	for (int i = 0; i < host.next; i++)
		host_svade |= name_eq(host.ext[i].s, host.ext[i].len, "svade");
	for (int i = 0; i < host.next; i++) {
		const struct ext_name *e = &host.ext[i];
		if (!offered(e, stuck, sstc, has_v))
			continue;
		if (!host_svade && name_eq(e->s, e->len, "svadu")) {
			/* add_svade: just before Svadu, in alphabetical order */
			n += (size_t)snprintf(guest.string + n, size - n, "_svade");
			memcpy(guest.list + l, "svade", 6);
			l += 6;
		}
		guest.string[n++] = '_';
		for (size_t k = 0; k < e->len; k++) {
			guest.string[n++] = lower(e->s[k]);
			guest.list[l++] = lower(e->s[k]);
		}
		guest.list[l++] = 0;
	}
	guest.string[n] = 0;
	guest.list_len = l;
	print_left_out(stuck, sstc, has_v);
}

uint64_t isa_guest_setup(bool sstc)
{
	if (!guest.decided) {
		/* Ask for every bit an offered extension could need, keep what
		 * the hart accepts (WARL: an absent extension's bit reads 0). */
		uint64_t want = 0;
		for (int i = 0; i < host.next; i++) {
			const struct virt_ext *r = virt_rule(&host.ext[i]);
			if (r)
				want |= r->how & ~EMULATED;
		}
		if (!sstc)
			want &= ~HENVCFG_STCE;
		csr_write(CSR_HENVCFG, want);
		uint64_t stuck = csr_read(CSR_HENVCFG) & want;
		/* CBIE is a two-bit WARL field: only 0b01 is what we asked. */
		if ((csr_read(CSR_HENVCFG) & (3UL << 4)) != HENVCFG_CBIE_FLUSH)
			stuck &= ~HENVCFG_CBIE_FLUSH;
		build_guest_strings(stuck, sstc);
		/* ADUE is offered (Svadu) but starts 0: FWFT's reset value. */
		guest.henvcfg = stuck & ~HENVCFG_ADUE;
		guest.decided = true;
	}
	csr_write(CSR_HENVCFG, guest.henvcfg);
	return guest.henvcfg;
}

const char *isa_guest_string(void)
{
	return guest.string ? guest.string : "";
}

bool isa_guest_has_v(void)
{
	return guest.decided && (host.letters & (1U << ('v' - 'a')));
}

const char *isa_guest_extensions(size_t *len)
{
	*len = guest.list_len;
	return guest.list ? guest.list : "";
}
