"""The new (v4) template, as the real pages show it:

- listing: `div.lawcase-count` "Всего по запросу найдено - <b>N</b>", `table.law-case-table`
  with a `thead` of `td` headers (column order differs by court: map by header text), card
  links `name_op=case&_id=…&_uid=…&_deloId=…&_caseType=0&_new=…`, and a second, mobile copy of
  the rows in `div#resultMob` (rows must not be counted twice);
- card: `div.case-num` "ДЕЛО № …", tabs `li#tab_id_*`, bodies `div.lawcase-tab-content#
  tab_content_*` holding `table.law-case-table` blocks; labels "Председательствующий судья",
  "Дата решения", "Решение"; desktop tables marked `none-mobile` and mobile duplicates in
  `div.mobile-lawcase-item.block-mobile`; on some courts the event table puts the date first.
"""

from __future__ import annotations

import datetime as dt

from kartoteka.sandbox.acts import act_title, shown_act_html
from kartoteka.sandbox.caseload import SimCase
from kartoteka.sandbox.events import events_at
from kartoteka.sandbox.html_classic import doc_href
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
        f"/modules.php?name=sud_delo&srv_num=1&name_op=case&_id={case.case_id}"
        f"&_uid={case.guid}&_deloId={kind.delo_id}&_caseType=0&_new={kind.new}&_doc=1"
    )


_COLUMNS = {
    "standard": [
        "№ дела",
        "Дата поступления",
        "Информация по делу",
        "Судья",
        "Дата решения",
        "Решение",
        "Дата вступления в законную силу",
        "Судебные акты",
    ],
    "judge-first": [
        "№ дела",
        "Судья",
        "Дата поступления",
        "Информация по делу",
        "Решение",
        "Дата решения",
        "Дата вступления в законную силу",
        "Судебные акты",
    ],
}


def _cells(court: SimCourt, case: SimCase, now: dt.date) -> dict[str, str]:
    decided = case.decided_at(now)
    force = legal_force_at(case, now)
    acts = (
        f'<a href="{doc_href(case)}" title="{act_title(case)}"><img src="/images/arow.gif"></a>'
        if case.act_shown_at(now)
        else ""
    )
    return {
        "№ дела": f'<a href="{card_href(case)}">{e(case.number)}</a>',
        "Дата поступления": fmt(case.entry_date),
        "Информация по делу": defendants_cell(case, not court.hides_listing_articles),
        "Судья": e(case.judge.short),
        "Дата решения": fmt(case.final_date) if decided else "",
        "Решение": e(case.final_text or "") if decided else "",
        "Дата вступления в законную силу": fmt(force),
        "Судебные акты": acts,
    }


def _pages(total: int, page: int, page_size: int, href_for: dict[int, str]) -> str:
    items = [
        f'<li class="active"><span>{n}</span></li>'
        if n == page
        else f'<li><a href="{href_for[n]}">{n}</a></li>'
        for n in pager_pages(total, page, page_size)
    ]
    return f'<ul class="pagination">{"".join(items)}</ul>' if items else ""


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
    columns = _COLUMNS[court.listing_columns]
    head = "".join(f'<td class="vert-align">{c}</td>' for c in columns)
    desktop, mobile = [], []
    for case in rows:
        cells = _cells(court, case, now)
        desktop.append(
            "<tr>" + "".join(f'<td class="vert-align">{cells[c]}</td>' for c in columns) + "</tr>"
        )
        mobile.append(
            '<div class="mobile-lawcase-item block-mobile"><table class="law-case-'
            'table"><tbody>'
            + "".join(f"<tr><td><b>{c}</b></td><td>{cells[c]}</td></tr>" for c in columns)
            + "</tbody></table></div>"
        )
    pager = _pages(total, page, page_size, page_href)
    return (
        '<div id="modSdpContent"><div class="round-border-container">\n'
        f'<div id="search_results"><div class="name-instanse">{INSTANCE_TITLE[instance]}'
        "</div><hr>\n"
        f'<div class="lawcase-count">Всего по запросу найдено - <b>{total}</b></div>\n'
        '<table class="law-case-table list none-mobile"><thead class="vert-align">'
        f'<tr class="text-center">{head}</tr></thead><tbody>{"".join(desktop)}</tbody>'
        "</table>\n"
        f'<div id="resultMob">{"".join(mobile)}</div>\n{pager}\n</div></div></div>'
    )


def _label_table(rows: list[tuple[str, str]]) -> str:
    return (
        '<table class="law-case-table"><tbody>'
        + "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows)
        + "</tbody></table>"
    )


