"""Benchmark: the dashboard overview over a store of one million cases.

Measures, through the ASGI app in-process (server time: routing, snapshot check, the stats
queries, chart specs, templating, gzip; no network):

- cold: the first request for a filter set on a snapshot (the overview cache is empty), over
  a spread of filter sets (no filter, each article, courts, regions, districts, date ranges),
  timed once the snapshot's cache warm-up has finished (it would otherwise run beside the
  first requests);
- cold with as-of: the same over several as-of dates (from three years back to the latest
  harvest's month) and filters, answered by the interval-valid history;
- cached: the same requests again (the per-snapshot cache answers);
- baseline, same run: `kartoteka.web.data.overview` called directly on a connection (the
  stats queries and assembly alone), so the ratio shows what the web layer adds;
- transferred bytes (gzip): the overview HTML, and the chart bundle a first visit also loads.

Before any timing, the figures of every filter set (as-of ones included) are checked equal
to those of every metric run on its own (`metrics.reference_queries`: no shared answers,
every column of the as-of selection computed): the speed-ups must change no number. A
difference exits non-zero.

The store is loaded by the store stage's own bulk loader (`load_synthetic` of bench/stats.py:
100 courts, history generated in SQL, derived tables by `refresh_derived`). Targets: cold
p95 < 300 ms, cold with as-of p95 < 300 ms. The last line is `p95_ms N` (cold p95).

    .venv/bin/python bench/web.py [--cases 1000000] [--rounds 1] [--store PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kartoteka.store.db import connect_path


def load(path: Path, n_cases: int) -> None:
    """The store engineer's bulk loader (bench/stats.py): history tables generated in SQL,
    derived tables by the store's own `refresh_derived`; plus a fetch log, which the
    dashboard reads for its as-of date and the simulated-data banner."""
    sys.path.insert(0, str(Path(__file__).parent))
    from stats import load_synthetic  # bench/stats.py

    load_synthetic(path, n_cases)
    con = connect_path(path)
    con.execute("""
        INSERT INTO fetch_log BY NAME
        SELECT 'bench.warc.gz' AS warc_file, i AS warc_offset, 'http://bench/' || i AS url,
               (SELECT max(last_seen_at) FROM cases) - INTERVAL (i) MINUTE AS fetched_at,
               200 AS status, 'listing' AS page_kind, true AS simulated, 'bench' AS run_id
        FROM range(1000) t(i)
    """)
    con.execute("CHECKPOINT")
    con.close()


FILTER_SETS = [
    "",
    "article=337",
    "article=338",
    "article=332",
    "article=337&part=5",
    "article=352.1",
    "court=10GV0001",
    "court=11GV0005",
    "district=12OV0000",
    "region=Регион 3",
    "since=2024-01-01&until=2024-12-31",
    "since=2025-01-01",
    "article=337&since=2023-01-01",
    "article=338&region=Регион 7",
    "court=13GV0002&article=337",
    "until=2023-12-31",
    "district=14OV0000&article=332",
    "region=Регион 11",
    "since=2023-06-01&until=2024-06-30",
    "article=339",
]
# cold with as-of: six dates from three years back to the latest harvest's month (the
# synthetic receipts run 2022-2025, harvests into February 2026), two filter sets each
AS_OF_SETS = [
    "as_of=2023-06-30",
    "as_of=2023-06-30&court=11GV0005",
    "as_of=2023-12-31&article=338",
    "as_of=2023-12-31&region=Регион 3",
    "as_of=2024-06-30&article=337&part=5",
    "as_of=2024-06-30&since=2024-01-01",
    "as_of=2024-12-31",
    "as_of=2024-12-31&article=337",
    "as_of=2025-06-30",
    "as_of=2025-06-30&district=12OV0000",
    "as_of=2025-12-31&since=2024-01-01&until=2024-12-31",
    "as_of=2025-12-31&article=338&region=Регион 7",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def check_figures(path: Path, queries: list[str]) -> None:
    """The overview's figures for every filter set equal those of every metric run on its
    own (the definitions, without the speed-ups); exits non-zero on a difference."""
    from kartoteka.stats import metrics as m
    from kartoteka.web import data
    from kartoteka.web.filters import parse_filters

    con = connect_path(path, read_only=True)
    for query in queries:
        filters = parse_filters(dict(p.split("=", 1) for p in query.split("&") if p))
        fast = data.gather(con, filters)
        with m.reference_queries():
            reference = data.gather(con, filters)
        if fast != reference:
            fields = [
                f.name
                for f in dataclasses.fields(fast)
                if getattr(fast, f.name) != getattr(reference, f.name)
            ]
            raise SystemExit(
                f"{query or '(no filter)'}: the overview differs from every metric run on its "
                f"own in {', '.join(fields)}"
            )
    con.close()
    print(
        f"figures checked: {len(queries)} filter sets (as-of included) equal every metric "
        "run on its own"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--store", type=Path, help="a store this script loaded before (kept): skip the load"
    )
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from kartoteka.web import create_app, data
    from kartoteka.web.app import WARM_FILTERS
    from kartoteka.web.filters import parse_filters
    from kartoteka.web.i18n import Translator

    with tempfile.TemporaryDirectory(prefix="kartoteka-bench-web-") as tmp:
        path = args.store or Path(tmp) / "kartoteka.duckdb"
        if args.store is None or not args.store.exists():
            t0 = time.perf_counter()
            load(path, args.cases)
            print(
                f"loaded {args.cases:,} cases in {time.perf_counter() - t0:.1f} s "
                f"({path.stat().st_size / 1e6:.0f} MB)"
            )

        check_figures(path, FILTER_SETS + AS_OF_SETS)

        # baseline: the stats queries and assembly alone, on a direct connection
        con = connect_path(path, read_only=True)
        baseline = []
        for query in FILTER_SETS:
            params = dict(p.split("=", 1) for p in query.split("&") if p)
            t = time.perf_counter()
            data.overview(con, parse_filters(params), Translator("ru"))
            baseline.append((time.perf_counter() - t) * 1000)
        con.close()

        app = create_app(path, snapshot_dir=Path(tmp) / "snapshots")
        cold: list[float] = []
        cold_by_query: dict[str, list[float]] = {}
        warm: list[float] = []
        as_of_times: list[float] = []
        as_of_by_query: dict[str, list[float]] = {}
        html_bytes: list[int] = []
        with TestClient(app) as client:
            t = time.perf_counter()
            client.get("/api/v1/courts")  # first request: takes the snapshot
            snapshot_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            app.state.reader.wait_for_hooks()  # the warm-up of the new snapshot's cache
            warm_up_ms = (time.perf_counter() - t) * 1000
            for _ in range(args.rounds):
                app.state.figures_cache = data.FiguresCache()
                for query in FILTER_SETS:
                    t = time.perf_counter()
                    r = client.get(f"/?{query}", headers={"Accept-Encoding": "gzip"})
                    cold.append((time.perf_counter() - t) * 1000)
                    cold_by_query.setdefault(query, []).append(cold[-1])
                    assert r.status_code == 200, (query, r.status_code)
                    html_bytes.append(r.num_bytes_downloaded)
                for query in FILTER_SETS:
                    t = time.perf_counter()
                    client.get(f"/?{query}", headers={"Accept-Encoding": "gzip"})
                    warm.append((time.perf_counter() - t) * 1000)
            for _ in range(args.rounds):
                app.state.figures_cache = data.FiguresCache()
                for query in AS_OF_SETS:
                    t = time.perf_counter()
                    r = client.get(f"/?{query}", headers={"Accept-Encoding": "gzip"})
                    as_of_times.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, (query, r.status_code)
                    as_of_by_query.setdefault(query, []).append(as_of_times[-1])
            bundle_url = next(
                line for line in client.get("/").text.split('"') if line.startswith("/assets/vega-")
            )
            bundle = client.get(bundle_url, headers={"Accept-Encoding": "gzip"})
            css = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
            js = client.get("/static/dashboard.js", headers={"Accept-Encoding": "gzip"})

    first_visit = (
        statistics.median(html_bytes)
        + bundle.num_bytes_downloaded
        + css.num_bytes_downloaded
        + js.num_bytes_downloaded
    )
    print(
        f"snapshot of the store taken in {snapshot_ms:.0f} ms (first request); its cache "
        f"warm-up ({len(WARM_FILTERS)} overviews, in the background) finished "
        f"{warm_up_ms:.0f} ms later, before the cold requests"
    )
    print(
        f"baseline (stats + assembly, no HTTP): median {statistics.median(baseline):.0f} ms,"
        f" p95 {percentile(baseline, 0.95):.0f} ms"
    )
    print(
        f"overview cold  ({len(cold)} filter sets): median {statistics.median(cold):.0f} ms, "
        f"p95 {percentile(cold, 0.95):.0f} ms, max {max(cold):.0f} ms; "
        f"ratio to baseline {statistics.median(cold) / statistics.median(baseline):.2f}"
    )
    slowest = sorted(cold_by_query.items(), key=lambda kv: -max(kv[1]))[:3]
    print(
        "slowest cold: " + "; ".join(f"{q or '(no filter)'} {max(ts):.0f} ms" for q, ts in slowest)
    )
    print(
        f"overview cached: median {statistics.median(warm):.1f} ms, "
        f"p95 {percentile(warm, 0.95):.1f} ms"
    )
    as_of_p95 = percentile(as_of_times, 0.95)
    print(
        f"overview cold with as-of ({len(as_of_times)} requests: {len(AS_OF_SETS) // 2} dates "
        f"x 2 filter sets): median {statistics.median(as_of_times):.0f} ms, "
        f"p95 {as_of_p95:.0f} ms, max {max(as_of_times):.0f} ms"
    )
    slowest = sorted(as_of_by_query.items(), key=lambda kv: -max(kv[1]))[:3]
    print("slowest as-of: " + "; ".join(f"{q} {max(ts):.0f} ms" for q, ts in slowest))
    print(
        f"transferred (gzip): overview HTML median {statistics.median(html_bytes) / 1024:.1f} "
        f"KiB; chart bundle {bundle.num_bytes_downloaded / 1024:.0f} KiB (cached by the "
        f"browser: immutable URL); first visit total {first_visit / 1024:.0f} KiB"
    )
    print(f"target: cold p95 < 300 ms -> {'met' if percentile(cold, 0.95) < 300 else 'MISSED'}")
    print(f"target: cold with as-of p95 < 300 ms -> {'met' if as_of_p95 < 300 else 'MISSED'}")
    print(f"p95_ms {percentile(cold, 0.95):.0f}")


if __name__ == "__main__":
    main()
