# shellcheck shell=bash
# Private apt setups for fetching Debian .debs without touching the
# machine's apt configuration. Sourced by scripts/fetch-linux.sh (riscv64
# kernel and busybox from trixie) and scripts/fetch-platform.sh (amd64 QEMU
# and OpenSBI from bookworm-backports); bash only.
#
# One setup lives in a base directory BASE of the cache:
#   BASE/apt/     sources.list, lists, package cache, an empty dpkg status
#   BASE/debs/    the downloaded .debs and their manifest
#   BASE/extract/ unpacked .debs (extract)
# so setups for different architectures never share package lists.
# apt-get is run with options that point it at BASE/apt (apt.conf(5),
# "DIRECTORIES"); no root is needed. The mirror is the one the machine's own
# apt sources name (/etc/apt/sources.list.d/*.sources or
# /etc/apt/sources.list), or $TRACEVISOR_DEBIAN_MIRROR; indexes are checked
# against the keyring those sources use (or $TRACEVISOR_DEBIAN_KEYRING).
#
# The sourcing script defines say MSG and die MSG, sets REFRESH (0 or 1,
# for prune_cache) and calls apt_private_init BASE ARCH before anything
# else here.

DEFAULT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# apt_private_init BASE ARCH: use the setup in BASE for architecture ARCH
# (the only architecture apt is told about, so that package names need no
# ":ARCH"). Sets APT_BASE, APT_ARCH, APT_DIR, DEB_DIR and MANIFEST.
apt_private_init() {
	APT_BASE=$1
	APT_ARCH=$2
	APT_DIR="$APT_BASE/apt"
	DEB_DIR="$APT_BASE/debs"
	MANIFEST="$DEB_DIR/manifest"
}

