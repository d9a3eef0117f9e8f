"""Builders for insurance tests: registry persons with exact birth dates, and their enrolment years."""

from __future__ import annotations

from datetime import date
from itertools import count

from minsheng import idcard
from minsheng.insurance import service
from minsheng.insurance.schemas import EnrolmentIn
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn, PersonIn

_sequence = count(1)
ACTOR = "officer-1"
TODAY = date(2024, 3, 1)
BAYANNUR = "150821"  # 五原县, 巴彦淖尔市: the seed's farmer


def register(
    session,
    birth: date,
    *,
    banner: str = BAYANNUR,
    hukou: str = "rural",
    sex: str = "M",
    name: str = "魏延年",
    employment_status: str | None = "farming",
    **fields,
) -> int:
    """One person in a household of their own; the person's id."""
    n = next(_sequence)
    person = PersonIn(
        id_number=idcard.make(banner, birth, (n % 499) * 2 + (sex == "M")),
        name=name,
        hukou=hukou,
        hukou_region=banner,
        residence_region=banner,
        relationship_to_head="head",
        employment_status=employment_status,
        **fields,
    )
    household = registry.register_household(
        session, HouseholdIn(banner_code=banner, hukou=hukou, members=[person]), actor=ACTOR
    )
    session.flush()
    return household.members[0].id


def resident_years(session, person_id: int, years, *, banner: str = BAYANNUR, personal="300", subsidy="30"):
    for year in years:
        service.enrol(
            session,
            EnrolmentIn(
                person_id=person_id,
                year=year,
                scheme="resident_pension",
                banner_code=banner,
                months_paid=12,
                personal_yuan=personal,
                subsidy_yuan=subsidy,
            ),
            actor=ACTOR,
            today=TODAY,
        )
