#!/bin/bash
# Fetch a second QEMU + OpenSBI platform into the cache, beside the system's.
#
# scripts/fetch-platform.sh [--refresh] [--cache DIR] qemu10
# scripts/fetch-platform.sh [--cache DIR] --print system|qemu10
#   qemu10        QEMU 10.0 (qemu-system-riscv) and OpenSBI 1.5 (opensbi)
#                 from Debian's bookworm-backports, for this machine's
#                 architecture; Debian 12's QEMU 7.2 stays as it is
#   --refresh     download the package index and the .debs again
#   --cache DIR   cache directory (default ${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor})
#   --print P     print platform P's settings as shell assignments (PLATFORM,
#                 QEMU, QEMU_BIN, QEMU_VERSION, FW_DIR, FW_DEFAULT, ...) and
#                 exit; status 1 when P has not been fetched yet
# Results in $CACHE/platforms/qemu10: root/ (both .debs unpacked into one
# tree), bin/qemu-system-riscv64 (what to run) and env (the --print output).
#
# The .debs come through the private apt setup of scripts/lib/apt-private.sh
# (the one scripts/fetch-linux.sh uses), kept apart in
# $CACHE/platforms/qemu10/{apt,debs}: the machine's own mirror and keyring,
# suite bookworm-backports, component main, each .deb's SHA256 checked
# against the signed index. A second run finds the .debs in the cache,
# checks them against the manifest and downloads nothing.
#
# bin/qemu-system-riscv64 is a two-line wrapper: it runs the unpacked
# usr/bin/qemu-system-riscv64 with
#   -L root/usr/share/qemu  so that -bios default loads OpenSBI 1.5. QEMU
#       looks its default firmware, opensbi-riscv64-generic-fw_dynamic.bin,
#       up in the -L directories before its built-in data directory; the
#       qemu-system-riscv .deb ships that name in usr/share/qemu as a
#       relative link to ../../lib/riscv64-linux-gnu/opensbi/generic/
#       fw_dynamic.bin, which in this tree is the opensbi .deb's 1.5.1.
#       Without -L the built-in directory, /usr/share/qemu, gives Debian
#       12's OpenSBI 1.1 (checked after unpacking: the banner must say v1.5).
#   -audio none  QEMU 10 otherwise probes audio back ends at start-up and
#       tries the system QEMU 7.2's modules in /usr/lib/<triplet>/qemu,
#       printing "failed to initialize module ... Only modules from the
#       same build can be loaded" for each. The qemu-system-riscv .deb has
#       no module directory of its own (QEMU 10's modules are in its
#       qemu-system-common, which is not fetched), and QEMU_MODULE_DIR
#       pointing at an empty directory does not help: QEMU still falls back
#       to the system's. The virt board has no sound device.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="${TRACEVISOR_CACHE:-$HOME/.cache/tracevisor}"
REFRESH=0
PRINT=0
PLATFORM=""
PLATFORMS="system qemu10"
SYSTEM_FW_DIR=/usr/lib/riscv64-linux-gnu/opensbi/generic

# qemu10: where it comes from and the versions it must have.
Q10_SUITE=bookworm-backports
Q10_QEMU_PKG=qemu-system-riscv
Q10_QEMU_VER='1:10\.0\.'              # grep -E prefix of the Debian version
Q10_SBI_PKG=opensbi
Q10_SBI_VER='1\.5\.'

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
say() { echo "fetch-platform: $*"; }
die() { echo "fetch-platform: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--refresh) REFRESH=1 ;;
	--cache) [ $# -ge 2 ] || { echo "fetch-platform: --cache needs a directory" >&2; exit 2; }
		CACHE="$2"; shift ;;
	--print) PRINT=1 ;;
	-h|--help) usage 0 ;;
	-*) echo "fetch-platform: unknown option '$1'" >&2; usage ;;
	*) [ -z "$PLATFORM" ] || { echo "fetch-platform: one platform at a time" >&2; usage; }
	   PLATFORM=$1 ;;
	esac
	shift
done
[ -n "$PLATFORM" ] || { echo "fetch-platform: name a platform: $PLATFORMS" >&2; usage; }
case " $PLATFORMS " in
*" $PLATFORM "*) ;;
*) echo "fetch-platform: unknown platform '$PLATFORM' (use one of: $PLATFORMS)" >&2; exit 2 ;;
esac

