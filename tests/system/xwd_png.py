#!/usr/bin/env python3
"""Convert an X window dump (xwd -root) to PNG and count its colours.

Usage: xwd_png.py IN.xwd OUT.png
Prints "colours N WIDTHxHEIGHT" and "saturated P": how many pixels are
strongly coloured (largest minus smallest channel at least 128), as
KernelShark's per-CPU graphs are and its grey widgets are not. Reads the XWD file header (X11's
XWDFile.h: 25 big-endian 32-bit words, the window name up to header_size,
ncolors 12-byte colour entries, then the ZPixmap rows of bytes_per_line)
for the 24/32-bit TrueColor dumps of Xvfb; anything else is an error.
"""
import struct
import sys
import zlib


def read_xwd(path):
    data = open(path, "rb").read()
    h = struct.unpack(">25I", data[:100])
    header_size, version, fmt = h[0], h[1], h[2]
    width, height, byte_order = h[4], h[5], h[7]
    bpp, bpl = h[11], h[12]
    masks, ncolors = h[14:17], h[19]
    if version != 7 or fmt != 2 or bpp not in (24, 32):
        sys.exit("xwd_png: %s: not a 24/32-bit ZPixmap XWD (version %d, "
                 "format %d, %d bpp)" % (path, version, fmt, bpp))
    pixels = data[header_size + 12 * ncolors:]
    if len(pixels) < bpl * height:
        sys.exit("xwd_png: %s: %d bytes of pixels, %d needed" %
                 (path, len(pixels), bpl * height))
    step = bpp // 8
    shifts = [(m & -m).bit_length() - 1 for m in masks]
    order = "little" if byte_order == 0 else "big"
    rows = []
    for y in range(height):
        row = bytearray()
        line = pixels[y * bpl:y * bpl + width * step]
        for x in range(0, width * step, step):
            v = int.from_bytes(line[x:x + step], order)
            row += bytes(((v & m) >> s) & 0xff for m, s in zip(masks, shifts))
        rows.append(bytes(row))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    raw = b"".join(b"\0" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: xwd_png.py IN.xwd OUT.png")
    width, height, rows = read_xwd(sys.argv[1])
    write_png(sys.argv[2], width, height, rows)
    colours = set()
    saturated = 0
    for r in rows:
        for i in range(0, len(r), 3):
            px = r[i:i + 3]
            colours.add(px)
            saturated += max(px) - min(px) >= 128
    print("colours %d %dx%d" % (len(colours), width, height))
    print("saturated %d" % saturated)


main()
