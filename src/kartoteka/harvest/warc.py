"""The WARC archive: every byte a court sent us, kept as evidence (the source of truth).

Layout (contracts.md): `<archive>/kartoteka-<UTC yyyymmddHHMMSS>-<nnnnn>.warc.gz`, one gzip
member per record (so any record can be read from its offset), a `request` and a `response`
record per fetch. Response records carry the REAL court URL as `WARC-Target-URI` (never a
sandbox URL) and the headers `Kartoteka-Court-Code`, `Kartoteka-Page-Kind`,
`Kartoteka-Simulated` and `Kartoteka-Run-Id`.

Nothing is overwritten: a re-fetch adds a record. The only bytes ever removed are a torn tail
left by a process killed mid-write (`kill -9`, power loss): opening a writer scans the newest
bytes of every file, drops a torn record (and a request whose response never made it), and
truncates the file to its last complete exchange.

Beside the WARC files lives `index.sqlite3`, an index (URL, time) → (file, offset). It is a
cache of the WARC files, never the other way round: it is brought up to date from the files
on every open and can be deleted and rebuilt at any time (`rebuild_index`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sqlite3
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FILE_PATTERN = re.compile(r"^kartoteka-(\d{14})-(\d{5})\.warc\.gz$")
INDEX_NAME = "index.sqlite3"
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024

H_COURT = "Kartoteka-Court-Code"
H_KIND = "Kartoteka-Page-Kind"
H_SIMULATED = "Kartoteka-Simulated"
H_RUN = "Kartoteka-Run-Id"

# httpx hands us the decoded body; headers that described the wire encoding would lie about
# the stored payload, so they are kept under another name.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    warc_file   TEXT NOT NULL,
    offset      INTEGER NOT NULL,
    length      INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    url         TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    court_code  TEXT,
    page_kind   TEXT,
    status      INTEGER,
    run_id      TEXT,
    PRIMARY KEY (warc_file, offset)
);
CREATE INDEX IF NOT EXISTS records_url ON records (url, fetched_at);
CREATE INDEX IF NOT EXISTS records_run ON records (run_id, url);
"""


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One response record, as read back from the archive."""

    url: str
    fetched_at: dt.datetime  # aware, UTC
    court_code: str | None
    page_kind: str | None
    simulated: bool
    status: int
    headers: dict[str, str]
    body: bytes  # the raw payload as received (not decoded from windows-1251)
    warc_file: str  # relative to the archive directory
    offset: int
    record_id: str
    run_id: str | None = None


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """Where a response lives: enough to read it back with `read_response`."""

    url: str
    fetched_at: dt.datetime
    warc_file: str
    offset: int
    court_code: str | None
    page_kind: str | None
    status: int | None
    run_id: str | None


def _warc_date(when: dt.datetime) -> str:
    when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}Z"


def _parse_warc_date(value: str) -> dt.datetime:
    value = value.strip().replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def warc_files(archive_dir: Path) -> list[str]:
    """The archive's WARC file names in the order they were written."""
    if not archive_dir.exists():
        return []
    names = [p.name for p in archive_dir.iterdir() if FILE_PATTERN.match(p.name)]
    return sorted(names, key=lambda n: (int(FILE_PATTERN.match(n).group(2)), n))  # type: ignore[union-attr]


@dataclass(slots=True)
class _ScannedRecord:
    offset: int
    length: int
    record_type: str
    record_id: str
    url: str
    fetched_at: str
    court_code: str | None
    page_kind: str | None
    status: int | None
    run_id: str | None


def _members(fh: io.BufferedReader, start: int) -> Iterator[tuple[int, int, bytes]]:
    """The complete gzip members of a file from `start`: (offset, length, decompressed).

    Stops at the first member that does not end (a torn write) or does not decompress. The
    member boundaries come from zlib itself, so a member cut short by one byte is caught even
    where a lenient reader would return all of its content.
    """
    fh.seek(start)
    pos = start
    pending = b""
    while True:
        inflater = zlib.decompressobj(31)
        fed = 0
        parts: list[bytes] = []
        data = pending
        while not inflater.eof:
            if not data:
                data = fh.read(1 << 20)
                if not data:
                    return
            try:
                parts.append(inflater.decompress(data))
            except zlib.error:
                return
            fed += len(data)
            data = b""
        pending = inflater.unused_data
        fed -= len(pending)
        yield pos, fed, b"".join(parts)
        pos += fed


