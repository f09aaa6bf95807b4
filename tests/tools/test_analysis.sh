#!/bin/sh
# Tests of tvtrace's analyses on synthetic logs with hand-checkable numbers:
# the filters (--hart, --vcpu, --from/--to, --reason) on every view,
# --diff, --explain, --svg and --histogram.
#
# The logs are written by tests/tools/mklog.c (the real encoder) from the
# descriptions below. Times are ticks of a 10 MHz timebase: 2000 ticks =
# 0.000200 s, 10 ticks = 1.00 us.
#
# Run from anywhere: sh tests/tools/test_analysis.sh
# Environment: CC (default cc); TVTRACE=path to test a prebuilt binary.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed".
set -u

NAME=analysis
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# --- build ------------------------------------------------------------------
# Checks run the -O2 build (or TVTRACE); the sanitizer checks at the end
# the ASan+UBSan build, when the compiler can make it.
tvtrace_under_test opt
TVSAN=$WORK/tvtrace-san
try_tvtrace_san "$TVSAN" || TVSAN=
build_log_makers mklog
MKLOG=$WORK/mklog

# --- helpers ----------------------------------------------------------------

# run NAME RC ARGS... : tvtrace ARGS, stdout -> $WORK/out, stderr -> $WORK/err.
run() {
	name=$1
	want=$2
	shift 2
	"$TV" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name: exit status $want"; else
		bad "$name: exit status $rc, want $want"
		sed 's/^/    stderr: /' "$WORK/err" | head -n 5
	fi
}

# same NAME FILE : $WORK/out (without its "# dump" header) equals FILE.
same() {
	grep -v '^# dump' "$WORK/out" >"$WORK/body"
	if cmp -s "$2" "$WORK/body"; then ok "$1"; else
		bad "$1: output differs"
		diff "$2" "$WORK/body" | head -n 20 | sed 's/^/    /'
	fi
}

# has NAME FILE TEXT : FILE contains the fixed string TEXT.
has() {
	if grep -F -q -- "$3" "$2"; then ok "$1"; else
		bad "$1: $(basename "$2") lacks: $3"
	fi
}

# count NAME WANT GOT
count() {
	if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: $3, want $2"; fi
}

# --- the logs ---------------------------------------------------------------

# Run A, two harts:
#   hart 0: ECALL_VS (handling 10 ticks = 1.00us), LOAD_GPF on the UART's
#           LSR emulated (30 = 3.00us), IRQ_S_TIMER injected as VSTIP
#           (20 = 2.00us), WFI as a virtual instruction (100 = 10.00us)
#   hart 1: ECALL_VS DBCN write_byte (30 = 3.00us), LOAD_GPF outside the
#           guest's map, a load access fault injected (40 = 4.00us)
cat >"$WORK/a.txt" <<'EOF'
text OpenSBI v1.2
begin 10000000 2
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 10
sbi 2005 0 0 0x1000000003 0x10 0 0 0 1
entry 2010 0 0 0x80000104
exit+insn 3000 0 0 0x80000200 21 0x40000005 0x4000001 0 0x0057c783
mmio 3010 0 0 0x10000005 0x60 0xf0001 0x0057c783 1
entry 3030 0 0 0x80000204
exit 4000 0 0 0x80000300 0x8000000000000005
irq 4010 0 0 0x8000000000000006 0x40 1
entry 4020 0 0 0x80000300 0x40
exit 5000 0 0 0x80000400 22 0x10500073
entry 5100 0 0 0x80000404
endhart
hart 1
entry 1500 0 1 0x80000000
exit 2500 0 1 0x80000600 10
sbi 2510 0 1 0x4442434e00000002 0x41 0 0 0 0
entry 2530 0 1 0x80000604
exit+insn 3500 0 1 0x80000700 21 0x80000000 0x20000000 0 0x00043a83
exc 3520 0 1 5 0x80000000 0x80000700 0x80000040
entry 3540 0 1 0x80000040
endhart
end
text guest: done
EOF
# Run B: hart 0's ECALL now takes 15 ticks and comes twice more slowly
# (15 + 25), the WFI is gone, a breakpoint (5 ticks) is new; hart 1 as in A.
cat >"$WORK/b.txt" <<'EOF'
begin 10000000 2
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 10
sbi 2005 0 0 0x1000000003 0x10 0 0 0 1
entry 2015 0 0 0x80000104
exit 2500 0 0 0x80000100 10
sbi 2505 0 0 0x1000000003 0x10 0 0 0 1
entry 2525 0 0 0x80000104
exit+insn 3000 0 0 0x80000200 21 0x40000005 0x4000001 0 0x0057c783
mmio 3010 0 0 0x10000005 0x60 0xf0001 0x0057c783 1
entry 3030 0 0 0x80000204
exit 4000 0 0 0x80000300 0x8000000000000005
irq 4010 0 0 0x8000000000000006 0x40 1
entry 4020 0 0 0x80000300 0x40
exit 6000 0 0 0x80000500 3
exc 6002 0 0 3 0 0x80000500 0x80000040
entry 6005 0 0 0x80000040
endhart
hart 1
entry 1500 0 1 0x80000000
exit 2500 0 1 0x80000600 10
sbi 2510 0 1 0x4442434e00000002 0x41 0 0 0 0
entry 2530 0 1 0x80000604
exit+insn 3500 0 1 0x80000700 21 0x80000000 0x20000000 0 0x00043a83
exc 3520 0 1 5 0x80000000 0x80000700 0x80000040
entry 3540 0 1 0x80000040
endhart
end
EOF
"$MKLOG" <"$WORK/a.txt" >"$WORK/a.log" || bad "mklog a"
"$MKLOG" <"$WORK/b.txt" >"$WORK/b.log" || bad "mklog b"
cd "$WORK" || exit 2

