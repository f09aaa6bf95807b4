/*
 * SBI Firmware Features Extension (EID 0x46574654 "FWFT"), SBI
 * specification "SBI Firmware Features Extension"
 * (src/ext-firmware-features.adoc): fwft_set(uint32_t feature, unsigned
 * long value, unsigned long flags) and fwft_get(uint32_t feature).
 * feature is 32 bits wide (only a0's low 32 bits count, "Binary
 * Encoding"); value and flags are XLEN-wide. "FWFT Feature Types": 0-5 the
 * defined local features, 0x6-0x3fffffff reserved local,
 * 0x40000000-0x7fffffff platform local, 0x80000000-0xbfffffff reserved
 * global, 0xc0000000-0xffffffff platform global (none implemented here).
 * Errors: set - NOT_SUPPORTED (a valid feature the platform lacks),
 * INVALID_PARAM ("value or flags ... invalid"; flags bits XLEN-1:1 "must be
 * zero"), DENIED ("reserved or ... platform-specific and unimplemented"),
 * DENIED_LOCKED; get - NOT_SUPPORTED, DENIED, and "in case of failure, the
 * content of sbiret.value is zero". "The set operation will succeed if
 * requested value matches the existing value"; "in case of failure,
 * feature value is not modified". LOCK (flags bit 0): "once set, the
 * feature value can no longer be modified until ... hart reset".
 * "FWFT Feature Attribute Values": reset 0 for features 1-5,
 * implementation-defined (0 or 1) for MISALIGNED_EXC_DELEG.
 *
 * Which features a platform supports the specification leaves to it
 * (tracevisor: what the hart's henvcfg and the firmware's FWFT allow; QEMU
 * 7.2 + OpenSBI 1.1 has none, QEMU 10 + OpenSBI 1.5 some), so each
 * feature's rows take the answer of a plain fwft_get first and then want
 * what the specification says for a supported or an unsupported feature.
 * The lock rows lock the first supported 0/1 feature at its current value
 * for the rest of the run (this vCPU is never reset).
 */
#include "conform.h"

#define NFEAT SBI_FWFT_FEATURES

static struct sbiret fwft_get(unsigned long f)
{
	return sbi_call(SBI_EXT_FWFT, SBI_FWFT_GET, f, 0, 0);
}

static bool supported[NFEAT];
static unsigned long cur[NFEAT];

static unsigned feature_of(const struct conform_ctx *x)
{
	return (uint32_t)x->a[0] < NFEAT ? (uint32_t)x->a[0] : 0;
}

static void want(struct conform_ctx *x, long err, unsigned long value)
{
	x->want_error = x->want_alt = err;
	x->vmode = V_EQ;
	x->want = value;
}

/* fwft_get with garbage in a0's upper half: the feature's reset value
 * (untouched so far), or NOT_SUPPORTED with value 0, as a plain get just
 * said. */
static void probe(struct conform_ctx *x)
{
	unsigned f = feature_of(x);
	struct sbiret r = fwft_get(f);
	supported[f] = r.error == SBI_SUCCESS;
	cur[f] = (unsigned long)r.value;
	if (r.error == SBI_ERR_NOT_SUPPORTED)
		want(x, SBI_ERR_NOT_SUPPORTED, 0);
	else if (r.error != SBI_SUCCESS)
		setup_failed(x, "fwft_get answered neither SUCCESS nor NOT_SUPPORTED");
	else if (f == SBI_FWFT_MISALIGNED_EXC_DELEG && r.value != 0 && r.value != 1)
		setup_failed(x, "MISALIGNED_EXC_DELEG is neither 0 nor 1");
	else
		want(x, SBI_SUCCESS, f == SBI_FWFT_MISALIGNED_EXC_DELEG ? cur[f] : 0);
}

/* fwft_set(f, its current value): SUCCESS if supported. */
static void same_value(struct conform_ctx *x)
{
	unsigned f = feature_of(x);
	x->a[1] = cur[f];
	want(x, supported[f] ? SBI_SUCCESS : SBI_ERR_NOT_SUPPORTED, 0);
	x->vmode = V_ANY;
}

/* fwft_set(f, 2^32 + current value): value is unsigned long, so this is
 * no value any feature defines (0/1; a PMLEN). */
static void wide_value(struct conform_ctx *x)
{
	unsigned f = feature_of(x);
	x->a[1] = (1UL << 32) + cur[f];
	want(x, supported[f] ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED, 0);
	x->vmode = V_ANY;
}

