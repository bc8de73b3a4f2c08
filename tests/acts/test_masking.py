"""Masking leaves no personal name in an act text: on every real verdict text (names derived
here from the text itself, never written down) and on sandbox act texts (whose fictional
names the sandbox knows). Also: the reviewed expected outputs hold no name either."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest

from kartoteka.acts import mask_text, read_act
from kartoteka.acts.mask import COURT_MARKS
from kartoteka.acts.morph import analyser
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_html
from kartoteka.sudrf.act import act_text
from kartoteka.sudrf.html import parse_html

from .conftest import act_files

WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")
EXPECTED = Path(__file__).parent / "expected"


@cache
def _ner():
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def _is_name_word(word: str) -> bool:
    """A word that can only be read as a name: pymorphy3 tags a parse of it as a surname,
    first name or patronymic, or does not know it at all."""
    parses = analyser().parse(word)
    return any(t in str(p.tag) for p in parses for t in ("Surn", "Name", "Patr")) or not any(
        p.is_known for p in parses
    )


def names_in(text: str, defendants: list[str]) -> set[str]:
    """The personal-name words of a text: what natasha's NER marks as a person (name words
    only), what pymorphy3 parses first as a surname, and the defendants' names."""
    from natasha import Doc

    segmenter, tagger = _ner()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    words: set[str] = set()
    for span in doc.spans:
        if span.type == "PER":
            words.update(w for w in WORD.findall(span.text) if _is_name_word(w))
    for word in WORD.findall(text):
        if "Surn" in str(analyser().parse(word)[0].tag):
            words.add(word)
    for name in defendants:
        words.update(WORD.findall(name))
    marks = {w for m in COURT_MARKS.finditer(text) for w in WORD.findall(m.group(0))}
    return {w for w in words if len(w) >= 3 and w not in marks}


def _left(words: set[str], text: str) -> list[str]:
    return sorted(w for w in words if re.search(rf"(?<![А-ЯЁа-яё]){re.escape(w)}(?![а-яё])", text))


@pytest.mark.parametrize("file", act_files())
def test_no_name_left_in_a_real_verdict(file: str, acts_dir: Path) -> None:
    reading = read_act((acts_dir / file).read_text("utf-8"))
    defendants = [reading.text[a:b] for a, b in (s.name_span for s in reading.sentences)]
    names = names_in(reading.text, defendants)
    assert names, "the check must have names to look for"
    masked = mask_text(reading.text, defendants)
    left = _left(names, masked)
    assert not left, f"{len(left)} name words left in the masked text of {file}"
    # The operative part still reads the same after masking.
    again = read_act(masked)
    assert [s.term_months for s in again.sentences] == [s.term_months for s in reading.sentences]


def test_expected_outputs_hold_no_name(acts_dir: Path) -> None:
    for file in act_files():
        reading = read_act((acts_dir / file).read_text("utf-8"))
        defendants = [reading.text[a:b] for a, b in (s.name_span for s in reading.sentences)]
        expected = EXPECTED / f"{file[:-4]}.json"
        if expected.exists():
            left = _left(names_in(reading.text, defendants), expected.read_text("utf-8"))
            assert not left, f"{expected.name} holds {len(left)} name words"


def test_no_sandbox_name_left() -> None:
    site = build_site(SandboxConfig(seed=11, faults="none", now=dt.date(2025, 6, 1)))
    checked = 0
    for code, court in list(site.caseload.courts.items())[:6]:
        for case in site.caseload.court(code).cases:
            if case.act_on is None:
                continue
            text = act_text(parse_html(act_html(case, court.name)).body)
            masked = mask_text(text)
            people = [d.name for d in case.defendants] + [case.judge]
            for person in people:
                for word in WORD.findall(person.full):
                    assert not re.search(rf"(?<![А-ЯЁа-яё]){word}(?![а-яё])", masked), word
            checked += 1
    assert checked > 20
