#!/bin/bash
# What `make run` shows (scripts/run.sh --summary): the guest's and the
# hypervisor's lines, no trace frames on the screen, one line saying how
# many dumps, records and frame lines went to the console log, then the
# summary, the SVGs' and the HTML report's paths - and the log still holds
# every frame. Then a run with --progress 5 (tv.progress=5) of the bench
# guest (the test guest counts its exits exactly, and each progress tick
# is an HS timer exit of its own): the log has progress lines
# (~TVP:<exits>), the screen hides them, tvtrace decodes the same dump
# with no line rejected, and their counts grow up to the exits the
# hypervisor reports at the end.
source "$(dirname "$0")/lib.sh"

LOG="$LOGDIR/run-screen.log"
SCREEN="$LOGDIR/run-screen.screen"
"$ROOT/scripts/run.sh" --log "$LOG.raw" --timeout "${BOOT_TIMEOUT:-120}" --summary >"$SCREEN" 2>&1
STATUS=$?
tr -d '\r' <"$LOG.raw" >"$LOG"
status_is "the run succeeds" 0
frames=$(grep -c '^~TV1:' "$LOG")
records=$("$TVTRACE" --list "$LOG" 2>/dev/null | sed -n 's/.*, \([0-9]*\) events,.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
check "the log keeps the frames (${frames})" test "$frames" -gt 0
check "no frame on the screen" bash -c "! grep -q '~TV1:' '$SCREEN'"
check "the screen has the guest's lines: every step passed" grep -q '^guest: \([0-9][0-9]*\) of \1 steps passed' "$SCREEN"
check "the screen has the hypervisor's lines" grep -q '^tracevisor: shutting down: success' "$SCREEN"
check "one line counts dumps, events and frames (1, $records, $frames)" \
	grep -qx "trace: 1 dump(s), $records events in $frames frame lines, kept in $LOG.raw" "$SCREEN"
check "the summary follows" grep -q '^Analyze events for all harts' "$SCREEN"
# The HTML report of the same run (tvtrace --html), named on the screen.
REPORT="$ROOT/build/report.html"
check "the screen names the report" grep -qx "report:      $REPORT" "$SCREEN"
check "the report is this run's: newer than the log, one row per record ($records)" \
	test "$REPORT" -nt "$LOG.raw" -a "$(grep -c '^<tr id="r' "$REPORT")" = "$records"
# Progress lines (tv.progress=5 from --progress 5).
LOG="$LOGDIR/run-progress.log"
SCREEN="$LOGDIR/run-progress.screen"
"$ROOT/scripts/run.sh" --log "$LOG.raw" --timeout "${BOOT_TIMEOUT:-120}" --summary \
	--progress 5 --append "tv.guest=bench" >"$SCREEN" 2>&1
STATUS=$?
tr -d '\r' <"$LOG.raw" >"$LOG"
status_is "the bench run with progress lines succeeds" 0
grep -a '^~TVP:' "$LOG" >"$LOG.progress"
exits=$(sed -n 's/^tracevisor: guest stopped .* after \([0-9]*\) exits$/\1/p' "$LOG")
check "the log has progress lines ($(wc -l <"$LOG.progress")), each ~TVP:<count>" \
	bash -c "[ \$(wc -l <'$LOG.progress') -ge 2 ] && ! grep -qv '^~TVP:[0-9][0-9]*\$' '$LOG.progress'"
check "their counts never fall and end at most at the ${exits:-?} exits reported" \
	bash -c "[ -n '$exits' ] && sed 's/~TVP://' '$LOG.progress' | awk -v max='$exits' '\$1 < prev || \$1 > max { bad = 1 } { prev = \$1 } END { exit bad }'"
check "no progress line on the screen" bash -c "! grep -q 'TVP' '$SCREEN'"
check "tvtrace decodes the dump, no line rejected" \
	bash -c "'$TVTRACE' --list '$LOG.raw' >/dev/null 2>'$LOG.tverr' && ! grep -q rejected '$LOG.tverr' && '$TVTRACE' --list '$LOG.raw' | grep -q ', complete\$'"
# A log that fills up (/dev/full: every write fails) has lost the console
# and the trace, however well the guest did: the run says so and fails.
"$ROOT/scripts/run.sh" --log /dev/full --timeout "${BOOT_TIMEOUT:-120}" >"$LOGDIR/run-full.out" 2>&1
rc=$?
check "a log that cannot be written: the run fails (status $rc, want 2)" test "$rc" = 2
check "a log that cannot be written: said" \
	grep -q '^run.sh: writing /dev/full failed: the console and trace are not all in it' "$LOGDIR/run-full.out"
check "a log that cannot be written: the guest itself passed" \
	grep -q '^guest: \([0-9][0-9]*\) of \1 steps passed' "$LOGDIR/run-full.out"
