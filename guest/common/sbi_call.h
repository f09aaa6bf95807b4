/*
 * SBI calls from a guest (the same binary encoding a kernel uses to reach
 * its firmware; under tracevisor each is a VS-mode ecall exit).
 */
#ifndef GUEST_SBI_CALL_H
#define GUEST_SBI_CALL_H

#include <stdint.h>
#include <tracevisor/sbi_ids.h>

struct sbiret {
	long error;
	long value;
};

/* An SBI call with all six argument registers ("Binary Encoding": a0-a5
 * arguments, a6 FID, a7 EID; a0 = error and a1 = value come back). */
static inline struct sbiret sbi_call_full(unsigned long eid, unsigned long fid,
					  unsigned long a0, unsigned long a1,
					  unsigned long a2, unsigned long a3,
					  unsigned long a4, unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ (long)r0, (long)r1 };
}

static inline struct sbiret sbi_call(unsigned long eid, unsigned long fid,
				     unsigned long a0, unsigned long a1,
				     unsigned long a2)
{
	return sbi_call_full(eid, fid, a0, a1, a2, 0, 0, 0);
}

/* Legacy v0.1 call: result in a0 only; a1 must survive. */
static inline long sbi_legacy(unsigned long eid, unsigned long a0,
			      unsigned long *a1_after)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = 0x5a5a5a5a;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r7) : "memory");
	if (a1_after)
		*a1_after = r1;
	return (long)r0;
}

#endif
