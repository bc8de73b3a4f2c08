"""Reading the archive's response records for ingest, with FastWARC.

The same records as `kartoteka.harvest.warc.iter_responses` (same fields, same order, same
handling of a torn tail), read about fifteen times faster: warcio parses headers in Python,
which made reading the archive a third of a one-process ingest and most of the writer's work
when a pool parses (docs/scaling.md). Only the newest file can have a torn tail (every writer
repairs the archive before it starts a new file); its sound end is found by the harvest
stage's rule, with the harvest stage's own gzip member walk (`sound_end`), and FastWARC
reads no further than that, streaming.

The ingest pool's workers read the archive themselves, a *span* (a byte range) of a file each
(`read_span`): a span's first record is found by its gzip member's header (`first_record`),
checked by the writer against where the span before it stopped (`kartoteka.store.pool`), so
the records are exactly those of reading the file from its start.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from kartoteka.harvest.warc import (
    H_COURT,
    H_KIND,
    H_RUN,
    H_SIMULATED,
    ArchivedResponse,
    _members,
    _parse_warc_date,
    warc_files,
)


def _response(record: WarcRecord, name: str, body: bool = True) -> ArchivedResponse:
    h = record.headers
    http = record.http_headers
    return ArchivedResponse(
        url=h.get("WARC-Target-URI") or "",
        fetched_at=_parse_warc_date(h.get("WARC-Date") or ""),
        court_code=h.get(H_COURT),
        page_kind=h.get(H_KIND) or None,
        simulated=(h.get(H_SIMULATED) or "").lower() == "true",
        status=int(http.status_code or 0) if http is not None else 0,
        headers=dict(http.items()) if http is not None else {},
        body=record.reader.read() if body else b"",
        warc_file=name,
        offset=record.stream_pos,
        record_id=h.get("WARC-Record-ID") or "",
        run_id=h.get(H_RUN),
    )


def _responses(stream: BinaryIO, name: str) -> Iterator[ArchivedResponse]:
    for record in ArchiveIterator(
        stream, record_types=WarcRecordType.response, parse_http=True, fsspec_args=False
    ):
        yield _response(record, name)


# -- the sound end of the newest file -----------------------------------------------------
def _record_type(content: bytes) -> WarcRecordType | None:
    """The type of the one WARC record a decompressed gzip member holds (None: not one)."""
    for record in ArchiveIterator(io.BytesIO(content), parse_http=False, fsspec_args=False):
        return record.record_type
    return None


def sound_end(path: Path) -> int:
    """Where the sound part of a WARC file ends, by the harvest stage's rule (`harvest.warc.
    _scan`): after the last complete gzip member holding a WARC record, less a trailing
    request whose response never made it. zlib finds the members' ends (as there); each
    member's record is checked by FastWARC instead of parsed by warcio, which made the scan
    of the newest file a twentieth of the writer's work in a pool run."""
    good_end = 0
    trailing_requests: int | None = None  # offset of the first of the trailing requests
    with open(path, "rb") as fh:
        for offset, length, content in _members(fh, 0):  # type: ignore[arg-type]
            kind = _record_type(content)
            if kind is None:
                break
            good_end = offset + length
            if kind == WarcRecordType.request:
                trailing_requests = offset if trailing_requests is None else trailing_requests
            else:
                trailing_requests = None
    return good_end if trailing_requests is None else trailing_requests


# -- spans, for the ingest pool's workers ---------------------------------------------------
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = b"WARC/1."
# Bytes read past a span's end to check a gzip member starting just before it.
_LOOKAHEAD = 64 * 1024


def first_record(fh: BinaryIO, start: int, stop: int) -> int | None:
    """The offset of the first gzip member starting in [start, stop) that holds the start of
    a WARC record (None: none does). Every record of our archive is one gzip member, so this
    is where a reader starting at `start` picks the file up. A member is recognised by its
    header and its first decompressed bytes ("WARC/1."); compressed bytes that happen to look
    like that would be caught by the writer (the span before would not stop there)."""
    if start == 0:
        return 0
    fh.seek(start)
    data = fh.read(stop - start + _LOOKAHEAD)
    at = data.find(_GZIP_MAGIC)
    while 0 <= at < stop - start:
        inflater = zlib.decompressobj(31)
        try:
            head = inflater.decompress(data[at : at + _LOOKAHEAD], len(_WARC_START))
        except zlib.error:
            head = b""
        if head == _WARC_START:
            return start + at
        at = data.find(_GZIP_MAGIC, at + 1)
    return None


class _Bounded(io.RawIOBase):
    """A file read no further than `end` (the sound end of a torn newest file)."""

    def __init__(self, fh: BinaryIO, end: int) -> None:
        self.fh, self.end = fh, end

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.fh.tell()
        if left <= 0:
            return b""
        return self.fh.read(left if size is None or size < 0 else min(size, left))

    def tell(self) -> int:
        return self.fh.tell()


def read_span(
    fh: BinaryIO, name: str, first: int, stop: int, end: int, done: frozenset[int] = frozenset()
) -> tuple[list[ArchivedResponse], int | None]:
    """The response records of file `name` from offset `first` (a record's start) to the
    first record at or after `stop`, reading no further than `end`, and the offset of that
    next record (None: the file ended first). Records whose offset is in `done` (already
    ingested) come without their body. Records of every type are walked, so that the next
    span's first record (`first_record`) is where this one stops."""
    fh.seek(first)
    stream: Any = fh if end >= os.fstat(fh.fileno()).st_size else _Bounded(fh, end)
    responses: list[ArchivedResponse] = []
    for record in ArchiveIterator(stream, parse_http=True, fsspec_args=False):
        offset = record.stream_pos
        if offset >= stop:
            return responses, offset
        if record.record_type == WarcRecordType.response:
            responses.append(_response(record, name, body=offset not in done))
    return responses, None


def iter_responses_fast(archive_dir: str | os.PathLike[str]) -> Iterator[ArchivedResponse]:
    """Every response record of the archive, file by file in writing order (see the module
    docstring: the records `harvest.warc.iter_responses` gives)."""
    archive = Path(archive_dir)
    names = warc_files(archive)
    for name in names:
        path = archive / name
        size = path.stat().st_size
        good_end = sound_end(path) if name == names[-1] else size
        if good_end >= size:
            with open(path, "rb") as fh:
                yield from _responses(fh, name)
            continue
        # Torn (after a crash, before the next writer repaired it): read the sound part only.
        with open(path, "rb") as fh:
            yield from _responses(_Bounded(fh, good_end), name)  # type: ignore[arg-type]
