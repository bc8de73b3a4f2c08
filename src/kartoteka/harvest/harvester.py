"""A harvest run: every selected court in parallel, each court sequentially, one gateway.

Per court: find its query dialect (registry, else remembered, else detected from its search
form), list every planned window page by page and reconcile the rows with the site's own
counter, then fetch the cards that matter. Every page is classified before it is used:

- captcha → stop asking that court (or, with a solver, e.g. a person at a terminal, answer it
  and go on); the court is reported as "captcha";
- unrecognized → stop that window (it stays incomplete and is retried by the next run) and
  report the URL and the reason;
- unavailable / 429 → the gateway cools the court down; the other courts go on.

Resumption: the run id is kept in the state until the run finishes. A run restarted with the
same parameters takes the same id and, before fetching any page, looks in the archive index
for a usable response of that run; only pages not archived yet are fetched.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import math
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from kartoteka.errors import Blocked, CaptchaRequired, KartotekaError, Throttled
from kartoteka.harvest.captcha import CaptchaChallenge, read_challenge, save_image
from kartoteka.harvest.client import (
    DailyCapReached,
    FetchFailed,
    Gateway,
    Response,
    RobotsDisallowed,
)
from kartoteka.harvest.planner import (
    PlanOptions,
    candidate_windows,
    card_signature,
    needs_card,
    plan_windows,
    row_is_final,
    row_is_watched,
    row_signature,
)
from kartoteka.harvest.politeness import PolitenessConfig
from kartoteka.harvest.state import CaseState, HarvestState, Window
from kartoteka.harvest.warc import WarcWriter, read_response
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court
from kartoteka.sudrf import classify, read_page
from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.models import Page, PageKind
from kartoteka.sudrf.urls import (
    PAGE_SIZE,
    Dialect,
    card_url,
    listing_url,
    search_form_url,
)

CARD_GONE = "gone"  # card signature of a case whose card answered "no data"
USABLE_KINDS = (PageKind.LISTING.value, PageKind.EMPTY.value, PageKind.CARD.value)


class CourtStatus(StrEnum):
    OK = "ok"
    INCOMPLETE = "incomplete"
    CAPTCHA = "captcha"
    UNAVAILABLE = "unavailable"
    BLOCKED = "blocked"
    ERROR = "error"


@dataclass(slots=True)
class CourtReport:
    """One row of the closing summary."""

    code: str
    host: str
    status: CourtStatus = CourtStatus.OK
    detail: str | None = None
    requests: int = 0  # requests sent to this court in this process
    pages_used: int = 0  # listing and card pages used (fetched or replayed from the archive)
    replayed: int = 0  # pages read back from the archive instead of fetched (resumption)
    windows: int = 0
    windows_incomplete: int = 0
    cards: int = 0
    new_cases: int = 0
    changed_cases: int = 0
    elapsed: float = 0.0
    utilisation: float | None = None  # time at the per-host bound / elapsed
    imposed_wait: float = 0.0  # seconds the site made us wait (cooldowns, Retry-After, backoff)
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class HarvestReport:
    run_id: str
    resumed: bool
    courts: list[CourtReport]
    elapsed: float
    requests: int
    truncated_warcs: list[str] = field(default_factory=list)
    send_log: list[tuple[str, float]] = field(default_factory=list)  # (host, monotonic start)

    @property
    def new_cases(self) -> int:
        return sum(c.new_cases for c in self.courts)

    @property
    def changed_cases(self) -> int:
        return sum(c.changed_cases for c in self.courts)

    def requests_per_case(self) -> float | None:
        moved = self.new_cases + self.changed_cases
        return self.requests / moved if moved else None


class _StopCourt(Exception):
    def __init__(self, status: CourtStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


# A captcha solver gets the challenge (image saved under DataDir.state/captcha) and returns
# the code, or None to give up on that court for this run. It may be a coroutine function.
CaptchaSolver = Callable[[CaptchaChallenge], Any]
ProgressHook = Callable[[str, int, int], None]  # (court code, pages done, pages planned)


def exit_with_parent(parent_pid: int) -> None:
    """Parse workers end when the harvester does, even after `kill -9` (which gives the
    harvester no chance to shut its pool down)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def read_for_harvest(body: bytes, url: str) -> Page:
    """What the harvester needs from a page (runs in a worker process): listings are parsed
    in full (their rows drive the plan); cards are only classified, since the harvest needs
    their kind and their bytes, and ingest parses them from the archive anyway."""
    if "name_op=case" in url:
        kind, template = classify(decode_page(body))
        return Page(kind, template, url=url)
    return read_page(body, url)


