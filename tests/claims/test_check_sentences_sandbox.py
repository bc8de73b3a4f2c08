"""Claims about sentences checked against the sandbox: after a real harvest and ingest of two
courts (both templates), claims written from the sandbox's ground truth (`truth` for the
verdicts and whether their act is published, `truth_sentences` for what each act states —
never through the store) come back consistent when true and inconsistent when falsified, for
every kind: a share of suspended sentences, a punishment within a service status, a count by
punishment and by colony regime, a median term by part and by article; in Russian and
English. Every verdict carries the published share it rests on."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest

from act_archive import busiest_garrison_courts, truth_verdicts
from kartoteka.claims.check import CheckReport, check_text
from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect
from kartoteka.store.ingest import ingest

sandbox = pytest.importorskip("kartoteka.sandbox")
harvester = pytest.importorskip("kartoteka.harvest.harvester")
from kartoteka.harvest.planner import PlanOptions  # noqa: E402
from kartoteka.harvest.politeness import for_sandbox  # noqa: E402
from kartoteka.sandbox.truth import truth_sentences  # noqa: E402

pytestmark = pytest.mark.slow

SINCE = dt.date(2023, 1, 1)
NOW = dt.date(2024, 6, 30)
REGIME_RU = {
    "settlement": "колонию-поселение",
    "general": "колонию общего режима",
    "strict": "колонию строгого режима",
    "special": "колонию особого режима",
}


class Truth:
    """The sentence figures of the harvested courts from the ground truth alone, as in
    tests/stats/test_stats_sentences_e2e.py."""

    def __init__(self, sb, codes: set[str]) -> None:
        self.verdicts = truth_verdicts(sb, codes, SINCE)
        self.rows = [
            r
            for r in truth_sentences(sb.site.caseload, NOW, sorted(codes))
            if r["instance"] == "first" and (r["court_code"], r["case_id"]) in self.verdicts
        ]

    def charged(self, article: str | None) -> list:
        return [
            t
            for t in self.verdicts.values()
            if article is None or article in {c.split(".")[0] for c in t.charges.split(";")}
        ]

    def published_share(self, article: str | None = None) -> float:
        verdicts = self.charged(article)
        return sum(1 for t in verdicts if t.act_published) / len(verdicts)

    def sentences(self, article: str | None = None) -> list[dict]:
        keep = {(t.court_code, t.case_id) for t in self.charged(article)}
        return [r for r in self.rows if (r["court_code"], r["case_id"]) in keep]

    def share(self, rows: list[dict], punishment: str) -> float:
        return sum(1 for r in rows if r["punishment"] == punishment) / len(rows)

    def terms(self, charge: str) -> list[int]:
        """Real terms of the defendants convicted under `charge` (an article.part key, or a
        whole article: any of its parts)."""
        out = []
        for r in self.rows:
            charges = r["articles"].split(";")
            real = r["punishment"] == "imprisonment" and r["term_months"] != ""
            if real and any(c == charge or c.startswith(charge + ".") for c in charges):
                out.append(int(r["term_months"]))
        return out


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("claims-sentences")
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=NOW)
    with sandbox.run_sandbox(config) as sb:
        picked = busiest_garrison_courts(sb)
        data_dir = DataDir(tmp / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        options = PlanOptions(
            since=SINCE, until=NOW, card_max_age=0.0, recent_months=36, all_cards=True
        )
        report = harvester.harvest(data_dir, picked, for_sandbox(), options, sandbox_url=sb.url)
        assert all(c.status.value == "ok" for c in report.courts), report.courts
        summary = ingest(data_dir)
        assert summary.parse_failures == 0, summary.failures
        truth = Truth(sb, {c.code for c in picked})
    yield data_dir, truth


def _check(data_dir: DataDir, text: str) -> CheckReport:
    con = connect(data_dir, read_only=True)
    try:
        return check_text(con, text, NOW, today=NOW)
    finally:
        con.close()


def _pct(share: float) -> int:
    return round(share * 100)


def _claims(truth: Truth) -> list[tuple[str, str, str, str | None]]:
    """(text, expected verdict, what, article of the selection) built from the truth."""
    rows = truth.rows
    awol = truth.sentences("337")
    assert len(rows) >= 10 and awol, "the sandbox has sentences to claim"
    suspended = truth.share(rows, "suspended_imprisonment")
    awol_suspended = truth.share(awol, "suspended_imprisonment")
    assert 0.05 < suspended < 0.95, suspended
    by_punishment = Counter(r["punishment"] for r in rows)
    military = [p for p in ("disciplinary_unit", "military_restriction") if by_punishment[p]]
    assert military, "military punishments are in the sandbox acts"
    regimes = Counter(
        r["regime"] for r in rows if r["punishment"] == "imprisonment" and r["regime"]
    )
    regime, n_regime = regimes.most_common(1)[0]
    service = {
        s: [r for r in rows if r["service"] == s] for s in ("mobilised", "contract", "conscript")
    }
    real = {s: truth.share(v, "imprisonment") for s, v in service.items() if len(v) >= 3}
    assert {"mobilised", "contract"} <= real.keys(), {s: len(v) for s, v in service.items()}
    charges = Counter(
        c
        for r in rows
        if r["punishment"] == "imprisonment" and r["term_months"] != ""
        for c in dict.fromkeys(r["articles"].split(";"))
    )
    charge = charges.most_common(1)[0][0]
    article, part = charge.split(".", 1) if charge.count(".") else (charge, None)
    assert part is not None, charge
    part_median = statistics.median(truth.terms(charge))
    article_median = statistics.median(truth.terms(article))
    n_du = by_punishment["disciplinary_unit"]
    half = "Более половины" if suspended > 0.5 else "Менее половины"
    half_wrong = "Менее половины" if suspended > 0.5 else "Более половины"
    mob, con = _pct(real["mobilised"]), _pct(real["contract"])

    def months(value: float) -> str:
        return f"{value:g}" if float(value).is_integer() else f"около {round(value)}"

    claims = [
        # shares of suspended sentences
        (f"{half} приговоров — условные.", "consistent", "half (ru)", None),
        (f"{half_wrong} приговоров — условные.", "inconsistent", "half reversed", None),
        (
            f"About {_pct(awol_suspended)} % of the sentences for AWOL are suspended.",
            "consistent",
            "337 suspended (en)",
            "337",
        ),
        (
            f"Условные сроки получили {_pct(suspended) + 30} % осуждённых.",
            "inconsistent",
            "suspended +30 points",
            None,
        ),
        # a punishment within a service status
        (
            f"Real terms for about {mob} % of the mobilised against about {con} % of contract "
            "soldiers.",
            "consistent",
            "real terms by service (en)",
            None,
        ),
        (
            f"Реальные сроки получили {min(mob + 25, 99)} % мобилизованных.",
            "inconsistent",
            "real terms, mobilised, +25 points (ru)",
            None,
        ),
        # counts by colony regime and by punishment
        (
            f"{n_regime} осуждённых отправлены в {REGIME_RU[regime]}.",
            "consistent",
            f"regime {regime} (ru)",
            None,
        ),
        (
            f"Fewer than {n_regime} soldiers were sent to a {regime}-regime colony."
            if regime != "settlement"
            else f"Fewer than {n_regime} soldiers were sentenced to a colony-settlement.",
            "inconsistent",
            "regime count, fewer than (en)",
            None,
        ),
        (
            f"No more than {max(n_regime - 1, 0)} soldiers were sent to a penal colony.",
            "inconsistent",
            "imprisonment at most (en)",
            None,
        ),
        # the median term, by part and by article
        (
            f"Медианный срок по ч. {part} ст. {article} — {months(part_median)} месяцев.",
            "consistent",
            f"median {charge} (ru)",
            None,
        ),
        (
            f"The median prison term under Article {article} is about "
            f"{round(article_median / 12, 1)} years.",
            "consistent",
            f"median {article} (en)",
            None,
        ),
        (
            f"Медианный срок по ч. {part} ст. {article} — {months(part_median + 24)} месяцев.",
            "inconsistent",
            "median +2 years",
            None,
        ),
    ]
    # the median term within a service status (counted over every status before
    # `Filter.service`): the truth's terms of the mobilised alone
    mob_terms = [
        int(r["term_months"])
        for r in service["mobilised"]
        if r["punishment"] == "imprisonment" and r["term_months"] != ""
    ]
    assert len(mob_terms) >= 3, mob_terms
    mob_median = statistics.median(mob_terms)
    claims += [
        (
            f"Медианный срок мобилизованных — {months(mob_median)} месяцев.",
            "consistent",
            "median, mobilised (ru)",
            None,
        ),
        (
            f"The median prison term of mobilised soldiers is {months(mob_median + 24)} months.",
            "inconsistent",
            "median, mobilised, +2 years (en)",
            None,
        ),
    ]
    if real["mobilised"] != real["contract"]:  # two groups compared, no figure
        more = real["mobilised"] > real["contract"]
        claims += [
            (
                f"Мобилизованные получают реальный срок {'чаще' if more else 'реже'}, чем "
                "контрактники.",
                "consistent",
                "groups compared (ru)",
                None,
            ),
            (
                f"Mobilised soldiers are {'less' if more else 'more'} likely than contract "
                "soldiers to get real prison terms.",
                "inconsistent",
                "groups compared, reversed (en)",
                None,
            ),
        ]
    if n_du:
        claims += [
            (f"{n_du} soldiers were sent to a disciplinary unit.", "consistent", "du (en)", None),
            (
                f"В дисциплинарную воинскую часть направлены более {n_du + 5000} человек.",
                "inconsistent",
                "du, beyond what the unpublished texts could hold (ru)",
                None,
            ),
        ]
    return claims


def test_sentence_claims_true_and_falsified(harvested) -> None:
    data_dir, truth = harvested
    claims = _claims(truth)
    kinds = Counter(expected for _, expected, _, _ in claims)
    assert kinds["consistent"] >= 6 and kinds["inconsistent"] >= 6
    seen: set[str] = set()
    for text, expected, what, article in claims:
        report = _check(data_dir, text)
        assert report.findings, (what, text, report.unmapped)
        for finding in report.findings:
            seen.add(finding.claim.side.quantity)
            assert finding.verdict == expected, (what, text, finding.found, finding.reason)
            assert finding.published_share is not None
            share = finding.published_share
            if finding.claim.side.quantity != "sentence_term":
                assert share == pytest.approx(truth.published_share(article)), what
            assert f"{round(share * 100)} % of verdicts whose text is published" in finding.reason
            if finding.claim.side.quantity in ("share_suspended", "share_sentences"):
                assert "not over all verdicts" in finding.reason
    assert seen == {"share_suspended", "share_sentences", "sentences", "sentence_term"}


def test_the_found_figures_are_the_truth(harvested) -> None:
    data_dir, truth = harvested
    suspended = truth.share(truth.rows, "suspended_imprisonment")
    finding = _check(data_dir, "Около половины приговоров — условные.").findings[0]
    assert finding.found == pytest.approx(suspended)
    assert finding.found_today == pytest.approx(suspended)
    n_real = sum(1 for r in truth.rows if r["punishment"] == "imprisonment")
    finding = _check(data_dir, f"{n_real} soldiers received real prison terms.").findings[0]
    assert finding.claim.side.punishment == "imprisonment"
    assert finding.found == n_real and finding.verdict == "consistent"


def test_a_count_the_unpublished_texts_could_make_up_is_not_checkable(harvested) -> None:
    data_dir, truth = harvested
    assert truth.published_share() < 1, "the sandbox leaves some verdicts unpublished"
    n_real = sum(1 for r in truth.rows if r["punishment"] == "imprisonment")
    unpublished = sum(1 for t in truth.verdicts.values() if not t.act_published)
    finding = _check(data_dir, f"{n_real + 1} soldiers received real prison terms.").findings[0]
    assert finding.verdict == "not_checkable", finding.reason
    assert "not published could hold" in finding.reason and finding.found == n_real
    assert unpublished >= 1


def test_an_average_term_is_not_checkable_against_a_median(harvested) -> None:
    data_dir, _ = harvested
    finding = _check(data_dir, "The average prison term for desertion is 5 years.").findings[0]
    assert finding.verdict == "not_checkable" and "median" in finding.reason
    assert finding.found is None


def test_no_sentence_read_is_not_a_zero(harvested) -> None:
    data_dir, _ = harvested
    finding = _check(data_dir, "В 2019 году условные сроки получили 0 осуждённых.").findings[0]
    assert finding.verdict == "not_checkable" and finding.found is None
    assert "no verdict" in finding.reason and "not a zero" in finding.reason


def test_none_in_the_published_texts_is_an_unproven_zero(harvested) -> None:
    data_dir, truth = harvested
    counts = Counter(r["punishment"] for r in truth.rows)
    absent = [p for p in ("forced_labour", "compulsory_works", "fine") if not counts[p]]
    if not absent:
        pytest.skip("every punishment of the wording table occurs in this sandbox draw")
    words = {"forced_labour": "forced labour", "compulsory_works": "compulsory work",
             "fine": "a fine"}  # fmt: skip
    text = f"No soldier, 0 soldiers were sentenced to {words[absent[0]]}."
    finding = _check(data_dir, text).findings[0]
    assert finding.claim.side.punishment == absent[0]
    assert finding.found == 0 and finding.verdict == "not_checkable", finding.reason
    assert "unproven zero" in finding.reason


def test_the_api_and_the_page_give_the_published_share(harvested) -> None:
    from fastapi.testclient import TestClient

    from kartoteka.web import create_app

    data_dir, truth = harvested
    client = TestClient(create_app(data_dir, mode="direct"))
    text = "More than half of the sentences under Article 337 are suspended."
    body = client.post("/api/v1/check", json={"text": text, "as_of": NOW.isoformat()}).json()
    (claim,) = body["claims"]
    assert claim["quantity"] == "share_suspended" and claim["articles"] == ["337"]
    assert claim["punishment"] == "suspended_imprisonment" and claim["service"] is None
    assert claim["published_share"] == pytest.approx(truth.published_share("337"), abs=1e-4)
    assert claim["verdict"] in ("consistent", "inconsistent")
    assert "whose text is published" in claim["reason"]
    page = client.get("/check", params={"text": text, "as_of": NOW.isoformat(), "lang": "en"})
    assert page.status_code == 200 and "whose text is published" in page.text
    pct = round(truth.published_share("337") * 100)
    assert f'<small class="published-share">verdict texts published: {pct} %</small>' in page.text
    assert "share_suspended gt 0.5 · ст. 337 · suspended_imprisonment" in page.text


def test_kartoteka_check_prints_the_verdict_and_its_published_share(harvested) -> None:
    from typer.testing import CliRunner

    from kartoteka.cli import app

    data_dir, truth = harvested
    n_real = sum(1 for r in truth.rows if r["punishment"] == "imprisonment")
    text = f"{n_real} soldiers received real prison terms. The median term is 40 years."
    result = CliRunner().invoke(
        app, ["check", "--data-dir", str(data_dir.root), "--as-of", NOW.isoformat(), text]
    )
    assert result.exit_code == 0, result.output
    assert f"✓ consistent: «{n_real} soldiers received real prison terms»" in result.output
    assert "✗ inconsistent: «40 years»" in result.output
    assert "whose text is published" in result.output


def test_the_crossed_figures_are_the_truth(harvested) -> None:
    """The figures a claim within a service status rests on (`Filter.service`) are the
    truth's sentences of that status by punishment and regime, and the median terms a claim
    checks (`real_terms_overall`: a part's, an article's, within a status) are the truth's."""
    from kartoteka.claims import sentence_figures as sf
    from kartoteka.claims.model import Side
    from kartoteka.stats import metrics as m
    from kartoteka.stats.metrics import Filter

    data_dir, truth = harvested
    con = connect(data_dir, read_only=True)
    try:
        flt = Filter(as_of=NOW)
        for service in m.SERVICE_STATUSES:
            rows = [r for r in truth.rows if r["service"] == service]
            within = Filter(as_of=NOW, service=service)
            assert {g.key: g.sentences for g in m.sentences_by_punishment(con, within)} == (
                Counter(r["punishment"] for r in rows)
            )
            regimes = Counter(
                r["regime"] or None for r in rows if r["punishment"] == "imprisonment"
            )
            assert {g.key: g.sentences for g in m.sentences_by_regime(con, within)} == regimes
            terms = [
                int(r["term_months"])
                for r in rows
                if r["punishment"] == "imprisonment" and r["term_months"] != ""
            ]
            side = Side("sentence_term", service=service, statistic="median")
            figure = sf.sentence_figure(con, side, flt)
            assert figure.sentences == len(terms)
            assert figure.value == (statistics.median(terms) if terms else None)
        for row in m.real_terms(con, flt):
            if row.part is None:
                continue
            side = Side("sentence_term", (row.article,), (row.charge,), statistic="median")
            figure = sf.sentence_figure(con, side, flt)
            assert figure.value == row.median_months and figure.sentences == row.sentences
            terms = truth.terms(row.charge)
            assert row.median_months == statistics.median(terms)
            whole = sf.sentence_figure(con, Side("sentence_term", (row.article,)), flt)
            assert whole.value == statistics.median(truth.terms(row.article))
    finally:
        con.close()
