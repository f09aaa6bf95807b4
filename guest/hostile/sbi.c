/*
 * SBI attacks: calls that do not exist and calls with arguments no
 * implementation may act on. Expected errors are those of the SBI
 * specification v2.0 (the version tracevisor reports):
 *   - an unknown EID or FID: SBI_ERR_NOT_SUPPORTED ("Binary Encoding");
 *   - DBCN buffers not wholly in guest RAM: SBI_ERR_INVALID_PARAM
 *     ("Debug Console Extension");
 *   - HSM hart_start: an invalid hart is SBI_ERR_INVALID_PARAM, a start
 *     address that is not valid guest memory SBI_ERR_INVALID_ADDRESS, a
 *     hart already running SBI_ERR_ALREADY_AVAILABLE. The specification
 *     gives no order; tracevisor (hyp/sbi/sbi_hsm.c) checks the hart, then
 *     the address, then the state, as OpenSBI does, so an invalid hart
 *     with a bad address is INVALID_PARAM and hart 0 (running) with a bad
 *     address is INVALID_ADDRESS;
 *   - HSM hart_suspend: a reserved type, or a platform-specific one that is
 *     not implemented, is SBI_ERR_INVALID_PARAM ("Hart suspend" errors);
 *   - hart masks naming harts the VM does not have: SBI_ERR_INVALID_PARAM
 *     ("Hart list parameter");
 *   - RFENCE over any range (whole space, near the top): SBI_SUCCESS, and
 *     the HFENCE functions, for a guest without H: SBI_ERR_NOT_SUPPORTED;
 *   - SRST with a reserved or unimplemented platform-specific type or
 *     reason: SBI_ERR_INVALID_PARAM ("System Reset Extension");
 *   - tracevisor's trace extension with a filter naming no record kind:
 *     SBI_ERR_INVALID_PARAM.
 */
#include "hostile.h"

struct sbi6 {
	unsigned long a[6];
};

/* An SBI call with all six argument registers. */
static struct sbiret sbi_call6(unsigned long eid, unsigned long fid, struct sbi6 args)
{
	return sbi_call_full(eid, fid, args.a[0], args.a[1], args.a[2], args.a[3],
			     args.a[4], args.a[5]);
}

/* One attempt: the call, its error against `want`. Success where an error
 * was due means the hypervisor acted on what it must refuse. */
static struct sbiret try_sbi(const char *what, unsigned long eid, unsigned long fid,
			     struct sbi6 args, long want)
{
	attempt_begin();
	struct sbiret r = sbi_call6(eid, fid, args);
	enum verdict v = r.error == want ? CONTAINED
			 : (r.error == SBI_SUCCESS ? ESCAPE : DIFFERS);
	attempt_end(what, sbi_err_text(r.error), sbi_err_text(want), v);
	return r;
}

#define ARGS(...) ((struct sbi6){ { __VA_ARGS__ } })

/* EIDs nothing implements: legacy ones not offered, standard ones not
 * offered, the experimental, vendor and firmware ranges, the extremes. */
