"""`node_text` (one pass of lexbor's walk) gives exactly what the plain recursive definition
of a node's visible text gives, on random markup that mixes blocks, inline elements, cells,
skipped elements and comments at any depth: the parser's speed-ups must never change a
field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.sudrf import html
from kartoteka.sudrf.html import (
    _collapsed,
    cells,
    clean_line,
    descendants,
    node_text,
    parse_html,
    rows,
)

BLOCK = {"br", "p", "div", "li", "tr", "table", "h1", "ul", "ol", "thead", "tbody", "dd"}
BLOCK |= {"h2", "h3", "h4", "h5", "h6", "dt", "blockquote", "pre"}
SKIP = {"script", "style", "noscript", "template", "img", "input", "select"}


def reference_text(node) -> str:  # type: ignore[no-untyped-def]
    """The definition: text pieces in page order, a line break before and after a block
    element, a blank before a cell, nothing from skipped elements and comments; then each
    line's blanks collapsed and blank lines dropped."""
    parts: list[str] = []

    def collect(parent) -> None:  # type: ignore[no-untyped-def]
        for child in parent.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                parts.append((child.text_content or "").replace("\n", " "))
            elif tag in BLOCK:
                parts.append("\n")
                collect(child)
                parts.append("\n")
            elif tag in SKIP or tag == "-comment":
                pass
            else:
                if tag in ("td", "th"):
                    parts.append(" ")
                collect(child)

    collect(node)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


TAGS = ["p", "div", "span", "b", "a", "br", "li", "td", "font", "script", "select", "option"]
TAGS += ["style", "img", "template", "i", "h3", "pre", "noscript"]
words = st.sampled_from(
    ["а", "Б в", " ", "\n", "  x\u00a0y ", "\t", "2026", "&nbsp;", "<!-- c -->"]
)


@st.composite
def markup(draw, depth: int = 0) -> str:  # type: ignore[no-untyped-def]
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            pieces.append(f"<{tag}>{draw(markup(depth + 1))}</{tag}>")
        else:
            pieces.append(draw(words))
    return "".join(pieces)


@settings(max_examples=200, deadline=None)
@given(markup())
def test_node_text_is_the_recursive_definition(html: str) -> None:
    tree = parse_html(f"<html><body><div id='root'>{html}</div><p>after</p></body></html>")
    for node in [tree.css_first("#root"), *tree.css("#root *"), tree.body]:
        assert node_text(node) == reference_text(node), node.html


def test_block_ends_and_skipped_elements() -> None:
    tree = parse_html(
        "<div id='x'><span>a<p>b</p>c</span><script>s</script>d<b>e<br>f</b>"
        "<select><option>o</option></select>g<!-- h --></div>"
    )
    assert node_text(tree.css_first("#x")) == "a\nb\ncde\nfg"


@settings(max_examples=1000)
@given(st.text(alphabet="аб 1\u00a0\u2003\u2028\x85\x1f\t\r\u00ad\u200b.", max_size=20))
def test_collapsing_a_line_is_clean_line(line: str) -> None:
    assert _collapsed(line) == clean_line(line)


def test_flat_blocks_read_in_one_call() -> None:
    """A block with only inline elements and comments below it gives its text in one call to
    lexbor; one with a block, cell or skipped element below it is walked."""
    tree = parse_html(
        "<div id='x'><p>a<span>b<!-- c --><b>d\ne</b></span>f</p>"
        "<p>g<span><br>h</span></p><p>i<span><script>s</script>j</span></p>"
        "<p>k<span><select><option>l</option></select></span></p><p><o:p>m</o:p>&nbsp;n</p></div>"
    )
    node = tree.css_first("#x")
    assert node_text(node) == reference_text(node) == "abd ef\ng\nh\nij\nk\nm n"


FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"


def rows_by_name(table) -> list:  # type: ignore[no-untyped-def]
    """`rows` as first written: the `tr` children, and those of `thead`/`tbody`/`tfoot`."""
    found = []
    for child in table.iter():
        if child.tag == "tr":
            found.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            found.extend(row for row in child.iter() if row.tag == "tr")
    return found


def test_tag_numbers_pick_what_tag_names_pick() -> None:
    """`rows`, `cells` and `descendants` tell elements apart by lexbor's tag number; on the
    real pages they pick exactly the elements the tag names pick."""
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} is absent: the real pages live in ../shared")
    for path in sorted(FIXTURES.glob("*.html")):
        tree = parse_html(path.read_bytes().decode("utf-8", "replace"))
        body = tree.body
        assert body is not None
        for table in tree.css("table"):
            by_name = rows_by_name(table)
            assert [r.mem_id for r in rows(table)] == [r.mem_id for r in by_name], path.name
            for row in by_name:
                named = [c.mem_id for c in row.iter() if c.tag in ("td", "th")]
                assert [c.mem_id for c in cells(row)] == named
        walk = list(body.traverse())[1:]
        for node in walk:  # Word's "o:p", unknown tags included
            assert (node.tag in html._BLOCK_TAGS) == (node.tag_id in html._BLOCK_IDS)
            assert (node.tag in html._SKIP_TAGS) == (node.tag_id in html._SKIP_IDS)
            assert (node.tag in ("td", "th")) == (node.tag_id in html._CELL_IDS)
        for tag in ("a", "b", "img", "span"):
            named = [n.mem_id for n in walk if n.tag == tag]
            assert [n.mem_id for n in descendants(body, tag)] == named
