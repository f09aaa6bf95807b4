#!/bin/bash
# A live trace: tv.dump_every=MS dumps the rings from the boot hart's
# tick, each dump taking what came since the one before. The dumps of a
# run hold, together, every record once: what one dump at the end would
# have held (the same exits, reason by reason, as a run dumped only at
# shutdown, plus the tick's own timer exits), none lost between two dumps,
# none twice; with a ring too small for an interval the losses each dump
# reports add up to the ring's own count. A tick with nothing new writes
# nothing. tvtrace --join makes a run's dumps one trace: its summary
# counts every record of every dump, and the losses of the rings. And
# scripts/run.sh --live shows tvtrace --follow's decoding of each dump on
# the screen while the guest runs, and after the run the summary of all
# the dumps joined.
#
# Each tick is an HS timer exit of its own and a dump holds the boot
# hart's vCPU while it prints: a tick that lands in one of the test
# guest's exact steps (6: one exit per first touch; 14: no steal time
# over 100 SBI calls) fails that step, as tv.progress would. So the
# guest is only asked to run to its end here; test_guest.sh checks it.
source "$(dirname "$0")/lib.sh"

# dump_ids LOG: "ok" when the dumps of LOG (tvtrace --list) have the ids
# 0, 1, 2... in order, every one complete, and there are at least MIN.
dump_ids() {
	"$TVTRACE" --list "$1" 2>/dev/null | python3 -c '
import re, sys
ids = [int(m.group(1), 16) for m in (re.match(r"dump \d+: id (0x[0-9a-f]+),.*complete$", l) for l in sys.stdin) if m]
print("ok" if ids == list(range(len(ids))) and len(ids) >= int(sys.argv[1]) else ids)' "$2"
}
# csv_check LOG: no event of the CSV of all dumps (tvtrace --all --csv)
# is in two dumps: the same hart, kind, time and values twice. (Time
# alone does not order the dumps: a visit's record, its exit and entry,
# goes into the ring at the entry, after what was written during its
# handling, the interrupt a timer exit raises for one, so the tick's own
# exit comes in the dump after the one it made.) Prints "ok EVENTS LOST"
# (LOST: the count the dumps' LOST records carry), or the first repeats.
csv_check() {
	"$TVTRACE" --all --csv - "$1" 2>/dev/null | python3 -c '
import csv, sys
seen, n, lost, bad = {}, 0, 0, []
for r in csv.DictReader(sys.stdin):
    if r["kind"] == "lost":
        lost += int(r["lost"] or 0)
        continue
    n += 1
    key = tuple(v for k, v in r.items() if k not in ("dump", "index"))
    if seen.setdefault(key, r["dump"]) != r["dump"]:
        bad.append((r["hart"], r["kind"], r["time_ticks"], seen[key], r["dump"]))
print("ok %d %d" % (n, lost) if not bad else "bad %s" % bad[:3])'
}
# stopped_ticks LOG: the ticks that came while the guest had tracing
# switched off (step 13 stops it for a few exits). Each tick's own timer
# exit is then not traced, like the two exits of the guest's own stop
# and start, and its dump ends inside the gap: the CONTROL record of the
# stop (TV_CTL_STOP, recorded whatever the switch says) is in one dump,
# that of the start (TV_CTL_START) in a later one. Prints the number of
# dumps between the two (a 50 ms tick lands in a gap of a few exits at
# most once; a second would make no dump: nothing new to write).
stopped_ticks() {
	"$TVTRACE" --all --csv - "$1" 2>/dev/null | python3 -c '
import csv, sys
n, stop = 0, None
for r in csv.DictReader(sys.stdin):
    if r["kind"] == "control" and int(r["arg0"], 16) == 2:
        stop = int(r["dump"])
    elif r["kind"] == "control" and int(r["arg0"], 16) == 1 and stop is not None:
        n, stop = n + int(r["dump"]) - stop, None
print(n)'
}
# several COMMAND...: COMMAND succeeds, and the last boot's log holds 3
# dumps or more: each check here is about what several dumps hold
# together (with one dump at the end, most would hold trivially).
several() {
	[ "$("$TVTRACE" --list "$LOG" 2>/dev/null | grep -c '^dump ')" -ge 3 ] && "$@"
}
sum_lines() { awk '{ n += $1 } END { print n + 0 }'; }
# totals FILE: "EVENTS EXITS LOST" of the summaries in FILE, added up
# ("Total: E events, X exits, ..." and "Lost records: L" of each; "1
# event", "1 exit").
totals() {
	echo "$(sed -n 's/^Total: \([0-9]*\) events*,.*/\1/p' "$1" | sum_lines)" \
		"$(sed -n 's/^Total: [0-9]* events*, \([0-9]*\) exits*,.*/\1/p' "$1" | sum_lines)" \
		"$(sed -n 's/^Lost records: \([0-9]*\).*/\1/p' "$1" | sum_lines)"
}

