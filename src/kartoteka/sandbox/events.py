"""ДВИЖЕНИЕ ДЕЛА: the events of a sandbox case, derived from its life and its own seed.

An event is shown once its "Дата размещения" has passed; a hearing scheduled for a later date
is shown without a result until its day comes, as on the real cards. Wordings come from the
real event vocabulary (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kartoteka.sandbox.caseload import (
    CONTRACT_SUSPENSION_BASIS,
    ResultKind,
    SimCase,
)
from kartoteka.sudrf.urls import Instance


@dataclass(frozen=True, slots=True)
class SimEvent:
    name: str
    date: dt.date
    time: str
    place: str = ""
    result: str = ""
    basis: str = ""
    note: str = ""
    published: dt.date | None = None


FINAL_EVENT_RESULT = {
    ResultKind.VERDICT: "Вынесен приговор",
    ResultKind.TERMINATED: "Производство по делу прекращено",
    ResultKind.RETURNED: "Дело возвращено прокурору",
    ResultKind.TRANSFERRED: "Направлено по подсудности",
    ResultKind.OTHER: "Вынесено постановление",
}


def _t(rng: random.Random, lo: int = 9, hi: int = 17) -> str:
    return f"{rng.randint(lo, hi):02d}:{rng.choice([0, 10, 15, 30, 40, 45]):02d}"


def all_events(case: SimCase) -> list[SimEvent]:
    """Every event the case will ever have, in order (visibility is decided by `events_at`)."""
    rng = random.Random(case.seed)
    room = f"Зал №{rng.randint(1, 4)}"
    day = dt.timedelta(days=1)
    entry = case.entry_date
    ev: list[SimEvent] = [
        SimEvent("Регистрация поступившего в суд дела", entry, _t(rng), published=entry),
        SimEvent(
            "Передача материалов дела судье",
            entry + day * rng.randint(0, 1),
            _t(rng),
            published=entry + day * rng.randint(0, 2),
        ),
    ]
    decided_on = entry + day * rng.randint(2, 6)
    last_pub = decided_on + day * rng.randint(0, 4)
    if case.instance is Instance.FIRST:
        ev.append(
            SimEvent(
                "Решение в отношении поступившего уголовного дела",
                decided_on,
                _t(rng),
                result="Назначено судебное заседание",
                published=last_pub,
            )
        )
    for hearing in case.hearings:
        result = rng.choice(["Заседание отложено", "Заседание отложено", "Объявлен перерыв"])
        ev.append(
            SimEvent(
                "Судебное заседание", hearing, _t(rng, 9, 15), room, result, published=last_pub
            )
        )
        last_pub = hearing + day * rng.randint(0, 3)
    if case.suspended_on is not None:
        ev.append(
            SimEvent(
                "Судебное заседание",
                case.suspended_on,
                _t(rng, 9, 15),
                room,
                "Производство по делу приостановлено",
                CONTRACT_SUSPENSION_BASIS,
                published=last_pub,
            )
        )
        last_pub = case.suspended_on + day * rng.randint(0, 5)
        if case.resumed_on is not None:
            resumed = case.resumed_on
            ev.append(
                SimEvent(
                    "Производство по делу возобновлено",
                    resumed,
                    _t(rng),
                    published=resumed + day * rng.randint(0, 3),
                )
            )
            last_pub = resumed
    if case.final_date is not None and case.final_kind is not None:
        final = case.final_date
        if case.instance is Instance.FIRST:
            result = FINAL_EVENT_RESULT[case.final_kind]
            basis = case.final_basis or ""
        else:
            result, basis = "Вынесено решение", case.final_text or ""
        ev.append(
            SimEvent(
                "Судебное заседание",
                final,
                _t(rng, 9, 15),
                room,
                result,
                basis,
                published=min(last_pub, final),
            )
        )
        if case.final_kind is ResultKind.VERDICT and case.instance is Instance.FIRST:
            ev.append(
                SimEvent(
                    "Провозглашение приговора",
                    final,
                    _t(rng, 14, 17),
                    room,
                    published=final + day * rng.randint(0, 3),
                )
            )
        handed = final + day * rng.randint(5, 15)
        ev.append(
            SimEvent(
                "Дело сдано в отдел судебного делопроизводства",
                handed,
                _t(rng),
                published=handed + day * rng.randint(0, 4),
            )
        )
        if case.legal_force is not None:
            archived = case.legal_force + day * rng.randint(30, 80)
            ev.append(
                SimEvent(
                    "Сдача материалов дела в архив",
                    archived,
                    _t(rng),
                    published=archived + day * rng.randint(0, 4),
                )
            )
    return ev


def events_at(case: SimCase, now: dt.date) -> list[SimEvent]:
    """The events a card shows at `now`: published ones; results only for past dates.
    Cassation cards (СЛУШАНИЯ) list only the hearings."""
    out = []
    for e in all_events(case):
        if case.instance is Instance.CASSATION and e.name != "Судебное заседание":
            continue
        if e.published is not None and e.published > now:
            continue
        if e.date > now:
            e = SimEvent(e.name, e.date, e.time, e.place, "", "", "", e.published)
        out.append(e)
    return out
