"""The fast paths of `kartoteka.sudrf.values` give what the plain definitions they replace
give (decision 22), on generated input and on the card links of the real pages in ../shared:

- `card_id_params` is `link_params` with only the id names kept (odd encodings, %-escapes in
  cp1251 and utf-8, `+`, repeated and empty names, pairs without "=", fragments);
- `case_number_raw` skips its label pattern for a text that starts with a digit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.html import links, parse_html
from kartoteka.sudrf.values import CARD_ID_PARAMS, card_id_params, case_number_raw, link_params

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"


def plain_card_id_params(href: str | None) -> dict[str, str]:
    return {k: v for k, v in link_params(href).items() if k in CARD_ID_PARAMS}


_CASE_LABEL = re.compile(r"^\s*(?:дело|материал|производство)?\s*№?\s*", re.IGNORECASE)


def plain_case_number_raw(text: str | None) -> str | None:
    if not text:
        return None
    raw = _CASE_LABEL.sub("", " ".join(text.split()), count=1).strip()
    return raw or None


_NAMES = st.sampled_from(
    [*CARD_ID_PARAMS, "_idx", "case_idd", "xcase_id", "Case_id", "name_op", ""]
)
_VALUES = st.one_of(
    st.sampled_from(["", "123", "a=b", "%", "%2", "%zz", "+", "a+b", "%CF%F0", "%D0%9F", "%26"]),
    st.text(alphabet="0123456789abcdef-%+=?#;ЖÿП ", max_size=8),
)
_PAIRS = st.tuples(_NAMES, st.sampled_from(["=", ""]), _VALUES).map("".join)


@st.composite
def _hrefs(draw: st.DrawFn) -> str:
    query = draw(st.lists(_PAIRS, max_size=8)).copy()
    glue = draw(st.sampled_from(["&", "&&"]))
    head = draw(st.sampled_from(["/modules.php?", "?", "", "/a#b?"]))
    tail = draw(st.sampled_from(["", "#x", "#case_id=9"]))
    return head + glue.join(query) + tail


@settings(max_examples=3000, deadline=None)
@given(_hrefs())
def test_card_id_params_is_link_params_of_the_id_names(href: str) -> None:
    assert card_id_params(href) == plain_card_id_params(href)


def test_card_id_params_edge_cases() -> None:
    for href in [None, "", "?", "?case_id", "?_id=&_id=5", "?_idx=1&_id", "?case_id=%CF%F0&_id=2"]:
        assert card_id_params(href) == plain_card_id_params(href), href


@settings(max_examples=3000, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789ДЕЛОделоМмПп№ \n\t\xa0-/~()[];,У١²")),
        max_size=20,
    )
)
def test_case_number_raw_is_the_label_pattern(text: str) -> None:
    assert case_number_raw(text) == plain_case_number_raw(text)


@pytest.mark.parametrize(
    "text",
    [
        "ДЕЛО № 2-5/2026",
        "дело№1-1",
        "Материал 3/1-2",
        "№ 22-15/2026 (1-3/2025)",
        "2-1 ~ М-4",
        "М-467/2025",
        "7У-1297/2026 [77-655/2026]",
        " \n 1-151/2026 \n",
        "١-1",
        "²",
        "№",
        "",
    ],
)
def test_case_number_raw_examples(text: str) -> None:
    assert case_number_raw(text) == plain_case_number_raw(text)


def test_on_real_pages() -> None:
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} is absent: the real pages live in ../shared")
    paths = sorted(FIXTURES.glob("*.html"))
    if not paths:
        pytest.skip(f"no pages in {FIXTURES}")
    seen = 0
    for path in paths:
        tree = parse_html(decode_page(path.read_bytes()))
        for cell in tree.css("td"):
            for a in links(cell):
                href = a.attributes.get("href") or ""
                assert card_id_params(href) == plain_card_id_params(href), path.name
                seen += 1
            text = cell.text()
            assert case_number_raw(text) == plain_case_number_raw(text), path.name
    assert seen
