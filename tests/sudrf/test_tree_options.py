"""`parse_html` builds trees without lexbor's DOM mutation events (decision 29). Nothing of
ours listens to them, so the tree must be the very tree lexbor builds by default: these tests
compare the two on markup of both template generations and on every real page, and show the
option is really applied (the one thing events do in an HTML tree is fill `<selectedcontent>`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser
from tests.sudrf import markup

from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.html import node_text, parse_html

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"

_PAGES = {
    "classic listing": markup.classic_listing(12),
    "new listing": markup.new_listing(5, 5),
    "classic cassation card": markup.classic_cassation_card(),
    "new card": markup.new_card(),
    "unclosed rows and a comment": (
        "<table id='tablcont'><tr><td>a<!-- b --><tr><td><p>c<br>d</p><table><tr><td>e"
        "</table></table>"
    ),
    "template and script": "<template><p>t</p></template><script>var s='<p>';</script><p>x</p>",
}


def _default_tree(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


@pytest.mark.parametrize("name", sorted(_PAGES))
def test_same_tree_as_the_default_on_markup(name: str) -> None:
    text = _PAGES[name]
    ours, default = parse_html(text), _default_tree(text)
    assert ours.html == default.html
    assert node_text(ours.body) == node_text(default.body)


def test_same_tree_as_the_default_on_every_real_page() -> None:
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} is absent: the real pages live in ../shared")
    pages = sorted(FIXTURES.glob("*.html"))
    assert pages
    for path in pages:
        text = decode_page(path.read_bytes())
        assert parse_html(text).html == _default_tree(text).html, path.name


def test_the_option_is_applied() -> None:
    """With events, lexbor copies the selected option into `<selectedcontent>`; without them
    it leaves it empty. (Court pages have no such element: only this proves the option is
    on.)"""
    text = "<select><button><selectedcontent></selectedcontent></button><option selected>о</option>"
    assert "<selectedcontent>о</selectedcontent>" in _default_tree(text).html
    assert "<selectedcontent></selectedcontent>" in parse_html(text).html


def test_trees_without_events_can_still_be_edited() -> None:
    """The classifier and parsers never edit a tree, but tools that clean one for display do
    (`decompose`): without events that must still work."""
    tree = parse_html("<div><p id='a'>a</p><p id='b'>b</p></div>")
    node = tree.css_first("#a")
    assert node is not None
    node.decompose()
    assert tree.body is not None
    assert tree.body.html == '<body><div><p id="b">b</p></div></body>'
