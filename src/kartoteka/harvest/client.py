"""The one HTTP gateway: every request kartoteka sends to a court goes through `Gateway.get`.

It enforces, in this order, for each request: the court's cooldown (after 429 or the throttle
page), the daily cap per court, robots.txt, the per-host interval and the global interval
(both measured between the actual start of two requests, so no two requests ever leave closer
than the floors, whatever the event loop's timing). It sets the User-Agent with the operator's
contact and a timeout on every request, honours Retry-After, and retries timeouts, 5xx and
dropped connections with exponential backoff and jitter.

Every response received (an error page included) is handed to `on_response` before anything
else looks at it: that is where the fetcher classifies it and writes it to the WARC archive,
so the raw bytes are kept before any decision is made on them.

The sandbox URL rewrite lives here too, in `SandboxTransport`, and nowhere else: the
harvester builds and archives real court URLs; only the bytes on the wire go to localhost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import heapq
import itertools
import random
import ssl
import time
import urllib.robotparser
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from kartoteka.errors import Blocked, KartotekaError, PolitenessError, Throttled
from kartoteka.harvest.politeness import PolitenessConfig
from kartoteka.simulated import SIMULATED_HEADER


class FetchFailed(KartotekaError):
    """Retries exhausted on timeouts, 5xx or dropped connections: the court is unavailable."""


class DailyCapReached(KartotekaError):
    """The court's daily request cap is spent: the rest waits for tomorrow's run."""


class RobotsDisallowed(KartotekaError):
    """robots.txt of the court forbids this URL for our User-Agent."""


@dataclass(slots=True)
class Response:
    """One answer as received: real URL, status, headers, raw bytes, when."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: dict[str, str]
    fetched_at: dt.datetime
    elapsed: float
    simulated: bool = False
    page: object = None  # set by the fetcher's classifier (a kartoteka.sudrf Page)
    # Redirects followed to get here: (from URL, status, to URL), oldest first. `url` is the
    # final URL. `refused_redirect` is set when the last answer is a redirect that was not
    # followed (off sudrf.ru, or too many hops): this response is that redirect.
    redirects: list[tuple[str, int, str]] = field(default_factory=list)
    refused_redirect: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
# Court sites live under sudrf.ru; a redirect anywhere else (a portal of another provider, a
# parked domain) is not followed. The sandbox's fictional hosts are under sandbox.test.
COURT_DOMAIN = "sudrf.ru"
SANDBOX_DOMAIN = "sandbox.test"


