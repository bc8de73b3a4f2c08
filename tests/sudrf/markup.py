"""Small synthetic court pages for structure tests: the markup DOMAIN.md describes (both
template generations), with invented names only. Real pages are in ../shared/fixtures."""

from __future__ import annotations

CLASSIC_HEADERS = (
    "№ дела",
    "Дата<br>поступления",
    "Информация по делу",
    "Судья",
    "Дата<br>решения",
    "Решение",
    "Дата вступления<br>в законную силу",
    "Судебные<br>акты",
)


def classic_row(i: int, info: str = "", close_tr: bool = True) -> str:
    link = (
        f"/modules.php?name=sud_delo&amp;srv_num=1&amp;name_op=case&amp;case_id={1000 + i}"
        f"&amp;case_uid=uid-{i}&amp;delo_id=1540006"
    )
    row = (
        f"<tr><td><a href='{link}'>1-{i}/2026</a><br></td><td>&nbsp;0{1 + i % 9}.03.2026</td>"
        f"<td>{info}</td><td>Тестова Т.Т.</td><td>15.04.2026</td><td>Вынесен ПРИГОВОР</td>"
        f"<td>&nbsp;</td><td><a href='/modules.php?name=sud_delo&amp;name_op=doc&amp;number={i}'"
        f" title='Приговоры'><img src='/images/arow.gif'></a></td>"
    )
    return row + ("</tr>" if close_tr else "\n")


def classic_listing(
    n_rows: int,
    total: int | None = None,
    first: int = 1,
    info: str = "",
    close_tr: bool = True,
    extra: str = "",
) -> str:
    total = n_rows if total is None else total
    last = first + n_rows - 1
    header = "".join(f"<th>{h}</th>" for h in CLASSIC_HEADERS)
    body = "".join(classic_row(first + i, info, close_tr) for i in range(n_rows))
    return (
        "<html><head><meta charset='windows-1251'></head><body><div id='content'>"
        f"<table><tr><td>Всего по запросу найдено — {total}. На странице записи с {first}"
        f"\t\tпо {last}.&nbsp;</td></tr></table>{extra}"
        f"<table width='100%' id='tablcont'><tr>{header}</tr>{body}</table>"
        "</div></body></html>"
    )


NEW_HEADERS = (
    "№ дела",
    "Дата поступления",
    "Судья",
    "Информация по делу",
    "Решение",
    "Дата решения",
    "Дата вступления в законную силу",
    "Судебные акты",
)


def new_row_cells(i: int, info: str) -> list[str]:
    link = (
        f"/modules.php?name=sud_delo&amp;name_op=case&amp;_id={2000 + i}&amp;_uid=u-{i}"
        f"&amp;_deloId=1540006&amp;_caseType=0&amp;_new=0&amp;srv_num=1"
    )
    return [
        f"<a href='{link}'>1-{i}/2026</a>",
        "01.02.2026",
        "Пробная П.П.",
        info,
        "Вынесен ПРИГОВОР",
        "20.03.2026",
        "",
        "",
    ]


def new_listing(
    n_rows: int, total: int, info: str = "", order: tuple[int, ...] | None = None
) -> str:
    """`order`: a permutation of the columns (courts order them differently)."""
    order = order or tuple(range(len(NEW_HEADERS)))
    head = "".join(f"<td>{NEW_HEADERS[k]}</td>" for k in order)
    desktop = "".join(
        "<tr>" + "".join(f"<td>{new_row_cells(i, info)[k]}</td>" for k in order) + "</tr>"
        for i in range(1, n_rows + 1)
    )
    mobile = "".join(
        "<div class='mobile-lawcase-item'><table class='law-case-table'><tbody>"
        + "".join(
            f"<tr><td><b>{h}</b></td><td>{c}</td></tr>"
            for h, c in zip(NEW_HEADERS, new_row_cells(i, info), strict=True)
        )
        + "</tbody></table></div>"
        for i in range(1, n_rows + 1)
    )
    return (
        "<html><body><div id='modSdpContent'><div id='search_results'>"
        f"<div class='lawcase-count'>Всего по запросу найдено - <b>{total}</b></div>"
        f"<table class='law-case-table list none-mobile' id='resultTable'><thead><tr>{head}"
        f"</tr></thead><tbody>{desktop}</tbody></table>"
        f"<div id='resultMob'>{mobile}</div></div></div></body></html>"
    )


def _label_rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in pairs)


