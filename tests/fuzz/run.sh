#!/bin/bash
# Run the fuzz harnesses: replay the regression inputs, then fuzz.
#
# tests/fuzz/run.sh [NAME...]   (default: wire wire_enc insn fdt tvtrace boot_image)
#
# For each harness build/fuzz/fuzz_NAME (built by `make fuzz-build`):
#  1. replays every file in tests/fuzz/regressions/NAME/ (inputs that once
#     crashed it) and the seed corpus, once each;
#  2. fuzzes for FUZZ_SECONDS seconds (default 60), starting from the
#     corpus in build/fuzz/corpus/NAME (kept across runs; new inputs are
#     added there) and the seeds that tests/fuzz/mkseeds.py makes. A
#     crash, a sanitizer report, a failed check, a hang (one input running
#     over FUZZ_TIMEOUT, default 10 s) or running out of memory (2 GB)
#     fails the harness; the input is saved in build/fuzz/crashes/NAME/.
# Prints "ok - ..." / "not ok - ..." per step (tests/run-all.sh reads
# them), with the executions, coverage and the libFuzzer seed (set
# FUZZ_SEED to replay a run's choices). Exit status 1 when any failed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
SECONDS_EACH=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
OUT=build/fuzz
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(wire wire_enc insn fdt tvtrace boot_image)
failed=0

# Largest input per harness: a few times the largest seed.
max_len() {
	case "$1" in
	insn) echo 256 ;;
	wire_enc) echo 4096 ;;
	fdt) echo 32768 ;;
	boot_image) echo 16384 ;;
	wire) echo 8192 ;;
	tvtrace) echo 65536 ;;
	*) echo 4096 ;;
	esac
}

fail() {
	failed=1
	echo "not ok - $*"
}

# Seeds are made afresh for each run (in a directory of its own, so runs
# may go on side by side).
mkdir -p "$OUT"
SEEDS=$(mktemp -d "$OUT/seeds.XXXXXX") || exit 2
trap 'rm -rf "$SEEDS" "$SEEDS.log"' EXIT
if ! python3 tests/fuzz/mkseeds.py "$SEEDS" >"$SEEDS.log" 2>&1; then
	fail "fuzz seeds: tests/fuzz/mkseeds.py failed"
	sed 's/^/    /' "$SEEDS.log"
fi

for name in "${names[@]}"; do
	bin=$OUT/fuzz_$name
	if [ ! -x "$bin" ]; then
		fail "fuzz $name: $bin not built (make fuzz-build)"
		continue
	fi
	corpus=$OUT/corpus/$name
	crashes=$OUT/crashes/$name
	seeds=$SEEDS/$name
	log=$OUT/$name.log
	mkdir -p "$corpus" "$crashes" "$seeds"
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")

	# 1. Regression inputs and seeds, each run once.
	regs=()
	if [ -d "tests/fuzz/regressions/$name" ]; then
		while IFS= read -r -d '' f; do regs+=("$f"); done < <(
			find "tests/fuzz/regressions/$name" -type f ! -name '*.md' -print0 | sort -z)
	fi
	if [ ${#regs[@]} -gt 0 ]; then
		if "$bin" -timeout="$TIMEOUT" -artifact_prefix="$crashes/" \
			"${regs[@]}" >"$log" 2>&1; then
			echo "ok - fuzz $name: ${#regs[@]} regression inputs replayed"
		else
			fail "fuzz $name: a regression input fails again"
			grep -aE 'Running:|ERROR|SUMMARY|check failed' "$log" | tail -n 8 | sed 's/^/    /'
		fi
	else
		echo "ok - fuzz $name: no regression inputs yet"
	fi
	if "$bin" -timeout="$TIMEOUT" -runs=0 -max_len="$(max_len "$name")" \
		-artifact_prefix="$crashes/" "$seeds" >"$log" 2>&1; then
		echo "ok - fuzz $name: $(find "$seeds" -type f | wc -l) seeds replayed"
	else
		fail "fuzz $name: a seed input fails"
		grep -aE 'Running:|ERROR|SUMMARY|check failed' "$log" | tail -n 8 | sed 's/^/    /'
	fi

	# 2. Fuzz for a bounded time.
	seed_opt=()
	[ -n "${FUZZ_SEED:-}" ] && seed_opt=(-seed="$FUZZ_SEED")
	"$bin" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" \
		-rss_limit_mb=2048 -max_len="$(max_len "$name")" \
		-artifact_prefix="$crashes/" -print_final_stats=1 \
		"${seed_opt[@]}" "${dict[@]}" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	seed=$(sed -n 's/^INFO: Seed: *//p' "$log" | head -n 1)
	cov=$(grep -aEo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "ok - fuzz $name: ${execs:-?} executions in ${SECONDS_EACH}s, ${cov:-no stats} (seed ${seed:-?})"
	else
		fail "fuzz $name: crashed after ${execs:-?} executions (seed ${seed:-?}, exit $rc); full log $log"
		grep -aE 'ERROR|SUMMARY|check failed|runtime error|Test unit written' "$log" | head -n 10 | sed 's/^/    /'
		echo "    copy the crashing input from $crashes/ to tests/fuzz/regressions/$name/"
	fi
done
exit "$failed"
