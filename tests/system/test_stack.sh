#!/bin/bash
# Worst-case stack depth of the hypervisor images against their stacks
# (scripts/stack-check.sh: .su frame sizes + the call graph from objdump,
# with a 2 KiB margin), for each build variant present. One "ok - ..." /
# "not ok - ..." line per stack and variant.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
status=0
found=0
for v in hyp hyp-notrace hyp-faulttest; do
	[ -f "build/$v.elf" ] && [ -d "build/$v" ] || continue
	found=1
	out=$(scripts/stack-check.sh --elf "build/$v.elf" --su-dir "build/$v" --top 5)
	rc=$?
	# The summary lines, named by variant; the details only on failure.
	grep -E '^(not )?ok - ' <<<"$out" | sed "s/stack-check:/stack-check $v:/"
	if [ "$rc" != 0 ]; then
		status=1
		grep -v -E '^(not )?ok - ' <<<"$out" | sed 's/^/    /'
	fi
done
if [ "$found" = 0 ]; then
	echo "not ok - stack-check: no build/hyp*.elf (run make first)"
	status=1
fi
exit "$status"
