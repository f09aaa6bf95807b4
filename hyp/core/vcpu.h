/*
 * A virtual CPU and the state the world switch saves on every VM exit.
 * While the hypervisor runs on a hart, tp points at the vCPU the hart
 * serves at the moment (sscratch does while its guest runs: trap.S);
 * each vCPU has its own hypervisor stack.
 * A hart serves one vCPU (a dedicated hart) or several vCPUs of different
 * VMs in turn (a time-shared hart: hyp/core/sched.c switches between
 * them, saving what vcpu_state.h lists).
 */
#ifndef HYP_VCPU_H
#define HYP_VCPU_H

#include <fence_count.h>
#include <tracevisor/sbi_ids.h>

#include "../mmio/mmio_op.h"
#include "../sbi/sbi_vcpu.h"
#include "console.h"
#include "hyp.h"
#include "insn.h"
#include "vcpu_layout.h"
#include "vcpu_state.h"

struct vm;
struct tv_ring;
struct mmio_device;
struct hart_rq;

/*
 * A VS-mode ecall exit's handler (hyp/core/ecall.c), for the vCPU in tp.
 * trap.S calls it with the guest's a0-a2, a6 and a7 still in their
 * registers and the exit's sepc in a5 (a3 and a4 hold the guest's, to
 * no use): the SBI call's registers need no load from the vCPU.
 */
typedef void vcpu_ecall_fn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			   uint64_t sepc, uint64_t fid, uint64_t eid);

/* Where a vCPU's hypervisor thread stopped when its hart switched to
 * another vCPU: the registers the calling convention keeps across a call,
 * and gp and sp (hyp/arch/switch.S). gp is the guest's: the fast exit
 * path leaves it in place while the hypervisor runs. */
struct sched_ctx {
	uint64_t ra, sp, gp, s[12];
};

/* Mailbox bits (MB_* of smp.h, which checks the count). */
#define VCPU_MB_BITS 7

