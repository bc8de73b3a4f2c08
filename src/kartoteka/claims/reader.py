"""Reading numeric claims from a news text: `read_claims(text, published, courts)`.

Pure: no store, no network. For each sentence the reader finds the figures, the periods,
articles, courts/regions, rates and comparisons (each with its span), decides what each
figure counts from the words around it, and binds every other mention to the figure it
belongs to:

- a mention binds to the nearest figure, measured from the end of the figure's phrase
  ("43 cases") to the mention, or from the mention forward to a figure; a clause boundary
  between them (comma, semicolon, colon, bracket, dash, "а"/"and"/"but") makes it further;
- mentions before the first figure of a sentence ("Since mobilisation, ...") apply to every
  figure of the sentence that has none of its own;
- a figure right before an article ("471 ст.337") or in brackets after one ("Article 332
  (25)") is an item of the sentence's first figure and takes its quantity and period;
- a sentence that names no article (or no period, or no court) takes the one the previous
  sentence of the same paragraph had, when all its claims agreed on it ("There were 844 cases
  of AWOL" after "In May 2024 alone, 929 cases ...").

A figure whose quantity the text does not say, a share of something not counted, a vague
number ("тысячи дел") and a comparison whose sides cannot be read are reported as
`Unmapped`, never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kartoteka.claims import lexicon as lx
from kartoteka.claims.mentions import (
    ArticleMention,
    ComparisonMention,
    PlaceIndex,
    PlaceMention,
    SentenceMention,
    comparisons,
    named_articles,
    numbered_articles,
    places,
    sentence_mentions,
    with_qualifiers,
)
from kartoteka.claims.model import SENTENCE_QUANTITIES, Claim, Comparison, Reading, Side, Unmapped
from kartoteka.claims.numbers import Figure, digit_figures, word_figures
from kartoteka.claims.periods import (
    M,
    PeriodMention,
    RateMention,
    find_dates,
    find_periods,
    find_rates,
    month_end,
)
from kartoteka.claims.text import (
    Sentence,
    Token,
    find_phrases,
    is_noun,
    match_at,
    normalise,
    sentences,
    word_tokens,
)
from kartoteka.registry.courts import Court

_STRONG = frozenset(";:)]")
_OPEN = frozenset("([")
_COMMA = frozenset(",")
_WEAK = frozenset({"—", "–", "а", "and", "but", "но", "while", "whereas", "или", "or", "и"})
MAX_SENTENCE = 2000  # characters; a longer "sentence" is a table or a dump, not prose
_UNSTATED = "the period of this side is not stated"
# a period that refers back to an earlier sentence: taken from it, else not checkable
_ANAPHORIC = re.compile(
    r"\b(?:за\s+это\s+время|за\s+этот\s+период|с\s+тех\s+пор|за\s+тот\s+же\s+период|"
    r"during\s+(?:this|that|the\s+same)\s+(?:time|period)|since\s+then|over\s+(?:this|that)\s+period)\b"
)
_NAME_WORDS = frozenset(
    w for phrase in lx.ARTICLE_NAMES for w in phrase.split() if w.isascii() and len(w) > 3
)
# "из них 18 159 — …", "of which 9,059 …": an item of the sentence's first figure
_OF_THESE = re.compile(
    r"(?:из\s+них|из\s+которых|в\s+том\s+числе|of\s+(?:which|these|them)|including)[\s,:—–-]*$"
)
# "2,000 more cases … than", "на 400 дел больше, чем": a difference, not a count
_DIFFERENCE = re.compile(
    r"\s+(?:more|fewer|less|больше|меньше)\b(?:\s+\w+){0,8}?\s+(?:than|чем)\b"
    r"|\s+(?:[а-яё]+\s+){0,2}(?:больше|меньше)\s*,?\s+чем\b"
)
# "из 300 осуждённых условные сроки получили 180", "out of 300 convicted, 180 …"
_OUT_OF = re.compile(r"(?:\bиз|\bout\s+of|\bof\s+the)\s*$")
_RELATIVE = frozenset({"where", "which", "that", "who", "где", "который", "которые", "что"})
_FILLERS = frozenset({"уже", "already", "just", "всего", "still", "a", "total", "of", "an"})
_DAY_MONTH = re.compile(rf"\b\d{{1,2}}\s+{M}|{M}\s+\d{{1,2}}\b")
_PERCENT = re.compile(r"\s*(?:%|процент[а-я]*|per\s*cent|percent)")
_ORDINAL = re.compile(r"(?:-?(?:й|го|ого|м|я|ой|ом|му|ю)\b|(?:st|nd|rd|th)\b|-[a-zа-яё])")


@dataclass
class _Anchor:
    """A figure or comparison the sentence's mentions bind to."""

    start: int
    end: int  # end of the figure's phrase (figure + quantity words), for binding
    kind: str  # figure | comparison
    figure: Figure | None = None
    quantity: str | None = None
    comparator: str = "eq"
    comparator_start: int | None = None
    item: bool = False  # an item of the sentence's first figure ("471 ст.337")
    comparison: ComparisonMention | None = None
    own: dict[str, list[object]] = field(default_factory=dict)
    term_months: float | None = None  # a term of imprisonment: its value in months
    term_precision: float = 1.0  # and its rounding unit in months ("5 лет": 12)
    total: bool = False  # "из 300 осуждённых …": the whole a later figure is a part of
    paired: list[object] = field(default_factory=list)  # "A чаще, чем B — 35 % против 28 %"


