/*
 * tvtrace: decode tracevisor trace dumps from a console log.
 * Command line, choice of dumps, exit status.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tvtrace.h"

#define TVTRACE_VERSION "1"

enum { EXIT_OK = 0, EXIT_DAMAGED = 1, EXIT_FAIL = 2 };

struct options {
	int records, summary, text, list;
	int all;
	unsigned long dump; /* 0 = the default choice */
	int quiet;
	const char *input; /* NULL or "-" = stdin */
	struct tt_export_req exp; /* --ctf, --json, --csv */
	int explain;			/* --explain */
	const char *svg, *histogram;	/* --svg FILE, --histogram FILE */
	const char *html;		/* --html FILE */
	int diff;			/* --diff LOG_A LOG_B */
	const char *input2;		/* --diff: LOG_B */
	int follow;			/* --follow: each dump as it ends */
	int join;			/* --join: the dumps as one trace */
	const char *dump_arg;		/* --dump's value as given */
	const char *timebase_arg;	/* --timebase's value as given */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tvtrace [options] [LOG|-]\n"
		"Decode the tracevisor trace dumps (\"~TV1:\" lines) in a "
		"console log\n"
		"(a file, or standard input when LOG is - or missing).\n"
		"\n"
		"Views (any combination; --records when none is given):\n"
		"  -r, --records       one line per record: time, [hart], "
		"vm-vcpu, kind,\n"
		"                      cause, guest physical address, "
		"instruction, SBI call...\n"
		"  -s, --summary       exit statistics like `perf kvm stat`: "
		"per exit reason\n"
		"                      samples, time %%, min/max/avg handling "
		"time, avg guest\n"
		"                      run time; all, per hart, per VM, per "
		"vCPU; lost records;\n"
		"                      on time-shared harts switches per VM/vCPU "
		"by reason,\n"
		"                      steal and waiting time, a line per hart\n"
		"  -t, --text          ftrace-style lines like Linux's "
		"kvm_exit/kvm_entry events\n"
		"  -l, --list          list the dumps in the log, then stop\n"
		"\n"
		"Exports (besides or instead of the views; of the dumps "
		"chosen below;\n"
		"docs/exports.md):\n"
		"      --ctf DIR       CTF 1.8 trace for babeltrace2 / Trace "
		"Compass: DIR/metadata\n"
		"                      and DIR/stream_hartN (with --all: "
		"DIR/dump-N/ per dump);\n"
		"                      lost records are discarded events\n"
		"      --json FILE     Chrome / Perfetto trace-event JSON: a "
		"process per hart, a\n"
		"                      thread per vCPU, \"guest\" slices (entry "
		"-> exit), exit-\n"
		"                      reason slices (exit -> entry), instants "
		"for injections,\n"
		"                      markers, lost records; on time-shared "
		"harts a \"vCPU on\n"
		"                      hart N\" track of turns, switched-out "
		"slices\n"
		"      --csv FILE      one CSV row per record (RFC 4180, CRLF); "
		"columns:\n"
		"                      time_s,hart,vm,vcpu,kind,cause,"
		"cause_name,sepc,pc,stval,\n"
		"                      htval,gpa,htinst,insn,mnemonic,sbi_ext,"
		"sbi_fid,sbi_error,\n"
		"                      sbi_value,mmio_gpa,mmio_width,mmio_dir,"
		"mmio_value,\n"
		"                      arg0..arg5,lost,time_ticks,cycle,dump,"
		"index,switch_to,\n"
		"                      switch_reason,switch_ran_s,"
		"switch_hgatp,switch_vmid,\n"
		"                      switch_flushed\n"
		"                      FILE - is standard output (--json too)\n"
		"      --trace-dat FILE  trace-cmd trace.dat (v6) for `trace-cmd "
		"report` and\n"
		"                      KernelShark: a CPU per hart, kvm_exit / "
		"kvm_entry events\n"
		"\n"
		"Analyses:\n"
		"      --explain       every record in plain language: what "
		"the guest did, what\n"
		"                      the hypervisor did about it, and the "
		"sections of the\n"
		"                      RISC-V hypervisor and SBI specifications "
		"that govern it\n"
		"      --svg FILE      SVG timeline: a lane per hart, guest "
		"time, exit handling\n"
		"                      coloured by reason (hover for reason, "
		"sepc, duration),\n"
		"                      time axis, legend; zoom with --from/--to\n"
		"      --histogram FILE  SVG bar chart of exits by reason: "
		"count and total\n"
		"                      handling time (FILE - is standard output; "
		"with --all and\n"
		"                      several dumps, FILE-N.svg per dump)\n"
		"      --html FILE     one self-contained HTML page: a "
		"table per VM/vCPU, the\n"
		"                      timeline (zoom and pan), the exit-latency "
		"and by-reason\n"
		"                      histograms, the records; a click on a\n"
		"                      record shows its --explain text "
		"(FILE-N.html per dump\n"
		"                      with --all and several dumps)\n"
		"      --diff LOG_A LOG_B  compare two runs per exit reason: "
		"counts, average and\n"
		"                      total handling time in A and B, change, "
		"new and vanished\n"
		"                      reasons (each log's default dump, or "
		"--dump N)\n"
		"\n"
		"Filters (for every view, export and analysis; repeat "
		"--hart, --vcpu or\n"
		"--reason to allow several values):\n"
		"      --hart N        records of hart N\n"
		"      --vcpu VM.VCPU  records of one vCPU (--vcpu N: vCPU N "
		"of any VM), and\n"
		"                      the switches of time-shared harts to "
		"and from it\n"
		"      --from S, --to S  a time window in seconds, as the views "
		"print time\n"
		"                      (e.g. --from 0.3205 --to 0.321), with "
		"an exponent\n"
		"                      (3.2e-1) or a unit: s, ms, us, ns "
		"(320.5ms); both ends\n"
		"                      included\n"
		"      --reason R      exits of reason R, a short name "
		"(LOAD_GPF, ECALL_VS,\n"
		"                      IRQ_S_TIMER, ...) or a cause number "
		"(interrupts with\n"
		"                      bit 63), with the records of their "
		"handling (SBI,\n"
		"                      MMIO, injections, switches, the entry; "
		"not the guest's\n"
		"                      markers, which belong to no exit)\n"
		"\n"
		"Which dump (a log can hold several):\n"
		"  -d, --dump N        the N-th dump of the log, from 1 (see "
		"--list)\n"
		"  -a, --all           every dump, one after the other\n"
		"                      default: the last complete dump, else "
		"the last one\n"
		"  -j, --join          the log's dumps as one trace: a live "
		"trace's (below),\n"
		"                      each holding the records since the one "
		"before, joined\n"
		"                      hart by hart, so every view, export and "
		"analysis covers\n"
		"                      the whole boot (losses from the HART "
		"frames' counts since\n"
		"                      boot, each record once). Refused (exit 2, "
		"naming the\n"
		"                      dumps and the line where it stops) for "
		"dumps of two\n"
		"                      boots (the dump id starts again), "
		"with one missing\n"
		"                      between two, or without its BEGIN frame, "
		"or the dump\n"
		"                      after a hypervisor fault (it repeats "
		"records); not\n"
		"                      with --all, --dump, --follow or --diff. "
		"--list --join:\n"
		"                      each dump, then the trace they make\n"
		"  -f, --follow        a live trace (hypervisor option "
		"tv.dump_every=MS): read\n"
		"                      the log as it comes, a pipe until its "
		"writer closes it,\n"
		"                      a file as it grows (like tail -F, until "
		"interrupted:\n"
		"                      a new file under its name, a new run's "
		"log, or the file\n"
		"                      truncated, is read from its start),\n"
		"                      and print the views of each dump as soon "
		"as its END\n"
		"                      frame arrives (--summary: that dump's "
		"exits, an\n"
		"                      interval's, like `perf kvm stat live`), "
		"every dump in\n"
		"                      turn; memory holds one dump. Views, --list "
		"and the\n"
		"                      filters go with it; --dump, --diff, the "
		"exports and\n"
		"                      the pictures do not\n"
		"\n"
		"Other:\n"
		"      --timebase HZ   timebase for a dump whose BEGIN frame "
		"was lost\n"
		"                      (default 10000000, QEMU virt)\n"
		"  -q, --quiet         do not print decoding errors\n"
		"  -h, --help          this text\n"
		"  -V, --version       version and wire format\n"
		"\n"
		"Damaged or missing frames are reported on standard error "
		"with their line\n"
		"number and byte offset; everything intact is still shown.\n"
		"A frame is taken only at the start of a line (the "
		"hypervisor escapes guest\n"
		"output that would start with '~'); frame-like text "
		"anywhere else is\n"
		"rejected, reported on standard error with its position "
		"and a count,\n"
		"and is in no view or export (it does not change the exit "
		"status).\n"
		"Exit status: 0 all frames intact; 1 some frames damaged or "
		"missing;\n"
		"2 nothing could be decoded, a usage error, an output (standard "
		"output too)\n"
		"that could not be written (a file cut short is removed), "
		"--join refused,\n"
		"or --dump N past the log's last dump.\n");
}

