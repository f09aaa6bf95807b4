#!/bin/bash
# A newer Debian kernel than test_linux.sh's 6.12 (scripts/fetch-linux.sh
# --newer: Debian testing's, 7.2 when this was written) boots under the
# hypervisor on 2 vCPUs, and the trace shows the SBI calls it makes that
# 6.12 does not. One boot.
#
# FWFT: built with CONFIG_RISCV_USER_CFI, Linux's head.S asks for
# SHADOW_STACK = 1 with LOCK on every hart as it starts (boot hart and each
# secondary), without probing first, and on an error turns user shadow
# stacks off and goes on. The SBI specification's FWFT set errors:
# SBI_ERR_NOT_SUPPORTED when "the platform does not support it due to one
# or more missing dependencies (Hardware or SBI implementation)"; the
# dependency is Zicfiss, so the answer must follow the guest's ISA.
# (Linux's FWFT client, through which it would ask for
# MISALIGNED_EXC_DELEG, is enabled only when the SBI reports spec version
# 3.0 or later; tracevisor reports 2.0.)
#
# STA: Linux's steal-time client needs CONFIG_PARAVIRT
# (arch/riscv/kernel/paravirt.c); Debian builds without it, so this is a
# skip that names the config line until a Debian kernel has it
# (tests/system/test_linux_sta.sh shows Linux using STA with a kernel
# built from Debian's source with it).
source "$(dirname "$0")/lib.sh"

# Debian testing's and unstable's kernels come and go on the mirror: when
# none can be fetched, the checks below are skipped with the reason, not
# failed (the fetch script's own behaviour is in its log).
if ! "$ROOT/scripts/fetch-linux.sh" --newer >"$LOGDIR/fetch-linux-newer.log" 2>&1; then
	echo "skip - newer Linux kernel: none could be fetched ($(tail -n 1 "$LOGDIR/fetch-linux-newer.log")); see $LOGDIR/fetch-linux-newer.log"
	exit 0
fi
echo "ok - newer Linux kernel fetched"
CONFIG="$ROOT/build/linux/config-newer"
ver=$(sed -nE 's|^# Linux/riscv ([^ ]+) Kernel Configuration$|\1|p' "$CONFIG")

BOOT_TIMEOUT=300 boot linux-newer --image "$ROOT/build/linux/Image-newer" \
	--initrd "$ROOT/build/linux/initramfs.cpio.gz" --smp 2 \
	--append "tv.ring=65536 console=ttyS0 earlycon=sbi"
status_is "QEMU exits 0 (the guest powered off, no failure)" 0
check "the kernel that ran is the newer one, Linux ${ver:-?}" grep -qF "Linux version $ver" "$LOG"
has "Linux brought up 2 CPUs" "smp: Brought up 1 node, 2 CPUs"
has "Linux reached userspace and ran the workload" "^tvguest: linux guest workload done$"
"$TVTRACE" -r "$LOG" >"$LOG.records" 2>/dev/null
check "tvtrace decodes the whole boot with nothing lost" bash -c "
	'$TVTRACE' -s '$LOG' | grep -q '^Lost records: 0'"

# vcpu_lines V: vCPU V's exit, sbi and entry records, in order.
vcpu_lines() { grep -E " vm0-vcpu$1 +(exit|sbi|entry) " "$LOG.records"; }

check "FWFT: the kernel is built with CONFIG_RISCV_USER_CFI=y" grep -qx 'CONFIG_RISCV_USER_CFI=y' "$CONFIG"
check "FWFT: each vCPU made one FWFT call, set(SHADOW_STACK 0x2, value 1, LOCK)" bash -c "
	for v in 0 1; do
		[ \"\$(grep -cE \" vm0-vcpu\$v +sbi +FWFT\\.\" '$LOG.records')\" = 1 ] || exit 1
		grep -qE \" vm0-vcpu\$v +sbi +FWFT\\.fwft_set\\(0x2, 0x1, 0x1\\) -> \" '$LOG.records' || exit 1
	done"
# Zicfiss in the guest's ISA (its /proc/cpuinfo, printed by /init): the
# hardware dependency is there and the set must succeed; else
# SBI_ERR_NOT_SUPPORTED.
isa=$(grep -m1 -E '^isa[[:space:]]+: ' "$LOG")
want=SBI_ERR_NOT_SUPPORTED zicfiss=no
[[ "$isa" == *_zicfiss* ]] && want=SBI_SUCCESS zicfiss=yes
check "FWFT: the answer follows the guest's ISA (Zicfiss: $zicfiss): $want on both vCPUs" bash -c "
	[ -n '$isa' ] && [ \"\$(grep -cE ' sbi +FWFT\\.fwft_set\\(0x2, 0x1, 0x1\\) -> $want,' '$LOG.records')\" = 2 ]"
# Linux took the answer: each vCPU re-entered at the instruction after its
# ecall (sepc + 4, the hypervisor's return) and made no FWFT call again.
fwft_resumed() {
	local v lines sepc pc
	for v in 0 1; do
		lines=$(vcpu_lines "$v")
		sepc=$(grep -B1 ' sbi  *FWFT\.' <<<"$lines" | head -n 1 | sed -nE 's/.* exit .* sepc=(0x[0-9a-f]+).*/\1/p')
		pc=$(grep -A1 ' sbi  *FWFT\.' <<<"$lines" | tail -n 1 | sed -nE 's/.* entry +pc=(0x[0-9a-f]+)$/\1/p')
		[ -n "$sepc" ] && [ -n "$pc" ] && [ $((pc)) = $((sepc + 4)) ] || return 1
	done
}
check "FWFT: each vCPU resumed at its ecall + 4 and went on to bring its CPU up" fwft_resumed

# STA: set_shmem on every vCPU, flags 0, a 64-byte aligned address in
# guest RAM (the spec: "shmem_phys_lo ... must be 64-byte aligned"),
# answered SBI_SUCCESS.
sta_set_on_each_vcpu() {
	local v a lo hi
	read -r lo hi < <(sed -nE 's/^tracevisor: VM 0: guest RAM GPA (0x[0-9a-f]+)-(0x[0-9a-f]+) .*/\1 \2/p' "$LOG")
	[ -n "$lo" ] || return 1
	for v in 0 1; do
		a=$(grep -E " vm0-vcpu$v +sbi +STA\.steal_time_set_shmem\(0x[0-9a-f]+, 0x0, 0x0\) -> SBI_SUCCESS," "$LOG.records" |
			head -n 1 | sed -E 's/.*set_shmem\((0x[0-9a-f]+),.*/\1/')
		[ -n "$a" ] && [ $((a % 64)) = 0 ] && [ $((a)) -ge $((lo)) ] && [ $((a + 64)) -le $((hi + 1)) ] || return 1
	done
}
if grep -qx 'CONFIG_PARAVIRT=y' "$CONFIG"; then
	check "STA: each vCPU set its steal-time record (aligned, in guest RAM, SBI_SUCCESS)" sta_set_on_each_vcpu
else
	echo "skip - STA: Linux $ver has no SBI STA client ($(grep -m1 -E '^# CONFIG_PARAVIRT is not set|^CONFIG_PARAVIRT=' "$CONFIG" || echo 'CONFIG_PARAVIRT absent'); test_linux_sta.sh builds one that has)"
fi
