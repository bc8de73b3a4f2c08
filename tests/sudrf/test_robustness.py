"""Bad input never crashes `read_page`: truncated pages, flipped bytes, empty files, binary
garbage. Each gives a page kind (usually `unrecognized` with a reason), never an exception,
and never the internal-error fallback (which would mean a parser bug)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kartoteka.sudrf import PageKind, read_page
from kartoteka.sudrf.encoding import encode_page
from sudrf import markup

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"
PAGES = sorted(FIXTURES.glob("*.html")) if FIXTURES.exists() else []
needs_fixtures = pytest.mark.skipif(not PAGES, reason=f"{FIXTURES} is absent")
_BYTES = {p.name: p.read_bytes() for p in PAGES}
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes):
    page = read_page(data, url="http://test/page")
    assert isinstance(page.kind, PageKind)
    assert not (page.reason or "").startswith("internal parser error"), page.reason
    if page.kind is PageKind.UNRECOGNIZED:
        assert page.reason
    if page.kind is PageKind.LISTING and page.listing.first is not None:
        # a listing that is returned always agrees with its own counter
        assert len(page.listing.rows) == page.listing.last - page.listing.first + 1
    return page


def test_empty_and_blank_files_are_unrecognized():
    for data in (b"", b"   \n\t", b"\xef\xbb\xbf"):
        page = _check(data)
        assert page.kind is PageKind.UNRECOGNIZED


@given(st.binary(max_size=4000))
@_SETTINGS
def test_binary_garbage(data: bytes):
    _check(data)


@needs_fixtures
@given(name=st.sampled_from(sorted(_BYTES)), cut=st.floats(0, 1))
@_SETTINGS
def test_truncated_pages(name: str, cut: float):
    data = _BYTES[name]
    _check(data[: int(len(data) * cut)])


@needs_fixtures
@given(
    name=st.sampled_from(sorted(_BYTES)),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=40),
)
@_SETTINGS
def test_random_byte_flips(name: str, flips: list[tuple[float, int]]):
    data = bytearray(_BYTES[name])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    _check(bytes(data))


@needs_fixtures
def test_a_listing_cut_inside_its_rows_is_not_read_as_a_short_listing():
    data = _BYTES["ksoyu_listing_acts.html"]
    cut = data.index(b"name_op=case", len(data) // 2)  # somewhere among the rows
    page = _check(data[:cut])
    assert page.kind is PageKind.UNRECOGNIZED
    assert "rows" in page.reason


def test_synthetic_listing_with_doubled_rows_and_garbage_tail():
    html = markup.classic_listing(25, total=530)
    doubled = html.replace(
        "</table></div>", "".join(markup.classic_row(i) for i in range(26, 51)) + "</table></div>"
    )
    assert _check(doubled.encode("utf-8")).kind is PageKind.UNRECOGNIZED
    glued = markup.classic_listing(3) + markup.classic_listing(3, first=4)
    page = _check(glued.encode("utf-8"))
    assert page.kind is PageKind.UNRECOGNIZED and "2 result tables" in page.reason
    # windows-1251 as the sites send it, with binary junk after </html>: still the listing
    assert _check(encode_page(html) + bytes(range(256)) * 8).kind is PageKind.LISTING
