"""The dashboard reads a snapshot so that `kartoteka update` (another process) can write
meanwhile: the writer here is a real second process holding DuckDB's write lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kartoteka.store.db import connect_path
from kartoteka.web.snapshot import StoreReader, StoreUnavailable

WRITER = textwrap.dedent("""
    import sys
    from kartoteka.store.db import connect_path
    con = connect_path(sys.argv[1])
    con.execute("UPDATE store_settings SET value = ? WHERE key = 'marker'", [sys.argv[2]])
    print("holding", flush=True)
    sys.stdin.readline()
    con.close()
""")


def _store(path):
    con = connect_path(path)  # creates and migrates, like ingest does
    con.execute("INSERT INTO store_settings VALUES ('marker', 'one')")
    con.close()


def _marker(reader: StoreReader) -> str:
    cur = reader.cursor()
    try:
        return cur.execute("SELECT value FROM store_settings WHERE key='marker'").fetchone()[0]
    finally:
        cur.close()


class Writer:
    """A second process that opens the store read-write and holds it until told to stop."""

    def __init__(self, path, value: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), value],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "holding"

    def finish(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.wait(timeout=30) == 0


def test_a_writer_can_open_the_store_while_the_app_serves(tmp_path):
    path = tmp_path / "kartoteka.duckdb"
    _store(path)
    reader = StoreReader(path, snapshot_dir=tmp_path / "snap")
    try:
        assert _marker(reader) == "one"
        writer = Writer(path, "two")  # fails if the app held the file open
        # while the writer holds the store, the app keeps serving its snapshot
        assert _marker(reader) == "one"
        assert reader.info().stale is True
        writer.finish()
        assert _marker(reader) == "two"
        assert reader.info().stale is False
    finally:
        reader.close()
    assert not (tmp_path / "snap").exists() or not list((tmp_path / "snap").iterdir())


def test_no_snapshot_yet_and_a_writer_active_is_unavailable(tmp_path):
    path = tmp_path / "kartoteka.duckdb"
    _store(path)
    writer = Writer(path, "two")
    reader = StoreReader(path, snapshot_dir=tmp_path / "snap")
    try:
        with pytest.raises(StoreUnavailable, match="being written"):
            reader.cursor()
    finally:
        writer.finish()
        reader.close()


def test_a_missing_store_is_unavailable(tmp_path):
    reader = StoreReader(tmp_path / "none.duckdb")
    with pytest.raises(StoreUnavailable, match="no store"):
        reader.cursor()
    reader.close()


def test_a_store_of_another_schema_version_is_unavailable_with_the_reason(tmp_path):
    path = tmp_path / "kartoteka.duckdb"
    _store(path)
    con = connect_path(path)
    con.execute("INSERT INTO schema_version VALUES (9999, 'from the future')")
    con.close()
    reader = StoreReader(path, snapshot_dir=tmp_path / "snap")
    with pytest.raises(StoreUnavailable, match=r"schema v9999"):
        reader.cursor()
    reader.close()
