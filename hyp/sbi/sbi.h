/*
 * The SBI the hypervisor implements for its guests. A guest's ecall from
 * VS-mode traps to HS-mode (cause 10, "environment call from VS-mode") and
 * arrives here. Each extension lives in its own file and exports a
 * `struct sbi_ext`; sbi.c finds the extension for an EID in one table.
 */
#ifndef HYP_SBI_H
#define HYP_SBI_H

#include "../core/vcpu.h"
#include "firmware.h"

struct sbi_ext {
	const char *name;
	/* Fill `ret` for function `fid`; a0..a5 are in v->gpr. */
	void (*handler)(struct vcpu *v, unsigned long eid, unsigned long fid,
			struct sbiret *ret);
	/* v0.1 call: the result goes to a0 only and a1 is left alone. */
	bool legacy;
};

extern const struct sbi_ext sbi_ext_base, sbi_ext_time, sbi_ext_srst,
	sbi_ext_dbcn, sbi_ext_legacy, sbi_ext_tracevisor, sbi_ext_hsm,
	sbi_ext_ipi, sbi_ext_rfence, sbi_ext_susp, sbi_ext_sta, sbi_ext_fwft,
	sbi_ext_pmu;

/* Resolve an SBI hart list into a bitmap of the VM's vCPU ids. */
long sbi_hart_mask(struct vcpu *v, unsigned long mask, unsigned long base,
		   uint64_t *targets);

/* hyp/sbi/sbi_ipi.c: raise a vCPU's supervisor software interrupt. */
void sbi_ipi_raise(struct vcpu *v, struct vcpu *target);

/* The extension implementing `eid`, or NULL (probe_extension uses this). */
const struct sbi_ext *sbi_find_ext(unsigned long eid);

/* After a console read: stop the guest if Ctrl-A x was typed. */
void sbi_console_stop_if_asked(struct vcpu *v, unsigned long eid, unsigned long fid,
			       const struct sbiret *ret);

/* hyp/sbi/sbi_hsm.c: may a hart start or resume at guest address addr
 * (HSM hart_start, hart_suspend; SUSP system_suspend)? */
bool sbi_entry_addr_valid(struct vcpu *v, unsigned long addr);

/* Handle the guest's ecall: dispatch, write a0/a1, step over the ecall. */
void sbi_handle_ecall(struct vcpu *v);

/* Guest argument register n (a0 = 0). */
static inline unsigned long sbi_arg(const struct vcpu *v, unsigned n)
{
	return v->gpr[REG_A0 + n];
}

#endif
