#!/usr/bin/env python3
"""Run a command whose stdin/stdout is a serial console and type into it.

Usage: scripts/console-expect.py [--expect TEXT --send TEXT]... -- COMMAND...

Copies COMMAND's output (stdout and stderr) to our stdout unchanged, byte
for byte, as it arrives. The --expect/--send pairs are handled in order:
once TEXT of the current --expect has appeared in the output (after the
previous match), the matching --send text is written to COMMAND's stdin.
"\\n" in a --send text stands for Enter. Exits with COMMAND's status; on
SIGTERM, SIGINT or SIGHUP (e.g. from timeout(1)) it kills COMMAND first.

scripts/run.sh --uboot uses it to stop U-Boot's autoboot and type the
booti command at its prompt. No flow control is needed: QEMU hands the
guest a byte only when the emulated UART has room for it, so nothing typed
is lost however early it is sent.
"""
import os
import select
import signal
import subprocess
import sys


def parse(argv):
    """Split argv into the (expect, send) pairs and the command."""
    if "--" not in argv:
        sys.exit("usage: console-expect.py [--expect TEXT --send TEXT]... -- COMMAND...")
    cut = argv.index("--")
    opts, command = argv[:cut], argv[cut + 1:]
    pairs = []
    i = 0
    while i < len(opts):
        if opts[i:i + 1] != ["--expect"] or opts[i + 2:i + 3] != ["--send"] \
                or i + 4 > len(opts):
            sys.exit("console-expect.py: options come as --expect TEXT --send TEXT")
        send = opts[i + 3].replace("\\n", "\n")
        pairs.append((opts[i + 1].encode(), send.encode()))
        i += 4
    if not command:
        sys.exit("console-expect.py: no command given")
    return pairs, command


def main():
    """Run the command, feed it the answers, return its exit status."""
    pairs, command = parse(sys.argv[1:])
    child = subprocess.Popen(command, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def stop(signum, _frame):
        child.kill()
        child.wait()
        sys.exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)

    out = sys.stdout.buffer
    fd = child.stdout.fileno()
    seen = b""  # output since the last match, for the next --expect
    while True:
        select.select([fd], [], [])
        data = os.read(fd, 4096)
        if not data:
            break
        out.write(data)
        out.flush()
        if not pairs:
            continue
        seen += data
        while pairs and pairs[0][0] in seen:
            expect, send = pairs.pop(0)
            seen = seen[seen.index(expect) + len(expect):]
            try:
                child.stdin.write(send)
                child.stdin.flush()
            except BrokenPipeError:
                pairs = []
        # Keep only a tail long enough to hold a match split across reads.
        if pairs:
            seen = seen[-max(4096, 2 * len(pairs[0][0])):]
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
