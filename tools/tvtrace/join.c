/*
 * --join: the consecutive dumps of one boot as one trace.
 *
 * A live trace (tv.dump_every=MS) writes a dump every interval, each
 * holding the records its rings were given since the dump before: they
 * are consumed, so no record is in two dumps. Joined, each hart's
 * records follow each other dump after dump (tt_scan() puts them into
 * one struct tt_dump; parts[] keeps each dump's description and HART
 * frames), and the views, exports and pictures cover the whole boot.
 *
 * The wire format has no boot identifier. What tells a boot apart is the
 * dump id of the BEGIN frame: the hypervisor numbers the dumps of a boot
 * 0, 1, 2, ... (hyp/trace/dump.c takes one id per dump, fault dump
 * included, with an atomic add), so a dump whose id is not the one
 * before plus one is another boot's (the id went down or repeated) or
 * follows dumps that are not in the log (the id jumped). The HART
 * frames' counts, since boot, must not go down either, and the BEGIN
 * frames must describe the same machine (timebase, harts, rings).
 *
 * Losses stay exact: a HART frame's counts are since boot, and the
 * decoder gives each dump its share (the counts less the dump before's,
 * struct tv_wire_hart_totals); the joined trace's share of a hart is the
 * sum of its dumps' shares, known only when every dump has that hart's
 * HART frame with a known share. Its counts since boot are the last
 * dump's.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tvtrace.h"

/* The index of `hart`'s joined totals in d->totals, created (zero,
 * known) when new. */
static size_t joined_hart(struct tt_dump *d, uint16_t hart)
{
	struct tv_wire_hart_totals *t;

	for (size_t i = 0; i < d->ntotals; i++)
		if (d->totals[i].hart == hart)
			return i;
	t = tt_append(&d->totals, &d->ntotals, &d->totals_cap);
	t->hart = hart;
	t->dump_known = 1;
	return d->ntotals - 1;
}

/* Add one dump's HART frame to the joined totals of its hart. */
static void add_share(struct tv_wire_hart_totals *j,
		      const struct tv_wire_hart_totals *t)
{
	j->offered = t->offered;
	j->consumed = t->consumed;
	j->lost = t->lost;
	j->dump_known = j->dump_known && t->dump_known;
	j->dump_consumed += t->dump_consumed;
	j->dump_lost += t->dump_lost;
}

/* The joined HART totals: per hart, the latest counts since boot and
 * the sum of the dumps' shares. */
static void join_totals(struct tt_dump *d)
{
	size_t frames = 0, *seen; /* seen[i]: dumps with hart i's frame */

	for (size_t k = 0; k < d->nparts; k++)
		frames += d->parts[k].ntotals;
	seen = tt_xrealloc(NULL, frames + 1, sizeof(*seen));
	memset(seen, 0, (frames + 1) * sizeof(*seen));
	for (size_t k = 0; k < d->nparts; k++) {
		const struct tt_dump *p = &d->parts[k];

		for (size_t i = 0; i < p->ntotals; i++) {
			size_t j = joined_hart(d, p->totals[i].hart);

			add_share(&d->totals[j], &p->totals[i]);
			seen[j]++;
		}
	}
	/* A hart whose HART frame is missing from a dump: that dump's
	 * share is not in the sum. */
	for (size_t i = 0; i < d->ntotals; i++)
		if (seen[i] != d->nparts)
			d->totals[i].dump_known = 0;
	free(seen);
}

void tt_join_finish(struct tt_dump *d)
{
	d->ended = 1;
	d->end.complete = 1;
	for (size_t k = 0; k < d->nparts; k++) {
		const struct tt_dump *p = &d->parts[k];

		d->ended = d->ended && p->ended;
		d->end.complete = d->end.complete && tt_complete(p);
		d->end.frames_in_dump += p->end.frames_in_dump;
		d->end.frames_received += p->end.frames_received;
	}
	join_totals(d);
}

/* Do two BEGIN frames describe the same machine and hypervisor? */
static int same_machine(const struct tv_wire_begin *a,
			const struct tv_wire_begin *b)
{
	return a->format_version == b->format_version &&
	       a->timebase_hz == b->timebase_hz && a->nharts == b->nharts &&
	       a->ring_slots == b->ring_slots && a->ring_mode == b->ring_mode;
}

