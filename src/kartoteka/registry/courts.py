"""The court registry: which military courts exist, where their sites are, how they are asked.

The package bundles no court list (courts are created and renamed; the registry must be
refreshable). Users import one of two public formats:

- the CSV of `military_courts.csv` (code, name, level, host, region_code, region,
  search_dialect, captcha_seen);
- the public sudrf directory JSON (`sudrf_websites.json`: {region_code: [{court_id,
  court_name, court_website, srv}]}), from which the military courts are selected by code.

Reading is pure (no store access): `kartoteka courts import` writes the result to the store.
A newer list is *merged* into the one already known (`merge_registry`): courts are renamed,
moved to a new host (the old host is kept), given a new dialect hint, added, or marked
inactive when they disappear; nothing a court already has (cases, harvest state) is deleted.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from kartoteka.errors import KartotekaError
from kartoteka.sudrf.urls import Dialect


class CourtLevel(StrEnum):
    GARRISON = "garrison"
    DISTRICT = "district"
    FLEET = "fleet"
    APPELLATE = "appellate"
    CASSATION = "cassation"


# vnkod: CC + two letters + four digits. GV garrison, OV district/fleet, AV appellate,
# KV cassation (DOMAIN.md §1).
MILITARY_CODE = re.compile(r"^\d{2}(GV|OV|AV|KV)\d{4}$")
_LEVEL_BY_LETTERS = {
    "GV": CourtLevel.GARRISON,
    "OV": CourtLevel.DISTRICT,
    "AV": CourtLevel.APPELLATE,
    "KV": CourtLevel.CASSATION,
}


class RegistryError(KartotekaError):
    """A court list that cannot be read (unknown format, missing columns, bad values)."""


@dataclass(frozen=True, slots=True)
class Court:
    code: str
    name: str
    level: CourtLevel
    host: str
    region_code: str | None = None
    region: str | None = None
    dialect: Dialect | None = None  # None: unknown, detect on first contact and remember
    captcha_seen: bool | None = None
    # False once a newer registry no longer lists the court: kept (its cases and state stay),
    # not harvested unless asked for by code.
    active: bool = True
    previous_hosts: tuple[str, ...] = ()  # hosts the court had before, oldest first

    @property
    def superior_region(self) -> str:
        """For garrison courts the two leading digits name the superior court's region."""
        return self.code[:2]


def is_military_code(code: str) -> bool:
    return bool(MILITARY_CODE.match(code.strip().upper()))


def level_from_code(code: str, name: str = "") -> CourtLevel:
    """The level a military court code implies; OV courts are fleet courts by name."""
    letters = code.strip().upper()[2:4]
    level = _LEVEL_BY_LETTERS.get(letters)
    if level is None:
        raise RegistryError(f"not a military court code: {code!r}")
    if level is CourtLevel.DISTRICT and "флот" in name.lower():
        return CourtLevel.FLEET
    return level


def _yes_no(value: str | None) -> bool | None:
    value = (value or "").strip().lower()
    truth = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
    return truth.get(value)


def _host(value: str) -> str:
    value = value.strip()
    return (urlsplit(value).hostname or "") if "//" in value else value.strip("/").lower()


# The columns of the registry CSV (military_courts.csv), in its order; only the first three
# are required when reading.
CSV_COLUMNS = (
    "code",
    "name",
    "level",
    "host",
    "region_code",
    "region",
    "search_dialect",
    "captcha_seen",
)
REQUIRED_CSV_COLUMNS = ("code", "name", "host")


def read_courts_csv(path: str | Path) -> list[Court]:
    """Courts from a CSV in the `military_courts.csv` format (extra columns are ignored)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegistryError(f"{path}: missing columns {', '.join(missing)}")
        courts = []
        for lineno, row in enumerate(reader, start=2):
            code = row["code"].strip().upper()
            if not code:
                continue
            try:
                level = (
                    CourtLevel(row["level"].strip())
                    if row.get("level")
                    else level_from_code(code, row["name"])
                )
                dialect = (
                    Dialect(row["search_dialect"].strip())
                    if (row.get("search_dialect") or "").strip()
                    else None
                )
            except ValueError as exc:
                raise RegistryError(f"{path}:{lineno}: {exc}") from exc
            courts.append(
                Court(
                    code=code,
                    name=row["name"].strip(),
                    level=level,
                    host=_host(row["host"]),
                    region_code=(row.get("region_code") or "").strip() or None,
                    region=(row.get("region") or "").strip() or None,
                    dialect=dialect,
                    captcha_seen=_yes_no(row.get("captcha_seen")),
                )
            )
    return courts


def read_directory_json(
    path: str | Path, region_names: dict[str, str] | None = None, military_only: bool = True
) -> list[Court]:
    """Military courts from the public sudrf directory JSON, selected by their code.

    The directory does not say which query dialect a court speaks or whether it asks for a
    captcha: those stay unknown (None) and are learned on first contact.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"{path}: not a readable directory JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: expected an object keyed by region code")
    courts = []
    for region_code, entries in data.items():
        for entry in entries or []:
            code = str(entry.get("court_id", "")).strip().upper()
            if military_only and not is_military_code(code):
                continue
            name = str(entry.get("court_name", "")).strip()
            courts.append(
                Court(
                    code=code,
                    name=name,
                    level=level_from_code(code, name),
                    host=_host(str(entry.get("court_website", ""))),
                    region_code=str(region_code),
                    region=(region_names or {}).get(str(region_code)),
                )
            )
    return courts


