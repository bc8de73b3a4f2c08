"""End to end against the sandbox: harvest, ingest, and every metric equals the same metric
computed independently from the sandbox's ground-truth file (cases.csv), never through the
store. Then a simulated month later: the incremental update matches a fresh full run, and
"as of" the first harvest reproduces the first numbers."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import Counter
from pathlib import Path

import pytest

from kartoteka.paths import DataDir
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect, dump_tables
from kartoteka.store.ingest import ingest

sandbox = pytest.importorskip("kartoteka.sandbox")
harvester = pytest.importorskip("kartoteka.harvest.harvester")
from kartoteka.harvest.planner import PlanOptions  # noqa: E402
from kartoteka.harvest.politeness import for_sandbox  # noqa: E402

SINCE = dt.date(2022, 1, 1)
T1 = dt.date(2024, 6, 30)
T2 = dt.date(2024, 7, 31)


def _pick(sb) -> list:
    """Garrison courts covering both templates and both dialects, one that hides articles in
    its listings, one that removes a case between T1 and T2, and the district court above
    one of them (appeals)."""
    load = Counter(c.court_code for c in sb.truth if c.instance == "first")
    sb.set_now(T2)
    removing = {
        t.court_code
        for t in sb.truth
        if t.removed_from and T1 < t.removed_from <= T2 and t.visible_from <= T1
    }
    sb.set_now(T1)
    usable = [c for c in sb.courts if not c.captcha and not c.always_down]
    garrison = sorted(
        (c for c in usable if c.court.level.value == "garrison"),
        key=lambda c: (-load[c.code], c.code),
    )
    pick = garrison[:2]
    pick += [c for c in garrison if c.template.value == "new" and c not in pick][:1]
    pick += [c for c in garrison if c.hides_listing_articles and c not in pick][:1]
    pick += [c for c in garrison if c.code in removing and c not in pick][:1]
    superior = next(c for c in usable if c.code == pick[0].superior)
    return [c.court for c in [*pick, superior]]


def _truth(sb, out: Path) -> list[dict[str, str]]:
    paths = sandbox.write_truth(out, sb.truth, sb.courts)
    with open(paths["cases_csv"], newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _harvest_and_ingest(sb, data_dir: DataDir, courts, until: dt.date):
    # The harvester measures card freshness in real seconds, and the sandbox clock jumps a
    # month between two harvests a few seconds apart: every undecided card counts as stale.
    # It also refreshes only the cards of cases listed in the run, and re-lists only recent
    # windows (6 months): an undecided older case would never be updated, so re-list all.
    # Every card is read (not only Chapter 33): a suspension shows only on the card, and the
    # truth's outcomes cover every case.
    options = PlanOptions(
        since=SINCE, until=until, card_max_age=0.0, recent_months=36, all_cards=True
    )
    report = harvester.harvest(data_dir, courts, for_sandbox(), options, sandbox_url=sb.url)
    assert all(c.status.value == "ok" for c in report.courts), report.courts
    return ingest(data_dir)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Truth:
    """Truth-side metrics, computed from the ground-truth rows only."""

    def __init__(self, rows: list[dict[str, str]], codes: set[str], now: dt.date) -> None:
        def visible(r):
            removed = _date(r["removed_from"])
            return _date(r["visible_from"]) <= now and (removed is None or removed > now)

        self.all = [
            r
            for r in rows
            if r["court_code"] in codes and visible(r) and _date(r["entry_date"]) >= SINCE
        ]
        self.first = [r for r in self.all if r["instance"] == "first"]

    def by_month(self, article: str | None = None) -> dict[str, int]:
        return dict(
            Counter(
                r["entry_date"][:7]
                for r in self.first
                if article is None or article in _articles(r)
            )
        )

    def defendants_by_month(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for r in self.first:
            out[r["entry_date"][:7]] += int(r["defendants"])
        return dict(out)

    def principal(self) -> dict[str, int]:
        return dict(Counter(r["principal_article"] for r in self.first))

    def parts(self) -> dict[str, int]:
        return dict(Counter(k for r in self.first for k in set(r["charges"].split(";"))))

    def outcomes(self) -> dict[str, int]:
        return dict(Counter(r["result_kind"] for r in self.first))

    def verdicts_by_month(self) -> dict[str, int]:
        return dict(
            Counter(r["result_date"][:7] for r in self.first if r["result_kind"] == "verdict")
        )

    def by_court(self) -> dict[str, int]:
        return dict(Counter(r["court_code"] for r in self.first))

    def days_to_verdict(self) -> list[int]:
        return sorted(
            (_date(r["result_date"]) - _date(r["entry_date"])).days
            for r in self.first
            if r["result_kind"] == "verdict"
        )


def _articles(row: dict[str, str]) -> set[str]:
    return {
        k.split(".")[0] if not k.startswith("352.1") else "352.1" for k in row["charges"].split(";")
    }


def _store_metrics(con, flt: Filter) -> dict[str, object]:
    return {
        "by_month": {x.period: x.cases for x in m.cases_received_by_month(con, flt)},
        "defendants_by_month": {
            x.period: x.defendants for x in m.cases_received_by_month(con, flt)
        },
        "by_month_337": {
            x.period: x.cases
            for x in m.cases_received_by_month(con, Filter(**{**_fields(flt), "article": "337"}))
        },
        "principal": {a.article: a.cases for a in m.cases_by_principal_article(con, flt)},
        "parts": {c.charge: c.cases for c in m.cases_by_charge(con, flt)},
        "outcomes": {o.outcome: o.cases for o in m.outcomes(con, flt)},
        "verdicts_by_month": {x.period: x.cases for x in m.verdicts_by_month(con, flt)},
        "by_court": {g.key: g.cases for g in m.cases_by_court(con, flt)},
        "days_to_verdict": m.days_to_verdict(con, flt),
        "appeals": {a.result: a.cases for a in m.appeals(con, flt)},
    }


def _fields(flt: Filter) -> dict[str, object]:
    return {k: getattr(flt, k) for k in flt.__dataclass_fields__}


def _truth_metrics(truth: Truth) -> dict[str, object]:
    days = truth.days_to_verdict()
    return {
        "by_month": truth.by_month(),
        "defendants_by_month": truth.defendants_by_month(),
        "by_month_337": truth.by_month("337"),
        "principal": truth.principal(),
        "parts": truth.parts(),
        "outcomes": truth.outcomes(),
        "verdicts_by_month": truth.verdicts_by_month(),
        "by_court": truth.by_court(),
        "days_to_verdict": m.DurationStats(len(days), statistics.median(days), *_quartiles(days)),
        "appeals": dict(
            Counter(r["appeal_result"] or "pending" for r in truth.all if r["instance"] == "appeal")
        ),
    }


def _quartiles(days: list[int]) -> tuple[float, float]:
    q = statistics.quantiles(days, n=4, method="inclusive")
    return q[0], q[2]


def _assert_equal(store: dict[str, object], truth: dict[str, object]) -> None:
    """Exact equality, metric by metric (outcomes included: the truth knows when a suspended
    case was resumed, as its card says, and calls it pending from then)."""
    for name in store:
        assert store[name] == truth[name], name


@pytest.mark.slow
def test_sandbox_harvest_ingest_metrics_equal_the_ground_truth(tmp_path):
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=T1)
    with sandbox.run_sandbox(config) as sb:
        courts = _pick(sb)
        codes = {c.code for c in courts}
        data_dir = DataDir(tmp_path / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        summary = _harvest_and_ingest(sb, data_dir, courts, T1)
        assert summary.parse_failures == 0 and summary.cases > 100
        truth1 = Truth(_truth(sb, tmp_path / "truth1"), codes, T1)
        con = connect(data_dir, read_only=True)
        at_t1 = _store_metrics(con, Filter())
        con.close()
        _assert_equal(at_t1, _truth_metrics(truth1))
        assert at_t1["appeals"] and at_t1["outcomes"]["suspended"]  # both were exercised

        # a simulated month later: new cases, decisions, removals
        sb.set_now(T2)
        _harvest_and_ingest(sb, data_dir, courts, T2)
        truth2 = Truth(_truth(sb, tmp_path / "truth2"), codes, T2)
        con = connect(data_dir, read_only=True)
        # Simulated pages count as seen on the sandbox's calendar: as of T1 is the first harvest.
        assert _store_metrics(con, Filter(as_of=T1)) == at_t1
        current = _store_metrics(con, Filter(include_removed=False))
        incremental = dump_tables(con)
        removed = {
            (r[0], r[1])
            for r in con.execute(
                "SELECT court_code, case_id FROM cases WHERE removed_at IS NOT NULL "
                "AND instance = 'first'"
            ).fetchall()
        }
        con.close()
        _assert_equal(current, _truth_metrics(truth2))
        assert removed, "the simulated month removes some cases"
        was_there = {(r["court_code"], r["case_id"]) for r in truth1.first}
        assert removed == was_there - {(r["court_code"], r["case_id"]) for r in truth2.first}

        # a fresh full run at T2 (harvest from nothing) gives the same numbers
        fresh_dir = DataDir(tmp_path / "fresh").ensure()
        import_courts(fresh_dir, [c.court for c in sb.courts])
        _harvest_and_ingest(sb, fresh_dir, courts, T2)
        con = connect(fresh_dir, read_only=True)
        assert _store_metrics(con, Filter()) == current
        con.close()

    # and re-reading the same archive from scratch gives the same store
    ingest(data_dir, rebuild=True)
    con = connect(data_dir, read_only=True)
    assert dump_tables(con) == incremental
    con.close()


def test_update_command_harvests_ingests_and_stats_match_the_truth(tmp_path):
    from typer.testing import CliRunner

    from kartoteka.cli import app

    config = sandbox.SandboxConfig(seed=3, faults="none", scale=0.2, now=T1)
    with sandbox.run_sandbox(config) as sb:
        court = _pick(sb)[0]
        data_dir = DataDir(tmp_path / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        common = ["--data-dir", str(data_dir.root)]
        result = CliRunner().invoke(
            app,
            [
                "update",
                "--sandbox",
                sb.url,
                "--courts",
                court.code,
                "--since",
                "2024-01-01",
                "--until",
                T1.isoformat(),
                "--no-progress",
                "--no-prompt-captcha",
                *common,
            ],
        )
        assert result.exit_code == 0, result.output
        assert "cases in the store" in result.output
        truth = [
            r
            for r in _truth(sb, tmp_path / "truth")
            if r["court_code"] == court.code
            and r["instance"] == "first"
            and r["entry_date"] >= "2024-01-01"
            and _date(r["visible_from"]) <= T1
            and (not r["removed_from"] or _date(r["removed_from"]) > T1)
        ]
    stats = CliRunner().invoke(app, ["stats", "--by", "month", "--format", "json", *common])
    assert stats.exit_code == 0, stats.output
    import json

    rows = json.loads(stats.stdout[stats.stdout.index("[") :])
    assert {r["period"]: r["cases"] for r in rows} == dict(
        Counter(r["entry_date"][:7] for r in truth)
    )
