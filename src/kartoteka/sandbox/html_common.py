"""Page parts both template generations share: the page shell (windows-1251 meta, the
simulated-data marks), the search form of both dialects, the captcha form, the throttling page,
the empty result and a portal page that is not a case index at all; and what both templates
put in their listings and cards (which pages a pager shows, the defendants' cell, the result,
the event, person and party cells), each template wrapping it in its own markup.

Markup follows the real pages (see /work/shared/fixtures/sudrf/, never copied): the same ids,
classes, labels and sentences, much less chrome. Every page says it is simulated, in a
`<meta name="kartoteka-simulated" content="1">` and in a visible banner.
"""

from __future__ import annotations

import datetime as dt
import html

from kartoteka.sandbox.caseload import SimCase, charges_text
from kartoteka.sandbox.events import SimEvent
from kartoteka.sandbox.network import SimCourt
from kartoteka.sudrf.models import Template
from kartoteka.sudrf.urls import CASE_KINDS, Dialect, Instance

e = html.escape

INSTANCE_TITLE = {
    Instance.FIRST: "Уголовные дела - первая инстанция",
    Instance.APPEAL: "Уголовные дела - апелляция",
    Instance.CASSATION: "Уголовные дела - кассация",
}

NO_DATA = "Данных по запросу не обнаружено"
UNAVAILABLE = (
    "Информация временно недоступна. Приносим свои извинения. Попробуйте обратиться "
    "позже или обратитесь непосредственно в суд."
)
SIMULATED_BANNER = (
    '<div class="kartoteka-simulated" style="background:#fc0;padding:4px;'
    'text-align:center">СИМУЛЯЦИЯ kartoteka: вымышленный суд и вымышленные '
    "дела, не сайт суда</div>"
)


