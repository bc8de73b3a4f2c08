"""Dates, times, case numbers, UIDs and names as the court sites print them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kartoteka.sudrf.uid import is_valid_uid, make_uid, normalise_uid
from kartoteka.sudrf.values import (
    case_number_raw,
    initials,
    mask_person_names,
    normalise_case_number,
    parse_date,
    parse_publish_info,
    parse_time,
)


@pytest.mark.parametrize(
    ("printed", "number"),
    [
        ("ДЕЛО № 1-151/2026", "1-151/2026"),
        ("2-7212/2025 ~ М-5922/2025", "2-7212/2025"),
        ("7У-1297/2026 [77-655/2026]", "7У-1297/2026"),
        ("2-5/2026 (2-13/2025; 2-2935/2024;) ~ М-2773/2024", "2-5/2026"),
        ("  22-15/2026  ", "22-15/2026"),
        ("", None),
    ],
)
def test_case_number_is_the_first_number_as_printed(printed: str, number: str | None):
    assert normalise_case_number(printed) == number


def test_case_number_raw_keeps_history_without_label():
    assert case_number_raw("ДЕЛО № 2-5/2026 ~ М-7523/2025") == "2-5/2026 ~ М-7523/2025"


def test_dates_and_times():
    assert parse_date("\xa028.04.2026 ") == dt.date(2026, 4, 28)
    assert parse_date("31.02.2026") is None
    assert parse_date("—") is None
    assert parse_time("9:30") == "09:30"
    assert parse_time("25:00") is None


def test_uid_is_read_out_of_a_longer_value():
    assert normalise_uid(" 27gv0008-01-2019-000081-20 (прежний УИД: ...)") == (
        "27GV0008-01-2019-000081-20"
    )
    assert normalise_uid("27GV0008 - 01 - 2019 - 000081 - 20") == "27GV0008-01-2019-000081-20"
    assert not is_valid_uid("нет")


def test_known_uids_pass_and_damaged_ones_fail():
    assert is_valid_uid("27GV0008-01-2019-000081-20")
    assert is_valid_uid("11RS0001-01-2025-011255-03")
    assert not is_valid_uid("27GV0008-01-2019-000081-21")
    assert not is_valid_uid("27GV0008-01-2019-00008-20")
    assert not is_valid_uid(None)


@given(
    code=st.from_regex(r"\A[0-9]{2}(GV|OV|AV|KV|RS)[0-9]{4}\Z"),
    block=st.integers(1, 9),
    year=st.integers(2010, 2030),
    serial=st.integers(0, 999999),
)
def test_made_uids_are_valid_and_one_changed_digit_is_caught(code, block, year, serial):
    uid = make_uid(code, block, year, serial)
    assert is_valid_uid(uid)
    last = uid[-1]
    assert not is_valid_uid(uid[:-1] + str((int(last) + 1) % 10))


def test_names_reduced_to_initials():
    assert initials("Тестов Тест Тестович") == "Т.Т.Т."
    assert initials("Тестов Т. Т.") == "Т.Т.Т."
    assert mask_person_names("Прокуратура района, Тестов Т.Т.") == "Прокуратура района, Т.Т.Т."
    assert mask_person_names("Жалобу подал(а): Пробный Пётр Петрович\nСуд: Н") == (
        "Жалобу подал(а): П.П.П.\nСуд: Н"
    )


def test_card_footer_publication_times():
    published, modified = parse_publish_info(
        "опубликовано 22.04.2026 18:54, изменено 19.06.2026 20:05"
    )
    assert published == dt.datetime(2026, 4, 22, 18, 54)
    assert modified == dt.datetime(2026, 6, 19, 20, 5)
    assert parse_publish_info("опубликовано 31.02.2026 10:00") == (None, None)
    assert parse_publish_info(None) == (None, None)
