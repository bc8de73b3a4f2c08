"""The second round of shortcuts in reading an act's heading and publication state gives
what the plain definitions give: the first heading date found by `_DATE_AT` candidates with
an early exit is the one the minimum over all matches of both date patterns gives (same date,
same span), the n-th line end found by one regex is the one `str.find` gives, the Cyrillic
count is a lower bound of the letters, and `doc_type`, `act_date`, `published_state` equal
their plain forms on generated headings and on the real texts (../shared). Parser speed
(issue 11) must never change what a card says."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.acts import clean_text
from kartoteka.acts import structure as S

from .conftest import ACTS, act_files

CARDS = ACTS.parent / "sudrf"


def plain_nth_line_end(text: str, n: int) -> int:
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at


def plain_act_date(text: str) -> tuple[dt.date | None, S.Span | None]:
    """`act_date` as first written: every match of both patterns over the heading, the
    valid date that starts first."""
    head_end = plain_nth_line_end(text, 14)
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
    heard = re.search(
        r"рассмотре\w*\s[^\n]{0,120}?заседани\w*", text[: plain_nth_line_end(text, 30)]
    )
    if heard:
        window = text[heard.end() : heard.end() + 80]
        hit = S._WORD_DATE.search(window) or S._DIGIT_DATE.search(window)
        if hit and hit.start() < 40 and S._date_of(hit):
            return S._date_of(hit), (heard.end() + hit.start(), heard.end() + hit.end())
    return None, None


def plain_published(text: str) -> tuple[bool, str | None]:
    """`published_state` as first written: the whole text lower-cased, letters counted one
    by one."""
    lowered = text.lower()
    for phrase in S.UNPUBLISHED_PHRASES:
        at = lowered.find(phrase)
        if at >= 0 and (at < 1500 or len(text) < 3000):
            return False, phrase
    if sum(map(str.isalpha, text[:1200])) < 300:
        return False, "no act text (too short)"
    return True, None


def plain_doc_name(raw: str) -> str | None:
    lowered = " ".join(raw.lower().split())
    for name, pattern in S.DOC_TYPES:
        if re.fullmatch(pattern, lowered) or re.match(pattern + r"\b", lowered):
            return name
    return None


# Days, months in words and digits, years, marks around a day, dots, overlapping numbers
# ("112 мая 2021", "1.12.20211", "«5»5 мая"), placeholders, the "в составе" that ends the
# heading (and "составе" without it), the hearing phrase, line breaks, non-Cyrillic digits.
date_pieces = st.sampled_from(
    ["1", "23", "2021", "0", "31", ".", "«", "»", " ", "  ", "\n", "\t", "декабря", "Мая",
     "МАРТА", "ма", "м", "янв", "сен", "в составе", "составе", "в\nсоставе", "x", "г.",
     "12.12.2021", "31.02.2021", "«05» июня 2026", "5 мая 2021", "05.13.2020", "ДД.ММ.ГГГГ",
     "«__»", "рассмотрела в судебном заседании ", "٣", "-", "№", "1.1.2021", "01.01.20211"]
)  # fmt: skip
heads = st.lists(date_pieces, max_size=40).map("".join)


@settings(max_examples=1500)
@given(heads)
def test_act_date_is_the_minimum_over_all_matches(text: str) -> None:
    assert S.act_date(text) == plain_act_date(text)


@settings(max_examples=500)
@given(heads, st.integers(0, 120))
def test_first_date_is_the_minimum_over_all_matches(text: str, end: int) -> None:
    found = []
    for pattern in (S._WORD_DATE, S._DIGIT_DATE):
        for match in pattern.finditer(text, 0, end):
            date = S._date_of(match)
            if date:
                found.append((match.start(), date, match.span()))
    expected = min(found)[1:] if found else None
    assert S._first_date(text, end) == expected


def test_date_candidates_cover_every_month_first_letter() -> None:
    """`_DATE_AT` asks for a month's first letter as a character set, the date pattern as
    the first letter of a literal, both case-insensitive: every character that opens a month
    for the one opens it for the other (all of Unicode tried)."""
    literal = re.compile("|".join(m[0] for m in S._MONTHS), re.IGNORECASE)
    in_set = re.compile("[яфмаисонд]", re.IGNORECASE)
    assert {m[0] for m in S._MONTHS} == set("яфмаисонд")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if literal.match(char):
            assert in_set.match(char), hex(code)


@settings(max_examples=500)
@given(st.text(alphabet="a\n\nб", max_size=40), st.integers(0, 35))
def test_nth_line_end_is_the_plain_search(text: str, n: int) -> None:
    assert S._nth_line_end(text, n) == plain_nth_line_end(text, n)


def test_cyrillic_block_is_letters_only() -> None:
    """`_cyrillic_letters` counts U+0400..U+047F, all of them letters: a lower bound."""
    assert all(chr(code).isalpha() for code in range(0x400, 0x480))


@settings(max_examples=800)
@given(st.text(alphabet="аЯёЁѢѿ҂Ԁ xX1\n\u00a0\ud800İΣ", max_size=80))
def test_cyrillic_letters_count_the_block(text: str) -> None:
    assert S._cyrillic_letters(text) == sum(0x400 <= ord(c) < 0x480 for c in text)


# Texts around the thresholds: 300 letters, 1,200 characters, 3,000 characters, a phrase
# before and after 1,500; Russian, Latin and digit-heavy bodies.
@settings(max_examples=600)
@given(
    st.sampled_from(["Суд установил. ", "court found. ", "1 2 3 4 5 ", "ab, ", "İΣ ", "ё-"]),
    st.integers(0, 3600),
    st.sampled_from(("", *S.UNPUBLISHED_PHRASES)),
    st.integers(0, 3600),
    st.booleans(),
)
def test_published_state_is_the_plain_definition(
    piece: str, length: int, phrase: str, at: int, upper: bool
) -> None:
    body = (piece * (length // len(piece) + 1))[:length]
    text = body[:at] + (phrase.upper() if upper else phrase) + body[at:]
    assert S.published_state(text) == plain_published(text)


@settings(max_examples=300)
@given(st.sampled_from([n for n, _ in S.DOC_TYPES] + ["Приговор суда", "ОПРЕДЕЛЕНИЕМ", "x", ""]))
def test_doc_names_are_the_plain_patterns(raw: str) -> None:
    for variant in (raw, raw.upper(), raw.replace(" ", "  "), " " + raw + "\t"):
        assert S._doc_name(variant) == plain_doc_name(variant)


def _real_texts() -> list[str]:
    texts = [clean_text((ACTS / name).read_text("utf-8")) for name in act_files()]
    if CARDS.exists():
        from kartoteka.sudrf.act import act_text
        from kartoteka.sudrf.html import parse_html

        for page in sorted(Path(CARDS).glob("*.html")):
            tree = parse_html(page.read_bytes())
            texts.extend(act_text(n) for n in tree.css("div[id^='cont_doc']"))
    return texts


def test_readers_equal_their_plain_forms_on_real_texts() -> None:
    if not ACTS.exists():
        pytest.skip(f"{ACTS} is absent: the real verdict texts live in ../shared")
    texts = _real_texts()
    assert len(texts) >= 5
    for text in texts:
        assert S.act_date(text) == plain_act_date(text)
        assert S.published_state(text) == plain_published(text)
        assert S._nth_line_end(text, 14) == plain_nth_line_end(text, 14)
        for line in text.split("\n")[:14]:
            assert S._doc_name(line) == plain_doc_name(line)


def test_ne_p_spellings_are_all_that_lower_to_it() -> None:
    """`published_state` lower-cases the head only when it holds one of `_NE_P`: exact if
    every phrase holds "не п" and `str.lower` gives each of its four characters only from
    the spellings `_NE_P` is made of, from no longer or empty lower case (checked over every
    code point; "İ" lowers to two characters, none of them these)."""
    assert all("не п" in phrase for phrase in S.UNPUBLISHED_PHRASES)
    targets = {"н": set(), "е": set(), " ": set(), "п": set()}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        assert lowered, hex(code)
        for target, sources in targets.items():
            if target in lowered:
                assert lowered == target, hex(code)
                sources.add(char)
    spellings = {n + e + sp + p for n in targets["н"] for e in targets["е"]
                 for sp in targets[" "] for p in targets["п"]}  # fmt: skip
    assert spellings == set(S._NE_P)


@settings(max_examples=600)
@given(
    st.sampled_from(S.UNPUBLISHED_PHRASES),
    st.lists(st.booleans(), min_size=40, max_size=40),
    st.sampled_from(["", "Республики ", "не подлежал ", "НЕ П", "İΣ ", "x" * 1490, "ё " * 800]),
    st.sampled_from(["", " Суд установил.", "Σ", "a" * 1600]),
)
def test_published_state_with_mixed_case_phrases(
    phrase: str, upper: list[bool], before: str, after: str
) -> None:
    mixed = "".join(c.upper() if up else c for c, up in zip(phrase, upper, strict=False))
    for text in (before + mixed + after, before + after, before + mixed.replace(" ", "  ")):
        assert S.published_state(text) == plain_published(text)
