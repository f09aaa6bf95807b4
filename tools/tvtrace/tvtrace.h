/*
 * tvtrace: decode tracevisor trace dumps from a console log.
 *
 * scan.c      reads the log line by line, feeds the wire decoder and
 *             collects what it reports into dumps (struct tt_log)
 * records.c   --records: one decoded line per record
 * text.c      --text: ftrace-style lines (tv_format_text)
 * summary.c   --summary: per-exit-reason statistics like `perf kvm stat`
 * util.c      memory, time and sorting helpers shared by the views
 * export.c    --ctf, --json, --csv, --trace-dat (ctf.c, json.c, csv.c,
 *             tracecmd.c; export.h)
 * filter.c    --hart, --vcpu, --from/--to, --reason; exits paired with entries
 * explain.c   --explain: every record in plain language, spec sections
 * svg.c       --svg (timeline), --histogram (exits by reason), SVG 1.1
 * diff.c      --diff LOG_A LOG_B: two runs' exit statistics compared
 * html.c      --html FILE: one self-contained HTML report of a dump
 * latency.c   the exit-latency histogram (log2 buckets) of the report
 * sched.c     the switches between vCPUs of time-shared harts
 * join.c      --join: the consecutive dumps of one boot as one trace
 * main.c      command line, dump selection, exit status
 */
#ifndef TVTRACE_H
#define TVTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_wire.h"

/* Where a record in a dump came from. */
enum tt_origin {
	TT_FROM_DUMP = 0, /* decoded from a RECORDS frame */
	TT_GAP_KNOWN,	  /* frames went missing: r.arg[0] records lost */
	TT_GAP_UNKNOWN,	  /* frames went missing, count unknown */
	TT_GAP_UNSENT,	  /* no frame missing, but the dump's indexes or
			     counts say r.arg[0] records never reached the
			     wire (gap_first = the frame that tells) */
};

/* One record of a dump, with where it sits. */
struct tt_rec {
	struct tv_record r;
	uint16_t hart;	 /* hart of the frame that carried it */
	uint8_t origin;	 /* enum tt_origin */
	uint32_t dump;	 /* number of its dump in the log, from 1 */
	uint64_t index;	 /* position in the hart's dump */
	uint64_t seq;	 /* arrival order in the log */
	uint32_t gap_first, gap_last; /* missing frame_seq range (gaps) */
};

/* One dump found in the log. */
struct tt_dump {
	int has_begin;			/* BEGIN frame decoded */
	struct tv_wire_begin info;	/* valid when has_begin */
	int ended;			/* END frame decoded */
	struct tv_wire_end_info end;	/* valid when ended */
	uint64_t first_line;		/* line of its first decoded frame */
	struct tt_rec *recs;
	size_t nrecs, recs_cap;
	struct tv_wire_hart_totals *totals;
	size_t ntotals, totals_cap;
	size_t *order;			/* recs sorted by time (tt_sort) */
	size_t nreal;			/* records decoded from frames */
	uint64_t last_time;		/* time of the latest record added */
	struct tt_summary *sum;		/* streamed --summary (tt_log.stream) */
	/* --join: the dumps of the log this one trace is made of, in log
	 * order (parts[k] is dump k + 1), each with its description and its
	 * own HART frames but no records (nparts 0: a dump of its own). */
	struct tt_dump *parts;
	size_t nparts, parts_cap;
};

struct tt_log {
	const char *name; /* for messages */
	struct tt_dump *dumps;
	size_t ndumps, cap;
	uint64_t errors;    /* decoding errors reported */
	uint64_t rejected;  /* frame-like text not from the hypervisor */
	uint64_t rejected_line, rejected_byte; /* where the first was */
	uint64_t frames_ok; /* frames that decoded */
	uint64_t lines;	    /* input lines */
	uint64_t bytes;	    /* input bytes read */
	int quiet;	    /* do not print errors */
	/* Streaming (set before tt_scan): records are counted, and with
	 * summarize fed to each dump's tt_summary, but not kept in recs[]
	 * (for --list and --summary without a filter: memory then does not
	 * grow with the number of records). */
	int stream, summarize;
	/* Following (--follow; set before tt_scan): the input is read as it
	 * comes (a pipe until its writer closes it, a regular file as it
	 * grows, until interrupted), and each dump is handed to done() as
	 * soon as it is closed (its END frame, a BEGIN that cuts it short,
	 * the end of the input), then freed: dumps[] holds only the dump
	 * being read, so memory stays bounded by one dump. handed counts the
	 * dumps given to done(); dump n of the log is numbered n from 1. */
	int follow;
	void (*done)(void *ctx, struct tt_dump *d, size_t number);
	void *done_ctx;
	size_t handed;
	/* Following a file by its name (set before tt_scan; NULL for
	 * standard input): when another file takes that name (a new run
	 * writes a new log) or it is truncated, it is read from its start,
	 * like tail -F, and stderr says so. */
	const char *path;
	/* Joining (--join; set before tt_scan): every dump of the log goes
	 * into one, dumps[0], whose parts[] describe them (join.c). */
	int join;
};

