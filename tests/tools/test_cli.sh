#!/bin/bash
# tvtrace's command line and outputs under bad conditions: an output that
# cannot be written is refused before anything is written, an output cut
# short (disk full) is not left looking whole, a standard output that
# cannot be written ends even --help and --follow, an option that takes
# one value is not given two, and each such case gives a message naming
# the option and the file or values, and exit status 2. Also: numbers
# and logs on the command line, --follow on a removed file, --join's
# refusal naming a line, a log cut inside a frame line, --help's exit
# statuses, and scripts/bench-tvtrace.sh's arguments.
#
# Log L (tests/tools/mklog.c) holds one small dump; log B
# (tests/tools/gen_log.c synth) is large enough that each export of it
# outgrows a file size limit of 8 KiB.
#
# Run from anywhere: bash tests/tools/test_cli.sh
# Environment: CC (default cc); TVTRACE=path to test a prebuilt binary
# instead of the ASan+UBSan build made here.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed".
set -u

NAME=cli
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# --- build ------------------------------------------------------------------
tvtrace_under_test san
build_log_makers

"$WORK/mklog" >"$WORK/l.log" <<'EOF' || bad "mklog l"
text OpenSBI v1.1
begin 10000000 1 0
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 10
sbi 2005 0 0 0x10 0 0 0 0 1
entry 2010 0 0 0x80000104
endhart
end
EOF
"$WORK/gen_log" synth 3000 >"$WORK/b.log" || bad "gen_log synth"
L=$WORK/l.log
B=$WORK/b.log

# run NAME ARGS...: tvtrace ARGS, stdout in $WORK/NAME.out, stderr in
# $WORK/NAME.err, exit status in $rc.
run() {
	local name=$1
	shift
	"$TV" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
}

# refused NAME WHAT MESSAGE ARGS...: tvtrace ARGS exits 2 with MESSAGE
# (grep -E) on stderr, and has printed nothing on stdout.
refused() {
	local name=$1 what=$2 msg=$3
	shift 3
	run "$name" "$@"
	if [ "$rc" = 2 ] && grep -Eq -- "$msg" "$WORK/$name.err" && [ ! -s "$WORK/$name.out" ]; then
		ok "$what: exit 2, nothing on stdout, stderr: $(head -n 1 "$WORK/$name.err")"
	else
		bad "$what: exit $rc, stdout $(wc -c <"$WORK/$name.out") bytes, stderr: $(head -n 2 "$WORK/$name.err" | tr '\n' ' ') (want exit 2 and /$msg/)"
	fi
}

# --- an output that cannot be written: refused before anything is written -----
mkdir "$WORK/adir"
: >"$WORK/afile"
for opt in --json --csv --trace-dat --svg --histogram --html; do
	other=--svg
	[ "$opt" = --svg ] && other=--histogram
	rm -f "$WORK/first.svg"
	refused "nodir$opt" "$opt in a missing directory, with $other and -r" \
		"^tvtrace: $opt: cannot write '$WORK/none/x': No such file or directory \\(no directory '$WORK/none'\\)" \
		-r "$other" "$WORK/first.svg" "$opt" "$WORK/none/x" "$L"
	if [ -e "$WORK/first.svg" ]; then
		bad "$opt in a missing directory: $other's file was written before the refusal"
	else
		ok "$opt in a missing directory: $other's file not written"
	fi
	refused "isdir$opt" "$opt naming a directory" \
		"^tvtrace: $opt: cannot write '$WORK/adir': Is a directory" "$opt" "$WORK/adir" "$L"
	refused "slash$opt" "$opt naming a directory that does not exist yet (a/)" \
		"^tvtrace: $opt: cannot write '$WORK/new/': a name ending in '/' is a directory's" "$opt" "$WORK/new/" "$L"
