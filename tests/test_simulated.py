import datetime as dt

from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.simulated import CLOCK_HEADER, SIMULATED_HEADER, header, seen_at

FETCHED = dt.datetime(2026, 11, 25, 15, 4, 5, tzinfo=dt.UTC)


def test_a_simulated_page_counts_as_seen_on_the_sandbox_calendar():
    moved = seen_at(FETCHED, {CLOCK_HEADER.lower(): "2024-06-30"})
    assert moved == dt.datetime(2024, 6, 30, 15, 4, 5, tzinfo=dt.UTC)


def test_without_a_readable_clock_the_fetch_time_stands():
    assert seen_at(FETCHED, None) == FETCHED
    assert seen_at(FETCHED, {"Content-Type": "text/html"}) == FETCHED
    assert seen_at(FETCHED, {CLOCK_HEADER: "30.06.2024"}) == FETCHED


def test_every_sandbox_page_carries_the_mark_and_the_clock():
    site = build_site(SandboxConfig(seed=1, faults="none", now=dt.date(2024, 6, 30)))
    court = site.network[0]
    resp = site.handle(
        "GET",
        f"/{court.host}/modules.php?name=sud_delo&name_op=sf",
        {"user-agent": "test"},
        b"",
        0.0,
    )
    headers = dict(resp.headers)
    assert header(headers, SIMULATED_HEADER) == "1"
    assert header(headers, CLOCK_HEADER) == "2024-06-30"
