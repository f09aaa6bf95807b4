/*
 * SMP test guest, main part: the device tree, starting the secondary
 * vCPUs (SBI HSM), the command channel to them, the trap handler, the
 * order of the phases, stopping and restarting vCPUs, and the verdict.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "smp_guest.h"

unsigned nvcpus;
unsigned boot_hart;
bool bench_mode;
/* smp.fences=N: every vCPU sends N remote sfence.vma to the others at
 * once, first of all (two SMP VMs on shared harts: each waits for a
 * vCPU switched out on the hart where another waits for it). */
static uint64_t fences_n;
/* smp.shutdown_race: once every vCPU runs, all of them ask SBI SRST for a
 * shutdown at the same instant (one VM's stop raced by its own vCPUs). */
static bool shutdown_race;
/* smp.stop_race: the same with SBI HSM hart_stop instead of SRST: the
 * last vCPU to stop ends the VM, whichever it is, and only it. */
static bool stop_race;
/* smp.shutdown_at=MS: the same at an absolute time, MS ms of the time CSR:
 * several VMs given it stop at the same instant (two VMs' stops raced on
 * the harts they share). */
static uint64_t shutdown_at_ms;
/* smp.dump_fences=N: vCPU 0 writes N trace marks, then asks for a trace
 * dump while the others send it remote fences: the hypervisor must
 * answer them during the dump, not after it. */
static uint64_t dump_fences_marks;
static volatile bool dump_started, dump_done;
static void shutdown_at(uint64_t when) __attribute__((noreturn));
static uint64_t remote_fences(unsigned me, unsigned long mask, uint64_t n);
static uint64_t fence_loop(unsigned me, unsigned long mask);
volatile bool pingpong_mode;
struct vcpu_ctl ctl[MAX_VCPUS];
struct vcpu_stats stats[MAX_VCPUS];
volatile uint64_t sent[MAX_VCPUS][MAX_VCPUS];
volatile uint64_t got[MAX_VCPUS][MAX_VCPUS];
uint64_t timebase_hz = 10000000;

static bool have_dbcn;
bool has_vector;

/* Is V among the single-letter extensions of an ISA string ("rv64imafdcv_
 * zicsr...": the letters after rv64, up to the first '_')? */
static bool isa_has_v(const char *isa)
{
	if (!isa || strncmp(isa, "rv64", 4) != 0)
		return false;
	for (const char *c = isa + 4; *c && *c != '_'; c++)
		if (*c == 'v')
			return true;
	return false;
}
static volatile unsigned failures_total;
static char first_failure[120];

struct trap_frame;

/* This hart's id: each vCPU keeps it in sscratch, which VS-mode owns
 * (the hypervisor passes the guest's sscratch through as vsscratch). */
unsigned my_hart(void)
{
	return (unsigned)csr_read(CSR_SSCRATCH);
}

/* An SBI call with five arguments. */
struct sbiret sbi5(unsigned long eid, unsigned long fid, unsigned long a0,
		   unsigned long a1, unsigned long a2, unsigned long a3,
		   unsigned long a4)
{
	return sbi_call_full(eid, fid, a0, a1, a2, a3, a4, 0);
}

/* One whole line per SBI DBCN console_write, so lines of different vCPUs
 * never interleave. The buffer is on this vCPU's stack, which is identity
 * mapped (GVA = GPA), as DBCN wants a guest-physical address. */
static void say_v(const char *fmt, va_list ap)
{
	char buf[240];
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (have_dbcn) {
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, (unsigned long)n,
			 (uintptr_t)buf, 0);
		return;
	}
	for (int i = 0; i < n; i++)
		sbi_legacy(SBI_EXT_0_1_CONSOLE_PUTCHAR, (uint8_t)buf[i], NULL);
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say_v(fmt, ap);
	va_end(ap);
}

/* A failed check: printed at once, counted, the first one kept for the
 * final line. */
void fail(unsigned me, const char *fmt, ...)
{
	char msg[sizeof(first_failure)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say("smp: FAIL vCPU %u: %s", me, msg);
	stats[me].failures++;
	if (__atomic_fetch_add(&failures_total, 1, __ATOMIC_ACQ_REL) == 0)
		memcpy(first_failure, msg, sizeof(msg));
}

/* Failed checks so far, on every vCPU. */
unsigned failures(void)
{
	return __atomic_load_n(&failures_total, __ATOMIC_ACQUIRE);
}

/* SBI SRST shutdown; "system failure" as the reason when a check failed. */
void smp_shutdown(bool failure)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* n seconds in timebase ticks (the time CSR). */
uint64_t seconds(unsigned n)
{
	return timebase_hz * n;
}

/* Spin until *p >= want (counters only grow) or `ticks` of time passed. */
bool wait_until(volatile uint64_t *p, uint64_t want, uint64_t ticks)
{
	uint64_t until = csr_read(CSR_TIME) + ticks;
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want)
		if (csr_read(CSR_TIME) > until)
			return __atomic_load_n(p, __ATOMIC_ACQUIRE) >= want;
	return true;
}

