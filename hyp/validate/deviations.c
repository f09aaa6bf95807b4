/*
 * The known platform deviations the suite recognises, and the helpers
 * that turn a check's findings into its verdict.
 *
 * A deviation is listed here only when it was measured and its cause is
 * understood: the specification's rule ("spec"), what the platform does
 * instead ("platform"), and where it was seen ("evidence"). Each one
 * comes with the exact signature a check must see before it says
 * DEVIATION (see the checks that call noted()); anything else that
 * differs from the specification stays a FAIL. docs/validation.md lists
 * the same table with what a hypervisor does about each.
 */
#include <stdarg.h>

#include "vcheck.h"

#define QEMU72 "measured on QEMU 7.2 (qemu-system-riscv64 7.2.22, -cpu rv64)"
#define QEMU10 "measured on QEMU 10.0 (qemu-system-riscv64 10.0.2, -cpu rv64)"

const struct known_dev known_devs[DEV_COUNT] = {
	[DEV_HGATP_PPN] = { "DEV-1", "hgatp keeps PPN[1:0]",
		"in Sv39x4/Sv48x4/Sv57x4 the lowest two bits of hgatp.PPN always read as zero",
		"the written bits read back", QEMU72 },
	[DEV_WALK_CAUSE] = { "DEV-2", "VS-stage walk faults always reported as loads",
		"a guest-page fault on an implicit VS-stage walk access is reported for the "
		"original access type (20 fetch, 21 load, 23 store/AMO)",
		"always cause 21 (load guest-page fault); htval/htinst are right",
		QEMU72 "; fixed in QEMU 8.1" },
	[DEV_HGATP_MODE] = { "DEV-3", "hgatp.MODE stores reserved values",
		"hgatp fields are WARL: a reserved MODE value (1-7, 11-15) never reads back",
		"any MODE value written reads back", QEMU72 },
	[DEV_GPA_SIGN] = { "DEV-4", "G-stage GPAs checked like sign-extended VAs",
		"a GPA is 41/50/59 bits wide (Sv39x4/Sv48x4/Sv57x4); the bits above must be zero",
		"GPAs with the top GPA bit set fault unless every higher bit is 1, and then they "
		"translate as if those bits were 0",
		QEMU72 "; current qemu/qemu checks addr >> va_bits == 0 for the G-stage" },
	[DEV_MXR] = { "DEV-5", "MXR applied to the wrong stages",
		"HS-level sstatus.MXR covers both stages (VS and G); vsstatus.MXR only the VS stage",
		"guest accesses: vsstatus.MXR acts on both stages, sstatus.MXR on neither; "
		"HLV: sstatus.MXR acts on the VS stage only, vsstatus.MXR on the G stage only",
		QEMU72 "; current qemu/qemu ORs mstatus_hs.MXR into both stages" },
	[DEV_HLV_AF] = { "DEV-6", "HLV/HSV VS-stage faults reported as access faults",
		"a VS-stage translation fault of HLV/HLVX/HSV is a load (13) or store (15) page fault",
		"an access fault (5/7) when the HS-mode satp is Bare (QEMU picks the fault type from "
		"satp, not vsatp), with hstatus.GVA 0 though stval holds the GVA",
		QEMU72 "; current qemu/qemu no longer looks at satp for the fault type" },
	[DEV_HLV_SUM] = { "DEV-7", "HLV/HSV ignore vsstatus.SUM",
		"HLV/HSV are VS/VU accesses: HS sstatus.SUM is ignored and vsstatus.SUM applies",
		"U pages are accessible with SPVP=1 whatever vsstatus.SUM says", QEMU72 },
	[DEV_HLVX_R] = { "DEV-8", "HLVX needs read permission",
		"HLVX.HU/WU need execute permission in place of read (execute-only pages readable, "
		"pages without X not)",
		"execute-only pages fault and pages with R but no X are read: read permission is "
		"checked in place of execute", QEMU72 },
	[DEV_VU_ILLEGAL] = { "DEV-9", "VU-mode: illegal instead of virtual instruction",
		"in VU-mode SRET, SFENCE.VMA, HFENCE.* and supervisor-CSR accesses raise a "
		"virtual-instruction exception (22)",
		"illegal-instruction exception (2)", QEMU72 },
	[DEV_VTVM_SATP] = { "DEV-10", "hstatus.VTVM does not trap satp",
		"with VTVM=1 a VS-mode access to satp raises a virtual-instruction exception",
		"satp (vsatp) is read and written without a trap; SFENCE.VMA does trap", QEMU72 },
	[DEV_VI_STVAL] = { "DEV-11", "stale stval on HLV/HSV virtual-instruction traps",
		"stval is written as for an illegal instruction: 0 or the faulting instruction",
		"stval holds the bits of an earlier, different instruction", QEMU72 },
	[DEV_STCE_VSTIP] = { "DEV-12", "henvcfg.STCE=0 leaves vstimecmp driving VSTIP",
		"with STCE=0, hip.VSTIP behaves as without Sstc (hvip.VSTIP only)",
		"a past vstimecmp still makes hip.VSTIP 1", QEMU72 },
	[DEV_AMO_LOAD] = { "DEV-13", "AMO faults reported as load faults",
		"an AMO that faults is reported as a store/AMO fault: guest-page fault 23, page "
		"fault 15",
		"the load cause (21, 13): the AMO's read is translated first",
		QEMU72 " with one hart; with -smp 2 or more (multi-threaded TCG) the causes are "
		"right. hyp/mmio/mmio.c already decodes the instruction to tell" },
	[DEV_EBREAK_GVA] = { "DEV-14", "ebreak writes a GVA to stval but leaves GVA 0",
		"for any trap (breakpoint, ...) that writes a guest virtual address to stval, "
		"hstatus.GVA is set to 1",
		"stval = the ebreak's address (a GVA, SPV 1) with hstatus.GVA 0",
		QEMU10 "; QEMU 7.2 writes stval 0 and GVA 0, which is allowed" },
	[DEV_IRQ_PRIO] = { "DEV-15", "HS interrupts taken lowest number first",
		"interrupts destined for HS-mode are taken in the order SEI, SSI, STI, SGEI, VSEI, "
		"VSSI, VSTI, LCOFI (VSEI before VSSI)",
		"with VSEI, VSSI and VSTI pending, VSSI (2) is taken first: without Ssaia QEMU "
		"takes the lowest-numbered pending interrupt",
		QEMU72 " and " QEMU10 "; qemu/qemu riscv_cpu_pending_to_irq returns ctz64(pending) "
		"when Ssaia is off" },
	[DEV_HEDELEG_NEWER] = { "DEV-16", "hedeleg bits 18/19 read-only zero",
		"hedeleg bits 18 (software check) and 19 (hardware error) are writable (in the "
		"table of bits that must be writable or read-only zero since 2025)",
		"QEMU 7.2: both read-only zero, as before those exceptions were defined; "
		"QEMU 10.0: bit 18 writable, bit 19 read-only zero",
		QEMU72 " and " QEMU10 },
	[DEV_VSIP_SSIP_ONLY] = { "DEV-17", "guest sip reads show SSIP alone",
		"with hideleg bits 10/6/2 set, vsip.SEIP/STIP/SSIP are aliases of hip.VSEIP/VSTIP/"
		"VSSIP: a guest reading sip sees them",
		"a VS-mode read of sip (vsip) returns SSIP only: SEIP and STIP read 0 while "
		"hip.VSEIP/VSTIP are 1 and the guest takes those interrupts",
		QEMU72 " (with and without aia=aplic-imsic); qemu/qemu rmw_vsip64 masked the value "
		"read with vsip_writable_mask (VSSIP) until \"target/riscv: Fix up masking of "
		"vsip/vsie accesses\" (December 2022, after 7.2.0); " QEMU10 " reads them right" },
	[DEV_AD_GSTAGE_RO] = { "DEV-18", "VS-stage A/D updates ignore G-stage write permission",
		"an A/D update of a VS-level PTE is an implicit store checked for G-stage write "
		"permission; its fault has htinst 0x3020",
		"the access completes and the PTE is updated although the page holding it is "
		"G-stage read-only",
		QEMU72 " and " QEMU10 " (there with henvcfg.ADUE=1); current qemu/qemu "
		"get_physical_address translates the PTE's GPA through the G-stage for a load only "
		"and writes the update to that host address (address_space_translate); "
		"riscv_cpu_do_interrupt writes only the read pseudoinstruction" },
	[DEV_VSSTATUS_SD] = { "DEV-19", "vsstatus.SD reads 0 from HS-mode",
		"vsstatus.SD summarises vsstatus's own FS, VS and XS: it is 1 when vsstatus.FS or "
		"vsstatus.VS is Dirty",
		"read from HS-mode (csrr vsstatus), SD is 0 while vsstatus.FS or VS is 3 (made Dirty "
		"by the guest's FP or vector instructions, or written so by HS); the guest's own "
		"read of sstatus shows SD 1",
		QEMU72 " and " QEMU10 " (FS: check 104; VS: check 103, -cpu rv64,v=true); qemu/qemu "
		"computes SD on demand (add_status_sd) for mstatus and sstatus reads, and "
		"read_vsstatus returns the stored vsstatus without it" },
	[DEV_HLVX_FETCH] = { "DEV-20", "HLVX faults reported as instruction page faults",
		"HLVX raises a load's exceptions: no X is a load page fault (13), in the G stage a "
		"load guest-page fault (21)",
		"an instruction page fault (12) for both stages, stval = the GVA, htval 0 for the "
		"VS stage and the GPA >> 2 for the G stage",
		QEMU10 "; qemu/qemu helper_hyp_hlvx_hu/wu read with cpu_ldw/ldl_code_mmu, a fetch, "
		"so a translation fault comes out as the fetch's" },
};

