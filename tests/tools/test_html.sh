#!/bin/sh
# tvtrace --html: the self-contained HTML report, checked as a file and in
# headless Chromium.
#
# Logs: gen_log basic, synth and shared (the real encoder,
# tests/tools/gen_log.c; shared: two VMs time-sharing a hart),
# a hostile one from tests/tools/mklog.c whose guest prints HTML markup
# through the SBI debug console, and LOG=FILE when given (e.g. a real run:
# build/console.log from scripts/run.sh). Checks: the page loads nothing
# (no src/href/url(), a Content-Security-Policy default-src 'none', one
# inline script), its tags balance, every row carries exactly the text and
# specification sections of tvtrace --explain, the list is bounded, guest
# markup arrives escaped, the summary table has one row per vCPU with the
# exits, mean and max exit latency of tvtrace -s, and the exit-latency
# buckets sum to the exit/entry pairs counted from tvtrace --csv; on the
# time-shared log the table's switched-out, steal and waiting columns are
# those of tvtrace -s and the timeline has its turns and switch markers,
# also as Chromium loads it. In Chromium (--headless, a fresh profile, no
# network services): no console message while the page loads and runs
# its #selftest (a wheel zoom on the timeline, a click on the first exit
# record), the zoom changed the viewBox, the panel shows the clicked
# record's explanation and spec sections, and a screenshot is a real
# picture showing the selected row and the filled panel - which a
# screenshot without the click does not show. A page with a script error
# must produce a console message (so that check can fail).
#
# Run from anywhere: sh tests/tools/test_html.sh
# Environment: CC (default cc); TVTRACE=path to test a prebuilt binary;
# LOG=console log of a real run; CHROMIUM (default chromium).
# Prints "N passed, M failed" and exits non-zero when anything failed.
set -u

NAME=html
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-chromium}
html_check() { python3 tests/tools/html_check.py "$@"; }

check() {
	name=$1
	shift
	if "$@" >"$WORK/check.out" 2>&1; then
		ok "$name${1:+ ($(head -c 160 "$WORK/check.out" | head -n 1))}"
	else
		bad "$name"
		head -n 8 "$WORK/check.out" | sed 's/^/    /'
	fi
}

# --- build (ASan+UBSan: the escaping code walks every guest string) ---------
tvtrace_under_test san
build_log_makers

"$WORK/gen_log" basic >"$WORK/basic.log"
"$WORK/gen_log" synth 3000 >"$WORK/synth.log"
# Two VMs time-sharing hart 0 (SWITCH records), one on hart 1.
"$WORK/gen_log" shared 30 >"$WORK/shared.log"
# The guest prints <, &, ", ' and > with DBCN console_write_byte (SBI
# spec, "Debug Console Extension": a0 holds the byte), and marks a value.
{
	echo "begin 10000000 1"
	echo "hart 0"
	echo "entry 1000 0 0 0x80000000"
	t=2000
	for byte in 0x3c 0x26 0x22 0x27 0x3e; do
		echo "exit $t 0 0 0x80000100 10"
		echo "sbi $((t + 5)) 0 0 0x4442434e00000002 $byte 0 0 0 0"
		echo "entry $((t + 10)) 0 0 0x80000104"
		t=$((t + 1000))
	done
	echo "endhart"
	echo "end"
} | "$WORK/mklog" >"$WORK/hostile.log"

# --- the file ---------------------------------------------------------------
logs="basic synth hostile shared"
if [ -n "${LOG:-}" ]; then
	cp "$LOG" "$WORK/real.log" && logs="$logs real"
fi
for l in $logs; do
	"$TV" --html "$WORK/$l.html" "$WORK/$l.log" >"$WORK/$l.out" 2>"$WORK/$l.err"
	rc=$?
	if [ "$rc" -le 1 ] && [ ! -s "$WORK/$l.out" ] && [ -s "$WORK/$l.html" ]; then
		ok "$l: --html writes the page (exit $rc), nothing on stdout"
	else
		bad "$l: --html exit $rc, stdout $(wc -c <"$WORK/$l.out") bytes"
	fi
	"$TV" --explain "$WORK/$l.log" >"$WORK/$l.explain" 2>/dev/null
	check "$l: self-contained, well-formed, rows = --explain" \
		html_check static "$WORK/$l.html" "$WORK/$l.explain"
	"$TV" -s "$WORK/$l.log" >"$WORK/$l.sum" 2>/dev/null
	"$TV" --csv "$WORK/$l.csv" "$WORK/$l.log" 2>/dev/null
	check "$l: a table row per vCPU = tvtrace -s; latency buckets = exit/entry pairs" \
		html_check table "$WORK/$l.html" "$WORK/$l.sum" "$WORK/$l.csv"
