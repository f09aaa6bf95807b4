/*
 * libFuzzer harness: guest images a user brings (lib/boot_image.c).
 *
 * The hypervisor runs bi_detect, bi_linux_parse and bi_elf_parse on a file
 * it did not make, before anything is copied into guest RAM. The input is
 * handed over in a heap buffer of exactly its size, so ASan catches any
 * read past the end. Besides the sanitizers the harness checks what
 * lib/boot_image.h promises:
 *  - bi_detect names ELF exactly when the ELF magic is there;
 *  - bi_foreign answers 0 or 1 and says why exactly when it answers 1,
 *    in a terminated sentence;
 *  - an accepted Linux Image has image_size >= the file's length;
 *  - an accepted ELF has 1..BI_MAX_SEGMENTS segments, each with its file
 *    bytes inside the input, filesz <= memsz, no wrap of paddr + memsz,
 *    and an entry inside one segment; a refused one says why in a
 *    terminated sentence;
 *  - bi_check_ranges on the segments (and on ranges taken from the input's
 *    last bytes) accepts exactly when a brute-force check finds every
 *    range inside RAM and no two overlapping.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_image.h"

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_boot_image: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* The same question bi_check_ranges answers, asked the slow way. */
static int ranges_ok(const struct bi_range *r, unsigned n, uint64_t base,
		     uint64_t size)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].size;
		if (r[i].size == 0 || end < r[i].base || r[i].base < base ||
		    end > base + size)
			return 0;
		for (unsigned j = 0; j < i; j++)
			if (r[i].base < r[j].base + r[j].size &&
			    r[j].base < r[i].base + r[i].size)
				return 0;
	}
	return 1;
}

static void check_ranges(const struct bi_range *r, unsigned n, uint64_t base,
			 uint64_t size)
{
	char msg[256];

	memset(msg, 'x', sizeof(msg));
	int rc = bi_check_ranges(r, n, base, size, msg, sizeof(msg));
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == 0) == ranges_ok(r, n, base, size));
	if (rc)
		CHECK(memchr(msg, 0, sizeof(msg)) != NULL && msg[0] != 0);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void check_elf(const uint8_t *buf, size_t len)
{
	struct bi_elf e;
	char why[200];

	memset(why, 'x', sizeof(why));
	int rc = bi_elf_parse(buf, len, &e, why, sizeof(why));
	if (rc != BI_OK) {
		CHECK(rc < 0 && bi_strerror(rc) != NULL);
		CHECK(memchr(why, 0, sizeof(why)) != NULL && why[0] != 0);
		return;
	}
	CHECK(e.nseg >= 1 && e.nseg <= BI_MAX_SEGMENTS);
	int entry_in = 0;
	struct bi_range r[BI_MAX_SEGMENTS];
	for (unsigned i = 0; i < e.nseg; i++) {
		const struct bi_segment *s = &e.seg[i];
		CHECK(s->filesz <= s->memsz && s->memsz > 0);
		CHECK(s->offset <= len && s->filesz <= len - s->offset);
		CHECK(s->paddr + s->memsz >= s->paddr);
		if (e.entry_paddr >= s->paddr && e.entry_paddr - s->paddr < s->memsz)
			entry_in = 1;
		r[i] = (struct bi_range){ s->paddr, s->memsz, "segment" };
	}
	CHECK(entry_in);
	/* Where a guest's RAM would be: virt's default base, 128 MiB. */
	check_ranges(r, e.nseg, 0x80000000ULL, 128ULL << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	enum bi_format f = bi_detect(buf, size);
	CHECK(f == BI_FLAT || f == BI_LINUX || f == BI_ELF);
	CHECK((f == BI_ELF) == (size >= 4 && memcmp(buf, "\x7f" "ELF", 4) == 0));
	CHECK(bi_format_name(f) != NULL);
	char why[200];
	memset(why, 'x', sizeof(why));
	int foreign = bi_foreign(buf, size, why, sizeof(why));
	CHECK(foreign == 0 || foreign == 1);
	CHECK(memchr(why, 0, sizeof(why)) != NULL && (why[0] != 0) == foreign);

	/* (len 0 asks bi_linux_parse to read a header of unknown length.) */
	struct bi_linux lx;
	if (size && bi_linux_parse(buf, size, &lx) == BI_OK)
		CHECK(lx.image_size >= size);
	check_elf(buf, size);

	/* Up to 4 ranges from the last 64 bytes, against a RAM from the first
	 * 16: placement of segments, kernel and initramfs by any numbers. */
	if (size >= 80) {
		struct bi_range r[4];
		const uint8_t *t = buf + size - 64;
		uint64_t base = get64(buf), ram = get64(buf + 8);
		if (base + ram >= base) {
			for (unsigned i = 0; i < 4; i++)
				r[i] = (struct bi_range){ get64(t + 16UL * i), get64(t + 16UL * i + 8), "range" };
			check_ranges(r, 4, base, ram);
		}
	}
	free(buf);
	return 0;
}
