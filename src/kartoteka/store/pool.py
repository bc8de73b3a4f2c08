"""Reading the archive on every core: an ordered process pool for ingest's reading half.

Ingest has two halves (see `ingest.py`): reading a record (parse the page, apply the privacy
policy, hash the contents, make the rows a new version would write) needs nothing from the
store and is nearly all of the work; writing it (number versions, append rows) needs the
store's state and stays in one process, the one DuckDB writer. This module runs the reading
half in worker processes and hands the results back in archive order, so that the writer
sees exactly the sequence it would have seen reading everything itself: the store comes out
the same at any worker count.

The workers read the WARC files themselves: the writer sends *spans* (a file's path and a
byte range), never record bodies, and reads nothing of the archive (reading and decompressing
it, and pickling each body to a worker, had been the largest part of the writer's work). A
worker finds the first record that starts in its span by its gzip member's header
(`warcread.first_record`) and reads on to the first record at or after the span's end. The
writer checks every span against the one before it: a span must start exactly where the one
before stopped. Should a span ever start elsewhere (compressed bytes that look like a member
header), the writer reads the rest of that file itself, from where the span before stopped:
the records are always those of reading each file from its start.

Bounded: at most `window` spans are in flight, so a large archive is never all in memory.
Workers are spawned (not forked: the parent holds an open DuckDB connection and its
threads) and get the reader once, at start. Their numeric libraries run one thread each
(`one_thread_libraries`): the pool already keeps every core busy.
"""

from __future__ import annotations

import bisect
import contextlib
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kartoteka.store.warcread import first_record, read_span, sound_end

if TYPE_CHECKING:
    from kartoteka.store.ingest import ReadResponse, RecordReader

# Bytes of WARC file per task (about 55 sandbox exchanges, 0.3 s of parsing): large enough
# that the messages between processes cost little against the parsing, small enough that
# the workers stay evenly busy and the writer is never long without work.
SPAN_BYTES = 256 * 1024
# Tasks in flight per worker.
WINDOW_PER_WORKER = 4

# The thread counts a worker's numeric libraries are started with, unless the user set them:
# OpenBLAS (under numpy, which the act reader's NER model multiplies its matrices with) and
# MKL, where a numpy is built on it.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_reader: RecordReader | None = None


