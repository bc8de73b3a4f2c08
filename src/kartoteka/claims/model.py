"""The typed results of claim reading: what a sentence claims, as a metric query.

`Claim.to_json()` is the per-claim part of the `POST /api/v1/check` contract (issue 12); the
checker adds `found`, `found_today`, `verdict` and `cases_url`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Quantity = Literal[
    "cases",
    "defendants",
    "verdicts",
    "convicted",
    "appeals",
    "sentences",  # sentenced defendants read from the published verdicts (by punishment …)
    "share_suspended",  # suspended sentences / all sentences read
    "share_sentences",  # sentences of one punishment, regime or service / all sentences read
    "sentence_term",  # the median real term of imprisonment, in months
]
SENTENCE_QUANTITIES = frozenset(
    {"sentences", "share_suspended", "share_sentences", "sentence_term"}
)
Statistic = Literal["median", "mean"]
Comparator = Literal["eq", "gt", "ge", "lt", "le", "about"]
Per = Literal["day", "week", "month"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a claim: what is counted, over which cases and which period."""

    quantity: Quantity
    articles: tuple[str, ...] | None = None  # sorted article numbers, None: all cases
    parts: tuple[str, ...] | None = None  # article.part keys ("337.5"), None: any part
    mobilisation_parts: bool = False  # only the parts 365-ФЗ added
    from_: dt.date | None = None  # inclusive; None: open
    to: dt.date | None = None  # inclusive; None: up to the as-of date
    per: Per | None = None  # a rate: per day, week or month
    court: str | None = None  # court code from the registry
    region: str | None = None  # region name as in the registry
    unresolved: str | None = None  # why this side cannot be checked (a court not in the registry)
    # sentences only: which of them (None: any)
    punishment: str | None = None  # as in sentences_by_punishment: imprisonment, fine, …
    regime: str | None = None  # settlement | general | strict | special (real terms)
    service: str | None = None  # mobilised | contract | conscript
    statistic: Statistic | None = None  # sentence_term: the median or the mean the text says

    def to_json(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "articles": list(self.articles) if self.articles is not None else None,
            "parts": list(self.parts) if self.parts is not None else None,
            "mobilisation_parts": self.mobilisation_parts,
            "from": self.from_.isoformat() if self.from_ else None,
            "to": self.to.isoformat() if self.to else None,
            "per": self.per,
            "court": self.court,
            "region": self.region,
            "punishment": self.punishment,
            "regime": self.regime,
            "service": self.service,
            "statistic": self.statistic,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The other side of a comparison between periods ("more cases than in the entire
    previous year": the claim's side > `factor` × this side)."""

    side: Side
    factor: float = 1.0
    span: tuple[int, int] = (0, 0)

    def to_json(self) -> dict[str, Any]:
        return {**self.side.to_json(), "factor": self.factor}


@dataclass(frozen=True, slots=True)
class Claim:
    """One numeric claim found in a text, with its span (offsets into the text given)."""

    span: tuple[int, int]
    text: str
    side: Side
    value: float | None  # None for a comparison without a number
    comparator: Comparator
    compare_to: Comparison | None = None
    precision: float = 1.0  # the rounding unit of the figure as written (13 000 → 1000)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        value: float | int | None = self.value
        if value is not None and float(value).is_integer():
            value = int(value)
        side = self.side.to_json()
        return {
            "span": [self.span[0], self.span[1]],
            "text": self.text,
            "quantity": side.pop("quantity"),
            "value": value,
            "comparator": self.comparator,
            **side,
            "compare_to": self.compare_to.to_json() if self.compare_to else None,
            "unresolved": self.side.unresolved,
        }


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A sentence (or a figure in it) that looks like a claim but could not be mapped to a
    query: reported, never guessed."""

    span: tuple[int, int]
    text: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"span": [self.span[0], self.span[1]], "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything read from one text: the publication date used, the claims in text order,
    and what could not be mapped."""

    as_of: dt.date
    as_of_source: Literal["given", "text", "today"]
    claims: tuple[Claim, ...]
    unmapped: tuple[Unmapped, ...]