/* scan.c: read the whole input; returns 0, or the errno of a read error
 * (what was read before it is decoded). */
int tt_scan(FILE *in, struct tt_log *log);
/* A log with no dump to show, said on stderr with why: empty, no frame
 * line among its lines, or every frame damaged (each already reported). */
void tt_report_no_frames(const struct tt_log *log);

/* The rejected frame-like lines of the log, in one line on stderr
 * (nothing when there were none, or with --quiet). */
void tt_report_rejected(const struct tt_log *log);
void tt_log_free(struct tt_log *log);

/* util.c */
/* A log to read: standard input for "-", else the file opened. NULL
 * when it cannot be read (said on stderr in one line: a directory is
 * named as one, not read and found empty). */
FILE *tt_open_log(const char *name);
void *tt_xrealloc(void *p, size_t n, size_t size);
/* The first n bytes of s as a new string (tt_xrealloc's). */
char *tt_xstrndup(const char *s, size_t n);
/* A zeroed new last element of the growing array *arr (n elements of
 * `size` bytes in room for *cap, which doubles from 8); n counts it. */
void *tt_append_raw(void **arr, size_t *n, size_t *cap, size_t size);
#define tt_append(arr, n, cap) tt_append_raw((void **)(arr), (n), (cap), sizeof(**(arr)))
/* The timebase to use for a dump: BEGIN's, else the fallback. */
uint64_t tt_timebase(const struct tt_dump *d);
extern uint64_t tt_fallback_timebase;
/* Seconds.microseconds of a time, as in the text format. */
const char *tt_time(char buf[32], uint64_t time, uint64_t hz);
/* What an SBI record says beyond the call it names (trace_record.h): the
 * guest's a7 or a6 had bits 63:32 set, not part of the call
 * (TV_F_SBI_HIGH), or a version 1-3 record kept both registers whole and
 * lost the value (TV_F_SBI_WIDE). The note, or "" when there is none. */
const char *tt_sbi_note(char buf[96], const struct tv_record *r);
/* An SBI call's a0..a2 as "0x.., 0x.., 0x..", or "" for a call whose
 * function takes none and whose record holds none (TV_F_SBI_NOARGS). */
const char *tt_sbi_args(char buf[64], const struct tv_record *r);
/* Ticks to microseconds. */
double tt_us(uint64_t ticks, uint64_t hz);
/* qsort comparison of two struct tt_rec: by (time, hart, seq). */
int tt_cmp_rec(const void *a, const void *b);
/* Fill d->order with the record indices sorted by (time, hart, seq). */
void tt_sort(struct tt_dump *d);
/* A one-line description of a dump (for headers and --list). */
void tt_describe_dump(FILE *out, const struct tt_dump *d, size_t number);
/* "out.svg" -> "out-N.svg" (--all with several dumps), malloc'd; NULL
 * for "-" and for an existing file that is not a regular one, such as
 * /dev/null (they keep their names). */
char *tt_numbered_name(const char *path, size_t number);
/* path with its directory resolved (realpath) and its last name kept,
 * malloc'd: two spellings of one file, existing or not, compare equal.
 * The path itself when its directory cannot be resolved. */
char *tt_canonical_path(const char *path);
/* Would --ctf DIR remove path, as what an earlier export left there
 * (DIR/metadata, DIR/stream_hartN, DIR/dump-N/ the same)? (ctf.c) */