/* A marker in this hart's trace ring (tracevisor's SBI trace extension). */
void trace_mark(unsigned long value)
{
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_MARK, value, 0, 0);
}

/* Software interrupts on (IPIs); nap() adds the timer while it sleeps. */
void irqs_on(void)
{
	csr_set(CSR_SIE, 1UL << IRQ_S_SOFT);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static volatile uint32_t napped[MAX_VCPUS];

/* Sleep `ticks` of time in wfi, woken by an SBI timer. Under -icount a
 * sleeping hart lets QEMU run the others at once; a spinning one keeps
 * them waiting for the end of its time slice. */
void nap(uint64_t ticks)
{
	unsigned me = my_hart();
	napped[me] = 0;
	csr_set(CSR_SIE, 1UL << IRQ_S_TIMER);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + ticks, 0, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	while (!__atomic_load_n(&napped[me], __ATOMIC_ACQUIRE)) {
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
}

/* Stop with a timer interrupt pending (a time in the past, STIE off, so
 * it is not taken): a STOPPED hart keeps nothing pending (reset.c checks
 * sip at the restart), and the trace must show the hypervisor lowering
 * what it raised (test_smp.sh). 1 ms: the hypervisor's timer raises it
 * at once. */
static void timer_pending_at_stop(void)
{
	csr_clear(CSR_SIE, 1UL << IRQ_S_TIMER);
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0, 0, 0);
	uint64_t until = csr_read(CSR_TIME) + timebase_hz / 1000;
	/* csr_read is an asm volatile read of time, which the check cannot see */
	while (csr_read(CSR_TIME) < until) /* NOLINT(bugprone-infinite-loop) */
		;
}

/* Every trap of every vCPU (guest/common/start.S trap_entry). */
void guest_trap(struct trap_frame *f)
{
	(void)f;
	uint64_t cause = csr_read(CSR_SCAUSE);
	if (cause == (CAUSE_INTERRUPT | IRQ_S_SOFT)) {
		ipi_handler();
		return;
	}
	if (cause == (CAUSE_INTERRUPT | IRQ_S_EXT)) { /* edges.c: the PLIC race */
		plic_ext_interrupt();
		return;
	}
	if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) { /* nap() */
		sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL, 0, 0);
		__atomic_store_n(&napped[my_hart()], 1, __ATOMIC_RELEASE);
		return;
	}
	say("smp: FAIL vCPU %u: unexpected trap scause %#lx stval %#lx sepc %#lx",
	    my_hart(), (unsigned long)cause, (unsigned long)csr_read(CSR_STVAL),
	    (unsigned long)csr_read(CSR_SEPC));
	smp_shutdown(true);
}

/* A vCPU other than the boot one. */
bool is_secondary(unsigned k)
{
	return k < nvcpus && k != boot_hart;
}

/* ---- commands from vCPU 0 ---------------------------------------------- */

void command(unsigned k, enum smp_cmd cmd, uint64_t arg)
{
	ctl[k].cmd = cmd;
	ctl[k].arg = arg;
	__atomic_store_n(&ctl[k].seq, ctl[k].seq + 1, __ATOMIC_RELEASE);
	long e = send_ipi(1UL << k, 0);
	if (e)
		fail(boot_hart, "send_ipi to vCPU %u for a command: error %ld", k, e);
}

/* How long vCPU 0 waits for a command to be done: generous, as guest
 * time is the host's under TCG. 3000 remote fences each from two vCPUs
 * of a hart time-shared by three take about a second on an idle host and
 * once took more than 5 s on a loaded one (test_timeshare's ts-fences);
 * a command that is never done (a lost IPI) still fails the run. */
#define COMMAND_TIMEOUT_S 20

bool command_wait(unsigned k, const char *what)
{
	if (wait_until(&ctl[k].done, ctl[k].seq, seconds(COMMAND_TIMEOUT_S)))
		return true;
	fail(boot_hart, "vCPU %u did not finish '%s' within %u s", k, what, COMMAND_TIMEOUT_S);
	return false;
}

void command_all(enum smp_cmd cmd, uint64_t arg)
{
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k))
			command(k, cmd, arg);
}

bool command_wait_all(const char *what)
{
	bool ok = true;
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k))
			ok &= command_wait(k, what);
	return ok;
}

