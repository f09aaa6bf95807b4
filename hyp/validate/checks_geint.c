/*
 * Checks of guest external interrupts, driven by a real source: hgeip
 * ("Hypervisor Guest External Interrupt Registers (hgeip and hgeie)"),
 * hstatus.VGEIN ("Hypervisor Status (hstatus) Register") and hip.VSEIP /
 * hip.SGEIP ("Hypervisor Interrupt (hvip, hip, and hie) Registers").
 *
 * They run after the guest-side checks (validate_hs_late_checks(), from
 * the validation guest's request) and are numbered after them, so every
 * check before them keeps its number. One more, of the guest file's
 * vstopei and eithreshold (vstopei_threshold), uses the same helpers but
 * is listed in checks_late.c's table (check 106), so it renumbers none.
 *
 * The source is an IMSIC with guest interrupt files (the RISC-V Advanced
 * Interrupt Architecture, riscv-aia, "Incoming MSI Controller (IMSIC)"):
 * an IMSIC has "exactly GEILEN" guest interrupt files, and "interrupt
 * signals from any guest interrupt files appear as the active bits in
 * hypervisor CSR hgeip" ("Interrupt delivery and handling"). A check makes
 * an interrupt pending in guest file g the way a device's MSI would:
 *   1. with hstatus.VGEIN = g, through vsiselect/vsireg ("CSRs for
 *      external interrupts via an IMSIC": vsiselect 0x70-0xFF select the
 *      registers of the guest interrupt file VGEIN names): eidelivery = 1
 *      (delivery on), eithreshold = 0 (no threshold), the identity's bit
 *      in the eie array set, the eip array cleared;
 *   2. the identity written to the file's seteipnum_le, offset 0 of its
 *      4-KiB page ("Memory region for an interrupt file").
 * The file's signal is then asserted, "eventually, but not necessarily
 * immediately" ("Interrupt delivery and handling"): each wait for hgeip
 * lasts up to GEI_WAIT_MS.
 *
 * The pages are found from the device tree: the "riscv,imsics" node whose
 * interrupts-extended names this hart's supervisor external interrupt
 * (9), one 2^(12 + riscv,guest-index-bits)-byte slot per hart in the
 * order of that list, and within a slot the AIA's arrangement "S, G1, G2,
 * G3, ..." ("Arrangement of the memory regions of multiple interrupt
 * files"): guest file g at slot + g * 4 KiB.
 *
 * Without guest external interrupts (GEILEN 0, e.g. QEMU virt without
 * aia=aplic-imsic) each check is a SKIP, as for any absent feature.
 */
#include "../core/platform.h"
#include "fdt.h"
#include "vcheck.h"

#define SEC_HSTATUS "Hypervisor Status (hstatus) Register"
#define SEC_HINT "Hypervisor Interrupt (hvip, hip, and hie) Registers"
#define SEC_HGEI "Hypervisor Guest External Interrupt Registers (hgeip and hgeie)"

#define A(n) (C.gpr[R_A0 + (n)])
#define HANDLER_MAGIC 0x7ec	/* vs_handler's a7 */
#define SPIN 20000		/* loop iterations a guest waits for an interrupt */
#define GEI_WAIT_MS 10

/* The interrupt identity the checks send: every interrupt file implements
 * at least 1..63 ("Interrupt files and interrupt identities"). */
#define GEI_ID 33
/* Interrupt-file registers by their *iselect number ("CSRs for external
 * interrupts via an IMSIC"); with XLEN 64 only the even eip/eie exist. */
#define ISEL_EIDELIVERY 0x70
#define ISEL_EITHRESHOLD 0x72
#define ISEL_EIP0 0x80
#define ISEL_EIE0 0xc0

#define MAX_GEILEN 63

static struct {
	unsigned geilen;		/* hgeie's writable bits */
	unsigned num_ids;		/* riscv,num-ids */
	uint64_t file[MAX_GEILEN + 1];	/* guest file g's page (0: not found) */
	char why[120];			/* when no file was found: why */
} gei;

static unsigned count_geilen(void)
{
	uint64_t old = csr_read(CSR_HGEIE);
	csr_write(CSR_HGEIE, ~0UL);
	uint64_t w = csr_read(CSR_HGEIE);
	csr_write(CSR_HGEIE, old);
	return (unsigned)__builtin_popcountll(w);
}

/* The boot hart's interrupt-controller child ("riscv,cpu-intc"): its
 * phandle and #interrupt-cells, or false. */