# --- filters: records and text ----------------------------------------------

cat >want.hart1 <<'EOF'
    0.000150 [001] vm0-vcpu1 entry   pc=0x0000000080000000
    0.000250 [001] vm0-vcpu1 exit    environment call from VS-mode (ECALL_VS) sepc=0x0000000080000600
    0.000251 [001] vm0-vcpu1 sbi     DBCN.debug_console_write_byte(0x41, 0x0, 0x0) -> SBI_SUCCESS, value 0x0
    0.000253 [001] vm0-vcpu1 entry   pc=0x0000000080000604
    0.000350 [001] vm0-vcpu1 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080000700 gpa=0x80000000 stval=0x80000000 insn="ld s5, 0(s0)" (0x00043a83)
    0.000352 [001] vm0-vcpu1 exc     inject load access fault (LOAD_ACCESS) tval=0x80000000 epc=0x0000000080000700 vstvec=0x0000000080000040
    0.000354 [001] vm0-vcpu1 entry   pc=0x0000000080000040
EOF
run "--hart 1" 0 --hart 1 a.log
same "--hart 1 records" want.hart1
run "--vcpu 0.1" 0 --vcpu 0.1 a.log
same "--vcpu 0.1 records" want.hart1
run "--vcpu 1 (any VM)" 0 --vcpu=1 -r a.log
same "--vcpu 1 records" want.hart1
run "--hart 0 --hart 1" 0 --hart 0 --hart 1 a.log
count "two --hart values: every record" 19 "$(grep -vc '^# dump' out)"
run "--hart 1 --vcpu 0.0" 0 --hart 1 --vcpu 0.0 a.log
count "--hart and --vcpu both apply" 0 "$(grep -vc '^# dump' out)"

# --reason: the exits with the records of their handling.
cat >want.gpf <<'EOF'
    0.000300 [000] vm0-vcpu0 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080000200 gpa=0x10000005 stval=0x40000005 insn="lbu a5, 5(a5)" (0x0057c783)
    0.000301 [000] vm0-vcpu0 mmio    read 1 byte gpa=0x10000005 -> 0x60 (a5) insn="lbu a5, 5(a5)" (0x0057c783) device 1
    0.000303 [000] vm0-vcpu0 entry   pc=0x0000000080000204
    0.000350 [001] vm0-vcpu1 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080000700 gpa=0x80000000 stval=0x80000000 insn="ld s5, 0(s0)" (0x00043a83)
    0.000352 [001] vm0-vcpu1 exc     inject load access fault (LOAD_ACCESS) tval=0x80000000 epc=0x0000000080000700 vstvec=0x0000000080000040
    0.000354 [001] vm0-vcpu1 entry   pc=0x0000000080000040
