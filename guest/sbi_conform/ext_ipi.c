/*
 * IPI Extension (EID 0x735049 "sPI"), SBI specification "IPI Extension"
 * and the "Hart list parameter" rules of "Binary Encoding": hart_mask and
 * hart_mask_base are unsigned long; hart_mask_base = -1 means every hart,
 * the mask ignored; a hart id built from them that the VM does not have
 * is SBI_ERR_INVALID_PARAM. An IPI shows as the supervisor software
 * interrupt: sip.SSIP here (sstatus.SIE = 0), the secondary's count there.
 */
#include "conform.h"

static unsigned long other_before;

static bool other_got_one(void)
{
	return __atomic_load_n(&sec_ipis, __ATOMIC_ACQUIRE) > other_before;
}

void ipi_before(struct conform_ctx *x)
{
	(void)x;
	csr_clear(CSR_SIP, MIP_SSIP);
	other_before = __atomic_load_n(&sec_ipis, __ATOMIC_ACQUIRE);
}

/* Which harts got the IPI: this one (sip.SSIP), the other (its count). */
static bool delivered(struct conform_ctx *x, bool self, bool other)
{
	bool got_self = sip_has(MIP_SSIP);
	bool got_other = other ? wait_for(other_got_one, timebase_hz) : other_got_one();
	csr_clear(CSR_SIP, MIP_SSIP);
	if (got_self == self && got_other == other)
		return true;
	snprintf(x->why, sizeof(x->why), "IPI reached this hart: %s (want %s), the other: %s "
		 "(want %s)", got_self ? "yes" : "no", self ? "yes" : "no",
		 got_other ? "yes" : "no", other ? "yes" : "no");
	return false;
}

static bool to_self(struct conform_ctx *x) { return delivered(x, true, false); }
static bool to_other(struct conform_ctx *x) { return delivered(x, false, true); }
static bool to_both(struct conform_ctx *x) { return delivered(x, true, true); }
static bool to_none(struct conform_ctx *x) { return delivered(x, false, false); }

/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are (parts of)
 * initializers, some of them braced, which parentheses would break. */
#define SEND(n, mask, base, err, check)                                        \
	{ .func = "send_ipi", .name = n, .fid = SBI_IPI_SEND_IPI, .a = { mask, base }, \
	  .want_error = (err), .prepare = ipi_before, .verify = check }
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct conform_case ipi_cases[] = {
	SEND("this hart (mask 1 << self, base 0)", MASK_SELF, LIT(0), 0, to_self),
	SEND("the other hart (mask 1 << other, base 0)", MASK_OTHER, LIT(0), 0, to_other),
	SEND("this hart by base (mask 1, base self)", LIT(1), SELF, 0, to_self),
	SEND("the other hart by base (mask 1, base other)", LIT(1), OTHER, 0, to_other),
	SEND("both harts (mask 0b11, base 0)", LIT(3), LIT(0), 0, to_both),
	SEND("every hart: base -1, mask ignored (garbage)", LIT(0xDEADBEEF), LIT(~0UL), 0,
	     to_both),
	SEND("every hart: base -1, mask 0", LIT(0), LIT(~0UL), 0, to_both),
	SEND("empty mask, base 0: nobody", LIT(0), LIT(0), 0, to_none),
	/* Errors: nothing may be sent. */
	SEND("mask bit one past the last hart", MASK_BEYOND, LIT(0), SBI_ERR_INVALID_PARAM,
	     to_none),
	SEND("the last hart and one past it (mask 0b11)", LIT(3), NHARTS(-1UL), SBI_ERR_INVALID_PARAM,
	     to_none),
	SEND("mask bit 63", LIT(1UL << 63), LIT(0), SBI_ERR_INVALID_PARAM, to_none),
	SEND("every mask bit", LIT(~0UL), LIT(0), SBI_ERR_INVALID_PARAM, to_none),
	SEND("base = the hart count, mask 1", LIT(1), NHARTS(0), SBI_ERR_INVALID_PARAM, to_none),
	SEND("base 2^32 (a 64-bit parameter), mask 1", LIT(1), LIT(1UL << 32),
	     SBI_ERR_INVALID_PARAM, to_none),
	SEND("base -2, mask 0b11 (base + bit wraps)", LIT(3), LIT(~1UL), SBI_ERR_INVALID_PARAM,
	     to_none),
	/* v2.0: "Either hart_mask_base, or at least one hartid from hart_mask,
	 * is not valid"; v3.0: the base need not be valid unless bit 0 is set. */
	SEND("base = the hart count, mask 0", LIT(0), NHARTS(0), E_HART_BASE_ONLY, to_none),
	{ .func = "FID_1", .name = "past the last function", .fid = 1,
	  .want_error = SBI_ERR_NOT_SUPPORTED },
	{ .func = "send_ipi", .name = "FID 0xFFFFFFFF_00000000 (low 32 bits: send_ipi)",
	  .fid = 0xFFFFFFFF00000000UL, .a = { MASK_SELF, LIT(0) }, .prepare = ipi_before,
	  .verify = to_self },
};

static const struct conform_suite ipi_suite = {
	.ext = "IPI", .eid = SBI_EXT_IPI, .order = 40,
	.cases = ipi_cases, .ncases = ARRAY_LEN(ipi_cases),
};
CONFORM_SUITE(ipi_suite);
