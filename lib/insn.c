/*
 * RISC-V instruction decoding for tracevisor: load/store decoding for MMIO
 * emulation, htinst interpretation, and a small disassembler for display.
 *
 * Encodings follow the RISC-V unprivileged specification ("RV32I Base
 * Integer Instruction Set", "RV64I Base Integer Instruction Set", "M", "A",
 * "F", "D" and "C" extension chapters, "RV32/64G Instruction Set Listings")
 * and the privileged specification ("Supervisor Instructions", "Hypervisor
 * Instructions", "Transformed Instruction or Pseudoinstruction for mtinst or
 * htinst").
 */
#include "insn.h"

#include <stdarg.h>

#include "tracevisor/csr.h"

/* ------------------------------------------------------------------ */
/* Bit-field helpers                                                   */
/* ------------------------------------------------------------------ */

/* Bits hi..lo of x (hi - lo < 31), shifted down to bit 0. */
static uint32_t bits(uint32_t x, unsigned hi, unsigned lo)
{
	return (x >> lo) & ((1u << (hi - lo + 1)) - 1u);
}

/* Bit n of x. */
static uint32_t bit(uint32_t x, unsigned n)
{
	return (x >> n) & 1u;
}

/*
 * Sign-extend the low nbits (1..31) of v: two's complement, computed
 * without shifting negative values or relying on implementation-defined
 * conversions.
 */
static int32_t sext(uint32_t v, unsigned nbits)
{
	uint32_t sign = 1u << (nbits - 1);

	v &= (sign << 1) - 1u;
	if (v & sign)
		return -(int32_t)((sign << 1) - v);
	return (int32_t)v;
}

/* Standard 32-bit fields ("Base Instruction Formats"). */
#define OPCODE(i) bits((i), 6, 0)
#define RD(i) bits((i), 11, 7)
#define FUNCT3(i) bits((i), 14, 12)
#define RS1(i) bits((i), 19, 15)
#define RS2(i) bits((i), 24, 20)
#define FUNCT7(i) bits((i), 31, 25)

/* Major opcodes ("RV32/64G Instruction Set Listings", opcode map). */
enum {
	OP_LOAD = 0x03,
	OP_LOAD_FP = 0x07,
	OP_MISC_MEM = 0x0f,
	OP_OP_IMM = 0x13,
	OP_AUIPC = 0x17,
	OP_OP_IMM_32 = 0x1b,
	OP_STORE = 0x23,
	OP_STORE_FP = 0x27,
	OP_AMO = 0x2f,
	OP_OP = 0x33,
	OP_LUI = 0x37,
	OP_OP_32 = 0x3b,
	OP_MADD = 0x43,
	OP_MSUB = 0x47,
	OP_NMSUB = 0x4b,
	OP_NMADD = 0x4f,
	OP_OP_FP = 0x53,
	OP_BRANCH = 0x63,
	OP_JALR = 0x67,
	OP_JAL = 0x6f,
	OP_SYSTEM = 0x73,
};

/* I-type immediate: inst[31:20]. */
static int32_t imm_i(uint32_t i)
{
	return sext(bits(i, 31, 20), 12);
}

/* S-type immediate: imm[11:5] = inst[31:25], imm[4:0] = inst[11:7]. */
static int32_t imm_s(uint32_t i)
{
	return sext((bits(i, 31, 25) << 5) | bits(i, 11, 7), 12);
}

/*
 * B-type immediate: imm[12] = inst[31], imm[10:5] = inst[30:25],
 * imm[4:1] = inst[11:8], imm[11] = inst[7].
 */
static int32_t imm_b(uint32_t i)
{
	return sext((bit(i, 31) << 12) | (bit(i, 7) << 11) |
			    (bits(i, 30, 25) << 5) | (bits(i, 11, 8) << 1),
		    13);
}

/*
 * J-type immediate: imm[20] = inst[31], imm[10:1] = inst[30:21],
 * imm[11] = inst[20], imm[19:12] = inst[19:12].
 */
static int32_t imm_j(uint32_t i)
{
	return sext((bit(i, 31) << 20) | (bits(i, 19, 12) << 12) |
			    (bit(i, 20) << 11) | (bits(i, 30, 21) << 1),
		    21);
}

/* ------------------------------------------------------------------ */
/* Compressed ("C" Standard Extension) fields                          */
/* ------------------------------------------------------------------ */

/* The 3-bit register fields rs1', rs2', rd' name x8..x15 ("Compressed
 * Instruction Formats", RVC register numbers). */
static unsigned creg(uint32_t field3)
{
	return 8u + field3;
}

/* C.LW/C.SW: uimm[5:3] = inst[12:10], uimm[2] = inst[6], uimm[6] = inst[5]. */
static int32_t c_off_w(uint32_t c)
{
	return (int32_t)((bits(c, 12, 10) << 3) | (bit(c, 6) << 2) |
			 (bit(c, 5) << 6));
}

/* C.LD/C.SD/C.FLD/C.FSD: uimm[5:3] = inst[12:10], uimm[7:6] = inst[6:5]. */
static int32_t c_off_d(uint32_t c)
{
	return (int32_t)((bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6));
}

/* C.LWSP: uimm[5] = inst[12], uimm[4:2] = inst[6:4], uimm[7:6] = inst[3:2]. */
static int32_t c_off_lwsp(uint32_t c)
{
	return (int32_t)((bit(c, 12) << 5) | (bits(c, 6, 4) << 2) |
			 (bits(c, 3, 2) << 6));
}

/* C.LDSP/C.FLDSP: uimm[5] = inst[12], uimm[4:3] = inst[6:5],
 * uimm[8:6] = inst[4:2]. */
static int32_t c_off_ldsp(uint32_t c)
{
	return (int32_t)((bit(c, 12) << 5) | (bits(c, 6, 5) << 3) |
			 (bits(c, 4, 2) << 6));
}

/* C.SWSP: uimm[5:2] = inst[12:9], uimm[7:6] = inst[8:7]. */
static int32_t c_off_swsp(uint32_t c)
{
	return (int32_t)((bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6));
}

