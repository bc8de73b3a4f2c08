"""One court as the operator sees it: the registry's entry (hint, hosts, active), what the
harvester last saw (dialect, template, status), and every change with its date, from both the
registry's import log and the harvest state's change log."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from kartoteka.harvest.state import STATE_FILE, BeliefKind, HarvestState
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court
from kartoteka.store.courts import load_courts, registry_changes


@dataclass(frozen=True, slots=True)
class CourtChange:
    """A dated change of one court: from a registry import or seen by the harvester."""

    at: str  # ISO time (UTC)
    origin: str  # registry | harvest
    change: str  # e.g. "moved host", "dialect"
    old: str | None
    new: str | None
    evidence: str | None = None  # the archived URL that showed it (harvest changes)


@dataclass(slots=True)
class CourtOverview:
    code: str
    name: str
    level: str
    host: str
    active: bool
    previous_hosts: list[str]
    dialect_hint: str | None  # what the registry says
    dialect_seen: str | None  # what the harvester last established
    template_seen: str | None
    host_seen: str | None  # the host the site answered at last (after redirects)
    verified_at: str | None
    last_status: str | None
    last_detail: str | None
    last_at: str | None
    changes: list[CourtChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def open_state(data_dir: DataDir) -> HarvestState | None:
    """The harvest state if a harvest ever ran here (opening never creates one)."""
    if not (data_dir.state / STATE_FILE).exists():
        return None
    return HarvestState(data_dir.state)


def _iso(value: dt.datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def court_overviews(
    data_dir: DataDir, codes: list[str] | None = None, courts: list[Court] | None = None
) -> list[CourtOverview]:
    """Every court of the registry (or those named), in registry order."""
    registry = courts if courts is not None else load_courts(data_dir)
    wanted = {c.upper() for c in codes} if codes else None
    registry = [c for c in registry if wanted is None or c.code in wanted]
    log: dict[str, list[CourtChange]] = {}
    for ch in registry_changes(data_dir, [c.code for c in registry]):
        log.setdefault(ch.court_code, []).append(
            CourtChange(_iso(ch.imported_at) or "", "registry", ch.kind.value, ch.old, ch.new)
        )
    state = open_state(data_dir)
    statuses: dict[str, tuple[str | None, str | None, str | None]] = {}
    try:
        if state is not None:
            statuses = state.court_statuses()
        out = []
        for c in registry:
            seen = harvest_facts(state, c.code) if state is not None else {}
            status, detail, when = statuses.get(c.code, (None, None, None))
            changes = log.get(c.code, []) + list(seen.get("changes", []))
            changes.sort(key=lambda ch: ch.at)
            out.append(
                CourtOverview(
                    code=c.code,
                    name=c.name,
                    level=c.level.value,
                    host=c.host,
                    active=c.active,
                    previous_hosts=list(c.previous_hosts),
                    dialect_hint=c.dialect.value if c.dialect else None,
                    dialect_seen=seen.get("dialect"),
                    template_seen=seen.get("template"),
                    host_seen=seen.get("host"),
                    verified_at=seen.get("verified_at"),
                    last_status=status,
                    last_detail=detail,
                    last_at=when,
                    changes=changes,
                )
            )
        return out
    finally:
        if state is not None:
            state.close()


def harvest_facts(state: HarvestState, code: str) -> dict[str, Any]:
    """What the harvest state believes about a court: dialect, template, when verified, and
    its change log (as CourtChange)."""
    believed = state.beliefs(code).get(code, {})
    dialect = believed.get(BeliefKind.DIALECT)
    template = believed.get(BeliefKind.TEMPLATE)
    host = believed.get(BeliefKind.HOST)
    verified = [b.verified_at for b in (dialect, template) if b is not None and b.verified_at]
    return {
        "dialect": dialect.value if dialect else state.dialect(code),
        "template": template.value if template else None,
        "host": host.value if host and host.verified_at else None,
        "verified_at": max(verified) if verified else None,
        "changes": [
            CourtChange(ch.seen_at, "harvest", ch.what.value, ch.old, ch.new, ch.evidence_url)
            for ch in state.changes(code)
        ],
    }
