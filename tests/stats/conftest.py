import pytest
from stats_history import COURTS, History, write_run

from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import SyntheticArchive


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    data_dir = DataDir(tmp_path_factory.mktemp("stats") / "data").ensure()
    import_courts(data_dir, COURTS)
    arc = SyntheticArchive(data_dir.archive)
    write_run(arc, 1)
    write_run(arc, 2)
    ingest(data_dir, reader=arc.book)
    return History(data_dir)