PDIR="$CACHE/platforms/$PLATFORM"
TREE="$PDIR/root"
ENV_FILE="$PDIR/env"

# kv NAME VALUE: one line of the settings, quoted for bash (eval or source).
kv() { printf '%s=%q\n' "$1" "$2"; }

# qemu_version QEMU: "10.0.2" from the first line of QEMU --version.
qemu_version() {
	"$1" --version 2>/dev/null | head -n 1 | sed -n 's/.*version \([^ ]*\).*/\1/p'
}

# print_system: Debian 12's own QEMU and OpenSBI, as scripts/run.sh has
# always used them (qemu-system-riscv64 from PATH; -bios default loads the
# OpenSBI that qemu-system-data puts in /usr/share/qemu).
print_system() {
	local v=""
	command -v qemu-system-riscv64 >/dev/null 2>&1 && v=$(qemu_version qemu-system-riscv64)
	kv PLATFORM system
	kv QEMU qemu-system-riscv64
	kv QEMU_BIN "$(command -v qemu-system-riscv64 || echo qemu-system-riscv64)"
	kv QEMU_VERSION "${v:-unknown}"
	kv FW_DIR "$SYSTEM_FW_DIR"
	kv FW_DEFAULT /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin
}

# print_fetched: the env file of a fetched platform, after checking that
# what it names is still there.
print_fetched() {
	[ -r "$ENV_FILE" ] || {
		echo "fetch-platform: $PLATFORM is not fetched (no $ENV_FILE): run scripts/fetch-platform.sh $PLATFORM" >&2
		return 1
	}
	(
		# shellcheck source=/dev/null
		. "$ENV_FILE"
		[ -x "$QEMU" ] && [ -x "$QEMU_BIN" ] && [ -f "$FW_DIR/fw_jump.bin" ] &&
			[ -f "$FW_DIR/fw_dynamic.bin" ] && [ -f "$FW_DEFAULT" ]
	) || {
		echo "fetch-platform: $PLATFORM in $PDIR is incomplete: run scripts/fetch-platform.sh $PLATFORM" >&2
		return 1
	}
	grep -v '^#' "$ENV_FILE"
}

if [ "$PRINT" = 1 ]; then
	case "$PLATFORM" in
	system) print_system ;;
	*) print_fetched ;;
	esac
	exit
fi

if [ "$PLATFORM" = system ]; then
	say "system: Debian 12's QEMU and OpenSBI, nothing to fetch (scripts/setup.sh run installs them)"
	exit 0
fi

# ---- qemu10 ------------------------------------------------------------------

check_tools() {
	local t missing=""
	for t in apt-get apt-cache dpkg dpkg-deb sha256sum flock; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (run: scripts/setup.sh qemu10)"
}

# find_mirror, apt_run, apt_update, field, download, mf, cache_ok,
# prune_cache: the private apt setup in $PDIR (apt/, debs/) for this
# machine's architecture, not shared with fetch-linux's riscv64 one.
# shellcheck source=scripts/lib/apt-private.sh
. "$ROOT/scripts/lib/apt-private.sh"

# newest PKG PATTERN: the highest version of PKG in the index whose Debian
# version starts with PATTERN (grep -E).
newest() {
	apt_run apt-cache show "$1" 2>/dev/null | sed -n 's/^Version: //p' |
		grep -E "^$2" | sort -V | tail -n 1
}

# fetch_debs: update the index of bookworm-backports and download QEMU and
# OpenSBI.
fetch_debs() {
	local qver sver
	apt_private_prepare
	apt_update "$Q10_SUITE" || die "apt-get update of $Q10_SUITE failed (apt log: $APT_DIR/update.log)"
	qver=$(newest "$Q10_QEMU_PKG" "$Q10_QEMU_VER")
	sver=$(newest "$Q10_SBI_PKG" "$Q10_SBI_VER")
	[ -n "$qver" ] || die "$Q10_SUITE has no $Q10_QEMU_PKG ${Q10_QEMU_VER//\\/} for $APT_ARCH (has: $(field "$Q10_QEMU_PKG" Version))"
	[ -n "$sver" ] || die "$Q10_SUITE has no $Q10_SBI_PKG ${Q10_SBI_VER//\\/} (has: $(field "$Q10_SBI_PKG" Version))"
	manifest_release "$Q10_SUITE" > "$MANIFEST.new"
	download "$Q10_QEMU_PKG" "$qver" QEMU
	download "$Q10_SBI_PKG" "$sver" OPENSBI
	mv -f "$MANIFEST.new" "$MANIFEST"
}

