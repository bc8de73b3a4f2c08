"""Benchmark: what the watch stage adds to an ingest and costs a digest, on N synthetic cases.

The store is loaded as bench/stats.py loads it (N cases in SQL), and two harvest runs are
written into the fetch log: one in mid-2025 (the baseline) and one after every case was seen,
so that the second run's changes are the cases first seen in between, outcomes and revised
months. Measured in the same run:

- `refresh_derived`: what every ingest already does at its end (the baseline);
- `record_changes` from scratch (as `ingest --rebuild` does: one "as of" recomputation for
  the earlier run, the materialised table for the latest);
- `record_changes` again with nothing new (what a re-run ingest pays);
- the digest of the latest run for the overall search and three saved searches.

The last line is `ratio N`: record_changes from scratch over refresh_derived.
Usage: python bench/watch.py [--cases N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kartoteka.store.changes import record_changes
from kartoteka.store.db import connect_path
from kartoteka.store.derive import refresh_derived
from kartoteka.watch.digest import build_digest
from kartoteka.watch.searches import add_watch, parse_watch_filters
from stats import load_synthetic

RUNS = (("run-a", dt.datetime(2025, 6, 1, 12)), ("run-b", dt.datetime(2026, 3, 1, 12)))


def _timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        load = load_synthetic(path, args.cases)
        print(f"loaded {args.cases:,} cases in {load:.1f} s")
        con = connect_path(path)
        for n, (run, at) in enumerate(RUNS):
            con.execute(
                "INSERT INTO fetch_log VALUES (?, ?, NULL, 'http://bench/', ?, NULL, 200, "
                "'listing', 'listing', NULL, true, ?, NULL)",
                [f"run{n}.warc.gz", n, at, run],
            )
        con.execute("BEGIN TRANSACTION")
        derived, _ = _timed(lambda: refresh_derived(con))
        scratch, summary = _timed(lambda: record_changes(con, rebuild=True))
        again, _ = _timed(lambda: record_changes(con))
        con.execute("COMMIT")
        changes = con.execute("SELECT kind, count(*) FROM changes GROUP BY kind ORDER BY kind")
        print("changes of the second run:", dict(changes.fetchall()))
        for name, flt in (
            ("w337", {"article": "337"}),
            ("w338-3", {"article": "338", "part": "3"}),
            ("court", {"court": "10GV0001"}),
        ):
            add_watch(con, name, parse_watch_filters(flt))
        digest_s, digest = _timed(lambda: build_digest(con, latest=True))
        con.close()
    print(f"refresh_derived (every ingest, baseline): {derived:.2f} s")
    print(f"record_changes from scratch ({summary.recomputed} runs): {scratch:.2f} s")  # type: ignore[attr-defined]
    print(f"record_changes with nothing new: {again * 1000:.1f} ms")
    entries = sum(len(w.entries) for w in digest.watches)  # type: ignore[attr-defined]
    print(f"digest of the latest run, 4 searches, {entries} entries: {digest_s:.2f} s")
    print(f"ratio {scratch / derived:.2f}")


if __name__ == "__main__":
    main()
