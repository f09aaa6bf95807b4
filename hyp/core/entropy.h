/*
 * Entropy for the guest's /chosen/rng-seed, from a real source: the Zkr
 * seed CSR when the hart has Zkr and the firmware lets S-mode read it
 * (mseccfg.SSEED), and the rng-seed the host's own device tree carries in
 * /chosen (QEMU puts 32 fresh bytes there on every boot). Neither is
 * handed over as it is: the guest gets bytes derived from them with
 * ChaCha20 (RFC 8439), so it learns nothing of what the host was given.
 */
#ifndef HYP_ENTROPY_H
#define HYP_ENTROPY_H

#include "hyp.h"

/* Fill out[0, len) (len <= 64) for VM vm_id; true when some source gave
 * entropy. *source names the sources used, or why there was none. */
bool entropy_guest_seed(uint8_t *out, size_t len, unsigned vm_id, const char **source);

/* hyp/arch/csr_try.S: the Zkr seed CSR read once (csrrw, as the
 * specification requires), or all ones when reading it traps. */
uint64_t hart_read_seed(void);

#endif
