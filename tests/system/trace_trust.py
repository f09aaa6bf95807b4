#!/usr/bin/env python3
"""Judge what a hostile guest did to the trace (issue 13, "Trust the trace").

    trace_trust.py TVTRACE LOG WORKDIR

LOG is the console log of a run of the hostile guest (guest/hostile) with
its trace attacks (guest/hostile/trace_attacks.c). The guest cannot see
the log, so it reports only what it did; this script decodes the log with
tvtrace in every mode and counts what the guest achieved:

  forged      records or dumps tvtrace accepted that the guest printed:
              every forged dump carries FORGE_TAG (its id, the exit's sepc,
              the mark, the stop's detail), which nothing else uses; counted
              as the record lines of `--all --records` and the dumps of
              `--list` that show it.
  corrupted   tvtrace's decoding errors on the log (CRC mismatch, bad
              frame, missing frames, ...) plus dump ids used twice.
              Also the cycle column (guest/hostile/trace_cycles.c): while
              the guest stops cycle and instret and starts them from 0
              through SBI PMU, the records between its MARK_CYCLES_BEGIN and
              MARK_CYCLES_END marks (and the one on each side) must show
              the hart's cycle count strictly increasing; each record that
              does not (a counter frozen or rewound by the guest) counts as
              corrupted.
  unexplained records missing that the ring did not count as lost: per
              hart, the ring's own count of records consumed by dumps (the
              HART frame of the last dump) against the ring records of that
              hart tvtrace decoded in all dumps (LOST records aside; the
              events of one record share its position), summed as absolute
              differences.

Prints TAP lines ("ok - ..." / "not ok - ...") and, last, the suite's line
"hostile: N attempts, E escapes, F forged, C corrupted, U unexplained
losses", N and E from the guest's own summary line, the rest counted here;
exits 0.
"""
import csv
import os
import re
import subprocess
import sys

FORGE_TAG = "f0f6edf0f6ed"  # FORGE_TAG in guest/hostile/trace_attacks.c
MARK_DUMPS = 0xD0D00000      # MARK_DUMPS in guest/hostile/trace_attacks.c
MARK_CYCLES_BEGIN = 0xC7C10000  # guest/hostile/trace_cycles.c
MARK_CYCLES_END = 0xC7C1FFFF


def tap(ok, name):
    print(("ok - " if ok else "not ok - ") + name)


def run(tvtrace, *args):
    p = subprocess.run([tvtrace, *args], capture_output=True, text=True,
                       errors="replace")
    return p.returncode, p.stdout, p.stderr


def cycle_column(csv_text):
    """The records of the hart that made the cycle attack, from the record
    before its begin mark to the one after its end mark, in ring order:
    TAP line; returns how many of them do not increase the cycle count."""
    rows = list(csv.DictReader(csv_text.splitlines()))
    begin = [r for r in rows if r["kind"] == "mark" and int(r["arg0"] or "0", 16) == MARK_CYCLES_BEGIN]
    if len(begin) != 1:
        tap(False, f"trust: cycle column: {len(begin)} begin marks of the guest's PMU attack (want 1)")
        return 1
    hart = begin[0]["hart"]
    mine = sorted((r for r in rows if r["hart"] == hart),
                  key=lambda r: (int(r["dump"]), int(r["index"])))
    first = next(i for i, r in enumerate(mine) if r is begin[0])
    # To the end mark. A stop-when-full ring may have kept none of the rest
    # (a "lost" record, or none at all after the hart's last one: the ring's
    # counts are judged as unexplained losses below): then judge what it kept.
    end = next((i for i, r in enumerate(mine[first:], first) if r["kind"] == "lost"
                or (r["kind"] == "mark" and int(r["arg0"] or "0", 16) == MARK_CYCLES_END)),
               len(mine) - 1)
    complete = mine[end]["kind"] == "mark" and mine[end] is not begin[0]
    window = [r for r in mine[max(first - 1, 0):end + 2] if r["kind"] != "lost"]
    # Format 1 records the hart's cycle count; format 2 records none (0 in
    # every row), so there its time column is judged: nothing the guest
    # does to its counters may make the recorded clock stall or go back.
    cycles = [int(r["cycle"]) for r in window]
    column = "cycle"
    if not any(cycles):
        # Format 2 writes an exit's record when the guest is entered again,
        # after the records made during the exit, so in ring order only
        # the exits and entries follow the clock: those are judged.
        column = "time of exits and entries (format 2 records no cycle)"
        cycles = [int(r["time_ticks"]) for r in window if r["kind"] in ("exit", "entry")]
        bad = [i for i in range(1, len(cycles)) if cycles[i] < cycles[i - 1]]
    else:
        bad = [i for i in range(1, len(cycles)) if cycles[i] <= cycles[i - 1]]
    exits = sum(r["kind"] == "exit" for r in window)
    enough = exits >= 60 if complete else len(window) >= 2
    tap(enough and not bad,
        f"trust: {column} column: increases over all {len(window)} records ({exits} exits) while the"
        f" guest stops and rewinds cycle/instret through SBI PMU"
        + ("" if complete else " (the ring kept no more of the attack: a stop-when-full ring"
                                " that filled; its losses are judged below)")
        + (f" ({len(bad)} not, first {cycles[bad[0] - 1]} -> {cycles[bad[0]]})" if bad else ""))
    return len(bad) if enough else max(len(bad), 1)


