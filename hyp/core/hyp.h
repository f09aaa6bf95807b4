/*
 * Common definitions for the hypervisor's C code.
 */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <tracevisor/csr.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

/* Most harts the hypervisor manages (the FDT may list more; extra are left). */
#define MAX_HARTS 8
/* /chosen bootargs, NUL included: twice what Linux on RISC-V takes
 * (COMMAND_LINE_SIZE 1024), as the hypervisor's options share them. */
#define BOOTARGS_MAX 2048
/* vCPUs in all: each hart serves at most one vCPU of each VM (MAX_VMS,
 * options.h, checks it). */
#define MAX_VCPUS 32

/* Every line the hypervisor itself prints starts with this. */
#define HYP_TAG "tracevisor: "

#define hyp_log(...) printf(HYP_TAG __VA_ARGS__)

/* Linker-script symbols (linker/hyp.ld). */
extern char _hyp_start[], _hyp_end[], _image_end[];

/* hyp/core/fault.c: report an unrecoverable hypervisor error and shut down. */
void hyp_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
