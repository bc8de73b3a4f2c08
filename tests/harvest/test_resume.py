"""kill -9 at random moments, resume, and end with the same archive and cases as a run that
was never interrupted (issue 4, "Resumable")."""

from __future__ import annotations

import collections
import datetime as dt
import random
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sandboxrun import harvest_argv, run, start, write_registry

from kartoteka.harvest.state import HarvestState
from kartoteka.harvest.warc import _scan, iter_responses, warc_files
from kartoteka.paths import DataDir
from kartoteka.sandbox.config import REALISTIC, SandboxConfig
from kartoteka.sandbox.server import run_sandbox

NOW = dt.date(2024, 6, 30)
SINCE, UNTIL = "2024-03-01", "2024-06-30"
USABLE = {"listing", "card", "empty"}
# Transient faults only (5xx, dropped connections, slow answers, 429): they are retried, so
# an interrupted and an uninterrupted run must end with the same pages.
FAULTS = REALISTIC.with_rates(captcha=0.0, always_down=False)


def _pages(data: DataDir) -> collections.Counter[str]:
    return collections.Counter(r.url for r in iter_responses(data.archive) if r.page_kind in USABLE)


def _cases(data: DataDir) -> set[tuple[str, str, str]]:
    state = HarvestState(data.state)
    try:
        return state.case_keys()
    finally:
        state.close()


@pytest.mark.slow
@pytest.mark.parametrize("stale", [False, True], ids=["plain", "reprobing"])
def test_kill_minus_9_at_random_points_then_resume_gives_the_same_archive(tmp_path, stale):
    rng = random.Random(4)
    config = SandboxConfig(seed=3, faults=FAULTS, now=NOW)
    with run_sandbox(config) as sb:
        codes = [c.code for c in sb.courts][:14]  # district courts first, then garrisons
        registry = tmp_path / "courts.csv"
        if stale:
            # A stale registry: every other court's dialect the wrong way round, so that the
            # kills land while courts are being re-probed and re-listed (issue 9).
            write_registry(sb, registry, codes, with_dialect=True, stale=set(codes[::2]))
        else:
            write_registry(sb, registry, codes)
        reference = DataDir(tmp_path / "reference")
        done = run(harvest_argv(sb.url, registry, reference.root, SINCE, UNTIL))
        assert done.returncode == 0, done.stderr.decode()[-2000:]

        resumed = DataDir(tmp_path / "resumed")
        kills = 0
        orphans: list[int] = []
        while True:
            proc = start(harvest_argv(sb.url, registry, resumed.root, SINCE, UNTIL))
            if kills < 5:
                _wait_for_work(proc, resumed)
                time.sleep(rng.uniform(0.3, 2.0))
                if proc.poll() is None:
                    orphans.extend(_children(proc.pid))
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    continue
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode()[-2000:]
            break
    assert kills >= 3, "the harvest finished before it could be interrupted enough"
    assert "(resumed)" in out.decode()

    want, got = _pages(reference), _pages(resumed)
    assert set(got) == set(want) and len(want) > 100
    assert max(got.values()) == 1  # nothing archived was fetched again
    assert _cases(resumed) == _cases(reference) and len(_cases(reference)) > 100
    if stale:  # every stale court was found out, in both runs, and nothing is left suspect
        for data in (reference, resumed):
            state = HarvestState(data.state)
            try:
                changed = {c.court_code for c in state.changes() if c.what == "dialect"}
                assert changed == set(codes[::2])
                assert not state.window_problems()
            finally:
                state.close()
    for name in warc_files(resumed.archive):  # no torn record left behind
        path = resumed.archive / name
        assert _scan(path, 0)[1] == path.stat().st_size
    # The killed harvesters' parse workers did not outlive them.
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in orphans if Path(f"/proc/{pid}").exists()]


def _wait_for_work(proc, data: DataDir, timeout: float = 60.0) -> None:
    """Until the harvester has opened its run (its start-up, imports included, takes seconds
    on a loaded machine: a kill before that interrupts nothing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if (data.state / "harvest.sqlite3").exists() and warc_files(data.archive):
            return
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """Child processes of `pid` (Linux /proc; empty elsewhere)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out
