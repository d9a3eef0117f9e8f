"""Builders for monitoring tests: registry households, the banner's caseworker, partner records."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from minsheng import idcard
from minsheng.monitoring import signals
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn, IncomeIn, PersonIn
from minsheng.security import service as security

AS_OF = date(2024, 6, 20)
BANNER = "150426"
CASEWORKER = "assistance_caseworker.150426"
PASSWORD = "monitoring-pages-1"
_sequence = count(700)
_refs = count(1)


def id_number(birth: date, address: str = BANNER, sex: str = "M") -> str:
    n = next(_sequence)
    return idcard.make(address, birth + timedelta(days=n // 400), (n % 400) * 2 + (sex == "M"))


def person(relationship: str, birth: date, wages_yuan: int = 0, sex: str = "M", **fields) -> PersonIn:
    incomes = (
        [IncomeIn(category="wages", monthly_yuan=wages_yuan, effective_from=date(2024, 1, 1))]
        if wages_yuan
        else []
    )
    return PersonIn(
        id_number=id_number(birth, sex=sex),
        name=fields.pop("name", "测试"),
        hukou="rural",
        hukou_region=BANNER,
        residence_region=BANNER,
        relationship_to_head=relationship,
        incomes=incomes,
        **fields,
    )


def household(session, *members: PersonIn, banner: str = BANNER, hukou: str = "rural"):
    return registry.register_household(
        session, HouseholdIn(banner_code=banner, hukou=hukou, members=list(members)), actor="clerk"
    )


def caseworker(session, banner: str = BANNER) -> str:
    login = f"assistance_caseworker.{banner}"
    security.create_user(
        session, login=login, password=PASSWORD, role="assistance_caseworker", region_code=banner
    )
    return login


def record(number: str, kind: str, on: date, ref: str | None = None, **values) -> dict:
    return {
        "external_ref": ref or f"R{next(_refs):06d}",
        "id_number": number,
        "kind": kind,
        "observed_on": on.isoformat(),
        **{k: str(v) for k, v in values.items()},
    }


def send(session, source: str, *records: dict, today: date = AS_OF):
    return signals.ingest(session, list(records), source=source, channel="api", actor="partner", today=today)