EOF
run "--reason LOAD_GPF" 0 --reason LOAD_GPF a.log
same "--reason LOAD_GPF records" want.gpf
run "--reason load_gpf" 0 --reason load_gpf a.log
same "--reason is case-insensitive" want.gpf
run "--reason 21" 0 --reason 21 a.log
same "--reason by number" want.gpf
cat >want.timer <<'EOF'
    0.000400 [000] vm0-vcpu0 exit    supervisor timer interrupt (IRQ_S_TIMER) sepc=0x0000000080000300
    0.000401 [000] vm0-vcpu0 irq     raise virtual supervisor timer interrupt (IRQ_VS_TIMER) hvip=0x40
    0.000402 [000] vm0-vcpu0 entry   pc=0x0000000080000300 hvip=0x40
EOF
run "--reason interrupt number" 0 --reason 0x8000000000000005 a.log
same "--reason 0x8000000000000005 records" want.timer
run "--reason IRQ_S_TIMER" 0 --reason IRQ_S_TIMER a.log
same "--reason IRQ_S_TIMER records" want.timer
run "--reason 5 is not the timer" 0 --reason 5 a.log
count "--reason 5 (load access fault exits)" 0 "$(grep -vc '^# dump' out)"
run "two --reason values" 0 --reason VIRT_INSN --reason ECALL_VS a.log
count "two --reason values: records" 8 "$(grep -vc '^# dump' out)"

# --from/--to: records from tick 3000 to tick 4000, both included.
cat >want.window <<'EOF'
    0.000300 [000] vm0-vcpu0 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080000200 gpa=0x10000005 stval=0x40000005 insn="lbu a5, 5(a5)" (0x0057c783)
    0.000301 [000] vm0-vcpu0 mmio    read 1 byte gpa=0x10000005 -> 0x60 (a5) insn="lbu a5, 5(a5)" (0x0057c783) device 1
    0.000303 [000] vm0-vcpu0 entry   pc=0x0000000080000204
    0.000350 [001] vm0-vcpu1 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080000700 gpa=0x80000000 stval=0x80000000 insn="ld s5, 0(s0)" (0x00043a83)
    0.000352 [001] vm0-vcpu1 exc     inject load access fault (LOAD_ACCESS) tval=0x80000000 epc=0x0000000080000700 vstvec=0x0000000080000040
    0.000354 [001] vm0-vcpu1 entry   pc=0x0000000080000040
    0.000400 [000] vm0-vcpu0 exit    supervisor timer interrupt (IRQ_S_TIMER) sepc=0x0000000080000300
EOF
run "--from --to" 0 --from 0.0003 --to 0.0004 a.log
same "--from 0.0003 --to 0.0004 records" want.window
run "--from --to (one tick less)" 0 --from 0.00030001 --to 0.00039999 a.log
count "--from rounds up, --to rounds down" 5 "$(grep -vc '^# dump' out)"

# Times print cut off at microseconds: --to with up to six decimals keeps
# what prints as that time (the exit at tick 2000 and the SBI record at
# tick 2005, both "0.000200").
run "--to covers its microsecond" 0 --from 0.0002 --to 0.0002 a.log
count "--from 0.0002 --to 0.0002: records printed as 0.000200" 2 "$(grep -c '^    0.000200 ' out)"
count "--from 0.0002 --to 0.0002: nothing else" 2 "$(grep -vc '^# dump' out)"

run "--text --hart 1" 0 --text --hart 1 a.log
count "--text --hart 1 lines" 7 "$(grep -c '^vm0-vcpu1 \[001\]' out)"
count "--text --hart 1: no other hart" 0 "$(grep -c '\[000\]' out)"

# --- filters: summary -------------------------------------------------------

run "summary --reason ECALL_VS" 0 -s --reason ECALL_VS a.log
has "summary --reason: one row" out "        ECALL_VS          2   100.00%   100.00%       1.00us       3.00us       2.00us     100.00us  environment call from VS-mode"
has "summary --reason: total" out "Total: 6 events, 2 exits, handling time 4.00us, guest run time 200.00us"
run "summary window" 0 -s --from 0.0003 --to 0.0004 a.log
has "summary window: LOAD_GPF" out "        LOAD_GPF          2    66.67%    77.78%       3.00us       4.00us       3.50us      98.00us  load guest-page fault"
has "summary window: total" out "           Total          3   100.00%   100.00%       2.00us       4.00us       3.00us      97.67us"
run "summary --hart 1" 0 -s --hart 1 a.log
count "summary --hart 1: sections all, hart 1, vm0-vcpu1" 3 "$(grep -c '^Analyze events' out)"
has "summary --hart 1: its loss line only" out "  hart 1: ring offered 7, consumed 7, lost 0; LOST records: 0"
count "summary --hart 1: no hart 0 line" 0 "$(grep -c '  hart 0:' out)"

