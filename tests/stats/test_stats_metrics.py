import datetime as dt
import statistics
from collections import Counter

import pytest
from stats_history import CASES, RUN1, RUN2, Case

from kartoteka.registry.charges import parse_charges
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter

AFTER_RUN1 = RUN1.date() + dt.timedelta(days=1)


def _outcome(c: Case, run: int = 2) -> str:
    if c.result and c.result_run <= run:
        return {
            "Вынесен ПРИГОВОР": "verdict",
            "Уголовное дело ПРЕКРАЩЕНО": "terminated",
            "ВОЗВРАЩЕНО ПРОКУРОРУ": "returned",
        }[c.result]
    return "suspended" if c.suspended else "pending"


def _visible(run: int = 2) -> list[Case]:
    return [c for c in CASES if c.first_run <= run]


def _articles(c: Case) -> set[str]:
    return {ch.article for ch in parse_charges(c.charges)}


@pytest.fixture
def con(history):
    con = history.connect()
    yield con
    con.close()


def test_cases_received_by_month_counts_every_case_by_receipt_month(con):
    expected = Counter(c.entry.strftime("%Y-%m") for c in _visible())
    got = m.cases_received_by_month(con, Filter())
    assert {x.period: x.cases for x in got} == expected
    defendants = Counter()
    for c in _visible():
        defendants[c.entry.strftime("%Y-%m")] += c.defendants
    assert {x.period: x.defendants for x in got} == defendants


def test_as_of_reproduces_what_was_visible_then(con):
    then = m.cases_received_by_month(con, Filter(as_of=AFTER_RUN1))
    assert {x.period: x.cases for x in then} == Counter(
        c.entry.strftime("%Y-%m") for c in _visible(run=1)
    )
    assert m.outcomes(con, Filter(as_of=AFTER_RUN1)) == [
        m.OutcomeCount(o, n, d) for o, n, d in _outcomes_expected(run=1)
    ]
    # and the removed case still counts: it was a real case
    assert m.cumulative_cases(con, Filter()).cases == len(_visible())
    assert m.cumulative_cases(con, Filter(include_removed=False)).cases == len(_visible()) - 1


def _outcomes_expected(run: int):
    counts: dict[str, list[int]] = {}
    for c in _visible(run):
        entry = counts.setdefault(_outcome(c, run), [0, 0])
        entry[0] += 1
        entry[1] += c.defendants
    order = ["verdict", "terminated", "returned", "transferred", "suspended", "pending"]
    return [(o, *counts[o]) for o in order if o in counts]


def test_outcomes_now(con):
    assert [
        (o.outcome, o.cases, o.defendants) for o in m.outcomes(con, Filter())
    ] == _outcomes_expected(run=2)


def test_article_filter_is_multi_label_and_principal_counts_once(con):
    for article in ("337", "338", "332", "352.1"):
        expected = sum(1 for c in _visible() if article in _articles(c))
        assert m.cumulative_cases(con, Filter(article=article)).cases == expected
    principal = {a.article: a.cases for a in m.cases_by_principal_article(con, Filter())}
    assert sum(principal.values()) == len(_visible())
    assert principal["338"] == 2 and principal["337"] == 5  # case 2 (337+338) counts as 338
    parts = {c.charge: c.cases for c in m.cases_by_charge(con, Filter(article="337"))}
    assert parts == dict(
        Counter(
            ch.key for c in _visible() for ch in parse_charges(c.charges) if ch.article == "337"
        )
    )
    assert m.cumulative_cases(con, Filter(article="337", part="5")).cases == parts["337.5"]


def test_cumulative_since_mobilisation_and_since_a_date(con):
    assert m.cumulative_cases(con, Filter()).cases == len(_visible())
    since = dt.date(2024, 1, 1)
    total = m.cumulative_cases(con, Filter(), since=since)
    assert total.cases == sum(1 for c in _visible() if c.entry >= since)
    assert total.defendants == sum(c.defendants for c in _visible() if c.entry >= since)


def test_ytd_against_previous_year_and_the_overtaking_date(con):
    ytd = m.ytd_vs_previous_year(con, Filter(), year=2024)
    entries = sorted(c.entry for c in _visible())
    previous = sum(1 for e in entries if e.year == 2023)
    this_year = [e for e in entries if e.year == 2024]
    assert (ytd.ytd_cases, ytd.previous_year_cases) == (len(this_year), previous)
    assert ytd.overtaken_on == this_year[previous]  # the (previous+1)-th case of the year
    assert ytd.through == this_year[-1]


def test_verdicts_by_month_use_the_verdict_date(con):
    verdicts = Counter(
        c.result_date.strftime("%Y-%m") for c in _visible() if _outcome(c) == "verdict"
    )
    assert {v.period: v.cases for v in m.verdicts_by_month(con, Filter())} == verdicts
    assert m.verdicts_by_month(con, Filter(as_of=AFTER_RUN1)) == [m.MonthCount("2024-01", 1, 2)]


def test_days_to_verdict(con):
    days = sorted((c.result_date - c.entry).days for c in _visible() if _outcome(c) == "verdict")
    stats = m.days_to_verdict(con, Filter())
    assert stats.cases == len(days)
    assert stats.median_days == statistics.median(days)


