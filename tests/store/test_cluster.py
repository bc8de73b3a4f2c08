"""`kartoteka ingest --dask`: WARC files read on a Dask cluster into Parquet parts, loaded by
the one writer. What a user relies on: the store is the one a local ingest builds (also when
files are split into slices, when a worker dies mid-task, and across several files); a WARC
file that cannot be read is reported with its path and the run goes on; the parts hold no
defendant's name; parts made by another parser version are refused; an unreachable scheduler
is a clear error. One small cluster (2 worker processes) serves the whole module.

The equality at 1, 2, 4 workers and `--dask local` on the sandbox archive and the real pages
is in test_ingest_workers.py."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import pickle
import socket
from pathlib import Path

import dask
import duckdb
import pyarrow.parquet as pq
import pytest
from store_helpers import torn_copy
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.harvest.warc import iter_responses, warc_files
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store import cluster
from kartoteka.store.db import dump_tables
from kartoteka.store.ingest import RecordReader, ingest, name_policy
from kartoteka.store.privacy import NamePolicy
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind

SECRET = "ab" * 32


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A sandbox archive of four WARC files (the last one the newest)."""
    path = tmp_path_factory.mktemp("multi-file-archive")
    config = SandboxConfig(seed=3, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(
        path, config, since=dt.date(2024, 9, 1), max_records=120, max_file_bytes=75_000
    )
    assert len(warc_files(path)) >= 3
    return path


@pytest.fixture(scope="module")
def address():
    """A scheduler with two worker processes; a task may kill one worker and be run again,
    the second death makes it a failure (Dask's default allows three)."""
    from distributed import LocalCluster

    # The test readers below are sent by reference: the workers (and the ones started again
    # after a death) must be able to import this module.
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), saved]))
    try:
        with (
            dask.config.set(
                {
                    "distributed.scheduler.allowed-failures": 1,
                    "distributed.scheduler.worker-saturation": 1.0,  # as `--dask local`
                }
            ),
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as local,
        ):
            yield local.scheduler_address
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def _data_dir(root: Path) -> DataDir:
    data_dir = DataDir(root).ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")  # same name hashes
    return data_dir


