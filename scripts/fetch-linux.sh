#!/bin/bash
# Fetch a RISC-V Linux kernel and build the initramfs for the Linux guest.
#
# scripts/fetch-linux.sh [--refresh] [--cache DIR] [--suite SUITE] [--newer]
#   --refresh     download the package index and the .debs again
#   --cache DIR   cache directory (default ${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor})
#   --suite S     Debian suite to fetch from (default: trixie, then stable)
#   --newer       also the newer kernel: build/linux/Image-newer, config-newer
# Results: build/linux/Image and build/linux/initramfs.cpio.gz.
#
# Debian 12 has no riscv64 kernel; Debian 13 (trixie) has linux-image-riscv64
# and busybox-static for riscv64. This script fetches both .debs with
# `apt-get download` through a private apt setup in the cache (its own
# sources list, lists, package cache and empty dpkg status; the machinery is
# scripts/lib/apt-private.sh, shared with scripts/fetch-platform.sh), so the
# machine's apt configuration is never touched and no root is needed. The
# mirror is the one the machine's own apt sources name
# (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list), or
# $TRACEVISOR_DEBIAN_MIRROR; indexes are checked against the keyring those
# sources use (or $TRACEVISOR_DEBIAN_KEYRING). Debian 12's
# debian-archive-keyring already holds the trixie signing keys. A second run reuses the cached .debs and downloads nothing.
#
# --newer adds a second, newer Debian kernel beside the default one, for
# what Linux 6.12 does not do (tests/system/test_linux_newer.sh): the
# first of $TRACEVISOR_LINUX_NEWER_SUITES (default: forky, i.e. testing,
# then sid) that has one, cached apart in $CACHE/linux-newer, written to
# build/linux/Image-newer with its build configuration as
# build/linux/config-newer; it boots with the same initramfs. Newer Debian
# kernels come split: linux-image-VERSION-riscv64 is then an empty package
# depending on linux-binary-VERSION-riscv64 (the Image, as
# /usr/lib/modules/VERSION/vmlinuz) and linux-base-VERSION-riscv64 (its
# config beside it); older ones hold /boot/vmlinux-VERSION and
# /boot/config-VERSION themselves. Both layouts are read. When the index
# names a version the mirror's pool no longer has, the next version the
# index lists is tried, newest first, then the next suite. (Not
# trixie-backports: its 7.2 kernels, built with trixie's toolchain, have
# no CONFIG_RISCV_USER_CFI, so they make no FWFT call at boot.)
#
# The initramfs holds busybox with its applet links in /bin, guest/linux/init
# as /init, guest/linux/rdtime.S built as /bin/rdtime and
# guest/linux/perfcount.c as /bin/perfcount. It is rebuilt on
# every run (a second or so) and is byte-for-byte reproducible.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build/linux"
CACHE="${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor}"
SUITES="${TRACEVISOR_LINUX_SUITES:-trixie stable}"
NEWER_SUITES="${TRACEVISOR_LINUX_NEWER_SUITES:-forky sid}"
NEWER=0
REFRESH=0
CROSS="${CROSS_COMPILE:-riscv64-unknown-elf-}"
# busybox applets linked into /bin: what guest/linux/init uses, and for
# the interactive shell (make shell) what people reach for to look around.
APPLETS=(sh ash cat dd echo ls mkdir mount umount poweroff reboot wc od rm
	sleep uname dmesg true false test printf sync grep head tail ps cp mv ln
	setsid cttyhack stty clear vi less more free top env id find sed awk sort
	uniq cut tr stat du df date uptime kill which hostname xargs)

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
say() { echo "fetch-linux: $*"; }
die() { echo "fetch-linux: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--refresh) REFRESH=1 ;;
	--cache) CACHE="$2"; shift ;;
	--suite) SUITES="$2"; shift ;;
	--newer) NEWER=1 ;;
	-h|--help) usage ;;
	*) echo "fetch-linux: unknown option '$1'" >&2; usage ;;
	esac
	shift
done

# find_mirror, apt_run, apt_update, field, download, mf, cache_ok,
# prune_cache, extract: the private apt setup in $CACHE (apt/, debs/,
# extract/), riscv64 only.
# shellcheck source=scripts/lib/apt-private.sh
. "$ROOT/scripts/lib/apt-private.sh"
apt_private_init "$CACHE" riscv64

# check_tools: every program this script runs must be there.
check_tools() {
	local t missing=""
	for t in apt-get apt-cache dpkg-deb cpio gzip sha256sum od cmp "${CROSS}gcc"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (run: scripts/setup.sh linux)"
}

