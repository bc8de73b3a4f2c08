import datetime as dt

import pytest

from kartoteka.paths import DataDir
from kartoteka.store.synthetic import SyntheticArchive

HOST = "ugvs.prm.sudrf.ru"
COURT = "27GV0008"


def at(day: int, month: int = 3, year: int = 2024, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def archive(data_dir) -> SyntheticArchive:
    arc = SyntheticArchive(data_dir.archive)
    yield arc
    arc.close()
