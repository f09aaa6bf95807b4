#!/bin/bash
# Memory the host's device tree reserves (/memreserve/ entries and the
# children of /reserved-memory, where OpenSBI lists its own region) is
# never handed out: "the operating system shall exclude reserved memory
# from normal usage" (Devicetree Specification, "/reserved-memory Node").
# Handed out, it would be the hypervisor's own allocations or a guest's
# RAM behind its G-stage. QEMU's own device tree (scripts/run.sh
# --dumpdtb) with reservations added by dtc, booted with --dtb:
#   - more reservations than the hypervisor can list (16 /memreserve/
#     pages, then OpenSBI's one or two regions): the boot is refused
#     (before, the last ones, OpenSBI's among them, were dropped and the
#     hypervisor's first allocation went into the firmware's memory);
#   - a reservation whose end lies past 2^64: kept, from its base up
#     (before, its wrapped end made every overlap test miss it, and
#     tv.guest_mem=max gave the guest RAM inside it);
#   - a /memory node whose status is "disabled" (memory that is not there
#     to use; Linux leaves it out): not RAM (before, it was, and the
#     hypervisor took a store access fault clearing a guest's RAM there);
#   - RAM in more ranges than the hypervisor lists: the first 16 used, the
#     rest said on the console and left alone (before, dropped unsaid).
source "$(dirname "$0")/lib.sh"

if ! command -v dtc >/dev/null; then
	echo "not ok - dtc is installed (scripts/setup.sh build: device-tree-compiler)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ROOT/scripts/run.sh" --dumpdtb "$tmp/base.dts" 2>"$tmp/dump.err"
check "--dumpdtb wrote QEMU's device tree as source" grep -q 'compatible = "riscv-virtio"' "$tmp/base.dts"

# dtb NAME: QEMU's tree with the /memreserve/ lines read from stdin.
dtb() {
	{ head -n 1 "$tmp/base.dts"; cat; tail -n +2 "$tmp/base.dts"; } >"$tmp/$1.dts"
	dtc -q -I dts -O dtb -o "$tmp/$1.dtb" "$tmp/$1.dts"
}

# ---- sixteen /memreserve/ pages at the top of RAM, then OpenSBI's node ------
for i in $(seq 0 15); do
	printf '/memreserve/ %#x 0x1000;\n' $((0x8ff00000 + i * 0x1000))
done | dtb many
boot reserved-many --dtb "$tmp/many.dtb"
check "16 reservations + OpenSBI's: QEMU exits non-zero (the boot is refused)" test "$STATUS" != 0
has "16 reservations + OpenSBI's: the hypervisor says why" \
	"^tracevisor: device tree reserves (1[7-9]|[2-9][0-9]) ranges of memory, more than the 16 the hypervisor keeps apart"
hasnt "16 reservations + OpenSBI's: no guest ran" "^tracevisor: entering the guest"
hasnt "16 reservations + OpenSBI's: no hypervisor memory was handed out" "^tracevisor: hypervisor memory 0x800[0-7]"

# ---- a reservation from 0x8c000000 to the top of the address space ----------
echo "/memreserve/ 0x8c000000 0xffffffff74000000;" | dtb wraps
boot reserved-wraps --dtb "$tmp/wraps.dtb" --append "tv.guest_mem=max"
status_is "reservation to 2^64: QEMU exits 0" 0
has "reservation to 2^64: the test guest passes" "^guest: ([0-9]+) of \1 steps passed$"
ram=$(sed -n 's/^tracevisor: VM 0: guest RAM GPA \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) at host \(0x[0-9a-f]*\)$/\1 \2 \3/p' "$LOG")
read -r gfirst glast host <<<"$ram"
check "reservation to 2^64: guest RAM ends below 0x8c000000 (host ${host:-none}, GPA ${gfirst:-?}-${glast:-?})" \
	test -n "$host" -a $((host + glast - gfirst)) -lt $((0x8c000000))
bad=$(sed -n 's/^tracevisor: hypervisor memory 0x[0-9a-f]*-\(0x[0-9a-f]*\)$/\1/p' "$LOG" |
	while read -r end; do [ $((end)) -ge $((0x8c000000)) ] && echo "$end"; done)
check "reservation to 2^64: no hypervisor memory at or above 0x8c000000 (${bad:-none})" test -z "$bad"

# ---- a disabled /memory node: 1 GiB at 0x100000000 that QEMU does not have --
python3 - "$tmp/base.dts" "$tmp/off.dts" <<'PY'
import sys
t = open(sys.argv[1]).read()
node = ('\tmemory@100000000 {\n\t\tdevice_type = "memory";\n'
        '\t\treg = <0x01 0x00 0x00 0x40000000>;\n\t\tstatus = "disabled";\n\t};\n')
i = t.index("\tmemory@")
open(sys.argv[2], "w").write(t[:i] + node + t[i:])
PY
dtc -q -I dts -O dtb -o "$tmp/off.dtb" "$tmp/off.dts"
boot memory-disabled --dtb "$tmp/off.dtb" --append "tv.guest_mem=max"
status_is "disabled /memory node: QEMU exits 0" 0
has "disabled /memory node: the test guest passes" "^guest: ([0-9]+) of \\1 steps passed$"
hasnt "disabled /memory node: its range is not taken for RAM" "^tracevisor: RAM +0x100000000-"
has "disabled /memory node: the enabled one is" "^tracevisor: RAM +0x80000000-0x8fffffff$"

# ---- RAM in 17 ranges: 240 MiB, then sixteen of 1 MiB up to 0x90000000 ----
python3 - "$tmp/base.dts" "$tmp/split.dts" <<'PY'
import sys
t = open(sys.argv[1]).read()
old = "reg = <0x00 0x80000000 0x00 0x10000000>;"
cells = ["0x00 0x80000000 0x00 0xf000000"]
cells += ["0x00 %#x 0x00 0x100000" % (0x8f000000 + i * 0x100000) for i in range(16)]
assert old in t
open(sys.argv[2], "w").write(t.replace(old, "reg = <" + " ".join(cells) + ">;", 1))
PY
dtc -q -I dts -O dtb -o "$tmp/split.dtb" "$tmp/split.dts"
boot memory-split --dtb "$tmp/split.dtb"
status_is "RAM in 17 ranges: QEMU exits 0" 0
has "RAM in 17 ranges: the test guest passes" "^guest: ([0-9]+) of \\1 steps passed$"
has "RAM in 17 ranges: the 17th is said to go unused" \
	"^tracevisor: device tree lists 17 ranges of RAM, more than the 16 the hypervisor keeps \\(MAX_MEM_RANGES\\): the last 1, from 0x8ff00000 on, go unused$"
check "RAM in 17 ranges: 16 listed as RAM, up to the 16th" \
	test "$(grep -c '^tracevisor: RAM ' "$LOG")" = 16 -a "$(grep -c '^tracevisor: RAM  *0x8fe00000-0x8fefffff$' "$LOG")" = 1
