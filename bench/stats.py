"""Benchmark: the headline statistics over one million synthetic cases, and ingest speed.

1. Loads N synthetic cases (default 1,000,000) straight into a fresh store: the history
   tables (one listing version, one observation, 1–2 charges per case) are generated in SQL,
   then the derived tables are computed by the store's own `refresh_derived`.
2. Times each headline query (the web dashboard's first screen and the CLI's `stats`):
   median and p95 over repeated runs, in milliseconds.
3. Times a real ingest: WARC records of synthetic listing pages and cards, read back through
   `kartoteka.harvest.warc.iter_responses` and written by `ingest` (page parsing is replaced
   by a lookup, so this measures the store, not the parser: see bench/parse.py for that).

Before it, `asof_p95_ms N`: the worst p95 of the same queries as of a date a year back
(issue 11 target: < 300 ms at 1M cases), answered by the interval-valid history
(`kartoteka.store.history`); each of them is checked equal to the replay of the history
(`history_replay`, the reference), whose time is printed beside it. The time `refresh_derived`
takes (a rebuild: current and past states of every case) is printed with the load.

Then an incremental ingest into the loaded store, as a daily harvest brings one (a few
thousand records through the real writer: two runs of a quarter's window in ten courts, the
second without some cases, cards with verdicts, new cases): the refresh of only what it
touched, against the full `refresh_derived` of the same store in the same run, both results
checked equal, as the line `refresh_ratio N` (full / incremental).
The last line is `p95_ms N`, the worst p95 of the headline queries (target: < 100 ms).
Usage: python bench/stats.py [--cases N] [--repeat R] [--ingest-cases M]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import kartoteka.store.ingest as store_ingest
from kartoteka.paths import DataDir
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store.db import connect_path
from kartoteka.store.derive import refresh_derived
from kartoteka.store.ingest import ingest, ingest_records
from kartoteka.store.privacy import NamePolicy
from kartoteka.store.synthetic import SyntheticArchive, card, defendant, row
from kartoteka.store.warcread import iter_responses_fast

ARTICLES = [  # (article, part, mobilisation, weight per 100)
    ("337", "5", True, 60),
    ("337", "3.1", True, 15),
    ("337", "2.1", True, 8),
    ("332", "2.1", True, 6),
    ("338", "3", True, 5),
    ("339", "3", True, 3),
    ("352.1", None, True, 2),
    ("334", "3", True, 1),
]
OUTCOMES = [
    ("verdict", 70),
    ("terminated", 6),
    ("returned", 3),
    ("transferred", 3),
    ("suspended", 6),
    ("pending", 12),
]


def _pick_sql(column: str, choices: list[tuple], salt: str) -> str:
    """A deterministic weighted choice per row, in SQL."""
    total = sum(c[-1] for c in choices)
    cases, upto = [], 0
    for choice in choices:
        upto += choice[-1]
        cases.append(f"WHEN hash(i, '{salt}') % {total} < {upto} THEN {column}[{len(cases) + 1}]")
    return "CASE " + " ".join(cases) + " END"


def load_synthetic(path: Path, n: int) -> float:
    """Generate n cases into a new store at `path`; return the seconds it took."""
    started = time.perf_counter()
    con = connect_path(path)
    courts = [
        (
            f"{10 + i // 20:02d}GV{i % 20:04d}",
            f"Гарнизонный военный суд {i}",
            "garrison",
            f"gvs{i}.example",
            str(i % 85),
            f"Регион {i % 85}",
            None,
            None,
            None,
            i,
        )
        for i in range(100)
    ]
    con.executemany(
        "INSERT INTO courts (code, name, level, host, region_code, region, district, dialect, "
        "captcha_seen, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        courts,
    )
    con.execute("UPDATE courts SET district = substr(code, 1, 2) || 'OV0000'")
    arts = "[" + ", ".join(f"'{a}'" for a, *_ in ARTICLES) + "]"
    parts = "[" + ", ".join(f"'{p}'" if p else "NULL" for _, p, *_ in ARTICLES) + "]"
    outs = "[" + ", ".join(f"'{o}'" for o, _ in OUTCOMES) + "]"
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        SELECT i,
               (SELECT list(code ORDER BY position) FROM courts)
                   [CAST(1 + hash(i, 'court') % 100 AS BIGINT)] AS court_code,
               DATE '2022-01-01' + CAST(hash(i, 'entry') % 1461 AS INTEGER) AS entry_date,
               {_pick_sql(arts, ARTICLES, "art")} AS article,
               {_pick_sql(parts, ARTICLES, "art")} AS part,
               {_pick_sql(outs, OUTCOMES, "outcome")} AS outcome,
               CAST(1 + hash(i, 'def') % 100 // 90 AS INTEGER) AS n_def,
               TIMESTAMP '2022-01-01' + to_days(CAST(hash(i, 'entry') % 1461 AS INTEGER)
                   + CAST(3 + hash(i, 'lag') % 40 AS INTEGER)) AS seen
        FROM range({n}) t(i)""")
    con.execute("""
        INSERT INTO case_versions
        SELECT court_code || '/first/' || i, 1, 'listing', court_code, 'first', CAST(i AS VARCHAR),
               md5(CAST(i AS VARCHAR)), seen, seen, 'bench.warc.gz', i, true,
               NULL, NULL, '1-' || i || '/2024', '1-' || i || '/2024', entry_date, NULL, NULL,
               CASE WHEN outcome = 'verdict' THEN 'Вынесен ПРИГОВОР' END,
               CASE WHEN outcome IN ('verdict', 'terminated', 'returned', 'transferred')
                    THEN entry_date + CAST(20 + hash(i, 'days') % 200 AS INTEGER) END,
               NULL, outcome, n_def, 1 + (hash(i, 'second') % 10 = 0)::INTEGER, article,
               article || coalesce('.' || part, ''), '{}'
        FROM gen""")
    con.execute("""
        INSERT INTO observations
        SELECT 'bench.warc.gz', i, 0, court_code || '/first/' || i, 'listing', 1, seen FROM gen""")
    con.execute("""
        INSERT INTO charges
        SELECT court_code || '/first/' || i, 1, 0, 0, 'УК РФ', article, part, NULL,
               article || coalesce('.' || part, ''), 'ст.' || article, true FROM gen
        UNION ALL
        SELECT court_code || '/first/' || i, 1, 0, 1, 'УК РФ', '338', '3', NULL, '338.3',
               'ст.338 ч.3', true FROM gen WHERE hash(i, 'second') % 10 = 0""")
    con.execute("BEGIN TRANSACTION")
    refreshed = time.perf_counter()
    refresh_derived(con)
    con.execute("COMMIT")
    print(
        f"refresh_derived (every ingest: cases now and their interval-valid history) "
        f"{time.perf_counter() - refreshed:.1f} s"
    )
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started