def _scan(path: Path, start: int) -> tuple[list[_ScannedRecord], int]:
    """Records of a WARC file from `start`, and the offset where the sound part ends.

    Anything after the last complete gzip member is garbage left by an interrupted write; a
    request whose response never made it is half an exchange and is dropped with it.
    """
    records: list[_ScannedRecord] = []
    good_end = start
    with open(path, "rb") as fh:
        for offset, length, content in _members(fh, start):
            try:
                record = next(iter(ArchiveIterator(io.BytesIO(content))))
            except (StopIteration, ArchiveLoadFailed, ValueError):
                break
            h = record.rec_headers
            status = None
            if record.http_headers is not None and record.rec_type == "response":
                try:
                    status = int(record.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    status = None
            records.append(
                _ScannedRecord(
                    offset=offset,
                    length=length,
                    record_type=record.rec_type,
                    record_id=h.get_header("WARC-Record-ID") or "",
                    url=h.get_header("WARC-Target-URI") or "",
                    fetched_at=h.get_header("WARC-Date") or "",
                    court_code=h.get_header(H_COURT),
                    page_kind=h.get_header(H_KIND),
                    status=status,
                    run_id=h.get_header(H_RUN),
                )
            )
            good_end = offset + length
    while records and records[-1].record_type == "request":
        good_end = records.pop().offset
    return records, good_end


class ArchiveIndex:
    """The SQLite index beside the WARC files: (URL, time) → (file, offset)."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir
        archive_dir.mkdir(parents=True, exist_ok=True)
        # Shared by the harvester's event loop (look-ups) and its writer thread (inserts).
        self.db = sqlite3.connect(
            archive_dir / INDEX_NAME, isolation_level=None, check_same_thread=False
        )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _add(self, warc_file: str, recs: list[_ScannedRecord]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    warc_file,
                    r.offset,
                    r.length,
                    r.record_type,
                    r.record_id,
                    r.url,
                    r.fetched_at,
                    r.court_code,
                    r.page_kind,
                    r.status,
                    r.run_id,
                )
                for r in recs
            ],
        )

    def indexed_end(self, warc_file: str) -> int:
        row = self.db.execute(
            "SELECT MAX(offset + length) FROM records WHERE warc_file = ?", (warc_file,)
        ).fetchone()
        return int(row[0] or 0)

    def sync(self) -> list[str]:
        """Bring the index level with the files, truncating torn tails. Returns the names of
        the files that had to be truncated (for the report)."""
        truncated = []
        names = warc_files(self.archive_dir)
        self.db.execute("BEGIN")
        try:
            known = {r[0] for r in self.db.execute("SELECT DISTINCT warc_file FROM records")}
            for gone in known - set(names):
                self.db.execute("DELETE FROM records WHERE warc_file = ?", (gone,))
            for name in names:
                path = self.archive_dir / name
                size = path.stat().st_size
                end = self.indexed_end(name)
                if end > size:  # the index ran ahead of bytes that never reached the disk
                    self.db.execute("DELETE FROM records WHERE warc_file = ?", (name,))
                    end = 0
                if end == size:
                    continue
                recs, good_end = _scan(path, end)
                self._add(name, recs)
                if good_end < size:
                    with open(path, "r+b") as fh:
                        fh.truncate(good_end)
                        fh.flush()
                        os.fsync(fh.fileno())
                    self.db.execute(
                        "DELETE FROM records WHERE warc_file = ? AND offset >= ?", (name, good_end)
                    )
                    truncated.append(name)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return truncated

    def add_exchange(self, warc_file: str, recs: list[_ScannedRecord]) -> None:
        self._add(warc_file, recs)

    def lookup(
        self,
        url: str,
        run_id: str | None = None,
        page_kinds: tuple[str, ...] | None = None,
        prefix: bool = False,
    ) -> list[IndexEntry]:
        """Responses archived for a URL (or, with `prefix`, for URLs starting with it), oldest
        first, optionally of one run and of some page kinds."""
        sql = (
            "SELECT url, fetched_at, warc_file, offset, court_code, page_kind, status, run_id"
            " FROM records WHERE record_type = 'response' AND "
            + ("substr(url, 1, ?) = ?" if prefix else "url = ?")
        )
        args: list[object] = [len(url), url] if prefix else [url]
        if run_id is not None:
            sql += " AND run_id = ?"
            args.append(run_id)
        if page_kinds:
            sql += f" AND page_kind IN ({','.join('?' * len(page_kinds))})"
            args.extend(page_kinds)
        sql += " ORDER BY fetched_at, warc_file, offset"
        return [
            IndexEntry(r[0], _parse_warc_date(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in self.db.execute(sql, args)
        ]

    def responses_of_run(self, run_id: str) -> list[IndexEntry]:
        rows = self.db.execute(
            "SELECT url, fetched_at, warc_file, offset, court_code, page_kind, status, run_id"
            " FROM records WHERE record_type = 'response' AND run_id = ?"
            " ORDER BY fetched_at",
            (run_id,),
        )
        return [
            IndexEntry(r[0], _parse_warc_date(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in rows
        ]

    def count(self, record_type: str = "response") -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM records WHERE record_type = ?", (record_type,)
            ).fetchone()[0]
        )


def rebuild_index(archive_dir: Path) -> int:
    """Throw the index away and re-read every WARC file. Returns the number of responses."""
    for suffix in ("", "-wal", "-shm"):
        (archive_dir / (INDEX_NAME + suffix)).unlink(missing_ok=True)
    index = ArchiveIndex(archive_dir)
    try:
        index.sync()
        return index.count()
    finally:
        index.close()


class WarcWriter:
    """Appends exchanges to the archive, rotating files at `max_file_bytes`.

    Opening a writer first repairs the archive (torn tails, index). Each writer starts a new
    file, so an archive never has two processes appending to one file; use one writer per
    archive at a time (the harvester holds a lock on its state directory).
    """

    def __init__(
        self,
        archive_dir: str | os.PathLike[str],
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        fsync: bool = False,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        self.max_file_bytes = max_file_bytes
        self.fsync = fsync
        self.index = ArchiveIndex(self.archive_dir)
        self.truncated = self.index.sync()
        self._fh: io.BufferedWriter | None = None
        self._name: str | None = None

    # -- files -------------------------------------------------------------------------
    def _next_name(self) -> str:
        names = warc_files(self.archive_dir)
        serial = 1 + max((int(FILE_PATTERN.match(n).group(2)) for n in names), default=0)  # type: ignore[union-attr]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        return f"kartoteka-{stamp}-{serial:05d}.warc.gz"

    def _open_file(self) -> io.BufferedWriter:
        if self._fh is not None and self._fh.tell() < self.max_file_bytes:
            return self._fh
        if self._fh is not None:
            self._fh.close()
        self._name = self._next_name()
        self._fh = open(self.archive_dir / self._name, "ab")  # noqa: SIM115
        return self._fh

    @property
    def current_file(self) -> str | None:
        return self._name

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.index.close()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records -----------------------------------------------------------------------
    def write_exchange(
        self,
        url: str,
        request_headers: Mapping[str, str],
        status: int,
        response_headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes,
        court_code: str | None,
        page_kind: str | None,
        simulated: bool,
        run_id: str | None,
        fetched_at: dt.datetime | None = None,
    ) -> tuple[str, int]:
        """Archive one GET and its answer. Returns (warc file, offset of the response).

        Both records are serialised first and appended with one write, then indexed: a kill
        in between leaves at worst a torn tail, which the next open drops.
        """
        fetched_at = (fetched_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        date = _warc_date(fetched_at)
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="WARC/1.1")
        common = {"WARC-Date": date}
        if court_code:
            common[H_COURT] = court_code
        if run_id:
            common[H_RUN] = run_id

        req_headers = [("Host", parts.netloc)] + [
            (k, v) for k, v in request_headers.items() if k.lower() != "host"
        ]
        req_id = f"<urn:uuid:{uuid.uuid4()}>"
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={**common, "WARC-Record-ID": req_id},
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", req_headers, is_http_request=True
            ),
        )
        items = (
            response_headers.items() if isinstance(response_headers, Mapping) else response_headers
        )
        resp_headers = []
        for k, v in items:
            if k.lower() in _WIRE_HEADERS:
                if k.lower() != "content-length":
                    resp_headers.append((f"X-Kartoteka-Original-{k}", v))
                continue
            resp_headers.append((k, v))
        resp_headers.append(("Content-Length", str(len(body))))
        resp_id = f"<urn:uuid:{uuid.uuid4()}>"
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict={
                **common,
                "WARC-Record-ID": resp_id,
                "WARC-Concurrent-To": req_id,
                H_KIND: page_kind or "",
                H_SIMULATED: "true" if simulated else "false",
            },
            http_headers=StatusAndHeaders(
                f"{status} {_reason(status)}", resp_headers, protocol="HTTP/1.1"
            ),
        )
        writer.write_record(request)
        req_len = buf.tell()
        writer.write_record(response)
        data = buf.getvalue()

        fh = self._open_file()
        assert self._name is not None
        base = fh.tell()
        fh.write(data)
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())
        self.index.add_exchange(
            self._name,
            [
                _ScannedRecord(
                    offset=base,
                    length=req_len,
                    record_type="request",
                    record_id=req_id,
                    page_kind=None,
                    status=None,
                    url=url,
                    fetched_at=date,
                    court_code=court_code,
                    run_id=run_id,
                ),
                _ScannedRecord(
                    offset=base + req_len,
                    length=len(data) - req_len,
                    record_type="response",
                    record_id=resp_id,
                    page_kind=page_kind,
                    status=status,
                    url=url,
                    fetched_at=date,
                    court_code=court_code,
                    run_id=run_id,
                ),
            ],
        )
        return self._name, base + req_len


def _to_response(record, body: bytes, warc_file: str, offset: int) -> ArchivedResponse:  # type: ignore[no-untyped-def]
    h = record.rec_headers
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None else 0
    headers = dict(http.headers) if http is not None else {}
    return ArchivedResponse(
        url=h.get_header("WARC-Target-URI") or "",
        fetched_at=_parse_warc_date(h.get_header("WARC-Date") or ""),
        court_code=h.get_header(H_COURT),
        page_kind=h.get_header(H_KIND) or None,
        simulated=(h.get_header(H_SIMULATED) or "").lower() == "true",
        status=status,
        headers=headers,
        body=body,
        warc_file=warc_file,
        offset=offset,
        record_id=h.get_header("WARC-Record-ID") or "",
        run_id=h.get_header(H_RUN),
    )


def read_response(
    archive_dir: str | os.PathLike[str], warc_file: str, offset: int
) -> ArchivedResponse:
    """The response record at (file, offset), e.g. from `ArchiveIndex.lookup`."""
    with open(Path(archive_dir) / warc_file, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return _to_response(record, record.raw_stream.read(), warc_file, offset)
    raise ValueError(f"no record at {warc_file}:{offset}")


def iter_responses(archive_dir: str | os.PathLike[str]) -> Iterator[ArchivedResponse]:
    """Every response record of the archive, file by file in writing order.

    A torn tail (a writer killed mid-record and not yet repaired) ends that file's iteration
    quietly: readers never see half a record, and the next writer truncates it.
    """
    archive = Path(archive_dir)
    names = warc_files(archive)
    for name in names:
        path = archive / name
        # Every writer repairs the archive before it starts a new file, so only the newest
        # file can have a torn tail: only it pays for a verifying scan.
        good_end = _scan(path, 0)[1] if name == names[-1] else path.stat().st_size
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                # warcio: read the payload before asking for the offset (asking first
                # consumes the stream).
                body = record.raw_stream.read()
                offset = iterator.get_record_offset()
                if offset >= good_end:
                    break
                if record.rec_type != "response":
                    continue
                yield _to_response(record, body, name, offset)
