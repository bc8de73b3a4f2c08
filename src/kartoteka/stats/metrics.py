"""The statistics newsrooms quote, defined once.

Every metric is a plain function `metric(con, flt, ...)` over a store connection (read-only is
enough) and a `Filter`, returning dataclasses. The docstring of each metric is its
definition: `docs/metrics.md` and the README are generated from these docstrings, and the web
pages show them, so a definition changes here and nowhere else.

Conventions shared by every metric:

- **Cases** are first-instance criminal cases (garrison, district and fleet courts) unless a
  metric says otherwise; a case is one court's case number, whatever the number of defendants.
- **Article filter, multi-label**: with `Filter.article` (and optionally `part`), a case counts
  when any of its charges, for any defendant, is under that article (and part); a case charged
  under 337 and 338 counts under both. With `Filter.principal`, a case counts only under its
  principal article (one per case: 352.1 > 338 > 337 > 332 > 339 > 334 > 333 > other
  Chapter 33 > anything else; mobilisation parts first within one article).
- **Dates**: `since`/`until` (inclusive) apply to the date a metric is about: the receipt date
  ("Дата поступления") for cases received, the verdict date for verdicts.
- **As of**: with `Filter.as_of`, only what the archive had seen by the end of that day (UTC)
  counts, with the case's fields as they stood then. Re-running a metric as of an earlier date
  reproduces the figure that could have been published that day. It is read from the
  history ingest keeps of every case (interval-valid states, `kartoteka.store.history`),
  which gives the same numbers as recomputing every case from the archived sightings.
- **Removed cases** (gone from a court's index after being seen) still count: they were real
  cases. `Filter.include_removed=False` leaves them out.
- **Charges filter**: with `Filter.charges`, a case counts when any of its charges is one of
  the listed ones (a whole article such as "338", or an article and part such as "337.5");
  `mobilisation_charges()` lists the parts 365-ФЗ added, so "cases under the mobilisation
  parts" is one filter and each case counts once.
- **Charges and defendants** come from the card when it has been fetched, else from the
  listing row; some courts hide articles in listings, so such cases have no article until
  their card is read.
- Every number can be listed case by case with `list_cases` using the same filter and the
  group's key.
- **Service status** (`Filter.service`: mobilised, contract, conscript) belongs to a
  sentenced defendant and is read from the verdict's text: only the sentence metrics apply
  it (see `sentences_by_punishment`); every case metric raises `FilterNotApplicable` when
  given it, rather than count all cases under a filter it cannot apply.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, ParamSpec, TypeVar

import duckdb

from kartoteka.errors import KartotekaError
from kartoteka.registry.articles import (
    ARTICLES,
    CHAPTER_33,
    REFUSAL_TO_FIGHT,
    is_mobilisation_part,
)
from kartoteka.store import history
from kartoteka.store.derive import cutoff_for, facts_sql
from kartoteka.store.outcomes import AppealResult, Outcome, classify_appeal
from kartoteka.store.sentences import acts_sql

P = ParamSpec("P")
R = TypeVar("R")
MOBILISATION = dt.date(2022, 9, 21)  # decree 647 of 21.09.2022: partial mobilisation


@dataclass(frozen=True, slots=True)
class Filter:
    """Which cases a metric counts. Every field is optional; all given ones must hold."""

    article: str | None = None  # "337", "352.1"; several: "337,338"; or a group (GROUPS)
    part: str | None = None  # "5", "2.1" (with article)
    court: str | None = None  # court code, e.g. 27GV0008
    district: str | None = None  # code of the district/fleet court above the court
    region: str | None = None  # region name or region code of the court
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.date | dt.datetime | None = None  # a day (to its end, UTC) or an instant
    principal: bool = False  # count by principal article instead of multi-label
    include_removed: bool = True
    instance: str = "first"  # first | appeal | cassation
    # any of these charges: whole articles ("338", "352.1") or article.part keys ("337.5",
    # "332.2.1"); e.g. every mobilisation part at once (`mobilisation_charges()`)
    charges: tuple[str, ...] | None = None
    # sentence metrics: "handed_down" (the verdicts' sentences) or "final" (as they stand
    # after the appeal and cassation rulings seen, `sentences_by_punishment`)
    sentence_stage: str = "handed_down"
    # sentence metrics only: sentences of defendants of this service status, as the act's
    # text states it (SERVICE_STATUSES; several comma-separated); case metrics refuse it
    service: str | None = None

    def __post_init__(self) -> None:
        if self.service is not None:
            service_set(self.service)  # an unknown status is an error here, not an empty row


SERVICE_STATUSES = ("mobilised", "contract", "conscript")  # as the sentences' `service` column


def service_set(service: str) -> tuple[str, ...]:
    """A Filter's `service` as its statuses, in SERVICE_STATUSES order: one status or a
    comma-separated list ("mobilised,contract"). Anything else is a ValueError naming the
    allowed values (an unknown status would otherwise select nothing, an unproven zero)."""
    given = {s.strip().casefold() for s in service.split(",")}
    unknown = sorted(given - set(SERVICE_STATUSES))
    if unknown or not given:
        raise ValueError(
            f"service {service!r}: one of {', '.join(SERVICE_STATUSES)} "
            "(several comma-separated, e.g. mobilised,contract)"
        )
    return tuple(s for s in SERVICE_STATUSES if s in given)


class FilterNotApplicable(KartotekaError, ValueError):
    """A filter a metric cannot apply: a case metric given `Filter.service`. Raised rather
    than ignored, since an ignored filter gives a wrong number that looks right."""


def _cases_only(metric: Callable[P, R]) -> Callable[P, R]:
    """A metric of cases refuses `Filter.service`: a case has no service status (it is read
    from each defendant's verdict text), so only the sentence metrics can apply it."""

    @functools.wraps(metric)
    def refusing(*args: P.args, **kwargs: P.kwargs) -> R:
        flt = kwargs.get("flt", args[1] if len(args) > 1 else None)
        if isinstance(flt, Filter) and flt.service is not None:
            raise FilterNotApplicable(_service_refusal(metric.__name__, flt.service))
        return metric(*args, **kwargs)

    return refusing


def _service_refusal(what: str, service: str) -> str:
    return (
        f"{what} counts cases, and a case has no service status: the service filter "
        f"({service}) applies only to the sentence metrics (sentences_by_punishment, "
        "sentences_by_month, suspended_share, real_terms, real_terms_overall, "
        "sentences_by_regime, sentences_by_service, list_sentences; `stats --by "
        "punishment|service|regime|term`), whose service status is read from each "
        "defendant's verdict text"
    )


# -- result records ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MonthCount:
    period: str  # YYYY-MM
    cases: int
    defendants: int


@dataclass(frozen=True, slots=True)
class ChargeCount:
    article: str
    part: str | None
    charge: str  # article.part, e.g. 337.5
    mobilisation: bool
    cases: int


@dataclass(frozen=True, slots=True)
class ArticleCount:
    article: str | None  # None: no charge known
    cases: int
    defendants: int


@dataclass(frozen=True, slots=True)
class ArticleMonthCount:
    period: str  # YYYY-MM
    article: str | None  # principal article; None: no charge known
    cases: int
    defendants: int


@dataclass(frozen=True, slots=True)
class Total:
    since: dt.date | None
    until: dt.date | None
    as_of: dt.date | dt.datetime | None
    cases: int
    defendants: int


@dataclass(frozen=True, slots=True)
class YearToDate:
    year: int
    through: dt.date  # the YTD count covers 1 January .. through
    ytd_cases: int
    previous_year_cases: int
    overtaken_on: dt.date | None  # first receipt date on which YTD exceeded the previous year


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    outcome: str
    cases: int
    defendants: int


@dataclass(frozen=True, slots=True)
class DurationStats:
    cases: int
    median_days: float | None
    q1_days: float | None
    q3_days: float | None


@dataclass(frozen=True, slots=True)
class AppealCount:
    result: str
    cases: int


@dataclass(frozen=True, slots=True)
class GroupCount:
    key: str | None  # court code, district code or region, per the grouping
    name: str | None  # court name, district court name or region name
    cases: int
    defendants: int
    verdicts: int


@dataclass(frozen=True, slots=True)
class LagPoint:
    days: int
    share: float | None  # share of cases visible within `days` of receipt
    basis: int  # cases the share is computed from


@dataclass(frozen=True, slots=True)
class MonthCompleteness:
    period: str
    cases: int
    expected_complete: float | None  # share of the month's cases expected visible by now


@dataclass(frozen=True, slots=True)
class CaseRef:
    """One case behind a number, with where to find its evidence (`kartoteka case`)."""

    case_key: str
    court_code: str
    case_number: str | None
    uid: str | None
    entry_date: dt.date | None
    outcome: str
    result_date: dt.date | None
    principal_charge: str | None
    first_seen_at: dt.datetime
    removed_at: dt.datetime | None


# -- the selection every metric shares ---------------------------------------------------------
REPLAY, HISTORY = "replay", "history"  # the two ways to answer an as-of (`_source`)
CURRENT = "current"  # an as-of after everything seen: the current tables answer it


def _selection(
    flt: Filter,
    date_column: str | None = "entry_date",
    with_courts: bool = False,
    source: str = REPLAY,
    last_seen: bool = True,
    removed: bool = True,
) -> tuple[str, dict[str, Any]]:
    """CTEs `f` (the cases: the `cases` table now; as of a cutoff, the same columns from the
    interval-valid history (`source` HISTORY; `last_seen` / `removed` False: without
    last_seen_at / removed_at, for queries that do not read them) or recomputed from the
    history (REPLAY)) and `sel` (the cases the filter keeps, with their court's name, region
    and district when asked for). Returns (SQL prefix, parameters)."""
    params: dict[str, Any] = {"instance": flt.instance}
    if flt.as_of is None:
        base = "WITH f AS (SELECT * FROM cases)"
    else:
        params["cutoff"] = cutoff_for(flt.as_of)
        removed = removed or not flt.include_removed or _reference.get()
        facts = history.facts_at_sql(last_seen, removed) if source == HISTORY else facts_sql()
        base = f"WITH f AS ({facts})"
    where = ["f.instance = $instance"]
    several = article_set(flt.article) if flt.article else None
    if several is not None and (len(several) > 1 or flt.article in ARTICLE_GROUPS):
        if flt.part:
            raise ValueError("a part needs a single article, not a list or group")
        params["articles"] = sorted(several)
        column = "[f.principal_article]" if flt.principal else "f.articles"
        where.append(f"list_has_any({column}, $articles)")
    elif flt.article:
        params["article"] = flt.article
        if flt.principal:
            if flt.part:
                params["charge"] = f"{flt.article}.{flt.part}"
                where.append("f.principal_charge = $charge")
            else:
                where.append("f.principal_article = $article")
        elif flt.part:
            params["charge"] = f"{flt.article}.{flt.part}"
            where.append("list_contains(f.charge_keys, $charge)")
        else:
            where.append("list_contains(f.articles, $article)")
    if flt.charges:
        whole = sorted(c for c in flt.charges if c in ARTICLES)
        keys = sorted(c for c in flt.charges if c not in ARTICLES)
        params["charge_articles"], params["charge_keys"] = whole, keys
        column = "[f.principal_charge]" if flt.principal else "f.charge_keys"
        articles = "[f.principal_article]" if flt.principal else "f.articles"
        where.append(
            f"(list_has_any({articles}, $charge_articles) OR list_has_any({column}, $charge_keys))"
        )
    if flt.court:
        params["court"] = flt.court.upper()
        where.append("f.court_code = $court")
    if flt.district:
        params["district"] = flt.district.upper()
        where.append("k.district = $district")
    if flt.region:
        params["region"] = flt.region
        where.append("(k.region = $region OR k.region_code = $region)")
    if date_column and flt.since:
        params["since"] = flt.since
        where.append(f"f.{date_column} >= $since")
    if date_column and flt.until:
        params["until"] = flt.until
        where.append(f"f.{date_column} <= $until")
    if not flt.include_removed:
        where.append("f.removed_at IS NULL")
    if with_courts or flt.district or flt.region:
        cases = """SELECT f.*, k.name AS court_name, k.region, k.region_code, k.district
        FROM f LEFT JOIN courts k ON k.code = f.court_code"""
    else:  # the join costs a tenth of a headline query: only when needed
        cases = "SELECT f.* FROM f"
    sql = f"""{base},
    sel AS ({cases} WHERE {" AND ".join(where)})
    """
    return sql, params


ARTICLE_GROUPS: dict[str, frozenset[str]] = {
    # "Refusal to fight" in newsroom usage: AWOL, desertion, disobeying orders, evasion by
    # malingering, voluntary surrender (333/334, violence against commanders, apart).
    "refusal": REFUSAL_TO_FIGHT,
    "chapter33": CHAPTER_33,  # every crime against military service
}


def article_set(article: str) -> frozenset[str]:
    """A Filter's `article` as a set: one article, a comma-separated list, or a group name
    ("refusal", "chapter33"). With several, a case counts once if any of its charges (or,
    with `principal`, its principal article) is in the set."""
    if article in ARTICLE_GROUPS:
        return ARTICLE_GROUPS[article]
    return frozenset(a.strip() for a in article.split(",") if a.strip())


def mobilisation_charges(articles: frozenset[str] | None = None) -> tuple[str, ...]:
    """The charges 365-ФЗ added for mobilisation, martial law and wartime, as `Filter.charges`
    entries (article.part keys, and 352.1 as a whole article), optionally only those of
    `articles`: what newsrooms call the "mobilisation articles"."""
    out = []
    for number, entry in ARTICLES.items():
        if articles is not None and number not in articles:
            continue
        if entry.whole_article_mobilisation:
            out.append(number)
        out += [f"{number}.{part}" for part in sorted(entry.mobilisation_parts)]
    return tuple(sorted(out))


_replay_only: ContextVar[bool] = ContextVar("kartoteka_stats_replay_only", default=False)


@contextmanager
def history_replay() -> Iterator[None]:
    """Within the block, every as-of is recomputed from the append-only history
    (`kartoteka.store.derive.facts_sql`), the reference the fast interval-valid history must
    equal: for checking it (tests, bench/stats.py), not for speed."""
    token = _replay_only.set(True)
    try:
        yield
    finally:
        _replay_only.reset(token)


def _seen_nothing_since(con: duckdb.DuckDBPyConnection, cutoff: dt.datetime) -> bool:
    """Whether the archive saw nothing at or after `cutoff`: then "as of" that moment is the
    current state, and the derived tables answer it without recomputing history."""
    row = con.execute(
        "SELECT (SELECT max(fetched_at) FROM fetch_log), (SELECT max(first_seen_at) FROM "
        "case_versions), (SELECT max(fetched_at) FROM observations)"
    ).fetchone()
    latest = [t for t in (row or ()) if t is not None]
    return not latest or max(latest) < cutoff


def _source(con: duckdb.DuckDBPyConnection, flt: Filter) -> tuple[Filter, str]:
    """How to answer the filter's as-of: from the current tables when nothing was seen
    since (the filter comes back without as-of), else from the interval-valid history
    (`kartoteka.store.history`) where it answers exactly, else by the replay. Within
    `shared_queries` the choice is made once per connection and cutoff: it costs three
    scans of the history's timestamps, which every metric of an overview would repeat."""
    if flt.as_of is None:
        return flt, REPLAY
    cutoff = cutoff_for(flt.as_of)
    block = None if _reference.get() else _block.get()
    key = (id(con), cutoff, _replay_only.get())
    way = block.sources.get(key) if block is not None else None
    if way is None:
        way = _choose_source(con, cutoff)
        if block is not None:
            block.sources[key] = way
    if way == CURRENT:
        return replace(flt, as_of=None), REPLAY  # same answer, from the materialised tables
    return flt, way


def _choose_source(con: duckdb.DuckDBPyConnection, cutoff: dt.datetime) -> str:
    if _seen_nothing_since(con, cutoff):
        return CURRENT
    if not _replay_only.get() and history.answers(con, cutoff):
        return HISTORY
    return REPLAY


def _as_of_day(flt: Filter) -> dt.date | None:
    """The as-of date of a filter (the day of an as-of instant)."""
    if isinstance(flt.as_of, dt.datetime):
        return flt.as_of.date()
    return flt.as_of


def _rows(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    body: str,
    date_column: str | None = "entry_date",
    extra: dict[str, Any] | None = None,
    with_courts: bool = False,
) -> list[tuple[Any, ...]]:
    flt, source = _source(con, flt)
    # as of a cutoff, last_seen_at costs a pass over every sighting and removed_at a join by
    # case key over every case: each only when the query reads it
    prefix, params = _selection(
        flt, date_column, with_courts, source, "last_seen_at" in body, "removed_at" in body
    )
    sql = prefix + body
    used = {k: v for k, v in {**params, **(extra or {})}.items() if f"${k}" in sql}
    block = None if _reference.get() else _block.get()
    if block is None:
        return con.execute(sql, used).fetchall()
    key = (id(con), sql, repr(sorted(used.items())))
    if key not in block.answers:
        block.answers[key] = con.execute(sql, used).fetchall()
    return block.answers[key]


@dataclass(slots=True)
class _Block:
    """What one `shared_queries` block remembers: each query's answer (by connection, SQL
    and parameters) and how each as-of cutoff is answered (`_source`)."""

    answers: dict[tuple[int, str, str], list[tuple[Any, ...]]] = field(default_factory=dict)
    sources: dict[tuple[int, dt.datetime, bool], str] = field(default_factory=dict)


_block: ContextVar[_Block | None] = ContextVar("kartoteka_stats_block", default=None)
_reference: ContextVar[bool] = ContextVar("kartoteka_stats_reference", default=False)


@contextmanager
def shared_queries() -> Iterator[None]:
    """Within the block, a query the metrics already ran (same connection, same SQL, same
    parameters) answers from memory instead of scanning again, and the way each as-of is
    answered (`_source`) is chosen once. Metrics built on others ask some of the same
    questions (`headline_figures` and `outcomes`, `completeness_by_month` and
    `cases_received_by_month`, the reference day of `reporting_lag`), so a page showing
    several of them runs each once. Only for a store that does not change during the block
    (a read-only snapshot, as the web app uses); results are not copied, so do not mutate."""
    if _block.get() is not None or _reference.get():  # inside a block, or checking: as is
        yield
        return
    token = _block.set(_Block())
    try:
        yield
    finally:
        _block.reset(token)


@contextmanager
def reference_queries() -> Iterator[None]:
    """Within the block, every metric runs on its own, as the definitions read: no answers
    shared (`shared_queries` does nothing), the as-of source chosen for every query, and as
    of a cutoff every column of the selection computed. For checking that the speed-ups
    change no figure (tests, bench/web.py), not for speed."""
    token = _reference.set(True)
    try:
        yield
    finally:
        _reference.reset(token)


def _sharing(metric: Callable[P, R]) -> Callable[P, R]:
    """A metric built on other metrics runs them within `shared_queries`, so the questions
    they have in common are asked once."""

    @functools.wraps(metric)
    def shared(*args: P.args, **kwargs: P.kwargs) -> R:
        with shared_queries():
            return metric(*args, **kwargs)

    return shared


# -- metrics ------------------------------------------------------------------------------------
@_cases_only
def cases_received_by_month(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[MonthCount]:
    """Cases received per month: first-instance cases counted in the month of their receipt
    date ("Дата поступления"), with the number of defendants in those cases. Months without
    cases are left out. Cases without a known receipt date are not counted."""
    months: dict[str, tuple[int, int]] = {}  # the month x article counts, summed per month
    for x in cases_received_by_month_and_article(con, flt):
        cases, defendants = months.get(x.period, (0, 0))
        months[x.period] = (cases + x.cases, defendants + x.defendants)
    return [MonthCount(period, n, d) for period, (n, d) in sorted(months.items())]


@_cases_only
def cases_received_by_month_and_article(
    con: duckdb.DuckDBPyConnection, flt: Filter
) -> list[ArticleMonthCount]:
    """Cases received per month and principal article: `cases_received_by_month` split by
    each case's principal article (see `cases_by_principal_article`), so a month's rows add
    up to its count of cases; `article` None holds the cases whose charges are not known.
    With an article filter, a case still counts under its principal article, which may be
    outside the filter (a case charged under 337 and 338 counts under 338)."""
    rows = _rows(
        con,
        flt,
        """
        SELECT year(entry_date) * 100 + month(entry_date) AS ym, principal_article, count(*),
               sum(n_defendants)
        FROM sel WHERE entry_date IS NOT NULL GROUP BY ALL
        ORDER BY ym, principal_article NULLS LAST""",
    )
    return [ArticleMonthCount(_period(ym), a, int(n), int(d or 0)) for ym, a, n, d in rows]


@_cases_only
def cases_by_charge(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[ChargeCount]:
    """Cases by article and part, multi-label: a case counts once under every distinct
    (article, part) charged to any of its defendants, so the rows add up to more than the
    number of cases. `mobilisation` marks the parts 365-ФЗ added for mobilisation, martial
    law and wartime. With an article filter, only that article's parts are listed."""
    rows = _rows(
        con,
        flt,
        """
        SELECT key, count(*) AS n FROM sel, unnest(sel.charge_keys) AS u(key)
        GROUP BY key ORDER BY n DESC, key""",
    )
    out = []
    for key, n in rows:
        article, part = split_charge_key(key)
        wanted = article_set(flt.article) if flt.article and not flt.principal else None
        if wanted is not None and (article not in wanted or (flt.part and part != flt.part)):
            continue
        out.append(ChargeCount(article, part, key, is_mobilisation_part(article, part), int(n)))
    return out


def split_charge_key(key: str) -> tuple[str, str | None]:
    """ "337.5" → ("337", "5"); "352.1" → ("352.1", None); "332.2.1" → ("332", "2.1"): the
    article is the longest catalogued article the key starts with, else the first number."""
    for article in sorted((a for a in ARTICLES if "." in a), key=len, reverse=True):
        if key == article:
            return article, None
        if key.startswith(article + "."):
            return article, key[len(article) + 1 :]
    article, _, part = key.partition(".")
    return article, part or None


@_cases_only
def cases_by_principal_article(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[ArticleCount]:
    """Cases by principal article: each case counts exactly once, under the article that
    ranks highest among its charges (352.1 > 338 > 337 > 332 > 339 > 334 > 333 > other
    Chapter 33 > anything else). The rows add up to the number of cases; `article` None
    holds the cases whose charges are not known (e.g. hidden in the listing, card not read)."""
    rows = _rows(
        con,
        flt,
        """
        SELECT principal_article, count(*), sum(n_defendants) FROM sel
        GROUP BY principal_article ORDER BY 2 DESC, principal_article NULLS LAST""",
    )
    return [ArticleCount(a, int(n), int(d or 0)) for a, n, d in rows]


@_cases_only
def cumulative_cases(
    con: duckdb.DuckDBPyConnection, flt: Filter, since: dt.date | None = MOBILISATION
) -> Total:
    """Cumulative cases received from a date (by default the start of mobilisation,
    21.09.2022) up to `Filter.until` (or everything seen), with their defendants.
    `Filter.since`, when given, takes precedence over the `since` argument."""
    start = flt.since or since
    cases, defendants, _ = _cumulative_counts(con, replace(flt, since=start))
    return Total(start, flt.until, flt.as_of, int(cases), int(defendants))


def _cumulative_counts(con: duckdb.DuckDBPyConnection, flt: Filter) -> tuple[int, int, int]:
    """Cases, defendants and removed cases of the selection, in one scan (`cumulative_cases`
    and the removed count of `headline_figures` share it)."""
    rows = _rows(
        con,
        flt,
        """
        SELECT count(*), coalesce(sum(n_defendants), 0),
               count(*) FILTER (WHERE removed_at IS NOT NULL)
        FROM sel""",
    )
    cases, defendants, removed = rows[0]
    return int(cases), int(defendants), int(removed)


@_cases_only
def ytd_vs_previous_year(
    con: duckdb.DuckDBPyConnection, flt: Filter, year: int | None = None
) -> YearToDate:
    """Year to date against the whole previous year: cases received from 1 January of `year`
    through `Filter.until` (default: the as-of date, else the latest receipt date seen in that
    year), against all cases received in the previous calendar year; and the first receipt
    date on which the year-to-date count became greater than the previous year's total
    ("more cases by the end of July than in the whole previous year")."""
    if year is None:
        year = (
            flt.until or _as_of_day(flt) or _latest_entry_date(con, flt) or dt.date.today()
        ).year
    start, prev_start = dt.date(year, 1, 1), dt.date(year - 1, 1, 1)
    through = flt.until or _as_of_day(flt)
    daily = _rows(  # one scan for both years
        con,
        replace(flt, since=prev_start, until=through or dt.date(year, 12, 31)),
        """
        SELECT entry_date, count(*) FROM sel WHERE entry_date IS NOT NULL
        GROUP BY entry_date ORDER BY entry_date""",
    )
    previous = sum(int(n) for day, n in daily if day < start)
    daily = [(day, n) for day, n in daily if day >= start]
    running, overtaken = 0, None
    for day, n in daily:
        running += int(n)
        if overtaken is None and running > previous:
            overtaken = day
    if through is None:
        through = daily[-1][0] if daily else start
    return YearToDate(year, through, running, int(previous), overtaken)


def _latest_entry_date(con: duckdb.DuckDBPyConnection, flt: Filter) -> dt.date | None:
    """The latest receipt date of the filter's cases, whatever their dates (from the per-court
    scan, which an overview without a date range runs anyway)."""
    days = [day for *_, day in _per_court(con, replace(flt, since=None, until=None)) if day]
    return max(days, default=None)


@_cases_only
def verdicts_by_month(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[MonthCount]:
    """Verdicts per month: cases whose result is a verdict ("Вынесен ПРИГОВОР"), counted in the
    month of the verdict date; `since`/`until` apply to the verdict date. `defendants` is the
    number of defendants in those cases."""
    rows = _rows(
        con,
        flt,
        """
        SELECT year(result_date) * 100 + month(result_date) AS ym, count(*), sum(n_defendants)
        FROM sel WHERE outcome = 'verdict' AND result_date IS NOT NULL
        GROUP BY ym ORDER BY ym""",
        date_column="result_date",
    )
    return [MonthCount(_period(ym), int(n), int(d or 0)) for ym, n, d in rows]


@_cases_only
def defendants_total(con: duckdb.DuckDBPyConnection, flt: Filter) -> int:
    """Defendants: the number of persons tried in the cases received (a case with three
    defendants counts three; a person tried in two cases counts twice). Hidden names count."""
    return int(_rows(con, flt, "SELECT coalesce(sum(n_defendants), 0) FROM sel")[0][0])


@_cases_only
def outcomes(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[OutcomeCount]:
    """Outcomes of the cases received: verdict ("Вынесен ПРИГОВОР"), terminated ("ПРЕКРАЩЕНО",
    e.g. with a court fine), returned to the prosecutor, transferred to another court,
    suspended (the card's latest event suspends the proceedings and no result follows: since
    2023 mostly a defendant who signed a contract and went back to the front), pending (no
    result yet), other (medical measures, other rulings). Each case has one outcome."""
    totals: dict[str, tuple[int, int]] = {}
    for outcome, _, n, d in _outcomes_and_days(con, flt):
        cases, defendants = totals.get(outcome, (0, 0))
        totals[outcome] = (cases + n, defendants + d)
    order = {o.value: i for i, o in enumerate(Outcome)}
    counts = [OutcomeCount(o, n, d) for o, (n, d) in totals.items()]
    return sorted(counts, key=lambda c: order.get(c.outcome, len(order)))


def _outcomes_and_days(
    con: duckdb.DuckDBPyConnection, flt: Filter
) -> list[tuple[str, int | None, int, int]]:
    """(outcome, days from receipt to verdict, cases, defendants): cases by outcome and, for
    verdicts with both dates known, by the days between them (else None). One scan that
    `outcomes` and `days_to_verdict` share within `shared_queries`."""
    rows = _rows(
        con,
        flt,
        """
        SELECT outcome, CASE WHEN outcome = 'verdict' THEN result_date - entry_date END AS d,
               count(*), sum(n_defendants)
        FROM sel GROUP BY ALL""",
    )
    return [(o, None if d is None else int(d), int(n), int(nd or 0)) for o, d, n, nd in rows]


@_cases_only
def days_to_verdict(con: duckdb.DuckDBPyConnection, flt: Filter) -> DurationStats:
    """Days from receipt to verdict: for cases received in the filter's period whose result is
    a verdict, the days between the receipt date and the verdict date; median and quartiles
    (continuous quantiles). Pending cases are not included, so recent periods look faster
    than they will turn out."""
    histogram = sorted(
        (d, n)
        for outcome, d, n, _ in _outcomes_and_days(con, flt)
        if outcome == "verdict" and d is not None
    )
    return DurationStats(
        sum(n for _, n in histogram),
        _quantile(histogram, 0.5),
        _quantile(histogram, 0.25),
        _quantile(histogram, 0.75),
    )


def _quantile(histogram: list[tuple[int, int]], q: float) -> float | None:
    """The continuous quantile (linear interpolation between order statistics, as
    `quantile_cont` and numpy's default) of values given as sorted (value, count) pairs.
    Counting in SQL and interpolating here is exact and several times faster on a million
    cases than sorting them."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    position = (total - 1) * q
    low_rank, fraction = int(position), position - int(position)

    def value_at(rank: int) -> int:
        seen = 0
        for value, n in histogram:
            seen += n
            if rank < seen:
                return value
        return histogram[-1][0]

    low = value_at(low_rank)
    if not fraction:
        return float(low)
    return low + (value_at(low_rank + 1) - low) * fraction


@_cases_only
def appeals(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[AppealCount]:
    """Appeals and their results: appeal-instance cases (district, fleet and the Appellate
    Military Court) received in the period, by result: upheld ("оставлен БЕЗ ИЗМЕНЕНИЯ"),
    changed ("ИЗМЕНЕН"), overturned ("ОТМЕНЕН"), dismissed (the appeal "ОСТАВЛЕНА БЕЗ
    УДОВЛЕТВОРЕНИЯ"), withdrawn ("СНЯТО"), pending, other. The article filter applies to the
    appeal card's own charges."""
    rows = _rows(
        con,
        replace(flt, instance="appeal"),
        """
        SELECT result_raw, count(*) FROM sel GROUP BY result_raw""",
    )
    counts: dict[str, int] = {}
    for result, n in rows:
        key = classify_appeal(result).value
        counts[key] = counts.get(key, 0) + int(n)
    return [AppealCount(r.value, counts[r.value]) for r in AppealResult if r.value in counts]


@_cases_only
def appeals_against(
    con: duckdb.DuckDBPyConnection, flt: Filter, first_instance_court: str
) -> list[AppealCount]:
    """Appeals against one first-instance court's decisions, and their results: the
    appeal-instance cases received in the period (at whichever district, fleet or appellate
    court hears them) whose case UID carries that court's code, since a UID follows a case from
    the first instance to appeal. Results as in `appeals`; `Filter.court` is not used (the
    appeal court is not the first-instance court), the other filters apply to the appeal
    cards. Appeals whose card shows no UID are not counted."""
    rows = _rows(
        con,
        replace(flt, instance="appeal", court=None),
        """
        SELECT result_raw, count(*) FROM sel WHERE upper(uid) LIKE $prefix GROUP BY result_raw""",
        extra={"prefix": first_instance_court.strip().upper() + "-%"},
    )
    counts: dict[str, int] = {}
    for result, n in rows:
        key = classify_appeal(result).value
        counts[key] = counts.get(key, 0) + int(n)
    return [AppealCount(r.value, counts[r.value]) for r in AppealResult if r.value in counts]


def _per_court(
    con: duckdb.DuckDBPyConnection, flt: Filter
) -> list[tuple[str, int, int, int, dt.date, dt.date | None]]:
    """Per court of the selection: cases, defendants, verdicts, the day the archive first saw
    any of them (when monitoring of that court began, for `reporting_lag`) and the latest
    receipt date. One scan, which the court, district and region groupings, the reporting
    lag and the year to date share within `shared_queries`."""
    rows = _rows(
        con,
        flt,
        """
        SELECT court_code, count(*), coalesce(sum(n_defendants), 0),
               count(*) FILTER (WHERE outcome = 'verdict'), min(CAST(first_seen_at AS DATE)),
               max(entry_date)
        FROM sel GROUP BY court_code ORDER BY court_code""",
    )
    return [(code, int(n), int(d), int(v), seen, last) for code, n, d, v, seen, last in rows]


def _grouped(con: duckdb.DuckDBPyConnection, flt: Filter, key: str, name: str) -> list[GroupCount]:
    """Counts by court first (`_per_court`), then by `key`/`name` (expressions over the court
    registry `k` and `per_court`): the same sums as joining every case to its court, but the
    join and the grouping run over a hundred courts instead of a million cases."""
    per_court = _per_court(con, flt)
    rows = con.execute(
        f"""
        WITH per_court AS (
            SELECT unnest($codes) AS court_code, unnest($n) AS n, unnest($d) AS d,
                   unnest($v) AS v)
        SELECT {key} AS key, any_value({name}), sum(n), sum(d), sum(v)
        FROM per_court LEFT JOIN courts k ON k.code = per_court.court_code
        GROUP BY {key} ORDER BY 3 DESC, key NULLS LAST""",
        {
            "codes": [r[0] for r in per_court],
            "n": [r[1] for r in per_court],
            "d": [r[2] for r in per_court],
            "v": [r[3] for r in per_court],
        },
    ).fetchall()
    return [GroupCount(k, nm, int(n), int(d), int(v)) for k, nm, n, d, v in rows]


@_cases_only
def cases_by_court(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[GroupCount]:
    """Cases received by court (the court's code and name), with defendants and verdicts
    among them."""
    return _grouped(con, flt, "per_court.court_code", "k.name")


@_cases_only
def cases_by_district(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[GroupCount]:
    """Cases received by military district: a garrison court counts under the district or
    fleet court above it (the one whose code shares its two leading digits); district and
    fleet courts under themselves. `key` None: courts not in the imported registry."""
    return _grouped(con, flt, "k.district", "(SELECT name FROM courts d WHERE d.code = k.district)")


@_cases_only
def cases_by_region(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[GroupCount]:
    """Cases received by the region where the court sits (from the imported registry; not
    where the defendant serves). `key` None: courts not in the registry."""
    return _grouped(con, flt, "k.region", "k.region_code")


@_cases_only
def reporting_lag(
    con: duckdb.DuckDBPyConnection, flt: Filter, days: tuple[int, ...] = (7, 14, 30, 60, 90, 180)
) -> list[LagPoint]:
    """Reporting lag: the share of cases that were visible on the court's site within N days
    of their receipt date, measured as the days from receipt to the first time the archive
    saw the case. Only cases received after monitoring of their court began count (a case
    received before the first harvest says nothing about lag), and only cases received at
    least N days before the as-of date (or the latest harvest), so each share has had time
    to be observed."""
    reference = _as_of_day(flt) or _latest_seen_day(con, flt)
    if reference is None:
        return [LagPoint(n, None, 0) for n in days]
    began = {court[0]: court[4] for court in _per_court(con, flt)}
    if not began or not days:
        return [LagPoint(n, None, 0) for n in days]
    thresholds = sorted({int(n) for n in days})
    # one pass over the cases into at most (len + 1)^2 groups: `within`, the first threshold
    # the case's lag is within (len: none); `old`, how many thresholds its receipt is old
    # enough for (entry_date <= reference - n); the shares are sums over these groups
    within = " ".join(f"WHEN lag <= {n} THEN {i}" for i, n in enumerate(thresholds))
    old = " ".join(f"WHEN age < {n} THEN {i}" for i, n in enumerate(thresholds))
    rows = _rows(
        con,
        flt,
        f"""
        , began AS (SELECT unnest($codes) AS court_code, unnest($began) AS began),
        lags AS (
            SELECT CAST(s.first_seen_at AS DATE) - s.entry_date AS lag,
                   $reference - s.entry_date AS age
            FROM sel s JOIN began b USING (court_code)
            WHERE s.entry_date IS NOT NULL AND s.entry_date >= b.began)
        SELECT CASE {within} ELSE {len(thresholds)} END AS within,
               CASE {old} ELSE {len(thresholds)} END AS old, count(*)
        FROM lags GROUP BY ALL""",
        extra={"reference": reference, "codes": list(began), "began": list(began.values())},
    )
    counted: dict[int, tuple[int, int]] = {}
    for k, n in enumerate(thresholds):
        basis = sum(int(c) for _, old_enough, c in rows if old_enough > k)
        seen = sum(int(c) for first, old_enough, c in rows if old_enough > k and first <= k)
        counted[n] = (seen, basis)
    points = []
    for n in days:
        seen, basis = counted.get(n, (0, 0))
        points.append(LagPoint(n, seen / basis if basis else None, basis))
    return points


def _latest_seen_day(con: duckdb.DuckDBPyConnection, flt: Filter) -> dt.date | None:
    """The day of the latest harvest seen (the reference for lags when no as-of is given)."""
    day: dt.date | None = _rows(
        con,
        replace(flt, since=None, until=None, article=None, part=None, charges=None),
        "SELECT max(CAST(last_seen_at AS DATE)) FROM f",
    )[0][0]
    return day


@_cases_only
@_sharing
def completeness_by_month(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[MonthCompleteness]:
    """The monthly series of cases received beside how complete each month is expected to
    be: for each month, the reporting-lag share for the days between the middle of the month
    and the as-of date (or the latest harvest). Recent months come out below 1: their counts
    will still grow as courts publish late cards. None where no lag could be measured."""
    series = cases_received_by_month(con, flt)
    lag = [
        p
        for p in reporting_lag(con, flt, days=(1, 3, 7, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365))
        if p.share is not None
    ]
    reference = _as_of_day(flt) or _latest_seen_day(con, flt)
    out = []
    for month in series:
        expected = None
        if lag and reference is not None:
            y, m = (int(x) for x in month.period.split("-"))
            middle = dt.date(y, m, (calendar.monthrange(y, m)[1] + 1) // 2)
            age = (reference - middle).days
            reached = [p.share for p in lag if p.days <= age]
            expected = (reached[-1] or 0.0) if reached else 0.0
            if age >= lag[-1].days:
                expected = max(expected, lag[-1].share or 0.0)
        out.append(MonthCompleteness(month.period, month.cases, expected))
    return out


# -- the cases behind a number ------------------------------------------------------------------
GROUPINGS = (
    "month",
    "verdict_month",
    "court",
    "district",
    "region",
    "part",
    "article",
    "principal",
    "outcome",
)


@_cases_only
def list_cases(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    by: str | None = None,
    key: str | None = None,
    limit: int | None = None,
) -> list[CaseRef]:
    """The cases behind a number: the cases a metric with the same filter counted, restricted
    to one group (`by` one of GROUPINGS, `key` the group's key as the metric returned it, e.g.
    by="month", key="2024-02"; by="part", key="337.5"; by="outcome", key="suspended")."""
    date_column = "result_date" if by == "verdict_month" else "entry_date"
    conditions = {
        "month": "entry_date >= $start AND entry_date < $end",
        "verdict_month": "outcome = 'verdict' AND result_date >= $start AND result_date < $end",
        "court": "court_code = $key",
        "district": "district IS NOT DISTINCT FROM $key",
        "region": "region IS NOT DISTINCT FROM $key",
        "part": "list_contains(charge_keys, $key)",
        "article": "list_contains(articles, $key)",
        "principal": "principal_article IS NOT DISTINCT FROM $key",
        "outcome": "outcome = $key",
    }
    if by is not None and by not in conditions:
        raise ValueError(f"unknown grouping {by!r}: one of {', '.join(GROUPINGS)}")
    where = f"WHERE {conditions[by]}" if by else ""
    rows = _rows(
        con,
        flt,
        f"""
        SELECT case_key, court_code, case_number, uid, entry_date, outcome, result_date,
               principal_charge, first_seen_at, removed_at
        FROM sel {where} ORDER BY entry_date NULLS LAST, case_key
        {"LIMIT " + str(int(limit)) if limit else ""}""",
        date_column=date_column,
        extra=_month_bounds(key) if by in ("month", "verdict_month") else {"key": key},
        with_courts=by in ("district", "region"),
    )
    return [CaseRef(*r) for r in rows]


def _period(ym: int) -> str:
    return f"{ym // 100:04d}-{ym % 100:02d}"


def _month_bounds(period: str | None) -> dict[str, dt.date]:
    """ "YYYY-MM" → {start, end}: the month as a half-open date range (faster to filter on
    than a formatted date)."""
    try:
        year, month = (int(x) for x in (period or "").split("-"))
        start = dt.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"month key {period!r}: use YYYY-MM") from exc
    return {"start": start, "end": (start + dt.timedelta(days=32)).replace(day=1)}


# -- grouped counts for the CLI and the API -----------------------------------------------------
BY_KEYS = {
    "month": "period",
    "court": "court_code",
    "district": "district",
    "region": "region",
    "part": "part",
    "article": "article",
    "outcome": "outcome",
    "punishment": "punishment",
    "service": "service",
    "regime": "regime",
    "term": "charge",
}


@_sharing
def cases_by(con: duckdb.DuckDBPyConnection, flt: Filter, by: str) -> list[dict[str, Any]]:
    """Cases received grouped one way, as plain objects with the group key under its own name
    (`period` YYYY-MM, `court_code`, `district`, `region`, `part` (article.part, multi-label),
    `article` (principal), `outcome`) and `cases`, `defendants`; the monthly grouping also
    has `expected_complete` (see `completeness_by_month`). The sentence groupings
    `punishment`, `service` and `regime` (see `sentences_by_punishment`) give `sentences`
    (sentenced defendants), `cases`, `published_share` and its denominator `verdicts`;
    `term` gives the rows of `real_terms` (`charge`, `article`, `part`, `sentences`,
    `median_months`, `q1_months`, `q3_months`, `published_share`, `verdicts`). With
    `Filter.service` only the sentence groupings answer; the others refuse it."""
    if flt.service is not None and by not in SENTENCE_GROUPINGS:
        raise FilterNotApplicable(_service_refusal(f"--by {by}", flt.service))
    if by == "term":
        return [
            {
                "charge": t.charge,
                "article": t.article,
                "part": t.part,
                "sentences": t.sentences,
                "median_months": t.median_months,
                "q1_months": t.q1_months,
                "q3_months": t.q3_months,
                "published_share": t.published_share,
                "verdicts": t.verdicts,
            }
            for t in real_terms(con, flt)
        ]
    if by == "month":
        complete = {m.period: m.expected_complete for m in completeness_by_month(con, flt)}
        return [
            {
                "period": m.period,
                "cases": m.cases,
                "defendants": m.defendants,
                "expected_complete": complete.get(m.period),
            }
            for m in cases_received_by_month(con, flt)
        ]
    if by in ("court", "district", "region"):
        fn = {"court": cases_by_court, "district": cases_by_district, "region": cases_by_region}[by]
        name_key = "region_code" if by == "region" else "name"
        return [
            {
                BY_KEYS[by]: g.key,
                name_key: g.name,
                "cases": g.cases,
                "defendants": g.defendants,
                "verdicts": g.verdicts,
            }
            for g in fn(con, flt)
        ]
    if by == "part":
        return [
            {
                "part": c.charge,
                "article": c.article,
                "mobilisation": c.mobilisation,
                "cases": c.cases,
            }
            for c in cases_by_charge(con, flt)
        ]
    if by == "article":
        return [
            {"article": a.article, "cases": a.cases, "defendants": a.defendants}
            for a in cases_by_principal_article(con, flt)
        ]
    if by == "outcome":
        return [
            {"outcome": o.outcome, "cases": o.cases, "defendants": o.defendants}
            for o in outcomes(con, flt)
        ]
    if by in ("punishment", "service", "regime"):
        sentence_fn = {
            "punishment": sentences_by_punishment,
            "service": sentences_by_service,
            "regime": sentences_by_regime,
        }[by]
        return [
            {
                BY_KEYS[by]: g.key,
                "sentences": g.sentences,
                "cases": g.cases,
                "published_share": g.published_share,
                "verdicts": g.verdicts,
            }
            for g in sentence_fn(con, flt)
        ]
    raise ValueError(f"unknown grouping {by!r}: one of {', '.join(BY_KEYS)}")


@_cases_only
def revisions(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    as_of: list[dt.date] | None = None,
) -> list[Total]:
    """How a figure was revised as late cards appeared: the cases received in the filter's
    period (`since`..`until`; all dates when unset) counted as of each date in `as_of`
    (default: every day on which the archive saw anything), oldest first. This is how "5,024
    AWOL cases in 2023" (counted on 29 Dec 2023) became 5,096 by August 2024. Each point
    is a lookup in the interval-valid history: a few tenths of a second on a million cases."""
    if as_of is None:
        days = con.execute(
            "SELECT DISTINCT CAST(fetched_at AS DATE) AS day FROM fetch_log ORDER BY day"
        ).fetchall()
        as_of = [d for (d,) in days]
    return [cumulative_cases(con, replace(flt, as_of=day), since=flt.since) for day in as_of]


@_cases_only
@_sharing
def headline_figures(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[dict[str, Any]]:
    """The figures a story quotes, in one list of `{metric, value}` objects: cases and
    defendants since mobilisation (21.09.2022), this year to date against the whole previous
    year with the date it overtook it, verdicts, median days from receipt to verdict, cases
    suspended, and cases removed from the courts' sites. Each value is the metric of the same
    name above, with the same filter (`Filter.since` replaces the mobilisation date)."""
    total = cumulative_cases(con, flt)
    ytd = ytd_vs_previous_year(con, flt)
    outcome = {o.outcome: o.cases for o in outcomes(con, flt)}
    days = days_to_verdict(con, flt)
    # the cases counted in `total` that are gone from the courts' sites: the count without
    # them (`include_removed=False`) subtracted from the total, read from the same scan
    removed = _cumulative_counts(con, replace(flt, since=total.since))[2]
    return [
        {"metric": "cases_since", "since": total.since, "value": total.cases},
        {"metric": "defendants_since", "since": total.since, "value": total.defendants},
        {"metric": "ytd_cases", "year": ytd.year, "through": ytd.through, "value": ytd.ytd_cases},
        {"metric": "previous_year_cases", "year": ytd.year - 1, "value": ytd.previous_year_cases},
        {"metric": "ytd_overtook_previous_year_on", "value": ytd.overtaken_on},
        {"metric": "verdicts", "value": outcome.get("verdict", 0)},
        {"metric": "suspended", "value": outcome.get("suspended", 0)},
        {"metric": "pending", "value": outcome.get("pending", 0)},
        {"metric": "median_days_to_verdict", "value": days.median_days},
        {"metric": "removed_from_court_sites", "value": removed},
    ]


# -- sentences (read from the published acts: kartoteka.store.sentences) ------------------------
@dataclass(frozen=True, slots=True)
class SentenceCount:
    key: str | None  # the punishment, service status, regime or month, per the metric
    sentences: int  # sentenced defendants
    cases: int  # cases they were sentenced in
    published_share: float | None  # verdicts with a published text / all verdicts
    verdicts: int  # the share's denominator


@dataclass(frozen=True, slots=True)
class SuspendedShare:
    sentences: int
    suspended: int
    share: float | None  # suspended / sentences; None without any sentence read
    published_share: float | None
    verdicts: int


@dataclass(frozen=True, slots=True)
class TermStats:
    charge: str  # article.part of conviction, e.g. 338.1
    article: str
    part: str | None
    sentences: int  # real terms of imprisonment with a term read
    median_months: float | None
    q1_months: float | None
    q3_months: float | None
    published_share: float | None  # among the verdicts of cases charged under `charge`
    verdicts: int


# The acts a selection's sentences are read from, as of `$act_cutoff` (one row per act:
# `kartoteka.store.sentences.acts_sql`), their sentences, and the verdicts of the selection.
_ACTS = (
    ",\n"
    + acts_sql("act_cutoff")
    + """,
    act_sentence AS (
        SELECT a.case_key, a.act_number, a.source, a.warc_file, a.warc_offset, a.record_id,
               s.defendant_index, s.defendant, s.outcome, s.articles, s.punishment,
               s.term_months, s.suspended, s.regime, s.service
        FROM sentences s JOIN act a
          ON a.source = 'card' AND s.case_key = a.case_key AND s.version = a.version
         AND s.act_position = a.act_position
        UNION ALL
        SELECT a.case_key, a.act_number, a.source, a.warc_file, a.warc_offset, a.record_id,
               s.defendant_index, s.defendant, s.outcome, s.articles, s.punishment,
               s.term_months, s.suspended, s.regime, s.service
        FROM act_page_sentences s JOIN act a
          ON a.source = 'page' AND s.case_key = a.case_key AND s.act_number = a.act_number
         AND s.page_version = a.version),
    published AS (
        SELECT case_key, bool_or(published) AS published FROM act GROUP BY case_key),
    verdict AS (
        SELECT sel.*, coalesce(p.published, false) AS has_text
        FROM sel LEFT JOIN published p USING (case_key) WHERE sel.outcome = 'verdict'),
    handed AS (
        SELECT s.*, v.result_date, CAST(NULL AS VARCHAR) AS changed_by
        FROM act_sentence s JOIN verdict v ON v.case_key = s.case_key
        WHERE s.outcome = 'convicted' AND s.punishment <> 'none')
"""
)

# The sentences as they stand after appeal (`Filter.sentence_stage = "final"`). A ruling is
# an appeal or cassation case seen by the cutoff, linked to the first-instance verdict of the
# selection with the same case UID as their cards print it (the latest one decided before
# the ruling's case was received, should a UID carry several; a case whose card was never
# read has no UID to link by). A changed ruling ("ИЗМЕНЕН", an act whose ruling is
# changed) whose act names a new punishment replaces the defendant's sentence (the later
# instance, then the later ruling, wins); a verdict an appeal overturned ("ОТМЕНЕН", an act
# that quashes) has no sentence left.
_AFTER_APPEAL = """,
    uids AS (  -- the UID a card printed (checked, mod 97), not a listing link's case_uid
        SELECT case_key, upper(arg_max(uid, version)) AS uid FROM case_versions
        WHERE source = 'card' AND uid_valid AND first_seen_at < $act_cutoff
        GROUP BY case_key),
    ruling AS (
        SELECT f.case_key AS ruling_key, f.instance, u.uid, f.entry_date, f.result_raw
        FROM f JOIN uids u USING (case_key) WHERE f.instance IN ('appeal', 'cassation')),
    linked AS (
        SELECT r.*, v.case_key FROM ruling r
        JOIN uids vu ON vu.uid = r.uid
        JOIN verdict v ON v.case_key = vu.case_key
         AND (v.result_date IS NULL OR r.entry_date IS NULL OR v.result_date <= r.entry_date)
        QUALIFY row_number() OVER (
            PARTITION BY r.ruling_key ORDER BY v.result_date DESC NULLS LAST, v.case_key) = 1),
    quashed AS (
        SELECT DISTINCT l.case_key FROM linked l
        WHERE l.instance = 'appeal' AND (list_contains(CAST($overturned AS VARCHAR[]), l.result_raw)
              OR EXISTS (SELECT 1 FROM act a WHERE a.case_key = l.ruling_key
                                               AND a.ruling = 'quashed'))),
    change AS (
        SELECT l.case_key, l.ruling_key, CASE l.instance WHEN 'cassation' THEN 2 ELSE 1 END
                   AS rank, a.date AS ruling_date, a.seen_at, s.*,
               count(*) OVER (PARTITION BY a.case_key, a.act_number) AS named
        FROM linked l
        JOIN act a ON a.case_key = l.ruling_key AND a.ruling = 'changed'
        JOIN act_sentence s ON s.case_key = a.case_key AND s.act_number = a.act_number
        WHERE s.punishment <> 'none'),
    handed_n AS (
        SELECT h.*, count(*) OVER (PARTITION BY h.case_key) AS named FROM handed h),
    applied AS (
        SELECT h.case_key, h.act_number, h.defendant_index, c.ruling_key, c.articles,
               c.punishment, c.term_months, c.suspended, c.regime
        FROM handed_n h JOIN change c ON c.case_key = h.case_key
         AND (c.defendant = h.defendant OR (c.named = 1 AND h.named = 1))
        QUALIFY row_number() OVER (
            PARTITION BY h.case_key, h.act_number, h.defendant_index
            ORDER BY c.rank DESC, c.ruling_date DESC NULLS LAST, c.seen_at DESC,
                     c.ruling_key DESC) = 1),
    final AS (
        SELECT h.case_key, h.act_number, h.source, h.warc_file, h.warc_offset, h.record_id,
               h.defendant_index, h.defendant, h.outcome,
               CASE WHEN len(c.articles) > 0 THEN c.articles ELSE h.articles END AS articles,
               coalesce(c.punishment, h.punishment) AS punishment,
               CASE WHEN c.ruling_key IS NULL THEN h.term_months ELSE c.term_months END
                   AS term_months,
               coalesce(c.suspended, h.suspended) AS suspended,
               CASE WHEN c.ruling_key IS NULL THEN h.regime
                    WHEN c.punishment <> 'imprisonment' THEN NULL
                    WHEN h.punishment = 'imprisonment' THEN coalesce(c.regime, h.regime)
                    ELSE c.regime END AS regime,
               h.service, h.result_date, c.ruling_key AS changed_by
        FROM handed h
        LEFT JOIN applied c USING (case_key, act_number, defendant_index)
        WHERE h.case_key NOT IN (SELECT case_key FROM quashed))
"""

SENTENCE_STAGES = ("handed_down", "final")


def _sentenced_sql(flt: Filter) -> str:
    """The sentence CTEs of a filter's stage: `verdict` (the selection's verdicts, with
    `has_text`: all of them, whatever `Filter.service`, since a verdict without a text has
    no known service status) and `sentenced` (one row per sentenced defendant, only those of
    `$services` with `Filter.service`)."""
    # the status is the verdict's reading in both stages: a ruling on appeal does not change it
    services = " WHERE list_contains(CAST($services AS VARCHAR[]), service)" if flt.service else ""
    if flt.sentence_stage == "handed_down":
        return _ACTS + f", sentenced AS (SELECT * FROM handed{services})\n"
    if flt.sentence_stage == "final":
        return _ACTS + _AFTER_APPEAL + f", sentenced AS (SELECT * FROM final{services})\n"
    raise ValueError(f"sentence stage {flt.sentence_stage!r}: one of {', '.join(SENTENCE_STAGES)}")


def _overturned_results(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The result wordings of appeal cases that overturn the verdict (`classify_appeal`,
    so the SQL and every other appeal figure share one vocabulary)."""
    rows = con.execute(
        "SELECT DISTINCT result_raw FROM case_versions "
        "WHERE instance = 'appeal' AND result_raw IS NOT NULL"
    ).fetchall()
    return sorted(r for (r,) in rows if classify_appeal(r) is AppealResult.OVERTURNED)


def _share(published: int, verdicts: int) -> float | None:
    return published / verdicts if verdicts else None


def _sentence_rows(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    body: str,
    params: dict[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """`_rows` over the sentence CTEs (`verdict`, `sentenced`), verdict dates filtered."""
    extra: dict[str, Any] = {"act_cutoff": cutoff_for(flt.as_of), **(params or {})}
    if flt.service is not None:
        extra["services"] = list(service_set(flt.service))
    if flt.sentence_stage == "final":
        extra["overturned"] = _overturned_results(con)
    return _rows(con, flt, _sentenced_sql(flt) + body, date_column="result_date", extra=extra)


def _verdicts_published(con: duckdb.DuckDBPyConnection, flt: Filter) -> tuple[int, int]:
    row = _sentence_rows(con, flt, "SELECT count(*), count(*) FILTER (WHERE has_text) FROM verdict")
    return int(row[0][0]), int(row[0][1] or 0)


def _grouped_sentences(
    con: duckdb.DuckDBPyConnection, flt: Filter, column: str, where: str = "TRUE"
) -> list[SentenceCount]:
    verdicts, published = _verdicts_published(con, flt)
    rows = _sentence_rows(
        con,
        flt,
        f"""
        SELECT {column} AS key, count(*), count(DISTINCT case_key) FROM sentenced
        WHERE {where} GROUP BY key ORDER BY 2 DESC, key NULLS LAST""",
    )
    share = _share(published, verdicts)
    return [SentenceCount(k, int(n), int(c), share, verdicts) for k, n, c in rows]


def sentences_by_punishment(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[SentenceCount]:
    """Sentences by main punishment, read from the published texts of the verdicts: one
    sentence per convicted defendant the operative part names (`sentences` counts
    defendants, `cases` the cases they were sentenced in). Punishments: imprisonment (a real
    term), suspended_imprisonment (ст. 73), disciplinary_unit, military_restriction, fine,
    compulsory_works, correctional_works, forced_labour, restriction_of_freedom, other; the
    final punishment where sentences were combined. Cases are the filter's cases whose
    outcome is a verdict (`since`/`until` apply to the verdict date); their texts are the
    acts of the latest card seen and the act pages (`name_op=doc`) seen (as of
    `Filter.as_of`), one act counted once where both hold it. Beside every figure, the
    **published share**: verdicts in the same selection with a published act text (on the
    card or on an act page), out of all of them (`verdicts`). A verdict without a published
    text (not yet published, "не подлежит опубликованию", only an attachment, or neither its
    card nor its act page fetched) has no sentence here: read every figure against that
    share, never as "no punishment". **Stage**: by default the sentences as handed down;
    with `Filter.sentence_stage="final"` (`--after-appeal`) as they stand after the appeal
    and cassation rulings seen by then, linked to the verdict by the case UID: a ruling
    that changes a sentence and names the new punishment ("смягчить назначенное наказание
    до …") replaces it (the regime stays the verdict's unless the ruling sets another), a
    verdict overturned on appeal has no sentence left; the published share stays that of
    the verdicts. **Service status**: with `Filter.service` (`--service mobilised`; several
    comma-separated), every sentence metric (this one, `sentences_by_month`,
    `suspended_share`, `real_terms`, `real_terms_overall`, `sentences_by_regime`,
    `sentences_by_service`, `list_sentences`) counts only the sentences of defendants whose
    act states that status, at either stage (the status is the verdict's). The published
    share of such a selection stays that of **all** verdicts in the selection: the status
    is read from the text, so a verdict without a published text has no known status, and
    how many verdicts the mobilised (say) had is not known. What it implies: a count within
    a status ("120 mobilised sent to a colony") is a lower bound, since the unpublished
    verdicts and the published texts that state no status (the None row of
    `sentences_by_service`) may hold more of them; a share within a status ("real terms for
    35 % of the mobilised") is a share over the texts read, which stands for all of that
    status's sentences only as far as courts publish, and state the status, as often for
    one punishment as for another."""
    return _grouped_sentences(con, flt, "punishment")


def sentences_by_service(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[SentenceCount]:
    """Sentences (as in `sentences_by_punishment`) by the defendant's service status as the
    act's description states it: mobilised ("по мобилизации", "мобилизованного"), contract
    ("по контракту"), conscript ("по призыву"), or None where the text does not say. With
    the published share of the same selection."""
    return _grouped_sentences(con, flt, "service")


def sentences_by_regime(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[SentenceCount]:
    """Real terms of imprisonment (as in `sentences_by_punishment`, punishment
    imprisonment) by the regime of the colony the verdict sets: settlement (колония-
    поселение), general, strict, special; None where the text states none. With the
    published share of the same selection."""
    return _grouped_sentences(con, flt, "regime", "punishment = 'imprisonment'")


def sentences_by_month(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[SentenceCount]:
    """Sentences (as in `sentences_by_punishment`) per month of the verdict date (`key`
    YYYY-MM), each month with its own published share: that month's verdicts with a
    published text out of that month's verdicts. Months with verdicts but no sentence read
    are listed with 0 sentences. Combine with a punishment by filtering the rows of
    `sentences_by_punishment` per month (`since`/`until`)."""
    rows = _sentence_rows(
        con,
        flt,
        """,
        v AS (SELECT year(result_date) * 100 + month(result_date) AS ym,
                     count(*) AS n, count(*) FILTER (WHERE has_text) AS p
              FROM verdict WHERE result_date IS NOT NULL GROUP BY ym),
        s AS (SELECT year(result_date) * 100 + month(result_date) AS ym,
                     count(*) AS n, count(DISTINCT case_key) AS c
              FROM sentenced WHERE result_date IS NOT NULL GROUP BY ym)
        SELECT v.ym, coalesce(s.n, 0), coalesce(s.c, 0), v.p, v.n
        FROM v LEFT JOIN s USING (ym) ORDER BY v.ym""",
    )
    return [
        SentenceCount(_period(ym), int(n), int(c), _share(int(p), int(v)), int(v))
        for ym, n, c, p, v in rows
    ]


def suspended_share(con: duckdb.DuckDBPyConnection, flt: Filter) -> SuspendedShare:
    """The share of sentences (as in `sentences_by_punishment`) that are suspended
    (ст. 73 УК РФ: suspended_imprisonment) out of all sentences read, with the published
    share of the same selection. "More than half of the sentences for AWOL are suspended"
    is this metric with `Filter(article="337")`."""
    verdicts, published = _verdicts_published(con, flt)
    row = _sentence_rows(
        con,
        flt,
        "SELECT count(*), count(*) FILTER (WHERE punishment = 'suspended_imprisonment') "
        "FROM sentenced",
    )[0]
    n, suspended = int(row[0]), int(row[1] or 0)
    return SuspendedShare(
        n, suspended, suspended / n if n else None, _share(published, verdicts), verdicts
    )


def real_terms(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[TermStats]:
    """Real terms of imprisonment (punishment imprisonment with a term read: the final term
    where sentences were combined) in months, by article and part of conviction: median and
    quartiles (linear interpolation between the sorted terms, as `statistics.quantiles`
    with method "inclusive"). Multi-label: a defendant convicted under 337.5 and 338.2
    counts under both. The published share of each row is that of the verdicts in cases
    charged under its article and part."""
    rows = _sentence_rows(
        con,
        flt,
        """,
        t AS (SELECT unnest(articles) AS charge, term_months FROM sentenced
              WHERE punishment = 'imprisonment' AND term_months IS NOT NULL),
        v AS (SELECT unnest(charge_keys) AS charge, has_text FROM verdict)
        SELECT t.charge, count(*), quantile_cont(t.term_months, [0.5, 0.25, 0.75]),
               (SELECT count(*) FROM v WHERE v.charge = t.charge),
               (SELECT count(*) FROM v WHERE v.charge = t.charge AND v.has_text)
        FROM t GROUP BY t.charge ORDER BY t.charge""",
    )
    out = []
    for charge, n, (median, q1, q3), verdicts, published in rows:
        article, part = split_charge_key(charge)
        out.append(
            TermStats(
                charge,
                article,
                part,
                int(n),
                float(median),
                float(q1),
                float(q3),
                _share(int(published), int(verdicts)),
                int(verdicts),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class TermSummary:
    convicted_under: tuple[str, ...] | None  # the charges asked for; None: every real term
    sentences: int  # sentenced defendants with a real term read, each once
    median_months: float | None  # None: no real term read
    q1_months: float | None
    q3_months: float | None
    published_share: float | None  # among the verdicts of cases charged under them
    verdicts: int


def real_terms_overall(
    con: duckdb.DuckDBPyConnection, flt: Filter, convicted_under: tuple[str, ...] | None = None
) -> TermSummary:
    """Real terms of imprisonment (as in `real_terms`) pooled over the selection: every
    sentenced defendant with a real term read counts once, however many articles they were
    convicted under; with `convicted_under` (whole articles such as "337", or article.part
    keys such as "337.5"), only those convicted under any of them ("the median term under
    ст. 337": every part of it, each defendant once). Median and quartiles as in
    `real_terms`. The published share is that of the selection's verdicts, with
    `convicted_under` of those in cases charged under any of them."""
    extra: dict[str, Any] = {}
    kept = "t"
    charged = "verdict"
    if convicted_under:
        extra["under"] = sorted(set(convicted_under))
        # a conviction charge is "under" a whole article when it is one of its parts
        kept = """(SELECT t.* FROM t SEMI JOIN (
                SELECT DISTINCT u.case_key, u.act_number, u.defendant_index
                FROM (SELECT case_key, act_number, defendant_index, unnest(articles) AS c
                      FROM t) u
                JOIN (SELECT unnest(CAST($under AS VARCHAR[])) AS w) x
                  ON u.c = x.w OR starts_with(u.c, x.w || '.')) h
              USING (case_key, act_number, defendant_index))"""
        charged = """(SELECT v.case_key, any_value(v.has_text) AS has_text FROM (
                SELECT case_key, has_text, unnest(charge_keys) AS c FROM verdict) v
              JOIN (SELECT unnest(CAST($under AS VARCHAR[])) AS w) x
                ON v.c = x.w OR starts_with(v.c, x.w || '.')
              GROUP BY v.case_key)"""
    rows = _sentence_rows(
        con,
        flt,
        f""",
        t AS (SELECT case_key, act_number, defendant_index, articles, term_months
              FROM sentenced WHERE punishment = 'imprisonment' AND term_months IS NOT NULL)
        SELECT (SELECT count(*) FROM {kept} k),
               (SELECT quantile_cont(k.term_months, [0.5, 0.25, 0.75]) FROM {kept} k),
               (SELECT count(*) FROM {charged} c),
               (SELECT count(*) FILTER (WHERE c.has_text) FROM {charged} c)""",
        extra,
    )
    n, quartiles, verdicts, published = rows[0]
    q: list[float | None] = [float(x) for x in quartiles] if quartiles else [None, None, None]
    return TermSummary(
        tuple(sorted(set(convicted_under))) if convicted_under else None,
        int(n),
        q[0],
        q[1],
        q[2],
        _share(int(published or 0), int(verdicts)),
        int(verdicts),
    )


@dataclass(frozen=True, slots=True)
class SentenceRef:
    """One sentenced defendant behind a sentence figure, and the act it was read from."""

    case_key: str
    court_code: str
    case_number: str | None
    result_date: dt.date | None
    defendant: str | None  # initials or the court's mark
    punishment: str
    term_months: int | None
    regime: str | None
    service: str | None
    act_source: str  # card (its inline act) | page (a `name_op=doc` page)
    act_number: str
    warc_file: str  # the record the act was read from
    warc_offset: int
    record_id: str | None
    changed_by: str | None  # stage "final": the ruling's case that set this sentence


SENTENCE_GROUPINGS = ("punishment", "service", "regime", "term")
_NO_KEY = frozenset({"", "none", "null", "-", "—"})


def list_sentences(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    by: str | None = None,
    key: str | None = None,
    limit: int | None = None,
) -> list[SentenceRef]:
    """The sentenced defendants behind a sentence figure (`sentences_by_punishment`,
    `_by_service`, `_by_regime`, `real_terms` with the same filter, stage and service
    status), restricted to one row's `key` (`by` one of SENTENCE_GROUPINGS; for service and
    regime "none" is the row of texts that state none; for term the row's charge, e.g.
    "337.5": the real terms convicted under it), each with its case and the WARC record of
    its act."""
    if by is not None and by not in SENTENCE_GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: one of {', '.join(SENTENCE_GROUPINGS)}")
    where = "TRUE"
    extra: dict[str, Any] = {}
    if by is not None:
        value = None if key is None or key.strip().casefold() in _NO_KEY else key.strip()
        if by in ("punishment", "term") and value is None:
            example = "imprisonment" if by == "punishment" else "337.5"
            raise ValueError(f"--by {by} needs a key, e.g. {example}")
        where = f"s.{by} IS NOT DISTINCT FROM $key"
        extra["key"] = value
        if by == "regime":
            where += " AND s.punishment = 'imprisonment'"
        if by == "term":
            where = (
                "s.punishment = 'imprisonment' AND s.term_months IS NOT NULL "
                "AND list_contains(s.articles, $key)"
            )
    rows = _sentence_rows(
        con,
        flt,
        f"""
        SELECT s.case_key, v.court_code, v.case_number, s.result_date, s.defendant,
               s.punishment, s.term_months, s.regime, s.service, s.source, s.act_number,
               s.warc_file, s.warc_offset, s.record_id, s.changed_by
        FROM sentenced s JOIN verdict v USING (case_key)
        WHERE {where}
        ORDER BY s.result_date NULLS LAST, s.case_key, s.act_number, s.defendant_index
        {"LIMIT " + str(int(limit)) if limit else ""}""",
        extra,
    )
    return [SentenceRef(*r) for r in rows]


# The metrics, in the order the documentation presents them.
METRICS: tuple[Callable[..., Any], ...] = (
    cases_received_by_month,
    cases_by_charge,
    cases_by_principal_article,
    cases_received_by_month_and_article,
    cumulative_cases,
    ytd_vs_previous_year,
    verdicts_by_month,
    defendants_total,
    outcomes,
    days_to_verdict,
    appeals,
    appeals_against,
    cases_by_court,
    cases_by_district,
    cases_by_region,
    reporting_lag,
    completeness_by_month,
    revisions,
    headline_figures,
    sentences_by_punishment,
    sentences_by_month,
    suspended_share,
    real_terms,
    real_terms_overall,
    sentences_by_regime,
    sentences_by_service,
    list_cases,
    list_sentences,
    cases_by,
)


def selection_sql(con: duckdb.DuckDBPyConnection, flt: Filter) -> tuple[str, dict[str, Any]]:
    """The cases a filter selects, as SQL for stages that join them with their own tables
    (`kartoteka.watch` joins them with the store's changes): a prefix defining the CTE `sel`
    (the columns of `cases`, as of `flt.as_of`) and its parameters. Same selection, same
    meaning as every metric here; append e.g. `SELECT ... FROM sel JOIN ...`."""
    flt, source = _source(con, flt)
    return _selection(flt, source=source)