int tt_ctf_would_remove(const char *dir, const char *path);
/* Is this dump complete (BEGIN and END seen, no frame missing)? */
int tt_complete(const struct tt_dump *d);
/* What a dump is called in titles: "dump 3", or for a joined trace
 * "dumps 1-7" (a joined trace is numbered as its first part). */
const char *tt_dump_name(char buf[48], const struct tt_dump *d, size_t number);

/*
 * join.c: --join. tt_scan() puts every dump of the log into one trace,
 * log->dumps[0], its records in log order (each hart's in ring order,
 * dump after dump) and parts[] describing the dumps; tt_join_finish()
 * then makes its HART totals, END and completeness those of the whole.
 * tt_join_refusal() says why the dumps cannot be one trace (another
 * boot, a dump missing between two, a fault dump's peek, ...), naming
 * them, in buf; 0 when they can.
 */
void tt_join_finish(struct tt_dump *d);
int tt_join_refusal(const struct tt_dump *d, char *buf, size_t size);

/* records.c */
void tt_print_records(FILE *out, struct tt_dump *d);
/* text.c */
void tt_print_text(FILE *out, struct tt_dump *d);
/* summary.c: --summary of a kept dump, or built a record at a time. */
/* live (--follow): a hart's or vCPU's table only when there are several,
 * as a VM's always (one would repeat the table of all). */
void tt_print_summary(FILE *out, struct tt_dump *d);
void tt_print_summary_live(FILE *out, struct tt_dump *d, int live);
struct tt_summary *tt_summary_new(void);
void tt_summary_add(struct tt_summary *sum, const struct tt_rec *t);
void tt_summary_print(FILE *out, struct tt_summary *sum,
		      const struct tt_dump *d, int live);
void tt_summary_free(struct tt_summary *sum);
/* Per-vCPU totals of a summary (the "Total" line of each vCPU's table in
 * --summary), for the HTML report's table. */
#define TT_TOP_REASONS 3
struct tt_vcpu_stat {
	uint8_t vm, vcpu;
	uint64_t harts;		/* bit per hart its exits were on (< 64) */
	uint64_t exits;		/* exits the filter passes */
	uint64_t timed;		/* of those, paired with their entry */
	uint64_t total, max;	/* handling time: sum and largest, ticks */
	uint64_t run_total;	/* guest run time before the exits, ticks */
	size_t ntop;		/* most frequent reasons, most first */
	uint64_t top_cause[TT_TOP_REASONS], top_count[TT_TOP_REASONS];
	/* Time-shared harts (the switch table of --summary): */
	uint64_t switched_out;	/* times a hart left this vCPU */
	uint64_t steal, wait;	/* ticks away ready to run / waiting */
};
/* One element per vCPU, by VM then vCPU; *out is malloc'd. */
size_t tt_summary_vcpus(struct tt_summary *sum, struct tt_vcpu_stat **out);
/* Did the summary see a SWITCH record the filter passes? */
int tt_summary_has_switches(const struct tt_summary *sum);

/* export.c (with ctf.c, json.c, csv.c; see export.h): --ctf, --json,
 * --csv of the dumps first .. first + count - 1 of the log. */
struct tt_export_req {
	const char *ctf;  /* directory, or NULL */
	const char *json; /* file ("-" = stdout), or NULL */
	const char *csv;  /* file ("-" = stdout), or NULL */
	const char *trace_dat; /* --trace-dat file, or NULL */
	int all;	  /* --all: CTF writes one trace per dump, DIR/dump-N */
};
/* Returns 0, or -1 after printing why (an output could not be written). */
int tt_export(const struct tt_export_req *req, struct tt_log *log,
	      size_t first, size_t count);

/*
 * filter.c: --hart, --vcpu, --from/--to, --reason, for every view.
 *
 * A view shows a record when tv_filter_record(&tt_filter, t->hart, &t->r)
 * is true, with t an element of the dump's recs[] (main.c binds tt_filter
 * to each dump with tv_filter_bind() before the views run). Passing &t->r
 * of the bound dump matters for --reason: it selects exits together with
 * the records of their handling (SBI, MMIO, IRQ, EXC, STOP and the ENTRY
 * that resumes the guest), which only the dump's context tells.
 */
