#!/bin/bash
# CTF export (tvtrace --ctf): babeltrace2 reads the trace of a real run
# without a complaint, sees every record tvtrace decoded as one event with
# the same field values, and reports the records a tiny ring lost as
# discarded events - as many as tvtrace counts.
source "$(dirname "$0")/lib.sh"

if ! command -v babeltrace2 >/dev/null 2>&1; then
	echo "skip - CTF export: babeltrace2 is not installed (scripts/setup.sh test installs it)"
	exit 0
fi

# Hex value in canonical form (0x, lower case, no leading zeros), for
# comparing babeltrace2's "0xC0002534" with tvtrace's "0x00000000c0002534".
norm() {
	local v="${1#0x}"
	v="${v#0X}"
	printf '0x%x' "$((16#$v))"
}

# babeltrace2 field value: bt_field LINE NAME.
bt_field() {
	sed -E "s/.*[{,] $2 = ([^,}]+).*/\1/" <<<"$1"
}

boot ctf-run
D="$LOGDIR/ctf-run.ctf"
rm -rf "$D"
"$TVTRACE" --ctf "$D" "$LOG" >"$D.stdout" 2>"$D.tverr"
check "tvtrace --ctf exits 0" test $? = 0
check "tvtrace --ctf alone prints nothing" test ! -s "$D.stdout" -a ! -s "$D.tverr"
check "metadata and stream_hart0 written" test -s "$D/metadata" -a -s "$D/stream_hart0"
check "metadata begins with the CTF 1.8 signature" \
	bash -c "head -n1 '$D/metadata' | grep -qx '/\\* CTF 1.8 \\*/'"
check "metadata: clock freq is the dump's timebase" bash -c "
	hz=\$('$TVTRACE' --list '$LOG' | sed -n 's/.*timebase \\([0-9]*\\) Hz.*/\\1/p')
	grep -q \"freq = \$hz;\" '$D/metadata'"
check "stream files start with the CTF magic 0xC1FC1FC1" \
	bash -c "od -An -tx1 -N4 '$D/stream_hart0' | tr -d ' \\n' | grep -qx 'c11ffcc1'"

B="$D.bt"
babeltrace2 --clock-seconds "$D" >"$B" 2>"$B.err"
check "babeltrace2 reads the trace (status 0)" test $? = 0
check "babeltrace2: no warning or error on stderr" test ! -s "$B.err"
[ -s "$B.err" ] && head -n 5 "$B.err" | sed 's/^/  /'

R="$LOGDIR/ctf-run.records"
T="$LOGDIR/ctf-run.text"
"$TVTRACE" -r "$LOG" >"$R" 2>/dev/null
"$TVTRACE" -t "$LOG" >"$T" 2>/dev/null
records=$(grep -cE '^ +[0-9]+\.[0-9]+ \[' "$R")
lost=$(grep -cE '^ +[0-9]+\.[0-9]+ \[[0-9]+\] vm[0-9]+-vcpu[0-9]+ lost ' "$R")
events=$(grep -c '^\[' "$B")
check "event count ($events) = tvtrace's records ($records) - LOST ($lost)" \
	test "$events" = $((records - lost))
for k in kvm_exit kvm_entry tv_sbi tv_mmio tv_exc tv_mark tv_control tv_stop; do
	case $k in
	kvm_exit) want=$(grep -c ' exit ' "$R") ;;
	kvm_entry) want=$(grep -c ' entry ' "$R") ;;
	*) want=$(grep -c " ${k#tv_} " "$R") ;;
	esac
	check "$k events = tvtrace's ${k#*_} records ($want)" \
		test "$(grep -c "^\[[^]]*\] ([^)]*) $k: " "$B")" = "$want"
done

# The first exit, from tvtrace --text (Linux's kvm_exit fields).
x=$(grep -m1 'kvm_exit: ' "$T")
want_sepc=$(norm "$(sed -E 's/.*SEPC:(0x[0-9a-f]+).*/\1/' <<<"$x")")
want_scause=$(norm "$(sed -E 's/.*SCAUSE:(0x[0-9a-f]+).*/\1/' <<<"$x")")
want_time=$(sed -E 's/.*\] ([0-9]+\.[0-9]+): kvm_exit.*/\1/' <<<"$x")
b=$(grep -m1 ' kvm_exit: ' "$B")
check "first kvm_exit: sepc $want_sepc" test "$(norm "$(bt_field "$b" sepc)")" = "$want_sepc"
check "first kvm_exit: scause $want_scause" test "$(norm "$(bt_field "$b" scause)")" = "$want_scause"
check "first kvm_exit: time $want_time s" \
	bash -c "grep -q '^\\[${want_time//./\\.}' <<<'$b'"
