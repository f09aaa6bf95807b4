#!/bin/bash
# Boot chain OpenSBI -> U-Boot -> tracevisor -> test guest: Debian's S-mode
# U-Boot (package u-boot-qemu) starts the hypervisor image with
# `booti ADDR - ${fdtcontroladdr}` (typed at its prompt by
# scripts/console-expect.py, see scripts/run.sh --uboot), as on a board.
source "$(dirname "$0")/lib.sh"

UBOOT_BIN=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
HYP_ADDR=0x83000000 # scripts/run.sh UBOOT_HYP_ADDR
if [ ! -f "$UBOOT_BIN" ]; then
	echo "not ok - U-Boot is installed ($UBOOT_BIN missing: run scripts/setup.sh test)"
	exit 0
fi

# Line number of the first line matching PATTERN (grep -E), 0 if none.
line_of() { grep -nE -m1 -- "$1" "$LOG" | cut -d: -f1 | grep . || echo 0; }

# The lines must appear in this order in the log.
in_order() {
	local prev=0 n
	for pattern in "$@"; do
		n=$(line_of "$pattern")
		[ "$n" -gt "$prev" ] || return 1
		prev=$n
	done
}

# The FDT address U-Boot hands over (in place or after moving it) equals
# the one the hypervisor reports it got in a1.
same_fdt() {
	local uboot hyp
	uboot=$(grep -oE '(Using Device Tree in place at|Loading Device Tree to) [0-9a-f]+' "$LOG" |
		tail -1 | awk '{print $NF}')
	hyp=$(grep -oE 'boot hart [0-9]+, FDT at 0x[0-9a-f]+' "$LOG" | awk '{print $NF}')
	[ -n "$uboot" ] && [ -n "$hyp" ] && [ $((0x$uboot)) = $((hyp)) ]
}

# booti moves the image to RAM base + text_offset = 0x80200000 (where the
# hypervisor is linked) and copies image_size bytes (header offset 16).
image_size=$(od -An -tu8 -j16 -N8 "$ROOT/build/hyp.bin" | tr -d ' ')
image_end=$(printf '%x' $((0x80200000 + image_size)))

boot uboot --uboot
status_is "QEMU exits 0 after the guest's SRST shutdown" 0
has "OpenSBI banner" "^OpenSBI v[0-9]"
has "U-Boot banner" "^U-Boot 20[0-9]{2}\.[0-9]{2}"
has "U-Boot's autoboot was stopped and booti typed at its prompt" \
	"^=> booti $HYP_ADDR - \\$\{fdtcontroladdr\}$"
has "booti moves the image to 0x80200000 (RAM base + text_offset), image_size bytes" \
	"^Moving Image from $HYP_ADDR to 0x80200000, end=$image_end$"
has "U-Boot passes its device tree" "^## Flattened Device Tree blob at [0-9a-f]+$"
has "U-Boot starts the image" "^Starting kernel \.\.\.$"
check "order: OpenSBI, U-Boot, booti, Starting kernel, tracevisor banner, guest" in_order \
	"^OpenSBI v" "^U-Boot 20" "^=> booti " "^Starting kernel" \
	"^tracevisor: tracevisor hypervisor, boot hart 0, FDT at " "^guest: tracevisor test guest"
check "the hypervisor got in a1 the FDT U-Boot passed" same_fdt
has "RAM from U-Boot's device tree" "^tracevisor: RAM +0x80000000-0x8fffffff$"
# What OpenSBI keeps for itself, as its /reserved-memory lists it: 1.1
# one region; 1.5 two (its code and its data, protected separately).
if [ "$TV_PLATFORM" = system ]; then
	FW_RESERVED=("0x80000000-0x8007ffff")
else
	FW_RESERVED=("0x80000000-0x8003ffff" "0x80040000-0x8005ffff")
fi
for r in "${FW_RESERVED[@]}"; do
	has "OpenSBI's region $r is reserved" "^tracevisor: reserved $r \(device tree: firmware, boot loader\)$"
done
check "nothing else is reserved (U-Boot adds no /memreserve/ or /reserved-memory)" \
	test "$(grep -c '^tracevisor: reserved ' "$LOG")" = "${#FW_RESERVED[@]}"
has "the hypervisor runs where it is linked" "^tracevisor: hypervisor memory 0x80200000-0x$(printf '%x' $((0x80200000 + image_size - 1)))$"
has "the guest passes all its steps" "^guest: ([0-9]+) of \1 steps passed$"
hasnt "no step fails" ": FAIL$"
has "clean shutdown" "shutting down: success"

# Bootargs set in U-Boot replace QEMU's -append in /chosen/bootargs, as a
# board's `setenv bootargs tv....` would; fw_jump and two harts this time.
boot uboot-bootargs --bios fw_jump --smp 2 --append "tv.bogus=1" \
	--uboot-cmd "setenv bootargs tv.gstage=sv39x4 tv.ring=8192; booti $HYP_ADDR - \${fdtcontroladdr}"
status_is "bootargs: QEMU exits 0" 0
has "bootargs: tv.gstage from U-Boot's bootargs" "G-stage Sv39x4"
has "bootargs: tv.ring from U-Boot's bootargs" "ring 8192 slots"
hasnt "bootargs: QEMU's -append was replaced" "tv.bogus"
check "bootargs: the hypervisor got in a1 the FDT U-Boot passed" same_fdt
# OpenSBI 1.5's fw_jump can strand the hart that loses its boot lottery
# late (opensbi issue #354; docs/platforms.md): the firmware then keeps it
# START_PENDING forever. The hypervisor must name it, leave it out and
# run the guest on the harts it has; 1.1 always brings both.
both_or_stranded() {
	grep -q "^tracevisor: 2 of 2 hart(s) running the hypervisor" "$LOG" && return 0
	[ "$TV_PLATFORM" != system ] &&
		grep -Eq "^tracevisor: hart [0-9]+: the firmware accepted hart_start but has kept it START_PENDING for [0-9]+ s; the firmware lost this hart, carrying on without it$" "$LOG" &&
		grep -q "^tracevisor: 1 of 2 hart(s) running the hypervisor; the guest has 1 vCPU(s)$" "$LOG"
}
check "bootargs: both harts run the hypervisor under fw_jump (or the one the firmware stranded is named and left out)" both_or_stranded
has "bootargs: the guest passes all its steps" "^guest: ([0-9]+) of \1 steps passed$"

# An initrd named to booti: U-Boot sets /chosen linux,initrd-* and adds a
# /memreserve/ entry for it, which the hypervisor must keep out of its
# allocations (the bytes at the address do not matter to the test guest).
boot uboot-initrd --uboot-cmd "booti $HYP_ADDR 0x8c300000:1000 \${fdtcontroladdr}"
status_is "initrd: QEMU exits 0" 0
has "initrd: U-Boot's /memreserve/ entry is reserved" "^tracevisor: reserved 0x8c300000-0x8c300fff"
for r in "${FW_RESERVED[@]}"; do
	has "initrd: OpenSBI's region $r is still reserved" "^tracevisor: reserved $r"
done
has "initrd: the guest passes all its steps" "^guest: ([0-9]+) of \1 steps passed$"
