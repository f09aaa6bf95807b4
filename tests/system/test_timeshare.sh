#!/bin/bash
# Time-shared harts (tv.vmN=...,harts:S; README.md "Several VMs"): vCPUs of
# several VMs take turns on one hart under the round-robin scheduler
# (hyp/core/sched.c). The test guest must pass every step while the
# hostile guest attacks from the same hart; the trace must show every
# switch, and between two switches only the vCPU switched in may have
# exits; steal time must come from the scheduler; VMs without VMID bits
# of their own must still be kept apart (tv.vmids=off flushes at each
# switch); SMP guests on shared harts must keep their IPIs, fences and
# HSM starts; a placement that cannot be met is refused.
source "$(dirname "$0")/lib.sh"

# Column number of a CSV header field.
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }

# The checks on one time-shared run's CSV export ($1), hart 0 serving
# VMs $2 and $3 (vCPU 0 each): switch records from both sides, each
# naming the vCPU whose exits follow, a vCPU's exits only in its turns.
trace_checks() {
	local csv="$1" what="$2"
	local H K VM VC A0 A1 A2 A3 A5
	H=$(col "$csv" hart) K=$(col "$csv" kind) VM=$(col "$csv" vm) VC=$(col "$csv" vcpu)
	A0=$(col "$csv" arg0) A1=$(col "$csv" arg1) A2=$(col "$csv" arg2)
	A3=$(col "$csv" arg3) A5=$(col "$csv" arg5)
	check "$what: switch records from both VMs on hart 0" awk -F, -v H="$H" -v K="$K" -v VM="$VM" '
		$H == 0 && $K == "switch" { n[$VM]++ }
		END { exit !(n[0] >= 2 && n[1] >= 2) }' "$csv"
	# Walk hart 0: after a switch to vmV-vcpuC, every exit, entry, SBI
	# or MMIO record until the next switch is vmV-vcpuC's (events such
	# as an interrupt raised for a vCPU that is switched out may carry
	# another vCPU), and each switch comes from the vCPU that had the
	# hart.
	check "$what: between two switches only the vCPU switched in has exits" awk -F, \
		-v H="$H" -v K="$K" -v VM="$VM" -v VC="$VC" -v A0="$A0" -v A1="$A1" '
		NR == 1 || $H != 0 { next }
		$K == "lost" { owner = ""; next }
		$K == "switch" {
			me = $VM "-" $VC
			if (owner != "" && me != owner) bad++
			owner = ($A0 + 0) "-" ($A1 + 0); switches++; next }
		$K ~ /^(exit|entry|sbi|mmio)$/ && owner != "" && $VM "-" $VC != owner { bad++ }
		END { exit !(switches >= 4 && bad == 0) }' "$csv"
	check "$what: the slice ends turns, and ran time is recorded" awk -F, -v K="$K" -v A2="$A2" -v A3="$A3" '
		$K == "switch" && ($A2 + 0) == 1 { slice++; if (($A3 + 0) > 0) ran++ }
		END { exit !(slice >= 2 && ran == slice) }' "$csv"
	check "$what: the test guest's WFI gives the hart away (reason wait)" awk -F, -v K="$K" -v VM="$VM" -v A2="$A2" '
		$K == "switch" && $VM == 0 && ($A2 + 0) == 2 { w++ } END { exit !(w >= 1) }' "$csv"
	SWITCH_FLUSH=$(awk -F, -v K="$K" -v A5="$A5" '$K == "switch" { n++; f += ($A5 + 0) } END { print f "/" n }' "$csv")
}

# --- the test guest and the hostile guest on one hart, to the end ------
boot ts-hostile --smp 1 --append "tv.vm1=guest:hostile,harts:0,name:attacker"
status_is "one hart, two VMs: QEMU exits 0" 0
has "one hart, two VMs: VM 1 placed on VM 0's hart" "^tracevisor: VM 1 'attacker': 1 vCPU\(s\) on hart slot\(s\) 0-0 \(harts:, time-shared\)$"
has "one hart, two VMs: the hart is named time-shared with both" "^tracevisor: hart slot 0 is time-shared, round robin with a 10 ms slice: vm0-vcpu0, attacker-vcpu0$"
has "one hart, two VMs: own VMIDs" "^tracevisor: VM 1: G-stage Sv[0-9]+x4, VMID 2 "
has "one hart, two VMs: the test guest knows it shares its hart" "^\[vm0\] guest: our hart is time-shared by 2 vCPUs"
has "one hart, two VMs: the test guest passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "one hart, two VMs: the hostile guest ran its attacks with none escaping" "^\[attacker\] hostile: [0-9]+ attempts, 0 escapes$"
has "one hart, two VMs: VM 0's stop leaves the hart to VM 1" "^tracevisor: \[vm0\] VM 0 stopped; the other VMs run on$"
has "one hart, two VMs: success" "^tracevisor: shutting down: success$"
# Steal time from the scheduler: while the test guest spins 100 ms, the
# busy hostile guest gets turns, and the test guest is told (STA).
steal_share() {
	local s t
	read -r s t < <(sed -nE 's/^\[vm0\]     time-shared hart: steal ([0-9]+) ns of a ([0-9]+) ns spin$/\1 \2/p' "$LOG")
	[ -n "$t" ] && [ "$s" -gt $((t / 5)) ] && [ "$s" -lt "$t" ]
}
check "one hart, two VMs: steal time is the other VM's share of a spin (20% to 100%)" steal_share

