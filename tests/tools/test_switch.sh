#!/bin/sh
# tvtrace on time-shared harts: the SWITCH records a hart writes as it
# leaves one vCPU for another (include/tracevisor/trace_record.h,
# TV_KIND_SWITCH), in every view and export.
#
# Log S (tests/tools/mklog.c, 10 MHz: 10 ticks = 1.00 us) has hart 0
# shared by vm0-vcpu0 and vm1-vcpu0 and hart 1 given to vm0-vcpu1:
#   vm0-vcpu0 runs from 1000; its slice ends in a timer exit at 2000; at
#   2010 the hart goes to vm1-vcpu0 (slice, vm0-vcpu0 ran 1000 ticks,
#   vm1's hgatp: Sv39x4, VMID 1); vm1-vcpu0 enters at 2020, waits in a
#   WFI at 2500 and at 2510 gives the hart back (wait, ran 490); vm0-vcpu0
#   resumes at 2520, makes an SBI call 3500-3510, its slice ends at 4000,
#   the hart goes to vm1-vcpu0 at 4010 (slice, ran 1500), which resumes
#   at 4020, asks SRST shutdown at 5000, is stopped at 5010 and at 5020
#   the hart goes back to vm0-vcpu0 (stop, ran 2990, flushed: 1), which
#   resumes at 5030. (A turn begins `ran` ticks before its switch, but not
#   before the hart's previous switch: vm1-vcpu0's turns are 2020-2510
#   and 4010-5020.)
# By hand: vm0-vcpu0's timer exits took 2000->2520 less 500 away and
# 4000->5030 less 1010 away: 20 ticks = 2.00 us each; vm1-vcpu0's WFI
# 2500->4020 less 1500 away: 2.00 us. Steal of vm0-vcpu0: 2010->2510 and
# 4010->5020 = 151.00 us (avg 75.50, max 101.00); vm1-vcpu0 waited
# 2510->4010 = 150.00 us. Avg turn: vm0 (1000 + 1500) / 2 = 125.00 us,
# vm1 (490 + 2990) / 2 = 174.00 us.
#
# Also gen_log shared (the real encoder, many turns): the steal and wait
# times of tvtrace -s equal those computed from tvtrace --csv alone.
#
# Run from anywhere: sh tests/tools/test_switch.sh
# Environment: CC (default cc). babeltrace2, trace-cmd, kernelshark and
# xvfb (scripts/setup.sh test) for the CTF and trace.dat checks, "skip"
# lines without them.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed".
set -u

NAME=switch
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# --- build (ASan+UBSan) -----------------------------------------------------
TV=$WORK/tvtrace
build_tvtrace_san "$TV"
build_log_makers

# --- helpers ----------------------------------------------------------------

# run NAME ARGS... : tvtrace ARGS, stdout -> $WORK/out; exit status 0.
run() {
	name=$1
	shift
	"$TV" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$WORK/err" ]; then ok "$name: exit 0, nothing on stderr"; else
		bad "$name: exit $rc: $(head -n 3 "$WORK/err")"
	fi
}
# has NAME FILE TEXT : FILE contains the line TEXT (fixed string, whole line).
has() {
	if grep -F -x -q -- "$3" "$2"; then ok "$1"; else
		bad "$1: $(basename "$2") lacks the line: $3"
	fi
}
# count NAME WANT GOT
count() {
	if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: $3, want $2"; fi
}

# --- log S ------------------------------------------------------------------
cat >"$WORK/s.txt" <<'EOF'
begin 10000000 2
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 0x8000000000000005
switch 2010 0 0 1 0 1 1000 0x8000100000080400 0
entry 2020 1 0 0xc0000000
exit 2500 1 0 0xc0000100 22 0x10500073
switch 2510 1 0 0 0 2 490 0x8000000000080800 0
entry 2520 0 0 0x80000100
exit 3500 0 0 0x80000200 10
sbi 3505 0 0 0x1000000003 0x10 0 0 0 1
entry 3510 0 0 0x80000204
exit 4000 0 0 0x80000300 0x8000000000000005
switch 4010 0 0 1 0 1 1500 0x8000100000080400 0
entry 4020 1 0 0xc0000104
exit 5000 1 0 0xc0000200 10
sbi 5005 1 0 0x5352535400000000 0 0 0 0 0
stop 5010 1 0 1 0
switch 5020 1 0 0 0 3 2990 0x8000000000080800 1
entry 5030 0 0 0x80000300
endhart
hart 1
entry 1500 0 1 0x80000000
exit 2500 0 1 0x80000600 10
entry 2530 0 1 0x80000604
endhart
end
EOF
"$WORK/mklog" <"$WORK/s.txt" >"$WORK/s.log" || bad "mklog s"
cd "$WORK" || exit 2

