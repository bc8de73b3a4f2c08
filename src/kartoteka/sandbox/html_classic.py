"""The classic template (ГАС «Правосудие» before the v4 redesign), as the real pages show it:

- listing: a pager table, the counter "Всего по запросу найдено — N. На странице записи с A
  по B.", then `table#tablcont` whose first row holds `th` headers, one `tr` per case with the
  card link `name_op=case&case_id=…&case_uid=…&delo_id=…&new=…`;
- card: `div.casenumber` "ДЕЛО № …", tabs `li#tabN`, bodies `div#cont1..N`, each with its own
  `table#tablcont` (the id repeats), label/value rows `<td><b>label</b></td><td>value</td>`,
  and a print script that holds `<Table id='tablcont'` as a string (a trap for regex parsers,
  as on the real pages).
"""

from __future__ import annotations

import datetime as dt

from kartoteka.sandbox.acts import act_title, shown_act_html
from kartoteka.sandbox.caseload import SimCase
from kartoteka.sandbox.events import events_at
from kartoteka.sandbox.html_common import (
    INSTANCE_TITLE,
    card_result,
    defendants_cell,
    e,
    event_cells,
    fmt,
    legal_force_at,
    lower_court_rows,
    pager_pages,
    person_cells,
    side_cells,
)
from kartoteka.sandbox.network import SimCourt
from kartoteka.sudrf.urls import CASE_KINDS, Instance


def card_href(case: SimCase) -> str:
    kind = CASE_KINDS[case.instance]
    return (
        f"/modules.php?name=sud_delo&srv_num=1&name_op=case&case_id={case.case_id}"
        f"&case_uid={case.guid}&delo_id={kind.delo_id}&new={kind.new}"
    )


def doc_href(case: SimCase) -> str:
    kind = CASE_KINDS[case.instance]
    return (
        f"/modules.php?name=sud_delo&srv_num=1&name_op=doc&number={case.case_id}"
        f"&delo_id={kind.delo_id}&new={kind.new}&text_number=1"
    )


def _pager(total: int, page: int, page_size: int, href_for: dict[int, str]) -> str:
    links = [
        f"<b>{n}</b>" if n == page else f"<a href= {href_for[n]}>{n}</a>"
        for n in pager_pages(total, page, page_size)
    ]
    return "Страницы : " + " | ".join(links) if links else ""


def listing_body(
    court: SimCourt,
    instance: Instance,
    rows: list[SimCase],
    total: int,
    page: int,
    page_size: int,
    now: dt.date,
    page_href: dict[int, str],
) -> str:
    first = (page - 1) * page_size + 1
    last = first + len(rows) - 1
    pager = _pager(total, page, page_size, page_href)
    head = (
        '<tr>\n<th style="text-align: center" >№ дела</th><th style="text-align: '
        'center" >Дата<br>поступления</th><th style="text-align: center" >Информация по '
        'делу</th><th style="text-align: center" >Судья</th><th style="text-align: '
        'center" >Дата<br>решения</th><th style="text-align: center" >Решение</th>'
        '<th style="text-align: center" >Дата вступления<br>в законную силу</th>'
        '<th style="text-align: center" >Судебные<br>акты</th>\t\t</tr>\n'
    )
    body = []
    for case in rows:
        decided = case.decided_at(now)
        result = e(case.final_text or "") if decided else ""
        acts = (
            f"&nbsp;<a href='{doc_href(case)}' TITLE='{act_title(case)}'><img "
            "src='/images/arow.gif' style='width: 15px; height: 17px; border: 0;'></a>"
            if case.act_shown_at(now)
            else ""
        )
        force = legal_force_at(case, now)
        body.append(
            '<tr valign="top">\n'
            '<td title="Для получения справки по делу, нажмите на номер дела" '
            f"style=\"width:6%;cursor: pointer;\"><a href='{card_href(case)}'>{e(case.number)}"
            "</a><br></td>\n"
            f'<td align="center" style="width:3%">\n&nbsp;{fmt(case.entry_date)}</td>\n'
            f'<td style="width:50%">\n'
            f"{defendants_cell(case, not court.hides_listing_articles)}</td>\n"
            f"<td>\n{e(case.judge.short)}</td>\n"
            f'<td align="center">\n{fmt(case.final_date) if decided else ""}</td>\n'
            f"<td>\n{result}</td>\n"
            f"<td>{fmt(force) or '&nbsp;'}</td><td>{acts}</td>\n</tr>\n"
        )
    return (
        "<div id=\"modSdpContent\"><div id='content'>\n<div id=line></div>\n"
        f"<div align='center' class='title'>\n{INSTANCE_TITLE[instance]}<br>\n"
        '<div style="font-size: 12px">В соответствии с Федеральным законом от 22.12.2008 '
        "№ 262-ФЗ не все категории дел подлежат публикации.</div></div>\n<div id=line></div>\n"
        '<table width="100%" border="0"><tr><td valign="bottom" nowrap>\n'
        f'{pager}</td>\n<td align="right">\n'
        f"Всего по запросу найдено — {total}. На странице записи с {first}\t\t\t\tпо {last}."
        "&nbsp;&nbsp;</td></tr></table>\n"
        '<table width="100%" border="0" cellpadding="3" cellspacing="0" id="tablcont">\n'
        f"{head}{''.join(body)}</table>\n"
        f'<table width="100%" border="0"><tr><td valign="bottom" nowrap>{pager}</td></tr>'
        "</table>\n</div></div>"
    )


