"""The in-process server: address, simulated marks, request log, clock, routing."""

from __future__ import annotations

import datetime as dt
import json
import socket

import httpx
from tests.sandbox.conftest import UA

from kartoteka.sandbox import SandboxConfig, run_sandbox
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind
from kartoteka.sudrf.urls import listing_url, search_form_url


def test_serves_court_pages_marked_simulated(tmp_path) -> None:
    log = tmp_path / "requests.jsonl"
    config = SandboxConfig(seed=2, faults="none", now=dt.date(2025, 3, 1), request_log=log)
    with run_sandbox(config) as sb:
        assert sb.url.startswith("http://127.0.0.1:") and sb.port > 0
        court = next(c for c in sb.courts if c.level.value == "garrison")
        real = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        with httpx.Client(headers={"User-Agent": UA}) as client:
            resp = client.get(sb.court_url(real))
            form = client.get(sb.court_url(search_form_url(court.host)))
            index = client.get(sb.url + "/")
            missing = client.get(sb.url + "/no.such.host/modules.php")
        assert resp.status_code == 200
        assert resp.headers["X-Kartoteka-Simulated"] == "1"
        assert resp.headers["Content-Type"] == "text/html; charset=windows-1251"
        assert b'<meta name="kartoteka-simulated" content="1">' in resp.content
        assert read_page(resp.content, real).kind is PageKind.LISTING
        assert form.status_code == 200 and index.status_code == 200
        assert court.host in index.text and missing.status_code == 404
        assert sb.requests_served == 4
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    first = records[0]
    assert first["host"] == court.host
    assert first["path"] == real.split(court.host, 1)[1]  # the real path, with its query
    assert first["status"] == 200 and isinstance(first["t"], float)
    assert first["user_agent"] == UA and first["kind"] == "listing"


def test_moving_the_clock_shows_new_cases() -> None:
    config = SandboxConfig(seed=2, faults="none", now=dt.date(2025, 3, 1))
    with run_sandbox(config) as sb:
        court = max((c for c in sb.courts if c.level.value == "garrison"), key=lambda c: c.weight)
        url = sb.court_url(
            listing_url(court.host, court.dialect, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        )
        before = read_page(httpx.get(url, headers={"User-Agent": UA}).content).listing.total
        truth_before = sum(
            1
            for t in sb.truth_of(court.code)
            if t.visible and t.instance == "first" and t.entry_date >= dt.date(2025, 1, 1)
        )
        sb.set_now(dt.date(2025, 5, 1))
        assert sb.now == dt.date(2025, 5, 1)
        after = read_page(httpx.get(url, headers={"User-Agent": UA}).content).listing.total
        truth_after = sum(
            1
            for t in sb.truth_of(court.code)
            if t.visible and t.instance == "first" and t.entry_date >= dt.date(2025, 1, 1)
        )
        assert (before, after) == (truth_before, truth_after)
        assert after > before


def test_host_header_and_absolute_form_routing() -> None:
    """A client that keeps real URLs can also reach a court through the Host header, or by
    using the sandbox as an HTTP proxy (absolute-form request target)."""
    config = SandboxConfig(seed=2, faults="none", now=dt.date(2025, 3, 1))
    with run_sandbox(config) as sb:
        court = sb.courts[10]
        real = search_form_url(court.host)
        via_host = httpx.get(
            sb.url + real.split(court.host, 1)[1], headers={"Host": court.host, "User-Agent": UA}
        )
        assert via_host.status_code == 200 and b"calform" in via_host.content
        with socket.create_connection((sb.host, sb.port)) as sock:
            sock.sendall(
                f"GET {real} HTTP/1.1\r\nHost: {court.host}\r\nUser-Agent: t\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 200 OK") and b"calform" in data


def test_captcha_answer_channel_over_http() -> None:
    from kartoteka.sandbox import FaultProfile

    config = SandboxConfig(seed=2, faults=FaultProfile(captcha=1.0), now=dt.date(2025, 3, 1))
    with run_sandbox(config) as sb:
        court = next(c for c in sb.courts if c.captcha)
        real = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        with httpx.Client(headers={"User-Agent": UA}) as client:
            gate = client.get(sb.court_url(real))
            assert read_page(gate.content).kind is PageKind.CAPTCHA
            captcha_id = gate.content.decode("cp1251").split("name='captchaid' value='")[1][:12]
            answer = sb.captcha_answer(court.host)
            ok = client.get(sb.court_url(f"{real}&captcha={answer}&captchaid={captcha_id}"))
            assert read_page(ok.content).kind is PageKind.LISTING
            assert read_page(client.get(sb.court_url(real)).content).kind is PageKind.LISTING


def test_two_sandboxes_side_by_side() -> None:
    with (
        run_sandbox(SandboxConfig(seed=1, faults="none")) as a,
        run_sandbox(SandboxConfig(seed=2, faults="none")) as b,
    ):
        assert a.port != b.port


def test_background_generation_finishes() -> None:
    with run_sandbox(SandboxConfig(seed=3, faults="none", scale=0.2)) as sb:
        assert sb.wait_warm(timeout=60)
        assert all(code in sb.site.caseload._courts for code in (c.code for c in sb.courts))


def test_field_network_over_http_clock_captcha_pairs_and_registry() -> None:
    import re

    now = dt.date(2025, 3, 1)
    config = SandboxConfig(seed=2, faults="none", now=now, network="field", scale=0.2)
    with run_sandbox(config) as sb:
        migrating = next(code for code, day in sb.migrations.items() if day > now)
        court = next(c for c in sb.courts if c.code == migrating)
        stale = next(c for c in sb.registry() if c.code == migrating)
        assert court.dialect is stale.dialect  # not yet migrated
        sb.set_now(sb.migrations[migrating])
        court = next(c for c in sb.courts if c.code == migrating)
        assert court.dialect is not stale.dialect and court.migrated_now
        page = f"http://{court.host}/modules.php?name=sud_delo&name_op=sf"
        with httpx.Client(headers={"User-Agent": UA}) as client:
            body = client.get(sb.court_url(page)).content.decode("cp1251")
        expected = "case__entry_date1d" if court.dialect.value == "vnkod" else "ENTRY_DATE1D"
        assert expected in body  # the site's form speaks its new dialect

        captcha = next(c for c in sb.courts if c.captcha and not c.redirect and not c.always_down)
        real = listing_url(
            captcha.host, captcha.dialect, dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        )
        with httpx.Client(headers={"User-Agent": UA}) as client:
            form = client.get(sb.court_url(real))
            assert read_page(form.content).kind is PageKind.CAPTCHA
            cid = re.search(rb"name='captchaid' value='(\w+)'", form.content).group(1).decode()
            pair = f"&captcha={sb.captcha_solution(cid)}&captchaid={cid}"
            for _ in range(3):
                assert read_page(client.get(sb.court_url(real + pair)).content).kind is (
                    PageKind.LISTING
                )
        assert sb.captcha_counts["solved"] == 1 and sb.captcha_counts["reused"] == 2
        assert sb.captcha_counts_of(captcha.code)["solved"] == 1
