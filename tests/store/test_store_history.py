"""On a sandbox harvest with removals (two harvests a month apart; some cases leave the
courts' indexes between them), the interval-valid history (`kartoteka.store.history`) gives
every column of every case as of every day and of instants inside the runs exactly as the
replay of the append-only history does, and the headline figures too; `ingest --rebuild`
gives the same history tables."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from kartoteka.paths import DataDir
from kartoteka.store import history
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect, dump_tables
from kartoteka.store.derive import cutoff_for
from kartoteka.store.ingest import ingest

sandbox = pytest.importorskip("kartoteka.sandbox")
harvester = pytest.importorskip("kartoteka.harvest.harvester")
from kartoteka.harvest.planner import PlanOptions  # noqa: E402
from kartoteka.harvest.politeness import for_sandbox  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from as_of_compare import compare, moments  # noqa: E402

T1, T2 = dt.date(2024, 6, 30), dt.date(2024, 7, 31)
HISTORY_TABLES = ("case_states", "listing_sightings", "removal_evidence", "removal_receipts")


@pytest.fixture(scope="module")
def harvested(tmp_path_factory) -> DataDir:
    """A garrison court of the sandbox that removes cases between T1 and T2."""
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=T1)
    with sandbox.run_sandbox(config) as sb:
        sb.set_now(T2)
        removing = {
            t.court_code
            for t in sb.truth
            if t.removed_from and T1 < t.removed_from <= T2 and t.visible_from <= T1
        }
        sb.set_now(T1)
        usable = [
            c
            for c in sb.courts
            if not c.captcha and not c.always_down and c.court.level.value == "garrison"
        ]
        courts = [c for c in usable if c.code in removing][:1]
        assert courts and courts[0].code in removing
        data_dir = DataDir(tmp_path_factory.mktemp("history") / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        for now in (T1, T2):
            sb.set_now(now)
            options = PlanOptions(
                since=dt.date(2022, 1, 1), until=now, card_max_age=0.0, recent_months=36
            )
            harvester.harvest(
                data_dir, [c.court for c in courts], for_sandbox(), options, sandbox_url=sb.url
            )
            ingest(data_dir)
    return data_dir


@pytest.mark.slow
def test_every_case_as_of_every_day_and_instants_inside_runs_equals_the_replay(harvested):
    con = connect(harvested, read_only=True)
    removed = con.execute("SELECT count(*) FROM cases WHERE removed_at IS NOT NULL").fetchone()
    assert removed and removed[0] > 0, "the second harvest removes cases"
    every = moments(con, instants=20)
    days = [x for x in every if not isinstance(x, dt.datetime)]
    answered = [compare(con, day) for day in days]
    answered += [compare(con, t, metrics=False) for t in every[len(days) :]]
    assert all(answered)  # answered by the history (the sandbox lists each window on one page)
    con.close()


def test_the_history_shows_a_removal_from_the_harvest_that_saw_it(harvested):
    con = connect(harvested, read_only=True)
    at = con.execute("SELECT min(removed_at) FROM cases").fetchone()[0]
    assert at is not None and history.answers(con, cutoff_for(at.date()))
    before, after = at - dt.timedelta(microseconds=1), at
    rows = {}
    for moment in (before, after):
        rows[moment] = con.execute(
            f"SELECT count(removed_at) FROM ({history.facts_at_sql(False)})",
            {"cutoff": cutoff_for(moment)},
        ).fetchone()[0]
    assert rows[before] < rows[after]
    con.close()


def test_a_rebuild_gives_the_same_history(harvested, tmp_path):
    con = connect(harvested, read_only=True)
    before = dump_tables(con, HISTORY_TABLES)
    con.close()
    ingest(harvested, rebuild=True)
    con = connect(harvested, read_only=True)
    assert dump_tables(con, HISTORY_TABLES) == before
    con.close()
