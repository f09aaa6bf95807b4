#!/bin/sh
# tvtrace --trace-dat on a synthetic log (tests/tools/mklog.c): the file
# is read by Debian's `trace-cmd report` with nothing on stderr, its
# kvm_exit / kvm_entry lines are tvtrace --text's lines (Linux's RISC-V
# KVM tracepoint shape), every other record kind is an event of its own,
# the CPU of each event is its hart, timestamps are the nanoseconds of
# the timebase (against --csv's time_s), records fill several ring-buffer
# pages and gaps longer than the 27-bit time delta; KernelShark opens it
# (tests/system/kernelshark.sh: a screenshot with many colours and the
# file in the window title).
#
# Run from anywhere: sh tests/tools/test_tracedat.sh
# Environment: CC (default cc). Needs trace-cmd, kernelshark, xvfb
# (scripts/setup.sh test); prints "skip" lines without them.
# ok ends 0, so "CHECK && ok ... || bad ..." is if-then-else here:
# shellcheck disable=SC2015
set -u
NAME=tracedat
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
# The ASan+UBSan build where the compiler can make it, else -O2.
TV=$WORK/tvtrace
try_tvtrace_san "$TV" || build_tvtrace_opt "$TV"
build_log_makers mklog
MKLOG=$WORK/mklog

# A 3 MHz timebase (333.33 ns per tick: the nanoseconds are truncated,
# not rounded to microseconds); harts 0 and 2 record, hart 1 does not.
# Hart 0: 300 exit/entry pairs (several 4 KiB pages), then a 2 s gap
# (beyond the 27-bit delta: a time extend) and every other kind.
{
	echo "begin 3000000 2" # harts 0 and 2: ids are physical
	echo "hart 0"
	i=0
	while [ $i -lt 300 ]; do
		t=$((1000 + i * 7))
		echo "exit $t 0 0 $((0x80000000 + i * 4)) 9 $i 0 0"
		echo "entry $((t + 3)) 0 0 $((0x80000004 + i * 4))"
		i=$((i + 1))
	done
	echo "exit 6000001 0 0 0x80001000 10 0 0 0"
	echo "sbi 6000002 0 0 0x1000000003 0x10 0 0 -2 1"
	echo "mmio 6000003 0 0 0x10000005 0x60 0xf0001 0x0057c783 1"
	echo "irq 6000004 0 0 0x8000000000000006 0x40 1"
	echo "exc 6000005 0 0 5 0x80000000 0x80000700 0x80000040"
	echo "mark 6000006 0 0 42"
	echo "control 6000007 0 0 3 0x7e"
	echo "lost 5"
	echo "entry 6000009 0 0 0x80001004"
	echo "stop 6000010 0 0 1 0"
	echo "endhart"
	echo "hart 2"
	echo "entry 1001 1 0 0x80200000"
	echo "exit 1002 1 0 0x80200010 0x8000000000000005 0 0 0"
	echo "endhart"
	echo "end"
} >"$WORK/a.txt"
"$MKLOG" <"$WORK/a.txt" >"$WORK/a.log" || bad "mklog"
"$TV" --trace-dat "$WORK/a.dat" "$WORK/a.log" >"$WORK/out" 2>"$WORK/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ] &&
	ok "--trace-dat writes the file, silently" ||
	bad "--trace-dat rc=$rc: $(cat "$WORK/err")"
"$TV" --trace-dat "$WORK/none/a.dat" "$WORK/a.log" >/dev/null 2>"$WORK/err"
rc=$?
[ $rc != 0 ] && grep -q "cannot write '$WORK/none/a.dat'" "$WORK/err" &&
	ok "an unwritable --trace-dat path fails with its name" ||
	bad "unwritable path: rc=$rc $(cat "$WORK/err")"

if ! command -v trace-cmd >/dev/null; then
	echo "skip - tracedat: trace-cmd missing (scripts/setup.sh test)"
	finish
	exit
fi

trace-cmd report "$WORK/a.dat" >"$WORK/rep" 2>"$WORK/rep.err"
rc=$?
[ $rc = 0 ] && [ ! -s "$WORK/rep.err" ] &&
	ok "trace-cmd report exits 0 with nothing on stderr" ||
	bad "trace-cmd report rc=$rc: $(head -5 "$WORK/rep.err")"