struct vcpu {
	/* --- laid out for hyp/arch/trap.S: see vcpu_layout.h --- */
	uint64_t gpr[32];	/* guest x1..x31 (gpr[0]: trap-entry scratch) */
	uint64_t sepc;		/* guest PC of the exit, then where to resume */
	uint64_t hstatus;	/* what vcpu_enter writes (trap.S): SPV, SPVP, VTW */
	uint64_t sstatus;
	uint64_t scause;
	/* the exit's trap values; an ecall's are zero by the spec and not
	 * stored (trap.S): an older exit's stay, read only for other exits */
	uint64_t stval;
	uint64_t htval;
	uint64_t htinst;
	uint64_t hyp_sp;
	uint64_t fault_sp;
	uint64_t fault_regs[32];
	vcpu_ecall_fn *ecall;	/* this vCPU's ecall handler (hyp/core/ecall.c) */
	/* --- C only from here --- */
	struct vm *vm;
	unsigned id;		/* vCPU id within the VM */
	unsigned vm_id;
	unsigned hart;		/* physical hart id it runs on */
	uint32_t insn;		/* instruction fetched for this exit */
	bool insn_valid;
	uint8_t insn_len;	/* its length in bytes (2 or 4) */
	bool stopping;		/* the guest is being shut down */
	/* A guest register the fast return path does not restore (gp,
	 * s0-s11: the C code preserves them) was written in gpr[]: the
	 * return takes the full path once (vcpu_set_reg, trap.S). */
	uint8_t callee_dirty;
	/* The device of this MMIO exit wants its `after` hook run once the
	 * access is complete (hyp/mmio/mmio.h, mmio_ask_after). */
	uint8_t mmio_after;
	/* Its VM has other vCPUs: a device access takes the VM's device
	 * lock (hyp/mmio/mmio_access.h; set as the vCPU is placed). */
	uint8_t devices_shared;
	/* The decode of the last MMIO instruction (hyp/mmio/mmio.c). */
	struct mmio_op mmio_op;
	/* The same for the instruction recovered from htinst (hardware that
	 * writes a transformed instruction): the last htinst (0 = none), the
	 * instruction and length insn_from_htinst() gave for it (0: none). */
	uint64_t htinst_key;
	uint32_t htinst_insn;
	uint8_t htinst_len;
	uint64_t exits;		/* VM exits so far */
	uint64_t irq_exits;	/* those of them that were interrupts */
	uint64_t idle_wakeups;	/* wfi returns while the vCPU was not running */
	uint64_t timer_host;	/* the guest's SBI set_timer deadline in host time, ~0 = none */
	uint64_t watchdog_next;	/* host time of the next watchdog tick, ~0 = off */
	uint64_t watchdog_exits; /* v->exits at the last tick */
	bool watchdog_reported;	/* this stall was already reported */
	uint64_t input_poll_next; /* host time of the next console input poll, ~0 = none */
	/* The machine-wide ticks the boot hart's first vCPU keeps (timer.c):
	 * host time of the next progress line and of the next periodic
	 * dump, ~0 = none, and the earlier of the two, the one deadline the
	 * timer path looks at. */
	uint64_t progress_next, dump_next, machine_next;
	struct mmio_device *last_dev; /* the device of its last MMIO exit */
	/* The guest page (GPA >> 12, + 1) of the last guest-page fault that
	 * found its G-stage leaf valid, which its hart was fenced for
	 * (vm.c, ram_fault_again); 0: none. */
	uint64_t gpf_fenced;
	struct tv_ring *ring;	/* this hart's trace ring */
	uint64_t *ring_head;	/* &ring->head: the fast writers' base, as an AMO takes no offset */
	uint64_t trace_hdr;	/* record header word: vm, vcpu (TV_REC_HDR) */
	uint64_t trace_hdr_sbi;	/* the same for an SBI visit (TV_VISIT_SBI) */
	uint64_t trace_hdr_mmio; /* and an MMIO visit (TV_VISIT_MMIO, TV_F_INSN) */
	/* The answers to BASE's constant calls, by fid (copied from
	 * sbi_base_constant() by sbi_vcpu_init(), read by
	 * hyp/sbi/sbi_ecall.h's sbi_ecall_direct()), each beside its
	 * visit's header word (TV_VISIT_SBI_BASE with the fid in flags, set
	 * by trace_attach()): the fid's one index finds both on the traced
	 * ecall's path (hyp/trace/trace.h, trace_sbi_base_put()). */
	struct vcpu_base_answer {
		uint64_t value, trace_hdr;
	} base_answer[SBI_BASE_GET_IMP_VERSION + 1];
	uint8_t trace_active;	/* copy of trace_active, one load away */
	uint8_t trace_mmio;	/* trace_fold_mmio: an emulated access is
				 * noted for its exit's visit */
	uint8_t trace_mmio_fast; /* and the ring overwrites, no watermark:
				 * the visit is written inline (trace.h) */
	uint8_t trace_exit_fast; /* the same for any other exit's visit */
	uint8_t trace_exit_on;	/* copy of trace_on[TV_KIND_EXIT]: an exit
				 * is noted (trace_exit) */
	/* The exit being traced, written as one record at the entry
	 * (hyp/trace/trace.h). */
	uint8_t t_open;		/* an exit is noted and not written yet (2: its
				 * GPA walked, trace_gpa_walked()) */
	uint8_t t_mmio;		/* t_value/t_info/t_vflags hold its MMIO access */
	uint8_t t_vflags;	/* MMIO: TV_V_STORE and the device id (TV_V_DEV) */
	uint64_t t_exit;	/* time of the exit */
	uint64_t t_sepc;	/* the guest PC of the exit */
	uint64_t t_value;	/* MMIO: the value loaded or stored */
	uint64_t t_info;	/* MMIO: insn | TV_MMIO_INFO << 32 */
	uint64_t t_args[2];	/* SBI: a0, a1 at the exit */
	/* --- SMP: written by other harts, hence volatile (hyp/core/smp.c) --- */
	unsigned slot;		/* hart slot (index into platform.hart_id) */
	volatile uint32_t hsm_state;	/* SBI_HSM_STATE_* of this vCPU */
	volatile uint32_t mailbox;	/* MB_* requests from other harts */
	/* requests posted, per mailbox bit number (those the SBI PMU counts
	 * as received, smp_request()), and of them those its *_RECEIVED
	 * events have taken (sbi_pmu.c, this hart only): requests of one
	 * kind that merge into one mailbox bit still count one each */
	volatile uint32_t mb_posted[VCPU_MB_BITS];
	uint32_t mb_taken[VCPU_MB_BITS];
	volatile uint32_t vseip_level;	/* PLIC output for MB_VSEIP */
	struct fence_count fences;	/* fence requests posted and done, per kind */
	uint64_t start_addr, start_opaque; /* HSM hart_start arguments */
	volatile uint32_t alive;	/* the hart reached the hypervisor */
	uint8_t no_h;			/* ... and it has no H extension: no vCPU runs there */
	volatile uint32_t parked;	/* the hart stopped for good */
	struct sbi_vcpu sbi;		/* STA, PMU and FWFT state (hyp/sbi/) */
	/* --- time-shared harts (hyp/core/sched.c), this hart only --- */
	struct hart_rq *rq;		/* the hart it runs on */
	struct sched_ctx ctx;		/* its thread while switched out */
	uint8_t sched;			/* SCHED_* (sched.h) */
	uint8_t shared;			/* its hart serves other vCPUs too */
	uint8_t thread_started;		/* it ran on its hart at least once */
	uint8_t pending_vvma;		/* hfence.vvma due before it runs again */
	uint8_t wait_for;		/* SCHED_WAKE_* while it waits */
	uint64_t alarm_next;		/* SBI SUSP wake-up alarm, ~0 = none */
	uint64_t ready_since;		/* woke while another vCPU ran (STA) */
	uint64_t switches;		/* times its hart switched away from it */
	struct vcpu_state state;	/* its CSRs and FP state while switched out */
	/* Its guest's text through the SBI console (DBCN, legacy putchar),
	 * written a line at a time with the VM's prefix. The vCPU's own, not
	 * its hart's: on a time-shared hart a line begun before a switch
	 * stays whole, and another VM's text never joins it. */
	struct console_stream console;
};

