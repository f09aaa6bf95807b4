#!/bin/bash
# The trace is truthful: each action of the test guest leaves exactly the
# records it should, entries and exits pair up, and every lost record is
# counted - asserted on what the real hypervisor recorded and dumped.
source "$(dirname "$0")/lib.sh"

boot trace-default
R="$LOGDIR/trace-default.records"
"$TVTRACE" --records "$LOG" >"$R" 2>"$R.err"
check "tvtrace decodes the dump with no damaged frame" test $? = 0
check "no decoding errors" test ! -s "$R.err"
rec() { grep -Ec -- "$1" "$R"; }

# Counts agree with the hypervisor's own exit counter: every exit is traced
# except the two made while tracing was switched off (the guest's
# trace_stop call's own return, then one call, then trace_start).
hyp_exits=$(sed -n 's/.*after \([0-9]*\) exits.*/\1/p' "$LOG")
check "traced exits = hypervisor's exit count - 2 ($hyp_exits)" \
	test "$(rec ' exit ')" = $((hyp_exits - 2))

# Pairing: after an exit, the next exit comes only after an entry, except
# where tracing stopped or the guest stopped.
check "every exit is followed by its entry" awk '
	/ exit / { if (open) bad++; open = 1 }
	/ entry / { open = 0 }
	/ control +tracing stopped/ { open = 0 }
	/ stop +guest stopped/ { open = 0 }
	END { exit bad != 0 }' "$R"
check "the first record is the first entry, at the guest's entry point" \
	bash -c "grep -m1 -E ' (entry|exit) ' '$R' | grep -q 'entry   pc=0x0000000080000000'"

# Step 1 (SBI base): the probe of DBCN returns 1, an unknown EID -2.
check "SBI probe_extension(DBCN) recorded with value 1" \
	grep -q 'BASE.probe_extension(0x4442434e.*SBI_SUCCESS, value 0x1' "$R"
check "unknown EID recorded as SBI_ERR_NOT_SUPPORTED" \
	grep -q 'EID 0x12345678.*SBI_ERR_NOT_SUPPORTED\|0x12345678.*SBI_ERR_NOT_SUPPORTED' "$R"
check "DBCN write outside guest RAM recorded as SBI_ERR_INVALID_PARAM" \
	grep -q 'DBCN.debug_console_write(0x10, 0x1000, 0x0) -> SBI_ERR_INVALID_PARAM' "$R"

# Step 5 (MMIO widths): the test device's ID register read with each
# width and sign, in program order, each value correctly extended.
ids=$(grep -E 'mmio +read .*gpa=0x1001000[0-7] ' "$R" | head -13 |
	sed -E 's/.*gpa=(0x[0-9a-f]+) -> (0x[0-9a-f]+).*insn="([a-z.]+) .*/\3@\1=\2/' | tr '\n' ' ')
want="ld@0x10010000=0xf1e2d3c4b5a69788 lw@0x10010000=0xffffffffb5a69788 lwu@0x10010000=0xb5a69788 lw@0x10010004=0xfffffffff1e2d3c4 lwu@0x10010004=0xf1e2d3c4 lh@0x10010000=0xffffffffffff9788 lhu@0x10010000=0x9788 lh@0x10010006=0xfffffffffffff1e2 lhu@0x10010006=0xf1e2 lb@0x10010000=0xffffffffffffff88 lbu@0x10010000=0x88 lb@0x10010007=0xfffffffffffffff1 lbu@0x10010007=0xf1 "
check "MMIO loads of every width and sign, in order, correctly extended" test "$ids" = "$want"
[ "$ids" = "$want" ] || { echo "  got:  $ids"; echo "  want: $want"; }
# SBI ids with bits 63:32 set (EID 0x1_00000010, FID 0x1_00000000) are
# answered from their low 32 bits ("Binary Encoding"), as BASE
# get_spec_version: the trace names that call, with the value the guest
# got (2.0), and says the guest passed upper bits (TV_F_SBI_HIGH).
check "SBI record: both calls with upper id bits are get_spec_version, value 2.0, with the note" \
	test "$(grep -c 'sbi     BASE\.get_spec_version(0x0, 0x0, 0x0) -> SBI_SUCCESS, value 0x2000000 \[a7/a6 had bits 63:32 set, not part of the call\]$' "$R")" = 2
