"""Step one of reading a judicial act: plain text in, clean paragraphs out (no I/O).

Act texts reach us as Word documents converted to HTML (see `kartoteka.sudrf.act`, which
turns the markup into lines) or as plain text. Either way they carry the marks of Word and of
the court sites' converters, which defeat any pattern written for the words themselves:

- `&nbsp;` and other Unicode blanks, soft hyphens, zero-width characters, runs of spaces;
- headings typed with a space after every letter ("П Р И Г О В О Р И Л:"), words of such a
  heading separated by two spaces or none ("И М Е Н Е МР О С С И Й С К О Й");
- blank lines between paragraphs.

`clean_text` removes them and returns one paragraph per line. Every span that the extractor
reports is an offset into this cleaned text, so cleaning is done once, before extraction
(eyecite keeps the same order: clean, then extract, then annotate).
"""

from __future__ import annotations

import re

from kartoteka.acts.scan import matches_at

_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
# A run of at least three one-letter words separated by blanks: a spaced-out word. Letters of
# one word are one blank apart; two or more blanks separate the words of a spaced heading.
_SPACED = re.compile(r"\b[^\W\d_]\b(?:[ \t]+[^\W\d_]\b){2,}")
# The cheap pre-check: three one-letter words in a row, the first at a line start or after a
# blank, the last not followed by a word character. Written as "a blank or line break, then
# the letters" (plus the same at the very start), not as `(?:^|[ \t])...`: a pattern that
# opens with a character set lets the regex engine skip ahead to the next blank in C, twice
# as fast on a 20,000-character act, and it finds exactly the same texts.
_SPACED_LETTERS = r"[^\W\d_][ \t]+[^\W\d_][ \t]+[^\W\d_](?!\w)"
_MAYBE_SPACED_AT_START = re.compile(_SPACED_LETTERS)
_MAYBE_SPACED_INSIDE = re.compile(r"[ \t\n]" + _SPACED_LETTERS)
# The same on collapsed lines (one space between words, no tabs): the blanks are single
# spaces, and patterns that open with one literal character are searched faster still.
_COLLAPSED_LETTERS = r"[^\W\d_] [^\W\d_] [^\W\d_](?!\w)"
_COLLAPSED_AT_START = re.compile(_COLLAPSED_LETTERS)
_COLLAPSED_AFTER_SPACE = re.compile(" " + _COLLAPSED_LETTERS)
_COLLAPSED_AT_LINE_START = re.compile("\n" + _COLLAPSED_LETTERS)
# What every spaced-out word on a collapsed line holds: its second and third letters.
_COLLAPSED_PAIR = re.compile(r" [^\W\d_] [^\W\d_](?!\w)")
# Where a pair starts, overlapping pairs included (only the space is consumed). The look-ahead
# for the second space comes first: most spaces are followed by a word of two letters or
# more, and it rules them out before the costlier test for a letter.
_PAIR_AHEAD = re.compile(r" (?=. )(?=[^\W\d_] [^\W\d_](?!\w))")
_WORD_GAP = re.compile(r"[ \t]{2,}")


def _join_spaced(match: re.Match[str]) -> str:
    run = match.group(0)
    letters = sum(ch.isalpha() for ch in run)
    # "в с и" in prose is rare but possible: only capital runs, or long lower-case runs, are
    # taken as spaced-out words.
    if not (run.isupper() or letters >= 5):
        return run
    return " ".join(part.replace(" ", "").replace("\t", "") for part in _WORD_GAP.split(run))


def _may_have_spaced_words(text: str) -> bool:
    return (
        _MAYBE_SPACED_AT_START.match(text) is not None
        or _MAYBE_SPACED_INSIDE.search(text) is not None
    )


def _may_have_spaced_words_collapsed(text: str) -> bool:
    return (
        _COLLAPSED_AT_START.match(text) is not None
        or _COLLAPSED_AT_LINE_START.search(text) is not None
        or _COLLAPSED_AFTER_SPACE.search(text) is not None
    )


def _join_spaced_words(text: str, collapsed: bool = False) -> str:
    if collapsed:
        return _join_spaced_collapsed(text)
    return _SPACED.sub(_join_spaced, text) if _may_have_spaced_words(text) else text