def read_courts(path: str | Path) -> list[Court]:
    """Either format, told apart by the file's content (JSON object or CSV header)."""
    text_start = Path(path).read_bytes()[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if text_start.startswith(b"{"):
        return read_directory_json(path)
    return read_courts_csv(path)


def select_courts(
    courts: Iterable[Court],
    codes: Iterable[str] | None = None,
    level: CourtLevel | str | None = None,
) -> list[Court]:
    """Filter by explicit codes and/or level, keeping the registry's order.

    Inactive courts (gone from the newest registry) are left out unless named by code: a
    court that no longer exists is not asked every night, but its history can be refreshed
    on purpose.
    """
    wanted = {c.strip().upper() for c in codes} if codes else None
    lvl = CourtLevel(level) if level else None
    return [
        c
        for c in courts
        if (wanted is None or c.code in wanted)
        and (lvl is None or c.level is lvl)
        and (c.active or wanted is not None)
    ]


def with_dialect(court: Court, dialect: Dialect) -> Court:
    return replace(court, dialect=dialect)


class ChangeKind(StrEnum):
    """What a registry import changed about one court (printed, and kept in the store)."""

    ADDED = "added"
    RENAMED = "renamed"
    MOVED_HOST = "moved host"
    DIALECT_HINT = "dialect hint changed"
    INACTIVE = "gone inactive"
    REACTIVATED = "active again"


@dataclass(frozen=True, slots=True)
class RegistryChange:
    code: str
    kind: ChangeKind
    old: str | None = None
    new: str | None = None

    def describe(self) -> str:
        if self.kind in (ChangeKind.ADDED, ChangeKind.INACTIVE, ChangeKind.REACTIVATED):
            return f"{self.code}: {self.kind.value} ({self.new or self.old})"
        return f"{self.code}: {self.kind.value}: {self.old or '?'} → {self.new or '?'}"


@dataclass(frozen=True, slots=True)
class RegistryMerge:
    """The registry after an import, and what the import changed (in registry order)."""

    courts: list[Court]
    changes: list[RegistryChange]

    def counts(self) -> dict[ChangeKind, int]:
        out = dict.fromkeys(ChangeKind, 0)
        for change in self.changes:
            out[change.kind] += 1
        return out


def _merge_one(old: Court, new: Court) -> tuple[Court, list[RegistryChange]]:
    """A court in both lists: the newer list wins where it says something; where it is silent
    (the directory JSON has no dialect, no captcha flag, maybe no region), the known value
    stays, because silence is not evidence."""
    changes = []
    if new.name and new.name != old.name:
        changes.append(RegistryChange(old.code, ChangeKind.RENAMED, old.name, new.name))
    hosts = old.previous_hosts
    host = old.host
    if new.host and new.host != old.host:
        changes.append(RegistryChange(old.code, ChangeKind.MOVED_HOST, old.host, new.host))
        hosts = tuple(h for h in (*old.previous_hosts, old.host) if h != new.host)
        host = new.host
    dialect = old.dialect
    if new.dialect is not None and new.dialect != old.dialect:
        changes.append(
            RegistryChange(
                old.code,
                ChangeKind.DIALECT_HINT,
                old.dialect.value if old.dialect else None,
                new.dialect.value,
            )
        )
        dialect = new.dialect
    if not old.active:
        changes.append(RegistryChange(old.code, ChangeKind.REACTIVATED, None, new.name or old.name))
    merged = replace(
        old,
        name=new.name or old.name,
        level=new.level,
        host=host,
        region_code=new.region_code or old.region_code,
        region=new.region or old.region,
        dialect=dialect,
        captcha_seen=new.captcha_seen if new.captcha_seen is not None else old.captcha_seen,
        active=True,
        previous_hosts=hosts,
    )
    return merged, changes


def merge_registry(
    known: Iterable[Court], incoming: Iterable[Court], *, deactivate_missing: bool = True
) -> RegistryMerge:
    """Merge a newer court list into the known one. Pure.

    Known courts keep their order; new courts follow in the order of the new list. A known
    court missing from the new list is marked inactive (never dropped: its cases and harvest
    state refer to it) unless `deactivate_missing` is False (a partial list, e.g. a few
    courts imported by hand). Raises RegistryError when the new list names a court twice.
    """
    incoming = list(incoming)
    by_code: dict[str, Court] = {}
    for court in incoming:
        if court.code in by_code:
            raise RegistryError(f"court {court.code} is listed twice in the new registry")
        by_code[court.code] = court
    courts: list[Court] = []
    changes: list[RegistryChange] = []
    seen = set()
    for old in known:
        seen.add(old.code)
        new = by_code.get(old.code)
        if new is None:
            if old.active and deactivate_missing:
                changes.append(RegistryChange(old.code, ChangeKind.INACTIVE, old.name, None))
                courts.append(replace(old, active=False))
            else:
                courts.append(old)
            continue
        merged, court_changes = _merge_one(old, new)
        courts.append(merged)
        changes.extend(court_changes)
    for new in incoming:
        if new.code not in seen:
            courts.append(replace(new, active=True))
            changes.append(RegistryChange(new.code, ChangeKind.ADDED, None, new.name))
    return RegistryMerge(courts, changes)
