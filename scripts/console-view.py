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

A live trace (scripts/run.sh --live, make run LIVE=1): with --live CMD
the console bytes are also given to CMD (build/host/tvtrace --follow ...,
which decodes each periodic dump as its END frame arrives), and what CMD
prints (its standard error too) is shown between the console's lines:
its complete lines only, at a line start of the console (a guest's line
in progress is never cut, unless it has waited LIVE_HOLD seconds for its
end: a prompt; then the live lines go on a line of their own and the
console's line goes on after them), yellow on a terminal, where a guest's
lines (reset to the default colour) cannot pass for them.

Usage: console-view.py [--color auto|always|never] [--frames-to FILE]
                       [--live CMD]
--frames-to writes the number of frame lines left out to FILE at the end.
Exit status: 0; 2 on a usage error, or when the screen, --live CMD or
--frames-to FILE failed (said on stderr; the console is still read to
its end, so that run.sh's tee keeps the log whole).
"""
import argparse
import os
import select
import shlex
import subprocess
import sys
import time

CYAN, DIM, YELLOW, RESET = b"\x1b[36m", b"\x1b[2m", b"\x1b[33m", b"\x1b[0m"
LIVE_HOLD = 2.0   # seconds a live line waits for the console's line to end
HYP_PREFIX = b"tracevisor:"
PROGRESS = b"~TVP:"


class Screen:
    """Standard output for the view. In scripts/run.sh the console comes
    through tee, which writes the log: were this filter to stop, tee
    would die of SIGPIPE and the rest of the console, trace frames
    included, would never reach the log. So when the screen cannot be
    written (a full disk, a terminal gone) it is said once on stderr,
    what follows for the screen is dropped, and the console is still
    read to its end (exit status 2 then)."""

    def __init__(self, out):
        self.out = out
        self.broken = False

    def failed(self, e):
        if self.broken:
            return
        self.broken = True
        sys.stderr.write("console-view: the screen cannot be written (%s); "
                         "the console still goes to the log\n" % e.strerror)
        # what Python still holds for fd 1 (flushed at exit) goes nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.out.fileno())
        os.close(devnull)

    def write(self, data):
        if not self.broken:
            try:
                self.out.write(data)
            except OSError as e:
                self.failed(e)

    def flush(self):
        if not self.broken:
            try:
                self.out.flush()
            except OSError as e:
                self.failed(e)


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
        self.live_part = b""     # the live decoder's unfinished line
        self.live_lines = []     # its complete lines waiting for a line start
        self.live_since = None   # when the oldest of them came

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
        self.show_live()

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

    def live(self, data):
        """Take the live decoder's output; show its complete lines now
        if the console is at a line start, else when it gets there."""
        lines = (self.live_part + data).split(b"\n")
        self.live_part = lines.pop()
        if lines and not self.live_lines:
            self.live_since = time.monotonic()
        self.live_lines += lines
        self.show_live()

    def show_live(self, force=False):
        """The waiting live lines, at a line start of the console, or
        (force: a prompt has waited LIVE_HOLD s, or the end) on lines of
        their own, the console's line going on after them."""
        if not self.live_lines:
            return
        mid_line = not self.at_line_start()
        if mid_line and not force:
            return
        if mid_line:
            self.write((RESET if self.colored else b"") + b"\r\n")
        for ln in self.live_lines:  # CR LF: QEMU may hold the terminal raw
            ln = ln.rstrip(b"\r")
            self.write(RESET + YELLOW + ln + RESET + b"\r\n" if self.color else ln + b"\r\n")
        self.live_lines = []
        if mid_line and self.colored:
            self.write(CYAN if self.seen_hyp else DIM)
        self.out.flush()

    def live_overdue(self):
        return bool(self.live_lines) and time.monotonic() - self.live_since >= LIVE_HOLD

    def finish(self):
        if self.line and self.mode != "progress":
            self.out.write(self.line)
        if self.colored:
            self.out.write(RESET)
        self.out.flush()


class Live:
    """The live decoder (--live CMD): the console goes to its standard
    input as it comes, without ever blocking the console's own display
    (what the decoder has not taken yet waits here), and its output is
    read as it comes."""

    def __init__(self, cmd):
        # a command that cannot start raises OSError (main() says so)
        self.proc = subprocess.Popen(shlex.split(cmd), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.to_fd = self.proc.stdin.fileno()
        self.from_fd = self.proc.stdout.fileno()
        os.set_blocking(self.to_fd, False)
        self.pending = bytearray()   # console bytes the decoder has not taken

    def give(self, data):
        if self.to_fd is not None:
            self.pending += data

    def send(self):
        """Write what the decoder takes now (its pipe is not blocking)."""
        try:
            n = os.write(self.to_fd, self.pending[:65536])
            del self.pending[:n]
        except BlockingIOError:
            pass
        except BrokenPipeError:   # it ended (a usage error, say)
            self.end_input()

    def end_input(self):
        if self.to_fd is not None:
            self.proc.stdin.close()
            self.to_fd = None
            self.pending = bytearray()

    def wants_write(self):
        return [self.to_fd] if self.to_fd is not None and self.pending else []


def pump(v, live, color):
    """Show the console (standard input) until it ends, feeding the live
    decoder and showing its output meanwhile."""
    started = last_output = time.monotonic()
    console_open = True
    while console_open or (live and live.from_fd is not None):
        rd = ([0] if console_open else []) + ([live.from_fd] if live and live.from_fd is not None else [])
        wr = live.wants_write() if live else []
        ready, writable, _ = select.select(rd, wr, [], 1.0)
        if writable:
            live.send()
        if live and not console_open and not live.pending:
            live.end_input()   # all of the console given: the decoder ends
        if live and live.from_fd in ready:
            data = os.read(live.from_fd, 65536)
            if data:
                v.live(data)
            else:
                live.from_fd = None
        if live and v.live_overdue():
            v.show_live(force=True)
        if 0 not in ready:
            if console_open and color and v.at_line_start() and time.monotonic() - last_output >= 3:
                v.show_status(started, last_output)
            continue
        data = os.read(0, 4096)
        if not data:
            console_open = False
            continue
        if live:
            live.give(data)
        if v.feed(data):
            last_output = time.monotonic()
        elif v.status_shown:  # a progress line: show its count now
            v.show_status(started, last_output)
    if live:
        live.end_input()


def start_live(cmd):
    """The live decoder, or None (said on stderr) when it cannot start:
    the console is then shown without it, and read to its end all the
    same (see Screen)."""
    try:
        return Live(cmd)
    except (OSError, ValueError) as e:
        sys.stderr.write("console-view: --live '%s' cannot run: %s; the "
                         "console is shown without it\n"
                         % (cmd, getattr(e, "strerror", None) or e))
        return None


def write_frames(path, frames):
    """--frames-to: the count of frame lines; False (said) when it
    cannot be written."""
    try:
        with open(path, "w") as f:
            f.write("%d\n" % frames)
        return True
    except OSError as e:
        sys.stderr.write("console-view: --frames-to '%s': %s\n" % (path, e.strerror))
        return False


def main():
    """Exit status: 0; 2 on a usage error (argparse), or when something
    asked for could not be done: the screen written, --live started,
    --frames-to written (the console is read to its end all the same)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    ap.add_argument("--frames-to")
    ap.add_argument("--live", metavar="CMD")
    a = ap.parse_args()
    color = a.color == "always" or (a.color == "auto" and sys.stdout.isatty())
    screen = Screen(sys.stdout.buffer)
    v = View(screen, color)
    live = start_live(a.live) if a.live else None
    ok = live is not None or not a.live
    try:
        pump(v, live, color)
    except KeyboardInterrupt:
        pass
    v.clear_status()
    v.show_live(force=True)
    v.finish()
    if live:
        live.end_input()
        live.proc.wait()
    if a.frames_to and not write_frames(a.frames_to, v.frames):
        ok = False
    return 0 if ok and not screen.broken else 2


if __name__ == "__main__":
    sys.exit(main())
