"""Periods, dates and rates in a sentence, resolved against the publication date.

Every pattern is a row of `PERIOD_PATTERNS` (a regular expression over the lower-cased
sentence and the rule that turns its groups into dates); month names are one table for both
languages. "This year", "last year", "за год" and a month without a year are resolved
relative to the publication date (a month without a year is its latest occurrence not after
it). Dates are inclusive bounds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

MOBILISATION = dt.date(2022, 9, 21)

# month number → alternatives (Russian stems take any ending; English "may" and short forms
# only count as months where a pattern requires a year or a day beside them)
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("январ[а-я]*", "january", "jan"),
    2: ("феврал[а-я]*", "february", "feb"),
    3: ("март[а-я]*", "march", "mar"),
    4: ("апрел[а-я]*", "april", "apr"),
    5: ("ма[йяею]", "may"),
    6: ("июн[а-я]*", "june", "jun"),
    7: ("июл[а-я]*", "july", "jul"),
    8: ("август[а-я]*", "august", "aug"),
    9: ("сентябр[а-я]*", "september", "sept", "sep"),
    10: ("октябр[а-я]*", "october", "oct"),
    11: ("ноябр[а-я]*", "november", "nov"),
    12: ("декабр[а-я]*", "december", "dec"),
}
_MONTH_ALTS = "|".join(alt for alts in MONTHS.values() for alt in alts)
M = rf"(?:{_MONTH_ALTS})\.?"
Y = r"(?:19|20)\d{2}"
_YEAR_WORD = r"(?:\s*(?:г\.|гг\.|года|году|год|годом))?"
_THIS_YEAR = r"(?:этого|текущего|нынешнего|сего)\s+года|this\s+year|of\s+this\s+year"


def month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    for number, alts in MONTHS.items():
        for alt in alts:
            if re.fullmatch(alt, word):
                return number
    return None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def latest_month(month: int, published: dt.date) -> int:
    """The year of the latest `month` not after the publication date."""
    return published.year if month <= published.month else published.year - 1


@dataclass(frozen=True, slots=True)
class PeriodMention:
    start: int
    end: int
    from_: dt.date | None
    to: dt.date | None
    sets_from: bool
    sets_to: bool
    as_of: bool = False  # "по состоянию на", "as of": the date the figure was counted
    year_before: bool = False  # "годом ранее", "a year earlier": the year before the claim's


@dataclass(frozen=True, slots=True)
class RateMention:
    start: int
    end: int
    per: str  # day | week | month


Rule = Callable[[re.Match[str], dt.date], tuple[dt.date | None, dt.date | None] | None]


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _year(m: re.Match[str], published: dt.date, name: str = "y", month: int | None = None) -> int:
    value = _g(m, name)
    if value:
        return int(value)
    if _g(m, "this"):
        return published.year
    return latest_month(month, published) if month else published.year


def _mobilisation(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return MOBILISATION, None


def _since_day(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    month = month_number(m.group("m")) or 1
    return dt.date(_year(m, published, month=month), month, int(m.group("d"))), None


def _since_month(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    month = month_number(m.group("m")) or 1
    return dt.date(_year(m, published, month=month), month, 1), None


def _since_year(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return dt.date(int(m.group("y")), 1, 1), None


def _range(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    m1, m2 = month_number(m.group("m1")) or 1, month_number(m.group("m2")) or 12
    y2 = _year(m, published, "y2", month=m2)
    y1 = int(m.group("y1")) if _g(m, "y1") else (y2 if m1 <= m2 else y2 - 1)
    d1 = int(_g(m, "d1") or 1)
    d2 = int(_g(m, "d2") or month_end(y2, m2).day)
    return dt.date(y1, m1, d1), dt.date(y2, m2, d2)


def _start_to_day(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    month = month_number(_g(m, "m2") or _g(m, "m2b") or "") or 12
    day = int(_g(m, "d2") or _g(m, "d2b") or 1)
    year = int(_g(m, "y2") or m.group("y1"))
    return dt.date(int(m.group("y1")), 1, 1), dt.date(year, month, day)


_MONTH_COUNT = {
    "один": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двух": 2, "трех": 3,
    "трёх": 3, "четырех": 4, "пяти": 5, "шести": 6, "семи": 7, "восьми": 8, "девяти": 9,
    "десяти": 10, "одиннадцати": 11, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
}  # fmt: skip


def _first_months(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    word = m.group("n")
    count = int(word) if word.isdigit() else _MONTH_COUNT.get(word, 0)
    if not 1 <= count <= 12:
        raise ValueError(word)
    year = _year(m, published)
    return dt.date(year, 1, 1), month_end(year, count)


def _year_before(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    # resolved against the claim's own period by the reader; the publication year by default
    return dt.date(published.year - 1, 1, 1), dt.date(published.year - 1, 12, 31)


def _half(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    year = _year(m, published)
    first = m.group("n").startswith(("перв", "first", "1", "h1"))
    return (
        (dt.date(year, 1, 1), dt.date(year, 6, 30))
        if first
        else (
            dt.date(year, 7, 1),
            dt.date(year, 12, 31),
        )
    )


_QUARTER = {"перв": 1, "втор": 2, "трет": 3, "четв": 4, "first": 1, "second": 2, "third": 3}


def _quarter(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    year = _year(m, published)
    word = m.group("n")
    q = next((v for k, v in _QUARTER.items() if word.startswith(k)), None)
    if q is None:
        q = int(word[-1]) if word[-1].isdigit() else 4
    return dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q)


def _by_month_end(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    month = month_number(m.group("m")) or 12
    year = _year(m, published, month=month)
    start = dt.date(year, 1, 1) if _g(m, "this") else None
    return start, month_end(year, month)


def _by_day(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    month = month_number(m.group("m")) or 1
    return None, dt.date(_year(m, published, month=month), month, int(m.group("d")))


def _by_numeric(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return None, dt.date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))


def _month(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
    month = month_number(m.group("m"))
    if month is None:
        return None
    year = _year(m, published, month=month)
    return dt.date(year, month, 1), month_end(year, month)


def _year_range(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return dt.date(int(m.group("y1")), 1, 1), dt.date(int(m.group("y2")), 12, 31)


def _whole_year(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    year = int(m.group("y"))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _this_year(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return dt.date(published.year, 1, 1), published


def _last_year(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return dt.date(published.year - 1, 1, 1), dt.date(published.year - 1, 12, 31)


def _past_year(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return published - dt.timedelta(days=364), published


def _last_month(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    first = published.replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=1), first


# (pattern, rule, sets from, sets to, as-of); tried in this order, the first to claim a stretch
# of text keeps it
_MOB_TAIL = (
    rf"(?:\s*(?:,\s*)?(?:объявленн\w+\s+|announced\s+|was\s+announced\s+|declared\s+)?"
    rf"(?:(?:в|in|on)\s+)?(?:21\s+)?(?:сентябр[а-я]*|september)(?:\s+21)?,?\s+2022{_YEAR_WORD})?"
)
PERIOD_PATTERNS: tuple[tuple[str, Rule, bool, bool, bool], ...] = (
    (
        r"(?:с|после|со\s+времени)\s+(?:(?:начала|момента|объявления|старта|дня)\s+){0,2}"
        r"(?:\w{1,30}\s+)?мобилизации" + _MOB_TAIL,
        _mobilisation,
        True,
        False,
        False,
    ),
    (
        r"(?:since|after)\s+(?:the\s+)?(?:(?:start|beginning|announcement|onset|launch|"
        r"declaration)\s+of\s+(?:the\s+)?)?(?:(?:partial|so-called|\"partial\")\s+)?"
        r"mobili[sz]ation(?:\s+(?:was|had\s+been)\s+(?:announced|declared))?" + _MOB_TAIL,
        _mobilisation,
        True,
        False,
        False,
    ),
    (
        r"(?:since|after)\s+(?:[\w’'\"“”«»-]{1,30}\s+){1,5}?[\"“”«»']?mobili[sz]ation" + _MOB_TAIL,
        _mobilisation,
        True,
        False,
        False,
    ),
    (
        rf"between\s+the\s+(?:start|beginning)\s+of\s+(?P<y1>{Y})\s+and\s+(?:[a-z]+day,?\s+)?"
        rf"(?:(?P<d2>\d{{1,2}})(?!\d)\s+(?P<m2>{M})|(?P<m2b>{M})\s+(?P<d2b>\d{{1,2}})(?!\d))(?:,?\s+(?P<y2>{Y}))?",
        _start_to_day,
        True,
        True,
        False,
    ),
    (
        r"since\s+(?:putin|russia|the\s+kremlin)\s+(?:announced|declared|ordered)\s+(?:a\s+|the\s+)?"
        r"(?:partial\s+)?mobili[sz]ation" + _MOB_TAIL,
        _mobilisation,
        True,
        False,
        False,
    ),
    (
        rf"(?:с|from|between)\s+(?:(?P<d1>\d{{1,2}})(?!\d)\s+)?(?P<m1>{M})(?:\s+(?P<y1>{Y}){_YEAR_WORD})?"
        rf"\s*(?:по|to|until|till|through|and|[-–—])\s*(?:(?:the\s+)?end\s+of\s+|конец\s+)?"
        rf"(?:(?P<d2>\d{{1,2}})(?!\d)\s+)?(?P<m2>{M})(?:\s+(?P<y2>{Y}){_YEAR_WORD}|\s+(?P<this>{_THIS_YEAR}))?",
        _range,
        True,
        True,
        False,
    ),
    (
        rf"(?:в|за|in)?\s*(?P<m1>{M})\s*[-–—]\s*(?P<m2>{M})\s+(?P<y2>{Y}){_YEAR_WORD}",
        _range,
        True,
        True,
        False,
    ),
    (
        rf"(?:с|since|from)\s+(?P<d>\d{{1,2}})(?!\d)\s+(?P<m>{M})(?:\s+(?P<y>{Y}){_YEAR_WORD})?",
        _since_day,
        True,
        False,
        False,
    ),
    (
        rf"since\s+(?P<m>{M})\s+(?P<d>\d{{1,2}})(?!\d),?(?:\s+(?P<y>{Y}))?",
        _since_day,
        True,
        False,
        False,
    ),
    (
        rf"(?:с|since|from)\s+(?:(?:начала|the\s+(?:start|beginning)\s+of)\s+)?(?P<m>{M})"
        rf"(?:\s+(?P<y>{Y}){_YEAR_WORD}|\s+(?P<this>{_THIS_YEAR}))?",
        _since_month,
        True,
        False,
        False,
    ),
    (
        rf"(?:с|since)\s+(?:(?:начала|the\s+(?:start|beginning)\s+of)\s+)?(?P<y>{Y}){_YEAR_WORD}",
        _since_year,
        True,
        False,
        False,
    ),
    (
        rf"(?:за|в)\s+(?:первые\s+)?(?P<n>\d{{1,2}}|[а-яё]{{3,12}})\s+(?:первых\s+)?месяц\w*\s+"
        rf"(?:(?P<y>{Y}){_YEAR_WORD}|(?P<this>{_THIS_YEAR}))",
        _first_months,
        True,
        True,
        False,
    ),
    (
        rf"(?:in|during|over)\s+the\s+first\s+(?P<n>\d{{1,2}}|[a-z]{{3,8}})\s+months\s+of\s+"
        rf"(?:(?P<y>{Y})|(?P<this>this\s+year))",
        _first_months,
        True,
        True,
        False,
    ),
    (
        r"годом\s+(?:ранее|раньше)|(?:a|one)\s+year\s+(?:earlier|before)|the\s+year\s+before",
        _year_before,
        True,
        True,
        False,
    ),
    (
        rf"(?:(?:в|за)\s+)?(?P<n>перв|втор)\w*\s+(?:полугоди\w*|половин\w*)\s+"
        rf"(?:(?P<y>{Y}){_YEAR_WORD}|(?P<this>{_THIS_YEAR}))?",
        _half,
        True,
        True,
        False,
    ),
    (
        rf"(?:in\s+|during\s+|for\s+)?the\s+(?P<n>first|second)\s+half\s+of\s+(?:(?P<y>{Y})|"
        rf"(?P<this>this\s+year|the\s+year))",
        _half,
        True,
        True,
        False,
    ),
    (rf"\b(?P<n>h[12])\s+(?P<y>{Y})", _half, True, True, False),
    (
        rf"(?:(?:в|за)\s+)?(?P<n>перв|втор|трет|четв[её]рт)\w*\s+квартал\w*\s+"
        rf"(?:(?P<y>{Y}){_YEAR_WORD}|(?P<this>{_THIS_YEAR}))?",
        _quarter,
        True,
        True,
        False,
    ),
    (
        rf"(?:in\s+|during\s+)?the\s+(?P<n>first|second|third|fourth)\s+quarter\s+of\s+"
        rf"(?:(?P<y>{Y})|(?P<this>this\s+year))",
        _quarter,
        True,
        True,
        False,
    ),
    (rf"\b(?P<n>q[1-4])\s+(?P<y>{Y})", _quarter, True, True, False),
    (
        rf"(?:к|до|по)\s+кон\w+\s+(?P<m>{M})(?:\s+(?P<y>{Y}){_YEAR_WORD}|\s+(?P<this>{_THIS_YEAR}))?",
        _by_month_end,
        False,
        True,
        False,
    ),
    (
        rf"(?:by|until|through|to|at)\s+the\s+end\s+of\s+(?P<m>{M})(?:\s+(?P<y>{Y})|\s+(?P<this>this\s+year))?",
        _by_month_end,
        False,
        True,
        False,
    ),
    (
        r"(?:по\s+состоянию\s+на|as\s+of|as\s+at)\s+(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d{2})",
        _by_numeric,
        False,
        True,
        True,
    ),
    (
        rf"(?:по\s+состоянию\s+на|as\s+of|as\s+at)\s+(?P<d>\d{{1,2}})(?!\d)\s+(?P<m>{M})(?:,?\s+(?P<y>{Y}){_YEAR_WORD})?",
        _by_day,
        False,
        True,
        True,
    ),
    (
        rf"(?:as\s+of|as\s+at)\s+(?P<m>{M})\s+(?P<d>\d{{1,2}})(?!\d)(?:,?\s+(?P<y>{Y}))?",
        _by_day,
        False,
        True,
        True,
    ),
    (
        rf"(?:к|на|by|until)\s+(?P<d>\d{{1,2}})(?!\d)\s+(?P<m>{M})(?:,?\s+(?P<y>{Y}){_YEAR_WORD})?",
        _by_day,
        False,
        True,
        False,
    ),
    (
        rf"by\s+(?P<m>{M})\s+(?P<d>\d{{1,2}})(?!\d)(?:,?\s+(?P<y>{Y}))?",
        _by_day,
        False,
        True,
        False,
    ),
    (
        rf"(?:(?:в|за|in|during|for|of|throughout)\s+)?(?:одном\s+(?:только\s+)?|только\s+)?"
        rf"(?P<m>{M})\s+(?:(?P<y>{Y}){_YEAR_WORD}|(?P<this>{_THIS_YEAR}))",
        _month,
        True,
        True,
        False,
    ),
    (
        r"(?:в|за)\s+(?:одном\s+(?:только\s+)?|только\s+)?(?P<m>январ[а-я]*|феврал[а-я]*|март[а-я]*|"
        r"апрел[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*|август[а-я]*|сентябр[а-я]*|октябр[а-я]*|"
        r"ноябр[а-я]*|декабр[а-я]*)\b",
        _month,
        True,
        True,
        False,
    ),
    (
        r"(?:in|during|for|throughout)\s+(?P<m>january|february|march|april|may|june|july|august|"
        r"september|october|november|december)\b(?!\s+\d)",
        _month,
        True,
        True,
        False,
    ),
    (
        rf"(?:(?:в|за|in|during|for|over|between)\s+)?(?P<y1>{Y})\s*(?:[-–—]|and|to|по)\s*"
        rf"(?P<y2>{Y})(?:\s*(?:гг\.|годы|годах|годов|год\w*))?",
        _year_range,
        True,
        True,
        False,
    ),
    (
        rf"(?:(?:в|за)\s+(?:весь\s+|целый\s+|прошлый\s+|минувший\s+)?)?(?P<y>{Y})\s*(?:г\.|год\w*)",
        _whole_year,
        True,
        True,
        False,
    ),
    (
        rf"(?:in|during|for|throughout|over|of)\s+(?:the\s+(?:whole|entire|full|entirety)\s+(?:of\s+)?|all\s+"
        rf"of\s+|the\s+year\s+|whole\s+)?(?P<y>{Y})\b",
        _whole_year,
        True,
        True,
        False,
    ),
    (rf"\b(?P<y>{Y})\s+(?:alone|total|figure|tally)\b", _whole_year, True, True, False),
    (rf"(?:в|за|по\s+итогам)\s+(?P<y>{Y})\b(?![.,]\d)", _whole_year, True, True, False),
    (
        r"(?:в|за)\s+(?:весь\s+|целый\s+)?(?:этом|текущем|нынешнем|сем|этот|текущий|нынешний)\s+"
        r"год\w*|с\s+начала\s+(?:этого\s+|текущего\s+|нынешнего\s+)?года|(?:so\s+far\s+)?this\s+"
        r"year|since\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year|year\s+to\s+date",
        _this_year,
        True,
        True,
        False,
    ),
    (
        r"(?:в|за)\s+(?:весь\s+|целый\s+)?(?:прошл|предыдущ|минувш|прошедш)\w*\s+год\w*|"
        r"(?:прошл|предыдущ|минувш)\w*\s+год\w*|(?:(?:in|during|for|than|of|over)\s+)?(?:all\s+of\s+|the\s+"
        r"(?:whole|entire|full|entirety)\s+(?:of\s+)?)?(?:the\s+)?(?:last|previous|preceding|prior)\s+year",
        _last_year,
        True,
        True,
        False,
    ),
    (
        r"за\s+(?:последн\w+\s+|прошедш\w+\s+)?год\b|за\s+последние\s+12\s+месяцев|"
        r"(?:over|in|during|within)\s+the\s+(?:past|last)\s+(?:year|12\s+months|twelve\s+months)|"
        r"within\s+a\s+year|in\s+(?:just\s+|only\s+)?(?:a|one)\s+(?:single\s+)?year\b|"
        r"за\s+(?:один\s+|всего\s+|только\s+)?(?:один\s+)?год\b",
        _past_year,
        True,
        True,
        False,
    ),
    (
        r"(?:в|за)\s+прошл\w+\s+месяц\w*|last\s+month|(?:in|during)\s+the\s+previous\s+month",
        _last_month,
        True,
        True,
        False,
    ),
)
_COMPILED = tuple((re.compile(p), rule, f, t, a) for p, rule, f, t, a in PERIOD_PATTERNS)

RATE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\b(?:в|за)\s+(?:одну\s+)?неделю\b|еженедельно|кажд\w+\s+недел\w+", "week"),
    (
        r"\b(?:a|per|each|every)\s+week\b(?!\s+(?:ago|later|earlier|before|after))|\bweekly\b",
        "week",
    ),
    (
        r"\b(?:в|за)\s+(?:один\s+|одн\w+\s+)?месяц\b(?!\s+до)|ежемесячно|кажд\w+\s+месяц\w*",
        "month",
    ),
    (
        r"\b(?:a|per|each|every)\s+month\b(?!\s+(?:ago|later|earlier|before|after))|\bmonthly\b|"
        r"\bin\s+(?:one|a\s+single|a)\s+month\b(?!\s+(?:ago|later))",
        "month",
    ),
    (r"\b(?:в|за)\s+(?:один\s+)?(?:день|сутки)\b|ежедневно|кажд\w+\s+день", "day"),
    (r"\b(?:a|per|each|every)\s+day\b|\bdaily\b", "day"),
)
_RATES = tuple((re.compile(p), per) for p, per in RATE_PATTERNS)

# full dates, for the publication date read from a text
DATE_PATTERNS: tuple[str, ...] = (
    rf"(?P<d>\d{{1,2}})(?!\d)\s+(?P<m>{M}),?\s+(?P<y>{Y})",
    rf"(?P<m>{M})\s+(?P<d>\d{{1,2}})(?!\d),?\s+(?P<y>{Y})",
    r"(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d{2})",
    r"(?P<y>(?:19|20)\d{2})-(?P<mo>\d{2})-(?P<d>\d{2})",
)
_DATES = tuple(re.compile(p) for p in DATE_PATTERNS)


def find_periods(low: str, start: int, end: int, published: dt.date) -> list[PeriodMention]:
    """Period mentions in `low[start:end]` (the lower-cased text), without overlaps."""
    taken: list[tuple[int, int]] = []
    out = []
    for pattern, rule, sets_from, sets_to, as_of in _COMPILED:
        for m in pattern.finditer(low, start, end):
            s, e = m.start(), m.end()
            while s < e and low[s].isspace():
                s += 1
            if s == e or any(s < te and ts < e for ts, te in taken):
                continue
            if s > 0 and (low[s - 1].isalnum()) and low[s].isalnum():
                continue  # inside a word
            try:
                dates = rule(m, published)
            except ValueError:  # 31 February and the like: not a date
                continue
            if dates is None:
                continue
            taken.append((s, e))
            out.append(
                PeriodMention(
                    s,
                    e,
                    dates[0],
                    dates[1],
                    sets_from or dates[0] is not None,
                    sets_to,
                    as_of,
                    year_before=rule is _year_before,
                )
            )
    return sorted(out, key=lambda p: p.start)


def find_rates(low: str, start: int, end: int) -> list[RateMention]:
    out: list[RateMention] = []
    for pattern, per in _RATES:
        for m in pattern.finditer(low, start, end):
            if not any(m.start() < r.end and r.start < m.end() for r in out):
                out.append(RateMention(m.start(), m.end(), per))
    return sorted(out, key=lambda r: r.start)


def find_dates(low: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, dt.date]]:
    """Full dates (day, month, year) in the text, in text order."""
    out: list[tuple[int, int, dt.date]] = []
    stop = len(low) if end is None else end
    for pattern in _DATES:
        for m in pattern.finditer(low, start, stop):
            if any(m.start() < e and s < m.end() for s, e, _ in out):
                continue
            month = int(m.group("mo")) if _g(m, "mo") else month_number(m.group("m"))
            try:
                day = dt.date(int(m.group("y")), month or 0, int(m.group("d")))
            except ValueError:
                continue
            out.append((m.start(), m.end(), day))
    return sorted(out)
