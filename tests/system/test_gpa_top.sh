#!/bin/bash
# Guest RAM at the top of the G-stage's guest-physical space: 64 MiB
# ending at 2^41, the limit of Sv39x4 ("Guest Physical Address
# Translation": a 41-bit GPA, the 2 extra bits indexing a root table four
# times larger). virt-hello-top is virt-hello linked 2 MiB into that RAM
# (tv.guest_ram_base=0x1fffc000000).
#   - Sv48x4: the range is an ordinary part of the 50-bit space; the guest
#     runs on both platforms.
#   - Sv39x4: every GPA of it has the top GPA bit (40) set and goes
#     through the last entry (2047) of the x4 root table. QEMU 10 runs the
#     guest. QEMU 7.2 faults such GPAs although the G-stage maps them
#     (docs/validation.md, DEV-4), after every HFENCE.GVMA: the guest
#     retried the same access for ever, a hang with no word said. The
#     hypervisor must stop the VM instead, naming the GPA and the cause.
source "$(dirname "$0")/lib.sh"

IMG="$ROOT/build/virt-hello-top.elf"
BASE=0x1fffc000000

boot gpa-top-sv48x4 --image "$IMG" --append "tv.guest_ram_base=$BASE tv.gstage=sv48x4"
status_is "RAM below 2^41 under Sv48x4: QEMU exits 0" 0
has "RAM below 2^41 under Sv48x4: the guest runs where it is linked" \
	"^virt-hello: pc 0x000001fffc2[0-9a-f]{5}, sp 0x000001fffc2[0-9a-f]{5}, device tree at 0x000001ffffffc000$"
has "RAM below 2^41 under Sv48x4: the guest reports success" \
	"^virt-hello: reporting success to the test finisher$"

BOOT_TIMEOUT=60 boot gpa-top-sv39x4 --image "$IMG" --append "tv.guest_ram_base=$BASE tv.gstage=sv39x4"
has "RAM below 2^41 under Sv39x4: mapped through the x4 root" \
	"^tracevisor: VM 0: G-stage Sv39x4, VMID [0-9]+ "
if [ "$TV_PLATFORM" = system ]; then
	# QEMU 7.2 (DEV-4)
	check "Sv39x4, QEMU 7.2: the run ends, no hang (exit status $STATUS, not the timeout's 124)" \
		test "$STATUS" != 0 -a "$STATUS" != 124
	has "Sv39x4, QEMU 7.2: the hypervisor names the GPA the hart will not translate" \
		"^tracevisor: hart [0-9]+ takes guest-page faults at GPA 0x1fffc2[0-9a-f]{5} although its G-stage leaf is valid and fenced"
	has "Sv39x4, QEMU 7.2: ... and the known deviation" "docs/validation.md DEV-4"
	has "Sv39x4, QEMU 7.2: the VM is stopped as failed" "^tracevisor: shutting down: failure$"
else
	status_is "RAM below 2^41 under Sv39x4: QEMU exits 0" 0
	has "RAM below 2^41 under Sv39x4: the guest runs where it is linked" \
		"^virt-hello: pc 0x000001fffc2[0-9a-f]{5}, sp 0x000001fffc2[0-9a-f]{5}, device tree at 0x000001ffffffc000$"
	has "RAM below 2^41 under Sv39x4: the guest reports success" \
		"^virt-hello: reporting success to the test finisher$"
fi
