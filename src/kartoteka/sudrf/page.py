"""The entry point for one fetched page: bytes → decode → classify → parse → `Page`.

`read_page` never raises, whatever the bytes: the harvester and the store must be able to
record the URL and the reason and go on (DESIGN.md, "Quality bar"). The decision for a page
that *claims* to be a listing or a card but cannot be read (no result table, rows that
contradict the site's own counter, a card without readable tables) is: kind UNRECOGNIZED,
`reason` saying what it looked like and what was wrong. Such a page is never counted, and an
unrecognised page is never "no cases". Callers that want an exception call `parse_listing` /
`parse_card`, which raise `ParseError` with the URL.
"""

from __future__ import annotations

from kartoteka.errors import ParseError
from kartoteka.sudrf.act import parse_act_page
from kartoteka.sudrf.card import card_from_tree
from kartoteka.sudrf.classify import examine
from kartoteka.sudrf.encoding import decode_page, utf8_markup
from kartoteka.sudrf.listing import listing_from_tree
from kartoteka.sudrf.models import Page, PageKind

# Bumped whenever a parser change can change parsed records: derived rows carry it, so a
# parser fix is a re-parse of the archive, not a re-crawl.
PARSER_VERSION = "2"


def read_text(text: str, url: str | None = None) -> Page:
    """Classify and parse page text that is already decoded (see `read_page`)."""
    return _read(text, None, url)


def _read(text: str | None, markup: bytes | None, url: str | None) -> Page:
    """`read_text` of `text`, or of `markup`: the page as UTF-8 bytes (what the HTML parser
    reads), whose text is then never built."""
    verdict = examine(text, markup)
    kind, template = verdict.kind, verdict.template
    try:
        if kind is PageKind.CARD:
            card = card_from_tree(verdict.tree, url, case_header=verdict.case_header)
            return Page(kind, template, card=card, url=url)
        if kind is PageKind.LISTING:
            listing = listing_from_tree(verdict.tree, verdict.body_text, url)
            return Page(kind, template, listing=listing, url=url)
        if kind is PageKind.ACT:
            return Page(kind, template, act=parse_act_page(verdict.tree, url), url=url)
    except ParseError as error:
        return Page(
            PageKind.UNRECOGNIZED,
            template,
            reason=f"looks like a {kind.value} but cannot be read: {error.message}",
            url=url,
        )
    return Page(kind, template, reason=verdict.reason, url=url)


def read_page(data: bytes, url: str | None = None, http_charset: str | None = None) -> Page:
    """Bytes of one court page (as fetched or archived) → Page. Never raises.

    `http_charset` is the charset of the response's Content-Type header, when known.
    """
    if not data or data.isspace():  # (no stripped copy of a whole page to test it)
        return Page(PageKind.UNRECOGNIZED, reason="empty document", url=url)
    try:
        markup = utf8_markup(data)  # most pages: UTF-8 bytes, read as they stand
        if markup is not None:
            return _read(None, markup, url)
        return _read(decode_page(data, http_charset), None, url)
    except Exception as error:  # the harvest must go on; the reason says why
        return Page(
            PageKind.UNRECOGNIZED,
            reason=f"internal parser error: {type(error).__name__}: {error}",
            url=url,
        )