# --- text and records -------------------------------------------------------
run "--text" --text s.log
cat >want.text <<'EOF'
vm0-vcpu0 [000] 0.000201: tv_switch: to vm1-vcpu0 reason=slice ran=0.000100s hgatp=0x8000100000080400 (VMID 1) flushed=no
vm1-vcpu0 [000] 0.000251: tv_switch: to vm0-vcpu0 reason=wait ran=0.000049s hgatp=0x8000000000080800 (VMID 0) flushed=no
vm0-vcpu0 [000] 0.000401: tv_switch: to vm1-vcpu0 reason=slice ran=0.000150s hgatp=0x8000100000080400 (VMID 1) flushed=no
vm1-vcpu0 [000] 0.000502: tv_switch: to vm0-vcpu0 reason=stop ran=0.000299s hgatp=0x8000000000080800 (VMID 0) flushed=yes
EOF
grep tv_switch out >got.text
if cmp -s want.text got.text; then ok "--text: the four tv_switch lines"; else
	bad "--text switch lines differ"
	diff want.text got.text | head -n 8 | sed 's/^/    /'
fi
run "--records" -r s.log
has "--records: a slice switch" out "    0.000201 [000] vm0-vcpu0 switch  to vm1-vcpu0: slice (its time slice ended and another vCPU was ready), ran 100.00us; hgatp=0x8000100000080400 (Sv39x4, VMID 1, root 0x80400000), G-stage TLB not flushed"
has "--records: a stop switch with a flush" out "    0.000502 [000] vm1-vcpu0 switch  to vm0-vcpu0: stop (its VM stopped), ran 299.00us; hgatp=0x8000000000080800 (Sv39x4, VMID 0, root 0x80800000), G-stage TLB flushed (hfence.gvma)"

# --- summary ----------------------------------------------------------------
run "--summary" -s s.log
# vm0-vcpu0: two timer exits of 2.00us each (the other vCPU's turns left
# out), the SBI call 1.00us.
sed -n '/^Analyze events for vm0-vcpu0:/,/Total/p' out >vm0.sum
has "summary: vm0-vcpu0's timer exits leave out vm1-vcpu0's turns" vm0.sum "     IRQ_S_TIMER          2    66.67%    80.00%       2.00us       2.00us       2.00us      74.50us  supervisor timer interrupt"
sed -n '/^Analyze events for vm1-vcpu0:/,/Total/p' out >vm1.sum
has "summary: vm1-vcpu0's WFI leaves out vm0-vcpu0's turn" vm1.sum "       VIRT_INSN          1    50.00%   100.00%       2.00us       2.00us       2.00us      48.00us  virtual instruction"
has "summary: switch table header" out "         VM/vCPU      Out    Slice     Wait     Stop     Avg turn   Steal time    Avg steal    Max steal    Wait time"
has "summary: vm0's switches" out "             vm0        2        2        0        0     125.00us     151.00us      75.50us     101.00us            -"
has "summary: vm0-vcpu0's switches, steal" out "       vm0-vcpu0        2        2        0        0     125.00us     151.00us      75.50us     101.00us            -"
has "summary: vm1-vcpu0's switches, wait" out "       vm1-vcpu0        2        0        1        1     174.00us            -            -            -     150.00us"
has "summary: hart 0's switches" out "  hart 0: 4 switches (slice 2, wait 1, stop 1), 1 flushed the G-stage TLB; vCPUs vm0-vcpu0, vm1-vcpu0"
count "summary: no switch line for the dedicated hart 1" 0 "$(grep -c '^  hart 1: [0-9]* switches' out)"
has "summary: totals" out "Total: 21 events, 6 exits, handling time 10.00us, guest run time 493.00us"

# A trace without SWITCH records has no switch table (tests/tools/
# test_tvtrace.sh checks its whole summary is unchanged).
grep -v '^switch ' s.txt | "$WORK/mklog" >noswitch.log
run "--summary without switches" -s noswitch.log
count "no switch table without SWITCH records" 0 "$(grep -c 'switch' out)"

