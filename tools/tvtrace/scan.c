/*
 * Log scanning: split the console log into lines, hand each to the wire
 * decoder, and collect the dumps, records, totals and gaps it reports.
 * Decoding errors are printed as they are found, with the line number
 * and byte offset of the damaged frame. Frame-like text the hypervisor did
 * not write (a "~TV1:" anywhere but at the start of a line: guest output,
 * which the hypervisor escapes) is rejected the same way, counted, and
 * never reaches a dump, so no view or export can show it.
 */
#define _POSIX_C_SOURCE 200809L /* read, fileno, nanosleep (--follow) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tvtrace.h"

/* Lines longer than this are fed to the decoder in pieces (see
 * feed_long_line), so memory stays bounded whatever the input. */
#define LINE_LIMIT (1u << 20)

struct scan {
	struct tt_log *log;
	struct tv_wire_dec dec;
	int have_dump;		 /* log->dumps[ndumps - 1] is open */
	uint64_t seq;		 /* arrival counter for records */
	uint64_t line_no;	 /* line being decoded */
	int at_end;		 /* tv_wire_dec_finish() is reporting */
	int unended;		 /* decoding a last line without its '\n' */
	int cont;		 /* part of the current line was fed */
	int pending_gap;	 /* a count-unknown gap marker waits for */
	struct tt_rec pending;	 /* the time of the next record */
	int grows;		 /* following a regular file: wait at its end */
	int read_err;		 /* following: errno of a failed read */
	uint64_t got;		 /* following: bytes read of this file */
	int reopened;		 /* following: another file took its name */
	int gone_said;		 /* following: "its name is gone" said */
	uint32_t number;	 /* the open dump's number in the log */
	size_t part_nreal;	 /* --join: the trace's nreal when the open
				    part began */
};

/* The dump frames are being added to. */
static struct tt_dump *cur(struct scan *s)
{
	return &s->log->dumps[s->log->ndumps - 1];
}

/*
 * A record of dump d takes its place in the dump: kept in recs[] (unless
 * the log is streamed) and, when the dump is summarised as it is read,
 * counted in its summary.
 */
static void put_rec(struct scan *s, struct tt_dump *d, const struct tt_rec *t)
{
	d->nreal += t->origin == TT_FROM_DUMP;
	if (!s->log->stream) {
		if (d->nrecs == d->recs_cap) {
			d->recs_cap = d->recs_cap ? 2 * d->recs_cap : 1024;
			d->recs = tt_xrealloc(d->recs, d->recs_cap,
					      sizeof(*d->recs));
		}
		d->recs[d->nrecs++] = *t;
	}
	if (d->sum)
		tt_summary_add(d->sum, t);
}

/* A new record (zeroed, numbered in arrival order). */
static void new_rec(struct scan *s, struct tt_rec *t)
{
	memset(t, 0, sizeof(*t));
	t->seq = s->seq++;
	t->dump = s->number;
}

/* The waiting gap marker goes into the dump as it is (no record came to
 * give it a time). */
static void flush_pending_gap(struct scan *s)
{
	if (!s->pending_gap)
		return;
	s->pending_gap = 0;
	put_rec(s, cur(s), &s->pending);
}

static void dump_free(struct tt_dump *d)
{
	free(d->recs);
	free(d->totals);
	free(d->order);
	tt_summary_free(d->sum);
	for (size_t i = 0; i < d->nparts; i++)
		dump_free(&d->parts[i]);
	free(d->parts);
}

/* --join: the dump of the log whose frames are arriving, a part of the
 * one trace (log->dumps[0]). */
static struct tt_dump *cur_part(struct scan *s)
{
	struct tt_dump *d = cur(s);

	return &d->parts[d->nparts - 1];
}

/* Where a dump's own description goes (BEGIN, HART frames, END): the
 * open dump, or joining, its part. */
static struct tt_dump *own_dump(struct scan *s)
{
	return s->log->join ? cur_part(s) : cur(s);
}

/* --join: the open part has had all its records: its share of the
 * trace's events. */
static void close_part(struct scan *s)
{
	struct tt_dump *d = cur(s);

	if (d->nparts)
		cur_part(s)->nreal = d->nreal - s->part_nreal;
}

/* --join: another dump of the log begins, a new part of trace d. */
static void new_part(struct scan *s, struct tt_dump *d)
{
	struct tt_dump *p;

	close_part(s);
	p = tt_append(&d->parts, &d->nparts, &d->parts_cap);
	p->first_line = s->line_no;
	s->part_nreal = d->nreal;
}

