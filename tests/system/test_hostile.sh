#!/bin/bash
# The hostile guest (guest/hostile) attacks the hypervisor: host memory,
# unbacked guest-physical addresses, emulated MMIO abuse, bad SBI calls,
# hypervisor CSRs and instructions, a trap storm. Every attempt must end as
# the specifications say, nothing may escape, and every attempt must be in
# the trace. The guest also attacks the trace itself (trace_attacks.c):
# forged dumps printed through every console path, hundreds of concurrent
# dump requests from two vCPUs, filter 0 before shutdown; what it achieved
# is judged from the log by tests/system/trace_trust.py, which completes
# the suite's line "hostile: N attempts, 0 escapes, 0 forged, 0 corrupted,
# 0 unexplained losses". Then the variants: a double fault (the hypervisor
# stops the guest), a remote fence whose page walk wraps, and a guest that
# never yields.
source "$(dirname "$0")/lib.sh"

# ---- the attacks, Sv48x4 (auto), a million-exit storm, two vCPUs -----------
# (vCPU 1 runs only for the concurrent dump requests.)
boot hostile --smp 2 --append "tv.guest=hostile tv.vcpus=2 tv.ring=16384"
status_is "QEMU exits 0 after the hostile guest's SRST shutdown" 0
A=$(sed -n 's/^hostile: \([0-9]*\) attempts, [0-9]* escapes$/\1/p' "$LOG")
has "hostile: no attempt escaped" "^hostile: [0-9]+ attempts, 0 escapes$"
check "hostile: at least 60 attempts (${A:-none})" test "${A:-0}" -ge 60
check "hostile: one line per attempt, numbered 1..$A" \
	test "$(grep -c '^attempt [0-9]*: ' "$LOG")" = "${A:-x}"
has "the hypervisor shuts down cleanly" "^tracevisor: shutting down: success$"
has "a WFI of the guest's own VU-mode code is its illegal instruction, not a sleep" \
	"^attempt [0-9]+: WFI in VU-mode \(our own user process\): illegal instruction \(cause 2\), stval 0x10500073 .* - contained$"
has "trap storm: 1000000 null SBI calls, hypervisor alive, every exit counted" \
	"^attempt [0-9]+: trap storm: 1000000 null SBI calls with tracing off: alive, 1000000 right answers, exit counter \+1000000 or more .* - contained$"
has "trap storm: 100000 MMIO reads, hypervisor alive, every exit counted" \
	"^attempt [0-9]+: trap storm: 100000 MMIO reads of the test device with tracing off: alive, .* - contained$"

# Every protected range the hypervisor announces was attacked.
while read -r r; do
	has "host range $r: load, store and fetch at its first, middle and last word" \
		"^attempt [0-9]+: fetch from protected range [0-9]+ \($r\) last word"
done < <(sed -n 's/^tracevisor: \(reserved\|hypervisor memory\) \(0x[0-9a-f]*-0x[0-9a-f]*\).*/\2/p' "$LOG")

# Every dump: the guest asks for hundreds of them.
REC="$LOGDIR/hostile.records"
"$TVTRACE" --all --records "$LOG" >"$REC" 2>"$REC.err"
check "tvtrace decodes the hostile guest's trace" test $? = 0

# Each attempt line against its expectation, and against the trace: the
# guest marks each attempt (0xA7700000 + N) before making it, so its
# records are those between its mark and the next.
python3 - "$LOG" "$REC" <<'EOF'
import re, sys

log, rec = sys.argv[1], sys.argv[2]
line_re = re.compile(r"^attempt (\d+): (.*): (.*) \(expected (.*)\) - (.*)$")
attempts = {}
for line in open(log, errors="replace"):
    m = line_re.match(line.rstrip("\n"))
    if m:
        attempts[int(m.group(1))] = m.groups()[1:]

bad = [n for n, (what, got, want, verdict) in sorted(attempts.items()) if got != want]
for n in bad:
    what, got, want, verdict = attempts[n]
    print(f"not ok - attempt {n}: {what}: got {got}, expected {want}")
if attempts and not bad:
    print(f"ok - every attempt's outcome equals its expectation ({len(attempts)} attempts)")
elif not attempts:
    print("not ok - no attempt lines in the log")

# The records between each attempt's mark and the next mark.
brackets, current = {}, None
for line in open(rec, errors="replace"):
    f = line.split()
    if len(f) >= 5 and f[3] == "mark":
        v = int(f[4], 16)
        current = v - 0xA7700000 if 0xA7700000 < v < 0xA77FFFFF else None
        if current is not None:
            brackets[current] = []
        continue
    if current is not None:
        brackets[current].append(line.rstrip("\n"))

