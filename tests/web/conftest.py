"""Fixtures of the web tests: one small store shared by the whole session (see webstore.py)."""

from __future__ import annotations

import pytest
from webstore import WebStore, build_store


@pytest.fixture(scope="session")
def web_store(tmp_path_factory) -> WebStore:
    return build_store(tmp_path_factory.mktemp("webstore") / "data")
