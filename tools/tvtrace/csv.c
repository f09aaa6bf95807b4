/*
 * --csv FILE: one row per record, in time order across harts, for
 * spreadsheets and data-frame libraries. The columns are described in
 * docs/exports.md and `tvtrace --help`; numbers that are addresses or CSR
 * values are hexadecimal with 0x, counts are decimal, and a column that
 * does not apply to a record's kind is empty.
 *
 * The text follows RFC 4180: rows end in CRLF (section 2, rule 1), and a
 * field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes with its double quotes doubled (rules 5-7).
 */
#include <inttypes.h>
#include <string.h>

#include "export.h"
#include "riscv_names.h"

/* The columns, in order. */
static const char *const columns[] = {
	"time_s",    "hart",	   "vm",	 "vcpu",       "kind",
	"cause",     "cause_name", "sepc",	 "pc",	       "stval",
	"htval",     "gpa",	   "htinst",	 "insn",       "mnemonic",
	"sbi_ext",   "sbi_fid",	   "sbi_error",	 "sbi_value",  "mmio_gpa",
	"mmio_width", "mmio_dir",  "mmio_value", "arg0",       "arg1",
	"arg2",	     "arg3",	   "arg4",	 "arg5",       "lost",
	"time_ticks", "cycle",	   "dump",	 "index",
	"switch_to", "switch_reason", "switch_ran_s", "switch_hgatp",
	"switch_vmid", "switch_flushed",
};

enum {
	C_TIME, C_HART, C_VM, C_VCPU, C_KIND, C_CAUSE, C_CAUSE_NAME, C_SEPC,
	C_PC, C_STVAL, C_HTVAL, C_GPA, C_HTINST, C_INSN, C_MNEMONIC, C_SBI_EXT,
	C_SBI_FID, C_SBI_ERROR, C_SBI_VALUE, C_MMIO_GPA, C_MMIO_WIDTH,
	C_MMIO_DIR, C_MMIO_VALUE, C_ARG0, C_LOST = C_ARG0 + TV_NARGS,
	C_TICKS, C_CYCLE, C_DUMP, C_INDEX, C_SW_TO, C_SW_REASON, C_SW_RAN,
	C_SW_HGATP, C_SW_VMID, C_SW_FLUSHED, C_COUNT
};

_Static_assert(sizeof(columns) / sizeof(columns[0]) == C_COUNT,
	       "CSV column names and indices disagree");

/* The text of each column of one row. */
struct row {
	char f[C_COUNT][96];
};

/* RFC 4180 section 2, rule 6: fields containing line breaks (CRLF),
 * double quotes, and commas should be enclosed in double quotes; rule 7:
 * a double quote inside is escaped by preceding it with another one. */
void tt_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Write one row of fields, CRLF-terminated (RFC 4180 section 2, rule 1). */
static void put_row(FILE *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		tt_csv_field(out, fields[i]);
	}
	fputs("\r\n", out);
}

void tt_csv_header(FILE *out)
{
	put_row(out, columns, C_COUNT);
}

static void hex(struct row *w, int col, uint64_t v)
{
	snprintf(w->f[col], sizeof(w->f[col]), "0x%" PRIx64, v);
}

static void dec(struct row *w, int col, uint64_t v)
{
	snprintf(w->f[col], sizeof(w->f[col]), "%" PRIu64, v);
}

static void text(struct row *w, int col, const char *s)
{
	snprintf(w->f[col], sizeof(w->f[col]), "%s", s);
}

/* cause and cause_name of a trap cause (interrupt bit kept). */
static void cause(struct row *w, uint64_t c)
{
	hex(w, C_CAUSE, c);
	tv_cause_short_describe(c, w->f[C_CAUSE_NAME],
				sizeof(w->f[C_CAUSE_NAME]));
}

/* insn and mnemonic, when the record carries the instruction. */
static void insn(struct row *w, const struct tv_record *r)
{
	uint32_t bits;

	if (!tt_exp_insn(r, &bits))
		return;
	snprintf(w->f[C_INSN], sizeof(w->f[C_INSN]),
		 (bits & 3) == 3 ? "0x%08" PRIx32 : "0x%04" PRIx32,
		 (bits & 3) == 3 ? bits : bits & 0xffff);
	tt_exp_mnemonic(bits, w->f[C_MNEMONIC], sizeof(w->f[C_MNEMONIC]));
}

static void exit_cols(struct row *w, const struct tv_record *r)
{
	uint64_t gpa;

	cause(w, r->arg[1]);
	hex(w, C_SEPC, r->arg[0]);
	hex(w, C_STVAL, r->arg[2]);
	hex(w, C_HTVAL, r->arg[3]);
	hex(w, C_HTINST, r->arg[4]);
	if (tt_exp_gpa(r, &gpa))
		hex(w, C_GPA, gpa);
	insn(w, r);
}

/* SBI: extension and function by name (else EID in hex, FID in decimal),
 * error by name (else decimal), value. */
