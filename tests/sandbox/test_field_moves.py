"""The field network, moved sites and shifting rows: redirects as real moved sites answer them
(http → https, a new host within the domain, one court off sudrf.ru), and new cases that
arrive while a window is paged (DOMAIN.md §5)."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest
from tests.sandbox.conftest import NOW, UA

from kartoteka.sandbox import SandboxConfig, build_site, run_sandbox, truth_cases
from kartoteka.sandbox.network import OFF_SITE_HOST, build_network
from kartoteka.sandbox.site import Response, Site
from kartoteka.sandbox.truth import court_rows
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind
from kartoteka.sudrf.urls import PAGE_SIZE, Instance, listing_url

WINDOW = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
REAL_REGISTRY = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "military_courts.csv"
)


def _get(site: Site, url: str, t: float = 0.0, headers: dict[str, str] | None = None) -> Response:
    scheme, rest = url.split("://", 1)
    sent = {"user-agent": UA, **(headers or {})}
    if scheme == "https":
        sent.setdefault("x-forwarded-proto", "https")
    return site.handle("GET", "/" + rest, sent, b"", t)


def _location(resp: Response) -> str | None:
    return next((v for k, v in resp.headers if k == "Location"), None)


@pytest.fixture(scope="module")
def moved() -> tuple[Site, dict[str, str]]:
    probe = build_network(SandboxConfig(seed=7, faults="none", now=NOW))
    garrisons = [
        c for c in probe if c.level.value == "garrison" and not c.always_down and not c.captcha
    ]
    chosen = {
        "https": garrisons[0].code,
        "host": garrisons[1].code,
        "off-site": garrisons[2].code,
    }
    site = build_site(
        SandboxConfig(
            seed=7,
            faults="none",
            now=NOW,
            network="field",
            migrations={},
            redirects={code: kind for kind, code in chosen.items()},
        )
    )
    return site, chosen


def _court(site: Site, code: str):
    return next(c for c in site.network if c.code == code)


def test_http_to_https_on_the_same_host(moved) -> None:
    site, chosen = moved
    court = _court(site, chosen["https"])
    url = listing_url(court.host, court.dialect, *WINDOW)
    resp = _get(site, url)
    assert resp.status == 301 and resp.kind == "redirect"
    assert _location(resp) == "https://" + url.split("://", 1)[1]
    followed = _get(site, _location(resp))
    assert followed.status == 200 and read_page(followed.body).kind is PageKind.LISTING


def test_new_host_redirects_and_is_served(moved) -> None:
    site, chosen = moved
    court = _court(site, chosen["host"])
    assert court.new_host and court.new_host.endswith(".sandbox.test")
    assert court.new_host != court.host
    url = listing_url(court.host, court.dialect, *WINDOW)
    resp = _get(site, url)
    assert resp.status == 301
    assert _location(resp) == url.replace(f"//{court.host}/", f"//{court.new_host}/")
    followed = _get(site, _location(resp))
    assert read_page(followed.body).kind is PageKind.LISTING
    assert followed.host == court.new_host
    # Over https as well: the Location keeps the scheme of the request.
    assert _location(_get(site, url.replace("http://", "https://"))).startswith(
        f"https://{court.new_host}/"
    )


def test_off_site_redirect_lands_on_a_foreign_portal(moved) -> None:
    site, chosen = moved
    court = _court(site, chosen["off-site"])
    resp = _get(site, listing_url(court.host, court.dialect, *WINDOW))
    assert resp.status == 302
    location = _location(resp)
    assert location == f"https://{OFF_SITE_HOST}/"
    assert "sudrf.ru" not in location and "sandbox.test" not in location
    portal = _get(site, location)
    assert portal.status == 200 and read_page(portal.body).kind is PageKind.UNRECOGNIZED


def test_truth_says_who_moved_where(moved) -> None:
    site, chosen = moved
    rows = {r["court_code"]: r for r in court_rows(site.courts_now())}
    assert rows[chosen["https"]]["redirect"] == "https"
    assert rows[chosen["host"]]["new_host"] == _court(site, chosen["host"]).new_host
    assert rows[chosen["off-site"]]["new_host"] == OFF_SITE_HOST
    assert sum(1 for r in rows.values() if r["redirect"]) == 3


def test_drawn_redirects_stay_in_the_domain() -> None:
    for config in (
        SandboxConfig(seed=2, faults="none", now=NOW, network="field"),
        *(
            [
                SandboxConfig(
                    seed=2, faults="none", now=NOW, network="field", courts_path=REAL_REGISTRY
                )
            ]
            if REAL_REGISTRY.exists()
            else []
        ),
    ):
        sim = build_network(config)
        kinds = [c.redirect for c in sim if c.redirect]
        assert kinds.count("off-site") == 1
        assert 2 <= kinds.count("host") <= 5 and 3 <= kinds.count("https") <= 8
        domain = ".sudrf.ru" if config.courts_path else ".sandbox.test"
        for c in sim:
            if c.redirect == "host":
                assert c.new_host.endswith(domain) and c.new_host != c.host
        assert not any(c.always_down and c.redirect for c in sim)


def test_https_redirect_over_the_wire_with_an_absolute_target(moved) -> None:
    _, chosen = moved
    config = SandboxConfig(
        seed=7,
        faults="none",
        now=NOW,
        network="field",
        migrations={},
        redirects={chosen["https"]: "https"},
        warm=False,
    )
    with run_sandbox(config) as sb:
        court = next(c for c in sb.courts if c.code == chosen["https"])
        path = "/modules.php?name=sud_delo&name_op=sf"

        def status(target: str) -> bytes:
            with socket.create_connection((sb.host, sb.port), timeout=10) as sock:
                sock.sendall(
                    f"GET {target} HTTP/1.1\r\nHost: {court.host}\r\nUser-Agent: {UA}\r\n"
                    "Connection: close\r\n\r\n".encode()
                )
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
            return data.split(b"\r\n", 1)[0]

        assert b" 301 " in status(f"http://{court.host}{path}")
        assert b" 200 " in status(f"https://{court.host}{path}")
        assert sb.redirects[chosen["https"]] == ("https", None)


# ---------------------------------------------------------------------- rows shift


@pytest.fixture(scope="module")
def shifting() -> tuple[Site, str, tuple[dt.date, dt.date]]:
    """A court and window whose newest cases include one that arrived in the last days, with
    more than two pages of earlier cases."""
    site = build_site(
        SandboxConfig(seed=7, faults="none", now=NOW, network="field", migrations={}, redirects={})
    )
    late_from = NOW - dt.timedelta(days=site.profile.late_days)
    garrisons = [c for c in site.network if c.level.value == "garrison"]
    for court in sorted(garrisons, key=lambda c: -c.weight):  # busy courts first
        if court.captcha or court.always_down or court.redirect:
            continue
        cases = [
            c
            for c in site.caseload.court(court.code).cases
            if c.instance is Instance.FIRST and c.entry_date <= NOW and c.visible_at(NOW)
        ]
        for late in (c for c in cases if c.visible_from > late_from):
            window = (late.entry_date - dt.timedelta(days=150), late.entry_date)
            inside = [c for c in cases if window[0] <= c.entry_date <= window[1]]
            on_time = [c for c in inside if c.visible_from <= late_from]
            if len(on_time) > 2 * PAGE_SIZE and len(inside) - len(on_time) == 1:
                return site, court.code, window
    pytest.fail("no court with a late case on top of a long window (the draw changed?)")


def _rows(resp: Response) -> tuple[int | None, list[str | None]]:
    page = read_page(resp.body)
    assert page.kind is PageKind.LISTING and page.listing is not None
    return page.listing.total, [r.case_id for r in page.listing.rows]


def test_rows_shift_between_pages_and_truth_has_the_late_case(shifting) -> None:
    site, code, window = shifting
    court = _court(site, code)
    url = lambda n: listing_url(court.host, court.dialect, *window, page=n)  # noqa: E731
    total1, page1 = _rows(_get(site, url(1), 1.0))
    total2, page2 = _rows(_get(site, url(2), 2.0))
    assert total2 == total1 + 1  # the counter moved between pages
    assert page1[-1] == page2[0]  # the boundary row repeats
    late = (
        {
            t.case_id
            for t in truth_cases(site.caseload, NOW, [code])
            if window[0] <= t.entry_date <= window[1] and t.instance == "first" and t.visible
        }
        - set(page1)
        - set(page2)
    )
    again_total, again = _rows(_get(site, url(1), 3.0))
    assert again_total == total2  # asked again, page 1 shows the newcomer
    newcomers = set(again) - set(page1)
    assert len(newcomers) == 1 and newcomers <= late  # in the truth, missed by a naive crawl


def test_a_window_that_fits_one_page_never_shifts(shifting) -> None:
    site, code, window = shifting
    court = _court(site, code)
    late_from = NOW - dt.timedelta(days=site.profile.late_days)
    late = next(
        c
        for c in site.caseload.court(code).cases
        if window[0] <= c.entry_date <= window[1] and c.visible_from > late_from
    )
    url = listing_url(court.host, court.dialect, late.entry_date, late.entry_date)
    first, second = _get(site, url, 1.0), _get(site, url, 2.0)
    total, rows = _rows(first)
    assert total is not None and total <= PAGE_SIZE
    assert late.case_id in rows  # nothing to page: the newcomer is there from the start
    assert first.body == second.body


def test_shift_is_deterministic_for_the_same_requests(shifting) -> None:
    _, code, window = shifting

    def crawl() -> list[bytes]:
        site = build_site(
            SandboxConfig(
                seed=7, faults="none", now=NOW, network="field", migrations={}, redirects={}
            )
        )
        court = _court(site, code)
        return [
            _get(site, listing_url(court.host, court.dialect, *window, page=n), float(n)).body
            for n in (1, 2, 1, 3)
        ]

    assert crawl() == crawl()