# --- filters ----------------------------------------------------------------
run "--vcpu 1.0" -r --vcpu 1.0 s.log
count "--vcpu 1.0: its 4 switches, in and out" 4 "$(grep -c ' switch  ' out)"
count "--vcpu 1.0: none of vm0-vcpu0's exits" 0 "$(grep -c 'vm0-vcpu0 exit' out)"
run "--vcpu 0.1" -r --vcpu 0.1 s.log
count "--vcpu 0.1 (dedicated hart): no switch" 0 "$(grep -c ' switch  ' out)"
run "--reason IRQ_S_TIMER" -r --reason IRQ_S_TIMER s.log
count "--reason IRQ_S_TIMER: the two slice switches of its exits" 2 "$(grep -c ' switch  to vm1-vcpu0: slice' out)"
count "--reason IRQ_S_TIMER: the entries after the switch back" 2 "$(grep -c 'vm0-vcpu0 entry   pc=0x00000000800001\|vm0-vcpu0 entry   pc=0x00000000800003' out)"
count "--reason IRQ_S_TIMER: nothing of vm1-vcpu0 but the switches back" 2 "$(grep -c 'vm1-vcpu0' out)"
run "--reason VIRT_INSN" -r --reason VIRT_INSN s.log
count "--reason VIRT_INSN: exit, wait switch, entry" 3 "$(grep -vc '^#' out)"
run "-s --vcpu 1.0" -s --vcpu 1.0 s.log
count "-s --vcpu 1.0: only vm1-vcpu0's switch row" 0 "$(grep -c '^ *vm0-vcpu0  ' out)"
has "-s --vcpu 1.0: vm1-vcpu0's row" out "       vm1-vcpu0        2        0        1        1     174.00us            -            -            -     150.00us"

# --- explain ----------------------------------------------------------------
run "--explain" --explain s.log
grep -A1 ' switch  world switch' out | head -n 2 >sw.explain
if grep -q 'world switch: the hart leaves vm0-vcpu0 for vm1-vcpu0 because its time slice ended and another vCPU was ready; it ran 100.00 us' sw.explain &&
	grep -q 'vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval and vsatp; hvip' sw.explain &&
	grep -q 'hgatp becomes 0x8000100000080400 (Sv39x4, VMID 1, G-stage root 0x80400000)' sw.explain &&
	grep -q 'No TLB flush: cached translations are tagged with their VM' sw.explain &&
	grep -q 'arg\[0\] = 1 incoming VM, arg\[1\] = 0 incoming vCPU, arg\[2\] = 1 reason (slice), arg\[3\] = 1000 ticks it ran' sw.explain; then
	ok "explain: a world switch between VMs, its CSRs, hgatp, the record's fields"
else
	bad "explain: switch text: $(head -c 300 sw.explain)"
fi
if grep -q '"Hypervisor and Virtual Supervisor CSRs" .*"Hypervisor Guest Address Translation and Protection (hgatp) Register" (VMID), "Hypervisor Memory-Management Fence Instructions" (HFENCE.GVMA), "Memory-Management Fences"' sw.explain &&
	grep -q 'SBI spec: "Steal-time Accounting Extension' sw.explain; then
	ok "explain: the switch's specification sections"
else
	bad "explain: switch spec line: $(tail -n 1 sw.explain | head -c 300)"
fi
count "explain: the flushed switch says HFENCE.GVMA" 1 "$(grep -c 'The G-stage TLB was flushed (HFENCE.GVMA): without VMID bits (VMIDLEN 0)' out)"
count "explain: the timer exit says where the hart went" 1 "$(grep -c 'vm0-vcpu0 exit    supervisor timer interrupt: .* meanwhile the hart went to vm1-vcpu0 (switch: slice) and came back to this vCPU 50.00 us later, and resumed at sepc' out)"
count "explain: the WFI gave the hart away" 1 "$(grep -c 'the hypervisor let the vCPU wait and gave the hart to another one; meanwhile the hart went to vm0-vcpu0 (switch: wait) and came back to this vCPU 150.00 us later, and resumed at sepc+4' out)"