# Every exit: the same (sepc, scause) sequence on both sides.
grep 'kvm_exit: ' "$T" | sed -E 's/.*SEPC:(0x[0-9a-f]+), SCAUSE:(0x[0-9a-f]+).*/\1 \2/' |
	while read -r s c; do echo "$(norm "$s") $(norm "$c")"; done >"$D.want-exits"
grep ' kvm_exit: ' "$B" | while read -r line; do
	echo "$(norm "$(bt_field "$line" sepc)") $(norm "$(bt_field "$line" scause)")"
done >"$D.got-exits"
check "every kvm_exit's sepc and scause match tvtrace --text" cmp -s "$D.want-exits" "$D.got-exits"

# A guest-page-fault exit carries its guest physical address.
m=$(grep -m1 -E ' exit .*LOAD_GPF.*gpa=0x1001000[0-7] ' "$R")
gpa=$(sed -E 's/.*gpa=(0x[0-9a-f]+).*/\1/' <<<"$m")
b=$(grep 'reason = "LOAD_GPF"' "$B" | grep -F "gpa = $(printf '0x%X' "$gpa")," | head -n 1)
check "LOAD_GPF kvm_exit with gpa $gpa" test -n "$b"
# The first 8-byte MMIO read of the test device's ID register.
m=$(grep -m1 -E ' mmio +read 8 bytes gpa=0x10010000 ' "$R")
val=$(sed -E 's/.* -> (0x[0-9a-f]+).*/\1/' <<<"$m")
b=$(grep -m1 -E ' tv_mmio: .* gpa = 0x10010000, .*width = 8, dir = \( "read"' "$B")
check "first 8-byte MMIO read: gpa 0x10010000, value $val" \
	test -n "$val" -a "$(norm "$(bt_field "$b" value)")" = "$(norm "$val")"
check "MMIO event carries the instruction's mnemonic" \
	bash -c "grep -q 'mnemonic = \"$(sed -E 's/.*insn="([^"]+)".*/\1/' <<<"$m")\"' <<<'$b'"
# A virtual-instruction exit's stval holds the instruction's bits (the
# test guest's csrr of hstatus): kvm_exit's insn, insn_valid and mnemonic.
m=$(grep -m1 -E ' exit .*\(VIRT_INSN\).* stval=0x[0-9a-f]+ insn="' "$R")
stval=$(sed -E 's/.* stval=(0x[0-9a-f]+).*/\1/' <<<"$m")
b=$(grep 'reason = "VIRT_INSN"' "$B" | grep -F "stval = $(printf '0x%X' "$stval")," | head -n 1)
check "VIRT_INSN kvm_exit: insn $stval from stval, insn_valid 1, its mnemonic" \
	bash -c "test -n '$stval' && test '$(norm "$(bt_field "$b" insn)")' = '$(norm "${stval:-0}")' &&
		test '$(bt_field "$b" insn_valid)' = 1 &&
		grep -q 'mnemonic = \"$(sed -E 's/.*insn="([^"]+)".*/\1/' <<<"$m")\"' <<<'$b'"
sbi=$(grep -m1 ' sbi ' "$R")
check "first tv_sbi: BASE.probe_extension with its error and value" bash -c "
	grep -m1 ' tv_sbi: ' '$B' | grep -q 'extension = \"BASE\", function = \"probe_extension\", error_name = \"SBI_SUCCESS\"' &&
	grep -q 'BASE.probe_extension' <<<'$sbi'"
check "tv_mark values in order: 0x7476 0x656E64" bash -c "
	grep ' tv_mark: ' '$B' | sed -E 's/.*value = (0x[0-9A-F]+).*/\\1/' | tr '\\n' ' ' | grep -qx '0x7476 0x656E64 '"