/* Has writing standard output failed (disk full, /dev/full)? Then says
 * so on stderr and returns 1: the caller exits 2. The reason is errno's,
 * which the caller clears before writing. */
static int stdout_failed(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "tvtrace: writing standard output failed: %s\n",
		errno ? strerror(errno) : "write error");
	return 1;
}

/* --help: the usage text on standard output, exit 0 once it is written. */
static void help(void)
{
	errno = 0;
	usage(stdout);
	exit(stdout_failed() ? EXIT_FAIL : EXIT_OK);
}

static void version(void)
{
	errno = 0;
	printf("tvtrace %s (wire format %s, record format version %d)\n",
	       TVTRACE_VERSION, TV_WIRE_PREFIX, TV_FORMAT_VERSION);
	exit(stdout_failed() ? EXIT_FAIL : EXIT_OK);
}

/* Report a usage error and exit 2. */
static void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "tvtrace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'tvtrace --help'.\n");
	exit(EXIT_FAIL);
}

/*
 * An option that takes one value, given a second time (prev: the value
 * given first, or NULL): refused like --from twice (filter.c), since
 * only one could be used and the other would be dropped without a word:
 * a file not written, another dump shown than the one asked for.
 * Returns val.
 */
static const char *one_value(const char *opt, const char *prev, const char *val)
{
	char msg[400];

	if (!prev)
		return val;
	snprintf(msg, sizeof(msg), "%s given twice ('%.150s', then '%.150s'): "
		 "it takes one value", opt, prev, val);
	bad_usage("%s", msg);
	return val;
}