def read_claims(
    text: str,
    published: dt.date | None = None,
    courts: Iterable[Court] = (),
    today: dt.date | None = None,
) -> Reading:
    """Every numeric claim of a Russian or English text, as metric queries, in text order;
    relative periods are resolved against `published` (else a date read from the text,
    else `today`). `courts` is the registry court and region names are matched against."""
    today = today or dt.date.today()
    low = normalise(text)
    if published is not None:
        as_of, source = published, "given"
    else:
        found = publication_date(text)
        as_of, source = (found, "text") if found else (today, "today")
    index = PlaceIndex(courts)
    claims: list[Claim] = []
    unmapped: list[Unmapped] = []
    previous: list[Claim] = []
    previous_paragraph = -1
    for sentence in sentences(text):
        if sentence.paragraph != previous_paragraph:
            previous, previous_paragraph = [], sentence.paragraph
        if sentence.end - sentence.start > MAX_SENTENCE:
            unmapped.append(
                Unmapped(
                    (sentence.start, sentence.end),
                    text[sentence.start : sentence.start + 200],
                    f"a sentence longer than {MAX_SENTENCE} characters is not read",
                )
            )
            previous = []
            continue
        found_claims, found_unmapped = _read_sentence(text, low, sentence, as_of, index, previous)
        claims += found_claims
        unmapped += _dedupe(found_unmapped)
        if found_claims:
            previous = found_claims
    return Reading(as_of, source, tuple(claims), tuple(unmapped))  # type: ignore[arg-type]


def publication_date(text: str) -> dt.date | None:
    """The publication date a text states: a date on its first line (a dateline), or after
    "опубликовано"/"published"/"дата публикации", else None."""
    low = normalise(text)
    first_line_end = low.find("\n")
    first_line_end = len(low) if first_line_end < 0 else first_line_end
    head = find_dates(low, 0, min(first_line_end, 160))
    if head:
        return head[0][2]
    for m in re.finditer(r"(?:опубликован[а-я]*|дата\s+публикации|published|posted|updated)", low):
        dates = find_dates(low, m.end(), m.end() + 40)
        if dates:
            return dates[0][2]
    return None


# -- one sentence -------------------------------------------------------------------------------
def _read_sentence(
    text: str,
    low: str,
    sentence: Sentence,
    as_of: dt.date,
    index: PlaceIndex,
    previous: Sequence[Claim],
) -> tuple[list[Claim], list[Unmapped]]:
    s0, s1 = sentence.start, sentence.end
    words = word_tokens(sentence)
    periods = find_periods(low, s0, s1, as_of)
    rates = find_rates(low, s0, s1)
    articles = with_qualifiers(
        _without_overlaps(numbered_articles(low, s0, s1) + named_articles(words)), words
    )
    place_mentions = places(text, s0, s1, words, index)
    compared = _comparisons(low, s0, s1, periods)
    other_periods = [
        p for p in periods if any(c.other_start <= p.start < c.other_end for c in compared)
    ]
    periods = [p for p in periods if p not in other_periods]
    masks = [
        *((p.start, p.end) for p in [*periods, *other_periods]),
        *((a.start, a.end) for a in articles),
        *((p.start, p.end) for p in place_mentions if p.court or p.unresolved),
        *((m.start(), m.end()) for m in _DAY_MONTH.finditer(low, s0, s1)),
        *((s, e) for s, e, _ in find_dates(low, s0, s1)),
    ]
    unmapped: list[Unmapped] = []
    about_sentences = _sentence_words(words)
    anchors = _figure_anchors(
        text, low, sentence, words, masks, articles, periods, rates, about_sentences, unmapped
    )
    for c in compared:
        anchors.append(
            _Anchor(
                c.start, c.quantity_words_end, "comparison", comparator=c.comparator, comparison=c
            )
        )
    anchors.sort(key=lambda a: a.start)
    if not anchors:
        compared_groups = _groups_compared(
            text, words, about_sentences, articles, periods, place_mentions
        )
        return ([compared_groups] if compared_groups else []), unmapped
    kinds: dict[str, Sequence[object]] = {
        "article": articles,
        "period": periods,
        "place": place_mentions,
        "rate": rates,
        "sentence": about_sentences,
    }
    shared = _bind(sentence, anchors, kinds)
    _punishment_to_the_part(anchors)
    _respectively(anchors, shared)
    _shares_take_the_sentence_words(anchors, shared)
    head = next((a for a in anchors if a.kind == "figure" and not a.item and a.quantity), None)
    claims = []
    for anchor in anchors:
        claim = _claim(text, sentence, anchor, head, shared, previous, as_of, words, unmapped)
        if claim is not None:
            claims.append(claim)
    if any(_UNSTATED in c.notes for c in claims):  # "Over 1,000 cases, surpassing all of 2022"
        claims = [
            replace(c, notes=(*c.notes, _UNSTATED))
            if c.compare_to is None and not (c.side.from_ or c.side.to) and _UNSTATED not in c.notes
            else c
            for c in claims
        ]
    national = _has(words, lx.NATIONAL_WORDS)
    claims = _inherit(claims, previous, shared, anchors, national, as_of)
    if _has(words, lx.APPEAL_STAGE_WORDS):
        claims = [_after_appeal(c) for c in claims]
    anaphora = _ANAPHORIC.search(low, s0, s1)
    if anaphora and not periods:
        claims = [
            c
            if c.side.from_ or c.side.to
            else replace(
                c,
                side=replace(
                    c.side,
                    unresolved=c.side.unresolved
                    or f"the period refers back («{text[anaphora.start() : anaphora.end()]}») "
                    "to an earlier part of the text",
                ),
            )
            for c in claims
        ]
    return claims, unmapped


