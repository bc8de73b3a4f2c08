"""The shortcuts in reading an act's type, date and publication give what the plain
definitions give: the date patterns tried only where a number starts find what `finditer`
finds, the letters of a head counted a word at a time decide as counting them one by one
does, and `doc_type`, `act_date`, `published_state` equal their plain forms on the real
verdict texts, the sandbox's acts and generated headings. Parser speed (issue 11) must never
change what a card says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.acts import clean_text
from kartoteka.acts import structure as S
from kartoteka.acts.scan import matches_at
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_html
from kartoteka.sudrf.act import act_text
from kartoteka.sudrf.html import parse_html

from .conftest import ACTS, act_files


def plain_act_date(text: str) -> tuple[dt.date | None, S.Span | None]:
    """`act_date` as first written: both patterns searched with `finditer` over the head."""
    import re

    head_end = S._nth_line_end(text, S._HEADING_LINES)
    composed = re.search(r"в\s+составе", text[:head_end])
    if composed:
        head_end = composed.start()
    found = []
    for pattern in (S._WORD_DATE, S._DIGIT_DATE):
        for match in pattern.finditer(text, 0, head_end):
            date = S._date_of(match)
            if date:
                found.append((match.start(), date, match.span()))
    if found:
        _, date, span = min(found)
        return date, span
    heard = re.search(r"рассмотре\w*\s[^\n]{0,120}?заседани\w*", text[: S._nth_line_end(text, 30)])
    if heard:
        window = text[heard.end() : heard.end() + 80]
        hit = S._WORD_DATE.search(window) or S._DIGIT_DATE.search(window)
        if hit and hit.start() < 40 and S._date_of(hit):
            return S._date_of(hit), (heard.end() + hit.start(), heard.end() + hit.end())
    return None, None


def plain_doc_name(raw: str) -> str | None:
    import re

    lowered = " ".join(raw.lower().split())
    for name, pattern in S.DOC_TYPES:
        if re.fullmatch(pattern, lowered) or re.match(pattern + r"\b", lowered):
            return name
    return None


def plain_published(text: str) -> tuple[bool, str | None]:
    head = text if len(text) < 3000 else text[: 1500 + S._LONGEST_PHRASE]
    lowered = head.lower()
    for phrase in S.UNPUBLISHED_PHRASES:
        at = lowered.find(phrase)
        if at >= 0 and (at < 1500 or len(text) < 3000):
            return False, phrase
    letters = sum(map(str.isalpha, text[: S.MIN_PUBLISHED_LETTERS * 4]))
    if letters < S.MIN_PUBLISHED_LETTERS:
        return False, "no act text (too short)"
    return True, None


# Digits, the marks around a day, dots, month words, blanks and letters, line breaks.
date_pieces = st.sampled_from(
    ["1", "23", "2021", "0", ".", "«", "»", " ", "\n", "декабря", "Мая", "ма", "в составе",
     "x", "г.", "12.12.2021", "«05» июня 2026", "٣", "-"]
)  # fmt: skip
heads = st.lists(date_pieces, max_size=30).map("".join)


@settings(max_examples=600)
@given(heads, st.integers(0, 80))
def test_date_patterns_tried_at_number_starts_find_what_finditer_finds(text: str, end: int) -> None:
    starts = [hit.start() for hit in S._NUMBER_START.finditer(text, 0, end)]
    for pattern in (S._WORD_DATE, S._DIGIT_DATE):
        fast = [m.span() for m in matches_at(pattern, text, starts, end)]
        assert fast == [m.span() for m in pattern.finditer(text, 0, end)]


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
