/*
 * Unit tests for lib/fdt.c (reader) and lib/fdt_write.c (writer).
 *
 * The blobs under test are made at run time by dtc from the sources in
 * tests/unit/fdt/ (the group setup fails if dtc is missing). Reader tests
 * check values against those sources; robustness tests truncate, corrupt and
 * randomly mutate the blobs and demand clean errors (the test is built with
 * AddressSanitizer/UBSan, so any out-of-bounds access aborts it); writer
 * tests build trees, read them back, have dtc decompile them without a
 * single warning, and compare the result with dtc's own output.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fdt.h"

#define DTS_DIR "tests/unit/fdt"

/* A blob loaded into an exactly-sized heap buffer. */
struct blob {
	uint8_t *data;
	size_t len;
};

static char g_tmp[64];		/* per-run temporary directory */
static struct blob g_virt64;	/* virt64.dts, version 17 */
static struct blob g_virt32;	/* virt32.dts, version 17 */
static struct blob g_v16;	/* virt64.dts, version 16 */
static struct blob g_wref;	/* writer_ref.dts */

/* ------------------------------------------------------------- utilities */

/* Read a whole file into a malloc'd buffer of exactly its size. */
static int read_file(const char *path, struct blob *out)
{
	FILE *f = fopen(path, "rb");
	long n;

	out->data = NULL;
	out->len = 0;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	out->data = malloc(n ? (size_t)n : 1);
	if (!out->data || fread(out->data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	out->len = (size_t)n;
	fclose(f);
	return 0;
}

/* Write len bytes to path. */
static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Run a shell command with stderr captured; returns the exit status (-1 if
 * it did not exit normally) and the stderr text in *err (malloc'd). */
static int run_cmd(const char *cmd, struct blob *err)
{
	char full[1024], errpath[128];
	int st;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", g_tmp);
	snprintf(full, sizeof(full), "%s 2>%s", cmd, errpath);
	/* The shell is wanted here: it runs dtc with stderr redirected. */
	st = system(full); /* NOLINT(cert-env33-c) */
	if (read_file(errpath, err) != 0) {
		err->data = NULL;
		err->len = 0;
	}
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Compile tests/unit/fdt/NAME.dts into the temp dir with dtc (extra
 * options opts) and load it; dtc must succeed without any warning. */
static int compile_dts(const char *name, const char *opts, const char *out,
		       struct blob *b)
{
	char cmd[512], path[128];
	struct blob err;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.dtb", g_tmp, out);
	snprintf(cmd, sizeof(cmd), "dtc -I dts -O dtb %s -o %s %s/%s.dts",
		 opts, path, DTS_DIR, name);
	rc = run_cmd(cmd, &err);
	if (rc != 0 || err.len != 0) {
		fprintf(stderr, "dtc failed (%d) on %s.dts: %.*s\n", rc, name,
			(int)err.len, err.data ? (char *)err.data : "");
		free(err.data);
		return -1;
	}
	free(err.data);
	return read_file(path, b);
}

/* Decompile a blob with `dtc -I dtb -O dts`; returns dtc's exit status,
 * the dts text in *dts and stderr in *err. */
static int decompile(const void *blob, size_t len, const char *name,
		     struct blob *dts, struct blob *err)
{
	char in[128], out[128], cmd[512];
	int rc;

	/* Both outputs are defined on every return, the early one too. */
	memset(dts, 0, sizeof(*dts));
	memset(err, 0, sizeof(*err));
	snprintf(in, sizeof(in), "%s/%s.dtb", g_tmp, name);
	snprintf(out, sizeof(out), "%s/%s.out.dts", g_tmp, name);
	if (write_file(in, blob, len) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o %s %s", out, in);
	rc = run_cmd(cmd, err);
	if (read_file(out, dts) != 0) {
		dts->data = NULL;
		dts->len = 0;
	}
	return rc;
}

/* Copy of a blob in a fresh exactly-sized heap buffer. */
static uint8_t *dup_blob(const struct blob *b)
{
	uint8_t *p = malloc(b->len);

	assert_non_null(p);
	memcpy(p, b->data, b->len);
	return p;
}

/* Big-endian header/word accessors for patching blobs. */
static uint32_t get32(const uint8_t *b, size_t off)
{
	return fdt32_ld(b + off);
}

static void set32(uint8_t *b, size_t off, uint32_t v)
{
	fdt32_st(b + off, v);
}

/* Header field offsets (spec 5.2). */
enum {
	H_MAGIC = 0, H_TOTAL = 4, H_STRUCT = 8, H_STRINGS = 12, H_RSV = 16,
	H_VERSION = 20, H_LASTCOMP = 24, H_CPUID = 28, H_STRSIZE = 32,
	H_STSIZE = 36,
};

/* Deterministic PRNG (xorshift64*). */
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return (uint32_t)((g_rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* Offset of a path that must exist. */
static int must_path(const void *blob, const char *path)
{
	int off = fdt_path_offset(blob, path);

	if (off < 0)
		fprintf(stderr, "path %s: %s\n", path, fdt_strerror(off));
	assert_true(off >= 0);
	return off;
}

/* ------------------------------------------------------------ group setup */

/* Make the temp dir and compile every test source; fails without dtc. */
static int group_setup(void **state)
{
	struct blob err;

	(void)state;
	strcpy(g_tmp, "/tmp/test_fdt.XXXXXX");
	if (!mkdtemp(g_tmp)) {
		perror("mkdtemp");
		return -1;
	}
	if (run_cmd("dtc --version >/dev/null", &err) != 0) {
		fprintf(stderr, "dtc is required by this test but not usable\n");
		free(err.data);
		return -1;
	}
	free(err.data);
	if (compile_dts("virt64", "", "virt64", &g_virt64) ||
	    compile_dts("virt32", "", "virt32", &g_virt32) ||
	    compile_dts("virt64", "-V 16", "v16", &g_v16) ||
	    compile_dts("writer_ref", "", "writer_ref", &g_wref))
		return -1;
	return 0;
}

/* Remove the temp dir. */
static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(g_virt64.data);
	free(g_virt32.data);
	free(g_v16.data);
	free(g_wref.data);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
	return system(cmd) == 0 ? 0 : -1; /* NOLINT(cert-env33-c): rm -rf */
}

/* ------------------------------------------------------- helper functions */

/* fdt32_ld/fdt64_ld at unaligned addresses, fdt_read_cells for 0..3 cells. */
static void test_cell_helpers(void **state)
{
	const uint8_t raw[] = { 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
				0xde, 0xf0, 0x01, 0x02, 0x03, 0x04 };
	uint8_t st[9] = { 0 };

	(void)state;
	assert_int_equal(fdt32_ld(raw + 1), 0x12345678u);
	assert_true(fdt64_ld(raw + 1) == 0x123456789abcdef0ull);
	assert_true(fdt_read_cells(raw + 1, 0) == 0);
	assert_true(fdt_read_cells(raw + 1, 1) == 0x12345678ull);
	assert_true(fdt_read_cells(raw + 1, 2) == 0x123456789abcdef0ull);
	assert_true(fdt_read_cells(raw + 1, 3) == 0x9abcdef001020304ull);
	fdt32_st(st + 1, 0xdeadbeef);
	assert_int_equal(st[1], 0xde);
	assert_int_equal(st[4], 0xef);
	fdt64_st(st + 1, 0x0102030405060708ull);
	assert_int_equal(st[1], 1);
	assert_int_equal(st[8], 8);
	assert_int_equal(st[0], 0);
}

/* Stringlist membership: whole strings only, unterminated tail ignored. */
static void test_stringlist(void **state)
{
	const char list[] = "sifive,plic-1.0.0\0riscv,plic0\0";
	const char unterminated[] = { 'a', 0, 'b', 'c' };

	(void)state;
	assert_true(fdt_stringlist_contains(list, sizeof(list) - 1,
					    "sifive,plic-1.0.0"));
	assert_true(fdt_stringlist_contains(list, sizeof(list) - 1,
					    "riscv,plic0"));
	assert_false(fdt_stringlist_contains(list, sizeof(list) - 1, "riscv"));
	assert_false(fdt_stringlist_contains(list, sizeof(list) - 1, "plic0"));
	assert_false(fdt_stringlist_contains(list, sizeof(list) - 1,
					     "riscv,plic0x"));
	assert_false(fdt_stringlist_contains(list, sizeof(list) - 1, ""));
	/* Length cut inside the second string: it no longer counts. */
	assert_false(fdt_stringlist_contains(list, 25, "riscv,plic0"));
	assert_true(fdt_stringlist_contains(list, 18, "sifive,plic-1.0.0"));
	assert_true(fdt_stringlist_contains(unterminated, 4, "a"));
	assert_false(fdt_stringlist_contains(unterminated, 4, "bc"));
	assert_false(fdt_stringlist_contains(list, 0, "sifive,plic-1.0.0"));
	assert_false(fdt_stringlist_contains(list, -3, "sifive,plic-1.0.0"));
	assert_false(fdt_stringlist_contains(NULL, 5, "a"));
	/* An empty string is a member only if present as one. */
	assert_true(fdt_stringlist_contains("a\0\0b", 5, ""));
}

/* Every error code has its own message. */
static void test_strerror(void **state)
{
	const char *seen[32];
	int e, i;

	(void)state;
	for (e = FDT_ERR_NOTFOUND; e >= FDT_ERR_EXISTS; e--) {
		const char *s = fdt_strerror(e);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
		for (i = 0; i < -e - 1; i++)
			assert_string_not_equal(s, seen[i]);
		seen[-e - 1] = s;
	}
	assert_string_equal(fdt_strerror(-1000), "unknown error");
	assert_string_equal(fdt_strerror(0), "no error");
}

/* ------------------------------------------------------ reader: valid trees */

/* dtc's output passes fdt_check; header fields are as expected. */
static void test_check_valid(void **state)
{
	(void)state;
	assert_int_equal(fdt_check(g_virt64.data, g_virt64.len), 0);
	assert_int_equal(fdt_check(g_virt32.data, g_virt32.len), 0);
	assert_int_equal(fdt_check(g_v16.data, g_v16.len), 0);
	assert_int_equal(fdt_totalsize(g_virt64.data), g_virt64.len);
	assert_int_equal(fdt_version(g_virt64.data), 17);
	assert_int_equal(fdt_version(g_v16.data), 16);
	assert_int_equal(fdt_boot_cpuid_phys(g_virt64.data), 0);
	/* A larger buffer than totalsize is fine. */
	{
		uint8_t *big = calloc(1, g_virt64.len + 100);

		assert_non_null(big);
		memcpy(big, g_virt64.data, g_virt64.len);
		assert_int_equal(fdt_check(big, g_virt64.len + 100), 0);
		free(big);
	}
}

/* /memreserve/ entries. */
static void test_mem_rsv(void **state)
{
	uint64_t a = 1, s = 1;

	(void)state;
	assert_int_equal(fdt_num_mem_rsv(g_virt64.data), 1);
	assert_int_equal(fdt_get_mem_rsv(g_virt64.data, 0, &a, &s), 0);
	assert_true(a == 0x87e00000ull);
	assert_true(s == 0x200000ull);
	assert_int_equal(fdt_get_mem_rsv(g_virt64.data, 1, &a, &s),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_get_mem_rsv(g_virt64.data, -1, &a, &s),
			 FDT_ERR_NOTFOUND);

	assert_int_equal(fdt_num_mem_rsv(g_virt32.data), 2);
	assert_int_equal(fdt_get_mem_rsv(g_virt32.data, 1, &a, &s), 0);
	assert_true(a == 0x80400000ull);
	assert_true(s == 0x10000ull);
	assert_int_equal(fdt_num_mem_rsv(g_v16.data), 1);
}

/* Path lookup: exact names, unit-less names, aliases, malformed paths. */
static void test_path_offset(void **state)
{
	const void *b = g_virt64.data;
	int root, cpus, serial, cpu1, off;
	const char *sp;
	int splen;

	(void)state;
	root = must_path(b, "/");
	assert_string_equal(fdt_node_name(b, root), "");
	cpus = must_path(b, "/cpus");
	assert_string_equal(fdt_node_name(b, cpus), "cpus");
	assert_string_equal(fdt_node_name(b, must_path(b, "/cpus/cpu@0")),
			    "cpu@0");
	assert_string_equal(fdt_node_name(b, must_path(b, "/cpus/cpu@3")),
			    "cpu@3");
	assert_string_equal(fdt_node_name(b, must_path(b, "/chosen")),
			    "chosen");
	serial = must_path(b, "/soc/serial@10000000");
	assert_string_equal(fdt_node_name(b, serial), "serial@10000000");
	assert_string_equal(
		fdt_node_name(b, must_path(b, "/reserved-memory/mmode_resv0")),
		"mmode_resv0@80000000");
	/* Unit address omitted: allowed when unambiguous (spec 2.2.3). */
	assert_int_equal(fdt_path_offset(b, "/soc/serial"), serial);
	assert_string_equal(fdt_node_name(b, must_path(b, "/memory")),
			    "memory@80000000");
	assert_int_equal(fdt_path_offset(b, "/cpus/cpu"), FDT_ERR_AMBIGUOUS);
	/* Extra slashes are ignored. */
	cpu1 = must_path(b, "/cpus/cpu@1");
	assert_int_equal(fdt_path_offset(b, "//cpus//cpu@1/"), cpu1);
	assert_string_equal(
		fdt_node_name(b, must_path(b,
				"/cpus/cpu@1/interrupt-controller")),
		"interrupt-controller");
	/* Misses. */
	assert_int_equal(fdt_path_offset(b, "/cpus/cpu@4"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "/cpu"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "/cpus/cpu@"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "/soc/serial@1000000"),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "/nonexistent"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "/soc/serial@10000000/x"),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, ""), FDT_ERR_BADPATH);
	assert_int_equal(fdt_path_offset(b, NULL), FDT_ERR_BADPATH);
	/* Aliases (spec 3.3). */
	assert_int_equal(fdt_path_offset(b, "serial0"), serial);
	assert_int_equal(fdt_path_offset(b, "serial0/"), serial);
	assert_int_equal(fdt_path_offset(b, "serial0/x"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path_offset(b, "serial1"), FDT_ERR_BADPATH);
	assert_int_equal(fdt_path_offset(g_virt32.data, "serial0"),
			 FDT_ERR_BADPATH); /* no /aliases at all */
	/* stdout-path with options: resolve only up to the ':'. */
	assert_int_equal(fdt_path_offset_namelen(b, "serial0:115200n8", 7),
			 serial);
	assert_int_equal(fdt_path_offset_namelen(b, "/cpus/cpu@1:xyz", 11),
			 cpu1);
	assert_int_equal(fdt_path_offset_namelen(b, "/cpus", -1),
			 FDT_ERR_BADPATH);
	sp = fdt_getprop(b, must_path(b, "/chosen"), "stdout-path", &splen);
	assert_non_null(sp);
	assert_int_equal(fdt_path_offset_namelen(b, sp, splen), serial);
	/* Subnode lookup. */
	off = fdt_subnode_offset(b, cpus, "cpu@2");
	assert_string_equal(fdt_node_name(b, off), "cpu@2");
	assert_int_equal(fdt_subnode_offset(b, cpus, "cpu"),
			 FDT_ERR_AMBIGUOUS);
	assert_int_equal(fdt_subnode_offset(b, root, "cpus"), cpus);
	assert_int_equal(fdt_subnode_offset(b, 3, "cpus"), FDT_ERR_BADOFFSET);
}

/* Child/sibling iteration returns the children in order. */
static void test_children(void **state)
{
	static const char *const top[] = { "aliases", "chosen",
		"reserved-memory", "memory@80000000", "cpus", "soc" };
	const void *b = g_virt64.data;
	int root, n, i;

	(void)state;
	root = must_path(b, "/");
	for (i = 0, n = fdt_first_child(b, root); n >= 0;
	     n = fdt_next_sibling(b, n), i++) {
		assert_true(i < 6);
		assert_string_equal(fdt_node_name(b, n), top[i]);
	}
	assert_int_equal(n, FDT_ERR_NOTFOUND);
	assert_int_equal(i, 6);

	for (i = 0, n = fdt_first_child(b, must_path(b, "/cpus")); n >= 0;
	     n = fdt_next_sibling(b, n), i++) {
		char want[16];

		snprintf(want, sizeof(want), "cpu@%d", i);
		assert_string_equal(fdt_node_name(b, n), want);
	}
	assert_int_equal(i, 4);

	assert_int_equal(fdt_first_child(b, must_path(b, "/soc/serial")),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_next_sibling(b, must_path(b, "/soc")),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_next_sibling(b, root), FDT_ERR_NOTFOUND);
	/* Offsets that are not BEGIN_NODE tokens. */
	assert_int_equal(fdt_first_child(b, 1), FDT_ERR_BADOFFSET);
	assert_int_equal(fdt_first_child(b, -4), FDT_ERR_BADOFFSET);
	assert_int_equal(fdt_first_child(b, 1 << 30), FDT_ERR_BADOFFSET);
	assert_int_equal(fdt_next_sibling(b, fdt_first_prop(b, root)),
			 FDT_ERR_BADOFFSET);
	assert_null(fdt_node_name(b, 2));
}

/* Depth-first order and depths from fdt_next_node. */
static void test_next_node(void **state)
{
	static const struct { const char *name; int depth; } want[] = {
		{ "", 0 }, { "aliases", 1 }, { "chosen", 1 },
		{ "reserved-memory", 1 }, { "mmode_resv0@80000000", 2 },
		{ "memory@80000000", 1 }, { "cpus", 1 },
		{ "cpu@0", 2 }, { "interrupt-controller", 3 },
		{ "cpu@1", 2 }, { "interrupt-controller", 3 },
		{ "cpu@2", 2 }, { "interrupt-controller", 3 },
		{ "cpu@3", 2 }, { "interrupt-controller", 3 },
		{ "soc", 1 }, { "serial@10000000", 2 }, { "plic@c000000", 2 },
	};
	const void *b = g_virt64.data;
	int node, depth = 99, i = 0;

	(void)state;
	for (node = fdt_next_node(b, -1, &depth); node >= 0;
	     node = fdt_next_node(b, node, &depth), i++) {
		assert_true(i < (int)(sizeof(want) / sizeof(want[0])));
		assert_string_equal(fdt_node_name(b, node), want[i].name);
		assert_int_equal(depth, want[i].depth);
	}
	assert_int_equal(node, FDT_ERR_NOTFOUND);
	assert_int_equal(i, (int)(sizeof(want) / sizeof(want[0])));
	assert_int_equal(fdt_next_node(b, 5, NULL), FDT_ERR_BADOFFSET);
}

/* Property values, lengths, missing and empty properties. */
static void test_getprop(void **state)
{
	const char *isa =
		"rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
	const void *b = g_virt64.data;
	const char *s;
	const uint8_t *p;
	uint32_t v = 0;
	int len, cpu2, intc;

	(void)state;
	cpu2 = must_path(b, "/cpus/cpu@2");
	s = fdt_getprop(b, cpu2, "riscv,isa", &len);
	assert_non_null(s);
	assert_int_equal(len, (int)strlen(isa) + 1);
	assert_string_equal(s, isa);
	assert_string_equal(fdt_getprop(b, cpu2, "mmu-type", NULL),
			    "riscv,sv57");
	assert_string_equal(fdt_getprop(b, cpu2, "device_type", NULL), "cpu");
	assert_int_equal(fdt_getprop_u32(b, must_path(b, "/cpus"),
					 "timebase-frequency", &v), 0);
	assert_int_equal(v, 10000000);
	assert_string_equal(fdt_getprop(b, must_path(b, "/chosen"),
					"bootargs", NULL),
			    "console=ttyS0 earlycon");
	assert_string_equal(fdt_getprop(b, must_path(b, "/chosen"),
					"stdout-path", NULL),
			    "/soc/serial@10000000");
	p = fdt_getprop(b, must_path(b, "/soc/serial"), "interrupts", &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_int_equal(fdt32_ld(p), 10);
	/* Missing: NULL, len = NOTFOUND; a name prefix is not a match. */
	len = 0;
	assert_null(fdt_getprop(b, cpu2, "riscv", &len));
	assert_int_equal(len, FDT_ERR_NOTFOUND);
	assert_null(fdt_getprop(b, cpu2, "riscv,isa2", &len));
	assert_null(fdt_getprop(b, cpu2, NULL, &len));
	/* Empty properties are present with length 0. */
	intc = must_path(b, "/cpus/cpu@2/interrupt-controller");
	len = -1;
	assert_non_null(fdt_getprop(b, intc, "interrupt-controller", &len));
	assert_int_equal(len, 0);
	assert_non_null(fdt_getprop(b, must_path(b, "/soc"), "ranges", &len));
	assert_int_equal(len, 0);
	/* Wrong shape for a u32. */
	assert_int_equal(fdt_getprop_u32(b, cpu2, "mmu-type", &v),
			 FDT_ERR_BADVALUE);
	assert_int_equal(fdt_getprop_u32(b, cpu2, "nope", &v),
			 FDT_ERR_NOTFOUND);
	/* Bad node offset. */
	assert_null(fdt_getprop(b, cpu2 + 4, "reg", &len));
	assert_int_equal(len, FDT_ERR_BADOFFSET);
}

/* Property iteration by offset. */
static void test_prop_iteration(void **state)
{
	static const char *const names[] = { "device_type", "reg", "status",
		"compatible", "riscv,isa", "mmu-type" };
	const void *b = g_virt64.data;
	const char *name;
	int prop, len, i = 0, node;

	(void)state;
	node = must_path(b, "/cpus/cpu@1");
	for (prop = fdt_first_prop(b, node); prop >= 0;
	     prop = fdt_next_prop(b, prop), i++) {
		const void *val = fdt_prop_by_offset(b, prop, &name, &len);

		assert_true(i < 6);
		assert_non_null(val);
		assert_string_equal(name, names[i]);
		assert_ptr_equal(val, fdt_getprop(b, node, name, NULL));
	}
	assert_int_equal(prop, FDT_ERR_NOTFOUND);
	assert_int_equal(i, 6);
	assert_int_equal(fdt_next_prop(b, node), FDT_ERR_BADOFFSET);
	assert_null(fdt_prop_by_offset(b, node, &name, &len));
	assert_int_equal(len, FDT_ERR_BADOFFSET);
}

/* #address-cells / #size-cells and their defaults (spec 2.3.5). */
static void test_cells(void **state)
{
	const void *b = g_virt64.data;
	const void *b32 = g_virt32.data;

	(void)state;
	assert_int_equal(fdt_address_cells(b, must_path(b, "/")), 2);
	assert_int_equal(fdt_size_cells(b, must_path(b, "/")), 2);
	assert_int_equal(fdt_address_cells(b, must_path(b, "/cpus")), 1);
	assert_int_equal(fdt_size_cells(b, must_path(b, "/cpus")), 0);
	assert_int_equal(fdt_address_cells(b, must_path(b, "/chosen")), 2);
	assert_int_equal(fdt_size_cells(b, must_path(b, "/chosen")), 1);
	assert_int_equal(fdt_address_cells(b, must_path(b, "/soc/plic")), 0);
	assert_int_equal(fdt_address_cells(b32, must_path(b32, "/")), 1);
	assert_int_equal(fdt_size_cells(b32, must_path(b32, "/")), 1);
	assert_int_equal(fdt_address_cells(b, 1), FDT_ERR_BADOFFSET);
}

/* reg decoding with the parent's cell counts, 2-cell variant. */
static void test_read_reg64(void **state)
{
	const void *b = g_virt64.data;
	uint64_t a = 0, s = 0;
	char path[32];
	int i;

	(void)state;
	assert_int_equal(fdt_read_reg(b, must_path(b, "/memory"), 0, &a, &s),
			 0);
	assert_true(a == 0x80000000ull && s == 0x8000000ull);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/memory"), 1, &a, &s),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/memory"), -1, &a, &s),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_reg_count(b, must_path(b, "/memory")), 1);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		s = 99;
		assert_int_equal(fdt_read_reg(b, must_path(b, path), 0, &a, &s),
				 0);
		assert_true(a == (uint64_t)i && s == 0);
	}
	assert_int_equal(fdt_read_reg(b, must_path(b, "/soc/serial"), 0, &a,
				      &s), 0);
	assert_true(a == 0x10000000ull && s == 0x100ull);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/soc/plic"), 0, &a,
				      &s), 0);
	assert_true(a == 0xc000000ull && s == 0x600000ull);
	assert_int_equal(fdt_read_reg(b,
			must_path(b, "/reserved-memory/mmode_resv0@80000000"),
			0, &a, &s), 0);
	assert_true(a == 0x80000000ull && s == 0x80000ull);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/chosen"), 0, &a, &s),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_reg_count(b, must_path(b, "/chosen")), 0);
	/* The root has no parent whose cells would apply. */
	assert_int_equal(fdt_read_reg(b, must_path(b, "/"), 0, &a, &s),
			 FDT_ERR_NOTFOUND);
	/* NULL outputs are allowed. */
	assert_int_equal(fdt_read_reg(b, must_path(b, "/memory"), 0, NULL,
				      NULL), 0);
}