def headline_queries(as_of: dt.date | None = None) -> dict:
    """The headline queries (the dashboard's first screen and the CLI's `stats`), now or as
    of a past date."""

    def f(**kw) -> Filter:  # type: ignore[no-untyped-def]
        return Filter(as_of=as_of, **kw)

    return {
        "cases_by_month_337": lambda c: m.cases_received_by_month(c, f(article="337")),
        "cases_by_month_all": lambda c: m.cases_received_by_month(c, f()),
        "cumulative_since_mobilisation": lambda c: m.cumulative_cases(c, f(article="337")),
        "by_charge": lambda c: m.cases_by_charge(c, f()),
        "by_principal_article": lambda c: m.cases_by_principal_article(c, f()),
        "ytd_vs_previous_year": lambda c: m.ytd_vs_previous_year(c, f(article="337"), 2024),
        "verdicts_by_month": lambda c: m.verdicts_by_month(c, f()),
        "outcomes": lambda c: m.outcomes(c, f()),
        "days_to_verdict": lambda c: m.days_to_verdict(c, f(article="337")),
        "by_court": lambda c: m.cases_by_court(c, f()),
        "by_region_337_5": lambda c: m.cases_by_region(c, f(article="337", part="5")),
        "cases_behind_a_month": lambda c: m.list_cases(c, f(), "month", "2024-02", limit=100),
    }


