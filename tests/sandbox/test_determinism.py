"""Same seed, same bytes; a court's cases do not depend on which court was asked first."""

from __future__ import annotations

import datetime as dt

from tests.sandbox.conftest import NOW, fetch

from kartoteka.sandbox import SandboxConfig, build_site, truth_cases
from kartoteka.sudrf.urls import card_url, listing_url


def _pages(site) -> list[bytes]:
    out = []
    for court in site.network[::10]:
        url = listing_url(court.host, court.dialect, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
        out.append(fetch(site, url).body)
        for case in site.caseload.court(court.code).cases[::50]:
            out.append(
                fetch(
                    site,
                    card_url(
                        court.host, court.dialect, case.case_id, case.guid, instance=case.instance
                    ),
                ).body
            )
    return out


def test_same_seed_same_bytes() -> None:
    a = build_site(SandboxConfig(seed=11, faults="realistic", now=NOW, scale=0.3))
    b = build_site(SandboxConfig(seed=11, faults="realistic", now=NOW, scale=0.3))
    pages_a, pages_b = _pages(a), _pages(b)
    assert len(pages_a) > 30
    assert pages_a == pages_b
    assert truth_cases(a.caseload, NOW) == truth_cases(b.caseload, NOW)


def test_other_seed_other_caseload() -> None:
    a = build_site(SandboxConfig(seed=11, faults="none", now=NOW))
    b = build_site(SandboxConfig(seed=12, faults="none", now=NOW))
    assert _pages(a) != _pages(b)


def test_generation_order_does_not_matter() -> None:
    a = build_site(SandboxConfig(seed=5, faults="none", now=NOW, scale=0.3))
    b = build_site(SandboxConfig(seed=5, faults="none", now=NOW, scale=0.3))
    codes = [c.code for c in a.network]
    for code in codes:  # a: registry order; b: reversed (district courts before garrisons)
        a.caseload.court(code)
    for code in reversed(codes):
        b.caseload.court(code)
    assert truth_cases(a.caseload, NOW) == truth_cases(b.caseload, NOW)


def test_fault_draws_repeat_with_the_seed() -> None:
    from kartoteka.sandbox import FaultProfile

    profile = FaultProfile(drop=0.1, server_error=0.1, too_many=0.1, slow=0.1)
    runs = []
    for _ in range(2):
        site = build_site(SandboxConfig(seed=3, faults=profile, now=NOW))
        court = site.network[20]
        url = listing_url(court.host, court.dialect, None, None)
        runs.append([fetch(site, url, t=float(i)).fault for i in range(300)])
    assert runs[0] == runs[1] and len(set(runs[0])) >= 4


def test_field_network_same_requests_same_bytes() -> None:
    """Migrations, captcha nonces and images, redirects and shifting rows repeat exactly."""

    def run() -> list[tuple[int, bytes, list[tuple[str, str]]]]:
        site = build_site(
            SandboxConfig(seed=11, faults="realistic", now=NOW, scale=0.3, network="field")
        )
        out = []
        for now in (NOW, NOW + dt.timedelta(days=50)):
            site.now = now
            for i, court in enumerate(site.network[::4]):
                for dialect in ("classic", "vnkod"):
                    for page in (1, 2):
                        url = listing_url(court.host, dialect, dt.date(2024, 1, 1), None, page=page)
                        resp = fetch(site, url, t=1000.0 * i + page)
                        out.append((resp.status, resp.body, resp.headers))
        return out

    a, b = run(), run()
    assert len(a) > 100 and a == b
    assert any(status == 301 for status, _, _ in a)
    assert any(b"captchaid" in body for _, body, _ in a)
