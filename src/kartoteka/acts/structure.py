"""The parts of an act's text: its heading (document type, date), whether the text is really
published, the operative part, and sentence boundaries. Pure functions over cleaned text
(`clean.clean_text`); every result carries its span.

A приговор ends in "ПРИГОВОРИЛ:" and its operative part; a постановление in "ПОСТАНОВИЛ:", an
appeal or cassation ruling in "ОПРЕДЕЛИЛ:" (or "ПОСТАНОВИЛ:" for a single judge's appeal
ruling). The keyword is searched where it starts a line or follows "суд" — the reasoning part
quotes earlier verdicts ("которым ... приговорил") but not with a colon at a line start.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

Span = tuple[int, int]

# Document types, most specific first, as they head the text (matched on a whole line).
DOC_TYPES = (
    ("апелляционное определение", r"апелляционное\s+определение"),
    ("апелляционное постановление", r"апелляционное\s+постановление"),
    ("апелляционный приговор", r"апелляционный\s+приговор"),
    ("кассационное определение", r"кассационное\s+определение"),
    ("кассационное постановление", r"кассационное\s+постановление"),
    ("приговор", r"приговор"),
    ("постановление", r"постановление"),
    ("определение", r"определение"),
    ("решение", r"решение"),
)
_DOC_LINE = re.compile(
    r"^[\s\d№«»\"().,-]*(?P<t>" + "|".join(p for _, p in DOC_TYPES) + r")\b[^\n]{0,60}$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADING_LINES = 14
# Each type's pattern as `_doc_name` tries it on a heading word: the whole word, or its start
# up to a word boundary. Compiled once (the `re` module's own cache costs a lookup per call).
_DOC_NAMES = tuple(
    (name, re.compile(pattern), re.compile(pattern + r"\b")) for name, pattern in DOC_TYPES
)
_DOC_NAME_SET = frozenset(name for name, _ in DOC_TYPES)
_TITLE_INNER = re.compile(r"\(([^)]*)\)")

_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH = r"январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр"
_WORD_DATE = re.compile(
    r"(?<!\d)«?(?P<d>\d{1,2})»?\s*(?P<m>" + _MONTH + r")[а-я]*\s+(?P<y>\d{4})", re.IGNORECASE
)
_DIGIT_DATE = re.compile(r"(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)")
# Every place where a match of either date pattern starts is one of this pattern's (not
# every one of its is a date): a "«" or a digit not after a digit, up to two more digits, then
# what must follow a day, "»" or blanks and a month's first letter, or "." and a digit. It
# opens with a character set, which the regex engine skips to in C (the date patterns open
# with a look-behind, which makes it try every character), and it rules out the case numbers
# and УИД of a heading in a few steps, where a month name is tried in twelve.
_DATE_AT = re.compile(r"[«\d](?<!\d[«\d])\d{0,2}(?:»?\s*[яфмаисонд]|\.\d)", re.IGNORECASE)
# Where the heading ends at the latest: the court's name, then its composition.
_COMPOSED = re.compile(r"в\s+составе")

UNPUBLISHED_PHRASES = (
    "не подлежит опубликованию",
    "опубликованию не подлежит",
    "текст не публикуется",
    "тексты судебных актов не публикуются",
    "не подлежит размещению",
    "размещению не подлежит",
    "текст судебного акта не публикуется",
)
# Below this many letters a text is a stub or a heading, not a judicial act.
MIN_PUBLISHED_LETTERS = 300
# In a long text, a "not published" phrase counts only when it starts this early (a notice
# heads the page; the same words further down are quoted from elsewhere).
_UNPUBLISHED_HEAD = 1500
_LONGEST_PHRASE = max(map(len, UNPUBLISHED_PHRASES))
# Every phrase holds "не п". In `head.lower()` those four characters can only come from these
# spellings in the head: `str.lower` maps only "н" and "Н" to "н" (and so for "е", "п" and
# the space), maps no character to a longer string holding one of them or to nothing, and
# its one context rule (Greek final sigma) gives sigmas; the tests go over every code point.
# Eight `str.find`s in C cost a tenth of lower-casing 1,500 characters.
_NE_P = tuple(n + e + " " + p for n in "нН" for e in "еЕ" for p in "пП")

_OPERATIVE = re.compile(
    r"(?:^|(?<=\bсуд)\s|(?<=\bсуд,)\s)\s*(?P<w>приговорил|постановил|определил|решил)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_ESTABLISHED = re.compile(r"(?:^|\s)(?:установил|у\s?становил)\s*:", re.IGNORECASE | re.MULTILINE)

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    (
        "ст",
        "ч",
        "п",
        "пп",
        "г",
        "гг",
        "т",
        "см",
        "ул",
        "д",
        "кв",
        "им",
        "р",
        "руб",
        "коп",
        "мес",
        "тыс",
        "обл",
        "р-на",
        "р-н",
        "пр",
        "просп",
        "пос",
        "с",
        "н",
    )
)
_BOUNDARY = re.compile(r"[.;!?](?=\s+[«\"(]?[А-ЯЁA-Z0-9-])|\n")


def doc_type(text: str, title: str | None = None) -> tuple[str | None, Span | None]:
    """The document type from the heading (the first lines), else from the card's tab title
    ("Судебный акт #1 (Приговор)"); lower case."""
    head_end = _nth_line_end(text, _HEADING_LINES)
    for match in _DOC_LINE.finditer(text, 0, head_end):
        if match.group(0).lstrip().lower().startswith("судебный акт"):
            continue
        return _doc_name(match.group("t")), match.span("t")
    if title:
        inner = _TITLE_INNER.search(title)
        name = _doc_name(inner.group(1) if inner else title)
        return name, None
    return None, None


def _doc_name(raw: str) -> str | None:
    lowered = " ".join(raw.lower().split())
    if lowered in _DOC_NAME_SET:
        return lowered  # a heading is mostly the name alone, which only its own pattern takes
    for name, whole, start in _DOC_NAMES:
        if whole.fullmatch(lowered) or start.match(lowered):
            return name
    return None


def _nth_line_end(text: str, n: int) -> int:
    """Where the n-th line break is (the end of the first n lines), else the text's end."""
    lines = _first_lines(n).match(text)
    return lines.end() - 1 if lines else len(text)