# --- CSV --------------------------------------------------------------------
run "--csv" --csv s.csv s.log
if python3 - s.csv <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["kind"] == "switch"]
got = [(r["vm"], r["vcpu"], r["switch_to"], r["switch_reason"], r["switch_ran_s"],
        r["switch_hgatp"], r["switch_vmid"], r["switch_flushed"]) for r in rows]
want = [("0", "0", "vm1-vcpu0", "slice", "0.000100000", "0x8000100000080400", "1", "no"),
        ("1", "0", "vm0-vcpu0", "wait", "0.000049000", "0x8000000000080800", "0", "no"),
        ("0", "0", "vm1-vcpu0", "slice", "0.000150000", "0x8000100000080400", "1", "no"),
        ("1", "0", "vm0-vcpu0", "stop", "0.000299000", "0x8000000000080800", "0", "yes")]
assert got == want, got
EOF
then ok "--csv: the switch columns of the four switches"; else bad "--csv switch columns"; fi

# --- SVG --------------------------------------------------------------------
run "--svg" --svg s.svg s.log
count "--svg: a turn per SWITCH and the last one" 5 "$(grep -c 'class="turn"' s.svg)"
count "--svg: a marker per switch" 4 "$(grep -c 'class="switch"' s.svg)"
count "--svg: three switched exits drawn in two pieces (6 exits, 9 pieces)" 9 "$(grep -c 'class="slice"' s.svg)"
count "--svg: turn title (it began ran = 490 ticks before its switch)" 1 "$(grep -c '<title>vm1-vcpu0 holds hart 0: 0.000202 to 0.000251 s (49.00 us)&#10;ended: wait, the hart went to vm0-vcpu0' s.svg)"
count "--svg: switch title" 1 "$(grep -c '<title>switch at 0.000502 s: vm1-vcpu0 -&gt; vm0-vcpu0 (stop), it ran 299.00 us&#10;hgatp 0x8000000000080800 (Sv39x4, VMID 0), G-stage TLB flushed</title>' s.svg)"
count "--svg: legend swatches per vCPU" 2 "$(grep -c 'class="turn-key"' s.svg)"
if python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" s.svg; then
	ok "--svg: well-formed XML"
else
	bad "--svg: not well-formed"
fi

# --- JSON (Chrome / Perfetto trace events) ------------------------------------
run "--json" --json s.json s.log
if python3 - s.json <<'EOF'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev
         if e["ph"] == "M" and e["name"] == "thread_name"}
occ = [k for k, v in names.items() if v == "vCPU on hart 0"]
assert len(occ) == 1, names
assert not any(v.startswith("vCPU on hart 1") for v in names.values()), names
turns = [(e["name"], e["ts"], e["dur"]) for e in ev if e["ph"] == "X" and (e["pid"], e["tid"]) == occ[0]]
assert turns == [("vm0-vcpu0", 101.0, 100.0), ("vm1-vcpu0", 202.0, 49.0),
                 ("vm0-vcpu0", 251.0, 150.0), ("vm1-vcpu0", 401.0, 101.0),
                 ("vm0-vcpu0", 502.0, 1.0)], turns
away = sorted((names[(e["pid"], e["tid"])], e["name"], e["ts"], e["dur"]) for e in ev
              if e["ph"] == "X" and e.get("cat") == "sched" and (e["pid"], e["tid"]) != occ[0])
assert away == [("vm0-vcpu0", "ready (switched out)", 201.0, 50.0),
                ("vm0-vcpu0", "ready (switched out)", 401.0, 101.0),
                ("vm1-vcpu0", "waiting (switched out)", 251.0, 150.0)], away
# On every thread, complete events nest or follow each other (what a
# trace viewer needs to draw them as one track): none overlaps another
# partly.
by = {}
for e in ev:
    if e["ph"] == "X":
        by.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
for k, xs in by.items():
    xs.sort(key=lambda x: (x[0], -x[1]))
    stack = []
    for a, b in xs:
        while stack and stack[-1] <= a + 1e-9:
            stack.pop()
        assert not stack or b <= stack[-1] + 1e-9, (k, a, b, stack)
        stack.append(b)
EOF
then ok "--json: a 'vCPU on hart 0' track with the 5 turns, switched-out slices, proper nesting"
else bad "--json: turns or switched-out slices wrong"; fi

