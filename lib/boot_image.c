/*
 * Guest image formats and placement checks (boot_image.h).
 *
 * ELF layout from the System V ABI ("ELF Header", "Program Header") with
 * the 64-bit field sizes of ELF-64; the RISC-V psABI names EM_RISCV (243).
 * The Linux Image header from Linux Documentation/arch/riscv/
 * boot-image-header.rst. All multi-byte fields are little endian and read a
 * byte at a time, so the buffer needs no alignment.
 */
#include "boot_image.h"

#include <stdio.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

/* A RISC-V Linux Image header's magic: magic2 (header 0.2 on), or the
 * first magic alone (header 0.1, which has no magic2). */
static int linux_magic(const uint8_t *b)
{
	return rd32(b + 0x38) == BI_LINUX_MAGIC2 || rd64(b + 0x30) == BI_LINUX_MAGIC;
}

enum bi_format bi_detect(const void *buf, uint64_t len)
{
	const uint8_t *b = buf;
	if (len >= 4 && memcmp(b, elf_magic, 4) == 0)
		return BI_ELF;
	if (len >= BI_LINUX_HEADER_SIZE && linux_magic(b))
		return BI_LINUX;
	return BI_FLAT;
}

/* Compressed files, by the magic number each format's specification puts
 * at offset 0. The Linux kernel is packed in each (vmlinuz, Image.gz,
 * Image.xz, ...). */
static const struct bi_packed {
	const char *name, *tool;
	uint8_t len, magic[6];
} packed[] = {
	{ "gzip", "zcat", 3, { 0x1f, 0x8b, 0x08 } },		/* RFC 1952 2.3.1: ID1 ID2 CM=deflate */
	{ "xz", "xzcat", 6, { 0xfd, '7', 'z', 'X', 'Z', 0 } },	/* .xz format 2.1.1.1 */
	{ "zstd", "zstdcat", 4, { 0x28, 0xb5, 0x2f, 0xfd } },	/* RFC 8878 3.1.1: 0xFD2FB528 LE */
	{ "lz4", "lz4cat", 4, { 0x02, 0x21, 0x4c, 0x18 } },	/* LZ4 legacy frame, 0x184C2102 LE */
	{ "lz4", "lz4cat", 4, { 0x04, 0x22, 0x4d, 0x18 } },	/* LZ4 frame, 0x184D2204 LE */
};

#define WHY(...) do { if (why && why_size) snprintf(why, why_size, __VA_ARGS__); } while (0)

static int at(const uint8_t *b, uint64_t len, uint64_t off, const void *magic, size_t n)
{
	return len >= off + n && memcmp(b + off, magic, n) == 0;
}

