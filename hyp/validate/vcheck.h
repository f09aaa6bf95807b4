/*
 * Internal interface of the platform validation suite (hyp/validate/):
 * the check table, verdicts, the private validation VM (its memory arena,
 * G-stage and VS-stage tables) and the run helper built on vworld.S.
 *
 * Every check names the rule of the RISC-V hypervisor specification it
 * checks (riscv-isa-manual, src/priv/hypervisor.adoc: section title and a
 * one-line statement of the rule) and reports one verdict:
 *   PASS       the platform did what the rule says
 *   FAIL       it did not, in a way this suite does not know as a platform
 *              deviation
 *   DEVIATION  it did not, in a known, documented way (docs/validation.md
 *              lists each one); the report says what the specification
 *              says and what the platform did. Not a failure of the run.
 *   SKIP       the rule concerns an optional feature the platform lacks,
 *              or something the platform is allowed not to do (e.g. it
 *              caches no translations to observe)
 */
#ifndef HYP_VALIDATE_VCHECK_H
#define HYP_VALIDATE_VCHECK_H

#include "../core/hyp.h"
#include "../gstage/gstage.h"
#include "vworld.h"

enum verdict { V_PASS, V_FAIL, V_DEVIATION, V_SKIP };

struct result {
	enum verdict verdict;
	char seen[360];		/* what was observed (and, for a DEVIATION,
				 * what the specification says) */
	uint32_t devs;		/* known deviations recognised (bit per dev_id) */
};

struct check {
	const char *name;	/* short name, also the TAP description */
	const char *section;	/* section title in hypervisor.adoc */
	const char *rule;	/* the rule, in one line */
	void (*run)(struct result *r);
};