/* reg decoding with 1-cell addresses and sizes, two entries. */
static void test_read_reg32(void **state)
{
	const void *b = g_virt32.data;
	uint64_t a = 0, s = 0;
	int mem;

	(void)state;
	assert_int_equal(fdt_check(b, g_virt32.len), 0);
	mem = must_path(b, "/memory@80000000");
	assert_int_equal(fdt_reg_count(b, mem), 2);
	assert_int_equal(fdt_read_reg(b, mem, 0, &a, &s), 0);
	assert_true(a == 0x80000000ull && s == 0x4000000ull);
	assert_int_equal(fdt_read_reg(b, mem, 1, &a, &s), 0);
	assert_true(a == 0x88000000ull && s == 0x1000000ull);
	assert_int_equal(fdt_read_reg(b, mem, 2, &a, &s), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/soc/serial@10000000"),
				      0, &a, &s), 0);
	assert_true(a == 0x10000000ull && s == 0x100ull);
	assert_string_equal(fdt_getprop(b, must_path(b, "/cpus/cpu@0"),
					"riscv,isa", NULL),
			    "rv32imac_zicsr_zifencei");
	assert_int_equal(fdt_node_check_compatible(b,
				must_path(b, "/soc/serial"), "ns16550a"), 1);
}

/* The version 16 blob (no size_dt_struct) reads the same. */
static void test_v16(void **state)
{
	const void *b = g_v16.data;
	uint64_t a = 0, s = 0;
	int node, n = 0;

	(void)state;
	assert_int_equal(get32(g_v16.data, H_VERSION), 16);
	assert_int_equal(fdt_check(b, g_v16.len), 0);
	assert_int_equal(fdt_read_reg(b, must_path(b, "/soc/serial"), 0, &a,
				      &s), 0);
	assert_true(a == 0x10000000ull && s == 0x100ull);
	for (node = fdt_find_compatible(b, -1, "riscv"); node >= 0;
	     node = fdt_find_compatible(b, node, "riscv"))
		n++;
	assert_int_equal(n, 4);
	assert_int_equal(fdt_path_offset(b, "serial0"),
			 must_path(b, "/soc/serial@10000000"));
}

