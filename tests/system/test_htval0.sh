#!/bin/bash
# A hart that writes zero to htval (and, below, to htinst). On a
# guest-page fault "htval is written with either zero or the guest
# physical address that faulted, shifted right by 2 bits" ("Hypervisor
# Trap Value Register (htval)"): a hypervisor that reads the GPA from
# htval alone breaks on a hart that chooses zero. tracevisor then walks the guest's own page tables for it
# (hyp/core/fault_gpa.h, hyp/gstage/vs_walk.c). Neither QEMU writes zero,
# so the test-only build hyp-faulttest.bin with tv.fault_test=htval0 reads
# every exit's htval as zero, before anything records or handles it:
# the real exit path, the real walk, the real guests.
source "$(dirname "$0")/lib.sh"

FT="$ROOT/build/hyp-faulttest.bin"
R() { "$TVTRACE" -r "$LOG" 2>/dev/null; }
# The test guest's device accesses as "read|write N bytes gpa=X device D",
# in the order they came (its steps are the same every run).
mmio_list() { grep -oE ' mmio +(read|write) [0-9]+ bytes? gpa=0x[0-9a-f]+' | sed 's/^ mmio *//'; }

# The test guest runs at GVAs other than its GPAs (its own Sv39 tables,
# guest/test/paging.c): every device access needs the walk.
boot htval-given --hyp "$FT"
status_is "test guest, htval as the hart gives it: QEMU exits 0" 0
R | mmio_list >"$LOGDIR/htval-given.mmio"
boot htval0 --hyp "$FT" --append "tv.fault_test=htval0"
status_is "test guest, htval 0: QEMU exits 0" 0
has "htval 0: all $TEST_GUEST_STEPS steps pass" "^guest: $TEST_GUEST_STEPS of $TEST_GUEST_STEPS steps passed$"
has "htval 0: the hypervisor says, once, that the hart gives no GPA and it walks" \
	"^tracevisor: hart 0 wrote 0 to htval for a guest-page fault \(cause 2[13], GVA 0x[0-9a-f]+\): the spec allows it .* walking the guest's page tables \(vsatp 0x8[0-9a-f]{15}: the access's GPA 0x[0-9a-f]+\)$"
check "htval 0: said once" test "$(grep -c 'wrote 0 to htval' "$LOG")" = 1
R >"$LOG.records"
gpf=$(grep -cE ' exit +(load|store/AMO) guest-page fault' "$LOG.records")
check "htval 0: the trace records the zero the hart gave on all $gpf guest-page faults" \
	bash -c "[ $gpf -ge 100 ] && [ \$(grep -E ' exit +(load|store/AMO) guest-page fault' '$LOG.records' |
		grep -c 'htval=0 (no gpa given)') = $gpf ]"
mmio_list <"$LOG.records" >"$LOGDIR/htval0.mmio"
n=$(wc -l <"$LOGDIR/htval0.mmio")
check "htval 0: the same $n device accesses at the same GPAs, in the same order, as with htval given" \
	bash -c "[ $n -ge 100 ] && cmp -s '$LOGDIR/htval-given.mmio' '$LOGDIR/htval0.mmio'"
check "htval 0: the accesses reach the UART, the test device and the PLIC through GVAs" \
	bash -c "grep -q 'gpa=0x1000000' '$LOGDIR/htval0.mmio' && grep -q 'gpa=0x1001' '$LOGDIR/htval0.mmio' &&
		grep -q 'gpa=0xc' '$LOGDIR/htval0.mmio' &&
		grep -E ' exit +load guest-page fault' '$LOG.records' | grep -q 'stval=0x4'"

check "htval 0: --explain says the hart gave no GPA and what the walk found" \
	bash -c "'$TVTRACE' --explain '$LOG' 2>/dev/null | grep -q \"the guest's store to VA 0x40000003 (no GPA given: htval 0, which the spec allows; the hypervisor's walk of the guest's page tables found GPA 0x10000003) hit no G-stage mapping; the hypervisor emulated a write to the UART's line-control register (LCR)\""

# The hostile guest: its attacks through the walk (a page table in
# hypervisor memory, in a device: the walk reads no device, the guest
# gets an access fault) and every other one are contained as before.
boot htval0-hostile --hyp "$FT" --smp 2 --append "tv.fault_test=htval0 tv.guest=hostile tv.vcpus=2 tv.ring=16384"
status_is "hostile, htval 0: QEMU exits 0" 0
has "hostile, htval 0: no attempt escaped" "^hostile: [0-9]+ attempts, 0 escapes$"
has "hostile, htval 0: every attempt contained as the specification says" \
	"^hostile: 0 attempts contained other than the specification says$"