/* Parse a positive decimal number for option opt: digits only (no sign,
 * space or hex), 1 or more, at most 2^64 - 1. The message quotes the
 * value refused. */
static unsigned long long number(const char *opt, const char *s)
{
	char *end = NULL, msg[300];
	unsigned long long v = 0;

	errno = 0;
	if (s[0] >= '0' && s[0] <= '9')
		v = strtoull(s, &end, 10);
	if (v != 0 && errno == 0 && *end == '\0')
		return v;
	snprintf(msg, sizeof(msg), "%s needs a positive number%s, not '%.150s'",
		 opt, errno == ERANGE ? " that fits in 64 bits" : "", s);
	bad_usage("%s", msg);
	return 0;
}

/* A long option, possibly "--name=value". Returns 1 when arg is --name
 * (value then in *val if given with '='). */
static int long_opt(const char *arg, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '\0') {
		*val = NULL;
		return 1;
	}
	if (arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	return 0;
}

/* The value of an option that takes one: "--x=V", "--x V", "-xV", "-x V". */
static const char *opt_value(const char *opt, const char *inline_val,
			     int argc, char **argv, int *i)
{
	if (inline_val)
		return inline_val;
	if (*i + 1 >= argc)
		bad_usage("option %s needs a value", opt);
	return argv[++*i];
}

/* Long options without a value. */
static int parse_long_flag(struct options *o, const char *arg)
{
	static const struct {
		const char *name;
		size_t off;
	} flags[] = {
		{"--records", offsetof(struct options, records)},
		{"--summary", offsetof(struct options, summary)},
		{"--text", offsetof(struct options, text)},
		{"--list", offsetof(struct options, list)},
		{"--all", offsetof(struct options, all)},
		{"--quiet", offsetof(struct options, quiet)},
		{"--explain", offsetof(struct options, explain)},
		{"--diff", offsetof(struct options, diff)},
		{"--follow", offsetof(struct options, follow)},
		{"--join", offsetof(struct options, join)},
	};

	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if (strcmp(arg, flags[k].name) == 0) {
			*(int *)((char *)o + flags[k].off) = 1;
			return 1;
		}
	return 0;
}

/* The file (or directory) an output option names: a value that looks
 * like an option is taken for a forgotten value ("--svg --records"
 * would otherwise write a file named --records); "-" is standard output
 * where the option allows it. */
static const char *out_value(const char *opt, const char *inline_val, int dir,
			     int argc, char **argv, int *i)
{
	const char *val = opt_value(opt, inline_val, argc, argv, i);

	if (!*val || (val[0] == '-' && (val[1] || dir))) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s needs %s (got '%.150s')", opt,
			 dir ? "a directory" : "a file name or -", val);
		bad_usage("%s", msg);
	}
	return val;
}

/* --ctf DIR, --json FILE, --csv FILE (FILE may be - for stdout). Returns
 * 1 when argv[*i] was one of them. */
static int parse_export_opt(struct options *o, int argc, char **argv, int *i)
{
	static const char *const names[] = {"--ctf", "--json", "--csv",
					    "--trace-dat"};
	const char *arg = argv[*i], *val;

	for (int k = 0; k < 4; k++) {
		if (!long_opt(arg, names[k], &val))
			continue;
		const char **dest = k == 0   ? &o->exp.ctf
				    : k == 1 ? &o->exp.json
				    : k == 3 ? &o->exp.trace_dat
					     : &o->exp.csv;

		val = out_value(names[k], val, k == 0, argc, argv, i);
		*dest = one_value(names[k], *dest, val);
		return 1;
	}
	return 0;
}

/* --svg FILE, --histogram FILE and the filters (filter.c): --hart N,
 * --vcpu VM.VCPU|N, --from S, --to S, --reason NAME|NUMBER. Returns 1
 * when argv[*i] was one of them. */
