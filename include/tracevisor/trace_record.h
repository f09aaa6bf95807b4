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
 *   1 - first version: the rings hold struct tv_record, one per event (an
 *       exit, its SBI call and its entry were three records).
 *   2 - the rings hold struct tv_rec (64 bytes, one cache line): an exit,
 *       what the hypervisor did for it (SBI call, MMIO access) and the
 *       entry that ends it are ONE record (a "visit", TV_VISIT_*); other
 *       events are one record each. The host splits a visit back into the
 *       events of version 1 (tv_rec_split(), lib/trace_wire.c), so the
 *       tools see struct tv_record either way. `cycle` is not recorded.
 *   3 - as 2, and an exit visit (TV_VISIT_EXIT) whose entry had
 *       interrupts pending in hvip carries them (TV_V_HVIP) instead of
 *       being split into an EXIT and an ENTRY event: the exits that
 *       inject an interrupt are one record too. A reader of version 2
 *       would show such an entry's hvip as 0, so it refuses version 3.
 *   4 - as 3, and BASE's constant calls are their own visit
 *       (TV_VISIT_SBI_BASE), without the argument registers those
 *       functions do not take; its SBI event says so (TV_F_SBI_NOARGS).
 */
#ifndef TRACEVISOR_TRACE_RECORD_H
#define TRACEVISOR_TRACE_RECORD_H

#include <stdint.h>

#define TV_FORMAT_VERSION 4

/* Record kinds. Arguments arg[0..5], in order. */
enum tv_kind {
	TV_KIND_NONE = 0,
	/* VM exit, recorded once every trap CSR is captured:
	 * sepc, scause (interrupt bit kept), stval, htval, htinst, insn.
	 * insn is the trapping instruction the hypervisor emulated: fetched
	 * from the guest when htinst was 0, else rebuilt from the transformed
	 * instruction in htinst (hyp/mmio/mmio.c); flag TV_F_INSN says
	 * whether insn is valid. */
	TV_KIND_EXIT = 1,
	/* VM entry, recorded just before sret into the guest:
	 * pc (the guest PC about to run), hvip (interrupts being injected:
	 * its VS-level bits VSSIP, VSTIP and VSEIP; IRQ's hvip too). */
	TV_KIND_ENTRY = 2,
	/* SBI call handled for the guest:
	 * (eid << 32) | fid, a0, a1, a2, error, value. */
	TV_KIND_SBI = 3,
	/* Emulated MMIO access:
	 * gpa, value, TV_MMIO_INFO(width, write, sign, reg), insn, device. */
	TV_KIND_MMIO = 4,
	/* Virtual interrupt injected or withdrawn: interrupt cause (with
	 * the interrupt bit), hvip after, how (TV_IRQ_*). */
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
	/* The hart changed which vCPU it runs (a time-shared hart, issue 16:
	 * the scheduler, hyp/core/sched.c). Written by the hart as it leaves
	 * the outgoing vCPU, whose vm/vcpu the record carries; `time` is when
	 * the incoming vCPU's state starts to be loaded.
	 * arg[0] incoming VM, arg[1] incoming vCPU, arg[2] reason
	 * (TV_SWITCH_*), arg[3] how long the outgoing vCPU ran since it was
	 * switched in (timebase ticks), arg[4] the incoming vCPU's hgatp
	 * (its VMID and G-stage root), arg[5] 1 when the switch had to flush
	 * the G-stage TLB (hfence.gvma: no VMID bits to tell the VMs apart),
	 * else 0. */
	TV_KIND_SWITCH = 11,
	TV_KIND_COUNT
};

/* TV_KIND_IRQ arg[2]: how the interrupt changed. */
#define TV_IRQ_LOWERED 0 /* its hvip bit cleared (VSTIP: and vstimecmp moved on) */
#define TV_IRQ_RAISED 1	 /* its hvip bit set */
/* The guest's SBI set_timer deadline passed and, the guest having Sstc
 * (tv.timer=auto), the hypervisor raised VSTIP through vstimecmp (set to
 * 0), which the guest's next stimecmp write lowers; hvip does not show
 * it. (A reader that knows only 0 and 1 takes it for raised: the format
 * version did not change.) */
#define TV_IRQ_RAISED_VSTIMECMP 2

/* Record flags. */
#define TV_F_INSN 0x01	/* EXIT: arg[5] holds the emulated instruction */
/* SBI, written by format versions 1 to 3 only: a7 (EID) or a6 (FID) did
 * not fit in 32 bits, so arg[0] holds a7 whole and arg[5] holds a6 whole
 * instead of the packed ids and the value (which is lost). The call was
 * the one their low 32 bits name, as for TV_F_SBI_HIGH. */
