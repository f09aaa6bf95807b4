/*
 * Checks of the hypervisor CSRs themselves, from HS-mode: which fields
 * exist, which are writable, which read as zero, and how WARL fields
 * legalise what is written ("Hypervisor and Virtual Supervisor CSRs").
 * No guest runs here.
 */
#include "../core/isa.h"
#include "../core/platform.h"
#include "vcheck.h"

#define SEC_H "H Extension for Hypervisor Support"
#define SEC_HSTATUS "Hypervisor Status (hstatus) Register"
#define SEC_DELEG "Hypervisor Trap Delegation (hedeleg and hideleg) Registers"
#define SEC_HINT "Hypervisor Interrupt (hvip, hip, and hie) Registers"
#define SEC_HGEI "Hypervisor Guest External Interrupt Registers (hgeip and hgeie)"
#define SEC_HENVCFG "Hypervisor Environment Configuration Register (henvcfg)"
#define SEC_HTIMEDELTA "Hypervisor Time Delta (htimedelta) Register"
#define SEC_HGATP "Hypervisor Guest Address Translation and Protection (hgatp) Register"

/* Write `val` to a CSR (by number, through a small switch: CSR numbers
 * must be immediates), read it back, restore the old value. */
#define WRITE_READ(csr, val)                                                   \
	({                                                                     \
		uint64_t __old = csr_read(csr);                                \
		csr_write(csr, (val));                                         \
		uint64_t __got = csr_read(csr);                                \
		csr_write(csr, __old);                                         \
		__got;                                                         \
	})


/* misa is not readable from S-mode; the device tree's ISA string is what
 * the firmware derived from it. hstatus answering proves H is there. */
static void isa_h(struct result *r)
{
	if (isa_host_has("h"))
		pass(r, "ISA string \"%.60s\" lists h; hstatus reads %#llx", isa_host_string(),
		     (unsigned long long)csr_read(CSR_HSTATUS));
	else
		fail(r, "hstatus is implemented but the ISA string \"%.60s\" has no h",
		     isa_host_string());
}

/* Sstc in the ISA string <=> vstimecmp exists <=> henvcfg.STCE writable. */
static void isa_sstc(struct result *r)
{
	uint64_t stce = WRITE_READ(CSR_HENVCFG, HENVCFG_STCE) & HENVCFG_STCE;
	bool listed = platform.has_sstc;
	if (listed && have_sstc && stce)
		pass(r, "Sstc listed; vstimecmp accessible; henvcfg.STCE writable");
	else if (!listed && !have_sstc && !stce)
		pass(r, "no Sstc listed; vstimecmp absent; henvcfg.STCE reads 0");
	else
		fail(r, "Sstc listed: %s; vstimecmp accessible: %s; STCE writable: %s",
		     listed ? "yes" : "no", have_sstc ? "yes" : "no", stce ? "yes" : "no");
}

/* vsatp accepts Sv39 (V=0: an unsupported mode may be ignored, but Sv39
 * is required for RV64 with H). */
static void vm_sv39(struct result *r)
{
	uint64_t want = (8UL << 60) | (gpa_of(arena + OFF_VSPOOL) >> PAGE_SHIFT);
	uint64_t got = WRITE_READ(CSR_VSATP, want);
	if ((got >> 60) == 8)
		pass(r, "vsatp MODE=Sv39 sticks (%#llx)", (unsigned long long)got);
	else
		fail(r, "vsatp MODE=Sv39 written, read back %#llx", (unsigned long long)got);
}

