"""Charge strings as the court sites print them (DOMAIN.md §2), and the format → parse
round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kartoteka.registry.charges import format_charge, format_charges, parse_charges
from kartoteka.sudrf.models import Charge


def _tuples(raw: str):
    return [(c.code, c.article, c.part, c.point) for c in parse_charges(raw)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ст.337 ч.5 УК РФ", [("УК РФ", "337", "5", None)]),
        ("ст.173.1 ч.2 п.б УК РФ", [("УК РФ", "173.1", "2", "б")]),
        (
            "ст.183 ч.4; ст.290 ч.3 УК РФ",
            [("УК РФ", "183", "4", None), ("УК РФ", "290", "3", None)],
        ),
        ("ч.5 ст.337 УК РФ", [("УК РФ", "337", "5", None)]),
        ("ст. 337 ч. 2.1", [(None, "337", "2.1", None)]),
        ("ст.12.15 ч.4 КоАП РФ", [("КоАП РФ", "12.15", "4", None)]),
        ("ст.30 ч.3, ст.338 ч.1", [(None, "30", "3", None), (None, "338", "1", None)]),
        ("п. «б» ч. 2 ст. 173.1 УК РФ", [("УК РФ", "173.1", "2", "б")]),
        ("ст.352.1 УК РФ", [("УК РФ", "352.1", None, None)]),
        ("ст.337 ч.5.1 УК РФ", [("УК РФ", "337", "5.1", None)]),
        (
            "ст.337 ч.5 УК РФ; ст.19.3 ч.1 КоАП РФ",
            [("УК РФ", "337", "5", None), ("КоАП РФ", "19.3", "1", None)],
        ),
        ("СТ.338 Ч.3 УК РФ", [("УК РФ", "338", "3", None)]),
        ("Вынесен ПРИГОВОР", []),
        ("", []),
        ("ч.5 УК РФ", []),  # a part of nothing names no article
    ],
)
def test_court_site_spellings(raw: str, expected: list):
    assert _tuples(raw) == expected


def test_raw_text_is_kept_per_charge():
    first, second = parse_charges("ст.183 ч.4; ст.290 ч.3 УК РФ")
    assert first.raw == "ст.183 ч.4"
    assert second.raw == "ст.290 ч.3 УК РФ"
    (only,) = parse_charges("ч.5 ст.337 УК РФ")
    assert only.raw == "ч.5 ст.337 УК РФ"


def test_initials_are_not_read_as_points():
    (charge,) = parse_charges("Петров П.П. - ст.337 ч.5 УК РФ")
    assert (charge.article, charge.part, charge.point) == ("337", "5", None)


_number = st.builds(
    lambda head, tail: ".".join(map(str, [head, *tail])),
    st.integers(1, 400),
    st.lists(st.integers(1, 20), max_size=2),
)
_charge = st.builds(
    Charge,
    code=st.sampled_from([None, "УК РФ", "КоАП РФ", "УПК РФ"]),
    article=_number,
    part=st.none() | _number,
    point=st.none() | st.sampled_from(list("абвгдежзик")) | st.integers(1, 9).map(str),
)


@given(_charge)
def test_format_then_parse_round_trips(charge: Charge):
    text = format_charge(charge)
    (parsed,) = parse_charges(text)
    assert (parsed.code, parsed.article, parsed.part, parsed.point) == (
        charge.code,
        charge.article,
        charge.part,
        charge.point,
    )
    assert parsed.raw == text


@given(
    st.sampled_from([None, "УК РФ", "КоАП РФ"]).flatmap(
        lambda code: st.lists(
            _charge.map(lambda c: Charge(code, c.article, c.part, c.point)), min_size=1, max_size=5
        )
    )
)
def test_several_charges_with_one_code_round_trip(charges: list[Charge]):
    parsed = parse_charges(format_charges(charges))
    assert [(c.code, c.article, c.part, c.point) for c in parsed] == [
        (c.code, c.article, c.part, c.point) for c in charges
    ]


def test_mixed_codes_keep_their_own_code():
    charges = parse_charges(format_charges(parse_charges("ст.337 ч.5 УК РФ; ст.19.3 КоАП РФ")))
    assert [c.code for c in charges] == ["УК РФ", "КоАП РФ"]


@given(st.text(max_size=200))
def test_any_text_gives_charges_or_nothing(text: str):
    for charge in parse_charges(text):
        assert charge.article and charge.article[0].isdigit()
        assert charge.raw and charge.raw in text


def test_mentions_charge_finds_what_the_plain_pattern_finds() -> None:
    """The pre-check's look-behind sits after the "ст", and the "ст" is spelt as the letters
    that match it ignoring case (for speed): it must match exactly the texts the plain
    pattern, a look-behind before the "ст" and IGNORECASE throughout, matches."""
    import random
    import re

    from kartoteka.registry.charges import _NUMBER, mentions_charge

    plain = re.compile(rf"(?<![а-яёa-z])ст(?:атьи|атья)?\.?\s*{_NUMBER}", re.IGNORECASE)
    rng = random.Random(11)
    alphabet = "стСТатьяиАТЬИ .12аяzё\n(«-\u1c83\u1c84\u1c85"
    samples = ["ст.337", "Ст. 338 ч.1", "пост.5", "ст5", "Статьи 337", "ФИО - ст.337 ч.5 УК РФ"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(5000)
    ]
    for text in samples:
        assert mentions_charge(text) == bool(plain.search(text)), text


def test_the_letters_of_st_are_every_letter_that_matches_them_ignoring_case() -> None:
    """`mentions_charge` spells "ст" as two sets of letters: they must be exactly the code
    points that match "с" and "т" ignoring case in this Python (a new Unicode version could
    add one)."""
    import re
    import sys

    from kartoteka.registry.charges import _HAS_ARTICLE

    opening = _HAS_ARTICLE.pattern[: _HAS_ARTICLE.pattern.index("(?i:")]
    for letter, spelt in zip("ст", re.findall(r"\[([^\]]+)\]", opening), strict=True):
        plain = re.compile(letter, re.IGNORECASE)
        found = {chr(i) for i in range(sys.maxunicode + 1) if plain.fullmatch(chr(i))}
        assert found == set(spelt)