static bool hart_intc(const void *fdt, uint32_t *phandle, uint32_t *cells)
{
	for (int n = fdt_first_child(fdt, platform.cpu_node); n >= 0; n = fdt_next_sibling(fdt, n)) {
		if (fdt_node_check_compatible(fdt, n, "riscv,cpu-intc") != 1)
			continue;
		if (fdt_getprop_u32(fdt, n, "phandle", phandle) != 0 &&
		    fdt_getprop_u32(fdt, n, "linux,phandle", phandle) != 0)
			return false;
		if (fdt_getprop_u32(fdt, n, "#interrupt-cells", cells) != 0 || *cells == 0)
			*cells = 1;
		return true;
	}
	return false;
}

/* The guest interrupt files of this hart, from the device tree (see the
 * top of this file). Fills gei.file[1..geilen]; gei.why says what was
 * missing when it cannot. */
static void find_guest_files(void)
{
	const void *fdt = platform_fdt();
	uint32_t ph, cells;
	memset(gei.file, 0, sizeof(gei.file));
	if (!hart_intc(fdt, &ph, &cells)) {
		snprintf(gei.why, sizeof(gei.why), "the boot hart's node has no riscv,cpu-intc with a phandle");
		return;
	}
	snprintf(gei.why, sizeof(gei.why), "no riscv,imsics node takes the boot hart's interrupt 9");
	for (int n = fdt_find_compatible(fdt, -1, "riscv,imsics"); n >= 0;
	     n = fdt_find_compatible(fdt, n, "riscv,imsics")) {
		int len;
		const uint8_t *ie = fdt_getprop(fdt, n, "interrupts-extended", &len);
		if (!ie || len <= 0)
			continue;
		/* Entries are <phandle irq>: every hart's cpu-intc has the
		 * same #interrupt-cells as this one's. */
		size_t step = 4 * ((size_t)cells + 1), nslots = (size_t)len / step;
		unsigned slot = 0;
		while (slot < nslots && !(fdt32_ld(ie + slot * step) == ph &&
					  fdt32_ld(ie + slot * step + 4 * (size_t)cells) == IRQ_S_EXT))
			slot++;
		if (slot == nslots)
			continue;
		uint32_t gbits = 0, ids = 0;
		fdt_getprop_u32(fdt, n, "riscv,guest-index-bits", &gbits);
		fdt_getprop_u32(fdt, n, "riscv,num-ids", &ids);
		gei.num_ids = ids;
		if (gbits > 6) {
			snprintf(gei.why, sizeof(gei.why), "riscv,guest-index-bits %u", gbits);
			return;
		}
		/* The slots of the harts, in list order, through the reg
		 * entries one after another. */
		uint64_t slot_size = 1ULL << (12 + gbits), base = 0, size = 0;
		unsigned before = 0;
		for (int i = 0; fdt_read_reg(fdt, n, i, &base, &size) == 0; i++) {
			unsigned here = (unsigned)(size / slot_size);
			if (slot < before + here)
				break;
			before += here;
			size = 0;
		}
		if (size == 0) {
			snprintf(gei.why, sizeof(gei.why), "the riscv,imsics node's reg has no slot %u", slot);
			return;
		}
		uint64_t s_file = base + (uint64_t)(slot - before) * slot_size;
		for (unsigned g = 1; g <= gei.geilen && g < (1u << gbits); g++)
			gei.file[g] = s_file + (uint64_t)g * PAGE_SIZE;
		if (!gei.file[gei.geilen])
			snprintf(gei.why, sizeof(gei.why), "riscv,guest-index-bits %u leaves no room for "
				 "%u guest files", gbits, gei.geilen);
		return;
	}
}

/* Every check starts here: GEILEN, the files. false: SKIP given. */
static bool gei_ready(struct result *r)
{
	gei.geilen = count_geilen();
	if (gei.geilen == 0) {
		skip(r, "GEILEN 0: no guest external interrupts (hgeie reads 0)");
		return false;
	}
	if (gei.geilen > MAX_GEILEN) {
		fail(r, "GEILEN %u: more than %u bits of hgeie writable", gei.geilen, MAX_GEILEN);
		return false;
	}
	find_guest_files();
	if (!gei.file[gei.geilen]) {
		skip(r, "GEILEN %u, but no IMSIC guest interrupt file to drive it: %s", gei.geilen,
		     gei.why);
		return false;
	}
	if (gei.num_ids < GEI_ID) {
		skip(r, "GEILEN %u; the IMSIC's riscv,num-ids %u is below %u", gei.geilen, gei.num_ids,
		     GEI_ID);
		return false;
	}
	return true;
}