/* C.SDSP/C.FSDSP: uimm[5:3] = inst[12:10], uimm[8:6] = inst[9:7]. */
static int32_t c_off_sdsp(uint32_t c)
{
	return (int32_t)((bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6));
}

/* 6-bit immediate of C.ADDI/C.ADDIW/C.LI/C.ANDI/C.LUI: imm[5] = inst[12],
 * imm[4:0] = inst[6:2], sign-extended. */
static int32_t c_imm6(uint32_t c)
{
	return sext((bit(c, 12) << 5) | bits(c, 6, 2), 6);
}

/* Shift amount of C.SLLI/C.SRLI/C.SRAI: shamt[5] = inst[12],
 * shamt[4:0] = inst[6:2]. */
static int32_t c_shamt(uint32_t c)
{
	return (int32_t)((bit(c, 12) << 5) | bits(c, 6, 2));
}

/* C.ADDI4SPN: nzuimm[5:4] = inst[12:11], nzuimm[9:6] = inst[10:7],
 * nzuimm[2] = inst[6], nzuimm[3] = inst[5]. */
static int32_t c_addi4spn_imm(uint32_t c)
{
	return (int32_t)((bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) |
			 (bit(c, 6) << 2) | (bit(c, 5) << 3));
}

/* C.ADDI16SP: nzimm[9] = inst[12], nzimm[4] = inst[6], nzimm[6] = inst[5],
 * nzimm[8:7] = inst[4:3], nzimm[5] = inst[2]. */
static int32_t c_addi16sp_imm(uint32_t c)
{
	return sext((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) |
			    (bits(c, 4, 3) << 7) | (bit(c, 2) << 5),
		    10);
}

/* C.J/C.JAL: offset[11|4|9:8|10|6|7|3:1|5] = inst[12:2]. */
static int32_t c_j_off(uint32_t c)
{
	return sext((bit(c, 12) << 11) | (bit(c, 11) << 4) |
			    (bits(c, 10, 9) << 8) | (bit(c, 8) << 10) |
			    (bit(c, 7) << 6) | (bit(c, 6) << 7) |
			    (bits(c, 5, 3) << 1) | (bit(c, 2) << 5),
		    12);
}

/* C.BEQZ/C.BNEZ: offset[8|4:3] = inst[12:10], offset[7:6|2:1|5] =
 * inst[6:2]. */
static int32_t c_b_off(uint32_t c)
{
	return sext((bit(c, 12) << 8) | (bits(c, 11, 10) << 3) |
			    (bits(c, 6, 5) << 6) | (bits(c, 4, 3) << 1) |
			    (bit(c, 2) << 5),
		    9);
}

/* ------------------------------------------------------------------ */
/* Length                                                              */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Validity of non-memory encodings                                    */
/* ------------------------------------------------------------------ */

/*
 * Classify a 16-bit instruction that is not one of the RV64C loads and
 * stores: INSN_ILLEGAL for the encodings the C extension chapter marks
 * reserved (or illegal, for all zeros), else INSN_NOT_MEM. HINT encodings
 * count as valid. Quadrant 0 funct3=100 is the Zcb loads and stores
 * (decode_zcb()); what they leave of it is reserved.
 */
static int rvc_classify_other(uint32_t c)
{
	unsigned quadrant = c & 0x3u, f3 = bits(c, 15, 13);
	unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);

	if (quadrant == 0) {
		/* C.ADDI4SPN with nzuimm=0 is reserved; all zeros illegal. */
		if (f3 == 0 && c_addi4spn_imm(c) != 0)
			return INSN_NOT_MEM;
		return INSN_ILLEGAL;
	}
	if (quadrant == 1) {
		switch (f3) {
		case 1: /* C.ADDIW: rd=0 reserved */
			return rd ? INSN_NOT_MEM : INSN_ILLEGAL;
		case 3: /* C.ADDI16SP / C.LUI: zero immediate reserved */
			return c_imm6(c) ? INSN_NOT_MEM : INSN_ILLEGAL;
		case 4: /* C.SUBW/C.ADDW and two reserved slots */
			if (bits(c, 11, 10) == 3 && bit(c, 12) &&
			    bits(c, 6, 5) >= 2)
				return INSN_ILLEGAL;
			return INSN_NOT_MEM;
		default: /* C.ADDI/NOP, C.LI, C.J, C.BEQZ, C.BNEZ */
			return INSN_NOT_MEM;
		}
	}
	/* quadrant 2: C.SLLI (f3=0) and the f3=4 group */
	if (f3 == 4 && !bit(c, 12) && rs2 == 0 && rd == 0)
		return INSN_ILLEGAL; /* C.JR with rs1=0 is reserved */
	return INSN_NOT_MEM;
}

/* Is funct5 of an AMO-opcode instruction a defined A-extension operation
 * ("A" Standard Extension: LR/SC and AMO instruction listings)? */
static int amo_funct5_valid(unsigned funct5)
{
	switch (funct5) {
	case 0x00: /* AMOADD */
	case 0x01: /* AMOSWAP */
	case 0x02: /* LR */
	case 0x03: /* SC */
	case 0x04: /* AMOXOR */
	case 0x08: /* AMOOR */
	case 0x0c: /* AMOAND */
	case 0x10: /* AMOMIN */
	case 0x14: /* AMOMAX */
	case 0x18: /* AMOMINU */
	case 0x1c: /* AMOMAXU */
		return 1;
	default:
		return 0;
	}
}

/* Classify an AMO-opcode instruction: INSN_AMO for a valid .W/.D AMO, LR
 * (rs2 must be 0) or SC, else INSN_ILLEGAL. */
static int amo_classify(uint32_t i)
{
	unsigned funct5 = bits(i, 31, 27);

	if (FUNCT3(i) != 2 && FUNCT3(i) != 3)
		return INSN_ILLEGAL;
	if (!amo_funct5_valid(funct5))
		return INSN_ILLEGAL;
	if (funct5 == 0x02 && RS2(i) != 0)
		return INSN_ILLEGAL;
	return INSN_AMO;
}

