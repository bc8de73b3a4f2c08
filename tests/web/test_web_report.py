"""`kartoteka report`: one self-contained HTML file, plus optional PNG/SVG charts."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.report import write_report


def test_report_is_one_self_contained_file(web_store, tmp_path):
    out = tmp_path / "report.html"
    result = write_report(web_store.data_dir, out, lang="en", charts_dir=tmp_path / "charts")
    html = out.read_text(encoding="utf-8")
    assert result.bytes == out.stat().st_size and result.charts == 4
    # nothing is loaded from anywhere: no external scripts, styles, images or frames
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", html, flags=re.S)
    assert not re.search(r"<(script|img|iframe)[^>]+src=", markup)
    assert not re.search(r"<link[^>]+href=", markup)
    assert "window.vegaEmbed" in html  # the chart libraries are inlined
    assert html.count('class="chart-spec"') == 4
    assert 'id="simulated-banner"' in html
    assert f'data-value="{web_store.n_cases}"' in html
    assert "Methodology" in html and "cases_received_by_month" in html
    assert 'href="data:text/csv;charset=utf-8;base64,' in html
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == sorted(
        f"{k}.{ext}"
        for k in ("monthly", "verdicts", "outcomes", "courts")
        for ext in ("png", "svg")
    )
    assert (tmp_path / "charts" / "monthly.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "charts" / "monthly.svg").read_text(encoding="utf-8")


def test_report_command_writes_the_file(web_store, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app,
        ["report", "-o", str(out), "--data-dir", str(web_store.data_dir.root), "--article", "338"],
    )
    assert result.exit_code == 0, result.output
    assert "report written" in result.output
    expected = sum(1 for c in web_store.truth if c.article == "338")
    assert f'data-value="{expected}"' in out.read_text(encoding="utf-8")


def test_report_command_rejects_a_bad_date(web_store, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "report",
            "-o",
            str(tmp_path / "r.html"),
            "--data-dir",
            str(web_store.data_dir.root),
            "--as-of",
            "tomorrow",
        ],
    )
    assert result.exit_code != 0
    assert "as_of must be a date" in " ".join(result.output.replace("│", " ").split())