grep -q "^cpus=3$" "$WORK/rep" && ok "a CPU per hart (cpus=3)" ||
	bad "cpus line: $(head -1 "$WORK/rep")"

# kvm_exit / kvm_entry lines equal tvtrace --text's (same comm, CPU,
# body; the times are checked in nanoseconds below, as trace-cmd rounds
# to the microsecond where --text truncates); trace-cmd adds "-PID" to
# the comm.
"$TV" --text "$WORK/a.log" | grep -E ': kvm_(exit|entry): ' |
	awk '{ $3 = ""; $1 = $1; print }' | sort >"$WORK/want.kvm"
grep -E ': kvm_(exit|entry): ' "$WORK/rep" |
	sed -E 's/^ *([^ ]*)-[0-9]+ +/\1 /' | awk '{ $3 = ""; $1 = $1; print }' |
	sort >"$WORK/got.kvm"
n=$(grep -c "kvm_exit" "$WORK/want.kvm")
if [ "$n" = 302 ] && cmp -s "$WORK/want.kvm" "$WORK/got.kvm"; then
	ok "302 kvm_exit and the kvm_entry lines are tvtrace --text's"
else
	bad "kvm lines differ (want $n exits): $(diff "$WORK/want.kvm" "$WORK/got.kvm" | head -4)"
fi
trace-cmd report -t "$WORK/a.dat" >"$WORK/rep.ns" 2>/dev/null
grep -q ' \[002\] *0.000333666: kvm_entry: *PC: 0x0000000080200000$' "$WORK/rep.ns" &&
	ok "hart 2's records on CPU 2" || bad "hart 2's entry not on CPU 2"

# Every other kind is an event of its own, with its fields.
for want in 'tv_sbi: *EID:0x10, FID:0x3, A0:0x10, A1:0x0, A2:0x0, ERROR:-2, VALUE:0x1' \
	'tv_mmio: *read GPA:0x0000000010000005, WIDTH:1, VALUE:0x60, REG:x15, INSN:0x57c783, DEVICE:1' \
	'tv_irq: *raise CAUSE:0x8000000000000006, HVIP:0x40' \
	'tv_exc: *CAUSE:0x5, TVAL:0x80000000, EPC:0x0000000080000700, VSTVEC:0x0000000080000040' \
	'tv_mark: *VALUE:0x2a' 'tv_control: *WHAT:3, VALUE:0x7e' \
	'tv_lost: *COUNT:5' 'tv_stop: *REASON:1, DETAIL:0x0'; do
	grep -q "$want" "$WORK/rep" && ok "event ${want%%:*}" || bad "no line '$want'"
done

# Nanoseconds: trace-cmd report -t against --csv's time_s (9 digits).
"$TV" --csv "$WORK/csv" "$WORK/a.log"
awk -F, 'NR > 1 { print $1 }' "$WORK/csv" | sort >"$WORK/want.ns"
trace-cmd report -t "$WORK/a.dat" 2>/dev/null |
	sed -n 's/.*\] *\([0-9]*\.[0-9]\{9\}\):.*/\1/p' | sort >"$WORK/got.ns"
if [ "$(wc -l <"$WORK/got.ns")" -gt 600 ] && cmp -s "$WORK/want.ns" "$WORK/got.ns"; then
	ok "nanosecond timestamps equal --csv's ($(wc -l <"$WORK/got.ns") events)"
else
	bad "timestamps differ: $(diff "$WORK/want.ns" "$WORK/got.ns" | head -4)"
fi
grep -q '2.000000666: tv_sbi' "$WORK/rep.ns" &&
	ok "a 2 s gap (time extend) keeps the time" || bad "time after the gap"
size=$(stat -c %s "$WORK/a.dat")
[ "$size" -ge $((4096 * 6)) ] && ok "several pages ($size bytes)" ||
	bad "file too small for several pages: $size"

# The filter applies: --hart 2 keeps hart 2's two records.
"$TV" --hart 2 --trace-dat "$WORK/h2.dat" "$WORK/a.log"
n=$(trace-cmd report "$WORK/h2.dat" 2>/dev/null | grep -c ': kvm_')
[ "$n" = 2 ] && ok "--hart 2 keeps 2 records" || bad "--hart 2 kept $n"

