/*
 * The trace dump wire format: how the hypervisor writes its trace rings to
 * the console, and how the host tools read them back. The encoder and the
 * decoder live together in trace_wire.c so they cannot drift apart.
 * Freestanding: no stdio, no malloc; all state is in caller-provided
 * structs and all output goes through callbacks. docs/trace-format.md
 * explains the same format with examples.
 *
 * LINES
 *   A dump is a sequence of text lines on the console, between lines of
 *   any other output (firmware, hypervisor, guests; characters may be
 *   lost). Each frame is one line of its own:
 *
 *       ~TV1:<base64 of the binary frame>\n
 *
 *   The prefix is the 5 characters "~TV1:", the encoding is standard base64
 *   (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, '=' padding, no line
 *   breaks). The hypervisor owns the console and is the only writer that
 *   may begin a line with '~': it starts every frame on a new line, writes
 *   it whole, and escapes any other text whose line would begin with '~'
 *   (after nothing but '\r') by writing one more '~' in front. A decoder
 *   therefore takes "~TV1:" only at the very start of a line (byte 0),
 *   takes the base64 characters that follow up to the first character
 *   outside the alphabet and '=', and verifies the frame. A "~TV1:"
 *   anywhere else in a line (escaped guest output, or text in front of it)
 *   is not the hypervisor's: it is rejected - counted in frames_rejected
 *   and reported through rejected() with its position - and never decoded.
 *   A frame that fails (bad base64, bad length, bad CRC, unknown type or
 *   record kind, bad contents) is reported with its position (line number
 *   and byte offset of its "~TV1:" in the input) and skipped; decoding
 *   goes on with the next frame.
 *
 * BINARY FRAME (all integers little-endian, at most TV_WIRE_MAX_FRAME =
 * 768 bytes, so a line is at most TV_WIRE_MAX_LINE = 1030 characters
 * including the '\n')
 *   header, 8 bytes:
 *     u8  type         TV_WIRE_BEGIN 1, TV_WIRE_RECORDS 2, TV_WIRE_HART 3,
 *                      TV_WIRE_END 4, TV_WIRE_RECORDS2 5,
 *                      TV_WIRE_RECORDS3 6
 *     u8  flags        0 (decoders reject other values)
 *     u16 hart         the hart whose records the frame carries (0 in
 *                      BEGIN and END)
 *     u32 frame_seq    counts the frames of one dump from 0 (BEGIN), all
 *                      harts together; a gap means frames were lost
 *   payload by type:
 *     BEGIN (32 bytes): u32 format_version (TV_FORMAT_VERSION of the
 *       hypervisor that wrote the dump: 1 to 4; decoders read all
 *       four and reject others),
 *       u64 timebase_hz, u16 nharts, u16 dump_reason (TV_DUMP_*),
 *       u32 ring_slots, u8 ring_mode (TV_WIRE_RING_*: 0 overwrite,
 *       1 stop), u8 reserved[3] (0),
 *       u64 dump_id (distinguishes the dumps in one log)
 *     RECORDS (10 bytes + records): u64 first_index, u16 count, then
 *       `count` encoded records (below), which must fill the payload
 *       exactly. first_index is the position of the frame's first record
 *       in its hart's dump: the hart's first RECORDS frame carries the ring
 *       position where the dump of that hart started (the value given to
 *       tv_wire_hart_begin()), and every record on the wire, LOST records
 *       included, advances the position by one. So a frame of the same
 *       hart following a gap tells exactly how many records went missing.
 *     RECORDS2: the same layout, carrying format-version-2 ring records
 *       (struct tv_rec, below).
 *     RECORDS3: the same as RECORDS2 but for the visits' arguments
 *       (below, "RECORDS3"): what the hypervisor writes now; RECORDS2
 *       is what it wrote until 2026-12 (its dumps still decode).
 *     HART (24 bytes): per-hart totals, sent after the last RECORDS frame
 *       of that hart: u64 offered, u64 consumed, u64 lost (as counted by
 *       the hypervisor's ring for this hart)
 *     END (4 bytes): u32 frames_in_dump (BEGIN and END included)
 *   trailer: u32 CRC-32 over all preceding bytes of the frame (IEEE 802.3
 *     polynomial, reflected form 0xEDB88320, initial value 0xFFFFFFFF,
 *     final XOR 0xFFFFFFFF: the CRC of zlib, PNG and Ethernet).
 *
 *   Frame order in a dump: BEGIN; then for each hart: its RECORDS frames
 *   (possibly none) and its HART frame; then END.
 *   The decoder checks that order (at most nharts harts, each hart's
 *   frames together, one HART frame per hart) and reports a dump that
 *   breaks it (docs/trace-format.md, "Index, loss and gaps").
 *
 * RECORD ENCODING (inside a RECORDS frame; the delta state is reset at the
 * start of every frame, so each frame decodes on its own)
 *   u8 head = kind (bits 0-5) | 0x40 "ids follow" | 0x80 "flags follow"
 *   if ids follow:   varint vm, varint vcpu, varint hart
 *                    (sent when any of them differs from the previous
 *                    record of the frame; before the first record the
 *                    previous values are vm 0, vcpu 0, hart = frame hart)
 *   if flags follow: varint flags (sent when flags are nonzero)
 *   varint zigzag(time - prev_time)
 *   varint zigzag(cycle - prev_cycle)
 *                    (prev_* = the previous record of the frame, 0 before
 *                    the first one)
 *   then the tv_kind_nargs(kind) arguments. Arguments past
 *   tv_kind_nargs(kind) are not sent and decode as 0.
 *   Every kind but EXIT sends arg[0], arg[1], ... in order, each as
 *                    varint zigzag(arg[i] - prev_arg[kind][i])
 *                    where prev_arg[kind][i] is the same argument of the
 *                    previous record of the same kind in the frame (0
 *                    before the first one). Exception: for TV_KIND_ENTRY
 *                    arg[0] (pc) the base is the sepc (arg[0]) of the
 *                    latest EXIT of the frame when there was one, so the
 *                    resume PC after an exit costs one byte.
 *   EXIT sends its scause (arg[1]) first, on its own, as
 *                    varint rotl1(scause)
 *                    (rotate left by one: the interrupt bit becomes bit 0,
 *                    so every standard cause, interrupt or exception, is
 *                    one byte and interrupt 5 stays apart from exception
 *                    5), then arg[0], arg[2], arg[3], arg[4], arg[5], each
 *                    as varint zigzag(arg[i] - base[i]) where base is the
 *                    latest EXIT of the frame with the same scause, or
 *                    when there is none the latest EXIT of the frame, or
 *                    all zeros when the frame had no EXIT yet. The frame
 *                    remembers the EXITs of up to TV_WIRE_EXIT_CAUSES
 *                    different scause values: when a new scause comes and
 *                    all are in use, the one least recently seen is
 *                    forgotten (both sides do the same, so they agree).
 *                    Exits of one cause mostly come from the same guest
 *                    instruction with the same stval/htval, so their
 *                    deltas are 0 and cost one byte each.
 *   varint = unsigned LEB128 (7 bits per byte, low group first, bit 7 set
 *   on all but the last byte; at most 10 bytes for 64 bits).
 *   zigzag(v) = (v << 1) ^ (v >> 63) with an arithmetic shift, so small
 *   negative and positive differences both encode small; all arithmetic
 *   is modulo 2^64, so any difference round-trips.
 *   Records of kind 0 (TV_KIND_NONE) or >= TV_KIND_COUNT are not
 *   encodable: the encoder drops them (counting them in `dropped`) and the
 *   decoder rejects a frame containing one.
 *
 * FORMAT VERSION 2 (RECORDS2 frames)
 *   A RECORDS2 record is a struct tv_rec of trace_record.h, encoded as
 *   above with three differences: the kind may also be a visit
 *   (TV_VISIT_*, six arguments, each based on the previous record of the
 *   same kind); the varint after the time is zigzag(dt - prev_dt) instead
 *   of the cycle count (dt < 2^32); hart is the frame's (ids carry the
 *   hart of the frame). The decoder hands each record to the record
 *   callback as its events (tv_rec_split(): a visit is EXIT, its SBI or
 *   MMIO detail, ENTRY; an event record is itself), all with the
 *   record's index. The hypervisor writes an exit's record when the exit
 *   ends, after the records of what happened during it (IRQ, EXC, MARK,
 *   CONTROL, ...); the decoder holds such records (up to TV_WIRE_HOLD)
 *   and delivers them after the EXIT of the next visit or EXIT record
 *   when they are not older than it, so the events arrive in the order
 *   of version 1: EXIT, what happened during the exit, SBI/MMIO, ENTRY.
 *   Counts (first_index, HART totals, LOST) are of ring records.
 *   A dump of version 1 has only RECORDS frames and decodes as before.
 *
 * RECORDS3 (the wire encoding of ring records since 2026-12)
 *   As RECORDS2, but a visit's arguments are based on an earlier visit
 *   of its kind with the same key: an exit visit's scause (arg[1]), an
 *   SBI visit's ids (arg[1]), an MMIO visit's sepc (arg[0], the guest
 *   instruction), a BASE visit's sepc (arg[0], the call site; format
 *   version 4). A frame remembers, per visit kind, the latest visits
 *   of up to TV_WIRE_VISIT_KEYS keys (the least recently seen key is
 *   forgotten for a new one). After dt comes varint ref: 1 + the slot
 *   of the remembered visit with the record's key, whose arguments are
 *   the bases; or 0, then the key as zigzag(key - base[key]) against the
 *   latest visit of the kind (zeros when none), which also bases the
 *   others; then the five other arguments, zigzag(arg[i] - base[i]) in
 *   order. The record becomes its key's latest (ref 0: in an unused or
 *   the least recently seen slot). Exits of one cause, calls of one SBI
 *   function and accesses of one instruction mostly repeat their
 *   arguments, so a mix of them costs a byte per argument: RECORDS2
 *   based a visit on the previous of its kind whatever it was (an
 *   interrupt's scause after a WFI's: a 10-byte difference).
 *
 * INDEX AND LOSS
 *   The decoder reports every record with its hart (from the frame header)
 *   and its index (first_index + position in the frame). A jump in
 *   frame_seq is reported as "frames N..M missing", followed by
 *   ": K records lost" when the frames on both sides of the gap are
 *   RECORDS frames of the same hart (K = first_index after the gap minus
 *   the index the hart had reached before it). With no frame missing, a
 *   RECORDS frame's first_index must go on from the end of the hart's
 *   previous RECORDS frame; a jump or a step back is reported.
 */