def main():
    tvtrace, log, work = sys.argv[1:4]
    text = open(log, errors="replace").read()

    m = re.search(r"^hostile: (\d+) attempts, (\d+) escapes$", text, re.M)
    attempts, escapes = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    m = re.search(r"^hostile: forged (\d+) trace dumps, (\d+) frame lines", text, re.M)
    forged_lines = int(m.group(2)) if m else None
    m = re.search(r"^attempt \d+: (\d+) trace dump requests from each of (\d+) vCPU", text, re.M)
    requests, vcpus = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    tap(attempts is not None, "trust: the guest's summary line is in the log")
    tap(forged_lines is not None, "trust: the guest printed its forged dumps")
    tap(requests > 0, f"trust: the guest made concurrent dump requests ({requests} x {vcpus} vCPUs)")

    csv_file = os.path.join(work, os.path.basename(log) + ".trust.csv")
    modes = {
        "records": run(tvtrace, "--all", "--records", log),
        "summary": run(tvtrace, "--all", "--summary", log),
        "csv": run(tvtrace, "--all", "--csv", csv_file, log),
        "default view": run(tvtrace, log),
        "list": run(tvtrace, "--list", log),
    }
    csv_text = open(csv_file, errors="replace").read() if os.path.exists(csv_file) else ""

    # Frame-like text tvtrace must reject: every "~TV1:" not at the start
    # of its line (the guest's forged lines, escaped by the hypervisor or
    # after text; a dump that cuts a forged line in progress may leave
    # fewer than the guest printed).
    frame_like = sum(l.count("~TV1:") - l.startswith("~TV1:")
                     for l in text.split("\n"))
    tap(forged_lines is not None and 0 < frame_like <= forged_lines,
        f"trust: the log holds {frame_like} frame-like texts not at a line start"
        f" (the guest printed {forged_lines} forged frame lines)")

    # ---- forged: what tvtrace shows of the guest's dumps, in every mode.
    def tagged(s):
        return [l for l in s.splitlines() if FORGE_TAG in l.lower()]
    for name, (rc, out, err) in modes.items():
        shown = tagged(csv_text if name == "csv" else out)
        tap(not shown, f"trust: {name}: no forged record or dump shown"
            + (f" (shown: {shown[0][:100]})" if shown else ""))
        said = re.search(r"rejected (\d+) frame-like lines? not written by the hypervisor", err)
        got = int(said.group(1)) if said else 0
        tap(got == frame_like,
            f"trust: {name}: tvtrace says it rejected the {frame_like} frame-like lines (said {got})")
        tap(rc == 0, f"trust: {name}: tvtrace exit status {rc} (0: every frame intact)")
    forged = (len([l for l in tagged(modes["records"][1]) if not l.startswith("#")])
              + len(tagged(modes["list"][1])))

    # ---- corrupted: decoding errors, dump ids used twice.
    err = modes["records"][2]
    m = re.search(r": (\d+) decoding errors?$", err, re.M)
    errors = int(m.group(1)) if m else 0
    ids = re.findall(r"^dump \d+: id (0x[0-9a-f]+)", modes["list"][1], re.M)
    reused = len(ids) - len(set(ids))
    tap(errors == 0, f"trust: the log decodes with no error ({errors})")
    tap(ids and reused == 0, f"trust: {len(ids)} dumps, every dump id used once ({reused} reused)")
    corrupted = errors + reused + cycle_column(csv_text)

    # ---- the dump-request marks: each in exactly one dump.
    marks = {}
    for l in modes["records"][1].splitlines():
        f = l.split()
        if len(f) >= 5 and f[3] == "mark":
            v = int(f[4], 16)
            marks[v] = marks.get(v, 0) + 1
    want = [MARK_DUMPS + (v << 16) + i for v in range(vcpus) for i in range(requests)]
    missing = [hex(w) for w in want if marks.get(w, 0) == 0]
    doubled = [hex(w) for w in want if marks.get(w, 0) > 1]
    tap(want and not missing and not doubled,
        f"trust: all {len(want)} dump-request marks are in exactly one dump"
        f" (missing {len(missing)} {missing[:5]}, twice {len(doubled)} {doubled[:5]})")

    # ---- unexplained losses: the ring's consumed count against the records.
    # A ring record is one position (the CSV's index) of its hart's dump;
    # the events of one record (format version 2: exit, SBI or MMIO,
    # entry) share it, so records are counted as distinct positions.
    positions = set()
    for row in csv.DictReader(csv_text.splitlines()):
        if row.get("kind") != "lost":
            positions.add((row["dump"], int(row["hart"]), int(row["index"])))
    delivered = {}
    for _, h, _ in positions:
        delivered[h] = delivered.get(h, 0) + 1
    consumed, dump = {}, 0
    for l in modes["summary"][1].splitlines():
        d = re.match(r"# dump (\d+):", l)
        if d:
            dump = int(d.group(1))
        h = re.match(r"  hart (\d+): ring offered \d+, consumed (\d+),", l)
        if h:
            consumed[int(h.group(1))] = (dump, int(h.group(2)))
    harts = sorted(set(delivered) | set(consumed))
    unexplained = sum(abs(consumed.get(h, (0, 0))[1] - delivered.get(h, 0)) for h in harts)
    detail = ", ".join(f"hart {h}: ring consumed {consumed.get(h, (0, 0))[1]}, "
                       f"decoded {delivered.get(h, 0)}" for h in harts)
    tap(consumed and unexplained == 0,
        f"trust: every record the rings gave the dumps was decoded ({detail})")

    line = (f"hostile: {attempts} attempts, {escapes} escapes, {forged} forged, "
            f"{corrupted} corrupted, {unexplained} unexplained losses")
    print(f"# {line} (attempts and escapes counted by the guest; forged, corrupted"
          f" and unexplained losses by tests/system/trace_trust.py from tvtrace's decoding)")
    tap(attempts is not None and escapes == 0 and forged == 0 and corrupted == 0
        and unexplained == 0, line)


if __name__ == "__main__":
    main()
