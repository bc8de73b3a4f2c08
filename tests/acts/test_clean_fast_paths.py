"""The shortcuts in act cleaning give what the plain definitions give: the pre-check for
spaced-out words finds exactly the texts the plain pattern finds, `clean_text(collapsed=True)`
equals `clean_text` on collapsed lines, and `published_state` reads only the head of a long
text yet decides as a search of the whole lower-cased text does. Parser speed (issue 11)
must never change what a card says."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.acts import clean
from kartoteka.acts.clean import clean_text
from kartoteka.acts.structure import MIN_PUBLISHED_LETTERS, UNPUBLISHED_PHRASES, published_state

from .conftest import ACTS, act_files

# The pre-check as first written: one-letter words at a line start or after a blank.
PLAIN_PRECHECK = re.compile(
    r"(?:^|[ \t])[^\W\d_][ \t]+[^\W\d_][ \t]+[^\W\d_](?:$|\W)", re.MULTILINE
)

# Letters, digits, blanks of several kinds, punctuation, invisible characters, capitals.
ALPHABET = "абвПРИ ёЁx1_\t\n\r.-(«\u00a0\u2003\u200b\u00ad"
texts = st.text(alphabet=ALPHABET, max_size=40)


def collapsed(text: str) -> str:
    """Lines as `sudrf.html.node_text` returns them."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@settings(max_examples=500)
@given(texts)
def test_precheck_finds_what_the_plain_pattern_finds(text: str) -> None:
    assert clean._may_have_spaced_words(text) == (PLAIN_PRECHECK.search(text) is not None)


@settings(max_examples=500)
@given(texts)
def test_precheck_on_collapsed_lines_finds_what_the_plain_pattern_finds(text: str) -> None:
    lines = collapsed(text)
    found = PLAIN_PRECHECK.search(lines) is not None
    assert clean._may_have_spaced_words_collapsed(lines) == found


@settings(max_examples=500)
@given(texts)
def test_collapsed_lines_clean_alike(text: str) -> None:
    lines = collapsed(text)
    assert clean_text(lines, collapsed=True) == clean_text(lines)


@settings(max_examples=500)
@given(texts)
def test_spaced_words_on_collapsed_lines_join_as_in_the_whole_text(text: str) -> None:
    lines = collapsed(text)
    assert clean._join_spaced_lines(lines) == clean._SPACED.sub(clean._join_spaced, lines)


def test_spaced_heading_is_joined_on_collapsed_lines() -> None:
    lines = "П Р И Г О В О Р\nИменем Российской Федерации\nс у д у с т а н о в и л:"
    assert clean_text(lines, collapsed=True) == (
        "ПРИГОВОР\nИменем Российской Федерации\nсудустановил:"
    )


def _published_by_whole_text(text: str) -> tuple[bool, str | None]:
    lowered = text.lower()
    for phrase in UNPUBLISHED_PHRASES:
        at = lowered.find(phrase)
        if at >= 0 and (at < 1500 or len(text) < 3000):
            return False, phrase
    letters = sum(map(str.isalpha, text[: MIN_PUBLISHED_LETTERS * 4]))
    return (True, None) if letters >= MIN_PUBLISHED_LETTERS else (False, "no act text (too short)")


@settings(max_examples=400)
@given(
    st.integers(0, 4000),
    st.sampled_from(UNPUBLISHED_PHRASES),
    st.sampled_from(["", "ПРИГОВОР ", "İ" * 30, "Σ "]),
    st.integers(200, 5000),
)
def test_published_state_reads_the_head_as_the_whole_text(
    at: int, phrase: str, filler: str, length: int
) -> None:
    body = ("Суд установил обстоятельства дела. " * 200)[:length]
    text = filler + body[:at] + phrase.upper() + body[at:]
    assert published_state(text) == _published_by_whole_text(text)
    assert published_state(body) == _published_by_whole_text(body)


def test_precheck_cases() -> None:
    for text in (
        "а б в",
        "x\nП Р И:",
        "ab П Р И",
        "(а б в г",
        "(а б в",
        "а б",
        "а б в1",
        "1 а б в",
    ):
        found = PLAIN_PRECHECK.search(text) is not None
        assert clean._may_have_spaced_words(text) == found, text
        assert clean._may_have_spaced_words_collapsed(text) == found, text
    assert clean._may_have_spaced_words_collapsed("x\nП Р И:")
    assert not clean._may_have_spaced_words_collapsed("(а б в")


