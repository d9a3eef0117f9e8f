"""The loan-rate table (中国人民银行 个人住房公积金贷款利率) and the repricing rule.

Pure: the table is built from the `housing_fund.loan_rate` parameter rows by the service and passed in.

- A new loan takes the rate in force on its issue date, for its home (first or second) and its term
  band (up to and including 5 years, or over).
- An existing loan reprices on the next 1 January after a change (RULES.md §4.1; the 2022 seed page:
  loans issued before 2022-10-01 move to the new rate from 2023-01-01): an instalment due in a later
  calendar year than the issue date bears the rate in force on 1 January of its year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from minsheng.housing_fund.schedule import ScheduleError

Home = Literal["first", "second"]
TermBand = Literal["up_to_5_years", "over_5_years"]
HOMES: tuple[Home, ...] = ("first", "second")
TERM_BANDS: tuple[TermBand, ...] = ("up_to_5_years", "over_5_years")


@dataclass(frozen=True)
class RateRow:
    effective_from: date
    effective_to: date | None  # exclusive; None = still in force
    home: Home
    term_band: TermBand
    rate: Decimal
    source: Mapping[str, Any]
    status: str = "confirmed"

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True)
class RateUsed:
    """The rate a loan bears, with where it comes from (for the quote and the reasons)."""

    rate: Decimal
    effective_from: date
    home: Home
    term_band: TermBand
    source: Mapping[str, Any]
    status: str


def term_band(months: int, band_years: int) -> TermBand:
    return "up_to_5_years" if months <= band_years * 12 else "over_5_years"


class RateTable:
    """Rows by home and term band; overlapping rows are refused, naming the row."""

    def __init__(self, rows: Iterable[RateRow], field_name: str = "housing_fund.loan_rate"):
        self.rows = tuple(sorted(rows, key=lambda r: (r.home, r.term_band, r.effective_from)))
        for index, row in enumerate(self.rows):
            where = f"{field_name}[{row.home},{row.term_band},{row.effective_from.isoformat()}]"
            if row.home not in HOMES:
                raise ScheduleError(
                    where + ".home", "choice", "home 应为 first 或 second", "home must be first or second"
                )
            if row.term_band not in TERM_BANDS:
                raise ScheduleError(
                    where + ".term_band",
                    "choice",
                    "term_band 应为 up_to_5_years 或 over_5_years",
                    "term_band must be up_to_5_years or over_5_years",
                )
            if not Decimal(0) <= row.rate < Decimal(1):
                raise ScheduleError(
                    where + ".value", "range", "利率应在 0 与 1 之间", "a rate must be between 0 and 1"
                )
            if row.effective_to is not None and row.effective_to <= row.effective_from:
                raise ScheduleError(
                    where + ".effective_to",
                    "after_start",
                    "失效日期必须晚于生效日期",
                    "effective_to must come after effective_from",
                )
            previous = self.rows[index - 1] if index else None
            same_series = previous is not None and (previous.home, previous.term_band) == (
                row.home,
                row.term_band,
            )
            if same_series and (previous.effective_to is None or previous.effective_to > row.effective_from):
                raise ScheduleError(
                    where + ".effective_from",
                    "overlap",
                    f"利率表日期重叠:{previous.effective_from} 起的一行与 {row.effective_from} 起的一行同时有效",
                    f"rate table dates overlap: the row from {previous.effective_from} is still in force "
                    f"when the row from {row.effective_from} begins",
                )

    def rate_on(self, day: date, home: Home, band: TermBand) -> RateUsed:
        for row in self.rows:
            if row.home == home and row.term_band == band and row.in_force(day):
                return RateUsed(row.rate, row.effective_from, home, band, row.source, row.status)
        raise ScheduleError(
            "issue_date",
            "no_rate",
            f"{day} 没有适用的贷款利率({home}, {band})",
            f"no loan rate is in force on {day} ({home}, {band})",
        )

    def contract_rate(self, issue_date: date, due_date: date, home: Home, band: TermBand) -> RateUsed:
        """The rate of an instalment: the issue date's rate in the issue year, then each 1 January's."""
        if due_date.year <= issue_date.year:
            return self.rate_on(issue_date, home, band)
        return self.rate_on(date(due_date.year, 1, 1), home, band)

    def repricings(
        self, issue_date: date, until: date, home: Home, band: TermBand
    ) -> list[tuple[date, RateUsed]]:
        """The 1 Januaries on which a loan issued on `issue_date` changes rate, up to `until`."""
        changes = []
        current = self.rate_on(issue_date, home, band).rate
        for year in range(issue_date.year + 1, until.year + 1):
            used = self.rate_on(date(year, 1, 1), home, band)
            if used.rate != current:
                changes.append((date(year, 1, 1), used))
                current = used.rate
        return changes
