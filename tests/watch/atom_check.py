"""A real check of an Atom document against RFC 4287's rules (the ones a reader relies on),
with lxml: namespace, the required elements of a feed (4.1.1) and of an entry (4.1.2), their
cardinality, IRIs as ids, RFC 3339 dates (3.3), an author for every entry (4.1.1/4.2.1), a
link or content for every entry, at most one alternate link per type and language."""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _one(node, name: str, errors: list[str], where: str):
    found = node.findall(f"a:{name}", NS)
    if len(found) != 1:
        errors.append(f"{where}: {len(found)} atom:{name} (must be exactly one)")
        return None
    return found[0]


def _date(node, errors: list[str], where: str) -> None:
    if node is None:
        return
    text = (node.text or "").strip()
    if not RFC3339.match(text):
        errors.append(f"{where}: {node.tag} {text!r} is not an RFC 3339 date-time")
        return
    dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _alternates(node, errors: list[str], where: str) -> list[str]:
    seen = set()
    hrefs = []
    for link in node.findall("a:link", NS):
        if link.get("href") is None:
            errors.append(f"{where}: atom:link without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in seen:
                errors.append(f"{where}: two alternate links with the same type and hreflang")
            seen.add(key)
            hrefs.append(link.get("href"))
    return hrefs


def check_atom(document: bytes) -> list[str]:
    """The violations found (an empty list: valid)."""
    errors: list[str] = []
    root = etree.fromstring(document)
    if root.tag != f"{{{ATOM}}}feed":
        return [f"root element is {root.tag}, not atom:feed"]
    feed_id = _one(root, "id", errors, "feed")
    if feed_id is not None and not IRI.match((feed_id.text or "").strip()):
        errors.append(f"feed: id {feed_id.text!r} is not an IRI")
    _one(root, "title", errors, "feed")
    _date(_one(root, "updated", errors, "feed"), errors, "feed")
    feed_author = bool(root.findall("a:author", NS))
    for author in root.findall("a:author", NS):
        _one(author, "name", errors, "feed author")
    _alternates(root, errors, "feed")
    ids = []
    for n, entry in enumerate(root.findall("a:entry", NS)):
        where = f"entry {n}"
        eid = _one(entry, "id", errors, where)
        if eid is not None:
            text = (eid.text or "").strip()
            if not IRI.match(text):
                errors.append(f"{where}: id {text!r} is not an IRI")
            ids.append(text)
        _one(entry, "title", errors, where)
        _date(_one(entry, "updated", errors, where), errors, where)
        if not feed_author and not entry.findall("a:author", NS):
            errors.append(f"{where}: no atom:author in the entry nor in the feed")
        alternates = _alternates(entry, errors, where)
        if not entry.findall("a:content", NS) and not alternates:
            errors.append(f"{where}: neither atom:content nor an alternate link")
        for tag in ("summary", "content", "published", "rights", "source"):
            if len(entry.findall(f"a:{tag}", NS)) > 1:
                errors.append(f"{where}: more than one atom:{tag}")
        for cat in entry.findall("a:category", NS):
            if not cat.get("term"):
                errors.append(f"{where}: atom:category without term")
    if len(ids) != len(set(ids)):
        errors.append("two entries share an id")
    return errors
