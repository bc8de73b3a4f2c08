"""The store's figure for a claim about sentences, with the published share it rests on.

Sentences are read from the published texts of verdicts (`kartoteka.stats.metrics`, the
sentence metrics at the bottom), so every figure here comes with the **published share** of
its selection: verdicts whose text is published, out of all verdicts. A count of sentences
("120 were sent to a disciplinary unit") read from 31 % of the texts is a lower bound of the
real count; a share ("more than half are suspended") is a share over the published texts,
not over all verdicts. `SentenceFigure` carries both, and the bounds the unpublished texts
leave open, for the checker's verdict.

The figures come from the public metrics (`suspended_share`, `sentences_by_punishment`,
`sentences_by_regime`, `sentences_by_service`, `real_terms`) where one of them answers the
claim. Two claims no public metric answers — a punishment within one service status ("real
terms for 35 % of the mobilised") and the median term over every part of an article — are
counted from the same selection of sentences the metrics use (`metrics._sentence_rows`: the
same cases, as-of cutoff and card versions), so the figures agree with the metrics by
construction (docs/decisions.md, entry 21).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from kartoteka.claims.model import Side
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter


@dataclass(frozen=True, slots=True)
class SentenceFigure:
    """A figure read from the published texts and what it rests on."""

    value: float | None  # None: nothing to measure (no sentence, no real term read)
    sentences: int  # sentences read in the selection (the share's denominator for shares)
    verdicts: int  # verdicts in the selection
    published: int  # of them, with a published text
    published_share: float | None
    upper: float | None = None  # counts: the most the unpublished texts could make it

    def rests_on(self) -> str:
        if self.published_share is None:
            return "no verdict in this selection"
        pct = round(self.published_share * 100)
        return (
            f"checked against {pct} % of verdicts whose text is published "
            f"({self.published} of {self.verdicts})"
        )


def _table(
    con: duckdb.DuckDBPyConnection, flt: Filter
) -> list[tuple[str, str | None, str | None, int]]:
    """(punishment, regime, service, sentences) of the selection: the sentences the metrics
    count, crossed the way no single metric crosses them."""
    rows = m._sentence_rows(
        con,
        flt,
        "SELECT punishment, regime, service, count(*) FROM sentenced GROUP BY ALL",
    )
    return [(p, r, s, int(n)) for p, r, s, n in rows]


def _terms(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[tuple[list[str], int]]:
    rows = m._sentence_rows(
        con,
        flt,
        "SELECT articles, term_months FROM sentenced "
        "WHERE punishment = 'imprisonment' AND term_months IS NOT NULL",
    )
    return [(list(a), int(t)) for a, t in rows]


def _matches(side: Side, punishment: str, regime: str | None, service: str | None) -> bool:
    if side.punishment and punishment != side.punishment:
        return False
    if side.regime and regime != side.regime:
        return False
    return not side.service or service == side.service


def sentence_figure(con: duckdb.DuckDBPyConnection, side: Side, flt: Filter) -> SentenceFigure:
    """The figure of a sentences side (`sentences`, `share_suspended`, `share_sentences`,
    `sentence_term`) for the selection `flt` (its since/until are verdict dates)."""
    base = m.suspended_share(con, flt)
    verdicts = base.verdicts
    share = base.published_share
    published = round((share or 0) * verdicts)

    def out(value: float | None, n: int, upper: float | None = None) -> SentenceFigure:
        return SentenceFigure(value, n, verdicts, published, share, upper)

    if side.quantity == "share_suspended" and not side.service:
        return out(base.share, base.sentences)
    if side.quantity == "sentence_term":
        return _median_term(con, side, flt, out)
    if side.service or (side.quantity == "share_sentences" and side.regime):
        table = _table(con, flt)
        selected = sum(n for p, r, s, n in table if _matches(side, p, r, s))
        if side.quantity == "sentences":
            return out(selected, base.sentences, _upper(con, flt, selected, base))
        if side.punishment or side.regime:  # within the service status (or all sentences)
            whole = sum(n for p, r, s, n in table if not side.service or s == side.service)
        else:  # "мобилизованные составили 40 % осуждённых": a status among all sentences
            whole = base.sentences
        return out(selected / whole if whole else None, whole)
    if side.regime:
        regimes = m.sentences_by_regime(con, flt)
        selected = next((g.sentences for g in regimes if g.key == side.regime), 0)
        return out(selected, base.sentences, _upper(con, flt, selected, base))
    rows = m.sentences_by_punishment(con, flt)
    selected = sum(g.sentences for g in rows if side.punishment in (None, g.key))
    if side.quantity == "sentences":
        return out(selected, base.sentences, _upper(con, flt, selected, base))
    return out(selected / base.sentences if base.sentences else None, base.sentences)


def _upper(
    con: duckdb.DuckDBPyConnection, flt: Filter, selected: int, base: m.SuspendedShare
) -> float:
    """The most a count of sentences could be with the unpublished texts: every convicted
    defendant of the selection's verdicts not read from a text could belong to it."""
    if base.verdicts == round((base.published_share or 0) * base.verdicts):
        return float(selected)  # every verdict's text is read
    defendants = sum(x.defendants for x in m.verdicts_by_month(con, flt))
    return float(selected + max(0, defendants - base.sentences))


def _median_term(
    con: duckdb.DuckDBPyConnection,
    side: Side,
    flt: Filter,
    out: Callable[[float | None, int], SentenceFigure],
) -> SentenceFigure:
    """The median real term: a part's is the `real_terms` row (with its own published share);
    an article's, or several articles', the median over every defendant convicted under any
    of their parts, each once."""
    if side.parts and len(side.parts) == 1:
        row = next((t for t in m.real_terms(con, flt) if t.charge == side.parts[0]), None)
        if row is None:
            return out(None, 0)
        return SentenceFigure(
            row.median_months,
            row.sentences,
            row.verdicts,
            round((row.published_share or 0) * row.verdicts),
            row.published_share,
        )
    wanted = set(side.parts or side.articles or ())
    terms = [
        t
        for articles, t in _terms(con, flt)
        if not wanted or any(_charge_in(a, wanted) for a in articles)
    ]
    return out(float(statistics.median(terms)) if terms else None, len(terms))


def _charge_in(charge: str, wanted: set[str]) -> bool:
    """Whether a conviction charge ("338.1", "352.1") is one of the claim's articles or parts."""
    return any(charge == w or charge.startswith(w + ".") for w in wanted)