# unpack: both .debs into one tree, so that the QEMU .deb's relative links
# in usr/share/qemu reach the OpenSBI .deb's firmware; the tree is made
# again when the .debs it came from change.
unpack() {
	local stamp
	stamp="$(mf QEMU_DEB) $(mf QEMU_SHA256) $(mf OPENSBI_DEB) $(mf OPENSBI_SHA256)"
	if [ "$REFRESH" = 0 ] && [ -r "$TREE/.done" ] && [ "$(cat "$TREE/.done")" = "$stamp" ]; then
		say "using unpacked tree $TREE"
		return
	fi
	say "unpacking into $TREE"
	rm -rf "$TREE" && mkdir -p "$TREE"
	dpkg-deb -x "$DEB_DIR/$(mf QEMU_DEB)" "$TREE" || die "dpkg-deb -x $(mf QEMU_DEB) failed"
	dpkg-deb -x "$DEB_DIR/$(mf OPENSBI_DEB)" "$TREE" || die "dpkg-deb -x $(mf OPENSBI_DEB) failed"
	echo "$stamp" > "$TREE/.done"
}

# sq STRING: STRING in single quotes for sh.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# write_wrapper: bin/qemu-system-riscv64 (see the top of this file).
write_wrapper() {
	mkdir -p "$PDIR/bin"
	{
		echo '#!/bin/sh'
		echo "# Written by scripts/fetch-platform.sh: $(mf QEMU_PKG) $(mf QEMU_VERSION) with"
		echo "# $(mf OPENSBI_PKG) $(mf OPENSBI_VERSION) from Debian $(mf SUITE). -L: -bios default"
		echo "# loads that OpenSBI, not /usr/share/qemu's; -audio none: no module warnings."
		echo "exec $(sq "$QBIN") -L $(sq "$DATA_DIR") -audio none \"\$@\""
	} > "$PDIR/bin/qemu-system-riscv64.new"
	chmod 0755 "$PDIR/bin/qemu-system-riscv64.new"
	mv -f "$PDIR/bin/qemu-system-riscv64.new" "$PDIR/bin/qemu-system-riscv64"
}

# missing_libs: the shared libraries the unpacked QEMU wants and this
# machine lacks.
missing_libs() {
	ldd "$QBIN" 2>/dev/null | awk '/not found/ { printf " %s", $1 }'
}

# check_platform: the wrapper runs and is QEMU 10.0, the firmware is there,
# and -bios default boots the unpacked OpenSBI 1.5 (its banner).
check_platform() {
	local q="$PDIR/bin/qemu-system-riscv64" libs banner f log pid
	[ -x "$QBIN" ] || die "no usr/bin/qemu-system-riscv64 in $(mf QEMU_DEB)"
	for f in fw_jump.bin fw_dynamic.bin; do
		[ -f "$FW_DIR/$f" ] || die "no ${FW_DIR#"$TREE"/}/$f in $(mf OPENSBI_DEB)"
	done
	[ "$(readlink -f "$DATA_DIR/opensbi-riscv64-generic-fw_dynamic.bin")" = "$(readlink -f "$FW_DIR/fw_dynamic.bin")" ] ||
		die "$DATA_DIR/opensbi-riscv64-generic-fw_dynamic.bin does not lead to $FW_DIR/fw_dynamic.bin"
	QVERSION=$(qemu_version "$q")
	if [ -z "$QVERSION" ]; then
		libs=$(missing_libs)
		[ -z "$libs" ] || die "the unpacked QEMU needs shared libraries this machine lacks:$libs (run: scripts/setup.sh qemu10; $(mf QEMU_PKG) depends on: $(field "$(mf QEMU_PKG)=$(mf QEMU_VERSION)" Depends 2>/dev/null || true))"
		"$q" --version >&2 || true
		die "$q --version failed"
	fi
	case "$QVERSION" in
	10.0.*) say "$q --version: QEMU $QVERSION" ;;
	*) die "$q --version says $QVERSION, not 10.0.x" ;;
	esac
	if [ ! -e "$TREE/.booted" ]; then
		# Once per unpacked tree. OpenSBI prints its banner first thing;
		# with no payload it then jumps to address 0 and spins, so QEMU is
		# stopped as soon as the banner is there (20 s at most).
		log="$PDIR/boot-check.log"
		"$q" -M virt -m 256M -nographic -monitor none -serial stdio \
			-bios default </dev/null >"$log" 2>&1 &
		pid=$!
		for _ in $(seq 200); do
			grep -aq 'OpenSBI v' "$log" && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		banner=$(grep -a -m 1 'OpenSBI v' "$log" | tr -d '\r' || true)
		case "$banner" in
		"OpenSBI v1.5"*) say "-bios default boots: $banner"; touch "$TREE/.booted" ;;
		*) die "-bios default did not boot OpenSBI 1.5 (first banner line: '${banner:-none}')" ;;
		esac
	fi
}

