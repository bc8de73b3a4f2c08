"""`Filter.charges`: any of several charges (whole articles or article.part keys), each case
counted once; `mobilisation_charges()` lists the parts 365-ФЗ added (the claim check's
"mobilisation articles")."""

from __future__ import annotations

import pytest

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter


@pytest.mark.parametrize(
    ("charges", "expected"),
    [
        (("337.5", "338.3"), {"1", "2", "5", "7", "8", "9"}),  # case 2 has both: once
        (("338",), {"2", "8"}),  # a whole article
        (("332.2.1", "352.1"), {"3", "6"}),  # a two-level part; 352.1 is an article
        (m.mobilisation_charges(), {str(n) for n in range(1, 10)}),
    ],
)
def test_a_case_counts_once_when_any_of_its_charges_is_listed(history, charges, expected):
    con = history.connect()
    try:
        flt = Filter(charges=charges)
        listed = {r.case_key.rsplit("/", 1)[1] for r in m.list_cases(con, flt)}
        total = m.cumulative_cases(con, flt, since=None)
    finally:
        con.close()
    assert listed == expected
    assert total.cases == len(expected)


def test_with_principal_only_the_principal_charge_counts(history):
    con = history.connect()
    try:
        n = m.cumulative_cases(con, Filter(charges=("337.5",), principal=True), since=None)
    finally:
        con.close()
    assert n.cases == 4  # case 2 counts under 338.3, its principal charge


def test_mobilisation_charges_per_article():
    assert m.mobilisation_charges(frozenset({"337"})) == ("337.2.1", "337.3.1", "337.5")
    assert "352.1" in m.mobilisation_charges()
    assert all(not c.startswith("335") for c in m.mobilisation_charges())
