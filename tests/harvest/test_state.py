"""The state's read API that `kartoteka doctor` and `kartoteka courts` rely on: beliefs about
court sites with their change log, window statuses, captcha pairs and pending challenges."""

from __future__ import annotations

import datetime as dt
import sqlite3

from kartoteka.harvest.state import (
    BeliefKind,
    HarvestState,
    Window,
    WindowStatus,
)


def test_a_changed_belief_is_logged_once_with_its_evidence(tmp_path):
    state = HarvestState(tmp_path)
    # The registry's hint is a hypothesis: recorded without a verification date.
    assert (
        state.believe(
            "01GV0001", "dialect", "classic", run_id="r1", evidence_url=None, verified=False
        )
        is None
    )
    assert state.belief("01GV0001", BeliefKind.DIALECT).verified_at is None
    change = state.believe(
        "01GV0001", BeliefKind.DIALECT, "vnkod", run_id="r2", evidence_url="http://a/sf"
    )
    assert change is not None and (change.old, change.new, change.run_id) == (
        "classic",
        "vnkod",
        "r2",
    )
    # The same value seen again verifies it and is no change.
    assert state.believe("01GV0001", "dialect", "vnkod", run_id="r3", evidence_url="u") is None
    belief = state.beliefs()["01GV0001"][BeliefKind.DIALECT]
    assert (belief.value, belief.verified_run) == ("vnkod", "r3")
    assert [c.new for c in state.changes("01GV0001")] == ["vnkod"]
    assert state.dialect("01GV0001") == "vnkod"
    state.close()


def test_window_status_round_trips_and_only_complete_counts(tmp_path):
    state = HarvestState(tmp_path)
    w1 = Window("01GV0001", "first", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    w2 = Window("01GV0001", "first", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    state.save_window(
        w1,
        expected=0,
        collected=0,
        complete=False,
        pages=1,
        run_id="r",
        problem="unproven",
        status=WindowStatus.SUSPECT_EMPTY,
    )
    state.save_window(w2, expected=3, collected=3, complete=True, pages=1, run_id="r", problem=None)
    assert state.window(w1).status is WindowStatus.SUSPECT_EMPTY
    assert not state.window(w1).complete
    assert state.window(w2).status is WindowStatus.COMPLETE
    assert state.incomplete_windows("01GV0001") == [w1]
    [p] = state.window_problems()
    assert (p.window, p.status, p.problem) == (w1, WindowStatus.SUSPECT_EMPTY, "unproven")
    state.close()


def test_old_state_files_get_the_new_columns(tmp_path):
    db = sqlite3.connect(tmp_path / "harvest.sqlite3")
    db.execute(
        "CREATE TABLE windows (court_code TEXT NOT NULL, instance TEXT NOT NULL, "
        "date_from TEXT NOT NULL, date_to TEXT NOT NULL, expected INTEGER, collected INTEGER, "
        "complete INTEGER NOT NULL DEFAULT 0, pages INTEGER NOT NULL DEFAULT 0, listed_at TEXT, "
        "run_id TEXT, problem TEXT, PRIMARY KEY (court_code, instance, date_from, date_to))"
    )
    db.execute(
        "INSERT INTO windows VALUES ('c','first','2024-01-01','2024-01-31',1,1,1,1,NULL,'r',NULL)"
    )
    db.commit()
    db.close()
    state = HarvestState(tmp_path)
    w = Window("c", "first", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert state.window(w).status is WindowStatus.COMPLETE
    state.close()


def test_captcha_pairs_expire_and_pending_challenges_take_answers(tmp_path):
    state = HarvestState(tmp_path)
    state.save_captcha_pair(
        "region:27", "12345", "abc", "27GV0001", solved_at=100.0, expires_at=200.0
    )
    pair = state.captcha_pair("region:27")
    assert pair.valid(150.0) and not pair.valid(200.0)
    state.expire_captcha_pair("region:27", 160.0)
    assert not state.captcha_pair("region:27").valid(150.0)
    state.save_pending(
        "27GV0002",
        "region:27",
        image_path="/x.png",
        page_url="http://u",
        captcha_id="id1",
        asked_at=170.0,
    )
    assert state.answer_pending("27GV0002", " 54321 ", 180.0)
    assert not state.answer_pending("27GV0003", "1", 180.0)
    [p] = state.pending_challenges()
    assert (p.court_code, p.answer, p.captcha_id) == ("27GV0002", "54321", "id1")
    state.drop_pending("27GV0002")
    assert state.pending_challenges() == []
    state.close()
