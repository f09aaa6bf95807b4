/*
 * Exports of decoded dumps into other tools' formats (docs/exports.md):
 *
 * export.c    the entry point tt_export() and helpers the formats share
 *             (guest physical address, instruction text, exact times,
 *             how many records a loss stands for)
 * ctf.c       --ctf DIR: a CTF 1.8 trace (TSDL metadata + one binary
 *             stream per hart) for babeltrace2 and Trace Compass
 * json.c      --json FILE: Chrome / Perfetto trace-event JSON
 * csv.c       --csv FILE: one RFC 4180 row per record
 * tracecmd.c  --trace-dat FILE: a trace-cmd trace.dat (version 6) for
 *             `trace-cmd report` and KernelShark
 *
 * The pieces declared here besides tt_export() are internal to these
 * files; they are declared so the unit tests can reach them.
 */
#ifndef TVTRACE_EXPORT_H
#define TVTRACE_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tvtrace.h"

/* ------------------------------------------------------------ export.c */

/* Is cause a guest-page fault (instruction, load or store/AMO)? */
int tt_exp_is_gpf(uint64_t cause);

/*
 * The guest physical address of a guest-page-fault EXIT: htval << 2 | the
 * low two bits of stval, or htval << 2 alone when htinst holds a
 * pseudoinstruction (an implicit access for VS-stage translation, whose
 * low bits are zeros) (privileged spec, "Hypervisor Trap Value (htval)
 * Register"). Returns 0 and leaves *gpa alone for any other record, and
 * when htval is 0 (the hart did not give the address: the hypervisor's
 * walk found it, and an MMIO event of the exit has it).
 */
int tt_exp_gpa(const struct tv_record *r, uint64_t *gpa);

/*
 * What a guest-page fault's htinst pseudoinstruction means, e.g. "64-bit
 * read for VS-stage address translation" (privileged spec, "Transformed
 * Instruction or Pseudoinstruction for mtinst or htinst"); NULL when
 * htinst is not one of the four.
 */
const char *tt_htinst_pseudo(uint64_t htinst);

/*
 * The instruction a record carries, when it carries one: an EXIT with
 * TV_F_INSN (arg[5]), an illegal- or virtual-instruction EXIT whose stval
 * holds the instruction (tt_exp_stval_insn), or an MMIO record whose insn
 * (arg[3]) is nonzero. Returns 1 and sets *insn, else 0.
 */
int tt_exp_insn(const struct tv_record *r, uint32_t *insn);

/* The instruction bits an illegal- or virtual-instruction EXIT's stval
 * holds (nonzero, at most 32 bits): returns 1 and sets *insn, else 0. */
int tt_exp_stval_insn(const struct tv_record *r, uint32_t *insn);

/* Disassembly of an instruction ("c.lw a0, 0(a1)") into buf. */
void tt_exp_mnemonic(uint32_t insn, char *buf, size_t size);

/*
 * Seconds of `ticks` at hz as exact decimal text with nine digits,
 * "12.345678900" (truncated to the nanosecond). hz 0 takes ticks as
 * nanoseconds.
 */
void tt_exp_seconds(char *buf, size_t size, uint64_t ticks, uint64_t hz);

/* Nanoseconds of `ticks` at hz (truncated); hz 0 takes ticks as ns. */
uint64_t tt_exp_ns(uint64_t ticks, uint64_t hz);

/* Microseconds of `ticks` at hz with three digits, "12345678.900". */
void tt_exp_micros(char *buf, size_t size, uint64_t ticks, uint64_t hz);
/* The same of a time already in nanoseconds. */
void tt_exp_micros_ns(char *buf, size_t size, uint64_t ns);

/* Whether dump i (after `first`) begins a later boot of the hypervisor
 * than the dump before it: its dump id is not above the one before's. */
bool tt_exp_later_boot(const struct tt_log *log, size_t first, size_t i);
/* Say on stderr (unless quiet) that dump i begins a later boot whose
 * events an export writes shift_ns later, and why (`why`). */
void tt_exp_say_shift(const struct tt_log *log, const char *path, size_t i,
		      uint64_t shift_ns, const char *what, const char *why);

/*
 * How many records a LOST record (or a gap marker) stands for: its count,
 * or 0 with *unknown = 1 for frames missing from the log whose record
 * count is unknown. Not a loss: 0, *unknown = 0.
 */
uint64_t tt_exp_lost(const struct tt_rec *t, int *unknown);

/* The length (1 to 4) of the well-formed UTF-8 sequence s starts with, or
 * 0 when its first byte starts none (Unicode 15, table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF). For the exports whose
 * text must be UTF-8 (JSON, TSDL), which write U+FFFD for such a byte. */
size_t tt_exp_utf8_len(const char *s);

/*
 * The record filter of the command line (filter.c: --hart, --vcpu,
 * --from/--to, --reason) applies to the exports as to the views:
 * tt_exp_bind() binds it to a dump before the dump is exported, and an
 * export writes a record (or the slice or event it anchors) only when
 * tt_exp_keep() says so.
 */
void tt_exp_bind(const struct tt_dump *d);
int tt_exp_keep(const struct tt_rec *t);

/* Open FILE for writing ("-" = standard output); prints why on failure. */
FILE *tt_exp_open(const char *path);
/* Close what tt_exp_open() opened; 0, or -1 with a message when a write
 * failed (disk full...). */
int tt_exp_close(FILE *f, const char *path);

/* ------------------------------------------------------------- csv.c */

/* Write s as one CSV field, quoted when RFC 4180 section 2 requires it
 * (it holds a comma, a double quote, CR or LF), quotes doubled. */