static void unknown_extensions(void)
{
	static const struct {
		const char *what;
		unsigned long eid;
	} eids[] = {
		{ "legacy send_ipi (EID 0x04, not offered)", 0x04 },
		{ "legacy remote_sfence_vma (EID 0x06, not offered)", 0x06 },
		{ "EID 0x09 (past the legacy range)", 0x09 },
		{ "EID 0x0F (below BASE)", 0x0F },
		{ "CPPC (EID 0x43505043, not offered)", 0x43505043 },
		{ "NACL (EID 0x4E41434C, not offered)", 0x4E41434C },
		{ "SSE (EID 0x535345, not offered)", 0x535345 },
		{ "experimental EID 0x08000000", 0x08000000 },
		{ "experimental EID 0x08FFFFFF", 0x08FFFFFF },
		{ "vendor EID 0x09000000", 0x09000000 },
		{ "vendor EID 0x09545654 (tracevisor's before it moved to the firmware range)", 0x09545654 },
		{ "vendor EID 0x09FFFFFF", 0x09FFFFFF },
		{ "firmware EID 0x0A000000", 0x0A000000 },
		{ "firmware EID 0x0AFFFFFF", 0x0AFFFFFF },
		{ "EID 0x7FFFFFFF", 0x7FFFFFFF },
		{ "EID 0x80000000", 0x80000000 },
		{ "EID 0xFFFFFFFF", 0xFFFFFFFFUL },
		{ "EID -1 (all 64 bits set)", ~0UL },
	};
	char what[96];
	for (unsigned i = 0; i < sizeof(eids) / sizeof(eids[0]); i++) {
		snprintf(what, sizeof(what), "SBI call to %s", eids[i].what);
		try_sbi(what, eids[i].eid, 0, ARGS(0), SBI_ERR_NOT_SUPPORTED);
	}
	/* probe_extension must not claim them either. */
	attempt_begin();
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, 0xFFFFFFFFUL, 0, 0);
	attempt_end("BASE probe_extension(EID 0xFFFFFFFF)",
		    r.error == 0 && r.value == 0 ? "SBI_SUCCESS (0), value 0" : "claimed present",
		    "SBI_SUCCESS (0), value 0", r.error == 0 && r.value == 0 ? CONTAINED : DIFFERS);
}

/* A FID past the last one of every extension offered, and FID -1. */
static void unknown_functions(void)
{
	static const struct {
		const char *ext;
		unsigned long eid, fid;
	} fids[] = {
		{ "BASE", SBI_EXT_BASE, 7 }, { "BASE", SBI_EXT_BASE, ~0UL },
		{ "TIME", SBI_EXT_TIME, 1 }, { "TIME", SBI_EXT_TIME, ~0UL },
		{ "IPI", SBI_EXT_IPI, 1 }, { "IPI", SBI_EXT_IPI, ~0UL },
		{ "RFENCE", SBI_EXT_RFENCE, 7 }, { "RFENCE", SBI_EXT_RFENCE, ~0UL },
		{ "HSM", SBI_EXT_HSM, 4 }, { "HSM", SBI_EXT_HSM, ~0UL },
		{ "SRST", SBI_EXT_SRST, 1 }, { "SRST", SBI_EXT_SRST, ~0UL },
		{ "DBCN", SBI_EXT_DBCN, 3 }, { "DBCN", SBI_EXT_DBCN, ~0UL },
		{ "tracevisor", SBI_EXT_TRACEVISOR, 5 }, { "tracevisor", SBI_EXT_TRACEVISOR, ~0UL },
		{ "PMU", SBI_EXT_PMU, 9 }, { "PMU", SBI_EXT_PMU, ~0UL },
		{ "SUSP", SBI_EXT_SUSP, 1 }, { "SUSP", SBI_EXT_SUSP, ~0UL },
		{ "STA", SBI_EXT_STA, 1 }, { "STA", SBI_EXT_STA, ~0UL },
		{ "FWFT", SBI_EXT_FWFT, 2 }, { "FWFT", SBI_EXT_FWFT, ~0UL },
	};
	char what[96];
	for (unsigned i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		snprintf(what, sizeof(what), "%s unknown FID %#lx", fids[i].ext, fids[i].fid);
		try_sbi(what, fids[i].eid, fids[i].fid, ARGS(0), SBI_ERR_NOT_SUPPORTED);
	}
}

