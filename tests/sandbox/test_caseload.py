"""The caseload is calibrated to the published figures (DOMAIN.md §3–4) and has the lives
the product must handle: outcomes, suspensions for a contract, appeals with the same UID,
returns to the prosecutor, reporting lag, removals, hidden and plainly synthetic names."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from kartoteka.sandbox import SandboxConfig, build_site, truth_cases
from kartoteka.sandbox.calibration import MOBILISATION_LAW
from kartoteka.sandbox.people import _SURNAMES
from kartoteka.sandbox.uid import make_uid, uid_is_valid

NOW = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def site():
    return build_site(SandboxConfig(seed=1, faults="none", now=NOW))


@pytest.fixture(scope="module")
def truth(site):
    return truth_cases(site.caseload, NOW)


def _first(truth):
    return [t for t in truth if t.instance == "first"]


def test_national_awol_counts_follow_the_published_curve(truth) -> None:
    per_year = Counter(
        t.entry_date.year
        for t in _first(truth)
        if any(c.startswith("337.") for c in t.charges.split(";"))
    )
    # Mediazona: 615 (2021), 1,001 (2022), 5,024–5,096 (2023), ~9,000–10,000 (2024).
    assert 450 <= per_year[2021] <= 800
    assert 750 <= per_year[2022] <= 1300
    assert 4200 <= per_year[2023] <= 6000
    assert 8500 <= per_year[2024] <= 11500
    monthly_2025 = Counter(
        t.entry_date.month
        for t in _first(truth)
        if t.entry_date.year == 2025
        and t.principal_article in {"337", "338", "332", "339", "352.1", "333", "334"}
    )
    assert all(850 <= n <= 1250 for n in monthly_2025.values()), monthly_2025


def test_article_mix_and_mobilisation_parts(truth) -> None:
    after = [t for t in _first(truth) if t.entry_date >= dt.date(2023, 1, 1)]
    principal = Counter(t.principal_article for t in after)
    tracked = sum(principal[a] for a in ("337", "338", "332", "339", "352.1", "333", "334"))
    assert 0.82 <= principal["337"] / tracked <= 0.92
    assert 0.03 <= principal["332"] / tracked <= 0.09
    assert 0.03 <= principal["338"] / tracked <= 0.08
    assert principal["352.1"] > 0
    assert sum(n for a, n in principal.items() if a in ("228", "158", "159", "264")) > 100
    mobilisation = {"337.2.1", "337.3.1", "337.5", "338.3", "332.2.1", "332.2.2", "339.3", "352.1"}
    for t in _first(truth):
        if t.entry_date < MOBILISATION_LAW:
            assert not mobilisation & set(t.charges.split(";")), t
    assert sum(t.mobilisation for t in after) / len(after) > 0.7


def test_several_defendants_and_several_charges(truth) -> None:
    first = _first(truth)
    several = sum(t.defendants > 1 for t in first) / len(first)
    multi = sum(";" in t.charges for t in first) / len(first)
    assert 0.03 <= several <= 0.1
    assert 0.05 <= multi <= 0.25
    assert 0.2 <= sum(t.defendants_hidden for t in first) / sum(t.defendants for t in first) <= 0.4


def test_outcomes_and_timing(truth) -> None:
    kinds = Counter(t.result_kind for t in _first(truth))
    assert set(kinds) == {
        "verdict",
        "terminated",
        "returned",
        "transferred",
        "suspended",
        "other",
        "pending",
    }
    first = [t for t in _first(truth) if t.entry_date < dt.date(2025, 6, 1)]
    decided_kinds = Counter(t.result_kind for t in first)
    assert 0.7 <= decided_kinds["verdict"] / len(first) <= 0.85
    for t in first:
        if t.result_date is not None and t.suspended_date is None:
            assert 28 <= (t.result_date - t.entry_date).days <= 130
        if t.result_kind == "suspended":
            assert t.suspended_date >= dt.date(2023, 6, 1)
    recent = [t for t in _first(truth) if t.entry_date > NOW - dt.timedelta(days=25)]
    assert recent and all(t.result_kind in ("pending", "suspended") for t in recent)
    verdicts = [t for t in first if t.result_kind == "verdict"]
    published = [t for t in verdicts if t.act_published]
    assert 0.25 <= len(published) / len(verdicts) <= 0.45
    assert all(t.punishment for t in published)
    assert {"imprisonment", "fine"} <= {t.punishment for t in published}
    assert any(t.suspended_sentence for t in published)


def test_appeals_share_the_uid_with_a_first_instance_case(site, truth) -> None:
    by_uid = {}
    for t in _first(truth):
        by_uid.setdefault(t.uid, []).append(t)
    appeals = [t for t in truth if t.instance == "appeal"]
    assert len(appeals) > 500
    for a in appeals:
        lower = [
            t
            for t in by_uid[a.uid]
            if t.court_code == a.lower_court_code and t.case_number == a.lower_case_number
        ]
        assert lower and lower[0].result_kind == "verdict"
        assert a.entry_date > lower[0].result_date
        assert site.caseload.courts[a.lower_court_code].superior == a.court_code
        assert a.case_number.startswith("22-")


def test_returned_cases_come_back_with_the_same_uid(truth) -> None:
    by_court_uid = Counter((t.court_code, t.uid) for t in _first(truth))
    again = [k for k, n in by_court_uid.items() if n > 1]
    assert len(again) > 50


def test_uids_are_valid_and_unique_per_court_and_case(truth) -> None:
    assert all(uid_is_valid(t.uid) for t in truth)
    assert not uid_is_valid("25GV0001-01-2025-000002-96")
    assert make_uid("27GV0008", 2019, 81) == "27GV0008-01-2019-000081-20"  # a real UID shape
    keys = Counter((t.court_code, t.case_id) for t in truth)
    assert max(keys.values()) == 1


def test_uids_agree_with_the_parsers_check(truth) -> None:
    uid = pytest.importorskip("kartoteka.sudrf.uid")
    assert all(uid.is_valid_uid(t.uid) for t in truth[:2000])


def test_reporting_lag_and_removals(truth) -> None:
    first = _first(truth)
    lags = sorted((t.visible_from - t.entry_date).days for t in first)
    median = lags[len(lags) // 2]
    assert 2 <= median <= 10 and lags[-1] > 30
    removed = [t for t in first if t.removed_from is not None]
    assert 0.005 <= len(removed) / len(first) <= 0.03
    assert all(t.removed_from > t.visible_from for t in removed)


def test_names_are_plainly_synthetic(site) -> None:
    for code in list(site.caseload.courts)[:20]:
        for case in site.caseload.court(code).cases:
            for d in case.defendants:
                assert d.name.surname in _SURNAMES
            assert case.judge.surname in _SURNAMES


def test_scale_multiplies_the_caseload() -> None:
    small = build_site(SandboxConfig(seed=1, faults="none", now=NOW, scale=0.1))
    code = next(c.code for c in small.network if c.level.value == "garrison")
    full = build_site(SandboxConfig(seed=1, faults="none", now=NOW))
    n_small = len(small.caseload.court(code).cases)
    n_full = len(full.caseload.court(code).cases)
    assert n_small < 0.25 * n_full


def test_cassations_follow_appeals_with_the_same_uid(truth) -> None:
    appeals = {(t.court_code, t.case_number): t for t in truth if t.instance == "appeal"}
    cassations = [t for t in truth if t.instance == "cassation"]
    assert 10 <= len(cassations) <= 0.15 * len(appeals)
    for c in cassations:
        appeal = appeals[(c.lower_court_code, c.lower_case_number)]
        assert c.uid == appeal.uid and c.entry_date > appeal.result_date
        assert appeal.appeal_result in ("upheld", "changed")
        assert c.case_number.startswith("7У-")