def machine_workers() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def one_thread_libraries() -> Iterator[None]:
    """The environment the pool's workers are spawned with: `ONE_THREAD`, each variable the
    user has not set, for as long as the pool runs.

    OpenBLAS starts a thread for every core but one in every process that loads it. In one
    process such a thread has a core to itself; in a pool that already runs a worker per
    core, it spins on the cores the other workers need (1.5 s of CPU a worker on the bench
    archive) and takes more CPU than it saves the worker it serves (decision 27). A library
    reads the variable once, when it loads, so it must be in the environment a worker is
    spawned with; the writer's own libraries are loaded already and keep their threads."""
    added = {name: value for name, value in ONE_THREAD.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def can_ship(reader: object) -> bool:
    """Whether a reader can be sent to worker processes (a test's lambda cannot)."""
    try:
        pickle.dumps(reader)
    except Exception:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Span:
    """One task: the records of one WARC file that start in [start, stop), read no further
    than `end` (the file's size, or the sound end of a torn newest file)."""

    warc_file: str
    path: str
    start: int
    stop: int
    end: int
    done: frozenset[int] = frozenset()  # offsets in the span already ingested: not read


@dataclass(frozen=True, slots=True)
class SpanRead:
    """What a worker read of a span: where its first record starts (None: no record starts
    in it), where the next record after it starts (None: the file ended), and the records."""

    first: int | None
    next: int | None
    records: list[ReadResponse]
    # Why reading stopped short (a fault in the file, or a false start: see read_in_pool).
    error: Exception | None = None


def _start(reader: RecordReader) -> None:
    global _reader
    _reader = reader


def _read(reader: RecordReader, span: Span, first: int) -> tuple[list[ReadResponse], int | None]:
    """The records of `span` from `first`, each read (packed for the writer) unless already
    ingested; and where the next record starts."""
    from kartoteka.store.ingest import ReadResponse

    with open(span.path, "rb") as fh:
        responses, following = read_span(fh, span.warc_file, first, span.stop, span.end, span.done)
    records = [
        ReadResponse.of(r, None if r.offset in span.done else reader.read_packed(r))
        for r in responses
    ]
    return records, following


def _read_span(span: Span) -> SpanRead:
    assert _reader is not None, "worker started without a reader"
    with open(span.path, "rb") as fh:
        first = first_record(fh, span.start, span.stop)
    if first is None:
        return SpanRead(None, None, [])
    try:
        records, following = _read(_reader, span, first)
    except Exception as exc:  # the writer decides: a false start, or the file's fault
        return SpanRead(first, None, [], exc)
    return SpanRead(first, following, records)


def _spans(archive_dir: Path, names: list[str], done: dict[str, list[int]]) -> Iterator[Span]:
    """The tasks for reading `names` (in writing order; the last one is the archive's
    newest file, which alone can have a torn tail, cut off here as a local ingest does)."""
    for name in names:
        path = archive_dir / name
        end = sound_end(path) if name == names[-1] else path.stat().st_size
        offsets = sorted(done.get(name, ()))
        for start in range(0, end, SPAN_BYTES):
            yield _span(name, path, start, min(end, start + SPAN_BYTES), end, offsets)


def _span(name: str, path: Path, start: int, stop: int, end: int, offsets: list[int]) -> Span:
    inside = offsets[bisect.bisect_left(offsets, start) : bisect.bisect_left(offsets, stop)]
    return Span(name, str(path), start, stop, end, frozenset(inside))


def read_in_pool(
    reader: RecordReader,
    archive_dir: Path,
    names: list[str],
    done: dict[str, list[int]],
    workers: int,
) -> Iterator[ReadResponse]:
    """Every response record of the WARC files `names` of `archive_dir` (in writing order,
    the archive's newest last), in archive order, read by `workers` processes. Records at
    the offsets `done` lists per file are not read (`ReadResponse.read` None)."""
    context = multiprocessing.get_context("spawn")
    window = max(2, workers * WINDOW_PER_WORKER)
    spans = _spans(archive_dir, names, done)
    pending: deque[tuple[Span, Future[SpanRead]]] = deque()
    current: str | None = None  # the file being read, and where its next record starts
    expected: int | None = 0
    with (
        one_thread_libraries(),
        ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start, initargs=(reader,)
        ) as pool,
    ):
        while True:
            for span in spans:
                pending.append((span, pool.submit(_read_span, span)))
                if len(pending) >= window:
                    break
            if not pending:
                return
            span, future = pending.popleft()
            got = future.result()
            if span.warc_file != current:
                current, expected = span.warc_file, 0
            if expected is None or (got.first is None and expected >= span.stop):
                continue  # the file ended before this span, or no record starts in it
            if got.first != expected:
                # Not where the span before stopped: read the rest of the file here.
                yield from _read_rest(reader, span, expected, done.get(span.warc_file, []))
                expected = None
                continue
            if got.error is not None:  # the file itself: as reading it here would raise
                raise got.error
            yield from got.records
            expected = got.next


def _read_rest(
    reader: RecordReader, span: Span, start: int, done: list[int]
) -> Iterator[ReadResponse]:
    """The records of a span's file from `start` (where a record starts) to its end, read
    in this process span by span, each from where the one before stopped."""
    offsets = sorted(done)
    at: int | None = start
    while at is not None and at < span.end:
        rest = _span(
            span.warc_file, Path(span.path), at, min(span.end, at + SPAN_BYTES), span.end, offsets
        )
        records, at = _read(reader, rest, at)
        yield from records
