"""Judicial acts on their own pages (`name_op=doc`, issue 13): which to fetch, and what a
fetched one proved. Pure logic, except `card_act_links`, which parses a card in a worker.

Some courts put the act's text in the card's СУДЕБНЫЕ АКТЫ tab; others only link it
(DOMAIN.md §6). After a card of the second kind, each linked act page is fetched through the
same gateway as every page (same floors, counted in the court's budget, archived with page
kind `act`). Act pages are not fetched every run: an act is fetched

- when its card links it for the first time, or when the card's list of linked acts changed
  (then every linked act again: an act may have been replaced or corrected);
- when its last answer proved no readable text: a stub ("не подлежит опубликованию"), an
  attachment only, or "no data" (not out yet) — again whenever its card is read again, and
  otherwise at most every `act_max_age` seconds (acts of final cases, whose cards are not
  re-read, are rechecked that way);
- when its last fetch failed (an error, a captcha, an unrecognised page), or it was linked
  but never fetched (the run stopped first): in the next run, whether or not its card is
  read again. A failure is reported and never loses the act.

An act that comes out after the decision shows in the listing row ("Судебные акты"), which
changes the row's signature, so the card is read again. A case in a window no longer listed
again (older than the recent period) whose row showed a decision and no act gets its card
read again every `act_max_age` for `ACT_WAIT_DAYS` after the decision (`awaits_act`), inline
acts included.

An act whose text was read is not fetched again while the card's act list stays the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin

from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.html import Node, ancestors, attr, parse_html
from kartoteka.sudrf.models import Page, PageKind

DEFAULT_ACT_MAX_AGE = 30 * 86400.0  # seconds between rechecks of an act without a text
# How long after a decision its act may still come out (DOMAIN.md §6: weeks to months):
# until then a decided case without an act gets its card read every `act_max_age`.
ACT_WAIT_DAYS = 365


class ActStatus(StrEnum):
    """What the last fetch of an act page proved."""

    PENDING = "pending"  # linked by its card, not fetched since (fetch it)
    TEXT = "text"  # the act's text is on the page (published)
    UNPUBLISHED = "unpublished"  # a stub or an attachment only: no readable text
    ABSENT = "absent"  # "Данных по запросу не обнаружено": not out (yet), or withdrawn
    FAILED = "failed"  # no usable answer (error, captcha, unrecognised page): retried


@dataclass(frozen=True, slots=True)
class ActState:
    """The harvest state of one linked act of one case."""

    url: str
    status: ActStatus
    listed: bool  # the case's card linked it when last read
    fetched_at: float | None
    run_id: str | None  # the run of the last fetch attempt
    detail: str | None = None


def card_act_links(body: bytes, card_url: str) -> list[str]:
    """The absolute URLs of the `name_op=doc` pages a card links in place of an inline act
    text, in the card's order (runs in a parse worker). The same selection as the card
    parser's (`kartoteka.sudrf.card`: a link to `name_op=doc` outside any act text), without
    reading the rest of the card: that costs ≈ 20 times more, and ingest reads it anyway."""
    tree = parse_html(decode_page(body))
    out: list[str] = []
    for link in tree.css("a[href*='name_op=doc']"):
        href = attr(link, "href")
        if "name_op=doc" not in href or in_act_text(link):
            continue
        url = urljoin(card_url, href)
        if url not in out:
            out.append(url)
    return out


def in_act_text(node: Node) -> bool:
    """Inside an inline act's text (`div#cont_docN`): a link there is part of the act."""
    return any((p.id or "").startswith("cont_doc") for p in ancestors(node))


def acts_to_fetch(links: list[str], known: dict[str, ActState], run_id: str) -> list[str]:
    """Of the acts a card just read links, those to fetch now (see the module docstring)."""
    listed_before = {url for url, s in known.items() if s.listed}
    changed = set(links) != listed_before
    out = []
    for url in links:
        state = known.get(url)
        if state is not None and state.run_id == run_id and state.status is not ActStatus.PENDING:
            continue  # fetched earlier in this (resumed) run
        if changed or state is None or state.status is not ActStatus.TEXT:
            out.append(url)
    return out


def act_outcome(page: Page, status: int = 200) -> tuple[ActStatus, str | None]:
    """What a fetched act page proves: its text, no readable text (a stub, an attachment,
    "no data"), or nothing usable (a failure, with the reason)."""
    if page.kind is PageKind.ACT and page.act is not None and status == 200:
        if page.act.published:
            return ActStatus.TEXT, None
        return ActStatus.UNPUBLISHED, page.act.unpublished_reason or "not published"
    if page.kind is PageKind.EMPTY:
        return ActStatus.ABSENT, "no data"
    return ActStatus.FAILED, f"{page.kind.value} page ({page.reason or 'no reason'})"


def awaits_act(
    result_date: str | None,
    row_acts: bool,
    card_at: float | None,
    *,
    now: float,
    today: dt.date,
    max_age: float,
) -> bool:
    """Whether a decided case whose listing row showed no act, in a window this run does not
    list again, should have its card read again: its act may have come out since. Within
    `ACT_WAIT_DAYS` of the decision, at most every `max_age` seconds."""
    if row_acts or result_date is None or card_at is None:
        return False
    try:
        decided = dt.date.fromisoformat(result_date)
    except ValueError:
        return False
    if (today - decided).days > ACT_WAIT_DAYS:
        return False
    return now - card_at > max_age


def needs_recheck(state: ActState, now: float, run_id: str, max_age: float) -> bool:
    """Whether an act must be fetched in this run although its card was not read again."""
    if not state.listed:
        return False
    if state.status is ActStatus.PENDING:
        return True
    if state.run_id == run_id:
        return False  # attempted in this run already
    if state.status is ActStatus.FAILED:
        return True
    if state.status in (ActStatus.UNPUBLISHED, ActStatus.ABSENT):
        return state.fetched_at is None or now - state.fetched_at > max_age
    return False
