/*
 * The VM exit path, in C. hyp/arch/trap.S saved the guest's registers and
 * trap CSRs into the vcpu and calls vcpu_exit(); when it returns, trap.S
 * restores the guest and executes sret.
 *
 * Exits are dispatched on scause with its interrupt bit kept, so interrupt
 * 5 (supervisor timer) and exception 5 (load access fault) never collide.
 */
#include <tracevisor/trace_record.h>

#include "../mmio/mmio.h"
#include "../mmio/mmio_access.h"
#include "../sbi/firmware.h"
#include "../sbi/sbi.h"
#include "../sbi/sbi_hooks.h"
#include "../trace/trace.h"
#include "console.h"
#include "fault_gpa.h"
#include "fault_test.h"
#include "insn.h"
#include "smp.h"
#include "options.h"
#include "platform.h"
#include "sched.h"
#include "timer.h"
#include "trace_wire.h"
#include "vm.h"

#ifdef TV_FAULT_TEST
uint8_t fault_fetch_second; /* fault_test.h */
#endif

/*
 * For a load or store guest-page fault the emulator needs the instruction.
 * htinst holds a transformed instruction when the hardware provides one
 * ("Transformed Instruction or Pseudoinstruction for mtinst or htinst");
 * otherwise read it from the guest at sepc with HLVX. Done before the exit
 * is recorded, so the exit record carries the instruction. insn_valid is
 * true only during an MMIO exit (mmio_exit() clears it after): no other
 * exit carries an instruction. Returns the instruction's decode
 * (v->mmio_op) when it is a load or store the emulator handles, else NULL.
 */
static inline const struct mmio_op *capture_mem_insn(struct vcpu *v)
{
	v->insn_valid = false;
	if (v->htinst != 0) {
		/* a function of htinst alone: the vCPU keeps the last result
		 * (htinst_insn is read only when htinst_len says it is one) */
		if (v->htinst != v->htinst_key) {
			v->htinst_len = (uint8_t)insn_from_htinst(v->htinst, &v->htinst_insn);
			v->htinst_key = v->htinst;
		}
		if (!v->htinst_len)
			return NULL; /* a pseudoinstruction: the fault was in the
				      * guest's own page-table walk, there is no
				      * instruction to emulate */
		v->insn = v->htinst_insn;
		v->insn_len = v->htinst_len; /* of the original instruction */
		v->insn_valid = true;
		if (v->htinst_insn & (0x1fu << 15))
			return NULL; /* Addr. Offset: the access began before the
				      * faulting address (mmio_access.h,
				      * mmio_starts_at_stval) */
		return mmio_decode(v);
	}
	uint64_t raw = guest_fetch_insn(maybe_unfetchable(v->sepc));
	if (__builtin_expect(raw == v->mmio_op.key, 1)) {
		/* the instruction of the last access: its length and decode
		 * are known (a failed fetch, ~0, is never a key) */
		v->insn = (uint32_t)raw;
		v->insn_len = v->mmio_op.len;
		v->insn_valid = true;
		return &v->mmio_op;
	}
	if (raw == ~0ULL)
		return NULL;
	v->insn = (uint32_t)raw;
	v->insn_len = (uint8_t)insn_length(v->insn & 0xffff);
	v->insn_valid = v->insn_len != 0;
	return v->insn_valid ? mmio_decode_miss(v) : NULL;
}

/*
 * An illegal-instruction exception for the guest, its tval the faulting
 * instruction read from the guest itself. The privileged spec lets stval
 * be zero or the instruction ("Supervisor Trap Value Register"), and
 * Sstvala/Shvstvala require the instruction; what the hardware left in
 * stval cannot be trusted for it (QEMU 7.2 leaves a stale value for
 * HLV/HSV, QEMU 10.0 for an MRET, and OpenSBI passes mtval on as the
 * redirected stval). If the instruction cannot be read, 0: never stale.
 */
static void inject_illegal_instruction(struct vcpu *v)
{
	uint64_t insn = guest_fetch_insn(v->sepc);
	inject_exception(v, EXC_ILLEGAL_INST, insn == ~0ULL ? 0 : (uint32_t)insn);
}

/* A virtual-instruction exit other than WFI and WRS.NTO: a read of cycle
 * or instret of a vCPU that took them over through the SBI PMU
 * (hcounteren bit clear) gets its own virtual counter; anything else is
 * an illegal instruction for the guest. Kept out of line, off the paths
 * of the frequent exits. */
static __attribute__((noinline)) void not_wfi(struct vcpu *v, uint32_t insn, uint64_t raw)
{
	if (sbi_pmu_counter_read(v, insn))
		return;
	inject_exception(v, EXC_ILLEGAL_INST, raw == ~0ULL ? 0 : insn);
}

