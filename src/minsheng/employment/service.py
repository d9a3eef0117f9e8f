"""Employment use cases, each inside the caller's transaction (`unit_of_work`): register seekers,
employers and vacancies; match; refer and follow up; track zero-employment households; place people
in public-welfare jobs; run work-relief payrolls; decide job-retention refunds; count it all.

Every function takes the caller's region scope: a record outside it is reported absent (404).
Determinations come from the rules in `employment.rules`, with their reasons.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pyarrow as pa
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.employment import rules
from minsheng.employment import vocabulary as vocab
from minsheng.employment.models import (
    EmployingUnit,
    JobSeeker,
    OfficerVisit,
    Placement,
    PublicWelfarePlacement,
    PublicWelfarePost,
    Referral,
    RetentionRefund,
    UnemploymentRegistration,
    Vacancy,
    WorkReliefPayroll,
    WorkReliefProject,
    WorkReliefWorker,
    ZeroEmploymentHousehold,
)
from minsheng.employment.schemas import (
    AttendanceIn,
    BenefitIn,
    EmployerIn,
    OutcomeIn,
    PublicWelfarePostIn,
    RefundIn,
    SeekerIn,
    VacancyIn,
    VisitIn,
    WorkReliefProjectIn,
    WorkReliefWorkerIn,
)
from minsheng.money import yuan_to_fen
from minsheng.registry import service as registry
from minsheng.registry.models import Household, Person, PersonTag
from minsheng.security.scope import RegionScope
from minsheng.store import audit

SEEKER = "求职者 / job seeker"
EMPLOYER = "用人单位 / employer"
VACANCY = "岗位 / vacancy"
REFERRAL = "推荐 / referral"
PROJECT = "以工代赈项目 / work-relief project"
POST = "公益性岗位 / public-welfare post"
WORKER = "务工人员 / worker"
WORKING = ("employed", "self_employed", "farming")


def _audit(
    session: Session, actor: str, action: str, entity: str, entity_id: Any, region: str, after: Any, **kw
):
    audit.append(
        session,
        actor=actor,
        action=f"employment.{action}",
        entity=entity,
        entity_id=entity_id,
        region_code=region,
        after=after,
        **kw,
    )


def _reasons(rule: rules.Rule, row: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    return rules.explain(rule, row, as_of)


def _request(**columns: Any) -> pa.Table:
    return pa.Table.from_pylist([columns])


def _person_banner(person: Person) -> str:
    return person.household.banner_code if person.household is not None else person.residence_region


# ---------------------------------------------------------------- key groups


def derive_groups(session: Session, person: Person) -> list[str]:
    """Key-group and hardship tags from the registry and employment records (in vocabulary order)."""
    found = set(session.scalars(select(PersonTag.tag).where(PersonTag.person_id == person.id)))
    if person.disability_type is not None:
        found.add("disabled")
    open_registration = session.scalar(
        select(func.count())
        .select_from(UnemploymentRegistration)
        .where(UnemploymentRegistration.person_id == person.id, UnemploymentRegistration.ended_on.is_(None))
    )
    if open_registration:
        found.add("unemployed")
    else:
        found.discard("unemployed")
    if person.household_id is not None and _tracked_zero_employment(session, person.household_id) is not None:
        found.add("zero_employment_household")
    else:
        found.discard("zero_employment_household")
    ordered = (*vocab.KEY_GROUPS, *vocab.HARDSHIP_GROUPS)
    return [group for group in ordered if group in found]


def priority_level(groups: list[str]) -> int:
    if any(g in vocab.HARDSHIP_GROUPS for g in groups):
        return 2
    return 1 if any(g in vocab.KEY_GROUPS for g in groups) else 0


# ---------------------------------------------------------------- seekers


def register_seeker(
    session: Session, scope: RegionScope, data: SeekerIn, *, actor: str, today: date
) -> JobSeeker:
    """求职登记 (and 失业登记 when `unemployed`): the seeker's groups are read from the registry."""
    person = registry.get_person(session, scope, data.person_id)
    if person.death_date is not None:
        raise DomainError(
            "person_deceased",
            "该人员已死亡,不能登记求职",
            "the person has died and cannot register",
            fields=[FieldError("person_id", "alive", "person_id: 已死亡", "person_id: deceased")],
        )
    seeker = session.scalars(select(JobSeeker).where(JobSeeker.person_id == person.id)).one_or_none()
    if seeker is not None and seeker.status == "seeking":
        raise Conflict(
            f"该人员已登记求职(编号 {seeker.id})",
            f"the person is already registered as seeker {seeker.id}",
            [FieldError("person_id", "unique", "person_id: 已登记", "person_id: already registered")],
        )
    banner = data.banner_code or _person_banner(person)
    if not scope.allows(banner):
        raise NotFound("旗县区 / banner", banner)
    if seeker is None:
        seeker = JobSeeker(person_id=person.id, registered_on=today)
        session.add(seeker)
    seeker.banner_code = banner
    seeker.education = data.education or person.education
    seeker.skills = data.skills
    seeker.desired_occupation = data.desired_occupation
    seeker.expected_pay_fen = data.expected_pay_fen
    seeker.available_from = data.available_from or today
    seeker.status = "seeking"
    seeker.registered_on = today
    session.flush()
    if data.unemployed:
        _open_unemployment(session, person, seeker, banner, today)
    seeker.key_groups = derive_groups(session, person)
    _audit(session, actor, "register_seeker", "job_seeker", seeker.id, banner, _seeker_state(seeker))
    return seeker


def _open_unemployment(session: Session, person: Person, seeker: JobSeeker, banner: str, today: date) -> None:
    open_one = session.scalars(
        select(UnemploymentRegistration).where(
            UnemploymentRegistration.person_id == person.id, UnemploymentRegistration.ended_on.is_(None)
        )
    ).first()
    if open_one is None:
        session.add(
            UnemploymentRegistration(
                person_id=person.id, seeker_id=seeker.id, banner_code=banner, registered_on=today
            )
        )
    person.employment_status = "unemployed"
    session.flush()
    if person.household_id is not None:
        refresh_household(session, person.household_id, today)


def _seeker_state(seeker: JobSeeker) -> dict[str, Any]:
    return {
        "person_id": seeker.person_id,
        "banner_code": seeker.banner_code,
        "desired_occupation": seeker.desired_occupation,
        "skills": seeker.skills,
        "expected_pay_fen": seeker.expected_pay_fen,
        "status": seeker.status,
        "key_groups": seeker.key_groups,
        "suitable_refusals": seeker.suitable_refusals,
    }


def get_seeker(session: Session, scope: RegionScope, seeker_id: int) -> JobSeeker:
    seeker = session.scalars(
        select(JobSeeker).where(JobSeeker.id == seeker_id, scope.where(JobSeeker.banner_code))
    ).one_or_none()
    if seeker is None:
        raise NotFound(SEEKER, seeker_id)
    return seeker