#ifndef TRACEVISOR_TRACE_WIRE_H
#define TRACEVISOR_TRACE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <tracevisor/trace_record.h>

#define TV_WIRE_PREFIX "~TV1:"
#define TV_WIRE_PREFIX_LEN 5

/* Size limits of one frame in bytes, and of one line in characters. */
#define TV_WIRE_MAX_FRAME 768
#define TV_WIRE_MAX_B64 (4 * ((TV_WIRE_MAX_FRAME + 2) / 3))
#define TV_WIRE_MAX_LINE (TV_WIRE_PREFIX_LEN + TV_WIRE_MAX_B64 + 1)

#define TV_WIRE_HEADER_SIZE 8
#define TV_WIRE_CRC_SIZE 4
#define TV_WIRE_BEGIN_PAYLOAD 32
#define TV_WIRE_RECORDS_PAYLOAD_MIN 10
#define TV_WIRE_HART_PAYLOAD 24
#define TV_WIRE_END_PAYLOAD 4

/* Largest encoded record: head, 3 id varints (2+2+3), flags varint (2),
 * time and cycle (10 each) and six arguments (10 each). A RECORDS3 visit
 * is shorter: its reference byte comes with a dt below 2^32 (5 bytes). */
#define TV_WIRE_MAX_RECORD 90