def fmt(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def shell(court: SimCourt, body: str, *, title_suffix: str = "") -> str:
    """A whole page: head with charset and the simulated mark, the portal box, `body`."""
    stylesheet = (
        '<link rel="stylesheet" href="/modules/sud_delo/css/v4/style.css">'
        if court.template is Template.NEW
        else "<link rel='stylesheet' type='text/css' "
        "href='/modules/sud_delo/css/style_portal_old.css'>"
    )
    return (
        '<!DOCTYPE html><html class="adopt"><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">\n'
        '<meta name="kartoteka-simulated" content="1">\n'
        f"<title>{e(court.name)}{title_suffix} (симуляция)</title>\n"
        f"{stylesheet}\n</head><body>\n{SIMULATED_BANNER}\n"
        '<div class="box box_common m-all_m">\n'
        '<div class="box__head box__head_white">СУДЕБНОЕ ДЕЛОПРОИЗВОДСТВО</div>\n'
        f"{body}\n</div>\n</body></html>\n"
    )


def lower_court_rows(case: SimCase) -> list[tuple[str, str]]:
    """The "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ" block of an appeal or cassation card."""
    lower = case.lower
    if lower is None:
        return []
    if case.instance is Instance.CASSATION and lower.lower is not None:
        first = lower.lower
        return [
            ("Суд апелляционной инстанции", e(case.lower_court_name or "")),
            ("Номер дела в апелляционной инстанции", e(lower.number)),
            ("Дата решения апелляционной инстанции", fmt(lower.final_date)),
            ("Суд первой инстанции", e(lower.lower_court_name or "")),
            ("Номер дела в первой инстанции", e(first.number)),
            ("Дата решения первой инстанции", fmt(first.final_date)),
        ]
    return [
        ("Суд первой инстанции", e(case.lower_court_name or "")),
        ("Номер дела в первой инстанции", e(lower.number)),
        ("Судья первой инстанции", e(lower.judge.short)),
        ("Дата решения первой инстанции", fmt(lower.final_date)),
    ]


HIDDEN = "Информация скрыта"  # what the sites print in place of a hidden name
SIDES = [
    ("Прокурор", "Военная прокуратура гарнизона (вымышленная)"),
    ("Защитник (адвокат)", "Коллегия адвокатов (вымышленная)"),
]


def pager_pages(total: int, page: int, page_size: int) -> list[int]:
    """The page numbers a listing's pager shows: two either side of `page` (itself included)
    and the last one; none when a single page holds every row."""
    pages = max(1, -(-total // page_size))
    if pages == 1:
        return []
    return [n for n in range(1, pages + 1) if abs(n - page) <= 2 or n == pages]


def defendants_cell(case: SimCase, with_articles: bool) -> str:
    """A listing's "Информация по делу": each defendant's short name (or the hidden mark),
    followed by the charges unless the court hides them in listings."""
    labels = []
    for d in case.defendants:
        name = e(HIDDEN if d.hidden else d.name.short)
        labels.append(f"{name} - {e(charges_text(d.charges))}" if with_articles else name)
    return "<br>".join(labels)


def legal_force_at(case: SimCase, now: dt.date) -> dt.date | None:
    """The date the decision became final, once `now` has reached it."""
    return case.legal_force if case.legal_force and case.legal_force <= now else None


def card_result(case: SimCase, decided: bool) -> str:
    """A card's result text, with its legal basis on a second line once decided."""
    result = e(case.final_text or "")
    if case.final_basis and decided:
        result += "<br>" + e(case.final_basis)
    return result


def event_cells(event: SimEvent) -> list[str]:
    """One ДВИЖЕНИЕ ДЕЛА row in the standard column order (name, date, time, place, result,
    basis, note, publication date)."""
    return [
        e(event.name),
        fmt(event.date),
        event.time,
        e(event.place),
        e(event.result),
        e(event.basis),
        e(event.note),
        fmt(event.published),
    ]


def person_cells(case: SimCase, decided: bool, result: str) -> list[list[str]]:
    """The ЛИЦА rows: full name (or the hidden mark), charges, and once decided the date and
    result for that person."""
    return [
        [
            HIDDEN if d.hidden else e(d.name.full),
            e(charges_text(d.charges)),
            fmt(case.final_date) if decided else "",
            result if decided else "",
        ]
        for d in case.defendants
    ]


def side_cells() -> list[list[str]]:
    """The СТОРОНЫ rows: role, name, and the four registration numbers (empty for people)."""
    return [[role, e(who), "", "", "", ""] for role, who in SIDES]


def unavailable_page(court: SimCourt) -> str:
    """The anti-bot throttling answer (HTTP 200): no module content, one sentence."""
    return (
        '<!DOCTYPE html><html class="adopt"><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">\n'
        '<meta name="kartoteka-simulated" content="1">\n'
        f"<title>{e(court.name)} (симуляция)</title>\n</head><body>\n{SIMULATED_BANNER}\n"
        "<div class='box box_common m-all_m'>\n\n\t\t<div class='box__head box__head_white'>"
        f"СУДЕБНОЕ ДЕЛОПРОИЗВОДСТВО</div>{UNAVAILABLE}</div>\n</body></html>\n"
    )


def portal_page(court: SimCourt) -> str:
    """A court's home page: no case index on it (an unrecognised page for a parser)."""
    return shell(
        court,
        f'<div class="content">Официальный сайт: {e(court.name)}. '
        "Новости суда, график приёма граждан, контакты.</div>",
    )


def empty_body(court: SimCourt, instance: Instance = Instance.FIRST) -> str:
    """The search form in the court's dialect (field names and all), then "Данных по запросу
    не обнаружено". An honest empty window and a query the site does not understand (the
    other dialect's parameters, a wrong delo_id/new pair: DOMAIN.md §5, "silent refusals")
    get these same bytes: nothing on the page tells them apart. The form echoes none of the
    request's values, as the refusal cannot."""
    form = search_form_body(court, instance)
    if court.template is Template.NEW:
        return (
            f'{form}<div id="search_results"><div class="name-instanse">'
            f"{INSTANCE_TITLE[instance]}</div><hr>"
            f'<div class="lawcase-count">{NO_DATA}</div></div>'
        )
    return (
        f"{form}<div id=line></div><div align='center' class='title'>"
        f"{INSTANCE_TITLE[instance]}</div><div id=line></div>"
        f"<div align='center'><b>{NO_DATA}</b></div>"
    )


def empty_page(court: SimCourt, instance: Instance = Instance.FIRST) -> str:
    """ "Данных по запросу не обнаружено": the answer to a search that matches nothing, and
    to one the site does not understand."""
    return shell(court, empty_body(court, instance))


def _form_fields(court: SimCourt, instance: Instance) -> tuple[str, list[tuple[str, str]]]:
    """Hidden inputs and (label, input name) of the search form in the court's dialect."""
    kind = CASE_KINDS[instance]
    if court.dialect is Dialect.CLASSIC:
        t, d = kind.table, kind.defendant_table
        hidden = (
            f'<input name="name_op" type="hidden" value="r">'
            f'<input name="delo_id" type="hidden" value="{kind.delo_id}">'
            f'<input name="case_type" type="hidden" value="0">'
            f'<input name="new" type="hidden" value="{kind.new}">'
            f'<input name="delo_table" type="hidden" value="{t}">'
        )
        fields = [
            ("Фамилия", f"{d}__NAMESS"),
            ("Номер дела (материала)", f"{t}__CASE_NUMBERSS"),
            ("Уникальный идентификатор дела", f"{t}__JUDICIAL_UIDSS"),
            ("Дата поступления с", f"{t}__ENTRY_DATE1D"),
            ("Дата поступления по", f"{t}__ENTRY_DATE2D"),
            ("Статья или категория", f"{d}__LAW_ARTICLESS"),
            ("Судья", f"{t}__JUDGE"),
            ("Дата решения с", f"{t}__RESULT_DATE1D"),
            ("Дата решения по", f"{t}__RESULT_DATE2D"),
        ]
    else:
        hidden = (
            f'<input name="name_op" type="hidden" value="r">'
            f'<input name="_deloId" type="hidden" value="{kind.delo_id}">'
            f'<input name="case__case_type" type="hidden" value="0">'
            f'<input name="_new" type="hidden" value="{kind.new}">'
        )
        fields = [
            ("Фамилия", "parts__namess"),
            ("Номер дела (материала)", "case__num_build"),
            ("Уникальный идентификатор дела", "case__judicial_uidss"),
            ("Дата поступления с", "case__entry_date1d"),
            ("Дата поступления по", "case__entry_date2d"),
            ("Статья или категория", "parts__law_articless"),
            ("Судья", "case__judge"),
            ("Дата решения с", "case__result_date1d"),
            ("Дата решения по", "case__result_date2d"),
        ]
    return hidden, fields


# A 1×1 transparent PNG made for the sandbox: the captcha image carries no answer.
CAPTCHA_IMAGE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def search_form_body(
    court: SimCourt,
    instance: Instance,
    captcha_id: str | None = None,
    wrong_code: bool = False,
    image_b64: str = CAPTCHA_IMAGE,
) -> str:
    """The search form (`name_op=sf`); with `captcha_id`, the captcha row "Проверочный код"
    with its inline image and the hidden `captchaid`, as the courts that ask for a captcha
    show it."""
    hidden, fields = _form_fields(court, instance)
    rows = "".join(
        f'<tr><td style="width:10%;" align="right">{e(label)}</td>'
        f"<td style=\"width:40%;\"><input name='{name}' type='text' class='Lookup' size=70>"
        "</td></tr>"
        for label, name in fields
    )
    if captcha_id is not None:
        rows += (
            '<tr><td style="width:10%;" align="right">Проверочный код</td>'
            "<td style=\"width:40%;\"><input name='captcha' autocomplete='off' id='captcha' "
            "type='text' class='Lookup' size=10> "
            f'<img src="data: image/png;base64, {image_b64}">'
            f"<input type='hidden' name='captchaid' value='{e(captcha_id)}'></td></tr>"
        )
        if wrong_code:
            rows += (
                '<tr><td colspan="2" style="color:#FF0000">Неверно указан проверочный код</td></tr>'
            )
    return (
        '<div id="modSdpContent"><div id="content">'
        '<form action="/modules.php" method="get" name="calform" id="calform">'
        '<input name="name" type="hidden" value="sud_delo">'
        '<input name="srv_num" type="hidden" value="1">'
        f"{hidden}"
        '<div id="case_type">Выбрана картотека поиска:<br>'
        f'<div style="color:#006699; font-size:20px">{INSTANCE_TITLE[instance]}</div></div>'
        '<table width="100%" cellpadding=0 cellspacing=2 border=0>'
        f'{rows}</table><input type="submit" name="Submit" value="Найти"></form></div></div>'
    )


def search_form_page(
    court: SimCourt,
    instance: Instance,
    captcha_id: str | None = None,
    image_b64: str = CAPTCHA_IMAGE,
) -> str:
    return shell(court, search_form_body(court, instance, captcha_id, image_b64=image_b64))


def captcha_page(
    court: SimCourt,
    instance: Instance,
    captcha_id: str,
    wrong_code: bool = False,
    image_b64: str = CAPTCHA_IMAGE,
) -> str:
    """The captcha gate: the search form with its "Проверочный код" row, instead of the page
    that was asked for."""
    return shell(court, search_form_body(court, instance, captcha_id, wrong_code, image_b64))


def side_panel_captcha(
    court: SimCourt, instance: Instance, captcha_id: str, image_b64: str = CAPTCHA_IMAGE
) -> str:
    """The search form with its captcha row in a side panel next to the results."""
    body = search_form_body(court, instance, captcha_id, image_b64=image_b64)
    return f'<div class="box box_side">{body}</div>'