/* Write guest file g's register isel through vsiselect/vsireg with
 * hstatus.VGEIN = g; 0 when it did not trap, else the cause. */
static uint64_t file_write(unsigned g, uint64_t isel, uint64_t val)
{
	uint64_t h = csr_read(CSR_HSTATUS);
	csr_write(CSR_HSTATUS, (h & ~HSTATUS_VGEIN) | ((uint64_t)g << HSTATUS_VGEIN_SHIFT));
	uint64_t c = probe(P_WR_VSIREG, isel, val, NULL);
	csr_write(CSR_HSTATUS, h);
	return c;
}

static uint64_t file_read(unsigned g, uint64_t isel, uint64_t *val)
{
	uint64_t h = csr_read(CSR_HSTATUS);
	csr_write(CSR_HSTATUS, (h & ~HSTATUS_VGEIN) | ((uint64_t)g << HSTATUS_VGEIN_SHIFT));
	uint64_t c = probe(P_RD_VSIREG, isel, 0, val);
	csr_write(CSR_HSTATUS, h);
	return c;
}

/* Guest file g with nothing pending or enabled; delivery `on` or off.
 * 0, or the cause of the vsireg access that trapped. */
static uint64_t file_reset(unsigned g, bool on)
{
	uint64_t c = file_write(g, ISEL_EIDELIVERY, 0);
	for (unsigned k = 0; !c && k * 32 <= gei.num_ids; k += 2) {
		c = file_write(g, ISEL_EIE0 + k, 0);
		if (!c)
			c = file_write(g, ISEL_EIP0 + k, 0);
	}
	if (!c)
		c = file_write(g, ISEL_EITHRESHOLD, 0);
	if (!c && on)
		c = file_write(g, ISEL_EIE0 + GEI_ID / 64 * 2, 1ULL << (GEI_ID % 64));
	if (!c && on)
		c = file_write(g, ISEL_EIDELIVERY, 1);
	return c;
}

/* Every guest file quiet: delivery off, nothing pending or enabled. */
static uint64_t files_quiet(void)
{
	uint64_t c = 0;
	for (unsigned g = 1; g <= gei.geilen && !c; g++)
		c = file_reset(g, false);
	return c;
}

/* An MSI: identity `id` to guest file g's seteipnum_le. 0 or the trap's
 * cause. */
static uint64_t send_id(unsigned g, uint32_t id)
{
	return probe(P_SW, gei.file[g], id, NULL);
}

static uint64_t send_msi(unsigned g)
{
	return send_id(g, GEI_ID);
}

/* hgeip once (hgeip & mask) == want, or after GEI_WAIT_MS. */
static uint64_t hgeip_settles(uint64_t mask, uint64_t want)
{
	uint64_t hz = platform.timebase_hz ? platform.timebase_hz : 10000000;
	uint64_t t0 = csr_read(CSR_TIME), now;
	do {
		now = csr_read(CSR_HGEIP);
		if ((now & mask) == want)
			break;
	} while (csr_read(CSR_TIME) - t0 < hz / 1000 * GEI_WAIT_MS);
	return now;
}

/* Guest file g pending with GEI_ID and delivering: hgeip bit g set. The
 * tally gets what went wrong; false when it did. */
static bool make_pending(struct tally *t, unsigned g)
{
	uint64_t c = file_reset(g, true);
	if (c) {
		note(t, "file %u: vsireg write with VGEIN=%u: %s", g, g, cn(c));
		return false;
	}
	c = send_msi(g);
	if (c) {
		note(t, "sw to file %u's seteipnum_le at %#llx: %s", g, (unsigned long long)gei.file[g],
		     cn(c));
		return false;
	}
	uint64_t ip = hgeip_settles(1ULL << g, 1ULL << g);
	if (!(ip & (1ULL << g))) {
		uint64_t eip = 0;
		file_read(g, ISEL_EIP0 + GEI_ID / 64 * 2, &eip);
		note(t, "MSI %u to file %u: hgeip %#llx after %u ms (the file's eip%u %#llx)", GEI_ID, g,
		     (unsigned long long)ip, GEI_WAIT_MS, GEI_ID / 64 * 2, (unsigned long long)eip);
		return false;
	}
	return true;
}

/* The three checks end the same way: no file delivers any more. */
static void quiet_all(struct tally *t)
{
	uint64_t c = files_quiet();
	if (c)
		note(t, "resetting the guest files: %s", cn(c));
}

