"""Builders of registry input for the tests (a module, not a conftest: imported by name): valid ID numbers through idcard.make."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from minsheng import idcard
from minsheng.registry.schemas import HouseholdIn, PersonIn

_sequence = count(1)


def new_id_number(birth: date = date(1980, 5, 1), address: str = "150426") -> str:
    """A valid number never handed out before in this test session."""
    n = next(_sequence)
    return idcard.make(address, birth + timedelta(days=n // 1000), n % 1000)


def person(relationship: str = "head", **fields) -> PersonIn:
    values = {
        "id_number": fields.pop("id_number", None) or new_id_number(fields.pop("birth", date(1980, 5, 1))),
        "name": "张三",
        "hukou": "rural",
        "hukou_region": "150426",
        "residence_region": "150426",
        "relationship_to_head": relationship,
    }
    values.update(fields)
    return PersonIn(**values)


def household(*members: PersonIn, banner: str = "150426", **fields) -> HouseholdIn:
    return HouseholdIn(
        banner_code=banner,
        hukou=fields.pop("hukou", "rural"),
        members=list(members) or [person("head"), person("spouse")],
        **fields,
    )