/* Parent lookup. */
static void test_parent(void **state)
{
	const void *b = g_virt64.data;

	(void)state;
	assert_int_equal(fdt_parent_offset(b, must_path(b, "/cpus/cpu@0")),
			 must_path(b, "/cpus"));
	assert_int_equal(fdt_parent_offset(b, must_path(b,
				"/cpus/cpu@1/interrupt-controller")),
			 must_path(b, "/cpus/cpu@1"));
	assert_int_equal(fdt_parent_offset(b, must_path(b, "/soc/serial")),
			 must_path(b, "/soc"));
	assert_int_equal(fdt_parent_offset(b, must_path(b, "/soc")),
			 must_path(b, "/"));
	assert_int_equal(fdt_parent_offset(b, must_path(b, "/")),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_parent_offset(b, 6), FDT_ERR_BADOFFSET);
}

/* compatible matching and the depth-first compatible search. */
static void test_compatible(void **state)
{
	const void *b = g_virt64.data;
	int serial, plic, node, n;

	(void)state;
	serial = must_path(b, "/soc/serial@10000000");
	plic = must_path(b, "/soc/plic@c000000");
	assert_int_equal(fdt_node_check_compatible(b, serial, "ns16550a"), 1);
	assert_int_equal(fdt_node_check_compatible(b, serial, "ns16550"), 0);
	assert_int_equal(fdt_node_check_compatible(b, serial, "ns16550ab"), 0);
	assert_int_equal(fdt_node_check_compatible(b, plic, "riscv,plic0"), 1);
	assert_int_equal(fdt_node_check_compatible(b, plic,
						   "sifive,plic-1.0.0"), 1);
	assert_int_equal(fdt_node_check_compatible(b, must_path(b, "/chosen"),
						   "ns16550a"), 0);
	assert_true(fdt_node_check_compatible(b, 1, "ns16550a") < 0);

	assert_int_equal(fdt_find_compatible(b, -1, "ns16550a"), serial);
	assert_int_equal(fdt_find_compatible(b, serial, "ns16550a"),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_compatible(b, -1, "riscv-virtio"),
			 must_path(b, "/"));
	assert_int_equal(fdt_find_compatible(b, -1, "no-such-device"),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_compatible(b, 1, "riscv"),
			 FDT_ERR_BADOFFSET);
	/* Four cpus, in order; "riscv" must not match "riscv-virtio". */
	for (n = 0, node = fdt_find_compatible(b, -1, "riscv"); node >= 0;
	     node = fdt_find_compatible(b, node, "riscv"), n++) {
		char want[16];

		snprintf(want, sizeof(want), "cpu@%d", n);
		assert_string_equal(fdt_node_name(b, node), want);
	}
	assert_int_equal(n, 4);
	for (n = 0, node = fdt_find_compatible(b, -1, "riscv,cpu-intc");
	     node >= 0; node = fdt_find_compatible(b, node, "riscv,cpu-intc"))
		n++;
	assert_int_equal(n, 4);
}

