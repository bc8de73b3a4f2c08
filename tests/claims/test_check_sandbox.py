"""Checking against the sandbox: claims written from the sandbox's ground truth (cases.csv,
never through the store), true ones and falsified ones, in Russian and English, come back
`consistent` and `inconsistent` respectively after a real harvest and ingest."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from kartoteka.claims.check import check_text
from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect
from kartoteka.store.ingest import ingest

sandbox = pytest.importorskip("kartoteka.sandbox")
harvester = pytest.importorskip("kartoteka.harvest.harvester")
from kartoteka.harvest.planner import PlanOptions  # noqa: E402
from kartoteka.harvest.politeness import for_sandbox  # noqa: E402

pytestmark = pytest.mark.slow

SINCE = dt.date(2022, 1, 1)
NOW = dt.date(2024, 6, 30)
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def _d(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Truth:
    """Counts from the ground-truth rows of the harvested courts, as a reader of the court
    sites would count them on NOW."""

    def __init__(self, rows: list[dict[str, str]], codes: set[str]) -> None:
        def visible(r: dict[str, str]) -> bool:
            removed = _d(r["removed_from"])
            return _d(r["visible_from"]) <= NOW and (removed is None or removed > NOW)

        seen = [
            r
            for r in rows
            if r["court_code"] in codes and visible(r) and _d(r["entry_date"]) >= SINCE
        ]
        self.first = [r for r in seen if r["instance"] == "first"]
        self.appeal = [r for r in seen if r["instance"] == "appeal"]

    def appeals_against(self, court: str) -> int:
        return sum(1 for r in self.appeal if r["uid"].upper().startswith(court + "-"))

    @staticmethod
    def articles(row: dict[str, str]) -> set[str]:
        return {k if k.startswith("352.1") else k.split(".")[0] for k in row["charges"].split(";")}

    def cases(self, article: str | None = None, court: str | None = None, **period) -> int:
        return sum(1 for r in self._select(article, court, **period))

    def defendants(self, article: str | None = None, **period) -> int:
        return sum(int(r["defendants"]) for r in self._select(article, None, **period))

    def verdicts(self, year: int) -> int:
        return sum(
            1
            for r in self.first
            if r["result_kind"] == "verdict" and r["result_date"][:4] == str(year)
        )

    def _select(self, article, court, since=None, until=None):
        for r in self.first:
            entry = _d(r["entry_date"])
            if article and article not in self.articles(r):
                continue
            if court and r["court_code"] != court:
                continue
            if (since and entry < since) or (until and entry > until):
                continue
            yield r


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("claims-sandbox")
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=NOW)
    with sandbox.run_sandbox(config) as sb:
        load = Counter(c.court_code for c in sb.truth if c.instance == "first")
        usable = [c for c in sb.courts if not c.captcha and not c.always_down]
        garrison = [c for c in usable if c.court.level.value == "garrison"]
        picked = sorted(garrison, key=lambda c: (-load[c.code], c.code))[:2]
        picked += [c for c in usable if c.code == picked[0].superior]  # its appeals
        data_dir = DataDir(tmp / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        options = PlanOptions(since=SINCE, until=NOW, card_max_age=0.0, all_cards=True)
        report = harvester.harvest(
            data_dir, [c.court for c in picked], for_sandbox(), options, sandbox_url=sb.url
        )
        assert all(c.status.value == "ok" for c in report.courts), report.courts
        ingest(data_dir)
        paths = sandbox.write_truth(tmp / "truth", sb.truth, sb.courts)
        with open(paths["cases_csv"], newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    truth = Truth(rows, {c.code for c in picked})
    yield data_dir, truth, [c.court for c in picked]


def _checked(data_dir: DataDir, text: str):
    con = connect(data_dir, read_only=True)
    try:
        return check_text(con, text, NOW, today=NOW)
    finally:
        con.close()


def _claims(truth: Truth, courts) -> list[tuple[str, str]]:
    """(text, what it claims) pairs built from the truth: exact, rounded, lower bounds,
    comparisons, per article, per court, per month, both languages."""
    y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    y22 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    may = (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    mob = dt.date(2022, 9, 21)
    n23 = truth.cases(since=y23[0], until=y23[1])
    n22 = truth.cases(since=y22[0], until=y22[1])
    awol23 = truth.cases("337", since=y23[0], until=y23[1])
    may_awol = truth.cases("337", since=may[0], until=may[1])
    since_mob = truth.cases(since=mob)
    defendants = truth.defendants(since=mob)
    ytd = truth.cases(since=dt.date(2024, 1, 1))
    court = courts[0]
    court23 = truth.cases(court=court.code, since=y23[0], until=y23[1])
    verdicts23 = truth.verdicts(2023)
    appeals = truth.appeals_against(court.code)
    about = round(since_mob, -1) or 10
    assert min(n23, awol23, may_awol, since_mob, court23) > 0, "the sandbox has cases to claim"
    assert appeals > 0, "the district court above the first court heard its appeals"
    more_or_less = "больше" if ytd > n23 else "меньше"
    more_or_less_en = "more" if ytd > n23 else "fewer"
    return [
        (f"В 2023 году в военные суды поступило {n23} дел.", "cases 2023 (ru)"),
        (f"In 2023, military courts received {awol23:,} AWOL cases.", "337 in 2023 (en)"),
        (f"В мае 2024 года поступило {may_awol} дел о самовольном оставлении части.", "337 May"),
        (f"Since the start of mobilisation, courts have received {since_mob:,} cases.", "mob"),
        (f"С начала мобилизации в суды поступило около {about} дел.", "about (ru)"),
        (f"Since mobilisation, over {since_mob - 1:,} cases have reached the courts.", "gt"),
        (f"С начала мобилизации обвиняемых по этим делам — {defendants} человек.", "defendants"),
        (f"В {court.name} в 2023 году поступило {court23} дел.", "one court (ru)"),
        (f"В 2023 году суды вынесли {verdicts23} приговоров.", "verdicts 2023"),
        (f"С начала года дел поступило {more_or_less}, чем за весь 2023 год.", "compare (ru)"),
        (f"This year there have been {more_or_less_en} cases than in the whole of 2023.", "cmp"),
        (f"В 2022 году поступило {n22} дел.", "cases 2022"),
        (f"На приговоры {court.name} подано {appeals} апелляционных жалоб.", "appeals (ru)"),
    ]


def _falsified(truth: Truth, courts) -> list[tuple[str, str]]:
    true = _claims(truth, courts)
    out = []
    y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    n23 = truth.cases(since=y23[0], until=y23[1])
    since_mob = truth.cases(since=dt.date(2022, 9, 21))
    ytd = truth.cases(since=dt.date(2024, 1, 1))
    wrong_more = "меньше" if ytd > n23 else "больше"
    wrong_more_en = "fewer" if ytd > n23 else "more"
    out += [
        (f"В 2023 году в военные суды поступило {n23 * 2 + 7} дел.", "cases 2023 doubled"),
        (f"In 2023, military courts received {n23 + 3:,} cases.", "off by three (en)"),
        (f"С начала мобилизации в суды поступило около {since_mob * 3} дел.", "about ×3"),
        (f"Since mobilisation, over {since_mob + 50:,} cases have reached the courts.", "gt"),
        (f"С начала года дел поступило {wrong_more}, чем за весь 2023 год.", "cmp reversed"),
        (f"This year there have been {wrong_more_en} cases than in the whole of 2023.", "cmp en"),
    ]
    assert len(true) > len(out)
    return out


def test_claims_true_to_the_sandbox_truth_are_consistent(harvested) -> None:
    data_dir, truth, courts = harvested
    for text, what in _claims(truth, courts):
        report = _checked(data_dir, text)
        assert len(report.findings) == 1, (what, text, report.findings, report.unmapped)
        finding = report.findings[0]
        assert finding.verdict == "consistent", (what, text, finding.found, finding.reason)
        assert finding.cases_url and finding.cases_url.startswith("/cases?")


def test_falsified_claims_are_inconsistent(harvested) -> None:
    data_dir, truth, courts = harvested
    for text, what in _falsified(truth, courts):
        report = _checked(data_dir, text)
        assert len(report.findings) == 1, (what, text, report.findings, report.unmapped)
        assert report.findings[0].verdict == "inconsistent", (what, text, report.findings[0])


def test_the_found_figure_is_the_truth_and_the_cases_link_lists_them(harvested) -> None:
    from fastapi.testclient import TestClient

    from kartoteka.web import create_app

    data_dir, truth, _ = harvested
    n23 = truth.cases(since=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31))
    report = _checked(data_dir, f"В 2023 году поступило {n23} дел.")
    finding = report.findings[0]
    assert finding.found == finding.found_today == n23
    client = TestClient(create_app(data_dir, mode="direct"))
    listed = client.get("/api/v1/cases", params=_query(finding.cases_url) | {"per_page": 1})
    assert listed.status_code == 200 and listed.json()["total"] == n23


def test_a_period_before_the_archive_is_not_checkable_not_zero(harvested) -> None:
    data_dir, _, _ = harvested
    finding = _checked(data_dir, "В 2019 году поступило 0 дел.").findings[0]
    assert finding.verdict == "not_checkable" and finding.found is None


def test_sentence_quantities_are_checked_with_their_published_share(harvested) -> None:
    """Since the sentence metrics (issue 13): checked, the published share in the verdict
    (tests/claims/test_check_sentences_sandbox.py checks the figures against the truth)."""
    data_dir, _, _ = harvested
    finding = _checked(data_dir, "Более половины приговоров — условные.").findings[0]
    assert finding.verdict in ("consistent", "inconsistent"), finding.reason
    assert finding.published_share is not None and "whose text is published" in finding.reason


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))
