"""Counting the fixture's cases directly from what it put into the archive, so that the web
layer's figures are checked against an independent count, not against the stats module."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from webstore import COURTS, TruthCase

DISTRICT_OF = {c.code: ("27OV0000" if c.code.startswith("27") else None) for c in COURTS}
REGION_OF = {c.code: c.region for c in COURTS}


def seen_by(cases: list[TruthCase], as_of: dt.date | None) -> list[TruthCase]:
    return [c for c in cases if as_of is None or c.first_seen <= as_of]


def by_month(cases: list[TruthCase]) -> dict[str, int]:
    return dict(Counter(c.entry_date.strftime("%Y-%m") for c in cases))


def by_court(cases: list[TruthCase]) -> dict[str, int]:
    return dict(Counter(c.court for c in cases))


def in_year(cases: list[TruthCase], year: int) -> int:
    return sum(1 for c in cases if c.entry_date.year == year)
