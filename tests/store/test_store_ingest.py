import datetime as dt

import duckdb
import pytest
from store_helpers import COURT, HOST, at

from kartoteka.store.db import dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import card, defendant, row
from kartoteka.sudrf.models import Event, Page, PageKind

MAR1, MAR31 = dt.date(2024, 3, 1), dt.date(2024, 3, 31)


def _rows(n: int, start: int = 1) -> list:
    return [
        row(
            str(1000 + i),
            f"1-{i}/2024",
            dt.date(2024, 3, 1 + i % 28),
            [defendant(f"Петров{i} Пётр Петрович", "ст.337 ч.5; ст.338 ч.3 УК РФ")],
        )
        for i in range(start, start + n)
    ]


def _read(data_dir, sql, *params):
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _ingest(data_dir, archive, **kw):
    archive.close()
    return ingest(data_dir, reader=archive.book, **kw)


def test_listing_rows_become_cases_with_their_evidence(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(30), MAR1, MAR31, at(5, 4))
    summary = _ingest(data_dir, archive)
    assert (summary.records, summary.listings, summary.cases) == (2, 2, 30)
    assert summary.parse_failures == 0
    cases = _read(
        data_dir,
        "SELECT case_key, entry_date, outcome, principal_charge, "
        "n_defendants, simulated FROM cases ORDER BY case_key",
    )
    assert cases[0] == (f"{COURT}/first/1001", dt.date(2024, 3, 2), "pending", "338.3", 1, True)
    charges = _read(
        data_dir,
        "SELECT charge_key, mobilisation, count(*) FROM case_charges GROUP BY ALL ORDER BY 1",
    )
    assert charges == [("337.5", True, 30), ("338.3", True, 30)]
    # every observation points at a WARC record in the fetch log
    orphans = _read(
        data_dir,
        "SELECT count(*) FROM observations o ANTI JOIN fetch_log f USING (warc_file, warc_offset)",
    )
    assert orphans == [(0,)]
    files = _read(data_dir, "SELECT DISTINCT warc_file FROM fetch_log")
    assert all(f[0].startswith("kartoteka-") and f[0].endswith(".warc.gz") for f in files)


def test_ingest_twice_adds_nothing(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))
    _ingest(data_dir, archive)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    before = dump_tables(con)
    con.close()
    again = _ingest(data_dir, archive)
    assert (again.records, again.already_ingested, again.new_versions) == (0, 1, 0)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    assert dump_tables(con) == before
    con.close()


def test_incremental_ingest_equals_rebuild_from_the_archive(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(5), MAR1, MAR31, at(5, 4))
    archive.write_card(
        HOST,
        COURT,
        "1001",
        card("1-1/2024", dt.date(2024, 3, 2), [defendant("Петров1 Пётр Петрович")]),
        at(6, 4),
    )
    _ingest(data_dir, archive)
    archive.run_id = "run-2"
    archive.write_listing(HOST, COURT, _rows(4), MAR1, MAR31, at(5, 5))  # 1005 removed
    archive.write_card(
        HOST,
        COURT,
        "1001",
        card(
            "1-1/2024",
            dt.date(2024, 3, 2),
            [defendant("Петров1 Пётр Петрович")],
            result="Вынесен ПРИГОВОР",
            result_date=dt.date(2024, 4, 20),
        ),
        at(6, 5),
    )
    _ingest(data_dir, archive)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    incremental = dump_tables(con)
    con.close()
    summary = ingest(data_dir, reader=archive.book, rebuild=True)
    assert summary.records == 4 and summary.removed == 1
    con = duckdb.connect(str(data_dir.store), read_only=True)
    rebuilt = dump_tables(con)
    con.close()
    assert rebuilt == incremental
    assert sum(len(rows) for rows in rebuilt.values()) > 30


def test_card_versions_are_kept_only_when_content_changes(data_dir, archive):
    pending = card("1-7/2024", dt.date(2024, 3, 3), [defendant("Сидоров Иван Ильич")])
    decided = card(
        "1-7/2024",
        dt.date(2024, 3, 3),
        [defendant("Сидоров Иван Ильич")],
        result="Вынесен ПРИГОВОР",
        result_date=dt.date(2024, 5, 2),
    )
    archive.write_card(HOST, COURT, "77", pending, at(4, 4))
    archive.write_card(HOST, COURT, "77", pending, at(20, 4))
    archive.write_card(HOST, COURT, "77", decided, at(10, 5))
    summary = _ingest(data_dir, archive)
    assert summary.new_versions == 2
    versions = _read(
        data_dir,
        "SELECT version, outcome, first_seen_at, last_seen_at FROM case_versions ORDER BY version",
    )
    assert versions == [
        (1, "pending", dt.datetime(2024, 4, 4, 12), dt.datetime(2024, 4, 20, 12)),
        (2, "verdict", dt.datetime(2024, 5, 10, 12), dt.datetime(2024, 5, 10, 12)),
    ]
    assert _read(data_dir, "SELECT outcome, result_date FROM cases") == [
        ("verdict", dt.date(2024, 5, 2))
    ]


