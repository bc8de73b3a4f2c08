"""The court registry: which military courts exist, where their sites are, how they are asked.

The package bundles no court list (courts are created and renamed; the registry must be
refreshable). Users import one of two public formats:

- the CSV of `military_courts.csv` (code, name, level, host, region_code, region,
  search_dialect, captcha_seen);
- the public sudrf directory JSON (`sudrf_websites.json`: {region_code: [{court_id,
  court_name, court_website, srv}]}), from which the military courts are selected by code.

Reading is pure (no store access): `kartoteka courts import` writes the result to the store.
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
    """Filter by explicit codes and/or level, keeping the registry's order."""
    wanted = {c.strip().upper() for c in codes} if codes else None
    lvl = CourtLevel(level) if level else None
    return [
        c
        for c in courts
        if (wanted is None or c.code in wanted) and (lvl is None or c.level is lvl)
    ]


def with_dialect(court: Court, dialect: Dialect) -> Court:
    return replace(court, dialect=dialect)
