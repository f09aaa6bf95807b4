/*
 * Saving and loading a vCPU's per-vCPU hart state on a time-shared hart
 * (what and why: vcpu_state.h).
 */
#include "vcpu_state.h"

#include "../arch/hfence.h"
#include "isa.h"
#include "mem.h"
#include "platform.h"
#include "vcpu.h"
#include "vm.h"

static bool save_fp, save_vec, save_aia;
static uint64_t vlenb;
/* What the firmware gave S-mode (OpenSBI lets U-mode read cycle, time
 * and instret: scounteren 7), which a native kernel would find. */
static uint64_t firmware_scounteren, firmware_senvcfg;

void vcpu_state_probe(void)
{
	save_fp = isa_host_has("f") || isa_host_has("d");
	save_vec = isa_host_has("v"); /* the guest is offered V when the host has it */
	/* Ssaia adds vsiselect, VS-mode's siselect (the other VS-level AIA
	 * registers are views: vsireg and vstopei of the guest interrupt
	 * file hstatus.VGEIN selects, none here; vstopi of hvip/hvictl) */
	save_aia = isa_host_has("ssaia");
	if (save_vec)
		vlenb = vec_vlenb();
	firmware_scounteren = csr_read(CSR_SCOUNTEREN);
	firmware_senvcfg = csr_read(CSR_SENVCFG);
}

void vcpu_state_alloc(struct vcpu *v)
{
	if (save_vec && !v->state.vregs)
		v->state.vregs = mem_alloc_hyp(32 * vlenb, 16, "vector registers");
}

/* A vCPU's first run: the hart state this file keeps per vCPU beyond the
 * VS CSRs (vcpu_init() resets those) starts as a native kernel would find
 * it, not as the vCPU before it left it (on a time-shared hart, another
 * VM's): FP and vector registers and their CSRs zero, scounteren and
 * senvcfg as the firmware gave the hypervisor at boot.
 * The FP and vector units are switched on in sstatus to be written
 * (FS/VS non-Off: "Floating-Point Control and Status Register", "Vector
 * Context Status in mstatus"); the guest's own sstatus sets them again. */
void vcpu_state_reset(void)
{
	static const uint64_t zero_f[32], zero_fcsr;

	csr_write(CSR_SENVCFG, firmware_senvcfg);
	csr_write(CSR_SCOUNTEREN, firmware_scounteren);
	if (save_aia)
		csr_write(CSR_VSISELECT, 0);
	if (save_fp) {
		csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL);
		fp_load(zero_f, &zero_fcsr);
	}
	if (save_vec) {
		/* the registers themselves, whether or not the vCPU has a save
		 * buffer (a vCPU alone on its hart has none: a hart start must
		 * not find the vector registers of its run before) */
		csr_set(CSR_SSTATUS, SSTATUS_VS_INITIAL);
		vec_zero();
	}
}

void vcpu_state_save(struct vcpu *v)
{
	struct vcpu_state *s = &v->state;
	s->vsstatus = csr_read(CSR_VSSTATUS);
	s->vsie = csr_read(CSR_VSIE);
	s->vstvec = csr_read(CSR_VSTVEC);
	s->vsscratch = csr_read(CSR_VSSCRATCH);
	s->vsepc = csr_read(CSR_VSEPC);
	s->vscause = csr_read(CSR_VSCAUSE);
	s->vstval = csr_read(CSR_VSTVAL);
	s->vsatp = csr_read(CSR_VSATP);
	if (platform.has_sstc)
		s->vstimecmp = csr_read(CSR_VSTIMECMP);
	if (save_aia)
		s->vsiselect = csr_read(CSR_VSISELECT);
	s->hvip = csr_read(CSR_HVIP);
	s->hgatp = csr_read(CSR_HGATP);
	s->hedeleg = csr_read(CSR_HEDELEG);
	s->henvcfg = csr_read(CSR_HENVCFG);
	s->hcounteren = csr_read(CSR_HCOUNTEREN);
	s->senvcfg = csr_read(CSR_SENVCFG);
	s->scounteren = csr_read(CSR_SCOUNTEREN);
	if (save_fp)
		fp_save(s->f, &s->fcsr);
	if (save_vec)
		vec_save(s->vregs, s->vcsr);
}

void vcpu_state_flush_tlb(void)
{
	hfence_gvma_all();
	hfence_vvma_all();
}

void vcpu_state_load(struct vcpu *v, bool flush_gstage)
{
	const struct vcpu_state *s = &v->state;
	/* "world-switch code should zero vsatp, then swap hgatp, then
	 * finally write the new vsatp value", henvcfg (PBMTE/ADUE) in
	 * between: no speculative VS-stage walk caches one guest's
	 * translations under the other's VMID ("Hypervisor
	 * Memory-Management Fence Instructions"). */
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_HGATP, s->hgatp);
	csr_write(CSR_HENVCFG, s->henvcfg);
	csr_write(CSR_VSATP, s->vsatp);
	csr_write(CSR_VSSTATUS, s->vsstatus);
	csr_write(CSR_VSIE, s->vsie);
	csr_write(CSR_VSTVEC, s->vstvec);
	csr_write(CSR_VSSCRATCH, s->vsscratch);
	csr_write(CSR_VSEPC, s->vsepc);
	csr_write(CSR_VSCAUSE, s->vscause);
	csr_write(CSR_VSTVAL, s->vstval);
	if (platform.has_sstc)
		csr_write(CSR_VSTIMECMP, s->vstimecmp);
	if (save_aia)
		csr_write(CSR_VSISELECT, s->vsiselect);
	csr_write(CSR_HVIP, s->hvip);
	csr_write(CSR_HEDELEG, s->hedeleg);
	csr_write(CSR_HCOUNTEREN, s->hcounteren);
	csr_write(CSR_SENVCFG, s->senvcfg);
	csr_write(CSR_SCOUNTEREN, s->scounteren);
	if (save_fp)
		fp_load(s->f, &s->fcsr);
	if (save_vec)
		vec_load(s->vregs, s->vcsr);
	/* Translations are tagged with the VMID in hgatp ("Hypervisor
	 * Guest Address Translation and Protection Register"): with a VMID
	 * of its own per VM nothing cached for the other VM can match. With
	 * one VMID for all, flush what the VM before left: HFENCE.GVMA x0,
	 * x0 for G-stage (and combined) entries, HFENCE.VVMA x0, x0 for the
	 * VS-stage entries of the VMID now in hgatp ("Hypervisor
	 * Memory-Management Fence Instructions"). */
	if (flush_gstage)
		vcpu_state_flush_tlb();
	else if (v->pending_vvma) {
		/* a remote HFENCE.VVMA asked while it was switched out */
		hfence_vvma_all();
	}
	v->pending_vvma = 0;
}