def new_card(uid: str = "27GV0008-01-2019-000081-20") -> str:
    """A new-template criminal appeal-style card: other labels, date-first events, mobile and
    print duplicates of every table."""
    case = _label_rows(
        [
            ("Уникальный идентификатор дела", uid),
            ("Дата поступления", "02.02.2026"),
            ("Председательствующий судья", "Пробная П.П."),
            ("Дата решения", "03.03.2026"),
            ("Решение", "Вынесен ПРИГОВОР"),
            ("Суд первой инстанции", "Тестовый гарнизонный военный суд"),
        ]
    )
    events_head = "".join(
        f"<td>{h}</td>"
        for h in ("Дата", "Время", "Наименование события", "Результат события", "Место проведения")
    )
    events = (
        "<tr><td>02.02.2026</td><td>10:00</td><td>Регистрация поступившего в суд дела</td>"
        "<td></td><td></td></tr>"
        "<tr><td>03.03.2026</td><td>9:30</td><td>Судебное заседание</td>"
        "<td>Вынесен приговор</td><td>Зал 2</td></tr>"
    )
    people_head = "".join(
        f"<td>{h}</td>"
        for h in (
            "Фамилия / наименование",
            "Перечень статей",
            "Дата рассмотрения дела в отношении лица",
            "Результат в отношении лица",
        )
    )
    people = (
        "<tr><td>Информация скрыта</td><td>ст.337 ч.5 УК РФ</td><td>03.03.2026</td>"
        "<td>Вынесен ПРИГОВОР</td></tr>"
        "<tr><td>Тестов Тест Тестович</td><td>ст.30 ч.3, ст.338 ч.3 УК РФ</td><td></td>"
        "<td></td></tr>"
    )
    mobile_copy = (
        "<div class='mobile-lawcase-item block-mobile'><table class='law-case-table'>"
        "<tbody><tr><td><b>Фамилия / наименование</b></td><td>Тестов Т.Т.</td></tr>"
        "</tbody></table></div>"
    )
    return (
        "<html><body><div id='search_results'><div class='case-num'>ДЕЛО № 22-15/2026 "
        "(1-3/2025)</div><ul id='case_bookmarks'><li id='tab_id_Case'>Дело</li>"
        "<li id='tab_id_EventList'>Движение дела</li><li id='tab_id_PersonList'>Лица</li></ul>"
        f"<div class='lawcase-tab-content' id='tab_content_Case'><table class='law-case-table'>"
        f"<tbody>{case}</tbody></table></div>"
        "<div class='lawcase-tab-content' id='tab_content_EventList'>"
        f"<table class='law-case-table list none-mobile'><thead><tr>{events_head}</tr></thead>"
        f"<tbody>{events}</tbody></table></div>"
        "<div class='lawcase-tab-content' id='tab_content_PersonList'>"
        f"<table class='law-case-table list none-mobile'><thead><tr>{people_head}</tr></thead>"
        f"<tbody>{people}</tbody></table>{mobile_copy}</div>"
        "<div class='lawcase-tab-content none' id='printVersionBodyCase'>"
        f"<table class='law-case-table non-list'><thead><tr>{events_head}</tr></thead>"
        f"<tbody>{events}</tbody></table></div>"
        "</div></body></html>"
    )


def classic_cassation_card() -> str:
    """A classic card with СЛУШАНИЯ instead of ДВИЖЕНИЕ ДЕЛА, a complaint block with its own
    nested event table, unclosed rows, and a print script quoting `<Table id='tablcont'`."""
    return (
        "<html><body><script>var s = \"<Table id='tablcont'><tr><td>x</td></tr></table>\";"
        "</script><div id='content'><div class='casenumber'>ДЕЛО № 7У-12/2026 [77-5/2026]</div>"
        "<ul class='tabs'><li id='tab1'>ДЕЛО</li><li id='tab2'>СЛУШАНИЯ</li>"
        "<li id='tab3'>ЖАЛОБЫ</li></ul><div class='contentt'>"
        "<div id='cont1'><table id='tablcont'><tr><th colspan='2'>ДЕЛО</th></tr><tr></tr>"
        + _label_rows(
            [
                ("Уникальный идентификатор дела", "27GV0008-01-2019-000081-21"),
                ("Дата поступления", "05.01.2026"),
                ("Судья", "Пробная П.П."),
                ("Дата рассмотрения", "06.02.2026"),
                ("Результат рассмотрения", "Приговор оставлен БЕЗ ИЗМЕНЕНИЯ"),
            ]
        )
        + "</table></div>"
        "<div id='cont2'><table id='tablcont'><tr><th colspan='10'>СЛУШАНИЯ</th></tr>"
        "<tr><td><b>Наименование события</b></td><td><b>Дата</b></td><td><b>Время</b></td>"
        "<td><b>Результат события</b></td>"
        "<tr><td>Судебное заседание<td>06.02.2026<td>11:25<td>Оставлено без изменения"
        "<tr><td>Передано в экспедицию<td>07.02.2026<td>16:31<td>"
        "</table></div>"
        "<div id='cont3'><table id='tablcont' class='table'><tr><th colspan='2'>ЖАЛОБА № 1*</th>"
        "</tr><tr><td>Заявитель</td><td>Осужденный</td></tr><tr><th colspan='2'>ДВИЖЕНИЕ ЖАЛОБЫ"
        "</th></tr><tr><td colspan='2'><table id='tablcont' class='table'><thead><tr>"
        "<td>Событие</td><td>Дата</td><td>Результат</td></tr></thead><tbody><tr><td>Регистрация"
        " жалобы</td><td>01.01.2026</td><td></td></tr></tbody></table></td></tr>"
        "<tr><td>Результат обжалования</td><td>Без изменения</td></tr></table></div>"
        "</div></div></body></html>"
    )
