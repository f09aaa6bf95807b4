#!/bin/sh
# Checks on the linked hypervisor image that the compiler cannot make:
#  - no thread-local storage: in HS-mode tp holds the vcpu pointer, so any
#    TLS access (picolibc's errno is one) would scribble over it;
#  - no instruction addresses memory through gp: the fast exit path
#    (hyp/arch/trap.S) leaves the guest's gp in place, so gp-relative
#    linker relaxation would read the guest's value as an address;
#  - the image ends below 0x82200000, where fw_jump puts the device tree.
#
# Usage: scripts/check-image.sh ELF [CROSS_COMPILE]
# Exit status: 0 the image passes; 1 it fails a check; 2 a usage error, or
# ELF cannot be read (a check of nothing must not pass, nor blame the image).
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "check-image: usage: scripts/check-image.sh ELF [CROSS_COMPILE] (got $# arguments)" >&2
	exit 2
fi
elf="$1"
cross="${2:-riscv64-unknown-elf-}"
if [ ! -f "$elf" ] || [ ! -r "$elf" ]; then
	echo "check-image: $elf: no such readable file" >&2
	exit 2
fi
# Each tool's output, read once; a tool that fails stops the check (its
# empty output would otherwise pass the first two checks).
sections=$("${cross}readelf" -S "$elf") ||
	{ echo "check-image: ${cross}readelf cannot read $elf" >&2; exit 2; }
disasm=$("${cross}objdump" -d "$elf") ||
	{ echo "check-image: ${cross}objdump cannot read $elf" >&2; exit 2; }
symbols=$("${cross}nm" "$elf") ||
	{ echo "check-image: ${cross}nm cannot read $elf" >&2; exit 2; }
if printf '%s\n' "$sections" | grep -Eq '\.t(data|bss)'; then
	echo "check-image: $elf has thread-local storage (.tdata/.tbss)." >&2
	echo "check-image: something calls a libc function that uses errno; tp is the vcpu pointer in HS-mode." >&2
	exit 1
fi
if printf '%s\n' "$disasm" | grep -Eq '[[:space:]](l[bhwd]u?|s[bhwd]|addi|c\.[a-z]+)[[:space:]].*\(gp\)|[[:space:]]addi[[:space:]]+[a-z0-9]+,gp,'; then
	echo "check-image: $elf uses gp as a base register (gp-relative relaxation?); gp is the guest's in HS-mode." >&2
	exit 1
fi
end=$(printf '%s\n' "$symbols" | awk '$3 == "_hyp_end" { print $1 }')
if [ -z "$end" ]; then
	echo "check-image: $elf has no _hyp_end symbol (linker/hyp.ld defines it): where the image ends is unknown" >&2
	exit 1
fi
if [ $((0x$end)) -gt $((0x82200000)) ]; then
	echo "check-image: image ends at 0x$end, past 0x82200000 (fw_jump's device tree)" >&2
	exit 1
fi
