"""The classifier's first look (template, card and listing structure) reads from the first
template mark what it can, and asks lexbor only what is left: it must give the verdicts of
the plain definitions, each question asked of the whole page by its own selector, on pages
in standards mode (a doctype: classes and ids matched case-sensitively) and in quirks mode
(none: matched case-insensitively), with marks spelt in any case and classes separated by
any blank."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf.card import card_from_tree
from kartoteka.sudrf.classify import (
    _CLASSIC_MARKS,
    _NEW_MARKS,
    _first_mark,
    _has_card_structure,
    _has_listing_structure,
    _is_classic_case_header,
    case_links,
    examine,
)
from kartoteka.sudrf.html import Tree, parse_html
from kartoteka.sudrf.models import Template
from sudrf import marks


def plain_template(tree: Tree) -> Template | None:
    if tree.css_first(_NEW_MARKS) is not None:
        return Template.NEW
    if tree.css_first(_CLASSIC_MARKS) is not None:
        return Template.CLASSIC
    return None


def plain_card(tree: Tree) -> bool:
    marks = "div.casenumber, div.case-num, .lawcase-tab-content table.law-case-table"
    if tree.css_first(marks) is not None:
        return True
    first_tab = tree.css_first("div#cont1 table#tablcont")
    return first_tab is not None and tree.css_first("#cont_doc1, div#cont2") is not None


def plain_listing(tree: Tree, text: str) -> bool:
    if "всего по запросу найдено" in text or tree.css_first("div.lawcase-count") is not None:
        return True
    return bool(case_links(tree)) and (
        tree.css_first("table#tablcont th, table.law-case-table thead") is not None
    )


_TAGS = st.sampled_from(["div", "span", "table", "input", "p"])


_SNIPPETS = st.sampled_from(
    ["", "text", '<a href="?name_op=case&id=1">1</a>', "Всего по запросу найдено — 3"]
)


def _markup(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _SNIPPETS
    children = st.lists(_markup(depth - 1), max_size=3).map("".join)
    return st.one_of(_SNIPPETS, children.flatmap(lambda inner: marks.element(inner, _TAGS)))


@st.composite
def _pages(draw: st.DrawFn) -> str:
    doctype = draw(st.sampled_from(["", "<!DOCTYPE html>"]))
    body = "".join(draw(st.lists(_markup(3), max_size=4)))
    return f"{doctype}<html><head></head><body>{body}</body></html>"


@settings(max_examples=600, deadline=None)
@given(_pages())
def test_first_look_gives_the_plain_verdicts(page: str) -> None:
    tree = parse_html(page)
    template, first_mark = _first_mark(tree)
    assert template == plain_template(tree)
    assert _has_card_structure(tree, template, first_mark) == plain_card(tree)
    body = tree.body
    text = body.text(deep=True, separator=" ").lower() if body is not None else ""
    listing = _has_listing_structure(tree, text, template, lambda: case_links(tree))
    assert listing == plain_listing(tree, text)
    if _is_classic_case_header(template, first_mark):  # the card reader's case header
        header = tree.css_first("div.casenumber")
        assert first_mark is not None and header is not None
        assert first_mark.mem_id == header.mem_id


def test_a_classic_card_hands_its_case_header_to_the_card_reader() -> None:
    """The header classification found is the one the card reader would look for, and the
    card read with it is the card read without it."""
    page = (
        '<html><body><div class="casenumber">ДЕЛО № 1-1/2026</div>'
        '<form><input name="delo_table" value="u1_case"></form>'
        '<div class="casenumber">2-2/2026</div>'
        '<div id="cont1"><table id="tablcont"><tr><th colspan="2">ДЕЛО</th></tr>'
        "<tr><td>Судья</td><td>Тестова Т.Т.</td></tr></table></div>"
        '<div id="cont2"></div></body></html>'
    )
    for markup in (page, "<!DOCTYPE html>" + page):
        verdict = examine(markup)
        header = verdict.tree.css_first("div.casenumber")
        assert verdict.case_header is not None and header is not None
        assert verdict.case_header.mem_id == header.mem_id
        with_header = card_from_tree(verdict.tree, case_header=verdict.case_header)
        assert with_header == card_from_tree(verdict.tree)
        assert with_header.case_number == "1-1/2026"
    # spelt otherwise, or on a page of the new template: no header handed on (lexbor asked)
    assert examine(page.replace('"casenumber">ДЕЛО', '"CaseNumber">ДЕЛО')).case_header is None
    form_first = page.replace("<body>", '<body><input name="delo_table">')
    assert examine(form_first).case_header is None
    new = page.replace('<div id="cont2">', '<div class="case-num">3-3/2026</div><div id="cont2">')
    assert examine(new).case_header is None


def test_quirks_mode_matches_marks_in_any_case() -> None:
    """What the test above relies on: a page without a doctype matches `div.casenumber` on
    `class="CaseNumber"`, a page with one does not (the header check must then ask lexbor)."""
    markup = '<html><body><div class="CaseNumber">1</div><div id="cont1"></div></body></html>'
    quirks, standard = parse_html(markup), parse_html("<!DOCTYPE html>" + markup)
    assert quirks.css_first("div.casenumber") is not None
    assert standard.css_first("div.casenumber") is None
    for tree in (quirks, standard):
        template, first_mark = _first_mark(tree)
        assert _has_card_structure(tree, template, first_mark) == plain_card(tree)
