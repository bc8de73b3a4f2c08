from dataclasses import replace

import duckdb

from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel, read_courts
from kartoteka.store.courts import import_courts, load_courts
from kartoteka.store.db import connect, schema_version
from kartoteka.store.schema import LATEST_VERSION, MIGRATIONS
from kartoteka.sudrf.urls import Dialect

COURTS = [
    Court(
        "27OV0000",
        "1-й Восточный окружной военный суд",
        CourtLevel.DISTRICT,
        "1vovs.hbr.sudrf.ru",
        "27",
        "Хабаровский край",
        Dialect.CLASSIC,
        False,
    ),
    Court(
        "27GV0008",
        "Уссурийский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "ugvs.prm.sudrf.ru",
        "25",
        "Приморский край",
        None,
        None,
    ),
    Court(
        "54KV0000",
        "Кассационный военный суд",
        CourtLevel.CASSATION,
        "vkas.sudrf.ru",
        "54",
        "Новосибирская область",
        Dialect.CLASSIC,
        True,
    ),
]


def test_import_then_load_round_trips_every_field(tmp_path):
    data_dir = DataDir(tmp_path / "data")
    assert import_courts(data_dir, COURTS) == 3
    assert load_courts(data_dir) == COURTS
    assert data_dir.store.exists()


def test_load_from_a_data_dir_without_a_store_is_empty(tmp_path):
    assert load_courts(DataDir(tmp_path)) == []
    assert not DataDir(tmp_path).store.exists()


def test_reimport_updates_courts_and_keeps_the_rest(tmp_path):
    data_dir = DataDir(tmp_path)
    import_courts(data_dir, COURTS)
    renamed = replace(COURTS[1], dialect=Dialect.VNKOD, name="Renamed")
    assert import_courts(data_dir, [renamed]) == 1
    loaded = load_courts(data_dir)
    assert loaded == [COURTS[0], renamed, COURTS[2]]  # order of first import kept


def test_garrison_courts_know_their_district(tmp_path):
    data_dir = DataDir(tmp_path)
    import_courts(data_dir, COURTS)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    districts = dict(con.execute("SELECT code, district FROM courts").fetchall())
    con.close()
    assert districts == {"27OV0000": "27OV0000", "27GV0008": "27OV0000", "54KV0000": None}


def test_migrations_are_recorded_and_applied_once(tmp_path):
    con = connect(DataDir(tmp_path))
    assert schema_version(con) == LATEST_VERSION
    con.close()
    con = connect(DataDir(tmp_path))  # reopening applies nothing twice
    recorded = [
        v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
    ]
    assert recorded == [m.version for m in MIGRATIONS]
    con.close()
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions)), "migrations are numbered in order, once each"


def test_the_real_registry_imports_whole(tmp_path, courts_csv):
    courts = read_courts(courts_csv)
    data_dir = DataDir(tmp_path)
    assert import_courts(data_dir, courts) == 111
    assert load_courts(data_dir) == courts


def test_a_store_from_an_older_release_is_migrated_in_place(tmp_path):
    from kartoteka.store.db import migrate
    from kartoteka.store.schema import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR)")
    for migration in MIGRATIONS[:2]:  # a v2 store with one case charged under 337.5
        con.execute(migration.sql)
        con.execute(
            "INSERT INTO schema_version VALUES (?, ?)", [migration.version, migration.description]
        )
    con.execute(
        "INSERT INTO charges VALUES ('C/first/1', 1, 0, 0, 'УК РФ', '337', '5', NULL, "
        "'337.5', 'ст.337 ч.5', true)"
    )
    con.execute(
        "INSERT INTO cases VALUES ('C/first/1', 'C', 'first', '1', NULL, NULL, NULL, "
        "NULL, NULL, 'pending', '337', '337.5', 1, 1, 1, TIMESTAMP '2024-01-01', "
        "TIMESTAMP '2024-01-01', NULL, false)"
    )
    assert migrate(con) == len(MIGRATIONS) - 2
    assert con.execute("SELECT articles, charge_keys FROM cases").fetchall() == [
        (["337"], ["337.5"])
    ]
    con.close()


def test_reading_an_older_store_migrates_it_first(tmp_path):
    from kartoteka.store.db import connect_path
    from kartoteka.store.schema import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR)")
    con.execute(MIGRATIONS[0].sql)
    con.execute("INSERT INTO schema_version VALUES (1, 'courts')")
    con.close()
    reader = connect_path(path, read_only=True)
    assert schema_version(reader) == LATEST_VERSION
    reader.close()
