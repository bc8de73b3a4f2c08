"""The shortcuts in reading an act's type, date and publication give what the plain
definitions give (the plain forms are those of `test_fast_paths`): the letters of a head
counted a word at a time decide as counting them one by one does, and `doc_type`,
`act_date`, `published_state` equal their plain forms on the real verdict texts, the
sandbox's acts and generated headings. Parser speed (issue 11) must never change what a
card says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.acts import clean_text
from kartoteka.acts import structure as S
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_html
from kartoteka.sudrf.act import act_text
from kartoteka.sudrf.html import parse_html

from .conftest import ACTS, act_files
from .test_fast_paths import plain_act_date, plain_doc_name, plain_published

# Digits, the marks around a day, dots, month words, blanks and letters, line breaks.
date_pieces = st.sampled_from(
    ["1", "23", "2021", "0", ".", "«", "»", " ", "\n", "декабря", "Мая", "ма", "в составе",
     "x", "г.", "12.12.2021", "«05» июня 2026", "٣", "-"]
)  # fmt: skip
heads = st.lists(date_pieces, max_size=30).map("".join)


@settings(max_examples=400)
@given(heads)
def test_act_date_is_the_plain_search(text: str) -> None:
    assert S.act_date(text) == plain_act_date(text)


@settings(max_examples=600)
@given(st.text(alphabet="аБx1٣_ \n\t\u00a0.,«ǅ²", max_size=60), st.integers(0, 40))
def test_letters_counted_a_word_at_a_time(text: str, least: int) -> None:
    assert S._has_letters(text, least) == (sum(map(str.isalpha, text)) >= least)


@settings(max_examples=300)
@given(st.sampled_from([n for n, _ in S.DOC_TYPES] + ["Приговор суда", "ОПРЕДЕЛЕНИЕМ", "x"]))
def test_doc_names_are_the_plain_patterns(raw: str) -> None:
    for variant in (raw, raw.upper(), raw.replace(" ", "  ")):
        assert S._doc_name(variant) == plain_doc_name(variant)


def _real_and_sandbox_texts() -> list[str]:
    texts = [clean_text((ACTS / name).read_text("utf-8")) for name in act_files()]
    site = build_site(SandboxConfig(seed=11, faults="none", now=dt.date(2025, 6, 1)))
    for code, court in list(site.caseload.courts.items())[:6]:
        for case in site.caseload.court(code).cases:
            if case.act_on is not None:
                texts.append(act_text(parse_html(act_html(case, court.name)).body))
    return texts


def test_readers_equal_their_plain_forms_on_real_and_sandbox_acts() -> None:
    if not ACTS.exists():
        pytest.skip(f"{ACTS} is absent: the real verdict texts live in ../shared")
    texts = _real_and_sandbox_texts()
    assert len(texts) > 20
    for text in texts:
        assert S.act_date(text) == plain_act_date(text)
        assert S.published_state(text) == plain_published(text)
        heading = text.split("\n")[:14]
        for line in heading:
            assert S._doc_name(line) == plain_doc_name(line)
