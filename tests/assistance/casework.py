"""Builders for the casework tests: registry households, actors and parameter sets."""

from __future__ import annotations

import datetime as dt
import shutil
from itertools import count
from pathlib import Path

from minsheng import idcard, policy
from minsheng.assistance.cases import Actor
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn, IncomeIn, PersonIn
from minsheng.security.roles import permissions_of
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

CASE_FILES = (
    "dibao",
    "assets",
    "tekun",
    "orphan",
    "edge",
    "rigid_expense",
    "statistics",
    "assistance_procedure",
)
_numbers = count(1)


def case_params(directory: Path) -> policy.ParameterSet:
    for name in CASE_FILES:
        shutil.copy(policy.PARAMS_DIR / f"{name}.yaml", directory / f"{name}.yaml")
    return policy.load(directory=directory)


def id_number(birth: dt.date, banner: str = "150426") -> str:
    n = next(_numbers)
    return idcard.make(banner, birth + dt.timedelta(days=n // 900), 100 + n % 800)


def member(
    relationship: str, birth: dt.date, name: str = "张三", banner: str = "150426", **fields
) -> PersonIn:
    wages = fields.pop("wages_yuan", None)
    values = {
        "id_number": fields.pop("id_number", None) or id_number(birth, banner),
        "name": name,
        "hukou": "rural",
        "hukou_region": banner,
        "residence_region": banner,
        "relationship_to_head": relationship,
    }
    if wages:
        values["incomes"] = [
            IncomeIn(category="wages", monthly_yuan=wages, effective_from=dt.date(2020, 1, 1))
        ]
    values.update(fields)
    return PersonIn(**values)


def poor_household(banner: str = "150426", **head_fields) -> int:
    """Two elderly members without income: eligible for 低保 on the rural standard."""
    head_fields.setdefault("phone", "13900000001")
    head_fields.setdefault("bank_account", "6228480000000000001")
    data = HouseholdIn(
        banner_code=banner,
        hukou="rural",
        members=[
            member("head", dt.date(1950, 3, 1), "王福", banner, **head_fields),
            member("spouse", dt.date(1952, 7, 1), "李兰", banner),
        ],
    )
    with unit_of_work() as session:
        return registry.register_household(session, data, actor="test").id


def rich_household(banner: str = "150426") -> int:
    data = HouseholdIn(
        banner_code=banner,
        hukou="rural",
        members=[
            member("head", dt.date(1980, 3, 1), "赵强", banner, wages_yuan=9000, employment_status="employed")
        ],
    )
    with unit_of_work() as session:
        return registry.register_household(session, data, actor="test").id


def actor(role: str, region: str = "150426", login: str | None = None) -> Actor:
    return Actor(login or f"{role}.{region}", permissions_of(role), RegionScope(region))


CASEWORKER = actor("assistance_caseworker")
APPROVER = actor("assistance_approver")
