/*
 * Exports: tt_export() writes the chosen dumps as CTF, trace-event JSON,
 * CSV and trace-cmd's trace.dat (docs/exports.md), and the helpers the
 * formats share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "insn.h"

#include <tracevisor/csr.h>

int tt_exp_is_gpf(uint64_t cause)
{
	return cause == EXC_INST_GUEST_PAGE_FAULT ||
	       cause == EXC_LOAD_GUEST_PAGE_FAULT ||
	       cause == EXC_STORE_GUEST_PAGE_FAULT;
}

/* Privileged spec, "Transformed Instruction or Pseudoinstruction for
 * mtinst or htinst": the values htinst holds after a guest-page fault of
 * an implicit memory access for VS-stage address translation (a read of a
 * VS-level PTE, or a write that updates its A/D bits). */
const char *tt_htinst_pseudo(uint64_t htinst)
{
	switch (htinst) {
	case 0x00002000: return "32-bit read for VS-stage address translation";
	case 0x00002020: return "32-bit write for VS-stage address translation";
	case 0x00003000: return "64-bit read for VS-stage address translation";
	case 0x00003020: return "64-bit write for VS-stage address translation";
	default: return NULL;
	}
}

/* Privileged spec, "Hypervisor Trap Value (htval) Register": htval holds
 * zero or the guest physical address shifted right by 2. The low two bits
 * are "ordinarily the same as the least-significant two bits of the
 * faulting virtual address in stval. For faults due to implicit memory
 * accesses for VS-stage address translation, the least-significant two
 * bits are instead zeros" (told apart by htinst's pseudoinstruction).
 * htval 0 gives no address: a hart may write 0 instead of the address,
 * and the hypervisor then finds it by walking the guest's page tables
 * (hyp/core/fault_gpa.h) and records it in the MMIO event; GPA 0-3 (a
 * null pointer with the guest's MMU off) is the walk's answer there too. */
int tt_exp_gpa(const struct tv_record *r, uint64_t *gpa)
{
	if (r->kind != TV_KIND_EXIT || !tt_exp_is_gpf(r->arg[1]) || !r->arg[3])
		return 0;
	*gpa = r->arg[3] << 2;
	if (!tt_htinst_pseudo(r->arg[4]))
		*gpa |= r->arg[2] & 3;
	return 1;
}

int tt_exp_insn(const struct tv_record *r, uint32_t *insn)
{
	if (r->kind == TV_KIND_EXIT && (r->flags & TV_F_INSN)) {
		*insn = (uint32_t)r->arg[5];
		return 1;
	}
	if (tt_exp_stval_insn(r, insn))
		return 1;
	if (r->kind == TV_KIND_MMIO && r->arg[3]) {
		*insn = (uint32_t)r->arg[3];
		return 1;
	}
	return 0;
}

/* On an illegal-instruction trap stval may hold the faulting
 * instruction's bits, "right-justified and all unused upper bits are
 * cleared to zero", or 0 (privileged spec, "Supervisor Trap Value (stval)
 * Register"); on a virtual-instruction trap it "is written the same as
 * for an illegal-instruction trap" (hypervisor chapter). Instructions are
 * at most 32 bits here. */
int tt_exp_stval_insn(const struct tv_record *r, uint32_t *insn)
{
	uint64_t cause = r->arg[1], stval = r->arg[2];

	if (r->kind != TV_KIND_EXIT || !stval || stval > 0xffffffffu ||
	    (cause != EXC_ILLEGAL_INST && cause != EXC_VIRTUAL_INST))
		return 0;
	*insn = (uint32_t)stval;
	return 1;
}

void tt_exp_mnemonic(uint32_t insn, char *buf, size_t size)
{
	insn_disasm(insn, buf, size);
}

/* Nanoseconds of ticks at hz, exact to the nanosecond (truncated), as long
 * as the product fits; long double otherwise. */
static uint64_t nanoseconds(uint64_t ticks, uint64_t hz)
{
	uint64_t sec, rem;

	if (hz == 0 || hz == 1000000000u)
		return ticks;
	sec = ticks / hz;
	rem = ticks % hz;
	if (hz <= UINT64_MAX / 1000000000u && sec <= UINT64_MAX / 1000000000u)
		return sec * 1000000000u + rem * 1000000000u / hz;
	return (uint64_t)((long double)ticks * 1e9L / (long double)hz);
}

uint64_t tt_exp_ns(uint64_t ticks, uint64_t hz)
{
	return nanoseconds(ticks, hz);
}

void tt_exp_seconds(char *buf, size_t size, uint64_t ticks, uint64_t hz)
{
	uint64_t ns = nanoseconds(ticks, hz);

	snprintf(buf, size, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u,
		 ns % 1000000000u);
}

void tt_exp_micros(char *buf, size_t size, uint64_t ticks, uint64_t hz)
{
	tt_exp_micros_ns(buf, size, nanoseconds(ticks, hz));
}