done
# The table check fails when a number differs from tvtrace -s.
sed 's|\(data-vcpu="0"><td>0</td><td>0</td><td>[0-9,]*</td><td>[0-9]*\)<|\11<|' \
	"$WORK/basic.html" >"$WORK/wrong.html"
if ! cmp -s "$WORK/basic.html" "$WORK/wrong.html" &&
	! html_check table "$WORK/wrong.html" "$WORK/basic.sum" "$WORK/basic.csv" >/dev/null; then
	ok "control: a table whose exit count differs from tvtrace -s fails the check"
else
	bad "control: a changed exit count went unnoticed"
fi

# The same check fails when a switch column differs from tvtrace -s.
sed 's|\(data-vcpu="0"><td>0</td><td>0</td>.*<td>\)\([0-9]*\)\(</td><td>[0-9.]*</td><td>[0-9.-]*</td></tr>\)|\19\2\3|' \
	"$WORK/shared.html" >"$WORK/wrong-sw.html"
if ! cmp -s "$WORK/shared.html" "$WORK/wrong-sw.html" &&
	! html_check table "$WORK/wrong-sw.html" "$WORK/shared.sum" "$WORK/shared.csv" >/dev/null; then
	ok "control: a table whose switched-out count differs from tvtrace -s fails the check"
else
	bad "control: a changed switched-out count went unnoticed"
fi
if [ "$(grep -c 'class="turn"' "$WORK/shared.html")" = 30 ] &&
	[ "$(grep -c 'class="switch"' "$WORK/shared.html")" = 30 ] &&
	grep -q '<th>switched out</th>' "$WORK/shared.html" &&
	grep -q ' switch  *world switch: the hart leaves' "$WORK/shared.explain" &&
	grep -q '<td>switch</td><td>world switch: the hart leaves' "$WORK/shared.html"; then
	ok "shared: the timeline's turns and 30 switch markers, switch columns, switch rows explained"
else
	bad "shared: turns, switch markers, columns or switch rows missing"
fi

nrec=$(grep -vc '^#' "$WORK/synth.explain")
nspec=$(grep -c '^ *(' "$WORK/synth.explain")
nrows=$(grep -c '^<tr id="r' "$WORK/synth.html")
if [ "$nrows" = 5000 ] && [ $((nrec - nspec)) -gt 5000 ] &&
	grep -q "The first 5000 of $((nrec - nspec)) records are listed" "$WORK/synth.html"; then
	ok "synth: the list is bounded at 5000 rows of $((nrec - nspec)) and says so"
else
	bad "synth: $nrows rows of $((nrec - nspec)) records, or no note"
