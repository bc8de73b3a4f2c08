"""`kartoteka demo`: the whole pipeline on a fresh machine with no network, in a minute or two.

1. starts the sandbox (simulated court sites, kartoteka.sandbox) in-process on localhost;
2. imports its court registry and harvests a handful of its courts with the real harvester
   (the same polite gateway, with the sandbox's scaled-down intervals, realistic faults:
   429s, throttle pages, 5xx, slow answers);
3. ingests the WARC archive into the store;
4. prints the headline figures, each beside the same figure counted directly from the
   sandbox's ground truth (never through the store), so the demo shows that the numbers
   are reproducible, not just that they exist;
5. writes the offline report, and with `--serve` serves the dashboard.

Everything lands in a fresh data directory (a temporary one unless given), never in the
user's real one: simulated cases must not mix with real ones. Every page says "simulated".
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kartoteka.errors import KartotekaError
from kartoteka.paths import DataDir

DEMO_SINCE = dt.date(2022, 1, 1)  # harvest windows start here: covers "since mobilisation"
WATCHED_PRINCIPAL = ("337", "338", "332", "339", "352.1")


class DemoError(KartotekaError):
    """The demo cannot run (e.g. the data directory already holds a store)."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    data_dir: Path | None = None  # None: a new temporary directory
    courts: int = 8  # garrison courts to harvest (the busiest usable ones)
    seed: int = 1
    scale: float = 0.3  # share of the national caseload the sandbox simulates
    faults: str = "realistic"
    now: dt.date | None = None  # the sandbox clock (None: today)
    lang: str = "ru"
    report: Path | None = None  # None: <data dir>/report.html


@dataclass(frozen=True, slots=True)
class DemoFigure:
    key: str
    label: str
    store: int | str | None  # computed by kartoteka.stats from the store
    truth: int | str | None  # counted from the sandbox's ground truth

    @property
    def matches(self) -> bool:
        return self.store == self.truth


@dataclass(slots=True)
class DemoResult:
    data_dir: DataDir
    report: Path
    now: dt.date
    courts: list[str]
    requests: int
    cases_ingested: int
    parse_failures: int
    seconds: float
    figures: list[DemoFigure] = field(default_factory=list)

    @property
    def all_match(self) -> bool:
        return all(f.matches for f in self.figures)


def _pick_courts(sb: Any, n: int) -> list[Any]:
    """The n busiest garrison courts that can be harvested without a person (no captcha, not
    permanently down), in the sandbox's deterministic order."""
    load = Counter(t.court_code for t in sb.truth if t.instance == "first")
    usable = [
        c
        for c in sb.courts
        if not c.captcha and not c.always_down and c.court.level.value == "garrison"
    ]
    usable.sort(key=lambda c: (-load[c.code], c.code))
    return usable[:n]


def truth_figures(truth: list[Any], codes: set[str], now: dt.date) -> dict[str, int | str | None]:
    """The headline figures counted straight from the ground truth of the harvested courts:
    first-instance cases visible on the sites at `now`, received since DEMO_SINCE."""
    from kartoteka.stats.metrics import MOBILISATION

    cases = [
        t
        for t in truth
        if t.court_code in codes
        and t.instance == "first"
        and t.visible_from <= now
        and (t.removed_from is None or t.removed_from > now)
        and t.entry_date >= DEMO_SINCE
    ]
    year = now.year
    ytd = sum(1 for t in cases if t.entry_date.year == year)
    previous = sum(1 for t in cases if t.entry_date.year == year - 1)
    overtaken = None
    this_year = sorted(t.entry_date for t in cases if t.entry_date.year == year)
    for running, day in enumerate(this_year, start=1):
        if running > previous:
            overtaken = day.isoformat()
            break
    out: dict[str, int | str | None] = {
        "since_mobilisation": sum(1 for t in cases if t.entry_date >= MOBILISATION),
        "ytd": ytd,
        "last_year": previous,
        "overtaken": overtaken,
        "verdicts": sum(1 for t in cases if t.result_kind == "verdict"),
    }
    principal = Counter(t.principal_article for t in cases)
    for article in WATCHED_PRINCIPAL:
        out[f"principal_{article}"] = principal.get(article, 0)
    return out


