import pytest
from watch_store import build

from kartoteka.paths import DataDir


@pytest.fixture(scope="module")
def watch_store(tmp_path_factory) -> DataDir:
    return build(tmp_path_factory.mktemp("watchstore") / "data")
