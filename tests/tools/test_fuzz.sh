#!/bin/bash
# The fuzz harnesses (tests/fuzz/, libFuzzer + ASan + UBSan) as part of
# `make test`: builds each one, replays its regression inputs and seeds,
# then fuzzes it briefly (FUZZ_SECONDS, default 10 s per harness; `make
# fuzz` runs them longer). One "ok - ..." / "not ok - ..." line per step,
# from tests/fuzz/run.sh.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
harnesses=(wire wire_enc insn fdt tvtrace boot_image)
built=()
for h in "${harnesses[@]}"; do
	if make -s --no-print-directory "build/fuzz/fuzz_$h" >"/tmp/fuzz-build-$$.log" 2>&1; then
		built+=("$h")
	else
		echo "not ok - fuzz $h: build failed"
		grep -E 'error|undefined' "/tmp/fuzz-build-$$.log" | head -n 10 | sed 's/^/    /'
		rm -f "build/fuzz/fuzz_$h"
	fi
done
rm -f "/tmp/fuzz-build-$$.log"
[ ${#built[@]} -gt 0 ] || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-10} tests/fuzz/run.sh "${built[@]}"