/* Most records a RECORDS frame can hold: each takes at least 3 bytes
 * (head, time and cycle varints). */
#define TV_WIRE_FRAME_RECORDS                                                  \
	((TV_WIRE_MAX_FRAME - TV_WIRE_HEADER_SIZE - TV_WIRE_CRC_SIZE -         \
	  TV_WIRE_RECORDS_PAYLOAD_MIN) /                                       \
	 3)

/* Frame types. */
enum tv_wire_type {
	TV_WIRE_BEGIN = 1,
	TV_WIRE_RECORDS = 2,
	TV_WIRE_HART = 3,
	TV_WIRE_END = 4,
	TV_WIRE_RECORDS2 = 5,
	TV_WIRE_RECORDS3 = 6,
};

/* Record head bits. */
#define TV_WIRE_HEAD_KIND 0x3f
#define TV_WIRE_HEAD_IDS 0x40
#define TV_WIRE_HEAD_FLAGS 0x80

/* BEGIN dump_reason. */
enum tv_dump_reason {
	TV_DUMP_SHUTDOWN = 1,	/* the guest shut down */
	TV_DUMP_REQUEST = 2,	/* the guest asked (SBI trace dump) */
	TV_DUMP_WATERMARK = 3,	/* a ring filled past its watermark */
	TV_DUMP_HYP_FAULT = 4,	/* the hypervisor faulted */
	TV_DUMP_TRACE_FULL = 5, /* a ring in stop mode filled / tracing stop */
	TV_DUMP_WATCHDOG = 6,	/* a vCPU made no exit for a watchdog period */
	TV_DUMP_PERIODIC = 7,	/* tv.dump_every's tick (a live trace) */
};