/*
 * The open dump is closed (its END, the BEGIN of the next, the end of
 * the input). Following, it goes to log->done at once and is freed, its
 * slot reused by the next: the log holds one dump at a time. Otherwise
 * it stays for main.c to choose from.
 */
static void close_dump(struct scan *s)
{
	struct tt_log *log = s->log;
	struct tt_dump *d = cur(s);

	s->have_dump = 0;
	if (!log->follow)
		return;
	log->done(log->done_ctx, d, log->handed + log->ndumps);
	dump_free(d);
	log->ndumps--;
	log->handed++;
}

/* Start a new dump in the log (closing one left open: its END is lost).
 * Joining, the first dump is the trace and every later one a part of
 * it. */
static struct tt_dump *new_dump(struct scan *s)
{
	struct tt_log *log = s->log;
	struct tt_dump *d;

	flush_pending_gap(s);
	if (s->have_dump)
		close_dump(s);
	if (log->join && log->ndumps) {
		d = cur(s);
	} else {
		if (log->ndumps == log->cap) {
			log->cap = log->cap ? 2 * log->cap : 4;
			log->dumps = tt_xrealloc(log->dumps, log->cap,
						 sizeof(*log->dumps));
		}
		d = &log->dumps[log->ndumps++];
		memset(d, 0, sizeof(*d));
		d->first_line = s->line_no;
		if (log->summarize)
			d->sum = tt_summary_new();
	}
	if (log->join)
		new_part(s, d);
	s->number = (uint32_t)(log->join ? d->nparts : log->handed + log->ndumps);
	s->have_dump = 1;
	return d;
}

/* The open dump, creating one if frames arrive before any. */
static struct tt_dump *open_dump(struct scan *s)
{
	return s->have_dump ? cur(s) : new_dump(s);
}

static void on_begin(void *ctx, const struct tv_wire_begin *info)
{
	struct scan *s = ctx;
	struct tt_dump *d = new_dump(s), *own = own_dump(s);

	if (!info)
		return;
	own->has_begin = 1;
	own->info = *info;
	if (own != d && d->nparts == 1) { /* a joined trace: its first dump's */
		d->has_begin = 1;
		d->info = *info;
	}
}

/* A gap marker whose time was unknown takes the time and ids of the first
 * record after the gap (records of a hart are lost before it), and goes
 * into the dump just before that record. */
static void settle_pending_gap(struct scan *s, const struct tv_record *r,
			       uint16_t hart)
{
	struct tt_rec *m = &s->pending;

	if (!s->pending_gap)
		return;
	if (r) {
		m->r.time = r->time;
		m->r.cycle = r->cycle;
		m->r.vm = r->vm;
		m->r.vcpu = r->vcpu;
		m->r.hart = hart;
		m->hart = hart;
	}
	flush_pending_gap(s);
}

/* Records of a dump, r[i] at index index[i] (or first + i without
 * index[]) of the hart's dump: each into the dump. */
static void put_records(struct scan *s, const struct tv_record *r, size_t n,
			uint16_t hart, uint64_t first, const uint64_t *index)
{
	struct tt_dump *d;
	struct tt_rec t;

	if (!n) /* an empty frame: no dump opened for it */
		return;
	d = open_dump(s);
	settle_pending_gap(s, r, hart);
	t.hart = hart;
	t.origin = TT_FROM_DUMP;
	t.dump = s->number;
	t.gap_first = t.gap_last = 0;
	for (size_t i = 0; i < n; i++) {
		t.r = r[i];
		t.index = index ? index[i] : first + i;
		t.seq = s->seq++;
		put_rec(s, d, &t);
	}
	d->last_time = r[n - 1].time;
}

/* A format version 1 frame's records, at once. */
static void on_records(void *ctx, const struct tv_record *r, size_t n,
		       uint16_t hart, uint64_t first)
{
	put_records(ctx, r, n, hart, first, NULL);
}

/* Events of version 2 frames, as many at once as the decoder has. */
static void on_events(void *ctx, const struct tv_record *ev, const uint64_t *index,
		      size_t n, uint16_t hart)
{
	put_records(ctx, ev, n, hart, 0, index);
}

static void on_totals(void *ctx, const struct tv_wire_hart_totals *tot)
{
	struct scan *s = ctx;
	struct tt_dump *d;

	open_dump(s);
	d = own_dump(s);
	settle_pending_gap(s, NULL, 0);
	if (d->ntotals == d->totals_cap) {
		d->totals_cap = d->totals_cap ? 2 * d->totals_cap : 8;
		d->totals = tt_xrealloc(d->totals, d->totals_cap,
					sizeof(*d->totals));
	}
	d->totals[d->ntotals++] = *tot;
}