/* Virtual-instruction exception: WFI and Zawrs' WRS.NTO with hstatus.VTW=1
 * (a VU-mode WFI is the guest's illegal instruction), and reads of a
 * virtual cycle or instret, are the ones we handle; anything else is an instruction VS-mode may not
 * execute, which the guest sees as an illegal instruction ("Virtual
 * Instruction Exceptions"). Which instruction it was is read from the
 * guest: stval is not reliable for it (QEMU 10.0 leaves a stale value for
 * WRS.NTO, QEMU 7.2 for HLV/HSV). */
static void handle_virtual_instruction(struct vcpu *v)
{
	const uint32_t WFI = 0x10500073;
	const uint32_t WRS_NTO = 0x00d00073;
	uint64_t raw = guest_fetch_insn(v->sepc);
	uint32_t insn = raw == ~0ULL ? (uint32_t)v->stval : (uint32_t)raw;
	if (insn == WRS_NTO) {
		/* Zawrs: WRS.NTO may complete "for implementation-specific
		 * reasons" at any time and the waiter re-checks its condition.
		 * It traps here only because VTW=1 (for WFI): complete it. */
		v->sepc += 4;
		return;
	}
	if (insn == WFI && !(v->sstatus & SSTATUS_SPP)) {
		/* From VU-mode WFI traps here whatever VTW says ("in VU-mode,
		 * attempts to execute WFI when mstatus.TW=0"); on the hart the
		 * guest believes it has, "executing WFI in U-mode causes an
		 * illegal instruction exception" ("Wait for Interrupt"). */
		inject_exception(v, EXC_ILLEGAL_INST, insn);
		return;
	}
	if (insn == WFI) {
		v->sepc += 4;
		/* Wait only if the guest has nothing pending. The hypervisor's
		 * own wfi wakes on any pending and enabled interrupt (sie for
		 * ours, hie/vsie for the guest's), whatever sstatus.SIE says. */
		if (!(csr_read(CSR_HIP) & csr_read(CSR_HIE))) {
			uart_idle_wait(v); /* tv.input_poll: wake to poll input */
			sched_wait(v, SCHED_WAKE_IRQ); /* a shared hart runs others */
		}
		return;
	}
	not_wfi(v, insn, raw);
}

/* Instruction guest-page fault: the first touch of a block of guest RAM
 * (vm.c makes it ready and the guest fetches again), else nothing is
 * mapped where the guest tried to execute (or it is an MMIO hole): an
 * instruction access fault for it. The faulting guest-physical address:
 * fault_gpa.h. */
static void handle_fetch_guest_page_fault(struct vcpu *v)
{
	uint64_t gpa;

	if (fault_gpa(v, &gpa) && !vm_ram_fault(v, gpa))
		inject_exception(v, EXC_INST_ACCESS, v->stval);
}

/* Exceptions that belong to the guest and reached HS-mode because they are
 * not delegated (hedeleg) or because the firmware redirected them here
 * with hstatus.SPV=1: give them to the guest unchanged. */
static void handle_guest_exception(struct vcpu *v)
{
	inject_exception(v, v->scause, v->stval);
}

static void handle_interrupt(struct vcpu *v)
{
	v->irq_exits++;
	switch (v->scause & ~CAUSE_INTERRUPT) {
	case IRQ_S_TIMER:
		timer_interrupt(v);
		break;
	case IRQ_S_SOFT: /* another hart posted a request (smp.c) */
		smp_handle_mailbox(v);
		break;
	default:
		hyp_log("unexpected interrupt %llu while the guest ran; ignored\n",
			(unsigned long long)(v->scause & ~CAUSE_INTERRUPT));
		break;
	}
	if (__builtin_expect(sched_shared(v), 0))
		sched_preempt(v); /* a time-shared hart: another vCPU's turn? */
}

