/*
 * The second vCPU: started with HSM hart_start, it records the a0/a1 it
 * was entered with, counts the supervisor software interrupts (IPIs) it
 * takes, and stops itself with hart_stop when told to. It gives the hart
 * lists of IPI, RFENCE and HSM a hart other than the caller's.
 */
#include "conform.h"

volatile unsigned long sec_checkins, sec_ipis, sec_a0, sec_a1;
static volatile unsigned long sec_cmd;
static uint8_t sec_stack[16384] __attribute__((aligned(16)));

uintptr_t secondary_stack_top(void)
{
	return (uintptr_t)&sec_stack[sizeof(sec_stack)];
}

long hsm_status(unsigned long hart)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0);
	return r.error ? r.error * 1000 : r.value;
}

void secondary_command(enum sec_cmd cmd)
{
	__atomic_store_n(&sec_cmd, (unsigned long)cmd, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1UL << other_hart, 0, 0);
}

/* Called from guest_trap on the secondary for its software interrupt. */
void secondary_ipi(void)
{
	csr_clear(CSR_SIP, MIP_SSIP);
	__atomic_fetch_add(&sec_ipis, 1, __ATOMIC_ACQ_REL);
}

void secondary_main(unsigned long a0, unsigned long a1) __attribute__((noreturn));
void secondary_main(unsigned long a0, unsigned long a1)
{
	sec_a0 = a0;
	sec_a1 = a1;
	csr_write(CSR_SSCRATCH, 1); /* guest_trap: "I am the secondary" */
	csr_set(CSR_SIE, MIP_SSIP);
	__atomic_fetch_add(&sec_checkins, 1, __ATOMIC_ACQ_REL);
	for (;;) {
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		__asm__ volatile("wfi");
		if (__atomic_load_n(&sec_cmd, __ATOMIC_ACQUIRE) == SEC_STOP) {
			sec_cmd = SEC_NONE;
			/* "must be called with supervisor-mode interrupts
			 * disabled" ("Function: Hart stop"). */
			csr_clear(CSR_SSTATUS, SSTATUS_SIE);
			sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
		}
		if (__atomic_load_n(&sec_cmd, __ATOMIC_ACQUIRE) == SEC_PMU) {
			sec_cmd = SEC_NONE;
			secondary_pmu();
		}
	}
}

static unsigned long checkins_before;

static bool checked_in(void)
{
	return __atomic_load_n(&sec_checkins, __ATOMIC_ACQUIRE) > checkins_before;
}

/* Start the secondary (setup, not a check) and wait until it runs. */
bool secondary_start(void)
{
	checkins_before = sec_checkins;
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, other_hart,
				   (uintptr_t)secondary_entry, secondary_stack_top());
	return r.error == 0 && wait_for(checked_in, timebase_hz * 5);
}
