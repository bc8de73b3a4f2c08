"""Which courts' numbers rest on listings that were not proven complete: the footnote that
goes wherever a court's numbers appear (dashboard, `stats`, exports' metadata).

Derived from the archive's projection in the store, not from the harvest state (docs/
decisions.md §10): `listing_pages` (one row per listing page, with the site's counter) and
`fetch_log` (every page, with its kind as the parser read it). A *sighting* is one window
(court, instance, receipt dates, article filter) in one harvest run. Its outcome:

- complete: its pages agree on a counter N and together show N distinct cases (the same rule
  as removals, `kartoteka.store.derive.removal_sql`), or it answered "no data" while the same
  court answered a listing in the same query dialect with rows in the same run (the
  harvester's own control: an empty answer proves nothing otherwise);
- incomplete: pages whose rows do not add up to the counter, or no counter;
- suspect-empty: "no data" without that control;
- incomplete too: a listing URL answered by a captcha, the throttle page or an unknown page.

A sighting is one pass over the window's pages (a pass starts at page 1: the harvester lists
a window again in the same run when its rows shifted). The harvester's control query (one
page of all cases since `CONTROL_SINCE`, which proves a dialect) is not a window.

A window's status is that of its latest sighting, and a later complete sighting of the same
court, instance and article whose receipt dates cover it clears it (the harvester lists a
recent period as one window after listing it month by month). Everything is read as of a
cutoff, like the statistics.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import duckdb

from kartoteka.store.derive import NO_CUTOFF, cutoff_for
from kartoteka.sudrf.urls import parse_query, read_listing_query

COMPLETE, INCOMPLETE, SUSPECT_EMPTY = "complete", "incomplete", "suspect_empty"
_LOW, _HIGH = dt.date(1, 1, 1), dt.date(9999, 12, 31)


@dataclass(frozen=True, slots=True)
class WindowNote:
    """A court whose numbers rest partly on unproven listings."""

    court_code: str
    incomplete: int
    suspect_empty: int
    as_of: dt.datetime  # the latest listing of the court seen (the time of the status)

    def text(self) -> str:
        parts = []
        if self.incomplete:
            parts.append(
                f"{self.incomplete} window{'s' if self.incomplete != 1 else ''} incomplete"
            )
        if self.suspect_empty:
            parts.append(f"{self.suspect_empty} suspect-empty")
        return ", ".join(parts) + f" as of {self.as_of:%Y-%m-%d}"

    def to_json(self) -> dict[str, object]:
        return {
            "court": self.court_code,
            "windows_incomplete": self.incomplete,
            "windows_suspect_empty": self.suspect_empty,
            "as_of": self.as_of.isoformat(),
            "note": self.text(),
        }


@dataclass(slots=True)
class _Sighting:
    court: str
    instance: str
    article: str
    entry_from: dt.date
    entry_to: dt.date
    began: dt.datetime
    at: dt.datetime
    status: str


def _dialect(url: str) -> str:
    return read_listing_query(parse_query(urlsplit(url).query)).dialect.value


def _sightings(con: duckdb.DuckDBPyConnection, cutoff: dt.datetime) -> list[_Sighting]:
    from kartoteka.harvest.harvester import CONTROL_SINCE  # the harvest stage's own constant

    pages = con.execute(
        """
        WITH p AS (
            SELECT *, sum(CASE WHEN page = 1 THEN 1 ELSE 0 END) OVER (
                PARTITION BY window_key, run_key ORDER BY fetched_at, warc_file, warc_offset
                ROWS UNBOUNDED PRECEDING) AS pass
            FROM listing_pages WHERE fetched_at < $cutoff),
        seen AS (
            SELECT p.window_key, p.run_key, p.pass, count(DISTINCT o.case_key) AS n
            FROM p LEFT JOIN observations o USING (warc_file, warc_offset)
            GROUP BY p.window_key, p.run_key, p.pass)
        SELECT any_value(p.court_code), any_value(coalesce(p.instance, '')),
               any_value(p.article), any_value(p.entry_from), any_value(p.entry_to),
               min(p.fetched_at), max(p.fetched_at), min(p.total), max(p.total),
               count(p.total), count(*), any_value(s.n), max(p.page)
        FROM p JOIN seen s USING (window_key, run_key, pass)
        GROUP BY p.window_key, p.run_key, p.pass
        """,
        {"cutoff": cutoff},
    ).fetchall()
    out = []
    for court, inst, article, lo, hi, began, at, tmin, tmax, counted, n_pages, n, last in pages:
        if lo == CONTROL_SINCE and last == 1:
            continue  # the harvester's control query: one page proving the dialect, no window
        complete = counted == n_pages and tmin == tmax and tmax is not None and n == tmax
        out.append(
            _Sighting(
                court,
                inst,
                article,
                lo or _LOW,
                hi or _HIGH,
                began,
                at,
                COMPLETE if complete else INCOMPLETE,
            )
        )
    # Which (court, run, dialect) answered a listing with rows: the control for empties.
    proven: set[tuple[str, str, str]] = set()
    for court, run_key, url in con.execute(
        "SELECT p.court_code, p.run_key, f.url FROM listing_pages p "
        "JOIN fetch_log f USING (warc_file, warc_offset) "
        "WHERE p.rows > 0 AND p.fetched_at < $cutoff",
        {"cutoff": cutoff},
    ).fetchall():
        proven.add((court, run_key, _dialect(url)))
    # Listing URLs answered without a listing: "no data" (proven by the control, or suspect),
    # or a captcha, the throttle page, an unknown page (the window could not be read).
    others = con.execute(
        "SELECT court_code, url, fetched_at, coalesce(run_id, strftime(fetched_at, '%Y-%m-%d')), "
        "page_kind FROM fetch_log WHERE page_kind IN ('empty', 'captcha', 'unavailable', "
        "'unrecognized') AND court_code IS NOT NULL AND url LIKE '%name_op=r&%' "
        "AND fetched_at < $cutoff",
        {"cutoff": cutoff},
    ).fetchall()
    for court, url, at, run_key, kind in others:
        q = read_listing_query(parse_query(urlsplit(url).query))
        if kind != "empty":
            status = INCOMPLETE
        elif (court, run_key, q.dialect.value) in proven:
            status = COMPLETE
        else:
            status = SUSPECT_EMPTY
        out.append(
            _Sighting(
                court,
                q.instance.value if q.instance else "",
                q.article,
                q.entry_from or _LOW,
                q.entry_to or _HIGH,
                at,
                at,
                status,
            )
        )
    return out


def window_notes(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date | dt.datetime | None = None,
    courts: list[str] | None = None,
) -> dict[str, WindowNote]:
    """court code → its note, for the courts with incomplete or suspect-empty windows."""
    cutoff = cutoff_for(as_of) if as_of is not None else NO_CUTOFF
    sightings = _sightings(con, cutoff)
    latest: dict[tuple[str, str, str, dt.date, dt.date], _Sighting] = {}
    last_seen: dict[str, dt.datetime] = {}
    for s in sightings:
        key = (s.court, s.instance, s.article, s.entry_from, s.entry_to)
        if key not in latest or s.at > latest[key].at:
            latest[key] = s
        if s.court not in last_seen or s.at > last_seen[s.court]:
            last_seen[s.court] = s.at
    complete_by: dict[tuple[str, str, str], list[_Sighting]] = defaultdict(list)
    for s in latest.values():
        if s.status == COMPLETE:
            complete_by[(s.court, s.instance, s.article)].append(s)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in latest.values():
        if s.status == COMPLETE or (courts is not None and s.court not in courts):
            continue
        covered = any(
            c.began > s.at and c.entry_from <= s.entry_from and c.entry_to >= s.entry_to
            for c in complete_by[(s.court, s.instance, s.article)]
        )
        if covered:
            continue
        counts[s.court][0 if s.status == INCOMPLETE else 1] += 1
    return {
        code: WindowNote(code, inc, sus, last_seen[code])
        for code, (inc, sus) in sorted(counts.items())
    }


def notes_text(notes: dict[str, WindowNote], names: dict[str, str] | None = None) -> list[str]:
    """One footnote line per court, for text outputs."""
    return [
        f"{code}{' ' + names[code] if names and code in names else ''}: {note.text()}"
        for code, note in notes.items()
    ]
