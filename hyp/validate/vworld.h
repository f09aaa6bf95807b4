/*
 * The validation suite's private world switch (hyp/validate/vworld.S):
 * enter VS- or VU-mode at a code snippet, catch whatever trap comes back
 * into HS-mode on a trap vector of its own, and record every trap CSR,
 * hstatus.GVA included. Also runs small HS-mode probes (HLV, HSV, CSR
 * accesses) that may trap, catching the trap the same way.
 *
 * Used by validate_hs_checks(), before the hypervisor's own guest exists,
 * and by validate_hs_late_checks(), inside one of that guest's exits; the
 * hypervisor's trap vector (stvec) and per-hart pointer (sscratch) are
 * put back after every run.
 */
#ifndef HYP_VALIDATE_VWORLD_H
#define HYP_VALIDATE_VWORLD_H

/* Byte offsets into struct vw_ctx for the assembly. */
#define VW_GPR(n) ((n)*8)
#define VW_HS 256		/* ra, sp, gp, tp, s0..s11 of the HS caller */
#define VW_SEPC 384
#define VW_SCAUSE 392
#define VW_STVAL 400
#define VW_HTVAL 408
#define VW_HTINST 416
#define VW_HSTATUS 424
#define VW_SSTATUS 432
#define VW_SAVED_SSCRATCH 440
#define VW_SAVED_STVEC 448
#define VW_RET 456		/* a probe's result */
#define VW_SIZE 464

/* vw_probe operations: virtual-machine loads/stores (a0 = guest virtual
 * address, a1 = value to store) and CSRs that may be absent. */
#define VP_HLV_B 0
#define VP_HLV_BU 1
#define VP_HLV_H 2
#define VP_HLV_HU 3
#define VP_HLV_W 4
#define VP_HLV_WU 5
#define VP_HLV_D 6
#define VP_HLVX_HU 7
#define VP_HLVX_WU 8
#define VP_HSV_B 9
#define VP_HSV_H 10
#define VP_HSV_W 11
#define VP_HSV_D 12
#define VP_RD_STIMECMP 13
#define VP_RD_VSTIMECMP 14
#define VP_WR_VSTIMECMP 15
#define VP_RD_CYCLE 16
#define VP_RD_TIME 17
#define VP_RD_INSTRET 18
/* Guest external interrupts (hgeip; an AIA IMSIC's guest interrupt file,
 * reached from HS-mode through vsiselect/vsireg with hstatus.VGEIN
 * selecting it, and through its seteipnum_le word): write hgeip (a0),
 * read/write the register vsiselect = a0 selects (a1 = value), store the
 * 32-bit a1 at physical address a0. */
#define VP_WR_HGEIP 19
#define VP_RD_VSIREG 20
#define VP_WR_VSIREG 21
#define VP_SW 22
/* vstopei (0x25C, AIA, with an IMSIC): read it; read and write it in one
 * csrrw (a claim). It traps when hstatus.VGEIN names no guest file. */
#define VP_RD_VSTOPEI 23
#define VP_CLAIM_VSTOPEI 24

#ifndef __ASSEMBLER__
#include <stdint.h>

struct vw_ctx {
	uint64_t gpr[32];	/* guest x0..x31: loaded on entry, saved on the trap */
	uint64_t hs[16];	/* the HS caller's ra, sp, gp, tp, s0..s11 */
	uint64_t sepc;		/* in: where sret goes; out: sepc of the trap */
	uint64_t scause, stval, htval, htinst, hstatus, sstatus; /* at the trap */
	uint64_t saved_sscratch, saved_stvec;
	uint64_t ret;		/* a probe's result */
};

_Static_assert(__builtin_offsetof(struct vw_ctx, hs) == VW_HS, "vw layout");
_Static_assert(__builtin_offsetof(struct vw_ctx, sepc) == VW_SEPC, "vw layout");
_Static_assert(__builtin_offsetof(struct vw_ctx, htinst) == VW_HTINST, "vw layout");
_Static_assert(__builtin_offsetof(struct vw_ctx, ret) == VW_RET, "vw layout");
_Static_assert(sizeof(struct vw_ctx) == VW_SIZE, "vw layout");

/* sret to ctx->sepc with the guest registers of ctx, sp excepted (the
 * caller has set hstatus.SPV/SPVP and sstatus.SPP); returns when a trap
 * reaches HS-mode, with the trap CSRs and the guest registers saved in
 * ctx. The guest code must not write sp. */
void vw_enter(struct vw_ctx *ctx);

/* HS-mode probes (vworld.S): run instruction `op` (VP_*, below) on a0/a1
 * with a trap catcher installed. 0: it completed, result in ctx->ret; 1:
 * it trapped, trap CSRs in ctx. */
uint64_t vw_probe(struct vw_ctx *ctx, unsigned op, uint64_t a0, uint64_t a1);

/* Memory-management fences ("Hypervisor Memory-Management Fence
 * Instructions"); rs1/rs2 = x0 in the _all forms. */
void vw_hfence_gvma_all(void);
void vw_hfence_gvma(uint64_t gpa_shr2, uint64_t vmid);
void vw_hfence_vvma_all(void);
void vw_hfence_vvma(uint64_t gva, uint64_t asid);

/*
 * VS/VU code snippets, position independent, copied into the validation
 * VM's code page. Each ends in an ecall (cause 10 from VS, 8 from VU) or
 * in the instruction under test. Registers: a0/a1 in, results in a1..a4.
 */
extern char vs_blob_start[], vs_blob_end[];
extern char vs_ecall[], vs_ld[], vs_lh[], vs_lw[], vs_sd[], vs_sw[], vs_jr[];
extern char vs_amo[], vs_lr[];
extern char vs_wfi[], vs_sret[], vs_after_sret[];
extern char vs_csrr_hstatus[], vs_csrr_vsstatus[], vs_csrr_satp[], vs_sfence[];
extern char vs_csrr_sstatus[];
extern char vs_hlv[], vs_hsv[], vs_hfence_gvma[], vs_hfence_vvma[];
extern char vs_rdtime[], vs_rdcycle[], vs_rdinstret[];
extern char vs_rd_stimecmp[], vs_wr_stimecmp[];
extern char vs_csr_sub[], vs_wr_satp[], vs_wr_scounteren[];
extern char vs_ebreak[], vs_reserved[], vs_fmv[];
extern char vs_fp_touch_d[], vs_fp_touch_s[];
extern char vs_irq_wait[], vs_spin[], vs_handler[], vs_stale[], vs_sfence_reload[];
extern char vs_rd_sip[], vs_wr_sip[], vs_vec[], vs_vcsr[], vs_rd_stopei[];
#endif

#endif
