/*
 * libFuzzer harness: the load/store decoder and the disassembler
 * (lib/insn.c: insn_decode_mem, insn_from_htinst, insn_disasm).
 *
 * Every 16-bit-aligned position of the input (up to MAX_WORDS of them) is
 * read as a little-endian instruction word, as the hypervisor fetches
 * one; every 8-byte-aligned position also as an htinst value. Besides the
 * sanitizers, it checks what lib/insn.h promises:
 *  - a decoded load/store has width 1, 2, 4 or 8, registers below 32, the
 *    length insn_length() gives, no sign extension for stores, and FP
 *    accesses of 4 or 8 bytes;
 *  - insn_from_htinst returns 0 (leaving *insn alone) or 2 or 4 with a
 *    32-bit load, store or AMO that insn_decode_mem accepts;
 *  - insn_disasm returns strlen of what it wrote, writes printable ASCII,
 *    and into a short buffer writes a NUL-terminated prefix of the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_insn: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                \
			abort();                                           \
		}                                                          \
	} while (0)

#define MAX_WORDS 64

/* Little-endian value of n bytes at p (bytes past end count as 0). */
static uint64_t le(const uint8_t *p, const uint8_t *end, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && p + i < end; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* insn_decode_mem and the invariants of its result. */
static void check_decode(uint32_t insn)
{
	struct insn_mem m;
	int r;

	memset(&m, 0xa5, sizeof(m));
	r = insn_decode_mem(insn, &m);
	CHECK(r == INSN_OK || r == INSN_NOT_MEM || r == INSN_AMO ||
	      r == INSN_ILLEGAL);
	if (r != INSN_OK)
		return;
	CHECK(m.width == 1 || m.width == 2 || m.width == 4 || m.width == 8);
	CHECK(m.reg < 32 && m.rs1 < 32);
	CHECK(m.len == insn_length(insn & 0xffffu));
	CHECK(m.is_store <= 1 && m.is_signed <= 1 && m.is_fp <= 1);
	CHECK(!(m.is_store && m.is_signed));
	CHECK(!m.is_fp || m.width == 4 || m.width == 8);
	CHECK(!m.is_fp || !m.is_signed);
}

/* insn_disasm into a roomy buffer and into a short one. */
static void check_disasm(uint32_t insn, size_t short_size)
{
	char full[128], cut[16];
	int n = insn_disasm(insn, full, sizeof(full));
	int full_n = n;

	CHECK(n > 0 && (size_t)n < sizeof(full) - 1);
	CHECK(strlen(full) == (size_t)n);
	for (int i = 0; i < n; i++)
		CHECK(full[i] >= 0x20 && full[i] < 0x7f);
	n = insn_disasm(insn, cut, short_size);
	if (short_size == 0) {
		CHECK(n == 0);
		return;
	}
	CHECK(strlen(cut) == (size_t)n);
	CHECK(n == (full_n < (int)short_size ? full_n : (int)short_size - 1));
	CHECK(memcmp(cut, full, (size_t)n) == 0);
}

/* insn_from_htinst and the invariants of its result. */
static void check_htinst(uint64_t htinst)
{
	uint32_t insn = 0xdeadbeefu;
	struct insn_mem m;
	int r = insn_from_htinst(htinst, &insn);

	if (r == 0) {
		CHECK(insn == 0xdeadbeefu);
		return;
	}
	CHECK(r == 2 || r == 4);
	CHECK(insn_length(insn & 0xffffu) == 4);
	r = insn_decode_mem(insn, &m);
	CHECK(r == INSN_OK || r == INSN_AMO);
	check_disasm(insn, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	size_t words = 0;

	for (size_t i = 0; i < size && words < MAX_WORDS; i += 2, words++) {
		uint32_t insn = (uint32_t)le(data + i, end, 4);

		check_decode(insn);
		check_disasm(insn, data[i] % 16);
		if (i % 8 == 0)
			check_htinst(le(data + i, end, 8));
	}
	return 0;
}
