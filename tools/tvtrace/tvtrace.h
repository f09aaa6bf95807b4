/*
 * tvtrace: decode tracevisor trace dumps from a console log.
 *
 * scan.c      reads the log line by line, feeds the wire decoder and
 *             collects what it reports into dumps (struct tt_log)
 * records.c   --records: one decoded line per record
 * text.c      --text: ftrace-style lines (tv_format_text)
 * summary.c   --summary: per-exit-reason statistics like `perf kvm stat`
 * util.c      memory, time and sorting helpers shared by the views
 * main.c      command line, dump selection, exit status
 */
#ifndef TVTRACE_H
#define TVTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_wire.h"

/* Where a record in a dump came from. */
enum tt_origin {
	TT_FROM_DUMP = 0, /* decoded from a RECORDS frame */
	TT_GAP_KNOWN,	  /* frames went missing: r.arg[0] records lost */
	TT_GAP_UNKNOWN,	  /* frames went missing, count unknown */
};

/* One record of a dump, with where it sits. */
struct tt_rec {
	struct tv_record r;
	uint16_t hart;	 /* hart of the frame that carried it */
	uint8_t origin;	 /* enum tt_origin */
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
};

struct tt_log {
	const char *name; /* for messages */
	struct tt_dump *dumps;
	size_t ndumps, cap;
	uint64_t errors;    /* decoding errors reported */
	uint64_t frames_ok; /* frames that decoded */
	uint64_t lines;	    /* input lines */
	int quiet;	    /* do not print errors */
};

/* scan.c: read the whole input; returns 0, or -1 on a read error. */
int tt_scan(FILE *in, struct tt_log *log);
void tt_log_free(struct tt_log *log);

/* util.c */
void *tt_xrealloc(void *p, size_t n, size_t size);
/* The timebase to use for a dump: BEGIN's, else the fallback. */
uint64_t tt_timebase(const struct tt_dump *d);
extern uint64_t tt_fallback_timebase;
/* Seconds.microseconds of a time, as in the text format. */
const char *tt_time(char buf[32], uint64_t time, uint64_t hz);
/* Ticks to microseconds. */
double tt_us(uint64_t ticks, uint64_t hz);
/* Fill d->order with the record indices sorted by (time, hart, seq). */
void tt_sort(struct tt_dump *d);
/* A one-line description of a dump (for headers and --list). */
void tt_describe_dump(FILE *out, const struct tt_dump *d, size_t number);
/* Is this dump complete (BEGIN and END seen, no frame missing)? */
int tt_complete(const struct tt_dump *d);

/* records.c */
void tt_print_records(FILE *out, struct tt_dump *d);
/* text.c */
void tt_print_text(FILE *out, struct tt_dump *d);
/* summary.c */
void tt_print_summary(FILE *out, struct tt_dump *d);

#endif
