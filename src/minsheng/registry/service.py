"""Registry use cases: register and change households and persons, each in the caller's transaction.

Every change appends an audit record whose subject is the household (`household:{id}`) with the
state before and after — ID numbers only masked — so a household's history is its audit records.
A person is in at most one household (one `household_id` column); one record per ID number (the
blind index is unique, and a duplicate is refused naming the existing record). Reads take a
`RegionScope` and filter lists, single records and counts alike through `scope.where`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic_core import PydanticCustomError
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from minsheng import idcard, regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.registry.models import Asset, Expense, Household, Income, Person, PersonTag
from minsheng.registry.schemas import AssetIn, HouseholdIn, PersonIn, PersonUpdate, check_vocabulary
from minsheng.registry.vocabulary import RELATIONSHIP
from minsheng.security import pii
from minsheng.security.scope import REGION_WIDE, OutOfScope, RegionScope
from minsheng.store import audit
from minsheng.store.audit import AuditRecord
from minsheng.store.base import utcnow

HOUSEHOLD_SERIAL_DIGITS = 10
HOUSEHOLD = "家庭户 / household"
PERSON = "人员 / person"

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One keyset page and the total in scope."""

    items: list[T]
    total: int


# ---------------------------------------------------------------- states for the audit record


def person_state(person: Person) -> dict[str, Any]:
    """A person as the audit log keeps it: the masked ID number, never the number."""
    return {
        "person_id": person.id,
        "id_number_masked": person.id_number_masked,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "ethnicity": person.ethnicity,
        "hukou": person.hukou,
        "hukou_region": person.hukou_region,
        "residence_region": person.residence_region,
        "household_id": person.household_id,
        "relationship_to_head": person.relationship_to_head,
        "education": person.education,
        "employment_status": person.employment_status,
        "disability_type": person.disability_type,
        "disability_grade": person.disability_grade,
        "serious_illness": person.serious_illness,
        "adl_items_lost": person.adl_items_lost,
        "incomes": [
            {
                "category": i.category,
                "monthly_fen": i.monthly_fen,
                "effective_from": i.effective_from,
                "effective_to": i.effective_to,
            }
            for i in person.incomes
        ],
        "expenses": [
            {
                "category": e.category,
                "monthly_fen": e.monthly_fen,
                "effective_from": e.effective_from,
                "effective_to": e.effective_to,
            }
            for e in person.expenses
        ],
        "tags": sorted(t.tag for t in person.tags),
        "version": person.version,
    }


def household_state(household: Household) -> dict[str, Any]:
    return {
        "household_id": household.id,
        "household_number": household.household_number,
        "banner_code": household.banner_code,
        "hukou": household.hukou,
        "address": household.address,
        "dissolved_on": household.dissolved_on,
        "members": [
            {
                "person_id": m.id,
                "id_number_masked": m.id_number_masked,
                "name": m.name,
                "relationship_to_head": m.relationship_to_head,
            }
            for m in household.members
        ],
        "assets": [
            {"kind": a.kind, "value_fen": a.value_fen, "quantity": a.quantity, "exempt": a.exempt}
            for a in household.assets
        ],
        "version": household.version,
    }


def _audit(
    session: Session,
    household: Household,
    action: str,
    actor: str,
    before: dict | None,
    after: dict | None,
    *,
    entity: str = "household",
    entity_id: Any = None,
) -> None:
    audit.append(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=household.id if entity_id is None else entity_id,
        region_code=household.banner_code,
        subject=f"household:{household.id}",
        before=before,
        after=after,
    )


# ---------------------------------------------------------------- helpers


def _check_version(record: Household | Person, expected: int | None, what: str) -> None:
    if expected is not None and record.version != expected:
        raise Conflict(
            f"{what.split(' / ')[0]} {record.id} 已被他人修改(版本 {record.version},您提交的是 {expected}),请刷新后重试",
            f"{what.split(' / ')[-1]} {record.id} was changed by someone else (version {record.version}, "
            f"yours is {expected}); reload and try again",
            [FieldError("version", "current_version", "version: 版本已过期", "version: stale version")],
        )


