/*
 * Guest images a user brings: telling the format from the bytes, reading a
 * RISC-V Linux Image header and an ELF file's program headers, and checking
 * that what is to be loaded fits guest RAM without overlaps.
 *
 * Formats (bi_detect):
 *   ELF    "\x7fELF" at offset 0 (ELF-64, little endian, EM_RISCV,
 *          ET_EXEC): each PT_LOAD segment goes to its p_paddr, the entry
 *          is e_entry.
 *   Linux  a RISC-V Linux Image: magic2 "RSC\x05" at offset 0x38
 *          (Documentation/arch/riscv/boot-image-header.rst), or, in a
 *          header of version 0.1 (before magic2), the magic "RISCV" at
 *          0x30, which 0.2 keeps but deprecates: loaded at RAM base +
 *          text_offset, entered there.
 *   flat   anything else: loaded at RAM base + BI_FLAT_OFFSET, entered there;
 *          but the hypervisor refuses one that bi_foreign recognises.
 *
 * Everything here works on an untrusted buffer of known length: no read
 * outside [buf, buf + len), no assumption of alignment, no arithmetic that
 * can wrap unnoticed. Freestanding apart from snprintf (used for the
 * messages); shared by the hypervisor and the host unit tests.
 */
#ifndef TRACEVISOR_BOOT_IMAGE_H
#define TRACEVISOR_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum bi_format { BI_FLAT, BI_LINUX, BI_ELF };

/*
 * Where in guest RAM a flat binary goes: 2 MiB on, where QEMU virt puts a
 * -kernel that is neither ELF nor uImage (the first 2 MiB boundary past
 * the firmware at the RAM base) and where OpenSBI's fw_jump and fw_payload
 * jump on RV64, so an S-mode program linked for virt under OpenSBI runs
 * here unmodified. It is also the text_offset of an RV64 Linux Image.
 */
#define BI_FLAT_OFFSET 0x200000u

/* The format of the len bytes at buf (BI_FLAT when neither magic fits). */
enum bi_format bi_detect(const void *buf, uint64_t len);
const char *bi_format_name(enum bi_format f);

/*
 * Is a file bi_detect calls flat recognisably something no RISC-V hart
 * can run as it is: a compressed file (gzip, xz, zstd, bzip2, lz4), a
 * Linux EFI zboot kernel (vmlinuz.efi), an arm64 Linux Image or an x86
 * bzImage? Then 1, and `why` (when not NULL) names what it is and what to
 * boot instead; else 0. Run as a flat binary, such a file is garbage to
 * the hart: the guest dies at its first instruction with nothing saying
 * why. Each test is a magic number of at least four bytes at a fixed
 * offset, which a flat binary's code would match only by accident.
 */
int bi_foreign(const void *buf, uint64_t len, char *why, size_t why_size);

/* Errors (negative). bi_strerror gives a phrase for each. */
enum {
	BI_OK = 0,
	BI_E_TRUNCATED = -1,	/* shorter than its header */
	BI_E_MAGIC = -2,	/* not this format */
	BI_E_CLASS = -3,	/* ELF: not ELF-64 */
	BI_E_DATA = -4,		/* ELF: not little endian; Linux: big-endian flag */
	BI_E_VERSION = -5,	/* ELF: e_ident / e_version not 1 */
	BI_E_MACHINE = -6,	/* ELF: not EM_RISCV */
	BI_E_TYPE = -7,		/* ELF: not ET_EXEC */
	BI_E_PHENTSIZE = -8,	/* ELF: program header entry size not 56 */
	BI_E_PHDRS = -9,	/* ELF: program header table outside the file */
	BI_E_SEGFILE = -10,	/* ELF: a segment's bytes lie outside the file */
	BI_E_SEGSIZE = -11,	/* ELF: p_filesz > p_memsz */
	BI_E_SEGWRAP = -12,	/* ELF: p_paddr + p_memsz wraps past 2^64 */
	BI_E_TOOMANY = -13,	/* ELF: more than BI_MAX_SEGMENTS PT_LOAD segments */
	BI_E_NOLOAD = -14,	/* ELF: no PT_LOAD segment with memory */
	BI_E_ENTRY = -15,	/* ELF: the entry lies in no loaded segment */
	BI_E_SIZE = -16,	/* Linux: image_size smaller than the file */
};
const char *bi_strerror(int err);

/* ---- RISC-V Linux Image --------------------------------------------- */

#define BI_LINUX_MAGIC2 0x05435352u /* "RSC\x05", little endian at 0x38 */
#define BI_LINUX_MAGIC 0x5643534952ull /* "RISCV\0\0\0", little endian at 0x30 */
#define BI_LINUX_HEADER_SIZE 64u

struct bi_linux {
	uint64_t text_offset;	/* load at RAM base + text_offset */
	uint64_t image_size;	/* bytes the kernel occupies there (>= file) */
	uint64_t flags;		/* bit 0: big endian */
	uint32_t version;	/* major << 16 | minor */
};

/* Read the header of a Linux Image of `len` bytes (len 0: the length is
 * not known, only the header is read). image_size 0 (headers before
 * version 0.2) becomes len. */
int bi_linux_parse(const void *buf, uint64_t len, struct bi_linux *out);

/* ---- ELF ------------------------------------------------------------- */

#define BI_MAX_SEGMENTS 16
#define BI_ELF_EM_RISCV 243
#define BI_ELF_PT_LOAD 1
#define BI_ELF_PF_X 1

struct bi_segment {
	uint64_t paddr, vaddr;	/* where it goes (paddr) and is linked (vaddr) */
	uint64_t offset;	/* its bytes in the file */
	uint64_t filesz, memsz;	/* memsz - filesz bytes of zeros follow */
	uint32_t flags;		/* PF_X 1, PF_W 2, PF_R 4 */
	unsigned index;		/* its program header's index */
};

struct bi_elf {
	uint64_t entry;		/* e_entry as the header gives it */
	uint64_t entry_paddr;	/* the entry in physical terms (bi_elf_parse) */
	unsigned nseg;		/* PT_LOAD segments with p_memsz > 0 */
	struct bi_segment seg[BI_MAX_SEGMENTS];
};

/*
 * Parse an ELF file of `len` bytes: header, program header table and every
 * PT_LOAD segment (those with p_memsz 0 are skipped). The entry point is
 * kept as a physical address: e_entry itself when it lies in a segment's
 * [p_paddr, p_paddr + p_memsz), else translated through the segment whose
 * [p_vaddr, p_vaddr + p_memsz) holds it. On an error `why` (when not NULL)
 * says what is wrong in a sentence naming the offsets or the segment.
 */
int bi_elf_parse(const void *buf, uint64_t len, struct bi_elf *out, char *why,
		 size_t why_size);

/* ---- Placement ------------------------------------------------------- */

struct bi_range {
	uint64_t base, size;	/* guest-physical; size > 0 */
	const char *what;	/* "ELF segment 1", "the initramfs", ... */
};

/*
 * Is every range inside guest RAM [ram_base, ram_base + ram_size), and do
 * no two overlap? 0 when so; else -1 and `msg` names the offending ranges
 * with their addresses (the first problem found).
 */
int bi_check_ranges(const struct bi_range *r, unsigned n, uint64_t ram_base,
		    uint64_t ram_size, char *msg, size_t msg_size);

#endif