/* Set the verdict and the observation (printf format). */
void pass(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fail(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void deviation(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skip(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Known platform deviations (deviations.c): behaviour that differs from
 * the specification, measured and documented (docs/validation.md). A
 * check reports DEVIATION only when what it saw matches one of these
 * exactly; anything else that differs from the specification is a FAIL.
 */
enum dev_id {
	DEV_HGATP_PPN = 1,	/* hgatp PPN[1:0] not read as zero */
	DEV_WALK_CAUSE,		/* VS-stage walk G-stage fault always cause 21 */
	DEV_HGATP_MODE,		/* hgatp.MODE keeps reserved values */
	DEV_GPA_SIGN,		/* GPAs checked as sign-extended VAs */
	DEV_MXR,		/* MXR bits applied to the wrong stages */
	DEV_HLV_AF,		/* HLV/HSV VS-stage faults reported as access faults */
	DEV_HLV_SUM,		/* HLV/HSV ignore vsstatus.SUM */
	DEV_HLVX_R,		/* HLVX needs read permission */
	DEV_VU_ILLEGAL,		/* VU: illegal instead of virtual instruction */
	DEV_VTVM_SATP,		/* VTVM does not trap satp */
	DEV_VI_STVAL,		/* stale stval on virtual-instruction traps */
	DEV_STCE_VSTIP,		/* STCE=0 does not detach vstimecmp from VSTIP */
	DEV_AMO_LOAD,		/* AMO faults reported with the load cause */
	DEV_EBREAK_GVA,		/* ebreak: stval = GVA but hstatus.GVA 0 */
	DEV_IRQ_PRIO,		/* lowest-numbered pending interrupt taken first */
	DEV_HEDELEG_NEWER,	/* hedeleg bits 18/19 read-only zero */
	DEV_VSIP_SSIP_ONLY,	/* guest reads of sip (vsip) show SSIP alone */
	DEV_AD_GSTAGE_RO,	/* VS-stage A/D updates ignore G-stage write permission */
	DEV_VSSTATUS_SD,	/* vsstatus.SD reads 0 from HS with FS/VS Dirty */
	DEV_HLVX_FETCH,		/* HLVX faults reported as instruction page faults */
	DEV_COUNT
};
struct known_dev {
	const char *tag;	/* "DEV-3" style short name */
	const char *title;
	const char *spec;	/* what the specification says */
	const char *platform;	/* what the platform does */
	const char *evidence;	/* where it was measured, what fixes it */
};
extern const struct known_dev known_devs[DEV_COUNT];
/* Deviations recognised during this run (bit per enum dev_id). */
extern uint32_t devs_seen;

/* A check's findings: plain failures and known deviations, collected
 * into one line; finish() turns them into the verdict. */
struct tally {
	unsigned bad;
	uint32_t devs;
	char txt[340];
};
void note(struct tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void noted(struct tally *t, enum dev_id d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* FAIL if any note(), else DEVIATION if any noted(), else PASS with the
 * text given. */
void finish(struct result *r, struct tally *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The check tables (checks_*.c), each ending with a { NULL } entry. */
extern const struct check checks_csr[];
extern const struct check checks_xlate[];
extern const struct check checks_trap[];
/* Run after the guest-side checks (validate_hs_late_checks): the guest
 * external interrupts, then the checks added after them. */
extern const struct check checks_geint[];
extern const struct check checks_late[];
/* checks_xlate.c's check that checks_trap lists last. */
void hlv_u_mode(struct result *r);
/* checks_geint.c's check of vstopei and eithreshold, which checks_late
 * lists (added after checks_late.c's first checks: no number moves). */
void vstopei_threshold(struct result *r);
/* checks_xlate.c's check that HLVX faults as a load, listed in
 * checks_late. */
void hlvx_fault_cause(struct result *r);

/* ---- The validation VM's memory: one 2 MiB arena of hypervisor memory,
 * 2 MiB aligned, never mapped into the real guest. ---- */
#define ARENA_SIZE 0x200000UL
#define OFF_GROOT 0x000000UL	/* 4 G-stage roots of 16 KiB */
#define OFF_GPOOL 0x010000UL	/* 64 pages for lower G-stage tables */
#define OFF_VSPOOL 0x050000UL	/* 16 pages for VS-stage tables */
#define OFF_CODE 0x060000UL	/* the snippets (vs_blob) */
#define OFF_DATA 0x080000UL	/* 384 data pages, each word tagged */
#define DATA_PAGES 384

/* Guest-physical layout of the validation VM: the whole arena, 4 KiB
 * leaves, at GPA_ARENA; nothing else unless a check maps it. */
#define GPA_ARENA 0x100000000UL
#define GPA_HOLE 0x200000000UL	/* never mapped */

extern uint64_t arena;		/* host address of the arena */
extern unsigned vmid_bits;	/* VMIDLEN found by the hgatp check */
extern bool have_sv39x4, have_sv48x4, have_sv57x4;
/* hgatp read back a reserved MODE (DEV-3): the have_* above, found by
 * reading back, then prove nothing; only a translation does. */
extern bool hgatp_any_mode;

/* Every 64-bit word of a data page holds TAG ^ its own host address, so a
 * read tells which host word the translation reached. The top byte has
 * its top bit set, for the sign-extension checks. */
#define TAG 0xFEDCBA9800000000ULL
static inline uint64_t tag_of(uint64_t hpa) { return TAG ^ hpa; }

static inline uint64_t data_hpa(unsigned page) { return arena + OFF_DATA + (uint64_t)page * PAGE_SIZE; }
static inline uint64_t data_gpa(unsigned page) { return GPA_ARENA + OFF_DATA + (uint64_t)page * PAGE_SIZE; }
static inline uint64_t gpa_of(uint64_t hpa) { return GPA_ARENA + (hpa - arena); }
static inline uint64_t hpa_of_gpa(uint64_t gpa) { return arena + (gpa - GPA_ARENA); }
/* Re-tag one data page (after a store check wrote into it). */
void retag(unsigned page);

/* ---- The world: G-stage and VS-stage of the validation VM ---- */
struct vmworld {
	struct gstage g;
	uint64_t hgatp;
	uint64_t *vs_root;	/* NULL: vsatp = Bare */
	unsigned vs_levels;	/* 3 = Sv39, 4 = Sv48 */
	uint64_t vsatp;
};
extern struct vmworld W;

/* Fresh world: G-stage `mode` (HGATP_MODE_*) with `vmid`, the arena
 * mapped RWX with 4 KiB leaves at GPA_ARENA, hgatp written, vsatp Bare,
 * VS CSRs reset, hedeleg/hideleg/hvip/hie zero, fences done. */
void world_reset(unsigned long gmode, uint16_t vmid);
/* Build a G-stage in `root` (one of the 4 arena roots) and map the arena
 * there too; does not touch hgatp. */
void world_gstage(struct gstage *g, unsigned root, unsigned long gmode, uint16_t vmid);
/* Map [gpa, gpa+size) -> hpa in the current G-stage (gstage_map rules). */
void g_map(uint64_t gpa, uint64_t hpa, uint64_t size, unsigned long perm);
/* The leaf G-stage PTE that maps gpa (NULL if none), and its level. */
uint64_t *g_pte(const struct gstage *g, uint64_t gpa, unsigned *level);
/* Turn on VS-stage translation: Sv39 (3) or Sv48 (4), with `asid`; the
 * code page is identity mapped (GVA = GPA) readable/executable, with U
 * set when `user`. */
void world_vs_paging(unsigned levels, uint16_t asid, bool user);
/* Map gva -> gpa in the VS-stage with a leaf at `level` (0 = 4 KiB,
 * 1 = 2 MiB, 2 = 1 GiB) and PTE flag bits `flags` (R/W/X/U; V, A and D
 * are added). Returns the PTE's host address. */
uint64_t *vs_map(uint64_t gva, uint64_t gpa, unsigned level, uint64_t flags);
/* The host address of the VS-stage table page at `level` on the walk for
 * gva (level vs_levels-1 = root), NULL when the walk does not reach it. */
uint64_t *vs_table(uint64_t gva, unsigned level);

/* Give every VS-stage table page G-stage permissions `perm` (and fence). */
void vs_tables_gperm(unsigned long perm);

/* ---- Running guest code ---- */
/* Register numbers of a0..a7 in struct vw_ctx.gpr. */
#define R_A0 10
#define R_A1 11
#define R_A2 12
#define R_A7 17

extern struct vw_ctx C;		/* the last run's trap */

/* Offset of a snippet in the blob (and so in the code page). */
static inline uint64_t snip_off(const char *sym)
{
	return (uint64_t)(uintptr_t)sym - (uint64_t)(uintptr_t)vs_blob_start;
}
/* Guest address of a snippet: the code page is identity mapped. */
uint64_t snip(const char *sym);
/* The 32-bit instruction at a snippet + off (for stval/htinst checks). */
uint32_t snip_insn(const char *sym, unsigned off);

#define RUN_VU 0x1UL		/* enter VU-mode instead of VS-mode */
#define RUN_U 0x2UL		/* enter U-mode (V=0): pc is a host address */
/* Enter the snippet at `pc` (a guest virtual address) in VS-mode (or VU
 * with RUN_VU, U with RUN_U), with extra hstatus bits `hs` (VTW/VTSR/VTVM/HU,
 * VGEIN) and a0..a3; returns scause of the trap that came back. Traced as
 * an entry/exit pair of vm1-vcpu0. */
uint64_t vrun(uint64_t pc, unsigned long flags, uint64_t hs, uint64_t a0,
	      uint64_t a1, uint64_t a2, uint64_t a3);
static inline uint64_t gpa_from_trap(void) { return (C.htval << 2) | (C.stval & 3); }
static inline bool gva_bit(void) { return (C.hstatus & HSTATUS_GVA) != 0; }

/* HS-mode probes (vw_probe in vworld.S), by name. */
enum probe_op {
	P_HLV_B = VP_HLV_B, P_HLV_BU = VP_HLV_BU, P_HLV_H = VP_HLV_H,
	P_HLV_HU = VP_HLV_HU, P_HLV_W = VP_HLV_W, P_HLV_WU = VP_HLV_WU,
	P_HLV_D = VP_HLV_D, P_HLVX_HU = VP_HLVX_HU, P_HLVX_WU = VP_HLVX_WU,
	P_HSV_B = VP_HSV_B, P_HSV_H = VP_HSV_H, P_HSV_W = VP_HSV_W, P_HSV_D = VP_HSV_D,
	P_RD_STIMECMP = VP_RD_STIMECMP, P_RD_VSTIMECMP = VP_RD_VSTIMECMP,
	P_WR_VSTIMECMP = VP_WR_VSTIMECMP, P_RD_CYCLE = VP_RD_CYCLE,
	P_RD_TIME = VP_RD_TIME, P_RD_INSTRET = VP_RD_INSTRET,
	P_WR_HGEIP = VP_WR_HGEIP, P_RD_VSIREG = VP_RD_VSIREG, P_WR_VSIREG = VP_WR_VSIREG,
	P_SW = VP_SW, P_RD_VSTOPEI = VP_RD_VSTOPEI, P_CLAIM_VSTOPEI = VP_CLAIM_VSTOPEI,
};
/* Run an HS probe: 0 when it completed (value in *val), else the trap's
 * scause (trap CSRs in C). */
uint64_t probe(enum probe_op op, uint64_t a0, uint64_t a1, uint64_t *val);

/* Append " word" to the string in buf (size bytes), keeping what fits. */
void add_word(char *buf, size_t size, const char *word);

/* Short cause name for the report ("LOAD_GPF"), or "none" for 0 from a
 * probe that did not trap. */
const char *cn(uint64_t cause);

/* Defaults every check starts from (validate.c). */
extern uint64_t hstatus_base;	/* hstatus with SPV=SPVP=0, no traps */
extern bool have_sstc;		/* stimecmp/vstimecmp implemented */
extern uint16_t vmid_default;	/* VMID of the validation VM */
extern unsigned long gmode_default; /* its G-stage mode */

#endif