#define TV_FILTER_MAX 32
struct tv_filter_vcpu {
	int any_vm; /* "--vcpu N": vCPU N of any VM */
	uint8_t vm, vcpu;
};
struct tv_filter {
	unsigned nharts, nvcpus, nreasons;
	uint16_t harts[TV_FILTER_MAX];
	struct tv_filter_vcpu vcpus[TV_FILTER_MAX];
	uint64_t reasons[TV_FILTER_MAX]; /* scause, interrupt bit kept */
	int has_from, has_to;
	uint64_t from_ns, to_ns;	 /* seconds given, in nanoseconds */
	unsigned to_decimals;		 /* fraction digits given to --to */
	/* Set by tv_filter_bind() for one dump: */
	uint64_t from_tick, to_tick;	 /* inclusive window in ticks */
	const struct tt_rec *recs;	 /* the bound dump's records */
	size_t nrecs;
	uint64_t *owner;		 /* per record: cause of its exit */
};
extern struct tv_filter tt_filter;
/* Add one option's value ("--hart", "--vcpu", "--from", "--to",
 * "--reason"); NULL, or an error message. */
const char *tv_filter_add(struct tv_filter *f, const char *option,
			  const char *value);
/* Is any criterion set? */
int tv_filter_active(const struct tv_filter *f);
/* The records a hart's ring lost in this dump (its HART frame's share,
 * struct tv_wire_hart_totals) as far as the filter's view goes: all of
 * them when the filter keeps whole harts (none, or --hart only), else
 * none (the ring's count is not a time window's, a vCPU's or a
 * reason's), and none when the dump's share is unknown. --summary and
 * the CTF export both count losses by it. */
uint64_t tv_filter_ring_lost(const struct tv_filter *f, const struct tv_wire_hart_totals *t);
/* Prepare the filter for dump d (its timebase, which exit owns a record). */
void tv_filter_bind(struct tv_filter *f, const struct tt_dump *d);
void tv_filter_free(struct tv_filter *f);
/* Should a view show record r of `hart`? */
bool tv_filter_record(const struct tv_filter *f, unsigned hart,
		      const struct tv_record *r);
/* The single criteria: hart/vCPU, time (ticks), exit reason. */
bool tv_filter_place(const struct tv_filter *f, unsigned hart, unsigned vm,
		     unsigned vcpu);
bool tv_filter_hart(const struct tv_filter *f, unsigned hart);
bool tv_filter_time(const struct tv_filter *f, uint64_t time);
bool tv_filter_reason(const struct tv_filter *f, uint64_t scause);
/* "hart 0, LOAD_GPF, time 0.3..0.31 s", or "" without criteria. */
void tv_filter_describe(const struct tv_filter *f, char *buf, size_t size);

/* One exit paired with the entry that ended its handling (the pairing of
 * --summary: same hart and vCPU; a loss, CONTROL or STOP breaks it). */
struct tt_exit {
	size_t rec;		  /* index of the EXIT in d->recs */
	size_t entry_rec;	  /* index of the ENTRY when timed */
	uint16_t hart;
	uint8_t vm, vcpu;
	uint64_t cause, sepc;
	uint64_t exit_time;
	int timed;		  /* entry_time, resume_pc valid */
	uint64_t entry_time, resume_pc;
	int has_run;		  /* run_start valid */
	uint64_t run_start;	  /* the entry before the exit */
	/* A time-shared hart may switch to other vCPUs during the handling
	 * (the exit that ends a slice, a WFI): from the first SWITCH that
	 * left this vCPU to the last that gave the hart back, it was away
	 * for `away` ticks in all. */
	int switched;		  /* out_time, in_time, away valid */
	uint64_t out_time, in_time, away;
};
/* Every exit of the dump in dump order (unfiltered); *out is malloc'd. */
size_t tt_collect_exits(const struct tt_dump *d, struct tt_exit **out);
/* The time an exit's handling took on its hart: exit to entry, less the
 * time its vCPU was switched out meanwhile (away). */
uint64_t tt_exit_handling(const struct tt_exit *e);

/*
 * sched.c: the SWITCH records of time-shared harts (TV_KIND_SWITCH), and
 * the fields of the hgatp they carry.
 */
unsigned tt_hgatp_vmid(uint64_t hgatp);
const char *tt_hgatp_mode(uint64_t hgatp); /* "Sv39x4", "Bare", ... */
uint64_t tt_hgatp_root(uint64_t hgatp);	   /* G-stage root table address */
/* Why a switch left its vCPU ("its time slice ended..."), or NULL. */
const char *tt_switch_why(uint64_t reason);
/* Does SWITCH record r leave vm/vcpu or give it the hart? */
bool tt_switch_involves(const struct tv_record *r, unsigned vm, unsigned vcpu);
/* Does the dump hold a SWITCH record? */
int tt_dump_has_switches(const struct tt_dump *d);

