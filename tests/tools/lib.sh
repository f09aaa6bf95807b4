# shellcheck shell=sh
# What the host tool tests (tests/tools/test_*.sh) share, sourced with
# NAME set to the test's name: the repository as working directory, a
# scratch directory WORK removed at exit, the ok/bad check lines run-all.sh
# counts ("ok - NAME: ..." / "not ok - NAME: ..."), and the builds of
# tvtrace and of the log makers. POSIX sh: some tests run under sh.
#
# Options, set before sourcing:
#   NUMBERED=1  checks that pass are numbered ("ok - NAME check 7", and
#               ": TEXT" when ok is given one), and a failing one is named
#               by its own text alone ("not ok - TEXT"): test_tvtrace.sh.
# From the environment: CC (default cc), TVTRACE (a prebuilt tvtrace:
# tvtrace_under_test), INSN_SRC (the instruction decoder built into
# tvtrace; default lib/insn.c).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
CC=${CC:-cc}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tvtrace-$NAME.XXXXXX") || exit 2
# (u+w: a check may leave a read-only file or directory behind)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	if [ -n "${NUMBERED:-}" ]; then
		echo "ok - $NAME check $pass${1:+: $*}"
	else
		echo "ok - $NAME: $*"
	fi
}
bad() {
	fail=$((fail + 1))
	if [ -n "${NUMBERED:-}" ]; then
		echo "not ok - $*"
	else
		echo "not ok - $NAME: $*"
	fi
}

# bad_show TEXT FILE: bad TEXT, and the first lines of FILE (what the
# check saw) indented below it.
bad_show() {
	bad "$1"
	[ -f "$2" ] && sed 's/^/    /' "$2" | head -n 8
	return 0
}

# A build failed: one failing check, and nothing else can run.
build_failed() {
	echo "not ok - $NAME: building $1"
	echo "0 passed, 1 failed"
	exit 1
}

TVTRACE_SRCS="tools/tvtrace/*.c lib/trace_wire.c lib/riscv_names.c ${INSN_SRC:-lib/insn.c}"
# A sanitizer report exits 86, which no check expects.
export ASAN_OPTIONS=exitcode=86 UBSAN_OPTIONS=exitcode=86:print_stacktrace=1

# tvtrace built with ASan and UBSan (every check's memory errors and
# undefined behaviour fail it), into $1; a failed build ends the test.
build_tvtrace_san() {
	try_tvtrace_san "$1" || {
		cat "$WORK/san-build.err" >&2
		build_failed tvtrace
	}
}

# The same build, for a test that can go on without it (a compiler
# without the sanitizers): its status, the compiler's messages in
# $WORK/san-build.err.
try_tvtrace_san() {
	# shellcheck disable=SC2086
	$CC -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude -Ilib \
		-fsanitize=address,undefined -fno-sanitize-recover=all $TVTRACE_SRCS \
		-o "$1" 2>"$WORK/san-build.err"
}

# tvtrace built as make builds it (-O2, no sanitizer), into $1.
build_tvtrace_opt() {
	# shellcheck disable=SC2086
	$CC -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ilib $TVTRACE_SRCS -o "$1" ||
		build_failed tvtrace
}

# tvtrace_under_test san|opt: TV, the tvtrace the checks run: $TVTRACE
# when set (a prebuilt binary; a relative path is the repository's),
# else that build of it, made here ($WORK/tvtrace-san or -opt).
tvtrace_under_test() {
	if [ -n "${TVTRACE:-}" ]; then
		case $TVTRACE in
		/*) TV=$TVTRACE ;;
		*) TV=$ROOT/$TVTRACE ;;
		esac
	else
		TV=$WORK/tvtrace-$1
		"build_tvtrace_$1" "$TV"
	fi
}

# build_log_makers [gen_log|mklog...]: the log makers (tests/tools/gen_log.c,
# mklog.c; both when none is named) into $WORK.
build_log_makers() {
	[ $# -gt 0 ] || set -- gen_log mklog
	for t in "$@"; do
		$CC -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ilib "tests/tools/$t.c" \
			lib/trace_wire.c lib/riscv_names.c -o "$WORK/$t" ||
			build_failed "$t"
	done
}

# wait_for FILE TEXT: up to 10 s for FILE to hold TEXT; 0 when it does.
wait_for() {
	_w=0
	while [ $_w -lt 100 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_w=$((_w + 1))
	done
	return 1
}

# The count run-all.sh reads, and the exit status.
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