# --- CTF through babeltrace2 ------------------------------------------------
if command -v babeltrace2 >/dev/null 2>&1; then
	run "--ctf" --ctf ctf s.log
	babeltrace2 ctf >bt 2>bt.err
	rc=$?
	if [ $rc = 0 ] && [ ! -s bt.err ]; then ok "babeltrace2 reads the trace, nothing on stderr"; else
		bad "babeltrace2 rc=$rc: $(head -n 3 bt.err)"
	fi
	count "babeltrace2: tv_switch events" 4 "$(grep -c ' tv_switch: ' bt)"
	count "babeltrace2: the first switch's fields" 1 "$(grep -c 'tv_switch: { cpu_id = 0 }, { vm = 0, vcpu = 0, cycle = 201000 }, { next_vm = 1, next_vcpu = 0, reason = ( "slice" : container = 1 ), ran = 1000, hgatp = 0x8000100000080400, vmid = 1, flushed = 0, prev = "vm0-vcpu0", next = "vm1-vcpu0" }' bt)"
	count "babeltrace2: the stop switch" 1 "$(grep -c 'reason = ( "stop" : container = 3 ), ran = 2990, hgatp = 0x8000000000080800, vmid = 0, flushed = 1' bt)"
else
	echo "skip - switch: babeltrace2 missing (scripts/setup.sh test)"
fi

# --- trace.dat through trace-cmd ----------------------------------------------
if command -v trace-cmd >/dev/null 2>&1; then
	run "--trace-dat" --trace-dat s.dat s.log
	trace-cmd report s.dat >rep 2>rep.err
	rc=$?
	if [ $rc = 0 ] && [ ! -s rep.err ]; then ok "trace-cmd report reads it, nothing on stderr"; else
		bad "trace-cmd report rc=$rc: $(head -n 3 rep.err)"
	fi
	sed -n 's/^ *\(vm[0-9]*-vcpu[0-9]*-[0-9]*\) *\[\([0-9]*\)\] *\([0-9.]*\): tv_switch: *\(.*\)$/\1 \2 \3 \4/p' rep >got.dat
	cat >want.dat <<'EOF'
vm0-vcpu0-1 000 0.000201 to vm1-vcpu0 reason=slice ran=100000ns hgatp=0x8000100000080400 (VMID 1) flushed=no
vm1-vcpu0-257 000 0.000251 to vm0-vcpu0 reason=wait ran=49000ns hgatp=0x8000000000080800 (VMID 0) flushed=no
vm0-vcpu0-1 000 0.000401 to vm1-vcpu0 reason=slice ran=150000ns hgatp=0x8000100000080400 (VMID 1) flushed=no
vm1-vcpu0-257 000 0.000502 to vm0-vcpu0 reason=stop ran=299000ns hgatp=0x8000000000080800 (VMID 0) flushed=yes
EOF
	if cmp -s want.dat got.dat; then ok "trace-cmd: the four tracevisor:tv_switch lines"; else
		bad "trace-cmd tv_switch lines differ"
		diff want.dat got.dat | head -n 8 | sed 's/^/    /'
	fi
	# The same switches as sched:sched_switch (printed by trace-cmd's
	# sched_switch plugin: comm:pid [prio] state ==> comm:pid [prio]).
	count "trace-cmd: sched_switch after a slice: R (runnable)" 2 "$(grep -c '^ *vm0-vcpu0-1 *\[000\] *0.000[24]01: sched_switch: *vm0-vcpu0:1 \[120\] R ==> vm1-vcpu0:257 \[120\]$' rep)"
	count "trace-cmd: sched_switch of a waiting vCPU: S" 1 "$(grep -c 'sched_switch: *vm1-vcpu0:257 \[120\] S ==> vm0-vcpu0:1 \[120\]$' rep)"
	count "trace-cmd: sched_switch events, one per SWITCH" 4 "$(grep -c ' sched_switch: ' rep)"
	if command -v kernelshark >/dev/null && command -v xvfb-run >/dev/null; then
		"$WORK/gen_log" shared 40 >ks.log
		"$TV" --trace-dat ks.dat ks.log
		sh "$ROOT/tests/system/kernelshark.sh" ks.dat ks.png >ks 2>&1
		colours=$(sed -n 's/^colours \([0-9]*\) .*/\1/p' ks)
		if [ "${colours:-0}" -ge 50 ] && grep -q "^title Kernel Shark (.*trace.dat)" ks; then
			ok "KernelShark opens the time-shared trace ($colours colours)"
		else
			bad "KernelShark: $(cat ks)"
		fi
	else
		echo "skip - switch: kernelshark or xvfb-run missing (scripts/setup.sh test)"
	fi
