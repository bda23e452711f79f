"""Lossless RGB8 PNG files without an imaging library (PNG spec, ISO/IEC 15948): 8-bit truecolour, no interlace,
no colour-management chunks, so that any reader (Java ImageIO included) returns exactly the pixels written.

write_png stores every row with filter 0; read_png decodes the five filter types, so it also reads PNGs written by
other encoders as long as they are 8-bit RGB and not interlaced.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray, level: int = 6) -> bytes:
    """rgb: uint8 [H, W, 3] -> PNG bytes."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected uint8 [H, W, 3], got {rgb.dtype} {list(rgb.shape)}")
    h, w, _ = rgb.shape
    raw = np.zeros((h, 1 + 3 * w), np.uint8)             # filter byte 0 ("None") before each row
    raw[:, 1:] = rgb.reshape(h, 3 * w)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # bit depth 8, colour type 2 (RGB), no interlace
    return SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + \
        _chunk(b"IEND", b"")


def write_png(path: str, rgb: np.ndarray) -> None:
    with open(path, "wb") as f:
        f.write(encode_png(rgb))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode_png(data: bytes) -> np.ndarray:
    """PNG bytes (8-bit RGB, not interlaced) -> uint8 [H, W, 3]."""
    if data[:8] != SIGNATURE:
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    w, h, depth, colour, _, _, interlace = header
    if (depth, colour, interlace) != (8, 2, 0):
        raise ValueError(f"only 8-bit RGB non-interlaced PNGs are read (depth {depth}, colour type {colour}, "
                         f"interlace {interlace})")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, 1 + 3 * w)
    out = np.zeros((h, 3 * w), np.int32)
    prev = np.zeros(3 * w, np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0:
            row = line
        elif f == 2:
            row = (line + prev) & 0xFF
        elif f in (1, 3, 4):                      # depend on the decoded left neighbour: one pixel at a time
            up, cur, row = prev.tolist(), line.tolist(), [0] * (3 * w)
            for x in range(3 * w):
                a = row[x - 3] if x >= 3 else 0
                c = up[x - 3] if x >= 3 else 0
                pred = a if f == 1 else (a + up[x]) // 2 if f == 3 else _paeth(a, up[x], c)
                row[x] = (cur[x] + pred) & 0xFF
            row = np.array(row, np.int32)
        else:
            raise ValueError(f"bad PNG filter type {f} in row {y}")
        out[y] = row
        prev = row
    return out.astype(np.uint8).reshape(h, w, 3)


def read_png(path: str) -> np.ndarray:
    with open(path, "rb") as f:
        return decode_png(f.read())