# Two boots in one log (--all): the second's time starts again near 0.
# Its records follow the first boot's, 1 us after its last one, keeping
# their spacing, and stderr says so (they were all written at the first
# boot's last time).
{
	echo "begin 10000000 1 0"
	echo "hart 0"
	echo "exit 5000 0 0 0x80000000 9 0 0 0"
	echo "entry 5010 0 0 0x80000004"
	echo "endhart"
	echo "end"
	echo "begin 10000000 1 0"
	echo "hart 0"
	echo "exit 100 0 0 0x80000100 9 0 0 0"
	echo "entry 300 0 0 0x80000104"
	echo "endhart"
	echo "end"
} >"$WORK/boots.txt"
"$MKLOG" <"$WORK/boots.txt" >"$WORK/boots.log" || bad "mklog (two boots)"
"$TV" --all --trace-dat "$WORK/boots.dat" "$WORK/boots.log" >/dev/null 2>"$WORK/boots.err"
grep -q "dump 2 begins a later boot (its dump id restarts at 0); its records and the later ones are written 0.000492000 s later" "$WORK/boots.err" &&
	ok "a later boot's move is said on stderr" || bad "two boots: stderr $(cat "$WORK/boots.err")"
trace-cmd report -t "$WORK/boots.dat" 2>/dev/null |
	sed -n 's/.*\] *\([0-9]*\.[0-9]\{9\}\): kvm_\(exit\|entry\):.*/\1/p' | tr '\n' ' ' >"$WORK/boots.ns"
[ "$(cat "$WORK/boots.ns")" = "0.000500000 0.000501000 0.000502000 0.000522000 " ] &&
	ok "the later boot follows the first, its spacing kept" ||
	bad "two boots: times $(cat "$WORK/boots.ns")"
# The same log as CTF (--all: a trace per dump on one clock): the later
# boot's clock offset puts its events at the same times, so babeltrace2,
# which merges the traces by time, does not interleave the two boots.
"$TV" --all --ctf "$WORK/boots.ctf" "$WORK/boots.log" >/dev/null 2>"$WORK/boots-ctf.err"
grep -q "dump 2 begins a later boot (its dump id restarts at 0); its events (their clock offset) and the later ones are written 0.000492000 s later" "$WORK/boots-ctf.err" &&
	ok "CTF: a later boot's clock offset is said on stderr" || bad "two boots, CTF: stderr $(cat "$WORK/boots-ctf.err")"
if command -v babeltrace2 >/dev/null 2>&1; then
	babeltrace2 "$WORK/boots.ctf" 2>/dev/null |
		sed -n 's/^\[00:00:\([0-9.]*\)\] .* kvm_\(exit\|entry\):.*/\1/p' | tr '\n' ' ' >"$WORK/boots-ctf.ns"
	[ "$(cat "$WORK/boots-ctf.ns")" = "00.000500000 00.000501000 00.000502000 00.000522000 " ] &&
		ok "CTF: babeltrace2 shows the later boot after the first, its spacing kept" ||
		bad "two boots, CTF: babeltrace2 times $(cat "$WORK/boots-ctf.ns")"
fi

if command -v kernelshark >/dev/null && command -v xvfb-run >/dev/null; then
	sh tests/system/kernelshark.sh "$WORK/a.dat" "$WORK/shot.png" >"$WORK/ks" 2>&1
	colours=$(sed -n 's/^colours \([0-9]*\) .*/\1/p' "$WORK/ks")
	saturated=$(sed -n 's/^saturated \([0-9]*\)$/\1/p' "$WORK/ks")
	# The per-CPU graphs: thousands of strongly coloured pixels (the
	# root-warning dialog alone has ~400, a blank screen none).
	if [ "${colours:-0}" -ge 50 ] && [ "${saturated:-0}" -ge 3000 ] && grep -q "^title Kernel Shark (.*trace.dat)" "$WORK/ks"; then
		ok "KernelShark opens it ($colours colours, $saturated coloured pixels, $(grep ^title "$WORK/ks"))"
	else
		bad "KernelShark: $(cat "$WORK/ks")"
	fi
else
	echo "skip - tracedat: kernelshark or xvfb-run missing (scripts/setup.sh test)"
fi
finish
