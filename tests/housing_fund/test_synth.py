"""The synthetic fund centre: its figures follow the service's own rules and recompute from its data."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select

from minsheng.housing_fund import service, synth
from minsheng.housing_fund.models import (
    Account,
    Deferral,
    Employer,
    Entry,
    Loan,
    Repayment,
    RepaymentDeferral,
)
from minsheng.registry.models import Income, Person
from minsheng.security.scope import REGION_WIDE
from minsheng.store.db import unit_of_work

AS_OF = date(2024, 3, 20)
BANNERS = ["150102", "150203", "150426", "152502"]


def _population(engine: Engine, n: int = 400) -> None:
    rng = np.random.default_rng(7)
    persons = [
        {
            "id": i + 1,
            "id_number_hash": f"h{i}",
            "id_number_cipher": b"x",
            "id_number_masked": "x",
            "name": f"人{i}",
            "sex": "M" if i % 2 else "F",
            "birth_date": date(1965 + int(rng.integers(0, 35)), 1 + i % 12, 1 + i % 28),
            "hukou": "urban",
            "hukou_region": BANNERS[i % 4],
            "residence_region": BANNERS[i % 4],
            "employment_status": "employed" if i % 5 else "farming",
            "serious_illness": False,
            "adl_items_lost": 0,
            "version": 1,
        }
        for i in range(n)
    ]
    incomes = [
        {
            "person_id": i + 1,
            "category": "wages",
            "monthly_fen": int(rng.integers(150_000, 2_000_000)),
            "effective_from": date(2020, 1, 1),
        }
        for i in range(0, n, 2)
    ]
    with unit_of_work(engine) as session:
        session.execute(insert(Person.__table__), persons)
        session.execute(insert(Income.__table__), incomes)


def test_generated_centre_is_consistent(engine: Engine) -> None:
    _population(engine)
    done = synth.generate(engine, AS_OF, seed=11, share=0.8, loan_share=0.3)
    assert done.accounts > 150 and done.loans > 10 and done.entries > done.accounts * 5
    assert synth.generate(engine, AS_OF, seed=11).skipped  # once only
    with unit_of_work(engine) as session:
        # Balances equal their ledgers, to the fen.
        ledger = dict(
            session.execute(
                select(Entry.account_id, func.sum(Entry.amount_fen)).group_by(Entry.account_id)
            ).all()
        )
        accounts = session.scalars(select(Account)).all()
        assert all(ledger[a.id] == a.balance_fen for a in accounts)
        assert sum(a.balance_fen for a in accounts) == done.balance_fen
        # Deposits follow the wage base and the employer's rates; the base is floored and capped.
        for account in accounts[:40]:
            employer = session.get(Employer, account.employer_id)
            deposit = session.scalars(
                select(Entry).where(Entry.account_id == account.id, Entry.kind == "deposit")
            ).first()
            if deposit is not None:
                assert deposit.employer_fen == service.round_fen(
                    account.wage_base_fen * employer.employer_rate
                )
            base = service.wage_base(account.wage_base_fen, AS_OF, account.region_code)
            assert base.floor.value <= account.wage_base_fen <= base.cap_fen
        # Interest equals the service's daily-balance computation.
        checked = 0
        for entry in session.scalars(select(Entry).where(Entry.kind == "interest").limit(30)):
            account = session.get(Account, entry.account_id)
            assert service.interest_for_year(session, account, int(entry.period))[0] == entry.amount_fen
            checked += 1
        assert checked > 0
        # Every repayment matches the loan's schedule from the rate table.
        for loan in session.scalars(select(Loan).limit(15)):
            schedule = {i.number: i for i in service.schedule_of(loan).instalments}
            for repayment in loan.repayments:
                assert repayment.principal_fen == schedule[repayment.instalment_number].principal_fen
                assert repayment.interest_fen == schedule[repayment.instalment_number].interest_fen
        assert session.scalar(select(func.count()).select_from(Repayment)) == done.repayments
        assert session.scalar(select(func.count()).select_from(Deferral)) >= 0
        board = service.dashboard(session, REGION_WIDE, AS_OF)
    assert {row["centre_code"] for row in board} <= {"150100", "150200", "150400", "152500"}
    assert sum(row["accounts"] for row in board) == done.accounts
    assert sum(row["loans"] for row in board) == done.loans


def test_same_seed_same_centre(sqlite_engine: Engine) -> None:
    _population(sqlite_engine, 160)

    def run(seed: int) -> tuple[synth.Generated, list]:
        done = synth.generate(sqlite_engine, AS_OF, seed=seed, share=0.9)
        with unit_of_work(sqlite_engine) as session:
            balances = session.execute(
                select(Account.person_id, Account.balance_fen).order_by(Account.person_id)
            ).all()
            for model in (Repayment, RepaymentDeferral, Loan, Entry, Deferral, Account, Employer):
                session.execute(delete(model))
        return done, balances

    first, second, other = run(3), run(3), run(4)
    assert first == second and first[0].accounts > 0
    assert other[1] != first[1]
