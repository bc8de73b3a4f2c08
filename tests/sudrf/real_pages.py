"""The real court pages of ../shared/fixtures/sudrf for the tests that compare a fast path
with its plain definition. The pages are never copied into the project: a test that needs
them skips, saying why, where ../shared is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kartoteka.sudrf.encoding import decode_page

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"


def page_paths() -> list[Path]:
    """The saved pages, sorted; skips the calling test when there are none."""
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} is absent: the real pages live in ../shared")
    paths = sorted(FIXTURES.glob("*.html"))
    if not paths:
        pytest.skip(f"no pages in {FIXTURES}")
    return paths


def real_pages() -> Iterator[tuple[str, str]]:
    """(name, decoded text) of every real page."""
    for path in page_paths():
        yield path.name, decode_page(path.read_bytes())


def other_mode(text: str) -> str:
    """The page in the other mode: its doctype taken away (quirks mode, where lexbor matches
    ids and classes case-insensitively), or one put in (standards mode)."""
    if text.lstrip()[:9].lower() == "<!doctype":
        return text.lstrip().split(">", 1)[1]
    return "<!DOCTYPE html>" + text


def real_pages_in_both_modes() -> Iterator[tuple[str, str]]:
    """`real_pages`, each page also in the other mode."""
    for name, text in real_pages():
        yield name, text
        yield name + " (other mode)", other_mode(text)