uint32_t devs_seen;

/* Append "; text" to the tally's line (it keeps what fits). */
static void append(struct tally *t, const char *fmt, va_list ap)
{
	size_t n = strlen(t->txt);
	if (n >= sizeof(t->txt) - 3)
		return;
	if (n) {
		t->txt[n++] = ';';
		t->txt[n++] = ' ';
	}
	vsnprintf(t->txt + n, sizeof(t->txt) - n, fmt, ap);
}

void note(struct tally *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append(t, fmt, ap);
	va_end(ap);
	t->bad++;
}

void noted(struct tally *t, enum dev_id d, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* The first time a deviation is noted in a check, say what the
	 * specification wants; later notes only add what was seen. */
	if (!(t->devs & (1u << d)))
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " [%s: spec: %s]",
			 known_devs[d].tag, known_devs[d].spec);
	t->devs |= 1u << d;
	size_t n = strlen(t->txt);
	if (n < sizeof(t->txt) - 3) {
		if (n) {
			t->txt[n++] = ';';
			t->txt[n++] = ' ';
		}
		snprintf(t->txt + n, sizeof(t->txt) - n, "%s", what);
	}
}

void finish(struct result *r, struct tally *t, const char *fmt, ...)
{
	if (t->bad) {
		fail(r, "%s", t->txt);
		return;
	}
	if (t->devs) {
		devs_seen |= t->devs;
		r->devs = t->devs;
		deviation(r, "%s", t->txt);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char buf[sizeof(r->seen)];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pass(r, "%s", buf);
}