def store_figures(con: Any, now: dt.date) -> dict[str, int | str | None]:
    """The same figures from the store, through kartoteka.stats (as the dashboard shows them)."""
    from kartoteka.stats import metrics as m

    flt = m.Filter()
    ytd = m.ytd_vs_previous_year(con, flt, year=now.year)
    out: dict[str, int | str | None] = {
        "since_mobilisation": m.cumulative_cases(con, flt).cases,
        "ytd": ytd.ytd_cases,
        "last_year": ytd.previous_year_cases,
        "overtaken": ytd.overtaken_on.isoformat() if ytd.overtaken_on else None,
        "verdicts": sum(x.cases for x in m.outcomes(con, flt) if x.outcome == "verdict"),
    }
    principal = {a.article: a.cases for a in m.cases_by_principal_article(con, flt)}
    for article in WATCHED_PRINCIPAL:
        out[f"principal_{article}"] = principal.get(article, 0)
    return out


LABELS = {
    "since_mobilisation": "cases since mobilisation (21.09.2022)",
    "ytd": "cases received this year",
    "last_year": "cases received in the whole of last year",
    "overtaken": "date this year overtook last year",
    "verdicts": "verdicts",
    **{f"principal_{a}": f"cases by principal article {a}" for a in WATCHED_PRINCIPAL},
}


def run_demo(options: DemoOptions, progress: Callable[[str], None] = print) -> DemoResult:
    """Run the demo (see the module docstring). `progress` receives one line per step."""
    from kartoteka import sandbox
    from kartoteka.harvest.harvester import harvest
    from kartoteka.harvest.planner import PlanOptions
    from kartoteka.harvest.politeness import for_sandbox
    from kartoteka.report.html import write_report
    from kartoteka.store.courts import import_courts
    from kartoteka.store.db import connect
    from kartoteka.store.ingest import ingest

    started = time.perf_counter()
    root = options.data_dir or Path(tempfile.mkdtemp(prefix="kartoteka-demo-"))
    data_dir = DataDir(Path(root).expanduser().resolve())
    if data_dir.store.exists():
        raise DemoError(
            f"{data_dir.root} already holds a store: the demo needs a fresh data "
            "directory (simulated cases must never mix with real ones)"
        )
    data_dir.ensure()
    now = options.now or dt.date.today()
    config = sandbox.SandboxConfig(
        seed=options.seed, faults=options.faults, scale=options.scale, now=now
    )
    progress(f"data directory: {data_dir.root}")
    with sandbox.run_sandbox(config) as sb:
        progress(f"sandbox: {len(sb.courts)} simulated courts at {sb.url} (clock {now})")
        import_courts(data_dir, [c.court for c in sb.courts])
        picked = _pick_courts(sb, options.courts)
        codes = {c.code for c in picked}
        progress(
            f"harvesting {len(picked)} courts with the real harvester "
            f"(sandbox intervals, {options.faults} faults): {', '.join(sorted(codes))}"
        )
        report = harvest(
            data_dir,
            [c.court for c in picked],
            for_sandbox(),
            PlanOptions(since=DEMO_SINCE, until=now),
            sandbox_url=sb.url,
        )
        requests = report.requests
        failed = [c for c in report.courts if c.status.value != "ok"]
        for court in failed:
            progress(f"  court {court.code}: {court.status.value} {court.detail or ''}")
        progress(
            f"harvested: {report.requests} requests in {report.elapsed:.0f} s, "
            f"{report.new_cases} cases"
        )
        truth = truth_figures(sb.truth, codes, now)
    progress("ingesting the archive into the store")
    summary = ingest(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        stored = store_figures(con, now)
    finally:
        con.close()
    figures = [DemoFigure(k, LABELS[k], stored[k], truth[k]) for k in truth]
    out = options.report or data_dir.root / "report.html"
    progress(f"writing the report: {out}")
    write_report(data_dir, out, lang=options.lang)
    return DemoResult(
        data_dir=data_dir,
        report=out,
        now=now,
        courts=sorted(codes),
        requests=requests,
        cases_ingested=summary.cases,
        parse_failures=summary.parse_failures,
        seconds=time.perf_counter() - started,
        figures=figures,
    )