def test_suspension_is_read_from_the_card_events(data_dir, archive):
    events = [
        Event(
            "Судебное заседание", dt.date(2024, 4, 1), result="Производство по делу приостановлено"
        )
    ]
    archive.write_listing(HOST, COURT, _rows(1), MAR1, MAR31, at(5, 4))
    archive.write_card(
        HOST,
        COURT,
        "1001",
        card("1-1/2024", dt.date(2024, 3, 2), [defendant("Петров1 Пётр Петрович")], events=events),
        at(6, 4),
    )
    archive.write_listing(HOST, COURT, _rows(1), MAR1, MAR31, at(7, 4))  # still pending
    _ingest(data_dir, archive)
    assert _read(data_dir, "SELECT outcome FROM cases") == [("suspended",)]


def test_unreadable_pages_are_recorded_and_the_ingest_goes_on(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(2), MAR1, MAR31, at(5, 4))
    archive.write(
        f"http://{HOST}/modules.php?name=sud_delo&name_op=case&case_id=9",
        Page(PageKind.UNRECOGNIZED, reason="maintenance page"),
        COURT,
        at(6, 4),
    )
    archive.write(
        f"http://{HOST}/modules.php?name=sud_delo&name_op=case&case_id=8",
        Page(PageKind.CAPTCHA),
        COURT,
        at(6, 4, hour=14),
    )
    summary = _ingest(data_dir, archive)
    assert (summary.parse_failures, summary.other_pages, summary.cases) == (1, 1, 2)
    assert summary.failures == [
        (f"http://{HOST}/modules.php?name=sud_delo&name_op=case&case_id=9", "maintenance page")
    ]
    assert _read(data_dir, "SELECT reason FROM parse_failures") == [("maintenance page",)]


def test_search_forms_robots_and_act_pages_are_evidence_not_parse_failures(data_dir, archive):
    for url in (
        f"http://{HOST}/modules.php?name=sud_delo&srv_num=1&name_op=sf&delo_id=1540006",
        f"http://{HOST}/robots.txt",
        f"http://{HOST}/modules.php?name=sud_delo&name_op=doc&number=5&delo_id=1540006",
    ):
        archive.write(url, Page(PageKind.UNRECOGNIZED, reason="no listing"), COURT, at(5, 4))
    summary = _ingest(data_dir, archive)
    assert (summary.parse_failures, summary.other_pages) == (0, 3)
    assert _read(data_dir, "SELECT count(*) FROM fetch_log") == [(3,)]


def test_a_case_missing_from_a_later_complete_listing_is_marked_removed(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))
    archive.run_id = "run-2"
    archive.write_listing(HOST, COURT, _rows(2), MAR1, MAR31, at(5, 5))
    summary = _ingest(data_dir, archive)
    assert summary.removed == 1
    removed = _read(
        data_dir,
        "SELECT case_key, last_seen_at, removed_at FROM cases WHERE removed_at IS NOT NULL",
    )
    assert removed == [
        (
            f"{COURT}/first/1003",
            dt.datetime(2024, 4, 5, 12, 0, 1),
            dt.datetime(2024, 5, 5, 12, 0, 1),
        )
    ]


@pytest.mark.parametrize("total", [3, 0])
def test_an_incomplete_or_empty_listing_proves_no_removal(data_dir, archive, total):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))
    archive.run_id = "run-2"
    # counter says 3 but only 2 rows arrived (or the counter says 0): not a complete listing
    archive.write_listing(HOST, COURT, _rows(2), MAR1, MAR31, at(5, 5), total=total)
    assert _ingest(data_dir, archive).removed == 0


def test_a_removed_case_that_reappears_is_not_removed(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))
    archive.run_id = "run-2"
    archive.write_listing(HOST, COURT, _rows(2), MAR1, MAR31, at(5, 5))
    archive.run_id = "run-3"
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 6))
    assert _ingest(data_dir, archive).removed == 0


def test_closed_warc_files_read_to_the_end_are_not_read_again(data_dir, archive):
    for run in range(1, 4):
        archive.run_id = f"run-{run}"
        archive.write_listing(HOST, COURT, _rows(3 * run), MAR1, MAR31, at(5, 3 + run))
        summary = _ingest(data_dir, archive)
    # the third ingest skipped run 1's file; run 2's file was still the newest last time
    assert (summary.records, summary.already_ingested) == (1, 1)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    incremental = dump_tables(con)
    con.close()
    assert len(incremental["ingested_files"]) == 2
    rebuilt = ingest(data_dir, reader=archive.book, rebuild=True)
    assert rebuilt.records == 3
    con = duckdb.connect(str(data_dir.store), read_only=True)
    assert dump_tables(con) == incremental
    con.close()


def test_a_later_wider_listing_proves_removal_and_a_narrower_one_does_not(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))  # March, by month
    archive.run_id = "run-2"
    # an incremental run lists the whole recent period as one window, without case 1003
    archive.write_listing(
        HOST, COURT, _rows(2), dt.date(2024, 1, 1), dt.date(2024, 6, 30), at(5, 6)
    )
    archive.run_id = "run-3"
    # a window that does not cover case 1002's receipt date (2024-03-03) proves nothing
    archive.write_listing(HOST, COURT, _rows(1), MAR1, dt.date(2024, 3, 2), at(5, 7))
    summary = _ingest(data_dir, archive)
    assert summary.removed == 1
    assert _read(
        data_dir, "SELECT case_key, removed_at FROM cases WHERE removed_at IS NOT NULL"
    ) == [(f"{COURT}/first/1003", dt.datetime(2024, 6, 5, 12, 0, 1))]
