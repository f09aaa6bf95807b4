#!/bin/sh
# Install the Debian 12 packages tracevisor needs, or name the missing ones.
#
# Usage: scripts/setup.sh [build|run|test|lint|linux|linux-paravirt|qemu10|all]
#   build : cross compiler, bare-metal libc, device-tree compiler (dtc: the
#           guest DT test, run.sh --dumpdtb and the device trees of
#           tests/system/test_vms_dt.sh)
#   run   : build + QEMU and OpenSBI
#   test  : run + host test dependencies (cmocka, clang for sanitizers,
#           clang's runtime libraries for libFuzzer, babeltrace2 to read
#           the CTF export, rsvg-convert to render tvtrace's SVGs,
#           Debian's S-mode U-Boot for the OpenSBI -> U-Boot -> tracevisor
#           boot chain test, trace-cmd and KernelShark under Xvfb with
#           xwd/xwininfo to read the trace.dat export, headless Chromium
#           to load and click tvtrace's HTML report)
#           + linux and linux-paravirt, for the Linux guest tests
#   lint  : static analysers for `make lint` (clang-tidy, cppcheck)
#   linux : run + what scripts/fetch-linux.sh needs to fetch the riscv64
#           kernel and busybox .debs (apt, dpkg-deb, Debian's archive
#           keyring) and pack the initramfs (cpio, gzip)
#   linux-paravirt: linux + what scripts/build-linux-paravirt.sh needs to
#           build a riscv64 Linux with CONFIG_PARAVIRT (SBI STA) from
#           Debian's source: Debian 12's Linux cross compiler
#           (riscv64-linux-gnu-; the bare-metal riscv64-unknown-elf- has no
#           Linux target) and the kernel build's host tools (flex, bison,
#           bc, perl, xz)
#   qemu10: run + what scripts/fetch-platform.sh needs (apt, dpkg-deb,
#           Debian's archive keyring), then fetches the second platform,
#           QEMU 10.0 + OpenSBI 1.5 from bookworm-backports, into the cache
#           (the system's QEMU 7.2 stays); QEMU 7.2's package brings the
#           shared libraries QEMU 10 runs with
#   all   : everything, including debugger
# Exits 0 when everything is present (installing it first when run as root),
# non-zero with a message naming the packages otherwise.
set -eu

case "${1:-}" in
-h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -le 1 ] || { echo "setup.sh: one target at a time (got: $*)" >&2; exit 2; }
want="${1:-test}"

# package:command-or-file-that-proves-it-is-installed
pkgs_build="gcc-riscv64-unknown-elf:/usr/bin/riscv64-unknown-elf-gcc
binutils-riscv64-unknown-elf:/usr/bin/riscv64-unknown-elf-ld
picolibc-riscv64-unknown-elf:/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
device-tree-compiler:/usr/bin/dtc
make:/usr/bin/make
gcc:/usr/bin/gcc
libc6-dev:/usr/include/stdio.h"
pkgs_run="qemu-system-misc:/usr/bin/qemu-system-riscv64
opensbi:/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
python3:/usr/bin/python3"
pkgs_test="libcmocka-dev:/usr/include/cmocka.h
clang:/usr/bin/clang
libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
babeltrace2:/usr/bin/babeltrace2
librsvg2-bin:/usr/bin/rsvg-convert
trace-cmd:/usr/bin/trace-cmd
kernelshark:/usr/bin/kernelshark
xvfb:/usr/bin/Xvfb
xauth:/usr/bin/xauth
x11-apps:/usr/bin/xwd
x11-utils:/usr/bin/xwininfo
u-boot-qemu:/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
chromium:/usr/bin/chromium"
pkgs_lint="clang-tidy:/usr/bin/clang-tidy
cppcheck:/usr/bin/cppcheck"
pkgs_fetch="apt:/usr/bin/apt-get
dpkg:/usr/bin/dpkg-deb
debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg"
pkgs_linux="cpio:/usr/bin/cpio
gzip:/bin/gzip
$pkgs_fetch"
pkgs_paravirt="gcc-riscv64-linux-gnu:/usr/bin/riscv64-linux-gnu-gcc
binutils-riscv64-linux-gnu:/usr/bin/riscv64-linux-gnu-ld
flex:/usr/bin/flex
bison:/usr/bin/bison
bc:/usr/bin/bc
perl:/usr/bin/perl
xz-utils:/usr/bin/xz
libelf-dev:/usr/include/libelf.h"
pkgs_all="gdb-multiarch:/usr/bin/gdb-multiarch"

case "$want" in
build) list="$pkgs_build" ;;
run)   list="$pkgs_build
$pkgs_run" ;;
test)  list="$pkgs_build
$pkgs_run
$pkgs_test
$pkgs_linux
$pkgs_paravirt" ;;
lint)  list="$pkgs_lint" ;;
linux) list="$pkgs_build
$pkgs_run
$pkgs_linux" ;;
linux-paravirt) list="$pkgs_build
$pkgs_run
$pkgs_linux
$pkgs_paravirt" ;;
qemu10) list="$pkgs_build
$pkgs_run
$pkgs_fetch" ;;
all)   list="$pkgs_build
$pkgs_run
$pkgs_test
$pkgs_lint
$pkgs_linux
$pkgs_paravirt
$pkgs_all" ;;
*) echo "setup.sh: unknown target '$want' (use build, run, test, lint, linux, linux-paravirt, qemu10 or all)" >&2; exit 2 ;;
esac

missing=""
for entry in $list; do
	pkg="${entry%%:*}"
	file="${entry#*:}"
	[ -e "$file" ] || missing="$missing $pkg"
done

# after_install: what a target does once its packages are there.
after_install() {
	case "$want" in
	qemu10) exec "$(dirname "$0")/fetch-platform.sh" qemu10 ;;
	esac
	exit 0
}

[ -z "$missing" ] && after_install

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "setup.sh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	after_install
fi

echo "setup.sh: missing Debian packages:$missing" >&2
echo "setup.sh: install them with: sudo apt-get install$missing" >&2
exit 1