# --- the same, ended by VM 0 (tv.control_vm) so that the ring holds both
boot ts-trace --smp 1 --append "tv.vm1=guest:hostile,harts:0,name:attacker tv.control_vm=0 tv.ring=16384"
status_is "trace of a shared hart: QEMU exits 0" 0
"$TVTRACE" --csv "$LOG.csv" "$LOG" 2>/dev/null
trace_checks "$LOG.csv" "trace of a shared hart"
check "trace of a shared hart: VMs with VMIDs of their own need no flush" test "${SWITCH_FLUSH%/*}" = 0
"$TVTRACE" -s "$LOG" >"$LOG.summary" 2>/dev/null
check "trace of a shared hart: the summary has a section per VM" bash -c "
	grep -q '^Analyze events for vm0:\$' '$LOG.summary' && grep -q '^Analyze events for vm1:\$' '$LOG.summary'"
# The summary's switch table counts what the records hold.
summary_switches() {
	local n s
	n=$(awk -F, -v K="$(col "$LOG.csv" kind)" '$K == "switch"' "$LOG.csv" | wc -l)
	s=$(sed -nE 's/^  hart 0: ([0-9]+) switches .*/\1/p' "$LOG.summary")
	[ -n "$s" ] && [ "$s" = "$n" ] && [ "$n" -ge 4 ]
}
check "trace of a shared hart: tvtrace -s counts every switch record of hart 0" summary_switches
"$TVTRACE" --explain "$LOG" >"$LOG.explain" 2>/dev/null
check "trace of a shared hart: --explain teaches the world switch (VS CSRs, hgatp's VMID)" bash -c "
	grep -q 'switch  world switch: the hart leaves vm0-vcpu0 for vm1-vcpu0' '$LOG.explain' &&
	grep -q 'VMID 2' '$LOG.explain'"

