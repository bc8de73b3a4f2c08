"""Cleaning, sentences and words of a news text, with their offsets in the original text.

Kept apart from the extraction (eyecite's split): whatever the reader finds, its span points
into the text the user gave, unchanged. Russian words carry their lemmas (every normal form
pymorphy3 offers, so an ambiguous form matches any of its readings); English words carry
their lower-case form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kartoteka.russian import analyser


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # word | num | punct
    lower: str
    lemmas: frozenset[str]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    tokens: tuple[Token, ...]

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


_TOKEN = re.compile(
    r"[A-Za-zА-Яа-яЁё]+(?:[-'’][A-Za-zА-Яа-яЁё]+)*|\d+(?:[.,]\d+)*|[^\s\w]|_", re.UNICODE
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# abbreviations after which a full stop does not end a sentence
_ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+",
        "ст ч п г гг тыс млн руб им т е д др пр см art no nos para pt jan feb mar apr jun jul "
        "aug sep sept oct nov dec mr mrs dr st vs etc",
    )
)


@functools.lru_cache(maxsize=65536)
def lemmas_of(word: str) -> frozenset[str]:
    """Every normal form of a word (lower case); an English word is its own lemma."""
    lower = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(word):
        return frozenset({lower})
    forms = {p.normal_form.replace("ё", "е") for p in analyser().parse(word)}
    return frozenset(forms | {lower})


@functools.lru_cache(maxsize=65536)
def is_noun(word: str) -> bool:
    """Whether the most likely reading of a Russian word is a noun (pymorphy3's first parse);
    for English, whether it is not one of the modifiers a count puts before its noun (capital
    words such as "Russian", "AWOL" and words ending like adjectives or participles count as
    modifiers)."""
    if _CYRILLIC.search(word):
        tag = analyser().parse(word)[0].tag
        return tag.POS == "NOUN"
    lower = word.lower()
    if word[:1].isupper() or lower in _EN_MODIFIERS:
        return False
    return not lower.endswith(("al", "ed", "ian", "ive", "ous", "ary", "ic", "ful", "ing"))


_EN_MODIFIERS = frozenset(
    re.findall(
        r"\S+",
        "the a an of such more other new similar additional further separate total were was "
        "are is have has had been so far some just only military court army awol or and plus",
    )
)


def normalise(text: str) -> str:
    """A lower-case copy of the text with the same length (so offsets stay valid): ё → е,
    typographic dashes and quotes kept as they are."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: map one by one
        low = "".join(c.lower()[:1] or c for c in text)
    return low.replace("ё", "е")


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word = m.group()
        if word[0].isdigit():
            kind = "num"
        elif word[0].isalpha():
            kind = "word"
        else:
            kind = "punct"
        lemmas = lemmas_of(word) if kind == "word" else frozenset({word})
        lower = word.lower().replace("ё", "е")
        out.append(Token(word, m.start(), m.end(), kind, lower, lemmas))
    return out


def sentences(text: str) -> list[Sentence]:
    """The text cut into sentences: at . ! ? … followed by a space and a capital letter, a
    digit or a quote (not after an abbreviation such as "ст." or "Art."), and at line
    breaks; a blank line starts a new paragraph."""
    out: list[Sentence] = []
    paragraph, previous_end = 0, 0
    for line in re.finditer(r"[^\n]+", text):
        if out and text[previous_end : line.start()].count("\n") >= 2:
            paragraph += 1
        out += _split_line(text, line.start(), line.end(), paragraph)
        previous_end = line.end()
    return out


def _split_line(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    out = []
    begin = start
    for m in re.finditer(r"[.!?…]+[\"»”)]*(?=\s+[\"«“(A-ZА-ЯЁ0-9])", text[start:end]):
        stop = start + m.end()
        word = re.search(r"(\w+)[.!?…]+[\"»”)]*$", text[max(begin, stop - 40) : stop])
        if word and word.group(1).lower() in _ABBREVIATIONS and m.group().startswith("."):
            continue
        if word and len(word.group(1)) == 1 and word.group(1).isupper():  # initials "И. И."
            continue
        out.append(_sentence(text, begin, stop, paragraph))
        begin = stop
    if text[begin:end].strip():
        out.append(_sentence(text, begin, end, paragraph))
    return out


def _sentence(text: str, start: int, end: int, paragraph: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, paragraph, tuple(tokens(text, start, end)))


# -- phrase matching over tokens ---------------------------------------------------------------
def _word_matches(token: Token, pattern: str) -> bool:
    if pattern.endswith("*"):
        return token.lower.startswith(pattern[:-1])
    return pattern in token.lemmas or token.lower == pattern


@functools.lru_cache(maxsize=4096)
def _split_phrase(phrase: str) -> tuple[str, ...]:
    # English words split at hyphens like the text's tokens do; a Russian hyphenated word
    # ("колония-поселение") is one token with its lemma, and one word of a phrase
    return tuple(p for p in re.split(r"\s+|(?<=[a-z*])-+(?=[a-z])", phrase) if p)


def match_at(words: Sequence[Token], i: int, phrase: str) -> int:
    """How many words of `words` from `i` the phrase covers (0: no match)."""
    parts = _split_phrase(phrase)
    if i + len(parts) > len(words):
        return 0
    for k, part in enumerate(parts):
        if not _word_matches(words[i + k], part):
            return 0
    return len(parts)


@functools.lru_cache(maxsize=256)
def _phrase_index(phrases: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """Phrases by their first word (exact words), and those whose first word is a stem
    ("prosecution*"), longest first: a word is tried only against phrases it can start."""
    exact: dict[str, list[str]] = {}
    stems: list[str] = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(_split_phrase(p)), p)):
        first = _split_phrase(phrase)[0]
        if first.endswith("*"):
            stems.append(phrase)
        else:
            exact.setdefault(first, []).append(phrase)
    return exact, stems


def find_phrases(words: Sequence[Token], phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches (first word, words covered, phrase), longest first at each
    position, in text order."""
    exact, stems = _phrase_index(tuple(phrases))
    out = []
    i = 0
    while i < len(words):
        w = words[i]
        keys = w.lemmas | {w.lower}
        candidates = [p for k in keys for p in exact.get(k, ())]
        candidates += [p for p in stems if w.lower.startswith(_split_phrase(p)[0][:-1])]
        candidates.sort(key=lambda p: -len(_split_phrase(p)))
        for phrase in candidates:
            n = match_at(words, i, phrase)
            if n:
                out.append((i, n, phrase))
                i += n
                break
        else:
            i += 1
    return out


def word_tokens(sentence: Sentence) -> list[Token]:
    """The words of a sentence with hyphenated words split ("refusal-to-fight" → three)."""
    out = []
    for t in sentence.tokens:
        if t.kind == "word" and "-" in t.text and not _CYRILLIC.search(t.text):
            offset = t.start
            for part in t.text.split("-"):
                out.append(
                    Token(part, offset, offset + len(part), "word", part.lower(), lemmas_of(part))
                )
                offset += len(part) + 1
        elif t.kind == "word":
            out.append(t)
    return out
