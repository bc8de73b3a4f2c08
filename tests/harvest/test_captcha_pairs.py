"""Captcha by solved pair against the sandbox's field captcha (issue 9): one question per
region per validity period, one more after expiry; at most two wrong answers per court per
run; without a person, challenges wait in `kartoteka captcha` and the next run uses the
answers."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time

import pytest

from kartoteka.cli.harvest_cmd import answer_captcha, captcha_overview
from kartoteka.harvest.captcha import CaptchaChallenge, CaptchaPolicy
from kartoteka.harvest.harvester import CourtStatus, Harvester, HarvestReport
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.paths import DataDir
from kartoteka.sandbox.config import FIELD, SandboxConfig
from kartoteka.sandbox.server import SandboxHandle, run_sandbox

NOW = dt.date(2024, 6, 30)
OPTIONS = PlanOptions(since=dt.date(2024, 6, 1), until=NOW, recent_months=1)
CONFIG = for_sandbox(per_host_interval=0.01, global_interval=0.002, cooldown=0.2)
VALID_S = 4.0  # the sandbox's validity of a solved pair (wall clock)
POLICY = CaptchaPolicy(scope="region")  # validity 6 h: the site's form ends it earlier


class Solver:
    def __init__(self, sb: SandboxHandle, wrong: bool = False):
        self.sb, self.wrong = sb, wrong
        self.asked: collections.Counter[str] = collections.Counter()

    def __call__(self, challenge: CaptchaChallenge) -> str | None:
        self.asked[challenge.court_code[:2]] += 1
        if self.wrong:
            return "00000"
        return self.sb.captcha_solution(challenge.captcha_id or "")


def _run(sb, data, courts, solver) -> HarvestReport:
    harvester = Harvester(
        data,
        courts,
        CONFIG,
        OPTIONS,
        sandbox_url=sb.url,
        captcha_solver=solver,
        captcha_policy=POLICY,
    )
    return asyncio.run(harvester.run())


@pytest.fixture(scope="module")
def sandbox():
    network = FIELD.with_rates(
        captcha_valid_s=VALID_S,
        migration_share=0.0,
        https_share=0.0,
        moved_share=0.0,
        off_site=0,
        late_days=0,
    )
    with run_sandbox(SandboxConfig(seed=5, faults="none", now=NOW, network=network)) as sb:
        sb.wait_warm()
        captcha = [c for c in sb.courts if c.captcha]
        by_region = collections.defaultdict(list)
        for c in captcha:
            by_region[c.code[:2]].append(c.code)
        # The two regions with the most captcha courts.
        regions = sorted(by_region, key=lambda r: -len(by_region[r]))[:2]
        codes = {code for r in regions for code in by_region[r]}
        courts = [c for c in sb.registry() if c.code in codes]
        assert all(len(by_region[r]) >= 2 for r in regions)
        yield sb, courts, regions


def test_one_question_per_region_per_validity_then_one_more(sandbox, tmp_path):
    sb, courts, regions = sandbox
    data = DataDir(tmp_path)
    solver = Solver(sb)
    first = _run(sb, data, courts, solver)
    assert all(c.status is CourtStatus.OK for c in first.courts), [
        (c.code, c.detail) for c in first.courts
    ]
    assert solver.asked == {r: 1 for r in regions}
    # Still valid: a second run asks nobody.
    _run(sb, data, courts, solver)
    assert solver.asked == {r: 1 for r in regions}
    time.sleep(VALID_S + 0.5)
    third = _run(sb, data, courts, solver)
    assert all(c.status is CourtStatus.OK for c in third.courts)
    assert solver.asked == {r: 2 for r in regions}  # after expiry, one more per region


def test_wrong_answers_stop_at_two_per_court(sandbox, tmp_path):
    sb, courts, _ = sandbox
    before = {c.code: sb.captcha_counts_of(c.code).get("wrong", 0) for c in courts}
    report = _run(sb, DataDir(tmp_path), courts[:2], Solver(sb, wrong=True))
    for c in report.courts:
        assert c.status is CourtStatus.CAPTCHA  # reported, never a silent zero
        assert sb.captcha_counts_of(c.code).get("wrong", 0) - before[c.code] <= 2
        assert c.captcha_wrong <= 2


def test_pending_challenges_are_answered_later_and_used_by_the_next_run(sandbox, tmp_path):
    sb, courts, regions = sandbox
    time.sleep(VALID_S + 0.5)  # no pair of an earlier test in force
    data = DataDir(tmp_path)
    first = _run(sb, data, courts, None)  # cron: nobody to ask
    assert {c.status for c in first.courts} == {CourtStatus.CAPTCHA}
    pending, pairs = captcha_overview(data)
    assert {p["court"] for p in pending} == {c.code for c in courts} and not pairs
    assert all(p["image"] and p["image"].endswith(".png") for p in pending)
    # A person answers one challenge per region (the newest one each).
    for region in regions:
        mine = [p for p in pending if p["court"].startswith(region)]
        newest = mine[-1]
        state_id = _captcha_id(data, newest["court"])
        assert answer_captcha(data, newest["court"], sb.captcha_solution(state_id) or "")
    second = _run(sb, data, courts, None)
    assert all(c.status is CourtStatus.OK for c in second.courts), [
        (c.code, c.detail) for c in second.courts
    ]
    pending, pairs = captcha_overview(data)
    assert {p["scope"] for p in pairs} == {f"region:{r}" for r in regions}


def _captcha_id(data: DataDir, court: str) -> str:
    from kartoteka.harvest.state import HarvestState

    state = HarvestState(data.state)
    try:
        return next(p.captcha_id for p in state.pending_challenges() if p.court_code == court)
    finally:
        state.close()


def test_a_site_that_opens_a_gate_instead_of_taking_the_pair_again(tmp_path):
    # The other captcha behaviour (the sandbox's simple gate): one solved code opens the
    # court for a while and a resent pair is refused. One question per court, not one per
    # request.
    from kartoteka.sandbox.config import NONE

    config = SandboxConfig(seed=2, faults=NONE.with_rates(captcha=1.0), now=NOW)
    with run_sandbox(config) as sb:
        courts = [c for c in sb.registry() if c.code in {s.code for s in sb.courts if s.captcha}]
        courts = courts[:3]
        asked: collections.Counter[str] = collections.Counter()

        def solve(challenge: CaptchaChallenge) -> str:
            asked[challenge.court_code] += 1
            return sb.captcha_answer(next(c.host for c in courts if c.code == challenge.court_code))

        harvester = Harvester(
            DataDir(tmp_path),
            courts,
            CONFIG,
            OPTIONS,
            sandbox_url=sb.url,
            captcha_solver=solve,
            captcha_policy=CaptchaPolicy(scope="court"),
        )
        report = asyncio.run(harvester.run())
    assert all(c.status is CourtStatus.OK for c in report.courts), [
        (c.code, c.detail) for c in report.courts
    ]
    assert asked == {c.code: 1 for c in courts}