else
	echo "skip - switch: trace-cmd missing (scripts/setup.sh test)"
fi

# --- many turns: -s against --csv ---------------------------------------------
"$WORK/gen_log" shared 40 >sh.log
run "gen_log shared: -s" -s sh.log
cp out sh.sum
run "gen_log shared: --csv" --csv sh.csv sh.log
if python3 - sh.csv sh.sum <<'EOF'
import csv, re, sys
# From the CSV alone: per hart in dump order, a SWITCH leaves its vCPU
# (vm, vcpu) and gives the hart to switch_to; the time until that vCPU
# gets the same hart back is steal after a slice switch, wait after a
# wait switch (10 MHz: ticks / 10 = us).
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rows.sort(key=lambda r: (int(r["hart"]), int(r["index"])))
away, steal, wait, out = {}, {}, {}, {}
for r in rows:
    if r["kind"] != "switch":
        continue
    h, t = r["hart"], int(r["time_ticks"])
    me = "vm%s-vcpu%s" % (r["vm"], r["vcpu"])
    if (h, r["switch_to"]) in away:
        why, t0 = away.pop((h, r["switch_to"]))
        d = {"slice": steal, "wait": wait}.get(why)
        if d is not None:
            d[r["switch_to"]] = d.get(r["switch_to"], 0) + t - t0
    away[(h, me)] = (r["switch_reason"], t)
    out[me] = out.get(me, 0) + 1
assert len(out) == 2 and sum(out.values()) == 40, out
got = {}
for line in open(sys.argv[2]):
    f = line.split()
    if f and re.match(r"vm\d+-vcpu\d+$", f[0]) and len(f) == 10:
        got[f[0]] = (int(f[1]), f[6], f[9])
for v in out:
    us = lambda d: "%.2fus" % (d[v] / 10.0) if v in d else "-"
    want = (out[v], us(steal), us(wait))
    assert got.get(v) == want, (v, got.get(v), want)
print(got)
EOF
then ok "gen_log shared: switches, steal and wait time of -s = computed from --csv"
else bad "gen_log shared: -s disagrees with --csv"; fi
run "gen_log shared: --explain -s -r -t --svg --json --html" --explain -s -r -t \
	--svg sh.svg --json sh.json --html sh.html sh.log

# --json --all: a turn that spans two dumps of one boot. Dump 1 ends
# with vm1-vcpu0 on hart 0 (its last turn lasts to the dump's last
# record, 2000); dump 2's first switch ends that same turn, which began
# `ran` ticks earlier (1010, after dump 1's switch at 1000: the switch
# record is written before the incoming state is loaded). The two slices
# once overlapped partly, [1000, 2000] and [1010, 3000], which trace
# viewers cannot draw on one track; dump 2's now starts where dump 1's
# ended.
printf '%s\n' "begin 10000000 1 1" "hart 0" "switch 1000 0 0 1 0 1 500 0 0" \
	"entry 1005 1 0 0x80000000" "exit 2000 1 0 0x80000100 9 0 0 0" "endhart" "end" \
	"begin 10000000 1 2" "hart 0" "switch 3000 1 0 0 0 1 1990 0 0" \
	"entry 3005 0 0 0x80000000" "exit 4000 0 0 0x80000100 9 0 0 0" "endhart" "end" |
	"$WORK/mklog" >span.log
run "--json --all: a turn across two dumps" --all --json span.json span.log
if python3 - span.json <<'EOF'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
turns = sorted((e["ts"], e["ts"] + e["dur"], e["name"]) for e in ev
               if e["ph"] == "X" and e.get("cat") == "sched" and e["tid"] >= 0x7fff0000)
stack = []
for a, b, n in turns:
    while stack and stack[-1] <= a + 1e-9:
        stack.pop()
    assert not stack or b <= stack[-1] + 1e-9, ("partial overlap", turns)
    stack.append(b)
assert [t[2] for t in turns] == ["vm0-vcpu0", "vm1-vcpu0", "vm1-vcpu0", "vm0-vcpu0"], turns
assert turns[1][1] == turns[2][0] == 200.0, turns
EOF
then ok "--json --all: the turn across two dumps is two slices end to end"
else bad "--json --all: turns of two dumps overlap"; fi

finish
