/*
 * SBI Firmware Features extension (EID "FWFT", SBI v3.0): features a guest
 * may set and read for its own vCPU ("SBI Firmware Features Extension").
 * All six defined features are local (per hart; here per vCPU, whose hart
 * is its own). What tracevisor can honour:
 *
 *   LANDING_PAD, SHADOW_STACK, DOUBLE_TRAP, PTE_AD_HW_UPDATING,
 *   POINTER_MASKING_PMLEN: each is VS-mode behaviour that an henvcfg field
 *   enables ("Hypervisor Environment Configuration Register": LPE bit 2,
 *   SSE bit 3, DTE bit 59, ADUE bit 61, PMM bits 33:32). The field is
 *   WARL and reads zero where the hart lacks the extension, so a feature
 *   is supported when the value it needs sticks; get reads the field.
 *   MISALIGNED_EXC_DELEG: whether misaligned loads and stores trap to the
 *   guest instead of being emulated by the machine-mode firmware is the
 *   firmware's medeleg, which only the firmware's own FWFT can change; the
 *   hypervisor passes every misaligned exception that reaches it on to
 *   the guest. So it is supported when the firmware has FWFT, and set and
 *   get go to the firmware for this hart.
 *
 * A feature the hart cannot provide is SBI_ERR_NOT_SUPPORTED; reserved
 * and platform-specific feature ids (none implemented) SBI_ERR_DENIED;
 * a locked feature SBI_ERR_DENIED_LOCKED until the vCPU is reset.
 *
 * Reset ("FWFT Feature Attribute Values", "Upon hart reset, local feature
 * values are not retained and reset to their default reset values", and
 * LOCK holds "until hart reset" for a local feature): LANDING_PAD,
 * SHADOW_STACK, DOUBLE_TRAP, PTE_AD_HW_UPDATING and POINTER_MASKING_PMLEN
 * reset to 0, so the vCPU starts with those henvcfg fields clear (for
 * ADUE the guest's ISA lists Svade with Svadu, hyp/core/isa.c); the
 * implementation-defined reset value of MISALIGNED_EXC_DELEG is the
 * firmware's setting when the hypervisor set the vCPU up. A vCPU's hart is
 * reset when HSM hart_start starts it (sbi_fwft_reset); "during
 * non-retentive suspend, feature values are retained", so an HSM
 * non-retentive suspend or a system suspend keeps them.
 */
#include <tracevisor/sbi_ids.h>

#include "../arch/hfence.h"
#include "../core/isa.h"
#include "sbi.h"
#include "sbi_hooks.h"

#define HENVCFG_LPE (1UL << 2)
#define HENVCFG_SSE (1UL << 3)
#define HENVCFG_PMM_SHIFT 32
#define HENVCFG_PMM (3UL << HENVCFG_PMM_SHIFT)
#define HENVCFG_DTE (1UL << 59)
#define HENVCFG_ADUE (1UL << 61)

/* Does `bits` stick in henvcfg (WARL)? henvcfg is left as it was. */
static bool henvcfg_takes(uint64_t field, uint64_t bits)
{
	uint64_t old = csr_read(CSR_HENVCFG);
	csr_write(CSR_HENVCFG, (old & ~field) | bits);
	bool ok = (csr_read(CSR_HENVCFG) & field) == bits;
	csr_write(CSR_HENVCFG, old);
	return ok;
}

/* The henvcfg field of a feature, and the field value for a FWFT value
 * (false: the value is not one the feature defines). */
static uint64_t feature_field(uint32_t f)
{
	switch (f) {
	case SBI_FWFT_LANDING_PAD: return HENVCFG_LPE;
	case SBI_FWFT_SHADOW_STACK: return HENVCFG_SSE;
	case SBI_FWFT_DOUBLE_TRAP: return HENVCFG_DTE;
	case SBI_FWFT_PTE_AD_HW_UPDATING: return HENVCFG_ADUE;
	case SBI_FWFT_POINTER_MASKING_PMLEN: return HENVCFG_PMM;
	default: return 0;
	}
}

/* Ssnpm's PMM: 0b00 off, 0b10 PMLEN = 7, 0b11 PMLEN = 16 (0b01 reserved). */
static bool field_bits(uint32_t f, unsigned long value, uint64_t *bits)
{
	if (f == SBI_FWFT_POINTER_MASKING_PMLEN) {
		uint64_t pmm = value == 0 ? 0 : value == 7 ? 2 : value == 16 ? 3 : 1;
		*bits = pmm << HENVCFG_PMM_SHIFT;
		return pmm != 1;
	}
	*bits = value ? feature_field(f) : 0;
	return value <= 1;
}