missing = [n for n in attempts if n not in brackets]
print(("not ok" if missing else "ok") +
      f" - trace: every attempt has its mark{': missing ' + str(missing[:20]) if missing else ''}")

# One sepc, rewritten between calls (mmio.c, attack_one_sepc): each
# rewrite's access is recorded as itself (width, address, value, register,
# load or store), not as the instruction decoded there before.
smc_re = re.compile(r"^one sepc, rewritten to .*: trace '([^']*)'$")
smc = [(n, m.group(1)) for n, (what, *_) in sorted(attempts.items())
       for m in [smc_re.match(what)] if m]
smc_bad = [n for n, want in smc
           if not any(" mmio " in r and want in r for r in brackets.get(n, []))]
print(("not ok" if smc_bad or len(smc) < 11 else "ok") +
      f" - trace: {len(smc)} accesses at one rewritten sepc, each recorded as itself" +
      (f": not so for attempts {smc_bad[:20]}" if smc_bad else ""))

short = {1: "INSN_ACCESS", 2: "ILLEGAL_INSN", 5: "LOAD_ACCESS", 7: "STORE_ACCESS"}
trap_re = re.compile(r"\(cause (\d+)\), stval (0x[0-9a-f]+|0)")
exc_re = re.compile(r" exc +inject .*\((\w+)\) tval=(0x[0-9a-f]+)")
exit_re = re.compile(r" exit +.*\((\w+)\) sepc=\S+(?: gpa=(0x[0-9a-f]+)| htval=0 \(no gpa given\))? stval=(0x[0-9a-f]+)")
gpa_re = re.compile(r"GPA (0x[0-9a-f]+)")
sbi_re = re.compile(r" sbi +.*? -> (SBI_\w+)")
checked = {"exception": [], "sbi": [], "storm": []}
failed = {"exception": [], "sbi": [], "storm": []}
for n, (what, got, want, verdict) in sorted(attempts.items()):
    recs = brackets.get(n, [])
    m = trap_re.search(got)
    if m:
        # The injected exception the guest saw, right after the exit that
        # caused it (same stval; for memory the guest-physical address).
        cause, tval = int(m.group(1)), int(m.group(2), 16)
        ok = False
        for i, r in enumerate(recs):
            e = exc_re.search(r)
            if not e or e.group(1) != short.get(cause) or int(e.group(2), 16) != tval:
                continue
            x = exit_re.search(recs[i - 1]) if i else None
            # An illegal instruction's tval is the instruction, which the
            # hypervisor reads from the guest: QEMU 7.2's stval is stale
            # for HLV/HLVX/HSV, so the exit's stval need not match.
            if not x or (cause != 2 and int(x.group(3), 16) != tval):
                continue
            g = gpa_re.search(what)
            if g and "page table" not in what and cause != 2:
                want_gpa = int(g.group(1), 16)
                if x.group(2) is not None:
                    ok = int(x.group(2), 16) == want_gpa
                else:
                    # GPA 0-3 is htval 0, which names no GPA (a hart may
                    # write 0 instead of one): the exit says so
                    ok = want_gpa < 4 and "htval=0 (no gpa given)" in recs[i - 1]
            else:
                ok = True
            break
        checked["exception"].append(n)
        if not ok:
            failed["exception"].append(n)
    elif got.startswith("SBI_"):
        # The call right after the mark's own, with the error the guest got.
        calls = [s for s in (sbi_re.search(r) for r in recs) if s][1:]
        checked["sbi"].append(n)
        if not calls or calls[0].group(1) != got.split()[0].rstrip(","):
            failed["sbi"].append(n)
    elif what.startswith("trap storm"):
        checked["storm"].append(n)
        text = "\n".join(recs)
        if "tracing stopped" not in text or "tracing started" not in text or len(recs) > 60:
            failed["storm"].append(n)

names = {
    "exception": "faulting attempts have their exit and the injected exception (cause, stval, GPA)",
    "sbi": "SBI attempts have their call and its error",
    "storm": "storms ran between trace stop and start records",
}
for k, desc in names.items():
    if not checked[k]:
        print(f"not ok - trace: {desc}: no such attempts")
    elif failed[k]:
        print(f"not ok - trace: {desc}: not so for attempts {failed[k][:20]}")
    else:
        print(f"ok - trace: {len(checked[k])} {desc}")
EOF
# The last attempt set filter 0: what the guest may not hide is still
# there, the filter change and then its stop.
check "trace: the last record is the guest's stop (shutdown), filter 0 notwithstanding" \
	bash -c "tail -1 '$REC' | grep -q ' stop .*guest stopped: shutdown'"
check "trace: the filter-0 change is recorded, just before the stop" \
	bash -c "tail -2 '$REC' | head -1 | grep -q ' control filter mask=0x0 '"

