"""Every failure mode appears at its configured rate, and never under the `none` profile;
a polite client (one request per host every 20 ms) never trips the realistic profile's speed
limits; the captcha gate opens with the code from the test-only channel."""

from __future__ import annotations

import datetime as dt
import json
import math
import time

import httpx
import pytest
from tests.sandbox.conftest import UA, fetch

from kartoteka.sandbox import NONE, REALISTIC, FaultProfile, SandboxConfig, run_sandbox
from kartoteka.sandbox.site import Site
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind
from kartoteka.sudrf.urls import listing_url

N = 1500


def _urls(site: Site) -> list[str]:
    courts = [
        c
        for c in site.network
        if not c.captcha and not c.always_down and c.level.value == "garrison"
    ][:20]
    return [
        listing_url(c.host, c.dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 31)) for c in courts
    ]


def _fault_rate(site: Site, n: int = N, spacing: float = 1.0) -> dict[str, int]:
    counts: dict[str, int] = {}
    urls = _urls(site)
    for i in range(n):
        resp = fetch(site, urls[i % len(urls)], t=1000.0 + i * spacing)
        counts[resp.fault or "ok"] = counts.get(resp.fault or "ok", 0) + 1
    return counts


def _within(observed: int, rate: float, n: int = N) -> bool:
    """Observed count within 5 standard deviations of the binomial mean."""
    mean = n * rate
    return abs(observed - mean) <= 5 * math.sqrt(n * rate * (1 - rate)) + 1


@pytest.mark.parametrize(
    ("field", "fault", "rate"),
    [
        ("drop", "drop", 0.05),
        ("server_error", "server_error", 0.1),
        ("too_many", "too_many", 0.08),
        ("unavailable", "unavailable", 0.1),
        ("slow", "slow", 0.2),
    ],
)
def test_random_fault_at_its_rate(make_site, field: str, fault: str, rate: float) -> None:
    site = make_site(faults=FaultProfile(**{field: rate, "slow_s": 0.25}))
    counts = _fault_rate(site)
    assert _within(counts.get(fault, 0), rate), counts
    assert set(counts) <= {fault, "ok"}


def test_fault_responses_look_like_the_real_ones(make_site) -> None:
    site = make_site(faults=FaultProfile(too_many=1.0, retry_after_s=7))
    resp = fetch(site, _urls(site)[0])
    assert resp.status == 429 and ("Retry-After", "7") in resp.headers
    site = make_site(faults=FaultProfile(server_error=1.0))
    assert fetch(site, _urls(site)[0]).status in (500, 502, 503)
    site = make_site(faults=FaultProfile(unavailable=1.0))
    resp = fetch(site, _urls(site)[0])
    assert resp.status == 200 and read_page(resp.body).kind is PageKind.UNAVAILABLE
    site = make_site(faults=FaultProfile(slow=1.0, slow_s=0.4))
    resp = fetch(site, _urls(site)[0])
    assert resp.delay == 0.4 and read_page(resp.body).kind is PageKind.LISTING


