"""Ingest of real court pages (../shared/fixtures) through the real parser: cards and listings
of both templates become cases, failure pages are counted, and no name printed on those pages
reaches the store. The names are read from the pages at test time, never written here."""

import datetime as dt
import re

import duckdb

from kartoteka.harvest.warc import WarcWriter
from kartoteka.store.db import dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.sudrf import read_page
from kartoteka.sudrf.urls import card_url, listing_url

HOST = "ugvs.prm.sudrf.ru"
PAGES = [  # (fixture, URL it is archived under)
    ("leninsky_ufa_criminal.html", card_url(HOST, "classic", "101", None)),
    ("ksoyu_case_card.html", card_url(HOST, "classic", "102", None)),
    ("blag_card.html", card_url(HOST, "vnkod", "103", None)),
    (
        "ksoyu_listing_acts.html",
        listing_url(HOST, "classic", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ),
    ("ksoyu_listing_captcha_gate.html", listing_url(HOST, "classic", None, None, page=2)),
    ("ksoyu_temporarily_unavailable.html", listing_url(HOST, "classic", None, None, page=3)),
]


def _names_on(pages: list[bytes]) -> set[str]:
    names: set[str] = set()
    for data in pages:
        page = read_page(data)
        people = []
        if page.card:
            people += page.card.defendants + page.card.parties
        if page.listing:
            people += [d for r in page.listing.rows for d in r.defendants]
        for person in people:
            if person.name and not person.name_hidden:
                names.add(person.name.strip())
                surname = re.findall(r"\w+", person.name)[:1]
                # a defender's "name" can be his bar ("Адвокат ... коллегии"): a word that is
                # the party's role is no surname (act texts say "адвокат" throughout)
                role = (getattr(person, "role", None) or "").casefold()
                names.update(w for w in surname if len(w) >= 4 and w.casefold() not in role)
    return names


def test_real_pages_ingest_and_leave_no_name_in_the_store(fixtures_dir, tmp_path):
    from kartoteka.paths import DataDir

    data_dir = DataDir(tmp_path).ensure()
    writer = WarcWriter(data_dir.archive)
    bodies = []
    for n, (name, url) in enumerate(PAGES):
        body = (fixtures_dir / name).read_bytes()
        bodies.append(body)
        writer.write_exchange(
            url,
            {},
            200,
            [("Content-Type", "text/html")],
            body,
            "27GV0008",
            None,
            False,
            "run-real",
            dt.datetime(2025, 1, 1, 12, n, tzinfo=dt.UTC),
        )
    writer.close()
    summary = ingest(data_dir)
    assert (summary.cards, summary.listings, summary.other_pages) == (3, 1, 2)
    assert summary.parse_failures == 0, summary.failures
    listing = read_page(bodies[3]).listing
    assert summary.cases == 3 + len(listing.rows)

    names = _names_on(bodies)
    assert names, "the fixtures print names: the check below must have something to find"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("kartoteka.duckdb*"))
    con = duckdb.connect(str(data_dir.store), read_only=True)
    text = repr(dump_tables(con))
    acts = con.execute("SELECT count(*), count(text_sha256) FROM acts").fetchone()
    readings = con.execute("SELECT count(*) FROM act_readings").fetchone()
    con.close()
    leaked = [n for n in names if n in text or n.encode() in raw]
    assert not leaked, f"{len(leaked)} name(s) reached the store"  # never print them
    assert acts[0] >= 2 and acts[1] >= 2  # act texts: kept as size + hash only
    assert readings[0] >= 2  # ... and read, masked, into act_readings (no name: see above)