def _label_rows(rows: list[tuple[str, str]]) -> str:
    return "".join(
        '<tr>\n<td width="50%">\n<b>'
        + e(label)
        + "</b>\t\t\t\t\t</td>\n<td>"
        + value
        + "</td>\n</tr>\n"
        for label, value in rows
    )


def _table(title: str, inner: str, colspan: int = 10) -> str:
    return (
        '<br><table width="100%" border="0" cellpadding="3" cellspacing="0" '
        f'id="tablcont"><tbody><tr><th colspan="{colspan}">{title}</th></tr>{inner}'
        "</tbody></table>"
    )


def _header_row(names: list[str]) -> str:
    return "<tr>" + "".join(f'<td align="center"><b>{n}</b></td>' for n in names) + "</tr>"


def _row(values: list[str], close: bool = True) -> str:
    """A table row; `close=False` leaves `</tr>` out, as some court servers do."""
    return "<tr>" + "".join(f"<td>{v}</td>" for v in values) + ("</tr>" if close else "")


def card_body(court: SimCourt, case: SimCase, now: dt.date) -> str:
    cassation = case.instance is Instance.CASSATION
    decided = case.decided_at(now)
    result = card_result(case, decided)
    uid_link = (
        f'<a style="font-size:12px;" href="/modules.php?name=sud_delo&amp;name_op=r_juid'
        f"&amp;vnkod={court.code}&amp;srv_num=1&amp;delo_id="
        f"{CASE_KINDS[case.instance].delo_id}&amp;case_type=0&amp;judicial_uid="
        f'{case.uid}"><u>{case.uid}</u></a>'
    )
    delo_rows = [
        ("Уникальный идентификатор дела", uid_link),
        ("Дата поступления", fmt(case.entry_date)),
        ("Судья", e(case.judge.short)),
    ]
    if decided:
        delo_rows += [
            ("Дата рассмотрения", fmt(case.final_date)),
            ("Результат рассмотрения", result),
        ]
    delo_rows.append(
        (
            "Признак рассмотрения дела",
            "Рассмотрено единолично судьей"
            if decided and case.instance is Instance.FIRST
            else "Рассматривается"
            if not decided
            else "Рассмотрено коллегией судей",
        )
    )
    tabs: list[tuple[str, str]] = []
    tabs.append(
        (
            "ПРОИЗВОДСТВО" if cassation else "ДЕЛО",
            '<br><table width="100%" border="0" cellspacing="0" cellpadding="3" '
            'id="tablcont">\n<tbody><tr>\n<th colspan="2" align="center" valign="center">'
            "ДЕЛО</th>\n</tr><tr>\n</tr>" + _label_rows(delo_rows) + "</tbody></table>",
        )
    )
    if case.lower is not None:
        tabs.append(
            (
                "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ",
                _table(
                    "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ",
                    _label_rows(lower_court_rows(case)),
                    colspan=2,
                ),
            )
        )
    events = events_at(case, now)
    ev_head = _header_row(
        [
            "Наименование события",
            "Дата",
            "Время",
            "Место проведения",
            "Результат события",
            "Основание для выбранного результата события",
            "Примечание",
            "Дата размещения",
        ]
    )
    ev_rows = "".join(_row(event_cells(ev), close=not court.unclosed_rows) for ev in events)
    # Cassation cards list hearings as СЛУШАНИЯ where other cards have ДВИЖЕНИЕ ДЕЛА.
    events_title = "СЛУШАНИЯ" if cassation else "ДВИЖЕНИЕ ДЕЛА"
    tabs.append((events_title, _table(events_title, ev_head + ev_rows)))
    people_head = _header_row(
        [
            "Фамилия / наименование",
            "Перечень статей",
            "Дата рассмотрения дела в отношении лица",
            "Результат в отношении лица",
        ]
    )
    people = "".join(_row(cells) for cells in person_cells(case, decided, result))
    tabs.append(("ЛИЦА", _table("ЛИЦА", people_head + people)))
    sides_head = _header_row(
        [
            "Вид лица, участвующего в деле",
            "Лицо, участвующее в деле (ФИО, наименование)",
            "ИНН",
            "КПП",
            "ОГРН",
            "ОГРНИП",
        ]
    )
    sides = "".join(_row(cells) for cells in side_cells())
    tabs.append(("СТОРОНЫ", _table("СТОРОНЫ", sides_head + sides)))
    if case.act_shown_at(now):
        tabs.append(("СУДЕБНЫЕ АКТЫ", act_tab(court, case)))
    n = len(tabs)
    tab_list = "".join(
        f'<li id="tab{i}" class="{"sel" if i == 1 else "nonsel"}"><a href="#" onclick="index('
        f'{i}, {n}); return false;">&nbsp;{title}&nbsp;</a></li>'
        for i, (title, _) in enumerate(tabs, start=1)
    )
    bodies = "".join(
        f'<div id="cont{i}" style="display: {"block" if i == 1 else "none"}; padding: 0 15px '
        f'15px 15px;">{body}</div>\n'
        for i, (_, body) in enumerate(tabs, start=1)
    )
    print_args = ", ".join(f"document.getElementById('cont{i}')" for i in range(1, n + 1))
    return (
        '<div id="modSdpContent"><div id="content">\n<div id="line"></div>\n'
        f'<div align="center" class="title">\n\t{INSTANCE_TITLE[case.instance]}</div>\n'
        '<div id="line"></div>\n'
        f'<div align="center" class="casenumber">\n\tДЕЛО № {e(case.number)}</div>\n'
        f'<ul class="tabs">{tab_list}</ul>'
        '<script type="text/javascript">function openPrintWinCases(num) { var w = '
        "window.open(''); w.document.write(\"<Table id='tablcont' width='100%'>\"); }"
        "</script>\n"
        f'<div class="contentt" style="padding:0; margin:0;">\n{bodies}</div>\n'
        f'<div align="right" style="padding:5px;"><img src="images/print.gif" alt="Печать '
        f'карточки" onclick="openPrintWinCases(\'{e(case.number)}\', {print_args});"></div>\n'
        "</div></div>"
    )


