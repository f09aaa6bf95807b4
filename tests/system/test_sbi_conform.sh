#!/bin/bash
# The SBI conformance guest (guest/sbi_conform, docs/sbi-conformance.md)
# on 2 vCPUs: every function of every extension the hypervisor offers,
# called with edge values through a harness that also checks every
# register that is not an output. Asserted here: every check line is ok;
# each suite ran exactly as many checks as its table file has rows; the
# run ended with the guest's SRST shutdown whose 32-bit parameters had
# garbage in their upper halves (QEMU exit status 0); and the trace holds,
# after each check's mark, the SBI record of that very call (EID, FID, a0,
# error).
source "$(dirname "$0")/lib.sh"

CONF="$ROOT/guest/sbi_conform"

boot sbi-conform --smp 2 --append "tv.guest=sbi_conform tv.vcpus=2 tv.ring=16384"
status_is "sbi-conform: QEMU exits 0 (SRST shutdown, reason 0 in the low 32 bits)" 0

# Rows of a table file: each starts a line with one tab and "{ .func" or
# an upper-case row macro, between "..._cases[] = {" and "};".
rows_in() {
	awk '/_cases\[\] = \{/ { on = 1; next } on && /^};/ { on = 0 }
		on && /^\t(\{ \.func|[A-Z_]+\()/ { n++ } END { print n + 0 }' "$1"
}

total=0
for f in "$CONF"/ext_*.c; do
	ext=$(sed -n 's/.*\.ext = "\([A-Z]*\)".*/\1/p' "$f")
	n=$(rows_in "$f")
	total=$((total + n))
	has "sbi-conform: suite $ext ran its $n table rows, none failed" \
		"^sbi-conform: suite $ext: $n checks, 0 failed$"
	got=$(grep -c "^sbi-conform: ok $ext\." "$LOG")
	check "sbi-conform: $ext: $n ok lines (got $got)" test "$got" = "$n"
done
check "sbi-conform: at least 320 checks in the tables (have $total)" test "$total" -ge 320
has "sbi-conform: summary: $total checks, all passed, no suite skipped" \
	"^sbi-conform: $total checks, $total passed, 0 failed, 0 suites skipped$"
hasnt "sbi-conform: no check failed" "^sbi-conform: FAIL"
# DBCN rows write and read a buffer to the end of RAM: the hypervisor
# checks the whole range but moves 4 KiB at most, and guest RAM is made
# ready (zeroed) at its first touch: what it never moves it must not touch
# (it once made every block of the range ready, all of RAM, in one exit).
blocks=$(sed -n 's/^tracevisor: guest RAM: \([0-9]*\) of \([0-9]*\) 2 MiB blocks touched.*/\1 \2/p' "$LOG" | head -n 1)
check "sbi-conform: DBCN touched only the RAM it moved (blocks touched, of all: ${blocks:-none})" \
	test -n "$blocks" -a "${blocks% *}" -le 4 -a "${blocks% *}" -lt "${blocks#* }"
has "sbi-conform: the guest ends with SRST, upper halves of type and reason set" \
	"^sbi-conform: SRST.system_reset shutdown type=0xffffffff00000000 reason=0xabcd000000000000 "
has "sbi-conform: the hypervisor took it as a shutdown with reason 0" \
	"guest stopped \(shutdown, reason 0\)"

CSV="$LOGDIR/sbi-conform.csv"
"$TVTRACE" --all --csv - "$LOG" >"$CSV" 2>/dev/null

# Each "record=next" check line names its mark, a7, a6 and a0 (which
# the record of a function without arguments does not hold: its CSV
# arg1-arg3 are empty); after the
# mark call's own record, the next SBI record of vCPU 0 must be that call, answered with the
# error the guest saw (trace_record.h: arg0 = EID << 32 | FID, the call
# as dispatched: the low 32 bits of a7 and a6, whatever bits the guest
# set above them).
check "sbi-conform: the trace holds every checked call with its EID, FID, a0 and error" \
	python3 - "$LOG" "$CSV" <<'EOF'
import csv, re, sys
names = {0: "SBI_SUCCESS", -1: "SBI_ERR_FAILED", -2: "SBI_ERR_NOT_SUPPORTED",
         -3: "SBI_ERR_INVALID_PARAM", -4: "SBI_ERR_DENIED", -5: "SBI_ERR_INVALID_ADDRESS",
         -6: "SBI_ERR_ALREADY_AVAILABLE", -7: "SBI_ERR_ALREADY_STARTED",
         -8: "SBI_ERR_ALREADY_STOPPED", -9: "SBI_ERR_NO_SHMEM", -14: "SBI_ERR_DENIED_LOCKED"}
line_re = re.compile(r"^sbi-conform: ok (\S+) .*: got error=(-?\d+) .*\[mark=(0x[0-9a-f]+) "
                     r"a7=(0x[0-9a-f]+|0) a6=(0x[0-9a-f]+|0) a0=(0x[0-9a-f]+|0) record=next\]$")
checks = []
for l in open(sys.argv[1], errors="replace"):
    m = line_re.match(l.rstrip("\n"))
    if m:
        checks.append((m.group(1), int(m.group(2)), *(int(m.group(i), 16) for i in range(3, 7))))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["vcpu"] == "0"]
after = {}
for i, r in enumerate(rows):
    if r["kind"] == "mark":
        after[int(r["arg0"], 16)] = i
bad = 0
for name, err, mark, a7, a6, a0 in checks:
    i = after.get(mark)
    # the mark's own call first, then the call under test
    sbis = [r for r in rows[i + 1:i + 40] if r["kind"] == "sbi"] if i is not None else []
    own = len(sbis) > 0 and sbis[0]["sbi_fid"] == "trace_mark" and int(sbis[0]["arg1"], 16) == mark
    rec = sbis[1] if own and len(sbis) > 1 else None
    if rec is None:
        print(f"{name}: no SBI record after mark {mark:#x}"); bad += 1; continue
    want0 = ((a7 & 0xFFFFFFFF) << 32) | (a6 & 0xFFFFFFFF)
    # a0 as the guest passed it, or none recorded for a function that
    # takes none: BASE's constant calls (get_spec_version, get_impl_id,
    # get_impl_version), a7 and a6 as dispatched, bits 63:32 clear
    noargs = rec["arg1"] == "" and a7 == 0x10 and a6 <= 2
    ok = (int(rec["arg0"], 16) == want0 and (noargs or int(rec["arg1"] or "-1", 16) == a0) and
          rec["sbi_error"] in (names.get(err, "?"), str(err)))
    if not ok:
        print(f"{name} mark {mark:#x}: record {rec}"); bad += 1
print(f"{len(checks)} calls checked in the trace, {bad} wrong")
sys.exit(1 if bad or len(checks) < 150 else 0)
EOF
# The calls that leave through another door: hart_stop (on vCPU 1), the
# non-retentive suspends and the system suspend (resume elsewhere,
# recorded as they go), and
# the final SRST shutdown (recorded before it acts).
check "sbi-conform: vCPU 1's hart_stop is in the trace" \
	awk -F, '$4 == 1 && $5 == "sbi" && $16 == "HSM" && $17 == "hart_stop" && $18 == "SBI_SUCCESS" { f = 1 } END { exit !f }' "$CSV"
check "sbi-conform: non-retentive suspend 0x80000000 and 0x1_80000000 recorded as resumed" \
	bash -c "grep -q ',HSM,hart_suspend,SBI_SUCCESS,.*,0x80000000,' '$CSV' &&
		grep -q ',HSM,hart_suspend,SBI_SUCCESS,.*,0x180000000,' '$CSV'"
check "sbi-conform: SUSP system_suspend (type 0xFFFFFFFF_00000000) recorded as succeeded" \
	grep -q ',SUSP,system_suspend,SBI_SUCCESS,.*,0xffffffff00000000,' "$CSV"
has "sbi-conform: the hypervisor suspended the VM and the guest's timer woke it" \
	"vCPU 0: system suspend to RAM; woken by its timer after [0-9]+ us"
check "sbi-conform: the final SRST record: type and reason whole, SBI_SUCCESS" \
	grep -q ',SRST,system_reset,SBI_SUCCESS,0x0,.*,0xffffffff00000000,0xabcd000000000000,' "$CSV"
# set_timer "must clear the pending timer interrupt bit" ("Timer
# Extension"), and the guest's handler and several checks clear it so;
# the trace must show it lowered before the hypervisor raises it again
# (with Sstc offered it is raised through vstimecmp, and set_timer's
# lowering of that went unrecorded).
check "sbi-conform: trace: each vCPU's timer interrupt the trace raises is lowered before it is raised again" \
	bash -c "'$TVTRACE' -r '$LOG' | awk '
		\$4 != \"irq\" || !/virtual supervisor timer/ { next }
		\$5 == \"raise\" { if (up[\$3]++) bad++; raised++ }
		\$5 == \"lower\" { up[\$3] = 0; lowered++ }
		END { printf \"%d raised, %d lowered, %d raised again unlowered\\n\", raised, lowered, bad
		      exit !(raised > 0 && lowered > 0 && !bad) }'"

# The guest's time ahead of the host's (tv.htimedelta = 10^9 ticks, 100 s
# at 10 MHz): a set_timer time below the offset is in the past and must
# fire at once; it once wrapped to a host time 2^64 ticks away instead.
boot sbi-conform-delta --smp 2 --append "tv.guest=sbi_conform tv.vcpus=2 tv.htimedelta=1000000000"
status_is "sbi-conform, guest time 10^9 ticks ahead: QEMU exits 0" 0
has "sbi-conform, guest time ahead: every check passed (past set_timer times fire)" \
	"^sbi-conform: $total checks, $total passed, 0 failed, 0 suites skipped$"

# The guest's timer its own (tv.timer=sstc: set_timer writes vstimecmp,
# the interrupt reaches the guest with no exit). Every check passes but
# the one STA check that needs timer interrupts to reach the SBI
# implementation (steal time is what it takes from the hart): skipped,
# saying why, its call and zeroing still checked. The first boot above
# has every line ok, that one included.
boot sbi-conform-sstc --smp 2 --append "tv.guest=sbi_conform tv.vcpus=2 tv.timer=sstc"
status_is "sbi-conform, tv.timer=sstc: QEMU exits 0" 0
has "sbi-conform, tv.timer=sstc: every check passed but one skipped" \
	"^sbi-conform: $total checks, $((total - 1)) passed, 0 failed, 0 suites skipped, skipped: 1 \(what they watch did not happen here\)$"
has "sbi-conform, tv.timer=sstc: the skipped check is STA's steal time after timer interrupts, and says why" \
	"^sbi-conform: skip STA\.steal_time_set_shmem .* after 4 timer exits .*: got error=0 value=0, want error=0 value=0 -- no steal time in 4 timer interrupts \(sequence 0\): none reached the SBI implementation "
has "sbi-conform, tv.timer=sstc: TIME's set_timer checks all pass with the guest's own timer" \
	"^sbi-conform: suite TIME: 8 checks, 0 failed$"