void tt_exp_micros_ns(char *buf, size_t size, uint64_t ns)
{
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, ns / 1000u, ns % 1000u);
}

/* Dump ids count up from 0 within a boot (hyp/trace/dump.c), so one not
 * above its predecessor's begins a later boot. */
bool tt_exp_later_boot(const struct tt_log *log, size_t first, size_t i)
{
	const struct tt_dump *d = &log->dumps[i], *prev = d - 1;

	return i > first && d->has_begin && prev->has_begin &&
	       d->info.dump_id <= prev->info.dump_id;
}

void tt_exp_say_shift(const struct tt_log *log, const char *path, size_t i,
		      uint64_t shift_ns, const char *what, const char *why)
{
	if (!shift_ns || log->quiet)
		return;
	fprintf(stderr,
		"tvtrace: %s: dump %zu begins a later boot (its dump id restarts at "
		"%llu); its %s and the later ones are written %llu.%09llu s later, "
		"after the boot before (%s)\n",
		path, i + 1, (unsigned long long)log->dumps[i].info.dump_id, what,
		(unsigned long long)(shift_ns / 1000000000u),
		(unsigned long long)(shift_ns % 1000000000u), why);
}

uint64_t tt_exp_lost(const struct tt_rec *t, int *unknown)
{
	*unknown = 0;
	if (t->r.kind != TV_KIND_LOST)
		return 0;
	if (t->origin == TT_GAP_UNKNOWN) {
		*unknown = 1;
		return 0;
	}
	return t->r.arg[0];
}

