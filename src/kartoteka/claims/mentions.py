"""What a figure is about: articles and parts (by number and by name), courts and regions
(matched against the court registry passed in), comparisons between periods, and the
punishments, regimes and service statuses a figure about sentences names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kartoteka.claims.lexicon import (
    ARTICLE_NAMES,
    MEAN_WORDS,
    MEDIAN_WORDS,
    MOBILISATION_NAMES,
    MOBILISATION_QUALIFIERS,
    PUNISHMENT_NAMES,
    REGIME_NAMES,
    SERVICE_NAMES,
)
from kartoteka.claims.text import Token, find_phrases, lemmas_of, match_at
from kartoteka.registry.courts import Court
from kartoteka.russian import analyser


@dataclass(frozen=True, slots=True)
class ArticleMention:
    start: int
    end: int
    articles: frozenset[str] | None  # None: any article (only "the mobilisation parts")
    parts: frozenset[str]  # article.part keys
    mobilisation: bool


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    court: str | None
    region: str | None
    unresolved: str | None  # a court or region named but not found in the registry


@dataclass(frozen=True, slots=True)
class ComparisonMention:
    start: int
    end: int
    other_start: int  # the "than ..." part: its periods are the other side's
    other_end: int
    comparator: str
    factor: float
    quantity_words_end: int  # where the words naming what is compared end (for the span)


_ART = r"\d{3}(?:\.\d)?"
_PART = r"\d{1,2}(?:\.\d{1,2})?"
_ST = r"(?:ст\.?|стать(?:я|и|е|ю|ей|ям|ями|ях)|art(?:icle)?s?\.?)"
_CH = r"(?:ч\.?|част(?:ь|и|ью|ям|ями|ях)|part(?:s)?)"
ARTICLE_PATTERNS: tuple[str, ...] = (
    # ч. 5 ст. 337; части 2.1 и 3.1 статьи 337; part 5 of Article 337
    rf"{_CH}\s*(?P<parts>{_PART}(?:\s*(?:,|и|and|or|или)\s*{_PART})*)\s+(?:of\s+(?:the\s+)?)?"
    rf"{_ST}\s*(?P<art>{_ART})",
    # ст. 337 ч. 5; Article 337(5); статьи 337, 338 и 332
    rf"{_ST}\s*(?P<arts>{_ART}(?:\s*(?:,|и|and|or|или)\s*{_ART})*)"
    rf"(?:\s*(?:\((?P<p1>{_PART})\)|{_CH}\s*(?P<p2>{_PART})))?",
    # 337-й статье, по 337-й
    rf"(?P<arts>{_ART})-(?:й|я|ой|ей|ю|му|ом|го)\b(?:\s+стать\w*)?",
)
_ARTICLE_RES = tuple(re.compile(p) for p in ARTICLE_PATTERNS)


def numbered_articles(low: str, start: int, end: int) -> list[ArticleMention]:
    out: list[ArticleMention] = []
    for pattern in _ARTICLE_RES:
        for m in pattern.finditer(low, start, end):
            if m.start() > 0 and low[m.start() - 1].isalnum():
                continue
            if any(m.start() < o.end and o.start < m.end() for o in out):
                continue
            groups = m.groupdict()
            if groups.get("art"):
                article = groups["art"]
                parts = re.findall(_PART, groups["parts"])
                out.append(
                    ArticleMention(
                        m.start(),
                        m.end(),
                        frozenset({article}),
                        frozenset(f"{article}.{p}" for p in parts),
                        False,
                    )
                )
            else:
                articles = re.findall(_ART, groups["arts"])
                part = groups.get("p1") or groups.get("p2")
                keys = frozenset({f"{articles[-1]}.{part}"}) if part else frozenset()
                out.append(ArticleMention(m.start(), m.end(), frozenset(articles), keys, False))
    return sorted(out, key=lambda a: a.start)


def named_articles(words: Sequence[Token]) -> list[ArticleMention]:
    out = []
    for i, n, phrase in find_phrases(words, [*ARTICLE_NAMES, *MOBILISATION_NAMES]):
        if phrase in MOBILISATION_NAMES:
            out.append(
                ArticleMention(words[i].start, words[i + n - 1].end, None, frozenset(), True)
            )
        else:
            articles, parts, mob = ARTICLE_NAMES[phrase]
            out.append(ArticleMention(words[i].start, words[i + n - 1].end, articles, parts, mob))
    return out


def with_qualifiers(mentions: list[ArticleMention], words: Sequence[Token]) -> list[ArticleMention]:
    """An article followed by "в период мобилизации" / "during mobilisation" means its
    mobilisation parts; the mention then covers the qualifier too."""
    out = []
    for a in mentions:
        after = [k for k, w in enumerate(words) if w.start >= a.end][:3]
        qualified = None
        for k in after:
            for phrase in MOBILISATION_QUALIFIERS:
                n = match_at(words, k, phrase)
                if n:
                    qualified = words[k + n - 1].end
                    break
            if qualified:
                break
        if qualified and a.articles is not None:
            out.append(ArticleMention(a.start, qualified, a.articles, a.parts, True))
        else:
            out.append(a)
    return out


# -- courts and regions -------------------------------------------------------------------------
_GENERIC = frozenset({"военный", "суд", "military", "court"})
COURT_PATTERN = re.compile(
    r"(?P<name>(?:(?:\d{1,4}(?:-?(?:го|й|м|ого|му|ом))?|[А-ЯЁ][а-яё-]{1,30})\s+){1,3})"
    r"(?P<level>гарнизонн\w+|окружн\w+|флотск\w+)\s+(?:военн\w+\s+)?суд\w*"
    r"(?P<tail>\s*\([^()]{1,40}\))?(?:\s*№\s*(?P<num>\d+))?"
    r"|(?P<en>(?:(?:the\s+)?(?:\d{1,4}(?:st|nd|rd|th)|[A-Z][\w-]{1,30})\s+){1,3})"
    r"(?P<enlevel>(?i:garrison|district|fleet))\s+(?i:military\s+)?(?i:court)"
)
REGION_PATTERN = re.compile(
    r"[А-ЯЁ][а-яё-]{1,30}(?:ой|ом|ая|ую|ий|ого|ому|ем|ей)\s+(?:област[а-я]*|кра[йяею]|округ[а-я]*)"
    r"|(?:[Рр]еспублик[а-я]*)\s+[А-ЯЁ][а-яё-]{1,30}"
    r"|[A-Z][\w-]{1,30}\s+(?:region|oblast|krai|republic)\b"
)


def _key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(w for w in words if w not in _GENERIC))


class PlaceIndex:
    """The court registry as lemma keys: a court by the words of its name (case endings
    aside: "Пермского гарнизонного военного суда" is "Пермский гарнизонный военный суд"),
    a region by the words of its name."""

    def __init__(self, courts: Iterable[Court]) -> None:
        self.courts: dict[tuple[str, ...], Court] = {}
        self.regions: dict[tuple[str, ...], str] = {}
        for court in courts:
            words = re.findall(r"[\w-]+", court.name.lower().replace("ё", "е"))
            self.courts[_key(_first_lemma(w) for w in words)] = court
            if court.region:
                region_words = re.findall(r"[\w-]+", court.region.lower().replace("ё", "е"))
                key = tuple(_first_lemma(w) for w in region_words)
                self.regions[key] = court.region
                if len(key) > 1 and key[0] == "город":  # "Город Москва": "в Москве"
                    self.regions[key[1:]] = court.region

    def court(self, name: str, level: str) -> Court | None:
        words = re.findall(r"\d+|[^\W\d][\w-]*", name.lower().replace("ё", "е"))
        words = [w for w in words if w not in _NOT_NAME]
        if level.lower() in _EN_LEVELS:  # "Perm garrison court", "the 224th garrison court"
            return self._court_en(words, _EN_LEVELS[level.lower()])
        options = [lemmas_of(w) for w in [*words, level]]
        for key, court in self.courts.items():
            if len(key) == len(options) and _covers(key, options):
                return court
        return None

    def _court_en(self, words: list[str], level: str) -> Court | None:
        """An English court name: the level word translated, the place name compared with the
        registry name transliterated ("Perm" → "permskii", "Pskov" → "pskovskii")."""
        found = [
            court
            for key, court in self.courts.items()
            if level in key
            and len(key) == len(words) + 1
            and all(any(_latin_matches(w, k) for k in key if k != level) for w in words)
        ]
        return found[0] if len(found) == 1 else None

    def region_en(self, name: str) -> str | None:
        """An English region ("Pskov region", "Perm Krai"): the registry region whose
        transliterated name starts like it, when exactly one does."""
        word = name.split()[0]
        found = {
            region
            for key, region in self.regions.items()
            if any(_latin_matches(word.lower(), k) for k in key if k != "город")
        }
        return found.pop() if len(found) == 1 else None

    def regions_in(self, words: Sequence[Token]) -> list[tuple[int, int, str]]:
        out = []
        for key, region in self.regions.items():
            for i in range(len(words) - len(key) + 1):
                if all(key[k] in words[i + k].lemmas for k in range(len(key))):
                    out.append((words[i].start, words[i + len(key) - 1].end, region))
        return out


_NOT_NAME = frozenset({"the", "го", "й", "м", "ого", "th", "st", "nd", "rd"})
_EN_LEVELS = {"garrison": "гарнизонный", "district": "окружной", "fleet": "флотский"}
_LATIN = dict(
    zip(
        "абвгдезийклмнопрстуфыэ",
        ["a", "b", "v", "g", "d", "e", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
         "t", "u", "f", "y", "e"],
        strict=True,
    )
) | {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya",
     "ъ": "", "ь": "", "ё": "e"}  # fmt: skip


def _latin(word: str) -> str:
    return "".join(_LATIN.get(c, c) for c in word.lower())


def _english_key(word: str) -> str:
    """An English spelling of a Russian place brought near its transliteration."""
    w = word.lower().replace("-on-don", "").replace("petersburg", "peterburg")
    w = re.sub(r"^ye", "e", w)
    w = re.sub(r"c(?!h)", "k", w)  # Moscow → moskow
    w = re.sub(r"w$", "", w)
    return w.replace("saint", "sankt")


def _latin_matches(english: str, russian: str) -> bool:
    if english.isdigit():
        return english == russian
    key = _english_key(english)
    return len(key) >= 4 and _latin(russian).startswith(key)


def _covers(key: tuple[str, ...], options: list[frozenset[str]]) -> bool:
    left = list(options)
    for word in key:
        hit = next((o for o in left if word in o), None)
        if hit is None and len(word) >= 5 and not word.isdigit():  # a lemma pymorphy misses
            hit = next((o for o in left if any(x.startswith(word) for x in o)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def _first_lemma(word: str) -> str:
    forms = lemmas_of(word)
    if re.search(r"[а-я]", word):  # the analyser's first reading
        return analyser().parse(word)[0].normal_form.replace("ё", "е")
    return next(iter(forms))


def places(
    text: str, start: int, end: int, words: Sequence[Token], index: PlaceIndex
) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    for m in COURT_PATTERN.finditer(text, start, end):
        if m.group("name"):
            extra = f"{m.group('tail') or ''} {m.group('num') or ''}"
            court = index.court(m.group("name") + " " + extra, m.group("level"))
            label = m.group().strip()
        else:
            court = index.court(m.group("en"), m.group("enlevel").lower())
            label = m.group().strip()
        s = m.start("name") if m.group("name") else m.start("en")
        if court is not None:
            out.append(PlaceMention(s, m.end(), court.code, None, None))
        else:
            out.append(PlaceMention(s, m.end(), None, None, f"court not in the registry: {label}"))
    for s, e, region in index.regions_in(words):
        if not any(s < p.end and p.start < e for p in out):
            out.append(PlaceMention(s, e, None, region, None))
    for m in REGION_PATTERN.finditer(text, start, end):
        if not any(m.start() < p.end and p.start < m.end() for p in out):
            english = index.region_en(m.group()) if m.group().isascii() else None
            if english is not None:
                out.append(PlaceMention(m.start(), m.end(), None, english, None))
                continue
            out.append(
                PlaceMention(
                    m.start(), m.end(), None, None, f"region not in the registry: {m.group()}"
                )
            )
    return sorted(out, key=lambda p: p.start)


# -- comparisons between periods ---------------------------------------------------------------
_FACTOR_WORDS = {
    "вдвое": 2.0,
    "втрое": 3.0,
    "вчетверо": 4.0,
    "впятеро": 5.0,
    "twice": 2.0,
    "double": 2.0,
    "doubled": 2.0,
    "triple": 3.0,
    "tripled": 3.0,
    "два": 2.0,
    "две": 2.0,
    "три": 3.0,
    "четыре": 4.0,
    "пять": 5.0,
    "полтора": 1.5,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "шесть": 6.0,
    "семь": 7.0,
    "восемь": 8.0,
    "десять": 10.0,
}
COMPARISON_PATTERNS: tuple[str, ...] = (
    # больше, чем за весь прошлый год; вдвое больше дел, чем в 2022 году
    r"(?P<pre>более\s+чем\s+|больше\s+чем\s+)?(?P<factor>вдвое|втрое|вчетверо|впятеро|в\s+(?:\d+(?:[.,]\d)?|два|три|четыре|пять|шесть|семь|восемь|десять|полтора)\s+раза?\s+)?"
    r"\s*(?P<dir>больше|меньше|превышает|выше|ниже)\b(?P<what>(?:\s+[а-яё]+){0,4}?)[\s,]+(?:чем|по\s+сравнению\s+с)\s+(?P<other>[^.;()]{1,60})",
    # превысило показатель всего 2023 года
    r"(?P<dir>превысил\w*|превзош\w*|обогнал\w*|перекрыл\w*|превышает)\s+(?P<other>[^.;()]{1,60})",
    # twice as many cases as in 2023; more cases than in the entire previous year
    r"(?P<pre>more\s+than\s+)?(?P<factor>twice|(?:two|three|four|five|six|seven|eight|nine|ten|\d+(?:\.\d)?)\s+times)?\s*"
    r"(?P<dir>more|fewer|less|as\s+many|as\s+much|higher|greater|lower)\b(?P<what>(?:\s+[a-z]+){0,4}?)\s+(?:than|as)\s+(?P<other>[^.;()]{1,60})",
    # double the amount of 2022
    r"(?P<factor>double|twice|triple)\s+(?:the\s+)?(?:amount|number|total|figure|count|tally)\s+(?P<other>(?:of|for|in)\s+[^.;()]{1,40})",
    # already exceeded the total for 2023
    r"(?P<dir>exceed\w*|surpass\w*|overtook|overtaken|outstrip\w*|topped|outnumber\w*)\s+(?P<other>[^.;()]{1,60})",
)
_COMPARISON_RES = tuple(re.compile(p) for p in COMPARISON_PATTERNS)
_OTHER_END = re.compile(r"\s+(?:and|but|while|whereas|а|и|но|или|or)\s+|[,—–:]")


def _factor(word: str | None) -> float:
    if not word:
        return 1.0
    word = word.strip()
    for key, value in _FACTOR_WORDS.items():
        if re.search(rf"\b{key}\b", word):
            return value
    number = re.search(r"\d+(?:[.,]\d)?", word)
    return float(number.group().replace(",", ".")) if number else 1.0


def comparisons(low: str, start: int, end: int) -> list[ComparisonMention]:
    """Comparison phrases; whether the other side names a period is decided by the reader
    (a comparison with a number, "more than 13,000", is a comparator, not a comparison)."""
    out: list[ComparisonMention] = []
    for pattern in _COMPARISON_RES:
        pos = start
        while (m := pattern.search(low, pos, end)) is not None:
            pos = m.end()
            begin = m.start()
            while begin < m.end() and low[begin].isspace():
                begin += 1
            if begin > 0 and low[begin - 1].isalnum():
                pos = begin + 1
                continue
            # the other side ends at a clause boundary: "twice the total for 2022 and three
            # times more than 2021" is two comparisons
            other_end = m.end("other")
            cut = _OTHER_END.search(low, m.start("other"), other_end)
            if cut:
                other_end = cut.start()
                pos = other_end
            if any(begin < c.end and c.start < other_end for c in out):
                continue
            groups = m.groupdict()
            direction = (groups.get("dir") or "").strip()
            factor = _factor(groups.get("factor"))
            if direction.startswith(("меньше", "ниже", "fewer", "less", "lower")):
                comparator = "lt"
            elif direction.startswith("as") or (groups.get("factor") and not groups.get("pre")):
                comparator = "about" if factor != 1.0 else "eq"
            else:
                comparator = "gt"
            if not direction and groups.get("factor"):
                comparator = "about"
            what_end = (
                m.end("what")
                if groups.get("what")
                else m.end("dir")
                if direction
                else m.start("other")
            )
            out.append(
                ComparisonMention(
                    begin, other_end, m.start("other"), other_end, comparator, factor, what_end
                )
            )
    return sorted(out, key=lambda c: c.start)


# -- sentences -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SentenceMention:
    """A word about what verdicts handed down: a punishment ("условные сроки", "disciplinary
    unit"), a colony regime ("колония-поселение"), a service status ("мобилизованных",
    "contract soldiers"), or a statistic of terms ("медианный", "average")."""

    start: int
    end: int
    kind: str  # punishment | regime | service | median | mean
    value: str


_SENTENCE_WORDS: dict[str, tuple[str, str]] = {
    **{p: ("punishment", v) for p, v in PUNISHMENT_NAMES.items()},
    **{p: ("regime", v) for p, v in REGIME_NAMES.items()},
    **{p: ("service", v) for p, v in SERVICE_NAMES.items()},
    **{p: ("median", "median") for p in MEDIAN_WORDS},
    **{p: ("mean", "mean") for p in MEAN_WORDS},
}
_SENTENCE_PHRASES = tuple(_SENTENCE_WORDS)


def sentence_mentions(words: Sequence[Token]) -> list[SentenceMention]:
    """Every punishment, regime, service status and statistic word of a sentence's words
    (longest phrase first: "условное лишение свободы" is one suspended punishment)."""
    out = []
    for i, n, phrase in find_phrases(words, _SENTENCE_PHRASES):
        kind, value = _SENTENCE_WORDS[phrase]
        out.append(SentenceMention(words[i].start, words[i + n - 1].end, kind, value))
    return out
