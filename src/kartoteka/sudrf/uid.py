"""The case UID ("Уникальный идентификатор дела", e.g. `27GV0008-01-2019-000081-20`) and its
check (DOMAIN.md §1): strip non-alphanumerics, read digits as themselves and Latin letters as
two-digit numbers (A=10 … Z=35), and the whole number mod 97 must equal 1 — the court sites'
own search form validates it this way. Parsers flag a damaged UID; the sandbox generates valid
ones with `make_uid`.
"""

from __future__ import annotations

import re

_UID_SHAPE = re.compile(r"^[0-9A-Z]{8}-\d{2}-\d{4}-\d{6}-\d{2}$")
# Cyrillic letters that look like Latin ones and slip into typed UIDs.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")


def _as_number(text: str) -> int | None:
    digits: list[str] = []
    for ch in text.upper():
        if ch.isdigit() and ch.isascii():
            digits.append(ch)
        elif "A" <= ch <= "Z":
            digits.append(str(ord(ch) - ord("A") + 10))
        elif ch.isalnum():
            return None  # a letter outside A–Z cannot be part of a UID
    return int("".join(digits)) if digits else None


_UID_IN_TEXT = re.compile(r"[0-9A-ZА-Я]{8}\s*-\s*\d{2}\s*-\s*\d{4}\s*-\s*\d{6}\s*-\s*\d{2}")


def normalise_uid(text: str | None) -> str | None:
    """A UID as printed → upper case, Cyrillic look-alike letters replaced by Latin ones,
    blanks removed. When the value carries more than the UID (a note, a second UID), the
    first UID-shaped part is taken; a value with none is kept whole (and fails the check)."""
    if not text:
        return None
    upper = text.upper().translate(_LOOKALIKES)
    match = _UID_IN_TEXT.search(upper)
    value = "".join((match.group(0) if match else upper).split())
    return value or None


def is_valid_uid(text: str | None) -> bool:
    """Whether a UID passes the mod-97 check (and has the printed shape)."""
    value = normalise_uid(text)
    if not value or not _UID_SHAPE.match(value):
        return False
    number = _as_number(value)
    return number is not None and number % 97 == 1


def make_uid(court_code: str, block: int, year: int, serial: int) -> str:
    """A UID with valid check digits, e.g. `make_uid("27GV0008", 1, 2019, 81)`."""
    body = f"{court_code.upper()}-{block:02d}-{year:04d}-{serial:06d}"
    number = _as_number(body)
    if number is None or not re.fullmatch(r"[0-9A-Z]{8}", court_code.upper()):
        raise ValueError(f"not a court code: {court_code!r}")
    check = (1 - number * 100) % 97
    return f"{body}-{check:02d}"