def _groups_compared(
    text: str,
    words: Sequence[Token],
    about: Sequence[SentenceMention],
    articles: Sequence[ArticleMention],
    periods: Sequence[PeriodMention],
    place_mentions: Sequence[PlaceMention],
) -> Claim | None:
    """ "Мобилизованные получают реальный срок чаще, чем контрактники", "contract soldiers are
    less likely than the mobilised to get suspended sentences": the share of a punishment in
    the first group named against the second, without figures."""
    found = find_phrases(words, lx.SHARE_COMPARATIVES)
    groups = [m for m in about if m.kind == "service"]
    punishments = [m for m in about if m.kind in ("punishment", "regime")]
    if not found or not punishments or len({g.value for g in groups}) != 2:
        return None
    first, second = groups[0], next(g for g in groups if g.value != groups[0].value)
    comparator = lx.SHARE_COMPARATIVES[found[0][2]]
    scope = _article_scope(articles)
    start, end = _periods(periods)
    court, region, unresolved = _place(place_mentions)
    regime = next((m.value for m in punishments if m.kind == "regime"), None)
    punishment = next((m.value for m in punishments if m.kind == "punishment"), None)
    if regime and not punishment:
        punishment = "imprisonment"

    def side(service: str) -> Side:
        return Side(
            "share_sentences",
            scope[0],
            scope[1],
            scope[2],
            start,
            end,
            None,
            court,
            region,
            unresolved,
            punishment=punishment,
            regime=regime,
            service=service,
        )

    span = (min(first.start, punishments[0].start), max(second.end, punishments[-1].end))
    return Claim(
        span,
        text[span[0] : span[1]],
        side(first.value),
        None,
        comparator,  # type: ignore[arg-type]
        Comparison(side(second.value), 1.0, (second.start, second.end)),
        1.0,
        (),
    )


def _after_appeal(claim: Claim) -> Claim:
    """A figure about sentences after appeal is not one about sentences as handed down."""
    if claim.side.quantity not in SENTENCE_QUANTITIES or claim.side.unresolved:
        return claim
    reason = (
        "a figure about sentences after appeal: the checker reads sentences as handed down "
        "at first instance"
    )
    return replace(claim, side=replace(claim.side, unresolved=reason))


