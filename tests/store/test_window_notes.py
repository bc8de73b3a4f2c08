"""The footnote of courts whose numbers rest on listings not proven complete (issue 9): read
from the archive's projection in the store, as of any date."""

import datetime as dt

import duckdb
from store_helpers import COURT, HOST, at

from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import defendant, row
from kartoteka.store.windows import window_notes
from kartoteka.sudrf.models import Page, PageKind
from kartoteka.sudrf.urls import listing_url

MAR1, MAR31 = dt.date(2024, 3, 1), dt.date(2024, 3, 31)
APR1, APR30 = dt.date(2024, 4, 1), dt.date(2024, 4, 30)
OTHER, OTHER_HOST = "27GV0009", "other.sudrf.ru"


def _rows(n: int, start: int = 1) -> list:
    return [
        row(str(1000 + i), f"1-{i}/2024", dt.date(2024, 3, 1 + i % 28), [defendant("А Б В")])
        for i in range(start, start + n)
    ]


def _notes(data_dir, archive, as_of=None):
    archive.close()
    ingest(data_dir, reader=archive.book)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return window_notes(con, as_of)
    finally:
        con.close()


def _empty(archive, host, code, lo, hi, when):
    url = listing_url(host, "classic", lo, hi, article="337")
    archive.write(url, Page(PageKind.EMPTY), code, when)


def test_complete_windows_need_no_note(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(30), MAR1, MAR31, at(5, 4))
    assert _notes(data_dir, archive) == {}


def test_rows_short_of_the_counter_make_an_incomplete_window(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(30), MAR1, MAR31, at(5, 4), total=31)
    notes = _notes(data_dir, archive)
    assert notes[COURT].incomplete == 1 and notes[COURT].suspect_empty == 0
    assert notes[COURT].text() == "1 window incomplete as of 2024-04-05"


def test_no_data_is_proven_only_by_rows_in_the_same_run_and_dialect(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(3), MAR1, MAR31, at(5, 4))
    _empty(archive, HOST, COURT, APR1, APR30, at(5, 4, hour=13))  # proven by March's rows
    _empty(archive, OTHER_HOST, OTHER, APR1, APR30, at(5, 4, hour=13))  # nothing proves it
    notes = _notes(data_dir, archive)
    assert COURT not in notes
    assert notes[OTHER].suspect_empty == 1 and notes[OTHER].incomplete == 0
    assert notes[OTHER].text() == "1 suspect-empty as of 2024-04-05"


def test_a_captcha_on_a_listing_leaves_the_window_incomplete(data_dir, archive):
    url = listing_url(HOST, "classic", MAR1, MAR31, article="337")
    archive.write(url, Page(PageKind.CAPTCHA), COURT, at(5, 4))
    assert _notes(data_dir, archive)[COURT].incomplete == 1


def test_a_later_complete_listing_clears_the_note_and_as_of_shows_it_before(data_dir, archive):
    archive.write_listing(HOST, COURT, _rows(30), MAR1, MAR31, at(5, 4), total=31)
    archive.close()
    archive.run_id = "run-2"
    # the next run lists the whole recent period as one window, complete
    archive.write_listing(HOST, COURT, _rows(31), MAR1, APR30, at(6, 4), total=31)
    assert _notes(data_dir, archive) == {}
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        before = window_notes(con, dt.date(2024, 4, 5))
    finally:
        con.close()
    assert before[COURT].incomplete == 1


def _store_with_an_incomplete_window(data_dir, archive):
    from kartoteka.registry.courts import Court, CourtLevel
    from kartoteka.store.courts import import_courts

    import_courts(
        data_dir,
        [
            Court(COURT, "Уссурийский гарнизонный военный суд", CourtLevel.GARRISON, HOST, "25"),
            Court(OTHER, "Другой гарнизонный военный суд", CourtLevel.GARRISON, OTHER_HOST),
        ],
    )
    archive.write_listing(HOST, COURT, _rows(30), MAR1, MAR31, at(5, 4), total=31)
    archive.write_listing(OTHER_HOST, OTHER, _rows(3), MAR1, MAR31, at(5, 4))
    archive.close()
    ingest(data_dir, reader=archive.book)


NOTE = "1 window incomplete as of 2024-04-05"


def test_the_footnote_goes_with_stats_exports_and_the_dashboard(data_dir, archive, tmp_path):
    import json

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from kartoteka.cli import app
    from kartoteka.web import create_app

    _store_with_an_incomplete_window(data_dir, archive)
    runner = CliRunner()
    table = runner.invoke(app, ["stats", "--by", "court", "--data-dir", str(data_dir.root)])
    assert table.exit_code == 0, table.output
    assert f"{COURT} Уссурийский гарнизонный военный суд: {NOTE}" in table.output
    assert OTHER not in table.output.split("Note:")[1]  # its windows are complete
    one = runner.invoke(app, ["stats", "--court", OTHER, "--data-dir", str(data_dir.root)])
    assert "Note:" not in one.output  # the note names only the courts in the figures
    region = runner.invoke(app, ["stats", "--region", "25", "--data-dir", str(data_dir.root)])
    assert region.exit_code == 0, region.output
    assert NOTE in region.output  # the court is in region 25
    elsewhere = runner.invoke(app, ["stats", "--region", "99", "--data-dir", str(data_dir.root)])
    assert "Note:" not in elsewhere.output

    out = tmp_path / "export"
    done = runner.invoke(
        app,
        ["export", "--format", "datapackage", "--out", str(out), "--data-dir", str(data_dir.root)],
    )
    assert done.exit_code == 0, done.output
    meta = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["kartoteka:window_notes"] == [f"{COURT}: {NOTE}"]
    assert "Incomplete data" in meta["description"]

    with TestClient(create_app(data_dir, mode="direct")) as client:
        court = client.get(f"/courts/{COURT}?lang=en").text
        assert "incomplete windows: 1, suspect-empty: 0 (as of 2024-04-05)" in court
        assert "window-notes" not in client.get(f"/courts/{OTHER}?lang=en").text
        overview = client.get("/?lang=ru").text
        assert 'id="window-notes"' in overview and "неполных окон — 1" in overview


def test_the_offline_report_carries_the_footnote(data_dir, archive):
    import duckdb as db

    from kartoteka.report.html import build_report_html

    _store_with_an_incomplete_window(data_dir, archive)
    con = db.connect(str(data_dir.store), read_only=True)
    try:
        html, _ = build_report_html(con, lang="en")
    finally:
        con.close()
    assert 'id="window-notes"' in html
    assert "incomplete windows: 1, suspect-empty: 0 (as of 2024-04-05)" in html