/* DBCN buffers that are not wholly guest RAM. */
static void dbcn(void)
{
	static char ok_buf[64] = "a buffer in guest RAM";
	uint64_t ram = mach.ram_base, end = mach.ram_base + mach.ram_size;
	uint64_t own = (uint64_t)(uintptr_t)ok_buf;
	const struct {
		const char *what;
		unsigned long fid, len, lo, hi;
	} calls[] = {
		{ "write 16 bytes from GPA 0x1000 (below RAM)", SBI_DBCN_CONSOLE_WRITE, 16, 0x1000, 0 },
		{ "write 64 bytes straddling the end of RAM", SBI_DBCN_CONSOLE_WRITE, 64, end - 8, 0 },
		{ "write 1 byte just past RAM", SBI_DBCN_CONSOLE_WRITE, 1, end, 0 },
		{ "write ~0 bytes from RAM", SBI_DBCN_CONSOLE_WRITE, ~0UL, ram, 0 },
		{ "write RAM size + 1 bytes from RAM", SBI_DBCN_CONSOLE_WRITE, mach.ram_size + 1, ram, 0 },
		{ "write 2^63 bytes from our buffer", SBI_DBCN_CONSOLE_WRITE, 1UL << 63, own, 0 },
		{ "write 16 bytes from GPA 2^64-8 (wraps)", SBI_DBCN_CONSOLE_WRITE, 16, ~7UL, 0 },
		{ "write with base_addr_hi 1", SBI_DBCN_CONSOLE_WRITE, 16, own, 1 },
		{ "write with base_addr_hi ~0", SBI_DBCN_CONSOLE_WRITE, 16, own, ~0UL },
		{ "write from the test device (MMIO)", SBI_DBCN_CONSOLE_WRITE, 8, GPA_TESTDEV, 0 },
		{ "read 16 bytes into GPA 0x1000", SBI_DBCN_CONSOLE_READ, 16, 0x1000, 0 },
		{ "read 64 bytes straddling the end of RAM", SBI_DBCN_CONSOLE_READ, 64, end - 8, 0 },
		{ "read ~0 bytes into RAM", SBI_DBCN_CONSOLE_READ, ~0UL, ram, 0 },
		{ "read with base_addr_hi 1", SBI_DBCN_CONSOLE_READ, 16, own, 1 },
		{ "read into the UART (MMIO)", SBI_DBCN_CONSOLE_READ, 8, GPA_UART, 0 },
	};
	char what[128];
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(what, sizeof(what), "DBCN %s", calls[i].what);
		try_sbi(what, SBI_EXT_DBCN, calls[i].fid,
			ARGS(calls[i].len, calls[i].lo, calls[i].hi), SBI_ERR_INVALID_PARAM);
	}
	/* Every protected host range, both ways. */
	for (unsigned i = 0; i < mach.nranges; i++) {
		snprintf(what, sizeof(what), "DBCN write 64 bytes from protected range %u (%#lx)",
			 i, (unsigned long)mach.range_base[i]);
		try_sbi(what, SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE,
			ARGS(64, mach.range_base[i], 0), SBI_ERR_INVALID_PARAM);
		snprintf(what, sizeof(what), "DBCN read 64 bytes into protected range %u (%#lx)",
			 i, (unsigned long)mach.range_base[i]);
		try_sbi(what, SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ,
			ARGS(64, mach.range_base[i], 0), SBI_ERR_INVALID_PARAM);
	}
}

/* HSM: harts that do not exist, start and resume addresses that are not
 * guest RAM, suspend types that are reserved or not implemented. */