/*
 * Name of an HLV/HLVX/HSV instruction (SYSTEM opcode, funct3=100;
 * "Hypervisor Virtual-Machine Load and Store Instructions"), or NULL.
 * HSV requires rd=0; HLV selects the variant with the rs2 field.
 */
static const char *hlsv_name(uint32_t i)
{
	unsigned f7 = FUNCT7(i), rs2 = RS2(i);

	if (f7 & 1) {
		if (RD(i) != 0)
			return NULL;
		switch (f7) {
		case 0x31: return "hsv.b";
		case 0x33: return "hsv.h";
		case 0x35: return "hsv.w";
		case 0x37: return "hsv.d";
		default: return NULL;
		}
	}
	switch ((f7 << 5) | rs2) {
	case (0x30 << 5) | 0: return "hlv.b";
	case (0x30 << 5) | 1: return "hlv.bu";
	case (0x32 << 5) | 0: return "hlv.h";
	case (0x32 << 5) | 1: return "hlv.hu";
	case (0x32 << 5) | 3: return "hlvx.hu";
	case (0x34 << 5) | 0: return "hlv.w";
	case (0x34 << 5) | 1: return "hlv.wu";
	case (0x34 << 5) | 3: return "hlvx.wu";
	case (0x36 << 5) | 0: return "hlv.d";
	default: return NULL;
	}
}

/*
 * Name of a SYSTEM funct3=000 instruction ("Environment Call and
 * Breakpoints", "Trap-Return Instructions", "Wait for Interrupt",
 * "Supervisor Memory-Management Fence Instruction", "Hypervisor
 * Memory-Management Fence Instructions", Svinval), or NULL. *has_regs is
 * set for the fences that take rs1, rs2 operands.
 */
static const char *priv_name(uint32_t i, int *has_regs)
{
	*has_regs = 0;
	switch (i) {
	case 0x00000073: return "ecall";
	case 0x00100073: return "ebreak";
	case 0x10200073: return "sret";
	case 0x30200073: return "mret";
	case 0x10500073: return "wfi";
	case 0x18000073: return "sfence.w.inval";
	case 0x18100073: return "sfence.inval.ir";
	default: break;
	}
	if (RD(i) != 0 || FUNCT3(i) != 0)
		return NULL;
	*has_regs = 1;
	switch (FUNCT7(i)) {
	case 0x09: return "sfence.vma";
	case 0x11: return "hfence.vvma";
	case 0x31: return "hfence.gvma";
	case 0x0b: return "sinval.vma";
	case 0x13: return "hinval.vvma";
	case 0x33: return "hinval.gvma";
	default: break;
	}
	*has_regs = 0;
	return NULL;
}

/*
 * Name of a cache-block operation (MISC-MEM funct3=010, rd=0, the
 * operation in imm[11:0]; Zicbom "cbo.inval/clean/flush", Zicboz
 * "cbo.zero"), or NULL.
 */
static const char *cbo_name(uint32_t i)
{
	if (FUNCT3(i) != 2 || RD(i) != 0)
		return NULL;
	switch (bits(i, 31, 20)) {
	case 0: return "cbo.inval";
	case 1: return "cbo.clean";
	case 2: return "cbo.flush";
	case 4: return "cbo.zero";
	default: return NULL;
	}
}

/*
 * Classify a 32-bit instruction whose opcode is not LOAD, STORE,
 * LOAD-FP, STORE-FP or AMO. Checks the major opcode and, for the integer,
 * fence and system opcodes, the funct fields; FP arithmetic is accepted by
 * opcode alone. Custom, reserved and vector opcodes are INSN_ILLEGAL.
 */
static int classify_other32(uint32_t i)
{
	unsigned f3 = FUNCT3(i), f7 = FUNCT7(i), f6 = bits(i, 31, 26);
	int has_regs;

	switch (OPCODE(i)) {
	case OP_LUI:
	case OP_AUIPC:
	case OP_JAL:
	case OP_MADD:
	case OP_MSUB:
	case OP_NMSUB:
	case OP_NMADD:
	case OP_OP_FP:
		return INSN_NOT_MEM;
	case OP_JALR:
		return f3 == 0 ? INSN_NOT_MEM : INSN_ILLEGAL;
	case OP_BRANCH:
		return (f3 == 2 || f3 == 3) ? INSN_ILLEGAL : INSN_NOT_MEM;
	case OP_MISC_MEM: /* FENCE, FENCE.I, CBO.* */
		if (f3 == 2)
			return cbo_name(i) ? INSN_NOT_MEM : INSN_ILLEGAL;
		return f3 <= 1 ? INSN_NOT_MEM : INSN_ILLEGAL;
	case OP_OP_IMM: /* RV64I: 6-bit shamt, funct6 selects SRLI/SRAI */
		if (f3 == 1)
			return f6 == 0 ? INSN_NOT_MEM : INSN_ILLEGAL;
		if (f3 == 5)
			return (f6 == 0 || f6 == 0x10) ? INSN_NOT_MEM
						       : INSN_ILLEGAL;
		return INSN_NOT_MEM;
	case OP_OP_IMM_32:
		if (f3 == 0)
			return INSN_NOT_MEM;
		if (f3 == 1)
			return f7 == 0 ? INSN_NOT_MEM : INSN_ILLEGAL;
		if (f3 == 5)
			return (f7 == 0 || f7 == 0x20) ? INSN_NOT_MEM
						       : INSN_ILLEGAL;
		return INSN_ILLEGAL;
	case OP_OP:
		if (f7 == 0 || f7 == 1)
			return INSN_NOT_MEM;
		if (f7 == 0x20 && (f3 == 0 || f3 == 5))
			return INSN_NOT_MEM;
		return INSN_ILLEGAL;
	case OP_OP_32:
		if (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5))
			return INSN_NOT_MEM;
		if (f7 == 0x20 && (f3 == 0 || f3 == 5))
			return INSN_NOT_MEM;
		if (f7 == 1 && (f3 == 0 || f3 >= 4))
			return INSN_NOT_MEM;
		return INSN_ILLEGAL;
	case OP_SYSTEM:
		if (f3 == 0)
			return priv_name(i, &has_regs) ? INSN_NOT_MEM
							: INSN_ILLEGAL;
		if (f3 == 4)
			return hlsv_name(i) ? INSN_NOT_MEM : INSN_ILLEGAL;
		return INSN_NOT_MEM; /* Zicsr */
	default:
		return INSN_ILLEGAL;
	}
}

