/*
 * Host unit tests for lib/boot_image.c: format detection, the Linux Image
 * header, the ELF reader (well-formed and malformed files: truncated
 * headers, tables and segments past the end of the file, sizes that
 * overflow) and the placement check. Every malformed file is built in a
 * heap buffer of exactly its length, so AddressSanitizer catches a read
 * one byte past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot_image.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

struct seg { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz; };

/* An ELF-64 RISC-V executable: header, then the program headers at
 * offset 64, then `extra` bytes of payload; `len` bytes in all (0: all of
 * it). The caller frees. */
static uint8_t *make_elf(const struct seg *s, unsigned n, uint64_t entry, size_t extra,
			 size_t *len)
{
	size_t full = 64 + 56 * (size_t)n + extra;
	uint8_t *b = calloc(1, full);
	memcpy(b, "\177ELF", 4);
	b[4] = 2; b[5] = 1; b[6] = 1;
	put16(b + 16, 2);	/* ET_EXEC */
	put16(b + 18, 243);	/* EM_RISCV */
	put32(b + 20, 1);
	put64(b + 24, entry);
	put64(b + 32, 64);	/* e_phoff */
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *ph = b + 64 + 56 * i;
		put32(ph, s[i].type);
		put32(ph + 4, s[i].flags);
		put64(ph + 8, s[i].offset);
		put64(ph + 16, s[i].vaddr);
		put64(ph + 24, s[i].paddr);
		put64(ph + 32, s[i].filesz);
		put64(ph + 40, s[i].memsz);
		put64(ph + 48, 0x1000);
	}
	*len = full;
	return b;
}

/* A copy of the first len bytes in a buffer of exactly that size. */
static uint8_t *cut(const uint8_t *b, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	memcpy(c, b, len);
	return c;
}

static const struct seg two_segs[] = {
	{ 1, 5, 0x1000, 0x80000000, 0x80000000, 0x800, 0x800 },   /* text */
	{ 1, 6, 0x1800, 0x80001000, 0x80001000, 0x100, 0x2000 },  /* data + bss */
};

static void test_detect(void **state)
{
	(void)state;
	size_t len;
	uint8_t *elf = make_elf(two_segs, 2, 0x80000000, 0x2000, &len);
	assert_int_equal(bi_detect(elf, len), BI_ELF);
	assert_int_equal(bi_detect(elf, 3), BI_FLAT); /* too short for the magic */
	free(elf);

	uint8_t img[64] = { 0 };
	put32(img + 0x38, BI_LINUX_MAGIC2);
	assert_int_equal(bi_detect(img, sizeof(img)), BI_LINUX);
	assert_int_equal(bi_detect(img, 63), BI_FLAT);
	uint8_t flat[16] = { 0x97, 0x02, 0, 0 };
	assert_int_equal(bi_detect(flat, sizeof(flat)), BI_FLAT);
	assert_int_equal(bi_detect(flat, 0), BI_FLAT);
	assert_string_equal(bi_format_name(BI_ELF), "ELF");
	assert_string_equal(bi_format_name(BI_LINUX), "Linux Image");
	assert_string_equal(bi_format_name(BI_FLAT), "flat binary");
}

/* Files a user may take for a guest but no RISC-V hart runs as they are:
 * each named with what to boot instead; a flat RISC-V program, and magic
 * numbers cut short by the file's end, are not. */
