"""Shared test fixtures. Real court pages and court registries live in `../shared` beside the
project; tests that need them skip with a clear reason where it is absent (they are never
copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
FIXTURES = SHARED / "fixtures" / "sudrf"
COURTS_CSV = SHARED / "data" / "military_courts.csv"
DIRECTORY_JSON = SHARED / "data" / "sudrf_websites.json"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the real court pages and registries live in ../shared")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return _need(FIXTURES)


@pytest.fixture
def courts_csv() -> Path:
    return _need(COURTS_CSV)


@pytest.fixture
def directory_json() -> Path:
    return _need(DIRECTORY_JSON)