/* ------------------------------------------------------------------ */
/* Load/store decoding                                                 */
/* ------------------------------------------------------------------ */

/* Fill *out with one decoded access. */
static void set_mem(struct insn_mem *out, unsigned width, int is_store,
		    int is_signed, unsigned reg, int is_fp, unsigned len,
		    unsigned rs1, int32_t imm)
{
	out->width = (uint8_t)width;
	out->is_store = (uint8_t)is_store;
	out->is_signed = (uint8_t)is_signed;
	out->reg = (uint8_t)reg;
	out->is_fp = (uint8_t)is_fp;
	out->len = (uint8_t)len;
	out->rs1 = (uint8_t)rs1;
	out->imm = imm;
}

/*
 * The Zcb loads and stores ("Zcb" of the Zc extensions), quadrant 0
 * funct3=100, told apart by bits 12:10: 000 C.LBU, 001 C.LHU (bit 6
 * clear) or C.LH (set), 010 C.SB, 011 C.SH (bit 6 set is reserved), all
 * on rd'/rs2' and rs1' with an unscaled offset: bits 6 and 5 are
 * uimm[0] and uimm[1] for a byte, bit 5 uimm[1] for a halfword. A hart
 * without Zcb raises an illegal instruction for them, so they only reach
 * here where they exist.
 */
static int decode_zcb(uint32_t c, struct insn_mem *out, unsigned rp, unsigned rs1p)
{
	unsigned b6 = bit(c, 6), b5 = bit(c, 5);
	int32_t ubyte = (int32_t)(b6 | (b5 << 1)), uhalf = (int32_t)(b5 << 1);

	switch (bits(c, 12, 10)) {
	case 0: /* C.LBU */
		set_mem(out, 1, 0, 0, rp, 0, 2, rs1p, ubyte);
		return INSN_OK;
	case 1: /* C.LHU, C.LH */
		set_mem(out, 2, 0, (int)b6, rp, 0, 2, rs1p, uhalf);
		return INSN_OK;
	case 2: /* C.SB */
		set_mem(out, 1, 1, 0, rp, 0, 2, rs1p, ubyte);
		return INSN_OK;
	case 3: /* C.SH */
		if (b6)
			return INSN_ILLEGAL;
		set_mem(out, 2, 1, 0, rp, 0, 2, rs1p, uhalf);
		return INSN_OK;
	default:
		return INSN_ILLEGAL;
	}
}

/*
 * Decode a 16-bit instruction (RV64C, "Load and Store Instructions" of
 * the C extension): the register-based forms use rd'/rs1'/rs2' (x8..x15)
 * and zero-extended offsets scaled by the access size; the stack-pointer
 * forms use x2 as base. C.LWSP and C.LDSP with rd=0 are reserved.
 */
static int decode_mem16(uint32_t c, struct insn_mem *out)
{
	unsigned quadrant = c & 0x3u, f3 = bits(c, 15, 13);
	unsigned rdp = creg(bits(c, 4, 2)), rs1p = creg(bits(c, 9, 7));
	unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);

	if (quadrant == 0) {
		switch (f3) {
		case 1: /* C.FLD */
			set_mem(out, 8, 0, 0, rdp, 1, 2, rs1p, c_off_d(c));
			return INSN_OK;
		case 2: /* C.LW */
			set_mem(out, 4, 0, 1, rdp, 0, 2, rs1p, c_off_w(c));
			return INSN_OK;
		case 3: /* C.LD (RV64) */
			set_mem(out, 8, 0, 1, rdp, 0, 2, rs1p, c_off_d(c));
			return INSN_OK;
		case 4: /* Zcb */
			return decode_zcb(c, out, rdp, rs1p);
		case 5: /* C.FSD */
			set_mem(out, 8, 1, 0, rdp, 1, 2, rs1p, c_off_d(c));
			return INSN_OK;
		case 6: /* C.SW */
			set_mem(out, 4, 1, 0, rdp, 0, 2, rs1p, c_off_w(c));
			return INSN_OK;
		case 7: /* C.SD (RV64) */
			set_mem(out, 8, 1, 0, rdp, 0, 2, rs1p, c_off_d(c));
			return INSN_OK;
		default:
			return rvc_classify_other(c);
		}
	}
	if (quadrant == 2) {
		switch (f3) {
		case 1: /* C.FLDSP */
			set_mem(out, 8, 0, 0, rd, 1, 2, 2, c_off_ldsp(c));
			return INSN_OK;
		case 2: /* C.LWSP, rd=0 reserved */
			if (rd == 0)
				return INSN_ILLEGAL;
			set_mem(out, 4, 0, 1, rd, 0, 2, 2, c_off_lwsp(c));
			return INSN_OK;
		case 3: /* C.LDSP (RV64), rd=0 reserved */
			if (rd == 0)
				return INSN_ILLEGAL;
			set_mem(out, 8, 0, 1, rd, 0, 2, 2, c_off_ldsp(c));
			return INSN_OK;
		case 5: /* C.FSDSP */
			set_mem(out, 8, 1, 0, rs2, 1, 2, 2, c_off_sdsp(c));
			return INSN_OK;
		case 6: /* C.SWSP */
			set_mem(out, 4, 1, 0, rs2, 0, 2, 2, c_off_swsp(c));
			return INSN_OK;
		case 7: /* C.SDSP (RV64) */
			set_mem(out, 8, 1, 0, rs2, 0, 2, 2, c_off_sdsp(c));
			return INSN_OK;
		default:
			return rvc_classify_other(c);
		}
	}
	return rvc_classify_other(c);
}

/*
 * Decode a 32-bit instruction: LOAD (funct3 = log2 width, bit 2 set for
 * the zero-extending forms; 111 reserved), STORE (funct3 0..3), LOAD-FP /
 * STORE-FP (FLW/FSW funct3=010, FLD/FSD funct3=011; the Zfh, Q and vector
 * widths are unsupported), AMO opcode -> INSN_AMO.
 */
