"""Archives of sandbox act pages (`name_op=doc`) for the store's tests, without a harvest.

The pages are rendered straight from the sandbox's `Site.page`, the bytes its server would
send, and written with the harvester's WARC writer (page kind `act`, the sandbox's clock
header, as the harvester archives them), so ingest reads them as it reads a harvest. The act
page URL is the sandbox's link (`html_classic.doc_href`): `name_op=doc&number=CASE_ID&
delo_id=D&new=N&text_number=1`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from kartoteka.harvest.warc import WarcWriter
from kartoteka.sandbox.html_classic import doc_href
from kartoteka.sandbox.site import Site
from kartoteka.simulated import CLOCK_HEADER
from kartoteka.sudrf.urls import card_url, listing_url


def _months(start: dt.date, end: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        yield first, following - dt.timedelta(days=1)
        first = following


def site_urls(
    site: Site,
    codes: Iterable[str],
    since: dt.date,
    *,
    listings: bool = True,
    cards: bool = False,
    acts: bool = True,
) -> list[tuple[object, str]]:
    """(court, URL) of what a harvest at the site's clock would fetch at the courts `codes`:
    the monthly listings of every instance from `since`, the cards they list, and the act
    page of every listed case whose act is published by then."""
    wanted = set(codes)
    out: list[tuple[object, str]] = []
    for court in site.network:
        if court.code not in wanted:
            continue
        cases = [
            c
            for c in site.caseload.court(court.code).cases
            if since <= c.entry_date <= site.now and c.visible_at(site.now)
        ]
        for instance in sorted({c.instance for c in cases}, key=lambda i: i.value):
            of_instance = [c for c in cases if c.instance is instance]
            for first, last in _months(since, site.now):
                month = [c for c in of_instance if first <= c.entry_date <= last]
                if listings:
                    for page in range(1, max(1, -(-len(month) // 25)) + 1):
                        url = listing_url(
                            court.host, court.dialect, first, last, page=page, instance=instance
                        )
                        out.append((court, url))
                for case in month:
                    if cards:
                        url = card_url(
                            court.host,
                            court.dialect,
                            case.case_id,
                            case.guid,
                            instance=case.instance,
                        )
                        out.append((court, url))
                    if acts and case.act_published_at(site.now):
                        out.append((court, f"http://{court.host}{doc_href(case)}"))
    return out


def write_pages(archive_dir: Path, site: Site, urls: Iterable[tuple[object, str]]) -> int:
    """Archive each URL as the site answers it at its clock (noon UTC of that day)."""
    when = dt.datetime.combine(site.now, dt.time(12), tzinfo=dt.UTC)
    written = 0
    with WarcWriter(archive_dir) as writer:
        for court, url in urls:
            split = urlsplit(url)
            params = dict(parse_qsl(split.query, encoding="cp1251"))
            response = site.page(court, split.path, split.query, params)  # type: ignore[arg-type]
            kind = "act" if response.kind == "doc" else response.kind
            headers = [*response.headers, (CLOCK_HEADER, site.now.isoformat())]
            writer.write_exchange(
                url,
                {"User-Agent": "kartoteka test archive"},
                response.status,
                headers,
                response.body,
                court.code,  # type: ignore[attr-defined]
                kind,
                True,
                "test-act-pages",
                fetched_at=when,
            )
            written += 1
    return written


def sentence_truth(t) -> tuple:
    """A sandbox sentence as the columns the store tests read from `sentences` and
    `act_page_sentences` (defendant ... service, then the articles as article.part keys)."""
    return (
        t.defendant,
        t.punishment,
        t.term_months,
        t.suspended,
        t.probation_months,
        t.regime,
        t.fine_rub,
        t.pay_withheld_pct,
        t.below_minimum,
        list(t.additional),
        t.service,
        list(dict.fromkeys(f"{a}.{p}" if p else a for a, p, _ in t.articles)),
    )


def busiest_garrison_courts(sb) -> list:
    """The busiest garrison court of each template ("classic", then "new") of a running
    sandbox that a harvest can read whole (no captcha, never down): most first-instance
    cases in the truth, then the lowest code. The sentence tests harvest these, so that both
    templates' cards and acts are read."""
    load: dict[str, int] = {}
    for case in sb.truth:
        if case.instance == "first":
            load[case.court_code] = load.get(case.court_code, 0) + 1
    usable = [
        c
        for c in sb.courts
        if not c.captcha and not c.always_down and c.court.level.value == "garrison"
    ]
    picked = []
    for template in ("classic", "new"):
        ranked = sorted(
            (c for c in usable if c.template.value == template),
            key=lambda c: (-load.get(c.code, 0), c.code),
        )
        picked.append(ranked[0].court)
    return picked


def truth_verdicts(sb, codes: set[str], since: dt.date, article: str | None = None) -> dict:
    """The first-instance verdicts of the courts `codes` in a sandbox's truth, received since
    `since` and visible in the index, by (court, case id): what the sentence tests count the
    published share over (of the cases charged under `article`, multi-label, when given)."""
    return {
        (t.court_code, t.case_id): t
        for t in sb.truth
        if t.court_code in codes
        and t.instance == "first"
        and t.visible
        and t.entry_date >= since
        and t.result_kind == "verdict"
        and (article is None or article in {c.split(".")[0] for c in t.charges.split(";")})
    }


SMALL_STORE_CONFIG = {"seed": 3, "now": dt.date(2025, 3, 1), "scale": 0.05}


def small_sentence_store(tmp: Path, max_records: int = 900):
    """A store ingested from a small sandbox archive (monthly listings and the cards they
    list, with their inline acts, from March 2024; no harvest): enough sentences of each
    service status for the tests of the sentence figures, the CLI and the API."""
    from kartoteka.paths import DataDir
    from kartoteka.sandbox import SandboxConfig
    from kartoteka.sandbox.archive import write_sandbox_archive
    from kartoteka.store.ingest import ingest

    config = SandboxConfig(faults="none", **SMALL_STORE_CONFIG)  # type: ignore[arg-type]
    archive = tmp / "archive"
    archive.mkdir()
    write_sandbox_archive(archive, config, since=dt.date(2024, 3, 1), max_records=max_records)
    data_dir = DataDir(tmp / "data").ensure()
    ingest(data_dir, archive=archive, workers=1)
    return data_dir
