#!/bin/bash
# The host side of make bench: how fast tvtrace decodes a large trace, and
# how that compares with babeltrace2 reading the same trace (tvtrace's own
# CTF export of it), in events per second of CPU time (user + system, as
# getrusage reports them for the child: bash's `time`), not wall clock.
#
# The log: tests/tools/gen_log.c "synth2 N" (2 harts x N exits of a
# Linux-like guest as the hypervisor's rings hold them, written by the
# real encoder into the RECORDS3 frames a dump carries): N = 480000
# gives 1.17 M ring records (an exit visit, an SBI or MMIO visit, an
# interrupt event), 2.79 M events (kvm_exit, tv_sbi, kvm_entry...), 20 MB
# of console log. Rates count events, which babeltrace2 counts too and
# which are what a format-version-1 record was; the ring records' rate is
# given beside. Each command runs SAMPLES times (default 5); the figure is
# the median, the spread min..max is printed with it.
#
#   tvtrace      tvtrace --summary LOG: decodes every frame and record,
#                per-exit statistics (what `perf kvm stat` shows)
#   tvtrace-v1   the same on "synth N/2.4" (format version 1: a record
#                per event, RECORDS frames), about as many events
#   tvtrace-text tvtrace --text LOG: every record printed as a line
#   babeltrace2  babeltrace2 CTF: every event printed as a line (its
#                default text output)
#   bt2-dummy    babeltrace2 -o dummy CTF: decodes, prints nothing
#
# Writes build/bench/tvtrace.txt, "key=value" lines (make bench puts them
# in build/bench.json), and prints a table. Skips babeltrace2 (values
# "null") when it is not installed.
# Environment: SAMPLES (5), SYNTH_EXITS (480000); no arguments.
# Exit status: 0 measured; 1 a step failed; 2 a usage error.
set -u
cd "$(dirname "$0")/.." || exit 2
# An argument is a mistake (an option of another script?): said, before
# minutes of benchmark, not ignored.
if [ $# -gt 0 ]; then
	echo "bench-tvtrace: takes no arguments (got '$1'); set SAMPLES or SYNTH_EXITS in the environment" >&2
	exit 2
fi
for v in "SAMPLES=${SAMPLES:-5}" "SYNTH_EXITS=${SYNTH_EXITS:-480000}"; do
	case "${v#*=}" in
	'' | *[!0-9]* | 0*) echo "bench-tvtrace: ${v%%=*} must be a number, 1 or more (got '${v#*=}')" >&2; exit 2 ;;
	esac
done
B=build
OUT=$B/bench
SAMPLES=${SAMPLES:-5}
SYNTH_EXITS=${SYNTH_EXITS:-480000}
TV=$B/host/tvtrace
LOG=$OUT/tvtrace-big.log
LOG1=$OUT/tvtrace-big-v1.log
CTF=$OUT/tvtrace-big.ctf
RES=$OUT/tvtrace.txt
mkdir -p "$OUT"

fail() {
	echo "bench-tvtrace: $*" >&2
	exit 1
}

[ -x "$TV" ] || fail "$TV missing (make all builds it)"
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ilib tests/tools/gen_log.c \
	lib/trace_wire.c lib/riscv_names.c -o "$OUT/gen_log" ||
	fail "building tests/tools/gen_log.c failed"
"$OUT/gen_log" synth2 "$SYNTH_EXITS" >"$LOG" 2>"$OUT/gen_log.err" ||
	fail "gen_log synth2 failed: $(cat "$OUT/gen_log.err")"
ring_records=$(sed -n 's/^gen_log: \([0-9]*\) ring records$/\1/p' "$OUT/gen_log.err")
[ -n "$ring_records" ] || fail "gen_log synth2 did not say how many ring records it wrote"
"$OUT/gen_log" synth $((SYNTH_EXITS * 5 / 12)) >"$LOG1" || fail "gen_log synth failed"
# events LOG -> the event count, as tvtrace lists it ("..., 1107710
# events, line 2")
events() {
	"$TV" --list "$1" | sed -n 's/.*, \([0-9]*\) events, line.*/\1/p' | head -n 1
}
records=$(events "$LOG")
records_v1=$(events "$LOG1")
if [ -z "$records" ] || [ "$records" -eq 0 ] || [ -z "$records_v1" ] || [ "$records_v1" -eq 0 ]; then
	fail "tvtrace --list found no records in $LOG or $LOG1"
fi
rm -rf "$CTF"
"$TV" --ctf "$CTF" "$LOG" >/dev/null || fail "tvtrace --ctf failed"
# The kernel's write-back of the files just made (about 60 MB) is not
# part of any decode timed below.
sync