def _flush(session: Session) -> None:
    """Write now, so a concurrent change surfaces as a Conflict inside the use case."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "记录已被他人修改,请刷新后重试", "the record was changed by someone else; reload and try again"
        ) from None


def _touch(household: Household) -> None:
    """A change to members or assets is a change to the household: bump its version."""
    household.updated_at = utcnow()


def duplicate_error(existing: Person, household_number: str | None, field: str = "id_number") -> DomainError:
    where_zh = f",户编号 {household_number}" if household_number else ",未入户"
    where_en = f", household {household_number}" if household_number else ", in no household"
    message_zh = f"身份证号已登记:{existing.id_number_masked}(人员 {existing.id}{where_zh})"
    message_en = f"ID number already registered: {existing.id_number_masked} (person {existing.id}{where_en})"
    return DomainError(
        "duplicate_person",
        message_zh,
        message_en,
        409,
        [FieldError(field, "unique_id_number", f"{field}: {message_zh}", f"{field}: {message_en}")],
    )


def _refuse_registered(session: Session, members: Sequence[PersonIn], field_prefix: str) -> None:
    hashes = {pii.blind_index(m.id_number): i for i, m in enumerate(members)}
    existing = session.execute(
        select(Person, Household.household_number)
        .outerjoin(Household, Person.household_id == Household.id)
        .where(Person.id_number_hash.in_(list(hashes)))
    ).first()
    if existing is not None:
        person, number = existing
        raise duplicate_error(person, number, f"{field_prefix}{hashes[person.id_number_hash]}.id_number")


def next_household_number(session: Session, banner_code: str) -> str:
    """Banner code and a zero-padded serial, one more than the banner's highest."""
    highest = session.scalar(
        select(func.max(Household.household_number)).where(
            Household.banner_code == banner_code, Household.household_number.startswith(banner_code)
        )
    )
    serial = int(highest[len(banner_code) :]) + 1 if highest else 1
    return f"{banner_code}{serial:0{HOUSEHOLD_SERIAL_DIGITS}d}"


def _incomes(data: PersonIn | PersonUpdate) -> list[Income]:
    return [
        Income(
            category=i.category,
            monthly_fen=i.monthly_fen,
            effective_from=i.effective_from,
            effective_to=i.effective_to,
            source=i.source,
        )
        for i in data.incomes or []
    ]


def _expenses(data: PersonIn | PersonUpdate) -> list[Expense]:
    return [
        Expense(
            category=e.category,
            monthly_fen=e.monthly_fen,
            effective_from=e.effective_from,
            effective_to=e.effective_to,
        )
        for e in data.expenses or []
    ]


def _new_person(data: PersonIn) -> Person:
    parsed = data.parsed_id
    return Person(
        id_number_hash=pii.blind_index(parsed.number),
        id_number_cipher=pii.encrypt(parsed.number),
        id_number_masked=idcard.mask(parsed.number),
        name=data.name,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        ethnicity=data.ethnicity,
        hukou=data.hukou,
        hukou_region=data.hukou_region,
        residence_region=data.residence_region,
        phone=data.phone,
        bank_account=data.bank_account,
        relationship_to_head=data.relationship_to_head,
        education=data.education,
        employment_status=data.employment_status,
        disability_type=data.disability_type,
        disability_grade=data.disability_grade,
        serious_illness=data.serious_illness,
        adl_items_lost=data.adl_items_lost,
        incomes=_incomes(data),
        expenses=_expenses(data),
        tags=[PersonTag(tag=tag) for tag in data.tags],
    )


def _new_assets(assets: Iterable[AssetIn]) -> list[Asset]:
    return [
        Asset(kind=a.kind, value_fen=a.value_fen, quantity=a.quantity, exempt=a.exempt, note=a.note)
        for a in assets
    ]