# exits_by_reason LOG: "REASON=COUNT ..." over every dump of LOG, sorted
# (--all --summary: each dump's table for all harts, added up).
exits_by_reason() {
	"$TVTRACE" --all --summary "$1" 2>/dev/null | awk '
		/^Analyze events for all harts/ { on = 1; next }
		/^Analyze events for / { on = 0 }
		on && /^ *[A-Z_0-9]+ +[0-9]+ / { n[$1] += $2 }
		END { for (r in n) print r "=" n[r] }' | sort | tr '\n' ' '
}
# The ticks add timer exits, and a step they fail prints one more line
# (console writes: ECALL_VS): those two reasons are compared call by call.
without_timer() { tr ' ' '\n' | grep -Ev '^(IRQ_S_TIMER|ECALL_VS)=' | tr '\n' ' '; }
# sbi_calls LOG: "COUNT EXT.function" over every dump of LOG, the console
# writes left out.
sbi_calls() {
	"$TVTRACE" --all --records "$1" 2>/dev/null | grep -o ' sbi     [A-Z_0-9]*\.[a-z_0-9]*' |
		grep -Ev 'DBCN\.debug_console_write|console_putchar' | sort | uniq -c | tr -s ' ' | tr '\n' ';'
}

# --- one dump at the end: the reference -----------------------------------------
boot live-reference
REF="$LOG"
REF_STATUS=$STATUS # the guest passes there: compared with below
ref_exits=$(exits_by_reason "$REF")

# --- a dump every 50 ms ----------------------------------------------------------
boot live-periodic --append "tv.dump_every=50"
L="$LOGDIR/live-periodic"
"$TVTRACE" --list "$LOG" >"$L.list" 2>&1
periodic=$(grep -c ', periodic, ' "$L.list")
check "periodic run: the guest runs to its end; several periodic dumps ($periodic), then the shutdown dump" \
	bash -c "grep -Eq '^guest: [0-9]+ of $TEST_GUEST_STEPS steps passed$' '$LOG' && [ '$periodic' -ge 3 ] &&
		tail -n 1 '$L.list' | grep -q ', guest shutdown, .*complete$'"
check "periodic run: every dump complete, ids 0, 1, 2... in order (one id per dump)" \
	test "$(dump_ids "$LOG" 3)" = ok
"$TVTRACE" --all --records "$LOG" >"$L.records" 2>"$L.err"
rc=$?
check "periodic run: tvtrace --all decodes every dump, no error" \
	several bash -c "[ $rc = 0 ] && [ ! -s '$L.err' ]"
per_exits=$(exits_by_reason "$LOG")
# (The ticks add timer exits, not one each: a tick may share its exit
# with the guest's own timer, or come while the vCPU waits in WFI.)
check "periodic run: the dumps hold the reference run's exits, reason by reason (timer, ecall below)" \
	several test "$REF_STATUS" = 0 -a "$(without_timer <<<"$per_exits")" = "$(without_timer <<<"$ref_exits")"
[ "$(without_timer <<<"$per_exits")" = "$(without_timer <<<"$ref_exits")" ] ||
	{ echo "  periodic:  $per_exits"; echo "  reference: $ref_exits"; }
check "periodic run: ... and its SBI calls, function by function (console writes aside)" \
	several test "$(sbi_calls "$LOG")" = "$(sbi_calls "$REF")"
hyp_exits=$(sed -n 's/.*after \([0-9]*\) exits.*/\1/p' "$LOG")
untraced=$((2 + $(stopped_ticks "$LOG")))
check "periodic run: traced exits over all dumps = the hypervisor's count ($hyp_exits) - $untraced (2, and the ticks while tracing was off)" \
	several test "$(grep -c ' exit ' "$L.records")" = $((hyp_exits - untraced))
csv=$(csv_check "$LOG")
check "periodic run: no record in two dumps ($csv)" \
	several bash -c "[[ '$csv' == ok\ * ]]"
