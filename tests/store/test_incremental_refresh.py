"""An ingest recomputes only the derived rows of what its records touched
(`derive.refresh_derived` with the records written, `history.touched`), and the store is the
one `ingest --rebuild` of the same archive gives, table for table: after every ingest of an
archive harvest by harvest, with a case removed by a listing whose last page came in a later
ingest than its first, the case coming back, cards re-read with changed outcomes, a run
whose records came in two ingests; on synthetic runs, on the stats fixtures built run by
run, and on sandbox harvests."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest

from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.store import history
from kartoteka.store.changes import current_epochs, record_changes
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect, dump_tables
from kartoteka.store.derive import cutoff_for
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import SyntheticArchive, card, defendant, listing_pages, row
from kartoteka.sudrf.urls import listing_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
import stats_history

HOST_A, HOST_B = "ugvs.prm.sudrf.ru", "bgvs.alt.sudrf.ru"
COURTS = [
    Court("27GV0008", "Уссурийский гарнизонный военный суд", CourtLevel.GARRISON, HOST_A),
    Court("54GV0003", "Барнаульский гарнизонный военный суд", CourtLevel.GARRISON, HOST_B),
]
FROM, TO = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
DAY = [dt.datetime(2024, m, 5, 10, tzinfo=dt.UTC) for m in (2, 3, 4, 5)]


class FullPasses:
    """Counts the whole recomputations of the history tables of one store (the incremental
    path must be the one taken, or the comparisons below would compare a full pass with
    itself); the rebuilds of its copies are not counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, data_dir: DataDir) -> None:
        self.count = 0
        whole = history._refresh_all
        store = str(data_dir.store)

        def counted(con):  # type: ignore[no-untyped-def]
            path = con.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
            ).fetchone()[0]
            self.count += path == store
            whole(con)

        monkeypatch.setattr(history, "_refresh_all", counted)


def rebuilt_dump(data_dir: DataDir, tmp: Path, reader=None) -> dict:  # type: ignore[no-untyped-def]
    """Every table of a copy of the data directory (same archive, same secret) after
    `ingest --rebuild`."""
    copy = DataDir(tmp / f"rebuilt-{len(list(tmp.iterdir()))}")
    shutil.copytree(data_dir.root, copy.root)
    ingest(copy, rebuild=True, reader=reader)
    con = connect(copy, read_only=True)
    dump = dump_tables(con)
    con.close()
    return dump


def assert_as_rebuilt(data_dir: DataDir, tmp: Path, reader=None) -> None:  # type: ignore[no-untyped-def]
    con = connect(data_dir, read_only=True)
    dump = dump_tables(con)
    con.close()
    expected = rebuilt_dump(data_dir, tmp, reader)
    assert dump.keys() == expected.keys()
    for table, rows in expected.items():
        assert dump[table] == rows, table


def assert_changes_as_replayed(data_dir: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The changes of every epoch, recomputed from scratch, are the same whether the states
    at the epochs' ends come from the interval-valid history (which answers each of them
    here) or from the replay of the history (`facts_sql`)."""
    con = connect(data_dir)
    epochs = current_epochs(con)
    assert len(epochs) >= 3
    assert all(history.answers(con, cutoff_for(e.ended_at)) for e in epochs[:-1])
    con.execute("BEGIN TRANSACTION")
    record_changes(con, rebuild=True)
    fast = dump_tables(con, ("change_epochs", "changes"))
    with monkeypatch.context() as patched:
        patched.setattr(history, "answers", lambda con, cutoff: False)
        record_changes(con, rebuild=True)
    replayed = dump_tables(con, ("change_epochs", "changes"))
    con.execute("ROLLBACK")
    con.close()
    assert fast["changes"] and fast == replayed


# -- synthetic runs ------------------------------------------------------------------------
def _defendants(case_id: str):  # type: ignore[no-untyped-def]
    return [defendant(f"Подсудимый{case_id} Иван Иванович", "ст.337 ч.5 УК РФ")]


# receipt dates by case id: a week apart from 2023-06-01, unless given here
ENTRIES = {"old-1": dt.date(2022, 6, 1), "old-2": dt.date(2022, 3, 1)}


def _row(case_id: str, result: str | None = None):  # type: ignore[no-untyped-def]
    entry = ENTRIES.get(case_id) or dt.date(2023, 6, 1) + dt.timedelta(
        days=int(case_id.split("-")[-1]) * 7
    )
    return row(
        case_id,
        f"1-{case_id}/2024",
        entry,
        _defendants(case_id),
        result=result,
        result_date=dt.date(2024, 1, 30) if result else None,
    )


def _listing(arc, host, court, ids, at, pages=None, window=(FROM, TO)):  # type: ignore[no-untyped-def]
    """The window (FROM–TO) of a court listing `ids` (25 rows a page); only the page numbers
    in `pages` are archived (None: all), as when a run's records come in several ingests."""
    for number, page in enumerate(listing_pages([_row(i) for i in ids]), start=1):
        if pages is None or number in pages:
            url = listing_url(host, "classic", *window, article="", page=number)
            arc.write(url, page, court, at + dt.timedelta(seconds=number))


