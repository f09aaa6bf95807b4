#!/bin/bash
# Several VMs, each on harts of its own (tv.vmN=..., README.md "Several
# VMs"): the test guest as VM 0 and the hostile guest as VM 1. The test
# guest must pass every step while the hostile one attacks; each VM has
# its own VMID, devices and console prefix; what each did is in the trace
# under its own VM; VM 1 cannot steer the trace; one VM's shutdown stops
# that VM only; the hypervisor's lines about a vCPU name its VM. Bad
# descriptions are refused before any guest runs.
source "$(dirname "$0")/lib.sh"

boot vms-two --smp 2 --append "tv.vm1=guest:hostile,name:attacker"
status_is "two VMs: QEMU exits 0" 0
has "two VMs: VM 0 placed on slot 0" "^tracevisor: VM 0 'vm0': 1 vCPU\(s\) on hart slot\(s\) 0-0 \(harts of its own\)$"
has "two VMs: VM 1 placed on slot 1" "^tracevisor: VM 1 'attacker': 1 vCPU\(s\) on hart slot\(s\) 1-1 \(harts of its own\)$"
has "two VMs: VM 0 has VMID 1" "^tracevisor: VM 0: G-stage Sv[0-9]+x4, VMID 1 "
has "two VMs: VM 1 has VMID 2" "^tracevisor: VM 1: G-stage Sv[0-9]+x4, VMID 2 "
# [lo, hi) of a VM's guest RAM in host memory, from its log line.
host_ram() {
	local g0 g1 h
	read -r g0 g1 h < <(grep -oE "^tracevisor: VM $1: guest RAM GPA 0x[0-9a-f]+-0x[0-9a-f]+ at host 0x[0-9a-f]+" "$LOG" |
		sed -E 's/.*GPA (0x[0-9a-f]+)-(0x[0-9a-f]+) at host (0x[0-9a-f]+)/\1 \2 \3/')
	[ -n "$h" ] && echo $((h)) $((h + g1 - g0 + 1))
}
apart() {
	local a b
	a=($(host_ram 0)) b=($(host_ram 1))
	[ ${#a[@]} = 2 ] && [ ${#b[@]} = 2 ] && { [ "${a[1]}" -le "${b[0]}" ] || [ "${b[1]}" -le "${a[0]}" ]; }
}
check "two VMs: their guest RAM does not overlap in host memory" apart
has "two VMs: the test guest passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "two VMs: the hostile guest ran its attacks with none escaping" "^\[attacker\] hostile: [0-9]+ attempts, 0 escapes$"
hasnt "two VMs: no guest line without its VM's prefix" "^(guest|hostile|step [0-9]+):"
has "two VMs: VM 0's shutdown stopped VM 0 only" "^tracevisor: \[vm0\] VM 0 stopped; the other VMs run on$"
has "two VMs: VM 1's guest stopped too" "^tracevisor: \[attacker\] guest stopped \(shutdown"
check "two VMs: one shutdown dump, after both VMs stopped" bash -c "
	test \$(grep -c '^tracevisor: trace dump .*(guest shutdown)' '$LOG') = 1 &&
	a=\$(grep -n 'guest stopped' '$LOG' | tail -1 | cut -d: -f1) &&
	d=\$(grep -n '(guest shutdown)' '$LOG' | cut -d: -f1) && [ \$a -lt \$d ]"
has "two VMs: success" "^tracevisor: shutting down: success$"
R() { "$TVTRACE" "$LOG" 2>/dev/null; }
R >"$LOG.records"
# Each hart's records belong to one VM, and each VM's to one hart.
check "two VMs: records of both VMs, each hart serving one VM" awk '
	$4 == "exit" { split($3, id, "-"); pair[$2] = pair[$2] " " id[1]; seen[id[1]] = 1 }
	END {
		for (h in pair) { n = split(pair[h], v, " "); for (i = 2; i <= n; i++) if (v[i] != v[1]) exit 1; owner[v[1]]++ }
		nv = 0; for (k in seen) nv++
		for (k in owner) if (owner[k] != 1) exit 1
		exit nv != 2 }' "$LOG.records"
check "two VMs: VM 1 may not steer the trace (its trace_start and trace_dump are DENIED)" bash -c "
	grep -q 'vm1-vcpu0 sbi     TVT.trace_start(.*-> SBI_ERR_DENIED' '$LOG.records' &&
	grep -q 'vm1-vcpu0 sbi     TVT.trace_dump(.*-> SBI_ERR_DENIED' '$LOG.records' &&
	! grep -Eq 'vm1-vcpu0 sbi     TVT.trace_(start|stop|dump|filter)\(.*-> SBI_SUCCESS' '$LOG.records'"
check "two VMs: VM 0 keeps its trace control" bash -c "
	! grep -q 'vm0-vcpu0 sbi     TVT.*SBI_ERR_DENIED' '$LOG.records'"
"$TVTRACE" -s "$LOG" >"$LOG.summary" 2>"$LOG.summary.err"
check "two VMs: the summary has a section per VM" bash -c "
	grep -q '^Analyze events for vm0:\$' '$LOG.summary' && grep -q '^Analyze events for vm1:\$' '$LOG.summary'"
# A VM's section counts what its vCPUs' sections count (one vCPU each here).
check "two VMs: each VM's total equals its vCPU's" bash -c "
	for v in 0 1; do
		a=\$(awk -v h=\"Analyze events for vm\$v:\" '\$0 == h { f = 1 } f && \$1 == \"Total\" { print \$2; exit }' '$LOG.summary')
		b=\$(awk -v h=\"Analyze events for vm\$v-vcpu0:\" '\$0 == h { f = 1 } f && \$1 == \"Total\" { print \$2; exit }' '$LOG.summary')
		[ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ] && [ \"\$a\" -gt 0 ] || exit 1
	done"
check "two VMs: the attacker's forged frames are rejected, the dump is whole" bash -c "
	grep -q 'rejected .* frame-like lines not written by the hypervisor' '$LOG.summary.err' &&
	grep -q 'complete\$' '$LOG.summary'"

# make run VMS=2's description: two test guests, both pass.
boot vms-test-test --smp 2 --append "tv.vm1=guest:test"
status_is "two test guests: QEMU exits 0" 0
has "two test guests: VM 0 passes" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "two test guests: VM 1 passes" "^\[vm1\] guest: ([0-9]+) of \1 steps passed$"
has "two test guests: VM 1 is told it does not own the trace" "^\[vm1\]     trace control denied: another VM owns the trace"
hasnt "two test guests: VM 0 owns it" "^\[vm0\]     trace control denied"

# One VM fails (the hostile guest's double fault: the hypervisor stops
# that guest): the other runs to its end, then the run fails and its exit
# status names the VM (its id + 1).
boot vms-fail --smp 2 --append "tv.vm1=guest:hostile hostile=doublefault"
status_is "VM 1 fails: QEMU exits 2 (VM 1 + 1)" 2
has "VM 1 fails: the hypervisor stopped VM 1's guest" "^tracevisor: \[vm1\] guest stopped \(fault"
has "VM 1 fails: VM 0 still ran all its steps" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "VM 1 fails: named as the failure" "^tracevisor: VM 1 \('vm1'\) failed first$"
has "VM 1 fails: the run fails" "^tracevisor: shutting down: failure$"

# tv.control_vm=0: VM 0's stop ends the run, the hostile VM 1 is stopped
# in the middle of its attacks (it never reaches its summary line).
boot vms-control --smp 2 --append "tv.vm1=guest:hostile tv.control_vm=0"
status_is "control VM: QEMU exits 0" 0
has "control VM: VM 0 passes" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "control VM: VM 0's stop stops the others" "^tracevisor: \[vm0\] VM 0 controls the run \(tv.control_vm\): the other VMs stop$"
hasnt "control VM: VM 1 did not run to its end" "^\[vm1\] hostile: [0-9]+ attempts"
hasnt "control VM: VM 0 did not wait for VM 1" "VM 0 stopped; the other VMs run on"
has "control VM: one dump, success" "^tracevisor: shutting down: success$"
# VM 1 is parked in an exit (the stop's IPI, or a call it waited in):
# no entry ends it, so the park itself records it (smp_park()).
"$TVTRACE" "$LOG" >"$LOG.records" 2>/dev/null
check "control VM: VM 1's last record is the exit it was stopped in" bash -c "
	grep 'vm1-vcpu0 ' '$LOG.records' | grep -E ' (exit|entry|sbi|mmio|exc|irq) ' |
		tail -1 | grep -q ' exit '"

# Every allocation of the hypervisor counts as its memory (hyp/core/mem.c):
# the boot-time check that no G-stage leaf reaches it, and the ranges the
# test device gives the attacks, see them all. Four VMs of two vCPUs on
# eight harts make more allocations (eight trace rings, four G-stage roots
# and their tables) than the list had entries; the roots of VM 0 and VM 1
# were left out. Each VM's root must lie in a listed range.
boot vms-four --smp 8 --mem 1G --append "tv.vcpus=2 tv.vm1=vcpus:2 tv.vm2=vcpus:2 tv.vm3=vcpus:2"
status_is "four VMs of two vCPUs: QEMU exits 0" 0
for vm in vm0 vm1 vm2 vm3; do
	has "four VMs of two vCPUs: $vm's test guest passes every step" "^\[$vm\] guest: ([0-9]+) of \1 steps passed$"
done
roots_listed() {
	local root lo hi ok n=0
	for root in $(sed -nE 's/^tracevisor: VM [0-9]: G-stage .*, root (0x[0-9a-f]+), .*/\1/p' "$LOG"); do
		ok=
		while read -r lo hi; do
			[ $((lo)) -le $((root)) ] && [ $((root + 16383)) -le $((hi)) ] && ok=1
		done < <(sed -nE 's/^tracevisor: hypervisor memory (0x[0-9a-f]+)-(0x[0-9a-f]+)$/\1 \2/p' "$LOG")
		[ -n "$ok" ] || { echo "root $root in no hypervisor range"; return 1; }
		n=$((n + 1))
	done
	[ "$n" = 4 ]
}
check "four VMs of two vCPUs: every VM's G-stage root is listed as hypervisor memory" roots_listed

# The hypervisor's lines about a vCPU name its VM: with several VMs each
# has a vCPU 0, and a stall of VM 1's must not read as VM 0's. VM 1 spins
# with no exits (hostile=spin) and is not stopped: QEMU runs to the boot's
# timeout (status 124), as in test_hostile.sh. The watchdog ticks VM 0's
# vCPU too, and on a hart of its own the test guest counts every exit in
# its exact counts: its first tick (2 s) comes long after its last step
# (about 0.3 s from its start; 500 ms left a slow machine too little).
BOOT_TIMEOUT=10 boot vms-watchdog --smp 2 --append "tv.vm1=guest:hostile tv.watchdog=2000 hostile=spin"
status_is "a VM that stalls: QEMU runs to the timeout" 124
has "a VM that stalls: VM 0's test guest passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "a VM that stalls: VM 1 spins" "^\[vm1\] hostile: variant spin"
has "a VM that stalls: the watchdog's line names VM 1" \
	"^tracevisor: \[vm1\] watchdog: vCPU 0 made no exit in 2000 ms; it runs at pc 0x[0-9a-f]+$"
hasnt "a VM that stalls: no watchdog line without its VM" "^tracevisor: watchdog: "

# A VM's own command line: tv.vmN's last item cmdline: takes the rest of
# the value, commas included, and blanks where the value is quoted (as
# Linux reads `name="a b"`). virt-hello (the image of VM 0, run by VM 1
# and VM 2 too: guest:image) prints the bootargs its /chosen holds. VM 0
# sees the host's words that are not tv.*, a quoted one whole; VM 2's
# empty cmdline gives it none.
own='console=ttyS0,115200  quiet tv.ring=64'
boot vms-cmdline --smp 3 --image "$ROOT/build/virt-hello.elf" \
	--append "console=ttyS0 x=\"a b\" tv.vcpus=1 tv.vm1=\"guest:image,name:own,cmdline:$own\" tv.vm2=guest:image,cmdline: last"
status_is "own cmdline: QEMU exits 0" 0
# each VM's console text, prefix off and lines joined (a line may be split
# where another VM's comes between)
for n in vm0 own vm2; do grep "^\[$n\] " "$LOG" | sed "s/^\[$n\] //" | tr -d '\n' >"$LOG.$n"; done
check "own cmdline: VM 1 sees exactly its cmdline:, commas and blanks kept" \
	grep -qF "virt-hello: bootargs \"$own\"virt-hello: " "$LOG.own"
check "own cmdline: VM 0 sees the host's other words, the quoted one whole" \
	grep -qF 'virt-hello: bootargs "console=ttyS0 x="a b" last"virt-hello: ' "$LOG.vm0"
check "own cmdline: VM 2's empty cmdline: gives it no bootargs" \
	grep -qF "virt-hello: no bootargsvirt-hello: " "$LOG.vm2"
has "own cmdline: the hypervisor says where VM 1's come from" \
	"^tracevisor: VM 1: bootargs: its own, ${#own} bytes \(tv.vm1\)$"
has "own cmdline: a tv.* word in it is named as the guest's" \
	"^tracevisor: tv.vm1: bootargs word 'tv.ring=64' goes to VM 1's guest as it is "
check "own cmdline: and the hypervisor does not take it (its ring is not 64 slots)" \
	bash -c "grep -Eq '^tracevisor: entering the guest .*, ring [0-9]+ slots' '$LOG' && ! grep -q 'ring 64 slots' '$LOG'"
for n in vm0 own vm2; do
	has "own cmdline: $n's PASS stopped it" "^tracevisor: \[$n\] the guest wrote PASS \(0x5555\) to its test finisher$"
done

# Refused before any guest runs: each with its reason, QEMU exits non-zero.
refused() {
	local name="$1" smp="$2" args="$3" pattern="$4"
	boot "vms-bad-$name" --smp "$smp" --append "$args"
	check "refused ($name): QEMU exits non-zero" test "$STATUS" != 0
	has "refused ($name): the reason is named" "$pattern"
	hasnt "refused ($name): no guest ran" "guest: |entering the guest"
}
refused gap 2 "tv.vm2=guest:test" "tv.vm2 is described but tv.vm1 is not"
refused unknown-key 2 "tv.vm1=guest:test,colour:blue" "tv.vm1: unknown key 'colour' \(guest, vcpus, mem, name, harts, and last cmdline\)"
refused bad-guest 2 "tv.vm1=guest:validate" "tv.vm1: guest:validate is not a guest a second VM can run"
refused image-without-image 2 "tv.vm1=guest:image" "tv.vm1: guest:image runs VM 0's image \(tv.image\), and VM 0 has none"
refused too-many 2 "tv.vm1=guest:test,vcpus:2" "tv.vm1 asks for 2 hart\(s\) of its own, but no 2 hart slot\(s\) in a row are free of other vCPUs among the 2 that reached the hypervisor \(run QEMU with more -smp, or share harts: harts:S\)"
refused same-name 2 "tv.vm1=name:vm0" "VMs 0 and 1 are both named 'vm0'"
refused twice 3 "tv.vm1=guest:test tv.vm1=guest:hostile" "tv.vm1 is described twice"
refused number 2 "tv.vm7=guest:test" "tv.vm7: VMs are numbered 1 to 3 here"
refused control 2 "tv.vm1=guest:test tv.control_vm=2" "tv.control_vm=2: there is no VM 2"