/*
 * hgeip "is an HSXLEN-bit read-only register ... that indicates pending
 * guest external interrupts"; "guest external interrupt number i
 * corresponds with bit i". A write to a read-only CSR raises an
 * illegal-instruction exception (hgeip's number 0xE12 is in a read-only
 * range: "CSR Address Mapping Conventions", priv-csrs.adoc). For every
 * guest file g: an MSI to g sets exactly bit g of hgeip; clearing the
 * pending bit in the file clears it again.
 */
static void hgeip_files(struct result *r)
{
	if (!gei_ready(r))
		return;
	struct tally t = { 0 };
	uint64_t c = files_quiet();
	uint64_t quiet = hgeip_settles(~0ULL, 0);
	if (c)
		note(&t, "vsireg writes to quiet the guest files: %s", cn(c));
	else if (quiet)
		note(&t, "every guest file quiet: hgeip %#llx", (unsigned long long)quiet);
	c = probe(P_WR_HGEIP, ~0ULL, 0, NULL);
	uint64_t after = csr_read(CSR_HGEIP);
	if (c != EXC_ILLEGAL_INST || after != quiet)
		note(&t, "csrw hgeip, all-ones: %s, then hgeip %#llx", cn(c), (unsigned long long)after);
	for (unsigned g = 1; g <= gei.geilen && !t.bad; g++) {
		if (!make_pending(&t, g))
			break;
		uint64_t ip = csr_read(CSR_HGEIP);
		if (ip != (1ULL << g))
			note(&t, "MSI to file %u alone: hgeip %#llx", g, (unsigned long long)ip);
		/* Claimed in the file: the signal goes. */
		c = file_write(g, ISEL_EIP0 + GEI_ID / 64 * 2, 0);
		ip = hgeip_settles(1ULL << g, 0);
		if (c || (ip & (1ULL << g)))
			note(&t, "file %u's eip cleared (%s): hgeip %#llx", g, cn(c),
			     (unsigned long long)ip);
	}
	quiet_all(&t);
	finish(r, &t,
	       "GEILEN %u: csrw hgeip traps (ILLEGAL_INSN), hgeip stays %#llx; an MSI (identity %u) "
	       "to guest file g (page %#llx + (g-1)*4K) makes hgeip = 1<<g alone, its eip bit "
	       "cleared makes it 0, for g = 1..%u", gei.geilen, (unsigned long long)quiet, GEI_ID,
	       (unsigned long long)gei.file[1], gei.geilen);
}

/* hip.VSEIP with hstatus.VGEIN = vgein (hvip.VSEIP 0). */
static bool hip_vseip(unsigned vgein)
{
	uint64_t h = csr_read(CSR_HSTATUS);
	csr_write(CSR_HSTATUS, (h & ~HSTATUS_VGEIN) | ((uint64_t)vgein << HSTATUS_VGEIN_SHIFT));
	bool on = (csr_read(CSR_HIP) & MIP_VSEIP) != 0;
	csr_write(CSR_HSTATUS, h);
	return on;
}

/* DEV-17's signature: the guest's sip read, with hvip and hideleg giving
 * it VSEIP, VSTIP and VSSIP (VGEIN 0), shows SSIP alone. */
static bool vsip_shows_ssip_only(void)
{
	const uint64_t all = MIP_VSEIP | MIP_VSTIP | MIP_VSSIP;
	csr_write(CSR_HIDELEG, all);
	csr_write(CSR_HVIP, all);
	uint64_t hip = csr_read(CSR_HIP) & all;
	uint64_t c = vrun(snip(vs_rd_sip), 0, 0, 0, 0, 0, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIDELEG, 0);
	return hip == all && c == EXC_ECALL_VS &&
	       (A(1) & ((1UL << IRQ_S_EXT) | (1UL << IRQ_S_TIMER) | (1UL << IRQ_S_SOFT))) ==
		       (1UL << IRQ_S_SOFT);
}

/*
 * hip.VSEIP "is the logical-OR of ... bit VSEIP of hvip; the bit of hgeip
 * selected by hstatus.VGEIN; ..." and "the enable bits in hgeie do not
 * affect the VS-level external interrupt signal selected from hgeip by
 * hstatus.VGEIN". With guest file 1 pending (hvip 0, hgeie 0): VGEIN = 1
 * makes hip.VSEIP 1 and, hideleg bit 10 set, the guest's sip.SEIP 1 ("vsip
 * and vsie" alias hip.VSEIP when delegated), and the guest takes
 * interrupt 9; not delegated, HS takes interrupt 10 from the guest.
 * VGEIN = 0 and VGEIN = another file (2) select nothing pending.
 * DEV-17: the guest's sip shows no SEIP, whatever its source, though
 * hip.VSEIP is 1 and the guest takes the interrupt.
 */
