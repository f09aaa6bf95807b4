/*
 * Name tables for trap causes, SBI calls and trace record kinds.
 * Freestanding: no stdio, no malloc.
 */
#include "riscv_names.h"

#include <tracevisor/csr.h>
#include <tracevisor/sbi_ids.h>
#include <tracevisor/trace_record.h>

struct cause_name {
	const char *name;
	const char *shrt;
};

/*
 * Exception codes, from the privileged specification's scause/mcause
 * tables ("Supervisor Cause Register", and "Hypervisor Extension", "Trap
 * Cause Codes" for 10 and 20-23). Code 16 (double trap, Ssdbltrp), 18
 * (software check, Zicfiss/Zicfilp) and 19 (hardware error) are the newer
 * standard codes of privileged spec 1.13.
 */
static const struct cause_name exceptions[] = {
	[EXC_INST_MISALIGNED] = {"instruction address misaligned",
				 "INSN_MISALIGNED"},
	[EXC_INST_ACCESS] = {"instruction access fault", "INSN_ACCESS"},
	[EXC_ILLEGAL_INST] = {"illegal instruction", "ILLEGAL_INSN"},
	[EXC_BREAKPOINT] = {"breakpoint", "BREAKPOINT"},
	[EXC_LOAD_MISALIGNED] = {"load address misaligned", "LOAD_MISALIGNED"},
	[EXC_LOAD_ACCESS] = {"load access fault", "LOAD_ACCESS"},
	[EXC_STORE_MISALIGNED] = {"store/AMO address misaligned",
				  "STORE_MISALIGNED"},
	[EXC_STORE_ACCESS] = {"store/AMO access fault", "STORE_ACCESS"},
	[EXC_ECALL_U] = {"environment call from U-mode or VU-mode", "ECALL_U"},
	[EXC_ECALL_S] = {"environment call from HS-mode", "ECALL_HS"},
	[EXC_ECALL_VS] = {"environment call from VS-mode", "ECALL_VS"},
	[EXC_ECALL_M] = {"environment call from M-mode", "ECALL_M"},
	[EXC_INST_PAGE_FAULT] = {"instruction page fault", "INSN_PF"},
	[EXC_LOAD_PAGE_FAULT] = {"load page fault", "LOAD_PF"},
	[EXC_STORE_PAGE_FAULT] = {"store/AMO page fault", "STORE_PF"},
	[16] = {"double trap", "DOUBLE_TRAP"},
	[18] = {"software check", "SW_CHECK"},
	[19] = {"hardware error", "HW_ERROR"},
	[EXC_INST_GUEST_PAGE_FAULT] = {"instruction guest-page fault",
				       "INSN_GPF"},
	[EXC_LOAD_GUEST_PAGE_FAULT] = {"load guest-page fault", "LOAD_GPF"},
	[EXC_VIRTUAL_INST] = {"virtual instruction", "VIRT_INSN"},
	[EXC_STORE_GUEST_PAGE_FAULT] = {"store/AMO guest-page fault",
					"STORE_GPF"},
};

/*
 * Interrupt codes (scause with the interrupt bit set), from the same
 * tables; 13 is the local counter-overflow interrupt of Sscofpmf.
 */