static void test_foreign(void **state)
{
	(void)state;
	static const struct {
		uint64_t off;
		size_t n;
		const char *magic, *says;
	} cases[] = {
		{ 0, 3, "\x1f\x8b\x08", "a gzip-compressed file: decompress it first (zcat FILE > Image)" },
		{ 0, 6, "\xfd" "7zXZ\0", "a xz-compressed file: decompress it first (xzcat" },
		{ 0, 4, "\x28\xb5\x2f\xfd", "a zstd-compressed file" },
		{ 0, 4, "\x02\x21\x4c\x18", "a lz4-compressed file" },
		{ 0, 4, "\x04\x22\x4d\x18", "a lz4-compressed file" },
		{ 0, 10, "BZh9\x31\x41\x59\x26\x53\x59", "a bzip2-compressed file" },
		{ 0x38, 4, "ARM\x64", "an arm64 Linux Image (magic ARM\\x64 at 0x38)" },
	};
	char why[320];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *f = calloc(1, 4096);
		memcpy(f + cases[i].off, cases[i].magic, cases[i].n);
		assert_int_equal(bi_detect(f, 4096), BI_FLAT);
		assert_int_equal(bi_foreign(f, 4096, why, sizeof(why)), 1);
		if (!strstr(why, cases[i].says))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].says);
		/* One byte short of the magic: nothing to recognise. */
		assert_int_equal(bi_foreign(f, cases[i].off + cases[i].n - 1, why, sizeof(why)), 0);
		assert_string_equal(why, "");
		free(f);
	}

	/* An EFI zboot kernel: its compression and payload are named. */
	uint8_t *z = calloc(1, 4096);
	memcpy(z, "MZ", 2);
	memcpy(z + 4, "zimg", 4);
	put32(z + 8, 0x10000);
	put32(z + 12, 123456);
	memcpy(z + 0x18, "zstd", 4);
	assert_int_equal(bi_foreign(z, 4096, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "a Linux EFI zboot kernel (vmlinuz.efi: a PE loader and a "
				    "zstd-compressed Image, 123456 bytes at offset 0x10000)"));
	/* A RISC-V Linux Image with an EFI stub begins with "MZ" too. */
	memcpy(z + 4, "\0\0\0\0", 4);
	assert_int_equal(bi_foreign(z, 4096, why, sizeof(why)), 0);
	free(z);

	/* An x86 bzImage: boot_flag and "HdrS" both. */
	uint8_t *x = calloc(1, 4096);
	memcpy(x + 0x1fe, "\x55\xaa", 2);
	assert_int_equal(bi_foreign(x, 4096, why, sizeof(why)), 0);
	memcpy(x + 0x202, "HdrS", 4);
	assert_int_equal(bi_foreign(x, 4096, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "an x86 Linux kernel (bzImage"));
	free(x);

	/* A U-Boot uImage: its name, payload, compression, architecture. */
	uint8_t *u = calloc(1, 4096);
	memcpy(u, "\x27\x05\x19\x56", 4);
	memcpy(u + 12, "\x00\x12\xd6\x87", 4); /* 1234567, big-endian */
	u[29] = 26;
	u[31] = 1;
	memcpy(u + 32, "Linux-6.1\x01", 10);
	assert_int_equal(bi_foreign(u, 63, why, sizeof(why)), 0); /* no whole header */
	assert_int_equal(bi_foreign(u, 4096, why, sizeof(why)), 1);
	assert_string_equal(why, "a U-Boot legacy uImage ('Linux-6.1?': 1234567 bytes of "
				 "gzip-compressed payload): boot the image inside it, from byte 64 on "
				 "(dumpimage -T kernel -p 0 -o Image FILE), and decompress that");
	u[29] = 22; /* arm64 */
	u[31] = 0;
	assert_int_equal(bi_foreign(u, 4096, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "uncompressed payload, for U-Boot architecture 22, not "
				    "RISC-V (26)): boot"));
	free(u);

	/* "BZh9" without bzip2's block magic: not taken for bzip2. */
	uint8_t bz[16] = { 'B', 'Z', 'h', '9' };
	assert_int_equal(bi_foreign(bz, sizeof(bz), why, sizeof(why)), 0);
	/* A flat RISC-V program (auipc t0, 0; ...) and an empty buffer. */
	uint8_t flat[4096] = { 0x97, 0x02, 0, 0 };
	assert_int_equal(bi_foreign(flat, sizeof(flat), why, sizeof(why)), 0);
	assert_int_equal(bi_foreign(flat, 0, NULL, 0), 0);
}