def _join_spaced_collapsed(text: str) -> str:
    """`_SPACED.sub` on collapsed lines when `_may_have_spaced_words_collapsed(text)`, else
    the text as it is, from one search of the text for `_COLLAPSED_PAIR`s.

    Every hit of the pre-check ("L L L" after a space, a line break or the start) holds a
    pair, after the space before its second letter; so the pre-check is asked only where
    such a pair is. Every spaced-out word starts one character before a pair (on a collapsed
    line the letters are one space apart), so `_SPACED` is tried only there. Before, the
    pre-check, the search for lines with a pair and `_SPACED` (which the regex engine tries
    at every character) each went through the text."""
    if not _has_spaced_letters(text):
        return text
    return _join_spaced_from(text, [at - 1 for at in _pair_starts(text)])


def _has_spaced_letters(text: str) -> bool:
    """Whether a pre-check hit starts anywhere (`_spaced_letters_at(text, at)` for some `at`),
    without trying a regex at every space (`_pair_starts` cost nine tenths of cleaning an
    act, most of it on acts with no spaced-out word).

    A hit at `at > 0` has a blank or line break at `at - 1` and spaces at `at + 1` and
    `at + 3`: three characters two apart, so in the half of the text at the parity of
    `at - 1` (`text[parity::2]`, sliced in C) they stand side by side as "   " or "\n  ".
    `str.find` looks for those (a few in an act: "№ 1 г", "и в с"), and each is checked
    exactly; the hit at the very start is matched on its own. Every such hit is followed by
    a pair at `at + 1`, so this is `any(_spaced_letters_at(text, p - 1) for p in pairs)`."""
    if _COLLAPSED_AT_START.match(text) is not None:
        return True
    for parity in (0, 1):
        half = text[parity::2]
        for blanks in ("   ", "\n  "):
            j = half.find(blanks)
            while j >= 0:
                if _spaced_letters_at(text, 2 * j + parity + 1):
                    return True
                j = half.find(blanks, j + 1)
    return False


def _join_spaced_lines(text: str) -> str:
    """`_SPACED.sub` on collapsed lines, tried only where a spaced-out word can start."""
    return _join_spaced_from(text, [at - 1 for at in _pair_starts(text)])


def _pair_starts(text: str) -> list[int]:
    """Where each `_COLLAPSED_PAIR` starts, overlapping ones included (only the space is
    consumed: in "а б в г" the pairs at the first and at the second space)."""
    return [hit.start() for hit in _PAIR_AHEAD.finditer(text)]


def _spaced_letters_at(text: str, at: int) -> bool:
    """Whether a pre-check hit ("L L L", `_COLLAPSED_LETTERS`) starts at `at`: at the start
    or after a space or line break (the pre-check's three patterns)."""
    if at < 0 or (at > 0 and text[at - 1] not in " \n"):
        return False
    return _COLLAPSED_AT_START.match(text, at) is not None


def _join_spaced_from(text: str, starts: list[int]) -> str:
    """`_SPACED.sub(_join_spaced, text)` for a text where no match of `_SPACED` starts
    anywhere but at `starts` (ascending): the same matches, leftmost first and none
    overlapping the one before, tried only there (`\\b` sees the character before)."""
    pieces: list[str] = []
    done = 0
    for match in matches_at(_SPACED, text, starts):
        pieces.append(text[done : match.start()])
        pieces.append(_join_spaced(match))
        done = match.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _has_invisible(text: str) -> bool:
    return any(ch in text for ch in _INVISIBLE_CHARS)


def _normalise(text: str) -> str:
    """Invisible characters dropped, spaced-out words joined, blanks collapsed within each
    line (`str.split` knows every Unicode blank, `&nbsp;` included, and beats a regex)."""
    if _has_invisible(text):  # rare: skip the slow translate
        text = text.translate(_INVISIBLE)
    text = _join_spaced_words(text)
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def clean_line(line: str) -> str:
    """One paragraph: invisible characters dropped, spaced-out words joined, blanks collapsed."""
    return _normalise(line).strip()


def clean_text(text: str, *, collapsed: bool = False) -> str:
    """The act as clean paragraphs, one per line, blank lines dropped.

    `collapsed=True` says the lines are collapsed already (no blank lines, no blank at either
    end of a line, single spaces between words: what `sudrf.html.node_text` returns). Joining
    spaced-out letters keeps a line collapsed, so only that step is done then, unless the
    text has invisible characters, whose removal can leave blanks side by side again. Same
    result as without the flag, without splitting every line twice (a fifth of reading a
    card with an act)."""
    if collapsed and not _has_invisible(text):
        return _join_spaced_words(text, collapsed=True)
    text = _normalise(text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line for line in text.split("\n") if line)
