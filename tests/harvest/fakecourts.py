"""A tiny fake court network on localhost for the harvester's own tests.

It answers the URLs of `kartoteka.sudrf.urls` (under `/<host>/` path prefixes, as the sandbox
does) with minimal classic-template pages that `kartoteka.sudrf.read_page` reads: listings
with the counter and 25 rows a page, cards, robots.txt, and scripted faults (429, 503, the
throttle page, a captcha gate). Every case is fictional. It logs each request's arrival time.
The full simulation (both templates, realistic caseload) is `kartoteka.sandbox`; this exists
so the harvester's tests do not depend on it.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kartoteka.sudrf.encoding import encode_page
from kartoteka.sudrf.urls import INSTANCE_BY_DELO_ID, PAGE_SIZE, parse_query, read_listing_query


@dataclass
class FakeCase:
    case_id: str
    entry: dt.date
    article: str = "ст.337 ч.5 УК РФ"
    result: str = ""
    result_date: dt.date | None = None
    legal_force: dt.date | None = None
    instance: str = "first"

    @property
    def number(self) -> str:
        return f"1-{self.case_id}/{self.entry.year}"


@dataclass
class FakeCourt:
    host: str
    cases: list[FakeCase] = field(default_factory=list)
    captcha_code: str | None = None  # set: every case-index request needs this code first
    solved: bool = False
    down: bool = False
    gone_cards_empty: bool = False  # a card of an unknown case says "no data" (as the sandbox)
    no_counter: bool = False  # listings without "Всего по запросу найдено"
    # The dialect the site understands (None: both). A query in the other one is refused
    # silently, as the real sites do: 200, the search form, "Данных по запросу не обнаружено".
    dialect: str | None = None
    moved_to: str | None = None  # answer every request with a 301 to this host
    # Cases that arrive just after the first listing page of a window has been served: the
    # rows shift between pages of that window.
    arrive_while_paging: list[FakeCase] = field(default_factory=list)
    arrive_after_page_2: list[FakeCase] = field(default_factory=list)  # a second batch


def _d(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def empty_html() -> str:
    return "<html><body><div>Данных по запросу не обнаружено</div></body></html>"


def listing_html(court: FakeCourt, cases: list[FakeCase], page: int) -> str:
    total = len(cases)
    chunk = cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if total == 0:
        return empty_html()
    rows = "".join(
        f"<tr><td><a href='/modules.php?name=sud_delo&name_op=case&case_id={c.case_id}"
        f"&case_uid=&delo_id=1540006'>{c.number}</a></td><td>{_d(c.entry)}</td>"
        f"<td>КАТЕГОРИЯ: Уголовное<br>Обвиняемый: Иванов И.И. - {c.article}</td>"
        f"<td>Судья А.А.</td><td>{_d(c.result_date)}</td><td>{c.result}</td>"
        f"<td>{_d(c.legal_force)}</td><td></td></tr>"
        for c in chunk
    )
    first = (page - 1) * PAGE_SIZE + 1
    counter = (
        ""
        if court.no_counter
        else "Всего по запросу найдено — "
        f"{total}. На странице записи с {first} по {first + len(chunk) - 1}."
    )
    return (
        f"<html><body><div>{counter}</div>"
        "<table id='tablcont'><tr><th>№ дела</th><th>Дата поступления</th>"
        "<th>Информация по делу</th><th>Судья</th><th>Дата решения</th><th>Решение</th>"
        "<th>Дата вступления в законную силу</th><th>Судебные акты</th></tr>"
        f"{rows}</table></body></html>"
    )


def card_html(case: FakeCase) -> str:
    return (
        "<html><body><div class='casenumber'>ДЕЛО № " + case.number + "</div>"
        "<div id='cont1'><table id='tablcont'><tr><th colspan=2>ДЕЛО</th></tr>"
        f"<tr><td><b>Дата поступления</b></td><td>{_d(case.entry)}</td></tr>"
        f"<tr><td><b>Результат рассмотрения</b></td><td>{case.result}</td></tr>"
        f"<tr><td><b>Дата рассмотрения</b></td><td>{_d(case.result_date)}</td></tr>"
        "</table></div><div id='cont2'><table id='tablcont'><tr><th colspan=4>ЛИЦА</th></tr>"
        "<tr><td>Фамилия / наименование</td><td>Перечень статей</td><td>Дата</td>"
        f"<td>Результат</td></tr><tr><td>Иванов И.И.</td><td>{case.article}</td><td></td>"
        "<td></td></tr></table></div></body></html>"
    )


CAPTCHA_PAGE = (
    "<html><body><form>Проверочный код <img src='/captcha.php?id=abc'>"
    "<input name='captchaid' value='abc'><input name='captcha'></form>"
    "</body></html>"
)
THROTTLE_PAGE = "<html><body><h1>Информация временно недоступна</h1></body></html>"
FORM_PAGE = (
    "<html><body><form><input name='delo_table' value='u1_case'>"
    "<input name='u1_case__ENTRY_DATE1D'></form></body></html>"
)
VNKOD_FORM = (
    "<form><input name='name_op' value='r'><input name='_deloId' value='1540006'>"
    "<input name='case__entry_date1d'><input name='parts__law_articless'></form>"
)
CLASSIC_FORM = (
    "<form><input name='name_op' value='r'><input name='delo_table' value='u1_case'>"
    "<input name='u1_case__ENTRY_DATE1D'></form>"
)


def form_of(dialect: str | None) -> str:
    return VNKOD_FORM if dialect == "vnkod" else CLASSIC_FORM


def refusal_html(dialect: str | None) -> str:
    """The answer to a query the site does not understand: form + "no data"."""
    return f"<html><body>{form_of(dialect)}<div>Данных по запросу не обнаружено</div></body></html>"


class FakeNetwork:
    """The courts, a script of faults by URL substring, and the arrival log."""

    def __init__(self, courts: list[FakeCourt]) -> None:
        self.courts = {c.host: c for c in courts}
        for c in courts:
            if c.moved_to:
                self.courts[c.moved_to] = c
        self.faults: list[tuple[str, int, str | None]] = []  # (url part, status, body kind)
        self.log: list[tuple[str, float, str, int]] = []  # host, t, path?query, status
        self.lock = threading.Lock()

    def fault(
        self, url_part: str, status: int = 429, kind: str | None = None, times: int = 1
    ) -> None:
        self.faults.extend([(url_part, status, kind)] * times)

    def answer(self, host: str, target: str) -> tuple[int, dict[str, str], bytes]:
        court = self.courts.get(host)
        if court is None:
            return 404, {}, b"no such court"
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            return 404, {}, b""
        for i, (part, status, kind) in enumerate(self.faults):
            if part in host + target:
                del self.faults[i]
                if kind == "throttle":
                    return 200, {}, encode_page(THROTTLE_PAGE)
                return status, {"Retry-After": "0"} if status == 429 else {}, b"fault"
        if court.down:
            return 503, {}, b"down"
        if court.moved_to and host != court.moved_to:
            return 301, {"Location": f"http://{court.moved_to}{target}"}, b""
        params = parse_query(parts.query)
        op = params.get("name_op")
        if op == "sf":
            if court.dialect is not None:
                return 200, {}, encode_page(f"<html><body>{form_of(court.dialect)}</body></html>")
            return 200, {}, encode_page(FORM_PAGE)
        spoken = "vnkod" if ("_deloId" in params or "_id" in params) else "classic"
        if court.dialect is not None and spoken != court.dialect and op in ("r", "case"):
            return 200, {}, encode_page(refusal_html(court.dialect))
        if court.captcha_code and not court.solved:
            if params.get("captcha") == court.captcha_code and params.get("captchaid") == "abc":
                court.solved = True
            else:
                return 200, {}, encode_page(CAPTCHA_PAGE)
        if op == "r":
            q = read_listing_query(params)
            inst = q.instance.value if q.instance else "first"
            cases = sorted(
                (
                    c
                    for c in court.cases
                    if c.instance == inst and q.entry_from <= c.entry <= q.entry_to
                ),
                key=lambda c: (c.entry, c.case_id),
            )
            page = listing_html(court, cases, q.page)
            if court.arrive_while_paging and q.page == 1 and len(cases) > PAGE_SIZE:
                court.cases.extend(court.arrive_while_paging)
                court.arrive_while_paging = []
            if court.arrive_after_page_2 and q.page == 2:
                court.cases.extend(court.arrive_after_page_2)
                court.arrive_after_page_2 = []
            return 200, {}, encode_page(page)
        if op == "case":
            inst = INSTANCE_BY_DELO_ID.get(params.get("delo_id") or params.get("_deloId", ""))
            case_id = params.get("case_id") or params.get("_id")
            for c in court.cases:
                if c.case_id == case_id and c.instance == (inst.value if inst else "first"):
                    return 200, {}, encode_page(card_html(c))
            if court.gone_cards_empty:
                return 200, {}, encode_page(empty_html())
        return 200, {}, encode_page("<html><body>Что-то другое</body></html>")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    network: FakeNetwork

    def do_GET(self) -> None:
        t = time.monotonic()
        _, host, rest = self.path.split("/", 2)
        with self.network.lock:
            status, headers, body = self.network.answer(host, "/" + rest)
            self.network.log.append((host, t, "/" + rest, status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/html; charset=windows-1251")
        self.send_header("X-Kartoteka-Simulated", "1")  # it stands in for the sandbox
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class FakeServer:
    def __init__(self, network: FakeNetwork) -> None:
        handler = type("Handler", (_Handler,), {"network": network})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