/* What a secondary vCPU reports when it stops. */
void report_secondary(unsigned me)
{
	struct vcpu_stats *s = &stats[me];
	say("smp: vCPU %u (hart %u) run %lu%s: ping-pong %lu pings answered, %lu replies, "
	    "%lu interrupts; storm sent %lu received %lu; sfence %lu/%lu; fence.i %lu/%lu; "
	    "%lu interrupts in all (%lu without a new message); %s",
	    me, me, (unsigned long)s->runs, s->runs > 1 ? " (counts since boot)" : "",
	    (unsigned long)s->pp_msgs,
	    (unsigned long)s->replies, (unsigned long)s->pp_irqs,
	    (unsigned long)s->storm_sent, (unsigned long)s->storm_msgs,
	    (unsigned long)s->sfence_ok, (unsigned long)s->sfence_checks,
	    (unsigned long)s->fencei_ok, (unsigned long)s->fencei_checks,
	    (unsigned long)s->irqs, (unsigned long)s->empty,
	    s->failures ? "FAILED" : "ok");
}

/* A secondary: wait for commands (asleep in wfi), do them, acknowledge. */
static void command_loop(unsigned me) __attribute__((noreturn));
static void command_loop(unsigned me)
{
	struct vcpu_ctl *c = &ctl[me];
	uint64_t seen = __atomic_load_n(&cmd_seen[me], __ATOMIC_ACQUIRE);
	for (;;) {
		/* A command counts once the interrupt after it came: acting on
		 * c->seq alone could start it while its own IPI is still on the
		 * way, to land in the middle of the next phase. */
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		while (__atomic_load_n(&cmd_seen[me], __ATOMIC_ACQUIRE) == seen) {
			__asm__ volatile("wfi");
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		}
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		seen = __atomic_load_n(&cmd_seen[me], __ATOMIC_ACQUIRE);
		switch ((enum smp_cmd)c->cmd) {
		case CMD_PINGPONG:
			secondary_pingpong(me, c->arg);
			break;
		case CMD_STORM:
			storm(me, (unsigned)c->arg);
			break;
		case CMD_SPIN_FLIP:
			spin_flip(me, c->arg);
			break;
		case CMD_READ_FLIP:
			read_flip_check(me, c->arg);
			break;
		case CMD_CALL_CODE: /* arg: the value it must return */
			c->result = call_code();
			stats[me].fencei_checks++;
			if (c->result == c->arg)
				stats[me].fencei_ok++;
			else
				fail(me, "the written code returned %lu after remote_fence_i, "
				     "want %lu", (unsigned long)c->result, (unsigned long)c->arg);
			break;
		case CMD_RESET_PREP:
			reset_prep(me);
			break;
		case CMD_RESET_CHECK:
			reset_check(me);
			break;
		case CMD_PLIC_RAISE:
			plic_raise(me, c->arg);
			break;
		case CMD_TOUCH:
			first_touch(me, c->arg);
			break;
		case CMD_FENCES:
			c->result = remote_fences(me, 1UL << boot_hart, c->arg);
			break;
		case CMD_FENCE_LOOP:
			c->result = fence_loop(me, c->arg);
			break;
		case CMD_DUMP_LATE:
			while (!__atomic_load_n(&dump_started, __ATOMIC_ACQUIRE))
				;
			nap(timebase_hz / 50); /* 20 ms into vCPU 0's dump */
			sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_DUMP, 0, 0, 0);
			break;
		case CMD_SHUTDOWN:
			__atomic_store_n(&c->done, seen, __ATOMIC_RELEASE);
			shutdown_at(c->arg);
		case CMD_SUSPEND_NONRET:
			__atomic_store_n(&c->done, seen, __ATOMIC_RELEASE);
			suspend_nonret(me); /* resumes at secondary_entry */
		case CMD_STOP:
			report_secondary(me);
			__atomic_store_n(&c->done, seen, __ATOMIC_RELEASE);
			timer_pending_at_stop();
			sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
			fail(me, "SBI HSM hart_stop returned");
			break;
		case CMD_NONE:
			break;
		}
		__atomic_store_n(&c->done, seen, __ATOMIC_RELEASE);
	}
}

/* A secondary vCPU's first C code (entry.S), MMU off, own stack. */
void secondary_main(unsigned long hartid, unsigned long opaque)
	__attribute__((noreturn));
void secondary_main(unsigned long hartid, unsigned long opaque)
{
	unsigned me = (unsigned)hartid;
	csr_write(CSR_SSCRATCH, me);
	stats[me].boot_a0 = hartid;
	stats[me].boot_a1 = opaque;
	if (opaque != stack_top(me))
		fail(me, "started with opaque %#lx, not its stack top", opaque);
	paging_on();
	cmd_seen[me] = __atomic_load_n(&ctl[me].seq, __ATOMIC_ACQUIRE);
	irqs_on();
	uint64_t run = stats[me].runs + 1;
	stats[me].runs = run;
	__atomic_store_n(&stats[me].checkin, run, __ATOMIC_RELEASE);
	command_loop(me);
}

/* ---- device tree ------------------------------------------------------- */

