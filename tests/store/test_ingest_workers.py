"""`ingest --rebuild` gives the same store at any worker count and on a Dask cluster: every
table dumped and compared after ingesting the same archive with 1, 2 and 4 parsing processes
and with `--dask local` (a local cluster of 2 worker processes), on an archive of sandbox pages
(listings, cards with inline acts, act pages) and on the real fixture pages. The pool's
start-up threshold is lowered so that these small archives do go through the pool."""

import datetime as dt

import duckdb
import pytest

from act_archive import site_urls, write_pages
from kartoteka.harvest.warc import WarcWriter, iter_responses, warc_files
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store import ingest as ingest_module
from kartoteka.store import pool
from kartoteka.store.cluster import ingest_on_cluster
from kartoteka.store.db import dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.sudrf.urls import card_url, listing_url

WORKERS = (1, 2, 4)
SECRET = "ab" * 32
HOST = "ugvs.prm.sudrf.ru"


@pytest.fixture(scope="module")
def sandbox_archive(tmp_path_factory):
    archive = tmp_path_factory.mktemp("sandbox-archive")
    config = SandboxConfig(seed=3, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    written = write_sandbox_archive(archive, config, since=dt.date(2024, 9, 1), max_records=240)
    assert written == 240
    # and the act pages (`name_op=doc`) of some courts, read into act_pages
    site = build_site(config)
    codes = [c.code for c in site.network if not c.always_down and not c.captcha][:12]
    urls = site_urls(site, codes, dt.date(2024, 9, 1), listings=False)
    assert write_pages(archive, site, urls) == len(urls) > 0
    return archive


def _store_dump(tmp_path, archive, workers: int) -> tuple[dict, object]:
    data_dir = DataDir(tmp_path / f"data-{workers}").ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")  # same name hashes
    summary = ingest(data_dir, archive=archive, rebuild=True, workers=workers)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return dump_tables(con), summary
    finally:
        con.close()


def _cluster_dump(tmp_path, archive) -> tuple[dict, object]:
    """`kartoteka ingest --rebuild --dask local --workers 2`."""
    data_dir = DataDir(tmp_path / "data-dask").ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
    run = ingest_on_cluster(data_dir, "local", archive=archive, rebuild=True, workers=2)
    assert run.tasks > 0 and run.unreadable == []
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return dump_tables(con), run.summary
    finally:
        con.close()


def _spy_on_the_pool(monkeypatch) -> list[int]:
    """Lower the pool's threshold and note the worker count of every pool started."""
    monkeypatch.setattr(ingest_module, "POOL_MIN_BYTES", 1)
    started: list[int] = []
    real = pool.read_in_pool

    def spy(reader, archive_dir, names, done, workers):
        started.append(workers)
        return real(reader, archive_dir, names, done, workers)

    monkeypatch.setattr(pool, "read_in_pool", spy)
    return started


def _same_store_at_every_worker_count(tmp_path, archive, monkeypatch):
    started = _spy_on_the_pool(monkeypatch)
    dumps = {}
    summaries = {}
    for workers in WORKERS:
        dumps[workers], summaries[workers] = _store_dump(tmp_path, archive, workers)
    assert started == [2, 4], "the pool must have read the records at 2 and 4 workers"
    dumps["dask"], summaries["dask"] = _cluster_dump(tmp_path, archive)
    one = dumps[1]
    assert one["fetch_log"] and one["case_versions"], "nothing was ingested"
    for workers in [*WORKERS[1:], "dask"]:
        assert summaries[workers] == summaries[1], f"the summary differs at {workers}"
        for table, rows in one.items():
            assert dumps[workers][table] == rows, f"{table} differs at {workers} workers"
    return one, summaries[1]


def test_sandbox_archive_gives_the_same_store_at_1_2_4_workers_and_on_dask(
    tmp_path, sandbox_archive, monkeypatch
):
    one, summary = _same_store_at_every_worker_count(tmp_path, sandbox_archive, monkeypatch)
    assert summary.cards > 0 and summary.listings > 0
    assert summary.parse_failures == 0, summary.failures
    assert len(one["fetch_log"]) > 240
    assert one["act_readings"] and one["sentences"], "acts are read at every worker count"
    assert one["act_pages"] and one["act_page_sentences"], "and act pages"


def test_real_pages_give_the_same_store_at_1_2_4_workers_and_on_dask(
    tmp_path, fixtures_dir, monkeypatch
):
    archive = tmp_path / "archive"
    pages = sorted(fixtures_dir.glob("*.html"))
    with WarcWriter(archive) as writer:
        for n, path in enumerate(pages):
            url = (
                listing_url(HOST, "classic", dt.date(2024, 1, 1), dt.date(2024, 12, 31), page=n)
                if "listing" in path.name
                else card_url(HOST, "classic", str(100 + n), None)
            )
            writer.write_exchange(
                url,
                {},
                200,
                [("Content-Type", "text/html")],
                path.read_bytes(),
                "27GV0008",
                None,
                False,
                "run-real",
                dt.datetime(2025, 1, 1, 12, n, tzinfo=dt.UTC),
            )
    one, summary = _same_store_at_every_worker_count(tmp_path, archive, monkeypatch)
    assert summary.cards >= 5 and summary.listings >= 2
    assert len(one["fetch_log"]) == len(pages)


def test_a_reader_that_cannot_be_sent_to_workers_is_run_here(tmp_path, monkeypatch):
    """A test's lambda reader cannot be pickled: ingest reads in its own process instead
    of failing, with the same result."""
    started = _spy_on_the_pool(monkeypatch)
    source = tmp_path / "src"
    config = SandboxConfig(seed=5, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(source, config, since=dt.date(2025, 1, 1), max_records=20)
    from kartoteka.sudrf import read_page

    dumps = []
    for n, reader in enumerate((None, lambda body, url: read_page(body, url))):
        data_dir = DataDir(tmp_path / f"d{n}").ensure()
        data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
        ingest(data_dir, archive=source, rebuild=True, workers=2, reader=reader)
        con = duckdb.connect(str(data_dir.store), read_only=True)
        dumps.append(dump_tables(con))
        con.close()
    assert started == [2], "only the default reader goes to the pool"
    assert dumps[0] == dumps[1]


def test_an_incremental_ingest_through_the_pool_is_the_one_process_one(
    tmp_path, sandbox_archive, monkeypatch
):
    """The newest file read again after it grew: the pool's workers skip what is already
    ingested, unparsed, and the store is the one a single process builds in the same steps."""
    started = _spy_on_the_pool(monkeypatch)
    names = warc_files(sandbox_archive)
    responses = [r for r in iter_responses(sandbox_archive) if r.warc_file == names[-1]]
    cut = responses[len(responses) // 2].offset  # an exchange's response: its request stays
    dumps, summaries = {}, {}
    for workers in (1, 2):
        early = tmp_path / f"early-{workers}"
        early.mkdir()
        for name in names:
            data = (sandbox_archive / name).read_bytes()
            (early / name).write_bytes(data[:cut] if name == names[-1] else data)
        data_dir = DataDir(tmp_path / f"incremental-{workers}").ensure()
        data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
        first = ingest(data_dir, archive=early, workers=workers)
        for name in names:
            (early / name).write_bytes((sandbox_archive / name).read_bytes())
        summaries[workers] = (first, ingest(data_dir, archive=early, workers=workers))
        con = duckdb.connect(str(data_dir.store), read_only=True)
        dumps[workers] = dump_tables(con)
        con.close()
    assert started == [2, 2], "both ingests at 2 workers went through the pool"
    assert summaries[2] == summaries[1]
    assert summaries[1][1].already_ingested > 0, "the second ingest met records it had"
    assert dumps[2] == dumps[1]
