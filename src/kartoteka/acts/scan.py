"""Regex matches tried only where they can start.

A pattern that opens with a look-behind or a word boundary keeps the regex engine from
skipping ahead: `finditer` tries a match at every character. Where a cheaper pattern (one
that opens with a literal or a character set, which the engine skips to in C) finds every
place a match can start, trying the costly pattern only there gives the same matches at a
fraction of the cost. The act reader does this for
spaced-out words (`clean.clean_text`), with a test against the plain `sub`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def matches_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], end: int | None = None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text, 0, end)` for a pattern no match of which starts anywhere but
    at `starts` (ascending): the same matches, leftmost first, none overlapping the one
    before. Look-behinds and `\\b` still see the characters before a start."""
    stop = len(text) if end is None else end
    resume = 0
    for at in starts:
        if at < resume:
            continue  # inside the match found before
        match = pattern.match(text, at, stop)
        if match is not None:
            yield match
            resume = match.end()
