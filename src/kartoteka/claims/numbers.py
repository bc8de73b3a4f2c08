"""Figures in a sentence: digits in the ways news write them ("13,000", "13 000", "10 025",
"2,5 тыс.", "1.5 million", "34–35") and numbers in words ("тринадцать тысяч", "полторы
тысячи", "a thousand", "twenty-five"), with the rounding unit of the figure as written
(`precision`: 13 000 is a round thousand, 5 024 is exact)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kartoteka.claims.lexicon import HALF_AND_A, HUNDRED_WORDS, MULTIPLIERS, NUMBER_WORDS
from kartoteka.claims.text import Token

_SEP = "[ \u00a0\u202f\u2009]"
DIGITS = re.compile(
    rf"(?<![\w.,])(?P<n>\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d{{1,3}}(?:,\d{{3}})+(?![\d])|\d+(?:[.,]\d+)?)"
    rf"(?:[-–—](?P<n2>\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?![\d.,]\d))?"
    r"(?P<mult>\s*(?:тыс(?:\.|яч[а-я]*|\b)|млн\.?|миллион[а-я]*|thousand\b|million\b|k\b))?"
)


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    value: float
    precision: float
    words: bool  # written in words
    low: float | None = None  # a range "34–35": its bounds
    high: float | None = None
    bare_year: bool = False  # a plain four-digit number that reads as a year


def _digits_value(raw: str) -> tuple[float, int]:
    """The value of a digit string and its number of decimals (thousands separators out)."""
    if re.fullmatch(rf"\d{{1,3}}(?:{_SEP}\d{{3}})+|\d{{1,3}}(?:,\d{{3}})+", raw):
        return float(re.sub(rf"{_SEP}|,", "", raw)), 0
    raw = raw.replace(",", ".")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return float(raw), decimals


def _multiplier(word: str | None) -> int:
    if not word:
        return 1
    word = word.strip().lower()
    if word.startswith(("тыс", "thousand")) or word == "k":
        return 1000
    return 1_000_000


def _precision(value: float, decimals: int, multiplier: int) -> float:
    """The rounding unit of a figure as written: 10^(trailing zeros), at most a tenth of the
    value (13 000 → 1000, 100 → 10, 5 024 → 1); with a multiplier, its unit
    (2,5 тыс. → 100)."""
    if decimals:
        return multiplier / 10**decimals
    n, unit = int(value), 1
    while n >= 100 and n % 10 == 0:
        n //= 10
        unit *= 10
    return float(unit * multiplier)


def digit_figures(text: str, start: int, end: int) -> list[Figure]:
    out = []
    for m in DIGITS.finditer(text, start, end):
        value, decimals = _digits_value(m.group("n"))
        mult = _multiplier(m.group("mult"))
        stop = m.end("mult") if m.group("mult") else m.end("n2") if m.group("n2") else m.end("n")
        bare_year = (
            not m.group("mult")
            and not m.group("n2")
            and re.fullmatch(r"(?:199[1-9]|20\d{2})", m.group("n")) is not None
        )
        if m.group("n2"):
            high, _ = _digits_value(m.group("n2"))
            if high <= value:  # "2022-2023" years or a "5-3" score: not a range
                out.append(
                    Figure(
                        m.start("n"),
                        m.end("n"),
                        value * mult,
                        _precision(value, decimals, mult),
                        False,
                        bare_year=re.fullmatch(r"(?:199[1-9]|20\d{2})", m.group("n")) is not None,
                    )
                )
                continue
            low, high = value * mult, high * mult
            out.append(
                Figure(
                    m.start("n"), stop, (low + high) / 2, (high - low) / 2 or 1, False, low, high
                )
            )
            continue
        total = value * mult
        out.append(
            Figure(
                m.start("n"),
                stop,
                total,
                _precision(value, decimals, mult),
                False,
                bare_year=bare_year,
            )
        )
    return out


def word_figures(words: Sequence[Token]) -> list[Figure]:
    """Numbers written in words; a lone "тысяча"/"thousand" counts as 1000 only in the
    singular ("тысяча дел", "a thousand cases"), a plural alone ("тысячи дел") is vague and
    not a figure."""
    out = []
    i = 0
    while i < len(words):
        j, total, current, seen, halves = i, 0.0, 0.0, False, False
        while j < len(words):
            w = words[j]
            number = next((NUMBER_WORDS[x] for x in w.lemmas if x in NUMBER_WORDS), None)
            half = next((HALF_AND_A[x] for x in w.lemmas if x in HALF_AND_A), None)
            mult = next((MULTIPLIERS[x] for x in w.lemmas if x in MULTIPLIERS), None)
            if w.lower in ("and",) and seen and j + 1 < len(words):
                j += 1
                continue
            leading_one = (
                w.lower == "one"
                and j + 1 < len(words)
                and words[j + 1].lower
                in (
                    "hundred",
                    "thousand",
                    "million",
                )
            )
            if number is not None and (w.lower != "one" or seen or leading_one):
                current += number
            elif half is not None:
                current += half
                halves = True
            elif w.lower in HUNDRED_WORDS:
                current = (current or 1) * 100
            elif mult is not None:
                if not seen and not current:
                    singular = w.lower in ("тысяча", "тысячу", "thousand", "миллион", "million")
                    before = words[j - 1].lower if j else ""
                    if not singular or (w.lower in ("thousand", "million") and before != "a"):
                        break
                total += (current or 1) * mult
                current = 0
            else:
                break
            seen = True
            j += 1
        value = total + current
        if seen and (value >= 2 or halves) and j > i:
            precision = 1000.0 if total and not current else 1.0
            if halves and not total:
                precision = 0.5  # "полтора года": to the half year
            out.append(Figure(words[i].start, words[j - 1].end, value, precision, True))
            i = j
        else:
            i += 1
    return out
