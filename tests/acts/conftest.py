"""Helpers for the act tests: the real verdict texts of ../shared/fixtures/acts (read there,
never copied; tests skip where ../shared is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ACTS = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "acts"


def act_files() -> list[str]:
    return sorted(p.name for p in ACTS.glob("*.txt")) if ACTS.exists() else []


@pytest.fixture
def acts_dir() -> Path:
    if not ACTS.exists():
        pytest.skip(f"{ACTS} is absent: the real verdict texts live in ../shared")
    return ACTS


@pytest.fixture
def labels(acts_dir: Path) -> dict:
    return json.loads((acts_dir / "labels.json").read_text("utf-8"))
