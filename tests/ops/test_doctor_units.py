"""Small rules of the doctor, pinned: which archived pages are problems, which pages belong
to a window, and the captcha scopes a court is in."""

import datetime as dt

from kartoteka.ops.doctor import ArchivedPage, _scopes, _unexpected, window_pages
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.sudrf.urls import listing_url, search_form_url

HOST = "ugvs.prm.sudrf.ru"
LISTING = listing_url(HOST, "classic", dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def _page(url: str, kind: str = "unrecognized", status: int = 200) -> ArchivedPage:
    return ArchivedPage(url, "kartoteka-20240101000000-00001.warc.gz", 0, kind, status, "")


def test_only_unknown_answers_of_the_site_are_problems():
    assert _unexpected(_page(LISTING))  # a 200 page no parser knows
    assert _unexpected(_page(LISTING, status=404))
    assert not _unexpected(_page(LISTING, status=301))  # a redirect hop
    assert not _unexpected(_page(LISTING, status=503))  # retried by the gateway
    assert not _unexpected(_page(LISTING, status=403))  # a block: the court's status says it
    assert not _unexpected(_page(search_form_url(HOST)))  # a dialect probe, as asked
    assert not _unexpected(_page(LISTING, kind="listing"))


def test_a_windows_pages_in_either_dialect():
    vnkod = listing_url(HOST, "vnkod", dt.date(2024, 3, 1), dt.date(2024, 3, 31), page=2)
    april = listing_url(HOST, "classic", dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    pages = [_page(LISTING, "listing"), _page(vnkod, "listing"), _page(april, "listing")]
    got = window_pages(pages, "first", dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert [p.url for p in got] == [LISTING, vnkod]
    assert window_pages(pages, "appeal", dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == []


def test_captcha_scopes_as_the_harvester_keys_them():
    court = Court("27GV0008", "Суд", CourtLevel.GARRISON, HOST, region_code="25")
    assert _scopes(court) == {"court:27GV0008", "region:25"}
    bare = Court("27GV0008", "Суд", CourtLevel.GARRISON, HOST)
    assert _scopes(bare) == {"court:27GV0008", "region:27"}
