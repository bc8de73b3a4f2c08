"""The cleaned text with extracted values marked, for reviewers and the dashboard:
`[[term_months=42|3 лет 6 месяцев]]`. Mask the result before it leaves the machine."""

from __future__ import annotations

from kartoteka.acts.models import ActReading


def annotate(reading: ActReading, before: str = "[[", after: str = "]]") -> str:
    """Every span of every sentence wrapped as `[[field|text]]` (outer spans first when
    nested spans overlap, overlapping ones skipped)."""
    marks: list[tuple[int, int, str]] = []
    for sentence in reading.sentences:
        for field, (start, end) in sentence.spans.items():
            marks.append((start, end, field))
    marks.sort(key=lambda m: (m[0], -m[1]))
    out: list[str] = []
    at = 0
    for start, end, field in marks:
        if start < at:
            continue
        out.append(reading.text[at:start])
        out.append(f"{before}{field}|{reading.text[start:end]}{after}")
        at = end
    out.append(reading.text[at:])
    return "".join(out)
