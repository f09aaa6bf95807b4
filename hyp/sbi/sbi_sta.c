/*
 * SBI Steal-time Accounting extension (EID "STA", SBI v2.0): the guest
 * names 64 bytes of its memory per vCPU, and the hypervisor keeps the
 * `sbi_sta_struct` there ("STA Shared Memory Structure") up to date.
 *
 * What counts as stolen time under tracevisor ("the amount of time in
 * which this virtual hart was not idle and scheduled out"): on a
 * time-shared hart (hyp/core/sched.c), the time another VM's vCPU held
 * the hart while this one was ready - preempted at the end of its slice
 * (an interrupt exit, so the whole time until it is entered again is
 * counted, see below), or woken from a wait while another ran (counted
 * from the wake-up to its switch-in). On any hart, the time its hart
 * spends in the hypervisor on exits the guest did not cause. Those are the asynchronous exits (scause has its
 * interrupt bit set): the hypervisor's timer (the guest's SBI timer
 * delivered through hvip, the watchdog tick) and requests from other
 * harts (an IPI, a remote fence, the PLIC), with everything the
 * hypervisor does in them (tracing, a trace dump at the watermark, waits
 * for a lock, firmware calls). Each is measured with the `time` CSR from
 * the start of the exit to the re-entry. Exits the guest caused by an
 * instruction (ecall, WFI, MMIO, its own exceptions) are the cost of that
 * instruction, as a device access or a firmware call is on bare hardware,
 * and time waiting in WFI or an HSM/SUSP suspend is idle: neither is
 * steal time, as the specification says of idle time.
 *
 * The hooks (sbi_hooks.h) run only in hyp/core/exit.c's vcpu_exit(),
 * the exits that may be asynchronous: an ecall or an emulated MMIO
 * access is the guest's own exit, whose time is never stolen, so those
 * two most frequent exits pay nothing for STA. The cost when STA is off:
 * one load and a branch at the start and end of each other exit.
 */
#include <tracevisor/sbi_ids.h>

#include "../core/platform.h"
#include "../core/vm.h"
#include "sbi.h"
#include "sbi_hooks.h"

/* The shared memory layout ("STA Shared Memory Structure"), little
 * endian as the hart itself. */
struct sbi_sta_shmem {
	uint32_t sequence;
	uint32_t flags;
	uint64_t steal;	   /* nanoseconds */
	uint8_t preempted;
	uint8_t pad[47];
};
_Static_assert(sizeof(struct sbi_sta_shmem) == 64, "STA shared memory is 64 bytes");

#define STA_ALIGN 64

/* Ticks of the time CSR to nanoseconds, without overflowing 64 bits for
 * any timebase up to 18 GHz. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t hz = platform.timebase_hz ? platform.timebase_hz : 10000000;
	return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

/* The exit starts: its time is noted if it is asynchronous, else 0 (and
 * sbi_sta_entry(), which vcpu_exit() calls only after this at the same
 * exit, adds nothing). */
void sbi_sta_exit(struct vcpu *v)
{
	v->sbi.sta_exit_time = (v->scause & CAUSE_INTERRUPT) ? csr_read(CSR_TIME) : 0;
}

/* Write steal and preempted with the sequence protocol: odd while they
 * are being written, even again after, with stores ordered around them.
 * Not while the guest is system-suspended: "The SBI implementation MUST
 * stop writing to the shared memory when the supervisor-mode software is
 * not runnable, such as upon system reset or system suspend"; the steal
 * counted meanwhile is written as it resumes (sbi_sta_hold). */
static void sta_write(struct vcpu *v, uint8_t preempted)
{
	if (v->sbi.sta_held)
		return;
	volatile struct sbi_sta_shmem *s = v->sbi.sta;
	uint32_t seq = s->sequence;
	s->sequence = seq + 1;
	__asm__ volatile("fence w, w" ::: "memory");
	s->steal = ticks_to_ns(v->sbi.sta_steal_ticks);
	s->preempted = preempted;
	__asm__ volatile("fence w, w" ::: "memory");
	s->sequence = seq + 2;
}

/* Publish the steal time as the vCPU is about to run: preempted is
 * cleared ("MUST be written before the vCPU runs again"). */
static void sta_publish(struct vcpu *v)
{
	sta_write(v, 0);
}

/* The preempted flag ("whether the virtual hart which registered this
 * structure is running or not"): set as its slice ends, cleared by
 * sta_publish before it runs again. */
void sbi_sta_preempted(struct vcpu *v)
{
	if (v->sbi.sta)
		sta_write(v, 1);
}

void sbi_sta_hold(struct vcpu *v, bool hold)
{
	v->sbi.sta_held = hold;
	if (!hold && v->sbi.sta)
		sta_publish(v);
}

void sbi_sta_stolen(struct vcpu *v, uint64_t ticks)
{
	if (!v->sbi.sta)
		return;
	v->sbi.sta_steal_ticks += ticks;
	sta_publish(v);
}

void sbi_sta_entry(struct vcpu *v)
{
	if (!v->sbi.sta_exit_time)
		return; /* the guest's own exit: nothing stolen, nothing to write */
	v->sbi.sta_steal_ticks += csr_read(CSR_TIME) - v->sbi.sta_exit_time;
	v->sbi.sta_exit_time = 0;
	sta_publish(v);
}

/* set_shmem(lo, hi, flags): all-ones lo and hi turn reporting off; else
 * 64 bytes at hi:lo, 64-byte aligned, in guest RAM, zeroed before the
 * call returns. */
static long set_shmem(struct vcpu *v, unsigned long lo, unsigned long hi,
		      unsigned long flags)
{
	if (flags != 0)
		return SBI_ERR_INVALID_PARAM; /* "reserved ... MUST be zero" */
	if (lo == ~0UL && hi == ~0UL) {
		v->sbi.sta = NULL;
		v->sbi.sta_exit_time = 0;
		return SBI_SUCCESS;
	}
	if (lo % STA_ALIGN)
		return SBI_ERR_INVALID_PARAM;
	/* hi holds address bits XLEN and up: no guest RAM is there. */
	void *hva = hi ? NULL : vm_gpa_to_hva(v->vm, lo, sizeof(struct sbi_sta_shmem));
	if (!hva)
		return SBI_ERR_INVALID_ADDRESS;
	/* Zeroed before the call returns, as the specification requires:
	 * the steal time counts from here, from 0. */
	memset(hva, 0, sizeof(struct sbi_sta_shmem));
	v->sbi.sta = hva;
	v->sbi.sta_steal_ticks = 0;
	v->sbi.sta_exit_time = 0;
	return SBI_SUCCESS;
}

/* A hart reset of the vCPU (HSM hart_start): reporting is off until the
 * guest names memory again. A stopped vCPU is not runnable and "the SBI
 * implementation MUST stop writing to the shared memory when the
 * supervisor-mode software is not runnable"; the hart that starts again is
 * a new one, whose steal time its guest has not asked for. */
void sbi_sta_reset(struct vcpu *v)
{
	v->sbi.sta = NULL;
	v->sbi.sta_steal_ticks = 0;
	v->sbi.sta_exit_time = 0;
	v->sbi.sta_held = false;
}

static void sta_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			struct sbiret *ret)
{
	(void)eid;
	ret->value = 0;
	if (fid != SBI_STA_STEAL_TIME_SET_SHMEM) {
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	ret->error = set_shmem(v, sbi_arg(v, 0), sbi_arg(v, 1), sbi_arg(v, 2));
}

const struct sbi_ext sbi_ext_sta = {
	.name = "STA", .handler = sta_handler,
};