static void hsm(void)
{
	uint64_t ram = mach.ram_base, end = mach.ram_base + mach.ram_size;
	unsigned long bad = mach.nharts;
	uint64_t hyp = mach.nranges > 1 ? mach.range_base[1] : 0x80200000UL;
	char what[128];

	snprintf(what, sizeof(what), "HSM hart_start(hart %lu, RAM): no such hart", bad);
	try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_START, ARGS(bad, ram, 0), SBI_ERR_INVALID_PARAM);
	try_sbi("HSM hart_start(hart 64, RAM)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(64, ram, 0), SBI_ERR_INVALID_PARAM);
	try_sbi("HSM hart_start(hart -1, RAM)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(~0UL, ram, 0), SBI_ERR_INVALID_PARAM);
	snprintf(what, sizeof(what),
		 "HSM hart_start(hart %lu, hypervisor %#lx): the hart is checked first", bad,
		 (unsigned long)hyp);
	try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_START, ARGS(bad, hyp, 0), SBI_ERR_INVALID_PARAM);
	snprintf(what, sizeof(what),
		 "HSM hart_start(hart 0, hypervisor %#lx): the address before the state",
		 (unsigned long)hyp);
	try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_START, ARGS(0, hyp, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_start(hart 0, GPA 0)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(0, 0, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_start(hart 0, just past RAM)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(0, end, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_start(hart 0, the UART)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(0, GPA_UART, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_start(hart 0, -1)", SBI_EXT_HSM, SBI_HSM_HART_START,
		ARGS(0, ~0UL, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_start(hart 0, RAM): hart 0 is running", SBI_EXT_HSM,
		SBI_HSM_HART_START, ARGS(0, ram, 0), SBI_ERR_ALREADY_AVAILABLE);
	snprintf(what, sizeof(what), "HSM hart_get_status(hart %lu)", bad);
	try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, ARGS(bad), SBI_ERR_INVALID_PARAM);
	try_sbi("HSM hart_get_status(hart -1)", SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS,
		ARGS(~0UL), SBI_ERR_INVALID_PARAM);

	static const struct {
		const char *what;
		unsigned long type;
	} types[] = {
		{ "reserved type 0x00000001", 0x00000001 },
		{ "reserved type 0x0FFFFFFF", 0x0FFFFFFF },
		{ "reserved type 0x80000001", 0x80000001 },
		{ "reserved type 0x8FFFFFFF", 0x8FFFFFFF },
		{ "type 0x100000001 (reserved in its low 32 bits)", 0x100000001UL },
		{ "unimplemented platform-specific retentive type 0x10000000", 0x10000000 },
		{ "unimplemented platform-specific non-retentive type 0x90000000", 0x90000000 },
		{ "unimplemented platform-specific non-retentive type 0xFFFFFFFF", 0xFFFFFFFF },
	};
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(what, sizeof(what), "HSM hart_suspend(%s)", types[i].what);
		try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, ARGS(types[i].type, ram, 0),
			SBI_ERR_INVALID_PARAM);
	}
	snprintf(what, sizeof(what),
		 "HSM hart_suspend(default non-retentive, resume at hypervisor %#lx)",
		 (unsigned long)hyp);
	try_sbi(what, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
		ARGS(SBI_HSM_SUSPEND_NON_RET_DEFAULT, hyp, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("HSM hart_suspend(default non-retentive, resume at GPA 0)", SBI_EXT_HSM,
		SBI_HSM_HART_SUSPEND, ARGS(SBI_HSM_SUSPEND_NON_RET_DEFAULT, 0, 0),
		SBI_ERR_INVALID_ADDRESS);

	/* SUSP, STA and PMU with the hypervisor's own memory as the address:
	 * refused before anything is written or entered there. */
	snprintf(what, sizeof(what), "SUSP system_suspend(resume at hypervisor %#lx)",
		 (unsigned long)hyp);
	try_sbi(what, SBI_EXT_SUSP, SBI_SUSP_SYSTEM_SUSPEND, ARGS(0, hyp, 0),
		SBI_ERR_INVALID_ADDRESS);
	snprintf(what, sizeof(what), "STA steal_time_set_shmem(hypervisor %#lx)",
		 (unsigned long)(hyp & ~63UL));
	try_sbi(what, SBI_EXT_STA, SBI_STA_STEAL_TIME_SET_SHMEM, ARGS(hyp & ~63UL, 0, 0),
		SBI_ERR_INVALID_ADDRESS);
	try_sbi("STA steal_time_set_shmem(GPA 2^64 + RAM: hi = 1)", SBI_EXT_STA,
		SBI_STA_STEAL_TIME_SET_SHMEM, ARGS(ram & ~63UL, 1, 0), SBI_ERR_INVALID_ADDRESS);
	try_sbi("PMU counter_config_matching(counters 0-63 from base 2^63)", SBI_EXT_PMU,
		SBI_PMU_COUNTER_CFG_MATCH, ARGS(1UL << 63, ~0UL, 0, 0xF0000, 0),
		SBI_ERR_INVALID_PARAM);
	try_sbi("PMU counter_fw_read(counter -1)", SBI_EXT_PMU, SBI_PMU_COUNTER_FW_READ,
		ARGS(~0UL), SBI_ERR_INVALID_PARAM);
}

/* IPI and RFENCE share the hart-list rules. */
static void hart_masks(void)
{
	unsigned long n = mach.nharts;
	char what[128];
	const struct {
		const char *what;
		unsigned long mask, base;
	} masks[] = {
		{ "mask bit just past the last hart", 1UL << n, 0 },
		{ "every mask bit", ~0UL, 0 },
		{ "mask bit 63", 1UL << 63, 0 },
		{ "hart_mask_base at the hart count", 1, n },
		{ "hart_mask_base 64", 1, 64 },
		{ "hart_mask_base -2 (base + bit wraps)", 3, ~1UL },
	};
	for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		snprintf(what, sizeof(what), "IPI send_ipi, %s (mask %#lx base %#lx)",
			 masks[i].what, masks[i].mask, masks[i].base);
		try_sbi(what, SBI_EXT_IPI, SBI_IPI_SEND_IPI, ARGS(masks[i].mask, masks[i].base),
			SBI_ERR_INVALID_PARAM);
	}
	static const struct {
		const char *name;
		unsigned long fid;
	} fence_fns[] = {
		{ "remote_fence_i", SBI_RFENCE_REMOTE_FENCE_I },
		{ "remote_sfence_vma", SBI_RFENCE_REMOTE_SFENCE_VMA },
		{ "remote_sfence_vma_asid", SBI_RFENCE_REMOTE_SFENCE_VMA_ASID },
	};
	for (unsigned f = 0; f < 3; f++)
		for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
			snprintf(what, sizeof(what), "RFENCE %s, %s (mask %#lx base %#lx)",
				 fence_fns[f].name, masks[i].what, masks[i].mask, masks[i].base);
			try_sbi(what, SBI_EXT_RFENCE, fence_fns[f].fid,
				ARGS(masks[i].mask, masks[i].base, 0, 0, 0), SBI_ERR_INVALID_PARAM);
		}
	/* All harts (base -1, mask ignored): this one raises our own
	 * supervisor software interrupt, which we clear unseen. */
	try_sbi("IPI send_ipi to every hart (base -1, garbage mask)", SBI_EXT_IPI,
		SBI_IPI_SEND_IPI, ARGS(0xdeadbeef, ~0UL), SBI_SUCCESS);
	csr_clear(CSR_SIP, 1UL << IRQ_S_SOFT);
}

/* Remote fences over huge and wrapping ranges on our own hart, and the
 * HFENCE functions. */
static void fences(void)
{
	const struct {
		const char *what;
		unsigned long fid, start, size, asid;
	} calls[] = {
		{ "remote_sfence_vma(start 0, size ~0)", SBI_RFENCE_REMOTE_SFENCE_VMA, 0, ~0UL, 0 },
		{ "remote_sfence_vma(start ~0 - 0xfff, size ~0)", SBI_RFENCE_REMOTE_SFENCE_VMA,
		  ~0xfffUL, ~0UL, 0 },
		{ "remote_sfence_vma(the last page, start 2^64 - 4096, size 4096)",
		  SBI_RFENCE_REMOTE_SFENCE_VMA, ~0xfffUL, 0x1000, 0 },
		{ "remote_sfence_vma(start 0, size 2^63)", SBI_RFENCE_REMOTE_SFENCE_VMA, 0,
		  1UL << 63, 0 },
		{ "remote_sfence_vma(64 pages at 0x3fffc00000)", SBI_RFENCE_REMOTE_SFENCE_VMA,
		  0x3fffc00000UL, 64 * PAGE_SIZE, 0 },
		{ "remote_sfence_vma_asid(start near the top, size ~0, asid ~0)",
		  SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, ~0x1fffUL, ~0UL, ~0UL },
		{ "remote_sfence_vma_asid(start 0, size 0, asid 2^40)",
		  SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, 0, 1UL << 40 },
		{ "remote_fence_i with fence arguments of ~0", SBI_RFENCE_REMOTE_FENCE_I, ~0UL, ~0UL,
		  ~0UL },
	};
	char what[128];
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(what, sizeof(what), "RFENCE %s on hart 0", calls[i].what);
		try_sbi(what, SBI_EXT_RFENCE, calls[i].fid,
			ARGS(1, 0, calls[i].start, calls[i].size, calls[i].asid), SBI_SUCCESS);
	}
	static const char *const hfences[] = {
		"remote_hfence_gvma_vmid", "remote_hfence_gvma", "remote_hfence_vvma_asid",
		"remote_hfence_vvma",
	};
	for (unsigned f = 0; f < 4; f++) {
		snprintf(what, sizeof(what), "RFENCE %s on hart 0 (the guest has no H)", hfences[f]);
		try_sbi(what, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID + f,
			ARGS(1, 0, 0, ~0UL, 1), SBI_ERR_NOT_SUPPORTED);
	}
}