/* A failed set leaves the value as it was. */
static bool unchanged(struct conform_ctx *x)
{
	unsigned f = feature_of(x);
	struct sbiret r = fwft_get(f);
	if (!supported[f] || (r.error == 0 && (unsigned long)r.value == cur[f]))
		return true;
	snprintf(x->why, sizeof(x->why), "fwft_get after the failed set: error %ld value %#lx, "
		 "want %#lx", r.error, r.value, cur[f]);
	return false;
}

/* ---- one supported 0/1 feature: flags, set/get, LOCK ----------------- */

static int chosen = -1;

/* The first supported feature with values 0 and 1 (0-4), or LANDING_PAD
 * (NOT_SUPPORTED) if there is none. */
static unsigned choose(void)
{
	if (chosen < 0) {
		chosen = SBI_FWFT_LANDING_PAD;
		for (unsigned f = 0; f < SBI_FWFT_POINTER_MASKING_PMLEN; f++)
			if (supported[f]) {
				chosen = (int)f;
				break;
			}
		printf("sbi-conform: FWFT lock and set/get rows use feature %d (%s)\n", chosen,
		       supported[chosen] ? "supported" : "not supported");
	}
	return (unsigned)chosen;
}

/* flags with a reserved bit: INVALID_PARAM; for an unsupported feature
 * NOT_SUPPORTED describes the call as well. */
static void bad_flags(struct conform_ctx *x)
{
	unsigned f = choose();
	x->a[0] = f;
	x->a[1] = cur[f];
	want(x, SBI_ERR_INVALID_PARAM, 0);
	if (!supported[f])
		x->want_alt = SBI_ERR_NOT_SUPPORTED;
	x->vmode = V_ANY;
}

static void set_other(struct conform_ctx *x)
{
	unsigned f = choose();
	x->a[0] = f;
	x->a[1] = !cur[f];
	want(x, supported[f] ? SBI_SUCCESS : SBI_ERR_NOT_SUPPORTED, 0);
	x->vmode = V_ANY;
}

static void set_back(struct conform_ctx *x)
{
	set_other(x);
	x->a[1] = cur[chosen];
}

/* After a set or a refused one: get reads `value`. */
static bool reads(struct conform_ctx *x, unsigned long value)
{
	unsigned f = (unsigned)chosen;
	struct sbiret r = fwft_get(f);
	if (!supported[f] || (r.error == 0 && (unsigned long)r.value == value))
		return true;
	snprintf(x->why, sizeof(x->why), "fwft_get(%u) then: error %ld value %#lx, want %#lx", f,
		 r.error, r.value, value);
	return false;
}

static bool reads_other(struct conform_ctx *x) { return reads(x, !cur[chosen]); }
static bool reads_cur(struct conform_ctx *x) { return reads(x, cur[chosen]); }

/* Locked: any other value is DENIED_LOCKED, with or without LOCK again. */
static void locked_other(struct conform_ctx *x)
{
	set_other(x);
	if (supported[chosen])
		x->want_error = x->want_alt = SBI_ERR_DENIED_LOCKED;
}

static void get_chosen(struct conform_ctx *x)
{
	unsigned f = choose();
	x->a[0] = f;
	if (supported[f])
		want(x, SBI_SUCCESS, cur[f]);
	else
		want(x, SBI_ERR_NOT_SUPPORTED, 0);
}

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define GET_RESERVED(n, f)                                                     \
	{ .func = "fwft_get", .name = n, .fid = SBI_FWFT_GET, .a = { LIT(f) },  \
	  .want_error = SBI_ERR_DENIED, .vmode = V_EQ, .want = LIT(0) }
#define SET_RESERVED(n, f)                                                     \
	{ .func = "fwft_set", .name = n, .fid = SBI_FWFT_SET, .a = { LIT(f), LIT(0), LIT(0) }, \
	  .want_error = SBI_ERR_DENIED }
/* Three rows per defined feature: its reset value read with a0's upper
 * half set, its current value set again, a value 2^32 + current refused. */
#define RESET_VALUE(feat, f)                                                   \
	{ .func = "fwft_get", .name = feat ": reset value (a0 = 0xFFFFFFFF_0000000" #f ")", \
	  .fid = SBI_FWFT_GET, .a = { LIT(0xFFFFFFFF00000000UL | (f)) }, .prepare = probe }
#define SAME_VALUE(feat, f)                                                    \
	{ .func = "fwft_set", .name = feat ": its current value again",          \
	  .fid = SBI_FWFT_SET, .a = { LIT(f) }, .prepare = same_value }
#define WIDE_VALUE(feat, f)                                                    \
	{ .func = "fwft_set", .name = feat ": value 2^32 + current (unsigned long)", \
	  .fid = SBI_FWFT_SET, .a = { LIT(f) }, .prepare = wide_value, .verify = unchanged }
