"""An archive of sandbox pages without a harvest: what the harvester would have archived had
it fetched, at the sandbox's clock, every court's monthly listings and every listed card.

For the ingest benchmark and the tests that compare stores (same archive in, same store out
at any worker count): a harvest through the polite client would take hours for tens of
thousands of pages; rendering them straight from `Site.page` takes seconds and gives the
same bytes the server would send. The records carry the sandbox's clock header, as the
server's answers do, so ingest dates them on the sandbox's calendar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from kartoteka.harvest.warc import DEFAULT_MAX_FILE_BYTES, WarcWriter
from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sandbox.server import build_site
from kartoteka.sandbox.site import Site
from kartoteka.simulated import CLOCK_HEADER
from kartoteka.sudrf.urls import card_url, listing_url


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months from `start`'s month to `end`'s, as (first day, last day)."""
    out = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((first, following - dt.timedelta(days=1)))
        first = following
    return out


def _fetch(site: Site, writer: WarcWriter, court, url: str, when: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    split = urlsplit(url)
    params = dict(parse_qsl(split.query, encoding="cp1251"))
    response = site.page(court, split.path, split.query, params)
    headers = [*response.headers, (CLOCK_HEADER, site.now.isoformat())]
    writer.write_exchange(
        url,
        {"User-Agent": "kartoteka sandbox archive"},
        response.status,
        headers,
        response.body,
        court.code,
        response.kind,
        True,
        "sandbox-archive",
        fetched_at=when,
    )
    return 1


def write_sandbox_archive(
    archive_dir: Path,
    config: SandboxConfig,
    *,
    since: dt.date,
    max_records: int | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> int:
    """Archive, court by court, the monthly listings from `since` to the sandbox's clock
    (every page of each) and the card of every case they list; stop after `max_records`.
    Returns the number of records written; files rotate at `max_file_bytes` as the
    harvester's do. Deterministic for a given config, except the
    WARC record ids and file names (which ingest stores as they are)."""
    site = build_site(config)
    when = dt.datetime.combine(site.now, dt.time(12), tzinfo=dt.UTC)
    written = 0
    with WarcWriter(archive_dir, max_file_bytes=max_file_bytes) as writer:
        for court in site.network:
            if court.always_down:
                continue
            cases = site.caseload.court(court.code).cases
            visible = [c for c in cases if c.entry_date <= site.now and c.visible_at(site.now)]
            for first, last in _months(since, site.now):
                month = [c for c in visible if first <= c.entry_date <= last]
                pages = max(1, -(-len(month) // 25))
                for page in range(1, pages + 1):
                    url = listing_url(court.host, court.dialect, first, last, page=page)
                    written += _fetch(site, writer, court, url, when)
                    if max_records is not None and written >= max_records:
                        return written
                for case in month:
                    url = card_url(
                        court.host, court.dialect, case.case_id, case.guid, instance=case.instance
                    )
                    written += _fetch(site, writer, court, url, when)
                    if max_records is not None and written >= max_records:
                        return written
    return written