def _without_overlaps(mentions: list[ArticleMention]) -> list[ArticleMention]:
    out: list[ArticleMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not any(m.start < o.end and o.start < m.end for o in out):
            out.append(m)
    return out


def _comparisons(
    low: str, start: int, end: int, periods: Sequence[PeriodMention]
) -> list[ComparisonMention]:
    """Comparisons whose other side begins with a period ("than in the entire previous
    year"); "more than 13,000" compares with a number and is a comparator instead."""
    out = []
    for c in comparisons(low, start, end):
        inside = [p for p in periods if c.other_start <= p.start < c.other_end]
        if not inside:
            continue
        lead = low[c.other_start : inside[0].start]
        if re.search(r"\d", lead) or len(lead) > 40:
            continue
        other_end = inside[-1].end if len(inside) == 1 else c.other_end
        out.append(
            replace(c, other_end=max(other_end, inside[0].end), end=max(other_end, inside[0].end))
        )
    return out


def _masked(start: int, end: int, masks: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in masks)


def _words_after(words: Sequence[Token], sentence: Sentence, pos: int, limit: int) -> list[Token]:
    """Up to `limit` words after `pos` in the same clause (stops at , ; : ( ) and dashes)."""
    out: list[Token] = []
    for t in sentence.tokens:
        if t.start < pos:
            continue
        if t.kind == "punct" and t.text in ",;:()[]—–":
            break
        if t.kind == "num":
            break
        if t.kind == "word":
            out += [w for w in words if t.start <= w.start < t.end]
        if len(out) >= limit:
            break
    return out[:limit]


def _words_before(
    words: Sequence[Token],
    sentence: Sentence,
    pos: int,
    limit: int,
    stops: str = ",;:()[]",
    across_numbers: bool = False,
) -> list[Token]:
    out: list[Token] = []
    for t in reversed(sentence.tokens):
        if t.end > pos:
            continue
        if t.kind == "punct" and t.text in stops:
            break
        if t.kind == "num" and not across_numbers:
            break
        if t.kind == "word":
            out = [w for w in words if t.start <= w.start < t.end] + out
        if len(out) >= limit:
            break
    return out[-limit:] if limit else []


def _phrase_after(
    words: Sequence[Token], phrases: Iterable[str], skip: int = 3, nouns_stop: bool = False
) -> tuple[str, Token] | None:
    """The first of `phrases` starting within the first `skip`+1 words, and its last word;
    with `nouns_stop`, only before the first other noun ("330 texts of sentences" names
    texts, not sentences)."""
    ordered = sorted(phrases, key=lambda p: -len(p.split()))
    for i in range(min(len(words), skip + 1)):
        for phrase in ordered:
            n = match_at(words, i, phrase)
            if n:
                return phrase, words[i + n - 1]
        if nouns_stop and words[i].lower in _RELATIVE:
            return None
        if nouns_stop and is_noun(words[i].text) and words[i].lower not in _NAME_WORDS:
            return None  # "AWOL cases", "desertion cases": an article's name is no stop
    return None


def _has(words: Sequence[Token], phrases: Iterable[str]) -> bool:
    return bool(find_phrases(words, phrases))


def _figure_anchors(
    text: str,
    low: str,
    sentence: Sentence,
    words: Sequence[Token],
    masks: Sequence[tuple[int, int]],
    articles: Sequence[ArticleMention],
    periods: Sequence[PeriodMention],
    rates: Sequence[RateMention],
    about_sentences: Sequence[SentenceMention],
    unmapped: list[Unmapped],
) -> list[_Anchor]:
    s0, s1 = sentence.start, sentence.end
    figures = [f for f in digit_figures(text, s0, s1) if not _masked(f.start, f.end, masks)]
    figures += [
        f
        for f in word_figures(words)
        if not _masked(f.start, f.end, masks)
        and not any(f.start < g.end and g.start < f.end for g in figures)
    ]
    found_fractions = find_phrases(words, lx.FRACTIONS)
    fractions = [
        (words[i].start, words[i + n - 1].end, lx.FRACTIONS[p]) for i, n, p in found_fractions
    ]
    # "каждый третий", "one in four": a proportion said loosely, "about"
    loose = {words[i].start for i, _, p in found_fractions if p in lx.LOOSE_FRACTIONS}
    figures = [f for f in figures if not any(f.start < e and s < f.end for s, e, _ in fractions)]
    figures += [Figure(s, e, v, 0.0, True) for s, e, v in fractions]
    kinds = {m.kind for m in about_sentences}
    sentencing = bool(kinds & {"punishment", "regime"})  # the sentence is about punishments
    shares_of_sentences = sentencing or ("service" in kinds and _has(words, lx.SENTENCE_NOUNS))
    majorities: set[int] = set()
    if shares_of_sentences:  # "the majority of sentences are suspended": more than a half
        for i, n, _ in find_phrases(words, lx.MAJORITY_WORDS):
            start, end = words[i].start, words[i + n - 1].end
            if not any(start < f.end and f.start < end for f in figures):
                figures.append(Figure(start, end, 0.5, 0.0, True))
                majorities.add(start)
    figures.sort(key=lambda f: f.start)
    topical = _has(words, lx.TOPIC_WORDS)
    statistic = bool(kinds & {"median", "mean"})
    anchors: list[_Anchor] = []
    consumed: set[int] = set()  # the months of "5 лет 6 месяцев", read with the years
    for k, fig in enumerate(figures):
        if fig.start in consumed:
            continue
        after = _words_after(words, sentence, fig.end, 5)
        before = _words_before(words, sentence, fig.start, 5)
        is_fraction = fig.precision == 0.0
        is_percent = bool(_PERCENT.match(low, fig.end))
        if not is_fraction and not is_percent and _ORDINAL.match(low, fig.end):
            continue
        if is_percent or is_fraction:
            if is_percent:
                pct = _PERCENT.match(low, fig.end)
                end = pct.end() if pct else fig.end
                fig = replace(fig, end=end, value=fig.value / 100, precision=fig.precision / 100)
            if shares_of_sentences:
                anchor = _anchor(fig, "share_sentences", fig.end, before, words)
                if fig.start in majorities:
                    anchor.comparator = "gt"
                elif fig.start in loose and anchor.comparator == "eq":
                    anchor.comparator = "about"
                anchors.append(anchor)
            elif topical and not is_fraction:
                unmapped.append(
                    _unmapped(text, sentence, fig, "a share of something kartoteka does not count")
                )
            continue
        unit = _phrase_after(after, lx.NOT_COUNT_UNITS, skip=0)
        if unit:
            continue
        if _DIFFERENCE.match(low, fig.end):
            unmapped.append(
                _unmapped(text, sentence, fig, 'a difference between periods ("N more than")')
            )
            continue
        term = _phrase_after(after, lx.TERM_UNITS, skip=0)
        if term:
            if fig.bare_year:
                continue
            anchor = _term_anchor(fig, term, figures[k + 1 :], low, words, sentence, before)
            if statistic:
                consumed.update(anchor.own.pop("consumed", []))  # type: ignore[arg-type]
                anchors.append(anchor)
            elif sentencing:
                unmapped.append(
                    _unmapped(
                        text,
                        sentence,
                        fig,
                        "a term without 'median' or 'average' (one sentence, or the "
                        "range the law sets), not a figure about sentences",
                    )
                )
            continue
        quantity, q_end = _quantity_after(after, before, sentence, words, fig, sentencing)
        if fig.bare_year and (
            quantity is None or q_end is None or not after or after[0].end != q_end
        ):
            continue
        if quantity is None:
            quantity, q_end = _quantity_before(
                _words_before(words, sentence, fig.start, 10, stops=",;:", across_numbers=True)
            )
        if quantity is None and re.search(r"\(\s*$", low[max(s0, fig.start - 3) : fig.start]):
            bracket = low.rfind("(", s0, fig.start)
            quantity = _noun_before_bracket(_words_before(words, sentence, bracket, 3))
            # "the majority of cases (471)"
        if quantity is None and not fig.words:
            item = (
                _item_of_article(low, fig, articles, periods)
                or any(0 <= r.start - fig.end <= 2 for r in rates)
                or bool(_OF_THESE.search(low, max(s0, fig.start - 25), fig.start))
            )
            item = item or (sentencing and any(a.total for a in anchors))
            if item and any(a.quantity and not a.item for a in anchors):
                a = _anchor(fig, None, fig.end, before, words)
                a.item = True
                anchors.append(a)
                continue
            if re.match(
                r"\s*(?:тысяч|thousands|hundreds|сотен|сотни|десятк|dozens)", low[fig.end :]
            ):
                continue
            if topical:
                unmapped.append(
                    _unmapped(
                        text,
                        sentence,
                        fig,
                        "a figure whose quantity (cases, defendants, "
                        "verdicts, appeals) the text does not say",
                    )
                )
            continue
        if quantity is None:
            continue
        anchor = _anchor(fig, quantity, q_end or fig.end, before, words)
        anchor.total = bool(_OUT_OF.search(low, max(s0, fig.start - 12), fig.start))
        anchors.append(anchor)
    _vague(text, low, sentence, words, unmapped, anchors)
    return anchors


def _vague(
    text: str,
    low: str,
    sentence: Sentence,
    words: Sequence[Token],
    unmapped: list[Unmapped],
    anchors: list[_Anchor],
) -> None:
    """ "Тысячи дел", "hundreds of cases": a claim without a figure, reported."""
    for m in re.finditer(
        r"\b(?:тысячи|тысяч|сотни|сотен|десятки|десятков|thousands|hundreds|dozens)\s+(?:of\s+)?"
        r"(?:уголовн\w+\s+)?(?:дел|cases|prosecutions|приговоров|verdicts)\b",
        low[sentence.start : sentence.end],
    ):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        if any(a.start <= start < a.end or start <= a.start < end for a in anchors):
            continue
        unmapped.append(Unmapped((start, end), text[start:end], "a vague number, not a figure"))


def _dedupe(unmapped: Sequence[Unmapped]) -> list[Unmapped]:
    out: list[Unmapped] = []
    for u in unmapped:
        if not any(u.span == o.span and u.reason == o.reason for o in out):
            out.append(u)
    return out


def _unmapped(text: str, sentence: Sentence, fig: Figure, reason: str) -> Unmapped:
    return Unmapped((sentence.start, sentence.end), text[sentence.start : sentence.end], reason)


def _quantity_after(
    after: Sequence[Token],
    before: Sequence[Token],
    sentence: Sentence,
    words: Sequence[Token],
    fig: Figure,
    sentencing: bool = False,
) -> tuple[str | None, int | None]:
    phrases = {p: q for q, ps in lx.QUANTITY_NOUNS.items() for p in ps}
    persons = set(lx.PERSON_NOUNS) | {"мобилизовать"}
    hit = _phrase_after(after, [*phrases, *persons], skip=3, nouns_stop=True)
    if hit is None and sentencing:
        # "120 were sent to a disciplinary unit", "12 получили условные сроки"
        verb = _phrase_after(after, lx.SENTENCING_VERBS, skip=1)
        if verb:
            return "convicted", verb[1].end
    if hit is None:
        # "8,594 of whom have been sentenced", "из них 8594 осуждены"
        verb = _phrase_after(after, lx.CONVICTION_WORDS, skip=4)
        if verb and (
            any(w.lower in ("whom", "них", "которых", "them") for w in [*after[:2], *before[-2:]])
        ):
            return "convicted", verb[1].end
        return None, None
    phrase, last = hit
    if phrase in phrases:
        return phrases[phrase], last.end
    clause = [*before[-3:], *_words_after(words, sentence, fig.end, 10)]
    if _has(clause, lx.CONVICTION_WORDS) or sentencing:
        return "convicted", last.end
    if _has(words, lx.CHARGE_WORDS) or _has(words, lx.CONVICTION_WORDS):
        return "defendants", last.end
    return None, None  # "50,000 soldiers have deserted": people, not prosecutions


def _quantity_before(before: Sequence[Token]) -> tuple[str | None, int | None]:
    """ "The number of cases reached 20,538", "число дел достигло 20 538"."""
    phrases = {p: q for q, ps in lx.QUANTITY_NOUNS.items() for p in ps}
    found = find_phrases(before, phrases)
    if found:
        i, _, phrase = found[-1]
        if any(
            w.lower in ("number", "число", "количество", "tally", "total", "count")
            for w in before[:i]
        ):
            return phrases[phrase], None
    return None, None


def _noun_before_bracket(before: Sequence[Token]) -> str | None:
    phrases = {p: q for q, ps in lx.QUANTITY_NOUNS.items() for p in ps}
    if before:
        for phrase, quantity in phrases.items():
            n = len(phrase.split())
            if n <= len(before) and match_at(before, len(before) - n, phrase) == n:
                return quantity
    return None


def _item_of_article(
    low: str, fig: Figure, articles: Sequence[ArticleMention], periods: Sequence[PeriodMention]
) -> bool:
    """ "471 ст.337", "9,059 under Article 337", "Article 332 ... (25)", "а в 2024 — 10 308"."""
    for p in periods:
        if 0 <= fig.start - p.end <= 6 and re.fullmatch(r"[\s,—–-]*", low[p.end : fig.start]):
            return True  # "а в 2024 — 10 308"
        if 0 <= p.start - fig.end <= 2:
            return True  # "and 615 in 2021"
    for a in articles:
        gap = low[fig.end : a.start]
        if 0 <= a.start - fig.end <= 30 and re.fullmatch(
            r"[\s—–-]*(?:по|под|under|for|of)?\s*(?:стать[а-я]*\s+|article\s+)?(?:о|об|про|on)?\s*",
            gap,
        ):
            return True
        tail = low[a.end : fig.start]
        if 0 <= fig.start - a.end <= 8 and re.fullmatch(r"[\s«»\"'’‘”“]*\(\s*", tail):
            return True
    return False


def _sentence_words(words: Sequence[Token]) -> list[SentenceMention]:
    """The punishment, regime, service and statistic words of a sentence; a weak punishment
    word ("suspended") only where the sentence speaks of sentences."""
    found = sentence_mentions(words)
    if _has(words, lx.SENTENCE_NOUNS):
        return found
    weak = {
        (words[i].start, words[i + n - 1].end)
        for i, n, _ in find_phrases(words, lx.WEAK_PUNISHMENTS)
    }
    return [m for m in found if (m.start, m.end) not in weak]


_MONTHS_AFTER = re.compile(r"[\s,]*(?:и|and)?\s*$")


def _term_anchor(
    fig: Figure,
    unit: tuple[str, Token],
    following: Sequence[Figure],
    low: str,
    words: Sequence[Token],
    sentence: Sentence,
    before: Sequence[Token],
) -> _Anchor:
    """A term of imprisonment ("5 лет", "4.5 years", "5 years and 6 months", "полтора года")
    in months, with its rounding unit in months (whole years: 12)."""
    per_unit = 1.0 if unit[0] in ("месяц", "month*") else 12.0
    months, precision, end = fig.value * per_unit, fig.precision * per_unit, unit[1].end
    consumed: list[int] = []
    if per_unit == 12.0 and following:
        nxt = following[0]
        gap = low[end : nxt.start]
        if len(gap) <= 6 and _MONTHS_AFTER.match(gap):
            after = _words_after(words, sentence, nxt.end, 1)
            if _phrase_after(after, ("месяц", "month*"), skip=0):
                months += nxt.value
                precision, end = nxt.precision, after[0].end
                consumed.append(nxt.start)
    anchor = _anchor(fig, "sentence_term", end, before, words)
    anchor.term_months, anchor.term_precision = months, max(precision, 1.0)
    anchor.own["consumed"] = consumed  # type: ignore[assignment]
    return anchor


def _anchor(
    fig: Figure, quantity: str | None, end: int, before: Sequence[Token], words: Sequence[Token]
) -> _Anchor:
    comparator, start = _comparator_before(fig, before)
    if fig.low is not None:
        comparator = "about"
    after_cmp = _comparator_after(fig, words)
    if after_cmp:
        comparator, end = after_cmp[0], max(end, after_cmp[1])
    return _Anchor(
        start if start is not None else fig.start,
        end,
        "figure",
        figure=fig,
        quantity=quantity,
        comparator=comparator,
        comparator_start=start,
    )


def _comparator_before(fig: Figure, before: Sequence[Token]) -> tuple[str, int | None]:
    tokens = list(before)
    while tokens and tokens[-1].lower in _FILLERS:
        tokens.pop()
    best: tuple[int, str, int] | None = None
    for phrase, comparator in lx.COMPARATORS_BEFORE.items():
        n = len(phrase.split())
        if n > len(tokens):
            continue
        if match_at(tokens, len(tokens) - n, phrase) == n and (best is None or n > best[0]):
            best = (n, comparator, tokens[len(tokens) - n].start)
    if best is None:
        return "eq", None
    # "no more than" is longer than "more than" and wins; "не более" over "более"
    return best[1], best[2]


def _comparator_after(fig: Figure, words: Sequence[Token]) -> tuple[str, int] | None:
    after = [w for w in words if w.start >= fig.end]
    for phrase, comparator in lx.COMPARATORS_AFTER.items():
        n = match_at(after, 0, phrase)
        if n and after[0].start - fig.end <= 2:
            return comparator, after[n - 1].end
    return None


# -- binding ---------------------------------------------------------------------------------------
def _boundary_costs(sentence: Sentence) -> tuple[list[int], list[int]]:
    """Token starts and the running cost of the clause boundaries up to each token, so that
    the cost between two positions is a difference (binding stays linear in long sentences)."""
    starts, running, total = [], [0], 0
    for t in sentence.tokens:
        if t.text in _STRONG:
            total += 1000
        elif t.text in _OPEN:
            total += 30
        elif t.text in _COMMA:
            total += 200
        elif t.lower in _WEAK:
            total += 30
        starts.append(t.start)
        running.append(total)
    return starts, running


def _gap_cost(costs: tuple[list[int], list[int]], start: int, end: int) -> int:
    """Characters between two positions plus the clause boundaries crossed."""
    if end <= start:
        return 0
    starts, running = costs
    first = bisect.bisect_left(starts, start)
    last = bisect.bisect_left(starts, end)
    return end - start + running[last] - running[first]


def _bind(
    sentence: Sentence, anchors: list[_Anchor], kinds: dict[str, Sequence[object]]
) -> dict[str, list[object]]:
    """Each mention to its nearest anchor; returns the mentions before the first anchor
    (shared by the sentence's anchors that have none of their own)."""
    first = anchors[0].start
    costs = _boundary_costs(sentence)
    shared: dict[str, list[object]] = {k: [] for k in kinds}
    for kind, mentions in kinds.items():
        for m in mentions:
            m_start, m_end = m.start, m.end  # type: ignore[attr-defined]
            best: tuple[int, _Anchor] | None = None
            for a in anchors:
                if a.start <= m_start < a.end:  # inside the anchor's own phrase
                    cost = 0
                elif m_start >= a.end:
                    cost = _gap_cost(costs, a.end, m_start)
                elif m_end <= a.start:
                    cost = _gap_cost(costs, m_end, a.start) + 15
                else:
                    cost = 0
                if best is None or cost < best[0]:
                    best = (cost, a)
            if best is None:
                continue
            if m_end <= first:
                shared[kind].append(m)
            else:
                best[1].own.setdefault(kind, []).append(m)
    return shared


# -- claims ------------------------------------------------------------------------------------
def _sorted_articles(articles: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(articles), key=lambda a: [int(x) for x in a.split(".")]))


