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

Every ingest recomputes these tables (`refresh_history`, from `derive.refresh_derived`), so
`ingest --rebuild` gives them exactly; `facts_sql` stays the reference, and the tests compare
both at every day and at instants inside runs (tests/store/test_store_history.py).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from kartoteka.store.derive import CHARGES_JOIN, case_columns, case_columns_sql, sightings_ctes

HISTORY_SETTING = "case_history"  # store_settings key: the history tables are up to date
HISTORY_FORMAT = "1"


def states_sql() -> str:
    """Every case's states: its versions grouped by first_seen_at, each group with the
    version picks of `facts_sql` over the versions seen up to it (window functions, one
    pass), valid until the next group; `entry_v` is the latest version with a receipt date
    (the one the removal rule reads)."""
    steps = """
    steps AS (
        SELECT case_key, first_seen_at AS valid_from,
               max(version) OVER w AS info_v,
               max(CASE WHEN source = 'card' THEN version END) OVER w AS card_v,
               max(CASE WHEN n_charges > 0 THEN version END) OVER w AS charged_v,
               max(CASE WHEN entry_date IS NOT NULL THEN version END) OVER w AS entry_v,
               min(first_seen_at) OVER w AS first_seen_at,
               bool_or(simulated) OVER w AS simulated
        FROM case_versions
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
    {case_columns_sql("pick")}
    SELECT j.valid_from, j.valid_to, j.entry_v, {case_columns(None, None)}
    FROM joined j {CHARGES_JOIN}
    """


def _sighting_cases() -> str:
    return """SELECT DISTINCT p.window_key, p.run_key, o.case_key
        FROM listing_pages p JOIN observations o USING (warc_file, warc_offset)"""


def sightings_sql() -> str:
    """Every listing sighting whole, complete or not (the rule of `removal_sql`)."""
    return f"""
    WITH {sightings_ctes("listing_pages")}
    SELECT s.window_key, s.run_key, s.began, s.at AS ended,
           coalesce(s.tmin = s.tmax AND s.tmax > 0 AND c.n = s.tmax, false) AS complete,
           s.court_code, s.instance, s.article, s.entry_from, s.entry_to
    FROM sightings s LEFT JOIN counted c USING (window_key, run_key)
    """


def evidence_sql() -> str:
    """The listing sightings of the cases some cutoff could show as removed. Such a case was
    shown by a complete sighting of some court, instance and article filter, was listed
    before another complete sighting of the same began, which covers a receipt date the case
    ever had and does not show it: `removal_sql` needs all of these at its cutoff, so a case
    without them is removed at no cutoff and needs no evidence here."""
    return f"""
    WITH sighting_cases AS ({_sighting_cases()}),
    complete AS (SELECT * FROM listing_sightings WHERE complete),
    present AS (
        SELECT DISTINCT sc.case_key, cp.court_code, cp.instance, cp.article
        FROM sighting_cases sc JOIN complete cp USING (window_key, run_key)),
    first_listed AS (
        SELECT case_key, min(fetched_at) AS at FROM observations WHERE source = 'listing'
        GROUP BY case_key),
    entries AS (
        SELECT DISTINCT case_key, entry_date FROM case_versions WHERE entry_date IS NOT NULL),
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
    FROM observations o
    JOIN candidates USING (case_key)
    LEFT JOIN listing_pages lp USING (warc_file, warc_offset)
    WHERE o.source = 'listing' OR lp.window_key IS NOT NULL
    """


def refresh_history(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the history tables from the store's history (inside the caller's
    transaction, like the other derived tables)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _kartoteka_states AS {states_sql()}")
    con.execute("DELETE FROM case_states")
    con.execute("INSERT INTO case_states BY NAME SELECT * EXCLUDE (entry_v) FROM _kartoteka_states")
    con.execute("DELETE FROM listing_sightings")
    con.execute(f"INSERT INTO listing_sightings {sightings_sql()}")
    con.execute("DELETE FROM removal_evidence")
    con.execute(f"INSERT INTO removal_evidence {evidence_sql()}")
    con.execute("DELETE FROM removal_receipts")
    con.execute("""
        INSERT INTO removal_receipts
        SELECT s.case_key, s.valid_from, s.valid_to, v.entry_date
        FROM _kartoteka_states s
        LEFT JOIN case_versions v ON v.case_key = s.case_key AND v.version = s.entry_v
        WHERE s.case_key IN (SELECT case_key FROM removal_evidence)""")
    con.execute("DROP TABLE _kartoteka_states")
    con.execute(
        "INSERT OR REPLACE INTO store_settings VALUES (?, ?)", [HISTORY_SETTING, HISTORY_FORMAT]
    )


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
