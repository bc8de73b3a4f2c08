"""Benchmark: the dashboard overview over a store of one million cases.

Measures, through the ASGI app in-process (server time: routing, snapshot check, the stats
queries, chart specs, templating, gzip; no network):

- cold: the first request for a filter set on a snapshot (the overview cache is empty), over
  a spread of filter sets (no filter, each article, courts, regions, districts, date ranges,
  as-of dates);
- cached: the same requests again (the per-snapshot cache answers);
- baseline, same run: `kartoteka.web.data.overview` called directly on a connection (the
  stats queries and assembly alone), so the ratio shows what the web layer adds;
- transferred bytes (gzip): the overview HTML, and the chart bundle a first visit also loads.

The store is loaded straight into the store's schema (created by `kartoteka.store.db`) with
DuckDB SQL: courts, `cases`, `case_charges`, a fetch log, and, for the as-of queries,
`case_versions`, `charges` and `observations`. Target: p95 < 300 ms (cold). The last line is
`p95_ms N` (cold p95).

    .venv/bin/python bench/web.py [--cases 1000000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kartoteka.store.db import connect_path

ARTICLES = [
    ("337", "5", True, 0.80),
    ("337", "3.1", True, 0.05),
    ("332", "2.1", True, 0.06),
    ("338", "3", True, 0.05),
    ("339", "3", True, 0.015),
    ("352.1", None, True, 0.01),
    ("334", "3", True, 0.01),
    ("335", "2", False, 0.005),
]


def load(path: Path, n_cases: int) -> None:
    """Synthetic courts and cases written straight into the store's schema (by column name,
    so that columns the store adds later, if nullable, do not break the loader)."""
    con = connect_path(path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("""
        INSERT INTO courts BY NAME
        SELECT code, 'Суд ' || code AS name,
               CASE WHEN i % 18 = 0 THEN 'district' ELSE 'garrison' END AS level,
               lower(code) || '.sudrf.ru' AS host,
               lpad(CAST(i % 85 AS VARCHAR), 2, '0') AS region_code,
               'Регион ' || CAST(i % 40 AS VARCHAR) AS region,
               lpad(CAST(i // 18 AS VARCHAR), 2, '0') || 'OV0000' AS district,
               false AS captcha_seen, i AS position
        FROM (SELECT i, lpad(CAST(i // 18 AS VARCHAR), 2, '0')
                        || CASE WHEN i % 18 = 0 THEN 'OV0000'
                                ELSE 'GV' || lpad(CAST(i % 18 AS VARCHAR), 4, '0') END AS code
              FROM range(111) t(i))
    """)
    cum, cases_sql = 0.0, []
    for article, part, _, share in ARTICLES:  # a weighted draw of the principal charge
        cum += share
        cases_sql.append(f"WHEN r < {cum:.4f} THEN '{article}|{part or ''}'")
    draw = "CASE " + " ".join(cases_sql) + " ELSE '337|5' END"
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        SELECT i, (i * 7919) % 111 AS court_position,
               DATE '2022-09-21' + CAST(floor(pow(random(), 0.6) * 1160) AS INTEGER)
                   AS entry_date,
               {draw} AS charge,
               random() AS o, random() AS second, CAST(floor(random() * 120) AS INTEGER) AS lag
        FROM (SELECT i, random() AS r FROM range({n_cases}) t(i))
    """)
    con.execute("""
        INSERT INTO cases BY NAME
        SELECT 'C/first/' || i AS case_key, k.code AS court_code, 'first' AS instance,
               CAST(i AS VARCHAR) AS case_id,
               '1-' || i || '/' || year(entry_date) AS case_number, entry_date,
               CASE WHEN o < 0.7 THEN 'Вынесен ПРИГОВОР' WHEN o < 0.8 THEN 'ПРЕКРАЩЕНО' END
                   AS result_raw,
               CASE WHEN o < 0.8 THEN entry_date + 40 + lag END AS result_date,
               CASE WHEN o < 0.7 THEN 'verdict' WHEN o < 0.8 THEN 'terminated'
                    WHEN o < 0.85 THEN 'suspended' WHEN o < 0.87 THEN 'returned'
                    ELSE 'pending' END AS outcome,
               split_part(charge, '|', 1) AS principal_article,
               CASE WHEN split_part(charge, '|', 2) = '' THEN split_part(charge, '|', 1)
                    ELSE split_part(charge, '|', 1) || '.' || split_part(charge, '|', 2) END
                   AS principal_charge,
               1 AS n_defendants, 1 AS info_version, 1 AS charges_version,
               CAST(entry_date + lag AS TIMESTAMP) AS first_seen_at,
               TIMESTAMP '2025-11-20 12:00:00' AS last_seen_at, true AS simulated
        FROM gen JOIN courts k ON k.position = gen.court_position
    """)
    con.execute("""
        INSERT INTO case_charges BY NAME
        SELECT case_key, principal_article AS article,
               NULLIF(substr(principal_charge, length(principal_article) + 2), '') AS part,
               principal_charge AS charge_key, true AS mobilisation
        FROM cases
    """)
    con.execute("""
        INSERT INTO case_charges BY NAME
        SELECT c.case_key, '332' AS article, '2.1' AS part, '332.2.1' AS charge_key,
               true AS mobilisation
        FROM cases c JOIN gen g ON c.case_id = CAST(g.i AS VARCHAR)
        WHERE g.second < 0.05 AND c.principal_article <> '332'
    """)
    # history tables, so that as-of queries have something to replay
    con.execute("""
        INSERT INTO case_versions BY NAME
        SELECT case_key, 1 AS version, 'listing' AS source, court_code, instance, case_id,
               md5(case_key) AS content_hash, first_seen_at, last_seen_at,
               'bench.warc.gz' AS warc_file, 0 AS warc_offset, true AS simulated, uid,
               case_number, case_number AS case_number_raw, entry_date, result_raw,
               result_date, outcome, n_defendants, 1 AS n_charges, principal_article,
               principal_charge, '{}' AS content
        FROM cases
    """)
    con.execute("""
        INSERT INTO charges BY NAME
        SELECT case_key, 1 AS version, 0 AS defendant,
               CAST(row_number() OVER (PARTITION BY case_key) - 1 AS INTEGER) AS position,
               'УК РФ' AS code, article, part, charge_key, mobilisation
        FROM case_charges
    """)
    con.execute("""
        INSERT INTO observations BY NAME
        SELECT 'bench.warc.gz' AS warc_file, CAST(case_id AS BIGINT) AS warc_offset,
               0 AS row_position, case_key, 'listing' AS source, 1 AS version,
               first_seen_at AS fetched_at
        FROM cases
    """)
    con.execute("""
        INSERT INTO fetch_log BY NAME
        SELECT 'bench.warc.gz' AS warc_file, i AS warc_offset, 'http://bench/' || i AS url,
               TIMESTAMP '2025-11-20 12:00:00' - INTERVAL (i) MINUTE AS fetched_at,
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
    "court=01GV0001",
    "court=02GV0005",
    "district=01OV0000",
    "region=Регион 3",
    "since=2024-01-01&until=2024-12-31",
    "since=2025-01-01",
    "article=337&since=2023-01-01",
    "article=338&region=Регион 7",
    "court=03GV0002&article=337",
    "until=2023-12-31",
    "district=04OV0000&article=332",
    "region=Регион 11",
    "since=2023-06-01&until=2024-06-30",
    "article=339",
]
AS_OF_SETS = ["as_of=2025-06-30", "as_of=2024-12-31&article=337"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from kartoteka.web import create_app, data
    from kartoteka.web.filters import parse_filters
    from kartoteka.web.i18n import Translator

    with tempfile.TemporaryDirectory(prefix="kartoteka-bench-web-") as tmp:
        path = Path(tmp) / "kartoteka.duckdb"
        t0 = time.perf_counter()
        load(path, args.cases)
        print(
            f"loaded {args.cases:,} cases in {time.perf_counter() - t0:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )

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
        warm: list[float] = []
        as_of_times: list[float] = []
        html_bytes: list[int] = []
        with TestClient(app) as client:
            t = time.perf_counter()
            client.get("/api/v1/courts")  # first request: takes the snapshot
            snapshot_ms = (time.perf_counter() - t) * 1000
            for _ in range(args.rounds):
                app.state.overview_cache = data.OverviewCache()
                for query in FILTER_SETS:
                    t = time.perf_counter()
                    r = client.get(f"/?{query}", headers={"Accept-Encoding": "gzip"})
                    cold.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, (query, r.status_code)
                    html_bytes.append(r.num_bytes_downloaded)
                for query in FILTER_SETS:
                    t = time.perf_counter()
                    client.get(f"/?{query}", headers={"Accept-Encoding": "gzip"})
                    warm.append((time.perf_counter() - t) * 1000)
            for query in AS_OF_SETS:
                t = time.perf_counter()
                assert client.get(f"/?{query}").status_code == 200
                as_of_times.append((time.perf_counter() - t) * 1000)
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
    print(f"snapshot of the store taken in {snapshot_ms:.0f} ms (first request)")
    print(
        f"baseline (stats + assembly, no HTTP): median {statistics.median(baseline):.0f} ms,"
        f" p95 {percentile(baseline, 0.95):.0f} ms"
    )
    print(
        f"overview cold  ({len(cold)} filter sets): median {statistics.median(cold):.0f} ms, "
        f"p95 {percentile(cold, 0.95):.0f} ms, max {max(cold):.0f} ms; "
        f"ratio to baseline {statistics.median(cold) / statistics.median(baseline):.2f}"
    )
    print(
        f"overview cached: median {statistics.median(warm):.1f} ms, "
        f"p95 {percentile(warm, 0.95):.1f} ms"
    )
    print(f"overview with as-of (history replay): {', '.join(f'{x:.0f} ms' for x in as_of_times)}")
    print(
        f"transferred (gzip): overview HTML median {statistics.median(html_bytes) / 1024:.1f} "
        f"KiB; chart bundle {bundle.num_bytes_downloaded / 1024:.0f} KiB (cached by the "
        f"browser: immutable URL); first visit total {first_visit / 1024:.0f} KiB"
    )
    print(f"target: cold p95 < 300 ms -> {'met' if percentile(cold, 0.95) < 300 else 'MISSED'}")
    print(f"p95_ms {percentile(cold, 0.95):.0f}")


if __name__ == "__main__":
    main()