"$TVTRACE" --all --summary "$LOG" >"$L.summary" 2>&1
read -r offered consumed lost < <(grep 'ring offered' "$L.summary" | tail -n 1 |
	sed 's/.*ring offered \([0-9]*\), consumed \([0-9]*\), lost \([0-9]*\).*/\1 \2 \3/')
check "periodic run: the ring gave $consumed records, offered $offered, lost ${lost:-?}" \
	several test "$consumed" = "$offered" -a "$lost" = 0
first_consumed=$(grep -m1 'ring offered' "$L.summary" | sed 's/.*consumed \([0-9]*\),.*/\1/')
check "periodic run: the later dumps' own shares of the ring add up to its count" \
	several test "$(sed -n 's/.*this dump: consumed \([0-9]*\),.*/\1/p' "$L.summary" | sum_lines)" = \
	"$((consumed - first_consumed))"
"$TVTRACE" --join --summary "$LOG" >"$L.joined" 2>&1
rc=$?
read -r events exits jlost < <(totals "$L.joined")
check "periodic run: --join's one summary holds every dump's events and exits ($events, $exits; exit $rc)" \
	several test "$rc" = 0 -a "$(grep -c '^Total: ' "$L.joined")" = 1 -a "$events $exits" = "$(totals "$L.summary" | cut -d' ' -f1-2)"
check "periodic run: ... the exits the hypervisor counted - $untraced, none lost ($exits of $hyp_exits, lost $jlost)" \
	several test "$exits" = $((hyp_exits - untraced)) -a "$jlost" = 0

# --- two harts: hart 0's tick dumps both rings while hart 1 runs ----------------------
boot live-smp --smp 2 --append "tv.guest=smp tv.vcpus=2 tv.dump_every=50"
L="$LOGDIR/live-smp"
check "two harts: the SMP guest passes; several dumps, ids 0, 1, 2... in order, every one complete" \
	test "$STATUS:$(dump_ids "$LOG" 3)" = 0:ok
"$TVTRACE" --all --summary "$LOG" >"$L.summary" 2>&1
rc=$?
check "two harts: tvtrace decodes every dump with no error" several test $rc = 0
csv=$(csv_check "$LOG")
check "two harts: no record in two dumps ($csv)" \
	several bash -c "[[ '$csv' == ok\ * ]]"
# the last dump's HART frames: each ring's counts since boot
grep 'ring offered' "$L.summary" | tail -n 2 >"$L.rings"
check "two harts: each ring's offered = consumed + lost" several bash -c "
	sed 's/.*offered \([0-9]*\), consumed \([0-9]*\), lost \([0-9]*\);.*/\1 \2 \3/' '$L.rings' |
	awk '{ if (\$1 != \$2 + \$3) bad++ } END { exit bad != 0 || NR != 2 }'"
check "two harts: the losses each dump reports add up to the rings'" \
	several test "$(sed -n 's/^Lost records: \([0-9]*\).*/\1/p' "$L.summary" | sum_lines)" = \
	"$(sed 's/.*, lost \([0-9]*\);.*/\1/' "$L.rings" | sum_lines)"
"$TVTRACE" --join --summary "$LOG" >"$L.joined" 2>&1
rc=$?
check "two harts: --join's summary holds every dump's events, exits and losses ($(totals "$L.joined"); exit $rc)" \
	several test "$rc:$(totals "$L.joined")" = "0:$(totals "$L.summary")"

# --- a ring too small for an interval: losses ---------------------------------------
boot live-lossy --append "tv.dump_every=50 tv.ring=64"
L="$LOGDIR/live-lossy"
"$TVTRACE" --all --summary "$LOG" >"$L.summary" 2>&1
lossy_rc=$?
read -r offered consumed lost < <(grep 'ring offered' "$L.summary" | tail -n 1 |
	sed 's/.*ring offered \([0-9]*\), consumed \([0-9]*\), lost \([0-9]*\).*/\1 \2 \3/')
check "small ring: tvtrace decodes every dump with no error" several test "$lossy_rc" = 0
check "small ring: records were lost (${lost:-?} of ${offered:-?})" several test "${lost:-0}" -gt 0
check "small ring: consumed + lost = offered ($consumed + $lost = $offered)" \
	several test $((consumed + lost)) = "$offered"
