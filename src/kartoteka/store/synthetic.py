"""Synthetic pages and archives for tests, demos and benchmarks of the store.

`PageBook` stands in for the parser: each synthetic page is archived as a short token body
(`synthetic-page:N`) and read back as the `Page` it was registered with, so the ingest logic
can be exercised exactly, page by page, without HTML. Archives are written with the harvest
stage's `WarcWriter`, in the real format; every record is marked simulated. Names used are
invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kartoteka.registry.charges import parse_charges
from kartoteka.sudrf.models import (
    Card,
    Defendant,
    Event,
    Listing,
    ListingRow,
    Page,
    PageKind,
    Template,
)
from kartoteka.sudrf.urls import Instance, card_url, listing_url

_TOKEN = b"synthetic-page:"


@dataclass
class PageBook:
    """A reader for synthetic archives: token body → registered Page."""

    pages: dict[bytes, Page] = field(default_factory=dict)
    parser_version: str = "synthetic"

    def body_for(self, page: Page) -> bytes:
        body = _TOKEN + str(len(self.pages)).encode()
        self.pages[body] = page
        return body

    def __call__(self, data: bytes, url: str | None = None) -> Page:
        page = self.pages.get(data)
        if page is None:
            return Page(PageKind.UNRECOGNIZED, reason="not a registered synthetic page", url=url)
        return page


def defendant(
    name: str | None,
    charges: str = "ст.337 ч.5 УК РФ",
    *,
    hidden: bool = False,
    result: str | None = None,
) -> Defendant:
    return Defendant(
        name=None if hidden else name,
        name_hidden=hidden,
        charges=parse_charges(charges) if charges else [],
        charges_raw=charges,
        result=result,
    )


def card(
    case_number: str,
    entry_date: dt.date,
    defendants: list[Defendant],
    *,
    uid: str | None = None,
    result: str | None = None,
    result_date: dt.date | None = None,
    events: list[Event] | None = None,
) -> Card:
    return Card(
        case_number=case_number,
        case_number_raw=case_number,
        uid=uid,
        entry_date=entry_date,
        result=result,
        result_date=result_date,
        defendants=defendants,
        events=events or [],
        judge="Судья С.С.",
    )


def row(
    case_id: str,
    case_number: str,
    entry_date: dt.date,
    defendants: list[Defendant] | None = None,
    *,
    result: str | None = None,
    result_date: dt.date | None = None,
    uid: str | None = None,
    delo_id: str = "1540006",
) -> ListingRow:
    names = "; ".join(d.name for d in defendants or [] if d.name)
    return ListingRow(
        case_number=case_number,
        case_number_raw=case_number,
        case_id=case_id,
        case_uid=uid,
        delo_id=delo_id,
        entry_date=entry_date,
        info=f"Обвиняемые: {names}" if names else None,
        result=result,
        result_date=result_date,
        defendants=defendants or [],
    )


def listing_pages(
    rows: list[ListingRow], total: int | None = None, page_size: int = 25
) -> list[Page]:
    """Rows split into pages of a listing whose counter says `total` (default: len(rows))."""
    total = len(rows) if total is None else total
    chunks = [rows[i : i + page_size] for i in range(0, len(rows), page_size)] or [[]]
    return [
        Page(
            PageKind.LISTING,
            Template.CLASSIC,
            listing=Listing(
                total=total, first=i * page_size + 1, last=i * page_size + len(chunk), rows=chunk
            ),
        )
        for i, chunk in enumerate(chunks)
    ]


@dataclass
class SyntheticArchive:
    """Writes synthetic exchanges into a WARC archive and remembers their pages."""

    archive_dir: Path
    book: PageBook = field(default_factory=PageBook)
    run_id: str = "run-1"
    _writer: Any = None

    def write(
        self, url: str, page: Page, court_code: str, fetched_at: dt.datetime, status: int = 200
    ) -> tuple[str, int]:
        """Archive one exchange (the writer stays open until `close`, like a harvest run)."""
        if self._writer is None:
            from kartoteka.harvest.warc import WarcWriter

            self._writer = WarcWriter(self.archive_dir)
        result: tuple[str, int] = self._writer.write_exchange(
            url,
            {"User-Agent": "kartoteka-tests"},
            status,
            [("Content-Type", "text/html; charset=windows-1251")],
            self.book.body_for(page),
            court_code,
            page.kind.value,
            True,
            self.run_id,
            fetched_at,
        )
        return result

    def close(self) -> None:
        """End the run: the next write starts a new WARC file, as a new harvest would."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def write_listing(
        self,
        host: str,
        court_code: str,
        rows: list[ListingRow],
        entry_from: dt.date,
        entry_to: dt.date,
        fetched_at: dt.datetime,
        *,
        article: str = "337",
        total: int | None = None,
        instance: Instance = Instance.FIRST,
    ) -> None:
        for number, page in enumerate(listing_pages(rows, total), start=1):
            url = listing_url(
                host,
                "classic",
                entry_from,
                entry_to,
                article=article,
                page=number,
                instance=instance,
            )
            self.write(url, page, court_code, fetched_at + dt.timedelta(seconds=number))

    def write_card(
        self,
        host: str,
        court_code: str,
        case_id: str,
        card_record: Card,
        fetched_at: dt.datetime,
        instance: Instance = Instance.FIRST,
    ) -> None:
        url = card_url(host, "classic", case_id, card_record.uid, instance=instance)
        self.write(
            url, Page(PageKind.CARD, Template.CLASSIC, card=card_record), court_code, fetched_at
        )