def _household_for_change(session: Session, scope: RegionScope, household_id: int) -> Household:
    household = get_household(session, scope, household_id)
    if household.dissolved_on is not None:
        raise DomainError(
            "household_dissolved",
            f"家庭户 {household.household_number} 已于 {household.dissolved_on} 注销",
            f"household {household.household_number} was dissolved on {household.dissolved_on}",
            409,
        )
    return household


def _member(household: Household, person_id: int) -> Person:
    for member in household.members:
        if member.id == person_id:
            return member
    raise DomainError(
        "not_a_member",
        f"人员 {person_id} 不是家庭户 {household.household_number} 的成员",
        f"person {person_id} is not a member of household {household.household_number}",
        fields=[FieldError("person_id", "member", "person_id: 不是本户成员", "person_id: not a member")],
    )


def _detach(household: Household, leaving: Sequence[Person], new_head_id: int | None, today: date) -> None:
    """Take members out; a leaving head hands over to `new_head_id`; an empty household is dissolved."""
    leaving_ids = {p.id for p in leaving}
    remaining = [m for m in household.members if m.id not in leaving_ids]
    head_leaves = any(p.relationship_to_head == "head" for p in leaving)
    if not remaining:
        household.dissolved_on = today
    elif head_leaves:
        if new_head_id is None or new_head_id not in {m.id for m in remaining}:
            raise DomainError(
                "new_head_required",
                "户主离户时须从留下的成员中指定新户主",
                "when the head leaves, name a new head among the members who stay",
                fields=[FieldError("new_head_id", "required", "new_head_id: 必填", "new_head_id: required")],
            )
        for member in remaining:
            if member.id == new_head_id:
                member.relationship_to_head = "head"
    for person in leaving:
        household.members.remove(person)
    _touch(household)


# ---------------------------------------------------------------- writes


def register_household(
    session: Session, data: HouseholdIn, *, actor: str, scope: RegionScope = REGION_WIDE
) -> Household:
    """登记家庭户 — a new household with its members and assets."""
    if not scope.allows(data.banner_code):
        raise NotFound("旗县区 / banner", data.banner_code)
    _refuse_registered(session, data.members, "members.")
    household = Household(
        household_number=next_household_number(session, data.banner_code),
        banner_code=data.banner_code,
        hukou=data.hukou,
        address=data.address,
        members=[_new_person(m) for m in data.members],
        assets=_new_assets(data.assets),
    )
    session.add(household)
    _flush(session)
    _audit(session, household, "registry.register_household", actor, None, household_state(household))
    return household


