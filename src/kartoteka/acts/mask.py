"""Masking of personal names in act texts: every person becomes initials ("Иваненко С.Б." →
"И.С.Б.", "Петрова Олега Игоревича" → "П.О.И."); the court's own anonymisation
("ФИО1", "<данные изъяты>", "Потерпевший №1", "ДД.ММ.ГГГГ") is kept as it is.

Courts anonymise unevenly (DOMAIN.md §6): some replace the defendant by "ФИО2" and leave the
judge, the prosecutors and counsel by name, some anonymise nothing. Four detectors, because
each misses what another finds:

1. name shapes ("Фамилия И.О.", "И.О. Фамилия", "Фамилия Имя Отчество" in any case);
2. the names the operative part gives the defendants (`names=`; every inflected form of their
   words is masked — "Собор Лучиана-Теодора", "Собор Лучиану");
3. words that pymorphy3 parses first as a surname, first name or patronymic;
4. natasha's named-entity recogniser (PER), offline from its PyPI package, run only on the
   paragraphs where a capitalised word is left that the first three did not explain.

What is masked is a person's name, never an organisation, place or court.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from kartoteka.acts.morph import analyser

_UP, _LOW = "А-ЯЁ", "а-яё"
_SURNAME = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_INITIAL = rf"[{_UP}]\.\s?"
_PATRONYMIC = rf"[{_UP}][{_LOW}]+(?:вич|вна|ична|инична)[{_LOW}]{{0,3}}"
NAME_SHAPE = re.compile(
    rf"""
      {_SURNAME}\s+{_SURNAME}\s+{_PATRONYMIC}(?![{_LOW}])
    | {_SURNAME}\s+{_SURNAME}\s+(?:оглы|кызы|угли)(?![{_LOW}])
    | {_SURNAME}\s?{_INITIAL}(?:{_INITIAL}){{0,2}}(?![{_LOW}])
    | (?<![{_UP}{_LOW}]){_INITIAL}(?:{_INITIAL}){{0,2}}{_SURNAME}
    """,
    re.VERBOSE,
)
# The court's own marks: kept as printed.
COURT_MARKS = re.compile(
    r"ФИО\s?\d*|<[^<>\n]{1,40}>|\[[^\[\]\n]{1,40}\]|ДД\.ММ\.ГГГГ|"
    r"(?:Потерпевш|Свидетел|Представител|Лиц)[а-яё]*\s?№\s?\d+",
)
_WORD = re.compile(rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?")
_NAME_TAGS = frozenset({"Surn", "Name", "Patr"})
# Capitalised words that pymorphy3 may parse as names but that are not people in acts.
_NOT_NAMES = frozenset(
    (
        "Суд",
        "Российской",
        "Федерации",
        "России",
        "Республики",
        "Республика",
        "Москвы",
        "Москва",
        "Уголовного",
        "Кодекса",
        "Приговор",
        "Председательствующий",
        "Судья",
        "Именем",
        "Закона",
        "Верховного",
        "Военного",
        "Мир",
        "Сбербанк",
    )
)


def _spans_of(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@lru_cache(maxsize=50_000)
def _name_word(word: str) -> bool:
    if word in _NOT_NAMES:
        return False
    parses = analyser().parse(word)
    if not parses:
        return False
    tags = str(parses[0].tag)
    return any(tag in tags for tag in _NAME_TAGS)


def _stems(names: Iterable[str]) -> re.Pattern[str] | None:
    stems: set[str] = set()
    for name in names:
        for word in _WORD.findall(name):
            if COURT_MARKS.fullmatch(word):
                continue
            stem = word.split("-")[0]
            stem = stem[: max(4, len(stem) - 2)] if len(stem) > 4 else stem
            stems.add(re.escape(stem))
    if not stems:
        return None
    alternatives = "|".join(sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<![{_UP}{_LOW}])(?:{alternatives})[{_LOW}]*(?:-[{_UP}][{_LOW}]+)?")


@cache
def _ner() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def _ner_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if not paragraphs:
        return []
    from natasha import Doc

    segmenter, tagger = _ner()
    out: list[tuple[int, int]] = []
    # One document of the chosen paragraphs, offsets mapped back.
    joined, starts = [], []
    at = 0
    for start, end in paragraphs:
        starts.append((at, start))
        joined.append(text[start:end])
        at += end - start + 1
    doc = Doc("\n".join(joined))
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    for span in doc.spans:
        if span.type != "PER":
            continue
        base = max((s for s in starts if s[0] <= span.start), key=lambda s: s[0])
        out.append((base[1] + span.start - base[0], base[1] + span.stop - base[0]))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def initials(name: str) -> str:
    """ "Иваненко С.Б." → "И.С.Б.", "И.Ю.Сидоров" → "И.Ю.С."; initials stay initials."""
    letters = [w[0].upper() for w in re.findall(rf"[{_UP}A-Z][{_LOW}a-z'-]*", name)]
    return "".join(f"{ch}." for ch in letters)


def person_spans(
    text: str, names: Iterable[str] = (), *, use_ner: bool = True
) -> list[tuple[int, int]]:
    """Spans of personal names in `text` (merged, in order), court marks excluded."""
    protected = _spans_of(COURT_MARKS, text)
    spans = _spans_of(NAME_SHAPE, text)
    stems = _stems(names)
    if stems is not None:
        spans += _spans_of(stems, text)
    for match in _WORD.finditer(text):
        if _name_word(match.group(0)):
            spans.append(match.span())
    if use_ner:
        covered = _merge(spans + protected)
        spans += _ner_spans(text, _ner_candidates(text, covered))
    spans = [s for s in spans if not any(p[0] <= s[0] and s[1] <= p[1] for p in protected)]
    return _merge(spans)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n|[«\"(]|№\s?)$")


def _ner_candidates(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraphs with a capitalised word that is not at a sentence start and not yet
    explained (masked, or a court mark)."""
    out = []
    for paragraph in re.finditer(r"[^\n]+", text):
        for word in _WORD.finditer(paragraph.group(0)):
            at = paragraph.start() + word.start()
            if any(c[0] <= at < c[1] for c in covered):
                continue
            if (
                _SENTENCE_START.search(text[max(paragraph.start(), at - 3) : at])
                or at == paragraph.start()
            ):
                continue
            out.append(paragraph.span())
            break
    return out


def mask_text(text: str, names: Iterable[str] = (), *, use_ner: bool = True) -> str:
    """`text` with every personal name replaced by its initials; `names` are names known to
    be in it (the defendants the operative part names)."""
    out: list[str] = []
    at = 0
    for start, end in person_spans(text, names, use_ner=use_ner):
        out.append(text[at:start])
        out.append(initials(text[start:end]) or "<ФИО>")
        at = end
    out.append(text[at:])
    return "".join(out)
