"""Tables of (text, expected) for the small grammars: terms, numbers, articles, cleaning."""

from __future__ import annotations

import pytest

from kartoteka.acts.articles import parse_articles
from kartoteka.acts.clean import clean_text
from kartoteka.acts.numbers import words_value
from kartoteka.acts.terms import find_terms


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("в виде 5 (пять) лет 6 (шесть) месяцев лишения свободы", 66),
        ("на срок пяти лет", 60),
        ("1 г. 8 мес.", 20),
        ("6 /шести/ месяцев", 6),
        ("определить ЧЕТЫРЕ года лишения свободы", 48),
        ("ТРИ года ШЕСТЬ месяцев", 42),
        ("сроком на полтора года", 18),
        ("1 одного года", 12),
        ("2 (два) года шесть месяцев", 30),
        ("одного года и восьми месяцев", 20),
        ("1 год и 8 месяцев", 20),
        ("двадцати четырех месяцев", 24),
        ("на срок 2 года 10 дней", 24),
        ("сроком на 11 (одиннадцать) месяцев", 11),
    ],
)
def test_terms_in_words_or_digits(text: str, months: int) -> None:
    terms = find_terms(text)
    assert [t.months for t in terms] == [months]
    term = terms[0]
    assert text[term.start : term.end].split()[-1].rstrip(".") in text  # the span is the term


def test_hours_are_not_months_and_calendar_years_are_not_terms() -> None:
    assert [(t.months, t.hours) for t in find_terms("обязательных работ на срок 200 часов")] == [
        (None, 200)
    ]
    assert find_terms("приговором от 05.11.2020 г. осужден") == []
    assert find_terms("в период с 2022 года") == []


@pytest.mark.parametrize(
    ("words", "value"),
    [("пяти", 5), ("ЧЕТЫРЕ", 4), ("двадцати четырёх", 24), ("пятидесяти тысяч", 50000)],
)
def test_number_words(words: str, value: int) -> None:
    assert words_value(words.split()) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("п. «а» ч. 2 ст. 163, ч. 1 ст. 161", [("163", "2", "а"), ("161", "1", None)]),
        (
            "ст. ст. 162 ч. 2, 161 ч. 2 п.п. «а,г», 162 ч. 2",
            [("162", "2", None), ("161", "2", "а,г")],
        ),
        ("ч. 5 ст. 337", [("337", "5", None)]),
        ("ч.3 ст.30, ч.1 ст.338", [("338", "1", None)]),
        ("ст. 337 ч. 2.1", [("337", "2.1", None)]),
        ("пунктом «б» части 2 статьи 338", [("338", "2", "б")]),
        ("ч. 5 ст. 337 и ч. 3 ст. 338", [("337", "5", None), ("338", "3", None)]),
        ("п. «б» ч. 2 ст. 173.1", [("173.1", "2", "б")]),
        ("ст. 352.1", [("352.1", None, None)]),
    ],
)
def test_articles_in_every_order(text: str, expected: list[tuple]) -> None:
    refs = parse_articles(text, offset=10)
    assert [r.key() for r in refs] == expected
    assert all(text[r.start - 10 : r.end - 10].strip() for r in refs)


def test_cleaning_joins_spaced_words_and_normalises_blanks() -> None:
    raw = (
        "П Р И Г О В О Р И Л:\n\n  ч.\u00a05\u00a0ст.\u00a0337  УК РФ \r\nИ М Е Н Е М  Р О С С И И"
    )
    assert clean_text(raw) == "ПРИГОВОРИЛ:\nч. 5 ст. 337 УК РФ\nИМЕНЕМ РОССИИ"
    assert clean_text("в с и а") == "в с и а"  # short lower-case runs are prose