/* Harts are the /cpus/cpu@N nodes; this guest wants their reg values to
 * be 0..N-1 (hart ids index its tables and hart masks). */
static bool read_fdt(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0) {
		say("smp: no /cpus node in the device tree");
		return false;
	}
	int len;
	const void *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (tb && (len == 4 || len == 8))
		timebase_hz = fdt_read_cells(tb, len / 4);
	unsigned n = 0;
	uint32_t seen = 0;
	for (int node = fdt_first_child(fdt, cpus); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *name = fdt_node_name(fdt, node);
		if (!name || strncmp(name, "cpu@", 4) != 0)
			continue;
		uint32_t reg;
		if (fdt_getprop_u32(fdt, node, "reg", &reg) != 0 || reg >= MAX_VCPUS ||
		    (seen & (1u << reg))) {
			say("smp: %s: hart id missing, repeated or >= %u", name, MAX_VCPUS);
			return false;
		}
		seen |= 1u << reg;
		n++;
		has_vector = isa_has_v(fdt_getprop(fdt, node, "riscv,isa", &len));
	}
	if (n == 0 || seen != (1u << n) - 1) {
		say("smp: the device tree's harts are not 0..%u (mask %#x)", n - 1, seen);
		return false;
	}
	nvcpus = n;
	for (int node = fdt_first_child(fdt, 0); node >= 0; node = fdt_next_sibling(fdt, node)) {
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (type && strcmp(type, "memory") == 0 &&
		    fdt_read_reg(fdt, node, 0, &ram_base, &ram_size) == 0)
			break;
	}
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	if (args) {
		const char *f = strstr(args, "smp.fences=");
		if (f && (f == args || f[-1] == ' '))
			fences_n = strtoul(f + 11, NULL, 0);
		for (const char *p = args; (p = strstr(p, "smp.bench")) != NULL; p++)
			if ((p == args || p[-1] == ' ') && (p[9] == 0 || p[9] == ' '))
				bench_mode = true;
		const char *df = strstr(args, "smp.dump_fences=");
		if (df && (df == args || df[-1] == ' '))
			dump_fences_marks = strtoul(df + 16, NULL, 0);
		const char *sa = strstr(args, "smp.shutdown_at=");
		if (sa && (sa == args || sa[-1] == ' '))
			shutdown_at_ms = strtoul(sa + 16, NULL, 0);
		for (const char *p = args; (p = strstr(p, "smp.shutdown_race")) != NULL; p++)
			if ((p == args || p[-1] == ' ') && (p[17] == 0 || p[17] == ' '))
				shutdown_race = true;
		for (const char *p = args; (p = strstr(p, "smp.stop_race")) != NULL; p++)
			if ((p == args || p[-1] == ' ') && (p[13] == 0 || p[13] == ' '))
				stop_race = true;
	}
	return true;
}

/* n remote sfence.vma to the vCPUs of mask, one at a time, up to the
 * first that fails (named): 1 then, else 0. */
static uint64_t remote_fences(unsigned me, unsigned long mask, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct sbiret r = sbi5(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, mask, 0, 0, 0, 0);
		if (r.error) {
			fail(me, "remote sfence.vma %lu of %lu: error %ld", (unsigned long)i + 1,
			     (unsigned long)n, r.error);
			return 1;
		}
	}
	return 0;
}

/* CMD_FENCE_LOOP: remote sfence.vma to the vCPUs of mask, one after the
 * other, until vCPU 0's dump is over; each timed. 1 when one failed. */