def _card(arc: SyntheticArchive, case_id: str, at, result: str | None) -> None:  # type: ignore[no-untyped-def]
    entry = _row(case_id).entry_date
    decided = card(
        f"1-{case_id}/2024",
        entry,
        _defendants(case_id),
        result=result,
        result_date=entry + dt.timedelta(days=60) if result else None,
    )
    arc.write_card(HOST_A, "27GV0008", case_id, decided, at)


A = [f"a-{n}" for n in range(1, 31)]  # court A: 30 cases, two listing pages
B = [f"b-{n}" for n in range(1, 11)]  # court B: untouched after run 1


@pytest.fixture
def synthetic(tmp_path) -> tuple[DataDir, SyntheticArchive]:
    data_dir = DataDir(tmp_path / "data").ensure()
    import_courts(data_dir, COURTS)
    return data_dir, SyntheticArchive(data_dir.archive)


def test_harvest_by_harvest_equals_a_rebuild_after_every_ingest(synthetic, tmp_path, monkeypatch):
    data_dir, arc = synthetic
    passes = FullPasses(monkeypatch, data_dir)
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()

    def step(write) -> None:  # type: ignore[no-untyped-def]
        write()
        arc.close()
        ingest(data_dir, reader=arc.book)
        assert_as_rebuilt(data_dir, rebuilt, arc.book)

    def run1() -> None:
        arc.run_id = "run-1"
        _listing(arc, HOST_A, "27GV0008", A, DAY[0])
        _listing(arc, HOST_B, "54GV0003", B, DAY[0])
        for n, case_id in enumerate(A[:5]):
            _card(arc, case_id, DAY[0] + dt.timedelta(minutes=5 + n), None)

    without_7 = [i for i in A if i != "a-7"]  # 29 rows: pages of 25 and 4

    def run2_first_page() -> None:  # the sighting is incomplete: 25 rows of 29
        arc.run_id = "run-2"
        _listing(arc, HOST_A, "27GV0008", without_7, DAY[1], pages={1})

    def run2_rest() -> None:  # now complete: a-7 (on neither part) is removed
        arc.run_id = "run-2"
        _listing(arc, HOST_A, "27GV0008", without_7, DAY[1], pages={2})
        _card(arc, "a-1", DAY[1] + dt.timedelta(minutes=5), "Вынесен ПРИГОВОР")
        _card(arc, "a-2", DAY[1] + dt.timedelta(minutes=6), None)

    def run3() -> None:  # a-7 is back, a-9 removed, a-1's card re-read with a new outcome
        arc.run_id = "run-3"
        _listing(arc, HOST_A, "27GV0008", [i for i in A if i != "a-9"] + ["a-31"], DAY[2])
        _card(arc, "a-1", DAY[2] + dt.timedelta(minutes=5), "ВОЗВРАЩЕНО ПРОКУРОРУ")

    step(run1)
    assert passes.count == 1  # the first ingest: no history yet
    step(run2_first_page)
    con = connect(data_dir, read_only=True)
    assert con.execute("SELECT count(removed_at) FROM cases").fetchone() == (0,)
    con.close()
    step(run2_rest)
    con = connect(data_dir, read_only=True)
    removed = con.execute("SELECT case_id FROM cases WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("a-7",)]
    con.close()
    step(run3)
    con = connect(data_dir, read_only=True)
    removed = con.execute("SELECT case_id FROM cases WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("a-9",)]
    kinds = con.execute("SELECT kind, case_id FROM changes ORDER BY ALL").fetchall()
    assert ("returned", "a-7") in kinds and ("removed", "a-9") in kinds
    assert ("new_outcome", "a-1") in kinds
    outcome = con.execute("SELECT outcome FROM cases WHERE case_id = 'a-1'").fetchone()
    assert outcome == ("returned",)
    con.close()
    assert passes.count == 1  # every later ingest refreshed only what it touched
    assert_changes_as_replayed(data_dir, monkeypatch)


def test_a_late_page_that_completes_an_old_sighting_updates_the_cases_of_its_first_page(
    synthetic, tmp_path, monkeypatch
):
    """A run's last page archived after a later run (a resumed harvest, merged archives)
    completes that run's sighting: a case on its first page, ingested before, is now present
    in the window's court, and a later complete listing of another window that covers its
    receipt date and does not show it removes it, though the ingest brought nothing about
    the case itself (its receipt date is outside the completed window's, as a site can
    show)."""
    data_dir, arc = synthetic
    passes = FullPasses(monkeypatch, data_dir)
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    shown = ["old-1", *A[:29]]  # 30 rows: pages of 25 and 5, old-1 on the first
    arc.run_id = "run-1"
    _listing(arc, HOST_A, "27GV0008", shown, DAY[0], pages={1})
    arc.run_id = "run-2"  # the listing of 2022's receipts: old-2 only
    _listing(arc, HOST_A, "27GV0008", ["old-2"], DAY[1], window=(dt.date(2022, 1, 1), FROM))
    arc.close()
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    assert con.execute("SELECT count(removed_at) FROM cases").fetchone() == (0,)
    con.close()
    arc.run_id = "run-1"
    _listing(arc, HOST_A, "27GV0008", shown, DAY[0], pages={2})
    arc.close()
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    removed = con.execute("SELECT case_id FROM cases WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("old-1",)]
    con.close()
    assert_as_rebuilt(data_dir, rebuilt, arc.book)
    assert passes.count == 1


def test_an_ingest_with_nothing_new_recomputes_nothing_and_changes_nothing(
    synthetic, tmp_path, monkeypatch
):
    data_dir, arc = synthetic
    arc.run_id = "run-1"
    _listing(arc, HOST_A, "27GV0008", A, DAY[0])
    arc.close()
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    before = dump_tables(con)
    con.close()
    passes = FullPasses(monkeypatch, data_dir)
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    assert dump_tables(con) == before
    con.close()
    assert passes.count == 0


def test_untouched_rows_are_not_recomputed_unless_the_rules_changed(synthetic, monkeypatch):
    """An untouched case's row is left as it is (the refresh is incremental); a store whose
    derived tables were computed by other rules (an older `HISTORY_FORMAT`) is recomputed
    whole by its next ingest, as a rule fix must reach every case."""
    data_dir, arc = synthetic
    arc.run_id = "run-1"
    _listing(arc, HOST_A, "27GV0008", A, DAY[0])
    _listing(arc, HOST_B, "54GV0003", B, DAY[0])
    arc.close()
    ingest(data_dir, reader=arc.book)
    tamper = "UPDATE cases SET case_number = 'stale' WHERE case_id = 'b-1'"
    con = connect(data_dir)
    con.execute(tamper)
    con.close()
    arc.run_id = "run-2"
    _card(arc, "a-1", DAY[1], "Вынесен ПРИГОВОР")
    arc.close()
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir)
    number = "SELECT case_number FROM cases WHERE case_id = 'b-1'"
    assert con.execute(number).fetchone() == ("stale",)  # court B: not touched
    assert con.execute("SELECT outcome FROM cases WHERE case_id = 'a-1'").fetchone() == ("verdict",)
    con.execute("UPDATE store_settings SET value = '0' WHERE key = ?", [history.HISTORY_SETTING])
    con.close()
    arc.run_id = "run-3"
    _card(arc, "a-2", DAY[2], None)
    arc.close()
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    assert con.execute(number).fetchone() == ("1-b-1/2024",)
    assert history.up_to_date(con)
    con.close()


# -- the stats fixtures, run by run ---------------------------------------------------------
def test_the_stats_fixtures_built_run_by_run_equal_a_rebuild(tmp_path, monkeypatch):
    data_dir = DataDir(tmp_path / "data").ensure()
    import_courts(data_dir, stats_history.COURTS)
    arc = SyntheticArchive(data_dir.archive)
    passes = FullPasses(monkeypatch, data_dir)
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    for run in (1, 2):
        stats_history.write_run(arc, run)
        ingest(data_dir, reader=arc.book)
        assert_as_rebuilt(data_dir, rebuilt, arc.book)
    assert passes.count == 1
    con = connect(data_dir, read_only=True)
    removed = con.execute("SELECT case_key FROM cases WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("27GV0008/first/6",)]
    con.close()


# -- sandbox harvests -----------------------------------------------------------------------
@pytest.mark.slow
def test_sandbox_harvests_ingested_one_by_one_equal_a_rebuild(tmp_path, monkeypatch):
    """Three monthly harvests of a sandbox court that removes cases, cards re-read every
    time (outcomes change as cases are decided); the second harvest's records come in two
    ingests, cut inside its listings."""
    sandbox = pytest.importorskip("kartoteka.sandbox")
    harvester = pytest.importorskip("kartoteka.harvest.harvester")
    from kartoteka.harvest.planner import PlanOptions
    from kartoteka.harvest.politeness import for_sandbox
    from kartoteka.store.db import connect as open_store
    from kartoteka.store.ingest import ingest_records, name_policy
    from kartoteka.store.warcread import iter_responses_fast

    days = (dt.date(2024, 5, 31), dt.date(2024, 6, 30), dt.date(2024, 7, 31))
    data_dir = DataDir(tmp_path / "data").ensure()
    passes = FullPasses(monkeypatch, data_dir)
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=0.2, now=days[0])
    with sandbox.run_sandbox(config) as sb:
        sb.set_now(days[-1])
        removing = {
            t.court_code
            for t in sb.truth
            if t.removed_from and days[0] < t.removed_from <= days[-1] and t.visible_from <= days[0]
        }
        sb.set_now(days[0])
        courts = [
            c
            for c in sb.courts
            if not c.captcha
            and not c.always_down
            and c.court.level.value == "garrison"
            and c.code in removing
        ][:1]
        assert courts
        import_courts(data_dir, [c.court for c in sb.courts])
        for n, now in enumerate(days):
            sb.set_now(now)
            options = PlanOptions(
                since=dt.date(2022, 1, 1), until=now, card_max_age=0.0, recent_months=36
            )
            harvester.harvest(
                data_dir, [c.court for c in courts], for_sandbox(), options, sandbox_url=sb.url
            )
            if n == 1:  # the first part of this harvest's records in an ingest of its own
                con = open_store(data_dir)
                done = set(con.execute("SELECT warc_file, warc_offset FROM fetch_log").fetchall())
                new = [
                    r
                    for r in iter_responses_fast(data_dir.archive)
                    if (r.warc_file, int(r.offset)) not in done
                ]
                ingest_records(con, new[: len(new) // 2], name_policy(data_dir))
                con.close()
            ingest(data_dir)
            assert_as_rebuilt(data_dir, rebuilt)
    assert passes.count == 1
    con = connect(data_dir, read_only=True)
    assert con.execute("SELECT count(removed_at) FROM cases").fetchone()[0] > 0
    changed = con.execute("""
        SELECT count(DISTINCT case_key) FROM (
            SELECT case_key, count(DISTINCT outcome) AS n FROM case_versions
            WHERE source = 'card' GROUP BY case_key) WHERE n > 1""").fetchone()[0]
    assert changed > 0, "some cards were re-read with another outcome"
    con.close()