/* BEGIN ring_mode: the same values as enum tv_ring_mode of trace_ring.h
 * (named apart so both headers can be included together). */
#define TV_WIRE_RING_OVERWRITE 0 /* flight recorder: the oldest records go */
#define TV_WIRE_RING_STOP 1	 /* the newest records are dropped when full */

/* Contents of a BEGIN frame. */
struct tv_wire_begin {
	uint32_t format_version; /* TV_FORMAT_VERSION */
	uint64_t timebase_hz;	 /* `time` CSR frequency */
	uint16_t nharts;
	uint16_t dump_reason; /* enum tv_dump_reason */
	uint32_t ring_slots;  /* records per hart ring */
	uint8_t ring_mode;    /* TV_WIRE_RING_* */
	uint64_t dump_id;
};

/* Contents of a HART frame: the ring's counts since boot. */
struct tv_wire_hart_totals {
	uint16_t hart;
	uint64_t offered;  /* records the writer tried to record */
	uint64_t consumed; /* records read out of the ring */
	uint64_t lost;	   /* records lost (overwritten or dropped) */
	/* This dump's share, when the decoder knows it: the counts less
	 * those of the dump before (the first dump, id 0: the counts
	 * themselves). Unknown (dump_known 0) when that dump is not in the
	 * log, or the counts went down (another boot). */
	int dump_known;
	uint64_t dump_consumed, dump_lost;
};

/* Number of scause values whose latest EXIT a frame remembers. */
#define TV_WIRE_EXIT_CAUSES 8

/* The latest EXIT of one scause in the frame (and in RECORDS3 frames the
 * latest visit of one key). */
struct tv_wire_exit_base {
	uint32_t stamp; /* order of use, 0 = slot unused */
	uint64_t arg[TV_NARGS];
};

/* Number of keys whose latest visit a RECORDS3 frame remembers, per
 * visit kind. */
#define TV_WIRE_VISIT_KEYS 8
#define TV_WIRE_VISIT_KINDS (TV_VISIT_END - TV_VISIT_EXIT)

/* The argument a RECORDS3 visit is keyed by ("RECORDS3"): the sepc of an
 * MMIO visit (its instruction) and of a BASE visit (its call site), the
 * scause of an exit visit, the ids of an SBI visit. */
static inline unsigned tv_wire_visit_key(unsigned kind)
{
	return kind == TV_VISIT_MMIO || kind == TV_VISIT_SBI_BASE ? 0 : 1;
}

/* Kinds the delta state keeps arguments for: events and visits. */
#define TV_WIRE_KINDS TV_VISIT_END

/* Delta state of the record encoding, reset at every RECORDS frame
 * (cycle: the dt of a RECORDS2 frame). */
struct tv_wire_state {
	uint64_t time, cycle;
	uint8_t vm, vcpu;
	uint16_t hart;
	uint32_t stamp;	      /* exit and visit bases used so far */
	int8_t latest_exit;   /* exits[] slot of the latest EXIT, -1 none */
	uint64_t arg[TV_WIRE_KINDS][TV_NARGS]; /* kinds other than EXIT */
	struct tv_wire_exit_base exits[TV_WIRE_EXIT_CAUSES];
	/* RECORDS3: the latest visit of each kind and key, the kind's latest */
	struct tv_wire_exit_base visits[TV_WIRE_VISIT_KINDS][TV_WIRE_VISIT_KEYS];
	int8_t latest_visit[TV_WIRE_VISIT_KINDS];
};

