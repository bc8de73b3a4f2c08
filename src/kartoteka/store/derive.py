"""The case as known at a moment: derived from the append-only history in SQL.

One definition serves both the current state (materialised into `cases` and `case_charges`
at the end of every ingest) and any "as of" date (the statistics run the same SQL with an
earlier cutoff). Only what had been *seen* before the cutoff counts: a version first seen
later, or a listing fetched later, does not exist yet for that query.

Rules (why they are what they are):
- case fields (number, UID, receipt date, result) come from the latest version seen, whatever
  its source: the newest information wins; but the UID is the card's where a card was read
  (a listing prints no UID: its card link's `case_uid` is the site's GUID, which a listing
  version carries; the UID links a case to its appeal, `appeals_against`);
- a pending latest version does not hide a decision the latest card shows (listings never
  show suspensions, which only the card's events reveal);
- charges and defendants come from the latest card that lists charges, else the latest
  version that does: some courts hide articles in listings (DOMAIN.md §2), the card is the
  authority;
- a case is removed when a complete listing of a window that used to show it no longer does
  and it was not seen anywhere since (see `removal_sql`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

NO_CUTOFF = dt.datetime(9999, 12, 31)


def cutoff_for(as_of: dt.date | dt.datetime | None) -> dt.datetime:
    """The exclusive upper bound on seen-times for an "as of": a date means everything seen
    up to the end of that day (UTC); a datetime (naive = UTC) everything seen at or before
    that instant, for reproducing a figure taken between two harvests of one day. None means
    everything."""
    if as_of is None:
        return NO_CUTOFF
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(dt.UTC).replace(tzinfo=None)
        return as_of + dt.timedelta(microseconds=1)
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def sightings_ctes(pages: str) -> str:
    """The CTEs `sighting_cases`, `sightings` and `counted` (no WITH) over the listing pages
    of the relation `pages`: one sighting per window and run, with its span, its counters
    and how many distinct cases its pages showed. The replay's removal rule (over the pages
    seen by a cutoff) and the kept history (`kartoteka.store.history`, over all of them)
    both build on these."""
    return f"""sighting_cases AS (
        SELECT DISTINCT p.window_key, p.run_key, o.case_key
        FROM {pages} p JOIN observations o USING (warc_file, warc_offset)),
    sightings AS (
        SELECT window_key, run_key, min(fetched_at) AS began, max(fetched_at) AS at,
               min(total) AS tmin, max(total) AS tmax,
               any_value(court_code) AS court_code, any_value(coalesce(instance, '')) AS instance,
               any_value(article) AS article,
               any_value(coalesce(entry_from, DATE '0001-01-01')) AS entry_from,
               any_value(coalesce(entry_to, DATE '9999-12-31')) AS entry_to
        FROM {pages} GROUP BY window_key, run_key),
    counted AS (
        SELECT window_key, run_key, count(*) AS n FROM sighting_cases
        GROUP BY window_key, run_key)"""


def among(keys: str | None, column: str = "case_key") -> str:
    """SQL restricting `column` to the case keys of the relation `keys` (a table with a
    `case_key` column), to follow a WHERE condition; nothing for None (every case)."""
    return "" if keys is None else f" AND {column} IN (SELECT case_key FROM {keys})"


@dataclass(frozen=True, slots=True)
class Rows:
    """Where the rules of this module and of `kartoteka.store.history` read a case's own
    history (its versions, sightings and charges): the whole tables, or (`rows_of`)
    temporary copies of the rows of a set of cases `keys`. The incremental refresh runs each
    rule over such copies: the same SQL, the rows of fewer cases, each table read once."""

    keys: str | None = None  # a relation of case_key; None: every case
    versions: str = "case_versions"
    observations: str = "observations"
    charges: str = "charges"


EVERY_CASE = Rows()
_COPIED = (("versions", "case_versions"), ("observations", "observations"), ("charges", "charges"))


def rows_of(con: duckdb.DuckDBPyConnection, keys: str) -> Rows:
    """Temporary copies of the versions, observations and charges of the cases of `keys`
    (drop them with `drop_rows`)."""
    names = {}
    for field, table in _COPIED:
        names[field] = f"_kartoteka_{table}_of_keys"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {names[field]} AS "
            f"SELECT * FROM {table} WHERE true{among(keys)}"
        )
    return Rows(keys, **names)


def drop_rows(con: duckdb.DuckDBPyConnection, rows: Rows) -> None:
    for field, _ in _COPIED:
        con.execute(f"DROP TABLE IF EXISTS {getattr(rows, field)}")


def removal_sql(rows: Rows = EVERY_CASE) -> str:
    """Cases removed from the courts' indexes, with the time their absence was first seen.

    A listing sighting is one window (court, instance, receipt dates, article) in one harvest
    run. It is complete when its pages agree on a counter N > 0 and together show N distinct
    cases (the site's own reconciliation, STYLE.md "completeness by construction"). A case
    that a complete sighting showed is removed at the first later complete sighting of the
    same court, instance and article filter whose receipt dates cover the case's receipt date
    and which began after every listing that showed it (so it does not show it either); the
    removal time is when that sighting was complete. Windows need not be
    the same: the harvester may list month by month first and a whole recent period later.
    A card fetched by its URL does not count as a sighting (a card can stay reachable after
    the case left the index). Empty pages never prove removal ("no data" can be a wrong
    query), so a window that drops to zero cases proves nothing. Parameter: `$cutoff`.

    `rows`: only the cases of `rows.keys` (see `Rows`). A case's removal reads only the
    listings of its court (its key begins with the court of the records that showed it, and
    a window is one court's), so the pages read are those of those cases' courts; the
    sightings count every case of their pages (the whole `observations`).
    """
    keys = rows.keys
    courts = (
        ""
        if keys is None
        else f" AND court_code IN (SELECT DISTINCT split_part(case_key, '/', 1) FROM {keys})"
    )
    return f"""
    WITH pages AS (SELECT * FROM listing_pages WHERE fetched_at < $cutoff{courts}),
    {sightings_ctes("pages")},
    complete AS (
        SELECT s.* FROM sightings s JOIN counted c USING (window_key, run_key)
        WHERE s.tmin = s.tmax AND s.tmax > 0 AND c.n = s.tmax),
    present AS (
        SELECT DISTINCT sc.case_key, cp.court_code, cp.instance, cp.article
        FROM sighting_cases sc JOIN complete cp USING (window_key, run_key)
        WHERE true{among(keys, "sc.case_key")}),
    last_listed AS (
        SELECT case_key, max(fetched_at) AS at FROM {rows.observations}
        WHERE fetched_at < $cutoff AND source = 'listing' GROUP BY case_key),
    received AS (
        SELECT case_key, arg_max(entry_date, version) AS entry_date FROM {rows.versions}
        WHERE first_seen_at < $cutoff AND entry_date IS NOT NULL GROUP BY case_key)
    SELECT p.case_key, min(cp.at) AS removed_at
    FROM present p
    JOIN last_listed l USING (case_key)
    JOIN received r USING (case_key)
    JOIN complete cp
      ON cp.court_code = p.court_code AND cp.instance = p.instance
     AND cp.article = p.article AND cp.began > l.at
     AND r.entry_date BETWEEN cp.entry_from AND cp.entry_to
    GROUP BY p.case_key
    """


def facts_sql(rows: Rows = EVERY_CASE) -> str:
    """One row per case known before `$cutoff`, with the columns of the `cases` table
    (`rows`: only the cases of `rows.keys`, see `Rows`)."""
    return f"""
    WITH v AS (SELECT * FROM {rows.versions} WHERE first_seen_at < $cutoff),
    pick AS (
        SELECT case_key,
               max(version) AS info_v,
               max(version) FILTER (WHERE source = 'card') AS card_v,
               max(version) FILTER (WHERE n_charges > 0) AS charged_v,
               min(first_seen_at) AS first_seen_at,
               bool_or(simulated) AS simulated
        FROM v GROUP BY case_key),
    seen AS (
        SELECT case_key, max(fetched_at) AS last_seen_at FROM {rows.observations}
        WHERE fetched_at < $cutoff GROUP BY case_key),
    removed AS ({removal_sql(rows)}),
    {case_columns_sql("pick", "s.last_seen_at, r.removed_at", SEEN_AND_REMOVED, rows)}
    SELECT {case_columns("coalesce(j.last_seen_at, j.first_seen_at)", "j.removed_at")}
    FROM joined j {charges_join(rows)}
    """


SEEN_AND_REMOVED = """
        LEFT JOIN seen s ON s.case_key = p.case_key
        LEFT JOIN removed r ON r.case_key = p.case_key"""


def case_columns(last_seen_at: str | None, removed_at: str | None) -> str:
    """The columns of `cases`, in its order, from the CTE `joined` of `case_columns_sql` and
    the charges of `charges_join`. `last_seen_at` and `removed_at` depend on sightings, not
    on versions: their expressions come from the caller (None: left out)."""
    columns = [
        "j.case_key",
        "j.court_code",
        "j.instance",
        "j.case_id",
        "coalesce(j.c_uid, j.i_uid) AS uid",  # the card's UID: a listing has only the link's GUID
        "coalesce(j.i_number, j.c_number) AS case_number",
        "coalesce(j.i_entry, j.c_entry) AS entry_date",
        "CASE WHEN j.card_decides THEN j.c_result ELSE j.i_result END AS result_raw",
        "CASE WHEN j.card_decides THEN j.c_rdate ELSE j.i_rdate END AS result_date",
        "CASE WHEN j.card_decides THEN j.c_outcome ELSE j.i_outcome END AS outcome",
        "ch.principal_article",
        "ch.principal_charge",
        "ch.n_defendants",
        "j.info_v AS info_version",
        "j.charges_v AS charges_version",
        "j.first_seen_at",
        None if last_seen_at is None else f"{last_seen_at} AS last_seen_at",
        None if removed_at is None else f"{removed_at} AS removed_at",
        "j.simulated",
        "coalesce(cl.articles, []) AS articles",
        "coalesce(cl.charge_keys, []) AS charge_keys",
    ]
    return ",\n           ".join(c for c in columns if c is not None)


def charges_join(rows: Rows = EVERY_CASE) -> str:
    """The joins that give the CTE `joined` its charges version (`ch`) and its charge lists
    (`cl`), for `case_columns` (`rows`: see `Rows`)."""
    return f"""
    JOIN {rows.versions} ch ON ch.case_key = j.case_key AND ch.version = j.charges_v
    LEFT JOIN (
        SELECT case_key, version, list_sort(list_distinct(list(article))) AS articles,
               list_sort(list_distinct(list(charge_key))) AS charge_keys
        FROM {rows.charges} GROUP BY case_key, version
    ) cl ON cl.case_key = j.case_key AND cl.version = j.charges_v"""


def case_columns_sql(pick: str, extra: str = "", joins: str = "", rows: Rows = EVERY_CASE) -> str:
    """The CTE `joined`: each row of `pick` (case_key, the picked versions info_v, card_v,
    charged_v, first_seen_at, simulated) with the fields of those versions, which the rules
    in this module's docstring turn into the columns of `cases`. `extra` are more columns
    for the select list, from `joins` (more joins, SQL, on `p`). One definition
    for the replay (`facts_sql`) and the interval-valid history (`kartoteka.store.history`):
    the two cannot disagree on what a version pick means."""
    return f"""joined AS (
        SELECT p.*, {extra + "," if extra else ""}
               i.court_code, i.instance, i.case_id,
               i.uid AS i_uid, c.uid AS c_uid,
               i.case_number AS i_number, c.case_number AS c_number,
               i.entry_date AS i_entry, c.entry_date AS c_entry,
               i.result_raw AS i_result, c.result_raw AS c_result,
               i.result_date AS i_rdate, c.result_date AS c_rdate,
               i.outcome AS i_outcome, c.outcome AS c_outcome,
               CASE WHEN c.n_charges > 0 THEN p.card_v
                    ELSE coalesce(p.charged_v, p.card_v, p.info_v) END AS charges_v,
               (i.outcome = 'pending' AND c.outcome IS NOT NULL
                AND c.outcome <> 'pending') AS card_decides
        FROM {pick} p
        JOIN {rows.versions} i ON i.case_key = p.case_key AND i.version = p.info_v
        LEFT JOIN {rows.versions} c ON c.case_key = p.case_key AND c.version = p.card_v{joins})"""


def charges_sql(facts: str) -> str:
    """Distinct (case, article, part) of each case's charges, for a facts relation."""
    return f"""
    SELECT DISTINCT ch.case_key, ch.article, ch.part, ch.charge_key, ch.mobilisation
    FROM charges ch JOIN ({facts}) f
      ON ch.case_key = f.case_key AND ch.version = f.charges_version
    """


def refresh_derived(
    con: duckdb.DuckDBPyConnection, new_records: Sequence[tuple[str, int]] | None = None
) -> None:
    """Recompute the derived tables from the history (inside the caller's transaction): the
    current state (`cases`, `case_charges`) and the past ones (`kartoteka.store.history`).

    `new_records`: the (warc_file, offset) of the records the caller has just written. With
    them, and the history tables up to date, only what those records touched is recomputed
    (`history.touched`: the cases they show, the listing sightings they add pages to, and
    the cases those sightings can make removed or not), by the same rules restricted to those
    keys; the rows are those of a full pass. None (a rebuild, a migrated store): every case.
    """
    from kartoteka.store import history  # it builds on this module

    if new_records is None or not history.up_to_date(con):
        _refresh_all_cases(con)
        history.refresh_history(con)
        return
    touched = history.touched(con, new_records)
    _update_last_seen(con, touched.cases)
    rows = rows_of(con, touched.cases)
    _refresh_cases(con, rows)
    history.refresh_history(con, touched, rows)
    drop_rows(con, rows)
    touched.drop(con)


def _refresh_all_cases(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        UPDATE case_versions SET last_seen_at = o.last
        FROM (SELECT case_key, version, max(fetched_at) AS last FROM observations
              GROUP BY case_key, version) o
        WHERE case_versions.case_key = o.case_key AND case_versions.version = o.version
          AND case_versions.last_seen_at <> o.last
    """)
    params = {"cutoff": NO_CUTOFF}
    con.execute("DELETE FROM cases")
    con.execute(f"INSERT INTO cases {facts_sql()}", params)
    con.execute("DELETE FROM case_charges")
    con.execute(f"INSERT INTO case_charges {_case_charges_sql()}")


def _case_charges_sql(rows: Rows = EVERY_CASE) -> str:
    """`case_charges` from `cases` (with `rows`: of those cases only)."""
    return f"""
        SELECT DISTINCT ch.case_key, ch.article, ch.part, ch.charge_key, ch.mobilisation
        FROM {rows.charges} ch JOIN cases c
          ON ch.case_key = c.case_key AND ch.version = c.charges_version"""


def _update_last_seen(con: duckdb.DuckDBPyConnection, keys: str) -> None:
    con.execute(f"""
        UPDATE case_versions SET last_seen_at = o.last
        FROM (SELECT case_key, version, max(fetched_at) AS last FROM observations
              WHERE true{among(keys)} GROUP BY case_key, version) o
        WHERE case_versions.case_key = o.case_key AND case_versions.version = o.version
          AND case_versions.last_seen_at <> o.last
    """)


def _refresh_cases(con: duckdb.DuckDBPyConnection, rows: Rows) -> None:
    """`_refresh_all_cases` for the cases of `rows` only."""
    keys = rows.keys
    params = {"cutoff": NO_CUTOFF}
    con.execute(f"DELETE FROM cases WHERE true{among(keys)}")
    con.execute(f"INSERT INTO cases {facts_sql(rows)}", params)
    con.execute(f"DELETE FROM case_charges WHERE true{among(keys)}")
    con.execute(f"INSERT INTO case_charges {_case_charges_sql(rows)}")