# resolve_kernel: the metapackage linux-image-riscv64 depends on the real
# versioned package, e.g. linux-image-6.12.43+deb13-riscv64.
resolve_kernel() {
	field linux-image-riscv64 Depends | sed 's/[,|]/\n/g' | sed 's/^ *//; s/ .*//' |
		grep -E '^linux-image-.*-riscv64(-unsigned)?$' | head -n 1
}

# kernel_candidates: the versioned kernel packages of the suite's index,
# the one linux-image-riscv64 depends on first, then the others newest
# first.
kernel_candidates() {
	local want
	want=$(resolve_kernel)
	[ -n "$want" ] && echo "$want"
	apt_run apt-cache pkgnames linux-image- 2>/dev/null |
		grep -E '^linux-image-[0-9][^ ]*-riscv64(-unsigned)?$' | grep -vxF -- "${want:-none}" |
		sort -rV || true
}

# kernel_parts PKG: "KERNEL_PKG CONFIG_PKG" for the versioned PKG: the
# split layout's linux-binary-* and linux-base-* when PKG depends on them,
# else PKG twice (it holds both).
kernel_parts() {
	local deps bin base
	deps=$(field "$1" Depends | sed 's/[,|]/\n/g' | sed 's/^ *//; s/ .*//')
	bin=$(grep -E '^linux-binary-' <<< "$deps" | head -n 1 || true)
	base=$(grep -E '^linux-base-[0-9]' <<< "$deps" | head -n 1 || true)
	if [ -n "$bin" ] && [ -n "$base" ]; then
		echo "$bin $base"
	else
		echo "$1 $1"
	fi
}

# fetch_kernel WITH_CONFIG: download the first candidate kernel whose
# .debs the mirror has (KERNEL; with WITH_CONFIG=1 also KCONFIG, the
# package holding its config: the same .deb in the old layout).
fetch_kernel() {
	local c kpkg cpkg ver same
	cp "$MANIFEST.new" "$MANIFEST.try"
	for c in $(kernel_candidates); do
		read -r kpkg cpkg <<< "$(kernel_parts "$c")"
		ver=$(field "$kpkg" Version)
		if try_download "$kpkg" "$ver" KERNEL; then
			[ "$1" = 1 ] || return 0
			if [ "$cpkg" = "$kpkg" ]; then
				same=$(sed -n 's/^KERNEL_/KCONFIG_/p' "$MANIFEST.new")
				echo "$same" >> "$MANIFEST.new"
				return 0
			fi
			try_download "$cpkg" "$(field "$cpkg" Version)" KCONFIG && return 0
		fi
		cp "$MANIFEST.try" "$MANIFEST.new"      # forget the half-fetched one
	done
	return 1
}

# fetch_debs WITH_BUSYBOX WITH_CONFIG: in the first suite of $SUITES that
# has a riscv64 kernel the mirror can deliver, download it (and busybox,
# and the kernel's config package, when asked); writes the manifest.
fetch_debs() {
	local s
	apt_private_prepare
	for s in $SUITES; do
		apt_update "$s" || continue
		if ! apt_run apt-cache show linux-image-riscv64 >/dev/null 2>&1; then
			say "suite $s has no linux-image-riscv64 for riscv64"
			continue
		fi
		manifest_release "$s" > "$MANIFEST.new"
		if ! fetch_kernel "$2"; then
			say "suite $s: no kernel version its index names could be downloaded"
			continue
		fi
		[ "$1" = 1 ] && download busybox-static "$(field busybox-static Version)" BUSYBOX
		rm -f "$MANIFEST.try"
		mv -f "$MANIFEST.new" "$MANIFEST"
		return 0
	done
	rm -f "$MANIFEST.try"
	die "no suite of '$SUITES' gave a riscv64 kernel (apt log: $APT_DIR/update.log)"
}

# in_tree DIR PATTERN...: the first file of DIR matching one of the
# patterns (relative to DIR), or nothing.
in_tree() {
	local dir=$1 p f
	shift
	for p in "$@"; do
		for f in "$dir"/$p; do
			[ -f "$f" ] && { echo "$f"; return 0; }
		done
	done
	return 0
}

# kernel_image DIR / kernel_config DIR: where each layout keeps them.
kernel_image() { in_tree "$1" 'boot/vmlinux-*' 'usr/lib/modules/*/vmlinuz'; }
kernel_config() { in_tree "$1" 'boot/config-*' 'usr/lib/modules/*/config'; }

# le64 FILE OFFSET: a little-endian 64-bit number from FILE, in decimal.
le64() { od -An -j "$2" -N 8 -t u8 --endian=little "$1" | tr -d ' '; }

