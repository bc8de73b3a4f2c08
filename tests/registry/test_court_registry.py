from collections import Counter

import pytest

from kartoteka.registry.courts import (
    CourtLevel,
    RegistryError,
    level_from_code,
    read_courts,
    select_courts,
)
from kartoteka.sudrf.urls import Dialect


def test_csv_registry_has_the_111_military_courts(courts_csv):
    courts = read_courts(courts_csv)
    assert len(courts) == 111
    levels = Counter(c.level for c in courts)
    assert levels[CourtLevel.GARRISON] == 100
    assert levels[CourtLevel.DISTRICT] + levels[CourtLevel.FLEET] == 9
    assert levels[CourtLevel.APPELLATE] == levels[CourtLevel.CASSATION] == 1
    kas = next(c for c in courts if c.code == "54KV0000")
    assert kas.host == "vkas.sudrf.ru" and kas.dialect is Dialect.CLASSIC
    assert kas.captcha_seen is False
    assert any(c.dialect is None for c in courts)  # unknown dialects stay unknown


def test_directory_json_selects_military_courts_by_code(directory_json):
    courts = read_courts(directory_json)
    assert courts and all(c.code[2:4] in {"GV", "OV", "AV", "KV"} for c in courts)
    assert all(c.host and "/" not in c.host for c in courts)
    assert all(c.dialect is None for c in courts)


def test_select_by_level_and_codes(courts_csv):
    courts = read_courts(courts_csv)
    assert len(select_courts(courts, level="garrison")) == 100
    assert [c.code for c in select_courts(courts, codes=["54kv0000"])] == ["54KV0000"]


def test_fleet_courts_are_told_from_district_courts_by_name():
    assert level_from_code("25OV0000", "Тихоокеанский флотский военный суд") is CourtLevel.FLEET
    assert level_from_code("27OV0000", "1-й Восточный окружной военный суд") is CourtLevel.DISTRICT
    with pytest.raises(RegistryError):
        level_from_code("22RS0001")


def test_csv_without_required_columns_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,title\n54KV0000,x\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="missing columns"):
        read_courts(bad)
