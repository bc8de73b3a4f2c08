"""`node_text` (one pass of lexbor's walk, with its shortcuts) gives exactly what the plain
recursive definition of a node's visible text gives: on random markup that mixes blocks,
inline elements, cells, skipped elements, comments and blanks of every kind at any depth, on
markup written to reach each shortcut, and on every node of the real pages. The parser's
speed-ups must never change a field."""

from __future__ import annotations

import random

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
from sudrf.real_pages import page_paths, real_pages

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
# Blanks of every kind a page has: source line breaks and tabs, `&nbsp;` written and
# literal, runs of spaces, Unicode spaces (thin, ideographic), a comment between words.
WORDS = ["а", "Б в", " ", "\n", "  x\u00a0y ", "\t", "2026", "&nbsp;", "<!-- c -->"]
WORDS += ["\u2009", "\u3000", "\u00a0", " \n\t ", "г.\u2009Киров", "a  b", "\r\n", " c "]
words = st.sampled_from(WORDS)


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
@given(
    st.text(alphabet="аб 1\u00a0\u2003\u2009\u3000\u2028\x85\x1f\t\n\r\u00ad\u200b.", max_size=20)
)
def test_collapsing_a_line_is_clean_line(line: str) -> None:
    assert _collapsed(line) == clean_line(line)


@pytest.mark.parametrize(
    "line",
    ["", " ", "a", "a b", " a b", "a b ", "  a", "a  b", "a\nb", "a\u00a0b", "\u3000a", "a\u2009",
     "a \u2009b", "\t", "a\tb", "a b\n", "\n a b \n"],
)  # fmt: skip
def test_collapsing_the_shapes_of_a_line(line: str) -> None:
    """Each test of `_collapsed`'s fast path on its own: a blank at an end, two spaces, a
    blank that is not the space (line break, tab, `&nbsp;`, thin and ideographic spaces)."""
    assert _collapsed(line) == clean_line(line)


def every_node(tree):  # type: ignore[no-untyped-def]
    """The document's root, its body and every element and text node below the root."""
    nodes = [tree.root, tree.body, None]
    nodes += list(tree.root.traverse(include_text=True))
    return nodes


def assert_as_reference(tree) -> None:  # type: ignore[no-untyped-def]
    for node in every_node(tree):
        expected = "" if node is None else reference_text(node)
        assert node_text(node) == expected, node.html if node is not None else None


# Markup written to reach each shortcut of `node_text`: blank text nodes before, between and
# after blocks and cells (with text pending or not), a cell that starts a line and one that
# does not, `<br>` alone and in text, chains of single children (a cell's `<b>`, `<p>`, a
# nested cell, a skipped element or a comment alone), flat and not flat blocks, blanks of
# every kind at the ends and inside lines.
MARKUP = [
    "<div> \n <p>a</p>\n\t<p> b </p>  <p>\u00a0c\u2009d\u3000</p> \n</div>",
    "<table><tr>\n<td> a </td> <td>b</td>\n<th>\n</th><td>c<td>d</tr></table>",
    "<div>x<table><tr><td>a</td><td>b</td></tr></table>y</div>",
    "<span>a <b>b</b></span><table><tr><td>c</td></tr></table><span> </span><td>e</td>",
    "<p>a<br>b<br><br> <br>c<br></p><br><div><br></div>",
    "<td><b>a</b></td><td><p align=center><span>b c</span></p></td><td><td>x</td></td>",
    "<div><img></div><div><!-- c --></div><div><script>s</script></div><div><br></div>",
    "<div><p>a<span><p>b</p></span>c</p></div><div><b><i><u> x </u></i></b></div>",
    "<p>a<!-- c --><b>b</b>\n<i>c</i>\u00a0<s>d</s></p><p>a<select><option>o</select>b</p>",
    "<div>a\n  <div>b</div>  \n c</div><div>\t\n</div><li> <b> </b> </li><li>&nbsp;</li>",
    "<pre>a\n b</pre><blockquote>\u2028q</blockquote><dd>\x85d</dd><h1> h </h1>",
    "<span> a </span><span>b</span><span>\u00a0</span> <span>c</span> <td></td><td> </td>x",
    "<div><noscript>n</noscript><template>t</template><style>s</style>a<input>b</div>",
    "<ul><li>one<li>two<ul><li>three</ul></ul><ol><li><p>four</p><p>five</p></li></ol>",
    "<o:p>a</o:p><font> b <font>c</font></font><nobr>d<br>e</nobr>",
]


@pytest.mark.parametrize("markup_text", MARKUP)
def test_written_markup_reads_as_the_reference(markup_text: str) -> None:
    assert_as_reference(parse_html(f"<html><body>{markup_text}</body></html>"))
    assert_as_reference(parse_html(markup_text))


def random_markup(rng: random.Random, depth: int = 0) -> str:
    """Small nested markup of the tags and blanks above (a seeded generator, so the same
    markup every run, unlike the hypothesis test)."""
    out = []
    for _ in range(rng.randrange(5)):
        if depth < 4 and rng.random() < 0.5:
            tag = rng.choice([*TAGS, "td", "th", "table", "tr", "ul", "blockquote", "pre"])
            out.append(f"<{tag}>{random_markup(rng, depth + 1)}</{tag}>")
        else:
            out.append(rng.choice(WORDS))
    return "".join(out)


def test_random_markup_reads_as_the_reference() -> None:
    rng = random.Random(20260612)
    for _ in range(1500):
        assert_as_reference(parse_html(random_markup(rng)))


def test_real_pages_read_as_the_reference() -> None:
    """Every node of every real page (acts, cards, listings): the fast paths must give the
    plain definition's text on the markup the court sites really write."""
    for _name, text in real_pages():
        assert_as_reference(parse_html(text))


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
    for path in page_paths():
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
