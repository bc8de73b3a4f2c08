"""Every real verdict text in ../shared/fixtures/acts reads to its reviewed expected output,
and the sentences agree with the hand-checked labels.json.

Expected outputs (`expected/<file>.json`) hold the act contract of `inspect --act --json`
(defendants as initials or the court's marks) plus, per sentence, the masked text of every
span as evidence for the reviewer. A missing file is written and the test FAILS until it has
been reviewed and committed; after a deliberate change regenerate with
`KARTOTEKA_REGEN=1 pytest tests/acts` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kartoteka.acts import mask_text, read_act
from kartoteka.acts.models import ActReading

from .conftest import act_files

EXPECTED = Path(__file__).parent / "expected"
REGENERATE = os.environ.get("KARTOTEKA_REGEN") == "1"
LABELLED = ("outcome", "punishment", "term_months", "suspended", "probation_months", "regime")
LABELLED += ("fine_rub", "additional", "articles")


def _names() -> list[str]:
    return sorted({p.stem for p in EXPECTED.glob("*.json")} | {n[:-4] for n in act_files()})


def expected_form(reading: ActReading) -> dict:
    body = reading.to_contract()
    names = [reading.text[s.name_span[0] : s.name_span[1]] for s in reading.sentences]
    for sentence, out in zip(reading.sentences, body["sentences"], strict=True):
        out["evidence"] = {
            field: mask_text(reading.text[a:b], names) for field, (a, b) in sentence.spans.items()
        }
    return body


@pytest.mark.parametrize("name", _names())
def test_act_matches_reviewed_expected_output(name: str, acts_dir: Path) -> None:
    source = acts_dir / f"{name}.txt"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    got = expected_form(read_act(source.read_text("utf-8")))
    expected_file = EXPECTED / f"{name}.json"
    if REGENERATE or not expected_file.exists():
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if not REGENERATE:
            pytest.fail(f"{expected_file.name} was missing and has been written: review it")
    assert got == json.loads(expected_file.read_text("utf-8"))


def _as_label(sentence: dict, field: str) -> object:
    if field == "articles":
        return [[a["article"], a["part"], a["point"]] for a in sentence["articles"]]
    return sentence[field]


def label_agreement(labels: dict, acts_dir: Path) -> tuple[int, int, list[str]]:
    """(fields read right, fields labelled, what differs) over every labelled text."""
    right = total = 0
    wrong: list[str] = []
    for file, label in labels.items():
        if file.startswith("_"):
            continue
        reading = read_act((acts_dir / file).read_text("utf-8"))
        got = reading.to_contract()
        for field in ("doc_type", "date"):
            total += 1
            if got[field] == label[field]:
                right += 1
            else:
                wrong.append(f"{file}: {field} {got[field]!r} != {label[field]!r}")
        sentences = got["sentences"]
        total += 1
        if len(sentences) == len(label["defendants"]):
            right += 1
        else:
            wrong.append(f"{file}: {len(sentences)} sentences, {len(label['defendants'])} labelled")
        for i, want in enumerate(label["defendants"]):
            for field in LABELLED:
                total += 1
                value = _as_label(sentences[i], field) if i < len(sentences) else None
                if value == want[field]:
                    right += 1
                else:
                    wrong.append(f"{file} #{i + 1}: {field} {value!r} != {want[field]!r}")
    return right, total, wrong


def test_sentences_agree_with_the_hand_checked_labels(labels: dict, acts_dir: Path) -> None:
    right, total, wrong = label_agreement(labels, acts_dir)
    assert total >= 140  # 14 defendants × 9 fields + 7 texts × 3
    assert not wrong, f"{right}/{total} fields right:\n" + "\n".join(wrong)
