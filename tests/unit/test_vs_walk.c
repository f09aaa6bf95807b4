/*
 * Host unit tests for the software VS-stage walk (hyp/gstage/vs_walk.c):
 * the real hypervisor source against guest page tables built here, in a
 * small guest-physical memory of which only some pages are "mapped by
 * the G-stage" (readable by the walk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../hyp/gstage/vs_walk.h"

/* 64 pages of guest memory at GPA 0x80000000; pages may be unmapped. */
#define MEM_GPA 0x80000000UL
#define MEM_PAGES 64
static uint64_t mem[MEM_PAGES][512];
static bool unmapped[MEM_PAGES];
static unsigned reads;

static bool read_pte(void *ctx, uint64_t gpa, uint64_t *pte)
{
	(void)ctx;
	reads++;
	assert_int_equal(gpa & 7, 0); /* a PTE is read aligned */
	if (gpa < MEM_GPA || gpa >= MEM_GPA + MEM_PAGES * 4096UL)
		return false;
	unsigned page = (unsigned)((gpa - MEM_GPA) >> 12);
	if (unmapped[page])
		return false;
	*pte = mem[page][(gpa >> 3) & 511];
	return true;
}

static uint64_t page_gpa(unsigned page)
{
	return MEM_GPA + page * 4096UL;
}

/* A pointer PTE to page `page`, a leaf PTE mapping GPA `gpa`. */
static uint64_t ptr(unsigned page)
{
	return ((page_gpa(page) >> 12) << PTE_PPN_SHIFT) | PTE_V;
}
static uint64_t leaf(uint64_t gpa)
{
	return ((gpa >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
}

static uint64_t vpn(uint64_t gva, unsigned level)
{
	return (gva >> (12 + 9 * level)) & 511;
}

/* Sv39's upper two levels for gva: root page 0 -> page 1 -> page 2. */
static void upper_levels(uint64_t gva)
{
	mem[0][vpn(gva, 2)] = ptr(1);
	mem[1][vpn(gva, 1)] = ptr(2);
}

static int reset(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	memset(unmapped, 0, sizeof(unmapped));
	reads = 0;
	return 0;
}

static uint64_t satp(uint64_t mode, unsigned root_page)
{
	return mode | (page_gpa(root_page) >> 12);
}

static void test_bare(void **state)
{
	uint64_t gpa = 0;
	(void)state;
	assert_int_equal(vs_walk(0, 0x10000123, read_pte, NULL, &gpa), VS_WALK_DONE);
	assert_int_equal(gpa, 0x10000123);
	assert_int_equal(reads, 0);
}

/* Sv39, three levels down to a 4 KiB leaf. */
static void test_sv39_4k(void **state)
{
	uint64_t gva = 0x40001abc, gpa = 0;
	(void)state;
	upper_levels(gva);
	mem[2][vpn(gva, 0)] = leaf(0x10000000);
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0x10000abc);
	assert_int_equal(reads, 3);
}

/* Superpages keep the VA's low VPN bits: 2 MiB and 1 GiB under Sv39, a
 * 512 GiB one under Sv48. */
static void test_superpages(void **state)
{
	uint64_t gva = 0x40123456UL, gpa = 0;
	(void)state;
	mem[0][vpn(gva, 2)] = ptr(1);
	mem[1][vpn(gva, 1)] = leaf(0xc0000000UL); /* 2 MiB */
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0xc0000000UL | (gva & 0x1fffff));

	mem[0][vpn(gva, 2)] = leaf(0x100000000UL); /* 1 GiB */
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0x100000000UL | (gva & 0x3fffffff));

	uint64_t high = 0x7f8012345678UL; /* Sv48: vpn[3] = 255 */
	mem[3][vpn(high, 3)] = leaf(0x8000000000UL); /* 512 GiB */
	assert_int_equal(vs_walk(satp(SATP_MODE_SV48, 3), high, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0x8000000000UL | (high & 0x7fffffffffUL));
}

/* Sv48 and Sv57 walk four and five levels; a kernel-half (negative)
 * address is canonical. */