static void vgein_selects(struct result *r)
{
	if (!gei_ready(r))
		return;
	struct tally t = { 0 };
	uint64_t c = files_quiet();
	if (c)
		note(&t, "vsireg writes to quiet the guest files: %s", cn(c));
	if (!c && make_pending(&t, 1)) {
		unsigned other = gei.geilen >= 2 ? 2 : 0;
		const unsigned sel[3] = { 1, 0, other };
		for (unsigned i = 0; i < (other ? 3u : 2u); i++) {
			unsigned v = sel[i];
			bool want = v == 1;
			bool hip = hip_vseip(v);
			csr_write(CSR_HIDELEG, MIP_VSEIP);
			c = vrun(snip(vs_rd_sip), 0, (uint64_t)v << HSTATUS_VGEIN_SHIFT, 0, 0, 0, 0);
			uint64_t sip = A(1);
			bool seip = (sip >> IRQ_S_EXT) & 1;
			if (hip == want && c == EXC_ECALL_VS && want && !seip && vsip_shows_ssip_only())
				noted(&t, DEV_VSIP_SSIP_ONLY, "VGEIN=1 (file 1 pending): hip.VSEIP 1, "
				      "guest sip %#llx; with hvip VSEIP|VSTIP|VSSIP too, guest sip shows "
				      "SSIP alone", (unsigned long long)sip);
			else if (hip != want || c != EXC_ECALL_VS || seip != want)
				note(&t, "VGEIN=%u (file 1 pending): hip.VSEIP %d, guest %s sip %#llx", v,
				     hip, cn(c), (unsigned long long)sip);
		}
		/* Taken: by the guest (delegated), by HS (not delegated). */
		csr_write(CSR_HIDELEG, MIP_VSEIP);
		csr_write(CSR_VSIE, 1UL << IRQ_S_EXT);
		c = vrun(snip(vs_irq_wait), 0, 1UL << HSTATUS_VGEIN_SHIFT, 0, SPIN, 0, 0);
		if (c != EXC_ECALL_VS || A(7) != HANDLER_MAGIC || A(0) != (CAUSE_INTERRUPT | IRQ_S_EXT))
			note(&t, "VGEIN=1, delegated, vsie.SEIE: HS saw %s; guest a0 %#llx a7 %#llx",
			     cn(c), (unsigned long long)A(0), (unsigned long long)A(7));
		csr_write(CSR_VSIE, 0);
		csr_write(CSR_HIDELEG, 0);
		csr_write(CSR_HIE, MIP_VSEIP);
		c = vrun(snip(vs_spin), 0, 1UL << HSTATUS_VGEIN_SHIFT, 0, SPIN, 0, 0);
		csr_write(CSR_HIE, 0);
		if (c != (CAUSE_INTERRUPT | IRQ_VS_EXT))
			note(&t, "VGEIN=1, not delegated, hie.VSEIE: HS saw %s, want interrupt 10",
			     cn(c));
	}
	quiet_all(&t);
	char other_txt[40] = "";
	if (gei.geilen >= 2)
		snprintf(other_txt, sizeof(other_txt), " and VGEIN=2 (file 2 quiet)");
	finish(r, &t, "file 1 pending, hvip 0, hgeie 0: VGEIN=1 -> hip.VSEIP 1, guest sip.SEIP 1, "
	       "guest takes interrupt 9 (delegated), HS takes 10 (not); VGEIN=0%s -> both 0",
	       other_txt);
}

/* hip.SGEIP with hgeie = en. */
static bool hip_sgeip(uint64_t en)
{
	csr_write(CSR_HGEIE, en);
	bool on = (csr_read(CSR_HIP) & MIP_SGEIP) != 0;
	csr_write(CSR_HGEIE, 0);
	return on;
}

/*
 * "SGEIP is read-only in hip, and is 1 if and only if the bitwise
 * logical-AND of CSRs hgeip and hgeie is nonzero in any bit"; hgeie
 * "selects the subset of guest external interrupts that cause a
 * supervisor-level (HS-level) guest external interrupt", which with
 * hie.SGEIE set traps to HS from the guest (an HS-level interrupt is
 * enabled whenever V=1: "Hypervisor Trap Delegation"). Guest file 1
 * pending, VGEIN 0.
 */
