#!/bin/bash
# tvtrace --trace-dat on a real run: a two-hart boot of the test guest with
# scripts/run.sh --summary (as make run), which writes build/trace.dat and
# prints its path; Debian's `trace-cmd report` reads that file with exit
# status 0 and nothing on stderr, shows as many kvm_exit lines as tvtrace
# counts exits, each event on the CPU of its hart at the nanosecond time
# of --csv; KernelShark opens it under Xvfb (a screenshot with many
# colours, the file named in the window title). Files stay in
# build/test-logs/PLATFORM/tracedat/.
source "$(dirname "$0")/lib.sh"

OUT="$LOGDIR/tracedat"
mkdir -p "$OUT"
rm -f "$OUT"/* "$ROOT/build/trace.dat"
LOG="$LOGDIR/tracedat.log"
"$ROOT/scripts/run.sh" --summary --smp 2 --append "tv.guest=smp tv.vcpus=2" \
	--log "$LOG.raw" --timeout "${BOOT_TIMEOUT:-120}" >"$OUT/screen" 2>&1
STATUS=$?
tr -d '\r' <"$LOG.raw" >"$LOG"
status_is "the two-hart run succeeds" 0
check "run.sh --summary prints the trace.dat path" \
	grep -q "^trace.dat: *$ROOT/build/trace.dat" "$OUT/screen"
check "run.sh --summary wrote build/trace.dat" test -s "$ROOT/build/trace.dat"
DAT="$OUT/trace.dat"
"$TVTRACE" --trace-dat "$DAT" "$LOG" >"$OUT/stdout" 2>"$OUT/stderr"
check "tvtrace --trace-dat exits 0, silently" \
	test $? = 0 -a ! -s "$OUT/stdout" -a ! -s "$OUT/stderr"
check "run.sh's trace.dat is the same dump's" cmp "$DAT" "$ROOT/build/trace.dat"

trace-cmd report "$DAT" >"$OUT/report" 2>"$OUT/report.err"
check "trace-cmd report exits 0" test $? = 0
check "trace-cmd report prints nothing on stderr" test ! -s "$OUT/report.err"
nharts=$("$TVTRACE" --list "$LOG" | sed -n 's/.*, \([0-9]*\) harts,.*/\1/p' | tail -n 1)
check "a CPU per hart (cpus=$nharts)" grep -qx "cpus=$nharts" "$OUT/report"
"$TVTRACE" --csv "$OUT/records.csv" "$LOG" 2>/dev/null
nexits=$(awk -F, '$5 == "exit"' "$OUT/records.csv" | wc -l)
nsum=$("$TVTRACE" --summary "$LOG" | awk '$1 == "Total" { print $2; exit }')
got=$(grep -c ': kvm_exit: *SEPC:0x[0-9a-f]*, SCAUSE:0x[0-9a-f]*, STVAL:0x[0-9a-f]*, HTVAL:0x[0-9a-f]*, HTINST:0x[0-9a-f]*$' "$OUT/report")
check "kvm_exit lines in Linux's shape = tvtrace's exits ($got, --summary $nsum, --csv $nexits)" \
	test "$got" = "$nexits" -a "$got" = "$nsum" -a "$got" -gt 100
# Each kvm_exit line is what Linux's RISC-V tracepoint prints for the
# exit's trap CSRs (arch/riscv/kvm/trace.h: "SEPC:0x%lx, SCAUSE:0x%lx,
# STVAL:0x%lx, HTVAL:0x%lx, HTINST:0x%lx", no zero padding): --csv's
# sepc, cause, stval, htval and htinst columns (hex without leading
# zeros), at the exit's time on its hart's CPU.
awk -F, '$5 == "exit" { printf "%s %d SEPC:%s, SCAUSE:%s, STVAL:%s, HTVAL:%s, HTINST:%s\n", $1, $2, $8, $6, $10, $11, $13 }' \
	"$OUT/records.csv" | sort >"$OUT/want.exits"
trace-cmd report -t "$DAT" 2>/dev/null |
	sed -n 's/.*\[\([0-9]*\)\] *\([0-9]*\.[0-9]\{9\}\): kvm_exit: *\(.*\)/\2 \1 \3/p' |
	awk '{ $2 = $2 + 0; print }' | sort >"$OUT/got.exits"
check "kvm_exit lines print Linux's format of each exit's CSRs ($(sed -n 's/^[^ ]* [^ ]* //p;q' "$OUT/got.exits"))" \
	bash -c 'test -s "$0" && cmp "$0" "$1"' "$OUT/want.exits" "$OUT/got.exits"
nentries=$(awk -F, '$5 == "entry"' "$OUT/records.csv" | wc -l)
check "kvm_entry lines = tvtrace's entries ($nentries)" test \
	"$(grep -c ': kvm_entry: *PC: 0x[0-9a-f]\{16\}$' "$OUT/report")" = "$nentries"
check "SBI calls are tv_sbi events" grep -q ': tv_sbi: *EID:0x' "$OUT/report"

# Time and CPU of every event (tv_lost too) against --csv's time_s and
# hart columns.
awk -F, 'NR > 1 { printf "%s %d\n", $1, $2 }' "$OUT/records.csv" |
	sort >"$OUT/want.tc"
trace-cmd report -t "$DAT" 2>/dev/null |
	sed -n 's/.*\[\([0-9]*\)\] *\([0-9]*\.[0-9]\{9\}\):.*/\2 \1/p' |
	awk '{ printf "%s %d\n", $1, $2 }' | sort >"$OUT/got.tc"
check "every event at its nanosecond time on its hart's CPU ($(wc -l <"$OUT/got.tc"))" \
	bash -c 'test -s "$0" && cmp "$0" "$1"' "$OUT/want.tc" "$OUT/got.tc"

sh "$ROOT/tests/system/kernelshark.sh" "$DAT" "$OUT/kernelshark.png" >"$OUT/kshark" 2>&1
colours=$(sed -n 's/^colours \([0-9]*\) .*/\1/p' "$OUT/kshark")
saturated=$(sed -n 's/^saturated \([0-9]*\)$/\1/p' "$OUT/kshark")
# The per-CPU graphs are strongly coloured bands (thousands of pixels); a
# blank screen has one colour, KernelShark's root-warning dialog ~400
# strongly coloured pixels (its icon).
check "KernelShark draws the trace (screenshot: ${colours:-0} colours, ${saturated:-0} coloured pixels)" \
	test "${colours:-0}" -ge 50 -a "${saturated:-0}" -ge 3000
check "KernelShark's window title names the file" grep -q '^title Kernel Shark (.*/trace.dat)' "$OUT/kshark"