def list_seekers(
    session: Session,
    scope: RegionScope,
    *,
    status: str | None = "seeking",
    group: str | None = None,
    limit: int = 500,
) -> list[JobSeeker]:
    query = select(JobSeeker).where(scope.where(JobSeeker.banner_code))
    if status:
        query = query.where(JobSeeker.status == status)
    seekers = session.scalars(query.order_by(JobSeeker.id).limit(limit if group is None else None)).all()
    if group is not None:
        seekers = [s for s in seekers if group in s.key_groups][:limit]
    return list(seekers)


@dataclass
class UnemployedRow:
    person_id: int
    name: str
    id_number_masked: str
    banner_code: str
    registered_on: date
    seeker_id: int | None
    key_groups: list[str]


def list_unemployed(session: Session, scope: RegionScope, *, limit: int = 1000) -> list[UnemployedRow]:
    """登记失业人员 — open unemployment registrations in scope."""
    found = session.execute(
        select(UnemploymentRegistration, Person, JobSeeker)
        .join(Person, Person.id == UnemploymentRegistration.person_id)
        .outerjoin(JobSeeker, JobSeeker.id == UnemploymentRegistration.seeker_id)
        .where(UnemploymentRegistration.ended_on.is_(None), scope.where(UnemploymentRegistration.banner_code))
        .order_by(UnemploymentRegistration.id)
        .limit(limit)
    ).all()
    return [
        UnemployedRow(
            person_id=person.id,
            name=person.name,
            id_number_masked=person.id_number_masked,
            banner_code=registration.banner_code,
            registered_on=registration.registered_on,
            seeker_id=seeker.id if seeker else None,
            key_groups=seeker.key_groups if seeker else [],
        )
        for registration, person, seeker in found
    ]


# ---------------------------------------------------------------- employers and vacancies


def register_employer(session: Session, scope: RegionScope, data: EmployerIn, *, actor: str) -> EmployingUnit:
    if not scope.allows(data.banner_code):
        raise NotFound("旗县区 / banner", data.banner_code)
    existing = session.scalars(
        select(EmployingUnit).where(EmployingUnit.credit_code == data.credit_code)
    ).one_or_none()
    if existing is not None:
        raise Conflict(
            f"统一社会信用代码 {data.credit_code} 已登记(单位编号 {existing.id})",
            f"credit code {data.credit_code} is already registered (employer {existing.id})",
            [FieldError("credit_code", "unique", "credit_code: 已登记", "credit_code: already registered")],
        )
    employer = EmployingUnit(**data.model_dump())
    session.add(employer)
    session.flush()
    _audit(
        session, actor, "register_employer", "employer", employer.id, employer.banner_code, data.model_dump()
    )
    return employer


def get_employer(session: Session, scope: RegionScope, employer_id: int) -> EmployingUnit:
    employer = session.scalars(
        select(EmployingUnit).where(EmployingUnit.id == employer_id, scope.where(EmployingUnit.banner_code))
    ).one_or_none()
    if employer is None:
        raise NotFound(EMPLOYER, employer_id)
    return employer


def post_vacancy(session: Session, scope: RegionScope, data: VacancyIn, *, actor: str) -> Vacancy:
    employer = get_employer(session, scope, data.employer_id)
    vacancy = Vacancy(
        employer_id=employer.id,
        banner_code=data.banner_code or employer.banner_code,
        title=data.title,
        occupation=data.occupation,
        skills=data.skills,
        education_min=data.education_min,
        pay_min_fen=yuan_to_fen(data.pay_min_yuan),
        pay_max_fen=yuan_to_fen(data.pay_max_yuan),
        positions=data.positions,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
    )
    session.add(vacancy)
    session.flush()
    _audit(session, actor, "post_vacancy", "vacancy", vacancy.id, vacancy.banner_code, data.model_dump())
    return vacancy