HEADLINE = headline_queries()
# A year before the synthetic data's last seen day (issue 11: past figures at 1M cases,
# target p95 < 300 ms).
AS_OF = dt.date(2024, 12, 31)
SECONDARY = {  # reported, not part of the headline p95: recompute history for a past day
    "as_of_cases_by_month": lambda c: m.cases_received_by_month(
        c, Filter(article="337", as_of=dt.date(2024, 6, 30))
    ),
    "completeness_by_month": lambda c: m.completeness_by_month(c, Filter(article="337")),
}


def time_queries(path: Path, queries: dict, repeat: int) -> dict[str, tuple[float, float]]:
    con = connect_path(path, read_only=True)
    out = {}
    for name, query in queries.items():
        query(con)  # warm
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            query(con)
            samples.append((time.perf_counter() - t) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        out[name] = (statistics.median(samples), p95)
    con.close()
    return out


def replay_and_compare(path: Path, queries: dict) -> dict[str, float]:
    """Each query answered by the replay of the history (the reference) and by the default
    way; raises unless both give the same result. Returns the replay's milliseconds."""
    con = connect_path(path, read_only=True)
    out = {}
    for name, query in queries.items():
        fast = query(con)
        t = time.perf_counter()
        with m.history_replay():
            reference = query(con)
        out[name] = (time.perf_counter() - t) * 1000
        if fast != reference:
            raise SystemExit(f"{name}: the history and the replay differ as of {AS_OF}")
    con.close()
    return out


def time_ingest(root: Path, n_cases: int) -> tuple[int, int, float]:
    """WARC records of listing pages (25 rows) and one card per case; returns (records,
    rows + cards, seconds of ingest)."""
    data_dir = DataDir(root).ensure()
    archive = SyntheticArchive(data_dir.archive)
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    rows = [
        row(
            str(i),
            f"1-{i}/2024",
            dt.date(2024, 1, 1) + dt.timedelta(days=i % 60),
            [defendant(f"Фамилия{i} Имя Отчество", "ст.337 ч.5 УК РФ")],
        )
        for i in range(n_cases)
    ]
    archive.write_listing(
        "gvs0.example", "10GV0000", rows, dt.date(2024, 1, 1), dt.date(2024, 3, 1), start
    )
    for i in range(n_cases):
        archive.write_card(
            "gvs0.example",
            "10GV0000",
            str(i),
            card(
                f"1-{i}/2024",
                dt.date(2024, 1, 1) + dt.timedelta(days=i % 60),
                [defendant(f"Фамилия{i} Имя Отчество", "ст.337 ч.5 УК РФ")],
                result="Вынесен ПРИГОВОР",
                result_date=dt.date(2024, 4, 1),
            ),
            start + dt.timedelta(seconds=i),
        )
    archive.close()
    t = time.perf_counter()
    summary = ingest(data_dir, reader=archive.book)
    return summary.records, n_cases * 2, time.perf_counter() - t


def time_real_ingest(root: Path, n_cards: int) -> tuple[int, float] | None:
    """Cards rendered by the sandbox (real markup), archived, then ingested through the real
    parser: records per second including parsing. None when the sandbox is unavailable."""
    try:
        from kartoteka.harvest.warc import WarcWriter
        from kartoteka.sandbox import SandboxConfig, build_site
        from kartoteka.sudrf.urls import MODULE_PATH, card_url, parse_query
    except ImportError:
        return None
    from urllib.parse import urlsplit

    site = build_site(SandboxConfig(seed=1, faults="none", now=dt.date(2025, 6, 30)))
    courts = {c.code: c for c in site.network}
    data_dir = DataDir(root).ensure()
    writer = WarcWriter(data_dir.archive)
    written = 0
    for case in _truth(site):
        if written >= n_cards:
            break
        court = courts.get(case.court_code)
        if court is None or case.instance != "first" or not case.visible:
            continue
        url = card_url(court.host, court.dialect, case.case_id, case.uid)
        query = urlsplit(url).query
        page = site.page(court, MODULE_PATH, query, parse_query(query))
        if page.status != 200 or page.kind != "card":
            continue
        writer.write_exchange(
            url,
            {},
            200,
            page.headers,
            page.body,
            court.code,
            "card",
            True,
            "bench",
            dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        )
        written += 1
    writer.close()
    t = time.perf_counter()
    summary = ingest(data_dir)
    return summary.records, time.perf_counter() - t


DERIVED = (
    "cases",
    "case_charges",
    "case_states",
    "listing_sightings",
    "removal_evidence",
    "removal_receipts",
)
QUARTER = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))  # receipts listed by the daily harvest
RUN_A, RUN_B = dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)


