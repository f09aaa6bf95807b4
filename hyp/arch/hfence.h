/*
 * The hypervisor's TLB fences, HFENCE.VVMA and HFENCE.GVMA ("Hypervisor
 * Memory-Management Fence Instructions"), the one place that encodes them.
 * Both are R-type SYSTEM instructions (opcode 0x73, funct3 0, rd x0):
 * funct7 0x11 for HFENCE.VVMA (rs1 a guest virtual address, rs2 an ASID),
 * funct7 0x31 for HFENCE.GVMA (rs1 a guest physical address shifted right
 * by 2, rs2 a VMID). An rs1 or rs2 of x0 means every address or every
 * ASID / VMID. HFENCE.VVMA acts on the VMID now in hgatp. They are
 * written with .insn because the C files are compiled without the H
 * extension in -march.
 */
#ifndef HYP_ARCH_HFENCE_H
#define HYP_ARCH_HFENCE_H

#include <stdint.h>

/* Every VS-stage translation of the current VMID. */
static inline void hfence_vvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

/* The VS-stage translations of one guest virtual address, any ASID. */
static inline void hfence_vvma_va(uint64_t va)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, %0, x0" ::"r"(va) : "memory");
}

/* The VS-stage translations of one guest virtual address in one ASID. */
static inline void hfence_vvma_va_asid(uint64_t va, uint64_t asid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, %0, %1" ::"r"(va), "r"(asid)
			 : "memory");
}

/* Every VS-stage translation of one ASID (global mappings excepted). */
static inline void hfence_vvma_asid(uint64_t asid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, x0, %0" ::"r"(asid) : "memory");
}

/* Every G-stage translation of every VMID. */
static inline void hfence_gvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

/* The G-stage translations of one guest physical address in one VMID. */
static inline void hfence_gvma_gpa(uint64_t gpa, uint64_t vmid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, %0, %1" ::"r"(gpa >> 2), "r"(vmid)
			 : "memory");
}

#endif