static void sbi_cols(struct row *w, const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	const char *ext = tv_sbi_ext_name(eid);
	const char *fn = tv_sbi_func_name(eid, fid);
	const char *err = tv_sbi_error_name((int64_t)r->arg[4]);

	if (ext)
		text(w, C_SBI_EXT, ext);
	else
		hex(w, C_SBI_EXT, eid);
	if (fn)
		text(w, C_SBI_FID, fn);
	else
		dec(w, C_SBI_FID, fid);
	if (err)
		text(w, C_SBI_ERROR, err);
	else
		snprintf(w->f[C_SBI_ERROR], sizeof(w->f[C_SBI_ERROR]),
			 "%" PRId64, (int64_t)r->arg[4]);
	hex(w, C_SBI_VALUE, tv_sbi_value(r));
}

static void mmio_cols(struct row *w, const struct tv_record *r)
{
	hex(w, C_MMIO_GPA, r->arg[0]);
	dec(w, C_MMIO_WIDTH, TV_MMIO_WIDTH(r->arg[2]));
	text(w, C_MMIO_DIR, TV_MMIO_WRITE(r->arg[2]) ? "write" : "read");
	hex(w, C_MMIO_VALUE, r->arg[1]);
	insn(w, r);
}

/* A switch: the vCPU given the hart, why, how long the one left ran,
 * the incoming hgatp and its VMID, whether the G-stage TLB was flushed. */
static void switch_cols(struct row *w, const struct tv_record *r, uint64_t hz)
{
	const char *why = tv_switch_name(r->arg[2]);

	snprintf(w->f[C_SW_TO], sizeof(w->f[C_SW_TO]),
		 "vm%" PRIu64 "-vcpu%" PRIu64, r->arg[0], r->arg[1]);
	if (why)
		text(w, C_SW_REASON, why);
	else
		dec(w, C_SW_REASON, r->arg[2]);
	tt_exp_seconds(w->f[C_SW_RAN], sizeof(w->f[C_SW_RAN]), r->arg[3], hz);
	hex(w, C_SW_HGATP, r->arg[4]);
	dec(w, C_SW_VMID, tt_hgatp_vmid(r->arg[4]));
	text(w, C_SW_FLUSHED, r->arg[5] ? "yes" : "no");
}

/* The kind-specific columns. */
static void kind_cols(struct row *w, const struct tt_rec *t, uint64_t hz)
{
	const struct tv_record *r = &t->r;
	int unknown;
	uint64_t lost;

	switch (r->kind) {
	case TV_KIND_EXIT:
		exit_cols(w, r);
		break;
	case TV_KIND_ENTRY:
		hex(w, C_PC, r->arg[0]);
		break;
	case TV_KIND_SBI:
		sbi_cols(w, r);
		break;
	case TV_KIND_MMIO:
		mmio_cols(w, r);
		break;
	case TV_KIND_IRQ:
		cause(w, r->arg[0]);
		break;
	case TV_KIND_EXC:
		cause(w, r->arg[0]);
		hex(w, C_STVAL, r->arg[1]);
		hex(w, C_PC, r->arg[2]);
		break;
	case TV_KIND_SWITCH:
		switch_cols(w, r, hz);
		break;
	case TV_KIND_LOST:
		lost = tt_exp_lost(t, &unknown);
		if (unknown)
			text(w, C_LOST, "unknown");
		else
			dec(w, C_LOST, lost);
		break;
	}
}

/* Fill the row of one record. */
static void fill_row(struct row *w, const struct tt_rec *t, uint64_t hz)
{
	const struct tv_record *r = &t->r;
	const char *kind = tv_kind_name(r->kind);

	memset(w, 0, sizeof(*w));
	tt_exp_seconds(w->f[C_TIME], sizeof(w->f[C_TIME]), r->time, hz);
	dec(w, C_HART, t->hart);
	dec(w, C_VM, r->vm);
	dec(w, C_VCPU, r->vcpu);
	if (kind)
		text(w, C_KIND, kind);
	else
		dec(w, C_KIND, r->kind);
	kind_cols(w, t, hz);
	for (unsigned i = 0; i < TV_NARGS; i++)
		if (!(r->kind == TV_KIND_SBI && (r->flags & TV_F_SBI_NOARGS) && i >= 1 && i <= 3))
			hex(w, C_ARG0 + (int)i, r->arg[i]); /* (a0-a2 not recorded: empty) */
	dec(w, C_TICKS, r->time);
	dec(w, C_CYCLE, r->cycle);
	dec(w, C_DUMP, t->dump);
	dec(w, C_INDEX, t->index);
}

void tt_csv_dump(FILE *out, struct tt_dump *d)
{
	uint64_t hz = tt_timebase(d);
	struct row w;
	const char *fields[C_COUNT];

	memset(&w, 0, sizeof(w));
	for (int i = 0; i < C_COUNT; i++)
		fields[i] = w.f[i];
	tt_sort(d);
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct tt_rec *t = &d->recs[d->order[i]];

		if (!tt_exp_keep(t))
			continue;
		fill_row(&w, t, hz);
		put_row(out, fields, C_COUNT);
	}
}
