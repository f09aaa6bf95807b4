#!/bin/bash
# An unmodified Debian riscv64 kernel boots under the hypervisor to
# userspace, runs its workload and powers off through the test finisher
# (its syscon-poweroff driver, as on QEMU virt); the trace shows the exits
# this configuration should produce. It boots both through --linux and as
# any user's image would (--image, no tv.* option), on 1 and 4 vCPUs. The kernel and
# busybox come from Debian through scripts/fetch-linux.sh (cached outside
# the tree).
source "$(dirname "$0")/lib.sh"

if ! "$ROOT/scripts/fetch-linux.sh" >"$LOGDIR/fetch-linux.log" 2>&1; then
	echo "not ok - fetching the Linux kernel and busybox (see $LOGDIR/fetch-linux.log)"
	exit 0
fi
echo "ok - Linux kernel and initramfs fetched"

R() { "$TVTRACE" -r "$LOG" 2>/dev/null; }

# Default: Sstc passed through, so the guest's timer needs no exit. The
# init also suspends the system to RAM (tracevisor_suspend=1 reaches it
# as an environment variable), woken by the hypervisor's alarm 300 ms on.
BOOT_TIMEOUT=300 boot linux-sstc --linux --append "tv.suspend_alarm=300 tracevisor_suspend=1"
status_is "sstc: QEMU exits 0 (guest powered off, no failure)" 0
has "sstc: Linux reached userspace" "^tvguest: linux guest reached userspace$"
has "sstc: the workload ran" "^tvguest: linux guest workload done$"
has "sstc: Linux found its RAM at 0x80000000, like on virt" "node +0: \[mem 0x0000000080000000-0x000000008fffffff\]"
has "sstc: the power-off arrived at the test finisher (syscon-poweroff), as PASS" \
	"^tracevisor: the guest wrote PASS \(0x5555\) to its test finisher$"
has "sstc: the run stopped as a shutdown" "guest stopped \(shutdown, reason 21845\)"
has "sstc: /proc/cpuinfo lists hart 0" "^hart[[:space:]]+: 0$"
check "sstc: the guest's ISA has no H and has Sstc" bash -c "
	grep -E '^isa[[:space:]]+: ' '$LOG' | head -1 | grep -v '_h' | grep -q 'sstc'"
has "sstc: the 8250 driver found the emulated 16550A" "ttyS0 at MMIO 0x10000000 .* is a 16550A"
R >"$LOG.records"
check "sstc: tvtrace decodes the whole boot with nothing lost" bash -c "
	'$TVTRACE' -s '$LOG' | grep -q '^Lost records: 0'"
check "sstc: no SBI set_timer calls (the guest programs vstimecmp itself)" \
	bash -c "! grep -q 'TIME.set_timer' '$LOG.records'"
check "sstc: no HS timer interrupt exits" bash -c "! grep -q 'exit .*IRQ_S_TIMER' '$LOG.records'"
check "sstc: UART MMIO exits (THR writes, LSR reads)" bash -c "
	grep -q 'mmio .*write 1 byte gpa=0x10000000 ' '$LOG.records' &&
	grep -q 'mmio .*read 1 byte gpa=0x10000005 ' '$LOG.records'"
# (context 1: hart 0's S-mode context, after its M-mode one, as on virt)
check "sstc: PLIC claim and complete exits at hart 0's S-mode context (interrupt-driven UART)" bash -c "
	grep -q 'mmio .*read 4 bytes gpa=0xc201004 ' '$LOG.records' &&
	grep -q 'mmio .*write 4 bytes gpa=0xc201004 ' '$LOG.records'"
has "sstc: Linux's PLIC driver takes the S-mode contexts of the device tree" \
	"riscv-plic: interrupt-controller@c000000: mapped 31 interrupts with 1 handlers for 2 contexts"
check "sstc: VSEIP raised and lowered through hvip" bash -c "
	grep -q 'irq .*raise virtual supervisor external' '$LOG.records' &&
	grep -q 'irq .*lower virtual supervisor external' '$LOG.records'"
check "sstc: the power-off is the finisher write, the last MMIO record" bash -c "
	grep ' mmio ' '$LOG.records' | tail -1 | grep -q 'write 4 bytes gpa=0x100000 .*0x5555'"
N=$(sed -n 's/^tracevisor: guest RAM: \([0-9]*\) of 128 2 MiB blocks touched.*/\1/p' "$LOG")
check "sstc: Linux touched ${N:-?} of its 128 blocks of RAM: the others were never zeroed" \
	test "${N:-128}" -lt 128
