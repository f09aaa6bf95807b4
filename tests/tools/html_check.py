#!/usr/bin/env python3
"""Checks of tvtrace's HTML report for tests/tools/test_html.sh.

  html_check.py static PAGE EXPLAIN   self-contained, well-formed, every
                                      row's explanation = tvtrace --explain
  html_check.py dom DOM               the DOM Chromium dumped after the
                                      #selftest click and zoom
  html_check.py png PNG [COLOUR...]   a real picture; each #rrggbb COLOUR
                                      fills at least 200 pixels
  html_check.py nopng PNG COLOUR...   each COLOUR fills < 200 pixels
  html_check.py table PAGE SUMMARY CSV
                                      one summary-table row per vCPU with
                                      the numbers of tvtrace -s (SUMMARY),
                                      on time-shared harts its switch
                                      table's too; the latency buckets sum
                                      to the exit/entry pairs counted from
                                      --csv

Standard library only. Prints why on failure and exits 1.
"""
import csv
import html.parser
import re
import struct
import sys
import zlib

# HTML's void elements (HTML Living Standard, "Elements"): no end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# SVG elements the tool writes self-closed (<rect .../>).
SELF_CLOSED_OK = {"rect", "line", "path"}


def fail(msg):
    print(msg)
    sys.exit(1)


class Page(html.parser.HTMLParser):
    """Balanced tags, the rows' data-x, the URLs the page would load."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.rows, self.loads, self.scripts = [], [], [], 0
        self.errors = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href", "action", "data", "poster"):
            if name in a:
                self.loads.append((tag, name, a[name]))
        if tag == "script":
            self.scripts += 1
        if tag == "link":
            self.loads.append((tag, "link", a.get("href")))
        if tag == "tr" and "data-x" in a:
            self.rows.append((a["data-x"], a.get("data-s", "")))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            if tag not in SELF_CLOSED_OK:
                self.errors.append("self-closed <%s/>" % tag)
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s> at line %d" % (
                tag, self.stack[-1] if self.stack else "nothing",
                self.getpos()[0]))
            return
        self.stack.pop()


def explain_lines(path):
    """(text, spec) per record of tvtrace --explain's output."""
    out = []
    rec = re.compile(r"^ *\S+ \[\d+\] vm\d+-vcpu\d+ \S+ +(.*)$")
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        m = rec.match(line)
        if m:
            out.append([m.group(1), ""])
        elif line.strip().startswith("(") and out:
            out[-1][1] = line.strip()[1:-1]
        else:
            fail("unexpected --explain line: %r" % line)
    return out


def static(page_path, explain_path):
    text = open(page_path, encoding="utf-8").read()
    p = Page()
    p.feed(text)
    p.close()
    if p.errors:
        fail("not well-formed: " + "; ".join(p.errors[:5]))
    if p.stack:
        fail("unclosed elements: %s" % p.stack)
    if p.loads:
        fail("the page loads something: %s" % p.loads[:5])
    if p.scripts != 1:
        fail("%d <script> elements, expected the one inline script"
             % p.scripts)
    if re.search(r"url\s*\(|@import|https?://(?!www\.w3\.org/2000/svg\")",
                 text):
        fail("an URL other than the SVG namespace is in the page")
    if "Content-Security-Policy\" content=\"default-src 'none'" not in text:
        fail("no Content-Security-Policy default-src 'none'")
    want = explain_lines(explain_path)
    got = [list(r) for r in p.rows]
    if not got:
        fail("no record rows")
    if got != want[:len(got)]:
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                fail("row %d: %r, --explain says %r" % (i + 1, g, w))
        fail("rows differ from --explain")
    print("%d rows of %d records match --explain" % (len(got), len(want)))


