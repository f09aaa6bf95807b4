#!/bin/sh
# kernelshark.sh TRACE.DAT OUT.png: open TRACE.DAT in KernelShark under
# Xvfb, wait until its window names the file (at most 60 s: a loaded
# machine starts Qt slowly), give it a few seconds more to draw
# (KSHARK_WAIT, default 4), take a screenshot of the screen, then end
# KernelShark. Prints the window title KernelShark shows (xwininfo), and
# "colours N WxH" and "saturated P" of the screenshot (xwd_png.py). Exits
# 2 when a tool is missing (scripts/setup.sh test installs them).
#
# As root KernelShark first shows a "running with Root privileges" dialog
# instead of the trace, so it runs as nobody then (Xvfb with -ac lets
# that user draw on the display).
set -u
dat=$1
png=$2
here=$(cd "$(dirname "$0")" && pwd)
for t in xvfb-run kernelshark xwd xwininfo python3; do
	command -v "$t" >/dev/null || { echo "kernelshark.sh: $t is missing (scripts/setup.sh test)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/tv-kshark.XXXXXX") || exit 2
chmod 755 "$work"
cp "$dat" "$work/trace.dat" && chmod 644 "$work/trace.dat" || exit 2
cat >"$work/inner.sh" <<'INNER'
work=$1
home=$(mktemp -d) && chmod 777 "$home"
if [ "$(id -u)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME="$home" XDG_RUNTIME_DIR="$home" XAUTHORITY= \
		kernelshark "$work/trace.dat" >"$work/kshark.out" 2>&1 &
else
	kernelshark "$work/trace.dat" >"$work/kshark.out" 2>&1 &
fi
pid=$!
i=0
while [ $i -lt 120 ] && kill -0 "$pid" 2>/dev/null &&
	! xwininfo -root -tree 2>/dev/null | grep -q '"Kernel Shark[^"]*trace\.dat'; do
	sleep 0.5
	i=$((i + 1))
done
sleep "${KSHARK_WAIT:-4}"
xwininfo -root -tree | sed -n 's/^ *0x[0-9a-f]* "\(Kernel Shark[^"]*\)".*/title \1/p'
xwd -root -silent >"$work/shot.xwd"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$home"
INNER
timeout 120 xvfb-run -a -s '-ac -screen 0 1280x800x24' sh "$work/inner.sh" "$work"
python3 "$here/xwd_png.py" "$work/shot.xwd" "$png"
rc=$?
rm -rf "$work"
exit $rc
