#!/bin/bash
# Trust the trace (issue 13): the hostile guest's attacks on the trace
# alone (hostile=trace, guest/hostile/trace_attacks.c) on two vCPUs, judged
# from the log by tests/system/trace_trust.py:
#   - forged dumps printed through every console path must be rejected by
#     tvtrace, and said to be, in every mode;
#   - hundreds of dump requests from both vCPUs at once must decode with no
#     error, every dump id once, every record the rings gave the dumps
#     decoded; the same again with small rings that both vCPUs fill past
#     their watermark together, and with stop-when-full rings;
#   - after filter 0 the filter change and the guest's stop are recorded.
# Then the judge itself: a log doctored the way a broken hypervisor would
# have written it must make each of its counts non-zero.
source "$(dirname "$0")/lib.sh"

TRUST="$ROOT/tests/system/trace_trust.py"

# trust NAME: judge the last boot's log; every check prefixed with NAME.
trust() {
	python3 "$TRUST" "$TVTRACE" "$LOG" "$LOGDIR" | sed "s/^\(not ok - \|ok - \|# \)/\1$1: /"
}

boot trust --smp 2 --append "tv.guest=hostile tv.vcpus=2 hostile=trace"
status_is "trust: QEMU exits 0 after the guest's shutdown" 0
trust trust
R="$LOGDIR/trust.records"
"$TVTRACE" --records "$LOG" >"$R" 2>/dev/null
check "trust: after filter 0 the trace ends with the filter change and the stop" \
	bash -c "tail -2 '$R' | head -1 | grep -q ' control filter mask=0x0 ' &&
		 tail -1 '$R' | grep -q ' stop .*guest stopped: shutdown'"

# Both vCPUs cross the watermark of their 64-slot ring together, over and
# over, besides asking for dumps.
boot trust-watermark --smp 2 --append "tv.guest=hostile tv.vcpus=2 hostile=trace tv.ring=64 tv.watermark=50"
status_is "watermark: QEMU exits 0" 0
check "watermark: many watermark dumps" \
	test "$("$TVTRACE" --list "$LOG" 2>/dev/null | grep -c 'watermark')" -ge 20
trust watermark
# The control flood (trace_attacks.c, control_flood): tracing off, then
# 1000 filter calls, each a CONTROL record nothing keeps out, 16 times
# what the ring holds. The watermark must dump them as they come, though
# no entry checks it while tracing is off: all are in the trace, and
# neither they nor what came before them are lost.
N=$("$TVTRACE" --all --records "$LOG" 2>/dev/null | grep -c ' control filter mask=0xffe ')
check "watermark: the control flood's 1000 records are all in the trace ($N)" test "$N" -eq 1000
N=$("$TVTRACE" --all --summary "$LOG" 2>/dev/null | awk '/^Lost records: / { n += $3 } END { print n + 0 }')
check "watermark: no record lost ($N)" test "$N" -eq 0

# The same for the SWITCH records a time-shared hart writes at every
# turn, tracing on or off: VM 0 switches tracing off for 4 s
# (hostile=switchflood) while VM 1 spins on its hart, 400 switches into a
# 64-slot ring with a watermark. A vCPU back on the hart checks it.
boot trust-switchflood --append "tv.guest=hostile hostile=switchflood tv.vm1=\"guest:hostile,harts:0,cmdline:hostile=spin\" tv.control_vm=0 tv.ring=64 tv.watermark=50"
status_is "switch flood: QEMU exits 0" 0
has "switch flood: VM 0 ran with tracing off" "^\[vm0\] hostile: switchflood: tracing off for [0-9]+ ms on a shared hart"
N=$("$TVTRACE" --all --records "$LOG" 2>/dev/null | grep -c ' switch ')
check "switch flood: more switches than the ring holds are in the trace ($N)" test "$N" -ge 128
N=$("$TVTRACE" --all --summary "$LOG" 2>/dev/null | awk '/^Lost records: / { n += $3 } END { print n + 0 }')
check "switch flood: no record lost ($N)" test "$N" -eq 0

# Stop-when-full rings: what does not fit is lost, and counted.
boot trust-stop --smp 2 --append "tv.guest=hostile tv.vcpus=2 hostile=trace tv.ring=256 tv.ring_mode=stop"
status_is "stop mode: QEMU exits 0" 0
trust stop-mode

