/*
 * Host unit tests for the G-stage mapper (hyp/gstage/gstage.c): the real
 * hypervisor source, compiled for the host, building tables in host memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../hyp/gstage/gstage.h"

#define MAX_PAGES 256

struct pool {
	void *pages[MAX_PAGES];
	unsigned used, limit;
};

static void *pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	if (p->used >= p->limit)
		return NULL;
	void *page = aligned_alloc(4096, 4096);
	memset(page, 0xa5, 4096); /* the mapper must clear what it gets */
	p->pages[p->used++] = page;
	return page;
}

struct fixture {
	struct gstage g;
	struct pool pool;
	uint64_t *root;
};

static struct fixture *new_fixture(unsigned long mode, unsigned limit)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->root = aligned_alloc(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE);
	f->pool.limit = limit;
	assert_int_equal(gstage_init(&f->g, mode, 5, f->root, pool_alloc, &f->pool),
			 GSTAGE_OK);
	return f;
}

static void free_fixture(struct fixture *f)
{
	for (unsigned i = 0; i < f->pool.used; i++)
		free(f->pool.pages[i]);
	free(f->root);
	free(f);
}

struct leaf_count {
	unsigned n4k, n2m, n1g;
	uint64_t bytes;
};

static void count_leaf(void *arg, uint64_t gpa, uint64_t hpa, uint64_t size,
		       unsigned long perm)
{
	struct leaf_count *c = arg;
	(void)gpa;
	(void)hpa;
	(void)perm;
	if (size == 4096)
		c->n4k++;
	else if (size == (1ULL << 21))
		c->n2m++;
	else if (size == (1ULL << 30))
		c->n1g++;
	c->bytes += size;
}

/* The leaves the walk reports (valid and deferred), by size. */
static struct leaf_count leaves_of(const struct fixture *f)
{
	struct leaf_count c = { 0 };
	gstage_for_each_leaf(&f->g, count_leaf, &c);
	return c;
}

/* Guest RAM at 0xC0000000 backed by host 0x84000000: 2 MiB leaves, and
 * every page translates to hpa + offset with RWX. */
static void test_map_ram_uses_2m_leaves(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 16);
	uint64_t gpa = 0xC0000000, hpa = 0x84000000, size = 64ULL << 20;
	assert_int_equal(gstage_map(&f->g, gpa, hpa, size, GSTAGE_RWX), GSTAGE_OK);
	struct leaf_count c = leaves_of(f);
	assert_int_equal(c.n2m, 32);
	assert_int_equal(c.n4k, 0);
	assert_int_equal(c.bytes, size);
	for (uint64_t off = 0; off < size; off += 0x12345) {
		uint64_t out;
		unsigned long perm;
		assert_true(gstage_translate(&f->g, gpa + off, &out, &perm));
		assert_int_equal(out, hpa + off);
		assert_int_equal(perm, GSTAGE_RWX);
	}
	assert_false(gstage_translate(&f->g, gpa - 1, NULL, NULL));
	assert_false(gstage_translate(&f->g, gpa + size, NULL, NULL));
	assert_false(gstage_translate(&f->g, 0x80200000, NULL, NULL));
	free_fixture(f);
}

/* Misaligned to 2 MiB: 4 KiB leaves at the edges, 2 MiB in the middle. */
static void test_map_mixed_sizes(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 32);
	uint64_t gpa = 0x801ff000, hpa = 0x901ff000, size = (4ULL << 20) + 0x2000;
	assert_int_equal(gstage_map(&f->g, gpa, hpa, size, GSTAGE_R | GSTAGE_W), GSTAGE_OK);
	struct leaf_count c = leaves_of(f);
	assert_int_equal(c.bytes, size);
	/* 0x801ff000 (4 KiB), 0x80200000 and 0x80400000 (2 MiB), 0x80600000 (4 KiB) */
	assert_int_equal(c.n2m, 2);
	assert_int_equal(c.n4k, 2);
	uint64_t out;
	unsigned long perm;
	assert_true(gstage_translate(&f->g, gpa + size - 1, &out, &perm));
	assert_int_equal(out, hpa + size - 1);
	assert_int_equal(perm, GSTAGE_R | GSTAGE_W);
	free_fixture(f);
}