def get_vacancy(session: Session, vacancy_id: int) -> Vacancy:
    """Vacancies are public: any officer may refer a seeker to one anywhere in the region."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFound(VACANCY, vacancy_id)
    return vacancy


def _vacancy_open(vacancy: Vacancy, today: date) -> bool:
    return (
        vacancy.opens_on <= today
        and (vacancy.closes_on is None or today < vacancy.closes_on)
        and vacancy.filled < vacancy.positions
    )


def list_vacancies(
    session: Session, *, today: date, region: str | None = None, limit: int = 500
) -> list[Vacancy]:
    query = select(Vacancy).where(*_open_vacancy_filter(today))
    if region:
        query = query.where(RegionScope(region).where(Vacancy.banner_code))
    return list(session.scalars(query.order_by(Vacancy.id).limit(limit)))


def _open_vacancy_filter(today: date) -> list[Any]:
    return [
        Vacancy.opens_on <= today,
        or_(Vacancy.closes_on.is_(None), Vacancy.closes_on > today),
        Vacancy.filled < Vacancy.positions,
    ]


# ---------------------------------------------------------------- matching

SEEKER_SCHEMA = pa.schema(
    [
        ("seeker_id", pa.int64()),
        ("banner_code", pa.string()),
        ("league_code", pa.string()),
        ("skills_mask", pa.int64()),
        ("desired_occupation", pa.string()),
        ("education_rank", pa.int32()),
        ("expected_pay_fen", pa.int64()),
        ("priority_level", pa.int32()),
        ("match_block", pa.int64()),
    ]
)
VACANCY_SCHEMA = pa.schema(
    [
        ("vacancy_id", pa.int64()),
        ("banner_code", pa.string()),
        ("league_code", pa.string()),
        ("skills_mask", pa.int64()),
        ("skill_count", pa.int32()),
        ("occupation", pa.string()),
        ("education_min_rank", pa.int32()),
        ("pay_max_fen", pa.int64()),
        ("match_block", pa.int64()),
    ]
)


def seeker_row(seeker: JobSeeker, block: int = 0, groups: list[str] | None = None) -> dict[str, Any]:
    return {
        "seeker_id": seeker.id,
        "banner_code": seeker.banner_code,
        "league_code": _league(seeker.banner_code),
        "skills_mask": vocab.skills_mask(seeker.skills),
        "desired_occupation": seeker.desired_occupation,
        "education_rank": vocab.EDUCATION_RANK.get(seeker.education or "none", 0),
        "expected_pay_fen": seeker.expected_pay_fen,
        "priority_level": priority_level(seeker.key_groups if groups is None else groups),
        "match_block": block,
    }


def vacancy_row(vacancy: Vacancy, block: int = 0) -> dict[str, Any]:
    return {
        "vacancy_id": vacancy.id,
        "banner_code": vacancy.banner_code,
        "league_code": _league(vacancy.banner_code),
        "skills_mask": vocab.skills_mask(vacancy.skills),
        "skill_count": len(vacancy.skills),
        "occupation": vacancy.occupation,
        "education_min_rank": vocab.EDUCATION_RANK.get(vacancy.education_min, 0),
        "pay_max_fen": vacancy.pay_max_fen,
        "match_block": block,
    }


def run_match(
    seekers: list[dict[str, Any]], vacancies: list[dict[str, Any]], *, rank_by: str, top_n: int, today: date
) -> list[dict[str, Any]]:
    inputs = {
        "seekers": pa.Table.from_pylist(seekers, schema=SEEKER_SCHEMA),
        "vacancies": pa.Table.from_pylist(vacancies, schema=VACANCY_SCHEMA),
        "request": _request(rank_by=rank_by, top_n=top_n),
    }
    result = rules.run_ranking(rules.MATCH, inputs, today).to_pylist()
    return sorted(result, key=lambda r: r["match_rank"])


@dataclass
class Match:
    seeker_id: int
    vacancy_id: int
    rank: int
    score: float
    points: dict[str, float]
    reasons: list[dict[str, Any]]
    title: str = ""
    employer_name: str = ""
    banner_code: str = ""
    pay_min_fen: int = 0
    pay_max_fen: int = 0
    person_name: str = ""


def _match(row: dict[str, Any], today: date) -> Match:
    return Match(
        seeker_id=row["seeker_id"],
        vacancy_id=row["vacancy_id"],
        rank=row["match_rank"],
        score=row["score"],
        points={k.removesuffix("_points"): row[k] for k in row if k.endswith("_points")},
        reasons=_reasons(rules.MATCH, row, today),
    )


def _top_n(today: date, top_n: int | None) -> int:
    return top_n or int(rules.parameter("employment.matching.top_n", today))


def match_vacancies(
    session: Session, scope: RegionScope, seeker_id: int, *, today: date, top_n: int | None = None
) -> list[Match]:
    """人岗匹配 — the open vacancies of the region ranked for one seeker, each with its reasons."""
    seeker = get_seeker(session, scope, seeker_id)
    groups = derive_groups(session, session.get(Person, seeker.person_id))  # fresh, not written back
    # only the columns the rule reads: a region's open vacancies are many, the top ones few
    candidates = session.execute(
        select(
            Vacancy.id,
            Vacancy.banner_code,
            Vacancy.skills,
            Vacancy.occupation,
            Vacancy.education_min,
            Vacancy.pay_max_fen,
        ).where(*_open_vacancy_filter(today))
    ).all()
    if not candidates:
        return []
    rows = run_match(
        [seeker_row(seeker, groups=groups)],
        [
            {
                "vacancy_id": vacancy_id,
                "banner_code": banner,
                "league_code": _league(banner),
                "skills_mask": vocab.skills_mask(skills),
                "skill_count": len(skills),
                "occupation": occupation,
                "education_min_rank": vocab.EDUCATION_RANK.get(education_min, 0),
                "pay_max_fen": pay_max_fen,
                "match_block": 0,
            }
            for vacancy_id, banner, skills, occupation, education_min, pay_max_fen in candidates
        ],
        rank_by="seeker",
        top_n=_top_n(today, top_n),
        today=today,
    )
    chosen = {
        vacancy.id: (vacancy, employer)
        for vacancy, employer in session.execute(
            select(Vacancy, EmployingUnit)
            .join(EmployingUnit, EmployingUnit.id == Vacancy.employer_id)
            .where(Vacancy.id.in_([row["vacancy_id"] for row in rows]))
        ).all()
    }
    matches = []
    for row in rows:
        match, (vacancy, employer) = _match(row, today), chosen[row["vacancy_id"]]
        match.title, match.banner_code = vacancy.title, vacancy.banner_code
        match.employer_name = employer.name
        match.pay_min_fen, match.pay_max_fen = vacancy.pay_min_fen, vacancy.pay_max_fen
        matches.append(match)
    return matches


@cache
def _league(banner_code: str) -> str:
    return regions.league_of(banner_code).code


def match_seekers(
    session: Session, scope: RegionScope, vacancy_id: int, *, today: date, top_n: int | None = None
) -> list[Match]:
    """The seekers in scope ranked for one vacancy."""
    vacancy = get_vacancy(session, vacancy_id)
    seekers = {
        s.id: s
        for s in session.scalars(
            select(JobSeeker).where(JobSeeker.status == "seeking", scope.where(JobSeeker.banner_code))
        )
    }
    if not seekers:
        return []
    rows = run_match(
        [seeker_row(s) for s in seekers.values()],
        [vacancy_row(vacancy)],
        rank_by="vacancy",
        top_n=_top_n(today, top_n),
        today=today,
    )
    names = dict(
        session.execute(
            select(Person.id, Person.name).where(
                Person.id.in_({seekers[r["seeker_id"]].person_id for r in rows})
            )
        ).all()
    )
    matches = []
    for row in rows:
        match = _match(row, today)
        seeker = seekers[row["seeker_id"]]
        match.title, match.banner_code = vacancy.title, seeker.banner_code
        match.person_name = names.get(seeker.person_id, "")
        matches.append(match)
    return matches


# ---------------------------------------------------------------- follow-up


def refer(
    session: Session, scope: RegionScope, seeker_id: int, vacancy_id: int, *, actor: str, today: date
) -> Referral:
    """推荐 — send a seeker to a vacancy; the match's score and reasons are kept with the referral."""
    seeker = get_seeker(session, scope, seeker_id)
    vacancy = get_vacancy(session, vacancy_id)
    if seeker.status != "seeking":
        raise Conflict("该求职者已不在求职中", "the seeker is no longer seeking work")
    if not _vacancy_open(vacancy, today):
        raise Conflict(
            "岗位未开放或已招满",
            "the vacancy is not open or already filled",
            [
                FieldError(
                    "vacancy_id", "open", "vacancy_id: 未开放或已招满", "vacancy_id: not open or filled"
                )
            ],
        )
    active = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.seeker_id == seeker.id,
            Referral.vacancy_id == vacancy.id,
            Referral.status.in_(("referred", "interviewed")),
        )
    )
    if active:
        raise Conflict("已推荐到该岗位,尚无结果", "already referred to this vacancy, awaiting the outcome")
    seeker.key_groups = derive_groups(session, session.get(Person, seeker.person_id))
    row = run_match([seeker_row(seeker)], [vacancy_row(vacancy)], rank_by="seeker", top_n=1, today=today)[0]
    referral = Referral(
        seeker_id=seeker.id,
        vacancy_id=vacancy.id,
        referred_on=today,
        officer=actor,
        score=row["score"],
        reasons=_reasons(rules.MATCH, row, today),
    )
    session.add(referral)
    session.flush()
    _audit(
        session,
        actor,
        "refer",
        "referral",
        referral.id,
        seeker.banner_code,
        {"seeker_id": seeker.id, "vacancy_id": vacancy.id, "score": row["score"]},
        subject=f"person:{seeker.person_id}",
    )
    return referral


