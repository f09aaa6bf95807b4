#!/bin/bash
# What `make run` shows (scripts/run.sh --summary): the guest's and the
# hypervisor's lines, no trace frames on the screen, one line saying how
# many dumps, records and frame lines went to the console log, then the
# summary, the SVGs' and the HTML report's paths - and the log still holds
# every frame.
source "$(dirname "$0")/lib.sh"

LOG="$LOGDIR/run-screen.log"
SCREEN="$LOGDIR/run-screen.screen"
"$ROOT/scripts/run.sh" --log "$LOG.raw" --timeout "${BOOT_TIMEOUT:-120}" --summary >"$SCREEN" 2>&1
STATUS=$?
tr -d '\r' <"$LOG.raw" >"$LOG"
status_is "the run succeeds" 0
frames=$(grep -c '^~TV1:' "$LOG")
records=$("$TVTRACE" --list "$LOG" 2>/dev/null | sed -n 's/.*, \([0-9]*\) records,.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
check "the log keeps the frames (${frames})" test "$frames" -gt 0
check "no frame on the screen" bash -c "! grep -q '~TV1:' '$SCREEN'"
check "the screen has the guest's lines: every step passed" grep -q '^guest: \([0-9][0-9]*\) of \1 steps passed' "$SCREEN"
check "the screen has the hypervisor's lines" grep -q '^tracevisor: shutting down: success' "$SCREEN"
check "one line counts dumps, records and frames (1, $records, $frames)" \
	grep -qx "trace: 1 dump(s), $records records in $frames frame lines, kept in $LOG.raw" "$SCREEN"
check "the summary follows" grep -q '^Analyze events for all harts' "$SCREEN"
# The HTML report of the same run (tvtrace --html), named on the screen.
REPORT="$ROOT/build/report.html"
check "the screen names the report" grep -qx "report:      $REPORT" "$SCREEN"
check "the report is this run's: newer than the log, one row per record ($records)" \
	test "$REPORT" -nt "$LOG.raw" -a "$(grep -c '^<tr id="r' "$REPORT")" = "$records"
