"""Atom (RFC 4287) and JSON Feed 1.1 documents of a saved search's changes.

A feed entry is a stored change (datasette-atom's lesson: a feed is a query plus id, title and
updated): its id is derived from the change's stable id, so a re-ingest or a rebuild of the
store never makes a reader show an entry twice. Entries link to the case page of the
dashboard; simulated data carries the category `simulated` and says so in its title.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb
from feedgen.feed import FeedGenerator

from kartoteka import __version__
from kartoteka.watch.digest import Entry, spans, watch_entries
from kartoteka.watch.render import entry_text, entry_title
from kartoteka.watch.searches import OVERALL, Watch, get_watch

# uuid5 namespace of kartoteka's entry ids (fixed forever: changing it changes every id)
ENTRY_NAMESPACE = uuid.UUID("6f0b6a52-8f3c-5d1e-9a51-4b0d7c2e9a10")
MAX_RUNS = 30  # a feed shows the changes of the latest harvest runs
MAX_ENTRIES = 500


@dataclass(frozen=True, slots=True)
class FeedContent:
    watch: Watch
    entries: list[Entry]  # newest first
    updated: dt.datetime  # the end of the latest run (or the watch's creation)
    simulated: bool


def entry_urn(entry: Entry) -> str:
    """The Atom id of an entry: a URN derived from the change id alone."""
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, entry.change_id)}"


def feed_content(
    con: duckdb.DuckDBPyConnection, name: str, max_runs: int = MAX_RUNS
) -> FeedContent:
    """The entries of a watch (or `all`) over the latest runs, newest first."""
    watch = get_watch(con, name)
    runs = spans(con)[-max_runs:]
    entries: list[Entry] = []
    for span in reversed(runs):
        entries.extend(watch_entries(con, watch, span))
        if len(entries) >= MAX_ENTRIES:
            break
    updated = runs[-1].ended if runs else watch.created_at
    return FeedContent(watch, entries[:MAX_ENTRIES], updated, any(s.simulated for s in runs))


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _title(content: FeedContent) -> str:
    name = "all cases" if content.watch.name == OVERALL else content.watch.name
    prefix = "[SIMULATED] " if content.simulated else ""
    return f"{prefix}kartoteka: {name}"


def _subtitle(content: FeedContent) -> str:
    filters = ", ".join(f"{k}={v}" for k, v in content.watch.filters.as_dict().items())
    text = f"Changes in the military courts' case indexes ({filters or 'all first-instance cases'})"
    if content.simulated:
        text += ". SIMULATED DATA from the kartoteka sandbox, not real courts"
    return text


def atom_feed(content: FeedContent, base_url: str, self_url: str) -> bytes:
    """The Atom document (written by feedgen)."""
    base = base_url.rstrip("/")
    fg = FeedGenerator()
    fg.id(f"{base}/feeds/{content.watch.name}.atom")
    fg.title(_title(content))
    fg.subtitle(_subtitle(content))
    fg.author({"name": "kartoteka"})
    fg.link(href=f"{base}/", rel="alternate")
    fg.link(href=self_url, rel="self")
    fg.generator("kartoteka", version=__version__)
    fg.language("en")
    fg.updated(_utc(content.updated))
    for entry in reversed(content.entries):  # feedgen prepends: oldest first in, newest out
        fe = fg.add_entry()
        fe.id(entry_urn(entry))
        title = entry_title(entry)
        fe.title(f"[SIMULATED] {title}" if entry.simulated else title)
        fe.updated(_utc(entry.seen_at))
        fe.summary(entry_text(entry))
        fe.link(href=f"{base}{entry.url or '/revisions'}", rel="alternate")
        fe.category(term=entry.kind)
        if entry.simulated:
            fe.category(term="simulated", label="SIMULATED DATA")
    return fg.atom_str(pretty=True)  # type: ignore[no-any-return]


def json_feed(content: FeedContent, base_url: str, self_url: str) -> dict[str, Any]:
    """The same entries as JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    base = base_url.rstrip("/")
    items = []
    for entry in content.entries:
        title = entry_title(entry)
        items.append(
            {
                "id": entry_urn(entry),
                "url": f"{base}{entry.url or '/revisions'}",
                "title": f"[SIMULATED] {title}" if entry.simulated else title,
                "content_text": entry_text(entry),
                "date_published": _utc(entry.seen_at).isoformat(),
                "tags": [entry.kind, *(["simulated"] if entry.simulated else [])],
                "_kartoteka": {
                    "change_id": entry.change_id,
                    "kind": entry.kind,
                    "case_key": entry.case_key,
                    "simulated": entry.simulated,
                },
            }
        )
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _title(content),
        "description": _subtitle(content),
        "home_page_url": f"{base}/",
        "feed_url": self_url,
        "items": items,
    }
