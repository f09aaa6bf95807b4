#!/bin/bash
# Build a small riscv64 Linux with CONFIG_PARAVIRT (Linux's SBI STA client)
# from Debian's own kernel source: build/linux/Image-paravirt.
#
# scripts/build-linux-paravirt.sh [--refresh] [--cache DIR] [--suite S] [--jobs N] [--cached-only]
#   --refresh      download the package index and the source .deb again
#   --cache DIR    cache directory (default ${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor})
#   --suite S      Debian suite of the source (default: trixie, then stable)
#   --jobs N       parallel make jobs (default: the number of CPUs)
#   --cached-only  use a kernel built before, build nothing; exit 3 if none
# Results: build/linux/Image-paravirt and its configuration,
# build/linux/config-paravirt.
#
# Why: every Debian riscv64 kernel is built with "# CONFIG_PARAVIRT is not
# set", and arch/riscv/kernel/paravirt.c, which registers the SBI STA
# shared memory on each CPU and feeds steal time to the scheduler and
# /proc/stat, is built only with it. This kernel is Debian's own source
# (linux-source-VERSION, the version of trixie's linux-image-riscv64,
# Debian's patches applied), configured from `make tinyconfig` plus
# scripts/linux-paravirt.config (what the guest machine and /init need, and
# CONFIG_PARAVIRT), compiled with Debian 12's riscv64-linux-gnu- cross
# compiler (scripts/setup.sh linux-paravirt).
#
# The source .deb comes through the private apt setup of
# scripts/lib/apt-private.sh (the machine's own mirror and keyring, the
# SHA256 checked against the signed index), kept in $CACHE/linux-paravirt.
# Each build lands in $CACHE/linux-paravirt/out/VERSION-KEY, KEY being a
# hash of the config fragment, the compiler's version and this recipe: a
# second run with the same inputs builds nothing. The build is
# reproducible (fixed KBUILD_BUILD_TIMESTAMP, USER and HOST).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build/linux"
CACHE="${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor}"
SUITES="${TRACEVISOR_LINUX_SUITES:-trixie stable}"
FRAGMENT="$ROOT/scripts/linux-paravirt.config"
KCROSS="${KCROSS_COMPILE:-riscv64-linux-gnu-}"
JOBS=$(nproc 2>/dev/null || echo 2)
REFRESH=0
CACHED_ONLY=0
# Bumped when the way the kernel is built changes (not the fragment or
# the compiler, which are hashed themselves).
RECIPE=1

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
say() { echo "build-linux-paravirt: $*"; }
die() { echo "build-linux-paravirt: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--refresh) REFRESH=1 ;;
	--cache) CACHE="$2"; shift ;;
	--suite) SUITES="$2"; shift ;;
	--jobs) JOBS="$2"; shift ;;
	--cached-only) CACHED_ONLY=1 ;;
	-h|--help) usage ;;
	*) echo "build-linux-paravirt: unknown option '$1'" >&2; usage ;;
	esac
	shift
done
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$JOBS'"

# shellcheck source=scripts/lib/apt-private.sh
. "$ROOT/scripts/lib/apt-private.sh"
BASE="$CACHE/linux-paravirt"
apt_private_init "$BASE" riscv64

# check_tools: every program this script and the kernel build run.
check_tools() {
	local t missing=""
	for t in apt-get apt-cache dpkg-deb tar xz make gcc flex bison bc perl sha256sum \
		"${KCROSS}gcc" "${KCROSS}ld" "${KCROSS}objcopy"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (run: scripts/setup.sh linux-paravirt)"
}

# source_package: the versioned source package the metapackage
# linux-source depends on (linux-source-6.12 in trixie).
source_package() {
	field linux-source Depends | sed 's/[,|]/\n/g' | sed 's/^ *//; s/ .*//' |
		grep -E '^linux-source-[0-9]' | head -n 1
}

# fetch_source: download the first suite's linux-source-X .deb; writes
# the manifest (SOURCE_PKG, SOURCE_VERSION, SOURCE_DEB, SOURCE_SHA256).
fetch_source() {
	local s pkg
	apt_private_prepare
	for s in $SUITES; do
		apt_update "$s" || continue
		pkg=$(source_package)
		if [ -z "$pkg" ]; then
			say "suite $s has no linux-source-VERSION package"
			continue
		fi
		manifest_release "$s" > "$MANIFEST.new"
		if try_download "$pkg" "$(field "$pkg" Version)" SOURCE; then
			mv -f "$MANIFEST.new" "$MANIFEST"
			return 0
		fi
	done
	die "no suite of '$SUITES' gave a linux-source package (apt log: $APT_DIR/update.log)"
}

# build_key: what decides the result besides the source version.
build_key() {
	{
		echo "recipe $RECIPE"
		cat "$FRAGMENT"
		"${KCROSS}gcc" --version | head -n 1
		"${KCROSS}ld" --version | head -n 1
	} | sha256sum | cut -c1-12
}

# unpack_source: the kernel tree from the .deb's usr/src/linux-source-X.tar.xz,
# unpacked once into $BASE/src/VERSION; prints its directory.
unpack_source() {
	local ver=$1 dir="$BASE/src/$1" xdir tarball
	if [ ! -e "$dir/.done" ]; then
		xdir=$(extract SOURCE)
		tarball=$(find "$xdir/usr/src" -maxdepth 1 -name 'linux-source-*.tar.xz' | head -n 1)
		[ -n "$tarball" ] || die "no usr/src/linux-source-*.tar.xz in $(mf SOURCE_DEB)"
		say "unpacking $(basename "$tarball") ($ver)" >&2
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1 ||
			die "unpacking $tarball failed"
		rm -rf "$xdir"   # the tarball: the tree is what is used from now on
		if [ ! -f "$dir/Makefile" ] || [ ! -d "$dir/arch/riscv" ]; then
			die "$tarball holds no kernel tree for riscv"
		fi
		touch "$dir/.done"
	fi
	echo "$dir"
}