check "tv_stop: reason shutdown" grep -q 'tv_stop: .*reason = ( "shutdown"' "$B"

# A tiny ring loses records: babeltrace2 reports them as discarded events.
boot ctf-tiny --append "tv.ring=16"
D="$LOGDIR/ctf-tiny.ctf"
rm -rf "$D"
"$TVTRACE" --ctf "$D" "$LOG" 2>/dev/null
check "tiny ring: tvtrace --ctf exits 0" test $? = 0
babeltrace2 --clock-seconds "$D" >"$D.bt" 2>"$D.bt.err"
check "tiny ring: babeltrace2 status 0" test $? = 0
want=$("$TVTRACE" --summary "$LOG" 2>/dev/null | sed -n 's/^Lost records: \([0-9]*\).*/\1/p')
got=$(sed -n 's/.*Tracer discarded \([0-9]*\) events.*/\1/p' "$D.bt.err" | awk '{ n += $1 } END { print n + 0 }')
check "tiny ring: babeltrace2's discarded events ($got) = tvtrace's lost records (${want:-?})" \
	test -n "$want" -a "$got" = "$want" -a "${want:-0}" -gt 0
check "tiny ring: nothing else on babeltrace2's stderr" \
	bash -c "! grep -v 'Tracer discarded [0-9]* events' '$D.bt.err' | grep -q ."
# (one hart, one stream: no event of its may lie inside the range a loss
# is placed in; the range once ran to the end of the packet after it)
check "tiny ring: no event inside a discarded range" awk '
	FNR == NR { if (match($0, /between \[[0-9.]+\] and \[[0-9.]+\]/)) {
			r = substr($0, RSTART, RLENGTH); gsub(/[^0-9. ]/, "", r)
			split(r, a, " "); lo[n] = a[1] + 0; hi[n++] = a[2] + 0 }
		next }
	/^\[/ { t = substr($1, 2, length($1) - 2) + 0
		for (i = 0; i < n; i++) if (t > lo[i] && t < hi[i]) inside++ }
	END { exit !(n > 0 && inside == 0) }' "$D.bt.err" "$D.bt"
records=$("$TVTRACE" -r "$LOG" 2>/dev/null | grep -cE '^ +[0-9]+\.[0-9]+ \[[0-9]+\] vm[0-9]+-vcpu[0-9]+ (exit|entry|sbi|mmio|irq|exc|mark|control|stop) ')
check "tiny ring: events = the records kept ($records)" \
	test "$(grep -c '^\[' "$D.bt")" = "$records"

# Watermark dumps: --all writes one trace per dump; babeltrace2 merges
# them on one time line.
boot ctf-wm --append "tv.ring=64 tv.watermark=50"
D="$LOGDIR/ctf-wm.ctf"
rm -rf "$D"
"$TVTRACE" --all --ctf "$D" "$LOG" 2>/dev/null
ndumps=$("$TVTRACE" --list "$LOG" 2>/dev/null | grep -c '^dump ')
check "--all: one trace directory per dump ($ndumps)" \
	test "$(find "$D" -mindepth 1 -maxdepth 1 -type d -name 'dump-*' | wc -l)" = "$ndumps" -a "$ndumps" -gt 1
babeltrace2 --clock-seconds "$D" >"$D.bt" 2>"$D.bt.err"
check "--all: babeltrace2 reads all traces, no complaint" test $? = 0 -a ! -s "$D.bt.err"
records=$("$TVTRACE" --all -r "$LOG" 2>/dev/null | grep -cE '^ +[0-9]+\.[0-9]+ \[[0-9]+\] vm[0-9]+-vcpu[0-9]+ (exit|entry|sbi|mmio|irq|exc|mark|control|stop) ')
check "--all: events = records of every dump ($records)" \
	test "$(grep -c '^\[' "$D.bt")" = "$records"
check "--all: merged events are in time order" bash -c "
	sed -E 's/^\\[([0-9.]+)\\].*/\\1/' '$D.bt' | sort -c -n"
err=$("$TVTRACE" --ctf "$LOG" "$LOG" 2>&1 >/dev/null)
rc=$?
check "--ctf on a file that is not a directory: exit 2 and says why" \
	bash -c "test $rc = 2 && grep -q 'is not a directory' <<<'$err'"
