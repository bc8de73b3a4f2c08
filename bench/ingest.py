"""Ingest throughput: records per second through the real parser and the real store, every
core against one worker, both measured in this run on this machine. Not a test: prints
figures, asserts nothing.

The archive is generated from the sandbox (`kartoteka.sandbox.archive`: every court's monthly
listings and the cards they list, as the harvester would have archived them) and kept in
`--archive` for the next run, in WARC files of 16 MiB: in a long-running archive nearly
every file is closed, and only the newest pays for the torn-tail scan (a bench archive in one
file would be all newest file). Each side runs `ingest --rebuild` into a fresh store, timed on
the wall clock (the pool's workers are other processes), pool start-up included.

    .venv/bin/python bench/ingest.py [--records 20000] [--archive DIR] [--workers N]
                                     [--dask local|ADDRESS]

Also printed: the CPU seconds of the writer and of the workers, and the ratio those allow on
idle cores (on a machine shared with other work the wall clock says less than they do), and
beside every run the load average when it ended (another process busy on a core shows in the
wall clock, not in the CPU times).
Target (issue 11): ratio ≥ 1.7 on 2 cores. The last line is `ratio N` (all cores over one,
wall clock). With `--dask`, a line before it gives `ingest --rebuild --dask` on that cluster
(`local`: `--workers` processes here), cluster start-up and parts included, over one worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

from kartoteka.harvest.warc import warc_files
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store.cluster import ingest_on_cluster
from kartoteka.store.ingest import ingest
from kartoteka.store.pool import machine_workers

SECRET = "5a" * 32


def _archive(path: Path, records: int) -> Path:
    marker = path / f".records-{records}-16MiB"
    if marker.exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name in warc_files(path):
        (path / name).unlink()
    started = time.perf_counter()
    config = SandboxConfig(seed=11, faults="none", now=dt.date(2025, 6, 1))
    written = write_sandbox_archive(
        path, config, since=dt.date(2022, 1, 1), max_records=records, max_file_bytes=16 << 20
    )
    print(f"archive: {written} records generated in {time.perf_counter() - started:.0f} s")
    marker.write_text(str(written))
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    """The load average (1, 5, 15 min) as the run ends."""
    one, five, fifteen = os.getloadavg()
    return f"[load {one:.2f} {five:.2f} {fifteen:.2f}]"


def _run(archive: Path, workers: int) -> tuple[float, int, float, float]:
    """(records/s on the wall clock, records, CPU s of this process, CPU s of workers)."""
    with tempfile.TemporaryDirectory(prefix="kartoteka-bench-ingest-") as tmp:
        data_dir = DataDir(Path(tmp)).ensure()
        data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
        started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        summary = ingest(data_dir, archive=archive, rebuild=True, workers=workers)
        elapsed = time.perf_counter() - started
        cpu, children = time.process_time() - cpu, _children_cpu() - children
    return summary.records / elapsed, summary.records, cpu, children


def _run_dask(archive: Path, address: str, workers: int) -> float:
    """Records/s of `ingest --rebuild --dask ADDRESS`, on the wall clock, cluster start
    included."""
    with tempfile.TemporaryDirectory(prefix="kartoteka-bench-dask-") as tmp:
        data_dir = DataDir(Path(tmp)).ensure()
        data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
        started = time.perf_counter()
        run = ingest_on_cluster(
            data_dir,
            address,
            archive=archive,
            rebuild=True,
            workers=workers if address == "local" else None,
        )
        elapsed = time.perf_counter() - started
    return run.summary.records / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    default_archive = Path(tempfile.gettempdir()) / "kartoteka-bench-ingest-archive"
    parser.add_argument("--archive", type=Path, default=default_archive)
    parser.add_argument("--workers", type=int, default=machine_workers())
    parser.add_argument("--dask", metavar="ADDRESS", help="also time a cluster (`local`)")
    args = parser.parse_args()
    archive = _archive(args.archive, args.records)
    one, count, one_cpu, _ = _run(archive, 1)
    print(f"records: {count}")
    print(f"1 worker:   {one:8.0f} records/s (CPU {one_cpu:.1f} s) {_load()}")
    many, _, writer_cpu, workers_cpu = _run(archive, args.workers)
    print(
        f"{args.workers} workers:  {many:8.0f} records/s (CPU: writer {writer_cpu:.1f} s, "
        f"workers {workers_cpu:.1f} s) {_load()}"
    )
    # What the CPU times allow on idle cores: every process busy, none waiting for a core.
    cores = machine_workers()
    bound = max(writer_cpu, workers_cpu / args.workers, (writer_cpu + workers_cpu) / cores)
    print(f"ratio the CPU times allow on {cores} idle cores: {one_cpu / bound:.2f}")
    if args.dask:
        on_dask = _run_dask(archive, args.dask, args.workers)
        print(
            f"dask {args.dask}: {on_dask:8.0f} records/s, {on_dask / one:.2f} × one worker "
            f"{_load()}"
        )
    print(f"ratio {many / one:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
