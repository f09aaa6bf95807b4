/*
 * Abuse of emulated MMIO: accesses the emulator must refuse rather than
 * guess at. Each gets an access fault of its kind with stval = the address
 * used, and leaves the destination register and the device untouched:
 *   - misaligned loads and stores to the UART and the test device (the
 *     privileged specification lets an access fault stand in for a
 *     misaligned-address exception where the access cannot be emulated,
 *     as for I/O: "Exception Codes", misaligned access note);
 *   - AMOs and LR/SC (an emulator can not make a device access atomic):
 *     store/AMO access fault for the AMOs and SC, load access fault for LR,
 *     which is a load (unprivileged specification, "Load-Reserved/
 *     Store-Conditional Instructions"; QEMU and Spike report LR faults as
 *     load faults);
 *   - floating-point loads and stores (the hypervisor keeps out of the
 *     guest's FP registers);
 *   - accesses of a width a device does not have (the PLIC is 32-bit only).
 */
#include <string.h>

#include "hostile.h"

#define SENTINEL 0x5a5aa5a5deadbeefULL
#define SCRATCH_PRESET 0x0123456789abcdefULL
#define SCRATCH (GPA_TESTDEV + TD_SCRATCH)

/* Each runner performs one access at `a` with its destination preset to
 * SENTINEL and returns what the destination holds afterwards. */
