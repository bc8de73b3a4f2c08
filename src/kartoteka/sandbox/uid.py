"""Case UIDs ("Уникальный идентификатор дела") with a valid mod-97 check (DOMAIN.md §1).

A UID such as `27GV0008-01-2019-000081-20` is court code, block, year, serial and two check
digits. Stripped of separators, with digits read as themselves and Latin letters as two-digit
numbers (A=10 … Z=35), the whole number mod 97 equals 1. The sandbox generates only UIDs that
pass, so that parsers which flag damaged UIDs see none on sandbox pages.
"""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_LETTERS = {ord(c): str(ord(c) - ord("A") + 10) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _digits(text: str) -> str:
    """Alphanumerics as digits: digits stay, A=10 … Z=35, everything else is dropped."""
    return _NOT_ALNUM.sub("", text.upper()).translate(_LETTERS)


def uid_is_valid(uid: str) -> bool:
    """True when the UID's alphanumerics, read as a number, are 1 mod 97."""
    digits = _digits(uid)
    return bool(digits) and int(digits) % 97 == 1


def make_uid(court_code: str, year: int, serial: int, block: str = "01") -> str:
    """A UID for a case received at `court_code` in `year`, with the check digits that make
    it valid."""
    stem = f"{court_code}-{block}-{year:04d}-{serial:06d}-"
    check = (1 - int(_digits(stem)) * 100) % 97
    return f"{stem}{check:02d}"
