"""Vega-Lite chart specs (built with Altair) from rows that `kartoteka.stats` returned.

Charts only draw: every number in them comes from a stats function, and the rows a chart was
drawn from are what its CSV download gives. Data is inlined in the spec (a few hundred rows at
most: months × articles), so a chart is one self-contained JSON document, which is also what
the offline report embeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from kartoteka.web.i18n import Translator

# Articles in the newsroom order (DOMAIN.md §3), with stable colours across charts.
ARTICLE_ORDER = ("337", "338", "332", "339", "352.1", "334", "333", "other")
ARTICLE_COLOURS = (
    "#d62728",
    "#1f77b4",
    "#ff7f0e",
    "#9467bd",
    "#2ca02c",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
)
INCOMPLETE_BELOW = 0.95  # months less complete than this get the reporting-lag band


@dataclass(slots=True)
class Chart:
    """One chart on a page: its spec, the rows behind it (for CSV) and their columns."""

    key: str  # stable id: HTML id, CSV file name
    title: str
    spec: dict[str, Any]
    rows: list[dict[str, Any]]
    columns: list[str]
    note: str | None = None
    definition: str | None = None


def _base(width: int | str = "container", height: int = 260) -> dict[str, Any]:
    return {"width": width, "height": height}


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict(validate=False)
    spec.setdefault("config", {}).setdefault("view", {})["stroke"] = None
    return spec


def monthly_by_article(
    rows: Sequence[dict[str, Any]], lag: Sequence[dict[str, Any]], t: Translator
) -> dict[str, Any]:
    """Stacked bars of cases received per month and article; a grey band behind the months
    the reporting-lag estimate says are still incomplete."""
    data = [
        {"month": f"{r['period']}-01", "article": str(r["article"]), "cases": r["cases"]}
        for r in rows
    ]
    present = {d["article"] for d in data}
    domain = [a for a in ARTICLE_ORDER if a in present] + sorted(present - set(ARTICLE_ORDER))
    colours = [
        ARTICLE_COLOURS[ARTICLE_ORDER.index(a)] if a in ARTICLE_ORDER else "#bcbd22" for a in domain
    ]
    bars = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=t("col.period")),
            y=alt.Y("sum(cases):Q", title=t("col.cases")),
            color=alt.Color(
                "article:N",
                title=t("col.article"),
                scale=alt.Scale(domain=domain, range=colours),
                sort=domain,
            ),
            order=alt.Order("article_rank:Q"),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", title=t("col.period")),
                alt.Tooltip("article:N", title=t("col.article")),
                alt.Tooltip("cases:Q", title=t("col.cases")),
            ],
        )
        .transform_calculate(article_rank=f"indexof({domain!r}, datum.article)")
    )
    incomplete = [
        {"month": f"{r['period']}-01", "completeness": r["completeness"]}
        for r in lag
        if r.get("completeness") is not None and r["completeness"] < INCOMPLETE_BELOW
    ]
    if not incomplete:
        return _finish(bars.properties(**_base()))
    band = (
        alt.Chart(alt.Data(values=incomplete))
        .mark_rect(color="#999999", opacity=0.18)
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth"),
            x2=alt.X2("month_end:T"),
            tooltip=[alt.Tooltip("completeness:Q", format=".0%", title=t("col.completeness"))],
        )
        .transform_calculate(month_end="timeOffset('month', datum.month, 1)")
    )
    return _finish(alt.layer(band, bars).properties(**_base()))


def monthly_series(
    rows: Sequence[dict[str, Any]], value: str, title: str, t: Translator, colour: str = "#1f77b4"
) -> dict[str, Any]:
    """Bars of one count per month (e.g. verdicts by verdict date)."""
    data = [{"month": f"{r['period']}-01", value: r[value]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=colour)
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=t("col.period")),
            y=alt.Y(f"{value}:Q", title=title),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", title=t("col.period")),
                alt.Tooltip(f"{value}:Q", title=title),
            ],
        )
    )
    return _finish(chart.properties(**_base(height=200)))


def ranked_bars(
    rows: Sequence[dict[str, Any]],
    label: str,
    value: str,
    label_title: str,
    value_title: str,
    colour: str = "#4c78a8",
) -> dict[str, Any]:
    """Horizontal bars, largest first (outcomes, top courts)."""
    data = [{label: str(r[label]), value: r[value]} for r in rows]
    height = max(60, 22 * len(data))
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=colour)
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=label_title),
            x=alt.X(f"{value}:Q", title=value_title),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title),
            ],
        )
    )
    return _finish(chart.properties(**_base(height=height)))


def revision_line(rows: Sequence[dict[str, Any]], t: Translator) -> dict[str, Any]:
    """One figure as counted on successive days: a step line with its points."""
    data = [{"as_of": r["as_of"], "cases": r["cases"]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True, interpolate="step-after", color="#b3261e")
        .encode(
            x=alt.X("as_of:T", title=t("filters.as_of")),
            y=alt.Y("cases:Q", title=t("col.cases"), scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("as_of:T", title=t("filters.as_of")),
                alt.Tooltip("cases:Q", title=t("col.cases")),
            ],
        )
    )
    return _finish(chart.properties(**_base(height=240)))