def update_person(
    session: Session,
    person_id: int,
    changes: PersonUpdate,
    *,
    actor: str,
    expected_version: int | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Person:
    """Change a person's fields; incomes, expenses and tags given replace the old lists."""
    person = get_person(session, scope, person_id)
    _check_version(person, expected_version, PERSON)
    before = person_state(person)
    given = changes.model_fields_set - {"incomes", "expenses", "tags"}
    for field in given:
        value = getattr(changes, field)
        if value is None and field in ("name", "hukou", "hukou_region", "residence_region"):
            raise DomainError(
                "required",
                f"{field} 不能为空",
                f"{field} must not be empty",
                fields=[FieldError(field, "required", f"{field}: 必填", f"{field}: required")],
            )
        if field == "serious_illness" and value is None:
            value = False
        if field == "adl_items_lost" and value is None:
            value = 0
        setattr(person, field, value)
    if (person.disability_type is None) != (person.disability_grade is None):
        raise DomainError(
            "disability_pair",
            "残疾类别与残疾等级应同时填写或同时为空",
            "disability_type and disability_grade go together",
            fields=[
                FieldError(
                    "disability_grade",
                    "disability_pair",
                    "disability_grade: 应与残疾类别同填",
                    "disability_grade: goes with disability_type",
                )
            ],
        )
    if "relationship_to_head" in given and person.household is not None:
        heads = [m for m in person.household.members if m.relationship_to_head == "head"]
        if len(heads) != 1:
            raise DomainError(
                "one_head",
                f"每户应有且只有一名户主,修改后有 {len(heads)} 名",
                f"a household has exactly one head; after this change it would have {len(heads)}",
                fields=[
                    FieldError(
                        "relationship_to_head",
                        "one_head",
                        "relationship_to_head: 每户一名户主",
                        "relationship_to_head: one head per household",
                    )
                ],
            )
    if changes.incomes is not None:
        person.incomes = _incomes(changes)
    if changes.expenses is not None:
        person.expenses = _expenses(changes)
    if changes.tags is not None:
        kept = {t.tag: t for t in person.tags if t.tag in changes.tags}
        person.tags = [kept.get(tag) or PersonTag(tag=tag) for tag in changes.tags]
    person.updated_at = utcnow()  # a change of incomes alone is a new version of the person too
    _flush(session)
    after = person_state(person)
    if person.household is not None:
        _audit(
            session,
            person.household,
            "registry.update_person",
            actor,
            before,
            after,
            entity="person",
            entity_id=person.id,
        )
    else:
        audit.append(
            session,
            actor=actor,
            action="registry.update_person",
            entity="person",
            entity_id=person.id,
            region_code=person.residence_region,
            subject=f"person:{person.id}",
            before=before,
            after=after,
        )
    return person


def set_assets(
    session: Session,
    household_id: int,
    assets: Sequence[AssetIn],
    *,
    actor: str,
    expected_version: int | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Household:
    """Replace the household's assets."""
    household = _household_for_change(session, scope, household_id)
    _check_version(household, expected_version, HOUSEHOLD)
    before = household_state(household)
    household.assets = _new_assets(assets)
    _touch(household)
    _flush(session)
    _audit(session, household, "registry.set_assets", actor, before, household_state(household))
    return household


def add_member(
    session: Session,
    household_id: int,
    data: PersonIn,
    *,
    actor: str,
    expected_version: int | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Person:
    """A new person joins the household (birth, marriage …); the household already has its head."""
    household = _household_for_change(session, scope, household_id)
    _check_version(household, expected_version, HOUSEHOLD)
    if data.relationship_to_head == "head":
        raise DomainError(
            "one_head",
            "本户已有户主",
            "the household already has a head",
            fields=[
                FieldError(
                    "relationship_to_head",
                    "one_head",
                    "relationship_to_head: 本户已有户主",
                    "relationship_to_head: the household has a head",
                )
            ],
        )
    _refuse_registered(session, [data], "")
    before = household_state(household)
    person = _new_person(data)
    household.members.append(person)
    _touch(household)
    _flush(session)
    _audit(session, household, "registry.add_member", actor, before, household_state(household))
    return person


def remove_member(
    session: Session,
    household_id: int,
    person_id: int,
    *,
    actor: str,
    new_head_id: int | None = None,
    expected_version: int | None = None,
    today: date | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Person:
    """A member leaves the household (and is in none until moved); the last one dissolves it."""
    household = _household_for_change(session, scope, household_id)
    _check_version(household, expected_version, HOUSEHOLD)
    person = _member(household, person_id)
    before = household_state(household)
    _detach(household, [person], new_head_id, today or date.today())
    person.relationship_to_head = None
    _flush(session)
    _audit(session, household, "registry.remove_member", actor, before, household_state(household))
    return person


def move_member(
    session: Session,
    person_id: int,
    to_household_id: int,
    *,
    relationship_to_head: str,
    actor: str,
    new_head_id: int | None = None,
    expected_versions: dict[int, int] | None = None,
    today: date | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Person:
    """Move a person into another household; from a household, or from none."""
    relationship = _relationship(relationship_to_head)
    person = get_person(session, scope, person_id)
    target = _household_for_change(session, scope, to_household_id)
    versions = expected_versions or {}
    _check_version(target, versions.get(target.id), HOUSEHOLD)
    if person.household_id == target.id:
        raise DomainError(
            "same_household", "该人员已在目标家庭户中", "the person is already in that household", 409
        )
    if relationship == "head":
        raise DomainError(
            "one_head",
            "目标家庭户已有户主",
            "the target household already has a head",
            fields=[
                FieldError(
                    "relationship_to_head",
                    "one_head",
                    "relationship_to_head: 已有户主",
                    "relationship_to_head: has a head",
                )
            ],
        )
    source = person.household
    if source is not None:
        _check_version(source, versions.get(source.id), HOUSEHOLD)
        source_before = household_state(source)
    target_before = household_state(target)
    if source is not None:
        _detach(source, [person], new_head_id, today or date.today())
    person.relationship_to_head = relationship
    target.members.append(person)
    _touch(target)
    _flush(session)
    if source is not None:
        _audit(session, source, "registry.move_member_out", actor, source_before, household_state(source))
    _audit(session, target, "registry.move_member_in", actor, target_before, household_state(target))
    return person


def _relationship(value: str) -> str:
    try:
        return check_vocabulary(value, RELATIONSHIP, "与户主关系", "relationship to head")
    except PydanticCustomError as problem:
        context = problem.context or {}
        raise DomainError(
            "vocabulary",
            context.get("message_zh", str(problem)),
            context.get("message_en", str(problem)),
            fields=[
                FieldError(
                    "relationship_to_head",
                    "vocabulary",
                    context.get("message_zh", ""),
                    context.get("message_en", ""),
                )
            ],
        ) from None


def split_household(
    session: Session,
    household_id: int,
    person_ids: Sequence[int],
    *,
    new_head_id: int,
    actor: str,
    remaining_head_id: int | None = None,
    address: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Household:
    """分户 — some members form a new household in the same banner; `new_head_id` heads it."""
    household = _household_for_change(session, scope, household_id)
    _check_version(household, expected_version, HOUSEHOLD)
    leaving = [_member(household, pid) for pid in dict.fromkeys(person_ids)]
    if new_head_id not in {p.id for p in leaving}:
        raise DomainError(
            "new_head_required",
            "新户户主须是分出的成员之一",
            "the new head must be one of the members who leave",
            fields=[
                FieldError(
                    "new_head_id",
                    "member",
                    "new_head_id: 须为分出成员",
                    "new_head_id: must be a leaving member",
                )
            ],
        )
    if len(leaving) == len(household.members):
        raise DomainError(
            "split_all",
            "分户须至少留下一名成员",
            "a split must leave at least one member in the household",
            fields=[
                FieldError(
                    "person_ids", "split_all", "person_ids: 不能分出全部成员", "person_ids: not every member"
                )
            ],
        )
    before = household_state(household)
    _detach(household, leaving, remaining_head_id, today or date.today())
    for person in leaving:
        person.relationship_to_head = "head" if person.id == new_head_id else "other"
    new = Household(
        household_number=next_household_number(session, household.banner_code),
        banner_code=household.banner_code,
        hukou=household.hukou,
        address=address if address is not None else household.address,
        members=leaving,
    )
    session.add(new)
    _flush(session)
    _audit(session, household, "registry.split_household", actor, before, household_state(household))
    _audit(session, new, "registry.split_household_new", actor, None, household_state(new))
    return new


def merge_households(
    session: Session,
    into_id: int,
    from_id: int,
    *,
    actor: str,
    relationships: dict[int, str] | None = None,
    expected_versions: dict[int, int] | None = None,
    today: date | None = None,
    scope: RegionScope = REGION_WIDE,
) -> Household:
    """合户 — every member and asset of `from_id` joins `into_id`, whose head stays; `from_id` is dissolved."""
    if into_id == from_id:
        raise DomainError("same_household", "不能与自身合户", "a household cannot merge with itself")
    into = _household_for_change(session, scope, into_id)
    source = _household_for_change(session, scope, from_id)
    versions = expected_versions or {}
    _check_version(into, versions.get(into.id), HOUSEHOLD)
    _check_version(source, versions.get(source.id), HOUSEHOLD)
    relationships = relationships or {}
    if "head" in relationships.values():
        raise DomainError("one_head", "合入的成员不能成为户主", "a merged member cannot become the head")
    into_before, source_before = household_state(into), household_state(source)
    moving = list(source.members)
    for asset in list(source.assets):
        asset.household = into  # re-parented, not orphaned: the asset row survives
    _detach(source, moving, None, today or date.today())
    for person in moving:
        person.relationship_to_head = relationships.get(person.id) or (
            "other" if person.relationship_to_head == "head" else person.relationship_to_head
        )
        into.members.append(person)
    _touch(into)
    _flush(session)
    _audit(session, source, "registry.merge_households_out", actor, source_before, household_state(source))
    _audit(session, into, "registry.merge_households_in", actor, into_before, household_state(into))
    return into


# ---------------------------------------------------------------- reads


def _person_region() -> ColumnElement[str]:
    """A person is where their household is; a person in no household, where they live."""
    return func.coalesce(Household.banner_code, Person.residence_region)


def _persons_in(scope: RegionScope) -> Select:
    return (
        select(Person)
        .outerjoin(Household, Person.household_id == Household.id)
        .where(scope.where(_person_region()))
    )


def narrowed(scope: RegionScope, region: str | None) -> RegionScope:
    """The caller's ?region= inside their scope: unknown → 422 naming `region`; outside → absent."""
    if region is None:
        return scope
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
    try:
        return scope.narrowed_to(region)
    except OutOfScope:
        raise NotFound("行政区划 / region", region) from None


def get_household(session: Session, scope: RegionScope, household_id: int) -> Household:
    household = session.scalars(
        select(Household)
        .where(Household.id == household_id, scope.where(Household.banner_code))
        .options(
            selectinload(Household.members).selectinload(Person.incomes),
            selectinload(Household.members).selectinload(Person.expenses),
            selectinload(Household.members).selectinload(Person.tags),
            selectinload(Household.assets),
        )
    ).one_or_none()
    if household is None:
        raise NotFound(HOUSEHOLD, household_id)
    return household


def list_households(
    session: Session,
    scope: RegionScope,
    *,
    region: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Listing[Household]:
    scope = narrowed(scope, region)
    query = select(Household).where(scope.where(Household.banner_code))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if after_id is not None:
        query = query.where(Household.id > after_id)
    items = session.scalars(
        query.order_by(Household.id).limit(limit).options(selectinload(Household.members))
    ).all()
    return Listing(list(items), total)


def count_households(session: Session, scope: RegionScope) -> int:
    return (
        session.scalar(select(func.count()).select_from(Household).where(scope.where(Household.banner_code)))
        or 0
    )


def get_person(session: Session, scope: RegionScope, person_id: int) -> Person:
    person = session.scalars(_persons_in(scope).where(Person.id == person_id)).one_or_none()
    if person is None:
        raise NotFound(PERSON, person_id)
    return person


def list_persons(
    session: Session,
    scope: RegionScope,
    *,
    region: str | None = None,
    name: str | None = None,
    id_number: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Listing[Person]:
    query = _persons_in(narrowed(scope, region))
    if name:
        query = query.where(Person.name.startswith(name, autoescape=True))
    if id_number:
        query = query.where(Person.id_number_hash == pii.blind_index(id_number))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if after_id is not None:
        query = query.where(Person.id > after_id)
    items = session.scalars(query.order_by(Person.id).limit(limit)).all()
    return Listing(list(items), total)


def count_persons(session: Session, scope: RegionScope) -> int:
    return session.scalar(select(func.count()).select_from(_persons_in(scope).subquery())) or 0


def find_person_by_id_number(session: Session, scope: RegionScope, number: str) -> Person | None:
    """The person with this ID number, found through the blind index (never by decrypting)."""
    return session.scalars(
        _persons_in(scope).where(Person.id_number_hash == pii.blind_index(number.strip().upper()))
    ).one_or_none()


def household_history(session: Session, scope: RegionScope, household_id: int) -> list[AuditRecord]:
    """The household's audit records, newest first."""
    get_household(session, scope, household_id)
    return list(
        session.scalars(
            select(AuditRecord)
            .where(AuditRecord.subject == f"household:{household_id}")
            .order_by(AuditRecord.id.desc())
        )
    )