# What the guest did to the trace: forged, corrupted, unexplained losses.
python3 "$ROOT/tests/system/trace_trust.py" "$TVTRACE" "$LOG" "$LOGDIR"

# ---- the same attacks under Sv39x4, a short storm --------------------------
boot hostile-sv39x4 --append "tv.guest=hostile tv.gstage=sv39x4 hostile.storm=1000"
status_is "Sv39x4: QEMU exits 0" 0
has "Sv39x4: G-stage mode in use" "G-stage Sv39x4"
has "Sv39x4: no attempt escaped" "^hostile: [0-9]+ attempts, 0 escapes$"
has "Sv39x4: GPAs past 2^41 access fault" \
	"^attempt [0-9]+: load from the first GPA past Sv39x4 \(2\^41\).*: load access fault \(cause 5\).* - contained$"

# ---- a guest whose trap vector is unbacked: a double fault ------------------
boot hostile-doublefault --append "tv.guest=hostile hostile=doublefault"
check "double fault: QEMU exits non-zero" test "$STATUS" != 0
has "double fault: the guest set it up" "hostile: variant doublefault: stvec = 0x20000000"
has "double fault: the hypervisor names it" \
	"guest double fault: instruction access fault at its own trap vector 0x20000000 \(vstvec\); stopping the guest"
has "double fault: the guest is stopped as a fault" "guest stopped \(fault, reason 1\)"
has "double fault: failure shutdown" "^tracevisor: shutting down: failure$"
hasnt "double fault: the guest did not go on" "still runs after a fault"
R="$LOGDIR/hostile-doublefault.records"
"$TVTRACE" --records "$LOG" >"$R" 2>"$R.err"
check "double fault: the trace ends with the stop record" \
	bash -c "tail -1 '$R' | grep -q ' stop .*guest stopped: guest fault'"
check "double fault: after the fetch fault at the vector" \
	bash -c "tail -2 '$R' | head -1 | grep -q 'exit .*INSN_GPF.*gpa=0x20000000'"

# ---- a remote fence whose page-by-page walk wraps past 2^64 ----------------
# start 2^64 - 8192, size 0x1fff: start + size does not wrap, but the walk's
# address does after the last page, so a loop on "va < start + size" never
# ends (hyp/sbi/sbi_rfence.c, local_sfence). The call must return.
BOOT_TIMEOUT=5 boot hostile-fencewrap --append "tv.guest=hostile hostile=fencewrap"
has "fence wrap: the guest made the call" "variant fencewrap: remote_sfence_vma"
check "fence wrap: remote_sfence_vma(start 2^64 - 8192, size 0x1fff) returns SBI_SUCCESS (status $STATUS)" \
	bash -c "test '$STATUS' = 0 && grep -q 'fencewrap: the call returned SBI_SUCCESS' '$LOG'"

# ---- a guest that never yields ----------------------------------------------
# Interrupts off and no exits. The hypervisor's watchdog (tv.watchdog=MS)
# takes its own timer tick, reports the stalled vCPU once with its PC and
# dumps the trace; it does not stop the guest, so QEMU runs on until the
# boot's timeout (status 124).
if grep -rqi watchdog "$ROOT/hyp/core/options.c" 2>/dev/null; then
	BOOT_TIMEOUT=5 boot hostile-spin --append "tv.guest=hostile hostile=spin tv.watchdog=500"
	PC=$(sed -n 's/^hostile: variant spin: .* looping at \(0x[0-9a-f]*\)$/\1/p' "$LOG")
	has "guest that never yields: it spins (at ${PC:-?})" "hostile: variant spin"
	has "guest that never yields: the watchdog names the vCPU and its PC" \
		"^tracevisor: watchdog: vCPU 0 made no exit in 500 ms; it runs at pc ${PC:-none}$"
	check "guest that never yields: reported once per stall" \
		test "$(grep -c 'watchdog: vCPU 0 made no exit' "$LOG")" = 1
	check "guest that never yields: the watchdog's trace dump decodes" \
		bash -c "'$TVTRACE' --list '$LOG' | grep -q 'watchdog'"
	check "guest that never yields: the guest is not stopped; QEMU runs to the timeout (status $STATUS)" \
		test "$STATUS" = 124
else
	BOOT_TIMEOUT=10 boot hostile-spin --append "tv.guest=hostile hostile=spin"
	has "guest that never yields: it spins" "hostile: variant spin"
	if [ "$STATUS" = 124 ]; then
		echo "skip - guest that never yields: hypervisor watchdog not implemented"
	else
		echo "not ok - guest that never yields: QEMU ended with status $STATUS, no watchdog exists (log: $LOG)"
	fi
fi