/* ---------------------------------------------------------------- encoder */

/*
 * Encoder state. The caller owns it (static or on a big enough stack:
 * about 3 KiB) and must not touch the fields; `dropped` may be read.
 */
struct tv_wire_enc {
	void (*emit)(void *ctx, const char *line, size_t len);
	void *ctx;
	uint32_t seq;	     /* frame_seq of the next frame */
	uint16_t hart;	     /* hart of tv_wire_hart_begin() */
	uint64_t index;	     /* index of the next record of that hart */
	size_t len;	     /* bytes in frame[], 0 = no RECORDS frame open */
	uint16_t count;	     /* records in the open frame */
	uint64_t dropped;    /* records with an unencodable kind */
	int fmt;	     /* the open frame's: 0 RECORDS, 1 RECORDS2, 2 RECORDS3 */
	uint64_t pending_lost;	 /* tv_wire_lost() count not yet emitted */
	struct tv_record last;	 /* the hart's previous record (ids, time) */
	struct tv_wire_state st;
	uint8_t frame[TV_WIRE_MAX_FRAME];
	char line[TV_WIRE_MAX_LINE];
};

/*
 * Prepare an encoder. emit() receives each finished frame as one complete
 * line: "~TV1:" + base64 + "\n" (len counts the '\n'; the text is not
 * NUL-terminated and is only valid during the call).
 */
void tv_wire_enc_init(struct tv_wire_enc *e,
		      void (*emit)(void *ctx, const char *line, size_t len),
		      void *ctx);

/* Start a dump: emits BEGIN with frame_seq 0 (format_version is set to
 * TV_FORMAT_VERSION whatever info says). Anything still pending from an
 * unfinished dump is discarded. */
void tv_wire_begin(struct tv_wire_enc *e, const struct tv_wire_begin *info);

/* Start the records of one hart; first_index is the ring position of its
 * first record. Flushes the previous hart's open frame, if any. */
void tv_wire_hart_begin(struct tv_wire_enc *e, uint16_t hart,
			uint64_t first_index);

/* Add one record; emits the open RECORDS frame first when the record would
 * not fit in it. */
void tv_wire_record(struct tv_wire_enc *e, const struct tv_record *r);

/* Add one format-version-2 ring record (RECORDS3 frames; the hart is the
 * one of tv_wire_hart_begin()). */
void tv_wire_rec(struct tv_wire_enc *e, const struct tv_rec *r);

/* Most events a ring record splits into (a visit: EXIT, detail, ENTRY). */
#define TV_REC_EVENTS_MAX 3

/*
 * The events of a format-version-2 ring record of hart `hart`, in the
 * order they happened (trace_record.h, enum tv_visit): returns their
 * number, 0 for a kind that is neither an event nor a visit. Events get
 * cycle 0 (version 2 records no cycle count); a visit's SBI or MMIO
 * detail gets the entry's time.
 */
unsigned tv_rec_split(const struct tv_rec *r, uint16_t hart,
		      struct tv_record ev[TV_REC_EVENTS_MAX]);

/*
 * Say that `count` records were lost here (the reader found them
 * overwritten). The TV_KIND_LOST record is emitted just before the next
 * record of the hart, with that record's time, cycle and ids, so it sorts
 * where the loss happened; when no record follows, tv_wire_hart_end()
 * emits it with those of the previous record. Several calls in a row add
 * up into one record; count 0 does nothing.
 */
void tv_wire_lost(struct tv_wire_enc *e, uint64_t count);

/* Emit the open RECORDS frame, if any (the next record starts a new one). */
void tv_wire_flush(struct tv_wire_enc *e);

/* End the current hart: flushes its records, emits its HART frame. */
void tv_wire_hart_end(struct tv_wire_enc *e, uint64_t offered,
		      uint64_t consumed, uint64_t lost);

/* End the dump: flushes, emits END. The encoder can start another dump. */
void tv_wire_end(struct tv_wire_enc *e);

/* ---------------------------------------------------------------- decoder */

