"""Employment API under /api/employment: a thin router over `employment.service`.

Reads need `employment.read`, writes `employment.write`; every query runs inside the caller's region
scope. Lists answer JSON, or an Excel workbook with `?format=xlsx`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from minsheng.api.deps import current_scope, require
from minsheng.employment import service
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
from minsheng.registry.schemas import check_yuan
from minsheng.security.principal import Principal
from minsheng.security.scope import RegionScope
from minsheng.spreadsheet import XLSX, to_xlsx
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/employment", tags=["employment"])
READ = Depends(require("employment.read"))
FORMAT = Query("json", pattern="^(json|xlsx)$", description="json, or xlsx for an Excel workbook")
AS_OF = Query(None, description="judge as of this day (default today)")


def _today(as_of: date | None) -> date:
    return as_of or date.today()


def _xlsx(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]], name: str) -> Response:
    return Response(
        to_xlsx(rows, columns, name),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


class Reason(BaseModel):
    check: str
    passed: bool
    text_zh: str
    text_en: str


class SeekerOut(BaseModel):
    id: int
    person_id: int
    banner_code: str
    education: str | None
    skills: list[str]
    desired_occupation: str
    expected_pay_fen: int
    available_from: date
    status: str
    key_groups: list[str]
    suitable_refusals: int
    registered_on: date


class MatchOut(BaseModel):
    seeker_id: int
    vacancy_id: int
    rank: int
    score: float
    points: dict[str, float]
    reasons: list[Reason]
    title: str
    employer_name: str
    banner_code: str
    pay_min_fen: int
    pay_max_fen: int
    person_name: str


class IdOut(BaseModel):
    id: int


class ReferralIn(BaseModel):
    seeker_id: int = Field(ge=1)
    vacancy_id: int = Field(ge=1)


class ReferralOut(BaseModel):
    id: int
    seeker_id: int
    vacancy_id: int
    referred_on: date
    score: float | None
    status: str
    reasons: list[Reason]


class InterviewIn(BaseModel):
    on: date
    note: str | None = Field(None, max_length=500)


class PlacementIn(BaseModel):
    post_id: int = Field(ge=1)
    person_id: int = Field(ge=1)
    started_on: date


class PaymentIn(BaseModel):
    amount_yuan: Decimal
    paid_on: date


def _seeker_out(seeker) -> SeekerOut:
    return SeekerOut.model_validate(seeker, from_attributes=True)


def _referral_out(referral) -> ReferralOut:
    return ReferralOut.model_validate(referral, from_attributes=True)


# ---------------------------------------------------------------- seekers


@router.post("/seekers", response_model=SeekerOut, status_code=201)
def register_seeker(
    data: SeekerIn,
    as_of: date | None = AS_OF,
    principal: Principal = Depends(require("employment.write")),
) -> SeekerOut:
    with unit_of_work() as session:
        seeker = service.register_seeker(
            session, principal.scope, data, actor=principal.login, today=_today(as_of)
        )
        return _seeker_out(seeker)


SEEKER_COLUMNS = [
    ("id", "求职登记号", "seeker"),
    ("person_id", "人员编号", "person"),
    ("banner_code", "旗县区", "banner"),
    ("desired_occupation", "求职意向", "desired occupation"),
    ("skills", "技能", "skills"),
    ("expected_pay_fen", "期望月薪", "expected pay"),
    ("key_groups", "重点群体", "key groups"),
    ("suitable_refusals", "拒绝适当工作次数", "suitable jobs refused"),
    ("registered_on", "登记日期", "registered on"),
]


@router.get("/seekers", dependencies=[READ])
def list_seekers(
    status: str | None = Query("seeking", pattern="^(seeking|placed|withdrawn)$"),
    group: str | None = Query(None, max_length=32),
    limit: int = Query(500, ge=1, le=5000),
    format: str = FORMAT,
    scope: RegionScope = Depends(current_scope),
):
    """求职者 — seekers in scope, by status and key group."""
    with unit_of_work() as session:
        found = service.list_seekers(session, scope, status=status, group=group, limit=limit)
        rows = [_seeker_out(s) for s in found]
    if format == "xlsx":
        return _xlsx([r.model_dump() for r in rows], SEEKER_COLUMNS, "seekers")
    return rows


@router.get("/seekers/{seeker_id}", response_model=SeekerOut, dependencies=[READ])
def get_seeker(seeker_id: int, scope: RegionScope = Depends(current_scope)) -> SeekerOut:
    with unit_of_work() as session:
        return _seeker_out(service.get_seeker(session, scope, seeker_id))


@router.get("/seekers/{seeker_id}/matches", response_model=list[MatchOut], dependencies=[READ])
def match_vacancies(
    seeker_id: int,
    top: int | None = Query(None, ge=1, le=100),
    as_of: date | None = AS_OF,
    scope: RegionScope = Depends(current_scope),
) -> list[MatchOut]:
    with unit_of_work() as session:
        found = service.match_vacancies(session, scope, seeker_id, today=_today(as_of), top_n=top)
    return [MatchOut(**asdict(m)) for m in found]


UNEMPLOYED_COLUMNS = [
    ("person_id", "人员编号", "person"),
    ("name", "姓名", "name"),
    ("id_number_masked", "身份证号", "ID number"),
    ("banner_code", "旗县区", "banner"),
    ("registered_on", "登记日期", "registered on"),
    ("seeker_id", "求职登记号", "seeker"),
    ("key_groups", "重点群体", "key groups"),
]


@router.get("/unemployed", dependencies=[READ])
def list_unemployed(format: str = FORMAT, scope: RegionScope = Depends(current_scope)):
    """登记失业人员 — open unemployment registrations."""
    with unit_of_work() as session:
        rows = [asdict(r) for r in service.list_unemployed(session, scope)]
    return _xlsx(rows, UNEMPLOYED_COLUMNS, "unemployed") if format == "xlsx" else rows


# ---------------------------------------------------------------- employers and vacancies


@router.post("/employers", response_model=IdOut, status_code=201)
def register_employer(data: EmployerIn, principal: Principal = Depends(require("employment.write"))) -> IdOut:
    with unit_of_work() as session:
        return IdOut(id=service.register_employer(session, principal.scope, data, actor=principal.login).id)


@router.post("/vacancies", response_model=IdOut, status_code=201)
def post_vacancy(data: VacancyIn, principal: Principal = Depends(require("employment.write"))) -> IdOut:
    with unit_of_work() as session:
        return IdOut(id=service.post_vacancy(session, principal.scope, data, actor=principal.login).id)


VACANCY_COLUMNS = [
    ("id", "岗位编号", "vacancy"),
    ("title", "岗位", "title"),
    ("occupation", "工种", "occupation"),
    ("banner_code", "旗县区", "banner"),
    ("pay_min_fen", "月薪下限", "pay from"),
    ("pay_max_fen", "月薪上限", "pay to"),
    ("positions", "招聘人数", "positions"),
    ("filled", "已录用", "filled"),
    ("opens_on", "发布日期", "opens on"),
    ("closes_on", "截止日期", "closes on"),
]


@router.get("/vacancies", dependencies=[READ])
def list_vacancies(
    region: str | None = Query(None, pattern=r"^\d{6}$"),
    as_of: date | None = AS_OF,
    format: str = FORMAT,
    limit: int = Query(500, ge=1, le=5000),
):
    """Open vacancies (public across the region)."""
    with unit_of_work() as session:
        rows = [
            {key: getattr(v, key) for key, _zh, _en in VACANCY_COLUMNS} | {"skills": v.skills}
            for v in service.list_vacancies(session, today=_today(as_of), region=region, limit=limit)
        ]
    return _xlsx(rows, VACANCY_COLUMNS, "vacancies") if format == "xlsx" else rows


@router.get("/vacancies/{vacancy_id}/matches", response_model=list[MatchOut], dependencies=[READ])
def match_seekers(
    vacancy_id: int,
    top: int | None = Query(None, ge=1, le=100),
    as_of: date | None = AS_OF,
    scope: RegionScope = Depends(current_scope),
) -> list[MatchOut]:
    with unit_of_work() as session:
        found = service.match_seekers(session, scope, vacancy_id, today=_today(as_of), top_n=top)
    return [MatchOut(**asdict(m)) for m in found]


# ---------------------------------------------------------------- follow-up


@router.post("/referrals", response_model=ReferralOut, status_code=201)
def refer(
    data: ReferralIn, as_of: date | None = AS_OF, principal: Principal = Depends(require("employment.write"))
) -> ReferralOut:
    with unit_of_work() as session:
        referral = service.refer(
            session,
            principal.scope,
            data.seeker_id,
            data.vacancy_id,
            actor=principal.login,
            today=_today(as_of),
        )
        return _referral_out(referral)


@router.post("/referrals/{referral_id}/interview", response_model=ReferralOut)
def record_interview(
    referral_id: int, data: InterviewIn, principal: Principal = Depends(require("employment.write"))
) -> ReferralOut:
    with unit_of_work() as session:
        referral = service.record_interview(
            session, principal.scope, referral_id, on=data.on, note=data.note, actor=principal.login
        )
        return _referral_out(referral)


@router.post("/referrals/{referral_id}/outcome", response_model=ReferralOut)
def record_outcome(
    referral_id: int, data: OutcomeIn, principal: Principal = Depends(require("employment.write"))
) -> ReferralOut:
    with unit_of_work() as session:
        return _referral_out(
            service.record_outcome(session, principal.scope, referral_id, data, actor=principal.login)
        )


@router.post("/visits", response_model=IdOut, status_code=201)
def record_visit(data: VisitIn, principal: Principal = Depends(require("employment.write"))) -> IdOut:
    with unit_of_work() as session:
        return IdOut(id=service.record_visit(session, principal.scope, data, actor=principal.login).id)


ZERO_COLUMNS = [
    ("household_id", "家庭户编号", "household"),
    ("household_number", "户号", "household number"),
    ("head_name", "户主", "head"),
    ("banner_code", "旗县区", "banner"),
    ("identified_on", "认定日期", "identified on"),
    ("cleared_on", "清零日期", "cleared on"),
    ("cleared_reason", "清零原因", "cleared because"),
]


@router.get("/zero-employment-households", dependencies=[READ])
def list_zero_employment(
    include_cleared: bool = False, format: str = FORMAT, scope: RegionScope = Depends(current_scope)
):
    """零就业家庭 — tracked until a member works (动态清零)."""
    with unit_of_work() as session:
        rows = [
            asdict(r) for r in service.list_zero_employment(session, scope, include_cleared=include_cleared)
        ]
    return _xlsx(rows, ZERO_COLUMNS, "zero_employment") if format == "xlsx" else rows


@router.post("/zero-employment-households/refresh")
def refresh_zero_employment(
    as_of: date | None = AS_OF, principal: Principal = Depends(require("employment.write"))
) -> dict[str, int]:
    with unit_of_work() as session:
        return service.refresh_zero_employment(
            session, principal.scope, today=_today(as_of), actor=principal.login
        )


# ---------------------------------------------------------------- public-welfare jobs


@router.post("/public-welfare/posts", response_model=IdOut, status_code=201)
def create_post(
    data: PublicWelfarePostIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        return IdOut(id=service.create_post(session, principal.scope, data, actor=principal.login).id)


@router.get("/public-welfare/eligibility/{person_id}", dependencies=[READ])
def public_welfare_eligibility(
    person_id: int, as_of: date | None = AS_OF, scope: RegionScope = Depends(current_scope)
) -> dict[str, Any]:
    with unit_of_work() as session:
        return service.public_welfare_eligibility(session, scope, person_id, today=_today(as_of))


@router.post("/public-welfare/placements", response_model=IdOut, status_code=201)
def place_public_welfare(
    data: PlacementIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        placement = service.place_public_welfare(
            session,
            principal.scope,
            data.post_id,
            data.person_id,
            started_on=data.started_on,
            actor=principal.login,
        )
        return IdOut(id=placement.id)


class EndIn(BaseModel):
    ended_on: date
    reason: str = Field(min_length=1, max_length=32)


@router.post("/public-welfare/placements/{placement_id}/end", response_model=IdOut)
def end_public_welfare(
    placement_id: int, data: EndIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        placement = service.end_public_welfare(
            session,
            principal.scope,
            placement_id,
            ended_on=data.ended_on,
            reason=data.reason,
            actor=principal.login,
        )
        return IdOut(id=placement.id)


SUBSIDY_COLUMNS = [
    ("placement_id", "安置编号", "placement"),
    ("person_id", "人员编号", "person"),
    ("banner_code", "旗县区", "banner"),
    ("days_in_force", "在岗天数", "days"),
    ("post_subsidy_fen", "岗位补贴", "post subsidy"),
    ("social_insurance_subsidy_fen", "社保补贴", "social-insurance subsidy"),
]


@router.get("/public-welfare/subsidies", dependencies=[READ])
def public_welfare_subsidies(month: date, format: str = FORMAT, scope: RegionScope = Depends(current_scope)):
    with unit_of_work() as session:
        rows = service.public_welfare_subsidies(session, scope, month=month)
    return _xlsx(rows, SUBSIDY_COLUMNS, "public_welfare_subsidies") if format == "xlsx" else rows


# ---------------------------------------------------------------- work relief


@router.post("/work-relief/projects", response_model=IdOut, status_code=201)
def create_project(
    data: WorkReliefProjectIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        return IdOut(id=service.create_project(session, principal.scope, data, actor=principal.login).id)


@router.post("/work-relief/projects/{project_id}/workers", response_model=IdOut, status_code=201)
def add_worker(
    project_id: int, data: WorkReliefWorkerIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        return IdOut(
            id=service.add_worker(session, principal.scope, project_id, data, actor=principal.login).id
        )


@router.post("/work-relief/projects/{project_id}/attendance", response_model=IdOut, status_code=201)
def record_attendance(
    project_id: int, data: AttendanceIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    with unit_of_work() as session:
        return IdOut(
            id=service.record_attendance(session, principal.scope, project_id, data, actor=principal.login).id
        )


@router.post("/work-relief/payroll/{payroll_id}/payments", response_model=IdOut)
def pay_wages(
    payroll_id: int, data: PaymentIn, principal: Principal = Depends(require("employment.write"))
) -> IdOut:
    amount_fen = yuan_to_fen(check_yuan(data.amount_yuan))
    with unit_of_work() as session:
        line = service.pay_wages(
            session,
            principal.scope,
            payroll_id,
            amount_fen=amount_fen,
            paid_on=data.paid_on,
            actor=principal.login,
        )
        return IdOut(id=line.id)


PROJECT_COLUMNS = [
    ("project_code", "项目编号", "project"),
    ("name", "项目名称", "name"),
    ("banner_code", "旗县区", "banner"),
    ("central_funds_fen", "中央资金", "central funds"),
    ("paid_fen", "已发劳务报酬", "remuneration paid"),
    ("labour_share", "劳务报酬占比", "share"),
    ("required_fen", "应发下限", "required"),
    ("shortfall_fen", "差额", "shortfall"),
    ("share_status", "状态", "status"),
    ("days_to_close", "距完工天数", "days to close"),
    ("arrears_fen", "拖欠工资", "arrears"),
    ("workers", "务工人数", "workers"),
]


@router.get("/work-relief/projects", dependencies=[READ])
def check_projects(
    as_of: date | None = AS_OF, format: str = FORMAT, scope: RegionScope = Depends(current_scope)
):
    """以工代赈 projects with the remuneration check, warnings and arrears."""
    with unit_of_work() as session:
        rows = service.check_projects(session, scope, today=_today(as_of))
    return _xlsx(rows, PROJECT_COLUMNS, "work_relief") if format == "xlsx" else rows


# ---------------------------------------------------------------- refunds and benefit


@router.post("/retention-refunds", status_code=201)
def decide_refund(
    data: RefundIn, as_of: date | None = AS_OF, principal: Principal = Depends(require("employment.write"))
) -> dict[str, Any]:
    with unit_of_work() as session:
        refund = service.decide_refund(
            session, principal.scope, data, actor=principal.login, today=_today(as_of)
        )
        return _refund_row(refund)


def _refund_row(refund, employer=None) -> dict[str, Any]:
    row = {
        key: getattr(refund, key)
        for key in (
            "id",
            "employer_id",
            "year",
            "contributions_fen",
            "months_paid",
            "insured_at_start",
            "insured_at_end",
            "average_insured",
            "size",
            "layoff_rate",
            "eligible",
            "refund_fen",
            "decided_on",
            "reasons",
        )
    }
    if employer is not None:
        row |= {
            "employer_name": employer.name,
            "credit_code": employer.credit_code,
            "banner_code": employer.banner_code,
        }
    return row


REFUND_COLUMNS = [
    ("credit_code", "统一社会信用代码", "credit code"),
    ("employer_name", "单位名称", "employer"),
    ("banner_code", "旗县区", "banner"),
    ("year", "年度", "year"),
    ("size", "规模", "size"),
    ("contributions_fen", "上年缴费", "contributions"),
    ("layoff_rate", "裁员率", "layoff rate"),
    ("eligible", "符合条件", "eligible"),
    ("refund_fen", "返还金额", "refund"),
]


@router.get("/retention-refunds", dependencies=[READ])
def list_refunds(
    year: int | None = Query(None, ge=2015, le=2100),
    format: str = FORMAT,
    scope: RegionScope = Depends(current_scope),
):
    with unit_of_work() as session:
        rows = [_refund_row(r, e) for r, e in service.list_refunds(session, scope, year=year)]
    return _xlsx(rows, REFUND_COLUMNS, "retention_refunds") if format == "xlsx" else rows


@router.post("/unemployment-benefit", dependencies=[READ])
def unemployment_benefit(data: BenefitIn, as_of: date | None = AS_OF) -> dict[str, Any]:
    """失业保险金测算 — months and monthly amount, with reasons; nothing is recorded."""
    return service.unemployment_benefit(data, today=_today(as_of))


@router.get("/statistics", dependencies=[READ])
def statistics(
    year: int | None = Query(None, ge=2015, le=2100),
    as_of: date | None = AS_OF,
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    today = _today(as_of)
    with unit_of_work() as session:
        return service.statistics(session, scope, year=year or today.year, today=today)
