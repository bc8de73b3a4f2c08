"""`kartoteka sandbox truth` writes the ground-truth files with the contract's columns."""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow.parquet as pq
from typer.testing import CliRunner

from kartoteka.cli import app

CONTRACT_COLUMNS = [
    "court_code",
    "case_id",
    "uid",
    "case_number",
    "instance",
    "entry_date",
    "visible_from",
    "removed_from",
    "charges",
    "principal_article",
    "defendants",
    "result_kind",
    "result_date",
    "act_published",
]


def test_truth_command_writes_cases_and_courts(tmp_path, courts_csv) -> None:
    out = tmp_path / "truth"
    result = CliRunner().invoke(
        app,
        [
            "sandbox",
            "truth",
            "--out",
            str(out),
            "--seed",
            "4",
            "--courts",
            str(courts_csv),
            "--now",
            "2024-03-31",
            "--scale",
            "0.2",
            "--faults",
            "realistic",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "SIMULATED" in result.output
    with open(out / "cases.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(CONTRACT_COLUMNS) <= set(rows[0])
    assert all(r["entry_date"] <= "2024-03-31" for r in rows)
    assert {r["result_kind"] for r in rows} <= {
        "verdict",
        "terminated",
        "returned",
        "transferred",
        "suspended",
        "pending",
        "other",
    }
    assert all(r["removed_from"] == "" or r["removed_from"] > r["visible_from"] for r in rows)
    assert any(";" in r["charges"] for r in rows)
    assert pq.read_table(out / "cases.parquet").num_rows == len(rows)
    with open(out / "courts.csv", encoding="utf-8") as fh:
        courts = list(csv.DictReader(fh))
    assert len(courts) == 111
    assert {"court_code", "host", "dialect", "template", "captcha", "always_down"} <= set(courts[0])
    assert sum(c["always_down"] == "true" for c in courts) == 1
    assert sum(c["captcha"] == "true" for c in courts) == 17  # captcha_seen in the registry
    assert {c["dialect"] for c in courts} == {"classic", "vnkod"}


def test_truth_without_a_registry_uses_fictional_courts(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ../shared/data/military_courts.csv from here
    monkeypatch.delenv("KARTOTEKA_SANDBOX_COURTS", raising=False)
    result = CliRunner().invoke(
        app,
        [
            "sandbox",
            "truth",
            "--out",
            "t",
            "--now",
            "2022-01-31",
            "--scale",
            "0.2",
            "--faults",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    with open(tmp_path / "t" / "courts.csv", encoding="utf-8") as fh:
        courts = list(csv.DictReader(fh))
    assert all(c["host"].endswith(".sandbox.test") for c in courts)
    assert not any(c["always_down"] == "true" for c in courts)  # none: no court is down


def test_unknown_fault_profile_is_refused(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["sandbox", "truth", "--out", str(tmp_path), "--faults", "chaos"]
    )
    assert result.exit_code != 0


def test_registry_command_writes_the_stale_registry(tmp_path, monkeypatch) -> None:
    from kartoteka.registry.courts import read_courts_csv
    from kartoteka.sandbox import SandboxConfig, build_site

    monkeypatch.chdir(tmp_path)  # fictional courts
    monkeypatch.delenv("KARTOTEKA_SANDBOX_COURTS", raising=False)
    out = tmp_path / "stale.csv"
    result = CliRunner().invoke(
        app, ["sandbox", "registry", "--out", str(out), "--now", "2025-06-01", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    stale = read_courts_csv(out)
    assert len(stale) == 111
    site = build_site(
        SandboxConfig(seed=3, faults="none", network="field", now=dt.date(2025, 6, 1))
    )
    site.now = dt.date(2025, 9, 1)  # after every migration drawn for a clock of 2025-06-01
    now = {c.code: c for c in site.courts_now()}
    migrated = [c for c in stale if now[c.code].migrates_on is not None]
    assert len(migrated) >= 8
    assert all(c.dialect is not now[c.code].dialect for c in migrated)  # the old way round
    for court in migrated:
        assert court.code in result.output  # each migration is listed with its date
        assert now[court.code].migrates_on.isoformat() in result.output


def test_truth_command_of_the_field_network_lists_migrations(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KARTOTEKA_SANDBOX_COURTS", raising=False)
    args = ["sandbox", "truth", "--out", "t", "--now", "2022-03-31", "--scale", "0.05"]
    result = CliRunner().invoke(app, [*args, "--faults", "none", "--network", "field"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "t" / "courts.csv", encoding="utf-8") as fh:
        courts = list(csv.DictReader(fh))
    assert 8 <= sum(bool(c["migrates_on"]) for c in courts) <= 12
    assert sum(c["redirect"] == "off-site" for c in courts) == 1
    assert CliRunner().invoke(app, [*args, "--network", "chaos"]).exit_code != 0
