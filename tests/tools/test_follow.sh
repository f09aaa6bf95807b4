#!/bin/sh
# tvtrace --follow: a live trace. The log is read as it comes (a pipe, or
# a file that grows) and each dump is printed as soon as its END frame
# arrives, not at the end of the input (a file replaced under its name,
# or truncated, is read again from its start, like tail -F); what it
# prints is what --all prints of the whole log, filters included; memory
# holds one dump; and the options that need a whole log are refused with
# exit status 2.
#
# Log L (tests/tools/mklog.c, 10 MHz) holds three dumps of one boot, ids
# 0, 1, 2, as tv.dump_every writes them: two harts, SBI calls (ECALL_VS)
# and timer exits; dump 2 reports 3 records of hart 1 lost, dump 3 is
# the shutdown dump.
#
# Run from anywhere: sh tests/tools/test_follow.sh
# Environment: CC (default cc).
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed".
# "cat LOG | tvtrace --follow" is meant: a pipe is read to its end, a file
# followed as it grows.
# shellcheck disable=SC2002
set -u

NAME=follow
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# --- build ------------------------------------------------------------------
# Checks run the ASan+UBSan build; the memory check the -O2 one (ASan's
# shadow memory would hide what tvtrace itself keeps).
TV=$WORK/tvtrace-san
TVO=$WORK/tvtrace
build_tvtrace_san "$TV"
build_tvtrace_opt "$TVO"
build_log_makers