static int parse_analysis_opt(struct options *o, int argc, char **argv,
			      int *i)
{
	static const char *const filters[] = {"--hart", "--vcpu", "--from",
					      "--to", "--reason"};
	const char *arg = argv[*i], *val, *err;

	if (long_opt(arg, "--svg", &val)) {
		o->svg = one_value("--svg", o->svg,
				   out_value("--svg", val, 0, argc, argv, i));
		return 1;
	}
	if (long_opt(arg, "--html", &val)) {
		o->html = one_value("--html", o->html,
				    out_value("--html", val, 0, argc, argv, i));
		return 1;
	}
	if (long_opt(arg, "--histogram", &val)) {
		o->histogram = one_value("--histogram", o->histogram,
					 out_value("--histogram", val, 0, argc, argv, i));
		return 1;
	}
	for (size_t k = 0; k < sizeof(filters) / sizeof(filters[0]); k++) {
		if (!long_opt(arg, filters[k], &val))
			continue;
		err = tv_filter_add(&tt_filter, filters[k],
				    opt_value(filters[k], val, argc, argv, i));
		if (err)
			bad_usage("%s", err);
		return 1;
	}
	return 0;
}

/* -d N, --dump N (opt: as given). */
static void set_dump(struct options *o, const char *opt, const char *val)
{
	o->dump_arg = one_value("--dump", o->dump_arg, val);
	o->dump = (unsigned long)number(opt, val);
}

static void parse_long(struct options *o, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *val;

	if (parse_long_flag(o, arg))
		return;
	if (strcmp(arg, "--help") == 0)
		help();
	if (strcmp(arg, "--version") == 0)
		version();
	if (long_opt(arg, "--dump", &val)) {
		set_dump(o, "--dump", opt_value("--dump", val, argc, argv, i));
		return;
	}
	if (long_opt(arg, "--timebase", &val)) {
		o->timebase_arg = one_value("--timebase", o->timebase_arg,
					    opt_value("--timebase", val, argc, argv, i));
		tt_fallback_timebase = number("--timebase", o->timebase_arg);
		return;
	}
	if (parse_export_opt(o, argc, argv, i))
		return;
	if (parse_analysis_opt(o, argc, argv, i))
		return;
	bad_usage("unknown option '%s'", arg);
}

/* The one list of outputs: the exports and pictures written to files, and
 * the views that need every record of a dump kept (the rest, --summary
 * and --list, can be streamed). A new output is added here. */
static const char *first_file_output(const struct options *o)
{
	const struct {
		const char *opt, *val;
	} outs[] = {
		{"--ctf", o->exp.ctf}, {"--json", o->exp.json}, {"--csv", o->exp.csv},
		{"--trace-dat", o->exp.trace_dat}, {"--svg", o->svg},
		{"--histogram", o->histogram}, {"--html", o->html},
	};

	for (size_t k = 0; k < sizeof(outs) / sizeof(outs[0]); k++)
		if (outs[k].val)
			return outs[k].opt;
	return NULL;
}

static int writes_files(const struct options *o)
{
	return first_file_output(o) != NULL;
}

static int needs_records(const struct options *o)
{
	return o->records || o->text || o->explain || writes_files(o);
}

/* The views that print text on standard output (they go together). */
static int asks_views(const struct options *o)
{
	return o->records || o->summary || o->text || o->explain;
}

/* Do paths a and b name the same file (the same name in the same
 * directory however spelt, or the same existing file under two names)?
 * Not when a is a device, a pipe or a directory (/dev/null twice loses
 * nothing). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	int exists = stat(a, &sa) == 0, same;
	char *ca, *cb;

	if (exists && !S_ISREG(sa.st_mode))
		return 0;
	if (strcmp(a, b) == 0)
		return 1;
	if (exists && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ca = tt_canonical_path(a);
	cb = tt_canonical_path(b);
	same = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

/* One file a run writes: the option, and its path (numbered for --all). */
struct out_file {
	const char *opt;
	char *path;
};

/* The files the run writes; ndumps > 1 with --all numbers those that
 * write a document per dump (FILE-N). Returns the count, *outs malloc'd. */
static size_t output_files(const struct options *o, size_t ndumps, struct out_file **outs)
{
	const struct {
		const char *opt, *path;
		int per_dump;
	} all[] = {
		{"--json", o->exp.json, 0}, {"--csv", o->exp.csv, 0},
		{"--trace-dat", o->exp.trace_dat, 0}, {"--svg", o->svg, 1},
		{"--histogram", o->histogram, 1}, {"--html", o->html, 1},
	};
	size_t n = 0, cap = 0;

	*outs = NULL;
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
		size_t copies = all[k].per_dump && ndumps > 1 ? ndumps : 1;

		if (!all[k].path || strcmp(all[k].path, "-") == 0)
			continue;
		for (size_t i = 1; i <= copies; i++) {
			struct out_file *f = tt_append(outs, &n, &cap);

			f->opt = all[k].opt;
			f->path = copies > 1 ? tt_numbered_name(all[k].path, i) : NULL;
			if (!f->path) /* one file, or one that keeps its name */
				f->path = tt_xstrndup(all[k].path, strlen(all[k].path));
		}
	}
	return n;
}

/* Stop with exit status 2 for an output that cannot be written, in the
 * words of the message a failed write gives, after the option's name:
 * "tvtrace: OPT: cannot write 'PATH': WHY" ("cannot write in" for
 * --ctf's directory). */