# --- filters: usage errors --------------------------------------------------

run "--hart abc" 2 --hart abc a.log
has "--hart abc message" err "--hart: bad value 'abc'"
run "--reason NOPE" 2 --reason NOPE a.log
has "--reason NOPE message" err "--reason: bad value 'NOPE'"
run "--from after --to" 2 --from 0.5 --to 0.1 a.log
has "--from after --to message" err "--from is after --to"
run "--vcpu 1.x" 2 --vcpu 1.x a.log
run "--from -1" 2 --from -1 a.log
run "--to without a value" 2 a.log --to
has "--to without a value message" err "option --to needs a value"

# --- --diff -----------------------------------------------------------------

# Derived by hand from the logs above: ECALL_VS A 1+3 = 4.00us in 2 exits,
# B 1.5+2.5+3 = 7.00us in 3; LOAD_GPF 3+4 in both; IRQ_S_TIMER 2 in both;
# WFI (10.00us) only in A, BREAKPOINT (0.50us) only in B; totals A 23.00us
# in 6 exits (avg 3.83us), B 16.50us in 7 (avg 2.36us).
cat >want.diff <<'EOF'
# A: a.log: dump 1: id 0x0000000000000001, guest shutdown, 2 harts, timebase 10000000 Hz, 256-slot rings (overwrite), 19 events, line 2, complete
# B: b.log: dump 1: id 0x0000000000000001, guest shutdown, 2 harts, timebase 10000000 Hz, 256-slot rings (overwrite), 23 events, line 1, complete

Exit reasons, A -> B (handling time: exit to the next entry):

         VM-EXIT Samples A Samples B         Change       Avg A       Avg B         Avg change      Total A      Total B         Total change  Description
        ECALL_VS         2         3    +1 (+50.0%)      2.00us      2.33us   +0.33us (+16.7%)       4.00us       7.00us     +3.00us (+75.0%)  environment call from VS-mode
        LOAD_GPF         2         2     +0 (+0.0%)      3.50us      3.50us    +0.00us (+0.0%)       7.00us       7.00us      +0.00us (+0.0%)  load guest-page fault
      BREAKPOINT         -         1             +1           -      0.50us                  -            -       0.50us                    -  breakpoint [new in B]
       VIRT_INSN         1         -   -1 (-100.0%)     10.00us           -                  -      10.00us            -                    -  virtual instruction [vanished in B]
     IRQ_S_TIMER         1         1     +0 (+0.0%)      2.00us      2.00us    +0.00us (+0.0%)       2.00us       2.00us      +0.00us (+0.0%)  supervisor timer interrupt
           Total         6         7    +1 (+16.7%)      3.83us      2.36us   -1.48us (-38.5%)      23.00us      16.50us     -6.50us (-28.3%)
EOF
run "--diff" 0 --diff a.log b.log
if cmp -s want.diff out; then ok "--diff table"; else
	bad "--diff table differs"
	diff want.diff out | head -n 20 | sed 's/^/    /'
fi
run "--diff same run" 0 --diff a.log a.log
count "--diff same run: nothing new or vanished" 0 "$(grep -c 'new in B\|vanished in B' out)"
has "--diff same run: no change" out "           Total         6         6     +0 (+0.0%)      3.83us      3.83us    +0.00us (+0.0%)      23.00us      23.00us      +0.00us (+0.0%)"
run "--diff --hart 1" 0 --diff --hart 1 a.log b.log
has "--diff --hart 1: filter named" out "# filter: hart 1"
has "--diff --hart 1: total" out "           Total         2         2     +0 (+0.0%)      3.50us      3.50us    +0.00us (+0.0%)       7.00us       7.00us      +0.00us (+0.0%)"
run "--diff one log" 2 --diff a.log
has "--diff one log message" err "--diff needs two logs"
run "--diff missing log" 2 --diff a.log does-not-exist.log
sed '5d' b.log >b-damaged.log
run "--diff damaged log" 1 --diff a.log b-damaged.log