static unsigned long field_value(uint32_t f, uint64_t henvcfg)
{
	if (f == SBI_FWFT_POINTER_MASKING_PMLEN) {
		uint64_t pmm = (henvcfg & HENVCFG_PMM) >> HENVCFG_PMM_SHIFT;
		return pmm == 2 ? 7 : pmm == 3 ? 16 : 0;
	}
	return (henvcfg & feature_field(f)) != 0;
}

/* Supported: some value other than "off" sticks (for PMLEN: either). */
static bool henvcfg_feature_supported(uint32_t f)
{
	if (f == SBI_FWFT_POINTER_MASKING_PMLEN)
		return henvcfg_takes(HENVCFG_PMM, 2UL << HENVCFG_PMM_SHIFT) ||
		       henvcfg_takes(HENVCFG_PMM, 3UL << HENVCFG_PMM_SHIFT);
	return henvcfg_takes(feature_field(f), feature_field(f));
}

static bool fw_has_fwft(void)
{
	static int known = -1;
	if (known < 0) {
		struct sbiret r = fw_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_FWFT, 0, 0);
		known = r.error == SBI_SUCCESS && r.value != 0;
	}
	return known;
}

/* The henvcfg fields of the features, each reset to 0. */
#define HENVCFG_FWFT_FIELDS (HENVCFG_LPE | HENVCFG_SSE | HENVCFG_PMM | HENVCFG_DTE | HENVCFG_ADUE)

/* The extension a feature controls. SBI_ERR_NOT_SUPPORTED is for a
 * feature the platform lacks "due to one or more missing dependencies
 * (Hardware or SBI implementation)": one the guest's ISA does not list
 * is missing for the guest, even where the hart's henvcfg bit would
 * stick (hyp/core/isa.c leaves out what is not virtualised). */
static const char *feature_ext(uint32_t f)
{
	switch (f) {
	case SBI_FWFT_LANDING_PAD: return "zicfilp";
	case SBI_FWFT_SHADOW_STACK: return "zicfiss";
	case SBI_FWFT_DOUBLE_TRAP: return "ssdbltrp";
	case SBI_FWFT_PTE_AD_HW_UPDATING: return "svadu";
	case SBI_FWFT_POINTER_MASKING_PMLEN: return "ssnpm";
	default: return "";
	}
}

static bool supported(uint32_t f)
{
	if (f == SBI_FWFT_MISALIGNED_EXC_DELEG)
		return fw_has_fwft() &&
		       fw_call(SBI_EXT_FWFT, SBI_FWFT_GET, f, 0, 0).error == SBI_SUCCESS;
	return isa_guest_has(feature_ext(f)) && henvcfg_feature_supported(f);
}

static void fwft_get(uint32_t f, struct sbiret *ret)
{
	if (f >= SBI_FWFT_FEATURES) {
		ret->error = SBI_ERR_DENIED; /* reserved or platform-specific */
		return;
	}
	if (!supported(f)) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	if (f == SBI_FWFT_MISALIGNED_EXC_DELEG) {
		*ret = fw_call(SBI_EXT_FWFT, SBI_FWFT_GET, f, 0, 0);
		return;
	}
	ret->error = SBI_SUCCESS;
	ret->value = (long)field_value(f, csr_read(CSR_HENVCFG));
}

static long fwft_set(struct vcpu *v, uint32_t f, unsigned long value, unsigned long flags)
{
	if (f >= SBI_FWFT_FEATURES)
		return SBI_ERR_DENIED;
	if (flags & ~SBI_FWFT_SET_FLAG_LOCK)
		return SBI_ERR_INVALID_PARAM; /* reserved flag bits */
	if (!supported(f))
		return SBI_ERR_NOT_SUPPORTED;
	if (v->sbi.fwft_locked & (1U << f))
		return SBI_ERR_DENIED_LOCKED;
	if (f == SBI_FWFT_MISALIGNED_EXC_DELEG) {
		if (value > 1)
			return SBI_ERR_INVALID_PARAM;
		/* The lock stays the hypervisor's: the firmware is not asked
		 * to lock, so a reset vCPU can change it again. */
		long e = fw_call(SBI_EXT_FWFT, SBI_FWFT_SET, f, value, 0).error;
		if (e != SBI_SUCCESS)
			return e;
		v->sbi.fwft_misaligned_set = true;
		v->sbi.fwft_misaligned_now = (int8_t)value;
	} else {
		uint64_t bits;
		if (!field_bits(f, value, &bits))
			return SBI_ERR_INVALID_PARAM;
		uint64_t field = feature_field(f);
		if (!henvcfg_takes(field, bits))
			return SBI_ERR_INVALID_PARAM; /* e.g. a PMLEN the hart lacks */
		csr_write(CSR_HENVCFG, (csr_read(CSR_HENVCFG) & ~field) | bits);
		/* "if the PBMTE or ADUE bits in henvcfg are changed, executing
		 * an HFENCE.VVMA with rs1=x0 and rs2=x0 suffices to synchronize
		 * with respect to the altered interpretation of VS-stage PTEs'
		 * PBMT and A/D bits" (hypervisor chapter, henvcfg): the guest's
		 * translations cached under the old rule go (this VMID's). */
		if (field == HENVCFG_ADUE)
			hfence_vvma_all();
	}
	if (flags & SBI_FWFT_SET_FLAG_LOCK)
		v->sbi.fwft_locked |= 1U << f;
	return SBI_SUCCESS;
}