static void bad_output(const char *opt, const char *path, int is_dir,
		       const char *why)
{
	fprintf(stderr, "tvtrace: %s: cannot write %s'%s': %s\n", opt,
		is_dir ? "in " : "", path, why);
	exit(EXIT_FAIL);
}

/* The directory path is in (path without its last name; "." for a bare
 * name), malloc'd. Trailing slashes do not count ("out/" is in "."). */
static char *parent_dir(const char *path)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (slash = path + n; slash > path && slash[-1] != '/'; slash--)
		;
	if (slash == path)
		return tt_xstrndup(".", 1);
	n = (size_t)(slash - path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return tt_xstrndup(path, n);
}

/* Why a new file or directory cannot be made at path (its directory is
 * missing, or not writable), in why; "" when it can. */
static void why_not_new(const char *path, char *why, size_t size)
{
	char *dir = parent_dir(path);
	struct stat st;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		snprintf(why, size, "%s (no directory '%.200s')",
			 strerror(ENOENT), dir);
	else if (access(dir, W_OK | X_OK) != 0)
		snprintf(why, size, "%s (in directory '%.200s')",
			 strerror(errno), dir);
	else
		why[0] = '\0';
	free(dir);
}

/*
 * Can opt write path (a file, or with is_dir the directory --ctf fills)?
 * Asked before the log is read, so that an output that cannot be written
 * stops the run before any other output or view is written (a disk that
 * fills up shows only while writing: tt_exp_close() removes that file).
 * Devices and pipes (/dev/null) are written as they are.
 */
static void check_writable(const char *opt, const char *path, int is_dir)
{
	struct stat st;
	char why[320];

	if (!is_dir && *path && path[strlen(path) - 1] == '/')
		bad_output(opt, path, 0, "a name ending in '/' is a directory's "
			   "(give a file name)");
	if (stat(path, &st) == 0) {
		if (is_dir && !S_ISDIR(st.st_mode))
			bad_output(opt, path, 1, "it is not a directory");
		if (!is_dir && S_ISDIR(st.st_mode))
			bad_output(opt, path, 0, "Is a directory (give a file name)");
		if (access(path, is_dir ? W_OK | X_OK : W_OK) != 0)
			bad_output(opt, path, is_dir, strerror(errno));
		return;
	}
	if (errno != ENOENT)
		bad_output(opt, path, is_dir, strerror(errno));
	why_not_new(path, why, sizeof(why));
	if (why[0])
		bad_output(opt, path, is_dir, why);
}

/*
 * No output file may overwrite a log being read (the trace would be lost
 * the moment the output is opened) or another output of the same run
 * (one of the two would be lost), and --ctf DIR, which clears what an
 * earlier export left there, may remove neither: refused before anything
 * is written. Checked once the options are read and again once --all
 * knows how many dumps, and so which FILE-N, there are (ndumps > 1).
 * Standard output ("-") is check_combination()'s.
 */
static void check_outputs(const struct options *o, size_t ndumps)
{
	struct out_file *outs;
	size_t n = output_files(o, ndumps, &outs);
	const char *logs[] = {o->input, o->input2};
	char msg[384];

	for (size_t j = 0; j < 2; j++)
		if (o->exp.ctf && logs[j] && strcmp(logs[j], "-") != 0 &&
		    tt_ctf_would_remove(o->exp.ctf, logs[j])) {
			snprintf(msg, sizeof(msg), "--ctf '%.150s' would remove the log "
				 "it reads, '%.150s'", o->exp.ctf, logs[j]);
			bad_usage("%s", msg);
		}
	if (o->exp.ctf)
		check_writable("--ctf", o->exp.ctf, 1);
	for (size_t k = 0; k < n; k++) {
		check_writable(outs[k].opt, outs[k].path, 0);
		for (size_t j = 0; j < 2; j++)
			if (logs[j] && strcmp(logs[j], "-") != 0 &&
			    same_file(outs[k].path, logs[j])) {
				snprintf(msg, sizeof(msg), "%s '%.150s' would overwrite "
					 "the log it reads", outs[k].opt, outs[k].path);
				bad_usage("%s", msg);
			}
		for (size_t m = 0; m < k; m++)
			if (same_file(outs[k].path, outs[m].path)) {
				snprintf(msg, sizeof(msg), "%s and %s both write "
					 "'%.150s': one would be lost", outs[m].opt,
					 outs[k].opt, outs[k].path);
				bad_usage("%s", msg);
			}
		if (o->exp.ctf && tt_ctf_would_remove(o->exp.ctf, outs[k].path)) {
			snprintf(msg, sizeof(msg), "--ctf '%.150s' would remove what %s "
				 "writes, '%.150s'", o->exp.ctf, outs[k].opt, outs[k].path);
			bad_usage("%s", msg);
		}
	}
	for (size_t k = 0; k < n; k++)
		free(outs[k].path);
	free(outs);
}

/*
 * --follow prints each dump on standard output as it ends, and forgets
 * it: what needs a dump chosen from the whole log (--dump N, --diff) or
 * writes a document at the end (the exports and pictures) cannot go with
 * it. Run those on the log afterwards.
 */