def test_none_profile_has_no_faults_at_all(make_site) -> None:
    site = make_site(faults="none")
    # Bursts, no User-Agent, captcha courts and the would-be "down" court included.
    urls = [
        listing_url(c.host, c.dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
        for c in site.network
    ]
    for i in range(3000):
        resp = fetch(site, urls[i % len(urls)], t=1.0 + i * 1e-5, user_agent=None if i % 2 else UA)
        assert resp.fault is None and resp.status == 200 and not resp.drop
        assert resp.kind in ("listing", "empty")


def test_polite_client_never_trips_realistic_speed_limits(make_site) -> None:
    quiet = REALISTIC.with_rates(drop=0, server_error=0, too_many=0, slow=0, captcha=0)
    site = make_site(faults=quiet)
    url = _urls(site)[0]
    faults = [fetch(site, url, t=10.0 + i * 0.020).fault for i in range(500)]
    assert faults == [None] * 500


def test_too_fast_gives_unavailable_and_bursts_give_429(make_site) -> None:
    profile = FaultProfile(min_interval_s=0.010, burst_max=60, burst_window_s=1.0)
    site = make_site(faults=profile)
    url = _urls(site)[0]
    assert fetch(site, url, t=5.0).fault is None
    too_fast = fetch(site, url, t=5.004)
    assert too_fast.fault == "too_fast" and read_page(too_fast.body).kind is PageKind.UNAVAILABLE
    # 100 requests in one second, 10 ms apart: above 60 a second the host answers 429.
    faults = [fetch(site, url, t=20.0 + i * 0.0101).fault for i in range(100)]
    assert faults[:59] == [None] * 59 and set(faults[61:]) == {"burst"}
    burst = fetch(site, url, t=20.0 + 100 * 0.0101)
    assert burst.status == 429 and any(k == "Retry-After" for k, _ in burst.headers)


def test_missing_user_agent_is_forbidden(make_site) -> None:
    site = make_site(faults=FaultProfile(forbid_missing_user_agent=True))
    url = _urls(site)[0]
    assert fetch(site, url, user_agent=None).status == 403
    assert fetch(site, url, user_agent="", t=1.0).status == 403
    assert fetch(site, url, t=2.0).status == 200


def test_one_court_is_always_down(make_site) -> None:
    site = make_site(faults=FaultProfile(always_down=True))
    down = [c for c in site.network if c.always_down]
    assert len(down) == 1
    url = listing_url(down[0].host, down[0].dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    assert {fetch(site, url, t=float(i)).status for i in range(20)} == {503}
    other = next(c for c in site.network if not c.always_down)
    assert fetch(site, listing_url(other.host, other.dialect, None, None)).status == 200


def test_captcha_gate_opens_with_the_test_only_answer(make_site) -> None:
    site = make_site(faults=FaultProfile(captcha=1.0, captcha_open_s=60.0))
    court = next(c for c in site.network if c.captcha)
    plain = next(c for c in site.network if not c.captcha)
    url = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert fetch(site, listing_url(plain.host, plain.dialect, None, None)).fault is None
    gate = fetch(site, url, t=100.0)
    assert gate.fault == "captcha"
    page_text = gate.body.decode("cp1251")
    answer = site.gate.captchas.answer(court.host)
    assert answer not in page_text  # the answer is never in the page
    captcha_id = site.gate.captchas.current_id(court.host)
    assert captcha_id in page_text
    wrong = fetch(site, f"{url}&captcha=x{answer}&captchaid={captcha_id}", t=101.0)
    assert wrong.fault == "captcha_wrong" and read_page(wrong.body).kind is PageKind.CAPTCHA
    solved = fetch(site, f"{url}&captcha={answer}&captchaid={captcha_id}", t=102.0)
    assert solved.fault is None and read_page(solved.body).kind is PageKind.LISTING
    assert fetch(site, url, t=150.0).fault is None  # open for a while
    assert fetch(site, url, t=170.0).fault == "captcha"  # then closed again
    # A used code does not open the gate a second time.
    assert (
        fetch(site, f"{url}&captcha={answer}&captchaid={captcha_id}", t=171.0).fault
        == "captcha_wrong"
    )


def test_captcha_rate_below_one(make_site) -> None:
    site = make_site(faults=FaultProfile(captcha=0.3))
    court = next(c for c in site.network if c.captcha)
    url = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    count = sum(fetch(site, url, t=float(i)).fault == "captcha" for i in range(N))
    assert _within(count, 0.3)


def test_profiles_by_name() -> None:
    assert SandboxConfig(faults="none").fault_profile is NONE
    assert SandboxConfig(faults="realistic").fault_profile is REALISTIC
    assert REALISTIC.min_interval_s < 0.020  # below the harvester's sandbox per-host interval
    with pytest.raises(ValueError, match="unknown fault profile"):
        _ = SandboxConfig(faults="chaos").fault_profile


def test_dropped_connections_and_slow_answers_over_a_socket(tmp_path) -> None:
    log = tmp_path / "requests.jsonl"
    config = SandboxConfig(
        seed=3, faults=FaultProfile(drop=1.0), now=dt.date(2025, 1, 1), request_log=log, warm=False
    )
    with run_sandbox(config) as sb:
        court = sb.courts[5]
        url = sb.court_url(listing_url(court.host, court.dialect, None, None))
        with pytest.raises(httpx.TransportError):
            httpx.get(url, headers={"User-Agent": UA})
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert (record["host"], record["status"], record["fault"]) == (court.host, 0, "drop")
    config = SandboxConfig(
        seed=3, faults=FaultProfile(slow=1.0, slow_s=0.3), now=dt.date(2025, 1, 1)
    )
    with run_sandbox(config) as sb:
        url = sb.court_url(listing_url(court.host, court.dialect, None, None))
        started = time.perf_counter()
        resp = httpx.get(url, headers={"User-Agent": UA})
        assert resp.status_code == 200
        assert time.perf_counter() - started >= 0.3


def test_regional_captcha_opens_every_captcha_court_of_the_region(courts_csv) -> None:
    from collections import Counter

    from kartoteka.sandbox import build_site

    site = build_site(
        SandboxConfig(
            seed=1,
            now=dt.date(2025, 1, 1),
            courts_path=courts_csv,
            faults=FaultProfile(captcha=1.0, captcha_scope="region"),
        )
    )
    regions = Counter(c.court.region_code for c in site.network if c.captcha)
    region = next(r for r, n in regions.items() if n > 1)
    a, b = [c for c in site.network if c.captcha and c.court.region_code == region][:2]
    url_a = listing_url(a.host, a.dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    url_b = listing_url(b.host, b.dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert fetch(site, url_b, t=1.0).fault == "captcha"
    code, cid = site.gate.captchas.answer(a.host), site.gate.captchas.current_id(a.host)
    assert site.gate.captchas.answer(b.host) == code  # one challenge for the region
    assert fetch(site, f"{url_a}&captcha={code}&captchaid={cid}", t=2.0).fault is None
    assert fetch(site, url_b, t=3.0).fault is None