def detect_dialect(text: str) -> Dialect | None:
    """The query dialect a search form speaks, from its field names."""
    lowered = text.lower()
    # Classic first: its field names contain the vnkod ones ("u1_case__entry_date1d").
    if "u1_case__entry_date1d" in lowered or "delo_table" in lowered:
        return Dialect.CLASSIC
    if "case__entry_date1d" in lowered or "_deloid" in lowered or "parts__law_articless" in lowered:
        return Dialect.VNKOD
    return None


class Harvester:
    def __init__(
        self,
        data_dir: DataDir,
        courts: list[Court],
        config: PolitenessConfig,
        options: PlanOptions | None = None,
        *,
        sandbox_url: str | None = None,
        proxy: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        captcha_solver: CaptchaSolver | None = None,
        progress: ProgressHook | None = None,
        archive_dir: str | None = None,
        parse_workers: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.courts = courts
        self.config = config.validate()
        self.options = options or PlanOptions()
        self.sandbox_url = sandbox_url
        self.proxy = proxy
        self.transport = transport
        self.captcha_solver = captcha_solver
        self.progress = progress
        self.archive_dir = data_dir.archive if archive_dir is None else Path(archive_dir)
        self._by_host = {c.host: c for c in courts}
        self.parse_workers = parse_workers or min(2, os.cpu_count() or 1)
        self._parsers: concurrent.futures.Executor | None = None
        self._io: concurrent.futures.Executor | None = None
        self.run_id = ""
        self.writer: WarcWriter | None = None
        self.state: HarvestState | None = None
        self.gateway: Gateway | None = None

    # -- the archive hook ----------------------------------------------------------------
    async def _classify(self, resp: Response) -> tuple[str | None, Page]:
        """Classify (and parse) in a worker process: parsing is the harvest's main CPU cost,
        and on the event loop it would delay every court's next request."""
        page = await self._parse(resp.body, resp.url)
        return page.kind.value, page

    async def _archive(self, resp: Response, kind: str | None) -> None:
        """Write the exchange to the WARC archive in the writer thread (gzip and SQLite let
        go of the interpreter lock, so this overlaps with the event loop)."""
        court = self._by_host.get(urlsplit(resp.url).netloc)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._io, self._write, resp, kind, court.code if court else None)

    def _write(self, resp: Response, kind: str | None, court_code: str | None) -> None:
        assert self.writer is not None
        self.writer.write_exchange(
            resp.url,
            resp.request_headers,
            resp.status,
            resp.headers,
            resp.body,
            court_code=court_code,
            page_kind=kind,
            simulated=resp.simulated,
            run_id=self.run_id,
            fetched_at=resp.fetched_at,
        )

    async def _read_archived(self, warc_file: str, offset: int) -> bytes:
        loop = asyncio.get_running_loop()
        record = await loop.run_in_executor(
            self._io, read_response, self.archive_dir, warc_file, offset
        )
        return record.body

    async def _parse(self, body: bytes, url: str) -> Page:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._parsers, read_for_harvest, body, url)

    # -- fetching one page (or replaying it) ---------------------------------------------
    async def _page(self, court: Court, url: str, report: CourtReport) -> tuple[Page, bytes]:
        """A usable page for `url` and its bytes: from this run's archive if there, else
        fetched."""
        assert self.writer is not None and self.gateway is not None
        index = self.writer.index
        # A page answered after a captcha was archived under its URL with the answer
        # appended (`&captcha=…&captchaid=…`): that is the URL really fetched.
        archived = index.lookup(url, run_id=self.run_id, page_kinds=USABLE_KINDS) or index.lookup(
            url + "&captcha=", run_id=self.run_id, page_kinds=USABLE_KINDS, prefix=True
        )
        if archived:
            entry = archived[-1]
            body = await self._read_archived(entry.warc_file, entry.offset)
            report.replayed += 1
            report.pages_used += 1
            return await self._parse(body, url), body
        extra: dict[str, str] = {}
        tries = 0
        while True:
            target = url + "".join(f"&{k}={v}" for k, v in extra.items())
            resp = await self.gateway.get(target)
            page = resp.page if isinstance(resp.page, Page) else read_for_harvest(resp.body, url)
            if page.kind is PageKind.CAPTCHA:
                tries += 1
                challenge = read_challenge(resp.body, target, court.code)
                answer = None
                if self.captcha_solver is not None and tries <= 3:
                    answer = self.captcha_solver(
                        save_image(challenge, self.data_dir.state / "captcha")
                    )
                    if asyncio.iscoroutine(answer):
                        answer = await answer
                if not answer:
                    raise CaptchaRequired("the court asks for a captcha", target)
                extra = challenge.answer_params(str(answer))
                continue
            if resp.status != 200 and page.kind not in (
                PageKind.LISTING,
                PageKind.CARD,
                PageKind.EMPTY,
            ):
                page = Page(PageKind.UNRECOGNIZED, reason=f"HTTP {resp.status}", url=target)
            report.pages_used += 1
            return page, resp.body

    # -- one court -----------------------------------------------------------------------
    async def _dialect(self, court: Court, report: CourtReport) -> Dialect:
        assert self.state is not None and self.gateway is not None
        if court.dialect is not None:
            return court.dialect
        remembered = self.state.dialect(court.code)
        if remembered:
            return Dialect(remembered)
        url = search_form_url(court.host)
        archived = self.writer.index.lookup(url, run_id=self.run_id) if self.writer else []
        if archived:
            body = read_response(self.archive_dir, archived[-1].warc_file, archived[-1].offset).body
        else:
            resp = await self.gateway.get(url)
            body = resp.body
        dialect = detect_dialect(decode_page(body))
        if dialect is None:
            raise _StopCourt(CourtStatus.ERROR, f"cannot tell the query dialect from {url}")
        self.state.remember_dialect(court.code, dialect.value)
        return dialect

    async def _list_window(
        self, court: Court, dialect: Dialect, w: Window, report: CourtReport, planned: list[int]
    ) -> None:
        """Every page of one window, reconciled with the counter; rows saved as cases."""
        assert self.state is not None
        total: int | None = None
        seen: set[str] = set()
        pages = 0
        page_no = 1
        problem = None
        uncounted = False
        while True:
            url = listing_url(
                court.host, dialect, w.date_from, w.date_to, page=page_no, instance=w.instance
            )
            page, _ = await self._page(court, url, report)
            pages += 1
            self._tick(court, report, planned)
            if page.kind is PageKind.EMPTY and page_no == 1:
                total = 0
                break
            if page.kind is not PageKind.LISTING or page.listing is None:
                problem = (
                    f"window {w.instance} {w.date_from}..{w.date_to}: "
                    f"{page.kind.value} page ({page.reason or 'no reason'}) at {url}"
                )
                report.problems.append(problem)
                break
            listing = page.listing
            if page_no == 1:
                total = listing.total
                if total is None:
                    # No counter on the page: page on while pages are full, but the window
                    # cannot be proven complete (it is listed again next run).
                    uncounted = True
                else:
                    planned[0] += max(0, math.ceil(total / PAGE_SIZE) - 1)
            self._save_rows(court, w, listing.rows, report, seen)
            if total is None:
                if len(listing.rows) < PAGE_SIZE:
                    break
            elif page_no >= math.ceil(total / PAGE_SIZE) or not listing.rows:
                break
            page_no += 1
        if uncounted and problem is None:
            problem = (
                f"window {w.instance} {w.date_from}..{w.date_to}: the site printed no "
                f"counter; {len(seen)} rows collected, completeness unproven"
            )
            report.problems.append(problem)
        complete = problem is None and total is not None and len(seen) == total
        if problem is None and not complete:
            problem = (
                f"window {w.instance} {w.date_from}..{w.date_to}: {len(seen)} rows "
                f"collected, the counter says {total}"
            )
            report.problems.append(problem)
        self.state.save_window(
            w,
            expected=total,
            collected=len(seen),
            complete=complete,
            pages=pages,
            run_id=self.run_id,
            problem=problem,
        )
        if not complete:
            report.windows_incomplete += 1

    def _save_rows(
        self, court: Court, w: Window, rows: list, report: CourtReport, seen: set[str]
    ) -> None:
        assert self.state is not None
        with self.state.transaction():
            for row in rows:
                if not row.case_id:
                    continue
                seen.add(row.case_id)
                self.state.see_case(
                    court_code=court.code,
                    instance=w.instance,
                    case_id=row.case_id,
                    case_uid=row.case_uid,
                    case_number=row.case_number,
                    entry_date=row.entry_date.isoformat() if row.entry_date else None,
                    card_url=row.url,
                    row_sig=row_signature(row),
                    watched=row_is_watched(row, self.options.watch),
                    final=row_is_final(row),
                    run_id=self.run_id,
                )

    def _cards_to_fetch(self, court: Court) -> list[tuple[str, str, str | None, bool]]:
        """(instance, case id, case uid, listed in this run) of every card this run needs."""
        assert self.state is not None
        now = time.time()
        out = []
        for (
            inst,
            case_id,
            uid,
            row_sig,
            watched,
            final,
            card_sig,
            card_at,
            card_run,
            card_row_sig,
            row_run,
        ) in self.state.db.execute(
            "SELECT instance, case_id, case_uid, row_sig, watched, final, card_sig, "
            "card_at, card_run, card_row_sig, row_run FROM cases WHERE court_code = ? "
            "ORDER BY instance, entry_date, case_id",
            (court.code,),
        ):
            case = CaseState(row_sig, card_sig, card_at, card_run, bool(final), None, card_row_sig)
            # A case not listed in this run (an older window) has the same row signature as
            # when its card was read, so `needs_card` asks only whether an undecided case's
            # card has gone stale: a case suspended for a contract years ago still gets its
            # termination read, although its window is no longer re-listed.
            if needs_card(
                case,
                row_sig,
                watched=bool(watched),
                all_cards=self.options.all_cards,
                card_max_age=self.options.card_max_age,
                now=now,
                card_row_sig=card_row_sig,
                run_id=self.run_id,
            ):
                out.append((inst, case_id, uid, row_run == self.run_id))
        return out

    async def _fetch_card(
        self,
        court: Court,
        dialect: Dialect,
        inst: str,
        case_id: str,
        uid: str | None,
        report: CourtReport,
        planned: list[int],
        *,
        listed: bool = True,
    ) -> None:
        assert self.state is not None
        url = card_url(court.host, dialect, case_id, uid, instance=inst)
        page, body = await self._page(court, url, report)
        self._tick(court, report, planned)
        if page.kind is PageKind.EMPTY and not listed:
            # A stale card of a case no longer listed in this run is gone from the site (the
            # case was removed): evidence for the store, not a fault of this run. Remember the
            # fetch so that it is asked again only when it is stale again.
            with self.state.transaction():
                self.state.card_fetched(court.code, inst, case_id, CARD_GONE, self.run_id)
            return
        if page.kind is not PageKind.CARD:
            report.problems.append(
                f"card {case_id}: {page.kind.value} page ({page.reason or 'no reason'}) at {url}"
            )
            return
        with self.state.transaction():
            self.state.card_fetched(court.code, inst, case_id, card_signature(body), self.run_id)
        report.cards += 1

    def _tick(self, court: Court, report: CourtReport, planned: list[int]) -> None:
        if self.gateway is not None:
            self.gateway.priority[court.host] = max(0, planned[0] - report.pages_used)
        if self.progress is not None:
            self.progress(court.code, report.pages_used, planned[0])

    async def _court(self, court: Court) -> CourtReport:
        assert self.state is not None and self.gateway is not None
        report = CourtReport(court.code, court.host)
        started = time.monotonic()
        failures = 0
        try:
            dialect = await self._dialect(court, report)
            known = {w: self.state.window(w) for w in candidate_windows(court, self.options)}
            for w in self.state.incomplete_windows(court.code):
                known.setdefault(w, self.state.window(w))
            windows = plan_windows(
                court, self.options, known, self.run_id, lookup=self.state.window
            )
            report.windows = len(windows)
            planned = [len(windows)]
            self._tick(court, report, planned)
            for w in windows:
                try:
                    await self._list_window(court, dialect, w, report, planned)
                    failures = 0
                except (FetchFailed, DailyCapReached) as exc:
                    report.windows_incomplete += 1
                    report.problems.append(str(exc))
                    failures += 1
                    if isinstance(exc, DailyCapReached) or failures >= 3:
                        raise
            cards = self._cards_to_fetch(court)
            planned[0] += len(cards)
            self._tick(court, report, planned)
            for inst, case_id, uid, listed in cards:
                try:
                    await self._fetch_card(
                        court, dialect, inst, case_id, uid, report, planned, listed=listed
                    )
                    failures = 0
                except FetchFailed as exc:
                    report.problems.append(str(exc))
                    failures += 1
                    if failures >= 3:
                        raise
            if report.windows_incomplete or report.problems:
                report.status = CourtStatus.INCOMPLETE
        except CaptchaRequired as exc:
            report.status, report.detail = CourtStatus.CAPTCHA, f"needs captcha: {exc.url}"
        except (Blocked, RobotsDisallowed) as exc:
            report.status, report.detail = CourtStatus.BLOCKED, str(exc)
        except (Throttled, FetchFailed) as exc:
            report.status, report.detail = CourtStatus.UNAVAILABLE, str(exc)
        except DailyCapReached as exc:
            report.status, report.detail = CourtStatus.INCOMPLETE, str(exc)
        except _StopCourt as exc:
            report.status, report.detail = exc.status, exc.detail
        except KartotekaError as exc:
            report.status, report.detail = CourtStatus.ERROR, str(exc)
        except Exception as exc:  # a bug must not end the other courts' harvest
            report.status = CourtStatus.ERROR
            report.detail = f"{type(exc).__name__}: {exc}"
            report.problems.append(traceback.format_exc())
        report.elapsed = time.monotonic() - started
        stats = self.gateway.stats.get(court.host)
        if stats is not None:
            report.requests = stats.requests
            report.imposed_wait = stats.cooldown_seconds + stats.backoff_seconds
            if report.elapsed > 0:
                report.utilisation = min(
                    1.0, stats.requests * self.config.per_host_interval / report.elapsed
                )
        if report.detail is None and report.problems:
            report.detail = report.problems[0][:200]
        self.state.set_court_status(court.code, self.run_id, report.status.value, report.detail)
        return report

    # -- the run -------------------------------------------------------------------------
    async def run(self) -> HarvestReport:
        started = time.monotonic()
        self._parsers = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.parse_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )
        self._io = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        # The event loop must get the interpreter lock back quickly from the writer thread,
        # or every court's next request waits for it.
        switch = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        try:
            return await self._run(started)
        finally:
            sys.setswitchinterval(switch)
            self._io.shutdown(wait=True)
            self._parsers.shutdown(wait=True, cancel_futures=True)

    async def _run(self, started: float) -> HarvestReport:
        self.state = HarvestState(self.data_dir.state)
        self.writer = WarcWriter(self.archive_dir)
        self.run_id, resumed = self.state.open_run(self.options.params())
        self.gateway = Gateway(
            self.config,
            sandbox_url=self.sandbox_url,
            proxy=self.proxy,
            transport=self.transport,
            ledger=self.state,
            on_response=self._archive,
            classify=self._classify,
        )
        try:
            reports = await asyncio.gather(*(self._court(c) for c in self.courts))
        finally:
            await self.gateway.aclose()
        counts = self.state.run_case_counts(self.run_id)
        for r in reports:
            r.new_cases, r.changed_cases = counts.get(r.code, (0, 0))
        report = HarvestReport(
            run_id=self.run_id,
            resumed=resumed,
            courts=list(reports),
            elapsed=time.monotonic() - started,
            requests=sum(s.requests for s in self.gateway.stats.values()),
            truncated_warcs=self.writer.truncated,
            send_log=list(self.gateway.send_log),
        )
        self.state.finish_run(
            self.run_id,
            {
                "courts": {r.code: r.status.value for r in reports},
                "requests": report.requests,
                "finished": dt.datetime.now(dt.UTC).isoformat(),
            },
        )
        self.writer.close()
        self.state.close()
        return report


def harvest(
    data_dir: DataDir,
    courts: list[Court],
    config: PolitenessConfig,
    options: PlanOptions | None = None,
    **kwargs: Any,
) -> HarvestReport:
    """Run a harvest to its end (synchronous convenience wrapper)."""
    return asyncio.run(Harvester(data_dir, courts, config, options, **kwargs).run())
