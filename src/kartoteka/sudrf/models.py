"""Typed records that the page parsers produce.

These are the contract between the parsers (`kartoteka.sudrf`), the sandbox (which must render
pages that parse back into the same records), the harvester (which reads listings to plan card
fetches) and the store (which ingests them). Field names follow the JSON contract of
`kartoteka inspect --json` (see README): change them only together with that contract.

Dates are `datetime.date`, serialised as ISO strings; absent values are `None`.
Personal names appear here as printed on the page: the store, not the parser, applies the
privacy rules (initials + keyed hash), because a parser has no secret and no opt-in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any


class PageKind(StrEnum):
    """What a court page is, decided before any field is read."""

    LISTING = "listing"
    CARD = "card"
    CAPTCHA = "captcha"
    UNAVAILABLE = "unavailable"  # "Информация временно недоступна": anti-bot throttling
    EMPTY = "empty"  # "Данных по запросу не обнаружено" or a listing whose counter is 0
    ACT = "act"  # a judicial act on its own page (`name_op=doc`)
    UNRECOGNIZED = "unrecognized"  # anything else: never read as "no cases"


class Template(StrEnum):
    """The two generations of ГАС «Правосудие» page markup."""

    CLASSIC = "classic"  # div#cont1..N, table#tablcont
    NEW = "new"  # table.law-case-table, div.lawcase-count


@dataclasses.dataclass(frozen=True, slots=True)
class Charge:
    """One charge: `ст.337 ч.5 УК РФ` → code "УК РФ", article "337", part "5", point None."""

    code: str | None
    article: str
    part: str | None = None
    point: str | None = None
    raw: str = ""

    @property
    def key(self) -> str:
        """`article.part` as used in ground-truth files and metrics, e.g. "337.5" or "352.1"."""
        return f"{self.article}.{self.part}" if self.part else self.article


@dataclasses.dataclass(slots=True)
class Defendant:
    """A person (or party) tried in a case, as shown on a card (ЛИЦА) or in a listing row."""

    name: str | None  # None when hidden or absent
    name_hidden: bool = False  # "Информация скрыта": a legal state, not a missing value
    charges: list[Charge] = dataclasses.field(default_factory=list)
    charges_raw: str | None = None
    result: str | None = None
    result_date: dt.date | None = None


@dataclasses.dataclass(slots=True)
class Party:
    """A participant other than a defendant (СТОРОНЫ): prosecutor, counsel, victim ..."""

    role: str | None
    name: str | None
    name_hidden: bool = False


@dataclasses.dataclass(slots=True)
class Event:
    """One row of ДВИЖЕНИЕ ДЕЛА (or СЛУШАНИЯ on cassation cards)."""

    name: str | None
    date: dt.date | None = None
    time: str | None = None  # "HH:MM"
    place: str | None = None
    result: str | None = None
    basis: str | None = None
    note: str | None = None
    published: dt.date | None = None  # "Дата размещения"


@dataclasses.dataclass(slots=True)
class Act:
    """A judicial act listed on a card or in a listing row: inline text when the card carries
    it, otherwise a link to `name_op=doc`. `text` None means "not on this page", not "none".

    `text` is the act as clean paragraphs (one per line, `kartoteka.sudrf.act`); `doc_type`
    ("приговор", "апелляционное определение" ...) and `date` come from its heading;
    `published` is False for a "не подлежит опубликованию" stub or an attachment-only act
    (`unpublished_reason` says which), None when the text is not on this page."""

    title: str | None
    text: str | None = None
    url: str | None = None
    number: str | None = None
    date: dt.date | None = None
    doc_type: str | None = None
    published: bool | None = None
    unpublished_reason: str | None = None


@dataclasses.dataclass(slots=True)
class Card:
    """A case card (`name_op=case`) of either template, any instance."""

    case_number: str | None
    case_number_raw: str | None
    uid: str | None
    uid_valid: bool | None = None  # mod-97 check of the UID (DOMAIN.md §1); None if no UID
    entry_date: dt.date | None = None
    judge: str | None = None
    result: str | None = None
    result_date: dt.date | None = None
    category: str | None = None
    fields: dict[str, str] = dataclasses.field(default_factory=dict)  # every label → value
    lower_court: dict[str, str] | None = None
    events: list[Event] = dataclasses.field(default_factory=list)
    defendants: list[Defendant] = dataclasses.field(default_factory=list)
    parties: list[Party] = dataclasses.field(default_factory=list)
    acts: list[Act] = dataclasses.field(default_factory=list)
    # Complaints / appeals recorded on the card (ЖАЛОБЫ tab, "ЖАЛОБА № N" blocks): one
    # label → value dict each, e.g. {"Заявитель": ..., "Результат обжалования": ...}.
    complaints: list[dict[str, str]] = dataclasses.field(default_factory=list)
    # The card's own footer "опубликовано 22.04.2026 18:54, изменено 19.06.2026 20:05": when
    # the court put the card online and last changed it (court-local time, no zone). The
    # first measures the publication lag newsrooms warn about; the second dates card versions.
    published_at: dt.datetime | None = None
    modified_at: dt.datetime | None = None


@dataclasses.dataclass(slots=True)
class ListingRow:
    """One row of a result listing (`name_op=r`)."""

    case_number: str | None
    case_number_raw: str | None = None
    case_id: str | None = None
    case_uid: str | None = None
    delo_id: str | None = None
    url: str | None = None  # the card link as printed (relative or absolute)
    entry_date: dt.date | None = None
    info: str | None = None
    judge: str | None = None
    result_date: dt.date | None = None
    result: str | None = None
    legal_force_date: dt.date | None = None
    defendants: list[Defendant] = dataclasses.field(default_factory=list)
    acts: list[Act] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class Listing:
    """A page of results with the site's own counter, for reconciliation (rows == total)."""

    total: int | None
    first: int | None = None
    last: int | None = None
    rows: list[ListingRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class Page:
    """The outcome of reading one page: its kind, its template, and the parsed content."""

    kind: PageKind
    template: Template | None = None
    card: Card | None = None
    listing: Listing | None = None
    act: Act | None = None  # kind ACT: the act of a `name_op=doc` page
    reason: str | None = None  # why a page is unrecognized, or other diagnostics
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the `kartoteka inspect --json` contract ("act" only on act
        pages, so the contract of listing and card pages is unchanged)."""
        out: dict[str, Any] = to_jsonable(self)
        if self.act is None:
            out.pop("act")
        return out


def to_jsonable(value: Any) -> Any:
    """Dataclasses → dicts, dates → ISO strings, enums → their values (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
