"""Acts read from their own pages (`name_op=doc`, migration 10): archives of sandbox listings
and act pages, rendered straight from the sandbox's sites at two dates, ingested; every act
page's sentences equal the sandbox truth of its act, the texts are masked, the rows carry
their WARC record; the sentence metrics count the page acts (as of the earlier date only
those fetched by then), an act both inline on its card and on its page counts once, and an
act page with no case number is a reported failure, not a lost page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest

from act_archive import sentence_truth, site_urls, write_pages
from kartoteka.harvest.warc import WarcWriter
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_sentences
from kartoteka.sandbox.caseload import ResultKind
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store.ingest import ingest
from kartoteka.store.search import search_acts
from kartoteka.sudrf.urls import Instance

T0 = dt.date(2024, 11, 15)
T1 = dt.date(2025, 3, 1)
SINCE = dt.date(2024, 1, 1)
CONFIG = SandboxConfig(seed=3, faults="none", now=T1, scale=0.05)
SECRET = "ef" * 32
WORD = re.compile(r"[А-ЯЁа-яё]{3,}")


def _site(now: dt.date, inline: bool = False):
    """The sandbox at `now`; `inline`: every court shows its acts on the card (by default
    some only link their act pages, as real courts do)."""
    site = build_site(dataclasses.replace(CONFIG, act_display="inline") if inline else CONFIG)
    site.now = now
    return site


def _codes(site) -> list[str]:
    return [c.code for c in site.network if not c.always_down and not c.captcha]


@pytest.fixture(scope="module")
def pages_archive(tmp_path_factory):
    """Listings and act pages (no cards) at T0, then again at T1."""
    archive = tmp_path_factory.mktemp("act-pages-archive")
    for now in (T0, T1):
        site = _site(now)
        write_pages(archive, site, site_urls(site, _codes(site), SINCE))
    return archive


def _ingest(tmp_path_factory, archive, name: str, workers: int = 1) -> DataDir:
    data_dir = DataDir(tmp_path_factory.mktemp(name) / "data").ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
    summary = ingest(data_dir, archive=archive, workers=workers)
    assert summary.parse_failures == 0, summary.failures
    return data_dir


@pytest.fixture(scope="module")
def con(tmp_path_factory, pages_archive):
    data_dir = _ingest(tmp_path_factory, pages_archive, "act-pages-store")
    con = duckdb.connect(str(data_dir.store), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def cases():
    site = build_site(CONFIG)
    return {
        f"{code}/{case.instance.value}/{case.case_id}": case
        for code in site.caseload.courts
        for case in site.caseload.court(code).cases
    }


def test_every_act_page_sentence_is_the_sandbox_truth_of_its_act(con, cases) -> None:
    pages = con.execute(
        "SELECT case_key, act_number, page_version, published FROM act_pages ORDER BY ALL"
    ).fetchall()
    assert len(pages) >= 100, "too few act pages in the archive to test anything"
    instances = Counter(key.split("/")[1] for key, *_ in pages)
    assert instances["first"] and instances["appeal"], instances
    rows = con.execute("""
        SELECT case_key, act_number, page_version, defendant, punishment, term_months,
               suspended, probation_months, regime, fine_rub, pay_withheld_pct, below_minimum,
               additional, service, articles
        FROM act_page_sentences WHERE outcome = 'convicted'
        ORDER BY case_key, act_number, page_version, defendant_index""").fetchall()
    got: dict[tuple, list[tuple]] = defaultdict(list)
    for key, number, version, *values in rows:
        got[(key, number, version)].append(tuple(values))
    checked = 0
    for key, number, version, _published in pages:
        truth = [sentence_truth(t) for t in act_sentences(cases[key])]
        found = got.get((key, number, version), [])
        if cases[key].instance is not Instance.FIRST:
            # a ruling's new sentence names no articles (the sandbox's truth gives the charges)
            truth, found = [t[:-1] for t in truth], [f[:-1] for f in found]
        assert found == truth, key
        checked += len(truth)
    assert checked >= 100


def test_a_page_fetched_again_unchanged_adds_no_version(con) -> None:
    fetched = con.execute(
        "SELECT count(*), count(DISTINCT url) FROM fetch_log WHERE page_kind = 'act'"
    ).fetchone()
    stored = con.execute(
        "SELECT count(*), count(DISTINCT (case_key, act_number)), max(page_version) FROM act_pages"
    ).fetchone()
    assert fetched[0] > fetched[1], "the archive fetches some act pages twice"
    assert stored == (fetched[1], fetched[1], 1)


def test_act_pages_are_masked_and_carry_their_warc_record(con, cases) -> None:
    stored = " ".join(
        t or ""
        for (t,) in con.execute(
            "SELECT text_masked FROM act_pages UNION ALL SELECT defendant FROM act_page_sentences"
        ).fetchall()
    )
    words = set()
    for (key,) in con.execute("SELECT DISTINCT case_key FROM act_pages").fetchall():
        case = cases[key]
        for person in [d.name for d in case.defendants] + [case.judge]:
            words.update(WORD.findall(person.full))
    assert words
    assert not [w for w in words if re.search(rf"(?<![А-ЯЁа-яё]){w}(?![а-яё])", stored)]
    for table in ("act_pages", "act_page_sentences"):
        missing = con.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN fetch_log l "
            "USING (warc_file, warc_offset) WHERE l.record_id IS NULL "
            "OR l.record_id <> t.record_id OR l.page_kind <> 'act' "
            "OR t.parser_version NOT LIKE '%+acts-%'"
        ).fetchone()
        assert missing == (0,), table


def _truth_figures(now: dt.date) -> dict[str, object]:
    """Sentences by punishment (sentences, cases) and (verdicts, published) of the first-
    instance verdicts the listings at `now` show, from the sandbox alone."""
    site = _site(now)
    n: Counter = Counter()
    in_cases: dict[str, set] = defaultdict(set)
    verdicts = published = 0
    for code in _codes(site):
        for case in site.caseload.court(code).cases:
            listed = SINCE <= case.entry_date <= now and case.visible_at(now)
            if not listed or case.instance is not Instance.FIRST:
                continue
            if not (case.decided_at(now) and case.final_kind is ResultKind.VERDICT):
                continue
            verdicts += 1
            if not case.act_published_at(now):
                continue
            published += 1
            for t in act_sentences(case):
                n[t.punishment] += 1
                in_cases[t.punishment].add((code, case.case_id))
    return {
        "verdicts": (verdicts, published),
        "punishment": {k: (n[k], len(in_cases[k])) for k in n},
    }


def _store_figures(con, flt: Filter) -> dict[str, object]:
    rows = m.sentences_by_punishment(con, flt)
    share = m.suspended_share(con, flt)
    published = round((share.published_share or 0) * share.verdicts)
    return {
        "verdicts": (share.verdicts, published),
        "punishment": {g.key: (g.sentences, g.cases) for g in rows},
    }


def test_the_metrics_count_page_acts_as_of_when_they_were_fetched(con) -> None:
    now = _store_figures(con, Filter(include_removed=False))
    assert now == _truth_figures(T1)
    before = _store_figures(con, Filter(include_removed=False, as_of=T0))
    assert before == _truth_figures(T0)
    assert before != now and sum(n for n, _ in before["punishment"].values()) > 20


@pytest.fixture(scope="module")
def cards_archive(tmp_path_factory):
    """Listings and cards (their acts inline) at T1."""
    archive = tmp_path_factory.mktemp("cards-archive")
    site = _site(T1, inline=True)
    write_pages(archive, site, site_urls(site, _codes(site), SINCE, cards=True, acts=False))
    return archive


def test_an_act_inline_and_on_its_page_counts_once(tmp_path_factory, cards_archive) -> None:
    cards = _ingest(tmp_path_factory, cards_archive, "cards-only")
    site = _site(T1, inline=True)
    write_pages(cards_archive, site, site_urls(site, _codes(site), SINCE, listings=False))
    both = _ingest(tmp_path_factory, cards_archive, "cards-and-pages")
    flt = Filter(include_removed=False)
    figures = []
    for data_dir in (cards, both):
        con = duckdb.connect(str(data_dir.store), read_only=True)
        try:
            figures.append(
                (
                    m.sentences_by_punishment(con, flt),
                    m.suspended_share(con, flt),
                    m.real_terms(con, flt),
                    m.sentences_by_service(con, flt),
                    m.sentences_by_month(con, flt),
                )
            )
            overlap = con.execute(
                "SELECT count(*) FROM act_pages p JOIN act_readings r USING (case_key)"
            ).fetchone()[0]
        finally:
            con.close()
    assert overlap > 50, "the same acts are inline on the cards and on their pages"
    assert figures[0] == figures[1]
    assert _store_figures_equal_truth(both)


def _store_figures_equal_truth(data_dir: DataDir) -> bool:
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        return _store_figures(con, Filter(include_removed=False)) == _truth_figures(T1)
    finally:
        con.close()


def test_an_act_page_without_a_case_number_is_a_reported_failure(tmp_path) -> None:
    site = _site(T1)
    court, url = site_urls(site, _codes(site), SINCE, listings=False)[0]
    split = urlsplit(url)
    response = site.page(court, split.path, split.query, dict(parse_qsl(split.query)))
    bad = re.sub(r"&number=[^&]*", "", url)
    archive = tmp_path / "archive"
    write_pages(archive, site, [(court, url)])
    with WarcWriter(archive) as writer:  # the same page under a URL that names no case
        writer.write_exchange(
            bad, {}, 200, response.headers, response.body, court.code, "act", True, "t"
        )
    data_dir = DataDir(tmp_path / "data").ensure()
    summary = ingest(data_dir, archive=archive, workers=1)
    assert summary.act_pages == 2  # both read, one attached to no case
    assert summary.failures == [(bad, "act page URL carries no case number")]
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM act_pages").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone() == (2,)
        assert con.execute("SELECT url FROM parse_failures").fetchall() == [(bad,)]
    finally:
        con.close()


def test_an_incremental_ingest_gives_the_act_page_rows_of_one_ingest(
    tmp_path_factory, pages_archive, con
) -> None:
    """The T0 files first, the T1 files in a later ingest: the same act-page rows as one
    ingest of the whole archive (the writer's numbering resumes from the store)."""
    import shutil

    from kartoteka.harvest.warc import warc_files
    from kartoteka.store.db import dump_tables

    names = warc_files(pages_archive)
    assert len(names) >= 2
    archive = tmp_path_factory.mktemp("act-pages-incremental")
    data_dir = DataDir(tmp_path_factory.mktemp("act-pages-incremental-store") / "data").ensure()
    data_dir.secret.write_text(SECRET + "\n", encoding="ascii")
    for name in names:
        shutil.copy2(pages_archive / name, archive / name)
        assert ingest(data_dir, archive=archive, workers=1).parse_failures == 0
    tables = ("act_pages", "act_page_sentences")
    again = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        assert dump_tables(again, tables) == dump_tables(con, tables)
    finally:
        again.close()


def test_an_act_reader_that_fails_loses_nothing_else(tmp_path, monkeypatch) -> None:
    """A bug in reading one act page is a reported failure with its URL; the rest of the
    archive is ingested."""
    from kartoteka.store import ingest as ingest_module

    site = _site(T1)
    urls = site_urls(site, _codes(site), SINCE)
    acts = [u for _, u in urls if "name_op=doc" in u]
    assert acts
    archive = tmp_path / "archive"
    write_pages(archive, site, urls)

    def broken(*args, **kwargs):
        raise ValueError("simulated reader bug")

    monkeypatch.setattr(ingest_module, "read_act_page", broken)
    data_dir = DataDir(tmp_path / "data").ensure()
    summary = ingest(data_dir, archive=archive, workers=1)
    assert summary.records == len(urls) and summary.listings > 0
    assert summary.parse_failures == len(acts)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        failed = con.execute("SELECT url, reason FROM parse_failures ORDER BY url").fetchall()
        cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()
    assert failed == sorted((u, "act reader raised ValueError: simulated reader bug") for u in acts)
    assert cases > 0


def test_search_finds_acts_on_their_own_pages_once_each(tmp_path_factory, cards_archive) -> None:
    """The search index holds the acts read from act pages too, one entry per act where a
    card shows the same act inline (the metrics' rule: the reading seen last)."""
    site = _site(T1, inline=True)
    archive = tmp_path_factory.mktemp("pages-for-search")
    write_pages(archive, site, site_urls(site, _codes(site), SINCE, cards=False))
    pages_only = _ingest(tmp_path_factory, archive, "search-pages-only")
    both_archive = tmp_path_factory.mktemp("cards-and-pages-search")
    for source in (cards_archive, archive):
        for warc in sorted(source.glob("*.warc.gz")):
            assert not (both_archive / warc.name).exists(), warc.name
            (both_archive / warc.name).write_bytes(warc.read_bytes())
    both = _ingest(tmp_path_factory, both_archive, "search-both")
    for data_dir in (pages_only, both):
        con = duckdb.connect(str(data_dir.store), read_only=True)
        try:
            published = con.execute(
                "SELECT count(DISTINCT (case_key, act_number)) FROM act_pages "
                "WHERE published AND text_masked ILIKE '%наказани%' "
                "AND case_key IN (SELECT case_key FROM cases)"
            ).fetchone()[0]
            hits = search_acts(con, data_dir.root / "search.sqlite", "наказание", limit=100_000)
        finally:
            con.close()
        assert published > 10
        acts = Counter(h.case_key for h in hits)
        assert len(hits) == published, data_dir  # every published act that says it, once
        assert max(acts.values()) == 1


def test_exports_carry_the_act_pages_and_their_sentences_but_no_text(con, tmp_path) -> None:
    from kartoteka.store.export import export

    result = export(con, tmp_path / "csv", "csv")
    for table in ("act_pages", "act_page_sentences"):
        count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert result.rows[table] == count > 0, table
    header = (tmp_path / "csv" / "act_pages.csv").read_text("utf-8").splitlines()[0]
    assert "text_masked" not in header and "published" in header  # the text: names opt-in
