"""The archived court page behind a case, viewable in the browser: the evidence view.

Every row of the store names the WARC record it came from; this module reads that record back
and prepares it for display:

- only records the store knows (listed in its `fetch_log`) are served, by file name and
  offset, and file names are checked against the archive's naming pattern, so the view
  cannot be turned into a file reader;
- personal names are masked to initials unless the installation opted in to keeping names
  (DESIGN.md "Privacy"): the names the parser finds on the page (defendants, parties) and,
  as a safety net for names in free text and judicial acts, anything shaped like a Russian
  full name (surname + first name + patronymic, or surname + initials);
- scripts, frames, forms and event handlers are removed, and the page is shown in a
  sandboxed iframe under a Content-Security-Policy that forbids loading anything, so viewing
  evidence never contacts the court site.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from kartoteka.harvest.warc import FILE_PATTERN, read_response
from kartoteka.store.privacy import initials
from kartoteka.sudrf.encoding import decode_page

# Content-Security-Policy for the archived page itself: nothing may load, nothing may run.
EVIDENCE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)

# Court cards show one tab (div#cont1..N) at a time through scripts, which are removed:
# evidence shows every tab at once.
SHOW_ALL_TABS = '<style>[id^="cont"]{display:block!important;visibility:visible!important}</style>'

_UPPER = "А-ЯЁ"
_LOWER = "а-яё"
_WORD = f"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_PATRONYMIC = f"[{_UPPER}][{_LOWER}]+(?:вич|вна|чна|ич|ична|инична|оглы|кызы)"
# Фамилия Имя Отчество / Имя Отчество Фамилия, in any letter case for the surname.
_FULL_NAME = re.compile(
    rf"(?<![\w])(?:(?:{_WORD}|[{_UPPER}]{{2,}})\s+{_WORD}\s+{_PATRONYMIC}"
    rf"|{_WORD}\s+{_PATRONYMIC}\s+(?:{_WORD}|[{_UPPER}]{{2,}}))(?![\w])"
)
# Фамилия И.И. / И.И. Фамилия
_SURNAME_INITIALS = re.compile(
    rf"(?<![\w])(?:{_WORD}\s+[{_UPPER}]\.\s?[{_UPPER}]\.|[{_UPPER}]\.\s?[{_UPPER}]\.\s?{_WORD})"
    rf"(?![\w])"
)
_DANGEROUS_BLOCKS = re.compile(
    r"<(script|iframe|object|embed|frame|frameset|noscript|form)\b.*?</\1\s*>", re.I | re.S
)
_DANGEROUS_TAGS = re.compile(
    r"<(script|iframe|object|embed|frame|link|meta\s+http-equiv|base)"
    r"\b[^>]*>",
    re.I,
)
_EVENT_ATTRS = re.compile(r"""\s on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I | re.X)
_JS_URLS = re.compile(r"""(href|src)\s*=\s*(["']?)\s*javascript:[^"'>]*\2""", re.I)


_META_CHARSET = re.compile(
    r"<meta[^>]+(charset\s*=|http-equiv\s*=\s*[\"']?content-type)[^>]*>", re.I
)


class EvidenceNotFound(LookupError):
    """No such record in this store's provenance (or the archive lacks it)."""


@dataclass(frozen=True, slots=True)
class EvidencePage:
    url: str  # the real court URL the page was fetched from
    fetched_at: dt.datetime
    simulated: bool
    status: int
    html: str  # sanitised, names masked unless opted in
    masked: bool


def valid_warc_name(name: str) -> bool:
    return bool(FILE_PATTERN.match(name)) and "/" not in name and "\\" not in name


def _mask_known(text: str, names: list[str]) -> str:
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        replacement = initials(name) or "***"
        text = re.sub(re.escape(name), replacement, text, flags=re.I)
        words = name.split()
        if words and len(words[0]) >= 3:  # the surname alone (e.g. "подсудимый Иванов")
            text = re.sub(rf"(?<!\w){re.escape(words[0])}(?!\w)", replacement, text, flags=re.I)
    return text


def mask_names(text: str, known: list[str] | None = None) -> str:
    """Full names → initials: the parser's names first, then anything name-shaped."""
    text = _mask_known(text, known or [])
    text = _FULL_NAME.sub(lambda m: initials(m.group(0)) or "***", text)
    return _SURNAME_INITIALS.sub(lambda m: initials(m.group(0)) or "***", text)


def sanitise(html: str) -> str:
    """The page without anything that runs or loads: scripts, frames, forms, handlers."""
    html = _DANGEROUS_BLOCKS.sub("", html)
    html = _DANGEROUS_TAGS.sub("", html)
    html = _EVENT_ATTRS.sub("", html)
    return _JS_URLS.sub(r'\1="#"', html)


def _names_on_page(body: bytes, url: str) -> list[str]:
    """The names the parser reads from the page (defendants, parties), if it can."""
    try:
        from kartoteka.sudrf import read_page
    except ImportError:  # the parser stage is optional for the viewer
        return []
    try:
        page = read_page(body, url)
    except Exception:  # the parser never raises by contract; the viewer must not either
        return []
    names: list[str] = []
    if page.card is not None:
        names += [d.name for d in page.card.defendants if d.name]
        names += [p.name for p in page.card.parties if p.name]
    if page.listing is not None:
        for row in page.listing.rows:
            names += [d.name for d in row.defendants if d.name]
    return names


def load_evidence(
    archive_dir: Path, warc_file: str, offset: int, *, show_names: bool
) -> EvidencePage:
    """The archived response at (file, offset), ready for display."""
    if not valid_warc_name(warc_file) or offset < 0:
        raise EvidenceNotFound(f"not an archive record: {warc_file}:{offset}")
    if not (archive_dir / warc_file).is_file():
        raise EvidenceNotFound(f"{warc_file} is not in the archive at {archive_dir}")
    try:
        record = read_response(archive_dir, warc_file, offset)
    except (OSError, ValueError, Exception) as exc:  # warcio raises several kinds
        raise EvidenceNotFound(f"no readable record at {warc_file}:{offset}: {exc}") from exc
    content_type = record.headers.get("Content-Type") or record.headers.get("content-type") or ""
    charset = None
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip()
    text = decode_page(record.body, charset)
    html = _META_CHARSET.sub('<meta charset="utf-8">', sanitise(text))
    html = SHOW_ALL_TABS + html
    if not show_names:
        html = mask_names(html, _names_on_page(record.body, record.url))
    return EvidencePage(
        url=record.url,
        fetched_at=record.fetched_at,
        simulated=record.simulated,
        status=record.status,
        html=html,
        masked=not show_names,
    )
