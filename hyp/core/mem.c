/*
 * A boot-time allocator over the RAM the device tree describes. Nothing is
 * ever freed: the hypervisor's memory needs are fixed once the guest is set
 * up.
 */
#include "mem.h"

static struct mem_range free_ranges[MAX_MEM_RANGES * 2];
static int nfree;
static struct mem_range hyp_owned[MAX_MEM_RANGES]; /* image + allocations */
static int nhyp;

/* Remove [base, base+size) from every free range, splitting where needed. */
static void carve(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	for (int i = 0; i < nfree; i++) {
		struct mem_range *r = &free_ranges[i];
		uint64_t rend = r->base + r->size;
		if (end <= r->base || base >= rend)
			continue;
		if (base > r->base && end < rend && nfree < (int)ARRAY_SIZE(free_ranges)) {
			free_ranges[nfree].base = end;
			free_ranges[nfree].size = rend - end;
			nfree++;
			r->size = base - r->base;
		} else if (base > r->base) {
			r->size = base - r->base;
		} else if (end < rend) {
			r->size = rend - end;
			r->base = end;
		} else {
			r->size = 0;
		}
	}
}

/* Count [base, base+size) as the hypervisor's: mem_is_protected (the
 * boot-time check that no G-stage leaf reaches it) and the test device's
 * ranges must see every allocation. One that adjoins a range already
 * listed extends it (the allocator hands out neighbours, a page at a time
 * for G-stage tables); one the list has no room for stops the boot, as
 * dropping it would leave that memory out of every check. */
static void own(uint64_t base, uint64_t size)
{
	for (int i = 0; i < nhyp; i++) {
		struct mem_range *r = &hyp_owned[i];
		if (base == r->base + r->size) {
			r->size += size;
			return;
		}
		if (base + size == r->base) {
			r->base = base;
			r->size += size;
			return;
		}
	}
	if (nhyp >= (int)ARRAY_SIZE(hyp_owned))
		hyp_panic("hypervisor memory %#llx-%#llx: no room to list it with the other %d "
			  "ranges (MAX_MEM_RANGES)", (unsigned long long)base,
			  (unsigned long long)(base + size - 1), nhyp);
	hyp_owned[nhyp].base = base;
	hyp_owned[nhyp].size = size;
	nhyp++;
}

void mem_init(void)
{
	for (int i = 0; i < platform.nram; i++)
		free_ranges[nfree++] = platform.ram[i];
	for (int i = 0; i < platform.nreserved; i++)
		carve(platform.reserved[i].base, platform.reserved[i].size);
	uint64_t img = (uint64_t)(uintptr_t)_hyp_start;
	uint64_t img_size = (uint64_t)(uintptr_t)_hyp_end - img;
	carve(img, img_size);
	own(img, img_size);
}

void mem_reserve(uint64_t base, uint64_t size)
{
	carve(ALIGN_DOWN(base, PAGE_SIZE), ALIGN_UP(base + size, PAGE_SIZE) - ALIGN_DOWN(base, PAGE_SIZE));
}

static uint64_t take(uint64_t size, uint64_t align)
{
	for (int i = 0; i < nfree; i++) {
		struct mem_range *r = &free_ranges[i];
		uint64_t base = ALIGN_UP(r->base, align);
		if (base >= r->base && base + size <= r->base + r->size && base + size > base) {
			carve(base, size);
			return base;
		}
	}
	return 0;
}

void *mem_alloc_hyp(uint64_t size, uint64_t align, const char *what)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	uint64_t base = take(size, align < PAGE_SIZE ? PAGE_SIZE : align);
	if (!base)
		hyp_panic("out of memory allocating %llu bytes for %s",
			  (unsigned long long)size, what);
	own(base, size);
	mem_zero_fast((void *)(uintptr_t)base, size);
	return (void *)(uintptr_t)base;
}

uint64_t mem_largest_free(uint64_t align)
{
	uint64_t best = 0;
	for (int i = 0; i < nfree; i++) {
		const struct mem_range *r = &free_ranges[i];
		uint64_t base = ALIGN_UP(r->base, align), end = ALIGN_DOWN(r->base + r->size, align);
		if (base < end && end - base > best)
			best = end - base;
	}
	return best;
}

uint64_t mem_alloc_guest(uint64_t size, uint64_t align)
{
	return take(size, align);
}

static bool overlaps(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b + bsz && b < a + asz;
}

bool mem_is_protected(uint64_t base, uint64_t size)
{
	for (int i = 0; i < platform.nreserved; i++)
		if (overlaps(base, size, platform.reserved[i].base, platform.reserved[i].size))
			return true;
	for (int i = 0; i < nhyp; i++)
		if (overlaps(base, size, hyp_owned[i].base, hyp_owned[i].size))
			return true;
	return false;
}

bool mem_is_hyp_owned(uint64_t base, uint64_t size)
{
	for (int i = 0; i < nhyp; i++)
		if (overlaps(base, size, hyp_owned[i].base, hyp_owned[i].size))
			return true;
	return false;
}

int mem_protected_ranges(struct mem_range *out, int max)
{
	int n = 0;
	for (int i = 0; i < platform.nreserved && n < max; i++)
		out[n++] = platform.reserved[i];
	for (int i = 0; i < nhyp && n < max; i++)
		out[n++] = hyp_owned[i];
	return n;
}

int mem_hyp_ranges(struct mem_range *out, int max)
{
	int n = 0;
	for (int i = 0; i < nhyp && n < max; i++)
		out[n++] = hyp_owned[i];
	return n;
}

void mem_zero_fast(void *dst, uint64_t size)
{
	uint64_t *p = dst;
	uint64_t n = IS_ALIGNED((uintptr_t)dst, 8) ? size / 64 : 0;
	for (uint64_t i = 0; i < n; i++, p += 8) {
		p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 0;
		p[4] = 0; p[5] = 0; p[6] = 0; p[7] = 0;
	}
	memset(p, 0, size - n * 64);
}

void mem_copy_fast(void *dst, const void *src, uint64_t size)
{
	uint64_t *d = dst;
	const uint64_t *s = src;
	uint64_t n = IS_ALIGNED((uintptr_t)dst | (uintptr_t)src, 8) ? size / 64 : 0;
	for (uint64_t i = 0; i < n; i++, d += 8, s += 8) {
		d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3];
		d[4] = s[4]; d[5] = s[5]; d[6] = s[6]; d[7] = s[7];
	}
	memcpy(d, s, size - n * 64);
}

void mem_print(void)
{
	for (int i = 0; i < nhyp; i++)
		hyp_log("hypervisor memory %#010llx-%#010llx\n",
			(unsigned long long)hyp_owned[i].base,
			(unsigned long long)(hyp_owned[i].base + hyp_owned[i].size - 1));
}