/* 1 GiB leaves when both sides are 1 GiB aligned. */
static void test_map_gigapage(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 4);
	assert_int_equal(gstage_map(&f->g, 1ULL << 30, 2ULL << 30, 1ULL << 30, GSTAGE_RWX),
			 GSTAGE_OK);
	struct leaf_count c = leaves_of(f);
	assert_int_equal(c.n1g, 1);
	assert_int_equal(f->pool.used, 0); /* a root leaf needs no table */
	free_fixture(f);
}

/* The x4 root: GPA bits 40:39 index the extra root entries (Sv39x4 covers
 * 2^41 bytes); beyond that is out of range. */
static void test_sv39x4_range(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 8);
	uint64_t top = (1ULL << 41) - 4096;
	assert_int_equal(gstage_gpa_limit(&f->g), 1ULL << 41);
	assert_int_equal(gstage_map(&f->g, top, 0x80000000, 4096, GSTAGE_R), GSTAGE_OK);
	uint64_t out;
	assert_true(gstage_translate(&f->g, top + 8, &out, NULL));
	assert_int_equal(out, 0x80000008);
	assert_int_not_equal(f->root[2047], 0); /* the last of the 2048 entries */
	assert_int_equal(gstage_map(&f->g, 1ULL << 41, 0, 4096, GSTAGE_R), GSTAGE_ERANGE);
	assert_false(gstage_translate(&f->g, 1ULL << 41, NULL, NULL));
	free_fixture(f);
}

static void test_sv48x4(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV48X4, 8);
	assert_int_equal(f->g.levels, 4);
	assert_int_equal(gstage_gpa_limit(&f->g), 1ULL << 50);
	uint64_t gpa = (1ULL << 49) + 0x1000;
	assert_int_equal(gstage_map(&f->g, gpa, 0x80001000, 8192, GSTAGE_RWX), GSTAGE_OK);
	uint64_t out;
	assert_true(gstage_translate(&f->g, gpa + 0x1fff, &out, NULL));
	assert_int_equal(out, 0x80002fff);
	assert_int_equal(f->pool.used, 3); /* levels 2, 1, 0 */
	free_fixture(f);
}

/* Leaves carry V, U (G-stage accesses are U-mode accesses), A and D;
 * non-leaf entries carry only V. */
static void test_pte_bits(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 8);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0x80005000, 4096, GSTAGE_R | GSTAGE_X),
			 GSTAGE_OK);
	uint64_t root_pte = f->root[0];
	assert_int_equal(root_pte & 0x3ff, PTE_V);
	uint64_t *l1 = (uint64_t *)(uintptr_t)((root_pte >> 10) << 12);
	assert_int_equal(l1[0] & 0x3ff, PTE_V);
	uint64_t *l0 = (uint64_t *)(uintptr_t)((l1[0] >> 10) << 12);
	assert_int_equal(l0[1] & 0x3ff, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A | PTE_D);
	assert_int_equal(l0[1] >> 10, 0x80005000 >> 12);
	assert_int_equal(l0[0], 0); /* the rest of the fresh table was cleared */
	free_fixture(f);
}

static void test_errors(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV39X4, 2);
	assert_int_equal(gstage_map(&f->g, 0x1001, 0, 4096, GSTAGE_R), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0x10, 4096, GSTAGE_R), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0, 0, GSTAGE_R), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0, 4096, 0), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0, 4096, GSTAGE_W), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0, 4096, PTE_U), GSTAGE_EINVAL);
	assert_int_equal(gstage_map(&f->g, ~0xfffULL, 0, 8192, GSTAGE_R), GSTAGE_ERANGE);
	/* Two tables allowed: the third level's allocation fails cleanly. */
	assert_int_equal(gstage_map(&f->g, 0x1000, 0x2000, 4096, GSTAGE_R), GSTAGE_OK);
	assert_int_equal(gstage_map(&f->g, 0x1000, 0x2000, 4096, GSTAGE_R), GSTAGE_EEXIST);
	assert_int_equal(gstage_map(&f->g, 1ULL << 30, 0x2000, 4096, GSTAGE_R), GSTAGE_ENOMEM);
	/* A 4 KiB map inside an existing 2 MiB leaf is refused. */
	struct fixture *g = new_fixture(HGATP_MODE_SV39X4, 4);
	assert_int_equal(gstage_map(&g->g, 0x200000, 0x400000, 0x200000, GSTAGE_R), GSTAGE_OK);
	assert_int_equal(gstage_map(&g->g, 0x201000, 0x1000, 4096, GSTAGE_R), GSTAGE_ENOMEM);
	/* Bad init arguments. */
	struct gstage bad;
	assert_int_equal(gstage_init(&bad, 7, 0, f->root, pool_alloc, NULL), GSTAGE_EINVAL);
	assert_int_equal(gstage_init(&bad, HGATP_MODE_SV39X4, 0,
				     (uint64_t *)((uintptr_t)f->root + 4096), pool_alloc, NULL),
			 GSTAGE_EINVAL);
	free_fixture(f);
	free_fixture(g);
}

