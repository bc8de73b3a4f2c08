"""The synthetic caseload: deterministic criminal cases with a life, per court, generated lazily.

Every garrison court receives, month by month, a Poisson number of cases whose mean is its
share of the national curve in `calibration` (times `scale`): mostly Chapter 33 charges with
the mobilisation parts only after 24.09.2022, plus ordinary crimes; some cases have several
defendants or several charges. Each case then lives: registration, hearings, a final decision
1–4 months after receipt (verdict, termination, return to the prosecutor, transfer,
other) or a suspension while the defendant serves under a contract (some terminated later);
cases still undecided at the clock are pending. A returned case often comes back under a new
number with the same UID. Some verdicts are appealed: the appeal is a case of the superior
district/fleet court with the same UID (district courts' own first-instance verdicts go to the
appellate court); a few appeal rulings of district/fleet courts go on to the cassation court,
again with the same UID. A minority of decisions have a published act.

Cases appear on the site `visible_from` a reporting lag after receipt; a few are removed
later (`removed_from`). Everything derives from the seed and the court code, so a court's
cases are the same whichever court is asked for first, and generating one court costs
milliseconds: the server starts at once and fills courts on first request.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from kartoteka.registry.articles import is_mobilisation_part, principal_article
from kartoteka.registry.charges import format_charge
from kartoteka.registry.courts import CourtLevel
from kartoteka.sandbox import calibration as cal
from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sandbox.network import SimCourt
from kartoteka.sandbox.people import SynthName, synth_name
from kartoteka.sandbox.uid import make_uid
from kartoteka.sudrf.models import Charge
from kartoteka.sudrf.urls import Instance

T = TypeVar("T")


class ResultKind(StrEnum):
    """Outcome classes of the ground truth (contracts.md)."""

    VERDICT = "verdict"
    TERMINATED = "terminated"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    SUSPENDED = "suspended"
    PENDING = "pending"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SimCharge:
    article: str
    part: str | None = None
    point: str | None = None

    @property
    def key(self) -> str:
        """`article.part` as in the ground truth, e.g. "337.5", "352.1"."""
        return f"{self.article}.{self.part}" if self.part else self.article

    @property
    def text(self) -> str:
        """As the sites print it, without the code: `ст.337 ч.5`, `ст.158 ч.2 п.в`."""
        return format_charge(self.as_charge())

    @property
    def is_mobilisation(self) -> bool:
        """A 365-ФЗ mobilisation part, as the registry (and so every metric) counts it."""
        return is_mobilisation_part(self.article, self.part)

    def as_charge(self) -> Charge:
        """The parsed-charge form (code left off, as on the sites), for the registry's rules."""
        return Charge(None, self.article, self.part, self.point)


def charges_text(charges: tuple[SimCharge, ...] | list[SimCharge]) -> str:
    """`ст.337 ч.5; ст.332 ч.2.1 УК РФ`: several charges, one trailing code (DOMAIN.md §2)."""
    return "; ".join(c.text for c in charges) + " УК РФ" if charges else ""


@dataclass(frozen=True, slots=True)
class SimDefendant:
    name: SynthName
    hidden: bool  # the site shows "Информация скрыта"
    charges: tuple[SimCharge, ...]


@dataclass(frozen=True, slots=True)
class Sentence:
    """The punishment a published verdict text states."""

    punishment: str  # imprisonment | fine | disciplinary_unit | restriction_of_service
    months: int | None = None
    suspended: bool = False  # условно (ст.73 УК РФ)
    probation_months: int | None = None
    regime: str | None = None  # general | strict | settlement
    fine_rub: int | None = None


@dataclass(frozen=True, slots=True)
class AppealSpec:
    """An appeal against a first-instance decision, heard by the superior court."""

    entry: dt.date
    decided: dt.date
    outcome: str  # upheld | changed | overturned | withdrawn
    lag_days: int
    act_lag_days: int | None  # None: the appeal ruling is not published


