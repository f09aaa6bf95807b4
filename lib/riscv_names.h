/*
 * Readable names for the numbers that appear in trace records: trap causes
 * (scause), SBI extensions, functions and errors, and trace record kinds.
 * Shared by the hypervisor's text dump and the host tools. Freestanding: no
 * stdio, no malloc.
 *
 * Trap causes keep the interrupt bit (scause bit XLEN-1, bit 63 on RV64):
 * interrupt 5 (supervisor timer interrupt) and exception 5 (load access
 * fault) are different causes and never share a name.
 *
 * Every lookup returns NULL for a number it does not know; the
 * *_describe() helpers always produce text ("exception 24", "EID 0x1234").
 */
#ifndef TRACEVISOR_RISCV_NAMES_H
#define TRACEVISOR_RISCV_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The interrupt bit of a 64-bit scause ("Supervisor Cause Register"). */
#define TV_SCAUSE_INTERRUPT (1ULL << 63)

/*
 * Cause in the privileged specification's own words, e.g. "load guest-page
 * fault", "supervisor timer interrupt". NULL when not a standard cause.
 */
const char *tv_cause_name(uint64_t scause);

/*
 * Short upper-case name for tables, e.g. "LOAD_GPF", "VIRT_INSN",
 * "ECALL_VS", "IRQ_S_TIMER". NULL when not a standard cause.
 */
const char *tv_cause_short(uint64_t scause);

/*
 * Long name, or "exception N" / "interrupt N" for an unknown cause, into
 * buf (always NUL-terminated when size > 0). Returns the length of the
 * full text (which may exceed size - 1 when truncated).
 */
size_t tv_cause_describe(uint64_t scause, char *buf, size_t size);

/* Short name, or "EXC_N" / "IRQ_N" for an unknown cause; as above. */
size_t tv_cause_short_describe(uint64_t scause, char *buf, size_t size);

/*
 * SBI extension name by EID, e.g. "BASE", "TIME", "HSM", "TVT" (the
 * tracevisor trace extension), "LEGACY_CONSOLE_PUTCHAR" for the v0.1
 * extensions. NULL when unknown.
 */
const char *tv_sbi_ext_name(uint64_t eid);

/*
 * SBI function name without the "sbi_" prefix (and for PMU without
 * "sbi_pmu_": the specification's sbi_pmu_counter_start is
 * "counter_start"), e.g. "probe_extension", "hart_start", "system_reset",
 * "trace_mark". For a legacy (v0.1)
 * extension the EID is the function and fid is ignored. NULL when
 * unknown.
 */
const char *tv_sbi_func_name(uint64_t eid, uint64_t fid);

/* What the views add to an SBI record whose a7/a6 had bits 63:32 set
 * (TV_F_SBI_HIGH), and to a version 1-3 record that kept them whole and
 * lost the value (TV_F_SBI_WIDE): one wording for every view. */
#define TV_SBI_NOTE_HIGH "a7/a6 had bits 63:32 set, not part of the call"
#define TV_SBI_NOTE_WIDE "bits 63:32 not part of the call, value not recorded"

/* SBI error name, e.g. "SBI_SUCCESS", "SBI_ERR_NOT_SUPPORTED"; or NULL. */
const char *tv_sbi_error_name(int64_t error);

/* Record kind name ("exit", "entry", "sbi", ...); NULL when unknown. */
const char *tv_kind_name(unsigned kind);

/* TV_KIND_CONTROL what (TV_CTL_*): "start", "stop", "filter"; or NULL. */
const char *tv_control_name(uint64_t what);

/* TV_KIND_SWITCH reason (TV_SWITCH_*): "slice", "wait", "stop"; or NULL. */
const char *tv_switch_name(uint64_t reason);

/* TV_KIND_STOP reason (TV_STOP_*): "shutdown", "reboot", "guest fault",
 * "hypervisor fault"; or NULL. */
const char *tv_stop_name(uint64_t reason);

#endif
