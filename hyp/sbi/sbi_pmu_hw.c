/*
 * The guest's hardware counters of the SBI PMU (sbi_pmu.c): counter 0 is
 * `cycle`, counter 2 `instret`, each virtual, one per vCPU.
 *
 * Only machine mode can start, stop or write the hart's mcycle and
 * minstret (mcountinhibit, mcycle; "Performance Monitoring Unit
 * Extension"), and the hypervisor's own trace records read the same
 * `cycle` (hyp/trace/trace.c). Were a guest's start, stop or initial
 * value passed on to the firmware's PMU, the guest could freeze or rewind
 * the cycle column of what the hypervisor records. So the guest never
 * reaches the real counters: no call of this file goes to the firmware.
 *
 * A vCPU that never names counter 0 or 2 in an SBI PMU call reads the
 * hardware's counters directly, with no exit (hcounteren.CY/IR set at
 * vCPU setup, vcpu.c). The first config_matching, start or stop that names
 * one clears that bit of hcounteren on the vCPU's hart (its own: a vCPU
 * per hart), and from then on the guest's reads of that CSR exit and are
 * emulated here: "When the CY, TM, IR, or HPMn bit in the hcounteren
 * register is clear, attempts to read the cycle, time, instret, or
 * hpmcountern register while V=1 will cause a virtual-instruction
 * exception if the same bit in mcounteren is 1" ("Hypervisor
 * Counter-Enable (hcounteren) Register"). A started counter reads as the
 * hardware's count plus the vCPU's offset, which counter_start's initial
 * value sets; a stopped one reads the value it had when it stopped.
 *
 * Counter 0 counts CPU_CYCLES and counter 2 INSTRUCTIONS (hardware general
 * events 1 and 2), and nothing else. They count every cycle and
 * instruction of the hart, the hypervisor's for this vCPU included: the
 * filter hints of config_matching (config_flags[7:3]) are ignored, as the
 * specification allows ("can be ignored or overridden by the SBI
 * implementation").
 *
 * `time` is not among them: the guest reads it through htimedelta, which
 * only the hypervisor writes, and the trace's time column reads the
 * hypervisor's own `time`, which no mode below machine mode can change.
 */
#include <tracevisor/sbi_ids.h>

#include "sbi.h"
#include "sbi_hooks.h"

int hart_can_read_cycle(void);	 /* hyp/arch/csr_try.S */
int hart_can_read_instret(void); /* hyp/arch/csr_try.S */

#define HW_CYCLE 0
#define HW_INSTRET 2
/* Zicntr: mcycle and minstret have 64 bits on every hart ("Hardware
 * Performance Monitor"); counter_info's width is one less. */
#define HW_WIDTH_M1 63UL

static uint64_t hw_read(unsigned c)
{
	return c == HW_CYCLE ? csr_read(CSR_CYCLE) : csr_read(CSR_INSTRET);
}

/* Which of cycle and instret HS-mode may read (the firmware's mcounteren):
 * those are the ones the guest gets, virtualised. The same on every hart,
 * so a race between two first callers is harmless. */
uint64_t pmu_hw_offered(void)
{
	static int offered = -1;
	if (offered < 0)
		offered = (hart_can_read_cycle() ? 1 << HW_CYCLE : 0) |
			  (hart_can_read_instret() ? 1 << HW_INSTRET : 0);
	return (uint64_t)offered;
}

unsigned long pmu_hw_info(unsigned c)
{
	return (CSR_CYCLE + c) | (HW_WIDTH_M1 << 12);
}

/* The one event each counter counts: type 0, code CPU_CYCLES or
 * INSTRUCTIONS. */
bool pmu_hw_counts(unsigned c, unsigned long event_idx)
{
	return event_idx == (c == HW_CYCLE ? SBI_PMU_HW_CPU_CYCLES : SBI_PMU_HW_INSTRUCTIONS);
}

/* From direct reads to emulated ones. The guest has seen the hardware's
 * count so far; the counter was never started through SBI, so it is now
 * stopped at that count. hcounteren's CY and IR are bits 0 and 2, the
 * counters' own indices. */
