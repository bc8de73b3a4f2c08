"""The court registry in the store: `kartoteka courts import FILE` writes it here, the
harvester and the statistics (by court, district, region) read it back.

Import is an upsert by court code: a court missing from a newer list stays in the store
(cases refer to it), a court present in both is updated.
"""

from __future__ import annotations

from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
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


def import_courts(data_dir: DataDir, courts: list[Court]) -> int:
    """Write courts to the store (upsert by code). Returns the number of courts written."""
    known = {c.code: c for c in load_courts(data_dir)}
    known.update({c.code: c for c in courts})
    everything = list(known.values())
    rows = [
        (
            c.code,
            c.name,
            c.level.value,
            c.host,
            c.region_code,
            c.region,
            superior_court_code(c, everything),
            c.dialect.value if c.dialect else None,
            c.captcha_seen,
            position,
        )
        for position, c in enumerate(courts)
    ]
    con = connect(data_dir.ensure())
    try:
        con.execute("BEGIN TRANSACTION")
        offset_row = con.execute("SELECT coalesce(max(position) + 1, 0) FROM courts").fetchone()
        offset = int(offset_row[0]) if offset_row else 0
        codes = [r[0] for r in rows]
        kept = {
            code: pos
            for code, pos in con.execute(
                "SELECT code, position FROM courts WHERE list_contains(?, code)", [codes]
            ).fetchall()
        }
        con.execute("DELETE FROM courts WHERE list_contains(?, code)", [codes])
        con.executemany(
            "INSERT INTO courts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r[:-1], kept.get(r[0], offset + r[-1])) for r in rows],
        )
        con.execute("COMMIT")
    finally:
        con.close()
    return len(rows)


def load_courts(data_dir: DataDir) -> list[Court]:
    """The courts in the store, in the order they were first imported (empty if none)."""
    if not data_dir.store.exists():
        return []
    con = connect(data_dir)
    try:
        rows = con.execute(
            "SELECT code, name, level, host, region_code, region, dialect, captcha_seen "
            "FROM courts ORDER BY position, code"
        ).fetchall()
    finally:
        con.close()
    return [
        Court(
            code=code,
            name=name,
            level=CourtLevel(level),
            host=host,
            region_code=region_code,
            region=region,
            dialect=Dialect(dialect) if dialect else None,
            captcha_seen=captcha,
        )
        for code, name, level, host, region_code, region, dialect, captcha in rows
    ]