/*
 * A ranged remote_sfence_vma must take effect for the page it names, the
 * topmost one included (start + size = 2^64 there): the guest caches a
 * translation of that page, changes the PTE without a fence of its own,
 * asks for the remote fence, and must then see the new page.
 */
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));

static void fence_top_page(void)
{
	char got[128];
	const char *want = "SBI_SUCCESS (0), then the new page (0xbbbb)";
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	attempt_begin();
	/* Control: does any exit make the hart drop the old translation?
	 * Then the fence below can not be told from no fence. */
	uint64_t va = top_page_map((uint64_t)(uintptr_t)page_a, true);
	uint64_t before = *(volatile uint64_t *)va;
	top_page_map((uint64_t)(uintptr_t)page_b, false);
	sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	uint64_t control = *(volatile uint64_t *)va;
	/* The attempt: cache page A, point the PTE at B, remote fence. */
	top_page_map((uint64_t)(uintptr_t)page_a, true);
	before += *(volatile uint64_t *)va;
	top_page_map((uint64_t)(uintptr_t)page_b, false);
	struct sbiret r = sbi_call6(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA,
				    ARGS(1, 0, va, PAGE_SIZE));
	uint64_t after = *(volatile uint64_t *)va;
	top_page_unmap();
	snprintf(got, sizeof(got), "%s, then %s (%#lx)", sbi_err_text(r.error),
		 after == 0xbbbb ? "the new page" : "still the old page", (unsigned long)after);
	enum verdict v = r.error == 0 && after == 0xbbbb ? CONTAINED : DIFFERS;
	attempt_end("RFENCE remote_sfence_vma of the topmost page (start 2^64 - 4096, size 4096) "
		    "takes effect", got, want, v);
	if (before != 2UL * 0xaaaa || control != 0xaaaa)
		printf("hostile: note: an exit alone made the hart drop the old translation "
		       "(%#lx after a null SBI call), so the attempt above can not tell a "
		       "fence from none here\n", (unsigned long)control);
}