/* Out of line: vcpu_exit() stays a short wrapper. */
static __attribute__((noinline)) void dispatch(struct vcpu *v)
{
	if (v->scause & CAUSE_INTERRUPT) {
		handle_interrupt(v);
		return;
	}
	/* No ecall comes here: trap.S sends them to v->ecall (ecall.c),
	 * and exit_traced handles the one whose SBI visit is filtered out;
	 * nor a load or store guest-page fault: vcpu_mmio_exit. */
	switch (v->scause) {
	case EXC_INST_GUEST_PAGE_FAULT:
		handle_fetch_guest_page_fault(v);
		break;
	case EXC_VIRTUAL_INST:
		handle_virtual_instruction(v);
		break;
	case EXC_ILLEGAL_INST:
		inject_illegal_instruction(v);
		break;
	case EXC_INST_MISALIGNED:
	case EXC_INST_ACCESS:
	case EXC_BREAKPOINT:
	case EXC_LOAD_MISALIGNED:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_MISALIGNED:
	case EXC_STORE_ACCESS:
	case EXC_ECALL_U:
	case EXC_INST_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		handle_guest_exception(v);
		break;
	default:
		hyp_log("guest exit with unknown cause %#llx at %#llx; "
			"giving the guest an illegal-instruction exception\n",
			(unsigned long long)v->scause, (unsigned long long)v->sepc);
		inject_exception(v, EXC_ILLEGAL_INST, 0);
		break;
	}
}

/* Any other exit while tracing is on (and an ecall whose SBI visit is
 * filtered out, ecall.c): noted at the exit and recorded (one record
 * when it fits, trace.h) at the entry. */
__attribute__((noinline)) void exit_traced(struct vcpu *v)
{
	/* ---- The exit is complete: every trap CSR is captured. ---- */
	trace_exit(v);

	if (v->scause == EXC_ECALL_VS) {
		uint64_t sepc = v->sepc;
		uint64_t args[3] = { v->gpr[REG_A0], v->gpr[REG_A1], v->gpr[REG_A2] };
		sbi_handle_ecall(v);
		/* ---- The guest is about to be entered after the call. ---- */
		trace_sbi_entry(v, sepc, args);
		return;
	}
	dispatch(v);

	/* ---- The guest is about to be entered at v->sepc. ---- */
	trace_exit_entry(v);
}

/* Nonzero when the exit wrote a callee-saved guest register: trap.S then
 * returns through the path that loads them all (once). */
static inline unsigned long take_callee_dirty(struct vcpu *v)
{
	unsigned long dirty = v->callee_dirty;

	if (__builtin_expect(dirty != 0, 0))
		v->callee_dirty = 0;
	return dirty;
}

/* Called by hyp/arch/trap.S for every VM exit but an ecall (ecall.c) and
 * a guest-page fault (below). Tracing off costs one byte load (the
 * vcpu's own copy of the switch) and one branch. */
unsigned long vcpu_exit(struct vcpu *v)
{
	v->exits++;
	sbi_hook_exit(v); /* STA: when this exit started */
	maybe_fault(v);
	if (TRACE_ACTIVE_VCPU(v))
		exit_traced(v);
	else
		dispatch(v); /* tracing off: handle it, nothing else */
	sbi_hook_entry(v); /* STA: publish the steal time, traced or not */
	return take_callee_dirty(v);
}

/* An emulated MMIO access: what vcpu_exit() and exit_traced() do for a
 * guest-page fault, without the dispatch on the cause. decoded: the
 * instruction's decode is v->mmio_op. Inline in both callers: one frame. */
static inline __attribute__((always_inline)) void mmio_exit(struct vcpu *v, bool decoded)
{
	v->exits++;
	maybe_fault(v); /* (no STA hook: the guest's own exit, as an ecall) */
	if (TRACE_ACTIVE_VCPU(v)) {
		trace_exit(v);
		mmio_handle_guest_page_fault(v, decoded);
		trace_mmio_entry(v);
	} else {
		mmio_handle_guest_page_fault(v, decoded);
	}
	v->insn_valid = false; /* the next ecall's noting need not clear it */
}

/*
 * Called by hyp/arch/trap.S for a load or store guest-page fault, the
 * exit of every emulated MMIO access, with only the registers C code may
 * change saved. The access reads or writes one register; when that is gp
 * or one of s0-s11, the C code cannot reach it: return nonzero, and
 * trap.S saves those too (untouched: the C code preserved them) and calls
 * vcpu_mmio_exit_all(). Nothing is counted or recorded before that
 * decision; the instruction's capture and decode are kept for it.
 */
unsigned long vcpu_mmio_exit(struct vcpu *v)
{
	maybe_htinst0(v);
	const struct mmio_op *op = capture_mem_insn(v);

	/* the base register matters only for an access that may have begun
	 * on the page before (mmio_access.h, mmio_starts_at_stval) */
	if (op && op->callee &&
	    ((op->callee & MMIO_CALLEE_REG) || !(v->stval & 0xfff)))
		return 1;
	mmio_exit(v, op != NULL);
	return 0;
}

/* The same exit with every guest register saved (trap.S). */
void vcpu_mmio_exit_all(struct vcpu *v)
{
	mmio_exit(v, true); /* vcpu_mmio_exit() decoded it: v->mmio_op */
	v->callee_dirty = 0; /* vcpu_enter loads every register anyway */
}

