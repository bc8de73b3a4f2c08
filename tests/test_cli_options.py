"""The shared CLI options: every command reads `--data-dir` and dates the same way, and a
malformed date is a usage error (exit 2, a one-line message), not a traceback."""

import datetime as dt

import pytest
import typer
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.cli.options import DATA_DIR_HELP, parse_date

runner = CliRunner()


def test_parse_date_reads_iso_and_falls_back_to_the_default():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date(None) is None
    assert parse_date("", dt.date(2021, 1, 1)) == dt.date(2021, 1, 1)


def test_parse_date_rejects_other_forms_naming_the_option():
    with pytest.raises(typer.BadParameter) as caught:
        parse_date("29.02.2024", option="--since")
    assert caught.value.param_hint == "--since"
    assert "YYYY-MM-DD" in caught.value.message


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--since", "2024-13-01"],
        ["stats", "--as-of", "yesterday"],
        ["demo", "--now", "2024-99-01"],
    ],
)
def test_a_malformed_date_is_a_usage_error(tmp_path, args):
    result = runner.invoke(app, [*args, "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2, result.output
    assert "use YYYY-MM-DD" in result.output
    assert not (tmp_path / "data").exists()  # refused before anything was created


@pytest.mark.parametrize("command", ["harvest", "ingest", "stats", "export", "serve", "report"])
def test_every_command_explains_data_dir_the_same_way(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert DATA_DIR_HELP in " ".join(result.output.split())
