#!/bin/bash
# Where do the instructions of one operation go? Runs the benchmark guest
# under QEMU with one instruction per translation block and an execution
# log restricted to the hypervisor and guest images, cuts the log at the
# guest's null SBI call (the ecall in op_null_sbi), and prints, for the
# most common iteration length of each phase (tracing on, tracing off),
# the instructions spent in each function. This is the evidence behind
# the figures `make bench` reports.
#
# scripts/insn-profile.sh [HYP_BIN] [APPEND]
# OP=op_uart_read (any op_* of guest/bench/bench.c) cuts at that
# operation's trapping instruction (its ecall, load or store) instead.
# LIST=1 also prints every instruction of each iteration shown.
# QEMU and OpenSBI are those of platform $TV_PLATFORM (system or qemu10,
# default system), as for scripts/run.sh.
set -eu
cd "$(dirname "$0")/.."
platform=${TV_PLATFORM:-system}
settings=$(scripts/fetch-platform.sh --print "$platform" 2>/dev/null) ||
	{ scripts/fetch-platform.sh "$platform" >&2; settings=$(scripts/fetch-platform.sh --print "$platform"); }
QEMU="" QEMU_VERSION=""
eval "$settings"
# One instruction per translation block: -singlestep until QEMU 8.1 renamed
# it to the TCG property one-insn-per-tb (QEMU 10 has only the latter).
case "$QEMU_VERSION" in
[1-7].* | 8.0.*) one_insn=(-singlestep) ;;
*) one_insn=(-accel "tcg,one-insn-per-tb=on") ;;
esac
hyp=${1:-build/hyp.bin}
append=${2:-tv.guest=bench tv.guest_mem=4M}
elf=${hyp%.bin}.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The benchmark guest runs with its MMU off at its guest-physical link
# address, QEMU virt's RAM base 0x80000000 - the PCs of the firmware too,
# whose instructions (its timer interrupts, now and then) the filter lets
# through: the profile keeps only the most common iteration lengths,
# which they do not touch.
guest_base=0x$(riscv64-unknown-elf-nm build/bench-guest.elf | awk '$3 == "_guest_start" { print $1 }')
op=${OP:-op_null_sbi}
ecall=$(riscv64-unknown-elf-objdump -d build/bench-guest.elf |
	awk -v op="<$op>:" '$2 == op { f = 1; next } f && /^$/ { exit }
		f && /\t(ecall|wfi)[ \t]*$|\t(l[bhwd]u?|s[bhwd])\t/ { sub(":", "", $1); print $1; exit }')
[ -n "$ecall" ] || { echo "insn-profile: no trapping instruction in $op" >&2; exit 2; }
timeout 300 "$QEMU" -M virt -cpu rv64 -m 256M -nographic -monitor none \
	-serial null -bios default -kernel "$hyp" -append "$append" \
	-icount shift=0,sleep=off "${one_insn[@]}" -d exec,nochain \
	-dfilter 0x80200000+0x200000,$guest_base+0x100000 -D "$tmp/exec.log" >/dev/null 2>&1 || true
{ riscv64-unknown-elf-nm -n "$elf"; riscv64-unknown-elf-nm -n build/bench-guest.elf; } |
	awk '$2 ~ /^[tT]$/ { print $1, $3 }' | sort >"$tmp/syms"
awk -F'/' '{ print $2 }' "$tmp/exec.log" | awk -v e="$(printf '%016x' "0x$ecall")" '
	$1 == e { if (start && NR - start < 5000) print NR - start, seq; seq = ""; start = NR }
	{ if (length(seq) < 100000) seq = seq " " $1 }' >"$tmp/iters"
{ riscv64-unknown-elf-objdump -d --no-show-raw-insn "$elf"
	riscv64-unknown-elf-objdump -d --no-show-raw-insn build/bench-guest.elf; } |
	awk -F'\t' '/^ *[0-9a-f]+:\t/ { a = $1; gsub(/[ :]/, "", a); print a "\t" $2 " " $3 }' >"$tmp/dis"
LIST=${LIST:-0} python3 - "$tmp/iters" "$tmp/syms" "$op" "$tmp/dis" <<'PY'
import bisect, collections, os, sys
syms = [(int(a, 16), n) for a, n in (l.split() for l in open(sys.argv[2]))]
syms.sort()
addrs = [a for a, _ in syms]
iters = [l.split() for l in open(sys.argv[1])]
lengths = collections.Counter(int(i[0]) for i in iters)
for length, times in sorted(lengths.items(), key=lambda kv: -kv[1])[:2]:
    seq = next(i[1:] for i in iters if int(i[0]) == length)
    print(f"one {sys.argv[3]}: {length} instructions (seen {times} times)")
    per = collections.OrderedDict()
    for pc in seq:
        n = syms[bisect.bisect_right(addrs, int(pc, 16)) - 1][1]
        per[n] = per.get(n, 0) + 1
    for n, c in per.items():
        print(f"  {c:5d}  {n}")
    if os.environ["LIST"] == "1":
        dis = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[4]))
        for pc in seq:
            a = int(pc, 16)
            n = syms[bisect.bisect_right(addrs, a) - 1][1]
            print(f"    {a:x}  {n:32.32s} {dis.get(f'{a:x}', '?')}")
PY
