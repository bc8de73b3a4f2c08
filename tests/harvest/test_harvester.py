"""The harvest run against a fake court network on localhost: completeness, politeness,
failure reporting, incremental updates."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakecourts import FakeCase, FakeCourt, FakeNetwork, FakeServer

from kartoteka.harvest.harvester import CourtStatus, harvest
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.harvest.state import HarvestState
from kartoteka.harvest.warc import iter_responses
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.sudrf.urls import Dialect

SINCE, UNTIL = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
OPTIONS = PlanOptions(since=SINCE, until=UNTIL)
CONFIG = for_sandbox(per_host_interval=0.02, global_interval=0.005, cooldown=0.1, backoff_base=0.01)


def _cases(prefix: str, n: int, article: str = "ст.337 ч.5 УК РФ") -> list[FakeCase]:
    days = (UNTIL - SINCE).days + 1
    return [
        FakeCase(f"{prefix}{i}", SINCE + dt.timedelta(days=(i * 7) % days), article)
        for i in range(n)
    ]


def _court(host: str, code: str, level=CourtLevel.GARRISON, dialect=Dialect.CLASSIC):
    return Court(code, f"Суд {code}", level, host, dialect=dialect)


def _network():
    courts = [
        FakeCourt("a.sudrf.ru", _cases("a", 60) + _cases("x", 5, "ст.158 ч.2 УК РФ")),
        FakeCourt("b.sudrf.ru", _cases("b", 7)),
        FakeCourt("c.sudrf.ru", _cases("c", 3), captcha_code="12345"),
        FakeCourt("d.sudrf.ru", _cases("d", 3), down=True),
        FakeCourt(
            "e.sudrf.ru", [*_cases("e", 4), FakeCase("ap1", dt.date(2024, 2, 2), instance="appeal")]
        ),
    ]
    return FakeNetwork(courts)


REGISTRY = [
    _court("a.sudrf.ru", "01GV0001"),
    _court("b.sudrf.ru", "01GV0002", dialect=None),
    _court("c.sudrf.ru", "01GV0003"),
    _court("d.sudrf.ru", "01GV0004"),
    _court("e.sudrf.ru", "01OV0000", level=CourtLevel.DISTRICT),
]


def _found(data_dir: DataDir) -> dict[str, set[str]]:
    state = HarvestState(data_dir.state)
    try:
        out: dict[str, set[str]] = {}
        for code, inst, case_id in state.case_keys():
            out.setdefault(code, set()).add(f"{inst}:{case_id}")
        return out
    finally:
        state.close()


@pytest.fixture
def network():
    net = _network()
    with FakeServer(net) as server:
        net.url = server.url
        yield net


def test_harvest_finds_every_case_reports_failures_and_stays_polite(network, tmp_path):
    data = DataDir(tmp_path)
    network.fault("a.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=r", status=429)
    network.fault("b.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=case", kind="throttle")
    network.fault("e.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=r", status=503)
    report = harvest(data, REGISTRY, CONFIG, OPTIONS, sandbox_url=network.url)
    by_code = {c.code: c for c in report.courts}
    assert by_code["01GV0001"].status is CourtStatus.OK
    assert by_code["01GV0002"].status is CourtStatus.OK  # dialect detected on the way
    assert by_code["01GV0003"].status is CourtStatus.CAPTCHA  # no solver: reported
    assert by_code["01GV0004"].status is CourtStatus.UNAVAILABLE
    assert by_code["01OV0000"].status is CourtStatus.OK
    found = _found(data)
    truth = {
        c.host: {f"{k.instance}:{k.case_id}" for k in c.cases} for c in network.courts.values()
    }
    assert found["01GV0001"] == truth["a.sudrf.ru"]
    assert found["01GV0002"] == truth["b.sudrf.ru"]
    assert found["01OV0000"] == truth["e.sudrf.ru"]  # the district court's appeal included
    assert "01GV0003" not in found and "01GV0004" not in found  # reported, not "zero cases"
    # Cards: only the watched ones (the 5 theft cases of court a are skipped).
    assert by_code["01GV0001"].cards == 60
    # Politeness, exactly, at the gateway's send stamps. (This server runs in a thread of
    # the test process, so its arrival stamps jitter by milliseconds under the GIL; the
    # intervals on the wire are checked in the sandbox end-to-end test, where the harvester
    # runs in its own process.)
    _assert_polite([(h, t, "", 0) for h, t in report.send_log], 0.02, 0.005, slack=0.0)
    # The archive holds the pages with the real URLs and the contract headers.
    responses = list(iter_responses(data.archive))
    assert all(r.url.startswith("http://") and "127.0.0.1" not in r.url for r in responses)
    assert {r.page_kind for r in responses} >= {"listing", "card", "captcha", "unavailable"}
    assert {r.status for r in responses} >= {200, 429, 503}
    assert all(r.run_id == report.run_id for r in responses)


def _assert_polite(log, per_host, overall, slack):
    def gaps(ts):
        ts = sorted(ts)
        return [b - a for a, b in itertools.pairwise(ts)] or [float("inf")]

    assert min(gaps(t for _, t, _, _ in log)) >= overall - slack
    for host in {h for h, _, _, _ in log}:
        assert min(gaps(t for h, t, _, _ in log if h == host)) >= per_host - slack


def test_captcha_solver_answers_and_the_court_is_harvested(network, tmp_path):
    data = DataDir(tmp_path)
    asked = []

    def solver(challenge):
        asked.append((challenge.court_code, challenge.captcha_id))
        return "12345"

    report = harvest(
        data, REGISTRY[2:3], CONFIG, OPTIONS, sandbox_url=network.url, captcha_solver=solver
    )
    assert report.courts[0].status is CourtStatus.OK and asked == [("01GV0003", "abc")]
    assert len(_found(data)["01GV0003"]) == 3


def test_unrecognized_page_stops_the_window_and_is_retried_next_run(network, tmp_path):
    data = DataDir(tmp_path)
    # The February listing of court b answers a 404 page.
    network.fault(
        "b.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006"
        "&case_type=0&new=0&delo_table=u1_case&u1_case__CASE_NUMBERSS="
        "&u1_case__JUDICIAL_UIDSS=&u1_case__ENTRY_DATE1D=01.02.2024",
        status=404,
    )
    first = harvest(data, REGISTRY[1:2], CONFIG, OPTIONS, sandbox_url=network.url)
    court = first.courts[0]
    assert court.status is CourtStatus.INCOMPLETE and court.windows_incomplete == 1
    assert court.detail.startswith("window first 2024-02-01..2024-02-29: unrecognized")
    missing = {c.case_id for c in network.courts["b.sudrf.ru"].cases if c.entry.month == 2}
    assert missing and not missing & {k.split(":")[1] for k in _found(data)["01GV0002"]}
    again = harvest(data, REGISTRY[1:2], CONFIG, OPTIONS, sandbox_url=network.url)
    assert again.courts[0].status is CourtStatus.OK
    assert len(_found(data)["01GV0002"]) == 7


def test_incremental_run_relists_recent_windows_and_refetches_only_changed_cards(network, tmp_path):
    data = DataDir(tmp_path)
    options = PlanOptions(since=dt.date(2023, 1, 1), until=UNTIL, recent_months=2)
    first = harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    assert first.courts[0].new_cases == 65
    court = network.courts["a.sudrf.ru"]
    # A week later: one verdict, one new case.
    decided = next(c for c in court.cases if c.entry.month == 3 and "337" in c.article)
    decided.result, decided.result_date = "Вынесен ПРИГОВОР", UNTIL
    court.cases.append(FakeCase("new1", dt.date(2024, 3, 30)))
    before = len(network.log)
    second = harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    row = second.courts[0]
    assert (row.new_cases, row.changed_cases) == (1, 1)
    assert row.cards == 2  # the new case's card and the changed one, nothing else
    sent = network.log[before:]
    listings = [p for _, _, p, _ in sent if "name_op=r" in p]
    spans = {(p.split("ENTRY_DATE1D=")[1][:10], p.split("ENTRY_DATE2D=")[1][:10]) for p in listings}
    assert spans == {("01.02.2024", "31.03.2024")}  # the last 2 months, as one window
    recent = [c for c in court.cases if c.entry >= dt.date(2024, 2, 1)]
    assert len(listings) == -(-len(recent) // 25)  # its pages, and nothing older


def test_undecided_cases_in_windows_no_longer_relisted_get_stale_cards_refreshed(network, tmp_path):
    data = DataDir(tmp_path)
    court = network.courts["a.sudrf.ru"]
    decided_old = next(c for c in court.cases if c.entry.month == 1 and "337" in c.article)
    decided_old.result, decided_old.result_date = "Вынесен ПРИГОВОР", dt.date(2024, 1, 31)
    decided_old.legal_force = dt.date(2024, 2, 16)  # final: its card should not change
    # Every card counts as stale at once; only the last 2 months are re-listed.
    options = PlanOptions(since=dt.date(2023, 1, 1), until=UNTIL, recent_months=2, card_max_age=0.0)
    harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    before = len(network.log)
    harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    cards = {
        p.split("case_id=")[1].split("&")[0]
        for _, _, p, _ in network.log[before:]
        if "name_op=case" in p
    }
    undecided_watched = {c.case_id for c in court.cases if not c.legal_force and "337" in c.article}
    assert cards == undecided_watched  # January's too, although January is not re-listed
    assert decided_old.case_id not in cards


def test_a_stale_card_of_a_case_gone_from_the_site_is_no_fault_of_the_run(network, tmp_path):
    data = DataDir(tmp_path)
    court = network.courts["a.sudrf.ru"]
    court.gone_cards_empty = True
    options = PlanOptions(since=dt.date(2023, 1, 1), until=UNTIL, recent_months=2, card_max_age=0.0)
    harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    gone = next(c for c in court.cases if c.entry.month == 1 and "337" in c.article)
    court.cases.remove(gone)  # removed from the site; January is not re-listed
    before = len(network.log)
    second = harvest(data, REGISTRY[:1], CONFIG, options, sandbox_url=network.url)
    asked = [p for _, _, p, _ in network.log[before:] if f"case_id={gone.case_id}&" in p]
    assert len(asked) == 1  # its stale card was asked for once ...
    assert second.courts[0].status is CourtStatus.OK  # ... and "no data" is not a failure
    third_before = len(network.log)
    harvest(
        data, REGISTRY[:1], CONFIG, replace(options, card_max_age=3600.0), sandbox_url=network.url
    )
    assert not [p for _, _, p, _ in network.log[third_before:] if f"case_id={gone.case_id}&" in p]


def test_a_listing_without_counter_is_paged_but_never_called_complete(network, tmp_path):
    court = network.courts["a.sudrf.ru"]
    court.no_counter = True
    data = DataDir(tmp_path)
    report = harvest(data, REGISTRY[:1], CONFIG, OPTIONS, sandbox_url=network.url)
    row = report.courts[0]
    assert len(_found(data)["01GV0001"]) == len(court.cases)  # every page was read
    assert row.status is CourtStatus.INCOMPLETE and "no counter" in row.detail