static void test_linux_header(void **state)
{
	(void)state;
	uint8_t *img = calloc(1, 4096);
	put64(img + 0x08, 0x200000);
	put64(img + 0x10, 0x10000);
	put32(img + 0x20, 2);
	put32(img + 0x38, BI_LINUX_MAGIC2);
	struct bi_linux h;
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_OK);
	assert_int_equal(h.text_offset, 0x200000);
	assert_int_equal(h.image_size, 0x10000);
	assert_int_equal(h.version, 2);
	/* Length unknown (tv.kernel=ADDR): only the header is read. */
	assert_int_equal(bi_linux_parse(img, 0, &h), BI_OK);
	assert_int_equal(h.image_size, 0x10000);
	/* image_size 0 (old headers): the file's length. */
	put64(img + 0x10, 0);
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_OK);
	assert_int_equal(h.image_size, 4096);
	assert_int_equal(bi_linux_parse(img, 0, &h), BI_E_SIZE);
	/* image_size smaller than the file. */
	put64(img + 0x10, 100);
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_E_SIZE);
	put64(img + 0x10, 0x10000);
	/* Big endian flag. */
	put64(img + 0x18, 1);
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_E_DATA);
	put64(img + 0x18, 0);
	/* Truncated, and no magic. */
	uint8_t *short_img = cut(img, 63);
	assert_int_equal(bi_linux_parse(short_img, 63, &h), BI_E_TRUNCATED);
	free(short_img);
	put32(img + 0x38, 0);
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_E_MAGIC);
	assert_int_equal(bi_detect(img, 4096), BI_FLAT);
	/* A header of version 0.1: the magic "RISCV" at 0x30, no magic2. */
	memcpy(img + 0x30, "RISCV\0\0\0", 8);
	put32(img + 0x20, 1);
	assert_int_equal(bi_detect(img, 4096), BI_LINUX);
	assert_int_equal(bi_linux_parse(img, 4096, &h), BI_OK);
	assert_int_equal(h.text_offset, 0x200000);
	assert_int_equal(h.image_size, 0x10000);
	memcpy(img + 0x30, "RISCW", 5); /* one letter off: nothing */
	assert_int_equal(bi_detect(img, 4096), BI_FLAT);
	free(img);
}

static void test_elf_good(void **state)
{
	(void)state;
	size_t len;
	uint8_t *elf = make_elf(two_segs, 2, 0x80000010, 0x2000, &len);
	struct bi_elf e;
	char why[160];
	assert_int_equal(bi_elf_parse(elf, len, &e, why, sizeof(why)), BI_OK);
	assert_string_equal(why, "");
	assert_int_equal(e.nseg, 2);
	assert_int_equal(e.entry, 0x80000010);
	assert_int_equal(e.entry_paddr, 0x80000010);
	assert_int_equal(e.seg[0].paddr, 0x80000000);
	assert_int_equal(e.seg[0].filesz, 0x800);
	assert_int_equal(e.seg[1].offset, 0x1800);
	assert_int_equal(e.seg[1].memsz, 0x2000);
	assert_int_equal(e.seg[1].flags, 6);
	assert_int_equal(e.seg[1].index, 1);
	free(elf);
}

/* Non-load headers and empty PT_LOADs are skipped; the entry given as a
 * virtual address is translated through its segment. */
static void test_elf_skips_and_virtual_entry(void **state)
{
	(void)state;
	const struct seg s[] = {
		{ 0x70000003, 4, 0x1000, 0, 0, 0x10, 0x10 },	/* RISCV_ATTRIBUTES */
		{ 1, 5, 0x1000, 0xffffffff80000000, 0x80200000, 0x800, 0x800 },
		{ 1, 6, 0x1800, 0xffffffff80001000, 0x80201000, 0, 0 },	/* empty */
		{ 6, 4, 64, 0, 0, 168, 168 },			/* PT_PHDR: 3 * 56 bytes */
	};
	size_t len;
	uint8_t *elf = make_elf(s, 4, 0xffffffff80000100, 0x2000, &len);
	struct bi_elf e;
	assert_int_equal(bi_elf_parse(elf, len, &e, NULL, 0), BI_OK);
	assert_int_equal(e.nseg, 1);
	assert_int_equal(e.seg[0].index, 1);
	assert_int_equal(e.entry_paddr, 0x80200100);
	free(elf);
}

static void expect_elf_error(const uint8_t *b, size_t len, int err, const char *phrase)
{
	uint8_t *c = cut(b, len);
	struct bi_elf e;
	char why[200] = "unset";
	assert_int_equal(bi_elf_parse(c, len, &e, why, sizeof(why)), err);
	if (phrase && !strstr(why, phrase))
		fail_msg("message '%s' lacks '%s'", why, phrase);
	assert_non_null(bi_strerror(err));
	free(c);
}

static void test_elf_truncated(void **state)
{
	(void)state;
	size_t len;
	uint8_t *elf = make_elf(two_segs, 2, 0x80000000, 0x2000, &len);
	/* Every length shorter than the header, and the magic alone. */
	for (size_t n = 4; n < 64; n++)
		expect_elf_error(elf, n, BI_E_TRUNCATED, "truncated");
	expect_elf_error(elf, 0, BI_E_MAGIC, NULL);
	expect_elf_error(elf, 3, BI_E_MAGIC, NULL);
	/* Cut inside the program header table. */
	for (size_t n = 64; n < 64 + 2 * 56; n++)
		expect_elf_error(elf, n, BI_E_PHDRS, "program header table");
	/* Cut inside the second segment's bytes (0x1800 + 0x100). */
	expect_elf_error(elf, 0x1800 + 0xff, BI_E_SEGFILE, "segment 1");
	expect_elf_error(elf, 0x1000 + 0x7ff, BI_E_SEGFILE, "segment 0");
	free(elf);
}

