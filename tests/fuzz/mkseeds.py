#!/usr/bin/env python3
"""Build the seed corpora of the fuzz harnesses.

Usage: tests/fuzz/mkseeds.py OUTDIR

Writes OUTDIR/<harness>/ for wire, wire_enc, insn, fdt, tvtrace and
boot_image from
what the repository holds:
  wire, tvtrace  the real console logs in tests/fuzz/seeds/logs/ (made with
                 scripts/run.sh --log); tvtrace gets them whole, verbatim
                 and rewritten as frame scripts (see fuzz_input.h: each
                 "~TV1:" line becomes a binary frame piece whose CRC the
                 harness recomputes, so mutations of it reach the frame
                 decoder); wire gets every frame line on its own, runs of
                 three frames as scripts, and console text with a frame
  wire_enc       a few fixed pseudo-random encoder programs, and programs
                 of keyed visits
  insn           the words of tests/fuzz/seeds/insn-words.txt, one word per
                 file and in groups
  fdt            tests/unit/fdt/*.dts compiled with dtc (as version 17 and
                 16 blobs), and QEMU virt's own device trees (dumpdtb) for a
                 few machine shapes when qemu-system-riscv64 is installed
  boot_image     small ELF-64 RISC-V executables and Linux Image headers
                 built here field by field (one, two and overlapping
                 segments; entry by physical or virtual address), and the
                 virt guests the build made (build/virt-*.elf) when present
Seeds are named by the SHA-1 of their contents, as libFuzzer names corpus
files, so rerunning adds nothing twice.
"""
import base64
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEP = b"\xfe\xfdFR"  # FUZZ_SEP of fuzz_input.h
PREFIX = b"~TV1:"


def put(outdir, name, data):
    """Store one seed under its content hash."""
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def frame_piece(line):
    """A "~TV1:" line as an 'F' piece (binary frame without its CRC), or
    None when the line holds no decodable frame."""
    at = line.find(PREFIX)
    if at < 0:
        return None
    text = line[at + len(PREFIX):].rstrip(b"\r\n")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    if len(raw) < 12:
        return None
    return b"F" + raw[:-4]


def as_script(lines):
    """Rewrite log lines as a frame script: frames become 'F' pieces, other
    text stays as it is."""
    pieces = []
    for line in lines:
        piece = frame_piece(line)
        pieces.append(piece if piece is not None else line)
    return SEP.join(pieces)


def logs(outdir):
    # ... and the old dumps tvtrace's tests keep (tests/tools/*/), so
    # every frame format is in the seeds
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/fuzz/seeds/logs/*.log"))
                       + glob.glob(os.path.join(ROOT, "tests/tools/*/test-guest.log"))):
        with open(path, "rb") as f:
            data = f.read()
        lines = data.splitlines(keepends=True)
        frames = [l for l in lines if PREFIX in l]
        put(outdir, "tvtrace", data)
        put(outdir, "tvtrace", as_script(lines))
        for line in frames:
            put(outdir, "wire", line)
        for i in range(0, len(frames), 2):
            put(outdir, "wire", as_script(frames[i:i + 3]))
        # The console text around the dump, with the first frame.
        put(outdir, "wire", as_script([l for l in lines if PREFIX not in l][-20:]
                                      + frames[:1]))
        # The frames alone, in order: a dump without the console around it.
        put(outdir, "tvtrace", as_script(frames))


def insn(outdir):
    words = []
    with open(os.path.join(ROOT, "tests/fuzz/seeds/insn-words.txt")) as f:
        for line in f:
            tok = line.split("#", 1)[0].split()
            if not tok:
                continue
            v = int(tok[0], 16)
            words.append(v.to_bytes(2 if len(tok[0]) <= 4 else 4, "little"))
    for w in words:
        put(outdir, "insn", w)
    for i in range(0, len(words), 8):
        put(outdir, "insn", b"".join(words[i:i + 8]))


def fdt(outdir):
    with tempfile.TemporaryDirectory() as tmp:
        for dts in sorted(glob.glob(os.path.join(ROOT, "tests/unit/fdt/*.dts"))):
            for version in ("17", "16"):
                out = os.path.join(tmp, "x.dtb")
                r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb",
                                    "-V", version, "-o", out, dts],
                                   stderr=subprocess.DEVNULL)
                if r.returncode == 0:
                    with open(out, "rb") as f:
                        put(outdir, "fdt", f.read())
        if not shutil.which("qemu-system-riscv64"):
            return
        shapes = [["-smp", "1"], ["-smp", "4", "-m", "1G"],
                  ["-smp", "2", "-machine", "virt,aclint=on"]]
        for shape in shapes:
            out = os.path.join(tmp, "virt.dtb")
            machine = "virt,dumpdtb=" + out
            args = [a if a != "virt,aclint=on" else "virt,aclint=on,dumpdtb=" + out
                    for a in shape]
            if "-machine" not in args:
                args = ["-M", machine] + args
            r = subprocess.run(["qemu-system-riscv64", "-nographic", "-cpu", "rv64"]
                               + args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=60)
            if r.returncode == 0 and os.path.exists(out):
                with open(out, "rb") as f:
                    put(outdir, "fdt", f.read())
                os.unlink(out)