# --- --explain ----------------------------------------------------------------

run "--explain" 0 --explain a.log
has "explain ecall" out "    0.000200 [000] vm0-vcpu0 exit    environment call from VS-mode: the guest executed ecall to ask the hypervisor for SBI service BASE.probe_extension (a7 = EID 0x10, a6 = FID 3); the hypervisor answered SBI_SUCCESS, value 0x1 in a0/a1 and resumed at sepc+4."
has "explain ecall spec" out "(RISC-V privileged spec, hypervisor chapter: \"Trap Cause Codes\" (cause 10); SBI spec: \"Base Extension (EID #0x10)\")"
has "explain UART read" out "load guest-page fault: the guest's load from VA 0x40000005 (GPA 0x10000005) hit no G-stage mapping; the hypervisor emulated a read of the UART's line-status register (LSR) and resumed at sepc+4."
has "explain UART read spec" out "\"Two-Stage Address Translation\", \"Guest-Page Faults\", \"Hypervisor Trap Value (htval) Register\" (GPA = htval << 2 | stval & 3)"
has "explain mmio record" out "emulated \`lbu a5, 5(a5)\`: read 1 byte at GPA 0x10000005, the UART's line-status register (LSR): 0x60 into a5 (THRE: ready to take a byte, no received byte)"
has "explain access fault" out "load guest-page fault: the guest's load from VA 0x80000000 (GPA 0x80000000) hit no G-stage mapping; no emulated device is there (the address is outside guest RAM and the device map), so the hypervisor injected a load access fault into the guest and resumed the guest at its trap vector (vstvec 0x80000040)."
has "explain exc record" out "injected load access fault into the guest as the hardware would deliver it: vsepc = 0x80000700 (the faulting pc), vscause = 5, vstval = 0x80000000"
has "explain timer" out "supervisor timer interrupt: the hypervisor's own timer, armed for the guest's deadline, fired while the guest ran (HS-level interrupts are always enabled when V=1); the hypervisor injected a virtual supervisor timer interrupt by setting hvip.VSTIP (hvip = 0x40) and resumed at sepc (the interrupted instruction)"
has "explain wfi" out "virtual instruction: the guest executed wfi while hstatus.VTW=1, so the hart raised a virtual-instruction exception instead of waiting; the hypervisor waited for an interrupt on the guest's behalf (10.00 us) and resumed at sepc+4."
has "explain wfi spec" out "\"Hypervisor Status (hstatus) Register\" (VTW), \"Trap Cause Codes\" (virtual instruction, cause 22)"
has "explain entry" out "    0.000303 [000] vm0-vcpu0 entry   back to the guest with sret at 0x80000204 = sepc+4, past the \`lbu a5, 5(a5)\`"
has "explain dbcn" out "SBI call DBCN.debug_console_write_byte(0x41, 0x0, 0x0) -> SBI_SUCCESS: printed 'A' on the console"
run "--explain --reason VIRT_INSN" 0 --explain --reason VIRT_INSN a.log
count "--explain --reason: exit, spec line, entry" 3 "$(grep -vc '^# dump' out)"
# The guest machine's other devices (include/tracevisor/guest_map.h): a
# PLIC claim and a write to the test finisher, as a virt guest does them.
cat >"$WORK/dev.txt" <<'EOF'
begin 10000000 1
hart 0
entry 1000 0 0 0x80000000
exit+insn 2000 0 0 0x80000100 13 0x0c201004 0x3080401 0 0x0047a783
mmio 2010 0 0 0x0c201004 0xa 0x40f0004 0x0047a783 2
entry 2020 0 0 0x80000104
exit+insn 3000 0 0 0x80000200 23 0x00100000 0x40000 0 0x00f72023
mmio 3010 0 0 0x00100000 0x5555 0x0f0104 0x00f72023 3
entry 3020 0 0 0x80000204
endhart
end
EOF
"$MKLOG" <"$WORK/dev.txt" >"$WORK/dev.log" || bad "mklog dev"
run "--explain: the PLIC and the finisher" 0 --explain dev.log
has "explain PLIC claim" out "read 4 bytes at GPA 0xc201004, the PLIC's claim register of context 1: 0xa"
has "explain finisher" out "at GPA 0x100000, the test finisher (a write of 0x5555 passes, 0x3333 fails, 0x7777 resets)"


