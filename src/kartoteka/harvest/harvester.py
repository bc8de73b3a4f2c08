"""A harvest run: every selected court in parallel, each court sequentially, one gateway.

Per court: start from what is believed about its site (what its own pages showed in earlier
runs, else the registry's hint, else its search form's field names), list every planned
window page by page and reconcile the rows with the site's own counter, then fetch the cards
that matter. What is believed is a hypothesis (issue 9, docs/harvest.md "What is verified"):
"no data" counts as zero only once the court has answered the same dialect with rows in this
run; until then the window is suspect-empty and a control query, then a re-probe (search
form, the other dialect) settle it; changes of dialect, template, host and scheme are
recorded in the state. Every page is classified before it is used:

- captcha → send the scope's solved pair if one is in force, else ask a person once per
  scope (or save the challenge as pending) and go on; the court is reported as "captcha"
  when no answer is to be had;
- unrecognized → stop that window (it stays incomplete and is retried by the next run) and
  report the URL and the reason;
- unavailable / 429 → the gateway cools the court down; the other courts go on.

After a card whose act tab only links its acts (`name_op=doc`), the linked act pages are
fetched the same way (kartoteka.harvest.acts says which, and when again); acts still pending
or failed from earlier runs are fetched at the end of the court.

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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from kartoteka.errors import Blocked, CaptchaRequired, KartotekaError, Throttled
from kartoteka.harvest.acts import (
    ActStatus,
    act_outcome,
    awaits_act,
    card_act_links,
    needs_recheck,
)
from kartoteka.harvest.captcha import (
    CaptchaChallenge,
    CaptchaPolicy,
    read_challenge,
    save_image,
)
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
from kartoteka.harvest.state import (
    BeliefKind,
    CaptchaPair,
    CaseState,
    Change,
    HarvestState,
    Window,
    WindowStatus,
)
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

# The control query that proves a court answers a dialect with rows: all cases of one
# instance received from this date to the end of the run's period (one page is enough).
CONTROL_SINCE = dt.date(2000, 1, 1)
# Windows answered "no data" before the court's dialect is proven in this run: after this
# many, prove it at once (fewer wasted requests on a migrated court) rather than at the end.
PROVE_AFTER_EMPTIES = 3
# Passes over one window when its counter changes between pages (rows shifting).
LIST_PASSES = 2

CARD_GONE = "gone"  # card signature of a case whose card answered "no data"
USABLE_KINDS = (
    PageKind.LISTING.value,
    PageKind.EMPTY.value,
    PageKind.CARD.value,
    PageKind.ACT.value,
)


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
    # Requests spent on verifying what is believed about the court (issue 9): control
    # queries, search-form re-probes, listings wasted in a refuted dialect, re-listings of
    # windows whose rows shifted, redirect hops. Included in `requests`.
    extra_requests: int = 0
    windows_suspect: int = 0  # windows answered "no data" without proof of the dialect
    changes: list[Change] = field(default_factory=list)  # beliefs changed in this run
    captcha_questions: int = 0  # captchas a person (the solver) was asked in this run
    captcha_wrong: int = 0  # answers the site refused
    # Linked judicial acts (`name_op=doc` pages, issue 13): pages read with a usable answer
    # (a text, a stub, "no data"), of which texts, and fetches that failed (retried next run).
    acts: int = 0
    act_texts: int = 0
    acts_failed: int = 0


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

    @property
    def captcha_questions(self) -> int:
        return sum(c.captcha_questions for c in self.courts)

    @property
    def extra_requests(self) -> int:
        return sum(c.extra_requests for c in self.courts)

    @property
    def acts(self) -> int:
        return sum(c.acts for c in self.courts)

    @property
    def acts_failed(self) -> int:
        return sum(c.acts_failed for c in self.courts)

    def requests_per_case(self) -> float | None:
        moved = self.new_cases + self.changed_cases
        return self.requests / moved if moved else None


class _StopCourt(Exception):
    def __init__(self, status: CourtStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(slots=True)
class _Site:
    """What this run believes about one court's site. Every item is a hypothesis: the
    dialect is proven only by a listing in it with rows in this run (`proven`); until then an
    answer "no data" proves nothing and its window waits in `pending` (saved as
    suspect-empty)."""

    dialect: Dialect
    host: str
    scheme: str = "http"
    template: str | None = None
    proven: bool = False
    probed: bool = False  # the re-probe ran in this run (it runs at most once per court)
    contradicted: str | None = None  # evidence against the dialect seen on an empty page
    pending: list[tuple[Window, int]] = field(default_factory=list)  # (window, pages)
    verified: set[str] = field(default_factory=set)  # beliefs verified in this run

    def window_url(self, w: Window, page: int) -> str:
        """Page `page` of a window's listing, as this run believes the site is asked."""
        return listing_url(
            self.host,
            self.dialect,
            w.date_from,
            w.date_to,
            page=page,
            instance=w.instance,
            scheme=self.scheme,
        )