/* The device_type search: RAM found whatever its unit address. */
static void test_device_type(void **state)
{
	const void *b = g_virt64.data;
	int node, n;

	(void)state;
	assert_int_equal(fdt_find_device_type(b, -1, "memory"),
			 must_path(b, "/memory@80000000"));
	assert_int_equal(fdt_find_device_type(b, must_path(b, "/memory@80000000"),
					      "memory"), FDT_ERR_NOTFOUND);
	/* "cpu" must match exactly: not "cpus", not a prefix. */
	for (n = 0, node = fdt_find_device_type(b, -1, "cpu"); node >= 0;
	     node = fdt_find_device_type(b, node, "cpu"))
		n++;
	assert_int_equal(n, 4);
	assert_int_equal(fdt_find_device_type(b, -1, "cp"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_device_type(b, -1, "memoryx"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_find_device_type(b, 1, "memory"), FDT_ERR_BADOFFSET);
}

/* ---------------------------------------------------- robustness harness */

/* Touch every byte of [p, p+len) so AddressSanitizer sees any overrun. */
static unsigned touch(const void *p, int len)
{
	const volatile uint8_t *b = p;
	unsigned sum = 0;
	int i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* Call every reader function on a node; results must be self-consistent
 * where they succeed. */
static void exercise_node(const void *b, int node)
{
	static const char *const props[] = { "compatible", "reg", "#address-cells",
		"#size-cells", "riscv,isa", "ranges", "status", "" };
	const char *name, *pname;
	const void *val;
	uint64_t a, s;
	uint32_t u;
	int prop, len, i, child, n;

	name = fdt_node_name(b, node);
	assert_non_null(name);
	(void)strlen(name);
	for (n = 0, prop = fdt_first_prop(b, node); prop >= 0 && n < 100000;
	     prop = fdt_next_prop(b, prop), n++) {
		val = fdt_prop_by_offset(b, prop, &pname, &len);
		if (val) {
			assert_true(len >= 0);
			touch(val, len);
			(void)strlen(pname);
		}
	}
	assert_true(n < 100000);
	for (i = 0; i < (int)(sizeof(props) / sizeof(props[0])); i++) {
		val = fdt_getprop(b, node, props[i], &len);
		if (val) {
			assert_true(len >= 0);
			touch(val, len);
		}
		(void)fdt_getprop_u32(b, node, props[i], &u);
	}
	(void)fdt_address_cells(b, node);
	(void)fdt_size_cells(b, node);
	for (i = -1; i < 3; i++)
		(void)fdt_read_reg(b, node, i, &a, &s);
	(void)fdt_reg_count(b, node);
	(void)fdt_node_check_compatible(b, node, "ns16550a");
	(void)fdt_subnode_offset(b, node, "cpu");
	child = fdt_first_child(b, node);
	if (child >= 0) {
		assert_non_null(fdt_node_name(b, child));
		(void)fdt_next_sibling(b, child);
	}
	n = fdt_parent_offset(b, node);
	if (n >= 0)
		assert_non_null(fdt_node_name(b, n));
}

/* Call every reader function across the whole tree. The blob's buffer must
 * hold totalsize bytes (the reader's contract); nothing else is assumed. */
static void exercise(const void *b)
{
	static const char *const paths[] = { "/", "/cpus/cpu@0", "/cpus/cpu",
		"/soc/serial", "/chosen", "serial0", "serial0:x", "/a/b/c",
		"/reserved-memory/mmode_resv0", "//", "x" };
	uint64_t a, s;
	int node, depth = 0, n, i;

	n = fdt_num_mem_rsv(b);
	for (i = 0; i < n && i < 64; i++)
		(void)fdt_get_mem_rsv(b, i, &a, &s);
	for (i = 0; i < (int)(sizeof(paths) / sizeof(paths[0])); i++) {
		node = fdt_path_offset(b, paths[i]);
		if (node >= 0)
			assert_non_null(fdt_node_name(b, node));
	}
	for (n = 0, node = fdt_next_node(b, -1, &depth);
	     node >= 0 && n < 100000; node = fdt_next_node(b, node, &depth),
	     n++)
		exercise_node(b, node);
	assert_true(n < 100000);
	for (n = 0, node = fdt_find_compatible(b, -1, "riscv");
	     node >= 0 && n < 100000;
	     node = fdt_find_compatible(b, node, "riscv"), n++)
		;
	assert_true(n < 100000);
}

/* Count nodes by recursive child/sibling walk (for a checked blob). */
static int count_nodes(const void *b, int node, int depth)
{
	int n = 1, child;

	assert_true(depth <= FDT_MAX_DEPTH);
	for (child = fdt_first_child(b, node); child >= 0;
	     child = fdt_next_sibling(b, child)) {
		assert_int_equal(fdt_parent_offset(b, child), node);
		n += count_nodes(b, child, depth + 1);
	}
	assert_int_equal(child, FDT_ERR_NOTFOUND);
	return n;
}

/* A blob that passed fdt_check must be fully consistent: DFS and
 * recursive walks agree and every iteration ends with NOTFOUND. */
static void assert_consistent(const void *b)
{
	int node, n = 0, root;

	root = fdt_path_offset(b, "/");
	assert_true(root >= 0);
	for (node = fdt_next_node(b, -1, NULL); node >= 0;
	     node = fdt_next_node(b, node, NULL))
		n++;
	assert_int_equal(node, FDT_ERR_NOTFOUND);
	assert_int_equal(count_nodes(b, root, 1), n);
	assert_true(fdt_num_mem_rsv(b) >= 0);
}

/* Every truncation of a blob fails cleanly, with totalsize patched to the
 * truncated length and without; with it patched the accessors are run too
 * (the buffer then holds totalsize bytes, so they must stay inside it). */
static void truncations(const struct blob *src)
{
	size_t len;
	uint8_t *buf;
	int r;

	for (len = 0; len < src->len; len++) {
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		memcpy(buf, src->data, len);
		r = fdt_check(buf, len);
		assert_int_equal(r, FDT_ERR_TRUNCATED);
		if (len >= 8) {
			set32(buf, H_TOTAL, (uint32_t)len);
			r = fdt_check(buf, len);
			assert_true(r < 0);
			exercise(buf);
		}
		free(buf);
	}
}

static void test_truncation_virt64(void **state)
{
	(void)state;
	truncations(&g_virt64);
}

static void test_truncation_virt32(void **state)
{
	(void)state;
	truncations(&g_virt32);
}

static void test_truncation_v16(void **state)
{
	(void)state;
	truncations(&g_v16);
}

/* Random mutations: byte flips anywhere, and whole 32-bit words replaced
 * by values likely to confuse a parser (tokens, sizes, offsets). Whatever
 * fdt_check says, the accessors run whenever totalsize fits the buffer;
 * blobs that pass fdt_check must also be consistent. */
static void mutations(const struct blob *src, int rounds)
{
	uint8_t *buf;
	int i, k, nflip, passed = 0;

	buf = malloc(src->len);
	assert_non_null(buf);
	for (i = 0; i < rounds; i++) {
		memcpy(buf, src->data, src->len);
		if (i & 1) {
			nflip = 1 + (int)(rnd() % 4);
			for (k = 0; k < nflip; k++)
				buf[rnd() % src->len] ^= (uint8_t)(1u + rnd() % 255u);
		} else {
			static const uint32_t vals[] = { 0, 1, 2, 3, 4, 9, 5,
				0xffffffffu, 0x7fffffffu, 0x80000000u, 0xfffffffcu,
				16, 17, 40, 0xd00dfeedu };
			size_t w = (rnd() % (src->len / 4)) * 4;
			uint32_t v = (rnd() & 1) ?
				vals[rnd() % (sizeof(vals) / sizeof(vals[0]))] :
				(uint32_t)(rnd() % (src->len + 16));

			set32(buf, w, v);
		}
		if (fdt_check(buf, src->len) == 0) {
			passed++;
			assert_consistent(buf);
			exercise(buf);
		} else if (fdt_totalsize(buf) <= src->len) {
			exercise(buf);
		}
	}
	/* Some mutations (inside values or names) leave the blob valid. */
	assert_true(passed > 0);
	free(buf);
}

static void test_mutations_virt64(void **state)
{
	(void)state;
	mutations(&g_virt64, 3000);
}

static void test_mutations_virt32(void **state)
{
	(void)state;
	mutations(&g_virt32, 2000);
}

static void test_mutations_v16(void **state)
{
	(void)state;
	mutations(&g_v16, 1000);
}

/* ------------------------------------------------ reader: corrupted blobs */

/* Header corruption of a real blob: each case gets the specific error. */
static void test_bad_header(void **state)
{
	const struct blob *src = &g_virt64;
	uint8_t *b = dup_blob(src);
	uint32_t st = get32(src->data, H_STRUCT);
	uint32_t stsize = get32(src->data, H_STSIZE);
	uint32_t total = (uint32_t)src->len;
	int r;

	(void)state;
#define RESET() memcpy(b, src->data, src->len)
#define EXPECT(err) assert_int_equal(fdt_check(b, src->len), (err))
	RESET();
	EXPECT(0);
	b[0] ^= 1;
	EXPECT(FDT_ERR_BADMAGIC);
	assert_int_equal(fdt_path_offset(b, "/"), FDT_ERR_BADMAGIC);
	assert_int_equal(fdt_totalsize(b), 0);
	RESET();
	assert_int_equal(fdt_check(b, 0), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_check(b, 3), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_check(b, 39), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_check(NULL, 100), FDT_ERR_TRUNCATED);
	set32(b, H_VERSION, 15);
	EXPECT(FDT_ERR_BADVERSION);
	RESET();
	set32(b, H_LASTCOMP, 18);
	EXPECT(FDT_ERR_BADVERSION);
	RESET();
	set32(b, H_VERSION, 16);
	set32(b, H_LASTCOMP, 17);
	EXPECT(FDT_ERR_BADVERSION);
	/* A newer version that is still compatible with 16 is accepted. */
	RESET();
	set32(b, H_VERSION, 18);
	EXPECT(0);
	RESET();
	set32(b, H_TOTAL, total + 1);
	EXPECT(FDT_ERR_TRUNCATED);
	RESET();
	set32(b, H_TOTAL, 0xffffffffu);
	EXPECT(FDT_ERR_TRUNCATED);
	RESET();
	set32(b, H_TOTAL, 39);
	EXPECT(FDT_ERR_BADLAYOUT);
	/* Structure block: misaligned, beyond totalsize, too long. */
	RESET();
	set32(b, H_STRUCT, st + 2);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STRUCT, total + 4);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STSIZE, total);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STSIZE, stsize - 2);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STRUCT, 0);
	EXPECT(FDT_ERR_BADLAYOUT);
	/* Structure block too short: FDT_END falls outside it. */
	RESET();
	set32(b, H_STSIZE, stsize - 4);
	EXPECT(FDT_ERR_BADSTRUCTURE);
	/* Structure block overlapping the strings block. */
	RESET();
	set32(b, H_STSIZE, stsize + 4);
	EXPECT(FDT_ERR_BADLAYOUT);
	/* Strings block out of range or overlapping. */
	RESET();
	set32(b, H_STRINGS, total + 1);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STRSIZE, get32(src->data, H_STRSIZE) + 1);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STRINGS, st);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_STRINGS, 0);
	EXPECT(FDT_ERR_BADLAYOUT);
	/* Reservation block misaligned, in the header, beyond the end. */
	RESET();
	set32(b, H_RSV, 44);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_RSV, 8);
	EXPECT(FDT_ERR_BADLAYOUT);
	RESET();
	set32(b, H_RSV, (total + 8) & ~7u);
	EXPECT(FDT_ERR_BADLAYOUT);
	/* Reservation block starting inside the structure block. */
	RESET();
	set32(b, H_RSV, (st + 8) & ~7u);
	r = fdt_check(b, src->len);
	assert_true(r == FDT_ERR_BADLAYOUT || r == FDT_ERR_BADMEMRSV);
	/* Entry that lost its terminator: runs into the structure block. */
	RESET();
	b[get32(src->data, H_RSV) + 16 + 15] = 1;
	r = fdt_check(b, src->len);
	assert_true(r == FDT_ERR_BADLAYOUT || r == FDT_ERR_BADMEMRSV);
	/* Root token replaced by garbage. */
	RESET();
	set32(b, st, 0x12345678);
	EXPECT(FDT_ERR_BADSTRUCTURE);
	assert_int_equal(fdt_path_offset(b, "/cpus"), FDT_ERR_BADSTRUCTURE);
	free(b);
