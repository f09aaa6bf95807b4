/*
 * The guest's timer.
 *
 * SBI set_timer from the guest is emulated with the hypervisor's own
 * supervisor timer (stimecmp when the host has Sstc, else the firmware's
 * SBI TIME) and delivered as VSTIP through hvip. When the host has Sstc the
 * guest may also program its own timer through stimecmp, which the
 * hardware redirects to vstimecmp when henvcfg.STCE=1 ("Sstc" extension);
 * those timer interrupts reach the guest with no exit at all.
 * tv.timer=sstc routes SBI set_timer to vstimecmp as well; tv.timer=sbi
 * turns the guest's Sstc off (STCE=0, no "sstc" in its ISA string).
 */
#ifndef HYP_TIMER_H
#define HYP_TIMER_H

#include "vcpu.h"

void timer_init(struct vcpu *v);		/* per vCPU CSR setup */
void timer_clear(struct vcpu *v);		/* every deadline "never", no CSR */
bool timer_guest_has_sstc(void);		/* does the guest see Sstc? */
void timer_set_guest(struct vcpu *v, uint64_t when); /* SBI set_timer */
void timer_interrupt(struct vcpu *v);		/* HS timer fired */
void timer_rearm(struct vcpu *v);		/* arm for the hart's next deadline */
/* v's earliest deadline; `loaded`: v is the vCPU the hart runs */
uint64_t timer_vcpu_deadline(const struct vcpu *v, bool loaded);
void timer_park(struct vcpu *v);		/* vCPU not running: only the machine ticks */
bool timer_waiting_tick(struct vcpu *v);	/* a parked vCPU's hart: those ticks */
/* parked for good, the hart has nothing else: serve only the machine ticks */
void timer_serve_parked(struct vcpu *v) __attribute__((noreturn));
bool timer_hand_over(struct vcpu *from, struct vcpu *to); /* machine ticks, same hart */
void timer_arm_alarm(struct vcpu *v, uint64_t when); /* also fire at `when` */
void timer_arm_input_poll(struct vcpu *v, uint64_t when); /* console poll */
void timer_watchdog_pause(struct vcpu *v);	/* suspended: no watchdog */
void timer_watchdog_resume(struct vcpu *v);	/* running again */
void timer_watchdog_refresh(struct vcpu *v);	/* switched in again */

#endif
