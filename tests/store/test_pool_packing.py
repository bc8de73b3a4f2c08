"""What a parse worker sends the writer (`ReadRecord.packed`): every sighting carries the rows
a new version of its case would write, made in the worker, so that the writer unpickles them
only for the versions that are new. What a user relies on: those rows are the ones the
writer would have made itself (the store is the same at any worker count:
test_ingest_workers.py compares whole stores), and what crosses between processes holds no
more than the store does: no defendant's name unless the store keeps names."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from kartoteka.harvest.warc import iter_responses
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store.ingest import (
    VERSION_TABLES,
    ReadRecord,
    RecordReader,
    VersionSource,
    version_rows,
)
from kartoteka.store.privacy import NamePolicy
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind

SECRET = bytes.fromhex("cd" * 32)


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list:
    archive = tmp_path_factory.mktemp("packing-archive")
    config = SandboxConfig(seed=7, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(archive, config, since=dt.date(2024, 10, 1), max_records=80)
    return list(iter_responses(archive))


def _names(records: list) -> set[str]:
    names: set[str] = set()
    for record in records:
        page = read_page(record.body, record.url)
        if page.kind is PageKind.CARD and page.card is not None:
            names |= {d.name for d in page.card.defendants if d.name}
            names |= {p.name for p in page.card.parties if p.name}
    return names


def _sent(reader: RecordReader, record) -> ReadRecord:
    """A record as the writer gets it from a worker: packed, pickled, unpickled."""
    return pickle.loads(pickle.dumps(reader.read_packed(record)))


def _unpacked_text(read: ReadRecord) -> str:
    parts = [repr(read)]
    for observation in read.observations:
        assert isinstance(observation.version, bytes)
        parts.append(repr(pickle.loads(observation.version)))
    return "\n".join(parts)


def test_a_packed_record_carries_the_rows_the_writer_would_make(records):
    reader = RecordReader(NamePolicy(SECRET, False), read_page)
    sources: set[str] = set()
    for record in records:
        here, sent = reader.read(record), _sent(reader, record)
        assert len(here.observations) == len(sent.observations)
        for mine, theirs in zip(here.observations, sent.observations, strict=True):
            assert isinstance(mine.version, VersionSource)
            made = version_rows(record, here.fetched_at, reader.parser_version, mine, mine.version)
            assert len(made) == len(VERSION_TABLES)
            assert pickle.loads(theirs.version) == made
            assert (theirs.key, theirs.source, theirs.content_hash) == (
                mine.key,
                mine.source,
                mine.content_hash,
            )
            sources.add(mine.source)
    assert sources == {"listing", "card"}, "sightings of both kinds were compared"


@pytest.mark.parametrize("keep_names", [False, True])
def test_what_a_worker_sends_holds_a_defendant_name_only_if_the_store_keeps_names(
    records, keep_names
):
    names = _names(records)
    assert names, "the archive's cards name their defendants"
    reader = RecordReader(NamePolicy(SECRET, keep_names), read_page)
    sent = "\n".join(_unpacked_text(_sent(reader, record)) for record in records)
    found = sorted(n for n in names if n in sent)
    assert any(reader.policy.name_hash(n) in sent for n in names), "the rows are there"
    if keep_names:
        assert found, "kept names travel with the rows (so the check below can fail)"
    else:
        assert found == [], "a defendant's name crossed to the writer"
