"""Lemmas and tags from the Russian morphological analyser (pymorphy3), cached per word.

pymorphy3 is the maintained fork of pymorphy2 with current OpenCorpora dictionaries. The
analyser itself is the one of `kartoteka.russian`, shared with the claim reader; yargy (the
grammar engine, see `terms.py`) is handed it instead of its default pymorphy2 one, so the
whole package sees one dictionary.
"""

from __future__ import annotations

from functools import lru_cache

from kartoteka.russian import analyser

__all__ = ["analyser", "lemmas", "tags"]


@lru_cache(maxsize=50_000)
def lemmas(word: str) -> frozenset[str]:
    """All normal forms pymorphy3 gives a word ("пяти" → {"пять"}), lower case."""
    return frozenset(p.normal_form for p in analyser().parse(word.lower()))


@lru_cache(maxsize=50_000)
def tags(word: str) -> frozenset[str]:
    """Grammemes of all of a word's parses with a score above a tenth (e.g. "Surn", "Name")."""
    out: set[str] = set()
    for parse in analyser().parse(word):
        if parse.score >= 0.1:
            out.update(str(parse.tag).replace(" ", ",").split(","))
    return frozenset(out)