# check_image FILE: the RISC-V Linux boot image header (Linux
# Documentation/arch/riscv/boot-image-header.rst): text_offset at 0x08,
# image_size at 0x10, magic2 "RSC\x05" at 0x38.
check_image() {
	local magic
	magic=$(od -An -j 56 -N 4 -t x1 "$1" | tr -d ' ')
	[ "$magic" = 52534305 ] || die "$1: no RISC-V Image magic RSC\\x05 at 0x38 (found $magic)"
	printf 'fetch-linux: kernel Image header: magic RSC\\x05 ok, text_offset 0x%x, image_size 0x%x (%d bytes)\n' \
		"$(le64 "$1" 8)" "$(le64 "$1" 16)" "$(le64 "$1" 16)"
}

# check_elf_rv64 FILE: a 64-bit little-endian RISC-V ELF executable
# (ELF header: EI_CLASS=2, EI_DATA=1 at 4..5, e_type=2 at 16, e_machine=243
# (EM_RISCV) at 18).
check_elf_rv64() {
	local h
	h=$(od -An -N 20 -t x1 "$1" | tr -d ' \n')
	if [ "${h:0:8}" != 7f454c46 ] || [ "${h:8:4}" != 0201 ] || [ "${h:32:8}" != 0200f300 ]; then
		die "$1 is not a 64-bit RISC-V ELF executable"
	fi
}