def wire_enc(outdir):
    """Encoder programs: a few fixed pseudo-random byte strings (the
    harness reads any bytes as a program)."""
    state = 0x2545F4914F6CDD1D
    for n in (16, 64, 256, 1024):
        out = bytearray()
        for _ in range(n):
            state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
            state ^= state >> 7
            state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
            out.append(state & 0xFF)
        put(outdir, "wire_enc", bytes(out))
    # and programs of ring records as a hypervisor's dump has them:
    # visits of the three kinds keyed by one of ten of fuzz_wire_enc.c's
    # keys (more than a RECORDS3 frame remembers), mostly
    # repeating their arguments, with events, losses and frame flushes
    # between them (the operation bytes of fuzz_wire_enc.c's play())
    for n in (100, 190):
        out = bytearray()
        for _ in range(n):
            state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
            state ^= state >> 7
            state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
            r = state
            if r % 29 == 0:
                out += bytes([3, 1, 1 + (r >> 8) % 5])      # lost
                continue
            if r % 97 == 0:
                out += bytes([6])                           # flush
                continue
            if r % 7 == 0:                                  # an IRQ event
                kind = 0x80 | 6
            else:                                           # a visit
                kind = 0xC0 | (r >> 16) % 3
            out += bytes([0, kind, (r >> 24) & 0x0F, 1, 1])  # flags, ids kept
            out += bytes([0, (r >> 32) % 50])              # dt
            out += bytes([0, 1 + (r >> 40) % 100])         # time
            for a in range(6):
                if (r >> (44 + 2 * a)) & 15 == 0:          # a new value
                    out += bytes([3]) + ((r >> a) & 0xFFFFFFFFFFFF).to_bytes(8, "little")
                else:
                    out += bytes([1])                      # as before
            out += bytes([0xC0 | (r >> 56) % 10])          # the key
        put(outdir, "wire_enc", bytes(out))


def elf(segments, entry):
    """An ELF-64 RISC-V ET_EXEC file: segments = [(paddr, vaddr, data,
    memsz)], each PT_LOAD with its bytes after the program headers."""
    import struct
    phoff, phnum = 64, len(segments)
    off = phoff + 56 * phnum
    ph, body = b"", b""
    for paddr, vaddr, data, memsz in segments:
        ph += struct.pack("<IIQQQQQQ", 1, 5, off + len(body), vaddr, paddr,
                          len(data), memsz, 8)
        body += data
    hdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, entry, phoff, 0, 0, 64,
                       56, phnum, 64, 0, 0)
    return hdr + ph + body


def boot_image(outdir):
    """Guest images: ELF files and Linux Image headers made here, and
    the build's own virt guests."""
    import struct
    code = bytes.fromhex("9300100073001000")
    put(outdir, "boot_image", elf([(0x80000000, 0x80000000, code, 64)], 0x80000000))
    put(outdir, "boot_image", elf([(0x80000000, 0xffffffff80000000, code, 8)],
                                  0xffffffff80000004))
    put(outdir, "boot_image", elf([(0x80000000, 0x80000000, code, 8),
                                   (0x80200000, 0x80200000, code * 4, 4096)], 0x80200000))
    put(outdir, "boot_image", elf([(0x80000000, 0x80000000, code, 4096),
                                   (0x80000800, 0x80000800, code, 8)], 0x80000000))
    for text_offset, image_size, version in ((0x200000, 0x1000000, 0x2),
                                             (0x400000, 0, 0x1), (0, 64, 0x2)):
        hdr = struct.pack("<IIQQQIIQQQII", 0x0000006f, 0, text_offset, image_size,
                          0, version, 0, 0, 0x5643534952, 0x05435352, 0, 0)
        put(outdir, "boot_image", hdr + code * 8)
    put(outdir, "boot_image", code * 16)
    for f in sorted(glob.glob(os.path.join(ROOT, "build", "virt-*.elf"))):
        with open(f, "rb") as fh:
            put(outdir, "boot_image", fh.read())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    logs(outdir)
    wire_enc(outdir)
    insn(outdir)
    fdt(outdir)
    boot_image(outdir)
    for name in sorted(os.listdir(outdir)):
        print("%s: %d seeds" % (name, len(os.listdir(os.path.join(outdir, name)))))


if __name__ == "__main__":
    main()