static const struct cause_name interrupts[] = {
	[IRQ_S_SOFT] = {"supervisor software interrupt", "IRQ_S_SOFT"},
	[IRQ_VS_SOFT] = {"virtual supervisor software interrupt",
			 "IRQ_VS_SOFT"},
	[3] = {"machine software interrupt", "IRQ_M_SOFT"},
	[IRQ_S_TIMER] = {"supervisor timer interrupt", "IRQ_S_TIMER"},
	[IRQ_VS_TIMER] = {"virtual supervisor timer interrupt", "IRQ_VS_TIMER"},
	[7] = {"machine timer interrupt", "IRQ_M_TIMER"},
	[IRQ_S_EXT] = {"supervisor external interrupt", "IRQ_S_EXT"},
	[IRQ_VS_EXT] = {"virtual supervisor external interrupt", "IRQ_VS_EXT"},
	[11] = {"machine external interrupt", "IRQ_M_EXT"},
	[IRQ_S_GEXT] = {"supervisor guest external interrupt", "IRQ_S_GEXT"},
	[13] = {"counter-overflow interrupt", "IRQ_COUNTER_OVF"},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Table entry for a cause, or NULL; the interrupt bit picks the table. */
static const struct cause_name *cause_lookup(uint64_t scause)
{
	uint64_t code = scause & ~TV_SCAUSE_INTERRUPT;
	const struct cause_name *e = NULL;

	if (scause & TV_SCAUSE_INTERRUPT) {
		if (code < ARRAY_LEN(interrupts))
			e = &interrupts[code];
	} else if (code < ARRAY_LEN(exceptions)) {
		e = &exceptions[code];
	}
	return e && e->name ? e : NULL;
}

const char *tv_cause_name(uint64_t scause)
{
	const struct cause_name *e = cause_lookup(scause);

	return e ? e->name : NULL;
}

const char *tv_cause_short(uint64_t scause)
{
	const struct cause_name *e = cause_lookup(scause);

	return e ? e->shrt : NULL;
}

/*
 * Append text to buf at *pos, bounded by size; *pos keeps counting past
 * the end so the caller learns the full length.
 */
static void put_str(char *buf, size_t size, size_t *pos, const char *s)
{
	for (; *s; s++, (*pos)++)
		if (*pos + 1 < size)
			buf[*pos] = *s;
}

/* Append v in decimal (see put_str). */
static void put_dec(char *buf, size_t size, size_t *pos, uint64_t v)
{
	char tmp[21];
	int i = 20;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_str(buf, size, pos, &tmp[i]);
}

/* NUL-terminate buf after put_* calls and return the full length. */
static size_t put_end(char *buf, size_t size, size_t pos)
{
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

/* Name from the table, or "<exc_word> N" / "<irq_word> N" when unknown. */
static size_t describe(uint64_t scause, const char *name, const char *exc_word,
		       const char *irq_word, char *buf, size_t size)
{
	size_t pos = 0;

	if (name) {
		put_str(buf, size, &pos, name);
	} else {
		int irq = (scause & TV_SCAUSE_INTERRUPT) != 0;

		put_str(buf, size, &pos, irq ? irq_word : exc_word);
		put_dec(buf, size, &pos, scause & ~TV_SCAUSE_INTERRUPT);
	}
	return put_end(buf, size, pos);
}

size_t tv_cause_describe(uint64_t scause, char *buf, size_t size)
{
	return describe(scause, tv_cause_name(scause), "exception ",
			"interrupt ", buf, size);
}

size_t tv_cause_short_describe(uint64_t scause, char *buf, size_t size)
{
	return describe(scause, tv_cause_short(scause), "EXC_", "IRQ_", buf,
			size);
}

/* SBI function names of one extension, indexed by FID. */
struct sbi_ext_names {
	uint64_t eid;
	const char *name;
	const char *const *funcs;
	unsigned nfuncs;
};

/* Base Extension (EID 0x10), SBI specification chapter "Base Extension". */
static const char *const base_funcs[] = {
	[SBI_BASE_GET_SPEC_VERSION] = "get_spec_version",
	[SBI_BASE_GET_IMP_ID] = "get_impl_id",
	[SBI_BASE_GET_IMP_VERSION] = "get_impl_version",
	[SBI_BASE_PROBE_EXT] = "probe_extension",
	[SBI_BASE_GET_MVENDORID] = "get_mvendorid",
	[SBI_BASE_GET_MARCHID] = "get_marchid",
	[SBI_BASE_GET_MIMPID] = "get_mimpid",
};

static const char *const time_funcs[] = {
	[SBI_TIME_SET_TIMER] = "set_timer",
};

static const char *const ipi_funcs[] = {
	[SBI_IPI_SEND_IPI] = "send_ipi",
};

/*
 * RFENCE Extension: function IDs 0-6 in the order of the SBI
 * specification's "RFENCE Function List" (sbi_ids.h does not name them).
 */
static const char *const rfence_funcs[] = {
	"remote_fence_i",	    "remote_sfence_vma",
	"remote_sfence_vma_asid",   "remote_hfence_gvma_vmid",
	"remote_hfence_gvma",	    "remote_hfence_vvma_asid",
	"remote_hfence_vvma",
};

static const char *const hsm_funcs[] = {
	[SBI_HSM_HART_START] = "hart_start",
	[SBI_HSM_HART_STOP] = "hart_stop",
	[SBI_HSM_HART_GET_STATUS] = "hart_get_status",
	[SBI_HSM_HART_SUSPEND] = "hart_suspend",
};

static const char *const srst_funcs[] = {
	[SBI_SRST_SYSTEM_RESET] = "system_reset",
};

static const char *const dbcn_funcs[] = {
	[SBI_DBCN_CONSOLE_WRITE] = "debug_console_write",
	[SBI_DBCN_CONSOLE_READ] = "debug_console_read",
	[SBI_DBCN_CONSOLE_WRITE_BYTE] = "debug_console_write_byte",
};

static const char *const tvt_funcs[] = {
	[SBI_TV_TRACE_START] = "trace_start",
	[SBI_TV_TRACE_STOP] = "trace_stop",
	[SBI_TV_TRACE_MARK] = "trace_mark",
	[SBI_TV_TRACE_DUMP] = "trace_dump",
	[SBI_TV_TRACE_FILTER] = "trace_filter",
};

static const char *const pmu_funcs[] = {
	[SBI_PMU_NUM_COUNTERS] = "num_counters",
	[SBI_PMU_COUNTER_GET_INFO] = "counter_get_info",
	[SBI_PMU_COUNTER_CFG_MATCH] = "counter_config_matching",
	[SBI_PMU_COUNTER_START] = "counter_start",
	[SBI_PMU_COUNTER_STOP] = "counter_stop",
	[SBI_PMU_COUNTER_FW_READ] = "counter_fw_read",
	[SBI_PMU_COUNTER_FW_READ_HI] = "counter_fw_read_hi",
	[SBI_PMU_SNAPSHOT_SET_SHMEM] = "snapshot_set_shmem",
	[SBI_PMU_EVENT_GET_INFO] = "event_get_info",
};

static const char *const susp_funcs[] = {
	[SBI_SUSP_SYSTEM_SUSPEND] = "system_suspend",
};

static const char *const sta_funcs[] = {
	[SBI_STA_STEAL_TIME_SET_SHMEM] = "steal_time_set_shmem",
};

static const char *const fwft_funcs[] = {
	[SBI_FWFT_SET] = "fwft_set",
	[SBI_FWFT_GET] = "fwft_get",
};

#define EXT(id, n, f) {id, n, f, ARRAY_LEN(f)}
#define EXT_NOFUNCS(id, n) {id, n, NULL, 0}

static const struct sbi_ext_names sbi_exts[] = {
	EXT(SBI_EXT_BASE, "BASE", base_funcs),
	EXT(SBI_EXT_TIME, "TIME", time_funcs),
	EXT(SBI_EXT_IPI, "IPI", ipi_funcs),
	EXT(SBI_EXT_RFENCE, "RFENCE", rfence_funcs),
	EXT(SBI_EXT_HSM, "HSM", hsm_funcs),
	EXT(SBI_EXT_SRST, "SRST", srst_funcs),
	EXT(SBI_EXT_PMU, "PMU", pmu_funcs),
	EXT(SBI_EXT_SUSP, "SUSP", susp_funcs),
	EXT(SBI_EXT_STA, "STA", sta_funcs),
	EXT(SBI_EXT_FWFT, "FWFT", fwft_funcs),
	EXT(SBI_EXT_DBCN, "DBCN", dbcn_funcs),
	EXT(SBI_EXT_TRACEVISOR, "TVT", tvt_funcs),
};

/*
 * Legacy extensions (SBI specification, "Legacy Extensions"): the EID
 * itself selects the function, EIDs 0x00-0x08.
 */
static const char *const legacy_exts[] = {
	[SBI_EXT_0_1_SET_TIMER] = "LEGACY_SET_TIMER",
	[SBI_EXT_0_1_CONSOLE_PUTCHAR] = "LEGACY_CONSOLE_PUTCHAR",
	[SBI_EXT_0_1_CONSOLE_GETCHAR] = "LEGACY_CONSOLE_GETCHAR",
	[SBI_EXT_0_1_CLEAR_IPI] = "LEGACY_CLEAR_IPI",
	[SBI_EXT_0_1_SEND_IPI] = "LEGACY_SEND_IPI",
	[SBI_EXT_0_1_REMOTE_FENCE_I] = "LEGACY_REMOTE_FENCE_I",
	[SBI_EXT_0_1_REMOTE_SFENCE_VMA] = "LEGACY_REMOTE_SFENCE_VMA",
	[SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID] = "LEGACY_REMOTE_SFENCE_VMA_ASID",
	[SBI_EXT_0_1_SHUTDOWN] = "LEGACY_SHUTDOWN",
};

static const char *const legacy_funcs[] = {
	[SBI_EXT_0_1_SET_TIMER] = "set_timer",
	[SBI_EXT_0_1_CONSOLE_PUTCHAR] = "console_putchar",
	[SBI_EXT_0_1_CONSOLE_GETCHAR] = "console_getchar",
	[SBI_EXT_0_1_CLEAR_IPI] = "clear_ipi",
	[SBI_EXT_0_1_SEND_IPI] = "send_ipi",
	[SBI_EXT_0_1_REMOTE_FENCE_I] = "remote_fence_i",
	[SBI_EXT_0_1_REMOTE_SFENCE_VMA] = "remote_sfence_vma",
	[SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID] = "remote_sfence_vma_asid",
	[SBI_EXT_0_1_SHUTDOWN] = "shutdown",
};

/* The extension table entry for eid, or NULL. */
static const struct sbi_ext_names *sbi_ext_lookup(uint64_t eid)
{
	for (unsigned i = 0; i < ARRAY_LEN(sbi_exts); i++)
		if (sbi_exts[i].eid == eid)
			return &sbi_exts[i];
	return NULL;
}

const char *tv_sbi_ext_name(uint64_t eid)
{
	const struct sbi_ext_names *e;

	if (eid < ARRAY_LEN(legacy_exts))
		return legacy_exts[eid];
	e = sbi_ext_lookup(eid);
	return e ? e->name : NULL;
}

const char *tv_sbi_func_name(uint64_t eid, uint64_t fid)
{
	const struct sbi_ext_names *e;

	if (eid < ARRAY_LEN(legacy_funcs))
		return legacy_funcs[eid];
	e = sbi_ext_lookup(eid);
	if (!e || fid >= e->nfuncs)
		return NULL;
	return e->funcs[fid];
}

const char *tv_sbi_error_name(int64_t error)
{
	/* SBI specification, "Standard SBI Errors". */
	switch (error) {
	case SBI_SUCCESS:
		return "SBI_SUCCESS";
	case SBI_ERR_FAILED:
		return "SBI_ERR_FAILED";
	case SBI_ERR_NOT_SUPPORTED:
		return "SBI_ERR_NOT_SUPPORTED";
	case SBI_ERR_INVALID_PARAM:
		return "SBI_ERR_INVALID_PARAM";
	case SBI_ERR_DENIED:
		return "SBI_ERR_DENIED";
	case SBI_ERR_INVALID_ADDRESS:
		return "SBI_ERR_INVALID_ADDRESS";
	case SBI_ERR_ALREADY_AVAILABLE:
		return "SBI_ERR_ALREADY_AVAILABLE";
	case SBI_ERR_ALREADY_STARTED:
		return "SBI_ERR_ALREADY_STARTED";
	case SBI_ERR_ALREADY_STOPPED:
		return "SBI_ERR_ALREADY_STOPPED";
	case SBI_ERR_NO_SHMEM:
		return "SBI_ERR_NO_SHMEM";
	case SBI_ERR_INVALID_STATE:
		return "SBI_ERR_INVALID_STATE";
	case SBI_ERR_BAD_RANGE:
		return "SBI_ERR_BAD_RANGE";
	case SBI_ERR_TIMEOUT:
		return "SBI_ERR_TIMEOUT";
	case SBI_ERR_IO:
		return "SBI_ERR_IO";
	case SBI_ERR_DENIED_LOCKED:
		return "SBI_ERR_DENIED_LOCKED";
	default:
		return NULL;
	}
}

const char *tv_kind_name(unsigned kind)
{
	static const char *const names[TV_KIND_COUNT] = {
		[TV_KIND_NONE] = "none",   [TV_KIND_EXIT] = "exit",
		[TV_KIND_ENTRY] = "entry", [TV_KIND_SBI] = "sbi",
		[TV_KIND_MMIO] = "mmio",   [TV_KIND_IRQ] = "irq",
		[TV_KIND_EXC] = "exc",	   [TV_KIND_MARK] = "mark",
		[TV_KIND_LOST] = "lost",   [TV_KIND_CONTROL] = "control",
		[TV_KIND_STOP] = "stop",   [TV_KIND_SWITCH] = "switch",
	};
	return kind < TV_KIND_COUNT ? names[kind] : NULL;
}

const char *tv_control_name(uint64_t what)
{
	switch (what) {
	case TV_CTL_START:
		return "start";
	case TV_CTL_STOP:
		return "stop";
	case TV_CTL_FILTER:
		return "filter";
	default:
		return NULL;
	}
}

const char *tv_switch_name(uint64_t reason)
{
	switch (reason) {
	case TV_SWITCH_SLICE:
		return "slice";
	case TV_SWITCH_WAIT:
		return "wait";
	case TV_SWITCH_STOP:
		return "stop";
	default:
		return NULL;
	}
}

const char *tv_stop_name(uint64_t reason)
{
	switch (reason) {
	case TV_STOP_SHUTDOWN:
		return "shutdown";
	case TV_STOP_REBOOT:
		return "reboot";
	case TV_STOP_FAULT:
		return "guest fault";
	case TV_STOP_HYP_FAULT:
		return "hypervisor fault";
	case TV_STOP_CONSOLE:
		return "console request (Ctrl-A x)";
	default:
		return NULL;
	}
}
