"""Judicial acts in the store (`kartoteka.store.sentences`, migration 8): after ingesting an
archive of sandbox pages, every sentence row equals the sandbox's truth of that act, every
act text is stored masked (no name of the sandbox's people left), the original only with
`--keep-names`, and every row carries its WARC record and parser version."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from act_archive import sentence_truth
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_sentences
from kartoteka.sandbox.archive import write_sandbox_archive
from kartoteka.store.ingest import ingest

CONFIG = SandboxConfig(seed=3, faults="none", now=dt.date(2025, 3, 1), scale=0.05)
SECRET = "cd" * 32
WORD = re.compile(r"[А-ЯЁа-яё]{3,}")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    archive = tmp_path_factory.mktemp("sentences-archive")
    write_sandbox_archive(archive, CONFIG, since=dt.date(2024, 3, 1), max_records=700)
    return archive


def _data_dir(tmp_path_factory, archive, keep_names: bool) -> DataDir:
    data_dir = DataDir(tmp_path_factory.mktemp("sentences-store") / "data").ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
    ingest(data_dir, archive=archive, keep_names=keep_names, workers=1)
    return data_dir


def _store(tmp_path_factory, archive, keep_names: bool) -> duckdb.DuckDBPyConnection:
    data_dir = _data_dir(tmp_path_factory, archive, keep_names)
    return duckdb.connect(str(data_dir.store), read_only=True)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, archive) -> DataDir:
    return _data_dir(tmp_path_factory, archive, keep_names=False)


@pytest.fixture(scope="module")
def con(data_dir):
    con = duckdb.connect(str(data_dir.store), read_only=True)
    yield con
    con.close()


def _sandbox_name_words(con, cases) -> set[str]:
    keys = [k for (k,) in con.execute("SELECT DISTINCT case_key FROM act_readings").fetchall()]
    words = set()
    for key in keys:
        case = cases[key]
        for person in [d.name for d in case.defendants] + [case.judge]:
            words.update(WORD.findall(person.full))
    return words


def _left(words: set[str], stored: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<![А-ЯЁа-яё]){w}(?![а-яё])", stored)]


@pytest.fixture(scope="module")
def cases():
    site = build_site(CONFIG)
    return {
        f"{code}/{case.instance.value}/{case.case_id}": case
        for code in site.caseload.courts
        for case in site.caseload.court(code).cases
    }


def test_every_stored_sentence_is_the_sandbox_truth_of_its_act(con, cases) -> None:
    rows = con.execute("""
        SELECT case_key, version, defendant, punishment, term_months, suspended,
               probation_months, regime, fine_rub, pay_withheld_pct, below_minimum,
               additional, service, articles
        FROM sentences WHERE outcome = 'convicted'
        ORDER BY case_key, version, act_position, defendant_index""").fetchall()
    acts = con.execute(
        "SELECT case_key, version, count(*) FILTER (WHERE published) FROM act_readings GROUP BY ALL"
    ).fetchall()
    assert len(acts) >= 10, "too few acts in the archive to test anything"
    got: dict[tuple[str, int], list[tuple]] = {}
    for key, version, *values in rows:
        got.setdefault((key, version), []).append(tuple(values))
    checked = 0
    for key, version, published in acts:
        truth = [
            sentence_truth(t)
            for t in act_sentences(cases[key])
            if published  # a stub or an attachment only: no sentence read
        ]
        assert got.get((key, version), []) == truth, key
        checked += len(truth)
    assert checked >= 5


def test_a_terminated_case_is_recorded_with_no_punishment(con) -> None:
    rows = con.execute(
        "SELECT DISTINCT punishment, term_months FROM sentences WHERE outcome = 'terminated'"
    ).fetchall()
    assert rows == [("none", None)]


def test_rows_carry_their_warc_record_and_parser_version(con) -> None:
    for table in ("act_readings", "sentences"):
        missing = con.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN fetch_log l "
            "USING (warc_file, warc_offset) WHERE l.record_id IS NULL "
            "OR l.record_id <> t.record_id OR t.parser_version NOT LIKE '%+acts-%'"
        ).fetchone()
        assert missing == (0,), table


def test_no_name_of_the_sandbox_reaches_the_act_tables(con, cases) -> None:
    stored = " ".join(
        t or ""
        for (t,) in con.execute(
            "SELECT text_masked FROM act_readings UNION ALL SELECT defendant FROM sentences"
        ).fetchall()
    )
    words = _sandbox_name_words(con, cases)
    assert words
    assert not _left(words, stored)


def test_keep_names_stores_the_original_text(tmp_path_factory, archive, cases) -> None:
    kept = _store(tmp_path_factory, archive, keep_names=True)
    try:
        key, text = kept.execute(
            "SELECT case_key, text_masked FROM act_readings ORDER BY case_key LIMIT 1"
        ).fetchone()
    finally:
        kept.close()
    assert cases[key].judge.surname in text


# -- full-text search over the masked texts (kartoteka.store.search) -------------------------
def _cases_containing(con, fragment: str) -> set[str]:
    return {
        k
        for (k,) in con.execute(
            "SELECT DISTINCT case_key FROM act_readings WHERE published AND text_masked ILIKE ?",
            [f"%{fragment}%"],
        ).fetchall()
    }


def test_search_finds_every_inflection_of_a_word(con, tmp_path) -> None:
    from kartoteka.store.search import search_acts

    index = tmp_path / "search.sqlite"
    expected = _cases_containing(con, "по мобилизации")
    assert expected, "the sandbox acts state service by mobilisation"
    # another case of the noun than the texts use
    hits = search_acts(con, index, "мобилизацией", limit=10_000)
    assert {h.case_key for h in hits} == expected
    assert all("мобилизац" in h.snippet for h in hits)
    assert all(h.warc_file and h.warc_offset >= 0 for h in hits)


def test_search_phrase_keeps_word_order(con, tmp_path) -> None:
    from kartoteka.store.search import search_acts

    index = tmp_path / "search.sqlite"
    forward = search_acts(con, index, '"лишением свободы"', limit=10_000)
    assert {h.case_key for h in forward} == _cases_containing(con, "лишения свободы") | (
        _cases_containing(con, "лишением свободы")
    )
    assert search_acts(con, index, '"свободы лишения"', limit=10_000) == []


def test_search_index_holds_no_sandbox_name(con, cases, tmp_path) -> None:
    import sqlite3

    from kartoteka.store.search import build_index

    index = tmp_path / "search.sqlite"
    assert build_index(con, index) > 0
    db = sqlite3.connect(index)
    stored = " ".join(t for (t,) in db.execute("SELECT text || ' ' || lemmas FROM acts"))
    db.close()
    assert not _left({w.lower() for w in _sandbox_name_words(con, cases)}, stored.lower())


def test_search_command_prints_hits_linked_to_cases(data_dir) -> None:
    import json

    from typer.testing import CliRunner

    from kartoteka.cli import app

    args = ["search", "по контракту", "--format", "json", "--limit", "3"]
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir.root)])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and all(h["case_key"].count("/") == 2 for h in hits)
    empty = CliRunner().invoke(app, ["search", "…", "--data-dir", str(data_dir.root)])
    assert empty.exit_code == 2


def test_search_api_answers_as_the_command(data_dir, con, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from kartoteka.store.search import search_acts
    from kartoteka.web.app import create_app

    expected = search_acts(con, tmp_path / "search.sqlite", "по контракту", limit=5)
    with TestClient(create_app(data_dir, mode="direct")) as client:
        got = client.get("/api/v1/search", params={"q": "по контракту", "limit": 5})
        bad = client.get("/api/v1/search", params={"q": "…"})
    assert got.status_code == 200
    assert [h["case_key"] for h in got.json()] == [h.case_key for h in expected] and expected
    assert bad.status_code == 422


def test_search_page_lists_the_same_acts_linked_to_their_cases(data_dir, con, cases, tmp_path):
    import html as html_lib
    import re

    from fastapi.testclient import TestClient

    from kartoteka.store.search import search_acts
    from kartoteka.web.app import create_app

    expected = search_acts(con, tmp_path / "search.sqlite", "мобилизацией", limit=50)
    assert expected
    with TestClient(create_app(data_dir, mode="direct")) as client:
        page = client.get("/search", params={"q": "мобилизацией", "lang": "en"})
        bad = client.get("/search", params={"q": "…"})
        blank = client.get("/search")
    assert page.status_code == 200
    links = re.findall(r'class="case-link" href="/case/([^"?]+)', page.text)
    assert links == [h.case_key for h in expected]
    assert f"Acts found: {len(expected)}" in page.text
    for key in links[:3]:  # each result opens its case page
        with TestClient(create_app(data_dir, mode="direct")) as client:
            assert client.get(f"/case/{key}").status_code == 200
    shown = html_lib.unescape(page.text).lower()
    assert not _left({w.lower() for w in _sandbox_name_words(con, cases)}, shown)
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    assert blank.status_code == 200 and 'id="table-search"' not in blank.text


def test_exports_carry_the_sentences_and_no_act_text(con, cases, tmp_path) -> None:
    from kartoteka.store.export import export

    result = export(con, tmp_path / "csv", "csv")
    count = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
    assert result.rows["sentences"] == count > 0
    header = (tmp_path / "csv" / "act_readings.csv").read_text("utf-8").splitlines()[0]
    assert "text_masked" not in header and "published" in header
    # (judges are named in other tables on purpose: public officials, as the courts print them)
    exported = " ".join(
        (tmp_path / "csv" / f"{t}.csv").read_text("utf-8") for t in ("act_readings", "sentences")
    )
    assert not _left(_sandbox_name_words(con, cases), exported)


def test_dashboard_shows_the_sentences_with_their_published_share(data_dir, con) -> None:
    from fastapi.testclient import TestClient

    from kartoteka.stats import metrics as m
    from kartoteka.web.app import create_app

    rows = m.sentences_by_punishment(con, m.Filter())
    assert rows
    share = f"{rows[0].published_share:.0%}"
    with TestClient(create_app(data_dir, mode="direct")) as client:
        ru = client.get("/").text
        en = client.get("/", params={"lang": "en"}).text
    assert 'id="table-sentences"' in ru
    assert f"тексты опубликованы у {share} из {rows[0].verdicts}" in ru
    assert f"texts published for {share} of {rows[0].verdicts} verdicts" in en
    assert "лишение свободы условно" in ru or "штраф" in ru
