import csv
import datetime as dt
import io
import json
from collections import Counter

import pytest
from stats_history import CASES
from typer.testing import CliRunner

from kartoteka.cli import app

runner = CliRunner()


def _run(history, *args):
    result = runner.invoke(app, [*args, "--data-dir", str(history.data_dir.root)])
    assert result.exit_code == 0, result.output
    return result


def _json(output: str):
    return json.loads(output[output.index("[") :])


def test_stats_json_is_one_object_per_month(history):
    rows = _json(_run(history, "stats", "--article", "337", "--format", "json").stdout)
    expected = Counter(c.entry.strftime("%Y-%m") for c in CASES if "ст.337" in c.charges)
    assert {r["period"]: r["cases"] for r in rows} == expected


@pytest.mark.parametrize(
    ("by", "key"),
    [
        ("court", "court_code"),
        ("region", "region"),
        ("part", "part"),
        ("outcome", "outcome"),
        ("month", "period"),
    ],
)
def test_stats_groupings_carry_their_key(history, by, key):
    rows = _json(_run(history, "stats", "--by", by, "--format", "json").stdout)
    assert rows and all(key in r and "cases" in r for r in rows)
    if by != "part":  # multi-label rows add up to more than the cases
        assert sum(r["cases"] for r in rows) == len(CASES)


def test_stats_as_of_and_csv(history):
    out = _run(history, "stats", "--as-of", "2024-02-06", "--format", "csv").stdout
    table = list(csv.DictReader(io.StringIO(out[out.index("period") :])))
    assert sum(int(r["cases"]) for r in table) == sum(1 for c in CASES if c.first_run == 1)


def test_stats_table_says_the_data_is_simulated(history):
    out = _run(history, "stats", "--by", "outcome").stdout
    assert "SIMULATED DATA" in out and "suspended" in out


def test_case_shows_versions_and_warc_evidence(history):
    out = _run(history, "case", "27GV0008", "1-3/2024", "--format", "json").stdout
    (found,) = json.loads(out)
    assert found["case"]["outcome"] == "verdict"
    assert [v["outcome"] for v in found["versions"]][-1] == "verdict"
    assert {e["source"] for e in found["evidence"]} == {"card", "listing"}
    assert all(e["warc_file"].endswith(".warc.gz") for e in found["evidence"])
    (appealed,) = json.loads(
        _run(history, "case", "27GV0008", "1-2/2024", "--format", "json").stdout
    )
    assert [o["court_code"] for o in appealed["other_instances"]] == ["27OV0000"]
    missing = runner.invoke(
        app, ["case", "27GV0008", "1-999/2024", "--data-dir", str(history.data_dir.root)]
    )
    assert missing.exit_code == 1


def test_headline_figures(history):
    rows = _json(_run(history, "stats", "--headline", "--format", "json").stdout)
    figures = {r["metric"]: r["value"] for r in rows}
    assert figures["cases_since"] == sum(1 for c in CASES if c.entry >= dt.date(2022, 9, 21))
    assert figures["removed_from_court_sites"] == sum(1 for c in CASES if c.removed_in_run2)
    assert figures["suspended"] == sum(1 for c in CASES if c.suspended)
    assert figures["previous_year_cases"] == sum(1 for c in CASES if c.entry.year == 2023)


def test_stats_lists_the_cases_behind_a_group(history):
    counts = _json(_run(history, "stats", "--by", "part", "--format", "json").stdout)
    behind = _json(
        _run(history, "stats", "--by", "part", "--cases", "338.3", "--format", "json").stdout
    )
    assert len(behind) == next(r["cases"] for r in counts if r["part"] == "338.3")
    assert all({"case_key", "case_number", "first_seen_at"} <= set(r) for r in behind)
    principal = _json(
        _run(history, "stats", "--by", "article", "--cases", "338", "--format", "json").stdout
    )
    counted = _json(_run(history, "stats", "--by", "article", "--format", "json").stdout)
    assert len(principal) == next(r["cases"] for r in counted if r["article"] == "338")
