"""The court-site protocol as pure functions, no I/O: query encoding and URL building for both
dialects, page decoding, classification, listing and card parsing, charge strings.

Entry points (stable; the harvester, the store and the sandbox call these):

- `read_page(data, url=None) -> Page`: bytes → decode → classify → parse; never raises.
- `classify(text) -> (PageKind, Template | None)`
- `parse_listing(text, url=None) -> Listing`, `parse_card(text, url=None) -> Card`: raise
  `kartoteka.errors.ParseError` when the page cannot be read as that kind.
- Judicial acts: a card's inline acts and a `name_op=doc` page (kind `act`, `Page.act`)
  become `Act`s with clean text, type, date and publication state (`sudrf.act`); their
  sentences are read by `kartoteka.acts.read_act`.
"""

from kartoteka.sudrf.card import parse_card
from kartoteka.sudrf.classify import classify
from kartoteka.sudrf.listing import parse_listing
from kartoteka.sudrf.models import (
    Act,
    Card,
    Charge,
    Defendant,
    Event,
    Listing,
    ListingRow,
    Page,
    PageKind,
    Party,
    Template,
)
from kartoteka.sudrf.page import PARSER_VERSION, read_page, read_text
from kartoteka.sudrf.uid import is_valid_uid, make_uid

__all__ = [
    "PARSER_VERSION",
    "Act",
    "Card",
    "Charge",
    "Defendant",
    "Event",
    "Listing",
    "ListingRow",
    "Page",
    "PageKind",
    "Party",
    "Template",
    "classify",
    "is_valid_uid",
    "make_uid",
    "parse_card",
    "parse_listing",
    "read_page",
    "read_text",
]
