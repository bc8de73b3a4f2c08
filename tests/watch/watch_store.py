"""A small store with saved searches and two harvest runs (the stats tests' synthetic
history), for the feed, digest and browser tests."""

from __future__ import annotations

import sys
from pathlib import Path

from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import SyntheticArchive
from kartoteka.watch.searches import add_watch, parse_watch_filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from stats_history import COURTS, write_run

WATCHES = {"w337": {"article": "337"}, "ussuri": {"court": "27GV0008"}}


def build(root: Path) -> DataDir:
    return build_with_archive(root)[0]


def build_with_archive(root: Path) -> tuple[DataDir, SyntheticArchive]:
    """The store and its synthetic archive (whose page book reads the archive's records:
    later runs must be written through the same object)."""
    data_dir = DataDir(root).ensure()
    import_courts(data_dir, COURTS)
    arc = SyntheticArchive(data_dir.archive)
    write_run(arc, 1)
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir)
    for name, filters in WATCHES.items():
        add_watch(con, name, parse_watch_filters(filters))
    con.close()
    write_run(arc, 2)
    ingest(data_dir, reader=arc.book)
    return data_dir, arc