#define CHOSEN(fn, f, n, flags, prep, ver)                                     \
	{ .func = fn, .name = n, .fid = (f), .a = { LIT(0), LIT(0), LIT(flags) }, \
	  .prepare = prep, .verify = ver }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case fwft_cases[] = {
	GET_RESERVED("reserved local 0x6", 0x6),
	GET_RESERVED("reserved local 0x3FFFFFFF", 0x3FFFFFFF),
	GET_RESERVED("platform local 0x40000000 (none implemented)", 0x40000000),
	GET_RESERVED("platform local 0x7FFFFFFF", 0x7FFFFFFF),
	GET_RESERVED("reserved global 0x80000000", 0x80000000UL),
	GET_RESERVED("reserved global 0xBFFFFFFF", 0xBFFFFFFFUL),
	GET_RESERVED("platform global 0xC0000000", 0xC0000000UL),
	GET_RESERVED("platform global 0xFFFFFFFF", 0xFFFFFFFFUL),
	GET_RESERVED("0xFFFFFFFF_00000006 (low 32 bits: reserved 6)", 0xFFFFFFFF00000006UL),
	SET_RESERVED("reserved local 0x6", 0x6),
	SET_RESERVED("platform local 0x40000000", 0x40000000),
	SET_RESERVED("reserved global 0x80000000", 0x80000000UL),
	SET_RESERVED("platform global 0xC0000000", 0xC0000000UL),
	SET_RESERVED("0x1_FFFFFFFF (low 32 bits: platform global)", 0x1FFFFFFFFUL),
	RESET_VALUE("MISALIGNED_EXC_DELEG", 0),
	SAME_VALUE("MISALIGNED_EXC_DELEG", 0),
	WIDE_VALUE("MISALIGNED_EXC_DELEG", 0),
	RESET_VALUE("LANDING_PAD", 1),
	SAME_VALUE("LANDING_PAD", 1),
	WIDE_VALUE("LANDING_PAD", 1),
	RESET_VALUE("SHADOW_STACK", 2),
	SAME_VALUE("SHADOW_STACK", 2),
	WIDE_VALUE("SHADOW_STACK", 2),
	RESET_VALUE("DOUBLE_TRAP", 3),
	SAME_VALUE("DOUBLE_TRAP", 3),
	WIDE_VALUE("DOUBLE_TRAP", 3),
	RESET_VALUE("PTE_AD_HW_UPDATING", 4),
	SAME_VALUE("PTE_AD_HW_UPDATING", 4),
	WIDE_VALUE("PTE_AD_HW_UPDATING", 4),
	RESET_VALUE("POINTER_MASKING_PMLEN", 5),
	SAME_VALUE("POINTER_MASKING_PMLEN", 5),
	WIDE_VALUE("POINTER_MASKING_PMLEN", 5),
	CHOSEN("fwft_set", SBI_FWFT_SET, "flags 2 (reserved bit 1)", 2, bad_flags, unchanged),
	CHOSEN("fwft_set", SBI_FWFT_SET, "flags bit 63", 1UL << 63, bad_flags, unchanged),
	CHOSEN("fwft_set", SBI_FWFT_SET, "the other value: get reads it", 0, set_other, reads_other),
	CHOSEN("fwft_set", SBI_FWFT_SET, "back to the first value", 0, set_back, reads_cur),
	CHOSEN("fwft_set", SBI_FWFT_SET, "LOCK at the current value", SBI_FWFT_SET_FLAG_LOCK,
	       set_back, reads_cur),
	CHOSEN("fwft_set", SBI_FWFT_SET, "locked: the other value is DENIED_LOCKED", 0,
	       locked_other, reads_cur),
	CHOSEN("fwft_set", SBI_FWFT_SET, "locked: the other value with LOCK again",
	       SBI_FWFT_SET_FLAG_LOCK, locked_other, reads_cur),
	CHOSEN("fwft_get", SBI_FWFT_GET, "locked: still readable", 0, get_chosen, NULL),
	{ .func = "fwft_get", .name = "FID 0x1_00000001 (low 32 bits: get), reserved 6",
	  .fid = 0x100000001UL, .a = { LIT(6) }, .want_error = SBI_ERR_DENIED, .vmode = V_EQ,
	  .want = LIT(0) },
	{ .func = "FID_2", .name = "past the last function", .fid = 2,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "FID_-1", .name = "all 64 bits set", .fid = ~0UL,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
};

static const struct conform_suite fwft_suite = {
	.ext = "FWFT", .eid = SBI_EXT_FWFT, .order = 96,
	.cases = fwft_cases, .ncases = ARRAY_LEN(fwft_cases),
};
CONFORM_SUITE(fwft_suite);