done
rm -f "$WORK/first.json"
refused "ctf-file" "--ctf naming a file, with --json" \
	"^tvtrace: --ctf: cannot write in '$WORK/afile': it is not a directory" \
	--json "$WORK/first.json" --ctf "$WORK/afile" "$L"
if [ -e "$WORK/first.json" ]; then bad "--ctf FILE: --json's file written before the refusal"; else
	ok "--ctf FILE: --json's file not written"; fi
refused "ctf-deep" "--ctf two directories deep under a missing one" \
	"^tvtrace: --ctf: cannot write in '$WORK/none/a': No such file or directory \\(no directory '$WORK/none'\\)" \
	--ctf "$WORK/none/a" "$L"
# Writable places still work: a new file, a new --ctf directory, a device.
run fine --json "$WORK/new.json" --ctf "$WORK/newctf/" --csv /dev/null "$L"
if [ "$rc" = 0 ] && [ -s "$WORK/new.json" ] && [ -s "$WORK/newctf/metadata" ]; then
	ok "a new file, a new --ctf directory (DIR/) and /dev/null: written, exit 0"
else
	bad "writable outputs: exit $rc, $(head -n 1 "$WORK/fine.err")"
fi

# --- an output cut short: removed, not left looking whole -----------------------
# A file size limit makes every write past 8 KiB fail (EFBIG) as a full
# disk would; SIGXFSZ, ignored here, is ignored in tvtrace too.
limited() {
	local name=$1
	shift
	(trap '' XFSZ; ulimit -f 8; exec "$TV" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
}
for opt in --json --csv --trace-dat --svg --html; do
	limited "cut$opt" "$opt" "$WORK/cut.out" "$B"
	if [ "$rc" = 2 ] && [ ! -e "$WORK/cut.out" ] &&
		grep -q "^tvtrace: writing '$WORK/cut.out' failed" "$WORK/cut$opt.err" &&
		grep -q "^tvtrace: removed '$WORK/cut.out'" "$WORK/cut$opt.err"; then
		ok "$opt cut short by a full disk: exit 2, the file removed, stderr says so"
	else
		bad "$opt cut short: exit $rc, file $([ -e "$WORK/cut.out" ] && echo "left ($(wc -c <"$WORK/cut.out") bytes)" || echo gone), stderr: $(tr '\n' ' ' <"$WORK/cut$opt.err")"
	fi
	rm -f "$WORK/cut.out"
done
for all in "" --all; do
	cat "$B" "$B" >"$WORK/b2.log"
	# shellcheck disable=SC2086
	limited "cutctf$all" $all --ctf "$WORK/ctf" "$WORK/b2.log"
	left=$(find "$WORK/ctf" -mindepth 1 | wc -l)
	if [ "$rc" = 2 ] && [ "$left" = 0 ] &&
		grep -q "^tvtrace: --ctf: removed the trace written in '$WORK/ctf'" "$WORK/cutctf$all.err"; then
		ok "--ctf ${all:+--all }cut short: exit 2, no file of the trace left, stderr says so"
	else
		bad "--ctf ${all:+--all }cut short: exit $rc, $left files left: $(find "$WORK/ctf" -mindepth 1 | head -n 3 | tr '\n' ' ')"
	fi
done

# --- an option that takes one value, given twice ----------------------------------
# Only one value could be used: the other file would not be written, or
# another dump shown than the one asked for. Refused, naming both values.
for pair in "--dump 1:--dump 2" "-d1:--dump=1" "--timebase 5:--timebase 6" \
	"--json $WORK/a:--json $WORK/b" "--csv $WORK/a:--csv $WORK/b" \
	"--trace-dat $WORK/a:--trace-dat $WORK/b" "--ctf $WORK/a:--ctf $WORK/b" \
	"--svg $WORK/a:--svg=$WORK/b" "--histogram $WORK/a:--histogram $WORK/b" \
	"--html $WORK/a:--html $WORK/b"; do
	first=${pair%%:*} second=${pair#*:}
	opt=${second%%[ =]*}
	# shellcheck disable=SC2086
	refused "twice$opt" "$first then $second" \
		"^tvtrace: $opt given twice \\('.*', then '.*'\\): it takes one value" \
		$first $second "$L"
done
rm -rf "${WORK:?}/a" "${WORK:?}/b"
# The options meant to repeat still do.
run repeat -r --hart 0 --hart 1 --reason ECALL_VS --reason LOAD_GPF "$L"
if [ "$rc" = 0 ] && grep -q ECALL_VS "$WORK/repeat.out"; then
	ok "--hart and --reason repeated: several values, exit 0"
else
	bad "--hart and --reason repeated: exit $rc, $(head -n 1 "$WORK/repeat.err")"
fi

# --- numbers and logs on the command line -----------------------------------------
# A bad number is quoted in the message; a space, a sign or hex is not a
# number of dumps.
for v in 0 1x -1 " 1" 0x1 ""; do
	refused "num" "--dump '$v'" "^tvtrace: --dump needs a positive number, not '$v'\$" --dump "$v" "$L"
done
refused "num-big" "--dump 99999999999999999999" \
	"^tvtrace: --dump needs a positive number that fits in 64 bits, not '99999999999999999999'" \
	--dump 99999999999999999999 "$L"
refused "num-tb" "--timebase 1e7" "^tvtrace: --timebase needs a positive number, not '1e7'" \
	--timebase 1e7 "$L"
# --diff may come after its logs, like any option; a third log is named.
run diff-after "$L" "$L" --diff
if [ "$rc" = 0 ] && grep -q "^# B: " "$WORK/diff-after.out"; then
	ok "LOG_A LOG_B --diff: compared, exit 0"
else
	bad "LOG_A LOG_B --diff: exit $rc, $(head -n 1 "$WORK/diff-after.err")"
fi
cp "$L" "$WORK/third.log"
refused "diff-three" "--diff with three logs" \
	"^tvtrace: --diff compares two logs, LOG_A and LOG_B \\(also got '$WORK/third.log'\\)" \
	--diff "$L" "$L" "$WORK/third.log"
refused "two-logs" "two logs without --diff" \
	"^tvtrace: only one LOG may be given \\(also got '$WORK/third.log'\\)" "$L" "$WORK/third.log"

# Times as a user types them: each spelling of 0.0002 s (log L's exit at
# tick 2000 and its SBI call at 2005, both printed as 0.000200) keeps the
# records the views' own spelling keeps. Garbage is refused, saying what
# a time is.
run t-ref -r --from 0.0002 --to 0.0002 "$L"
for v in 2e-4 2E-4 0.02e-2 2.0e-4s 0.2ms 200us "200 us" "200µs" 0.000200; do
	run t-spell -r --from "$v" --to "$v" "$L"
	if [ "$rc" = 0 ] && [ "$(grep -c '^ *0\.000200 ' "$WORK/t-spell.out")" = 2 ] &&
		cmp -s "$WORK/t-ref.out" "$WORK/t-spell.out"; then
		ok "--from/--to '$v': the records of 0.0002, exit 0"
	else
		bad "--from/--to '$v': exit $rc, $(grep -c '^ *0\.000200 ' "$WORK/t-spell.out") records at 0.000200 (want 2), stderr: $(head -n 1 "$WORK/t-spell.err")"
	fi
done
# In nanoseconds it has nine decimals, as 0.000200000: --to rounds down
# to a tick (keeps the exit at tick 2000, not the SBI call at 2005).
run t-ref9 -r --from 0.000200000 --to 0.000200000 "$L"
run t-ns -r --from 200000ns --to 200000ns "$L"
if [ "$rc" = 0 ] && [ "$(grep -c '^ *0\.000200 ' "$WORK/t-ns.out")" = 1 ] &&
	cmp -s "$WORK/t-ref9.out" "$WORK/t-ns.out"; then
	ok "--from/--to 200000ns: the records of 0.000200000, exit 0"
else
	bad "--from/--to 200000ns: exit $rc, $(grep -c '^ *0\.000200 ' "$WORK/t-ns.out") records at 0.000200 (want 1), stderr: $(head -n 1 "$WORK/t-ns.err")"
fi
for v in abc 1e 2e-4x 1..2 0x10 . ms "200 " ""; do
	refused "t-bad" "--to '$v'" \
		"^tvtrace: --to: bad value '$v': not a time: seconds like 0\.3205 or 3\.2e-1, or with a unit \(s, ms, us, ns\) like 320\.5ms\$" \
		--to "$v" "$L"
done
refused "t-neg" "--from -1" "^tvtrace: --from: bad value '-1': a time is not negative\$" --from -1 "$L"
refused "t-big" "--from 1e20" "^tvtrace: --from: bad value '1e20': too large \(at most 18446744073 s\)\$" \
	--from 1e20 "$L"
# A directory as the log: one line that says so (not a read error, then
# "no intact trace frames" as if it were an empty log).
for args in "" --follow "--diff $L"; do
	with=${args:+ with ${args%% *}}
	# shellcheck disable=SC2086
	refused "dir-log" "a directory as the log$with" \
		"^tvtrace: cannot read '$WORK/adir': it is a directory, not a log\$" $args "$WORK/adir"
	if [ "$(wc -l <"$WORK/dir-log.err")" = 1 ]; then
		ok "a directory as the log$with: one line on stderr"
	else
		bad "a directory as the log$with: $(wc -l <"$WORK/dir-log.err") lines on stderr: $(tr '\n' '|' <"$WORK/dir-log.err")"
	fi
done

# --- standard output that cannot be written -------------------------------------
# --help and --version are output too: exit 2, not 0, when it is lost.
for opt in --help -h --version -V; do
	"$TV" "$opt" >/dev/full 2>"$WORK/full.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q "^tvtrace: writing standard output failed: No space left" "$WORK/full.err"; then
		ok "$opt >/dev/full: exit 2, stderr says why"
	else
		bad "$opt >/dev/full: exit $rc (want 2), stderr: $(head -n 1 "$WORK/full.err")"
	fi
done
# --follow FILE never reaches the end of a file: a standard output that
# fails must stop it, not leave it following with every dump lost.
cp "$L" "$WORK/grow.log"
timeout 20 "$TV" --follow -r "$WORK/grow.log" >/dev/full 2>"$WORK/follow-full.err"
rc=$?
if [ "$rc" = 2 ] && grep -q "^tvtrace: writing standard output failed" "$WORK/follow-full.err"; then
	ok "--follow FILE >/dev/full: stops at once, exit 2, stderr says why"
else
	bad "--follow FILE >/dev/full: exit $rc (124: still following after 20 s; want 2), stderr: $(head -n 1 "$WORK/follow-full.err")"
fi

# --- --join refused: where the dump it stops at is ---------------------------------
# Two boots' logs one after the other: dump 2 (the second boot's first,
# id 0 again) begins on its own first frame line, counted after L's lines.
cat "$L" "$L" >"$WORK/two-boots.log"
want=$(( $(wc -l <"$L") + $(grep -n '^~TV1:' "$L" | head -n 1 | cut -d: -f1) ))
refused "join-line" "--join on two boots' dumps" \
	"^tvtrace: $WORK/two-boots.log: --join: dumps 1 and 2 are of different boots: .*; dump 2 begins at line $want of the log\$" \
	--join -s "$WORK/two-boots.log"

# --- --follow FILE, the file removed ------------------------------------------------
# Following waits for a new file under the name (tail -F); said once, or
# it would look hung.
cp "$L" "$WORK/gone.log"
"$TV" --follow --list "$WORK/gone.log" >"$WORK/gone.out" 2>"$WORK/gone.err" &
pid=$!
wait_for "$WORK/gone.out" "^dump 1:" || bad "--follow: dump 1 not listed within 10 s"
rm "$WORK/gone.log"
if wait_for "$WORK/gone.err" "^tvtrace: $WORK/gone.log: the file is gone (No such file or directory); waiting for a file under its name"; then
	ok "--follow FILE, FILE removed: stderr says it waits for a file under the name"
else
	bad "--follow FILE, FILE removed: nothing said within 10 s: $(tr '\n' ' ' <"$WORK/gone.err")"
fi
sleep 0.5
if [ "$(grep -c "the file is gone" "$WORK/gone.err")" = 1 ]; then ok "--follow: said once"; else
	bad "--follow: 'the file is gone' said $(grep -c "the file is gone" "$WORK/gone.err") times"; fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --- a log cut inside a frame line ----------------------------------------------
# The last line, without its newline, holds a frame cut short: its error
# (a CRC or base64 error, as a damaged frame's) says the input ends there.
first=$(grep -n '^~TV1:' "$L" | sed -n 2p | cut -d: -f1)
cut_at=$(( $(head -n $((first - 1)) "$L" | wc -c) + 40 ))
head -c "$cut_at" "$L" >"$WORK/cut-line.log"
run cutline -l "$WORK/cut-line.log"
if [ "$rc" = 1 ] && grep -q "^tvtrace: $WORK/cut-line.log:$first: byte $((cut_at - 40)): .* (the input ends inside this line: cut short?)\$" "$WORK/cutline.err"; then
	ok "a log cut inside line $first's frame: exit 1, the error says the input ends inside that line"
else
	bad "a log cut inside a frame line: exit $rc, stderr: $(head -n 1 "$WORK/cutline.err")"
fi
# A whole frame on a last line without its newline is no error.
head -c -1 "$L" >"$WORK/no-newline.log"
run nonl -l "$WORK/no-newline.log"
if [ "$rc" = 0 ] && [ ! -s "$WORK/nonl.err" ]; then ok "a log whose last line has no newline: no error"; else
	bad "a log whose last line has no newline: exit $rc, $(head -n 1 "$WORK/nonl.err")"; fi

# --- --help's exit status says what the checks above see ------------------------
# Exit status 2 for an output that could not be written, --join refused
# and --dump N past the last dump (each seen above, or here): --help says so.
refused "dump-past" "--dump 9 on a log of one dump" "^tvtrace: --dump 9: .* holds 1 dump" --dump 9 "$L"
"$TV" --help | sed -n '/^Exit status:/,$p' | tr '\n' ' ' >"$WORK/status.txt"
for case in "could not be written" "--join refused" "--dump N past"; do
	if grep -q -- "2 .*$case" "$WORK/status.txt"; then
		ok "--help: exit status 2 covers '$case'"
	else
		bad "--help: exit status 2 does not say '$case': $(cat "$WORK/status.txt")"
	fi
done

# --- scripts/bench-tvtrace.sh: arguments are refused, not ignored ------------------
# (Before, any argument was ignored and minutes of benchmark ran; the
# timeout tells that case apart: 124.)
for args in "--bogus" "SAMPLES=x"; do
	case "$args" in
	*=*) env "$args" timeout 30 bash scripts/bench-tvtrace.sh >"$WORK/bench.out" 2>&1 ;;
	*) timeout 30 bash scripts/bench-tvtrace.sh "$args" >"$WORK/bench.out" 2>&1 ;;
	esac
	rc=$?
	if [ "$rc" = 2 ] && grep -q "^bench-tvtrace: .*'\(--bogus\|x\)'" "$WORK/bench.out"; then
		ok "bench-tvtrace.sh $args: exit 2 at once, $(head -n 1 "$WORK/bench.out")"
	else
		bad "bench-tvtrace.sh $args: exit $rc (want 2), $(head -n 1 "$WORK/bench.out")"
	fi
done

finish