# kmake DIR ARGS...: make in the source tree, objects in DIR.
kmake() {
	local obj=$1
	shift
	nice make -C "$SRC" O="$obj" ARCH=riscv CROSS_COMPILE="$KCROSS" \
		KBUILD_BUILD_TIMESTAMP="@${SOURCE_DATE_EPOCH:-0}" \
		KBUILD_BUILD_USER=tracevisor KBUILD_BUILD_HOST=tracevisor "$@"
}

# check_config CONFIG: every CONFIG_ line of the fragment is in the final
# configuration as written (a dropped one means a dependency is missing).
check_config() {
	local line name bad=0
	while IFS= read -r line; do
		[[ "$line" =~ ^CONFIG_[A-Z0-9_]+= ]] || continue
		name=${line%%=*}
		if ! grep -qxF -- "$line" "$1"; then
			say "config: asked for $line, got: $(grep -E "^(# )?${name}[= ]" "$1" || echo "$name absent")" >&2
			bad=1
		fi
	done < "$FRAGMENT"
	[ "$bad" = 0 ] || die "the configuration lost lines of $FRAGMENT (see above)"
}

# build_kernel DEST: configure and build into DEST/obj; the Image and the
# .config go to DEST, the objects are removed after.
build_kernel() {
	local dest=$1 obj="$1/obj" t0
	t0=$(date +%s)
	rm -rf "$dest" && mkdir -p "$obj"
	say "configuring: tinyconfig + $(basename "$FRAGMENT"), olddefconfig"
	{
		kmake "$obj" tinyconfig &&
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT" &&
		kmake "$obj" olddefconfig
	} > "$dest/config.log" 2>&1 || { tail -n 20 "$dest/config.log" >&2; die "configuring failed (log: $dest/config.log)"; }
	check_config "$obj/.config"
	say "$(grep -E '^CONFIG_PARAVIRT(_TIME_ACCOUNTING)?=' "$obj/.config" | tr '\n' ' ')kept by olddefconfig"
	say "building the Image with $JOBS jobs (log: $dest/build.log)"
	kmake "$obj" -j"$JOBS" Image > "$dest/build.log" 2>&1 ||
		{ tail -n 30 "$dest/build.log" >&2; die "the kernel build failed (log: $dest/build.log)"; }
	cp "$obj/arch/riscv/boot/Image" "$dest/Image.new"
	cp "$obj/.config" "$dest/config"
	rm -rf "$obj"
	mv -f "$dest/Image.new" "$dest/Image"
	echo "$(( $(date +%s) - t0 ))" > "$dest/build-seconds"
	say "built in $(cat "$dest/build-seconds") s"
}

# check_image FILE: the RISC-V Linux boot image header's magic2 "RSC\x05"
# at 0x38 (Documentation/arch/riscv/boot-image-header.rst).
check_image() {
	[ "$(od -An -j 56 -N 4 -t x1 "$1" | tr -d ' ')" = 52534305 ] ||
		die "$1: no RISC-V Image magic RSC\\x05 at 0x38"
}

put() { cmp -s "$1" "$2" 2>/dev/null || cp -f "$1" "$2"; }

main() {
	local t0 ver key dest
	t0=$(date +%s)
	check_tools
	mkdir -p "$BASE" "$OUT"
	say "cache: $BASE"
	if [ "$REFRESH" = 0 ] && cache_ok SOURCE; then
		say "using the cached source .deb (suite $(mf SUITE), fetched $(mf FETCHED))"
	elif [ "$CACHED_ONLY" = 1 ]; then
		say "no cached source .deb and --cached-only: nothing built"
		exit 3
	else
		fetch_source
		prune_cache SOURCE
	fi
	ver=$(mf SOURCE_VERSION)
	key=$(build_key)
	dest="$BASE/out/$ver-$key"
	say "source: $(mf SOURCE_PKG) $ver from Debian $(mf CODENAME) $(mf RELEASE); build key $key"
	if [ -f "$dest/Image" ] && [ -f "$dest/config" ]; then
		say "using the kernel built before in $dest ($(cat "$dest/build-seconds" 2>/dev/null || echo '?') s to build)"
	elif [ "$CACHED_ONLY" = 1 ]; then
		say "no kernel built for $ver-$key and --cached-only: nothing built"
		exit 3
	else
		SRC=$(unpack_source "$ver")
		build_kernel "$dest"
		# The unpacked tree is 1.7 GB; the source .deb (150 MB) stays
		# for a rebuild with another configuration.
		rm -rf "$BASE/src"
		say "removed the unpacked source tree (the .deb stays in the cache)"
	fi
	check_image "$dest/Image"
	put "$dest/Image" "$OUT/Image-paravirt"
	put "$dest/config" "$OUT/config-paravirt"
	say "wrote $OUT/Image-paravirt ($(stat -c %s "$OUT/Image-paravirt") bytes), $OUT/config-paravirt"
	say "done in $(( $(date +%s) - t0 )) s"
}

main
