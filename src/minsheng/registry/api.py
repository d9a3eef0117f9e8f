"""Read endpoints of the registry: persons and households, keyset-paged, filtered by region.

Every endpoint takes the caller's region scope from `current_scope`; a record or a ?region= outside
it answers 404. ID numbers appear only masked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from minsheng.api.deps import current_scope, require
from minsheng.registry import service
from minsheng.registry.models import Household, Person
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

# Every registry answer needs the right to read it, as well as a scope that holds the household.
router = APIRouter(tags=["registry"], dependencies=[Depends(require("registry.read"))])

REGION_QUERY = Query(None, pattern=r"^\d{6}$", description="a banner, league or the region")
LIMIT_QUERY = Query(50, ge=1, le=500)
AFTER_QUERY = Query(None, ge=0, description="keyset paging: the last id of the previous page")


class MemberOut(BaseModel):
    id: int
    name: str
    id_number_masked: str
    sex: str
    birth_date: date
    relationship_to_head: str | None


class HouseholdOut(BaseModel):
    id: int
    household_number: str
    banner_code: str
    hukou: str
    address: str | None
    members: list[MemberOut]


class PersonOut(MemberOut):
    household_id: int | None
    hukou: str
    hukou_region: str
    residence_region: str
    version: int


class AmountOut(BaseModel):
    category: str
    monthly_fen: int
    effective_from: date
    effective_to: date | None


class MemberDetail(MemberOut):
    ethnicity: str | None
    hukou: str
    hukou_region: str
    residence_region: str
    education: str | None
    employment_status: str | None
    disability_type: str | None
    disability_grade: int | None
    serious_illness: bool
    adl_items_lost: int
    death_date: date | None
    incomes: list[AmountOut]
    expenses: list[AmountOut]
    tags: list[str]
    version: int


class AssetOut(BaseModel):
    kind: str
    value_fen: int
    quantity: int
    exempt: bool
    note: str | None


class HouseholdDetail(HouseholdOut):
    dissolved_on: date | None
    version: int
    members: list[MemberDetail]
    assets: list[AssetOut]


class HistoryEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: Any | None
    after: Any | None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    after_id: int | None
    next_after_id: int | None
    items: list[T]


def _page(items: list[Any], total: int, limit: int, after_id: int | None) -> dict[str, Any]:
    next_after = items[-1].id if len(items) == limit else None
    return {"total": total, "limit": limit, "after_id": after_id, "next_after_id": next_after, "items": items}


@router.get("/households", response_model=Page[HouseholdOut])
def list_households(
    region: str | None = REGION_QUERY,
    limit: int = LIMIT_QUERY,
    after_id: int | None = AFTER_QUERY,
    scope: RegionScope = Depends(current_scope),
) -> Page[HouseholdOut]:
    with unit_of_work() as session:
        found = service.list_households(session, scope, region=region, after_id=after_id, limit=limit)
        items = [_household_out(h) for h in found.items]
    return Page[HouseholdOut](**_page(items, found.total, limit, after_id))


@router.get("/households/{household_id}", response_model=HouseholdDetail)
def get_household(household_id: int, scope: RegionScope = Depends(current_scope)) -> HouseholdDetail:
    with unit_of_work() as session:
        household = service.get_household(session, scope, household_id)
        return HouseholdDetail(
            **_household_out(household).model_dump(exclude={"members"}),
            dissolved_on=household.dissolved_on,
            version=household.version,
            members=[_member_detail(p) for p in household.members],
            assets=[
                AssetOut(
                    kind=a.kind, value_fen=a.value_fen, quantity=a.quantity, exempt=a.exempt, note=a.note
                )
                for a in household.assets
            ],
        )


@router.get("/households/{household_id}/history", response_model=list[HistoryEntry])
def household_history(household_id: int, scope: RegionScope = Depends(current_scope)) -> list[HistoryEntry]:
    """The household's changes, newest first, with the state before and after (ID numbers masked)."""
    with unit_of_work() as session:
        return [
            HistoryEntry(
                id=r.id,
                at=r.at,
                actor=r.actor,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                before=r.before,
                after=r.after,
            )
            for r in service.household_history(session, scope, household_id)
        ]


@router.get("/persons", response_model=Page[PersonOut])
def list_persons(
    region: str | None = REGION_QUERY,
    name: str | None = Query(None, min_length=1, max_length=64, description="names starting with this"),
    id_number: str | None = Query(None, pattern=r"^\d{17}[\dXx]$", description="exact ID number"),
    limit: int = LIMIT_QUERY,
    after_id: int | None = AFTER_QUERY,
    scope: RegionScope = Depends(current_scope),
) -> Page[PersonOut]:
    with unit_of_work() as session:
        found = service.list_persons(
            session, scope, region=region, name=name, id_number=id_number, after_id=after_id, limit=limit
        )
        items = [_person_out(p) for p in found.items]
    return Page[PersonOut](**_page(items, found.total, limit, after_id))


@router.get("/persons/{person_id}", response_model=MemberOut)
def get_person(person_id: int, scope: RegionScope = Depends(current_scope)) -> MemberOut:
    with unit_of_work() as session:
        return _member_out(service.get_person(session, scope, person_id))


def _member_out(person: Person) -> MemberOut:
    return MemberOut(
        id=person.id,
        name=person.name,
        id_number_masked=person.id_number_masked,
        sex=person.sex,
        birth_date=person.birth_date,
        relationship_to_head=person.relationship_to_head,
    )


def _person_out(person: Person) -> PersonOut:
    return PersonOut(
        **_member_out(person).model_dump(),
        household_id=person.household_id,
        hukou=person.hukou,
        hukou_region=person.hukou_region,
        residence_region=person.residence_region,
        version=person.version,
    )


def _member_detail(person: Person) -> MemberDetail:
    def amounts(rows) -> list[AmountOut]:
        return [
            AmountOut(
                category=r.category,
                monthly_fen=r.monthly_fen,
                effective_from=r.effective_from,
                effective_to=r.effective_to,
            )
            for r in rows
        ]

    return MemberDetail(
        **_member_out(person).model_dump(),
        ethnicity=person.ethnicity,
        hukou=person.hukou,
        hukou_region=person.hukou_region,
        residence_region=person.residence_region,
        education=person.education,
        employment_status=person.employment_status,
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
        serious_illness=person.serious_illness,
        adl_items_lost=person.adl_items_lost,
        death_date=person.death_date,
        incomes=amounts(person.incomes),
        expenses=amounts(person.expenses),
        tags=sorted(t.tag for t in person.tags),
        version=person.version,
    )


def _household_out(household: Household) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        household_number=household.household_number,
        banner_code=household.banner_code,
        hukou=household.hukou,
        address=household.address,
        members=[_member_out(p) for p in household.members],
    )
