#!/bin/bash
# scripts/console-view.py: what `make run` shows on the terminal. Trace
# frames are left out and counted, escaped guest lines are shown as the
# guest wrote them, colours mark the hypervisor's and the firmware's
# lines, and a prompt without a newline shows at once.
set -u
NAME=console_view
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
VIEW="$ROOT/scripts/console-view.py"
tmp=$WORK
holds() { # NAME FILE COMMAND...: ok when COMMAND succeeds, else FILE shown
	local name=$1 file=$2
	shift 2
	if "$@"; then ok "$name"; else bad_show "$name" "$file"; fi
}
both() { grep -q "$1" "$tmp/out" && grep -q "$2" "$tmp/out"; } # two patterns in out
expect() { # NAME FILE WANT
	holds "$1" "$2" test "$(cat "$2")" = "$3"
}

printf 'OpenSBI v1.1\r\ntracevisor: boot\r\n~TV1:AAAA\r\nguest: hello\r\n~~TV1:forged\r\n~TV1:BBBB\r\n~\r\nend' \
	| python3 "$VIEW" --color never --frames-to "$tmp/n" | tr -d '\r' >"$tmp/out"
expect "frames left out, the rest as the guest wrote it" "$tmp/out" \
	"$(printf 'OpenSBI v1.1\ntracevisor: boot\nguest: hello\n~TV1:forged\n~\nend')"
expect "frames counted" "$tmp/n" 2

printf 'OpenSBI\r\ntracevisor: boot\r\nguest: hello\r\n' | python3 "$VIEW" --color always | cat -v >"$tmp/out"
expect "colours: firmware dim, hypervisor cyan, guest plain, each ended before the line end" "$tmp/out" \
	"$(printf '^[[2mOpenSBI^[[0m^M\n^[[0m^[[36mtracevisor: boot^[[0m^M\nguest: hello^M')"

printf 'guest: hello\r\n' | python3 "$VIEW" >"$tmp/out"
holds "no colour when the output is not a terminal" "$tmp/out" \
	bash -c "! grep -q \$'\\x1b' '$tmp/out'"

# A shell prompt: shown while the writer still holds the pipe open.
mkfifo "$tmp/fifo"
python3 "$VIEW" --color never <"$tmp/fifo" >"$tmp/out" &
viewer=$!
exec 3>"$tmp/fifo"
printf 'Welcome\n/ # ' >&3
for _ in $(seq 50); do
	grep -q '/ # ' "$tmp/out" 2>/dev/null && break
	sleep 0.1
done
expect "a prompt without a newline shows at once" "$tmp/out" "$(printf 'Welcome\n/ # ')"
exec 3>&-
wait "$viewer"

# Silence on a terminal: the alive line appears, and is erased before the
# next output, which then starts at the line's beginning.
(printf 'tracevisor: boot\n'; sleep 5; printf 'guest: late\n') |
	python3 "$VIEW" --color always | cat -v >"$tmp/out"
holds "silence: an alive line, erased before the guest's next line" "$tmp/out" \
	both '\^\[\[2m\[[0-9]* s running, no output for [0-9]* s, 0 trace frames so far\]' \
	'\^M\^\[\[Kguest: late$'

# Progress lines: hidden, not counted as frames; a guest's escaped
# "~~TVP:" is the guest's text and shown as it wrote it; a progress line
# split across writes is still hidden.
printf 'tracevisor: boot\r\n~TVP:5\r\nguest: a\r\n~TV1:AAAA\r\n~~TVP:9\r\n~TV' \
	>"$tmp/in"
(cat "$tmp/in"; sleep 0.3; printf 'P:77\r\nend\n') |
	python3 "$VIEW" --color never --frames-to "$tmp/n" | tr -d '\r' >"$tmp/out"
expect "progress lines left out, a guest's escaped one shown" "$tmp/out" \
	"$(printf 'tracevisor: boot\nguest: a\n~TVP:9\nend')"
expect "progress lines are not counted as frames" "$tmp/n" 1

# A guest's line that began with the hypervisor's tag, escaped by the
# console ("~tracevisor:"), is shown as the guest wrote it and not in the
# hypervisor's colour (the colour reset first), also when it arrives in
# pieces.
(printf 'tracevisor: boot\n~tracevisor: forged\n~trac'; sleep 0.3; printf 'evisor: split\n') |
	python3 "$VIEW" --color always | cat -v >"$tmp/out"
holds "a guest's escaped 'tracevisor:' line: shown unescaped, uncoloured" "$tmp/out" \
	both '^\^\[\[0mtracevisor: forged$' '^\^\[\[0m\^\[\[36mtracevisor: boot'
holds "a guest's escaped 'tracevisor:' line cut in two: shown unescaped" "$tmp/out" \
	test "$(sed -n 3p "$tmp/out")" = '^[[0mtracevisor: split'

# Without colour nothing would tell a guest's "tracevisor:" line from the
# hypervisor's: it keeps its '~'. In colour, a guest that leaves its text
# cyan (an SGR never reset, then a newline) does not colour the next
# line it escaped, nor hide the hypervisor's next line (ESC[8m, concealed).
printf 'tracevisor: boot\n~tracevisor: shutting down: success\n' |
	python3 "$VIEW" --color never >"$tmp/out"
expect "no colour: a guest's escaped 'tracevisor:' line keeps its '~'" "$tmp/out" \
	"$(printf 'tracevisor: boot\n~tracevisor: shutting down: success')"
