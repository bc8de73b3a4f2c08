"""What the store keeps of a person's name (DESIGN.md "Privacy").

Defendants are soldiers facing years in prison. By default the store keeps no full name: the
initials, and an HMAC-SHA256 of the normalised name under a per-installation secret, so that
one person can be linked across cases in this installation but the hash cannot be reversed
by guessing names without the secret (a plain hash could be). Full names are kept only when
the operator opts in (`--keep-names`, or `keep_names = true` under `[store]` in
`<data dir>/config.toml`). A hidden name ("Информация скрыта") stays hidden: no initials,
no hash.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tomllib
from dataclasses import dataclass

from kartoteka.paths import DataDir

SECRET_BYTES = 32
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

# Shapes of a Russian personal name in free text: "Иванов И.И.", "ИВАНОВ И. И.",
# "Иванов Иван Иванович". Used on fields that may name someone the page does not list as a
# party (e.g. the complainant in a cassation card's complaint block).
_SURNAME = r"[А-ЯЁ][а-яёА-ЯЁ]+(?:-[А-ЯЁ][а-яёА-ЯЁ]+)?"
_NAME_SHAPES = (
    re.compile(rf"(?<![\w.])({_SURNAME})\s+([А-ЯЁ])\.\s*([А-ЯЁ])\.?"),
    re.compile(
        rf"(?<![\w.])({_SURNAME})\s+([А-ЯЁ][а-яё]+)\s+"
        r"([А-ЯЁ][а-яё]+(?:вич|вна|чна|ична|инична|ьич|ич))(?!\w)"
    ),
)


def normalise_name(name: str) -> str:
    """Case-folded words, ё → е, punctuation and spacing dropped: "ИВАНОВ  Иван-Пётр" and
    "Иванов Иван-Петр" normalise alike."""
    words = _WORD.findall(name.casefold().replace("ё", "е"))
    return " ".join(words)


def initials(name: str) -> str | None:
    """ "Иванов Иван Иванович" and "Иванов И.И." → "И.И.И." (None when no letters)."""
    words = _WORD.findall(name)
    return "".join(w[0].upper() + "." for w in words) or None


def redact_name_shapes(text: str | None) -> str | None:
    """`text` with anything shaped like a personal name replaced by its initials."""
    if not text:
        return text
    for shape in _NAME_SHAPES:
        text = shape.sub(lambda m: "".join(g[0].upper() + "." for g in m.groups()), text)
    return text


def load_or_create_secret(data_dir: DataDir) -> bytes:
    """The installation's secret key, created (0600) on first use. Losing it breaks the
    linking of names hashed before; it never leaves the data directory."""
    path = data_dir.secret
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    data_dir.ensure()
    key = secrets.token_bytes(SECRET_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def keep_names_configured(data_dir: DataDir) -> bool:
    """The `[store] keep_names` opt-in of `<data dir>/config.toml` (False when absent)."""
    path = data_dir.root / "config.toml"
    if not path.exists():
        return False
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    return bool(config.get("store", {}).get("keep_names", False))


@dataclass(frozen=True, slots=True)
class StoredName:
    initials: str | None
    name_hash: str | None
    name: str | None  # only with the opt-in
    hidden: bool


@dataclass(frozen=True, slots=True)
class NamePolicy:
    """How names are written to the store: always initials + keyed hash; the full name only
    when `keep_names`."""

    secret: bytes
    keep_names: bool = False

    def name_hash(self, name: str) -> str:
        digest = hmac.new(self.secret, normalise_name(name).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def store(self, name: str | None, hidden: bool = False) -> StoredName:
        if hidden or not name or not normalise_name(name):
            return StoredName(None, None, None, hidden)
        return StoredName(
            initials(name), self.name_hash(name), name if self.keep_names else None, False
        )

    def scrub(self, text: str | None, names: list[str]) -> str | None:
        """`text` with every occurrence of the given names (and their surnames), and anything
        else shaped like a personal name, replaced by initials, unless names are kept. For
        free-text fields that may name people (a listing's "Информация по делу", a card's
        complaint block)."""
        if text is None or self.keep_names:
            return text
        folded = text.casefold()
        for name in sorted(names, key=len, reverse=True):
            words = _WORD.findall(name)
            replacement = initials(name) or ""
            patterns = []
            if name.strip().casefold() in folded:
                patterns.append(re.escape(name.strip()))
            if words and len(words[0]) >= 3 and words[0].casefold() in folded:
                patterns.append(r"(?<!\w)" + re.escape(words[0]) + r"(?!\w)")
            for pattern in patterns:  # only names that occur: compiling patterns is costly
                text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
            folded = text.casefold()
        return redact_name_shapes(text)