static uint64_t fence_loop(unsigned me, unsigned long mask)
{
	struct vcpu_stats *s = &stats[me];
	s->loop_fence_max = 0;
	while (!__atomic_load_n(&dump_done, __ATOMIC_ACQUIRE)) {
		uint64_t t0 = csr_read(CSR_TIME);
		if (remote_fences(me, mask, 1))
			return 1;
		uint64_t dt = csr_read(CSR_TIME) - t0;
		if (dt > s->loop_fence_max)
			s->loop_fence_max = dt;
		__atomic_store_n(&s->loop_fences, s->loop_fences + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Spin until the time CSR reaches `when`, then SBI SRST shutdown (success),
 * or with smp.stop_race SBI HSM hart_stop. */
static void shutdown_at(uint64_t when)
{
	/* csr_read is an asm volatile read of time, which the check cannot see */
	while (csr_read(CSR_TIME) < when) /* NOLINT(bugprone-infinite-loop) */
		;
	if (stop_race)
		sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	smp_shutdown(stop_race); /* a hart_stop that returned failed */
}

/* smp.fences: all vCPUs fence each other at once. */
static bool phase_fences(void)
{
	command_all(CMD_FENCES, fences_n);
	uint64_t bad = remote_fences(boot_hart, ((1UL << nvcpus) - 1) & ~(1UL << boot_hart),
				     fences_n);
	bool ok = command_wait_all("remote fences to the boot vCPU");
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k))
			bad += ctl[k].result;
	say("smp: fences: each of %u vCPUs sent %lu remote sfence.vma at once, %lu vCPU(s) had one fail",
	    nvcpus, (unsigned long)fences_n, (unsigned long)bad);
	return ok && !bad;
}

/* SBI PMU firmware counters (event type 15, "Firmware events"): the
 * counters after the hardware ones, counter_idx_base 3 and up here
 * (hyp/sbi/sbi_pmu.c); the first that can watch `code`, configured,
 * cleared and started, or -1. */
#define PMU_FW_EVENT(code) ((SBI_PMU_EVENT_TYPE_FW << 16) | (code))
#define PMU_FW_FIRST 3
#define PMU_FW_MASK 0xffffUL

static long pmu_fw_start(unsigned code)
{
	struct sbiret r = sbi5(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, PMU_FW_FIRST, PMU_FW_MASK,
			       SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
			       PMU_FW_EVENT(code), 0);
	return r.error ? -1 : r.value;
}

/* Its value, and the counter stopped and reset. */
static uint64_t pmu_fw_stop(long idx)
{
	struct sbiret r = sbi5(SBI_EXT_PMU, SBI_PMU_COUNTER_FW_READ, (unsigned long)idx, 0, 0, 0, 0);
	sbi5(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, (unsigned long)idx, 1, SBI_PMU_STOP_RESET, 0, 0);
	return r.error ? ~0UL : (uint64_t)r.value;
}

/* The remote sfence.vma requests vCPU 0 received while its dump ran
 * (those its hart took between two records) count as received like any
 * other: SBI PMU "SBI_PMU_FW_SFENCE_VMA_RECEIVED: Received SFENCE.VMA
 * request from other hart", each one, also when requests of several
 * vCPUs fencing it merged into one mailbox bit (smp.dump_fences with 4
 * vCPUs or more). Each fence was done, and so counted, before its
 * sender went on. */
static bool dump_fences_counted(long ctr, uint64_t sent, unsigned fencers)
{
	uint64_t counted = ctr < 0 ? ~0UL : pmu_fw_stop(ctr);
	say("smp: dump fences: vCPU %u's PMU counted %ld SFENCE.VMA requests received, %lu "
	    "were sent to it by %u vCPU(s)", boot_hart, (long)counted, (unsigned long)sent, fencers);
	if (counted != sent) {
		fail(boot_hart, "PMU SFENCE_VMA_RECEIVED %ld (counter %ld), want %lu", (long)counted,
		     ctr, (unsigned long)sent);
		return false;
	}
	return true;
}

/* smp.dump_fences: vCPU 0's dump (its ring filled with marks first, so
 * that it lasts) while the others fence it in a loop; with three vCPUs
 * or more, the first secondary asks for a dump of its own meanwhile and
 * waits for vCPU 0's to end, and the others fence both. A dump takes the
 * console for long; a fence asked of the dumping hart, or of one waiting
 * for the dump, must still be answered within a fraction of it. */
static bool phase_dump_fences(void)
{
	unsigned waiter = nvcpus >= 3 ? (boot_hart == 0 ? 1 : 0) : MAX_VCPUS;
	unsigned long mask = (1UL << boot_hart) | (waiter < MAX_VCPUS ? 1UL << waiter : 0);
	for (uint64_t i = 0; i < dump_fences_marks; i++)
		trace_mark(i);
	dump_started = dump_done = false;
	uint64_t fences0 = 0;
	for (unsigned k = 0; k < nvcpus; k++)
		fences0 += is_secondary(k) && k != waiter ? stats[k].loop_fences : 0;
	long ctr = pmu_fw_start(SBI_PMU_FW_SFENCE_VMA_RECEIVED);
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k))
			command(k, k == waiter ? CMD_DUMP_LATE : CMD_FENCE_LOOP, mask);
	for (unsigned k = 0; k < nvcpus; k++)
		if (is_secondary(k) && k != waiter &&
		    !wait_until(&stats[k].loop_fences, 1, seconds(5))) {
			fail(boot_hart, "vCPU %u sent no remote fence", k);
			return false;
		}
	uint64_t t0 = csr_read(CSR_TIME);
	__atomic_store_n(&dump_started, true, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_TRACEVISOR, SBI_TV_TRACE_DUMP, 0, 0, 0);
	uint64_t took = csr_read(CSR_TIME) - t0;
	__atomic_store_n(&dump_done, true, __ATOMIC_RELEASE);
	bool ok = command_wait_all("remote fences during a dump");
	uint64_t fences = 0;
	for (unsigned k = 0; k < nvcpus; k++)
		fences += is_secondary(k) && k != waiter ? stats[k].loop_fences : 0;
	ok &= dump_fences_counted(ctr, fences - fences0, nvcpus - 1 - (waiter < MAX_VCPUS));
	uint64_t ms = timebase_hz / 1000;
	for (unsigned k = 0; k < nvcpus; k++) {
		if (!is_secondary(k) || k == waiter)
			continue;
		struct vcpu_stats *s = &stats[k];
		say("smp: dump fences: the dump took %lu ms; vCPU %u sent %lu remote sfence.vma "
		    "to mask %#lx meanwhile, the longest took %lu ms", (unsigned long)(took / ms),
		    k, (unsigned long)s->loop_fences, mask, (unsigned long)(s->loop_fence_max / ms));
		if (ctl[k].result || 2 * s->loop_fence_max > took) {
			fail(boot_hart, "a remote fence waited for the dump (%lu of its %lu ms)",
			     (unsigned long)(s->loop_fence_max / ms), (unsigned long)(took / ms));
			ok = false;
		}
	}
	return ok;
}