static void check_follow(const struct options *o)
{
	if (!o->follow)
		return;
	if (o->diff)
		bad_usage("%s", "--follow and --diff do not go together: --follow shows "
				"one log's dumps as they come, --diff compares two whole "
				"logs; run it on the logs afterwards");
	if (o->dump)
		bad_usage("%s", "--follow and --dump do not go together: --follow shows "
				"every dump as it ends, --dump N picks one from a whole log");
	if (writes_files(o))
		bad_usage("--follow and %s do not go together: --follow prints each "
			  "dump on standard output as it ends, and the exports and "
			  "pictures are written from a whole log; run that one on the "
			  "log afterwards", first_file_output(o));
}

/*
 * --join makes the log's dumps one trace: a choice among them (--all,
 * --dump N) has nothing to choose from, --follow shows each dump as it
 * ends and forgets it, and --diff compares one dump of each log.
 */
static void check_join(const struct options *o)
{
	if (!o->join)
		return;
	if (o->all)
		bad_usage("%s", "--join and --all do not go together: --join shows "
				"the log's dumps as one trace, --all each on its own");
	if (o->dump)
		bad_usage("%s", "--join and --dump do not go together: --join takes "
				"every dump of the log, --dump N one of them");
	if (o->follow)
		bad_usage("%s", "--follow and --join do not go together: --follow "
				"shows each dump as it ends and forgets it; run "
				"--join on the log afterwards");
	if (o->diff)
		bad_usage("%s", "--join and --diff do not go together: --diff "
				"compares one dump of each log (the default one, or "
				"--dump N)");
}

/*
 * Options that cannot be honoured together are refused rather than
 * ignored: two outputs on standard output (their text would be mixed),
 * --list (descriptions only) or --diff (its own report) with a view or
 * an output they would not produce.
 */
static void check_combination(const struct options *o)
{
	const char *file_outs[] = {o->exp.json, o->exp.csv, o->exp.trace_dat,
				   o->svg, o->histogram, o->html};
	static const char *const file_names[] = {"--json -", "--csv -", "--trace-dat -",
						 "--svg -", "--histogram -", "--html -"};
	const char *first = asks_views(o) ? "the views (-r, -s, -t, --explain)" : NULL;

	for (size_t k = 0; k < sizeof(file_outs) / sizeof(file_outs[0]); k++) {
		if (!file_outs[k] || strcmp(file_outs[k], "-") != 0)
			continue;
		if (first) {
			char msg[160];

			snprintf(msg, sizeof(msg), "%s and %s cannot both write to "
				 "standard output", first, file_names[k]);
			bad_usage("%s", msg);
		}
		first = file_names[k];
	}
	if ((o->list || o->diff) && (asks_views(o) || writes_files(o) || (o->diff && o->list)))
		bad_usage("%s", o->diff ? "--diff prints its own comparison: no view, "
					  "--list or output goes with it"
					: "--list only lists the dumps: no view or output "
					  "goes with it");
	if (o->list && (o->dump || o->all || tv_filter_active(&tt_filter)))
		bad_usage("%s", "--list lists every dump of the log: --dump, --all "
				"and the filters do not go with it");
	if (o->diff && o->all)
		bad_usage("%s", "--diff compares one dump of each log (the default "
				"one, or --dump N): not --all");
	check_follow(o);
	check_join(o);
	if (o->diff && o->input && o->input2 && strcmp(o->input, "-") == 0 &&
	    strcmp(o->input2, "-") == 0)
		bad_usage("%s", "--diff - -: standard input can be read once; at "
				"most one of LOG_A and LOG_B may be -");
	check_outputs(o, 1);
}

/* "-rs", "-d3", "-d 3". */
static void parse_short(struct options *o, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	for (const char *c = arg + 1; *c; c++) {
		char opt[3] = {'-', *c, '\0'};

		switch (*c) {
		case 'r':
			o->records = 1;
			break;
		case 's':
			o->summary = 1;
			break;
		case 't':
			o->text = 1;
			break;
		case 'l':
			o->list = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case 'f':
			o->follow = 1;
			break;
		case 'j':
			o->join = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			help();
			break;
		case 'V':
			version();
			break;
		case 'd':
			set_dump(o, "-d", opt_value("-d", c[1] ? c + 1 : NULL,
						    argc, argv, i));
			return;
		default:
			bad_usage("unknown option '%s'", opt);
		}
	}
}

/*
 * The logs named on the command line (logs[0..n), in order), checked
 * once every option is known, so that --diff may come anywhere ("A B
 * --diff" as "--diff A B"): --diff takes two, the rest at most one.
 */