/* hgatp = MODE << 60 | VMID << 44 | root PPN. */
static void test_hgatp(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV48X4, 1);
	uint64_t h = gstage_hgatp(&f->g);
	assert_int_equal(h >> 60, 9);
	assert_int_equal((h >> 44) & 0x3fff, 5);
	assert_int_equal(h & ((1ULL << 44) - 1), ((uintptr_t)f->root >> 12) & ((1ULL << 44) - 1));
	free_fixture(f);
}

/* Deferred leaves (zero on first touch): 1 GiB of guest RAM, 1 GiB
 * aligned, still gets 2 MiB leaves; none translates (V=0, what the
 * hardware sees) until it is committed, each is found with its host
 * address, and the walk reports them all. A deferred range cannot be
 * mapped over. */
static void test_map_deferred(void **state)
{
	(void)state;
	struct fixture *f = new_fixture(HGATP_MODE_SV48X4, 8);
	uint64_t gpa = 0x40000000, hpa = 0x80000000, size = 1ULL << 30, sz = 0;
	assert_int_equal(gstage_map_deferred(&f->g, gpa, hpa, size, GSTAGE_RWX), GSTAGE_OK);
	struct leaf_count c = leaves_of(f);
	assert_int_equal(c.n2m, 512);
	assert_int_equal(c.n1g, 0);
	assert_int_equal(c.bytes, size);
	assert_false(gstage_translate(&f->g, gpa, NULL, NULL));

	uint64_t *pte = gstage_leaf(&f->g, gpa + 0x612345, &sz);
	assert_non_null(pte);
	assert_int_equal(sz, 1ULL << 21);
	assert_false(gstage_leaf_valid(pte));
	assert_false(*pte & PTE_V);
	assert_true(*pte & GSTAGE_PTE_DEFERRED);
	assert_int_equal(gstage_leaf_hpa(*pte), hpa + 0x600000);
	gstage_leaf_commit(pte);
	assert_true(gstage_leaf_valid(pte));
	assert_false(*pte & GSTAGE_PTE_DEFERRED);
	uint64_t out;
	unsigned long perm;
	assert_true(gstage_translate(&f->g, gpa + 0x612345, &out, &perm));
	assert_int_equal(out, hpa + 0x612345);
	assert_int_equal(perm, GSTAGE_RWX);
	assert_true(*pte & PTE_U); /* a G-stage leaf: U=1, A and D set */
	assert_true(*pte & PTE_A);
	assert_true(*pte & PTE_D);
	/* its neighbours stay deferred */
	assert_false(gstage_translate(&f->g, gpa + 0x5fffff, NULL, NULL));
	assert_false(gstage_translate(&f->g, gpa + 0x800000, NULL, NULL));

	assert_null(gstage_leaf(&f->g, gpa - 1, &sz));
	assert_null(gstage_leaf(&f->g, gpa + size, &sz));
	/* (inside a leaf: refused as when the leaf is valid) */
	assert_int_not_equal(gstage_map(&f->g, gpa + (8ULL << 20), 0x10000000, 4096, GSTAGE_RWX),
			     GSTAGE_OK);
	assert_int_equal(gstage_map(&f->g, gpa, 0x10000000, 1ULL << 21, GSTAGE_RWX),
			 GSTAGE_EEXIST);
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_ram_uses_2m_leaves),
		cmocka_unit_test(test_map_mixed_sizes),
		cmocka_unit_test(test_map_gigapage),
		cmocka_unit_test(test_sv39x4_range),
		cmocka_unit_test(test_sv48x4),
		cmocka_unit_test(test_pte_bits),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hgatp),
		cmocka_unit_test(test_map_deferred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
