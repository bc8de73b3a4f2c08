"""The ingest pool's workers read the archive themselves, a span (byte range) of a WARC file
each (`kartoteka.store.pool`, `warcread.first_record` / `read_span`). What a user relies on:
whatever the span size, the pool reads exactly the records a reader going through each file
from its start reads (same records, same order), on a multi-file sandbox archive, on an
archive whose newest file was torn mid-record, and on a file where compressed bytes inside a
record look like the start of another (the writer then reads the rest of the file itself);
records already ingested are not read again."""

from __future__ import annotations

import datetime as dt
import gzip
import os
from pathlib import Path

import pytest
from store_helpers import torn_copy

from kartoteka.harvest.warc import WarcWriter, warc_files
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store import pool
from kartoteka.store.ingest import RecordReader
from kartoteka.store.privacy import NamePolicy
from kartoteka.store.warcread import first_record, iter_responses_fast, read_span
from kartoteka.sudrf import read_page
from kartoteka.sudrf.urls import card_url

SECRET = bytes.fromhex("ef" * 32)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("span-archive")
    config = SandboxConfig(seed=4, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(
        path, config, since=dt.date(2024, 12, 1), max_records=90, max_file_bytes=60_000
    )
    assert len(warc_files(path)) > 2
    return path


def _by_spans(path: Path, span_bytes: int) -> list:
    """A file's responses read span by span, each span from the first record found in it,
    checked against where the span before stopped (as `pool.read_in_pool` does)."""
    size = path.stat().st_size
    out, expected = [], 0
    with open(path, "rb") as fh:
        for start in range(0, size, span_bytes):
            stop = min(size, start + span_bytes)
            first = first_record(fh, start, stop)
            if first is None:
                assert expected is None or expected >= stop
                continue
            assert first == expected
            responses, expected = read_span(fh, path.name, first, stop, size)
            out.extend(responses)
    return out


@pytest.mark.parametrize("span_bytes", [700, 4096, 50_000, 10**9])
def test_spans_of_any_size_give_the_records_of_reading_each_file_from_its_start(
    archive, span_bytes
):
    expected = list(iter_responses_fast(archive))
    got = [r for name in warc_files(archive) for r in _by_spans(archive / name, span_bytes)]
    assert [(r.warc_file, r.offset) for r in got] == [(r.warc_file, r.offset) for r in expected]
    assert got == expected


def _pool_records(archive: Path, done: dict[str, list[int]] | None = None) -> list:
    reader = RecordReader(NamePolicy(SECRET, False), read_page)
    names = warc_files(archive)
    return list(pool.read_in_pool(reader, archive, names, done or {}, 2))


def test_the_pool_reads_the_records_of_the_archive_in_order(archive, monkeypatch):
    monkeypatch.setattr(pool, "SPAN_BYTES", 3000)
    expected = list(iter_responses_fast(archive))
    got = _pool_records(archive)
    assert [(r.warc_file, r.offset, r.url) for r in got] == [
        (r.warc_file, r.offset, r.url) for r in expected
    ]
    assert all(r.read is not None for r in got)
    # already ingested records are handed back unread, in their place
    done = {expected[0].warc_file: [r.offset for r in expected[:10]]}
    again = _pool_records(archive, done)
    assert [(r.warc_file, r.offset) for r in again] == [(r.warc_file, r.offset) for r in got]
    assert [r.read is None for r in again] == [n < 10 for n in range(len(got))]


def test_the_pool_reads_a_torn_newest_file_to_its_sound_end(tmp_path, archive, monkeypatch):
    monkeypatch.setattr(pool, "SPAN_BYTES", 5000)
    torn = torn_copy(archive, tmp_path / "torn")  # a writer killed mid-record
    expected = list(iter_responses_fast(torn))
    assert 0 < len(expected) < 90
    got = _pool_records(torn)
    assert [(r.warc_file, r.offset) for r in got] == [(r.warc_file, r.offset) for r in expected]


def _embedded_member() -> bytes:
    """A page body of random (incompressible) bytes with a gzip member holding a WARC record
    in its middle: deflate stores such bytes as they are, so the member shows in the WARC
    file as if a record started there."""
    record = b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 20000\r\n\r\n"
    member = gzip.compress(record + os.urandom(20000) + b"\r\n\r\n")
    return os.urandom(70_000) + member + os.urandom(70_000)


def test_bytes_inside_a_record_that_look_like_a_record_start_change_nothing(tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    with WarcWriter(archive) as writer:
        for n in range(6):
            body = _embedded_member() if n == 2 else f"<html>page {n}</html>".encode()
            writer.write_exchange(
                card_url("ugvs.prm.sudrf.ru", "classic", str(n), None),
                {},
                200,
                [("Content-Type", "application/octet-stream")],
                body,
                "27GV0008",
                "card",
                False,
                "run-1",
                dt.datetime(2025, 1, 1, 12, n, tzinfo=dt.UTC),
            )
    (name,) = warc_files(archive)
    path = archive / name
    expected = list(iter_responses_fast(archive))
    assert len(expected) == 6
    # A span starting inside the big record finds the embedded member first: a false start.
    big = expected[2].offset
    following = next(r for r in _all_offsets(path) if r > big)
    with open(path, "rb") as fh:
        found = first_record(fh, big + 1, following)
    assert found is not None and big < found < following, "the trap is set"
    # The writer notices (the span does not start where the one before stopped) and reads
    # the rest of the file itself: its reads in this process are counted.
    here: list[int] = []
    real = pool._read

    def counted(reader, span, first):
        here.append(first)
        return real(reader, span, first)

    monkeypatch.setattr(pool, "_read", counted)
    monkeypatch.setattr(pool, "SPAN_BYTES", found - 10)  # a span starts just before it
    got = _pool_records(archive)
    assert here, "the false start was caught by the writer"
    assert [(r.offset, r.url, r.read is not None) for r in got] == [
        (r.offset, r.url, True) for r in expected
    ]


def _all_offsets(path: Path) -> list[int]:
    """Where every record (requests too) of a WARC file starts."""
    from fastwarc.warc import ArchiveIterator

    with open(path, "rb") as fh:
        return [r.stream_pos for r in ArchiveIterator(fh, parse_http=False, fsspec_args=False)]
