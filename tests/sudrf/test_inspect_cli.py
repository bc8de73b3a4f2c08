"""`kartoteka inspect FILE [--json]` on saved pages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.sudrf.encoding import encode_page
from sudrf import markup

runner = CliRunner()


def _save(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(encode_page(html))
    return path


def test_json_contract_for_a_card(tmp_path: Path):
    result = runner.invoke(app, ["inspect", "--json", str(_save(tmp_path, markup.new_card()))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "card" and data["template"] == "new" and data["listing"] is None
    card = data["card"]
    for key in (
        "case_number",
        "case_number_raw",
        "uid",
        "entry_date",
        "judge",
        "result",
        "result_date",
        "fields",
        "events",
        "defendants",
        "lower_court",
        "acts",
    ):
        assert key in card
    assert card["entry_date"] == "2026-02-02"
    assert card["events"][1] == {
        "name": "Судебное заседание",
        "date": "2026-03-03",
        "time": "09:30",
        "place": "Зал 2",
        "result": "Вынесен приговор",
        "basis": None,
        "note": None,
        "published": None,
    }
    charge = card["defendants"][0]["charges"][0]
    assert charge == {
        "code": "УК РФ",
        "article": "337",
        "part": "5",
        "point": None,
        "raw": "ст.337 ч.5 УК РФ",
    }


def test_names_are_initials_unless_asked(tmp_path: Path):
    path = _save(tmp_path, markup.new_card())
    masked = runner.invoke(app, ["inspect", "--json", str(path)])
    assert "Тестов Тест Тестович" not in masked.output
    assert json.loads(masked.output)["card"]["defendants"][1]["name"] == "Т.Т.Т."
    full = runner.invoke(app, ["inspect", "--json", "--names", str(path)])
    assert json.loads(full.output)["card"]["defendants"][1]["name"] == "Тестов Тест Тестович"
    view = runner.invoke(app, ["inspect", str(path)])
    assert view.exit_code == 0 and "Тестов Тест" not in view.output and "Т.Т.Т." in view.output


def test_listing_and_failure_views(tmp_path: Path):
    info = "Тестов Тест Тестович - ст.337 ч.5 УК РФ"
    listing = runner.invoke(
        app, ["inspect", "--json", str(_save(tmp_path, markup.classic_listing(2, info=info)))]
    )
    data = json.loads(listing.output)
    assert data["kind"] == "listing" and data["card"] is None
    assert data["listing"]["total"] == 2 and len(data["listing"]["rows"]) == 2
    assert "Тестов Тест" not in listing.output  # the defendant; the judge is shown
    view = runner.invoke(app, ["inspect", str(_save(tmp_path, "<html><body>?</body></html>"))])
    assert view.exit_code == 0 and "unrecognized" in view.output


def test_missing_file_is_a_usage_error(tmp_path: Path):
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.html")])
    assert result.exit_code != 0
