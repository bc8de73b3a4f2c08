"""What the dashboard, the API and the report show, gathered from `kartoteka.stats`.

This module calls the metric functions and arranges their results into headline figures,
chart rows and tables. It defines no metric: every number comes from a function of
`kartoteka.stats.metrics`, and every "definition" shown beside a number is that function's
docstring. Where the pages need a combination the stats module does not offer directly, the
combination is arithmetic on its results, written out below:

- the stacked monthly chart reads `cases_received_by_month_and_article` (one query, each
  case under its principal article) so that stacks add up to the number of cases; "other" is
  the month's total minus the named articles;
- "last complete month" is the calendar month before the as-of date, read from the monthly
  series;
- the case list pages through `list_cases` (which has no offset) and takes its total from
  `cumulative_cases` with no start date, i.e. the same selection.

Results for one store snapshot and one set of filters never change, so overviews are cached
per snapshot (see `FiguresCache`): the stats results, not the labelled pages, so both
languages share one computation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import duckdb

from kartoteka.registry.articles import ARTICLES
from kartoteka.stats import metrics as m
from kartoteka.web import records
from kartoteka.web.charts import (
    ARTICLE_ORDER,
    Chart,
    monthly_by_article,
    monthly_series,
    ranked_bars,
    revision_line,
)
from kartoteka.web.filters import Filters
from kartoteka.web.i18n import Translator

TOP_COURTS = 15
K = TypeVar("K")
V = TypeVar("V")
STACKED_ARTICLES = ("337", "338", "332", "339", "352.1", "334", "333")

OUTCOME_LABELS = {
    "verdict": ("приговор", "verdict"),
    "terminated": ("прекращено", "terminated"),
    "returned": ("возвращено прокурору", "returned to prosecutor"),
    "transferred": ("передано по подсудности", "transferred"),
    "suspended": ("приостановлено", "suspended"),
    "pending": ("не рассмотрено", "pending"),
    "other": ("другое", "other"),
}
PUNISHMENT_LABELS = {
    "imprisonment": ("лишение свободы (реальный срок)", "imprisonment (real term)"),
    "suspended_imprisonment": ("лишение свободы условно", "suspended imprisonment"),
    "disciplinary_unit": ("дисциплинарная воинская часть", "disciplinary military unit"),
    "military_restriction": ("ограничение по военной службе", "restriction in military service"),
    "fine": ("штраф", "fine"),
    "compulsory_works": ("обязательные работы", "compulsory works"),
    "correctional_works": ("исправительные работы", "correctional works"),
    "forced_labour": ("принудительные работы", "forced labour"),
    "restriction_of_freedom": ("ограничение свободы", "restriction of freedom"),
    "other": ("другое", "other"),
}


@dataclass(slots=True)
class Headline:
    key: str
    label: str
    value: int | float | str | None
    display: str
    as_of: str
    definition: str
    detail: str | None = None


@dataclass(slots=True)
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field, label)
    rows: list[dict[str, Any]]
    definition: str | None = None
    links: dict[str, str] | None = None  # column → row field holding the link target


@dataclass(slots=True)
class Overview:
    as_of: dt.date
    headlines: list[Headline]
    charts: list[Chart]
    tables: list[Table]
    empty: bool = False

    def item(self, key: str) -> Chart | Table | None:
        items: list[Chart | Table] = [*self.charts, *self.tables]
        return next((item for item in items if item.key == key), None)


@dataclass(slots=True)
class CaseList:
    total: int
    page: int
    per_page: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


@dataclass(frozen=True, slots=True)
class MetricDoc:
    name: str
    qualname: str
    title: str
    doc: str


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(slots=True)
class Choices:
    articles: list[Choice]
    courts: list[Choice]
    districts: list[Choice]
    regions: list[Choice]
    services: list[Choice] = field(default_factory=list)  # the sentence table's statuses


# -- helpers ----------------------------------------------------------------------------------
def to_stats_filter(filters: Filters, **overrides: Any) -> m.Filter:
    """The stats module's Filter for the page filters (same fields, same meaning)."""
    base = m.Filter(
        article=filters.article,
        part=filters.part,
        court=filters.court,
        district=filters.district,
        region=filters.region,
        since=filters.since,
        until=filters.until,
        as_of=filters.as_of,
        charges=tuple(filters.charges.split(",")) if filters.charges else None,
        service=filters.service,
    )
    return replace(base, **overrides)


