"""Terms of punishment ("5 (пять) лет 6 (шесть) месяцев", "пяти лет", "1 г. 8 мес.",
"6 /шести/ месяцев", "ЧЕТЫРЕ года", "полтора года", "200 часов") as a yargy grammar.

Why yargy: a term is a small grammar over morphological tokens — a number (digits, digits
with the number repeated in words in brackets or slashes, or words alone in any case) and a
unit (год/лет/г., месяц/мес., день/сутки, час). Writing "пяти лет" and "5 (пять) лет" as one
rule over lemmas is what yargy is for; the same as regular expressions over characters would
have to enumerate every case form of every number word. yargy is given the package's
pymorphy3 analyser (`morph.py`).

`find_terms(text)` returns every term with its span and its length in months (years × 12 +
months, days as a fraction left out) or hours; the extractor decides which term belongs to
which punishment.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache, lru_cache
from typing import Any

from yargy import Parser, or_, rule
from yargy.morph import MorphAnalyzer
from yargy.predicates import caseless, custom, eq, normalized
from yargy.predicates import type as token_type
from yargy.tokenizer import MorphTokenizer

from kartoteka.acts.morph import analyser
from kartoteka.acts.numbers import is_number_word, words_value

# A term's year figure above this is a calendar year ("2022 г."), not a sentence.
MAX_YEARS = 30


@dataclasses.dataclass(frozen=True, slots=True)
class Term:
    """One term as printed: its span in the text, months (None for hours), hours."""

    start: int
    end: int
    months: int | None
    hours: int | None = None
    days: int = 0


def _grammar() -> rule:
    integer = token_type("INT")
    number_word = custom(is_number_word, types="RU")
    words = number_word.repeatable(max=6)
    gloss = or_(rule(eq("("), words, eq(")")), rule(eq("/"), words, eq("/")), rule(words))
    number = or_(rule(integer, gloss.optional()), rule(words))
    year = or_(
        rule(normalized("год")), rule(caseless("лет")), rule(caseless("г"), eq(".").optional())
    )
    month = or_(rule(normalized("месяц")), rule(caseless("мес"), eq(".").optional()))
    day = or_(rule(normalized("день")), rule(normalized("сутки")))
    hour = rule(normalized("час"))
    years = rule(number, year)
    months = rule(number, month)
    days = rule(number, day)
    return or_(
        rule(years, rule(eq("и").optional(), months).optional(), days.optional()),
        rule(months, days.optional()),
        rule(days),
        rule(number, hour),
    )


class _Analyser(MorphAnalyzer):  # type: ignore[misc]
    """yargy's analyser interface over the package's pymorphy3 instance."""

    def __init__(self) -> None:
        super().__init__(raw=analyser())

    @lru_cache(maxsize=20_000)  # noqa: B019 - one instance for the process (`_parser`)
    def __call__(self, word: str) -> list[Any]:
        return super().__call__(word)  # type: ignore[no-any-return]


@cache
def _parser() -> Parser:
    return Parser(_grammar(), tokenizer=MorphTokenizer(morph=_Analyser()))


def _unit(value: str) -> str | None:
    w = value.lower()
    if w.startswith("час"):
        return "h"
    if w.startswith(("мес",)):
        return "m"
    if w in ("лет", "г") or w.startswith("год"):
        return "y"
    if w.startswith(("дн", "ден", "сут")) or w in ("день",):
        return "d"
    return None


def _value(tokens: list[object]) -> Term | None:
    amounts = {"y": 0.0, "m": 0.0, "d": 0.0, "h": 0.0}
    digits: int | None = None
    words: list[str] = []
    for token in tokens:
        value: str = token.value  # type: ignore[attr-defined]
        kind: str = token.type  # type: ignore[attr-defined]
        if kind == "INT":
            digits = int(value)
            continue
        if kind != "RU":
            continue
        unit = _unit(value) if value.lower() != "и" else None
        if unit is None:
            if is_number_word(value):
                words.append(value)
            continue
        amount = float(digits) if digits is not None else words_value(words)
        digits, words = None, []
        if amount is None:
            return None
        amounts[unit] += amount
    if amounts["y"] > MAX_YEARS:
        return None
    start = tokens[0].span.start  # type: ignore[attr-defined]
    end = tokens[-1].span.stop  # type: ignore[attr-defined]
    if amounts["h"]:
        return Term(start, end, None, hours=int(amounts["h"]))
    months = amounts["y"] * 12 + amounts["m"]
    return Term(start, end, round(months), days=int(amounts["d"]))


# A unit word: terms are parsed only in windows that end at one, so the grammar never runs
# over the many sentences of an operative part that state no term.
_UNIT = re.compile(
    r"(?<![а-яё])(?:год(?:а|у|ом)?|лет|г\.|мес(?:\.|яц(?:а|ев|ем|ы)?)|дн(?:я|ей)|день|"
    r"сут(?:ок|ки)|час(?:а|ов)?)(?![а-яё])",
    re.IGNORECASE,
)
_WINDOW = 72  # characters before a unit: the longest number with its gloss fits


def _windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for match in _UNIT.finditer(text):
        start = max(0, match.start() - _WINDOW)
        if start > 0:
            blank = text.find(" ", start)
            start = blank + 1 if 0 <= blank < match.start() else match.start()
        end = match.end()
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


@lru_cache(maxsize=4096)
def _find(text: str) -> tuple[Term, ...]:
    out: dict[tuple[int, int], Term] = {}
    parser = _parser()
    for w_start, w_end in _windows(text):
        for match in parser.findall(text[w_start:w_end]):
            term = _value(list(match.tokens))
            if term is not None:
                moved = dataclasses.replace(
                    term, start=term.start + w_start, end=term.end + w_start
                )
                out[(moved.start, moved.end)] = moved
    return tuple(sorted(out.values(), key=lambda t: t.start))


def find_terms(text: str) -> list[Term]:
    """Every term in `text`, in text order, with spans into `text`."""
    return list(_find(text))
