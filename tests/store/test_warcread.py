"""The FastWARC reader ingest uses gives exactly the records of the harvest stage's reader:
same fields, same order, on a multi-file sandbox archive, on the real fixture pages, and on
an archive whose newest file was torn mid-record."""

import datetime as dt

import pytest
from store_helpers import torn_copy

from kartoteka.harvest.warc import WarcWriter, iter_responses, warc_files
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store.warcread import iter_responses_fast
from kartoteka.sudrf.urls import card_url


@pytest.fixture(scope="module")
def sandbox_archive(tmp_path_factory):
    archive = tmp_path_factory.mktemp("archive")
    config = SandboxConfig(seed=4, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(
        archive, config, since=dt.date(2024, 12, 1), max_records=90, max_file_bytes=50_000
    )
    return archive


def test_same_records_as_the_harvest_reader_across_files(sandbox_archive):
    assert len(warc_files(sandbox_archive)) > 1, "the archive must span several files"
    expected = list(iter_responses(sandbox_archive))
    assert len(expected) == 90
    assert list(iter_responses_fast(sandbox_archive)) == expected


def test_same_records_on_real_pages(tmp_path, fixtures_dir):
    with WarcWriter(tmp_path) as writer:
        for n, path in enumerate(sorted(fixtures_dir.glob("*.html"))):
            writer.write_exchange(
                card_url("ugvs.prm.sudrf.ru", "classic", str(n), None),
                {},
                200 if n % 4 else 503,
                [("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                path.read_bytes(),
                "27GV0008" if n % 3 else None,
                "card",
                False,
                None if n % 2 else "run-1",
                dt.datetime(2025, 1, 1, 12, n, tzinfo=dt.UTC),
            )
    expected = list(iter_responses(tmp_path))
    assert len(expected) == len(list(fixtures_dir.glob("*.html")))
    assert list(iter_responses_fast(tmp_path)) == expected


def test_a_torn_newest_file_ends_where_the_harvest_reader_ends(tmp_path, sandbox_archive):
    archive = torn_copy(sandbox_archive, tmp_path / "torn")  # a writer killed mid-record
    expected = list(iter_responses(archive))
    assert 0 < len(expected) < 90
    assert list(iter_responses_fast(archive)) == expected


def test_the_sound_end_is_the_harvest_stages_on_torn_and_damaged_files(tmp_path, sandbox_archive):
    """`sound_end` (zlib + FastWARC) against the harvest stage's verifying scan (warcio):
    a sound file, one cut mid-record, one whose last exchange lost its response, one with
    garbage after its last record."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from kartoteka.harvest.warc import _scan
    from kartoteka.store.warcread import sound_end

    name = warc_files(sandbox_archive)[-1]
    data = (sandbox_archive / name).read_bytes()
    with open(sandbox_archive / name, "rb") as fh:
        kinds = [
            (r.stream_pos, r.record_type)
            for r in ArchiveIterator(fh, parse_http=False, fsspec_args=False)
        ]
    last_response = max(pos for pos, kind in kinds if kind == WarcRecordType.response)
    variants = {
        "sound": data,
        "cut mid-record": data[: len(data) - 700],
        "request without its response": data[:last_response],
        "garbage after the last record": data + b"\x1f\x8b\x08 not a member" * 10,
    }
    for label, content in variants.items():
        path = tmp_path / f"{label.replace(' ', '-')}-{name}"
        path.write_bytes(content)
        assert sound_end(path) == _scan(path, 0)[1], label
    assert sound_end(tmp_path / f"request-without-its-response-{name}") < last_response