static void sgeip_and(struct result *r)
{
	if (!gei_ready(r))
		return;
	struct tally t = { 0 };
	uint64_t c = files_quiet();
	uint64_t all = ((1ULL << gei.geilen) - 1) << 1;
	if (c)
		note(&t, "vsireg writes to quiet the guest files: %s", cn(c));
	else if (hip_sgeip(all))
		note(&t, "no file pending, hgeie %#llx: hip.SGEIP 1", (unsigned long long)all);
	if (!c && make_pending(&t, 1)) {
		static const char *const what[] = { "0", "bit 1", "the others", "all" };
		uint64_t en[4] = { 0, 1ULL << 1, all & ~(1ULL << 1), all };
		for (unsigned i = 0; i < 4; i++) {
			if (i == 2 && gei.geilen < 2)
				continue;
			bool want = (en[i] & (1ULL << 1)) != 0;
			bool got = hip_sgeip(en[i]);
			if (got != want)
				note(&t, "hgeip %#llx, hgeie %s (%#llx): hip.SGEIP %d",
				     (unsigned long long)csr_read(CSR_HGEIP), what[i],
				     (unsigned long long)en[i], got);
		}
		/* Read-only: a write of 0 leaves it. */
		csr_write(CSR_HGEIE, 1ULL << 1);
		csr_clear(CSR_HIP, MIP_SGEIP);
		bool kept = (csr_read(CSR_HIP) & MIP_SGEIP) != 0;
		if (!kept)
			note(&t, "hip.SGEIP cleared by a write of 0");
		/* The interrupt: HS takes 12 from the guest. */
		csr_write(CSR_HIE, 1UL << IRQ_S_GEXT);
		c = vrun(snip(vs_spin), 0, 0, 0, SPIN, 0, 0);
		if (c != (CAUSE_INTERRUPT | IRQ_S_GEXT))
			note(&t, "hgeie bit 1, hie.SGEIE: HS saw %s from the guest, want interrupt 12",
			     cn(c));
		csr_write(CSR_HGEIE, 0);
		c = vrun(snip(vs_spin), 0, 0, 0, SPIN, 0, 0);
		if (c != EXC_ECALL_VS)
			note(&t, "hgeie 0, hie.SGEIE: HS saw %s from the guest, want its ecall", cn(c));
		csr_write(CSR_HIE, 0);
	}
	quiet_all(&t);
	finish(r, &t, "file 1 pending: hip.SGEIP 1 for hgeie with bit 1 (%#llx, %#llx), 0 for hgeie "
	       "0%s; a write of 0 leaves it; with hie.SGEIE the guest is interrupted to HS "
	       "(interrupt 12), not with hgeie 0", 2ULL, (unsigned long long)all,
	       gei.geilen >= 2 ? " and the other files' bits" : "");
}

/* ---- vstopei and eithreshold (check 106, listed by checks_late.c) ---- */

/* A second identity, of lower priority than GEI_ID (a higher number, in
 * the same eip0/eie0 word: "Interrupts with lower identity numbers have
 * higher priorities"). */
#define GEI_ID2 40
/* A *topei value naming identity i: "bits 26:16 Interrupt identity, bits
 * 10:0 Interrupt priority (same as identity)" (AIA, "Top external
 * interrupt CSRs (mtopei, stopei, vstopei)"). */
#define TOPEI(i) (((unsigned long long)(i) << 16) | (unsigned long long)(i))

/* vstopei with hstatus.VGEIN = g, read (claim: read and written by one
 * csrrw). 0, or the cause of the trap. */
static uint64_t vstopei_at(unsigned g, bool claim, uint64_t *val)
{
	uint64_t h = csr_read(CSR_HSTATUS);
	csr_write(CSR_HSTATUS, (h & ~HSTATUS_VGEIN) | ((uint64_t)g << HSTATUS_VGEIN_SHIFT));
	uint64_t c = probe(claim ? P_CLAIM_VSTOPEI : P_RD_VSTOPEI, 0, 0, val);
	csr_write(CSR_HSTATUS, h);
	return c;
}

/* Guest file g's eip0 once (eip0 & mask) == want, or after GEI_WAIT_MS
 * (an MSI's effect is not necessarily immediate). */
static uint64_t eip0_settles(unsigned g, uint64_t mask, uint64_t want)
{
	uint64_t hz = platform.timebase_hz ? platform.timebase_hz : 10000000;
	uint64_t t0 = csr_read(CSR_TIME), eip = 0;
	do {
		if (file_read(g, ISEL_EIP0, &eip) || (eip & mask) == want)
			break;
	} while (csr_read(CSR_TIME) - t0 < hz / 1000 * GEI_WAIT_MS);
	return eip;
}

