"""Every court of the real registry (with all its per-court variations: dialect, template,
column order, date-first event tables, event rows left unclosed, hidden listing articles)
serves a listing and a card that the project's parser reads back in agreement with the
ground truth."""

from __future__ import annotations

import datetime as dt

from tests.sandbox.conftest import fetch

from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.events import events_at
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind, Template
from kartoteka.sudrf.urls import Instance, card_url, listing_url

NOW = dt.date(2025, 3, 1)


def test_every_registry_court_reads_back(courts_csv) -> None:
    site = build_site(SandboxConfig(seed=9, faults="none", now=NOW, courts_path=courts_csv))
    seen: list[tuple] = []
    start, end = dt.date(2024, 10, 1), dt.date(2024, 12, 31)
    for court in site.network:
        cases = site.caseload.court(court.code)
        for instance in (Instance.FIRST, Instance.APPEAL):
            expected = [c for c in cases.in_entry_range(instance, start, end) if c.visible_at(NOW)]
            url = listing_url(court.host, court.dialect, start, end, instance=instance)
            page = read_page(fetch(site, url).body, url)
            if not expected:
                assert page.kind is PageKind.EMPTY, (court.code, instance)
                continue
            assert (page.kind, page.template) == (PageKind.LISTING, court.template), court.code
            assert page.listing.total == len(expected)
            row = page.listing.rows[0]
            case = cases.by_id[row.case_id]
            if not court.hides_listing_articles:
                assert {c.key for d in row.defendants for c in d.charges} == {
                    c.key for c in case.charges
                }
            card_url_ = card_url(
                court.host, court.dialect, row.case_id, row.case_uid, instance=instance
            )
            card_page = read_page(fetch(site, card_url_).body, card_url_)
            assert card_page.kind is PageKind.CARD, court.code
            card = card_page.card
            assert (card.uid, card.case_number, card.entry_date) == (
                case.uid,
                case.number,
                case.entry_date,
            )
            shown = events_at(case, NOW)
            assert [(e.name, e.date, e.result or "") for e in card.events] == [
                (e.name, e.date, e.result) for e in shown
            ], court.code
            assert {c.key for d in card.defendants for c in d.charges} == {
                c.key for c in case.charges
            }
            seen.append(
                (
                    court.template,
                    court.listing_columns,
                    court.events_date_first,
                    court.hides_listing_articles,
                    instance,
                    court.unclosed_rows,
                )
            )
    assert {s[1] for s in seen if s[0] is Template.NEW} == {"standard", "judge-first"}
    assert any(s[2] for s in seen)  # a date-first event table was read
    assert any(s[3] for s in seen)  # a court hiding listing articles was read
    assert any(s[4] is Instance.APPEAL for s in seen)
    assert any(s[5] for s in seen)  # event rows without </tr> were read