/* Where a frame that went missing was, as far as the decoder can tell. */
struct tv_wire_gap {
	uint32_t first_seq, last_seq; /* missing frame_seq range */
	int records_known;	      /* 1 when records_lost is exact */
	uint16_t hart;		      /* hart of the records, when known */
	uint64_t first_index;	      /* index of the first lost record */
	uint64_t records_lost;
	uint64_t time_before; /* time of the last record before the gap
				 on that hart (0 when none) */
	int no_frame_missing; /* 1: every frame is here, but the dump's own
				 indexes or counts say records_lost records
				 of the hart never reached the wire
				 (first_seq = last_seq = the frame that
				 tells) */
};

/* State of the dump being decoded, as the decoder sees it. */
struct tv_wire_end_info {
	uint32_t frames_in_dump;  /* from the END frame */
	uint32_t frames_received; /* valid frames of this dump decoded */
	int complete;		  /* BEGIN seen, no frame missing */
};

/*
 * Decoder callbacks; any may be NULL. Positions are the 1-based line
 * number and the 0-based byte offset in the input of the frame's "~TV1:"
 * (or of the end of input for tv_wire_dec_finish()).
 */
struct tv_wire_dec_ops {
	/* A dump starts. info is NULL when frames of a dump arrive whose
	 * BEGIN was lost. */
	void (*begin)(void *ctx, const struct tv_wire_begin *info);
	/* One record; hart is the frame's hart, index its position. */
	void (*record)(void *ctx, const struct tv_record *r, uint16_t hart,
		       uint64_t index);
	/* Optional: the n records of a RECORDS frame (format version 1) in
	 * one call, r[i] at index first + i, instead of n calls of
	 * record(); r is only valid during the call. Events of RECORDS2
	 * frames, which the decoder orders, come through record(), or
	 * events() when set. */
	void (*records)(void *ctx, const struct tv_record *r, size_t n,
			uint16_t hart, uint64_t first);
	/* Optional: the events of RECORDS2 frames, in the order record()
	 * would get them, up to TV_WIRE_EVENT_BATCH at a time instead of a
	 * call each: ev[i] of the ring record at index[i] (the events of a
	 * visit share its index), all of frames of this hart; ev and index
	 * are only valid during the call. */
	void (*events)(void *ctx, const struct tv_record *ev, const uint64_t *index,
		       size_t n, uint16_t hart);
	void (*hart_totals)(void *ctx, const struct tv_wire_hart_totals *t);
	void (*end)(void *ctx, const struct tv_wire_end_info *info);
	/* Frames went missing (also reported through error()). */
	void (*gap)(void *ctx, const struct tv_wire_gap *gap);
	/* A damaged frame or an inconsistency; msg is only valid during the
	 * call. */
	void (*error)(void *ctx, uint64_t line_no, uint64_t byte_offset,
		      const char *msg);
	/* Frame-like text the hypervisor did not write ("~TV1:" not at the
	 * start of its line): rejected, not decoded; why is only valid
	 * during the call. */
	void (*rejected)(void *ctx, uint64_t line_no, uint64_t byte_offset,
			 const char *why);
};

/* Most events the decoder hands over in one events() call. */
#define TV_WIRE_EVENT_BATCH 128

/* Events of RECORDS2 frames a decoder holds for the exit they belong to
 * (see FORMAT VERSION 2). */
#define TV_WIRE_HOLD 32
/* How many of a dump's latest frame numbers the decoder remembers, to
 * tell a frame repeated in the log, or one that arrives after a later
 * one, from the first frame of a new dump (tv_wire_dec.seen). */
#define TV_WIRE_SEEN 64

/* How many harts' ring counts the decoder follows from one dump to the
 * next (harts past that are not checked, their dump's share unknown). */
#define TV_WIRE_RING_HARTS 64

/* Bytes past a record's start that the record decoder's fast path may
 * read: its head and thirteen varints (a RECORDS3 visit's: ids, flags,
 * time, dt, reference, key and five arguments), each read at most 10
 * bytes ahead (trace_wire.c, dec_record_fast()). */
