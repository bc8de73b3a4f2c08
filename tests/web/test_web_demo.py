"""`kartoteka demo` end to end: sandbox in-process, the real harvester, ingest, figures,
report. The figures it prints must equal the same figures counted here, independently, from
the ground truth of a second sandbox built from the same config (same seed, same cases)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.report.demo import LABELS

NOW = dt.date(2025, 6, 30)
MOBILISATION = dt.date(2022, 9, 21)


def _truth_cases(courts: set[str]) -> list:
    sandbox = pytest.importorskip("kartoteka.sandbox")
    config = sandbox.SandboxConfig(seed=3, faults="realistic", scale=0.2, now=NOW)
    with sandbox.run_sandbox(config) as sb:
        return [
            t
            for t in sb.truth
            if t.court_code in courts
            and t.instance == "first"
            and t.visible
            and t.entry_date >= dt.date(2022, 1, 1)
        ]


def _printed(output: str) -> dict[str, str]:
    """The figure rows of the table `kartoteka demo` prints: label -> kartoteka's value."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) >= 3 and cells[1] and cells[0] in LABELS.values():
            rows[cells[0]] = cells[1]
    return rows


@pytest.mark.slow
def test_demo_prints_figures_equal_to_the_sandbox_ground_truth(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--data-dir",
            str(out),
            "--courts",
            "3",
            "--seed",
            "3",
            "--scale",
            "0.2",
            "--now",
            NOW.isoformat(),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "every figure matches the sandbox's ground truth" in result.output
    printed = _printed(result.output)
    assert len(printed) == len(LABELS), result.output

    # the harvested courts, read back from the store the demo left behind
    from kartoteka.paths import DataDir
    from kartoteka.store.db import connect

    con = connect(DataDir(out), read_only=True)
    courts = {c for (c,) in con.execute("SELECT DISTINCT court_code FROM cases").fetchall()}
    con.close()
    truth = _truth_cases(courts)
    principal = Counter(t.principal_article for t in truth)
    expected = {
        "since_mobilisation": sum(1 for t in truth if t.entry_date >= MOBILISATION),
        "ytd": sum(1 for t in truth if t.entry_date.year == NOW.year),
        "last_year": sum(1 for t in truth if t.entry_date.year == NOW.year - 1),
        "verdicts": sum(1 for t in truth if t.result_kind == "verdict"),
        **{f"principal_{a}": principal.get(a, 0) for a in ("337", "338", "332", "339", "352.1")},
    }
    assert len(courts) == 3 and expected["since_mobilisation"] > 50
    for key, value in expected.items():
        assert printed[LABELS[key]] == str(value), key
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="simulated-banner"' in html


def test_demo_refuses_a_data_directory_that_holds_a_store(tmp_path):
    (tmp_path / "kartoteka.duckdb").write_bytes(b"")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "already holds a store" in " ".join(result.output.replace("│", " ").split())
