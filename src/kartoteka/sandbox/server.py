"""The sandbox HTTP server: a small asyncio HTTP/1.1 server (keep-alive, GET and POST) in a
background thread, so that tests and benchmarks can run it in-process:

    with run_sandbox(SandboxConfig(seed=1, faults="none", now=date(2025, 6, 1))) as sb:
        sb.url            # "http://127.0.0.1:PORT"; court pages at sb.url + "/<host>/modules.php?…"
        sb.set_now(date(2025, 7, 1))   # move the clock between two harvests
        sb.captcha_answer(host)        # test-only channel: the code of the current challenge
        sb.truth          # ground truth as of the clock (list of TruthCase)
        sb.courts         # the courts with their simulated traits (list of SimCourt)

A raw asyncio server rather than an ASGI stack: it must serve ≥ 500 pages a second on one core
and simulate dropped connections and slow answers, which need control of the socket. Every
response carries `X-Kartoteka-Simulated: 1`; every request is appended to the request log
(JSON Lines: host, path, t, status, kind, fault, user_agent, bytes) when one is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from kartoteka.registry.courts import Court
from kartoteka.sandbox.caseload import Caseload
from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sandbox.network import SimCourt, build_network, migrations, redirects, stale_registry
from kartoteka.sandbox.site import Response, Site, reason
from kartoteka.sandbox.truth import TruthCase, truth_cases

MAX_HEADER = 65536


class RequestLog:
    """JSON Lines of every request served, flushed line by line (tests read it live)."""

    def __init__(self, path: Path | None):
        self.path = path
        self._fh: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def write(self, record: dict[str, object]) -> None:
        if self._fh is not None:
            self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class SandboxServer:
    """The asyncio server around a `Site`."""

    def __init__(self, site: Site, log: RequestLog):
        self.site = site
        self.log = log
        self.requests = 0

    async def serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    return
                method, target, version = parts
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = b""
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    body = await reader.readexactly(length)
                if target.startswith("http://") or target.startswith("https://"):
                    split = urlsplit(target)  # absolute-form (a client using us as a proxy)
                    headers["host"] = split.netloc
                    headers.setdefault("x-forwarded-proto", split.scheme)
                    target = split.path + ("?" + split.query if split.query else "")
                t = time.time()
                resp = self.site.handle(method, target, headers, body, t)
                self.requests += 1
                self._log(resp, t, headers)
                if resp.delay:
                    await asyncio.sleep(resp.delay)
                if resp.drop:
                    writer.transport.abort()
                    return
                keep_alive = (
                    version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                )
                writer.write(self._encode(resp, keep_alive, head_only=method == "HEAD"))
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    def _encode(resp: Response, keep_alive: bool, head_only: bool = False) -> bytes:
        head = [
            f"HTTP/1.1 {resp.status} {reason(resp.status)}",
            f"Content-Length: {len(resp.body)}",
            "Server: kartoteka-sandbox",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
        ]
        head += [f"{k}: {v}" for k, v in resp.headers]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        return raw if head_only else raw + resp.body

    def _log(self, resp: Response, t: float, headers: dict[str, str]) -> None:
        self.log.write(
            {
                "t": round(t, 6),
                "host": resp.host,
                "path": resp.path,
                "status": resp.status,
                "kind": resp.kind,
                "fault": resp.fault,
                "user_agent": headers.get("user-agent"),
                "bytes": len(resp.body),
            }
        )


class SandboxHandle:
    """What `run_sandbox` yields: the address, the clock, the test-only captcha channel and
    the ground truth of a running sandbox."""

    def __init__(self, config: SandboxConfig, site: Site, server: SandboxServer, port: int):
        self.config = config
        self.site = site
        self.server = server
        self.host = config.host
        self.port = port
        self.url = f"http://{config.host}:{port}"
        self._warm_thread: threading.Thread | None = None

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Block until every court's caseload is generated (True) or `timeout` passes.

        Call it before measuring intervals on the wire: while the background generation runs
        it competes with the server thread for the interpreter lock, which delays request
        timestamps by up to the switch interval (5 ms) and bunches them."""
        if self._warm_thread is None:
            return True
        self._warm_thread.join(timeout)
        return not self._warm_thread.is_alive()

    @property
    def now(self) -> dt.date:
        return self.site.now

    def set_now(self, now: dt.date) -> None:
        """Move the sandbox clock (what is visible, decided, removed by then)."""
        self.site.now = now

    def captcha_answer(self, court_host: str) -> str:
        """TEST-ONLY channel: the code that solves the court's current captcha challenge (with
        captcha pairs: the challenge the court showed last)."""
        if self.site.pairs is not None:
            return self.site.pairs.latest_solution(court_host) or ""
        return self.site.gate.captchas.answer(court_host)

    def captcha_solution(self, captcha_id: str) -> str | None:
        """TEST-ONLY channel (captcha pairs): the digits of an issued `captchaid`."""
        return self.site.pairs.solution(captcha_id) if self.site.pairs is not None else None

    @property
    def captcha_counts(self) -> dict[str, int]:
        """Captcha answers the server received (pairs): solved, wrong, reused (a valid pair
        resent), expired, unknown_pair, throttled."""
        return dict(self.site.pairs.counts) if self.site.pairs is not None else {}

    def captcha_counts_of(self, court_code: str) -> dict[str, int]:
        if self.site.pairs is None:
            return {}
        return dict(self.site.pairs.by_court.get(court_code, {}))

    @property
    def courts(self) -> list[SimCourt]:
        """The courts with their traits as their sites are at the clock (a migrated court's
        current dialect and template)."""
        return self.site.courts_now()

    def registry(self) -> list[Court]:
        """The stale registry a test hands the harvester (see `stale_registry`)."""
        return stale_registry(self.site.network)

    @property
    def migrations(self) -> dict[str, dt.date]:
        """Court code → the date its site switches dialect and template."""
        return migrations(self.site.network)

    @property
    def redirects(self) -> dict[str, tuple[str, str | None]]:
        """Court code → (kind "https" | "host" | "off-site", the new host or None)."""
        return redirects(self.site.network)

    @property
    def truth(self) -> list[TruthCase]:
        """The ground truth as of the sandbox clock."""
        return truth_cases(self.site.caseload, self.site.now)

    def truth_of(self, *court_codes: str) -> list[TruthCase]:
        """The ground truth of some courts only (cheaper than `truth` for a few courts)."""
        return truth_cases(self.site.caseload, self.site.now, list(court_codes))

    @property
    def requests_served(self) -> int:
        return self.server.requests

    def court_url(self, real_url: str) -> str:
        """`http://HOST/modules.php?…` → the same page in this sandbox."""
        split = urlsplit(real_url)
        return f"{self.url}/{split.hostname}{split.path}" + (
            f"?{split.query}" if split.query else ""
        )


