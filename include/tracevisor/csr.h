/*
 * CSR numbers, CSR bit fields and trap cause codes used by tracevisor: the
 * one definition for the hypervisor and its guests. Numbers and names follow
 * the RISC-V privileged specification ("Supervisor-Level ISA", "Hypervisor
 * Extension").
 *
 * CSRs are addressed by number in inline assembly, so the assembler does not
 * need to know the H extension (GCC 12 rejects 'h' in -march).
 */
#ifndef TRACEVISOR_CSR_H
#define TRACEVISOR_CSR_H

/* Supervisor CSRs (seen as the VS CSRs when V=1). */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180

/* Hypervisor CSRs. */
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_HGEIP 0xe12 /* read-only */

/* Virtual supervisor CSRs (the guest's S CSRs, from HS-mode). */
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSISELECT 0x250 /* Ssaia (the AIA's "Virtual Supervisor Level") */
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280

/* Unprivileged counters. */
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02

/* sstatus */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_VS (3UL << 9)
#define SSTATUS_VS_INITIAL (1UL << 9)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)

/* hstatus ("Hypervisor Status Register") */
#define HSTATUS_VSBE (1UL << 5)
#define HSTATUS_GVA (1UL << 6)
#define HSTATUS_SPV (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_HU (1UL << 9)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN (0x3fUL << 12)
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_VTW (1UL << 21)
#define HSTATUS_VTSR (1UL << 22)
#define HSTATUS_VSXL_SHIFT 32
#define HSTATUS_VSXL (3UL << 32)

/* Interrupt numbers (bit positions in sip/sie/hip/hvip/hideleg). */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_S_TIMER 5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11 /* (device trees name it: the PLIC's M-mode contexts) */
#define IRQ_VS_EXT 10
#define IRQ_S_GEXT 12
#define MIP_VSSIP (1UL << IRQ_VS_SOFT)
#define MIP_VSTIP (1UL << IRQ_VS_TIMER)
#define MIP_VSEIP (1UL << IRQ_VS_EXT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_SGEIP (1UL << IRQ_S_GEXT)

/* scause: the interrupt bit is the top bit of XLEN. */
#define CAUSE_INTERRUPT (1UL << 63)

/* Exception codes ("Supervisor Cause Register", "Hypervisor Extension"). */
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8 /* also VU-mode */
#define EXC_ECALL_S 9 /* HS-mode */
#define EXC_ECALL_VS 10
#define EXC_ECALL_M 11
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_INST_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST 22
#define EXC_STORE_GUEST_PAGE_FAULT 23

/* hgatp ("Hypervisor Guest Address Translation and Protection Register") */
#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_BARE 0UL
#define HGATP_MODE_SV39X4 8UL
#define HGATP_MODE_SV48X4 9UL
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK 0x3fffUL
#define HGATP_PPN_MASK ((1UL << 44) - 1)

/* satp, and vsatp, which has its encodings: MODE (63:60), PPN (43:0) */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE (0UL << 60)
#define SATP_MODE_SV39 (8UL << 60)
#define SATP_MODE_SV48 (9UL << 60)
#define SATP_MODE_SV57 (10UL << 60)
#define SATP_PPN_MASK ((1UL << 44) - 1)

/* henvcfg */
#define HENVCFG_STCE (1UL << 63)

/* hcounteren / scounteren */
#define COUNTEREN_CY (1UL << 0)
#define COUNTEREN_TM (1UL << 1)
#define COUNTEREN_IR (1UL << 2)

/* Page-table entry bits (VS-stage and G-stage share them). */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1UL << 44) - 1) /* after the shift: bits 53:10 */
#define PTE_RESERVED (0x7fUL << 54)   /* bits 60:54, zero ("reserved") */
#define PTE_PBMT (3UL << 61)	      /* Svpbmt's memory type */
#define PTE_N (1UL << 63)	      /* Svnapot's NAPOT bit */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/*
 * Transformed-instruction pseudo-instructions in htinst for a guest-page
 * fault during the implicit VS-stage page-table walk ("Transformed
 * Instruction or Pseudoinstruction for mtinst or htinst").
 */
#define HTINST_PSEUDO_LOAD32 0x2000
#define HTINST_PSEUDO_LOAD64 0x3000
#define HTINST_PSEUDO_STORE32 0x2020
#define HTINST_PSEUDO_STORE64 0x3020

#ifndef __ASSEMBLER__
#define csr_read(csr)                                                          \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " __csr_str(csr) : "=r"(__v)        \
				 :                                             \
				 : "memory");                                  \
		__v;                                                           \
	})
/* A read of a CSR that no memory access of this hart writes or orders
 * (time, hvip): without csr_read()'s memory clobber, the compiler keeps
 * what it knows of memory across it (a value just stored need not be
 * loaded again). Still volatile: never dropped, nor moved across
 * another CSR access. */
#define csr_read_relaxed(csr)                                                  \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " __csr_str(csr) : "=r"(__v));      \
		__v;                                                           \
	})
#define csr_write(csr, val)                                                    \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrw " __csr_str(csr) ", %0"                 \
				 :                                             \
				 : "rK"(__v)                                   \
				 : "memory");                                  \
	})
#define csr_set(csr, val)                                                      \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrs " __csr_str(csr) ", %0"                 \
				 :                                             \
				 : "rK"(__v)                                   \
				 : "memory");                                  \
	})
#define csr_clear(csr, val)                                                    \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrc " __csr_str(csr) ", %0"                 \
				 :                                             \
				 : "rK"(__v)                                   \
				 : "memory");                                  \
	})
#define csr_swap(csr, val)                                                     \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrrw %0, " __csr_str(csr) ", %1"            \
				 : "=r"(__v)                                   \
				 : "rK"(__v)                                   \
				 : "memory");                                  \
		__v;                                                           \
	})
#define __csr_str(x) __csr_str2(x)
#define __csr_str2(x) #x
#endif

#endif
