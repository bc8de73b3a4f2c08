"""Sentences end to end against the sandbox: harvest two courts (both templates), ingest,
and every sentence metric (by punishment, share suspended, real terms by article and part,
regime, service, per month, each with its published share) equals the same figure computed
from the sandbox's ground truth (`truth_cases` for the verdicts and whether their act is
published, `truth_sentences` for what each act states), never through the store. Then a
simulated month later: the figures as of today match the new truth, and as of the first
harvest they reproduce the first figures."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import pytest

from kartoteka.paths import DataDir
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect
from kartoteka.store.ingest import ingest

sandbox = pytest.importorskip("kartoteka.sandbox")
harvester = pytest.importorskip("kartoteka.harvest.harvester")
from kartoteka.harvest.planner import PlanOptions  # noqa: E402
from kartoteka.harvest.politeness import for_sandbox  # noqa: E402
from kartoteka.sandbox.truth import truth_sentences  # noqa: E402

SINCE = dt.date(2023, 1, 1)
T1 = dt.date(2024, 6, 30)
T2 = dt.date(2024, 7, 31)


def _pick(sb) -> list:
    """The busiest usable garrison court of each template."""
    load = Counter(c.court_code for c in sb.truth if c.instance == "first")
    usable = [
        c
        for c in sb.courts
        if not c.captcha and not c.always_down and c.court.level.value == "garrison"
    ]
    out = []
    for template in ("classic", "new"):
        ranked = sorted(
            (c for c in usable if c.template.value == template),
            key=lambda c: (-load[c.code], c.code),
        )
        out.append(ranked[0].court)
    return out


def _harvest_and_ingest(sb, data_dir: DataDir, courts, until: dt.date) -> None:
    # as in test_stats_sandbox_e2e: every card re-read, every window re-listed
    options = PlanOptions(
        since=SINCE, until=until, card_max_age=0.0, recent_months=36, all_cards=True
    )
    report = harvester.harvest(data_dir, courts, for_sandbox(), options, sandbox_url=sb.url)
    assert all(c.status.value == "ok" for c in report.courts), report.courts
    summary = ingest(data_dir)
    assert summary.parse_failures == 0, summary.failures


def _share(published: int, verdicts: int) -> float | None:
    return published / verdicts if verdicts else None


def _terms(values: list[int]) -> tuple[float, float, float]:
    if len(values) == 1:
        return float(values[0]), float(values[0]), float(values[0])
    q = statistics.quantiles(values, n=4, method="inclusive")
    return float(statistics.median(values)), q[0], q[2]


def _truth_figures(
    sb, codes: set[str], now: dt.date, article: str | None = None
) -> dict[str, object]:
    """Every sentence figure from the ground truth alone (of the cases charged under
    `article`, multi-label, when given)."""
    verdicts = {
        (t.court_code, t.case_id): t
        for t in sb.truth
        if t.court_code in codes
        and t.instance == "first"
        and t.visible
        and t.entry_date >= SINCE
        and t.result_kind == "verdict"
        and (article is None or article in {c.split(".")[0] for c in t.charges.split(";")})
    }
    published = sum(1 for t in verdicts.values() if t.act_published)
    share = _share(published, len(verdicts))
    rows = [
        r
        for r in truth_sentences(sb.site.caseload, now, sorted(codes))
        if r["instance"] == "first" and (r["court_code"], r["case_id"]) in verdicts
    ]

    def grouped(column: str, keep=lambda r: True) -> dict[object, tuple[int, int]]:
        out: dict[object, set] = defaultdict(set)
        n: Counter = Counter()
        for r in rows:
            if keep(r):
                key = r[column] or None
                n[key] += 1
                out[key].add(r["case_id"])
        return {k: (n[k], len(out[k])) for k in n}

    terms: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r["punishment"] == "imprisonment" and r["term_months"] != "":
            for charge in dict.fromkeys(r["articles"].split(";")):
                terms[charge].append(int(r["term_months"]))
    charged: dict[str, list[bool]] = defaultdict(list)
    for t in verdicts.values():
        for charge in set(t.charges.split(";")):
            charged[charge].append(t.act_published)
    months: dict[str, list] = defaultdict(lambda: [0, set(), 0, 0])
    for t in verdicts.values():
        month = months[t.result_date.isoformat()[:7]]
        month[2] += int(t.act_published)
        month[3] += 1
    for r in rows:
        month = months[verdicts[(r["court_code"], r["case_id"])].result_date.isoformat()[:7]]
        month[0] += 1
        month[1].add(r["case_id"])
    suspended = sum(1 for r in rows if r["punishment"] == "suspended_imprisonment")
    return {
        "verdicts": (len(verdicts), share),
        "punishment": grouped("punishment"),
        "service": grouped("service"),
        "regime": grouped("regime", lambda r: r["punishment"] == "imprisonment"),
        "suspended": (len(rows), suspended),
        "terms": {
            k: (len(v), *_terms(v), _share(sum(charged[k]), len(charged[k])))
            for k, v in terms.items()
        },
        "months": {k: (n, len(c), _share(p, v)) for k, (n, c, p, v) in months.items()},
    }


def _store_figures(con, flt: Filter) -> dict[str, object]:
    punish = m.sentences_by_punishment(con, flt)
    suspended = m.suspended_share(con, flt)
    shares = {g.published_share for g in punish} | {suspended.published_share}
    assert len(shares) == 1, "one selection, one published share"
    return {
        "verdicts": (suspended.verdicts, suspended.published_share),
        "punishment": {g.key: (g.sentences, g.cases) for g in punish},
        "service": {g.key: (g.sentences, g.cases) for g in m.sentences_by_service(con, flt)},
        "regime": {g.key: (g.sentences, g.cases) for g in m.sentences_by_regime(con, flt)},
        "suspended": (suspended.sentences, suspended.suspended),
        "terms": {
            t.charge: (t.sentences, t.median_months, t.q1_months, t.q3_months, t.published_share)
            for t in m.real_terms(con, flt)
        },
        "months": {
            g.key: (g.sentences, g.cases, g.published_share) for g in m.sentences_by_month(con, flt)
        },
    }


@pytest.mark.slow
def test_sentence_metrics_equal_the_sandbox_truth_now_and_as_of_an_earlier_date(tmp_path):
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=T1)
    with sandbox.run_sandbox(config) as sb:
        courts = _pick(sb)
        codes = {c.code for c in courts}
        data_dir = DataDir(tmp_path / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        _harvest_and_ingest(sb, data_dir, courts, T1)
        truth1 = _truth_figures(sb, codes, T1)
        con = connect(data_dir, read_only=True)
        at_t1 = _store_figures(con, Filter(include_removed=False))
        assert at_t1 == truth1
        flt_337 = Filter(include_removed=False, article="337")
        assert _store_figures(con, flt_337) == _truth_figures(sb, codes, T1, "337")
        con.close()
        # the figures exercise what they claim to
        assert len(at_t1["punishment"]) >= 3 and at_t1["terms"] and at_t1["suspended"][1]
        verdicts, share = at_t1["verdicts"]
        assert verdicts > 20 and share is not None and 0 < share < 1

        sb.set_now(T2)
        _harvest_and_ingest(sb, data_dir, courts, T2)
        truth2 = _truth_figures(sb, codes, T2)
        con = connect(data_dir, read_only=True)
        try:
            assert _store_figures(con, Filter(include_removed=False)) == truth2
            assert _store_figures(con, Filter(include_removed=False, as_of=T1)) == at_t1
        finally:
            con.close()
        assert truth2 != truth1, "a month of decisions changes the figures"
    _cli_rows_are_the_metrics(data_dir, truth2)


def _cli_rows_are_the_metrics(data_dir: DataDir, truth: dict[str, object]) -> None:
    """`kartoteka stats --by punishment|service --format json`: one object per group with
    `sentences`, `cases` and the published share (removed cases included, as by default:
    the truth above leaves them out, so only the shape and the share's bounds are checked
    against it, the values against the metric)."""
    import json

    from typer.testing import CliRunner

    from kartoteka.cli import app

    con = connect(data_dir, read_only=True)
    try:
        expected = {
            "punishment": m.cases_by(con, Filter(), "punishment"),
            "service": m.cases_by(con, Filter(), "service"),
        }
    finally:
        con.close()
    for by, rows in expected.items():
        result = CliRunner().invoke(
            app, ["stats", "--by", by, "--format", "json", "--data-dir", str(data_dir.root)]
        )
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout[result.stdout.index("[") :])
        assert got == rows and got
        assert set(got[0]) == {by, "sentences", "cases", "published_share", "verdicts"}
        assert sum(r["sentences"] for r in got) >= sum(n for n, _ in truth[by].values())