def build_site(config: SandboxConfig) -> Site:
    """The sites of a sandbox run, without a server (for tests and benchmarks)."""
    network = build_network(config)
    return Site(config, network, Caseload(config, network))


@contextlib.contextmanager
def run_sandbox(config: SandboxConfig | None = None) -> Iterator[SandboxHandle]:
    """Start the sandbox in a background thread; stop it when the block ends."""
    config = config or SandboxConfig()
    site = build_site(config)
    log = RequestLog(config.request_log)
    server = SandboxServer(site, log)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        srv = await asyncio.start_server(
            server.serve_connection, config.host, config.port, limit=MAX_HEADER, backlog=512
        )
        state["server"] = srv
        state["port"] = srv.sockets[0].getsockname()[1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # report a failed bind to the caller
            state["error"] = exc
            started.set()
            return
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="kartoteka-sandbox", daemon=True)
    thread.start()
    started.wait()
    if "error" in state:
        log.close()
        raise state["error"]  # type: ignore[misc]
    handle = SandboxHandle(config, site, server, int(state["port"]))  # type: ignore[call-overload]
    stop_warming = threading.Event()
    if config.warm:
        handle._warm_thread = threading.Thread(
            target=site.caseload.warm,
            args=(stop_warming,),
            name="kartoteka-sandbox-warm",
            daemon=True,
        )
        handle._warm_thread.start()
    try:
        yield handle
    finally:
        stop_warming.set()

        async def stop() -> None:
            srv = state["server"]
            srv.close()  # type: ignore[attr-defined]
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        log.close()
