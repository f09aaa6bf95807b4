#!/bin/sh
# Install the Debian 12 packages tracevisor needs, or name the missing ones.
#
# Usage: scripts/setup.sh [build|run|test|all]
#   build : cross compiler, bare-metal libc, device-tree compiler
#   run   : build + QEMU and OpenSBI
#   test  : run + host test dependencies (cmocka, clang for sanitizers)
#   all   : everything, including debugger
# Exits 0 when everything is present (installing it first when run as root),
# non-zero with a message naming the packages otherwise.
set -eu

want="${1:-test}"

# package:command-or-file-that-proves-it-is-installed
pkgs_build="gcc-riscv64-unknown-elf:/usr/bin/riscv64-unknown-elf-gcc
binutils-riscv64-unknown-elf:/usr/bin/riscv64-unknown-elf-ld
picolibc-riscv64-unknown-elf:/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
device-tree-compiler:/usr/bin/dtc
make:/usr/bin/make
gcc:/usr/bin/gcc"
pkgs_run="qemu-system-misc:/usr/bin/qemu-system-riscv64
opensbi:/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
python3:/usr/bin/python3"
pkgs_test="libcmocka-dev:/usr/include/cmocka.h
clang:/usr/bin/clang"
pkgs_all="gdb-multiarch:/usr/bin/gdb-multiarch"

case "$want" in
build) list="$pkgs_build" ;;
run)   list="$pkgs_build
$pkgs_run" ;;
test)  list="$pkgs_build
$pkgs_run
$pkgs_test" ;;
all)   list="$pkgs_build
$pkgs_run
$pkgs_test
$pkgs_all" ;;
*) echo "setup.sh: unknown target '$want' (use build, run, test or all)" >&2; exit 2 ;;
esac

missing=""
for entry in $list; do
	pkg="${entry%%:*}"
	file="${entry#*:}"
	[ -e "$file" ] || missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "setup.sh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	exit 0
fi

echo "setup.sh: missing Debian packages:$missing" >&2
echo "setup.sh: install them with: sudo apt-get install$missing" >&2
exit 1
