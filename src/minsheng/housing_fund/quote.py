"""贷款试算 — a loan quote: the rate a loan would bear, with its source, and both schedules.

No database: the quote reads the rate table from the parameters and does the loan mathematics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from minsheng.housing_fund import parameters
from minsheng.housing_fund.rates import Home, RateTable, RateUsed, term_band
from minsheng.housing_fund.schedule import (
    METHODS,
    Method,
    Schedule,
    ScheduleError,
    loan_schedule,
    simple_schedule,
)


@dataclass(frozen=True)
class Quote:
    principal_fen: int
    months: int
    home: Home | None
    issue_date: date | None
    rate: Decimal
    rate_used: RateUsed | None  # None when the caller named the rate
    schedules: dict[Method, Schedule]

    def as_dict(self, with_schedule: bool = True) -> dict:
        source = None
        if self.rate_used is not None:
            source = {
                "effective_from": self.rate_used.effective_from.isoformat(),
                "home": self.rate_used.home,
                "term_band": self.rate_used.term_band,
                "status": self.rate_used.status,
                **{k: str(v) for k, v in self.rate_used.source.items()},
            }
        return {
            "principal_fen": self.principal_fen,
            "months": self.months,
            "home": self.home,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "rate": str(self.rate),
            "rate_source": source,
            "methods": {
                method: {
                    "first_payment_fen": s.first_payment_fen,
                    "second_payment_fen": s.instalments[1].payment_fen if len(s.instalments) > 1 else None,
                    "last_payment_fen": s.last_payment_fen,
                    "total_interest_fen": s.total_interest_fen,
                    "total_payment_fen": s.total_payment_fen,
                    "instalments": len(s.instalments),
                    **({"schedule": s.as_rows()} if with_schedule else {}),
                }
                for method, s in self.schedules.items()
            },
        }


def quote(
    principal_fen: int,
    months: int,
    *,
    home: Home | None = "first",
    issue_date: date | None = None,
    rate: Decimal | None = None,
    methods: tuple[Method, ...] = METHODS,
    table: RateTable | None = None,
) -> Quote:
    """A quote at a named rate, or at the rate table's rate on `issue_date` (repriced each 1 January)."""
    if (rate is None) == (issue_date is None):
        raise ScheduleError(
            "rate",
            "one_of",
            "请给出利率或发放日期之一",
            "give either the rate or the issue date, not both and not neither",
        )
    try:
        longest = parameters.value("housing_fund.loan_max_term", issue_date or date.today()).value
    except LookupError:
        raise ScheduleError(
            "issue_date",
            "no_rate",
            f"{issue_date} 没有适用的贷款规定",
            f"no loan rules are in force on {issue_date}",
        ) from None
    if months > longest * 12:
        raise ScheduleError(
            "months",
            "max_term",
            f"贷款期限 {months} 个月超过最长 {longest} 年",
            f"a term of {months} months exceeds the longest, {longest} years",
        )
    if rate is not None:
        schedules = {m: simple_schedule(principal_fen, rate, months, m) for m in methods}
        return Quote(principal_fen, months, home, None, rate, None, schedules)
    if home not in ("first", "second"):
        raise ScheduleError("home", "choice", "首套 first 或二套 second", "home must be first or second")
    table = table or parameters.rate_table()
    try:
        band_years = parameters.value("housing_fund.loan_rate_term_band_years", issue_date).value
    except LookupError:
        raise ScheduleError(
            "issue_date",
            "no_rate",
            f"{issue_date} 没有适用的贷款利率",
            f"no loan rate is in force on {issue_date}",
        ) from None
    band = term_band(months, int(band_years))
    used = table.rate_on(issue_date, home, band)

    def rate_for(due: date) -> Decimal:
        return table.contract_rate(issue_date, due, home, band).rate

    schedules = {m: loan_schedule(principal_fen, months, m, issue_date, rate_for) for m in methods}
    return Quote(principal_fen, months, home, issue_date, used.rate, used, schedules)
