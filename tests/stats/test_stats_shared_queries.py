"""The overview's speed-ups keep the figures: the month x principal-article split adds up to
the metrics it splits, and `shared_queries` answers repeated questions (and chooses how an
as-of is answered once) without changing any result (inside the block, outside it, as of an
earlier day or an instant inside a run, without removed cases), against every metric run
on its own (`reference_queries`)."""

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest
from stats_history import CASES, RUN1, RUN2

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter


@pytest.fixture
def con(history):
    con = history.connect()
    yield con
    con.close()


class CountingConnection:
    """A connection that counts the queries sent through it."""

    def __init__(self, con):
        self.con = con
        self.queries = 0
        self.asked = []

    def execute(self, *args):
        self.queries += 1
        self.asked.append(args[0])
        return self.con.execute(*args)


def test_month_by_principal_article_adds_up_to_months_and_articles(con):
    split = m.cases_received_by_month_and_article(con, Filter())
    months: Counter[str] = Counter()
    articles: Counter[str | None] = Counter()
    for x in split:
        months[x.period] += x.cases
        articles[x.article] += x.cases
    assert months == {x.period: x.cases for x in m.cases_received_by_month(con, Filter())}
    expected = Counter(c.entry.strftime("%Y-%m") for c in CASES)
    assert months == expected  # every case once, in its receipt month
    principal = {a.article: a.cases for a in m.cases_by_principal_article(con, Filter())}
    assert dict(articles) == principal
    assert articles["338"] == 2  # the case charged under 337 and 338 counts under 338 only


def test_month_by_principal_article_keeps_the_article_filter(con):
    split = m.cases_received_by_month_and_article(con, Filter(article="338"))
    # the cases charged under 338, each under its principal article (338 outranks 337)
    assert sum(x.cases for x in split) == m.cumulative_cases(con, Filter(article="338")).cases
    assert {x.article for x in split} == {"338"}


FILTERS = [
    Filter(),
    Filter(article="337"),
    Filter(court="27GV0008"),
    Filter(region="Приморский край"),
    Filter(since=dt.date(2024, 1, 1)),
    Filter(include_removed=False),
    Filter(as_of=RUN1.date() + dt.timedelta(days=1)),
    Filter(as_of=RUN1.date() + dt.timedelta(days=1), include_removed=False),
    Filter(as_of=RUN2 + dt.timedelta(minutes=30), article="352.1"),  # during run 2
]


def _everything(con, flt):
    return (
        m.headline_figures(con, flt),
        m.completeness_by_month(con, flt),
        m.reporting_lag(con, flt),
        m.outcomes(con, flt),
        m.days_to_verdict(con, flt),
        m.cases_by_court(con, flt),
        m.cases_by_district(con, flt),
        m.cases_by_region(con, flt),
        m.cases_by(con, flt, "month"),
        m.ytd_vs_previous_year(con, flt),
        m.cumulative_cases(con, replace(flt, include_removed=False)),
    )


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
def test_shared_queries_change_no_result(con, flt):
    alone = _everything(con, flt)
    with m.shared_queries():
        shared = _everything(con, flt)
        again = _everything(con, flt)
    assert shared == alone
    assert again == alone
    with m.reference_queries():
        assert _everything(con, flt) == alone


def test_shared_queries_ask_each_question_once_and_only_inside_the_block(con):
    counting = CountingConnection(con)
    flt = Filter(article="337")
    with m.shared_queries():
        m.outcomes(counting, flt)
        asked = counting.queries
        assert asked >= 1
        m.outcomes(counting, flt)
        m.days_to_verdict(counting, flt)  # same scan as the outcomes
        assert counting.queries == asked
        m.outcomes(counting, replace(flt, article="338"))  # another question
        assert counting.queries == asked + 1
    m.outcomes(counting, flt)  # outside the block: asked again
    assert counting.queries == asked + 2


def _source_questions(counting):
    return sum(1 for sql in counting.asked if "max(fetched_at) FROM fetch_log" in sql)


def test_an_as_of_source_is_chosen_once_per_block(con):
    flt = Filter(as_of=RUN1.date() + dt.timedelta(days=1))
    alone = CountingConnection(con)
    m.outcomes(alone, flt)
    m.cumulative_cases(alone, flt)
    assert _source_questions(alone) == 2  # outside a block: each metric asks
    counting = CountingConnection(con)
    with m.shared_queries():
        m.headline_figures(counting, flt)
        m.completeness_by_month(counting, flt)
        m.cases_by_court(counting, flt)
    assert _source_questions(counting) == 1
    with m.shared_queries():  # a new block asks again (a new snapshot may have come)
        m.outcomes(counting, flt)
    assert _source_questions(counting) == 2


def test_reference_queries_share_nothing(con):
    counting = CountingConnection(con)
    flt = Filter(article="337")
    with m.reference_queries(), m.shared_queries():
        m.outcomes(counting, flt)
        asked = counting.queries
        m.outcomes(counting, flt)
        assert counting.queries == 2 * asked
