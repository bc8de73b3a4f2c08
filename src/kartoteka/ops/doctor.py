"""`kartoteka doctor`: per court, what needs attention, and whether a person must act.

It reads, never writes: the registry (store), the harvest state (runs, last status, beliefs
and their change log, windows that are not complete, captcha pairs and pending challenges,
cooldowns, the daily request ledger), the archive index (pages classified `unrecognized`)
and the store's `parse_failures` (pages ingest could not read). Every finding that comes from
a page names that page's URL and its place in the archive, so a maintainer can look at it (or
`doctor --bundle` can copy it, masked).

Levels, and why:
- `person`: nothing automatic will fix it: a captcha waiting for an answer, a page variant
  the parsers do not know (unrecognized, parse failure), a window still suspect-empty after
  re-probing (the court's dialect is unproven: run `kartoteka probe`), a court that blocks us,
  a harvester error, a site that left sudrf.ru. The exit status is 1 when any exists.
- `warning`: the next run retries it (incomplete windows, an unavailable court, the daily cap
  spent, a site that moved within sudrf.ru while the registry still has the old host).
- `info`: worth knowing (a dialect or template change, a cooldown in force, a captcha pair in
  force, a court never harvested).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kartoteka import __version__
from kartoteka.errors import KartotekaError
from kartoteka.harvest.politeness import PolitenessConfig
from kartoteka.harvest.state import BeliefKind, HarvestState, WindowStatus
from kartoteka.harvest.warc import INDEX_NAME
from kartoteka.ops.courts import open_state
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court
from kartoteka.store.courts import load_courts
from kartoteka.sudrf.urls import parse_query, read_listing_query

MAX_PAGES_PER_KIND = 20  # unrecognized pages / parse failures listed per court


class Level(StrEnum):
    PERSON = "person"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    court: str
    level: Level
    kind: str  # e.g. "suspect_empty", "unrecognized", "captcha_pending"
    message: str
    url: str | None = None  # the court page behind it, as archived
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass(slots=True)
class CourtHealth:
    code: str
    name: str
    host: str
    active: bool
    last_status: str | None = None
    last_detail: str | None = None
    last_at: str | None = None
    last_complete_run: str | None = None  # the latest finished run where the court was ok
    last_complete_at: str | None = None
    beliefs: dict[str, dict[str, str | None]] = field(default_factory=dict)
    changes: list[dict[str, str | None]] = field(default_factory=list)
    captcha_pair_until: str | None = None  # a solved pair in force for its scope
    captcha_pending_since: str | None = None
    cooldown_until: str | None = None
    windows_incomplete: int = 0
    windows_suspect_empty: int = 0
    unrecognized_pages: int = 0
    parse_failures: int = 0
    requests_today: int = 0
    daily_cap: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def needs_person(self) -> bool:
        return any(f.level is Level.PERSON for f in self.findings)

    def add(self, level: Level, kind: str, message: str, **where: Any) -> None:
        self.findings.append(Finding(self.code, level, kind, message, **where))


@dataclass(slots=True)
class DoctorReport:
    generated_at: str
    version: str
    data_dir: str
    courts: list[CourtHealth]
    notes: list[str] = field(default_factory=list)  # what the doctor could not read

    @property
    def needs_person(self) -> bool:
        return any(c.needs_person for c in self.courts)

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.courts for f in c.findings]

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "version": self.version,
            "data_dir": self.data_dir,
            "needs_person": self.needs_person,
            "notes": self.notes,
            "courts": [{**asdict(c), "needs_person": c.needs_person} for c in self.courts],
        }

    def render(self, *, all_courts: bool = False) -> str:
        """The readable report: courts with findings (or all), the most urgent first."""
        order = {Level.PERSON: 0, Level.WARNING: 1, Level.INFO: 2}
        shown = [c for c in self.courts if all_courts or c.findings]
        shown.sort(key=lambda c: min((order[f.level] for f in c.findings), default=3))
        lines = [f"kartoteka doctor {self.version}, {self.generated_at[:19]} UTC"]
        lines.extend(f"note: {n}" for n in self.notes)
        for c in shown:
            lines.append("")
            status = c.last_status or "never harvested"
            lines.append(
                f"{c.code} {c.name} ({c.host}){'' if c.active else ' [inactive]'}: last {status}"
                + (f" at {c.last_at[:16]}" if c.last_at else "")
            )
            complete = c.last_complete_at[:16] if c.last_complete_at else "never"
            beliefs = ", ".join(
                f"{what} {b['value']}"
                + (f" (verified {str(b['verified_at'])[:10]})" if b.get("verified_at") else "")
                for what, b in c.beliefs.items()
                if what in ("dialect", "template")
            )
            lines.append(
                f"  last complete harvest: {complete}" + (f"; {beliefs}" if beliefs else "")
            )
            if c.daily_cap:
                lines.append(f"  requests today: {c.requests_today} of {c.daily_cap}")
            for f in sorted(c.findings, key=lambda f: order[f.level]):
                where = f" [{f.warc_file}@{f.warc_offset}]" if f.warc_file else ""
                url = f"\n      {f.url}{where}" if f.url else ""
                lines.append(f"  {f.level.value.upper():8} {f.kind}: {f.message}{url}")
        lines.append("")
        people = sum(c.needs_person for c in self.courts)
        troubled = sum(bool(c.findings) for c in self.courts)
        lines.append(
            f"{len(self.courts)} courts, {troubled} with findings, {people} need a person"
            if people
            else f"{len(self.courts)} courts, {troubled} with findings, nothing needs a person"
        )
        return "\n".join(lines)


# -- reading the pieces ----------------------------------------------------------------------
def _iso_epoch(value: float | None) -> str | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(value, dt.UTC).isoformat()


def last_complete_runs(state: HarvestState) -> dict[str, tuple[str, str]]:
    """court → (run id, finished at) of the latest finished run in which it was ok."""
    out: dict[str, tuple[str, str]] = {}
    rows = state.db.execute(
        "SELECT run_id, finished_at, summary FROM runs WHERE finished_at IS NOT NULL "
        "ORDER BY finished_at"
    ).fetchall()
    for run_id, finished, summary in rows:
        try:
            courts = json.loads(summary or "{}").get("courts", {})
        except ValueError:
            continue
        for code, status in courts.items():
            if status == "ok":
                out[code] = (run_id, finished)
    return out


def last_runs(state: HarvestState) -> dict[str, str]:
    """court → the id of the run that last harvested it."""
    return {
        r[0]: r[1]
        for r in state.db.execute(
            "SELECT code, last_run_id FROM courts WHERE last_run_id IS NOT NULL"
        )
    }


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    url: str
    warc_file: str
    offset: int
    page_kind: str | None
    status: int | None
    fetched_at: str


class ArchiveLookup:
    """Read-only look-ups in the archive index (SQLite beside the WARC files)."""

    def __init__(self, archive_dir: Path) -> None:
        path = archive_dir / INDEX_NAME
        self.db: sqlite3.Connection | None = None
        self._runs: dict[str, dict[str, list[ArchivedPage]]] = {}
        if path.exists():
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def pages(self, court: str, run_id: str | None) -> list[ArchivedPage]:
        """A court's archived responses of one run, in fetch order. Read a run at a time
        (the courts of one harvest share its run id: one scan instead of one per court)."""
        if self.db is None or run_id is None:
            return []
        if run_id not in self._runs:
            by_court: dict[str, list[ArchivedPage]] = {}
            for code, *rest in self.db.execute(
                "SELECT court_code, url, warc_file, offset, page_kind, status, fetched_at "
                "FROM records WHERE record_type = 'response' AND run_id = ? "
                "ORDER BY fetched_at",
                (run_id,),
            ):
                by_court.setdefault(code, []).append(ArchivedPage(*rest))
            self._runs[run_id] = by_court
        return self._runs[run_id].get(court, [])

    def latest(self, url: str) -> ArchivedPage | None:
        """The newest archived response for a URL (for evidence URLs the state records)."""
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT url, warc_file, offset, page_kind, status, fetched_at FROM records "
            "WHERE record_type = 'response' AND url = ? ORDER BY fetched_at DESC LIMIT 1",
            (url,),
        ).fetchone()
        return ArchivedPage(*row) if row else None


def window_pages(
    pages: list[ArchivedPage], instance: str, date_from: dt.date, date_to: dt.date
) -> list[ArchivedPage]:
    """The archived listing pages of one window (either dialect), in fetch order."""
    out = []
    for p in pages:
        query = urlsplit(p.url).query
        if "name_op=r" not in query:
            continue
        q = read_listing_query(parse_query(query))
        if (
            q.instance is not None
            and q.instance.value == instance
            and q.entry_from == date_from
            and q.entry_to == date_to
        ):
            out.append(p)
    return out


class _StoreUnread(Exception):
    pass


def _store_parse_failures(
    data_dir: DataDir, codes: list[str]
) -> dict[str, list[tuple[str, str, int, str, str | None]]]:
    """court → [(url, warc file, offset, reason, run id)] from the store, newest first."""
    if not data_dir.store.exists() or not codes:
        return {}
    import duckdb

    from kartoteka.store.db import connect

    try:
        con = connect(data_dir, read_only=True)
    except (duckdb.Error, KartotekaError) as exc:
        # busy (an ingest is writing) or unreadable: the other findings still hold
        raise _StoreUnread(str(exc)) from exc
    try:
        rows = con.execute(
            "SELECT p.court_code, p.url, p.warc_file, p.warc_offset, p.reason, f.run_id "
            "FROM parse_failures p LEFT JOIN fetch_log f USING (warc_file, warc_offset) "
            "WHERE list_contains(?, p.court_code) ORDER BY p.fetched_at DESC, p.row_position",
            [codes],
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str, int, str, str | None]]] = {}
    for code, url, warc_file, offset, reason, run_id in rows:
        out.setdefault(code, []).append((url, warc_file, int(offset), reason, run_id))
    return out


# -- the diagnosis ----------------------------------------------------------------------------
def diagnose(
    data_dir: DataDir,
    codes: list[str] | None = None,
    *,
    daily_cap: int | None = None,
    now: float | None = None,
    courts: list[Court] | None = None,
) -> DoctorReport:
    """What needs attention, per court of the registry (active ones, and any named)."""
    now = time.time() if now is None else now
    registry = courts if courts is not None else load_courts(data_dir)
    wanted = {c.strip().upper() for c in codes} if codes else None
    registry = [
        c for c in registry if (wanted is None and c.active) or (wanted and c.code in wanted)
    ]
    cap = daily_cap or PolitenessConfig().daily_cap
    health = [CourtHealth(c.code, c.name, c.host, c.active, daily_cap=cap) for c in registry]
    state = open_state(data_dir)
    archive = ArchiveLookup(data_dir.archive)
    notes: list[str] = []
    try:
        try:
            failures = _store_parse_failures(data_dir, [c.code for c in registry])
        except _StoreUnread as exc:
            failures = {}
            notes.append(f"the store could not be read, parse failures are not shown: {exc}")
        if state is not None:
            statuses = state.court_statuses()
            complete = last_complete_runs(state)
            runs = last_runs(state)
            pairs = state.captcha_pairs()
            pending = {p.court_code: p for p in state.pending_challenges()}
            today = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
        for court, h in zip(registry, health, strict=True):
            if state is None:
                h.add(Level.INFO, "never_harvested", "no harvest has run in this data directory")
                _parse_failures(h, failures.get(court.code, []), None)
                continue
            status, detail, when = statuses.get(court.code, (None, None, None))
            h.last_status, h.last_detail, h.last_at = status, detail, when
            if court.code in complete:
                h.last_complete_run, h.last_complete_at = complete[court.code]
            run_id = runs.get(court.code)
            run_pages = archive.pages(court.code, run_id)
            _status(h, status, detail, run_pages)
            _beliefs(h, state, court)
            _captcha(h, court, pairs, pending.get(court.code), now)
            until = state.cooldown_until(court.host)
            if until is not None and until > now:
                h.cooldown_until = _iso_epoch(until)
                h.add(Level.INFO, "cooldown", f"cooling down until {h.cooldown_until[:19]} UTC")  # type: ignore[index]
            h.requests_today = state.requests_today(court.host, today)
            if h.requests_today >= cap:
                h.add(
                    Level.WARNING,
                    "daily_cap",
                    f"the daily cap is spent ({h.requests_today} of {cap} requests today): "
                    "the rest waits for tomorrow's run",
                )
            _windows(h, state, court, run_pages)
            _unrecognized(h, [p for p in run_pages if _unexpected(p)])
            _parse_failures(h, failures.get(court.code, []), run_id)
    finally:
        archive.close()
        if state is not None:
            state.close()
    return DoctorReport(
        generated_at=dt.datetime.fromtimestamp(now, dt.UTC).isoformat(),
        version=__version__,
        data_dir=str(data_dir.root),
        courts=health,
        notes=notes,
    )


_STATUS_LEVEL = {
    "captcha": (Level.PERSON, "the court asks for a captcha: answer it (`kartoteka captcha`)"),
    "blocked": (Level.PERSON, "the court blocks us (403 or robots.txt): a proxy or a person"),
    "error": (Level.PERSON, "the harvester failed on this court: a bug report (doctor --bundle)"),
    "unavailable": (Level.WARNING, "the court did not answer: the next run tries again"),
    "incomplete": (Level.WARNING, "the last harvest is incomplete: the next run lists again"),
}


# The page kind that shows a status, to point at the archived page behind it.
_STATUS_PAGE = {"captcha": "captcha", "unavailable": "unavailable", "blocked": None}


def _status(
    h: CourtHealth, status: str | None, detail: str | None, run_pages: list[ArchivedPage]
) -> None:
    if status is None:
        h.add(Level.INFO, "never_harvested", "this court was never harvested here")
        return
    if status in _STATUS_LEVEL:
        level, advice = _STATUS_LEVEL[status]
        kind = _STATUS_PAGE.get(status)
        shown = [p for p in run_pages if kind and p.page_kind == kind]
        where: dict[str, Any] = {}
        if shown:
            where = {"url": shown[-1].url, "warc_file": shown[-1].warc_file}
            where["warc_offset"] = shown[-1].offset
        h.add(level, f"status_{status}", advice + (f" ({detail})" if detail else ""), **where)


def _beliefs(h: CourtHealth, state: HarvestState, court: Court) -> None:
    believed = state.beliefs(court.code).get(court.code, {})
    for what, b in believed.items():
        h.beliefs[what.value] = {
            "value": b.value,
            "verified_at": b.verified_at,
            "evidence_url": b.evidence_url,
        }
    for ch in state.changes(court.code):
        h.changes.append(
            {
                "what": ch.what.value,
                "old": ch.old,
                "new": ch.new,
                "seen_at": ch.seen_at,
                "run_id": ch.run_id,
                "evidence_url": ch.evidence_url,
            }
        )
        h.add(
            Level.INFO,
            f"{ch.what.value}_changed",
            f"{ch.what.value} changed {ch.old} → {ch.new} on {ch.seen_at[:10]}",
            url=ch.evidence_url,
        )
    dialect = believed.get(BeliefKind.DIALECT)
    if dialect and court.dialect and dialect.value != court.dialect.value and dialect.verified_at:
        h.add(
            Level.INFO,
            "stale_dialect_hint",
            f"the registry says {court.dialect.value}, the site speaks {dialect.value}",
            url=dialect.evidence_url,
        )
    host = believed.get(BeliefKind.HOST)
    if host and host.value != court.host:
        from kartoteka.harvest.client import COURT_DOMAIN, SANDBOX_DOMAIN, within

        if within(host.value.split(":")[0], (COURT_DOMAIN, SANDBOX_DOMAIN)):
            h.add(
                Level.WARNING,
                "host_moved",
                f"the site answers at {host.value}, the registry has {court.host}: "
                "import a newer registry",
                url=host.evidence_url,
            )
        else:
            h.add(
                Level.PERSON,
                "host_off_site",
                f"the site redirects off sudrf.ru ({host.value}): find its new address",
                url=host.evidence_url,
            )


def _scopes(court: Court) -> set[str]:
    """The captcha scopes a court belongs to (both ways: the scope is configuration)."""
    from kartoteka.harvest.captcha import CaptchaPolicy

    return {
        CaptchaPolicy(scope=scope).scope_key(court.code, court.region_code)
        for scope in ("court", "region")
    }


def _captcha(h: CourtHealth, court: Court, pairs: list, pending: Any, now: float) -> None:
    scopes = _scopes(court)
    for pair in pairs:
        if (pair.scope_key in scopes or pair.court_code == court.code) and pair.valid(now):
            h.captcha_pair_until = _iso_epoch(pair.expires_at)
            h.add(
                Level.INFO,
                "captcha_pair",
                f"a solved captcha ({pair.scope_key}) is in force until "
                f"{h.captcha_pair_until[:19]} UTC",  # type: ignore[index]
            )
    if pending is None:
        return
    h.captcha_pending_since = _iso_epoch(pending.asked_at)
    if pending.answer:
        h.add(Level.INFO, "captcha_answered", "a captcha answer waits for the next run")
    else:
        h.add(
            Level.PERSON,
            "captcha_pending",
            f"a captcha has waited for an answer since {h.captcha_pending_since[:19]} UTC: "  # type: ignore[index]
            "`kartoteka captcha`"
            + (f" (image {pending.image_path})" if pending.image_path else ""),
            url=pending.page_url,
        )


def _windows(
    h: CourtHealth, state: HarvestState, court: Court, run_pages: list[ArchivedPage]
) -> None:
    for p in state.window_problems(court.code):
        w = p.window
        pages = window_pages(run_pages, w.instance, w.date_from, w.date_to)
        last = pages[-1] if pages else None
        where: dict[str, Any] = (
            {"url": last.url, "warc_file": last.warc_file, "warc_offset": last.offset}
            if last
            else {}
        )
        span = f"{w.instance} {w.date_from}..{w.date_to}"
        if p.status is WindowStatus.SUSPECT_EMPTY:
            h.windows_suspect_empty += 1
            h.add(
                Level.PERSON,
                "suspect_empty",
                f"window {span} answered 'no data' and the court's dialect is unproven: "
                f"run `kartoteka probe {court.code}`" + (f" ({p.problem})" if p.problem else ""),
                **where,
            )
        else:
            h.windows_incomplete += 1
            counts = (
                f"{p.collected} of {p.expected} rows" if p.expected is not None else "no counter"
            )
            h.add(
                Level.WARNING,
                "incomplete",
                f"window {span}: {counts}" + (f" ({p.problem})" if p.problem else ""),
                **where,
            )


def _unexpected(page: ArchivedPage) -> bool:
    """An unrecognized page that is a problem: a page the site served as an answer (200, or a
    4xx other than the blocks and throttling reported by the court's status) that no parser
    knows. Not problems: a search form asked for as such (a dialect probe; it lists no
    results), a redirect hop (the gateway followed it, or refused it and the window says so),
    a 5xx (retried; a court that stays down is reported by its status)."""
    if page.page_kind != "unrecognized":
        return False
    status = page.status or 200
    if status != 200 and not (400 <= status < 500 and status not in (403, 429)):
        return False
    return parse_query(urlsplit(page.url).query).get("name_op") != "sf"


def _unrecognized(h: CourtHealth, pages: list[ArchivedPage]) -> None:
    h.unrecognized_pages = len(pages)
    for p in pages[:MAX_PAGES_PER_KIND]:
        h.add(
            Level.PERSON,
            "unrecognized",
            f"a page the parsers do not know (HTTP {p.status}): it needs a fixture",
            url=p.url,
            warc_file=p.warc_file,
            warc_offset=p.offset,
        )


def _parse_failures(
    h: CourtHealth, failures: list[tuple[str, str, int, str, str | None]], run_id: str | None
) -> None:
    """Parse failures of the court's last run (all of them when no run is known)."""
    mine = [f for f in failures if run_id is None or f[4] == run_id]
    h.parse_failures = len(mine)
    for url, warc_file, offset, reason, _ in mine[:MAX_PAGES_PER_KIND]:
        h.add(
            Level.PERSON,
            "parse_failure",
            f"ingest could not read the page: {reason}",
            url=url,
            warc_file=warc_file,
            warc_offset=offset,
        )
