"""The harvester proves what it assumes about each court (issue 9): a stale dialect is
refuted and replaced, "no data" is believed only from a court shown to answer with rows,
windows whose rows shift while paged are listed again, moved sites are followed only within
sudrf.ru. Against the fake court network (tests/harvest/fakecourts.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakecourts import FakeCase, FakeCourt, FakeNetwork, FakeServer

from kartoteka.harvest.harvester import CourtStatus, harvest
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.harvest.state import BeliefKind, HarvestState, WindowStatus
from kartoteka.harvest.warc import iter_responses
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.sudrf.urls import Dialect

SINCE, UNTIL = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
OPTIONS = PlanOptions(since=SINCE, until=UNTIL)
CONFIG = for_sandbox(per_host_interval=0.01, global_interval=0.002, cooldown=0.1, backoff_base=0.01)


def _cases(prefix: str, n: int, months: int = 6) -> list[FakeCase]:
    days = (SINCE.replace(month=months) - SINCE).days + 27
    return [FakeCase(f"{prefix}{i}", SINCE + dt.timedelta(days=(i * 11) % days)) for i in range(n)]


def _court(host: str, code: str, dialect: Dialect | None = Dialect.CLASSIC) -> Court:
    return Court(code, f"Суд {code}", CourtLevel.GARRISON, host, dialect=dialect)


def _keys(data: DataDir, code: str) -> set[str]:
    state = HarvestState(data.state)
    try:
        return {k[2] for k in state.case_keys(code)}
    finally:
        state.close()


@pytest.fixture
def served():
    servers = []

    def serve(courts: list[FakeCourt]) -> FakeNetwork:
        net = FakeNetwork(courts)
        server = FakeServer(net).__enter__()
        servers.append(server)
        net.url = server.url  # type: ignore[attr-defined]
        return net

    yield serve
    for server in servers:
        server.__exit__(None)


def test_a_stale_dialect_is_refuted_and_the_court_harvested_in_full(served, tmp_path):
    # The registry says classic; the site now speaks vnkod and refuses classic silently.
    migrated = FakeCourt("m.sudrf.ru", _cases("m", 21), dialect="vnkod")
    honest = FakeCourt("h.sudrf.ru", _cases("h", 28), dialect="classic")
    net = served([migrated, honest])
    data = DataDir(tmp_path)
    registry = [_court("m.sudrf.ru", "01GV0001"), _court("h.sudrf.ru", "01GV0002")]
    report = harvest(data, registry, CONFIG, OPTIONS, sandbox_url=net.url)
    by = {c.code: c for c in report.courts}
    assert by["01GV0001"].status is CourtStatus.OK, by["01GV0001"].problems
    assert _keys(data, "01GV0001") == {c.case_id for c in migrated.cases}
    assert _keys(data, "01GV0002") == {c.case_id for c in honest.cases}
    [change] = by["01GV0001"].changes
    assert (change.what, change.old, change.new) == (BeliefKind.DIALECT, "classic", "vnkod")
    state = HarvestState(data.state)
    try:
        [logged] = state.changes("01GV0001")
        assert logged.evidence_url and "_deloId" in logged.evidence_url
        assert state.belief("01GV0001", BeliefKind.DIALECT).verified_run == report.run_id
        assert state.window_problems() == []
    finally:
        state.close()
    # The honest court proved its dialect with its own rows: not one extra request.
    assert by["01GV0002"].extra_requests == 0
    # The migrated court: a few wasted windows, a control, the form, the other dialect.
    assert 0 < by["01GV0001"].extra_requests <= 6
    # A second run starts from what the court showed, not from the stale registry.
    again = harvest(data, registry, CONFIG, OPTIONS, sandbox_url=net.url)
    assert all(c.status is CourtStatus.OK for c in again.courts)
    assert sum(c.extra_requests for c in again.courts) == 0


def test_no_data_is_not_zero_until_the_court_is_shown_to_answer(served, tmp_path):
    # A court that answers nothing in either dialect (a site that refuses every query):
    # never "ok with 0 cases".
    mute = FakeCourt("z.sudrf.ru", [], dialect="vnkod")
    net = served([mute])
    data = DataDir(tmp_path)
    report = harvest(data, [_court("z.sudrf.ru", "01GV0009")], CONFIG, OPTIONS, sandbox_url=net.url)
    [court] = report.courts
    assert court.status is CourtStatus.INCOMPLETE
    assert court.windows_suspect == 6
    assert any("suspect-empty" in p for p in court.problems)
    state = HarvestState(data.state)
    try:
        problems = state.window_problems("01GV0009")
        assert {p.status for p in problems} == {WindowStatus.SUSPECT_EMPTY}
        assert len(problems) == 6
        assert len(state.incomplete_windows("01GV0009")) == 6  # listed again next run
    finally:
        state.close()
    # At most one re-probe per court per run: control, form, other dialect.
    # The refusal page named vnkod: no control in classic, only the form and a vnkod control.
    assert court.extra_requests == 2


def test_honest_empty_months_of_a_proven_court_are_complete(served, tmp_path):
    # Cases only in one month: the other five months are honest "no data".
    sparse = FakeCourt(
        "s.sudrf.ru",
        [FakeCase(f"s{i}", dt.date(2024, 5, 3 + i)) for i in range(4)],
        dialect="classic",
    )
    net = served([sparse])
    data = DataDir(tmp_path)
    report = harvest(data, [_court("s.sudrf.ru", "01GV0003")], CONFIG, OPTIONS, sandbox_url=net.url)
    [court] = report.courts
    assert court.status is CourtStatus.OK, court.problems
    assert _keys(data, "01GV0003") == {c.case_id for c in sparse.cases}
    assert court.extra_requests == 1  # one control query proved the empty months
    state = HarvestState(data.state)
    try:
        assert state.window_problems() == []
    finally:
        state.close()


def test_rows_shifting_between_pages_are_listed_again(served, tmp_path):
    base = [FakeCase(f"r{i}", dt.date(2024, 3, 1 + i % 28)) for i in range(40)]
    late = [FakeCase("new1", dt.date(2024, 3, 1)), FakeCase("new2", dt.date(2024, 3, 2))]
    court = FakeCourt("r.sudrf.ru", base, dialect="classic", arrive_while_paging=late)
    net = served([court])
    data = DataDir(tmp_path)
    report = harvest(data, [_court("r.sudrf.ru", "01GV0004")], CONFIG, OPTIONS, sandbox_url=net.url)
    [rep] = report.courts
    assert rep.status is CourtStatus.OK, rep.problems
    assert _keys(data, "01GV0004") == {c.case_id for c in court.cases}
    # The counter moved at page 2: only page 1 (where the arrivals hide) is fetched again.
    assert rep.extra_requests == 1


def test_a_counter_that_moves_twice_gets_the_window_listed_again_in_full(served, tmp_path):
    base = [FakeCase(f"q{i}", dt.date(2024, 3, 1 + i % 28)) for i in range(60)]
    court = FakeCourt(
        "q.sudrf.ru",
        base,
        dialect="classic",
        arrive_while_paging=[FakeCase("n1", dt.date(2024, 3, 1))],
        arrive_after_page_2=[FakeCase("n2", dt.date(2024, 3, 1))],
    )
    net = served([court])
    data = DataDir(tmp_path)
    report = harvest(data, [_court("q.sudrf.ru", "01GV0007")], CONFIG, OPTIONS, sandbox_url=net.url)
    [rep] = report.courts
    assert rep.status is CourtStatus.OK, rep.problems
    assert _keys(data, "01GV0007") == {c.case_id for c in court.cases}
    assert rep.extra_requests == 3  # the first pass of the March window, thrown away


def test_a_moved_court_is_followed_within_sudrf_and_recorded(served, tmp_path):
    moved = FakeCourt("old.sudrf.ru", _cases("v", 9), dialect="classic", moved_to="new.sudrf.ru")
    off = FakeCourt(
        "gone.sudrf.ru", _cases("g", 3), dialect="classic", moved_to="parked.example.com"
    )
    net = served([moved, off])
    data = DataDir(tmp_path)
    registry = [_court("old.sudrf.ru", "01GV0005"), _court("gone.sudrf.ru", "01GV0006")]
    report = harvest(data, registry, CONFIG, OPTIONS, sandbox_url=net.url)
    by = {c.code: c for c in report.courts}
    assert by["01GV0005"].status is CourtStatus.OK, by["01GV0005"].problems
    assert _keys(data, "01GV0005") == {c.case_id for c in moved.cases}
    assert [(c.what, c.old, c.new) for c in by["01GV0005"].changes] == [
        (BeliefKind.HOST, "old.sudrf.ru", "new.sudrf.ru")
    ]
    # One redirect hop, then every request goes to the new host directly.
    old_hits = [t for h, _, t, _ in net.log if h == "old.sudrf.ru" and "robots" not in t]
    assert len(old_hits) == 1
    # Off the court network: not followed, the court is not "ok", nothing counted as zero.
    assert by["01GV0006"].status is not CourtStatus.OK
    assert any("not followed" in p for p in by["01GV0006"].problems)
    assert _keys(data, "01GV0006") == set()
    assert not [h for h, *_ in net.log if h == "parked.example.com"]
    # The redirect itself is in the archive.
    statuses = {(r.url.split("/")[2], r.status) for r in iter_responses(data.archive)}
    assert ("old.sudrf.ru", 301) in statuses and ("gone.sudrf.ru", 301) in statuses
    state = HarvestState(data.state)
    try:
        assert state.belief("01GV0005", BeliefKind.HOST).value == "new.sudrf.ru"
    finally:
        state.close()
