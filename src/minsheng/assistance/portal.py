"""The citizen portal (一网通办): login by ID number and phone with a one-time code, what the household
may be entitled to, applying online with the same checks as the counter, and following the cases.

A citizen is not a staff user: the portal's session holds only the person and the household, grants
no permission, and every read is limited to that household. The one-time code is sent by SMS in
production; here it is written to the server log (`minsheng.portal`, the ID number masked), which is
what the demo reads. Only the code's keyed hash is stored; a code lives 5 minutes and takes 5 tries,
and an ID number gets at most 3 codes in 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minsheng import idcard
from minsheng.api.errors import DomainError, FieldError
from minsheng.assistance import cases, service
from minsheng.assistance.models import Case, PortalCode
from minsheng.config import get_settings
from minsheng.registry.models import Household, Person
from minsheng.security import pii
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.base import utcnow

log = logging.getLogger("minsheng.portal")

CODE_LIFETIME = dt.timedelta(minutes=5)
CODE_ATTEMPTS = 5
CODES_PER_WINDOW = 3
CODE_WINDOW = dt.timedelta(minutes=15)


class TooManyAttempts(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "too_many_attempts",
            "尝试次数过多,请 15 分钟后再试",
            "too many attempts; try again in 15 minutes",
            429,
        )


@dataclass(frozen=True)
class Citizen:
    person_id: int
    household_id: int
    masked_id: str

    @property
    def actor(self) -> str:
        return f"citizen:{self.masked_id}"

    def as_actor(self, banner_code: str) -> cases.Actor:
        return cases.Actor(self.actor, frozenset(), RegionScope(banner_code))


def _code_hash(hashed_id: str, code: str) -> str:
    key = get_settings().derived_key("portal-one-time-code")
    return hmac.new(key, f"{hashed_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def request_code(session: Session, id_number: str, phone: str, remote: str | None = None) -> str:
    """Send a code if the ID number and phone belong to one registered person; answer the same either
    way (the form must not tell who is registered). Returns the ID number's blind index."""
    try:
        number = idcard.parse(id_number.strip()).number
    except idcard.InvalidIdNumber as problem:
        raise DomainError(
            "invalid_id_number",
            f"身份证号{problem.reason_zh}",
            f"ID number: {problem.reason_en}",
            422,
            [FieldError("id_number", "checksum", f"身份证号{problem.reason_zh}", problem.reason_en)],
        ) from None
    hashed = pii.blind_index(number)
    now = utcnow()
    recent = session.scalar(
        select(func.count())
        .select_from(PortalCode)
        .where(PortalCode.id_number_hash == hashed, PortalCode.created_at >= now - CODE_WINDOW)
    )
    if recent >= CODES_PER_WINDOW:
        raise TooManyAttempts()
    person = session.scalar(select(Person).where(Person.id_number_hash == hashed))
    matches = (
        person is not None
        and person.household_id is not None
        and person.death_date is None
        and bool(person.phone)
        and _digits(person.phone)[-11:] == _digits(phone)[-11:]
        and len(_digits(phone)) >= 7
    )
    code = f"{secrets.randbelow(10**6):06d}"
    # A row is written either way, so the rate limit counts unknown numbers too.
    session.add(
        PortalCode(
            id_number_hash=hashed,
            code_hash=_code_hash(hashed, code) if matches else "none",
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    if matches:
        # Demo stand-in for the SMS gateway: the masked ID number and the code, nothing else.
        log.warning("portal one-time code for %s: %s (valid 5 minutes)", person.id_number_masked, code)
    else:
        log.info("portal code requested for an ID number and phone that do not match a registered person")
    return hashed


def verify_code(session: Session, hashed: str, code: str) -> Citizen | DomainError:
    """The citizen, if `code` is the latest live code of the ID number. A refusal is returned, not
    raised, so the caller's transaction commits the counted attempt."""
    now = utcnow()
    row = session.scalar(
        select(PortalCode)
        .where(PortalCode.id_number_hash == hashed, PortalCode.used_at.is_(None))
        .order_by(PortalCode.id.desc())
        .limit(1)
    )
    wrong = DomainError(
        "wrong_code",
        "验证码不正确或已过期",
        "the code is wrong or expired",
        401,
        [FieldError("code", "wrong", "验证码不正确或已过期", "wrong or expired code")],
    )
    if row is None or _aware(row.expires_at) < now:
        return wrong
    if row.attempts >= CODE_ATTEMPTS:
        return TooManyAttempts()
    row.attempts += 1
    if not hmac.compare_digest(row.code_hash, _code_hash(hashed, code.strip())):
        return TooManyAttempts() if row.attempts >= CODE_ATTEMPTS else wrong
    row.used_at = now
    person = session.scalar(select(Person).where(Person.id_number_hash == hashed))
    citizen = Citizen(person.id, person.household_id, person.id_number_masked)
    household = session.get(Household, person.household_id)
    audit.append(
        session,
        actor=citizen.actor,
        action="portal.login",
        entity="person",
        entity_id=person.id,
        region_code=household.banner_code,
        subject=f"household:{household.id}",
    )
    return citizen


def household_of(session: Session, citizen: Citizen) -> Household:
    person = session.get(Person, citizen.person_id)
    if person is None or person.household_id != citizen.household_id:
        raise DomainError(
            "session_stale", "户籍信息已变更,请重新登录", "your household changed; log in again", 401
        )
    return session.get(Household, citizen.household_id)


PROGRAMME_RULES = (("dibao", "dibao"), ("dibao_edge", "dibao_edge"), ("rigid_expense", "rigid_expense"))


def entitlements(session: Session, citizen: Citizen, today: dt.date) -> dict[str, Any]:
    """What the rules say the household may be entitled to today, with every reason."""
    assessment = service.assess_household(session, citizen.household_id, today)
    household = [
        {"programme": programme, **assessment.determination(rule).as_dict()}
        for programme, rule in PROGRAMME_RULES
    ]
    persons = []
    for person_id, items in sorted(assessment.persons.items()):
        for determination in items:
            if determination.eligible:
                programme = determination.rule
                if programme == "orphan" and determination.row.get("category") == "unsupported_child":
                    programme = "de_facto_child"
                persons.append({"programme": programme, "person_id": person_id, **determination.as_dict()})
    return {"as_of": today, "household": household, "persons": persons}


def apply(
    session: Session, citizen: Citizen, programme: str, subject_person_id: int | None, today: dt.date
) -> Case:
    """网上申请: a submitted case with the same checks as at the counter (the caseworker takes it on)."""
    household = household_of(session, citizen)
    return cases.open_case(
        session,
        household_id=household.id,
        programme=programme,
        submitted_on=today,
        actor=citizen.as_actor(household.banner_code),
        subject_person_id=subject_person_id,
        applicant_person_id=citizen.person_id,
        channel="portal",
        note="网上申请 online application",
        today=today,
    )


def household_cases(session: Session, citizen: Citizen) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.household_id == citizen.household_id).order_by(Case.id.desc())
        ).all()
    )


def case_of(session: Session, citizen: Citizen, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.household_id != citizen.household_id:
        from minsheng.api.errors import NotFound

        raise NotFound("申请 / application", case_id)
    return case