# --- --svg and --histogram ----------------------------------------------------

# check_svg NAME FILE : well-formed XML, an SVG 1.1 root, only the elements
# the tool uses (all in SVG 1.1's basic shapes, text, structure modules).
check_svg() {
	if python3 - "$2" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
assert root.get("version") == "1.1"
assert float(root.get("width")) > 0 and float(root.get("height")) > 0
allowed = {"svg", "g", "rect", "line", "path", "text", "title"}
for e in root.iter():
    assert e.tag.startswith(ns) and e.tag[len(ns):] in allowed, e.tag
EOF
	then ok "$1: SVG 1.1 document"; else bad "$1: not a well-formed SVG 1.1 document"; fi
}

run "--svg" 0 --svg t.svg a.log
count "--svg writes nothing to stdout" 0 "$(wc -c <out | tr -d ' ')"
check_svg "--svg" t.svg
count "--svg lanes (one per hart)" 2 "$(grep -c '<g class="lane"' t.svg)"
count "--svg slices (one per exit)" 6 "$(grep -c 'class="slice"' t.svg)"
has "--svg slice title" t.svg "<title>LOAD_GPF: load guest-page fault&#10;sepc 0x0000000080000200&#10;handling 3.00 us (0.000300 to 0.000303 s)&#10;hart 0, vm0-vcpu0</title>"
has "--svg legend" t.svg "ECALL_VS: environment call from VS-mode (2 exits, 4.00 us)"
has "--svg axis unit" t.svg ">time (us)</text>"
run "--svg window" 0 --svg w.svg --from 0.0003 --to 0.0004 a.log
count "--svg window slices = exits in the window" 3 "$(grep -c 'class="slice"' w.svg)"
run "--svg --reason" 0 --svg r.svg --reason LOAD_GPF a.log
count "--svg --reason slices" 2 "$(grep -c 'class="slice"' r.svg)"
run "--svg --hart 1" 0 --svg h1.svg --hart 1 a.log
count "--svg --hart 1 lanes" 1 "$(grep -c '<g class="lane"' h1.svg)"
run "--svg -" 0 --svg - a.log
count "--svg - writes the SVG to stdout" 6 "$(grep -c 'class="slice"' out)"
run "--histogram" 0 --histogram hg.svg a.log
check_svg "--histogram" hg.svg
count "--histogram bars (two per reason)" 8 "$(grep -c 'class="bar"' hg.svg)"
has "--histogram count label" hg.svg ">2 (33.3%)</text>"
has "--histogram time label" hg.svg ">10.00 us (43.5%), avg 10.00 us</text>"
cat a.log b.log >ab.log
run "--all --svg" 0 --all --svg all.svg --histogram allh.svg ab.log
count "--all --svg: a file per dump" 4 "$(for f in all-1.svg all-2.svg allh-1.svg allh-2.svg; do [ -f "$f" ] && echo "$f"; done | wc -l | tr -d ' ')"
count "--all --svg: dump 2's slices" 7 "$(grep -c 'class="slice"' all-2.svg 2>/dev/null)"
# Lost records: where a hart's records were lost its lane shows a span
# "not recorded", not the empty background of a hart that did nothing.
# Hart 0 loses 5 records between its entry at 2010 and its exit at 3000;
# hart 1's ring lost 7 older than its first record (1500), so its span
# starts at the window's start (1000). The window, 1000..3010 ticks, is
# 1046 px wide from x = 118 (svg.c: TL_LEFT, TL_W - TL_LEFT - TL_RIGHT).
cat >"$WORK/lost.txt" <<'EOF'
begin 10000000 2
hart 0
entry 1000 0 0 0x80000000
exit 2000 0 0 0x80000100 10
sbi 2005 0 0 0x1000000003 0x10 0 0 0 1
entry 2010 0 0 0x80000104
lost 5
exit 3000 0 0 0x80000200 10
sbi 3005 0 0 0x1000000003 0x10 0 0 0 1
entry 3010 0 0 0x80000204
endhart
hart 1
lost 7
entry 1500 0 1 0x80000000
exit 2500 0 1 0x80000600 10
sbi 2510 0 1 0x1000000003 0x10 0 0 0 1
entry 2530 0 1 0x80000604
endhart
end
EOF
"$MKLOG" <"$WORK/lost.txt" >"$WORK/lost.log" || bad "mklog lost"
run "--svg with records lost" 0 --svg lost.svg lost.log
check_svg "--svg with records lost" lost.svg
spans=$(python3 - "$WORK/lost.svg" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
got = []
for r in ET.parse(sys.argv[1]).getroot().iter(ns + "rect"):
    if r.get("class") == "lost-span":
        x0 = float(r.get("x"))
        got.append("%.1f-%.1f" % (x0, x0 + float(r.get("width"))))
print(" ".join(got))
EOF
)
want=$(awk 'function x(t) { return 118 + (t - 1000) / (3010 - 1000) * 1046 }
	BEGIN { printf "%.1f-%.1f %.1f-%.1f\n", x(2010), x(3000), x(1000), x(1500) }')
count "--svg: a span per loss, from the hart's record before (or the window's start) to its record after" "$want" "$spans"
has "--svg: the span's title says what is missing" lost.svg "not recorded, 0.000201 to 0.000300 s: 5 records lost"
has "--svg: a ring's older records lost: from the window's start" lost.svg "not recorded, 0.000100 to 0.000150 s: 7 records lost"
has "--svg: the legend says what the span is" lost.svg "Not recorded: the hart ran"
count "--svg: no span where nothing was lost" 0 "$(grep -c 'class="lost-span"' t.svg)"
# --json --all on a log of two boots (ab.log: both dumps have id 1, so
# the second restarts): in the trace-event format a thread's complete
# events must nest, and a later boot's time starts again near 0, so
# boot 2 (records from 1000 ticks = 100 us) is moved by 411 us, to 1 us
# after boot 1's last record (5100 ticks = 510 us): its first exit (the
# first event with a dump argument, 2000 ticks = 200 us) at 611 us.
run "--json --all, two boots" 0 --all --json ab.json ab.log
has "--json --all, two boots: stderr says by how much boot 2 moved" err "dump 2 begins a later boot (its dump id restarts at 1); its events and the later ones are written 0.000411000 s later"
nest=$(python3 - "$WORK/ab.json" <<'EOF'
import sys, json, decimal, collections
ev = json.load(open(sys.argv[1]), parse_float=decimal.Decimal)["traceEvents"]
by = collections.defaultdict(list)
for e in ev:
    if e["ph"] == "X":
        by[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"]))
bad = 0
for spans in by.values():
    spans.sort(key=lambda s: (s[0], -s[1]))
    stack = []
    for a, b in spans:
        while stack and stack[-1] <= a:
            stack.pop()
        bad += bool(stack and b > stack[-1])
        stack.append(b)
first2 = min(e["ts"] for e in ev if e["ph"] != "M" and e["args"].get("dump") == 2) \
    if any(e.get("args", {}).get("dump") == 2 for e in ev) else None
print(bad, first2)
EOF
)
count "--json --all, two boots: every thread's slices nest (overlaps, boot 2's first exit)" "0 611.000" "$nest"
run "--svg unwritable" 2 --svg "$WORK/no/such/dir/t.svg" a.log
has "--svg unwritable message" err "cannot write"

# --- sanitizers ---------------------------------------------------------------

if [ -n "$TVSAN" ]; then
	for args in "--explain -s -r -t" "--explain --reason LOAD_GPF -s" \
		"--from 0.0002 --to 0.00035 -s --explain --svg /dev/null --histogram /dev/null" \
		"--hart 1 --vcpu 0.1 --svg /dev/null --histogram /dev/null"; do
		# shellcheck disable=SC2086
		"$TVSAN" $args ab.log --all >/dev/null 2>san.err
		rc=$?
		if [ "$rc" -le 1 ] && ! grep -q -e Sanitizer -e "runtime error" san.err; then
			ok "sanitizers: $args"
		else
			bad "sanitizers: $args: status $rc"
			head -n 5 san.err
		fi
	done
	"$TVSAN" --diff a.log b-damaged.log >/dev/null 2>san.err
	if ! grep -q -e Sanitizer -e "runtime error" san.err; then ok "sanitizers: --diff"; else
		bad "sanitizers: --diff"
	fi
else
	echo "skip - analysis: sanitizers: no sanitizer build"
fi

finish
