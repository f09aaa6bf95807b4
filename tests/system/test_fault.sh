#!/bin/bash
# A fault in the hypervisor itself (provoked by the test-only build
# hyp-faulttest.bin with tv.fault_test=1: a load from the firmware's
# PMP-protected memory on the 40th exit) is reported in plain words with
# the registers, followed by a flight-recorder dump that tvtrace decodes,
# and the machine stops with a failure status.
source "$(dirname "$0")/lib.sh"

boot hyp-fault --hyp "$ROOT/build/hyp-faulttest.bin" --append "tv.fault_test=1"
check "QEMU exits non-zero" test "$STATUS" != 0
has "the fault is named in plain words" \
	"FATAL: the hypervisor itself took a trap: load access fault \(scause 0x5\)"
has "the faulting address is the firmware's" "stval 0x80000000"
has "registers are printed" "^ +ra [0-9a-f]{16} +sp [0-9a-f]{16}"
has "flight recorder announced" "flight recorder: the last records of every hart follow"
has "shutdown with a failure reason" "shutting down: failure \(hypervisor fault\)"
R="$LOGDIR/hyp-fault.records"
"$TVTRACE" --records "$LOG" >"$R" 2>"$R.err"
check "tvtrace decodes the flight-recorder dump" test $? = 0
check "the dump says why it was taken" grep -q 'hypervisor fault' "$R"
check "it holds the last 39 exits before the faulting one" \
	test "$(grep -c ' exit ' "$R")" = 39
check "its last record is an entry: the 40th exit faulted before being recorded" \
	bash -c "grep -E ' (exit|entry|sbi|mmio|exc|irq) ' '$R' | tail -1 | grep -q ' entry '"
check "the ring ends with the stop: guest stopped by the hypervisor fault (scause 5)" \
	bash -c "grep -E ' (exit|entry|sbi|mmio|exc|irq|stop) ' '$R' | tail -1 |
		grep -q ' stop .*guest stopped: hypervisor fault detail=0x5$'"

# The same build without the option runs normally.
boot hyp-fault-off --hyp "$ROOT/build/hyp-faulttest.bin"
check "fault-test build without tv.fault_test=1 passes" test "$STATUS" = 0

# A G-stage leaf that reaches another VM's RAM: the boot-time check of
# every VM's leaves (hyp/core/vm.c, check_leaf) stops the machine before
# any guest runs. The test-only build maps one page above VM 0's RAM onto
# VM 1's (tv.fault_test=leaf).
boot leaf --hyp "$ROOT/build/hyp-faulttest.bin" --smp 2 \
	--append "tv.vm1=guest:test tv.fault_test=leaf"
check "stray leaf: QEMU exits non-zero" test "$STATUS" != 0
vm1=$(sed -nE 's/^tracevisor: VM 1: guest RAM GPA .* at host (0x[0-9a-f]+)$/\1/p' "$LOG")
vm0=$(sed -nE 's/^tracevisor: VM 0: guest RAM GPA 0x[0-9a-f]+-(0x[0-9a-f]+) at host (0x[0-9a-f]+)$/\2/p' "$LOG")
check "stray leaf: both VMs' RAM was placed" test -n "$vm1" -a -n "$vm0"
has "stray leaf: the leaf into VM 1's RAM is named, with VM 0's own" \
	"^tracevisor: FATAL: VM 0: G-stage maps GPA 0x[0-9a-f]+ to host memory ${vm1:-none}-0x[0-9a-f]+, outside its RAM ${vm0:-none}-0x[0-9a-f]+$"
check "stray leaf: no guest ran" bash -c "! grep -qE '^tracevisor: entering the guest|^guest:' '$LOG'"
has "stray leaf: shutdown with a failure" "^tracevisor: shutting down: failure"
