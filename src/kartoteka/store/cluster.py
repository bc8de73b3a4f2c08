"""Re-parsing the archive on a Dask distributed cluster (`kartoteka ingest --dask ADDRESS`).

Where an archive outgrows one machine, the reading half of ingest (`RecordReader`: parse,
privacy policy, hashes, acts; see `ingest.py`) runs on the workers of a Dask cluster, and the
writing half stays here, in the one DuckDB writer, exactly as with the local pool
(`pool.py`). Each task reads one *slice* of one WARC file (the records that start in a byte
range, sized so that every worker thread gets several tasks) and writes what it read as one Parquet
part into a directory that the workers and this machine share. The writer then loads the
parts in archive order (file by file as written, slice by slice, record by record) and
applies them with `Ingestor.apply`, the same code a local ingest runs: the store comes out the
same, table for table, wherever a record was parsed. No host name or timing enters a part
or a row.

A part is one row per record: the fields the writer needs of the WARC record (never its
body), a few columns to inspect with DuckDB (outcome, failures, observations), and the
`ReadRecord` itself, packed and pickled (`ReadRecord.packed`: each sighting carries the rows a
new version of its case would write, made from the privacy-processed contents, and none of
the raw parsed values the store never keeps: defendants' names, act texts, the free text of
events), so the parts hold no more than the store.
Each part's Parquet metadata names the parser and act-reader versions that made it; the
writer refuses parts of another version (a cluster of workers with another install would
otherwise put a wrong parser version in `fetch_log`).

Failures: a WARC file a worker cannot read (missing on its storage, unreadable, not WARC) is
reported with its path and reason, the records read before the fault are kept (but the last
one, which the fault may have cut short), the run goes on, and the file is not marked as read
to its end, so the next ingest tries it again. A worker
lost mid-task: the scheduler runs its tasks again on another worker (a task is pure and writes
its part under a fixed name by an atomic rename, so a second run replaces the first with the
same content); a task that kills its workers three times is reported like an unreadable file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from kartoteka.errors import KartotekaError
from kartoteka.paths import DataDir
from kartoteka.store.db import connect
from kartoteka.store.ingest import (
    IngestSummary,
    PageReader,
    ReadRecord,
    ReadResponse,
    RecordReader,
    already_read,
    default_reader,
    files_to_read,
    ingest_records,
    name_policy,
)

if TYPE_CHECKING:
    from distributed import Client

# Slices: enough tasks to keep every worker thread busy (several each, so that a slow one
# does not hold the writer back), none larger than SLICE_BYTES nor smaller than
# MIN_SLICE_BYTES, at most MAX_SLICES_PER_FILE per file (each slice's task reads its file
# from the start: `_slice_records`). The harvester closes files at 256 MiB.
SLICE_BYTES = 64 * 1024 * 1024
MIN_SLICE_BYTES = 256 * 1024
MAX_SLICES_PER_FILE = 8
TASKS_PER_THREAD = 4
# Names the format of a part; bumped when its columns or payload change.
PART_FORMAT = "kartoteka-part-2"
LOCAL = "local"
_META_FORMAT = b"kartoteka.part_format"
_META_PARSER = b"kartoteka.parser_version"
_META_ACTS = b"kartoteka.act_reader_version"
_META_KEEP_NAMES = b"kartoteka.keep_names"
# Seconds to wait for a scheduler given by address.
CONNECT_TIMEOUT = 20

PART_SCHEMA = pa.schema(
    [
        ("warc_file", pa.string()),
        ("offset", pa.int64()),
        ("record_id", pa.string()),
        ("url", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),  # WARC-Date
        ("court_code", pa.string()),
        ("status", pa.int32()),
        ("page_kind", pa.string()),  # as the harvester labelled the record
        ("simulated", pa.bool_()),
        ("run_id", pa.string()),
        ("seen_at", pa.timestamp("us")),  # the time the page counts as seen (UTC)
        ("outcome", pa.string()),
        ("parsed_kind", pa.string()),  # as the parser classified the page
        ("template", pa.string()),
        ("observations", pa.int32()),
        (
            "failures",
            pa.list_(pa.struct([("row", pa.int32()), ("reason", pa.string())])),
        ),
        ("read", pa.binary()),  # the pickled ReadRecord, packed (no raw text)
    ]
)


class ClusterError(KartotekaError):
    """The Dask cluster cannot be reached or used, or its parts cannot be loaded (the url is
    the scheduler's address or the part's path)."""


@dataclass(frozen=True, slots=True)
class Slice:
    """One task: the records of one WARC file that start at a byte offset in
    [start, stop) (stop None: to the end)."""

    index: int  # position in archive order
    warc_file: str
    path: str  # the file as the workers see it (the archive on shared storage)
    start: int
    stop: int | None
    sound_end: int | None = None  # the newest file: where its sound part ends

    @property
    def part_name(self) -> str:
        return f"{self.index:06d}-{self.warc_file}-{self.start:012d}.parquet"


@dataclass(frozen=True, slots=True)
class SliceResult:
    """What one task did: the part it wrote, how many records, and why it stopped early."""

    slice: Slice
    part: str | None
    records: int
    error: str | None = None


@dataclass
class ClusterIngest:
    """What an ingest on a cluster did: the writer's summary, the tasks run, and the WARC
    files that could not be read (path, reason), kept in the archive and reported."""

    summary: IngestSummary
    tasks: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    parts_dir: Path | None = None  # where the parts were written (kept only on request)


# -- planning ---------------------------------------------------------------------------
def slice_bytes_for(total_bytes: int, threads: int) -> int:
    """The slice size that gives each of `threads` worker threads `TASKS_PER_THREAD` tasks
    of an archive of `total_bytes`, within [MIN_SLICE_BYTES, SLICE_BYTES]."""
    wanted = max(1, threads) * TASKS_PER_THREAD
    return min(SLICE_BYTES, max(MIN_SLICE_BYTES, -(-total_bytes // wanted)))


def plan_slices(
    archive_dir: Path, names: list[str], newest: str | None, slice_bytes: int = SLICE_BYTES
) -> list[Slice]:
    """The tasks for reading `names` (in writing order): each file cut into slices of about
    `slice_bytes`, at most `MAX_SLICES_PER_FILE`. The newest file's sound end (only it can
    have a torn tail) is found here, once, by the harvest stage's rule
    (`warcread.sound_end`), as a local ingest does."""
    from kartoteka.store.warcread import sound_end as sound_end_of

    slices: list[Slice] = []
    for name in names:
        path = (archive_dir / name).resolve()
        size = path.stat().st_size
        sound_end = sound_end_of(path) if name == newest else None
        end = max(1, size if sound_end is None else min(size, sound_end))
        count = min(MAX_SLICES_PER_FILE, -(-end // max(1, slice_bytes)))
        length = -(-end // count)
        starts = list(range(0, end, length))
        for n, start in enumerate(starts):
            stop = starts[n + 1] if n + 1 < len(starts) else None
            slices.append(Slice(len(slices), name, str(path), start, stop, sound_end))
    return slices


# -- the task (runs on a worker) ----------------------------------------------------------
def _row(record: Any, read: ReadRecord) -> dict[str, Any]:
    assert all(isinstance(o.version, bytes) for o in read.observations), "pack it first"
    return {
        "warc_file": record.warc_file,
        "offset": int(record.offset),
        "record_id": record.record_id,
        "url": record.url,
        "fetched_at": record.fetched_at,
        "court_code": record.court_code,
        "status": int(record.status),
        "page_kind": record.page_kind,
        "simulated": bool(record.simulated),
        "run_id": getattr(record, "run_id", None),
        "seen_at": read.fetched_at,
        "outcome": read.outcome,
        "parsed_kind": read.page_kind,
        "template": read.template,
        "observations": len(read.observations),
        "failures": [{"row": row, "reason": reason} for row, reason in read.failures],
        "read": pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL),  # packed: no raw text
    }


def _slice_records(task: Slice) -> Iterator[Any]:
    """The WARC response records of one slice, in file order. A slice's byte range need not
    start at a record (nor a gzip member), so the file is read from its start and the
    records before the slice are skipped unparsed: reading a record costs ~0.05 ms against
    ~5 ms to parse it (docs/scaling.md)."""
    from kartoteka.store.warcread import _Bounded, _responses

    with open(task.path, "rb") as fh:
        stream: Any = fh
        if task.sound_end is not None and task.sound_end < os.fstat(fh.fileno()).st_size:
            stream = _Bounded(fh, task.sound_end)  # a torn tail: the sound part only
        for record in _responses(stream, task.warc_file):
            if record.offset < task.start:
                continue
            if task.stop is not None and record.offset >= task.stop:
                return
            yield record


def _versions(reader: RecordReader) -> dict[bytes, bytes]:
    from kartoteka.store.ingest import _parser_version
    from kartoteka.store.sentences import SENTENCE_READER_VERSION

    parser = getattr(reader.reader, "parser_version", None) or _parser_version()
    return {
        _META_FORMAT: PART_FORMAT.encode(),
        _META_PARSER: str(parser).encode(),
        _META_ACTS: SENTENCE_READER_VERSION.encode(),
        _META_KEEP_NAMES: b"true" if reader.policy.keep_names else b"false",
    }


def read_slice(reader: RecordReader, task: Slice, parts_dir: str) -> SliceResult:
    """Read one slice and write its part (the Dask task). A file that cannot be read to the
    slice's end keeps the records read before the fault, and the result says why."""
    rows: list[dict[str, Any]] = []
    error: str | None = None
    try:
        for record in _slice_records(task):
            rows.append(_row(record, reader.read_packed(record)))
    except Exception as exc:  # a missing, unreadable or broken file must not stop the run
        error = f"{type(exc).__name__}: {exc}"
        if rows:  # the record read just before the fault may be cut by it (its body short)
            cut = rows.pop()
            error += f" (after the record at offset {cut['offset']}, left for the next ingest)"
    target = Path(parts_dir) / task.part_name
    table = pa.Table.from_pylist(rows, schema=PART_SCHEMA).replace_schema_metadata(
        _versions(reader)
    )
    # Written under a temporary name, then renamed: a task run twice (a worker lost) leaves
    # one complete part, never a half-written one.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{task.part_name}.", dir=parts_dir)
        os.close(fd)
        try:
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except OSError as exc:
        # Not the file's fault but the setup's: every task would fail the same way.
        raise ClusterError(
            f"a worker cannot write its part into {parts_dir} ({exc}): the parts directory "
            "must be on storage that the workers and this machine share (--parts)"
        ) from exc
    return SliceResult(task, str(target), len(rows), error)


