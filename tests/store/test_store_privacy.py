import datetime as dt
import stat

import duckdb
import pytest
from store_helpers import COURT, HOST, at

from kartoteka.store.db import StoreError, dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.store.privacy import NamePolicy, initials, load_or_create_secret
from kartoteka.store.synthetic import card, defendant, row
from kartoteka.sudrf.models import Act

FULL_NAME = "Задорожный Аркадий Венедиктович"  # invented
SURNAME = "Задорожный"
MAR1, MAR31 = dt.date(2024, 3, 1), dt.date(2024, 3, 31)


def _archive_with_a_name(archive):
    person = defendant(FULL_NAME)
    archive.write_listing(
        HOST, COURT, [row("5", "1-5/2024", MAR1, [person])], MAR1, MAR31, at(5, 4)
    )
    verdict = card(
        "1-5/2024",
        MAR1,
        [person, defendant(None, hidden=True)],
        result="Вынесен ПРИГОВОР",
        result_date=dt.date(2024, 4, 1),
    )
    verdict.acts.append(Act("Приговор", text=f"{FULL_NAME} признать виновным"))
    verdict.fields["Информация"] = f"подсудимый {SURNAME} А.В."
    archive.write_card(HOST, COURT, "5", verdict, at(6, 4))
    archive.close()


def _text_in_store(data_dir) -> str:
    con = duckdb.connect(str(data_dir.store), read_only=True)
    text = repr(dump_tables(con))
    con.close()
    return text


def test_no_full_name_reaches_the_store_file(data_dir, archive):
    _archive_with_a_name(archive)
    ingest(data_dir, reader=archive.book)
    raw = b"".join(p.read_bytes() for p in data_dir.root.glob("kartoteka.duckdb*"))
    for needle in (FULL_NAME, SURNAME, "Аркадий"):
        assert needle.encode("utf-8") not in raw
        assert needle.encode("cp1251") not in raw
        assert needle not in _text_in_store(data_dir)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    people = con.execute(
        "SELECT version, initials, name, name_hidden, name_hash IS NULL "
        "FROM defendants ORDER BY version, position"
    ).fetchall()
    acts = con.execute("SELECT text, text_chars FROM acts").fetchall()
    con.close()
    assert people == [
        (1, "З.А.В.", None, False, False),
        (2, "З.А.В.", None, False, False),
        (2, None, None, True, True),
    ]  # a hidden name stays hidden
    assert acts == [(None, len(f"{FULL_NAME} признать виновным"))]


def test_keep_names_opt_in_stores_them_and_needs_a_rebuild_to_switch(data_dir, archive):
    _archive_with_a_name(archive)
    ingest(data_dir, reader=archive.book, keep_names=True)
    assert FULL_NAME in _text_in_store(data_dir)  # the check above can fail
    with pytest.raises(StoreError, match="rebuild"):
        ingest(data_dir, reader=archive.book, keep_names=False)
    ingest(data_dir, reader=archive.book, keep_names=False, rebuild=True)
    assert FULL_NAME not in _text_in_store(data_dir)


def test_config_file_opts_in(data_dir, archive):
    (data_dir.root / "config.toml").write_text("[store]\nkeep_names = true\n")
    _archive_with_a_name(archive)
    ingest(data_dir, reader=archive.book)
    assert FULL_NAME in _text_in_store(data_dir)


def test_one_person_links_across_cases_by_keyed_hash(data_dir):
    policy = NamePolicy(load_or_create_secret(data_dir))
    assert policy.name_hash("ЗАДОРОЖНЫЙ  Аркадий Венедиктович") == policy.name_hash(FULL_NAME)
    assert policy.name_hash("Задорожний Аркадий Венедиктович") != policy.name_hash(FULL_NAME)
    other = NamePolicy(b"another installation")
    assert other.name_hash(FULL_NAME) != policy.name_hash(FULL_NAME)


def test_secret_is_created_once_and_private(data_dir):
    first = load_or_create_secret(data_dir)
    assert load_or_create_secret(data_dir) == first and len(first) == 32
    assert stat.S_IMODE(data_dir.secret.stat().st_mode) == 0o600


def test_initials_of_full_and_abbreviated_names():
    assert initials(FULL_NAME) == "З.А.В."
    assert initials("Задорожный А.В.") == "З.А.В."
    assert initials("Информация скрыта") == "И.С."  # the parser, not initials, spots hiding
    assert initials("—") is None
