#!/bin/bash
# Linux itself uses SBI STA (steal-time accounting). No Debian riscv64
# kernel is built with CONFIG_PARAVIRT, which Linux's STA client
# (arch/riscv/kernel/paravirt.c) needs, so scripts/build-linux-paravirt.sh
# builds Debian's own 6.12 source with a small configuration that has it:
# build/linux/Image-paravirt, cached by source version and config.
#
# One boot: that kernel as VM 0 on 2 vCPUs with the usual initramfs, and
# a second VM, the same kernel on 1 vCPU (tv.vm1=guest:image,harts:0),
# time-shared with VM 0's vCPU 0 on hart slot 0 (README.md "Several VMs");
# VM 0's vCPU 1 has hart slot 1 to itself. Both kernels keep their hart
# busy while they boot and run /init's workload, so each keeps the other
# from running.
#
# The SBI specification (src/ext-steal-time.adoc): set_shmem's
# shmem_phys_lo "MUST be 64-byte aligned", flags "reserved for future
# use and MUST be zero", and the steal field counts "the amount of time in
# which this virtual hart was not idle and scheduled out"; Linux adds it
# to the steal column of /proc/stat (proc(5)), which /init prints.
#
# Building the kernel from nothing takes about 12 minutes on 2 cores; a
# built one is reused. TV_LINUX_PARAVIRT_BUILD=0 forbids the build: with
# no kernel built before, the checks are then skipped, as they are when
# the source or the tools cannot be had (an environment matter, said in
# the skip line). When the kernel exists, a failed check is a failure.
source "$(dirname "$0")/lib.sh"

BLOG="$LOGDIR/build-linux-paravirt.log"
opts=()
[ "${TV_LINUX_PARAVIRT_BUILD:-1}" = 0 ] && opts=(--cached-only)
nice "$ROOT/scripts/build-linux-paravirt.sh" --jobs "${TV_LINUX_PARAVIRT_JOBS:-2}" "${opts[@]}" >"$BLOG" 2>&1
rc=$?
if [ "$rc" = 3 ]; then
	echo "skip - Linux with CONFIG_PARAVIRT: not built before, and TV_LINUX_PARAVIRT_BUILD=0 forbids building it (scripts/build-linux-paravirt.sh)"
	exit 0
elif [ "$rc" != 0 ] && ! grep -q '^build-linux-paravirt: source: ' "$BLOG"; then
	# Failed before it had the source: tools, mirror or network.
	echo "skip - Linux with CONFIG_PARAVIRT: no source or tools to build it ($(grep -m1 'error:' "$BLOG" || tail -n 1 "$BLOG")); see $BLOG"
	exit 0
fi
check "the CONFIG_PARAVIRT kernel is built from Debian's source (log: $BLOG)" test "$rc" = 0
[ "$rc" = 0 ] || exit 0
if ! "$ROOT/scripts/fetch-linux.sh" >"$LOGDIR/fetch-linux.log" 2>&1; then
	echo "not ok - fetching busybox for the initramfs (see $LOGDIR/fetch-linux.log)"
	exit 0
fi
CONFIG="$ROOT/build/linux/config-paravirt"
check "its configuration has CONFIG_PARAVIRT=y and CONFIG_PARAVIRT_TIME_ACCOUNTING=y" bash -c "
	grep -qx CONFIG_PARAVIRT=y '$CONFIG' && grep -qx CONFIG_PARAVIRT_TIME_ACCOUNTING=y '$CONFIG'"
ver=$(sed -nE 's|^# Linux/riscv ([^ ]+) Kernel Configuration$|\1|p' "$CONFIG")

BOOT_TIMEOUT=300 boot linux-sta --image "$ROOT/build/linux/Image-paravirt" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz" --smp 2 \
	--append "tv.ring=65536 console=ttyS0 tv.vm1=guest:image,vcpus:1,mem:256M,harts:0,name:busy"
status_is "QEMU exits 0 (both guests powered off, no failure)" 0
has "hart slot 0 is time-shared by VM 0's vCPU 0 and the busy VM" \
	"^tracevisor: hart slot 0 is time-shared, round robin with a [0-9]+ ms slice: vm0-vcpu0, busy-vcpu0$"
# Two VMs write to the console at once, and the hypervisor shows what a
# guest sent so far whenever it waits (hyp/mmio/uart_ns16550a.c), so a
# guest's line may come out in pieces, each on a console line of its own
# under the guest's prefix, with the other VM's lines between them. The
# checks on what Linux printed read each VM's output as one stream: its
# console lines in order, prefix and line ends removed.
for vm in vm0 busy; do
	sed -n "s/^\[$vm\] //p" "$LOG" | tr -d '\n' >"$LOG.$vm"
done
# in_stream NAME VM TEXT: VM's output holds TEXT.
in_stream() { check "$1" grep -qF -- "$3" "$LOG.$2"; }
in_stream "the kernel that ran is the one built here, Linux ${ver:-?}" vm0 "Linux version ${ver:-none} "
in_stream "VM 0: Linux brought up 2 CPUs" vm0 "smp: Brought up 1 node, 2 CPUs"
for vm in vm0 busy; do
	in_stream "$vm: Linux found SBI STA" $vm "riscv-pv: SBI STA extension detected"
	in_stream "$vm: Linux computes paravirt steal time" $vm "riscv-pv: Computing paravirt steal-time"
	check "$vm: no CPU failed to set its steal-time memory" bash -c "! grep -qF 'riscv-pv: Failed to' '$LOG.$vm'"
	in_stream "$vm: Linux ran the workload" $vm "tvguest: linux guest workload done"