def get_referral(session: Session, scope: RegionScope, referral_id: int) -> Referral:
    found = session.execute(
        select(Referral)
        .join(JobSeeker, JobSeeker.id == Referral.seeker_id)
        .where(Referral.id == referral_id, scope.where(JobSeeker.banner_code))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(REFERRAL, referral_id)
    return found


def record_interview(
    session: Session, scope: RegionScope, referral_id: int, *, on: date, note: str | None, actor: str
) -> Referral:
    referral = get_referral(session, scope, referral_id)
    if referral.status != "referred":
        raise Conflict("该推荐已有结果", "the referral already has an outcome")
    referral.status, referral.interview_on, referral.outcome_note = "interviewed", on, note
    _audit(session, actor, "interview", "referral", referral.id, None, {"interview_on": on, "note": note})
    return referral


def record_outcome(
    session: Session, scope: RegionScope, referral_id: int, data: OutcomeIn, *, actor: str
) -> Referral:
    """录用、未录用或求职者拒绝。A placement ends unemployment and may clear a 零就业 household;
    refusing a suitable job is counted for the 低保 rule."""
    referral = get_referral(session, scope, referral_id)
    if referral.status not in ("referred", "interviewed"):
        raise Conflict("该推荐已有结果", "the referral already has an outcome")
    seeker = session.get(JobSeeker, referral.seeker_id)
    referral.status, referral.outcome_on, referral.outcome_note = data.outcome, data.on, data.note
    if data.outcome == "placed":
        vacancy = session.get(Vacancy, referral.vacancy_id)
        if vacancy.filled >= vacancy.positions:
            raise Conflict("岗位已招满", "the vacancy is already filled")
        vacancy.filled += 1
        place(session, seeker, kind="vacancy", started_on=data.on, actor=actor, referral=referral)
    elif data.outcome == "refused":
        referral.refusal_suitable = data.suitable
        if data.suitable:
            seeker.suitable_refusals += 1
    _audit(
        session,
        actor,
        f"outcome_{data.outcome}",
        "referral",
        referral.id,
        seeker.banner_code,
        data.model_dump(),
        subject=f"person:{seeker.person_id}",
    )
    return referral


def place(
    session: Session,
    seeker: JobSeeker | None,
    *,
    kind: str,
    started_on: date,
    actor: str,
    referral: Referral | None = None,
    person: Person | None = None,
) -> Placement:
    """就业 — the person works from `started_on`: unemployment ends and the household is re-judged."""
    person = person or session.get(Person, seeker.person_id)
    placement = Placement(
        seeker_id=seeker.id if seeker else None,
        person_id=person.id,
        referral_id=referral.id if referral else None,
        vacancy_id=referral.vacancy_id if referral else None,
        banner_code=seeker.banner_code if seeker else _person_banner(person),
        kind=kind,
        started_on=started_on,
        officer=actor,
    )
    session.add(placement)
    if seeker is not None:
        seeker.status = "placed"
    for registration in session.scalars(
        select(UnemploymentRegistration).where(
            UnemploymentRegistration.person_id == person.id, UnemploymentRegistration.ended_on.is_(None)
        )
    ):
        registration.ended_on, registration.end_reason = started_on, "employed"
    person.employment_status = "employed"
    session.flush()
    if person.household_id is not None:
        refresh_household(session, person.household_id, started_on, placement_id=placement.id)
    if seeker is not None:
        seeker.key_groups = derive_groups(session, person)
    return placement


def record_visit(session: Session, scope: RegionScope, data: VisitIn, *, actor: str) -> OfficerVisit:
    """走访 (铁脚板)."""
    banner = None
    if data.seeker_id is not None:
        banner = get_seeker(session, scope, data.seeker_id).banner_code
    if data.household_id is not None:
        banner = registry.get_household(session, scope, data.household_id).banner_code
    visit = OfficerVisit(**data.model_dump(), banner_code=banner, officer=actor)
    session.add(visit)
    session.flush()
    _audit(session, actor, "visit", "officer_visit", visit.id, banner, data.model_dump())
    return visit


def refusal_counts(session: Session) -> pa.Table:
    """Suitable jobs refused per person: the table the 低保 rule joins on `person_id`."""
    found = session.execute(
        select(JobSeeker.person_id, JobSeeker.suitable_refusals).where(JobSeeker.suitable_refusals > 0)
    ).all()
    return pa.table(
        {
            "person_id": pa.array([r[0] for r in found], pa.int64()),
            "suitable_refusals": pa.array([r[1] for r in found], pa.int32()),
        }
    )


# ---------------------------------------------------------------- zero-employment households

MEMBER_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("household_id", pa.int64()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("employment_status", pa.string()),
        ("death_date", pa.date32()),
    ]
)


def _tracked_zero_employment(session: Session, household_id: int) -> ZeroEmploymentHousehold | None:
    return session.scalars(
        select(ZeroEmploymentHousehold).where(
            ZeroEmploymentHousehold.household_id == household_id, ZeroEmploymentHousehold.cleared_on.is_(None)
        )
    ).first()


def _judge_households(session: Session, household_filter: Any, today: date) -> dict[int, dict[str, Any]]:
    members = session.execute(
        select(
            Person.id,
            Person.household_id,
            Person.sex,
            Person.birth_date,
            Person.employment_status,
            Person.death_date,
        )
        .join(Household, Household.id == Person.household_id)
        .where(household_filter, Household.dissolved_on.is_(None))
    ).all()
    table = pa.Table.from_pylist(
        [dict(zip(MEMBER_SCHEMA.names, m, strict=True)) for m in members], schema=MEMBER_SCHEMA
    )
    households = pa.Table.from_pylist(
        [
            {"household_id": h, "banner_code": b}
            for h, b in session.execute(
                select(Household.id, Household.banner_code).where(
                    household_filter, Household.dissolved_on.is_(None)
                )
            )
        ],
        schema=pa.schema([("household_id", pa.int64()), ("banner_code", pa.string())]),
    )
    result = rules.run(rules.ZERO_EMPLOYMENT, {"households": households, "members": table}, today)
    return {row["household_id"]: row for row in result.to_pylist()}


def refresh_household(
    session: Session, household_id: int, today: date, placement_id: int | None = None
) -> bool:
    """Re-judge one household: open tracking if it became 零就业, clear it if a member works."""
    judged = _judge_households(session, Household.id == household_id, today).get(household_id)
    return _apply_judgement(session, household_id, judged, today, placement_id)


