"""The sandbox's court sites: one request in, one response out (no sockets here).

`Site.handle(method, target, headers, body, t)` routes `/<host>/modules.php?...` to the court
with that host (or, for a client that sends real URLs through a proxy, the Host header), asks
the fault gate, and renders the page the real site would answer, in windows-1251:

- `name_op=sf`: the search form (with a captcha row where the gate is closed);
- `name_op=r`: a listing in the court's own dialect (read with
  `kartoteka.sudrf.urls.read_listing_query`; the other dialect's parameters find nothing),
  filtered by entry-date range, article substring, UID and case number, newest first, 25 rows
  a page, with the counter; nothing found: "Данных по запросу не обнаружено". A query whose
  Cyrillic was percent-encoded in UTF-8 decodes to mojibake and matches nothing, as on the
  real sites;
- `name_op=r_juid`: the cases of the court with a given UID (all instances);
- `name_op=case`: a card (`case_id` or `_id`); a removed or not-yet-visible case is empty;
- `name_op=doc`: an act page (its text, a stub or an attachment link) once the act is out;
- anything else on a court host: a portal page without a case index.

What is visible, decided and published depends on `Site.now` (the sandbox clock).

The `field` network profile (docs/sandbox.md, "The field network") adds, before the faults:
redirects of moved sites; the dialect and template of a migrated court as at the clock
(`Site.current`); captcha by solved pair (`kartoteka.sandbox.captcha_pairs`); and listings
whose first page served for a query misses the cases that arrived in the last days.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from kartoteka import simulated
from kartoteka.sandbox import html_classic, html_common, html_new
from kartoteka.sandbox.captcha_pairs import PairCaptcha, PairVerdict
from kartoteka.sandbox.caseload import Caseload, SimCase
from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sandbox.faults import Fault, FaultGate
from kartoteka.sandbox.network import OFF_SITE_HOST, SimCourt, migrated
from kartoteka.sudrf.encoding import encode_page
from kartoteka.sudrf.models import Template
from kartoteka.sudrf.urls import (
    CASE_KINDS,
    INSTANCE_BY_DELO_ID,
    MODULE_PATH,
    PAGE_SIZE,
    Dialect,
    Instance,
    parse_query,
    read_listing_query,
)

HTML_TYPE = "text/html; charset=windows-1251"
SIMULATED_HEADER = (simulated.SIMULATED_HEADER, "1")


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    kind: str  # what was served: listing, card, doc, form, captcha, unavailable, empty, ...
    headers: list[tuple[str, str]] = field(default_factory=list)
    fault: str | None = None
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # answer this many seconds late
    host: str | None = None
    path: str = ""


_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def reason(status: int) -> str:
    return _REASONS.get(status, "OK")


class Site:
    """All court sites of one sandbox run."""

    def __init__(self, config: SandboxConfig, network: list[SimCourt], caseload: Caseload):
        self.config = config
        self.now: dt.date = config.now
        self.network = network
        self.by_host = {c.host.lower(): c for c in network}
        for c in network:
            if c.redirect == "host" and c.new_host:
                self.by_host[c.new_host.lower()] = c
        self.caseload = caseload
        self.profile = config.network_profile
        if self.profile.captcha not in ("gate", "pair"):
            raise ValueError(f"network captcha must be gate or pair, not {self.profile.captcha!r}")
        self.pairs = (
            PairCaptcha(self.profile, config.seed) if self.profile.captcha == "pair" else None
        )
        faults = config.fault_profile
        if self.pairs is not None:  # the pair captcha replaces the fault profile's gate
            faults = faults.with_rates(captcha=0.0)
        self.gate = FaultGate(faults, config.seed, network)
        self._after = {c.code: migrated(c, config.seed) for c in network if c.migrates_on}
        # Listing queries served at least once, per clock date (rows shift while paging).
        self._paged: set[tuple[str, str, dt.date]] = set()

    def current(self, court: SimCourt) -> SimCourt:
        """The court as its site is at the clock: after its migration date, the other dialect
        and template."""
        if court.migrates_on is not None and self.now >= court.migrates_on:
            return self._after[court.code]
        return court

    def courts_now(self) -> list[SimCourt]:
        """Every court as its site is at the clock."""
        return [self.current(c) for c in self.network]

    # ------------------------------------------------------------------ routing
    def route(self, target: str, host_header: str | None) -> tuple[SimCourt | None, str, str]:
        """(court, path, query) of a request target `/<host>/path?query`, or via Host."""
        path, _, query = target.partition("?")
        first, _, rest = path.lstrip("/").partition("/")
        court = self.by_host.get(first.lower())
        if court is not None:
            return court, "/" + rest, query
        if host_header:
            court = self.by_host.get(host_header.split(":")[0].lower())
            if court is not None:
                return court, path or "/", query
        return None, path, query

    def addressed_host(self, target: str, host_header: str | None) -> str:
        """The court host a request addressed (the path prefix, else the Host header)."""
        first = target.partition("?")[0].lstrip("/").partition("/")[0].lower()
        if first in self.by_host or first == OFF_SITE_HOST:
            return first
        return (host_header or "").split(":")[0].lower()

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, t: float
    ) -> Response:
        court, path, query = self.route(target, headers.get("host"))
        if court is None and self.addressed_host(target, headers.get("host")) == OFF_SITE_HOST:
            return self._off_site_portal(target)
        if court is None:
            if path in ("", "/"):
                return self._text(
                    200, self.index_page(), "index", "text/html; charset=utf-8", encoding="utf-8"
                )
            return self._text(
                404,
                "not a sandbox court host\n",
                "not_found",
                "text/plain; charset=utf-8",
                encoding="utf-8",
            )
        full_path = path + ("?" + query if query else "")
        addressed = self.addressed_host(target, headers.get("host"))
        redirect = self._redirect(court, addressed, full_path, headers)
        if redirect is not None:
            redirect.host, redirect.path = addressed, full_path
            redirect.headers.append((simulated.CLOCK_HEADER, self.now.isoformat()))
            return redirect
        court = self.current(court)
        if path == "/robots.txt":
            resp = self._text(
                200, "User-agent: *\nAllow: /\n", "robots", "text/plain; charset=windows-1251"
            )
            resp.host, resp.path = court.host, full_path
            return resp
        params = parse_query(query)
        if method == "POST" and body:
            params.update(parse_query(body.decode("latin-1")))
        fault, delay = self.gate.decide(court, t, headers.get("user-agent"), params)
        verdict: PairVerdict | None = None
        if fault is None and self.pairs is not None and court.captcha:
            verdict = self.pairs.check(court, t, params)
        if verdict is not None and not verdict.passes:
            resp = self._pair_response(court, params, verdict)
        elif fault is not None and fault.name not in ("captcha", "captcha_wrong"):
            resp = self._fault_response(court, fault)
        elif fault is not None:
            instance = self._instance(params)
            page = html_common.captcha_page(
                court,
                instance,
                self.gate.captchas.current_id(court.host),
                wrong_code=fault.name == "captcha_wrong",
            )
            resp = self._page(200, page, "captcha")
            resp.fault = fault.name
        else:
            resp = self.page(court, path, query, params, t)
        resp.delay = delay
        resp.host, resp.path = addressed or court.host, full_path
        resp.headers.append((simulated.CLOCK_HEADER, self.now.isoformat()))
        if delay and resp.fault is None:
            resp.fault = "slow"
        return resp

    # ------------------------------------------------------------------ field network
    def _redirect(
        self, court: SimCourt, addressed: str, full_path: str, headers: dict[str, str]
    ) -> Response | None:
        """The 301/302 of a moved site, answered before anything else (the web server's
        rewrite, not the case-index software). Location is the absolute real URL."""
        if court.redirect is None:
            return None
        scheme = (headers.get("x-forwarded-proto") or "http").lower()
        if court.redirect == "https" and scheme != "https":
            return self._moved(301, f"https://{court.host}{full_path}")
        if court.redirect == "host" and court.new_host and addressed != court.new_host:
            return self._moved(301, f"{scheme}://{court.new_host}{full_path}")
        if court.redirect == "off-site":
            return self._moved(302, f"https://{OFF_SITE_HOST}/")
        return None

    def _moved(self, status: int, location: str) -> Response:
        body = (
            f"<html><head><title>{status} {reason(status)}</title></head><body>"
            f'<h1>{reason(status)}</h1><p>The document has moved <a href="{html.escape(location)}">'
            "here</a>.</p></body></html>\n"
        )
        resp = self._text(status, body, "redirect", "text/html; charset=iso-8859-1")
        resp.headers.append(("Location", location))
        return resp

    def _off_site_portal(self, target: str) -> Response:
        """The portal of another domain the court that left sudrf.ru redirects to: no case
        index (an unrecognised page)."""
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            '<meta name="kartoteka-simulated" content="1"><title>Портал (симуляция)</title>'
            "</head><body><h1>Единый портал (вымышленный)</h1><p>Сайт суда переехал. Поиск по "
            "делам доступен после входа в личный кабинет.</p></body></html>\n"
        )
        resp = self._text(200, page, "portal", "text/html; charset=utf-8", encoding="utf-8")
        resp.host, resp.path = OFF_SITE_HOST, target
        resp.headers.append((simulated.CLOCK_HEADER, self.now.isoformat()))
        return resp

    def _pair_response(
        self, court: SimCourt, params: dict[str, str], verdict: PairVerdict
    ) -> Response:
        if verdict.outcome == "captcha_throttled" or verdict.challenge is None:
            resp = self._page(200, html_common.unavailable_page(court), "unavailable")
        else:
            ch = verdict.challenge
            page = html_common.captcha_page(
                court,
                self._instance(params),
                ch.captcha_id,
                wrong_code=verdict.outcome == "captcha_wrong",
                image_b64=ch.image_b64,
            )
            resp = self._page(200, page, "captcha")
        resp.fault = verdict.outcome
        return resp

    # ------------------------------------------------------------------ responses
    def _page(self, status: int, text: str, kind: str) -> Response:
        return Response(
            status, encode_page(text), kind, [("Content-Type", HTML_TYPE), SIMULATED_HEADER]
        )

    def _text(
        self, status: int, text: str, kind: str, ctype: str, encoding: str = "cp1251"
    ) -> Response:
        return Response(
            status,
            text.encode(encoding, "replace"),
            kind,
            [("Content-Type", ctype), SIMULATED_HEADER],
        )

    def _fault_response(self, court: SimCourt, fault: Fault) -> Response:
        if fault.name == "drop":
            return Response(0, b"", "drop", fault="drop", drop=True)
        if fault.name in ("too_fast", "unavailable"):
            resp = self._page(200, html_common.unavailable_page(court), "unavailable")
        elif fault.status == 429:
            resp = self._text(429, "Too Many Requests\n", "too_many", "text/plain")
            resp.headers.append(("Retry-After", str(fault.retry_after or 1)))
        elif fault.status == 403:
            resp = self._text(
                403, "<html><body><h1>403 Forbidden</h1></body></html>\n", "forbidden", HTML_TYPE
            )
        else:
            resp = self._text(
                fault.status,
                f"<html><body><h1>{fault.status} {reason(fault.status)}</h1></body></html>\n",
                "server_error",
                HTML_TYPE,
            )
        resp.fault = fault.name
        return resp

    # ------------------------------------------------------------------ pages
    @staticmethod
    def _instance(params: dict[str, str]) -> Instance:
        delo_id = params.get("delo_id") or params.get("_deloId") or ""
        return INSTANCE_BY_DELO_ID.get(delo_id, Instance.FIRST)

    def page(
        self, court: SimCourt, path: str, query: str, params: dict[str, str], t: float = 0.0
    ) -> Response:
        """The page a court answers for a request, faults aside."""
        if path != MODULE_PATH or params.get("name") != "sud_delo":
            return self._page(200, html_common.portal_page(court), "portal")
        op = params.get("name_op", "sf")
        if op == "r":
            return self.listing(court, query, params)
        if op == "r_juid":
            return self.uid_listing(court, params)
        if op == "case":
            return self.card(court, params)
        if op == "doc":
            return self.doc(court, params)
        instance = self._instance(params)
        if self.pairs is not None and court.captcha:
            ch = self.pairs.issue(court, t)  # every form shows a fresh challenge
            page = html_common.search_form_page(court, instance, ch.captcha_id, ch.image_b64)
            return self._page(200, page, "form")
        captcha_id = (
            self.gate.captchas.current_id(court.host)
            if self.gate.form_needs_captcha(court, t)
            else None
        )
        return self._page(200, html_common.search_form_page(court, instance, captcha_id), "form")

    def _visible(self, cases: list[SimCase]) -> list[SimCase]:
        now = self.now
        return [c for c in cases if c.entry_date <= now and c.visible_at(now)]

    def listing(self, court: SimCourt, query: str, params: dict[str, str]) -> Response:
        q = read_listing_query(params)
        instance = q.instance
        # A wrong delo_id/new pair, or parameters of the other dialect (which the court's
        # software does not know), are a silent refusal: the court's form and "no data", the
        # same bytes as an honest empty window (DOMAIN.md §5).
        if instance is None or q.dialect is not court.dialect:
            return self._page(200, html_common.empty_page(court), "empty")
        if not self._pair_matches(params, instance, q.dialect):
            return self._page(200, html_common.empty_page(court), "empty")
        cases = self.caseload.court(court.code).in_entry_range(instance, q.entry_from, q.entry_to)
        cases = self._visible(cases)
        needle = q.article.strip().lower()
        if needle:
            cases = [c for c in cases if needle in c.articles_text]
        uid = (
            params.get("case__judicial_uidss")
            or params.get(
                f"{'u1_case' if instance is Instance.FIRST else 'u2_case'}__JUDICIAL_UIDSS"
            )
            or params.get("judicial_uid")
            or ""
        ).strip()
        if uid:
            cases = [c for c in cases if c.uid == uid]
        number = (
            params.get("case__num_build")
            or params.get("u1_case__CASE_NUMBERSS")
            or params.get("u2_case__CASE_NUMBERSS")
            or ""
        ).strip()
        if number:
            cases = [c for c in cases if number in c.number]
        if self.profile.late_days > 0:
            cases = self._while_paging(court, params, cases)
        return self._render_listing(court, instance, cases, q.page, query)

    @staticmethod
    def _pair_matches(params: dict[str, str], instance: Instance, dialect: Dialect) -> bool:
        """Whether `new` fits `delo_id` (a wrong pair is a silent refusal). The short
        cassation pair delo_id=4&new=2450001 is accepted (it returns the same rows)."""
        new = params.get("new" if dialect is Dialect.CLASSIC else "_new")
        if new is None:
            return True
        kind = CASE_KINDS[instance]
        if new.strip() == str(kind.new):
            return True
        return instance is Instance.APPEAL and new.strip() == str(
            CASE_KINDS[Instance.CASSATION].new
        )

    def _while_paging(
        self, court: SimCourt, params: dict[str, str], cases: list[SimCase]
    ) -> list[SimCase]:
        """Rows shift while a window is paged: the first request served for a query (its
        page number and captcha pair aside) misses the cases that became visible in the last
        `late_days` days, when the window spans several pages without them; every later
        request of the query shows them (they arrived meanwhile)."""
        key = "&".join(
            f"{k}={v}"
            for k, v in sorted(params.items())
            if k not in ("page", "_page", "captcha", "captchaid")
        )
        seen = (court.code, key, self.now)
        if seen in self._paged:
            return cases
        self._paged.add(seen)
        since = self.now - dt.timedelta(days=self.profile.late_days)
        early = [c for c in cases if c.visible_from <= since]
        if len(early) < len(cases) and len(early) > PAGE_SIZE:
            return early
        return cases

    def uid_listing(self, court: SimCourt, params: dict[str, str]) -> Response:
        uid = (params.get("judicial_uid") or "").strip()
        court_cases = self.caseload.court(court.code)
        cases = self._visible([c for c in court_cases.cases if uid and c.uid == uid])
        instance = self._instance(params)
        return self._render_listing(court, instance, cases, 1, "")

    def _render_listing(
        self, court: SimCourt, instance: Instance, cases: list[SimCase], page: int, query: str
    ) -> Response:
        total = len(cases)
        if total == 0:
            return self._page(200, html_common.empty_page(court, instance), "empty")
        cases = sorted(cases, key=lambda c: (c.entry_date, c.year_seq), reverse=True)
        page = max(1, page)
        rows = cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if not rows:
            return self._page(200, html_common.empty_page(court, instance), "empty")
        pages = -(-total // PAGE_SIZE)
        hrefs = self._page_hrefs(court, query, pages, page)
        module = html_new if court.template is Template.NEW else html_classic
        body = module.listing_body(court, instance, rows, total, page, PAGE_SIZE, self.now, hrefs)
        if self.pairs is not None and court.captcha:
            ch = self.pairs.issue(court, 0.0)
            body += html_common.side_panel_captcha(court, instance, ch.captcha_id, ch.image_b64)
        elif court.captcha and self.gate.profile.captcha > 0:
            # Captcha courts also show the search form with its captcha in a side panel of
            # the results page (rows with case links must win over it, as on the real sites).
            body += html_common.side_panel_captcha(
                court, instance, self.gate.captchas.current_id(court.host)
            )
        return self._page(200, html_common.shell(court, body), "listing")

    @staticmethod
    def _page_hrefs(court: SimCourt, query: str, pages: int, page: int) -> dict[int, str]:
        """Pager links: the request's own query with another page number."""
        name = "_page" if court.template is Template.NEW else "page"
        kept = "&".join(
            p for p in query.split("&") if p and p.split("=", 1)[0] not in ("page", "_page")
        )
        wanted = {n for n in range(1, pages + 1) if abs(n - page) <= 2 or n == pages}
        base = (
            f"./modules.php?{kept}"
            if court.template is Template.CLASSIC
            else f"/modules.php?{html.escape(kept)}"
        )
        sep = "&" if court.template is Template.CLASSIC else "&amp;"
        return {n: f"{base}{sep}{name}={n}" for n in wanted}

    def _find_case(self, court: SimCourt, params: dict[str, str], *keys: str) -> SimCase | None:
        court_cases = self.caseload.court(court.code)
        for key in keys:
            value = params.get(key)
            if value:
                case = court_cases.by_id.get(value.strip())
                if case is not None and case.entry_date <= self.now and case.visible_at(self.now):
                    return case
                return None
        return None

    def card(self, court: SimCourt, params: dict[str, str]) -> Response:
        case = self._find_case(court, params, "case_id", "_id")
        if case is None:
            return self._page(200, html_common.empty_page(court, self._instance(params)), "empty")
        module = html_new if court.template is Template.NEW else html_classic
        body = module.card_body(court, case, self.now)
        return self._page(200, html_common.shell(court, body, title_suffix=""), "card")

    def doc(self, court: SimCourt, params: dict[str, str]) -> Response:
        case = self._find_case(court, params, "number", "_id")
        number = (params.get("text_number") or "1").strip()
        if case is None or not case.act_shown_at(self.now) or number != "1":
            return self._page(200, html_common.empty_page(court, self._instance(params)), "empty")
        return self._page(200, html_common.shell(court, html_classic.doc_body(court, case)), "doc")

    def index_page(self) -> str:
        """The sandbox's own front page: every court with its traits at the clock, and the
        field network's migrations and moved sites."""
        rows = []
        for base in self.network:
            c = self.current(base)
            migration = ""
            if c.migrates_on is not None and c.dialect_before is not None:
                after = self._after[c.code].dialect
                done = "since" if self.now >= c.migrates_on else "on"
                migration = f"{c.dialect_before} → {after} {done} {c.migrates_on.isoformat()}"
            moved = f"{c.redirect} {c.new_host or ''}".strip() if c.redirect else ""
            rows.append(
                f'<tr><td>{html.escape(c.code)}</td><td><a href="/{c.serving_host()}'
                f'{MODULE_PATH}?name=sud_delo&amp;name_op=sf">{html.escape(c.host)}</a></td>'
                f"<td>{html.escape(c.name)}</td><td>{c.dialect}</td><td>{c.template}</td>"
                f"<td>{'yes' if c.captcha else ''}</td><td>{'yes' if c.always_down else ''}</td>"
                f"<td>{html.escape(migration)}</td><td>{html.escape(moved)}</td></tr>"
            )
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            '<meta name="kartoteka-simulated" content="1"><title>kartoteka sandbox'
            "</title></head><body><h1>kartoteka sandbox: simulated military court sites"
            f"</h1><p>Clock: {self.now.isoformat()}. Seed: {self.config.seed}. "
            f"Network: {html.escape(self.profile.name)}. "
            "Every court and case here is fictional.</p><table border=1><tr><th>code</th>"
            "<th>host</th><th>name</th><th>dialect</th><th>template</th><th>captcha</th>"
            "<th>always down</th><th>migration</th><th>redirect</th></tr>"
            f"{''.join(rows)}</table></body></html>"
        )