int bi_foreign(const void *buf, uint64_t len, char *why, size_t why_size)
{
	const uint8_t *b = buf;
	if (why && why_size)
		why[0] = 0;
	for (size_t i = 0; i < sizeof(packed) / sizeof(packed[0]); i++)
		if (at(b, len, 0, packed[i].magic, packed[i].len)) {
			WHY("a %s-compressed file: decompress it first (%s FILE > Image) and "
			    "boot what comes out", packed[i].name, packed[i].tool);
			return 1;
		}
	/* bzip2: "BZh", the block size '1'-'9', then the first block's
	 * magic 0x314159265359 (bzip2's file format). */
	static const uint8_t bz_block[6] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
	if (at(b, len, 0, "BZh", 3) && len > 3 && b[3] >= '1' && b[3] <= '9' &&
	    at(b, len, 4, bz_block, sizeof(bz_block))) {
		WHY("a bzip2-compressed file: decompress it first (bzcat FILE > Image) and "
		    "boot what comes out");
		return 1;
	}
	/* Linux's EFI zboot image (drivers/firmware/efi/libstub/
	 * zboot-header.S): "MZ", "zimg", the payload's offset and size, and
	 * its compression's name at 0x18. */
	if (at(b, len, 0, "MZ", 2) && at(b, len, 4, "zimg", 4) && len >= 0x20) {
		char comp[9];
		size_t n = 0;
		while (n < 8 && b[0x18 + n] >= 'a' && b[0x18 + n] <= 'z')
			comp[n] = (char)b[0x18 + n], n++;
		comp[n] = 0;
		WHY("a Linux EFI zboot kernel (vmlinuz.efi: a PE loader and a %s-compressed "
		    "Image, %u bytes at offset %#x): boot the uncompressed Image (the "
		    "kernel build's arch/riscv/boot/Image)", n ? comp : "compressed",
		    (unsigned)rd32(b + 12), (unsigned)rd32(b + 8));
		return 1;
	}
	/* U-Boot's legacy image (uImage, from mkimage): a 64-byte header,
	 * big-endian, magic 0x27051956 at 0, the payload's size at 12, its
	 * architecture at 29 (RISC-V 26), compression at 31, name at 32. */
	static const uint8_t uimage_magic[4] = { 0x27, 0x05, 0x19, 0x56 };
	if (at(b, len, 0, uimage_magic, 4) && len >= 64) {
		static const char *const comp[] = { "uncompressed", "gzip-compressed",
						    "bzip2-compressed", "lzma-compressed",
						    "lzo-compressed", "lz4-compressed",
						    "zstd-compressed" };
		char name[33], arch[48] = "";
		for (size_t i = 0; i < 32; i++)
			name[i] = b[32 + i] >= 0x20 && b[32 + i] < 0x7f ? (char)b[32 + i]
				  : b[32 + i] ? '?' : 0;
		name[32] = 0;
		if (b[29] != 26)
			snprintf(arch, sizeof(arch), ", for U-Boot architecture %u, not RISC-V (26)",
				 b[29]);
		unsigned size = (unsigned)b[12] << 24 | (unsigned)b[13] << 16 |
				(unsigned)b[14] << 8 | b[15];
		WHY("a U-Boot legacy uImage ('%s': %u bytes of %s payload%s): boot the image "
		    "inside it, from byte 64 on (dumpimage -T kernel -p 0 -o Image FILE)%s",
		    name, size, b[31] < sizeof(comp) / sizeof(comp[0]) ? comp[b[31]] : "compressed",
		    arch, b[31] ? ", and decompress that" : "");
		return 1;
	}
	/* arm64's Image header: magic "ARM\x64" at 0x38
	 * (Documentation/arch/arm64/booting.rst). */
	if (at(b, len, 0x38, "ARM\x64", 4)) {
		WHY("an arm64 Linux Image (magic ARM\\x64 at 0x38), not a RISC-V one (RSC\\x05 at "
		    "0x38)");
		return 1;
	}
	/* x86's boot protocol: boot_flag 0xAA55 at 0x1FE, header "HdrS" at
	 * 0x202 (Documentation/arch/x86/boot.rst). */
	static const uint8_t x86_flag[2] = { 0x55, 0xaa };
	if (at(b, len, 0x1fe, x86_flag, 2) && at(b, len, 0x202, "HdrS", 4)) {
		WHY("an x86 Linux kernel (bzImage: HdrS at 0x202), not a RISC-V one");
		return 1;
	}
	return 0;
}

const char *bi_format_name(enum bi_format f)
{
	switch (f) {
	case BI_ELF: return "ELF";
	case BI_LINUX: return "Linux Image";
	default: return "flat binary";
	}
}

const char *bi_strerror(int err)
{
	switch (err) {
	case BI_OK: return "no error";
	case BI_E_TRUNCATED: return "shorter than its header";
	case BI_E_MAGIC: return "no magic number of this format";
	case BI_E_CLASS: return "not a 64-bit ELF file";
	case BI_E_DATA: return "not little endian";
	case BI_E_VERSION: return "unknown ELF version";
	case BI_E_MACHINE: return "not a RISC-V ELF file (e_machine is not EM_RISCV)";
	case BI_E_TYPE: return "not an executable (e_type is not ET_EXEC)";
	case BI_E_PHENTSIZE: return "program header entries are not 56 bytes";
	case BI_E_PHDRS: return "the program header table lies outside the file";
	case BI_E_SEGFILE: return "a segment's bytes lie outside the file";
	case BI_E_SEGSIZE: return "a segment has more bytes in the file than in memory";
	case BI_E_SEGWRAP: return "a segment's addresses wrap past 2^64";
	case BI_E_TOOMANY: return "too many loadable segments";
	case BI_E_NOLOAD: return "no loadable segment";
	case BI_E_ENTRY: return "the entry point lies in no loaded segment";
	case BI_E_SIZE: return "image_size is smaller than the file";
	default: return "unknown error";
	}
}