# -- the writer's side --------------------------------------------------------------------
def read_part(path: Path, expected: dict[bytes, bytes]) -> Iterator[ReadResponse]:
    """The records of one part, in file order, after checking it was made by the same
    parser, act reader and name policy as this writer's."""
    try:
        part = pq.ParquetFile(path)
    except FileNotFoundError as exc:
        raise ClusterError(
            "a worker's part is not visible here: the parts directory must be on storage "
            "that the workers and this machine share (--parts)",
            url=str(path),
        ) from exc
    meta = part.schema_arrow.metadata or {}
    for key, wanted in expected.items():
        if meta.get(key) != wanted:
            got = meta.get(key, b"none").decode()
            raise ClusterError(
                f"part made with {key.decode()} = {got}, this writer has "
                f"{wanted.decode()}: install the same kartoteka on the workers",
                url=str(path),
            )
    for batch in part.iter_batches(batch_size=512):
        for row in batch.to_pylist():
            fetched_at = row["fetched_at"]
            yield ReadResponse(
                url=row["url"],
                fetched_at=fetched_at,
                court_code=row["court_code"],
                page_kind=row["page_kind"],
                simulated=row["simulated"],
                status=row["status"],
                warc_file=row["warc_file"],
                offset=row["offset"],
                record_id=row["record_id"],
                run_id=row["run_id"],
                read=pickle.loads(row["read"]),  # our own workers' output (see module doc)
            )