def _article_scope(
    mentions: Sequence[ArticleMention],
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None, bool]:
    if not mentions:
        return None, None, False
    articles: set[str] = set()
    parts: set[str] = set()
    any_article = False
    mob = False
    for m in mentions:
        mob = mob or m.mobilisation
        if m.articles is None:
            any_article = True
        else:
            articles |= m.articles
        parts |= m.parts
    # a part names its article: "ч. 5 ст. 337" is 337 with part 5, not all of 337
    if parts:
        with_parts = {p.split(".")[0] if not p.startswith("352.1") else "352.1" for p in parts}
        articles |= with_parts
    arts = None if any_article and not articles else _sorted_articles(articles)
    only_parts = parts and all(any(p.startswith(a + ".") for p in parts) for a in (arts or ()))
    return arts, (tuple(sorted(parts)) if parts and only_parts else None), mob


def _periods(
    mentions: Sequence[PeriodMention], near: int | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """The period of a claim from its mentions, nearest to the figure first: a closed period
    ("in 2023") stands alone; an open start ("since mobilisation") and an open end ("by the
    end of July") combine."""
    if not mentions:
        return None, None
    ordered = sorted(mentions, key=lambda p: abs((near if near is not None else p.start) - p.start))
    first = ordered[0]
    if first.sets_from and first.sets_to:
        return first.from_, first.to
    start = first.from_ if first.sets_from else None
    end = first.to if first.sets_to else None
    for p in ordered[1:]:
        if p.sets_from and p.sets_to:
            continue
        if start is None and p.sets_from:
            start = p.from_
        if end is None and p.sets_to:
            end = p.to
    return start, end


def _place(mentions: Sequence[PlaceMention]) -> tuple[str | None, str | None, str | None]:
    for p in mentions:
        if p.unresolved:
            return None, None, p.unresolved
    court = next((p.court for p in mentions if p.court), None)
    region = next((p.region for p in mentions if p.region), None)
    return court, region, None


def _own_or_shared(
    anchor: _Anchor, kind: str, shared: dict[str, list[object]], head: _Anchor | None
) -> list[object]:
    own = anchor.own.get(kind, [])
    if own:
        return own
    if anchor.item and head is not None and head.own.get(kind):
        return head.own[kind]
    if (
        kind == "article"
        and head is not None
        and anchor is not head
        and anchor.kind == "figure"
        and anchor.quantity == head.quantity
        and head.own.get(kind)
        and not shared.get(kind)
    ):
        return head.own[kind]  # "2,300 AWOL cases …, and 7,400 cases since mobilisation"
    return shared.get(kind, [])


def _claim(
    text: str,
    sentence: Sentence,
    anchor: _Anchor,
    head: _Anchor | None,
    shared: dict[str, list[object]],
    previous: Sequence[Claim],
    as_of: dt.date,
    words: Sequence[Token],
    unmapped: list[Unmapped],
) -> Claim | None:
    quantity = anchor.quantity
    if anchor.item and head is not None:
        quantity = head.quantity
    if anchor.kind == "comparison":
        quantity = _comparison_quantity(anchor, words, sentence, previous)
        if quantity is None:
            unmapped.append(
                Unmapped(
                    (sentence.start, sentence.end),
                    text[sentence.start : sentence.end],
                    "a comparison without a quantity kartoteka counts",
                )
            )
            return None
    if quantity is None:
        return None
    about = _sentence_scope(anchor, shared, head)
    own = [m.kind for m in anchor.own.get("sentence", [])]  # type: ignore[attr-defined]
    if (
        quantity == "cases"
        and {"punishment", "regime"} & set(own)
        and _has(words, lx.SENTENCE_NOUNS)
        and not _has(words, lx.RECEIPT_WORDS)
    ):
        quantity = (
            "verdicts"  # "in the vast majority (32 cases), the judges chose a suspended sentence"
        )
    quantity = _sentence_quantity(quantity, about)
    if quantity is None:
        unmapped.append(
            Unmapped(
                (sentence.start, sentence.end),
                text[sentence.start : sentence.end],
                "a share of sentences that names no punishment, regime or service status",
            )
        )
        return None
    article_mentions = _own_or_shared(anchor, "article", shared, head)
    if anchor.kind == "comparison" and not article_mentions and head is not None:
        article_mentions = head.own.get("article", [])  # "1,053 AWOL cases – more than …"
    period_mentions = _own_or_shared(anchor, "period", shared, head)
    place_mentions = _own_or_shared(anchor, "place", shared, head)
    rate_mentions = anchor.own.get("rate", []) or shared.get("rate", [])
    articles, parts, mob = _article_scope(article_mentions)  # type: ignore[arg-type]
    start, end = _periods(period_mentions, anchor.start)  # type: ignore[arg-type]
    notes: list[str] = []
    per = rate_mentions[0].per if rate_mentions else None  # type: ignore[attr-defined]
    if (
        per == "month"
        and start
        and end
        and start.day == 1
        and end == month_end(start.year, start.month)
    ):
        per = None  # "in May 2024 alone, in one month": the month is the period
    court, region, unresolved = _place(place_mentions)  # type: ignore[arg-type]
    compare_to = None
    if anchor.kind == "comparison" and anchor.comparison is not None:
        c = anchor.comparison
        other = [p for p in find_periods(normalise(text), c.other_start, c.other_end, as_of)]
        o_start, o_end = _periods(other)
        if other and other[0].year_before and start is not None:  # "чем годом ранее"
            o_start, o_end = dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31)
        if start is None and end is None:
            notes.append(_UNSTATED)
        elif start is None and end is not None:
            start = dt.date(end.year, 1, 1)
            notes.append("the start of this side is not stated: 1 January is assumed")
        compare_to = Comparison(
            Side(quantity, articles, parts, mob, o_start, o_end, None, court, region, unresolved),  # type: ignore[arg-type]
            c.factor,
            (c.other_start, c.other_end),
        )
    side = Side(quantity, articles, parts, mob, start, end, per, court, region, unresolved)  # type: ignore[arg-type]
    if quantity in SENTENCE_QUANTITIES:
        regime = about.get("regime")
        side = replace(
            side,
            per=None,
            punishment=about.get("punishment") or ("imprisonment" if regime else None),
            regime=regime,
            service=about.get("service"),
            statistic=about.get("median") or about.get("mean"),  # type: ignore[arg-type]
        )
    owned = [m for ms in anchor.own.values() for m in ms]
    span_start = min([anchor.start, *(m.start for m in owned)])  # type: ignore[attr-defined]
    span_end = max([anchor.end, *(m.end for m in owned)])  # type: ignore[attr-defined]
    if anchor.comparison is not None:
        span_end = max(span_end, anchor.comparison.end)
    fig = anchor.figure
    value = fig.value if fig else None
    precision = fig.precision if fig else 1.0
    if fig is not None and fig.precision == 0.0:
        precision = 0.01  # a fraction in words ("half") is a share to the per cent
    if anchor.term_months is not None:
        value, precision = anchor.term_months, anchor.term_precision
    return Claim(
        (span_start, span_end),
        text[span_start:span_end],
        side,
        value,
        anchor.comparator,  # type: ignore[arg-type]
        compare_to,
        precision,
        tuple(notes),
    )


