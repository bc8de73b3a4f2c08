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
from dataclasses import replace

import pytest

from act_archive import busiest_garrison_courts, site_urls, truth_verdicts, write_pages
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
from kartoteka.sandbox.acts import act_sentences  # noqa: E402
from kartoteka.sandbox.truth import truth_sentences  # noqa: E402
from kartoteka.sudrf.urls import Instance  # noqa: E402

SINCE = dt.date(2023, 1, 1)
T1 = dt.date(2024, 6, 30)
T2 = dt.date(2024, 7, 31)


def _pick(sb) -> list:
    """The busiest usable garrison court of each template, the one whose verdicts were most
    often changed on appeal, and the courts above them."""
    out = busiest_garrison_courts(sb)
    # the court whose verdicts were most often changed on appeal by T2, verdict and ruling
    # published, the ruling stating the new sentence (so that the final stage is exercised)
    changed: Counter = Counter()
    for court in sb.site.network:
        for case in sb.site.caseload.court(court.code).cases:
            lower = case.lower
            if case.instance is not Instance.APPEAL or lower is None or lower.entry_date < SINCE:
                continue
            both = case.act_published_at(T2) and lower.act_published_at(T2)
            if case.appeal_outcome == "changed" and both:
                changed[lower.court_code] += bool(act_sentences(case))
    by_code = {
        c.code: c
        for c in sb.courts
        if not c.captcha and not c.always_down and c.court.level.value == "garrison"
    }
    best = [code for code, n in changed.most_common() if n and code in by_code]
    if best and by_code[best[0]].court not in out:
        out.append(by_code[best[0]].court)
    # ... and the courts that hear their appeals (their own first-instance cases come too)
    superior = {c.code: c.superior for c in sb.courts}
    registry = {c.code: c.court for c in sb.courts}
    for code in sorted({superior[c.code] for c in out if superior[c.code]}):
        out.append(registry[code])
    return out


def _harvest_and_ingest(sb, data_dir: DataDir, courts, until: dt.date) -> None:
    # as in test_stats_sandbox_e2e: every card re-read, every window re-listed
    options = PlanOptions(
        since=SINCE, until=until, card_max_age=0.0, recent_months=36, all_cards=True, appeals=True
    )
    report = harvester.harvest(data_dir, courts, for_sandbox(), options, sandbox_url=sb.url)
    assert all(c.status.value == "ok" for c in report.courts), report.courts
    # and the act page (`name_op=doc`) each listing links, as the site shows it now: a card
    # not re-read once its case is final still gets its late-published act from its page
    codes = [c.code for c in courts]
    write_pages(data_dir.archive, sb.site, site_urls(sb.site, codes, SINCE, listings=False))
    summary = ingest(data_dir)
    assert summary.parse_failures == 0, summary.failures


def _share(published: int, verdicts: int) -> float | None:
    return published / verdicts if verdicts else None


def _terms(values: list[int]) -> tuple[float, float, float]:
    if len(values) == 1:
        return float(values[0]), float(values[0]), float(values[0])
    q = statistics.quantiles(values, n=4, method="inclusive")
    return float(statistics.median(values)), q[0], q[2]


def _after_appeal(sb, codes: set[str], now: dt.date, rows: list[dict]) -> list[dict]:
    """The truth rows as they stand after the appeal rulings the harvest saw (the appeal
    cases listed at the courts `codes` by `now`), from the sandbox's own links between an
    appeal and its first-instance case: a verdict overturned on appeal has no sentence left;
    a changed ruling whose act is published sets the defendant's new punishment and term
    (the regime stays the verdict's for a real term; the ruling names no articles)."""
    overturned: set[tuple[str, str]] = set()
    changed: dict[tuple[str, str], dict[str, object]] = {}
    for code in codes:
        for case in sb.site.caseload.court(code).cases:
            if case.instance is not Instance.APPEAL or case.lower is None:
                continue
            listed = SINCE <= case.entry_date <= now and case.visible_at(now)
            if not (listed and case.decided_at(now)):
                continue
            first = (case.lower.court_code, case.lower.case_id)
            if case.appeal_outcome == "overturned":
                overturned.add(first)
            elif case.appeal_outcome == "changed" and case.act_published_at(now):
                for t in act_sentences(case):
                    changed[(*first, t.defendant)] = {
                        "punishment": t.punishment,
                        "term_months": t.term_months,
                    }
    out = []
    for r in rows:
        if (r["court_code"], r["case_id"]) in overturned:
            continue
        new = changed.get((r["court_code"], r["case_id"], r["defendant"]))
        if new is not None:
            regime = r["regime"] if r["punishment"] == "imprisonment" else ""
            r = {**r, **new, "regime": regime if new["punishment"] == "imprisonment" else ""}
        out.append(r)
    return out