/* A vCPU's time away from its hart: from the SWITCH that left it to the
 * SWITCH of the same hart that gave the hart back to it. */
struct tt_away {
	uint16_t hart;
	uint8_t vm, vcpu;
	uint64_t reason;	  /* TV_SWITCH_* of the switch that left it */
	uint64_t out_time, in_time;
	size_t out_tag, in_tag;	  /* the caller's tags of the two records */
};
/* Follows the switches of a dump; zero-initialised to start. */
struct tt_swpend {
	uint16_t hart;
	uint8_t vm, vcpu;
	int open;		  /* switched out, not back yet */
	uint64_t reason, time;
	size_t tag;
};
struct tt_swtrack {
	struct tt_swpend *p;
	size_t n, cap;
};
/* Feed the records of a dump in per-hart time order (dump order or
 * tt_sort's), each with a tag of the caller's choice. Returns 1 and
 * fills *a when t is a SWITCH that gives the hart back to a vCPU an
 * earlier SWITCH of that hart had left. A loss on a hart forgets the
 * vCPUs away from it (the SWITCH back may be among the records lost). */
int tt_swtrack_feed(struct tt_swtrack *s, const struct tt_rec *t, size_t tag,
		    struct tt_away *a);
/* Does tt_swtrack_feed() do anything with t (a SWITCH, a loss or a gap
 * marker)? For any other record it returns 0 and changes nothing, so a
 * caller with many records may skip the call. */
static inline bool tt_swtrack_wants(const struct tt_rec *t)
{
	return t->origin != TT_FROM_DUMP || t->r.kind == TV_KIND_LOST ||
	       t->r.kind == TV_KIND_SWITCH;
}
void tt_swtrack_free(struct tt_swtrack *s);

/* explain.c: --explain, every record in plain language. */
void tt_print_explain(FILE *out, struct tt_dump *d);
/* The same explanations one record at a time, in time order, for the
 * records the filter shows: text is the plain-language line, spec the
 * specification sections ("" when none); both valid during the call. */
typedef void (*tt_explain_fn)(void *ctx, const struct tt_rec *t,
			      const char *text, const char *spec);
void tt_explain_each(struct tt_dump *d, tt_explain_fn fn, void *ctx);

/* svg.c: --svg FILE (timeline), --histogram FILE (exits by reason). With
 * numbered, "out.svg" becomes "out-N.svg" for dump N (--all). Returns 0,
 * or -1 after printing why. */
enum { TT_SVG_TIMELINE, TT_SVG_HISTOGRAM };
int tt_write_svg(int kind, const char *path, struct tt_dump *d, size_t number,
		 int numbered);

/* The same picture as an <svg> element to embed in an HTML page (no XML
 * declaration or DOCTYPE). */
void tt_svg_write(FILE *out, int kind, struct tt_dump *d, size_t number);

/* html.c: --html FILE, one self-contained page: summary, timeline,
 * histogram, records with their explanations. Numbered as tt_write_svg.
 * Returns 0, or -1 after printing why. */
int tt_write_html(const char *path, struct tt_dump *d, size_t number,
		  int numbered);

/* latency.c: how long the hypervisor took from each exit to the entry
 * that resumed the vCPU (the pairing of --summary), in log2 buckets of
 * nanoseconds: bucket k holds [2^k, 2^(k+1)) ns, bucket 0 also 0 ns. Only
 * exits the filter passes count. */
#define TT_LAT_BUCKETS 48
struct tt_latency {
	uint64_t bucket[TT_LAT_BUCKETS];
	uint64_t pairs;		/* exits paired with their entry = sum */
};
void tt_latency_collect(const struct tt_dump *d, struct tt_latency *l);
/* The histogram as an <svg> element for the HTML page. */
void tt_latency_svg(FILE *out, const struct tt_latency *l);

/* diff.c: --diff LOG_A LOG_B; returns the exit status. */
int tt_diff_main(const char *log_a, const char *log_b, unsigned long dump,
		 int quiet);

#endif