@functools.cache
def _first_lines(n: int) -> re.Pattern[str]:
    # One match runs through the lines in C; `str.find` once a line cost as much again.
    return re.compile(r"(?:[^\n]*\n){" + str(n) + "}")


def act_date(text: str) -> tuple[dt.date | None, Span | None]:
    """The date of the act: the first date in the heading (before the court's name is
    followed by "в составе"); None when the heading prints a placeholder (ДД.ММ.ГГГГ)."""
    head_end = _nth_line_end(text, _HEADING_LINES)
    # `str.find` looks for the phrase in C; the pattern tries every "в" of the heading.
    composed = (
        _COMPOSED.search(text, 0, head_end) if text.find("составе", 0, head_end) >= 0 else None
    )
    if composed:
        head_end = composed.start()
    first = _first_date(text, head_end)
    if first is not None:
        return first
    # Civil and appeal acts date the hearing further down: "рассмотрела в судебном
    # заседании 06 октября 2025 г. дело ...".
    heard = re.search(r"рассмотре\w*\s[^\n]{0,120}?заседани\w*", text[: _nth_line_end(text, 30)])
    if heard:
        window = text[heard.end() : heard.end() + 80]
        hit = _WORD_DATE.search(window) or _DIGIT_DATE.search(window)
        if hit and hit.start() < 40:
            date = _date_of(hit)
            if date:
                at = heard.end()
                return date, (at + hit.start(), at + hit.end())
    return None, None


def _first_date(text: str, head_end: int) -> tuple[dt.date, Span] | None:
    """The valid date that starts first among the matches of `_WORD_DATE` and of
    `_DIGIT_DATE` in text[:head_end] (each pattern's matches as its `finditer` gives them),
    with its span; None when there is none.

    `_DATE_AT` finds, in order, each place where one of the patterns can match, and both are
    tried there (each resuming after its own last match, as `finditer` does). The first
    valid date found is so the one that starts first, and the rest of the heading is not
    tried. Before, both patterns were tried wherever a number starts (case numbers, УИД,
    addresses) and every date of the heading was collected."""
    resume = {_WORD_DATE: 0, _DIGIT_DATE: 0}
    at = 0
    while (hit := _DATE_AT.search(text, at, head_end)) is not None:
        at = hit.start()
        found: list[tuple[int, dt.date, Span]] = []
        for pattern, after in resume.items():
            match = pattern.match(text, at, head_end) if at >= after else None
            if match is not None:
                resume[pattern] = match.end()
                date = _date_of(match)
                if date:
                    found.append((at, date, match.span()))
        if found:
            _, date, span = min(found)
            return date, span
        at += 1
    return None