/* VSXL: WARL, encoded like misa.MXL (1 = 32, 2 = 64); VSBE: WARL. */
static void hstatus_vsxl(struct result *r)
{
	uint64_t now = (csr_read(CSR_HSTATUS) & HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
	uint64_t h = csr_read(CSR_HSTATUS) & ~HSTATUS_VSXL;
	uint64_t as32 = (WRITE_READ(CSR_HSTATUS, h | (1UL << HSTATUS_VSXL_SHIFT)) &
			 HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
	uint64_t as0 = (WRITE_READ(CSR_HSTATUS, h) & HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
	uint64_t be = WRITE_READ(CSR_HSTATUS, csr_read(CSR_HSTATUS) | HSTATUS_VSBE) & HSTATUS_VSBE;
	bool legal = now == 2 && (as32 == 1 || as32 == 2) && (as0 == 1 || as0 == 2);
	if (legal)
		pass(r, "VSXL reads %llu; write 1 -> %llu, write 0 -> %llu (%s); VSBE %s",
		     (unsigned long long)now, (unsigned long long)as32,
		     (unsigned long long)as0, as32 == 2 ? "read-only 64-bit" : "32-bit VS supported",
		     be ? "writable" : "read-only 0 (little-endian only)");
	else
		fail(r, "VSXL reads %llu; write 1 -> %llu, write 0 -> %llu",
		     (unsigned long long)now, (unsigned long long)as32, (unsigned long long)as0);
}

/* The control fields a hypervisor relies on are plain read/write bits. */
static void hstatus_fields(struct result *r)
{
	static const struct { uint64_t bit; const char *name; } f[] = {
		{ HSTATUS_VTSR, "VTSR" }, { HSTATUS_VTW, "VTW" }, { HSTATUS_VTVM, "VTVM" },
		{ HSTATUS_SPVP, "SPVP" }, { HSTATUS_SPV, "SPV" }, { HSTATUS_HU, "HU" },
	};
	char bad[64] = "";
	uint64_t h = csr_read(CSR_HSTATUS);
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		bool one = WRITE_READ(CSR_HSTATUS, h | f[i].bit) & f[i].bit;
		bool zero = !(WRITE_READ(CSR_HSTATUS, h & ~f[i].bit) & f[i].bit);
		if (!one || !zero) {
			add_word(bad, sizeof(bad), f[i].name);
		}
	}
	if (bad[0])
		fail(r, "not read/write:%s", bad);
	else
		pass(r, "VTSR, VTW, VTVM, SPVP, SPV, HU each set and clear");
}

/* GEILEN: hgeie bits GEILEN:1 writable, bit 0 and the rest read-only 0;
 * VGEIN holds 0..GEILEN. */
static void hgeie_geilen(struct result *r)
{
	uint64_t w = WRITE_READ(CSR_HGEIE, ~0UL);
	unsigned geilen = (unsigned)__builtin_popcountll(w);
	bool contiguous = (w & 1) == 0 && (geilen == 0 || w == (((1UL << geilen) - 1) << 1));
	uint64_t h = csr_read(CSR_HSTATUS) & ~(0x3fUL << HSTATUS_VGEIN_SHIFT);
	uint64_t vgein = (WRITE_READ(CSR_HSTATUS, h | ((uint64_t)geilen << HSTATUS_VGEIN_SHIFT)) >>
			  HSTATUS_VGEIN_SHIFT) & 0x3f;
	if (contiguous && vgein == geilen)
		pass(r, "GEILEN %u (hgeie %#llx); VGEIN holds %u", geilen,
		     (unsigned long long)w, geilen);
	else
		fail(r, "hgeie all-ones reads %#llx; VGEIN=%u reads %llu", (unsigned long long)w,
		     geilen, (unsigned long long)vgein);
}

/* "Each bit of hedeleg shall be either writable or read-only zero", the
 * table "Bits of hedeleg that must be writable or must be read-only zero"
 * naming which must be which (bit 16, double trap, read-only zero); bit
 * 0 "must be writable if IALIGN=32" (no C). Bits 18 (software check) and
 * 19 (hardware error) are writable in today's table, which older
 * implementations predate (DEV-16). */
static void hedeleg_bits(struct result *r)
{
	const uint64_t must_rw = 0xb1feUL;	/* 1-8, 12, 13, 15 */
	const uint64_t must_zero = 0xf10e00UL;	/* 9-11, 16, 20-23 */
	const uint64_t newer_rw = 3UL << 18;	/* 18, 19 */
	uint64_t w = WRITE_READ(CSR_HEDELEG, ~0UL);
	uint64_t z = WRITE_READ(CSR_HEDELEG, 0);
	bool ialign32 = !isa_host_has("c");
	struct tally t = { 0 };
	if ((w & must_rw) != must_rw || (w & must_zero) || z != 0 || (ialign32 && !(w & 1)))
		note(&t, "all-ones reads %#llx, zero reads %#llx (must have %#llx%s, must not "
		     "have %#llx)", (unsigned long long)w, (unsigned long long)z,
		     (unsigned long long)must_rw, ialign32 ? " and bit 0" : "",
		     (unsigned long long)must_zero);
	else if ((w & newer_rw) != newer_rw)
		noted(&t, DEV_HEDELEG_NEWER, "all-ones reads %#llx: bit 18 %s, bit 19 %s",
		      (unsigned long long)w, (w & (1UL << 18)) ? "writable" : "read-only zero",
		      (w & (1UL << 19)) ? "writable" : "read-only zero");
	finish(r, &t, "all-ones reads %#llx: bits 1-8,12,13,15,18,19 writable; 9-11,16,20-23 "
	       "zero", (unsigned long long)w);
}

static void hideleg_bits(struct result *r)
{
	const uint64_t vs = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
	const uint64_t s = MIP_SSIP | MIP_STIP | MIP_SEIP | (1UL << IRQ_S_GEXT);
	uint64_t w = WRITE_READ(CSR_HIDELEG, ~0UL);
	if ((w & vs) == vs && !(w & s))
		pass(r, "all-ones reads %#llx: 2, 6, 10 writable; 1, 5, 9, 12 zero",
		     (unsigned long long)w);
	else
		fail(r, "all-ones reads %#llx", (unsigned long long)w);
}

static void hvip_bits(struct result *r)
{
	const uint64_t vs = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
	uint64_t w = WRITE_READ(CSR_HVIP, vs);
	uint64_t z = WRITE_READ(CSR_HVIP, 0);
	if ((w & vs) == vs && z == 0)
		pass(r, "VSSIP, VSTIP, VSEIP set (%#llx) and clear", (unsigned long long)w);
	else
		fail(r, "wrote %#llx, read %#llx; wrote 0, read %#llx",
		     (unsigned long long)vs, (unsigned long long)w, (unsigned long long)z);
}

/* hip.VSSIP is a writable alias of hvip.VSSIP. */
static void hip_vssip_alias(struct result *r)
{
	csr_write(CSR_HVIP, MIP_VSSIP);
	uint64_t hip1 = csr_read(CSR_HIP) & MIP_VSSIP;
	csr_clear(CSR_HIP, MIP_VSSIP);
	uint64_t hvip0 = csr_read(CSR_HVIP) & MIP_VSSIP;
	csr_set(CSR_HIP, MIP_VSSIP);
	uint64_t hvip1 = csr_read(CSR_HVIP) & MIP_VSSIP;
	csr_write(CSR_HVIP, 0);
	if (hip1 && !hvip0 && hvip1)
		pass(r, "hvip.VSSIP=1 shows in hip; clearing/setting hip.VSSIP changes hvip");
	else
		fail(r, "hvip.VSSIP=1: hip.VSSIP %s; hip.VSSIP=0: hvip %s; hip.VSSIP=1: hvip %s",
		     hip1 ? "1" : "0", hvip0 ? "1" : "0", hvip1 ? "1" : "0");
}

/* Writable sie bits are read-only zero in hip and hie; hie has the VS
 * bits (and SGEIE when GEILEN > 0). In hip only VSSIP is writable (an
 * alias of hvip.VSSIP): "SGEIP is read-only in hip", "VSEIP is read-only
 * in hip", "VSTIP is read-only in hip" ("Hypervisor Interrupt (hvip, hip,
 * and hie) Registers"), so a write of all ones leaves those three as they
 * were. sstatus.SIE is 0: nothing is taken. */
static void hie_hip_exclusive(struct result *r)
{
	const uint64_t hip_ro = MIP_VSEIP | MIP_VSTIP | (1UL << IRQ_S_GEXT);
	uint64_t sie_w = WRITE_READ(CSR_SIE, ~0UL);
	uint64_t hie_w = WRITE_READ(CSR_HIE, ~0UL);
	uint64_t ro_before = csr_read(CSR_HIP) & hip_ro;
	uint64_t hip_w = WRITE_READ(CSR_HIP, ~0UL);
	const uint64_t vs = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
	uint64_t geie = WRITE_READ(CSR_HGEIE, ~0UL);
	bool sgeie_ok = geie == 0 || ((hie_w >> IRQ_S_GEXT) & 1);
	csr_write(CSR_HVIP, 0);
	struct tally t = { 0 };
	if ((sie_w & hie_w) || (sie_w & hip_w) || (hie_w & vs) != vs || !sgeie_ok)
		note(&t, "sie writable %#llx; hie writable %#llx; hip writable %#llx",
		     (unsigned long long)sie_w, (unsigned long long)hie_w,
		     (unsigned long long)hip_w);
	if ((hip_w & hip_ro) != ro_before)
		note(&t, "hip all ones written: VSEIP/VSTIP/SGEIP (read-only) went %#llx -> %#llx, "
		     "want unchanged", (unsigned long long)ro_before,
		     (unsigned long long)(hip_w & hip_ro));
	finish(r, &t, "sie writable %#llx; hie writable %#llx; hip writable %#llx: disjoint; "
	       "hip.VSEIP/VSTIP/SGEIP read-only (stayed %#llx)", (unsigned long long)sie_w,
	       (unsigned long long)hie_w, (unsigned long long)hip_w,
	       (unsigned long long)ro_before);
}

/* hip.VSEIP and hip.VSTIP follow hvip (VGEIN = 0, vstimecmp far away). */
static void hip_follows_hvip(struct result *r)
{
	csr_write(CSR_HVIP, MIP_VSEIP | MIP_VSTIP);
	uint64_t on = csr_read(CSR_HIP) & (MIP_VSEIP | MIP_VSTIP);
	csr_write(CSR_HVIP, 0);
	uint64_t off = csr_read(CSR_HIP) & (MIP_VSEIP | MIP_VSTIP);
	if (on == (MIP_VSEIP | MIP_VSTIP) && off == 0)
		pass(r, "hvip VSEIP|VSTIP -> hip %#llx; hvip 0 -> hip %#llx",
		     (unsigned long long)on, (unsigned long long)off);
	else
		fail(r, "hvip VSEIP|VSTIP -> hip %#llx; hvip 0 -> hip %#llx",
		     (unsigned long long)on, (unsigned long long)off);
}

/* hgatp.MODE is WARL: Bare always, Sv39x4/Sv48x4/Sv57x4 as supported,
 * reserved encodings never read back (DEV-3 when they all do). */
static void hgatp_modes(struct result *r)
{
	char stuck[48] = "";
	unsigned nstuck = 0;
	uint64_t bare = WRITE_READ(CSR_HGATP, 0);
	for (unsigned m = 1; m < 16; m++) {
		if (m >= 8 && m <= 10)
			continue;
		uint64_t got = WRITE_READ(CSR_HGATP, (uint64_t)m << HGATP_MODE_SHIFT) >> HGATP_MODE_SHIFT;
		if (got == m) {
			char s[8];
			snprintf(s, sizeof(s), "%u", m);
			add_word(stuck, sizeof(stuck), s);
			nstuck++;
		}
	}
	struct tally t = { 0 };
	if (bare != 0)
		note(&t, "Bare (0) written, read back %#llx", (unsigned long long)bare);
	if (!have_sv39x4 && !have_sv48x4)
		note(&t, "neither Sv39x4 nor Sv48x4 accepted");
	if (nstuck == 12)
		noted(&t, DEV_HGATP_MODE, "every reserved MODE (1-7, 11-15) read back as written");
	else if (nstuck)
		note(&t, "reserved MODE values read back:%s", stuck);
	finish(r, &t, "Bare yes; Sv39x4 %s; Sv48x4 %s; Sv57x4 %s; reserved 1-7, 11-15 "
	       "never stick", have_sv39x4 ? "yes" : "no", have_sv48x4 ? "yes" : "no",
	       have_sv57x4 ? "yes" : "no");
}

static void hgatp_vmid(struct result *r)
{
	uint64_t mode = gmode_default << HGATP_MODE_SHIFT;
	uint64_t got = (WRITE_READ(CSR_HGATP, mode | (HGATP_VMID_MASK << HGATP_VMID_SHIFT)) >>
			HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	bool low_first = got == ((1UL << vmid_bits) - 1);
	if (low_first && vmid_bits <= 14)
		pass(r, "VMID all-ones reads %#llx: VMIDLEN %u", (unsigned long long)got, vmid_bits);
	else
		fail(r, "VMID all-ones reads %#llx", (unsigned long long)got);
}

/* In the paged modes PPN[1:0] of hgatp read as zero (the root is 16 KiB
 * aligned). DEV-1 when the written bits read back. */
static void hgatp_ppn_low(struct result *r)
{
	uint64_t root = (arena + OFF_GROOT) >> PAGE_SHIFT;
	uint64_t got = WRITE_READ(CSR_HGATP, (gmode_default << HGATP_MODE_SHIFT) | root | 3);
	struct tally t = { 0 };
	if ((got & HGATP_PPN_MASK) == (root | 3))
		noted(&t, DEV_HGATP_PPN, "root PPN %#llx | 3 written, %#llx read back",
		      (unsigned long long)root, (unsigned long long)(got & HGATP_PPN_MASK));
	else if ((got & HGATP_PPN_MASK) != root)
		note(&t, "wrote PPN %#llx, read %#llx", (unsigned long long)(root | 3),
		     (unsigned long long)got);
	finish(r, &t, "PPN with low bits 11 written, read back %#llx", (unsigned long long)got);
}

static void htimedelta_rw(struct result *r)
{
	const uint64_t v = 0x8123456789abcdefULL;
	uint64_t got = WRITE_READ(CSR_HTIMEDELTA, v);
	if (got == v)
		pass(r, "%#llx written and read back", (unsigned long long)v);
	else
		fail(r, "%#llx written, %#llx read back", (unsigned long long)v,
		     (unsigned long long)got);
}

/* Section and rule strings are the specification's own words, shortened. */
const struct check checks_csr[] = {
	{ "ISA string lists H, hstatus exists", SEC_H,
	  "the hypervisor extension is misa bit 7 (letter H); hstatus and the other H CSRs exist",
	  isa_h },
	{ "ISA string Sstc <=> vstimecmp and henvcfg.STCE", SEC_HENVCFG,
	  "when Sstc is not implemented STCE is read-only zero; with Sstc, vstimecmp exists",
	  isa_sstc },
	{ "VS-stage Sv39 supported (vsatp)", SEC_H,
	  "page-based translation must be supported: a minimum of Sv39 for RV64", vm_sv39 },
	{ "hstatus.VSXL/VSBE are WARL", SEC_HSTATUS,
	  "VSXL is WARL, encoded like misa.MXL; may be read-only VSXLEN=HSXLEN; VSBE is WARL",
	  hstatus_vsxl },
	{ "hstatus VTSR/VTW/VTVM/SPVP/SPV/HU read/write", SEC_HSTATUS,
	  "hstatus is a read/write register; VTSR, VTW, VTVM, SPVP, SPV, HU are its control bits",
	  hstatus_fields },
	{ "hgeie/VGEIN: GEILEN bits from bit 1", SEC_HGEI,
	  "bits GEILEN:1 of hgeie writable, all others read-only zero; VGEIN holds 0..GEILEN",
	  hgeie_geilen },
	{ "hedeleg writable/read-only-zero bits", SEC_DELEG,
	  "bits 1-8, 12, 13, 15, 18, 19 writable (0 too without C); 9-11 (ecalls from S/VS/M), "
	  "16 and 20-23 read-only zero", hedeleg_bits },
	{ "hideleg: VS bits writable, S bits zero", SEC_DELEG,
	  "bits 10, 6, 2 of hideleg writable; bits 12, 9, 5, 1 read-only zero", hideleg_bits },
	{ "hvip: VSEIP, VSTIP, VSSIP writable", SEC_HINT,
	  "bits VSEIP, VSTIP and VSSIP of hvip are writable", hvip_bits },
	{ "hip.VSSIP aliases hvip.VSSIP", SEC_HINT,
	  "VSSIP in hip is an alias (writable) of the same bit in hvip", hip_vssip_alias },
	{ "hip/hie disjoint from sip/sie", SEC_HINT,
	  "for each writable bit in sie, the same bit is read-only zero in hip and hie; "
	  "hip.SGEIP, VSEIP, VSTIP are read-only", hie_hip_exclusive },
	{ "hip.VSEIP/VSTIP follow hvip", SEC_HINT,
	  "hip.VSEIP is the OR of hvip.VSEIP and hgeip[VGEIN]; hip.VSTIP the OR of hvip.VSTIP "
	  "and the vstimecmp signal", hip_follows_hvip },
	{ "hgatp.MODE WARL: Bare, x4 modes, reserved", SEC_HGATP,
	  "MODE 0 Bare, 8 Sv39x4, 9 Sv48x4, 10 Sv57x4, others reserved; fields are WARL",
	  hgatp_modes },
	{ "hgatp.VMID width, low bits first", SEC_HGATP,
	  "VMIDLEN found by writing ones; VMID[VMIDLEN-1:0] writable; VMIDMAX 14 for Sv39x4+",
	  hgatp_vmid },
	{ "hgatp PPN[1:0] read as zero", SEC_HGATP,
	  "in the paged modes the root is 16 KiB aligned and PPN[1:0] always read as zeros",
	  hgatp_ppn_low },
	{ "htimedelta is 64-bit read/write", SEC_HTIMEDELTA,
	  "htimedelta is a 64-bit read/write register", htimedelta_rw },
	{ NULL, NULL, NULL, NULL },
};
