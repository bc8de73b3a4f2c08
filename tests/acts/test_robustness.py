"""`read_act` never raises on damaged or odd text, and never invents a sentence where the
text gives none: truncated real texts, flipped characters, garbage, empty input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kartoteka.acts import mask_text, read_act

from .conftest import act_files


@pytest.mark.parametrize("file", act_files())
def test_truncated_and_damaged_real_texts(file: str, acts_dir: Path) -> None:
    text = (acts_dir / file).read_text("utf-8")
    rng = random.Random(file)
    for cut in range(0, len(text), max(1, len(text) // 12)):
        reading = read_act(text[:cut])
        for s in reading.sentences:  # whatever is read points into the text
            assert 0 <= s.span[0] <= s.span[1] <= len(reading.text)
    chars = list(text)
    for _ in range(40):
        chars[rng.randrange(len(chars))] = rng.choice("«»()/\\.,;:0123456789ПРИГОВОРИЛ \n<>")
    read_act("".join(chars))
    mask_text("".join(chars))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "ПРИГОВОРИЛ:", "ПРИГОВОРИЛ: признать виновным", "<<<>>>" * 50, "а" * 5000],
)
def test_odd_input(text: str) -> None:
    reading = read_act(text)
    assert all(
        s.punishment in ("none", "other") or s.term_months is None for s in reading.sentences
    )
    assert isinstance(mask_text(text), str)


def test_a_text_without_an_operative_part_has_no_sentences() -> None:
    reading = read_act(
        "ПРИГОВОР\n12 марта 2024 года\n" + "Суд рассмотрел дело в отношении ФИО1. " * 20
    )
    assert reading.published and reading.operative_span is None and reading.sentences == []
