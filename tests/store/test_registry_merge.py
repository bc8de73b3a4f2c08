"""Registry updates are merges (issue 9, item 7): a newer court list renames, moves hosts,
changes dialect hints, adds courts and marks vanished ones inactive, without losing history.

The old list is the real `military_courts.csv` (a November 2023 snapshot); the newer list is
generated from it in the test, so every expected change is known exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.paths import DataDir
from kartoteka.registry.courts import (
    CSV_COLUMNS,
    ChangeKind,
    Court,
    CourtLevel,
    RegistryError,
    merge_registry,
    read_courts,
    select_courts,
)
from kartoteka.store.courts import load_courts, registry_changes, update_registry
from kartoteka.sudrf.urls import Dialect

COLUMNS = list(CSV_COLUMNS)


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, COLUMNS)
        out.writeheader()
        out.writerows(rows)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [{k: row.get(k, "") for k in COLUMNS} for row in csv.DictReader(fh)]


def _newer(old: list[dict[str, str]]) -> tuple[list[dict[str, str]], dict[str, object]]:
    """A newer list: one court renamed, one moved, one dialect flipped, one gone, one new."""
    rows = [dict(r) for r in old]
    garrisons = [r for r in rows if r["level"] == "garrison"]
    renamed, moved, flipped, gone = garrisons[0], garrisons[1], garrisons[2], garrisons[3]
    expect: dict[str, object] = {
        "renamed": (renamed["code"], renamed["name"], renamed["name"] + " (новое имя)"),
        "moved": (moved["code"], moved["host"], "new-" + moved["host"]),
        "flipped": (
            flipped["code"],
            flipped["search_dialect"] or None,
            "vnkod" if flipped["search_dialect"] == "classic" else "classic",
        ),
        "gone": gone["code"],
        "added": "99GV0099",
    }
    renamed["name"] += " (новое имя)"
    moved["host"] = "new-" + moved["host"]
    flipped["search_dialect"] = str(expect["flipped"][2])  # type: ignore[index]
    rows.remove(gone)
    rows.append(
        {
            "code": "99GV0099",
            "name": "Новый гарнизонный военный суд",
            "level": "garrison",
            "host": "ngvs.test.sudrf.ru",
            "region_code": "99",
            "region": "Тестовая область",
            "search_dialect": "",
            "captcha_seen": "",
        }
    )
    return rows, expect


@pytest.fixture
def two_lists(tmp_path, courts_csv):
    old_rows = _rows(courts_csv)
    new_rows, expect = _newer(old_rows)
    return (
        _write(tmp_path / "old.csv", old_rows),
        _write(tmp_path / "new.csv", new_rows),
        expect,
    )


def _case_row(con: duckdb.DuckDBPyConnection, court_code: str) -> None:
    con.execute(
        "INSERT INTO cases (case_key, court_code, instance, case_id, outcome, n_defendants, "
        "info_version, charges_version, first_seen_at, last_seen_at, simulated) VALUES "
        "(?, ?, 'first', '1', 'pending', 1, 1, 1, TIMESTAMP '2024-01-01', "
        "TIMESTAMP '2024-01-01', false)",
        [f"{court_code}/first/1", court_code],
    )


def test_a_newer_list_is_merged_and_every_change_reported(tmp_path, two_lists):
    old_csv, new_csv, expect = two_lists
    data = DataDir(tmp_path / "data")
    first = update_registry(data, read_courts(old_csv), source=old_csv)
    assert len(first.courts) == 111
    assert first.counts()[ChangeKind.ADDED] == 111
    con = duckdb.connect(str(data.store))
    _case_row(con, str(expect["gone"]))  # history of the court that will vanish
    con.close()

    merge = update_registry(data, read_courts(new_csv), source=new_csv)
    got = {(c.kind, c.code): (c.old, c.new) for c in merge.changes}
    code, old_name, new_name = expect["renamed"]  # type: ignore[misc]
    assert got.pop((ChangeKind.RENAMED, code)) == (old_name, new_name)
    code, old_host, new_host = expect["moved"]  # type: ignore[misc]
    assert got.pop((ChangeKind.MOVED_HOST, code)) == (old_host, new_host)
    code, old_dialect, new_dialect = expect["flipped"]  # type: ignore[misc]
    assert got.pop((ChangeKind.DIALECT_HINT, code)) == (old_dialect, new_dialect)
    assert got.pop((ChangeKind.INACTIVE, expect["gone"]))[0]
    assert got.pop((ChangeKind.ADDED, "99GV0099")) == (None, "Новый гарнизонный военный суд")
    assert got == {}  # nothing else changed

    courts = {c.code: c for c in load_courts(data)}
    assert len(courts) == 112  # the vanished court is kept
    assert courts[str(expect["gone"])].active is False
    moved = courts[expect["moved"][0]]  # type: ignore[index]
    assert moved.host == new_host and moved.previous_hosts == (old_host,)
    assert courts[code].dialect is Dialect(new_dialect)
    con = duckdb.connect(str(data.store), read_only=True)
    assert con.execute("SELECT count(*) FROM cases").fetchone() == (1,)  # history untouched
    con.close()
    log = registry_changes(data, [str(expect["gone"])])
    assert [c.kind for c in log] == [ChangeKind.ADDED, ChangeKind.INACTIVE]
    assert log[1].source == str(new_csv)


def test_importing_the_same_list_again_changes_nothing(tmp_path, two_lists):
    old_csv, _, _ = two_lists
    data = DataDir(tmp_path / "data")
    update_registry(data, read_courts(old_csv))
    before = load_courts(data)
    assert update_registry(data, read_courts(old_csv)).changes == []
    assert load_courts(data) == before


def test_inactive_courts_are_not_harvested_unless_named(tmp_path, two_lists):
    old_csv, new_csv, expect = two_lists
    data = DataDir(tmp_path / "data")
    update_registry(data, read_courts(old_csv))
    update_registry(data, read_courts(new_csv))
    courts = load_courts(data)
    gone = str(expect["gone"])
    assert gone not in {c.code for c in select_courts(courts)}
    assert gone not in {c.code for c in select_courts(courts, level="garrison")}
    assert [c.code for c in select_courts(courts, codes=[gone])] == [gone]
    assert gone not in {c.code for c in load_courts(data, active_only=True)}


def test_a_court_that_returns_is_active_again_and_a_move_back_keeps_both_hosts(tmp_path):
    court = Court("27GV0008", "Суд", CourtLevel.GARRISON, "a.sudrf.ru")
    gone = merge_registry([court], [])
    assert gone.courts[0].active is False
    back = merge_registry(gone.courts, [court])
    assert [c.kind for c in back.changes] == [ChangeKind.REACTIVATED]
    assert back.courts[0].active
    moved = merge_registry([court], [Court(court.code, court.name, court.level, "b.sudrf.ru")])
    again = merge_registry(moved.courts, [court])
    assert again.courts[0].host == "a.sudrf.ru"
    assert again.courts[0].previous_hosts == ("b.sudrf.ru",)


def test_a_list_silent_on_dialect_keeps_the_known_hint():
    known = Court(
        "27GV0008", "Суд", CourtLevel.GARRISON, "a.sudrf.ru", "25", "Край", Dialect.VNKOD, True
    )
    silent = Court("27GV0008", "Суд", CourtLevel.GARRISON, "a.sudrf.ru")  # directory JSON
    merge = merge_registry([known], [silent])
    assert merge.changes == []
    assert merge.courts == [known]


def test_a_partial_list_deactivates_nothing():
    a = Court("27GV0008", "A", CourtLevel.GARRISON, "a.sudrf.ru")
    b = Court("27GV0009", "B", CourtLevel.GARRISON, "b.sudrf.ru")
    merge = merge_registry([a, b], [a], deactivate_missing=False)
    assert merge.changes == [] and all(c.active for c in merge.courts)


def test_a_list_naming_a_court_twice_is_refused():
    a = Court("27GV0008", "A", CourtLevel.GARRISON, "a.sudrf.ru")
    with pytest.raises(RegistryError, match="27GV0008"):
        merge_registry([], [a, a])


def test_a_v5_store_gains_the_new_columns_with_its_courts_active(tmp_path):
    from kartoteka.store.db import connect_path, migrate
    from kartoteka.store.schema import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR)")
    for migration in MIGRATIONS[:5]:
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [migration.version, "x"])
    con.execute(
        "INSERT INTO courts VALUES ('27GV0008', 'Суд', 'garrison', 'a.sudrf.ru', NULL, NULL, "
        "NULL, NULL, NULL, 0)"
    )
    assert migrate(con) == len(MIGRATIONS) - 5
    con.close()
    con = connect_path(path)
    assert con.execute("SELECT active, previous_hosts FROM courts").fetchall() == [(True, [])]
    con.close()


def test_cli_import_prints_what_changed(tmp_path, two_lists):
    old_csv, new_csv, expect = two_lists
    runner = CliRunner()
    data = str(tmp_path / "data")
    first = runner.invoke(app, ["courts", "import", str(old_csv), "--data-dir", data])
    assert first.exit_code == 0, first.output
    assert "111 added" in first.output
    second = runner.invoke(app, ["courts", "import", str(new_csv), "--data-dir", data])
    assert second.exit_code == 0, second.output
    out = second.output
    assert "1 added" in out and "1 renamed" in out and "1 moved host" in out
    assert "1 dialect hint changed" in out and "1 gone inactive" in out
    assert f"{expect['gone']}: gone inactive" in out
    assert f"{expect['moved'][0]}: moved host: {expect['moved'][1]} → {expect['moved'][2]}" in out  # type: ignore[index]
    listing = runner.invoke(app, ["courts", "--data-dir", data, "--json"])
    assert listing.exit_code == 0, listing.output
    import json

    rows = {r["code"]: r for r in json.loads(listing.output)["courts"]}
    assert rows[str(expect["gone"])]["active"] is False
    moved = rows[expect["moved"][0]]  # type: ignore[index]
    assert moved["previous_hosts"] == [expect["moved"][1]]  # type: ignore[index]
    assert [c["change"] for c in moved["changes"]] == ["added", "moved host"]
    assert dt.datetime.fromisoformat(moved["changes"][1]["at"])
