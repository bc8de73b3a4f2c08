"""What to fetch: windows of cases by month of receipt, and which cards matter. Pure logic.

- Windows: for each court, criminal first-instance cases by month of receipt from `since` to
  `until`; district, fleet and the appellate court also their criminal appeals, the
  Cassation Military Court its criminal cassation cases (DOMAIN.md §1).
- Incremental runs re-list only windows that overlap the recent period (default the last six
  months: cards appear on court sites weeks late and outcomes change) and windows that were
  never complete; a complete old window is left alone.
- Cards: a case matters when one of its charges is on the watch list (Chapter 33 by default),
  or when its listing row shows no charges at all (some courts hide articles in listings, so
  the card is the authority), or always with `all_cards`. A card is (re)fetched when it was
  never fetched, when its listing row changed (decision, decision date, legal force), or when
  the case is not final (no legal force yet) and the card is older than `card_max_age`,
  whether or not its window was re-listed in this run (a case suspended for a contract long
  ago still gets its termination read). The row's signature includes the acts it links, so
  an act that comes out after the decision gets the card read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kartoteka.harvest.acts import DEFAULT_ACT_MAX_AGE
from kartoteka.harvest.state import CaseState, Window, WindowState
from kartoteka.registry.articles import CHAPTER_33, is_watched
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.sudrf.models import ListingRow
from kartoteka.sudrf.urls import Instance

DEFAULT_SINCE = dt.date(2022, 1, 1)


@dataclass(frozen=True, slots=True)
class PlanOptions:
    since: dt.date = DEFAULT_SINCE
    until: dt.date | None = None  # None: today
    watch: frozenset[str] = CHAPTER_33
    all_cards: bool = False
    recent_months: int = 6
    card_max_age: float = 7 * 86400.0  # seconds; for cases that are not final yet
    # seconds between rechecks of a linked act without a text (a stub, "no data") whose
    # card is not read again (kartoteka.harvest.acts)
    act_max_age: float = DEFAULT_ACT_MAX_AGE
    appeals: bool = True  # district and fleet courts: also their criminal appeals
    instances: tuple[str, ...] = field(default=(Instance.FIRST.value,))

    @property
    def end(self) -> dt.date:
        return self.until or dt.date.today()

    def params(self) -> dict[str, object]:
        """What identifies a run, so that the same command resumes the same run."""
        return {
            "since": self.since.isoformat(),
            "until": self.end.isoformat(),
            "watch": sorted(self.watch),
            "all_cards": self.all_cards,
            "recent_months": self.recent_months,
            "appeals": self.appeals,
            "instances": list(self.instances),
        }


def month_windows(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months overlapping [since, until], clipped to it."""
    out = []
    start = since
    while start <= until:
        nxt = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        out.append((start, min(until, nxt - dt.timedelta(days=1))))
        start = nxt
    return out


# Courts that hear criminal appeals: district and fleet courts (against garrison courts) and the
# Appellate Military Court (against district courts' first-instance verdicts).
APPEAL_LEVELS = (CourtLevel.DISTRICT, CourtLevel.FLEET, CourtLevel.APPELLATE)


def instances_for(court: Court, options: PlanOptions) -> list[Instance]:
    out = [Instance(i) for i in options.instances]
    if options.appeals and court.level in APPEAL_LEVELS and Instance.APPEAL not in out:
        out.append(Instance.APPEAL)
    if options.appeals and court.level is CourtLevel.CASSATION and Instance.CASSATION not in out:
        out.append(Instance.CASSATION)
    return out


def recent_from(options: PlanOptions) -> dt.date:
    """First day of the recent period that every run re-lists."""
    end = options.end
    month = end.month - options.recent_months + 1
    year = end.year
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def plan_windows(
    court: Court,
    options: PlanOptions,
    known: dict[Window, WindowState | None],
    run_id: str,
    lookup: Callable[[Window], WindowState | None] | None = None,
) -> list[Window]:
    """The windows this run must list for a court, oldest first.

    `known` maps each candidate window (the months, and any window left incomplete) to its
    saved state (None if never listed). A court listed completely before is in incremental
    mode: the recent period is re-listed as ONE window per instance (pagination only, not a
    first page per month: that is what keeps an update near one request per changed case),
    and older months only when they were never complete.
    """
    recent = recent_from(options)
    incremental = any(
        saved is not None and saved.complete and saved.run_id != run_id for saved in known.values()
    )
    todo: list[Window] = []
    if incremental:
        for inst in instances_for(court, options):
            w = Window(court.code, inst.value, max(recent, options.since), options.end)
            saved = lookup(w) if lookup is not None else known.get(w)
            if not (saved is not None and saved.complete and saved.run_id == run_id):
                todo.append(w)
    months = set(candidate_windows(court, options))
    for w, saved in known.items():
        if w in todo or (saved is not None and saved.complete and saved.run_id == run_id):
            continue  # planned already, or done earlier in this (resumed) run
        if incremental:
            if w.date_to >= recent and (w.date_from >= recent or w not in months):
                continue  # covered by the recent window (an old recent window included)
            if saved is not None and saved.complete:
                continue  # an old month, complete before: not re-listed
        todo.append(w)
    return sorted(todo, key=lambda w: (w.instance, w.date_from, w.date_to))


def candidate_windows(court: Court, options: PlanOptions) -> list[Window]:
    return [
        Window(court.code, inst.value, a, b)
        for inst in instances_for(court, options)
        for a, b in month_windows(options.since, options.end)
    ]


def row_signature(row: ListingRow) -> str:
    """What in a listing row means "the case moved": decision, its date, legal force, and
    the acts it links (an act that comes out after the decision became final must still
    get its card, and so its act, read; a row without acts keeps its old signature)."""
    data = [
        row.result or "",
        row.result_date.isoformat() if row.result_date else "",
        row.legal_force_date.isoformat() if row.legal_force_date else "",
    ]
    acts = sorted(a.url for a in row.acts if a.url)
    if acts:
        data.append("acts=" + ",".join(acts))
    return "|".join(data)


def row_is_final(row: ListingRow) -> bool:
    """A case whose decision has entered into legal force: its card should not change."""
    return row.legal_force_date is not None


def row_charges(row: ListingRow) -> list:
    return [c for d in row.defendants for c in d.charges]


def row_is_watched(row: ListingRow, watch: Iterable[str]) -> bool:
    charges = row_charges(row)
    if not charges:
        return True  # articles hidden in the listing: only the card can tell
    watch = frozenset(watch)
    return any(is_watched(c, watch) for c in charges)


def card_signature(body: bytes) -> str:
    """A digest of a card's bytes: two fetches with the same content share it."""
    return hashlib.sha256(body).hexdigest()[:32]


def needs_card(
    case: CaseState | None,
    row_sig: str,
    *,
    watched: bool,
    all_cards: bool,
    card_max_age: float,
    now: float,
    card_row_sig: str | None,
    run_id: str,
) -> bool:
    """Whether this run must fetch the case's card (see the module docstring)."""
    if not (watched or all_cards):
        return False
    if case is None or case.card_sig is None or case.card_at is None:
        return True
    if case.card_run == run_id:
        return False
    if card_row_sig != row_sig:
        return True
    return not case.final and now - case.card_at > card_max_age