CASSATION_TEXT = {
    "upheld": "Кассационная жалоба / представление ОСТАВЛЕНО БЕЗ УДОВЛЕТВОРЕНИЯ",
    "changed": "Приговор / апелляционное определение ИЗМЕНЕНО",
    "overturned": "Апелляционное определение ОТМЕНЕНО с передачей на новое рассмотрение",
}

APPEAL_TEXT = {
    "upheld": "Приговор оставлен БЕЗ ИЗМЕНЕНИЯ",
    "changed": "Приговор ИЗМЕНЕН",
    "overturned": "Приговор ОТМЕНЕН с направлением дела на новое рассмотрение",
    "withdrawn": "СНЯТО с апелляционного рассмотрения",
}


@dataclass(slots=True)
class SimCase:
    """One case at one court and instance, with its whole (deterministic) life."""

    court_code: str
    instance: Instance
    entry_date: dt.date
    visible_from: dt.date
    removed_from: dt.date | None
    defendants: tuple[SimDefendant, ...]
    judge: SynthName
    seed: int
    final_kind: ResultKind | None = None  # None: no final decision before the horizon
    final_date: dt.date | None = None
    final_text: str | None = None
    final_basis: str | None = None
    suspended_on: dt.date | None = None
    resumed_on: dt.date | None = None  # suspended cases that are later terminated resume first
    hearings: tuple[dt.date, ...] = ()  # sessions adjourned before the final one
    sentence: Sentence | None = None
    act_on: dt.date | None = None  # when the act came out on the site (text or not)
    # What came out (`publish_acts`): "text" (readable), "stub" ("не подлежит
    # опубликованию", "не публикуются") or "attachment" (a file link, no text).
    act_form: str | None = None
    appeal: AppealSpec | None = None  # first instance: its appeal; appeal: its cassation
    legal_force: dt.date | None = None
    lower: SimCase | None = None  # appeal: the first-instance case
    lower_court_name: str | None = None
    resubmission_of: SimCase | None = None
    appeal_outcome: str | None = None  # appeal cases: upheld | changed | overturned | withdrawn
    # Assigned once the court's cases are numbered:
    case_id: str = ""
    guid: str = ""
    uid: str = ""
    number: str = ""
    year_seq: int = 0
    articles_text: str = field(default="", repr=False)  # lower-cased, for the article filter

    @property
    def charges(self) -> list[SimCharge]:
        """Every distinct charge of the case, in order of first appearance."""
        seen: dict[tuple[str, str | None, str | None], SimCharge] = {}
        for d in self.defendants:
            for c in d.charges:
                seen.setdefault((c.article, c.part, c.point), c)
        return list(seen.values())

    @property
    def principal(self) -> SimCharge:
        """The charge the case is counted under, by the registry's principal-article order."""
        best = principal_article(c.as_charge() for c in self.charges)
        assert best is not None, "a case has at least one charge"
        return SimCharge(best.article, best.part, best.point)

    def kind_at(self, now: dt.date) -> ResultKind:
        """The outcome class as of `now`."""
        if self.final_kind is not None and self.final_date is not None and self.final_date <= now:
            return self.final_kind
        # The card shows "Производство по делу возобновлено" from `resumed_on`: from then the
        # case is pending again until its final result.
        suspended = self.suspended_on is not None and self.suspended_on <= now
        if suspended and (self.resumed_on is None or now < self.resumed_on):
            return ResultKind.SUSPENDED
        return ResultKind.PENDING

    def decided_at(self, now: dt.date) -> bool:
        return self.final_date is not None and self.final_date <= now

    def act_shown_at(self, now: dt.date) -> bool:
        """Whether the site shows an act by `now` (its text, a stub or an attachment)."""
        return self.act_on is not None and self.act_on <= now

    def act_published_at(self, now: dt.date) -> bool:
        """Whether the act's text can be read on the site by `now`: the ground truth of
        "published" (a stub or an attachment-only act is not a published text)."""
        return self.act_on is not None and self.act_on <= now and self.act_form == "text"

    def visible_at(self, now: dt.date) -> bool:
        """On the site at `now`: after the reporting lag and before any removal."""
        return self.visible_from <= now and (self.removed_from is None or now < self.removed_from)


