"""The working-day calendar (工作日) on which the procedure's deadlines run.

Public holidays and the weekend days worked in their place (调休上班) come from the State Council's
yearly notices, kept as data in `policy/params/public_holidays.csv` with each year's notice in
`public_holiday_notices.csv`. A year without a notice on file counts Monday to Friday; such dates are
reported as provisional (`covers`), so a deadline computed into an unpublished year says so.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache

from minsheng.policy import PARAMS_DIR

HOLIDAYS_FILE = PARAMS_DIR / "public_holidays.csv"
NOTICES_FILE = PARAMS_DIR / "public_holiday_notices.csv"


@dataclass(frozen=True)
class Notice:
    year: int
    document: str
    issuer: str
    date: dt.date
    url: str
    status: str


class WorkingCalendar:
    def __init__(
        self, holidays: dict[dt.date, str], workdays: dict[dt.date, str], notices: dict[int, Notice]
    ):
        self.holidays = holidays
        self.workdays = workdays
        self.notices = notices

    def covers(self, day: dt.date) -> bool:
        """True when the State Council's notice for the day's year is on file."""
        return day.year in self.notices

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (the day itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        days = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days += 1
        return days


@cache
def calendar() -> WorkingCalendar:
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    with HOLIDAYS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = dt.date.fromisoformat(row["date"])
            if row["kind"] == "holiday":
                holidays[day] = row["name_zh"]
            elif row["kind"] == "workday":
                workdays[day] = row["name_zh"]
            else:
                raise ValueError(f"{HOLIDAYS_FILE.name}: unknown kind {row['kind']!r} on {day}")
    notices: dict[int, Notice] = {}
    with NOTICES_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year = int(row["year"])
            notices[year] = Notice(
                year,
                row["document"],
                row["issuer"],
                dt.date.fromisoformat(row["date"]),
                row["url"],
                row["status"],
            )
    return WorkingCalendar(holidays, workdays, notices)