#define TV_F_SBI_WIDE 0x02
/* SBI: the guest's a7, or the a6 of a call of SBI v0.2 or later (a legacy
 * call has no FID), had bits 63:32 set. EIDs and FIDs "are encoded as
 * signed 32-bit integers" and "higher privilege software must ensure that
 * it only uses 32 bit data" ("Binary Encoding"): the hypervisor made the
 * call their low 32 bits name (hyp/sbi/sbi_ecall.h), and the record holds
 * that call like any other (packed ids, its value); the upper bits, which
 * were not part of it, are not kept. */
#define TV_F_SBI_HIGH 0x04
/* SBI (format version 4): the function takes no arguments and the record
 * holds none (TV_VISIT_SBI_BASE): a0..a2 (arg[1..3]) are 0, not the
 * guest's registers, and tools show the call without them. */
#define TV_F_SBI_NOARGS 0x08

/* TV_KIND_MMIO arg[2]: access description. */
#define TV_MMIO_INFO(width, write, sign, reg)                                  \
	((uint64_t)(width) | ((uint64_t)(write) << 8) |                        \
	 ((uint64_t)(sign) << 9) | ((uint64_t)(reg) << 16))
#define TV_MMIO_WIDTH(info) ((unsigned)((info)&0xff))
#define TV_MMIO_WRITE(info) ((unsigned)(((info) >> 8) & 1))
/* Whether a load's value was sign-extended into its register: only a
 * load narrower than the register can be (the sign bit of `ld`, which
 * the decode sets like lw's, extends nothing). */
#define TV_MMIO_SIGN(info) ((unsigned)(((info) >> 9) & 1) & (TV_MMIO_WIDTH(info) < 8))
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
	TV_STOP_FAULT = 3,    /* the guest could not take a trap (double fault) or
			       * go on (its hart faults on its mapped RAM, vm.c);
			       * detail: the cause of that exception */
	TV_STOP_HYP_FAULT = 4, /* the hypervisor itself faulted */
	TV_STOP_CONSOLE = 5    /* the user typed Ctrl-A x on the console */
};

/* TV_KIND_SWITCH arg[2]: why the hart left the outgoing vCPU. */
enum tv_switch {
	TV_SWITCH_SLICE = 1, /* its time slice ended and another vCPU was ready */
	TV_SWITCH_WAIT = 2,  /* it waits (WFI, HSM stopped or suspended) */
	TV_SWITCH_STOP = 3,  /* its VM stopped */
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
		[TV_KIND_STOP] = 2, [TV_KIND_SWITCH] = 6,
	};
	return kind < TV_KIND_COUNT ? nargs[kind] : 0;
}

/* The SBI record's extension and function ids as the hypervisor
 * dispatched them (their low 32 bits), and the value returned (0 where a
 * version 1-3 record of TV_F_SBI_WIDE lost it). */
static inline uint64_t tv_sbi_eid(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? (r->arg[0] & 0xffffffffu) : r->arg[0] >> 32;
}
static inline uint64_t tv_sbi_fid(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? (r->arg[5] & 0xffffffffu) : (r->arg[0] & 0xffffffffu);
}
static inline uint64_t tv_sbi_value(const struct tv_record *r)
{
	return (r->flags & TV_F_SBI_WIDE) ? 0 : r->arg[5];
}

/* ------------------------------------------------ format version 2: rings */

/*
 * Kinds of struct tv_rec beyond enum tv_kind: visits, each an exit and the
 * entry that ends it (and for two of them the handler's detail) in one
 * record. The exit was at `time`, the entry at time + dt; the hvip of the
 * entry was 0 (the hypervisor writes separate records otherwise), or for
 * an exit visit what TV_V_HVIP says.
 */
