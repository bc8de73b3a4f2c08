"""Open-data exports of the store: CSV, Parquet, Excel, and a Frictionless data package
(CSV files plus `datapackage.json` with a Table Schema for each table).

Full names never leave the store unless asked for twice: the store must have been built with
the keep-names opt-in, and the export must be run with `names=True`. Otherwise the `name`
columns and act texts are dropped. Exports say when the data is simulated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import duckdb

from kartoteka import __version__


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    XLSX = "xlsx"
    DATAPACKAGE = "datapackage"


# Tables exported, with their primary key (for the data package schema) and a description.
TABLES: dict[str, tuple[list[str], str]] = {
    "courts": (["code"], "Military courts of the imported registry"),
    "cases": (["case_key"], "Cases as currently known (derived from the versions)"),
    "case_charges": ([], "Distinct (case, article, part) of each case's current charges"),
    "case_versions": (
        ["case_key", "version"],
        "Every distinct content of a case's card or listing row, with when "
        "it was first and last seen and the WARC record it came from",
    ),
    "defendants": (
        ["case_key", "version", "position"],
        "Defendants per case version: initials and keyed name hash",
    ),
    "charges": (
        ["case_key", "version", "defendant", "position"],
        "Charges per defendant and case version",
    ),
    "events": (["case_key", "version", "position"], "Case events (ДВИЖЕНИЕ ДЕЛА)"),
    "acts": (["case_key", "version", "position"], "Judicial acts listed on cards and rows"),
    "act_readings": (
        ["case_key", "version", "position"],
        "Judicial acts read from their texts: type, date, published or not, appeal ruling "
        "(the masked text only with the names opt-in)",
    ),
    "sentences": (
        ["case_key", "version", "act_position", "defendant_index"],
        "One row per defendant of an act's operative part: outcome, articles, punishment, "
        "term, regime, service status (defendants as initials or the court's mark)",
    ),
    "act_pages": (
        ["case_key", "act_number", "page_version"],
        "Judicial acts read from their own pages (name_op=doc): type, date, published or not, "
        "appeal ruling (the masked text only with the names opt-in)",
    ),
    "act_page_sentences": (
        ["case_key", "act_number", "page_version", "defendant_index"],
        "One row per defendant of an act page's operative part, as in sentences",
    ),
    "observations": (
        ["warc_file", "warc_offset", "row_position"],
        "Every sighting of a case in the archive",
    ),
    "listing_pages": (["warc_file", "warc_offset"], "Listing pages with the site's counter"),
    "fetch_log": (["warc_file", "warc_offset"], "Every WARC response record ingested"),
    "parse_failures": (
        ["warc_file", "warc_offset", "row_position"],
        "Pages (or rows) that could not be read, with the reason",
    ),
}
# Excel has a row limit and is for people: the case-level tables only.
XLSX_TABLES = (
    "courts",
    "cases",
    "case_charges",
    "defendants",
    "charges",
    "events",
    "sentences",
    "act_page_sentences",
)
# act_readings.text_masked is masked in a default store, the original under keep-names: it
# goes out only when names may (a masked text still tells a story about a person).
PRIVATE_COLUMNS = {
    "defendants": ("name",),
    "acts": ("text",),
    "act_readings": ("text_masked",),
    "act_pages": ("text_masked",),
}
SKIPPED_COLUMNS = {"case_versions": ("content",)}  # nested JSON: in the store, not exports

_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "JSON": "string",
    "DOUBLE": "number",
}


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    files: list[Path]
    rows: dict[str, int]
    simulated: bool
    # "CODE: 3 windows incomplete, 1 suspect-empty as of <date>" per court whose numbers rest
    # on listings not proven complete (kartoteka.store.windows); also in the metadata.
    window_notes: list[str] = field(default_factory=list)


def _columns(con: duckdb.DuckDBPyConnection, table: str, names: bool) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    drop = set(SKIPPED_COLUMNS.get(table, ()))
    if not names:
        drop |= set(PRIVATE_COLUMNS.get(table, ()))
    return [(n, t) for n, t in rows if n not in drop]


def _select(table: str, columns: list[tuple[str, str]]) -> str:
    """Lists (e.g. the charge keys of a case) are exported as `;`-joined strings, the way
    the sandbox truth writes charges, so every format and spreadsheet can read them."""
    cols = ", ".join(
        f'array_to_string("{n}", \';\') AS "{n}"' if t.endswith("[]") else f'"{n}"'
        for n, t in columns
    )
    return f"SELECT {cols} FROM {table} ORDER BY ALL"


def export(
    con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: ExportFormat | str, *, names: bool = False
) -> ExportResult:
    """Write the store's tables to `out_dir` in one format. `names=True` exports full names
    only if the store holds them (built with keep-names)."""
    fmt = ExportFormat(fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    flag = con.execute("SELECT coalesce(bool_or(simulated), false) FROM fetch_log").fetchone()
    simulated = bool(flag and flag[0])
    from kartoteka.store.windows import notes_text, window_notes

    notes = notes_text(window_notes(con))
    tables = XLSX_TABLES if fmt is ExportFormat.XLSX else tuple(TABLES)
    files: list[Path] = []
    rows: dict[str, int] = {}
    schemas: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        columns = _columns(con, table, names)
        schemas[table] = columns
        rows[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
        query = _select(table, columns)
        if fmt in (ExportFormat.CSV, ExportFormat.DATAPACKAGE):
            path = out_dir / f"{table}.csv"
            con.execute(f"COPY ({query}) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')")
            files.append(path)
        elif fmt is ExportFormat.PARQUET:
            path = out_dir / f"{table}.parquet"
            con.execute(f"COPY ({query}) TO '{_sql_path(path)}' (FORMAT parquet)")
            files.append(path)
    if fmt is ExportFormat.XLSX:
        path = out_dir / "kartoteka.xlsx"
        _write_xlsx(con, path, schemas, simulated, notes)
        files.append(path)
    if fmt is ExportFormat.DATAPACKAGE:
        path = out_dir / "datapackage.json"
        path.write_text(
            json.dumps(_datapackage(schemas, simulated, notes), ensure_ascii=False, indent=2)
            + "\n",
            encoding="utf-8",
        )
        files.append(path)
    return ExportResult(out_dir, files, rows, simulated, notes)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    schemas: dict[str, list[tuple[str, str]]],
    simulated: bool,
    notes: list[str] | None = None,
) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    about = book.create_sheet("about")
    about.append(["kartoteka export", __version__])
    if simulated:
        about.append(["SIMULATED DATA: produced by the kartoteka sandbox, not by real courts"])
    for note in notes or []:
        about.append([f"incomplete data: {note}"])
    for table, columns in schemas.items():
        sheet = book.create_sheet(table)
        sheet.append([n for n, _ in columns])
        for row in con.execute(_select(table, columns)).fetchall():
            sheet.append(list(row))
    book.save(path)


def _datapackage(
    schemas: dict[str, list[tuple[str, str]]], simulated: bool, notes: list[str] | None = None
) -> dict[str, object]:
    resources = []
    for table, columns in schemas.items():
        keys, description = TABLES[table]
        schema: dict[str, object] = {
            "fields": [
                {"name": n, "type": _TYPES.get(t.split("(")[0], "string")} for n, t in columns
            ]
        }
        if keys:
            schema["primaryKey"] = keys
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "description": description,
                "schema": schema,
            }
        )
    title = "kartoteka: military-court cases"
    if simulated:
        title += " (SIMULATED DATA)"
    description = (
        "Cases of Russian military courts parsed from their public case "
        "indexes (sudrf.ru). Defendants appear as initials and keyed "
        "hashes. Definitions: docs/metrics.md."
    )
    if notes:
        description += (
            " Incomplete data: the numbers of some courts rest on listings not proven "
            "complete (see kartoteka:window_notes)."
        )
    return {
        "name": "kartoteka",
        "title": title,
        "profile": "tabular-data-package",
        "description": description,
        "version": __version__,
        # Courts whose numbers rest on incomplete or suspect-empty windows, as of the export.
        "kartoteka:window_notes": notes or [],
        "resources": resources,
    }