def _apply_judgement(
    session: Session,
    household_id: int,
    judged: dict[str, Any] | None,
    today: date,
    placement_id: int | None = None,
) -> bool:
    tracked = _tracked_zero_employment(session, household_id)
    is_zero = bool(judged and judged["is_zero_employment"])
    if is_zero and tracked is None:
        banner = session.get(Household, household_id).banner_code
        session.add(
            ZeroEmploymentHousehold(household_id=household_id, banner_code=banner, identified_on=today)
        )
    elif not is_zero and tracked is not None:
        tracked.cleared_on = today
        tracked.cleared_reason = (
            "member_working" if judged and judged["working_members"] else "no_labour_force"
        )
        tracked.placement_id = placement_id
    session.flush()
    return is_zero


def refresh_zero_employment(
    session: Session, scope: RegionScope, *, today: date, actor: str
) -> dict[str, int]:
    """动态清零: judge every household in scope; open new cases, clear those where someone works."""
    judged = _judge_households(session, scope.where(Household.banner_code), today)
    tracked = {
        z.household_id
        for z in session.scalars(
            select(ZeroEmploymentHousehold).where(
                ZeroEmploymentHousehold.cleared_on.is_(None), scope.where(ZeroEmploymentHousehold.banner_code)
            )
        )
    }
    opened = cleared = 0
    for household_id in set(judged) | tracked:
        was = household_id in tracked
        now = _apply_judgement(session, household_id, judged.get(household_id), today)
        opened += now and not was
        cleared += was and not now
    _audit(
        session,
        actor,
        "refresh_zero_employment",
        "zero_employment_household",
        None,
        scope.code,
        {"opened": opened, "cleared": cleared, "as_of": today},
    )
    return {"opened": opened, "cleared": cleared, "tracked": len(tracked) + opened - cleared}


@dataclass
class ZeroEmploymentRow:
    household_id: int
    household_number: str
    banner_code: str
    identified_on: date
    cleared_on: date | None
    cleared_reason: str | None
    head_name: str


def list_zero_employment(
    session: Session, scope: RegionScope, *, include_cleared: bool = False, limit: int = 1000
) -> list[ZeroEmploymentRow]:
    query = (
        select(ZeroEmploymentHousehold, Household)
        .join(Household, Household.id == ZeroEmploymentHousehold.household_id)
        .where(scope.where(ZeroEmploymentHousehold.banner_code))
        .order_by(ZeroEmploymentHousehold.id)
        .limit(limit)
    )
    if not include_cleared:
        query = query.where(ZeroEmploymentHousehold.cleared_on.is_(None))
    rows = []
    for tracked, household in session.execute(query).all():
        head = household.head
        rows.append(
            ZeroEmploymentRow(
                household_id=household.id,
                household_number=household.household_number,
                banner_code=household.banner_code,
                identified_on=tracked.identified_on,
                cleared_on=tracked.cleared_on,
                cleared_reason=tracked.cleared_reason,
                head_name=head.name if head else "",
            )
        )
    return rows


# ---------------------------------------------------------------- public-welfare jobs

CANDIDATE_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("banner_code", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("is_dibao", pa.bool_()),
        ("is_zero_employment_household", pa.bool_()),
        ("is_disabled", pa.bool_()),
        ("is_poverty_alleviated", pa.bool_()),
        ("is_unemployed", pa.bool_()),
        ("previous_placements", pa.int32()),
    ]
)


def create_post(
    session: Session, scope: RegionScope, data: PublicWelfarePostIn, *, actor: str
) -> PublicWelfarePost:
    if not scope.allows(data.banner_code):
        raise NotFound("旗县区 / banner", data.banner_code)
    post = PublicWelfarePost(**data.model_dump())
    session.add(post)
    session.flush()
    _audit(session, actor, "create_post", "public_welfare_post", post.id, post.banner_code, data.model_dump())
    return post


def public_welfare_eligibility(
    session: Session, scope: RegionScope, person_id: int, *, today: date
) -> dict[str, Any]:
    """就业困难人员 eligibility and the placement period, with reasons."""
    person = registry.get_person(session, scope, person_id)
    groups = derive_groups(session, person)
    previous = session.scalar(
        select(func.count())
        .select_from(PublicWelfarePlacement)
        .where(PublicWelfarePlacement.person_id == person.id)
    )
    candidate = {
        "person_id": person.id,
        "banner_code": _person_banner(person),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "is_dibao": "dibao" in groups,
        "is_zero_employment_household": "zero_employment_household" in groups,
        "is_disabled": "disabled" in groups,
        "is_poverty_alleviated": "poverty_alleviated" in groups,
        "is_unemployed": "unemployed" in groups,
        "previous_placements": previous or 0,
    }
    inputs = {"candidates": pa.Table.from_pylist([candidate], schema=CANDIDATE_SCHEMA)}
    row = rules.run(rules.PUBLIC_WELFARE_ELIGIBILITY, inputs, today).to_pylist()[0]
    row["reasons"] = _reasons(rules.PUBLIC_WELFARE_ELIGIBILITY, row, today)
    row["groups"] = groups
    return row


def _add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March (as `idcard.age_on` counts birthdays)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def place_public_welfare(
    session: Session, scope: RegionScope, post_id: int, person_id: int, *, started_on: date, actor: str
) -> PublicWelfarePlacement:
    """安置 — for three years, or until retirement for those within five years of it."""
    post = session.scalars(
        select(PublicWelfarePost).where(
            PublicWelfarePost.id == post_id, scope.where(PublicWelfarePost.banner_code)
        )
    ).one_or_none()
    if post is None:
        raise NotFound(POST, post_id)
    in_post = session.scalar(
        select(func.count())
        .select_from(PublicWelfarePlacement)
        .where(PublicWelfarePlacement.post_id == post.id, PublicWelfarePlacement.ended_on.is_(None))
    )
    if in_post >= post.positions:
        raise Conflict("该公益性岗位已满员", "the post is full")
    judged = public_welfare_eligibility(session, scope, person_id, today=started_on)
    if not judged["eligible"]:
        failed = [r for r in judged["reasons"] if not r["passed"] and r["check"] != "until_retirement"]
        raise DomainError(
            "not_eligible",
            "不符合公益性岗位安置条件:" + ";".join(r["text_zh"] for r in failed),
            "not eligible for a public-welfare job: " + "; ".join(r["text_en"] for r in failed),
            fields=[FieldError("person_id", r["check"], r["text_zh"], r["text_en"]) for r in failed],
        )
    person = session.get(Person, person_id)
    if judged["until_retirement"]:
        planned_end = _add_years(person.birth_date, judged["retirement_age"])
    else:
        planned_end = _add_years(started_on, judged["max_years"])
    placement = PublicWelfarePlacement(
        post_id=post.id,
        person_id=person.id,
        banner_code=post.banner_code,
        started_on=started_on,
        planned_end_on=planned_end,
        until_retirement=judged["until_retirement"],
        reasons=judged["reasons"],
        officer=actor,
    )
    session.add(placement)
    seeker = session.scalars(
        select(JobSeeker).where(JobSeeker.person_id == person.id, JobSeeker.status == "seeking")
    ).one_or_none()
    place(session, seeker, kind="public_welfare_job", started_on=started_on, actor=actor, person=person)
    _audit(
        session,
        actor,
        "place_public_welfare",
        "public_welfare_placement",
        placement.id,
        post.banner_code,
        {"post_id": post.id, "person_id": person.id, "planned_end_on": planned_end},
        subject=f"person:{person.id}",
    )
    return placement


