/*
 * Helpers shared by the tvtrace views: memory, time, ordering, dump
 * descriptions.
 */
#define _DEFAULT_SOURCE /* realpath */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "riscv_names.h"
#include "tvtrace.h"

/* Timebase assumed for dumps whose BEGIN frame was lost (--timebase);
 * QEMU virt's timebase is 10 MHz. */
uint64_t tt_fallback_timebase = 10000000;

FILE *tt_open_log(const char *name)
{
	struct stat st;
	FILE *in;

	if (strcmp(name, "-") == 0)
		return stdin;
	in = fopen(name, "rb");
	if (!in) {
		fprintf(stderr, "tvtrace: cannot open '%s': %s\n", name,
			strerror(errno));
		return NULL;
	}
	if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tvtrace: cannot read '%s': it is a directory, "
			"not a log\n", name);
		fclose(in);
		return NULL;
	}
	return in;
}

/* realloc for n elements of size bytes; exits on overflow or when out of
 * memory rather than carrying on with a NULL. */
void *tt_append_raw(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*arr = tt_xrealloc(*arr, *cap, size);
	}
	void *e = (char *)*arr + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

void *tt_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > (size_t)-1 / size) {
		fprintf(stderr, "tvtrace: out of memory\n");
		exit(2);
	}
	q = realloc(p, n && size ? n * size : 1);
	if (!q) {
		fprintf(stderr, "tvtrace: out of memory\n");
		exit(2);
	}
	return q;
}

uint64_t tt_timebase(const struct tt_dump *d)
{
	if (d->has_begin && d->info.timebase_hz)
		return d->info.timebase_hz;
	return tt_fallback_timebase;
}

const char *tt_sbi_note(char buf[96], const struct tv_record *r)
{
	if (r->flags & TV_F_SBI_WIDE)
		snprintf(buf, 96, "a7 0x%" PRIx64 ", a6 0x%" PRIx64 ": " TV_SBI_NOTE_WIDE,
			 r->arg[0], r->arg[5]);
	else if (r->flags & TV_F_SBI_HIGH)
		snprintf(buf, 96, "%s", TV_SBI_NOTE_HIGH);
	else
		buf[0] = '\0';
	return buf;
}

const char *tt_sbi_args(char buf[64], const struct tv_record *r)
{
	if (r->flags & TV_F_SBI_NOARGS)
		buf[0] = '\0';
	else
		snprintf(buf, 64, "0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64, r->arg[1],
			 r->arg[2], r->arg[3]);
	return buf;
}

const char *tt_time(char buf[32], uint64_t time, uint64_t hz)
{
	tv_format_time(time, hz, buf, 32);
	return buf;
}

double tt_us(uint64_t ticks, uint64_t hz)
{
	return hz ? (double)ticks * 1e6 / (double)hz : (double)ticks;
}

/* Order by time, then hart, then arrival (so a hart's records keep their
 * dump order when times are equal). */
int tt_cmp_rec(const void *a, const void *b)
{
	const struct tt_rec *x = a, *y = b;

	if (x->r.time != y->r.time)
		return x->r.time < y->r.time ? -1 : 1;
	if (x->hart != y->hart)
		return x->hart < y->hart ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/*
 * tt_sort() is a merge sort of the runs the records come in: a dump has
 * each hart's records in time order, so its records are about one run
 * per hart, merged in one pass or a few. No two records tie (seq is
 * unique), so the order is that of any sort by tt_cmp_rec.
 */

/* End of the run of order[lo..n) in tt_cmp_rec order. */
static size_t run_end(const struct tt_rec *recs, const size_t *order,
		      size_t lo, size_t n)
{
	size_t i = lo + 1;

	while (i < n && tt_cmp_rec(&recs[order[i - 1]], &recs[order[i]]) <= 0)
		i++;
	return i;
}

/* Merge the runs in[lo..mid) and in[mid..hi) into out[lo..hi). */
static void merge_runs(const struct tt_rec *recs, const size_t *in,
		       size_t lo, size_t mid, size_t hi, size_t *out)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		out[k++] = tt_cmp_rec(&recs[in[j]], &recs[in[i]]) < 0 ? in[j++]
								       : in[i++];
	while (i < mid)
		out[k++] = in[i++];
	while (j < hi)
		out[k++] = in[j++];
}

