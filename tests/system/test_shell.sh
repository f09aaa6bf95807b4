#!/bin/bash
# make shell (scripts/run.sh --shell): Linux boots to a busybox shell on
# the console and a person types into it, played here by
# scripts/console-expect.py. Session 1 runs commands, interrupts one with
# Ctrl-C (which must reach the guest, not QEMU: the sleep outlasts the
# session's time limit; ^C is typed once the command line runs, when the
# shell has given the terminal back to cooked mode) and powers off; session 2
# ends with Ctrl-A x, which the hypervisor turns into a recorded stop and a
# trace dump. Both must leave the trace, the summary and the pictures.
source "$(dirname "$0")/lib.sh"

if ! "$ROOT/scripts/fetch-linux.sh" >"$LOGDIR/fetch-linux-shell.log" 2>&1; then
	echo "not ok - fetching the Linux kernel and busybox (see $LOGDIR/fetch-linux-shell.log)"
	exit 0
fi
PROMPT="~ # "

# session NAME EXPECT/SEND pairs...: the screen goes to $LOGDIR/NAME.screen
session() {
	local name="$1"
	shift
	LOG="$LOGDIR/$name.log"
	SCREEN="$LOGDIR/$name.screen"
	python3 "$ROOT/scripts/console-expect.py" "$@" -- "$ROOT/scripts/run.sh" --shell \
		--log "$LOG.raw" --timeout 300 --summary >"$SCREEN" 2>&1
	STATUS=$?
	tr -d '\r' <"$LOG.raw" >"$LOG"
}
screen_has() { check "$1" grep -aqE -- "$2" "$SCREEN"; }

# The marker comes from the process that then becomes sleep (exec), so
# Ctrl-C cannot arrive while the shell is still starting it.
session shell-poweroff \
	--expect "$PROMPT" --send 'echo typed-$((6*7))\n' \
	--expect "typed-42" --send 'uname -m\n' \
	--expect "riscv64" --send "sh -c 'echo sleeping-\$((1+2)); exec sleep 1000'\\n" \
	--expect "sleeping-3" --send $'\x03' \
	--expect "$PROMPT" --send 'echo after-$((1+1))\n' \
	--expect "after-2" --send 'poweroff -f\n'
status_is "session 1: QEMU exits 0 (powered off from the shell)" 0
has "session 1: the shell started" "^tvguest: linux guest shell"
has "session 1: a command's output" "^typed-42$"
has "session 1: uname -m" "^riscv64$"
has "session 1: Ctrl-C interrupted sleep (the prompt came back, the next command ran)" "^after-2$"
has "session 1: the hypervisor stopped the guest as a shutdown" "guest stopped \(shutdown"
check "session 1: the trace dump is complete" bash -c "'$TVTRACE' --list '$LOG' 2>/dev/null | grep -q ', complete$'"
screen_has "session 1: the screen counts the trace" "^trace: 1 dump\(s\), [0-9]+ events in [0-9]+ frame lines"
screen_has "session 1: the summary follows" "^Analyze events for all harts"
hasnt "session 1: Ctrl-C did not kill QEMU" "terminating on signal"

session shell-ctrl-a-x \
	--expect "$PROMPT" --send 'uname -s\n' \
	--expect "Linux" --send $'\x01x'
status_is "session 2: QEMU exits 0 (Ctrl-A x is a clean stop)" 0
has "session 2: the hypervisor saw Ctrl-A x" "guest stopped \(Ctrl-A x on the console"
check "session 2: the trace ends with the stop record, reason console" \
	bash -c "'$TVTRACE' -r '$LOG' 2>/dev/null | tail -n 1 | grep -q 'stop .*guest stopped: console request (Ctrl-A x)'"
check "session 2: the trace dump is complete" bash -c "'$TVTRACE' --list '$LOG' 2>/dev/null | grep -q ', complete$'"
screen_has "session 2: the summary follows" "^Analyze events for all harts"