per_dump_lost=$(sed -n 's/^Lost records: \([0-9]*\).*/\1/p' "$L.summary" | sum_lines)
check "small ring: the losses each dump reports add up to the ring's ($per_dump_lost = $lost)" \
	several test "$per_dump_lost" = "$lost"
csv=$(csv_check "$LOG")
check "small ring: the dumps' LOST records carry the same count ($csv; lost $lost)" \
	several bash -c "[[ '$csv' == ok\ *\ $lost ]]"
"$TVTRACE" --join --summary "$LOG" >"$L.joined" 2>&1
rc=$?
read -r events exits jlost < <(totals "$L.joined")
check "small ring: --join's summary: every dump's events and exits, and the ring's $lost lost once ($events, $exits, $jlost)" \
	several test "$rc:$events $exits $jlost" = "0:$(totals "$L.summary" | cut -d' ' -f1-2) $lost"

# --- nothing new, nothing written -----------------------------------------------------
# Tracing off from boot until the test guest's step 13 starts it: ticks
# every 10 ms find nothing offered to the ring and write no dump.
boot live-idle --append "tv.dump_every=10 tv.trace=off"
step13=$(grep -n '^step 13:' "$LOG" | head -n 1 | cut -d: -f1)
first=$(grep -n 'trace dump [0-9]* (periodic)' "$LOG" | head -n 1 | cut -d: -f1)
check "nothing new: no periodic dump before tracing starts (step 13, line ${step13:-?})" \
	test "${first:-0}" -gt "${step13:-999999}"
check "nothing new: periodic dumps once it has started, ids in order from 0 (none taken by a skipped tick)" \
	test "$(dump_ids "$LOG" 2)" = ok

# --- scripts/run.sh --live: the screen ---------------------------------------------------
LOG="$LOGDIR/live-screen.log"
SCREEN="$LOGDIR/live-screen.screen"
"$ROOT/scripts/run.sh" --log "$LOG" --timeout "${BOOT_TIMEOUT:-120}" --live records \
	--append "tv.dump_every=20" >"$SCREEN" 2>&1
STATUS=$?
# the screen while the guest ran: up to the run's trace line
tr -d '\r' <"$SCREEN" | sed '/^trace: [0-9]* dump(s)/,$d' >"$SCREEN.txt"
"$TVTRACE" --all --records "$LOG" >"$SCREEN.all" 2>/dev/null
check "--live records: the screen shows each dump's header as tvtrace --all does" \
	several test "$(grep -c '^# dump [0-9]*: ' "$SCREEN.txt")" = "$(grep -c '^# dump [0-9]*: ' "$SCREEN.all")"
check "--live records: the screen shows every record of every dump" \
	several test "$(grep -cE '^ +[0-9]+\.[0-9]{6} \[' "$SCREEN.txt")" = "$(grep -cE '^ +[0-9]+\.[0-9]{6} \[' "$SCREEN.all")"
check "--live records: the console's lines whole between them (the guest's $TEST_GUEST_STEPS verdicts)" \
	test "$(grep -cE '^step [0-9]+: .*: (PASS|FAIL)$' "$SCREEN.txt")" = "$TEST_GUEST_STEPS"
check "--live: decoded records and no trace frame on the screen" \
	bash -c "grep -Eq '^ +[0-9]+\.[0-9]{6} \[' '$SCREEN.txt' && ! grep -q '^~TV1:' '$SCREEN.txt'"
# after the run: the summary of every dump joined
tr -d '\r' <"$SCREEN" | sed -n '/^trace: [0-9]* dump(s)/,$p' >"$SCREEN.post"
"$TVTRACE" --all --summary "$LOG" >"$SCREEN.summaries" 2>/dev/null
ndumps=$("$TVTRACE" --list "$LOG" 2>/dev/null | grep -c '^dump ')
check "--live: after the run, the summary of all $ndumps dumps joined, and it says so" \
	several bash -c "grep -q '^trace: periodic dumps (--live): the summary and pictures below cover all $ndumps dumps as one trace' '$SCREEN.post' &&
		grep -q '^# dumps 1-$ndumps joined: ' '$SCREEN.post' && [ \"\$(grep -c '^Total: ' '$SCREEN.post')\" = 1 ]"
check "--live: ... which counts every record of every dump ($(totals "$SCREEN.post"); the dumps: $(totals "$SCREEN.summaries"))" \
	several test "$(totals "$SCREEN.post")" = "$(totals "$SCREEN.summaries")"
