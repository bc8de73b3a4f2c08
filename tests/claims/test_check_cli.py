"""`kartoteka check`: the same findings as the API, as text or JSON, from an argument or from
standard input; a bad date is a usage error and a missing store a one-line error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kartoteka.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webstore import build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("claims-cli") / "data")


def _run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["check", *args], input=stdin)


def test_check_prints_each_claim_with_its_verdict_and_cases(store):
    n = sum(1 for c in store.truth if c.article == "338")
    text = f"Всего поступило {n} дел о дезертирстве. Тысячи дел ждут суда."
    result = _run("--data-dir", str(store.data_dir.root), "--as-of", "2025-07-31", text)
    assert result.exit_code == 0, result.output
    assert f"✓ consistent: «{n} дел о дезертирстве»" in result.output
    assert "cases: /cases?article=338" in result.output
    assert "not mapped (a vague number, not a figure)" in result.output
    assert "SIMULATED DATA" in result.output


def test_check_json_from_standard_input_is_the_api_contract(store):
    n = sum(1 for c in store.truth if c.article == "338")
    result = _run(
        "--data-dir", str(store.data_dir.root), "--json", "-",
        stdin=f"In 2024 and 2025, courts received {n + 5} desertion cases.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout[result.stdout.index("{") :])
    claim = body["claims"][0]
    assert claim["verdict"] == "inconsistent" and claim["found"] == n
    assert (claim["from"], claim["to"]) == ("2024-01-01", "2025-12-31")
    assert body["as_of_source"] == "today"


def test_a_bad_date_is_a_usage_error_and_no_store_one_line(store, tmp_path):
    assert _run("--data-dir", str(store.data_dir.root), "--as-of", "12.08.2024", "x").exit_code == 2
    missing = _run("--data-dir", str(tmp_path / "none"), "5 дел")
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_a_sentence_claim_without_published_texts_is_not_checkable_not_zero(store):
    """The web store's cards carry no act texts: a share of suspended sentences has nothing
    to rest on, and says so with the published share (0 %)."""
    text = "More than half of the sentences for desertion are suspended."
    result = _run("--data-dir", str(store.data_dir.root), "--as-of", "2025-07-31", text)
    assert result.exit_code == 0, result.output
    assert "? not_checkable: «More than half of the sentences for desertion are suspended»" in (
        result.output
    )
    assert "no sentence was read from a published verdict text" in result.output
    assert "0 % of verdicts whose text is published" in result.output
