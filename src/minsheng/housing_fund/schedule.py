"""Loan mathematics of the housing provident fund: 等额本息 and 等额本金 schedules to the fen.

Pure functions: no database, no clock, no policy lookup (the caller passes rates in).

Arithmetic is exact: amounts are `fractions.Fraction` until the one explicit rounding to whole fen.
With r = annual rate / 12, n months and P the principal (RULES.md §4.2):

- 等额本息 equal instalments: M = P·r·(1+r)^n / ((1+r)^n − 1) (M = P/n when r = 0).
- 等额本金 equal principal: M_k = P/n + (P − (k−1)·P/n)·r.

Rounding (documented, tested):

1. The exact total interest of a schedule is rounded half up to the fen; the instalments add up to
   exactly the principal plus that total, and the principal parts add up to exactly the principal.
2. 等额本息: every instalment is M rounded half up (500 000 yuan, 30 years, 2.6 % → 2 001.70) and
   the last instalment takes the residue (2 001.18), so the total interest is the exact
   n·M − P rounded: 220 611.48.
3. 等额本金: each instalment is its exact value rounded to the fen by the largest-remainder method
   (ties to the earlier month), which moves no instalment by a fen or more, keeps the instalments
   from ever rising, and spreads the residue instead of piling it on one month: 2 472.22 first,
   1 391.90 last, total interest 195 541.67.
4. A month's interest part is the exact schedule's interest, rounded by the same largest-remainder
   method (so interest parts are never negative and add up to the rounded total); its principal part
   is the instalment less the interest part.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import Literal

Method = Literal["equal_instalment", "equal_principal"]
METHODS: tuple[Method, ...] = ("equal_instalment", "equal_principal")
PrepaymentMode = Literal["shorten_term", "lower_instalment"]
MONTHS_PER_YEAR = 12


class ScheduleError(ValueError):
    """Bad loan input: names the field and the rule, in Chinese and English."""

    def __init__(self, field: str, rule: str, message_zh: str, message_en: str):
        self.field = field
        self.rule = rule
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{field}: {message_zh} / {message_en}")


def round_half_up(amount: Fraction) -> int:
    """An exact amount of fen to whole fen, half away from zero (四舍五入)."""
    magnitude = (abs(amount.numerator) * 2 + amount.denominator) // (2 * amount.denominator)
    return magnitude if amount >= 0 else -magnitude


def largest_remainder(amounts: Sequence[Fraction], total: int) -> list[int]:
    """Whole-fen parts of non-negative exact amounts that add up to `total` (Hamilton's method).

    Each part is the amount's floor, plus one fen for the amounts with the largest fractions
    (ties to the earlier). A non-increasing sequence stays non-increasing.
    """
    denominator = 1
    for amount in amounts:
        denominator = denominator * amount.denominator // gcd(denominator, amount.denominator)
    return _largest_remainder(
        [a.numerator * (denominator // a.denominator) for a in amounts], denominator, total
    )


def _largest_remainder(numerators: Sequence[int], denominator: int, total: int) -> list[int]:
    """`largest_remainder` of numerators over one common denominator (whole-integer arithmetic)."""
    floors, remainders = (
        zip(*(divmod(n, denominator) for n in numerators), strict=True) if numerators else ((), ())
    )
    parts = list(floors)
    extra = total - sum(parts)
    if not 0 <= extra <= len(parts):
        raise ArithmeticError(f"cannot spread {extra} fen over {len(parts)} parts")
    for k in sorted(range(len(parts)), key=lambda k: (-remainders[k], k))[:extra]:
        parts[k] += 1
    return parts


def monthly_rate(annual_rate: Decimal | Fraction) -> Fraction:
    return Fraction(annual_rate) / MONTHS_PER_YEAR


def equal_instalment_payment(principal_fen: int, annual_rate: Decimal, months: int) -> Fraction:
    """The exact 等额本息 instalment in fen."""
    r = monthly_rate(annual_rate)
    if r == 0:
        return Fraction(principal_fen, months)
    growth = (1 + r) ** months
    return principal_fen * r * growth / (growth - 1)


@dataclass(frozen=True)
class Part:
    """One month of a segment: its principal and interest parts, in fen."""

    principal_fen: int
    interest_fen: int

    @property
    def payment_fen(self) -> int:
        return self.principal_fen + self.interest_fen


def amortise(principal_fen: int, annual_rate: Decimal, months: int, method: Method) -> list[Part]:
    """The schedule of `principal_fen` over `months` at `annual_rate`, rounded as the module says."""
    _check_terms(principal_fen, annual_rate, months, method)
    r = monthly_rate(annual_rate)
    if method == "equal_instalment":
        # Exact interests over one common denominator: with r = c/d and L = (d+c)^n − d^n,
        # month k's interest is P·c·((d+c)^n − d^(n−k+1)·(d+c)^(k−1)) / (d·L); integers stay fast.
        c, d = r.numerator, r.denominator
        if c == 0:
            interest_numerators, common = [0] * months, 1
        else:
            grown = (d + c) ** months
            common = d * (grown - d**months)
            # d^(n−k)·(d+c)^k for k = 0 … n−1, each from the last by an exact small division and product.
            interest_numerators, term = [], d**months
            for _ in range(months):
                interest_numerators.append(principal_fen * c * (grown - term))
                term = term // d * (d + c)
        exact_payment = equal_instalment_payment(principal_fen, annual_rate, months)
        total_interest = round_half_up(exact_payment * months - principal_fen)
        instalment = round_half_up(exact_payment)
        payments = [instalment] * (months - 1)
        payments.append(principal_fen + total_interest - instalment * (months - 1))
        interests = _largest_remainder(interest_numerators, common, total_interest)
    else:
        # Over the common denominator n·d (r = c/d): principal P·d, interest of month k P·c·(n−k+1).
        c, d = r.numerator, r.denominator
        common = months * d
        interest_numerators = [principal_fen * c * (months - k) for k in range(months)]
        total_interest = round_half_up(Fraction(principal_fen * c * months * (months + 1) // 2, common))
        payments = _largest_remainder(
            [principal_fen * d + i for i in interest_numerators], common, principal_fen + total_interest
        )
        interests = _largest_remainder(interest_numerators, common, total_interest)
    parts = [
        Part(payment - interest, interest) for payment, interest in zip(payments, interests, strict=True)
    ]
    if any(part.principal_fen < 0 for part in parts):
        raise ScheduleError(
            "principal",
            "too_small",
            f"本金 {principal_fen} 分相对于 {months} 期过小,无法按分摊还",
            f"principal of {principal_fen} fen is too small to amortise over {months} months",
        )
    return parts


def _check_terms(principal_fen: int, annual_rate: Decimal, months: int, method: str) -> None:
    if not isinstance(principal_fen, int) or isinstance(principal_fen, bool) or principal_fen <= 0:
        raise ScheduleError(
            "principal", "positive", "贷款本金必须大于零", "the principal must be more than zero"
        )
    if not isinstance(months, int) or months <= 0:
        raise ScheduleError("months", "positive", "贷款期数必须大于零", "the term must be at least one month")
    if annual_rate < 0 or annual_rate >= 1:
        raise ScheduleError(
            "rate",
            "range",
            "年利率应在 0 与 100% 之间(以小数表示,如 0.031)",
            "the annual rate must be between 0 and 100 % (a decimal such as 0.031)",
        )
    if method not in METHODS:
        raise ScheduleError(
            "method",
            "choice",
            "还款方式应为等额本息 equal_instalment 或等额本金 equal_principal",
            "the method must be equal_instalment or equal_principal",
        )


# ---------------------------------------------------------------------------------------------
# A loan's schedule over its life: dated instalments, repricing and prepayments
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    """One instalment of a loan (还款计划的一期)."""

    number: int
    due_date: date | None
    annual_rate: Decimal
    opening_balance_fen: int
    principal_fen: int
    interest_fen: int
    prepayment_fen: int = 0  # paid before this instalment, outside the schedule

    @property
    def payment_fen(self) -> int:
        return self.principal_fen + self.interest_fen

    @property
    def closing_balance_fen(self) -> int:
        return self.opening_balance_fen - self.principal_fen


@dataclass(frozen=True)
class Schedule:
    """还款计划 — a loan's instalments and their totals."""

    principal_fen: int
    months: int
    method: Method
    instalments: tuple[Instalment, ...]
    prepaid_fen: int = 0

    @property
    def total_interest_fen(self) -> int:
        return sum(i.interest_fen for i in self.instalments)

    @property
    def total_payment_fen(self) -> int:
        return sum(i.payment_fen for i in self.instalments)

    @property
    def first_payment_fen(self) -> int:
        return self.instalments[0].payment_fen

    @property
    def last_payment_fen(self) -> int:
        return self.instalments[-1].payment_fen

    def as_rows(self) -> list[dict]:
        return [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat() if i.due_date else None,
                "annual_rate": str(i.annual_rate),
                "opening_balance_fen": i.opening_balance_fen,
                "payment_fen": i.payment_fen,
                "principal_fen": i.principal_fen,
                "interest_fen": i.interest_fen,
                "prepayment_fen": i.prepayment_fen,
                "closing_balance_fen": i.closing_balance_fen,
            }
            for i in self.instalments
        ]


