"""How the web app reads the store while `kartoteka update` writes it.

DuckDB allows one writing process, and a process that holds the file open (even read-only)
keeps the writer out. A dashboard that held the store open for its whole life would make the
newsroom's scheduled `update` fail, and one that opened it per request would make `update`
fail at random. So the app reads a *snapshot*: a private copy of the store file, taken when
the store has changed and nobody is writing it.

On each request the reader looks at the store file's size and modification time (a `stat`,
microseconds). When they changed, it tries a read-only open of the store: that succeeds only
when no writer holds the file, and while it is open no writer can start, so the copy it takes
is consistent. The copy takes a fraction of a second even for a million cases; the lock is
released right after. If a writer is active, the app keeps serving the previous snapshot and
says so on every page ("being updated; showing the snapshot from ..."); only when there is no
snapshot at all does it answer 503.

The writer side of the bargain (documented in docs/web.md): an `update` that starts during
that fraction of a second sees a lock error, so the store's writer should retry opening for a
few seconds. `mode="direct"` skips the copy and holds one read-only connection: right for a
server whose store never changes while it runs (a published snapshot, a demo, tests).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from kartoteka.errors import KartotekaError
from kartoteka.store.db import StoreError, connect_path

Mode = Literal["snapshot", "direct"]


class StoreUnavailable(KartotekaError):
    """No consistent copy of the store can be read yet (missing, or being written)."""


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What the pages say about the data they show."""

    taken_at: dt.datetime  # when the copy was taken (UTC)
    stale: bool  # the store has changed since, but a writer holds it


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        main = path.stat()
    except FileNotFoundError:
        return None
    wal = path.with_name(path.name + ".wal")
    try:
        w = wal.stat()
        wal_sig = (w.st_mtime_ns, w.st_size)
    except FileNotFoundError:
        wal_sig = (0, 0)
    return (main.st_mtime_ns, main.st_size, *wal_sig)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    # another process holds the write lock; or, within one process, a read-write connection
    # is open (DuckDB refuses a second configuration of the same file)
    return (
        "lock" in text
        or "conflicting" in text
        or "being used" in text
        or "different configuration" in text
    )


class StoreReader:
    """Read-only, writer-friendly access to one store file (see the module docstring)."""

    def __init__(
        self,
        store_path: str | Path,
        mode: Mode = "snapshot",
        snapshot_dir: str | Path | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self.mode: Mode = mode
        self._own_dir = snapshot_dir is None
        self._dir = Path(snapshot_dir) if snapshot_dir else None
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._copy: Path | None = None
        self._signature: tuple[int, int, int, int] | None = None
        self._taken_at: dt.datetime | None = None
        self._stale = False
        self._serial = 0
        # called (in a background thread) after each new snapshot, e.g. to warm caches
        self.on_snapshot: list[Callable[[], None]] = []
        self._hooks: list[threading.Thread] = []
        self.closing = threading.Event()  # hooks check it and stop early

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        # Let background hooks finish their current query first: a DuckDB query still
        # running in a daemon thread when the interpreter exits aborts the process.
        self.closing.set()
        for thread in self._hooks:
            thread.join(timeout=120)
        with self._lock:
            if self._con is not None:
                # a request or warm-up may still run on it: then it goes with the process
                with contextlib.suppress(duckdb.Error):
                    self._con.close()
                self._con = None
            if self._copy is not None:
                self._remove_copy(self._copy)
                self._copy = None
            if self._own_dir and self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def wait_for_hooks(self, timeout: float | None = None) -> None:
        """Wait until the hooks of the snapshots taken so far (e.g. the cache warm-up) have
        finished: for a benchmark that times requests without a warm-up running beside
        them."""
        for thread in list(self._hooks):
            thread.join(timeout)

    @staticmethod
    def _remove_copy(copy: Path) -> None:
        for p in (copy, copy.with_name(copy.name + ".wal")):
            p.unlink(missing_ok=True)

    # -- reading -----------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest consistent data, for one request (cursors are per thread)."""
        with self._lock:
            self._refresh()
            assert self._con is not None
            return self._con.cursor()

    def info(self) -> SnapshotInfo:
        with self._lock:
            self._refresh()
            assert self._taken_at is not None
            return SnapshotInfo(taken_at=self._taken_at, stale=self._stale)

    def _refresh(self) -> None:
        signature = _signature(self.store_path)
        if signature is None:
            if self._con is not None:
                return  # the store vanished (a rebuild in progress?): keep what we have
            raise StoreUnavailable(
                f"no store at {self.store_path}: run `kartoteka update` (or `kartoteka demo`) first"
            )
        if self._con is not None and (signature == self._signature or self.mode == "direct"):
            self._stale = False
            return
        try:
            source = connect_path(self.store_path, read_only=True)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise StoreUnavailable(f"cannot read the store: {exc}") from exc
            if self._con is None:
                raise StoreUnavailable(
                    "the store is being written by another process (kartoteka update?) and "
                    "no earlier snapshot exists yet; retry in a moment"
                ) from exc
            self._stale = True
            return
        except StoreError as exc:  # e.g. a schema this release does not know
            if self._con is None:
                raise StoreUnavailable(exc.message) from exc
            self._stale = True
            return
        if self.mode == "direct":
            self._con = source
        else:
            try:
                self._take_snapshot()
            finally:
                source.close()
        self._signature = signature
        self._taken_at = dt.datetime.now(dt.UTC)
        self._stale = False
        self._hooks = [t for t in self._hooks if t.is_alive()]
        for callback in self.on_snapshot:
            thread = threading.Thread(target=callback, name="kartoteka-snapshot-hook", daemon=True)
            thread.start()
            self._hooks.append(thread)

    def _take_snapshot(self) -> None:
        """Copy the store while our read-only open keeps writers out, then open the copy."""
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="kartoteka-web-"))
        self._dir.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        copy = self._dir / f"snapshot-{self._serial}.duckdb"
        shutil.copyfile(self.store_path, copy)
        wal = self.store_path.with_name(self.store_path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        con = duckdb.connect(str(copy), read_only=True)
        old_copy = self._copy
        # The previous connection is not closed here: requests may still be reading through
        # cursors of it. Dropping the reference lets it close when they finish; its file can
        # be unlinked at once (open files stay readable on POSIX systems).
        self._con, self._copy = con, copy
        if old_copy is not None:
            self._remove_copy(old_copy)