#define TV_WIRE_DEC_SLACK (1 + 13 * 10)
/* A b64_place[][] entry for a character outside the alphabet: the bits of
 * the fourth byte in memory, which no alphabet character's entry touches. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define TV_WIRE_B64_NOT 0x000000ffu
#else
#define TV_WIRE_B64_NOT 0xff000000u
#endif

/* Decoder state; the caller owns it and must not touch the fields. */
struct tv_wire_dec {
	const struct tv_wire_dec_ops *ops;
	void *ctx;
	int in_dump;	     /* frames of a dump are arriving */
	uint32_t next_seq;   /* frame_seq expected next */
	uint32_t received;   /* valid frames of this dump */
	int had_begin;	     /* this dump had its BEGIN */
	int had_gap;	     /* a frame of this dump is missing */
	int have_last;	     /* last_* describe a RECORDS frame */
	uint16_t last_hart;  /* hart of the last RECORDS frame */
	uint64_t last_end;   /* index after its last record */
	uint64_t last_time;  /* time of its last record */
	uint64_t frames_ok;  /* valid frames in the whole input */
	uint64_t frames_bad; /* damaged frames in the whole input */
	uint64_t frames_rejected; /* frame-like text not at a line start */
	uint64_t gaps;	     /* gaps detected in the whole input */
	int gap_here;	     /* frames went missing just before this one */
	/* The dump's harts, for the frame order (BEGIN's nharts at most,
	 * each hart's frames together, its HART frame last): */
	uint16_t nharts;     /* BEGIN's; 0 when the BEGIN was lost */
	uint32_t harts;	     /* distinct harts whose frames came */
	uint32_t harts_ended;	/* of them, those whose HART frame came */
	int cur_valid;		/* cur_*: the hart of the latest RECORDS or */
	uint16_t cur_hart;	/* HART frame, whether its HART frame came, */
	int cur_ended, cur_told;/* and whether its disorder was reported */
	uint8_t hart_ended[65536 / 8]; /* bit h: hart h's HART frame came */
	uint8_t hart_seen[65536 / 8];  /* bit h: a frame of hart h came */
	/* What the HART frames' consumed counts are checked against: the
	 * records of the current hart in this dump (LOST markers aside),
	 * the dump's id and whether it consumes (not a fault dump's peek),
	 * and the counts each hart's ring gave in the dump before. */
	uint64_t hart_recs;
	uint64_t dump_id;
	int dump_consumes;
	unsigned nring_before;
	struct {
		uint16_t hart;
		uint64_t dump_id, consumed, lost;
	} ring_before[TV_WIRE_RING_HARTS];
	/* The dump's frame_seq values next_seq - TV_WIRE_SEEN .. next_seq - 1:
	 * seen[seq % TV_WIRE_SEEN] is (seq + 1) << 32 | the frame's CRC when
	 * frame seq was decoded, else something else. */
	uint64_t seen[TV_WIRE_SEEN];
	char why[96];		  /* a message built for dec_bad() */
	uint64_t line_no, offset; /* position of the current frame */
	size_t flen;		  /* bytes in frame[] */
	/* The decoded frame, and room after it that the record decoder's
	 * fast path may read (never trusting what it finds there). */
	uint8_t frame[TV_WIRE_MAX_FRAME + TV_WIRE_DEC_SLACK];
	size_t nrecs;		  /* records of frame[] decoded in recs[] */
	struct tv_record recs[TV_WIRE_FRAME_RECORDS];
	/* CRC-32 tables for 16 bytes at a time: crc_slice[k][n] is the CRC
	 * register after byte n and k + 1 zero bytes (tv_wire_dec_init). */
	uint32_t crc_slice[15][256];
	int clmul; /* the CPU multiplies carry-less: CRC 64 bytes a step */
	/* Base64 sixteen characters a step (x86 SSSE3): the tables of
	 * b64_decode_blocks(), b64_blocks when the CPU has it. */
	int b64_blocks;
	uint8_t b64_lo[16], b64_hi[16], b64_roll[16];
	/* Base64 decoding tables for the four places of a group:
	 * b64_place[k][c] is the 6-bit value of character c shifted to its
	 * place in the group's 24 bits (18 - 6 k) and stored as the group's
	 * three bytes lie in memory, or TV_WIRE_B64_NOT for anything but an
	 * alphabet character (tv_wire_dec_init). */
	uint32_t b64_place[4][256];
	unsigned nhold;		  /* events held (FORMAT VERSION 2) */
	struct tv_record hold[TV_WIRE_HOLD];
	uint16_t hold_hart[TV_WIRE_HOLD];  /* their frames' hart */
	uint64_t hold_index[TV_WIRE_HOLD];
	/* Events waiting for one events() call (FORMAT VERSION 2): none
	 * between the decoder's calls of its callbacks for frames. */
	unsigned nev;
	uint16_t ev_hart;
	struct tv_record ev[TV_WIRE_EVENT_BATCH];
	uint64_t ev_index[TV_WIRE_EVENT_BATCH];
};