def _truth_figures(
    sb,
    codes: set[str],
    now: dt.date,
    article: str | None = None,
    final: bool = False,
    service: str | None = None,
) -> dict[str, object]:
    """Every sentence figure from the ground truth alone (of the cases charged under
    `article`, multi-label, when given; as they stand after appeal when `final`; only the
    sentences of defendants whose act states `service`, when given, the verdicts and so the
    published shares staying those of all verdicts)."""
    verdicts = truth_verdicts(sb, codes, SINCE, article)
    published = sum(1 for t in verdicts.values() if t.act_published)
    share = _share(published, len(verdicts))
    rows = [
        r
        for r in truth_sentences(sb.site.caseload, now, sorted(codes))
        if r["instance"] == "first" and (r["court_code"], r["case_id"]) in verdicts
    ]
    if final:
        rows = _after_appeal(sb, codes, now, rows)
    if service is not None:
        rows = [r for r in rows if r["service"] == service]

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
        if r["punishment"] == "imprisonment" and r["term_months"] not in ("", None):
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
    real = [
        int(r["term_months"])
        for r in rows
        if r["punishment"] == "imprisonment" and r["term_months"] not in ("", None)
    ]
    return {
        "overall": (len(real), *(_terms(real) if real else (None,) * 3), share),
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
    overall = m.real_terms_overall(con, flt)
    return {
        "overall": (
            overall.sentences,
            overall.median_months,
            overall.q1_months,
            overall.q3_months,
            overall.published_share,
        ),
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
    # scale 0.3: the smallest caseload with verdicts changed on appeal whose verdict and
    # ruling texts are both published (rare: each is published for about a third)
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.3, now=T1)
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
        final1 = _store_figures(con, Filter(include_removed=False, sentence_stage="final"))
        assert final1 == _truth_figures(sb, codes, T1, final=True)
        # within one service status, at both stages: the truth's sentences of the mobilised
        # (and of contract soldiers), the published share that of all verdicts
        mobilised1 = {}
        for service in ("mobilised", "contract"):
            for stage in ("handed_down", "final"):
                flt = Filter(include_removed=False, sentence_stage=stage, service=service)
                got = _store_figures(con, flt)
                truth = _truth_figures(sb, codes, T1, final=stage == "final", service=service)
                assert got == truth, (service, stage)
                assert got["verdicts"] == at_t1["verdicts"]
                if service == "mobilised":
                    mobilised1[stage] = got
        n_mobilised = sum(n for n, _ in mobilised1["handed_down"]["punishment"].values())
        n_all = sum(n for n, _ in at_t1["punishment"].values())
        assert 0 < n_mobilised < n_all, (n_mobilised, n_all)
        assert mobilised1["handed_down"]["terms"], "real terms of the mobilised to compare"
        # ... also of the cases charged under ст. 337
        mob_337 = replace(flt_337, service="mobilised")
        assert _store_figures(con, mob_337) == _truth_figures(
            sb, codes, T1, "337", service="mobilised"
        )
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
            final = Filter(include_removed=False, sentence_stage="final")
            final2 = _store_figures(con, final)
            assert final2 == _truth_figures(sb, codes, T2, final=True)
            assert _store_figures(con, replace(final, as_of=T1)) == final1
            for stage, expected in mobilised1.items():
                mob = Filter(include_removed=False, sentence_stage=stage, service="mobilised")
                assert _store_figures(con, mob) == _truth_figures(
                    sb, codes, T2, final=stage == "final", service="mobilised"
                )
                assert _store_figures(con, replace(mob, as_of=T1)) == expected
            changed = [r for r in m.list_sentences(con, final) if r.changed_by]
            assert changed and all("/appeal/" in r.changed_by for r in changed)
        finally:
            con.close()
        assert truth2 != truth1, "a month of decisions changes the figures"
        assert final2 != truth2, "appeal rulings change some sentences"
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
    _cli_after_appeal_and_cases(data_dir)


def _cli(data_dir: DataDir, *args: str) -> list[dict]:
    import json

    from typer.testing import CliRunner

    from kartoteka.cli import app

    result = CliRunner().invoke(
        app, ["stats", *args, "--format", "json", "--data-dir", str(data_dir.root)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("[") :])  # type: ignore[no-any-return]


def _cli_after_appeal_and_cases(data_dir: DataDir) -> None:
    """`--after-appeal` prints the final stage; `--by punishment --cases KEY` lists the
    sentenced defendants of that row, each with its case and the act's WARC record, as many
    as the row counts (and `--after-appeal --cases` those of the final row)."""
    con = connect(data_dir, read_only=True)
    try:
        final = Filter(sentence_stage="final")
        assert _cli(data_dir, "--by", "punishment", "--after-appeal") == m.cases_by(
            con, final, "punishment"
        )
        for stage, flags in ((Filter(), ()), (final, ("--after-appeal",))):
            for row in m.cases_by(con, stage, "punishment"):
                listed = _cli(data_dir, "--by", "punishment", "--cases", row["punishment"], *flags)
                assert len(listed) == row["sentences"]
                assert len({r["case_key"] for r in listed}) == row["cases"]
                assert {r["punishment"] for r in listed} == {row["punishment"]}
                evidence = con.execute(
                    "SELECT count(*) FROM fetch_log WHERE list_contains($refs, record_id)",
                    {"refs": [r["record_id"] for r in listed]},
                ).fetchone()[0]
                assert evidence == len({r["record_id"] for r in listed})
        for row in m.cases_by(con, Filter(), "service"):
            key = row["service"] or "none"
            assert len(_cli(data_dir, "--by", "service", "--cases", key)) == row["sentences"]
        # `--service mobilised`: the metrics with Filter.service, at both stages, and the
        # defendants behind each row all of that status
        for stage, flags in ((Filter(), ()), (final, ("--after-appeal",))):
            mob = replace(stage, service="mobilised")
            rows = m.cases_by(con, mob, "punishment")
            printed = _cli(data_dir, "--by", "punishment", "--service", "mobilised", *flags)
            assert rows and printed == rows
            for row in rows:
                listed = _cli(
                    data_dir,
                    "--by",
                    "punishment",
                    "--cases",
                    row["punishment"],
                    "--service",
                    "mobilised",
                    *flags,
                )
                assert len(listed) == row["sentences"]
                assert {r["service"] for r in listed} == {"mobilised"}
        mobilised_terms = m.cases_by(con, Filter(service="mobilised"), "term")
        assert _cli(data_dir, "--by", "term", "--service", "mobilised") == mobilised_terms
        expected_mobilised = m.cases_by(con, Filter(service="mobilised"), "punishment")
        expected = {
            stage: m.cases_by(con, Filter(sentence_stage=stage), "regime")
            for stage in ("handed_down", "final")
        }
    finally:
        con.close()
    from fastapi.testclient import TestClient

    from kartoteka.web import create_app

    with TestClient(create_app(data_dir, mode="direct")) as client:
        for flag, stage in (("false", "handed_down"), ("true", "final")):
            answer = client.get("/api/v1/stats", params={"by": "regime", "after_appeal": flag})
            assert answer.status_code == 200 and answer.json() == expected[stage]
        answer = client.get("/api/v1/stats", params={"by": "punishment", "service": "mobilised"})
        assert answer.status_code == 200 and answer.json() == expected_mobilised
        answer = client.get("/api/v1/stats", params={"by": "term", "service": "mobilised"})
        assert answer.status_code == 200 and answer.json() == mobilised_terms
