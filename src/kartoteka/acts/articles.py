"""Articles of conviction as the operative part prints them, every word order the courts use:
"п. «а» ч. 2 ст. 163, ч. 1 ст. 161 УК РФ", "ст. ст. 162 ч. 2, 161 ч. 2 п.п. «а,г» УК РФ",
"ч. 5 ст. 337 УК РФ", "ст. 337 ч. 2.1", "пунктом «б» части 2 статьи 338".

The list of references is split at commas and "и" outside quotes; each piece holds one
article number and the part and point that go with it, in any order. A bare number after
"ст. ст." is an article. ст. 30 (preparation, attempt) qualifies the article it comes with and
is not an article of conviction by itself, so it is left out. Points are kept as printed,
blanks dropped: «а,г» → "а,г".
"""

from __future__ import annotations

import dataclasses
import re

_POINT = re.compile(
    r"(?:п\.?\s*п\.|пп\.|п\.|пункт(?:а|ом|ами|ов|ы)?)\s*"
    r"(?:[«\"'“„]\s*(?P<q>[а-я](?:\s*[,и]\s*[«\"'“„]?\s*[а-я])*)\s*[»\"'”“]|(?P<b>[а-я])(?![а-я]))",
    re.IGNORECASE,
)
_PART = re.compile(r"(?:ч\.|част(?:ь|и|ью|ей|ям|ями))\s*(?P<n>\d+(?:\.\d+)?)", re.IGNORECASE)
_ARTICLE = re.compile(
    r"(?:ст\.\s*(?:ст\.\s*)?|стат(?:ья|ьи|ьей|ей|ьям|ьями|ью)\s+)(?P<n>\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\d.])(?P<n>\d+(?:\.\d+)?)(?![\d.])")
_SEPARATOR = re.compile(r",|;|\s+и\s+")
_QUOTED = re.compile(r"[«\"“„][^»\"”“]*[»\"”“]")


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleRef:
    """One article of the Criminal Code with its part and point, and where it is printed."""

    article: str
    part: str | None
    point: str | None
    start: int
    end: int

    def key(self) -> tuple[str, str | None, str | None]:
        return (self.article, self.part, self.point)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the comma/"и"-separated pieces, separators inside quotes ignored."""
    masked = _QUOTED.sub(lambda m: "x" * len(m.group(0)), text)
    spans, start = [], 0
    for sep in _SEPARATOR.finditer(masked):
        spans.append((start, sep.start()))
        start = sep.end()
    spans.append((start, len(text)))
    return spans


def _point(match: re.Match[str]) -> str:
    raw = match.group("q") or match.group("b") or ""
    letters = re.findall(r"[а-яё]", raw.lower().replace(" и ", ","))
    return ",".join(letters)


def parse_articles(text: str, offset: int = 0) -> list[ArticleRef]:
    """Article references in a stretch of text ("предусмотренного ... УК РФ"), in order,
    repeats dropped (a defendant convicted twice under one article is one article)."""
    refs: list[ArticleRef] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for start, end in _pieces(text):
        piece = text[start:end]
        used = [False] * len(piece)
        point = part = article = None
        for m in _POINT.finditer(piece):
            point = _point(m)
            used[m.start() : m.end()] = [True] * (m.end() - m.start())
            break
        for m in _PART.finditer(piece):
            if not any(used[m.start() : m.end()]):
                part = m.group("n")
                used[m.start() : m.end()] = [True] * (m.end() - m.start())
                break
        m_art = _ARTICLE.search(piece)
        if m_art is not None:
            article = m_art.group("n")
        else:
            for m in _NUMBER.finditer(piece):
                if not any(used[m.start() : m.end()]):
                    article = m.group("n")
                    break
        if article is None or article == "30":
            continue
        ref = ArticleRef(article, part, point or None, offset + start, offset + end)
        if ref.key() not in seen:
            seen.add(ref.key())
            refs.append(ref)
    return refs