def _punishment_to_the_part(anchors: Sequence[_Anchor]) -> None:
    """In "из 300 осуждённых условные сроки получили 180" the punishment is the part's (180),
    not the whole's: move it to the next figure that names none."""
    for i, anchor in enumerate(anchors):
        mine = anchor.own.get("sentence", [])
        moved = [m for m in mine if m.kind in ("punishment", "regime")]  # type: ignore[attr-defined]
        if not anchor.total or not moved:
            continue
        later = [a for a in anchors[i + 1 :] if a.kind == "figure"]
        if not later:
            continue
        anchor.own["sentence"] = [m for m in mine if m not in moved]
        later[0].own.setdefault("sentence", []).extend(moved)


def _respectively(anchors: Sequence[_Anchor], shared: dict[str, list[object]]) -> None:
    """ "Мобилизованные получают реальный срок чаще, чем контрактники — 35 % против 28 %":
    as many different service statuses (or punishments) before the figures as there are
    figures naming none go to them in order."""
    before = shared.get("sentence", [])
    for kind in ("service", "punishment"):
        named = [m for m in before if m.kind == kind]  # type: ignore[attr-defined]
        values = [m.value for m in named]  # type: ignore[attr-defined]
        open_ = [
            a
            for a in anchors
            if a.kind == "figure" and not any(m.kind == kind for m in a.own.get("sentence", []))  # type: ignore[attr-defined]
        ]
        if len(set(values)) < 2 or len(values) != len(open_):
            continue
        for anchor, mention in zip(open_, named, strict=True):
            anchor.paired.append(mention)