check "SBI record: the CSV export names them as dispatched too, with their value" test \
	"$("$TVTRACE" --csv - "$LOG" 2>/dev/null | grep -c ',BASE,get_spec_version,SBI_SUCCESS,0x2000000,')" = \
	"$(grep -c 'sbi     BASE\.get_spec_version(.*-> SBI_SUCCESS, value 0x2000000' "$R")"
# BASE's constant calls (get_spec_version, get_impl_id, get_impl_version)
# are one ring record of their own (TV_VISIT_SBI_BASE): no argument
# registers, as the functions take none, the answer the guest got, and
# the exit before and the entry after at sepc + 4, entered when the call
# was answered, no earlier than the exit.
check "SBI record: BASE's constant calls, each without arguments, with its answer" \
	test "$(grep -Ec 'sbi     BASE\.(get_spec_version\(\) -> SBI_SUCCESS, value 0x2000000|get_impl_id\(\) -> SBI_SUCCESS, value 0x7476|get_impl_version\(\) -> SBI_SUCCESS, value 0x100)$' "$R")" -ge 3
check "SBI record: each constant call between its exit and its entry at sepc + 4" python3 - "$R" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
n = bad = 0
for i, l in enumerate(lines):
    if not re.search(r" sbi +BASE\.get_(spec_version|impl_id|impl_version)\(\) ", l):
        continue
    n += 1
    x = re.match(r" *([0-9.]+) .* exit +environment call .* sepc=(0x[0-9a-f]+)$", lines[i - 1])
    e = re.match(r" *([0-9.]+) .* entry +pc=(0x[0-9a-f]+)$", lines[i + 1])
    t = float(l.split()[0])
    if not (x and e and int(e[2], 16) == int(x[2], 16) + 4 and float(e[1]) == t >= float(x[1])):
        bad += 1
        print("  around:", lines[i - 1], l, lines[i + 1], sep="\n  ")
sys.exit(1 if bad or n < 3 else 0)
PY
# ... but not one entered with an interrupt pending (the guest's IPI to
# itself, interrupts off): that entry is not the one a BASE record
# describes, so the call is the events, with a0 as passed, and the entry
# shows hvip's VSSIP.
check "SBI record: a constant call entered with VSSIP pending: a0 0x1d1d, then the entry with hvip 0x4" \
	bash -c "grep -A1 'sbi     BASE\.get_impl_id(0x1d1d, 0x0, 0x0) -> SBI_SUCCESS, value 0x7476$' '$R' |
		grep -q ' entry   pc=0x[0-9a-f]* hvip=0x4$'"
check "SBI record: an unsupported legacy call left a1 (0x5a5a5a5a) and says so" \
	grep -q 'sbi     LEGACY_CLEAR_IPI\.clear_ipi(0x0, 0x5a5a5a5a, .*-> SBI_ERR_NOT_SUPPORTED' "$R"

if [ "$TV_PLATFORM" = system ]; then
	# QEMU 7.2: htinst 0, the instruction read from the guest as it is.
	check "compressed c.lw / c.ld / c.sw / c.sd emulated and recorded" bash -c "
		grep -q 'insn=\"c.lw a0, 0(a1)\"' '$R' && grep -q 'insn=\"c.ld a0, 0(a1)\"' '$R' &&
		grep -q 'insn=\"c.sw a0, 0(a1)\"' '$R' && grep -q 'insn=\"c.sd a0, 0(a1)\"' '$R'"