static void test_elf_bad_header_fields(void **state)
{
	(void)state;
	size_t len;
	uint8_t *elf = make_elf(two_segs, 2, 0x80000000, 0x2000, &len);
	struct { unsigned off; unsigned width; uint64_t val; int err; } cases[] = {
		{ 4, 1, 1, BI_E_CLASS },	/* ELF-32 */
		{ 5, 1, 2, BI_E_DATA },		/* big endian */
		{ 6, 1, 0, BI_E_VERSION },
		{ 20, 4, 2, BI_E_VERSION },
		{ 18, 2, 62, BI_E_MACHINE },	/* x86-64 */
		{ 16, 2, 3, BI_E_TYPE },	/* ET_DYN */
		{ 16, 2, 1, BI_E_TYPE },	/* ET_REL */
		{ 54, 2, 32, BI_E_PHENTSIZE },
		{ 56, 2, 0, BI_E_NOLOAD },	/* no program headers */
		{ 32, 8, 0x10000, BI_E_PHDRS },	/* table past the end */
		{ 32, 8, ~0ULL - 8, BI_E_PHDRS }, /* offset + size wraps */
		{ 56, 2, 0xffff, BI_E_PHDRS },	/* PN_XNUM: 65535 entries */
		{ 24, 8, 0x90000000, BI_E_ENTRY },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *c = cut(elf, len);
		switch (cases[i].width) {
		case 1: c[cases[i].off] = (uint8_t)cases[i].val; break;
		case 2: put16(c + cases[i].off, (uint16_t)cases[i].val); break;
		case 4: put32(c + cases[i].off, (uint32_t)cases[i].val); break;
		default: put64(c + cases[i].off, cases[i].val); break;
		}
		struct bi_elf e;
		char why[200];
		int err = bi_elf_parse(c, len, &e, why, sizeof(why));
		if (err != cases[i].err)
			fail_msg("case %zu: error %d (%s), want %d", i, err, why, cases[i].err);
		assert_true(strlen(why) > 0);
		free(c);
	}
	free(elf);
}

