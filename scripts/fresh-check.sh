#!/bin/bash
# make fresh-check: the README's commands as the very first commands on a
# new Debian 12 machine. Builds one with debootstrap (minbase, plus the
# make and git a newcomer needs to have cloned and to type `make`), clones
# this repository's committed HEAD into it and runs the command in a
# chroot as root, so scripts/setup.sh has to install everything itself.
#
# scripts/fresh-check.sh [--keep] [COMMAND]   (default COMMAND: make run)
#   --keep   leave the chroot in place (its path is printed)
# Exit status: the command's. Needs root (debootstrap, chroot, mounts)
# and the machine's Debian mirror (read from its own apt sources, as
# scripts/fetch-linux.sh does; never written anywhere).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP=0
say() { echo "fresh-check: $*"; }
die() { echo "fresh-check: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fresh-check: unknown option '$1' (--keep, --help; then the command)" >&2; exit 2 ;;
	*) break ;;
	esac
done
CMD="${*:-make run}"

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mounts)"
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap"
	apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
		die "cannot install debootstrap"
fi
# shellcheck source=scripts/lib/apt-private.sh
source "$ROOT/scripts/lib/apt-private.sh"
read -r MIRROR KEYRING < <(find_mirror) || die "no Debian mirror in the machine's apt sources"

DIR=$(mktemp -d /var/tmp/tracevisor-fresh.XXXXXX)
cleanup() {
	local m
	for m in dev sys proc; do umount -R -l "$DIR/$m" 2>/dev/null || true; done
	if [ "$KEEP" = 1 ]; then
		say "chroot kept in $DIR"
	elif grep -q " $DIR/" /proc/mounts; then
		# Never delete through a mount that is still there (the host's /dev).
		say "something is still mounted under $DIR; not deleting it"
	else
		rm -rf --one-file-system "$DIR"
	fi
}
trap cleanup EXIT

t0=$(date +%s)
say "debootstrap bookworm (minbase + make, git) into $DIR"
debootstrap --variant=minbase --include=make,git,ca-certificates \
	--keyring="$KEYRING" bookworm "$DIR" "$MIRROR" >"$DIR.debootstrap.log" 2>&1 ||
	{ tail -n 20 "$DIR.debootstrap.log"; die "debootstrap failed (log: $DIR.debootstrap.log)"; }
rm -f "$DIR.debootstrap.log"
say "new machine ready in $(( $(date +%s) - t0 )) s; cloning the committed HEAD"
git clone -q --no-hardlinks "$ROOT" "$DIR/root/tracevisor"
cp /etc/resolv.conf "$DIR/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$DIR/proc"
mount --rbind /sys "$DIR/sys"
mount --rbind /dev "$DIR/dev"

say "running '$CMD' as the first command"
status=0
chroot "$DIR" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	bash -c "cd /root/tracevisor && $CMD" </dev/null || status=$?
say "'$CMD' exited $status after $(( $(date +%s) - t0 )) s in all"
exit "$status"