def _shares_take_the_sentence_words(
    anchors: Sequence[_Anchor], shared: dict[str, list[object]]
) -> None:
    """ "In the vast majority (32 cases), the judges chose a suspended sentence": a share
    whose punishment words went to another figure of the sentence takes them too."""
    if shared.get("sentence"):
        return
    for anchor in anchors:
        if anchor.quantity != "share_sentences" or anchor.own.get("sentence") or anchor.paired:
            continue
        for other in anchors:
            if other is not anchor:
                anchor.paired.extend(other.own.get("sentence", []))


def _sentence_scope(
    anchor: _Anchor, shared: dict[str, list[object]], head: _Anchor | None
) -> dict[str, str]:
    """The punishment, regime, service status and statistic a figure is about: its own words
    first, then those before the sentence's first figure, then (for an item or a figure of
    the same quantity: "35 % of the mobilised … against 28 % of contract soldiers") those of
    the sentence's first figure."""
    out: dict[str, str] = {}
    sources = [anchor.own.get("sentence", []), anchor.paired, shared.get("sentence", [])]
    if (
        head is not None
        and head is not anchor
        and (anchor.item or anchor.quantity == head.quantity)
    ):
        sources.append(head.own.get("sentence", []))
    for mentions in sources:
        for m in mentions:
            kind, value = m.kind, m.value  # type: ignore[attr-defined]
            out.setdefault(kind, value)
    return out