/* ---- vCPU 0 -------------------------------------------------------------- */

static void report_boot(unsigned pp_msgs, unsigned pp_irqs)
{
	struct vcpu_stats *s = &stats[boot_hart];
	say("smp: vCPU %u (hart %u): started %u vCPUs; ping-pong %u round trips, %u replies "
	    "received, %u interrupts; storm sent %lu received %lu; sfence %lu/%lu; "
	    "fence.i %lu/%lu; %lu interrupts in all (%lu without a new message); %s",
	    boot_hart, boot_hart, nvcpus - 1, PP_ROUNDS * (nvcpus - 1), pp_msgs, pp_irqs,
	    (unsigned long)s->storm_sent, (unsigned long)s->storm_msgs,
	    (unsigned long)s->sfence_ok, (unsigned long)s->sfence_checks,
	    (unsigned long)s->fencei_ok, (unsigned long)s->fencei_checks,
	    (unsigned long)s->irqs, (unsigned long)s->empty,
	    s->failures ? "FAILED" : "ok");
}

/* Ping-pong with each secondary in turn, counted on both sides. Each
 * vCPU marks the trace at the start and end of its part, so the trace's
 * VSSIP injections on its hart can be matched with these counts. */
/* SBI SUSP: SUSPEND_TO_RAM requires every other hart to be STOPPED
 * ("System Suspend Extension"); with the secondaries running it must be
 * refused with SBI_ERR_DENIED, and vCPU 0 goes on. */
static bool susp_denied(void)
{
	struct sbiret r = sbi_call(SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND,
				   SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM, (uintptr_t)&susp_denied, 0);
	if (r.error != SBI_ERR_DENIED) {
		fail(0, "SUSP system_suspend with other vCPUs started: error %ld, want DENIED",
		     r.error);
		return false;
	}
	say("smp: susp: system_suspend with %u other vCPUs started: SBI_ERR_DENIED", nvcpus - 1);
	return true;
}

static bool phase_pingpong(unsigned *msgs0, unsigned *irqs0)
{
	bool ok = true;
	struct vcpu_stats *s = &stats[boot_hart];
	pingpong_mode = true;
	trace_mark(MARK_PP_BEGIN);
	uint64_t irq_before = s->irqs, msg_before = s->received;
	for (unsigned k = 0; k < nvcpus; k++) {
		if (!is_secondary(k))
			continue;
		uint64_t r0 = got[k][boot_hart];
		command(k, CMD_PINGPONG, PP_ROUNDS);
		if (!wait_until(&ctl[k].ready, ctl[k].seq, seconds(5))) {
			fail(boot_hart, "vCPU %u not ready for ping-pong", k);
			ok = false;
			continue;
		}
		ok &= ping_pong(k, PP_ROUNDS);
		ok &= command_wait(k, "ping-pong");
		uint64_t replies = got[k][boot_hart] - r0;
		struct vcpu_stats *t = &stats[k];
		say("smp: ping-pong vCPU %u <-> vCPU %u: %u round trips; vCPU %u took %lu pings "
		    "in %lu interrupts and sent %lu replies; vCPU %u received %lu replies",
		    boot_hart, k, PP_ROUNDS, k, (unsigned long)t->pp_msgs,
		    (unsigned long)t->pp_irqs, (unsigned long)t->replies, boot_hart,
		    (unsigned long)replies);
		if (t->pp_msgs != PP_ROUNDS || t->pp_irqs != PP_ROUNDS ||
		    t->replies != PP_ROUNDS || replies != PP_ROUNDS) {
			fail(boot_hart, "ping-pong with vCPU %u: pings %lu, interrupts %lu, "
			     "replies %lu/%lu, want %u each", k, (unsigned long)t->pp_msgs,
			     (unsigned long)t->pp_irqs, (unsigned long)t->replies,
			     (unsigned long)replies, PP_ROUNDS);
			ok = false;
		}
	}
	*irqs0 = (unsigned)(s->irqs - irq_before);
	*msgs0 = (unsigned)(s->received - msg_before);
	trace_mark(MARK_PP_END);
	pingpong_mode = false;
	unsigned want = PP_ROUNDS * (nvcpus - 1);
	if (*irqs0 != want || *msgs0 != want) {
		fail(boot_hart, "vCPU %u took %u replies in %u interrupts, want %u each",
		     boot_hart, *msgs0, *irqs0, want);
		ok = false;
	}
	return ok;
}

