/*
 * tvtrace: decode tracevisor trace dumps from a console log.
 * Command line, choice of dumps, exit status.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tvtrace.h"

#define TVTRACE_VERSION "1"

enum { EXIT_OK = 0, EXIT_DAMAGED = 1, EXIT_FAIL = 2 };

struct options {
	int records, summary, text, list;
	int all;
	unsigned long dump; /* 0 = the default choice */
	int quiet;
	const char *input; /* NULL or "-" = stdin */
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
		"                      run time; all, per hart, per vCPU; lost "
		"records\n"
		"  -t, --text          ftrace-style lines like Linux's "
		"kvm_exit/kvm_entry events\n"
		"  -l, --list          list the dumps in the log, then stop\n"
		"\n"
		"Which dump (a log can hold several):\n"
		"  -d, --dump N        the N-th dump of the log, from 1 (see "
		"--list)\n"
		"  -a, --all           every dump, one after the other\n"
		"                      default: the last complete dump, else "
		"the last one\n"
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
		"Exit status: 0 all frames intact; 1 some frames damaged or "
		"missing;\n"
		"2 nothing could be decoded, or a usage error.\n");
}

static void version(void)
{
	printf("tvtrace %s (wire format %s, record format version %d)\n",
	       TVTRACE_VERSION, TV_WIRE_PREFIX, TV_FORMAT_VERSION);
	exit(EXIT_OK);
}

/* Report a usage error and exit 2. */
static void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "tvtrace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'tvtrace --help'.\n");
	exit(EXIT_FAIL);
}

/* Parse a positive decimal number for option opt. */
static unsigned long long number(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		bad_usage("%s needs a positive number", opt);
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		bad_usage("%s needs a positive number", opt);
	return v;
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
	};

	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if (strcmp(arg, flags[k].name) == 0) {
			*(int *)((char *)o + flags[k].off) = 1;
			return 1;
		}
	return 0;
}

static void parse_long(struct options *o, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *val;

	if (parse_long_flag(o, arg))
		return;
	if (strcmp(arg, "--help") == 0) {
		usage(stdout);
		exit(EXIT_OK);
	}
	if (strcmp(arg, "--version") == 0)
		version();
	if (long_opt(arg, "--dump", &val)) {
		o->dump = (unsigned long)number(
			"--dump", opt_value("--dump", val, argc, argv, i));
		return;
	}
	if (long_opt(arg, "--timebase", &val)) {
		tt_fallback_timebase = number(
			"--timebase", opt_value("--timebase", val, argc, argv, i));
		return;
	}
	bad_usage("unknown option '%s'", arg);
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
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			version();
			break;
		case 'd':
			o->dump = (unsigned long)number(
				"-d", opt_value("-d", c[1] ? c + 1 : NULL,
						argc, argv, i));
			return;
		default:
			bad_usage("unknown option '%s'", opt);
		}
	}
}

static void parse_args(struct options *o, int argc, char **argv)
{
	int only_files = 0;

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_files && strcmp(arg, "--") == 0) {
			only_files = 1;
		} else if (!only_files && arg[0] == '-' && arg[1] == '-') {
			parse_long(o, argc, argv, &i);
		} else if (!only_files && arg[0] == '-' && arg[1]) {
			parse_short(o, argc, argv, &i);
		} else if (o->input) {
			bad_usage("only one LOG may be given (also got '%s')",
				  arg);
		} else {
			o->input = arg;
		}
	}
	if (o->all && o->dump)
		bad_usage("%s", "--all and --dump cannot be used together");
	if (!o->records && !o->summary && !o->text)
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

/* Print the chosen views of one dump. */
static void show_dump(const struct options *o, struct tt_dump *d,
		      size_t number, int header)
{
	if (header) {
		printf("# ");
		tt_describe_dump(stdout, d, number);
	}
	if (o->records)
		tt_print_records(stdout, d);
	if (o->text)
		tt_print_text(stdout, d);
	if (o->summary) {
		if (o->records || o->text)
			printf("\n");
		tt_print_summary(stdout, d);
	}
}

int main(int argc, char **argv)
{
	struct options o;
	struct tt_log log;
	FILE *in = stdin;
	int status;

	parse_args(&o, argc, argv);
	memset(&log, 0, sizeof(log));
	log.quiet = o.quiet;
	log.name = "<stdin>";
	if (o.input && strcmp(o.input, "-") != 0) {
		in = fopen(o.input, "rb");
		if (!in) {
			fprintf(stderr, "tvtrace: cannot open '%s': %s\n",
				o.input, strerror(errno));
			return EXIT_FAIL;
		}
		log.name = o.input;
	}
	if (tt_scan(in, &log) != 0) {
		fprintf(stderr, "tvtrace: %s: read error\n", log.name);
		log.errors++;
	}
	if (in != stdin)
		fclose(in);
	if (log.frames_ok == 0 || log.ndumps == 0) {
		fprintf(stderr, "tvtrace: %s: no intact trace frames found%s\n",
			log.name,
			log.errors ? " (all frames damaged)" : "");
		tt_log_free(&log);
		return EXIT_FAIL;
	}
	if (o.list) {
		for (size_t i = 0; i < log.ndumps; i++)
			tt_describe_dump(stdout, &log.dumps[i], i + 1);
	} else if (o.all) {
		for (size_t i = 0; i < log.ndumps; i++) {
			if (i)
				printf("\n");
			show_dump(&o, &log.dumps[i], i + 1, 1);
		}
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
		pick = o.dump ? o.dump - 1 : default_dump(&log);
		show_dump(&o, &log.dumps[pick], pick + 1, 1);
	}
	status = log.errors ? EXIT_DAMAGED : EXIT_OK;
	if (log.errors && !o.quiet)
		fprintf(stderr, "tvtrace: %s: %llu decoding error%s\n",
			log.name, (unsigned long long)log.errors,
			log.errors == 1 ? "" : "s");
	tt_log_free(&log);
	if (fflush(stdout) != 0)
		return EXIT_FAIL;
	return status;
}