static void on_end(void *ctx, const struct tv_wire_end_info *info)
{
	struct scan *s = ctx;
	struct tt_dump *d;

	open_dump(s);
	d = own_dump(s);
	settle_pending_gap(s, NULL, 0);
	d->ended = 1;
	d->end = *info;
	close_dump(s);
}

/* Frames went missing: put a marker record where the records were lost,
 * so every view shows "N records lost here". */
static void on_gap(void *ctx, const struct tv_wire_gap *g)
{
	struct scan *s = ctx;
	struct tt_dump *d = open_dump(s);
	struct tt_rec m;

	settle_pending_gap(s, NULL, 0);
	new_rec(s, &m);
	m.r.kind = TV_KIND_LOST;
	m.r.hart = g->hart;
	m.hart = g->hart;
	m.index = g->first_index;
	m.gap_first = g->first_seq;
	m.gap_last = g->last_seq;
	if (g->records_known) {
		/* Lost between the hart's last record and the frame after
		 * the gap: place it just after that record. */
		m.origin = g->no_frame_missing ? TT_GAP_UNSENT : TT_GAP_KNOWN;
		m.r.arg[0] = g->records_lost;
		m.r.time = g->time_before;
		d->last_time = m.r.time;
		put_rec(s, d, &m);
	} else {
		/* Until the next record tells where: the time of the
		 * latest record of the dump. */
		m.origin = TT_GAP_UNKNOWN;
		m.r.time = d->last_time;
		s->pending = m;
		s->pending_gap = 1;
	}
}

static void on_error(void *ctx, uint64_t line_no, uint64_t byte_offset,
		     const char *msg)
{
	struct scan *s = ctx;
	struct tt_log *log = s->log;

	log->errors++;
	if (log->quiet)
		return;
	if (s->at_end)
		fprintf(stderr, "tvtrace: %s: at end of input (byte %llu): %s\n",
			log->name, (unsigned long long)byte_offset, msg);
	else
		fprintf(stderr, "tvtrace: %s:%llu: byte %llu: %s%s\n", log->name,
			(unsigned long long)line_no,
			(unsigned long long)byte_offset, msg,
			s->unended ? " (the input ends inside this line: "
				     "cut short?)" : "");
}

/* Frame-like text the hypervisor did not write (trace_wire.h, LINES):
 * never part of a dump. The first TT_REJECTED_LISTED are named on stderr
 * with their position; tt_report_rejected() gives the count. */
#define TT_REJECTED_LISTED 20
#define TT_STR_(x) #x
#define TT_STR(x) TT_STR_(x)

static void on_rejected(void *ctx, uint64_t line_no, uint64_t byte_offset,
			const char *why)
{
	struct scan *s = ctx;
	struct tt_log *log = s->log;

	if (!log->rejected++) {
		log->rejected_line = line_no;
		log->rejected_byte = byte_offset;
	}
	if (!log->quiet && log->rejected <= TT_REJECTED_LISTED)
		fprintf(stderr, "tvtrace: %s:%llu: byte %llu: rejected, not from "
				"the hypervisor: %s\n",
			log->name, (unsigned long long)line_no,
			(unsigned long long)byte_offset, why);
}

void tt_report_no_frames(const struct tt_log *log)
{
	if (log->errors)
		fprintf(stderr, "tvtrace: %s: no intact trace frames found (all frames "
				"damaged)\n", log->name);
	else if (!log->bytes)
		fprintf(stderr, "tvtrace: %s: no intact trace frames found (the input is "
				"empty)\n", log->name);
	else
		fprintf(stderr, "tvtrace: %s: no intact trace frames found (%llu bytes "
				"read, no line of them a trace frame: those begin '" TV_WIRE_PREFIX
				"')\n", log->name, (unsigned long long)log->bytes);
}

void tt_report_rejected(const struct tt_log *log)
{
	if (!log->rejected || log->quiet)
		return;
	fprintf(stderr,
		"tvtrace: %s: rejected %llu frame-like line%s not written by "
		"the hypervisor (first at line %llu, byte %llu%s); they are "
		"in no dump\n",
		log->name, (unsigned long long)log->rejected,
		log->rejected == 1 ? "" : "s",
		(unsigned long long)log->rejected_line,
		(unsigned long long)log->rejected_byte,
		log->rejected > TT_REJECTED_LISTED
			? "; the first " TT_STR(TT_REJECTED_LISTED) " listed"
			: "");
}