/* How often each vCPU's hart woke while the vCPU was stopped or not yet
 * started: a sleeping hart wakes only for requests, so this stays small;
 * thousands would mean a busy wait (tests/system/test_smp.sh holds it). */
static void report_idle_wakeups(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		hyp_log("%svCPU %u: %llu wake-ups while stopped\n", vm->prefix, i,
			(unsigned long long)vm->vcpus[i]->idle_wakeups);
}

void vcpu_stop(struct vcpu *v, int why, uint64_t detail, bool failure)
{
	vcpu_stop_code(v, why, detail, failure, 1);
}

static const char *stop_text(int why)
{
	return why == TV_STOP_SHUTDOWN	? "shutdown"
	       : why == TV_STOP_REBOOT	? "reboot request"
	       : why == TV_STOP_CONSOLE ? "Ctrl-A x on the console"
					: "fault";
}

/*
 * Stops are taken one at a time. Two vCPUs of a VM may ask for its stop
 * at once (each calls SRST, or faults), or a Ctrl-A x on one hart may
 * meet a VM's own stop on another: each would wait for the other to
 * park, which it never does while it stops too. A vCPU waiting for its
 * turn keeps answering its mailbox instead, so a stop ahead of it that
 * covers its VM parks it here (smp_handle_mailbox, MB_STOP_VM). One that
 * gets its turn after its VM stopped without it (it did not park in
 * time) parks then.
 */
static int stop_turn;

static void stop_begin(struct vcpu *v)
{
	while (__atomic_exchange_n(&stop_turn, 1, __ATOMIC_ACQUIRE)) {
		smp_handle_mailbox(v); /* (and on a shared hart the others') */
	}
	if (!__atomic_load_n(&v->vm->running, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&stop_turn, 0, __ATOMIC_RELEASE);
		smp_park(v);
	}
}

/*
 * The guest of v's VM stops (shutdown, reset, fault, Ctrl-A x): its
 * other vCPUs park, its last output goes out. A VM's stop is that VM's
 * only; Ctrl-A x, or the stop of the VM tv.control_vm names, stops them
 * all. The hart that stops the last VM dumps
 * the trace and ends the run: failure if any VM failed, the exit code
 * naming the first that did (its id + 1; one VM keeps its own code).
 */
void vcpu_stop_code(struct vcpu *v, int why, uint64_t detail, bool failure, unsigned code)
{
	struct vm *vm = v->vm;
	/* Ctrl-A x, or the stop of the VM tv.control_vm names, ends them all. */
	bool all = why == TV_STOP_CONSOLE || (int)vm->id == opt.control_vm;
	trace_stop(v, (unsigned)why, detail); /* what this vCPU asked, even if it loses */
	stop_begin(v);
	smp_stop_others(v, all);
	uart_flush_output(vm);
	console_stream_flush(&v->console);
	console_flush();
	hyp_log("%sguest stopped (%s, reason %llu) after %llu exits\n", vm->prefix,
		stop_text(why), (unsigned long long)detail, (unsigned long long)v->exits);
	report_idle_wakeups(vm);
	hyp_log("%sguest RAM: %u of %llu 2 MiB blocks touched (each zeroed or loaded at its "
		"first touch, the others never)\n", vm->prefix, vm->ram_blocks_ready,
		(unsigned long long)(ALIGN_UP(vm->ram_size, GUEST_RAM_ALIGN) / GUEST_RAM_ALIGN));
	bool last = vm_stopped(vm, failure);
	if (all && vm_count() > 1) {
		if (why != TV_STOP_CONSOLE)
			hyp_log("%sVM %u controls the run (tv.control_vm): the other VMs stop\n",
				vm->prefix, vm->id);
		for (unsigned i = 0; i < vm_count(); i++)
			last |= vm_stopped(vm_by_id(i), false);
	}
	if (!last) {
		hyp_log("%sVM %u stopped; the other VMs run on\n", vm->prefix, vm->id);
		console_flush();
		__atomic_store_n(&stop_turn, 0, __ATOMIC_RELEASE);
		smp_park(v);
	}
	trace_dump(TV_DUMP_SHUTDOWN);
	unsigned failed = vm_first_failure();
	if (vm_count() > 1 && failed)
		hyp_log("VM %u ('%s') failed first\n", failed - 1, vm_by_id(failed - 1)->name);
	hyp_log("shutting down: %s\n", failed ? "failure" : "success");
	console_flush();
	fw_shutdown_code(failed != 0, vm_count() > 1 ? failed : code);
}
