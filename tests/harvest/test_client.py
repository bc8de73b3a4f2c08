"""The gateway: the politeness floors and failure handling users and courts rely on."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx
import pytest

from kartoteka.errors import Blocked, PolitenessError, Throttled
from kartoteka.harvest import politeness
from kartoteka.harvest.client import FetchFailed, Gateway, RobotsDisallowed, SandboxTransport
from kartoteka.harvest.politeness import PolitenessConfig, for_real, for_sandbox


def test_real_floors_are_the_documented_ones():
    config = for_real("ops@example.org")
    assert config.per_host_interval == 3.0
    assert config.global_interval == 1.0
    assert config.cooldown == 30 * 60
    assert config.respect_robots and not config.sandbox
    assert "ops@example.org" in config.user_agent and config.user_agent.startswith("Mozilla/5.0")


@pytest.mark.parametrize(
    "change",
    [
        {"per_host_interval": 2.9},
        {"global_interval": 0.5},
        {"cooldown": 600.0},
        {"daily_cap": politeness.REAL_DAILY_CAP + 1},
        {"respect_robots": False},
        {"backoff_base": 0.1},
        {"timeout": 0},
    ],
)
def test_a_real_config_can_only_get_stricter(change):
    with pytest.raises(PolitenessError):
        for_real("ops@example.org", **change)
    stricter = for_real(
        "ops@example.org", per_host_interval=10.0, global_interval=2.0, daily_cap=100
    )
    assert stricter.per_host_interval == 10.0


@pytest.mark.parametrize("contact", [None, "", "not a contact"])
def test_real_harvest_refuses_to_start_without_a_contact(contact):
    with pytest.raises(PolitenessError, match="contact"):
        for_real(contact)


def test_sandbox_may_go_lower_but_never_against_real_hosts():
    config = for_sandbox(per_host_interval=0.001, global_interval=0.0)
    assert config.per_host_interval == 0.001
    with pytest.raises(PolitenessError):
        Gateway(config)  # sandbox speeds with no sandbox to send them to


def test_sandbox_rewrite_keeps_the_query_bytes():
    real = "http://bgvs.alt.sudrf.ru/modules.php?name=sud_delo&x=%F1%F2.337&page=2"
    assert SandboxTransport.rewrite("http://127.0.0.1:8080/", real) == (
        "http://127.0.0.1:8080/bgvs.alt.sudrf.ru/modules.php?name=sud_delo&x=%F1%F2.337&page=2"
    )


class Recorder:
    """A fake court network: answers by a script per URL and logs arrival times."""

    def __init__(self, script=None):
        self.log: list[tuple[str, float, str]] = []
        self.script = script or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append((request.url.host, time.monotonic(), str(request.url)))
        if request.url.path == "/robots.txt":
            body = self.script.get("robots", None)
            return httpx.Response(404) if body is None else httpx.Response(200, text=body)
        todo = self.script.get(str(request.url))
        if todo:
            step = todo.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        return httpx.Response(200, content=b"<html>ok</html>")

    def pages(self):
        return [entry for entry in self.log if not entry[2].endswith("/robots.txt")]


def _gateway(recorder, **overrides):
    config = for_sandbox(
        **{
            "per_host_interval": 0.03,
            "global_interval": 0.01,
            "cooldown": 0.2,
            "backoff_base": 0.01,
            **overrides,
        }
    )
    return Gateway(config, transport=httpx.MockTransport(recorder))


async def test_per_host_and_global_floors_hold_under_concurrency():
    recorder = Recorder()
    hosts = [f"c{i}.sudrf.ru" for i in range(6)]

    async def court(gw, host):
        for n in range(5):
            await gw.get(f"http://{host}/modules.php?n={n}")

    async with _gateway(recorder) as gw:
        await asyncio.gather(*(court(gw, h) for h in hosts))
    assert len(recorder.pages()) == 30
    # Exactly, where the gateway stamps each request as it leaves (the wire, as a server
    # sees it, is checked against the sandbox's request log in test_sandbox_e2e.py).
    _assert_spacing(gw.send_log, per_host=0.03, overall=0.01, slack=0.0)


def _gaps(times):
    times = sorted(times)
    return [b - a for a, b in itertools.pairwise(times)]


def _assert_spacing(log, per_host, overall, slack):
    assert min(_gaps(t for _, t in log)) >= overall - slack
    for host in {h for h, _ in log}:
        assert min(_gaps(t for h, t in log if h == host)) >= per_host - slack


async def test_429_cools_the_court_down_for_at_least_retry_after_while_others_go_on():
    slow = "http://a.sudrf.ru/modules.php?n=1"
    recorder = Recorder({slow: [httpx.Response(429, headers={"Retry-After": "1"})]})

    async def other(gw):
        for n in range(10):
            await gw.get(f"http://b.sudrf.ru/modules.php?n={n}")

    async with _gateway(recorder) as gw:
        resp, _ = await asyncio.gather(gw.get(slow), other(gw))
    assert resp.status == 200
    a_times = [t for h, t, u in recorder.log if h == "a.sudrf.ru" and "robots" not in u]
    assert a_times[1] - a_times[0] >= 1.0  # Retry-After (1 s) beats the 0.2 s cooldown
    b_times = [t for h, t, u in recorder.log if h == "b.sudrf.ru" and "robots" not in u]
    assert b_times[-1] < a_times[1]  # the other court was not held up


async def test_throttle_page_triggers_the_cooldown():
    url = "http://a.sudrf.ru/modules.php?n=1"
    recorder = Recorder({url: [httpx.Response(200, text="Информация временно недоступна")]})
    seen = []
    gw = _gateway(recorder)
    gw.classify = lambda r: ("unavailable" if "временно" in r.body.decode() else "card", None)
    gw.on_response = lambda r, kind: seen.append(kind)
    async with gw:
        resp = await gw.get(url)
    assert resp.status == 200 and seen == ["unavailable", "card"]
    times = [t for _, t, _ in recorder.pages()]
    assert times[1] - times[0] >= 0.2
    assert gw.stats["a.sudrf.ru"].cooldowns == 1


async def test_endless_throttling_gives_up_with_throttled():
    url = "http://a.sudrf.ru/modules.php?n=1"
    recorder = Recorder({url: [httpx.Response(429) for _ in range(10)]})
    async with _gateway(recorder, cooldown=0.01, max_cooldowns=2) as gw:
        with pytest.raises(Throttled):
            await gw.get(url)
    assert len(recorder.pages()) == 3


async def test_5xx_and_timeouts_are_retried_with_backoff_then_given_up():
    url = "http://a.sudrf.ru/modules.php?n=1"
    recorder = Recorder(
        {url: [httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, text="fine")]}
    )
    async with _gateway(recorder) as gw:
        resp = await gw.get(url)
        assert resp.body == b"fine" and gw.stats["a.sudrf.ru"].retries == 2
    dead = "http://b.sudrf.ru/modules.php"
    recorder = Recorder({dead: [httpx.ConnectError("down") for _ in range(10)]})
    async with _gateway(recorder, max_retries=3) as gw:
        with pytest.raises(FetchFailed):
            await gw.get(dead)
    assert len(recorder.pages()) == 4


async def test_403_means_blocked_and_every_response_is_handed_to_the_archive_hook():
    url = "http://a.sudrf.ru/modules.php"
    recorder = Recorder({url: [httpx.Response(403)]})
    archived = []
    gw = _gateway(recorder)
    gw.on_response = lambda r, kind: archived.append(r.status)
    async with gw:
        with pytest.raises(Blocked):
            await gw.get(url)
    assert archived == [403]


async def test_robots_txt_is_respected_and_fetched_once_per_host():
    recorder = Recorder({"robots": "User-agent: *\nDisallow: /private\n"})
    async with _gateway(recorder) as gw:
        await gw.get("http://a.sudrf.ru/modules.php?x=1")
        with pytest.raises(RobotsDisallowed):
            await gw.get("http://a.sudrf.ru/private/page")
        await gw.get("http://a.sudrf.ru/modules.php?x=2")
    assert [u for _, _, u in recorder.log].count("http://a.sudrf.ru/robots.txt") == 1


async def test_user_agent_and_timeout_are_on_every_request():
    seen = []

    def handler(request):
        seen.append((request.headers["User-Agent"], request.extensions.get("timeout")))
        return httpx.Response(200)

    config = for_sandbox(contact="ops@example.org", per_host_interval=0, global_interval=0)
    async with Gateway(config, transport=httpx.MockTransport(handler)) as gw:
        await gw.get("http://a.sudrf.ru/modules.php")
    assert all("ops@example.org" in ua for ua, _ in seen)
    assert all(t and all(v for v in t.values()) for _, t in seen)


async def test_daily_cap_stops_a_court():
    from kartoteka.harvest.client import DailyCapReached

    recorder = Recorder()
    async with _gateway(recorder, daily_cap=3, per_host_interval=0, global_interval=0) as gw:
        for n in range(2):  # robots.txt counts too: it is a request to the court
            await gw.get(f"http://a.sudrf.ru/modules.php?n={n}")
        with pytest.raises(DailyCapReached):
            await gw.get("http://a.sudrf.ru/modules.php?n=9")


def test_default_config_is_the_real_one():
    assert PolitenessConfig().per_host_interval == politeness.REAL_PER_HOST_INTERVAL


def test_docs_state_the_floors_the_code_enforces():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "harvest.md").read_text("utf-8")
    assert f"at least {politeness.REAL_PER_HOST_INTERVAL:g} s" in doc
    assert f"at least {politeness.REAL_GLOBAL_INTERVAL:g} s" in doc
    assert f"{politeness.REAL_COOLDOWN / 60:g} min" in doc
    assert f"at most {politeness.REAL_DAILY_CAP}" in doc
    assert f"{politeness.REAL_TIMEOUT:g} s" in doc
    assert f"{politeness.SANDBOX_PER_HOST_INTERVAL * 1000:g} ms" in doc
    assert f"{politeness.SANDBOX_GLOBAL_INTERVAL * 1000:g} ms" in doc


async def test_proxy_carries_the_real_urls(tmp_path):
    """--proxy: requests go to the proxy with the court's real URL (here the sandbox, which
    also answers as a proxy, on localhost). Real-site floors apply: this takes ~3 s."""
    import datetime as dt

    from kartoteka.sandbox.config import SandboxConfig
    from kartoteka.sandbox.server import run_sandbox

    log = tmp_path / "requests.jsonl"
    with run_sandbox(
        SandboxConfig(seed=1, faults="none", now=dt.date(2024, 6, 30), request_log=log)
    ) as sb:
        host = sb.courts[0].host
        async with Gateway(for_real("ops@example.org"), proxy=sb.url) as gw:
            resp = await gw.get(f"http://{host}/modules.php?name=sud_delo&name_op=sf")
    assert resp.status == 200 and resp.url.startswith(f"http://{host}/")
    assert resp.simulated  # the sandbox's X-Kartoteka-Simulated header marks it, proxy or not
    served = log.read_text()
    assert host in served and "ops@example.org" in served


async def test_sandbox_speeds_only_against_something_that_says_it_is_the_sandbox():
    seen = []

    def not_a_sandbox(request):
        seen.append(str(request.url))
        return httpx.Response(200, text="a real site")

    gw = Gateway(
        for_sandbox(),
        sandbox_url="http://127.0.0.1:9",
        transport=httpx.MockTransport(not_a_sandbox),
    )
    async with gw:
        with pytest.raises(PolitenessError, match="sandbox"):
            await gw.get("http://a.sudrf.ru/modules.php?x=1")
    assert len(seen) == 1 and seen[0].startswith("http://127.0.0.1:9/a.sudrf.ru/")