def _plain_join_collapsed(text: str) -> str:
    """Joining spaced-out words on collapsed lines as first written: the pre-check over the
    whole text, then `_SPACED` on every line that holds a pair."""
    if not clean._may_have_spaced_words_collapsed(text):
        return text
    lines = text.split("\n")
    for at, line in enumerate(lines):
        if clean._COLLAPSED_PAIR.search(line):
            lines[at] = clean._SPACED.sub(clean._join_spaced, line)
    return "\n".join(lines)


# One-letter words (capital and small), longer words, punctuation before a letter, digits.
spaced_pieces = st.sampled_from(["а", "Б", "в", "ПРИ", "ab", " ", "\n", "(", "«", "1", "_", "-"])


@settings(max_examples=1000)
@given(st.lists(spaced_pieces, max_size=40).map("".join))
def test_spaced_words_joined_from_pairs_as_by_the_plain_definition(text: str) -> None:
    lines = collapsed(text)
    assert clean._join_spaced_words(lines, collapsed=True) == _plain_join_collapsed(lines)


def test_spaced_words_cases() -> None:
    for text in ("а б в г", "ab в г д", "(А Б В\nП Р И", "x П Р И Г О В О Р y", "а б\nв г д"):
        assert clean._join_spaced_words(text, collapsed=True) == _plain_join_collapsed(text)
    assert clean._join_spaced_words("ab В Г Д", collapsed=True) == "ab ВГД"


def _plain_has_spaced_letters(text: str) -> bool:
    """The question `_has_spaced_letters` answers, as first asked: a pre-check hit one
    character before some pair."""
    return any(clean._spaced_letters_at(text, at - 1) for at in clean._pair_starts(text))


# Spaced headings, two-space gaps between their words, one-letter prose words, tabs,
# invisible characters, line starts, Latin, digits, "№ 1".
spaced_heading_pieces = st.sampled_from(
    [
        "П Р И Г О В О Р И Л",
        "И М Е Н Е М  Р О С С И Й С К О Й",
        " и в с ",
        "а",
        "Б",
        "x",
        "ab",
        " ",
        "  ",
        "\t",
        "\n",
        "\u200b",
        "\u00ad",
        "1",
        "№",
        "_",
        ":",
        "(",
    ]
)


@settings(max_examples=1500)
@given(st.lists(spaced_heading_pieces, max_size=30).map("".join))
def test_has_spaced_letters_as_the_plain_definition(text: str) -> None:
    assert clean._has_spaced_letters(text) == _plain_has_spaced_letters(text)
    lines = collapsed(text)
    assert clean._has_spaced_letters(lines) == _plain_has_spaced_letters(lines)
    assert clean._has_spaced_letters(lines) == clean._may_have_spaced_words_collapsed(lines)


def test_has_spaced_letters_cases() -> None:
    for text in (
        "а б в",
        " а б в",
        "\nа б в",
        "x а б в",
        "xа б в",
        "а б в г д",
        "ab а б",
        "№ 1 г",
        "и в с",
        "в  с и",
        "x\nП Р И:",
        "(а б в",
        "а б в1",
        "",
        "а",
    ):
        for shift in ("", "x", "xy"):
            for line in (shift + text, shift + " " + text, text + " " + shift):
                assert clean._has_spaced_letters(line) == _plain_has_spaced_letters(line), line


def test_has_spaced_letters_on_real_texts() -> None:
    if not ACTS.exists():
        pytest.skip(f"{ACTS} is absent: the real verdict texts live in ../shared")
    texts = [(ACTS / name).read_text("utf-8") for name in act_files()]
    texts += [clean_text(text) for text in texts]
    cards = ACTS.parent / "sudrf"
    if cards.exists():
        from kartoteka.sudrf.html import node_text, parse_html

        for page in sorted(cards.glob("*.html")):
            tree = parse_html(page.read_bytes())
            texts.extend(node_text(n) for n in tree.css("div[id^='cont_doc']"))
    assert len(texts) >= 5
    for text in texts:
        assert clean._has_spaced_letters(text) == _plain_has_spaced_letters(text)
