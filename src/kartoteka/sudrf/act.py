"""Judicial acts on court pages → `Act`: the inline acts of a card (СУДЕБНЫЕ АКТЫ tab,
`div#cont_docN`, both templates) and `name_op=doc` pages (the act alone).

The text is Word converted to HTML: styles on every `<p>`, words split across `<span>`s,
`&nbsp;`, headings spaced out letter by letter. `node_text` makes lines of the markup (inline
spans joined without a blank, blocks and `<br>` as line breaks) and `kartoteka.acts.clean`
cleans each line. What this module decides about the act itself is cheap and needs no
language model: the document type, the date, and whether the text is published at all — a
"не подлежит опубликованию" stub, or a link to an attachment (`.doc`, `.rtf`, `.pdf`) or an
image with no text, is not a published text (`published` False, `unpublished_reason` says
why). Sentences are read on demand by `kartoteka.acts.read_act(act.text)`, not here: reading
a card must stay fast.
"""

from __future__ import annotations

import re

from kartoteka.acts.clean import clean_text
from kartoteka.acts.structure import (
    UNPUBLISHED_PHRASES,
    act_date,
    doc_type,
    operative_part,
    published_state,
)
from kartoteka.sudrf.html import Node, Tree, attr, node_text, one_line
from kartoteka.sudrf.models import Act

_ATTACHMENT = re.compile(r"\.(?:docx?|rtf|pdf|odt|zip|jpe?g|png|tiff?)(?:$|[?#&])", re.IGNORECASE)
_OPERATIVE_WORDS = re.compile(
    r"(?:^|\s)(?:приговорил|постановил|определил|решил|установил)\s*:", re.IGNORECASE
)
# Containers of the act on a `name_op=doc` page, most specific first.
_DOC_CONTAINERS = ("div[id^='cont_doc']", "#modSdpContent", "#content", "body")


def act_text(node: Node | None) -> str:
    """The clean paragraphs of an act's markup, one per line ("" when there is none)."""
    return clean_text(node_text(node), collapsed=True) if node is not None else ""


def _attachments(node: Node) -> list[str]:
    found = node.css("a[href], img[src]")  # one walk of the act; the tag says which matched
    links = [attr(a, "href") for a in found if a.tag == "a"]
    files = [href for href in links if _ATTACHMENT.search(href)]
    images = [attr(img, "src") for img in found if img.tag == "img"]
    return files + [src for src in images if src and "print.gif" not in src]


def describe(
    text: str | None,
    *,
    title: str | None = None,
    number: str | None = None,
    url: str | None = None,
    attachments: list[str] | None = None,
) -> Act:
    """An `Act` with its type, date and publication state read from its clean text."""
    act = Act(title=title, text=text or None, url=url, number=number)
    if text is None and url is not None:
        act.doc_type, _ = doc_type("", title)
        return act  # a link: nothing known about the text yet
    clean = text or ""
    act.doc_type, _ = doc_type(clean, title)
    act.date, _ = act_date(clean)
    published, reason = published_state(clean)
    if not published and attachments:
        reason = "attachment only: " + ", ".join(attachments[:3])
    act.published, act.unpublished_reason = published, reason
    return act


def inline_act(container: Node, title: str | None, number: str | None) -> Act:
    """One `div#cont_docN` of a card."""
    return describe(
        act_text(container) or None,
        title=title,
        number=number,
        attachments=_attachments(container),
    )


def looks_like_act(tree: Tree, body_text: str) -> bool:
    """A page that is a judicial act on its own (`name_op=doc`): an act container, or the
    operative words of an act, or a "not published" notice on a small page."""
    if tree.css_first("div[id^='cont_doc']") is not None:
        return True
    if _OPERATIVE_WORDS.search(body_text) and re.search(
        r"приговор|постановлени|определени|решени", body_text, re.IGNORECASE
    ):
        return True
    lowered = body_text.lower()
    return len(body_text) < 4000 and any(p in lowered for p in UNPUBLISHED_PHRASES)


def parse_act_page(tree: Tree, url: str | None = None) -> Act:
    """A `name_op=doc` page → `Act` (the page's title line as `title`)."""
    container: Node | None = None
    for selector in _DOC_CONTAINERS:
        container = tree.css_first(selector)
        if container is not None:
            break
    for noise in tree.css(".kartoteka-simulated, script, style, noscript"):
        noise.decompose()
    heading = tree.css_first("div.title")
    title = one_line(node_text(heading)) if heading is not None else None
    text = act_text(container)
    if heading is not None and text.startswith(title or "\0"):
        text = text[len(title or "") :].lstrip("\n")
    act = describe(
        text or None,
        title=title,
        url=url,
        attachments=_attachments(container) if container is not None else None,
    )
    if act.text is not None and operative_part(act.text)[0] is None and act.published:
        # Text without an operative part (a notice, a cover page) is kept but flagged.
        act.unpublished_reason = "no operative part found"
    return act
