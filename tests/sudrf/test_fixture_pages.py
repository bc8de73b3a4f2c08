"""Every real court page in ../shared/fixtures/sudrf parses to its reviewed expected output.

Expected outputs live in `expected/<page>.json` with personal names pseudonymised (see
`pseudonymise.py`). A missing expected file is written and the test FAILS on purpose until a
person has reviewed and committed it (as juriscraper does). Regenerate all of them after a
deliberate parser change with `KARTOTEKA_REGEN=1 pytest tests/sudrf` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kartoteka.sudrf import read_page
from kartoteka.sudrf.encoding import decode_page, encode_page
from sudrf.pseudonymise import pseudonymise

EXPECTED = Path(__file__).parent / "expected"
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "sudrf"
REGENERATE = os.environ.get("KARTOTEKA_REGEN") == "1"


def _page_names() -> list[str]:
    names = {p.stem for p in EXPECTED.glob("*.json")}
    if FIXTURES.exists():
        names |= {p.stem for p in FIXTURES.glob("*.html")}
    return sorted(names)


def _parsed(raw: bytes, name: str) -> dict:
    return pseudonymise(read_page(raw, url=f"fixture:{name}.html").to_dict())


@pytest.mark.parametrize("name", _page_names())
def test_page_matches_reviewed_expected_output(name: str, fixtures_dir: Path) -> None:
    page_file = fixtures_dir / f"{name}.html"
    if not page_file.exists():
        pytest.skip(f"{page_file} is absent")
    got = _parsed(page_file.read_bytes(), name)
    expected_file = EXPECTED / f"{name}.json"
    if REGENERATE or not expected_file.exists():
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if not REGENERATE:
            pytest.fail(
                f"{expected_file.name} was missing and has been written: review it, "
                "commit it, and run the tests again"
            )
    expected = json.loads(expected_file.read_text("utf-8"))
    assert got == expected


@pytest.mark.parametrize("name", _page_names())
def test_windows_1251_bytes_parse_like_utf8_bytes(name: str, fixtures_dir: Path) -> None:
    """Live sites send windows-1251; most fixtures were saved as UTF-8. Both must read alike."""
    page_file = fixtures_dir / f"{name}.html"
    if not page_file.exists():
        pytest.skip(f"{page_file} is absent")
    raw = page_file.read_bytes()
    as_site_sends = encode_page(decode_page(raw))
    assert read_page(as_site_sends).to_dict() == read_page(raw).to_dict()