def definition(fn: Callable[..., Any]) -> str:
    return inspect.cleandoc(fn.__doc__ or "")


def _fmt(n: int | float | None, lang: str) -> str:
    if n is None:
        return "—"
    text = f"{n:,.0f}" if isinstance(n, float) else f"{n:,}"
    return text.replace(",", "\u00a0") if lang == "ru" else text


def data_as_of(con: duckdb.DuckDBPyConnection, filters: Filters) -> dt.date:
    """The date the figures describe: the as-of filter, else the day of the latest fetch."""
    if filters.as_of is not None:
        return filters.as_of
    row = con.execute("SELECT max(fetched_at) FROM fetch_log").fetchone()
    latest = row[0] if row else None
    return latest.date() if latest is not None else dt.datetime.now(dt.UTC).date()


def _month_before(day: dt.date) -> str:
    first = day.replace(day=1)
    previous = first - dt.timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"


def service_label(service: str, t: Translator) -> str:
    """A service filter ("mobilised,contract") in words of the page's language."""
    return ", ".join(t("service." + s) for s in service.split(","))


def outcome_label(outcome: str, t: Translator) -> str:
    pair = OUTCOME_LABELS.get(outcome)
    return pair[0 if t.lang == "ru" else 1] if pair else outcome


def _article_key(article: str) -> tuple[int, ...]:
    return tuple(int(x) for x in article.split(".") if x.isdigit())


def article_label(article: str, t: Translator) -> str:
    known = ARTICLES.get(article)
    if known is None:
        return article
    return f"{article} — {known.name if t.lang == 'ru' else known.name_en}"


# -- the overview -----------------------------------------------------------------------------
def _headlines(fig: Figures, t: Translator) -> list[Headline]:
    """The headline cards: `metrics.headline_figures` (what the CLI prints as headlines)
    plus the last complete month from the monthly series."""
    as_of, monthly = fig.as_of, fig.monthly
    h = {row["metric"]: row for row in fig.headline}
    completeness = {c.period: c.expected_complete for c in fig.completeness}
    stamp = as_of.isoformat()
    ru = t.lang == "ru"

    def card(
        key: str, label: str, metric: str, fn: Callable[..., Any], detail: str | None = None
    ) -> Headline:
        value = h[metric]["value"]
        if isinstance(value, dt.date):
            shown, value = value.strftime("%d.%m.%Y"), value.isoformat()
        elif value is None:
            shown = t("headline.not_overtaken") if key == "overtaken" else t("none")
        else:
            shown = _fmt(value, t.lang)
        return Headline(key, label, value, shown, stamp, definition(fn), detail=detail)

    since = h["cases_since"].get("since") or m.MOBILISATION
    year = h["ytd_cases"]["year"]
    through = h["ytd_cases"]["through"]
    heads = [
        card(
            "since_mobilisation",
            t("headline.since_mobilisation"),
            "cases_since",
            m.cumulative_cases,
            detail=f"{_fmt(h['defendants_since']['value'], t.lang)} "
            f"{'подсудимых' if ru else 'defendants'}; {since.isoformat()} … {stamp}",
        ),
        card(
            "ytd",
            f"{t('headline.ytd')} ({year})",
            "ytd_cases",
            m.ytd_vs_previous_year,
            detail=f"01.01–{through.strftime('%d.%m')}" if through else None,
        ),
        card(
            "last_year",
            f"{t('headline.last_year')} ({year - 1})",
            "previous_year_cases",
            m.ytd_vs_previous_year,
        ),
        card(
            "overtaken",
            t("headline.overtaken"),
            "ytd_overtook_previous_year_on",
            m.ytd_vs_previous_year,
        ),
        card("verdicts", t("headline.verdicts"), "verdicts", m.outcomes),
        card("median_days", t("headline.median_days"), "median_days_to_verdict", m.days_to_verdict),
        card("suspended", t("headline.suspended"), "suspended", m.outcomes),
        card("removed", t("headline.removed"), "removed_from_court_sites", m.headline_figures),
    ]
    last_month = _month_before(as_of)
    count = next((x.cases for x in monthly if x.period == last_month), 0)
    expected = completeness.get(last_month)
    detail = last_month
    if expected is not None and expected < 1:
        detail += (
            f"; {'ожидаемая полнота' if t.lang == 'ru' else 'expected complete'} {expected:.0%}"
        )
    heads.insert(
        4,  # after the year-on-year cards
        Headline(
            "last_month",
            t("headline.last_month"),
            count,
            _fmt(count, t.lang),
            stamp,
            definition(m.cases_received_by_month),
            detail=detail,
        ),
    )
    return heads