@dataclass(frozen=True)
class Prepayment:
    """提前还款 — a lump sum paid just before instalment `before_number`."""

    before_number: int
    amount_fen: int
    mode: PrepaymentMode = "lower_instalment"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def simple_schedule(principal_fen: int, annual_rate: Decimal, months: int, method: Method) -> Schedule:
    """A schedule at one rate, numbered from 1, without dates."""
    balance = principal_fen
    instalments = []
    for number, part in enumerate(amortise(principal_fen, annual_rate, months, method), start=1):
        instalments.append(
            Instalment(number, None, annual_rate, balance, part.principal_fen, part.interest_fen)
        )
        balance -= part.principal_fen
    return Schedule(principal_fen, months, method, tuple(instalments))


@dataclass
class _Segment:
    """The exact schedule currently followed, from instalment `start` on."""

    start: int
    rate: Decimal
    parts: list[Part] = field(default_factory=list)
    monthly_principal: Fraction = Fraction(0)  # 等额本金: kept when a prepayment shortens the term


def loan_schedule(
    principal_fen: int,
    months: int,
    method: Method,
    issue_date: date,
    rate_for_due_date: Callable[[date], Decimal],
    prepayments: Sequence[Prepayment] = (),
) -> Schedule:
    """A loan's schedule over its life.

    `rate_for_due_date` gives the contract rate of the instalment due on a date (repricing each
    1 January is the caller's rule). When the rate changes, or a prepayment is made, the balance then
    outstanding is re-amortised over the months that remain from that instalment on (or, with
    `shorten_term`, over as few months as keep the instalment no higher).
    """
    _check_terms(principal_fen, Decimal(0), months, method)
    by_number: dict[int, Prepayment] = {}
    for index, prepayment in enumerate(prepayments):
        if prepayment.amount_fen <= 0:
            raise ScheduleError(
                f"prepayments[{index}].amount",
                "positive",
                "提前还款金额必须大于零",
                "a prepayment must be more than zero",
            )
        if not 2 <= prepayment.before_number <= months or prepayment.before_number in by_number:
            raise ScheduleError(
                f"prepayments[{index}].before_number",
                "range",
                "提前还款须在第2期至最后一期之前,且每期至多一次",
                "a prepayment comes before one of instalments 2 … n, at most one per instalment",
            )
        by_number[prepayment.before_number] = prepayment

    instalments: list[Instalment] = []
    balance = principal_fen
    total_months = months
    segment: _Segment | None = None
    prepaid = 0
    number = 1
    while number <= total_months and balance > 0:
        due = add_months(issue_date, number)
        rate = rate_for_due_date(due)
        remaining = total_months - number + 1
        prepayment = by_number.get(number)
        prepaid_now = 0
        if prepayment is not None:
            if prepayment.amount_fen > balance:
                raise ScheduleError(
                    "prepayments.amount",
                    "at_most_balance",
                    f"提前还款 {prepayment.amount_fen} 分超过剩余本金 {balance} 分",
                    f"prepayment of {prepayment.amount_fen} fen exceeds the balance of {balance} fen",
                )
            prepaid_now = prepayment.amount_fen
            balance -= prepaid_now
            prepaid += prepaid_now
            if balance == 0:
                break
            if prepayment.mode == "shorten_term" and segment is not None:
                remaining = _shortened_term(balance, rate, remaining, method, segment)
                total_months = number + remaining - 1
        if segment is None or rate != segment.rate or prepaid_now:
            segment = _Segment(number, rate, amortise(balance, rate, remaining, method))
            segment.monthly_principal = Fraction(balance, remaining)
        part = segment.parts[number - segment.start]
        instalments.append(
            Instalment(number, due, rate, balance, part.principal_fen, part.interest_fen, prepaid_now)
        )
        balance -= part.principal_fen
        number += 1
    return Schedule(principal_fen, months, method, tuple(instalments), prepaid)


def _shortened_term(balance: int, rate: Decimal, remaining: int, method: Method, segment: _Segment) -> int:
    """Fewest months that keep the instalment (等额本息) or the monthly principal (等额本金) no higher."""
    if method == "equal_principal":
        return max(1, -(-Fraction(balance) // segment.monthly_principal))
    current = segment.parts[0].payment_fen
    low, high = 1, remaining
    while low < high:  # the instalment falls as the term grows
        middle = (low + high) // 2
        if round_half_up(equal_instalment_payment(balance, rate, middle)) <= current:
            high = middle
        else:
            low = middle + 1
    return low
