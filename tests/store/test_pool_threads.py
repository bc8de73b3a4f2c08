"""The ingest pool's workers run their numeric libraries on one thread each
(`pool.one_thread_libraries`): a worker per core already keeps the cores busy, and a second
OpenBLAS thread per worker spun on the core the other worker needed. What is relied on: the
workers are spawned with the variables set, a value the user chose stands, and the writer's
environment is as it was once the pool is done."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from kartoteka.harvest.warc import warc_files
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store import pool
from kartoteka.store.ingest import RecordReader
from kartoteka.store.privacy import NamePolicy
from kartoteka.sudrf import read_page

SECRET = bytes.fromhex("cd" * 32)


@pytest.fixture
def no_thread_settings(monkeypatch) -> None:
    for name in pool.ONE_THREAD:
        monkeypatch.delenv(name, raising=False)


def _spawned_environment(names: list[str]) -> list[str | None]:
    """The values of `names` in a process spawned now."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        return [executor.submit(os.getenv, name).result() for name in names]


def test_a_worker_is_spawned_with_one_thread_and_the_writer_keeps_its_environment(
    no_thread_settings, monkeypatch
):
    monkeypatch.setenv("MKL_NUM_THREADS", "3")  # the user's choice
    names = ["OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
    with pool.one_thread_libraries():
        inside = _spawned_environment(names)
    assert inside == ["1", "3"]
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    assert os.environ["MKL_NUM_THREADS"] == "3"
    assert _spawned_environment(names) == [None, "3"]


def test_the_pool_spawns_its_workers_in_that_environment(
    tmp_path: Path, no_thread_settings, monkeypatch
):
    config = SandboxConfig(seed=5, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
    write_sandbox_archive(tmp_path, config, since=dt.date(2024, 12, 1), max_records=20)
    seen: list[str | None] = []  # the variable in the writer whenever a task is submitted

    class Spy(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            seen.append(os.environ.get("OPENBLAS_NUM_THREADS"))  # workers spawn in submit
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", Spy)
    reader = RecordReader(NamePolicy(SECRET, False), read_page)
    records = list(pool.read_in_pool(reader, tmp_path, warc_files(tmp_path), {}, 2))
    assert len(records) == 20
    assert seen and set(seen) == {"1"}
    assert "OPENBLAS_NUM_THREADS" not in os.environ


def test_a_local_dask_cluster_starts_its_workers_in_that_environment(no_thread_settings):
    """`--dask local` runs a worker process per core too: the same spinning thread."""
    from kartoteka.store.cluster import LOCAL, connect_cluster

    with connect_cluster(LOCAL, workers=1) as client:
        found = client.run(os.getenv, "OPENBLAS_NUM_THREADS")
    assert list(found.values()) == ["1"]
    assert "OPENBLAS_NUM_THREADS" not in os.environ