def end_public_welfare(
    session: Session, scope: RegionScope, placement_id: int, *, ended_on: date, reason: str, actor: str
) -> PublicWelfarePlacement:
    placement = session.scalars(
        select(PublicWelfarePlacement).where(
            PublicWelfarePlacement.id == placement_id, scope.where(PublicWelfarePlacement.banner_code)
        )
    ).one_or_none()
    if placement is None:
        raise NotFound("公益性岗位安置 / placement", placement_id)
    if placement.ended_on is not None:
        raise Conflict("该安置已结束", "the placement has already ended")
    placement.ended_on, placement.end_reason = ended_on, reason
    _audit(
        session,
        actor,
        "end_public_welfare",
        "public_welfare_placement",
        placement.id,
        placement.banner_code,
        {"ended_on": ended_on, "reason": reason},
    )
    return placement


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    days = calendar.monthrange(start.year, start.month)[1]
    return start, date.fromordinal(start.toordinal() + days)


def public_welfare_subsidies(session: Session, scope: RegionScope, *, month: date) -> list[dict[str, Any]]:
    """The month's post and social-insurance subsidies per placement, pro rata to days in force."""
    start, next_start = month_bounds(month)
    placements = session.scalars(
        select(PublicWelfarePlacement).where(scope.where(PublicWelfarePlacement.banner_code))
    ).all()
    rows = [
        {
            "placement_id": p.id,
            "person_id": p.person_id,
            "banner_code": p.banner_code,
            "started_on": p.started_on,
            "ends_on": min(d for d in (p.ended_on, p.planned_end_on) if d is not None),
        }
        for p in placements
    ]
    schema = pa.schema(
        [
            ("placement_id", pa.int64()),
            ("person_id", pa.int64()),
            ("banner_code", pa.string()),
            ("started_on", pa.date32()),
            ("ends_on", pa.date32()),
        ]
    )
    inputs = {
        "placements": pa.Table.from_pylist(rows, schema=schema),
        "month": _request(month_start=start, next_month_start=next_start),
    }
    rows = rules.run(rules.PUBLIC_WELFARE_SUBSIDY, inputs, start).to_pylist()
    return [row for row in rows if row["days_in_force"] > 0]


# ---------------------------------------------------------------- work relief


def create_project(
    session: Session, scope: RegionScope, data: WorkReliefProjectIn, *, actor: str
) -> WorkReliefProject:
    if not scope.allows(data.banner_code):
        raise NotFound("旗县区 / banner", data.banner_code)
    if session.scalar(
        select(func.count())
        .select_from(WorkReliefProject)
        .where(WorkReliefProject.project_code == data.project_code)
    ):
        raise Conflict(
            f"项目编号 {data.project_code} 已存在",
            f"project code {data.project_code} exists",
            [FieldError("project_code", "unique", "project_code: 已存在", "project_code: exists")],
        )
    project = WorkReliefProject(
        project_code=data.project_code,
        name=data.name,
        banner_code=data.banner_code,
        central_funds_fen=yuan_to_fen(data.central_funds_yuan),
        local_funds_fen=yuan_to_fen(data.local_funds_yuan),
        other_funds_fen=yuan_to_fen(data.other_funds_yuan),
        starts_on=data.starts_on,
        closes_on=data.closes_on,
    )
    session.add(project)
    session.flush()
    _audit(
        session,
        actor,
        "create_project",
        "work_relief_project",
        project.id,
        project.banner_code,
        data.model_dump(),
    )
    return project


def get_project(session: Session, scope: RegionScope, project_id: int) -> WorkReliefProject:
    project = session.scalars(
        select(WorkReliefProject).where(
            WorkReliefProject.id == project_id, scope.where(WorkReliefProject.banner_code)
        )
    ).one_or_none()
    if project is None:
        raise NotFound(PROJECT, project_id)
    return project


def add_worker(
    session: Session, scope: RegionScope, project_id: int, data: WorkReliefWorkerIn, *, actor: str
) -> WorkReliefWorker:
    project = get_project(session, scope, project_id)
    if data.person_id is not None:
        registry.get_person(session, scope, data.person_id)
        if session.scalar(
            select(func.count())
            .select_from(WorkReliefWorker)
            .where(WorkReliefWorker.project_id == project.id, WorkReliefWorker.person_id == data.person_id)
        ):
            raise Conflict("该人员已在本项目务工", "the person already works on this project")
    worker = WorkReliefWorker(
        project_id=project.id,
        person_id=data.person_id,
        name=data.name,
        target_group=data.target_group,
        daily_wage_fen=yuan_to_fen(data.daily_wage_yuan),
        joined_on=data.joined_on,
    )
    session.add(worker)
    session.flush()
    _audit(
        session, actor, "add_worker", "work_relief_worker", worker.id, project.banner_code, data.model_dump()
    )
    return worker


def record_attendance(
    session: Session, scope: RegionScope, project_id: int, data: AttendanceIn, *, actor: str
) -> WorkReliefPayroll:
    """考勤 → 工资: the month's wage is days worked × the worker's daily wage, due on `due_on`."""
    project = get_project(session, scope, project_id)
    worker = session.get(WorkReliefWorker, data.worker_id)
    if worker is None or worker.project_id != project.id:
        raise NotFound(WORKER, data.worker_id)
    existing = session.scalars(
        select(WorkReliefPayroll).where(
            WorkReliefPayroll.worker_id == worker.id, WorkReliefPayroll.period == data.period
        )
    ).one_or_none()
    if existing is not None:
        raise Conflict("该月考勤已登记", "attendance for this month is already recorded")
    line = WorkReliefPayroll(
        project_id=project.id,
        worker_id=worker.id,
        period=data.period,
        days_worked=data.days_worked,
        wage_fen=data.days_worked * worker.daily_wage_fen,
        due_on=data.due_on,
    )
    session.add(line)
    session.flush()
    _audit(
        session, actor, "attendance", "work_relief_payroll", line.id, project.banner_code, data.model_dump()
    )
    return line


