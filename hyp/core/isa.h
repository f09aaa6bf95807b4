/*
 * The host's ISA, read from the device tree, and the ISA the guest is
 * told about: only what works under the hypervisor, with no length limit.
 *
 * The Devicetree bindings for RISC-V harts give the ISA twice: the older
 * `riscv,isa` string ("rv64imafdch_zicsr_..._sstc") and the newer
 * `riscv,isa-base` + `riscv,isa-extensions` string list. Both are read;
 * an extension named in either counts.
 */
#ifndef HYP_ISA_H
#define HYP_ISA_H

#include "hyp.h"

/* Read the ISA of the hart described by `cpu_node` in `fdt` (a copy that
 * stays valid: names point into it). */
void isa_probe(const void *fdt, int cpu_node);

/* The host's whole riscv,isa string as the device tree gives it ("" when
 * absent). */
const char *isa_host_string(void);

/* Does the host hart have this extension? One letter ("h") or a
 * multi-letter name ("sstc"), lower case. */
bool isa_host_has(const char *ext);

/*
 * Decide the guest's ISA: the host's extensions that the hypervisor
 * virtualises (passes through unchanged, enables with an henvcfg bit
 * that stuck, or emulates), minus Sstc when `sstc` is false. Sets and
 * returns the henvcfg bits the guest needs; the extensions left out are
 * named once on the console. Call on each hart before its vCPU runs (the
 * first call decides; later ones program henvcfg the same way).
 */
uint64_t isa_guest_setup(bool sstc);

/* The guest's `riscv,isa` string (NUL-terminated) and its
 * `riscv,isa-extensions` string list (NUL-separated, `*len` bytes);
 * valid after isa_guest_setup. */
const char *isa_guest_string(void);
const char *isa_guest_extensions(size_t *len);

/* Is this extension in the guest's ISA (a multi-letter name, lower
 * case, or one letter)? Valid after isa_guest_setup. */
bool isa_guest_has(const char *ext);

/* Is V offered (the vCPU then starts with sstatus.VS non-Off)? */
bool isa_guest_has_v(void);

#endif