/* SRST with reserved or unimplemented types and reasons (none may reset
 * the machine), and trace filters naming no record kind. */
static void srst_and_trace(void)
{
	static const struct {
		const char *what;
		unsigned long type, reason;
	} resets[] = {
		{ "reserved type 3", 3, 0 },
		{ "reserved type 0xEFFFFFFF", 0xEFFFFFFF, 0 },
		{ "unimplemented vendor type 0xF0000000", 0xF0000000, 0 },
		{ "shutdown, reserved reason 2", 0, 2 },
		{ "shutdown, reserved reason 0xDFFFFFFF", 0, 0xDFFFFFFF },
		{ "reserved type 3, implementation reason 0xE0000000", 3, 0xE0000000 },
	};
	char what[128];
	for (unsigned i = 0; i < sizeof(resets) / sizeof(resets[0]); i++) {
		snprintf(what, sizeof(what), "SRST system_reset(%s)", resets[i].what);
		try_sbi(what, SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
			ARGS(resets[i].type, resets[i].reason), SBI_ERR_INVALID_PARAM);
	}
	try_sbi("tracevisor trace_filter(bit 31, no such record kind)", SBI_EXT_TRACEVISOR,
		SBI_TV_TRACE_FILTER, ARGS(1UL << 31), SBI_ERR_INVALID_PARAM);
	try_sbi("tracevisor trace_filter(~0)", SBI_EXT_TRACEVISOR, SBI_TV_TRACE_FILTER,
		ARGS(~0UL), SBI_ERR_INVALID_PARAM);
}

/* The SBI attacks, extension by extension. */
void attack_sbi(void)
{
	unknown_extensions();
	unknown_functions();
	dbcn();
	hsm();
	hart_masks();
	fences();
	fence_top_page();
	srst_and_trace();
}