_Static_assert(__builtin_offsetof(struct vcpu, sepc) == VCPU_SEPC, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, hstatus) == VCPU_HSTATUS, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, sstatus) == VCPU_SSTATUS, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, scause) == VCPU_SCAUSE, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, stval) == VCPU_STVAL, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, htval) == VCPU_HTVAL, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, htinst) == VCPU_HTINST, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, hyp_sp) == VCPU_HYP_SP, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, fault_sp) == VCPU_FAULT_SP, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, fault_regs) == VCPU_FAULT_REGS, "layout");
_Static_assert(__builtin_offsetof(struct vcpu, ecall) == VCPU_ECALL, "layout");

/* Register numbers of the arguments the SBI calling convention uses. */
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A6 16
#define REG_A7 17

/* The vcpu of the hart running this code (tp holds it in HS-mode). */
static inline struct vcpu *this_vcpu(void)
{
	struct vcpu *v;
	__asm__ volatile("mv %0, tp" : "=r"(v));
	return v;
}

/* The registers the calling convention makes callee-saved, and gp:
 * the C code of the exit path leaves them as the guest had them. */
#define VCPU_CALLEE_REGS ((1u << 3) | (1u << 8) | (1u << 9) | (0x3ffu << 18))

/* Write a guest GPR; writes to x0 are discarded, as in hardware. A
 * callee-saved one is restored from gpr[] only by the full return path,
 * so the exit takes it (trap.S, vcpu_exit()). */
static inline void vcpu_set_reg(struct vcpu *v, unsigned reg, uint64_t val)
{
	if (reg != 0 && reg < 32) {
		v->gpr[reg] = val;
		if ((VCPU_CALLEE_REGS >> reg) & 1)
			v->callee_dirty = 1;
	}
}

static inline uint64_t vcpu_get_reg(const struct vcpu *v, unsigned reg)
{
	return reg == 0 || reg >= 32 ? 0 : v->gpr[reg];
}

void vcpu_init(struct vcpu *v, struct vm *vm, unsigned id, unsigned hart);
void vcpu_run(struct vcpu *v) __attribute__((noreturn));
/* HSM hart_start: its pending VS software and timer interrupts dropped,
 * its guest CSRs, FP/vector registers and GPRs as at its first start. */
void vcpu_hart_reset(struct vcpu *v);
/* Enter it at addr in VS-mode, a0 = hart id, a1 = opaque, MMU off (an SBI
 * hart start or a non-retentive resume). */
void vcpu_enter_at(struct vcpu *v, uint64_t addr, uint64_t opaque) __attribute__((noreturn));

/* hyp/arch/trap.S */
void vcpu_first_entry(struct vcpu *v) __attribute__((noreturn));
uint64_t guest_fetch_insn(unsigned long gva);
int hart_has_h(void);
extern char hyp_trap_vector[];

/* hyp/core/exit.c: every exit but an ecall, returning nonzero when it
 * wrote a callee-saved guest register (trap.S then loads them all);
 * vcpu_mmio_exit() and vcpu_mmio_exit_all() the load and store
 * guest-page faults; exit_traced() any exit while tracing is on, noted
 * now and recorded at the entry. */
unsigned long vcpu_exit(struct vcpu *v);
unsigned long vcpu_mmio_exit(struct vcpu *v);
void vcpu_mmio_exit_all(struct vcpu *v);
void exit_traced(struct vcpu *v);
/* hyp/core/ecall.c: tracing off, the SBI visit recorded, the exit
 * recorded as events. */
vcpu_ecall_fn vcpu_ecall, vcpu_ecall_traced, vcpu_ecall_events;
/* Stop the guest: record why, dump the trace, shut the machine down. */
void vcpu_stop(struct vcpu *v, int why, uint64_t detail, bool failure)
	__attribute__((noreturn));
/* The same with the exit status a failure gives QEMU (vcpu_stop: 1), for
 * a guest that named one through the test finisher. */
void vcpu_stop_code(struct vcpu *v, int why, uint64_t detail, bool failure, unsigned code)
	__attribute__((noreturn));

/* hyp/core/inject.c: deliver an exception to the guest's VS-mode handler. */
void inject_exception(struct vcpu *v, uint64_t cause, uint64_t tval);

#endif