def _stacked_monthly(
    con: duckdb.DuckDBPyConnection,
    flt: m.Filter,
    filters: Filters,
    monthly: list[m.MonthCount],
) -> list[dict[str, Any]]:
    """Rows (period, article, cases) for the stacked chart (see the module docstring).
    With one article (or one part) chosen, a single series; with a group or a list, the
    stack is over the group's articles."""
    members = m.article_set(filters.article) if filters.article else None
    if filters.article and (filters.part or (members is not None and len(members) == 1)):
        label = filters.article + (f".{filters.part}" if filters.part else "")
        return [{"period": x.period, "article": label, "cases": x.cases} for x in monthly]
    rows: list[dict[str, Any]] = []
    named: dict[str, int] = {}
    for a in m.cases_received_by_month_and_article(con, flt):
        if a.article not in STACKED_ARTICLES or (members is not None and a.article not in members):
            continue
        rows.append({"period": a.period, "article": a.article, "cases": a.cases})
        named[a.period] = named.get(a.period, 0) + a.cases
    for x in monthly:
        rest = x.cases - named.get(x.period, 0)
        if rest > 0:
            rows.append({"period": x.period, "article": "other", "cases": rest})
    order = {a: i for i, a in enumerate(ARTICLE_ORDER)}
    rows.sort(key=lambda r: (r["period"], order.get(r["article"], 99)))
    return rows


@dataclass(frozen=True, slots=True)
class Figures:
    """Every stats result the overview shows, before any labelling (language-independent,
    so one computation serves both languages and the cache holds these)."""

    as_of: dt.date
    headline: list[dict[str, Any]]  # metrics.headline_figures
    monthly: list[m.MonthCount]
    completeness: list[m.MonthCompleteness]
    stacked: list[dict[str, Any]]
    verdicts: list[m.MonthCount]
    outcomes: list[m.OutcomeCount]
    courts: list[m.GroupCount]
    regions: list[m.GroupCount]
    sentences: list[m.SentenceCount]  # by punishment, read from the published verdicts
    published: tuple[int, float | None]  # (verdicts, published share) of the same selection
    service: str | None = None  # the sentences' service status filter (Filters.service)


def gather(con: duckdb.DuckDBPyConnection, filters: Filters) -> Figures:
    """Run the stats functions the overview needs (the expensive part). Sequential on
    purpose: DuckDB already uses every core for each query, and running them side by side
    measured slower on a two-core machine."""
    # the service status is the sentence table's alone: the figures of cases cannot apply it
    # (and refuse it), so they get the filters without it and the page says which is which
    flt = to_stats_filter(filters.of_cases())
    as_of = data_as_of(con, filters)
    with m.shared_queries():  # the metrics below ask some of the same questions
        monthly = m.cases_received_by_month(con, flt)
        sentence_flt = to_stats_filter(filters)
        sentences = m.sentences_by_punishment(con, sentence_flt)
        return Figures(
            as_of=as_of,
            headline=m.headline_figures(con, flt),
            monthly=monthly,
            completeness=m.completeness_by_month(con, flt),
            stacked=_stacked_monthly(con, flt, filters, monthly),
            verdicts=m.verdicts_by_month(con, flt),
            outcomes=m.outcomes(con, flt),
            courts=m.cases_by_court(con, flt),
            regions=m.cases_by_region(con, flt),
            sentences=sentences,
            published=_published(con, sentence_flt, sentences),
            service=filters.service,
        )