/* The IPIs the others sent vCPU 0 in the storm, each counted received by
 * its PMU ("SBI_PMU_FW_IPI_RECEIVED: Received IPI from other hart
 * event"), those that merged into one mailbox bit before its hart took
 * them too (the storm's interrupts are fewer than its messages: they
 * merge). The last ones may still be on their way to its hart when the
 * others are done: read until the count is reached, for at most 5 s. */
static bool storm_ipis_counted(long ctr, uint64_t sent_to_me)
{
	uint64_t until = csr_read(CSR_TIME) + seconds(5), counted;
	do {
		struct sbiret r = sbi5(SBI_EXT_PMU, SBI_PMU_COUNTER_FW_READ, (unsigned long)ctr,
				       0, 0, 0, 0);
		counted = r.error ? ~0UL : (uint64_t)r.value;
	} while (counted < sent_to_me && csr_read(CSR_TIME) < until);
	pmu_fw_stop(ctr);
	say("smp: storm: vCPU %u's PMU counted %ld IPIs received, %lu were sent to it",
	    boot_hart, (long)counted, (unsigned long)sent_to_me);
	if (ctr < 0 || counted != sent_to_me) {
		fail(boot_hart, "PMU IPI_RECEIVED %ld (counter %ld), want %lu", (long)counted, ctr,
		     (unsigned long)sent_to_me);
		return false;
	}
	return true;
}

/* Every vCPU sends to every other at once; then every message must have
 * been handled exactly once. */
static bool phase_storm(uint64_t *total)
{
	uint64_t sent0[MAX_VCPUS][MAX_VCPUS] = { { 0 } }, irqs0[MAX_VCPUS] = { 0 },
		 recv0[MAX_VCPUS] = { 0 };
	for (unsigned s = 0; s < nvcpus; s++) {
		irqs0[s] = stats[s].irqs;
		recv0[s] = stats[s].received;
		for (unsigned t = 0; t < nvcpus; t++)
			sent0[s][t] = sent[s][t];
	}
	long ctr = pmu_fw_start(SBI_PMU_FW_IPI_RECEIVED);
	command_all(CMD_STORM, STORM_ROUNDS);
	storm(boot_hart, STORM_ROUNDS);
	bool ok = command_wait_all("storm");
	uint64_t bcast = STORM_ROUNDS / STORM_BROADCAST_EVERY, to_me = 0;
	*total = 0;
	for (unsigned t = 0; t < nvcpus; t++) {
		uint64_t in = 0;
		for (unsigned s = 0; s < nvcpus; s++) {
			uint64_t n = sent[s][t] - sent0[s][t];
			uint64_t want = (s == t ? 0 : STORM_ROUNDS) + bcast;
			if (n != want) {
				fail(boot_hart, "storm: vCPU %u posted %lu for vCPU %u, want %lu",
				     s, (unsigned long)n, t, (unsigned long)want);
				ok = false;
			}
			if (got[s][t] != sent[s][t]) {
				fail(boot_hart, "storm: vCPU %u handled %lu of vCPU %u's %lu "
				     "messages (lost)", t, (unsigned long)got[s][t], s,
				     (unsigned long)sent[s][t]);
				ok = false;
			}
			in += n;
			to_me += t == boot_hart && s != t ? n : 0;
		}
		stats[t].storm_msgs = stats[t].received - recv0[t];
		stats[t].storm_irqs = stats[t].irqs - irqs0[t];
		if (stats[t].storm_msgs != in) {
			fail(boot_hart, "storm: vCPU %u counted %lu messages, %lu were sent to it",
			     t, (unsigned long)stats[t].storm_msgs, (unsigned long)in);
			ok = false;
		}
		*total += in;
	}
	say("smp: storm: %u vCPUs x %u rounds (every %uth also to all with "
	    "hart_mask_base -1): %lu messages, each handled once",
	    nvcpus, STORM_ROUNDS, STORM_BROADCAST_EVERY, (unsigned long)*total);
	for (unsigned t = 0; t < nvcpus; t++)
		say("smp: storm: vCPU %u sent %lu, received %lu in %lu interrupts",
		    t, (unsigned long)stats[t].storm_sent, (unsigned long)stats[t].storm_msgs,
		    (unsigned long)stats[t].storm_irqs);
	return storm_ipis_counted(ctr, to_me) && ok;
}

