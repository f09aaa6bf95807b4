/*
 * RISC-V instruction decoding for tracevisor.
 *
 * - insn_decode_mem() decodes the load/store that caused a load or store
 *   guest-page fault, so the hypervisor can emulate an MMIO access. QEMU 7.2
 *   always writes htinst = 0, so the hypervisor fetches the instruction at
 *   sepc with HLVX.HU and decodes it here; insn_from_htinst() handles the
 *   case where the hardware does provide a transformed instruction.
 * - insn_disasm() turns an instruction into text for the host tools.
 *
 * Target: RV64GC plus the hypervisor extension (RV64I, M, A, F, D, C,
 * Zicsr, Zifencei, H). Freestanding: no stdio, no malloc.
 */
#ifndef TRACEVISOR_INSN_H
#define TRACEVISOR_INSN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length in bytes of the instruction whose lowest 16 bits are lo16
 * (unprivileged spec, "Expanded Instruction-Length Encoding"): 2 when
 * bits [1:0] != 11, 4 when bits [1:0] == 11 and bits [4:2] != 111, and 0
 * for the 48-bit and longer encodings, which are not supported.
 */
static inline unsigned insn_length(uint32_t lo16)
{
	if ((lo16 & 0x3u) != 0x3u)
		return 2;
	if ((lo16 & 0x1cu) != 0x1cu)
		return 4;
	return 0;
}

/* One decoded explicit load or store. */
struct insn_mem {
	uint8_t width;     /* access size in bytes: 1, 2, 4 or 8 */
	uint8_t is_store;  /* 1 for a store, 0 for a load */
	uint8_t is_signed; /* load sign-extends (LB/LH/LW/LD and C.LW/C.LD;
			      not LBU/LHU/LWU, not FP, never for stores) */
	uint8_t reg;       /* rd for loads, rs2 for stores (0..31) */
	uint8_t is_fp;     /* FP load/store: reg names an f register */
	uint8_t len;       /* instruction length in bytes: 2 or 4 */
	uint8_t rs1;       /* base address register (x2 for the sp forms) */
	int32_t imm;       /* byte offset added to rs1 */
};

enum insn_decode_err {
	INSN_OK = 0,       /* a load or store; *out is filled in */
	INSN_NOT_MEM = -1, /* a valid instruction, but not a load/store */
	INSN_AMO = -2,     /* an AMO, LR or SC (A extension) */
	INSN_ILLEGAL = -3, /* reserved, illegal or unsupported encoding */
};

/*
 * Decode insn as a load or store. For a compressed instruction only the
 * low 16 bits of insn are looked at. Returns an enum insn_decode_err;
 * *out is written only when INSN_OK is returned.
 */
int insn_decode_mem(uint32_t insn, struct insn_mem *out);

/*
 * Sign- or zero-extend a value loaded with the given width (1, 2 or 4
 * bytes) to 64 bits, as the integer loads do (unprivileged spec, "Load and
 * Store Instructions"): shift the value to the top and back, over the
 * bits above it (insn_load_unused_bits()). Width 8 (or any other width)
 * returns raw unchanged. The hypervisor's MMIO path keeps the shift per
 * instruction and calls insn_extend_unused().
 */
static inline unsigned insn_load_unused_bits(unsigned width)
{
	return width == 1 || width == 2 || width == 4 ? 64 - 8 * width : 0;
}

static inline uint64_t insn_extend_unused(uint64_t raw, unsigned unused, int is_signed)
{
	if (is_signed)
		return (uint64_t)((int64_t)(raw << unused) >> unused);
	return (raw << unused) >> unused;
}

static inline uint64_t insn_extend_load(uint64_t raw, unsigned width, int is_signed)
{
	return insn_extend_unused(raw, insn_load_unused_bits(width), is_signed);
}

/*
 * The 64-bit f-register value written by an FP load of the given width:
 * a 4-byte FLW value is NaN-boxed (upper 32 bits all ones, D extension
 * "NaN Boxing of Narrower Values"); an 8-byte FLD value is returned as is.
 */
uint64_t insn_fp_load_value(uint64_t raw, unsigned width);

/*
 * Recover a decodable instruction from htinst (privileged spec,
 * "Transformed Instruction or Pseudoinstruction for mtinst or htinst").
 * Returns 0 if htinst holds nothing usable: zero, a pseudoinstruction
 * (0x2000, 0x3000, 0x2020, 0x3020: implicit VS-stage page-table access),
 * a custom or unrecognised value, or a transformed HLV/HSV. Otherwise
 * stores in *insn a 32-bit load, store or AMO encoding for
 * insn_decode_mem() and returns the length of the instruction that
 * trapped: 4, or 2 when it was compressed (the transformation then had
 * bit 1 cleared; it is set again in *insn, so insn_decode_mem() reports
 * len 4 and the caller must use this return value as the length).
 * In a transformed instruction the immediate is zero and the rs1 field
 * holds the offset of the faulting address from the original address,
 * so the faulting address must be taken from stval/htval.
 */
int insn_from_htinst(uint64_t htinst, uint32_t *insn);

/*
 * ABI name of integer register reg ("zero", "ra", "sp", ..., "t6"), or
 * "?" for reg > 31.
 */
const char *insn_reg_name(unsigned reg);

/* ABI name of floating-point register reg ("ft0" ... "ft11"), or "?". */
const char *insn_freg_name(unsigned reg);

/* Name of CSR number csr, or NULL when it is not one we know by name. */
const char *insn_csr_name(unsigned csr);

/*
 * Write a human-readable disassembly of insn into buf (bufsize bytes,
 * always NUL-terminated when bufsize > 0, silently truncated). Compressed
 * instructions use their "c." mnemonics; branch and jump targets are shown
 * as signed byte offsets from the instruction; unknown encodings are shown
 * as "unknown 0x%08x" (or "unknown 0x%04x" for a 16-bit one). Returns the
 * number of characters written, not counting the NUL.
 */
int insn_disasm(uint32_t insn, char *buf, size_t bufsize);

#endif
