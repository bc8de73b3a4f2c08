"""Shared constants and helpers of the store tests."""

import datetime as dt
from pathlib import Path

HOST = "ugvs.prm.sudrf.ru"
COURT = "27GV0008"


def at(day: int, month: int = 3, year: int = 2024, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def torn_copy(archive: Path, dest: Path, cut: int = 700) -> Path:
    """A copy of the WARC files of `archive` in `dest` whose newest file lost its last `cut`
    bytes, as when the writer was killed mid-record: the file every reader must end soundly."""
    from kartoteka.harvest.warc import warc_files

    dest.mkdir()
    names = warc_files(archive)
    for name in names:
        (dest / name).write_bytes((archive / name).read_bytes())
    newest = dest / names[-1]
    data = newest.read_bytes()
    newest.write_bytes(data[: len(data) - cut])
    return dest