/* vstopei (VGEIN = g) must read `want`; `what` says when. */
static void want_topei(struct tally *t, const char *what, unsigned g, uint64_t want)
{
	uint64_t v = 0, c = vstopei_at(g, false, &v);
	if (c || v != want)
		note(t, "%s: vstopei %s %#llx, want %#llx", what, cn(c), (unsigned long long)v,
		     (unsigned long long)want);
}

/* hgeip bit g must settle to `on`: the file's signal is asserted "if and
 * only if the interrupt file has a pending-and-enabled interrupt that also
 * exceeds the priority threshold specified by eithreshold, if not zero",
 * with eidelivery 1 ("Interrupt delivery and handling"). */
static void want_signal(struct tally *t, const char *what, unsigned g, bool on)
{
	uint64_t ip = hgeip_settles(1ULL << g, on ? 1ULL << g : 0);
	if (!!(ip & (1ULL << g)) != on)
		note(t, "%s: hgeip %#llx, want bit %u %d", what, (unsigned long long)ip, g, on);
}

/* eithreshold = p on file 1, read back: it "must be capable of holding
 * all values between 0 and N" (N = the highest identity, riscv,num-ids). */
static void set_threshold(struct tally *t, uint64_t p)
{
	uint64_t back = ~0ULL, c = file_write(1, ISEL_EITHRESHOLD, p);
	if (!c)
		c = file_read(1, ISEL_EITHRESHOLD, &back);
	if (c || back != p)
		note(t, "eithreshold %llu written: %s, reads %#llx", (unsigned long long)p, cn(c),
		     (unsigned long long)back);
}

/* The guest's view: its stopei is vstopei. `want` the value it must read,
 * or ~0 for "the access must be a virtual-instruction exception". */
static void guest_stopei(struct tally *t, unsigned vgein, uint64_t want)
{
	uint64_t c = vrun(snip(vs_rd_stopei), 0, (uint64_t)vgein << HSTATUS_VGEIN_SHIFT, 0, 0, 0, 0);
	uint64_t want_c = want == ~0ULL ? EXC_VIRTUAL_INST : EXC_ECALL_VS;
	if (c != want_c || (want != ~0ULL && A(1) != want))
		note(t, "guest csrr stopei, VGEIN=%u: %s, a1 %#llx; want %s%s", vgein, cn(c),
		     (unsigned long long)A(1), cn(want_c), want == ~0ULL ? "" : " with vstopei's value");
}

/*
 * Guest file 1 (VGEIN = 1) with identities 33 and 40 enabled, delivery on:
 *  - vstopei is "the interrupt file's current highest-priority
 *    pending-and-enabled interrupt that also exceeds the priority
 *    threshold specified by its eithreshold register if eithreshold is not
 *    zero"; 0 with nothing pending; with 33 and 40 pending, TOPEI(33); the
 *    guest's stopei reads the same ("vstopei ... substitute[s] for" stopei
 *    when V=1, "Hypervisor and VS CSRs");
 *  - "A write to a *topei CSR claims the reported interrupt identity by
 *    clearing its pending bit": csrrw returns TOPEI(33), clears eip bit 33
 *    alone, then vstopei reads TOPEI(40);
 *  - "When eithreshold is a nonzero value P, interrupt identities P and
 *    higher do not contribute": eithreshold 40 hides 40 (vstopei 0, the
 *    file's signal in hgeip off), and "When a *topei CSR's value is zero,
 *    a write to the register has no effect" (40 stays pending);
 *    eithreshold 41 shows it again;
 *  - "The value of a *topei CSR is not affected by an interrupt file's
 *    eidelivery register": delivery off, vstopei still TOPEI(40), hgeip 0;
 *  - VGEIN = a quiet file: vstopei 0; VGEIN = 0: "attempts from M-mode or
 *    HS-mode to access CSR vstopei raise an illegal instruction exception,
 *    and attempts from VS-mode to access stopei raise a virtual instruction
 *    exception" ("Hypervisor and VS CSRs").
 * (AIA: "Top external interrupt CSRs (mtopei, stopei, vstopei)", "External
 * interrupt enable threshold register (eithreshold)".)
 */