# ----------------------------------------------------------------------------- drawing helpers


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _ri(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high]: `randint` without its overhead (hot path)."""
    return low + int(rng.random() * (high - low + 1))


def _choose(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    """One item by weight (weights need not sum to 1): `choices(...)[0]`, cheaper."""
    x = rng.random() * sum(weights)
    for item, w in zip(items, weights, strict=True):
        x -= w
        if x < 0:
            return item
    return items[-1]


_MIX_CACHE: dict[int, tuple[list[SimCharge], list[float]]] = {}


def _pick(rng: random.Random, mix: list[tuple[cal.Charge3, float]]) -> SimCharge:
    found = _MIX_CACHE.get(id(mix))
    if found is None:
        found = _MIX_CACHE[id(mix)] = ([SimCharge(*c) for c, _ in mix], [w for _, w in mix])
    return _choose(rng, *found)


def _peacetime(charge: SimCharge, entry: dt.date) -> SimCharge:
    """A mobilisation part cannot be charged on a case received before 365-ФЗ: its peacetime
    counterpart stands in."""
    if (
        entry >= cal.MOBILISATION_LAW
        or (charge.article, charge.part) not in cal.PEACETIME_EQUIVALENT
    ):
        return charge
    article, part = cal.PEACETIME_EQUIVALENT[(charge.article, charge.part)]
    return SimCharge(article, part, charge.point)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=int(n))


_DEFENDANT_COUNTS = [(1, 0.94), (2, 0.045), (3, 0.015)]


def _defendant_count(rng: random.Random) -> int:
    x = rng.random()
    for n, p in _DEFENDANT_COUNTS:
        x -= p
        if x <= 0:
            return n
    return 1


def _sentence(rng: random.Random, principal: SimCharge) -> Sentence:
    key = principal.key
    # (months low, months high, share suspended, share fine)
    table = {
        "337.5": (60, 78, 0.35, 0.0),
        "337.3.1": (12, 36, 0.6, 0.05),
        "337.2.1": (12, 24, 0.6, 0.1),
        "337.4": (12, 36, 0.5, 0.1),
        "337.3": (6, 18, 0.5, 0.2),
        "337.1": (3, 6, 0.2, 0.3),
        "338.3": (60, 96, 0.1, 0.0),
        "338.1": (24, 60, 0.2, 0.0),
        "332.2.1": (24, 36, 0.3, 0.0),
        "332.2.2": (36, 60, 0.1, 0.0),
        "339.3": (60, 72, 0.3, 0.0),
        "352.1": (36, 120, 0.0, 0.0),
    }
    low, high, p_susp, p_fine = table.get(key, (12, 48, 0.4, 0.25))
    x = rng.random()
    if x < p_fine:
        return Sentence("fine", fine_rub=rng.choice([20, 30, 50, 80, 100, 150, 200]) * 1000)
    if principal.article == "337" and principal.part in ("1", "3") and rng.random() < 0.3:
        return Sentence("disciplinary_unit", months=_ri(rng, 3, 12))
    months = _ri(rng, low, high)
    if x < p_fine + p_susp:
        return Sentence(
            "imprisonment",
            months=months,
            suspended=True,
            probation_months=rng.choice([12, 18, 24, 36, 48]),
        )
    regime = _choose(rng, ["general", "strict", "settlement"], [0.8, 0.1, 0.1])
    return Sentence("imprisonment", months=months, regime=regime)


_TERMINATION_BASES = [
    "назначена мера уголовно-правового характера - СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)",
    "в связи с деятельным раскаянием (ст. 28 УПК РФ)",
    "в связи с примирением сторон (ст. 25 УПК РФ)",
]
CONTRACT_TERMINATION_BASIS = (
    "освобождение от уголовной ответственности в связи с прохождением военной службы "
    "(ст. 28.2 УПК РФ, ст. 78.1 УК РФ)"
)
CONTRACT_SUSPENSION_BASIS = (
    "заключение контракта о прохождении военной службы (п. 5 ч. 1 ст. 238 УПК РФ)"
)
CONTRACT_SUSPENSION_FROM = dt.date(2023, 6, 1)  # 270-ФЗ (2023) made this route common


_OUTCOME_KINDS = [
    ResultKind.VERDICT,
    ResultKind.TERMINATED,
    ResultKind.RETURNED,
    ResultKind.TRANSFERRED,
    ResultKind.OTHER,
    ResultKind.SUSPENDED,
]


def _outcome(rng: random.Random, case: SimCase, allow_return: bool = True) -> None:
    """Draw the final decision (or suspension) of a first-instance case."""
    entry = case.entry_date
    weights = [
        0.78,
        0.07,
        0.04 if allow_return else 0.0,
        0.03,
        0.01,
        0.07 if entry >= CONTRACT_SUSPENSION_FROM else 0.0,
    ]
    kind = _choose(rng, _OUTCOME_KINDS, weights)
    decision = _weekday_on_or_after(entry + _days(rng.triangular(30, 120, 55)))
    hearings = []
    d = entry + _days(_ri(rng, 10, 25))
    while d < decision - dt.timedelta(days=7) and rng.random() < 0.45:
        hearings.append(_weekday_on_or_after(d))
        d += _days(_ri(rng, 10, 25))
    case.hearings = tuple(hearings)
    if kind is ResultKind.SUSPENDED:
        case.suspended_on = _weekday_on_or_after(entry + _days(_ri(rng, 15, 60)))
        case.hearings = tuple(h for h in hearings if h < case.suspended_on)
        if rng.random() < 0.6:
            case.final_kind = ResultKind.TERMINATED
            case.final_date = _weekday_on_or_after(case.suspended_on + _days(_ri(rng, 90, 330)))
            case.final_text = "Уголовное дело ПРЕКРАЩЕНО"
            case.final_basis = CONTRACT_TERMINATION_BASIS
            # Resumed 7–20 days before the termination (from the case's own seed, so that the
            # caseload's random stream is not shifted).
            case.resumed_on = case.final_date - _days(7 + case.seed % 14)
        return
    case.final_kind = kind
    case.final_date = decision
    if kind is ResultKind.VERDICT:
        case.final_text = "Вынесен ПРИГОВОР"
        case.sentence = _sentence(rng, case.principal)
    elif kind is ResultKind.TERMINATED:
        case.final_text = "Уголовное дело ПРЕКРАЩЕНО"
        case.final_basis = rng.choice(_TERMINATION_BASES)
    elif kind is ResultKind.RETURNED:
        case.final_text = "Дело ВОЗВРАЩЕНО ПРОКУРОРУ"
    elif kind is ResultKind.TRANSFERRED:
        case.final_text = "Направлено ПО ПОДСУДНОСТИ (подведомственности)"
    else:
        case.final_text = rng.choice(
            [
                "Применены ПРИНУДИТЕЛЬНЫЕ МЕРЫ МЕДИЦИНСКОГО ХАРАКТЕРА",
                "Вынесено другое ПОСТАНОВЛЕНИЕ",
            ]
        )


def _publication(rng: random.Random, case: SimCase) -> None:
    """Act publication, appeal and legal force of a decided first-instance case."""
    if case.final_date is None or case.final_kind is None:
        return
    p_act = {ResultKind.VERDICT: 0.35, ResultKind.TERMINATED: 0.15}.get(case.final_kind, 0.0)
    if rng.random() < p_act:
        case.act_on = case.final_date + _days(_ri(rng, 5, 40))
    if case.final_kind is ResultKind.VERDICT and rng.random() < 0.15:
        entry = _weekday_on_or_after(case.final_date + _days(_ri(rng, 25, 60)))
        decided = _weekday_on_or_after(entry + _days(_ri(rng, 20, 60)))
        outcome = _choose(
            rng, ["upheld", "changed", "overturned", "withdrawn"], [0.68, 0.2, 0.08, 0.04]
        )
        act_lag = _ri(rng, 5, 30) if rng.random() < 0.3 else None
        case.appeal = AppealSpec(entry, decided, outcome, _lag(rng), act_lag)
        if outcome in ("upheld", "changed"):
            case.legal_force = decided
    elif case.final_kind in (ResultKind.VERDICT, ResultKind.TERMINATED):
        case.legal_force = case.final_date + _days(_ri(rng, 16, 30))


STUB_SHARE = 0.08  # acts that come out as a "не подлежит опубликованию" stub
ATTACHMENT_SHARE = 0.05  # acts that come out as an attachment only
LATE_SHARE = 0.2  # acts that come out weeks to months late (45-150 days)


def publish_act(case: SimCase, court: SimCourt) -> None:
    """What of a case's act comes out, and when: a readable text, a stub or an attachment
    only (every act of a court that publishes no texts is a stub), and for some acts a
    publication months after the decision instead of weeks. Drawn from a generator of the
    case's own, so the rest of the caseload is unchanged (DOMAIN.md §6: only a minority of
    verdicts is published, weeks to months late, and some courts publish none)."""
    rng = random.Random(f"act-form:{case.seed}:{case.case_id}")
    x = rng.random()
    form = "text"
    if x < STUB_SHARE:
        form = "stub"
    elif x < STUB_SHARE + ATTACHMENT_SHARE:
        form = "attachment"
    case.act_form = form if court.publishes_acts else "stub"
    if rng.random() < LATE_SHARE and case.final_date is not None:
        case.act_on = case.final_date + _days(_ri(rng, 45, 150))


def _lag(rng: random.Random) -> int:
    """Reporting lag in days between receipt and appearance on the site."""
    x = rng.random()
    if x < 0.7:
        return _ri(rng, 0, 7)
    if x < 0.95:
        return _ri(rng, 8, 30)
    return _ri(rng, 31, 90)


def _removal(rng: random.Random, visible_from: dt.date) -> dt.date | None:
    if rng.random() < 0.015:
        return visible_from + _days(_ri(rng, 30, 500))
    return None


# ----------------------------------------------------------------------------- per court

_LEVEL_ORDER = {
    CourtLevel.GARRISON: 0,
    CourtLevel.DISTRICT: 1,
    CourtLevel.FLEET: 1,
    CourtLevel.APPELLATE: 2,
    CourtLevel.CASSATION: 3,
}


@dataclass(slots=True)
class CourtCases:
    """One court's cases, indexed for listings and cards."""

    court: SimCourt
    cases: list[SimCase]
    by_id: dict[str, SimCase]
    by_instance: dict[Instance, list[SimCase]]  # sorted by entry date ascending
    entry_keys: dict[Instance, list[dt.date]]

    def in_entry_range(
        self, instance: Instance, start: dt.date | None, end: dt.date | None
    ) -> list[SimCase]:
        cases = self.by_instance.get(instance, [])
        keys = self.entry_keys.get(instance, [])
        lo = bisect_left(keys, start) if start else 0
        hi = bisect_right(keys, end) if end else len(keys)
        return cases[lo:hi]


