#!/bin/sh
# Checks on the linked hypervisor image that the compiler cannot make:
#  - no thread-local storage: in HS-mode tp holds the vcpu pointer, so any
#    TLS access (picolibc's errno is one) would scribble over it;
#  - the image ends below 0x82200000, where fw_jump puts the device tree.
set -eu
elf="$1"
cross="${2:-riscv64-unknown-elf-}"
if "${cross}readelf" -S "$elf" | grep -Eq '\.t(data|bss)'; then
	echo "check-image: $elf has thread-local storage (.tdata/.tbss)." >&2
	echo "check-image: something calls a libc function that uses errno; tp is the vcpu pointer in HS-mode." >&2
	exit 1
fi
end=$("${cross}nm" "$elf" | awk '$3 == "_hyp_end" { print $1 }')
if [ -z "$end" ] || [ $((0x$end)) -gt $((0x82200000)) ]; then
	echo "check-image: image ends at 0x$end, past 0x82200000 (fw_jump's device tree)" >&2
	exit 1
fi
