"""`Filter.service`: the sentence figures within one service status, and the case figures
refusing it. The sentence figures of each status are checked against the sandbox's truth in
tests/stats/test_stats_sentences_e2e.py (both stages, as of two dates); here, on a small
ingested sandbox archive: the statuses partition the sentences of every sentence metric
(each status's rows add up, with the texts that state none, to the unfiltered row), the
published share stays that of all verdicts, the defendants listed behind a row are that
row's, and `kartoteka stats` gives the same rows or refuses with a usage error."""

from __future__ import annotations

import json
from dataclasses import replace

import duckdb
import pytest
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.paths import DataDir
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter

# every public metric that counts sentences; every other one counts cases and must refuse
SENTENCE_METRICS = {
    m.sentences_by_punishment,
    m.sentences_by_month,
    m.suspended_share,
    m.real_terms,
    m.real_terms_overall,
    m.sentences_by_regime,
    m.sentences_by_service,
    m.list_sentences,
    m.cases_by,  # refuses for the case groupings only (below)
}
CASE_GROUPINGS = ("month", "court", "district", "region", "part", "article", "outcome")
MOBILISED = Filter(service="mobilised")


def test_every_case_metric_refuses_a_service_status() -> None:
    # the refusal comes before any query: an empty database is enough
    con = duckdb.connect()
    case_metrics = [fn for fn in m.METRICS if fn not in SENTENCE_METRICS]
    assert len(case_metrics) >= 20
    for fn in case_metrics:
        extra = ("27GV0008",) if fn is m.appeals_against else ()
        with pytest.raises(m.FilterNotApplicable, match="has no service status"):
            fn(con, MOBILISED, *extra)
        keywords = {"first_instance_court": extra[0]} if extra else {}
        with pytest.raises(m.FilterNotApplicable):  # given by keyword too
            fn(con, flt=MOBILISED, **keywords)
    for by in CASE_GROUPINGS:
        with pytest.raises(m.FilterNotApplicable, match=f"--by {by}"):
            m.cases_by(con, MOBILISED, by)


def test_a_service_status_is_one_of_the_column_values() -> None:
    assert m.service_set("contract, Mobilised") == ("mobilised", "contract")
    for wrong in ("mobilized", "volunteer", "mobilised,", ""):
        with pytest.raises(ValueError, match="mobilised, contract, conscript"):
            Filter(service=wrong)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> DataDir:
    from act_archive import small_sentence_store

    return small_sentence_store(tmp_path_factory.mktemp("service"))


