"""URLs of the court sites' case index, for both query dialects. Pure functions, no I/O.

The harvester builds exactly these URLs; the sandbox answers exactly these URLs (it reads them
back with `parse_query`). Two dialects exist (DOMAIN.md §2):

- classic: `delo_id=…&new=…&delo_table=u1_case&u1_case__ENTRY_DATE1D=…`
  `&U1_DEFENDANT__LAW_ARTICLESS=…&page=N`
- vnkod:   `_deloId=…&_new=…&case__entry_date1d=…&parts__law_articless=…&_page=N`

Query values are percent-encoded in windows-1251 (see `encoding`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kartoteka.sudrf.encoding import decode_query_value, encode_query_value

MODULE_PATH = "/modules.php"
PAGE_SIZE = 25  # rows per listing page on every court site


class Dialect(StrEnum):
    CLASSIC = "classic"
    VNKOD = "vnkod"


class Instance(StrEnum):
    """Criminal case kinds the harvester asks for."""

    FIRST = "first"
    APPEAL = "appeal"
    CASSATION = "cassation"


@dataclass(frozen=True, slots=True)
class CaseKind:
    delo_id: str
    new: str
    table: str  # classic table prefix of the case, e.g. u1_case
    defendant_table: str  # classic table prefix of the defendants, e.g. U1_DEFENDANT


CASE_KINDS: dict[Instance, CaseKind] = {
    Instance.FIRST: CaseKind("1540006", "0", "u1_case", "U1_DEFENDANT"),
    Instance.APPEAL: CaseKind("4", "4", "u2_case", "U2_DEFENDANT"),
    # The short pair delo_id=4&new=2450001 gives the same rows without act links: use the long.
    Instance.CASSATION: CaseKind("2450001", "2450001", "u33_case", "U33_DEFENDANT"),
}

INSTANCE_BY_DELO_ID = {kind.delo_id: inst for inst, kind in CASE_KINDS.items()}


def _fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _join(params: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={encode_query_value(v)}" for k, v in params)


def _base(host: str, scheme: str) -> str:
    return f"{scheme}://{host}{MODULE_PATH}?name=sud_delo&srv_num=1&"


def listing_url(
    host: str,
    dialect: Dialect | str,
    entry_from: dt.date | None,
    entry_to: dt.date | None,
    *,
    article: str | None = None,
    page: int = 1,
    instance: Instance | str = Instance.FIRST,
    scheme: str = "http",
) -> str:
    """A result listing (`name_op=r`) of cases received between two dates (inclusive).

    `article` is the substring the site matches against the defendants' articles, as typed in
    the search form (e.g. "337" or "ст.337"); None searches all cases.
    """
    kind = CASE_KINDS[Instance(instance)]
    if Dialect(dialect) is Dialect.CLASSIC:
        t, d = kind.table, kind.defendant_table
        params = [
            ("name_op", "r"),
            ("delo_id", kind.delo_id),
            ("case_type", "0"),
            ("new", kind.new),
            ("delo_table", t),
            (f"{t}__CASE_NUMBERSS", ""),
            (f"{t}__JUDICIAL_UIDSS", ""),
            (f"{t}__ENTRY_DATE1D", _fmt_date(entry_from)),
            (f"{t}__ENTRY_DATE2D", _fmt_date(entry_to)),
            (f"{d}__NAMESS", ""),
            (f"{d}__LAW_ARTICLESS", article or ""),
            (f"{t}__JUDGE", ""),
            (f"{t}__RESULT_DATE1D", ""),
            (f"{t}__RESULT_DATE2D", ""),
            ("Submit", "Найти"),
        ]
        if page > 1:
            params.append(("page", str(page)))
    else:
        params = [
            ("name_op", "r"),
            ("_deloId", kind.delo_id),
            ("case__case_type", "0"),
            ("_new", kind.new),
            ("case__num_build", ""),
            ("case__judicial_uidss", ""),
            ("case__entry_date1d", _fmt_date(entry_from)),
            ("case__entry_date2d", _fmt_date(entry_to)),
            ("parts__namess", ""),
            ("parts__law_articless", article or ""),
            ("case__judge", ""),
            ("case__result_date1d", ""),
            ("case__result_date2d", ""),
        ]
        if page > 1:
            params.append(("_page", str(page)))
    return _base(host, scheme) + _join(params)


def card_url(
    host: str,
    dialect: Dialect | str,
    case_id: str,
    case_uid: str | None,
    *,
    instance: Instance | str = Instance.FIRST,
    scheme: str = "http",
) -> str:
    """A case card (`name_op=case`). Prefer the link printed in the listing row when there is
    one; this builds the same shape for when only the ids are known."""
    kind = CASE_KINDS[Instance(instance)]
    if Dialect(dialect) is Dialect.CLASSIC:
        params = [
            ("name_op", "case"),
            ("case_id", case_id),
            ("case_uid", case_uid or ""),
            ("delo_id", kind.delo_id),
            ("new", kind.new),
        ]
    else:
        params = [
            ("name_op", "case"),
            ("_id", case_id),
            ("_uid", case_uid or ""),
            ("_deloId", kind.delo_id),
            ("_caseType", "0"),
            ("_new", kind.new),
        ]
    return _base(host, scheme) + _join(params)


def search_form_url(
    host: str, instance: Instance | str = Instance.FIRST, scheme: str = "http"
) -> str:
    """The search form (`name_op=sf`), used to detect a court's dialect."""
    kind = CASE_KINDS[Instance(instance)]
    return _base(host, scheme) + _join([("name_op", "sf"), ("delo_id", kind.delo_id)])


def parse_query(query: str) -> dict[str, str]:
    """A raw query string → {name: value}, values decoded from windows-1251 (last one wins,
    as PHP does). The sandbox reads requests with this; tests use it to check URLs."""
    out: dict[str, str] = {}
    for pair in query.lstrip("?").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        out[decode_query_value(name)] = decode_query_value(value)
    return out


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """What a listing URL asks for, whichever dialect it was written in."""

    dialect: Dialect
    instance: Instance | None
    entry_from: dt.date | None
    entry_to: dt.date | None
    article: str
    page: int


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def read_listing_query(params: dict[str, str]) -> ListingQuery:
    """Interpret the parameters of a `name_op=r` request in either dialect."""
    if "_deloId" in params or any(k.startswith("case__") for k in params):
        instance = INSTANCE_BY_DELO_ID.get(params.get("_deloId", ""))
        return ListingQuery(
            Dialect.VNKOD,
            instance,
            _parse_date(params.get("case__entry_date1d", "")),
            _parse_date(params.get("case__entry_date2d", "")),
            params.get("parts__law_articless", ""),
            int(params.get("_page", "1") or 1),
        )
    instance = INSTANCE_BY_DELO_ID.get(params.get("delo_id", ""))
    table = params.get("delo_table", "u1_case")
    defendant = table.split("_")[0].upper() + "_DEFENDANT"
    return ListingQuery(
        Dialect.CLASSIC,
        instance,
        _parse_date(params.get(f"{table}__ENTRY_DATE1D", "")),
        _parse_date(params.get(f"{table}__ENTRY_DATE2D", "")),
        params.get(f"{defendant}__LAW_ARTICLESS", ""),
        int(params.get("page", "1") or 1),
    )
