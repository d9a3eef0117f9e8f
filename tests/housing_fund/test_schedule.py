"""Loan schedules to the fen: the worked examples of RULES.md §4.2, the rounding rule, properties."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.housing_fund.schedule import (
    Prepayment,
    ScheduleError,
    add_months,
    amortise,
    equal_instalment_payment,
    largest_remainder,
    loan_schedule,
    round_half_up,
    simple_schedule,
)

P = 50_000_000  # 500 000 yuan in fen


def test_equal_instalment_worked_example() -> None:
    schedule = simple_schedule(P, Decimal("0.026"), 360, "equal_instalment")
    payments = [i.payment_fen for i in schedule.instalments]
    assert set(payments[:-1]) == {200_170}  # 2 001.70 a month
    # The residue rule: the total interest is the exact n·M − P rounded, 220 611.48,
    # so the last instalment is 720 611.48 − 359 × 2 001.70 = 2 001.18.
    assert schedule.total_interest_fen == 22_061_148
    assert payments[-1] == 200_118
    assert sum(i.principal_fen for i in schedule.instalments) == P
    assert schedule.instalments[-1].closing_balance_fen == 0


@pytest.mark.parametrize(("rate", "instalment"), [("0.0285", 206_779), ("0.031", 213_508)])
def test_equal_instalment_other_rates(rate: str, instalment: int) -> None:
    assert simple_schedule(P, Decimal(rate), 360, "equal_instalment").first_payment_fen == instalment


def test_equal_principal_worked_example() -> None:
    schedule = simple_schedule(P, Decimal("0.026"), 360, "equal_principal")
    payments = [i.payment_fen for i in schedule.instalments]
    assert payments[0] == 247_222  # 2 472.22
    assert payments[0] - payments[1] == 301  # falling 3.01
    falls = {a - b for a, b in itertools.pairwise(payments)}
    assert falls <= {300, 301}  # the exact fall is 3.009…; rounding moves no month by a fen
    assert payments[-1] == 139_190  # 1 391.90
    assert schedule.total_interest_fen == 19_554_167  # 195 541.67 = P·r·(n+1)/2
    assert sum(i.principal_fen for i in schedule.instalments) == P


def test_first_month_interest_is_balance_times_monthly_rate() -> None:
    for method in ("equal_instalment", "equal_principal"):
        first = amortise(P, Decimal("0.031"), 360, method)[0]
        assert first.interest_fen == round_half_up(Fraction(P) * Fraction("0.031") / 12)  # 1 291.67


def test_exact_interest_formula_matches_iteration() -> None:
    """The common-denominator closed form equals the month-by-month exact balance."""
    principal, rate, months = 12_345_678, Decimal("0.0325"), 37
    r = Fraction(rate) / 12
    payment = equal_instalment_payment(principal, rate, months)
    balance, exact = Fraction(principal), []
    for _ in range(months):
        exact.append(balance * r)
        balance = balance * (1 + r) - payment
    assert balance == 0
    parts = amortise(principal, rate, months, "equal_instalment")
    assert [p.interest_fen for p in parts] == largest_remainder(exact, round_half_up(sum(exact)))


def test_zero_rate_and_one_month() -> None:
    parts = amortise(1_000, Decimal(0), 3, "equal_instalment")
    assert [p.payment_fen for p in parts] == [333, 333, 334] and all(p.interest_fen == 0 for p in parts)
    parts = amortise(1_000, Decimal(0), 3, "equal_principal")
    assert [p.payment_fen for p in parts] == [334, 333, 333]  # never rising
    (only,) = amortise(100_000, Decimal("0.024"), 1, "equal_instalment")
    assert (only.principal_fen, only.interest_fen) == (100_000, 200)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"principal_fen": -1}, "principal"),
        ({"principal_fen": 0}, "principal"),
        ({"months": 0}, "months"),
        ({"annual_rate": Decimal("-0.01")}, "rate"),
        ({"annual_rate": Decimal("1.5")}, "rate"),
        ({"method": "balloon"}, "method"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    arguments = {
        "principal_fen": P,
        "annual_rate": Decimal("0.031"),
        "months": 360,
        "method": "equal_instalment",
    }
    with pytest.raises(ScheduleError) as raised:
        amortise(**(arguments | kwargs))
    assert raised.value.field == field
    assert raised.value.message_zh and raised.value.message_en


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2022, 6, 1), 7) == date(2023, 1, 1)
    assert add_months(date(2022, 11, 15), 14) == date(2024, 1, 15)


def test_rate_change_reamortises_the_balance_from_that_month() -> None:
    def rate(due: date) -> Decimal:
        return Decimal("0.0325") if due < date(2023, 1, 1) else Decimal("0.031")

    schedule = loan_schedule(P, 360, "equal_instalment", date(2022, 6, 1), rate)
    before = [i for i in schedule.instalments if i.due_date < date(2023, 1, 1)]
    after = [i for i in schedule.instalments if i.due_date >= date(2023, 1, 1)]
    assert len(before) == 6 and len(schedule.instalments) == 360
    assert {i.payment_fen for i in before} == {
        simple_schedule(P, Decimal("0.0325"), 360, "equal_instalment").first_payment_fen
    }
    repriced = simple_schedule(after[0].opening_balance_fen, Decimal("0.031"), 354, "equal_instalment")
    assert [i.payment_fen for i in after] == [i.payment_fen for i in repriced.instalments]
    assert after[0].payment_fen < before[0].payment_fen
    assert sum(i.principal_fen for i in schedule.instalments) == P


def test_prepayment_lower_instalment_and_shorten_term() -> None:
    def rate(_due: date) -> Decimal:
        return Decimal("0.031")

    plain = loan_schedule(P, 240, "equal_instalment", date(2023, 3, 10), rate)
    lower = loan_schedule(
        P, 240, "equal_instalment", date(2023, 3, 10), rate, [Prepayment(13, 10_000_000, "lower_instalment")]
    )
    shorter = loan_schedule(
        P, 240, "equal_instalment", date(2023, 3, 10), rate, [Prepayment(13, 10_000_000, "shorten_term")]
    )
    assert (
        len(lower.instalments) == 240
        and lower.instalments[12].payment_fen < plain.instalments[12].payment_fen
    )
    assert len(shorter.instalments) < 240
    assert shorter.instalments[12].payment_fen <= plain.instalments[12].payment_fen
    for schedule in (lower, shorter):
        assert sum(i.principal_fen for i in schedule.instalments) + schedule.prepaid_fen == P
        assert schedule.instalments[-1].closing_balance_fen == 0
    assert shorter.total_interest_fen < lower.total_interest_fen < plain.total_interest_fen
    ep = loan_schedule(
        P, 120, "equal_principal", date(2023, 3, 10), rate, [Prepayment(61, 5_000_000, "shorten_term")]
    )
    assert len(ep.instalments) < 120 and sum(i.principal_fen for i in ep.instalments) + ep.prepaid_fen == P


def test_prepayment_input_errors() -> None:
    def rate(_due: date) -> Decimal:
        return Decimal("0.031")

    with pytest.raises(ScheduleError) as raised:
        loan_schedule(P, 12, "equal_instalment", date(2023, 1, 1), rate, [Prepayment(1, 100)])
    assert raised.value.field.endswith("before_number")
    with pytest.raises(ScheduleError) as raised:
        loan_schedule(P, 12, "equal_instalment", date(2023, 1, 1), rate, [Prepayment(5, -100)])
    assert raised.value.field.endswith("amount")


loans = st.tuples(
    st.integers(min_value=1_000_000, max_value=300_000_000),  # 10 000 – 3 000 000 yuan
    st.integers(min_value=1, max_value=360),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.08"), places=4),
    st.sampled_from(["equal_instalment", "equal_principal"]),
)


@settings(max_examples=150, deadline=None)
@given(loans)
def test_principal_parts_sum_exactly_and_balances_stay_non_negative(loan) -> None:
    principal, months, rate, method = loan
    schedule = simple_schedule(principal, rate, months, method)
    assert sum(i.principal_fen for i in schedule.instalments) == principal
    assert all(i.closing_balance_fen >= 0 and i.interest_fen >= 0 for i in schedule.instalments)
    assert schedule.instalments[-1].closing_balance_fen == 0
    exact_total = (
        equal_instalment_payment(principal, rate, months) * months - principal
        if method == "equal_instalment"
        else principal * Fraction(rate) / 12 * Fraction(months + 1, 2)
    )
    assert schedule.total_interest_fen == round_half_up(exact_total)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=300_000_000),
    st.integers(min_value=1, max_value=360),
    st.decimals(min_value=Decimal(0), max_value=Decimal("0.12"), places=5),
)
def test_equal_principal_payments_never_increase(principal: int, months: int, rate: Decimal) -> None:
    if principal < 2 * months:  # under 2 fen a month there is nothing to schedule
        return
    payments = [p.payment_fen for p in amortise(principal, rate, months, "equal_principal")]
    assert all(a >= b for a, b in itertools.pairwise(payments))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.fractions(min_value=0, max_value=10_000), min_size=1, max_size=50),
)
def test_largest_remainder_moves_each_part_less_than_a_fen(amounts: list[Fraction]) -> None:
    total = round_half_up(sum(amounts, Fraction(0)))
    parts = largest_remainder(amounts, total)
    assert sum(parts) == total
    assert all(abs(part - amount) < 1 for part, amount in zip(parts, amounts, strict=True))