@pytest.fixture(scope="module")
def con(store):
    con = duckdb.connect(str(store.store), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("stage", ["handed_down", "final"])
def test_the_statuses_partition_every_sentence_figure(con, stage) -> None:
    flt = Filter(sentence_stage=stage)
    everyone = m.sentences_by_punishment(con, flt)
    by_service = {g.key: g for g in m.sentences_by_service(con, flt)}
    assert {"mobilised", "contract"} <= by_service.keys(), by_service
    total: dict[str | None, int] = {}
    for service in m.SERVICE_STATUSES:
        within = replace(flt, service=service)
        rows = m.sentences_by_punishment(con, within)
        n = sum(g.sentences for g in rows)
        assert n == (by_service[service].sentences if service in by_service else 0)
        # the published share is that of all verdicts of the selection, whatever the status
        assert {(g.published_share, g.verdicts) for g in rows} <= {
            (everyone[0].published_share, everyone[0].verdicts)
        }
        assert [g.key for g in m.sentences_by_service(con, within)] == ([service] if n else [])
        for g in rows:
            total[g.key] = total.get(g.key, 0) + g.sentences
        listed = m.list_sentences(con, within)
        assert len(listed) == n and {r.service for r in listed} <= {service}
        share = m.suspended_share(con, within)
        assert (share.sentences, share.verdicts) == (n, everyone[0].verdicts)
        suspended = sum(g.sentences for g in rows if g.key == "suspended_imprisonment")
        assert share.suspended == suspended
        months = m.sentences_by_month(con, within)
        assert sum(g.sentences for g in months) == n
        # every month with verdicts stays listed, with its own published share
        assert [(g.key, g.published_share) for g in months] == [
            (g.key, g.published_share) for g in m.sentences_by_month(con, flt)
        ]
        terms = m.real_terms_overall(con, within)
        real = [r for r in listed if r.punishment == "imprisonment" and r.term_months]
        assert terms.sentences == len(real)
    unstated = by_service.get(None)
    for g in everyone:  # each punishment: the statuses and the texts stating none add up
        expected = g.sentences - total.get(g.key, 0)
        stated_none = m.list_sentences(con, flt, "service", "none")
        assert expected == sum(1 for r in stated_none if r.punishment == g.key)
    assert unstated is None or unstated.sentences == len(
        m.list_sentences(con, flt, "service", "none")
    )


def test_several_statuses_are_their_union(con) -> None:
    both = m.sentences_by_punishment(con, Filter(service="mobilised,contract"))
    one = {
        s: {g.key: g.sentences for g in m.sentences_by_punishment(con, Filter(service=s))}
        for s in ("mobilised", "contract")
    }
    for g in both:
        assert g.sentences == one["mobilised"].get(g.key, 0) + one["contract"].get(g.key, 0)


def test_real_terms_overall_pools_each_defendant_once(con) -> None:
    everyone = m.real_terms_overall(con, Filter())
    real = [
        r for r in m.list_sentences(con, Filter(), "punishment", "imprisonment") if r.term_months
    ]
    assert everyone.sentences == len(real) > 0
    by_charge = m.real_terms(con, Filter())
    row = max(by_charge, key=lambda t: t.sentences)
    one = m.real_terms_overall(con, Filter(), (row.charge,))
    assert (one.sentences, one.median_months, one.q1_months, one.q3_months) == (
        row.sentences,
        row.median_months,
        row.q1_months,
        row.q3_months,
    )
    assert (one.published_share, one.verdicts) == (row.published_share, row.verdicts)
    article = m.real_terms_overall(con, Filter(), (row.article,))
    parts = [t for t in by_charge if t.article == row.article]
    # every part of the article, a defendant convicted under two of them once
    assert max(t.sentences for t in parts) <= article.sentences <= sum(t.sentences for t in parts)
    listed = m.list_sentences(con, Filter(), "term", row.charge)
    assert len(listed) == row.sentences


runner = CliRunner()


def _stats(store: DataDir, *args: str):
    return runner.invoke(app, ["stats", *args, "--data-dir", str(store.root)])


def _json(output: str) -> list[dict]:
    return json.loads(output[output.index("[") :])  # type: ignore[no-any-return]


def test_stats_cli_service_rows_are_the_metrics(store, con) -> None:
    for by in ("punishment", "regime", "term", "service"):
        result = _stats(store, "--by", by, "--service", "mobilised", "--format", "json")
        assert result.exit_code == 0, result.output
        assert _json(result.stdout) == m.cases_by(con, MOBILISED, by)
    row = m.cases_by(con, MOBILISED, "punishment")[0]
    result = _stats(
        store,
        "--by",
        "punishment",
        "--cases",
        row["punishment"],
        "--service",
        "mobilised",
        "--format",
        "json",
    )
    listed = _json(result.stdout)
    assert len(listed) == row["sentences"] and {r["service"] for r in listed} == {"mobilised"}


@pytest.mark.parametrize(
    "args",
    [
        ("--by", "month"),
        ("--by", "court"),
        ("--headline",),
        ("--by", "outcome", "--cases", "verdict"),
    ],
)
def test_stats_cli_refuses_a_service_status_for_figures_of_cases(store, args) -> None:
    result = _stats(store, *args, "--service", "mobilised")
    assert result.exit_code == 2
    assert "has no service status" in result.output and "--by punishment" in result.output


def test_stats_cli_names_the_allowed_statuses(store) -> None:
    result = _stats(store, "--by", "punishment", "--service", "volunteer")
    assert result.exit_code == 2
    # a usage error, possibly in a wrapped panel: compare the words
    words = " ".join(result.output.replace("│", " ").split())
    assert "--service" in words and "mobilised, contract, conscript" in words