def _derived_digest(con) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Row count and an order-free sum of row hashes of every derived table (and of the
    derived column of case_versions)."""
    out = [
        con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone() for table in DERIVED
    ]
    out.append(
        con.execute(
            "SELECT sum(hash(case_key, version, last_seen_at)) FROM case_versions"
        ).fetchone()
    )
    return out


def time_incremental_refresh(path: Path, root: Path, courts: int = 10) -> tuple[int, float, float]:
    """A daily harvest's ingest into the loaded store, through the real writer
    (`ingest_records`): for `courts` courts, two runs a day apart of the window of a
    quarter's receipts (every case the store has there, with a listing version of its own;
    the second run without one case in fifty: removals), the cards of a third of those cases
    with a verdict (new versions, changed outcomes), and ten new cases a court. Returns
    (records, seconds of the refresh inside that ingest, seconds of the full
    `refresh_derived` of the same store), after checking that both give the same rows."""
    con = connect_path(path)
    rows_by_court: dict[str, list[tuple[str, dt.date]]] = {}
    for court_code, case_id, entry in con.execute(
        "SELECT court_code, case_id, entry_date FROM cases WHERE entry_date BETWEEN ? AND ? "
        "AND court_code IN (SELECT code FROM courts ORDER BY position LIMIT ?) ORDER BY ALL",
        [*QUARTER, courts],
    ).fetchall():
        rows_by_court.setdefault(court_code, []).append((case_id, entry))
    hosts = dict(con.execute("SELECT code, host FROM courts").fetchall())
    archive = SyntheticArchive(root / "archive")
    for n, (court_code, cases) in enumerate(rows_by_court.items()):
        cases = cases + [(f"new-{n}-{i}", QUARTER[1]) for i in range(10)]
        for run_id, at, keep in (("bench-a", RUN_A, 1), ("bench-b", RUN_B, 50)):
            archive.run_id = run_id
            shown = [c for i, c in enumerate(cases) if keep == 1 or i % keep != 7]
            listed = [
                row(
                    cid,
                    f"1-{cid}/2025",
                    entry,
                    [defendant(f"Фамилия{cid} Имя", "ст.337 ч.5 УК РФ")],
                )
                for cid, entry in shown
            ]
            archive.write_listing(hosts[court_code], court_code, listed, *QUARTER, at, article="")
        for i, (cid, entry) in enumerate(cases[::3]):
            verdict = card(
                f"1-{cid}/2025",
                entry,
                [defendant(f"Фамилия{cid} Имя", "ст.337 ч.5 УК РФ")],
                result="Вынесен ПРИГОВОР",
                result_date=entry + dt.timedelta(days=30),
            )
            archive.write_card(
                hosts[court_code], court_code, cid, verdict, RUN_B + dt.timedelta(seconds=60 + i)
            )
    archive.close()
    timed: list[float] = []

    def refresh(con, new_records=None):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        refresh_derived(con, new_records)
        timed.append(time.perf_counter() - started)

    store_ingest.refresh_derived = refresh  # type: ignore[assignment]
    try:
        summary = ingest_records(
            con,
            iter_responses_fast(root / "archive"),
            NamePolicy(b"bench-secret"),
            archive.book,
        )
    finally:
        store_ingest.refresh_derived = refresh_derived
    incremental = _derived_digest(con)
    con.execute("BEGIN TRANSACTION")
    started = time.perf_counter()
    refresh_derived(con)
    full_s = time.perf_counter() - started
    full = _derived_digest(con)
    con.execute("ROLLBACK")
    con.close()
    if incremental != full:
        raise SystemExit("the incremental refresh and the full refresh_derived differ")
    return summary.records, timed[0], full_s


def _truth(site):  # type: ignore[no-untyped-def]
    from kartoteka.sandbox import truth_cases

    return truth_cases(site.caseload, site.now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--ingest-cases", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kartoteka-bench-") as tmp:
        path = Path(tmp) / "bench.duckdb"
        load_s = load_synthetic(path, args.cases)
        print(
            f"loaded {args.cases:,} synthetic cases (history + derived tables) in "
            f"{load_s:.1f} s ({args.cases / load_s:,.0f} cases/s)"
        )
        con = connect_path(path, read_only=True)
        baseline_ms = _baseline(con, args.repeat)
        con.close()
        print(f"baseline: count(*) over cases, median {baseline_ms:.2f} ms")
        print(f"{'query':34} {'median_ms':>10} {'p95_ms':>8} {'x_baseline':>10}")
        headline = time_queries(path, HEADLINE, args.repeat)
        for name, (med, p95) in headline.items():
            print(f"{name:34} {med:10.1f} {p95:8.1f} {med / baseline_ms:10.1f}")
        for name, (med, p95) in time_queries(path, SECONDARY, max(3, args.repeat // 5)).items():
            print(f"{name + ' (secondary)':34} {med:10.1f} {p95:8.1f} {med / baseline_ms:10.1f}")
        as_of = time_queries(path, headline_queries(AS_OF), max(3, args.repeat // 10))
        replayed = replay_and_compare(path, headline_queries(AS_OF))
        print(f"{'query as of ' + str(AS_OF):34} {'median_ms':>10} {'p95_ms':>8} {'replay_ms':>10}")
        for name, (med, p95) in as_of.items():
            print(f"{name:34} {med:10.1f} {p95:8.1f} {replayed[name]:10.1f}")
        print(
            f"as of {AS_OF}: every headline query equals the replay of the history; "
            f"median speed-up {statistics.median(replayed[k] / as_of[k][0] for k in as_of):.1f}x"
        )
        asof_worst = max(p95 for _, p95 in as_of.values())
        records, rows, seconds = time_ingest(Path(tmp) / "ingest", args.ingest_cases)
        print(
            f"ingest: {records:,} WARC records ({rows:,} listing rows + cards) in "
            f"{seconds:.2f} s = {records / seconds:,.0f} records/s, "
            f"{rows / seconds:,.0f} rows/s"
        )
        real = time_real_ingest(Path(tmp) / "real", args.ingest_cases)
        if real:
            print(
                f"ingest with the real parser (sandbox-rendered cards): {real[0]:,} records "
                f"in {real[1]:.2f} s = {real[0] / real[1]:,.0f} records/s"
            )
        records, incremental_s, full_s = time_incremental_refresh(path, Path(tmp) / "incr")
        print(
            f"refresh after an incremental ingest of {records:,} records: {incremental_s:.2f} s; "
            f"full refresh_derived of the same store {full_s:.1f} s (same rows)"
        )
        print(f"refresh_ratio {full_s / incremental_s:.1f}")
        print(f"asof_p95_ms {asof_worst:.1f}")
        worst = max(p95 for _, p95 in headline.values())
        print(f"p95_ms {worst:.1f}")


def _baseline(con, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        con.execute("SELECT count(*) FROM cases").fetchall()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
