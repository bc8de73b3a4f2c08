"""The history of every case kept ready for "as of" questions: interval-valid states.

Replaying the append-only history for one past cutoff (`kartoteka.store.derive.facts_sql`)
groups every version and every sighting again: seconds at a million cases. But what a case
looked like is a step function of time:

- the columns that come from versions (number, dates, outcome, charges, articles ...) change
  only when a version is first seen. One pass of window functions over `case_versions` turns
  a case's versions into `case_states` rows, each valid over a span of cutoffs
  (`valid_from < cutoff <= valid_to`); an as-of is a range lookup, exact at any instant;
- `removed_at` depends on listings of whole windows (`derive.removal_sql`), and can appear
  and disappear as later listings come in. A case can only ever show as removed when a
  complete listing covering its receipt date began after it had been listed and did not show
  it: `removal_evidence` keeps the sightings of those few cases, `listing_sightings` every
  sighting whole, and the removal rule runs over them. A sighting cut in two by the cutoff
  (an instant inside a window's pages) is not whole: such cutoffs are answered by the replay;
- `last_seen_at` changes with every sighting; it is read back from `observations` only by
  the queries that ask for it (no metric does).

Every ingest brings these tables up to date (`refresh_history`, from
`derive.refresh_derived`): a rebuild (or a store whose history is not up to date) computes
them whole; any other ingest recomputes only the rows of what its records touched
(`touched`), with the same SQL restricted to those keys, so the rows are those of
`ingest --rebuild` (tests/store/test_incremental_refresh.py). `facts_sql` stays the
reference, and the tests compare both at every day and at instants inside runs
(tests/store/test_store_history.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from kartoteka.store.derive import (
    EVERY_CASE,
    Rows,
    among,
    case_columns,
    case_columns_sql,
    charges_join,
    sightings_ctes,
)

HISTORY_SETTING = "case_history"  # store_settings key: the history tables are up to date
# The rules the derived tables were computed by (`kartoteka.store.derive`, this module).
# An ingest recomputes only the rows its records touched, so a change to a rule (what a
# column means, which cases are removed) must bump this: every store's next ingest then
# recomputes every row, and until then as-of questions go to the replay. "2": the first
# release with incremental refreshes (a store of format "1" may predate rule fixes that
# relied on every ingest recomputing everything).
HISTORY_FORMAT = "2"


def states_sql(rows: Rows = EVERY_CASE) -> str:
    """Every case's states: its versions grouped by first_seen_at, each group with the
    version picks of `facts_sql` over the versions seen up to it (window functions, one
    pass), valid until the next group; `entry_v` is the latest version with a receipt date
    (the one the removal rule reads). `rows`: only those cases (`derive.Rows`)."""
    steps = f"""
    steps AS (
        SELECT case_key, first_seen_at AS valid_from,
               max(version) OVER w AS info_v,
               max(CASE WHEN source = 'card' THEN version END) OVER w AS card_v,
               max(CASE WHEN n_charges > 0 THEN version END) OVER w AS charged_v,
               max(CASE WHEN entry_date IS NOT NULL THEN version END) OVER w AS entry_v,
               min(first_seen_at) OVER w AS first_seen_at,
               bool_or(simulated) OVER w AS simulated
        FROM {rows.versions}
        WINDOW w AS (PARTITION BY case_key ORDER BY first_seen_at
                     RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
    grouped AS (  -- the versions first seen at one instant begin one state together
        SELECT case_key, valid_from, any_value(info_v) AS info_v, any_value(card_v) AS card_v,
               any_value(charged_v) AS charged_v, any_value(entry_v) AS entry_v,
               any_value(first_seen_at) AS first_seen_at, any_value(simulated) AS simulated
        FROM steps GROUP BY case_key, valid_from),
    pick AS (
        SELECT *, lead(valid_from) OVER (PARTITION BY case_key ORDER BY valid_from) AS valid_to
        FROM grouped)"""
    return f"""
    WITH {steps},
    {case_columns_sql("pick", rows=rows)}
    SELECT j.valid_from, j.valid_to, j.entry_v, {case_columns(None, None)}
    FROM joined j {charges_join(rows)}
    """


def _sighting_cases(rows: Rows) -> str:
    return f"""SELECT DISTINCT p.window_key, p.run_key, o.case_key
        FROM listing_pages p JOIN {rows.observations} o USING (warc_file, warc_offset)"""


def sightings_sql(sightings: str | None = None) -> str:
    """Every listing sighting whole, complete or not (the rule of `removal_sql`);
    `sightings`: only those of that relation (window_key, run_key), all of their pages."""
    pages = "listing_pages"
    if sightings is not None:
        pages = f"(SELECT lp.* FROM listing_pages lp JOIN {sightings} USING (window_key, run_key))"
    return f"""
    WITH {sightings_ctes(pages)}
    SELECT s.window_key, s.run_key, s.began, s.at AS ended,
           coalesce(s.tmin = s.tmax AND s.tmax > 0 AND c.n = s.tmax, false) AS complete,
           s.court_code, s.instance, s.article, s.entry_from, s.entry_to
    FROM sightings s LEFT JOIN counted c USING (window_key, run_key)
    """


def evidence_sql(rows: Rows = EVERY_CASE) -> str:
    """The listing sightings of the cases some cutoff could show as removed. Such a case was
    shown by a complete sighting of some court, instance and article filter, was listed
    before another complete sighting of the same began, which covers a receipt date the case
    ever had and does not show it: `removal_sql` needs all of these at its cutoff, so a case
    without them is removed at no cutoff and needs no evidence here. Reads
    `listing_sightings`; `rows`: only those cases (`derive.Rows`)."""
    return f"""
    WITH sighting_cases AS ({_sighting_cases(rows)}),
    complete AS (SELECT * FROM listing_sightings WHERE complete),
    present AS (
        SELECT DISTINCT sc.case_key, cp.court_code, cp.instance, cp.article
        FROM sighting_cases sc JOIN complete cp USING (window_key, run_key)),
    first_listed AS (
        SELECT case_key, min(fetched_at) AS at FROM {rows.observations}
        WHERE source = 'listing' GROUP BY case_key),
    entries AS (
        SELECT DISTINCT case_key, entry_date FROM {rows.versions} WHERE entry_date IS NOT NULL),
    candidates AS (
        SELECT DISTINCT p.case_key
        FROM present p
        JOIN first_listed f USING (case_key)
        JOIN entries e USING (case_key)
        JOIN complete cp
          ON cp.court_code = p.court_code AND cp.instance = p.instance
         AND cp.article = p.article AND cp.began > f.at
         AND e.entry_date BETWEEN cp.entry_from AND cp.entry_to
        WHERE NOT EXISTS (
            SELECT 1 FROM sighting_cases x
            WHERE x.window_key = cp.window_key AND x.run_key = cp.run_key
              AND x.case_key = p.case_key))
    SELECT o.case_key, o.source, o.fetched_at, lp.window_key, lp.run_key
    FROM {rows.observations} o
    JOIN candidates USING (case_key)
    LEFT JOIN listing_pages lp USING (warc_file, warc_offset)
    WHERE o.source = 'listing' OR lp.window_key IS NOT NULL
    """


@dataclass(frozen=True, slots=True)
class Touched:
    """What an ingest's records touched, as temporary tables (`touched`): the keys of every
    derived row they can change."""

    versions: str  # case_key: cases with a new version (their states change)
    cases: str  # case_key: cases whose current row, evidence or receipts can change
    sightings: str  # (window_key, run_key): listing sightings with new pages

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in (self.versions, self.cases, self.sightings):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def touched(con: duckdb.DuckDBPyConnection, new_records: Sequence[tuple[str, int]]) -> Touched:
    """The keys of the derived rows that the records `new_records` (warc_file, offset), just
    written, can change. Found from the rows those records wrote, not from times (an archive
    need not come in time order):

    - cases with a new version: their states (`case_states`);
    - listing sightings with a new page: the sighting is whole again only with all of its
      pages, old and new (a run ingested in two parts grows its sightings);
    - cases whose current row, removal evidence or receipts can change: every case a new
      record shows (versions, last_seen_at, when it was last listed); every case a touched
      sighting shows (a sighting that became complete, or stopped being so, changes where
      the case is present, even when the case was on a page ingested before); and every case
      of a touched sighting's court with a receipt date in its window (a complete sighting
      that does not show a case is how the case becomes removed, and a sighting that is no
      longer complete un-removes it). A case outside these keeps its rows: its versions,
      sightings and the listings of its windows are as they were.
    """
    arrow = pa.table(
        {
            "warc_file": pa.array([r[0] for r in new_records], pa.string()),
            "warc_offset": pa.array([int(r[1]) for r in new_records], pa.int64()),
        }
    )
    con.register("_kartoteka_new_arrow", arrow)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _kartoteka_new_records AS "
        "SELECT DISTINCT * FROM _kartoteka_new_arrow"
    )
    con.unregister("_kartoteka_new_arrow")
    found = Touched(
        "_kartoteka_touched_versions", "_kartoteka_touched_cases", "_kartoteka_touched_sightings"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {found.sightings} AS
        SELECT DISTINCT window_key, run_key
        FROM listing_pages JOIN _kartoteka_new_records USING (warc_file, warc_offset)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {found.versions} AS
        SELECT DISTINCT case_key
        FROM case_versions JOIN _kartoteka_new_records USING (warc_file, warc_offset)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {found.cases} AS
        WITH windows AS (
            SELECT DISTINCT lp.court_code,
                   coalesce(lp.entry_from, DATE '0001-01-01') AS entry_from,
                   coalesce(lp.entry_to, DATE '9999-12-31') AS entry_to
            FROM listing_pages lp JOIN {found.sightings} USING (window_key, run_key))
        SELECT case_key
        FROM observations JOIN _kartoteka_new_records USING (warc_file, warc_offset)
        UNION
        SELECT o.case_key
        FROM listing_pages lp JOIN {found.sightings} USING (window_key, run_key)
        JOIN observations o USING (warc_file, warc_offset)
        UNION
        SELECT v.case_key
        FROM case_versions v JOIN windows w ON v.court_code = w.court_code
        WHERE v.entry_date BETWEEN w.entry_from AND w.entry_to""")
    con.execute("DROP TABLE _kartoteka_new_records")
    return found