check "sstc: tvtrace --explain shows guest RAM's first touches" bash -c "
	'$TVTRACE' --explain '$LOG' 2>/dev/null | grep -q 'guest-page fault: .* it is guest RAM the guest had not touched yet: the hypervisor zeroed its 2 MiB block'"

# The SBI extensions Linux uses when offered. SUSP: the kernel finds it,
# offers "mem" (deep) in /sys/power/state, and a write of "mem" suspends
# the system through SUSP system_suspend and resumes at its resume_addr.
has "SUSP: Linux detected the extension" "suspend: SBI SUSP extension detected$"
has "SUSP: /sys/power/state offers mem" "^tvguest: /sys/power/state: .*\bmem\b"
has "SUSP: suspend to RAM is the deep sleep state" "^tvguest: /sys/power/mem_sleep: .*\[deep\]"
has "SUSP: Linux entered suspend" "PM: suspend entry \(deep\)"
has "SUSP: the hypervisor suspended the VM and the alarm woke it" \
	"^tracevisor: vCPU 0: system suspend to RAM; woken by the tv.suspend_alarm alarm after [0-9]+ us, resuming at 0x8[0-9a-f]+$"
has "SUSP: Linux resumed and left suspend" "PM: suspend exit"
has "SUSP: the write to /sys/power/state returned after the resume" \
	"^tvguest: system suspend to RAM and resume done, [0-9]+ ticks$"
check "SUSP: the trace has the call: SUSPEND_TO_RAM, resume_addr in RAM, succeeded" \
	grep -qE 'SUSP\.system_suspend\(0x0, 0x8[0-9a-f]+, 0x[0-9a-f]+\) -> SBI_SUCCESS' "$LOG.records"
check "SUSP: the resume is the vCPU's next entry, at resume_addr" bash -c "
	a=\$(grep -oE 'SUSP\.system_suspend\(0x0, 0x[0-9a-f]+' '$LOG.records' | sed 's/.*, 0x//')
	grep -A3 'SUSP\.system_suspend' '$LOG.records' | grep -E ' entry ' | head -1 | grep -qE \"pc=0x0*\$a\$\""
# PMU: Linux's riscv-pmu-sbi driver probes the counters (16 firmware
# counters; cycle and instret, virtual per vCPU) and stops them all; then
# /init's perfcount counts a loop's cycles and instructions with perf
# events, which the driver starts with an initial value and reads through
# the cycle/instret CSRs, emulated by the hypervisor once the guest took
# them over (hyp/sbi/sbi_pmu_hw.c).
has "PMU: Linux's perf driver found the SBI PMU" "riscv-pmu-sbi: SBI PMU extension is available$"
has "PMU: 16 firmware and 2 hardware counters" "riscv-pmu-sbi: 16 firmware and 2 hardware counters$"
check "PMU: the trace has Linux's counter_get_info for every counter" bash -c "
	[ \$(grep -c 'PMU\.counter_get_info' '$LOG.records') -ge 19 ]"
check "PMU: Linux's boot stops every counter, one set: ALREADY_STOPPED (they were never started)" \
	grep -qE 'PMU\.counter_stop\(0x0, 0x7fffd, 0x1\) -> SBI_ERR_ALREADY_STOPPED' "$LOG.records"