def _list_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<td class="vert-align">{h}</td>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="vert-align">{v}</td>' for v in r) + "</tr>" for r in rows
    )
    mobile = "".join(
        '<div class="mobile-lawcase-item block-mobile">'
        + _label_table(list(zip(header, r, strict=True)))
        + "</div>"
        for r in rows
    )
    return (
        '<table class="law-case-table list none-mobile"><thead class="vert-align">'
        f'<tr class="text-center">{head}</tr></thead><tbody>{body}</tbody></table>{mobile}'
    )


def _act_tab(court: SimCourt, case: SimCase) -> str:
    """The "Судебные акты" tab: the act inline, or on a court whose cards link their acts
    only its title linked to the `name_op=doc` page (the same URL form as the classic
    template's)."""
    title = act_title(case)
    if court.act_display == "linked":
        return (
            f'<div class="doc-title"><a href="{doc_href(case)}" target="_blank" '
            f'title="{title}">Судебный акт #1 ({title})</a></div>'
        )
    return (
        f'<div class="doc-title">Судебный акт #1 ({title})</div>'
        f'<div id="cont_doc1">{shown_act_html(case, court.name, court.publishes_acts)}</div>'
    )


def card_body(court: SimCourt, case: SimCase, now: dt.date) -> str:
    decided = case.decided_at(now)
    result = card_result(case, decided)
    uid_link = (
        f'<a class="dashed" href="/modules.php?name=sud_delo&amp;name_op=r&amp;srv_num=1'
        f'&amp;token=judicial_uid&amp;case__judicial_uidss={case.uid}&amp;_ord=asc">'
        f"{case.uid}</a>"
    )
    rows = [
        ("Уникальный идентификатор дела", uid_link),
        ("Дата поступления", fmt(case.entry_date)),
        ("Председательствующий судья", e(case.judge.short)),
    ]
    if decided:
        rows += [("Дата решения", fmt(case.final_date)), ("Решение", result)]
    rows.append(
        (
            "Признак рассмотрения дела",
            "Рассматривается" if not decided else "Рассмотрено единолично судьей",
        )
    )
    tabs: list[tuple[str, str, str]] = [("Case", "Дело", _label_table(rows))]
    if case.lower is not None:
        tabs.append(
            ("LowerCourt", "Рассмотрение в нижестоящем суде", _label_table(lower_court_rows(case)))
        )
    header = [
        "Наименование события",
        "Дата",
        "Время слушания",
        "Место проведения",
        "Результат события",
        "Основание для выбранного результата события",
        "Примечание",
        "Дата размещения",
    ]
    rows_ev = [event_cells(ev) for ev in events_at(case, now)]
    if court.events_date_first:
        header = [header[1], header[0], *header[2:]]
        rows_ev = [[r[1], r[0], *r[2:]] for r in rows_ev]
    tabs.append(("EventList", "Движение дела", _list_table(header, rows_ev)))
    tabs.append(
        (
            "DefendantList",
            "Лица",
            _list_table(
                [
                    "Фамилия / наименование",
                    "Перечень статей",
                    "Дата рассмотрения дела в отношении лица",
                    "Результат в отношении лица",
                ],
                person_cells(case, decided, result),
            ),
        )
    )
    tabs.append(
        (
            "PersonList",
            "Стороны",
            _list_table(
                [
                    "Вид лица, участвующего в деле",
                    "Фамилия / наименование",
                    "ИНН",
                    "КПП",
                    "ОГРН",
                    "ОГРНИП",
                ],
                side_cells(),
            ),
        )
    )
    if case.act_shown_at(now):
        tabs.append(("DocumentList", "Судебные акты", _act_tab(court, case)))
    active = ' class="active"'
    hidden = ' style="display: none;"'
    bookmarks = "".join(
        f'<li id="tab_id_{key}"{active if i == 0 else ""}>{title}</li>'
        for i, (key, title, _) in enumerate(tabs)
    )
    bodies = "".join(
        f'<div class="lawcase-tab-content" id="tab_content_{key}"'
        f"{'' if i == 0 else hidden}>{body}</div>"
        for i, (key, _, body) in enumerate(tabs)
    )
    return (
        '<div id="modSdpContent"><div class="round-border-container">\n'
        f'<div id="search_results"><div class="name-instanse">{INSTANCE_TITLE[case.instance]}'
        "</div><hr>\n"
        f'<div class="container" id="case_window"><div class="case-num">ДЕЛО № '
        f"{e(case.number)}</div>\n"
        f'<ul id="case_bookmarks" class="bookmarks">{bookmarks}</ul>\n'
        f'<div class="clr sp15"></div>\n{bodies}\n</div></div></div></div>'
    )
