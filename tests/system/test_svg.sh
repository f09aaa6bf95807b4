#!/bin/bash
# tvtrace's pictures of a real run: the SVG timeline (--svg) and the
# exit-reason histogram (--histogram) of a two-hart boot of the test guest,
# rendered to PNG with rsvg-convert, and checked for what they must show:
# one lane per hart, one slice per exit (also in a --from/--to window),
# hover titles, a legend entry and two bars per exit reason.
# The SVGs and PNGs stay in build/test-logs/svg/ to look at.
source "$(dirname "$0")/lib.sh"

OUT="$LOGDIR/svg"
mkdir -p "$OUT"
rm -f "$OUT"/*.svg "$OUT"/*.png

boot svg --smp 2
status_is "the two-hart run succeeds" 0
# (hart 1 has no vCPU and parks: it serves no tick, so without
# tv.dump_every the run has one dump, the shutdown's; a parked hart that
# took the zeros of a vCPU never set up for deadlines dumped unceasingly)
hasnt "an idle hart dumps nothing on its own (no tv.dump_every)" "^tracevisor: trace dump [0-9]+ \(periodic\)"
R="$OUT/records.txt"
"$TVTRACE" --records "$LOG" >"$R" 2>/dev/null
nharts=$("$TVTRACE" --list "$LOG" | sed -n 's/.*, \([0-9]*\) harts,.*/\1/p' | tail -n 1)
nexits=$(grep -c ' exit ' "$R")
check "the dump has 2 harts and exits ($nexits)" test "$nharts" = 2 -a "$nexits" -gt 100

"$TVTRACE" --svg "$OUT/timeline.svg" --histogram "$OUT/histogram.svg" "$LOG" \
	>"$OUT/stdout" 2>"$OUT/stderr"
check "tvtrace --svg --histogram exits 0" test $? = 0
check "nothing on stdout or stderr" test ! -s "$OUT/stdout" -a ! -s "$OUT/stderr"

# An SVG 1.1 document: well-formed, SVG namespace, version 1.1, only the
# elements the tool uses (SVG 1.1 structure, shape, text modules).
svg11() {
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg" and root.get("version") == "1.1"
allowed = {"svg", "g", "rect", "line", "path", "text", "title"}
for e in root.iter():
    assert e.tag.startswith(ns) and e.tag[len(ns):] in allowed, e.tag
EOF
}
check "timeline.svg is a well-formed SVG 1.1 document" svg11 "$OUT/timeline.svg"
check "histogram.svg is a well-formed SVG 1.1 document" svg11 "$OUT/histogram.svg"

# --- what the timeline shows -------------------------------------------------
T="$OUT/timeline.svg"
check "one lane per hart ($nharts)" test "$(grep -c '<g class="lane"' "$T")" = "$nharts"
check "one slice per exit ($nexits)" test "$(grep -c 'class="slice"' "$T")" = "$nexits"
check "guest time drawn" test "$(grep -c 'class="guest"' "$T")" -gt 100
check "slices have hover titles: reason, sepc, handling time" grep -Eq \
	'class="slice"[^>]*><title>LOAD_GPF: load guest-page fault&#10;sepc 0x[0-9a-f]{16}&#10;handling [0-9.]+ (us|ms) \(' "$T"
check "a time axis with a unit" grep -Eq '>time \((s|ms|us)\)</text>' "$T"
check "a legend entry for every exit reason" bash -c '
	for r in $("$0" --summary "$1" | sed -n "/^Analyze events for all/,/Total/p" |
		awk "\$1 ~ /^[A-Z_0-9]+\$/ && \$1 != \"Total\" && \$1 != \"VM-EXIT\" { print \$1 }"); do
		grep -q ">$r: " "$2" || exit 1
	done' "$TVTRACE" "$LOG" "$T"

# A window (the zoom): the exits between the 100th and the 160th.
from=$(grep ' exit ' "$R" | sed -n '100p' | awk '{ print $1 }')
to=$(grep ' exit ' "$R" | sed -n '160p' | awk '{ print $1 }')
"$TVTRACE" --svg "$OUT/zoom.svg" --from "$from" --to "$to" "$LOG" 2>/dev/null
zexits=$("$TVTRACE" --records --from "$from" --to "$to" "$LOG" 2>/dev/null | grep -c ' exit ')
check "window $from..$to s: slices = exits in the window ($zexits)" \
	test "$(grep -c 'class="slice"' "$OUT/zoom.svg")" = "$zexits" -a "$zexits" -ge 60
check "window: the subtitle names it" grep -Eq "filter: time [0-9.]+\.\.[0-9.]+ s" "$OUT/zoom.svg"

# --- what the histogram shows ------------------------------------------------
H="$OUT/histogram.svg"
nreasons=$("$TVTRACE" --summary "$LOG" | sed -n '/^Analyze events for all/,/Total/p' |
	awk '$1 ~ /^[A-Z_0-9]+$/ && $1 != "Total" && $1 != "VM-EXIT"' | wc -l)
check "two bars per exit reason ($nreasons reasons)" \
	test "$(grep -c 'class="bar"' "$H")" = $((2 * nreasons))
ecalls=$(grep -c 'ECALL_VS' "$R")
check "ECALL_VS count label matches the records ($ecalls)" grep -q ">$ecalls (" "$H"

# --- rendering ---------------------------------------------------------------
# png_ok PNG MIN_BYTES MIN_COLOURS: a PNG of at least that size whose pixels
# use at least that many distinct colours (decoded with zlib: 8-bit RGB(A),
# non-interlaced, as rsvg-convert writes; PNG spec, "Filter algorithms").
png_ok() {
	python3 - "$@" <<'EOF'
import sys, zlib, struct
path, min_bytes, min_colours = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
assert len(data) >= min_bytes, len(data)
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and interlace == 0
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp * 3):
        colours.add(bytes(line[x:x + 3]))
    prev = line
assert len(colours) >= min_colours, len(colours)
EOF
}

if ! command -v rsvg-convert >/dev/null 2>&1; then
	echo "skip - rendering the SVGs: rsvg-convert missing (Debian package librsvg2-bin)"
else
	for f in timeline histogram zoom; do
		rsvg-convert -o "$OUT/$f.png" "$OUT/$f.svg" 2>"$OUT/$f.rsvg.err"
		check "rsvg-convert renders $f.svg" test $? = 0 -a ! -s "$OUT/$f.rsvg.err"
		check "$f.png is a real picture (>= 20 kB, >= 8 colours)" \
			png_ok "$OUT/$f.png" 20000 8
	done
fi
