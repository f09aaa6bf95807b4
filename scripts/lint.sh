#!/bin/bash
# Static analysis of the project's C code: clang-tidy and cppcheck.
#
# scripts/lint.sh [-j N] [FILE.c...]     (default: every C file)
#
# Two kinds of code, each with its own compiler view:
#   bare metal  hyp/, lib/, guest/, tests/system/virt_guest/: as the RISC-V
#               build sees them
#               (--target=riscv64-unknown-elf -march=rv64imac, freestanding,
#               picolibc headers, -Iinclude -Ilib); lib/ is checked here,
#               where it is strictest, though the host tools use it too
#   host        tools/, tests/: as the host build sees them (C11, glibc,
#               -Iinclude -Ilib -Itools/tvtrace)
# Checks: .clang-tidy (every turned-off check has its reason there) plus,
# per kind:
#   bare metal  -cert-fio38-c, -misc-non-copyable-objects: picolibc's
#               stdio is set up by defining a FILE object
#               (FDEV_SETUP_STREAM), which these checks take for a copy
#   host        -misc-no-recursion: recursion is fine on a host stack
#               (tree comparisons in tests); in the hypervisor it stays on,
#               as recursion defeats scripts/stack-check.sh
#   tests/unit  clang-tidy sees tests/lint/cmocka_lint.h first, which makes
#               cmocka's assertions stop the analyser's paths as they stop
#               the test (else it reports paths past failed assertions)
# cppcheck: --enable=warning,style,performance,portability with
# .cppcheck-suppressions (reasons there).
#
# Prints each finding as FILE:LINE: TOOL: MESSAGE [CHECK], then
# "lint: N findings"; exit status 1 when there are findings (or a tool
# failed), 0 when clean.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
JOBS=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = "-j" ]; then
	case "${2:-}" in
	'' | *[!0-9]* | 0) echo "lint: -j needs a number of jobs (1 or more)" >&2; exit 2 ;;
	esac
	JOBS=$2
	shift 2
fi
for f in "$@"; do
	case "$f" in
	-*) echo "lint: unknown option '$f' (usage: scripts/lint.sh [-j N] [FILE.c...])" >&2; exit 2 ;;
	esac
	[ -f "$f" ] || { echo "lint: $f: no such file" >&2; exit 2; }
done

PICOLIBC=/usr/lib/picolibc/riscv64-unknown-elf
BM_FLAGS="--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 -mcmodel=medany
	-std=c11 -ffreestanding -isystem $PICOLIBC/include -Iinclude -Ilib
	-DPICOLIBC_INTEGER_PRINTF_SCANF"
HOST_FLAGS="-std=c11 -Iinclude -Ilib -Itools/tvtrace"
BM_CHECKS="-cert-fio38-c,-misc-non-copyable-objects"
HOST_CHECKS="-misc-no-recursion"

for tool in clang-tidy cppcheck; do
	command -v "$tool" >/dev/null ||
		{ echo "lint: $tool is not installed (scripts/setup.sh lint)" >&2; exit 2; }
done

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find hyp lib guest tools tests -name '*.c' | sort)
fi
bm=() host=()
for f in "${files[@]}"; do
	case "$f" in
	hyp/*|lib/*|guest/*|tests/system/virt_guest/*) bm+=("$f") ;;
	*) host+=("$f") ;;
	esac
done

OUT=$(mktemp -d "${TMPDIR:-/tmp}/lint.XXXXXX") || exit 2
trap 'rm -rf "$OUT"' EXIT

# clang-tidy on one file with the flags of its kind; output in $OUT.
tidy_one() {
	local f=$1 out
	out="$OUT/tidy.$(echo "$f" | tr '/' '_')"
	case "$f" in
	hyp/*|lib/*|guest/*|tests/system/virt_guest/*)
		# shellcheck disable=SC2086
		clang-tidy --quiet --checks="$BM_CHECKS" "$f" -- $BM_FLAGS -Iguest/common ;;
	tests/unit/*)
		# shellcheck disable=SC2086
		clang-tidy --quiet --checks="$HOST_CHECKS" "$f" -- $HOST_FLAGS \
			-include tests/lint/cmocka_lint.h ;;
	*)
		# shellcheck disable=SC2086
		clang-tidy --quiet --checks="$HOST_CHECKS" "$f" -- $HOST_FLAGS ;;
	esac >"$out" 2>&1
	echo $? >"$out.rc"
}
export -f tidy_one
export OUT BM_FLAGS HOST_FLAGS BM_CHECKS HOST_CHECKS

printf '%s\n' "${bm[@]}" "${host[@]}" | grep . |
	xargs -P "$JOBS" -I{} bash -c 'tidy_one "$1"' _ {}

# Findings: "path:line:col: warning|error: message [check]", made relative
# and counted once even when a header is reached from several files.
for f in "$OUT"/tidy.*; do
	case "$f" in *.rc) continue ;; esac
	grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' "$f"
done | sed -E "s#^$ROOT/##; s#^([^:]+:[0-9]+):[0-9]+: (warning|error): #\1: clang-tidy: #" |
	sed -E ':a; s#^([^:]*)/[^/:.][^/:]*/\.\./#\1/#; ta' | sort -u >"$OUT/findings"

# A clang-tidy that failed without a finding (bad flags, crash).
for rc in "$OUT"/tidy.*.rc; do
	[ -e "$rc" ] || continue
	log=${rc%.rc}
	if [ "$(cat "$rc")" != 0 ] && ! grep -Eq ': (warning|error): ' "$log"; then
		echo "lint: clang-tidy failed on $(basename "$log"):" >&2
		head -n 5 "$log" >&2
		echo "$(basename "$log"): clang-tidy: failed" >>"$OUT/findings"
	fi
done

CPPCHECK=(cppcheck -q --std=c11 --platform=unix64 --inline-suppr
	--enable=warning,style,performance,portability
	--suppressions-list=.cppcheck-suppressions -j "$JOBS"
	--template='{file}:{line}: cppcheck: {message} [{id}]')
if [ ${#bm[@]} -gt 0 ]; then
	"${CPPCHECK[@]}" -D__riscv=1 -D__riscv_xlen=64 -DPICOLIBC_INTEGER_PRINTF_SCANF \
		-Iinclude -Ilib -Iguest/common "${bm[@]}" 2>>"$OUT/cppcheck" >/dev/null
fi
if [ ${#host[@]} -gt 0 ]; then
	"${CPPCHECK[@]}" -Iinclude -Ilib -Itools/tvtrace "${host[@]}" \
		2>>"$OUT/cppcheck" >/dev/null
fi
grep -E '^[^ ]+:[0-9]+: cppcheck: ' "$OUT/cppcheck" | sort -u >>"$OUT/findings"

cat "$OUT/findings"
n=$(grep -c . "$OUT/findings")
echo "lint: $n finding$([ "$n" = 1 ] || echo s) in ${#files[@]} files (clang-tidy $(grep -c ': clang-tidy: ' "$OUT/findings"), cppcheck $(grep -c ': cppcheck: ' "$OUT/findings"))"
[ "$n" = 0 ]
