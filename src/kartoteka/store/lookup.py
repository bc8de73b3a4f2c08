"""One case with its history and evidence (`kartoteka case COURT NUMBER`): the case as known
now, every version of it with when it was seen, the WARC records it was read from, and the
same case at other instances (linked by its UID, "Уникальный идентификатор дела")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class Evidence:
    warc_file: str
    warc_offset: int
    url: str
    fetched_at: dt.datetime
    source: str  # card | listing
    version: int
    simulated: bool


@dataclass(slots=True)
class CaseHistory:
    case: dict[str, Any]
    versions: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    charges: list[dict[str, Any]] = field(default_factory=list)
    defendants: list[dict[str, Any]] = field(default_factory=list)
    other_instances: list[dict[str, Any]] = field(default_factory=list)  # same UID


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def find_cases(con: duckdb.DuckDBPyConnection, court: str, number: str) -> list[CaseHistory]:
    """Cases of a court by case number (as printed, e.g. "1-151/2026"), or by the site's case
    id or UID; several when one number exists at several instances."""
    cases = _dicts(
        con.execute(
            "SELECT * FROM cases WHERE court_code = ? AND (case_number = ? OR case_id = ? "
            "OR uid = ?) ORDER BY case_key",
            [court.upper(), number, number, number],
        )
    )
    out = []
    for case in cases:
        key = case["case_key"]
        history = CaseHistory(case)
        history.versions = _dicts(
            con.execute(
                "SELECT version, source, first_seen_at, last_seen_at, outcome, result_raw, "
                "result_date, entry_date, case_number, uid, warc_file, warc_offset "
                "FROM case_versions WHERE case_key = ? ORDER BY version",
                [key],
            )
        )
        history.evidence = [
            Evidence(*r)
            for r in con.execute(
                "SELECT o.warc_file, o.warc_offset, f.url, o.fetched_at, o.source, o.version, "
                "f.simulated FROM observations o JOIN fetch_log f USING (warc_file, warc_offset) "
                "WHERE o.case_key = ? ORDER BY o.fetched_at, o.warc_file, o.warc_offset",
                [key],
            ).fetchall()
        ]
        history.defendants = _dicts(
            con.execute(
                "SELECT position, initials, name_hash, name, name_hidden, charges_raw, result_raw "
                "FROM defendants WHERE case_key = ? AND version = ? ORDER BY position",
                [key, case["charges_version"]],
            )
        )
        history.charges = _dicts(
            con.execute(
                "SELECT defendant, charge_key, code, point, raw, mobilisation FROM charges "
                "WHERE case_key = ? AND version = ? ORDER BY defendant, position",
                [key, case["charges_version"]],
            )
        )
        if case["uid"]:
            history.other_instances = _dicts(
                con.execute(
                    "SELECT case_key, court_code, instance, case_number, outcome, result_raw, "
                    "result_date FROM cases WHERE uid = ? AND case_key <> ? ORDER BY case_key",
                    [case["uid"], key],
                )
            )
        out.append(history)
    return out
