/*
 * Host physical memory: which RAM the hypervisor may hand out, and what it
 * has handed out (its own allocations and guest RAM). The hypervisor runs
 * with the MMU off (HS-mode satp = Bare), so an address is a pointer.
 */
#ifndef HYP_MEM_H
#define HYP_MEM_H

#include "platform.h"

/* Build the free list: RAM minus firmware reservations, minus the image. */
void mem_init(void);

/* Keep [base, base+size) out of every allocation (boot images the
 * firmware or QEMU loaded, still to be copied into guest RAM). */
void mem_reserve(uint64_t base, uint64_t size);

/* Zeroed, aligned memory owned by the hypervisor (never mapped to a guest).
 * Panics when RAM is exhausted: it is only called at boot. */
/* The size of the largest free block, `align`ed at both ends. */
uint64_t mem_largest_free(uint64_t align);
void *mem_alloc_hyp(uint64_t size, uint64_t align, const char *what);

/* Memory for guest RAM: 0 when none is free. Not zeroed by this call. */
uint64_t mem_alloc_guest(uint64_t size, uint64_t align);

/* Does [base, base+size) overlap memory the guest must never reach? */
bool mem_is_protected(uint64_t base, uint64_t size);
/* ... the hypervisor's own part of it (its image and allocations)? */
bool mem_is_hyp_owned(uint64_t base, uint64_t size);

/* Ranges the guest must never reach (firmware, image, allocations). */
int mem_protected_ranges(struct mem_range *out, int max);
/* The hypervisor's own of those: its image and its allocations. */
int mem_hyp_ranges(struct mem_range *out, int max);

void mem_print(void);

/* Zero / copy large, 8-byte aligned blocks 64 bytes per iteration.
 * picolibc's memset and memcpy go a byte at a time, which costs about a
 * billion instructions for 256 MiB of guest RAM. */
void mem_zero_fast(void *dst, uint64_t size);
void mem_copy_fast(void *dst, const void *src, uint64_t size);

#endif