/* The firmware's MISALIGNED_EXC_DELEG of each hart slot before any guest
 * changed it (-1: the firmware has no FWFT, or no such feature), read by
 * the first vCPU set up on the hart. */
static int8_t hart_reset_value[MAX_HARTS];
static bool hart_reset_known[MAX_HARTS];

/* At vCPU setup, on its hart: the reset value of MISALIGNED_EXC_DELEG is
 * the firmware's setting at boot on this hart. */
void sbi_fwft_init(struct vcpu *v)
{
	unsigned slot = v->slot < MAX_HARTS ? v->slot : 0;
	v->sbi.fwft_misaligned_set = false;
	v->sbi.fwft_locked = 0;
	if (!hart_reset_known[slot]) {
		hart_reset_known[slot] = true;
		hart_reset_value[slot] = -1;
		struct sbiret r = fw_has_fwft() ? fw_call(SBI_EXT_FWFT, SBI_FWFT_GET,
							  SBI_FWFT_MISALIGNED_EXC_DELEG, 0, 0)
						: (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
		if (r.error == SBI_SUCCESS && (r.value == 0 || r.value == 1))
			hart_reset_value[slot] = (int8_t)r.value;
	}
	v->sbi.fwft_misaligned_reset = hart_reset_value[slot];
	v->sbi.fwft_misaligned_now = hart_reset_value[slot];
}

/* A time-shared hart switches from `from` to `to` (hyp/core/sched.c): the
 * firmware's setting is the hart's, not a vCPU's, so it follows the vCPU
 * that runs. */
void sbi_fwft_switch(const struct vcpu *from, const struct vcpu *to)
{
	int8_t want = to->sbi.fwft_misaligned_now;
	if (want >= 0 && want != from->sbi.fwft_misaligned_now)
		fw_call(SBI_EXT_FWFT, SBI_FWFT_SET, SBI_FWFT_MISALIGNED_EXC_DELEG,
			(unsigned long)want, 0);
}

/* A hart reset of the vCPU, on its hart: every feature back to its reset
 * value, no lock. */
void sbi_fwft_reset(struct vcpu *v)
{
	csr_clear(CSR_HENVCFG, HENVCFG_FWFT_FIELDS);
	if (v->sbi.fwft_misaligned_set && v->sbi.fwft_misaligned_reset >= 0)
		fw_call(SBI_EXT_FWFT, SBI_FWFT_SET, SBI_FWFT_MISALIGNED_EXC_DELEG,
			(unsigned long)v->sbi.fwft_misaligned_reset, 0);
	v->sbi.fwft_misaligned_set = false;
	v->sbi.fwft_misaligned_now = v->sbi.fwft_misaligned_reset;
	v->sbi.fwft_locked = 0;
}

static void fwft_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	/* feature is 32-bit: a0's low 32 bits ("Binary Encoding"). */
	uint32_t f = (uint32_t)sbi_arg(v, 0);
	ret->error = SBI_SUCCESS;
	ret->value = 0;
	switch (fid) {
	case SBI_FWFT_SET:
		ret->error = fwft_set(v, f, sbi_arg(v, 1), sbi_arg(v, 2));
		return;
	case SBI_FWFT_GET:
		fwft_get(f, ret);
		if (ret->error)
			ret->value = 0; /* "the content of sbiret.value is zero" */
		return;
	default:
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

const struct sbi_ext sbi_ext_fwft = {
	.name = "FWFT", .handler = fwft_handler,
};