int bi_linux_parse(const void *buf, uint64_t len, struct bi_linux *out)
{
	const uint8_t *b = buf;
	if (len && len < BI_LINUX_HEADER_SIZE)
		return BI_E_TRUNCATED;
	if (!linux_magic(b))
		return BI_E_MAGIC;
	out->text_offset = rd64(b + 0x08);
	out->image_size = rd64(b + 0x10);
	out->flags = rd64(b + 0x18);
	out->version = rd32(b + 0x20);
	if (out->flags & 1)
		return BI_E_DATA;
	if (out->image_size == 0)
		out->image_size = len;
	if (out->image_size == 0 || (len && out->image_size < len))
		return BI_E_SIZE;
	return BI_OK;
}

/* ELF-64 header and program header offsets. */
#define EH_SIZE 64u
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20
#define E_ENTRY 24
#define E_PHOFF 32
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define PH_SIZE 56u
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_PADDR 24
#define P_FILESZ 32
#define P_MEMSZ 40
#define ET_EXEC 2
#define ET_DYN 3

static int read_segment(const uint8_t *ph, uint64_t len, unsigned i, struct bi_segment *s,
			char *why, size_t why_size)
{
	s->index = i;
	s->flags = rd32(ph + P_FLAGS);
	s->offset = rd64(ph + P_OFFSET);
	s->vaddr = rd64(ph + P_VADDR);
	s->paddr = rd64(ph + P_PADDR);
	s->filesz = rd64(ph + P_FILESZ);
	s->memsz = rd64(ph + P_MEMSZ);
	if (s->filesz > s->memsz) {
		WHY("ELF segment %u: %#llx bytes in the file but only %#llx in memory", i,
		    (unsigned long long)s->filesz, (unsigned long long)s->memsz);
		return BI_E_SEGSIZE;
	}
	if (s->offset > len || s->filesz > len - s->offset) {
		WHY("ELF segment %u: file bytes %#llx+%#llx lie past the end of the file "
		    "(%#llx bytes)", i, (unsigned long long)s->offset,
		    (unsigned long long)s->filesz, (unsigned long long)len);
		return BI_E_SEGFILE;
	}
	if (s->paddr + s->memsz < s->paddr || s->vaddr + s->memsz < s->vaddr) {
		WHY("ELF segment %u: address %#llx + %#llx bytes wraps past 2^64", i,
		    (unsigned long long)s->paddr, (unsigned long long)s->memsz);
		return BI_E_SEGWRAP;
	}
	return BI_OK;
}

static int find_entry(struct bi_elf *e, char *why, size_t why_size)
{
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct bi_segment *s = &e->seg[i];
		if (e->entry >= s->paddr && e->entry - s->paddr < s->memsz) {
			e->entry_paddr = e->entry;
			return BI_OK;
		}
	}
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct bi_segment *s = &e->seg[i];
		if (e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz) {
			e->entry_paddr = s->paddr + (e->entry - s->vaddr);
			return BI_OK;
		}
	}
	WHY("ELF entry %#llx lies in no loadable segment", (unsigned long long)e->entry);
	return BI_E_ENTRY;
}

