"""`kartoteka demo` end to end: sandbox in-process, the real harvester, ingest, figures,
report. The figures it prints must equal the same figures counted here, independently, from
the ground truth of a second sandbox built from the same config (same seed, same cases)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.report.demo import DemoOptions, run_demo

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


@pytest.mark.slow
def test_demo_figures_equal_the_sandbox_ground_truth(tmp_path):
    result = run_demo(
        DemoOptions(data_dir=tmp_path / "demo", courts=3, seed=3, scale=0.2, now=NOW, lang="en"),
        progress=lambda line: None,
    )
    figures = {f.key: f.store for f in result.figures}
    truth = _truth_cases(set(result.courts))
    assert len(result.courts) == 3 and result.parse_failures == 0
    assert figures["since_mobilisation"] == sum(1 for t in truth if t.entry_date >= MOBILISATION)
    assert figures["since_mobilisation"] > 50
    assert figures["ytd"] == sum(1 for t in truth if t.entry_date.year == NOW.year)
    assert figures["last_year"] == sum(1 for t in truth if t.entry_date.year == NOW.year - 1)
    assert figures["verdicts"] == sum(1 for t in truth if t.result_kind == "verdict")
    principal = Counter(t.principal_article for t in truth)
    for article in ("337", "338", "332"):
        assert figures[f"principal_{article}"] == principal.get(article, 0), article
    assert result.all_match
    html = result.report.read_text(encoding="utf-8")
    assert 'id="simulated-banner"' in html and f'data-value="{figures["ytd"]}"' in html


def test_demo_refuses_a_data_directory_that_holds_a_store(tmp_path):
    (tmp_path / "kartoteka.duckdb").write_bytes(b"")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "already holds a store" in " ".join(result.output.replace("│", " ").split())
