"""Look-ups of individual records for the pages and the API: courts, one court, one case with
its versions and evidence. These are reads of the store's tables, not statistics: every
count shown on a page comes from `kartoteka.stats` (see `kartoteka.web.data`).

Privacy: a defendant is shown by initials unless the installation opted in *and* the store
holds the name (it only does when it was built with keep-names).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in row.items()}


def is_simulated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any page in the store came from the sandbox (then every page says so)."""
    row = con.execute("SELECT coalesce(bool_or(simulated), false) FROM fetch_log").fetchone()
    return bool(row and row[0])


def courts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The court registry with each court's number of known cases (registry order)."""
    return _rows(
        con,
        """
        SELECT c.code, c.name, c.level, c.host, c.region_code, c.region, c.district,
               coalesce(n.cases, 0) AS cases_known
        FROM courts c
        LEFT JOIN (SELECT court_code, count(*) AS cases FROM cases GROUP BY court_code) n
          ON n.court_code = c.code
        ORDER BY c.position, c.code
    """,
    )


def court(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    found = _rows(
        con,
        """
        SELECT c.code, c.name, c.level, c.host, c.region_code, c.region, c.district,
               d.name AS district_name
        FROM courts c LEFT JOIN courts d ON d.code = c.district
        WHERE c.code = ?
    """,
        [code],
    )
    return found[0] if found else None


def court_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT code, name FROM courts").fetchall())


@dataclass(slots=True)
class CaseDetail:
    """Everything the case page and `/api/v1/cases/{key}` show."""

    case: dict[str, Any]
    court: dict[str, Any] | None
    defendants: list[dict[str, Any]]
    charges: list[dict[str, Any]]
    events: list[dict[str, Any]]
    acts: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "case": jsonable_row(self.case),
            "court": jsonable_row(self.court) if self.court else None,
            "defendants": [jsonable_row(r) for r in self.defendants],
            "charges": [jsonable_row(r) for r in self.charges],
            "events": [jsonable_row(r) for r in self.events],
            "acts": [jsonable_row(r) for r in self.acts],
            "versions": [jsonable_row(r) for r in self.versions],
            "evidence": [jsonable_row(r) for r in self.evidence],
        }


CASE_COLUMNS = (
    "case_key, court_code, instance, case_id, uid, case_number, entry_date, "
    "result_raw, result_date, outcome, principal_article, principal_charge, "
    "n_defendants, first_seen_at, last_seen_at, removed_at, simulated"
)


def case_detail(
    con: duckdb.DuckDBPyConnection,
    case_key: str,
    *,
    show_names: bool = False,
    evidence_limit: int = 200,
) -> CaseDetail | None:
    """One case as currently known, with its card versions and the records it came from."""
    found = _rows(
        con,
        f"SELECT {CASE_COLUMNS}, info_version, charges_version FROM cases WHERE case_key = ?",
        [case_key],
    )
    if not found:
        return None
    case = found[0]
    charges_v = case.pop("charges_version")
    case.pop("info_version")
    # Events live on cards: take them from the latest card version (listings have none).
    card_v_row = con.execute(
        "SELECT max(version) FROM case_versions WHERE case_key = ? AND source = 'card'", [case_key]
    ).fetchone()
    card_v = card_v_row[0] if card_v_row else None
    defendants = _rows(
        con,
        """
        SELECT position, initials, name, name_hidden, charges_raw, result_raw, result_date
        FROM defendants WHERE case_key = ? AND version = ? ORDER BY position
    """,
        [case_key, charges_v],
    )
    for d in defendants:
        name = d.pop("name")
        d["shown_name"] = name if show_names and name else d["initials"]
    charges = _rows(
        con,
        """
        SELECT defendant, position, code, article, part, point, charge_key, raw, mobilisation
        FROM charges WHERE case_key = ? AND version = ? ORDER BY defendant, position
    """,
        [case_key, charges_v],
    )
    events = (
        _rows(
            con,
            """
        SELECT position, name, date, time, place, result, basis, note, published
        FROM events WHERE case_key = ? AND version = ? ORDER BY position
    """,
            [case_key, card_v],
        )
        if card_v is not None
        else []
    )
    acts = (
        _rows(
            con,
            """
        SELECT position, title, number, date, url, text_chars
        FROM acts WHERE case_key = ? AND version = ? ORDER BY position
    """,
            [case_key, card_v],
        )
        if card_v is not None
        else []
    )
    versions = _rows(
        con,
        """
        SELECT version, source, first_seen_at, last_seen_at, case_number, entry_date,
               result_raw, result_date, outcome, n_defendants, n_charges, warc_file,
               warc_offset, content
        FROM case_versions WHERE case_key = ? ORDER BY version
    """,
        [case_key],
    )
    for v in versions:
        v["changes"] = _changed_fields(versions, v)
    for v in versions:
        v.pop("content")
    evidence = _rows(
        con,
        """
        SELECT DISTINCT o.warc_file, o.warc_offset, o.source, o.version, f.fetched_at, f.url,
               f.simulated, f.status
        FROM observations o JOIN fetch_log f USING (warc_file, warc_offset)
        WHERE o.case_key = ?
        ORDER BY f.fetched_at DESC, o.warc_file, o.warc_offset
        LIMIT ?
    """,
        [case_key, evidence_limit],
    )
    return CaseDetail(
        case=case,
        court=court(con, case["court_code"]),
        defendants=defendants,
        charges=charges,
        events=events,
        acts=acts,
        versions=versions,
        evidence=evidence,
    )


def _changed_fields(versions: list[dict[str, Any]], current: dict[str, Any]) -> list[str]:
    """Top-level content fields that differ from the previous version of the same source."""
    earlier = [
        v
        for v in versions
        if v["source"] == current["source"] and v["version"] < current["version"]
    ]
    if not earlier:
        return []
    before = json.loads(earlier[-1]["content"])
    after = json.loads(current["content"])
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def known_record(con: duckdb.DuckDBPyConnection, warc_file: str, offset: int) -> bool:
    """Whether the store read this WARC record (the evidence view serves only those)."""
    row = con.execute(
        "SELECT count(*) FROM fetch_log WHERE warc_file = ? AND warc_offset = ?",
        [warc_file, offset],
    ).fetchone()
    return bool(row and row[0])
