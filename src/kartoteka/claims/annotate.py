"""The text with its claims marked, as HTML (escaped; the marks are the only markup), for the
dashboard's check page and anywhere else a text is shown with its claims."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def annotate(
    text: str,
    spans: Sequence[tuple[int, int, str, str]],
) -> str:
    """`text` with each (start, end, css class, title) span wrapped in `<mark>`; overlapping
    spans after the first are left out, line breaks become `<br>`."""
    out = []
    pos = 0
    for n, (start, end, css, title) in enumerate(sorted(spans)):
        if start < pos or end <= start:
            continue
        out.append(escape(text[pos:start]))
        out.append(
            f'<mark class="{escape(css)}" data-claim="{n}" title="{escape(title)}">'
            f"{escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")
