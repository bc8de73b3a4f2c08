"""The national figures the synthetic caseload is calibrated to (DOMAIN.md §3–4).

Published counts of cases received by military courts under the "refusal to fight" articles:
ст.337 about 615 cases in 2021 (≈50 a month), 1,001 in 2022, about 5,000 in 2023, about
10,000 tracked cases in 2024 (records of 1,076 in July 2024), and about 1,000 a month in 2025.
`tracked_per_month` interpolates a curve through those figures; `ARTICLE_MIX_*` give the share
of each charge before and after law 365-ФЗ (24.09.2022), which created the mobilisation parts
(337 ч.2.1/3.1/5, 338 ч.3, 332 ч.2.1/2.2, 339 ч.3, 333/334 ч.3, 352.1) — none of those parts
can appear on a case received before that date. Military courts also try ordinary crimes
(drugs, theft, fraud, bribes, traffic): `UNRELATED_PER_MONTH` of them, nationally.
"""

from __future__ import annotations

import datetime as dt
import itertools

MOBILISATION_LAW = dt.date(2022, 9, 24)  # 365-ФЗ in force: mobilisation parts exist from here

# (year, month) → national cases a month under the tracked articles (Chapter 33 "refusal").
_KNOTS: list[tuple[tuple[int, int], float]] = [
    ((2021, 1), 58.0),
    ((2022, 8), 66.0),
    ((2022, 9), 72.0),
    ((2022, 10), 110.0),
    ((2022, 12), 190.0),
    ((2023, 3), 330.0),
    ((2023, 6), 460.0),
    ((2023, 12), 680.0),
    ((2024, 2), 800.0),
    ((2024, 7), 1060.0),
    ((2024, 12), 960.0),
    ((2025, 6), 1050.0),
    ((2025, 12), 1000.0),
    ((2027, 12), 1000.0),
]

UNRELATED_PER_MONTH = 90.0  # national: ordinary crimes tried by garrison courts
DISTRICT_FIRST_INSTANCE_PER_MONTH = 3.0  # national: grave cases tried first by district courts


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def tracked_per_month(year: int, month: int) -> float:
    """National number of tracked (Chapter 33) cases received in a month."""
    m = _month_index(year, month)
    knots = [(_month_index(*ym), v) for ym, v in _KNOTS]
    if m <= knots[0][0]:
        return knots[0][1]
    for (m0, v0), (m1, v1) in itertools.pairwise(knots):
        if m0 <= m <= m1:
            return v0 + (v1 - v0) * (m - m0) / (m1 - m0)
    return knots[-1][1]


# (article, part, point) → weight. Chosen so that ст.337 is ~85–88 % of tracked cases, 332 ~6 %,
# 338 ~5 % after mobilisation, as in Mediazona's counts (DOMAIN.md §4).
Charge3 = tuple[str, str | None, str | None]

ARTICLE_MIX_PEACETIME: list[tuple[Charge3, float]] = [
    (("337", "4", None), 40.0),
    (("337", "3", None), 28.0),
    (("337", "1", None), 12.0),
    (("337", "2", None), 2.0),
    (("338", "1", None), 4.0),
    (("332", "1", None), 3.0),
    (("332", "2", None), 1.0),
    (("334", "1", None), 2.5),
    (("333", "1", None), 1.0),
    (("335", "2", "а"), 3.0),
    (("339", "1", None), 1.5),
    (("346", "1", None), 0.5),
    (("348", None, None), 0.5),
    (("336", "1", None), 1.0),
]

ARTICLE_MIX_MOBILISATION: list[tuple[Charge3, float]] = [
    (("337", "5", None), 58.0),
    (("337", "3.1", None), 20.0),
    (("337", "2.1", None), 6.5),
    (("337", "4", None), 2.0),
    (("337", "3", None), 1.5),
    (("332", "2.1", None), 5.2),
    (("332", "2.2", None), 0.3),
    (("332", "1", None), 0.5),
    (("338", "3", None), 4.2),
    (("338", "1", None), 0.3),
    (("339", "3", None), 0.5),
    (("352.1", None, None), 0.3),
    (("334", "3", None), 0.6),
    (("334", "1", None), 0.4),
    (("333", "3", None), 0.3),
    (("335", "2", "а"), 0.4),
    (("346", "2", None), 0.1),
]

UNRELATED_MIX: list[tuple[Charge3, float]] = [
    (("228", "2", None), 16.0),
    (("228", "1", None), 10.0),
    (("158", "2", "в"), 12.0),
    (("159", "3", None), 9.0),
    (("159", "4", None), 4.0),
    (("264", "1", None), 8.0),
    (("264.1", "1", None), 6.0),
    (("290", "3", None), 4.0),
    (("291", "3", None), 4.0),
    (("286", "3", "а"), 5.0),
    (("285", "1", None), 3.0),
    (("160", "3", None), 5.0),
    (("222", "1", None), 4.0),
    (("111", "1", None), 3.0),
    (("115", "2", "а"), 3.0),
    (("327", "3", None), 4.0),
]

DISTRICT_MIX: list[tuple[Charge3, float]] = [
    (("275", None, None), 30.0),
    (("205.2", "2", None), 25.0),
    (("205.5", "2", None), 15.0),
    (("105", "2", "ж"), 15.0),
    (("338", "3", None), 15.0),
]

# Extra charges that come with a principal one (multi-article cases), by principal article.
COMPANION_CHARGES: dict[str, list[Charge3]] = {
    "337": [
        ("332", "2.1", None),
        ("338", "3", None),
        ("339", "3", None),
        ("222", "1", None),
        ("158", "2", "в"),
        ("337", "3.1", None),
    ],
    "338": [("337", "5", None), ("226", "4", "б")],
    "332": [("337", "5", None), ("334", "3", None)],
    "228": [("228.1", "4", "г"), ("222", "1", None)],
    "159": [("159", "4", None), ("327", "3", None)],
}

# The peacetime part that stands in for a part created by 365-ФЗ on a case received before
# that law. Its keys are the parts that cannot predate 24.09.2022: the mobilisation parts of
# `kartoteka.registry.articles` (which decides what counts as one, for the truth as for the
# pipeline) plus 346 ч.2, a special-period part the registry leaves unconfirmed (DOMAIN.md §3).
PEACETIME_EQUIVALENT: dict[tuple[str, str | None], tuple[str, str | None]] = {
    ("337", "5"): ("337", "4"),
    ("337", "3.1"): ("337", "3"),
    ("337", "2.1"): ("337", "1"),
    ("338", "3"): ("338", "1"),
    ("332", "2.1"): ("332", "1"),
    ("332", "2.2"): ("332", "2"),
    ("339", "3"): ("339", "1"),
    ("333", "3"): ("333", "1"),
    ("334", "3"): ("334", "1"),
    ("346", "2"): ("346", "1"),
    ("352.1", None): ("338", "1"),
}
