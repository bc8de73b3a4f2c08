"""Values as the court sites print them: dates, times, case numbers, hidden names, link
parameters. Pure functions on strings; each returns None for what it cannot read, so a
damaged value never stops a page from being read (the raw string stays beside it)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from urllib.parse import unquote_plus

_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d.])")
_CASE_LABEL = re.compile(r"^\s*(?:дело|материал|производство)?\s*№?\s*", re.IGNORECASE)
_NUMBER_END = re.compile(r"[\s\[\(~;,]")

HIDDEN_NAME_STEM = "информация скрыта"


def parse_date(text: str | None) -> dt.date | None:
    """The first `DD.MM.YYYY` date in `text`, or None (also for impossible dates)."""
    if not text:
        return None
    return _date_in(text)


# Cells repeat the same few hundred dates across every row and page of a court: each
# distinct cell text is read once (dates are immutable, so sharing them is safe).
@lru_cache(maxsize=8192)
def _date_in(text: str) -> dt.date | None:
    match = _DATE.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_DATETIME = r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})"
_PUBLISHED = re.compile(r"опубликовано\s+" + _DATETIME, re.IGNORECASE)
_MODIFIED = re.compile(r"изменено\s+" + _DATETIME, re.IGNORECASE)


def _datetime(match: re.Match[str] | None) -> dt.datetime | None:
    if match is None:
        return None
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def parse_publish_info(text: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published, modified) from a card footer "опубликовано 22.04.2026 18:54, изменено
    19.06.2026 20:05"; either may be None."""
    if not text:
        return None, None
    return _datetime(_PUBLISHED.search(text)), _datetime(_MODIFIED.search(text))


def parse_time(text: str | None) -> str | None:
    """The first `HH:MM` time in `text`, zero-padded, or None."""
    if not text:
        return None
    match = _TIME.search(text)
    if not match:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def case_number_raw(text: str | None) -> str | None:
    """The case number as printed, without a leading "ДЕЛО №" label: the history it may carry
    (`2-5/2026 (2-13/2025; 2-2935/2024;) ~ М-2773/2024`) is kept."""
    if not text:
        return None
    joined = " ".join(text.split())
    if joined[:1].isdigit():  # the common cell: no label (no digit starts one), no blank to strip
        return joined
    raw = _CASE_LABEL.sub("", joined, count=1).strip()
    return raw or None


def normalise_case_number(text: str | None) -> str | None:
    """The first number as printed: "2-7212/2025 ~ М-5922/2025" → "2-7212/2025",
    "7У-1297/2026 [77-655/2026]" → "7У-1297/2026", "ДЕЛО № 1-151/2026" → "1-151/2026"."""
    return first_case_number(case_number_raw(text))


def first_case_number(raw: str | None) -> str | None:
    """`normalise_case_number` of a text whose `case_number_raw` is `raw`: the parsers need
    both, and reading the label off a cell once serves the two."""
    if raw is None:
        return None
    first = _NUMBER_END.split(raw, maxsplit=1)[0].strip()
    return first or None


def is_hidden_name(text: str | None) -> bool:
    """ "Информация скрыта": the court hid the name. A legal state, not a missing value."""
    return text is not None and HIDDEN_NAME_STEM in text.lower()


def link_params(href: str | None) -> dict[str, str]:
    """Query parameters of a link as printed on a page (already HTML-unescaped by the parser).
    The first occurrence of a name wins. Ids and UIDs are ASCII, so values are only
    percent-decoded when they carry a `%` (a plain split is much cheaper than `parse_qsl`,
    and a listing has hundreds of links)."""
    if not href:
        return {}
    query = href.partition("?")[2].partition("#")[0]
    params: dict[str, str] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        params.setdefault(name, value)
    return params


# The names a card link carries its ids under, in both link dialects.
CARD_ID_PARAMS = ("case_id", "_id", "case_uid", "_uid", "delo_id", "_deloId")
# One pair of the query ("&" + the query string) named by one of them: the name, then "=" and
# the value up to the next "&", or no "=" at all (an empty value); "&_id" alone is no match
# for "&_idx=". A pair has no "&" inside, so matches are whole pairs, in query order.
_CARD_ID_PAIR = re.compile(r"&(case_id|_id|case_uid|_uid|delo_id|_deloId)(?:=([^&]*))?(?=&|\Z)")


def card_id_params(href: str | None) -> dict[str, str]:
    """`link_params(href)` with only the `CARD_ID_PARAMS` in it. A listing row asks three ids
    of a card link of eight parameters: one search for the pairs named so costs two thirds of
    splitting every pair. Same rules: the first occurrence of a name wins, a value is
    percent-decoded only when it carries a `%` or a `+`."""
    if not href:
        return {}
    query = "&" + href.partition("?")[2].partition("#")[0]
    params: dict[str, str] = {}
    for name, value in _CARD_ID_PAIR.findall(query):
        if name not in params:
            params[name] = unquote_plus(value) if "%" in value or "+" in value else value
    return params


def first_param(params: dict[str, str], *names: str) -> str | None:
    """The first non-empty parameter among `names` (both link dialects name the same id)."""
    for name in names:
        value = params.get(name)
        if value:
            return value
    return None


_NAME_WORD = re.compile(r"[A-Za-zА-ЯЁа-яё][A-Za-zА-ЯЁа-яё'’-]*")


def initials(name: str | None) -> str | None:
    """A person's name reduced to initials: "Иванов Иван Иванович" → "И.И.И.",
    "Иванов И. И." → "И.И.И.". What the product shows by default instead of a full name
    (DESIGN.md, "Privacy"); the store adds a keyed hash to link one person across cases."""
    if not name:
        return None
    letters = [w[0].upper() for w in _NAME_WORD.findall(name)]
    return "".join(f"{ch}." for ch in letters) or None


_UP, _LOW = "А-ЯЁ", "а-яё"
_SURNAME = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_INITIAL = rf"[{_UP}]\.[ ]?"
_PATRONYMIC = rf"[{_UP}][{_LOW}]+(?:вич|вна|ична|инична)[{_LOW}]{{0,3}}"
# Shapes of a Russian personal name inside free text: "Фамилия Имя Отчество" (any case
# ending), "... оглы/кызы", "Фамилия И.О.", "И.О. Фамилия".
PERSON_NAME = re.compile(
    rf"""
      {_SURNAME}\s+{_SURNAME}\s+{_PATRONYMIC}(?![{_LOW}])
    | {_SURNAME}\s+{_SURNAME}\s+(?:оглы|кызы|угли)
    | {_SURNAME}\s+{_INITIAL}(?:{_INITIAL})?(?![{_LOW}])
    | (?<![{_UP}{_LOW}]){_INITIAL}(?:{_INITIAL})?{_SURNAME}
    """,
    re.VERBOSE,
)


def mask_person_names(text: str | None) -> str | None:
    """Free text (a party "Прокуратура района, Иванов И.И.", an info cell) with every
    name-shaped part reduced to initials; organisation names stay readable."""
    if not text:
        return text
    return PERSON_NAME.sub(lambda m: initials(m.group(0)) or "", text)