def dom(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'data-selftest="zoom ([0-9.]+)-&gt;([0-9.]+); '
                  r'clicked (r\d+)"', text)
    if not m:
        fail("no selftest note (zoom, click) in the DOM")
    if not float(m.group(2)) < float(m.group(1)):
        fail("the wheel did not zoom: viewBox width %s -> %s"
             % (m.group(1), m.group(2)))
    row = re.search(r'<tr id="%s" class="([^"]*)" data-x="([^"]*)"'
                    % m.group(3), text)
    if not row or "sel" not in row.group(1).split():
        fail("the clicked row %s is not selected" % m.group(3))
    shown = re.search(r'<div id="explain-text">([^<]*)</div>', text)
    if not shown or shown.group(1) != row.group(2) or not shown.group(1):
        fail("the panel does not show the row's explanation: %r"
             % (shown.group(1) if shown else None))
    spec = re.search(r'<div id="explain-spec">Specification: ([^<]+)</div>',
                     text)
    if not spec:
        fail("the panel names no specification section")
    print("zoom %s -> %s; %s shows: %.60s...; spec: %.60s..." % (
        m.group(1), m.group(2), m.group(3), shown.group(1), spec.group(1)))


def pixels(path):
    """RGB triples of an 8-bit RGB(A) non-interlaced PNG (PNG spec,
    "Filter algorithms"), and its size."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, w, h, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or lace:
                fail("unexpected PNG format %d/%d/%d" % (depth, ctype, lace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    counts = {}
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (a + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        for x in range(0, stride, bpp):
            k = bytes(line[x:x + 3])
            counts[k] = counts.get(k, 0) + 1
        prev = line
    return counts, w, h


def colour(spec):
    return bytes.fromhex(spec.lstrip("#"))


def png(path, colours):
    counts, w, h = pixels(path)
    total = w * h
    white = counts.get(b"\xff\xff\xff", 0)
    if len(counts) < 20:
        fail("only %d distinct colours: a blank page?" % len(counts))
    if total - white < total // 20:
        fail("only %d of %d pixels are not white" % (total - white, total))
    for c in colours:
        if counts.get(colour(c), 0) < 200:
            fail("colour %s fills %d pixels (< 200)"
                 % (c, counts.get(colour(c), 0)))
    print("%dx%d, %d colours, %d%% not white, %s" % (
        w, h, len(counts), 100 * (total - white) // total,
        ", ".join("%s: %d px" % (c, counts[colour(c)]) for c in colours)))


def nopng(path, colours):
    counts, w, h = pixels(path)
    for c in colours:
        if counts.get(colour(c), 0) >= 200:
            fail("colour %s fills %d pixels" % (c, counts[colour(c)]))
    print("%dx%d, %d colours, none of %s" % (w, h, len(counts),
                                             " ".join(colours)))


def summary_vcpus(path):
    """{(vm, vcpu): (exits, max, avg)} from the "Total" line of each
    "Analyze events for vmA-vcpuB:" section of tvtrace -s."""
    out, cur = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"Analyze events for vm(\d+)-vcpu(\d+):", line)
        if m:
            cur = (int(m.group(1)), int(m.group(2)))
            continue
        if line.startswith("Analyze events"):
            cur = None
        f = line.split()
        if cur and f and f[0] == "Total":
            # Total Samples Samples% Time% Min Max Avg Run
            out[cur] = (f[1], f[5].replace("us", ""), f[6].replace("us", ""))
            cur = None
    return out


def summary_switches(path):
    """{(vm, vcpu): (switched out, steal, wait)} from the vCPU rows of
    tvtrace -s's switch table ("Analyze switches ..."); "-" is 0.00."""
    out, on = {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("Analyze switches"):
            on = True
            continue
        f = line.split()
        m = re.match(r"vm(\d+)-vcpu(\d+)$", f[0]) if on and f else None
        if m and len(f) == 10:
            us = ["0.00" if x == "-" else x.replace("us", "") for x in f]
            out[(int(m.group(1)), int(m.group(2)))] = (f[1], us[6], us[9])
    return out


def csv_pairs(path):
    """Exits followed by their entry, counted from tvtrace --csv alone:
    per hart in dump order, an entry of the same vCPU closes the open exit
    (not earlier than it); lost and control records break the hart's
    pairing, a stop that of its VM's vCPUs (docs/trace-format.md); a
    switch breaks none (the exit waits for its vCPU to get the hart
    back)."""
    rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    rows.sort(key=lambda r: (int(r["dump"]), int(r["hart"]),
                             int(r["index"])))
    open_exit, pairs = {}, 0
    for r in rows:
        hart, who = r["hart"], (r["hart"], r["vm"], r["vcpu"])
        t = int(r["time_ticks"])
        if r["kind"] in ("lost", "control"):
            for k in [k for k in open_exit if k[0] == hart]:
                del open_exit[k]
        elif r["kind"] == "stop":
            for k in [k for k in open_exit
                      if k[0] == hart and k[1] == r["vm"]]:
                del open_exit[k]
        elif r["kind"] == "exit":
            open_exit[who] = t
        elif r["kind"] == "entry":
            if who in open_exit and t >= open_exit[who]:
                pairs += 1
            open_exit.pop(who, None)
    return pairs


def table(page_path, summary_path, csv_path):
    text = open(page_path, encoding="utf-8").read()
    body = re.search(r'<table class="sum" id="summary">.*?<tbody>(.*?)'
                     r'</tbody>', text, re.S)
    if not body:
        fail("no summary <table> in the page")
    rows = re.findall(r'<tr class="vcpu" data-vm="(\d+)" data-vcpu="(\d+)">'
                      r'(.*?)</tr>', body.group(1), re.S)
    got, paired = {}, 0
    want_sw = summary_switches(summary_path)
    ncells = 13 if want_sw else 10
    got_sw = {}
    for vm, vcpu, cells in rows:
        c = re.findall(r"<td[^>]*>([^<]*)</td>", cells)
        # VM vCPU hart exits paired top total mean max run
        # [switched-out steal wait]
        if len(c) != ncells or c[0] != vm or c[1] != vcpu:
            fail("malformed row vm%s-vcpu%s: %r" % (vm, vcpu, c))
        if (int(vm), int(vcpu)) in got:
            fail("two rows for vm%s-vcpu%s" % (vm, vcpu))
        got[(int(vm), int(vcpu))] = (c[3], c[8], c[7])
        if want_sw and c[10] != "0":
            got_sw[(int(vm), int(vcpu))] = (c[10], c[11], c[12])
        paired += int(c[4])
    if got_sw != want_sw:
        fail("switch columns %s, tvtrace -s %s" % (got_sw, want_sw))
    want = summary_vcpus(summary_path)
    if not want:
        fail("tvtrace -s printed no per-vCPU section")
    if sorted(got) != sorted(want):
        fail("rows for %s, tvtrace -s has %s" % (sorted(got), sorted(want)))
    for k in want:
        if got[k] != want[k]:
            fail("vm%d-vcpu%d: table (exits, max, mean) %s, tvtrace -s %s"
                 % (k[0], k[1], got[k], want[k]))
    svg = re.search(r'<div class="pic" id="latency">\s*<svg [^>]*'
                    r'data-pairs="(\d+)"(.*?)</svg>', text, re.S)
    if not svg:
        fail("no latency histogram")
    counts = [int(n) for n in re.findall(r'<rect class="lat" [^>]*'
                                         r'data-count="(\d+)"', svg.group(2))]
    lows = [int(n) for n in re.findall(r'data-lo-ns="(\d+)"', svg.group(2))]
    pairs = csv_pairs(csv_path)
    if sum(counts) != pairs or int(svg.group(1)) != pairs or paired != pairs:
        fail("latency buckets sum to %d (data-pairs %s), table pairs %d, "
             "--csv has %d exit/entry pairs"
             % (sum(counts), svg.group(1), paired, pairs))
    if any(lo and lo & (lo - 1) for lo in lows) or lows != sorted(lows):
        fail("bucket bounds are not increasing powers of two: %s" % lows)
    print("%d vCPU rows = tvtrace -s%s; %d latency buckets hold the %d "
          "exit/entry pairs" % (len(got), ", %d switch rows" % len(got_sw)
                                if want_sw else "", len(counts), pairs))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "static":
        static(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "dom":
        dom(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "png":
        png(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 5 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "nopng":
        nopng(sys.argv[2], sys.argv[3:])
    else:
        fail(__doc__)


main()
