#!/usr/bin/env python3
"""The console as a person reads it: what `make run` shows on the terminal.

scripts/run.sh keeps the whole console in build/console.log (tvtrace reads
the trace frames there) and pipes it through this filter for the screen:

  - trace frame lines ("~TV1:..." at the start of a line: the hypervisor's
    dumps, base64) are left out; how many there were is said at the end;
  - progress lines ("~TVP:<exits>" at the start of a line, which the
    hypervisor writes with tv.progress=MS, hyp/core/progress.h) are left
    out too; the alive line shows their count of VM exits;
  - a guest line the hypervisor escaped because it began with "~" (the
    console writes "~~...", see hyp/core/console.c) is shown as the guest
    wrote it; one that began with the hypervisor's own tag "tracevisor:"
    ("~tracevisor:...") too, but only in colour, where its colour tells it
    from the hypervisor's: without colour it keeps its '~';
  - on a terminal, the hypervisor's lines ("tracevisor: ...") are cyan and
    the firmware's (everything before the hypervisor's first line) dim, so
    the guest's own lines stand out in the default colour. The colour is
    reset first: a guest that left its text cyan (or invisible, ESC[8m)
    cannot make its line look like the hypervisor's, nor hide those.

Bytes are passed on as they come, not a line at a time, so a prompt
without a newline (a shell in the guest) shows at once: only a line that
starts with "~" is held until it is known whether it is a frame.

On a terminal, when nothing has been printed for a few seconds and the
cursor is at the start of a line, a dim status line says the run is alive
(time since start, silent for how long, VM exits and trace frames so
far); it is erased before the next output, so the guest's lines are
never disturbed. Progress lines are not output: they update the count.

Usage: console-view.py [--color auto|always|never] [--frames-to FILE]
--frames-to writes the number of frame lines left out to FILE at the end.
"""
import argparse
import os
import select
import sys
import time

CYAN, DIM, RESET = b"\x1b[36m", b"\x1b[2m", b"\x1b[0m"
HYP_PREFIX = b"tracevisor:"
PROGRESS = b"~TVP:"


class View:
    def __init__(self, out, color):
        self.out = out
        self.color = color
        self.line = b""          # the current line's bytes not yet decided
        self.mode = None         # None: undecided; "show", "frame", "escaped"
        self.colored = False     # a colour is open on the current line
        self.seen_hyp = False    # the hypervisor has printed its first line
        self.frames = 0
        self.exits = None        # the last progress line's count
        self.status_shown = False
        self.wrote = False       # visible bytes written since feed() began

    def at_line_start(self):
        return self.mode is None and not self.line

    def show_status(self, started, last_output):
        """The alive line (terminal only), at a line start after silence."""
        now = time.monotonic()
        exits = "" if self.exits is None else "%d exits, " % self.exits
        self.out.write(b"\r\x1b[K" + DIM + (
            "[%d s running, no output for %d s, %s%d trace frames so far]"
            % (now - started, now - last_output, exits, self.frames)
        ).encode() + RESET)
        self.out.flush()
        self.status_shown = True

    def clear_status(self):
        if self.status_shown:
            self.out.write(b"\r\x1b[K")
            self.status_shown = False

    def write(self, data):
        """Visible output: the alive line goes first."""
        if data:
            self.clear_status()
            self.out.write(data)
            self.wrote = True

    def emit(self, data):
        """Write bytes of the current line; a colour open on it ends
        before the line ending, so the next line starts uncoloured."""
        if self.colored and data.endswith(b"\n"):
            body = data.rstrip(b"\r\n")
            self.write(body + RESET + data[len(body):])
            self.colored = False
        else:
            self.write(data)

    def start_color(self, head):
        """Choose the current line's colour from its first bytes."""
        if not self.color:
            return
        if head.startswith(HYP_PREFIX):
            self.seen_hyp = True
            self.write(RESET + CYAN)
            self.colored = True
        elif not self.seen_hyp and head.strip():
            self.write(DIM)
            self.colored = True

    def decide(self):
        """Decide what the current line is, once enough of it is here.
        Returns False while it cannot be told yet."""
        ln = self.line.lstrip(b"\r")
        if ln.startswith(PROGRESS):
            self.mode = "progress"
            return True      # the rest of the line stays in self.line
        if ln.startswith(b"~TV") and len(ln) < len(PROGRESS) and b"\n" not in ln:
            return False     # "~TV": a frame or a progress line?
        if ln.startswith(b"~TV"):
            self.mode = "frame"
        elif ln.startswith(b"~~"):
            self.mode = "escaped"
            self.start_color(ln[1:])
            self.emit(self.line.replace(b"~~", b"~", 1))
        elif ln.startswith(b"~") and len(ln) < 3 and b"\n" not in ln:
            return False     # "~" or "~T": wait for more
        elif ln.startswith(b"~t") and HYP_PREFIX.startswith(ln[1:]) and b"\n" not in ln:
            return False     # "~tracev": a guest's escaped "tracevisor:"?
        elif ln.startswith(b"~" + HYP_PREFIX):
            self.mode = "escaped"   # a guest's
            if self.color:          # the default colour, whatever it left
                self.write(RESET)
                self.emit(self.line.replace(b"~", b"", 1))
            else:                   # nothing else would tell it apart
                self.emit(self.line)
        elif len(ln) < len(HYP_PREFIX) and HYP_PREFIX.startswith(ln) and ln \
                and b"\n" not in ln and self.color:
            return False     # may yet be "tracevisor:": wait for the colour
        else:
            self.mode = "show"
            self.start_color(ln)
            self.emit(self.line)
        self.line = b""
        return True

    def end_line(self):
        if self.mode == "frame":
            self.frames += 1
        elif self.mode == "progress":
            digits = self.line.lstrip(b"\r")[len(PROGRESS):].strip()
            if digits.isdigit():
                self.exits = int(digits)
        if self.colored:
            self.write(RESET)
        self.mode, self.colored, self.line = None, False, b""

    def feed(self, data):
        """Take console bytes; True when something visible was written."""
        self.wrote = False
        while data:
            nl = data.find(b"\n")
            piece, data = (data, b"") if nl < 0 else (data[:nl + 1], data[nl + 1:])
            if self.mode is None:
                self.line += piece
                if not self.decide():
                    continue
            elif self.mode == "progress":
                self.line += piece
            elif self.mode != "frame":
                self.emit(piece)
            if piece.endswith(b"\n"):
                self.end_line()
        self.out.flush()
        return self.wrote

    def finish(self):
        if self.line and self.mode != "progress":
            self.out.write(self.line)
        if self.colored:
            self.out.write(RESET)
        self.out.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    ap.add_argument("--frames-to")
    a = ap.parse_args()
    color = a.color == "always" or (a.color == "auto" and sys.stdout.isatty())
    v = View(sys.stdout.buffer, color)
    started = last_output = time.monotonic()
    try:
        while True:
            ready, _, _ = select.select([0], [], [], 1.0)
            if not ready:
                if color and v.at_line_start() and time.monotonic() - last_output >= 3:
                    v.show_status(started, last_output)
                continue
            data = os.read(0, 4096)
            if not data:
                break
            if v.feed(data):
                last_output = time.monotonic()
            elif v.status_shown:  # a progress line: show its count now
                v.show_status(started, last_output)
    except KeyboardInterrupt:
        pass
    v.clear_status()
    v.finish()
    if a.frames_to:
        with open(a.frames_to, "w") as f:
            f.write("%d\n" % v.frames)


if __name__ == "__main__":
    main()
