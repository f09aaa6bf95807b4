/*
 * SBI Debug Console extension (EID "DBCN"). The guest passes a buffer by
 * guest-physical address; the hypervisor translates it through the VM's
 * G-stage map and accepts it only when it lies wholly in guest RAM. The SBI
 * specification ("Debug Console Extension") answers such a buffer with
 * SBI_ERR_INVALID_PARAM ("the memory pointed to by num_bytes, base_addr_lo
 * and base_addr_hi does not satisfy the requirements").
 */
#include <tracevisor/sbi_ids.h>

#include "../core/console.h"
#include "../core/vm.h"
#include "sbi.h"

/* At most this much per call; the spec allows partial writes and reads,
 * and the caller learns the count from the return value. */
#define DBCN_CHUNK 4096

/*
 * The guest's buffer of `len` bytes, of which this call moves the first
 * `use` (at most DBCN_CHUNK). The whole range must be guest RAM ("Shared
 * memory physical address range parameter": every address in it
 * accessible), but only the bytes moved are made ready: guest RAM is
 * zeroed block by block at its first touch (hyp/core/vm.c), and a range
 * up to the end of RAM would otherwise have the hypervisor zero all of it
 * in this one exit, for bytes it never reads or writes.
 */
static void *dbcn_buffer(struct vcpu *v, unsigned long len, unsigned long use,
			 struct sbiret *ret)
{
	unsigned long lo = sbi_arg(v, 1), hi = sbi_arg(v, 2);
	/* On RV64 the address is all in base_addr_lo; base_addr_hi holds the
	 * bits above XLEN, which a 64-bit guest-physical address has none of. */
	void *p = hi || !vm_gpa_in_ram(v->vm, lo, len) ? NULL : vm_gpa_to_hva(v->vm, lo, use);
	if (!p)
		ret->error = SBI_ERR_INVALID_PARAM;
	return p;
}

static unsigned long dbcn_chunk(unsigned long n)
{
	return n < DBCN_CHUNK ? n : DBCN_CHUNK;
}

static void dbcn_handler(struct vcpu *v, unsigned long eid, unsigned long fid,
			 struct sbiret *ret)
{
	(void)eid;
	unsigned long n = sbi_arg(v, 0);
	ret->error = SBI_SUCCESS;
	ret->value = 0;
	/* num_bytes = 0 names an empty range: no byte of it is inaccessible
	 * ("Shared memory physical address range parameter"), and there is
	 * nothing to write or read. */
	if (n == 0 && (fid == SBI_DBCN_CONSOLE_WRITE || fid == SBI_DBCN_CONSOLE_READ))
		return;
	switch (fid) {
	case SBI_DBCN_CONSOLE_WRITE: {
		char *buf = dbcn_buffer(v, n, dbcn_chunk(n), ret);
		if (!buf)
			return;
		n = dbcn_chunk(n);
		/* Guest text: escaped on its way out, so it never starts a
		 * line as a trace frame does (hyp/core/console.c). */
		for (unsigned long i = 0; i < n; i++)
			console_stream_putc(&v->console, buf[i]);
		ret->value = (long)n;
		return;
	}
	case SBI_DBCN_CONSOLE_READ: {
		char *buf = dbcn_buffer(v, n, dbcn_chunk(n), ret);
		if (!buf)
			return;
		unsigned long got = 0;
		int c;
		while (got < dbcn_chunk(n) && (c = vcpu_console_getc(v)) >= 0)
			buf[got++] = (char)c;
		ret->value = (long)got;
		sbi_console_stop_if_asked(v, eid, fid, ret);
		return;
	}
	case SBI_DBCN_CONSOLE_WRITE_BYTE:
		/* uint8_t byte: the low 8 bits of a0 ("Binary Encoding"). */
		console_stream_putc(&v->console, (char)(n & 0xff));
		return;
	default:
		ret->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

const struct sbi_ext sbi_ext_dbcn = {
	.name = "DBCN", .handler = dbcn_handler,
};
