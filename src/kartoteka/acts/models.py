"""Typed results of reading a judicial act. Every value keeps the span of the cleaned text it
was read from (`spans[field] = (start, end)`), so a figure can always be shown in its text.

The JSON form (`to_contract`) is the `act` object of `kartoteka inspect --json` (README,
"JSON contract"); field names change only together with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from kartoteka.acts.articles import ArticleRef

Span = tuple[int, int]

OUTCOMES = ("convicted", "acquitted", "terminated", "other")
PUNISHMENTS = (
    "imprisonment",
    "suspended_imprisonment",
    "disciplinary_unit",
    "military_restriction",
    "fine",
    "compulsory_works",
    "correctional_works",
    "forced_labour",
    "restriction_of_freedom",
    "other",
    "none",
)
REGIMES = ("settlement", "general", "strict", "special")
SERVICE = ("mobilised", "contract", "conscript")
RULINGS = ("upheld", "changed", "quashed")
RELEASES = ("contract_release", "contract_deferral")
ADDITIONAL = (
    "deprivation_of_rank",
    "deprivation_of_right_to_hold_positions",
    "deprivation_of_awards",
    "fine",
    "restriction_of_freedom",
)


@dataclasses.dataclass(slots=True)
class Sentence:
    """What the operative part says about one defendant.

    `defendant` is the court's own mark ("ФИО1", "<данные изъяты>") or the initials of the
    name as printed, never the name. `term_months` is the final term where sentences were
    combined; `probation_months` the ст. 73 probation; `pay_withheld_pct` the share of pay
    withheld (military restriction, correctional or forced labour).
    """

    defendant: str
    outcome: str
    articles: list[ArticleRef] = dataclasses.field(default_factory=list)
    punishment: str = "none"
    term_months: int | None = None
    term_hours: int | None = None
    suspended: bool = False
    probation_months: int | None = None
    regime: str | None = None
    fine_rub: int | None = None
    pay_withheld_pct: int | None = None
    additional: list[str] = dataclasses.field(default_factory=list)
    below_minimum: bool = False
    release: str | None = None
    service: str | None = None
    span: Span = (0, 0)
    name_span: Span = (0, 0)
    spans: dict[str, Span] = dataclasses.field(default_factory=dict)

    def to_contract(self) -> dict[str, Any]:
        return {
            "defendant": self.defendant,
            "outcome": self.outcome,
            "articles": [
                {"article": a.article, "part": a.part, "point": a.point} for a in self.articles
            ],
            "punishment": self.punishment,
            "term_months": self.term_months,
            "term_hours": self.term_hours,
            "suspended": self.suspended,
            "probation_months": self.probation_months,
            "regime": self.regime,
            "fine_rub": self.fine_rub,
            "pay_withheld_pct": self.pay_withheld_pct,
            "additional": list(self.additional),
            "below_minimum": self.below_minimum,
            "release": self.release,
            "service": self.service,
            "span": list(self.span),
            "spans": {k: list(v) for k, v in sorted(self.spans.items())},
        }


@dataclasses.dataclass(slots=True)
class ActReading:
    """One judicial act read: its kind, date, whether its text is published, the operative
    part, the ruling of an appeal or cassation, and one `Sentence` per defendant.

    `text` is the cleaned text all spans point into (it still carries names: mask it with
    `kartoteka.acts.mask_text` before storing or showing it).
    """

    text: str
    doc_type: str | None = None
    date: dt.date | None = None
    published: bool = True
    unpublished_reason: str | None = None
    operative_span: Span | None = None
    ruling: str | None = None
    sentences: list[Sentence] = dataclasses.field(default_factory=list)
    spans: dict[str, Span] = dataclasses.field(default_factory=dict)

    def to_contract(self) -> dict[str, Any]:
        """The `act` object of the inspect JSON contract (issue 13, item 7, plus `ruling`,
        `unpublished_reason` and per-field `spans`)."""
        return {
            "doc_type": self.doc_type,
            "date": self.date.isoformat() if self.date else None,
            "published": self.published,
            "unpublished_reason": self.unpublished_reason,
            "ruling": self.ruling,
            "sentences": [s.to_contract() for s in self.sentences],
        }