done
"$TVTRACE" -r "$LOG" >"$LOG.records" 2>/dev/null
check "tvtrace decodes the whole run with nothing lost" bash -c "
	'$TVTRACE' -s '$LOG' | grep -q '^Lost records: 0'"

# sta_set_once VM V: vCPU V of VM (vm0, vm1) made exactly one STA call,
# set_shmem(lo, 0, flags 0), answered SBI_SUCCESS, lo 64-byte aligned and
# the 64 bytes inside that VM's guest RAM (its "guest RAM GPA" line).
sta_set_once() {
	local id=${1#vm} lines a lo hi
	read -r lo hi < <(sed -nE "s/^tracevisor: VM $id: guest RAM GPA (0x[0-9a-f]+)-(0x[0-9a-f]+) .*/\1 \2/p" "$LOG")
	[ -n "$lo" ] || return 1
	lines=$(grep -E " $1-vcpu$2 +sbi +STA\." "$LOG.records")
	[ "$(grep -c . <<<"$lines")" = 1 ] || return 1
	a=$(sed -nE 's/.* STA\.steal_time_set_shmem\((0x[0-9a-f]+), 0x0, 0x0\) -> SBI_SUCCESS,.*/\1/p' <<<"$lines")
	[ -n "$a" ] && [ $((a % 64)) = 0 ] && [ $((a)) -ge $((lo)) ] && [ $((a + 64)) -le $((hi + 1)) ]
}
check "STA: VM 0's vCPU 0 set its steal-time memory once (flags 0, aligned, in its RAM, SBI_SUCCESS)" sta_set_once vm0 0
check "STA: VM 0's vCPU 1 set its steal-time memory once (flags 0, aligned, in its RAM, SBI_SUCCESS)" sta_set_once vm0 1
check "STA: the busy VM's vCPU set its steal-time memory once (flags 0, aligned, in its RAM, SBI_SUCCESS)" sta_set_once vm1 0

# linux_cpu VM HART: the Linux CPU number whose /proc/cpuinfo entry names
# that hart (the vCPU number is the guest's hart ID); in the stream,
# "processor\t: N" runs into "hart\t\t: H".
linux_cpu() {
	grep -oE "processor[[:space:]]*: [0-9]+hart[[:space:]]*: $2isa" "$LOG.$1" |
		head -n 1 | sed -E 's/^processor[[:space:]]*: ([0-9]+)hart.*/\1/'
}
# steal VM CPU: the steal column (the 8th number) of cpuCPU in /proc/stat,
# as /init prints it.
steal() {
	[ -n "$2" ] || return 0
	grep -oE "tvguest: /proc/stat cpu$2( [0-9]+){8}" "$LOG.$1" | head -n 1 | awk '{ print $11 }'
}
# off_ns VM-VCPU: nanoseconds vCPU was off its hart after its STA call:
# each exit to its next entry, in the trace (seconds, to the microsecond).
# Steal time is a part of that: an upper bound for it.
off_ns() {
	awk -v me="$1" '
		$3 != me { next }
		$4 == "sbi" && $5 ~ /^STA\./ { on = 1; next }
		!on { next }
		$4 == "exit" { t = $1 }
		$4 == "entry" && t != "" { off += $1 - t; t = "" }
		END { printf "%.0f\n", off * 1e9 }' "$LOG.records"
}
c0=$(linux_cpu vm0 0) c1=$(linux_cpu vm0 1) b0=$(linux_cpu busy 0)
s0=$(steal vm0 "$c0") s1=$(steal vm0 "$c1") sb=$(steal busy "$b0")
echo "info - /proc/stat steal (USER_HZ ticks): vm0 cpu$c0 (shared hart 0) ${s0:-?}, vm0 cpu$c1 (own hart 1) ${s1:-?}, busy cpu$b0 (shared hart 0) ${sb:-?}"
# /proc/stat counts in USER_HZ ticks: 100 a second on RISC-V Linux
# (include/uapi/asm-generic/param.h), whatever CONFIG_HZ is.
uhz=100
check "steal: VM 0's CPU on the time-shared hart reports steal time > 0" test "${s0:-0}" -gt 0
check "steal: the busy VM's CPU on the time-shared hart reports steal time > 0" test "${sb:-0}" -gt 0
check "steal: VM 0's CPU with a hart of its own reports less than the one sharing its hart" \
	test "${s1:-99999}" -lt "${s0:-0}"
check "steal: no more than the trace shows VM 0's vCPU 0 off its hart" bash -c "
	[ -n '$s0' ] && [ \$(( $s0 * 1000000000 / $uhz )) -le $(off_ns vm0-vcpu0) ]"
check "steal: no more than the trace shows the busy VM's vCPU off its hart" bash -c "
	[ -n '$sb' ] && [ \$(( $sb * 1000000000 / $uhz )) -le $(off_ns vm1-vcpu0) ]"