void pmu_hw_take(struct vcpu *v, unsigned c)
{
	uint32_t bit = 1U << c;
	if (v->sbi.pmu_hw_virtual & bit)
		return;
	v->sbi.pmu_hw_value[c] = hw_read(c);
	v->sbi.pmu_hw_started &= ~bit;
	v->sbi.pmu_hw_virtual |= bit;
	csr_clear(CSR_HCOUNTEREN, bit);
}

static bool started(const struct vcpu *v, unsigned c)
{
	return (v->sbi.pmu_hw_started & (1U << c)) != 0;
}

uint64_t pmu_hw_get(const struct vcpu *v, unsigned c)
{
	return started(v, c) ? hw_read(c) + v->sbi.pmu_hw_value[c] : v->sbi.pmu_hw_value[c];
}

void pmu_hw_set(struct vcpu *v, unsigned c, uint64_t value)
{
	v->sbi.pmu_hw_value[c] = started(v, c) ? value - hw_read(c) : value;
}

void pmu_hw_start(struct vcpu *v, unsigned c)
{
	if (started(v, c))
		return;
	v->sbi.pmu_hw_value[c] -= hw_read(c);
	v->sbi.pmu_hw_started |= 1U << c;
}

void pmu_hw_stop(struct vcpu *v, unsigned c)
{
	if (!started(v, c))
		return;
	v->sbi.pmu_hw_value[c] = pmu_hw_get(v, c);
	v->sbi.pmu_hw_started &= ~(1U << c);
}

/*
 * A time-shared hart (hyp/core/sched.c) switches from one vCPU to
 * another. A started counter is the hardware's count plus an offset;
 * left so, it would go on counting while other vCPUs, of other VMs too,
 * have the hart, and one VM would read in its cycle and instret how
 * long and how much another ran. So `from`'s started counters keep
 * their value while it is out (the offset becomes the value itself) and
 * `to`'s start again from theirs: each counts its own vCPU's turns, the
 * hypervisor's work for it included, as on a hart of its own.
 * (A vCPU that reads the hart's counters directly, never having named
 * them in an SBI PMU call, sees the hart's counts, as under KVM.)
 */
static void hw_pause(struct vcpu *v, unsigned c)
{
	if (started(v, c))
		v->sbi.pmu_hw_value[c] += hw_read(c);
}

static void hw_resume(struct vcpu *v, unsigned c)
{
	if (started(v, c))
		v->sbi.pmu_hw_value[c] -= hw_read(c);
}

void sbi_pmu_switch(struct vcpu *from, struct vcpu *to)
{
	hw_pause(from, HW_CYCLE);
	hw_pause(from, HW_INSTRET);
	hw_resume(to, HW_CYCLE);
	hw_resume(to, HW_INSTRET);
}

/*
 * A virtual-instruction exit at a CSR instruction on `cycle` or `instret`
 * that this vCPU no longer reads directly: emulate the read and step past
 * it. false for anything else, which stays an illegal instruction for the
 * guest: another CSR, a counter still read directly (hcounteren set, so
 * the exit had another reason), a write (these CSRs are read-only, and
 * CSRRW/CSRRWI write always, CSRRS/CSRRC and their immediate forms unless
 * rs1/uimm is 0: "CSR Instructions"), or a read from VU-mode that the
 * guest's own scounteren does not allow ("In VU-mode, a counter is not
 * readable unless the applicable bits are set in both hcounteren and
 * scounteren"; the guest's scounteren is the hart's, which the hypervisor
 * never uses).
 */
bool sbi_pmu_counter_read(struct vcpu *v, uint32_t insn)
{
	unsigned funct3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
	unsigned csr = insn >> 20;
	if ((insn & 0x7f) != 0x73 || funct3 == 0 || funct3 == 4)
		return false; /* not a CSR instruction */
	if (csr != CSR_CYCLE + HW_CYCLE && csr != CSR_CYCLE + HW_INSTRET)
		return false;
	unsigned c = csr - CSR_CYCLE;
	if (!(v->sbi.pmu_hw_virtual & (1U << c)))
		return false;
	if (funct3 == 1 || funct3 == 5 || rs1 != 0)
		return false;
	if (!(v->sstatus & SSTATUS_SPP) && !(csr_read(CSR_SCOUNTEREN) & (1U << c)))
		return false;
	vcpu_set_reg(v, rd, pmu_hw_get(v, c));
	v->sepc += 4;
	return true;
}
