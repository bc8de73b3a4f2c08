"""The court registry in the store: `kartoteka courts import FILE` writes it here, the
harvester and the statistics (by court, district, region) read it back.

An import is a merge (`kartoteka.registry.courts.merge_registry`): courts are renamed, moved
(the old host is kept in `previous_hosts`), given new dialect hints, added, and marked inactive
when a newer list no longer has them. Nothing is deleted: cases and harvest state refer to
courts by code. Each change is appended to `court_registry_changes` with the time of the
import, so `kartoteka courts` can say when a court moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kartoteka.paths import DataDir
from kartoteka.registry.courts import (
    ChangeKind,
    Court,
    CourtLevel,
    RegistryMerge,
    merge_registry,
)
from kartoteka.store.db import connect
from kartoteka.sudrf.urls import Dialect


def superior_court_code(court: Court, courts: list[Court]) -> str | None:
    """The district/fleet court above a garrison court: the OV court whose code starts with the
    same two digits (DOMAIN.md §1: those digits name the superior court's region). Courts at or
    above district level are their own district."""
    if court.level in (CourtLevel.DISTRICT, CourtLevel.FLEET):
        return court.code
    if court.level is not CourtLevel.GARRISON:
        return None
    prefix = court.code[:2]
    superiors = sorted(
        c.code
        for c in courts
        if c.code[:2] == prefix and c.level in (CourtLevel.DISTRICT, CourtLevel.FLEET)
    )
    return superiors[0] if superiors else None


@dataclass(frozen=True, slots=True)
class DatedChange:
    """One row of the registry's change log."""

    imported_at: dt.datetime
    source: str | None
    court_code: str
    kind: ChangeKind
    old: str | None
    new: str | None


def update_registry(
    data_dir: DataDir,
    courts: list[Court],
    *,
    deactivate_missing: bool = True,
    source: str | Path | None = None,
    now: dt.datetime | None = None,
) -> RegistryMerge:
    """Merge a court list into the store's registry (one transaction) and log the changes.

    With `deactivate_missing` (the default for a full, newer list) the known courts the list
    no longer has become inactive; a partial list passes False.
    """
    merge = merge_registry(load_courts(data_dir), courts, deactivate_missing=deactivate_missing)
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    rows = [
        (
            c.code,
            c.name,
            c.level.value,
            c.host,
            c.region_code,
            c.region,
            superior_court_code(c, merge.courts),
            c.dialect.value if c.dialect else None,
            c.captcha_seen,
            position,
            c.active,
            list(c.previous_hosts),
        )
        for position, c in enumerate(merge.courts)
    ]
    con = connect(data_dir.ensure())
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM courts")
        con.executemany(
            "INSERT INTO courts (code, name, level, host, region_code, region, district, "
            "dialect, captcha_seen, position, active, previous_hosts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if merge.changes:
            con.executemany(
                "INSERT INTO court_registry_changes VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (at, str(source) if source else None, ch.code, ch.kind.value, ch.old, ch.new, i)
                    for i, ch in enumerate(merge.changes)
                ],
            )
        con.execute("COMMIT")
    finally:
        con.close()
    return merge


def import_courts(data_dir: DataDir, courts: list[Court]) -> int:
    """Write courts to the store as a partial update (no court is made inactive). Returns the
    number of courts written. `kartoteka courts import` uses `update_registry`."""
    update_registry(data_dir, courts, deactivate_missing=False)
    return len(courts)


def load_courts(data_dir: DataDir, *, active_only: bool = False) -> list[Court]:
    """The courts in the store, in the order they were first imported (empty if none)."""
    if not data_dir.store.exists():
        return []
    con = connect(data_dir, read_only=True)  # readers (doctor, courts) while ingest writes
    try:
        rows = con.execute(
            "SELECT code, name, level, host, region_code, region, dialect, captcha_seen, "
            "active, previous_hosts FROM courts ORDER BY position, code"
        ).fetchall()
    finally:
        con.close()
    courts = [
        Court(
            code=code,
            name=name,
            level=CourtLevel(level),
            host=host,
            region_code=region_code,
            region=region,
            dialect=Dialect(dialect) if dialect else None,
            captcha_seen=captcha,
            active=active is not False,
            previous_hosts=tuple(previous or ()),
        )
        for code, name, level, host, region_code, region, dialect, captcha, active, previous in rows
    ]
    return [c for c in courts if c.active] if active_only else courts


def registry_changes(data_dir: DataDir, codes: list[str] | None = None) -> list[DatedChange]:
    """The registry's change log, oldest first (optionally for some courts)."""
    if not data_dir.store.exists():
        return []
    con = connect(data_dir, read_only=True)
    try:
        rows = con.execute(
            "SELECT imported_at, source, court_code, change, old_value, new_value "
            "FROM court_registry_changes "
            "WHERE $codes IS NULL OR list_contains($codes, court_code) "
            "ORDER BY imported_at, position",
            {"codes": codes},
        ).fetchall()
    finally:
        con.close()
    return [DatedChange(r[0], r[1], r[2], ChangeKind(r[3]), r[4], r[5]) for r in rows]
