"""The captcha picture of the field network: a small grayscale PNG of five digits.

Peers report the real image as a small PNG with five digits, inline as base64 (DOMAIN.md §5).
This one is drawn from a 5×7 dot font of our own, three pixels a dot, each digit nudged up or
down a little and the background sprinkled with light-gray dots, so that it looks like a
challenge and carries its code only as pixels. Written with zlib and struct alone (no imaging
library), deterministic from the captchaid: the same challenge always shows the same bytes
(the image does not change after a wrong answer).
"""

from __future__ import annotations

import base64
import random
import struct
import zlib

# 5×7 glyphs of the digits, one string of five dots per row ("#" ink, "." paper).
GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
}
DOT = 3  # pixels per font dot
CELL = 7 * DOT  # horizontal room of one digit (5 dots + 2 of spacing)
MARGIN = 4
JITTER = 3  # a digit sits up to this many pixels lower than the top margin
WIDTH = 2 * MARGIN + 5 * CELL
HEIGHT = 2 * MARGIN + 7 * DOT + JITTER
INK, PAPER, SPECK = 20, 255, 200


# Each glyph row as pixels (DOT pixels a dot), built once: drawing is then one slice
# assignment per pixel row of a digit.
_ROWS: dict[str, tuple[bytes, ...]] = {
    digit: tuple(
        bytes(INK if dot == "#" else PAPER for dot in row for _ in range(DOT)) for row in glyph
    )
    for digit, glyph in GLYPHS.items()
}


def render(code: str, captcha_id: str) -> bytes:
    """PNG bytes showing `code` (five digits), noise drawn from `captcha_id`."""
    rng = random.Random(f"captcha-image:{captcha_id}")
    size = WIDTH * HEIGHT
    pixels = bytearray([PAPER]) * size
    for _ in range(size // 25):
        pixels[rng.randrange(size)] = SPECK
    for n, digit in enumerate(code):
        x0 = MARGIN + n * CELL
        y0 = MARGIN + rng.randrange(JITTER + 1)
        for row, line in enumerate(_ROWS[digit]):
            for dy in range(DOT):
                start = (y0 + row * DOT + dy) * WIDTH + x0
                pixels[start : start + len(line)] = line
    raw = b"".join(b"\x00" + pixels[y * WIDTH : (y + 1) * WIDTH] for y in range(HEIGHT))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def render_base64(code: str, captcha_id: str) -> str:
    return base64.b64encode(render(code, captcha_id)).decode("ascii")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