def _published(
    con: duckdb.DuckDBPyConnection, flt: m.Filter, sentences: list[m.SentenceCount]
) -> tuple[int, float | None]:
    """The verdicts and published share beside the sentences (also without any sentence)."""
    if sentences:
        return sentences[0].verdicts, sentences[0].published_share
    share = m.suspended_share(con, flt)
    return share.verdicts, share.published_share


def overview(con: duckdb.DuckDBPyConnection, filters: Filters, t: Translator) -> Overview:
    """Headline figures, charts and tables for the filters (all from kartoteka.stats)."""
    return arrange(gather(con, filters), t)


def arrange(fig: Figures, t: Translator) -> Overview:
    """Labels, chart specs and tables for computed figures, in one language (cheap)."""
    headlines = _headlines(fig, t)
    completeness = {c.period: c.expected_complete for c in fig.completeness}
    stacked = fig.stacked
    lag_rows = [{"period": c.period, "completeness": c.expected_complete} for c in fig.completeness]
    verdicts = [
        {"period": x.period, "verdicts": x.cases, "defendants": x.defendants} for x in fig.verdicts
    ]
    outcome_rows = [
        {
            "outcome": o.outcome,
            "label": outcome_label(o.outcome, t),
            "cases": o.cases,
            "defendants": o.defendants,
        }
        for o in fig.outcomes
    ]
    court_rows = [
        {
            "court_code": g.key,
            "court": g.name or g.key,
            "cases": g.cases,
            "defendants": g.defendants,
            "verdicts": g.verdicts,
            "href": f"/courts/{g.key}" if g.key else None,
        }
        for g in fig.courts
    ]
    region_rows = [
        {"region": g.key, "cases": g.cases, "defendants": g.defendants, "verdicts": g.verdicts}
        for g in fig.regions
    ]

    monthly_chart = Chart(
        key="monthly",
        title=t("chart.monthly"),
        spec=monthly_by_article(stacked, lag_rows, t),
        rows=[{**r, "expected_complete": completeness.get(r["period"])} for r in stacked],
        columns=["period", "article", "cases", "expected_complete"],
        note=t("chart.monthly.lag"),
        definition=definition(m.cases_received_by_month)
        + "\n\n"
        + definition(m.completeness_by_month),
    )
    charts = [
        monthly_chart,
        Chart(
            key="verdicts",
            title=t("chart.verdicts"),
            spec=monthly_series(verdicts, "verdicts", t("col.verdicts"), t, colour="#2f6f4f"),
            rows=verdicts,
            columns=["period", "verdicts", "defendants"],
            definition=definition(m.verdicts_by_month),
        ),
        Chart(
            key="outcomes",
            title=t("chart.outcomes"),
            spec=ranked_bars(
                outcome_rows, "label", "cases", t("col.outcome"), t("col.cases"), colour="#6a51a3"
            ),
            rows=outcome_rows,
            columns=["outcome", "label", "cases", "defendants"],
            definition=definition(m.outcomes),
        ),
        Chart(
            key="courts",
            title=t("chart.courts"),
            spec=ranked_bars(
                court_rows[:TOP_COURTS],
                "court",
                "cases",
                t("col.court"),
                t("col.cases"),
                colour="#b3261e",
            ),
            rows=court_rows,
            columns=["court_code", "court", "cases", "defendants", "verdicts"],
            definition=definition(m.cases_by_court),
        ),
    ]
    tables = [
        Table(
            key="regions",
            title=t("table.regions"),
            columns=[
                ("region", t("col.region")),
                ("cases", t("col.cases")),
                ("defendants", t("col.defendants")),
                ("verdicts", t("col.verdicts")),
            ],
            rows=region_rows,
            definition=definition(m.cases_by_region),
        ),
    ]
    verdicts_n, share = fig.published
    lang = 0 if t.lang == "ru" else 1
    title = t(
        "table.sentences", share="—" if share is None else f"{share:.0%}", verdicts=verdicts_n
    )
    if fig.service:
        title += t("table.sentences.service", service=service_label(fig.service, t))
    tables.append(
        Table(
            key="sentences",
            title=title,
            columns=[
                ("label", t("col.punishment")),
                ("sentences", t("col.sentences")),
                ("cases", t("col.cases")),
                ("published_share", t("col.published_share")),
            ],
            rows=[
                {
                    "punishment": g.key,
                    "label": PUNISHMENT_LABELS[g.key][lang]
                    if g.key in PUNISHMENT_LABELS
                    else g.key,
                    "sentences": g.sentences,
                    "cases": g.cases,
                    "published_share": None
                    if g.published_share is None
                    else round(g.published_share, 3),
                    "verdicts": g.verdicts,
                }
                for g in fig.sentences
            ],
            definition=definition(m.sentences_by_punishment),
        )
    )
    empty = not fig.monthly and not court_rows
    return Overview(as_of=fig.as_of, headlines=headlines, charts=charts, tables=tables, empty=empty)