static const struct tv_wire_dec_ops scan_ops = {
	.begin = on_begin,
	.records = on_records,
	.events = on_events,
	.hart_totals = on_totals,
	.end = on_end,
	.gap = on_gap,
	.error = on_error,
	.rejected = on_rejected,
};

/* Is c a character that can be part of a frame (base64 text, '=', or the
 * "~TV1:" prefix)? */
static int frame_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	       c == '~' || c == ':';
}

/*
 * A line grew past LINE_LIMIT without a newline: decode its first part
 * and keep the rest (which does not start a line: no frame can begin
 * there). The cut is made at a character that cannot belong to a frame or
 * to its prefix, at least one maximal line before the end, so no frame is
 * split. Returns how many bytes were consumed.
 */
static size_t feed_long_line(struct scan *s, const char *buf, size_t len,
			     uint64_t offset)
{
	size_t cut = len - 2 * (size_t)TV_WIRE_MAX_LINE;

	while (cut > len - 4 * (size_t)TV_WIRE_MAX_LINE &&
	       frame_char((unsigned char)buf[cut]))
		cut--;
	tv_wire_dec_piece(&s->dec, buf, cut, !s->cont, s->line_no, offset);
	s->cont = 1;
	return cut;
}

/*
 * The input is read into one buffer of SCAN_BUF bytes and its lines are
 * decoded where they lie; only the unfinished last line moves (to the
 * front). A line never grows past LINE_LIMIT there (feed_long_line), so
 * the buffer always has room for more.
 *
 * The buffer is filled SCAN_READ bytes at a time, which keeps the text
 * being decoded in the cache and leaves most of the buffer untouched
 * (never paged in) unless a line grows long. Where a long line is cut
 * depends on how much of it is buffered, so the cut is made only where
 * the buffer would have been full had it been filled whole (and at the
 * end of the input): the pieces are the same whatever SCAN_READ is.
 */
#define SCAN_BUF (2 * (size_t)LINE_LIMIT)
#define SCAN_READ ((size_t)128 << 10)

/* Following a regular file: how long to wait at its end before looking
 * for more (tail -f looks once a second; a live trace wants less). */
#define FOLLOW_POLL_NS 100000000L

/*
 * Following (--follow): what has come of the input, at most want bytes,
 * as soon as there is any (read(2): fread would wait for want bytes or
 * the end). At the end of a regular file, wait for it to grow; a pipe
 * ends when its writer closes it. 0: the end of the input, a read
 * error (s->read_err), or the end of a file another took the name of
 * (s->reopened: the new one is read next).
 */
/*
 * Following a file by its name (log->path), at its end: has another
 * file taken the name (a new run's log: another inode), or has the file
 * been truncated (shorter than what was read)? Then it is opened again
 * in place of the old one, on the same descriptor, to be read from its
 * start (tail -F), stderr says so, and it returns 1. A name that is gone
 * for now (between a remove and a create) is waited for.
 */
/* The followed file's name is gone (removed, or moved away): said once,
 * since following it then waits for a file under that name and would
 * look hung. */
static void say_gone(struct scan *s, const char *path)
{
	if (s->gone_said || s->log->quiet)
		return;
	s->gone_said = 1;
	fprintf(stderr, "tvtrace: %s: the file is gone (%s); waiting for a "
		"file under its name (a new run's log), Ctrl-C to stop\n", path,
		strerror(errno));
}

static int reopen_replaced(struct scan *s, int fd)
{
	const char *path = s->log->path;
	struct stat named, open_now;
	int nfd;

	if (!path)
		return 0;
	if (stat(path, &named) != 0) {
		say_gone(s, path);
		return 0;
	}
	if (fstat(fd, &open_now) != 0)
		return 0;
	if (named.st_dev == open_now.st_dev && named.st_ino == open_now.st_ino &&
	    (uint64_t)named.st_size >= s->got)
		return 0;
	nfd = open(path, O_RDONLY);
	if (nfd < 0)
		return 0;
	if (dup2(nfd, fd) < 0) {
		close(nfd);
		return 0;
	}
	close(nfd);
	if (!s->log->quiet)
		fprintf(stderr, "tvtrace: %s: %s (a new run?): following it from "
			"its start\n", path, named.st_ino != open_now.st_ino ||
			named.st_dev != open_now.st_dev ? "another file took its name"
							 : "the file was truncated");
	s->got = 0;
	s->reopened = 1;
	s->gone_said = 0;
	return 1;
}

