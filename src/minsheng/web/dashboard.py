"""The region page's figures, every one filtered through the caller's RegionScope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.config import get_settings
from minsheng.registry.models import Household, Person, PersonTag
from minsheng.registry.vocabulary import KEY_GROUP_TAG
from minsheng.security.scope import RegionScope
from minsheng.store.audit import AuditRecord


@dataclass(frozen=True)
class Dashboard:
    area_level: str  # league | banner: what the bars are
    areas: list[dict]  # {code, name_zh, name_en, households, persons}
    key_groups: list[dict]  # {tag, zh, en, persons}
    changes_by_day: list[dict]  # {day, changes}
    households: int
    persons: int
    changes: int


def _persons_by_banner(session: Session, scope: RegionScope) -> list[tuple[str, int]]:
    """Living persons per banner: where their household is, or where they live if in none.

    Two indexed queries rather than one filter on COALESCE(household banner, residence), which no
    index can answer."""
    if regions.get(scope.code).level == "banner":  # few households: reach their members by index
        in_households = session.execute(
            select(Household.banner_code, func.count(Person.id))
            .join(Person, Person.household_id == Household.id)
            .where(scope.where(Household.banner_code), Person.death_date.is_(None))
            .group_by(Household.banner_code)
        ).all()
    else:  # a league or the region: one pass over persons, grouped by household, then to banners
        members = (
            select(Person.household_id, func.count().label("members"))
            .where(Person.household_id.is_not(None), Person.death_date.is_(None))
            .group_by(Person.household_id)
            .subquery()
        )
        in_households = session.execute(
            select(Household.banner_code, func.sum(members.c.members))
            .join(members, members.c.household_id == Household.id)
            .where(scope.where(Household.banner_code))
            .group_by(Household.banner_code)
        ).all()
    alone = session.execute(
        select(Person.residence_region, func.count())
        .where(
            Person.household_id.is_(None), scope.where(Person.residence_region), Person.death_date.is_(None)
        )
        .group_by(Person.residence_region)
    ).all()
    return [*in_households, *alone]


def _tags(session: Session, scope: RegionScope) -> list[tuple[str, int]]:
    in_households = session.execute(
        select(PersonTag.tag, func.count())
        .join(Person, PersonTag.person_id == Person.id)
        .join(Household, Person.household_id == Household.id)
        .where(scope.where(Household.banner_code))
        .group_by(PersonTag.tag)
    ).all()
    alone = session.execute(
        select(PersonTag.tag, func.count())
        .join(Person, PersonTag.person_id == Person.id)
        .where(Person.household_id.is_(None), scope.where(Person.residence_region))
        .group_by(PersonTag.tag)
    ).all()
    return [*in_households, *alone]


def _area_codes(scope: RegionScope) -> tuple[str, list[regions.Region]]:
    if scope.is_region_wide:
        return "league", regions.leagues()
    region = regions.get(scope.code)
    if region.level == "league":
        return "banner", regions.banners(scope.code)
    return "banner", [region]


def month_start(today: date) -> date:
    return today.replace(day=1)


def build(session: Session, scope: RegionScope, today: date) -> Dashboard:
    level, areas = _area_codes(scope)
    digits = 4 if level == "league" else 6

    def area_of(code: str | None) -> str | None:
        if code is None:
            return None
        return code[:4] + "00" if digits == 4 else code

    households: dict[str, int] = {}
    for code, count in session.execute(
        select(Household.banner_code, func.count())
        .where(scope.where(Household.banner_code))
        .group_by(Household.banner_code)
    ):
        key = area_of(code)
        households[key] = households.get(key, 0) + count
    persons: dict[str, int] = {}
    for code, count in _persons_by_banner(session, scope):
        key = area_of(code)
        persons[key] = persons.get(key, 0) + int(count)  # SUM is a decimal on PostgreSQL
    area_rows = [
        {
            "code": a.code,
            "name_zh": a.name_zh,
            "name_en": a.name_en or a.pinyin,
            "households": households.get(a.code, 0),
            "persons": persons.get(a.code, 0),
        }
        for a in areas
    ]
    tag_counts: dict[str, int] = {}
    for tag, count in _tags(session, scope):
        tag_counts[tag] = tag_counts.get(tag, 0) + count
    key_groups = [
        {"tag": tag, "zh": zh, "en": en, "persons": tag_counts.get(tag, 0)}
        for tag, (zh, en) in KEY_GROUP_TAG.items()
    ]
    changes_by_day = _changes_by_day(session, scope, today)
    return Dashboard(
        area_level=level,
        areas=area_rows,
        key_groups=key_groups,
        changes_by_day=changes_by_day,
        households=sum(households.values()),
        persons=sum(persons.values()),
        changes=sum(row["changes"] for row in changes_by_day),
    )


def _changes_by_day(session: Session, scope: RegionScope, today: date) -> list[dict]:
    """Registry writes this month in the scope, per local day (the audit chain is the record of them)."""
    zone = ZoneInfo(get_settings().timezone)
    start_local = datetime.combine(month_start(today), datetime.min.time(), zone)
    start = start_local.astimezone(UTC)
    moments = session.scalars(
        select(AuditRecord.at).where(
            AuditRecord.action.startswith("registry."),
            AuditRecord.at >= start,
            scope.where(AuditRecord.region_code),
        )
    ).all()
    per_day: dict[date, int] = {}
    for moment in moments:
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date()
        per_day[local] = per_day.get(local, 0) + 1
    days = []
    day = month_start(today)
    while day <= today:
        days.append({"day": day.isoformat(), "changes": per_day.get(day, 0)})
        day += timedelta(days=1)
    return days
