"""As of any moment, the interval-valid history (`kartoteka.store.history`) gives the same
cases and the same figures as the replay of the append-only history, on the stats fixtures
(two runs a month apart, a late card, a verdict, a suspension, a removal, an appeal)."""

import datetime as dt

import pytest
from as_of_compare import compare, facts, moments
from stats_history import RUN1, RUN2

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store import history as store_history
from kartoteka.store.derive import cutoff_for


@pytest.fixture
def con(history):
    con = history.connect()
    yield con
    con.close()


@pytest.mark.slow
def test_every_metric_as_of_every_day_and_instant_equals_the_replay(con):
    every = moments(con)
    days = [x for x in every if not isinstance(x, dt.datetime)]
    instants = every[len(days) :]
    # the facts at every moment; the metrics at every day and at a few instants
    answered = [compare(con, day) for day in days]
    answered += [compare(con, t, metrics=False) for t in instants]
    answered += [compare(con, t) for t in instants[:: max(1, len(instants) // 3)]]
    # the fast path answered (this is not the replay compared with itself)
    assert all(answered)


def test_the_history_answers_a_day_between_runs_and_the_removal_shows(con):
    between = RUN2.date() - dt.timedelta(days=1)
    assert store_history.answers(con, cutoff_for(between))
    rows = {r[0]: r for r in facts(con, between)}
    later = {r[0]: r for r in facts(con, RUN2.date())}
    removed_at = 17  # column of `cases`
    assert all(r[removed_at] is None for r in rows.values())  # nothing removed before run 2
    assert [k for k, r in later.items() if r[removed_at] is not None] == ["27GV0008/first/6"]
    assert m.cumulative_cases(con, Filter(as_of=between)).cases == len(
        [k for k in rows if "/first/" in k]
    )


def test_a_store_without_its_history_tables_falls_back_to_the_replay(history, tmp_path):
    import shutil

    import duckdb

    copy = tmp_path / "copy.duckdb"
    shutil.copy(history.data_dir.store, copy)
    rw = duckdb.connect(str(copy))
    expected = m.outcomes(rw, Filter(as_of=RUN1.date()))
    rw.execute(f"DELETE FROM store_settings WHERE key = '{store_history.HISTORY_SETTING}'")
    rw.execute("DELETE FROM case_states")  # as a store migrated from release 8 has them
    assert not store_history.answers(rw, cutoff_for(RUN1.date()))
    assert m.outcomes(rw, Filter(as_of=RUN1.date())) == expected
    rw.close()


def test_an_instant_inside_a_listing_window_s_pages_is_left_to_the_replay(history, tmp_path):
    import shutil

    import duckdb

    copy = tmp_path / "copy.duckdb"
    shutil.copy(history.data_dir.store, copy)
    rw = duckdb.connect(str(copy))
    began, ended = rw.execute("SELECT began, ended FROM listing_sightings LIMIT 1").fetchone()
    later = ended + dt.timedelta(minutes=5)  # as a window whose second page came 5 min later
    rw.execute("UPDATE listing_sightings SET ended = ? WHERE began = ?", [later, began])
    inside = ended + dt.timedelta(minutes=1)
    assert not store_history.answers(rw, cutoff_for(inside))
    assert store_history.answers(rw, cutoff_for(later))
    assert store_history.answers(rw, cutoff_for(began - dt.timedelta(microseconds=1)))
    with m.history_replay():
        expected = m.outcomes(rw, Filter(as_of=inside))
    assert m.outcomes(rw, Filter(as_of=inside)) == expected
    rw.close()
