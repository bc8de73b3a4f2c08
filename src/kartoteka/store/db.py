"""Opening the DuckDB store and bringing its schema up to date.

DuckDB has one writer: ingest (and the court import) open the store read-write; the web app,
`stats` and exports open it read-only (`read_only=True`), which never migrates.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kartoteka.errors import KartotekaError
from kartoteka.paths import DataDir
from kartoteka.store.schema import LATEST_VERSION, MIGRATIONS


class StoreError(KartotekaError):
    """The store is missing, too new for this release, or cannot be opened."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations not yet applied, each in its own transaction. Returns the count."""
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise StoreError(
            f"store schema v{current} is newer than this kartoteka "
            f"(v{LATEST_VERSION}): upgrade kartoteka"
        )
    if current == 0:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL)"
        )
    applied = 0
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?)",
                [migration.version, migration.description],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied += 1
    return applied


def connect_path(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a store file. Read-write opens create and migrate it; read-only opens require an
    existing store, and migrate an older one first (which needs a moment of write access)."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise StoreError(f"no store at {path}: run `kartoteka ingest` first")
        con = duckdb.connect(str(path), read_only=True)
        version = schema_version(con)
        if version == LATEST_VERSION:
            return con
        con.close()
        if version > LATEST_VERSION:
            raise StoreError(
                f"store at {path} has schema v{version}, newer than this "
                f"kartoteka (v{LATEST_VERSION}): upgrade kartoteka"
            )
        try:  # an older store: migrate it once (quick), then read it
            connect_path(path).close()
        except duckdb.Error as exc:
            raise StoreError(
                f"store at {path} has schema v{version}, this kartoteka needs "
                f"v{LATEST_VERSION}, and it cannot be migrated now ({exc}): run "
                "`kartoteka ingest` when no other process uses it"
            ) from exc
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    migrate(con)
    return con


def connect(data_dir: DataDir, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store of a data directory (see `connect_path`)."""
    return connect_path(data_dir.store, read_only=read_only)


def dump_tables(
    con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a canonical order: two stores with equal dumps hold the
    same content (the rebuild-determinism check)."""
    if tables is None:
        tables = tuple(
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        )
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