static void take_logs(struct options *o, char **logs, int n)
{
	int most = o->diff ? 2 : 1;

	if (n > most && o->diff)
		bad_usage("--diff compares two logs, LOG_A and LOG_B (also got "
			  "'%s')", logs[2]);
	if (n > most)
		bad_usage("only one LOG may be given (also got '%s')", logs[1]);
	if (o->diff && n < 2)
		bad_usage("%s", "--diff needs two logs: --diff LOG_A LOG_B");
	o->input = n > 0 ? logs[0] : NULL;
	o->input2 = n > 1 ? logs[1] : NULL;
}

static void parse_args(struct options *o, int argc, char **argv)
{
	int only_files = 0, nlogs = 0;
	char *logs[3];

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_files && strcmp(arg, "--") == 0) {
			only_files = 1;
		} else if (!only_files && arg[0] == '-' && arg[1] == '-') {
			parse_long(o, argc, argv, &i);
		} else if (!only_files && arg[0] == '-' && arg[1]) {
			parse_short(o, argc, argv, &i);
		} else if (nlogs < 3) {
			logs[nlogs++] = argv[i]; /* a third only to name it */
		}
	}
	take_logs(o, logs, nlogs);
	if (o->all && o->dump)
		bad_usage("%s", "--all and --dump cannot be used together");
	o->exp.all = o->all;
	check_combination(o);
	if (!o->summary && !needs_records(o))
		o->records = 1;
}

/* The default dump: the last complete one, else the last one. */
static size_t default_dump(const struct tt_log *log)
{
	for (size_t i = log->ndumps; i > 0; i--)
		if (tt_complete(&log->dumps[i - 1]))
			return i - 1;
	if (!log->quiet)
		fprintf(stderr,
			"tvtrace: %s: no complete dump; showing the last one "
			"(dump %zu)\n",
			log->name, log->ndumps);
	return log->ndumps - 1;
}

/* Does anything go to stdout besides exports? With exports alone, dump
 * headers and separators are left out (stdout may be --csv -). */
static int prints_views(const struct options *o)
{
	return o->records || o->summary || o->text || o->explain || !writes_files(o);
}

/* Can the log be streamed (tt_log.stream): do the chosen views need
 * nothing but each dump's description and summary? A filter needs the
 * records kept (--reason looks at a whole exit's records). */
static int streamable(const struct options *o)
{
	if (o->list)
		return 1; /* --list shows descriptions only */
	return !needs_records(o) && !tv_filter_active(&tt_filter);
}

/* An SVG file could not be written (exit status 2). */
static int output_failed;
/* --all with several dumps: SVG file names get the dump number. */
static int svg_numbered;

/* A filter that keeps nothing of a dump is said once, on stderr (an
 * empty view would look like an empty trace): --hart 7 on a dump of one
 * hart, say. */
static void note_empty_filter(const struct tt_dump *d, size_t number)
{
	if (!tv_filter_active(&tt_filter) || d->nrecs == 0)
		return;
	for (size_t i = 0; i < d->nrecs; i++)
		if (tv_filter_record(&tt_filter, d->recs[i].hart, &d->recs[i].r))
			return;
	fprintf(stderr, "tvtrace: the filter (--hart, --vcpu, --from, --to, "
		"--reason) keeps none of dump %zu's %zu records\n", number, d->nrecs);
}

/* --svg -, --histogram - and --html - write one document: with --all and
 * several dumps (a document each, FILE-N per dump for a file) standard
 * output cannot take them. Says so and returns 1. */
static int one_document_to_stdout(const struct options *o, struct tt_log *log)
{
	const char *opt = o->svg && strcmp(o->svg, "-") == 0		   ? "--svg"
			  : o->histogram && strcmp(o->histogram, "-") == 0 ? "--histogram"
			  : o->html && strcmp(o->html, "-") == 0	   ? "--html"
									   : NULL;

	if (!opt)
		return 0;
	fprintf(stderr, "tvtrace: %s - with --all: %s holds %zu dumps, a document "
		"each, and standard output takes one; give %s FILE (FILE-N per "
		"dump) or --dump N\n", opt, log->name, log->ndumps, opt);
	tt_log_free(log);
	return 1;
}

/* Print the chosen views of one dump. */
static void show_dump(const struct options *o, struct tt_dump *d,
		      size_t number, int header)
{
	tv_filter_bind(&tt_filter, d);
	note_empty_filter(d, number);
	if (header && prints_views(o)) {
		printf("# ");
		tt_describe_dump(stdout, d, number);
	}
	if (o->records)
		tt_print_records(stdout, d);
	if (o->text)
		tt_print_text(stdout, d);
	if (o->explain)
		tt_print_explain(stdout, d);
	if (o->svg && tt_write_svg(TT_SVG_TIMELINE, o->svg, d, number,
				   svg_numbered) != 0)
		output_failed = 1;
	if (o->histogram && tt_write_svg(TT_SVG_HISTOGRAM, o->histogram, d,
					 number, svg_numbered) != 0)
		output_failed = 1;
	if (o->html && tt_write_html(o->html, d, number, svg_numbered) != 0)
		output_failed = 1;
	if (o->summary) {
		if (o->records || o->text)
			printf("\n");
		if (d->sum)
			tt_summary_print(stdout, d->sum, d, o->follow);
		else
			tt_print_summary_live(stdout, d, o->follow);
	}
}

