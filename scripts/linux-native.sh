#!/bin/bash
# Boot the fetched Linux kernel and initramfs natively on QEMU virt (no
# hypervisor), as the reference for the tracevisor Linux guest.
#
# scripts/linux-native.sh [--icount] [--seed N] [--timeout SECS] [--log FILE]
#                         [--kernel FILE] [--initrd FILE] [-- QEMU ARGS...]
#   --icount   add -icount shift=0,sleep=off: 1 instruction = 1 ns of
#              virtual time, so rdtime at the marker measures the boot
#   --seed N   QEMU's -seed N: the same /chosen/rng-seed every boot, so
#              with --icount a boot repeats exactly (run.sh's --seed)
# Runs scripts/fetch-linux.sh first when build/linux/Image or the initramfs
# is missing. The console goes to build/linux/native.log. QEMU and OpenSBI
# are those of platform $TV_PLATFORM (system or qemu10, default system), as
# for scripts/run.sh.
# Exit status 0 only when the guest printed the userspace marker and the
# workload-done line and QEMU then exited by itself (the guest's poweroff
# reached the firmware as an SBI system reset); 1 otherwise, 124 on timeout.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
kernel="$ROOT/build/linux/Image"
initrd="$ROOT/build/linux/initramfs.cpio.gz"
log="$ROOT/build/linux/native.log"
timeout=120
icount=()
seed=()
extra=()
MARKER="tvguest: linux guest reached userspace"
DONE="tvguest: linux guest workload done"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--icount) icount=(-icount "shift=0,sleep=off") ;;
	--seed)
		case "${2:-x}" in
		*[!0-9]*) echo "linux-native: --seed must be a number, 0 or more (got '${2:-}')" >&2; exit 2 ;;
		esac
		seed=(-seed "$2"); shift ;;
	--timeout) timeout="$2"; shift ;;
	--log) log="$2"; shift ;;
	--kernel) kernel="$2"; shift ;;
	--initrd) initrd="$2"; shift ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) usage ;;
	*) echo "linux-native: unknown option '$1'" >&2; usage ;;
	esac
	shift
done

if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
	echo "linux-native: $kernel or $initrd missing; running scripts/fetch-linux.sh"
	"$ROOT/scripts/fetch-linux.sh" || exit 1
fi
platform=${TV_PLATFORM:-system}
if ! settings=$("$ROOT/scripts/fetch-platform.sh" --print "$platform" 2>/dev/null); then
	"$ROOT/scripts/fetch-platform.sh" "$platform" >&2 || exit 1
	settings=$("$ROOT/scripts/fetch-platform.sh" --print "$platform") || exit 1
fi
QEMU=""
eval "$settings"
command -v "$QEMU" >/dev/null ||
	{ echo "linux-native: $QEMU missing (run: scripts/setup.sh linux)" >&2; exit 1; }
mkdir -p "$(dirname "$log")"

cmd=("$QEMU" -M virt -cpu rv64 -m 256M -nographic -bios default
	-kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 earlycon"
	"${icount[@]}" "${seed[@]}" "${extra[@]}")
echo "linux-native: $(printf "%q " "${cmd[@]}")"

# Run QEMU in the background and watch it: stop early on a kernel panic
# (the kernel then spins forever), kill it at the timeout.
start=$(date +%s%N)
"${cmd[@]}" < /dev/null > "$log" 2>&1 &
qpid=$!
status=""
while kill -0 "$qpid" 2>/dev/null; do
	now=$(date +%s%N)
	if [ $(( (now - start) / 1000000000 )) -ge "$timeout" ]; then
		status=timeout
	elif grep -aq -- '---\[ end Kernel panic' "$log"; then
		status=panic
	fi
	if [ -n "$status" ]; then
		kill "$qpid" 2>/dev/null
		break
	fi
	sleep 0.1
done
wait "$qpid"
qrc=$?
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))

grep -a '^tvguest: ' "$log" | grep -av '/proc/cpuinfo follows' | tr -d '\r'
printf 'linux-native: wall time %d.%03d s, QEMU exit status %d, log %s\n' \
	$((wall_ms / 1000)) $((wall_ms % 1000)) "$qrc" "$log"

# Under icount the `time` CSR counts virtual time, so ticks * 1e9 /
# timebase is the number of nanoseconds, i.e. instructions plus any idle
# time the virtual clock skipped (the boot has next to none).
ticks=$(sed -n 's/^tvguest: rdtime at marker \([0-9]*\).*/\1/p' "$log" | head -n 1)
tb=$(sed -n 's/^tvguest: timebase-frequency \([0-9]*\).*/\1/p' "$log" | head -n 1)
if [ -n "$ticks" ] && [ -n "$tb" ] && [ "$tb" -gt 0 ]; then
	ns=$(( ticks * 1000000000 / tb ))
	if [ ${#icount[@]} -gt 0 ]; then
		echo "linux-native: rdtime at marker $ticks ticks at $tb Hz = $ns ns virtual = ~$ns instructions (icount shift=0)"
	else
		echo "linux-native: rdtime at marker $ticks ticks at $tb Hz = $ns ns"
	fi
fi

fail() { echo "linux-native: FAIL: $1" >&2; tail -n 20 "$log" >&2; exit "${2:-1}"; }
[ "$status" = timeout ] && fail "no poweroff within $timeout s" 124
[ "$status" = panic ] && fail "kernel panic"
# (the serial console ends lines with CR LF)
grep -aqE -- "^$MARKER"$'\r?$' "$log" || fail "the marker '$MARKER' never appeared"
grep -aqE -- "^$DONE"$'\r?$' "$log" || fail "the workload did not finish"
[ "$qrc" = 0 ] || fail "QEMU exited with status $qrc"
echo "linux-native: PASS"
