#!/bin/bash
# Guest RAM at the top of the G-stage's guest-physical space: 64 MiB
# ending at 2^41, the limit of Sv39x4, and at 2^50, the limit of Sv48x4
# ("Guest Physical Address Translation": a 41- or 50-bit GPA, the 2 extra
# bits indexing a root table four times larger). virt-hello-top and
# virt-hello-top48 are virt-hello linked 2 MiB into that RAM.
#   - 2^41 - 64 MiB under Sv48x4: an ordinary part of the 50-bit space;
#     the guest runs on both platforms.
#   - 2^41 - 64 MiB under Sv39x4 and 2^50 - 64 MiB under Sv48x4: every GPA
#     has the top GPA bit set (40, 49) and goes through the last entry
#     (2047) of the x4 root table. QEMU 10 runs the guest. QEMU 7.2 faults
#     such GPAs although the G-stage maps them (docs/validation.md, DEV-4),
#     after every HFENCE.GVMA: the guest retried the same access for ever,
#     a hang with no word said. The hypervisor must stop the VM instead,
#     naming the GPA and the cause.
source "$(dirname "$0")/lib.sh"

# runs NAME: the guest ran where it is linked (GPA prefix $2) and passed.
runs() {
	status_is "$1: QEMU exits 0" 0
	has "$1: the guest runs where it is linked" \
		"^virt-hello: pc 0x0*$2[0-9a-f]{5}, sp 0x0*$2[0-9a-f]{5}, device tree at "
	has "$1: the guest reports success" "^virt-hello: reporting success to the test finisher$"
}

# top NAME ELF BASE MODE PREFIX: RAM at BASE, the G-stage in MODE, whose
# top GPA bit BASE has set.
top() {
	local name="$1" elf="$2" base="$3" mode="$4" prefix="$5"
	BOOT_TIMEOUT=60 boot "gpa-top-$mode" --image "$ROOT/build/$elf" \
		--append "tv.guest_ram_base=$base tv.gstage=$mode"
	has "$name: mapped through the x4 root" "^tracevisor: VM 0: G-stage ${mode/sv/Sv}, VMID [0-9]+ "
	if [ "$TV_PLATFORM" = system ]; then
		# QEMU 7.2 (DEV-4)
		check "$name, QEMU 7.2: the run ends, no hang (exit status $STATUS, not the timeout's 124)" \
			test "$STATUS" != 0 -a "$STATUS" != 124
		has "$name, QEMU 7.2: the hypervisor names the GPA the hart will not translate" \
			"^tracevisor: hart [0-9]+ takes guest-page faults at GPA 0x${prefix}[0-9a-f]{5} although its G-stage leaf is valid and fenced"
		has "$name, QEMU 7.2: ... and the known deviation" "docs/validation.md DEV-4"
		has "$name, QEMU 7.2: the VM is stopped as failed" "^tracevisor: shutting down: failure$"
	else
		runs "$name" "$prefix"
	fi
}

boot gpa-top-sv48x4-low --image "$ROOT/build/virt-hello-top.elf" \
	--append "tv.guest_ram_base=0x1fffc000000 tv.gstage=sv48x4"
runs "RAM below 2^41 under Sv48x4" 1fffc2

top "RAM below 2^41 under Sv39x4" virt-hello-top.elf 0x1fffc000000 sv39x4 1fffc2
top "RAM below 2^50 under Sv48x4" virt-hello-top48.elf 0x3fffffc000000 sv48x4 3fffffc2