/* --join: can the log's dumps be one trace (log->dumps[0], join.c)? If
 * not, says why on stderr, frees the log and returns 1. */
static int join_refused(struct tt_log *log)
{
	char why[512];

	if (!tt_join_refusal(&log->dumps[0], why, sizeof(why)))
		return 0;
	fprintf(stderr, "tvtrace: %s: --join: %s\n", log->name, why);
	tt_log_free(log);
	return 1;
}

/* --list: a line per dump; with --join, then the one trace they make. */
static void list_dumps(const struct tt_log *log, int join)
{
	const struct tt_dump *d = &log->dumps[0];

	if (!join) {
		for (size_t i = 0; i < log->ndumps; i++)
			tt_describe_dump(stdout, &log->dumps[i], i + 1);
		return;
	}
	for (size_t k = 0; k < d->nparts; k++)
		tt_describe_dump(stdout, &d->parts[k], k + 1);
	if (d->nparts > 1)
		tt_describe_dump(stdout, d, 1);
}

/* --follow: a dump has ended; show it now (log->done, scan.c), before
 * the next is read, as --all would have in its turn. When standard output
 * cannot take it, following stops (exit 2): a followed file never ends,
 * and every dump after would be lost as silently. */
static void show_followed(void *ctx, struct tt_dump *d, size_t number)
{
	const struct options *o = ctx;

	errno = 0;
	if (o->list) {
		tt_describe_dump(stdout, d, number);
	} else {
		if (number > 1)
			printf("\n");
		show_dump(o, d, number, 1);
	}
	if (stdout_failed())
		exit(EXIT_FAIL);
}

int main(int argc, char **argv)
{
	struct options o;
	struct tt_log log;
	FILE *in = stdin;
	int status, err;
	size_t first = 0, count = 0; /* the dumps shown and exported */

	parse_args(&o, argc, argv);
	if (o.diff)
		return tt_diff_main(o.input, o.input2, o.dump, o.quiet);
	memset(&log, 0, sizeof(log));
	log.quiet = o.quiet;
	log.name = "<stdin>";
	log.stream = streamable(&o);
	log.summarize = log.stream && o.summary;
	log.follow = o.follow;
	log.join = o.join;
	log.done = show_followed;
	log.done_ctx = &o;
	if (o.input && strcmp(o.input, "-") != 0) {
		in = tt_open_log(o.input);
		if (!in)
			return EXIT_FAIL;
		log.name = o.input;
		log.path = o.input; /* --follow: reopened when replaced */
	}
	err = tt_scan(in, &log);
	if (err) {
		fprintf(stderr, "tvtrace: %s: cannot read: %s\n", log.name, strerror(err));
		log.errors++;
	}
	if (in != stdin)
		fclose(in);
	if (log.frames_ok == 0 || log.handed + log.ndumps == 0) {
		/* (after a read error, that error says why) */
		if (!err)
			tt_report_no_frames(&log);
		tt_report_rejected(&log);
		tt_log_free(&log);
		return EXIT_FAIL;
	}
	if (o.join && join_refused(&log))
		return EXIT_FAIL;
	if (o.follow) {
		/* every dump was shown as it ended */
	} else if (o.list) {
		list_dumps(&log, o.join);
	} else if (o.all) {
		svg_numbered = log.ndumps > 1;
		if (svg_numbered && one_document_to_stdout(&o, &log))
			return EXIT_FAIL;
		if (svg_numbered)
			check_outputs(&o, log.ndumps); /* the FILE-N names */
		for (size_t i = 0; i < log.ndumps; i++) {
			if (i && prints_views(&o))
				printf("\n");
			show_dump(&o, &log.dumps[i], i + 1, 1);
		}
		count = log.ndumps;
	} else {
		size_t pick;

		if (o.dump > log.ndumps) {
			fprintf(stderr,
				"tvtrace: --dump %lu: %s holds %zu dump%s\n",
				o.dump, log.name, log.ndumps,
				log.ndumps == 1 ? "" : "s");
			tt_log_free(&log);
			return EXIT_FAIL;
		}
		/* --join: the log's dumps are one, dumps[0] */
		pick = o.join ? 0 : o.dump ? o.dump - 1 : default_dump(&log);
		show_dump(&o, &log.dumps[pick], pick + 1, 1);
		first = pick;
		count = 1;
	}
	status = log.errors ? EXIT_DAMAGED : EXIT_OK;
	if (count && tt_export(&o.exp, &log, first, count) != 0)
		status = EXIT_FAIL;
	if (output_failed)
		status = EXIT_FAIL;
	tv_filter_free(&tt_filter);
	if (log.errors && !o.quiet)
		fprintf(stderr, "tvtrace: %s: %llu decoding error%s\n",
			log.name, (unsigned long long)log.errors,
			log.errors == 1 ? "" : "s");
	tt_report_rejected(&log);
	tt_log_free(&log);
	return stdout_failed() ? EXIT_FAIL : status;
}
