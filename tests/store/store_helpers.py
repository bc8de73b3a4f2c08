"""Shared constants and helpers of the store tests."""

import datetime as dt

HOST = "ugvs.prm.sudrf.ru"
COURT = "27GV0008"


def at(day: int, month: int = 3, year: int = 2024, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)
