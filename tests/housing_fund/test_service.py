"""Housing-fund use cases on SQLite and PostgreSQL: accounts, deposits, deferral, interest, loans,
repricing, overdue and repayment deferral, prepayment, withdrawals, transfer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from minsheng import credit_code
from minsheng.api.errors import Conflict, DomainError
from minsheng.housing_fund import service
from minsheng.housing_fund.models import Account, Entry, Loan, Withdrawal
from minsheng.registry.models import Household, Person, PersonTag
from minsheng.store.db import unit_of_work

ACTOR = "officer"
CODE = credit_code.make("9", "1", "150102", "MA0000001")


def _person(engine: Engine, *, birth: date, sex: str = "M", number: int = 1, **extra) -> int:
    with unit_of_work(engine) as session:
        household = Household(household_number=f"H{number:08d}", banner_code="150102", hukou="urban")
        session.add(household)
        session.flush()
        person = Person(
            id_number_hash=f"hash{number}",
            id_number_cipher=b"x",
            id_number_masked="150102********0011",
            name=f"职工{number}",
            sex=sex,
            birth_date=birth,
            hukou="urban",
            hukou_region="150102",
            residence_region="150102",
            household_id=household.id,
            relationship_to_head="head",
            **extra,
        )
        session.add(person)
        session.flush()
        return person.id


def _employer(engine: Engine, code: str = CODE, rate: str = "0.12") -> int:
    return service.register_employer(
        engine,
        credit_code_text=code,
        name="呼和浩特某公司",
        region_code="150102",
        employer_rate=Decimal(rate),
        employee_rate=Decimal(rate),
        opened_on=date(2020, 1, 1),
        actor=ACTOR,
    )


def _deposits(engine: Engine, employer_id: int, first: date, months: int) -> None:
    for month in service.months_between(first, service.add_months(first, months - 1)):
        service.deposit_month(
            engine, employer_id=employer_id, month=month, posted_on=month.replace(day=15), actor=ACTOR
        )


def _balance(engine: Engine, account_id: int) -> int:
    with unit_of_work(engine) as session:
        return session.get(Account, account_id).balance_fen


def test_employer_credit_code_and_rates_are_checked(engine: Engine) -> None:
    bad = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    with pytest.raises(DomainError) as raised:
        _employer(engine, bad)
    assert raised.value.fields[0].field == "credit_code" and "校验码" in raised.value.fields[0].message_zh
    with pytest.raises(DomainError) as raised:
        _employer(engine, CODE, "0.13")
    assert raised.value.fields[0].field == "employer_rate"
    _employer(engine)
    with pytest.raises(Conflict):
        _employer(engine)


def test_wage_base_is_floored_and_capped() -> None:
    low = service.wage_base(100_000, date(2023, 1, 1), "150102")  # 1 000 yuan, under the minimum wage
    assert low.base_fen == low.floor.value == 198_000
    high = service.wage_base(5_000_000, date(2023, 1, 1), "150102")  # 50 000 yuan
    assert high.base_fen == high.cap_fen == 3 * 880_000  # 3 × the Hohhot placeholder average
    assert service.wage_base(600_000, date(2023, 1, 1), "150102").base_fen == 600_000


def test_deposits_deferral_and_make_up(engine: Engine) -> None:
    person = _person(engine, birth=date(1990, 5, 1))
    employer = _employer(engine)
    account = service.open_account(
        engine,
        person_id=person,
        employer_id=employer,
        wage_fen=600_000,
        opened_on=date(2022, 1, 1),
        actor=ACTOR,
    )
    _deposits(engine, employer, date(2022, 1, 1), 5)  # January – May
    assert _balance(engine, account) == 5 * 2 * 72_000  # 12 % of 6 000 yuan, twice
    again = service.deposit_month(
        engine, employer_id=employer, month=date(2022, 5, 1), posted_on=date(2022, 5, 20), actor=ACTOR
    )
    assert again.already == 1 and again.deposited == 0  # idempotent

    with pytest.raises(DomainError) as raised:
        service.apply_deferral(
            engine,
            employer_id=employer,
            first_month=date(2022, 6, 1),
            last_month=date(2022, 12, 1),
            reason="疫情",
            staff_approval=" ",
            applied_on=date(2022, 5, 25),
            actor=ACTOR,
        )
    assert raised.value.fields[0].field == "staff_approval"
    deferral = service.apply_deferral(
        engine,
        employer_id=employer,
        first_month=date(2022, 6, 1),
        last_month=date(2022, 12, 1),
        reason="受疫情影响经营困难",
        staff_approval="职代会2022年第3次会议决议",
        applied_on=date(2022, 5, 25),
        actor=ACTOR,
    )
    service.decide_deferral(engine, deferral, approve=True, on=date(2022, 5, 27), actor=ACTOR)
    run = service.deposit_month(
        engine, employer_id=employer, month=date(2022, 6, 1), posted_on=date(2022, 6, 15), actor=ACTOR
    )
    assert (run.deferred, run.deposited) == (1, 0)
    _deposits(engine, employer, date(2022, 7, 1), 6)  # all deferred: nothing posted
    assert _balance(engine, account) == 5 * 144_000

    # During the deferral the months count as paid: history for a loan in December is 11 months.
    with unit_of_work(engine) as session:
        months, deferred = service.contribution_months(
            session, session.get(Account, account), date(2022, 12, 20)
        )
    assert months == 11 and len(deferred) == 6
    # So the staff may borrow during the deferral as if the deposits had been paid.
    loan = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=5_000_000,
        months=120,
        method="equal_instalment",
        home="first",
        issue_date=date(2022, 12, 20),
        monthly_income_fen=600_000,
        actor=ACTOR,
    )
    with unit_of_work(engine) as session:
        history = {c["check"]: c for c in session.get(Loan, loan).assessment["checks"]}[
            "contribution_history"
        ]
    assert history["passed"] and "缓缴期 6 个月" in history["zh"]

    with pytest.raises(DomainError):  # not before the period ends
        service.make_up_deposits(engine, deferral, posted_on=date(2022, 12, 20), actor=ACTOR)
    made_up = service.make_up_deposits(engine, deferral, posted_on=date(2023, 1, 10), actor=ACTOR)
    assert made_up.deposited == 7 and _balance(engine, account) == 12 * 144_000
    with unit_of_work(engine) as session:
        kinds = session.execute(
            select(Entry.kind, func.count()).where(Entry.account_id == account).group_by(Entry.kind)
        ).all()
    assert dict(kinds) == {"deposit": 5, "make_up": 7}


def test_interest_on_daily_balances(engine: Engine) -> None:
    person = _person(engine, birth=date(1990, 5, 1))
    employer = _employer(engine)
    account = service.open_account(
        engine,
        person_id=person,
        employer_id=employer,
        wage_fen=600_000,
        opened_on=date(2022, 7, 1),
        actor=ACTOR,
    )
    service.deposit_month(
        engine, employer_id=employer, month=date(2022, 7, 1), posted_on=date(2022, 7, 1), actor=ACTOR
    )
    service.deposit_month(
        engine, employer_id=employer, month=date(2023, 1, 1), posted_on=date(2023, 1, 1), actor=ACTOR
    )
    summary = service.credit_interest(engine, year=2023, actor=ACTOR)
    # 144 000 fen for all 365 days, another 144 000 for the 181 days from 1 January to 30 June.
    expected = service.round_fen(Decimal(144_000 * 365 + 144_000 * 181) * Decimal("0.015") / 360)
    assert summary["interest_fen"] == expected == 3_276
    assert service.credit_interest(engine, year=2023, actor=ACTOR)["already"] == 1
    assert _balance(engine, account) == 288_000 + expected


def _loan_ready(
    engine: Engine, *, birth: date = date(1985, 3, 1), months: int = 28, wage: int = 800_000
) -> tuple[int, int]:
    person = _person(engine, birth=birth)
    employer = _employer(engine)
    account = service.open_account(
        engine, person_id=person, employer_id=employer, wage_fen=wage, opened_on=date(2020, 1, 1), actor=ACTOR
    )
    _deposits(engine, employer, date(2020, 6, 1), months)
    return person, account


def test_loan_checks_refuse_with_reasons_and_write_nothing(engine: Engine) -> None:
    _, account = _loan_ready(engine, birth=date(1962, 3, 1))
    with pytest.raises(DomainError) as raised:
        service.issue_loan(
            engine,
            account_id=account,
            principal_fen=90_000_000,
            months=360,
            method="equal_instalment",
            home="first",
            issue_date=date(2022, 6, 1),
            monthly_income_fen=600_000,
            actor=ACTOR,
        )
    failed = {(f.field, f.rule) for f in raised.value.fields}
    assert ("months", "age_at_maturity") in failed  # 90 years old at the end: beyond the age limit
    assert ("principal", "city_cap") in failed and ("principal", "balance_multiple") in failed
    assert ("monthly_income", "repayment_capacity") in failed
    assert all(f.message_zh and f.message_en for f in raised.value.fields)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Loan)) == 0
    with pytest.raises(DomainError) as raised:
        service.issue_loan(
            engine,
            account_id=account,
            principal_fen=-1,
            months=120,
            method="equal_instalment",
            home="first",
            issue_date=date(2022, 6, 1),
            monthly_income_fen=800_000,
            actor=ACTOR,
        )
    assert raised.value.fields[0].field == "principal"


def test_loan_issued_before_the_cut_is_repriced_on_1_january(engine: Engine) -> None:
    _, account = _loan_ready(engine)
    loan_id = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=40_000_000,
        months=240,
        method="equal_instalment",
        home="first",
        issue_date=date(2022, 6, 1),
        monthly_income_fen=1_000_000,
        actor=ACTOR,
    )
    with unit_of_work(engine) as session:
        loan = session.get(Loan, loan_id)
        assert loan.rate_at_issue == Decimal("0.0325")
        assessment = {c["check"]: c for c in loan.assessment["checks"]}
        assert assessment["contribution_history"]["passed"] and assessment["age_at_maturity"]["passed"]
        schedule = service.schedule_of(loan)
    december = next(i for i in schedule.instalments if i.due_date == date(2022, 12, 1))
    january = next(i for i in schedule.instalments if i.due_date == date(2023, 1, 1))
    assert (december.annual_rate, january.annual_rate) == (Decimal("0.0325"), Decimal("0.031"))
    assert january.payment_fen < december.payment_fen
    notices = service.reprice_loans(engine, on=date(2023, 1, 1), actor=ACTOR)
    assert (
        len(notices) == 1
        and notices[0]["to_rate"] == "0.031"
        and notices[0]["payment_fen"] == january.payment_fen
    )
    assert "3.100%" in notices[0]["sms_zh"]
    assert service.reprice_loans(engine, on=date(2023, 1, 1), actor=ACTOR) == []  # already done
    with pytest.raises(DomainError):
        service.reprice_loans(engine, on=date(2023, 2, 1), actor=ACTOR)


def test_loan_issued_after_the_cut_starts_at_the_new_rate(engine: Engine) -> None:
    _, account = _loan_ready(engine)
    loan_id = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=40_000_000,
        months=240,
        method="equal_principal",
        home="first",
        issue_date=date(2022, 10, 15),
        monthly_income_fen=1_000_000,
        actor=ACTOR,
    )
    with unit_of_work(engine) as session:
        loan = session.get(Loan, loan_id)
        assert loan.rate_at_issue == Decimal("0.031")
        assert service.schedule_of(loan).instalments[0].annual_rate == Decimal("0.031")


def test_overdue_penalty_and_repayment_deferral(engine: Engine) -> None:
    _, account = _loan_ready(engine)
    loan_id = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=30_000_000,
        months=240,
        method="equal_instalment",
        home="first",
        issue_date=date(2022, 10, 15),
        monthly_income_fen=1_000_000,
        actor=ACTOR,
    )
    service.repay(engine, loan_id, instalment_number=1, paid_on=date(2022, 11, 15), actor=ACTOR)
    service.approve_repayment_deferral(
        engine,
        loan_id,
        first_day=date(2022, 12, 1),
        last_day=date(2022, 12, 31),
        reason="疫情期间无法正常还款",
        approved_on=date(2022, 11, 30),
        actor=ACTOR,
    )
    with unit_of_work(engine) as session:
        loan = session.get(Loan, loan_id)
        positions = {p.instalment.number: p for p in service.loan_position(session, loan, date(2022, 12, 31))}
    assert positions[1].status == "paid"
    assert (
        positions[2].status == "deferred" and positions[2].penalty_fen == 0 and positions[2].days_overdue == 0
    )
    # Paid on 2023-01-10: overdue only from 2023-01-01, the day after the deferral, so 9 days.
    paid = service.repay(engine, loan_id, instalment_number=2, paid_on=date(2023, 1, 10), actor=ACTOR)
    assert paid["days_overdue"] == 9
    payment = paid["payment_fen"]
    assert paid["penalty_fen"] == service.round_fen(
        Decimal(payment) * Decimal("0.031") * Decimal("1.5") * 9 / 360
    )
    # Without a deferral, the third instalment (due 2023-01-15) paid on 2023-02-14 is 30 days overdue.
    with unit_of_work(engine) as session:
        loan = session.get(Loan, loan_id)
        third = {p.instalment.number: p for p in service.loan_position(session, loan, date(2023, 2, 14))}[3]
    assert third.status == "overdue" and third.days_overdue == 30 and third.penalty_fen > 0
    with pytest.raises(Conflict):
        service.repay(engine, loan_id, instalment_number=2, paid_on=date(2023, 1, 11), actor=ACTOR)


def test_prepayment_shortens_the_term(engine: Engine) -> None:
    _, account = _loan_ready(engine)
    loan_id = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=30_000_000,
        months=240,
        method="equal_instalment",
        home="first",
        issue_date=date(2022, 10, 15),
        monthly_income_fen=1_000_000,
        actor=ACTOR,
    )
    schedule = service.prepay(
        engine, loan_id, amount_fen=10_000_000, mode="shorten_term", paid_on=date(2023, 3, 1), actor=ACTOR
    )
    assert len(schedule.instalments) < 240 and schedule.prepaid_fen == 10_000_000
    assert sum(i.principal_fen for i in schedule.instalments) + schedule.prepaid_fen == 30_000_000
    with pytest.raises(DomainError) as raised:
        service.prepay(
            engine, loan_id, amount_fen=10_000_000, mode="sideways", paid_on=date(2023, 5, 1), actor=ACTOR
        )
    assert raised.value.fields[0].field == "mode"


def test_withdrawals_retirement_rent_and_review(engine: Engine) -> None:
    retired = _person(engine, birth=date(1962, 3, 1), number=1)
    young = _person(engine, birth=date(1995, 3, 1), number=2)
    employer = _employer(engine)
    old_account = service.open_account(
        engine,
        person_id=retired,
        employer_id=employer,
        wage_fen=600_000,
        opened_on=date(2021, 1, 1),
        actor=ACTOR,
    )
    young_account = service.open_account(
        engine,
        person_id=young,
        employer_id=employer,
        wage_fen=600_000,
        opened_on=date(2021, 1, 1),
        actor=ACTOR,
    )
    _deposits(engine, employer, date(2021, 1, 1), 12)

    decision = service.withdraw(
        engine, account_id=old_account, trigger="retirement", applied_on=date(2022, 4, 1), actor=ACTOR
    )
    # Closing pays the interest to date: the year to 30 June 2021 (Jan–Jun deposits on the 15th held
    # 167+136+108+77+47+16 = 551 days) and 1 July 2021 – 31 March 2022 (the opening 867 306 fen for
    # 274 days, Jul–Dec deposits for 260+229+198+168+137+107 = 1 099 days), at 1.5 % / 360.
    first = service.round_fen(Decimal(144_000 * 551) * Decimal("0.015") / 360)
    second = service.round_fen(Decimal((864_000 + first) * 274 + 144_000 * 1_099) * Decimal("0.015") / 360)
    assert (first, second) == (3_306, 16_496)
    assert decision["status"] == "approved" and decision["closes_account"]
    assert decision["approved_fen"] == 12 * 144_000 + first + second
    with unit_of_work(engine) as session:
        closed = session.get(Account, old_account)
        assert (closed.state, closed.balance_fen) == ("closed", 0)

    not_yet = service.withdraw(
        engine, account_id=young_account, trigger="retirement", applied_on=date(2022, 4, 1), actor=ACTOR
    )
    assert not_yet["status"] == "pending_review" and not_yet["approved_fen"] == 0
    assert "60" in not_yet["reasons"][0]["zh"] and not not_yet["reasons"][0]["passed"]

    rent = service.withdraw(
        engine,
        account_id=young_account,
        trigger="rent",
        applied_on=date(2022, 4, 2),
        actor=ACTOR,
        evidence={"monthly_rent_fen": 180_000, "months": 6},
    )
    assert rent["status"] == "approved"
    assert rent["approved_fen"] == 6 * 150_000  # capped at 1 500 yuan a month (placeholder)
    assert _balance(engine, young_account) == 12 * 144_000 - 900_000

    with pytest.raises(DomainError) as raised:
        service.withdraw(
            engine,
            account_id=young_account,
            trigger="rent",
            applied_on=date(2022, 4, 3),
            actor=ACTOR,
            evidence={"monthly_rent_fen": "a lot"},
        )
    assert raised.value.fields[0].field == "evidence.monthly_rent_fen"
    no_lease = service.withdraw(
        engine, account_id=young_account, trigger="rent", applied_on=date(2022, 4, 3), actor=ACTOR
    )
    assert no_lease["status"] == "pending_review" and any(r["check"] == "lease" for r in no_lease["reasons"])

    with unit_of_work(engine) as session:
        session.add(PersonTag(person_id=young, tag="dibao"))
    dibao = service.withdraw(
        engine,
        account_id=young_account,
        trigger="dibao",
        applied_on=date(2022, 4, 4),
        amount_fen=10_000,
        actor=ACTOR,
    )
    assert dibao["status"] == "approved" and dibao["approved_fen"] == 10_000

    purchase = service.withdraw(
        engine, account_id=young_account, trigger="home_purchase", applied_on=date(2022, 4, 5), actor=ACTOR
    )
    assert purchase["status"] == "pending_review" and purchase["decide_by"] == "2022-04-08"

    before = _balance(engine, young_account)
    with pytest.raises(DomainError) as raised:
        service.withdraw(
            engine, account_id=young_account, trigger="lottery", applied_on=date(2022, 4, 5), actor=ACTOR
        )
    assert raised.value.fields[0].field == "trigger"
    with pytest.raises(DomainError) as raised:
        service.withdraw(
            engine,
            account_id=young_account,
            trigger="dibao",
            amount_fen=before + 1,
            applied_on=date(2022, 4, 5),
            actor=ACTOR,
        )
    assert raised.value.fields[0].field == "amount"
    assert _balance(engine, young_account) == before
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Withdrawal)) == 6


def test_transfer_between_cities_keeps_balance_and_history(engine: Engine) -> None:
    person = _person(engine, birth=date(1990, 1, 1))
    employer = _employer(engine)
    account = service.open_account(
        engine,
        person_id=person,
        employer_id=employer,
        wage_fen=600_000,
        opened_on=date(2022, 1, 1),
        actor=ACTOR,
    )
    _deposits(engine, employer, date(2022, 1, 1), 6)
    baotou = service.register_employer(
        engine,
        credit_code_text=credit_code.make("9", "1", "150203", "MA0000002"),
        name="包头某厂",
        region_code="150203",
        employer_rate=Decimal("0.05"),
        employee_rate=Decimal("0.05"),
        opened_on=date(2020, 1, 1),
        actor=ACTOR,
    )
    moved = service.transfer(
        engine,
        account_id=account,
        to_region_code="150203",
        to_employer_id=baotou,
        on=date(2022, 7, 10),
        actor=ACTOR,
    )
    with unit_of_work(engine) as session:
        old, new = session.get(Account, account), session.get(Account, moved)
        assert (old.state, old.balance_fen) == ("closed", 0)
        # The move settles the interest: the year to 30 June 2022 (551 deposit-days as above) and 1–9 July.
        first = service.round_fen(Decimal(144_000 * 551) * Decimal("0.015") / 360)
        second = service.round_fen(Decimal((864_000 + first) * 9) * Decimal("0.015") / 360)
        assert (new.centre_code, new.balance_fen, new.state) == ("150200", 864_000 + first + second, "normal")
        statement = service.statement(session, moved)
    kinds = [e["kind"] for e in statement["entries"]]
    assert kinds.count("deposit") == 6 and "transfer_out" in kinds and "transfer_in" in kinds
    assert statement["account"]["previous_accounts"] == [old.account_number]
    service.deposit_month(
        engine, employer_id=baotou, month=date(2022, 7, 1), posted_on=date(2022, 7, 20), actor=ACTOR
    )
    with unit_of_work(engine) as session:
        months, _ = service.contribution_months(session, session.get(Account, moved), date(2022, 8, 1))
    assert months == 7  # July at the new centre, January – June before the move