def within(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(slots=True)
class HostStats:
    """What happened to one host, for the summary's throttle utilisation and the bench."""

    requests: int = 0
    retries: int = 0
    cooldowns: int = 0
    cooldown_seconds: float = 0.0  # waits imposed by the site (cooldowns, Retry-After)
    backoff_seconds: float = 0.0
    first_start: float | None = None
    last_start: float | None = None


class SandboxTransport(httpx.AsyncBaseTransport):
    """Send `http://<host>/path?q` to `<sandbox>/<host>/path?q` (contracts.md).

    The one place where a sandbox URL exists: requests and archives keep the real URL.
    """

    def __init__(self, sandbox_url: str, inner: httpx.AsyncBaseTransport) -> None:
        self.base = httpx.URL(sandbox_url.rstrip("/"))
        self.inner = inner

    @staticmethod
    def rewrite(sandbox_url: str, url: str) -> str:
        parts = urlsplit(url)
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"{sandbox_url.rstrip('/')}/{parts.netloc}{rest}"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = httpx.URL(self.rewrite(str(self.base), str(request.url)))
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
        headers.append((b"Host", target.netloc))
        # The sandbox speaks plain HTTP on localhost: the scheme the harvester meant travels
        # in X-Forwarded-Proto (so that a site that moved to https can tell).
        headers.append((b"X-Forwarded-Proto", request.url.scheme.encode()))
        moved = httpx.Request(
            request.method,
            target,
            headers=headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self.inner.handle_async_request(moved)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class PriorityGate:
    """A lock whose waiters are served by priority (highest first), then in arrival order."""

    def __init__(self) -> None:
        self._held = False
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    async def acquire(self, priority: int = 0) -> None:
        if not self._held and not self._waiters:
            self._held = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (-priority, next(self._seq), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # it was handed to us just as we were cancelled
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)  # ownership passes on; the gate stays held
                return
        self._held = False


# RFC 9309 §2.4: a crawler may use a cached robots.txt for up to 24 hours.
ROBOTS_MAX_AGE = 24 * 3600.0


def _robots_rules(text: str) -> urllib.robotparser.RobotFileParser:
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(text.splitlines())
    return rules


class Ledger:
    """Where the gateway keeps counts that must outlive a process (daily caps, cooldowns).
    The harvester passes its SQLite run state; tests may use this in-memory one."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = defaultdict(int)
        self._cool: dict[str, float] = {}
        self._robots_cache: dict[str, tuple[str | None, float]] = {}

    def requests_today(self, host: str, day: str) -> int:
        return self._counts[(host, day)]

    def count_request(self, host: str, day: str) -> None:
        self._counts[(host, day)] += 1

    def cooldown_until(self, host: str) -> float | None:
        """Wall-clock (epoch seconds) end of the host's cooldown, if any."""
        return self._cool.get(host)

    def set_cooldown(self, host: str, until: float) -> None:
        self._cool[host] = until

    def cached_robots(self, host: str, max_age: float) -> tuple[str | None] | None:
        """(robots.txt text, or None for "none published") if fetched within max_age s."""
        entry = self._robots_cache.get(host)
        if entry is None or time.time() - entry[1] > max_age:
            return None
        return (entry[0],)

    def cache_robots(self, host: str, text: str | None) -> None:
        self._robots_cache[host] = (text, time.time())


ResponseHook = Callable[[Response, str | None], Awaitable[None] | None]


class Gateway:
    """The throttled HTTP client. One per process; shared by every court task."""

    def __init__(
        self,
        config: PolitenessConfig,
        *,
        sandbox_url: str | None = None,
        proxy: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        ledger: Ledger | None = None,
        on_response: ResponseHook | None = None,
        classify: Callable[[Response], Any] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config.validate()
        if sandbox_url is None and config.sandbox and transport is None:
            # Sandbox intervals against real hosts would be rude: refuse.
            raise PolitenessError("sandbox politeness settings need a sandbox URL")
        self.simulated = sandbox_url is not None
        # With our own HTTP transport the slot is taken at the last moment, once the
        # connection is ready and just before the request headers go out (an httpcore trace
        # hook), so connection set-up time cannot squeeze two requests together on the wire.
        # A transport given by the caller (tests) gets the slot before the call instead.
        self._slot_on_wire = transport is None
        # One client (one connection pool) per court: requests to one court are sequential,
        # so each pool holds one keep-alive connection, and httpcore's pool bookkeeping,
        # which grows with connections × waiting requests, stays small.
        self._sandbox_url = sandbox_url
        self._proxy = proxy
        self._shared_transport = transport
        self._timeout = httpx.Timeout(config.timeout)
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tls_context: ssl.SSLContext | None = None
        self.ledger = ledger or Ledger()
        self.on_response = on_response
        self.classify = classify
        self.rng = rng or random.Random()
        self.stats: dict[str, HostStats] = defaultdict(HostStats)
        self._gate = PriorityGate()
        # Remaining requests per host, kept by the harvester: the gate serves the court with
        # the most work left first, so that courts finish together instead of one large
        # court crawling alone at its per-court pace at the end.
        self.priority: dict[str, int] = {}
        self._last_global: float | None = None
        self._last_host: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.send_log: list[tuple[str, float]] = []  # (host, monotonic start) of every request
        # A court that moved answers at a new host: both names share one politeness slot,
        # one cooldown and one daily count (the per-court floor is per court, not per name).
        self._aliases: dict[str, str] = {}
        # Domains a redirect may lead to (sudrf.ru; the sandbox's fictional one too when
        # running against the sandbox).
        self.redirect_domains = (
            (COURT_DOMAIN, SANDBOX_DOMAIN) if self.simulated else (COURT_DOMAIN,)
        )

    def key(self, host: str) -> str:
        """The politeness key of a host name: the court's first name if it moved."""
        return self._aliases.get(host, host)

    def alias(self, new_host: str, old_host: str) -> None:
        """Treat `new_host` as the same court as `old_host` (after a redirect)."""
        if new_host != old_host and new_host not in self._aliases:
            self._aliases[new_host] = self.key(old_host)

    def _tls(self) -> ssl.SSLContext:
        """One TLS context for all courts (building one reads the CA bundle: ~30 ms)."""
        if self._tls_context is None:
            try:
                import certifi

                self._tls_context = ssl.create_default_context(cafile=certifi.where())
            except ImportError:
                self._tls_context = ssl.create_default_context()
        return self._tls_context

    def _client(self, host: str) -> httpx.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            inner: httpx.AsyncBaseTransport = self._shared_transport or httpx.AsyncHTTPTransport(
                proxy=self._proxy,
                retries=0,
                limits=httpx.Limits(max_connections=4),
                verify=self._tls(),
            )
            if self._sandbox_url is not None:
                inner = SandboxTransport(self._sandbox_url, inner)
            client = httpx.AsyncClient(
                transport=inner, timeout=self._timeout, follow_redirects=False
            )
            self._clients[host] = client
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the two floors ------------------------------------------------------------------
    @staticmethod
    async def _sleep_until(target: float) -> None:
        """Sleep to a monotonic instant: coarse sleep, then yield until exactly there (the
        event loop's timer rounds to milliseconds, which at sandbox speeds would otherwise
        waste a fifth of the time). Only the holder of the gate does this."""
        while True:
            left = target - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(left - 0.0015 if left > 0.002 else 0)

    async def _acquire(self, host: str) -> float:
        """Wait until a request to `host` may leave and take the gate; return the instant.

        The gate stays taken until `_release`, i.e. until the request's headers are written,
        so that however long the event loop takes to get them onto the socket (another
        task may be parsing a page), the next request is timed from when this one really
        left, never from when it was allowed to.
        """
        # Requests to one host are sequential (one task per court), so the per-host wait
        # can happen outside the gate without letting anyone else in ahead of this host.
        last = self._last_host.get(host)
        if last is not None:
            # A plain sleep: lateness here only delays this court, and 100 courts spinning
            # towards their instants would starve the event loop.
            left = last + self.config.per_host_interval - time.monotonic()
            if left > 0:
                await asyncio.sleep(left)
        await self._gate.acquire(self.priority.get(host, 0))
        try:
            last = self._last_host.get(host)
            target = max(
                (last + self.config.per_host_interval) if last is not None else 0.0,
                (self._last_global + self.config.global_interval)
                if self._last_global is not None
                else 0.0,
            )
            await self._sleep_until(target)
        except BaseException:
            self._gate.release()
            raise
        return time.monotonic()

    def _release(self, host: str) -> float:
        """The request has left: stamp it and open the gate for the next one."""
        now = time.monotonic()
        self._last_global = now
        self._last_host[host] = now
        self.send_log.append((host, now))
        self._gate.release()
        return now

    async def _slot(self, host: str) -> float:
        """Acquire and release at once: for transports that give no "headers sent" event."""
        await self._acquire(host)
        return self._release(host)

    # -- cooldowns and caps --------------------------------------------------------------
    def cool_down(self, host: str, seconds: float | None = None) -> float:
        """Start (or extend) a cooldown for a court: 30 min by default, longer if asked."""
        seconds = max(self.config.cooldown, seconds or 0.0)
        until = time.time() + seconds
        current = self.ledger.cooldown_until(host) or 0.0
        self.ledger.set_cooldown(host, max(current, until))
        stats = self.stats[host]
        stats.cooldowns += 1
        return seconds

    async def _wait_cooldown(self, host: str) -> None:
        until = self.ledger.cooldown_until(host)
        if until is None:
            return
        left = until - time.time()
        if left > 0:
            self.stats[host].cooldown_seconds += left
            await asyncio.sleep(left)

    def _check_cap(self, host: str, url: str) -> None:
        day = dt.datetime.now(dt.UTC).date().isoformat()
        if self.ledger.requests_today(host, day) >= self.config.daily_cap:
            raise DailyCapReached(
                f"daily cap of {self.config.daily_cap} requests reached for {host}", url
            )
        self.ledger.count_request(host, day)

    # -- robots.txt ----------------------------------------------------------------------
    async def _allowed(self, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        parts = urlsplit(url)
        host = parts.netloc
        async with self._robots_locks[host]:
            if host not in self._robots:
                cached = self.ledger.cached_robots(host, ROBOTS_MAX_AGE)
                if cached is None:
                    text = await self._fetch_robots(f"{parts.scheme}://{host}")
                    self.ledger.cache_robots(host, text)
                else:
                    text = cached[0]
                self._robots[host] = None if text is None else _robots_rules(text)
        rules = self._robots[host]
        return True if rules is None else rules.can_fetch(self.config.user_agent, url)

    async def _fetch_robots(self, origin: str) -> str | None:
        """robots.txt through the same gates. Missing (4xx) → None (everything allowed); 5xx
        or unreachable → nothing allowed (RFC 9309 §2.3.1.4), reported as FetchFailed."""
        url = origin + "/robots.txt"
        resp = await self._send(url, archive=False)
        hops = 0
        while resp.status in REDIRECT_STATUSES and resp.header("Location") and hops < MAX_REDIRECTS:
            # RFC 9309 §2.3.1.2: follow redirects (here only within the court network).
            target = self._real_location(url, resp.header("Location") or "")
            if not within(urlsplit(target).hostname or "", self.redirect_domains):
                break
            url, hops = target, hops + 1
            resp = await self._send(url, archive=False)
        if 400 <= resp.status < 500:
            return None
        if resp.status >= 500:
            raise FetchFailed(f"robots.txt answered {resp.status}", url)
        return resp.body.decode("utf-8", "replace")

    # -- sending -------------------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: base·2^attempt, capped, times U(0.5, 1)."""
        cap = min(self.config.backoff_max, self.config.backoff_base * 2**attempt)
        return cap * (0.5 + 0.5 * self.rng.random())

    async def _send(self, url: str, archive: bool = True) -> Response:
        """One request with retries for timeouts, 5xx and dropped connections, and the
        cooldown/Retry-After logic for 429. Returns the first response that is not one of
        those (or raises FetchFailed / Throttled / Blocked)."""
        host = self.key(urlsplit(url).netloc)
        stats = self.stats[host]
        headers = {
            "User-Agent": self.config.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "ru,en;q=0.5",
        }
        attempt = 0
        cooldowns = 0
        while True:
            await self._wait_cooldown(host)
            self._check_cap(host, url)
            started: list[float] = []
            holding = [False]

            async def on_wire(
                event: str,
                info: object,
                host: str = host,
                started: list[float] = started,
                holding: list[bool] = holding,
            ) -> None:
                if event.endswith("send_request_headers.started") and not started:
                    started.append(await self._acquire(host))
                    holding[0] = True
                elif (
                    event.endswith(("send_request_headers.complete", "send_request_headers.failed"))
                    and holding[0]
                ):
                    holding[0] = False
                    started[0] = self._release(host)

            if not self._slot_on_wire:
                started.append(await self._slot(host))
            try:
                raw = await self._client(host).get(
                    url, headers=headers, extensions={"trace": on_wire}
                )
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if holding[0]:
                    holding[0] = False
                    self._release(host)
                self._count(stats, started)
                if attempt >= self.config.max_retries:
                    raise FetchFailed(f"no answer after {attempt + 1} tries: {exc!r}", url) from exc
                wait = self._backoff(attempt)
                attempt += 1
                stats.retries += 1
                stats.backoff_seconds += wait
                await asyncio.sleep(wait)
                continue
            except BaseException:
                if holding[0]:
                    self._release(host)
                raise
            start = self._count(stats, started)
            resp = Response(
                url=url,
                status=raw.status_code,
                headers=list(raw.headers.multi_items()),
                body=raw.content,
                request_headers=headers,
                fetched_at=dt.datetime.now(dt.UTC),
                elapsed=time.monotonic() - start,
                simulated=self.simulated or raw.headers.get(SIMULATED_HEADER) == "1",
            )
            if self._sandbox_url is not None and raw.headers.get(SIMULATED_HEADER) != "1":
                # Sandbox speeds are only for the sandbox: whatever answers at a --sandbox URL
                # must say it is the simulation, or we stop before being rude to a real site.
                raise PolitenessError(
                    "the --sandbox URL did not answer as the kartoteka sandbox "
                    f"(no {SIMULATED_HEADER} header): refusing sandbox speeds",
                    url,
                )
            kind = None
            if archive and self.classify is not None:
                verdict = self.classify(resp)
                if asyncio.isfuture(verdict) or asyncio.iscoroutine(verdict):
                    verdict = await verdict
                kind, resp.page = verdict  # type: ignore[misc]
            if archive and self.on_response is not None:
                done = self.on_response(resp, kind)
                if asyncio.iscoroutine(done):
                    await done
            retry_after = _retry_after(resp.header("Retry-After"))
            if resp.status == 429 or kind == "unavailable":
                cooldowns += 1
                if cooldowns > self.config.max_cooldowns:
                    raise Throttled(
                        f"still throttled after {cooldowns - 1} cooldowns", url, retry_after
                    )
                self.cool_down(host, retry_after)
                continue
            if resp.status == 403:
                raise Blocked("the court answers 403 Forbidden", url)
            if resp.status >= 500:
                if attempt >= self.config.max_retries:
                    raise FetchFailed(f"HTTP {resp.status} after {attempt + 1} tries", url)
                wait = max(self._backoff(attempt), retry_after or 0.0)
                attempt += 1
                stats.retries += 1
                stats.backoff_seconds += wait
                await asyncio.sleep(wait)
                continue
            return resp

    @staticmethod
    def _count(stats: HostStats, started: list[float]) -> float:
        """Book a request that left (a connection that failed before sending is not one)."""
        if not started:
            return time.monotonic()
        start = started[0]
        stats.requests += 1
        stats.first_start = stats.first_start if stats.first_start is not None else start
        stats.last_start = start
        return start

    def _real_location(self, url: str, location: str) -> str:
        """The court URL a Location header points to (a sandbox URL mapped back to the real
        one, since the harvester only ever handles real URLs)."""
        target = urljoin(url, location.strip())
        if self._sandbox_url is not None:
            base = self._sandbox_url.rstrip("/") + "/"
            if target.startswith(base):
                rest = target[len(base) :]
                target = f"{urlsplit(url).scheme}://{rest}"
        return target

    async def get(self, url: str) -> Response:
        """Fetch a court page through every gate. The response handed back has been archived
        (via `on_response`) and is neither a 429, a 5xx nor the throttle page.

        Redirects are followed (each hop through every gate, each hop archived) only to
        hosts under sudrf.ru (and the sandbox's domain against the sandbox), at most five;
        any other redirect is handed back unfollowed with `refused_redirect` set."""
        hops: list[tuple[str, int, str]] = []
        while True:
            if not await self._allowed(url):
                raise RobotsDisallowed("robots.txt disallows this URL", url)
            resp = await self._send(url)
            location = resp.header("Location") if resp.status in REDIRECT_STATUSES else None
            if not location:
                resp.redirects = hops
                return resp
            target = self._real_location(url, location)
            hops.append((url, resp.status, target))
            target_host = urlsplit(target).hostname or ""
            if not within(target_host, self.redirect_domains) or len(hops) > MAX_REDIRECTS:
                resp.redirects = hops
                resp.refused_redirect = target
                return resp
            self.alias(urlsplit(target).netloc, urlsplit(url).netloc)
            url = target