# The machine-wide ticks, the live periodic dump (tv.dump_every) and the
# progress line (tv.progress), are the boot hart's first vCPU's. The guest
# stops that vCPU (SBI HSM hart_stop) and makes 2000 marks on vCPU 1, in
# 20 batches of 200 records, 150 ms apart (hostile=tickstop, guest/
# hostile/tickstop.c). The ticks must go on (hyp/core/timer.c,
# timer_park): each batch is dumped before the next ones overwrite it.
# The 512-slot ring holds two batches, so a tick that a loaded host
# delays past the next batch loses nothing, and the 2000 marks still
# need a dozen dumps.
boot trust-tickstop --smp 2 --append "tv.guest=hostile tv.vcpus=2 hostile=tickstop tv.dump_every=100 tv.progress=100 tv.ring=512"
status_is "tick stop: QEMU exits 0" 0
has "tick stop: vCPU 0 stopped and vCPU 1 made its marks" "^hostile: tickstop: vCPU 1 made all its marks$"
after_stop() { awk -v re="$1" '/^hostile: tickstop: vCPU 0 stopped/ { on = 1 } on && $0 ~ re { n++ } END { print n + 0 }' "$LOG"; }
N=$(after_stop '^tracevisor: trace dump [0-9]+ \\(periodic\\)')
check "tick stop: the periodic dumps go on while vCPU 0 is stopped ($N)" test "$N" -ge 10
N=$(after_stop '^~TVP:[0-9]+$')
check "tick stop: the progress lines go on while vCPU 0 is stopped ($N)" test "$N" -ge 10
N=$("$TVTRACE" --all --records "$LOG" 2>/dev/null | awk '$4 == "mark" && $5 ~ /^0x71c5/' | sort -u | wc -l)
check "tick stop: all 2000 marks of vCPU 1 are in the trace ($N)" test "$N" -eq 2000
check "tick stop: no record lost" \
	bash -c "! '$TVTRACE' --all --summary '$LOG' 2>/dev/null | grep -Eq '^Lost records: [1-9]'"

# After VM 0 stopped (its line in $LOG), the live dump went on: ten
# periodic dumps at least, the 2000 marks of the VM named $2 (0x71c5...)
# all in the trace, no record lost. $1 names the case.
ticks_went_on() {
	local n
	n=$(awk '/^tracevisor: \[vm0\] VM 0 stopped; the other VMs run on$/ { on = 1 } on && /^tracevisor: trace dump [0-9]+ \(periodic\)/ { n++ } END { print n + 0 }' "$LOG")
	check "$1: the periodic dumps go on ($n)" test "$n" -ge 10
	n=$("$TVTRACE" --all --records "$LOG" 2>/dev/null | awk '$4 == "mark" && $5 ~ /^0x71c5/' | sort -u | wc -l)
	check "$1: all 2000 marks of $2 are in the trace ($n)" test "$n" -eq 2000
	check "$1: no record lost" \
		bash -c "! '$TVTRACE' --all --summary '$LOG' 2>/dev/null | grep -Eq '^Lost records: [1-9]'"
}

# The same when the VM of that vCPU stops while others run on: VM 0 shuts
# down at once (hostile=stop) and VM 1 runs tickstop (its cmdline:). The
# hart VM 0 leaves serves the ticks (hyp/core/timer.c, timer_serve_parked);
# on a time-shared hart they pass to a vCPU that stays there
# (timer_hand_over). Both placements.
for place in own shared; do
	if [ $place = own ]; then smp=3 harts=""; else smp=2 harts=",harts:0"; fi
	boot trust-tickstop-vm-$place --smp $smp --append "tv.guest=hostile hostile=stop tv.vm1=\"guest:hostile,vcpus:2$harts,cmdline:hostile=tickstop\" tv.dump_every=100 tv.progress=100 tv.ring=512"
	status_is "VM 0 stops ($place harts): QEMU exits 0" 0
	has "VM 0 stops ($place harts): VM 0 stopped, VM 1 made its marks" "^\[vm1\] hostile: tickstop: vCPU 1 made all its marks$"
	ticks_went_on "VM 0 stops ($place harts)" "VM 1"
done