void tt_sort(struct tt_dump *d)
{
	size_t n = d->nrecs, *order, *other, runs;

	if (d->order)
		return;
	order = tt_xrealloc(NULL, n, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (n > 1) {
		other = tt_xrealloc(NULL, n, sizeof(*other));
		/* Each pass merges the runs two by two into `runs` runs
		 * (or fewer: runs merged may join), until one is left. */
		do {
			runs = 0;
			for (size_t lo = 0, mid, hi; lo < n; lo = hi, runs++) {
				mid = run_end(d->recs, order, lo, n);
				hi = mid < n ? run_end(d->recs, order, mid, n)
					     : n;
				merge_runs(d->recs, order, lo, mid, hi, other);
			}
			size_t *t = order;

			order = other;
			other = t;
		} while (runs > 1);
		free(other);
	}
	d->order = order;
}

int tt_complete(const struct tt_dump *d)
{
	return d->ended && d->end.complete;
}

const char *tt_dump_name(char buf[48], const struct tt_dump *d, size_t number)
{
	if (d->nparts > 1)
		snprintf(buf, 48, "dumps %zu-%zu", number, number + d->nparts - 1);
	else
		snprintf(buf, 48, "dump %zu", number);
	return buf;
}

/* A dump reason by name ("periodic"), or by number when it has none. */
static void describe_reason(FILE *out, unsigned reason)
{
	const char *why = tv_dump_reason_name(reason);

	if (why)
		fprintf(out, "%s", why);
	else
		fprintf(out, "reason %u", reason);
}

/* What a BEGIN frame says of the machine: harts, timebase, rings. */
static void describe_machine(FILE *out, const struct tv_wire_begin *info)
{
	fprintf(out, ", %u hart%s, ", info->nharts, info->nharts == 1 ? "" : "s");
	if (info->timebase_hz)
		fprintf(out, "timebase %llu Hz",
			(unsigned long long)info->timebase_hz);
	else
		fprintf(out, "timebase unknown (0 Hz in the dump; "
			"times at %llu Hz, which --timebase sets)",
			(unsigned long long)tt_fallback_timebase);
	fprintf(out, ", %u-slot rings (%s)", info->ring_slots,
		info->ring_mode == TV_WIRE_RING_STOP ? "stop when full"
						     : "overwrite");
}

/* A joined trace's dumps by reason, in the order the reasons first come:
 * "6 periodic, 1 guest shutdown". */
static void describe_reasons(FILE *out, const struct tt_dump *d)
{
	for (size_t k = 0; k < d->nparts; k++) {
		unsigned reason = d->parts[k].info.dump_reason;
		size_t n = 0, first = k;

		for (size_t i = 0; i < d->nparts; i++)
			if (d->parts[i].info.dump_reason == reason) {
				first = i < first ? i : first;
				n++;
			}
		if (first != k)
			continue; /* said at its first dump */
		fprintf(out, "%s%zu ", k ? ", " : "", n);
		describe_reason(out, reason);
	}
}

void tt_describe_dump(FILE *out, const struct tt_dump *d, size_t number)
{
	char name[48];

	fprintf(out, "%s%s:", tt_dump_name(name, d, number),
		d->nparts > 1 ? " joined" : "");
	if (d->nparts > 1) {
		/* tt_join_refusal() passed: every part has its BEGIN */
		fprintf(out, " ids 0x%016llx-0x%016llx, ",
			(unsigned long long)d->parts[0].info.dump_id,
			(unsigned long long)d->parts[d->nparts - 1].info.dump_id);
		describe_reasons(out, d);
		describe_machine(out, &d->info);
	} else if (d->has_begin) {
		fprintf(out, " id 0x%016llx, ",
			(unsigned long long)d->info.dump_id);
		describe_reason(out, d->info.dump_reason);
		describe_machine(out, &d->info);
	} else {
		fprintf(out, " BEGIN frame missing (timebase assumed %llu Hz)",
			(unsigned long long)tt_fallback_timebase);
	}
	fprintf(out, ", %zu events, line %llu, %s\n", d->nreal,
		(unsigned long long)d->first_line,
		tt_complete(d) ? "complete" : "INCOMPLETE");
}

char *tt_xstrndup(const char *s, size_t n)
{
	char *p = tt_xrealloc(NULL, n + 1, 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *tt_canonical_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *out;
	size_t size;

	dir = !slash ? tt_xstrndup(".", 1)
		     : tt_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return tt_xstrndup(path, strlen(path));
	size = strlen(real) + strlen(path) + 2;
	out = tt_xrealloc(NULL, size, 1);
	snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
		 slash ? slash + 1 : path);
	free(real);
	return out;
}

char *tt_numbered_name(const char *path, size_t number)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	size_t stem, size = strlen(path) + 32;
	char *name;

	struct stat st;

	/* Standard output, and a device or a pipe (/dev/null), keep their
	 * names: every dump goes there. */
	if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
		return NULL;
	/* "out.svg" -> "out-2.svg" for dump 2 of --all. */
	stem = dot && (!slash || dot > slash) ? (size_t)(dot - path)
					      : strlen(path);
	name = tt_xrealloc(NULL, size, 1);
	snprintf(name, size, "%.*s-%zu%s", (int)stem, path, number,
		 path + stem);
	return name;
}
