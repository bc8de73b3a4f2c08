"""Real published sentences (Russian and English news, with source and date) read to their
reviewed expected claims: example-file tests in the juriscraper way.

Each `corpus/*.json` holds quoted sentences of one public article (`sentences`, read as one
text published on `date`), its `source`, and under `expected` the reviewed reading. A file
without `expected` gets it written and the test FAILS on purpose until a person has reviewed
and committed it; after a deliberate change of the reader, regenerate with
`KARTOTEKA_REGEN=1 pytest tests/claims` and review the diff. Courts and regions are matched
against `courts.csv`, rows of the public court registry.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from kartoteka.claims import read_claims
from kartoteka.registry.courts import read_courts_csv

HERE = Path(__file__).parent
CORPUS = sorted((HERE / "corpus").glob("*.json"))
COURTS = read_courts_csv(HERE / "courts.csv")
REGENERATE = os.environ.get("KARTOTEKA_REGEN") == "1"


def reading_of(entry: dict) -> dict:
    text = " ".join(entry["sentences"])
    reading = read_claims(text, dt.date.fromisoformat(entry["date"]), COURTS)
    return {
        "claims": [c.to_json() | {"notes": list(c.notes)} for c in reading.claims],
        "unmapped": [u.to_json() for u in reading.unmapped],
    }


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_sentences_read_to_their_reviewed_claims(path: Path) -> None:
    entry = json.loads(path.read_text("utf-8"))
    got = reading_of(entry)
    if REGENERATE or "expected" not in entry:
        entry["expected"] = got
        path.write_text(json.dumps(entry, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if not REGENERATE:
            pytest.fail(f"{path.name} had no expected reading; written: review and commit it")
    assert got == entry["expected"]


def test_corpus_is_real_and_large_enough() -> None:
    entries = [json.loads(p.read_text("utf-8")) for p in CORPUS]
    assert sum(len(e["sentences"]) for e in entries) >= 30
    assert {e["language"] for e in entries} == {"ru", "en"}
    for e in entries:
        assert e["source"].startswith("https://")
        dt.date.fromisoformat(e["date"])
    claims = [c for e in entries for c in e.get("expected", {}).get("claims", [])]
    assert len(claims) >= 30
    assert {c["quantity"] for c in claims} >= {"cases", "defendants", "convicted", "verdicts"}
    # sentence claims of real reporting (issue 13): shares by service status, counts
    assert {c["quantity"] for c in claims} >= {"share_sentences", "sentences"}
    assert any(c["compare_to"] for c in claims) and any(c["per"] for c in claims)