class SnapshotCache(Generic[K, V]):
    """Results by key for one store snapshot: a snapshot never changes, so neither do its
    figures. A small LRU, emptied when the snapshot changes."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        self._snapshot: Any = None

    def get(self, snapshot: Any, key: K, build: Callable[[], V]) -> V:
        with self._lock:
            if snapshot != self._snapshot:
                self._items.clear()
                self._snapshot = snapshot
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            if snapshot == self._snapshot:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value


class FiguresCache(SnapshotCache[Filters, Figures]):
    """The overview's stats results by filters, per snapshot."""


# -- revisions -----------------------------------------------------------------------------------
MAX_REVISION_POINTS = 24


def revision_days(con: duckdb.DuckDBPyConnection, filters: Filters, points: int) -> list[dt.date]:
    """Up to `points` days on which the archive saw something (evenly spread, always with
    the first and the latest), up to the as-of filter: where `metrics.revisions` looks."""
    sql = "SELECT DISTINCT CAST(fetched_at AS DATE) AS day FROM fetch_log"
    params: list[Any] = []
    if filters.as_of is not None:
        sql += " WHERE CAST(fetched_at AS DATE) <= ?"
        params.append(filters.as_of)
    days = [d for (d,) in con.execute(sql + " ORDER BY day", params).fetchall()]
    if len(days) <= points:
        return days
    step = (len(days) - 1) / (points - 1)
    return sorted({days[round(i * step)] for i in range(points)})


def revision_rows(
    con: duckdb.DuckDBPyConnection, filters: Filters, points: int = 12
) -> list[dict[str, Any]]:
    """How the figure for the filters' period was revised: `metrics.revisions` at each day of
    `revision_days` (each point replays the store's history)."""
    days = revision_days(con, filters, max(2, min(points, MAX_REVISION_POINTS)))
    flt = to_stats_filter(filters, as_of=None)
    totals = m.revisions(con, flt, as_of=days)
    return [
        {"as_of": day.isoformat(), "cases": total.cases, "defendants": total.defendants}
        for day, total in zip(days, totals, strict=True)
    ]


def revisions_chart(rows: list[dict[str, Any]], t: Translator) -> Chart:
    return Chart(
        key="revisions",
        title=t("chart.revisions"),
        spec=revision_line(rows, t),
        rows=rows,
        columns=["as_of", "cases", "defendants"],
        note=t("chart.revisions.note"),
        definition=definition(m.revisions),
    )


# -- API: grouped counts -------------------------------------------------------------------------
def stats_rows(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str,
    *,
    principal: bool = False,
    after_appeal: bool = False,
) -> list[dict[str, Any]]:
    """Exactly what `kartoteka stats --by BY --format json` prints (`metrics.cases_by`),
    with `--after-appeal` when `after_appeal`."""
    flt = to_stats_filter(filters, principal=principal)
    if after_appeal:
        flt = dataclasses.replace(flt, sentence_stage="final")
    return [records.jsonable_row(r) for r in m.cases_by(con, flt, by)]


# -- cases ---------------------------------------------------------------------------------------
MAX_LISTED = 200_000  # deepest row a page may reach (list_cases has no offset)