def pay_wages(
    session: Session, scope: RegionScope, payroll_id: int, *, amount_fen: int, paid_on: date, actor: str
) -> WorkReliefPayroll:
    line = session.get(WorkReliefPayroll, payroll_id)
    if line is None:
        raise NotFound("工资单 / payroll line", payroll_id)
    project = get_project(session, scope, line.project_id)
    if amount_fen <= 0 or line.paid_fen + amount_fen > line.wage_fen:
        raise DomainError(
            "amount",
            f"发放金额应在 0 至 {line.wage_fen - line.paid_fen} 分之间",
            f"the amount must be between 0 and {line.wage_fen - line.paid_fen} fen",
            fields=[FieldError("amount", "range", "amount: 超出应发", "amount: more than owed")],
        )
    line.paid_fen += amount_fen
    line.paid_on = paid_on
    _audit(
        session,
        actor,
        "pay_wages",
        "work_relief_payroll",
        line.id,
        project.banner_code,
        {"amount_fen": amount_fen, "paid_on": paid_on},
    )
    return line


PAYROLL_SCHEMA = pa.schema(
    [
        ("project_id", pa.int64()),
        ("worker_id", pa.int64()),
        ("wage_fen", pa.int64()),
        ("paid_fen", pa.int64()),
        ("due_on", pa.date32()),
    ]
)
PROJECT_SCHEMA = pa.schema(
    [
        ("project_id", pa.int64()),
        ("banner_code", pa.string()),
        ("central_funds_fen", pa.int64()),
        ("starts_on", pa.date32()),
        ("closes_on", pa.date32()),
    ]
)


def check_projects(
    session: Session, scope: RegionScope, *, today: date, project_id: int | None = None
) -> list[dict[str, Any]]:
    """以工代赈 check: labour remuneration against 30 % of central funds, warnings and arrears."""
    query = select(WorkReliefProject).where(scope.where(WorkReliefProject.banner_code))
    if project_id is not None:
        query = query.where(WorkReliefProject.id == project_id)
    projects = {p.id: p for p in session.scalars(query)}
    if project_id is not None and not projects:
        raise NotFound(PROJECT, project_id)
    if not projects:
        return []
    payroll = session.execute(
        select(
            WorkReliefPayroll.project_id,
            WorkReliefPayroll.worker_id,
            WorkReliefPayroll.wage_fen,
            WorkReliefPayroll.paid_fen,
            WorkReliefPayroll.due_on,
        ).where(WorkReliefPayroll.project_id.in_(projects))
    ).all()
    inputs = {
        "projects": pa.Table.from_pylist(
            [
                {
                    "project_id": p.id,
                    "banner_code": p.banner_code,
                    "central_funds_fen": p.central_funds_fen,
                    "starts_on": p.starts_on,
                    "closes_on": p.closes_on,
                }
                for p in projects.values()
            ],
            schema=PROJECT_SCHEMA,
        ),
        "payroll": pa.Table.from_pylist(
            [dict(zip(PAYROLL_SCHEMA.names, r, strict=True)) for r in payroll], schema=PAYROLL_SCHEMA
        ),
    }
    workers = dict(
        session.execute(
            select(WorkReliefWorker.project_id, func.count())
            .where(WorkReliefWorker.project_id.in_(projects))
            .group_by(WorkReliefWorker.project_id)
        ).all()
    )
    rows = []
    for row in rules.run(rules.WORK_RELIEF, inputs, today).to_pylist():
        project = projects[row["project_id"]]
        row |= {
            "project_code": project.project_code,
            "name": project.name,
            "workers": workers.get(project.id, 0),
        }
        row["reasons"] = _reasons(rules.WORK_RELIEF, row, today)
        rows.append(row)
    return sorted(rows, key=lambda r: r["project_id"])


# ---------------------------------------------------------------- job-retention refunds

REFUND_SCHEMA = pa.schema(
    [
        ("employer_id", pa.int64()),
        ("banner_code", pa.string()),
        ("enterprise_type", pa.string()),
        ("declared_size", pa.string()),
        ("contributions_fen", pa.int64()),
        ("months_paid", pa.int32()),
        ("insured_at_start", pa.int32()),
        ("insured_at_end", pa.int32()),
        ("average_insured", pa.int32()),
    ]
)


def assess_refunds(employers: pa.Table, as_of: date) -> list[dict[str, Any]]:
    """The refund rule over any number of employers (the batch path: no database involved)."""
    rows = rules.run(rules.RETENTION_REFUND, {"employers": employers.cast(REFUND_SCHEMA)}, as_of).to_pylist()
    for row in rows:
        row["reasons"] = _reasons(rules.RETENTION_REFUND, row, as_of)
    return rows


def decide_refund(
    session: Session, scope: RegionScope, data: RefundIn, *, actor: str, today: date
) -> RetentionRefund:
    """稳岗返还 — one employer's refund for `year`, from last year's contributions and headcounts."""
    employer = get_employer(session, scope, data.employer_id)
    if session.scalar(
        select(func.count())
        .select_from(RetentionRefund)
        .where(RetentionRefund.employer_id == employer.id, RetentionRefund.year == data.year)
    ):
        raise Conflict(
            f"{data.year} 年稳岗返还已核定",
            f"the {data.year} refund is already decided",
            [FieldError("year", "unique", "year: 已核定", "year: already decided")],
        )
    table = pa.Table.from_pylist(
        [
            {
                "employer_id": employer.id,
                "banner_code": employer.banner_code,
                "enterprise_type": employer.enterprise_type,
                "declared_size": employer.declared_size,
                "contributions_fen": data.contributions_fen,
                "months_paid": data.months_paid,
                "insured_at_start": data.insured_at_start,
                "insured_at_end": data.insured_at_end,
                "average_insured": data.average_insured,
            }
        ],
        schema=REFUND_SCHEMA,
    )
    # the rates of the year the refund is for: the policy dates them by the contribution year
    row = assess_refunds(table, date(data.year, 12, 31))[0]
    refund = RetentionRefund(
        employer_id=employer.id,
        year=data.year,
        contributions_fen=data.contributions_fen,
        months_paid=data.months_paid,
        insured_at_start=data.insured_at_start,
        insured_at_end=data.insured_at_end,
        average_insured=data.average_insured,
        size=row["size"],
        layoff_rate=row["layoff_rate"],
        eligible=row["eligible"],
        refund_fen=row["refund_fen"],
        reasons=row["reasons"],
        decided_on=today,
        officer=actor,
    )
    session.add(refund)
    session.flush()
    _audit(
        session,
        actor,
        "decide_refund",
        "retention_refund",
        refund.id,
        employer.banner_code,
        {"year": data.year, "eligible": row["eligible"], "refund_fen": row["refund_fen"]},
    )
    return refund