fi
nbasic=$(grep -c '^ *[0-9.]* \[' "$WORK/basic.explain")
if [ "$(grep -c '^<tr id="r' "$WORK/basic.html")" = "$nbasic" ] &&
	grep -q ">$nbasic records\." "$WORK/basic.html"; then
	ok "basic: all $nbasic records listed"
else
	bad "basic: rows differ from the $nbasic records"
fi
for want in "printed &#39;&lt;&#39;" "printed &#39;&amp;&#39;" \
	"printed &#39;&quot;&#39;" "printed &#39;&gt;&#39;"; do
	if grep -qF "$want on the console" "$WORK/hostile.html"; then
		ok "hostile: guest byte escaped as $want"
	else
		bad "hostile: no escaped $want"
	fi
done
if grep -qF "printed '<'" "$WORK/hostile.html"; then
	bad "hostile: a raw '<' from the guest reached the page"
else
	ok "hostile: no raw guest markup in the page"
fi
if grep -q '<table class="sum" id="summary">' "$WORK/basic.html" &&
	! grep -q '<pre id="summary">' "$WORK/basic.html" &&
	[ "$(grep -c '<svg ' "$WORK/basic.html")" = 3 ] &&
	grep -q 'class="slice"' "$WORK/basic.html" && grep -q 'class="bar"' "$WORK/basic.html" &&
	grep -q 'class="lat"' "$WORK/basic.html"; then
	ok "basic: summary table, the timeline, the latency and by-reason charts are in the page"
else
	bad "basic: summary table, timeline or a chart missing"
fi

# --- Chromium ---------------------------------------------------------------
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	bad "chromium missing (Debian package chromium: scripts/setup.sh test)"
	echo "$pass passed, $fail failed"
	exit 1
fi
# browse OUT URL ARGS... : headless Chromium with a fresh profile and no
# network services; stdout -> OUT, stderr (its log) -> OUT.log.
# (sh has no local variables: b_ names are browse's own.)
browse() {
	b_out=$1
	b_url=$2
	shift 2
	b_prof=$(mktemp -d "$WORK/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$b_prof" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" "$b_url" >"$b_out" 2>"$b_out.log"
}
# Console messages Chromium logged for the page (INFO:CONSOLE lines, which
# carry uncaught exceptions, console.error and CSP violations).
console_msgs() {
	grep 'CONSOLE' "$1.log"
}

page=basic
[ -n "${LOG:-}" ] && page=real
url="file://$WORK/$page.html"
browse "$WORK/dom.html" "$url#selftest" --dump-dom
if [ -s "$WORK/dom.html" ] && ! console_msgs "$WORK/dom.html" >/dev/null; then
	ok "$page: Chromium loads the page, no console message"
else
	bad "$page: console messages or no DOM:"
	console_msgs "$WORK/dom.html" | head -n 5 | sed 's/^/    /'
fi
check "$page: the wheel zooms the timeline; a click shows the explanation" \
	html_check dom "$WORK/dom.html"

# The time-shared page: loads without a console message, its timeline
# holds the turns and switch markers the file has.
browse "$WORK/shared.dom" "file://$WORK/shared.html#selftest" --dump-dom
nturn=$(grep -o 'class="turn"' "$WORK/shared.dom" | wc -l)
nsw=$(grep -o 'class="switch"' "$WORK/shared.dom" | wc -l)
if [ -s "$WORK/shared.dom" ] && ! console_msgs "$WORK/shared.dom" >/dev/null &&
	[ "$nturn" = "$(grep -o 'class="turn"' "$WORK/shared.html" | wc -l)" ] &&
	[ "$nsw" = 30 ]; then
	ok "shared: Chromium loads the time-shared page ($nturn turns, $nsw switches), no console message"
else
	bad "shared: Chromium: $nturn turns, $nsw switches, or console messages:"
	console_msgs "$WORK/shared.dom" | head -n 5 | sed 's/^/    /'
fi
check "shared: the wheel zooms the timeline; a click shows the explanation" \
	html_check dom "$WORK/shared.dom"

sed 's/<script>/<script>null.x();/' "$WORK/$page.html" >"$WORK/broken.html"
browse "$WORK/broken.dom" "file://$WORK/broken.html" --dump-dom
if console_msgs "$WORK/broken.dom" | grep -q 'Uncaught TypeError'; then
	ok "control: a script error in the page is seen as a console message"
else
	bad "control: a script error left no console message"
fi

browse "$WORK/shot.out" "$url#selftest" --window-size=1280,1000 \
	--screenshot="$WORK/shot.png"
check "$page: the screenshot is a real picture with the selected row (#ffd54f) and the filled panel (#fff3c4)" \
	html_check png "$WORK/shot.png" "#ffd54f" "#fff3c4"
# The same page and window, the list pinned to the top as #selftest does
sed 's/<body>/<body class="selftest">/' "$WORK/$page.html" >"$WORK/plain.html"
browse "$WORK/plain.out" "file://$WORK/plain.html" --window-size=1280,1000 \
	--screenshot="$WORK/plain.png"
check "control: the list without the click has neither colour" \
	html_check nopng "$WORK/plain.png" "#ffd54f" "#fff3c4"
[ -n "${KEEP:-}" ] && cp "$WORK/shot.png" "$WORK/$page.html" "$KEEP/"

finish