/* A hart's ring counts in dump q went down from those in dump p (the
 * counts are since boot): its hart, else -1. */
static int counts_go_down(const struct tt_dump *p, const struct tt_dump *q)
{
	for (size_t i = 0; i < q->ntotals; i++)
		for (size_t k = 0; k < p->ntotals; k++) {
			const struct tv_wire_hart_totals *a = &p->totals[k],
							 *b = &q->totals[i];

			if (a->hart == b->hart &&
			    (b->offered < a->offered || b->consumed < a->consumed ||
			     b->lost < a->lost))
				return b->hart;
		}
	return -1;
}

/* Why dump n (p, 1-based) cannot be joined on its own terms: its BEGIN
 * is missing, or it only peeked at the rings. 0 when it can. */
static int part_refusal(const struct tt_dump *p, size_t n, char *buf,
			size_t size)
{
	if (!p->has_begin) {
		snprintf(buf, size, "dump %zu's BEGIN frame is missing: its dump "
			 "id, and so its boot, is unknown", n);
		return 1;
	}
	if (p->info.dump_reason == TV_DUMP_HYP_FAULT) {
		snprintf(buf, size, "dump %zu (id %" PRIu64 ") is the dump after a "
			 "hypervisor fault, which reads the rings without "
			 "consuming them: its records repeat those of the dumps "
			 "before it (see it alone with --dump %zu)",
			 n, p->info.dump_id, n);
		return 1;
	}
	return 0;
}

/* Why dump n (q) cannot follow dump n - 1 (p) in one trace; 0 when it
 * can. */
static int pair_refusal(const struct tt_dump *p, const struct tt_dump *q,
			size_t n, char *buf, size_t size)
{
	uint64_t a = p->info.dump_id, b = q->info.dump_id;
	int hart;

	if (b <= a) {
		snprintf(buf, size, "dumps %zu and %zu are of different boots: the "
			 "dump id starts again (%" PRIu64 " after %" PRIu64 "; one "
			 "boot numbers its dumps 0, 1, 2, ...)", n - 1, n, b, a);
		return 1;
	}
	if (b != a + 1) {
		snprintf(buf, size, "dumps %zu and %zu have ids %" PRIu64 " and %"
			 PRIu64 ": the dump%s between them %s not in the log, "
			 "and neither are %s records", n - 1, n, a, b,
			 b - a == 2 ? "" : "s", b - a == 2 ? "is" : "are",
			 b - a == 2 ? "its" : "their");
		return 1;
	}
	if (!same_machine(&p->info, &q->info)) {
		snprintf(buf, size, "dumps %zu and %zu are of different boots: their "
			 "BEGIN frames differ in format version, timebase, harts "
			 "or rings", n - 1, n);
		return 1;
	}
	hart = counts_go_down(p, q);
	if (hart >= 0) {
		snprintf(buf, size, "dumps %zu and %zu are of different boots: hart "
			 "%d's ring counts, since boot, go down", n - 1, n, hart);
		return 1;
	}
	return 0;
}

/* After the reason in buf, where dump n (p) begins in the log: the line
 * to look at, or to cut the log at (the dump numbers are --list's). */
static void add_where(char *buf, size_t size, const struct tt_dump *p,
		      size_t n)
{
	size_t len = strlen(buf);

	if (len + 1 < size)
		snprintf(buf + len, size - len, "; dump %zu begins at line %" PRIu64
			 " of the log", n, p->first_line);
}

int tt_join_refusal(const struct tt_dump *d, char *buf, size_t size)
{
	if (d->nparts < 2)
		return 0; /* one dump is a trace as it is */
	for (size_t k = 0; k < d->nparts; k++) {
		if (part_refusal(&d->parts[k], k + 1, buf, size) ||
		    (k && pair_refusal(&d->parts[k - 1], &d->parts[k], k + 1, buf,
				       size))) {
			add_where(buf, size, &d->parts[k], k + 1);
			return 1;
		}
	}
	return 0;
}