# find_mirror: print "URI KEYRING" for the first enabled Debian archive
# (not debian-security) that the machine's apt sources name. Reads deb822
# stanzas (sources.list(5), "DEB822-STYLE FORMAT": Types, URIs, Suites,
# Enabled, Signed-By) and then one-line "deb [opts] uri suite comp" entries.
find_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v def="$DEFAULT_KEYRING" '
			function flush() {
				if (types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no" &&
				    uri ~ /^https?:\/\// && uri !~ /security/ && suites !~ /-security/ &&
				    !found) {
					print uri, (key ~ /^\// ? key : def); found = 1
				}
				types = uri = suites = key = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { next }                      # continuation (inline key)
			{
				name = tolower($1); sub(/:$/, "", name)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (name == "types") types = val
				else if (name == "uris") { split(val, u, /[ \t]+/); uri = u[1] }
				else if (name == "suites") suites = val
				else if (name == "enabled") enabled = val
				else if (name == "signed-by") key = val
			}
			END { flush() }' "$f" | head -n 1 | grep . && return 0
	done
	if [ -r /etc/apt/sources.list ]; then
		awk -v def="$DEFAULT_KEYRING" '
			$1 != "deb" { next }
			{
				key = def; i = 2
				if ($2 ~ /^\[/) {                   # [opt=val ...]
					while (i <= NF) {
						if ($i ~ /^\[?signed-by=/) { k = $i; sub(/^\[?signed-by=/, "", k); sub(/\]$/, "", k); key = k }
						if ($i ~ /\]$/) { i++; break }
						i++
					}
				}
				if ($i ~ /^https?:\/\// && $i !~ /security/ && $(i + 1) !~ /-security/) { print $i, key; exit }
			}' /etc/apt/sources.list | grep . && return 0
	fi
	return 1
}

# apt_opts: the options that point apt at the private setup in $APT_DIR
# instead of the system's (apt.conf(5), "DIRECTORIES"); $APT_ARCH is made
# the only architecture.
apt_opts() {
	local sandbox=()
	# As root apt downloads as user _apt, who cannot enter a private cache
	# under /root; the files are checked against signed hashes either way.
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$APT_DIR/sources.list" \
		-o "Dir::Etc::SourceParts=/dev/null" \
		-o "Dir::Etc::Preferences=/dev/null" \
		-o "Dir::Etc::PreferencesParts=/dev/null" \
		-o "Dir::State::Lists=$APT_DIR/lists" \
		-o "Dir::State::status=$APT_DIR/status" \
		-o "Dir::Cache=$APT_DIR/cache" \
		-o "APT::Architecture=$APT_ARCH" \
		-o "APT::Architectures=$APT_ARCH" \
		-o "Acquire::Languages=none" \
		"${sandbox[@]}"
}
apt_run() {
	local opts
	mapfile -t opts < <(apt_opts)
	"$1" "${opts[@]}" "${@:2}"
}

# explain_apt_failure LOG: turn apt's output into what to do about it.
explain_apt_failure() {
	if grep -qE 'NO_PUBKEY|not signed|EXPKEYSIG|is not valid' "$1"; then
		echo "  the suite's Release file is signed by a key that $KEYRING does not hold;"
		echo "  a newer debian-archive-keyring package (from Debian's updates) carries it."
	elif grep -qE 'Could not resolve|Temporary failure|Could not connect|Connection failed|timed out|No route' "$1"; then
		echo "  the mirror cannot be reached: no network?"
	elif grep -qE 'unexpected size|Hash Sum mismatch|Mirror sync in progress' "$1"; then
		echo "  the mirror's index files do not match its Release file (mirror sync in progress?)."
	elif grep -qE '404|does not have a Release file' "$1"; then
		echo "  the mirror has no such suite for $APT_ARCH."
	fi
}

# apt_private_prepare: pick the mirror and keyring (sets MIRROR and
# KEYRING), say which, and make the private setup's directories with an
# empty dpkg status (nothing installed).
apt_private_prepare() {
	local origin=TRACEVISOR_DEBIAN_MIRROR
	MIRROR="${TRACEVISOR_DEBIAN_MIRROR:-}"
	KEYRING="$DEFAULT_KEYRING"
	if [ -z "$MIRROR" ]; then
		origin="the machine's apt sources"
		read -r MIRROR KEYRING < <(find_mirror) ||
			die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set TRACEVISOR_DEBIAN_MIRROR"
	fi
	KEYRING="${TRACEVISOR_DEBIAN_KEYRING:-$KEYRING}"
	[ -r "$KEYRING" ] || die "keyring $KEYRING not found (install debian-archive-keyring)"
	say "mirror: $MIRROR (from $origin), keyring: $KEYRING"
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$DEB_DIR"
	: > "$APT_DIR/status"          # an empty dpkg status: nothing installed
}

# apt_update SUITE: make SUITE (component main, $APT_ARCH) the only source
# and run `apt-get update`; on failure say why and return 1.
apt_update() {
	local s=$1 log="$APT_DIR/update.log"
	printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$APT_ARCH" "$KEYRING" "$MIRROR" "$s" \
		> "$APT_DIR/sources.list"
	say "apt-get update: suite $s, $APT_ARCH, main"
	if apt_run apt-get -q update > "$log" 2>&1 &&
	   ! grep -qE '^E: |GPG error|Failed to fetch|failed to download' "$log"; then
		return 0
	fi
	say "suite $s: apt-get update failed:"
	grep -E '^(E|W|Err):' "$log" | sed 's/^/  /' | head -n 6
	explain_apt_failure "$log"
	return 1
}

# manifest_release SUITE: the manifest's first lines for a fetch from SUITE
# (suite, codename and release version from its InRelease, date).
manifest_release() {
	local rel=("$APT_DIR"/lists/*_dists_"${1}"_InRelease)
	echo "SUITE=$1"
	[ -f "${rel[0]}" ] && sed -n 's/^Codename: /CODENAME=/p; s/^Version: /RELEASE=/p' "${rel[0]}"
	echo "FETCHED=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# field PKG[=VERSION] FIELD: one field of the candidate version's record
# (of VERSION's, when given).
field() {
	apt_run apt-cache show "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}

# show_progress DIR TOTAL PID: while PID runs, say how many of TOTAL bytes
# have arrived in DIR: on a terminal one line rewritten in place every
# second, otherwise a line every 10 seconds.
show_progress() {
	local dir=$1 total=$2 pid=$3 got tick=0 tty=0 every=10
	[ -t 2 ] && { tty=1; every=1; }
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		tick=$((tick + 1))
		[ $((tick % every)) = 0 ] || continue
		got=$(du -sb "$dir" 2>/dev/null | cut -f1)
		progress_line "${got:-0}" "$total" "$tick" "$tty"
	done
	[ "$tty" = 1 ] && [ "$tick" -ge 1 ] && printf '\n' >&2
	return 0
}

# progress_line GOT TOTAL SECONDS TTY: "  12.3 of 48.1 MiB (25%), 7 s".
progress_line() {
	local pct=0
	[ "$2" -gt 0 ] && pct=$(($1 * 100 / $2))
	[ "$pct" -gt 100 ] && pct=100
	awk -v g="$1" -v t="$2" -v p="$pct" -v s="$3" -v tty="$4" 'BEGIN {
		line = sprintf("  %.1f of %.1f MiB (%d%%), %d s", g / 1048576, t / 1048576, p, s)
		if (tty) printf "\r%s   ", line > "/dev/stderr"; else print line > "/dev/stderr" }'
}

# download PKG VERSION KEY: fetch one .deb into $DEB_DIR and record its
# file name and SHA256 in the manifest under KEY_DEB / KEY_SHA256. The
# download lands in a scratch directory first, so a broken transfer never
# looks like a cached file; the SHA256 is the one the index (checked
# against the signed Release file) gives for that very version.
# try_download is the same but says why it failed and returns 1 (a mirror
# whose index names a version its pool no longer holds answers 404, so a
# caller may try another version); download stops the script.
try_download() {
	local pkg=$1 ver=$2 key=$3 tmp want got f size pid rc
	tmp="$DEB_DIR/partial"
	rm -rf "$tmp" && mkdir -p "$tmp"
	size=$(field "$pkg=$ver" Size)
	say "apt-get download $pkg=$ver ($(awk -v b="${size:-0}" 'BEGIN { printf "%.1f MiB", b / 1048576 }'))"
	(cd "$tmp" && apt_run apt-get -q download "$pkg=$ver") > "$APT_DIR/download.log" 2>&1 &
	pid=$!
	show_progress "$tmp" "${size:-0}" "$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" != 0 ]; then
		sed 's/^/  /' "$APT_DIR/download.log" | tail -n 5 >&2
		say "could not download $pkg $ver"
		rm -rf "$tmp"
		return 1
	fi
	f=$(cd "$tmp" && ls -- *.deb)
	want=$(field "$pkg=$ver" SHA256)
	got=$(sha256sum "$tmp/$f" | cut -d' ' -f1)
	[ "$want" = "$got" ] || die "$f: SHA256 $got, index says $want"
	mv -f "$tmp/$f" "$DEB_DIR/$f"
	rmdir "$tmp"
	{
		echo "${key}_PKG=$pkg"
		echo "${key}_VERSION=$ver"
		echo "${key}_DEB=$f"
		echo "${key}_SHA256=$got"
	} >> "$MANIFEST.new"
}

download() {
	try_download "$@" || die "could not download $1 $2"
}

# mf KEY: a value from the manifest of the cached .debs.
mf() { sed -n "s/^$1=//p" "$MANIFEST" | head -n 1; }

# cache_ok KEY...: the manifest exists and every .deb it names under these
# keys is there, intact.
cache_ok() {
	local k f
	[ -r "$MANIFEST" ] || return 1
	for k in "$@"; do
		f="$DEB_DIR/$(mf "${k}_DEB")"
		[ -f "$f" ] || return 1
		[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$(mf "${k}_SHA256")" ] || return 1
	done
}

# prune_cache KEY...: after a download, drop .debs and unpacked trees that
# the new manifest does not name under these keys, and (with REFRESH=1)
# unpack the named ones again.
prune_cache() {
	local f k keep=" "
	for k in "$@"; do keep="$keep$(mf "${k}_DEB") "; done
	for f in "$DEB_DIR"/*.deb; do
		[ -e "$f" ] || continue
		[[ "$keep" == *" ${f##*/} "* ]] || rm -f "$f"
	done
	for f in "$APT_BASE"/extract/*; do
		[ -e "$f" ] || continue
		if [ "$REFRESH" = 1 ] || [[ "$keep" != *" ${f##*/}.deb "* ]]; then
			rm -rf "$f"
		fi
	done
}

# extract KEY: unpack the cached .deb with dpkg-deb -x into
# $APT_BASE/extract/<deb name> once; prints that directory.
extract() {
	local deb dir
	deb=$(mf "$1_DEB")
	dir="$APT_BASE/extract/${deb%.deb}"
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb -x "$DEB_DIR/$deb" "$dir" || die "dpkg-deb -x $deb failed"
		touch "$dir/.done"
	fi
	echo "$dir"
}