static int decode_mem32(uint32_t i, struct insn_mem *out)
{
	unsigned f3 = FUNCT3(i);

	switch (OPCODE(i)) {
	case OP_LOAD:
		if (f3 == 7)
			return INSN_ILLEGAL;
		set_mem(out, 1u << (f3 & 3u), 0, !(f3 & 4u), RD(i), 0, 4,
			RS1(i), imm_i(i));
		return INSN_OK;
	case OP_STORE:
		if (f3 > 3)
			return INSN_ILLEGAL;
		set_mem(out, 1u << f3, 1, 0, RS2(i), 0, 4, RS1(i), imm_s(i));
		return INSN_OK;
	case OP_LOAD_FP:
		if (f3 != 2 && f3 != 3)
			return INSN_ILLEGAL;
		set_mem(out, 1u << f3, 0, 0, RD(i), 1, 4, RS1(i), imm_i(i));
		return INSN_OK;
	case OP_STORE_FP:
		if (f3 != 2 && f3 != 3)
			return INSN_ILLEGAL;
		set_mem(out, 1u << f3, 1, 0, RS2(i), 1, 4, RS1(i), imm_s(i));
		return INSN_OK;
	case OP_AMO:
		return amo_classify(i);
	default:
		return classify_other32(i);
	}
}

/* See insn.h. */
int insn_decode_mem(uint32_t insn, struct insn_mem *out)
{
	switch (insn_length(insn & 0xffffu)) {
	case 2:
		return decode_mem16(insn & 0xffffu, out);
	case 4:
		return decode_mem32(insn, out);
	default:
		return INSN_ILLEGAL; /* 48-bit and longer: unsupported */
	}
}

/* See insn.h ("NaN Boxing of Narrower Values"). */
uint64_t insn_fp_load_value(uint64_t raw, unsigned width)
{
	if (width == 4)
		return (raw & 0xffffffffu) | UINT64_C(0xffffffff00000000);
	return raw;
}

/*
 * Is m the 32-bit expansion of one of the 16-bit loads/stores (RV64C's
 * C.LW, C.LD, C.SW, C.SD, C.FLD, C.FSD and their SP forms; Zcb's C.LBU,
 * C.LHU, C.LH, C.SB, C.SH)? A transformed instruction with bit 1 clear
 * must have come from one of these.
 */
static int is_rvc_expansion(const struct insn_mem *m)
{
	if (m->is_fp)
		return m->width == 8;
	switch (m->width) {
	case 1:
		return m->is_store || !m->is_signed; /* no C.LB */
	case 2:
		return 1;
	case 4:
	case 8:
		return m->is_store || m->is_signed; /* no C.LWU */
	default:
		return 0;
	}
}

/*
 * See insn.h. Rules from "Transformed Instruction or Pseudoinstruction for
 * mtinst or htinst": a nonzero value is either a transformed standard
 * instruction or custom value (bit 0 = 1; setting bit 1 gives the
 * encoding, and bit 1 was 0 iff the trapping instruction was compressed),
 * or a pseudoinstruction (bits 1:0 = 00). Software must fully verify the
 * value, including that bits 63:32 are zero, and may treat anything
 * unrecognised like zero. Transformations are defined only for loads,
 * stores, AMO/LR/SC and HLV/HLVX/HSV; the last are not accepted here.
 */