else
	# QEMU 10: htinst holds the transformed instruction, bit 1 clear for a
	# 16-bit original ("Transformed Instruction or Pseudoinstruction").
	check "compressed c.lw / c.ld / c.sw / c.sd emulated from htinst (bit 1 clear) and recorded" bash -c "
		grep -q 'htinst=0x2501 insn=\"lw a0, 0(zero)\"' '$R' &&
		grep -q 'htinst=0x3501 insn=\"ld a0, 0(zero)\"' '$R' &&
		grep -q 'htinst=0xa02021 insn=\"sw a0, 0(zero)\"' '$R' &&
		grep -q 'htinst=0xa03021 insn=\"sd a0, 0(zero)\"' '$R'"
fi
check "each MMIO record follows a guest-page-fault exit with the same GPA" awk '
	/ exit .*_GPF/ { match($0, /gpa=0x[0-9a-f]+/); gpa = substr($0, RSTART, RLENGTH) }
	/ mmio / { match($0, /gpa=0x[0-9a-f]+/); if (substr($0, RSTART, RLENGTH) != gpa) bad++; n++ }
	END { exit bad != 0 || n < 100 }' "$R"
check "MMIO exits carry the fetched instruction (htinst is 0 on QEMU 7.2)" \
	bash -c "! grep -E ' exit .*(LOAD|STORE)_GPF' '$R' | grep -v 'insn=' | grep -q ."

# Step 6: the guest's own page fault causes no exit at all.
check "no exit for the VS-stage page fault (delegated)" \
	bash -c "! grep -Eq ' exit .*(LOAD|STORE|INSN)_PF' '$R'"

# Step 7: illegal instruction and virtual instruction, injected with the
# instruction bits as tval; ebreak injected as a breakpoint.
check "reserved-opcode instruction: exit then injection with tval = its bits" bash -c "
	grep -A1 'exit .*ILLEGAL_INSN.*stval=0x1234506b' '$R' | grep -q 'exc .*inject illegal instruction.*tval=0x1234506b'"
check "csrr hstatus from VS: virtual-instruction exit" \
	grep -Eq 'exit .*VIRT_INSN.*stval=0x600' "$R"
check "... injected as an illegal instruction with the same bits" \
	grep -Eq 'exc .*inject illegal instruction.*tval=0x600' "$R"
check "ebreak injected as a breakpoint" grep -q 'exc .*inject breakpoint' "$R"

# Steps 8-10: the SBI timer is injected through hvip; the Sstc timer is not.
check "timer: set_timer, HS timer interrupt exit, VSTIP raised" bash -c "
	grep -q 'TIME.set_timer' '$R' && grep -q 'exit .*IRQ_S_TIMER' '$R' &&
	grep -Eq 'irq .*(raise|raised).*(VS_TIMER|virtual supervisor timer)' '$R'"
check "WFI: a virtual-instruction exit with the WFI encoding" \
	grep -q 'exit .*VIRT_INSN.*stval=0x10500073' "$R"

# Step 12: every isolation probe of a hole is a guest-page fault turned
# into an access fault for the guest, at the probed address (the host's
# firmware and hypervisor addresses are the guest's own RAM: no exit, or
# at the first touch of its block one that resumes the access, with
# nothing injected).
for gpa in 0x20000000 0x84000000 0xc0000000; do
	check "isolation: load from $gpa -> LOAD_GPF exit -> load access fault" bash -c "
		grep -A1 'exit .*LOAD_GPF.*gpa=$gpa ' '$R' | grep -q 'inject load access fault.*tval=$gpa'"
	check "isolation: store to $gpa -> STORE_GPF exit -> store access fault" bash -c "
		grep -A1 'exit .*STORE_GPF.*gpa=$gpa ' '$R' | grep -q 'inject store/AMO access fault.*tval=$gpa'"
done
for gpa in 0x20000000 0xc0000000; do
	check "isolation: fetch from $gpa -> instruction access fault" bash -c "
		grep -A1 'exit .*INSN_GPF.*gpa=$gpa' '$R' | grep -q 'inject instruction access fault'"