int bi_elf_parse(const void *buf, uint64_t len, struct bi_elf *out, char *why,
		 size_t why_size)
{
	const uint8_t *b = buf;
	if (why && why_size)
		why[0] = 0;
	memset(out, 0, sizeof(*out));
	if (len < 4 || memcmp(b, elf_magic, 4) != 0) {
		WHY("no ELF magic number");
		return BI_E_MAGIC;
	}
	if (len < EH_SIZE) {
		WHY("ELF header truncated: %llu of %u bytes", (unsigned long long)len, EH_SIZE);
		return BI_E_TRUNCATED;
	}
	if (b[EI_CLASS] != 2) {
		WHY("ELF class %u: only ELF-64 (class 2) is loaded", (unsigned)b[EI_CLASS]);
		return BI_E_CLASS;
	}
	if (b[EI_DATA] != 1) {
		WHY("ELF data encoding %u: only little endian (1) is loaded", (unsigned)b[EI_DATA]);
		return BI_E_DATA;
	}
	if (b[EI_VERSION] != 1 || rd32(b + E_VERSION) != 1) {
		WHY("ELF version %u/%u, want 1", (unsigned)b[EI_VERSION], rd32(b + E_VERSION));
		return BI_E_VERSION;
	}
	if (rd16(b + E_MACHINE) != BI_ELF_EM_RISCV) {
		WHY("ELF machine %u: not RISC-V (%u)", (unsigned)rd16(b + E_MACHINE),
		    (unsigned)BI_ELF_EM_RISCV);
		return BI_E_MACHINE;
	}
	uint16_t type = rd16(b + E_TYPE);
	if (type != ET_EXEC) {
		WHY("ELF type %u%s: only executables (ET_EXEC, 2) are loaded", type,
		    type == ET_DYN ? " (ET_DYN: position independent, needs relocating)" : "");
		return BI_E_TYPE;
	}
	out->entry = rd64(b + E_ENTRY);
	uint64_t phoff = rd64(b + E_PHOFF);
	unsigned phnum = rd16(b + E_PHNUM), phentsize = rd16(b + E_PHENTSIZE);
	if (phnum == 0) {
		WHY("ELF file has no program headers");
		return BI_E_NOLOAD;
	}
	if (phentsize != PH_SIZE) {
		WHY("ELF program header entries of %u bytes, want %u", phentsize, PH_SIZE);
		return BI_E_PHENTSIZE;
	}
	/* phnum < 2^16 and PH_SIZE < 2^6: the product cannot wrap. */
	uint64_t table = (uint64_t)phnum * PH_SIZE;
	if (phoff > len || table > len - phoff) {
		WHY("ELF program header table %#llx+%#llx lies past the end of the file "
		    "(%#llx bytes)", (unsigned long long)phoff, (unsigned long long)table,
		    (unsigned long long)len);
		return BI_E_PHDRS;
	}
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * PH_SIZE;
		if (rd32(ph + P_TYPE) != BI_ELF_PT_LOAD || rd64(ph + P_MEMSZ) == 0)
			continue;
		if (out->nseg == BI_MAX_SEGMENTS) {
			WHY("more than %u loadable ELF segments", (unsigned)BI_MAX_SEGMENTS);
			return BI_E_TOOMANY;
		}
		int err = read_segment(ph, len, i, &out->seg[out->nseg], why, why_size);
		if (err)
			return err;
		out->nseg++;
	}
	if (out->nseg == 0) {
		WHY("ELF file has no PT_LOAD segment with memory");
		return BI_E_NOLOAD;
	}
	return find_entry(out, why, why_size);
}

static int overlaps(const struct bi_range *a, const struct bi_range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int bi_check_ranges(const struct bi_range *r, unsigned n, uint64_t ram_base,
		    uint64_t ram_size, char *msg, size_t msg_size)
{
	uint64_t ram_end = ram_base + ram_size; /* the caller's RAM does not wrap */
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].size;
		if (r[i].size == 0 || end < r[i].base || r[i].base < ram_base || end > ram_end) {
			if (msg && msg_size)
				snprintf(msg, msg_size,
					 "%s at GPA %#llx-%#llx lies outside guest RAM %#llx-%#llx",
					 r[i].what, (unsigned long long)r[i].base,
					 (unsigned long long)(end - 1), (unsigned long long)ram_base,
					 (unsigned long long)(ram_end - 1));
			return -1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (overlaps(&r[i], &r[j])) {
				if (msg && msg_size)
					snprintf(msg, msg_size,
						 "%s at GPA %#llx-%#llx overlaps %s at GPA %#llx-%#llx",
						 r[j].what, (unsigned long long)r[j].base,
						 (unsigned long long)(r[j].base + r[j].size - 1),
						 r[i].what, (unsigned long long)r[i].base,
						 (unsigned long long)(r[i].base + r[i].size - 1));
				return -1;
			}
	return 0;
}