void tt_csv_field(FILE *out, const char *s);
/* The header row (CRLF-terminated). */
void tt_csv_header(FILE *out);
/* One row per record of a dump, in time order; its dump column is the
 * number of the dump the record came from (struct tt_rec.dump: one of
 * a joined trace's dumps). */
void tt_csv_dump(FILE *out, struct tt_dump *d);

/* ------------------------------------------------------------ json.c */

/* Write s as a JSON string literal (RFC 8259 section 7 escapes). */
void tt_json_string(FILE *out, const char *s);

/* What tt_json_dump() wrote, for the caller and the tests. */
struct tt_json_counts {
	uint64_t events;	   /* all trace events, metadata included */
	uint64_t guest_slices;	   /* entry -> exit */
	uint64_t handling_slices;  /* exit -> next entry */
	uint64_t unpaired_exits;   /* exits with no following entry */
	uint64_t instants;	   /* "ph":"i" events */
	uint64_t marks;		   /* instants of MARK records */
	uint64_t turns;		   /* a vCPU's turn on a time-shared hart */
	uint64_t away_slices;	   /* a vCPU switched out, until back */
	/* Where the last turn written on each time-shared hart ended (its
	 * timebase ticks): a dump's first switch there (--all) ends a turn
	 * the dump before drew up to its own end, so its slice starts no
	 * earlier than that. Freed by tt_json_counts_free(). */
	struct tt_json_turn_end {
		uint16_t hart;
		uint64_t end;
	} *turn_ends;
	size_t nturn_ends;
};

/* Free what tt_json_dump() allocated in counts. */
void tt_json_counts_free(struct tt_json_counts *counts);

/* The trace events of one dump (comma-separated, each on its own line;
 * *first says whether none was written yet, and is updated). */
void tt_json_dump(FILE *out, struct tt_dump *d, size_t number, int *first,
		  struct tt_json_counts *counts);
/* The same with shift_ns nanoseconds added to every ts: a later boot's
 * dump, whose time starts again near 0, placed after the boot before
 * (a track's slices must nest: two boots on one time axis overlap). */
void tt_json_dump_at(FILE *out, struct tt_dump *d, size_t number, int *first,
		     struct tt_json_counts *counts, uint64_t shift_ns);

/* ------------------------------------------------------------- ctf.c */

/* One packet of a CTF stream, as the packetizer planned it. */
struct tt_ctf_packet {
	size_t first, count;	   /* events: indices into the hart's list */
	uint64_t ts_begin, ts_end; /* clock values of the packet context */
	uint64_t seq_num;	   /* packet_seq_num */
	uint64_t discarded;	   /* events_discarded: cumulative */
};

/* The packets of one hart's stream. */
struct tt_ctf_plan {
	const struct tt_rec *recs;    /* the dump's records */
	size_t *events;		      /* the hart's events, in time order:
					 indices into recs */
	size_t nevents, cap_events;
	struct tt_ctf_packet *packets;
	size_t npackets, cap_packets;
	uint64_t lost;		   /* records lost, in events_discarded */
	uint64_t lost_packets;	   /* packet_seq_num skipped (unknown gaps) */
};

/* Most events in one packet. */
#define TT_CTF_PACKET_EVENTS 1024

/*
 * Plan the packets of hart `hart` of a dump: its records in time order,
 * a new packet after each loss so events_discarded grows there, a jump in
 * packet_seq_num for each gap of unknown size, and a loss the ring
 * counted (totals) beyond its LOST records at the end. The plan owns its
 * arrays (tt_ctf_plan_free).
 */
void tt_ctf_plan(struct tt_ctf_plan *p, struct tt_dump *d, uint16_t hart);
void tt_ctf_plan_free(struct tt_ctf_plan *p);

/* The TSDL text of a dump's metadata; uuid/clock_uuid are 16 bytes;
 * clock_offset, in clock cycles, places a later boot's dump after the
 * boot before (its time starts again near 0). */
void tt_ctf_metadata(FILE *out, const struct tt_dump *d, size_t number,
		     const char *log_name, const uint8_t uuid[16],
		     const uint8_t clock_uuid[16], uint64_t clock_offset);

/* A growable byte buffer for binary packets. */
struct tt_buf {
	uint8_t *p;
	size_t len, cap;
};

/* Encode one record as a CTF event (header, context, payload) at the
 * end of b; returns 0, or -1 for a kind that has no event class. */
int tt_ctf_event(struct tt_buf *b, const struct tt_rec *t);

/* Encode one whole packet (header, context, its events) at the end of b. */
void tt_ctf_packet(struct tt_buf *b, const struct tt_ctf_plan *p, size_t k,
		   const uint8_t uuid[16], uint16_t hart);

/*
 * Make dir ready for a trace: create it when missing; when it exists,
 * remove the files an earlier export left there (metadata, stream_hart*,
 * dump-N/ of --all) so no stale stream is read with the new ones. Returns
 * 0, or -1 after printing why.
 */
int tt_ctf_dir(const char *dir);

/* Write the CTF trace of one dump into directory dir (created when
 * missing). Returns 0; -1 after printing why dir could not be made ready
 * (nothing written); -2 after printing why a file could not be written,
 * the trace's files then removed again (it is not whole). clock_offset:
 * tt_ctf_metadata()'s. */
int tt_ctf_write(const char *dir, struct tt_dump *d, size_t number,
		 const char *log_name, uint64_t clock_offset);

/* Remove the files and dump-N directories of a trace written in dir
 * (those tt_ctf_dir() would clear); 0, or -1 after printing why. */
int tt_ctf_discard(const char *dir);

/* ------------------------------------------------------- tracecmd.c */

/* Write the chosen dumps as one trace-cmd trace.dat (version 6), a CPU
 * per hart. Returns 0, or -1 after printing why. */
int tt_dat_write(const char *path, struct tt_log *log, size_t first,
		 size_t count);

#endif