done
check "isolation: the host's firmware and hypervisor addresses are guest RAM here (nothing injected)" \
	bash -c "! grep -A1 -E 'exit .*GPF.*gpa=0x80(000000|200000) ' '$R' | grep -Evq '(^--$|exit .*GPF.*gpa=0x80(000000|200000) |entry +pc=)'"

# Step 13: markers and the stop/start bracket.
check "both markers recorded, in order" bash -c "
	grep -E ' mark ' '$R' | tr -s ' ' | cut -d' ' -f6 | tr '\n' ' ' | grep -qx '0x7476 0x656e64 '"
check "nothing recorded between tracing stopped and started" awk '
	/control +tracing stopped/ { off = 1; next }
	/control +tracing started/ { off = 0; next }
	off { bad++ } END { exit bad != 0 }' "$R"
check "the run ends with the guest's shutdown record" \
	bash -c "grep -E ' (stop|exit|entry|sbi) ' '$R' | tail -1 | grep -q 'guest stopped: shutdown'"

S="$LOGDIR/trace-default.summary"
"$TVTRACE" --summary "$LOG" >"$S" 2>&1
check "summary lists ECALL_VS, LOAD_GPF, STORE_GPF, VIRT_INSN, IRQ_S_TIMER" bash -c "
	for r in ECALL_VS LOAD_GPF STORE_GPF VIRT_INSN IRQ_S_TIMER; do grep -q \" \$r \" '$S' || exit 1; done"
check "summary: no records lost with the default ring" grep -q '^Lost records: 0' "$S"

# A tiny ring of 16 slots in overwrite mode keeps the newest 15 (the 16th
# slot is the one the writer fills next: lib/trace_ring.h) and counts the
# rest.
boot trace-tiny --append "tv.ring=16"
S="$LOGDIR/trace-tiny.summary"
"$TVTRACE" --summary "$LOG" >"$S" 2>&1
offered=$(sed -n 's/.*ring offered \([0-9]*\), consumed.*/\1/p' "$S")
consumed=$(sed -n 's/.*consumed \([0-9]*\), lost.*/\1/p' "$S")
lost=$(sed -n 's/^Lost records: \([0-9]*\).*/\1/p' "$S")
check "tiny ring: guest still passes" test "$STATUS" = 0
check "tiny ring (overwrite): exactly 15 records kept" test "$consumed" = 15
check "tiny ring (overwrite): lost = offered - 15 ($offered - 15 = ${lost:-?})" \
	test "$lost" = $((offered - 15))
check "tiny ring: decoded record count is at least 15" \
	test "$("$TVTRACE" -r "$LOG" 2>/dev/null | grep -cE '^ +[0-9]+\.[0-9]+ ')" -ge 15
check "tiny ring: tvtrace says where records were lost" \
	bash -c "'$TVTRACE' -r '$LOG' | grep -Eq 'lost'"

# Stop-when-full keeps the oldest 15 instead.
boot trace-stop --append "tv.ring=16 tv.ring_mode=stop"
S="$LOGDIR/trace-stop.summary"
"$TVTRACE" --summary "$LOG" >"$S" 2>&1
offered=$(sed -n 's/.*ring offered \([0-9]*\), consumed.*/\1/p' "$S")
consumed=$(sed -n 's/.*consumed \([0-9]*\), lost.*/\1/p' "$S")
lost=$(sed -n 's/^Lost records: \([0-9]*\).*/\1/p' "$S")
check "stop mode: 15 records kept" test "$consumed" = 15
check "stop mode: lost = offered - 15" test "$lost" = $((offered - 15))
check "stop mode: the kept records are the first ones (guest entry first)" \
	bash -c "'$TVTRACE' -r '$LOG' | grep -m1 -E ' entry ' | grep -q 'pc=0x0000000080000000'"