void guest_main(unsigned long hart, const void *fdt)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN, 0, 0);
	have_dbcn = r.error == 0 && r.value != 0;
	boot_hart = (unsigned)hart;
	csr_write(CSR_SSCRATCH, boot_hart);
	if (fdt_check(fdt, 0x4000) != 0 || !read_fdt(fdt))
		smp_shutdown(true);
	if (boot_hart >= nvcpus) {
		say("smp: booted on hart %u, which is not in the device tree", boot_hart);
		smp_shutdown(true);
	}
	say("smp: SMP test guest on hart %u: %u vCPU(s) in the device tree%s", boot_hart,
	    nvcpus, bench_mode ? ", benchmark mode" : "");
	stats[boot_hart].runs = stats[boot_hart].checkin = 1;
	paging_build();
	paging_on();
	irqs_on();
	if (nvcpus < 2) {
		say("smp: FAIL: only one vCPU; boot with tv.vcpus=N (N >= 2) and -smp N");
		smp_shutdown(true);
	}
	if (bench_mode) {
		/* vCPU 1 only: the other harts stay stopped, out of the count. */
		unsigned k = boot_hart == 1 ? 0 : 1;
		if (start_for_bench(k))
			bench_ipi_with(k);
		say("bench: done");
		smp_shutdown(failures_total != 0);
	}

	bool ok = start_secondaries();
	say("smp: hsm: started %u secondary vCPUs (STOPPED before, %s after hart_start, "
	    "STARTED once running)%s", nvcpus - 1,
	    start_pending_seen ? "START_PENDING or STARTED" : "STARTED",
	    ok ? "" : ": FAILED");
	if (!ok) {
		say("smp: %u vCPUs, FAILED: %s", nvcpus, first_failure);
		smp_shutdown(true);
	}

	if (shutdown_race || stop_race || shutdown_at_ms) {
		/* 50 ms ahead: every vCPU has its command by then. The line
		 * is printed before any vCPU has it, so a stop cannot cut it
		 * off (a loaded host once took longer than 10 ms to print it). */
		uint64_t when = shutdown_at_ms ? shutdown_at_ms * (timebase_hz / 1000)
					       : csr_read(CSR_TIME) + timebase_hz / 20;
		say("smp: %s race: all %u vCPUs call %s at time %lu", stop_race ? "stop" : "shutdown",
		    nvcpus, stop_race ? "HSM hart_stop" : "SRST shutdown", (unsigned long)when);
		command_all(CMD_SHUTDOWN, when);
		shutdown_at(when);
	}

	/* A phase that failed may leave vCPUs unresponsive (a lost IPI and
	 * they sleep on): then go straight to the verdict. */
	unsigned pp_msgs = 0, pp_irqs = 0, stops = 0, restarts = 0;
	uint64_t storm_total = 0;
	ok = !fences_n || phase_fences();
	ok = ok && (!dump_fences_marks || phase_dump_fences());
	ok = ok && phase_pingpong(&pp_msgs, &pp_irqs) && phase_storm(&storm_total);
	ok = ok && fence_tests();
	ok = ok && hart_mask_tests();
	ok = ok && plic_output_race();
	ok = ok && first_touch_race();
	ok = ok && susp_denied();
	report_boot(pp_msgs, pp_irqs);
	ok = ok && hsm_stop_restart(&stops, &restarts);
	ok = ok && start_at_last_halfword(boot_hart == 1 ? 2 : 1);
	ok = ok && plic_claim_other_context();
	ok = ok && plic_m_context_silent();
	if (!ok) {
		say("smp: stopped after the first failed phase; the other vCPUs' counts:");
		for (unsigned k = 0; k < nvcpus; k++)
			if (is_secondary(k) && ctl[k].cmd != CMD_STOP)
				report_secondary(k);
	}

	uint64_t sf = 0, fi = 0;
	for (unsigned k = 0; k < nvcpus; k++) {
		sf += stats[k].sfence_ok;
		fi += stats[k].fencei_ok;
	}
	char counts[200];
	snprintf(counts, sizeof(counts),
		 "ping-pong %ux%u round trips, storm %lu IPIs, %lu sfence checks, "
		 "%lu fence.i checks, %u hart stops, %u restart",
		 nvcpus - 1, PP_ROUNDS, (unsigned long)storm_total, (unsigned long)sf,
		 (unsigned long)fi, stops, restarts);
	unsigned nf = failures();
	if (ok && nf == 0) {
		say("smp: %u vCPUs, %s, all checks passed", nvcpus, counts);
		smp_shutdown(false);
	}
	say("smp: %u vCPUs, %s, %u check(s) FAILED, first: %s", nvcpus, counts, nf,
	    nf ? first_failure : "?");
	smp_shutdown(true);
}
