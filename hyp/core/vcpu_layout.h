/*
 * Byte offsets into struct vcpu that the world-switch assembly uses.
 * hyp/core/vcpu.h checks each of them with _Static_assert, so the C and the
 * assembly views of the structure cannot drift apart.
 */
#ifndef HYP_VCPU_LAYOUT_H
#define HYP_VCPU_LAYOUT_H

#define VCPU_GPR(n) ((n)*8)	 /* guest x1..x31; slot 0 is a scratch word */
#define VCPU_SCRATCH 0		 /* the x0 slot: holds t0 during trap entry */
#define VCPU_SEPC 256
#define VCPU_HSTATUS 264
#define VCPU_SSTATUS 272
#define VCPU_SCAUSE 280
#define VCPU_STVAL 288
#define VCPU_HTVAL 296
#define VCPU_HTINST 304
#define VCPU_HYP_SP 312		 /* top of this vCPU's hypervisor stack */
#define VCPU_FAULT_SP 320	 /* top of the stack used to report a fault */
#define VCPU_FAULT_REGS 328	 /* x0..x31 of the hypervisor when it faulted */
#define VCPU_ECALL 584		 /* its ecall handler (trap.S calls it) */

/* Stacks, one of each per vCPU (hyp/core/main.c). */
#define HYP_STACK_SIZE 16384
#define FAULT_STACK_SIZE 8192

#endif