def _date_of(match: re.Match[str]) -> dt.date | None:
    raw_month = match.group("m")
    if raw_month.isdigit():
        month = int(raw_month)
    else:
        key = raw_month.lower()
        month = _MONTHS.get(key) or next((v for k, v in _MONTHS.items() if key.startswith(k)), 0)
    return _safe_date(int(match.group("y")), month, int(match.group("d")))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def published_state(text: str) -> tuple[bool, str | None]:
    """(published, reason when not): a text that says it is not published, or too short to be
    a judicial act (a heading, a link to an attachment), is not a published text."""
    # A long text counts a phrase only in its first 1,500 characters: lower-casing just that
    # head (and the phrase's length beyond it) finds the same first occurrences there as
    # lower-casing the whole act, at a tenth of the cost.
    head = text if len(text) < 3000 else text[: _UNPUBLISHED_HEAD + _LONGEST_PHRASE]
    # Lower-casing the head is half the cost; most heads hold no "не п" in any case, and
    # then no phrase (see `_NE_P`).
    if any(ne_p in head for ne_p in _NE_P):
        lowered = head.lower()
        for phrase in UNPUBLISHED_PHRASES:
            at = lowered.find(phrase)
            if at >= 0 and (at < _UNPUBLISHED_HEAD or len(text) < 3000):
                return False, phrase
    sample = text[: MIN_PUBLISHED_LETTERS * 4]
    if _cyrillic_letters(sample) < MIN_PUBLISHED_LETTERS and not _has_letters(
        sample, MIN_PUBLISHED_LETTERS
    ):
        return False, "no act text (too short)"
    return True, None


def _cyrillic_letters(text: str) -> int:
    """How many characters of `text` are in U+0400..U+047F, every one of them a letter
    (`str.isalpha`): the lead bytes 0xD0 and 0xD1 of their UTF-8 (which no other character's
    UTF-8 holds). A lower bound of the letters, counted in C: enough for a Russian text, whose
    letters the exact count (`_has_letters`) then need not go through one by one."""
    data = text.encode("utf-8", "surrogatepass")
    return data.count(0xD0) + data.count(0xD1)


# Characters whose letters `_has_letters` counts before it compares (a word cut at the end
# of a piece is counted in two parts, letter for letter the same).
_LETTER_PIECE = 500


def _has_letters(text: str, least: int) -> bool:
    """Whether `text` holds at least `least` letters (`str.isalpha`), as
    `sum(map(str.isalpha, text)) >= least` says, counted a word at a time (a word of letters
    only counts its length in one call; no blank is a letter) and a piece at a time, so that
    the count stops once it is reached: an act usually reaches 300 letters in its first 500
    characters, and splitting all 1,200 into words cost more than counting. Per character,
    the count took a tenth of reading a card's act."""
    count = 0
    for start in range(0, len(text), _LETTER_PIECE):
        for word in text[start : start + _LETTER_PIECE].split():
            count += len(word) if word.isalpha() else sum(map(str.isalpha, word))
        if count >= least:
            return True
    return count >= least


def operative_part(text: str) -> tuple[Span | None, str | None]:
    """The span of the operative part (after "ПРИГОВОРИЛ:" etc.) and its keyword, lower case.
    The first keyword after "УСТАНОВИЛ:" wins; without one, the last keyword in the text."""
    matches = list(_OPERATIVE.finditer(text))
    if not matches:
        return None, None
    established = _ESTABLISHED.search(text)
    chosen = matches[-1]
    if established:
        after = [m for m in matches if m.start() > established.end()]
        if after:
            chosen = after[0]
    return (chosen.end(), len(text)), chosen.group("w").lower()


def established_at(text: str) -> int | None:
    """Where "УСТАНОВИЛ:" starts (the end of the heading and description), if printed."""
    match = _ESTABLISHED.search(text)
    return match.start() if match else None


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentences of text[start:end]: a line break, or ". ; ! ?" before a blank and a capital
    or digit, ends one — except after an initial ("В.А. ЧЕТЫРЕ") or an abbreviation
    ("ст. 73"), and except a line break that only wraps a sentence."""
    spans: list[Span] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        at = match.start()
        if match.group(0) == "\n" and _wrapped(text, begin, at, end):
            continue
        if match.group(0) == ".":
            word = re.search(r"([А-ЯЁа-яёA-Za-z-]+)$", text[max(begin, at - 12) : at])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS):
                continue
        if text[begin:at].strip():
            spans.append(_strip(text, begin, at + (match.group(0) != "\n")))
        begin = match.end()
    if text[begin:end].strip():
        spans.append(_strip(text, begin, end))
    return spans


def _wrapped(text: str, begin: int, at: int, end: int) -> bool:
    """A line break inside a sentence (plain text wrapped at a fixed width): the line does not
    end in punctuation and the next one starts in lower case or with a digit."""
    before = text[begin:at].rstrip()
    if not before or before[-1] in ".;:!?":
        return False
    after = text[at + 1 : min(end, at + 3)]
    return bool(after) and (after[0].islower() or after[0].isdigit())


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