static uint64_t run_lw(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("lw %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
	return r;
}

static uint64_t run_ld(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("ld %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
	return r;
}

static uint64_t run_lh(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("lh %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
	return r;
}

static uint64_t run_sw(uint64_t a)
{
	__asm__ volatile("sw %0, 0(%1)" ::"r"(0x77777777UL), "r"(a) : "memory");
	return SENTINEL;
}

static uint64_t run_sd(uint64_t a)
{
	__asm__ volatile("sd %0, 0(%1)" ::"r"(0x7777777777777777UL), "r"(a) : "memory");
	return SENTINEL;
}

static uint64_t run_sb(uint64_t a)
{
	__asm__ volatile("sb %0, 0(%1)" ::"r"(0x77UL), "r"(a) : "memory");
	return SENTINEL;
}

static uint64_t run_amoadd_w(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("amoadd.w %0, %2, (%1)" : "+r"(r) : "r"(a), "r"(1UL) : "memory");
	return r;
}

static uint64_t run_amoswap_d(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("amoswap.d %0, %2, (%1)" : "+r"(r) : "r"(a), "r"(0x7777UL) : "memory");
	return r;
}

static uint64_t run_amoor_w(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("amoor.w %0, %2, (%1)" : "+r"(r) : "r"(a), "r"(0x80UL) : "memory");
	return r;
}

static uint64_t run_amomax_d(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("amomax.d %0, %2, (%1)" : "+r"(r) : "r"(a), "r"(~0UL >> 1) : "memory");
	return r;
}

static uint64_t run_lr_w(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("lr.w %0, (%1)" : "+r"(r) : "r"(a) : "memory");
	return r;
}

static uint64_t run_lr_d(uint64_t a)
{
	uint64_t r = SENTINEL;
	__asm__ volatile("lr.d %0, (%1)" : "+r"(r) : "r"(a) : "memory");
	return r;
}

/* FP accesses: the f register is preset through fmv.d.x and read back
 * with fmv.x.d (assembled with D enabled just here; the guest itself is
 * built without F/D, so the compiler never uses these registers). */
#define FP_LOAD(name, insn, freg)                                              \
	static uint64_t name(uint64_t a)                                       \
	{                                                                      \
		register uint64_t addr __asm__("a0") = a;                      \
		uint64_t r;                                                    \
		__asm__ volatile(".option push\n.option arch, +d\n"            \
				 "fmv.d.x " freg ", %2\n"                      \
				 insn " " freg ", 0(%1)\n"                     \
				 "fmv.x.d %0, " freg "\n"                      \
				 ".option pop"                                 \
				 : "=r"(r) : "r"(addr), "r"(SENTINEL) : "memory"); \
		return r;                                                      \
	}
#define FP_STORE(name, insn, freg)                                             \
	static uint64_t name(uint64_t a)                                       \
	{                                                                      \
		register uint64_t addr __asm__("a0") = a;                      \
		__asm__ volatile(".option push\n.option arch, +d\n"            \
				 "fmv.d.x " freg ", %1\n"                      \
				 insn " " freg ", 0(%0)\n"                     \
				 ".option pop"                                 \
				 ::"r"(addr), "r"(0x7777777777777777UL) : "memory"); \
		return SENTINEL;                                               \
	}
FP_LOAD(run_flw, "flw", "ft0")
FP_LOAD(run_fld, "fld", "ft0")
FP_LOAD(run_c_fld, "c.fld", "fs0")
FP_STORE(run_fsw, "fsw", "ft0")
FP_STORE(run_fsd, "fsd", "ft0")
FP_STORE(run_c_fsd, "c.fsd", "fs0")

struct mmio_try {
	const char *what;
	uint64_t addr;
	uint64_t cause;	/* expected */
	uint64_t (*run)(uint64_t a);
};

/* Append ", WHAT VALUE" to an outcome. */
static void append(char *buf, size_t size, const char *what, uint64_t val)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, ", %s %#lx", what, (unsigned long)val);
}

/* One attempt: the access with the scratch register preset; the device,
 * the destination and the trap are then compared with what is due. */
static void try_mmio(const struct mmio_try *t)
{
	char got[128], want[96];
	attempt_begin();
	td_write(TD_SCRATCH, SCRATCH_PRESET);
	probe_arm(false);
	uint64_t val = t->run(t->addr);
	bool seen = probe.seen;
	uint64_t cause = probe.cause, tval = probe.tval;
	probe.armed = false;
	uint64_t scratch = td_read(TD_SCRATCH);

	trap_text(want, sizeof(want), t->cause, t->addr);
	if (seen)
		trap_text(got, sizeof(got), cause, tval);
	else
		snprintf(got, sizeof(got), "no trap");
	enum verdict v = seen && cause == t->cause && tval == t->addr ? CONTAINED : DIFFERS;
	if (val != SENTINEL) {
		append(got, sizeof(got), "read", val);
		v = DIFFERS;
	}
	if (scratch != SCRATCH_PRESET) {
		append(got, sizeof(got), "scratch became", scratch);
		v = DIFFERS;
	}
	attempt_end(t->what, got, want, v);
}

/*
 * SC on a device with a valid reservation: the reservation is taken by an
 * LR on guest RAM mapped at a window address, then the window is pointed
 * at the test device's page, so the SC's address matches the reservation
 * and its store goes to the device.
 */
static uint64_t lrsc_page[512] __attribute__((aligned(4096)));

static void try_sc_after_remap(void)
{
	char got[128], want[96];
	attempt_begin();
	td_write(TD_SCRATCH, SCRATCH_PRESET);
	lrsc_page[1] = 42;
	uint64_t va = window_page((uint64_t)(uintptr_t)&lrsc_page[1]);
	uint64_t loaded, rd = SENTINEL;
	__asm__ volatile("lr.d %0, (%1)" : "=r"(loaded) : "r"(va) : "memory");
	uint64_t va2 = window_page(SCRATCH);
	probe_arm(false);
	__asm__ volatile("sc.d %0, %2, (%1)" : "+r"(rd) : "r"(va2), "r"(0x7777UL) : "memory");
	bool seen = probe.seen;
	uint64_t cause = probe.cause, tval = probe.tval;
	probe.armed = false;
	window_reset();
	uint64_t scratch = td_read(TD_SCRATCH);

	trap_text(want, sizeof(want), EXC_STORE_ACCESS, va2);
	if (seen)
		trap_text(got, sizeof(got), cause, tval);
	else
		snprintf(got, sizeof(got), "no trap, sc.d rd %#lx", (unsigned long)rd);
	enum verdict v = seen && cause == EXC_STORE_ACCESS && tval == va2 && rd == SENTINEL &&
				 scratch == SCRATCH_PRESET ? CONTAINED : DIFFERS;
	if (scratch != SCRATCH_PRESET)
		append(got, sizeof(got), "scratch became", scratch);
	(void)loaded;
	attempt_end("sc.d to the test device's scratch register with a reservation "
		    "taken by lr.d at the same GVA (remapped from RAM)", got, want, v);
}

/* A plain SC with no reservation may fail without touching memory or may
 * fault first; either leaves the device untouched. */
static void try_sc_plain(void)
{
	static const char *const want = "no store (a store/AMO access fault or a failed sc)";
	char got[128];
	attempt_begin();
	td_write(TD_SCRATCH, SCRATCH_PRESET);
	uint64_t rd = SENTINEL;
	probe_arm(false);
	__asm__ volatile("sc.w %0, %2, (%1)" : "+r"(rd) : "r"(SCRATCH), "r"(0x7777UL) : "memory");
	bool seen = probe.seen;
	uint64_t cause = probe.cause, tval = probe.tval;
	probe.armed = false;
	uint64_t scratch = td_read(TD_SCRATCH);
	bool faulted = seen && cause == EXC_STORE_ACCESS && tval == SCRATCH && rd == SENTINEL;
	bool failed = !seen && rd != 0 && rd != SENTINEL;
	enum verdict v = (faulted || failed) && scratch == SCRATCH_PRESET ? CONTAINED : DIFFERS;
	if (v == CONTAINED)
		snprintf(got, sizeof(got), "%s", want);
	else if (seen)
		trap_text(got, sizeof(got), cause, tval);
	else
		snprintf(got, sizeof(got), "no trap, sc.w rd %#lx, scratch %#lx",
			 (unsigned long)rd, (unsigned long)scratch);
	attempt_end("sc.w to the test device's scratch register without a reservation",
		    got, want, v);
}

/*
 * One sepc, many instructions: a code slot the guest rewrites between
 * calls (then fence.i, "Zifencei"), so every access below faults at the
 * same guest PC. The hypervisor keeps the decode of a vCPU's last MMIO
 * instruction, keyed by its bits (hyp/core/exit.c, capture_mem_insn), and
 * the instruction recovered from the last htinst (QEMU 10): each rewrite
 * must be decoded afresh - its width, sign, immediate (the page-start
 * check, hyp/mmio/mmio_access.h), rd (s0: the exit that saves every
 * register), load or store, compressed or not - and recorded as itself.
 * The slot's neighbours keep s0 (t0 holds it) and return.
 */
#define SMC_MV_T0_S0 0x00040293u /* mv t0, s0 */
#define SMC_MV_A0_S0 0x00040513u /* mv a0, s0 */
#define SMC_NOP 0x00000013u	 /* addi x0, x0, 0 */
#define SMC_MV_S0_T0 0x00028413u /* mv s0, t0 */
#define SMC_RET 0x00008067u	 /* jalr x0, 0(ra) */
#define SMC_C_NOP 0x0001u	 /* c.nop, after a 16-bit access */

static uint32_t smc_code[5] __attribute__((aligned(64)));

struct smc_variant {
	const char *text;	/* the access, as assembly */
	uint32_t insn;		/* its encoding (16 bits: c.nop above) */
	bool to_s0;		/* a load into s0, copied to a0 after it */
	uint64_t base, a0;	/* a1 and a0 at the access */
	uint64_t want_a0, want_scratch;
	const char *record;	/* its MMIO record as tvtrace --records shows it */
};

/* Rewrite the slot to s's access and run it; a0 afterwards. */
static uint64_t smc_run(const struct smc_variant *s)
{
	smc_code[0] = SMC_MV_T0_S0;
	smc_code[1] = s->insn;
	smc_code[2] = s->to_s0 ? SMC_MV_A0_S0 : SMC_NOP;
	smc_code[3] = SMC_MV_S0_T0;
	smc_code[4] = SMC_RET;
	uint64_t in = s->a0, base = s->base;
	register uint64_t a0 __asm__("a0") = in;
	register uint64_t a1 __asm__("a1") = base;
	__asm__ volatile("fence.i\n\tjalr ra, 0(%2)"
			 : "+r"(a0)
			 : "r"(a1), "r"(smc_code)
			 : "ra", "t0", "memory");
	return a0;
}

/* One variant as an attempt: a0 and the scratch register against what
 * the instruction does; its record is checked by test_hostile.sh. */
static void try_smc(const struct smc_variant *s)
{
	char what[192], got[128], want[96];
	attempt_begin();
	td_write(TD_SCRATCH, SCRATCH_PRESET);
	probe_arm(false);
	uint64_t a0 = smc_run(s);
	bool seen = probe.seen;
	uint64_t cause = probe.cause, tval = probe.tval;
	probe.armed = false;
	uint64_t scratch = td_read(TD_SCRATCH);

	snprintf(what, sizeof(what), "one sepc, rewritten to %s: trace '%s'", s->text, s->record);
	snprintf(want, sizeof(want), "a0 %#lx, scratch %#lx", (unsigned long)s->want_a0,
		 (unsigned long)s->want_scratch);
	if (seen)
		trap_text(got, sizeof(got), cause, tval);
	else
		snprintf(got, sizeof(got), "a0 %#lx, scratch %#lx", (unsigned long)a0,
			 (unsigned long)scratch);
	bool ok = !seen && a0 == s->want_a0 && scratch == s->want_scratch;
	attempt_end(what, got, want, ok ? CONTAINED : DIFFERS);
}

#define TD_IDV 0xf1e2d3c4b5a69788UL
#define TD_IDW 0xffffffffb5a69788UL /* its low word, sign-extended */

/* Each differs from the one before in what a stale decode would get
 * wrong. */
static void attack_one_sepc(void)
{
	static const struct smc_variant v[] = {
		{ "ld a0, 0(a1)", 0x0005b503, false, GPA_TESTDEV, 0, TD_IDV, SCRATCH_PRESET,
		  "read 8 bytes gpa=0x10010000 -> 0xf1e2d3c4b5a69788 (a0" },
		{ "lw a0, 0(a1)", 0x0005a503, false, GPA_TESTDEV, 0, TD_IDW, SCRATCH_PRESET,
		  "read 4 bytes gpa=0x10010000 -> 0xffffffffb5a69788 (a0, sign-extended" },
		{ "lbu a0, 7(a1)", 0x0075c503, false, GPA_TESTDEV, 0, 0xf1, SCRATCH_PRESET,
		  "read 1 byte gpa=0x10010007 -> 0xf1 (a0)" },
		{ "ld a0, 8(a1), a1 = the device's page - 8", 0x0085b503, false,
		  GPA_TESTDEV - 8, 0, TD_IDV, SCRATCH_PRESET,
		  "read 8 bytes gpa=0x10010000 -> 0xf1e2d3c4b5a69788 (a0" },
		{ "ld s0, 0(a1)", 0x0005b403, true, GPA_TESTDEV, 0, TD_IDV, SCRATCH_PRESET,
		  "read 8 bytes gpa=0x10010000 -> 0xf1e2d3c4b5a69788 (s0" },
		{ "sd a0, 0(a1)", 0x00a5b023, false, SCRATCH, 0x1111222233334444UL,
		  0x1111222233334444UL, 0x1111222233334444UL,
		  "write 8 bytes gpa=0x10010008 <- 0x1111222233334444 (a0" },
		{ "sh a0, 2(a1)", 0x00a59123, false, SCRATCH, 0x777777777777abcdUL,
		  0x777777777777abcdUL, 0x01234567abcdcdefUL,
		  "write 2 bytes gpa=0x1001000a <- 0xabcd (a0" },
		{ "c.lw a0, 0(a1)", 0x00014188, false, GPA_TESTDEV, 0, TD_IDW, SCRATCH_PRESET,
		  "read 4 bytes gpa=0x10010000 -> 0xffffffffb5a69788 (a0, sign-extended" },
		{ "c.sd a0, 0(a1)", 0x0001e188, false, SCRATCH, 0x5555666677778888UL,
		  0x5555666677778888UL, 0x5555666677778888UL,
		  "write 8 bytes gpa=0x10010008 <- 0x5555666677778888 (a0" },
		{ "c.ld a0, 8(a1), a1 = the device's page - 8", 0x00016588, false,
		  GPA_TESTDEV - 8, 0, TD_IDV, SCRATCH_PRESET,
		  "read 8 bytes gpa=0x10010000 -> 0xf1e2d3c4b5a69788 (a0" },
		{ "ld a0, 8(a1) again", 0x0085b503, false, GPA_TESTDEV - 8, 0, TD_IDV,
		  SCRATCH_PRESET, "read 8 bytes gpa=0x10010000 -> 0xf1e2d3c4b5a69788 (a0" },
	};
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		try_smc(&v[i]);
}

/* Every MMIO abuse, then the two SC cases. */
void attack_mmio(void)
{
	static const struct mmio_try tries[] = {
		{ "misaligned lw from the test device ID (+2)", GPA_TESTDEV + 2, EXC_LOAD_ACCESS, run_lw },
		{ "misaligned ld from the test device ID (+4)", GPA_TESTDEV + 4, EXC_LOAD_ACCESS, run_ld },
		{ "misaligned lh from the UART IER (+1)", GPA_UART + 1, EXC_LOAD_ACCESS, run_lh },
		{ "misaligned ld across the end of the test device", GPA_TESTDEV + TESTDEV_SIZE - 4,
		  EXC_LOAD_ACCESS, run_ld },
		{ "misaligned sw to the test device scratch (+2)", SCRATCH + 2, EXC_STORE_ACCESS, run_sw },
		{ "misaligned sd to the test device scratch (+4)", SCRATCH + 4, EXC_STORE_ACCESS, run_sd },
		{ "amoadd.w on the test device scratch", SCRATCH, EXC_STORE_ACCESS, run_amoadd_w },
		{ "amoswap.d on the test device scratch", SCRATCH, EXC_STORE_ACCESS, run_amoswap_d },
		{ "amomax.d on the test device ID", GPA_TESTDEV, EXC_STORE_ACCESS, run_amomax_d },
		{ "amoor.w on the UART THR", GPA_UART, EXC_STORE_ACCESS, run_amoor_w },
		{ "lr.w from the test device scratch", SCRATCH, EXC_LOAD_ACCESS, run_lr_w },
		{ "lr.d from the UART", GPA_UART, EXC_LOAD_ACCESS, run_lr_d },
		{ "flw from the test device scratch", SCRATCH, EXC_LOAD_ACCESS, run_flw },
		{ "fld from the test device ID", GPA_TESTDEV, EXC_LOAD_ACCESS, run_fld },
		{ "c.fld from the test device scratch", SCRATCH, EXC_LOAD_ACCESS, run_c_fld },
		{ "fsw to the test device scratch", SCRATCH, EXC_STORE_ACCESS, run_fsw },
		{ "fsd to the test device scratch", SCRATCH, EXC_STORE_ACCESS, run_fsd },
		{ "c.fsd to the test device scratch", SCRATCH, EXC_STORE_ACCESS, run_c_fsd },
		{ "fsd to the UART THR", GPA_UART, EXC_STORE_ACCESS, run_fsd },
		{ "ld from the PLIC (32-bit registers only)", GPA_PLIC + 8, EXC_LOAD_ACCESS, run_ld },
		{ "sb to a PLIC priority register", GPA_PLIC + 4, EXC_STORE_ACCESS, run_sb },
	};
	/* FP instructions need sstatus.FS != Off, or they are illegal. */
	csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL);
	for (unsigned i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		try_mmio(&tries[i]);
	try_sc_after_remap();
	try_sc_plain();
	attack_one_sepc();
	td_write(TD_SCRATCH, 0);
}
