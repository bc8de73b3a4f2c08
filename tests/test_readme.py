"""The README is the user's contract: its numbers, commands and test command must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from kartoteka.cli import app
from kartoteka.harvest import politeness
from kartoteka.stats import metrics

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_politeness_numbers_are_the_configured_floors():
    assert f"at least **{politeness.REAL_PER_HOST_INTERVAL:g} s** between two requests" in README
    assert f"at least **{politeness.REAL_GLOBAL_INTERVAL:g} s** between any two" in README
    assert f"**{politeness.REAL_COOLDOWN / 60:g}-minute** cooldown" in README


def test_every_command_is_documented():
    group = typer.main.get_group(app)
    for name in group.commands:
        assert f"`kartoteka {name}" in README, f"`kartoteka {name}` is missing from the README"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in README


def test_mobilisation_date_and_principal_order_match_the_code():
    assert f"{metrics.MOBILISATION:%-d} September {metrics.MOBILISATION.year}" in README
    order = re.search(r"352\.1 > 338 > 337 > 332 > 339 > 334 > 333", README)
    assert order, "principal-article order missing from the README"