has "hostile, htval 0: a walk through a table in the test device is the guest's access fault" \
	"^attempt [0-9]+: load through a VS-stage page table in the test device .*: load access fault \(cause 5\), stval 0x[0-9a-f]+ \(expected load access fault .* - contained$"

# ---- htinst 0 -----------------------------------------------------------
# A hart may write zero to htinst as well, where it could give the
# transformed instruction of an MMIO access or the pseudoinstruction of a
# fault taken by the guest's own page-table walk ("Transformed Instruction
# or Pseudoinstruction for mtinst or htinst"). Both QEMUs give the
# pseudoinstruction for the walk (QEMU 10 the transformed instructions
# too), so tv.fault_test=htinst0 reads every MMIO exit's htinst as zero:
# each instruction is then fetched, and a walk's fault at a device is
# told from the access's own by the guest's tables (hyp/core/fault_gpa.c).
boot htinst0 --hyp "$FT" --append "tv.fault_test=htinst0"
status_is "test guest, htinst 0: QEMU exits 0" 0
has "htinst 0: all $TEST_GUEST_STEPS steps pass" "^guest: $TEST_GUEST_STEPS of $TEST_GUEST_STEPS steps passed$"
R >"$LOG.records"
gpf=$(grep -cE ' exit +(load|store/AMO) guest-page fault' "$LOG.records")
check "htinst 0: the trace records the zero on all $gpf guest-page faults" \
	bash -c "[ $gpf -ge 100 ] && ! grep -E ' exit +(load|store/AMO) guest-page fault' '$LOG.records' |
		grep -q 'htinst='"
mmio_list <"$LOG.records" >"$LOGDIR/htinst0.mmio"
n=$(wc -l <"$LOGDIR/htinst0.mmio")
check "htinst 0: the same $n device accesses at the same GPAs, in the same order, as with htinst given" \
	bash -c "[ $n -ge 100 ] && cmp -s '$LOGDIR/htval-given.mmio' '$LOGDIR/htinst0.mmio'"

# The hostile guest's load through a page table in the test device: the
# walk's read of the entry at 0x10010008 faults; with htinst 0 the
# fetched instruction is an 8-byte load and the test device's SCRATCH is
# there, so a hypervisor that took the fault for the load's own would
# hand the guest SCRATCH's value instead of its access fault.
boot htinst0-hostile --hyp "$FT" --smp 2 --append "tv.fault_test=htinst0 tv.guest=hostile tv.vcpus=2 tv.ring=16384"
status_is "hostile, htinst 0: QEMU exits 0" 0
has "hostile, htinst 0: no attempt escaped" "^hostile: [0-9]+ attempts, 0 escapes$"
has "hostile, htinst 0: every attempt contained as the specification says" \
	"^hostile: 0 attempts contained other than the specification says$"
"$TVTRACE" --all -r "$LOG" >"$LOG.records" 2>/dev/null
for what in "the test device" "the test device, the load at the entry's page offset"; do
	has "hostile, htinst 0: a load through a table in $what is the guest's access fault" \
		"^attempt [0-9]+: load through a VS-stage page table in $what \(GPA [^)]*\), GVA 0x[0-9a-f]+: load access fault \(cause 5\), stval 0x[0-9a-f]+ \(expected load access fault .* - contained$"
	# The attempt's records, from its mark (0xA7700000 + N) to the next.
	n=$(sed -n "s/^attempt \([0-9]*\): load through a VS-stage page table in $what (.*/\1/p" "$LOG")
	mark=$(printf '0xa77%05x' "${n:-0}")
	awk -v m="$mark" '/ mark /{ if (on) exit; if (index($0, m)) on = 1 } on' "$LOG.records" >"$LOG.attempt"
	check "hostile, htinst 0: $what: the trace has the walk's exit at GPA 0x10010008 and the injected access fault, no device access" \
		bash -c "grep -qE ' exit +load guest-page fault .* gpa=0x10010008 ' '$LOG.attempt' &&
			grep -qE ' exc +inject load access fault' '$LOG.attempt' && ! grep -q ' mmio ' '$LOG.attempt'"
done

# ---- an instruction the hypervisor cannot read back ---------------------
# With htinst 0 the hypervisor reads the instruction at sepc with HLVX,
# and that read can fault (the guest changed or unmapped the page after
# it trapped). The fault comes to the hypervisor's own trap vector, which
# must tell it from a failure of its own by where it happened
# (hyp/arch/trap.S, guest_fetch_fault), undo what the trap wrote
# (hstatus.SPV 0: the return would enter the guest's code in HS-mode)
# and give the guest the access fault of an access it cannot emulate.
# tv.fault_test=fetch reads every MMIO instruction at GVA 0 instead: the
# test guest's (Sv39) tables and the G-stage map nothing there, so the
# read takes the guest-page or page fault a delegated trap gives.
boot fetch-fault --hyp "$FT" --append "tv.fault_test=fetch"
has "fetch fault: the guest's first device access is its access fault" \
	"^unexpected trap: scause 0x[57] stval 0x[0-9a-f]+ sepc 0x[0-9a-f]+$"