def _sentence_quantity(quantity: str, about: dict[str, str]) -> str | None:
    """A count of convicted people or verdicts that names a punishment or regime ("120 were
    sent to a disciplinary unit") is a count of sentences; a share of sentences is a share of
    suspended ones or of another punishment, regime or service status (None: of nothing said)."""
    if quantity == "share_sentences":
        if about.get("punishment") == "suspended_imprisonment" and not about.get("service"):
            return "share_suspended"
        if about.keys() & {"punishment", "regime", "service"}:
            return "share_sentences"
        return None
    if quantity in ("convicted", "verdicts", "defendants") and about.keys() & {
        "punishment",
        "regime",
    }:
        return "sentences"
    if quantity == "convicted" and "service" in about:
        return "sentences"  # "1,200 mobilised were convicted": the acts say who was mobilised
    return quantity


def _comparison_quantity(
    anchor: _Anchor, words: Sequence[Token], sentence: Sentence, previous: Sequence[Claim]
) -> str | None:
    c = anchor.comparison
    assert c is not None
    inside = [w for w in words if c.start <= w.start < c.other_start]
    phrases = {p: q for q, ps in lx.QUANTITY_NOUNS.items() for p in ps}
    found = find_phrases(inside, phrases)
    if found:
        return phrases[found[0][2]]
    if find_phrases(inside, lx.PERSON_NOUNS):
        return "defendants"
    if previous:
        return previous[-1].side.quantity
    if find_phrases(list(words), phrases):
        return phrases[find_phrases(list(words), phrases)[0][2]]
    return None


def _inherit(
    claims: list[Claim],
    previous: Sequence[Claim],
    shared: dict[str, list[object]],
    anchors: list[_Anchor],
    national: bool,
    as_of: dt.date,
) -> list[Claim]:
    """A sentence that names no article (or no period, or no court) takes the previous
    sentence's, when all the previous sentence's claims agreed on it; a sentence about the
    whole country ("… to Russian courts") does not take a court. The side of a comparison
    whose period is still unknown is the year to date."""
    claims = _carry_over(claims, previous, shared, anchors, national)
    out = []
    for claim in claims:
        if _UNSTATED in claim.notes:
            notes = [n for n in claim.notes if n != _UNSTATED]
            notes.append("the period of this side is not stated: the year to date is assumed")
            side = replace(claim.side, from_=dt.date(as_of.year, 1, 1), to=as_of)
            claim = replace(claim, side=side, notes=tuple(notes))
        out.append(claim)
    return out


def _carry_over(
    claims: list[Claim],
    previous: Sequence[Claim],
    shared: dict[str, list[object]],
    anchors: list[_Anchor],
    national: bool,
) -> list[Claim]:
    if not previous or not claims:
        return claims
    named = {kind for a in anchors for kind in a.own} | {k for k, v in shared.items() if v}
    if national:
        named.add("place")
    out = []
    places_ = {(c.side.court, c.side.region, c.side.unresolved) for c in previous}
    scopes = {(c.side.articles, c.side.parts, c.side.mobilisation_parts) for c in previous}
    periods = {(c.side.from_, c.side.to) for c in previous if c.compare_to is None}
    for claim in claims:
        side = claim.side
        notes = list(claim.notes)
        if "article" not in named and len(scopes) == 1:
            articles, parts, mob = next(iter(scopes))
            if articles is not None or mob:
                side = replace(side, articles=articles, parts=parts, mobilisation_parts=mob)
                notes.append("articles taken from the previous sentence")
        if "period" not in named and len(periods) == 1:
            start, end = next(iter(periods))
            if start or end:
                side = replace(side, from_=start, to=end)
                notes = [n for n in notes if n != _UNSTATED]
                notes.append("period taken from the previous sentence")
        if "place" not in named and len(places_) == 1:
            court, region, unresolved = next(iter(places_))
            if court or region or unresolved:
                side = replace(side, court=court, region=region, unresolved=unresolved)
                notes.append("court or region taken from the previous sentence")
        compare_to = claim.compare_to
        if compare_to is not None:
            compare_to = replace(
                compare_to,
                side=replace(
                    compare_to.side,
                    articles=side.articles,
                    parts=side.parts,
                    mobilisation_parts=side.mobilisation_parts,
                    court=side.court,
                    region=side.region,
                    unresolved=side.unresolved,
                ),
            )
        out.append(replace(claim, side=side, notes=tuple(notes), compare_to=compare_to))
    return out
