"""`is_utf8` (a page checked piece by piece, ASCII pieces passed over) says what the plain
definition, `data.decode("utf-8")` succeeding, says, on any bytes and any piece size; and a
page read from its UTF-8 bytes without building its text reads like its decoded text."""

from __future__ import annotations

import codecs

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


@settings(max_examples=500, deadline=None)
@given(st.lists(fragments, max_size=30).map(b"".join), st.integers(1, 40))
def test_is_utf8_is_the_plain_decode(data: bytes, piece: int) -> None:
    assert is_utf8(data, piece) == plain_is_utf8(data)
    assert is_utf8(data) == plain_is_utf8(data)


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