# write_env: the settings --print gives and scripts/run.sh reads.
write_env() {
	{
		echo "# scripts/fetch-platform.sh $PLATFORM, $(date -u +%Y-%m-%dT%H:%M:%SZ): $(mf QEMU_PKG) $(mf QEMU_VERSION) and $(mf OPENSBI_PKG) $(mf OPENSBI_VERSION) from Debian $(mf SUITE)"
		kv PLATFORM "$PLATFORM"
		kv QEMU "$PDIR/bin/qemu-system-riscv64"
		kv QEMU_BIN "$QBIN"
		kv QEMU_VERSION "$QVERSION"
		kv QEMU_DATA_DIR "$DATA_DIR"
		kv FW_DIR "$FW_DIR"
		kv FW_DEFAULT "$FW_DIR/fw_dynamic.bin"
		kv OPENSBI_VERSION "$(mf OPENSBI_VERSION)"
	} > "$ENV_FILE.new"
	mv -f "$ENV_FILE.new" "$ENV_FILE"
}

main() {
	local t0 arch
	t0=$(date +%s)
	check_tools
	arch=$(dpkg --print-architecture)
	apt_private_init "$PDIR" "$arch"
	say "cache: $PDIR"
	mkdir -p "$PDIR"
	# One fetch at a time per platform (parallel runs of scripts/run.sh).
	exec 9> "$PDIR/.lock"
	flock 9
	if [ "$REFRESH" = 0 ] && cache_ok QEMU OPENSBI; then
		say "using cached .debs (suite $(mf SUITE), fetched $(mf FETCHED)); --refresh to download again"
	else
		fetch_debs
		prune_cache QEMU OPENSBI
	fi
	say "qemu:    $(mf QEMU_PKG) $(mf QEMU_VERSION) ($(mf QEMU_DEB), sha256 ok)"
	say "opensbi: $(mf OPENSBI_PKG) $(mf OPENSBI_VERSION) ($(mf OPENSBI_DEB), sha256 ok)"
	say "from Debian suite $(mf SUITE) (fetched $(mf FETCHED)), $arch"

	unpack
	QBIN="$TREE/usr/bin/qemu-system-riscv64"
	DATA_DIR="$TREE/usr/share/qemu"
	FW_DIR="$TREE/usr/lib/riscv64-linux-gnu/opensbi/generic"
	write_wrapper
	check_platform
	write_env
	say "QEMU:     $PDIR/bin/qemu-system-riscv64 (QEMU $QVERSION: $QBIN -L $DATA_DIR -audio none)"
	say "firmware: $FW_DIR/{fw_jump,fw_dynamic}.bin (OpenSBI $(mf OPENSBI_VERSION)); -bios default loads fw_dynamic.bin"
	say "settings: $ENV_FILE (scripts/fetch-platform.sh --print $PLATFORM)"
	say "done in $(( $(date +%s) - t0 )) s"
}

main