@dataclass(slots=True)
class _Pass:
    """One pass over the pages of a window."""

    total: int | None = None
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    problem: str | None = None
    uncounted: bool = False
    empty: bool = False  # page 1 said "no data"
    empty_body: bytes = b""
    shifted: str | None = None  # the counter moved between pages: "N -> M"
    shift_at: int | None = None  # the first page that showed the new counter
    unstable: bool = False  # the counter moved more than once, or a page failed the mend
    by_page: dict[int, set[str]] = field(default_factory=dict)  # case ids per page


def _pair_params(pair: CaptchaPair | None) -> dict[str, str]:
    if pair is None:
        return {}
    params = {"captcha": pair.captcha}
    if pair.captcha_id:
        params["captchaid"] = pair.captcha_id
    return params


def _same_pair(a: CaptchaPair | None, b: CaptchaPair | None) -> bool:
    return (
        a is not None
        and b is not None
        and (a.captcha, a.captcha_id, a.solved_at) == (b.captcha, b.captcha_id, b.solved_at)
    )


def other_dialect(dialect: Dialect) -> Dialect:
    return Dialect.VNKOD if dialect is Dialect.CLASSIC else Dialect.CLASSIC


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
        captcha_policy: CaptchaPolicy | None = None,
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
        self.captcha_policy = captcha_policy or CaptchaPolicy()
        self._captcha_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._wrong: dict[str, int] = defaultdict(int)  # wrong captcha answers per court
        self._declined: set[str] = set()  # scopes whose question a person declined
        # Scope → its pair was accepted as an answer and not yet resent successfully.
        self._fresh_pair: dict[str, bool] = {}
        self._gate_scopes: set[str] = set()  # scopes whose sites refuse a pair resent
        self._acts_stopped: set[str] = set()  # courts whose act pages asked for a captcha
        self.progress = progress
        self.archive_dir = data_dir.archive if archive_dir is None else Path(archive_dir)
        self._by_host = {c.host: c for c in courts}
        self._sites: dict[str, _Site] = {}
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
        if court is None and self.gateway is not None:
            court = self._by_host.get(self.gateway.key(urlsplit(resp.url).netloc))
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
    async def _page(
        self, court: Court, url: str, report: CourtReport, *, fresh: bool = False
    ) -> tuple[Page, bytes]:
        """A usable page for `url` and its bytes: from this run's archive if there (unless
        `fresh`: a window listed again because its rows shifted), else fetched."""
        assert self.writer is not None and self.gateway is not None and self.state is not None
        index = self.writer.index
        # A page answered after a captcha was archived under its URL with the answer
        # appended (`&captcha=…&captchaid=…`): that is the URL really fetched.
        archived = (
            []
            if fresh
            else index.lookup(url, run_id=self.run_id, page_kinds=USABLE_KINDS)
            or index.lookup(
                url + "&captcha=", run_id=self.run_id, page_kinds=USABLE_KINDS, prefix=True
            )
        )
        if archived:
            entry = archived[-1]
            body = await self._read_archived(entry.warc_file, entry.offset)
            report.replayed += 1
            report.pages_used += 1
            return await self._parse(body, url), body
        scope = self.captcha_policy.scope_key(court.code, court.region_code)
        # The solved pair this request carries, if any (none where the site turned out to
        # open a gate for a while instead of accepting the pair again).
        sent = None if scope in self._gate_scopes else self._pair_for(scope)
        extra = _pair_params(sent)
        asked = False  # `extra` carries an answer just given, not yet accepted by the site
        forms = 0
        lock: asyncio.Lock | None = None
        try:
            while True:
                target = url + "".join(f"&{k}={v}" for k, v in extra.items())
                resp = await self.gateway.get(target)
                self._moved(court, self._sites.get(court.code), resp, report)
                page = (
                    resp.page if isinstance(resp.page, Page) else read_for_harvest(resp.body, url)
                )
                if resp.refused_redirect is not None:
                    page = Page(
                        PageKind.UNRECOGNIZED,
                        reason=f"HTTP {resp.status} redirect off the court network to "
                        f"{resp.refused_redirect} (not followed)",
                        url=target,
                    )
                    report.pages_used += 1
                    return page, resp.body
                if page.kind is PageKind.CAPTCHA:
                    forms += 1
                    challenge = read_challenge(resp.body, target, court.code)
                    if asked:
                        self._wrong[court.code] += 1
                        report.captcha_wrong += 1
                        if self._wrong[court.code] >= self.captcha_policy.max_wrong:
                            raise CaptchaRequired(
                                f"{self._wrong[court.code]} wrong captcha answers in this run "
                                "(more would get the court throttled): left for the next run",
                                target,
                            )
                    elif sent is not None:
                        # The site showed the form although the pair was sent: it expired.
                        self._expire(scope, sent)
                        if self._fresh_pair.get(scope):
                            # Refused right after it was accepted: this site does not take
                            # a solved pair twice (its gate stays open for a while instead).
                            # Ask again without the pair before asking a person.
                            self._gate_scopes.add(scope)
                            sent, extra = None, {}
                            continue
                    if forms > 2 * self.captcha_policy.max_wrong + 2:
                        raise CaptchaRequired("the court keeps asking for a captcha", target)
                    if lock is None:
                        lock = self._captcha_locks[scope]
                        await lock.acquire()
                    # One question per scope per expiry: a court of the scope may have had
                    # its answer accepted while this one waited.
                    newer = self._pair_for(scope)
                    if newer is not None and not asked and not _same_pair(newer, sent):
                        sent, extra = newer, _pair_params(newer)
                        continue
                    answer = await self._ask(court, scope, challenge, report)
                    extra, sent, asked = challenge.answer_params(answer), None, True
                    continue
                if sent is not None:
                    self._fresh_pair[scope] = False  # the site takes it again: a pair site
                    self._gate_scopes.discard(scope)
                if asked:
                    self._fresh_pair[scope] = True
                    now = time.time()
                    self.state.save_captcha_pair(
                        scope,
                        extra["captcha"],
                        extra.get("captchaid"),
                        court.code,
                        solved_at=now,
                        expires_at=now + self.captcha_policy.validity_s,
                    )
                    self.state.drop_pending(court.code)
                if resp.status != 200 and page.kind not in (
                    PageKind.LISTING,
                    PageKind.CARD,
                    PageKind.EMPTY,
                ):
                    page = Page(PageKind.UNRECOGNIZED, reason=f"HTTP {resp.status}", url=target)
                report.pages_used += 1
                return page, resp.body
        finally:
            if lock is not None:
                lock.release()

    # -- captcha pairs ---------------------------------------------------------------------
    def _pair_for(self, scope: str) -> CaptchaPair | None:
        """The scope's solved pair while it is valid (sent with every request of the scope)."""
        assert self.state is not None
        pair = self.state.captcha_pair(scope)
        return pair if pair is not None and pair.valid(time.time()) else None

    def _expire(self, scope: str, sent: CaptchaPair) -> None:
        assert self.state is not None
        current = self.state.captcha_pair(scope)
        if current is not None and _same_pair(current, sent):
            self.state.expire_captcha_pair(scope, time.time())

    async def _ask(
        self, court: Court, scope: str, challenge: CaptchaChallenge, report: CourtReport
    ) -> str:
        """A person's answer, or CaptchaRequired with the challenge saved as pending (for
        `kartoteka captcha`) when no one can be asked or they declined."""
        assert self.state is not None
        saved = save_image(challenge, self.data_dir.state / "captcha")
        answer: Any = None
        if self.captcha_solver is not None and scope not in self._declined:
            answer = self.captcha_solver(saved)
            if asyncio.iscoroutine(answer):
                answer = await answer
            report.captcha_questions += 1
            if not answer:
                self._declined.add(scope)  # do not ask about this scope again in this run
        if answer:
            return str(answer).strip()
        self.state.save_pending(
            court.code,
            scope,
            image_path=str(saved.image_path) if saved.image_path else saved.image_url,
            page_url=challenge.page_url,
            captcha_id=challenge.captcha_id,
            asked_at=time.time(),
        )
        raise CaptchaRequired("the court asks for a captcha", challenge.page_url)

    def _adopt_answers(self) -> None:
        """Answers given with `kartoteka captcha answer` since the last run become their
        scope's pair (valid from when they were given)."""
        assert self.state is not None
        region = {c.code: c.region_code for c in self.courts}
        for p in self.state.pending_challenges():
            if p.answer is None or p.answered_at is None:
                continue
            scope = (
                self.captcha_policy.scope_key(p.court_code, region[p.court_code])
                if p.court_code in region
                else p.scope_key
            )
            self.state.save_captcha_pair(
                scope,
                p.answer,
                p.captcha_id,
                p.court_code,
                solved_at=p.answered_at,
                expires_at=p.answered_at + self.captcha_policy.validity_s,
            )
            self.state.drop_pending(p.court_code)

    # -- what is believed about a court --------------------------------------------------
    async def _raw(self, court: Court, url: str, report: CourtReport) -> bytes:
        """Any page of this run's archive for `url`, else fetched (a search form: its kind
        does not matter, its field names do)."""
        assert self.gateway is not None
        archived = self.writer.index.lookup(url, run_id=self.run_id) if self.writer else []
        if archived:
            report.replayed += 1
            return await self._read_archived(archived[-1].warc_file, archived[-1].offset)
        resp = await self.gateway.get(url)
        self._moved(court, self._sites.get(court.code), resp, report)
        return resp.body

    async def _site(self, court: Court, report: CourtReport) -> _Site:
        """The hypothesis to start from: what this court's own pages showed before (the
        state), else the registry's hint, else the dialect its search form speaks."""
        assert self.state is not None and self.gateway is not None
        beliefs = self.state.beliefs(court.code).get(court.code, {})
        host_b = beliefs.get(BeliefKind.HOST)
        scheme_b = beliefs.get(BeliefKind.SCHEME)
        template_b = beliefs.get(BeliefKind.TEMPLATE)
        site = _Site(
            dialect=Dialect.CLASSIC,
            host=host_b.value if host_b else court.host,
            scheme=scheme_b.value if scheme_b else "http",
            template=template_b.value if template_b else None,
        )
        # The registry's address is the first hypothesis: a redirect away from it is a change.
        for what, value, known in (
            (BeliefKind.HOST, court.host, host_b),
            (BeliefKind.SCHEME, "http", scheme_b),
        ):
            if known is None:
                self.state.believe(
                    court.code, what, value, run_id=self.run_id, evidence_url=None, verified=False
                )
        self.gateway.alias(site.host, court.host)
        self._by_host[site.host] = court
        self._sites[court.code] = site
        remembered = self.state.dialect(court.code)
        if remembered:
            site.dialect = Dialect(remembered)
            # Proven earlier in this (resumed) run: its "no data" answers are honest.
            dialect_b = beliefs.get(BeliefKind.DIALECT)
            site.proven = dialect_b is not None and dialect_b.verified_run == self.run_id
            return site
        if court.dialect is not None:
            site.dialect = court.dialect
            self.state.believe(
                court.code,
                BeliefKind.DIALECT,
                court.dialect.value,
                run_id=self.run_id,
                evidence_url=None,
                verified=False,
            )
            return site
        url = search_form_url(site.host, scheme=site.scheme)
        body = await self._raw(court, url, report)
        dialect = detect_dialect(decode_page(body))
        if dialect is None:
            raise _StopCourt(CourtStatus.ERROR, f"cannot tell the query dialect from {url}")
        site.dialect = dialect
        self.state.believe(
            court.code,
            BeliefKind.DIALECT,
            dialect.value,
            run_id=self.run_id,
            evidence_url=url,
            verified=False,
        )
        return site

    def _believe(
        self,
        court: Court,
        site: _Site,
        what: BeliefKind,
        value: str,
        url: str | None,
        report: CourtReport,
    ) -> None:
        """Record what a page showed (once per run and value); a change is reported."""
        assert self.state is not None
        key = f"{what.value}={value}"
        if key in site.verified:
            return
        site.verified.add(key)
        change = self.state.believe(court.code, what, value, run_id=self.run_id, evidence_url=url)
        if change is not None:
            report.changes.append(change)

    def _moved(self, court: Court, site: _Site | None, resp: Response, report: CourtReport) -> None:
        """Redirects followed to a new host or scheme: the court has moved. Later requests go
        to the new address; the state keeps the old and the new one (change log)."""
        if not resp.redirects or site is None or resp.refused_redirect is not None:
            return
        report.extra_requests += len(resp.redirects)
        final = urlsplit(resp.url)
        if final.netloc and final.netloc != site.host:
            self._by_host[final.netloc] = court
            self._believe(court, site, BeliefKind.HOST, final.netloc, resp.url, report)
            site.host = final.netloc
        if final.scheme and final.scheme != site.scheme:
            self._believe(court, site, BeliefKind.SCHEME, final.scheme, resp.url, report)
            site.scheme = final.scheme

    def _seen_template(
        self, court: Court, site: _Site, page: Page, url: str, report: CourtReport
    ) -> None:
        if page.template is None:
            return
        value = page.template.value
        if site.template is not None and value != site.template:
            # A site upgrade changes the markup and often the dialect: until a listing
            # with rows proves the dialect again, "no data" proves nothing.
            site.proven = False
        site.template = value
        self._believe(court, site, BeliefKind.TEMPLATE, value, url, report)

    def _proven(self, court: Court, site: _Site, url: str, report: CourtReport) -> None:
        """A listing in the believed dialect had rows: its "no data" answers are honest."""
        assert self.state is not None
        if not site.proven:
            site.proven = True
            self._believe(court, site, BeliefKind.DIALECT, site.dialect.value, url, report)
        for w, pages in site.pending:
            self._save(w, 0, 0, pages, WindowStatus.COMPLETE, None)
            report.windows_suspect -= 1
        site.pending.clear()

    def _save(
        self,
        w: Window,
        total: int | None,
        collected: int,
        pages: int,
        status: WindowStatus,
        problem: str | None,
    ) -> None:
        assert self.state is not None
        self.state.save_window(
            w,
            expected=total,
            collected=collected,
            complete=status is WindowStatus.COMPLETE,
            pages=pages,
            run_id=self.run_id,
            problem=problem,
            status=status,
        )

    async def _control(
        self, court: Court, site: _Site, dialect: Dialect, instance: str, report: CourtReport
    ) -> tuple[bool, str]:
        """One listing page of all cases of an instance since CONTROL_SINCE, in `dialect`:
        (it has rows, its URL)."""
        url = listing_url(
            site.host,
            dialect,
            CONTROL_SINCE,
            self.options.end,
            instance=instance,
            scheme=site.scheme,
        )
        page, _ = await self._page(court, url, report)
        report.extra_requests += 1
        rows = page.kind is PageKind.LISTING and page.listing is not None and page.listing.rows
        return bool(rows), url

    async def _prove(
        self, court: Court, site: _Site, report: CourtReport, planned: list[int]
    ) -> None:
        """Windows answered "no data" while the dialect is unproven in this run: ask a control
        query; if it is empty too, re-probe (the search form's field names, the other
        dialect). A refuted dialect is replaced, the change recorded, and the pending windows
        listed again; a dialect that cannot be proven leaves them suspect-empty."""
        if site.proven or site.probed or not site.pending:
            return
        site.probed = True
        instance = site.pending[0][0].instance
        if site.contradicted is None:
            rows, url = await self._control(court, site, site.dialect, instance, report)
            if rows:
                self._proven(court, site, url, report)
                return
        form_url = search_form_url(site.host, instance, scheme=site.scheme)
        form = await self._raw(court, form_url, report)
        report.extra_requests += 1
        said = detect_dialect(decode_page(form))
        candidate = said if said is not None and said is not site.dialect else None
        candidate = candidate or other_dialect(site.dialect)
        rows, url = await self._control(court, site, candidate, instance, report)
        if not rows:
            # Neither dialect showed a row: leave the windows suspect-empty.
            tried = (
                candidate.value
                if site.contradicted
                else f"{site.dialect.value} and {candidate.value}"
            )
            detail = (
                f"the search form at {form_url} names "
                f"{said.value if said else 'no known'} dialect; control queries in "
                f"{tried} found no rows"
            )
            for w, pages in site.pending:
                problem = self._suspect_problem(w, site, detail)
                report.problems.append(problem)
                self._save(w, 0, 0, pages, WindowStatus.SUSPECT_EMPTY, problem)
            site.contradicted = detail
            return
        wasted = site.pending[:]
        report.extra_requests += sum(pages for _, pages in wasted)
        report.windows_suspect -= len(wasted)
        site.pending.clear()
        site.dialect = candidate
        self._proven(court, site, url, report)
        planned[0] += len(wasted)
        for w, _ in wasted:
            await self._list_window(court, site, w, report, planned)

    @staticmethod
    def _suspect_problem(w: Window, site: _Site, detail: str) -> str:
        return (
            f"window {w.instance} {w.date_from}..{w.date_to}: suspect-empty: the site "
            f'answered "no data" in the {site.dialect.value} dialect, which it has not been '
            f"shown to answer with rows ({detail}); listed again next run"
        )

    async def _list_window(
        self, court: Court, site: _Site, w: Window, report: CourtReport, planned: list[int]
    ) -> None:
        """Every page of one window, reconciled with the counter; rows saved as cases.

        Counted as complete only when the rows equal a counter that stayed the same on
        every page; "no data" only once the court has been shown to answer this dialect with
        rows (else the window waits, suspect-empty, for `_prove`)."""
        p = _Pass()
        for attempt in range(LIST_PASSES):
            p = await self._list_pass(court, site, w, report, planned, fresh=attempt > 0)
            if p.shift_at is not None and p.problem is None and not p.unstable:
                await self._mend(court, site, w, p, report)
            # Rows shift between pages when cases arrive or go while a window is paged: the
            # counter moves, or a row is seen twice and another never. List it once more.
            moved = p.shifted is not None or (
                not p.uncounted and p.total is not None and len(p.seen) != p.total
            )
            if not moved or p.problem is not None or p.empty:
                break
            if attempt + 1 < LIST_PASSES:
                report.extra_requests += p.pages  # the pass thrown away
        if p.empty:
            self._empty_window(court, site, w, p, report)
            if not site.proven and (
                site.contradicted is not None or len(site.pending) >= PROVE_AFTER_EMPTIES
            ):
                await self._prove(court, site, report, planned)
            return
        problem = p.problem
        if problem is None and p.shifted is not None:
            problem = (
                f"window {w.instance} {w.date_from}..{w.date_to}: the counter changed "
                f"between pages ({p.shifted}) on {LIST_PASSES} passes; rows shifted while "
                "paging, completeness unproven"
            )
            report.problems.append(problem)
        if problem is None and p.uncounted:
            problem = (
                f"window {w.instance} {w.date_from}..{w.date_to}: the site printed no "
                f"counter; {len(p.seen)} rows collected, completeness unproven"
            )
            report.problems.append(problem)
        complete = problem is None and p.total is not None and len(p.seen) == p.total
        if problem is None and not complete:
            problem = (
                f"window {w.instance} {w.date_from}..{w.date_to}: {len(p.seen)} rows "
                f"collected, the counter says {p.total}"
            )
            report.problems.append(problem)
        status = WindowStatus.COMPLETE if complete else WindowStatus.INCOMPLETE
        self._save(w, p.total, len(p.seen), p.pages, status, problem)
        if not complete:
            report.windows_incomplete += 1

    def _empty_window(
        self, court: Court, site: _Site, w: Window, p: _Pass, report: CourtReport
    ) -> None:
        if site.proven:
            self._save(w, 0, 0, p.pages, WindowStatus.COMPLETE, None)
            return
        said = detect_dialect(decode_page(p.empty_body)) if p.empty_body else None
        if said is not None and said is not site.dialect:
            site.contradicted = (
                f'the "no data" page carries a search form in the {said.value} dialect'
            )
        problem = None
        if site.probed:
            problem = self._suspect_problem(w, site, site.contradicted or "re-probed")
            report.problems.append(problem)
        else:
            site.pending.append((w, p.pages))
        report.windows_suspect += 1
        self._save(w, 0, 0, p.pages, WindowStatus.SUSPECT_EMPTY, problem)

    async def _mend(
        self, court: Court, site: _Site, w: Window, p: _Pass, report: CourtReport
    ) -> None:
        """The counter moved once, at page k: the pages from k on were read under the new
        counter, so a case that arrived (or a row pulled back by one that went) can only
        hide on pages 1..k-1. Fetch those again; if they show the same counter, the rows of
        pages 1..end under that counter are the whole window (checked against it)."""
        assert p.shift_at is not None
        rows: set[str] = set()
        for k, ids in p.by_page.items():
            if k >= p.shift_at:
                rows |= ids
        for k in range(1, p.shift_at):
            url = site.window_url(w, k)
            page, _ = await self._page(court, url, report, fresh=True)
            report.extra_requests += 1
            if page.kind is not PageKind.LISTING or page.listing is None:
                p.unstable = True
                return
            if page.listing.total != p.total:
                p.unstable = True
                return
            self._save_rows(court, w, page.listing.rows, report, rows)
        if p.total is not None and len(rows) == p.total:
            p.seen, p.shifted = rows, None

    async def _list_pass(
        self,
        court: Court,
        site: _Site,
        w: Window,
        report: CourtReport,
        planned: list[int],
        *,
        fresh: bool,
    ) -> _Pass:
        p = _Pass()
        page_no = 1
        while True:
            url = site.window_url(w, page_no)
            page, body = await self._page(court, url, report, fresh=fresh)
            p.pages += 1
            self._tick(court, report, planned)
            self._seen_template(court, site, page, url, report)
            if page.kind is PageKind.EMPTY and page_no == 1:
                p.total, p.empty, p.empty_body = 0, True, body
                return p
            if page.kind is not PageKind.LISTING or page.listing is None:
                p.problem = (
                    f"window {w.instance} {w.date_from}..{w.date_to}: "
                    f"{page.kind.value} page ({page.reason or 'no reason'}) at {url}"
                )
                report.problems.append(p.problem)
                return p
            listing = page.listing
            if page_no == 1:
                p.total = listing.total
                if p.total is None:
                    # No counter on the page: page on while pages are full, but the window
                    # cannot be proven complete (it is listed again next run).
                    p.uncounted = True
                else:
                    planned[0] += max(0, math.ceil(p.total / PAGE_SIZE) - 1)
                if listing.rows:
                    self._proven(court, site, url, report)
            elif listing.total != p.total:
                if p.shifted is None:
                    p.shifted, p.shift_at = f"{p.total} -> {listing.total}", page_no
                else:
                    p.unstable = True
                if listing.total is not None:
                    p.total = listing.total  # page on to the end the site shows now
            self._save_rows(court, w, listing.rows, report, p.seen)
            p.by_page[page_no] = {r.case_id for r in listing.rows if r.case_id}
            if p.total is None:
                if len(listing.rows) < PAGE_SIZE:
                    return p
            elif page_no >= math.ceil(p.total / PAGE_SIZE) or not listing.rows:
                return p
            page_no += 1

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
                    result_date=row.result_date.isoformat() if row.result_date else None,
                    row_acts=bool(row.acts),
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
            result_date,
            row_acts,
        ) in self.state.db.execute(
            "SELECT instance, case_id, case_uid, row_sig, watched, final, card_sig, "
            "card_at, card_run, card_row_sig, row_run, result_date, row_acts FROM cases "
            "WHERE court_code = ? ORDER BY instance, entry_date, case_id",
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
            elif (
                (watched or self.options.all_cards)
                and row_run != self.run_id
                and card_run != self.run_id
                and awaits_act(
                    result_date,
                    bool(row_acts),
                    card_at,
                    now=now,
                    today=self.options.end,
                    max_age=self.options.act_max_age,
                )
            ):
                # Decided, no act when last seen, window no longer re-listed: the act may
                # have come out since (weeks to months late): read the card again.
                out.append((inst, case_id, uid, False))
        return out

    async def _fetch_card(
        self,
        court: Court,
        site: _Site,
        inst: str,
        case_id: str,
        uid: str | None,
        report: CourtReport,
        planned: list[int],
        *,
        listed: bool = True,
    ) -> None:
        assert self.state is not None
        url = card_url(site.host, site.dialect, case_id, uid, instance=inst, scheme=site.scheme)
        page, body = await self._page(court, url, report)
        self._tick(court, report, planned)
        self._seen_template(court, site, page, url, report)
        if page.kind is PageKind.EMPTY and not listed and site.proven:
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
        # Acts the card only links (`name_op=doc`): noted with the card, in one transaction,
        # so that a run stopped in between never loses them; then fetched.
        links = await self._act_links(body, url) if b"name_op=doc" in body else []
        with self.state.transaction():
            self.state.card_fetched(court.code, inst, case_id, card_signature(body), self.run_id)
            todo = self.state.note_card_acts(court.code, inst, case_id, links, self.run_id)
        report.cards += 1
        planned[0] += len(todo)
        for act_url in todo:
            await self._fetch_act(court, inst, case_id, act_url, report, planned)

    async def _act_links(self, body: bytes, url: str) -> list[str]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._parsers, card_act_links, body, url)

    async def _fetch_act(
        self,
        court: Court,
        inst: str,
        case_id: str,
        url: str,
        report: CourtReport,
        planned: list[int],
    ) -> None:
        """One linked act page, through the gateway like every page (archived with its kind,
        `act` when it is one). A failure is recorded (the act is fetched again next run) and
        reported; a captcha ends the court's act fetches for this run."""
        assert self.state is not None
        if court.code in self._acts_stopped:
            return  # stays pending: the next run fetches it
        sig: str | None = None
        try:
            page, body = await self._page(court, url, report)
            status, detail = act_outcome(page)
            sig = card_signature(body) if status is not ActStatus.FAILED else None
        except CaptchaRequired as exc:
            self._acts_stopped.add(court.code)
            status, detail = ActStatus.FAILED, f"captcha: {exc}"
        except FetchFailed as exc:
            status, detail = ActStatus.FAILED, str(exc)
        self._tick(court, report, planned)
        with self.state.transaction():
            self.state.act_fetched(court.code, inst, case_id, url, status, detail, sig, self.run_id)
        if status is ActStatus.FAILED:
            report.acts_failed += 1
            report.problems.append(f"act of case {case_id}: {detail} at {url}")
            return
        report.acts += 1
        report.act_texts += status is ActStatus.TEXT

    async def _recheck_acts(self, court: Court, report: CourtReport, planned: list[int]) -> None:
        """Acts whose card was not read in this run but that must be fetched: linked and
        never fetched (a stopped run), failed in an earlier run, or without a text for
        longer than `act_max_age` (see kartoteka.harvest.acts)."""
        assert self.state is not None
        now = time.time()
        todo = [
            (inst, case_id, state.url)
            for inst, case_id, state in self.state.court_acts(court.code)
            if needs_recheck(state, now, self.run_id, self.options.act_max_age)
        ]
        planned[0] += len(todo)
        for inst, case_id, url in todo:
            await self._fetch_act(court, inst, case_id, url, report, planned)

    def _tick(self, court: Court, report: CourtReport, planned: list[int]) -> None:
        if self.gateway is not None:
            key = self.gateway.key(court.host)
            self.gateway.priority[key] = max(0, planned[0] - report.pages_used)
        if self.progress is not None:
            self.progress(court.code, report.pages_used, planned[0])

    async def _court(self, court: Court) -> CourtReport:
        assert self.state is not None and self.gateway is not None
        report = CourtReport(court.code, court.host)
        started = time.monotonic()
        failures = 0
        try:
            site = await self._site(court, report)
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
                    await self._list_window(court, site, w, report, planned)
                    failures = 0
                except (FetchFailed, DailyCapReached) as exc:
                    report.windows_incomplete += 1
                    report.problems.append(str(exc))
                    failures += 1
                    if isinstance(exc, DailyCapReached) or failures >= 3:
                        raise
            # "No data" answers still unproven at the end: the control query (once).
            await self._prove(court, site, report, planned)
            cards = self._cards_to_fetch(court)
            planned[0] += len(cards)
            self._tick(court, report, planned)
            for inst, case_id, uid, listed in cards:
                try:
                    await self._fetch_card(
                        court, site, inst, case_id, uid, report, planned, listed=listed
                    )
                    failures = 0
                except FetchFailed as exc:
                    report.problems.append(str(exc))
                    failures += 1
                    if failures >= 3:
                        raise
            await self._recheck_acts(court, report, planned)
            if report.windows_incomplete or report.windows_suspect or report.problems:
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
        self._adopt_answers()
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
