"""HTML helpers shared by the classifier and the parsers: the parser choice, cell text, and
the rows and cells of one table. Pure functions over a parsed tree, no I/O.

Why these exist rather than calling the parser's own `.text()`:
- `<br>` separates parts of one value on the court sites ("Уголовное дело ПРЕКРАЩЕНО<br>
  назначена мера ... СУДЕБНЫЙ ШТРАФ"); `.text()` glues them together. `node_text` keeps each
  part on its own line.
- `&nbsp;` is everywhere and source indentation leaks into cells; both are normalised.
- Classic cards nest tables (a complaint block inside a tab) and some server pages never close
  `<tr>`. The HTML5 tree builder (lexbor) already closes rows the way a browser does; `rows`
  then takes the rows whose nearest table is the one asked for, never a nested table's rows.
"""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

Node = LexborNode
Tree = LexborHTMLParser

# Elements that start a new line in the text of a cell or an act.
_BLOCK_TAGS = frozenset(
    {
        "br",
        "p",
        "div",
        "li",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "thead",
        "tbody",
        "dd",
        "dt",
        "blockquote",
        "pre",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "img", "input", "select"})


# lexbor's number of each tag (`tag_id`), by which the walks below tell elements apart: the
# name (`tag`) is a new string on every call, which a set lookup then hashes.
_ID_FACTORY = LexborHTMLParser("")


def tag_number(tag: str) -> int:
    """lexbor's number of a standard HTML tag: fixed in lexbor's tag table, the same in every
    document (only unknown tags get numbers per document, none of them equal to these)."""
    return _ID_FACTORY.create_node(tag).tag_id


def _tag_ids(tags: frozenset[str]) -> frozenset[int]:
    return frozenset(map(tag_number, tags))


def _node_ids() -> tuple[int, int]:
    """lexbor's numbers of a text node and a comment (LXB_TAG__TEXT, LXB_TAG__EM_COMMENT)."""
    paragraph = LexborHTMLParser("<p>t<!--c--></p>").css_first("p")
    assert paragraph is not None
    text, comment = paragraph.iter(include_text=True)
    return text.tag_id, comment.tag_id


_SECTION_TAGS = frozenset({"thead", "tbody", "tfoot"})
_BLOCK_IDS = _tag_ids(_BLOCK_TAGS)
_SKIP_IDS = _tag_ids(_SKIP_TAGS)
_CELL_IDS = _tag_ids(frozenset({"td", "th"}))
_NOT_FLAT_IDS = _BLOCK_IDS | _SKIP_IDS | _CELL_IDS
_SECTION_IDS = _tag_ids(_SECTION_TAGS)
_ROW_ID = tag_number("tr")
TEXT_NODE, _COMMENT_ID = _node_ids()
_NO_TEXT_IDS = _SKIP_IDS | {_COMMENT_ID}  # what gives no text: skipped elements, comments
_BR_ID = tag_number("br")
# The tags `descendants` is asked for by number (any other is compared by name).
_DESCENDANT_IDS = {tag: tag_number(tag) for tag in ("a", "b", "img")}

# Trees are built without lexbor's DOM mutation events: nothing of ours listens to them, and
# firing one per inserted node cost 2.7 % of the tree build's instructions (decision 29). The
# tree and every query over it are the same (tests/sudrf/test_tree_options.py).
_WITHOUT_EVENTS = LexborDocumentOptions.WO_EVENTS.value


def parse_html(text: str | bytes) -> LexborHTMLParser:
    """Parse page text (already decoded: see `encoding.decode_page`, or its UTF-8 bytes)
    with lexbor. lexbor works on UTF-8: a `str` is encoded first, bytes are read as they are
    (so only ever pass bytes that are valid UTF-8)."""
    return LexborHTMLParser(text, options=_WITHOUT_EVENTS)


def clean_line(text: str) -> str:
    """One line: `&nbsp;`, line breaks and runs of blanks become one space, ends stripped.
    (`str.split()` knows the Unicode blanks, `&nbsp;` included, and beats a regex here.)"""
    return " ".join(text.split())


def node_text(node: Node | None) -> str:
    """The visible text of a node: `<br>` and block elements start new lines, source line
    breaks and blanks collapse to one space (as a browser shows them), blank lines dropped,
    `&nbsp;` normalised. Empty string for None."""
    if node is None:
        return ""
    child = node.first_child
    while child is not None and child.next is None:  # one child: its text (see `_collect`)
        tag_id = child.tag_id
        if tag_id == TEXT_NODE:  # the common cell: one text node
            line = (child.text_content or "").replace("\xa0", " ").strip()  # `_collapsed`
            if "  " in line or not line.isprintable():
                return " ".join(line.split())
            return line
        if tag_id in _NO_TEXT_IDS:
            return ""
        node = child  # a cell's `<b>`, `<a>` or `<p>`: the lines of its children
        child = node.first_child
    if child is None:
        return ""
    lines: list[str] = []
    pieces: list[str] = []
    _collect(node, lines, pieces)
    if pieces:
        _add_line(lines, "".join(pieces))
    return "\n".join(lines)


def _collapsed(line: str) -> str:
    """`clean_line`, without splitting a line that is collapsed once its ends are stripped
    and its `&nbsp;` made spaces: no two spaces in a row and no blank but the space
    (`isprintable` is false for every Unicode blank except the space, the source line
    breaks left in the pieces included). Four fifths of an act's text is in lines collapsed
    already, and nearly all the others only end in a blank; a cell's `&nbsp;` mostly stands
    alone between two words. Splitting such lines into words and joining them again took as
    long as walking the act's markup."""
    line = line.replace("\xa0", " ").strip()
    if "  " in line or not line.isprintable():
        return " ".join(line.split())
    return line