# The vCPU that carries the ticks stops (HSM hart_stop) on a time-shared
# hart and is switched out there for another VM's vCPU; then VM 0's other
# vCPU shuts VM 0 down (hostile=tickdrop), so the hart drops the carrier
# while it is switched out (hyp/core/sched.c, sched_drop), never to run
# it again. The VM that makes the 2000 marks (hostile=tickmarks) is VM 1,
# on that hart ("run"), or VM 2 on a hart of its own while VM 1, on that
# hart, has stopped meanwhile (hostile=stoplate; "gone": the hart drops
# the carrier from the loop of a vCPU gone, sched_leave, and has no vCPU
# left to run). The ticks must go on and the live dump with them.
for case in run gone; do
	if [ $case = run ]; then
		smp=2 vms="tv.vm1=\"guest:hostile,vcpus:1,harts:0,cmdline:hostile=tickmarks\"" marker=vm1
	else
		smp=3 vms="tv.vm1=\"guest:hostile,vcpus:1,harts:0,cmdline:hostile=stoplate\" tv.vm2=\"guest:hostile,vcpus:1,cmdline:hostile=tickmarks\"" marker=vm2
	fi
	boot trust-tickdrop-$case --smp $smp --append "tv.guest=hostile tv.vcpus=2 hostile=tickdrop $vms tv.dump_every=100 tv.progress=100 tv.ring=512"
	status_is "carrier dropped ($case): QEMU exits 0" 0
	has "carrier dropped ($case): VM 0 stopped" "^tracevisor: \[vm0\] VM 0 stopped; the other VMs run on$"
	has "carrier dropped ($case): $marker made its marks" "^\[$marker\] hostile: tickmarks: made all its marks$"
	ticks_went_on "carrier dropped ($case)" "$marker"
done

# The ticks' carrier in a retentive HSM suspend that only its timer, 500
# ms away, may end (hostile=tickwake): the hart serves the ticks (every
# 50 ms here) while the vCPU sleeps on, and resumes it for its timer
# interrupt alone, not for a tick the guest has no part in.
boot trust-tickwake --append "tv.guest=hostile hostile=tickwake tv.dump_every=50 tv.progress=50"
status_is "tick in a suspend: QEMU exits 0" 0
has "tick in a suspend: the guest resumed for its timer" "^hostile: tickwake: [0-9]+ resume\(s\), "
N=$(awk '/^hostile: variant tickwake:/ { on = 1 } /^hostile: tickwake: / { on = 0 } on && /^~TVP:[0-9]+$/ { n++ } END { print n + 0 }' "$LOG")
check "tick in a suspend: the progress lines go on while it sleeps ($N)" test "$N" -ge 5
has "tick in a suspend: no resume before its timer" "^hostile: tickwake: 1 resume\(s\), 0 before its timer, "

# The text form of the dump (tv.dump=both): the hypervisor's ftrace-style
# lines, which a reader of the console takes for the trace. The guest prints
# lines of exactly that form, carrying FORGE_TAG (hostile=textforge,
# trace_attacks.c), through every console path and pre-escaped. Only the
# hypervisor begins a console line with a single '~' (hyp/core/console.c),
# so its text-dump lines start with one, and no line of that form may be
# the guest's.
boot trust-text --append "tv.guest=hostile hostile=textforge tv.dump=both"
status_is "text dump: QEMU exits 0" 0
has "text dump: the guest printed its forged lines" "^hostile: forged [0-9]+ text-dump lines"
TEXT_RE='^~vm[0-9]+-vcpu[0-9]+ \[[0-9]+\] [0-9]+\.[0-9]{6}: '
check "text dump: the hypervisor's text lines are there, each beginning with its '~'" \
	bash -c "grep -Eq '${TEXT_RE}kvm_exit: SEPC:0x[0-9a-f]+, SCAUSE:0x[0-9a-f]+, ' '$LOG' &&
		 grep -Eq '${TEXT_RE}tv_stop: REASON:shutdown' '$LOG'"
check "text dump: no line of the hypervisor's text form is the guest's ($(grep -Ec "$TEXT_RE.*f0f6edf0f6ed" "$LOG") are)" \
	bash -c "! grep -Eq '$TEXT_RE.*f0f6edf0f6ed' '$LOG'"
check "text dump: the compact frames beside it decode intact" "$TVTRACE" --records "$LOG"

# The hypervisor's own messages ("tracevisor: ..."): the same guest then
# prints two of them, carrying its tag as the stop reason, by seven ways
# (every console path, after a '\r', and through the UART cut by a
# partial flush inside the tag and right after it). Only the hypervisor
# begins a console line with "tracevisor:" (hyp/core/console.c, rule 4):
# each forged line is there, escaped with a '~', and none begins a line.
# (The guest writes NULs below: grep without -a then takes the log for
# binary and may end a line at a NUL, a stricter reading where a check
# wants no line to begin with the tag; -a where it counts lines.)
REASON=$(sed -nE 's/^hostile: forged 14 hypervisor lines through 7 ways, reason ([0-9]+)\r?$/\1/p' "$LOG")
check "hypervisor lines: the guest printed its forged lines" test -n "$REASON"
check "hypervisor lines: none of the guest's begins a line ($(tr -d '\r' <"$LOG" | grep -Ec "^tracevisor: .*reason ${REASON:-x}\)") do)" \
	bash -c "! tr -d '\r' <'$LOG' | grep -Eq '^tracevisor: .*reason ${REASON:-x}\)'"
