"""The digest: the store's changes of a time span, per saved search.

The store decides what changed (`kartoteka.store.changes`, one row per change with a stable
id); this module only selects the rows a saved search is about and groups them. A change
belongs to a watch when its case matched the watch's filters as the store knew the case at
the end of that harvest run (so a removal still shows under the watch of the removed case).
The revised months of a watch are its own monthly counts (same selection) before and after
each run, for months that had already ended before the run.

Nothing here carries a name: the change rows hold court, number, dates, charges, outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import duckdb

from kartoteka.store.changes import change_id
from kartoteka.watch.searches import OVERALL, Watch, get_watch, list_watches, matching_sql

CASE_KINDS = ("new_case", "new_outcome", "removed", "returned")


@dataclass(frozen=True, slots=True)
class Span:
    """One harvest run's place in time: its changes are those in (previous, ended]."""

    run_key: str
    previous: dt.datetime | None
    ended: dt.datetime
    simulated: bool


@dataclass(frozen=True, slots=True)
class Entry:
    """One change as a saved search shows it (a digest line, a feed entry, a notification)."""

    change_id: str
    kind: str  # new_case | new_outcome | removed | returned | revised_month
    seen_at: dt.datetime
    simulated: bool
    case_key: str | None = None
    court_code: str | None = None
    court_name: str | None = None
    case_id: str | None = None
    case_number: str | None = None
    entry_date: dt.date | None = None
    charges: tuple[str, ...] = ()
    outcome: str | None = None
    previous_outcome: str | None = None
    date: dt.date | None = None
    month: str | None = None
    before: int | None = None
    after: int | None = None

    @property
    def url(self) -> str | None:
        """The case page on the dashboard (relative to its root)."""
        return f"/case/{self.case_key}" if self.case_key else None


@dataclass(slots=True)
class WatchDigest:
    watch: Watch
    entries: list[Entry] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


@dataclass(slots=True)
class Digest:
    since: dt.datetime | None  # exclusive lower bound on the runs' end (None: from the start)
    until: dt.datetime | None  # the end of the latest run included (None: no run)
    spans: list[Span]
    watches: list[WatchDigest]

    @property
    def simulated(self) -> bool:
        return any(s.simulated for s in self.spans)

    @property
    def empty(self) -> bool:
        return not any(w.entries for w in self.watches)


def spans(
    con: duckdb.DuckDBPyConnection,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[Span]:
    """The harvest runs that ended after `since` and at or before `until`, oldest first."""
    rows = con.execute(
        """SELECT run_key, previous_ended_at, ended_at, simulated FROM change_epochs
        WHERE ($since IS NULL OR ended_at > $since) AND ($until IS NULL OR ended_at <= $until)
        ORDER BY ended_at, run_key""",
        {"since": since, "until": until},
    ).fetchall()
    return [Span(r[0], r[1], r[2], bool(r[3])) for r in rows]


def latest_span_start(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The start of the latest run's span: a digest from here holds the last update's
    changes."""
    row = con.execute(
        "SELECT previous_ended_at FROM change_epochs ORDER BY ended_at DESC, run_key DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[Any]:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.execute(sql, used).fetchall()


def _case_entries(con: duckdb.DuckDBPyConnection, watch: Watch, span: Span) -> list[Entry]:
    """The run's case changes whose case the watch matched at the run's end."""
    prefix, params = matching_sql(con, watch.filters, span.ended)
    rows = _run(
        con,
        prefix
        + """SELECT c.change_id, c.kind, c.seen_at, c.simulated, c.case_key, c.court_code,
                  k.name, c.case_id, c.case_number, c.entry_date, c.charge_keys, c.outcome,
                  c.previous_outcome, c.date
        FROM changes c JOIN watched w USING (case_key)
        LEFT JOIN courts k ON k.code = c.court_code
        WHERE c.run_key = $watch_run AND c.kind <> 'revised_month'
        ORDER BY c.kind, c.court_code, c.entry_date, c.case_key""",
        {**params, "watch_run": span.run_key},
    )
    return [
        Entry(
            change_id=r[0],
            kind=r[1],
            seen_at=r[2],
            simulated=bool(r[3]),
            case_key=r[4],
            court_code=r[5],
            court_name=r[6],
            case_id=r[7],
            case_number=r[8],
            entry_date=r[9],
            charges=tuple(r[10] or ()),
            outcome=r[11],
            previous_outcome=r[12],
            date=r[13],
        )
        for r in rows
    ]


def _months(con: duckdb.DuckDBPyConnection, watch: Watch, as_of: dt.datetime) -> Counter[str]:
    """The watch's cases by month of receipt, as the store knew them at `as_of`."""
    prefix, params = matching_sql(con, watch.filters, as_of)
    rows = _run(
        con,
        prefix + "SELECT strftime(entry_date, '%Y-%m') AS month, count(*) FROM watched "
        "WHERE entry_date IS NOT NULL GROUP BY month",
        params,
    )
    return Counter({m: int(n) for m, n in rows})


def watch_entries(con: duckdb.DuckDBPyConnection, watch: Watch, span: Span) -> list[Entry]:
    """The changes of one run that a watch is about, in a stable order."""
    if span.previous is None:  # the baseline run: nothing is news
        return []
    entries = _case_entries(con, watch, span)
    before = _months(con, watch, span.previous)
    after = _months(con, watch, span.ended)
    boundary = span.previous.strftime("%Y-%m")
    scope = "" if watch.name == OVERALL else watch.filters.canonical()
    for month in sorted(set(before) | set(after)):
        if month < boundary and before[month] != after[month]:
            entries.append(
                Entry(
                    # the overall ids are those the store keeps (kartoteka.store.changes)
                    change_id=change_id("revised_month", scope, month, before[month], after[month]),
                    kind="revised_month",
                    seen_at=span.ended,
                    simulated=span.simulated,
                    month=month,
                    before=before[month],
                    after=after[month],
                )
            )
    return entries


def build_digest(
    con: duckdb.DuckDBPyConnection,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    watch: str | None = None,
    latest: bool = False,
) -> Digest:
    """The changes of the runs that ended in (since, until], for one watch or for every
    saved search and the overall one (`all`, first). `latest=True` without `since`: the
    latest run only."""
    if latest and since is None:
        since = latest_span_start(con)
    chosen = [get_watch(con, watch)] if watch else [get_watch(con, OVERALL), *list_watches(con)]
    selected = spans(con, since, until)
    digests = [WatchDigest(w) for w in chosen]
    for span in selected:
        for wd in digests:
            wd.entries.extend(watch_entries(con, wd.watch, span))
    return Digest(
        since=since,
        until=selected[-1].ended if selected else None,
        spans=selected,
        watches=digests,
    )