# --- log L --------------------------------------------------------------------
cat >"$WORK/l.txt" <<'EOF'
text OpenSBI v1.1 (the firmware's banner)
begin 10000000 2 0
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 10
sbi 2005 0 0 0x1000000003 0x10 0 0 0 1
entry 2010 0 0 0x80000104
endhart
hart 1
entry 1500 0 1 0x80000000
exit 2500 0 1 0x80000600 0x8000000000000005
entry 2530 0 1 0x80000604
endhart
end
text step 1: PASS
begin 10000000 2 1
hart 0
exit 3000 0 0 0x80000200 10
sbi 3005 0 0 0x54494d45 0 0 0 0 0
entry 3010 0 0 0x80000204
endhart
hart 1
lost 3
exit 3500 0 1 0x80000700 0x8000000000000005
entry 3520 0 1 0x80000704
endhart
end
text step 2: PASS
begin 10000000 2 2
hart 0
exit 4000 0 0 0x80000300 10
sbi 4005 0 0 0x5352535400000000 0 0 0 0 0
stop 4010 0 0 1 0
endhart
hart 1
exit 4500 0 1 0x80000800 10
entry 4510 0 1 0x80000804
endhart
end
EOF
"$WORK/mklog" <"$WORK/l.txt" >"$WORK/l.log" || bad "mklog l"

# The log cut into one piece per dump, each ending where the next dump's
# first frame line starts (tvtrace --list names that line).
"$TVO" --list "$WORK/l.log" | sed -n 's/.*, line \([0-9]*\),.*/\1/p' >"$WORK/starts"
if [ "$(wc -l <"$WORK/starts")" = 3 ]; then ok "log L holds 3 dumps"; else
	bad "log L: $(wc -l <"$WORK/starts") dumps, want 3"; fi
s2=$(sed -n 2p "$WORK/starts")
s3=$(sed -n 3p "$WORK/starts")
sed -n "1,$((s2 - 1))p" "$WORK/l.log" >"$WORK/part1"
sed -n "$s2,$((s3 - 1))p" "$WORK/l.log" >"$WORK/part2"
sed -n "$s3,\$p" "$WORK/l.log" >"$WORK/part3"


# slow_writer OUT: write the log a dump at a time, each next dump only
# once OUT (tvtrace's output) shows the one before it, or 10 s later;
# "early" or "late" per dump into $WORK/order.
slow_writer() {
	: >"$WORK/order"
	cat "$WORK/part1"
	for k in 1 2; do
		if wait_for "$1" "^# dump $k:"; then echo early >>"$WORK/order"; else
			echo late >>"$WORK/order"; fi
		cat "$WORK/part$((k + 1))"
	done
}

# --- through a pipe, a dump at a time -----------------------------------------
for view in -r -s -t; do
	: >"$WORK/pipe$view.out"
	# (slow_writer watches tvtrace's output, to write the next dump after)
	# shellcheck disable=SC2094
	slow_writer "$WORK/pipe$view.out" | "$TV" --follow "$view" >"$WORK/pipe$view.out" 2>"$WORK/pipe$view.err"
	rc=$?
	if [ "$(tr '\n' ' ' <"$WORK/order")" = "early early " ]; then
		ok "--follow $view through a pipe: each dump printed before the next was written"
	else
		bad "--follow $view through a pipe: dumps 1 and 2 printed $(tr '\n' ' ' <"$WORK/order")(want early early)"
	fi
	"$TV" --all "$view" "$WORK/l.log" >"$WORK/all$view.out" 2>/dev/null
	if [ "$rc" = 0 ] && cmp -s "$WORK/pipe$view.out" "$WORK/all$view.out"; then
		ok "--follow $view: exit 0, the same text as --all $view of the whole log"
	else
		bad "--follow $view: exit $rc, or not the text of --all $view: $(diff "$WORK/all$view.out" "$WORK/pipe$view.out" | head -n 3 | tr '\n' ' ')"
	fi
done
# --summary per interval: each dump's own exits and losses.
if grep -q '^Lost records: 3' "$WORK/pipe-s.out" &&
	[ "$(grep -c '^Lost records: 0' "$WORK/pipe-s.out")" = 2 ]; then
	ok "--follow -s: the 3 records lost are dump 2's, none in dumps 1 and 3"
else
	bad "--follow -s: lost records per dump: $(grep '^Lost records' "$WORK/pipe-s.out" | tr '\n' ' ')"
fi

# One hart, one vCPU (log O, two dumps): the tables of all exits, of hart 0
# and of vm0-vcpu0 would be the same table three times a dump. Live, one
# is printed, its heading naming the hart and the vCPU; the same rows as
# --all -s's table of all, which keeps the three.
printf '%s\n' "begin 10000000 1 0" "hart 0" "entry 1000 0 0 0x80000000" \
	"exit 2000 0 0 0x80000100 10" "entry 2010 0 0 0x80000104" "endhart" "end" \
	"begin 10000000 1 1" "hart 0" "exit 3000 0 0 0x80000200 0x8000000000000005" \
	"entry 3020 0 0 0x80000204" "endhart" "end" | "$WORK/mklog" >"$WORK/o.log"
# all_rows FILE: the rows of FILE's tables of all exits.
all_rows() {
	awk '/^Analyze events for all harts/ { on = 1; next }
		/^(Analyze events for |Total: )/ { on = 0 }
		on' "$1"
}
cat "$WORK/o.log" | "$TV" --follow -s >"$WORK/o-live.out" 2>"$WORK/o-live.err"
rc=$?
"$TV" --all -s "$WORK/o.log" >"$WORK/o-all.out" 2>&1
tables=$(grep -c '^Analyze events' "$WORK/o-live.out")
named=$(grep -c '^Analyze events for all harts, all VMs, all vCPUs (hart 0, vm0-vcpu0):$' "$WORK/o-live.out")
if [ "$rc" = 0 ] && [ "$tables" = 2 ] && [ "$named" = 2 ]; then
	ok "--follow -s, one hart and one vCPU: one table a dump, naming hart 0 and vm0-vcpu0"
else
	bad "--follow -s, one hart and one vCPU: exit $rc, $tables tables for 2 dumps, $named naming hart 0, vm0-vcpu0: $(grep '^Analyze' "$WORK/o-live.out" | tr '\n' '|')"
fi
all_rows "$WORK/o-live.out" >"$WORK/o-live.rows"
all_rows "$WORK/o-all.out" >"$WORK/o-all.rows"
if [ "$(grep -c 'Total' "$WORK/o-live.rows")" = 2 ] && cmp -s "$WORK/o-live.rows" "$WORK/o-all.rows" &&
	[ "$(grep -c '^Analyze events' "$WORK/o-all.out")" = 6 ]; then
	ok "--follow -s, one hart and one vCPU: the rows of --all -s's table of all (which keeps its 3 tables a dump)"
else
	bad "--follow -s, one hart and one vCPU: rows differ from --all -s's: $(diff "$WORK/o-all.rows" "$WORK/o-live.rows" | head -n 4 | tr '\n' '|')"
fi

# Filters: the same records as --all with the same filter.
for f in "--hart 1" "--vcpu 0.0" "--reason ECALL_VS"; do
	# shellcheck disable=SC2086
	cat "$WORK/l.log" | "$TV" --follow -r $f >"$WORK/ff.out" 2>&1
	rc=$?
	# shellcheck disable=SC2086
	"$TV" --all -r $f "$WORK/l.log" >"$WORK/fa.out" 2>&1
	if [ "$rc" = 0 ] && cmp -s "$WORK/ff.out" "$WORK/fa.out" && [ -s "$WORK/ff.out" ]; then
		ok "--follow -r $f: the records --all -r $f shows"
	else
		bad "--follow -r $f: exit $rc, or other records than --all: $(diff "$WORK/fa.out" "$WORK/ff.out" | head -n 3 | tr '\n' ' ')"
	fi
done

# --- a file that grows --------------------------------------------------------
: >"$WORK/grow.log"
"$TV" --follow --list "$WORK/grow.log" >"$WORK/grow.out" 2>"$WORK/grow.err" &
pid=$!
cat "$WORK/part1" >>"$WORK/grow.log"
if wait_for "$WORK/grow.out" "^dump 1:"; then
	ok "--follow FILE: dump 1 listed while the file holds only it"
else
	bad "--follow FILE: dump 1 not listed within 10 s of being written"
fi
if grep -q "^dump 2:" "$WORK/grow.out"; then bad "--follow FILE: a dump 2 listed before it was written"; fi
cat "$WORK/part2" "$WORK/part3" >>"$WORK/grow.log"
if wait_for "$WORK/grow.out" "^dump 3:.*complete"; then
	ok "--follow FILE: dumps 2 and 3 listed as the file grew"
else
	bad "--follow FILE: dump 3 not listed within 10 s of being written"
fi
if kill -0 "$pid" 2>/dev/null; then
	ok "--follow FILE: still following at the file's end (until interrupted)"
else
	bad "--follow FILE: stopped at the file's end"
fi
# A new run writes a new log under the name (tail -F): followed from its
# start, and said; a log truncated in place too.
cat "$WORK/part1" "$WORK/part2" >"$WORK/grow.new"
mv "$WORK/grow.new" "$WORK/grow.log"
if wait_for "$WORK/grow.out" "^dump 5: id 0x0*1," && grep -q "another file took its name" "$WORK/grow.err"; then
	ok "--follow FILE: a new file under its name is read from its start (dumps 4, 5), and stderr says so"
else
	bad "--follow FILE: a new file under its name not followed: $(tail -n 1 "$WORK/grow.out") $(head -n 1 "$WORK/grow.err")"
fi
: >"$WORK/grow.log"
sleep 0.3
cat "$WORK/part1" >>"$WORK/grow.log"
if wait_for "$WORK/grow.out" "^dump 6: id 0x0*0," && grep -q "the file was truncated" "$WORK/grow.err"; then
	ok "--follow FILE: truncated, it is read again from its start (dump 6), and stderr says so"
else
	bad "--follow FILE: a truncated file not followed from its start: $(tail -n 1 "$WORK/grow.out") $(tail -n 1 "$WORK/grow.err")"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --- a dump cut short, damage ---------------------------------------------------
"$WORK/gen_log" multi >"$WORK/multi.log"
"$TV" --all -r <"$WORK/multi.log" >"$WORK/ma.out" 2>"$WORK/ma.err"
want_rc=$?
cat "$WORK/multi.log" | "$TV" --follow -r >"$WORK/mf.out" 2>"$WORK/mf.err"
rc=$?
if [ "$rc" = "$want_rc" ] && [ "$rc" = 1 ] && cmp -s "$WORK/mf.out" "$WORK/ma.out" &&
	cmp -s "$WORK/mf.err" "$WORK/ma.err"; then
	ok "--follow on a log whose last dump has no END: it is shown at the end of the input, exit 1, the same errors"
else
	bad "--follow on gen_log multi: exit $rc (want $want_rc), or output differs from --all: $(diff "$WORK/ma.out" "$WORK/mf.out" | head -n 3 | tr '\n' ' ')"
fi
printf 'no frames here\n' | "$TV" --follow >/dev/null 2>"$WORK/none.err"
rc=$?
if [ "$rc" = 2 ] && grep -q "no intact trace frames found" "$WORK/none.err"; then
	ok "--follow on a log without frames: exit 2, says so"
else
	bad "--follow on a log without frames: exit $rc: $(head -n 1 "$WORK/none.err")"
fi

# --- memory: one dump at a time -----------------------------------------------
# 40 copies of a dump of 2 x 3000 exits (about 12,000 events each): the
# largest resident size following them must be near that of following one.
"$WORK/gen_log" synth 3000 >"$WORK/one.log"
i=0
while [ $i -lt 40 ]; do cat "$WORK/one.log"; i=$((i + 1)); done >"$WORK/forty.log"
# peak_kib LOG: tvtrace --follow -r reading LOG through a FIFO kept open,
# so that once all of its output is out it still runs: its peak resident
# size then (VmHWM, KiB), or 0.
peak_kib() {
	{ rm -f "$WORK/fifo" && mkfifo "$WORK/fifo"; } || { echo 0; return; }
	"$TVO" --all -r "$1" 2>/dev/null | wc -l >"$WORK/want_lines"
	"$TVO" --follow -r <"$WORK/fifo" >"$WORK/peak.out" 2>/dev/null &
	ppid_=$!
	exec 3>"$WORK/fifo"
	cat "$1" >&3
	i=0
	while [ $i -lt 300 ] && [ "$(wc -l <"$WORK/peak.out")" -lt "$(cat "$WORK/want_lines")" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$ppid_/status" 2>/dev/null | grep . || echo 0
	exec 3>&-
	wait "$ppid_"
}
one=$(peak_kib "$WORK/one.log")
forty=$(peak_kib "$WORK/forty.log")
if [ "$one" -gt 0 ] && [ "$forty" -gt 0 ] && [ "$forty" -le $((one + one / 4 + 512)) ]; then
	ok "--follow -r: 40 dumps followed in $forty KiB at the most, one in $one KiB"
else
	bad "--follow -r: 40 dumps followed in $forty KiB at the most, one in $one KiB: memory grows with the log"
fi

# --- what does not go with --follow ---------------------------------------------
# refused NAME TEXT ARGS...: exit 2, TEXT on stderr, nothing written.
refused() {
	name=$1
	text=$2
	shift 2
	(cd "$WORK" && "$TV" "$@" >"$WORK/r.out" 2>"$WORK/r.err")
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$text" "$WORK/r.err" && [ ! -s "$WORK/r.out" ] &&
		[ ! -e "$WORK/x.html" ] && [ ! -e "$WORK/x.svg" ] && [ ! -e "$WORK/ctfdir" ]; then
		ok "$name: exit 2, '$text'"
	else
		bad "$name: exit $rc (want 2): $(head -n 1 "$WORK/r.err")"
	fi
}
refused "--follow --html" "--follow and --html do not go together" --follow --html x.html l.log
refused "--follow --svg" "--follow and --svg do not go together" -f --svg x.svg l.log
refused "--follow --ctf" "--follow and --ctf do not go together" --follow --ctf ctfdir l.log
refused "--follow --csv -" "--follow and --csv do not go together" --follow --csv - l.log
refused "--follow --trace-dat" "--follow and --trace-dat do not go together" --follow --trace-dat x.dat l.log
refused "--follow --diff" "--follow and --diff do not go together" --follow --diff l.log l.log
refused "--follow --dump 2" "--follow and --dump do not go together" --follow --dump 2 l.log
if "$TV" --help | grep -q -- "--follow"; then ok "--help describes --follow"; else
	bad "--help does not name --follow"; fi

# --- --join: the dumps of one boot as one trace ---------------------------------
# sum_of FILE SED: the numbers SED prints from FILE, added up.
sum_of() { sed -n "$2" "$1" | awk '{ n += $1 } END { print n + 0 }'; }
# by_reason FILE: "REASON=COUNT ..." of the "all harts" tables of FILE's
# summaries, added up.
by_reason() {
	awk '/^Analyze events for all harts/ { on = 1; next }
		/^Analyze events for / { on = 0 }
		on && /^ *[A-Z_0-9]+ +[0-9]+ / { n[$1] += $2 }
		END { for (r in n) print r "=" n[r] }' "$1" | sort | tr '\n' ' '
}
"$TV" --all -s "$WORK/l.log" >"$WORK/js-all.out" 2>&1
"$TV" --join -s "$WORK/l.log" >"$WORK/js.out" 2>"$WORK/js.err"
rc=$?
events='s/^Total: \([0-9]*\) events*, .*/\1/p' # "1 event", "1 exit"
exits='s/^Total: [0-9]* events*, \([0-9]*\) exits*,.*/\1/p'
if [ "$rc" = 0 ] && [ ! -s "$WORK/js.err" ] && [ "$(grep -c '^Total: ' "$WORK/js.out")" = 1 ] &&
	[ "$(sum_of "$WORK/js.out" "$events")" = "$(sum_of "$WORK/js-all.out" "$events")" ] &&
	[ "$(sum_of "$WORK/js.out" "$exits")" = "$(sum_of "$WORK/js-all.out" "$exits")" ] &&
	[ "$(sum_of "$WORK/js.out" "$exits")" = 6 ]; then
	ok "--join -s: one summary whose events and exits are the three dumps' added up (6 exits)"
else
	bad "--join -s: exit $rc, or its totals are not the dumps': $(grep '^Total' "$WORK/js.out" | tr '\n' ' ')"
fi
if [ -n "$(by_reason "$WORK/js.out")" ] && [ "$(by_reason "$WORK/js.out")" = "$(by_reason "$WORK/js-all.out")" ]; then
	ok "--join -s: exits by reason are the dumps' added up ($(by_reason "$WORK/js.out"))"
else
	bad "--join -s: by reason $(by_reason "$WORK/js.out"), the dumps' $(by_reason "$WORK/js-all.out")"
fi
if grep -q '^Lost records: 3$' "$WORK/js.out" &&
	[ "$(sum_of "$WORK/js-all.out" 's/^Lost records: \([0-9]*\).*/\1/p')" = 3 ] &&
	grep -q '^  hart 1: ring offered 10, consumed 7, lost 3; LOST records: 3 at' "$WORK/js.out"; then
	ok "--join -s: lost 3, the dumps' losses added up and hart 1's ring count since boot"
else
	bad "--join -s: losses: $(grep -A2 '^Lost records' "$WORK/js.out" | tr '\n' ' ')"
fi

# Log J: a loss hart 0's ring counts in dump 1 whose LOST record comes in
# dump 2 (the writer dropped records after the dump had read the ring):
# each dump alone reports it (dump 1 from the ring's count, dump 2 from
# the record), the joined trace once.
cat >"$WORK/j.txt" <<'EOF2'
begin 10000000 1 0 7
hart 0
exit 100 0 0 0x80000100 10
entry 110 0 0 0x80000104
ringlost 2
endhart
end
begin 10000000 1 1 7
hart 0
lostmark 2
exit 300 0 0 0x80000100 10
entry 310 0 0 0x80000104
endhart
end
EOF2
"$WORK/mklog" <"$WORK/j.txt" >"$WORK/j.log" || bad "mklog j"
"$TV" --all -s "$WORK/j.log" >"$WORK/jj-all.out" 2>&1
"$TV" --join -s "$WORK/j.log" >"$WORK/jj.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q '^Lost records: 2$' "$WORK/jj.out" &&
	[ "$(grep -c '^Lost records: 2$' "$WORK/jj-all.out")" = 2 ] &&
	grep -q '^  hart 0: ring offered 6, consumed 4, lost 2; LOST records: 2 at' "$WORK/jj.out"; then
	ok "--join -s: a loss counted by dump 1's ring and dump 2's LOST record is 2 once (each dump alone says 2)"
else
	bad "--join -s on log J: exit $rc: $(grep -A1 '^Lost records' "$WORK/jj.out" | tr '\n' ' ')"
fi

# Every record once, in every view and export; the CSV's dump column says
# which dump each row came from.
for view in -r -t --explain; do
	"$TV" --join "$view" "$WORK/l.log" | grep -v '^# dump' >"$WORK/jv.out"
	"$TV" --all "$view" "$WORK/l.log" | grep -v '^# dump' | grep -v '^$' >"$WORK/av.out"
	grep -v '^$' "$WORK/jv.out" | sort >"$WORK/jv.sorted"
	sort "$WORK/av.out" >"$WORK/av.sorted"
	if cmp -s "$WORK/jv.sorted" "$WORK/av.sorted" && [ -s "$WORK/jv.out" ]; then
		ok "--join $view: the lines of every dump's records, each once"
	else
		bad "--join $view: not the lines of --all $view: $(diff "$WORK/av.sorted" "$WORK/jv.sorted" | head -n 3 | tr '\n' ' ')"
	fi
done
"$TV" --join --csv - "$WORK/l.log" | sort >"$WORK/j.csv"
"$TV" --all --csv - "$WORK/l.log" | sort >"$WORK/a.csv"
if cmp -s "$WORK/j.csv" "$WORK/a.csv" && [ "$(wc -l <"$WORK/j.csv")" = 19 ] &&
	[ "$(cut -d, -f33 "$WORK/j.csv" | grep -v dump | sort -u | tr '\n' ' ')" = "1 2 3 " ]; then
	ok "--join --csv: the rows of --all --csv, dump column 1, 2, 3 as the records came"
else
	bad "--join --csv: not the rows of --all --csv: $(diff "$WORK/a.csv" "$WORK/j.csv" | head -n 3 | tr '\n' ' ')"
fi
(cd "$WORK" && "$TV" --join --svg j.svg --histogram jh.svg --html j.html --json j.json \
	--trace-dat j.dat --ctf jctf l.log >/dev/null 2>"$WORK/jx.err")
rc=$?
if [ "$rc" = 0 ] && grep -q 'tracevisor timeline, dumps 1-3' "$WORK/j.svg" &&
	grep -q 'Exits by reason: dumps 1-3' "$WORK/jh.svg" && grep -q 'dumps 1-3 joined' "$WORK/j.html" &&
	grep -q '"dumps":"1-3"' "$WORK/j.json" && grep -q 'joined_dumps = 3;' "$WORK/jctf/metadata" &&
	[ -s "$WORK/j.dat" ]; then
	ok "--join with the pictures and exports: each of the three dumps as one"
else
	bad "--join --svg/--histogram/--html/--json/--trace-dat/--ctf: exit $rc: $(head -n 1 "$WORK/jx.err")"
fi
# Each event of the joined JSON names the dump that carried its record.
if [ "$(grep -o '"args":{"dump":[0-9]*' "$WORK/j.json" | sort -u | sed 's/.*://' | tr '\n' ' ')" = "1 2 3 " ]; then
	ok "--join --json: the events' dump argument is each record's own dump, 1, 2 and 3"
else
	bad "--join --json: events' dump arguments $(grep -o '"args":{"dump":[0-9]*' "$WORK/j.json" | sort | uniq -c | tr '\n' ' ')"
fi
"$TV" --list --join "$WORK/l.log" >"$WORK/jl.out" 2>&1
if [ "$(head -n 3 "$WORK/jl.out")" = "$("$TV" --list "$WORK/l.log")" ] &&
	tail -n 1 "$WORK/jl.out" | grep -q '^dumps 1-3 joined: ids 0x0*-0x0*2, 3 guest shutdown, .* 18 events, line 2, complete$'; then
	ok "--list --join: each dump, then the trace they make (18 events, complete)"
else
	bad "--list --join: $(tail -n 1 "$WORK/jl.out")"
fi

# What cannot be one trace: refused, naming the dumps.
cat "$WORK/l.log" "$WORK/l.log" >"$WORK/twice.log"
refused "--join on two boots" "--join: dumps 3 and 4 are of different boots" --join -s twice.log
cat "$WORK/part1" "$WORK/part3" >"$WORK/gap.log"
refused "--join with a dump missing" "--join: dumps 1 and 2 have ids 0 and 2: the dump between them is not in the log" --join gap.log
{ cat "$WORK/l.txt"; printf 'begin 10000000 2 3 4\nhart 0\nexit 5000 0 0 0x80000300 10\nendhart\nhart 1\nendhart\nend\n'; } |
	"$WORK/mklog" >"$WORK/fault.log"
refused "--join with a fault dump" "--join: dump 4 (id 3) is the dump after a hypervisor fault" --join -r fault.log
refused "--join --all" "--join and --all do not go together" --join --all l.log
refused "--join --dump 2" "--join and --dump do not go together" -j -d 2 l.log
refused "--join --follow" "--follow and --join do not go together" --follow --join l.log
refused "--join --diff" "--join and --diff do not go together" --join --diff l.log l.log
if "$TV" --help | grep -q -- "-j, --join"; then ok "--help describes --join"; else
	bad "--help does not name --join"; fi

finish
