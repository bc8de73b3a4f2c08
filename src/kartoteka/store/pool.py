"""Reading records on every core: an ordered process pool for ingest's reading half.

Ingest has two halves (see `ingest.py`): reading a record (parse the page, apply the privacy
policy, hash the contents) needs nothing from the store and is most of the work; writing it
(number versions, append rows) needs the store's state and stays in one process, the one
DuckDB writer. This module runs the reading half in worker processes and hands the results
back in archive order, so that the writer sees exactly the sequence it would have seen
reading everything itself: the store comes out the same at any worker count.

Bounded: at most `window` chunks are in flight, so a large archive is never all in memory.
Workers are spawned (not forked: the parent holds an open DuckDB connection and its
threads) and get the reader once, at start.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kartoteka.store.ingest import ReadRecord, RecordReader

# Records per task: large enough that the messages between processes cost little against
# the parsing, small enough that the workers stay evenly busy.
CHUNK_RECORDS = 32
# Tasks in flight per worker.
WINDOW_PER_WORKER = 4

_reader: RecordReader | None = None


def machine_workers() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_ship(reader: object) -> bool:
    """Whether a reader can be sent to worker processes (a test's lambda cannot)."""
    try:
        pickle.dumps(reader)
    except Exception:
        return False
    return True


def _start(reader: RecordReader) -> None:
    global _reader
    _reader = reader


def _read_chunk(records: list[Any]) -> list[ReadRecord]:
    assert _reader is not None, "worker started without a reader"
    return _reader.read_many(records)


def read_in_pool(
    reader: RecordReader, records: Iterable[Any], workers: int
) -> Iterator[tuple[Any, ReadRecord]]:
    """(record, what reading it gave) for every record, in the order given, read by
    `workers` processes."""
    context = multiprocessing.get_context("spawn")
    window = max(2, workers * WINDOW_PER_WORKER)
    pending: deque[tuple[list[Any], Future[list[ReadRecord]]]] = deque()
    source = iter(records)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start, initargs=(reader,)
    ) as pool:
        while True:
            while len(pending) < window:
                chunk = list(islice(source, CHUNK_RECORDS))
                if not chunk:
                    break
                pending.append((chunk, pool.submit(_read_chunk, chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result(), strict=True)
