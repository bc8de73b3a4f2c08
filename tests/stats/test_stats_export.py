import json

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from stats_history import CASES
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.store.export import TABLES, export

runner = CliRunner()


def test_datapackage_is_valid_frictionless(history, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    con = history.connect()
    result = export(con, tmp_path / "pkg", "datapackage")
    con.close()
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == set(TABLES)
    assert "SIMULATED" in descriptor["title"] and result.simulated
    report = frictionless.validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:5]
    assert result.rows["cases"] == len(CASES) + 1  # and the appeal


def test_exports_never_carry_full_names(history, tmp_path):
    for fmt in ("csv", "parquet", "xlsx"):
        result = runner.invoke(
            app,
            [
                "export",
                "--format",
                fmt,
                "--out",
                str(tmp_path / fmt),
                "--data-dir",
                str(history.data_dir.root),
            ],
        )
        assert result.exit_code == 0, result.output
    for path in (tmp_path / "csv").glob("*.csv"):
        assert "Подсудимый" not in path.read_text(encoding="utf-8")
    defendants = pq.read_table(tmp_path / "parquet" / "defendants.parquet")
    assert "name" not in defendants.column_names and "initials" in defendants.column_names
    book = load_workbook(tmp_path / "xlsx" / "kartoteka.xlsx", read_only=True)
    assert "SIMULATED" in str(next(book["about"].iter_rows(min_row=2, values_only=True)))
    assert len(list(book["cases"].iter_rows())) == len(CASES) + 2  # header + appeal


def test_unknown_format_is_refused(history, tmp_path):
    result = runner.invoke(
        app,
        [
            "export",
            "--format",
            "pdf",
            "--out",
            str(tmp_path),
            "--data-dir",
            str(history.data_dir.root),
        ],
    )
    assert result.exit_code != 0