# cpu_s CMD... -> CPU seconds (user + system) of one run, output dropped.
cpu_s() {
	local TIMEFORMAT='%3U %3S' t
	t=$({ time "$@" >/dev/null 2>/dev/null; } 2>&1) || return 1
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}

# sample N CMD... -> "median min max rate": CPU seconds of SAMPLES runs
# and N per CPU second of the median; nothing when a run failed. One
# run first, not counted: the input in the page cache and the program's
# pages mapped, as for every counted run after it.
sample() {
	local all="" s n=$1
	shift
	"$@" >/dev/null 2>&1 || return 1
	for _ in $(seq 1 "$SAMPLES"); do
		s=$(cpu_s "$@") || return 1
		all="$all $s"
	done
	# shellcheck disable=SC2086 # one number per word
	printf '%s\n' $all | sort -n | awk -v n="$n" '
		{ a[NR] = $1 }
		END { m = a[int((NR + 1) / 2)]
		      printf "%s %s %s %s\n", m, a[1], a[NR], (m > 0 ? sprintf("%.0f", n / m) : "null") }'
}

read -r tv_med tv_min tv_max tv_rate < <(sample "$records" "$TV" --summary "$LOG")
[ -n "${tv_rate:-}" ] || fail "tvtrace --summary $LOG failed"
ring_rate=$(awk -v n="$ring_records" -v m="$tv_med" 'BEGIN { printf "%.0f", n / m }')
read -r tv1_med tv1_min tv1_max tv1_rate < <(sample "$records_v1" "$TV" --summary "$LOG1")
[ -n "${tv1_rate:-}" ] || fail "tvtrace --summary $LOG1 failed"
read -r tvtext_med tvtext_min tvtext_max tvtext_rate < <(sample "$records" "$TV" --text "$LOG")
[ -n "${tvtext_rate:-}" ] || fail "tvtrace --text $LOG failed"
# Peak resident memory of the --summary run (GNU time), when available.
rss=null
if [ -x /usr/bin/time ]; then
	rss=$(/usr/bin/time -f %M "$TV" --summary "$LOG" 2>&1 >/dev/null | tail -n 1)
fi
bt_rate=null bt_med=null bt_min=null bt_max=null
btd_rate=null btd_med=null btd_min=null btd_max=null
if command -v babeltrace2 >/dev/null 2>&1; then
	read -r bt_med bt_min bt_max bt_rate < <(sample "$records" babeltrace2 "$CTF")
	[ -n "${bt_rate:-}" ] || fail "babeltrace2 $CTF failed"
	read -r btd_med btd_min btd_max btd_rate < <(sample "$records" babeltrace2 -o dummy "$CTF")
	[ -n "${btd_rate:-}" ] || fail "babeltrace2 -o dummy $CTF failed"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "null" && b != "null" && b > 0) printf "%.1f", a / b; else print "null" }'; }

cat >"$RES" <<EOF
tvtrace_records=$records
tvtrace_ring_records=$ring_records
tvtrace_samples=$SAMPLES
tvtrace_records_per_cpu_s=$tv_rate
tvtrace_ring_records_per_cpu_s=$ring_rate
tvtrace_v1_records=$records_v1
tvtrace_v1_records_per_cpu_s=$tv1_rate
tvtrace_cpu_s_median=$tv_med
tvtrace_cpu_s_min=$tv_min
tvtrace_cpu_s_max=$tv_max
tvtrace_peak_rss_kb=$rss
tvtrace_text_records_per_cpu_s=$tvtext_rate
babeltrace2_records_per_cpu_s=$bt_rate
babeltrace2_cpu_s_median=$bt_med
babeltrace2_dummy_records_per_cpu_s=$btd_rate
tvtrace_vs_babeltrace2=$(ratio "$tv_rate" "$bt_rate")
tvtrace_text_vs_babeltrace2=$(ratio "$tvtext_rate" "$bt_rate")
EOF

echo "tvtrace on $LOG: $records events in $ring_records ring records, CPU time (user+sys), median of $SAMPLES (min..max)"
printf '  %-34s %9s s (%s..%s)  %12s events/CPU-s\n' \
	"tvtrace --summary" "$tv_med" "$tv_min" "$tv_max" "$tv_rate" \
	"tvtrace --summary, version 1 log" "$tv1_med" "$tv1_min" "$tv1_max" "$tv1_rate" \
	"tvtrace --text" "$tvtext_med" "$tvtext_min" "$tvtext_max" "$tvtext_rate" \
	"babeltrace2 (text) on its CTF" "$bt_med" "$bt_min" "$bt_max" "$bt_rate" \
	"babeltrace2 -o dummy on its CTF" "$btd_med" "$btd_min" "$btd_max" "$btd_rate"
echo "  tvtrace --summary: $ring_rate ring records/CPU-s; peak RSS $rss KiB (version 1 log: $records_v1 records)"
echo "results: $RES"
