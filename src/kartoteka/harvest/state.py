"""The harvester's own operational state, in SQLite under `DataDir.state` (contracts.md).

What lives here: runs (so that the same command after a crash resumes the same run), windows
with their counters (expected vs collected rows: completeness by construction), the cases seen
in listings with the listing values that decide whether a card must be re-fetched, detected
query dialects, cooldowns and daily request counts (so that a restart does not reset the
politeness ledger), and the last harvest status of every court.

Crash safety: WAL journal, one short transaction per page processed. The WARC archive is
written *before* the state is updated, and a resumed run first replays the archived pages of
its own run id, so a page whose state update was lost to `kill -9` is read back from the
archive rather than fetched again. The DuckDB store is never touched here (ingest owns it).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from kartoteka.harvest.client import Ledger

STATE_FILE = "harvest.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    params      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    summary     TEXT
);
CREATE TABLE IF NOT EXISTS courts (
    code        TEXT PRIMARY KEY,
    dialect     TEXT,
    last_run_id TEXT,
    last_status TEXT,
    last_detail TEXT,
    last_at     TEXT
);
CREATE TABLE IF NOT EXISTS windows (
    court_code  TEXT NOT NULL,
    instance    TEXT NOT NULL,
    date_from   TEXT NOT NULL,
    date_to     TEXT NOT NULL,
    expected    INTEGER,
    collected   INTEGER,
    complete    INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    listed_at   TEXT,
    run_id      TEXT,
    problem     TEXT,
    PRIMARY KEY (court_code, instance, date_from, date_to)
);
CREATE TABLE IF NOT EXISTS cases (
    court_code   TEXT NOT NULL,
    instance     TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    case_uid     TEXT,
    case_number  TEXT,
    entry_date   TEXT,
    card_url     TEXT,
    row_sig      TEXT,
    watched      INTEGER NOT NULL DEFAULT 0,
    final        INTEGER NOT NULL DEFAULT 0,
    first_run    TEXT,
    row_run      TEXT,
    changed_run  TEXT,
    card_sig     TEXT,
    card_at      REAL,
    card_run     TEXT,
    card_row_sig TEXT,
    PRIMARY KEY (court_code, instance, case_id)
);
CREATE TABLE IF NOT EXISTS ledger (
    host  TEXT NOT NULL,
    day   TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (host, day)
);
CREATE TABLE IF NOT EXISTS robots (
    host       TEXT PRIMARY KEY,
    body       TEXT,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cooldowns (
    host  TEXT PRIMARY KEY,
    until REAL NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Window:
    court_code: str
    instance: str
    date_from: dt.date
    date_to: dt.date

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (
            self.court_code,
            self.instance,
            self.date_from.isoformat(),
            self.date_to.isoformat(),
        )


@dataclass(slots=True)
class WindowState:
    expected: int | None
    collected: int | None
    complete: bool
    listed_at: str | None
    run_id: str | None
    problem: str | None


@dataclass(slots=True)
class CaseState:
    row_sig: str | None
    card_sig: str | None
    card_at: float | None
    card_run: str | None
    final: bool
    first_run: str | None
    card_row_sig: str | None = None


class HarvestState(Ledger):
    """One SQLite file; also the gateway's persistent ledger (daily caps, cooldowns)."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / STATE_FILE
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> _Tx:
        return _Tx(self.db)

    # -- runs ----------------------------------------------------------------------------
    def open_run(self, params: dict[str, object]) -> tuple[str, bool]:
        """The run to work on: the unfinished run with the same parameters (resumed), else a
        new one. Returns (run id, resumed)."""
        key = json.dumps(params, sort_keys=True, default=str)
        row = self.db.execute(
            "SELECT run_id FROM runs WHERE params = ? AND finished_at IS NULL "
            "ORDER BY started_at DESC LIMIT 1",
            (key,),
        ).fetchone()
        if row:
            return row[0], True
        run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
        self.db.execute(
            "INSERT INTO runs (run_id, params, started_at) VALUES (?, ?, ?)",
            (run_id, key, dt.datetime.now(dt.UTC).isoformat()),
        )
        return run_id, False

    def finish_run(self, run_id: str, summary: object) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
            (dt.datetime.now(dt.UTC).isoformat(), json.dumps(summary, default=str), run_id),
        )

    # -- courts --------------------------------------------------------------------------
    def dialect(self, code: str) -> str | None:
        row = self.db.execute("SELECT dialect FROM courts WHERE code = ?", (code,)).fetchone()
        return row[0] if row else None

    def remember_dialect(self, code: str, dialect: str) -> None:
        self.db.execute(
            "INSERT INTO courts (code, dialect) VALUES (?, ?) "
            "ON CONFLICT(code) DO UPDATE SET dialect = excluded.dialect",
            (code, dialect),
        )

    def set_court_status(self, code: str, run_id: str, status: str, detail: str | None) -> None:
        self.db.execute(
            "INSERT INTO courts (code, last_run_id, last_status, last_detail, last_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
            "last_run_id = excluded.last_run_id, last_status = excluded.last_status, "
            "last_detail = excluded.last_detail, last_at = excluded.last_at",
            (code, run_id, status, detail, dt.datetime.now(dt.UTC).isoformat()),
        )

    def court_statuses(self) -> dict[str, tuple[str | None, str | None, str | None]]:
        """code → (last status, detail, when) for `kartoteka courts`."""
        return {
            r[0]: (r[1], r[2], r[3])
            for r in self.db.execute("SELECT code, last_status, last_detail, last_at FROM courts")
        }

    # -- windows -------------------------------------------------------------------------
    def window(self, w: Window) -> WindowState | None:
        row = self.db.execute(
            "SELECT expected, collected, complete, listed_at, run_id, problem FROM windows "
            "WHERE court_code = ? AND instance = ? AND date_from = ? AND date_to = ?",
            w.key,
        ).fetchone()
        if not row:
            return None
        return WindowState(row[0], row[1], bool(row[2]), row[3], row[4], row[5])

    def save_window(
        self,
        w: Window,
        *,
        expected: int | None,
        collected: int | None,
        complete: bool,
        pages: int,
        run_id: str,
        problem: str | None,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO windows VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                *w.key,
                expected,
                collected,
                int(complete),
                pages,
                dt.datetime.now(dt.UTC).isoformat(),
                run_id,
                problem,
            ),
        )

    def incomplete_windows(self, court_code: str) -> list[Window]:
        return [
            Window(r[0], r[1], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]))
            for r in self.db.execute(
                "SELECT court_code, instance, date_from, date_to FROM windows "
                "WHERE court_code = ? AND complete = 0",
                (court_code,),
            )
        ]

    # -- cases ---------------------------------------------------------------------------
    def case(self, court_code: str, instance: str, case_id: str) -> CaseState | None:
        row = self.db.execute(
            "SELECT row_sig, card_sig, card_at, card_run, final, first_run, card_row_sig "
            "FROM cases WHERE court_code = ? AND instance = ? AND case_id = ?",
            (court_code, instance, case_id),
        ).fetchone()
        if not row:
            return None
        return CaseState(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])

    def see_case(
        self,
        *,
        court_code: str,
        instance: str,
        case_id: str,
        case_uid: str | None,
        case_number: str | None,
        entry_date: str | None,
        card_url: str | None,
        row_sig: str,
        watched: bool,
        final: bool,
        run_id: str,
    ) -> str:
        """Record a listing row. Returns "new", "changed" or "same" (vs. earlier runs)."""
        old = self.case(court_code, instance, case_id)
        if old is None:
            self.db.execute(
                "INSERT INTO cases (court_code, instance, case_id, case_uid, case_number, "
                "entry_date, card_url, row_sig, watched, final, first_run, row_run, "
                "changed_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    court_code,
                    instance,
                    case_id,
                    case_uid,
                    case_number,
                    entry_date,
                    card_url,
                    row_sig,
                    int(watched),
                    int(final),
                    run_id,
                    run_id,
                    run_id,
                ),
            )
            return "new"
        if old.first_run == run_id:
            status = "new"
        elif old.row_sig != row_sig:
            status = "changed"
        else:
            status = "same"
        self.db.execute(
            "UPDATE cases SET case_uid = ?, case_number = ?, entry_date = ?, card_url = ?, "
            "row_sig = ?, watched = ?, final = ?, row_run = ?, "
            "changed_run = CASE WHEN ? = 'changed' THEN ? ELSE changed_run END "
            "WHERE court_code = ? AND instance = ? AND case_id = ?",
            (
                case_uid,
                case_number,
                entry_date,
                card_url,
                row_sig,
                int(watched),
                int(final),
                run_id,
                status,
                run_id,
                court_code,
                instance,
                case_id,
            ),
        )
        return status

    def card_fetched(
        self,
        court_code: str,
        instance: str,
        case_id: str,
        card_sig: str,
        run_id: str,
        at: float | None = None,
    ) -> bool:
        """Record a card fetch. Returns True when its content differs from the last one."""
        old = self.case(court_code, instance, case_id)
        changed = old is not None and old.card_sig is not None and old.card_sig != card_sig
        self.db.execute(
            "UPDATE cases SET card_sig = ?, card_at = ?, card_run = ?, card_row_sig = row_sig, "
            "changed_run = CASE WHEN ? THEN ? ELSE changed_run END "
            "WHERE court_code = ? AND instance = ? AND case_id = ?",
            (
                card_sig,
                at if at is not None else time.time(),
                run_id,
                int(changed),
                run_id,
                court_code,
                instance,
                case_id,
            ),
        )
        return changed

    def case_keys(self, court_code: str | None = None) -> set[tuple[str, str, str]]:
        sql = "SELECT court_code, instance, case_id FROM cases"
        args: tuple[str, ...] = ()
        if court_code:
            sql += " WHERE court_code = ?"
            args = (court_code,)
        return {(r[0], r[1], r[2]) for r in self.db.execute(sql, args)}

    def run_case_counts(self, run_id: str) -> dict[str, tuple[int, int]]:
        """court → (new cases, changed cases) in a run."""
        out: dict[str, tuple[int, int]] = {}
        for code, new, changed in self.db.execute(
            "SELECT court_code, SUM(first_run = ?), SUM(changed_run = ? AND first_run != ?) "
            "FROM cases GROUP BY court_code",
            (run_id, run_id, run_id),
        ):
            out[code] = (int(new or 0), int(changed or 0))
        return out

    # -- the gateway's ledger (persistent) ------------------------------------------------
    def requests_today(self, host: str, day: str) -> int:
        row = self.db.execute(
            "SELECT count FROM ledger WHERE host = ? AND day = ?", (host, day)
        ).fetchone()
        return int(row[0]) if row else 0

    def count_request(self, host: str, day: str) -> None:
        self.db.execute(
            "INSERT INTO ledger VALUES (?, ?, 1) "
            "ON CONFLICT(host, day) DO UPDATE SET count = count + 1",
            (host, day),
        )

    def cooldown_until(self, host: str) -> float | None:
        row = self.db.execute("SELECT until FROM cooldowns WHERE host = ?", (host,)).fetchone()
        return float(row[0]) if row else None

    def set_cooldown(self, host: str, until: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO cooldowns VALUES (?, ?)", (host, until))

    def cached_robots(self, host: str, max_age: float) -> tuple[str | None] | None:
        row = self.db.execute(
            "SELECT body, fetched_at FROM robots WHERE host = ?", (host,)
        ).fetchone()
        if row is None or time.time() - float(row[1]) > max_age:
            return None
        return (row[0],)

    def cache_robots(self, host: str, text: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO robots VALUES (?, ?, ?)", (host, text, time.time()))


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
