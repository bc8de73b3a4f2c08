"""Replace personal names in parsed output by initials + a short hash, for expected-output
files committed in the project (the real court pages carry real names; DESIGN.md, "Privacy").

Used only by the example tests: both the committed expectation and the fresh parse go through
the same function, so a changed name still changes the hash and fails the comparison.

- Fields that hold a person's name (judges, defendants, parties) are replaced whole.
- Every other string is scanned for name shapes ("Фамилия И.О.", "И.О. Фамилия", "Фамилия
  Имя Отчество") and each is replaced.
- Judicial act texts are replaced by their length and hash: they quote everyone in the room.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from kartoteka.sudrf.values import PERSON_NAME

_UP = "А-ЯЁ"
_LOW = "а-яё"
_PEOPLE = {"defendants", "parties"}  # lists whose items' "name" is a person
_JUDGE_LABEL = re.compile(r"судья|докладчик|председательств", re.IGNORECASE)


def pseudonym(text: str) -> str:
    """ "Тестова Т.Т." → "Т.Т.Т.#3f2a1c": initials of the capitalised words + 6 hex."""
    initials = [w[0] for w in re.findall(rf"[{_UP}A-Z][{_LOW}a-z]*", text)][:4]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return "".join(f"{i}." for i in initials) + "#" + digest


def scrub(text: str) -> str:
    """Every name-shaped substring replaced by its pseudonym."""
    return PERSON_NAME.sub(lambda m: pseudonym(m.group(0)), text)


def summarise_text(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"<{len(text)} chars, {text.count(chr(10)) + 1} lines, sha256 {digest}>"


def pseudonymise(value: Any, key: str | None = None) -> Any:
    """A JSON-ready structure with names replaced (see module docstring)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "text" and isinstance(v, str):  # judicial act text
                out[k] = summarise_text(v)
            elif isinstance(v, str) and (
                (k == "name" and key in _PEOPLE) or k == "judge" or _JUDGE_LABEL.search(k)
            ):
                out[k] = pseudonym(v)
            else:
                out[k] = pseudonymise(v, k)
        return out
    if isinstance(value, list):
        return [pseudonymise(v, key) for v in value]
    if isinstance(value, str):
        return scrub(value)
    return value