static void test_sv48_sv57(void **state)
{
	uint64_t gva = 0xffffffd800001008UL, gpa = 0; /* canonical in both */
	(void)state;
	mem[0][vpn(gva, 4)] = ptr(1);
	mem[1][vpn(gva, 3)] = ptr(2);
	mem[2][vpn(gva, 2)] = ptr(3);
	mem[3][vpn(gva, 1)] = ptr(4);
	mem[4][vpn(gva, 0)] = leaf(0x10000000);
	assert_int_equal(vs_walk(satp(SATP_MODE_SV57, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0x10000008);
	assert_int_equal(reads, 5);
	reads = 0;
	assert_int_equal(vs_walk(satp(SATP_MODE_SV48, 1), gva, read_pte, NULL, &gpa),
			 VS_WALK_DONE);
	assert_int_equal(gpa, 0x10000008);
	assert_int_equal(reads, 4);
}

/* A PTE the G-stage does not map: the fault was the walk's own read,
 * at that PTE's guest-physical address. */
static void test_implicit(void **state)
{
	uint64_t gva = 0x40001000, gpa = 0;
	(void)state;
	upper_levels(gva);
	unmapped[2] = true;
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_IMPLICIT);
	assert_int_equal(gpa, page_gpa(2) + vpn(gva, 0) * 8);
	/* a pointer outside guest memory altogether: the same */
	mem[1][vpn(gva, 1)] = ((0x10000000UL >> 12) << PTE_PPN_SHIFT) | PTE_V;
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_IMPLICIT);
	assert_int_equal(gpa, 0x10000000UL + vpn(gva, 0) * 8);
	/* the root itself */
	unmapped[0] = true;
	assert_int_equal(vs_walk(satp(SATP_MODE_SV39, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_IMPLICIT);
	assert_int_equal(gpa, page_gpa(0) + vpn(gva, 2) * 8);
}

/* What the spec makes a page fault has no GPA: invalid, W without R,
 * reserved bits, a misaligned superpage, a pointer at level 0, a
 * non-canonical address, N or PBMT in a pointer, an unknown mode. */
static void test_page_faults(void **state)
{
	uint64_t gva = 0x40001000, gpa = 0x1234;
	uint64_t s = satp(SATP_MODE_SV39, 0);
	(void)state;
	upper_levels(gva);
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE); /* V = 0 */
	mem[2][vpn(gva, 0)] = leaf(0x10000000) & ~PTE_R; /* W without R */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[2][vpn(gva, 0)] = leaf(0x10000000) | (1UL << 54);
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[2][vpn(gva, 0)] = ptr(3); /* a pointer at level 0 */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[1][vpn(gva, 1)] = leaf(0x10001000); /* 2 MiB leaf, 4 KiB aligned */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[1][vpn(gva, 1)] = ptr(2) | PTE_N;
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[1][vpn(gva, 1)] = ptr(2) | (1UL << 61);
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	assert_int_equal(vs_walk(s, 0x0000004000001000UL, read_pte, NULL, &gpa),
			 VS_WALK_NONE); /* bit 38 clear, bit 39 set */
	assert_int_equal(vs_walk(s | (1UL << SATP_MODE_SHIFT), gva, read_pte, NULL, &gpa),
			 VS_WALK_NONE); /* MODE 1: reserved */
	assert_int_equal(gpa, 0x1234); /* never written */
}

/* A hostile guest's table that points at itself: the walk reads one
 * entry per level and ends (a pointer at level 0 is a page fault). */
static void test_self_loop(void **state)
{
	uint64_t gva = 0x40201000, gpa = 0x1234;
	(void)state;
	for (unsigned i = 0; i < 512; i++)
		mem[0][i] = ptr(0);
	assert_int_equal(vs_walk(satp(SATP_MODE_SV57, 0), gva, read_pte, NULL, &gpa),
			 VS_WALK_NONE);
	assert_int_equal(reads, 5);
	assert_int_equal(gpa, 0x1234);
}

/* Svnapot: a 64 KiB leaf (ppn[3:0] = 1000) takes vpn[0][3:0] from the
 * address; any other N encoding, or N above level 0, is a page fault.
 * PBMT in a leaf does not move the address. */
/* Every entry any level of any mode reads for gva whose offset agrees
 * with gva's in bits 11:2 is one the check says may be (a fault there
 * can be the walk's); and it says so rarely. */
static void test_offset_may_be_entry(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15ULL, hits = 0, n = 200000;

	for (uint64_t k = 0; k < n; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		/* half of them aimed at an entry's offset: VPN[i] * 8 + 0-3 */
		uint64_t gva = x, i = (x >> 60) % 5;
		if (k & 1)
			gva = (x & ~0xfffULL) | (vpn(x, (unsigned)i) << 3) | (x >> 62);
		bool may = vs_walk_offset_may_be_entry(gva);
		for (unsigned l = 0; l < 5; l++) {
			uint64_t entry = vpn(gva, l) << 3;
			if (!((entry ^ gva) & 0xffc))
				assert_true(may);
		}
		if (!(k & 1))
			hits += may;
	}
	/* (a VPN equal to offset[11:3], offset[2] clear: 5/512 of 1/2) */
	assert_true(hits < n / 2 / 64);
	/* the hostile guest's two loads through a table in a device */
	assert_true(vs_walk_offset_may_be_entry(0x3fc0200008ULL));
	assert_false(vs_walk_offset_may_be_entry(0x3fc0200010ULL));
}

static void test_napot_pbmt(void **state)
{
	uint64_t gva = 0x40005abc, gpa = 0, s = satp(SATP_MODE_SV39, 0);
	(void)state;
	upper_levels(gva);
	mem[2][vpn(gva, 0)] = leaf(0x10008000) | PTE_N;
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_DONE);
	assert_int_equal(gpa, 0x10005abc);
	mem[2][vpn(gva, 0)] = leaf(0x10004000) | PTE_N; /* ppn[3:0] = 0100 */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[1][vpn(gva, 1)] = leaf(0x10000000) | PTE_N; /* at level 1 */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_NONE);
	mem[1][vpn(gva, 1)] = leaf(0x10000000) | (2UL << 61); /* PBMT = IO */
	assert_int_equal(vs_walk(s, gva, read_pte, NULL, &gpa), VS_WALK_DONE);
	assert_int_equal(gpa, 0x10000000 | (gva & 0x1fffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bare, reset),
		cmocka_unit_test_setup(test_sv39_4k, reset),
		cmocka_unit_test_setup(test_superpages, reset),
		cmocka_unit_test_setup(test_sv48_sv57, reset),
		cmocka_unit_test_setup(test_implicit, reset),
		cmocka_unit_test_setup(test_page_faults, reset),
		cmocka_unit_test_setup(test_self_loop, reset),
		cmocka_unit_test_setup(test_napot_pbmt, reset),
		cmocka_unit_test_setup(test_offset_may_be_entry, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
