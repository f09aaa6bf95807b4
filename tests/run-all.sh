#!/bin/bash
# Run every test: host unit tests (cmocka), host tool tests and QEMU system
# tests. Each test script prints one line per check: "ok - NAME",
# "not ok - NAME" or "skip - NAME: why". The last line is
# "N passed, M failed[, K skipped]"; the exit status is non-zero when M > 0.
set -u
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
	echo "run-all.sh: takes no arguments (TV_PLATFORMS=\"system qemu10\" narrows the" \
		"platforms; one test file runs alone as bash tests/system/test_NAME.sh)" >&2
	exit 2
fi
passed=0 failed=0 skipped=0
failures=()
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count_cmocka() {
	local name="$1" log="$2" status="$3"
	local ok bad
	ok=$(grep -c '^\[       OK \]' "$log")
	# cmocka names a failed test twice: when it fails and in its list
	# at the end
	bad=$(grep '^\[  FAILED  \]' "$log" | grep -v 'test(s)' | sort -u | wc -l)
	if [ "$status" != 0 ] && [ "$bad" = 0 ]; then
		bad=1 # crashed, or a sanitizer stopped it
		echo "not ok - $name: exited with status $status" >>"$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" != 0 ]; then
		failures+=("$name (see below)")
		cat "$log"
	fi
	echo "unit  $name: $ok passed, $bad failed"
}

count_tap() {
	local name="$1" log="$2" status="$3"
	local ok bad skip
	ok=$(grep -c '^ok - ' "$log")
	bad=$(grep -c '^not ok - ' "$log")
	skip=$(grep -c '^skip - ' "$log")
	if [ "$status" != 0 ] && [ "$bad" = 0 ]; then
		bad=1
		echo "not ok - $name: script exited with status $status" >>"$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
	grep -E '^(not ok|skip) - ' "$log" | sed "s/^/      /"
	# A suite's own summary line (e.g. the hostile suite's attempts,
	# escapes, forgeries): "ok - NAME: N attempts, ..." is shown too.
	grep -E '^(not )?ok - [a-z]+: [0-9]+ attempts, ' "$log" | sed -E "s/^(not )?ok - /      /"
	# How each failing boot ended (tests/system/lib.sh diagnose).
	grep -E '^diag - ' "$log" | head -n 80 | sed "s/^diag - /      | /"
	[ "$bad" != 0 ] && failures+=("$name")
	echo "$4 $name: $ok passed, $bad failed, $skip skipped"
}

echo "== host unit tests"
for t in build/host/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$t" >"$out/$name.log" 2>&1
	count_cmocka "$name" "$out/$name.log" $?
done

# run_dir DIR LABEL: every test_*.sh of DIR, counted under LABEL.
run_dir() {
	local dir="$1" label="$2" s name
	for s in "$dir"/test_*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		bash "$s" >"$out/$label-$name.log" 2>&1
		count_tap "$name" "$out/$label-$name.log" $? "$label"
	done
}

echo "== tests/tools"
run_dir tests/tools tools

# The QEMU system tests run once per platform (docs/platforms.md): the
# system's QEMU 7.2 + OpenSBI 1.1, and QEMU 10.0 + OpenSBI 1.5 that
# scripts/setup.sh qemu10 unpacks into the cache. TV_PLATFORMS narrows it.
for platform in ${TV_PLATFORMS:-system qemu10}; do
	echo "== tests/system on platform $platform"
	if [ "$platform" != system ] && ! scripts/setup.sh "$platform" >"$out/setup-$platform.log" 2>&1; then
		cat "$out/setup-$platform.log"
		echo "not ok - platform $platform could not be installed" >"$out/setup-$platform.tap"
		count_tap "setup" "$out/setup-$platform.tap" 1 "$platform"
		continue
	fi
	TV_PLATFORM=$platform run_dir tests/system "$platform"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