def _dump(data_dir: DataDir) -> dict:
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return dump_tables(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def local_dump(archive, tmp_path_factory) -> dict:
    data_dir = _data_dir(tmp_path_factory.mktemp("local"))
    ingest(data_dir, archive=archive, rebuild=True, workers=1)
    return _dump(data_dir)


def _assert_same(dump: dict, expected: dict) -> None:
    assert expected["fetch_log"] and expected["case_versions"], "nothing was ingested"
    for table, rows in expected.items():
        assert dump[table] == rows, f"{table} differs from a local ingest"


def _defendant_names(archive: Path) -> set[str]:
    names: set[str] = set()
    for record in iter_responses(archive):
        page = read_page(record.body, record.url)
        if page.kind is PageKind.CARD and page.card is not None:
            names |= {d.name for d in page.card.defendants if d.name}
            names |= {p.name for p in page.card.parties if p.name}
    return names


def test_slices_of_several_files_give_the_store_of_a_local_ingest(
    tmp_path, archive, address, local_dump
):
    data_dir = _data_dir(tmp_path / "data")
    run = cluster.ingest_on_cluster(
        data_dir, address, archive=archive, rebuild=True, slice_bytes=20_000, keep_parts=True
    )
    assert run.tasks > 2 * len(warc_files(archive)), "files were split into slices"
    assert run.unreadable == []
    assert run.summary.records == len(local_dump["fetch_log"])
    _assert_same(_dump(data_dir), local_dump)
    assert _dump(data_dir)["ingested_files"], "closed files are marked as read"

    # The parts, kept: one per task, to inspect with DuckDB, and without a defendant's name.
    assert run.parts_dir is not None
    parts = sorted(run.parts_dir.glob("*.parquet"))
    assert len(parts) == run.tasks
    counts = duckdb.sql(
        f"SELECT outcome, count(*) FROM read_parquet('{run.parts_dir}/*.parquet') "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert sum(n for _, n in counts) == len(local_dump["fetch_log"])
    assert dict(counts)["card"] == run.summary.cards
    text = []
    for part in parts:
        for row in pq.read_table(part).to_pylist():
            text.append(repr({k: v for k, v in row.items() if k != "read"}))
            read = pickle.loads(row["read"])
            text.append(repr(read))
            # each sighting's version rows, pickled inside the pickle (ReadRecord.packed)
            text.extend(repr(pickle.loads(o.version)) for o in read.observations)
    everything = "\n".join(text)
    names = _defendant_names(archive)
    policy = NamePolicy(bytes.fromhex(SECRET), False)
    assert names and any(policy.name_hash(n) in everything for n in names), "rows are there"
    assert sorted(n for n in names if n in everything) == [], "a name in the parts"


def test_an_incremental_ingest_on_the_cluster_is_the_local_incremental_ingest(
    tmp_path, archive, address
):
    """The first two files ingested, then the whole archive: on the cluster as locally.
    Under `--keep-names` too (the names and act texts then come from the contents)."""
    names = warc_files(archive)
    first = tmp_path / "first"
    first.mkdir()
    for name in names[:2]:
        os.symlink(archive / name, first / name)
    dumps, summaries = [], []
    for side in ("local", "cluster"):
        data_dir = _data_dir(tmp_path / side)
        ingest(data_dir, archive=first, workers=1, keep_names=True)
        if side == "local":
            summaries.append(ingest(data_dir, archive=archive, workers=1, keep_names=True))
        else:
            run = cluster.ingest_on_cluster(data_dir, address, archive=archive, keep_names=True)
            summaries.append(run.summary)
        dumps.append(_dump(data_dir))
    assert summaries[1].already_ingested > 0, "the second file was partly read before"
    assert summaries[1] == summaries[0]
    _assert_same(dumps[1], dumps[0])
    assert any(row[5] for row in dumps[1]["defendants"]), "names kept"
    assert any(row[-1] for row in dumps[1]["acts"]), "act texts kept"


class _DiesOnce:
    """A page reader whose worker process dies on the first card it meets, once (a marker
    file says it happened): the scheduler must run the task again elsewhere."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __call__(self, body: bytes, url: str):
        if "name_op=case" in url and not os.path.exists(self.marker):
            Path(self.marker).touch()
            os._exit(1)
        return read_page(body, url)


class _AlwaysDies:
    """A page reader whose worker process dies on one URL every time."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, body: bytes, url: str):
        if url == self.url:
            os._exit(1)
        return read_page(body, url)


def test_a_worker_lost_mid_task_is_replaced_and_the_store_is_the_same(
    tmp_path, archive, address, local_dump
):
    marker = tmp_path / "died"
    data_dir = _data_dir(tmp_path / "data")
    run = cluster.ingest_on_cluster(
        data_dir, address, archive=archive, rebuild=True, reader=_DiesOnce(str(marker))
    )
    assert marker.exists(), "a worker did die"
    assert run.unreadable == []
    _assert_same(_dump(data_dir), local_dump)
    assert run.parts_dir is None, "parts are not kept unless asked"
    assert not any(p.name.startswith("kartoteka-parts-") for p in data_dir.root.iterdir())


def test_a_task_that_keeps_killing_workers_is_reported_and_the_run_goes_on(
    tmp_path, archive, address, local_dump
):
    names = warc_files(archive)
    victim = next(r for r in iter_responses(archive) if r.warc_file == names[1])
    data_dir = _data_dir(tmp_path / "data")
    run = cluster.ingest_on_cluster(
        data_dir, address, archive=archive, rebuild=True, reader=_AlwaysDies(victim.url)
    )
    assert [Path(path).name for path, _ in run.unreadable] == [names[1]]
    assert "KilledWorker" in run.unreadable[0][1]
    dump = _dump(data_dir)
    others = [row for row in local_dump["fetch_log"] if row[0] != names[1]]
    assert [row for row in dump["fetch_log"] if row[0] != names[1]] == others
    assert names[1] not in {row[0] for row in dump["ingested_files"]}, "tried again next time"


def test_a_broken_warc_file_is_reported_with_its_path_and_the_run_goes_on(
    tmp_path, archive, address, local_dump
):
    broken = tmp_path / "archive"
    broken.mkdir()
    names = warc_files(archive)
    for name in names:
        data = (archive / name).read_bytes()
        if name == names[1]:  # the second half overwritten: a disk fault in a closed file
            data = data[: len(data) // 2] + bytes(len(data) - len(data) // 2)
        (broken / name).write_bytes(data)
    data_dir = _data_dir(tmp_path / "data")
    result = CliRunner().invoke(
        app,
        [
            *("ingest", "--rebuild", "--archive", str(broken)),
            *("--dask", address, "--data-dir", str(data_dir.root)),
        ],
    )
    assert result.exit_code == 1, result.output
    assert f"unreadable WARC file: {(broken / names[1]).resolve()}" in result.output
    assert "could not be read to their end" in result.output
    dump = _dump(data_dir)
    kept = [row for row in dump["fetch_log"] if row[0] == names[1]]
    expected = [row for row in local_dump["fetch_log"] if row[0] == names[1]]
    assert 0 < len(kept) < len(expected), "the records before the fault are kept"
    assert kept == expected[: len(kept)]
    others = [row for row in local_dump["fetch_log"] if row[0] != names[1]]
    assert [row for row in dump["fetch_log"] if row[0] != names[1]] == others
    assert names[1] not in {row[0] for row in dump["ingested_files"]}


def test_a_part_of_another_parser_version_is_refused(tmp_path, archive):
    """The writer loads parts only from workers running its own parser and act reader."""
    reader = RecordReader(name_policy(_data_dir(tmp_path / "d"), False), read_page)
    name = warc_files(archive)[0]
    task = cluster.Slice(0, name, str(archive / name), 0, None)
    result = cluster.read_slice(reader, task, str(tmp_path))
    assert result.error is None and result.records > 0
    expected = cluster._versions(reader)
    assert len(list(cluster.read_part(Path(result.part), expected))) == result.records
    other = {**expected, b"kartoteka.parser_version": b"sudrf-0"}
    with pytest.raises(cluster.ClusterError) as raised:
        next(cluster.read_part(Path(result.part), other))
    assert raised.value.url == result.part
    assert "sudrf-0" in str(raised.value)


def test_a_file_a_worker_cannot_open_is_its_task_error(tmp_path):
    reader = RecordReader(name_policy(_data_dir(tmp_path / "d"), False), read_page)
    missing = str(tmp_path / "kartoteka-20250101000000-00001.warc.gz")
    task = cluster.Slice(0, "kartoteka-20250101000000-00001.warc.gz", missing, 0, None)
    result = cluster.read_slice(reader, task, str(tmp_path))
    assert result.records == 0
    assert result.error is not None and "FileNotFoundError" in result.error


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, archive, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir = _data_dir(tmp_path / "data")
    with pytest.raises(cluster.ClusterError) as raised:
        cluster.ingest_on_cluster(
            data_dir, f"tcp://127.0.0.1:{port}", archive=archive, rebuild=True
        )
    assert raised.value.url == f"tcp://127.0.0.1:{port}"
    assert not any(p.name.startswith("kartoteka-parts-") for p in data_dir.root.iterdir())


def test_a_parts_directory_a_worker_cannot_write_stops_the_run(tmp_path, archive):
    """Not the WARC file's fault but the setup's (every task would fail alike): an error
    naming the directory, not a file reported unreadable."""
    reader = RecordReader(name_policy(_data_dir(tmp_path / "d"), False), read_page)
    name = warc_files(archive)[0]
    task = cluster.Slice(0, name, str(archive / name), 0, None)
    nowhere = tmp_path / "not-mounted"
    with pytest.raises(cluster.ClusterError) as raised:
        cluster.read_slice(reader, task, str(nowhere))
    assert str(nowhere) in str(raised.value)
    assert "--parts" in str(raised.value)


def test_slices_give_every_worker_thread_several_tasks_within_bounds(tmp_path, archive):
    mib = 1024 * 1024
    assert cluster.slice_bytes_for(40 * 256 * mib, 8) == cluster.SLICE_BYTES
    assert cluster.slice_bytes_for(8 * mib, 2) == mib
    assert cluster.slice_bytes_for(10_000, 64) == cluster.MIN_SLICE_BYTES
    names = warc_files(archive)
    slices = cluster.plan_slices(archive, names, names[-1], 1)
    assert len(slices) == cluster.MAX_SLICES_PER_FILE * len(names), "at most 8 per file"
    for name in names:  # a file's slices cover it end to end, in order
        mine = [s for s in slices if s.warc_file == name]
        assert mine[0].start == 0 and mine[-1].stop is None
        assert all(a.stop == b.start for a, b in itertools.pairwise(mine))
    assert [s.index for s in slices] == list(range(len(slices)))


def test_the_slices_of_a_torn_newest_file_end_where_a_local_ingest_ends(tmp_path, archive):
    torn = torn_copy(archive, tmp_path / "torn")  # a writer killed mid-record
    names = warc_files(torn)
    reader = RecordReader(name_policy(_data_dir(tmp_path / "d"), False), read_page)
    parts = tmp_path / "parts"
    parts.mkdir()
    read = []
    for task in cluster.plan_slices(torn, names, names[-1], 20_000):
        result = cluster.read_slice(reader, task, str(parts))
        assert result.error is None
        read += [(r.warc_file, r.offset) for r in cluster.read_part(Path(result.part), {})]
    expected = [(r.warc_file, r.offset) for r in iter_responses(torn)]
    assert expected and expected[-1][0] == names[-1]
    assert read == expected