def up_to_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the history tables hold the store's history (else the next refresh computes
    them whole: a store migrated from a release before them, or never refreshed)."""
    rows = con.execute("SELECT value FROM store_settings WHERE key = ?", [HISTORY_SETTING])
    return rows.fetchall() == [(HISTORY_FORMAT,)]


def refresh_history(
    con: duckdb.DuckDBPyConnection, touched: Touched | None = None, rows: Rows | None = None
) -> None:
    """Bring the history tables up to date with the store's history (inside the caller's
    transaction, like the other derived tables): all of them, or with `touched` the rows of
    those keys only, read from `rows`, the copies of the history of `touched.cases`
    (`derive.refresh_derived`)."""
    if touched is None or rows is None:
        _refresh_all(con)
    else:
        _refresh_touched(con, touched, rows)
    con.execute(
        "INSERT OR REPLACE INTO store_settings VALUES (?, ?)", [HISTORY_SETTING, HISTORY_FORMAT]
    )


def _receipts_sql(rows: Rows = EVERY_CASE) -> str:
    """The receipt dates of the cases with removal evidence, from the temporary table of
    their states (`_kartoteka_states`, with `entry_v`)."""
    return f"""
        SELECT s.case_key, s.valid_from, s.valid_to, v.entry_date
        FROM _kartoteka_states s
        LEFT JOIN {rows.versions} v ON v.case_key = s.case_key AND v.version = s.entry_v
        WHERE s.case_key IN (SELECT case_key FROM removal_evidence)"""


def _refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE _kartoteka_states AS {states_sql()}")
    con.execute("DELETE FROM case_states")
    con.execute("INSERT INTO case_states BY NAME SELECT * EXCLUDE (entry_v) FROM _kartoteka_states")
    con.execute("DELETE FROM listing_sightings")
    con.execute(f"INSERT INTO listing_sightings {sightings_sql()}")
    con.execute("DELETE FROM removal_evidence")
    con.execute(f"INSERT INTO removal_evidence {evidence_sql()}")
    con.execute("DELETE FROM removal_receipts")
    con.execute(f"INSERT INTO removal_receipts {_receipts_sql()}")
    con.execute("DROP TABLE _kartoteka_states")


def _refresh_touched(con: duckdb.DuckDBPyConnection, t: Touched, rows: Rows) -> None:
    """`_refresh_all` for the keys of `t`: the sightings first (the evidence reads them),
    then the evidence and receipts of `t.cases`, and the states of `t.versions` (computed
    for all of `t.cases`, whose receipts read the states' `entry_v`)."""
    con.execute(f"""
        DELETE FROM listing_sightings USING {t.sightings} t
        WHERE listing_sightings.window_key = t.window_key
          AND listing_sightings.run_key = t.run_key""")
    con.execute(f"INSERT INTO listing_sightings {sightings_sql(t.sightings)}")
    con.execute(f"DELETE FROM removal_evidence WHERE true{among(t.cases)}")
    con.execute(f"INSERT INTO removal_evidence {evidence_sql(rows)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _kartoteka_states AS {states_sql(rows)}")
    con.execute(f"DELETE FROM case_states WHERE true{among(t.versions)}")
    con.execute(
        "INSERT INTO case_states BY NAME SELECT * EXCLUDE (entry_v) FROM _kartoteka_states "
        f"WHERE true{among(t.versions)}"
    )
    con.execute(f"DELETE FROM removal_receipts WHERE true{among(t.cases)}")
    con.execute(f"INSERT INTO removal_receipts {_receipts_sql(rows)}")
    con.execute("DROP TABLE _kartoteka_states")


def answers(con: duckdb.DuckDBPyConnection, cutoff: dt.datetime) -> bool:
    """Whether the history tables answer an as-of at `cutoff` exactly: they are up to date
    (a store migrated from an older release has them empty until its next ingest) and no
    listing sighting has pages on both sides of the cutoff."""
    row = con.execute(
        "SELECT (SELECT value FROM store_settings WHERE key = $key), "
        "EXISTS (SELECT 1 FROM listing_sightings WHERE began < $cutoff AND $cutoff <= ended)",
        {"key": HISTORY_SETTING, "cutoff": cutoff},
    ).fetchone()
    return row is not None and row[0] == HISTORY_FORMAT and not row[1]


def _valid(alias: str) -> str:
    """The row of `alias` (of `case_states` or `removal_receipts`) holds at `$cutoff`."""
    until = f"({alias}.valid_to IS NULL OR $cutoff <= {alias}.valid_to)"
    return f"{alias}.valid_from < $cutoff AND {until}"


def _state_columns(last_seen: str, removed: str) -> str:
    """The columns of `derive.facts_sql()` from `case_states s`, with the expressions for
    the two that sightings decide."""
    return f"""SELECT s.case_key, s.court_code, s.instance, s.case_id, s.uid, s.case_number,
           s.entry_date, s.result_raw, s.result_date, s.outcome, s.principal_article,
           s.principal_charge, s.n_defendants, s.info_version, s.charges_version,
           s.first_seen_at, {last_seen} AS last_seen_at, {removed} AS removed_at, s.simulated,
           s.articles, s.charge_keys
    FROM case_states s"""


def facts_at_sql(with_last_seen: bool = True, with_removed: bool = True) -> str:
    """The rows of `derive.facts_sql()` at `$cutoff` from the history tables (where
    `answers` holds). `with_last_seen=False` leaves `last_seen_at` NULL and skips reading
    the sightings for it; `with_removed=False` leaves `removed_at` NULL and skips the
    removal rule, whose join by case key reads every case's key (the costliest column of a
    scan): both for queries that do not read the column."""
    last_seen = "NULL::TIMESTAMP"
    seen = ""
    if with_last_seen:
        last_seen = "coalesce(ls.last_seen_at, s.first_seen_at)"
        seen = """
        LEFT JOIN (SELECT case_key, max(fetched_at) AS last_seen_at FROM observations
                   WHERE fetched_at < $cutoff GROUP BY case_key) ls ON ls.case_key = s.case_key"""
    if not with_removed:
        return f"""
    {_state_columns(last_seen, "NULL::TIMESTAMP")}{seen}
    WHERE {_valid("s")}
    """
    return f"""
    WITH ev AS (SELECT * FROM removal_evidence WHERE fetched_at < $cutoff),
    complete AS (SELECT * FROM listing_sightings WHERE complete AND ended < $cutoff),
    present AS (
        SELECT DISTINCT e.case_key, cp.court_code, cp.instance, cp.article
        FROM ev e JOIN complete cp USING (window_key, run_key)),
    last_listed AS (
        SELECT case_key, max(fetched_at) AS at FROM ev WHERE source = 'listing'
        GROUP BY case_key),
    absent AS (  -- complete listings that began after the case was last listed
        SELECT p.case_key, cp.ended AS at, cp.entry_from, cp.entry_to
        FROM present p
        JOIN last_listed l USING (case_key)
        JOIN complete cp
          ON cp.court_code = p.court_code AND cp.instance = p.instance
         AND cp.article = p.article AND cp.began > l.at),
    removed AS (
        SELECT a.case_key, min(a.at) AS removed_at
        FROM absent a JOIN removal_receipts r ON r.case_key = a.case_key AND {_valid("r")}
        WHERE r.entry_date BETWEEN a.entry_from AND a.entry_to
        GROUP BY a.case_key)
    {_state_columns(last_seen, "rm.removed_at")}
    LEFT JOIN removed rm ON rm.case_key = s.case_key{seen}
    WHERE {_valid("s")}
    """