#undef RESET
#undef EXPECT
}

/* Builder for hand-made blobs: a structure block of raw tokens, a strings
 * block, reservation entries, laid out as header, rsv, struct, strings (or
 * with the reservation block last). */
struct raw {
	uint8_t st[1 << 17];
	size_t n;
};

static void r32(struct raw *r, uint32_t v)
{
	assert_true(r->n + 4 <= sizeof(r->st));
	fdt32_st(r->st + r->n, v);
	r->n += 4;
}

/* Raw bytes, zero-padded to 4. */
static void rbytes(struct raw *r, const void *p, size_t len)
{
	assert_true(r->n + len + 4 <= sizeof(r->st));
	memcpy(r->st + r->n, p, len);
	r->n += len;
	while (r->n & 3)
		r->st[r->n++] = 0;
}

static void rbegin(struct raw *r, const char *name)
{
	r32(r, FDT_BEGIN_NODE);
	rbytes(r, name, strlen(name) + 1);
}

static void rprop(struct raw *r, uint32_t nameoff, const void *val,
		  uint32_t len)
{
	r32(r, FDT_PROP);
	r32(r, len);
	r32(r, nameoff);
	rbytes(r, val, len);
}

/* Block orders for assemble(). */
enum layout {
	L_NORMAL,	/* header, rsv, struct, strings (dtc's order) */
	L_RSV_LAST,	/* header, struct, strings, rsv without terminator */
	L_STRUCT_LAST,	/* header, rsv, strings, struct */
};

/* Assemble a version 17 blob into out (cap bytes); returns its size. */
static size_t assemble(uint8_t *out, size_t cap, const struct raw *r,
		       const void *strings, size_t strsize,
		       const uint64_t *rsv, int nrsv, enum layout lay)
{
	size_t off = 40, rsv_off, st_off, str_off, rsv_size, i, end;

	rsv_size = 16u * (size_t)nrsv + (lay == L_RSV_LAST ? 0u : 16u);
	if (lay == L_RSV_LAST) {
		st_off = off;
		str_off = st_off + r->n;
		rsv_off = (str_off + strsize + 7) & ~(size_t)7;
		end = rsv_off + rsv_size;
	} else if (lay == L_STRUCT_LAST) {
		rsv_off = off;
		str_off = rsv_off + rsv_size;
		st_off = (str_off + strsize + 3) & ~(size_t)3;
		end = st_off + r->n;
	} else {
		rsv_off = off;
		st_off = rsv_off + rsv_size;
		str_off = st_off + r->n;
		end = str_off + strsize;
	}
	assert_true(end <= cap);
	memset(out, 0, cap);
	memcpy(out + st_off, r->st, r->n);
	memcpy(out + str_off, strings, strsize);
	for (i = 0; i < (size_t)nrsv; i++) {
		fdt64_st(out + rsv_off + 16 * i, rsv[2 * i]);
		fdt64_st(out + rsv_off + 16 * i + 8, rsv[2 * i + 1]);
	}
	set32(out, H_MAGIC, FDT_MAGIC);
	set32(out, H_STRUCT, (uint32_t)st_off);
	set32(out, H_STRINGS, (uint32_t)str_off);
	set32(out, H_RSV, (uint32_t)rsv_off);
	set32(out, H_VERSION, 17);
	set32(out, H_LASTCOMP, 16);
	set32(out, H_STRSIZE, (uint32_t)strsize);
	set32(out, H_STSIZE, (uint32_t)r->n);
	set32(out, H_TOTAL, (uint32_t)end);
	return end;
}

static const char g_strs[] = "compatible\0reg\0";	/* nameoffs 0, 11 */

/* Check a hand-made structure block (strings g_strs, no reservations);
 * the blob is copied to an exactly-sized buffer and also exercised. */
static int check_raw(const struct raw *r)
{
	static uint8_t tmp[(1 << 17) + 256];
	size_t len = assemble(tmp, sizeof(tmp), r, g_strs, sizeof(g_strs),
			      NULL, 0, L_NORMAL);
	uint8_t *b = malloc(len);
	int rc;

	assert_non_null(b);
	memcpy(b, tmp, len);
	rc = fdt_check(b, len);
	if (rc == 0)
		assert_consistent(b);
	exercise(b);
	free(b);
	return rc;
}

/* Hand-made structure blocks: valid shapes and each kind of damage. */
static void test_bad_structure(void **state)
{
	static struct raw r;
	const uint8_t cell[4] = { 0, 0, 0, 1 };
	const char name_nonul[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	int i;

	(void)state;
#define START() (r.n = 0)
	/* Minimal valid tree, with NOPs sprinkled where they are allowed. */
	START();
	r32(&r, FDT_NOP);
	rbegin(&r, "");
	r32(&r, FDT_NOP);
	rprop(&r, 0, "x\0", 2);
	r32(&r, FDT_NOP);
	rbegin(&r, "dev@1");
	rprop(&r, 11, cell, 4);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_NOP);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_NOP);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), 0);

	/* Missing FDT_END. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Empty structure block. */
	START();
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Only FDT_END: no root. */
	START();
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Data after FDT_END inside size_dt_struct. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	r32(&r, FDT_NOP);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Bad tokens. */
	for (i = 0; i < 3; i++) {
		static const uint32_t bad[] = { 0, 5, 0x01000000 };

		START();
		rbegin(&r, "");
		r32(&r, bad[i]);
		r32(&r, FDT_END_NODE);
		r32(&r, FDT_END);
		assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	}
	/* Node name without NUL running to the end of the block. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_BEGIN_NODE);
	rbytes(&r, name_nonul, sizeof(name_nonul));
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRING);
	/* Property length past the end of the block, and one that would
	 * overflow 32-bit arithmetic. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_PROP);
	r32(&r, 0x1000);
	r32(&r, 0);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	START();
	rbegin(&r, "");
	r32(&r, FDT_PROP);
	r32(&r, 0xfffffffeu);
	r32(&r, 0);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Property header cut off by the end of the block. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_PROP);
	r32(&r, 0);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Property name offset outside the strings block. */
	START();
	rbegin(&r, "");
	rprop(&r, sizeof(g_strs), cell, 4);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRING);
	START();
	rbegin(&r, "");
	rprop(&r, 0xffffffffu, cell, 4);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRING);
	/* Endlessly nested BEGIN_NODE: stopped by the depth cap. */
	START();
	rbegin(&r, "");
	for (i = 0; i < 10000; i++)
		rbegin(&r, "a");
	assert_int_equal(check_raw(&r), FDT_ERR_TOODEEP);
	/* Nesting exactly at the cap is fine; one more is not. */
	START();
	rbegin(&r, "");
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		rbegin(&r, "a");
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), 0);
	START();
	rbegin(&r, "");
	for (i = 1; i <= FDT_MAX_DEPTH; i++)
		rbegin(&r, "a");
	for (i = 0; i <= FDT_MAX_DEPTH; i++)
		r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_TOODEEP);
	/* END_NODE with no open node. */
	START();
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Unbalanced: one END_NODE too many / too few. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	START();
	rbegin(&r, "");
	rbegin(&r, "a");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Property outside any node. */
	START();
	rprop(&r, 0, "x\0", 2);
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Property after a child node (spec 5.4.2 ordering). */
	START();
	rbegin(&r, "");
	rbegin(&r, "c");
	r32(&r, FDT_END_NODE);
	rprop(&r, 0, "x\0", 2);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Two roots. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* Root with a name; child with an empty name or a '/'. */
	START();
	rbegin(&r, "root");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	START();
	rbegin(&r, "");
	rbegin(&r, "");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	START();
	rbegin(&r, "");
	rbegin(&r, "a/b");
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
	/* FDT_END inside a node. */
	START();
	rbegin(&r, "");
	r32(&r, FDT_END);
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	assert_int_equal(check_raw(&r), FDT_ERR_BADSTRUCTURE);
#undef START
}

/* Strings block whose last name lacks its NUL; reservation block without
 * a terminator. */