# (QEMU without -icount derives cycle and instret from the host's clock,
# so the counts are not instructions; that they moved is what is checked.)
check "PMU: perf counts a 1000000-iteration loop: cycles and instructions both counted" bash -c "
	l=\$(grep -E '^tvguest: perfcount: loop of 1000000 iterations: cycles [0-9]+, instructions [0-9]+$' '$LOG')
	c=\$(sed -E 's/.*cycles ([0-9]+),.*/\\1/' <<<\"\$l\"); i=\$(sed -E 's/.*instructions ([0-9]+)$/\\1/' <<<\"\$l\")
	[ -n \"\$l\" ] && [ \"\$c\" -gt 0 ] && [ \"\$i\" -gt 0 ]"
check "PMU: Linux's counter_start of cycle and instret with an initial value succeeded" bash -c "
	grep -qE 'PMU\.counter_start\(0x0, 0x1, 0x1\) -> SBI_SUCCESS' '$LOG.records' &&
	grep -qE 'PMU\.counter_start\(0x2, 0x1, 0x1\) -> SBI_SUCCESS' '$LOG.records'"
# STA and FWFT: this kernel (Debian's 6.12) does not use them: its
# steal-time driver needs CONFIG_PARAVIRT, which Debian leaves off, and
# FWFT support came into Linux after 6.12; it never probes either. A newer
# Debian kernel's FWFT calls are checked in test_linux_newer.sh; the test
# guest's steps 14 and 17 exercise both (tests/system/test_guest.sh).

# SBI TIME emulation: no Sstc for the guest, so every timer goes through
# SBI set_timer, the HS timer and hvip.VSTIP.
BOOT_TIMEOUT=300 boot linux-sbi-timer --linux --append "tv.timer=sbi"
status_is "sbi timer: QEMU exits 0" 0
has "sbi timer: Linux reached userspace" "^tvguest: linux guest reached userspace$"
check "sbi timer: the guest's ISA has no Sstc" bash -c "
	grep -E '^isa[[:space:]]+: ' '$LOG' | head -1 | grep -vq 'sstc'"
R >"$LOG.records"
check "sbi timer: SBI set_timer calls" grep -q 'TIME.set_timer' "$LOG.records"
check "sbi timer: HS timer interrupt exits inject VSTIP" bash -c "
	grep -q 'exit .*IRQ_S_TIMER' '$LOG.records' &&
	grep -q 'irq .*raise virtual supervisor timer' '$LOG.records'"

# SMP: four vCPUs, one per hart, started by Linux through SBI HSM.
BOOT_TIMEOUT=300 boot linux-smp4 --linux --smp 4 --append "tv.vcpus=4"
status_is "smp 4: QEMU exits 0" 0
has "smp 4: Linux reached userspace" "^tvguest: linux guest reached userspace$"
has "smp 4: Linux brought up 4 CPUs" "smp: Brought up 1 node, 4 CPUs"
check "smp 4: /proc/cpuinfo lists 4 harts" test "$(grep -cE '^processor[[:space:]]+: [0-3]$' "$LOG")" = 4
R >"$LOG.records"
check "smp 4: HSM hart_start for vCPUs 1-3" bash -c "
	for h in 1 2 3; do grep -q \"HSM.hart_start(0x\$h,\" '$LOG.records' || exit 1; done"
# vCPU i is pinned to hart slot i; slot 0 is whichever hart OpenSBI
# booted on, so the pairing is fixed per run but not vCPU n = hart n.
check "smp 4: each vCPU's exits all come from one hart of its own" awk '
	$4 == "exit" { pair[$3] = pair[$3] " " $2 }
	END {
		for (v in pair) { n = split(pair[v], h, " "); for (i = 2; i <= n; i++) if (h[i] != h[1]) exit 1; hart[h[1]]++; nv++ }
		for (k in hart) if (hart[k] != 1) exit 1
		exit nv != 4 }' "$LOG.records"
check "smp 4: records merged in time order across harts" bash -c "
	grep -E '^ +[0-9]+\\.[0-9]+ ' '$LOG.records' | awk '{ if (\$1 < last) bad++; last = \$1 } END { exit bad != 0 }'"
check "smp 4: nothing lost" bash -c "'$TVTRACE' -s '$LOG' | grep -q '^Lost records: 0'"

# Two Linux guests side by side, 2 harts each (tv.vm1=guest:image: VM 0's
# Image and initramfs, copied into VM 1's own RAM): both reach userspace
# and run their workload; each VM's records come from its own two harts.
BOOT_TIMEOUT=300 boot linux-two-vms --linux --smp 4 --append "tv.vcpus=2 tv.vm1=guest:image,vcpus:2,mem:256M"
status_is "two Linux VMs: QEMU exits 0" 0
for vm in vm0 vm1; do
	has "two Linux VMs: $vm brought up 2 CPUs" "^\[$vm\] \[ *[0-9.]+\] smp: Brought up 1 node, 2 CPUs$"
	has "two Linux VMs: $vm reached userspace" "^\[$vm\] tvguest: linux guest reached userspace$"
	has "two Linux VMs: $vm ran its workload" "^\[$vm\] tvguest: linux guest workload done$"
done
R >"$LOG.records"
check "two Linux VMs: each VM's exits come from two harts of its own" awk '
	$4 == "exit" { split($3, id, "-"); if (!((id[1], $2) in seen)) { seen[id[1], $2] = 1; n[id[1]]++; owner[$2] = owner[$2] " " id[1] } }
	END { for (h in owner) if (split(owner[h], o, " ") != 1) exit 1
	      exit !(n["vm0"] == 2 && n["vm1"] == 2) }' "$LOG.records"
check "two Linux VMs: nothing lost" bash -c "'$TVTRACE' -s '$LOG' | grep -q '^Lost records: 0'"

# SMP on a hart without Sstc (-cpu rv64,sstc=false): the guest's ISA must
# not list Sstc, every vCPU's timer goes through SBI set_timer and hvip,
# and secondary CPUs come up the same way.
BOOT_TIMEOUT=300 boot linux-smp4-nosstc --linux --smp 4 --cpu rv64,sstc=false --append "tv.vcpus=4"
status_is "smp 4, no Sstc: QEMU exits 0" 0
has "smp 4, no Sstc: Linux reached userspace" "^tvguest: linux guest reached userspace$"
has "smp 4, no Sstc: Linux brought up 4 CPUs" "smp: Brought up 1 node, 4 CPUs"
has "smp 4, no Sstc: the guest's cpuinfo lists its ISA" "^isa[[:space:]]+: rv64"
hasnt "smp 4, no Sstc: the guest is not told of Sstc" "^isa[[:space:]]+: .*_sstc"
R >"$LOG.records"
check "smp 4, no Sstc: each vCPU set its timer through SBI" bash -c "
	for v in 0 1 2 3; do grep -q \"vm0-vcpu\$v sbi .*TIME.set_timer\" '$LOG.records' || exit 1; done"
# Without Sstc every timer tick is an exit, and the overwrite rings (65536
# slots) wrap: the flight recorder keeps the newest records, and every
# record it dropped must be counted and placed as LOST.
check "smp 4, no Sstc: every hart's ring accounts offered = consumed + lost, each loss a LOST record" \
	bash -c "'$TVTRACE' -s '$LOG' | awk '
	/ring offered/ { n++; o = \$5 + 0; c = \$7 + 0; l = \$9 + 0; r = \$12 + 0
		if (o == 0 || o != c + l || l != r) bad++ }
	END { exit n != 4 || bad }'"

# A hart with Zk (-cpu rv64,zk=true): Zk is Zkn + Zkr + Zkt, and Zkr's seed
# CSR traps from VS-mode, so the guest is told of Zkn and Zkt and not of
# Zk. Before, it was told of Zk and Linux's first read of seed
# (random_init_early) was an illegal instruction: an Oops, then a panic.
BOOT_TIMEOUT=300 boot linux-zk --linux --cpu rv64,zk=true
status_is "Zk: QEMU exits 0" 0
has "Zk: Linux reached userspace" "^tvguest: linux guest reached userspace$"
hasnt "Zk: no Oops" "Oops"
has "Zk: the guest's cpuinfo lists Zkn's parts and Zkt" "^isa[[:space:]]+: rv64.*_zknd_zkne_zknh_zkt"
hasnt "Zk: the guest's cpuinfo lists neither Zk nor Zkr" "^isa[[:space:]]+: rv64.*_zk(r)?(_|$)"

# A hart with Smstateen (QEMU 10's -cpu rv64,smstateen=true; QEMU 7.2 has
# none): hstateen0.ENVCFG, clear at reset, gates VS-mode's senvcfg, which
# Linux writes at each context switch once Zicboz is in its ISA. The
# hypervisor sets it. Before, that write was an illegal instruction to the
# guest (badaddr 0x10a79073, csrw senvcfg): an Oops, then a panic.
if [ "$TV_PLATFORM" = qemu10 ]; then
	BOOT_TIMEOUT=300 boot linux-smstateen --linux --cpu rv64,smstateen=true
	status_is "Smstateen: QEMU exits 0" 0
	has "Smstateen: Linux reached userspace" "^tvguest: linux guest reached userspace$"
	hasnt "Smstateen: no Oops" "Oops"
else
	echo "skip - Smstateen: QEMU $TV_PLATFORM has no Smstateen (QEMU 10 has)"
fi

# The guest's ISA is the host's less what is not virtualised (the first
# boot's log): the hypervisor read the host's string whole, and Linux
# (which reads the guest's device tree) sees neither h nor any Sh*.
LOG="$LOGDIR/linux-sstc.log"
has "ISA: the hypervisor read the host's ISA string whole (to its last extension)" \
	"^tracevisor: .* ISA rv64imafd[a-z]*h_[a-z0-9_]*_s[a-z]+$"
has "ISA: the guest's cpuinfo lists Sstc" "^isa[[:space:]]+: rv64.*_sstc"
hasnt "ISA: no hypervisor extension reaches the guest's cpuinfo" "^isa[[:space:]]+: (rv64[a-z]*h|.*_sh[a-z]+)"

# As a user brings it: --image FILE --initrd FILE and nothing else (run.sh
# passes tv.image= and tv.initrd=; the hypervisor reads the Image header).
BOOT_TIMEOUT=300 boot linux-image --image "$ROOT/build/linux/Image" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz"
status_is "image: QEMU exits 0" 0
has "image: the hypervisor recognised a Linux Image" "^tracevisor: VM 0: tv.image: Linux Image, [0-9]+ bytes, entry GPA 0x80200000$"
has "image: the initramfs went to the top of guest RAM" "^tracevisor: VM 0: initramfs [0-9]+ bytes at GPA 0x8[0-9a-f]+ \(from tv.initrd\)$"
has "image: Linux reached userspace" "^tvguest: linux guest reached userspace$"
has "image: the workload ran" "^tvguest: linux guest workload done$"
# The same kernel with a header of version 0.1 (Linux before 5.x: the
# magic "RISCV" at 0x30 and no magic2 at 0x38): still a Linux Image,
# placed by its text_offset and image_size, not run as a flat binary.
python3 - "$ROOT/build/linux/Image" "$LOGDIR/Image-header-0.1" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
assert b[0x30:0x38] == b"RISCV\0\0\0" and b[0x38:0x3c] == b"RSC\x05"
struct.pack_into("<I", b, 0x20, 1)  # version 0.1
b[0x38:0x3c] = bytes(4)             # no magic2 yet
open(sys.argv[2], "wb").write(b)
PY
BOOT_TIMEOUT=300 boot linux-image-0.1 --image "$LOGDIR/Image-header-0.1" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz"
status_is "image, header 0.1: QEMU exits 0" 0
has "image, header 0.1: the hypervisor recognised a Linux Image" "^tracevisor: VM 0: tv.image: Linux Image, [0-9]+ bytes, entry GPA 0x80200000$"
has "image, header 0.1: its image_size (.bss too) is reserved" "^tracevisor: VM 0: +the Linux Image \(text_offset \+ image_size\) at GPA 0x80200000-"
has "image, header 0.1: Linux reached userspace" "^tvguest: linux guest reached userspace$"
rm -f "$LOGDIR/Image-header-0.1"
BOOT_TIMEOUT=300 boot linux-image-smp4 --smp 4 --image "$ROOT/build/linux/Image" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz"
status_is "image, 4 harts: QEMU exits 0" 0
has "image, 4 harts: the guest got 4 vCPUs (from --smp)" "the guest has 4 vCPU\(s\)"
has "image, 4 harts: Linux brought up 4 CPUs" "smp: Brought up 1 node, 4 CPUs"
has "image, 4 harts: Linux reached userspace" "^tvguest: linux guest reached userspace$"

# Guest RAM moved (tv.guest_ram_base): the kernel is relocatable and
# follows the device tree, the hypervisor the Image header.
BOOT_TIMEOUT=300 boot linux-ram-base --image "$ROOT/build/linux/Image" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz" --append "tv.guest_ram_base=0x100000000"
status_is "RAM at 4 GiB: QEMU exits 0" 0
has "RAM at 4 GiB: guest RAM where asked" "^tracevisor: VM 0: guest RAM GPA 0x100000000-0x10fffffff "
has "RAM at 4 GiB: the kernel at RAM base + text_offset" "entry GPA 0x100200000$"
has "RAM at 4 GiB: Linux reached userspace" "^tvguest: linux guest reached userspace$"

# A small machine: -m 128M. The run script places the Image and the
# initramfs at the top of RAM and asks for tv.guest_mem=max; the
# hypervisor says what it chose, and Linux still reaches userspace.
BOOT_TIMEOUT=300 boot linux-128m --linux --mem 128M
status_is "128 MiB machine: QEMU exits 0" 0
has "128 MiB machine: guest RAM sized from free host RAM, and said" \
	"^tracevisor: guest RAM: [0-9]+ MiB, sized from the largest free block of host RAM"
check "128 MiB machine: the guest got more than 64 MiB" bash -c "
	n=\$(sed -nE 's/^tracevisor: guest RAM: ([0-9]+) MiB.*/\1/p' '$LOG'); [ \"\${n:-0}\" -gt 64 ]"
has "128 MiB machine: Linux reached userspace" "^tvguest: linux guest reached userspace$"

# The test device (which tells its guest the host's protected ranges) is
# for the built-in test guests only: Linux, a guest from elsewhere, has no
# such device and no such node in its device tree.
LOG="$LOGDIR/linux-sstc.log"
has "devices: Linux gets the test finisher, the PLIC and the UART" \
	"^tracevisor: VM 0: devices: test-finisher at 0x100000 plic at 0xc000000 ns16550a at 0x10000000$"
hasnt "devices: Linux gets no test device" "tracevisor-testdev|testdev@"