enum tv_visit {
	/* Any exit. arg[] as TV_KIND_EXIT (sepc, scause, stval, htval,
	 * htinst, insn); flags: TV_F_INSN, and the entry pc in
	 * TV_V_PC(flags): sepc + 2 * TV_V_PC(flags) (0, 2 or 4 bytes on).
	 * With TV_V_HVIP (format version 3) arg[5] is not an instruction
	 * (TV_F_INSN is clear) but the entry's hvip, nonzero. */
	TV_VISIT_EXIT = 16,
	/* VS ecall handled as an SBI call: exit at sepc with scause 10
	 * (environment call from VS-mode) and stval = htval = htinst = 0,
	 * entry at sepc + 4. arg[0] sepc, arg[1] (eid << 32) | fid,
	 * arg[2..4] a0..a2, arg[5] value; flags: the SBI error, as int8_t. */
	TV_VISIT_SBI = 17,
	/* Load (21) or store (23) guest-page fault emulated as MMIO: arg[0]
	 * sepc, arg[1] stval, arg[2] htval, arg[3] htinst, arg[4] insn |
	 * TV_MMIO_INFO << 32, arg[5] value. The GPA is (htval << 2) |
	 * (stval & 3) (mmio.c). flags: TV_F_INSN (the exit's insn, fetched,
	 * is arg[4]'s), TV_V_STORE, TV_V_C (entry at sepc + 2, else + 4),
	 * device id in TV_V_DEV(flags). */
	TV_VISIT_MMIO = 18,
	/* (format version 4) VS ecall of one of BASE's constant functions,
	 * get_spec_version, get_impl_id and get_impl_version (a7 = 0x10,
	 * a6 = the fid in flags, 0-2), answered with SBI_SUCCESS and a
	 * value: exit at sepc with scause 10 and stval = htval = htinst =
	 * 0, entry at sepc + 4. These functions take no arguments ("Base
	 * Extension"), so the record holds none: arg[0] sepc, arg[1] the
	 * entry's time (whole: dt is 0), arg[2] the value; arg[3..5] are
	 * not written (the host reads them as 0). */
	TV_VISIT_SBI_BASE = 19,
	TV_VISIT_END
};

#define TV_V_PC(flags) (((unsigned)(flags) >> 2) & 3)
#define TV_V_PC_FLAGS(bytes) ((unsigned)((bytes) / 2) << 2)
#define TV_V_STORE 0x02 /* MMIO visit */
#define TV_V_HVIP 0x02	/* exit visit: arg[5] is the entry's hvip */
#define TV_V_C 0x04
#define TV_V_DEV(flags) ((unsigned)(flags) >> 4)
#define TV_V_DEV_MAX 15

/*
 * The ring record of format version 2: one per slot, 64 bytes. The
 * header word (bytes 8-15) is written as one 64-bit store,
 * TV_REC_HDR(kind, flags, vm, vcpu, dt) (little-endian, as RISC-V and the
 * host tools are). The hart is the ring's (a ring is written by its hart
 * only).
 */
struct tv_rec {
	uint64_t time;	/* `time` CSR: of the exit for a visit, else the event */
	uint8_t kind;	/* enum tv_kind (one event) or enum tv_visit */
	uint8_t flags;	/* TV_F_* for an event, per visit kind otherwise */
	uint8_t vm;
	uint8_t vcpu;
	uint32_t dt;	/* visit: entry time - exit time; 0 for an event */
	uint64_t arg[TV_NARGS];
};

_Static_assert(sizeof(struct tv_rec) == 64, "ring record layout changed");
_Static_assert(__builtin_offsetof(struct tv_rec, kind) == 8 &&
		       __builtin_offsetof(struct tv_rec, dt) == 12,
	       "TV_REC_HDR assumes this layout");

#define TV_REC_HDR(kind, flags, vm, vcpu, dt)                                  \
	((uint64_t)(uint8_t)(kind) | ((uint64_t)(uint8_t)(flags) << 8) |       \
	 ((uint64_t)(uint8_t)(vm) << 16) | ((uint64_t)(uint8_t)(vcpu) << 24) | \
	 ((uint64_t)(uint32_t)(dt) << 32))

/* Event-kind filter: bit (1 << kind) set = recorded. */
#define TV_KIND_BIT(kind) (1u << (kind))
#define TV_FILTER_ALL (((1u << TV_KIND_COUNT) - 1) & ~1u)
/* Kinds that neither a filter (the guest's trace-control filter or
 * tv.filter) nor switching tracing off can remove: what the guest may not
 * hide. The trace-control changes themselves (filter 0 and stop included),
 * the guest's stop, the records lost and the switches between vCPUs of
 * a time-shared hart (a guest cannot hide that another VM ran). A guest
 * filters only EXIT, ENTRY, SBI, MMIO, IRQ, EXC and MARK. */
#define TV_FILTER_ALWAYS                                                       \
	(TV_KIND_BIT(TV_KIND_LOST) | TV_KIND_BIT(TV_KIND_CONTROL) |            \
	 TV_KIND_BIT(TV_KIND_STOP) | TV_KIND_BIT(TV_KIND_SWITCH))

#endif