def act_tab(court: SimCourt, case: SimCase) -> str:
    """The СУДЕБНЫЕ АКТЫ tab: the act inline (`li#tab_doc1` + `div#cont_doc1`, as every
    saved real card has it), or, on a court whose cards link their acts, only the act's
    title linked to its `name_op=doc` page."""
    title = act_title(case)
    if court.act_display == "linked":
        return (
            '<div class="contentt"><ul class="doc-list"><li>'
            f"<a href='{doc_href(case)}' target='_blank' TITLE='{title}'>"
            f"Судебный акт #1 ({title})</a></li></ul></div>"
        )
    return (
        '<ul class="tabs"><li id="tab_doc1" class="sel"><a href="#" '
        'onclick="index_docs(1, 1); return false;">'
        f"&nbsp;Судебный акт #1 ({title})&nbsp;</a></li></ul>"
        '<div class="contentt"><div id="cont_doc1" style="display: block; '
        'padding: 15px; font-size: 14px; color: black;">\n'
        f"{shown_act_html(case, court.name, court.publishes_acts)}</div></div>"
    )


def doc_body(court: SimCourt, case: SimCase) -> str:
    """`name_op=doc` (both templates): the act alone, as the site shows it (its text, a
    stub, or an attachment link)."""
    return (
        '<div id="modSdpContent"><div id="content">'
        f'<div align="center" class="title">{act_title(case)} по делу № {e(case.number)}'
        f'</div><div id="cont_doc1">{shown_act_html(case, court.name, court.publishes_acts)}'
        "</div></div></div>"
    )
