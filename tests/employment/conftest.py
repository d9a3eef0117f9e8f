"""Builders for employment tests: registry households, employers and vacancies."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from minsheng import credit_code, idcard
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn, PersonIn

_sequence = count(500)
_employers = count(1)
TODAY = date(2024, 7, 1)
ACTOR = "officer-1"


def id_number(birth: date, address: str = "150426", sex: str = "M") -> str:
    """A fresh valid number: odd sequence for men, even for women (GB 11643)."""
    n = next(_sequence)
    return idcard.make(address, birth + timedelta(days=n // 500), (n % 500) * 2 + (sex == "M"))


def person(relationship: str = "head", birth: date = date(1980, 5, 1), sex: str = "M", **fields) -> PersonIn:
    banner = fields.pop("banner", "150426")
    values = {
        "id_number": id_number(birth, sex=sex),
        "name": fields.pop("name", "张三"),
        "hukou": "urban",
        "hukou_region": banner,
        "residence_region": banner,
        "relationship_to_head": relationship,
    }
    values.update(fields)
    return PersonIn(**values)


def register_household(session, *members: PersonIn, banner: str = "150426"):
    return registry.register_household(
        session, HouseholdIn(banner_code=banner, hukou="urban", members=list(members)), actor=ACTOR
    )


def new_credit_code(banner: str = "150426") -> str:
    return credit_code.make("9", "1", banner, f"MA{next(_employers):07d}")