void vstopei_threshold(struct result *r)
{
	if (!gei_ready(r))
		return;
	if (gei.num_ids < GEI_ID2 + 1) {
		skip(r, "GEILEN %u; the IMSIC's riscv,num-ids %u is below %u", gei.geilen,
		     gei.num_ids, GEI_ID2 + 1);
		return;
	}
	struct tally t = { 0 };
	const uint64_t both = (1ULL << GEI_ID) | (1ULL << GEI_ID2);
	uint64_t c = files_quiet(), v = 0;
	if (!c)
		c = file_reset(1, true);
	if (!c)
		c = file_write(1, ISEL_EIE0, both);
	if (c) {
		note(&t, "setting up guest file 1 through vsireg: %s", cn(c));
		goto out;
	}
	want_topei(&t, "nothing pending", 1, 0);
	c = send_id(1, GEI_ID2);
	if (!c)
		c = send_id(1, GEI_ID);
	uint64_t eip = eip0_settles(1, both, both);
	if (c || eip != both) {
		note(&t, "MSIs %u and %u to file 1: %s, eip0 %#llx", GEI_ID2, GEI_ID, cn(c),
		     (unsigned long long)eip);
		goto out;
	}
	want_topei(&t, "33 and 40 pending", 1, TOPEI(GEI_ID));
	guest_stopei(&t, 1, TOPEI(GEI_ID));
	/* The claim: csrrw reads and writes at once. */
	c = vstopei_at(1, true, &v);
	file_read(1, ISEL_EIP0, &eip);
	if (c || v != TOPEI(GEI_ID) || (eip & both) != (1ULL << GEI_ID2))
		note(&t, "csrrw vstopei: %s, read %#llx, then eip0 %#llx (want %#llx, only 40 left)",
		     cn(c), (unsigned long long)v, (unsigned long long)eip, TOPEI(GEI_ID));
	want_topei(&t, "33 claimed", 1, TOPEI(GEI_ID2));
	want_signal(&t, "40 pending, eithreshold 0", 1, true);
	set_threshold(&t, GEI_ID2);
	want_topei(&t, "eithreshold 40", 1, 0);
	want_signal(&t, "eithreshold 40", 1, false);
	c = vstopei_at(1, true, &v);
	file_read(1, ISEL_EIP0, &eip);
	if (c || v != 0 || !(eip & (1ULL << GEI_ID2)))
		note(&t, "csrrw vstopei at 0 (eithreshold 40): %s, read %#llx, eip0 %#llx (want 40 "
		     "still pending)", cn(c), (unsigned long long)v, (unsigned long long)eip);
	set_threshold(&t, GEI_ID2 + 1);
	want_topei(&t, "eithreshold 41", 1, TOPEI(GEI_ID2));
	want_signal(&t, "eithreshold 41", 1, true);
	c = file_write(1, ISEL_EIDELIVERY, 0);
	if (c)
		note(&t, "eidelivery 0 through vsireg: %s", cn(c));
	want_topei(&t, "eidelivery 0", 1, TOPEI(GEI_ID2));
	want_signal(&t, "eidelivery 0", 1, false);
	if (gei.geilen >= 2)
		want_topei(&t, "VGEIN=2 (file 2 quiet)", 2, 0);
	c = vstopei_at(0, false, &v);
	if (c != EXC_ILLEGAL_INST)
		note(&t, "csrr vstopei from HS with VGEIN=0: %s %#llx, want ILLEGAL_INSN", cn(c),
		     (unsigned long long)v);
	guest_stopei(&t, 0, ~0ULL);
out:
	quiet_all(&t);
	finish(r, &t, "file 1, 33 and 40 enabled: vstopei 0, then %#llx with both pending (the "
	       "guest's stopei too); csrrw claims 33 alone, then %#llx; eithreshold 40 (read back) "
	       "hides 40 (vstopei 0, hgeip 0, a write claims nothing), 41 shows it; eidelivery 0 "
	       "leaves vstopei; %sVGEIN=0: HS ILLEGAL_INSN, guest VIRT_INSN",
	       TOPEI(GEI_ID), TOPEI(GEI_ID2), gei.geilen >= 2 ? "VGEIN=2 (quiet): 0; " : "");
}

const struct check checks_geint[] = {
	{ "hgeip: read-only, bit i = guest file i pending", SEC_HGEI,
	  "hgeip is a read-only register of pending guest external interrupts; guest external "
	  "interrupt i is bit i (source: IMSIC guest file i, AIA)", hgeip_files },
	{ "VGEIN selects hgeip's bit for hip.VSEIP", SEC_HINT,
	  "hip.VSEIP is the OR of hvip.VSEIP and the bit of hgeip selected by hstatus.VGEIN; "
	  "hgeie does not affect it; vsip.SEIP aliases it when delegated", vgein_selects },
	{ "hip.SGEIP = OR of hgeip AND hgeie", SEC_HINT,
	  "SGEIP is read-only in hip, and is 1 if and only if hgeip AND hgeie is nonzero; it is "
	  "the HS-level guest external interrupt (12)", sgeip_and },
	{ NULL, NULL, NULL, NULL },
};
