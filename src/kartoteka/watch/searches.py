"""Saved searches ("watches"): a name and the filters of `kartoteka stats`, kept in the store.

A watch means exactly what the same filters mean to `kartoteka stats` and the dashboard: the
values are validated by the one filter parser (`kartoteka.web.filters.parse_filters`, which
the API and the pages use) and applied by the one selection (`kartoteka.stats.metrics`), so a
watch on `--article 337 --part 5 --court 27GV0008` follows the same cases as the number on the
dashboard with those filters. On top of them a watch may ask for one outcome class.

Names are slugs (they appear in feed URLs); `all` is reserved for the overall feed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import duckdb

from kartoteka.errors import KartotekaError
from kartoteka.stats.metrics import CaseRef, Filter, list_cases, selection_sql
from kartoteka.store.outcomes import Outcome

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
OVERALL = "all"  # the pseudo-watch of every first-instance case (feed /feeds/all.atom)
OUTCOMES = tuple(o.value for o in Outcome)


class WatchError(KartotekaError):
    """A saved search that cannot be made, found or changed; the message says why."""


@dataclass(frozen=True, slots=True)
class WatchFilters:
    """The filters of a saved search: those of `kartoteka stats` (no "as of": a watch is
    about what comes next) and an optional outcome class."""

    article: str | None = None
    part: str | None = None
    court: str | None = None
    district: str | None = None
    region: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    principal: bool = False
    outcome: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, JSON-ready (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value is None or value is False:
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def stats_filter(self) -> Filter:
        """The `kartoteka.stats` filter with the same meaning (without the outcome)."""
        return Filter(
            article=self.article,
            part=self.part,
            court=self.court,
            district=self.district,
            region=self.region,
            since=self.since,
            until=self.until,
            principal=self.principal,
        )

    def canonical(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Watch:
    name: str
    filters: WatchFilters
    created_at: dt.datetime
    notify_after: dt.datetime | None  # notifications cover epochs that ended after this


def parse_watch_filters(values: Mapping[str, Any]) -> WatchFilters:
    """Validate filters given as strings (CLI options, a stored JSON object); raises
    WatchError naming the bad one. Unknown keys are an error too (a typo must not widen a
    watch to everything)."""
    from kartoteka.web.filters import FilterError, parse_filters  # the one filter parser

    known = {f.name for f in fields(WatchFilters)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise WatchError(f"unknown filter(s) {', '.join(unknown)}: use {', '.join(sorted(known))}")
    text = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in values.items()
        if k not in ("principal", "outcome") and v is not None
    }
    try:
        parsed = parse_filters(text)
    except FilterError as exc:
        raise WatchError(f"--{exc.param}: {exc.message}") from exc
    outcome = values.get("outcome")
    if outcome is not None:
        outcome = str(outcome).strip().lower()
        if outcome not in OUTCOMES:
            raise WatchError(f"--outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    flt = WatchFilters(
        article=parsed.article,
        part=parsed.part,
        court=parsed.court,
        district=parsed.district,
        region=parsed.region,
        since=parsed.since,
        until=parsed.until,
        principal=bool(values.get("principal") or False),
        outcome=outcome,
    )
    if flt.principal and not flt.article:
        raise WatchError("--principal needs --article")
    return flt


def check_name(name: str) -> str:
    if name == OVERALL:
        raise WatchError(f"{OVERALL!r} is reserved for the overall feed: choose another name")
    if not SLUG.match(name):
        raise WatchError(
            f"watch name {name!r}: use a slug of lowercase letters, digits, '-' and '_' "
            "(it becomes the feed URL /feeds/NAME.atom)"
        )
    return name


def _row_watch(row: tuple[Any, ...]) -> Watch:
    name, filters, created_at, notify_after = row
    return Watch(name, parse_watch_filters(json.loads(filters)), created_at, notify_after)


def list_watches(con: duckdb.DuckDBPyConnection) -> list[Watch]:
    rows = con.execute(
        "SELECT name, filters, created_at, notify_after FROM watches ORDER BY name"
    ).fetchall()
    return [_row_watch(r) for r in rows]


def get_watch(con: duckdb.DuckDBPyConnection, name: str) -> Watch:
    if name == OVERALL:
        return Watch(OVERALL, WatchFilters(), dt.datetime(1970, 1, 1), None)
    row = con.execute(
        "SELECT name, filters, created_at, notify_after FROM watches WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        known = ", ".join(w.name for w in list_watches(con)) or "none yet"
        raise WatchError(f"no saved search {name!r} (saved: {known})")
    return _row_watch(row)


def latest_epoch_end(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    row = con.execute("SELECT max(ended_at) FROM change_epochs").fetchone()
    return row[0] if row else None


def add_watch(
    con: duckdb.DuckDBPyConnection,
    name: str,
    filters: WatchFilters,
    *,
    now: dt.datetime | None = None,
) -> Watch:
    """Save a search (a read-write store connection). Its notifications start with the
    changes of the next harvest: what the store already knows is not news."""
    check_name(name)
    if con.execute("SELECT 1 FROM watches WHERE name = ?", [name]).fetchone():
        raise WatchError(f"a saved search {name!r} exists already: `watch remove {name}` first")
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    watch = Watch(name, filters, created, latest_epoch_end(con))
    con.execute(
        "INSERT INTO watches VALUES (?, ?, ?, ?)",
        [name, filters.canonical(), watch.created_at, watch.notify_after],
    )
    return watch


def remove_watch(con: duckdb.DuckDBPyConnection, name: str) -> None:
    get_watch(con, check_name(name))
    for table in ("watch_deliveries", "watch_delivery_failures", "watch_targets"):
        con.execute(f"DELETE FROM {table} WHERE watch = ?", [name])
    con.execute("DELETE FROM watches WHERE name = ?", [name])


def matching_sql(
    con: duckdb.DuckDBPyConnection, filters: WatchFilters, as_of: dt.datetime | None = None
) -> tuple[str, dict[str, Any]]:
    """The cases a watch's filters select, now or as the store knew them at `as_of`: SQL
    defining the CTE `watched` (the columns of `cases`) and its parameters, built on the
    statistics' own selection (`kartoteka.stats.metrics.selection_sql`)."""
    if as_of is not None:
        latest = latest_epoch_end(con)
        if latest is not None and as_of >= latest:  # nothing was seen after the latest run
            as_of = None
    prefix, params = selection_sql(con, replace(filters.stats_filter(), as_of=as_of))
    where = ""
    if filters.outcome:
        params = {**params, "watch_outcome": filters.outcome}
        where = " WHERE outcome = $watch_outcome"
    return f"{prefix}, watched AS (SELECT * FROM sel{where})\n", params


def count_matching(con: duckdb.DuckDBPyConnection, filters: WatchFilters) -> tuple[int, int]:
    """(cases the watch matches now, of which removed from the court sites)."""
    prefix, params = matching_sql(con, filters)
    sql = prefix + "SELECT count(*), count(removed_at) FROM watched"
    row = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def matching_cases(
    con: duckdb.DuckDBPyConnection,
    filters: WatchFilters,
    as_of: dt.datetime | None = None,
) -> list[CaseRef]:
    """The cases a watch's filters select, case by case (`kartoteka.stats` `list_cases`)."""
    flt = replace(filters.stats_filter(), as_of=as_of)
    if filters.outcome:
        return list_cases(con, flt, "outcome", filters.outcome)
    return list_cases(con, flt)
