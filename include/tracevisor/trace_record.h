/*
 * The trace record: the one definition shared by the hypervisor (which writes
 * records into its per-hart rings and dumps them) and the host tools (which
 * decode the dump). Nothing else restates this layout.
 *
 * Every record has the same fixed size so a ring slot is a plain array
 * element. What each of the six 64-bit arguments means depends on the kind;
 * the table below (TV_KIND_*) is the reference, and tv_kind_nargs() says how
 * many of them are meaningful (the compact wire encoding sends only those).
 *
 * Format versions:
 *   1 - first version.
 */
#ifndef TRACEVISOR_TRACE_RECORD_H
#define TRACEVISOR_TRACE_RECORD_H

#include <stdint.h>

#define TV_FORMAT_VERSION 1

/* Record kinds. Arguments arg[0..5], in order. */
enum tv_kind {
	TV_KIND_NONE = 0,
	/* VM exit, recorded once every trap CSR is captured:
	 * sepc, scause (interrupt bit kept), stval, htval, htinst, insn.
	 * insn is the trapping instruction when the hypervisor fetched it
	 * itself (htinst was not a transformed instruction); flag
	 * TV_F_INSN says whether insn is valid. */
	TV_KIND_EXIT = 1,
	/* VM entry, recorded just before sret into the guest:
	 * pc (the guest PC about to run), hvip (interrupts being injected). */
	TV_KIND_ENTRY = 2,
	/* SBI call handled for the guest:
	 * (eid << 32) | fid, a0, a1, a2, error, value. */
	TV_KIND_SBI = 3,
	/* Emulated MMIO access:
	 * gpa, value, TV_MMIO_INFO(width, write, sign, reg), insn, device. */
	TV_KIND_MMIO = 4,
	/* Virtual interrupt injected or withdrawn through hvip:
	 * interrupt cause (with the interrupt bit), hvip after, 1 = raised /
	 * 0 = lowered. */
	TV_KIND_IRQ = 5,
	/* Exception injected into the guest (delivered to VS-mode):
	 * cause, tval, epc (the faulting guest PC), vstvec (where it resumes). */
	TV_KIND_EXC = 6,
	/* User marker (SBI trace extension "mark"): value. */
	TV_KIND_MARK = 7,
	/* Records lost here: count. Written into the ring by the writer in
	 * stop-when-full mode, or synthesised by the reader when it finds the
	 * writer has overwritten records it had not read yet. */
	TV_KIND_LOST = 8,
	/* Tracing control change: TV_CTL_* what, value. */
	TV_KIND_CONTROL = 9,
	/* Guest stopped by the hypervisor: reason (TV_STOP_*), detail. */
	TV_KIND_STOP = 10,
	TV_KIND_COUNT
};

/* Record flags. */
#define TV_F_INSN 0x01	/* EXIT: arg[5] holds the fetched instruction */
/* SBI: a7 (EID) or a6 (FID) did not fit in 32 bits, so arg[0] holds a7
 * whole and arg[5] holds a6 whole instead of the packed ids and the
 * value. The SBI specification encodes EIDs and FIDs as 32-bit integers
 * ("Binary Encoding"); such a call is refused with SBI_ERR_NOT_SUPPORTED
 * and value 0 (hyp/sbi/sbi.c). */
#define TV_F_SBI_WIDE 0x02

/* TV_KIND_MMIO arg[2]: access description. */
#define TV_MMIO_INFO(width, write, sign, reg)                                  \
	((uint64_t)(width) | ((uint64_t)(write) << 8) |                        \
	 ((uint64_t)(sign) << 9) | ((uint64_t)(reg) << 16))
#define TV_MMIO_WIDTH(info) ((unsigned)((info)&0xff))
#define TV_MMIO_WRITE(info) ((unsigned)(((info) >> 8) & 1))
#define TV_MMIO_SIGN(info) ((unsigned)(((info) >> 9) & 1))
#define TV_MMIO_REG(info) ((unsigned)(((info) >> 16) & 0x1f))

/* TV_KIND_CONTROL arg[0]. */
enum tv_control {
	TV_CTL_START = 1,  /* tracing switched on */
	TV_CTL_STOP = 2,   /* tracing switched off (last record before gap) */
	TV_CTL_FILTER = 3, /* event-kind filter changed: arg[1] = new mask */
};

/* TV_KIND_STOP arg[0]. */
enum tv_stop {
	TV_STOP_SHUTDOWN = 1, /* the guest asked for SRST shutdown */
	TV_STOP_REBOOT = 2,   /* the guest asked for SRST reboot */
	TV_STOP_FAULT = 3,    /* the guest could not take a trap (double fault) */
	TV_STOP_HYP_FAULT = 4, /* the hypervisor itself faulted */
	TV_STOP_CONSOLE = 5    /* the user typed Ctrl-A x on the console */
};

#define TV_NARGS 6

struct tv_record {
	uint64_t time;	/* `time` CSR at the event (timebase ticks) */
	uint64_t cycle; /* `cycle` CSR at the event, 0 where not readable */
	uint8_t kind;	/* enum tv_kind */
	uint8_t vm;	/* VM id */
	uint8_t vcpu;	/* vCPU id within the VM */
	uint8_t flags;	/* TV_F_* */
	uint16_t hart;	/* physical hart id that wrote the record */
	uint16_t reserved;
	uint64_t arg[TV_NARGS];
};

_Static_assert(sizeof(struct tv_record) == 72, "trace record layout changed");

/* How many of arg[] are meaningful for a kind (the rest are zero). */
static inline unsigned tv_kind_nargs(unsigned kind)
{
	static const uint8_t nargs[TV_KIND_COUNT] = {
		[TV_KIND_EXIT] = 6, [TV_KIND_ENTRY] = 2, [TV_KIND_SBI] = 6,
		[TV_KIND_MMIO] = 5, [TV_KIND_IRQ] = 3,	 [TV_KIND_EXC] = 4,
		[TV_KIND_MARK] = 1, [TV_KIND_LOST] = 1,	 [TV_KIND_CONTROL] = 2,
		[TV_KIND_STOP] = 2,
	};
	return kind < TV_KIND_COUNT ? nargs[kind] : 0;
}

/* The SBI record's extension and function ids, and the value returned. */
static inline uint64_t tv_sbi_eid(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? r->arg[0] : r->arg[0] >> 32;
}
static inline uint64_t tv_sbi_fid(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? r->arg[5] : (r->arg[0] & 0xffffffffu);
}
static inline uint64_t tv_sbi_value(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? 0 : r->arg[5];
}

/* Event-kind filter: bit (1 << kind) set = recorded. */
#define TV_KIND_BIT(kind) (1u << (kind))
#define TV_FILTER_ALL (((1u << TV_KIND_COUNT) - 1) & ~1u)
/* Kinds that neither a filter (the guest's trace-control filter or
 * tv.filter) nor switching tracing off can remove: what the guest may not
 * hide. The trace-control changes themselves (filter 0 and stop included),
 * the guest's stop and the records lost. A guest filters only EXIT, ENTRY,
 * SBI, MMIO, IRQ, EXC and MARK. */
#define TV_FILTER_ALWAYS                                                       \
	(TV_KIND_BIT(TV_KIND_LOST) | TV_KIND_BIT(TV_KIND_CONTROL) |            \
	 TV_KIND_BIT(TV_KIND_STOP))

#endif
