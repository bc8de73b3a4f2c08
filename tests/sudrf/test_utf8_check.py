"""`is_utf8` (Arrow's UTF-8 validation) says what the plain definition, `data.decode("utf-8")`
succeeding, says: on every short sequence that can break UTF-8 (cut, overlong, surrogate, out
of range, NUL), wherever it stands, and on generated pages; and a page read from its UTF-8
bytes without building its text reads like its decoded text."""

from __future__ import annotations

import codecs
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf import read_page
from kartoteka.sudrf.encoding import is_utf8, utf8_markup
from kartoteka.sudrf.page import read_text


def plain_is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ASCII runs, whole characters of every length, and the bytes that break UTF-8: lone
# continuation bytes, cut characters, overlong forms, surrogates, bytes never used.
fragments = st.one_of(
    st.binary(max_size=12).map(lambda b: bytes(x & 0x7F for x in b)),
    st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"\x80", b"\xbf", b"\xd0", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80"]
    ),
    st.sampled_from([b"\xf5", b"\xff", b"\xc1\x81", b"\xf4\x90\x80\x80", "Дело".encode()]),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(fragments, max_size=30).map(b"".join))
def test_is_utf8_is_the_plain_decode(data: bytes) -> None:
    assert is_utf8(data) == plain_is_utf8(data)


# The bytes where UTF-8's rules change: ASCII (NUL and DEL included), the ends of the
# continuation range and of its sub-ranges that E0/ED/F0/F4 allow, and the lead bytes.
_EDGES = (0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xF4, 0xFF)


def _sequences() -> list[bytes]:
    """Every one- and two-byte sequence, every lead byte from 0xC0 up followed by two edge
    bytes, and from 0xF0 up by three: each class of valid and broken character."""
    found = [bytes([a]) for a in range(256)]
    found += [bytes([a, b]) for a in range(256) for b in range(256)]
    for lead in range(0xC0, 0x100):
        found += [bytes([lead, *rest]) for rest in itertools.product(_EDGES, repeat=2)]
    for lead in range(0xF0, 0x100):
        found += [bytes([lead, *rest]) for rest in itertools.product(_EDGES, repeat=3)]
    return found


@pytest.mark.parametrize("context", [(b"", b""), (b"ab", b"cd"), ("Д".encode() * 5, b"\0")])
def test_is_utf8_agrees_on_every_short_sequence(context: tuple[bytes, bytes]) -> None:
    """At the start, between ASCII, between Cyrillic and NUL, and (no tail) cut at the end:
    Arrow's automaton and CPython's strict decoder agree on each sequence."""
    head, tail = context
    pages = (head + seq + tail for seq in _sequences())
    assert [page for page in pages if is_utf8(page) != plain_is_utf8(page)] == []


def test_is_utf8_of_the_edge_cases_by_name() -> None:
    assert is_utf8(b"")
    assert is_utf8(b"\0" * 9)
    assert is_utf8("\U0010ffff \u0800 \u07ff \U00010000 \ufeff".encode())
    assert not is_utf8(b"\xed\xa0\x80")  # an encoded surrogate (CESU-8)
    assert not is_utf8(b"\xc0\x80")  # an overlong NUL
    assert not is_utf8(b"\xf4\x90\x80\x80")  # above U+10FFFF
    assert not is_utf8("Дело".encode()[:-1])  # cut at the end
    assert not is_utf8("Дело".encode("cp1251"))


def test_utf8_markup_leaves_byte_order_marks_to_the_decoder() -> None:
    page = "<html><body>Дело</body></html>".encode()
    assert utf8_markup(page) is page
    assert utf8_markup(codecs.BOM_UTF8 + page) is None
    assert utf8_markup(page.decode().encode("cp1251")) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \t\n\u00a0\u2003\u3000\x1cxД<>", max_size=400))
def test_blank_pages_read_alike_from_bytes_and_text(text: str) -> None:
    """Blank pages (Unicode blanks too) are "empty document" whether the text was built or
    not; the head check must never cut a blank page's verdict short."""
    data = text.encode()
    assert read_page(data).to_dict() == read_text(text).to_dict()