check "hypervisor lines: all 14 are there, escaped ($(tr -d '\r' <"$LOG" | grep -aEc '^~tracevisor: (guest stopped|shutting down)'))" \
	test "$(tr -d '\r' <"$LOG" | grep -aEc '^~tracevisor: (guest stopped \(shutdown, reason '"${REASON:-x}"'\)|shutting down: success$)')" -eq 14
check "hypervisor lines: a guest line cut after its 't' is not escaped (it is not the tag)" \
	test "$(tr -d '\r' <"$LOG" | grep -ac '^tvguest: not the tag$')" -eq 1
check "hypervisor lines: 'shutting down: success' begins one line, the hypervisor's" \
	test "$(tr -d '\r' <"$LOG" | grep -c '^tracevisor: shutting down: success$')" -eq 1

# The same line behind bytes a terminal does not show or acts on (a '\r'
# after text, a NUL, backspaces, a zero-width space, ANSI escape
# sequences, a '\r' or a sequence cut by a partial flush;
# forge_behind_controls): a log shows it after them, a terminal first on
# its line. Rules 3 and 4 hold where a line may begin on a terminal too:
# every forged line carries the escape right before its tag or its '~'.
CTRL=$(sed -nE 's/^hostile: forged ([0-9]+) hypervisor lines and 2 text-dump lines behind terminal controls, reason '"${REASON:-x}"'$/\1/p' "$LOG")
check "behind controls: the guest printed its forged lines" test -n "$CTRL"
count() { grep -aoF "$1" "$LOG" | wc -l; }
FORGED=$(count "tracevisor: guest stopped (shutdown, reason ${REASON:-x})")
ESCAPED=$(count "~tracevisor: guest stopped (shutdown, reason ${REASON:-x})")
check "behind controls: every forged hypervisor line is escaped right before its tag ($ESCAPED of $FORGED; $((7 + ${CTRL:-0})) forged)" \
	test "$FORGED" -eq $((7 + ${CTRL:-0})) -a "$ESCAPED" -eq "$FORGED"
check "behind controls: both forged text-dump lines carry a second '~' ($(count "~~vm0-vcpu0 [000] 0.000004: ") of $(count "vm0-vcpu0 [000] 0.000004: "))" \
	test "$(count "~~vm0-vcpu0 [000] 0.000004: ")" -eq 2 -a "$(count "vm0-vcpu0 [000] 0.000004: ")" -eq 2

# An escape sequence the guest leaves open at a line end would swallow the
# next line's first byte on a terminal (a frame's '~', the hypervisor's
# 't'): the console ends it with CAN before each newline, the guest's own
# ("open1") and the one it writes when another stream follows a partial
# flush ("open2").
check "open sequences: the guest left them" grep -aq '^hostile: left 2 escape sequences open' "$LOG"
for o in open1 open2; do
	check "open sequences: $o ends with CAN before the newline ($(count "$o"$'\x1b[\x18\n') of $(count "$o"))" \
		test "$(count "$o"$'\x1b[\x18\n')" -eq 1 -a "$(count "$o")" -eq 1
done

# ---- the judge can fail -------------------------------------------------------
# The first run's log, doctored: an escaped forged line unescaped (what a
# hypervisor that let guest output through would have written), and the
# first RECORDS frame of the second dump deleted (a frame lost or mangled;
# frame type byte 2 or 6, RECORDS or RECORDS3: base64 "Ag" or "Bg").
GOOD="$LOGDIR/trust.log"
BAD="$LOGDIR/trust-doctored.log"
awk '
	/^~~TV1:/ && !unescaped { sub(/^~/, ""); unescaped = 1 }
	/^~TV1:AQ/ { begins++ }
	/^~TV1:(Ag|Bg)/ && begins == 2 && !dropped { dropped = 1; next }
	{ print }' "$GOOD" >"$BAD"
LOG=$BAD
out=$(python3 "$TRUST" "$TVTRACE" "$BAD" "$LOGDIR" | tail -1)
check "the judge counts a forged dump (${out#* - })" \
	bash -c "grep -Eq ', [1-9][0-9]* forged,' <<<'$out'"
check "the judge counts a corrupted dump (${out#* - })" \
	bash -c "grep -Eq ', [1-9][0-9]* corrupted,' <<<'$out'"
check "the judge counts records lost that no ring counted (${out#* - })" \
	bash -c "grep -Eq ', [1-9][0-9]* unexplained losses' <<<'$out'"
check "the judge fails the doctored log" bash -c "grep -q '^not ok - ' <<<'$out'"