def case_list(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, page: int, per_page: int
) -> CaseList:
    """One page of the cases behind the filters' numbers, oldest receipt first."""
    flt = to_stats_filter(filters)
    total = m.cumulative_cases(con, flt, since=None).cases
    end = min(page * per_page, MAX_LISTED)
    start = (page - 1) * per_page
    refs = m.list_cases(con, flt, limit=end)[start:end] if start < end else []
    names = records.court_names(con)
    rows = [
        {
            "case_key": r.case_key,
            "court_code": r.court_code,
            "court": names.get(r.court_code, r.court_code),
            "case_number": r.case_number,
            "uid": r.uid,
            "entry_date": r.entry_date,
            "principal_charge": r.principal_charge,
            "outcome": r.outcome,
            "result_date": r.result_date,
            "first_seen_at": r.first_seen_at,
            "removed_at": r.removed_at,
            "href": f"/case/{r.case_key}",
        }
        for r in refs
    ]
    return CaseList(total=total, page=page, per_page=per_page, rows=rows)


def case_table(listing: CaseList, t: Translator) -> Table:
    rows = [{**r, "outcome_label": outcome_label(r["outcome"], t)} for r in listing.rows]
    return Table(
        key="cases",
        title=t("table.cases"),
        columns=[
            ("case_number", t("col.number")),
            ("court", t("col.court")),
            ("entry_date", t("col.entry_date")),
            ("principal_charge", t("col.article")),
            ("outcome_label", t("col.outcome")),
            ("result_date", t("col.result_date")),
        ],
        rows=rows,
        definition=definition(m.list_cases),
        links={"case_number": "href"},
    )


# -- courts --------------------------------------------------------------------------------------
def window_notes(
    con: duckdb.DuckDBPyConnection, court: str | None = None, as_of: Any = None
) -> list[dict[str, Any]]:
    """Courts whose numbers rest on incomplete or suspect-empty windows (one or all), with
    their names, for the footnote (see `kartoteka.store.windows`)."""
    from kartoteka.store.windows import window_notes as notes_of

    notes = notes_of(con, as_of, [court] if court else None)
    names = records.court_names(con) if notes else {}
    return [{**n.to_json(), "name": names.get(code)} for code, n in notes.items()]


def courts_table(con: duckdb.DuckDBPyConnection, t: Translator) -> Table:
    rows = [{**r, "href": f"/courts/{r['code']}"} for r in records.courts(con)]
    return Table(
        key="courts",
        title=t("nav.courts"),
        columns=[
            ("code", t("col.court_code")),
            ("name", t("col.court")),
            ("level", t("col.level")),
            ("region", t("col.region")),
            ("cases_known", t("col.cases")),
        ],
        rows=rows,
        links={"name": "href"},
    )


def choices(con: duckdb.DuckDBPyConnection, t: Translator) -> Choices:
    """Values for the filter drop-downs: the article catalogue and the court registry."""
    groups = [
        Choice(
            name,
            f"{t('group.' + name)} ({', '.join(sorted(members, key=_article_key))})"
            if len(members) <= 8
            else t("group." + name),
        )
        for name, members in m.ARTICLE_GROUPS.items()
    ]
    articles = groups + [Choice(a, article_label(a, t)) for a in ARTICLES if a != "331"]
    courts = records.courts(con)
    return Choices(
        articles=articles,
        courts=[Choice(c["code"], f"{c['name']} ({c['code']})") for c in courts],
        districts=[
            Choice(c["code"], c["name"]) for c in courts if c["level"] in ("district", "fleet")
        ],
        regions=[Choice(r, r) for r in sorted({c["region"] for c in courts if c["region"]})],
        services=[Choice(s, t("service." + s)) for s in m.SERVICE_STATUSES],
    )


# -- methodology ---------------------------------------------------------------------------------
def methodology(t: Translator) -> list[MetricDoc]:
    """The conventions (module docstring) and every metric's definition, from the code."""
    docs = [
        MetricDoc(
            "conventions",
            "metrics",
            "Общие правила" if t.lang == "ru" else "Conventions",
            inspect.cleandoc(m.__doc__ or ""),
        )
    ]
    for fn in m.METRICS:
        title = fn.__name__.replace("_", " ")
        docs.append(
            MetricDoc(
                fn.__name__, f"metrics.{fn.__name__}", title[:1].upper() + title[1:], definition(fn)
            )
        )
    return docs