static void test_bad_strings_and_rsv(void **state)
{
	static struct raw r;
	static uint8_t out[4096];
	const char strs[] = { 'r', 'e', 'g', 0, 'a', 'b', 'c' };
	const uint64_t rsv[] = { 0x80000000ull, 0x1000ull };
	uint8_t *b;
	size_t len;

	(void)state;
	r.n = 0;
	rbegin(&r, "");
	rprop(&r, 4, "", 0); /* "abc" with no NUL inside the block */
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	len = assemble(out, sizeof(out), &r, strs, sizeof(strs), NULL, 0, L_NORMAL);
	assert_int_equal(fdt_check(out, len), FDT_ERR_BADSTRING);
	fdt32_st(r.st + 16, 0); /* nameoff 0: "reg" */
	len = assemble(out, sizeof(out), &r, strs, sizeof(strs), NULL, 0, L_NORMAL);
	assert_int_equal(fdt_check(out, len), 0);

	/* Reservation block last, with terminator: valid. */
	len = assemble(out, sizeof(out), &r, strs, sizeof(strs), rsv, 1, L_RSV_LAST);
	set32(out, H_TOTAL, (uint32_t)len + 16);	/* room for terminator */
	assert_int_equal(fdt_check(out, len + 16), 0);
	assert_int_equal(fdt_num_mem_rsv(out), 1);
	/* Without it: the entries run off the end. */
	b = malloc(len);
	assert_non_null(b);
	len = assemble(out, sizeof(out), &r, strs, sizeof(strs), rsv, 1, L_RSV_LAST);
	memcpy(b, out, len);
	assert_int_equal(fdt_check(b, len), FDT_ERR_BADMEMRSV);
	assert_int_equal(fdt_num_mem_rsv(b), FDT_ERR_BADMEMRSV);
	assert_int_equal(fdt_get_mem_rsv(b, 0, NULL, NULL), FDT_ERR_BADMEMRSV);
	free(b);
}

/* Blocks in an unusual order (strings before the structure block) are
 * accepted, read the same, and every truncation of such a blob fails
 * cleanly: here the structure block is what the cut shortens. */
static void test_struct_last(void **state)
{
	static struct raw r;
	static uint8_t out[4096];
	const uint64_t rsv[] = { 0x80000000ull, 0x1000ull };
	struct blob b;
	uint64_t a, s;
	int i;

	(void)state;
	r.n = 0;
	rbegin(&r, "");
	rprop(&r, 0, "root\0", 5);
	for (i = 0; i < 4; i++) {
		char name[16];
		uint8_t cell[4];

		snprintf(name, sizeof(name), "dev@%d", i);
		fdt32_st(cell, (uint32_t)i);
		rbegin(&r, name);
		rprop(&r, 0, "x,dev\0", 6);
		rprop(&r, 11, cell, 4);
		rbegin(&r, "sub");
		r32(&r, FDT_END_NODE);
		r32(&r, FDT_END_NODE);
	}
	r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	b.len = assemble(out, sizeof(out), &r, g_strs, sizeof(g_strs), rsv, 1,
			 L_STRUCT_LAST);
	/* #address-cells 2, #size-cells 1 by default: reg of 1 cell is not a
	 * whole entry. */
	assert_true(get32(out, H_STRUCT) > get32(out, H_STRINGS));
	assert_int_equal(fdt_check(out, b.len), 0);
	assert_int_equal(fdt_num_mem_rsv(out), 1);
	assert_int_equal(fdt_get_mem_rsv(out, 0, &a, &s), 0);
	assert_true(a == 0x80000000ull && s == 0x1000ull);
	assert_string_equal(fdt_node_name(out, must_path(out, "/dev@3/sub")),
			    "sub");
	assert_int_equal(fdt_find_compatible(out, must_path(out, "/dev@1"),
					     "x,dev"), must_path(out, "/dev@2"));
	assert_int_equal(fdt_read_reg(out, must_path(out, "/dev@2"), 0, &a,
				      &s), FDT_ERR_BADVALUE);
	b.data = malloc(b.len);
	assert_non_null(b.data);
	memcpy(b.data, out, b.len);
	truncations(&b);
	mutations(&b, 1000);
	free(b.data);
}

/* Deep trees at the cap read fine through every accessor. */
static void test_deep_tree(void **state)
{
	static struct raw r;
	static uint8_t out[8192];
	char path[2 * FDT_MAX_DEPTH + 2];
	size_t len;
	int i, node, parent;

	(void)state;
	r.n = 0;
	rbegin(&r, "");
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		rbegin(&r, "a");
	rprop(&r, 11, "\0\0\0\7", 4);
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		r32(&r, FDT_END_NODE);
	r32(&r, FDT_END);
	len = assemble(out, sizeof(out), &r, g_strs, sizeof(g_strs), NULL, 0,
		       L_NORMAL);
	assert_int_equal(fdt_check(out, len), 0);
	/* "/a" repeated FDT_MAX_DEPTH - 1 times (the root is level 1). */
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		memcpy(path + 2 * (size_t)(i - 1), "/a", 2);
	path[2 * (size_t)(FDT_MAX_DEPTH - 1)] = '\0';
	node = fdt_path_offset(out, path);
	assert_true(node >= 0);
	assert_int_equal(fdt_first_child(out, node), FDT_ERR_NOTFOUND);
	parent = fdt_parent_offset(out, node);
	assert_true(parent >= 0 && parent < node);
	assert_int_equal(fdt_read_reg(out, node, 0, NULL, NULL),
			 FDT_ERR_BADVALUE); /* 4 bytes, 2+1 default cells */
	assert_int_equal(count_nodes(out, fdt_path_offset(out, "/"), 1),
			 FDT_MAX_DEPTH);
}

/* -------------------------------------------------------------- writer */

/* Property order and values of the writer's guest tree: mirrors
 * tests/unit/fdt/writer_ref.dts. Returns fdtw_finish's result. */
static int build_guest(void *buf, size_t size)
{
	static const char *const plic_compat[] = { "sifive,plic-1.0.0",
						   "riscv,plic0" };
	struct fdt_writer w;
	char name[32];
	int cpu;

	fdtw_init(&w, buf, size, 0);
	fdtw_add_mem_rsv(&w, 0x80000000ull, 0x80000);
	fdtw_add_mem_rsv(&w, 0x87e00000ull, 0x200000);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "compatible", "riscv-virtio");
	fdtw_prop_string(&w, "model", "tracevisor,guest");

	fdtw_begin_node(&w, "chosen");
	fdtw_prop_string(&w, "bootargs", "console=ttyS0 earlycon=sbi");
	fdtw_prop_string(&w, "stdout-path", "/soc/serial@10000000");
	fdtw_prop_u64(&w, "linux,initrd-start", 0x84000000ull);
	fdtw_prop_u64(&w, "linux,initrd-end", 0x84100000ull);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "memory@80200000");
	fdtw_prop_string(&w, "device_type", "memory");
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){ 0, 0x80200000,
						       0, 0x7e00000 }, 4);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "cpus");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	fdtw_prop_u32(&w, "timebase-frequency", 10000000);
	for (cpu = 0; cpu < 2; cpu++) {
		snprintf(name, sizeof(name), "cpu@%d", cpu);
		fdtw_begin_node(&w, name);
		fdtw_prop_string(&w, "device_type", "cpu");
		fdtw_prop_u32(&w, "reg", (uint32_t)cpu);
		fdtw_prop_string(&w, "status", "okay");
		fdtw_prop_string(&w, "compatible", "riscv");
		fdtw_prop_string(&w, "riscv,isa", "rv64imafdc_zicsr_zifencei");
		fdtw_prop_string(&w, "mmu-type", "riscv,sv48");
		fdtw_begin_node(&w, "interrupt-controller");
		fdtw_prop_u32(&w, "#address-cells", 0);
		fdtw_prop_u32(&w, "#interrupt-cells", 1);
		fdtw_prop_empty(&w, "interrupt-controller");
		fdtw_prop_string(&w, "compatible", "riscv,cpu-intc");
		fdtw_prop_u32(&w, "phandle", 1u + (uint32_t)cpu);
		fdtw_end_node(&w);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "soc");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "compatible", "simple-bus");
	fdtw_prop_empty(&w, "ranges");
	fdtw_begin_node(&w, "interrupt-controller@c000000");
	fdtw_prop_strings(&w, "compatible", plic_compat, 2);
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){ 0, 0xc000000,
						       0, 0x600000 }, 4);
	fdtw_prop_u32(&w, "#address-cells", 0);
	fdtw_prop_u32(&w, "#interrupt-cells", 1);
	fdtw_prop_empty(&w, "interrupt-controller");
	fdtw_prop_cells(&w, "interrupts-extended", (const uint32_t[]){
			1, 11, 1, 9, 2, 11, 2, 9 }, 8);
	fdtw_prop_u32(&w, "riscv,ndev", 0x5f);
	fdtw_prop_u32(&w, "phandle", 3);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "serial@10000000");
	fdtw_prop_string(&w, "compatible", "ns16550a");
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){ 0, 0x10000000,
						       0, 0x100 }, 4);
	fdtw_prop_u32(&w, "clock-frequency", 0x384000);
	fdtw_prop_u32(&w, "interrupt-parent", 3);
	fdtw_prop_u32(&w, "interrupts", 10);
	fdtw_end_node(&w);
	fdtw_end_node(&w);

	fdtw_end_node(&w);
	return fdtw_finish(&w);
}

/* Compare two trees node by node, property by property. */
static void assert_tree_equal(const void *a, int na, const void *b, int nb)
{
	const char *pna, *pnb;
	const void *va, *vb;
	int pa, pb, la, lb, ca, cb;

	assert_string_equal(fdt_node_name(a, na), fdt_node_name(b, nb));
	for (pa = fdt_first_prop(a, na), pb = fdt_first_prop(b, nb);
	     pa >= 0 && pb >= 0;
	     pa = fdt_next_prop(a, pa), pb = fdt_next_prop(b, pb)) {
		va = fdt_prop_by_offset(a, pa, &pna, &la);
		vb = fdt_prop_by_offset(b, pb, &pnb, &lb);
		assert_non_null(va);
		assert_non_null(vb);
		assert_string_equal(pna, pnb);
		assert_int_equal(la, lb);
		assert_memory_equal(va, vb, (size_t)la);
	}
	assert_int_equal(pa, FDT_ERR_NOTFOUND);
	assert_int_equal(pb, FDT_ERR_NOTFOUND);
	for (ca = fdt_first_child(a, na), cb = fdt_first_child(b, nb);
	     ca >= 0 && cb >= 0;
	     ca = fdt_next_sibling(a, ca), cb = fdt_next_sibling(b, cb))
		assert_tree_equal(a, ca, b, cb);
	assert_int_equal(ca, FDT_ERR_NOTFOUND);
	assert_int_equal(cb, FDT_ERR_NOTFOUND);
}