void tv_wire_dec_init(struct tv_wire_dec *d, const struct tv_wire_dec_ops *ops,
		      void *ctx);

/*
 * Feed one input line (with or without its '\n'). line_no is its 1-based
 * line number and byte_offset the offset of line[0] in the input; both are
 * only used to report positions. Every frame found in the line is decoded
 * and reported through the callbacks.
 */
void tv_wire_dec_line(struct tv_wire_dec *d, const char *line, size_t len,
		      uint64_t line_no, uint64_t byte_offset);

/* The same for a piece of a line too long to hold at once: line_start
 * says whether text[0] starts its line (only then can a frame begin
 * there). Pieces must not split a frame's text. */
void tv_wire_dec_piece(struct tv_wire_dec *d, const char *text, size_t len,
		       int line_start, uint64_t line_no, uint64_t byte_offset);

/* End of input: reports a dump that was not closed by an END frame. */
void tv_wire_dec_finish(struct tv_wire_dec *d, uint64_t line_no,
			uint64_t byte_offset);

/* ------------------------------------------------------ building blocks */

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320, init and final XOR
 * 0xFFFFFFFF) of len bytes. */
uint32_t tv_crc32(const void *data, size_t len);

/* Base64-encode len bytes into out (4 * ceil(len / 3) characters, no NUL);
 * returns the number of characters written. */
size_t tv_base64_encode(const uint8_t *in, size_t len, char *out);

/* Decode len base64 characters (a multiple of 4, '=' only as the final
 * one or two) into out of size cap; returns the byte count, or -1 when
 * the text is not valid base64 or does not fit. */
long tv_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);

/* Encode one record after the records summarised by st (st unchanged);
 * out needs TV_WIRE_MAX_RECORD bytes. Returns the encoded length, or 0
 * for an unencodable kind. */
size_t tv_wire_encode_record(const struct tv_wire_state *st,
			     const struct tv_record *r, uint8_t *out);

/* Reset st for a new frame of the given hart. */
void tv_wire_state_reset(struct tv_wire_state *st, uint16_t hart);

/* Advance st past record r. */
void tv_wire_state_update(struct tv_wire_state *st, const struct tv_record *r);

/* Name of a dump reason ("guest shutdown", ...), or NULL. */
const char *tv_dump_reason_name(unsigned reason);

/* ------------------------------------------------------- text formatting */

/*
 * Format one record as an ftrace-style line that mimics Linux's kvm
 * tracepoints, without a trailing newline:
 *
 *   vm0-vcpu1 [002] 0.001234: kvm_exit: SEPC:0x..., SCAUSE:0x..., ...
 *   vm0-vcpu1 [002] 0.001240: kvm_entry: PC: 0x0000000080001238
 *
 * "[002]" is the hart; the time is seconds.microseconds of `time` at
 * timebase_hz (raw ticks with no fraction when timebase_hz is 0). Kinds
 * other than EXIT and ENTRY become tv_sbi, tv_mmio, tv_irq, tv_exc,
 * tv_mark, tv_lost, tv_control and tv_stop events. Writes at most size
 * bytes, always NUL-terminated when size > 0; returns the length of the
 * whole line (like snprintf: a value >= size means it was truncated).
 */
int tv_format_text(const struct tv_record *r, uint64_t timebase_hz, char *buf,
		   size_t size);

/* A buffer this large always holds a whole tv_format_text() line. */
#define TV_FORMAT_TEXT_MAX 384

/* Format `time` at timebase_hz as in tv_format_text(); same contract. */
int tv_format_time(uint64_t time, uint64_t timebase_hz, char *buf,
		   size_t size);

#endif
