#!/bin/bash
# A VMID shared by two VMs on a time-shared hart (tv.vmid_bits=1: VM 0 gets
# VMID 1, VMs 1 and 2 share VMID 0, as on a hart whose VMIDLEN is 1). The
# TLB tags guest translations with hgatp's VMID only ("if a VMID is reused,
# it may be necessary to execute an HFENCE.GVMA instruction", hypervisor
# chapter, hgatp): whenever VM 1 or VM 2 is switched in after the other ran
# under VMID 0 on that hart, the switch must flush, also when VM 0 (VMID 1)
# ran in between - round robin's vm1 -> vm2 -> vm0 -> vm1 leaves VM 2's
# translations tagged VMID 0 for VM 1 at the switch vm0 -> vm1.
source "$(dirname "$0")/lib.sh"

col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }

boot vmid-reuse --smp 1 --append "tv.vm1=guest:test,harts:0 tv.vm2=guest:test,harts:0 tv.vmid_bits=1 tv.ring=65536"
status_is "three VMs on one hart, one VMID bit: QEMU exits 0" 0
has "one VMID bit: VM 0 has VMID 1" "^tracevisor: VM 0: G-stage Sv[0-9]+x4, VMID 1 \(1 VMID bits, tv.vmid_bits\)"
has "one VMID bit: VM 1 has VMID 0" "^tracevisor: VM 1: G-stage Sv[0-9]+x4, VMID 0 \(1 VMID bits, tv.vmid_bits\)"
has "one VMID bit: VM 2 has VMID 0" "^tracevisor: VM 2: G-stage Sv[0-9]+x4, VMID 0 \(1 VMID bits, tv.vmid_bits\)"
for vm in vm0 vm1 vm2; do
	has "one VMID bit: $vm's test guest passes every step" "^\[$vm\] guest: ([0-9]+) of \1 steps passed$"
done
"$TVTRACE" --csv "$LOG.csv" "$LOG" 2>/dev/null

# Walk hart 0's switch records (none lost): the VM that last ran under
# each VMID; a switch to a VM must flush exactly when another VM ran last
# under its VMID. Prints "<wrong> <flushes needed with another VMID between>".
walk() {
	local H K VM A0 A5
	H=$(col "$LOG.csv" hart) K=$(col "$LOG.csv" kind) VM=$(col "$LOG.csv" vm)
	A0=$(col "$LOG.csv" arg0) A5=$(col "$LOG.csv" arg5)
	awk -F, -v H="$H" -v K="$K" -v VM="$VM" -v A0="$A0" -v A5="$A5" '
		BEGIN { vmid[0] = 1; vmid[1] = 0; vmid[2] = 0 }
		NR == 1 || $H != 0 { next }
		$K == "lost" { lost++ }
		$K != "switch" { next }
		{
			from = $VM + 0; to = $A0 + 0
			if (!started) { owner[vmid[from]] = from; started = 1 }
			want = (vmid[to] in owner) && owner[vmid[to]] != to
			if (want && vmid[from] != vmid[to]) between++
			if (want != ($A5 + 0)) wrong++
			owner[vmid[to]] = to; n++
		}
		END { print (lost ? "lost" : wrong + 0), between + 0, n + 0 }' "$LOG.csv"
}
read -r WRONG BETWEEN N < <(walk)
check "one VMID bit: hart 0 switched often ($N switch records, none lost)" \
	test "$WRONG" != lost -a "${N:-0}" -ge 6
check "one VMID bit: the switch order put VM 0 between VM 1 and VM 2 ($BETWEEN times)" \
	test "${BETWEEN:-0}" -ge 1
check "one VMID bit: each switch flushed exactly when another VM last ran under the VMID ($WRONG wrong)" \
	test "$WRONG" = 0