# newc_entry NAME MODE MAJOR MINOR: one header-only entry of a newc cpio
# archive (cpio(5), "New ASCII Format": "070701", 13 eight-digit hex
# fields, the NUL-terminated name padded to 4 bytes, no data).
newc_entry() {
	local name=$1 n pad
	n=$(( ${#name} + 1 ))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$5" "$2" 0 0 1 "$MTIME" 0 0 0 "$3" "$4" "$n" 0
	printf '%s\0' "$name"
	pad=$(( (4 - (110 + n) % 4) % 4 ))
	head -c "$pad" /dev/zero
}

# build_initramfs BUSYBOX: stage the root file system and pack it.
# GNU cpio archives the tree; /dev/console, which the kernel opens as
# init's stdin/stdout before running /init, is a device node that only
# root could create on disk, so it goes in as a second hand-written
# archive (the kernel unpacks concatenated archives one after another).
build_initramfs() {
	local bb=$1 root="$OUT/initramfs-root" a found
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp}
	cp "$bb" "$root/bin/busybox"
	chmod 0755 "$root/bin/busybox"
	# busybox keeps its applet names NUL-separated in the binary
	found=$(tr '\0' '\n' < "$bb" | LC_ALL=C grep -axF -f <(printf '%s\n' "${APPLETS[@]}") | sort -u)
	for a in "${APPLETS[@]}"; do
		grep -qxF -- "$a" <<< "$found" || die "busybox has no applet '$a'"
		ln -s busybox "$root/bin/$a"
	done
	cp "$OUT/rdtime" "$root/bin/rdtime"
	cp "$OUT/perfcount" "$root/bin/perfcount"
	install -m 0755 "$ROOT/guest/linux/init" "$root/init"
	chmod 1777 "$root/tmp"
	find "$root" -exec touch -h -d "@$MTIME" {} +
	{
		(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
			cpio --quiet -o -H newc -R 0:0 --reproducible)
		newc_entry dev/console $((0020600)) 5 1 1
		newc_entry TRAILER!!! 0 0 0 0
	} | gzip -9 -n > "$OUT/initramfs.cpio.gz.new"
	mv -f "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
}

# build_rdtime: guest/linux/rdtime.S as a static riscv64 Linux program.
build_rdtime() {
	local f=(-nostdlib -static -march=rv64imac -mabi=lp64)
	# Two steps: a one-step build names a random temporary object in the
	# symbol table, which would make the initramfs differ run to run.
	if ! "${CROSS}gcc" "${f[@]}" -c "$ROOT/guest/linux/rdtime.S" -o "$OUT/rdtime.o" ||
	   ! "${CROSS}gcc" "${f[@]}" -Wl,-e,_start "$OUT/rdtime.o" -o "$OUT/rdtime"; then
		die "building rdtime failed"
	fi
	check_elf_rv64 "$OUT/rdtime"
}

# build_perfcount: guest/linux/perfcount.c as a static riscv64 Linux
# program with no libc (freestanding: no calls the compiler invents; no
# linker relaxation to gp, which nothing here sets).
build_perfcount() {
	local f=(-nostdlib -static -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns
		 -fno-stack-protector -O2 -march=rv64imac -mabi=lp64)
	if ! "${CROSS}gcc" "${f[@]}" -c "$ROOT/guest/linux/perfcount.c" -o "$OUT/perfcount.o" ||
	   ! "${CROSS}gcc" "${f[@]}" -Wl,-e,_start,--no-relax "$OUT/perfcount.o" -o "$OUT/perfcount"; then
		die "building perfcount failed"
	fi
	check_elf_rv64 "$OUT/perfcount"
}

# put SRC DST: copy SRC to DST unless it is already the same.
put() { cmp -s "$1" "$2" 2>/dev/null || cp -f "$1" "$2"; }

# cached_suite_wanted: the cached .debs came from one of $SUITES (a
# changed suite list fetches again).
cached_suite_wanted() { [[ " $SUITES " == *" $(mf SUITE) "* ]]; }

# config_line CONFIG NAME: NAME's line in a kernel config ("CONFIG_X=y"
# or "# CONFIG_X is not set"), or that it is absent.
config_line() {
	grep -E "^(# )?$2[= ]" "$1" | head -n 1 | grep . || echo "$2 absent"
}

# fetch_newer: the newer kernel and its config into build/linux, from its
# own private apt setup and cache in $CACHE/linux-newer.
fetch_newer() {
	local kdir cdir image config
	apt_private_init "$CACHE/linux-newer" riscv64
	SUITES=$NEWER_SUITES
	if [ "$REFRESH" = 0 ] && cache_ok KERNEL KCONFIG && cached_suite_wanted; then
		say "newer kernel: using cached .debs (suite $(mf SUITE), fetched $(mf FETCHED))"
	else
		fetch_debs 0 1
		prune_cache KERNEL KCONFIG
	fi
	say "newer kernel: $(mf KERNEL_PKG) $(mf KERNEL_VERSION) from Debian $(mf CODENAME), suite $(mf SUITE)"
	kdir=$(extract KERNEL)
	cdir=$(extract KCONFIG)
	image=$(kernel_image "$kdir")
	config=$(kernel_config "$cdir")
	[ -n "$image" ] || die "no kernel image in $(mf KERNEL_DEB)"
	[ -n "$config" ] || die "no kernel config in $(mf KCONFIG_DEB)"
	check_image "$image"
	put "$image" "$OUT/Image-newer"
	put "$config" "$OUT/config-newer"
	# What the newer kernel's SBI clients are built with: STA's needs
	# CONFIG_PARAVIRT (arch/riscv/kernel/paravirt.c); FWFT SHADOW_STACK is
	# set at boot with CONFIG_RISCV_USER_CFI.
	say "newer kernel config: $(config_line "$config" CONFIG_PARAVIRT);" \
		"$(config_line "$config" CONFIG_PARAVIRT_TIME_ACCOUNTING); $(config_line "$config" CONFIG_RISCV_USER_CFI)"
	say "wrote $OUT/Image-newer ($(stat -c %s "$OUT/Image-newer") bytes), $OUT/config-newer"
}

main() {
	local t0 kdir bdir vmlinux bb
	t0=$(date +%s)
	check_tools
	MTIME="${SOURCE_DATE_EPOCH:-0}"
	say "cache: $CACHE"
	mkdir -p "$CACHE" "$OUT"
	if [ "$REFRESH" = 0 ] && cache_ok KERNEL BUSYBOX && cached_suite_wanted; then
		say "using cached .debs (suite $(mf SUITE), fetched $(mf FETCHED)); --refresh to download again"
	else
		fetch_debs 1 0
		prune_cache KERNEL BUSYBOX
	fi
	say "kernel:  $(mf KERNEL_PKG) $(mf KERNEL_VERSION) ($(mf KERNEL_DEB))"
	say "busybox: $(mf BUSYBOX_PKG) $(mf BUSYBOX_VERSION) ($(mf BUSYBOX_DEB))"
	say "from Debian $(mf CODENAME) $(mf RELEASE), suite $(mf SUITE)"

	kdir=$(extract KERNEL)
	bdir=$(extract BUSYBOX)
	vmlinux=$(kernel_image "$kdir")
	[ -n "$vmlinux" ] || die "no /boot/vmlinux-* or /usr/lib/modules/*/vmlinuz in $(mf KERNEL_DEB)"
	check_image "$vmlinux"
	put "$vmlinux" "$OUT/Image"

	bb="$bdir/usr/bin/busybox"
	[ -f "$bb" ] || bb="$bdir/bin/busybox"
	[ -f "$bb" ] || die "no busybox binary in $(mf BUSYBOX_DEB)"
	check_elf_rv64 "$bb"

	build_rdtime
	build_perfcount
	build_initramfs "$bb"
	say "wrote $OUT/Image ($(stat -c %s "$OUT/Image") bytes)"
	say "wrote $OUT/initramfs.cpio.gz ($(stat -c %s "$OUT/initramfs.cpio.gz") bytes)"
	[ "$NEWER" = 0 ] || fetch_newer
	say "done in $(( $(date +%s) - t0 )) s"
}

main
