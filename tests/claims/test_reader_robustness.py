"""Whatever the text, the reader answers: no exception, every claim's span points at its text,
figures are finite, and a long or pathological text is reported rather than read."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.claims import read_claims

PIECES = [
    "более", "около", "over", "about", "13 000", "13,000", "5 024", "2,5 тыс.", "тысяч", "дел",
    "cases", "приговоров", "verdicts", "ст. 337", "ч. 5", "Article 338(3)", "AWOL",
    "дезертирство", "в 2023 году", "in May 2024", "с начала мобилизации", "since mobilisation",
    "больше, чем", "more than", "в неделю", "a week", "(", ")", ",", ".", "—", "34-35", "%",
    "половина", "из них", "Пермского гарнизонного военного суда", "в Псковской области",
    "by the end of July this year", "чем за весь прошлый год", "\n\n", "24.11.2023", "2022-м",
    # sentences (issue 13)
    "условные", "suspended", "реальные сроки", "real terms", "мобилизованных", "contract soldiers",
    "медианный срок", "median", "в среднем", "5 лет", "6 месяцев", "years", "полтора года",
    "в колонию-поселение", "disciplinary unit", "из", "против", "осуждённых", "after appeal",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40))
def test_any_mix_of_claim_words_reads_without_error(parts):
    text = " ".join(parts)
    reading = read_claims(text, dt.date(2024, 8, 12))
    for claim in reading.claims:
        start, end = claim.span
        assert 0 <= start < end <= len(text) and text[start:end] == claim.text
        assert claim.value is None or math.isfinite(claim.value)
        claim.to_json()
    for u in reading.unmapped:
        assert 0 <= u.span[0] <= u.span[1] <= len(text)


def test_a_sentence_too_long_to_be_prose_is_reported():
    text = "поступило 5 дел, " * 200
    reading = read_claims(text, dt.date(2024, 8, 12))
    assert reading.claims == () and "longer than" in reading.unmapped[0].reason
