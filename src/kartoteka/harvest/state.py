"""The harvester's own operational state, in SQLite under `DataDir.state` (contracts.md).

What lives here: runs (so that the same command after a crash resumes the same run), windows
with their counters (expected vs collected rows: completeness by construction), the cases seen
in listings with the listing values that decide whether a card must be re-fetched, detected
query dialects, cooldowns and daily request counts (so that a restart does not reset the
politeness ledger), and the last harvest status of every court.

What is believed about each court site, and what changed (issue 9; `kartoteka doctor` and
`kartoteka courts` read these, names are stable):

- `beliefs(court)` / `belief(court, what)`: per court the dialect, template, host and scheme
  currently believed (`BeliefKind`), with when and by which page it was last verified;
- `changes(court)`: the append-only log of changes (court, what, old, new, date seen, run id,
  evidence URL in the archive);
- `window_problems(court)`: windows with status `incomplete` or `suspect_empty`
  (`WindowStatus`) and their problem; `window(w).status` for one window;
- `captcha_pairs()`: each captcha scope's newest solved pair (`CaptchaPair.valid(now)` says
  whether it is still sent), and `pending_challenges()`: captchas waiting for a person
  (court, image path, URL, time, the answer once given with `kartoteka captcha`);
- `court_acts(court)`: the judicial acts cards link (`name_op=doc` pages, issue 13), with
  what their last fetch proved (`kartoteka.harvest.acts.ActStatus`) and whether the card
  still links them.

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
from enum import StrEnum
from pathlib import Path

from kartoteka.harvest.acts import ActState, ActStatus, acts_to_fetch
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
CREATE TABLE IF NOT EXISTS beliefs (
    court_code   TEXT NOT NULL,
    what         TEXT NOT NULL,
    value        TEXT NOT NULL,
    verified_at  TEXT,
    verified_run TEXT,
    evidence_url TEXT,
    PRIMARY KEY (court_code, what)
);
CREATE TABLE IF NOT EXISTS changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    court_code   TEXT NOT NULL,
    what         TEXT NOT NULL,
    old          TEXT,
    new          TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    run_id       TEXT,
    evidence_url TEXT
);
CREATE TABLE IF NOT EXISTS captcha_pairs (
    scope_key   TEXT PRIMARY KEY,
    captcha     TEXT NOT NULL,
    captcha_id  TEXT,
    court_code  TEXT NOT NULL,
    solved_at   REAL NOT NULL,
    expires_at  REAL NOT NULL,
    expired_at  REAL
);
CREATE TABLE IF NOT EXISTS acts (
    court_code  TEXT NOT NULL,
    instance    TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    url         TEXT NOT NULL,
    status      TEXT NOT NULL,
    listed      INTEGER NOT NULL DEFAULT 1,
    detail      TEXT,
    act_sig     TEXT,
    fetched_at  REAL,
    run_id      TEXT,
    first_run   TEXT,
    PRIMARY KEY (court_code, instance, case_id, url)
);
CREATE TABLE IF NOT EXISTS captcha_pending (
    court_code  TEXT PRIMARY KEY,
    scope_key   TEXT NOT NULL,
    image_path  TEXT,
    page_url    TEXT NOT NULL,
    captcha_id  TEXT,
    asked_at    REAL NOT NULL,
    answer      TEXT,
    answered_at REAL
);
"""

# Columns added after the first release: (table, column, declaration). Old state files get
# them on open, so a state written by an earlier version keeps working.
_ADDED_COLUMNS = (
    ("windows", "status", "TEXT"),
    # issue 13: the decision date and whether the listing row linked an act, so that a
    # decided case whose act is not out yet gets its card read again (kartoteka.harvest.acts)
    ("cases", "result_date", "TEXT"),
    ("cases", "row_acts", "INTEGER NOT NULL DEFAULT 0"),
)


