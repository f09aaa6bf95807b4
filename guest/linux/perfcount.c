/*
 * perfcount - count the CPU cycles and instructions of a loop with Linux's
 * perf events, as `perf stat -e cycles,instructions` would, and print
 *   perfcount: loop of N iterations: cycles C, instructions I
 * or "perfcount: FAILED ..." naming the call that failed.
 *
 * Under tracevisor the events are counted by the SBI PMU's counters 0 and
 * 2, the guest's virtual cycle and instret (hyp/sbi/sbi_pmu_hw.c): Linux's
 * riscv-pmu-sbi driver stops every counter at boot, configures one with
 * config_matching, starts it with an initial value and reads the CSR,
 * which the hypervisor emulates. The Linux guest's /init runs it.
 *
 * A static riscv64 Linux program with no libc: raw system calls
 * (asm-generic/unistd.h numbers) and the perf_event_open(2) ABI
 * (include/uapi/linux/perf_event.h). Built by scripts/fetch-linux.sh:
 *   riscv64-unknown-elf-gcc -nostdlib -static -ffreestanding -O2 \
 *       -march=rv64imac -mabi=lp64 -Wl,-e,_start perfcount.c -o perfcount
 */
#define SYS_ioctl 29
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_perf_event_open 241

#define PERF_TYPE_HARDWARE 0
#define PERF_COUNT_HW_CPU_CYCLES 0
#define PERF_COUNT_HW_INSTRUCTIONS 1
#define PERF_EVENT_IOC_ENABLE 0x2400  /* _IO('$', 0) */
#define PERF_EVENT_IOC_DISABLE 0x2401 /* _IO('$', 1) */
#define PERF_EVENT_IOC_RESET 0x2403   /* _IO('$', 3) */
#define ATTR_DISABLED (1UL << 0)

#define LOOPS 1000000UL

typedef unsigned long u64;

/* The first 64 bytes of struct perf_event_attr (PERF_ATTR_SIZE_VER0). */
struct perf_attr {
	unsigned int type, size;
	u64 config, sample_period, sample_type, read_format, flags;
	unsigned int wakeup_events, bp_type;
	u64 bp_addr;
};

static long sys(long n, long a0, long a1, long a2, long a3, long a4)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r7 __asm__("a7") = n;
	__asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r7)
			 : "memory");
	return r0;
}

static char out[160];
static unsigned len;

static void put(const char *s)
{
	while (*s && len < sizeof(out) - 1)
		out[len++] = *s++;
}

static void put_num(u64 v)
{
	char d[24];
	int n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 24);
	while (n && len < sizeof(out) - 1)
		out[len++] = d[--n];
}

static void __attribute__((noreturn)) finish(int status)
{
	put("\n");
	sys(SYS_write, 1, (long)out, len, 0, 0);
	sys(SYS_exit, status, 0, 0, 0, 0);
	for (;;)
		;
}

/* One counting event for this process, disabled. No exclude_* flags:
 * without Sscofpmf Linux's SBI PMU driver filters nothing by mode and
 * refuses events that ask it to (PERF_PMU_CAP_NO_EXCLUDE: EINVAL). */
static long open_event(u64 config)
{
	struct perf_attr a = { 0 };
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = config;
	a.flags = ATTR_DISABLED;
	return sys(SYS_perf_event_open, (long)&a, 0 /* this process */, -1 /* any cpu */,
		   -1 /* no group */, 0);
}

/* The ELF entry point the kernel jumps to (-Wl,-e,_start). */
void _start(void) __attribute__((noreturn)); /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c) */
void _start(void) /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c) */
{
	put("perfcount: ");
	long cy = open_event(PERF_COUNT_HW_CPU_CYCLES);
	long in = open_event(PERF_COUNT_HW_INSTRUCTIONS);
	if (cy < 0 || in < 0) {
		put("FAILED perf_event_open: cycles ");
		put_num((u64)-cy);
		put(" instructions ");
		put_num((u64)-in);
		put(" (negated errno, 0: opened)");
		finish(1);
	}
	sys(SYS_ioctl, cy, PERF_EVENT_IOC_RESET, 0, 0, 0);
	sys(SYS_ioctl, in, PERF_EVENT_IOC_RESET, 0, 0, 0);
	sys(SYS_ioctl, cy, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
	sys(SYS_ioctl, in, PERF_EVENT_IOC_ENABLE, 0, 0, 0);
	for (u64 i = 0; i < LOOPS; i++)
		__asm__ volatile("" ::: "memory"); /* one add and one branch at least */
	sys(SYS_ioctl, in, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
	sys(SYS_ioctl, cy, PERF_EVENT_IOC_DISABLE, 0, 0, 0);
	u64 cycles = 0, insns = 0;
	if (sys(SYS_read, cy, (long)&cycles, 8, 0, 0) != 8 ||
	    sys(SYS_read, in, (long)&insns, 8, 0, 0) != 8) {
		put("FAILED read of a counter");
		finish(1);
	}
	put("loop of ");
	put_num(LOOPS);
	put(" iterations: cycles ");
	put_num(cycles);
	put(", instructions ");
	put_num(insns);
	finish(0);
}
