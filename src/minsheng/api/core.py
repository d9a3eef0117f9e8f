"""Health and the region table."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import text

from minsheng import __version__, regions
from minsheng.api.errors import NotFound
from minsheng.store.db import default_engine

router = APIRouter(tags=["core"])


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/health", response_model=Health)
def health() -> Health:
    with default_engine().connect() as connection:
        connection.execute(text("select 1"))
    return Health(status="ok", version=__version__, database=default_engine().dialect.name)


class RegionOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    pinyin: str
    level: str
    parent: str | None
    population_2020: int | None


@router.get("/regions", response_model=list[RegionOut])
def list_regions(
    within: str | None = Query(None, pattern=r"^\d{6}$", description="only units inside this code"),
    level: str | None = Query(None, pattern="^(region|league|banner|province)$"),
) -> list[RegionOut]:
    if within is not None and not regions.exists(within):
        raise NotFound("行政区划 / region", within)
    found = [
        r
        for r in regions.all_regions()
        if (level is None or r.level == level) and (within is None or regions.is_within(r.code, within))
    ]
    return [RegionOut(**_fields(r)) for r in found]


@router.get("/regions/{code}", response_model=RegionOut)
def get_region(code: str) -> RegionOut:
    if not regions.exists(code):
        raise NotFound("行政区划 / region", code)
    return RegionOut(**_fields(regions.get(code)))


def _fields(region: regions.Region) -> dict:
    return {name: getattr(region, name) for name in region.__slots__}
