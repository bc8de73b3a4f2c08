"""What changed between harvests: derived from the archive's own history, kept per harvest run.

An *epoch* is one harvest run as the archive records it (the run id of its WARC records, else
the UTC date of the fetch), placed in time by the last page it saw (`ended_at`, the seen time:
for simulated pages the sandbox's calendar). The changes of an epoch are the differences
between the store as of its end and the store as of the previous epoch's end, both computed
with the one definition of "the case as known at a moment" (`kartoteka.store.derive`):

- `new_case`: a case first seen in the epoch;
- `new_outcome`: a known case whose outcome class differs (verdict, terminated, returned to
  the prosecutor, transferred, suspended, `resumed` for suspended → pending, other);
- `removed` / `returned`: a known case that left the court's index / came back;
- `revised_month`: the count of first-instance cases received in a month that had already
  ended at the previous epoch changed (the reporting lag made visible).

The first epoch is the baseline: it has no changes (a first harvest would otherwise announce
every case ever received as new).

Why epochs come from the archive and not from ingest calls: `ingest --rebuild` reads the whole
archive at once, and must reproduce the same changes as the ingests that ran one harvest at a
time. Each ingest recomputes only the epochs its records touched (and those after them), so a
re-run adds nothing and a rebuild gives equal rows. Change ids are derived from content (kind,
case, outcome, date), never from a counter, so feeds and notifications can rely on them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import duckdb

from kartoteka.store import history
from kartoteka.store.derive import cutoff_for, facts_sql

CHANGE_KINDS = ("new_case", "new_outcome", "removed", "returned", "revised_month")
# the outcome of a suspended case that is pending again (the proceedings resumed)
RESUMED = "resumed"
_STATE_COLUMNS = """case_key, court_code, instance, case_id, case_number, entry_date, outcome,
    result_date, removed_at, charge_keys, principal_charge, simulated"""


@dataclass(frozen=True, slots=True)
class Epoch:
    run_key: str
    started_at: dt.datetime
    ended_at: dt.datetime
    records: int
    simulated: bool


@dataclass(frozen=True, slots=True)
class ChangesSummary:
    """What one recomputation did (for the ingest summary and tests)."""

    epochs: int  # epochs in the store
    recomputed: int  # epochs whose changes were computed now
    changes: int  # change rows of the recomputed epochs


def change_id(*parts: object) -> str:
    """A stable id for a change: a hash of what it says, never of when it was computed."""
    text = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def current_epochs(con: duckdb.DuckDBPyConnection) -> list[Epoch]:
    """The epochs of the archive as the fetch log holds it, in time order."""
    rows = con.execute("""
        SELECT coalesce(run_id, strftime(fetched_at, '%Y-%m-%d')) AS run_key,
               min(fetched_at), max(fetched_at), count(*), bool_or(simulated)
        FROM fetch_log GROUP BY run_key ORDER BY max(fetched_at), run_key
    """).fetchall()
    return [Epoch(r[0], r[1], r[2], int(r[3]), bool(r[4])) for r in rows]


def _stored_epochs(con: duckdb.DuckDBPyConnection) -> list[Epoch]:
    rows = con.execute(
        "SELECT run_key, started_at, ended_at, records, simulated FROM change_epochs "
        "ORDER BY ended_at, run_key"
    ).fetchall()
    return [Epoch(r[0], r[1], r[2], int(r[3]), bool(r[4])) for r in rows]


def clear_changes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM changes")
    con.execute("DELETE FROM change_epochs")


def record_changes(con: duckdb.DuckDBPyConnection, *, rebuild: bool = False) -> ChangesSummary:
    """Bring `change_epochs` and `changes` up to date with the history (inside the caller's
    transaction, after `refresh_derived`). Epochs before the first one whose records differ
    from what was last computed are left as they are."""
    if rebuild:
        clear_changes(con)
    epochs = current_epochs(con)
    stored = _stored_epochs(con)
    first_dirty = 0
    while (
        first_dirty < len(epochs)
        and first_dirty < len(stored)
        and epochs[first_dirty] == stored[first_dirty]
    ):
        first_dirty += 1
    if first_dirty == len(epochs) and len(stored) == len(epochs):
        return ChangesSummary(len(epochs), 0, 0)
    stale = [e.run_key for e in stored[first_dirty:]]
    if stale:
        con.execute("DELETE FROM changes WHERE list_contains($keys, run_key)", {"keys": stale})
        con.execute(
            "DELETE FROM change_epochs WHERE list_contains($keys, run_key)", {"keys": stale}
        )
    written = 0
    previous_state = None
    for index in range(first_dirty, len(epochs)):
        epoch = epochs[index]
        before = epochs[index - 1].ended_at if index > 0 else None
        con.execute(
            "INSERT INTO change_epochs VALUES (?, ?, ?, ?, ?, ?)",
            [
                epoch.run_key,
                epoch.started_at,
                epoch.ended_at,
                before,
                epoch.records,
                epoch.simulated,
            ],
        )
        state = _state(con, index, epoch.ended_at, index == len(epochs) - 1)
        if before is not None:
            if previous_state is None:
                previous_state = _state(con, index - 1, before, False)
            written += _diff(con, epoch, before, previous_state, state)
        if previous_state is not None:
            con.execute(f"DROP TABLE {previous_state}")
        previous_state = state
    if previous_state is not None:
        con.execute(f"DROP TABLE {previous_state}")
    return ChangesSummary(len(epochs), len(epochs) - first_dirty, written)


def _state(con: duckdb.DuckDBPyConnection, index: int, ended_at: dt.datetime, last: bool) -> str:
    """A temporary table of every case as known at the end of an epoch (the last epoch's
    state is the `cases` table itself: nothing was seen after it). An earlier epoch's state
    is read from the interval-valid history where it answers that cutoff exactly (it is up
    to date: `record_changes` runs after `refresh_derived`), else replayed (`facts_sql`):
    the same rows (tests/store/test_incremental_refresh.py), a range lookup instead of a
    regrouping of the whole history."""
    name = f"_kartoteka_state_{index}"
    con.execute(f"DROP TABLE IF EXISTS {name}")
    if last:
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {_STATE_COLUMNS} FROM cases")
    else:
        cutoff = cutoff_for(ended_at)
        facts = history.facts_at_sql(False) if history.answers(con, cutoff) else facts_sql()
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {_STATE_COLUMNS} FROM ({facts})",
            {"cutoff": cutoff},
        )
    return name


def _id_sql(*parts: str) -> str:
    """SQL for `change_id(*parts)`: the same hash of the same text, computed in the database
    (thousands of changes are written without a round trip through Python)."""
    text = " || '|' || ".join(f"coalesce(CAST({p} AS VARCHAR), '')" for p in parts)
    return f"left(sha256({text}), 24)"


def _diff(
    con: duckdb.DuckDBPyConnection, epoch: Epoch, before: dt.datetime, old: str, new: str
) -> int:
    """Write the changes between two states (in SQL); returns how many rows were written.
    The same content can recur (an outcome flipping back and forth on the same date): the
    first sighting keeps the id."""
    case_cols = (
        "n.case_key, n.court_code, n.instance, n.case_id, n.case_number, n.entry_date, "
        "n.charge_keys, n.principal_charge"
    )
    resumed = f"CASE WHEN o.outcome = 'suspended' AND n.outcome = 'pending' THEN '{RESUMED}' "
    resumed += "ELSE n.outcome END"
    params = {"run": epoch.run_key, "at": epoch.ended_at, "day": epoch.ended_at.date()}
    kinds = {
        # kind: (outcome, previous outcome, date, condition)
        "new_case": ("n.outcome", "NULL", "$day", "o.case_key IS NULL"),
        "new_outcome": (
            resumed,
            "o.outcome",
            "coalesce(n.result_date, $day)",
            "o.case_key IS NOT NULL AND o.outcome <> n.outcome",
        ),
        "removed": (
            "n.outcome",
            "NULL",
            "CAST(n.removed_at AS DATE)",
            "o.case_key IS NOT NULL AND o.removed_at IS NULL AND n.removed_at IS NOT NULL",
        ),
        "returned": (
            "n.outcome",
            "NULL",
            "$day",
            "o.case_key IS NOT NULL AND o.removed_at IS NOT NULL AND n.removed_at IS NULL",
        ),
    }
    selects = [
        f"""SELECT {_id_sql(f"'{kind}'", "n.case_key", outcome, date)}, $run, $at, '{kind}',
               {case_cols}, {outcome}, {previous}, {date}, NULL, NULL, NULL, n.simulated
        FROM {new} n LEFT JOIN {old} o USING (case_key) WHERE {condition}"""
        for kind, (outcome, previous, date, condition) in kinds.items()
    ]
    months = f"""
        WITH o AS (SELECT strftime(entry_date, '%Y-%m') AS month, count(*) AS n FROM {old}
                   WHERE instance = 'first' AND entry_date IS NOT NULL GROUP BY month),
             n AS (SELECT strftime(entry_date, '%Y-%m') AS month, count(*) AS n,
                          bool_or(simulated) AS simulated FROM {new}
                   WHERE instance = 'first' AND entry_date IS NOT NULL GROUP BY month),
             m AS (SELECT month, coalesce(o.n, 0) AS before, coalesce(n.n, 0) AS after,
                          coalesce(n.simulated, false) AS simulated
                   FROM n FULL OUTER JOIN o USING (month)
                   WHERE month < strftime($before, '%Y-%m')
                     AND coalesce(o.n, 0) <> coalesce(n.n, 0))
        SELECT {_id_sql("'revised_month'", "''", "month", "before", "after")}, $run, $at,
               'revised_month', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, month, before, after, simulated OR $simulated
        FROM m"""
    params |= {"before": before, "simulated": epoch.simulated}
    count_before = _count(con)
    con.execute(
        "INSERT INTO changes SELECT * FROM (("
        + ") UNION ALL (".join([*selects, months])
        + ")) ORDER BY ALL ON CONFLICT DO NOTHING",
        params,
    )
    return _count(con) - count_before


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM changes").fetchone()
    return int(row[0]) if row else 0