class WindowStatus(StrEnum):
    """What a listed window proves. Only `complete` counts its rows as all the cases."""

    COMPLETE = "complete"  # every page read, rows == the site's counter (0 proven by control)
    INCOMPLETE = "incomplete"  # rows != counter, a page failed, no counter: listed again
    SUSPECT_EMPTY = "suspect_empty"  # "no data", but the court's dialect is not proven


class BeliefKind(StrEnum):
    """What the harvester believes about a court site (hypotheses, re-checked every run)."""

    DIALECT = "dialect"  # classic | vnkod: the query parameters the site understands
    TEMPLATE = "template"  # classic | new: the generation of its page markup
    HOST = "host"  # the host name its case index answers at (after redirects)
    SCHEME = "scheme"  # http | https (after an http -> https redirect)


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
    status: WindowStatus | None = None


@dataclass(frozen=True, slots=True)
class Belief:
    """One thing believed about a court, with the last evidence for it.

    `verified_at` (ISO UTC) and `verified_run` say when the site last showed it (for the
    dialect: a listing in it had rows; for the template: a page in it; for the host: an
    answer from it); `evidence_url` is the archived page that showed it."""

    court_code: str
    what: BeliefKind
    value: str
    verified_at: str | None
    verified_run: str | None
    evidence_url: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a belief, append-only: seen on `seen_at` (ISO UTC) in run `run_id`,
    shown by the page at `evidence_url` (in the archive). `old` is None for a first sighting
    that contradicts nothing (never logged) or when nothing was believed before."""

    id: int
    court_code: str
    what: BeliefKind
    old: str | None
    new: str
    seen_at: str
    run_id: str | None
    evidence_url: str | None


@dataclass(frozen=True, slots=True)
class WindowProblem:
    """A window that does not count as complete, for `kartoteka doctor`."""

    window: Window
    status: WindowStatus
    expected: int | None
    collected: int | None
    problem: str | None
    run_id: str | None
    listed_at: str | None


@dataclass(frozen=True, slots=True)
class CaptchaPair:
    """A solved captcha (`captcha`, `captchaid`) sent with every request of its scope
    (`court:<code>` or `region:<region>`) until a captcha form shows it expired. Times are
    epoch seconds; `expires_at` is the configured validity, `expired_at` when a site refused
    it (then it is no longer sent)."""

    scope_key: str
    captcha: str
    captcha_id: str | None
    court_code: str
    solved_at: float
    expires_at: float
    expired_at: float | None

    def valid(self, now: float) -> bool:
        return self.expired_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class PendingChallenge:
    """A captcha a person has to answer (`kartoteka captcha`): saved when no one could be
    asked during the run. `answer` is set by `kartoteka captcha answer`; the next run sends
    it as the scope's pair."""

    court_code: str
    scope_key: str
    image_path: str | None
    page_url: str
    captcha_id: str | None
    asked_at: float
    answer: str | None
    answered_at: float | None


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
        for table, column, decl in _ADDED_COLUMNS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

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

    # -- courts ----------------------------------------------------------------------------
    def dialect(self, code: str) -> str | None:
        """The dialect believed for a court (its belief, else what an older version kept)."""
        belief = self.belief(code, BeliefKind.DIALECT)
        if belief is not None:
            return belief.value
        row = self.db.execute("SELECT dialect FROM courts WHERE code = ?", (code,)).fetchone()
        return row[0] if row else None

    def remember_dialect(self, code: str, dialect: str) -> None:
        self.db.execute(
            "INSERT INTO courts (code, dialect) VALUES (?, ?) "
            "ON CONFLICT(code) DO UPDATE SET dialect = excluded.dialect",
            (code, dialect),
        )

    # -- beliefs about court sites and their changes (read by `kartoteka doctor`) --------
    def belief(self, code: str, what: BeliefKind | str) -> Belief | None:
        """What is believed about one court (None: nothing yet)."""
        row = self.db.execute(
            "SELECT court_code, what, value, verified_at, verified_run, evidence_url "
            "FROM beliefs WHERE court_code = ? AND what = ?",
            (code, str(what)),
        ).fetchone()
        return _belief(row) if row else None

    def beliefs(self, code: str | None = None) -> dict[str, dict[BeliefKind, Belief]]:
        """court code -> {dialect|template|host|scheme: Belief}, of one court or all."""
        sql = "SELECT court_code, what, value, verified_at, verified_run, evidence_url FROM beliefs"
        args: tuple[str, ...] = ()
        if code is not None:
            sql += " WHERE court_code = ?"
            args = (code,)
        out: dict[str, dict[BeliefKind, Belief]] = {}
        for row in self.db.execute(sql, args):
            b = _belief(row)
            out.setdefault(b.court_code, {})[b.what] = b
        return out

    def believe(
        self,
        code: str,
        what: BeliefKind | str,
        value: str,
        *,
        run_id: str | None,
        evidence_url: str | None,
        verified: bool = True,
    ) -> Change | None:
        """Record what a court's site showed. A value different from the one believed is
        logged as a change (append-only) and returned; a first belief is not a change.
        `verified=False` records a hypothesis (e.g. the registry's hint) without a date."""
        what = BeliefKind(what)
        now = dt.datetime.now(dt.UTC).isoformat()
        old = self.belief(code, what)
        self.db.execute(
            "INSERT INTO beliefs (court_code, what, value, verified_at, verified_run, "
            "evidence_url) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(court_code, what) DO UPDATE "
            "SET value = excluded.value, verified_at = COALESCE(excluded.verified_at, "
            "CASE WHEN beliefs.value = excluded.value THEN beliefs.verified_at END), "
            "verified_run = COALESCE(excluded.verified_run, CASE WHEN beliefs.value = "
            "excluded.value THEN beliefs.verified_run END), "
            "evidence_url = COALESCE(excluded.evidence_url, beliefs.evidence_url)",
            (
                code,
                what.value,
                value,
                now if verified else None,
                run_id if verified else None,
                evidence_url,
            ),
        )
        if what is BeliefKind.DIALECT:
            self.remember_dialect(code, value)
        if old is None or old.value == value:
            return None
        cur = self.db.execute(
            "INSERT INTO changes (court_code, what, old, new, seen_at, run_id, evidence_url) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, what.value, old.value, value, now, run_id, evidence_url),
        )
        return Change(
            int(cur.lastrowid or 0), code, what, old.value, value, now, run_id, evidence_url
        )

    def changes(self, code: str | None = None) -> list[Change]:
        """The append-only log of belief changes, oldest first (of one court or all)."""
        sql = "SELECT id, court_code, what, old, new, seen_at, run_id, evidence_url FROM changes"
        args: tuple[str, ...] = ()
        if code is not None:
            sql += " WHERE court_code = ?"
            args = (code,)
        return [
            Change(r[0], r[1], BeliefKind(r[2]), r[3], r[4], r[5], r[6], r[7])
            for r in self.db.execute(sql + " ORDER BY id", args)
        ]

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
            "SELECT expected, collected, complete, listed_at, run_id, problem, status "
            "FROM windows WHERE court_code = ? AND instance = ? AND date_from = ? "
            "AND date_to = ?",
            w.key,
        ).fetchone()
        if not row:
            return None
        status = WindowStatus(row[6]) if row[6] else _legacy_status(bool(row[2]))
        return WindowState(row[0], row[1], bool(row[2]), row[3], row[4], row[5], status)

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
        status: WindowStatus | None = None,
    ) -> None:
        """Record a listed window. `complete` and `status` agree: only COMPLETE is complete
        (a missing status is derived from `complete`)."""
        status = status or _legacy_status(complete)
        self.db.execute(
            "INSERT OR REPLACE INTO windows (court_code, instance, date_from, date_to, "
            "expected, collected, complete, pages, listed_at, run_id, problem, status) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                *w.key,
                expected,
                collected,
                int(status is WindowStatus.COMPLETE),
                pages,
                dt.datetime.now(dt.UTC).isoformat(),
                run_id,
                problem,
                status.value,
            ),
        )

    def incomplete_windows(self, court_code: str) -> list[Window]:
        """Windows of a court not proven complete (incomplete or suspect-empty): the next
        run lists them again."""
        return [
            Window(r[0], r[1], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]))
            for r in self.db.execute(
                "SELECT court_code, instance, date_from, date_to FROM windows "
                "WHERE court_code = ? AND complete = 0",
                (court_code,),
            )
        ]

    def window_problems(self, court_code: str | None = None) -> list[WindowProblem]:
        """Every window not proven complete, with its status and problem (for doctor)."""
        sql = (
            "SELECT court_code, instance, date_from, date_to, expected, collected, complete, "
            "problem, run_id, listed_at, status FROM windows WHERE complete = 0"
        )
        args: tuple[str, ...] = ()
        if court_code is not None:
            sql += " AND court_code = ?"
            args = (court_code,)
        out = []
        for r in self.db.execute(sql + " ORDER BY court_code, instance, date_from", args):
            w = Window(r[0], r[1], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]))
            status = WindowStatus(r[10]) if r[10] else _legacy_status(bool(r[6]))
            out.append(WindowProblem(w, status, r[4], r[5], r[7], r[8], r[9]))
        return out

    # -- captcha pairs and pending challenges (read by `kartoteka doctor`) ---------------
    def captcha_pair(self, scope_key: str) -> CaptchaPair | None:
        """The newest pair of a scope (valid or not: see `CaptchaPair.valid`)."""
        row = self.db.execute(
            "SELECT scope_key, captcha, captcha_id, court_code, solved_at, expires_at, "
            "expired_at FROM captcha_pairs WHERE scope_key = ?",
            (scope_key,),
        ).fetchone()
        return CaptchaPair(*row) if row else None

    def captcha_pairs(self) -> list[CaptchaPair]:
        """Every scope's newest pair (doctor shows the ones still in force)."""
        return [
            CaptchaPair(*r)
            for r in self.db.execute(
                "SELECT scope_key, captcha, captcha_id, court_code, solved_at, expires_at, "
                "expired_at FROM captcha_pairs ORDER BY scope_key"
            )
        ]

    def save_captcha_pair(
        self,
        scope_key: str,
        captcha: str,
        captcha_id: str | None,
        court_code: str,
        *,
        solved_at: float,
        expires_at: float,
    ) -> CaptchaPair:
        self.db.execute(
            "INSERT OR REPLACE INTO captcha_pairs VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (scope_key, captcha, captcha_id, court_code, solved_at, expires_at),
        )
        return CaptchaPair(scope_key, captcha, captcha_id, court_code, solved_at, expires_at, None)

    def expire_captcha_pair(self, scope_key: str, at: float) -> None:
        """A site showed the captcha form although the pair was sent: no longer send it."""
        self.db.execute(
            "UPDATE captcha_pairs SET expired_at = ? WHERE scope_key = ? AND expired_at IS NULL",
            (at, scope_key),
        )

    def pending_challenges(self) -> list[PendingChallenge]:
        """Captchas waiting for a person (answered ones too, until a run uses them)."""
        return [
            PendingChallenge(*r)
            for r in self.db.execute(
                "SELECT court_code, scope_key, image_path, page_url, captcha_id, asked_at, "
                "answer, answered_at FROM captcha_pending ORDER BY asked_at, court_code"
            )
        ]

    def save_pending(
        self,
        court_code: str,
        scope_key: str,
        *,
        image_path: str | None,
        page_url: str,
        captcha_id: str | None,
        asked_at: float,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO captcha_pending VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
            (court_code, scope_key, image_path, page_url, captcha_id, asked_at),
        )

    def answer_pending(self, court_code: str, answer: str, at: float) -> bool:
        """Store a person's answer to a court's pending challenge (False: none pending)."""
        cur = self.db.execute(
            "UPDATE captcha_pending SET answer = ?, answered_at = ? WHERE court_code = ?",
            (answer.strip(), at, court_code),
        )
        return cur.rowcount > 0

    def drop_pending(self, court_code: str) -> None:
        self.db.execute("DELETE FROM captcha_pending WHERE court_code = ?", (court_code,))

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
        result_date: str | None = None,
        row_acts: bool = False,
    ) -> str:
        """Record a listing row. Returns "new", "changed" or "same" (vs. earlier runs)."""
        old = self.case(court_code, instance, case_id)
        if old is None:
            self.db.execute(
                "INSERT INTO cases (court_code, instance, case_id, case_uid, case_number, "
                "entry_date, card_url, row_sig, watched, final, first_run, row_run, "
                "changed_run, result_date, row_acts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
                    result_date,
                    int(row_acts),
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
            "row_sig = ?, watched = ?, final = ?, row_run = ?, result_date = ?, row_acts = ?, "
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
                result_date,
                int(row_acts),
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

    # -- linked judicial acts (`name_op=doc` pages, issue 13) ------------------------------
    def acts_of(self, court_code: str, instance: str, case_id: str) -> dict[str, ActState]:
        return {
            r[0]: ActState(r[0], ActStatus(r[1]), bool(r[2]), r[3], r[4], r[5])
            for r in self.db.execute(
                "SELECT url, status, listed, fetched_at, run_id, detail FROM acts "
                "WHERE court_code = ? AND instance = ? AND case_id = ?",
                (court_code, instance, case_id),
            )
        }

    def note_card_acts(
        self, court_code: str, instance: str, case_id: str, links: list[str], run_id: str
    ) -> list[str]:
        """Record the acts a card just read links (an act it no longer links stays, as not
        listed) and mark those to fetch as pending; returns them. Called in the card's own
        transaction, so that a run stopped after the card never loses its acts."""
        known = self.acts_of(court_code, instance, case_id)
        todo = acts_to_fetch(links, known, run_id)
        self.db.execute(
            "UPDATE acts SET listed = 0 WHERE court_code = ? AND instance = ? AND case_id = ?",
            (court_code, instance, case_id),
        )
        for url in links:
            status = ActStatus.PENDING.value if url in todo else None
            self.db.execute(
                "INSERT INTO acts (court_code, instance, case_id, url, status, listed, "
                "first_run) VALUES (?,?,?,?,?,1,?) ON CONFLICT (court_code, instance, case_id, "
                "url) DO UPDATE SET listed = 1, status = COALESCE(?, status)",
                (court_code, instance, case_id, url, status or "pending", run_id, status),
            )
        return todo

    def act_fetched(
        self,
        court_code: str,
        instance: str,
        case_id: str,
        url: str,
        status: ActStatus,
        detail: str | None,
        act_sig: str | None,
        run_id: str,
        at: float | None = None,
    ) -> None:
        """Record what a fetch of an act page proved (a failure keeps the last signature)."""
        self.db.execute(
            "UPDATE acts SET status = ?, detail = ?, act_sig = COALESCE(?, act_sig), "
            "fetched_at = ?, run_id = ? "
            "WHERE court_code = ? AND instance = ? AND case_id = ? AND url = ?",
            (
                status.value,
                detail,
                act_sig,
                at if at is not None else time.time(),
                run_id,
                court_code,
                instance,
                case_id,
                url,
            ),
        )

    def court_acts(self, court_code: str) -> list[tuple[str, str, ActState]]:
        """(instance, case id, state) of every act recorded for a court, oldest case first."""
        return [
            (r[0], r[1], ActState(r[2], ActStatus(r[3]), bool(r[4]), r[5], r[6], r[7]))
            for r in self.db.execute(
                "SELECT instance, case_id, url, status, listed, fetched_at, run_id, detail "
                "FROM acts WHERE court_code = ? ORDER BY instance, case_id, url",
                (court_code,),
            )
        ]

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


def _belief(row: tuple) -> Belief:
    return Belief(row[0], BeliefKind(row[1]), row[2], row[3], row[4], row[5])


def _legacy_status(complete: bool) -> WindowStatus:
    return WindowStatus.COMPLETE if complete else WindowStatus.INCOMPLETE


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