int insn_from_htinst(uint64_t htinst, uint32_t *insn)
{
	struct insn_mem m;
	uint32_t v;
	int compressed, r;

	if (htinst >> 32)
		return 0;
	v = (uint32_t)htinst;
	if (!(v & 1u))
		return 0; /* zero, a pseudoinstruction, or not defined */
	compressed = !(v & 2u);
	v |= 2u;
	if (insn_length(v & 0xffffu) != 4)
		return 0;
	r = insn_decode_mem(v, &m);
	if (r == INSN_OK) {
		if (compressed && !is_rvc_expansion(&m))
			return 0;
	} else if (r != INSN_AMO || compressed) {
		return 0; /* no compressed AMOs exist */
	}
	*insn = v;
	return compressed ? 2 : 4;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* ABI register names ("RISC-V ABIs Specification", integer registers). */
static const char *const xreg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2",
	"s0",   "s1", "a0", "a1", "a2",  "a3",  "a4", "a5",
	"a6",   "a7", "s2", "s3", "s4",  "s5",  "s6", "s7",
	"s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* ABI register names ("RISC-V ABIs Specification", FP registers). */
static const char *const freg_names[32] = {
	"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
	"fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
	"fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* See insn.h. */
const char *insn_reg_name(unsigned reg)
{
	return reg < 32 ? xreg_names[reg] : "?";
}

/* See insn.h. */
const char *insn_freg_name(unsigned reg)
{
	return reg < 32 ? freg_names[reg] : "?";
}

struct csr_name {
	uint16_t num;
	const char *name;
};

/* CSRs known by name: every one in tracevisor/csr.h plus the FP CSRs and
 * hgeip ("Hypervisor Guest External Interrupt Registers"). */
static const struct csr_name csr_names[] = {
	{ 0x001, "fflags" },
	{ 0x002, "frm" },
	{ 0x003, "fcsr" },
	{ CSR_SSTATUS, "sstatus" },
	{ CSR_SIE, "sie" },
	{ CSR_STVEC, "stvec" },
	{ CSR_SCOUNTEREN, "scounteren" },
	{ CSR_SENVCFG, "senvcfg" },
	{ CSR_SSCRATCH, "sscratch" },
	{ CSR_SEPC, "sepc" },
	{ CSR_SCAUSE, "scause" },
	{ CSR_STVAL, "stval" },
	{ CSR_SIP, "sip" },
	{ CSR_STIMECMP, "stimecmp" },
	{ CSR_SATP, "satp" },
	{ CSR_HSTATUS, "hstatus" },
	{ CSR_HEDELEG, "hedeleg" },
	{ CSR_HIDELEG, "hideleg" },
	{ CSR_HIE, "hie" },
	{ CSR_HTIMEDELTA, "htimedelta" },
	{ CSR_HCOUNTEREN, "hcounteren" },
	{ CSR_HGEIE, "hgeie" },
	{ CSR_HENVCFG, "henvcfg" },
	{ CSR_HTVAL, "htval" },
	{ CSR_HIP, "hip" },
	{ CSR_HVIP, "hvip" },
	{ CSR_HTINST, "htinst" },
	{ CSR_HGATP, "hgatp" },
	{ 0xe12, "hgeip" },
	{ CSR_VSSTATUS, "vsstatus" },
	{ CSR_VSIE, "vsie" },
	{ CSR_VSTVEC, "vstvec" },
	{ CSR_VSSCRATCH, "vsscratch" },
	{ CSR_VSEPC, "vsepc" },
	{ CSR_VSCAUSE, "vscause" },
	{ CSR_VSTVAL, "vstval" },
	{ CSR_VSIP, "vsip" },
	{ CSR_VSTIMECMP, "vstimecmp" },
	{ CSR_VSATP, "vsatp" },
	{ CSR_CYCLE, "cycle" },
	{ CSR_TIME, "time" },
	{ CSR_INSTRET, "instret" },
};

/* See insn.h. */
const char *insn_csr_name(unsigned csr)
{
	size_t k;

	for (k = 0; k < sizeof(csr_names) / sizeof(csr_names[0]); k++)
		if (csr_names[k].num == csr)
			return csr_names[k].name;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Bounded output                                                      */
/* ------------------------------------------------------------------ */

/* A bounded string writer: never writes past buf[size - 1], keeps the
 * text NUL-terminated when size > 0, and counts what it wrote. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

/* Append one character if there is room for it and the NUL. */
static void ob_putc(struct outbuf *ob, char ch)
{
	if (ob->size == 0 || ob->len >= ob->size - 1)
		return;
	ob->buf[ob->len++] = ch;
	ob->buf[ob->len] = '\0';
}

/* Append a string. */
static void ob_puts(struct outbuf *ob, const char *s)
{
	while (*s)
		ob_putc(ob, *s++);
}

/* Append v in hexadecimal with a "0x" prefix, at least mindigits digits. */
static void ob_hex(struct outbuf *ob, uint32_t v, unsigned mindigits)
{
	static const char hexdig[] = "0123456789abcdef";
	char tmp[8];
	unsigned n = 0;

	do {
		tmp[n++] = hexdig[v & 0xfu];
		v >>= 4;
	} while (v && n < sizeof(tmp));
	while (n < mindigits && n < sizeof(tmp))
		tmp[n++] = '0';
	ob_puts(ob, "0x");
	while (n)
		ob_putc(ob, tmp[--n]);
}

/* Append v in signed decimal. */
static void ob_dec(struct outbuf *ob, int32_t v)
{
	char tmp[10];
	unsigned n = 0;
	uint32_t u;

	if (v < 0) {
		ob_putc(ob, '-');
		u = 0u - (uint32_t)v;
	} else {
		u = (uint32_t)v;
	}
	do {
		tmp[n++] = (char)('0' + u % 10u);
		u /= 10u;
	} while (u);
	while (n)
		ob_putc(ob, tmp[--n]);
}

/*
 * A small printf for the disassembler. Conversions: %s string,
 * %r integer register name, %f FP register name, %d signed decimal
 * (int), %x hexadecimal with 0x (unsigned; %0Nx pads to N digits),
 * %C CSR name or hexadecimal number (unsigned). Everything else is copied.
 */
static void ob_printf(struct outbuf *ob, const char *fmt, ...)
{
	va_list ap;
	unsigned pad;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			ob_putc(ob, *fmt);
			continue;
		}
		fmt++;
		pad = 0;
		if (*fmt == '0' && fmt[1] >= '1' && fmt[1] <= '8' &&
		    fmt[2] == 'x') {
			pad = (unsigned)(fmt[1] - '0');
			fmt += 2;
		}
		switch (*fmt) {
		case 's':
			ob_puts(ob, va_arg(ap, const char *));
			break;
		case 'r':
			ob_puts(ob, insn_reg_name(va_arg(ap, unsigned)));
			break;
		case 'f':
			ob_puts(ob, insn_freg_name(va_arg(ap, unsigned)));
			break;
		case 'd':
			ob_dec(ob, va_arg(ap, int));
			break;
		case 'x':
			ob_hex(ob, va_arg(ap, unsigned), pad);
			break;
		case 'C': {
			unsigned csr = va_arg(ap, unsigned);
			const char *name = insn_csr_name(csr);

			if (name)
				ob_puts(ob, name);
			else
				ob_hex(ob, csr, 0);
			break;
		}
		default:
			ob_putc(ob, '%');
			ob_putc(ob, *fmt);
			break;
		}
	}
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Disassembler                                                        */
/* ------------------------------------------------------------------ */

/* Print a decoded load/store as "name reg, imm(rs1)". */
static void dis_mem(struct outbuf *ob, const char *name,
		    const struct insn_mem *m)
{
	ob_printf(ob, m->is_fp ? "%s %f, %d(%r)" : "%s %r, %d(%r)", name,
		  (unsigned)m->reg, (int)m->imm, (unsigned)m->rs1);
}

/* Mnemonic of a decoded load/store (32-bit forms, no "c." prefix). */
static const char *mem_name(const struct insn_mem *m)
{
	static const char *const iload[4] = { "lb", "lh", "lw", "ld" };
	static const char *const uload[4] = { "lbu", "lhu", "lwu", "?" };
	static const char *const store[4] = { "sb", "sh", "sw", "sd" };
	unsigned lg = m->width == 1 ? 0 : m->width == 2 ? 1 : m->width == 4 ? 2 : 3;

	if (m->is_fp) {
		if (m->is_store)
			return m->width == 4 ? "fsw" : "fsd";
		return m->width == 4 ? "flw" : "fld";
	}
	if (m->is_store)
		return store[lg];
	return m->is_signed ? iload[lg] : uload[lg];
}

/*
 * Disassemble the RV64C instructions that are not loads/stores (the
 * caller has rejected reserved encodings). Quadrant and funct3 layout as
 * in the C extension's "RVC Instruction Set Listings".
 */
static void dis_rvc_other(struct outbuf *ob, uint32_t c)
{
	unsigned quadrant = c & 0x3u, f3 = bits(c, 15, 13);
	unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
	unsigned rdp = creg(bits(c, 9, 7)), rs2p = creg(bits(c, 4, 2));
	static const char *const alu[8] = { "c.sub", "c.xor",  "c.or", "c.and",
					    "c.subw", "c.addw", "?",    "?" };

	if (quadrant == 0) { /* only C.ADDI4SPN remains */
		ob_printf(ob, "c.addi4spn %r, sp, %d", rs2p,
			  (int)c_addi4spn_imm(c));
		return;
	}
	if (quadrant == 1) {
		switch (f3) {
		case 0:
			if (rd == 0 && c_imm6(c) == 0)
				ob_puts(ob, "c.nop");
			else
				ob_printf(ob, "c.addi %r, %d", rd, (int)c_imm6(c));
			return;
		case 1:
			ob_printf(ob, "c.addiw %r, %d", rd, (int)c_imm6(c));
			return;
		case 2:
			ob_printf(ob, "c.li %r, %d", rd, (int)c_imm6(c));
			return;
		case 3:
			if (rd == 2)
				ob_printf(ob, "c.addi16sp sp, %d",
					  (int)c_addi16sp_imm(c));
			else
				ob_printf(ob, "c.lui %r, %x", rd,
					  (unsigned)c_imm6(c) & 0xfffffu);
			return;
		case 4:
			switch (bits(c, 11, 10)) {
			case 0:
				ob_printf(ob, "c.srli %r, %d", rdp, (int)c_shamt(c));
				return;
			case 1:
				ob_printf(ob, "c.srai %r, %d", rdp, (int)c_shamt(c));
				return;
			case 2:
				ob_printf(ob, "c.andi %r, %d", rdp, (int)c_imm6(c));
				return;
			default:
				ob_printf(ob, "%s %r, %r",
					  alu[(bit(c, 12) << 2) | bits(c, 6, 5)],
					  rdp, rs2p);
				return;
			}
		case 5:
			ob_printf(ob, "c.j %d", (int)c_j_off(c));
			return;
		default:
			ob_printf(ob, f3 == 6 ? "c.beqz %r, %d" : "c.bnez %r, %d",
				  rdp, (int)c_b_off(c));
			return;
		}
	}
	/* quadrant 2: f3 = 0 (C.SLLI) or 4 */
	if (f3 == 0) {
		ob_printf(ob, "c.slli %r, %d", rd, (int)c_shamt(c));
		return;
	}
	if (!bit(c, 12)) {
		if (rs2 == 0)
			ob_printf(ob, "c.jr %r", rd);
		else
			ob_printf(ob, "c.mv %r, %r", rd, rs2);
	} else {
		if (rd == 0 && rs2 == 0)
			ob_puts(ob, "c.ebreak");
		else if (rs2 == 0)
			ob_printf(ob, "c.jalr %r", rd);
		else
			ob_printf(ob, "c.add %r, %r", rd, rs2);
	}
}

/* Disassemble a 16-bit instruction. */
static void dis16(struct outbuf *ob, uint32_t c)
{
	struct insn_mem m;
	int r = insn_decode_mem(c, &m);
	char name[8] = "c.";
	const char *base;
	size_t k;

	if (r == INSN_ILLEGAL) {
		ob_printf(ob, "unknown %04x", (unsigned)c);
		return;
	}
	if (r != INSN_OK) {
		dis_rvc_other(ob, c);
		return;
	}
	/* "c." + 32-bit mnemonic, plus "sp" for the stack-pointer forms. */
	base = mem_name(&m);
	for (k = 0; k < 3 && base[k]; k++)
		name[2 + k] = base[k];
	name[2 + k] = '\0';
	if ((c & 0x3u) == 2) {
		ob_printf(ob, m.is_fp ? "%ssp %f, %d(sp)" : "%ssp %r, %d(sp)",
			  name, (unsigned)m.reg, (int)m.imm);
		return;
	}
	dis_mem(ob, name, &m);
}

/* Append the FENCE predecessor/successor set (bits I, O, R, W). */
static void dis_fence_set(struct outbuf *ob, unsigned set)
{
	if (set & 8)
		ob_putc(ob, 'i');
	if (set & 4)
		ob_putc(ob, 'o');
	if (set & 2)
		ob_putc(ob, 'r');
	if (set & 1)
		ob_putc(ob, 'w');
	if (!set)
		ob_putc(ob, '0');
}

/* Disassemble an AMO-opcode instruction (already known valid):
 * "lr.w rd, (rs1)", "sc.w rd, rs2, (rs1)", "amoadd.w rd, rs2, (rs1)",
 * with ".aq", ".rl" or ".aqrl" for bits 26 and 25. */
static void dis_amo(struct outbuf *ob, uint32_t i)
{
	unsigned funct5 = bits(i, 31, 27);
	const char *sz = FUNCT3(i) == 2 ? ".w" : ".d";
	const char *ord[4] = { "", ".rl", ".aq", ".aqrl" };
	const char *o = ord[bits(i, 26, 25)];
	const char *name;

	switch (funct5) {
	case 0x02:
		ob_printf(ob, "lr%s%s %r, (%r)", sz, o, RD(i), RS1(i));
		return;
	case 0x03:
		ob_printf(ob, "sc%s%s %r, %r, (%r)", sz, o, RD(i), RS2(i),
			  RS1(i));
		return;
	case 0x00: name = "amoadd"; break;
	case 0x01: name = "amoswap"; break;
	case 0x04: name = "amoxor"; break;
	case 0x08: name = "amoor"; break;
	case 0x0c: name = "amoand"; break;
	case 0x10: name = "amomin"; break;
	case 0x14: name = "amomax"; break;
	case 0x18: name = "amominu"; break;
	default: name = "amomaxu"; break;
	}
	ob_printf(ob, "%s%s%s %r, %r, (%r)", name, sz, o, RD(i), RS2(i),
		  RS1(i));
}

/* Disassemble a SYSTEM-opcode instruction (already known valid). */
static void dis_system(struct outbuf *ob, uint32_t i)
{
	static const char *const csrop[8] = { "?",      "csrrw",  "csrrs",
					      "csrrc",  "?",      "csrrwi",
					      "csrrsi", "csrrci" };
	unsigned f3 = FUNCT3(i);
	unsigned csr = bits(i, 31, 20);
	const char *name;
	int has_regs;

	if (f3 == 0) {
		name = priv_name(i, &has_regs);
		if (has_regs)
			ob_printf(ob, "%s %r, %r", name, RS1(i), RS2(i));
		else
			ob_puts(ob, name);
		return;
	}
	if (f3 == 4) {
		name = hlsv_name(i);
		if (FUNCT7(i) & 1)
			ob_printf(ob, "%s %r, (%r)", name, RS2(i), RS1(i));
		else
			ob_printf(ob, "%s %r, (%r)", name, RD(i), RS1(i));
		return;
	}
	if (f3 & 4)
		ob_printf(ob, "%s %r, %C, %d", csrop[f3], RD(i), csr,
			  (int)RS1(i));
	else
		ob_printf(ob, "%s %r, %C, %r", csrop[f3], RD(i), csr, RS1(i));
}

/* Disassemble OP / OP-32 (register-register ALU, M extension). */
static void dis_op(struct outbuf *ob, uint32_t i)
{
	static const char *const base[8] = { "add", "sll", "slt", "sltu",
					     "xor", "srl", "or",  "and" };
	static const char *const mul[8] = { "mul",  "mulh", "mulhsu", "mulhu",
					    "div",  "divu", "rem",    "remu" };
	unsigned f3 = FUNCT3(i), f7 = FUNCT7(i);
	int w = OPCODE(i) == OP_OP_32;
	const char *name;

	if (f7 == 1)
		name = mul[f3];
	else if (f7 == 0x20)
		name = f3 == 0 ? "sub" : "sra";
	else
		name = base[f3];
	ob_printf(ob, w ? "%sw %r, %r, %r" : "%s %r, %r, %r", name, RD(i),
		  RS1(i), RS2(i));
}

/* Disassemble OP-IMM / OP-IMM-32. */
static void dis_op_imm(struct outbuf *ob, uint32_t i)
{
	static const char *const names[8] = { "addi", "slli", "slti", "sltiu",
					      "xori", "srli", "ori",  "andi" };
	unsigned f3 = FUNCT3(i);
	int w = OPCODE(i) == OP_OP_IMM_32;
	const char *name = names[f3];
	int32_t imm = imm_i(i);

	if (f3 == 1 || f3 == 5) {
		imm = (int32_t)(w ? bits(i, 24, 20) : bits(i, 25, 20));
		if (f3 == 5 && bit(i, 30))
			name = "srai";
	}
	ob_printf(ob, w ? "%sw %r, %r, %d" : "%s %r, %r, %d", name, RD(i),
		  RS1(i), (int)imm);
}

/* Disassemble a 32-bit instruction. */
static void dis32(struct outbuf *ob, uint32_t i)
{
	static const char *const br[8] = { "beq", "bne", "?",    "?",
					   "blt", "bge", "bltu", "bgeu" };
	struct insn_mem m;
	int r = insn_decode_mem(i, &m);

	if (r == INSN_OK) {
		dis_mem(ob, mem_name(&m), &m);
		return;
	}
	if (r == INSN_AMO) {
		dis_amo(ob, i);
		return;
	}
	if (r == INSN_NOT_MEM) {
		switch (OPCODE(i)) {
		case OP_LUI:
			ob_printf(ob, "lui %r, %x", RD(i), bits(i, 31, 12));
			return;
		case OP_AUIPC:
			ob_printf(ob, "auipc %r, %x", RD(i), bits(i, 31, 12));
			return;
		case OP_JAL:
			ob_printf(ob, "jal %r, %d", RD(i), (int)imm_j(i));
			return;
		case OP_JALR:
			ob_printf(ob, "jalr %r, %d(%r)", RD(i), (int)imm_i(i),
				  RS1(i));
			return;
		case OP_BRANCH:
			ob_printf(ob, "%s %r, %r, %d", br[FUNCT3(i)], RS1(i),
				  RS2(i), (int)imm_b(i));
			return;
		case OP_OP_IMM:
		case OP_OP_IMM_32:
			dis_op_imm(ob, i);
			return;
		case OP_OP:
		case OP_OP_32:
			dis_op(ob, i);
			return;
		case OP_MISC_MEM:
			if (FUNCT3(i) == 1) {
				ob_puts(ob, "fence.i");
				return;
			}
			if (FUNCT3(i) == 0) {
				if (bits(i, 31, 28) == 8) {
					ob_puts(ob, "fence.tso");
					return;
				}
				ob_puts(ob, "fence ");
				dis_fence_set(ob, bits(i, 27, 24));
				ob_puts(ob, ", ");
				dis_fence_set(ob, bits(i, 23, 20));
				return;
			}
			ob_printf(ob, "%s (%r)", cbo_name(i), RS1(i));
			return;
		case OP_SYSTEM:
			dis_system(ob, i);
			return;
		default:
			break; /* FP arithmetic: shown as unknown */
		}
	}
	ob_printf(ob, "unknown %08x", (unsigned)i);
}

/* See insn.h. */
int insn_disasm(uint32_t insn, char *buf, size_t bufsize)
{
	struct outbuf ob = { buf, bufsize, 0 };

	if (bufsize)
		buf[0] = '\0';
	switch (insn_length(insn & 0xffffu)) {
	case 2:
		dis16(&ob, insn & 0xffffu);
		break;
	case 4:
		dis32(&ob, insn);
		break;
	default:
		ob_printf(&ob, "unknown %08x", (unsigned)insn);
		break;
	}
	return (int)ob.len;
}
