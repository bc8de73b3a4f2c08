import pytest

from kartoteka.paths import DataDir
from kartoteka.store.synthetic import SyntheticArchive


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def archive(data_dir) -> SyntheticArchive:
    arc = SyntheticArchive(data_dir.archive)
    yield arc
    arc.close()
