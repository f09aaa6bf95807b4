#!/bin/sh
# Checks on the linked hypervisor image that the compiler cannot make:
#  - no thread-local storage: in HS-mode tp holds the vcpu pointer, so any
#    TLS access (picolibc's errno is one) would scribble over it;
#  - no instruction addresses memory through gp: the fast exit path
#    (hyp/arch/trap.S) leaves the guest's gp in place, so gp-relative
#    linker relaxation would read the guest's value as an address;
#  - the image ends below 0x82200000, where fw_jump puts the device tree.
set -eu
elf="$1"
cross="${2:-riscv64-unknown-elf-}"
if "${cross}readelf" -S "$elf" | grep -Eq '\.t(data|bss)'; then
	echo "check-image: $elf has thread-local storage (.tdata/.tbss)." >&2
	echo "check-image: something calls a libc function that uses errno; tp is the vcpu pointer in HS-mode." >&2
	exit 1
fi
if "${cross}objdump" -d "$elf" | grep -Eq '[[:space:]](l[bhwd]u?|s[bhwd]|addi|c\.[a-z]+)[[:space:]].*\(gp\)|[[:space:]]addi[[:space:]]+[a-z0-9]+,gp,'; then
	echo "check-image: $elf uses gp as a base register (gp-relative relaxation?); gp is the guest's in HS-mode." >&2
	exit 1
fi
end=$("${cross}nm" "$elf" | awk '$3 == "_hyp_end" { print $1 }')
if [ -z "$end" ] || [ $((0x$end)) -gt $((0x82200000)) ]; then
	echo "check-image: image ends at 0x$end, past 0x82200000 (fw_jump's device tree)" >&2
	exit 1
fi
