# Helpers for the QEMU system tests. Source it from a test script.
#   boot NAME [run.sh options...]   boot; log in $LOGDIR/NAME.log, status in $STATUS
#   check NAME CONDITION...         "ok - NAME" if the command succeeds
#   has NAME PATTERN                the last boot's log contains PATTERN (grep -E)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Which QEMU and firmware: scripts/run.sh reads TV_PLATFORM (system or
# qemu10); each platform keeps its own logs.
export TV_PLATFORM="${TV_PLATFORM:-system}"
LOGDIR="$ROOT/build/test-logs/$TV_PLATFORM"
mkdir -p "$LOGDIR"
TVTRACE="$ROOT/build/host/tvtrace"
# How many steps the test guest runs (guest/test/main.c, its step table).
TEST_GUEST_STEPS=19
STATUS=0
LOG=

boot() {
	local name="$1"
	shift
	LOG="$LOGDIR/$name.log"
	"$ROOT/scripts/run.sh" --log "$LOG.raw" --timeout "${BOOT_TIMEOUT:-120}" "$@" >/dev/null 2>&1
	STATUS=$?
	# The serial console ends lines with CR LF; the checks want plain lines.
	tr -d '\r' <"$LOG.raw" >"$LOG"
}

check() {
	local name="$1"
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name (log: ${LOG:-none})"
		diagnose
		return 1
	fi
}

# The first failure on a boot's log shows how that boot ended: the
# guests' own FAIL lines (a failed step says which check and why, often
# long before the end), QEMU's exit status and the last console lines
# (trace frames left out), so a failure on a machine whose logs are gone
# (CI) still says what happened.
DIAGNOSED=
diagnose() {
	[ -n "$LOG" ] && [ -f "$LOG" ] && [ "$DIAGNOSED" != "$LOG" ] || return 0
	DIAGNOSED="$LOG"
	grep -av '^~TV' "$LOG" | grep -aw FAIL | head -n 10 | cut -c1-300 | sed 's/^/diag - failed: /'
	echo "diag - $(basename "$LOG"): QEMU exit status $STATUS; its last lines:"
	grep -av '^~TV' "$LOG" | tail -n 15 | cut -c1-160 | sed 's/^/diag -   /'
}

has() {
	check "$1" grep -Eq -- "$2" "$LOG" || near "$2"
}

# After a pattern did not match: the log's lines that hold its longest
# literal run of words, so a line that came out changed shows (CI keeps
# only what the test printed).
near() {
	local words
	words=$(grep -oE "[A-Za-z0-9 ,:;'/=-]{12,}" <<<"$1" | awk '{ if (length($0) > length(w)) w = $0 } END { print w }')
	[ -n "$words" ] && [ -f "$LOG" ] || return 0
	grep -F -- "$words" "$LOG" | grep -v '^~TV' | head -n 3 | cut -c1-300 | sed 's/^/diag - near: /'
}

hasnt() {
	check "$1" bash -c "! grep -Eq -- \"\$0\" \"\$1\"" "$2" "$LOG"
}

status_is() {
	check "$1" test "$STATUS" = "$2"
}
