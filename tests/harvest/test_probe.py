"""`kartoteka probe COURT` against the sandbox (issue 9, item 6): at most five requests on the
sandbox's own request log, every response archived, and a court whose site speaks the other
dialect than the registry says is reported as such."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.harvest.probe import MAX_REQUESTS, probe
from kartoteka.harvest.warc import ArchiveIndex, WarcWriter
from kartoteka.sandbox.config import NONE, SandboxConfig
from kartoteka.sandbox.network import SimCourt
from kartoteka.sandbox.server import SandboxHandle, build_site, run_sandbox
from kartoteka.sudrf.urls import Dialect

NOW = dt.date(2024, 6, 30)


def _other(d: Dialect) -> Dialect:
    return Dialect.CLASSIC if d is Dialect.VNKOD else Dialect.VNKOD


def _log(path: Path, host: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [e for e in lines if e["host"] == host]


def _court(sb: SandboxHandle, dialect: Dialect, captcha: bool = False) -> SimCourt:
    return next(
        c
        for c in sb.courts
        if c.dialect is dialect
        and c.captcha is captcha
        and not c.always_down
        and c.level.value == "garrison"
    )


def _registry(path: Path, court: SimCourt, dialect: Dialect | None) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name", "level", "host", "search_dialect"])
        out.writerow(
            [
                court.code,
                court.name,
                court.level.value,
                court.host,
                dialect.value if dialect else "",
            ]
        )
    return path


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    log = tmp_path_factory.mktemp("sb") / "requests.jsonl"
    config = SandboxConfig(seed=1, faults=NONE.with_rates(captcha=1.0), now=NOW, request_log=log)
    with run_sandbox(config) as sb:
        yield sb, log


@pytest.mark.parametrize("site_dialect", [Dialect.VNKOD, Dialect.CLASSIC])
def test_a_stale_dialect_hint_is_reported_within_five_requests(sandbox, tmp_path, site_dialect):
    sb, log = sandbox
    sim = _court(sb, site_dialect)
    stale = dataclasses.replace(sim.court, dialect=_other(site_dialect))
    writer = WarcWriter(tmp_path / "archive")
    report = probe(stale, for_sandbox(), writer, sandbox_url=sb.url)
    writer.close()

    assert report.registry_dialect == _other(site_dialect).value
    assert report.dialect == site_dialect.value
    assert report.dialect_evidence == "search form fields"
    assert any(
        f"the registry says {_other(site_dialect).value}, the site speaks {site_dialect.value}" in f
        for f in report.findings
    )
    assert report.template == sim.template.value
    assert report.captcha is False
    truth = [
        c
        for c in sb.truth_of(sim.code)
        if c.visible
        and c.instance == "first"
        and dt.date.fromisoformat(report.window[0]) <= c.entry_date <= NOW  # type: ignore[index]
    ]
    assert report.counter == len(truth) > 0
    assert report.card_ok is True
    served = _log(log, sim.host)
    assert len(served) == report.requests <= MAX_REQUESTS
    index = ArchiveIndex(tmp_path / "archive")
    archived = [s for s in report.steps if s.warc_file]
    assert len(archived) == len(report.steps) == index.count()  # every page, robots aside
    index.close()


def test_a_court_as_the_registry_says_needs_nothing(sandbox, tmp_path):
    sb, log = sandbox
    sim = _court(sb, Dialect.VNKOD)
    before = len(_log(log, sim.host))
    writer = WarcWriter(tmp_path / "archive")
    report = probe(
        dataclasses.replace(sim.court, dialect=Dialect.VNKOD),
        for_sandbox(),
        writer,
        sandbox_url=sb.url,
    )
    writer.close()
    assert report.findings == [] and not report.needs_attention
    assert report.dialect == "vnkod" and report.card_ok
    assert len(_log(log, sim.host)) - before == report.requests <= MAX_REQUESTS
    assert "OK: the site answers as the registry says." in report.render()


def test_a_captcha_court_is_reported_without_spending_more_requests(sandbox, tmp_path):
    sb, log = sandbox
    sim = _court(sb, Dialect.CLASSIC, captcha=True)
    before = len(_log(log, sim.host))
    writer = WarcWriter(tmp_path / "archive")
    report = probe(sim.court, for_sandbox(), writer, sandbox_url=sb.url)
    writer.close()
    assert report.captcha is True
    assert any("captcha" in f for f in report.findings)
    assert len(_log(log, sim.host)) - before == report.requests <= MAX_REQUESTS


def test_cli_probe_prints_the_report_and_exits_1_when_the_hint_is_stale(sandbox, tmp_path):
    sb, _ = sandbox
    sim = _court(sb, Dialect.VNKOD)
    registry = _registry(tmp_path / "courts.csv", sim, Dialect.CLASSIC)
    runner = CliRunner()
    argv = ["probe", sim.code, "--sandbox", sb.url, "--courts-file", str(registry)]
    result = runner.invoke(app, [*argv, "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1, result.output
    assert "the registry says classic, the site speaks vnkod" in result.output
    assert "SIMULATED" in result.output
    as_json = runner.invoke(app, [*argv, "--data-dir", str(tmp_path / "d"), "--json"])
    report = json.loads(as_json.output)
    assert report["dialect"] == "vnkod" and report["needs_attention"] is True
    assert (tmp_path / "d" / "archive").exists()
    right = _registry(tmp_path / "right.csv", sim, Dialect.VNKOD)
    ok = runner.invoke(
        app,
        [
            "probe",
            sim.code,
            "--sandbox",
            sb.url,
            "--courts-file",
            str(right),
            "--data-dir",
            str(tmp_path / "d"),
        ],
    )
    assert ok.exit_code == 0, ok.output


def test_cli_probe_of_a_real_court_needs_a_contact(tmp_path, courts_csv):
    result = CliRunner().invoke(
        app, ["probe", "54KV0000", "--courts-file", str(courts_csv), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "contact" in result.output
    assert not (tmp_path / "archive").exists()  # refused before any contact


@pytest.fixture(scope="module")
def moved_sandbox(tmp_path_factory):
    log = tmp_path_factory.mktemp("sbm") / "requests.jsonl"
    probe_sb = build_site(SandboxConfig(seed=1, faults=NONE, now=NOW))
    plain = [
        c.code
        for c in probe_sb.network
        if c.level.value == "garrison" and not c.captcha and not c.always_down
    ]
    config = SandboxConfig(
        seed=1,
        faults=NONE,
        now=NOW,
        request_log=log,
        redirects={plain[0]: "host", plain[1]: "off-site"},
    )
    with run_sandbox(config) as sb:
        yield sb, log, plain[0], plain[1]


def test_a_moved_site_is_followed_within_sudrf_and_reported(moved_sandbox, tmp_path):
    sb, log, moved, _ = moved_sandbox
    sim = next(c for c in sb.courts if c.code == moved)
    writer = WarcWriter(tmp_path / "archive")
    report = probe(sim.court, for_sandbox(), writer, sandbox_url=sb.url)
    writer.close()
    assert sim.new_host and report.host == sim.new_host != sim.host
    assert any(
        f"the site moved: {sim.host} redirects to {sim.new_host}" in f for f in report.findings
    )
    assert report.steps[0].what == "redirect" and report.steps[0].status in (301, 302, 307, 308)
    served = _log(log, sim.host) + _log(log, sim.new_host)
    assert len(served) == report.requests <= MAX_REQUESTS


def test_a_redirect_off_sudrf_is_not_followed(moved_sandbox, tmp_path):
    sb, log, _, off_site = moved_sandbox
    sim = next(c for c in sb.courts if c.code == off_site)
    writer = WarcWriter(tmp_path / "archive")
    report = probe(sim.court, for_sandbox(), writer, sandbox_url=sb.url)
    writer.close()
    assert any("redirects off sudrf.ru" in f for f in report.findings)
    assert report.counter is None and report.card_ok is None  # nothing asked off-site
    assert 0 < len(_log(log, sim.host)) == report.requests <= MAX_REQUESTS
    assert not _log(log, sim.new_host or "")


def test_a_solved_pair_in_the_state_is_sent_as_a_harvest_would(sandbox, tmp_path):
    import time

    from kartoteka.harvest.state import HarvestState

    sb, log = sandbox
    sim = [c for c in sb.courts if c.captcha and not c.always_down and c.level.value == "garrison"][
        1
    ]
    before = len(_log(log, sim.host))
    state = HarvestState(tmp_path / "state")
    # what `kartoteka captcha answer` leaves behind: the scope's solved pair
    challenge_id = sb.site.gate.captchas.current_id(sim.host)
    now = time.time()
    state.save_captcha_pair(
        f"court:{sim.code}",
        sb.captcha_answer(sim.host),
        challenge_id,
        sim.code,
        solved_at=now,
        expires_at=now + 3600,
    )
    writer = WarcWriter(tmp_path / "archive")
    report = probe(sim.court, for_sandbox(), writer, sandbox_url=sb.url, state=state)
    writer.close()
    state.close()
    assert report.captcha is False and not any("captcha" in f for f in report.findings)
    assert report.counter is not None and report.card_ok is True
    assert len(_log(log, sim.host)) - before == report.requests <= MAX_REQUESTS
