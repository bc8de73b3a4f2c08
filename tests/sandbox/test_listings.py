"""Listing counters and paging agree with the ground truth for random queries; the article
filter works with windows-1251 query encoding and, as on the real sites, a UTF-8-encoded query
finds nothing."""

from __future__ import annotations

import datetime as dt
import random
from urllib.parse import quote

import httpx
from tests.sandbox.conftest import NOW, UA, fetch

from kartoteka.sandbox import SandboxConfig, TruthCase, run_sandbox, truth_cases
from kartoteka.sandbox.site import Site
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind
from kartoteka.sudrf.urls import PAGE_SIZE, Instance, listing_url

ARTICLES = ["", "337", "ст.337", "ст.338", "ст.332", "ст.352", "ч.5", "ст.228"]


def _truth_matches(row: TruthCase, article: str) -> bool:
    """Truth-side reading of the site's substring filter on "ст.337 ч.5 УК РФ"-style text."""
    if not article:
        return True
    pairs = []
    for key in row.charges.split(";"):
        art = key_article(key)
        pairs.append((art, key[len(art) + 1 :]))
    if article.startswith("ст."):
        return any(a.startswith(article[3:]) for a, _ in pairs)
    if article.startswith("ч."):
        return any(p.startswith(article[2:]) for _, p in pairs)
    return any(article in a for a, _ in pairs)


def key_article(key: str) -> str:
    """ "337.5" → "337", "352.1" → "352.1", "332.2.1" → "332", "228.1.4" → "228.1"."""
    for article in ("352.1", "228.1", "264.1", "205.2", "205.5", "173.1"):
        if key == article or key.startswith(article + "."):
            return article
    return key.split(".", 1)[0]


def _all_pages(site: Site, court, start, end, article, instance=Instance.FIRST):
    """Every page of a query: (total per page, rows)."""
    totals, rows, page_no = [], [], 1
    while True:
        url = listing_url(
            court.host,
            court.dialect,
            start,
            end,
            article=article or None,
            page=page_no,
            instance=instance,
        )
        page = read_page(fetch(site, url).body, url)
        if page.kind is PageKind.EMPTY:
            break
        assert page.kind is PageKind.LISTING, page.reason
        totals.append(page.listing.total)
        rows.extend(page.listing.rows)
        assert len(page.listing.rows) <= PAGE_SIZE
        if len(page.listing.rows) < PAGE_SIZE:
            break
        page_no += 1
    return totals, rows


def test_random_queries_agree_with_truth(quiet_site: Site) -> None:
    truth = [t for t in truth_cases(quiet_site.caseload, NOW)]
    rng = random.Random(2024)
    garrisons = [
        c
        for c in quiet_site.network
        if c.level.value == "garrison" and len(quiet_site.caseload.court(c.code).cases) > 300
    ]
    superiors = [c for c in quiet_site.network if c.level.value in ("district", "fleet")]
    checked_nonempty = 0
    for _ in range(40):
        instance = rng.choice([Instance.FIRST, Instance.FIRST, Instance.APPEAL])
        court = rng.choice(garrisons if instance is Instance.FIRST else superiors)
        start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1500))
        end = start + dt.timedelta(days=rng.choice([6, 30, 91, 365]))
        article = rng.choice(ARTICLES)
        expected = {
            t.case_id
            for t in truth
            if t.court_code == court.code
            and t.instance == instance.value
            and t.visible
            and start <= t.entry_date <= end
            and _truth_matches(t, article)
        }
        totals, rows = _all_pages(quiet_site, court, start, end, article, instance)
        assert all(total == len(expected) for total in totals), (court.code, start, article)
        assert [r.case_id for r in rows] == list(dict.fromkeys(r.case_id for r in rows))
        assert {r.case_id for r in rows} == expected
        dates = [r.entry_date for r in rows]
        assert dates == sorted(dates, reverse=True)  # newest first, as the sites list them
        checked_nonempty += bool(expected)
    assert checked_nonempty >= 15


def test_paging_splits_by_25(quiet_site: Site) -> None:
    court = max(
        (c for c in quiet_site.network if c.level.value == "garrison"),
        key=lambda c: len(quiet_site.caseload.court(c.code).cases),
    )
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    totals, rows = _all_pages(quiet_site, court, start, end, "")
    total = totals[0]
    assert total > 2 * PAGE_SIZE
    assert len(totals) == -(-total // PAGE_SIZE) and len(rows) == total
    last = listing_url(court.host, court.dialect, start, end, page=len(totals))
    listing = read_page(fetch(quiet_site, last).body, last).listing
    assert (listing.first, listing.last) in (
        (None, None),
        ((len(totals) - 1) * PAGE_SIZE + 1, total),
    )


def test_removed_and_lagging_cases_are_not_listed(quiet_site: Site) -> None:
    truth = truth_cases(quiet_site.caseload, NOW)
    hidden = [t for t in truth if not t.visible and t.instance == "first"]
    assert any(t.removed_from for t in hidden) and any(t.visible_from > NOW for t in hidden)
    for t in hidden[:20]:
        court = quiet_site.caseload.courts[t.court_code]
        url = listing_url(court.host, court.dialect, t.entry_date, t.entry_date)
        page = read_page(fetch(quiet_site, url).body, url)
        ids = {r.case_id for r in page.listing.rows} if page.listing else set()
        assert t.case_id not in ids


def test_windows_1251_query_matches_and_utf8_finds_nothing() -> None:
    config = SandboxConfig(seed=7, faults="none", now=NOW)
    with run_sandbox(config) as sb:
        court = max(
            (c for c in sb.courts if c.level.value == "garrison" and c.template.value == "classic"),
            key=lambda c: len(sb.site.caseload.court(c.code).cases),
        )
        start, end = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
        good = listing_url(court.host, court.dialect, start, end, article="ст.337")
        assert "%F1%F2.337" in good  # "ст" in windows-1251
        utf8 = good.replace("%F1%F2.337", quote("ст.337".encode()))
        with httpx.Client(headers={"User-Agent": UA}) as client:
            ok = read_page(client.get(sb.court_url(good)).content)
            bad = read_page(client.get(sb.court_url(utf8)).content)
        assert ok.kind is PageKind.LISTING and ok.listing.total > 0
        assert bad.kind is PageKind.EMPTY


def test_the_other_dialect_finds_nothing(quiet_site: Site) -> None:
    """A court understands only its own dialect: asked in the other one it answers with an
    empty result, which is why the harvester must know or detect the dialect."""
    from kartoteka.sudrf.urls import Dialect

    for court in quiet_site.network:
        if court.level.value != "garrison":
            continue
        other = Dialect.VNKOD if court.dialect is Dialect.CLASSIC else Dialect.CLASSIC
        start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        own = read_page(fetch(quiet_site, listing_url(court.host, court.dialect, start, end)).body)
        wrong = read_page(fetch(quiet_site, listing_url(court.host, other, start, end)).body)
        if own.kind is PageKind.LISTING:
            assert wrong.kind is PageKind.EMPTY
