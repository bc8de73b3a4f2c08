"""Decide what a court page is before reading any field (DOMAIN.md §2, "Page kinds").

The order of the checks is the point of this module:

1. card structure (a case-number header with card tabs) → card;
2. listing structure (a result table with case links, or the site's counter) → listing, or
   empty when the counter says 0 and there are no rows. Rows with case links win over a
   captcha form in a side panel;
3. "Информация временно недоступна" → unavailable (anti-bot throttling);
4. "Данных по запросу не обнаружено" → empty;
5. a judicial act on its own page (`name_op=doc`: an act container, an act's operative
   words, or a "не подлежит опубликованию" notice) → act;
6. a "Проверочный код" form or a captcha input → captcha;
7. anything else → unrecognized, with a reason. An unrecognised page is never "no cases".

The template generation is read from the markup: `law-case-table`/`lawcase-count`/
`lawcase-tab-content`/`case-num`/`resultMob` mean the new one; `tablcont`/`casenumber`/
`div#cont1`/the classic search form mean the classic one; failure pages often carry neither
(template None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kartoteka.sudrf.act import looks_like_act
from kartoteka.sudrf.html import Node, Tree, attr, parse_html
from kartoteka.sudrf.models import PageKind, Template

UNAVAILABLE_TEXT = "информация временно недоступна"
EMPTY_TEXT = "данных по запросу не обнаружено"
CAPTCHA_TEXT = "проверочный код"
COUNTER_TEXT = "всего по запросу найдено"

# The number is printed without thousands separators; digits after a blank belong to what
# follows (pagination links come right after the counter in the page text).
_COUNTER = re.compile(r"всего по запросу найдено\s*[—–-]?\s*(\d+)", re.IGNORECASE)
_RANGE = re.compile(r"записи\s+с\s+(\d+)\s+по\s+(\d+)", re.IGNORECASE)

_NEW_MARKS = ", ".join(
    (
        "table.law-case-table",
        "div.lawcase-count",
        ".lawcase-tab-content",
        "div.case-num",
        "#resultMob",
    )
)
_CLASSIC_MARKS = ", ".join(
    ("table#tablcont", "div.casenumber", "div#cont1", "input[name='delo_table']")
)
# The same two lists as lexbor walks them: it pays for every selector of a list at every
# element it passes (about 0.15 M instructions a selector over a whole court page), and a
# `div:is(...)` is one selector at the elements that are not a `div`. The nodes are the same
# in both modes (tests/sudrf/test_listing_reading.py compares them with the lists above); an
# `:is()` without a tag costs more than its selectors listed apart.
_NEW_MARKS_QUERY = (
    "table.law-case-table, div:is(.lawcase-count, .case-num), .lawcase-tab-content, #resultMob"
)
_CLASSIC_MARKS_QUERY = "table#tablcont, div:is(.casenumber, #cont1), input[name='delo_table']"


def _phrase(words: str) -> re.Pattern[str]:
    """A lower-case phrase with any run of blanks between its words, searched in lower-cased
    page text (a case-sensitive pattern keeps the regex engine's fast literal search)."""
    return re.compile(r"\s+".join(map(re.escape, words.split())))


_UNAVAILABLE = _phrase(UNAVAILABLE_TEXT)
_EMPTY = _phrase(EMPTY_TEXT)
_CAPTCHA = _phrase(CAPTCHA_TEXT)
_COUNTER_PHRASE = _phrase(COUNTER_TEXT)
_COUNTER_AS_PRINTED = re.compile("[вВ]" + _COUNTER_PHRASE.pattern[1:])


def _has_counter_as_printed(text: str) -> bool:
    """`_COUNTER_AS_PRINTED.search(text)`, tried only one character before each "сего": every
    match starts there. A pattern that opens with a set of letters makes the regex engine
    test that set at every character of the page (0.9 M instructions a listing), where
    `str.find` skips ahead to the few places the counter can start."""
    at = text.find("сего", 1)
    while at >= 0:
        if _COUNTER_AS_PRINTED.match(text, at - 1):
            return True
        at = text.find("сего", at + 1)
    return False


@dataclass(slots=True)
class Verdict:
    """Classification with the evidence the parsers reuse: the parsed tree, and the body text
    ("" for cards, which do not need it)."""

    kind: PageKind
    template: Template | None
    reason: str | None
    tree: Tree
    body_text: str
    # The page's first `div.casenumber`, when classifying met it as the page's first classic
    # mark (a classic card): the card reader need not walk the page for it again.
    case_header: Node | None = None


def detect_template(tree: Tree) -> Template | None:
    """The template generation the markup shows, or None when it shows neither."""
    return _first_mark(tree)[0]


def _first_mark(tree: Tree) -> tuple[Template | None, Node | None]:
    """The template and the first element (in page order) that shows it: the first of the
    new template's marks when it has any, else the first of the classic marks."""
    found = tree.css_first(_NEW_MARKS_QUERY)
    if found is not None:
        return Template.NEW, found
    found = tree.css_first(_CLASSIC_MARKS_QUERY)
    if found is not None:
        return Template.CLASSIC, found
    return None, None


def read_counter(text: str) -> tuple[int | None, int | None, int | None]:
    """(total, first, last) from "Всего по запросу найдено — N. На странице записи с A по B."
    Any part may be None when the page does not print it. Only windows around the word
    "найдено" are searched, so a whole page costs a few substring searches."""
    lowered: str | None = None
    at = text.find("найдено")
    if at < 0:
        lowered = text.lower()
        at = lowered.find("найдено")
    while at >= 0:
        window = text[max(0, at - 40) : at + 300]
        match = _COUNTER.search(window)
        if match:
            total = int(match.group(1))
            span = _RANGE.search(window)
            if span:
                return total, int(span.group(1)), int(span.group(2))
            return total, None, None
        at = (lowered or text).find("найдено", at + 1)
    return None, None, None


# Any of these alone makes a card, on a page of either template ("div.casenumber, div.case-num,
# .lawcase-tab-content table.law-case-table", the two `div`s as one selector: see above).
_CARD_MARKS = "div:is(.casenumber, .case-num), .lawcase-tab-content table.law-case-table"


def _has_card_structure(tree: Tree, template: Template | None, first_mark: Node | None) -> bool:
    """A case-number header, a new card's tab table, or the classic first tab with a second
    tab or an act. Every one of these contains a template mark (`div.case-num` and
    `table.law-case-table` are new marks, `div.casenumber` and `div#cont1` classic ones), so
    what `_first_mark` found settles part of it without another walk: no mark at all, no
    card; the case-number header found first (as on every card), a card; no new mark, only
    the classic header is left to look for."""
    if template is None:
        return False
    if first_mark is not None and _is_case_header(first_mark):
        return True
    if tree.css_first(_CARD_MARKS if template is Template.NEW else "div.casenumber"):
        return True
    first_tab = tree.css_first("div#cont1 table#tablcont")
    return first_tab is not None and tree.css_first("#cont_doc1, div#cont2") is not None


def _is_case_header(node: Node) -> bool:
    """Whether `node` is `div.casenumber` or `div.case-num` by a class token spelt exactly
    so: lexbor matches such a node whether it matches classes case-sensitively (standards
    mode) or not (quirks mode), so the answer is lexbor's in both. A token that differs in
    case answers False here, and the caller asks lexbor (decision 22: selector matching is
    never moved to Python where the modes could disagree)."""
    if node.tag != "div":  # never a foreign element: a `div` start tag leaves SVG/MathML
        return False
    classes = (node.attributes.get("class") or "").split(" ")
    return "casenumber" in classes or "case-num" in classes


def _is_classic_case_header(template: Template | None, first_mark: Node | None) -> bool:
    """Whether the first classic mark is a `div` of class token `casenumber` spelt exactly
    so: lexbor then matches it as `div.casenumber` in both modes, and no `div.casenumber`
    stands before it (every one is a classic mark), so it is what
    `tree.css_first("div.casenumber")` finds."""
    if template is not Template.CLASSIC or first_mark is None or first_mark.tag != "div":
        return False
    return "casenumber" in (first_mark.attributes.get("class") or "").split(" ")


def case_links(tree: Tree) -> list[Node]:
    """Links to case cards (`name_op=case`) on the page."""
    return [a for a in tree.css("a[href*='name_op=case']") if "name_op=case" in attr(a, "href")]


def _has_listing_structure(
    tree: Tree, text: str, template: Template | None, links: Callable[[], list[Node]]
) -> bool:
    """The site's counter, the new template's counter box, or a result table with case
    links. `div.lawcase-count` and `table.law-case-table` are new-template marks and
    `table#tablcont` a classic one: a page without them (the template says so) is not
    walked for them again."""
    if _COUNTER_PHRASE.search(text):
        return True
    if template is None:
        return False
    if template is Template.NEW and tree.css_first("div.lawcase-count") is not None:
        return True
    tables = "table#tablcont th, table.law-case-table thead"
    if template is Template.CLASSIC:
        tables = "table#tablcont th"
    return bool(links()) and tree.css_first(tables) is not None


def _has_captcha(tree: Tree, text: str) -> bool:
    if _CAPTCHA.search(text):
        return True
    return tree.css_first("input[name='captcha'], input[name='captchaid']") is not None


def _is_blank(text: str | None, markup: bytes | None) -> bool:
    """Whether the page's text is empty or blanks only (`str.isspace`, which knows the Unicode
    blanks). Of UTF-8 bytes, a head is decoded first: a page that is not blank shows a
    character that is not a blank within its first bytes, which settles it without decoding
    the rest (a character the cut splits is dropped from the head, never made up)."""
    if text is None:
        if not markup:
            return True
        head = markup[:256].decode("utf-8", "ignore")
        if head and not head.isspace():
            return False
        text = markup.decode("utf-8", "replace")
    return not text or text.isspace()


def examine(text: str | None, markup: bytes | None = None) -> Verdict:
    """Classify page text and keep the parsed tree (and the body text, when it was needed)
    for the parser that comes next. Either `text` or `markup`, the page as UTF-8 bytes, is
    given: the tree is built from the bytes as they stand (the same tree, and the text is
    never built)."""
    tree = parse_html(markup if markup is not None else text or "")
    template, first_mark = _first_mark(tree)
    if _is_blank(text, markup):
        return Verdict(PageKind.UNRECOGNIZED, None, "empty document", tree, "")
    if _has_card_structure(tree, template, first_mark):
        header = first_mark if _is_classic_case_header(template, first_mark) else None
        return Verdict(PageKind.CARD, template, None, tree, "", header)
    body = tree.body
    body_text = body.text(deep=True, separator=" ") if body is not None else ""

    def verdict(kind: PageKind, reason: str | None = None) -> Verdict:
        return Verdict(kind, template, reason, tree, body_text)

    # A listing with rows, told by its counter as the sites print it: the same verdict as
    # the checks below reach, without lower-casing the page's text first (which costs a
    # listing as much as decoding it). Text that matches as printed matches lower-cased too.
    found_links: list[list[Node]] = []

    def links() -> list[Node]:
        """`case_links`, asked up to three times below: one walk, and only when asked."""
        if not found_links:
            found_links.append(case_links(tree))
        return found_links[0]

    if _has_counter_as_printed(body_text) and links():
        return verdict(PageKind.LISTING)
    lowered = body_text.lower()
    if _has_listing_structure(tree, lowered, template, links):
        if not links():
            total, _, _ = read_counter(body_text)
            if total == 0:
                return verdict(PageKind.EMPTY, "counter says 0")
            if _EMPTY.search(lowered):  # the new template prints it in div.lawcase-count
                return verdict(PageKind.EMPTY)
        return verdict(PageKind.LISTING)
    if looks_like_act(tree, body_text):
        return verdict(PageKind.ACT)
    if _UNAVAILABLE.search(lowered):
        return verdict(PageKind.UNAVAILABLE)
    if _EMPTY.search(lowered):
        return verdict(PageKind.EMPTY)
    if _has_captcha(tree, lowered):
        return verdict(PageKind.CAPTCHA)
    if not body_text or body_text.isspace():
        return verdict(PageKind.UNRECOGNIZED, "no visible text")
    if tree.css_first("input[name='name_op'][value='r']") is not None:
        return verdict(PageKind.UNRECOGNIZED, "a search form, no results on this page")
    return verdict(
        PageKind.UNRECOGNIZED, "no card, listing, captcha, throttling or empty-result signature"
    )


def classify(text: str) -> tuple[PageKind, Template | None]:
    """(page kind, template generation) of a decoded court page."""
    verdict = examine(text)
    return verdict.kind, verdict.template
