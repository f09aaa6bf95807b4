#!/bin/bash
# A hart without the H extension: one clear line and a failure exit.
source "$(dirname "$0")/lib.sh"
boot no-h --no-h
check "QEMU exits non-zero" test "$STATUS" != 0
has "names the missing extension and the QEMU flag" \
	"no H \(hypervisor\) extension.*-cpu rv64,h=true"
check "exactly one tracevisor line after the banner" \
	test "$(grep -c '^tracevisor: ' "$LOG")" = 2
for bios in fw_jump fw_dynamic; do
	boot "no-h-$bios" --no-h --bios "$bios"
	check "$bios: QEMU exits non-zero" test "$STATUS" != 0
	has "$bios: message" "no H \(hypervisor\) extension"
done
