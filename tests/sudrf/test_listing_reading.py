"""The listing reader's and the classifier's fast paths give what the plain definitions they
replace give (decision 22), on generated input and on the real pages in ../shared:

- the selector lists rewritten for lexbor (`div:is(...)`) find the same first node, and the
  same nodes in the same order, as the lists written out (which is all the classifier asks of
  them: `css_first`), on pages in standards mode (a doctype:
  classes and ids matched case-sensitively) and in quirks mode (none: matched
  case-insensitively), with marks spelt in any case and classes separated by any blank;
- the counter "as printed" is looked for only before each "сего", with the answer of a
  search of the whole text;
- an info cell that names no article is not split into lines, with the defendants that
  reading every line gives;
- a row read by column positions (its card link taken from the number cell's first child, an
  acts cell of text alone not walked, the card ids found by one search) is the row the reader
  as first written gives, short rows and links elsewhere included.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf.classify import (
    _CARD_MARKS,
    _CLASSIC_MARKS,
    _CLASSIC_MARKS_QUERY,
    _COUNTER_AS_PRINTED,
    _NEW_MARKS,
    _NEW_MARKS_QUERY,
    _has_counter_as_printed,
)
from kartoteka.sudrf.columns import column_text
from kartoteka.sudrf.html import Node, Tree, attr, cells, links, node_text, one_line, parse_html
from kartoteka.sudrf.listing import (
    _defendants_by_line,
    _read_row,
    _result_table,
    _row_columns,
    defendants_from_info,
)
from kartoteka.sudrf.models import Act, ListingRow
from kartoteka.sudrf.values import (
    case_number_raw,
    first_case_number,
    first_param,
    link_params,
    parse_date,
)
from sudrf import marks
from sudrf.real_pages import real_pages, real_pages_in_both_modes

# (the plain list, the list as the code asks it)
SELECTOR_PAIRS = [
    (_NEW_MARKS, _NEW_MARKS_QUERY),
    (_CLASSIC_MARKS, _CLASSIC_MARKS_QUERY),
    (
        "div.casenumber, div.case-num, .lawcase-tab-content table.law-case-table",
        _CARD_MARKS,
    ),
]


def assert_same_nodes(tree: Tree, label: str) -> None:
    """The same first node, and the same nodes in page order. (`css` of a list gives a node
    once for every selector of the list it matches, so counts differ where a node matches two
    selectors of one list and one `:is()`: the rewritten lists are asked only for their first
    node, never for a count.)"""
    for plain, fast in SELECTOR_PAIRS:
        expected = list(dict.fromkeys(node.mem_id for node in tree.css(plain)))
        got = list(dict.fromkeys(node.mem_id for node in tree.css(fast)))
        assert got == expected, (label, plain)
        first = tree.css_first(fast)
        assert (first.mem_id if first is not None else None) == (
            expected[0] if expected else None
        ), (label, plain)


def test_rewritten_selectors_select_the_same_nodes_on_real_pages() -> None:
    for name, text in real_pages_in_both_modes():
        tree = parse_html(text)
        assert_same_nodes(tree, name)


_TAGS = st.sampled_from(["div", "DIV", "span", "table", "TABLE", "input", "p", "section", "svg"])


def _markup(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["", "text", '<a href="?name_op=case&id=1">1</a>'])
    if depth == 0:
        return leaf
    children = st.lists(_markup(depth - 1), max_size=3).map("".join)
    return st.one_of(leaf, children.flatmap(lambda inner: marks.element(inner, _TAGS)))


@st.composite
def _pages(draw: st.DrawFn) -> str:
    doctype = draw(st.sampled_from(["", "<!DOCTYPE html>", "<!doctype HTML>"]))
    body = "".join(draw(st.lists(_markup(3), max_size=4)))
    return f"{doctype}<html><head></head><body>{body}</body></html>"


@settings(max_examples=800, deadline=None)
@given(_pages())
def test_rewritten_selectors_select_the_same_nodes_on_generated_pages(page: str) -> None:
    assert_same_nodes(parse_html(page), page)


def test_is_selectors_follow_the_mode() -> None:
    """What the tests above rely on: `div:is(.casenumber)` matches `class="CaseNumber"` in
    quirks mode only, as `div.casenumber` does."""
    markup = '<html><body><div class="CaseNumber">1</div></body></html>'
    quirks, standard = parse_html(markup), parse_html("<!DOCTYPE html>" + markup)
    for selector in ("div.casenumber", "div:is(.casenumber, .case-num)"):
        assert quirks.css_first(selector) is not None
        assert standard.css_first(selector) is None


def plain_counter(text: str) -> bool:
    return _COUNTER_AS_PRINTED.search(text) is not None


_COUNTER_PIECES = st.sampled_from(
    [
        "Всего по запросу найдено",
        "всего по запросу найдено",
        "ВСЕГО ПО ЗАПРОСУ НАЙДЕНО",
        "Всего  по\nзапросу\xa0найдено",
        "всегопо запросу найдено",
        "сего по запросу найдено",
        "Всего по запросу найден",
        "Всего",
        "всего",
        "сего",
        "сегодня",
        "В",
        "в",
        " ",
        "\n",
        "по запросу найдено — 12",
        "x",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_COUNTER_PIECES, max_size=8).map("".join))
def test_counter_as_printed_is_the_whole_text_search(text: str) -> None:
    assert _has_counter_as_printed(text) == plain_counter(text)


def test_counter_as_printed_on_real_pages() -> None:
    for name, text in real_pages():
        tree = parse_html(text)
        body = tree.body
        body_text = body.text(deep=True, separator=" ") if body is not None else ""
        for variant in (body_text, body_text.lower(), body_text.upper()):
            assert _has_counter_as_printed(variant) == plain_counter(variant), name


_INFO_LINES = st.sampled_from(
    [
        "КАТЕГОРИЯ: Споры, связанные с имущественными правами",
        "Жалобу подал(а): Тестов Т. Т.",
        "Истец: ООО «Тест»",
        "Тестов Т.Т. - ст.337 ч.5 УК РФ",
        "Информация скрыта - ст.338 ч.1 УК РФ",
        "ст.30 ч.3, ст.338 ч.1 УК РФ",
        "Статья 228 ч.2",
        "Тестова А.А.",
        "ПОДСУДИМЫЙ:",
        "часть ст",
        "ст.",
        "Ст",
        "337 ч.1",
        "гост 12",
        "пост.12",
        "Гост",
        "ст ",
        "",
        " ",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_INFO_LINES, min_size=1, max_size=6).map("\n".join))
def test_info_cells_give_the_defendants_of_every_line(info: str) -> None:
    assert defendants_from_info(info) == _defendants_by_line(info)


def test_info_cells_of_real_listings_give_the_defendants_of_every_line() -> None:
    read = 0
    for name, text in real_pages():
        found = _result_table(parse_html(text), None)
        if found is None:
            continue
        columns, body = found
        for row in body:
            info = column_text(cells(row), columns, "info")
            if info:
                assert defendants_from_info(info) == _defendants_by_line(info), name
                read += 1
    if not read:
        pytest.skip("no listing with info cells among the real pages")


# --- rows read by position, with their fast paths (card link as first child, acts cell of
# text alone, card ids by one search), against the row reader as first written ---------------


def plain_read_row(row_cells: list[Node], columns: dict[str, int]) -> ListingRow:
    number_cell = row_cells[columns["case_number"]]
    link = next(links(number_cell), None)
    if link is None:
        for cell in row_cells:
            link = next((a for a in links(cell) if "name_op=case" in attr(a, "href")), None)
            if link is not None:
                break
    href = attr(link, "href") if link is not None else ""
    params = link_params(href)
    raw_number = case_number_raw(one_line(node_text(number_cell)))
    info = column_text(row_cells, columns, "info")
    acts: list[Act] = []
    acts_index = columns.get("acts")
    if acts_index is not None and acts_index < len(row_cells):
        for a in links(row_cells[acts_index]):
            acts.append(
                Act(title=attr(a, "title") or one_line(node_text(a)) or None, url=attr(a, "href"))
            )
    return ListingRow(
        case_number=first_case_number(raw_number),
        case_number_raw=raw_number,
        case_id=first_param(params, "case_id", "_id"),
        case_uid=first_param(params, "case_uid", "_uid"),
        delo_id=first_param(params, "delo_id", "_deloId"),
        url=href or None,
        entry_date=parse_date(column_text(row_cells, columns, "entry_date")),
        info=info,
        judge=column_text(row_cells, columns, "judge"),
        result_date=parse_date(column_text(row_cells, columns, "result_date")),
        result=column_text(row_cells, columns, "result"),
        legal_force_date=parse_date(column_text(row_cells, columns, "legal_force_date")),
        defendants=defendants_from_info(info) if info else [],
        acts=acts,
    )


def assert_rows_read_plainly(tree: Tree, label: str) -> int:
    found = _result_table(tree, None)
    if found is None:
        return 0
    columns, body = found
    row_columns = _row_columns(columns)
    count = 0
    for row in body:
        row_cells = cells(row)
        if len(row_cells) <= columns["case_number"]:
            continue
        got = _read_row(row_cells, columns["case_number"], row_columns)
        assert got == plain_read_row(row_cells, columns), label
        count += 1
    return count


def test_rows_of_real_listings_are_read_as_plainly() -> None:
    count = sum(assert_rows_read_plainly(parse_html(text), name) for name, text in real_pages())
    assert count, "no listing rows in the real pages"


_HEADER = (
    "<tr><th>№ дела</th><th>Дата поступления</th><th>Информация по делу</th><th>Судья</th>"
    "<th>Дата решения</th><th>Решение</th><th>Дата вступления в законную силу</th>"
    "<th>Судебные акты</th></tr>"
)
_HREFS = st.sampled_from(
    [
        "/m.php?name_op=case&case_id=1&case_uid=u-1&delo_id=5",
        "?name_op=case&_id=7&_uid=%D0%9F&_deloId=&delo_id=3",
        "?case_id=&_id=8+9&case_id=2",
        "/x?name_op=doc&number=4",
        "",
    ]
)
_LINK = _HREFS.map(lambda h: f'<a href="{h}">1-5/2026</a>' if h else "<a>1-5/2026</a>")
_NUMBER_CELLS = st.one_of(
    st.sampled_from(["", " ", "ДЕЛО № 2-5/2026", "<b>1-1/2026</b>", "<!-- c -->2-2"]),
    _LINK.map(lambda a: a + "<br>"),
    _LINK.map(lambda a: " \n" + a),
    _LINK.map(lambda a: f"<span>{a}</span>"),
)
_ACT_CELLS = st.sampled_from(
    [
        "",
        " ",
        "нет",
        '<a href="/d?n=1" title="Решения"><img src="i.gif"></a>',
        ' <a href="/d?n=2">Акт</a> <a href="/d?n=3" title="">x</a>',
        "<!-- c --><span><a href='/d?n=4'>в</a></span>",
        "<a name='n'>без ссылки</a>",
    ]
)
_TEXT_CELLS = st.sampled_from(["", " ", "01.02.2026", "31.02.2026", "x 1.2.2026 y", "Иванов И.И."])
_INFO_CELLS = st.sampled_from(["", "КАТЕГОРИЯ: иск", "Петров П.П. - ст.337 ч.5 УК РФ<br>x"])


@st.composite
def _listing_rows(draw: st.DrawFn) -> str:
    cells_ = [
        draw(_NUMBER_CELLS),
        draw(_TEXT_CELLS),
        draw(_INFO_CELLS),
        draw(_TEXT_CELLS),
        draw(_TEXT_CELLS),
        draw(_TEXT_CELLS),
        draw(_TEXT_CELLS),
        draw(_ACT_CELLS),
    ]
    cells_ = cells_[: draw(st.integers(1, 8))]  # short rows: trailing cells dropped
    if draw(st.booleans()):  # the card link only in another cell
        cells_[-1] += '<a href="?name_op=case&case_id=6">к</a>'
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells_) + "</tr>"


@settings(max_examples=800, deadline=None)
@given(st.lists(_listing_rows(), min_size=1, max_size=4))
def test_generated_rows_are_read_as_plainly(body: list[str]) -> None:
    page = f"<html><body><table id='tablcont'>{_HEADER}{''.join(body)}</table></body></html>"
    assert assert_rows_read_plainly(parse_html(page), page)