def _loaded_in_order(
    futures: list[tuple[Slice, Any]],
    expected: dict[bytes, bytes],
    unreadable: list[tuple[str, str]],
) -> Iterator[ReadResponse]:
    """Every part's records in archive order, each part as soon as its task is done (the
    later ones go on running meanwhile); failed tasks go to `unreadable`."""
    for task, future in futures:
        try:
            result: SliceResult = future.result()
        except ClusterError:
            raise
        except Exception as exc:  # a task that failed twice or killed its workers
            unreadable.append((task.path, f"{type(exc).__name__}: {exc}"))
            continue
        if result.error is not None:
            unreadable.append((task.path, result.error))
        if result.part is not None:
            yield from read_part(Path(result.part), expected)
        future.release()


@contextlib.contextmanager
def connect_cluster(address: str, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a cluster of `workers` processes on
    this machine (`local`), closed afterwards."""
    import dask
    from distributed import Client, LocalCluster

    from kartoteka.store.pool import machine_workers, one_thread_libraries

    if address == LOCAL:
        with (
            # Its workers, a process per core, start with one OpenBLAS thread each, as the
            # local pool's do (decision 27).
            one_thread_libraries(),
            # One task at a time per worker thread (no tasks queued on a worker): a worker
            # lost takes only the task it was running with it.
            dask.config.set({"distributed.scheduler.worker-saturation": 1.0}),
            LocalCluster(
                n_workers=workers or machine_workers(),
                threads_per_worker=1,  # the parser is Python: one record at a time per process
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if workers is not None:
        raise ClusterError(
            "--workers sizes a local pool or `--dask local`: a cluster's size is set where "
            "its workers start (dask worker --nworkers N)",
            url=address,
        )
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler: {exc}", url=address) from exc
    with client:
        yield client


def ingest_on_cluster(
    data_dir: DataDir,
    address: str,
    *,
    archive: Path | None = None,
    rebuild: bool = False,
    keep_names: bool | None = None,
    reader: PageReader | None = None,
    workers: int | None = None,
    parts_dir: Path | None = None,
    keep_parts: bool = False,
    slice_bytes: int | None = None,
) -> ClusterIngest:
    """`kartoteka ingest --dask ADDRESS`: the archive's WARC files still to read are parsed
    on the cluster into Parquet parts under `parts_dir` (default: a new directory in the data
    directory; on a real cluster both it and the archive must be on storage every worker
    sees, under the same paths), which this process then loads into the store in archive
    order. The store is the one `ingest` would build."""
    from kartoteka.harvest.warc import warc_files

    archive_dir = archive or data_dir.archive
    policy = name_policy(data_dir.ensure(), keep_names)
    record_reader = RecordReader(policy, reader or default_reader())
    expected = _versions(record_reader)
    names = warc_files(archive_dir)
    con = connect(data_dir)
    try:
        todo, closed = files_to_read(con, archive_dir, rebuild)
        base = parts_dir or data_dir.root
        base.mkdir(parents=True, exist_ok=True)
        run_parts = Path(tempfile.mkdtemp(prefix="kartoteka-parts-", dir=base)).resolve()
        unreadable: list[tuple[str, str]] = []
        slices: list[Slice] = []
        try:
            with contextlib.ExitStack() as stack:
                records: Iterator[ReadResponse] = iter(())
                if todo:  # nothing to read: no cluster to start
                    client = stack.enter_context(connect_cluster(address, workers))
                    length = slice_bytes or slice_bytes_for(
                        sum((archive_dir / n).stat().st_size for n in todo),
                        sum(client.nthreads().values()),
                    )
                    slices = plan_slices(archive_dir, todo, names[-1], length)
                    futures = _submit(client, record_reader, slices, run_parts)
                    records = _loaded_in_order(futures, expected, unreadable)
                summary = ingest_records(
                    con, records, policy, reader, rebuild=rebuild, reading=already_read
                )
            failed = {Path(path).name for path, _ in unreadable}
            finished = [(n, size) for n, size in closed if n not in failed]
            if finished:
                con.executemany("INSERT OR REPLACE INTO ingested_files VALUES (?, ?)", finished)
        finally:
            if not keep_parts:
                shutil.rmtree(run_parts, ignore_errors=True)
    finally:
        con.close()
    return ClusterIngest(summary, len(slices), unreadable, run_parts if keep_parts else None)


def _submit(
    client: Client, reader: RecordReader, slices: list[Slice], parts_dir: Path
) -> list[tuple[Slice, Any]]:
    """One task per slice, earlier slices first. The reader (parser, name policy) goes with
    every task, not scattered once: scattered data dies with the last worker holding it,
    and a task must be able to run again anywhere after a worker is lost."""
    return [
        (
            task,
            client.submit(
                read_slice,
                reader,
                task,
                str(parts_dir),
                # Unique to this run: a scheduler serving two ingests at once (or one after
                # another) must never hand one the other's result.
                key=f"kartoteka-read-{parts_dir.name}-{task.part_name}",
                priority=len(slices) - task.index,
                retries=1,
                pure=False,
            ),
        )
        for task in slices
    ]