has "fetch fault: the guest ran on in VS-mode and shut itself down" \
	"^tracevisor: guest stopped \\(shutdown, reason 1\\)"
check "fetch fault: the hypervisor took none of it for its own fault or the guest's double fault" \
	bash -c "! grep -qE 'FATAL|double fault' '$LOG'"
R >"$LOG.records"
epc=$(sed -n 's/^unexpected trap: scause 0x[57] stval 0x[0-9a-f]* sepc \(0x[0-9a-f]*\)$/\1/p' "$LOG")
check "fetch fault: the trace has the guest-page fault at $epc, the injected access fault and the entry at the guest's vector" \
	bash -c "grep -A2 -E ' exit +(load|store/AMO) guest-page fault .*sepc=${epc:-none} ' '$LOG.records' |
		tr '\\n' ' ' | grep -qE ' exc +inject (load|store/AMO) access fault .*vstvec=(0x[0-9a-f]+) .* entry +pc=\\2 '"

# tv.fault_test=fetch_second reads a 32-bit instruction's first halfword
# where it is and its second at GVA 0: the read that faults is then the
# second one (.Lfetch_second), which hyp_self_trap must know as well. A
# compressed instruction takes one read and is emulated as always, so
# the guest's device accesses go on until its first 32-bit one.
boot fetch-second --hyp "$FT" --append "tv.fault_test=fetch_second"
has "fetch fault, second halfword: a device access of the guest is its access fault" \
	"^unexpected trap: scause 0x[57] stval 0x[0-9a-f]+ sepc 0x[0-9a-f]+$"
has "fetch fault, second halfword: the guest ran on in VS-mode and shut itself down" \
	"^tracevisor: guest stopped \\(shutdown, reason 1\\)"
check "fetch fault, second halfword: the hypervisor took none of it for its own fault or the guest's double fault" \
	bash -c "! grep -qE 'FATAL|double fault' '$LOG'"
R >"$LOG.records"
epc=$(sed -n 's/^unexpected trap: scause 0x[57] stval 0x[0-9a-f]* sepc \(0x[0-9a-f]*\)$/\1/p' "$LOG" | head -1)
check "fetch fault, second halfword: the trace has the guest-page fault at $epc, the injected access fault and the entry at the guest's vector" \
	bash -c "grep -A2 -E ' exit +(load|store/AMO) guest-page fault .*sepc=${epc:-none} ' '$LOG.records' |
		tr '\\n' ' ' | grep -qE ' exc +inject (load|store/AMO) access fault .*vstvec=(0x[0-9a-f]+) .* entry +pc=\\2 '"
# What came before it: the accesses of compressed instructions, emulated
# (one read each), the same as in the run with every read where it is.
sed -n "0,/sepc=${epc:-none} /p" "$LOG.records" | mmio_list >"$LOGDIR/fetch-second.mmio"
n=$(wc -l <"$LOGDIR/fetch-second.mmio")
check "fetch fault, second halfword: the $n device accesses before it were emulated as with every read where it is" \
	bash -c "[ -n '$epc' ] && [ $n -ge 1 ] && head -n $n '$LOGDIR/htval-given.mmio' | cmp -s - '$LOGDIR/fetch-second.mmio'"

# Linux: Sv57/Sv48 tables of its own, RAM first touched through them.
if "$ROOT/scripts/fetch-linux.sh" >"$LOGDIR/fetch-linux.log" 2>&1; then
	BOOT_TIMEOUT=300 boot htval0-linux --linux --hyp "$FT" --append "tv.fault_test=htval0"
	status_is "Linux, htval 0: QEMU exits 0 (guest powered off)" 0
	has "Linux, htval 0: reached userspace" "^tvguest: linux guest reached userspace$"
	has "Linux, htval 0: the workload ran" "^tvguest: linux guest workload done$"
	has "Linux, htval 0: the 8250 driver found the emulated 16550A" "ttyS0 at MMIO 0x10000000 .* is a 16550A"
	R >"$LOG.records"
	check "Linux, htval 0: its UART accesses through the kernel's mappings reached the UART" \
		bash -c "grep -E ' mmio +(read|write)' '$LOG.records' | grep -c 'gpa=0x1000000[0-7]' | awk '\$1 >= 100 { ok = 1 } END { exit !ok }'"
else
	echo "not ok - fetching the Linux kernel and busybox (see $LOGDIR/fetch-linux.log)"
fi
