"""Comparing the two ways an "as of" is answered: the interval-valid history
(`kartoteka.store.history`) and the replay of the append-only history (`derive.facts_sql`),
the reference. Shared by the tests on the stats fixtures and on a sandbox harvest."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import duckdb

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store import history
from kartoteka.store.derive import cutoff_for

FILTERS = [
    Filter(),
    Filter(article="337"),
    Filter(article="refusal", principal=True),
    Filter(article="337", part="5"),
    Filter(charges=m.mobilisation_charges()),
    Filter(include_removed=False),
    Filter(since=dt.date(2024, 1, 1), until=dt.date(2024, 6, 30)),
    Filter(instance="appeal"),
]


def every_metric(con: duckdb.DuckDBPyConnection, flt: Filter) -> dict[str, Any]:
    """Every metric of `kartoteka.stats.metrics` with one filter, by name (each grouping of
    `cases_by` and `list_cases`; `revisions` at the filter's as-of)."""
    out: dict[str, Any] = {}
    for metric in m.METRICS:
        name = metric.__name__
        if name == "cases_by":
            for by in m.BY_KEYS:
                out[f"cases_by_{by}"] = metric(con, flt, by)
        elif name == "list_cases":
            out[name] = metric(con, flt)
            for x in m.cases_by(con, flt, "outcome"):
                out[f"{name}_outcome_{x['outcome']}"] = metric(con, flt, "outcome", x["outcome"])
        elif name == "appeals_against":
            for court in ("27GV0008", "54GV0003"):
                out[f"{name}_{court}"] = metric(con, flt, court)
        elif name == "revisions":
            out[name] = metric(con, flt, [m._as_of_day(flt)] if flt.as_of else None)
        else:
            out[name] = metric(con, flt)
    return out


def facts(con: duckdb.DuckDBPyConnection, as_of: dt.date | dt.datetime) -> list[tuple]:
    """Every column of every case the selection keeps as of a moment (every instance)."""
    rows: list[tuple] = []
    for instance in ("first", "appeal", "cassation"):
        prefix, params = m.selection_sql(con, Filter(as_of=as_of, instance=instance))
        rows += con.execute(prefix + "SELECT * FROM sel ORDER BY ALL", params).fetchall()
    return rows


def moments(con: duckdb.DuckDBPyConnection, instants: int | None = None) -> list[Any]:
    """The day before anything was seen, every day on which anything was seen, and instants:
    each time a record was fetched, just before it, and halfway to the next (all of them, or
    `instants` spread evenly over the archive)."""
    times = [
        t for (t,) in con.execute("SELECT DISTINCT fetched_at FROM fetch_log ORDER BY 1").fetchall()
    ]
    days = sorted({t.date() for t in times})
    out: list[Any] = [days[0] - dt.timedelta(days=1), *days]
    picked = times if instants is None else times[:: max(1, len(times) // instants)]
    for t, after in zip(picked, [*picked[1:], picked[-1] + dt.timedelta(hours=1)], strict=True):
        out += [t, t - dt.timedelta(microseconds=1), t + (after - t) / 2]
    return out


def headline(con: duckdb.DuckDBPyConnection, flt: Filter) -> dict[str, Any]:
    """The figures most quoted, for the other filters."""
    return {
        "headline_figures": m.headline_figures(con, flt),
        "cases_by_month": m.cases_by(con, flt, "month"),
        "cases_by_part": m.cases_by(con, flt, "part"),
        "list_cases": m.list_cases(con, flt),
    }


def compare(con: duckdb.DuckDBPyConnection, as_of: Any, metrics: bool = True) -> bool:
    """Assert that both ways give the same facts (every column of every case) as of a
    moment, and with `metrics` every metric unfiltered and the headline figures with each
    filter of FILTERS; returns whether the interval-valid history answered it (else both
    were the replay)."""
    fast = facts(con, as_of)
    with m.history_replay():
        reference = facts(con, as_of)
    assert fast == reference, as_of
    runs = [(every_metric, Filter())] + [(headline, f) for f in FILTERS[1:]] if metrics else []
    for figures, flt in runs:
        dated = replace(flt, as_of=as_of)
        fast_metrics = figures(con, dated)
        with m.history_replay():
            reference_metrics = figures(con, dated)
        for name, value in reference_metrics.items():
            assert fast_metrics[name] == value, (as_of, flt, name)
    return history.answers(con, cutoff_for(as_of))
