"""`kartoteka sandbox truth` writes the ground-truth files with the contract's columns."""

from __future__ import annotations

import csv

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