/* Memory reservations and trees equal. */
static void assert_blobs_equal(const void *a, const void *b)
{
	uint64_t aa, as, ba, bs;
	int i, n = fdt_num_mem_rsv(a);

	assert_int_equal(n, fdt_num_mem_rsv(b));
	for (i = 0; i < n; i++) {
		assert_int_equal(fdt_get_mem_rsv(a, i, &aa, &as), 0);
		assert_int_equal(fdt_get_mem_rsv(b, i, &ba, &bs), 0);
		assert_true(aa == ba && as == bs);
	}
	assert_tree_equal(a, fdt_path_offset(a, "/"), b,
			  fdt_path_offset(b, "/"));
}

/* dtc decompiles the blob with exit 0 and nothing on stderr; returns the
 * dts text (caller frees). */
static struct blob dtc_clean(const void *blob, size_t len, const char *name)
{
	struct blob dts, err;
	int rc = decompile(blob, len, name, &dts, &err);

	if (rc != 0 || err.len != 0)
		fprintf(stderr, "dtc on %s: rc %d: %.*s\n", name, rc,
			(int)err.len, err.data ? (char *)err.data : "");
	assert_int_equal(rc, 0);
	assert_int_equal(err.len, 0);
	assert_non_null(dts.data);
	free(err.data);
	return dts;
}

/* Writer round trip: valid, readable, header as specified, equal to dtc's
 * compilation of writer_ref.dts both structurally and as dtc's dts text. */
static void test_writer_round_trip(void **state)
{
	static uint8_t buf[8192];
	struct blob mine, ref;
	uint64_t a, s;
	uint32_t v;
	int total, node;
	const uint8_t *p;
	int len;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	total = build_guest(buf, sizeof(buf));
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(fdt_totalsize(buf), total);
	assert_int_equal(get32(buf, H_VERSION), 17);
	assert_int_equal(get32(buf, H_LASTCOMP), 16);
	assert_int_equal(get32(buf, H_RSV), 40);
	assert_int_equal(get32(buf, H_STRUCT) % 8, 0);
	assert_int_equal(get32(buf, H_STRUCT), 40 + 3 * 16);
	assert_int_equal(get32(buf, H_STRINGS),
			 get32(buf, H_STRUCT) + get32(buf, H_STSIZE));
	assert_int_equal((size_t)total,
			 get32(buf, H_STRINGS) + get32(buf, H_STRSIZE));
	assert_int_equal(fdt_boot_cpuid_phys(buf), 0);

	/* Read back through the reader. */
	assert_int_equal(fdt_num_mem_rsv(buf), 2);
	assert_int_equal(fdt_get_mem_rsv(buf, 1, &a, &s), 0);
	assert_true(a == 0x87e00000ull && s == 0x200000ull);
	node = must_path(buf, "/memory");
	assert_int_equal(fdt_read_reg(buf, node, 0, &a, &s), 0);
	assert_true(a == 0x80200000ull && s == 0x7e00000ull);
	assert_int_equal(fdt_read_reg(buf, must_path(buf, "/cpus/cpu@1"), 0,
				      &a, &s), 0);
	assert_true(a == 1 && s == 0);
	assert_int_equal(fdt_getprop_u32(buf, must_path(buf, "/cpus"),
					 "timebase-frequency", &v), 0);
	assert_int_equal(v, 10000000);
	p = fdt_getprop(buf, must_path(buf, "/chosen"), "linux,initrd-end",
			&len);
	assert_int_equal(len, 8);
	assert_true(fdt64_ld(p) == 0x84100000ull);
	assert_int_equal(fdt_find_compatible(buf, -1, "riscv,plic0"),
			 must_path(buf, "/soc/interrupt-controller"));
	assert_int_equal(fdt_find_compatible(buf, -1, "ns16550a"),
			 must_path(buf, "/soc/serial@10000000"));
	assert_non_null(fdt_getprop(buf, must_path(buf, "/soc"), "ranges",
				    &len));
	assert_int_equal(len, 0);
	/* Nothing written past the blob. */
	assert_int_equal(buf[total], 0xee);

	/* Same tree as dtc's compilation of the reference source. */
	assert_blobs_equal(buf, g_wref.data);
	mine = dtc_clean(buf, (size_t)total, "writer");
	ref = dtc_clean(g_wref.data, g_wref.len, "writer_ref");
	assert_int_equal(mine.len, ref.len);
	assert_memory_equal(mine.data, ref.data, ref.len);
	free(mine.data);
	free(ref.data);
}

/* Recursively copy a node with the writer. */
static void copy_node(const void *src, int node, struct fdt_writer *w)
{
	const char *name;
	const void *val;
	int prop, child, len;

	assert_int_equal(fdtw_begin_node(w, fdt_node_name(src, node)), 0);
	for (prop = fdt_first_prop(src, node); prop >= 0;
	     prop = fdt_next_prop(src, prop)) {
		val = fdt_prop_by_offset(src, prop, &name, &len);
		assert_non_null(val);
		assert_int_equal(fdtw_prop(w, name, val, len), 0);
	}
	for (child = fdt_first_child(src, node); child >= 0;
	     child = fdt_next_sibling(src, child))
		copy_node(src, child, w);
	assert_int_equal(fdtw_end_node(w), 0);
}

/* Reader + writer: copying a dtc-made blob yields the same tree, and dtc
 * decompiles the copy to exactly the text it gives for the original. */
