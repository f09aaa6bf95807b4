#!/bin/bash
# make bench: exact instruction counts of each exit path, under QEMU's
# -icount shift=0,sleep=off (instret then counts every instruction of every
# privilege mode, identically run after run), for the hypervisor, the same
# hypervisor with the trace compiled out, and the same benchmark run
# natively on OpenSBI with no hypervisor. Wall-clock figures are quoted
# only as ratios of medians of RUNS runs made side by side in this run.
# Writes build/bench.json (one flat object) and prints a table.
# QEMU and OpenSBI: platform $TV_PLATFORM (system or qemu10, default
# system; scripts/run.sh and scripts/linux-native.sh read it).
set -u
cd "$(dirname "$0")/.."
B=build
OUT=$B/bench
RUNS=${RUNS:-5}
mkdir -p "$OUT"

boot() { # name, run.sh args...
	local name=$1
	shift
	scripts/run.sh --log "$OUT/$name.log" --timeout 120 "$@" >/dev/null 2>&1
	local st=$?
	tr -d '\r' <"$OUT/$name.log" >"$OUT/$name.txt"
	if [ $st != 0 ]; then
		echo "bench: run '$name' failed (status $st); see $OUT/$name.log" >&2
		exit 1
	fi
}

val() { # file key -> value of "bench: key=value" (VM 0's "[vm0] bench: ..." too)
	sed -n "s/^\(\[vm0\] \)\{0,1\}bench: $2=\([0-9]*\)$/\2/p" "$OUT/$1.txt" | head -1
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

boot hyp --icount --append "tv.guest=bench"
boot notrace --icount --hyp $B/hyp-notrace.bin --append "tv.guest=bench"
boot native --icount --hyp $B/bench-native.bin
# IPI round trip between two vCPUs on two harts (guest/smp, smp.bench).
# Under -icount QEMU runs the harts in turn on one thread and instret is
# its instruction count, advanced by every hart: the figure is what both
# harts retire per round trip (each sleeps in wfi while it waits). The
# guest cross-checks it with the time CSR (shift=0: 1 ns per instruction).
boot smp-ipi --icount --smp 2 --append "tv.guest=smp tv.vcpus=2 smp.bench"
# A time-shared hart: the benchmark as VM 0 and the test guest as VM 1 on
# the same hart (tv.vmN=...,harts:0). The null call beside another VM,
# and what a switch between the two costs the hypervisor (the benchmark
# reads it from the test device once the hart switched 16 times).
boot shared --icount --smp 1 --append "tv.guest=bench tv.vm1=guest:test,harts:0 tv.control_vm=0"

# Wall clock: the same benchmark without icount, RUNS times each.
for i in $(seq 1 "$RUNS"); do
	boot "wall-hyp-$i" --append "tv.guest=bench"
	boot "wall-native-$i" --hyp $B/bench-native.bin
done
wall() { # key -> median over runs, for hyp or native
	for i in $(seq 1 "$RUNS"); do val "wall-$1-$i" "$2"; done | median
}

# Bytes per exit+entry pair on the wire, from the test guest's own run.
boot wire-compact --append "tv.dump=compact"
boot wire-text --append "tv.dump=text"
# Exit and entry records only (tv.filter: bit 1 exit, bit 2 entry).
boot pair-compact --append "tv.dump=compact tv.filter=0x6"
boot pair-text --append "tv.dump=text tv.filter=0x6"
pair_exits=$($B/host/tvtrace -r "$OUT/pair-compact.log" 2>/dev/null | grep -c ' exit ')
pair_compact_bytes=$(grep -ao '~TV1:[A-Za-z0-9+/=]*' "$OUT/pair-compact.txt" | awk '{ n += length($0) + 1 } END { print n }')
pair_text_exits=$(grep -acE ': kvm_exit: ' "$OUT/pair-text.txt")
pair_text_bytes=$(grep -aE '^~vm[0-9]+-vcpu[0-9]+ \[' "$OUT/pair-text.txt" | awk '{ n += length($0) + 1 } END { print n }')
exits=$($B/host/tvtrace -r "$OUT/wire-compact.log" 2>/dev/null | grep -c ' exit ')
compact_bytes=$(grep -ao '~TV1:[A-Za-z0-9+/=]*' "$OUT/wire-compact.txt" | awk '{ n += length($0) + 1 } END { print n }')
text_pair_bytes=$(grep -aE ': kvm_(exit|entry): ' "$OUT/wire-text.txt" | awk '{ n += length($0) + 1 } END { print n }')
text_all_bytes=$(grep -aE '^~vm[0-9]+-vcpu[0-9]+ \[' "$OUT/wire-text.txt" | awk '{ n += length($0) + 1 } END { print n }')

# Linux: boot to the userspace marker, under the hypervisor and natively,
# same kernel and initramfs, same QEMU. Under -icount shift=0 one
# instruction is one nanosecond of virtual time, so the time CSR at the
# marker (printed by the guest's /init) counts the instructions retired
# since reset, firmware and hypervisor included.
linux_hyp_instr=null linux_native_instr=null linux_ratio=null
linux_hyp_spread="" linux_native_spread=""
LINUX_SAMPLES=${LINUX_SAMPLES:-3}
linux_wall_hyp=null linux_wall_native=null linux_wall_ratio=null
if scripts/fetch-linux.sh >"$OUT/fetch-linux.log" 2>&1; then
	marker_instr() { # log -> instructions at the marker
		tr -d '\r' <"$1" | awk '/^tvguest: timebase-frequency/ { hz = $3 }
			/^tvguest: rdtime at marker/ { t = $5 }
			END { if (hz && t) printf "%.0f", t * (1000000000 / hz) }'
	}
	# A kernel's boot depends on its rng-seed (about 2 % between seeds:
	# QEMU's natively, tracevisor's derived from QEMU's), so boot i of
	# each kind has QEMU seed i (--seed): each figure repeats exactly,
	# run after run, and the ratio is of medians of LINUX_SAMPLES seeds,
	# the spread printed with it.
	hs=() ns=()
	for i in $(seq 1 "$LINUX_SAMPLES"); do
		scripts/run.sh --linux --icount --seed "$i" --log "$OUT/linux-hyp-$i.log" >/dev/null 2>&1
		scripts/linux-native.sh --icount --seed "$i" --log "$OUT/linux-native-$i.log" >/dev/null 2>&1
		hs+=("$(marker_instr "$OUT/linux-hyp-$i.log")")
		ns+=("$(marker_instr "$OUT/linux-native-$i.log")")
	done
	cp "$OUT/linux-hyp-1.log" "$OUT/linux-hyp.log"
	spread() { sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%s..%s", a[1], a[NR] }'; }
	if printf '%s\n' "${hs[@]}" "${ns[@]}" | grep -qvx '[0-9][0-9]*'; then
		echo "bench: a Linux boot did not reach the marker (see $OUT/linux-*.log)" >&2
	else
		linux_hyp_instr=$(printf '%s\n' "${hs[@]}" | median)
		linux_native_instr=$(printf '%s\n' "${ns[@]}" | median)
		linux_hyp_spread=$(printf '%s\n' "${hs[@]}" | spread)
		linux_native_spread=$(printf '%s\n' "${ns[@]}" | spread)
		linux_ratio=$(awk -v a="$linux_hyp_instr" -v b="$linux_native_instr" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "null" }')
	fi
	$B/host/tvtrace -s "$OUT/linux-hyp.log" 2>/dev/null | awk '/^Analyze events for all/ { f = 1; next } f && NF == 0 && n { exit } f && NF { n++; print }' >"$OUT/linux-exits.txt"
	walltime() { # command... -> seconds of wall time
		local t0 t1
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
	}
	lw=() ln=()
	for i in 1 2 3; do
		lw+=("$(walltime scripts/run.sh --linux --log "$OUT/linux-wall-hyp.log")")
		ln+=("$(walltime scripts/linux-native.sh --log "$OUT/linux-wall-native.log")")
	done
	linux_wall_hyp=$(printf '%s\n' "${lw[@]}" | median)
	linux_wall_native=$(printf '%s\n' "${ln[@]}" | median)
	linux_wall_ratio=$(awk -v a="$linux_wall_hyp" -v b="$linux_wall_native" 'BEGIN { printf "%.2f", a / b }')
else
	echo "bench: no Linux kernel (scripts/fetch-linux.sh failed; see $OUT/fetch-linux.log); Linux figures skipped" >&2
fi

# The host decoder: tvtrace and babeltrace2 on the same 2.8 M event trace
# (scripts/bench-tvtrace.sh; CPU time, median of its SAMPLES runs).
scripts/bench-tvtrace.sh >"$OUT/tvtrace-bench.txt" 2>&1 ||
	{ cat "$OUT/tvtrace-bench.txt" >&2; echo "bench: scripts/bench-tvtrace.sh failed" >&2; exit 1; }
tvb() { # key of build/bench/tvtrace.txt -> value
	sed -n "s/^$1=//p" "$OUT/tvtrace.txt" | head -1
}

h() { val hyp "$1"; }
n() { val native "$1"; }
nt() { val notrace "$1"; }

null_sbi=$(h null_sbi_call_instr)
null_native=$(n null_sbi_call_instr)
null_notrace=$(nt null_sbi_call_instr)
trace_on=$((null_sbi - null_notrace))
trace_off=$(($(h null_sbi_call_trace_off_instr) - null_notrace))
wall_hyp=$(wall hyp null_sbi_call_ns)
wall_native=$(wall native null_sbi_call_ns)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }'; }

# The QEMU of platform $TV_PLATFORM, which scripts/run.sh and
# scripts/linux-native.sh ran (scripts/fetch-platform.sh --print).
qemu=$(scripts/fetch-platform.sh --print "${TV_PLATFORM:-system}" | sed -n 's/^QEMU_VERSION=//p')
cat >"$B/bench.json" <<JSON
{
  "date": "$(date -u +%Y-%m-%d)",
  "qemu_version": "$qemu",
  "null_sbi_call_instr": $null_sbi,
  "null_sbi_call_native_instr": $null_native,
  "null_sbi_call_ratio_vs_native": $(ratio "$null_sbi" "$null_native"),
  "null_sbi_call_trace_compiled_out_instr": $null_notrace,
  "mmio_uart_read_instr": $(h mmio_uart_read_instr),
  "mmio_uart_write_instr": $(h mmio_uart_write_instr),
  "mmio_uart_rw_instr": $(( ($(h mmio_uart_read_instr) + $(h mmio_uart_write_instr)) / 2 )),
  "timer_injection_instr": $(h timer_injection_instr),
  "timer_injection_native_instr": $(n timer_injection_instr),
  "wfi_exit_instr": $(h wfi_exit_instr),
  "trace_enabled_instr": $trace_on,
  "trace_disabled_instr": $trace_off,
  "trace_compact_bytes_per_exit_entry_pair": $(ratio "$pair_compact_bytes" "$pair_exits"),
  "trace_compact_bytes_per_exit_all_records": $(ratio "$compact_bytes" "$exits"),
  "trace_text_bytes_per_exit_entry_pair": $(ratio "$pair_text_bytes" "$pair_text_exits"),
  "trace_text_bytes_per_exit_all_records": $(ratio "$text_all_bytes" "$exits"),
  "wall_null_sbi_call_hyp_ns_median": $wall_hyp,
  "wall_null_sbi_call_native_ns_median": $wall_native,
  "wall_null_sbi_call_ratio": $(ratio "$wall_hyp" "$wall_native"),
  "wall_runs": $RUNS,
  "ipi_round_trip_instr": $(val smp-ipi ipi_round_trip_instr),
  "null_sbi_call_shared_hart_instr": $(val shared null_sbi_call_instr),
  "vm_switch_instr_min": $(val shared vm_switch_instr_min),
  "vm_switch_instr_last": $(val shared vm_switch_instr_last),
  "vm_switches_measured": $(val shared vm_switches),
  "linux_boot_instr": $linux_hyp_instr,
  "linux_boot_native_instr": $linux_native_instr,
  "linux_boot_instr_ratio": $linux_ratio,
  "linux_boot_samples": $LINUX_SAMPLES,
  "linux_boot_instr_spread": "$linux_hyp_spread",
  "linux_boot_native_instr_spread": "$linux_native_spread",
  "linux_wall_s_median": $linux_wall_hyp,
  "linux_native_wall_s_median": $linux_wall_native,
  "linux_wall_ratio": $linux_wall_ratio,
  "tvtrace_records": $(tvb tvtrace_records),
  "tvtrace_records_per_cpu_s": $(tvb tvtrace_records_per_cpu_s),
  "tvtrace_ring_records": $(tvb tvtrace_ring_records),
  "tvtrace_ring_records_per_cpu_s": $(tvb tvtrace_ring_records_per_cpu_s),
  "tvtrace_v1_records": $(tvb tvtrace_v1_records),
  "tvtrace_v1_records_per_cpu_s": $(tvb tvtrace_v1_records_per_cpu_s),
  "tvtrace_cpu_s_min": $(tvb tvtrace_cpu_s_min),
  "tvtrace_cpu_s_max": $(tvb tvtrace_cpu_s_max),
  "tvtrace_samples": $(tvb tvtrace_samples),
  "tvtrace_peak_rss_kb": $(tvb tvtrace_peak_rss_kb),
  "tvtrace_text_records_per_cpu_s": $(tvb tvtrace_text_records_per_cpu_s),
  "babeltrace2_records_per_cpu_s": $(tvb babeltrace2_records_per_cpu_s),
  "babeltrace2_dummy_records_per_cpu_s": $(tvb babeltrace2_dummy_records_per_cpu_s),
  "tvtrace_vs_babeltrace2": $(tvb tvtrace_vs_babeltrace2)
}
JSON

target() { # value op limit -> "met"/"NOT met" (op <= or >=), also counted in $OUT/targets
	local r
	r=$(awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = v == "null" ? 0 : (op == "<=") ? v <= l : (op == ">=") ? v >= l : 0; print ok ? "met" : "NOT met" }')
	echo "$r" >>"$OUT/targets"
	echo "$r"
}
: >"$OUT/targets"
printf '%-44s %12s   %s\n' "measure (QEMU $qemu, -icount shift=0)" "value" "target"
row() { printf '%-44s %12s   %s\n' "$1" "$2" "$3"; }
row "null SBI call, tracing on (instructions)" "$null_sbi" "<= 120: $(target "$null_sbi" "<=" 120)"
row "same call natively into OpenSBI" "$null_native" "ratio $(ratio "$null_sbi" "$null_native") (<= 0.5: $(target "$(ratio "$null_sbi" "$null_native")" "<=" 0.5))"
row "null SBI call, trace compiled out" "$null_notrace" ""
row "emulated UART read" "$(h mmio_uart_read_instr)" "<= 250: $(target "$(h mmio_uart_read_instr)" "<=" 250)"
row "emulated UART write" "$(h mmio_uart_write_instr)" "<= 250: $(target "$(h mmio_uart_write_instr)" "<=" 250)"
row "set_timer -> timer IRQ -> guest handler" "$(h timer_injection_instr)" "native: $(n timer_injection_instr)"
row "WFI exit round trip" "$(h wfi_exit_instr)" ""
row "IPI round trip, vCPU 0 -> 1 -> 0" "$(val smp-ipi ipi_round_trip_instr)" "both harts' instructions (icount); time CSR: $(val smp-ipi ipi_round_trip_time_ns) ns"
row "null SBI call, another VM on the same hart" "$(val shared null_sbi_call_instr)" "<= one VM's $null_sbi: $(target "$(val shared null_sbi_call_instr)" "<=" "$null_sbi")"
row "VM switch on a time-shared hart (hypervisor)" "$(val shared vm_switch_instr_min)" "fewest of $(val shared vm_switches) switches; the last: $(val shared vm_switch_instr_last)"
row "trace cost per exit, enabled" "$trace_on" "<= 20: $(target "$trace_on" "<=" 20)"
row "trace cost per exit, disabled at run time" "$trace_off" "<= 2: $(target "$trace_off" "<=" 2)"
row "compact dump bytes per exit+entry pair" "$(ratio "$pair_compact_bytes" "$pair_exits")" "<= 32: $(target "$(ratio "$pair_compact_bytes" "$pair_exits")" "<=" 32)"
row "text dump bytes per exit+entry pair" "$(ratio "$pair_text_bytes" "$pair_text_exits")" ""
row "compact dump bytes per exit, all records" "$(ratio "$compact_bytes" "$exits")" "SBI, MMIO, IRQ records included"
row "wall clock null SBI call, hyp/native" "$(ratio "$wall_hyp" "$wall_native")" "median of $RUNS runs each"
row "Linux boot to marker, instructions" "$linux_hyp_instr" "native $linux_native_instr, ratio $linux_ratio (<= 1.05: $(target "$linux_ratio" "<=" 1.05)); medians of $LINUX_SAMPLES boots each: $linux_hyp_spread, native $linux_native_spread"
row "Linux boot + workload, wall seconds" "$linux_wall_hyp" "native $linux_wall_native, ratio $linux_wall_ratio (median of 3)"
row "tvtrace --summary, events per CPU-s" "$(tvb tvtrace_records_per_cpu_s)" ">= 10000000: $(target "$(tvb tvtrace_records_per_cpu_s)" ">=" 10000000) ($(tvb tvtrace_records) events in $(tvb tvtrace_ring_records) RECORDS3 ring records, $(tvb tvtrace_ring_records_per_cpu_s) per CPU-s; median of $(tvb tvtrace_samples): $(tvb tvtrace_cpu_s_min)..$(tvb tvtrace_cpu_s_max) s; peak RSS $(tvb tvtrace_peak_rss_kb) KiB; a version 1 log of $(tvb tvtrace_v1_records) records: $(tvb tvtrace_v1_records_per_cpu_s) per CPU-s)"
row "babeltrace2 on its CTF, events per CPU-s" "$(tvb babeltrace2_records_per_cpu_s)" "tvtrace $(tvb tvtrace_vs_babeltrace2)x faster (>= 20: $(target "$(tvb tvtrace_vs_babeltrace2)" ">=" 20)); -o dummy $(tvb babeltrace2_dummy_records_per_cpu_s), tvtrace --text $(tvb tvtrace_text_records_per_cpu_s)"
echo "targets (issue 15): $(grep -c '^met' "$OUT/targets") met, $(grep -c '^NOT' "$OUT/targets") not met"
if [ -s "$OUT/linux-exits.txt" ]; then
	echo "Linux boot exits by reason (tracevisor, -icount run):"
	cat "$OUT/linux-exits.txt"
fi
echo "results: $B/bench.json"