static void test_elf_bad_segments(void **state)
{
	(void)state;
	const struct { struct seg s; int err; const char *phrase; } cases[] = {
		/* file bytes past the end, offset past the end, offset + size wraps */
		{ { 1, 5, 0x1000, 0x80000000, 0x80000000, 0x2000, 0x2000 }, BI_E_SEGFILE, "past the end" },
		{ { 1, 5, 0x100000, 0x80000000, 0x80000000, 0x10, 0x10 }, BI_E_SEGFILE, "past the end" },
		{ { 1, 5, 0x10, 0x80000000, 0x80000000, ~0ULL - 8, ~0ULL - 8 }, BI_E_SEGFILE, NULL },
		/* more in the file than in memory */
		{ { 1, 5, 0x1000, 0x80000000, 0x80000000, 0x100, 0x80 }, BI_E_SEGSIZE, "in memory" },
		/* addresses wrap */
		{ { 1, 5, 0x1000, 0x80000000, 0xfffffffffffff000, 0x100, 0x2000 }, BI_E_SEGWRAP, "wraps" },
		{ { 1, 5, 0x1000, 0xfffffffffffff000, 0x80000000, 0x100, 0x2000 }, BI_E_SEGWRAP, "wraps" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		uint8_t *elf = make_elf(&cases[i].s, 1, 0x80000000, 0x2000, &len);
		expect_elf_error(elf, len, cases[i].err, cases[i].phrase);
		free(elf);
	}
	/* Only non-loadable or empty segments. */
	const struct seg none[] = { { 4, 4, 0x100, 0, 0, 0x10, 0x10 },
				    { 1, 4, 0x100, 0x80000000, 0x80000000, 0, 0 } };
	size_t len;
	uint8_t *elf = make_elf(none, 2, 0x80000000, 0x1000, &len);
	expect_elf_error(elf, len, BI_E_NOLOAD, "no PT_LOAD");
	free(elf);
	/* Too many loadable segments. */
	struct seg many[BI_MAX_SEGMENTS + 1];
	for (uint64_t i = 0; i < BI_MAX_SEGMENTS + 1; i++)
		many[i] = (struct seg){ 1, 4, 0x100, 0x80000000 + 0x1000 * i,
					0x80000000 + 0x1000 * i, 0x10, 0x10 };
	elf = make_elf(many, BI_MAX_SEGMENTS + 1, 0x80000000, 0x1000, &len);
	expect_elf_error(elf, len, BI_E_TOOMANY, "more than");
	free(elf);
}

/* Deterministic PRNG (xorshift64*), so a failure repeats. */
static uint64_t rng_state = 14;
static uint64_t next_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Random corruption of a valid file: the reader may refuse it or accept
 * it, but must never read outside the buffer (ASan watches) and, when it
 * accepts, every segment's file bytes lie inside the file. */
static void test_elf_random_corruption(void **state)
{
	(void)state;
	size_t len;
	uint8_t *elf = make_elf(two_segs, 2, 0x80000000, 0x2000, &len);
	for (int round = 0; round < 20000; round++) {
		size_t n = round % 4 == 0 ? (size_t)(next_rand() % len) : len;
		uint8_t *c = cut(elf, n);
		for (int k = (int)(next_rand() % 4); k >= 0 && n; k--)
			c[next_rand() % (n < 200 ? n : 200)] = (uint8_t)next_rand();
		struct bi_elf e;
		char why[200];
		if (bi_elf_parse(c, n, &e, why, sizeof(why)) == BI_OK) {
			assert_true(e.nseg >= 1 && e.nseg <= BI_MAX_SEGMENTS);
			for (unsigned i = 0; i < e.nseg; i++) {
				assert_true(e.seg[i].offset <= n);
				assert_true(e.seg[i].filesz <= n - e.seg[i].offset);
				assert_true(e.seg[i].filesz <= e.seg[i].memsz);
			}
		}
		free(c);
	}
	free(elf);
}

static void test_ranges(void **state)
{
	(void)state;
	char msg[200];
	const uint64_t ram = 0x80000000, size = 64 << 20;
	struct bi_range ok[] = {
		{ 0x80000000, 0x1000, "ELF segment 0" },
		{ 0x80001000, 0x1000, "ELF segment 1" },
		{ 0x83ffc000, 0x4000, "the device tree" },
	};
	assert_int_equal(bi_check_ranges(ok, 3, ram, size, msg, sizeof(msg)), 0);

	struct bi_range overlap[] = {
		{ 0x80000000, 0x1800, "ELF segment 0" },
		{ 0x80001000, 0x1000, "ELF segment 1" },
	};
	assert_int_equal(bi_check_ranges(overlap, 2, ram, size, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "ELF segment 1 at GPA 0x80001000-0x80001fff overlaps "
				 "ELF segment 0 at GPA 0x80000000-0x800017ff");

	struct bi_range below[] = { { 0x7ffff000, 0x2000, "the flat binary" } };
	assert_int_equal(bi_check_ranges(below, 1, ram, size, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "the flat binary at GPA 0x7ffff000-0x80000fff lies outside "
				 "guest RAM 0x80000000-0x83ffffff");
	struct bi_range above[] = { { 0x83fff000, 0x2000, "the initramfs" } };
	assert_int_equal(bi_check_ranges(above, 1, ram, size, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "the initramfs at GPA 0x83fff000-0x84000fff lies outside"));
	struct bi_range wrap[] = { { 0xfffffffffffff000, 0x2000, "ELF segment 3" } };
	assert_int_equal(bi_check_ranges(wrap, 1, ram, size, msg, sizeof(msg)), -1);
	struct bi_range empty[] = { { 0x80000000, 0, "nothing" } };
	assert_int_equal(bi_check_ranges(empty, 1, ram, size, msg, sizeof(msg)), -1);
	/* The last byte of RAM is in; the byte past it is not. */
	struct bi_range last[] = { { 0x83ffffff, 1, "a byte" } };
	assert_int_equal(bi_check_ranges(last, 1, ram, size, NULL, 0), 0);
	last[0].base++;
	assert_int_equal(bi_check_ranges(last, 1, ram, size, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_linux_header),
		cmocka_unit_test(test_elf_good),
		cmocka_unit_test(test_elf_skips_and_virtual_entry),
		cmocka_unit_test(test_elf_truncated),
		cmocka_unit_test(test_elf_bad_header_fields),
		cmocka_unit_test(test_elf_bad_segments),
		cmocka_unit_test(test_elf_random_corruption),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