static void copy_blob_and_compare(const struct blob *src, const char *name)
{
	static uint8_t buf[16384];
	struct fdt_writer w;
	struct blob a, b;
	uint64_t ra, rs;
	int i, total;

	assert_int_equal(fdtw_init(&w, buf, sizeof(buf),
				   fdt_boot_cpuid_phys(src->data)), 0);
	for (i = 0; i < fdt_num_mem_rsv(src->data); i++) {
		assert_int_equal(fdt_get_mem_rsv(src->data, i, &ra, &rs), 0);
		assert_int_equal(fdtw_add_mem_rsv(&w, ra, rs), 0);
	}
	copy_node(src->data, fdt_path_offset(src->data, "/"), &w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_blobs_equal(buf, src->data);
	a = dtc_clean(buf, (size_t)total, name);
	b = dtc_clean(src->data, src->len, "orig");
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	free(a.data);
	free(b.data);
}

static void test_writer_copy_virt64(void **state)
{
	(void)state;
	copy_blob_and_compare(&g_virt64, "copy64");
}

static void test_writer_copy_virt32(void **state)
{
	(void)state;
	copy_blob_and_compare(&g_virt32, "copy32");
}

/* Property names appear once in the strings block; a name that is the
 * tail of an earlier one reuses it. */
static void test_writer_dedupe(void **state)
{
	static uint8_t buf[4096];
	struct fdt_writer w;
	const char *name;
	char node[32];
	int total, i, prop, len;
	uint32_t regoff = 0xffffffffu;

	(void)state;
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	for (i = 0; i < 10; i++) {
		snprintf(node, sizeof(node), "dev@%d", i);
		fdtw_begin_node(&w, node);
		fdtw_prop_string(&w, "compatible", "x,dev");
		fdtw_prop_u32(&w, "reg", (uint32_t)i);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(get32(buf, H_STRSIZE),
			 sizeof("#address-cells") + sizeof("#size-cells") +
			 sizeof("compatible") + sizeof("reg"));
	/* All "reg" properties share one nameoff. */
	for (i = 0; i < 10; i++) {
		snprintf(node, sizeof(node), "/dev@%d", i);
		for (prop = fdt_first_prop(buf, must_path(buf, node));
		     prop >= 0; prop = fdt_next_prop(buf, prop)) {
			assert_non_null(fdt_prop_by_offset(buf, prop, &name,
							   &len));
			if (strcmp(name, "reg") == 0) {
				uint32_t off = get32(buf, get32(buf, H_STRUCT) +
						     (uint32_t)prop + 8);

				if (regoff == 0xffffffffu)
					regoff = off;
				assert_int_equal(off, regoff);
			}
		}
	}
	free(dtc_clean(buf, (size_t)total, "dedupe").data);

	/* Tail sharing: "size-cells" reuses the end of "#size-cells". */
	fdtw_init(&w, buf, sizeof(buf), 3);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#size-cells", 1);
	fdtw_prop_u32(&w, "size-cells", 2);
	fdtw_end_node(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(get32(buf, H_STRSIZE), sizeof("#size-cells"));
	assert_int_equal(fdt_size_cells(buf, must_path(buf, "/")), 1);
	assert_non_null(fdt_getprop(buf, must_path(buf, "/"), "size-cells",
				    &len));
	assert_int_equal(fdt_boot_cpuid_phys(buf), 3);
	free(dtc_clean(buf, (size_t)total, "tail").data);
}

/* Every buffer size below what the tree needs gives FDT_ERR_NOSPACE and
 * leaves the bytes past the buffer untouched; the exact size works and
 * gives the same bytes as a large buffer. */
static void test_writer_too_small(void **state)
{
	static uint8_t ref[8192];
	uint8_t *buf;
	int need, n, i;

	(void)state;
	need = build_guest(ref, sizeof(ref));
	assert_true(need > 0);
	for (n = 0; n < need; n++) {
		/* Exactly n bytes: AddressSanitizer catches any overrun. */
		buf = malloc(n ? (size_t)n : 1);
		assert_non_null(buf);
		assert_int_equal(build_guest(buf, (size_t)n), FDT_ERR_NOSPACE);
		free(buf);
		/* n bytes plus a guard zone that must stay intact. */
		buf = malloc((size_t)n + 64);
		assert_non_null(buf);
		memset(buf, 0xa5, (size_t)n + 64);
		assert_int_equal(build_guest(buf, (size_t)n), FDT_ERR_NOSPACE);
		for (i = 0; i < 64; i++)
			assert_int_equal(buf[n + i], 0xa5);
		free(buf);
	}
	buf = malloc((size_t)need);
	assert_non_null(buf);
	assert_int_equal(build_guest(buf, (size_t)need), need);
	assert_memory_equal(buf, ref, (size_t)need);
	free(buf);
}

/* Calls in the wrong order or with bad arguments; errors are sticky. */
static void test_writer_state_errors(void **state)
{
	static uint8_t buf[4096];
	struct fdt_writer w;
	int i;

	(void)state;
	/* Reservation after the first node. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_begin_node(&w, ""), 0);
	assert_int_equal(fdtw_add_mem_rsv(&w, 1, 1), FDT_ERR_BADSTATE);
	/* Sticky: everything after fails the same way. */
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), FDT_ERR_BADSTATE);
	assert_int_equal(fdtw_end_node(&w), FDT_ERR_BADSTATE);
	assert_int_equal(fdtw_finish(&w), FDT_ERR_BADSTATE);

	/* Property before the root. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), FDT_ERR_BADSTATE);
	/* Property after a child node. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_prop_u32(&w, "x", 1), FDT_ERR_BADSTATE);
	/* END_NODE with nothing open. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_end_node(&w), FDT_ERR_BADSTATE);
	/* Finish with no root / with a node open. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_finish(&w), FDT_ERR_BADSTATE);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w), FDT_ERR_BADSTATE);
	/* A second root. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_begin_node(&w, ""), FDT_ERR_BADSTATE);
	/* Anything after finish. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_true(fdtw_finish(&w) > 0);
	assert_int_equal(fdt_check(buf, fdt_totalsize(buf)), 0);
	assert_int_equal(fdtw_begin_node(&w, "x"), FDT_ERR_BADSTATE);
	assert_int_equal(fdtw_finish(&w), FDT_ERR_BADSTATE);
	/* Bad values. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_add_mem_rsv(&w, 0x1000, 0), FDT_ERR_BADVALUE);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop(&w, "x", "a", -1), FDT_ERR_BADVALUE);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop(&w, "x", NULL, 4), FDT_ERR_BADVALUE);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop_cells(&w, "x", NULL, 2), FDT_ERR_BADVALUE);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_prop_string(&w, "x", NULL), FDT_ERR_BADVALUE);
	/* Buffer too small for even the header. */
	assert_int_equal(fdtw_init(&w, buf, 55, 0), FDT_ERR_NOSPACE);
	assert_int_equal(fdtw_begin_node(&w, ""), FDT_ERR_NOSPACE);
	assert_int_equal(fdtw_init(&w, NULL, 4096, 0), FDT_ERR_NOSPACE);
	assert_int_equal(fdtw_init(&w, buf, 56, 0), 0);
	/* Depth cap: root plus 63 levels works, one more does not. */
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		assert_int_equal(fdtw_begin_node(&w, "n"), 0);
	assert_int_equal(fdtw_begin_node(&w, "n"), FDT_ERR_TOODEEP);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		fdtw_begin_node(&w, "n");
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		assert_int_equal(fdtw_end_node(&w), 0);
	i = fdtw_finish(&w);
	assert_true(i > 0);
	assert_int_equal(fdt_check(buf, (size_t)i), 0);
}

/* Node and property names: spec 2.2.1 / 2.2.4.1 character sets,
 * duplicates refused. */
static void test_writer_names(void **state)
{
	static const char *const bad_nodes[] = { "", "a/b", "a@", "@1",
		"a@1@2", "a b", "a:b", "cpu@0/x" };
	static const char *const good_nodes[] = { "cpu@0", "serial@10000000",
		"a,b.c_d+e-f", "mmode_resv0@80000000", "x@1,2" };
	static const char *const bad_props[] = { "", "a b", "a@b", "a/b",
		"a:b" };
	static const char *const good_props[] = { "#address-cells",
		"linux,initrd-start", "a?", "riscv,isa", "device_type" };
	static uint8_t buf[4096];
	struct fdt_writer w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_nodes) / sizeof(bad_nodes[0]); i++) {
		fdtw_init(&w, buf, sizeof(buf), 0);
		fdtw_begin_node(&w, "");
		assert_int_equal(fdtw_begin_node(&w, bad_nodes[i]),
				 FDT_ERR_BADNAME);
	}
	fdtw_init(&w, buf, sizeof(buf), 0);
	assert_int_equal(fdtw_begin_node(&w, "root"), FDT_ERR_BADNAME);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	for (i = 0; i < sizeof(good_nodes) / sizeof(good_nodes[0]); i++) {
		assert_int_equal(fdtw_begin_node(&w, good_nodes[i]), 0);
		assert_int_equal(fdtw_end_node(&w), 0);
	}
	fdtw_end_node(&w);
	assert_true(fdtw_finish(&w) > 0);

	for (i = 0; i < sizeof(bad_props) / sizeof(bad_props[0]); i++) {
		fdtw_init(&w, buf, sizeof(buf), 0);
		fdtw_begin_node(&w, "");
		assert_int_equal(fdtw_prop_empty(&w, bad_props[i]),
				 FDT_ERR_BADNAME);
	}
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	for (i = 0; i < sizeof(good_props) / sizeof(good_props[0]); i++)
		assert_int_equal(fdtw_prop_empty(&w, good_props[i]), 0);
	/* Duplicate property in one node refused... */
	assert_int_equal(fdtw_prop_u32(&w, "a?", 1), FDT_ERR_EXISTS);
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "reg", 1);
	/* ...but the same name in a child is fine, */
	fdtw_begin_node(&w, "a@1");
	assert_int_equal(fdtw_prop_u32(&w, "reg", 1), 0);
	fdtw_begin_node(&w, "b");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	/* as is a same-named node elsewhere; a duplicate sibling is not. */
	assert_int_equal(fdtw_begin_node(&w, "b"), 0);
	assert_int_equal(fdtw_end_node(&w), 0);
	assert_int_equal(fdtw_begin_node(&w, "a@2"), 0);
	assert_int_equal(fdtw_end_node(&w), 0);
	assert_int_equal(fdtw_begin_node(&w, "a@1"), FDT_ERR_EXISTS);
}

/* Property helpers store exactly the expected bytes. */
static void test_writer_prop_helpers(void **state)
{
	static uint8_t buf[4096];
	static const char *const list[] = { "a", "bc", "" };
	const uint32_t cells[] = { 0x01020304, 0xa0b0c0d0, 7 };
	const uint8_t *p;
	struct fdt_writer w;
	int total, root, len;

	(void)state;
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "u32", 0xdeadbeef);
	fdtw_prop_u64(&w, "u64", 0x0102030405060708ull);
	fdtw_prop_cells(&w, "cells", cells, 3);
	fdtw_prop_cells(&w, "nocells", cells, 0);
	fdtw_prop_string(&w, "str", "hello");
	fdtw_prop_strings(&w, "list", list, 3);
	fdtw_prop(&w, "raw", "\1\2\3\4\5", 5);
	fdtw_prop_empty(&w, "empty");
	fdtw_end_node(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	root = must_path(buf, "/");
	p = fdt_getprop(buf, root, "u32", &len);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "\xde\xad\xbe\xef", 4);
	p = fdt_getprop(buf, root, "u64", &len);
	assert_int_equal(len, 8);
	assert_memory_equal(p, "\1\2\3\4\5\6\7\x8", 8);
	p = fdt_getprop(buf, root, "cells", &len);
	assert_int_equal(len, 12);
	assert_memory_equal(p, "\1\2\3\4\xa0\xb0\xc0\xd0\0\0\0\7", 12);
	assert_non_null(fdt_getprop(buf, root, "nocells", &len));
	assert_int_equal(len, 0);
	p = fdt_getprop(buf, root, "str", &len);
	assert_int_equal(len, 6);
	assert_string_equal(p, "hello");
	p = fdt_getprop(buf, root, "list", &len);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "a\0bc\0\0", 6);
	assert_true(fdt_stringlist_contains((const char *)p, len, "bc"));
	p = fdt_getprop(buf, root, "raw", &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "\1\2\3\4\5", 5);
	assert_non_null(fdt_getprop(buf, root, "empty", &len));
	assert_int_equal(len, 0);
	free(dtc_clean(buf, (size_t)total, "helpers").data);
}

/* Cell counts of the wrong size or value are reported as such. */
static void test_bad_cells(void **state)
{
	static uint8_t buf[4096];
	struct fdt_writer w;
	int total;
	uint64_t a, s;

	(void)state;
	fdtw_init(&w, buf, sizeof(buf), 0);
	fdtw_begin_node(&w, "");
	fdtw_prop_u64(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 5);
	fdtw_begin_node(&w, "a@0");
	fdtw_prop_u32(&w, "#address-cells", 3);
	fdtw_prop_u32(&w, "#size-cells", 0);
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){ 1, 2, 3 }, 3);
	fdtw_begin_node(&w, "b@0");
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){ 1, 2, 3 }, 3);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(fdt_address_cells(buf, must_path(buf, "/")),
			 FDT_ERR_BADNCELLS);
	assert_int_equal(fdt_size_cells(buf, must_path(buf, "/")),
			 FDT_ERR_BADNCELLS);
	assert_int_equal(fdt_read_reg(buf, must_path(buf, "/a@0"), 0, &a, &s),
			 FDT_ERR_BADNCELLS);
	/* 3 address cells: valid count, but too wide for a uint64_t. */
	assert_int_equal(fdt_address_cells(buf, must_path(buf, "/a@0")), 3);
	assert_int_equal(fdt_read_reg(buf, must_path(buf, "/a@0/b@0"), 0, &a,
				      &s), FDT_ERR_BADNCELLS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_helpers),
		cmocka_unit_test(test_stringlist),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_check_valid),
		cmocka_unit_test(test_mem_rsv),
		cmocka_unit_test(test_path_offset),
		cmocka_unit_test(test_children),
		cmocka_unit_test(test_next_node),
		cmocka_unit_test(test_getprop),
		cmocka_unit_test(test_prop_iteration),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_read_reg64),
		cmocka_unit_test(test_read_reg32),
		cmocka_unit_test(test_v16),
		cmocka_unit_test(test_parent),
		cmocka_unit_test(test_compatible),
		cmocka_unit_test(test_device_type),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_bad_strings_and_rsv),
		cmocka_unit_test(test_deep_tree),
		cmocka_unit_test(test_struct_last),
		cmocka_unit_test(test_truncation_virt64),
		cmocka_unit_test(test_truncation_virt32),
		cmocka_unit_test(test_truncation_v16),
		cmocka_unit_test(test_mutations_virt64),
		cmocka_unit_test(test_mutations_virt32),
		cmocka_unit_test(test_mutations_v16),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_writer_copy_virt64),
		cmocka_unit_test(test_writer_copy_virt32),
		cmocka_unit_test(test_writer_dedupe),
		cmocka_unit_test(test_writer_too_small),
		cmocka_unit_test(test_writer_state_errors),
		cmocka_unit_test(test_writer_names),
		cmocka_unit_test(test_writer_prop_helpers),
		cmocka_unit_test(test_bad_cells),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