def test_by_court_district_region(con):
    by_court = {g.key: g.cases for g in m.cases_by_court(con, Filter())}
    assert by_court == Counter(c.court for c in _visible())
    by_district = {g.key: g.cases for g in m.cases_by_district(con, Filter())}
    assert by_district == {"27OV0000": by_court["27GV0008"], None: by_court["54GV0003"]}
    by_region = {g.key: g.cases for g in m.cases_by_region(con, Filter())}
    assert by_region == {"Приморский край": 6, "Алтайский край": 3}
    assert m.cumulative_cases(con, Filter(region="22")).cases == 3
    assert m.cumulative_cases(con, Filter(district="27OV0000")).cases == 6
    assert m.cumulative_cases(con, Filter(court="54gv0003")).cases == 3


def test_appeals_are_counted_apart_with_their_results(con):
    assert m.appeals(con, Filter()) == [m.AppealCount("upheld", 1)]
    assert m.appeals(con, Filter(as_of=AFTER_RUN1)) == []
    assert m.cumulative_cases(con, Filter(court="27OV0000")).cases == 0  # first instance only


def test_every_number_lists_its_cases(con):
    for month in m.cases_received_by_month(con, Filter()):
        refs = m.list_cases(con, Filter(), by="month", key=month.period)
        assert len(refs) == month.cases
    suspended = m.list_cases(con, Filter(), by="outcome", key="suspended")
    assert [r.case_number for r in suspended] == [c.number for c in CASES if c.suspended]
    part = m.list_cases(con, Filter(), by="part", key="338.3")
    assert len(part) == sum(1 for c in _visible() if "338" in _articles(c))
    with pytest.raises(ValueError):
        m.list_cases(con, Filter(), by="colour", key="red")


def test_reporting_lag_from_first_sight(con):
    days = (1, 7, 10, 21)
    lag = {p.days: p for p in m.reporting_lag(con, Filter(), days=days)}
    # monitoring began at run 1: only cases received since then measure the lag, each first
    # seen at the run whose listing first showed it; the reference day is the last harvest
    first_seen = {1: RUN1.date(), 2: RUN2.date()}
    for n in days:
        eligible = [
            (first_seen[c.first_run] - c.entry).days
            for c in CASES
            if RUN1.date() <= c.entry <= RUN2.date() - dt.timedelta(days=n)
        ]
        assert lag[n].basis == len(eligible)
        expected = sum(1 for d in eligible if d <= n) / len(eligible) if eligible else None
        assert lag[n].share == expected
    assert lag[7].basis > 0
    months = {x.period: x for x in m.completeness_by_month(con, Filter())}
    assert months["2024-02"].expected_complete < 1


def test_grouped_objects_for_the_cli(con):
    rows = m.cases_by(con, Filter(article="337"), "month")
    assert all(set(r) >= {"period", "cases"} for r in rows)
    assert sum(r["cases"] for r in rows) == sum(1 for c in _visible() if "337" in _articles(c))
    assert {r["outcome"] for r in m.cases_by(con, Filter(), "outcome")} == {
        _outcome(c) for c in _visible()
    }
    with pytest.raises(ValueError):
        m.cases_by(con, Filter(), "colour")


def test_principal_filter_with_a_part(con):
    from kartoteka.registry.articles import principal_article

    expected = sum(
        1 for c in _visible() if principal_article(parse_charges(c.charges)).key == "337.5"
    )
    assert (
        expected
        and m.cumulative_cases(con, Filter(article="337", part="5", principal=True)).cases
        == expected
    )
    rows = m.cases_by_charge(con, Filter(article="337", part="5"))
    assert [r.charge for r in rows] == ["337.5"] and rows[0].mobilisation


def test_several_articles_or_a_group_count_each_case_once(con):
    either = sum(1 for c in _visible() if _articles(c) & {"337", "338"})
    assert m.cumulative_cases(con, Filter(article="337,338")).cases == either
    refusal = {"337", "338", "332", "339", "352.1"}
    assert m.cumulative_cases(con, Filter(article="refusal")).cases == sum(
        1 for c in _visible() if _articles(c) & refusal
    )
    principal = m.cumulative_cases(con, Filter(article="338,352.1", principal=True)).cases
    assert principal == sum(1 for c in _visible() if _articles(c) & {"338", "352.1"})
    parts = {c.charge for c in m.cases_by_charge(con, Filter(article="337,338"))}
    assert {p.split(".")[0] for p in parts} == {"337", "338"}
    with pytest.raises(ValueError):
        m.cumulative_cases(con, Filter(article="337,338", part="5"))


def test_revisions_show_a_figure_growing_as_late_cases_appear(con):
    flt = Filter(since=dt.date(2024, 1, 1), until=dt.date(2024, 1, 31))
    points = m.revisions(con, flt)
    assert [p.as_of for p in points] == [RUN1.date(), RUN2.date()]
    january = [c for c in CASES if c.entry.strftime("%Y-%m") == "2024-01"]
    assert [p.cases for p in points] == [sum(1 for c in january if c.first_run == 1), len(january)]


def test_reporting_lag_thresholds_in_any_order_each_counted_once(con):
    sorted_days = {p.days: p for p in m.reporting_lag(con, Filter(), days=(1, 7, 10, 21))}
    shuffled = m.reporting_lag(con, Filter(), days=(21, 7, 1, 7, 10))
    assert [p.days for p in shuffled] == [21, 7, 1, 7, 10]  # as asked
    assert all(p == sorted_days[p.days] for p in shuffled)
    assert m.reporting_lag(con, Filter(), days=()) == []
