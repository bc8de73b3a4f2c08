"""Outcome classes of a case, from the result wording on a card or listing row and, for
suspensions, from the card's events (DOMAIN.md §2 "Outcome vocabulary").

Wordings are matched on stems, case-insensitively, because courts vary them. The classes are
those of the sandbox ground truth and of the statistics: verdict, terminated, returned,
transferred, suspended, pending, other.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from kartoteka.sudrf.models import Event


class Outcome(StrEnum):
    VERDICT = "verdict"  # Вынесен ПРИГОВОР
    TERMINATED = "terminated"  # Уголовное дело ПРЕКРАЩЕНО
    RETURNED = "returned"  # ВОЗВРАЩЕНО ПРОКУРОРУ
    TRANSFERRED = "transferred"  # Направлено ПО ПОДСУДНОСТИ
    SUSPENDED = "suspended"  # Производство приостановлено (typically: a contract signed)
    PENDING = "pending"  # no result yet
    OTHER = "other"  # medical measures, "другое ПОСТАНОВЛЕНИЕ", unknown wording


class AppealResult(StrEnum):
    UPHELD = "upheld"  # оставлен БЕЗ ИЗМЕНЕНИЯ
    CHANGED = "changed"  # ИЗМЕНЕН
    OVERTURNED = "overturned"  # ОТМЕНЕН
    DISMISSED = "dismissed"  # жалоба ОСТАВЛЕНА БЕЗ УДОВЛЕТВОРЕНИЯ
    WITHDRAWN = "withdrawn"  # СНЯТО с рассмотрения
    PENDING = "pending"
    OTHER = "other"


_FIRST_INSTANCE_STEMS: tuple[tuple[str, Outcome], ...] = (
    ("приговор", Outcome.VERDICT),
    ("прекращ", Outcome.TERMINATED),
    ("возвращ", Outcome.RETURNED),
    ("подсудност", Outcome.TRANSFERRED),
    ("подведомствен", Outcome.TRANSFERRED),
    ("приостанов", Outcome.SUSPENDED),
)

_APPEAL_STEMS: tuple[tuple[str, AppealResult], ...] = (
    ("без изменен", AppealResult.UPHELD),
    ("без удовлетворен", AppealResult.DISMISSED),
    ("отмен", AppealResult.OVERTURNED),
    ("изменен", AppealResult.CHANGED),
    ("снят", AppealResult.WITHDRAWN),
)


def classify_result(result: str | None, events: Iterable[Event] = ()) -> Outcome:
    """The outcome class of a case from its final result wording; with no result, a case
    whose latest suspension event is not followed by a resumption is suspended."""
    text = (result or "").strip().casefold()
    if text:
        for stem, outcome in _FIRST_INSTANCE_STEMS:
            if stem in text:
                return outcome
        return Outcome.OTHER
    suspended = False
    for event in events:
        wording = f"{event.name or ''} {event.result or ''}".casefold()
        if "возобнов" in wording:
            suspended = False
        elif "приостановл" in wording:
            suspended = True
    return Outcome.SUSPENDED if suspended else Outcome.PENDING


def classify_appeal(result: str | None) -> AppealResult:
    """The result class of an appeal or cassation case."""
    text = (result or "").strip().casefold()
    if not text:
        return AppealResult.PENDING
    for stem, appeal_result in _APPEAL_STEMS:
        if stem in text:
            return appeal_result
    return AppealResult.OTHER