# --- two hostile guests on one hart: what one leaves in the hart's ------
# registers (FP, fcsr, sscratch, scounteren, senvcfg) never reaches the
# other, not even at its first entry, and
# what each keeps there survives the other's turns (guest/hostile/shared.c)
boot ts-two-hostile --smp 1 --append "tv.guest=hostile tv.vm1=guest:hostile,harts:0"
status_is "two hostile guests on one hart: QEMU exits 0" 0
for vm in vm0 vm1; do
	# (vcpu_init() resets them: the one entered second found the first's)
	has "two hostile guests: $vm found no FP register or CSR of the other at its first entry" \
		"^\[$vm\] attempt [0-9]+: f0-f31, fcsr, scounteren and senvcfg at our vCPU's first entry: 0 of 35 left by another .* - contained$"
	has "two hostile guests: $vm's FP registers and fcsr are its own after the other's turns" \
		"^\[$vm\] attempt [0-9]+: f0-f31 and fcsr across other VMs' turns on our hart: 32 of 32 registers ours at worst, frm lost 0 times, in [0-9]+ rounds .* - contained$"
	has "two hostile guests: $vm's sscratch and scounteren are its own after the other's turns" \
		"^\[$vm\] attempt [0-9]+: sscratch and scounteren across other VMs' turns: lost in 0 of [0-9]+ rounds, .* - contained$"
	# (the SBI PMU's cycle, started by the guest, counts only its own
	# turns: hyp/sbi/sbi_pmu_hw.c, sbi_pmu_switch)
	has "two hostile guests: $vm's PMU cycle counter counts its own turns, not the other's" \
		"^\[$vm\] attempt [0-9]+: the PMU's cycle counter across other VMs' turns on our hart: start 0; .* - contained$"
	has "two hostile guests: $vm has no escape" "^\[$vm\] hostile: [0-9]+ attempts, 0 escapes$"
	# Lines begun before the other VM's turns and ended after them
	# (legacy putchar, one exit a byte): whole, under their own VM's name.
	id=${vm#vm}
	check "two hostile guests: $vm's console lines across the other's turns are whole and its own" \
		test "$(grep -cE "^\[$vm\] hostile: VM $id's console line ([0-9]), begun before other VMs' turns and ended after them \(VM $id, line \1\)$" "$LOG")" = 8
	has "two hostile guests: $vm's console lines came with the other's turns in their middle" \
		"^\[$vm\] attempt [0-9]+: console lines across other VMs' turns .* - contained$"
done

# --- the same with the vector extension: v0-v7 and vstart ---------------
# Each hostile guest leaves vstart nonzero across the other's turns: the
# switch must save and load the vector registers whole (hyp/arch/switch.S
# zeroes vstart around them; before, vs8r.v kept only the bytes from
# vstart on and the first 16 bytes of v0 came back stale), and an illegal
# vtype (vill) must come back as it was, without upsetting the switch.
boot ts-two-hostile-v --smp 1 --cpu rv64,v=true --append "tv.guest=hostile tv.vm1=guest:hostile,harts:0"
status_is "two hostile guests with V: QEMU exits 0" 0
for vm in vm0 vm1; do
	has "two hostile guests with V: $vm's v0-v7, vstart and vill are its own after the other's turns" \
		"^\[$vm\] attempt [0-9]+: v0-v7 with vstart 16, then vtype.vill, across other VMs' turns on our hart: ([0-9]+) of \1 bytes ours at worst, vstart lost 0 times, vill kept, .* - contained$"
	has "two hostile guests with V: $vm has no escape" "^\[$vm\] hostile: [0-9]+ attempts, 0 escapes$"
done

# --- the same on a hart with the AIA's Ssaia: siselect -----------------
# VS-mode's siselect is vsiselect, a VS CSR the guest reaches though its
# ISA leaves Ssaia out: the switch must keep it per vCPU and a vCPU's
# first entry must not find the other VM's (before, each VM read the
# other's value in 7 of 8 rounds).
boot ts-two-hostile-aia --smp 1 --aia 1 --append "tv.guest=hostile tv.vm1=guest:hostile,harts:0"
status_is "two hostile guests with Ssaia: QEMU exits 0" 0
for vm in vm0 vm1; do
	has "two hostile guests with Ssaia: $vm's siselect is its own, at first and after the other's turns" \
		"^\[$vm\] attempt [0-9]+: siselect \(vsiselect\) across other VMs' turns on our hart: 0 before our first write, lost in 0 of [0-9]+ rounds, .* - contained$"
	has "two hostile guests with Ssaia: $vm has no escape" "^\[$vm\] hostile: [0-9]+ attempts, 0 escapes$"
done

# --- no VMIDs to tell the VMs apart: each switch flushes ---------------
boot ts-novmid --smp 1 --append "tv.vm1=guest:test,harts:0 tv.vmids=off tv.control_vm=1 tv.ring=16384"
status_is "tv.vmids=off: QEMU exits 0" 0
has "tv.vmids=off: both VMs have VMID 0" "^tracevisor: VM 1: G-stage Sv[0-9]+x4, VMID 0 \([0-9]+ VMID bits, tv.vmids=off\)"
has "tv.vmids=off: VM 1's test guest passes every step" "^\[vm1\] guest: ([0-9]+) of \1 steps passed$"
"$TVTRACE" --csv "$LOG.csv" "$LOG" 2>/dev/null
flushed_all() {
	local K A5
	K=$(col "$LOG.csv" kind) A5=$(col "$LOG.csv" arg5)
	awk -F, -v K="$K" -v A5="$A5" '$K == "switch" { n++; f += ($A5 + 0) } END { exit !(n >= 2 && f == n) }' "$LOG.csv"
}
check "tv.vmids=off: every switch between the VMs flushed the TLB" flushed_all

# --- two SMP guests on two shared harts fencing each other at once -----
# Each vCPU waiting for a remote fence may wait for a vCPU switched out on
# the hart where the other VM's vCPU waits for it: the waits serve the
# switched-out vCPUs' fences too (before, each hit the 5 s limit and the
# call failed).
boot ts-fences --smp 2 --append "tv.guest=smp tv.vcpus=2 tv.vm1=guest:smp,vcpus:2,harts:0 smp.fences=3000"
status_is "crossed remote fences on shared harts: QEMU exits 0" 0
for vm in vm0 vm1; do
	has "crossed remote fences: $vm's 2 x 3000 fences all done" \
		"^\[$vm\] smp: fences: each of 2 vCPUs sent 3000 remote sfence.vma at once, 0 vCPU\(s\) had one fail$"
done
hasnt "crossed remote fences: none timed out" "did not complete a remote fence"

# --- two SMP guests on two shared harts, stopping at the same instant ---
# Every vCPU of both VMs calls SRST shutdown at 1 s. When the vCPUs
# running then are of different VMs, one takes the stop turn and waits for
# its other vCPU, switched out on the hart where the other VM's vCPU waits
# for the turn: that hart must stop the switched-out vCPU itself (before,
# it waited to be switched in, which never happened, and the stop went on
# without it after 5 s). Which vCPUs run at 1 s is up to the slices: a
# run has that crossing about half the time, so three runs.
for run in 1 2 3; do
	boot "ts-stop-race-$run" --smp 2 --append "tv.guest=smp tv.vcpus=2 tv.vm1=guest:smp,vcpus:2,harts:0 smp.shutdown_at=1000 tv.dump=none"
	status_is "stops of two VMs at once, run $run: QEMU exits 0" 0
	has "stops of two VMs at once, run $run: both VMs set their vCPUs to stop at 1 s" \
		"^\[vm1\] smp: shutdown race: all 2 vCPUs call SRST shutdown at time"
	check "stops of two VMs at once, run $run: each VM stopped once" \
		test "$(grep -cE '^tracevisor: \[vm[01]\] guest stopped \(shutdown' "$LOG")" = 2
	hasnt "stops of two VMs at once, run $run: no vCPU was waited for in vain" "did not stop in 5 s"
	has "stops of two VMs at once, run $run: success" "^tracevisor: shutting down: success$"
done

# --- two SMP guests on two shared harts ---------------------------------
boot ts-smp --smp 2 --append "tv.guest=smp tv.vcpus=2 tv.vm1=guest:smp,vcpus:2,harts:0"
status_is "two SMP guests, both harts shared: QEMU exits 0" 0
has "two SMP guests: hart 1 is time-shared" "^tracevisor: hart slot 1 is time-shared, round robin with a 10 ms slice: vm0-vcpu1, vm1-vcpu1$"
has "two SMP guests: VM 0 passes" "^\[vm0\] smp: 2 vCPUs, .*all checks passed$"
has "two SMP guests: VM 1 passes" "^\[vm1\] smp: 2 vCPUs, .*all checks passed$"
few_wakeups() {
	local n
	n=$(sed -nE 's/^tracevisor: \[vm[01]\] vCPU [01]: ([0-9]+) wake-ups while stopped$/\1/p' "$LOG")
	[ "$(echo "$n" | wc -w)" = 4 ] && for k in $n; do [ "$k" -lt 100 ] || return 1; done
}
check "two SMP guests: stopped vCPUs sleep (fewer than 100 wake-ups each)" few_wakeups

# --- a far deadline on a waiting vCPU ------------------------------------
# The guest's clock 10 ms behind the host's (tv.htimedelta = 2^64 - 100000).
# VM 1 sets its own stimecmp to 2^64 - 2 and waits in wfi with its timer
# interrupt enabled (hostile=farcmp): switched out, its deadline is timed
# on the hart's own timer in host time, which must not wrap to a time
# already passed. VM 0 (hostile=stoplate, tv.control_vm=0) must run its
# 300 ms and end the run with a few exits, not be starved by an HS timer
# interrupt at every entry.
BOOT_TIMEOUT=60 boot ts-farcmp --smp 1 --append "tv.guest=hostile hostile=stoplate tv.vm1=guest:hostile,harts:0,cmdline:hostile=farcmp tv.control_vm=0 tv.htimedelta=0xfffffffffffe7960"
status_is "far deadline: QEMU exits 0" 0
has "far deadline: VM 1 waits for its far deadline" "^\[vm1\] hostile: variant farcmp: "
N=$(sed -nE 's/^tracevisor: \[vm0\] guest stopped \(shutdown, reason 0\) after ([0-9]+) exits$/\1/p' "$LOG")
check "far deadline: VM 0 ran to its shutdown with few exits (${N:-none})" test "${N:-1000000}" -lt 1000
has "far deadline: success" "^tracevisor: shutting down: success$"

# --- refused before any guest runs ---------------------------------------
refused() {
	local name="$1" smp="$2" args="$3" pattern="$4"
	boot "ts-bad-$name" --smp "$smp" --append "$args"
	check "refused ($name): QEMU exits non-zero" test "$STATUS" != 0
	has "refused ($name): the reason is named" "$pattern"
	hasnt "refused ($name): no guest ran" "guest: |entering the guest"
}
refused past-harts 1 "tv.vm1=guest:test,harts:0,vcpus:2" "tv.vm1: 2 vCPU\(s\) time-shared from hart slot 0 need hart slots 0-1, but only 1 hart\(s\) reached the hypervisor"
refused bad-slot 1 "tv.vm1=guest:test,harts:x" "tv.vm1: harts:x is not a hart slot from 0 to 7"
