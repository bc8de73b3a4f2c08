"""The one module that owns windows-1251: page decoding and query-value encoding.

Live court sites send windows-1251; most saved pages are UTF-8 bytes that still declare
`charset=windows-1251`. So the bytes decide, not the meta: a BOM, then strict UTF-8, then the
declared charset, then windows-1251. Query values must be percent-encoded in windows-1251: the
sites silently return an empty result for UTF-8-encoded values (DOMAIN.md §2).
"""

from __future__ import annotations

import codecs
import functools
import re
import struct
from types import ModuleType
from urllib.parse import quote, unquote_to_bytes

SITE_ENCODING = "cp1251"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def declared_charset(data: bytes) -> str | None:
    """The charset a page's `<meta>` declares (first 4 KiB only), normalised, or None."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(data: bytes, http_charset: str | None = None) -> str:
    """Bytes of a court page → text. Never raises: undecodable bytes become U+FFFD.

    `http_charset` (from a Content-Type header) is tried after strict UTF-8, like the meta.
    """
    return decode_page_as(data, http_charset)[0]


def decode_page_as(data: bytes, http_charset: str | None = None) -> tuple[str, bool]:
    """`decode_page`, and whether the text is the bytes read as UTF-8 exactly as they stand
    (no BOM): then `data` is also the text's UTF-8 encoding, which the HTML parser can take
    as it is instead of encoding the text again."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), False
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    for candidate in (http_charset, declared_charset(data)):
        if not candidate:
            continue
        try:
            return data.decode(candidate), False
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(SITE_ENCODING, "replace"), False


def is_utf8(data: bytes) -> bool:
    """Whether `data.decode("utf-8")` would succeed, without building the text.

    Arrow's UTF-8 validation does it in one pass in C: 8 bytes at a time over ASCII, a
    finite automaton over the rest that rejects what CPython's strict decoder rejects
    (overlong forms, encoded surrogates, code points above U+10FFFF, a character cut at the
    end), twice as fast as the strict decoder on a court page (decision 28). The page is
    handed to Arrow as a one-string array over its own bytes (no copy); `LargeString` takes
    64-bit offsets, so no size is too large. tests/sudrf/test_utf8_check.py compares it with
    `data.decode("utf-8")` on every short sequence that can break UTF-8 and on generated
    pages."""
    pa = _pyarrow()
    offsets = pa.py_buffer(_OFFSETS.pack(0, len(data)))
    array = pa.Array.from_buffers(
        pa.large_utf8(), 1, [None, offsets, pa.py_buffer(data)], null_count=0
    )
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


_OFFSETS = struct.Struct("=2q")  # a one-string LargeString array: offsets 0 and len(data)


@functools.cache
def _pyarrow() -> ModuleType:
    """pyarrow, imported on the first check rather than with the parsers (~140 ms): most
    commands that import `kartoteka.sudrf` never read a page."""
    import pyarrow

    return pyarrow


def utf8_markup(data: bytes) -> bytes | None:
    """`data` itself when `decode_page` would read it as UTF-8 as it stands (valid UTF-8, no
    BOM), else None. The HTML parser reads such bytes directly, so the page's text need not
    be built at all: for cards and listings it was built only to learn this."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    return data if is_utf8(data) else None


def encode_query_value(value: str) -> str:
    """Percent-encode a query value in windows-1251 (characters outside it become `?`)."""
    return quote(value.encode(SITE_ENCODING, "replace"), safe="")


def decode_query_value(value: str) -> str:
    """Inverse of `encode_query_value`: percent-decoded bytes read as windows-1251.

    A value that was UTF-8-encoded decodes to mojibake here, exactly as on the real sites,
    where it then matches nothing.
    """
    return unquote_to_bytes(value.replace("+", " ")).decode(SITE_ENCODING, "replace")


def encode_page(text: str) -> bytes:
    """Text → windows-1251 bytes, as a live court site (or the sandbox) sends them."""
    return text.encode(SITE_ENCODING, "xmlcharrefreplace")