class Caseload:
    """The caseload of a whole sandbox network, generated per court on first use."""

    def __init__(self, config: SandboxConfig, network: list[SimCourt]):
        self.config = config
        self.courts = {c.code: c for c in network}
        self._order = [c.code for c in network]
        self._first: dict[str, list[SimCase]] = {}
        self._courts: dict[str, CourtCases] = {}
        self._lock = threading.RLock()
        self._judges: dict[str, list[SynthName]] = {}

    # -- public
    def court(self, code: str) -> CourtCases:
        """All cases of a court (first instance and appeals heard there)."""
        with self._lock:
            found = self._courts.get(code)
            if found is None:
                found = self._courts[code] = self._build_court(code)
            return found

    def warm(self, stop: threading.Event | None = None) -> None:
        """Generate every court, lowest level first, so that no request waits long for a
        superior court (whose caseload needs all the courts below it). The lock is taken
        court by court: a request to another court waits at most for one court's build."""
        order = sorted(self._order, key=lambda code: _LEVEL_ORDER[self.courts[code].level])
        for code in order:
            if stop is not None and stop.is_set():
                return
            self.court(code)

    def all_cases(self) -> Iterator[SimCase]:
        for code in self._order:
            yield from self.court(code).cases

    # -- generation
    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.config.seed, *parts)))

    def judges(self, code: str) -> list[SynthName]:
        if code not in self._judges:
            rng = self._rng("judges", code)
            self._judges[code] = [synth_name(rng) for _ in range(_ri(rng, 3, 7))]
        return self._judges[code]

    def _monthly_mean(self, court: SimCourt, year: int, month: int) -> tuple[float, float]:
        """(tracked, unrelated) expected cases received by a court in a month."""
        scale = self.config.scale
        if court.level is CourtLevel.GARRISON:
            return (
                cal.tracked_per_month(year, month) * court.weight * scale,
                cal.UNRELATED_PER_MONTH * court.weight * scale,
            )
        if court.level in (CourtLevel.DISTRICT, CourtLevel.FLEET):
            return (0.0, cal.DISTRICT_FIRST_INSTANCE_PER_MONTH * court.weight * scale)
        return (0.0, 0.0)

    def _new_case(
        self,
        rng: random.Random,
        court: SimCourt,
        entry: dt.date,
        mix: list[tuple[cal.Charge3, float]],
    ) -> SimCase:
        principal = _peacetime(_pick(rng, mix), entry)
        defendants = []
        for i in range(_defendant_count(rng)):
            own = principal if i == 0 or rng.random() >= 0.3 else _pick(rng, mix)
            charges = [_peacetime(own, entry)]
            companions = cal.COMPANION_CHARGES.get(charges[0].article, [])
            if companions and rng.random() < 0.12:
                extra = _peacetime(SimCharge(*rng.choice(companions)), entry)
                if extra != charges[0]:
                    charges.append(extra)
            defendants.append(SimDefendant(synth_name(rng), rng.random() < 0.3, tuple(charges)))
        lag = _lag(rng)
        visible = entry + _days(lag)
        return SimCase(
            court_code=court.code,
            instance=Instance.FIRST,
            entry_date=entry,
            visible_from=visible,
            removed_from=_removal(rng, visible),
            defendants=tuple(defendants),
            judge=rng.choice(self.judges(court.code)),
            seed=rng.getrandbits(32),
        )

    def _first_instance(self, code: str) -> list[SimCase]:
        """A court's own first-instance cases, with lives, not yet numbered."""
        with self._lock:
            if code in self._first:
                return self._first[code]
            court = self.courts[code]
            rng = self._rng("first", code)
            start, end = self.config.start, self.config.end
            out: list[SimCase] = []
            year, month = start.year, start.month
            while (year, month) <= (end.year, end.month):
                tracked, unrelated = self._monthly_mean(court, year, month)
                first_day = dt.date(year, month, 1)
                days_in_month = (
                    (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first_day
                ).days
                mobilised = first_day >= dt.date(2022, 10, 1)
                for mix, mean in (
                    (
                        cal.ARTICLE_MIX_MOBILISATION if mobilised else cal.ARTICLE_MIX_PEACETIME,
                        tracked,
                    ),
                    (
                        cal.UNRELATED_MIX
                        if court.level is CourtLevel.GARRISON
                        else cal.DISTRICT_MIX,
                        unrelated,
                    ),
                ):
                    for _ in range(_poisson(rng, mean)):
                        entry = _weekday_on_or_after(
                            first_day + dt.timedelta(days=rng.randrange(days_in_month))
                        )
                        if entry < start or entry > end:
                            continue
                        case_mix = mix
                        if (
                            entry >= cal.MOBILISATION_LAW
                            and mix is cal.ARTICLE_MIX_PEACETIME
                            and rng.random() < 0.5
                        ):
                            case_mix = cal.ARTICLE_MIX_MOBILISATION
                        case = self._new_case(rng, court, entry, case_mix)
                        _outcome(rng, case)
                        _publication(rng, case)
                        out.append(case)
                        if case.final_kind is ResultKind.RETURNED and rng.random() < 0.6:
                            back = self._resubmission(rng, court, case)
                            if back.entry_date <= end:
                                out.append(back)
                month += 1
                if month == 13:
                    year, month = year + 1, 1
            self._first[code] = out
            return out

    def _resubmission(self, rng: random.Random, court: SimCourt, returned: SimCase) -> SimCase:
        assert returned.final_date is not None
        entry = _weekday_on_or_after(returned.final_date + _days(_ri(rng, 20, 90)))
        visible = entry + _days(_lag(rng))
        case = SimCase(
            court_code=court.code,
            instance=Instance.FIRST,
            entry_date=entry,
            visible_from=visible,
            removed_from=_removal(rng, visible),
            defendants=returned.defendants,
            judge=returned.judge,
            seed=rng.getrandbits(32),
            resubmission_of=returned,
        )
        _outcome(rng, case, allow_return=False)
        _publication(rng, case)
        return case

    def _appeals_heard_at(self, code: str) -> list[SimCase]:
        court = self.courts[code]
        out = []
        for lower_code in self._order:
            lower_court = self.courts[lower_code]
            if lower_court.superior != code:
                continue
            self.court_first_numbered(lower_code)
            for lower in self._first[lower_code]:
                spec = lower.appeal
                if spec is None or spec.entry > self.config.end:
                    continue
                rng = random.Random(lower.seed ^ 0x5A5A5A5A)
                appeal = self._review(code, Instance.APPEAL, lower, lower_court.name, spec, rng)
                if spec.outcome in ("upheld", "changed"):
                    appeal.legal_force = spec.decided
                hearings = []
                if rng.random() < 0.3:
                    hearings.append(_weekday_on_or_after(spec.entry + _days(_ri(rng, 7, 15))))
                appeal.hearings = tuple(h for h in hearings if h < spec.decided)
                if spec.outcome in ("upheld", "changed") and rng.random() < 0.06:
                    entry = _weekday_on_or_after(spec.decided + _days(_ri(rng, 60, 200)))
                    decided = _weekday_on_or_after(entry + _days(_ri(rng, 30, 90)))
                    outcome = _choose(rng, ["upheld", "changed", "overturned"], [0.8, 0.12, 0.08])
                    act_lag = _ri(rng, 5, 30) if rng.random() < 0.5 else None
                    appeal.appeal = AppealSpec(entry, decided, outcome, _lag(rng), act_lag)
                out.append(appeal)
        del court
        return out

    def _cassations_heard_at(self, code: str) -> list[SimCase]:
        """Cassation cases: appeal rulings of the courts below the appellate level (district
        and fleet courts' appeal cases), heard by the cassation court, with the same UID."""
        if self.courts[code].level is not CourtLevel.CASSATION:
            return []
        out = []
        for appeal_code in self._order:
            if self.courts[appeal_code].level not in (CourtLevel.DISTRICT, CourtLevel.FLEET):
                continue
            for appeal in self.court(appeal_code).by_instance.get(Instance.APPEAL, []):
                spec = appeal.appeal
                if spec is None or spec.entry > self.config.end:
                    continue
                rng = random.Random(appeal.seed ^ 0x3C3C3C3C)
                lower_name = self.courts[appeal_code].name
                out.append(self._review(code, Instance.CASSATION, appeal, lower_name, spec, rng))
        return out

    def _review(
        self,
        code: str,
        instance: Instance,
        lower: SimCase,
        lower_court_name: str,
        spec: AppealSpec,
        rng: random.Random,
    ) -> SimCase:
        """The case court `code` opens at `instance` (appeal or cassation) on `spec`, the
        complaint against `lower`'s decision: the same defendants and UID, decided as `spec`
        says, the sentence kept unless overturned, the ruling published when `spec` gives it
        an act lag."""
        texts = APPEAL_TEXT if instance is Instance.APPEAL else CASSATION_TEXT
        case = SimCase(
            court_code=code,
            instance=instance,
            entry_date=spec.entry,
            visible_from=spec.entry + _days(spec.lag_days),
            removed_from=None,
            defendants=lower.defendants,
            judge=rng.choice(self.judges(code)),
            seed=rng.getrandbits(32),
            final_kind=ResultKind.OTHER,
            final_date=spec.decided,
            final_text=texts[spec.outcome],
            lower=lower,
            lower_court_name=lower_court_name,
            appeal_outcome=spec.outcome,
            uid=lower.uid,
            sentence=lower.sentence if spec.outcome != "overturned" else None,
        )
        if spec.act_lag_days is not None:
            case.act_on = spec.decided + _days(spec.act_lag_days)
        return case

    def court_first_numbered(self, code: str) -> list[SimCase]:
        """First-instance cases of a court with their numbers and UIDs assigned."""
        with self._lock:
            cases = self._first_instance(code)
            if cases and not cases[0].number:
                self._number(code, cases, prefix="1", assign_uid=True)
            return cases

    def _number(self, code: str, cases: list[SimCase], prefix: str, assign_uid: bool) -> None:
        cases.sort(key=lambda c: (c.entry_date, c.seed))
        per_year: dict[int, int] = {}
        uid_serial: dict[int, int] = {}
        rng = self._rng("numbers", code, prefix)
        for case in cases:
            year = case.entry_date.year
            per_year[year] = per_year.get(year, 0) + _ri(rng, 1, 3)
            case.year_seq = per_year[year]
            case.number = f"{prefix}-{per_year[year]}/{year}"
            if assign_uid:
                if case.resubmission_of is not None and case.resubmission_of.uid:
                    case.uid = case.resubmission_of.uid
                else:
                    uid_serial[year] = uid_serial.get(year, 0) + _ri(rng, 1, 4)
                    case.uid = make_uid(code, year, uid_serial[year])

    def _build_court(self, code: str) -> CourtCases:
        court = self.courts[code]
        first = list(self.court_first_numbered(code))
        appeals = self._appeals_heard_at(code)
        self._number(code, appeals, prefix="22", assign_uid=False)
        cassations = self._cassations_heard_at(code)
        self._number(code, cassations, prefix="7У", assign_uid=False)
        for case in cassations:  # `7У-1297/2026 [77-655/2026]`: complaint and case numbers
            year = case.entry_date.year
            case.number = f"7У-{case.year_seq * 3 + 11}/{year} [77-{case.year_seq}/{year}]"
        cases = first + appeals + cassations
        cases.sort(key=lambda c: (c.entry_date, c.instance, c.number))
        rng = self._rng("ids", code)
        next_id = _ri(rng, 1_000, 90_000) * 100
        by_id: dict[str, SimCase] = {}
        for case in cases:
            next_id += _ri(rng, 1, 40)
            case.case_id = str(next_id)
            case.guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            case.articles_text = "; ".join(charges_text(d.charges) for d in case.defendants).lower()
            by_id[case.case_id] = case
            if case.act_on is not None:
                publish_act(case, court)
        by_instance: dict[Instance, list[SimCase]] = {}
        for case in cases:
            by_instance.setdefault(case.instance, []).append(case)
        keys = {inst: [c.entry_date for c in lst] for inst, lst in by_instance.items()}
        return CourtCases(court, cases, by_id, by_instance, keys)