def list_refunds(
    session: Session, scope: RegionScope, *, year: int | None = None
) -> list[tuple[RetentionRefund, EmployingUnit]]:
    query = (
        select(RetentionRefund, EmployingUnit)
        .join(EmployingUnit, EmployingUnit.id == RetentionRefund.employer_id)
        .where(scope.where(EmployingUnit.banner_code))
        .order_by(RetentionRefund.id)
    )
    if year is not None:
        query = query.where(RetentionRefund.year == year)
    return [tuple(r) for r in session.execute(query).all()]


# ---------------------------------------------------------------- unemployment benefit


def unemployment_benefit(data: BenefitIn, *, today: date) -> dict[str, Any]:
    """失业保险金 — eligibility, months and monthly amount for the figures given (no record kept)."""
    table = pa.Table.from_pylist(
        [
            {
                "person_id": 0,
                "banner_code": data.banner_code,
                "contribution_years": float(data.contribution_years),
                "carried_over_months": data.carried_over_months,
                "involuntary": data.involuntary,
                "registered": data.registered,
            }
        ],
        schema=pa.schema(
            [
                ("person_id", pa.int64()),
                ("banner_code", pa.string()),
                ("contribution_years", pa.float64()),
                ("carried_over_months", pa.int32()),
                ("involuntary", pa.bool_()),
                ("registered", pa.bool_()),
            ]
        ),
    )
    row = rules.run(rules.UNEMPLOYMENT_BENEFIT, {"claimants": table}, today).to_pylist()[0]
    row["reasons"] = _reasons(rules.UNEMPLOYMENT_BENEFIT, row, today)
    return row


# ---------------------------------------------------------------- statistics


def statistics(session: Session, scope: RegionScope, *, year: int, today: date) -> dict[str, Any]:
    """The seeds' kind of figures, from the data, inside the caller's scope."""
    year_start, year_end = date(year, 1, 1), date(year + 1, 1, 1)
    in_year = and_(Placement.started_on >= year_start, Placement.started_on < year_end)
    placed = session.execute(
        select(JobSeeker.key_groups)
        .join(Placement, Placement.seeker_id == JobSeeker.id)
        .where(in_year, scope.where(Placement.banner_code))
    ).all()
    key_group_placed = {group: 0 for group in (*vocab.KEY_GROUPS, *vocab.HARDSHIP_GROUPS)}
    for (groups,) in placed:
        for group in groups or []:
            if group in key_group_placed:
                key_group_placed[group] += 1
    seeking = session.execute(
        select(JobSeeker.key_groups).where(JobSeeker.status == "seeking", scope.where(JobSeeker.banner_code))
    ).all()
    key_group_seeking = {group: 0 for group in key_group_placed}
    for (groups,) in seeking:
        for group in groups or []:
            if group in key_group_seeking:
                key_group_seeking[group] += 1
    unemployed_by_banner = session.execute(
        select(UnemploymentRegistration.banner_code, func.count())
        .where(UnemploymentRegistration.ended_on.is_(None), scope.where(UnemploymentRegistration.banner_code))
        .group_by(UnemploymentRegistration.banner_code)
    ).all()
    by_league: dict[str, int] = {}
    for banner, count in unemployed_by_banner:
        league = regions.league_of(banner).code
        by_league[league] = by_league.get(league, 0) + count
    referrals = (
        session.scalar(
            select(func.count())
            .select_from(Referral)
            .join(JobSeeker, JobSeeker.id == Referral.seeker_id)
            .where(
                Referral.referred_on >= year_start,
                Referral.referred_on < year_end,
                scope.where(JobSeeker.banner_code),
            )
        )
        or 0
    )
    placements_by_kind = dict(
        session.execute(
            select(Placement.kind, func.count())
            .where(in_year, scope.where(Placement.banner_code))
            .group_by(Placement.kind)
        ).all()
    )
    projects = check_projects(session, scope, today=today)
    central = sum(p["central_funds_fen"] for p in projects)
    paid = sum(p["paid_fen"] for p in projects)
    refunds = [r for r, _e in list_refunds(session, scope, year=year)]
    zero_open = (
        session.scalar(
            select(func.count())
            .select_from(ZeroEmploymentHousehold)
            .where(
                ZeroEmploymentHousehold.cleared_on.is_(None), scope.where(ZeroEmploymentHousehold.banner_code)
            )
        )
        or 0
    )
    zero_cleared = (
        session.scalar(
            select(func.count())
            .select_from(ZeroEmploymentHousehold)
            .where(
                ZeroEmploymentHousehold.cleared_on >= year_start,
                ZeroEmploymentHousehold.cleared_on < year_end,
                scope.where(ZeroEmploymentHousehold.banner_code),
            )
        )
        or 0
    )
    public_welfare_active = (
        session.scalar(
            select(func.count())
            .select_from(PublicWelfarePlacement)
            .where(
                PublicWelfarePlacement.started_on <= today,
                or_(PublicWelfarePlacement.ended_on.is_(None), PublicWelfarePlacement.ended_on > today),
                PublicWelfarePlacement.planned_end_on > today,
                scope.where(PublicWelfarePlacement.banner_code),
            )
        )
        or 0
    )
    return {
        "year": year,
        "as_of": today,
        "scope": scope.code,
        "key_groups_placed": key_group_placed,
        "key_groups_seeking": key_group_seeking,
        "registered_unemployed": sum(by_league.values()),
        "registered_unemployed_by_league": dict(sorted(by_league.items())),
        "referrals": referrals,
        "placements": sum(placements_by_kind.values()),
        "placements_by_kind": placements_by_kind,
        "zero_employment_households": zero_open,
        "zero_employment_cleared": zero_cleared,
        "public_welfare_active": public_welfare_active,
        "work_relief": {
            "projects": len(projects),
            "workers": sum(p["workers"] for p in projects),
            "central_funds_fen": central,
            "remuneration_paid_fen": paid,
            "remuneration_share": round(paid / central, 4) if central else 0.0,
            "below_floor": sum(1 for p in projects if not p["share_ok"]),
            "warnings": sum(1 for p in projects if p["share_status"] in ("warning", "failed")),
            "arrears_fen": sum(p["arrears_fen"] for p in projects),
            "projects_in_arrears": sum(1 for p in projects if not p["arrears_ok"]),
        },
        "retention_refunds": {
            "decided": len(refunds),
            "granted": sum(1 for r in refunds if r.eligible),
            "refused": sum(1 for r in refunds if not r.eligible),
            "refund_fen": sum(r.refund_fen for r in refunds),
            "contributions_fen": sum(r.contributions_fen for r in refunds),
        },
    }
