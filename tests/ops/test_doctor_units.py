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


def test_suspect_empty_windows_need_a_person_cooldowns_and_the_cap_are_reported(tmp_path):
    import time

    from kartoteka.harvest.state import HarvestState, Window, WindowStatus
    from kartoteka.ops.doctor import Level, diagnose
    from kartoteka.paths import DataDir
    from kartoteka.store.courts import update_registry

    data = DataDir(tmp_path / "data")
    court = Court("27GV0008", "Суд", CourtLevel.GARRISON, HOST, region_code="25")
    update_registry(data, [court])
    state = HarvestState(data.state)
    run_id, _ = state.open_run({"x": 1})
    state.set_court_status(court.code, run_id, "incomplete", "1 window suspect-empty")
    w = Window(court.code, "first", dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    state.save_window(
        w,
        expected=0,
        collected=0,
        complete=False,
        pages=1,
        run_id=run_id,
        problem="no data; control queries in both dialects found no rows",
        status=WindowStatus.SUSPECT_EMPTY,
    )
    now = time.time()
    state.set_cooldown(HOST, now + 600)
    day = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
    for _ in range(3):
        state.count_request(HOST, day)
    state.close()

    report = diagnose(data, now=now, daily_cap=3)
    kinds = {f.kind: f for f in report.findings}
    assert kinds["suspect_empty"].level is Level.PERSON
    assert "kartoteka probe 27GV0008" in kinds["suspect_empty"].message
    assert kinds["cooldown"].level is Level.INFO
    assert kinds["daily_cap"].level is Level.WARNING
    health = report.courts[0]
    assert health.windows_suspect_empty == 1 and health.requests_today == 3
    assert health.cooldown_until is not None and report.needs_person
