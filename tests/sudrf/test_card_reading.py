"""The card reader's fast paths give what the plain definitions they replace give, on
generated markup and on the real pages in ../shared:

- the one CSS walk of `_card_nodes` finds, per kind, the nodes the separate selectors find,
  in the same order, in standards mode (a doctype: ids and classes matched case-sensitively)
  and in quirks mode (none: matched case-insensitively);
- `TabTitles`, whose labels are read when asked for, holds what reading every label gives;
- `_has_bold` answers as a search for a `<b>` under the cell.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf.card import TabTitles, _card_nodes, _has_bold
from kartoteka.sudrf.html import Node, Tree, cells, descendants, node_text, one_line, parse_html
from sudrf.real_pages import real_pages_in_both_modes

# --- the plain definitions -----------------------------------------------------------------


def plain_card_nodes(tree: Tree) -> tuple[list[int], ...]:
    """Tabs, data tables, inline acts, act links: one selector list per kind, each node once
    (lexbor gives a node once per selector of a list it matches), in page order."""
    order = {node.mem_id: at for at, node in enumerate(tree.root.traverse())}
    return tuple(
        sorted({node.mem_id for node in tree.css(query)}, key=order.__getitem__)
        for query in (
            "li[id^='tab']",
            "table#tablcont, table.law-case-table",
            "div[id^='cont_doc']",
            "a[href*='name_op=doc']",
        )
    )


def plain_titles(tabs: list[Node]) -> dict[str, str]:
    """Every tab's label read, keyed by the id of its content."""
    titles: dict[str, str] = {}
    for li in tabs:
        lid = li.id or ""
        label = one_line(node_text(li))
        if lid.startswith("tab_id_"):
            titles["tab_content_" + lid[len("tab_id_") :]] = label
        elif lid.startswith("tab_doc"):
            titles["cont_doc" + lid[len("tab_doc") :]] = label
        elif lid[3:].isdigit():
            titles["cont" + lid[3:]] = label
    return titles


def plain_has_bold(cell: Node) -> bool:
    return next(descendants(cell, "b"), None) is not None


# --- the comparisons -----------------------------------------------------------------------


def assert_same(tree: Tree, label: str) -> None:
    found = _card_nodes(tree)
    got = tuple(
        [node.mem_id for node in nodes]
        for nodes in (found.tabs, found.tables, found.act_texts, found.act_links)
    )
    assert got == plain_card_nodes(tree), label

    titles = TabTitles(found.tabs)
    expected = plain_titles(found.tabs)
    assert list(titles) == list(expected), label
    assert len(titles) == len(expected), label
    for content_id in expected:
        assert content_id in titles, label
    assert "no such tab" not in titles
    assert {key: titles[key] for key in reversed(list(expected))} == expected, label
    assert titles.get("no such tab") is None

    for table in tree.css("table"):
        for row in table.css("tr"):
            row_cells = cells(row)
            for cell in row_cells:
                assert _has_bold(cell) == plain_has_bold(cell), (label, cell.html)


def test_fast_paths_match_the_plain_definitions_on_real_pages() -> None:
    for name, text in real_pages_in_both_modes():
        assert_same(parse_html(text), name)


_TAB_IDS = st.sampled_from(
    ["tab1", "TAB2", "tab_id_7", "Tab_Id_8", "tab_doc1", "TAB_DOC2", "tab", "tabx", "tab1"]
)
_CONTENT_IDS = st.sampled_from(
    [
        "cont1",
        "CONT2",
        "tab_content_7",
        "cont_doc1",
        "CONT_DOC2",
        "cont_doc",
        "tablcont",
        "TablCont",
        "x",
    ]
)
_TABLE_ATTRS = st.sampled_from(
    [
        ' id="tablcont"',
        ' id="TABLCONT"',
        ' class="law-case-table"',
        ' class="x LAW-Case-Table"',
        ' id="tablcont" class="law-case-table"',
        ' id="tablcont2"',
        ' class="law-case-table2"',
        "",
    ]
)
_CELLS = st.sampled_from(
    [
        "",
        "text",
        " <b>Дата</b> ",
        "<B>Наименование события</B>",
        "<span><b>Результат</b></span>",
        "<!-- c --><b>Фамилия</b>",
        "<p>Вид лица</p>",
        "a<br>b",
        "<i>время</i>",
        '<a href="?name_op=doc&number=1">акт</a>',
        '<A HREF="?NAME_OP=DOC&number=2">акт</A>',
        "&nbsp;",
    ]
)


@st.composite
def _table(draw: st.DrawFn, inner: str) -> str:
    attrs = draw(_TABLE_ATTRS)
    head = draw(
        st.sampled_from(["", "<tr><th colspan=2>Движение дела</th></tr>", "<thead>", "<THEAD>"])
    )
    rows = ""
    for _ in range(draw(st.integers(1, 3))):
        row = "".join(
            f"<{tag}>{draw(_CELLS)}</{tag}>"
            for tag in draw(st.lists(st.sampled_from(["td", "th", "TD"]), min_size=1, max_size=4))
        )
        rows += f"<tr>{row}</tr>"
        if head.lower() == "<thead>":
            rows += "</thead>"
            head += rows
            rows = ""
    return f"<table{attrs}>{head}{rows}<tr><td>{inner}</td></tr></table>"


def _block(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(_CELLS, _CELLS.flatmap(lambda cell: _table(cell)))
    if depth == 0:
        return leaf
    inner = st.lists(_block(depth - 1), max_size=3).map("".join)
    return st.one_of(
        leaf,
        inner.flatmap(lambda html: _table(html)),
        st.tuples(_CONTENT_IDS, inner).map(lambda pair: f'<div id="{pair[0]}">{pair[1]}</div>'),
        st.tuples(_TAB_IDS, _CELLS).map(lambda pair: f'<li id="{pair[0]}">{pair[1]}</li>'),
    )


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(_block(3), max_size=5).map("".join))
def test_fast_paths_match_the_plain_definitions_on_generated_pages(
    doctype: bool, body: str
) -> None:
    page = ("<!DOCTYPE html>" if doctype else "") + f"<html><body><ul>{body}</ul></body></html>"
    assert_same(parse_html(page), page)
