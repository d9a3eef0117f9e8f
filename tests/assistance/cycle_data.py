"""Small, exact data for the payment-cycle tests: households, payees and cases with known amounts."""

from __future__ import annotations

import hashlib
from datetime import date

from minsheng.assistance import cycle_models  # noqa: F401  (the cycle tables join the metadata)
from minsheng.assistance.models import Adjustment, Case, CaseAmount
from minsheng.registry.models import Household, Person
from minsheng.store.db import unit_of_work

DEC = date(2023, 12, 1)
JAN = date(2024, 1, 1)
FEB = date(2024, 2, 1)


def make_case(
    session,
    number: int,
    *,
    banner: str = "150426",
    programme: str = "dibao",
    amounts: list[tuple[date, int]] = ((date(2023, 1, 1), 50000),),
    status: str = "active",
    start: date = date(2023, 1, 1),
    end: date | None = None,
    bank: str | None = "ABC",
    account: str | None = None,
) -> Case:
    household = Household(household_number=f"H{number:08d}", banner_code=banner, hukou="rural")
    session.add(household)
    session.flush()
    person = Person(
        id_number_hash=hashlib.sha256(f"p{number}".encode()).hexdigest(),
        id_number_cipher=b"x",
        id_number_masked="150426********0000",
        name=f"户主{number}",
        sex="M",
        birth_date=date(1960, 1, 1),
        hukou="rural",
        hukou_region=banner,
        residence_region=banner,
        bank_account=account if account is not None else f"62220000{number:08d}",
        household_id=household.id,
        relationship_to_head="head",
    )
    session.add(person)
    session.flush()
    case = Case(
        case_no=f"DB{banner}-2023-{number:06d}",
        household_id=household.id,
        banner_code=banner,
        programme=programme,
        status=status,
        payee_person_id=person.id,
        paying_bank=bank,
        submitted_on=date(2022, 12, 1),
        decided_on=date(2022, 12, 20),
        start_month=start,
        end_month=end,
        created_by="test",
    )
    session.add(case)
    session.flush()
    for month, fen in amounts:
        session.add(CaseAmount(case_id=case.id, effective_month=month, monthly_amount_fen=fen, reason="test"))
    session.flush()
    return case


def adjust(session, case: Case, month: date, fen: int) -> Adjustment:
    adjustment = Adjustment(case_id=case.id, month=month, amount_fen=fen, reason="test")
    session.add(adjustment)
    session.flush()
    return adjustment


def standard_cases(engine) -> dict[str, int]:
    """Cases whose December 2023 lines are known to the fen; their ids by name."""
    with unit_of_work(engine) as s:
        cases = {
            # the amount changed in November: December pays the new one
            "changed": make_case(s, 1, amounts=[(date(2023, 1, 1), 50000), (date(2023, 11, 1), 61234)]),
            # next year's raise is not December's
            "future_raise": make_case(s, 2, amounts=[(date(2023, 1, 1), 40000), (date(2024, 1, 1), 45000)]),
            "arrears": make_case(
                s, 3, banner="150102", programme="tekun", amounts=[(date(2023, 6, 1), 120000)], bank="ICBC"
            ),
            "overpaid": make_case(s, 4, banner="150102", amounts=[(date(2023, 1, 1), 30000)], bank="ICBC"),
            "wiped_out": make_case(s, 5, amounts=[(date(2023, 1, 1), 10000)], bank="PSBC"),
            "ended": make_case(s, 6, end=date(2023, 11, 1)),
            "suspended": make_case(s, 7, status="suspended"),
            "starts_later": make_case(s, 8, start=date(2024, 1, 1)),
            "no_account": make_case(s, 9, account=""),
            "orphan": make_case(
                s, 10, banner="150203", programme="orphan", amounts=[(date(2023, 1, 1), 192000)], bank="BOC"
            ),
        }
        adjust(s, cases["arrears"], date(2023, 10, 1), 15055)
        adjust(s, cases["arrears"], date(2023, 11, 1), 15055)
        adjust(s, cases["overpaid"], date(2023, 9, 1), -7001)
        adjust(s, cases["wiped_out"], date(2023, 8, 1), -25000)
        return {name: case.id for name, case in cases.items()}


# The December lines those cases must give: (base, adjustment, reissue, carried, amount)
EXPECTED_DEC = {
    "changed": (61234, 0, 0, 0, 61234),
    "future_raise": (40000, 0, 0, 0, 40000),
    "arrears": (120000, 30110, 0, 0, 150110),
    "overpaid": (30000, -7001, 0, 0, 22999),
    "wiped_out": (10000, -25000, 0, -15000, 0),
    "orphan": (192000, 0, 0, 0, 192000),
}