size_t tt_exp_utf8_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf; /* second byte's range */
	size_t n;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4;
	else
		return 0; /* continuation byte, C0, C1, F5..FF */
	if (u[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (u[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (u[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (u[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (u[i] < 0x80 || u[i] > 0xbf)
			return 0;
	return n;
}

void tt_exp_bind(const struct tt_dump *d)
{
	tv_filter_bind(&tt_filter, d);
}

int tt_exp_keep(const struct tt_rec *t)
{
	return tv_filter_record(&tt_filter, t->hart, &t->r);
}

FILE *tt_exp_open(const char *path)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "tvtrace: cannot write '%s': %s\n", path,
			strerror(errno));
	return f;
}

/* A file whose writing failed is removed: cut short, it could pass for a
 * whole export. A device or a pipe (/dev/full) is not a file to remove.
 * Says which on stderr after the failure's own message. */
static void remove_partial(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (unlink(path) == 0)
		fprintf(stderr, "tvtrace: removed '%s': it was not written whole\n",
			path);
	else
		fprintf(stderr, "tvtrace: '%s' is not whole and could not be "
			"removed: %s\n", path, strerror(errno));
}

int tt_exp_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f == stdout) {
		if (fflush(f) != 0)
			bad = 1;
	} else if (fclose(f) != 0) {
		bad = 1;
	}
	if (!bad)
		return 0;
	if (f == stdout) {
		fprintf(stderr, "tvtrace: writing standard output failed: %s\n",
			errno ? strerror(errno) : "write error");
	} else {
		fprintf(stderr, "tvtrace: writing '%s' failed: %s\n", path,
			errno ? strerror(errno) : "write error");
		remove_partial(path);
	}
	return -1;
}

/* --csv: a header, then every chosen dump's rows. */
static int export_csv(const char *path, struct tt_log *log, size_t first,
		      size_t count)
{
	FILE *f = tt_exp_open(path);

	if (!f)
		return -1;
	tt_csv_header(f);
	for (size_t i = first; i < first + count; i++) {
		tt_exp_bind(&log->dumps[i]);
		tt_csv_dump(f, &log->dumps[i]);
	}
	return tt_exp_close(f, path);
}

/* The earliest and latest times of a dump's kept records, in ns; 0 when
 * it has none. */
static int dump_span(const struct tt_dump *d, uint64_t *lo, uint64_t *hi)
{
	uint64_t hz = tt_timebase(d);
	int have = 0;

	for (size_t k = 0; k < d->nrecs; k++) {
		uint64_t ns;

		if (!tt_exp_keep(&d->recs[k]))
			continue;
		ns = tt_exp_ns(d->recs[k].r.time, hz);
		if (!have || ns < *lo)
			*lo = ns;
		if (!have || ns > *hi)
			*hi = ns;
		have = 1;
	}
	return have;
}

/* The nanoseconds a later boot's dump i moves by, said on stderr (what
 * moves, and why): to 1 us after `last`, the latest time written so far.
 * The kept shift of the boot before otherwise. --json and --ctf. */
static uint64_t boot_shift(struct tt_log *log, size_t first, size_t i, uint64_t last,
			   uint64_t shift, const char *path, const char *what,
			   const char *why)
{
	uint64_t lo = 0, hi = 0;

	if (!tt_exp_later_boot(log, first, i))
		return shift;
	if (!dump_span(&log->dumps[i], &lo, &hi))
		return 0;
	shift = last + 1000 > lo ? last + 1000 - lo : 0;
	tt_exp_say_shift(log, path, i, shift, what, why);
	return shift;
}

/* --json: one JSON object with every chosen dump's events (dumps of one
 * boot share the time axis, so they follow each other on the tracks; a
 * later boot's time starts again near 0, so its dumps are moved after
 * the boot before, as --trace-dat does). */
static int export_json(const char *path, struct tt_log *log, size_t first,
		       size_t count)
{
	FILE *f = tt_exp_open(path);
	struct tt_json_counts c;
	int none = 1;
	uint64_t shift = 0, last = 0;

	if (!f)
		return -1;
	memset(&c, 0, sizeof(c));
	fprintf(f, "{\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"tool\":"
		   "\"tvtrace\",\"log\":");
	tt_json_string(f, log->name);
	fprintf(f, ",\"dumps\":\"");
	for (size_t i = first; i < first + count; i++) {
		char name[48];

		/* "dump 3", "dumps 1-7" (--join): the numbers */
		fprintf(f, "%s%s", i == first ? "" : " ",
			strchr(tt_dump_name(name, &log->dumps[i], i + 1), ' ') + 1);
	}
	fprintf(f, "\"},\n\"traceEvents\":[\n");
	for (size_t i = first; i < first + count; i++) {
		uint64_t lo = 0, hi = 0;

		tt_exp_bind(&log->dumps[i]);
		shift = boot_shift(log, first, i, last, shift, path, "events",
				   "a track's slices must not overlap");
		tt_json_dump_at(f, &log->dumps[i], i + 1, &none, &c, shift);
		if (dump_span(&log->dumps[i], &lo, &hi) && hi + shift > last)
			last = hi + shift;
	}
	tt_json_counts_free(&c);
	fprintf(f, "\n]}\n");
	return tt_exp_close(f, path);
}

/* Clock cycles at hz in ns nanoseconds, rounded up (a later boot then
 * starts no earlier than boot_shift() puts it). */
static uint64_t ns_to_cycles(uint64_t ns, uint64_t hz)
{
	return ns / 1000000000u * hz + (ns % 1000000000u * hz + 999999999u) / 1000000000u;
}

/* --ctf with --all: one trace per dump in DIR/dump-N, on one clock: a
 * later boot's dumps get the clock offset that moves them as --json and
 * --trace-dat move them (boot_shift()). Returns as tt_ctf_write() does. */
static int ctf_each(const char *dir, struct tt_log *log, size_t first,
		    size_t count)
{
	int rc = 0;
	uint64_t shift = 0, last = 0, lo, hi;

	if (tt_ctf_dir(dir) != 0)
		return -1;
	for (size_t i = first; i < first + count && rc == 0; i++) {
		size_t n = strlen(dir) + 32;
		char *sub = tt_xrealloc(NULL, n, 1);
		struct tt_dump *d = &log->dumps[i];

		tt_exp_bind(d);
		shift = boot_shift(log, first, i, last, shift, dir, "events (their clock offset)",
				   "a boot's time starts again near 0");
		if (dump_span(d, &lo, &hi) && hi + shift > last)
			last = hi + shift;
		snprintf(sub, n, "%s/dump-%zu", dir, i + 1);
		rc = tt_ctf_write(sub, d, i + 1, log->name, ns_to_cycles(shift, tt_timebase(d)));
		free(sub);
	}
	return rc == 0 ? 0 : -2; /* a dump-N not made is a trace missing */
}

/* --ctf: the dump's trace in DIR; with --all one trace per dump in
 * DIR/dump-N (babeltrace2 DIR reads them all, merged by time). A trace
 * that could not be written whole is removed, every dump-N of it too:
 * half a trace would read as a whole one. */
static int export_ctf(const char *dir, struct tt_log *log, size_t first,
		      size_t count, int all)
{
	int rc;

	if (all) {
		rc = ctf_each(dir, log, first, count);
	} else {
		tt_exp_bind(&log->dumps[first]);
		rc = tt_ctf_write(dir, &log->dumps[first], first + 1, log->name, 0);
	}
	if (rc == -2) {
		tt_ctf_discard(dir);
		fprintf(stderr, "tvtrace: --ctf: removed the trace written in "
			"'%s': it was not written whole\n", dir);
	}
	return rc == 0 ? 0 : -1;
}

int tt_export(const struct tt_export_req *req, struct tt_log *log,
	      size_t first, size_t count)
{
	int rc = 0;

	if (count == 0 || first + count > log->ndumps)
		return 0;
	if (req->csv && export_csv(req->csv, log, first, count) != 0)
		rc = -1;
	if (req->json && export_json(req->json, log, first, count) != 0)
		rc = -1;
	if (req->trace_dat &&
	    tt_dat_write(req->trace_dat, log, first, count) != 0)
		rc = -1;
	if (req->ctf && export_ctf(req->ctf, log, first, count, req->all) != 0)
		rc = -1;
	return rc;
}
