"""The store's figure for a claim about sentences, with the published share it rests on.

Sentences are read from the published texts of verdicts (`kartoteka.stats.metrics`, the
sentence metrics at the bottom), so every figure here comes with the **published share** of
its selection: verdicts whose text is published, out of all verdicts. A count of sentences
("120 were sent to a disciplinary unit") read from 31 % of the texts is a lower bound of the
real count; a share ("more than half are suspended") is a share over the published texts,
not over all verdicts. `SentenceFigure` carries both, and the bounds the unpublished texts
leave open, for the checker's verdict.

The figures come from the public sentence metrics (`suspended_share`,
`sentences_by_punishment`, `sentences_by_regime`, `sentences_by_service`,
`real_terms_overall`): a punishment or regime within one service status ("real terms for
35 % of the mobilised") is the metric with `Filter.service`, a median term over one part,
every part of an article or several articles is `real_terms_overall` with the claim's
charges. The published share of a selection within a service status is that of all its
verdicts (a verdict without a text has no known status: see `sentences_by_punishment`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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


def sentence_figure(con: duckdb.DuckDBPyConnection, side: Side, flt: Filter) -> SentenceFigure:
    """The figure of a sentences side (`sentences`, `share_suspended`, `share_sentences`,
    `sentence_term`) for the selection `flt` (its since/until are verdict dates), within the
    side's service status when it names one."""
    base = m.suspended_share(con, flt)
    verdicts = base.verdicts
    share = base.published_share
    published = round((share or 0) * verdicts)
    within = replace(flt, service=side.service) if side.service else flt

    def out(value: float | None, n: int, upper: float | None = None) -> SentenceFigure:
        return SentenceFigure(value, n, verdicts, published, share, upper)

    if side.quantity == "share_suspended":
        found = m.suspended_share(con, within) if side.service else base
        return out(found.share, found.sentences)
    if side.quantity == "sentence_term":
        return _median_term(con, side, within)
    if side.regime:  # a regime is one of real terms: the punishment, if named, is imprisonment
        regimes = m.sentences_by_regime(con, within)
        wrong = side.punishment not in (None, "imprisonment")
        selected = 0 if wrong else next((g.sentences for g in regimes if g.key == side.regime), 0)
    else:
        rows = m.sentences_by_punishment(con, within)
        selected = sum(g.sentences for g in rows if side.punishment in (None, g.key))
    if side.quantity == "sentences":
        upper = _upper(con, flt, selected, base)
        if side.service:  # a text that states no status could be of this one
            upper += sum(1 for r in m.list_sentences(con, flt, "service", "none") if _fits(side, r))
        return out(selected, base.sentences, upper)
    if side.service and (side.punishment or side.regime):  # a share within the status
        whole = sum(g.sentences for g in m.sentences_by_punishment(con, within))
    else:  # of all sentences ("мобилизованные составили 40 % осуждённых")
        whole = base.sentences
    return out(selected / whole if whole else None, whole)


def _fits(side: Side, sentence: m.SentenceRef) -> bool:
    """Whether a sentence read is of the side's punishment and regime (its status aside)."""
    if side.regime:
        return sentence.punishment == "imprisonment" and sentence.regime == side.regime
    return side.punishment in (None, sentence.punishment)


def _upper(
    con: duckdb.DuckDBPyConnection, flt: Filter, selected: int, base: m.SuspendedShare
) -> float:
    """The most a count of sentences could be with the unpublished texts: every convicted
    defendant of the selection's verdicts not read from a text could belong to it."""
    if base.verdicts == round((base.published_share or 0) * base.verdicts):
        return float(selected)  # every verdict's text is read
    defendants = sum(x.defendants for x in m.verdicts_by_month(con, flt))
    return float(selected + max(0, defendants - base.sentences))


def _median_term(con: duckdb.DuckDBPyConnection, side: Side, flt: Filter) -> SentenceFigure:
    """The median real term (`real_terms_overall`) of the defendants convicted under the
    claim's parts, else its articles (every part, each defendant once), else of all, with
    the published share of the verdicts charged under them."""
    under = side.parts or side.articles
    terms = m.real_terms_overall(con, flt, tuple(under) if under else None)
    return SentenceFigure(
        terms.median_months,
        terms.sentences,
        terms.verdicts,
        round((terms.published_share or 0) * terms.verdicts),
        terms.published_share,
    )