printf 'tracevisor: boot\n\033[36m\n~tracevisor: shutting down: success\n\033[8m\ntracevisor: guest stopped\n' |
	python3 "$VIEW" --color always | cat -v >"$tmp/out"
holds "colour: a guest's colour left on neither colours its forged line nor hides the hypervisor's" \
	"$tmp/out" both '^\^\[\[0mtracevisor: shutting down: success$' \
	'^\^\[\[0m\^\[\[36mtracevisor: guest stopped'

# The alive line counts exits from the last progress line, which is not
# output: the silence goes on through it.
(printf 'tracevisor: boot\n~TVP:7\n'; sleep 4; printf '~TVP:42\n'; sleep 1.5; printf 'guest: late\n') |
	python3 "$VIEW" --color always | cat -v >"$tmp/out"
holds "the alive line shows the exits of the last progress line" "$tmp/out" \
	bash -c "grep -q 'no output for [3-9] s, 42 exits, 0 trace frames so far\]' '$tmp/out' &&
		 ! grep -q 'TVP' '$tmp/out'"

# A live trace (--live CMD, run.sh --live): CMD gets the console and what
# it prints is shown between the console's lines, never inside one. Here
# CMD echoes the hypervisor's lines, as tvtrace --follow prints a dump's
# records once its END frame has gone by: the echo comes while a guest's
# line is half written, and waits for its end.
live='grep --line-buffered -a "^tracevisor: t"'
(printf 'tracevisor: trace dump 0 ends\nguest: half'; sleep 1; printf ' done\nguest: next\n') |
	python3 "$VIEW" --color never --live "$live" | tr -d '\r' >"$tmp/out"
expect "live: the decoder's line waits for the end of the guest's line" "$tmp/out" \
	"$(printf 'tracevisor: trace dump 0 ends\nguest: half done\ntracevisor: trace dump 0 ends\nguest: next')"
(printf 'tracevisor: trace dump 0 ends\nguest: half'; sleep 1; printf ' done\n') |
	python3 "$VIEW" --color always --live "$live" | cat -v >"$tmp/out"
holds "live: yellow on a terminal, after the colour is reset" "$tmp/out" \
	grep -qx '\^\[\[0m\^\[\[33mtracevisor: trace dump 0 ends\^\[\[0m\^M' "$tmp/out"
# A prompt that waits for input: after 2 s the live lines go on lines of
# their own, and the console's line goes on after them (5 s: the 2 s and
# the start of the viewer and of CMD, which a loaded machine makes slow).
(printf 'tracevisor: trace dump 1 ends\n/ # '; sleep 5; printf 'ls\n') |
	python3 "$VIEW" --color never --live "$live" | tr -d '\r' >"$tmp/out"
expect "live: a prompt's line is broken after 2 s, not for ever" "$tmp/out" \
	"$(printf 'tracevisor: trace dump 1 ends\n/ # \ntracevisor: trace dump 1 ends\nls')"
# What the decoder has not printed when the console ends is still shown,
# and a decoder that stops at once (a bad option) costs nothing else.
printf 'tracevisor: trace dump 2 ends\nguest: bye\n' |
	python3 "$VIEW" --color never --live "$live" | tr -d '\r' >"$tmp/out"
expect "live: the decoder's last lines shown after the console's end" "$tmp/out" \
	"$(printf 'tracevisor: trace dump 2 ends\nguest: bye\ntracevisor: trace dump 2 ends')"
printf 'guest: one\nguest: two\n' |
	python3 "$VIEW" --color never --live "false" | tr -d '\r' >"$tmp/out"
expect "live: a decoder that ends at once leaves the console as it was" "$tmp/out" \
	"$(printf 'guest: one\nguest: two')"

# Failures of its own: in scripts/run.sh the console reaches the log
# through tee, which dies (and the log with it) if this filter stops
# reading. So each is said on stderr, without a Python traceback, exit 2,
# and the console is still read to its end (the frame count proves it).
{
	printf 'tracevisor: boot\n'
	for i in $(seq 1 3000); do printf 'guest: line %d of a long console\n~TV1:AAAA\n' "$i"; done
} >"$tmp/long.txt"
# fails NAME PATTERN COMMAND...: COMMAND (console-view) exits 2 with
# PATTERN on stderr and no traceback.
fails() {
	local name=$1 pattern=$2
	shift 2
	"$@" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" = 2 ] && grep -q "$pattern" "$tmp/err" && ! grep -q Traceback "$tmp/err"; then
		ok "$name: exit 2, $(head -n 1 "$tmp/err")"
	else
		bad_show "$name: exit $rc (want 2 and /$pattern/, no traceback)" "$tmp/err"
	fi
}
fails "the screen on a full disk" "^console-view: the screen cannot be written (No space left on device); the console still goes to the log" \
	bash -c "python3 '$VIEW' --color never --frames-to '$tmp/n' <'$tmp/long.txt' >/dev/full"
expect "the screen on a full disk: the console still read to its end (3000 frames)" "$tmp/n" 3000
fails "--frames-to a directory" "^console-view: --frames-to '$tmp': Is a directory" \
	bash -c "python3 '$VIEW' --color never --frames-to '$tmp' <'$tmp/long.txt' >/dev/null"
fails "--live with a command that cannot run" "^console-view: --live '/nonexistent/tvtrace' cannot run: No such file or directory" \
	bash -c "python3 '$VIEW' --color never --live /nonexistent/tvtrace <'$tmp/long.txt' >'$tmp/out'"
expect "--live that cannot run: the console shown without it" "$tmp/out" \
	"$(tr -d '\r' <"$tmp/long.txt" | grep -v '^~TV1:')"
finish