# Text encoding: ftrace-style lines with Linux's kvm_exit/kvm_entry fields,
# each after the '~' that only the hypervisor can put first on a line.
boot trace-text --append "tv.dump=text"
# Linux's kvm_exit prints its CSRs with %lx (arch/riscv/kvm/trace.h):
# no leading zeros, where kvm_entry's PC has 16 digits.
has "text dump: kvm_exit lines use SEPC:0x%lx, SCAUSE:0x%lx, ..." "^~vm0-vcpu0 \[000\] [0-9]+\.[0-9]{6}: kvm_exit: SEPC:0x(0|[1-9a-f][0-9a-f]{0,15}), SCAUSE:0x(0|[1-9a-f][0-9a-f]{0,15}), STVAL:0x(0|[1-9a-f][0-9a-f]{0,15}), HTVAL:0x(0|[1-9a-f][0-9a-f]{0,15}), HTINST:0x(0|[1-9a-f][0-9a-f]{0,15})$"
has "text dump: kvm_entry lines use PC: 0x%016lx" "^~vm0-vcpu0 \[000\] [0-9]+\.[0-9]{6}: kvm_entry: PC: 0x[0-9a-f]{16}$"
hasnt "text dump: no compact frames" "~TV1:"

# Filters and switches from bootargs.
boot trace-filter --append "tv.filter=0x6"
check "filter exit+entry: no SBI or MMIO records" bash -c "
	'$TVTRACE' -r '$LOG' >'$LOG.r' && grep -q ' exit ' '$LOG.r' && ! grep -Eq ' (sbi|mmio) ' '$LOG.r'"
# Every ecall is then an EXIT event of its own. The ecall exit stores no
# stval, htval or htinst (zero by the spec: hyp/arch/trap.S), so the vCPU
# holds an older exit's; the EXIT events between guest-page faults with
# nonzero ones must still say zero.
"$TVTRACE" --text "$LOG" >"$LOG.t" 2>/dev/null
n=$(grep -c 'kvm_exit: .*SCAUSE:0xa,' "$LOG.t")
check "filter exit+entry: all $n ecall exits record stval, htval and htinst 0, after guest-page faults that had them" \
	bash -c "[ $n -ge 50 ] && grep -qE 'kvm_exit: .*SCAUSE:0x1[57], STVAL:0x[1-9a-f][0-9a-f]*, HTVAL:0x[1-9a-f]' '$LOG.t' &&
		[ \$(grep -c 'kvm_exit: .*SCAUSE:0xa, STVAL:0x0, HTVAL:0x0, HTINST:0x0$' '$LOG.t') = $n ]"
boot trace-off --append "tv.trace=off"
check "tv.trace=off: guest passes" test "$STATUS" = 0
check "tv.trace=off: no exit records until the guest switches tracing on" bash -c "
	'$TVTRACE' -r '$LOG' >'$LOG.r'; awk '/ exit /{e++} /tracing started/{exit} END{exit e!=0}' '$LOG.r'"

# Watermark dumps: a 64-slot ring dumped whenever it is half full loses
# nothing over many dumps.
boot trace-watermark --append "tv.ring=64 tv.watermark=50"
check "watermark: several dumps in the log" \
	test "$("$TVTRACE" --list "$LOG" | grep -c 'ring filled\|watermark')" -ge 5
check "watermark: no record lost across all dumps" bash -c "
	'$TVTRACE' --all --summary '$LOG' | grep '^Lost records' | grep -vq '^Lost records: 0' && exit 1 || exit 0"

# tv.watermark=100: a ring is 100% full when it holds what it can, one
# slot less than it has (lib/trace_ring.h), and is dumped then, in both
# ring modes.
for mode in overwrite stop; do
	boot trace-watermark-full-$mode --append "tv.ring=64 tv.watermark=100 tv.ring_mode=$mode"
	N=$("$TVTRACE" --list "$LOG" | grep -c 'watermark')
	check "watermark 100% ($mode): the full ring is dumped, over and over ($N dumps)" test "$N" -ge 5
done
