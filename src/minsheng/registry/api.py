"""Read endpoints of the registry: persons and households, paged and filtered by region."""

from __future__ import annotations

from datetime import date
from typing import Generic, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from minsheng import regions
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.registry.models import Household, Person
from minsheng.store.db import unit_of_work

router = APIRouter(tags=["registry"])


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


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    after_id: int | None
    next_after_id: int | None
    items: list[T]


def _region_prefix(region: str | None) -> str | None:
    if region is None:
        return None
    if not regions.exists(region):
        raise DomainError(
            "unknown_region",
            f"未知的行政区划代码 {region}",
            f"unknown region code {region}",
            fields=[
                FieldError(
                    "region", "region_exists", f"region: 未知代码 {region}", f"region: unknown code {region}"
                )
            ],
        )
    return regions.scope_prefix(region)


@router.get("/households", response_model=Page[HouseholdOut])
def list_households(
    region: str | None = Query(None, pattern=r"^\d{6}$", description="a banner, league or the region"),
    limit: int = Query(50, ge=1, le=500),
    after_id: int | None = Query(None, ge=0, description="keyset paging: the last id of the previous page"),
) -> Page[HouseholdOut]:
    prefix = _region_prefix(region)
    with unit_of_work() as session:
        query = select(Household)
        count = select(func.count()).select_from(Household)
        if prefix:
            query = query.where(Household.banner_code.startswith(prefix))
            count = count.where(Household.banner_code.startswith(prefix))
        if after_id is not None:
            query = query.where(Household.id > after_id)
        households = session.scalars(query.order_by(Household.id).limit(limit)).all()
        items = [_household_out(h) for h in households]
        total = session.scalar(count) or 0
    next_after = items[-1].id if len(items) == limit else None
    return Page[HouseholdOut](
        total=total, limit=limit, after_id=after_id, next_after_id=next_after, items=items
    )


@router.get("/households/{household_id}", response_model=HouseholdOut)
def get_household(household_id: int) -> HouseholdOut:
    with unit_of_work() as session:
        household = session.get(Household, household_id)
        if household is None:
            raise NotFound("家庭户 / household", household_id)
        return _household_out(household)


def _household_out(household: Household) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        household_number=household.household_number,
        banner_code=household.banner_code,
        hukou=household.hukou,
        address=household.address,
        members=[
            MemberOut(
                id=p.id,
                name=p.name,
                id_number_masked=p.id_number_masked,
                sex=p.sex,
                birth_date=p.birth_date,
                relationship_to_head=p.relationship_to_head,
            )
            for p in household.members
        ],
    )


@router.get("/persons/{person_id}", response_model=MemberOut)
def get_person(person_id: int) -> MemberOut:
    with unit_of_work() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound("人员 / person", person_id)
        return MemberOut(
            id=person.id,
            name=person.name,
            id_number_masked=person.id_number_masked,
            sex=person.sex,
            birth_date=person.birth_date,
            relationship_to_head=person.relationship_to_head,
        )
