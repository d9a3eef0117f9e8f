"""Assistance API: a "what if" determination of a household typed in (nothing stored), and one from
the registry. Amounts are fen; every determination carries its reasons in Chinese and English."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt

from minsheng.api.deps import current_scope, require
from minsheng.api.errors import NotFound
from minsheng.assistance import service
from minsheng.registry.vocabulary import EXPENSE_CATEGORY, INCOME_CATEGORY
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/assistance", tags=["assistance"])

Fen = Field(default=0, ge=0, description="amount in fen (分), ≥ 0")
IncomeCategory = Literal[tuple(INCOME_CATEGORY)]  # type: ignore[valid-type]
ExpenseCategory = Literal[tuple(EXPENSE_CATEGORY)]  # type: ignore[valid-type]


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int | None = Field(None, ge=1)
    relationship_to_head: Literal[
        "head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other"
    ]
    sex: Literal["M", "F"] = "M"
    birth_date: dt.date
    death_date: dt.date | None = None
    hukou: Literal["urban", "rural"] | None = None
    employment_status: str | None = None
    disability_type: (
        Literal["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"] | None
    ) = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    serious_illness: bool = False
    adl_items_lost: int = Field(
        0, ge=0, le=6, description="of the six ADL items, how many the person cannot do"
    )
    tags: list[str] = Field(
        default_factory=list, description="e.g. orphan, unsupported_child, institutional_care"
    )
    incomes: dict[IncomeCategory, NonNegativeInt] = Field(
        default_factory=dict, description="monthly fen by category"
    )  # type: ignore[valid-type]
    expenses: dict[ExpenseCategory, NonNegativeInt] = Field(
        default_factory=dict, description="monthly fen by category"
    )  # type: ignore[valid-type]


class HouseholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    banner_code: str = Field(pattern=r"^\d{6}$", description="旗县区代码 GB/T 2260")
    hukou: Literal["urban", "rural"]
    financial_assets_fen: int = Fen
    other_assets_fen: int = Fen
    vehicles: int = Field(0, ge=0)
    vehicle_value_fen: int = Fen
    dwellings: int = Field(0, ge=0)
    business_assets_fen: int = Fen
    members: list[MemberIn] = Field(min_length=1, max_length=30)


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household: HouseholdIn
    as_of: dt.date | None = Field(None, description="the date of the determination; today if absent")


@router.post("/assess", summary="认定试算 determine a household typed in (not stored)")
def assess(
    request: AssessRequest,
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    """低保, 特困, orphan, 低保边缘 and 刚性支出 for a household given as JSON, with every reason.
    Nothing is stored: a caseworker can try "what if" before an application exists."""
    as_of = request.as_of or dt.date.today()
    data = request.household.model_dump()
    if not scope.allows(data["banner_code"]) and _known_banner(data["banner_code"]):
        raise NotFound("旗县区 banner", data["banner_code"])  # outside the caller's scope: as if absent
    return service.assess_data(data, as_of).as_dict()


@router.get("/households/{household_id}/assessment", summary="认定 determine a registry household")
def assess_registered(
    household_id: int,
    as_of: dt.date | None = Query(None, description="the date of the determination; today if absent"),
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    with unit_of_work() as session:
        result = service.assess_household(session, household_id, as_of or dt.date.today())
    if not scope.allows(result.summary["banner_code"]):
        raise NotFound("家庭户 household", household_id)
    return result.as_dict()


def _known_banner(code: str) -> bool:
    from minsheng import regions

    return regions.exists(code)