static size_t follow_read(struct scan *s, int fd, char *buf, size_t want)
{
	const struct timespec poll = {0, FOLLOW_POLL_NS};

	for (;;) {
		ssize_t n = read(fd, buf, want);

		if (n > 0) {
			s->got += (uint64_t)n;
			return (size_t)n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->read_err = errno;
			return 0;
		}
		if (!s->grows || reopen_replaced(s, fd))
			return 0;
		nanosleep(&poll, NULL);
	}
}

/* Up to want bytes of the input into buf; 0 at its end. Without follow,
 * want bytes unless the input ends first. */
static size_t read_input(struct scan *s, FILE *in, char *buf, size_t want)
{
	if (!s->log->follow)
		return fread(buf, 1, want, in);
	return follow_read(s, fileno(in), buf, want);
}

/* Following a regular file (not a pipe, terminal or socket): its end is
 * only where the writer has got to. */
static int input_grows(FILE *in)
{
	struct stat st;

	return fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
}

/* Decode the complete lines of buf[0..len) and, at the end of a full
 * buffer or of the input (full), the first part of a line grown too
 * long; returns how many bytes were consumed. */
static size_t feed_block(struct scan *s, const char *buf, size_t len,
			 uint64_t *offset, int full)
{
	size_t pos = 0;
	const char *nl;

	while ((nl = memchr(buf + pos, '\n', len - pos)) != NULL) {
		size_t n = (size_t)(nl - (buf + pos)) + 1;

		tv_wire_dec_piece(&s->dec, buf + pos, n, !s->cont, s->line_no,
				  *offset);
		s->cont = 0;
		*offset += n;
		pos += n;
		s->line_no++;
	}
	if (full && len - pos > LINE_LIMIT) {
		size_t used = feed_long_line(s, buf + pos, len - pos, *offset);

		*offset += used;
		pos += used;
	}
	return pos;
}

/*
 * The end of the input, or of a followed file another file replaced:
 * the last line (without its newline, len bytes in buf) is decoded, a
 * dump left open is reported as cut short and closed.
 */
static void end_of_file(struct scan *s, const char *buf, size_t len,
			uint64_t offset)
{
	if (len) {
		/* a frame cut here reads as damaged (CRC, base64): its
		 * error says the input stops inside its line */
		s->unended = 1;
		tv_wire_dec_piece(&s->dec, buf, len, !s->cont, s->line_no,
				  offset);
		s->unended = 0;
		offset += len;
		s->line_no++;
	}
	s->at_end = 1;
	tv_wire_dec_finish(&s->dec, s->line_no, offset);
	s->at_end = 0;
	flush_pending_gap(s);
	if (s->have_dump)
		close_dump(s); /* following: the last dump, cut short */
}

int tt_scan(FILE *in, struct tt_log *log)
{
	static struct scan s;
	char *buf = tt_xrealloc(NULL, SCAN_BUF, 1);
	size_t len = 0;
	size_t room = SCAN_BUF; /* to read before the buffer would be full */
	uint64_t offset = 0;	/* input offset of buf[0] */
	int err;

	memset(&s, 0, sizeof(s));
	s.log = log;
	s.line_no = 1;
	s.grows = log->follow && input_grows(in);
	tv_wire_dec_init(&s.dec, &scan_ops, &s);
	for (;;) {
		size_t want = room < SCAN_READ ? room : SCAN_READ;
		size_t n = read_input(&s, in, buf + len, want), used;
		/* Full, or a short read of fread: the end of the input (or an
		 * error). Following, a short read is what has come so far. */
		int full = n == room || (!log->follow && n < want);

		if (n == 0 && s.reopened) {
			/* a new file under the name: from its line 1 */
			end_of_file(&s, buf, len, offset);
			s.reopened = s.cont = 0;
			s.line_no = 1;
			len = offset = 0;
			room = SCAN_BUF;
			continue;
		}
		if (n == 0)
			break;
		log->bytes += n;
		used = feed_block(&s, buf, len + n, &offset, full);
		room -= n;
		len += n - used;
		if (used)
			memmove(buf, buf + used, len);
		if (full)
			room = SCAN_BUF - len;
	}
	err = s.read_err;
	if (!err && ferror(in))
		err = errno ? errno : EIO; /* what was read is decoded */
	end_of_file(&s, buf, len, offset);
	free(buf);
	log->lines = s.line_no - 1;
	log->frames_ok = s.dec.frames_ok;
	if (log->join && log->ndumps) {
		close_part(&s);
		tt_join_finish(&log->dumps[0]);
	}
	return err;
}

void tt_log_free(struct tt_log *log)
{
	for (size_t i = 0; i < log->ndumps; i++)
		dump_free(&log->dumps[i]);
	free(log->dumps);
	log->dumps = NULL;
	log->ndumps = 0;
}