def _add_line(lines: list[str], line: str) -> None:
    """A line break after `line` (the pieces of text since the last one): the line,
    collapsed, joins `lines` unless it is blank."""
    line = _collapsed(line)
    if line:
        lines.append(line)


def _collect(node: Node, lines: list[str], pieces: list[str]) -> None:
    """The lines of `node`'s children in page order: text pieces gather in `pieces` until a
    block starts or ends a line (`_add_line`); a cell starts with a blank. Children are told
    apart by lexbor's tag number (`tag_id`), cheaper than the tag's name, a new string each
    time.

    What a line gives is `clean_line` of its pieces joined, or nothing when that is blank;
    so a blank at the start of a line changes nothing and is not gathered: the blank text
    nodes between two blocks (the source's line breaks, lexbor's `is_empty_text_node`) and
    the blank of a cell that starts a line. The source line breaks inside a piece are left
    to `_collapsed`, which splits any line with one.

    A block with no block, cell or skipped element below it is one line, which lexbor gives
    in one call (`text`): the text of every text node in it, in page order (a comment gives
    no text either way; the text nodes of a tree built from valid UTF-8 by `parse_html` are
    valid UTF-8 each, so decoding them joined gives what decoding them one by one gives).
    Most of an act's text is in such paragraphs: a `<p>` of `<span>`s. The walk that tells
    (`traverse`) yields elements and comments only: text nodes are skipped in C."""
    for child in node.iter(include_text=True):  # children, text and comments included
        tag_id = child.tag_id
        if tag_id == TEXT_NODE:
            if pieces or not child.is_empty_text_node:
                pieces.append(child.text_content or "")
        elif tag_id in _BLOCK_IDS:
            if pieces:
                _add_line(lines, "".join(pieces))
                pieces.clear()
            if tag_id == _BR_ID:  # a line break only
                continue
            walk = child.traverse()
            next(walk)  # the block itself
            for below in walk:
                if below.tag_id in _NOT_FLAT_IDS:
                    _collect(child, lines, pieces)
                    if pieces:
                        _add_line(lines, "".join(pieces))
                        pieces.clear()
                    break
            else:  # a flat block: its text is one line
                # `_collapsed`, written out (most of an act's lines), and without its
                # `&nbsp;` step: an act's `&nbsp;` come in runs, which are split anyway.
                line = child.text().strip()
                if "  " in line or not line.isprintable():
                    line = " ".join(line.split())
                if line:
                    lines.append(line)
        elif tag_id in _NO_TEXT_IDS:
            pass
        else:
            if pieces and tag_id in _CELL_IDS:
                pieces.append(" ")
            only = child.first_child
            if only is not None and only.next is None and only.tag_id == TEXT_NODE:
                pieces.append(only.text_content or "")  # `<a>`, `<b>` of one text node
            else:
                _collect(child, lines, pieces)


def one_line(text: str) -> str:
    """Multi-line cell text on one line (headers, labels): lines joined by a space."""
    return " ".join(text.split("\n"))


def rows(table: Node) -> list[Node]:
    """The `<tr>` rows that belong to `table` itself (not to tables nested in its cells)."""
    found: list[Node] = []
    for child in table.iter():  # element children only: the blanks between them are skipped
        tag_id = child.tag_id  # (lexbor's tag number: cheaper than the name, see `_collect`)
        if tag_id == _ROW_ID:
            found.append(child)
        elif tag_id in _SECTION_IDS:
            found.extend(row for row in child.iter() if row.tag_id == _ROW_ID)
    return found


def cells(row: Node) -> list[Node]:
    """The `<td>`/`<th>` cells of one row."""
    return [child for child in row.iter() if child.tag_id in _CELL_IDS]


def descendants(node: Node, tag: str) -> Iterator[Node]:
    """The elements named `tag` under `node`, in page order. For the few nodes of one cell
    this walk is cheaper than a CSS query, whose set-up costs more than the search."""
    walk = node.traverse()
    next(walk, None)  # the walk starts with the node itself
    tag_id = _DESCENDANT_IDS.get(tag)
    if tag_id is not None:
        return (found for found in walk if found.tag_id == tag_id)
    return (found for found in walk if found.tag == tag)


def links(node: Node) -> Iterator[Node]:
    """The `<a href>` elements under `node` (as `a[href]` selects them), in page order."""
    return (a for a in descendants(node, "a") if "href" in a.attributes)


def ancestors(node: Node) -> Iterator[Node]:
    """The parents of a node, nearest first."""
    parent = node.parent
    while parent is not None and parent.tag not in ("-undef", "html", None):
        yield parent
        parent = parent.parent


def is_page_copy(attributes: dict[str, str | None]) -> bool:
    """Whether an element with these attributes is one of the copies the new template repeats
    its content in: the mobile block (`#resultMob`, `.block-mobile`, `.mobile-lawcase-item`)
    or the print version (`#printVersion…`). Reading those again would double rows and
    events."""
    pid = attributes.get("id") or ""
    if pid == "resultMob" or pid.startswith("printVersion"):
        return True
    classes = (attributes.get("class") or "").split()
    return "block-mobile" in classes or "mobile-lawcase-item" in classes


def in_page_copy(node: Node) -> bool:
    """Inside one of the page copies (see `is_page_copy`)."""
    return any(is_page_copy(parent.attributes) for parent in ancestors(node))


def has_class(node: Node, name: str) -> bool:
    """Whether the node's class attribute lists `name`."""
    classes = node.attributes.get("class") or ""
    return name in classes.split()


def attr(node: Node, name: str) -> str:
    """An attribute value, "" when absent or valueless."""
    return node.attributes.get(name) or ""
