"""`kartoteka probe COURT`: a first contact with one court in at most five requests.

What an operator runs before the first full harvest of a court and after a site upgrade. It
asks, through the one `Gateway` (politeness floors, cooldowns, daily cap, robots.txt, the
User-Agent with the contact: all untouched), for

1. the search form (`name_op=sf`): the query dialect from its field names, the template from
   its markup, whether it carries a captcha row, and whether the site redirects (a moved
   host: followed once, only within sudrf.ru);
2. one recent listing in the dialect the form speaks: the site's counter and the first rows.
   An empty answer proves nothing on its own (a silent refusal looks the same, DOMAIN.md §5):
   when the budget allows, the other dialect is asked too, and the report says which one
   answered with rows;
3. one case card from that listing: whether it reads.

robots.txt, when not cached, is one of the five. Every response is archived to the WARC like
any harvest fetch (the evidence behind the report), and the report says where.

The result is a `ProbeReport` (`to_json` for `--json`, `render` for people) with findings:
what contradicts the registry or needs a person (stale dialect hint, moved host, captcha,
unrecognized pages).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from kartoteka.errors import KartotekaError
from kartoteka.harvest.client import Gateway, Ledger, Response
from kartoteka.harvest.harvester import detect_dialect
from kartoteka.harvest.politeness import PolitenessConfig
from kartoteka.harvest.state import BeliefKind, HarvestState
from kartoteka.harvest.warc import WarcWriter
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.simulated import CLOCK_HEADER, header
from kartoteka.sudrf import read_page
from kartoteka.sudrf.classify import detect_template
from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.html import parse_html
from kartoteka.sudrf.models import Page, PageKind
from kartoteka.sudrf.urls import Dialect, Instance, card_url, listing_url, search_form_url

MAX_REQUESTS = 5
RECENT_DAYS = 180  # the recent listing: cases received in the last half year


class ProbeError(KartotekaError):
    """The probe could not run at all (e.g. the archive cannot be written)."""


@dataclass(slots=True)
class ProbeStep:
    """One request of the probe, as archived."""

    what: str  # "search form", "listing (vnkod)", "card", "redirect"
    url: str
    status: int | None
    page_kind: str | None
    template: str | None
    note: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass(slots=True)
class ProbeReport:
    court: str
    name: str
    host: str  # the host probed last (the new one after a redirect)
    registry_host: str
    registry_dialect: str | None  # the hint the registry gives
    dialect: str | None = None  # what the site speaks, from the evidence
    dialect_evidence: str | None = None  # "search form fields", "listing rows"
    template: str | None = None
    captcha: bool | None = None  # a captcha row on the form, or a captcha page
    moved_to: str | None = None  # redirect target host, if the site redirects
    instance: str | None = None  # the case kind asked for (see `probe_instance`)
    window: tuple[str, str] | None = None  # the recent listing's receipt dates
    counter: int | None = None  # "Всего по запросу найдено — N"
    rows_on_page: int | None = None
    card_ok: bool | None = None
    card_url: str | None = None
    requests: int = 0
    simulated: bool = False
    steps: list[ProbeStep] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # what needs attention, in words
    recorded: list[str] = field(default_factory=list)  # changes written to the harvest state

    @property
    def needs_attention(self) -> bool:
        return bool(self.findings)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["needs_attention"] = self.needs_attention
        return out

    def render(self) -> str:
        """The readable report."""
        lines = [
            f"Probe of {self.court} {self.name}"
            + (" (SIMULATED: sandbox)" if self.simulated else ""),
            f"  host:      {self.host}"
            + (f" (registry: {self.registry_host})" if self.host != self.registry_host else ""),
            f"  dialect:   {self.dialect or 'unknown'}"
            + (f" from {self.dialect_evidence}" if self.dialect_evidence else "")
            + f"; registry hint: {self.registry_dialect or 'none'}",
            f"  template:  {self.template or 'unknown'}",
            f"  captcha:   {_yes_no(self.captcha)}",
        ]
        if self.window:
            counter = "no counter" if self.counter is None else f"counter {self.counter}"
            lines.append(
                f"  listing:   {self.instance} cases received {self.window[0]}.."
                f"{self.window[1]}: {counter}, "
                f"{self.rows_on_page if self.rows_on_page is not None else 0} rows on page 1"
            )
        lines.append(
            "  card:      "
            + {True: "reads", False: "does NOT read", None: "not fetched"}[self.card_ok]
        )
        lines.append(f"  requests:  {self.requests} (at most {MAX_REQUESTS})")
        lines.append("  evidence (archived):")
        for s in self.steps:
            where = f" [{s.warc_file}@{s.warc_offset}]" if s.warc_file else ""
            kind = s.page_kind or "-"
            note = f" ({s.note})" if s.note else ""
            lines.append(f"    {s.what}: HTTP {s.status} {kind}{note} {s.url}{where}")
        if self.recorded:
            lines.append("  recorded in the harvest state: " + "; ".join(self.recorded))
        if self.findings:
            lines.append("NEEDS ATTENTION:")
            lines.extend(f"  - {f}" for f in self.findings)
        else:
            lines.append("OK: the site answers as the registry says.")
        return "\n".join(lines)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def probe_instance(court: Court) -> Instance:
    """The case kind a court has most of: garrison courts try cases, district and fleet
    courts and the Appellate Court hear appeals, the Cassation Court cassations."""
    if court.level is CourtLevel.GARRISON:
        return Instance.FIRST
    if court.level is CourtLevel.CASSATION:
        return Instance.CASSATION
    return Instance.APPEAL


def _other(dialect: Dialect) -> Dialect:
    return Dialect.CLASSIC if dialect is Dialect.VNKOD else Dialect.VNKOD


class _Budget(Exception):
    """The five requests are spent."""


class Prober:
    """One probe: a gateway of its own (sharing the harvest state's ledger), one WARC writer."""

    def __init__(
        self,
        court: Court,
        config: PolitenessConfig,
        writer: WarcWriter,
        *,
        ledger: Ledger | None = None,
        sandbox_url: str | None = None,
        proxy: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        today: dt.date | None = None,
        recent_days: int = RECENT_DAYS,
        run_id: str | None = None,
        state: HarvestState | None = None,
    ) -> None:
        self.court = court
        self.state = state
        self.writer = writer
        self.today = today
        self.recent_days = recent_days
        self.run_id = run_id or "probe-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.report = ProbeReport(
            court=court.code,
            name=court.name,
            host=court.host,
            registry_host=court.host,
            registry_dialect=court.dialect.value if court.dialect else None,
        )
        self._last: tuple[str, int] | None = None
        self._first_row: tuple[str, str | None] | None = None  # of the listing with rows
        self._rows_url: str | None = None  # the listing that answered with rows
        self._pair = self._pair_in_force()
        self.instance = probe_instance(court)
        self.gateway = Gateway(
            config,
            sandbox_url=sandbox_url,
            proxy=proxy,
            transport=transport,
            ledger=ledger,
            on_response=self._archive,
            classify=self._classify,
        )
        self.report.simulated = self.gateway.simulated

    # -- the gateway hooks: classify, then archive before anything looks at the page ------
    @staticmethod
    def _classify(resp: Response) -> tuple[str, Page]:
        page = read_page(resp.body, resp.url)
        return page.kind.value, page

    def _archive(self, resp: Response, kind: str | None) -> None:
        self._last = self.writer.write_exchange(
            resp.url,
            resp.request_headers,
            resp.status,
            resp.headers,
            resp.body,
            court_code=self.court.code,
            page_kind=kind,
            simulated=resp.simulated,
            run_id=self.run_id,
            fetched_at=resp.fetched_at,
        )

    def _believe(self, what: BeliefKind, value: str, url: str) -> None:
        """Record in the harvest state what a page proved (the next harvest starts from it):
        the host and scheme a redirect led to, the template a page showed, the dialect a
        listing with rows answered. The state logs a change against what it believed."""
        if self.state is None:
            return
        change = self.state.believe(
            self.court.code, what, value, run_id=self.run_id, evidence_url=url
        )
        if change is not None:
            self.report.recorded.append(f"{what.value}: {change.old} → {change.new}")

    def _pair_in_force(self) -> dict[str, str]:
        """A solved captcha pair the harvest state holds for this court's scope (court or
        region: the scope is the harvest's configuration) while it is valid: sent with the
        listings as a harvest would, so a court a person just answered for is not reported
        as asking again."""
        if self.state is None:
            return {}
        from kartoteka.harvest.captcha import CaptchaPolicy

        now = time.time()
        for scope in ("court", "region"):
            key = CaptchaPolicy(scope=scope).scope_key(self.court.code, self.court.region_code)
            pair = self.state.captcha_pair(key)
            if pair is not None and pair.valid(now):
                params = {"captcha": pair.captcha}
                if pair.captcha_id:
                    params["captchaid"] = pair.captcha_id
                return params
        return {}

    def _spent(self) -> int:
        return sum(s.requests for s in self.gateway.stats.values())

    async def _get(self, what: str, url: str) -> tuple[Response, Page]:
        if self._spent() >= MAX_REQUESTS - (0 if self._robots_known(url) else 1):
            raise _Budget
        self._last = None
        resp = await self.gateway.get(url)
        page = resp.page if isinstance(resp.page, Page) else read_page(resp.body, url)
        step = ProbeStep(
            what,
            url,
            resp.status,
            page.kind.value,
            page.template.value if page.template else None,
            page.reason,
        )
        if self._last is not None:
            step.warc_file, step.warc_offset = self._last
        self.report.steps.append(step)
        if resp.simulated:
            self.report.simulated = True
            clock = header(dict(resp.headers), CLOCK_HEADER)
            if clock and self.today is None:
                with contextlib.suppress(ValueError):
                    self.today = dt.date.fromisoformat(clock.strip())
        return resp, page

    def _robots_known(self, url: str) -> bool:
        """Whether robots.txt of the URL's host needs no request (off, or already read)."""
        if not self.gateway.config.respect_robots:
            return True
        host = urlsplit(url).netloc
        return host in self.gateway._robots or (
            self.gateway.ledger.cached_robots(host, 24 * 3600.0) is not None
        )

    # -- the probe ------------------------------------------------------------------------
    async def run(self) -> ProbeReport:
        try:
            await self._probe()
        except _Budget:
            self.report.findings.append(
                f"the {MAX_REQUESTS}-request budget was spent before the probe finished"
            )
        except KartotekaError as exc:
            where = f" at {exc.url}" if getattr(exc, "url", None) else ""
            self.report.findings.append(f"{type(exc).__name__}: {exc}{where}")
        finally:
            self.report.requests = self._spent()
            await self.gateway.aclose()
        return self.report

    async def _probe(self) -> None:
        host = self.court.host
        self.report.instance = self.instance.value
        form_url = search_form_url(host, self.instance)
        resp, page = await self._get("search form", form_url)
        for origin, status, target in resp.redirects:
            self.report.steps.insert(
                len(self.report.steps) - 1,
                ProbeStep("redirect", origin, status, None, None, f"to {target}"),
            )
        if resp.refused_redirect is not None:
            self.report.moved_to = urlsplit(resp.refused_redirect).hostname
            self.report.findings.append(
                f"the site redirects off sudrf.ru to {resp.refused_redirect}: not followed; "
                "check the court's new address by hand"
            )
            return
        final = urlsplit(resp.url)
        if final.netloc and final.netloc != host:
            self.report.moved_to = final.hostname
            self.report.findings.append(
                f"the site moved: {host} redirects to {final.netloc} "
                "(update the registry: `kartoteka courts import` of a newer list)"
            )
            host = final.netloc
            self.report.host = host
            self._believe(BeliefKind.HOST, host, resp.url)
        if resp.redirects and final.scheme:
            self._believe(BeliefKind.SCHEME, final.scheme, resp.url)
        text = decode_page(resp.body)
        form_dialect = detect_dialect(text)
        template = detect_template(parse_html(text))
        self.report.template = template.value if template else None
        # A captcha row on the form; with a solved pair in force the listing decides.
        self.report.captcha = (page.kind is PageKind.CAPTCHA or _captcha_field(text)) and (
            not self._pair
        )
        hint = self.court.dialect
        if form_dialect is not None:
            self.report.dialect, self.report.dialect_evidence = (
                form_dialect.value,
                "search form fields",
            )
        elif page.kind is PageKind.UNRECOGNIZED and resp.status != 200:
            self.report.findings.append(f"the search form answers HTTP {resp.status}")
        dialect = form_dialect or hint or Dialect.CLASSIC
        scheme = urlsplit(resp.url).scheme or "http"
        listed = await self._listing(host, dialect, scheme)
        if (
            listed is None
            and not self.report.captcha
            and (form_dialect is None or form_dialect is not hint)
        ):
            # Empty in the dialect we believed: ask the other before calling it empty (not
            # after a captcha: the other dialect would get the same form).
            listed = await self._listing(host, _other(dialect), scheme)
        if listed is not None:
            dialect = listed
            self.report.dialect = dialect.value
            self._believe(BeliefKind.DIALECT, dialect.value, self._rows_url or "")
            if self.report.dialect_evidence is None:
                self.report.dialect_evidence = "listing rows"
            elif form_dialect is not None and form_dialect is not dialect:
                self.report.findings.append(
                    f"the search form speaks {form_dialect.value} but only {dialect.value} "
                    "queries answer with rows"
                )
        if hint is not None and self.report.dialect and self.report.dialect != hint.value:
            self.report.findings.append(
                f"the registry says {hint.value}, the site speaks {self.report.dialect}: "
                "the registry's hint is stale (the harvester re-establishes it; update the "
                "registry when a newer list exists)"
            )
        if self.report.captcha:
            self.report.findings.append(
                "the court asks for a captcha: a harvest needs a person to answer it "
                "(a terminal, or `kartoteka captcha` for saved challenges)"
            )
        if listed is None and self.report.counter is None and not self.report.findings:
            self.report.findings.append(
                "no listing answered with rows: the window may be empty, or the site refuses "
                "the query silently; unproven (try a wider --days)"
            )
        if listed is not None and self._first_row is not None:
            case_id, uid = self._first_row
            url = card_url(host, dialect, case_id, uid, instance=self.instance, scheme=scheme)
            self.report.card_url = url
            _, card = await self._get("card", url)
            self.report.card_ok = card.kind is PageKind.CARD
            if card.template is not None and self.report.template is None:
                self.report.template = card.template.value
            if not self.report.card_ok:
                self.report.findings.append(
                    f"the card does not read: {card.kind.value} ({card.reason or 'no reason'})"
                    f" at {url}"
                )

    async def _listing(self, host: str, dialect: Dialect, scheme: str) -> Dialect | None:
        """One recent listing page; the dialect when it answered with rows, else None."""
        today = self.today or dt.datetime.now(dt.UTC).date()
        since = today - dt.timedelta(days=self.recent_days)
        self.report.window = (since.isoformat(), today.isoformat())
        url = listing_url(host, dialect, since, today, instance=self.instance, scheme=scheme)
        url += "".join(f"&{k}={v}" for k, v in self._pair.items())
        _, page = await self._get(f"listing ({dialect.value})", url)
        if page.template is not None:
            self.report.template = page.template.value
        if page.kind is PageKind.CAPTCHA:
            self.report.captcha = True
            if self._pair:
                self.report.findings.append(
                    "the solved captcha pair in the harvest state was refused (expired?)"
                )
            return None
        if page.kind is PageKind.LISTING and page.listing is not None:
            self.report.counter = page.listing.total
            self.report.rows_on_page = len(page.listing.rows)
            if page.template is not None and page.listing.rows:
                self._believe(BeliefKind.TEMPLATE, page.template.value, url)
            if page.listing.rows:
                self._rows_url = url
            row = next((r for r in page.listing.rows if r.case_id), None)
            if row is not None and row.case_id:
                self._first_row = (row.case_id, row.case_uid)
            if page.listing.total is None:
                self.report.findings.append(f"the listing prints no counter at {url}")
            return dialect if page.listing.rows else None
        if page.kind is PageKind.UNRECOGNIZED:
            self.report.findings.append(
                f"the listing is unrecognized ({page.reason or 'no reason'}) at {url}: "
                "a new page variant needs a fixture"
            )
        return None


def _captcha_field(text: str) -> bool:
    tree = parse_html(text)
    return tree.css_first("input[name='captcha'], input[name='captchaid']") is not None


async def probe_court(
    court: Court, config: PolitenessConfig, writer: WarcWriter, **kw: Any
) -> ProbeReport:
    """Probe one court (see the module docstring). `kw` go to `Prober`."""
    return await Prober(court, config, writer, **kw).run()


def probe(court: Court, config: PolitenessConfig, writer: WarcWriter, **kw: Any) -> ProbeReport:
    """Synchronous wrapper of `probe_court`."""
    return asyncio.run(probe_court(court, config, writer, **kw))
